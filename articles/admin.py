from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from .models import Article, Photo
from .tags import TaggedListFilter, TaggingAdminMixin


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
    fields = ("preview", "image", "original_name", "caption", "credit", "alt_text", "position")
    readonly_fields = ("preview", "original_name")
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


class ArticleAdminForm(forms.ModelForm):
    def clean_tags(self):
        names = self.cleaned_data["tags"]
        # Read from the tag model, so a project tag model with another limit is obeyed.
        limit = Article.tags.through.tag_model()._meta.get_field("name").max_length
        too_long = [name for name in names if len(name) > limit]
        if too_long:
            raise ValidationError(
                [
                    f"The tag “{Truncator(name).chars(40)}” is {len(name)} characters long; "
                    f"a tag can have at most {limit} characters."
                    for name in too_long
                ],
                code="tag_too_long",
            )
        return names


@admin.register(Article)
class ArticleAdmin(TaggingAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = (
        "headline",
        "thumbnail",
        "region_list",
        "status",
        "is_published",
        "published_at",
        "tag_list",
        "author",
    )
    list_display_links = ("headline",)
    list_filter = ("status", ("regions", RegionListFilter), TaggedListFilter, "published_at")
    list_select_related = ("author",)
    search_fields = ("headline", "summary", "body", "byline", "source")
    date_hierarchy = "published_at"
    readonly_fields = ("author", "created_at", "updated_at")
    inlines = [PhotoInline]
    actions = ["publish", "unpublish", *TaggingAdminMixin.tag_actions]
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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "regions":
            # The ten regions are fixed by the newsroom: no "+" to add one from a story.
            formfield.widget.can_add_related = formfield.widget.can_change_related = False
        return formfield

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


# Tags. The project's Tag model replaces taggit's, so taggit's admin (whose merge action
# works on taggit's own links, not this project's) is removed; it is imported first so
# that it is registered by now, whichever app's admin loads first. The project's tag
# admin is articles/tags.py.
import taggit.admin  # noqa: E402, F401
from taggit.models import Tag as TaggitTag  # noqa: E402

admin.site.unregister(TaggitTag)
