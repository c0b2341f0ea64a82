import logging
import secrets
import unicodedata
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.fields.files import ImageFieldFile
from django.db.models.functions import Coalesce, Lower
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import ItemBase, NaturalKeyManager, TagBase

from photos import renditions as photo_renditions
from photos.forms import KeptPhotoFileField, kept_uploads_storage
from regions.models import Region

from . import richtext

from .slugs import ascii_slug, save_with_unique_slug
from .validators import PHOTO_EXTENSIONS  # noqa: F401  (the importer reads it from here)
from .validators import MAX_PHOTO_BYTES, MAX_PHOTO_PIXELS, photo_extension

logger = logging.getLogger(__name__)


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """
        Stories a reader may see: marked published, with a publication time that has come
        (by `now`, the current time unless a caller or test gives another).
        """
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def needing_review(self):
        """Stories submitted by their authors and waiting for an editor."""
        return self.filter(status=Article.Status.IN_REVIEW)

    def scheduled(self):
        """Stories marked published whose publication time is still to come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def with_relations(self):
        """Regions, tags and photos (lead photo first: Photo's ordering), each in one query for all rows."""
        return self.prefetch_related("regions", "tags", "photos")

    def for_listing(self):
        """
        What a story card needs (home, region, tag and archive pages): the story row with
        its card data (regions and lead photo, articles/cards.py), without the body,
        which cards never show. One query. Read-only: saving a row with deferred
        fields would save only the loaded ones.
        """
        return self.defer("body", "body_html")

    def for_story_page(self):
        """
        A story page's story: its photos in one more query; regions and tags are in its card
        data; `has_corrections` spares the corrections query of the many stories without any.
        """
        return self.prefetch_related("photos").annotate(
            has_corrections=Exists(Correction.objects.filter(article=OuterRef("pk")))
        )

    def lead_then_latest(self, count):
        """
        The home page's top list, as listing rows (for_listing): the featured story
        first (when it is in this queryset), then the newest others, `count` in all.
        One query whose only candidates are the newest `count` (the publication index)
        and the featured story (its own partial index), each checked against this
        queryset by primary key, so no plan walks the other stories.
        """
        newest = self.order_by(
            "-published_at",
            "-pk",  # pragma: no mutate (the scans meet equal times newest id first anyway; this keeps it so)
        ).values("pk")[:count]
        # One list of ids (a UNION: PostgreSQL reads an OR of two IN lists with a scan of
        # every story); the sliced part is wrapped, as SQLite allows no LIMIT in a UNION.
        newest = self.model.objects.filter(pk__in=newest).order_by().values("pk")
        lead = self.model.objects.filter(featured=True).order_by().values("pk")
        in_this = Exists(self.filter(pk=OuterRef("pk")))
        candidates = self.model.objects.filter(
            pk__in=newest.union(
                lead,
                all=True,  # pragma: no mutate (UNION finds the same ids, only sorting them to drop repeats)
            )
        ).filter(in_this)
        return candidates.for_listing().order_by(
            "-featured",
            "-published_at",
            "-pk",  # pragma: no mutate (the scans meet equal times newest id first anyway; this keeps it so)
        )[:count]

    @transaction.atomic
    def make_lead(self, article):
        """Feature `article` as the home page lead, replacing the current one (there is at most one)."""
        Article.objects.filter(featured=True).exclude(pk=article.pk).update(featured=False)
        Article.objects.filter(pk=article.pk).update(featured=True)

    def latest_by_region(self, *, per_region):
        """
        The newest `per_region` stories of every region, as {region_id: [article, ...]},
        in two queries however many regions and stories there are. Call it on an
        already filtered queryset, e.g. ``published().latest_by_region(per_region=3)``.

        The first reads each region's n-th newest story in its own small subquery
        (ORDER BY ... LIMIT 1 OFFSET n), which walks the publication index from the
        newest story and stops at the n-th of the region: its cost depends on how
        recent the region's stories are, not on how many stories there are.
        """
        newest = self.order_by(
            "-published_at",
            "-pk",  # pragma: no mutate (the scans meet equal times newest id first anyway; this keeps it so)
        ).values("pk")
        ranks = {
            f"story_{rank}": Subquery(newest.filter(regions=OuterRef("pk"))[rank : rank + 1])
            for rank in range(per_region)
        }
        rows = Region.objects.order_by().annotate(**ranks).values_list("pk", *ranks)
        pairs = [(region_id, pk) for region_id, *stories in rows for pk in stories if pk is not None]
        headlines = self.model.objects.filter(pk__in={a for _, a in pairs})
        headlines = headlines.only("headline", "slug", "published_at")
        articles = headlines.in_bulk()
        by_region = {}
        for region_id, article_id in pairs:
            # A story deleted between the two queries is simply left out.
            if article_id in articles:
                by_region.setdefault(region_id, []).append(articles[article_id])
        for stories in by_region.values():
            stories.sort(key=lambda a: (a.published_at, a.pk), reverse=True)
        return by_region

    def with_tag(self, tag):
        """
        The stories of this queryset that carry `tag`, newest first, in a query shape chosen
        for this tag, so that a tag on ten stories costs what a tag on ten thousand does.
        The vocabulary is Zipf-like and SQLite plans one way for every tag: walking the
        publication index and looking up each story's link stops after a page for a common
        tag, but reads every story for a rare one.

        One query reads up to RARE_TAG_STORIES + 1 of the tag's links (their index alone).
        A rare tag's stories are then looked up by id, checked against this queryset by
        primary key, and their few rows sorted; a common tag's are found by walking this
        queryset's index in its order, each story's link looked up.
        """
        links = TaggedArticle.objects.filter(tag=tag)
        enough = RARE_TAG_STORIES + 1  # pragma: no mutate (+ 2 only reads one more link)
        ids = list(links.values_list("content_object_id", flat=True)[:enough])
        if len(ids) > RARE_TAG_STORIES:
            return self.filter(Exists(links.filter(content_object=OuterRef("pk"))))
        return self.model.objects.filter(pk__in=ids).filter(Exists(self.filter(pk=OuterRef("pk"))))

    def related_to(self, article, count=5):
        """
        Up to `count` stories sharing the most tags with `article` (ties: one of its
        regions first, then newest), never the story itself, among the newest
        RELATED_CANDIDATES stories of each of its tags. One query; none for a story
        whose card data has no tags. Call it on ``published()``.

        The candidates are read from the tag links' (tag, story) index, newest story ids
        first, so a story of a tag carried by a hundred thousand stories costs what one
        of a rare tag does; each candidate is checked against this queryset by primary key.
        """
        if not article.card.get("tags"):
            return self.none()
        story_tags = TaggedArticle.objects.filter(content_object_id=article.pk).values("tag_id")
        # The id of each tag's RELATED_CANDIDATES-th newest story: its links from there up are the candidates.
        floor = (
            TaggedArticle.objects.filter(tag_id=OuterRef("pk"))
            .order_by("-content_object_id")
            .values("content_object_id")[RELATED_CANDIDATES - 1 : RELATED_CANDIDATES]
        )
        # From the tags, so that each tag's floor is read once and bounds its links' index range.
        candidates = (
            Tag.objects.filter(pk__in=story_tags)
            .alias(
                floor=Coalesce(
                    Subquery(floor),
                    0,  # pragma: no mutate (story ids start at 1: a floor of 0 or 1 lets every link in)
                )
            )
            .filter(articles_taggedarticle_items__content_object_id__gte=F("floor"))
            .values("articles_taggedarticle_items__content_object_id")
        )
        # 1 or 0, looked up per candidate: as an EXISTS, PostgreSQL hashed every story of
        # the story's regions (a tenth of the archive) to answer it for a few hundred.
        story_regions = [region[0] for region in article.card["regions"]]  # a card with tags has regions
        shares_region = Article.regions.through.objects.filter(
            article_id=OuterRef("pk"), region_id__in=story_regions
        )
        first_shared = shares_region.annotate(
            one=Value(1),  # pragma: no mutate (any number above the 0 of none sorts the same)
        ).values("one")[:1]
        same_region = Coalesce(Subquery(first_shared), Value(0))
        in_this = Exists(self.filter(pk=OuterRef("pk")))
        # Counting after filtering on tags counts only the shared tags (the same join).
        return (
            self.model.objects.filter(pk__in=candidates)
            .filter(in_this)
            .exclude(pk=article.pk)
            .filter(tags__in=story_tags)
            .annotate(shared_tags=Count("pk"), same_region=same_region)
            .order_by("-shared_tags", "-same_region", "-published_at", "-pk")
            .only("headline", "slug", "published_at")[:count]
        )


RELATED_CANDIDATES = 300
# A tag on at most this many stories has its page read by id and sorted (about 20 ms for
# 2,000 on SQLite); beyond, the publication index is walked, a page costing ~N/uses lookups.
RARE_TAG_STORIES = 2000


def normalize_tag_name(name):
    """
    A tag name as the newsroom stores it: Unicode NFKC (full-width letters become
    ordinary ones), no leading or trailing spaces, one space between words.
    """
    return " ".join(unicodedata.normalize("NFKC", name).split())


class TagQuerySet(models.QuerySet):
    def with_story_counts(self):
        """Every tag with `story_count`, the number of stories (any status) that carry it."""
        return self.annotate(story_count=Count("articles_taggedarticle_items"))

    def most_used(self, count):
        """
        The `count` tags on the most published stories, most used first, each with
        `story_count` (published stories only), as a list. Two queries: counted from the
        story-tag links (much faster than counting per tag), then the tags themselves.
        """
        published = Article.objects.published().values("pk")
        ranked = list(
            TaggedArticle.objects.filter(content_object__in=published)
            .values_list("tag_id")
            .annotate(uses=Count("pk"))
            .order_by("-uses", "tag_id")[:count]
        )
        tags = self.in_bulk([tag_id for tag_id, _ in ranked])
        for tag_id, uses in ranked:
            tags[tag_id].story_count = uses
        return sorted(tags.values(), key=lambda tag: (-tag.story_count, tag.name.lower()))


class Tag(TagBase):
    """
    A story tag. Its slug is ASCII, made like a story's (pinyin for Chinese, "tag" when
    the name has nothing to spell), so that every tag has an address the URL can match.
    Names are stored normalised (normalize_tag_name) and are unique whatever their case,
    in the database itself.
    """

    slug = models.SlugField(
        unique=True,
        max_length=100,
        blank=True,
        help_text="The tag page's web address. Left empty, it is made from the name "
        "(Chinese is written in pinyin).",
    )

    objects = NaturalKeyManager.from_queryset(TagQuerySet)()

    class Meta:
        verbose_name = "tag"
        verbose_name_plural = "tags"
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="articles_tag_name_ci_unique",
                violation_error_message="A tag with this name already exists (tags ignore case). "
                "To join two tags, merge them from the tag list.",
            )
        ]

    def clean(self):
        self.name = normalize_tag_name(self.name)
        if not self.name:
            raise ValidationError({"name": "A tag needs a name."})

    def save(self, *args, **kwargs):
        self.name = normalize_tag_name(self.name)
        if self.slug:
            super().save(*args, **kwargs)
        else:
            save_row = partial(super().save, *args, **kwargs)
            save_with_unique_slug(self, self.name, save_row, fallback="tag", using=kwargs.get("using"))

    def slugify(self, tag, i=None):
        # taggit's own slug maker, kept consistent for any code that calls it.
        slug = ascii_slug(tag, max_length=self._meta.get_field("slug").max_length - 8, fallback="tag")
        return slug if i is None else f"{slug}-{i}"

    def get_absolute_url(self):
        return reverse("articles:tag-detail", kwargs={"slug": self.slug})


