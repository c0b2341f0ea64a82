import pytest
from django.contrib.auth.models import Permission, User
from django.contrib import admin, messages
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import validators
from articles.models import Article, Photo
from articles.tests.factories import image_upload, make_article, make_photo
from articles.tests.newsroom import newsroom_user, serve_admin_urls_built_now, signed_in
from regions.models import Region

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")


def story_form(**overrides):
    """The admin add form as a browser posts it, with one or more photo inline rows."""
    laoshan, jimo = Region.objects.get(slug="laoshan"), Region.objects.get(slug="jimo")
    data = {
        "headline": "Laoshan tea pickers start the spring harvest",
        "slug": "",
        "summary": "Early warmth brings the first leaves a week ahead of schedule.",
        "body": "First paragraph.\r\n\r\nSecond paragraph.\r\n\r\nThird paragraph.",
        "byline": "By Zhang Yi",
        "source": "chinadaily.com.cn",
        "regions": [laoshan.pk, jimo.pk],
        "tags": "Tea, Farming, Spring",
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "1000",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def add_photo_rows(data, *files):
    for index, upload in enumerate(files):
        data.update(
            {
                f"photos-{index}-image": upload,
                f"photos-{index}-caption": f"Caption {index}",
                f"photos-{index}-credit": f"Photo by Wang Lei {index}",
                f"photos-{index}-alt_text": f"Alt text {index}",
                f"photos-{index}-position": str(index),
            }
        )
    data["photos-TOTAL_FORMS"] = str(len(files))
    return data


def test_journalist_adds_a_story_with_two_photos_and_three_tags(admin_client, admin_user):
    data = add_photo_rows(story_form(), image_upload("one.jpg"), image_upload("two.png", fmt="PNG"))

    response = admin_client.post(ADD_URL, data, follow=True)

    assert response.status_code == 200
    article = Article.objects.get()
    link = f'<a href="{article.get_absolute_url()}">view on site</a>'
    assert f"is published — {link}" in response.content.decode()
    assert article.slug == "laoshan-tea-pickers-start-the-spring-harvest"
    assert article.author == admin_user
    assert article.is_published
    assert sorted(article.tags.names()) == ["Farming", "Spring", "Tea"]
    assert sorted(article.regions.values_list("slug", flat=True)) == ["jimo", "laoshan"]
    assert article.body_html.count("<p>") == 3
    photos = list(article.photos.all())
    assert [(p.caption, p.image_width, p.image_height) for p in photos] == [
        ("Caption 0", 640, 427),
        ("Caption 1", 640, 427),
    ]
    assert photos[0].image.storage.exists(photos[0].image.name)

    for url in [
        Region.objects.get(slug="laoshan").get_absolute_url(),
        reverse("articles:tag-detail", kwargs={"slug": "tea"}),
        article.get_absolute_url(),
    ]:
        assert article.headline in admin_client.get(url).content.decode()


def test_a_rejected_upload_keeps_everything_else_typed(admin_client):
    not_an_image = SimpleUploadedFile("not-a-photo.jpg", b"just some text, not a JPEG", content_type="image/jpeg")
    data = add_photo_rows(story_form(), not_an_image)

    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "“not-a-photo.jpg” is not a readable image" in page
    assert 'value="Laoshan tea pickers start the spring harvest"' in page
    assert "Second paragraph." in page
    assert "Tea, Farming, Spring" in page or 'value="Farming, Spring, Tea"' in page
    assert "Early warmth brings the first leaves" in page
    assert Article.objects.count() == 0
    assert Photo.objects.count() == 0


def test_an_oversized_upload_is_refused_with_a_clear_message(admin_client, monkeypatch):
    big = image_upload("big.png", width=2000, height=2000, fmt="PNG")
    monkeypatch.setattr(validators, "MAX_PHOTO_BYTES", big.size - 1)
    response = admin_client.post(ADD_URL, add_photo_rows(story_form(), big))
    assert "the largest accepted is" in response.content.decode()
    assert Article.objects.count() == 0


def test_a_photo_without_alt_text_is_refused(admin_client):
    data = add_photo_rows(story_form(), image_upload())
    data["photos-0-alt_text"] = ""
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Article.objects.count() == 0


def test_editing_keeps_the_original_author(client, admin_user):
    article = make_article(author=admin_user)
    other = User.objects.create_superuser("second", password="pw")
    client.force_login(other)
    data = story_form(headline="Edited", slug=article.slug, opened_version=article.version)
    data.update({"published_at_0": "2025-05-26", "published_at_1": "09:00:00"})
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Edited"
    assert article.author == admin_user


def test_changelist_shows_thumbnails_regions_and_tags_in_fixed_queries(admin_client):
    laoshan = Region.objects.get(slug="laoshan")

    def add_stories(count):
        for _ in range(count):
            article = make_article(regions=[laoshan], tags=["tea", "spring"])
            make_photo(article)

    url = reverse("admin:articles_article_changelist")
    add_stories(3)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    add_stories(30)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)
    assert len(few) == len(many)
    page = response.content.decode()
    assert 'class="newsroom-thumb"' in page
    assert "Laoshan" in page and "spring, tea" in page


