"""Renditions: upright, metadata-free files of the right sizes and formats, made when a photo is stored."""

import io
import re
import shutil
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from articles.models import Article, Photo
from articles.tests.factories import files_of_photos
from articles.tests.test_admin import ADD_URL, add_photo_rows, story_form
from photos import metadata, renditions
from photos.tests import files

pytestmark = pytest.mark.django_db

IMPORT_PAGE = Path(__file__).resolve().parent.parent.parent / "articles/tests/import_files/qingdao-sino-russia-business-center.txt"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def post_story(client, *uploads):
    response = client.post(ADD_URL, add_photo_rows(story_form(), *uploads))
    assert response.status_code == 302, response.context and response.context["inline_admin_formsets"][0].formset.errors
    return Article.objects.get()


def stored_bytes(name):
    with default_storage.open(name, "rb") as stored:
        return stored.read()


def opened(name):
    return Image.open(io.BytesIO(stored_bytes(name)))


def assert_no_metadata(name):
    data = stored_bytes(name)
    image = Image.open(io.BytesIO(data))
    assert not image.getexif(), name
    assert not {"exif", "xmp", "comment", "photoshop", "XML:com.adobe.xmp"} & set(image.info), name
    for leak in (files.CAMERA_SERIAL.encode(), b"PhoneMaker", b"home of the source", b"GPSLatitude", b"secret"):
        assert leak not in data, (name, leak)


