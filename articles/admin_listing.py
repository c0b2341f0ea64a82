"""
The story list in the admin, kept as cheap at a million stories as at a thousand:
no count of the whole table, no filter that reads every story to offer its choices,
no DISTINCT over the list, and search through the full-text index (search/).
"""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.utils.functional import cached_property

from regions.models import Region
from search.backends import CANDIDATES, newest_matches
from search.text import parse_query

from .models import Article

PAGES_AHEAD = 10
# How many of the newest stories the admin search looks through for a byline or source.
CREDITS_WINDOW = 5_000


class BoundedAdminPaginator(Paginator):
    """
    Counts the stories only as far as PAGES_AHEAD pages beyond the page shown (COUNT
    over a LIMIT subquery): page 1 costs the same at a million stories as at a
    thousand, and every page stays reachable, ten more at a time. `truncated` says
    there are more than counted ("More than 1,100 stories").
    """

    truncated = False

    def __init__(self, object_list, per_page, orphans, allow_empty_first_page, *, page):
        super().__init__(
            object_list,
            per_page,
            orphans,
            allow_empty_first_page,  # pragma: no mutate (Django asks a page only of a list of several)
        )
        self.reach = (page + PAGES_AHEAD) * per_page

    @cached_property
    def count(self):
        counted = self.object_list.order_by()[: self.reach + 1].count()
        self.truncated = counted > self.reach
        return min(counted, self.reach)


def changelist_page(request):
    """The page number the admin list was asked for (1 if none or not a number)."""
    number = request.GET.get("p", "")  # pragma: no mutate (any default but digits gives 1)
    return int(number) if number.isdigit() and len(number) < 7 else 1


class RegionListFilter(admin.SimpleListFilter):
    """
    The regions filter, with stories that have no region offered as "City-wide". Its
    links keep Django's parameters (regions__id__exact, regions__isnull), but it filters
    with EXISTS instead of a join, so the list needs no DISTINCT (which would read every
    story of the region before the first page).
    """

    title = "regions"
    parameter_name = "regions__id__exact"
    city_wide_parameter = "regions__isnull"

    def __init__(self, request, params, model, model_admin):
        city_wide = params.pop(self.city_wide_parameter, None)
        super().__init__(
            request,  # pragma: no mutate (read by Django only for facet counts, which choices() never shows)
            params,
            model,  # pragma: no mutate (Django's filter keeps no model)
            model_admin,  # pragma: no mutate (given only to lookups(), which does not read it)
        )
        if city_wide:
            self.used_parameters[self.city_wide_parameter] = city_wide[-1]

    def expected_parameters(self):
        return [self.parameter_name, self.city_wide_parameter]

    def lookups(self, request, model_admin):
        # Region's ordering (position, name) is applied in SQL: the names alone are loaded.
        regions = Region.objects.only("name")  # pragma: no mutate (only(None) loads all: the same names)
        return [(str(region.pk), region.name) for region in regions]

    def queryset(self, request, queryset):
        links = Article.regions.through.objects.filter(article_id=OuterRef("pk"))
        if self.value():
            if not self.value().isdigit():
                return queryset.none()
            return queryset.filter(Exists(links.filter(region_id=self.value())))
        city_wide = self.used_parameters.get(self.city_wide_parameter)
        if city_wide in ("True", "1", "true"):
            return queryset.filter(~Exists(links))
        if city_wide in ("False", "0", "false"):
            return queryset.filter(Exists(links))
        return queryset

    def choices(self, changelist):
        both = self.expected_parameters()
        chosen = self.value()
        city_wide = self.used_parameters.get(self.city_wide_parameter)
        yield {
            "selected": chosen is None and city_wide is None,
            "query_string": changelist.get_query_string(remove=both),
            "display": "All",
        }
        for pk, name in self.lookup_choices:
            yield {
                "selected": chosen == pk,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: pk}, [self.city_wide_parameter]
                ),
                "display": name,
            }
        yield {
            "selected": city_wide == "True",
            "query_string": changelist.get_query_string(
                {self.city_wide_parameter: "True"}, [self.parameter_name]
            ),
            "display": "City-wide",
        }


class AuthorListFilter(admin.RelatedFieldListFilter):
    """
    Stories by author, offering the newsroom's staff accounts: Django's "related only"
    filter would read the author of every story to build its list.
    """

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(
            field,
            request,  # pragma: no mutate (the user admin's ordering is the same for every request)
            model_admin,
        )
        return field.get_choices(
            include_blank=False,  # pragma: no mutate (None is as false: no blank choice either way)
            ordering=ordering,
            limit_choices_to={"is_staff": True},
        )


def search_stories(queryset, search_term):
    """
    The stories of `queryset` whose headline, summary, body or tags have every word of
    `search_term` (the full-text index, as the reader search; words are stemmed, so
    "lantern" finds "Lanterns"): the newest CANDIDATES of them. And those of the newest
    CREDITS_WINDOW stories whose byline or source contains it.
    """
    search_term = search_term.strip()
    if not search_term:
        return queryset
    # Read as ids (at most two bounded lists), so the list and its count read only
    # those stories, whatever the words and however many stories there are.
    matches = newest_matches(
        queryset,
        parse_query(search_term),
        CANDIDATES,
        ranked=False,  # pragma: no mutate (None is as false; True is tested)
    )
    found = [pk for pk, _score, _published in matches]
    # Byline and source have no word index: a substring is looked for only among
    # the newest stories, where an unmatched one would otherwise read every story.
    # Compared here (as icontains would, but in Python): asked in SQL, both databases'
    # planners read every story's byline before narrowing to the newest.
    wanted = search_term.casefold()
    window = queryset.order_by("-published_at", "-pk").values_list("pk", "byline", "source")[:CREDITS_WINDOW]
    found += [pk for pk, byline, source in window if wanted in f"{byline}\n{source}".casefold()]
    return queryset.filter(pk__in=list(dict.fromkeys(found)))
