"""The story list and form say what is happening: states, filters, save messages, search by tag (issue 18)."""

import re
from html import unescape
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from articles.admin_status import DateTimePicker
from articles.models import Article, Tag
from articles.tests.factories import make_article
from articles.tests.newsroom import (
    ADD_URL,
    CHANGELIST,
    change_url,
    form_errors,
    newsroom_user,
    signed_in,
    story_data,
)
from regions.models import Region

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
Status = Article.Status


def status_cells(page):
    return re.findall(r'<td class="field-status_label">(.*?)</td>', page)


@pytest.fixture
def editor_client(client):
    return signed_in(client, newsroom_user("editor", "Editor"))


def test_the_story_list_says_each_storys_state_in_words(admin_client):
    make_article(headline="A draft", published=False)
    make_article(headline="In review", status=Status.IN_REVIEW)
    make_article(headline="Live", days_ago=1)
    make_article(headline="Taken down", status=Status.UNPUBLISHED)
    make_article(
        headline="Tomorrow's", published_at=datetime(2099, 11, 30, 8, 0, tzinfo=SHANGHAI)
    )

    page = admin_client.get(CHANGELIST).content.decode()

    assert sorted(status_cells(page)) == sorted(
        ["Draft", "In review", "Published", "Unpublished", "Scheduled: 30 Nov 2099, 08:00 (Asia/Shanghai)"]
    )


def stories_of_every_state():
    """One story in each state the status filter offers, headlined by it."""
    make_article(headline="A draft", published=False)
    make_article(headline="In review", status=Status.IN_REVIEW)
    make_article(headline="Live", days_ago=1)
    make_article(headline="Taken down", status=Status.UNPUBLISHED)
    make_article(headline="Tomorrow's", days_ago=-1)


def test_saving_a_draft_says_it_was_saved_as_a_draft(editor_client):
    response = editor_client.post(ADD_URL, story_data(), follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "“Metro line 6 opens to passengers” was saved as a draft."
    ]


@pytest.mark.parametrize(
    "status, message",
    [
        (Status.IN_REVIEW, "“Metro line 6 opens” was saved and is in review, waiting for an editor."),
        (Status.UNPUBLISHED, "“Metro line 6 opens” was saved; it is unpublished, so readers do not see it."),
    ],
)
def test_saving_a_story_in_review_or_unpublished_says_where_it_stands(editor_client, status, message):
    story = make_article(headline="Metro line 6 opens", city_wide=True, status=status)

    response = editor_client.post(change_url(story), story_data(story), follow=True)

    assert [str(m) for m in response.context["messages"]] == [message]


def test_scheduling_says_for_when_in_the_sites_time_zone(editor_client):
    story = make_article(published=False, headline="Metro line 6 opens", city_wide=True)
    data = story_data(story, status="published", published_at_0="2099-11-30", published_at_1="08:00:00")

    response = editor_client.post(change_url(story), data, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "“Metro line 6 opens” is scheduled for 30 Nov 2099, 08:00 (Asia/Shanghai)."
    ]


def test_publishing_says_so_with_a_link_to_the_story(editor_client):
    story = make_article(published=False, published_at=None, headline="Metro line 6 opens", city_wide=True)

    response = editor_client.post(change_url(story), story_data(story, status="published"), follow=True)

    story.refresh_from_db()
    assert [str(m) for m in response.context["messages"]] == [
        f'“Metro line 6 opens” is published — <a href="{story.get_absolute_url()}">view on site</a>.'
    ]


def test_the_time_picker_takes_any_time(editor_client):
    """The browser's own time input, and a time such as 08:07 is saved as typed."""
    story = make_article(published=False, city_wide=True)
    form = editor_client.get(change_url(story)).content.decode()
    assert re.search(r'<input type="time" name="published_at_1"[^>]*step="1"', form)
    assert re.search(r'<input type="date" name="published_at_0"', form)
    assert "DateTimeShortcuts" not in form or 'class="vTimeField"' not in form

    data = story_data(story, status="published", published_at_0="2099-11-30", published_at_1="08:07")
    response = editor_client.post(change_url(story), data)

    assert response.status_code == 302, form_errors(response)
    story.refresh_from_db()
    assert timezone.localtime(story.published_at).strftime("%Y-%m-%d %H:%M") == "2099-11-30 08:07"
    form = editor_client.get(change_url(story)).content.decode()
    assert re.search(r'<input type="date" name="published_at_0" value="2099-11-30"', form)
    assert re.search(r'<input type="time" name="published_at_1" value="08:07:00"', form)


def test_the_time_picker_gives_the_browser_iso_dates_and_times_in_any_language():
    with translation.override("zh-hans"):
        html = DateTimePicker().render("published_at", datetime(2099, 11, 30, 8, 7))

    assert '<input type="date" name="published_at_0" value="2099-11-30"' in html
    assert '<input type="time" name="published_at_1" value="08:07:00"' in html


def test_the_publication_time_alone_says_it_is_in_the_sites_time_zone(editor_client):
    form = unescape(editor_client.get(ADD_URL).content.decode())

    assert (
        "<div>Shown to readers as the story's date. Left empty, it is set when the story is first published; "
        "a future time schedules the story. Times are in the site's time zone, Asia/Shanghai.</div>"
    ) in form
    assert form.count("Times are in the site's time zone") == 1


