"""Revisions (django-reversion): one per save, history, differences, restore; edit conflicts."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.history import word_diff
from articles.models import Article
from articles.tests.factories import make_photo
from articles.tests.newsroom import (
    ADD_URL,
    change_url,
    form_errors,
    newsroom_user,
    signed_in,
    story_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return newsroom_user("chen.editor", "Editor")


@pytest.fixture
def second_editor():
    return newsroom_user("liu.editor", "Editor")


def add_story(client, **typed):
    response = client.post(ADD_URL, story_data(**typed))
    assert response.status_code == 302, form_errors(response)
    return Article.objects.latest("pk")


def save(client, story, **typed):
    story.refresh_from_db()
    response = client.post(change_url(story), story_data(story, **typed))
    assert response.status_code == 302, form_errors(response)
    story.refresh_from_db()
    return story


def versions(story):
    return list(Version.objects.get_for_object(story).select_related("revision__user").order_by("pk"))


def test_every_save_keeps_a_revision_with_who_and_what(client, editor):
    signed_in(client, editor)
    story = add_story(client, headline="Ferry timetable changes", tags="Ferries")
    save(client, story, body="New sailings from Monday.", tags="Ferries, Transport", status="review")

    kept = versions(story)
    assert len(kept) == 2
    assert all(version.revision.user == editor for version in kept)
    first, second = (version.field_dict for version in kept)
    assert first["body"].startswith("<p>First paragraph") and second["body"] == "<p>New sailings from Monday.</p>"
    assert (first["status"], second["status"]) == ("draft", "review")
    tag_rows = [v for v in kept[1].revision.version_set.all() if v.content_type.model == "taggedarticle"]
    assert len(tag_rows) == 2


def test_history_page_lists_revisions_and_compares_two(client, editor):
    signed_in(client, editor)
    story = add_story(client, headline="Beer festival dates set", summary="It opens in August.")
    save(client, story, headline="Beer festival dates confirmed", summary="It opens on <b>8 August</b>.")
    older, newer = versions(story)

    history = client.get(reverse("admin:articles_article_history", args=[story.pk]))
    page = history.content.decode()
    assert history.status_code == 200
    assert page.count('name="a"') == 2 and "Restore this version" in page

    compare = reverse("admin:articles_article_compare", args=[story.pk])
    response = client.get(compare, {"a": older.pk, "b": newer.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Beer festival dates <del>set</del> <ins>confirmed</ins>" in page
    assert "<ins>8 &lt;b&gt;8 August&lt;/b&gt;.</ins>" not in page
    assert "&lt;b&gt;8 August&lt;/b&gt;" in page
    assert "<b>8 August</b>" not in page


def test_compare_refuses_versions_of_another_story(client, editor):
    signed_in(client, editor)
    one = add_story(client, headline="One")
    two = add_story(client, headline="Two")
    url = reverse("admin:articles_article_compare", args=[one.pk])
    assert client.get(url, {"a": versions(one)[0].pk, "b": versions(two)[0].pk}).status_code == 404
    assert client.get(url, {"a": "x", "b": "1"}).status_code == 404


def test_restore_brings_back_the_text_tags_and_captions_as_a_new_revision(client, editor):
    signed_in(client, editor)
    story = add_story(client, headline="Original headline", tags="Harbour")
    photo = make_photo(story, caption="Original caption")
    save(client, story, status="published")  # keeps a revision with the photo
    good = versions(story)[-1]
    story.refresh_from_db()
    data = story_data(story, headline="Botched headline", tags="Wrong")
    data.update(
        {
            "photos-TOTAL_FORMS": "1",
            "photos-INITIAL_FORMS": "1",
            "photos-0-id": str(photo.pk),
            "photos-0-article": str(story.pk),
            "photos-0-caption": "Botched caption",
            "photos-0-credit": photo.credit,
            "photos-0-alt_text": photo.alt_text,
            "photos-0-position": "0",
        }
    )
    assert client.post(change_url(story), data).status_code == 302
    count = len(versions(story))

    response = client.post(reverse("admin:articles_article_restore", args=[story.pk, good.pk]))

    assert response.status_code == 302
    story.refresh_from_db(), photo.refresh_from_db()
    assert story.headline == "Original headline"
    assert list(story.tags.names()) == ["Harbour"]
    assert photo.caption == "Original caption"
    assert story.status == Article.Status.PUBLISHED  # a restore never moves the story in the workflow
    kept = versions(story)
    assert len(kept) == count + 1
    assert kept[-1].revision.comment.startswith("Restored the version of")
    assert kept[-1].field_dict["headline"] == "Original headline"


def test_restore_is_refused_to_those_who_cannot_edit_and_by_get(client, editor):
    signed_in(client, editor)
    story = add_story(client, headline="Kept as is")
    save(client, story, headline="Kept as is, edited")
    first = versions(story)[0]
    restore_url = reverse("admin:articles_article_restore", args=[story.pk, first.pk])

    assert client.get(restore_url).status_code == 302
    story.refresh_from_db()
    assert story.headline == "Kept as is, edited"

    signed_in(client, newsroom_user("zhao.tags", "Tagger"))
    assert client.post(restore_url).status_code == 403
    assert "Restore this version" not in client.get(
        reverse("admin:articles_article_history", args=[story.pk])
    ).content.decode()
    story.refresh_from_db()
    assert story.headline == "Kept as is, edited"


def test_a_second_editor_cannot_overwrite_the_first_and_keeps_their_typing(client, editor, second_editor):
    signed_in(client, editor)
    story = add_story(client, headline="Typhoon warning issued", body="Winds of 100 km/h expected.")
    opened = Article.objects.get(pk=story.pk)  # both editors open the form now

    save(client, story, headline="Typhoon warning raised to orange")

    signed_in(client, second_editor)
    typed = story_data(opened, body="Ferries are suspended; schools close at noon.")
    response = client.post(change_url(story), typed)

    assert response.status_code == 200
    errors = " ".join(form_errors(response))
    assert "chen.editor saved this story" in errors
    page = response.content.decode()
    assert "<li>Headline: Typhoon warning <del>issued</del> <ins>raised to orange</ins></li>" in page
    assert "Your own changes are still in the form below" in page
    assert "Ferries are suspended; schools close at noon." in page
    story.refresh_from_db()
    assert story.headline == "Typhoon warning raised to orange"
    assert story.body == "<p>Winds of 100 km/h expected.</p>"

    # The page now carries the current version: saving again (having seen the change) goes through.
    assert f'name="opened_version" value="{story.version}"' in page
    typed["opened_version"] = str(story.version)
    typed["headline"] = story.headline
    assert client.post(change_url(story), typed).status_code == 302
    story.refresh_from_db()
    assert (story.headline, story.body) == (
        "Typhoon warning raised to orange",
        "<p>Ferries are suspended; schools close at noon.</p>",
    )


def test_word_diff_marks_words_and_escapes_them():
    assert word_diff("", "New <b>text</b>") == "<ins>New &lt;b&gt;text&lt;/b&gt;</ins>"
    assert word_diff("Old text", "") == "<del>Old text</del>"
    assert word_diff("a b c", "a x c") == "a <del>b</del> <ins>x</ins> c"
