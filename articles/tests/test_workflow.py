"""
Roles and the workflow through real admin requests: each role's allowed and
forbidden moves, by the page (GET) and by direct POSTs that must change nothing.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib import admin
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles import models as articles_models
from articles import workflow
from articles.models import Article
from articles.tests.factories import make_article, make_photo
from articles.tests.newsroom import (
    ADD_URL,
    CHANGELIST,
    change_url,
    editable_fields,
    form_errors,
    newsroom_user,
    signed_in,
    story_data,
)
from regions.models import Region

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.fixture
def journalist():
    return newsroom_user("li.na", "Journalist")


@pytest.fixture
def other_journalist():
    return newsroom_user("wang.lei", "Journalist")


@pytest.fixture
def editor():
    return newsroom_user("chen.editor", "Editor")


@pytest.fixture
def tagger():
    return newsroom_user("zhao.tags", "Tagger")


def draft_by(author, **fields):
    return make_article(published=False, published_at=None, author=author, city_wide=True, **fields)


def test_the_migration_makes_the_three_groups_with_their_permissions():
    groups = {group.name: group for group in Group.objects.prefetch_related("permissions__content_type")}
    assert set(groups) >= {"Journalist", "Editor", "Tagger"}
    for name, expected in workflow.ROLES.items():
        held = {f"{p.content_type.app_label}.{p.codename}" for p in groups[name].permissions.all()}
        assert held == set(expected), name
    assert "articles.publish_article" not in workflow.ROLES["Journalist"]
    assert "articles.change_article" not in workflow.ROLES["Tagger"]


def roles_held():
    groups = Group.objects.prefetch_related("permissions__content_type")
    return {g.name: {f"{p.content_type.app_label}.{p.codename}" for p in g.permissions.all()} for g in groups}


def test_create_roles_makes_permissions_and_groups_quietly_in_a_fresh_database(capsys):
    """As the data migration calls it (historical apps, no permissions made yet), and as seed_demo_content does."""
    Permission.objects.all().delete()
    Group.objects.all().delete()
    historical = MigrationLoader(connection).project_state().apps

    workflow.create_roles(historical)

    assert roles_held() == {name: set(held) for name, held in workflow.ROLES.items()}
    assert not any(config.models_module for config in historical.get_app_configs())  # left as it found them
    Group.objects.filter(name="Tagger").delete()
    workflow.create_roles(django_apps)
    assert roles_held()["Tagger"] == set(workflow.ROLES["Tagger"])
    assert django_apps.get_app_config("articles").models_module is articles_models
    assert capsys.readouterr().out == ""


# --- Journalists --------------------------------------------------------------


def test_journalist_adds_a_draft_and_submits_it(client, journalist):
    signed_in(client, journalist)
    assert client.get(ADD_URL).status_code == 200

    response = client.post(ADD_URL, story_data(status="draft"))
    assert response.status_code == 302, form_errors(response)
    story = Article.objects.get()
    assert (story.author, story.status) == (journalist, Status.DRAFT)

    response = client.post(change_url(story), story_data(story, status="review"))
    assert response.status_code == 302, form_errors(response)
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW


def test_journalist_cannot_publish_by_posting_the_status(client, journalist):
    signed_in(client, journalist)
    response = client.post(ADD_URL, story_data(status="published"))
    assert response.status_code == 200
    assert "You cannot move this story from Draft to Published." in form_errors(response)
    form = response.context["adminform"].form
    assert form.errors["status"] == ["You cannot move this story from Draft to Published."]
    assert not Article.objects.exists()

    story = draft_by(journalist)
    response = client.post(change_url(story), story_data(story, status="published", headline="Changed"))
    assert response.status_code == 200
    story.refresh_from_db()
    assert (story.status, story.headline) != (Status.PUBLISHED, "Changed")
    assert story.status == Status.DRAFT and story.headline != "Changed"


def test_journalist_is_offered_only_draft_and_review(client, journalist):
    story = draft_by(journalist)
    page = signed_in(client, journalist).get(change_url(story)).content.decode()
    assert 'value="review"' in page
    assert 'value="published"' not in page
    assert "published_at_0" not in editable_fields(client.get(change_url(story)))


def test_journalist_cannot_schedule_a_time_by_posting_it(client, journalist):
    story = draft_by(journalist)
    signed_in(client, journalist)
    response = client.post(
        change_url(story), story_data(story, published_at_0="2030-01-01", published_at_1="08:00:00")
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.published_at is None


def test_journalist_may_read_but_not_change_another_journalists_story(client, journalist, other_journalist):
    story = draft_by(other_journalist, headline="Their story")
    signed_in(client, journalist)

    response = client.get(change_url(story))
    assert response.status_code == 200
    assert "Their story" in response.content.decode()
    assert "headline" not in editable_fields(response)

    response = client.post(change_url(story), story_data(story, headline="Taken over"))
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.headline == "Their story"


def test_journalist_cannot_change_their_story_once_submitted_or_published(client, journalist):
    signed_in(client, journalist)
    for status in (Status.IN_REVIEW, Status.PUBLISHED, Status.UNPUBLISHED):
        story = draft_by(journalist, headline=f"Mine, {status}")
        Article.objects.filter(pk=story.pk).update(status=status)
        story.refresh_from_db()
        response = client.post(change_url(story), story_data(story, headline="Edited", status=Status.DRAFT))
        assert response.status_code == 403, status
        story.refresh_from_db()
        assert (story.headline, story.status) == (f"Mine, {status}", status)


def test_journalist_has_no_publish_actions(client, journalist):
    story = draft_by(journalist)
    signed_in(client, journalist)
    page = client.get(CHANGELIST).content.decode()
    assert 'value="publish"' not in page and 'value="unpublish"' not in page

    client.post(CHANGELIST, {"action": "publish", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.status == Status.DRAFT


def test_journalist_cannot_delete_stories(client, journalist):
    story = draft_by(journalist)
    signed_in(client, journalist)
    response = client.post(f"{change_url(story)}delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Article.objects.filter(pk=story.pk).exists()


def test_my_stories_filter_shows_only_the_journalists_own(client, journalist, other_journalist):
    draft_by(journalist, headline="Written by me")
    draft_by(other_journalist, headline="Written by a colleague")
    page = signed_in(client, journalist).get(CHANGELIST, {"mine": "yes"}).content.decode()
    assert "Written by me" in page
    assert "Written by a colleague" not in page


# --- Editors ------------------------------------------------------------------


def test_editor_sends_a_story_back_with_a_note_the_author_sees(client, editor, journalist):
    story = draft_by(journalist, headline="Needs work")
    Article.objects.filter(pk=story.pk).update(status=Status.IN_REVIEW)
    story.refresh_from_db()
    signed_in(client, editor)

    response = client.get(CHANGELIST, {"review": "needed"})
    assert "Needs work" in response.content.decode()

    refused = client.post(change_url(story), story_data(story, status="draft"))
    assert refused.context["adminform"].form.errors["send_back_note"] == [
        "Tell the author what to change before sending the story back."
    ]
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW

    note = "Please add the opening date & a quote from the <mayor>."
    response = client.post(change_url(story), story_data(story, status="draft", send_back_note=note))
    assert response.status_code == 302, form_errors(response)
    story.refresh_from_db()
    assert (story.status, story.review_note, story.review_note_by) == (Status.DRAFT, note, editor)
    assert timezone.now() - story.review_note_at < timedelta(seconds=30)

    page = signed_in(client, journalist).get(change_url(story)).content.decode()
    assert f"Sent back by chen.editor on {timezone.localtime(story.review_note_at):%Y-%m-%d %H:%M}:" in page
    assert "Please add the opening date &amp; a quote from the &lt;mayor&gt;." in page

    # Resubmitting clears the note.
    response = client.post(change_url(story), story_data(story, status="review", body="Now with a quote."))
    assert response.status_code == 302, form_errors(response)
    story.refresh_from_db()
    assert (story.status, story.review_note, story.review_note_by, story.review_note_at) == (
        Status.IN_REVIEW,
        "",
        None,
        None,
    )


def test_editor_publishes_schedules_and_unpublishes(client, editor, journalist):
    story = draft_by(journalist)
    Article.objects.filter(pk=story.pk).update(status=Status.IN_REVIEW)
    story.refresh_from_db()
    signed_in(client, editor)

    response = client.post(change_url(story), story_data(story, status="published"))
    assert response.status_code == 302, form_errors(response)
    story.refresh_from_db()
    assert story.is_published

    response = client.post(change_url(story), story_data(story, status="unpublished"))
    assert response.status_code == 302, form_errors(response)
    story.refresh_from_db()
    assert story.status == Status.UNPUBLISHED
    assert client.logout() is None
    assert client.get(story.get_absolute_url()).status_code == 404

    signed_in(client, editor)
    tomorrow = timezone.localtime() + timedelta(days=1)
    response = client.post(
        change_url(story),
        story_data(
            story,
            status="published",
            published_at_0=tomorrow.strftime("%Y-%m-%d"),
            published_at_1=tomorrow.strftime("%H:%M:%S"),
        ),
    )
    assert response.status_code == 302, form_errors(response)
    story.refresh_from_db()
    assert story.is_scheduled and not story.is_published


def test_editor_cannot_make_a_move_the_table_does_not_have(client, editor):
    story = draft_by(editor)
    response = signed_in(client, editor).post(change_url(story), story_data(story, status="unpublished"))
    assert "You cannot move this story from Draft to Unpublished." in form_errors(response)
    story.refresh_from_db()
    assert story.status == Status.DRAFT


def test_editor_edits_anyones_published_story(client, editor, journalist):
    story = make_article(author=journalist, city_wide=True)
    signed_in(client, editor)
    response = client.post(change_url(story), story_data(story, headline="Sharper headline"))
    assert response.status_code == 302, form_errors(response)
    story.refresh_from_db()
    assert story.headline == "Sharper headline"


def test_editor_manages_regions_but_journalists_do_not(client, editor, journalist):
    laoshan = Region.objects.get(slug="laoshan")
    url = f"/admin/regions/region/{laoshan.pk}/change/"
    assert signed_in(client, editor).get(url).status_code == 200
    assert "name" in editable_fields(client.get(url))
    assert "name" not in editable_fields(signed_in(client, journalist).get(url))


# --- Taggers ------------------------------------------------------------------


def test_tagger_changes_tags_and_nothing_else(client, tagger, journalist):
    story = make_article(author=journalist, headline="Tag me", tags=["port"], city_wide=True)
    signed_in(client, tagger)

    response = client.get(change_url(story))
    assert response.status_code == 200
    assert "tags" in editable_fields(response)
    assert not {"headline", "body", "summary", "status", "regions"} & editable_fields(response)

    response = client.post(
        change_url(story),
        story_data(
            story, tags="port, shipping", headline="Retitled", body="Rewritten.", status="unpublished"
        ),
    )
    assert response.status_code == 302, form_errors(response)
    story.refresh_from_db()
    assert sorted(story.tags.names()) == ["port", "shipping"]
    assert (story.headline, story.status) == ("Tag me", Status.PUBLISHED)
    assert story.body.startswith("<p>First paragraph")


def test_tagger_cannot_change_photos_by_posting_their_rows(client, tagger):
    story = make_article(tags=["port"], city_wide=True)
    photo = make_photo(story, caption="As the photographer wrote it")
    data = story_data(story, tags="port, cranes")
    data.update(
        {
            "photos-TOTAL_FORMS": "1",
            "photos-INITIAL_FORMS": "1",
            "photos-0-id": str(photo.pk),
            "photos-0-article": str(story.pk),
            "photos-0-caption": "Rewritten by the tagger",
            "photos-0-credit": photo.credit,
            "photos-0-alt_text": photo.alt_text,
            "photos-0-position": "0",
        }
    )
    response = signed_in(client, tagger).post(change_url(story), data)
    assert response.status_code == 302, form_errors(response)
    photo.refresh_from_db()
    assert photo.caption == "As the photographer wrote it"
    assert sorted(story.tags.names()) == ["cranes", "port"]


def test_tagger_cannot_add_stories_or_use_the_publish_actions(client, tagger):
    story = draft_by(None)
    signed_in(client, tagger)
    assert client.get(ADD_URL).status_code == 403
    assert client.post(ADD_URL, story_data()).status_code == 403
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.status == Status.DRAFT


# --- The table itself and the list's actions ----------------------------------


def test_allowed_moves_per_role(journalist, editor, tagger):
    own = draft_by(journalist, version=3)
    assert workflow.allowed_targets(journalist, own) == [Status.DRAFT, Status.IN_REVIEW]
    assert workflow.allowed_targets(editor, own) == [Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED]
    assert workflow.allowed_targets(tagger, own) == [Status.DRAFT]
    own.status = Status.IN_REVIEW
    assert workflow.allowed_targets(journalist, own) == [Status.IN_REVIEW]
    assert workflow.allowed_targets(editor, own) == [Status.IN_REVIEW, Status.DRAFT, Status.PUBLISHED]
    own.status = Status.PUBLISHED
    assert workflow.allowed_targets(editor, own) == [Status.PUBLISHED, Status.UNPUBLISHED]
    own.status = Status.UNPUBLISHED
    assert workflow.allowed_targets(editor, own) == [Status.UNPUBLISHED, Status.PUBLISHED, Status.DRAFT]


def test_a_journalist_who_also_tags_may_submit_only_their_own_draft(journalist):
    journalist.groups.add(Group.objects.get(name="Tagger"))
    another = newsroom_user("wang.fang", "Journalist")

    assert workflow.allowed_targets(journalist, draft_by(journalist)) == [Status.DRAFT, Status.IN_REVIEW]
    assert workflow.allowed_targets(journalist, draft_by(another)) == [Status.DRAFT]


def test_publish_action_runs_the_editorial_checks(client, editor):
    ready = draft_by(editor, headline="Ready to go")
    no_summary = draft_by(editor, headline="Missing its summary", summary="")
    signed_in(client, editor)

    response = client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [ready.pk, no_summary.pk]}, follow=True
    )
    page = response.content.decode()
    assert "Published 1 story." in page
    assert "Not published, “Missing its summary”: A summary is needed" in page
    ready.refresh_from_db(), no_summary.refresh_from_db()
    assert ready.is_published and no_summary.status == Status.DRAFT


def test_publish_action_asks_again_about_warnings(client, editor):
    long_headline = "A very long headline " * 6
    story = draft_by(editor, headline=long_headline.strip())
    signed_in(client, editor)

    response = client.post(CHANGELIST, {"action": "publish", "_selected_action": [story.pk]})
    assert response.status_code == 200
    assert "Publish all the same" in response.content.decode()
    story.refresh_from_db()
    assert story.status == Status.DRAFT

    client.post(CHANGELIST, {"action": "publish", "_selected_action": [story.pk], "confirm_warnings": "yes"})
    story.refresh_from_db()
    assert story.is_published


def test_unpublish_action_keeps_a_revision_and_hides_the_story(client, editor):
    story = make_article(city_wide=True)
    signed_in(client, editor)
    client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.status == Status.UNPUBLISHED
    client.logout()
    assert client.get(story.get_absolute_url()).status_code == 404


# --- Scheduled stories, with an injected clock --------------------------------


def test_a_scheduled_story_appears_when_its_time_comes():
    now = timezone.now()
    story = make_article(published_at=now + timedelta(hours=2), city_wide=True)

    assert not Article.objects.published(now=now).filter(pk=story.pk).exists()
    assert not story.is_published_at(now)
    assert Article.objects.published(now=now + timedelta(hours=2)).filter(pk=story.pk).exists()
    assert story.is_published_at(now + timedelta(hours=3))


def test_a_scheduled_story_page_is_404_until_its_time(client):
    start = timezone.now()
    story = make_article(published_at=start + timedelta(hours=2), headline="Embargoed until noon")
    with time_machine.travel(start, tick=False):
        assert client.get(story.get_absolute_url()).status_code == 404
        assert "Embargoed until noon" not in client.get("/").content.decode()
    with time_machine.travel(start + timedelta(hours=2, seconds=1), tick=False):
        assert client.get(story.get_absolute_url()).status_code == 200
        assert "Embargoed until noon" in client.get("/").content.decode()


def test_moving_stories_in_bulk_follows_the_table_story_by_story(rf, journalist, other_journalist):
    """The list's actions move stories through ArticleAdmin.move_stories, which skips what may not move."""
    request = rf.post(CHANGELIST)
    request.user = journalist
    published = make_article(author=journalist)  # no move from published to review
    someone_elses = draft_by(other_journalist)
    own = draft_by(journalist, version=3)

    moved = admin.site._registry[Article].move_stories(request, [published, someone_elses, own], Status.IN_REVIEW)

    assert moved == [own]
    statuses = dict(Article.objects.values_list("pk", "status"))
    assert statuses == {published.pk: Status.PUBLISHED, someone_elses.pk: Status.DRAFT, own.pk: Status.IN_REVIEW}
    versions = dict(Article.objects.values_list("pk", "version"))
    assert versions == {published.pk: 0, someone_elses.pk: 0, own.pk: 4}  # a form opened before the move is stopped


