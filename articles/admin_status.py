"""
What the story list and form tell the newsroom: each story's state in words
(a scheduled story with its time and the site's time zone), the state and tag
filters of the list, and the message after a save.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

from pagecache.derived import derived

from .models import Article, Tag

Status = Article.Status

# How many tags the tag filter lists as links; any other is found by typing its name.
TOP_TAGS = 10


def local_time(moment):
    """ "30 Nov 2026, 08:00 (Asia/Shanghai)": a time as the newsroom reads it, in the site's time zone."""
    zone = timezone.get_current_timezone_name()
    return f"{date_format(timezone.localtime(moment), 'j M Y, H:i')} ({zone})"


def state(article, now=None):
    """The story's state as the newsroom sees it: a Status value, or "scheduled"."""
    if article.status == Status.PUBLISHED and not article.is_published_at(now or timezone.now()):
        return "scheduled"
    return article.status


def status_label(article):
    """Draft, In review, Scheduled: <time (zone)>, Published or Unpublished."""
    if state(article) == "scheduled":
        return f"Scheduled: {local_time(article.published_at)}"
    return Status(article.status).label


def saved_message(article):
    """What a save did, said after it: the story's state and, when readers can see it, a link to it."""
    headline = article.headline
    match state(article):
        case "scheduled":
            return format_html("“{}” is scheduled for {}.", headline, local_time(article.published_at))
        case Status.PUBLISHED:
            return format_html(
                '“{}” is published — <a href="{}">view on site</a>.', headline, article.get_absolute_url()
            )
        case Status.DRAFT:
            return format_html("“{}” was saved as a draft.", headline)
        case Status.IN_REVIEW:
            return format_html("“{}” was saved and is in review, waiting for an editor.", headline)
        case _:
            return format_html("“{}” was saved; it is unpublished, so readers do not see it.", headline)


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            (Status.DRAFT, "Draft"),
            (Status.IN_REVIEW, "In review"),
            ("scheduled", "Scheduled"),
            (Status.PUBLISHED, "Published"),
            (Status.UNPUBLISHED, "Unpublished"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "scheduled":
                return queryset.scheduled()
            case Status.PUBLISHED:
                return queryset.published()
            case Status.DRAFT | Status.IN_REVIEW | Status.UNPUBLISHED as value:
                return queryset.filter(status=value)
        return queryset


class TagFilter(admin.SimpleListFilter):
    """
    Stories with a tag: the most used tags as links, and a box to type any other's
    name, so the filter stays short however many tags there are.
    """

    title = "tag"
    parameter_name = "tag"
    template = "admin/articles/article/tag_filter.html"

    def lookups(self, request, model_admin):
        # Counting every story's tags: once per content generation (pagecache/derived.py).
        choices = derived("admin:top-tags", self.top_tags)  # pragma: no mutate (any own name does)
        chosen = self.value()
        if chosen and chosen not in {slug for slug, _ in choices}:
            tag = self.chosen_tag(chosen)
            choices.append((chosen, tag.name if tag else chosen))
        return choices

    @staticmethod
    def top_tags():
        top = (
            Tag.objects.annotate(stories=Count("articles_taggedarticle_items"))
            .filter(stories__gt=0)
            .order_by("-stories", "name")[:TOP_TAGS]
        )
        return [(tag.slug, tag.name) for tag in top]

    def chosen_tag(self, value):
        """The tag named by the box or a link: its slug, or its name in any case."""
        return Tag.objects.filter(slug=value).first() or Tag.objects.filter(name__iexact=value).first()

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        tag = self.chosen_tag(self.value())
        return queryset.filter(tags=tag) if tag else queryset.none()

    def choices(self, changelist):
        # The box's form keeps the list's other filters and search as hidden fields.
        kept = [
            (name, value)
            for name, values in changelist.get_filters_params().items()  # each a list (request.GET.lists())
            for value in values
            if name != self.parameter_name
        ]
        if changelist.query:
            kept.append(("q", changelist.query))
        yield {"search_box": True, "kept": kept, "value": self.value() or ""}
        yield from super().choices(changelist)


class DateTimePicker(forms.SplitDateTimeWidget):
    """The browser's own date and time inputs: any time can be picked, not only the admin's five shortcuts."""

    def __init__(self):
        # The formats the browser's inputs take, whatever the language's formats are
        # (Chinese writes 2099/11/30 and 08:07).
        super().__init__(date_format="%Y-%m-%d", time_format="%H:%M:%S")
        self.widgets[0].input_type = "date"
        self.widgets[1].input_type = "time"
        self.widgets[1].attrs["step"] = "1"
