"""sitemap.xml (an index over stories, regions and tags), the Google News sitemap and robots.txt."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.contrib.sites.models import Site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.sitemaps import ArticleSitemap
from articles.tests.factories import make_article
from regions.models import Region

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def locations(client, url):
    return [loc.text for loc in xml(client, url).iter(f"{SM}loc")]


def test_index_names_a_sitemap_per_section(client):
    make_article()
    assert locations(client, "/sitemap.xml") == [
        "http://testserver/sitemap-stories.xml",
        "http://testserver/sitemap-regions.xml",
        "http://testserver/sitemap-tags.xml",
    ]


def test_story_sitemap_pages_are_bounded_and_listed_in_the_index(client, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    for _ in range(5):
        make_article()
    index = locations(client, "/sitemap.xml")
    assert [url for url in index if "stories" in url] == [
        "http://testserver/sitemap-stories.xml",
        "http://testserver/sitemap-stories.xml?p=2",
        "http://testserver/sitemap-stories.xml?p=3",
    ]
    assert len(locations(client, "/sitemap-stories.xml?p=3")) == 1
    assert client.get("/sitemap-stories.xml?p=4").status_code == 404
    assert client.get("/sitemap-stories.xml?p=x").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_sections_list_published_stories_every_region_and_tags_in_use(client):
    live = make_article(headline="Live", tags=["Tea"])
    make_article(headline="Draft", tags=["Secret"], published=False)
    make_article(headline="Scheduled", tags=["Embargo"], days_ago=-1)

    stories = xml(client, "/sitemap-stories.xml")
    assert [loc.text for loc in stories.iter(f"{SM}loc")] == [f"http://testserver{live.get_absolute_url()}"]
    # The date of the newsroom's local day (Django's sitemap template formats it in the current time zone).
    assert stories.find(f"{SM}url/{SM}lastmod").text == timezone.localtime(live.updated_at).date().isoformat()
    assert locations(client, "/sitemap-regions.xml") == [
        f"http://testserver{region.get_absolute_url()}" for region in Region.objects.all()
    ]
    assert locations(client, "/sitemap-tags.xml") == ["http://testserver/tags/tea/"]


def test_news_sitemap_has_the_last_two_days_with_news_tags(client):
    recent = make_article(headline="Ferry <news> & more", days_ago=0.5)
    make_article(headline="Two and a half days old", days_ago=2.5)
    make_article(headline="Draft", days_ago=0.5, published=False)
    make_article(headline="Scheduled", days_ago=-0.5)

    root = xml(client, "/news-sitemap.xml")
    urls = root.findall(f"{SM}url")
    assert [url.findtext(f"{SM}loc") for url in urls] == [f"http://testserver{recent.get_absolute_url()}"]
    news = urls[0].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Qingdao City News"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}title") == "Ferry <news> & more"
    published = parse_datetime(news.findtext(f"{NEWS}publication_date"))
    assert abs(published - recent.published_at) < timedelta(seconds=1)
    assert timezone.now() - published < timedelta(days=2)


def test_news_sitemap_lists_the_newest_first_and_ties_by_the_newest_story(client):
    at = timezone.now() - timedelta(hours=3)
    first_of_the_tie = make_article(headline="Tie, entered first", published_at=at)
    second_of_the_tie = make_article(headline="Tie, entered second", published_at=at)
    oldest = make_article(headline="Oldest", days_ago=1)
    # Entered last but published earliest: the order is by publication, not by entry.
    newest = make_article(headline="Newest", days_ago=0.01)

    assert locations(client, "/news-sitemap.xml") == [
        f"http://testserver{story.get_absolute_url()}"
        for story in (newest, second_of_the_tie, first_of_the_tie, oldest)
    ]


def test_robots_txt_names_the_sitemaps(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /search/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/news-sitemap.xml" in lines


def test_addresses_use_site_url_when_set(client, settings):
    settings.SITE_URL = "https://news.example.com"
    story = make_article()
    assert locations(client, "/sitemap.xml")[0] == "https://news.example.com/sitemap-stories.xml"
    assert locations(client, "/sitemap-stories.xml") == [f"https://news.example.com{story.get_absolute_url()}"]
    assert "Sitemap: https://news.example.com/sitemap.xml" in client.get("/robots.txt").content.decode()


def count(client, url):
    # django.contrib.sites (which the redirects need) looks the site up once per process
    # and caches it: do that first, so the count does not depend on which test ran before.
    Site.objects.get_current()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url", ["/sitemap.xml", "/sitemap-stories.xml", "/sitemap-regions.xml", "/sitemap-tags.xml", "/news-sitemap.xml"]
)
def test_sitemaps_make_a_fixed_number_of_queries(client, url):
    def fill(n):
        for _ in range(n):
            make_article(tags=["tea", "port"], regions=[Region.objects.get(slug="jimo")], days_ago=0.5)

    fill(3)
    few = count(client, url)
    fill(27)
    assert count(client, url) == few
    assert few <= 6


def test_the_index_is_written_once_per_content_generation(client, settings, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pagecache.cache import bump_generation

    settings.CONTENT_CACHE = True
    bump_generation()
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    for _ in range(2):
        make_article()
    first = client.get("/sitemap.xml")
    assert first["Content-Type"].startswith("application/xml")
    with CaptureQueriesContext(connection) as again:
        assert client.get("/sitemap.xml").content == first.content
    assert not [q for q in again if "articles_article" in q["sql"]]

    make_article()
    assert "sitemap-stories.xml?p=2" not in client.get("/sitemap.xml").content.decode()  # same generation
    bump_generation()  # what a committed write does
    assert "sitemap-stories.xml?p=2" in client.get("/sitemap.xml").content.decode()


def test_the_index_document_is_written_exactly_as_a_sitemap_index():
    from datetime import datetime, timezone as dt_timezone

    from django.contrib.sitemaps.views import SitemapIndexItem

    from articles.sitemaps import index_xml

    changed = datetime(2026, 11, 29, 8, 30, tzinfo=dt_timezone.utc)
    document = index_xml(
        [
            SitemapIndexItem("https://news.example.com/sitemap-stories.xml?p=2&x=1", changed),
            SitemapIndexItem("https://news.example.com/sitemap-regions.xml", None),
        ]
    )
    assert document == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<sitemap><loc>https://news.example.com/sitemap-stories.xml?p=2&amp;x=1</loc>"
        "<lastmod>2026-11-29T08:30:00+00:00</lastmod></sitemap>"
        "<sitemap><loc>https://news.example.com/sitemap-regions.xml</loc></sitemap>"
        "</sitemapindex>\n"
    )


def test_the_index_keeps_crawlers_from_indexing_it(client):
    make_article()
    assert client.get("/sitemap.xml")["X-Robots-Tag"] == "noindex, noodp, noarchive"


def test_a_story_id_page_knows_its_number_and_its_neighbours():
    from articles.models import Article
    from articles.sitemaps import StoryIdPages

    stories = [make_article() for _ in range(5)]
    pages = StoryIdPages(Article.objects.published().order_by("pk"), 2)
    second, last = pages.page(2), pages.page(3)
    assert list(second.object_list) == stories[2:4]
    assert (second.number, second.has_previous(), second.has_next()) == (2, True, True)
    assert (last.number, last.has_next(), last.paginator) == (3, False, pages)
