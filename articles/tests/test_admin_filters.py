"""
The story list's filter sidebar as an editor sees it: each filter's heading, every
choice's label and link, which choice is selected, and the stories each choice lists.
"""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.tests.factories import make_article
from articles.tests.newsroom import CHANGELIST, change_url, newsroom_user, signed_in
from articles.tests.test_admin_status import stories_of_every_state
from regions.models import Region
from regions.tests.test_regions import NAVIGATION_ORDER  # the ten regions, in the site's order

pytestmark = pytest.mark.django_db

Status = Article.Status



def sidebar(response):
    """The filters of the list: {"By status": [(label, link, selected), ...], ...}, in page order."""
    page = response.content.decode()
    filters = {}
    for heading, choices in re.findall(
        r"<details data-filter-title=\"[^\"]*\" open>\s*<summary>(.*?)</summary>(.*?)</details>", page, re.S
    ):
        filters[unescape(heading).strip()] = [
            (unescape(label).strip(), unescape(link), bool(selected))
            for selected, link, label in re.findall(
                r'<li( class="selected")?>\s*<a href="([^"]*)">(.*?)</a></li>', choices, re.S
            )
        ]
    return filters


def listed(response):
    """The headlines the list shows."""
    return {story.headline for story in response.context["cl"].result_list}


def follow(client, link):
    """The list as a click on a filter's link shows it."""
    return client.get(CHANGELIST + link)


def only_selected(choices, label):
    """`choices` as they should be when the one named `label` is the selected one."""
    return [(name, link, name == label) for name, link, _ in choices]


# Status


STATUS_CHOICES = [
    ("All", "?", True),
    ("Draft", "?status=draft", False),
    ("In review", "?status=review", False),
    ("Scheduled", "?status=scheduled", False),
    ("Published", "?status=published", False),
    ("Unpublished", "?status=unpublished", False),
]


def test_the_status_filter_names_each_state_in_words_with_its_link(admin_client):
    assert sidebar(admin_client.get(CHANGELIST))["By status"] == STATUS_CHOICES


@pytest.mark.parametrize(
    "label, expected",
    [
        ("Draft", {"A draft"}),
        ("In review", {"In review"}),
        ("Scheduled", {"Tomorrow's"}),
        ("Published", {"Live"}),
        ("Unpublished", {"Taken down"}),
    ],
)
def test_each_state_of_the_status_filter_lists_its_stories_and_is_shown_chosen(admin_client, label, expected):
    stories_of_every_state()
    link = {name: link for name, link, _ in STATUS_CHOICES}[label]

    response = follow(admin_client, link)

    assert listed(response) == expected
    assert sidebar(response)["By status"] == only_selected(STATUS_CHOICES, label)


# Review


def review_stories():
    make_article(headline="Waiting for an editor", status=Status.IN_REVIEW)
    make_article(headline="Resubmitted", status=Status.IN_REVIEW, review_note="Add a source.")
    make_article(headline="Sent back", published=False, review_note="Please name the district.")
    make_article(headline="A plain draft", published=False)
    make_article(headline="Live with an old note", review_note="Fixed long ago.")
    make_article(headline="Taken down with a note", status=Status.UNPUBLISHED, review_note="Legal asked.")


REVIEW_CHOICES = [
    ("All", "?", True),
    ("Needs review", "?review=needed", False),
    ("Sent back to the author", "?review=sent_back", False),
]


def test_the_review_filter_offers_the_stories_to_review_and_those_sent_back(admin_client):
    review_stories()

    response = admin_client.get(CHANGELIST)

    assert sidebar(response)["By review"] == REVIEW_CHOICES
    assert len(listed(response)) == 6


def test_needs_review_lists_the_stories_in_review_whether_or_not_they_were_sent_back_before(admin_client):
    review_stories()

    response = follow(admin_client, "?review=needed")

    assert listed(response) == {"Waiting for an editor", "Resubmitted"}
    assert sidebar(response)["By review"] == only_selected(REVIEW_CHOICES, "Needs review")


