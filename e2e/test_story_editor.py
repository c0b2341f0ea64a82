"""
The story editor (issue 14): rich text with a photo between paragraphs shown in
place to readers; text kept in the browser when a tab closes; a save after the
sign-in expired keeps the text.
"""

import pytest
from django.contrib.sessions.models import Session

from articles.models import Article
from articles.tests.factories import make_article, make_photo
from regions.models import Region

from .conftest import PASSWORD
from .editor import body_value, editor, type_paragraphs
from .support import admin_login, assert_csp_enforced, assert_no_horizontal_overflow, goto, navigate, shoot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def draft_story():
    """A story with a lead photo and a second photo, both already uploaded, and no text yet."""
    article = make_article(
        headline="Laoshan tea growers open their terraces to visitors",
        summary="Tea farms above Shazikou welcome walkers for the spring harvest.",
        body="",
        published=False,
        regions=[Region.objects.get(slug="laoshan")],
    )
    make_photo(article, position=0, caption="Terraces above Shazikou.", credit="Qingdao City News")
    second = make_photo(
        article,
        position=1,
        caption="Picking the first leaves of spring.",
        credit="Photo provided to chinadaily.com.cn",
    )
    return article, second


def open_story(page, watch, live_server, article):
    url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    response = goto(page, watch, url, "story form")
    assert_csp_enforced(response, "story form")
    editor(page)
    return response


def test_a_story_with_subheading_link_list_and_a_placed_photo_reads_in_place(
    browser_page, step, journalist, live_server
):
    page, watch = browser_page
    article, second = draft_story()

    with step("sign in and open the story"):
        admin_login(page, watch, live_server.url, journalist.username, PASSWORD)
        open_story(page, watch, live_server, article)
        watch.assert_clean("editor started under the site's CSP")

    with step("write paragraphs, a subheading and a list"):
        type_paragraphs(page, ["Growers in Laoshan opened their terraces on Saturday."])
        page.keyboard.press("Enter")
        page.keyboard.type("## Where to walk")  # "## " makes a subheading, as the menu does
        page.keyboard.press("Enter")
        page.keyboard.type("- Shazikou terraces")
        page.keyboard.press("Enter")
        page.keyboard.type("Beizhai village")
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")  # out of the list
        page.keyboard.type("Read the farm guide for opening times.")
        page.keyboard.press("Enter")
        page.keyboard.type("Tickets are free until the end of May.")

    with step("place the second photo between the last two paragraphs"):
        editor(page).get_by_text("Read the farm guide for opening times.").click()
        page.keyboard.press("End")
        page.get_by_role("button", name="Place a photo here").click()
        dialog = page.locator("dialog.prose-editor-dialog")
        dialog.get_by_role("button", name="Place").click()
        placed = page.locator(".story-editor__photo")
        placed.wait_for()
        assert placed.count() == 1
        assert "Picking the first leaves of spring." in placed.inner_text()

    with step("make a line a link that opens in a new window"):
        editor(page).get_by_text("Read the farm guide for opening times.").click()
        page.keyboard.press("End")
        page.keyboard.press("Shift+Home")
        page.get_by_role("button", name="insert link").click()
        dialog = page.locator("dialog.prose-editor-dialog")
        dialog.locator("input[name=href]").fill("https://www.qingdao.gov.cn/tea")
        dialog.locator("input[name=openInNewWindow]").check()
        dialog.get_by_role("button", name="Update").click()
        editor(page).locator('a[href="https://www.qingdao.gov.cn/tea"]').wait_for()
        assert "words" in page.locator(".form-row.field-body .story-counter").inner_text()
        shoot(page, "story-editor", "editor-with-photo")
        watch.assert_clean("editing")

    with step("publish and save"):
        page.select_option("#id_status", "published")
        navigate(page, watch, page.locator("input[name=_save]").last.click, "save the story")
        assert page.locator("ul.messagelist li.success").count() == 1

    with step("the body is kept as clean HTML"):
        article.refresh_from_db()
        assert "<h2>Where to walk</h2>" in article.body
        assert "<ul><li><p>Shazikou terraces</p></li><li><p>Beizhai village</p></li></ul>" in article.body
        assert (
            '<a href="https://www.qingdao.gov.cn/tea" target="_blank" rel="noopener">'
            "Read the farm guide for opening times.</a>" in article.body
        )
        assert f'<figure data-photo="{second.pk}"></figure>' in article.body

    with step("the reader's page shows each part in place, the photo with caption and credit"):
        goto(page, watch, article.get_absolute_url(), "story page")
        body = page.locator(".story__body")
        assert body.locator("h2").inner_text() == "Where to walk"
        assert body.locator("ul li").all_inner_texts() == ["Shazikou terraces", "Beizhai village"]
        link = body.get_by_role("link", name="Read the farm guide for opening times.")
        assert link.get_attribute("href") == "https://www.qingdao.gov.cn/tea"
        figure = body.locator("figure.story__photo")
        assert figure.count() == 1
        assert "Picking the first leaves of spring." in figure.inner_text()
        assert "[Photo provided to chinadaily.com.cn]" in figure.inner_text()
        # Between the two paragraphs it was placed between.
        order = body.locator(":scope > *").evaluate_all("(nodes) => nodes.map((n) => n.tagName)")
        assert order[-3:] == ["P", "FIGURE", "P"], order
        assert body.locator(":scope > p").last.inner_text() == "Tickets are free until the end of May."
        # Not repeated after the body; the lead stays on top.
        assert page.locator(".story > figure.story__photo").count() == 1
        shoot(page, "story-editor", "reader-page")
        watch.assert_clean("reader page")


