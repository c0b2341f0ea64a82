"""A reader finds a story through the region navigation, reads it, follows a tag and pages back in time."""

from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from articles.tests.factories import make_article, make_photo
from regions.models import Region

from .support import assert_csp_enforced, assert_images_loaded, goto, jpeg_bytes, navigate, shoot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADLINE = "Laoshan tea growers expect a record spring harvest"
PARAGRAPHS = [
    "Tea gardens on the slopes of Mount Laoshan began picking this week, two weeks earlier than last year.",
    "Growers say a mild winter and steady rain in March gave the leaves an unusually sweet taste.",
    "The district will hold its tea culture festival in Shinan's May Fourth Square next month.",
]
TAGS = ["tea", "agriculture", "Laoshan tea festival"]
CAPTIONS = [
    ("A grower picks tea leaves on a terrace above the sea.", "Photo provided to chinadaily.com.cn"),
    ("Fresh leaves drying in a Laoshan workshop.", "Li Na / Qingdao City News"),
]
OLDER_STORIES = 24  # with the main story: 25 in Shinan, so its page 2 has 5


def photo_file(name, width, height, **colors):
    content = jpeg_bytes(width, height, label=name, **colors)
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


@pytest.fixture
def stories():
    shinan = Region.objects.get(slug="shinan")
    laoshan = Region.objects.get(slug="laoshan")
    main = make_article(
        headline=HEADLINE,
        summary="Picking began two weeks early on the slopes of Mount Laoshan.",
        body="\n\n".join(PARAGRAPHS),
        byline="By Zhang Yi",
        regions=[shinan, laoshan],
        tags=TAGS,
        days_ago=0.1,
    )
    for position, ((caption, credit), size) in enumerate(zip(CAPTIONS, [(1200, 800), (800, 1000)])):
        make_photo(
            main,
            position=position,
            image=photo_file(f"tea-{position + 1}.jpg", *size, top=(40, 120, 70), bottom=(210, 220, 160)),
            caption=caption,
            credit=credit,
            alt_text=f"Photo {position + 1} of the tea harvest",
        )
    older = []
    for n in range(1, OLDER_STORIES + 1):
        story = make_article(
            headline=f"Shinan community notice number {n}",
            summary=f"Older local news item {n} from Shinan.",
            regions=[shinan],
            tags=["community"],
            days_ago=1 + n,
        )
        if n % 4 == 0:
            make_photo(story, image=photo_file(f"notice-{n}.jpg", 600, 400))
        older.append(story)
    return main, older


def back(page, watch, where):
    response = page.go_back(wait_until="load")
    # A page restored from the back/forward cache has no new response.
    if response is not None:
        assert response.status < 400, f"{where}: {page.url} answered {response.status}"
    watch.assert_clean(where)


