"""
Absolute addresses for canonical links, link previews, feeds, sitemaps,
robots.txt and structured data.

settings.SITE_URL (e.g. "https://news.example.com", required in every settings
module) is the site's public origin. The request's Host header is never used:
a client chooses it (and may add a port), and behind a proxy it may name
another host.
"""

from urllib.parse import urlsplit

from django.conf import settings


def site_origin():
    """ "https://news.example.com": the scheme and host of SITE_URL."""
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def absolute_url(url):
    """`url` (a path such as get_absolute_url() or a media URL) on SITE_URL; absolute URLs (a CDN) pass through."""
    url = str(url)
    if urlsplit(url).scheme:
        return url
    return site_origin() + url
