"""Search costs as much at a million stories as at a thousand (issue 13): only the newest matches are read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import admin_listing
from articles.tests.factories import make_article
from search import backends

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def three_candidates(monkeypatch):
    monkeypatch.setattr(backends, "CANDIDATES", 3)
    monkeypatch.setattr(admin_listing, "CANDIDATES", 3)


def headlines(response):
    assert response.status_code == 200
    return [article.headline for article in response.context["articles"]]


def test_only_the_newest_matches_are_ranked_and_the_page_says_so(client, three_candidates):
    make_article(headline="Harbour reopens", days_ago=5)  # the best match, but not among the newest 3
    make_article(headline="Weather", body="Rain over the harbour.", days_ago=4)
    make_article(headline="Ferries", body="The harbour is busy.", days_ago=3)
    make_article(headline="Harbour tea house opens", days_ago=2)
    make_article(headline="Markets", body="Fish at the harbour.", days_ago=1)

    response = client.get("/search/", {"q": "harbour"})

    assert headlines(response) == ["Harbour tea house opens", "Markets", "Ferries"]
    page = " ".join(response.content.decode().split())
    assert "More than 3 stories for “harbour”: the best of the 3 newest matches first" in page
    assert "To reach older stories, add a word or choose dates." in page
    # Narrower words reach the older story.
    assert headlines(client.get("/search/", {"q": "harbour reopens"})) == ["Harbour reopens"]


def test_filters_apply_before_the_bound(client, three_candidates):
    """The newest three matches in the chosen dates, not the newest three overall filtered afterwards."""
    old = [make_article(headline=f"Harbour story {n}", days_ago=400 + n) for n in range(2)]
    for n in range(4):
        make_article(headline=f"Harbour news {n}", days_ago=n + 1)
    # The form's dates are the newsroom's local days.
    start = timezone.localtime(old[1].published_at).date().isoformat()
    end = timezone.localtime(old[0].published_at).date().isoformat()
    response = client.get("/search/", {"q": "harbour", "start": start, "end": end})
    assert sorted(headlines(response)) == ["Harbour story 0", "Harbour story 1"]
    assert "newest matches" not in response.content.decode()


def test_a_search_below_the_bound_says_nothing_of_it(client):
    make_article(headline="Harbour reopens")
    page = " ".join(client.get("/search/", {"q": "harbour"}).content.decode().split())
    assert "1 story for “harbour”" in page and "newest matches" not in page and "More than" not in page


def _fill(count):
    for _ in range(count):
        make_article(headline="Harbour story", tags=["tea"], days_ago=0.5)


@pytest.mark.parametrize("url, params", [("/search/", {"q": "harbour tea"}), (CHANGELIST, {"q": "harbour"})])
def test_the_same_number_of_queries_below_and_beyond_the_bound(admin_client, three_candidates, url, params):
    _fill(2)
    admin_client.get(url, params)  # django.contrib.sites reads the site once per process
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url, params).status_code == 200
    _fill(6)
    with CaptureQueriesContext(connection) as many:
        assert admin_client.get(url, params).status_code == 200
    assert len(few) == len(many)


def test_the_admin_search_lists_the_newest_matches_and_recent_bylines(
    admin_client, monkeypatch, three_candidates
):
    monkeypatch.setattr(admin_listing, "CREDITS_WINDOW", 4)
    oldest = make_article(headline="Harbour reopens", byline="By Li Wei", days_ago=9)
    for n in reversed(range(4)):  # oldest first: newest by date and by id alike
        make_article(headline=f"Harbour story {n}", days_ago=n + 1)
    make_article(headline="Tea story", byline="By Li Wei", days_ago=0.5)

    def listed(q):
        return {a.headline for a in admin_client.get(CHANGELIST, {"q": q}).context["cl"].result_list}

    assert listed("harbour") == {"Harbour story 0", "Harbour story 1", "Harbour story 2"}
    # Bylines among the newest four stories only; older ones through the words of the story.
    assert listed("Li Wei") == {"Tea story"}
    assert listed("reopens") == {oldest.headline}


def _matching_query(client, url, params):
    """The SQL of the one query that reads the full-text index."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    index = "MATCH" if connection.vendor == "sqlite" else "@@"
    found = [q["sql"] for q in captured if index in q["sql"]]
    assert len(found) == 1, found
    return found[0]


def _plan(sql):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # With a handful of rows any plan is cheap: rule out reading every match and
            # sorting them, to see that an index gives the newest matches in order.
            cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + sql)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(row[-1] for row in cursor.fetchall())


