"""
What a photo file must be before the site stores it: one check shared by the
admin's upload field and the importer.

The file is opened with only the formats the site serves, fully decoded (every
frame), and must be the format its name says; empty files, files over the byte
limit and images over the pixel limit are refused. Nothing else of Pillow's
format zoo (EPS, TIFF, ...) is ever parsed, so a decoder flaw in one of them
cannot be reached by an upload.
"""

from pathlib import Path
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image

MAX_PHOTO_BYTES = 10 * 1024 * 1024

# 40 megapixels (e.g. 7728 x 5152) holds any camera's photo that fits in 10 MB,
# and caps what decoding one costs: about 160 MB in the server for the check, and
# as much in a reader's browser while pages still show the uploaded file.
# It counts every frame of an animation.
MAX_PHOTO_PIXELS = 40_000_000
# Every Image.open in the process warns from here and refuses from twice this
# (Pillow's decompression-bomb rule); check_photo_file refuses from here.
Image.MAX_IMAGE_PIXELS = MAX_PHOTO_PIXELS

# Pillow's name for each format the site serves, with the extensions a file of
# that format may have; the first is the one stored names get.
PHOTO_FORMATS = {"JPEG": ("jpg", "jpeg"), "PNG": ("png",), "GIF": ("gif",), "WEBP": ("webp",)}
PHOTO_EXTENSIONS = [extension for extensions in PHOTO_FORMATS.values() for extension in extensions]
FORMAT_OF_EXTENSION = {extension: fmt for fmt, extensions in PHOTO_FORMATS.items() for extension in extensions}
FORMAT_LABELS = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "GIF", "WEBP": "WebP"}
# A JPEG with extra pictures (a camera's preview, a stereo pair) is opened as MPO.
SAME_AS = {"MPO": "JPEG"}


class CheckedPhoto(NamedTuple):
    format: str  # a key of PHOTO_FORMATS
    width: int
    height: int

    @property
    def extension(self):
        return PHOTO_FORMATS[self.format][0]


class PhotoRejected(ValidationError):
    """A file that cannot be a photo; `reason` says why, to follow the file's name in a sentence."""

    def __init__(self, name, reason):
        super().__init__(f"“{name}” {reason}.", code="photo_rejected")
        self.reason = reason


def photo_extension(name):
    """
    The extension a stored photo gets: that of its checked format, which
    check_photo_file has matched to the name (".jpeg" and ".JPG" give "jpg").
    """
    extension = Path(name).suffix.lower()[1:]  # the suffix is "" or ".ext"
    if extension not in FORMAT_OF_EXTENSION:
        raise ValueError(f"{name!r} is not the name of a checked photo file")
    return PHOTO_FORMATS[FORMAT_OF_EXTENSION[extension]][0]


def check_photo_file(file, name):
    """The photo's format and size if `file` (a Django File) may be stored as a photo; else PhotoRejected."""
    name = Path(name).name
    extension = Path(name).suffix.lower()[1:]
    if not extension:
        raise PhotoRejected(name, "has no extension; photos are .jpg, .jpeg, .png, .gif or .webp files")
    if extension not in FORMAT_OF_EXTENSION:
        raise PhotoRejected(
            name, f"cannot be a photo: “.{extension}” files are not accepted (JPEG, PNG, GIF or WebP only)"
        )
    if not file.size:
        raise PhotoRejected(name, "is empty (0 bytes)")
    if file.size > MAX_PHOTO_BYTES:
        raise PhotoRejected(
            name, f"is {filesizeformat(file.size)}; the largest accepted is {filesizeformat(MAX_PHOTO_BYTES)}"
        )
    try:
        image = Image.open(file, formats=list(PHOTO_FORMATS))  # Pillow rewinds the file itself
    except Image.DecompressionBombError:
        over = f"is over {2 * MAX_PHOTO_PIXELS // 1_000_000} megapixels"
        raise PhotoRejected(name, pixel_limit_reason(over)) from None
    except Exception:
        # Any failure to recognise hostile bytes (UnidentifiedImageError, OSError,
        # SyntaxError, struct.error...) means the same thing: not a photo.
        raise PhotoRejected(name, "is not a readable image: it is not a JPEG, PNG, GIF or WebP file") from None
    with image:
        checked = CheckedPhoto(SAME_AS.get(image.format, image.format), *image.size)
        if checked.format != FORMAT_OF_EXTENSION[extension]:
            raise PhotoRejected(
                name,
                f"is a {FORMAT_LABELS[checked.format]} image, but its name ends in .{extension}; "
                f"rename it to .{checked.extension}",
            )
        try:
            frames = getattr(image, "n_frames", 1)
        except Exception as error:
            # Against hostile files: no file tried makes Pillow fail here (the message is tested below).
            raise damaged(name, error) from None  # pragma: no mutate (no file tried reaches it)
        if checked.width * checked.height * frames > MAX_PHOTO_PIXELS:
            raise PhotoRejected(name, pixel_limit_reason(size_in_words(checked, frames)))
        try:
            # Only decoding notices a truncated or corrupt file; Django's own
            # image field stops at the header.
            for frame in range(frames):
                image.seek(frame)
                image.load()
        except Exception as error:
            raise damaged(name, error) from None
    file.seek(0)
    return checked


def damaged(name, error):
    return PhotoRejected(name, f"is not a readable image: it is damaged or incomplete ({error})")


def size_in_words(checked, frames):
    megapixels = checked.width * checked.height * frames / 1_000_000
    if frames == 1:
        return f"is {checked.width} × {checked.height} pixels ({megapixels:.0f} megapixels)"
    return (
        f"is an animation of {frames} frames of {checked.width} × {checked.height} pixels "
        f"({megapixels:.0f} megapixels in all)"
    )


def pixel_limit_reason(size):
    return f"{size}; photos can have at most {MAX_PHOTO_PIXELS // 1_000_000} megapixels"


class PhotoFileField(forms.ImageField):
    """An image upload judged by check_photo_file instead of Django's any-format header check."""

    # check_photo_file judges the extension together with the content.
    default_validators = []

    def __init__(self, *, allow_empty_file=True, **kwargs):
        # Empty files reach check_photo_file, whose message names the file.
        super().__init__(allow_empty_file=allow_empty_file, **kwargs)

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is not None:
            check_photo_file(upload, upload.name)
        return upload


def validate_image_size(file):
    """Kept for migration 0001; check_photo_file applies the byte limit now."""
    if file.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            "This photo is %(size)s; the largest accepted is %(limit)s.",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(MAX_PHOTO_BYTES)},
            code="photo_too_large",
        )
