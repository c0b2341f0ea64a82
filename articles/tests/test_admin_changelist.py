"""The story list and story form in the admin: what staff type is shown as text, search, the region filter."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.admin_listing import changelist_page
from articles.tests.factories import make_article, make_photo
from regions.models import Region

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
SCRIPT_ALT = 'Harbour at dusk"><script>alert("alt")</script>'


def test_photo_alt_text_is_escaped_in_the_story_list_and_the_photo_inline(admin_client):
    story = make_article(headline="Harbour photos")
    make_photo(story, alt_text=SCRIPT_ALT)

    for url in (CHANGELIST, reverse("admin:articles_article_change", args=[story.pk])):
        page = admin_client.get(url).content.decode()
        assert '<script>alert("alt")</script>' not in page, url
        assert 'alt="Harbour at dusk&quot;&gt;&lt;script&gt;alert(&quot;alt&quot;)&lt;/script&gt;"' in page, url


@pytest.mark.parametrize(
    "field, text",
    [
        ("headline", "Cherry blossoms at Zhongshan Park"),
        ("summary", "Blossoms draw record crowds"),
        ("body", "The petals fell early this year."),
        ("byline", "By Liu Xiaoming"),
        ("source", "qingdaonews.com"),
    ],
)
def test_admin_search_finds_stories_by_each_field_and_only_those(admin_client, field, text):
    wanted = make_article(**{field: text})
    make_article(headline="Unrelated harbour story", summary="Ships.", body="Cranes.", byline="", source="")

    page = admin_client.get(CHANGELIST, {"q": text.split()[-1].rstrip(".")}).content.decode()

    assert f">{wanted.headline}<" in page
    assert "Unrelated harbour story" not in page


def test_region_filter_names_the_stories_without_a_region_city_wide(admin_client):
    make_article(headline="A city-wide story")
    make_article(headline="A Jimo story", regions=[Region.objects.get(slug="jimo")])

    page = admin_client.get(CHANGELIST).content.decode()
    assert '<a href="?regions__isnull=True">City-wide</a>' in page

    filtered = admin_client.get(CHANGELIST, {"regions__isnull": "True"}).content.decode()
    assert "A city-wide story" in filtered
    assert "A Jimo story" not in filtered


@pytest.mark.parametrize(
    "asked, page",
    [("3", 3), ("123456", 123456), ("1234567", 1), ("abc", 1), ("-2", 1), ("", 1), (None, 1)],
)
def test_the_list_page_asked_for_is_a_number_of_at_most_six_digits_else_the_first(rf, asked, page):
    query = {} if asked is None else {"p": asked}

    assert changelist_page(rf.get(CHANGELIST, query)) == page


@pytest.mark.parametrize("asked", ["abc", "1234567"])
def test_a_list_page_that_is_no_number_shows_the_first(admin_client, asked):
    make_article(headline="Ferry timetable changes")

    response = admin_client.get(CHANGELIST, {"p": asked})

    assert response.status_code == 200 and "Ferry timetable changes" in response.content.decode()


def test_a_byline_is_looked_for_among_the_newest_published_stories_whatever_their_ids(
    admin_client, monkeypatch
):
    monkeypatch.setattr("articles.admin_listing.CREDITS_WINDOW", 2)
    wanted = make_article(headline="Entered first, published last", byline="By Liu Xiaoming", days_ago=0)
    make_article(headline="Older one", byline="By Liu Xiaoming", days_ago=5)
    make_article(headline="Older two", days_ago=4)
    make_article(headline="Newer", days_ago=1)

    page = admin_client.get(CHANGELIST, {"q": "Xiaoming"}).content.decode()

    assert f">{wanted.headline}<" in page
    assert "Older one" not in page


def test_the_list_search_finds_stories_without_scoring_them(admin_client):
    """Staff see the newest matches first; scores (what the reader search sorts by) would cost a read each."""
    make_article(headline="Lanterns light the old town")

    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(CHANGELIST, {"q": "lantern"}).content.decode()

    assert "Lanterns light the old town" in page
    sql = "\n".join(query["sql"] for query in queries)
    assert "MATCH" in sql or "@@" in sql
    assert "{headline}" not in sql and "ts_rank" not in sql


def test_of_stories_published_at_the_same_time_the_last_entered_is_the_newest_for_the_byline_search(
    admin_client, monkeypatch
):
    monkeypatch.setattr("articles.admin_listing.CREDITS_WINDOW", 1)
    same_time = timezone.now() - timedelta(hours=1)
    make_article(headline="Entered first", published_at=same_time)
    wanted = make_article(headline="Entered last", byline="By Liu Xiaoming", published_at=same_time)

    page = admin_client.get(CHANGELIST, {"q": "Xiaoming"}).content.decode()

    assert f">{wanted.headline}<" in page
