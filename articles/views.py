from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.dateformat import format as date_format
from django.views.generic import (
    ArchiveIndexView,
    DayArchiveView,
    DetailView,
    ListView,
    MonthArchiveView,
    TemplateView,
    YearArchiveView,
)

from regions.models import Region

from pagecache.derived import derived

from .models import Article, Correction, Tag, TagRedirect
from .paging import BoundedPaginationMixin
from .pending import show_pending
from .preview import story_for_token

HOME_LATEST_COUNT = 10
HOME_PER_REGION_COUNT = 3


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        published = Article.objects.published()
        # Its thirty subqueries cost more to build than to run: once per content generation.
        by_region = derived(
            "home:latest-by-region",  # pragma: no mutate (any own name does)
            lambda: published.latest_by_region(per_region=HOME_PER_REGION_COUNT),
        )
        region_sections = [
            (region, by_region[region.pk]) for region in Region.objects.all() if region.pk in by_region
        ]
        return super().get_context_data(
            latest_articles=published.lead_then_latest(HOME_LATEST_COUNT),
            region_sections=region_sections,
            **kwargs,  # pragma: no mutate (the home page's URL has no arguments)
        )


class ArticleListView(BoundedPaginationMixin, ListView):
    """
    Shared by the region and tag pages: published stories, newest first, 20 a page, as
    many pages as articles/paging.py lets a reader reach.
    """

    paginate_by = 20
    context_object_name = "articles"

    def published_articles(self):
        return Article.objects.published().for_listing()


class TagArticleListView(ArticleListView):
    template_name = "articles/tag_article_list.html"
    # A tag used only on drafts must not reveal itself: no published story, no page.
    allow_empty = False

    def get(self, request, *args, **kwargs):
        self.tag = Tag.objects.filter(slug=kwargs["slug"]).first()
        if self.tag is None:
            return self.moved(request, kwargs["slug"])
        return super().get(request, *args, **kwargs)  # pragma: no mutate (unused by Django's get)

    def moved(self, request, slug):
        """The address of a renamed or merged tag: a permanent redirect to its page, if it has one."""
        tag = get_object_or_404(TagRedirect.objects.select_related("tag"), old_slug=slug).tag
        if not self.published_articles().filter(tags=tag).exists():
            raise Http404("No published story has this tag")  # pragma: no mutate (readers' 404 page omits it)
        query = request.META.get("QUERY_STRING")
        return HttpResponsePermanentRedirect(tag.get_absolute_url() + (f"?{query}" if query else ""))

    def get_queryset(self):
        return Article.objects.published().with_tag(self.tag).for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)  # pragma: no mutate (get() passes none)


class TagIndexView(ListView):
    """The most used tags of published stories, with their story counts (two queries, once per generation)."""

    template_name = "articles/tag_index.html"
    context_object_name = "tags"
    TAG_COUNT = 100

    def get_queryset(self):
        # Counting every story's tags: once per content generation (pagecache/derived.py).
        return derived(
            "tags:most-used",  # pragma: no mutate (any own name does)
            lambda: Tag.objects.most_used(self.TAG_COUNT),
        )


class ArticleDetailView(DetailView):
    context_object_name = "article"

    def get_queryset(self):
        # Newsroom staff may preview drafts and scheduled stories at their public address.
        if self.request.user.has_perm("articles.change_article"):
            articles = Article.objects.all()
        else:
            articles = Article.objects.published()
        return articles.for_story_page()

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)  # pragma: no mutate (unused by Django's get)
        if not self.object.is_published:
            add_never_cache_headers(response)
        return response


class ArticleArchiveMixin(BoundedPaginationMixin):
    """
    Published stories by publication date (in TIME_ZONE), newest first, 20 a page (as many
    pages as articles/paging.py allows; a narrower period reaches the rest).
    """

    date_field = "published_at"
    month_format = "%m"
    paginate_by = 20
    context_object_name = "articles"
    template_name = "articles/article_archive.html"

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        # The years (or a year's months, a month's days) that have stories read every story
        # of the period: kept per content generation (pagecache/derived.py) instead of read
        # on every request. A day's page has no date list. date_type None: Django's
        # get_date_list takes the view's own.
        period = "-".join(  # pragma: no mutate (any separator keeps the periods apart)
            f"{self.kwargs[part]}" for part in ("year", "month") if part in self.kwargs
        )
        dates = derived(
            f"archive:{period}:{date_type}:{ordering}",
            lambda: list(
                super(ArticleArchiveMixin, self).get_date_list(
                    queryset,
                    date_type,  # pragma: no mutate (None whenever Django calls it: that is what it passes)
                    ordering,
                )
            ),
        )
        return dates

    # The previous and next periods with stories: the nearest story beyond this period
    # can be a whole year of stories away along the index, so these are kept too.
    def get_previous_year(self, date):
        return self._neighbour("get_previous_year", date)

    def get_next_year(self, date):
        return self._neighbour("get_next_year", date)

    def get_previous_month(self, date):
        return self._neighbour("get_previous_month", date)

    def get_next_month(self, date):
        return self._neighbour("get_next_month", date)

    def get_previous_day(self, date):
        return self._neighbour("get_previous_day", date)

    def get_next_day(self, date):
        return self._neighbour("get_next_day", date)

    def _neighbour(self, name, date):
        find = getattr(super(ArticleArchiveMixin, self), name)
        return derived(f"archive:{name}:{date.isoformat()}", lambda: find(date))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period, title_format = self.period
        context["archive_title"] = date_format(context[period], title_format) if period else "Archive"
        return context


class ArticleArchiveIndexView(ArticleArchiveMixin, ArchiveIndexView):
    """/archive/, linked from every page's footer: the years with stories, then the newest stories."""

    period = (None, None)
    allow_empty = True


class ArticleYearArchiveView(ArticleArchiveMixin, YearArchiveView):
    make_object_list = True
    period = ("year", "Y")


class ArticleMonthArchiveView(ArticleArchiveMixin, MonthArchiveView):
    period = ("month", "F Y")


class ArticleDayArchiveView(ArticleArchiveMixin, DayArchiveView):
    period = ("day", "j F Y")

    def get_dated_items(self):
        # Django's day view looks up "up to the next day", which does not exist after
        # 31 December 9999 (its year and month views already answer 404 at that edge).
        try:
            return super().get_dated_items()
        except OverflowError:
            raise Http404("Date out of range") from None  # pragma: no mutate (readers' 404 page omits it)

class PreviewView(DetailView):
    """A story at its private preview link (articles/preview.py): whatever its state, never cached."""

    context_object_name = "article"
    template_name = "articles/article_detail.html"

    def get_object(self, queryset=None):
        story = story_for_token(self.kwargs["token"])
        # A published story's pending change is what the link is for (articles/pending.py).
        story.showing_pending = show_pending(story)
        return story

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)  # pragma: no mutate (unused by Django's get)
        add_never_cache_headers(response)
        response[
            "X-Robots-Tag"  # pragma: no mutate (header names ignore case)
        ] = "noindex, nofollow"
        return response


class CorrectionListView(ListView):
    """Corrections to published stories, newest first, 20 a page."""

    paginate_by = 20
    context_object_name = "corrections"
    template_name = "articles/correction_list.html"

    def get_queryset(self):
        corrections = Correction.objects.on_published_stories().select_related("article")
        return corrections.order_by("-created_at", "-pk")
