"""Issue 10: one tag per name, the staff's tag tools, and the reader's tag pages and related stories."""

import json
import re
from html import unescape

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.contrib.messages import get_messages
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.forms.renderers import DjangoTemplates
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from reversion.models import Version

from articles.models import Article, Tag, TaggedArticle, TagRedirect, normalize_tag_name
from articles.tags import TagAutocomplete, suggest_tags
from articles.tests.factories import make_article
from articles.tests.newsroom import change_url, form_errors, newsroom_user, signed_in, story_data
from articles.views import TagIndexView
from regions.models import Region

pytestmark = pytest.mark.django_db

STORIES = reverse("admin:articles_article_changelist")
TAGS = reverse("admin:articles_tag_changelist")


def staff(*codenames, username="zhao.tags"):
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def tagger_client(client):
    """A user in the newsroom's Tagger group: the tags of any story and the tag list, nothing else."""
    return signed_in(client, newsroom_user("zhao.tags", "Tagger"))


@pytest.fixture
def tag_keeper_client(client):
    """Staff with plain permissions: may see stories and change tags, nothing else."""
    return signed_in(client, staff("view_article", "view_tag", "change_tag"))


def tag_page(slug):
    return reverse("articles:tag-detail", kwargs={"slug": slug})


def names(article):
    return sorted(article.tags.names())


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- One tag per name ------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("  Sino   Russia ", "Sino Russia"),
        ("Sino\u00a0Russia", "Sino Russia"),  # a no-break space
        ("ＳＩＮＯ－ＲＵＳＳＩＡ", "SINO-RUSSIA"),  # full-width letters and hyphen
        ("崂山\u3000茶", "崂山 茶"),  # an ideographic space
        ("Night economy", "Night economy"),
    ],
)
def test_tag_names_are_stored_normalised(typed, stored):
    assert normalize_tag_name(typed) == stored
    assert Tag.objects.create(name=typed).name == stored


@pytest.mark.parametrize("second", ["sino-russia", "SINO-RUSSIA", " Sino-Russia ", "ｓｉｎｏ-ｒｕｓｓｉａ"])
def test_the_database_refuses_a_second_tag_that_differs_by_case_spacing_or_width(second):
    Tag.objects.create(name="Sino-Russia")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name=second, slug="another-slug")
    # Not only the application: a row written around Tag.save is refused as well.
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.bulk_create([Tag(name="SINO-russia", slug="yet-another")])
    assert Tag.objects.count() == 1


def test_tagging_a_story_by_name_finds_the_existing_tag_whatever_its_form():
    existing = Tag.objects.create(name="Sino Russia")
    story = make_article(tags=["sino  russia", "ＳＩＮＯ RUSSIA", " Sino Russia"])
    story.tags.add("SINO RUSSIA")
    assert list(story.tags.all()) == [existing]
    assert Tag.objects.count() == 1


def test_a_story_carries_a_tag_at_most_once_in_the_database():
    story = make_article(tags=["Tea"])
    with pytest.raises(IntegrityError), transaction.atomic():
        TaggedArticle.objects.create(content_object=story, tag=Tag.objects.get())


def test_the_tag_form_refuses_a_name_that_exists_in_another_case(admin_client):
    Tag.objects.create(name="Tea")
    response = admin_client.post(reverse("admin:articles_tag_add"), {"name": "  TEA ", "slug": ""})
    assert response.status_code == 200
    assert "A tag with this name already exists (tags ignore case)" in response.content.decode()
    assert Tag.objects.count() == 1


def test_the_story_form_keeps_spaces_hyphens_and_chinese_in_tags(admin_client):
    Tag.objects.create(name="Night economy")
    story = make_article(headline="Night market", tags=["Old"], city_wide=True)
    data = story_data(story, tags=["night  economy", "崂山", "Sino-Russia, Tea"])

    response = admin_client.post(change_url(story), data)

    assert response.status_code == 302, form_errors(response)
    assert names(story) == ["Night economy", "Sino-Russia", "Tea", "崂山"]
    assert Tag.objects.filter(name__iexact="night economy").count() == 1


def test_a_tagger_tags_a_story_from_its_form_with_the_autocomplete(client):
    story = make_article(tags=["Old"], city_wide=True)
    signed_in(client, newsroom_user("zhao.tags", "Tagger"))
    page = client.get(change_url(story)).content.decode()
    assert 'class="admin-autocomplete tag-autocomplete"' in page

    response = client.post(change_url(story), story_data(story, tags=["Old", "Port cranes"]))

    assert response.status_code == 302, form_errors(response)
    assert names(story) == ["Old", "Port cranes"]


def test_the_story_form_offers_autocomplete_and_suggestions_without_inline_script(admin_client):
    story = make_article(tags=["Tea"])
    page = admin_client.get(reverse("admin:articles_article_change", args=[story.pk])).content.decode()
    assert 'class="admin-autocomplete tag-autocomplete"' in page
    assert f'data-ajax--url="{reverse("admin:articles_tag_names")}"' in page
    assert 'data-tags="true"' in page
    assert '<option value="Tea" selected>Tea</option>' in page
    assert f'data-url="{reverse("admin:articles_tag_suggest")}"' in page
    assert "admin/js/autocomplete.js" in page and "newsroom/tag-suggestions.js" in page
    assert "<script>" not in page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_merges_tags_that_differ_only_by_case_spacing_or_width():
    """Duplicates stored before the constraint join the most used one; their addresses redirect to it."""
    target = ("articles", "0030_tag_vocabulary")
    executor = MigrationExecutor(connection)
    before = [parent.key for parent in executor.loader.graph.node_map[target].parents]
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        OldArticle = old.get_model("articles", "Article")
        OldTag = old.get_model("articles", "Tag")
        Tagged = old.get_model("articles", "TaggedArticle")
        one, two, three = (
            OldArticle.objects.create(headline=h, slug=h, body="b") for h in ("one", "two", "three")
        )
        little = OldTag.objects.create(name="sino-russia", slug="sino-russia")
        most = OldTag.objects.create(name="Sino-Russia ", slug="sino-russia-2")
        wide = OldTag.objects.create(name="ＳＩＮＯ-russia", slug="sino-russia-3")
        spaced = OldTag.objects.create(name=" Tea  time", slug="tea-time")
        for article, tag in [
            (one, little),
            (one, most),
            (two, most),
            (two, most),
            (three, wide),
            (three, spaced),
        ]:
            Tagged.objects.create(content_object=article, tag=tag)

        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

        assert sorted(Tag.objects.values_list("pk", "name", "slug")) == [
            (most.pk, "Sino-Russia", "sino-russia-2"),
            (spaced.pk, "Tea time", "tea-time"),
        ]
        links = sorted(TaggedArticle.objects.values_list("content_object__slug", "tag__name"))
        assert links == [
            ("one", "Sino-Russia"),
            ("three", "Sino-Russia"),
            ("three", "Tea time"),
            ("two", "Sino-Russia"),
        ]
        assert dict(TagRedirect.objects.values_list("old_slug", "tag_id")) == {
            "sino-russia": most.pk,
            "sino-russia-3": most.pk,
        }
        with pytest.raises(IntegrityError), transaction.atomic():
            Tag.objects.bulk_create([Tag(name="TEA TIME", slug="other")])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


# --- The story list: untagged filter, bulk tagging ------------------------------------------


def test_the_untagged_filter_lists_only_stories_without_tags(admin_client):
    bare = make_article(headline="Bare")
    make_article(headline="Tagged", tags=["Tea", "Spring"])
    untagged = admin_client.get(STORIES, {"tagged": "no"}).context["cl"].result_list
    tagged = admin_client.get(STORIES, {"tagged": "yes"}).context["cl"].result_list
    assert list(untagged) == [bare]
    assert [story.headline for story in tagged] == ["Tagged"]


def test_a_tagger_adds_tags_to_the_selected_stories_in_two_steps(tagger_client):
    first, second = make_article(tags=["Tea"]), make_article()
    untouched = make_article()
    Tag.objects.create(name="Laoshan")
    selected = {"action": "add_tags", "_selected_action": [first.pk, second.pk]}

    form_page = tagger_client.post(STORIES, selected)
    assert form_page.status_code == 200
    assert "Add these tags to the 2 selected stories" in form_page.content.decode()
    assert names(first) == ["Tea"] and names(second) == []

    done = tagger_client.post(
        STORIES, {**selected, "apply": "yes", "tags": ["laoshan", "tea", "Spring harvest"]}
    )

    assert done.status_code == 302
    assert names(first) == ["Laoshan", "Spring harvest", "Tea"]
    assert names(second) == ["Laoshan", "Spring harvest", "Tea"]
    assert names(untouched) == []
    assert Tag.objects.count() == 3
    assert messages_of(done) == ["Added “laoshan”, “tea”, “Spring harvest” to 2 of 2 selected stories."]
    # Each story's history has the change, by the tagger, with its tags.
    [version] = Version.objects.get_for_object(second)
    assert version.revision.user.username == "zhao.tags"
    assert (
        version.revision.comment
        == "Added the tags “laoshan”, “tea”, “Spring harvest” (to several stories at once)."
    )
    assert {
        v.object for v in version.revision.version_set.all() if isinstance(v.object, TaggedArticle)
    } >= set(TaggedArticle.objects.filter(content_object=second))
    assert not Version.objects.get_for_object(untouched).exists()


def test_staff_with_only_the_change_tag_permission_remove_a_tag_in_bulk(tag_keeper_client):
    tagger_client = tag_keeper_client
    first, second = make_article(tags=["Tea", "Spring"]), make_article(tags=["Spring"])
    other = make_article(tags=["Spring"])
    selected = {"action": "remove_tags", "_selected_action": [first.pk, second.pk], "apply": "yes"}

    done = tagger_client.post(STORIES, {**selected, "tags": ["spring"]})

    assert done.status_code == 302
    assert names(first) == ["Tea"] and names(second) == [] and names(other) == ["Spring"]
    assert messages_of(done) == ["Removed “Spring” from 2 stories."]
    unknown = tagger_client.post(STORIES, {**selected, "tags": ["Nowhere"]})
    assert unknown.status_code == 200
    assert "There is no tag named “Nowhere”." in unknown.content.decode()


def test_the_bulk_tag_page_asks_for_tags_for_the_selected_stories_without_an_error(tagger_client):
    """The first step shows the form, unbound, and posts back the same action on the same stories."""
    first, second = make_article(headline="Spring harvest"), make_article(headline="Port cranes")

    page = tagger_client.post(STORIES, {"action": "add_tags", "_selected_action": [first.pk, second.pk]})

    content = page.content.decode()
    assert "This field is required" not in content and "errorlist" not in content
    assert "<li>Spring harvest</li>" in content and "<li>Port cranes</li>" in content
    assert "&rsaquo; Add tags to stories" in content
    assert "<title>Add tags to stories |" in content
    assert '<input type="hidden" name="action" value="add_tags">' in content
    for story in (first, second):
        assert f'<input type="hidden" name="_selected_action" value="{story.pk}">' in content
    assert 'name="csrfmiddlewaretoken"' in content
    # The autocomplete's files: the form's media on the page.
    assert 'src="/static/admin/js/autocomplete.js"' in content
    assert 'href="/static/admin/css/autocomplete.css"' in content


def test_bulk_tagging_refuses_a_name_longer_than_a_tag_can_have(tagger_client):
    story = make_article()
    selected = {"action": "add_tags", "_selected_action": [story.pk], "apply": "yes"}
    too_long = ("Night economy " * 8).strip()

    refused = tagger_client.post(STORIES, {**selected, "tags": ["Tea", too_long]})

    assert refused.status_code == 200
    assert f"A tag can have at most 100 characters: {too_long[:40]}…" in refused.content.decode()
    assert names(story) == [] and not Tag.objects.exists()
    longest = "x" * 100
    assert tagger_client.post(STORIES, {**selected, "tags": [longest]}).status_code == 302
    assert names(story) == [longest]


def test_staff_without_tagging_rights_get_no_bulk_tag_actions(client):
    client.force_login(staff("view_article", username="reader.staff"))
    story = make_article(tags=["Tea"])
    page = client.get(STORIES)
    assert "add_tags" not in page.content.decode()
    response = client.post(
        STORIES, {"action": "remove_tags", "_selected_action": [story.pk], "apply": "yes", "tags": ["Tea"]}
    )
    assert response.status_code in (200, 302)
    assert names(story) == ["Tea"]


# --- The tag admin ------------------------------------------------------------------------


def test_renaming_a_tag_moves_its_page_and_the_old_address_redirects_permanently(admin_client, client):
    tag = Tag.objects.create(name="Sino Russia")
    make_article(tags=[tag])
    change = reverse("admin:articles_tag_change", args=[tag.pk])

    response = admin_client.post(change, {"name": "Sino-Russian ties", "slug": "sino-russia"})

    assert response.status_code == 302
    tag.refresh_from_db()
    assert (tag.name, tag.slug) == ("Sino-Russian ties", "sino-russian-ties")
    moved = client.get(tag_page("sino-russia") + "?page=1")
    assert moved.status_code == 301
    assert moved["Location"] == tag_page("sino-russian-ties") + "?page=1"
    assert "Sino-Russian ties" in client.get(moved["Location"]).content.decode()

    # Renamed back: the address is the tag's own again, and no redirect leads away from it.
    admin_client.post(change, {"name": "Sino Russia", "slug": "sino-russian-ties"})
    tag.refresh_from_db()
    assert tag.slug == "sino-russia"
    assert client.get(tag_page("sino-russia")).status_code == 200
    assert client.get(tag_page("sino-russian-ties")).status_code == 301
    assert list(TagRedirect.objects.values_list("old_slug", flat=True)) == ["sino-russian-ties"]


