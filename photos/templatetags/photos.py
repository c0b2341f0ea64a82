from django import template

from photos.pictures import jpeg_rendition, picture

register = template.Library()


@register.inclusion_tag("photos/_picture.html")
def picture_of(photo, kind="story", alt=None, lead=False):
    """
    A <picture> of the photo's renditions: WebP with a JPEG fallback, width and
    height against layout shift; lazily loaded unless it is the lead (first on screen).
    """
    return {
        "picture": picture(photo, kind),
        "alt": photo.alt_text if alt is None else alt,
        "lead": lead,
    }


@register.simple_tag(takes_context=True)
def social_image(context, photo):
    """The absolute address of the photo's JPEG (link previews), with its width and height."""
    url, width, height = jpeg_rendition(photo, 1200)
    return {"url": context["request"].build_absolute_uri(url), "width": width, "height": height}
