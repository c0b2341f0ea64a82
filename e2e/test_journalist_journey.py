"""A journalist signs in, writes a story with two photos, publishes it, and it is on the site."""

import re

import pytest

from articles.models import Article
from regions.models import Region

from .conftest import PASSWORD
from .editor import type_paragraphs
from .support import admin_login, assert_images_loaded, choose_tag, goto, navigate, shoot, write_jpeg

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADLINE = "Shinan and Laoshan open a seaside walkway"
SUMMARY = "A 12-kilometre path now joins May Fourth Square to the foot of Mount Laoshan."
PARAGRAPHS = [
    "The walkway opened on Saturday morning with a ribbon-cutting at May Fourth Square.",
    "It follows the coast past the Olympic Sailing Center and several beaches.",
    "City officials said lighting along the whole route will be finished by autumn.",
]
TAGS = ["walkway", "tourism", "coastline"]
REGIONS = ["Shinan", "Laoshan"]
PHOTOS = [
    {
        "caption": "Walkers on the new path near May Fourth Square.",
        "credit": "Photo provided to chinadaily.com.cn",
        "alt": "People walking along a wooden path beside the sea",
        "size": (1200, 800),
        "colors": {"top": (30, 110, 180), "bottom": (220, 200, 150)},
    },
    {
        "caption": "The path at the foot of Mount Laoshan.",
        "credit": "Wang Lei / Qingdao City News",
        "alt": "A coastal path with mountains behind it",
        "size": (900, 1200),
        "colors": {"top": (60, 140, 90), "bottom": (200, 220, 230)},
    },
]


def test_journalist_publishes_a_story_with_two_photos(browser_page, step, journalist, live_server, tmp_path):
    page, watch = browser_page
    files = [
        write_jpeg(tmp_path / f"walkway-{n}.jpg", *photo["size"], label=f"photo {n}", **photo["colors"])
        for n, photo in enumerate(PHOTOS, start=1)
    ]

    with step("sign in to the admin"):
        admin_login(page, watch, live_server.url, journalist.username, PASSWORD)
        shoot(page, "journalist", "admin-index")

    with step("open Stories, then Add story"):
        stories_link = page.locator("#articles-article").get_by_role("link", name="Stories")
        navigate(page, watch, stories_link.click, "stories list")
        navigate(page, watch, lambda: page.get_by_role("link", name="Add story").click(), "add story form")
        assert page.url.endswith("/admin/articles/article/add/"), page.url
        shoot(page, "journalist", "admin-add-form-empty")

    with step("type the story"):
        page.fill("#id_headline", HEADLINE)
        page.fill("#id_summary", SUMMARY)
        type_paragraphs(page, PARAGRAPHS)
        page.fill("#id_byline", "By Zhang Yi")
        # Slug and source are rarely changed, so their box is folded.
        page.get_by_text("Address and source", exact=True).click()
        page.fill("#id_source", "chinadaily.com.cn")
        regions = page.locator("#id_regions")
        for name in REGIONS:
            regions.get_by_label(name, exact=True).check()
        for tag in TAGS:
            choose_tag(page, tag)
        page.select_option("#id_status", "published")

    with step("slug is left empty: the server makes it from the headline when the story is saved"):
        assert page.input_value("#id_slug") == ""

    with step("attach the first photo"):
        page.set_input_files("#id_photos-0-image", str(files[0]))
        page.fill("#id_photos-0-caption", PHOTOS[0]["caption"])
        page.fill("#id_photos-0-credit", PHOTOS[0]["credit"])
        page.fill("#id_photos-0-alt_text", PHOTOS[0]["alt"])

    with step("add another photo"):
        # inlines.js draws it as <a role="button">, so it is a button to assistive technology.
        page.get_by_role("button", name="Add another Photo").click()
        page.locator("#id_photos-1-image").wait_for(state="visible")
        page.set_input_files("#id_photos-1-image", str(files[1]))
        page.fill("#id_photos-1-caption", PHOTOS[1]["caption"])
        page.fill("#id_photos-1-credit", PHOTOS[1]["credit"])
        page.fill("#id_photos-1-alt_text", PHOTOS[1]["alt"])
        page.fill("#id_photos-1-position", "1")
        watch.assert_clean("filled-in add story form")
        shoot(page, "journalist", "admin-add-form-filled")

    with step("save and see the success message"):
        save = page.locator("input[name=_save]").last
        navigate(page, watch, save.click, "save the story")
        success = page.locator("ul.messagelist li.success")
        assert success.count() == 1, page.locator("ul.messagelist").all_inner_texts() or page.content()[:2000]
        assert re.search(rf"“{re.escape(HEADLINE)}” is published — view on site", success.inner_text())
        assert page.url.endswith("/admin/articles/article/"), page.url
        shoot(page, "journalist", "admin-after-save")

    with step("the story is in the database as typed"):
        article = Article.objects.get()
        assert article.headline == HEADLINE
        assert article.summary == SUMMARY
        assert article.slug == "shinan-and-laoshan-open-a-seaside-walkway"
        assert article.byline == "By Zhang Yi"
        assert article.status == Article.Status.PUBLISHED
        assert article.published_at is not None and article.is_published
        assert article.author == journalist
        assert article.body == "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)
        assert article.body_html.count("<p>") == 3
        assert sorted(r.name for r in article.regions.all()) == sorted(REGIONS)
        assert sorted(t.name for t in article.tags.all()) == sorted(TAGS)
        photos = list(article.photos.order_by("position", "pk"))
        assert len(photos) == 2
        for photo, typed in zip(photos, PHOTOS):
            assert photo.caption == typed["caption"]
            assert photo.credit == typed["credit"]
            assert photo.alt_text == typed["alt"]
            assert (photo.image_width, photo.image_height) == typed["size"]
            assert photo.image.name.endswith(".jpg")
        assert Region.objects.filter(name__in=REGIONS).count() == 2

    with step("the published story is on the site"):
        goto(page, watch, article.get_absolute_url(), "story page")
        assert page.locator("h1.story__headline").inner_text() == HEADLINE
        assert page.locator(".preview-banner").count() == 0
        assert_images_loaded(page, ".story__photo img", "story page", expected=2)
        shoot(page, "journalist", "article")
        watch.assert_clean("story page after screenshots")
