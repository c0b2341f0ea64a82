"""Corrections, "Updated:" on edited published stories, and private preview links."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction
from articles.preview import PREVIEW_LIFETIME, preview_link
from articles.tests.factories import make_article
from articles.tests.newsroom import change_url, form_errors, newsroom_user, signed_in, story_data

pytestmark = pytest.mark.django_db

CORRECTIONS = reverse("articles:correction-list")


@pytest.fixture
def editor():
    return newsroom_user("chen.editor", "Editor")


@pytest.fixture
def journalist():
    return newsroom_user("li.na", "Journalist")


def with_new_correction(data, text, when="2025-05-27"):
    index = int(data["corrections-TOTAL_FORMS"])
    data.update(
        {
            "corrections-TOTAL_FORMS": str(index + 1),
            f"corrections-{index}-created_at_0": when,
            f"corrections-{index}-created_at_1": "10:00:00",
            f"corrections-{index}-text": text,
        }
    )
    return data


# --- Corrections --------------------------------------------------------------


def test_editor_adds_a_correction_readers_see_at_the_foot(client, editor):
    story = make_article(headline="Bridge opens", city_wide=True, days_ago=3)
    signed_in(client, editor)
    data = with_new_correction(story_data(story), "An earlier version gave the <wrong> length of the bridge.")

    response = client.post(change_url(story), data)

    assert response.status_code == 302, form_errors(response)
    correction = Correction.objects.get()
    assert (correction.article, correction.author) == (story, editor)
    story.refresh_from_db()
    assert story.revised_at is not None and story.revised_at > story.published_at
    client.logout()
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Correction, <time" in page
    assert "27 May 2025</time>: An earlier version gave the &lt;wrong&gt;" in page
    assert "Updated:" in page


def test_editor_removes_one_correction_and_rewords_another_which_keeps_its_author(client, editor):
    story = make_article(headline="Bridge opens", city_wide=True, days_ago=3)
    first_editor = newsroom_user("wang.editor", "Editor")
    mistaken = Correction.objects.create(article=story, text="Made in error.", author=first_editor)
    kept = Correction.objects.create(article=story, text="The bridge is 5 km long.", author=first_editor)
    data = story_data(story)
    data["corrections-0-DELETE"] = "on"
    data["corrections-1-text"] = "The bridge is 5.2 km long."

    response = signed_in(client, editor).post(change_url(story), data)

    assert response.status_code == 302, form_errors(response)
    assert list(story.corrections.values_list("pk", "text", "author")) == [
        (kept.pk, "The bridge is 5.2 km long.", first_editor.pk)
    ]
    assert not Correction.objects.filter(pk=mistaken.pk).exists()


def test_journalists_cannot_add_corrections(client, journalist):
    story = make_article(author=journalist, city_wide=True)
    Article.objects.filter(pk=story.pk).update(status=Article.Status.DRAFT)
    story.refresh_from_db()
    signed_in(client, journalist)
    assert "corrections-0-text" not in client.get(change_url(story)).content.decode()
    client.post(change_url(story), with_new_correction(story_data(story), "Sneaked in."))
    assert not Correction.objects.exists()


def test_taggers_who_may_change_a_published_storys_tags_cannot_add_corrections(client):
    story = make_article(city_wide=True)
    signed_in(client, newsroom_user("zhao.tags", "Tagger"))

    assert "corrections-0-text" not in client.get(change_url(story)).content.decode()
    client.post(change_url(story), with_new_correction(story_data(story, tags="Bridges"), "Sneaked in."))

    assert not Correction.objects.exists() and list(story.tags.names()) == ["Bridges"]


def test_corrections_are_offered_only_on_published_stories(client, editor):
    draft = make_article(published=False, published_at=None, city_wide=True)
    page = signed_in(client, editor).get(change_url(draft)).content.decode()
    assert "corrections-0-text" not in page
    published = make_article(city_wide=True)
    assert "corrections-0-text" in client.get(change_url(published)).content.decode()


def test_corrections_page_lists_newest_first_and_only_published_stories():
    now = timezone.now()
    older = make_article(headline="Older story")
    newer = make_article(headline="Newer story")
    hidden = make_article(headline="Now a draft", published=False)
    Correction.objects.create(article=older, text="First fix.", created_at=now - timedelta(days=2))
    Correction.objects.create(article=newer, text="Second fix.", created_at=now - timedelta(days=1))
    Correction.objects.create(article=hidden, text="Hidden fix.", created_at=now)

    page = Client().get(CORRECTIONS).content.decode()
    assert page.index("Second fix.") < page.index("First fix.")
    assert f'href="{newer.get_absolute_url()}"' in page
    assert "Hidden fix." not in page and "Now a draft" not in page


def test_corrections_page_goes_by_each_corrections_date_then_the_last_entered_first():
    """An editor may date a correction earlier than one already entered."""
    day = timezone.now() - timedelta(days=3)
    story = make_article()
    Correction.objects.create(article=story, text="Dated latest.", created_at=day + timedelta(hours=2))
    Correction.objects.create(article=story, text="Back-dated.", created_at=day)
    Correction.objects.create(article=story, text="Same date, entered later.", created_at=day)

    page = Client().get(CORRECTIONS).content.decode()
    positions = [page.index(text) for text in ("Dated latest.", "Same date, entered later.", "Back-dated.")]
    assert positions == sorted(positions)


def test_corrections_page_runs_a_fixed_number_of_queries(client):
    def add(count):
        for _ in range(count):
            Correction.objects.create(article=make_article(), text="A fix.")

    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get(CORRECTIONS)
    add(15)
    with CaptureQueriesContext(connection) as many:
        assert client.get(CORRECTIONS).status_code == 200
    assert len(few) == len(many)


# --- "Updated:" ---------------------------------------------------------------


def test_editing_a_published_story_shows_updated_but_tagging_or_a_draft_does_not(client, editor):
    story = make_article(headline="Harbour fireworks tonight", city_wide=True, days_ago=1)
    draft = make_article(headline="A draft", published=False, city_wide=True)
    signed_in(client, editor)

    client.post(change_url(story), story_data(story, tags="Festivals"))
    story.refresh_from_db()
    assert story.revised_at is None

    response = client.post(change_url(story), story_data(story, body="Fireworks start at 8 pm."))
    assert response.status_code == 302, form_errors(response)
    client.post(change_url(draft), story_data(draft, body="Still a draft."))
    story.refresh_from_db(), draft.refresh_from_db()
    assert story.revised_at is not None and draft.revised_at is None

    client.logout()
    page = client.get(story.get_absolute_url()).content.decode()
    updated = timezone.localtime(story.revised_at).strftime("%Y-%m-%d %H:%M")
    assert re.search(rf"Updated: <time datetime=\"[^\"]+\">{updated}</time>", page)
    modified = timezone.localtime(story.revised_at).isoformat()
    assert f'<meta property="article:modified_time" content="{modified}">' in page


# --- Private preview links ----------------------------------------------------


def test_author_and_editor_get_a_link_others_are_refused(client, editor, journalist):
    story = make_article(published=False, published_at=None, author=journalist)
    url = reverse("admin:articles_article_preview_link", args=[story.pk])
    assert signed_in(client, journalist).get(url).status_code == 200
    assert "/preview/" in signed_in(client, editor).get(url).content.decode()
    assert signed_in(client, newsroom_user("wang.lei", "Journalist")).get(url).status_code == 403
    assert signed_in(client, newsroom_user("zhao.tags", "Tagger")).get(url).status_code == 403


def test_the_preview_link_page_says_until_when_the_link_works(client, editor):
    story = make_article(published=False, published_at=None)
    url = reverse("admin:articles_article_preview_link", args=[story.pk])
    signed_in(client, editor)
    with time_machine.travel(datetime(2026, 5, 4, 1, 30, tzinfo=UTC), tick=False):
        page = client.get(url).content.decode()
    missing = client.get(reverse("admin:articles_article_preview_link", args=[story.pk + 1000]))

    assert "<h1>Private preview link</h1>" in page
    assert "Anyone with this link can read the story as it stands, until 2026-05-07 09:30." in page
    assert "chen.editor" in page.split('id="user-tools"')[1][:300]  # rendered with the request's context
    assert (missing.status_code, missing.context["exception"]) == (404, "No such story.")


def test_a_preview_link_shows_a_draft_to_anyone_who_has_it_never_cached(client):
    story = make_article(headline="Embargoed budget story", published=False, published_at=None)
    path, _ = preview_link(story)

    assert client.get(story.get_absolute_url()).status_code == 404
    response = client.get(path)
    assert response.status_code == 200
    assert "Embargoed budget story" in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_changed_or_foreign_token_is_404(client):
    story = make_article(published=False, published_at=None)
    path, _ = preview_link(story)
    token = path.rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(reverse("articles:preview", kwargs={"token": tampered})).status_code == 404
    assert client.get(reverse("articles:preview", kwargs={"token": "not-a-token"})).status_code == 404
    story.delete()
    assert client.get(path).status_code == 404


def test_a_bad_preview_link_says_it_is_not_valid_or_has_expired(client):
    story = make_article(published=False, published_at=None)
    path, _ = preview_link(story)
    story.delete()

    forged = client.get(reverse("articles:preview", kwargs={"token": "not-a-token"}))
    gone = client.get(path)

    for response in (forged, gone):
        assert response.status_code == 404
        assert response.context["exception"] == "This preview link is not valid or has expired."


def test_a_preview_link_expires(client):
    start = timezone.now()
    story = make_article(published=False, published_at=None)
    with time_machine.travel(start, tick=False):
        path, expires = preview_link(story)
    assert expires == start + PREVIEW_LIFETIME
    with time_machine.travel(start + PREVIEW_LIFETIME - timedelta(minutes=1), tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel(start + PREVIEW_LIFETIME + timedelta(seconds=1), tick=False):
        assert client.get(path).status_code == 404
