from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.tests.factories import make_article, make_photo
from regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def laoshan():
    return Region.objects.get(slug="laoshan")


def public_urls(region, tag_slug):
    return [
        reverse("articles:home"),
        region.get_absolute_url(),
        reverse("articles:tag-detail", kwargs={"slug": tag_slug}),
    ]


def test_drafts_and_scheduled_stories_never_leak(client, laoshan):
    """Unpublished and future stories appear on no public page, and their own pages are 404."""
    live = make_article(headline="LIVE-STORY", regions=[laoshan], tags=["tea"])
    draft = make_article(headline="DRAFT-STORY", regions=[laoshan], tags=["tea"], published=False)
    scheduled = make_article(headline="SCHEDULED-STORY", regions=[laoshan], tags=["tea"], days_ago=-2)

    for url in public_urls(laoshan, "tea"):
        page = client.get(url).content.decode()
        assert "LIVE-STORY" in page, url
        assert "DRAFT-STORY" not in page, url
        assert "SCHEDULED-STORY" not in page, url
    assert client.get(live.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_staff_with_change_permission_can_preview_a_draft(client):
    draft = make_article(headline="Embargoed budget story", published=False)
    editor = User.objects.create_user("editor", password="pw", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(editor)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assert "Preview: readers cannot see this story yet" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


def test_staff_without_change_permission_cannot_preview(client):
    draft = make_article(published=False)
    client.force_login(User.objects.create_user("intern", password="pw", is_staff=True))
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_article_page_shows_everything_a_reader_needs(client, laoshan):
    article = make_article(
        headline="Tea harvest begins in Laoshan",
        byline="By Zhang Yi",
        source="chinadaily.com.cn",
        body="Para one.\n\nPara two.\n\nPara three.",
        regions=[laoshan],
        tags=["Tea", "Farming"],
        published_at=timezone.make_aware(timezone.datetime(2025, 5, 26, 9, 30)),
    )
    make_photo(article, position=0, caption="Pickers at work.", credit="Photo by Wang Lei", alt_text="Tea pickers")
    make_photo(article, position=1, caption="Fresh leaves.", credit="Photo by Li Na", alt_text="Tea leaves")

    response = client.get(article.get_absolute_url())
    page = response.content.decode()

    assert response.status_code == 200
    assert "<h1 class=\"story__headline\">Tea harvest begins in Laoshan</h1>" in page
    assert "By Zhang Yi" in page and "chinadaily.com.cn" in page
    assert '<a href="/archive/2025/5/26/">2025-05-26</a> 09:30' in page
    assert page.count("<figure") == 2
    assert "Pickers at work." in page and "[Photo by Wang Lei]" in page and 'alt="Tea pickers"' in page
    assert "[Photo by Li Na]" in page
    assert "<p>Para one.</p>" in page and "<p>Para three.</p>" in page
    assert reverse("articles:tag-detail", kwargs={"slug": "tea"}) in page
    assert laoshan.get_absolute_url() in page


def test_html_typed_by_journalists_is_rendered_inert(client, laoshan):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    article = make_article(
        headline=f"Headline {attack}",
        summary=f"Summary {attack}",
        body=f"Body {attack}\n\nMore",
        byline=f"By {attack}",
        source=attack,
        regions=[laoshan],
        tags=["safe"],
    )
    make_photo(article, caption=f"Caption {attack}", credit=attack, alt_text=f'alt" onload="alert(1)')

    for url in [article.get_absolute_url(), *public_urls(laoshan, "safe")]:
        page = client.get(url).content.decode()
        assert "<script>alert" not in page, url
        assert "<img src=x" not in page, url
        assert 'onload="alert' not in page, url
    page = client.get(article.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


@pytest.mark.parametrize("page", ["0", "3", "-1", "abc", "99999999999999999999", "1.5"])
def test_out_of_range_or_junk_page_numbers_are_404(client, laoshan, page):
    for _ in range(21):
        make_article(regions=[laoshan])
    assert client.get(laoshan.get_absolute_url(), {"page": page}).status_code == 404


def test_region_pages_paginate_twenty_newest_first(client, laoshan):
    stories = [make_article(regions=[laoshan], days_ago=day) for day in range(1, 42)]
    first = client.get(laoshan.get_absolute_url())
    third = client.get(laoshan.get_absolute_url(), {"page": "3"})
    last = client.get(laoshan.get_absolute_url(), {"page": "last"})

    assert list(first.context["articles"]) == stories[:20]
    assert list(third.context["articles"]) == stories[40:]
    assert list(last.context["articles"]) == stories[40:]
    assert 'href="?page=2"' in first.content.decode()
    assert 'rel="next"' not in third.content.decode()


def test_empty_region_page_is_200(client, laoshan):
    response = client.get(laoshan.get_absolute_url())
    assert response.status_code == 200
    assert "No stories here yet." in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/regions/atlantis/", "/tags/no-such-tag/", "/stories/no-such-story/", "/regions/%E2%98%83/", "/tags/x/?page=2"],
)
def test_unknown_things_in_urls_are_404(client, url):
    make_article(tags=["x"])
    assert client.get(url).status_code == 404


def test_region_page_lists_only_that_regions_stories(client, laoshan):
    mine = make_article(headline="MINE", regions=[laoshan])
    make_article(headline="OTHER", regions=[Region.objects.get(slug="jimo")])
    make_article(headline="CITYWIDE")
    response = client.get(laoshan.get_absolute_url())
    assert list(response.context["articles"]) == [mine]


def test_home_shows_latest_and_each_regions_latest_few(client, laoshan):
    jimo = Region.objects.get(slug="jimo")
    make_article(headline="Laoshan one", regions=[laoshan], days_ago=3)
    make_article(headline="Jimo one", regions=[jimo], days_ago=2)
    make_article(headline="City-wide one", days_ago=1)

    response = client.get("/")

    assert [a.headline for a in response.context["latest_articles"]] == ["City-wide one", "Jimo one", "Laoshan one"]
    sections = [(region.slug, [a.headline for a in stories]) for region, stories in response.context["region_sections"]]
    assert sections == [("jimo", ["Jimo one"]), ("laoshan", ["Laoshan one"])]  # navigation order


def test_every_page_has_the_region_navigation(client, laoshan):
    article = make_article(regions=[laoshan], tags=["tea"])
    for url in [*public_urls(laoshan, "tea"), article.get_absolute_url()]:
        page = client.get(url).content.decode()
        assert 'aria-label="Regions"' in page
        for region in Region.objects.all():
            assert f'href="{region.get_absolute_url()}"' in page


def test_a_tag_used_only_on_drafts_has_no_page(client):
    make_article(tags=["secret-merger"], published=False)
    make_article(tags=["secret-merger"], days_ago=-1)
    assert client.get(reverse("articles:tag-detail", kwargs={"slug": "secret-merger"})).status_code == 404


def test_tag_page_lists_each_story_once(client):
    story = make_article(tags=["Tea", "Harvest"])
    response = client.get(reverse("articles:tag-detail", kwargs={"slug": "tea"}))
    assert list(response.context["articles"]) == [story]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def fill(count, region, tag):
    for _ in range(count):
        article = make_article(regions=[region, Region.objects.get(slug="jimo")], tags=[tag, "extra", "more"])
        make_photo(article, position=0)
        make_photo(article, position=1)


@pytest.mark.parametrize("url_name", ["home", "region", "tag", "article"])
def test_listing_pages_make_a_fixed_number_of_queries(client, laoshan, url_name):
    """Three stories or thirty: the same number of SQL queries (photos, tags and regions are prefetched)."""

    def url():
        return {
            "home": "/",
            "region": laoshan.get_absolute_url(),
            "tag": reverse("articles:tag-detail", kwargs={"slug": "tea"}),
            "article": Article.objects.first().get_absolute_url(),
        }[url_name]

    fill(3, laoshan, "tea")
    few = count_queries(client, url())
    fill(27, laoshan, "tea")
    many = count_queries(client, url())
    assert few == many
    assert many <= 12


def test_listing_query_counts_are_pinned(client, laoshan, django_assert_num_queries):
    """The exact budget, so a new per-page query is a conscious decision."""
    fill(5, laoshan, "tea")
    # region lookup, count, stories (with their card data), navigation
    with django_assert_num_queries(4):
        client.get(laoshan.get_absolute_url())
    # ranked (region, story) pairs, their headlines, latest stories (with their card data),
    # regions for the sections, navigation
    with django_assert_num_queries(5):
        client.get("/")


def test_future_publication_time_shows_nowhere_until_it_comes(client, laoshan):
    article = make_article(headline="Scheduled", regions=[laoshan], days_ago=-1)
    assert client.get(article.get_absolute_url()).status_code == 404
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    assert client.get(article.get_absolute_url()).status_code == 200


def test_story_page_suggests_more_from_its_region(client, laoshan):
    older = make_article(headline="Older Laoshan story", regions=[laoshan], days_ago=5)
    make_article(headline="Jimo story", regions=[Region.objects.get(slug="jimo")], days_ago=4)
    make_article(headline="Draft Laoshan story", regions=[laoshan], published=False)
    story = make_article(headline="Main Laoshan story", regions=[laoshan], days_ago=1)

    page = client.get(story.get_absolute_url()).content.decode()
    more = page[page.index('class="more-stories"'):]

    assert "More from" in more and older.get_absolute_url() in more
    assert "Jimo story" not in more
    assert "Draft Laoshan story" not in more
    assert story.get_absolute_url() not in more


def test_city_wide_story_suggests_the_latest_news(client):
    other = make_article(headline="Another story", days_ago=3)
    story = make_article(headline="City-wide story", days_ago=1)
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Latest news" in page and other.get_absolute_url() in page


def test_story_page_names_its_canonical_address(client):
    story = make_article()
    page = client.get(story.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="http://testserver{story.get_absolute_url()}">' in page
