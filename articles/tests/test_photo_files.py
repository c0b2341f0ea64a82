"""Photo files: what an upload or an imported photo must be, where it is stored, and when its file goes."""

import io
import random
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image

from articles.importer import photo_file_problem
from articles.models import Article, Photo
from articles.tests.factories import files_of_photos, image_bytes, image_upload, make_article, make_photo
from articles.tests.test_admin import ADD_URL, add_photo_rows, story_form
from articles.validators import MAX_PHOTO_PIXELS

pytestmark = pytest.mark.django_db

STORED_NAME = re.compile(r"^photos/\d{4}/\d{2}/[0-9a-f]{32}\.(jpg|png|gif|webp)$")

# The 90-byte file from the security review: Pillow 12.0.0 loops forever on it.
ENDLESS_EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n%%EndComments\n\n%%BeginBinary: -19\n"
)
SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)


@pytest.fixture
def media_root(settings, tmp_path):
    """Each test gets its own media folder, so files on disk can be counted."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def media_files(media_root):
    return sorted(path for path in Path(media_root).rglob("*") if path.is_file())


def one_bit_png(width, height):
    """A valid black one-bit PNG, built by hand so a 13000 x 13000 one costs ~20 KB and no memory."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes((width + 7) // 8)  # filter byte, then the packed pixels
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def noisy_jpeg():
    """A JPEG with enough scan data that cutting it short leaves a valid header and a broken image."""
    noise = random.Random(19).randbytes(400 * 300 * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (400, 300), noise).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def tiff_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 30, 30)).save(buffer, format="TIFF")
    return buffer.getvalue()


def animated_gif_bytes():
    buffer = io.BytesIO()
    frames = [Image.new("P", (40, 30), color) for color in (1, 2, 3)]
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


REFUSED_UPLOADS = {
    "eps-named-jpg": ("photo.jpg", lambda: ENDLESS_EPS, "not a JPEG, PNG, GIF or WebP file"),
    "tiff-named-jpg": ("scan.jpg", tiff_bytes, "not a JPEG, PNG, GIF or WebP file"),
    "huge-one-bit-png": ("map.png", lambda: one_bit_png(13000, 13000), "photos can have at most"),
    "truncated-jpeg": ("cut-short.jpg", lambda: noisy_jpeg()[:20000], "damaged or incomplete"),
    "text-named-jpg": ("notes.jpg", lambda: b"just some text, not a JPEG", "not a JPEG, PNG, GIF or WebP file"),
    "svg": ("drawing.svg", lambda: SVG_WITH_SCRIPT, "“.svg” files are not accepted"),
    "svg-named-png": ("drawing.png", lambda: SVG_WITH_SCRIPT, "not a JPEG, PNG, GIF or WebP file"),
    "zero-bytes": ("empty.jpg", lambda: b"", "is empty"),
    "png-named-jpg": ("chart.jpg", lambda: image_bytes(fmt="PNG"), "is a PNG image, but its name ends in .jpg"),
}


@pytest.mark.parametrize("name, content, reason", REFUSED_UPLOADS.values(), ids=REFUSED_UPLOADS.keys())
def test_a_bad_photo_is_refused_on_its_row_and_nothing_is_saved(admin_client, media_root, name, content, reason):
    upload = SimpleUploadedFile(name, content(), content_type="image/jpeg")
    data = add_photo_rows(story_form(), image_upload("fine.jpg"), upload)

    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 200
    photo_rows = response.context["inline_admin_formsets"][0].formset
    assert photo_rows.errors[0] == {}
    [message] = photo_rows.errors[1]["image"]
    assert name in message and reason in message
    page = response.content.decode()
    assert 'value="Laoshan tea pickers start the spring harvest"' in page
    assert "Second paragraph." in page
    assert Article.objects.count() == 0
    assert Photo.objects.count() == 0
    assert media_files(media_root) == []


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_an_image_over_the_pixel_limit_is_refused_even_below_pillows_own_bomb_limit(admin_client, media_root):
    """Pillow only raises at twice Image.MAX_IMAGE_PIXELS; the site's limit is the one set here."""
    side = int(MAX_PHOTO_PIXELS**0.5) + 8
    upload = SimpleUploadedFile("wide.png", one_bit_png(side, side), content_type="image/png")
    response = admin_client.post(ADD_URL, add_photo_rows(story_form(), upload))
    [message] = response.context["inline_admin_formsets"][0].formset.errors[0]["image"]
    assert f"{side} × {side} pixels" in message
    assert f"photos can have at most {MAX_PHOTO_PIXELS // 1_000_000} megapixels" in message
    assert Article.objects.count() == 0


def test_pillow_refuses_bombs_everywhere_not_only_in_the_upload_check():
    assert Image.MAX_IMAGE_PIXELS == MAX_PHOTO_PIXELS


ACCEPTED_UPLOADS = {
    "jpeg": ("harbour.JPG", lambda: image_bytes(fmt="JPEG"), "jpg"),
    "jpeg-long-extension": ("harbour.jpeg", lambda: image_bytes(fmt="JPEG"), "jpg"),
    "png": ("chart.png", lambda: image_bytes(fmt="PNG"), "png"),
    "webp": ("beach.webp", lambda: image_bytes(fmt="WEBP"), "webp"),
    "animated-gif": ("lanterns.gif", animated_gif_bytes, "gif"),
}


