from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils import timezone
from django.utils.html import format_html

from .models import Article, Photo


def photo_thumbnail(photo, height=60):
    if not photo or not photo.image:
        return "—"
    return format_html(
        '<img class="newsroom-thumb" src="{}" alt="{}" height="{}">',
        photo.image.url,
        photo.alt_text,
        height,
    )


class PhotoInline(admin.StackedInline):
    model = Photo
    extra = 1
    fields = ("preview", "image", "caption", "credit", "alt_text", "position")
    readonly_fields = ("preview",)
    formfield_overrides = {
        models.ImageField: {"widget": forms.ClearableFileInput(attrs={"accept": "image/*"})},
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 80})},
    }

    @admin.display(description="Preview")
    def preview(self, photo):
        return photo_thumbnail(photo, height=120)


class RegionListFilter(admin.RelatedFieldListFilter):
    """The regions filter, with stories that have no region offered as "City-wide"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_value_display = "City-wide"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = (
        "headline",
        "thumbnail",
        "region_list",
        "status",
        "is_published",
        "published_at",
        "tag_list",
        "author",
        "featured",
    )
    list_display_links = ("headline",)
    list_filter = ("status", ("regions", RegionListFilter), "published_at")
    list_select_related = ("author",)
    search_fields = ("headline", "summary", "body", "byline", "source")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("headline",)}
    readonly_fields = ("author", "created_at", "updated_at")
    inlines = [PhotoInline]
    actions = ["publish", "unpublish", "make_lead", "remove_lead"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ("headline", "slug", "summary", "body")}),
        ("Source and date line", {"fields": ("byline", "source")}),
        ("Regions and tags", {"fields": ("regions", "tags")}),
        ("Publishing", {"fields": ("status", "published_at", "author", "created_at", "updated_at")}),
    ]
    formfield_overrides = {
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }

    class Media:
        css = {"all": ["newsroom/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_relations()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # The ten regions are fixed by the newsroom: no "+" to add one from a story.
        regions_widget = form.base_fields["regions"].widget
        regions_widget.can_add_related = regions_widget.can_change_related = False
        return form

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="Photo")
    def thumbnail(self, article):
        return photo_thumbnail(article.lead_photo, height=40)

    @admin.display(description="Regions")
    def region_list(self, article):
        return ", ".join(region.name for region in article.regions.all()) or "City-wide"

    @admin.display(description="Tags")
    def tag_list(self, article):
        return ", ".join(sorted(tag.name for tag in article.tags.all()))

    @admin.display(description="Live", boolean=True)
    def is_published(self, article):
        return article.is_published

    @admin.action(description="Publish the selected stories", permissions=["change"])
    def publish(self, request, queryset):
        count = 0
        for article in queryset.exclude(status=Article.Status.PUBLISHED):
            article.status = Article.Status.PUBLISHED
            article.save()
            count += 1
        self.message_user(request, f"Published {count} stories.", messages.SUCCESS)

    @admin.action(description="Unpublish the selected stories (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.filter(status=Article.Status.PUBLISHED).update(
            status=Article.Status.DRAFT, updated_at=timezone.now()
        )
        self.message_user(request, f"Moved {count} stories back to draft.", messages.SUCCESS)

    @admin.action(description="Make the home page lead (replaces the current lead)", permissions=["change"])
    def make_lead(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one story to lead the home page.", messages.ERROR)
            return
        article = queryset.get()
        Article.objects.make_lead(article)
        note = "" if article.is_published else " It shows there once it is published."
        self.message_user(request, f"“{article.headline}” now leads the home page.{note}", messages.SUCCESS)

    @admin.action(description="Stop leading the home page (the newest story leads)", permissions=["change"])
    def remove_lead(self, request, queryset):
        count = queryset.filter(featured=True).update(featured=False)
        self.message_user(request, f"Removed {count} lead story; the newest story leads the home page.", messages.SUCCESS)
