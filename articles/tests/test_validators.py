"""What articles/validators.py says about a photo file too big to store, in the words editors read."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image

from articles.tests.test_photo_files import noisy_jpeg, one_bit_png, tiff_bytes
from articles.validators import (
    MAX_PHOTO_BYTES,
    PhotoRejected,
    check_photo_file,
    photo_extension,
    validate_image_size,
)


def rejection(name, content):
    with pytest.raises(PhotoRejected) as rejected:
        check_photo_file(ContentFile(content), name)
    return rejected.value.messages


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_photo_over_the_pixel_limit_is_told_its_size_in_pixels_and_rounded_megapixels():
    # 6342 x 6386 = 40,500,012 pixels: 40.500012 megapixels, which rounds up.
    assert rejection("harbour.png", one_bit_png(6342, 6386)) == [
        "“harbour.png” is 6342 × 6386 pixels (41 megapixels); photos can have at most 40 megapixels."
    ]


def test_an_animation_over_the_pixel_limit_is_told_its_frames_and_their_pixels_in_all():
    frames = [Image.new("P", (4000, 3400), color) for color in (1, 2, 3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    assert rejection("lanterns.gif", buffer.getvalue()) == [
        "“lanterns.gif” is an animation of 3 frames of 4000 × 3400 pixels (41 megapixels in all); "
        "photos can have at most 40 megapixels."
    ]


def test_the_old_upload_validator_refuses_a_file_over_the_byte_limit_with_its_size():
    """validate_image_size is still named by migration 0001, and still refuses what it refused."""
    validate_image_size(ContentFile(b"x" * MAX_PHOTO_BYTES))  # the limit itself is accepted
    with pytest.raises(ValidationError) as refused:
        validate_image_size(ContentFile(b"x" * (MAX_PHOTO_BYTES + 1)))
    assert refused.value.code == "photo_too_large"
    with pytest.raises(ValidationError) as refused:
        validate_image_size(ContentFile(b"x" * (MAX_PHOTO_BYTES + 1024 * 1024)))
    assert refused.value.messages == ["This photo is 11.0\xa0MB; the largest accepted is 10.0\xa0MB."]


def test_a_stored_photo_gets_its_formats_first_extension_and_other_names_are_a_programming_error():
    names = ("a.JPEG", "b.jpg", "c.Png", "d.webp")
    assert [photo_extension(name) for name in names] == ["jpg", "jpg", "png", "webp"]
    with pytest.raises(ValueError, match=r"^'notes\.txt' is not the name of a checked photo file$"):
        photo_extension("notes.txt")


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_each_refused_photo_file_is_told_why_in_a_sentence_naming_the_file():
    jpeg = io.BytesIO()
    Image.new("RGB", (40, 30)).save(jpeg, format="JPEG")
    webp = io.BytesIO()
    Image.new("RGB", (40, 30)).save(webp, format="WEBP")
    cases = {
        "uploads/2025/harbour": (
            jpeg.getvalue(),
            "has no extension; photos are .jpg, .jpeg, .png, .gif or .webp files",
        ),
        "drawing.SVG": (
            b"<svg/>",
            "cannot be a photo: “.svg” files are not accepted (JPEG, PNG, GIF or WebP only)",
        ),
        "empty.jpg": (b"", "is empty (0 bytes)"),
        "huge.jpg": (b"x" * (MAX_PHOTO_BYTES + 1), "is 10.0\xa0MB; the largest accepted is 10.0\xa0MB"),
        "scan.jpg": (tiff_bytes(), "is not a readable image: it is not a JPEG, PNG, GIF or WebP file"),
        "notes.jpg": (b"just text", "is not a readable image: it is not a JPEG, PNG, GIF or WebP file"),
        "chart.jpg": (one_bit_png(8, 8), "is a PNG image, but its name ends in .jpg; rename it to .png"),
        "beach.png": (webp.getvalue(), "is a WebP image, but its name ends in .png; rename it to .webp"),
        "map.png": (
            one_bit_png(13000, 13000),
            "is over 80 megapixels; photos can have at most 40 megapixels",
        ),
    }
    for name, (content, reason) in cases.items():
        shown = name.rpartition("/")[2]
        assert rejection(name, content) == [f"“{shown}” {reason}."], name


def test_a_damaged_photo_is_told_so_with_what_the_decoder_found():
    [message] = rejection("cut-short.jpg", noisy_jpeg()[:20000])
    assert message.startswith("“cut-short.jpg” is not a readable image: it is damaged or incomplete (")
    assert message.endswith(").") and len(message) > 80


def test_an_accepted_photo_is_given_its_format_and_size_and_left_rewound_for_saving():
    """The byte and pixel limits themselves are accepted; a .jpeg name is a JPEG."""
    png = one_bit_png(8000, 5000)  # exactly MAX_PHOTO_PIXELS
    file = ContentFile(png + bytes(MAX_PHOTO_BYTES - len(png)))  # exactly MAX_PHOTO_BYTES
    file.seek(100)
    assert check_photo_file(file, "map.png") == ("PNG", 8000, 5000)
    assert file.tell() == 0
    jpeg = io.BytesIO()
    Image.new("RGB", (40, 30)).save(jpeg, format="JPEG")
    checked = check_photo_file(ContentFile(jpeg.getvalue()), "harbour.JPEG")
    assert (checked.format, checked.width, checked.height, checked.extension) == ("JPEG", 40, 30, "jpg")


def test_a_refusal_carries_its_error_code_and_reason_for_the_forms_that_show_it():
    with pytest.raises(PhotoRejected) as rejected:
        check_photo_file(ContentFile(b""), "empty.jpg")
    # A form tells this refusal from its other errors by the code (form.has_error(field, code)).
    assert rejected.value.code == "photo_rejected"
    assert rejected.value.reason == "is empty (0 bytes)"


def test_a_jpeg_with_a_second_picture_is_a_jpeg():
    """Cameras add a preview or a stereo pair (Pillow reads that as MPO): still a .jpg photo."""
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (64, 48), "navy"), Image.new("RGB", (64, 48), "teal")
    first.save(buffer, "MPO", save_all=True, append_images=[second])

    checked = check_photo_file(ContentFile(buffer.getvalue()), "stereo.jpg")

    assert (checked.format, checked.width, checked.height) == ("JPEG", 64, 48)