class TagRedirect(models.Model):
    """
    A tag address that moved: the slug a tag had before it was renamed, or of a tag
    merged into another. Its page answers with a permanent redirect to the tag's page.
    """

    old_slug = models.SlugField(max_length=100, unique=True)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "old tag address"
        verbose_name_plural = "old tag addresses"

    def __str__(self):
        return f"{self.old_slug} → {self.tag}"


class TaggedArticle(ItemBase):
    """The link between a story and one of its tags (real foreign keys, as taggit recommends)."""

    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="%(app_label)s_%(class)s_items")

    class Meta:
        verbose_name = "tagged story"
        verbose_name_plural = "tagged stories"
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="articles_taggedarticle_once"),
        ]
        # Stories by tag read from the index alone (related stories, tag counts, merges).
        indexes = [models.Index(fields=["tag", "content_object"], name="articles_tagged_tag_story_idx")]


class NormalizingTagManager(_TaggableManager):
    """Story tags given by name are normalised first, so "Sino  Russia" finds "sino russia"."""

    def _to_tag_model_instances(self, tags, tag_kwargs):
        tags = [normalize_tag_name(tag) if isinstance(tag, str) else tag for tag in tags]
        return super()._to_tag_model_instances([tag for tag in tags if tag != ""], tag_kwargs)


