"""
Sitemaps: stories, regions and tags (an index of bounded pages), and a Google
News sitemap of the last two days' stories. Only published stories, and only
tags that a published story carries.
"""

from datetime import timedelta
from math import ceil
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils import timezone

from newsroom.site_url import site_origin
from pagecache.derived import derived
from regions.models import Region

from .models import Article, TaggedArticle


class SiteUrlSitemap(Sitemap):
    """Addresses on settings.SITE_URL, never the request's Host header."""

    def get_protocol(self, protocol=None):
        return urlsplit(site_origin()).scheme

    def get_domain(self, site=None):
        return urlsplit(site_origin()).netloc


class StoryIdPages(Paginator):
    """
    The story sitemap's pages by story id, never by counting or skipping rows: page n
    lists the published stories among `per_page` consecutive ids from the lowest, so
    every page reads one short stretch of the primary key, however many stories there
    are (a page with drafts or deleted stories lists fewer). Two index lookups give the
    number of pages.
    """

    @cached_property
    def _id_range(self):
        ids = Article.objects.order_by("pk").values_list("pk", flat=True)
        first = ids.first()
        return (first, ids.reverse().first()) if first is not None else (1, 0)

    @cached_property
    def num_pages(self):
        first, last = self._id_range
        return max(1, ceil((last - first + 1) / self.per_page))

    @property
    def count(self):
        raise NotImplementedError("Story sitemap pages are by id range and are never counted.")

    def page(self, number):
        number = self.validate_number(number)
        start = self._id_range[0] + (number - 1) * self.per_page
        # The id range drives the query, each story checked against the listing by primary
        # key: with both in one WHERE, SQLite walked the status index over every published story.
        listed = Exists(self.object_list.filter(pk=OuterRef("pk")))
        in_range = Article.objects.filter(pk__gte=start, pk__lt=start + self.per_page).filter(listed)
        stories = in_range.only(*self.object_list.query.deferred_loading[0]).order_by("pk")
        return self._get_page(stories, number, self)


class ArticleSitemap(SiteUrlSitemap):
    # Ids per sitemap page (Google allows 50,000 URLs): a page costs the same at a million
    # stories as the single page of a thousand-story site; the index lists a page per
    # thousand ids and is written without a template (index_xml).
    limit = 1000
    changefreq = "daily"

    @property
    def paginator(self):
        return StoryIdPages(self.items(), self.limit)

    def items(self):
        return Article.objects.published().only("slug", "updated_at")

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        # Django's would load every story. Kept per content generation: SQLite's planner
        # prefers the status index to the updated_at one and then sorts every story.
        return derived("sitemap:stories-lastmod", self.newest_change)  # pragma: no mutate (any own name does)

    @staticmethod
    def newest_change():
        newest = Article.objects.published().order_by("-updated_at").values_list("updated_at", flat=True)
        return newest.first()


class RegionSitemap(SiteUrlSitemap):
    changefreq = "hourly"

    def items(self):
        return Region.objects.all()


class TagSitemap(SiteUrlSitemap):
    limit = 5000
    changefreq = "daily"

    def items(self):
        # Which tags published stories carry reads every story's tags: kept per content
        # generation, as their slugs (5,000 tag rows took the index 50 ms to unpickle).
        return derived("sitemap:tag-slugs", self.tags_in_use)  # pragma: no mutate (any own name does)

    @staticmethod
    def tags_in_use():
        tagged = TaggedArticle.objects.filter(content_object__in=Article.objects.published())
        # Tag names are unique: no tie to break.
        tags = TaggedArticle.tag_model().objects.filter(pk__in=tagged.values("tag_id")).order_by("name")
        return list(tags.values_list("slug", flat=True))

    def location(self, slug):
        return reverse("articles:tag-detail", kwargs={"slug": slug})


class NewsSitemap(SiteUrlSitemap):
    """Google News: stories published in the last two days, at most 1,000 (Google's limits)."""

    limit = 1000
    changefreq = "daily"

    def lastmod(self, article):
        return article.updated_at

    def items(self):
        since = timezone.now() - timedelta(days=2)
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .only("slug", "headline", "updated_at", "published_at")
            .order_by(
                "-published_at",
                "-pk",  # pragma: no mutate (ties: both databases walk the index newest row first anyway)
            )
        )


def index_xml(items):
    """
    The sitemap index document for `items` (Django's SitemapIndexItem: location, last_mod),
    as Django's sitemap_index.xml writes it, but by joining strings: at a million stories
    the index lists a thousand story pages, which the template took about 60 ms to render.
    """
    entries = "".join(
        f"<sitemap><loc>{escape(item.location)}</loc>"
        + (f"<lastmod>{item.last_mod.isoformat()}</lastmod>" if item.last_mod else "")
        + "</sitemap>"
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>\n'
    )


SITEMAPS = {
    "stories": ArticleSitemap,
    "regions": RegionSitemap,
    "tags": TagSitemap,
}

NEWS_SITEMAPS = {"news": NewsSitemap}
