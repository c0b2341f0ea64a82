"""
What templates need to show a photo: the URLs and sizes of its renditions, read
from the photo's row (Photo.renditions), so listing pages ask neither the
database nor storage anything per card.
"""

from dataclasses import dataclass

# How wide the picture is drawn, for the browser to pick a file before layout
# (static/css/site.css: the story column is 42rem; cards fill a grid of 16rem+
# columns in a 72rem page, the featured card spans two).
SIZES = {
    "story": "(min-width: 44rem) 42rem, calc(100vw - 2rem)",
    "card": "(min-width: 72rem) 17rem, (min-width: 36rem) calc(50vw - 2rem), calc(100vw - 2rem)",
    "featured": "(min-width: 72rem) 35rem, calc(100vw - 2rem)",
}

# The JPEG rendition other sites are given (og:image, feed enclosures, structured data):
# large enough for link previews, never the stored original.
SHARED_WIDTH = 1200


@dataclass
class Picture:
    src: str
    width: int
    height: int
    webp_srcset: str = ""
    jpeg_srcset: str = ""
    sizes: str = ""


def picture(photo, kind):
    """The <picture> sources for `photo` shown as `kind` (a key of SIZES)."""
    renditions = photo.renditions or {}
    entries = renditions.get("cards" if kind in ("card", "featured") else "sizes") or []
    if not entries:
        # A photo stored before renditions existed, until `manage.py photo_files` makes them.
        return Picture(src=photo.image.url, width=photo.image_width, height=photo.image_height)
    url = photo.image.storage.url
    # The middle size is the fallback for browsers without srcset (and a sane default).
    fallback = entries[min(1, len(entries) - 1)]
    return Picture(
        src=url(fallback["jpeg"]),
        width=fallback["width"],
        height=fallback["height"],
        webp_srcset=", ".join(f"{url(entry['webp'])} {entry['width']}w" for entry in entries),
        jpeg_srcset=", ".join(f"{url(entry['jpeg'])} {entry['width']}w" for entry in entries),
        sizes=SIZES[kind],
    )


def jpeg_rendition_file(photo, max_width):
    """(stored name, width, height) of the largest JPEG rendition at most max_width wide, else of the stored image."""
    entries = [entry for entry in (photo.renditions or {}).get("sizes", []) if entry["width"] <= max_width]
    if not entries:
        entries = (photo.renditions or {}).get("sizes", [])[:1]
    if not entries:
        return photo.image.name, photo.image_width, photo.image_height
    entry = entries[-1]
    return entry["jpeg"], entry["width"], entry["height"]


def jpeg_rendition(photo, max_width):
    """(url, width, height) of the largest JPEG rendition at most max_width wide, else of the stored image."""
    name, width, height = jpeg_rendition_file(photo, max_width)
    return photo.image.storage.url(name), width, height
