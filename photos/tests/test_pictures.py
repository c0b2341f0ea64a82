"""What templates get to show a photo: sources, sizes and fallbacks read from the photo's renditions."""

import pytest

from articles.models import Photo
from articles.tests.factories import make_article, make_photo
from photos.pictures import SIZES, Picture, jpeg_rendition, jpeg_rendition_file, picture
from photos.templatetags.photos import picture_of, social_image
from photos.tests import files

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def photo_of(width, height):
    return make_photo(make_article(), image=files.upload("photo.webp", files.webp(width, height)))


def srcset(entries, kind):
    return ", ".join(f"/media/{entry[kind]} {entry['width']}w" for entry in entries)


@pytest.mark.parametrize(
    ("size", "fallback"), [((1700, 900), 1), ((600, 400), 1), ((300, 200), 0)], ids=["four", "two", "one"]
)
def test_a_picture_offers_every_rendition_and_falls_back_to_the_second_smallest(media_root, size, fallback):
    photo = photo_of(*size)
    for kind, group in (("story", "sizes"), ("card", "cards"), ("featured", "cards")):
        entries = photo.renditions[group]
        assert picture(photo, kind) == Picture(
            src=f"/media/{entries[fallback]['jpeg']}",
            width=entries[fallback]["width"],
            height=entries[fallback]["height"],
            webp_srcset=srcset(entries, "webp"),
            jpeg_srcset=srcset(entries, "jpeg"),
            sizes=SIZES[kind],
        )
    assert [entry["width"] for entry in photo.renditions["sizes"]][fallback] == min(size[0], (400, 800)[fallback])


def test_a_photo_without_renditions_is_shown_as_stored(media_root):
    photo = photo_of(1700, 900)
    Photo.objects.filter(pk=photo.pk).update(renditions={})
    photo.refresh_from_db()
    for kind in SIZES:
        assert picture(photo, kind) == Picture(src=photo.image.url, width=1700, height=900)
    assert jpeg_rendition_file(photo, 1200) == (photo.image.name, 1700, 900)


def test_link_previews_get_the_largest_jpeg_that_fits_else_the_smallest(media_root):
    photo = photo_of(1700, 900)
    by_width = {entry["width"]: entry for entry in photo.renditions["sizes"]}
    assert jpeg_rendition_file(photo, 1200) == (by_width[1200]["jpeg"], 1200, by_width[1200]["height"])
    assert jpeg_rendition_file(photo, 1199) == (by_width[800]["jpeg"], 800, by_width[800]["height"])
    assert jpeg_rendition_file(photo, 100) == (by_width[400]["jpeg"], 400, by_width[400]["height"])
    assert jpeg_rendition(photo, 1200) == (f"/media/{by_width[1200]['jpeg']}", 1200, by_width[1200]["height"])
    assert social_image(photo) == {
        "url": f"/media/{by_width[1200]['jpeg']}",
        "width": 1200,
        "height": by_width[1200]["height"],
    }


def test_the_picture_tag_uses_the_photos_alt_text_unless_given_one(media_root):
    photo = photo_of(600, 400)
    assert picture_of(photo, "story", lead=True) == {
        "picture": picture(photo, "story"),
        "alt": "A description of the photo.",
        "lead": True,
    }
    assert picture_of(photo, "card", alt="", lead=False) == {"picture": picture(photo, "card"), "alt": "", "lead": False}