def test_publish_action_publishes_drafts(admin_client):
    draft = make_article(published=False, published_at=None, city_wide=True)
    response = admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "Published 1 story." in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_published


def test_unpublish_action_hides_a_story(admin_client, client):
    story = make_article()
    admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish", "_selected_action": [story.pk]},
    )
    assert client.get(story.get_absolute_url()).status_code == 404


def test_admin_search_and_filters_work(admin_client):
    make_article(headline="Findable tea story", regions=[Region.objects.get(slug="laoshan")])
    changelist = reverse("admin:articles_article_changelist")
    assert "Findable tea story" in admin_client.get(changelist, {"q": "findable"}).content.decode()
    laoshan = Region.objects.get(slug="laoshan")
    response = admin_client.get(changelist, {"regions__id__exact": laoshan.pk, "status__exact": "published"})
    assert "Findable tea story" in response.content.decode()


def test_region_filter_offers_city_wide_stories(admin_client):
    make_article(headline="A city-wide story")
    make_article(headline="A Jimo story", regions=[Region.objects.get(slug="jimo")])
    changelist = reverse("admin:articles_article_changelist")
    assert "City-wide" in admin_client.get(changelist).content.decode()
    page = admin_client.get(changelist, {"regions__isnull": "True"}).content.decode()
    assert "A city-wide story" in page
    assert "A Jimo story" not in page


def test_story_form_offers_no_shortcut_to_add_a_region(admin_client):
    page = admin_client.get(ADD_URL).content.decode()
    assert 'id="add_id_regions"' not in page
    assert 'name="regions"' in page


