"""
A story's history: every save in the newsroom keeps a revision (django-reversion),
the admin lists them, shows the difference between two, and restores one.

A restore brings back what readers read (headline, summary, body, byline, source,
regions, city-wide), the tags and the captions, credits and alt text of the photos
still on the story; it is saved as a new revision. It leaves the status, the
publication time and the address alone: moving a story between states goes
through the workflow (articles/workflow.py), never through its history.
"""

from difflib import SequenceMatcher

import reversion
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from reversion.models import Version

from . import workflow
from .models import Article, Photo, TaggedArticle

reversion.register(
    Article,
    # The tags are kept as their TaggedArticle rows; the rest is derived or the importer's bookkeeping.
    exclude=("tags", "body_html", "import_record"),
    follow=("photos", "taggedarticle_set"),
)
reversion.register(Photo)
reversion.register(TaggedArticle)

RESTORED_FIELDS = ("headline", "summary", "body", "byline", "source", "city_wide")
TEXT_FIELDS = ("headline", "summary", "body", "byline", "source")


def versions_of(article):
    """The story's revisions, newest first."""
    return Version.objects.get_for_object(article).select_related("revision__user").order_by("-pk")


def snapshot(version):
    """What a revision held, as {label: text}, for showing and comparing."""
    # A revision's field_dict holds every registered field (the model's default where an
    # older revision lacks one), so each is read directly.
    data = version.field_dict
    related = version.revision.version_set.all()
    region_model = Article.regions.field.related_model
    regions = region_model.objects.filter(pk__in=data["regions"]).order_by("name")
    tag_ids = [v.field_dict["tag_id"] for v in related if v._model is TaggedArticle]
    tag_model = TaggedArticle._meta.get_field("tag").related_model
    published_at = data["published_at"]
    shown = {
        "Headline": data["headline"],
        "Summary": data["summary"],
        "Body": data["body"],
        "Byline": data["byline"],
        "Source": data["source"],
        "Regions": ", ".join(region.name for region in regions) or "none",
        "City-wide": "yes" if data["city_wide"] else "no",
        "Tags": ", ".join(sorted(tag_model.objects.filter(pk__in=tag_ids).values_list("name", flat=True))),
        "Status": Article.Status(data["status"]).label,
        "Publication time": f"{timezone.localtime(published_at):%Y-%m-%d %H:%M}" if published_at else "",
        "Note to the author": data["review_note"],
    }
    photos = sorted(
        (
            v.field_dict
            for v in related
            if v._model is Photo and str(v.field_dict["article_id"]) == version.object_id
        ),
        key=lambda photo: (photo["position"], photo["id"]),
    )
    for photo in photos:
        shown[f"Photo {photo['id']}"] = (
            f"caption: {photo['caption']}\ncredit: {photo['credit']}\nalt text: {photo['alt_text']}"
        )
    return shown


def differences(older, newer):
    """[(label, html)] for each thing that differs between two snapshots, the words marked."""
    changed = []
    for label in dict.fromkeys([*older, *newer]):
        before, after = older.get(label, ""), newer.get(label, "")
        if before != after:
            changed.append((label, word_diff(before, after)))
    return changed


def word_diff(before, after):
    """The two texts as one, removed words in <del> and added ones in <ins>, everything escaped."""
    old_words, new_words = before.split(" "), after.split(" ")
    parts = []
    # Without autojunk: in a long text, words as common as "the" still match (test_history's long body).
    matcher = SequenceMatcher(
        None,
        old_words,
        new_words,
        autojunk=False,  # pragma: no mutate (None is as false: difflib tests its truth only)
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(old_words[i1:i2])))
            continue
        removed, added = " ".join(old_words[i1:i2]), " ".join(new_words[j1:j2])
        if removed:
            parts.append(f"<del>{escape(removed)}</del>")
        if added:
            parts.append(f"<ins>{escape(added)}</ins>")
    return mark_safe(" ".join(part for part in parts if part))


def changes_since(article, version_number):
    """
    For an edit conflict: who saved the story last, when, and what changed since the
    revision that had `version_number` (None when that revision is not known).
    """
    versions = list(versions_of(article)[:50])
    if not versions:
        return None, None, None
    latest = versions[0]
    opened = next((v for v in versions if v.field_dict.get("version") == version_number), None)
    changed = differences(snapshot(opened), snapshot(latest)) if opened is not None else None
    return latest.revision.user, latest.revision.date_created, changed


