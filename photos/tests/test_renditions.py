"""Renditions: upright, metadata-free files of the right sizes and formats, made when a photo is stored."""

import io
import re
import shutil
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from PIL import Image, UnidentifiedImageError

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


def test_a_cameras_exif_artist_is_the_credit_and_its_copyright_notice_gives_way():
    exif = Image.Exif()
    exif[0x010E], exif[0x013B], exif[0x8298] = "Harbour at night", "Zhang Yi", "(c) Qingdao Daily"
    buffer = io.BytesIO()
    files.upright_picture(30, 20).save(buffer, "JPEG", exif=exif)
    assert metadata.embedded_text(Image.open(buffer)) == metadata.EmbeddedText("Harbour at night", "Zhang Yi")


def test_with_no_name_in_the_file_its_copyright_from_iptc_then_xmp_then_exif_is_the_credit():
    exif = Image.Exif()
    exif[0x8298] = "(c) from EXIF"  # Copyright
    rights = '<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">(c) from XMP</rdf:li></rdf:Alt></dc:rights>'
    buffer = io.BytesIO()
    files.upright_picture(30, 20).save(buffer, "JPEG", exif=exif, xmp=files.xmp_packet(rights))
    without_iptc = buffer.getvalue()
    with_iptc = files.with_iptc(without_iptc, caption="Harbour", copyright="(c) from IPTC")

    text = metadata.EmbeddedText
    assert metadata.embedded_text(Image.open(io.BytesIO(with_iptc))) == text("Harbour", "(c) from IPTC")
    assert metadata.embedded_text(Image.open(io.BytesIO(without_iptc))) == text("", "(c) from XMP")


def test_iptc_naming_two_photographers_gives_the_first():
    content = files.agency_jpeg(caption="Tea pickers", byline=["Zhang Yi", "Li Na"], credit="Xinhua")
    assert metadata.embedded_text(Image.open(io.BytesIO(content))) == metadata.EmbeddedText(
        "Tea pickers", "Zhang Yi/Xinhua"
    )


def test_xmp_split_over_several_descriptions_is_read_from_each():
    """Adobe's tools write one rdf:Description per schema: the caption in one, the credit in another."""
    packet = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description><rdf:Alt>'
        '<rdf:li xml:lang="x-default">Lanterns over the old town</rdf:li>'
        "</rdf:Alt></dc:description></rdf:Description>"
        '<rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:Credit="CNS"/>'
        "</rdf:RDF></x:xmpmeta>"
    ).encode()
    buffer = io.BytesIO()
    files.upright_picture(30, 20).save(buffer, "WEBP", xmp=packet)
    text = metadata.embedded_text(Image.open(buffer))
    assert text == metadata.EmbeddedText("Lanterns over the old town", "CNS")


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


# --- Animations, colour profiles, crops and encodings ----------------------------


def stored_photo(name, content):
    from articles.tests.factories import make_article

    return Photo.objects.create(article=make_article(), image=files.upload(name, content), alt_text="x")


def frame_timing(image):
    """Each frame's delay in milliseconds, and how many times the animation plays (0: for ever)."""
    durations = []
    for index in range(image.n_frames):
        image.seek(index)
        image.load()
        durations.append(image.info.get("duration"))
    return durations, image.info.get("loop")


def test_an_animation_keeps_each_frames_delay_and_its_loop_count(media_root):
    photo = stored_photo("lanterns.gif", files.animated_gif_timed([50, 80, 200], loop=3))

    master = opened(photo.image.name)
    assert frame_timing(master) == ([50, 80, 200], 3)
    for entry in photo.renditions["sizes"]:
        assert frame_timing(opened(entry["webp"])) == ([50, 80, 200], 3), entry["webp"]


def test_a_stored_gif_clears_each_frame_before_the_next(media_root):
    """Disposal 2: what one frame leaves transparent never shows the frame before through it."""
    photo = stored_photo("lanterns.gif", files.animated_gif_timed([50, 80, 200], loop=0))
    master = opened(photo.image.name)
    for index in range(master.n_frames):
        master.seek(index)
        assert master.disposal_method == 2, index


