import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from articles.models import Tag
from articles.tests.factories import make_article
from articles.tests.newsroom import form_errors, newsroom_user, signed_in, story_data

MIGRATION = ("articles", "0002_tag")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, slug",
    [
        ("崂山", "lao-shan"),
        ("崂山 tea", "lao-shan-tea"),
        ("Sino-Russia", "sino-russia"),
        ("night economy", "night-economy"),
        ("!!!", "tag"),
        ("「」。", "tag"),
    ],
)
def test_every_tag_gets_an_ascii_slug(name, slug):
    assert Tag.objects.create(name=name).slug == slug


@pytest.mark.django_db
def test_tags_with_the_same_slug_are_numbered():
    slugs = [Tag.objects.create(name=name).slug for name in ("!!!", "???", "崂山", "Lao shan")]
    assert slugs == ["tag", "tag-2", "lao-shan", "lao-shan-2"]


@pytest.mark.django_db
def test_a_story_with_chinese_and_punctuation_tags_renders_and_each_tag_page_works(client):
    """A tag name can never break a page: each tag links to a page that lists the story."""
    story = make_article(headline="Laoshan tea", tags=["崂山", "!!!", "Tea"])

    response = client.get(story.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    for tag in Tag.objects.all():
        assert f'href="{tag.get_absolute_url()}" rel="tag">{tag.name}</a>' in page
        tag_page = client.get(tag.get_absolute_url())
        assert tag_page.status_code == 200, tag.slug
        assert list(tag_page.context["articles"]) == [story]
    assert reverse("articles:tag-detail", kwargs={"slug": "lao-shan"}) in page


@pytest.mark.django_db
def test_tag_admin_lists_tags_with_their_story_counts_and_searches(admin_client):
    make_article(tags=["崂山", "Tea"])
    make_article(tags=["崂山"])
    Tag.objects.create(name="Unused")

    changelist = reverse("admin:articles_tag_changelist")
    response = admin_client.get(changelist, {"o": "-3"})

    assert response.status_code == 200
    rows = [(tag.name, tag.slug, tag.story_count) for tag in response.context["cl"].result_list]
    assert rows == [("崂山", "lao-shan", 2), ("Tea", "tea", 1), ("Unused", "unused", 0)]
    found = admin_client.get(changelist, {"q": "崂"}).context["cl"].result_list
    assert [tag.name for tag in found] == ["崂山"]
    assert admin_client.get(reverse("admin:articles_tag_add")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/tags/%E5%B4%82%E5%B1%B1/", "/tags/lao-shan-3/", "/tags/tag/"])
def test_unknown_or_unicode_tag_addresses_are_404(client, url):
    make_article(tags=["崂山"])
    assert client.get(url).status_code == 404


def test_taggit_default_tag_admin_is_replaced():
    from django.contrib import admin
    from taggit.models import Tag as TaggitTag

    assert admin.site.is_registered(Tag)
    assert not admin.site.is_registered(TaggitTag)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_keeps_existing_tags_their_ids_and_links():
    """
    Tags stored by django-taggit move to articles.Tag with the same ids (and links);
    slugs the tag URL cannot match are made anew, and new tags get fresh ids.
    """
    executor = MigrationExecutor(connection)
    # Whatever migration(s) 0002_tag follows once the branches are merged.
    before = [parent.key for parent in executor.loader.graph.node_map[MIGRATION].parents]
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        Article = old.get_model("articles", "Article")
        TaggitTag = old.get_model("taggit", "Tag")
        Tagged = old.get_model("articles", "TaggedArticle")
        story = Article.objects.create(headline="Laoshan", slug="laoshan", body="b")
        other = Article.objects.create(headline="Other", slug="other", body="b")
        TaggitTag.objects.create(pk=40, name="Unrelated", slug="unrelated")
        laoshan = TaggitTag.objects.create(pk=41, name="崂山", slug="崂山")
        bangs = TaggitTag.objects.create(pk=42, name="!!!", slug="")
        tea = TaggitTag.objects.create(pk=43, name="Tea", slug="tea")
        tag_again = TaggitTag.objects.create(pk=44, name="tag", slug="tag")
        pairs = [(story, laoshan), (story, bangs), (story, tea), (other, tea), (other, tag_again)]
        for article, tag in pairs:
            Tagged.objects.create(content_object=article, tag=tag)
        links = set(Tagged.objects.values_list("content_object_id", "tag_id"))

        executor = MigrationExecutor(connection)
        executor.migrate([MIGRATION])

        new = MigrationExecutor(connection).loader.project_state([MIGRATION]).apps
        NewTag = new.get_model("articles", "Tag")
        assert sorted(NewTag.objects.values_list("pk", "name", "slug")) == [
            (40, "Unrelated", "unrelated"),
            (41, "崂山", "lao-shan"),
            (42, "!!!", "tag-2"),
            (43, "Tea", "tea"),
            (44, "tag", "tag"),
        ]
        new_links = new.get_model("articles", "TaggedArticle").objects.values_list("content_object", "tag")
        assert set(new_links) == links
        assert NewTag.objects.create(name="New", slug="new").pk > 44
        tags = set(NewTag.objects.values_list("pk", "name", "slug"))

        executor = MigrationExecutor(connection)
        executor.migrate(before)  # and back: taggit's table gets the same tags and ids again
        back = executor.loader.project_state(before).apps
        assert set(back.get_model("taggit", "Tag").objects.values_list("pk", "name", "slug")) == tags
        back_links = back.get_model("articles", "TaggedArticle").objects.values_list("content_object", "tag")
        assert set(back_links) == links
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_tags_given_as_one_string_are_split_at_commas_each_once_whatever_its_case():
    """A form filled from a plain dict (code, not a browser) gets the names as one string."""
    from articles.tags import BulkTagForm

    form = BulkTagForm({"tags": "Metro, metro ,, Transport,"}, existing_only=False)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["tags"] == ["Metro", "Transport"]
    assert BulkTagForm({"tags": "Metro"}, existing_only=False)["tags"].value() == ["Metro"]


def test_the_story_forms_tags_field_says_how_to_add_a_tag_and_may_be_left_empty(admin_client):
    page = admin_client.get(reverse("admin:articles_article_add")).content.decode()

    assert '<label for="id_tags">Tags:</label>' in page
    assert (
        "Type to find an existing tag, or a new name and Enter (a comma separates tags). "
        "Case, spacing and full-width letters do not make a new tag."
    ) in page
    (select,) = re.findall(r'<select name="tags"[^>]*>', page)
    assert " required" not in select and "multiple" in select


@pytest.mark.django_db
def test_the_story_form_names_each_tag_too_long_for_the_tag_list(client):
    editor = newsroom_user("chen.editor", "Editor")
    long_name = "Ferry " + "x" * 95

    response = signed_in(client, editor).post(
        reverse("admin:articles_article_add"), story_data(tags=f"Harbour, {long_name}")
    )

    assert response.status_code == 200, form_errors(response)
    errors = response.context["adminform"].form.errors.as_data()["tags"]
    message = f"The tag “{long_name[:39]}…” is 101 characters long; a tag can have at most 100 characters."
    assert [(str(error.message), error.code) for error in errors] == [(message, "tag_too_long")]