def test_reader_journey(browser_page, step, stories, live_server):
    page, watch = browser_page
    main, older = stories

    with step("open the home page"):
        response = goto(page, watch, live_server.url + "/", "home page")
        assert_csp_enforced(response, "home page")
        assert page.locator("h1").first.inner_text() == "Latest news"
        assert page.locator(".card-list--home .card").count() == 10
        assert_images_loaded(page, ".card__photo img", "home page")
        shoot(page, "reader", "home")

    with step("follow Shinan in the region navigation"):
        nav = page.locator("nav.region-nav")
        assert nav.get_by_role("link").count() == 11  # Home and the ten regions
        navigate(page, watch, nav.get_by_role("link", name="Shinan", exact=True).click, "Shinan page")
        assert urlsplit(page.url).path == "/regions/shinan/"
        assert page.locator("nav.region-nav a[aria-current=page]").inner_text() == "Shinan"
        assert "Shinan" in page.locator("h1").inner_text()
        assert page.locator(".card-list .card").count() == 20
        assert page.locator("nav.pagination a[rel=next]").count() == 1
        assert_images_loaded(page, ".card__photo img", "Shinan page")
        shoot(page, "reader", "region")

    with step("open the story from the region page"):
        link = page.locator(".card__headline a", has_text=HEADLINE)
        response = navigate(page, watch, link.click, "story page")
        assert_csp_enforced(response, "story page")
        assert urlsplit(page.url).path == main.get_absolute_url()

    with step("read the story: headline, date line, photos, paragraphs, tags"):
        assert page.locator("h1.story__headline").inner_text() == HEADLINE
        assert page.title().startswith(HEADLINE)
        dateline = page.locator(".story__dateline").inner_text()
        local = timezone.localtime(main.published_at)
        # The date line leaves out the time for a story published at midnight.
        expected_time = local.strftime("%Y-%m-%d" if local.strftime("%H:%M") == "00:00" else "%Y-%m-%d %H:%M")
        for expected in ("By Zhang Yi", "chinadaily.com.cn", expected_time):
            assert expected in dateline, f"{expected!r} is not in the date line {dateline!r}"
        # all_text_contents: the region links are shown in capitals by CSS (text-transform).
        assert page.locator(".story__regions a").all_text_contents() == ["Shinan", "Laoshan"]

        assert_images_loaded(page, ".story__photo img", "story page", expected=2)
        figures = page.locator("figure.story__photo")
        for index, (caption, credit) in enumerate(CAPTIONS):
            figcaption = figures.nth(index).locator("figcaption")
            assert caption in figcaption.inner_text()
            assert figcaption.locator(".credit").inner_text() == f"[{credit}]"
            alt = figures.nth(index).locator("img").get_attribute("alt")
            assert alt == f"Photo {index + 1} of the tea harvest"

        assert page.locator(".story__body p").all_inner_texts() == PARAGRAPHS
        assert sorted(page.locator(".story__tags a[rel=tag]").all_inner_texts()) == sorted(TAGS)
        watch.assert_clean("story page")
        shoot(page, "reader", "article")

    with step("follow the date line to that day's stories, and come back"):
        navigate(page, watch, page.locator(".story__dateline time a").click, "day archive")
        assert urlsplit(page.url).path == f"/archive/{local.year}/{local.month}/{local.day}/"
        assert page.locator("h1").inner_text() == f"{local.day} {local.strftime('%B %Y')}"
        assert HEADLINE in page.locator(".card__headline a").all_inner_texts()
        shoot(page, "reader", "day-archive")
        back(page, watch, "back to the story from the archive")
        assert urlsplit(page.url).path == main.get_absolute_url()

    with step("follow a tag to its page and find the story there"):
        tag_link = page.locator(".story__tags a[rel=tag]", has_text="Laoshan tea festival")
        navigate(page, watch, tag_link.click, "tag page")
        assert urlsplit(page.url).path == "/tags/laoshan-tea-festival/"
        assert page.locator("h1").inner_text() == "Tagged: Laoshan tea festival"
        assert page.locator(".card__headline a").all_inner_texts() == [HEADLINE]
        assert_images_loaded(page, ".card__photo img", "tag page", expected=1)
        shoot(page, "reader", "tag")

    with step("go back to the story"):
        back(page, watch, "back to the story")
        assert urlsplit(page.url).path == main.get_absolute_url()
        assert page.locator("h1.story__headline").inner_text() == HEADLINE

    with step("from the story to its region, then to page 2 of the region"):
        navigate(page, watch, page.locator(".story__regions a", has_text="Shinan").click, "Shinan page 1")
        navigate(page, watch, page.locator("nav.pagination a[rel=next]").click, "Shinan page 2")
        assert urlsplit(page.url).query == "page=2"
        assert page.locator("nav.pagination [aria-current=page]").inner_text() == "2"
        assert page.locator(".card-list .card").count() == OLDER_STORIES + 1 - 20
        assert page.locator("nav.pagination a[rel=next]").count() == 0
        headlines = page.locator(".card__headline a").all_inner_texts()
        assert headlines == [f"Shinan community notice number {n}" for n in range(20, OLDER_STORIES + 1)]
        assert_images_loaded(page, ".card__photo img", "Shinan page 2")
        shoot(page, "reader", "region-page-2")

    with step("page back with the Newer link and the browser's back button"):
        navigate(page, watch, page.locator("nav.pagination a[rel=prev]").click, "Shinan page 1 again")
        assert urlsplit(page.url).query == "page=1"
        assert page.locator(".card__headline a").first.inner_text() == HEADLINE
        back(page, watch, "back to page 2")
        assert urlsplit(page.url).query == "page=2"
        back(page, watch, "back to page 1")
        assert urlsplit(page.url).query == ""
        assert page.locator(".card__headline a").first.inner_text() == HEADLINE
        watch.assert_clean("end of the reader journey")
