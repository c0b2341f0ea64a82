"""
Everyday newsroom use (issue 18): an editor schedules a story from a form whose
publishing choices are in view at 1440 px and sees "Scheduled" with its time in
the list; an editor renames a published story's slug and its old address lands
on the story; a pending change to the live story is previewed, then published;
on a 390 px phone the header is one row of regions. (Under the newsroom's roles
only editors schedule and change published stories.)
"""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article
from articles.tests.factories import make_article
from articles.workflow import create_roles
from regions.models import Region

from .conftest import DESKTOP, PASSWORD
from .editor import type_paragraphs
from .support import admin_login, goto, navigate, shoot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADLINE = "Laoshan opens three new hiking trails"
PENDING_HEADLINE = "Jimo lantern festival draws 200,000 visitors"


@pytest.fixture
def editor(django_user_model):
    create_roles(apps)
    user = django_user_model.objects.create_user("chen.editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def in_view(page, selector):
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


def save(page, watch, where):
    navigate(page, watch, page.locator("input[name=_save]").last.click, where)
    success = page.locator("ul.messagelist li.success")
    assert success.count() == 1, page.locator(".errorlist").all_inner_texts() or page.content()[:2000]
    return success.inner_text()


def save_pending(page, watch):
    navigate(page, watch, page.locator("input[name=_pending]").click, "save as pending")
    success = page.locator("ul.messagelist li.success")
    assert success.count() == 1, page.locator(".errorlist").all_inner_texts() or page.content()[:2000]
    return success.inner_text()


def test_schedule_rename_and_publish_a_pending_change(browser_page, step, editor, live_server):
    page, watch = browser_page
    when = timezone.localtime() + timedelta(days=2)

    with step("the story form shows status and publication time without scrolling at 1440 px"):
        admin_login(page, watch, live_server.url, editor.username, PASSWORD)
        goto(page, watch, f"{live_server.url}/admin/articles/article/add/", "add story form")
        assert page.viewport_size == DESKTOP
        assert in_view(page, "#id_status") and in_view(page, "#id_published_at_1")
        assert not page.locator("#id_slug").is_visible()  # folded with the source
        shoot(page, "everyday", "story-form", widths=(1440,))

    with step("schedule the story for 08:07 the day after tomorrow"):
        page.fill("#id_headline", HEADLINE)
        page.fill("#id_summary", "The trails link Beijiushui with the Jufeng summit.")
        type_paragraphs(page, ["Three new trails opened on Saturday."])
        page.locator("#id_regions").get_by_label("Laoshan", exact=True).check()
        page.select_option("#id_status", "published")
        page.fill("#id_published_at_0", when.strftime("%Y-%m-%d"))
        page.fill("#id_published_at_1", "08:07:00")
        shoot(page, "everyday", "story-form-filled", widths=(1440,))
        message = save(page, watch, "schedule the story")
        expected = f"{when.day} {when:%b %Y}, 08:07 (Asia/Shanghai)"
        assert message == f"“{HEADLINE}” is scheduled for {expected}."

    with step("the list says Scheduled with the time and zone"):
        row = page.locator("#result_list tr", has_text=HEADLINE)
        assert row.locator("td.field-status_label").inner_text() == f"Scheduled: {expected}"
        scheduled = page.get_by_role("link", name="Scheduled", exact=True)
        navigate(page, watch, scheduled.click, "scheduled filter")
        assert page.locator("#result_list tbody tr").count() == 1
        shoot(page, "everyday", "story-list-scheduled", widths=(1440,))

    story = make_article(
        headline="Jimo lantern festival draws record crowds", slug="jimo-lantern-festval", city_wide=True
    )

    with step("the editor renames a published story's slug"):
        goto(page, watch, f"{live_server.url}/admin/articles/article/{story.pk}/change/", "story form")
        page.get_by_text("Address and source", exact=True).click()
        page.fill("#id_slug", "jimo-lantern-festival")
        message = save(page, watch, "rename the story")
        assert re.search(r"is published — view on site", message)

    with step("the old address lands on the story"):
        response = goto(page, watch, f"{live_server.url}/stories/jimo-lantern-festval/", "old address")
        assert urlsplit(page.url).path == "/stories/jimo-lantern-festival/"
        assert response.request.redirected_from is not None
        assert page.locator("h1").inner_text() == story.headline
        assert Article.objects.get(pk=story.pk).slug == "jimo-lantern-festival"
        # A new address is not new text: readers are not told the story was updated.
        assert Article.objects.get(pk=story.pk).revised_at is None

    with step("the editor saves a change to the live story as pending; readers keep the live version"):
        goto(page, watch, f"{live_server.url}/admin/articles/article/{story.pk}/change/", "story form")
        page.fill("#id_headline", PENDING_HEADLINE)
        message = save_pending(page, watch)
        assert "saved as pending" in message
        goto(page, watch, f"{live_server.url}/stories/jimo-lantern-festival/", "live story")
        assert page.locator("h1").inner_text() == story.headline

    with step("the pending change is previewed at the private link"):
        goto(page, watch, f"{live_server.url}/admin/articles/article/{story.pk}/change/", "story form")
        assert page.locator("#pending-change").is_visible()
        assert page.input_value("#id_headline") == PENDING_HEADLINE
        shoot(page, "everyday", "story-form-pending", widths=(1440,))
        navigate(page, watch, page.get_by_role("link", name="Preview them (private link)").click, "link page")
        preview_url = page.input_value("#preview-url")
        goto(page, watch, preview_url, "preview")
        assert page.locator("h1").inner_text() == PENDING_HEADLINE
        assert "Preview of pending changes" in page.locator(".preview-banner").first.inner_text()

    with step("the editor publishes it and readers see it"):
        goto(page, watch, f"{live_server.url}/admin/articles/article/{story.pk}/change/", "story form")
        publish = page.get_by_role("button", name="Publish pending changes")
        navigate(page, watch, publish.click, "publish pending changes")
        assert "are published" in page.locator("ul.messagelist li.success").inner_text()
        goto(page, watch, f"{live_server.url}/stories/jimo-lantern-festival/", "live story")
        assert page.locator("h1").inner_text() == PENDING_HEADLINE


def test_phone_header_is_one_row(browser_page, step, live_server):
    page, watch = browser_page
    make_article(headline="Shinan beaches open for summer", regions=[Region.objects.get(slug="shinan")])

    with step("at 390 px the regions are one row under the site name"):
        page.set_viewport_size({"width": 390, "height": 844})
        goto(page, watch, f"{live_server.url}/regions/licang/", "Licang page")
        tops = {round(item.bounding_box()["y"]) for item in page.locator("nav.region-nav li").all()}
        assert len(tops) == 1, f"the region menu wraps onto {len(tops)} rows"
        header = page.locator("header.site-header").bounding_box()
        assert header["height"] <= 100, f"the header takes {header['height']}px"
        shoot(page, "everyday", "phone-header", widths=(390,))
