"""RSS and Atom feeds of the newest published stories: the whole site, a region, a tag."""

import mimetypes

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure

from newsroom.site_url import absolute_url
from photos.pictures import SHARED_WIDTH, jpeg_rendition_file
from regions.models import Region

from .models import Article, TaggedArticle

FEED_SIZE = 20


class ArticleFeed(Feed):
    """The newest published stories, each with its summary, regions, tags and lead photo."""

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj):
        # Regions, tags and every photo's renditions (the enclosure), prefetched; the body is never shown.
        return self.articles(obj).with_relations().defer("body", "body_html")[:FEED_SIZE]

    def link(self, obj):
        return absolute_url(self.page_url(obj))

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        return article.summary

    def item_link(self, article):
        return absolute_url(article.get_absolute_url())

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_author_name(self, article):
        return article.byline.removeprefix("By ").strip() or None

    def item_categories(self, article):
        return [region.name for region in article.regions.all()] + [tag.name for tag in article.tags.all()]

    def item_enclosures(self, article):
        photo = article.lead_photo
        if photo is None:
            return []
        name, _, _ = jpeg_rendition_file(photo, SHARED_WIDTH)
        storage = photo.image.storage
        try:
            length = storage.size(name)
        except OSError:
            # A photo missing from storage must not take the whole feed down;
            # 0 is the conventional "unknown length".
            length = 0
        mime_type = mimetypes.guess_type(name)[0] or "image/jpeg"
        return [Enclosure(absolute_url(storage.url(name)), str(length), mime_type)]


class LatestArticlesFeed(ArticleFeed):
    description = "The latest news from Qingdao's districts and counties."

    def title(self, obj):
        return settings.SITE_NAME

    def page_url(self, obj):
        return reverse("articles:home")


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


class RegionFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Region, slug=slug)

    def articles(self, region):
        return Article.objects.published().filter(regions=region)

    def title(self, region):
        return f"{region.name} · {settings.SITE_NAME}"

    def description(self, region):
        return region.description or f"News from {region.name}, Qingdao."

    def page_url(self, region):
        return region.get_absolute_url()


class RegionAtomFeed(RegionFeed):
    feed_type = Atom1Feed
    subtitle = RegionFeed.description


class TagFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(TaggedArticle.tag_model(), slug=slug)

    def articles(self, tag):
        return Article.objects.published().with_tag(tag)

    def items(self, tag):
        # As on the tag's page: a tag used only on unpublished stories does not exist for
        # readers (asked of the feed's own stories: no query of its own).
        stories = list(super().items(tag))
        if not stories:
            raise Http404("No published story has this tag")  # pragma: no mutate (readers' 404 page omits it)
        return stories

    def title(self, tag):
        return f"{tag.name} · {settings.SITE_NAME}"

    def description(self, tag):
        return f"Stories tagged {tag.name}."

    def page_url(self, tag):
        return reverse("articles:tag-detail", kwargs={"slug": tag.slug})


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed
    subtitle = TagFeed.description
