"""
A tagger tidies the tags: finds the untagged stories, tags two of them at once with
the autocomplete, adds a suggested tag to a story with one click, and merges two
tags that mean the same; a reader's old link to the merged tag still lands.
"""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from articles.models import Article, Tag
from articles.tests.factories import make_article
from articles.workflow import create_roles

from .conftest import PASSWORD
from .support import admin_login, choose_tag, goto, navigate, shoot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CRANES = "Automated cranes arrive at the West Coast port"
LANTERNS = "Jimo old town lights its lanterns"


@pytest.fixture
def tagger(django_user_model):
    create_roles(apps)  # a transactional test empties every table, the groups too
    user = django_user_model.objects.create_user("zhao.tags", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Tagger"))
    return user


@pytest.fixture
def stories():
    return {
        "cranes": make_article(headline=CRANES, body="The cranes were made in Qingdao.", city_wide=True),
        "lanterns": make_article(headline=LANTERNS, body="Crowds filled the old town.", city_wide=True),
        "ties": make_article(headline="Trade fair opens", tags=["Sino-Russia", "Port"], city_wide=True),
        "dash": make_article(headline="Envoys meet", tags=["Sino–Russian ties"], city_wide=True),
        "coast": make_article(headline="Ferry timetable", tags=["West Coast"], city_wide=True),
    }


def pick_rows(page, names):
    for name in names:
        page.get_by_role("checkbox", name=f"Select this object for an action - {name}", exact=True).check()


def run_action(page, watch, label, where):
    page.select_option("select[name=action]", label=label)
    navigate(page, watch, page.locator("button[name=index]").click, where)


def test_tagger_finds_untagged_stories_tags_them_and_merges_two_tags(
    browser_page, step, tagger, stories, live_server
):
    page, watch = browser_page

    with step("sign in as the tagger and list the untagged stories"):
        admin_login(page, watch, live_server.url, tagger.username, PASSWORD)
        goto(page, watch, f"{live_server.url}/admin/articles/article/", "story list")
        navigate(
            page, watch, page.locator("#changelist-filter a", has_text="Untagged").click, "untagged filter"
        )
        rows = page.locator("#result_list tbody tr")
        assert sorted(rows.locator("th a, td.field-headline a").all_inner_texts()) == sorted(
            [CRANES, LANTERNS]
        )
        shoot(page, "tagger", "untagged-stories")

    with step("tag both at once, one existing tag found by autocomplete and one new"):
        pick_rows(page, [CRANES, LANTERNS])
        run_action(page, watch, "Add tags to the selected stories", "add tags form")
        choose_tag(page, "Por", name="Port")
        choose_tag(page, "Night economy")
        shoot(page, "tagger", "add-tags-form")
        navigate(page, watch, page.locator("input[type=submit][value='Add tags']").click, "add the tags")
        message = page.locator("ul.messagelist li.success").inner_text()
        assert "to 2 of 2 selected stories" in message, message
        for key in ("cranes", "lanterns"):
            assert sorted(stories[key].tags.names()) == ["Night economy", "Port"]
        assert Tag.objects.filter(name__iexact="port").count() == 1
        assert page.locator("#result_list tbody tr", has_text=CRANES).count() == 0  # no longer untagged

    with step("add a tag the story mentions with one click"):
        goto(
            page,
            watch,
            f"{live_server.url}/admin/articles/article/{stories['cranes'].pk}/change/",
            "story form",
        )
        suggestion = page.locator(".tag-suggestions button", has_text="West Coast")
        suggestion.click()
        page.locator("#id_tags + .select2 .select2-selection__choice", has_text="West Coast").wait_for()
        shoot(page, "tagger", "story-form-suggestion-added")
        navigate(page, watch, page.locator("input[name=_save]").last.click, "save the story")
        assert page.locator("ul.messagelist li.success").count() == 1, page.locator(
            ".errorlist"
        ).all_inner_texts()
        assert sorted(stories["cranes"].tags.names()) == ["Night economy", "Port", "West Coast"]

    with step("merge two tags that mean the same"):
        goto(page, watch, f"{live_server.url}/admin/articles/tag/", "tag list")
        pick_rows(page, ["Sino-Russia", "Sino–Russian ties"])
        run_action(page, watch, "Merge the selected tags into one", "merge form")
        page.get_by_label("Sino-Russia (1 stories)").check()
        shoot(page, "tagger", "merge-form")
        navigate(page, watch, page.locator("input[type=submit][value='Merge tags']").click, "merge")
        message = page.locator("ul.messagelist li.success").inner_text()
        assert "Merged “Sino–Russian ties” into “Sino-Russia”" in message, message
        assert sorted(Tag.objects.values_list("name", flat=True)) == [
            "Night economy",
            "Port",
            "Sino-Russia",
            "West Coast",
        ]
        assert sorted(stories["dash"].tags.names()) == ["Sino-Russia"]
        shoot(page, "tagger", "tags-after-merge")

    with step("a reader's link to the merged tag lands on the tag that stayed"):
        page.context.clear_cookies()
        goto(page, watch, f"{live_server.url}/tags/sino-russian-ties/", "old tag address")
        assert page.url == f"{live_server.url}/tags/sino-russia/", page.url
        assert page.locator("h1").inner_text() == "Tagged: Sino-Russia"
        assert "2 stories" in page.locator(".tag-count").inner_text()
        published = Article.objects.published().filter(tags__name="Sino-Russia").count()
        assert published == 2