def test_the_form_puts_publishing_in_its_own_box_and_folds_slug_and_source(editor_client):
    page = editor_client.get(ADD_URL).content.decode()

    publishing = page.index('class="module aligned newsroom-publishing"')
    assert publishing < page.index('id="id_status"') < page.index('id="id_published_at_0"')
    folded = page.index('class="module aligned collapse newsroom-address"')
    assert folded < page.index('id="id_slug"') < page.index('id="id_source"') < publishing
    # The text first: headline, summary and body come before regions and tags.
    assert page.index('id="id_headline"') < page.index('id="id_body"') < page.index('id="id_tags"')
    assert "Asia/Shanghai" in page  # the time zone the times are in


def test_the_breadcrumb_names_the_newsroom_then_the_stories(admin_client):
    page = admin_client.get(CHANGELIST).content.decode()

    breadcrumb = re.search(r'<div class="breadcrumbs">(.*?)</div>', page, re.S)[1]
    words = re.sub(r"<[^>]+>|\s+", " ", unescape(breadcrumb)).split()
    assert words == ["Home", "›", "Newsroom", "›", "Stories"]


def test_bulk_actions_count_stories_in_good_english(editor_client):
    stories = [make_article(published=False, city_wide=True) for _ in range(2)]

    response = editor_client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [s.pk for s in stories]}, follow=True
    )
    assert "Published 2 stories." in response.content.decode()

    response = editor_client.post(
        CHANGELIST, {"action": "unpublish", "_selected_action": [stories[0].pk]}, follow=True
    )
    assert "Unpublished 1 story." in response.content.decode()


def test_admin_search_finds_stories_by_tag_once_each(admin_client):
    wanted = make_article(headline="Jimo old town at night", tags=["Lanterns", "Lantern making"])
    make_article(headline="Unrelated harbour story", tags=["Harbour"])

    response = admin_client.get(CHANGELIST, {"q": "lantern"})

    assert [story.pk for story in response.context["cl"].result_list] == [wanted.pk]


def test_the_tag_filter_lists_the_most_used_tags_and_finds_any_other_by_name(admin_client):
    for n in range(30):
        Tag.objects.create(name=f"Rare tag {n}")
    common = make_article(headline="Common story", tags=[f"Popular {n}" for n in range(12)])
    rare = make_article(headline="Rare story", tags=["Rare tag 7"])
    make_article(headline="Untagged story")

    page = admin_client.get(CHANGELIST).content.decode()
    listed = re.findall(r'<a href="\?tag=([a-z0-9-]+)"', page)
    assert len(listed) == 10 and "rare-tag-7" not in listed
    assert '<input type="search" name="tag" id="newsroom-tag-filter" value="" placeholder="Tag name">' in page

    found = admin_client.get(CHANGELIST, {"tag": "rare TAG 7"})
    assert [story.pk for story in found.context["cl"].result_list] == [rare.pk]
    chosen = re.findall(r'<li class="selected"><a href="\?tag=([^"]*)">([^<]*)</a>', found.content.decode())
    assert chosen == [("rare+TAG+7", "Rare tag 7")]
    assert 'name="tag" id="newsroom-tag-filter" value="rare TAG 7"' in found.content.decode()  # as typed
    by_link = admin_client.get(CHANGELIST, {"tag": "popular-3"})
    assert [story.pk for story in by_link.context["cl"].result_list] == [common.pk]
    missing = admin_client.get(CHANGELIST, {"tag": "no such tag"})
    assert missing.context["cl"].result_list.count() == 0
    assert '<li class="selected"><a href="?tag=no+such+tag">no such tag</a>' in missing.content.decode()


def test_the_tag_filter_lists_used_tags_only_most_used_first_then_by_name(admin_client):
    Tag.objects.create(name="Aardvarks")
    make_article(tags=["Ferries", "Trams"])
    make_article(tags=["Ferries", "Buses"])

    page = admin_client.get(CHANGELIST).content.decode()

    tag_filter = re.search(r'<details data-filter-title="tag".*?</details>', page, re.S)[0]
    assert re.findall(r'<li[^>]*><a href="([^"]*)">([^<]*)</a></li>', tag_filter) == [
        ("?", "All"),
        ("?tag=ferries", "Ferries"),
        ("?tag=buses", "Buses"),
        ("?tag=trams", "Trams"),
    ]


def test_the_tag_box_keeps_the_other_filters_and_the_search(admin_client):
    make_article(tags=["Tea"])

    jimo, laoshan = (Region.objects.get(slug=slug).pk for slug in ("jimo", "laoshan"))
    query = f"?status=published&regions__id__exact={jimo}&regions__id__exact={laoshan}&q=tea"
    page = admin_client.get(CHANGELIST + query).content.decode()

    form = re.search(r'<form method="get" class="newsroom-tag-filter".*?</form>', page, re.S)[0]
    assert '<input type="hidden" name="status" value="published">' in form
    regions = re.findall(r'<input type="hidden" name="regions__id__exact" value="([^"]*)">', form)
    assert regions == [str(jimo), str(laoshan)]
    assert '<input type="hidden" name="q" value="tea">' in form


def test_the_story_lists_queries_do_not_grow_with_its_tags(admin_client, django_assert_max_num_queries):
    for n in range(5):
        make_article(tags=[f"Tag {n}", f"Other {n}"], published_at=timezone.now() - timedelta(hours=n))
    with django_assert_max_num_queries(30) as few:
        admin_client.get(CHANGELIST)
    for n in range(5, 40):
        make_article(tags=[f"Tag {n}", f"Other {n}"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(CHANGELIST)
