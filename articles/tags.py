"""
Tags for the newsroom: the vocabulary rules and the staff tools.

- One tag per name: names are normalised (normalize_tag_name, in models.py) and the
  database refuses a second tag whose name differs only by case.
- A tag that moves keeps its readers: renaming or merging records a TagRedirect from
  each old address, which the tag page answers with a permanent redirect.
- Staff tag stories with an autocomplete of existing tags (Django admin's own select2,
  in its "tags" mode so a new name can be typed), from suggestions of existing tags the
  story mentions, or in bulk from the story list; the tag list renames, merges and
  deletes unused tags.
"""

import re

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import get_select2_language
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from .models import Tag, TaggedArticle, TagRedirect, normalize_tag_name
from .workflow import TAG

# Permissions that let a user tag any story in bulk (superusers have every permission):
# the Tagger role's, or the right to keep the tag list.
TAGGING_PERMISSIONS = (TAG, "articles.change_tag")
SUGGESTION_LIMIT = 10
AUTOCOMPLETE_PAGE_SIZE = 20


def can_tag_stories(user):
    return any(user.has_perm(permission) for permission in TAGGING_PERMISSIONS)


# --- The vocabulary ------------------------------------------------------------------


def record_move(tag, old_slug):
    """
    After `tag` was saved: its previous address (old_slug) redirects to it, and no
    redirect leads away from the address it has now.
    """
    if old_slug and old_slug != tag.slug:
        TagRedirect.objects.update_or_create(old_slug=old_slug, defaults={"tag": tag})
    TagRedirect.objects.filter(old_slug=tag.slug).delete()


@transaction.atomic
def merge_tags(target, tags):
    """
    Merge `tags` into `target`: every story that carried one of them carries `target`,
    once; their addresses (and any that already led to them) redirect to `target`;
    they are deleted. Returns the number of stories that gained `target`.
    """
    others = [tag for tag in tags if tag.pk != target.pk]
    other_ids = [tag.pk for tag in others]
    links = TaggedArticle.objects
    already = links.filter(tag=target).values("content_object_id")
    gaining = set(
        links.filter(tag_id__in=other_ids)
        .exclude(content_object_id__in=already)
        .values_list("content_object_id", flat=True)
    )
    # ignore_conflicts: a story tagged with `target` meanwhile keeps its one link.
    links.bulk_create(
        [TaggedArticle(content_object_id=pk, tag=target) for pk in sorted(gaining)], ignore_conflicts=True
    )
    links.filter(tag_id__in=other_ids).delete()
    TagRedirect.objects.filter(tag_id__in=other_ids).update(tag=target)
    for tag in others:
        record_move(target, tag.slug)
    Tag.objects.filter(pk__in=other_ids).delete()
    return len(gaining)


def _mention_pattern(name):
    """A name found as a whole word in Latin text; Chinese has no spaces, so any occurrence."""
    pattern = re.escape(name.lower())
    if re.match(r"[a-z0-9]", name.lower()):
        pattern = r"(?<![a-z0-9])" + pattern
    if re.search(r"[a-z0-9]$", name.lower()):
        pattern += r"(?![a-z0-9])"
    return pattern


def suggest_tags(text, exclude=(), limit=SUGGESTION_LIMIT):
    """
    Existing tags that `text` (a story's headline and body) mentions, most used first,
    leaving out the names in `exclude` (tags the story already has). Two queries: the
    names, then the counts of those mentioned.
    """
    text = normalize_tag_name(text).lower()
    excluded = {normalize_tag_name(name).lower() for name in exclude}
    mentioned = [
        pk
        for pk, name in Tag.objects.values_list("pk", "name")
        # The plain substring test rules out almost every tag cheaply.
        if name.lower() not in excluded and name.lower() in text and re.search(_mention_pattern(name), text)
    ]
    found = Tag.objects.filter(pk__in=mentioned).with_story_counts().values_list("name", "story_count")
    return [name for _, _, name in sorted((-count, name.lower(), name) for name, count in found)[:limit]]


# --- Tag input on story forms ----------------------------------------------------------


