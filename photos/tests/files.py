"""Real photo files for the tests, built with Pillow: what phones, agencies and graphics desks send."""

import io
import struct

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from PIL.ExifTags import GPS, IFD, Base

RED, BLUE = (220, 20, 30), (20, 40, 220)
GPS_LATITUDE = (36.0, 4.0, 1.5)
CAMERA_SERIAL = "SERIAL-4C0FFEE"


def upright_picture(width, height):
    """Red on top, blue below: which way up a file was shown is visible in its pixels."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width, height // 2))
    return image


def phone_jpeg(width=1200, height=1600):
    """
    A portrait phone photo as phones store it: the pixels lying on their side,
    an EXIF orientation tag (6: turn 90 degrees clockwise to show), a GPS
    position, a serial number, an XMP packet and a comment.
    """
    exif = Image.Exif()
    exif[Base.Orientation] = 6
    exif[Base.Make] = "PhoneMaker"
    exif[Base.BodySerialNumber] = CAMERA_SERIAL
    gps = exif.get_ifd(IFD.GPSInfo)
    gps[GPS.GPSLatitudeRef] = "N"
    gps[GPS.GPSLatitude] = GPS_LATITUDE
    gps[GPS.GPSLongitudeRef] = "E"
    gps[GPS.GPSLongitude] = (120.0, 23.0, 2.5)
    buffer = io.BytesIO()
    sideways = upright_picture(width, height).transpose(Image.Transpose.ROTATE_90)
    sideways.save(buffer, "JPEG", quality=90, exif=exif, comment=b"home of the source", xmp=xmp())
    return buffer.getvalue()


def xmp(description="", creator="", credit=""):
    parts = []
    if description:
        parts.append(f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{description}</rdf:li></rdf:Alt></dc:description>')
    if creator:
        parts.append(f"<dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>")
    credit_attribute = f' photoshop:Credit="{credit}"' if credit else ""
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"{credit_attribute}>'
        f"{''.join(parts)}<exif:GPSLatitude xmlns:exif=\"http://ns.adobe.com/exif/1.0/\">36,4.025N</exif:GPSLatitude>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode()


def xmp_packet(*elements):
    """An XMP packet holding the given Dublin Core elements as written (dc: prefix bound)."""
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">{"".join(elements)}</rdf:Description>'
        "</rdf:RDF></x:xmpmeta>"
    ).encode()


def with_iptc(jpeg, **datasets):
    """The JPEG with an IPTC block (Photoshop APP13), as agency software writes it (text as UTF-8, bytes as given)."""
    numbers = {"caption": 120, "byline": 80, "credit": 110, "copyright": 116}
    encoded = {key: value if isinstance(value, bytes) else value.encode() for key, value in datasets.items()}
    iim = b"".join(
        b"\x1c\x02" + bytes([numbers[key]]) + struct.pack(">H", len(value)) + value for key, value in encoded.items()
    )
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iim)) + iim
    if len(iim) % 2:
        resource += b"\x00"
    payload = b"Photoshop 3.0\x00" + resource
    return jpeg[:2] + b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def agency_jpeg(**datasets):
    buffer = io.BytesIO()
    upright_picture(900, 600).save(buffer, "JPEG")
    return with_iptc(buffer.getvalue(), **datasets)


def png_with_alpha(width=1000, height=500):
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    image.paste((20, 40, 220, 255), (0, 0, width // 2, height))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def animated_gif(width=500, height=300, frames=3):
    buffer = io.BytesIO()
    colors = [RED, BLUE, (20, 160, 60), (240, 200, 0)]
    images = [Image.new("RGB", (width, height), colors[n % len(colors)]).convert("P") for n in range(frames)]
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], duration=120, loop=0, comment=b"secret")
    return buffer.getvalue()


def webp(width=1700, height=900):
    buffer = io.BytesIO()
    upright_picture(width, height).save(buffer, "WEBP", quality=90)
    return buffer.getvalue()


def one_pixel_png():
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), RED).save(buffer, "PNG")
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