def test_adding_a_tag_in_the_admin_records_no_old_address(admin_client):
    response = admin_client.post(reverse("admin:articles_tag_add"), {"name": "Tea", "slug": ""})
    assert response.status_code == 302
    assert Tag.objects.get().slug == "tea"
    assert not TagRedirect.objects.exists()


def test_a_tags_hand_made_slug_stays_when_it_is_saved_or_renamed_with_a_new_slug(admin_client, client):
    tag = Tag.objects.create(name="Tea", slug="cha")
    make_article(tags=[tag])
    change = reverse("admin:articles_tag_change", args=[tag.pk])

    assert admin_client.post(change, {"name": "Tea", "slug": "cha"}).status_code == 302
    tag.refresh_from_db()
    assert tag.slug == "cha" and not TagRedirect.objects.exists()

    assert admin_client.post(change, {"name": "Green tea", "slug": "lu-cha"}).status_code == 302
    tag.refresh_from_db()
    assert (tag.name, tag.slug) == ("Green tea", "lu-cha")
    assert client.get(tag_page("cha"))["Location"] == tag_page("lu-cha")


def test_merging_tags_keeps_one_copy_per_story_counts_and_redirects(tagger_client, client):
    keep, dash, spaced = (
        Tag.objects.create(name=n) for n in ("Sino-Russia", "Sino–Russian ties", "sino russia")
    )
    both = make_article(tags=[keep, dash, spaced])
    only_dash = make_article(tags=[dash])
    only_spaced = make_article(tags=[spaced])
    only_keep = make_article(tags=[keep])
    TagRedirect.objects.create(old_slug="russia-ties-old", tag=dash)
    selected = {"action": "merge", "_selected_action": [keep.pk, dash.pk, spaced.pk]}

    form_page = tagger_client.post(TAGS, selected)
    assert form_page.status_code == 200
    assert "Keep this tag" in form_page.content.decode()
    labels = [str(choice[1]) for choice in form_page.context["form"].fields["target"].choices]
    assert labels == ["Sino-Russia (2 stories)", "Sino–Russian ties (2 stories)", "sino russia (2 stories)"]
    assert "Sino-Russia (2 stories)" in form_page.content.decode()
    assert Tag.objects.count() == 3

    done = tagger_client.post(TAGS, {**selected, "apply": "yes", "target": keep.pk})

    assert done.status_code == 302
    assert list(Tag.objects.all()) == [keep]
    for story in (both, only_dash, only_spaced, only_keep):
        assert list(TaggedArticle.objects.filter(content_object=story).values_list("tag", flat=True)) == [
            keep.pk
        ]
    assert Tag.objects.with_story_counts().get().story_count == 4
    assert messages_of(done) == [
        "Merged “sino russia”, “Sino–Russian ties” into “Sino-Russia”: 2 more stories carry it, "
        "and the old tag addresses redirect to its page."
    ]
    for old in (dash.slug, spaced.slug, "russia-ties-old"):
        response = client.get(tag_page(old))
        assert (response.status_code, response["Location"]) == (301, tag_page("sino-russia")), old


def test_merge_with_one_tag_selected_changes_nothing_and_says_so(tagger_client):
    tag = Tag.objects.create(name="Tea")
    make_article(tags=[tag])
    done = tagger_client.post(TAGS, {"action": "merge", "_selected_action": [tag.pk]}, follow=True)
    assert messages_of(done) == ["Select two or more tags to merge; nothing was changed."]
    assert list(Tag.objects.all()) == [tag]


def test_no_tag_action_claims_a_merge_it_did_not_make(admin_client):
    """taggit's own "Merge selected tags" (which works on taggit's links, not ours) is not offered."""
    actions = admin_client.get(TAGS).context["action_form"].fields["action"].choices
    assert [name for name, _ in actions] == ["", "delete_selected", "merge", "delete_unused"]


def test_delete_unused_tags_keeps_tags_that_stories_use(admin_client):
    used = Tag.objects.create(name="Used")
    make_article(tags=[used], published=False)
    unused = [Tag.objects.create(name=f"Unused {n}") for n in range(2)]
    selected = [used.pk, *(tag.pk for tag in unused)]

    done = admin_client.post(TAGS, {"action": "delete_unused", "_selected_action": selected})

    assert list(Tag.objects.all()) == [used]
    assert messages_of(done) == ["Deleted 2 unused tags. Kept 1 that stories use (merge them instead)."]
    unused_filter = admin_client.get(TAGS, {"used": "no"}).context["cl"].result_list
    assert list(unused_filter) == []


