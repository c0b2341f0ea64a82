from django import template

from photos.pictures import SHARED_WIDTH, jpeg_rendition, picture

register = template.Library()


@register.inclusion_tag("photos/_picture.html")
def picture_of(photo, kind, alt=None, *, lead):
    """
    A <picture> of the photo's renditions: WebP with a JPEG fallback, width and
    height against layout shift; lazily loaded unless it is the lead (first on screen).
    """
    return {
        "picture": picture(photo, kind),
        "alt": photo.alt_text if alt is None else alt,
        "lead": lead,
    }


@register.simple_tag
def social_image(photo):
    """The photo's JPEG for link previews (og:image): its address, width and height."""
    url, width, height = jpeg_rendition(photo, SHARED_WIDTH)
    return {"url": url, "width": width, "height": height}
