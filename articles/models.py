from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models, transaction
from django.db.models import F, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.html import linebreaks
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from regions.models import Region

from .slugs import unique_slug
from .validators import validate_image_size

PHOTO_EXTENSIONS = ["jpg", "jpeg", "png", "gif", "webp"]


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Stories a reader may see: marked published, with a publication time that has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def with_relations(self):
        """Regions, tags and photos (lead photo first), each fetched in one query for all rows."""
        return self.prefetch_related(
            "regions",
            "tags",
            Prefetch("photos", queryset=Photo.objects.order_by("position", "pk")),
        )

    def for_listing(self):
        """
        What a story card needs (home, region and tag pages): with_relations(),
        without the body, which cards never show. Read-only: saving a row with
        deferred fields would save only the loaded ones.
        """
        return self.with_relations().defer("body", "body_html")

    def lead_then_latest(self, count):
        """
        The home page's top list: the featured story first (when it is in this
        queryset), then the newest others, `count` in all. One query, using the
        publication index: the featured story and the newest `count` are the only candidates.
        """
        newest = self.order_by("-published_at", "-pk").values("pk")[:count]
        return self.filter(Q(featured=True) | Q(pk__in=newest)).order_by("-featured", "-published_at", "-pk")[
            :count
        ]

    @transaction.atomic
    def make_lead(self, article):
        """Feature `article` as the home page lead, replacing the current one (there is at most one)."""
        Article.objects.filter(featured=True).exclude(pk=article.pk).update(featured=False)
        Article.objects.filter(pk=article.pk).update(featured=True)

    def latest_by_region(self, per_region=3):
        """
        The newest `per_region` stories of every region, as {region_id: [article, ...]},
        in a fixed number of queries however many regions and stories there are.
        Call it on an already filtered queryset, e.g. ``published().latest_by_region()``.
        """
        through = Article.regions.through
        ranked = (
            through.objects.filter(article__in=self.values("pk"))
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("region_id"),
                    order_by=[F("article__published_at").desc(), F("article_id").desc()],
                )
            )
            .filter(rank__lte=per_region)
            .values_list("region_id", "article_id")
        )
        pairs = list(ranked)
        articles = self.model.objects.filter(pk__in={a for _, a in pairs}).for_listing().in_bulk()
        by_region = {}
        for region_id, article_id in pairs:
            by_region.setdefault(region_id, []).append(articles[article_id])
        for stories in by_region.values():
            stories.sort(key=lambda a: (a.published_at, a.pk), reverse=True)
        return by_region


class TaggedArticle(TaggedItemBase):
    """The link between a story and one of its tags (a real foreign key, as taggit recommends)."""

    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)

    class Meta:
        verbose_name = "tagged story"
        verbose_name_plural = "tagged stories"


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

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
        help_text="The story text. Separate paragraphs with a blank line. HTML is shown as typed, not run."
    )
    body_html = models.TextField(editable=False, default="")
    byline = models.CharField(max_length=200, blank=True, help_text='For example "By Zhang Yi".')
    source = models.CharField(max_length=200, blank=True, help_text='For example "chinadaily.com.cn".')
    regions = models.ManyToManyField(
        Region,
        related_name="articles",
        blank=True,
        help_text="The districts the story is about. Leave all unticked for a city-wide story.",
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
        db_index=True,
        help_text="Shown to readers as the story's date. Left empty, it is set when the story is "
        "first published; a future time schedules the story.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
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
        help_text="For stories imported from the old site: the saved page's file name, "
        "so a re-import updates the story instead of duplicating it.",
    )

    featured = models.BooleanField(
        "home page lead",
        default=False,
        editable=False,
        help_text="Shown first and largest on the home page while it is published. "
        "Set with the story list's action; featuring a story replaces the previous lead.",
    )

    tags = TaggableManager(through=TaggedArticle, blank=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "story"
        verbose_name_plural = "stories"
        # Plain DESC (not NULLS LAST) so PostgreSQL can walk article_status_pub_idx
        # for the newest published stories.
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "-published_at"], name="article_status_pub_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["featured"], condition=Q(featured=True), name="article_one_home_page_lead"
            )
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.headline)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        self.body_html = render_body(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:article-detail", kwargs={"slug": self.slug})

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def lead_photo(self):
        """The first photo; uses the prefetched photos when the queryset has them."""
        photos = list(self.photos.all())
        return photos[0] if photos else None

    @property
    def further_photos(self):
        return list(self.photos.all())[1:]


def render_body(text):
    """Paragraphs (separated by blank lines) as HTML, with everything typed escaped."""
    return linebreaks(text.strip(), autoescape=True)


class Photo(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        upload_to="photos/%Y/%m/",
        width_field="image_width",
        height_field="image_height",
        validators=[FileExtensionValidator(PHOTO_EXTENSIONS), validate_image_size],
        help_text="A JPEG, PNG, GIF or WebP image of at most 10 MB.",
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

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.caption[:60] or self.image.name