def is_upright(image):
    """Red on top, blue at the bottom, as upright_picture drew it."""
    rgb = image.convert("RGB")
    top, bottom = rgb.getpixel((rgb.width // 2, rgb.height // 8)), rgb.getpixel((rgb.width // 2, rgb.height * 7 // 8))
    return top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0]


def test_a_phone_photo_is_stored_upright_and_every_file_is_free_of_gps_and_metadata(admin_client, media_root):
    article = post_story(admin_client, files.upload("IMG_0042.JPG", files.phone_jpeg(1200, 1600)))
    photo = article.photos.get()

    assert (photo.image_width, photo.image_height) == (1200, 1600)
    assert is_upright(opened(photo.image.name))
    for name in photo.file_names():
        assert_no_metadata(name)
        assert is_upright(opened(name)), name
    # The upload itself is not kept anywhere.
    on_disk = sorted(path for path in Path(media_root).rglob("*") if path.is_file())
    assert on_disk == files_of_photos(media_root, [photo])


def test_renditions_have_the_configured_widths_never_upscaled_in_webp_and_jpeg(admin_client, media_root):
    photo = post_story(admin_client, files.upload("IMG_0042.JPG", files.phone_jpeg(1200, 1600))).photos.get()

    sizes = photo.renditions["sizes"]
    assert [(entry["width"], entry["height"]) for entry in sizes] == [(400, 533), (800, 1067), (1200, 1600)]
    for entry in sizes:
        assert opened(entry["webp"]).format == "WEBP" and entry["webp"].endswith(".webp")
        assert opened(entry["jpeg"]).format == "JPEG" and entry["jpeg"].endswith(".jpg")
        assert opened(entry["webp"]).size == opened(entry["jpeg"]).size == (entry["width"], entry["height"])
    cards = photo.renditions["cards"]
    assert [(entry["width"], entry["height"]) for entry in cards] == [(400, 267), (800, 533)]
    assert all(opened(entry["webp"]).size == (entry["width"], entry["height"]) for entry in cards)
    assert photo.renditions["spec"] == renditions.SPEC
    assert all(name.startswith("renditions/") for name in renditions.rendition_files(photo.renditions))


def test_a_wide_photo_gets_every_width_and_a_photo_between_widths_gets_its_own(admin_client, media_root):
    article = post_story(
        admin_client, files.upload("port.webp", files.webp(1700, 900)), files.upload("small.webp", files.webp(1000, 500))
    )
    wide, narrower = article.photos.all()
    assert [entry["width"] for entry in wide.renditions["sizes"]] == [400, 800, 1200, 1600]
    assert [entry["width"] for entry in narrower.renditions["sizes"]] == [400, 800, 1000]
    assert [entry["width"] for entry in narrower.renditions["cards"]] == [400, 750]


def test_a_png_keeps_its_transparency_in_webp_and_gets_a_white_background_in_jpeg(admin_client, media_root):
    photo = post_story(admin_client, files.upload("chart.png", files.png_with_alpha())).photos.get()
    entry = photo.renditions["sizes"][0]
    webp = opened(entry["webp"])
    assert webp.mode == "RGBA"
    assert webp.getpixel((webp.width - 5, 5))[3] == 0
    jpeg = opened(entry["jpeg"]).convert("RGB")
    assert jpeg.getpixel((jpeg.width - 5, 5)) == pytest.approx((255, 255, 255), abs=3)
    assert opened(photo.image.name).mode == "RGBA"


def test_an_animated_gif_stays_animated_in_webp_with_a_still_jpeg_fallback(admin_client, media_root):
    photo = post_story(admin_client, files.upload("lanterns.gif", files.animated_gif())).photos.get()
    entry = photo.renditions["sizes"][0]
    assert getattr(opened(entry["webp"]), "n_frames", 1) == 3
    assert getattr(opened(entry["jpeg"]), "n_frames", 1) == 1
    assert getattr(opened(photo.image.name), "n_frames", 1) == 3
    assert_no_metadata(photo.image.name)


def test_a_one_pixel_image_gets_one_pixel_renditions(admin_client, media_root):
    photo = post_story(admin_client, files.upload("dot.png", files.one_pixel_png())).photos.get()
    assert [(e["width"], e["height"]) for e in photo.renditions["sizes"]] == [(1, 1)]
    assert [(e["width"], e["height"]) for e in photo.renditions["cards"]] == [(1, 1)]
    assert opened(photo.renditions["sizes"][0]["webp"]).size == (1, 1)


def test_an_imported_phone_photo_gets_the_same_treatment(media_root, tmp_path):
    folder = tmp_path / "saved"
    folder.mkdir()
    shutil.copy(IMPORT_PAGE, folder / IMPORT_PAGE.name)
    (folder / "27-QD-1.jpg").write_bytes(files.phone_jpeg(1200, 1600))

    call_command("import_articles", str(folder / IMPORT_PAGE.name), stdout=io.StringIO())

    photo = Photo.objects.get()
    assert [entry["width"] for entry in photo.renditions["sizes"]] == [400, 800, 1200]
    for name in photo.file_names():
        assert_no_metadata(name)
        assert is_upright(opened(name))


# --- Caption and credit from the file ---------------------------------------------


def test_an_empty_caption_and_credit_are_filled_from_the_agencys_iptc(admin_client, media_root):
    content = files.agency_jpeg(caption="Tea pickers at dawn in Laoshan", byline="Zhang Yi", credit="Xinhua")
    data = add_photo_rows(story_form(), files.upload("agency.jpg", content))
    data.update({"photos-0-caption": "", "photos-0-credit": ""})
    assert admin_client.post(ADD_URL, data).status_code == 302
    photo = Photo.objects.get()
    assert (photo.caption, photo.credit) == ("Tea pickers at dawn in Laoshan", "Zhang Yi/Xinhua")


def test_what_the_journalist_typed_wins_over_the_embedded_text(admin_client, media_root):
    content = files.agency_jpeg(caption="Agency caption", credit="Xinhua")
    data = add_photo_rows(story_form(), files.upload("agency.jpg", content))
    assert admin_client.post(ADD_URL, data).status_code == 302
    photo = Photo.objects.get()
    assert (photo.caption, photo.credit) == ("Caption 0", "Photo by Wang Lei 0")


def test_xmp_and_exif_fill_in_when_there_is_no_iptc(media_root):
    from articles.tests.factories import make_article

    buffer = io.BytesIO()
    files.upright_picture(300, 200).save(buffer, "WEBP", xmp=files.xmp("Lanterns over the old town", "Li Na", "CNS"))
    exif = Image.Exif()
    exif[0x010E], exif[0x8298] = "Harbour at night", "(c) Qingdao Daily"
    exif_buffer = io.BytesIO()
    files.upright_picture(300, 200).save(exif_buffer, "JPEG", exif=exif)
    article = make_article()
    from_xmp = Photo.objects.create(article=article, image=files.upload("a.webp", buffer.getvalue()), alt_text="x")
    from_exif = Photo.objects.create(article=article, image=files.upload("b.jpg", exif_buffer.getvalue()), alt_text="x")
    assert (from_xmp.caption, from_xmp.credit) == ("Lanterns over the old town", "Li Na/CNS")
    assert (from_exif.caption, from_exif.credit) == ("Harbour at night", "(c) Qingdao Daily")
    assert_no_metadata(from_xmp.image.name)
    assert_no_metadata(from_exif.image.name)


def test_iptc_text_that_is_not_utf8_is_read_as_latin1():
    """Older agency software writes IPTC in Latin-1: "Café" arrives as it was typed, not refused or garbled."""
    content = files.agency_jpeg(caption="Café on Zhongshan Road".encode("latin-1"), byline="Zhang Yi", credit="Xinhua")
    assert metadata.embedded_text(Image.open(io.BytesIO(content))) == metadata.EmbeddedText(
        "Café on Zhongshan Road", "Zhang Yi/Xinhua"
    )


def test_xmp_gives_the_first_of_several_languages_or_names_and_an_empty_element_gives_way():
    """rdf:Alt, Seq and Bag give their first item; an empty XMP element leaves the field to EXIF."""
    exif = Image.Exif()
    exif[0x010E] = "Harbour at night"  # ImageDescription
    names = "<dc:creator><rdf:Bag><rdf:li>Li Na</rdf:li><rdf:li>Wang Wu</rdf:li></rdf:Bag></dc:creator>"
    buffer = io.BytesIO()
    files.upright_picture(30, 20).save(buffer, "JPEG", exif=exif, xmp=files.xmp_packet("<dc:description/>", names))
    assert metadata.embedded_text(Image.open(buffer)) == metadata.EmbeddedText("Harbour at night", "Li Na")

    languages = (
        '<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Lanterns over the old town</rdf:li>'
        '<rdf:li xml:lang="zh">老城上空的灯笼</rdf:li></rdf:Alt></dc:description>'
    )
    buffer = io.BytesIO()
    files.upright_picture(30, 20).save(buffer, "WEBP", xmp=files.xmp_packet(languages, "<dc:creator/>"))
    assert metadata.embedded_text(Image.open(buffer)) == metadata.EmbeddedText("Lanterns over the old town", "")


# --- What pages send --------------------------------------------------------------


def test_the_story_page_sends_pictures_of_renditions_never_the_stored_image(client, admin_client, media_root):
    article = post_story(
        admin_client,
        files.upload("lead.jpg", files.phone_jpeg(1200, 1600)),
        files.upload("second.webp", files.webp(1700, 900)),
    )
    lead, second = article.photos.all()
    page = client.get(article.get_absolute_url()).content.decode()

    pictures = re.findall(r"<picture>.*?</picture>", page, re.S)
    assert len(pictures) == 2
    lead_webp = ", ".join(f"/media/{e['webp']} {e['width']}w" for e in lead.renditions["sizes"])
    assert f'<source type="image/webp" srcset="{lead_webp}"' in pictures[0]
    assert 'sizes="(min-width: 44rem) 42rem, calc(100vw - 2rem)"' in pictures[0]
    middle = lead.renditions["sizes"][1]
    assert f'src="/media/{middle["jpeg"]}"' in pictures[0]
    assert f'width="{middle["width"]}" height="{middle["height"]}"' in pictures[0]
    assert 'fetchpriority="high"' in pictures[0] and 'loading="lazy"' not in pictures[0]
    assert 'loading="lazy"' in pictures[1]
    og_entry = lead.renditions["sizes"][-1]
    assert f'<meta property="og:image" content="http://testserver/media/{og_entry["jpeg"]}">' in page
    assert f'<meta property="og:image:width" content="{og_entry["width"]}">' in page
    assert lead.image.name not in page and second.image.name not in page


def test_cards_use_the_card_crops(client, admin_client, media_root):
    article = post_story(admin_client, files.upload("lead.jpg", files.phone_jpeg(1200, 1600)))
    photo = article.photos.get()
    page = client.get("/").content.decode()
    card_srcset = ", ".join(f"/media/{e['webp']} {e['width']}w" for e in photo.renditions["cards"])
    assert f'srcset="{card_srcset}"' in page
    assert photo.image.name not in page


def test_the_admin_thumbnails_use_a_rendition(admin_client, media_root):
    article = post_story(admin_client, files.upload("lead.jpg", files.phone_jpeg(1200, 1600)))
    photo = article.photos.get()
    changelist = admin_client.get("/admin/articles/article/").content.decode()
    assert f'src="/media/{photo.renditions["sizes"][0]["jpeg"]}"' in changelist
    change = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert f'class="newsroom-thumb" src="/media/{photo.renditions["sizes"][0]["jpeg"]}"' in change
