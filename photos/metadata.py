"""
The caption and credit a photo file carries inside it (IPTC, XMP, EXIF), read
before the metadata is stripped, so agency photos arrive captioned and credited
when the journalist leaves those fields empty.

IPTC is what agencies fill in; XMP mirrors it in newer tools; EXIF's
ImageDescription/Artist/Copyright are what cameras and phones write.
"""

from dataclasses import dataclass

from PIL import IptcImagePlugin
from PIL.ExifTags import Base

# IPTC IIM record 2 datasets.
IPTC_CAPTION = (2, 120)
IPTC_BYLINE = (2, 80)
IPTC_CREDIT = (2, 110)
IPTC_COPYRIGHT = (2, 116)


@dataclass(frozen=True)
class EmbeddedText:
    caption: str = ""
    credit: str = ""


def embedded_text(image):
    """The caption and credit line found in an opened (not yet decoded) Pillow image."""
    iptc, xmp, exif = read_iptc(image), read_xmp(image), read_exif(image)
    caption = first(iptc.get(IPTC_CAPTION), xmp.get("description"), exif.get(Base.ImageDescription))
    byline = first(iptc.get(IPTC_BYLINE), xmp.get("creator"), exif.get(Base.Artist))
    credit_line = first(iptc.get(IPTC_CREDIT), xmp.get("Credit"))
    copyright_ = first(iptc.get(IPTC_COPYRIGHT), xmp.get("rights"), exif.get(Base.Copyright))
    # "Zhang Yi/Xinhua", as agencies print it; the copyright notice only when nothing else names anyone.
    people = [part for part in dict.fromkeys([byline, credit_line]) if part]
    credit = "/".join(people) or copyright_
    return EmbeddedText(caption=caption, credit=credit)


def first(*values):
    for value in values:
        text = " ".join(str(value or "").split())
        if text:
            return text
    return ""


def read_iptc(image):
    try:
        data = IptcImagePlugin.getiptcinfo(image) or {}
    except Exception:
        # Hostile or broken IPTC blocks only cost the prefill, never the upload.
        return {}
    return {key: decode(value[0] if isinstance(value, list) else value) for key, value in data.items()}


def decode(value):
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")  # pragma: no mutate (codec names ignore case)
        except UnicodeDecodeError:
            return value.decode("latin-1")  # pragma: no mutate (codec names ignore case; a test reads Latin-1)
    return str(value)


def read_xmp(image):
    """The XMP Dublin Core / Photoshop fields we use, by local name (Pillow parses XMP with defusedxml)."""
    try:
        tree = image.getxmp()
    except Exception:
        return {}
    found = {}

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in ("description", "creator", "rights", "Credit") and key not in found:
                    found[key] = xmp_text(value)
                else:
                    walk(value)

    walk(tree)
    return found


def xmp_text(node):
    """The text of an XMP value: a plain string, or the first item of an rdf:Alt/Seq/Bag."""
    if isinstance(node, str):
        return node
    if isinstance(node, list):
        # Pillow makes a list only of two or more repeated elements, never an empty one.
        return xmp_text(node[0])
    if isinstance(node, dict):
        if "text" in node:
            return str(node["text"])
        for key in ("Alt", "Seq", "Bag", "li"):
            if key in node:
                return xmp_text(node[key])
    return ""


def read_exif(image):
    try:
        exif = image.getexif()
        return {tag: decode(exif.get(tag)) for tag in (Base.ImageDescription, Base.Artist, Base.Copyright) if exif.get(tag)}
    except Exception:
        return {}
