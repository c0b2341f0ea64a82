"""
Keeping a story's body in step with its photos: a placed photo that is
changed is drawn again, and one that is deleted leaves the body with it
(no broken figure is ever shown).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import richtext
from .models import Article, Photo


def refresh_body(article_id, deleted_photo_id=None):
    """Take a deleted photo out of the story's body and render body_html again, if anything changed."""
    article = Article.objects.filter(pk=article_id).only("body", "body_html").first()
    if article is None or not richtext.placed_photo_ids(article.body):
        return
    old = (article.body, article.body_html)
    if deleted_photo_id is not None:
        article.body = richtext.without_photos(article.body, [deleted_photo_id])
    article.body_html = article.render_body_html()
    if (article.body, article.body_html) != old:
        # A queryset update: it changes only these two columns and sends no
        # signals (a story being deleted with its photos is not saved again).
        Article.objects.filter(pk=article_id).update(body=article.body, body_html=article.body_html)


@receiver(post_save, sender=Photo, dispatch_uid="articles.photo.refresh_body")
def photo_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_body(instance.article_id)


@receiver(post_delete, sender=Photo, dispatch_uid="articles.photo.remove_from_body")
def photo_deleted(sender, instance, **kwargs):
    refresh_body(instance.article_id, deleted_photo_id=instance.pk)
