"""
Pagination whose cost does not grow with the archive.

A reader page counts at most the rows of the pages a reader may reach
(READER_MAX_PAGES), never the whole listing: the count stops at that many rows, so
page 1 and the deepest page cost the same at a thousand stories as at a million.
Older stories are reached through the archive by date and through search (region
and dates), whose own pages are bounded the same way.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from pagecache.derived import derived

READER_MAX_PAGES = 10


class BoundedPaginator(Paginator):
    """
    A Paginator that counts at most `max_pages` pages of rows. `count` is then the
    number of rows a reader can page through, and `truncated` says whether there were
    more (shown as "more than N").
    """

    max_pages = READER_MAX_PAGES

    def __init__(self, *args, count_key=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        limit = self.max_pages * self.per_page
        if self.count_key is None:
            counted = self.count_rows(limit + 1)
        else:
            counted = derived(f"count:{self.count_key}:{limit + 1}", lambda: self.count_rows(limit + 1))
        self._truncated = counted > limit
        return min(counted, limit)

    def count_rows(self, up_to):
        if isinstance(self.object_list, (list, tuple)):
            return len(self.object_list)
        if count_up_to := getattr(self.object_list, "count_up_to", None):
            return count_up_to(up_to)
        # COUNT over a LIMIT subquery: the database stops at `up_to` rows.
        return self.object_list[:up_to].count()

    @property
    def truncated(self):
        return self.count == self.max_pages * self.per_page and self._truncated

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.rows(bottom, top), number, self)

    def rows(self, bottom, top):
        """
        The listing's rows from `bottom` to `top`. For a queryset, the page's ids are found
        first (in a subquery, from the index alone) and only its rows are read: skipping 180
        stories of a region by reading each whole row read 1,700 rows from the table on
        PostgreSQL (28 ms at 100k stories) for a page of twenty (5 ms this way).
        """
        listing = self.object_list
        ordering = isinstance(listing, QuerySet) and (listing.query.order_by or listing.model._meta.ordering)
        if not ordering or listing.query.annotations:  # read by id, the annotations would be lost
            return listing[bottom:top]
        if listing.query.is_sliced or listing.query.distinct:  # pragma: no mutate (by id: the same rows)
            return listing[bottom:top]
        return read_by_id(listing, listing.values("pk")[bottom:top]).order_by(*ordering)


def read_by_id(listing, ids):
    """
    The rows of `listing` whose ids are `ids` (a list or a subquery), loaded as the
    listing loads them (its joined rows, deferred fields, prefetches) but found by
    primary key alone, without the listing's filters and ordering.
    """
    rows = listing.model._default_manager.filter(pk__in=ids)
    rows.query.deferred_loading = listing.query.deferred_loading
    rows.query.select_related = listing.query.select_related
    return rows.prefetch_related(*listing._prefetch_related_lookups)


class BoundedPaginationMixin:
    """
    For the reader listings (region, tag, archive pages): the bounded paginator above,
    whose count is kept per content generation under the page's path (pagecache/derived.py),
    since it depends only on the published stories: counting up to 201 stories of a region
    walks about ten times as many along the publication index, on every page of the region.
    """

    paginator_class = BoundedPaginator

    def get_paginator(self, queryset, per_page, **kwargs):
        # ListView passes orphans and allow_empty_first_page by name.
        return self.paginator_class(queryset, per_page, count_key=self.request.path, **kwargs)
