"""
Full-text search over the stories: one function per database behind search().

Both match every term (words stemmed as English, Chinese runs as phrases of
their two-character words) and rank headline matches above tags and summary,
and those above the body; equal ranks go newest first.
"""

from functools import reduce
from operator import and_

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections
from django.db.models import F

from .text import Term

FTS_TABLE = "search_fts"


def search(articles, terms: list[Term]):
    """`articles` (a story queryset) narrowed to those matching all `terms`, best match first."""
    if not terms:
        return articles.none()
    vendor = connections[articles.db].vendor
    backend = {"postgresql": _postgresql, "sqlite": _sqlite}[vendor]
    return backend(articles, terms)


def _postgresql(articles, terms):
    query = reduce(
        and_,
        (
            SearchQuery(term.phrase, search_type="phrase" if term.chinese else "plain", config="english")
            for term in terms
        ),
    )
    return (
        articles.filter(search_entry__vector=query)
        .annotate(rank=SearchRank(F("search_entry__vector"), query))
        .order_by("-rank", "-published_at", "-pk")
    )


def _sqlite(articles, terms):
    # Every term as a quoted phrase: FTS5 syntax (AND, OR, NEAR, *, column:) typed
    # by a reader is searched for as words, never run. Terms hold only letters and
    # digits (search.text.WORD), so there is no quote to escape.
    match = " ".join(f'"{term.phrase}"' for term in terms)
    table = articles.model._meta.db_table
    # The FTS5 virtual table has no model; extra() is the ORM's way to join it
    # while keeping the filters, pagination and prefetching of the queryset.
    return articles.extra(
        tables=[FTS_TABLE],
        where=[f"{FTS_TABLE}.rowid = {table}.id", f"{FTS_TABLE} MATCH %s"],
        params=[match],
        select={"rank": f"{FTS_TABLE}.rank"},
        order_by=["rank", "-published_at", "-id"],
    )
