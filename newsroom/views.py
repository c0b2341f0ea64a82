from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sitemaps.views import SitemapIndexItem
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from regions.models import Region

from .site_url import absolute_url, site_origin


@never_cache
@require_safe
def healthz(request):
    """
    Tell a load balancer whether this instance can reach its database: 200 and
    {"status": "ok"}, or 503 when it cannot. GET or HEAD; never cached, and
    exempt from the HTTPS redirect (SECURE_REDIRECT_EXEMPT) for plain-HTTP probes.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


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
    """Django's sitemap index, with its page addresses on SITE_URL."""
    response = sitemap_views.index(request, **kwargs)
    origin = site_origin()
    response.context_data["sitemaps"] = [
        SitemapIndexItem(origin + _path_and_query(item.location), item.last_mod)
        for item in response.context_data["sitemaps"]
    ]
    return response


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