# --- Which fields each role's form has --------------------------------------------


def form_fields(user, story):
    """The fields of the story form's fieldsets for `user` (None: the add form), and the read-only ones."""
    request = RequestFactory().get("/admin/")
    request.user = user
    story_admin = admin.site.get_model_admin(Article)
    fields = {name for _, options in story_admin.get_fieldsets(request, story) for name in options["fields"]}
    return fields, set(story_admin.get_readonly_fields(request, story))


def test_the_send_back_note_is_on_an_editors_form_of_a_story_in_review_only(editor, journalist):
    in_review = draft_by(journalist, status=Status.IN_REVIEW)

    assert "send_back_note" in form_fields(editor, in_review)[0]
    assert "send_back_note" not in form_fields(editor, draft_by(journalist))[0]
    assert "send_back_note" not in form_fields(journalist, in_review)[0]
    assert "send_back_note" not in form_fields(editor, None)[0]


def test_those_who_may_only_tag_or_read_a_story_get_no_checks_to_confirm(journalist, other_journalist):
    """Confirming warnings is for those who edit; the opened version for those who save at all."""
    tagging_journalist = newsroom_user("zhou.tags", "Journalist")
    tagging_journalist.groups.add(Group.objects.get(name="Tagger"))
    published = make_article(author=other_journalist, city_wide=True)

    fields, readonly = form_fields(tagging_journalist, published)
    assert {"tags", "opened_version"} <= fields and "confirm_warnings" not in fields
    assert "headline" in readonly and "tags" not in readonly

    fields, _ = form_fields(journalist, draft_by(other_journalist))
    assert not {"opened_version", "confirm_warnings"} & fields

    fields, readonly = form_fields(journalist, draft_by(journalist))
    assert {"opened_version", "confirm_warnings", "headline"} <= fields
    assert readonly == {"author", "created_at", "updated_at", "revised_at", "published_at"}
    assert {"opened_version", "confirm_warnings"} <= form_fields(journalist, None)[0]