class Article(models.Model):
    class Status(models.TextChoices):
        # The transitions between these, and who may make each, are in articles/workflow.py.
        DRAFT = "draft", "Draft"
        IN_REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    headline = models.CharField(max_length=255)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        help_text="The story's web address. Left empty, it is made from the headline "
        "(Chinese is written in pinyin).",
    )
    summary = models.TextField(
        blank=True, help_text="One or two sentences shown under the headline in lists and link previews."
    )
    body = models.TextField(
        help_text="The story text: paragraphs, subheadings, bold, italic, links, lists, quotes, and "
        "the story's photos placed between paragraphs. Kept as clean HTML: anything else is "
        "dropped when the story is saved, its text kept."
    )
    body_html = models.TextField(editable=False, default="")
    byline = models.CharField(max_length=200, blank=True, help_text='For example "By Zhang Yi".')
    source = models.CharField(max_length=200, blank=True, help_text='For example "chinadaily.com.cn".')
    regions = models.ManyToManyField(
        Region,
        related_name="articles",
        blank=True,
        help_text="The districts the story is about. For a story about the whole city, tick "
        "\"City-wide\" below instead.",
    )
    city_wide = models.BooleanField(
        "city-wide",
        default=False,
        help_text="The story is about the whole city rather than particular districts. "
        "A story needs regions or this before it is published.",
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Readers see a story only when it is published and its publication time has come.",
    )
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        # Indexed by article_pub_id_idx (with the id, in listing order) and article_status_pub_id_idx.
        help_text="Shown to readers as the story's date. Left empty, it is set when the story is "
        "first published; a future time schedules the story.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    revised_at = models.DateTimeField(
        "updated (shown to readers)",
        null=True,
        blank=True,
        editable=False,
        help_text="When the published story's text last changed or a correction was added; "
        'shown as "Updated:".',
    )
    review_note = models.TextField(
        blank=True,
        editable=False,
        help_text="What the editor asked the author to change when sending the story back.",
    )
    review_note_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    review_note_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Goes up by one at every save in the newsroom, so a form opened before "
        "someone else's save can tell and not overwrite it.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="articles",
        help_text="The newsroom user who created the story.",
    )
    import_key = models.CharField(
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="For stories imported from the old site: what identifies the page (its old address, "
        "or its folder and file name), so a re-import updates the story instead of duplicating it.",
    )
    imported_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When import_articles last wrote the story."
    )
    import_record = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="What the last import read from the page and wrote to the story (a hash per field), "
        "so a re-import can tell the newsroom's edits and a different story from a refreshed page.",
    )

    featured = models.BooleanField(
        "home page lead",
        default=False,
        editable=False,
        help_text="Shown first and largest on the home page while it is published. "
        "Set with the story list's action; featuring a story replaces the previous lead.",
    )

    tags = TaggableManager(through=TaggedArticle, blank=True, manager=NormalizingTagManager)
    card = models.JSONField(
        default=dict,
        editable=False,
        help_text="Its regions, tags and lead photo as cards and the story page show them, "
        "kept ready by articles/cards.py whenever one of those changes.",
    )

    # True on a story whose pending change was put in place of its live text, in memory
    # (articles/pending.py show_pending), for the story form or a preview.
    showing_pending = False

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "story"
        verbose_name_plural = "stories"
        # Plain DESC (not NULLS LAST) so both databases can walk article_status_pub_id_idx
        # for the newest published stories in exactly this order (no sort of equal times).
        ordering = ["-published_at", "-pk"]
        permissions = [
            ("publish_article", "Can publish, schedule, unpublish and send back any story, and edit it"),
            ("tag_article", "Can change the tags of any story"),
        ]
        indexes = [
            # Every reader listing (home, regions, tags, archives, feeds) and the admin's status filter.
            models.Index(fields=["status", "-published_at", "-id"], name="article_status_pub_id_idx"),
            # The admin story list, unfiltered, newest first.
            models.Index(fields=["-published_at", "-id"], name="article_pub_id_idx"),
            # The sitemap index's last change (the newest updated_at of a published story).
            models.Index(fields=["-updated_at"], name="article_updated_idx"),
            # The admin's author and "my stories" filters, in list order: by author_id alone
            # every story of a prolific author was read and sorted for each page.
            models.Index(fields=["author", "-published_at", "-id"], name="article_author_pub_id_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["featured"], condition=Q(featured=True), name="article_one_home_page_lead"
            )
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        filled_in = set()  # fields set here, saved even when the caller names only some fields
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
            filled_in.add("published_at")
        self.body = richtext.clean_body(self.body)
        self.body_html = self.render_body_html()
        update_fields = kwargs.get("update_fields")
        if update_fields and "body" in update_fields:
            filled_in.add("body_html")
        make_slug = not self.slug
        if make_slug:
            filled_in.add("slug")
        if update_fields:
            kwargs["update_fields"] = {*update_fields, *filled_in}
        if make_slug:
            save_row = partial(super().save, *args, **kwargs)
            save_with_unique_slug(self, self.headline, save_row, using=kwargs.get("using"))
        else:
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:article-detail", kwargs={"slug": self.slug})

    def reserved_slugs(self, prefix):
        """Slugs never made for a story: former addresses that now redirect (articles/redirects.py)."""
        from .redirects import reserved_slugs

        return reserved_slugs(prefix)

    @property
    def is_published(self):
        return self.is_published_at(timezone.now())

    def is_published_at(self, now):
        published = self.status == self.Status.PUBLISHED
        return published and self.published_at is not None and self.published_at <= now

    @property
    def is_scheduled(self):
        published = self.status == self.Status.PUBLISHED
        return published and self.published_at is not None and not self.is_published

    @property
    def shows_updated(self):
        """Whether the date line says "Updated:": the story changed after it was published."""
        return bool(self.revised_at and self.published_at and self.revised_at > self.published_at)

    # The card data (articles/cards.py): no query.
    @property
    def card_regions(self):
        from .cards import CardRegion

        return [CardRegion(*region) for region in self.card.get("regions", ())]

    @property
    def card_tags(self):
        from .cards import CardTag

        return [CardTag(*tag) for tag in self.card.get("tags", ())]

    @property
    def card_photo(self):
        from .cards import CardPhoto

        photo = self.card.get("photo")
        return CardPhoto(*photo) if photo else None

    @property
    def shown_corrections(self):
        """Its corrections; no query when the story was read for_story_page() and has none."""
        if getattr(self, "has_corrections", True):
            return self.corrections.all()
        return []

    @property
    def lead_photo(self):
        """The first photo; uses the prefetched photos when the queryset has them."""
        photos = list(self.photos.all())
        return photos[0] if photos else None

    @property
    def further_photos(self):
        return list(self.photos.all())[1:]

    @property
    def body_text(self):
        """The body as plain text: for link previews and descriptions."""
        return richtext.body_text(self.body)

    @property
    def photos_after_body(self):
        """The photos after the lead that the body does not place: shown after the body."""
        placed = set(richtext.placed_photo_ids(self.body))
        return [photo for photo in self.further_photos if photo.pk not in placed]

    def render_body_html(self):
        """
        The body with its placed photos drawn in (articles/richtext.py). The
        photos are read only when the body places some: their rows are saved
        after the story's, so a photo's own save renders the body again
        (richtext_signals.py).
        """
        photos = ()
        if self.pk and richtext.placed_photo_ids(self.body):
            photos = self.further_photos
        return richtext.render_body(self.body, photos)


def photo_upload_to(photo, filename):
    """
    photos/YYYY/MM/<32 random hex digits>.<ext>: a name the site makes, so no
    uploaded name reaches storage and no photo's address can be guessed (a
    draft's photos stay unknown until its page shows them).
    """
    return f"photos/{timezone.localdate():%Y/%m}/{secrets.token_hex(16)}.{photo_extension(filename)}"


class PhotoFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        # Every new file is stored through here (admin uploads, the importer):
        # keep the name it came with, since the stored name says nothing.
        max_length = self.instance._meta.get_field("original_name").max_length
        self.instance.original_name = shorten_file_name(name, max_length)
        # What is stored is the upright, metadata-free master, never the upload
        # itself, and the renditions readers get are made from it now.
        prepared = photo_renditions.prepare(content)
        self.instance.prefill_text(prepared.text)
        master = prepared.master()
        # Named, so the image field reads the master's (upright) width and height from it.
        master.name = Path(name).name
        super().save(name, master, save=False)
        try:
            self.instance.renditions = photo_renditions.make_renditions(self.storage, self.name, prepared)
        except BaseException:
            self.storage.delete(self.name)
            raise
        kept_name = getattr(content, "kept_name", None)
        if kept_name:
            delete_file_on_commit(kept_uploads_storage(), kept_name)
        if save:
            self.instance.save()


class PhotoImageField(models.ImageField):
    """An image field whose form field runs the site's photo check (articles/validators.py)."""

    attr_class = PhotoFieldFile

    def formfield(self, **kwargs):
        # The upload's own name never reaches storage, so its length is not limited here.
        return super().formfield(**{"form_class": KeptPhotoFileField, "max_length": None, **kwargs})


class Photo(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="photos")
    image = PhotoImageField(
        upload_to=photo_upload_to,
        width_field="image_width",
        height_field="image_height",
        help_text=f"A JPEG, PNG, GIF or WebP image of at most {MAX_PHOTO_BYTES // (1024 * 1024)} MB "
        f"and {MAX_PHOTO_PIXELS // 1_000_000} megapixels.",
    )
    original_name = models.CharField(
        "uploaded as",
        max_length=255,
        blank=True,
        editable=False,
        help_text="The file's name on the journalist's computer; the stored file has a name the site makes.",
    )
    image_width = models.PositiveIntegerField(null=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, editable=False)
    caption = models.TextField(blank=True, help_text="What the photo shows, as printed under it.")
    credit = models.CharField(
        max_length=200, blank=True, help_text='For example "Photo provided to chinadaily.com.cn".'
    )
    alt_text = models.CharField(
        "alt text",
        max_length=300,
        help_text="Describes the photo for readers who cannot see it, e.g. "
        '"Officials cut a ribbon in front of the new business center".',
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order on the page: the lowest number is the lead photo."
    )
    renditions = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="The resized files readers get (photos/renditions.py), made when the image was stored.",
    )
    import_file_name = models.CharField(
        max_length=255,
        blank=True,
        editable=False,
        help_text="For photos imported from the old site: the file name the page gave it. A re-import "
        "replaces only these; photos added in the newsroom are kept.",
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.caption[:60] or self.original_name or self.image.name

    def save(self, *args, **kwargs):
        if self.image and not self.image._committed:
            # Store a new upload before the row is written (Django would do it
            # while writing), so the name it came with is saved with the row.
            self.image.save(self.image.name, self.image.file, save=False)
        stored = None
        if self.pk is not None:
            stored = Photo.objects.filter(pk=self.pk).values("image", "renditions").first()
        super().save(*args, **kwargs)
        if stored and stored["image"] and stored["image"] != self.image.name:
            for name in [stored["image"], *photo_renditions.rendition_files(stored["renditions"])]:
                delete_file_on_commit(self.image.storage, name)

    def prefill_text(self, text):
        """Caption and credit from the file's embedded IPTC/XMP/EXIF, where the newsroom left them empty."""
        if not self.caption:
            self.caption = text.caption
        if not self.credit:
            self.credit = shorten(text.credit, self._meta.get_field("credit").max_length)

    def file_names(self):
        """Every stored file of the photo: the image and its renditions."""
        return [self.image.name, *photo_renditions.rendition_files(self.renditions)] if self.image else []


@receiver(post_delete, sender=Photo, dispatch_uid="articles.photo.delete_file")
def delete_photo_file(sender, instance, **kwargs):
    for name in instance.file_names():
        delete_file_on_commit(instance.image.storage, name)


def delete_file_on_commit(storage, name):
    """
    Delete a stored file once the transaction that stopped using it commits; a
    rollback keeps it. The change is committed by then, so a file that cannot
    be deleted (any storage's error) is logged and left: a stray file, never a
    broken story.
    """

    def delete_unused_file():
        try:
            storage.delete(name)
        except Exception:
            logger.exception("Could not delete the unused photo file %s; delete it by hand", name)

    transaction.on_commit(delete_unused_file)


def shorten(text, max_length):
    """The text cut at a word boundary to fit max_length, marked with an ellipsis when cut."""
    if len(text) <= max_length:
        return text
    cut = text[: max_length - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]  # pragma: no mutate (any whitespace: callers pass single-spaced text)
    return cut.rstrip(" ,;:，；：、") + "…"


def shorten_file_name(name, max_length):
    """The file name cut to max_length characters, keeping its extension."""
    name = Path(name).name
    if len(name) <= max_length:
        return name
    suffix = Path(name).suffix
    if len(suffix) >= max_length:
        return name[:max_length]
    return name[: max_length - len(suffix)] + suffix


class CorrectionQuerySet(models.QuerySet):
    def on_published_stories(self):
        """Corrections readers may see: those of stories that are published (Article.objects.published())."""
        return self.filter(article__in=Article.objects.published().values("pk"))


class Correction(models.Model):
    """A dated note an editor adds to a published story, shown at its foot and on /corrections/."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    text = models.TextField(
        help_text='What was wrong and what is right, e.g. "An earlier version gave the wrong opening date."'
    )
    created_at = models.DateTimeField("date", default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["-created_at"], name="correction_created_idx")]

    def __str__(self):
        return f"Correction, {timezone.localtime(self.created_at):%d %B %Y}: {self.text[:60]}"


class PendingChange(models.Model):
    """
    Changes to a published story held back from readers (articles/pending.py): readers
    keep the live story until an editor publishes these or discards them.
    """

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="pending_change")
    content = models.JSONField(help_text="The story's reader-facing fields as they will be once published.")
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "pending change"

    def __str__(self):
        return f"Pending changes to “{self.article}”"
