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
from django.db.models.expressions import RawSQL

from .text import Term

FTS_TABLE = "search_fts"


class SearchResults:
    """
    The stories matching a search, best first, as a Paginator wants them:
    count() asks `matching` (no ranking needed); a slice asks `ranked`, a
    queryset or a function (start, stop) -> list of stories.
    """

    def __init__(self, ranked, matching):
        self.ranked, self.matching = ranked, matching
        self.model = matching.model

    def count(self):
        return self.matching.count()

    def count_up_to(self, limit):
        """How many match, counting no further than `limit` (articles/paging.py)."""
        return self.matching[:limit].count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if callable(self.ranked):
            return self.ranked(index.start or 0, index.stop)
        return self.ranked[index]


def search(articles, terms: list[Term]):
    """The stories of `articles` (a queryset) matching all `terms`, best match first, as SearchResults."""
    if not terms:
        return SearchResults(articles.none(), articles.none())
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
    matching = articles.filter(search_entry__vector=query)
    ranked = matching.annotate(rank=SearchRank(F("search_entry__vector"), query)).order_by(
        "-rank", "-published_at", "-pk"
    )
    return SearchResults(ranked, matching)


def _sqlite(articles, terms):
    # Every term as a quoted phrase: FTS5 syntax (AND, OR, NEAR, *, column:) typed
    # by a reader is searched for as words, never run. Terms hold only letters and
    # digits (search.text.WORD), so there is no quote to escape.
    match = " ".join(f'"{term.phrase}"' for term in terms)
    matches = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
    matching = articles.filter(pk__in=RawSQL(matches, [match]))
    allowed, allowed_params = articles.order_by().values("pk").query.sql_with_params()
    table = articles.model._meta.db_table
    # The FTS table drives: SQLite reads the matches once, ranks them and keeps
    # those in `articles`. Joined the other way round (what its planner picks for a
    # join with a region filter) it probes the FTS index once per story: 117 s
    # instead of 0.1 s at 100,000 stories. The unary + keeps `rowid IN` from
    # being used as an index constraint, which would bring that plan back.
    ranked_sql = (
        f"{matches} AND +rowid IN ({allowed}) ORDER BY rank, "
        f"(SELECT published_at FROM {table} WHERE id = {FTS_TABLE}.rowid) DESC, rowid DESC LIMIT %s OFFSET %s"
    )

    def ranked(start, stop):
        limit = -1 if stop is None else stop - start
        with connections[articles.db].cursor() as cursor:
            cursor.execute(ranked_sql, [match, *allowed_params, limit, start])
            ids = [row[0] for row in cursor.fetchall()]
        stories = articles.in_bulk(ids)
        return [stories[pk] for pk in ids if pk in stories]

    return SearchResults(ranked, matching)