def test_a_gif_frame_that_names_no_delay_is_shown_for_a_tenth_of_a_second(media_root):
    photo = stored_photo("lanterns.gif", files.animated_gif_timed(None))
    durations, _ = frame_timing(opened(photo.renditions["sizes"][0]["webp"]))
    assert durations[0] == 100


def top_colour(image):
    rgb = image.convert("RGB")
    return rgb.getpixel((rgb.width // 2, rgb.height // 8))


def test_a_photo_in_another_colour_space_is_converted_to_srgb(media_root):
    """Its numbers mean what its profile says: this one swaps red and blue, so the file's red shows blue."""
    buffer = io.BytesIO()
    profile = files.red_and_blue_swapped_profile()
    files.upright_picture(300, 200).save(buffer, "JPEG", quality=95, icc_profile=profile)

    photo = stored_photo("wide-gamut.jpg", buffer.getvalue())

    for name in photo.file_names():
        image = opened(name)
        red, _, blue = top_colour(image)
        assert blue > 150 > red, (name, top_colour(image))
        assert "icc_profile" not in image.info, name


def test_a_cmyk_photo_is_converted_to_srgb_by_its_profile(media_root):
    """A printer's file: its profile says its cyan ink prints red, and red it shows, in RGB files."""
    buffer = io.BytesIO()
    Image.new("CMYK", (300, 200), (255, 0, 0, 0)).save(
        buffer, "JPEG", quality=95, icc_profile=files.cyan_prints_red_profile()
    )

    photo = stored_photo("print-ready.jpg", buffer.getvalue())

    for name in photo.file_names():
        image = opened(name)
        red, green, blue = top_colour(image)
        assert image.mode == "RGB" and red > 150 > max(green, blue), (name, image.mode, top_colour(image))


def test_a_photo_whose_colour_profile_cannot_be_read_is_shown_as_its_numbers_say(media_root):
    buffer = io.BytesIO()
    files.upright_picture(300, 200).save(buffer, "JPEG", icc_profile=b"not a colour profile")

    photo = stored_photo("odd-profile.jpg", buffer.getvalue())

    assert all(is_upright(opened(name)) for name in photo.file_names())


def test_a_transparent_png_with_a_colour_profile_keeps_its_transparency(media_root):
    image = Image.open(io.BytesIO(files.png_with_alpha()))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", icc_profile=files.red_and_blue_swapped_profile())

    photo = stored_photo("chart.png", buffer.getvalue())

    webp = opened(photo.renditions["sizes"][0]["webp"])
    assert webp.mode == "RGBA" and webp.getpixel((webp.width - 5, 5))[3] == 0
    assert opened(photo.image.name).mode == "RGBA"


def position_coded(width, height):
    """Each pixel's red and green say its column, its blue its row: where a crop was taken is readable."""
    image = Image.new("RGB", (width, height))
    image.putdata([(x % 256, x // 256, y % 256) for y in range(height) for x in range(width)])
    return image


@pytest.mark.parametrize(
    ("size", "left", "top", "crop"),
    [((603, 200), 151, 0, (300, 200)), ((200, 304), 0, 85, (200, 133)), ((300, 200), 0, 0, (300, 200))],
    ids=["wide", "tall", "three-by-two"],
)
def test_a_card_is_the_largest_centred_three_by_two_part_of_the_photo(size, left, top, crop):
    card = renditions.card_crop(position_coded(*size))
    assert card.size == crop
    assert card.getpixel((0, 0)) == (left % 256, left // 256, top)


def test_a_photo_as_wide_as_the_widest_rendition_gets_that_width_once(media_root):
    photo = stored_photo("port.webp", files.webp(1600, 900))
    assert [entry["width"] for entry in photo.renditions["sizes"]] == [400, 800, 1200, 1600]


def test_a_one_pixel_high_banner_keeps_one_pixel_high_renditions(media_root):
    photo = stored_photo("rule.webp", files.webp(1700, 1))
    assert [(entry["width"], entry["height"]) for entry in photo.renditions["sizes"]] == [
        (400, 1),
        (800, 1),
        (1200, 1),
        (1600, 1),
    ]
    assert [(entry["width"], entry["height"]) for entry in photo.renditions["cards"]] == [(2, 1)]


def jpeg_quantization_at(quality):
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buffer, "JPEG", quality=quality)
    return Image.open(buffer).quantization


def test_jpegs_are_progressive_the_master_at_quality_90_the_renditions_at_82(admin_client, media_root):
    photo = post_story(admin_client, files.upload("IMG_0042.JPG", files.phone_jpeg(1200, 1600))).photos.get()

    master = opened(photo.image.name)
    assert master.info.get("progressive")
    assert master.quantization == jpeg_quantization_at(renditions.MASTER_QUALITY) != jpeg_quantization_at(75)
    for entry in photo.renditions["sizes"] + photo.renditions["cards"]:
        jpeg = opened(entry["jpeg"])
        assert jpeg.info.get("progressive"), entry["jpeg"]
        assert jpeg.quantization == jpeg_quantization_at(renditions.JPEG_QUALITY), entry["jpeg"]


def test_a_jpeg_with_a_second_picture_is_stored_as_a_plain_jpeg(media_root):
    """Cameras append a preview or a stereo pair (Pillow opens such a file as MPO); only the photo is kept."""
    buffer = io.BytesIO()
    second = files.upright_picture(300, 200)
    files.upright_picture(300, 200).save(buffer, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"

    photo = stored_photo("stereo.jpg", buffer.getvalue())

    master = opened(photo.image.name)
    assert master.format == "JPEG" and getattr(master, "n_frames", 1) == 1


def test_preparing_a_file_opens_only_the_sites_formats():
    """Even a file that never met the check (a stored file swapped behind the site's back) is not decoded."""
    buffer = io.BytesIO()
    files.upright_picture(30, 20).save(buffer, "TIFF")
    with pytest.raises(UnidentifiedImageError):
        renditions.prepare(io.BytesIO(buffer.getvalue()))


def test_a_webp_master_keeps_more_detail_than_a_rendition_of_the_same_pixels(media_root):
    """The master is saved at quality 90, renditions at 80: for a photo no wider than 400, the same pixels."""
    buffer = io.BytesIO()
    Image.effect_noise((300, 200), 64).convert("RGB").save(buffer, "WEBP", lossless=True)

    photo = stored_photo("grain.webp", buffer.getvalue())

    [entry] = photo.renditions["sizes"]
    assert entry["width"] == 300
    assert len(stored_bytes(photo.image.name)) > len(stored_bytes(entry["webp"]))


def test_renditions_are_named_after_the_master_under_renditions_without_its_photos_folder():
    name = renditions.rendition_name
    assert name("photos/2026/03/ab12.jpg", "400w", "webp") == "renditions/2026/03/ab12-400w.webp"
    assert name("ab12.png", "card-800w", "jpg") == "renditions/ab12-card-800w.jpg"
    assert name("archive/2019/ab12.gif", "400w", "jpg") == "renditions/archive/2019/ab12-400w.jpg"


class StorageThatFillsUp(FileSystemStorage):
    """A real storage whose disk is full after `room` files."""

    def __init__(self, room, **options):
        super().__init__(**options)
        self.room = room

    def _save(self, name, content):
        if not self.room:
            raise OSError(28, "No space left on device")
        self.room -= 1
        return super()._save(name, content)


def test_renditions_that_cannot_all_be_written_leave_none_behind(tmp_path):
    storage = StorageThatFillsUp(5, location=tmp_path)
    prepared = renditions.prepare(io.BytesIO(files.webp(1700, 900)))

    with pytest.raises(OSError, match="No space left"):
        renditions.make_renditions(storage, "photos/2026/03/ab12.webp", prepared)

    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []
