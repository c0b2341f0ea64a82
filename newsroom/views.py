import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sitemaps.views import SitemapIndexItem
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from articles.sitemaps import index_xml
from pagecache.derived import derived
from regions.models import Region

from .site_url import absolute_url, site_origin


@never_cache
@require_safe
def healthz(request):
    """
    Tell a load balancer whether this instance can serve: 200 with {"status": "ok",
    "database": "ok", "cache": "ok"}; 503 when it cannot reach its database. An
    unreachable cache is reported ("status": "degraded", 200): pages are still
    served, rendered each time, so taking every server out would be worse. GET or
    HEAD; never cached, and exempt from the HTTPS redirect (SECURE_REDIRECT_EXEMPT)
    for plain-HTTP probes.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    if cache_answers():
        return JsonResponse({"status": "ok", "database": "ok", "cache": "ok"})
    return JsonResponse({"status": "degraded", "database": "ok", "cache": "unreachable"})


def cache_answers():
    """Whether the cache keeps what it is given: a key of this probe's own, written, read, removed."""
    key = f"healthz:{secrets.token_hex(8)}"  # pragma: no mutate (any random key does)
    token = secrets.token_hex(8)  # pragma: no mutate (any random token does)
    try:
        cache.set(key, token, timeout=10)
        kept = cache.get(key) == token
        cache.delete(key)
    except Exception:  # each cache backend has its own errors (Redis, memcached, files)
        return False
    return kept


def favicon(request):
    return HttpResponsePermanentRedirect(staticfiles_storage.url("favicon.svg"))


@require_safe
def robots_txt(request):
    """Crawlers may read every reader page except search results; the sitemaps are named."""
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {reverse('search:search')}",
        "",
        f"Sitemap: {absolute_url(reverse('sitemap'))}",
        f"Sitemap: {absolute_url(reverse('news-sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def sitemap_index(request, **kwargs):
    """
    Django's sitemap index, with its page addresses on SITE_URL, written by
    articles.sitemaps.index_xml. Kept per content generation (pagecache/derived.py): at a
    million stories it lists a thousand story pages, each address reversed.
    """

    def written():
        response = sitemap_views.index(request, **kwargs)
        origin = site_origin()
        items = [
            SitemapIndexItem(origin + _path_and_query(item.location), item.last_mod)
            for item in response.context_data["sitemaps"]
        ]
        # No Last-Modified: Django's index sends one only when every section has a lastmod
        # (regions and tags have none); the page cache dates the page instead.
        copied = ("Content-Type", "X-Robots-Tag")  # pragma: no mutate (header names ignore case)
        headers = {h: response[h] for h in copied if h in response}
        return index_xml(items), headers

    content, headers = derived(f"sitemap-index:{request.path}", written)  # pragma: no mutate (any key does)
    return HttpResponse(content, headers=headers)


def _path_and_query(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@requires_csrf_token
def server_error(request):
    """
    The 500 page in the site's look. Rendered without context processors and
    with the region navigation only if the database answers: the error may be
    the database itself.
    """
    try:
        regions = list(Region.objects.only("name", "slug", "position"))
    except DatabaseError:
        regions = []
    context = {"site_name": settings.SITE_NAME, "navigation_regions": regions, "request": request}
    return HttpResponseServerError(loader.render_to_string("500.html", context))
