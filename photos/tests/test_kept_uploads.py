"""A form error must not make the journalist choose their photos again."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from articles.models import Article, Photo
from articles.tests.factories import image_upload, make_article, make_photo
from articles.tests.test_admin import ADD_URL, add_photo_rows, story_form
from photos.forms import KeptFileInput, KeptPhotoFileField
from photos.tests import files

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    root = tmp_path / "kept"
    settings.STORAGES = {
        **settings.STORAGES,
        "kept_uploads": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    return root


def kept_tokens(page):
    return dict(re.findall(r'<input type="hidden" name="(photos-\d+-image-kept)" value="([^"]+)">', page))


def resubmission(data, tokens, **changes):
    """The form as the browser sends it again: the same fields, no files, the kept tokens."""
    again = {key: value for key, value in data.items() if not key.endswith("-image")}
    again.update(tokens)
    again.update(changes)
    return again


def test_a_missing_summary_does_not_cost_the_two_photos_already_chosen(admin_client, kept_root):
    data = add_photo_rows(
        story_form(headline=""), image_upload("harbour.jpg"), files.upload("chart.png", files.png_with_alpha())
    )

    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Kept from your last try: <strong>harbour.jpg</strong>" in page
    assert "Kept from your last try: <strong>chart.png</strong>" in page
    tokens = kept_tokens(page)
    assert set(tokens) == {"photos-0-image-kept", "photos-1-image-kept"}
    assert 'id="id_photos-0-image"' in page and 'id="id_photos-1-image"' in page
    assert "Currently:" not in page
    assert len(list(kept_root.iterdir())) == 2
    # Kept outside the media folder: nothing a reader could fetch.
    assert not any(path.is_file() for path in (kept_root.parent / "media").rglob("*"))

    response = admin_client.post(ADD_URL, resubmission(data, tokens, headline="Harbour story"))

    assert response.status_code == 302
    article = Article.objects.get()
    assert [photo.original_name for photo in article.photos.all()] == ["harbour.jpg", "chart.png"]
    assert all(photo.renditions["sizes"] for photo in article.photos.all())


def test_a_kept_file_gets_a_random_name_with_its_checked_formats_extension(admin_client, kept_root):
    """The journalist's file name stays in the signed token only; on disk, 32 hex digits and .jpg for .JPEG."""
    data = add_photo_rows(story_form(headline=""), image_upload("Harbour at dawn.JPEG"))

    page = admin_client.post(ADD_URL, data).content.decode()

    assert "Kept from your last try: <strong>Harbour at dawn.JPEG</strong>" in page
    [kept] = kept_root.iterdir()
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", kept.name)


def test_a_kept_file_is_offered_for_a_day(admin_client, kept_root):
    shown_at = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    data = add_photo_rows(story_form(headline=""), image_upload("harbour.jpg"))
    with time_machine.travel(shown_at, tick=False):
        tokens = kept_tokens(admin_client.post(ADD_URL, data).content.decode())
    again = resubmission(data, tokens, headline="Harbour story")

    with time_machine.travel(shown_at + timedelta(days=1, seconds=1), tick=False):
        response = admin_client.post(ADD_URL, again)
    assert response.context["inline_admin_formsets"][0].formset.errors[0]["image"] == ["This field is required."]

    with time_machine.travel(shown_at + timedelta(days=1), tick=False):
        assert admin_client.post(ADD_URL, again).status_code == 302
    assert Photo.objects.get().original_name == "harbour.jpg"


def test_a_story_shown_again_with_an_error_still_shows_its_saved_photo(admin_client, kept_root):
    article = make_article()
    photo = make_photo(article)
    data = story_form(headline="", slug=article.slug, opened_version=article.version)
    data.update(
        {
            "photos-TOTAL_FORMS": "1",
            "photos-INITIAL_FORMS": "1",
            "photos-0-id": str(photo.pk),
            "photos-0-article": str(article.pk),
            "photos-0-caption": photo.caption,
            "photos-0-credit": photo.credit,
            "photos-0-alt_text": photo.alt_text,
            "photos-0-position": "0",
        }
    )

    response = admin_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    assert response.status_code == 200
    assert f'Currently: <a href="{photo.image.url}">{photo.image.name}</a>' in response.content.decode()
    assert kept_tokens(response.content.decode()) == {}


