from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import ngettext

from photos.forms import KeptFileInput
from photos.pictures import jpeg_rendition

from . import editorial, pending, workflow
from .admin_listing import (
    CANDIDATES,
    CREDITS_WINDOW,
    AuthorListFilter,
    BoundedAdminPaginator,
    RegionListFilter,
    changelist_page,
    search_stories,
)
from .admin_status import DateTimePicker, StatusFilter, TagFilter, saved_message, status_label
from .admin_forms import ArticleAdminForm
from .history import HistoryAdminMixin
from .models import Article, Correction, Photo
from .preview import preview_link
from .tags import TaggedListFilter, TaggingAdminMixin


def photo_thumbnail(photo, height):
    if not photo or not photo.image:
        return "—"
    return format_html(
        '<img class="newsroom-thumb" src="{}" alt="{}" height="{}" loading="lazy">',
        jpeg_rendition(photo, 400)[0],
        photo.alt_text,
        height,
    )


class PhotoInline(admin.StackedInline):
    model = Photo
    extra = 1
    fields = ("preview", "image", "original_name", "caption", "credit", "alt_text", "position")
    readonly_fields = ("preview", "original_name")
    formfield_overrides = {
        # Keeps a checked file when the form comes back with an error (photos/forms.py).
        models.ImageField: {"widget": KeptFileInput(attrs={"accept": "image/*"})},
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 80})},
    }

    @admin.display(description="Preview")
    def preview(self, photo):
        return photo_thumbnail(photo, height=120)


class CorrectionInline(admin.TabularInline):
    """Editors add dated corrections to published stories; readers see them at the story's foot."""

    model = Correction
    extra = 1
    fields = ("created_at", "text")
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 80})}}

    def has_add_permission(self, request, obj=None):
        return (
            obj is not None
            and obj.is_published
            and super().has_add_permission(
                request,
                obj,  # pragma: no mutate (Django's inline add permission is the same for any story)
            )
        )


class ReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("needed", "Needs review"), ("sent_back", "Sent back to the author")]

    def queryset(self, request, queryset):
        if self.value() == "needed":
            return queryset.needing_review()
        if self.value() == "sent_back":
            return queryset.filter(status=Article.Status.DRAFT).exclude(review_note="")
        return queryset


class MyStoriesFilter(admin.SimpleListFilter):
    title = "whose stories"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("yes", "My stories")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(author=request.user)
        return queryset


