"""The search form's checks and the date bounds it puts on stories (in the site's time zone)."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from articles.models import Article
from articles.tests.factories import make_article
from regions.models import Region
from search.forms import SearchForm

pytestmark = pytest.mark.django_db


def test_an_end_before_the_start_is_an_error_on_the_end_field():
    form = SearchForm({"start": "2025-05-02", "end": "2025-05-01"})
    assert form.errors == {"end": ["The end date is before the start date."]}


@pytest.mark.parametrize("data", [{"start": "2025-05-01", "end": "2025-05-01"}, {"start": "2025-05-01"}, {"end": "2025-05-01"}])
def test_one_day_or_an_open_ended_range_is_valid(data):
    assert SearchForm(data).is_valid()


def at(day, clock):
    return timezone.make_aware(datetime.combine(day, clock))


def test_the_dates_include_the_whole_of_the_first_and_last_days_and_nothing_beyond():
    first, last = date(2025, 5, 1), date(2025, 5, 3)
    make_article(headline="before", published_at=at(date(2025, 4, 30), time(23, 59)))
    make_article(headline="first day", published_at=at(first, time(0, 0)))
    make_article(headline="last day", published_at=at(last, time(23, 59)))
    make_article(headline="after", published_at=at(date(2025, 5, 4), time(0, 0)))
    form = SearchForm({"start": "2025-05-01", "end": "2025-05-03"})
    assert form.is_valid()
    found = form.filter(Article.objects.order_by("published_at")).values_list("headline", flat=True)
    assert list(found) == ["first day", "last day"]


def test_a_chosen_region_keeps_only_its_stories():
    laoshan, jimo = Region.objects.get(slug="laoshan"), Region.objects.get(slug="jimo")
    make_article(headline="in Laoshan", regions=[laoshan])
    make_article(headline="in Jimo", regions=[jimo])
    form = SearchForm({"region": "laoshan"})
    assert form.is_valid()
    assert list(form.filter(Article.objects.all()).values_list("headline", flat=True)) == ["in Laoshan"]
