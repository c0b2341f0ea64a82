"""
Story pages' structured data, the home page lead, the 404 and 500 pages, the
accessibility basics, and a sweep over every public listing for unpublished stories.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import Article
from articles.tests.factories import make_article, make_photo
from newsroom import urls as site_urls
from photos.pictures import jpeg_rendition
from regions.models import Region

pytestmark = pytest.mark.django_db


def json_ld(page):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


# --- JSON-LD -------------------------------------------------------------------------


def test_story_page_has_news_article_json_ld_with_googles_fields(client):
    laoshan, jimo = Region.objects.get(slug="laoshan"), Region.objects.get(slug="jimo")
    story = make_article(
        headline="Tea harvest begins", summary="Early picking.", byline="By Zhang Yi", regions=[laoshan, jimo]
    )
    photos = [make_photo(story, position=0), make_photo(story, position=1)]

    data = json_ld(client.get(story.get_absolute_url()).content.decode())

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Tea harvest begins"
    assert data["description"] == "Early picking."
    url = f"http://testserver{story.get_absolute_url()}"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    # The 1200 px renditions readers get (as og:image), never the stored originals.
    assert data["image"] == [f"http://testserver{jpeg_rendition(photo, 1200)[0]}" for photo in photos]
    assert all("/media/renditions/" in url for url in data["image"])
    assert parse_datetime(data["datePublished"]) == story.published_at
    assert parse_datetime(data["dateModified"]) == Article.objects.get(pk=story.pk).updated_at
    assert data["author"] == [{"@type": "Person", "name": "Zhang Yi"}]
    assert data["publisher"]["name"] == "Qingdao City News"
    assert data["publisher"]["logo"]["url"].startswith("http://testserver/static/")
    assert sorted(data["articleSection"]) == ["Jimo", "Laoshan"]


def test_json_ld_without_byline_names_the_newsroom_and_escapes_script(client):
    story = make_article(headline="</script><script>alert(1)</script>", byline="", summary="a & b")
    page = client.get(story.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in page
    data = json_ld(page)
    assert data["headline"] == "</script><script>alert(1)</script>"
    assert data["description"] == "a & b"
    assert data["author"][0]["@type"] == "NewsMediaOrganization"
    assert data["articleSection"] == ["City-wide"]
    assert "image" not in data


def test_json_ld_is_exactly_what_google_reads_for_a_tagged_story_without_summary(client):
    """Headline cut at 110 characters, "By " dropped from the byline, tags as keywords, empty fields left out."""
    laoshan = Region.objects.get(slug="laoshan")
    story = make_article(
        headline="Tea " * 30, summary="", byline="By  Li Na ", regions=[laoshan], tags=["Tea", "Harvest"]
    )
    story = Article.objects.get(pk=story.pk)
    url = f"http://testserver{story.get_absolute_url()}"
    publisher = {
        "@type": "NewsMediaOrganization",
        "name": "Qingdao City News",
        "url": "http://testserver/",
        "logo": {"@type": "ImageObject", "url": f"http://testserver{static('favicon.svg')}"},
    }
    assert json_ld(client.get(story.get_absolute_url()).content.decode()) == {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": ("Tea " * 30)[:110],
        "datePublished": story.published_at.isoformat(),
        "dateModified": story.updated_at.isoformat(),
        "author": [{"@type": "Person", "name": "Li Na"}],
        "publisher": publisher,
        "articleSection": ["Laoshan"],
        "keywords": ["Harvest", "Tea"],
        "inLanguage": "en",
    }


def test_json_ld_uses_site_url_when_set(client, settings):
    settings.SITE_URL = "https://news.example.com"
    story = make_article()
    data = json_ld(client.get(story.get_absolute_url()).content.decode())
    assert data["url"] == f"https://news.example.com{story.get_absolute_url()}"


# --- The home page lead -------------------------------------------------------------------


def home_headlines(client):
    return [a.headline for a in client.get("/").context["latest_articles"]]


def test_home_leads_with_the_featured_story_then_the_newest(client):
    for n in range(12):
        make_article(headline=f"Story {n}", days_ago=n + 1)
    old = make_article(headline="Old feature", days_ago=30)
    assert home_headlines(client) == [f"Story {n}" for n in range(10)]

    Article.objects.make_lead(old)
    assert home_headlines(client) == ["Old feature"] + [f"Story {n}" for n in range(9)]
    assert 'card card--featured' in client.get("/").content.decode()


def test_featuring_replaces_the_lead_and_an_unpublished_lead_is_skipped(client):
    first = make_article(headline="First", days_ago=5)
    second = make_article(headline="Second", days_ago=6, published=False)
    make_article(headline="Newest", days_ago=1)
    Article.objects.make_lead(first)
    Article.objects.make_lead(second)
    assert list(Article.objects.filter(featured=True)) == [second]
    assert home_headlines(client) == ["Newest", "First"]  # a draft lead does not show


def test_editors_feature_a_story_from_the_story_list(client):
    editor = User.objects.create_superuser("editor", "e@example.com", "pw")
    client.force_login(editor)
    story = make_article(headline="Big news", days_ago=3)
    make_article(headline="Newest", days_ago=1)
    changelist = reverse("admin:articles_article_changelist")

    response = client.post(changelist, {"action": "make_lead", "_selected_action": [story.pk]}, follow=True)
    assert "“Big news” now leads the home page." in response.content.decode()
    assert home_headlines(Client())[0] == "Big news"

    response = client.post(
        changelist, {"action": "make_lead", "_selected_action": list(Article.objects.values_list("pk", flat=True))},
        follow=True,
    )
    assert "Select exactly one story" in response.content.decode()

    client.post(changelist, {"action": "remove_lead", "_selected_action": [story.pk]})
    assert home_headlines(Client())[0] == "Newest"


def test_home_query_count_is_the_same_with_a_lead(client):
    for _ in range(12):
        make_article()
    with CaptureQueriesContext(connection) as without_lead:
        client.get("/")
    Article.objects.make_lead(Article.objects.last())
    with CaptureQueriesContext(connection) as with_lead:
        client.get("/")
    assert len(with_lead) == len(without_lead)


# --- 404 and 500 ----------------------------------------------------------------------


def boom(request):
    raise RuntimeError("secret-internal-detail")


# This module is the URLconf of the 500 test: the site's addresses plus one that fails.
urlpatterns = [path("boom/", boom), *site_urls.urlpatterns]
handler500 = site_urls.handler500


def assert_site_page(page):
    assert '<header class="site-header">' in page
    assert 'aria-label="Regions"' in page
    assert 'href="/"' in page
    assert 'action="/search/"' in page


@override_settings(DEBUG=False)
def test_404_page_is_in_the_sites_look(client):
    response = client.get("/no-such-page/<script>/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert_site_page(page)
    assert 'href="/regions/laoshan/"' in page
    assert "<script>/" not in page


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_500_page_is_in_the_sites_look_without_details():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert_site_page(page)
    assert 'href="/regions/laoshan/"' in page
    for leak in ("secret-internal-detail", "Traceback", "RuntimeError", "SECRET_KEY"):
        assert leak not in page


# --- Accessibility basics ---------------------------------------------------------------


class Landmarks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.images, self.html_lang, self.first_link = [], [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag == "img":
            self.images.append(attrs)
        if tag == "a" and self.first_link is None:
            self.first_link = attrs


def test_every_reader_page_has_lang_skip_link_landmarks_and_alt_text(client):
    laoshan = Region.objects.get(slug="laoshan")
    story = make_article(regions=[laoshan], tags=["tea"])
    make_photo(story, alt_text="Pickers on a terrace")
    for url in ["/", story.get_absolute_url(), "/regions/laoshan/", "/tags/tea/", "/search/?q=story", "/nope/"]:
        parser = Landmarks()
        parser.feed(client.get(url).content.decode())
        assert parser.html_lang == "en", url
        assert parser.first_link == {"class": "skip-link", "href": "#main"}, url
        names = [tag for tag, _ in parser.tags]
        for landmark in ("header", "nav", "main", "footer"):
            assert landmark in names, (url, landmark)
        assert ("main", {"id": "main", "class": "page", "tabindex": "-1"}) in parser.tags, url
        assert all("alt" in image for image in parser.images), url
        assert "<script src" not in client.get(url).content.decode(), url  # nothing needs JavaScript


def _luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    lighter, darker = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_text_colours_meet_wcag_aa_contrast():
    css = (Path(__file__).resolve().parents[2] / "static/css/site.css").read_text()
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css))
    pairs = [
        ("ink", "paper"), ("muted", "paper"), ("muted", "wash"), ("ink", "wash"),
        ("brand", "paper"), ("brand-dark", "paper"),
    ]
    for text, background in pairs:
        assert contrast(colours[text], colours[background]) >= 4.5, (text, background)
    assert contrast("#ffffff", colours["brand"]) >= 4.5  # header text
    assert contrast("#ffffff", colours["brand-dark"]) >= 4.5  # region navigation
    assert contrast(colours["ink"], "#fff1a8") >= 4.5  # highlighted search matches
    assert ":focus-visible" in css and "@media print" in css


# --- No unpublished story anywhere --------------------------------------------------------


def test_unpublished_stories_appear_in_no_feed_sitemap_search_or_archive(client):
    laoshan = Region.objects.get(slug="laoshan")
    now = timezone.localtime()
    common = {"regions": [laoshan], "tags": ["tea"], "body": "Harbour words."}
    live = make_article(headline="LIVE-STORY", days_ago=0.1, **common)
    # The live story's own local day: 2.4 hours ago is yesterday just after midnight.
    day = timezone.localtime(live.published_at)
    draft = make_article(headline="DRAFT-STORY", published=False, published_at=now, **common)
    scheduled = make_article(headline="SCHEDULED-STORY", days_ago=-0.1, **common)
    Article.objects.make_lead(draft)
    urls = [
        "/", "/regions/laoshan/", "/tags/tea/", "/search/?q=harbour", "/search/?q=story",
        "/feed/", "/feed/atom/", "/regions/laoshan/feed/", "/regions/laoshan/feed/atom/",
        "/tags/tea/feed/", "/tags/tea/feed/atom/",
        "/sitemap-stories.xml", "/news-sitemap.xml",
        f"/archive/{day.year}/", f"/archive/{day.year}/{day.month}/", f"/archive/{day.year}/{day.month}/{day.day}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "LIVE-STORY" in page or "live-story" in page, url
        for hidden in (draft, scheduled):
            assert hidden.headline not in page and hidden.slug not in page, url