@pytest.mark.parametrize("name, content, extension", ACCEPTED_UPLOADS.values(), ids=ACCEPTED_UPLOADS.keys())
def test_good_photos_are_stored_under_a_name_the_site_makes(admin_client, media_root, name, content, extension):
    upload = SimpleUploadedFile(name, content(), content_type="image/jpeg")
    response = admin_client.post(ADD_URL, add_photo_rows(story_form(), upload))
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert STORED_NAME.match(photo.image.name)
    assert photo.image.name.endswith("." + extension)
    assert photo.original_name == name
    assert media_files(media_root) == files_of_photos(media_root, [photo])


def test_a_256_byte_file_name_saves_the_story(admin_client, media_root):
    name = "𝐩" * 63 + ".jpg"
    assert len(name.encode()) == 256
    response = admin_client.post(ADD_URL, add_photo_rows(story_form(), image_upload(name)))
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert STORED_NAME.match(photo.image.name)
    assert photo.original_name == name


def test_a_name_longer_than_the_stored_names_limit_is_accepted(admin_client, media_root):
    name = "Laoshan spring tea harvest " * 8 + ".jpg"
    response = admin_client.post(ADD_URL, add_photo_rows(story_form(), image_upload(name)))
    assert response.status_code == 302
    assert Photo.objects.get().original_name == name


def test_stored_names_are_random_and_ignore_the_uploaded_path(media_root):
    article = make_article()
    first = make_photo(article, image=image_upload("../../etc/same.jpg"))
    second = make_photo(article, image=image_upload("same.jpg"))
    assert STORED_NAME.match(first.image.name) and STORED_NAME.match(second.image.name)
    assert first.image.name != second.image.name
    assert first.original_name == second.original_name == "same.jpg"


def test_a_very_long_original_name_is_shortened_keeping_its_extension(media_root):
    photo = make_photo(make_article(), image=ContentFile(image_bytes(), name="x" * 400 + ".jpeg"))
    max_length = Photo._meta.get_field("original_name").max_length
    assert len(photo.original_name) == max_length
    assert photo.original_name.endswith("x.jpeg")


def test_the_admin_shows_the_uploaded_name(admin_client, media_root):
    photo = make_photo(make_article(), image=image_upload("Laoshan tea 03.jpg"))
    page = admin_client.get(reverse("admin:articles_article_change", args=[photo.article.pk])).content.decode()
    assert "Laoshan tea 03.jpg" in page


# --- Removing files -----------------------------------------------------------


def test_deleting_a_photo_removes_its_file_once_the_deletion_commits(media_root, django_capture_on_commit_callbacks):
    photo = make_photo(make_article())
    path = Path(media_root) / photo.image.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        photo.delete()
    assert path.exists()  # not before the commit
    for callback in callbacks:
        callback()
    assert not path.exists()


def test_a_rolled_back_deletion_keeps_the_file(media_root, django_capture_on_commit_callbacks):
    photo = make_photo(make_article())
    photo_id = photo.pk
    path = Path(media_root) / photo.image.name
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            photo.delete()
            raise RuntimeError("the rest of the request failed")
    assert Photo.objects.filter(pk=photo_id).exists()
    assert path.exists()


def test_deleting_a_story_removes_its_photo_files(media_root, django_capture_on_commit_callbacks):
    article = make_article()
    make_photo(article, position=0)
    make_photo(article, position=1)
    assert media_files(media_root) == files_of_photos(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert media_files(media_root) == []


def test_replacing_a_photos_image_in_the_admin_removes_the_old_file(
    admin_client, media_root, django_capture_on_commit_callbacks
):
    article = make_article(headline="Photo swap", slug="photo-swap")
    photo = make_photo(article)
    old_path = Path(media_root) / photo.image.name
    data = story_form(headline="Photo swap", slug="photo-swap", opened_version=article.version)
    data.update({"published_at_0": "2025-05-26", "published_at_1": "09:00:00"})
    add_photo_rows(data, image_upload("better.jpg", color=(200, 10, 10)))
    data.update({"photos-INITIAL_FORMS": "1", "photos-0-id": str(photo.pk), "photos-0-article": str(article.pk)})

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.original_name == "better.jpg"
    assert not old_path.exists()
    assert media_files(media_root) == files_of_photos(media_root, [photo])


def test_saving_a_photo_without_a_new_image_keeps_its_file(media_root, django_capture_on_commit_callbacks):
    photo = make_photo(make_article())
    with django_capture_on_commit_callbacks(execute=True):
        photo.caption = "A better caption."
        photo.save()
    assert (Path(media_root) / photo.image.name).exists()


# --- The importer uses the same check -------------------------------------------


@pytest.mark.parametrize("name, content, reason", REFUSED_UPLOADS.values(), ids=REFUSED_UPLOADS.keys())
def test_the_importer_refuses_the_same_files(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content())
    problem = photo_file_problem(path)
    assert problem and reason in problem


def test_the_importer_accepts_a_good_photo(tmp_path):
    path = tmp_path / "27-QD-1.jpg"
    path.write_bytes(image_bytes())
    assert photo_file_problem(path) is None
