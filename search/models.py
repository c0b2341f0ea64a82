from django.contrib.postgres.search import SearchVectorField
from django.db import models

from articles.models import Article


class SearchEntry(models.Model):
    """
    One story as the search index sees it: its words with Chinese written as
    overlapping two-character words (see search.text), kept in step with the
    story by search.index. Every story has one, published or not; the search
    itself asks for Article.objects.published().

    PostgreSQL matches `vector` (filled on save, GIN-indexed); SQLite matches
    the FTS5 table search_fts, which mirrors these rows through triggers. Both
    are created by this app's first migration.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    headline = models.TextField()
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    # PostgreSQL only; stays NULL on SQLite.
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = "search entry"
        verbose_name_plural = "search entries"

    def __str__(self):
        return self.headline