class TagAutocomplete(forms.SelectMultiple):
    """
    The admin's own select2 autocomplete (the files Django ships, no inline script, so
    it works under the site's CSP) in "tags" mode: existing tags are offered as one
    types, a new name is taken as typed. Options are tag names, not ids. With
    `suggest=True` it is followed by buttons for the tags the story mentions
    (static/newsroom/tag-suggestions.js).
    """

    def __init__(self, attrs=None, suggest=False):
        super().__init__(attrs)
        self.suggest = suggest

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.update(
            {
                "class": " ".join(
                    filter(None, [attrs.get("class"), "admin-autocomplete", "tag-autocomplete"])
                ),
                "data-ajax--url": reverse("admin:articles_tag_names"),
                "data-ajax--cache": "true",
                "data-ajax--delay": 250,
                "data-ajax--type": "GET",
                "data-tags": "true",
                "data-token-separators": '[","]',
                "data-theme": "admin-autocomplete",
                "data-placeholder": "Type to find or add a tag",
                "data-width": "100%",
                "lang": get_select2_language(),
            }
        )
        return attrs

    def optgroups(self, name, value, attrs=None):
        # The chosen names are the only options; the rest come from the server as one types.
        # The <select> template renders neither an option's name and index nor a group's index.
        options = [
            self.create_option(
                name,  # pragma: no mutate (options do not render the name)
                tag,
                tag,
                True,
                index,  # pragma: no mutate (a select's options take no id from it)
            )
            for index, tag in enumerate(value)
        ]
        return [(None, options, 0)]  # pragma: no mutate (the template ignores the group index)

    def format_value(self, value):
        return [name for name in (value or []) if name]

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if not self.suggest:
            return html
        select_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        return html + format_html(
            '<div class="tag-suggestions" data-for="{}" data-url="{}" hidden>'
            '<span class="tag-suggestions__label">Mentioned in the story:</span> </div>',
            select_id,
            reverse("admin:articles_tag_suggest"),
        )

    @property
    def media(self):
        return forms.Media(
            js=[
                "admin/js/vendor/jquery/jquery.min.js",
                "admin/js/vendor/select2/select2.full.min.js",
                *(
                    [f"admin/js/vendor/select2/i18n/{get_select2_language()}.js"]
                    if get_select2_language()
                    else []
                ),
                "admin/js/jquery.init.js",
                "admin/js/autocomplete.js",
                *(["newsroom/tag-suggestions.js"] if self.suggest else []),
            ],
            css={
                "screen": [
                    "admin/css/vendor/select2/select2.min.css",
                    "admin/css/autocomplete.css",
                    "newsroom/admin.css",
                ]
            },
        )


class TagNamesField(forms.Field):
    """
    Tag names, normalised, each once whatever its case. A posted value may also hold
    several names separated by commas (the form without JavaScript, or a test). Tags
    may contain spaces, hyphens and Chinese characters; a comma separates tags.
    """

    widget = TagAutocomplete

    def prepare_value(self, value):
        if isinstance(value, str):
            value = [value]
        return [getattr(tag, "name", tag) for tag in (value or [])]

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        names, seen = [], set()
        for posted in value:
            for part in str(posted).split(","):
                name = normalize_tag_name(part)
                if name and name.lower() not in seen:
                    seen.add(name.lower())
                    names.append(name)
        return names

    def has_changed(self, initial, data):
        initial_names = sorted(name.lower() for name in self.prepare_value(initial))
        return initial_names != sorted(name.lower() for name in self.to_python(data))


# --- The story list and form ------------------------------------------------------------


class TaggedListFilter(admin.SimpleListFilter):
    title = "tags"
    parameter_name = "tagged"

    def lookups(self, request, model_admin):
        return [("no", "Untagged"), ("yes", "Tagged")]

    def queryset(self, request, queryset):
        tagged = Exists(TaggedArticle.objects.filter(content_object=OuterRef("pk")))
        if self.value() == "no":
            return queryset.filter(~tagged)
        if self.value() == "yes":
            return queryset.filter(tagged)
        return queryset


class BulkTagForm(forms.Form):
    tags = TagNamesField(label="Tags", help_text="One or more tags; type to find existing ones.")

    def __init__(self, data, *, existing_only):
        super().__init__(data)
        self.existing_only = existing_only

    def clean_tags(self):
        names = self.cleaned_data["tags"]
        limit = Tag._meta.get_field("name").max_length
        too_long = [name for name in names if len(name) > limit]
        if too_long:
            raise forms.ValidationError(f"A tag can have at most {limit} characters: {too_long[0][:40]}…")
        if self.existing_only:
            unknown = [name for name in names if not Tag.objects.filter(name__iexact=name).exists()]
            if unknown:
                raise forms.ValidationError(f"There is no tag named “{unknown[0]}”.")
        return names


def _record_in_history(request, stories, comment):
    """The changed stories get a revision in their history (articles/history.py), like a save."""
    if reversion.is_active():
        for article in stories:
            reversion.add_to_revision(article)
        reversion.set_user(request.user)
        reversion.set_comment(comment)