@pytest.mark.parametrize("url, params", [("/search/", {"q": "harbour tea"}), (CHANGELIST, {"q": "harbour"})])
def test_matches_are_read_newest_first_and_no_further_than_the_bound(admin_client, url, params):
    _fill(3)
    sql = _matching_query(admin_client, url, params)
    assert f"LIMIT {backends.CANDIDATES + (url == '/search/')}" in sql
    plan = _plan(sql)
    if connection.vendor == "postgresql":
        # A walk of the stories' date index, stopped by the LIMIT, not a sort of every match.
        assert "article_status_pub_id_idx" in plan or "article_pub_id_idx" in plan, plan
        assert "Sort" not in plan, plan
    else:
        # FTS5 returns the matches newest first (no sort of them all), and each is checked
        # against the listing in turn, by its id (no list of every story a reader may see).
        assert "VIRTUAL TABLE INDEX" in plan and "TEMP B-TREE" not in plan, plan
        stories = [line for line in plan.splitlines() if "articles_article" in line]
        assert stories and all("INTEGER PRIMARY KEY (rowid=?)" in line for line in stories), plan


def test_a_page_of_results_is_read_by_primary_key(client):
    """The twenty stories of a page are read by their ids, not found again through the listing's filters."""
    _fill(3)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/search/", {"q": "harbour tea"})
    assert len(headlines(response)) == 3
    stories = [q["sql"] for q in captured if q["sql"].startswith('SELECT "articles_article"."id"')]
    assert len(stories) == 1, stories
    assert '"articles_article"."status"' not in stories[0].split(" WHERE ", 1)[1], stories[0]
    assert '"articles_article"."body_html"' not in stories[0]  # the listing's deferred fields stay deferred
    plan = _plan(stories[0])
    if connection.vendor == "sqlite":
        assert "PRIMARY KEY" in plan and "article_status_pub_id_idx" not in plan, plan


def test_the_admin_search_finds_drafts_without_a_publication_time(admin_client):
    make_article(headline="Harbour draft", published=False, published_at=None)
    make_article(headline="Another harbour draft", published=False, published_at=None)
    make_article(headline="Harbour story")
    listed = admin_client.get(CHANGELIST, {"q": "harbour"}).context["cl"].result_list
    assert {a.headline for a in listed} == {"Harbour draft", "Another harbour draft", "Harbour story"}


def test_a_page_of_results_keeps_the_listings_joined_rows():
    from django.contrib.auth import get_user_model

    from articles.models import Article
    from search.text import parse_query

    author = get_user_model().objects.create_user("reporter")
    make_article(headline="Harbour opens", author=author)
    results = backends.search(Article.objects.published().select_related("author"), parse_query("harbour"))
    stories = results[0:20]
    with CaptureQueriesContext(connection) as captured:
        assert [story.author.username for story in stories] == ["reporter"]
    assert not captured.captured_queries
    assert results.bounded is False and results.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL picks the newest by publication time")
def test_on_postgresql_the_candidates_are_the_newest_by_publication_time(client, admin_client, three_candidates):
    # Created newest first, so ids and publication times run in opposite directions.
    newest = make_article(headline="Harbour news one", days_ago=1)
    make_article(headline="Harbour news two", days_ago=2)
    make_article(headline="Harbour news three", days_ago=3)
    oldest = make_article(headline="Harbour news four", days_ago=4)
    shown = headlines(client.get("/search/", {"q": "harbour"}))
    assert len(shown) == 3 and newest.headline in shown and oldest.headline not in shown

    # The admin's candidates: a draft without a publication time comes first, as in the SQL
    # (NULLS FIRST), and no rank is computed for them (the list has its own order).
    draft = make_article(headline="Harbour draft", published=False, published_at=None)
    with CaptureQueriesContext(connection) as captured:
        listed = {a.headline for a in admin_client.get(CHANGELIST, {"q": "harbour"}).context["cl"].result_list}
    assert draft.headline in listed and oldest.headline not in listed
    matching = [q["sql"] for q in captured if "@@" in q["sql"]]
    assert matching and not any("ts_rank" in sql for sql in matching), matching


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL of PostgreSQL's search")
def test_on_postgresql_words_are_read_with_the_english_dictionary_whatever_the_servers_default(client):
    make_article(headline="Harbours reopen")
    sql = _matching_query(client, "/search/", {"q": "harbour"})
    assert "'english'::regconfig" in sql, sql


def test_the_admin_search_box_says_how_far_back_it_looks(admin_client):
    page = admin_client.get(CHANGELIST).content.decode()
    assert f"the {backends.CANDIDATES:,} newest stories with them all" in page
    assert f"among the {admin_listing.CREDITS_WINDOW:,} newest stories" in page
