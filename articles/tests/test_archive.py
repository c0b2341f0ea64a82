from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def day_url(year, month, day):
    return reverse("articles:archive-day", kwargs={"year": year, "month": month, "day": day})


def test_day_archive_lists_that_days_published_stories_in_the_site_time_zone(client):
    early = make_article(headline="Early on the 26th", published_at=at(2025, 5, 26, 0, 30))
    late = make_article(headline="Late on the 26th", published_at=at(2025, 5, 26, 23, 50))
    make_article(headline="On the 27th", published_at=at(2025, 5, 27, 0, 10))
    make_article(headline="Draft on the 26th", published=False, published_at=at(2025, 5, 26, 12))

    response = client.get(day_url(2025, 5, 26))

    assert response.status_code == 200
    assert list(response.context["articles"]) == [late, early]
    page = response.content.decode()
    assert "26 May 2025" in page
    assert "Draft on the 26th" not in page
    assert 'href="/archive/2025/5/27/"' in page  # next day with stories
    assert '<a href="/archive/2025/5/">All of May 2025</a>' in page


def test_month_and_year_archives(client):
    may = make_article(published_at=at(2025, 5, 2, 9))
    june = make_article(published_at=at(2025, 6, 1, 9))
    make_article(published_at=at(2024, 12, 31, 23))

    month = client.get(reverse("articles:archive-month", kwargs={"year": 2025, "month": 5}))
    year = client.get(reverse("articles:archive-year", kwargs={"year": 2025}))

    assert list(month.context["articles"]) == [may]
    assert '<a href="/archive/2025/">All of 2025</a>' in month.content.decode()
    assert list(year.context["articles"]) == [june, may]
    year_page = year.content.decode()
    assert 'href="/archive/2025/5/"' in year_page and 'href="/archive/2025/6/"' in year_page
    assert 'href="/archive/2024/"' in year_page  # previous year with stories


def test_kept_dates_with_stories_are_each_periods_own(client, settings):
    """With the content cache on, one year's (one month's) dates and neighbours are never shown for another."""
    settings.CONTENT_CACHE = True
    cache.clear()
    make_article(published_at=at(2025, 5, 2, 9))
    make_article(published_at=at(2024, 5, 20, 9))
    make_article(published_at=at(2024, 7, 1, 9))

    def dates(**kwargs):
        name = "articles:archive-month" if "month" in kwargs else "articles:archive-year"
        return list(client.get(reverse(name, kwargs=kwargs)).context["date_list"])

    assert [d.day for d in dates(year=2025, month=5)] == [2]
    assert [d.day for d in dates(year=2024, month=5)] == [20]
    assert [d.month for d in dates(year=2025)] == [5]
    assert [d.month for d in dates(year=2024)] == [5, 7]
    # And so are its neighbours with stories.
    may_2024 = client.get(reverse("articles:archive-month", kwargs={"year": 2024, "month": 5})).context
    assert (may_2024["previous_month"], may_2024["next_month"].month) == (None, 7)
    july_2024 = client.get(reverse("articles:archive-month", kwargs={"year": 2024, "month": 7})).context
    assert (july_2024["previous_month"].month, july_2024["next_month"].year) == (5, 2025)
    cache.clear()


def test_story_date_line_links_to_its_day(client):
    story = make_article(published_at=at(2025, 5, 26, 9, 12))
    page = client.get(story.get_absolute_url()).content.decode()
    assert f'<a href="{day_url(2025, 5, 26)}">2025-05-26</a> 09:12' in page


@pytest.mark.parametrize(
    "url",
    [
        "/archive/2025/13/",
        "/archive/2025/0/",
        "/archive/2025/2/30/",
        "/archive/0/",
        "/archive/99999/",
        "/archive/2025/5/26/?page=2",
        "/archive/2025/5/26/?page=x",
        "/archive/1999/",  # no stories that year
    ],
)
def test_impossible_or_empty_dates_are_404(client, url):
    make_article(published_at=at(2025, 5, 26, 9))
    assert client.get(url).status_code == 404


def test_scheduled_stories_are_not_in_the_archive(client):
    tomorrow = timezone.localtime() + timedelta(days=1)
    make_article(headline="Tomorrow's story", published_at=tomorrow)
    response = client.get(day_url(tomorrow.year, tomorrow.month, tomorrow.day))
    assert response.status_code == 404


def test_archive_pages_make_a_fixed_number_of_queries(client):
    def add(count):
        for n in range(count):
            story = make_article(published_at=at(2025, 5, 26, 8) + timedelta(minutes=n), tags=["a", "b"])
            make_photo(story)

    add(3)
    url = day_url(2025, 5, 26)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(25)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many)


@pytest.mark.parametrize(
    "url",
    [
        "/archive/9999/12/31/",
        "/archive/9999/12/",
        "/archive/9999/",
        "/archive/1/1/1/",
        "/archive/1/1/",
        "/archive/1/",
        "/archive/0/1/1/",
        "/archive/2025/13/1/",
        "/archive/2025/5/0/",
        "/archive/2025/5/32/",
        "/archive/10000/1/1/",
        "/archive/99999999999999999999/",
        "/archive/2025/99999999999999999999/",
        "/archive/2025/5/99999999999999999999/",
    ],
)
def test_dates_at_the_edges_of_the_calendar_are_404(client, url):
    """Whatever date a reader types, the archive answers 404 at worst, never 500."""
    make_article(published_at=at(2025, 5, 26, 9))
    assert client.get(url).status_code == 404