def _bulk_tag_page(modeladmin, request, queryset, *, action, title, verb, existing_only):
    """The form of a bulk tag action; returns the names once they are posted and valid."""
    form = BulkTagForm(request.POST if "apply" in request.POST else None, existing_only=existing_only)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["tags"], None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "verb": verb,
        "action": action,
        "form": form,
        "media": modeladmin.media + form.media,
        "stories": queryset.select_related(None).only("headline"),
        "opts": modeladmin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return None, TemplateResponse(request, "admin/articles/article/bulk_tags.html", context)


@admin.action(description="Add tags to the selected stories", permissions=["tag"])
def add_tags(modeladmin, request, queryset):
    names, page = _bulk_tag_page(
        modeladmin,
        request,
        queryset,
        action="add_tags",
        title="Add tags to stories",
        verb="Add",
        existing_only=False,
    )
    if page:
        return page
    changed = []
    with transaction.atomic():
        for article in queryset:
            # Through the tag manager, so that m2m_changed reports every change.
            before = set(article.tags.values_list("pk", flat=True))
            article.tags.add(*names)
            if set(article.tags.values_list("pk", flat=True)) != before:
                changed.append(article)
        listed = ", ".join(f"“{name}”" for name in names)
        _record_in_history(request, changed, f"Added the tags {listed} (to several stories at once).")
    message = f"Added {listed} to {len(changed)} of {len(queryset)} selected stories."
    modeladmin.message_user(request, message, messages.SUCCESS)
    return None


@admin.action(description="Remove tags from the selected stories", permissions=["tag"])
def remove_tags(modeladmin, request, queryset):
    names, page = _bulk_tag_page(
        modeladmin,
        request,
        queryset,
        action="remove_tags",
        title="Remove tags from stories",
        verb="Remove",
        existing_only=True,
    )
    if page:
        return page
    tags = [Tag.objects.get(name__iexact=name) for name in names]
    listed = ", ".join(f"“{tag.name}”" for tag in tags)
    with transaction.atomic():
        changed = list(queryset.filter(tags__in=tags).distinct())
        for article in changed:
            article.tags.remove(*tags)
        _record_in_history(request, changed, f"Removed the tags {listed} (from several stories at once).")
    modeladmin.message_user(request, f"Removed {listed} from {len(changed)} stories.", messages.SUCCESS)
    return None


class TaggingAdminMixin:
    """What the story admin needs for tags: the input, the untagged filter, the bulk actions."""

    tag_actions = [add_tags, remove_tags]

    def has_tag_permission(self, request):
        return can_tag_stories(request.user)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            return TagNamesField(
                required=not db_field.blank,  # pragma: no mutate (None is as false; "not" is tested)
                widget=TagAutocomplete(suggest=True),
                help_text="Type to find an existing tag, or a new name and Enter (a comma separates tags). "
                "Case, spacing and full-width letters do not make a new tag.",
            )
        return super().formfield_for_dbfield(
            db_field,
            request,
            **kwargs,  # pragma: no mutate (the admin's form passes none: it has no Meta widgets or labels)
        )


# --- The tag list --------------------------------------------------------------------------


