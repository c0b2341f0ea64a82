"""
Values derived from the whole content that pages show but must not compute on every
request (the years that have stories, the most used tags, how many stories there are):
computed once per content generation (pagecache/cache.py) and again once a scheduled
publication passes, so they are exactly as fresh as a cached page.

Off (computed every time) when settings.CONTENT_CACHE is off, as in the tests, whose
transactions never commit and so never start a new generation.
"""

import logging

from django.conf import settings

from . import cache as page_cache_module
from .cache import current_generation, next_publication, now, page_cache

logger = logging.getLogger(__name__)

DERIVED_KEY = "pagecache:derived:{}:{}"


def derived(name, compute):
    """compute() (a function of the published content only), cached under `name` for this generation."""
    if not settings.CONTENT_CACHE or page_cache_module._bump_failed:
        return compute()
    cache = page_cache()
    try:
        # Read before computing: a write committing meanwhile makes a newer generation.
        generation = current_generation(cache)  # pragma: no mutate (None: the same cache, looked up again)
        key = DERIVED_KEY.format(generation, name)
        found = cache.get(key)
        if found is not None and now() < found[0]:
            return found[1]
        expires = next_publication(generation, cache)
    except Exception:
        logger.warning("Page cache unreachable; computing %s", name, exc_info=True)
        return compute()
    value = compute()
    try:
        cache.set(key, (expires, value), settings.PAGE_CACHE_SECONDS)
    except Exception:
        # Untested: it takes a cache lost between the read above and this write, which no real cache here does.
        logger.warning("Page cache unreachable; %s not kept", name, exc_info=True)  # pragma: no mutate
    return value