def test_sent_back_lists_the_drafts_with_an_editors_note_and_no_other_story(admin_client):
    """Not a draft without a note, nor a story in review, live or taken down that kept an old note."""
    review_stories()

    response = follow(admin_client, "?review=sent_back")

    assert listed(response) == {"Sent back"}
    assert sidebar(response)["By review"] == only_selected(REVIEW_CHOICES, "Sent back to the author")


# Whose stories


def test_my_stories_lists_only_the_signed_in_users_own(client):
    editor = newsroom_user("editor", "Editor")
    colleague = newsroom_user("colleague", "Journalist")
    make_article(headline="The editor's story", author=editor)
    make_article(headline="A colleague's story", author=colleague)
    make_article(headline="An agency story", author=None)
    signed_in(client, editor)

    everyone = client.get(CHANGELIST)
    assert sidebar(everyone)["By whose stories"] == [("All", "?", True), ("My stories", "?mine=yes", False)]
    assert listed(everyone) == {"The editor's story", "A colleague's story", "An agency story"}

    mine = follow(client, "?mine=yes")
    assert sidebar(mine)["By whose stories"] == [("All", "?", False), ("My stories", "?mine=yes", True)]
    assert listed(mine) == {"The editor's story"}


# Tags


TAGGED_CHOICES = [("All", "?", True), ("Untagged", "?tagged=no", False), ("Tagged", "?tagged=yes", False)]


@pytest.mark.parametrize(
    "label, link, expected",
    [
        ("All", "?", {"Tagged once", "Tagged twice", "Not tagged"}),
        ("Untagged", "?tagged=no", {"Not tagged"}),
        ("Tagged", "?tagged=yes", {"Tagged once", "Tagged twice"}),
    ],
)
def test_the_tags_filter_tells_the_untagged_stories_from_the_tagged(admin_client, label, link, expected):
    make_article(headline="Tagged once", tags=["Harbour"])
    make_article(headline="Tagged twice", tags=["Harbour", "Ferries"])
    make_article(headline="Not tagged")

    assert sidebar(admin_client.get(CHANGELIST))["By tags"] == TAGGED_CHOICES
    response = follow(admin_client, link)

    assert listed(response) == expected
    assert sidebar(response)["By tags"] == only_selected(TAGGED_CHOICES, label)


# Author


def test_the_author_filter_offers_the_staff_by_username_and_lists_each_ones_stories(admin_client):
    """Staff only (not a reader's account), by username as the user admin orders them, not as created."""
    zhang = newsroom_user("zhang", "Journalist")
    bai = newsroom_user("bai", "Journalist")
    reader = newsroom_user("reader")
    reader.is_staff = False
    reader.save()
    admin = admin_client.get(CHANGELIST).wsgi_request.user  # "admin", made before the others
    make_article(headline="Zhang's story", author=zhang)
    make_article(headline="Bai's story", author=bai)

    response = admin_client.get(CHANGELIST)

    assert sidebar(response)["By author"] == [
        ("All", "?", True),
        (admin.username, f"?author__id__exact={admin.pk}", False),
        ("bai", f"?author__id__exact={bai.pk}", False),
        ("zhang", f"?author__id__exact={zhang.pk}", False),
        ("-", "?author__isnull=True", False),
    ]
    assert listed(follow(admin_client, f"?author__id__exact={bai.pk}")) == {"Bai's story"}


# Regions


def region_pk(name):
    return Region.objects.get(name=name).pk


def region_choices(**kept):
    """The regions filter's choices with nothing chosen; `kept`: the other filters, kept by every link."""
    others = "".join(f"&{name}={value}" for name, value in sorted(kept.items()))
    return [
        ("All", "?" + others[1:], True),
        *[(name, f"?regions__id__exact={region_pk(name)}{others}", False) for name in NAVIGATION_ORDER],
        ("City-wide", f"?regions__isnull=True{others}", False),
    ]


def region_stories():
    jimo, laoshan = Region.objects.get(name="Jimo"), Region.objects.get(name="Laoshan")
    make_article(headline="A Jimo story", regions=[jimo])
    make_article(headline="A Laoshan story", regions=[laoshan])
    make_article(headline="Jimo and Laoshan", regions=[jimo, laoshan])
    make_article(headline="A city-wide story")