def test_a_tab_closed_mid_edit_offers_the_text_back(browser_page, step, journalist, live_server):
    page, watch = browser_page
    article, _ = draft_story()
    typed = "The harvest festival opens on Saturday with a tea tasting."

    with step("sign in, open the story, type, and close the tab without saving"):
        admin_login(page, watch, live_server.url, journalist.username, PASSWORD)
        open_story(page, watch, live_server, article)
        type_paragraphs(page, [typed])
        page.fill("#id_headline", "Laoshan tea festival opens on Saturday")
        page.wait_for_timeout(600)  # the draft is written 300 ms after the last key
        page.close()

    with step("a new tab on the same story offers the text back"):
        page = page.context.new_page()
        open_story(page, watch, live_server, article)
        offer = page.locator(".story-draft")
        assert "not saved" in offer.inner_text()
        assert page.input_value("#id_headline") == article.headline  # nothing replaced without asking
        shoot(page, "story-editor", "draft-offered")
        page.get_by_role("button", name="Restore them").click()
        assert typed in editor(page).inner_text()
        assert page.input_value("#id_headline") == "Laoshan tea festival opens on Saturday"

    with step("saving clears the kept text: the next visit offers nothing"):
        navigate(page, watch, page.locator("input[name=_save]").last.click, "save the story")
        assert page.locator("ul.messagelist li.success").count() == 1
        article.refresh_from_db()
        assert typed in article.body
        open_story(page, watch, live_server, article)
        assert page.locator(".story-draft").count() == 0
        watch.assert_clean("after saving")


def test_a_save_after_the_sign_in_expired_keeps_the_text(browser_page, step, journalist, live_server):
    page, watch = browser_page
    article, _ = draft_story()
    typed = "Buses to the terraces leave Qingdao Railway Station every hour."

    with step("sign in, open the story and type"):
        admin_login(page, watch, live_server.url, journalist.username, PASSWORD)
        open_story(page, watch, live_server, article)
        type_paragraphs(page, [typed])

    with step("the sign-in expires; Save asks for the password"):
        Session.objects.all().delete()
        navigate(page, watch, page.locator("input[name=_save]").last.click, "save after expiry")
        assert "/admin/login/" in page.url, page.url
        assert typed not in Article.objects.get(pk=article.pk).body

    with step("after signing in the form is back with the text, and saving it works"):
        page.fill("#id_username", journalist.username)
        page.fill("#id_password", PASSWORD)
        navigate(page, watch, lambda: page.click("input[type=submit]"), "sign in again")
        assert f"/admin/articles/article/{article.pk}/change/" in page.url, page.url
        editor(page)
        assert "did not go through" in page.locator(".story-draft").inner_text()
        page.wait_for_function(f"document.querySelector('#id_body').value.includes({typed!r})")
        assert typed in editor(page).inner_text()
        shoot(page, "story-editor", "text-back-after-sign-in")
        navigate(page, watch, page.locator("input[name=_save]").last.click, "save again")
        assert page.locator("ul.messagelist li.success").count() == 1
        assert typed in Article.objects.get(pk=article.pk).body


def test_the_editor_fits_a_phone(phone_page, step, journalist, live_server):
    page, watch = phone_page
    article, _ = draft_story()

    with step("the story form on a 360 px screen: editor, menu and counts without sideways scrolling"):
        admin_login(page, watch, live_server.url, journalist.username, PASSWORD)
        open_story(page, watch, live_server, article)
        type_paragraphs(page, ["Typed on a phone."])
        assert page.locator(".prose-menubar").is_visible()
        assert_no_horizontal_overflow(page, "story form on a phone")
        assert "/ 255 characters" in page.locator(".form-row.field-headline .story-counter").inner_text()
        shoot(page, "story-editor", "editor")
        watch.assert_clean("story form on a phone")
