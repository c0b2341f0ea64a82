import unicodedata

from anyascii import anyascii
from django.utils.text import slugify


def ascii_slug(text, max_length=200, fallback="story"):
    """
    A URL slug for any headline, in ASCII.

    Chinese characters are transliterated to pinyin one syllable per word
    ("青岛新闻" -> "qing-dao-xin-wen"); a headline with nothing to transliterate
    (only punctuation, say) gets the fallback.
    """
    spaced = "".join(f" {anyascii(ch)} " if _is_wide(ch) else anyascii(ch) for ch in text)
    slug = slugify(spaced)[:max_length].strip("-")
    return slug or fallback


def unique_slug(instance, text, slug_field="slug"):
    """Return ascii_slug(text), suffixed -2, -3, ... until no other row of the model uses it."""
    field = instance._meta.get_field(slug_field)
    # Keep room for a "-NNN" suffix within the column's length.
    base = ascii_slug(text, max_length=field.max_length - 8)
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    taken = set(
        others.filter(**{f"{slug_field}__startswith": base}).values_list(slug_field, flat=True)
    )
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def _is_wide(char):
    """CJK ideographs and full-width forms: each one is a word of its own."""
    return unicodedata.east_asian_width(char) in ("W", "F")
