"""The story template tags and filters (articles/templatetags/)."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.test.signals import template_rendered
from django.utils import timezone

from articles.templatetags.articles_tags import excerpt


def test_an_excerpt_cut_before_a_space_or_a_chinese_character_keeps_the_whole_word_before_it():
    # Cut at the space after "two": "two" is whole, so it stays.
    assert excerpt("one two three", 7) == "one two…"
    # Cut before 啤 (Chinese is cut between characters): 青岛 after the space stays.
    assert excerpt("Qingdao 青岛啤酒节开幕", 12) == "Qingdao 青岛…"


def test_full_width_letters_count_two_columns_like_chinese_characters():
    assert excerpt("ＱＩＮＧＤＡＯ", 6) == "ＱＩＮ…"
    assert excerpt("一二三四", 6) == "一二三…"


def render_card_and_row(article):
    from django.template import Context, Template

    from articles.models import Article

    article = Article.objects.get(pk=article.pk)
    page = Template("{% load story_cards %}{% story_card article %}|{% story_headline article %}")
    return page.render(Context({"article": article}))


@pytest.mark.django_db
def test_kept_cards_and_headline_rows_follow_the_sites_time_zone(settings):
    """A fragment kept for one time zone is not served for another: its dates would be wrong."""
    from datetime import UTC, datetime

    from articles.tests.factories import make_article

    story = make_article(headline="Night ferry", published_at=datetime(2025, 5, 26, 20, 0, tzinfo=UTC))
    shanghai = render_card_and_row(story)
    assert ">2025-05-27</time>" in shanghai and ">May 27</time>" in shanghai
    assert render_card_and_row(story) == shanghai
    settings.TIME_ZONE = "UTC"
    utc = render_card_and_row(story)
    assert ">2025-05-26</time>" in utc and ">May 26</time>" in utc


@pytest.mark.django_db
def test_cards_are_rendered_when_the_cache_is_down(settings):
    """A cache that cannot be reached (Redis down) costs rendering time, never the page."""
    from articles.tests.factories import make_article

    settings.CACHES = {
        **settings.CACHES,
        "down": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1"},
    }
    settings.PAGE_CACHE_ALIAS = "down"
    story = make_article(headline="Night ferry")
    card, row = render_card_and_row(story).split("|")
    assert ">Night ferry</a>" in card and ">Night ferry</a>" in row


@contextmanager
def card_renders():
    """The names of the card and headline-row templates rendered inside the block."""
    names = []

    def rendered(sender, template, **kwargs):
        if template.name in ("articles/_article_card.html", "articles/_headline_row.html"):
            names.append(template.name)

    template_rendered.connect(rendered)
    try:
        yield names
    finally:
        template_rendered.disconnect(rendered)


@pytest.mark.django_db
def test_a_rendered_card_and_headline_row_are_kept_for_a_day(settings):
    from django.core.cache import caches

    from articles.tests.factories import make_article

    caches[settings.PAGE_CACHE_ALIAS].clear()
    story = make_article(headline="Night ferry")
    start = timezone.now()
    with time_machine.travel(start, tick=False), card_renders() as first:
        page = render_card_and_row(story)
    assert sorted(first) == ["articles/_article_card.html", "articles/_headline_row.html"]
    with time_machine.travel(start + timedelta(hours=23, minutes=59), tick=False), card_renders() as kept:
        assert render_card_and_row(story) == page
    assert kept == []
    with time_machine.travel(start + timedelta(days=1, seconds=1), tick=False), card_renders() as again:
        assert render_card_and_row(story) == page
    assert len(again) == 2
