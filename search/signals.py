"""Re-index a story whenever it or its tags are saved (the admin saves tags after the story)."""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from articles.models import Article

from .index import index_article


@receiver(post_save, sender=Article, dispatch_uid="search-index-article")
def article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_article(instance)


@receiver(m2m_changed, sender=Article.tags.through, dispatch_uid="search-index-article-tags")
def article_tags_changed(sender, instance, action, reverse=False, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, Article):
        index_article(instance)
