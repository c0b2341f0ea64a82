"""A form error must not make the journalist choose their photos again."""

import re

import pytest
from django.core import signing

from articles.models import Article, Photo
from articles.tests.factories import image_upload
from articles.tests.test_admin import ADD_URL, add_photo_rows, story_form
from photos.forms import KeptFileInput
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
    assert len(list(kept_root.iterdir())) == 2
    # Kept outside the media folder: nothing a reader could fetch.
    assert not any(path.is_file() for path in (kept_root.parent / "media").rglob("*"))

    response = admin_client.post(ADD_URL, resubmission(data, tokens, headline="Harbour story"))

    assert response.status_code == 302
    article = Article.objects.get()
    assert [photo.original_name for photo in article.photos.all()] == ["harbour.jpg", "chart.png"]
    assert all(photo.renditions["sizes"] for photo in article.photos.all())


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
