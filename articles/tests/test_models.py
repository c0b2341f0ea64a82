from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from articles.models import Article, Correction, Photo, Tag
from articles.richtext import text_to_html
from articles.tests.factories import make_article, make_photo
from regions.models import Region

pytestmark = pytest.mark.django_db


def test_published_and_scheduled_manager_matrix():
    """
    Only a story marked published whose publication time has come is visible; one marked
    published whose time is to come is scheduled, a draft with a future time is not.
    """
    past = timezone.now() - timedelta(hours=1)
    future = timezone.now() + timedelta(hours=1)
    visible = Article.objects.create(headline="past published", body="x", status="published", published_at=past)
    coming = Article.objects.create(headline="future published", body="x", status="published", published_at=future)
    Article.objects.create(headline="past draft", body="x", status="draft", published_at=past)
    Article.objects.create(headline="future draft", body="x", status="draft", published_at=future)
    Article.objects.create(headline="undated draft", body="x", status="draft")
    assert list(Article.objects.published()) == [visible]
    assert list(Article.objects.scheduled()) == [coming]


def test_publishing_without_a_time_sets_it_to_now():
    before = timezone.now()
    article = Article.objects.create(headline="h", body="b", status=Article.Status.PUBLISHED)
    assert before <= article.published_at <= timezone.now()
    assert article.is_published


def test_a_draft_keeps_an_empty_publication_time():
    article = Article.objects.create(headline="h", body="b")
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
    assert not article.is_published


