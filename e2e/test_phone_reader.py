"""On a 360 px phone the region menu (one row, scrolling sideways) works and nothing overflows."""

from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.tests.factories import make_article, make_photo
from regions.models import Region

from .conftest import PHONE
from .support import (
    assert_images_loaded,
    assert_no_horizontal_overflow,
    goto,
    jpeg_bytes,
    navigate,
    shoot,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADLINE = "West Coast New Area opens Golden Beach boardwalk to night visitors"
LONG_URL = (
    "https://www.qingdao.gov.cn/zwgk/xxgk/hdjl/gzdt/2025/announcement-golden-beach-night-opening-hours.html"
)


@pytest.fixture
def story():
    region = Region.objects.get(slug="west-coast-new-area")
    article = make_article(
        headline=HEADLINE,
        summary="The boardwalk now stays lit and open until 11 pm through October.",
        body=(
            "The boardwalk along Golden Beach now stays open until 11 pm.\n\n"
            f"Opening hours and bus times are published at {LONG_URL}\n\n"
            "Lifeguards remain on duty until 7 pm."
        ),
        regions=[region, Region.objects.get(slug="shinan")],
        tags=["beaches", "night economy"],
        days_ago=0.2,
    )
    # A photo far wider than the phone: it has to be scaled down to fit.
    for position, size in enumerate([(2400, 1350), (1000, 1500)]):
        make_photo(
            article,
            position=position,
            image=SimpleUploadedFile(
                f"golden-beach-{position}.jpg",
                jpeg_bytes(*size, top=(250, 170, 60), bottom=(30, 60, 120), label=f"{size[0]}x{size[1]}"),
                content_type="image/jpeg",
            ),
            caption="Visitors on the lit boardwalk at Golden Beach after dark.",
            credit="Photo provided to chinadaily.com.cn",
            alt_text="People walking on a lit boardwalk beside a beach at night",
        )
    return article


def check_fits(page, where):
    assert page.viewport_size["width"] == PHONE["width"]
    assert page.evaluate("window.innerWidth") == PHONE["width"], "the meta viewport is not honoured"
    assert_no_horizontal_overflow(page, where)


def test_phone_reader(phone_page, step, story, live_server):
    page, watch = phone_page
    regions = list(Region.objects.order_by("position", "name"))
    assert len(regions) == 10

    with step("home page fits the phone"):
        goto(page, watch, live_server.url + "/", "home page")
        check_fits(page, "home page")
        assert_images_loaded(page, ".card__photo img", "home page")
        shoot(page, "phone", "home")

    with step("the regions are one row that scrolls sideways; each link comes on screen and is easy to tap"):
        nav = page.locator("nav.region-nav")
        tops = {round(item.bounding_box()["y"]) for item in nav.locator("li").all()}
        assert len(tops) == 1, f"the region menu wraps onto {len(tops)} rows"
        for region in regions:
            link = nav.get_by_role("link", name=region.name, exact=True)
            link.evaluate("el => el.scrollIntoView({inline: 'center', block: 'nearest'})")
            assert link.is_visible(), f"{region.name} is not visible"
            box = link.bounding_box()
            on_screen = box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
            assert on_screen, f"{region.name} is off screen: {box}"
            assert box["height"] >= 24, f"{region.name} is only {box['height']}px tall: hard to tap"

    with step("tapping each region link opens that region"):
        for region in regions:
            link = page.locator("nav.region-nav").get_by_role("link", name=region.name, exact=True)
            navigate(page, watch, link.tap, f"{region.name} page")
            assert urlsplit(page.url).path == f"/regions/{region.slug}/"
            assert page.locator("nav.region-nav a[aria-current=page]").inner_text() == region.name
            check_fits(page, f"{region.name} page")

    with step("the region page with the story fits the phone"):
        nav = page.locator("nav.region-nav")
        link = nav.get_by_role("link", name="West Coast New Area")
        navigate(page, watch, link.tap, "West Coast New Area page")
        check_fits(page, "West Coast New Area page")
        assert_images_loaded(page, ".card__photo img", "West Coast New Area page", expected=1)
        shoot(page, "phone", "region")

    with step("the story and its photos fit the phone"):
        navigate(page, watch, page.locator(".card__headline a", has_text=HEADLINE).tap, "story page")
        assert_images_loaded(page, ".story__photo img", "story page", expected=2)
        for index in range(2):
            box = page.locator(".story__photo img").nth(index).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"photo {index + 1}: {box}"
        check_fits(page, "story page")
        shoot(page, "phone", "article")

    with step("the tag page fits the phone"):
        tag_link = page.locator(".story__tags a[rel=tag]", has_text="night economy")
        navigate(page, watch, tag_link.tap, "tag page")
        assert urlsplit(page.url).path == "/tags/night-economy/"
        check_fits(page, "tag page")
        shoot(page, "phone", "tag")
        watch.assert_clean("end of the phone journey")
