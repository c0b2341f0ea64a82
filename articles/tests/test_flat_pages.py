"""Pages that cost the same at a million stories as at a thousand (issue 13): bounded counts and pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import admin_listing, models
from articles.admin import ArticleAdmin
from articles.paging import BoundedPaginator
from articles.models import Article
from articles.tests.factories import make_article
from articles.views import ArticleArchiveIndexView, ArticleListView
from pagecache.cache import bump_generation
from regions.models import Region

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def laoshan():
    return Region.objects.get(slug="laoshan")


def story_queries(client, url, **params):
    """The response and the SQL of its queries that read the stories table."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    return response, [q["sql"] for q in captured if 'FROM "articles_article"' in q["sql"]]


def test_a_reader_reaches_a_bounded_number_of_pages_and_no_count_reads_further(client, monkeypatch, laoshan):
    monkeypatch.setattr(ArticleListView, "paginate_by", 2)
    monkeypatch.setattr(BoundedPaginator, "max_pages", 2)
    for days_ago in range(1, 6):
        make_article(regions=[laoshan], tags=["Tea"], days_ago=days_ago)

    assert client.get(laoshan.get_absolute_url(), {"page": 2}).status_code == 200
    assert client.get(laoshan.get_absolute_url(), {"page": 3}).status_code == 404
    response, sqls = story_queries(client, "/tags/tea/")
    assert "More than 4 stories" in response.content.decode()
    counts = [sql for sql in sqls if "COUNT(" in sql]
    assert counts and all("LIMIT 5" in sql for sql in counts)


def test_archive_dates_are_read_once_per_content_generation(client, settings):
    settings.CONTENT_CACHE = True
    bump_generation()
    make_article(days_ago=1)
    first, _ = story_queries(client, "/archive/")
    _, again = story_queries(client, "/archive/")
    assert not [sql for sql in again if "django_datetime_trunc" in sql or "DATE_TRUNC" in sql]

    make_article(days_ago=3 * 365)
    years = lambda response: [d.year for d in response.context["date_list"]]  # noqa: E731
    assert years(client.get("/archive/")) == years(first)  # same generation: not read again
    bump_generation()  # what a committed write does
    assert timezone.localtime().year - 3 in years(client.get("/archive/"))


def test_the_story_list_counts_only_pages_ahead_and_never_lists_distinct_rows(
    admin_client, monkeypatch, laoshan
):
    monkeypatch.setattr(admin_listing, "PAGES_AHEAD", 1)
    monkeypatch.setattr(ArticleAdmin, "list_per_page", 2)
    for _ in range(5):
        make_article(regions=[laoshan], tags=["Harbour", "Port"], headline="Harbour story")

    response, sqls = story_queries(admin_client, CHANGELIST, regions__id__exact=laoshan.pk, q="harbour")

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 2
    assert "More than 4 stories" in response.content.decode()
    assert not [sql for sql in sqls if "DISTINCT" in sql]
    counts = [sql for sql in sqls if "COUNT(" in sql]
    assert counts and all("LIMIT 5" in sql for sql in counts)
    # The third page counts one page further: every page stays reachable.
    third = admin_client.get(CHANGELIST, {"regions__id__exact": laoshan.pk, "q": "harbour", "p": 3})
    assert third.status_code == 200 and len(third.context["cl"].result_list) == 1
    assert "More than" not in third.content.decode()


def test_the_story_list_offers_the_newsroom_as_authors_without_reading_every_story(admin_client, admin_user):
    make_article(author=admin_user)
    response, sqls = story_queries(admin_client, CHANGELIST)
    assert f"?author__id__exact={admin_user.pk}" in response.content.decode()
    # Django's "related only" filter asked SELECT DISTINCT author_id of every story.
    assert not [sql for sql in sqls if "DISTINCT" in sql]


def test_the_sitemap_index_reads_no_story_but_the_newest_change(client):
    for _ in range(3):
        make_article()
    response, sqls = story_queries(client, "/sitemap.xml")
    assert response.status_code == 200
    # (The tags in use are read from the tag links, once per content generation.)
    reading_stories = [sql for sql in sqls if sql.split(" FROM ", 1)[1].startswith('"articles_article"')]
    assert reading_stories and all("LIMIT 1" in sql for sql in reading_stories)


def test_story_sitemap_pages_are_id_ranges_listing_only_published_stories(client, monkeypatch):
    from articles.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    first, draft, third = make_article(), make_article(published=False), make_article()
    page = client.get("/sitemap-stories.xml").content.decode()
    assert first.get_absolute_url() in page and draft.get_absolute_url() not in page
    assert third.get_absolute_url() in client.get("/sitemap-stories.xml", {"p": 2}).content.decode()


def _fill(count, region):
    for _ in range(count):
        make_article(regions=[region], tags=["tea"], headline="Harbour story", days_ago=0.5)


