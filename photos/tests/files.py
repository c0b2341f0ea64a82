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
    """
    The JPEG with an IPTC block (Photoshop APP13), as agency software writes it
    (text as UTF-8, bytes as given; a list: the dataset repeated, once per item).
    """
    numbers = {"caption": 120, "byline": 80, "credit": 110, "copyright": 116}
    encoded = [
        (key, item if isinstance(item, bytes) else item.encode())
        for key, value in datasets.items()
        for item in (value if isinstance(value, list) else [value])
    ]
    iim = b"".join(
        b"\x1c\x02" + bytes([numbers[key]]) + struct.pack(">H", len(value)) + value for key, value in encoded
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


def animated_gif_timed(durations, loop=None, width=60, height=40):
    """An animation of one colour per frame; `durations` in milliseconds (None: the file names no delays)."""
    colors = [RED, BLUE, (20, 160, 60), (240, 200, 0)]
    images = [Image.new("RGB", (width, height), colors[n % len(colors)]).convert("P") for n in range(3)]
    options = {} if durations is None else {"duration": durations}
    if loop is not None:
        options["loop"] = loop
    buffer = io.BytesIO()
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], **options)
    return buffer.getvalue()


# sRGB's red, green and blue as an ICC profile states them (XYZ, D50).
SRGB_RED, SRGB_GREEN, SRGB_BLUE = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)


def s15fixed16(value):
    return struct.pack(">i", round(value * 65536))


def xyz_tag(values):
    return b"XYZ \0\0\0\0" + b"".join(s15fixed16(value) for value in values)


D50_WHITE = (0.9642, 1.0, 0.8249)


def icc_profile(kind, tags):
    """An ICC v2 profile: `kind` is its class, colour space and connection space (b"mntrRGB XYZ ")."""
    name = b"Test profile"
    description = b"desc\0\0\0\0" + struct.pack(">I", len(name) + 1) + name + b"\0" + b"\0" * 11 + b"\0" * 67
    tags = [(b"desc", description), (b"wtpt", xyz_tag(D50_WHITE)), (b"cprt", b"text\0\0\0\0none\0"), *tags]
    offset = 128 + 4 + 12 * len(tags)
    table = data = b""
    for signature, body in tags:
        body += b"\0" * (-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    header = (
        struct.pack(">I", offset + len(data))
        + b"\0" * 4
        + struct.pack(">I", 0x02100000)
        + kind
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 28
        + xyz_tag(D50_WHITE)[8:]
        + b"\0" * 48
    )
    return header + struct.pack(">I", len(tags)) + table + data


def rgb_icc_profile(red, green, blue, gamma=2.2):
    """A minimal ICC v2 display profile: the three colorants given (XYZ, D50) and one gamma curve."""
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256))
    colorants = [(b"rXYZ", xyz_tag(red)), (b"gXYZ", xyz_tag(green)), (b"bXYZ", xyz_tag(blue))]
    return icc_profile(b"mntrRGB XYZ ", colorants + [(b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve)])


def lut8(inputs, outputs, grid):
    """An ICC lut8Type: straight input and output curves round a grid of two points a side."""
    identity = bytes(range(256))
    matrix = b"".join(s15fixed16(1.0 if row == column else 0.0) for row in range(3) for column in range(3))
    points = bytes(value for point in grid for value in point)
    assert len(points) == 2 ** inputs * outputs
    return (
        b"mft1\0\0\0\0"
        + bytes([inputs, outputs, 2, 0])
        + matrix
        + identity * inputs
        + points
        + identity * outputs
    )


def cyan_prints_red_profile():
    """
    A printer's CMYK profile whose cyan ink prints red (its magenta green, its yellow blue; two inks
    or any black print black): a file's full cyan means red on screen, where a reading of its numbers
    without the profile shows cyan. Lab colours as lut8 encodes them: L 0-100 -> 0-255, a and b + 128.
    """
    white, black = (255, 128, 128), (0, 128, 128)
    ink = {(1, 0, 0): (138, 208, 195), (0, 1, 0): (224, 49, 209), (0, 0, 1): (77, 196, 16)}
    corners = []
    for c in (0, 1):  # the first channel varies slowest
        for m in (0, 1):
            for y in (0, 1):
                for k in (0, 1):
                    corners.append(white if (c, m, y, k) == (0, 0, 0, 0) else black if k else ink.get((c, m, y), black))
    to_ink = [(0, 0, 0, 0)] * 8  # the way back is never taken here
    return icc_profile(b"prtrCMYKLab ", [(b"A2B0", lut8(4, 3, corners)), (b"B2A0", lut8(3, 4, to_ink))])


def red_and_blue_swapped_profile():
    """A profile whose red is sRGB's blue and whose blue is sRGB's red: a file's red numbers mean blue."""
    return rgb_icc_profile(SRGB_BLUE, SRGB_GREEN, SRGB_RED)
