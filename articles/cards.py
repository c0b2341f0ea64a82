"""
A story's card data: what listing cards and the story page show of its regions, tags
and lead photo, kept ready on the story row (Article.card) so that pages read it with
the story instead of three more queries per page.

It is refreshed here, in the same transaction, whenever one of those changes: a
story's regions or tags (m2m_changed, also sent by taggit), its photos, a region or a
tag itself (renamed, re-slugged, reordered, deleted). Writes that send no signals
(QuerySet.update, bulk_create on these models) must call refresh_cards() for the
stories they touch; `manage.py refresh_cards` rebuilds every story's.
"""

from dataclasses import dataclass

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.urls import reverse

from regions.models import Region

from .models import Article, Photo, Tag, TaggedArticle


@dataclass(frozen=True)
class CardRegion:
    pk: int
    name: str
    slug: str

    def get_absolute_url(self):
        return reverse("regions:region-detail", kwargs={"slug": self.slug})


@dataclass(frozen=True)
class CardTag:
    name: str
    slug: str

    def get_absolute_url(self):
        return reverse("articles:tag-detail", kwargs={"slug": self.slug})


@dataclass(frozen=True)
class CardPhoto:
    """The lead photo as cards show it: what photos.pictures.picture() reads of a Photo."""

    name: str
    image_width: int
    image_height: int
    alt_text: str
    renditions: dict

    @property
    def image(self):
        field = Photo._meta.get_field("image")
        return field.attr_class(self, field, self.name)


def card_of(article):
    """The card data of a story whose regions, tags and photos are prefetched (JSON-ready)."""
    photos = list(article.photos.all())
    lead = photos[0] if photos else None
    return {
        "regions": [[r.pk, r.name, r.slug] for r in sorted(article.regions.all(), key=_region_order)],
        # taggit's tags compare by name, whatever the case.
        "tags": [[t.name, t.slug] for t in sorted(article.tags.all())],
        "photo": [lead.image.name, lead.image_width, lead.image_height, lead.alt_text, _card_renditions(lead)]
        if lead
        else None,
    }


def _card_renditions(photo):
    # Only the crops cards use: the story page reads the photo's own row.
    return {"cards": (photo.renditions or {}).get("cards", [])}


def _region_order(region):
    return (region.position, region.name)


def refresh_cards(article_ids):
    """Rebuild the card data of these stories from their regions, tags and photos (4 queries)."""
    # Photos come in their model's order (position, then pk): the first is the lead.
    articles = Article.objects.filter(pk__in=set(article_ids)).only("pk")
    articles = articles.prefetch_related("regions", "tags", "photos")
    for article in articles:
        # update(): the card is derived data, not an edit (no save hooks, no new revision).
        Article.objects.filter(pk=article.pk).update(card=card_of(article))


@receiver(m2m_changed, sender=Article.regions.through, dispatch_uid="articles.cards.regions")
@receiver(m2m_changed, sender=TaggedArticle, dispatch_uid="articles.cards.tags")
def _links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action.startswith("post_"):
            refresh_cards([instance.pk])
    elif action == "pre_clear":
        # A region's or tag's links are about to go, and the signal will not name the stories.
        instance._card_stories = list(_stories_of(instance))
    elif action == "post_clear":
        refresh_cards(getattr(instance, "_card_stories", []))
    elif action.startswith("post_"):
        refresh_cards(pk_set)


def _stories_of(region_or_tag):
    if isinstance(region_or_tag, Region):
        # Without "pk" values_list reads the first column, the pk all the same: an equivalent mutant.
        return region_or_tag.articles.values_list("pk", flat=True)  # pragma: no mutate (pk first anyway)
    return TaggedArticle.objects.filter(tag=region_or_tag).values_list("content_object_id", flat=True)


@receiver(post_save, sender=TaggedArticle, dispatch_uid="articles.cards.tagged.save")
@receiver(post_delete, sender=TaggedArticle, dispatch_uid="articles.cards.tagged.delete")
def _tagged_changed(sender, instance, **kwargs):
    refresh_cards([instance.content_object_id])


@receiver(post_save, sender=Photo, dispatch_uid="articles.cards.photo.save")
@receiver(post_delete, sender=Photo, dispatch_uid="articles.cards.photo.delete")
def _photo_changed(sender, instance, **kwargs):
    refresh_cards([instance.article_id])


@receiver(post_save, sender=Region, dispatch_uid="articles.cards.region.save")
@receiver(post_save, sender=Tag, dispatch_uid="articles.cards.tag.save")
def _region_or_tag_saved(sender, instance, created, **kwargs):
    if not created:
        refresh_cards(_stories_of(instance))


@receiver(pre_delete, sender=Region, dispatch_uid="articles.cards.region.pre_delete")
@receiver(pre_delete, sender=Tag, dispatch_uid="articles.cards.tag.pre_delete")
def _remember_stories(sender, instance, **kwargs):
    instance._card_stories = list(_stories_of(instance))


@receiver(post_delete, sender=Region, dispatch_uid="articles.cards.region.delete")
@receiver(post_delete, sender=Tag, dispatch_uid="articles.cards.tag.delete")
def _forget_deleted(sender, instance, **kwargs):
    refresh_cards(getattr(instance, "_card_stories", []))
