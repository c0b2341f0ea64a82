"""A story's card data (articles/cards.py): what it holds, in which order, and who keeps it in step."""

import pytest
from django.core.management import call_command
from django.db import connection

from articles.cards import card_of, refresh_cards
from articles.models import Article, Photo, Tag, TaggedArticle
from articles.tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db


def card(story):
    return Article.objects.get(pk=story.pk).card


def test_tags_are_in_the_card_by_name_whatever_their_case():
    story = make_article(tags=["Zoo", "apple", "_port"])
    assert [name for name, _slug in card(story)["tags"]] == ["_port", "apple", "Zoo"]


def test_a_lead_photo_without_card_crops_has_an_empty_list_of_them():
    story = make_article()
    make_photo(story)
    Photo.objects.filter(article=story).update(renditions={})
    refresh_cards([story.pk])
    assert card(story)["photo"][4] == {"cards": []}


def test_refresh_cards_reads_a_few_queries_however_many_stories(django_assert_num_queries):
    stories = [make_article(tags=["Tea", "Port"]) for _ in range(3)]
    for story in stories:
        make_photo(story, position=1)
        make_photo(story, position=0)
    # The stories, their regions, tags and photos in one query each, then one update per story.
    with django_assert_num_queries(4 + len(stories)):
        refresh_cards([story.pk for story in stories])
    for story in stories:
        assert card(story) == card_of(Article.objects.prefetch_related("regions", "tags", "photos").get(pk=story.pk))
        lead = Photo.objects.get(article=story, position=0)
        assert card(story)["photo"][0] == lead.image.name


def test_renaming_a_tag_refreshes_the_cards_of_its_stories_only():
    # Tag links numbered apart from the stories, so a link's own id cannot pass for a story's.
    for _ in range(5):
        make_article(tags=["filler", "more filler"])
    story, other = make_article(tags=["harbor"]), make_article(tags=["Tea"])
    assert TaggedArticle.objects.get(content_object_id=story.pk).pk != story.pk

    tag = Tag.objects.get(name="harbor")
    tag.name = "Harbour"
    tag.save()

    assert [name for name, _slug in card(story)["tags"]] == ["Harbour"]
    assert [name for name, _slug in card(other)["tags"]] == ["Tea"]


def test_the_story_page_links_each_tag_to_its_page(client):
    story = make_article(tags=["Tea harvest"])
    tag = Tag.objects.get(name="Tea harvest")
    assert f'href="/tags/{tag.slug}/" rel="tag"' in client.get(story.get_absolute_url()).content.decode()


def stop_after(count):
    """A query wrapper that fails the query after `count`, so a runaway loop of batches fails fast."""
    done = 0

    def wrapper(execute, sql, params, many, context):
        nonlocal done
        done += 1
        assert done <= count, f"more than {count} queries"
        return execute(sql, params, many, context)

    return wrapper


def test_the_refresh_cards_command_rebuilds_every_story_in_batches_of_500(django_assert_num_queries, capsys):
    """A bulk write sends no signals: the command rebuilds all cards, past the first batch too."""
    Article.objects.bulk_create(
        Article(headline=f"Bulk story {n}", body="b", slug=f"bulk-{n}") for n in range(500)
    )
    last = make_article(tags=["Tea"])  # the 501st story, alone in the second batch
    Article.objects.update(card={})

    # All ids; one transaction (a savepoint and its release inside the test's); per batch of 500
    # the stories, regions, tags and photos, and one update per story.
    expected = 1 + 2 + (4 + 500) + (4 + 1)
    with django_assert_num_queries(expected), connection.execute_wrapper(stop_after(expected)):
        call_command("refresh_cards")

    assert [name for name, _slug in card(last)["tags"]] == ["Tea"]
    assert not Article.objects.filter(card={}).exists()
    assert capsys.readouterr().out == "Card data rebuilt for 501 stories.\n"