@admin.register(Article)
class ArticleAdmin(TaggingAdminMixin, HistoryAdminMixin, admin.ModelAdmin):
    """
    The story list and form. Who may change what is decided by articles/workflow.py;
    this class applies it (permissions, read-only fields, the form's checks, actions).
    """

    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = (
        "headline",
        "thumbnail",
        "region_list",
        "status_label",
        "published_at",
        "tag_list",
        "author",
        "featured",
    )
    list_display_links = ("headline",)
    list_filter = (
        MyStoriesFilter,
        ReviewFilter,
        StatusFilter,
        ("author", AuthorListFilter),
        RegionListFilter,
        TaggedListFilter,
        TagFilter,
        "published_at",
    )
    list_select_related = ("author",)
    # Searched through the full-text index (get_search_results); this turns the search box on.
    search_fields = ("headline", "summary", "body", "byline", "source", "tags__name")
    search_help_text = (
        f"Words of the headline, summary, body or tags: the {CANDIDATES:,} newest stories with them all. "
        f"A byline or source: among the {CREDITS_WINDOW:,} newest stories."
    )
    # The list stays as cheap at a million stories as at a thousand (articles/admin_listing.py):
    # the count stops ten pages ahead and the total of the table is never counted. No date
    # hierarchy: it reads the years, then months, of every listed story on each request;
    # the publication time filter (today, past 7 days, this month, this year) replaces it.
    show_full_result_count = False
    readonly_fields = ("author", "created_at", "updated_at", "revised_at")
    inlines = [PhotoInline, CorrectionInline]
    actions = ["publish", "unpublish", "make_lead", "remove_lead", *TaggingAdminMixin.tag_actions]
    save_on_top = True
    # In the order a journalist works: the text, photos (the inline, placed after it by
    # newsroom/admin.css), regions and tags; publishing sits beside them on wide screens.
    fieldsets = [
        (None, {"fields": ("headline", "byline", "summary", "body", "opened_version", "confirm_warnings")}),
        ("Regions and tags", {"classes": ["newsroom-regions"], "fields": ("regions", "city_wide", "tags")}),
        ("Address and source", {"classes": ["collapse", "newsroom-address"], "fields": ("slug", "source")}),
        (
            "Publishing",
            {
                "classes": ["newsroom-publishing"],
                "fields": (
                    "status",
                    "send_back_note",
                    "published_at",
                    "author",
                    "created_at",
                    "updated_at",
                    "revised_at",
                )
            },
        ),
    ]
    formfield_overrides = {
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
        models.DateTimeField: {"form_class": forms.SplitDateTimeField, "widget": DateTimePicker},
    }

    class Media:
        css = {"all": ["newsroom/admin.css"]}
        js = [forms.Script("newsroom/story-form.js", type="module")]

    def get_queryset(self, request):
        return super().get_queryset(
            request,  # pragma: no mutate (the list's ordering is fixed: Django reads no request for it)
        ).with_relations()

    def get_paginator(
        self,
        request,
        queryset,
        per_page,
        orphans=0,
        allow_empty_first_page=True,  # pragma: no mutate (Django asks a page only of a list of several)
    ):
        page = changelist_page(request)
        return BoundedAdminPaginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,  # pragma: no mutate (as above)
            page=page,
        )

    def get_search_results(self, request, queryset, search_term):
        return search_stories(queryset, search_term), False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(
            request,
            obj,
            **kwargs,  # pragma: no mutate (fields: Django takes the same from get_fieldsets without it)
        )
        form.request_user = request.user
        return form

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(
            db_field,
            request,
            **kwargs,  # pragma: no mutate (the admin's form passes none: it has no Meta widgets or labels)
        )
        if db_field.name == "regions":
            # The ten regions are fixed by the newsroom: no "+" to add one from a story.
            formfield.widget.can_add_related = False  # pragma: no mutate (None is as false)
            formfield.widget.can_change_related = False  # pragma: no mutate (as above)
        if db_field.name == "published_at" and formfield is not None:
            zone = timezone.get_current_timezone_name()
            formfield.help_text += f" Times are in the site's time zone, {zone}."
        return formfield

    # Who may do what (articles/workflow.py), enforced here for every request.

    def has_change_permission(self, request, obj=None):
        user = request.user
        if obj is None:
            return user.has_perm(workflow.CHANGE) or user.has_perm(workflow.TAG)
        return workflow.can_tag(user, obj)

    def has_publish_permission(self, request):
        return workflow.is_editor(request.user)

    def get_readonly_fields(self, request, obj=None):
        user = request.user
        readonly = list(self.readonly_fields)
        if obj is not None and not workflow.can_edit(user, obj):
            # A tagger: the tags and nothing else.
            editable = {"tags", "opened_version"}  # the checks to confirm and the send-back note are hidden
            readonly += [
                name
                for _, options in self.fieldsets
                for name in options["fields"]
                if name not in editable and name not in readonly
            ]
        elif not workflow.is_editor(user):
            readonly += ["published_at"]
        return readonly

    def get_fieldsets(self, request, obj=None):
        user = request.user
        hidden = set()
        if not (workflow.is_editor(user) and obj is not None and obj.status == Article.Status.IN_REVIEW):
            hidden.add("send_back_note")
        if not workflow.can_edit(user, obj):
            hidden.add("confirm_warnings")
        if obj is not None and not self.has_change_permission(request, obj):
            hidden.add("opened_version")
        return [
            (name, {**options, "fields": tuple(f for f in options["fields"] if f not in hidden)})
            for name, options in self.fieldsets
        ]

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(
            request,  # pragma: no mutate (every role may view a story's photos and corrections)
            obj,
        )
        # Corrections belong to published stories (and those that once had some).
        if obj is None or not (obj.status == Article.Status.PUBLISHED or obj.corrections.exists()):
            return [inline for inline in inlines if not isinstance(inline, CorrectionInline)]
        return inlines

    def get_object(self, request, object_id, from_field=None):
        story = super().get_object(
            request,  # pragma: no mutate (the story list's queryset does not read the request)
            object_id,
            from_field,  # pragma: no mutate (None or the pk: the only _to_field allowed for stories)
        )
        # The form shows (and goes on editing) a published story's pending change, if it has one.
        if story is not None and request.resolver_match.url_name == "articles_article_change":
            story.showing_pending = pending.show_pending(story)
        return story

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None  # pragma: no mutate (all given)
    ):
        can_preview = obj is not None and workflow.can_make_preview_link(request.user, obj)
        context["can_make_preview_link"] = can_preview
        live = obj is not None and Article.objects.published().filter(pk=obj.pk).exists()
        context["can_save_pending"] = live and workflow.can_edit(request.user, obj)
        context["pending_change"] = pending.pending_of(obj) if obj is not None else None
        context["can_publish_pending"] = obj is not None and workflow.is_editor(request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        form.apply_workflow(obj, request.user)
        if "_pending" in request.POST and form.was_live and workflow.can_edit(request.user, obj):
            pending.hold(form, obj, request.user)
            request.newsroom_held_pending = True
            # Readers' story is unchanged: no "Updated".
            form.was_live = False  # pragma: no mutate (None is as false)
        elif obj.showing_pending:
            # Saved for readers from a form that showed the pending change: it is live now.
            live = Article.objects.get(pk=obj.pk)
            if form.was_live and any(getattr(live, f) != getattr(obj, f) for f in pending.TEXT_FIELDS):
                obj.revised_at = timezone.now()
            pending.discard(obj)
        super().save_model(
            request,  # pragma: no mutate (Django's save_model only saves obj)
            obj,
            form,  # pragma: no mutate (as above)
            change,  # pragma: no mutate (as above)
        )
        request.newsroom_saved_story = obj

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # After a save from the form, say what happened to the story instead of Django's "was changed".
        story = getattr(request, "newsroom_saved_story", None)
        if story is not None and level == messages.SUCCESS:
            message = saved_message(story)
            if getattr(request, "newsroom_held_pending", False):  # pragma: no mutate (None is as false)
                message = format_html(
                    "Your changes to “{}” are saved as pending: readers still see the live version. "
                    "Preview them, then publish or discard them.",
                    story.headline,
                )
        super().message_user(request, message, level, *args, **kwargs)

    def save_formset(self, request, form, formset, change):
        if formset.model is Correction:
            for correction in formset.save(
                commit=False,  # pragma: no mutate (None is as false; True deletes twice, which tests catch)
            ):
                if correction.author_id is None:
                    correction.author = request.user
                correction.save()
            for correction in formset.deleted_objects:
                correction.delete()
            return
        super().save_formset(
            request,  # pragma: no mutate (Django's save_formset uses the formset alone)
            form,  # pragma: no mutate (as above)
            formset,
            change,  # pragma: no mutate (as above)
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(
            request,
            form,
            formsets,
            change,  # pragma: no mutate (it reaches only save_formset, which ignores it)
        )
        story = form.instance
        text_changed = bool(set(form.changed_data) & set(workflow.READER_FIELDS)) or any(
            formset.has_changed() for formset in formsets
        )
        # "Updated:" for readers when a story they could already read changes (a correction included).
        if form.was_live and story.is_published and text_changed:
            story.revised_at = timezone.now()
            story.save(update_fields=["revised_at"])

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/preview-link/",
                self.admin_site.admin_view(self.preview_link_view),
                name="%s_%s_preview_link" % info,
            ),
            path(
                "<path:object_id>/pending/<str:decision>/",
                self.admin_site.admin_view(self.pending_view),
                name="%s_%s_pending" % info,
            ),
            *super().get_urls(),
        ]

    def preview_link_view(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such story.")
        if not workflow.can_make_preview_link(request.user, article):
            raise PermissionDenied
        url, expires = preview_link(article)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": "Private preview link",
            "preview_url": request.build_absolute_uri(url),
            "expires": expires,
        }
        return TemplateResponse(request, "admin/articles/article/preview_link.html", context)

    def pending_view(self, request, object_id, decision):
        """An editor publishes a story's pending change for readers, or discards it (POST)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        story = super().get_object(
            request,  # pragma: no mutate (the story list's queryset does not read the request)
            unquote(object_id),
        )
        if story is None or decision not in ("publish", "discard"):
            raise Http404("No such story.")
        if not workflow.is_editor(request.user):
            raise PermissionDenied
        if pending.pending_of(story) is None:
            self.message_user(request, "This story has no pending changes.", messages.WARNING)
        elif decision == "publish":
            story = pending.publish(story, request.user)
            self.message_user(
                request,
                format_html(
                    "The pending changes to “{}” are published — <a href=\"{}\">view on site</a>.",
                    story.headline,
                    story.get_absolute_url(),
                ),
                messages.SUCCESS,
            )
        else:
            pending.discard(story)
            self.message_user(
                request,
                f"The pending changes to “{story.headline}” are discarded; the live story is unchanged.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[story.pk]))

    @admin.display(description="Photo")
    def thumbnail(self, article):
        return photo_thumbnail(article.lead_photo, height=40)

    @admin.display(description="Regions")
    def region_list(self, article):
        return ", ".join(region.name for region in article.regions.all()) or "City-wide"

    @admin.display(description="Tags")
    def tag_list(self, article):
        return ", ".join(sorted(tag.name for tag in article.tags.all()))

    @admin.display(description="Status", ordering="status")
    def status_label(self, article):
        return status_label(article)

    def move_stories(self, request, stories, target):
        """Move each story to `target` where the workflow allows it; returns those moved."""
        moved = []
        for article in stories:
            move = workflow.transition(article.status, target)
            if move is None or not workflow.may_make(request.user, article, move):
                continue
            article.status = target
            article.version += 1
            article.save()
            moved.append(article)
        return moved

    @admin.action(description="Publish the selected stories", permissions=["publish"])
    def publish(self, request, queryset):
        stories = [a for a in queryset if a.status != Article.Status.PUBLISHED]
        checked = [(article, editorial.check_story(article)) for article in stories]
        blocked = [(article, findings) for article, findings in checked if findings.errors]
        ready = [(article, findings) for article, findings in checked if not findings.errors]
        warned = [(article, findings) for article, findings in ready if findings.warnings]
        if warned and request.POST.get("confirm_warnings") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Publish these stories?",
                "warned": warned,
                "blocked": blocked,
                "selected": [article.pk for article in queryset],
            }
            return TemplateResponse(request, "admin/articles/article/publish_confirmation.html", context)
        for article, findings in blocked:
            self.message_user(
                request,
                f"Not published, “{article.headline}”: {' '.join(findings.errors)}",
                messages.ERROR,
            )
        moved = self.move_stories(request, [article for article, _ in ready], Article.Status.PUBLISHED)
        self.message_user(request, count_message("Published", len(moved)), messages.SUCCESS)

    @admin.action(description="Unpublish the selected stories", permissions=["publish"])
    def unpublish(self, request, queryset):
        published = queryset.filter(status=Article.Status.PUBLISHED)
        moved = self.move_stories(request, published, Article.Status.UNPUBLISHED)
        self.message_user(request, count_message("Unpublished", len(moved)), messages.SUCCESS)

    @admin.action(description="Make the home page lead (replaces the current lead)", permissions=["publish"])
    def make_lead(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one story to lead the home page.", messages.ERROR)
            return
        article = queryset.get()
        Article.objects.make_lead(article)
        note = "" if article.is_published else " It shows there once it is published."
        self.message_user(request, f"“{article.headline}” now leads the home page.{note}", messages.SUCCESS)

    @admin.action(description="Stop leading the home page (the newest story leads)", permissions=["publish"])
    def remove_lead(self, request, queryset):
        count = queryset.filter(featured=True).update(featured=False)
        self.message_user(request, f"Removed {count} lead story; the newest story leads the home page.", messages.SUCCESS)


def count_message(verb, count):
    """ "Published 1 story.", "Published 3 stories." """
    return f"{verb} {count} {ngettext('story', 'stories', count)}."


# Tags. The project's Tag model replaces taggit's, so taggit's admin (whose merge action
# works on taggit's own links, not this project's) is removed; it is imported first so
# that it is registered by now, whichever app's admin loads first. The project's tag
# admin is articles/tags.py.
import taggit.admin  # noqa: E402, F401
from taggit.models import Tag as TaggitTag  # noqa: E402

admin.site.unregister(TaggitTag)
