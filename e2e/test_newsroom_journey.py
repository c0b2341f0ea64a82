"""
The newsroom at work: a journalist submits a story, an editor sends it back with
a note, the journalist fixes it and resubmits, the editor publishes it, a tagger
tags it, and a reader sees it.
"""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from articles.models import Article
from articles.workflow import create_roles

from .conftest import PASSWORD
from .editor import add_paragraph, type_paragraphs
from .support import admin_login, choose_tag, goto, navigate, shoot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADLINE = "Jiaozhou airport adds night flights to Seoul"
NOTE = "Please say which airline runs the flights and from which date."
FIX = "Shandong Airlines will run the flights from 1 July."


@pytest.fixture
def newsroom(django_user_model):
    """One user per role; the groups are made again since a transactional test empties every table."""
    create_roles(apps)
    users = {}
    for role, username in [("Journalist", "li.na"), ("Editor", "chen.editor"), ("Tagger", "zhao.tags")]:
        user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        users[role] = user
    return users


def sign_in_as(page, watch, live_server, user):
    page.context.clear_cookies()
    admin_login(page, watch, live_server.url, user.username, PASSWORD)


def open_story(page, watch, live_server, story):
    goto(page, watch, f"{live_server.url}/admin/articles/article/{story.pk}/change/", "story form")


def save(page, watch, where):
    navigate(page, watch, page.locator("input[name=_save]").last.click, where)
    success = page.locator("ul.messagelist li.success")
    assert success.count() == 1, page.locator(".errorlist").all_inner_texts() or page.content()[:2000]


def test_journalist_editor_tagger_and_reader(browser_page, step, newsroom, live_server):
    page, watch = browser_page

    with step("the journalist writes the story and submits it for review"):
        sign_in_as(page, watch, live_server, newsroom["Journalist"])
        goto(page, watch, f"{live_server.url}/admin/articles/article/add/", "add story form")
        assert page.locator("#id_published_at_0").count() == 0  # journalists do not set the time
        page.fill("#id_headline", HEADLINE)
        page.fill("#id_summary", "Three flights a week from July.")
        type_paragraphs(page, ["The airport announced the route on Monday."])
        page.locator("#id_regions").get_by_label("Jiaozhou", exact=True).check()
        assert page.locator("#id_status option").all_inner_texts() == ["Draft", "In review"]
        page.select_option("#id_status", "review")
        save(page, watch, "submit the story")
        story = Article.objects.get()
        assert (story.status, story.author) == (Article.Status.IN_REVIEW, newsroom["Journalist"])

    with step("the editor finds it under 'Needs review' and sends it back with a note"):
        sign_in_as(page, watch, live_server, newsroom["Editor"])
        goto(page, watch, f"{live_server.url}/admin/articles/article/", "story list")
        navigate(page, watch, page.get_by_role("link", name="Needs review").click, "needs review filter")
        navigate(page, watch, page.get_by_role("link", name=HEADLINE).click, "story form")
        page.select_option("#id_status", "draft")
        page.fill("#id_send_back_note", NOTE)
        save(page, watch, "send the story back")
        story.refresh_from_db()
        assert (story.status, story.review_note) == (Article.Status.DRAFT, NOTE)
        shoot(page, "newsroom", "editor-sent-back")

    with step("the journalist reads the note, fixes the story and submits it again"):
        sign_in_as(page, watch, live_server, newsroom["Journalist"])
        open_story(page, watch, live_server, story)
        assert NOTE in page.locator("#review-note").inner_text()
        shoot(page, "newsroom", "journalist-sees-note")
        add_paragraph(page, FIX)
        page.select_option("#id_status", "review")
        save(page, watch, "resubmit the story")
        story.refresh_from_db()
        assert story.status == Article.Status.IN_REVIEW and FIX in story.body

    with step("the editor publishes it"):
        sign_in_as(page, watch, live_server, newsroom["Editor"])
        open_story(page, watch, live_server, story)
        page.select_option("#id_status", "published")
        save(page, watch, "publish the story")
        story.refresh_from_db()
        assert story.is_published

    with step("the editor compares the last two versions in the story's history"):
        open_story(page, watch, live_server, story)
        navigate(page, watch, page.get_by_role("link", name="History").click, "story history")
        assert page.locator("table.newsroom-history tbody tr").count() == 4
        compare = page.get_by_role("button", name="Compare the two chosen versions")
        navigate(page, watch, compare.click, "compare two versions")
        status_row = page.locator("table.newsroom-diff tr", has_text="Status")
        removed, added = status_row.locator("del").inner_text(), status_row.locator("ins").inner_text()
        assert (removed, added) == ("In review", "Published")
        shoot(page, "newsroom", "editor-compares-versions")

    with step("the tagger tags it and can change nothing else"):
        sign_in_as(page, watch, live_server, newsroom["Tagger"])
        open_story(page, watch, live_server, story)
        assert page.locator("#id_headline").count() == 0
        assert page.locator("#id_status").count() == 0
        choose_tag(page, "Aviation")
        choose_tag(page, "Korea")
        save(page, watch, "tag the story")
        story.refresh_from_db()
        assert sorted(story.tags.names()) == ["Aviation", "Korea"]
        assert story.headline == HEADLINE and story.is_published

    with step("a reader sees the story with its tags"):
        page.context.clear_cookies()
        goto(page, watch, f"{live_server.url}{story.get_absolute_url()}", "story page")
        assert page.locator("h1.story__headline").inner_text() == HEADLINE
        assert FIX in page.locator(".story__body").inner_text()
        assert page.locator(".preview-banner").count() == 0
        assert sorted(page.locator(".tag-list a").all_inner_texts()) == ["Aviation", "Korea"]
        shoot(page, "newsroom", "reader-story")
