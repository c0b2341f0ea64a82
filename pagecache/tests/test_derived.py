"""Derived values (pagecache/derived.py): computed once per content generation and scheduled publication."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache, caches
from django.test import override_settings
from django.utils import timezone

from articles.tests.factories import make_article
from pagecache import cache as page_cache_module
from pagecache.cache import bump_generation
from pagecache.derived import derived
from pagecache.tests.test_unreachable_cache import UNREACHABLE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def content_cache_on(settings):
    settings.CONTENT_CACHE = True
    settings.PAGE_CACHE_SECONDS = 1000
    cache.clear()
    yield
    cache.clear()


class Counted:
    """A computation that says how often it ran."""

    def __init__(self, value="years"):
        self.value, self.runs = value, 0

    def __call__(self):
        self.runs += 1
        return f"{self.value} {self.runs}"


def years_at(moment, years):
    """derived("years", years) with the clock stopped at `moment`."""
    with time_machine.travel(moment, tick=False):
        return derived("years", years)


def test_a_value_is_computed_once_per_generation_and_per_name():
    years, tags = Counted("years"), Counted("tags")

    assert [derived("years", years), derived("years", years), derived("tags", tags)] == [
        "years 1",
        "years 1",
        "tags 1",
    ]
    bump_generation()
    assert derived("years", years) == "years 2"
    assert derived("years", years) == "years 2"


def test_a_value_is_computed_again_once_the_next_scheduled_publication_comes():
    start = timezone.now().replace(microsecond=0)
    make_article(published_at=start + timedelta(minutes=5))
    years = Counted()

    assert years_at(start, years) == "years 1"
    assert years_at(start + timedelta(minutes=5) - timedelta(microseconds=1), years) == "years 1"
    assert years_at(start + timedelta(minutes=5), years) == "years 2"


def test_a_value_is_kept_page_cache_seconds_at_most():
    start = timezone.now().replace(microsecond=0)
    years = Counted()
    assert years_at(start, years) == "years 1"
    assert years_at(start + timedelta(seconds=999), years) == "years 1"
    assert years_at(start + timedelta(seconds=1001), years) == "years 2"


def test_a_value_is_computed_every_time_with_the_content_cache_off(settings):
    settings.CONTENT_CACHE = False
    years = Counted()

    assert [derived("years", years), derived("years", years)] == ["years 1", "years 2"]


def test_a_value_is_computed_every_time_while_a_new_generation_could_not_be_started(monkeypatch):
    """A change the cache did not hear of may be committed: nothing cached can be trusted."""
    years = Counted()
    derived("years", years)
    monkeypatch.setattr(page_cache_module, "_bump_failed", True)

    assert [derived("years", years), derived("years", years)] == ["years 2", "years 3"]


def test_a_value_is_computed_when_the_cache_is_down(caplog):
    years = Counted()
    with override_settings(CACHES=UNREACHABLE), caplog.at_level(logging.WARNING, logger="pagecache.derived"):
        try:
            assert [derived("years", years), derived("years", years)] == ["years 1", "years 2"]
        finally:
            caches["default"].close()

    messages = [record.getMessage() for record in caplog.records]
    assert messages == ["Page cache unreachable; computing years"] * 2
    assert all(record.exc_info for record in caplog.records)  # with the cache's error


def test_a_story_scheduled_sooner_brings_the_next_computation_forward():
    start = timezone.now().replace(microsecond=0)
    make_article(published_at=start + timedelta(minutes=10))
    years = Counted()
    assert years_at(start, years) == "years 1"
    make_article(published_at=start + timedelta(minutes=5))
    bump_generation()  # what the story's commit does
    assert years_at(start, years) == "years 2"
    assert years_at(start + timedelta(minutes=5), years) == "years 3"
