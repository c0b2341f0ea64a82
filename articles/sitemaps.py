"""
Sitemaps: stories, regions and tags (an index of bounded pages), and a Google
News sitemap of the last two days' stories. Only published stories, and only
tags that a published story carries.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone

from newsroom.site_url import site_origin
from regions.models import Region

from .models import Article, TaggedArticle


class SiteUrlSitemap(Sitemap):
    """Addresses on settings.SITE_URL, never the request's Host header."""

    def get_protocol(self, protocol=None):
        return urlsplit(site_origin()).scheme

    def get_domain(self, site=None):
        return urlsplit(site_origin()).netloc


class ArticleSitemap(SiteUrlSitemap):
    limit = 5000  # URLs per sitemap page; Google allows 50,000, smaller pages render faster
    changefreq = "daily"

    def items(self):
        return Article.objects.published().only("slug", "updated_at", "published_at").order_by("-published_at", "-pk")

    def lastmod(self, article):
        return article.updated_at


class RegionSitemap(SiteUrlSitemap):
    changefreq = "hourly"

    def items(self):
        return Region.objects.all()


class TagSitemap(SiteUrlSitemap):
    limit = 5000
    changefreq = "daily"

    def items(self):
        tagged = TaggedArticle.objects.filter(content_object__in=Article.objects.published())
        return TaggedArticle.tag_model().objects.filter(pk__in=tagged.values("tag_id")).order_by("name", "pk")

    def location(self, tag):
        return reverse("articles:tag-detail", kwargs={"slug": tag.slug})


class NewsSitemap(ArticleSitemap):
    """Google News: stories published in the last two days, at most 1,000 (Google's limits)."""

    limit = 1000

    def items(self):
        since = timezone.now() - timedelta(days=2)
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .only("slug", "headline", "updated_at", "published_at")
            .order_by("-published_at", "-pk")
        )


SITEMAPS = {
    "stories": ArticleSitemap,
    "regions": RegionSitemap,
    "tags": TagSitemap,
}

NEWS_SITEMAPS = {"news": NewsSitemap}