def restore(article, version, user):
    """Bring back `version`'s content as a new revision (see the module docstring)."""
    data = version.field_dict
    with transaction.atomic(), reversion.create_revision():
        article = Article.objects.select_for_update().get(pk=article.pk)
        was_live = article.is_published
        for name in RESTORED_FIELDS:
            setattr(article, name, data[name])
        article.version += 1
        if was_live:
            article.revised_at = timezone.now()
        article.save()
        region_model = Article.regions.field.related_model
        article.regions.set(region_model.objects.filter(pk__in=data["regions"]))
        related = list(version.revision.version_set.all())
        tag_model = TaggedArticle._meta.get_field("tag").related_model
        tag_ids = [v.field_dict["tag_id"] for v in related if v._model is TaggedArticle]
        article.tags.set(list(tag_model.objects.filter(pk__in=tag_ids)))
        photos = {photo.pk: photo for photo in article.photos.all()}
        for photo_version in (v for v in related if v._model is Photo):
            photo_data = photo_version.field_dict
            photo = photos.get(photo_data["id"])
            if photo is not None:
                for name in ("caption", "credit", "alt_text", "position"):
                    setattr(photo, name, photo_data[name])
                photo.save()
        reversion.set_user(user)
        when = timezone.localtime(version.revision.date_created)
        reversion.set_comment(f"Restored the version of {when:%Y-%m-%d %H:%M}.")
    return article


class HistoryAdminMixin:
    """For ArticleAdmin: keeps a revision of every save and serves the history pages."""

    object_history_template = "admin/articles/article/object_history.html"

    def changeform_view(self, request, *args, **kwargs):
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changeform_view(
                request,
                *args,
                **kwargs,  # pragma: no mutate (Django's add and change views pass all by position)
            )

    def changelist_view(self, request, *args, **kwargs):
        # The list's actions (publish, unpublish) save stories too.
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changelist_view(
                request,
                *args,  # pragma: no mutate (Django's URL calls the list view with the request alone)
                **kwargs,  # pragma: no mutate (as above)
            )

    # Each revision's comment is the admin log's own: "Added.", "Changed Headline.", "No fields changed."
    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message())
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message())
        return entry

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="%s_%s_compare" % info,
            ),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="%s_%s_restore" % info,
            ),
            *super().get_urls(),
        ]

    def _story_for_history(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such story.")
        may_see = self.has_view_or_change_permission(
            request,
            article,  # pragma: no mutate (every role's view permission covers all stories)
        )
        if not may_see:
            raise PermissionDenied
        return article

    def history_view(self, request, object_id, extra_context=None):
        article = self._story_for_history(request, object_id)
        versions = list(versions_of(article))
        context = {
            "versions": versions,
            "can_restore": workflow.can_edit(request.user, article),
            "compare_url": reverse("admin:articles_article_compare", args=[article.pk]),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, context)

    def compare_view(self, request, object_id):
        article = self._story_for_history(request, object_id)
        try:
            ids = sorted({int(request.GET["a"]), int(request.GET["b"])})
        except (KeyError, ValueError):
            raise Http404("Choose two versions to compare.") from None
        found = {v.pk: v for v in versions_of(article).filter(pk__in=ids)}
        if len(ids) != 2 or len(found) != 2:
            raise Http404("Choose two versions of this story to compare.")
        older, newer = found[ids[0]], found[ids[1]]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Changes to “{article.headline}”",
            "older": older,
            "newer": newer,
            "changes": differences(snapshot(older), snapshot(newer)),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, object_id, version_id):
        article = self._story_for_history(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:articles_article_history", args=[article.pk]))
        if not workflow.can_edit(request.user, article):
            raise PermissionDenied
        version = get_object_or_404(versions_of(article), pk=version_id)
        restore(article, version, request.user)
        when = timezone.localtime(version.revision.date_created)
        self.message_user(
            request,
            f"Restored the version of {when:%Y-%m-%d %H:%M}; it is saved as a new revision.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
