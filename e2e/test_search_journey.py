"""
A reader searches from the header, narrows to a region, opens a result,
subscribes to the region's feed, and lands on a missing page; screenshots of
the search and 404 pages at 360 and 1440 px.
"""

import json
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest

from articles.tests.factories import make_article
from regions.models import Region

from .support import assert_csp_enforced, goto, navigate, shoot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADLINE = "Laoshan tea growers expect a record spring harvest"


@pytest.fixture
def stories():
    laoshan = Region.objects.get(slug="laoshan")
    jimo = Region.objects.get(slug="jimo")
    main = make_article(
        headline=HEADLINE,
        summary="Picking began two weeks early on the slopes of Mount Laoshan (崂山).",
        body="Tea gardens began picking this week.\n\n崂山绿茶 is sold across the city.",
        byline="By Zhang Yi",
        regions=[laoshan],
        tags=["tea"],
        days_ago=0.2,
    )
    make_article(headline="Jimo tea house reopens", body="A tea house by the old town wall.", regions=[jimo], days_ago=1)
    make_article(headline="Ferry timetable changes", regions=[laoshan], days_ago=2)
    make_article(headline="Embargoed tea subsidy", regions=[laoshan], published=False)
    return main


def test_reader_searches_opens_a_result_and_follows_the_region(browser_page, step, stories, live_server):
    page, watch = browser_page

    with step("search for tea from the header of the home page"):
        goto(page, watch, live_server.url + "/", "home page")
        page.get_by_role("searchbox", name="Search the news").fill("tea")
        response = navigate(page, watch, lambda: page.keyboard.press("Enter"), "search results")
        assert_csp_enforced(response, "search results")
        assert urlsplit(page.url).path == "/search/"
        assert parse_qs(urlsplit(page.url).query)["q"] == ["tea"]
        assert page.locator(".search-count").inner_text().startswith("2 stories")
        headlines = page.locator(".search-result__headline").all_inner_texts()
        assert sorted(headlines) == sorted([HEADLINE, "Jimo tea house reopens"])
        assert "Embargoed" not in page.content()
        assert page.locator(".search-result mark").first.inner_text().lower() == "tea"

    with step("search in Chinese, then narrow to Laoshan"):
        page.locator("#search-q").fill("崂山 tea")
        navigate(page, watch, page.get_by_role("button", name="Search", exact=True).last.click, "Chinese search")
        assert page.locator(".search-result__headline").all_inner_texts() == [HEADLINE]
        assert "崂山" in page.locator(".search-result mark").all_inner_texts()
        page.locator("#search-q").fill("tea")
        page.locator("#id_region").select_option("laoshan")
        navigate(page, watch, page.locator(".search-form button").click, "search in Laoshan")
        assert page.locator(".search-result__headline").all_inner_texts() == [HEADLINE]
        shoot(page, "search", "search-results")

    with step("open the result"):
        navigate(page, watch, page.locator(".search-result__headline a").click, "story page")
        assert urlsplit(page.url).path == stories.get_absolute_url()
        assert page.locator("h1.story__headline").inner_text() == HEADLINE
        data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
        assert data["@type"] == "NewsArticle" and data["headline"] == HEADLINE
        watch.assert_clean("story page (its JSON-LD is data, not script, under the CSP)")

    with step("go to the region and subscribe to its feed"):
        navigate(page, watch, page.locator(".story__regions a", has_text="Laoshan").click, "Laoshan page")
        link = page.get_by_role("link", name="Follow Laoshan (RSS feed)")
        href = link.get_attribute("href")
        assert href == "/regions/laoshan/feed/"
        assert page.locator('head link[rel=alternate][type="application/rss+xml"]').get_attribute("href") == href
        # A feed reader fetches the address the reader copied.
        feed = page.request.get(live_server.url + href)
        assert feed.ok and feed.headers["content-type"].startswith("application/rss+xml")
        titles = [item.findtext("title") for item in ET.fromstring(feed.body()).iter("item")]
        assert titles == [HEADLINE, "Ferry timetable changes"]

    with step("a keyboard reader skips to the content"):
        page.keyboard.press("Tab")
        skip = page.locator(".skip-link")
        assert skip.evaluate("(a) => a === document.activeElement")
        box = skip.bounding_box()
        assert box and box["x"] >= 0, "the focused skip link is on screen"
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "main"

    with step("a printed story leaves out the navigation"):
        navigate(page, watch, lambda: page.goto(live_server.url + stories.get_absolute_url()), "story again")
        page.emulate_media(media="print")
        assert not page.locator("nav.region-nav").is_visible()
        assert not page.locator(".site-search").is_visible()
        assert page.locator(".story__body").is_visible()
        page.emulate_media(media="screen")


def test_missing_page_offers_home_and_search(browser_page, step, live_server):
    page, watch = browser_page

    with step("open an address that does not exist"):
        response = page.goto(live_server.url + "/stories/no-such-story/", wait_until="load")
        assert response.status == 404
        # The page's own 404 status, which Chromium also logs to the console; nothing else.
        watch.assert_clean(
            "404 page",
            allow=[
                r"HTTP 404 for GET .*/stories/no-such-story/$",
                r"console error on .*/stories/no-such-story/: Failed to load resource: .* 404",
            ],
        )
        assert page.locator("h1").inner_text() == "Page not found"
        assert page.locator("nav.region-nav a").count() == 11
        shoot(page, "search", "not-found")

    with step("search from the 404 page"):
        page.get_by_label("Search the news").last.fill("ferry")
        navigate(page, watch, page.locator(".error-page button").click, "search from 404")
        assert urlsplit(page.url).path == "/search/"
        shoot(page, "search", "search-no-results")
