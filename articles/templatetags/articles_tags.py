import unicodedata

from django import template

from articles.models import Article
from newsroom import site_url
from pagecache.derived import derived

register = template.Library()


# `url` (a path such as "/stories/x/", or already absolute, e.g. on a CDN) on SITE_URL:
# never the request's Host header, which a client chooses, nor its query string.
register.filter("absolute_url", site_url.absolute_url)


def _columns(char):
    # Chinese characters take two columns on screen and in search snippets.
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _in_word(char):
    return not char.isspace() and _columns(char) == 1


@register.filter
def excerpt(text, width=160):
    """
    The start of `text` on one line for a meta description or link preview: at most
    `width` columns, a Chinese character counting two. Text written with spaces is
    cut between words; text without spaces (Chinese) between characters, which
    truncatewords cannot do. An ellipsis marks a cut.
    """
    text = " ".join(str(text).split())
    used = 0
    for cut, char in enumerate(text):
        used += _columns(char)
        if used > width:
            break
    else:
        return text
    kept = text[:cut]
    if _in_word(text[cut]) and kept and _in_word(kept[-1]) and " " in kept:
        kept = kept.rsplit(" ", 1)[0]
    return kept.rstrip(" ,.;:，。；：、") + "…"


@register.inclusion_tag("articles/_more_stories.html")
def more_stories(article, count=5):
    """
    Headlines to read next under a story: the newest others from its first region,
    or the newest others from the whole city for a city-wide story. One query, once
    per content generation (pagecache/derived.py).
    """
    regions = article.card_regions
    region = regions[0] if regions else None

    def newest_others():
        stories = Article.objects.published().exclude(pk=article.pk)
        if region is not None:
            stories = stories.filter(regions=region.pk)
        return list(stories.only("headline", "slug", "published_at")[:count])

    place = region.pk if region else "city"
    return {"region": region, "stories": derived(f"more-from:{place}:{article.pk}:{count}", newest_others)}


@register.inclusion_tag("articles/_related_stories.html")
def related_stories(article, count=5):
    """
    Published stories sharing the most tags with the story (ties: same region, then
    newest); see ArticleQuerySet.related_to. One query, none for an untagged story,
    once per content generation (pagecache/derived.py): the query is the dearest part
    of a story page's render.
    """

    def related():
        return list(Article.objects.published().related_to(article, count=count))

    return {"stories": derived(f"related:{article.pk}:{count}", related)}