def test_a_second_error_still_offers_the_file_kept_at_the_first(admin_client, kept_root):
    data = add_photo_rows(story_form(headline=""), image_upload("harbour.jpg"))
    tokens = kept_tokens(admin_client.post(ADD_URL, data).content.decode())

    page = admin_client.post(ADD_URL, resubmission(data, tokens)).content.decode()

    assert "Kept from your last try: <strong>harbour.jpg</strong>" in page
    assert kept_tokens(page).keys() == tokens.keys()
    assert len(list(kept_root.iterdir())) == 1
    response = admin_client.post(ADD_URL, resubmission(data, kept_tokens(page), headline="Harbour story"))
    assert response.status_code == 302
    assert Photo.objects.get().original_name == "harbour.jpg"


def test_a_checked_upload_shown_twice_is_kept_once(kept_root):
    upload = KeptPhotoFileField().clean(image_upload("harbour.jpg"))
    widget = KeptFileInput()

    first = widget.get_context("photos-0-image", upload, {})["widget"]["kept"]
    second = widget.get_context("photos-0-image", upload, {})["widget"]["kept"]

    assert second.kept_name == first.kept_name
    assert len(list(kept_root.iterdir())) == 1


def test_kept_files_are_deleted_once_the_story_is_saved(admin_client, kept_root, django_capture_on_commit_callbacks):
    data = add_photo_rows(story_form(headline=""), image_upload("harbour.jpg"))
    tokens = kept_tokens(admin_client.post(ADD_URL, data).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(ADD_URL, resubmission(data, tokens, headline="Harbour story"))
    assert Photo.objects.count() == 1
    assert list(kept_root.iterdir()) == []


def test_a_refused_photo_is_not_kept_but_the_good_one_beside_it_is(admin_client, kept_root):
    data = add_photo_rows(story_form(), image_upload("fine.jpg"), files.upload("notes.jpg", b"not a photo"))

    page = admin_client.post(ADD_URL, data).content.decode()

    assert set(kept_tokens(page)) == {"photos-0-image-kept"}
    assert "“notes.jpg” is not a readable image" in page
    assert len(list(kept_root.iterdir())) == 1


def test_a_new_file_replaces_the_kept_one(admin_client, kept_root):
    data = add_photo_rows(story_form(headline=""), image_upload("first.jpg"))
    tokens = kept_tokens(admin_client.post(ADD_URL, data).content.decode())
    again = resubmission(data, tokens, headline="Harbour story")
    again["photos-0-image"] = image_upload("second.jpg")
    assert admin_client.post(ADD_URL, again).status_code == 302
    assert Photo.objects.get().original_name == "second.jpg"


def test_a_forged_token_names_no_file(admin_client, kept_root, tmp_path):
    secret = tmp_path / "elsewhere.jpg"
    secret.write_bytes(files.phone_jpeg(40, 40))
    forged = {"photos-0-image-kept": "../elsewhere.jpg"}
    unsigned_by_us = signing.dumps({"kept": "../elsewhere.jpg", "name": "x.jpg"}, salt="another-salt")
    for token in (forged["photos-0-image-kept"], unsigned_by_us):
        data = add_photo_rows(story_form(), image_upload("x.jpg"))
        del data["photos-0-image"]
        data["photos-0-image-kept"] = token
        response = admin_client.post(ADD_URL, data)
        assert response.status_code == 200
        assert response.context["inline_admin_formsets"][0].formset.errors[0]["image"] == ["This field is required."]
    assert Photo.objects.count() == 0


def test_a_kept_file_counts_as_sent_so_a_model_default_never_replaces_it():
    """Django keeps a model field's default only when the widget says the field was left out of the form."""
    widget = KeptFileInput()
    upload = files.upload("a.png", files.one_pixel_png())
    assert widget.value_omitted_from_data({}, {}, "photos-0-image")
    assert not widget.value_omitted_from_data({}, {"photos-0-image": upload}, "photos-0-image")
    assert not widget.value_omitted_from_data({"photos-0-image-kept": "token"}, {}, "photos-0-image")
    assert not widget.value_omitted_from_data({"photos-0-image-clear": "on"}, {}, "photos-0-image")


def test_the_widget_keeps_only_a_file_the_photo_field_checked(kept_root):
    """Kept files are trusted as checked when they come back, so a file the check never passed is not kept."""
    unchecked = files.upload("notes.jpg", b"not a photo")

    context = KeptFileInput().get_context("photos-0-image", unchecked, {})

    assert context["widget"]["kept"] is None
    assert not kept_root.exists()
