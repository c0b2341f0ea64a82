"""articles/paging.py: the bounded paginator keeps Django's paging rules and what the listing loads."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Value
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.paging import BoundedPaginator
from articles.tests.factories import make_article
from articles.views import ArticleListView
from regions.models import Region

pytestmark = pytest.mark.django_db


def test_orphans_join_the_last_page():
    paginator = BoundedPaginator(list(range(5)), 2, orphans=1)
    assert paginator.orphans == 1
    assert paginator.num_pages == 2
    assert list(paginator.page(2)) == [2, 3, 4]
    exact = BoundedPaginator(list(range(3)), 2, orphans=1)
    assert exact.num_pages == 1 and list(exact.page(1)) == [0, 1, 2]


def test_the_last_page_of_a_queryset_reads_no_further_than_the_listing():
    for days_ago in range(1, 6):
        make_article(days_ago=days_ago)
    paginator = BoundedPaginator(Article.objects.published().order_by("-published_at", "-pk"), 2)
    with CaptureQueriesContext(connection) as captured:
        stories = list(paginator.page(3))
    assert [s.published_at for s in stories] == [
        Article.objects.published().order_by("-published_at")[4].published_at
    ]
    # The page's ids come from a bounded subquery (LIMIT/OFFSET), never from the rest of the table.
    page_query = [q["sql"] for q in captured if 'FROM "articles_article"' in q["sql"] and "OFFSET" in q["sql"]]
    assert page_query and all("LIMIT 1 OFFSET 4" in sql for sql in page_query), captured.captured_queries


def test_a_page_keeps_the_listings_joined_rows_and_annotations():
    author = get_user_model().objects.create_user("reporter")
    for days_ago in (1, 2, 3):
        make_article(days_ago=days_ago, author=author)
    joined = Article.objects.select_related("author").order_by("-published_at", "-pk")
    page = list(BoundedPaginator(joined, 2).page(1))
    with CaptureQueriesContext(connection) as captured:
        assert [story.author.username for story in page] == ["reporter", "reporter"]
    assert not captured.captured_queries  # the authors came with the page

    annotated = Article.objects.annotate(listed=Value("yes")).order_by("-published_at", "-pk")
    assert [story.listed for story in BoundedPaginator(annotated, 2).page(2)] == ["yes"]


def test_listing_pages_pass_their_orphans_to_the_paginator(client, monkeypatch):
    laoshan = Region.objects.get(slug="laoshan")
    monkeypatch.setattr(ArticleListView, "paginate_by", 2)
    monkeypatch.setattr(ArticleListView, "paginate_orphans", 1)
    for days_ago in (1, 2, 3):
        make_article(regions=[laoshan], days_ago=days_ago)
    response = client.get(laoshan.get_absolute_url())
    assert len(response.context["articles"]) == 3
    assert response.context["paginator"].num_pages == 1
