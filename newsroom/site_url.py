"""
Absolute addresses for feeds, sitemaps, robots.txt and structured data.

settings.SITE_URL (e.g. "https://news.example.com"), when set, is the site's
public origin: behind a proxy the request may name another host or scheme.
Without it, the request's own scheme and host are used.
"""

from urllib.parse import urlsplit

from django.conf import settings


def site_origin(request=None):
    """ "https://news.example.com": SITE_URL, else the request's origin, else "" (no request)."""
    configured = getattr(settings, "SITE_URL", "") or ""
    if configured:
        parts = urlsplit(configured)
        return f"{parts.scheme}://{parts.netloc}"
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return ""


def absolute_url(url, request=None):
    """`url` (a path such as get_absolute_url() or a media URL) made absolute; absolute URLs pass through."""
    if urlsplit(url).scheme:
        return url
    return site_origin(request) + url