def test_the_tag_list_filters_tags_on_stories_and_unused_ones(admin_client):
    used = Tag.objects.create(name="Used")
    make_article(tags=[used])
    unused = Tag.objects.create(name="Unused")

    page = admin_client.get(TAGS)

    content = page.content.decode()
    assert '<a href="?used=yes">On stories</a>' in content
    assert '<a href="?used=no">Unused</a>' in content
    assert list(admin_client.get(TAGS, {"used": "yes"}).context["cl"].result_list) == [used]
    assert list(admin_client.get(TAGS, {"used": "no"}).context["cl"].result_list) == [unused]


def test_a_tags_admin_page_lists_its_stories(admin_client):
    tag = Tag.objects.create(name="Tea")
    live = make_article(headline="Spring tea <b>harvest</b>", tags=[tag])
    draft = make_article(headline="Draft about tea", tags=[tag], published=False)
    TagRedirect.objects.create(old_slug="old-tea", tag=tag)

    page = admin_client.get(reverse("admin:articles_tag_change", args=[tag.pk])).content.decode()

    assert "2 stories" in page
    assert reverse("admin:articles_article_change", args=[live.pk]) in page
    assert "Spring tea &lt;b&gt;harvest&lt;/b&gt;</a> (Published)" in page
    assert f'{reverse("admin:articles_article_change", args=[draft.pk])}">Draft about tea</a> (Draft)' in page
    assert tag_page("old-tea") in page
    assert "Content type" not in page and "Object ID" not in page


def test_tag_names_for_autocomplete_most_used_first(tagger_client, client):
    make_article(tags=["Tea"])
    make_article(tags=["Tea", "Green tea"])
    Tag.objects.create(name="Teapot")
    make_article(tags=["Laoshan"])
    url = reverse("admin:articles_tag_names")

    answer = tagger_client.get(url, {"term": " TEA"}).json()

    assert [result["id"] for result in answer["results"]] == ["Tea", "Green tea", "Teapot"]
    assert answer["results"][0] == {"id": "Tea", "text": "Tea"}
    assert answer["pagination"] == {"more": False}
    client.force_login(staff(username="nobody"))
    assert client.get(url, {"term": "tea"}).status_code == 403


@pytest.mark.parametrize(
    "codename",
    ["view_tag", "tag_article", "change_article", "add_article"],
    ids=["sees the tag list", "tags stories", "edits stories", "writes stories"],
)
def test_staff_who_see_tags_or_tag_or_write_stories_may_ask_for_tag_names(client, codename):
    Tag.objects.create(name="Tea")
    client.force_login(staff(codename))
    assert client.get(reverse("admin:articles_tag_names"), {"term": "tea"}).json()["results"] == [
        {"id": "Tea", "text": "Tea"}
    ]
    suggested = client.post(reverse("admin:articles_tag_suggest"), {"headline": "Tea"})
    assert suggested.json() == {"suggestions": ["Tea"]}


def test_tag_names_without_a_term_page_through_every_tag_most_used_then_by_name(tagger_client):
    for n in range(21):  # addresses in the reverse order of the names (SQLite may read by address)
        Tag.objects.create(name=f"Topic {n:02}", slug=f"topic-{20 - n:02}")
    make_article(tags=["Zebra"])
    url = reverse("admin:articles_tag_names")

    first, second = tagger_client.get(url).json(), tagger_client.get(url, {"page": "2"}).json()

    assert [result["id"] for result in first["results"]] == ["Zebra", *(f"Topic {n:02}" for n in range(19))]
    assert first["pagination"] == {"more": True}
    assert [result["id"] for result in second["results"]] == ["Topic 19", "Topic 20"]
    assert second["pagination"] == {"more": False}


def test_the_tag_admin_answers_names_and_suggestions_at_its_own_addresses(rf, admin_user):
    """Asked of the tag admin itself: the site's URLconf keeps the patterns it was given once."""
    Tag.objects.create(name="Tea")
    patterns = {pattern.name: pattern for pattern in admin.site._registry[Tag].get_urls()}
    names_url, suggest_url = patterns["articles_tag_names"], patterns["articles_tag_suggest"]
    assert (str(names_url.pattern), str(suggest_url.pattern)) == ("names/", "suggest/")
    asked = rf.get("/", {"term": "te"})
    told = rf.post("/", {"headline": "Tea"})
    for request in (asked, told):
        request.user, request._dont_enforce_csrf_checks = admin_user, True
    assert json.loads(names_url.callback(asked).content)["results"] == [{"id": "Tea", "text": "Tea"}]
    assert json.loads(suggest_url.callback(told).content) == {"suggestions": ["Tea"]}
    assert reverse("admin:articles_tag_names") == "/admin/articles/tag/names/"
    assert reverse("admin:articles_tag_suggest") == "/admin/articles/tag/suggest/"


