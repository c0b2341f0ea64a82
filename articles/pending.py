"""
Changes to a live story, previewed before they go out (Wagtail's "draft of a live page").

An editor saving a published story with "Save as pending change" keeps what readers
read (headline, summary, body, byline, source, regions, city-wide) as it is, and
holds the new text in a PendingChange. Staff see it in the story form and at the
story's private preview link; readers keep the live version until an editor
publishes the pending change (a new revision; "Updated" for readers) or discards
it (the live story untouched). Photos, tags, status and time are saved at once as
usual: only the story's text and places wait.
"""

import reversion
from django.db import transaction
from django.utils import timezone

from . import richtext
from .models import Article, PendingChange

TEXT_FIELDS = ("headline", "summary", "body", "byline", "source", "city_wide")
Region = Article.regions.field.related_model


def content_of(cleaned_data):
    """The pending fields as the form has them (only those who may edit every field hold a change)."""
    content = {name: cleaned_data[name] for name in TEXT_FIELDS}
    content["regions"] = sorted(region.pk for region in cleaned_data["regions"])
    return content


def hold(form, article, user):
    """
    Keep the form's text as the story's pending change and put the live text back on
    `article` (and in the form's regions), so the save that follows changes nothing
    readers see.
    """
    content = content_of(form.cleaned_data)
    live = Article.objects.get(pk=article.pk)
    for name in TEXT_FIELDS:
        setattr(article, name, getattr(live, name))
    form.cleaned_data["regions"] = live.regions.all()
    PendingChange.objects.update_or_create(
        article=article, defaults={"content": content, "saved_by": user, "saved_at": timezone.now()}
    )


def pending_of(article):
    try:
        return article.pending_change
    except PendingChange.DoesNotExist:
        return None


def show_pending(article):
    """Put the story's pending change on `article` in memory (for a form or a preview); True if it had one."""
    pending = pending_of(article)
    if pending is None:
        return False
    for name in TEXT_FIELDS:
        setattr(article, name, pending.content[name])
    # The pending text was never saved through Article.save(): clean it here as save() would.
    article.body = richtext.clean_body(article.body)
    article.body_html = article.render_body_html()
    # The page and form read regions through the prefetch cache: give them the pending ones.
    cache = getattr(article, "_prefetched_objects_cache", None)
    if cache is None:
        article._prefetched_objects_cache = cache = {}
    cache["regions"] = Region.objects.filter(pk__in=pending.content["regions"])
    return True


def publish(article, user):
    """The pending change goes live for readers, saved as a new revision."""
    with transaction.atomic(), reversion.create_revision():
        article = Article.objects.select_for_update().get(pk=article.pk)
        pending = pending_of(article)
        if pending is None:
            return article
        for name in TEXT_FIELDS:
            setattr(article, name, pending.content[name])
        article.version += 1
        if article.is_published:
            article.revised_at = timezone.now()
        article.save()
        article.regions.set(Region.objects.filter(pk__in=pending.content["regions"]))
        pending.delete()
        reversion.set_user(user)
        reversion.set_comment("Published the pending changes.")
    return article


def discard(article):
    PendingChange.objects.filter(article=article).delete()

