"""Revisions (django-reversion): one per save, history, differences, restore; edit conflicts."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import reversion
from django.contrib.messages import SUCCESS, get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from articles.history import changes_since, snapshot, word_diff
from articles.models import Article
from articles.tests.factories import image_upload, make_article, make_photo
from articles.tests.newsroom import (
    ADD_URL,
    CHANGELIST,
    change_url,
    form_errors,
    newsroom_user,
    serve_admin_urls_built_now,
    signed_in,
    story_data,
)
from regions.models import Region

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


def test_each_revision_says_what_its_save_did_as_the_admin_log_does(client, editor):
    signed_in(client, editor)
    data = story_data(headline="Ferry timetable changes", status="review")
    data.update({"photos-TOTAL_FORMS": "1", "photos-0-image": image_upload(), "photos-0-position": "0"})
    data.update({"photos-0-caption": "The pier", "photos-0-credit": "Wang Lei", "photos-0-alt_text": "A pier"})
    assert client.post(ADD_URL, data).status_code == 302, "story not added"
    story = Article.objects.get()
    save(client, story)
    save(client, story, headline="Ferry timetable changes from Monday")
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [story.pk]})

    added, unchanged, changed, published = (version.revision for version in versions(story))
    assert added.comment.startswith("Added.") and "Added photo" in added.comment
    assert (unchanged.comment, changed.comment) == ("No fields changed.", "Changed Headline.")
    assert published.user == editor


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
    # Saved a few minutes before the second editor's save, so the message's time is the first's.
    Revision.objects.filter(pk=versions(story)[-1].revision_id).update(
        date_created=timezone.now() - timedelta(minutes=7)
    )

    signed_in(client, second_editor)
    typed = story_data(opened, body="Ferries are suspended; schools close at noon.")
    response = client.post(change_url(story), typed)

    assert response.status_code == 200
    when = timezone.localtime(versions(story)[-1].revision.date_created)
    page = response.content.decode()
    assert (
        f"chen.editor saved this story at {when:%H:%M:%S} while you were editing it, so your save was "
        "stopped to keep their changes. What they changed:<ul><li>Headline: Typhoon warning <del>issued</del> "
        "<ins>raised to orange</ins></li></ul> Your own changes are still in the form below: bring theirs in "
        "where needed and save again."
    ) in page
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


def test_a_snapshot_shows_what_editors_read_in_a_revision_photos_in_their_order():
    laoshan, jimo = Region.objects.get(slug="laoshan"), Region.objects.get(slug="jimo")
    story = make_article(
        headline="Tea harvest begins",
        summary="Pickers start on the slopes.",
        body="<p>First leaves.</p>",
        byline="By Wang Fang",
        source="qingdaonews.com",
        city_wide=True,
        regions=[laoshan, jimo],
        tags=["Tea", "Farming"],
        published_at=datetime(2026, 4, 2, 1, 30, tzinfo=UTC),
        review_note="Name the village.",
    )
    second = make_photo(story, position=1, caption="Second", credit="Li Ming", alt_text="Pickers")
    third = make_photo(story, position=1, caption="Third", credit="Li Ming", alt_text="Baskets")
    first = make_photo(story, position=0, caption="First", credit="Xu Jie", alt_text="Slopes")
    other = make_article(headline="Saved in the same revision")
    make_photo(other, caption="Not this story's photo")
    with reversion.create_revision():  # as the list's publish action saves several stories
        story.save()
        other.save()

    shown = snapshot(Version.objects.get_for_object(story).get())

    assert list(shown.items()) == [
        ("Headline", "Tea harvest begins"),
        ("Summary", "Pickers start on the slopes."),
        ("Body", "<p>First leaves.</p>"),
        ("Byline", "By Wang Fang"),
        ("Source", "qingdaonews.com"),
        ("Regions", f"{jimo.name}, {laoshan.name}"),
        ("City-wide", "yes"),
        ("Tags", "Farming, Tea"),
        ("Status", "Published"),
        ("Publication time", "2026-04-02 09:30"),
        ("Note to the author", "Name the village."),
        (f"Photo {first.pk}", "caption: First\ncredit: Xu Jie\nalt text: Slopes"),
        (f"Photo {second.pk}", "caption: Second\ncredit: Li Ming\nalt text: Pickers"),
        (f"Photo {third.pk}", "caption: Third\ncredit: Li Ming\nalt text: Baskets"),
    ]


def test_a_snapshot_of_a_bare_draft_says_none_and_no():
    story = make_article(headline="Bare", summary="", body="<p>Text.</p>", source="", published=False, published_at=None)
    with reversion.create_revision():
        story.save()

    shown = snapshot(Version.objects.get_for_object(story).get())

    assert shown == {
        "Headline": "Bare",
        "Summary": "",
        "Body": "<p>Text.</p>",
        "Byline": "",
        "Source": "",
        "Regions": "none",
        "City-wide": "no",
        "Tags": "",
        "Status": "Draft",
        "Publication time": "",
        "Note to the author": "",
    }


def test_compare_shows_a_photo_added_and_one_removed_and_names_both_versions(client, editor):
    signed_in(client, editor)
    story = make_article(headline="Harbour at dusk", author=editor)
    removed = make_photo(story, caption="Old pier", credit="Li", alt_text="Pier")
    removed_pk = removed.pk
    with reversion.create_revision():
        story.save()
    removed.delete()
    added = make_photo(story, caption="New pier", credit="Xu", alt_text="Boats")
    with reversion.create_revision():
        reversion.set_user(editor)
        story.save()
    older, newer = versions(story)

    response = client.get(reverse("admin:articles_article_compare", args=[story.pk]), {"a": newer.pk, "b": older.pk})

    page = response.content.decode()
    assert "<title>Changes to “Harbour at dusk”" in page
    assert f'<th scope="row">Photo {removed_pk}</th><td><del>caption: Old pier<br>credit: Li<br>alt text: Pier</del></td>' in page
    assert f'<th scope="row">Photo {added.pk}</th><td><ins>caption: New pier<br>credit: Xu<br>alt text: Boats</ins></td>' in page
    saved = [timezone.localtime(v.revision.date_created).strftime("%Y-%m-%d %H:%M:%S") for v in (older, newer)]
    assert f"From the version saved {saved[0]} by —\n     to the one saved {saved[1]} by chen.editor." in page
    assert "chen.editor" in page.split('id="user-tools"')[1][:300]  # rendered with the request's context


def test_compare_says_why_it_cannot_compare(client, editor):
    signed_in(client, editor)
    one = add_story(client, headline="One")
    url = reverse("admin:articles_article_compare", args=[one.pk])

    missing = client.get(url, {"a": versions(one)[0].pk})
    alone = client.get(url, {"a": versions(one)[0].pk, "b": versions(one)[0].pk})

    assert (missing.status_code, missing.context["exception"]) == (404, "Choose two versions to compare.")
    assert (alone.status_code, alone.context["exception"]) == (404, "Choose two versions of this story to compare.")


def test_history_page_posts_its_choice_to_the_compare_page_and_offers_restore_to_the_author(client):
    author = newsroom_user("wu.reporter", "Journalist")
    signed_in(client, author)
    story = add_story(client, headline="Own draft")
    save(client, story, headline="Own draft, longer")

    page = client.get(reverse("admin:articles_article_history", args=[story.pk])).content.decode()

    assert f'<form method="get" action="{reverse("admin:articles_article_compare", args=[story.pk])}">' in page
    assert "Restore this version" in page
    signed_in(client, newsroom_user("ma.reporter", "Journalist"))  # may read the story, not change it
    page = client.get(reverse("admin:articles_article_history", args=[story.pk])).content.decode()
    assert "Compare the two chosen versions" in page and "Restore this version" not in page
    restore_url = reverse("admin:articles_article_restore", args=[story.pk, versions(story)[0].pk])
    assert client.post(restore_url).status_code == 403


def test_a_long_body_diff_marks_only_the_changed_word_and_keeps_line_breaks():
    body = " ".join(["the harbour"] * 150)  # over 200 words, each repeated: difflib's "popular" ones
    assert word_diff(f"Ferries {body} closed", f"Boats {body} reopened") == (
        f"<del>Ferries</del> <ins>Boats</ins> {body} <del>closed</del> <ins>reopened</ins>"
    )
    assert word_diff("caption: Pier\ncredit: Li", "caption: Pier\ncredit: Xu") == (
        "caption: Pier\ncredit: <del>Li</del> <ins>Xu</ins>"
    )


def test_an_edit_conflict_lists_each_change_of_the_other_save(client, editor, second_editor):
    signed_in(client, editor)
    story = add_story(client, headline="Typhoon warning issued", byline="By Zhang Yi")
    opened = Article.objects.get(pk=story.pk)
    save(client, story, headline="Typhoon warning raised", byline="By Zhang Yi and Li Na")

    signed_in(client, second_editor)
    response = client.post(change_url(story), story_data(opened, body="Schools close at noon."))

    page = response.content.decode()
    listed = re.search(r"What they changed:<ul>(.*?)</ul>", page)[1]
    assert re.findall(r"<li>(\w+):", listed) == ["Headline", "Byline"]
    assert listed.startswith("<li>") and "</li><li>" in listed and listed.endswith("</li>")


def test_an_edit_conflict_with_no_visible_change_says_so_and_shows_the_current_version(
    client, editor, second_editor
):
    signed_in(client, editor)
    story = add_story(client, headline="Typhoon warning issued")
    opened = Article.objects.get(pk=story.pk)
    save(client, story)

    signed_in(client, second_editor)
    response = client.post(change_url(story), story_data(opened, body="Schools close at noon."))

    when = timezone.localtime(versions(story)[-1].revision.date_created)
    assert (
        f"chen.editor saved this story at {when:%H:%M:%S} while you were editing it, so your save was "
        "stopped to keep their changes. They changed nothing you can see here. Your own changes are still "
        "in the form below: bring theirs in where needed and save again."
    ) in form_errors(response)
    assert f'name="opened_version" value="{story.version}"' in response.content.decode()
    assert [error.code for error in response.context["adminform"].form.non_field_errors().as_data()] == [
        "edit_conflict"
    ]


def test_an_edit_conflict_with_a_save_no_revision_recorded_names_no_one(client, editor):
    story = make_article(headline="Typhoon warning issued")
    typed = story_data(story, body="Schools close at noon.")
    Article.objects.filter(pk=story.pk).update(version=story.version + 1)  # saved outside the newsroom

    signed_in(client, editor)
    response = client.post(change_url(story), typed)

    assert (
        "someone else saved this story while you were editing it, so your save was stopped to keep their "
        "changes. What they changed is not recorded; compare with the story's history. Your own changes are "
        "still in the form below: bring theirs in where needed and save again."
    ) in form_errors(response)


def test_an_edit_conflict_further_back_than_fifty_saves_is_not_itemised():
    story = make_article(headline="Busy story")
    for number in range(1, 52):
        story.version = number
        story.headline = f"Busy story, take {number}"
        with reversion.create_revision():
            story.save()

    assert changes_since(story, 2)[2] == [("Headline", "Busy story, take <del>2</del> <ins>51</ins>")]
    assert changes_since(story, 1)[2] is None
    assert changes_since(story, 99)[2] is None


def test_restoring_a_live_story_marks_it_updated_counts_a_save_and_says_which_version(client, editor):
    signed_in(client, editor)
    laoshan = Region.objects.get(slug="laoshan")
    story = add_story(client, headline="Ferry fares", city_wide=False, regions=[laoshan.pk])
    save(client, story, status="published")
    good = versions(story)[-1]
    Revision.objects.filter(pk=good.revision_id).update(date_created=datetime(2026, 1, 5, 4, 0, tzinfo=UTC))
    save(client, story, headline="Ferry fares (wrong)", city_wide="on", regions=[])
    Article.objects.filter(pk=story.pk).update(revised_at=None)
    version_before = story.version

    response = client.post(reverse("admin:articles_article_restore", args=[story.pk, good.pk]))

    assert response["Location"] == change_url(story)
    story.refresh_from_db()
    assert (story.headline, list(story.regions.all()), story.city_wide) == ("Ferry fares", [laoshan], False)
    assert story.version == version_before + 1
    assert timezone.now() - story.revised_at < timedelta(seconds=30)
    restored = versions(story)[-1].revision
    assert (restored.user, restored.comment) == (editor, "Restored the version of 2026-01-05 12:00.")
    message = list(get_messages(response.wsgi_request))[-1]
    assert (message.level, message.message) == (
        SUCCESS,
        "Restored the version of 2026-01-05 12:00; it is saved as a new revision.",
    )


def test_restoring_a_draft_leaves_it_without_an_updated_time(client, editor):
    signed_in(client, editor)
    story = add_story(client, headline="Draft one")
    save(client, story, headline="Draft two")

    client.post(reverse("admin:articles_article_restore", args=[story.pk, versions(story)[0].pk]))

    story.refresh_from_db()
    assert (story.headline, story.revised_at) == ("Draft one", None)


def test_restore_by_get_goes_back_to_the_history_page(client, editor):
    signed_in(client, editor)
    story = add_story(client, headline="Kept")
    url = reverse("admin:articles_article_restore", args=[story.pk, versions(story)[0].pk])

    assert client.get(url)["Location"] == reverse("admin:articles_article_history", args=[story.pk])


def test_the_history_of_a_missing_story_says_so(client, editor):
    signed_in(client, editor)
    missing = client.get(reverse("admin:articles_article_history", args=[1000]))
    assert (missing.status_code, missing.context["exception"]) == (404, "No such story.")


def test_the_history_page_runs_the_same_queries_however_many_revisions(client, editor):
    signed_in(client, editor)
    story = add_story(client, headline="Counted")

    def queries_for_history():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("admin:articles_article_history", args=[story.pk])).status_code == 200
        return len(queries)

    save(client, story, headline="Counted twice")
    few = queries_for_history()
    for number in range(3):
        save(client, story, headline=f"Counted again {number}")
    assert queries_for_history() == few


def test_history_compare_and_restore_answer_at_their_addresses(client, editor, settings):
    """A story's history, compare and restore pages live under /admin/articles/article/<id>/history/."""
    serve_admin_urls_built_now(settings)
    signed_in(client, editor)
    story = add_story(client, headline="Ferry timetable set")
    save(client, story, headline="Ferry timetable confirmed")
    older, newer = versions(story)
    history = f"/admin/articles/article/{story.pk}/history/"
    restore = f"/admin/articles/article/{story.pk}/history/{older.pk}/restore/"
    assert reverse("admin:articles_article_history", args=[story.pk]) == history
    assert reverse("admin:articles_article_compare", args=[story.pk]) == history + "compare/"
    assert reverse("admin:articles_article_restore", args=[story.pk, older.pk]) == restore

    assert "Restore this version" in client.get(history).content.decode()
    compare = client.get(history + "compare/", {"a": older.pk, "b": newer.pk})
    assert "Ferry timetable <del>set</del> <ins>confirmed</ins>" in compare.content.decode()
    assert client.post(restore).status_code == 302
    story.refresh_from_db()
    assert story.headline == "Ferry timetable set"


def test_each_save_in_the_newsroom_counts_one_from_a_new_storys_first(client, editor):
    signed_in(client, editor)
    story = add_story(client, headline="Ferry fares")
    assert story.version == 1
    save(client, story, headline="Ferry fares rise")
    save(client, story, headline="Ferry fares rise on Monday")
    story.refresh_from_db()
    assert story.version == 3


def test_a_save_counts_on_from_the_version_its_form_was_checked_against(editor):
    """The story is read before the form's check locks it; a save landing in between is counted too."""
    from articles.admin_forms import ArticleAdminForm

    story = make_article(headline="Typhoon warning issued")
    form_class = type("Form", (ArticleAdminForm,), {"request_user": editor})
    form = form_class(instance=story)
    story.version = 4  # as read, before another save made it 5
    form.cleaned_data = {"opened_version": 5}
    assert form.apply_workflow(story, editor).version == 6
    form.cleaned_data = {}  # a form without the field: the story's own
    story.version = 4
    assert form.apply_workflow(story, editor).version == 5