# --- Suggestions -----------------------------------------------------------------------------


def test_suggestions_are_existing_tags_the_story_mentions():
    for name in ("Tea", "Laoshan", "崂山", "Sino-Russia", "Team", "Unmentioned"):
        Tag.objects.create(name=name)
    make_article(tags=["Laoshan", "Sino-Russia"])
    make_article(tags=["Laoshan"])
    text = "Laoshan tea pickers\nThe team at the 崂山茶 farm  sent SINO-RUSSIA teas east."

    assert suggest_tags(text) == ["Laoshan", "Sino-Russia", "Tea", "Team", "崂山"]
    assert suggest_tags(text, exclude=["laoshan", "TEA"]) == ["Sino-Russia", "Team", "崂山"]
    assert suggest_tags("Teapots and steam") == []


def test_suggestions_used_equally_often_are_in_alphabetical_order_ignoring_case():
    for name in ("Teahouse", "tea_party", "TEA"):
        Tag.objects.create(name=name)
    assert suggest_tags("Tea at the teahouse, then a tea_party") == ["TEA", "tea_party", "Teahouse"]


def test_the_suggestion_view_reads_the_headline_and_the_body_each_alone_or_together(admin_client):
    for name in ("Tea", "Laoshan"):
        Tag.objects.create(name=name)
    url = reverse("admin:articles_tag_suggest")

    assert admin_client.post(url, {"headline": "Tea"}).json() == {"suggestions": ["Tea"]}
    assert admin_client.post(url, {"body": "Laoshan"}).json() == {"suggestions": ["Laoshan"]}
    both = admin_client.post(url, {"headline": "Laoshan", "body": "Tea"}).json()
    assert both == {"suggestions": ["Laoshan", "Tea"]}


def test_the_suggestion_view_answers_the_story_form(admin_client, client):
    Tag.objects.create(name="Tea")
    Tag.objects.create(name="West Coast")
    url = reverse("admin:articles_tag_suggest")
    data = {"headline": "Tea on the west  coast", "body": "Nothing else.", "tags": ["West Coast"]}

    assert admin_client.post(url, data).json() == {"suggestions": ["Tea"]}
    assert admin_client.get(url).status_code == 405
    client.force_login(staff(username="nobody"))
    assert client.post(url, data).status_code == 403


# --- Reader pages ----------------------------------------------------------------------------


def test_the_tag_page_shows_the_name_and_its_published_story_count(client):
    for _ in range(3):
        make_article(tags=["Tea"])
    make_article(tags=["Tea"], published=False)
    make_article(tags=["Tea"], days_ago=-1)
    page = client.get(tag_page("tea")).content.decode()
    assert "Tagged: Tea" in page
    assert "3 stories" in page


def test_an_old_address_of_a_tag_with_no_published_story_is_404(client):
    tag = Tag.objects.create(name="Embargo")
    make_article(tags=[tag], published=False)
    TagRedirect.objects.create(old_slug="old-embargo", tag=tag)
    assert client.get(tag_page("old-embargo")).status_code == 404


def test_the_tag_index_lists_the_most_used_tags_of_published_stories(client):
    for _ in range(3):
        make_article(tags=["Tea", "Laoshan"])
    make_article(tags=["Laoshan"])
    make_article(tags=["Secret merger"], published=False)
    make_article(tags=["Secret merger", "Tea"], days_ago=-1)
    Tag.objects.create(name="Unused")

    response = client.get(reverse("articles:tag-index"))

    assert [(tag.name, tag.story_count) for tag in response.context["tags"]] == [("Laoshan", 4), ("Tea", 3)]
    page = response.content.decode()
    assert f'href="{tag_page("laoshan")}"' in page
    assert "Secret merger" not in page and "Unused" not in page


def test_the_most_used_tags_are_cut_at_the_count_with_ties_to_the_oldest_tag_and_listed_by_name():
    for name in ("Pier", "teahouse", "Beer", "tea_time"):
        make_article(tags=[name])
    for _ in range(2):
        make_article(tags=["Ferry"])  # the newest tag, on the most stories

    def listed(count):
        return [(tag.name, tag.story_count) for tag in Tag.objects.most_used(count)]

    assert listed(2) == [("Ferry", 2), ("Pier", 1)]
    # Within a count, by name whatever its case ("_" sorts after the upper-case letters, before "h").
    assert listed(4) == [("Ferry", 2), ("Beer", 1), ("Pier", 1), ("teahouse", 1)]
    assert listed(5)[-2:] == [("tea_time", 1), ("teahouse", 1)]


