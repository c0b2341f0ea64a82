from django import template

from articles.models import Article

register = template.Library()


@register.inclusion_tag("articles/_more_stories.html")
def more_stories(article, count=5):
    """
    Headlines to read next under a story: the newest others from its first region,
    or the newest others from the whole city for a city-wide story. One query.
    """
    regions = list(article.regions.all())
    region = regions[0] if regions else None
    stories = Article.objects.published().exclude(pk=article.pk)
    if region is not None:
        stories = stories.filter(regions=region)
    return {
        "region": region,
        "stories": stories.only("headline", "slug", "published_at")[:count],
    }


@register.inclusion_tag("articles/_related_stories.html")
def related_stories(article, count=5):
    """
    Published stories sharing the most tags with the story (ties: same region, then
    newest); see ArticleQuerySet.related_to. One query, none for an untagged story.
    """
    return {"stories": Article.objects.published().related_to(article, count=count)}
