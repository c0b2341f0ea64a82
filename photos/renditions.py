"""
The files readers get for a photo, made once when the photo is stored (an admin
upload, an import, or the photo_files command), never on a reader's request.

prepare() turns an accepted upload into the stored master: upright (the EXIF
orientation applied), in sRGB, with no EXIF, XMP, IPTC or comments left, so no
GPS position or camera serial number reaches a reader. The upload itself is not
kept. make_renditions() writes the resized copies (WebP and a JPEG fallback at
each width, never larger than the master) and the 3:2 crops listing cards show,
and returns what it wrote; the photo's row keeps that, so a page builds its
<picture> markup without asking storage anything.

Pillow directly rather than an thumbnail library: see README ("Photo files").
"""

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from PIL import Image, ImageCms, ImageSequence

from articles.validators import PHOTO_FORMATS, SAME_AS

from .metadata import EmbeddedText, embedded_text

WIDTHS = (400, 800, 1200, 1600)
CARD_WIDTHS = (400, 800)
CARD_RATIO = 3 / 2
WEBP_QUALITY = 80
JPEG_QUALITY = 82
MASTER_QUALITY = 90
# Change VERSION when the way renditions are made changes but the numbers above
# do not; `manage.py photo_files` then remakes every photo's renditions.
VERSION = 1
SPEC = hashlib.sha256(
    json.dumps([VERSION, WIDTHS, CARD_WIDTHS, CARD_RATIO, WEBP_QUALITY, JPEG_QUALITY]).encode()
).hexdigest()[:12]

FORMATS = {"webp": ("WEBP", "webp"), "jpeg": ("JPEG", "jpg")}
# Every JPEG written: drawn progressively, with Huffman tables made for it (a smaller file, the same pixels).
JPEG_OPTIONS = {"progressive": True, "optimize": True}

# EXIF orientation -> the transposition that makes the picture upright (as ImageOps.exif_transpose).
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
EXIF_ORIENTATION = 0x0112
SRGB = ImageCms.createProfile("sRGB")


@dataclass
class PreparedPhoto:
    """An upload made fit to serve: its frames (upright, sRGB, no metadata) and the text it carried."""

    format: str  # a key of PHOTO_FORMATS
    frames: list
    durations: list
    loop: int
    text: EmbeddedText

    @property
    def size(self):
        return self.frames[0].size

    @property
    def animated(self):
        return len(self.frames) > 1

    def master(self):
        """The file stored as the photo's image: the same format as the upload, without its metadata."""
        buffer = io.BytesIO()
        first = self.frames[0]
        if self.format == "JPEG":
            flatten(first).save(buffer, "JPEG", quality=MASTER_QUALITY, **JPEG_OPTIONS)
        elif self.format == "PNG":
            first.save(buffer, "PNG")
        elif self.format == "WEBP":
            self.save_frames(buffer, "WEBP", self.frames, quality=MASTER_QUALITY)
        else:
            self.save_frames(buffer, "GIF", self.frames, disposal=2)
        return ContentFile(buffer.getvalue())

    def save_frames(self, buffer, fmt, frames, **options):
        if len(frames) > 1:
            # Pillow saves every frame when given more (append_images): no save_all needed.
            options.update(append_images=frames[1:], duration=self.durations, loop=self.loop)
        frames[0].save(buffer, fmt, **options)


def prepare(file):
    """
    Decode an accepted photo file (articles.validators.check_photo_file has
    passed) into upright, metadata-free frames, noting its embedded caption and credit.
    """
    with Image.open(file, formats=list(PHOTO_FORMATS)) as image:  # Pillow rewinds the file itself
        fmt = SAME_AS.get(image.format, image.format)
        text = embedded_text(image)
        try:
            orientation = image.getexif().get(EXIF_ORIENTATION)
        except Exception:
            orientation = None
        icc_profile = image.info.get("icc_profile")
        frames, durations = [], []
        for frame in ImageSequence.Iterator(image):
            frames.append(upright(srgb(frame, icc_profile), orientation))
            durations.append(frame.info.get("duration", 100))
        loop = image.info.get("loop", 0)
    return PreparedPhoto(format=fmt, frames=frames, durations=durations, loop=loop, text=text)


