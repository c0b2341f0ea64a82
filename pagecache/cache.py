"""
The anonymous page cache: what is cached, under which key, with which headers, and
what makes it stale. Everything about it is in this module.

Views opt in with @reader_page. PageCacheMiddleware (right after WhiteNoise) serves
an anonymous GET or HEAD of such a view from the cache without touching the
session, and stores what the view rendered.

Correctness rests on one rule: an entry is served only if it was rendered under the
current *content generation* and before the next scheduled publication known then.
- The generation is one number in the shared cache. Every committed write to a
  content model (stories, photos, tags and their links, regions: all models of
  CONTENT_APPS, and their many-to-many links) increments it once the transaction
  commits, so every page is fresh at once on every app server sharing the cache.
  So does `migrate` (once per release), so a deploy's new templates show at once.
- A story published for a future time changes pages without any write when its
  time comes; each entry carries the time of the next scheduled publication (read
  once per generation) and is not served from then on.
The generation is read before a page is rendered: a write committing during the
render bumps it, so what that render stores is never served.

Signed-in staff (any request with a session cookie) are never served from the
cache nor stored in it, and get `private, no-store`; reader pages set no cookies.
"""

import hashlib
import logging
import time
from dataclasses import dataclass
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, parse_http_date_safe, quote_etag

logger = logging.getLogger(__name__)

# Apps whose models are what reader pages show: any committed write to them makes a new generation.
CONTENT_APPS = ("articles", "regions", "search")

GENERATION_KEY = "pagecache:generation"
SCHEDULE_KEY = "pagecache:next-publication:{}"
PAGE_KEY = "pagecache:page:{}"
NEVER = float("inf")
STORED_STATUSES = (200, 404)


def page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def now():
    # Through django.utils.timezone, so tests move this clock and published() together.
    return timezone.now().timestamp()


# --- Opting in ----------------------------------------------------------------


@dataclass(frozen=True)
class ReaderPage:
    query: tuple  # query-string parameters the page depends on; others are left out of the key


def reader_page(view=None, *, query=("page",)):
    """
    Mark a view as a reader page: anonymous GET/HEAD responses are cached whole and get
    CDN headers, ETag and Last-Modified. `query` names the query-string parameters
    the page depends on (others, such as utm_source, do not make new entries).
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            return view(request, *args, **kwargs)

        wrapped.reader_page = ReaderPage(query=tuple(query))
        return wrapped

    return decorate(view) if view is not None else decorate


def reader_page_of(request):
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return getattr(match.func, "reader_page", None)


# --- The content generation -----------------------------------------------------


def current_generation(cache=None):
    cache = cache or page_cache()
    generation = cache.get(GENERATION_KEY)  # pragma: no mutate (a shortcut: add() keeps a counter there)
    if generation is None:
        # A fresh (or evicted) counter starts from the clock, so it never repeats a
        # number that old entries still carry.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


# Set when this process could not reach the cache to start a new generation; its next
# reader request tries again before anything is served from the cache.
_bump_failed = False


def bump_generation(**kwargs):
    """Start a new content generation now: every cached page is stale from here on."""
    global _bump_failed
    cache = page_cache()
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # no counter (a fresh or emptied cache): a new one is a new generation
            current_generation(cache)  # pragma: no mutate (None is the same page_cache())
    except Exception:
        # Any cache backend's error (Redis down): the change is committed, so it is not
        # undone; the bump is retried (below) before this process serves from the cache again.
        _bump_failed = True
        logger.exception("Could not start a new page cache generation; will retry")
    else:
        _bump_failed = False  # pragma: no mutate (None is as false)


def bump_generation_on_commit(using=None, **kwargs):
    """
    New generation once the current transaction commits (at once outside one); a
    rollback changes nothing. Call it after writes that send no signals to content
    models (QuerySet.update, bulk_create).
    """
    transaction.on_commit(bump_generation, using=using)


def next_publication(generation, cache):
    """
    Time (a timestamp) of the next scheduled publication, as the database says under
    `generation`, or NEVER. Read from the database at most once per generation and
    once each time a scheduled publication passes.
    """
    # Imported here: articles' URLs import this module.
    from articles.models import Article

    key = SCHEDULE_KEY.format(generation)
    known = cache.get(key)
    if known is not None and now() < known:
        return known
    first = Article.objects.scheduled().order_by("published_at").values_list("published_at", flat=True).first()
    known = first.timestamp() if first else NEVER
    cache.set(key, known, timeout=settings.PAGE_CACHE_SECONDS)
    return known


def connect_invalidation():
    # No dispatch_uid: the receivers are module-level functions, and Django already
    # connects a receiver once per sender, so running this again doubles nothing.
    for label in CONTENT_APPS:
        for model in apps.get_app_config(label).get_models():
            # Per model, so deletes of unrelated models (sessions, sign-in records) stay fast.
            post_save.connect(bump_generation_on_commit, sender=model)
            post_delete.connect(bump_generation_on_commit, sender=model)
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(_m2m_changed, sender=field.remote_field.through)
    post_migrate.connect(bump_generation)


def _m2m_changed(action, using=None, **kwargs):
    if action.startswith("post_"):
        bump_generation_on_commit(using=using)


# --- Serving ------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    generation: int
    expires: float  # the next scheduled publication known when it was rendered
    status: int
    headers: tuple
    content: bytes

    def response(self):
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response.headers[name] = value
        return response


def page_key(request, page):
    """The page's address: its path and the query-string parameters it depends on, in order."""
    params = sorted((name, value) for name in page.query for value in request.GET.getlist(name))
    # Any separators that keep the path and the parameters apart do: the address is only hashed.
    address = (
        request.path
        + "?"  # pragma: no mutate (any separator does)
        + "&".join(  # pragma: no mutate (any separator does)
            f"{name}={value}" for name, value in params
        )
    )
    return PAGE_KEY.format(hashlib.sha256(address.encode()).hexdigest())