def test_the_tag_index_lists_at_most_its_tag_count(client, monkeypatch):
    monkeypatch.setattr(TagIndexView, "TAG_COUNT", 2)
    for name, stories in (("Tea", 3), ("Port", 2), ("Rain", 1)):
        for _ in range(stories):
            make_article(tags=[name])
    response = client.get(reverse("articles:tag-index"))
    assert [tag.name for tag in response.context["tags"]] == ["Tea", "Port"]


def test_the_tag_index_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    """The counts in one query, the tags in one, the navigation in one, however many tags."""
    for n in range(3):
        make_article(tags=[f"topic {n}"])
    with django_assert_num_queries(3):
        client.get(reverse("articles:tag-index"))
    for n in range(40):
        make_article(tags=[f"topic {n}", f"other {n}"])
    with django_assert_num_queries(3):
        assert client.get(reverse("articles:tag-index")).status_code == 200


@pytest.fixture
def related_setup():
    laoshan, jimo = Region.objects.get(slug="laoshan"), Region.objects.get(slug="jimo")
    story = make_article(headline="Story", regions=[laoshan], tags=["a", "b", "c"], days_ago=1)
    made = {
        "three old": make_article(tags=["a", "b", "c"], regions=[jimo], days_ago=30),
        "two same region": make_article(tags=["a", "b"], regions=[laoshan], days_ago=20),
        "two newer": make_article(tags=["b", "c"], regions=[jimo], days_ago=2),
        "two older": make_article(tags=["a", "c"], days_ago=10),
        "one newest": make_article(tags=["c", "z"], days_ago=0),
        "one older": make_article(tags=["a"], days_ago=40),
        "draft": make_article(tags=["a", "b", "c"], published=False),
        "scheduled": make_article(tags=["a", "b", "c"], days_ago=-1),
        "no shared tag": make_article(tags=["z"], regions=[laoshan], days_ago=0),
    }
    for article in made.values():
        article.headline = next(name for name, other in made.items() if other.pk == article.pk)
        article.save(update_fields=["headline"])
    return story


def test_related_stories_share_the_most_tags_then_same_region_then_newest(related_setup):
    story = Article.objects.with_relations().get(pk=related_setup.pk)
    related = Article.objects.published().related_to(story)
    assert [article.headline for article in related] == [
        "three old",
        "two same region",
        "two newer",
        "two older",
        "one newest",
    ]


def test_related_stories_are_one_query_and_shown_on_the_story_page(
    related_setup, client, django_assert_num_queries
):
    story = Article.objects.with_relations().get(pk=related_setup.pk)
    with django_assert_num_queries(1):
        list(Article.objects.published().related_to(story))
    page = client.get(story.get_absolute_url()).content.decode()
    related = page.split('id="related-stories-heading"')[1].split("</aside>")[0]
    assert "three old" in related and "one newest" in related
    assert "Story</a>" not in related and "draft" not in related and "scheduled" not in related
    assert 'id="more-stories-heading"' in page


def test_an_untagged_story_has_no_related_stories_and_no_query_for_them(client, django_assert_num_queries):
    make_article(tags=["a"])
    story = Article.objects.with_relations().get(pk=make_article().pk)
    with django_assert_num_queries(0):
        assert list(Article.objects.published().related_to(story)) == []
    assert "related-stories" not in client.get(story.get_absolute_url()).content.decode()


def test_related_stories_query_count_does_not_grow_with_tags(client):
    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    story = make_article(tags=["a"])
    make_article(tags=["a"])
    few = queries(story.get_absolute_url())
    story.tags.add(*[f"t{n}" for n in range(20)])
    for n in range(20):
        make_article(tags=[f"t{n}", "a"])
    assert queries(story.get_absolute_url()) == few


def test_an_old_tag_address_redirects_in_three_queries(client, django_assert_num_queries):
    """No tag at the address, its redirect with the tag it leads to, a published story with that tag."""
    tag = Tag.objects.create(name="Tea")
    make_article(tags=[tag])
    TagRedirect.objects.create(old_slug="old-tea", tag=tag)
    with django_assert_num_queries(3):
        response = client.get(tag_page("old-tea"))
    assert (response.status_code, response["Location"]) == (301, tag_page("tea"))


def test_related_stories_come_from_each_tags_newest_stories_only(monkeypatch):
    """Only the RELATED_CANDIDATES newest stories of a tag are candidates, however old the story is."""
    monkeypatch.setattr("articles.models.RELATED_CANDIDATES", 3)
    story = make_article(headline="Story", tags=["a"], days_ago=1)
    for headline, days_ago in (("old 1", 30), ("old 2", 20), ("new 1", 5), ("new 2", 4), ("new 3", 3)):
        make_article(headline=headline, tags=["a"], days_ago=days_ago)
    story = Article.objects.with_relations().get(pk=story.pk)
    related = Article.objects.published().related_to(story)
    assert [article.headline for article in related] == ["new 3", "new 2", "new 1"]


def test_related_story_ties_go_to_the_latest_added_and_read_in_one_query(django_assert_num_queries):
    """Same tags, region and time: the later story first; headline, address and date come with the query."""
    laoshan, jimo = Region.objects.get(slug="laoshan"), Region.objects.get(slug="jimo")
    story = make_article(headline="Story", tags=["a"], regions=[laoshan, jimo], days_ago=1)
    both = make_article(headline="in both regions", tags=["a"], regions=[laoshan, jimo], days_ago=9)
    first, second = (make_article(headline=name, tags=["a"], days_ago=2) for name in ("first", "second"))
    Article.objects.filter(pk__in=[first.pk, second.pk]).update(published_at=first.published_at)
    story = Article.objects.with_relations().get(pk=story.pk)
    with django_assert_num_queries(1):
        related = [
            (article.headline, article.get_absolute_url(), article.published_at)
            for article in Article.objects.published().related_to(story)
        ]
    assert related == [
        ("in both regions", both.get_absolute_url(), both.published_at),
        ("second", second.get_absolute_url(), first.published_at),
        ("first", first.get_absolute_url(), first.published_at),
    ]


# --- The tag widget on its own ------------------------------------------------------------


def select_attributes(html):
    """The attributes of the widget's <select>, names as written (not lower-cased), values unescaped ("" if none)."""
    tag = re.search(r"<select\b([^>]*)>", html).group(1)
    return {
        name: unescape(value)
        for name, value in re.findall(r'([^\s=]+)(?:="([^"]*)")?', tag)
    }


class FormRenderer(DjangoTemplates):
    """A form's own renderer, recognisable in what it renders."""

    def render(self, template_name, context, request=None):
        return "<!-- the form's renderer -->" + super().render(template_name, context, request)


def test_the_tag_widget_tells_select2_how_to_find_and_add_tags():
    widget = TagAutocomplete(attrs={"class": "wide"})
    html = widget.render("tags", ["Tea", "", "崂山"], attrs={"id": "id_story_tags"})

    assert select_attributes(html) == {
        "name": "tags",
        "class": "wide admin-autocomplete tag-autocomplete",
        "data-ajax--url": reverse("admin:articles_tag_names"),
        "data-ajax--cache": "true",
        "data-ajax--delay": "250",
        "data-ajax--type": "GET",
        "data-tags": "true",
        "data-token-separators": '[","]',
        "data-theme": "admin-autocomplete",
        "data-placeholder": "Type to find or add a tag",
        "data-width": "100%",
        "lang": "en",
        "multiple": "",
        "id": "id_story_tags",
    }
    assert re.findall(r"<option[^>]*>[^<]*</option>", html) == [
        '<option value="Tea" selected>Tea</option>',
        '<option value="崂山" selected>崂山</option>',
    ]
    assert "tag-suggestions" not in html
    assert select_attributes(TagAutocomplete().render("tags", None))["class"] == (
        "admin-autocomplete tag-autocomplete"
    )
    with translation.override("zh-hans"):
        assert select_attributes(TagAutocomplete().render("tags", []))["lang"] == "zh-CN"


def test_the_tag_widget_with_suggestions_is_followed_by_their_box_for_its_select():
    box = (
        '<div class="tag-suggestions" data-for="{}" data-url="' + reverse("admin:articles_tag_suggest")
        + '" hidden><span class="tag-suggestions__label">Mentioned in the story:</span> </div>'
    )
    widget = TagAutocomplete(suggest=True)
    html = widget.render("tags", ["Tea"], attrs={"id": "id_story_tags"})
    assert html.startswith("<select") and html.endswith("</select>" + box.format("id_story_tags"))
    assert 'id="id_story_tags"' in html

    assert widget.render("tags", []).endswith(box.format("id_tags"))
    own_id = TagAutocomplete(attrs={"id": "story-tags"}, suggest=True)
    assert own_id.render("tags", []).endswith(box.format("story-tags"))
    assert own_id.render("tags", [], attrs={"id": "given"}).endswith(box.format("given"))


def test_the_tag_widget_renders_with_the_forms_renderer():
    html = TagAutocomplete().render("tags", ["Tea"], renderer=FormRenderer())
    assert html.startswith("<!-- the form's renderer --><select")