def test_body_html_is_rendered_at_save_as_escaped_paragraphs():
    article = make_article(body="First <b>bold</b> line\nsame paragraph\n\n\nSecond & last <script>alert(1)</script>")
    assert article.body_html == (
        "<p>First &lt;b&gt;bold&lt;/b&gt; line<br>same paragraph</p>"
        "<p>Second &amp; last &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )


def test_body_html_follows_body_on_save_with_update_fields():
    article = make_article(body="Old")
    article.body = "New"
    article.save(update_fields=["body"])
    article.refresh_from_db()
    assert article.body_html == "<p>New</p>"


def test_publishing_with_update_fields_saves_the_automatic_publication_time():
    article = make_article(published=False, published_at=None)
    article.status = Article.Status.PUBLISHED
    article.save(update_fields=["status"])
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at is not None
    assert article.is_published


def test_a_slug_made_at_a_save_with_update_fields_is_saved():
    Article.objects.bulk_create([Article(headline="Laixi farm hub opens", body="b", slug="")])
    article = Article.objects.get(headline="Laixi farm hub opens")
    article.summary = "New summary."
    article.save(update_fields=["summary"])
    article.refresh_from_db()
    assert (article.slug, article.summary) == ("laixi-farm-hub-opens", "New summary.")


def test_text_to_html_handles_windows_line_endings():
    assert text_to_html("One\r\n\r\nTwo\r\nthree\r\n") == "<p>One</p><p>Two<br>three</p>"


def test_lead_photo_is_the_lowest_position():
    article = make_article()
    second = make_photo(article, position=2)
    first = make_photo(article, position=1)
    assert article.lead_photo == first
    assert article.further_photos == [second]


def test_photo_records_image_dimensions():
    photo = make_photo(make_article())
    assert (photo.image_width, photo.image_height) == (640, 427)


def test_latest_by_region_returns_the_newest_few_per_region():
    laixi = Region.objects.get(slug="laixi")
    jimo = Region.objects.get(slug="jimo")
    laixi_stories = [make_article(regions=[laixi], days_ago=d) for d in (5, 1, 3, 2)]
    both = make_article(regions=[laixi, jimo], days_ago=4)
    make_article(regions=[jimo], published=False, days_ago=0)
    make_article(regions=[jimo], days_ago=-1)  # scheduled for tomorrow

    by_region = Article.objects.published().latest_by_region(per_region=3)

    assert by_region[laixi.pk] == [laixi_stories[1], laixi_stories[3], laixi_stories[2]]
    assert by_region[jimo.pk] == [both]
    assert set(by_region) == {laixi.pk, jimo.pk}


def test_latest_by_region_skips_a_story_deleted_between_its_two_queries():
    """A story deleted after the ranking query and before the story query is left out, not a KeyError."""
    laixi = Region.objects.get(slug="laixi")
    jimo = Region.objects.get(slug="jimo")
    gone = make_article(regions=[laixi, jimo], days_ago=1)
    kept = make_article(regions=[laixi], days_ago=2)
    seen = {"ranking": False, "deleted": False}

    def delete_after_the_ranking(execute, sql, params, many, context):
        if seen["ranking"] and not seen["deleted"]:
            seen["deleted"] = True
            Article.objects.filter(pk=gone.pk).delete()
        seen["ranking"] = seen["ranking"] or "story_0" in sql
        return execute(sql, params, many, context)

    with connection.execute_wrapper(delete_after_the_ranking):
        by_region = Article.objects.published().latest_by_region(per_region=3)

    assert seen["deleted"]
    assert by_region == {laixi.pk: [kept]}


def test_listing_rows_leave_the_body_behind(django_assert_num_queries):
    make_article(body="A long body")
    with django_assert_num_queries(1):  # regions and lead photo are in the card data
        story = Article.objects.published().for_listing()[0]
    assert story.get_deferred_fields() == {"body", "body_html"}


def test_latest_by_region_shows_a_region_whose_stories_are_all_old():
    """A region whose newest story is older than thousands of others' still shows its newest three."""
    laixi = Region.objects.get(slug="laixi")
    jimo = Region.objects.get(slug="jimo")
    old = [make_article(regions=[laixi], days_ago=d) for d in (900, 700, 800, 1000)]
    recent = [make_article(regions=[jimo], days_ago=d) for d in range(1, 40)]

    by_region = Article.objects.published().latest_by_region(per_region=3)

    assert by_region[laixi.pk] == [old[1], old[2], old[0]]
    assert by_region[jimo.pk] == recent[:3]


def test_a_tag_whose_name_is_only_spaces_is_refused_on_its_name():
    tag = Tag(name=" \u3000 ")  # an ordinary and a full-width space
    with pytest.raises(ValidationError) as refused:
        tag.full_clean()
    assert refused.value.message_dict == {"name": ["A tag needs a name."]}


def test_taggits_slug_maker_makes_the_ascii_slugs_saved_tags_get():
    """Tag.slugify, for any taggit code that calls it: pinyin, "tag" when nothing is spelled, -N after."""
    tag = Tag()
    assert tag.slugify("青岛 啤酒") == "qing-dao-pi-jiu"
    assert tag.slugify("青岛 啤酒", 2) == "qing-dao-pi-jiu-2"
    assert tag.slugify("!!!") == "tag"
    # 8 characters of the column are left for the "-N" of a taken slug.
    long_slug = tag.slugify("harbour " * 30)
    assert len(long_slug) == Tag._meta.get_field("slug").max_length - 8
    assert long_slug.startswith("harbour-harbour-")


def test_a_correction_is_named_by_its_local_date_and_the_start_of_its_text():
    correction = Correction(
        article=make_article(),
        text="An earlier version of this story gave the wrong opening date for the new ferry terminal.",
        created_at=datetime(2026, 3, 4, 20, 30, tzinfo=UTC),  # 5 March in Qingdao
    )
    assert str(correction) == (
        "Correction, 05 March 2026: An earlier version of this story gave the wrong opening date"
    )


def test_a_photo_is_named_by_its_caption_cut_to_sixty_characters_else_its_file_names():
    caption = "Pickers on a terraced slope above the sea at Laoshan, early in the morning"
    photo = make_photo(make_article(), caption=caption)
    assert str(photo) == caption[:60] and len(str(photo)) == 60
    photo.caption, photo.original_name = "", "tea.jpg"
    assert str(photo) == "tea.jpg"
    photo.original_name = ""
    assert str(photo) == photo.image.name and photo.image.name.startswith("photos/")


def test_stories_published_at_the_same_moment_are_listed_last_added_first():
    """Ties on the publication time go to the newest id, on every list and whatever the database's plan."""
    laixi = Region.objects.get(slug="laixi")
    moment = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    stories = [make_article(regions=[laixi], published_at=moment) for _ in range(5)]
    last_added_first = stories[::-1]

    assert Article.objects.published().latest_by_region(per_region=3)[laixi.pk] == last_added_first[:3]
    assert list(Article.objects.published().lead_then_latest(4)) == last_added_first[:4]


def test_a_photo_row_without_an_image_names_no_files():
    assert Photo(caption="Lost in a failed upload").file_names() == []
