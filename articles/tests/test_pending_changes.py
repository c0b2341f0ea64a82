"""Changes to a live story are previewed before they go out (issue 18)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import SUCCESS, WARNING, get_messages
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, PendingChange
from articles.preview import preview_link
from articles.tests.factories import make_article
from articles.tests.newsroom import change_url, form_errors, newsroom_user, signed_in, story_data
from regions.models import Region

pytestmark = pytest.mark.django_db

LIVE = "Metro line 6 opens"
PENDING = "Metro line 6 opens to passengers on Friday"


def pending_url(story, decision):
    return reverse("admin:articles_article_pending", args=[story.pk, decision])


@pytest.fixture
def editor(client):
    user = newsroom_user("editor", "Editor")
    signed_in(client, user)
    return user


@pytest.fixture
def story():
    # Whole seconds, as the form posts them.
    published_at = timezone.now().replace(microsecond=0) - timedelta(days=1)
    jimo = Region.objects.get(slug="jimo")
    return make_article(headline=LIVE, body="The line opens.", regions=[jimo], published_at=published_at)


def save_pending(client, story, **changes):
    data = story_data(story, **changes)
    data["_pending"] = "Save as pending change"
    response = client.post(change_url(story), data, follow=True)
    assert response.redirect_chain, form_errors(response)
    return response


def test_a_pending_change_leaves_readers_on_the_live_version(client, editor, story):
    laoshan = Region.objects.get(slug="laoshan")
    changes = {"headline": PENDING, "body": "Trains every six minutes.", "regions": [laoshan.pk]}
    response = save_pending(client, story, **changes)

    message = str(list(response.context["messages"])[0])
    assert message == (
        f"Your changes to “{LIVE}” are saved as pending: readers still see the live version. "
        "Preview them, then publish or discard them."
    )
    story.refresh_from_db()
    assert (story.headline, story.body) == (LIVE, "<p>The line opens.</p>")
    assert list(story.regions.values_list("slug", flat=True)) == ["jimo"]
    assert story.revised_at is None
    client.logout()
    page = client.get(story.get_absolute_url()).content.decode()
    assert LIVE in page and PENDING not in page and "six minutes" not in page


def test_staff_see_the_pending_change_in_the_form_and_at_the_preview_link(client, editor, story):
    save_pending(client, story, headline=PENDING, body="Trains every six minutes.")

    form = client.get(change_url(story)).content.decode()
    assert f'value="{PENDING}"' in form
    assert "Publish pending changes" in form and "Discard pending changes" in form
    saved_at = timezone.localtime(PendingChange.objects.get(article=story).saved_at)
    assert f"<strong>Pending changes</strong>, saved by editor on {saved_at:%Y-%m-%d %H:%M}:" in form

    client.logout()
    url, _ = preview_link(story)
    preview = client.get(url).content.decode()
    assert PENDING in preview and "six minutes" in preview
    assert "Preview of pending changes" in preview


def test_the_preview_link_of_a_live_story_without_a_pending_change_has_no_pending_banner(client, story):
    url, _ = preview_link(story)
    preview = client.get(url).content.decode()

    assert LIVE in preview and "Preview of pending changes" not in preview


def test_an_editor_publishes_the_pending_change(client, editor, story):
    laoshan = Region.objects.get(slug="laoshan")
    save_pending(client, story, headline=PENDING, body="Trains every six minutes.", regions=[laoshan.pk])
    story.refresh_from_db()
    opened_at = story.version  # a form opened now must learn of the publication

    response = client.post(pending_url(story, "publish"), follow=True)

    assert "are published" in str(list(response.context["messages"])[0])
    story.refresh_from_db()
    assert (story.headline, story.body) == (PENDING, "<p>Trains every six minutes.</p>")
    assert story.version == opened_at + 1
    assert list(story.regions.all()) == [laoshan]
    assert story.shows_updated
    assert not PendingChange.objects.exists()
    revision = Version.objects.get_for_object(story).first().revision
    assert (revision.comment, revision.user) == ("Published the pending changes.", editor)
    client.logout()
    assert "six minutes" in client.get(story.get_absolute_url()).content.decode()


def test_discarding_leaves_the_live_version_untouched(client, editor, story):
    before = Article.objects.values().get(pk=story.pk)
    save_pending(client, story, headline=PENDING, body="Trains every six minutes.")

    client.post(pending_url(story, "discard"))

    after = Article.objects.values().get(pk=story.pk)
    changed = {name for name in before if before[name] != after[name]}
    assert changed <= {"version", "updated_at"}
    assert not PendingChange.objects.exists()
    assert f'value="{LIVE}"' in client.get(change_url(story)).content.decode()


def test_saving_normally_from_a_form_showing_the_pending_change_publishes_it(client, editor, story):
    save_pending(client, story, headline=PENDING)
    story.refresh_from_db()

    response = client.post(change_url(story), story_data(story, headline=PENDING))

    assert response.status_code == 302, form_errors(response)
    story.refresh_from_db()
    assert story.headline == PENDING and story.shows_updated
    assert not PendingChange.objects.exists()


def test_publishing_a_pending_change_that_changed_no_text_marks_nothing_updated(client, editor, story):
    save_pending(client, story)
    story.refresh_from_db()

    response = client.post(change_url(story), story_data(story))

    assert response.status_code == 302, form_errors(response)
    story.refresh_from_db()
    assert story.headline == LIVE and story.revised_at is None
    assert not PendingChange.objects.exists()


def test_a_pending_change_saved_on_a_story_taken_off_the_site_gives_it_no_updated_mark(client, editor, story):
    """Readers could not read it while it was off: its new text is not an update they missed."""
    save_pending(client, story, headline=PENDING)
    client.post(reverse("admin:articles_article_changelist"), {"action": "unpublish", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.status == Article.Status.UNPUBLISHED

    response = client.post(change_url(story), story_data(story, headline=PENDING))

    assert response.status_code == 302, form_errors(response)
    story.refresh_from_db()
    assert story.headline == PENDING and story.revised_at is None
    assert not PendingChange.objects.exists()


def test_a_journalist_who_tags_cannot_hold_a_pending_change_their_tags_go_live(client, story):
    """The pending button is not offered to those who may only tag a live story; a crafted post saves as usual."""
    tagging_journalist = newsroom_user("li.na", "Journalist")
    tagging_journalist.groups.add(Group.objects.get(name="Tagger"))
    signed_in(client, tagging_journalist)

    save_pending(client, story, headline=PENDING, tags="Metro, Transport")

    story.refresh_from_db()
    assert story.headline == LIVE and sorted(story.tags.names()) == ["Metro", "Transport"]
    assert not PendingChange.objects.exists()


def test_only_editors_publish_or_discard_and_only_by_post(client, story):
    editor = newsroom_user("editor", "Editor")
    signed_in(client, editor)
    save_pending(client, story, headline=PENDING)
    assert client.get(pending_url(story, "publish")).status_code == 405

    signed_in(client, newsroom_user("li.na", "Journalist"))
    assert client.post(pending_url(story, "publish")).status_code == 403
    assert client.post(pending_url(story, "discard")).status_code == 403

    story.refresh_from_db()
    assert story.headline == LIVE and PendingChange.objects.exists()


def test_a_draft_has_no_pending_button(client, editor):
    draft = make_article(published=False)

    assert 'name="_pending"' not in client.get(change_url(draft)).content.decode()


def test_a_pending_body_is_shown_clean_in_the_preview(client, editor, story):
    """The pending text is kept as typed until it is published; what staff preview is cleaned all the same."""
    from articles.pending import show_pending

    save_pending(client, story, body='<p>Trains <script>alert(1)</script><a href="javascript:x">soon</a>.</p>')
    story.refresh_from_db()
    assert show_pending(story)
    assert story.body == story.body_html == "<p>Trains soon.</p>"


def test_a_shown_pending_change_brings_its_regions_and_keeps_the_other_prefetched_relations(
    client, editor, story, django_assert_num_queries
):
    """
    A story read with or without its relations prefetched shows the pending regions; only
    those are swapped: the prefetched tags and photos are still read from memory.
    """
    from articles.pending import show_pending

    laoshan = Region.objects.get(slug="laoshan")
    save_pending(client, story, headline=PENDING, regions=[laoshan.pk])
    plain = Article.objects.get(pk=story.pk)
    prefetched = Article.objects.with_relations().get(pk=story.pk)

    assert show_pending(plain) and show_pending(prefetched)
    with django_assert_num_queries(0):
        assert (list(prefetched.tags.all()), list(prefetched.photos.all())) == ([], [])
    assert [region.slug for region in plain.regions.all()] == ["laoshan"]
    assert [region.slug for region in prefetched.regions.all()] == ["laoshan"]


def test_publishing_and_discarding_say_what_happened_and_return_to_the_story(client, editor, story):
    def last_message(response):
        message = list(get_messages(response.wsgi_request))[-1]
        return message.level, message.message

    save_pending(client, story, headline=PENDING)
    published = client.post(pending_url(story, "publish"))
    assert last_message(published) == (
        SUCCESS,
        f"The pending changes to “{PENDING}” are published — "
        f'<a href="{story.get_absolute_url()}">view on site</a>.',
    )
    story.refresh_from_db()
    save_pending(client, story, headline=f"{PENDING} at noon")
    discarded = client.post(pending_url(story, "discard"))
    assert last_message(discarded) == (
        SUCCESS,
        f"The pending changes to “{PENDING}” are discarded; the live story is unchanged.",
    )
    nothing = client.post(pending_url(story, "publish"))
    assert last_message(nothing) == (WARNING, "This story has no pending changes.")
    for response in (published, discarded, nothing):
        assert response["Location"] == change_url(story)


def test_pending_decisions_are_posted_and_named(client, editor, story):
    save_pending(client, story, headline=PENDING)

    by_get = client.get(pending_url(story, "publish"))
    unknown = client.post(pending_url(story, "keep"))
    missing = client.post(reverse("admin:articles_article_pending", args=[story.pk + 1000, "publish"]))

    assert (by_get.status_code, by_get["Allow"]) == (405, "POST")
    for response in (unknown, missing):
        assert (response.status_code, response.context["exception"]) == (404, "No such story.")
    assert PendingChange.objects.exists()


def test_a_live_storys_form_offers_an_editor_a_pending_save_and_a_private_preview_link(client, editor, story):
    form = client.get(change_url(story)).content.decode()

    assert 'name="_pending"' in form
    preview = reverse("admin:articles_article_preview_link", args=[story.pk])
    assert f'<li><a href="{preview}">Private preview link</a></li>' in form


def test_a_journalist_sees_anothers_pending_change_but_may_neither_publish_nor_pend_it(client, editor, story):
    save_pending(client, story, headline=PENDING)
    signed_in(client, newsroom_user("li.na", "Journalist"))

    form = client.get(change_url(story)).content.decode()

    assert 'id="pending-change"' in form
    assert "Publish pending changes" not in form and 'name="_pending"' not in form
    assert "Private preview link" not in form and "Preview them (private link)" not in form