def has_alpha(image):
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def srgb(frame, icc_profile):
    """The frame as RGB or RGBA pixels in sRGB, with none of the file's metadata attached."""
    mode = "RGBA" if has_alpha(frame) else "RGB"
    converted = None
    if icc_profile and frame.mode in ("RGB", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            converted = ImageCms.profileToProfile(frame, source, SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None  # an unusable profile: show the pixels as they are
    if converted is None:
        converted = frame.convert(mode)
    # A fresh image: nothing of frame.info (EXIF, XMP, comments, ICC) is carried along.
    clean = Image.new(converted.mode, converted.size)
    clean.paste(converted)
    return clean


def upright(frame, orientation):
    method = UPRIGHT.get(orientation)
    return frame.transpose(method) if method is not None else frame


def flatten(image):
    """RGB for JPEG: transparency becomes white (the page's background)."""
    if image.mode == "RGB":
        return image
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


def widths_for(available, wanted):
    """The wanted widths that are not wider than `available`, plus `available` itself if it is smaller than the largest."""
    widths = [width for width in wanted if width <= available]
    if available < max(wanted) and available not in widths:
        widths.append(available)
    return sorted(widths)


def resized(frame, width, aspect=None):
    """The frame `width` pixels wide; `aspect` (width/height of the original) keeps chained resizes exact."""
    height = max(1, round(width / aspect) if aspect else round(frame.height * width / frame.width))
    if (width, height) == frame.size:
        return frame
    return frame.resize(
        (width, height),
        Image.Resampling.LANCZOS,
        reducing_gap=3.0,  # pragma: no mutate (a speed-up: at 4.0 the picture looks the same)
    )


def card_crop(frame):
    """The largest centred 3:2 part of the frame."""
    width, height = frame.size
    if width / height > CARD_RATIO:
        crop_width, crop_height = round(height * CARD_RATIO), height  # 2 or more: width > 1.5 * height
    else:
        crop_width, crop_height = width, round(width / CARD_RATIO)  # 1 or more: round(1 / 1.5) is 1
    left, top = (width - crop_width) // 2, (height - crop_height) // 2
    return frame.crop((left, top, left + crop_width, top + crop_height))


def rendition_name(master_name, label, extension):
    """renditions/YYYY/MM/<master's name>-<label>.<ext>, beside nothing a reader could list."""
    path = PurePosixPath(master_name)
    folder = path.parent.parts
    folder = ("renditions", *(folder[1:] if folder and folder[0] == "photos" else folder))
    return str(PurePosixPath(*folder, f"{path.stem}-{label}.{extension}"))


def make_renditions(storage, master_name, prepared):
    """
    Write every rendition of the photo stored as `master_name` and return their
    description for Photo.renditions. If one cannot be written, those already
    written are deleted and the error is raised.
    """
    width, height = prepared.size
    written = []

    def save(label, kind, frames):
        fmt, extension = FORMATS[kind]
        buffer = io.BytesIO()
        if kind == "jpeg":
            flatten(frames[0]).save(buffer, "JPEG", quality=JPEG_QUALITY, **JPEG_OPTIONS)
        else:
            prepared.save_frames(buffer, "WEBP", frames, quality=WEBP_QUALITY)
        name = storage.save(rendition_name(master_name, label, extension), ContentFile(buffer.getvalue()))
        written.append(name)
        return name

    try:
        sizes = []
        frames = prepared.frames
        # Widest first, each made from the one before: far cheaper than resizing
        # the full photo every time, and no visible difference with Lanczos.
        for size in reversed(widths_for(width, WIDTHS)):
            frames = [resized(frame, size, width / height) for frame in frames]
            sizes.insert(
                0,
                {
                    "width": frames[0].width,
                    "height": frames[0].height,
                    "webp": save(f"{size}w", "webp", frames),
                    "jpeg": save(f"{size}w", "jpeg", frames),
                },
            )
        cards = []
        crop = card_crop(prepared.frames[0])
        for size in widths_for(crop.width, CARD_WIDTHS):
            card = resized(crop, size)
            cards.append(
                {
                    "width": card.width,
                    "height": card.height,
                    "webp": save(f"card-{size}w", "webp", [card]),
                    "jpeg": save(f"card-{size}w", "jpeg", [card]),
                }
            )
    except BaseException:
        for name in written:
            storage.delete(name)
        raise
    return {"spec": SPEC, "width": width, "height": height, "sizes": sizes, "cards": cards}


def rendition_files(renditions):
    """Every file name a Photo.renditions value refers to."""
    return [
        entry[kind]
        for group in ("sizes", "cards")
        for entry in (renditions or {}).get(group, [])
        for kind in FORMATS
    ]
