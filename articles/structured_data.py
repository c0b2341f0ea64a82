"""schema.org NewsArticle data for a story page (Google's "Article" structured data)."""

from django.conf import settings
from django.templatetags.static import static

from newsroom.site_url import absolute_url
from photos.pictures import SHARED_WIDTH, jpeg_rendition


def news_article(article):
    """The JSON-LD object for `article`: what Google's article documentation asks for."""
    url = absolute_url(article.get_absolute_url())
    publisher = {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": absolute_url("/"),
        "logo": {"@type": "ImageObject", "url": absolute_url(static("favicon.svg"))},
    }
    byline = article.byline.removeprefix("By ").strip()
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline[:110],  # Google shows at most 110 characters
        "description": article.summary,
        "image": [absolute_url(jpeg_rendition(photo, SHARED_WIDTH)[0]) for photo in article.photos.all()],
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": article.updated_at.isoformat(),
        # A story without a byline is the newsroom's own.
        "author": [{"@type": "Person", "name": byline}] if byline else [publisher],
        "publisher": publisher,
        # From the story's card data (articles/cards.py): no query.
        "articleSection": [region.name for region in article.card_regions] or ["City-wide"],
        "keywords": [tag.name for tag in article.card_tags],
        "inLanguage": "en",
    }
    return {key: value for key, value in data.items() if value not in (None, "", [])}
