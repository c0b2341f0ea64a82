"""Keeping the search index in step with the stories."""

from django.contrib.postgres.search import SearchVector
from django.db import connections, transaction

from articles.models import Article

from .models import SearchEntry
from .text import entry_fields

# Headline first, then tags and summary, then the body (PostgreSQL ranks A > B > C).
VECTOR = (
    SearchVector("headline", weight="A", config="english")
    + SearchVector("tags", weight="B", config="english")
    + SearchVector("summary", weight="B", config="english")
    + SearchVector("body", weight="C", config="english")
)


def index_article(article):
    """Write one story's entry (and, on PostgreSQL, its stored vector)."""
    fields = entry_fields(article.headline, article.summary, article.body, article.tags.names())
    entries = SearchEntry.objects.using(article._state.db)  # pragma: no mutate (one db)
    with transaction.atomic(using=article._state.db):  # pragma: no mutate (one db)
        entries.update_or_create(article_id=article.pk, defaults=fields)
        _update_vectors(entries.filter(pk=article.pk))


def rebuild(batch_size=1000):  # pragma: no mutate (the batch size bounds memory only; tests pass their own)
    """Index every story afresh (after a bulk load that bypassed save()). Returns how many."""
    articles = Article.objects.prefetch_related("tags").order_by("pk")
    count = 0
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        batch = []
        for article in articles.iterator(chunk_size=batch_size):
            names = [tag.name for tag in article.tags.all()]
            fields = entry_fields(article.headline, article.summary, article.body, names)
            batch.append(SearchEntry(article_id=article.pk, **fields))
            if len(batch) >= batch_size:
                count += len(SearchEntry.objects.bulk_create(batch))
                batch = []
        count += len(SearchEntry.objects.bulk_create(batch))
        _update_vectors(SearchEntry.objects.all())
    return count


def _update_vectors(entries):
    # SQLite's FTS5 table follows search_searchentry through triggers; PostgreSQL
    # stores the vector in the row so no query has to compute it.
    if connections[entries.db].vendor == "postgresql":
        entries.update(vector=VECTOR)
