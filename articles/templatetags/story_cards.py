"""
Story cards and headline rows rendered once and kept in the cache, keyed by everything
they show (the story's fields and card data, the template's own source, where photos
are stored and the time zone): a changed story or template makes a new key, so a kept
fragment is never out of date. Listing pages then join kept HTML instead of
rendering dozens of small templates on every request.
"""

import hashlib
import json
from functools import cache as once

from django import template
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.template.loader import get_template
from django.utils.safestring import mark_safe

register = template.Library()

CARD_TEMPLATE = "articles/_article_card.html"
HEADLINE_TEMPLATE = "articles/_headline_row.html"
FRAGMENT_SECONDS = 24 * 3600


@once
def _template(name):
    compiled = get_template(name)
    return compiled, hashlib.md5(compiled.template.source.encode(), usedforsecurity=False).hexdigest()


def _fragment(name, context, key_parts):
    compiled, source_digest = _template(name)
    parts = [name, source_digest, settings.TIME_ZONE, *key_parts]
    digest = hashlib.md5(
        json.dumps(parts, default=str).encode(),
        usedforsecurity=False,  # pragma: no mutate (only FIPS systems refuse md5 for security)
    ).hexdigest()
    key = (
        "fragment:"  # pragma: no mutate (any prefix of its own does)
        + digest
    )
    fragments = caches[settings.PAGE_CACHE_ALIAS]
    try:
        html = fragments.get(key)
    except Exception:  # any cache backend's error (Redis down): render it, keep nothing
        return compiled.render(context)
    if html is None:
        html = compiled.render(context)
        fragments.set(key, html, FRAGMENT_SECONDS)
    return mark_safe(html)  # rendered (and escaped) by the template above


@register.simple_tag
def story_card(article, featured=False, eager=False, heading_level=2):
    """
    A story's card (its headline, summary, date, regions and lead photo); `eager`: its photo
    loads at once; `heading_level`: the level of its headline under the page's own heading.
    """
    heading_level = heading_level or 2
    return _fragment(
        CARD_TEMPLATE,
        {"article": article, "featured": featured, "eager": eager, "heading_level": heading_level},
        [article.pk, article.slug, article.headline, article.summary, article.published_at, article.card]
        + [featured, eager, heading_level, _storage_location()],
    )


@once
def _storage_location():
    # Photo addresses depend on where files are stored (MEDIA_URL, or a bucket's address).
    return default_storage.url("photos")


@register.simple_tag
def story_headline(story):
    """A story as one row of a headline list (its headline and date)."""
    return _fragment(
        HEADLINE_TEMPLATE, {"story": story}, [story.pk, story.slug, story.headline, story.published_at]
    )