@pytest.mark.parametrize(
    "url",
    [
        "/archive/",
        "/archive/{year}/",
        "/archive/{year}/{month:02d}/",
        "/search/?q=harbour",
        "/feed/",
        "/regions/laoshan/feed/",
        "/tags/tea/feed/",
        "/tags/tea/",
    ],
)
def test_reader_pages_make_the_same_number_of_queries_with_few_and_many_stories(
    client, laoshan, url, monkeypatch
):
    # Few stories make "tea" a rare tag, many a common one: both query shapes (with_tag).
    monkeypatch.setattr(models, "RARE_TAG_STORIES", 10)
    now = timezone.localtime() - timezone.timedelta(days=0.5)
    url = url.format(year=now.year, month=now.month)
    _fill(2, laoshan)
    client.get(url)  # django.contrib.sites reads the site once per process
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _fill(25, laoshan)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many)


@pytest.mark.parametrize(
    "params",
    [{}, {"regions__id__exact": "{region}"}, {"status": "published"}, {"status": "draft"}, {"q": "harbour"}],
)
def test_the_story_list_makes_the_same_number_of_queries_with_few_and_many_stories(
    admin_client, laoshan, params
):
    params = {key: value.format(region=laoshan.pk) for key, value in params.items()}
    _fill(2, laoshan)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(CHANGELIST, params).status_code == 200
    _fill(25, laoshan)
    with CaptureQueriesContext(connection) as many:
        assert admin_client.get(CHANGELIST, params).status_code == 200
    assert len(few) == len(many)


def test_related_stories_come_from_the_newest_stories_of_each_tag(monkeypatch):
    """A tag on a hundred thousand stories costs what a rare one does: only its newest few are candidates."""
    from articles import models

    monkeypatch.setattr(models, "RELATED_CANDIDATES", 3)
    old_match = make_article(tags=["Tea", "Harbour"], days_ago=9)
    newer = [make_article(tags=["Tea"], days_ago=d) for d in (4, 3)]
    newest_harbour = [make_article(tags=["Harbour"], days_ago=d) for d in (6, 5)]
    story = make_article(tags=["Tea", "Harbour"], days_ago=1)
    story.refresh_from_db()  # its card data, written by articles/cards.py

    related = list(models.Article.objects.published().related_to(story))

    assert old_match not in related
    assert set(related) == {*newer, *newest_harbour}


def _plan(queryset, sort=False):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # With a handful of rows any plan is cheap: rule out the ones that read every
            # row or (unless `sort`) sort them, to see that an index gives the listing's order.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"SET LOCAL enable_sort = {'on' if sort else 'off'}")
    return queryset.explain()


def test_listings_walk_an_index_in_their_own_order(laoshan):
    """The plan of each listing query names one of 0080_listing_indexes' indexes and sorts nothing."""
    make_article(regions=[laoshan], tags=["Tea"])
    published = Article.objects.published()
    now = timezone.now()
    listings = {
        "newest": published.order_by("-published_at", "-pk")[:20],
        "region page": published.filter(regions=laoshan).for_listing()[:20],
        "tag page": published.filter(tags__slug="tea").for_listing()[:20],
        "archive month": published.filter(published_at__gte=now - timezone.timedelta(days=30))[:20],
        "admin by status": Article.objects.filter(status=Article.Status.DRAFT)[:100],
        "admin list": Article.objects.all()[:100],
    }
    for name, queryset in listings.items():
        plan = _plan(queryset)
        assert "article_status_pub_id_idx" in plan or "article_pub_id_idx" in plan, (name, plan)
        assert "TEMP B-TREE" not in plan and "\nSort " not in plan and " Sort  " not in plan, (name, plan)


def test_a_rare_tag_is_read_by_its_stories_ids_and_a_common_one_along_the_publication_index(
    laoshan, monkeypatch
):
    """
    A tag on ten stories of a million must not walk every story to find them (SQLite
    plans one way for every tag); a tag on many stops after a page of the publication index.
    """
    monkeypatch.setattr(models, "RARE_TAG_STORIES", 3)  # links, drafts too
    rare = [make_article(tags=["Rare"], days_ago=d) for d in (3, 1)]
    common = [make_article(tags=["Common"], days_ago=d) for d in (5, 4, 2)]
    make_article(tags=["Rare", "Common"], published=False)
    published = Article.objects.published()
    tag = lambda name: models.Tag.objects.get(name__iexact=name)  # noqa: E731

    assert list(published.with_tag(tag("rare"))) == rare[::-1]
    assert list(published.with_tag(tag("common"))) == common[::-1]
    rare_plan = _plan(published.with_tag(tag("rare")).for_listing()[:20], sort=True)
    if connection.vendor == "sqlite":
        assert "USING INTEGER PRIMARY KEY" in rare_plan, rare_plan
        assert "article_pub_id_idx" not in rare_plan and "article_status_pub_id_idx" not in rare_plan, rare_plan
    else:  # its plan over a few rows is arbitrary; at 100k it reads the ids by primary key (bench)
        assert "= ANY ('{" in rare_plan, rare_plan
    common_plan = _plan(published.with_tag(tag("common")).for_listing()[:20])
    assert "article_pub_id_idx" in common_plan or "article_status_pub_id_idx" in common_plan, common_plan
    assert "TEMP B-TREE" not in common_plan and "Sort" not in common_plan.replace("Sort Key", ""), common_plan


