"""
Pagination whose cost does not grow with the archive.

A reader page counts at most the rows of the pages a reader may reach
(READER_MAX_PAGES), never the whole listing: the count stops at that many rows, so
page 1 and the deepest page cost the same at a thousand stories as at a million.
Older stories are reached through the archive by date and through search (region
and dates), whose own pages are bounded the same way.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

READER_MAX_PAGES = 10


class BoundedPaginator(Paginator):
    """
    A Paginator that counts at most `max_pages` pages of rows. `count` is then the
    number of rows a reader can page through, and `truncated` says whether there were
    more (shown as "more than N").
    """

    max_pages = READER_MAX_PAGES

    @cached_property
    def count(self):
        limit = self.max_pages * self.per_page
        if isinstance(self.object_list, (list, tuple)):
            counted = len(self.object_list)
        elif count_up_to := getattr(self.object_list, "count_up_to", None):
            counted = count_up_to(limit + 1)
        else:
            # COUNT over a LIMIT subquery: the database stops at limit + 1 rows.
            counted = self.object_list[: limit + 1].count()
        self._truncated = counted > limit
        return min(counted, limit)

    @property
    def truncated(self):
        return self.count == self.max_pages * self.per_page and self._truncated


class BoundedPaginationMixin:
    """For ListView and the dated archive views: the bounded paginator above."""

    paginator_class = BoundedPaginator