def test_journalists_and_taggers_reach_the_story_list_to_change_stories(client, journalist, tagger):
    for user in (journalist, tagger):
        index = signed_in(client, user).get(reverse("admin:index")).content.decode()
        assert re.search(r'<a href="/admin/articles/article/" class="changelink"', index), user


def test_a_journalist_who_tags_cannot_move_anothers_draft_even_by_a_crafted_post(client, journalist):
    journalist.groups.add(Group.objects.get(name="Tagger"))
    story = draft_by(newsroom_user("wang.fang", "Journalist"))
    signed_in(client, journalist)

    assert "status" not in editable_fields(client.get(change_url(story)))
    response = client.post(change_url(story), story_data(story, status="review", tags="Ferries"))

    assert response.status_code == 302, form_errors(response)
    story.refresh_from_db()
    assert story.status == Status.DRAFT and list(story.tags.names()) == ["Ferries"]


def test_the_status_menu_offers_each_role_only_its_moves(client, journalist, editor):
    story = draft_by(journalist)

    def status_menu(user):
        signed_in(client, user)
        form = client.get(change_url(story)).context["adminform"].form
        return [value for value, _ in form.fields["status"].widget.choices]

    assert status_menu(journalist) == [Status.DRAFT, Status.IN_REVIEW]
    assert status_menu(editor) == [Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED]