def test_a_user_who_may_only_view_stories_can_open_one(client):
    """Every field is read-only for them, so the story form has no regions field to adjust."""
    article = make_article(regions=[Region.objects.get(slug="laoshan")])
    make_photo(article)
    reader = User.objects.create_user("desk-reader", password="pw", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(reader)

    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert article.headline in page
    assert "Laoshan" in page
    assert 'name="headline"' not in page


def test_editors_still_get_no_shortcut_to_add_a_region_when_editing(admin_client):
    article = make_article()
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert 'name="regions"' in page
    assert 'id="add_id_regions"' not in page and 'id="change_id_regions"' not in page


def tag_name_limit():
    return Article.tags.through.tag_model()._meta.get_field("name").max_length


def test_a_tag_longer_than_the_limit_is_refused_with_a_clear_message(admin_client):
    too_long = "港" * (tag_name_limit() + 1)
    data = story_form(tags=f"Tea, {too_long}")

    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["tags"]
    assert too_long[:20] in message
    assert f"at most {tag_name_limit()} characters" in message
    assert 'value="Laoshan tea pickers start the spring harvest"' in response.content.decode()
    assert Article.objects.count() == 0


def test_a_tag_of_exactly_the_limit_is_saved(admin_client):
    longest = "t" * tag_name_limit()
    response = admin_client.post(ADD_URL, story_form(tags=f"Tea, {longest}"))
    assert response.status_code == 302
    assert sorted(Article.objects.get().tags.names()) == ["Tea", longest]


def test_the_preview_link_and_pending_pages_answer_at_their_addresses(client, settings):
    """A story's preview-link page and its pending-change decisions live under /admin/articles/article/<id>/."""
    serve_admin_urls_built_now(settings)
    signed_in(client, newsroom_user("chen.editor", "Editor"))
    story = make_article(published=False, published_at=None)
    preview = f"/admin/articles/article/{story.pk}/preview-link/"
    discard = f"/admin/articles/article/{story.pk}/pending/discard/"
    assert reverse("admin:articles_article_preview_link", args=[story.pk]) == preview
    assert reverse("admin:articles_article_pending", args=[story.pk, "discard"]) == discard

    assert "<h1>Private preview link</h1>" in client.get(preview).content.decode()
    response = client.post(discard)
    assert response["Location"] == f"/admin/articles/article/{story.pk}/change/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["This story has no pending changes."]


def test_the_story_forms_keep_the_admins_own_links_and_titles(admin_client):
    """The story admin adds its own buttons to the change form; Django's own stay as they were."""
    story = make_article(headline="Metro line 6 opens", slug="metro-line-6-opens")
    filters = "_changelist_filters=status%3Dpublished"

    form = admin_client.get(reverse("admin:articles_article_change", args=[story.pk]) + "?" + filters)
    page = form.content.decode()

    assert 'class="historylink"' in page and 'class="deletelink"' in page
    assert form.context["absolute_url"] and 'class="viewsitelink"' in page
    assert f'action="?{filters}"' in page  # back to the filtered list after saving
    added = admin_client.get(ADD_URL).content.decode()
    assert "&rsaquo; Add story" in added and 'class="deletelink"' not in added


def test_the_story_list_shows_the_lead_photos_400_pixel_rendition_and_a_dash_for_a_story_without(admin_client):
    story = make_article(headline="With photo")
    # 401 pixels wide: renditions of 400 and 401; the thumbnail is the 400.
    photo = make_photo(story, image=image_upload("narrow.jpg", width=401, height=300), alt_text='Tea "pickers"')
    make_article(headline="Without photo")
    [small] = [size["jpeg"] for size in photo.renditions["sizes"] if size["width"] == 400]

    page = admin_client.get(reverse("admin:articles_article_changelist")).content.decode()
    form = admin_client.get(reverse("admin:articles_article_change", args=[story.pk])).content.decode()

    thumbnail = '<img class="newsroom-thumb" src="{}" alt="Tea &quot;pickers&quot;" height="{}" loading="lazy">'
    assert f'<td class="field-thumbnail">{thumbnail.format(photo.image.storage.url(small), 40)}</td>' in page
    assert '<td class="field-thumbnail">—</td>' in page
    assert thumbnail.format(photo.image.storage.url(small), 120) in form  # the photo row's preview


def test_story_admin_messages_other_than_a_saved_story_keep_djangos_tags_and_options(rf):
    """The story admin rewords only the message after a save; actions' messages pass through whole."""
    story_admin = admin.site.get_model_admin(Article)
    request = rf.get("/admin/articles/article/")
    request._messages = CookieStorage(request)

    story_admin.message_user(request, "Tagged 3 stories.", messages.SUCCESS, "tagging")
    story_admin.message_user(request, "Nothing to do.", messages.WARNING, extra_tags="idle")

    assert [(message.message, message.tags) for message in request._messages] == [
        ("Tagged 3 stories.", "tagging success"),
        ("Nothing to do.", "idle warning"),
    ]


def test_the_photo_upload_says_which_files_it_takes(admin_client):
    page = admin_client.get(ADD_URL).content.decode()

    assert "A JPEG, PNG, GIF or WebP image of at most 10 MB and 40 megapixels." in page
