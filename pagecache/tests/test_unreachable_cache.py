"""A cache that cannot be reached (a Redis on a closed port): readers still get pages, /healthz says so."""

import pytest
from django.core.cache import caches

from articles.tests.factories import make_article

pytestmark = pytest.mark.django_db

UNREACHABLE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1},
    }
}


@pytest.fixture
def cache_down(settings):
    settings.CACHES = UNREACHABLE
    settings.PAGE_CACHE = True
    yield
    caches["default"].close()


def test_readers_get_the_page_rendered_when_the_cache_is_down(client, cache_down):
    make_article(headline="Ferry timetable changes")

    response = client.get("/")

    assert response.status_code == 200
    assert "Ferry timetable changes" in response.content.decode()


def test_healthz_reports_an_unreachable_cache_without_failing_the_instance(client, cache_down):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unreachable"}


def test_healthz_reports_a_working_cache(client):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_a_change_made_while_the_cache_was_down_still_shows_once_it_is_back(
    client, settings, django_capture_on_commit_callbacks, caplog
):
    """The generation could not be bumped at commit; it is, before anything is served again."""
    from django.core.cache import cache as working_cache

    settings.PAGE_CACHE = True
    working_cache.clear()
    story = make_article(headline="Ferry timetable changes")
    assert client.get("/") and client.get("/")["X-Page-Cache"] == "hit"

    settings.CACHES = UNREACHABLE
    with django_capture_on_commit_callbacks(execute=True):
        story.headline = "Ferry timetable changes again"
        story.save()
    assert {(record.name, record.levelname, record.message) for record in caplog.records} == {
        ("pagecache.cache", "ERROR", "Could not start a new page cache generation; will retry")
    }
    assert "changes again" in client.get("/").content.decode()  # rendered, cache down
    caches["default"].close()

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "changes again" in client.get("/").content.decode()