def is_reader(request):
    # Only staff have sessions: reader pages set no cookies. No session lookup needed.
    return request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES


def cache_control():
    return {
        "public": True,
        "max_age": settings.PAGE_MAX_AGE,
        "s_maxage": settings.PAGE_S_MAXAGE,
        "stale_while_revalidate": settings.PAGE_STALE_WHILE_REVALIDATE,
    }


def finish_reader_response(response):
    """The headers of a page every reader gets alike: shareable, with validators."""
    # Header names are case-insensitive: their case mutants are equivalent, hence the pragmas.
    has_cache_control = response.has_header("Cache-Control")  # pragma: no mutate (any case)
    has_etag = response.has_header("ETag")  # pragma: no mutate (any case)
    has_last_modified = response.has_header("Last-Modified")  # pragma: no mutate (any case)
    if not has_cache_control:
        patch_cache_control(response, **cache_control())
    patch_vary_headers(response, ("Cookie",))
    if not response.streaming and not has_etag:
        digest = hashlib.md5(
            response.content,
            usedforsecurity=False,  # pragma: no mutate (the same digest; False only allows md5 on FIPS)
        )
        response["ETag"] = quote_etag(digest.hexdigest())  # pragma: no mutate (any case)
    if not has_last_modified:
        response["Last-Modified"] = http_date(now())  # pragma: no mutate (any case)
    return response


def shareable(response):
    """A page every reader would get alike: no cookie, nothing marked private."""
    cache_control_value = response.get("Cache-Control", "")
    return (
        response.status_code in STORED_STATUSES
        and not response.streaming
        and not response.cookies
        and not any(word in cache_control_value for word in ("private", "no-store", "no-cache"))
    )


def conditional(request, response):
    last_modified = response.get("Last-Modified")
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(last_modified) if last_modified else None,
        response=response,
    )


class PageCacheMiddleware:
    """Serves and stores reader pages (views marked with @reader_page); see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        page = reader_page_of(request)
        if page is None:
            return self.get_response(request)
        if not is_reader(request):
            response = self.get_response(request)
            # Staff pages (and previews) stay in the browser that asked, and nowhere else.
            add_never_cache_headers(response)
            patch_vary_headers(response, ("Cookie",))
            response["X-Page-Cache"] = "bypass"
            return response
        if not settings.PAGE_CACHE:
            response = self.get_response(request)
            if shareable(response):
                finish_reader_response(response)
            return conditional(request, response)

        cache = page_cache()
        key = page_key(request, page)
        if _bump_failed:
            bump_generation()
            if _bump_failed:
                return self.get_response(request)
        try:
            found = cache.get_many([GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY)
            if generation is None:
                generation = current_generation(cache)
        except Exception:
            # Any cache backend's error (Redis down, say): readers still get the page, rendered.
            logger.warning("Page cache unreachable; rendering %s uncached", request.path, exc_info=True)
            return self.get_response(request)
        entry = found.get(key)
        if entry is not None and entry.generation == generation and now() < entry.expires:
            response = entry.response()
            response["X-Page-Cache"] = "hit"
            return conditional(request, response)

        # Read before rendering: a write committing meanwhile makes a newer generation.
        expires = next_publication(generation, cache)
        response = self.get_response(request)
        if shareable(response):
            finish_reader_response(response)
        if shareable(response) and request.method == "GET":
            timeout = settings.PAGE_CACHE_SECONDS
            if expires != NEVER:
                timeout = max(1, min(timeout, int(expires - now()) + 1))
            headers = tuple(response.items())  # before its X-Page-Cache header is set
            cache.set(key, Entry(generation, expires, response.status_code, headers, response.content), timeout)
        response["X-Page-Cache"] = "miss"
        return conditional(request, response)