class UsedListFilter(admin.SimpleListFilter):
    title = "use"
    parameter_name = "used"

    def lookups(self, request, model_admin):
        return [("yes", "On stories"), ("no", "Unused")]

    def queryset(self, request, queryset):
        used = Exists(TaggedArticle.objects.filter(tag=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(used)
        if self.value() == "no":
            return queryset.filter(~used)
        return queryset


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Tag.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Keep this tag",
        help_text="The others are merged into it; their pages redirect to its page.",
    )

    def __init__(self, data, *, tags):
        super().__init__(data)
        self.fields["target"].queryset = tags
        self.fields["target"].label_from_instance = lambda tag: f"{tag.name} ({tag.story_count} stories)"


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "story_count", "page_link")
    list_filter = (UsedListFilter,)
    search_fields = ("name", "slug")
    ordering = ("name",)
    fields = ("name", "slug", "stories", "old_addresses")
    readonly_fields = ("stories", "old_addresses")
    actions = ["merge", "delete_unused"]
    list_per_page = 100

    def get_queryset(self, request):
        return super().get_queryset(request).with_story_counts()  # pragma: no mutate (the request is unused)

    def save_model(self, request, obj, form, change):
        old_slug = form.initial.get("slug")  # a new tag's is empty
        if change and "name" in form.changed_data and "slug" not in form.changed_data:
            # Renamed: the page follows the new name (Tag.save makes the slug).
            obj.slug = ""  # pragma: no mutate (Tag.save makes a slug for None as for "")
        with transaction.atomic():
            super().save_model(request, obj, form, change)  # pragma: no mutate (ModelAdmin's uses only obj)
            record_move(obj, old_slug)

    @admin.display(description="Stories", ordering="story_count")
    def story_count(self, tag):
        return tag.story_count

    @admin.display(description="Page")
    def page_link(self, tag):
        return format_html('<a href="{}">{}</a>', tag.get_absolute_url(), tag.get_absolute_url())

    @admin.display(description="Stories with this tag")
    def stories(self, tag):
        if tag.pk is None:
            return "—"
        links = (
            TaggedArticle.objects.filter(tag=tag)
            .select_related("content_object")
            .order_by("-content_object__published_at", "-content_object_id")
        )
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({})</li>',
            (
                (
                    reverse("admin:articles_article_change", args=[link.content_object_id]),
                    link.content_object.headline,
                    link.content_object.get_status_display(),
                )
                for link in links[:100]
            ),
        )
        total = links.count()
        more = f" (the newest 100 of {total})" if total > 100 else ""
        noun = "story" if total == 1 else "stories"
        return format_html('<p>{} {}{}</p><ul class="tag-stories">{}</ul>', total, noun, more, rows)

    @admin.display(description="Old addresses (redirect here)")
    def old_addresses(self, tag):
        if tag.pk is None:
            return "—"
        slugs = tag.redirects.values_list("old_slug", flat=True)
        return ", ".join(reverse("articles:tag-detail", kwargs={"slug": slug}) for slug in slugs) or "—"

    @admin.action(description="Merge the selected tags into one", permissions=["change"])
    def merge(self, request, queryset):
        tags = queryset.order_by("-story_count", "name")
        if len(tags) < 2:
            self.message_user(
                request, "Select two or more tags to merge; nothing was changed.", messages.WARNING
            )
            return None
        form = MergeForm(request.POST if "apply" in request.POST else None, tags=tags)
        if not form.is_bound:
            form.initial["target"] = tags[0].pk
        if form.is_bound and form.is_valid():
            target = form.cleaned_data["target"]
            merged = [tag for tag in tags if tag.pk != target.pk]
            gained = merge_tags(target, merged)
            target.refresh_from_db()
            names = ", ".join(f"“{tag.name}”" for tag in sorted(merged, key=lambda tag: tag.name.lower()))
            self.message_user(
                request,
                f"Merged {names} into “{target.name}”: {gained} more stories carry it, and the old "
                f"tag addresses redirect to its page.",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge tags",
            "form": form,
            "tags": tags,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/tag/merge.html", context)

    @admin.action(description="Delete the selected tags that no story uses", permissions=["delete"])
    def delete_unused(self, request, queryset):
        unused = list(queryset.filter(story_count=0).values_list("pk", flat=True))
        kept = queryset.count() - len(unused)
        Tag.objects.filter(pk__in=unused).delete()
        message = f"Deleted {len(unused)} unused tags."
        if kept:
            message += f" Kept {kept} that stories use (merge them instead)."
        self.message_user(request, message, messages.SUCCESS)

    def get_urls(self):
        return [
            path("names/", self.admin_site.admin_view(self.names_view), name="articles_tag_names"),
            path("suggest/", self.admin_site.admin_view(self.suggest_view), name="articles_tag_suggest"),
            *super().get_urls(),
        ]

    def _check_can_use_tags(self, request):
        if not (
            self.has_view_permission(request)
            or can_tag_stories(request.user)
            or request.user.has_perm("articles.change_article")
            or request.user.has_perm("articles.add_article")
        ):
            raise PermissionDenied

    def names_view(self, request):
        """select2's source: tag names containing the typed term, most used first."""
        self._check_can_use_tags(request)
        term = normalize_tag_name(request.GET.get("term", ""))
        tags = Tag.objects.with_story_counts().order_by("-story_count", "name")
        if term:
            tags = tags.filter(name__icontains=term)
        paginator = Paginator(tags.values_list("name", flat=True), AUTOCOMPLETE_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        return JsonResponse(
            {
                "results": [{"id": name, "text": name} for name in page.object_list],
                "pagination": {"more": page.has_next()},
            }
        )

    def suggest_view(self, request):
        """Existing tags that the posted headline and body mention, leaving out the posted tags."""
        return require_POST(self._suggest)(request)

    def _suggest(self, request):
        self._check_can_use_tags(request)
        text = "\n".join([*request.POST.getlist("headline"), *request.POST.getlist("body")])
        return JsonResponse({"suggestions": suggest_tags(text, exclude=request.POST.getlist("tags"))})