def test_the_regions_filter_offers_every_region_by_name_and_the_city_wide_stories(admin_client):
    region_stories()

    response = admin_client.get(CHANGELIST)

    assert sidebar(response)["By regions"] == region_choices()
    assert listed(response) == {"A Jimo story", "A Laoshan story", "Jimo and Laoshan", "A city-wide story"}


def test_a_chosen_region_lists_its_stories_once_each_and_is_the_only_choice_selected(admin_client):
    """Its links: All drops the region, another region replaces it, City-wide replaces it."""
    region_stories()

    response = follow(admin_client, f"?regions__id__exact={region_pk('Jimo')}")

    assert [story.headline for story in response.context["cl"].result_list].count("Jimo and Laoshan") == 1
    assert listed(response) == {"A Jimo story", "Jimo and Laoshan"}
    assert sidebar(response)["By regions"] == only_selected(region_choices(), "Jimo")


def test_city_wide_lists_the_stories_without_a_region_and_is_the_only_choice_selected(admin_client):
    """Its links: All drops it, a region replaces it."""
    region_stories()

    response = follow(admin_client, "?regions__isnull=True")

    assert listed(response) == {"A city-wide story"}
    assert sidebar(response)["By regions"] == only_selected(region_choices(), "City-wide")


def test_the_regions_filters_links_keep_the_lists_other_filters(admin_client):
    region_stories()
    make_article(headline="A Jimo draft", regions=[Region.objects.get(name="Jimo")], published=False)

    chosen_and_label = [
        ("", "All"),
        ("&regions__isnull=True", "City-wide"),
        (f"&regions__id__exact={region_pk('Jimo')}", "Jimo"),
    ]
    for chosen, label in chosen_and_label:
        response = admin_client.get(f"{CHANGELIST}?status=draft{chosen}")
        assert sidebar(response)["By regions"] == only_selected(region_choices(status="draft"), label), label

    assert listed(response) == {"A Jimo draft"}


@pytest.mark.parametrize("value", ["True", "1", "true"])
def test_city_wide_as_any_true_value_lists_only_the_stories_without_a_region(admin_client, value):
    region_stories()

    assert listed(admin_client.get(CHANGELIST, {"regions__isnull": value})) == {"A city-wide story"}


@pytest.mark.parametrize("value", ["False", "0", "false"])
def test_not_city_wide_as_any_false_value_lists_only_the_stories_with_a_region(admin_client, value):
    region_stories()

    response = admin_client.get(CHANGELIST, {"regions__isnull": value})

    assert [story.headline for story in response.context["cl"].result_list].count("Jimo and Laoshan") == 1
    assert listed(response) == {"A Jimo story", "A Laoshan story", "Jimo and Laoshan"}


def regions_queries(client):
    with CaptureQueriesContext(connection) as queries:
        client.get(CHANGELIST)
    return [query["sql"] for query in queries if 'FROM "regions_region"' in query["sql"]]


def test_the_regions_filter_reads_the_regions_names_in_one_query_however_many_regions(admin_client):
    assert len(regions_queries(admin_client)) == 1
    Region.objects.create(name="Huangdao", slug="huangdao", position=11)
    Region.objects.create(name="Jiaonan", slug="jiaonan", position=12)

    assert len(regions_queries(admin_client)) == 1
    assert [name for name, _, _ in sidebar(admin_client.get(CHANGELIST))["By regions"]][-3:] == [
        "Huangdao",
        "Jiaonan",
        "City-wide",
    ]


# A story's form


def test_opening_a_story_that_no_longer_exists_goes_back_to_the_admin_home_saying_so(admin_client):
    story = make_article(headline="Deleted meanwhile")
    url, pk = change_url(story), story.pk
    story.delete()

    response = admin_client.get(url, follow=True)

    assert response.redirect_chain == [("/admin/", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"story with ID “{pk}” doesn’t exist. Perhaps it was deleted?"
    ]
