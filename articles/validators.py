from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

MAX_PHOTO_BYTES = 10 * 1024 * 1024


def validate_image_size(file):
    if file.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            "This photo is %(size)s; the largest accepted is %(limit)s.",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(MAX_PHOTO_BYTES)},
            code="photo_too_large",
        )
