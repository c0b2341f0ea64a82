"""
Full-text search over the stories: one function per database behind search().

Both match every term (words stemmed as English, Chinese runs as phrases of
their two-character words) and rank headline matches above tags and summary,
and those above the body; equal ranks go newest first.

The work is bounded whatever the words: a search reads only the newest
CANDIDATES matches (walking an index in date order and stopping there, see
below) and ranks those, so a word in every other story costs what a rare one
does, at a thousand stories or a million. SearchResults.bounded says when more
matched, so the page can say what it shows.
"""

from functools import reduce
from operator import and_

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections
from django.db.models import F, FloatField, OuterRef, Subquery, Value
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

from articles.models import Article
from articles.paging import read_by_id

from .models import SearchEntry
from .text import Term

FTS_TABLE = "search_fts"
# How many of the newest matches are ranked. A reader pages through at most 200
# (articles.paging), so the best 200 are chosen from more than twice as many.
CANDIDATES = 500


class SearchResults:
    """
    The newest CANDIDATES stories matching a search, best first, as a Paginator
    wants them: the candidates are read once (ids, ranks and dates: one query),
    ranked here, and a slice loads only its own stories.
    """

    def __init__(self, articles, candidates):
        self.articles, self._read_candidates = articles, candidates
        self.model = articles.model
        self.bound = CANDIDATES

    @cached_property
    def _read(self):
        """(the candidates' ids, best first; whether more than the bound matched)."""
        # One more than the bound (newest first), to know whether more matched.
        rows = self._read_candidates(self.bound + 1)
        bounded = len(rows) > self.bound
        rows = rows[: self.bound]
        # Best score first; equal scores newest first (publication time, then id).
        rows.sort(key=lambda row: (row[1], row[2], row[0]), reverse=True)
        return [pk for pk, _score, _published in rows], bounded

    @property
    def _candidates(self):
        return self._read[0]

    @property
    def bounded(self):
        """Whether more stories matched than the CANDIDATES ranked."""
        return self._read[1]

    def count(self):
        return len(self._candidates)

    def count_up_to(self, limit):
        """How many match (articles/paging.py), never more than CANDIDATES."""
        return min(self.count(), limit)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        ids = self._candidates[index]
        if not ids:
            return []
        # By primary key alone: the candidates were read through the listing's filters, and
        # with them SQLite's planner walks the (status, published_at) index over every
        # published story to find twenty ids (310 ms at a million stories).
        stories = read_by_id(self.articles, ids).in_bulk()
        return [stories[pk] for pk in ids if pk in stories]


def search(articles, terms: list[Term]):
    """The stories of `articles` (a queryset) matching all `terms`, best match first, as SearchResults."""
    return SearchResults(articles, lambda limit: newest_matches(articles, terms, limit, ranked=True))


def newest_matches(articles, terms: list[Term], limit, *, ranked):
    """
    The newest `limit` stories of `articles` matching all `terms`, newest first, as
    (id, score, published_at) rows, a higher score a better match (None unless
    `ranked`). Reads about `limit` matches, never every one.
    """
    if not terms:
        return []
    vendor = connections[articles.db].vendor
    backend = {"postgresql": _postgresql, "sqlite": _sqlite}[vendor]
    return backend(articles.order_by(), terms, limit, ranked)


def _postgresql(articles, terms, limit, ranked):
    query = reduce(
        and_,
        (
            SearchQuery(term.phrase, search_type="phrase" if term.chinese else "plain", config="english")
            for term in terms
        ),
    )
    # Newest by publication time: for common words the planner walks the stories'
    # (status, published_at, id) index and stops after `limit` matches; for rare
    # ones it reads the few matches from the GIN index and sorts them.
    newest = (
        articles.filter(search_entry__vector=query).order_by("-published_at", "-pk").values("pk")[:limit]
    )
    entries = SearchEntry.objects.using(articles.db).filter(article_id__in=newest)
    # Ranked in an outer query, so only the `limit` candidates are scored; their dates
    # looked up one by one (a join here lets the planner read the whole date index).
    published = Subquery(Article.objects.filter(pk=OuterRef("article_id")).values("published_at"))
    score = SearchRank(F("vector"), query) if ranked else Value(None, FloatField())
    rows = entries.annotate(score=score, published=published).values_list("article_id", "score", "published")
    # Newest first, as the LIMIT chose them (a draft's empty date first, as in SQL).
    return sorted(rows, key=lambda row: (row[2] is None, row[2], row[0]), reverse=True)


def _sqlite(articles, terms, limit, ranked):
    # Every term as a quoted phrase: FTS5 syntax (AND, OR, NEAR, *, column:) typed
    # by a reader is searched for as words, never run. Terms hold only letters and
    # digits (search.text.WORD), so there is no quote to escape.
    match = " ".join(f'"{term.phrase}"' for term in terms)
    # Whether a match is one of `articles`, asked of each match in turn (an
    # EXISTS on its id) rather than as the list of every allowed story.
    allowed, allowed_params = (
        articles.filter(pk=RawSQL(f"{FTS_TABLE}.rowid", [])).values("pk").query.sql_with_params()
    )
    table = articles.model._meta.db_table
    # Newest by id: FTS5 returns matches in rowid order and stops at the LIMIT, so
    # only the newest `limit` allowed matches are read.
    newest = (
        f"SELECT rowid AS id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND EXISTS ({allowed}) "
        "ORDER BY rowid DESC LIMIT %s"  # pragma: no mutate (SQL: any case)
    )
    params = [match, *allowed_params, limit]
    # Scored by where each term stands: 4 in the headline, 2 in the tags or summary
    # (the body only: 0). Not bm25, which counts every story holding each term, at a
    # million stories a scan of a million; these column searches read only the
    # candidates' span of ids.
    scores = []
    if ranked:
        in_column = (
            f"(candidate.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
            "AND rowid >= (SELECT MIN(id) FROM candidate)))"  # pragma: no mutate (SQL: any case)
        )
        for term in terms:
            scores += [f"4 * {in_column}", f"2 * {in_column}"]
            params += [f'{{headline}} : "{term.phrase}"', f'{{tags summary}} : "{term.phrase}"']
    published = f"(SELECT published_at FROM {table} WHERE {table}.id = candidate.id)"
    sql = (
        f"WITH candidate AS MATERIALIZED ({newest}) "
        f"SELECT id, {' + '.join(scores) or 'NULL'}, {published} FROM candidate"  # pragma: no mutate (SQL: any case)
    )
    with connections[articles.db].cursor() as cursor:
        cursor.execute(sql, params)
        return sorted((tuple(row) for row in cursor.fetchall()), reverse=True)  # newest first