def test_the_sitemap_index_is_written_without_a_template_and_pages_hold_a_thousand_ids(client):
    """At a million stories the index lists a thousand pages: Django's template took ~60 ms for them."""
    from articles.sitemaps import ArticleSitemap

    make_article()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    assert "sitemap_index.xml" not in [template.name for template in response.templates]
    assert b"<loc>http://testserver/sitemap-stories.xml</loc><lastmod>" in response.content
    # A page of a million-story archive costs what the one page of a thousand-story site does.
    assert ArticleSitemap.limit == 1000


def test_the_tag_sitemap_keeps_the_slugs_of_the_tags_in_use_not_their_rows():
    """The index unpickled 5,000 kept Tag rows on every request (50 ms) to count the tag pages."""
    from articles.sitemaps import TagSitemap

    make_article(tags=["Tea", "Harbour"])
    make_article(tags=["Draft only"], published=False)
    assert TagSitemap.tags_in_use() == ["harbour", "tea"]


def test_a_story_sitemap_page_reads_its_id_range_by_primary_key():
    """Not the status index over every published story, which SQLite chose with both in one WHERE."""
    from articles.sitemaps import ArticleSitemap

    for _ in range(3):
        make_article()
    plan = _plan(ArticleSitemap().paginator.page(1).object_list, sort=True)
    assert "INTEGER PRIMARY KEY (rowid>? AND rowid<?)" in plan or "articles_article_pkey" in plan, plan
    if connection.vendor == "sqlite":
        assert "article_status_pub_id_idx (status=?" not in plan, plan


def test_a_listing_page_finds_its_ids_first_and_reads_only_its_own_rows(client, monkeypatch, laoshan):
    """Skipping earlier pages whole-row read 1,700 table rows on PostgreSQL for a region's tenth page."""
    monkeypatch.setattr(ArticleListView, "paginate_by", 2)
    stories = [make_article(regions=[laoshan], days_ago=d) for d in (5, 4, 3, 2, 1)]

    response, sqls = story_queries(client, laoshan.get_absolute_url(), page=2)

    assert [a.pk for a in response.context["articles"]] == [stories[2].pk, stories[1].pk]
    (rows,) = [sql for sql in sqls if '"articles_article"."headline"' in sql]
    outer, page_ids = rows.split(" IN (SELECT ", 1)
    assert "OFFSET 2" in page_ids and "headline" not in page_ids and "OFFSET" not in outer


def test_the_story_list_by_author_walks_the_authors_index_in_list_order(admin_user):
    make_article(author=admin_user)
    for _ in range(20):
        make_article()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Without statistics an all but empty table may be walked by any index.
            cursor.execute("ANALYZE articles_article")
    plan = _plan(Article.objects.filter(author=admin_user)[:100])
    assert "article_author_pub_id_idx" in plan, plan
    assert "TEMP B-TREE" not in plan and "\nSort " not in plan and " Sort  " not in plan, plan


def test_the_home_pages_region_lists_are_read_once_per_content_generation(client, settings, laoshan):
    settings.CONTENT_CACHE = True
    bump_generation()
    make_article(headline="Laoshan first", regions=[laoshan], days_ago=2)

    def laoshan_headlines():
        sections = dict(client.get("/").context["region_sections"])
        return [story.headline for story in sections.get(laoshan, [])]

    assert laoshan_headlines() == ["Laoshan first"]
    with CaptureQueriesContext(connection) as again:
        client.get("/")
    assert len(again) == 3  # the lead and latest, the regions, the navigation; no region lists

    make_article(headline="Laoshan second", regions=[laoshan], days_ago=1)
    assert laoshan_headlines() == ["Laoshan first"]  # same generation
    bump_generation()  # what a committed write does
    assert laoshan_headlines() == ["Laoshan second", "Laoshan first"]


@pytest.mark.parametrize("path", ["/regions/laoshan/", "/tags/harbour/", "/archive/"])
def test_a_listings_count_is_read_once_per_content_generation(client, settings, monkeypatch, laoshan, path):
    """Every page of a listing shows how many stories it has; counted once, until the content changes."""
    monkeypatch.setattr(ArticleListView, "paginate_by", 2)
    monkeypatch.setattr(ArticleArchiveIndexView, "paginate_by", 2)
    settings.CONTENT_CACHE = True
    bump_generation()
    for days_ago in (1, 2, 3):
        make_article(regions=[laoshan], tags=["Harbour"], days_ago=days_ago)

    def counts(response):
        assert response.status_code == 200
        return response.context["paginator"].count

    assert counts(client.get(path)) == 3
    for page in (1, 2):
        response, sqls = story_queries(client, path, page=page)
        assert counts(response) == 3
        assert not [sql for sql in sqls if "COUNT(" in sql], sqls

    make_article(regions=[laoshan], tags=["Harbour"], days_ago=4)
    assert counts(client.get(path)) == 3  # same generation
    bump_generation()  # what a committed write does
    assert counts(client.get(path)) == 4
    assert client.get(path, {"page": 2}).context["paginator"].count == 4
