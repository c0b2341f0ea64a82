import unicodedata

from anyascii import anyascii
from django.db import IntegrityError, router, transaction
from django.utils.text import slugify

# How many times a save looks for another free slug when a concurrent save took its pick.
SAVE_ATTEMPTS = 5


def ascii_slug(text, max_length=200, fallback="story"):
    """
    A URL slug for any headline, in ASCII.

    Chinese characters are transliterated to pinyin one syllable per word
    ("青岛新闻" -> "qing-dao-xin-wen"); a headline with nothing to transliterate
    (only punctuation, say) gets the fallback.
    """
    spaced = "".join(f" {anyascii(ch)} " if _is_wide(ch) else anyascii(ch) for ch in text)
    slug = slugify(spaced)[:max_length]
    slug = slug.strip("-")  # pragma: no mutate (slugify's output is lower case: "XX-XX" strips the same)
    return slug or fallback


def unique_slug(instance, text, slug_field="slug", fallback="story"):
    """Return ascii_slug(text), suffixed -2, -3, ... until no other row of the model uses (or reserves) it."""
    field = instance._meta.get_field(slug_field)
    # Keep room for a "-NNN" suffix within the column's length.
    base = ascii_slug(text, max_length=field.max_length - 8, fallback=fallback)
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    taken = set(
        others.filter(**{f"{slug_field}__startswith": base}).values_list(slug_field, flat=True)
    )
    # A model may keep other slugs from being picked (Article: old addresses that now redirect).
    reserved = getattr(instance, "reserved_slugs", None)
    if reserved is not None:
        taken |= set(reserved(base))
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def save_with_unique_slug(instance, text, save, *, slug_field="slug", fallback="story", using=None):
    """
    Give `instance` a free slug made from `text`, then call `save()`.

    Finding a free slug and writing the row are separate statements, so a concurrent
    save can take the same slug in between. The write then fails on the unique index:
    it is rolled back to a savepoint and the next free slug is tried. Any other
    integrity error (or a slug still lost after a few attempts) is raised as it is.
    """
    # The project has one database and no routers, so every alias chosen here is "default":
    # mutants of the choice (using=None, no instance hint) are equivalent.
    using = using or router.db_for_write(type(instance), instance=instance)  # pragma: no mutate (one db)
    rows = type(instance)._default_manager.using(using)  # pragma: no mutate (one db)
    for attempt in range(SAVE_ATTEMPTS):
        setattr(instance, slug_field, unique_slug(instance, text, slug_field, fallback))
        try:
            with transaction.atomic(using=using):  # pragma: no mutate (one db)
                return save()
        except IntegrityError:
            if attempt == SAVE_ATTEMPTS - 1 or not _slug_taken(rows, instance, slug_field):
                raise


def _slug_taken(rows, instance, slug_field):
    others = rows.exclude(pk=instance.pk)
    return others.filter(**{slug_field: getattr(instance, slug_field)}).exists()


def _is_wide(char):
    """CJK ideographs and full-width forms: each one is a word of its own."""
    return unicodedata.east_asian_width(char) in ("W", "F")
