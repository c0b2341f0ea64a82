"""The anonymous page cache: hits, who is never cached, invalidation by every kind of edit, HTTP caching."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_migrate
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Tag
from articles.preview import preview_link
from articles.tests.factories import image_upload, make_article, make_photo
from articles.tests.newsroom import management, story_data
from pagecache.cache import (
    ReaderPage,
    bump_generation,
    bump_generation_on_commit,
    connect_invalidation,
    current_generation,
    next_publication,
    finish_reader_response,
    reader_page,
)
from regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE = True
    settings.PAGE_MAX_AGE = 30
    settings.PAGE_S_MAXAGE = 120
    settings.PAGE_STALE_WHILE_REVALIDATE = 45
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a transaction runs when it commits (the test's own transaction never does)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def laoshan():
    return Region.objects.get(slug="laoshan")


@pytest.fixture
def story(laoshan, committed):
    with committed():
        article = make_article(headline="Tea harvest begins", regions=[laoshan], tags=["Tea"])
        make_photo(article, caption="Pickers at dawn")
    return article


def reader_urls(story):
    day = timezone.localtime(story.published_at)
    return [
        reverse("articles:home"),
        reverse("regions:region-detail", kwargs={"slug": "laoshan"}),
        reverse("articles:tag-detail", kwargs={"slug": "tea"}),
        story.get_absolute_url(),
        reverse("articles:archive-year", kwargs={"year": day.year}),
        reverse("articles:archive-month", kwargs={"year": day.year, "month": day.month}),
        reverse("articles:archive-day", kwargs={"year": day.year, "month": day.month, "day": day.day}),
        reverse("articles:archive"),
        reverse("articles:tag-index"),
        reverse("articles:correction-list"),
    ]


def discovery_urls():
    """The reader pages issue 11 added: search, feeds, sitemaps, robots.txt."""
    return [
        "/search/?q=tea",
        "/feed/",
        "/feed/atom/",
        "/regions/laoshan/feed/",
        "/tags/tea/feed/",
        "/sitemap.xml",
        "/sitemap-stories.xml",
        "/news-sitemap.xml",
        "/robots.txt",
    ]


def warm(client, urls):
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url


def test_a_reader_page_is_served_from_the_cache_without_a_query(client, story, django_assert_num_queries):
    """The second anonymous request of each reader page is a hit that touches no database."""
    for url in reader_urls(story):
        first = client.get(url)
        assert first.status_code == 200, url
        assert first["X-Page-Cache"] == "miss"
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second["X-Page-Cache"] == "hit", url
        assert second.content == first.content
        assert second["ETag"] == first["ETag"]
        assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_search_feeds_sitemaps_and_robots_are_cached_and_follow_edits(client, story, committed):
    for url in discovery_urls():
        first = client.get(url)
        assert first.status_code == 200, url
        second = client.get(url)
        assert second["X-Page-Cache"] == "hit", url
        assert second.content == first.content and not second.cookies, url
        assert "public" in second["Cache-Control"] and second["ETag"], url
    assert client.get("/search/?q=tea&utm_source=x")["X-Page-Cache"] == "hit"
    assert client.get("/search/?q=harbour")["X-Page-Cache"] == "miss"

    with committed():
        story.headline = "Tea harvest begins early"
        story.save()

    for url in discovery_urls()[:5]:
        assert "begins early" in client.get(url).content.decode(), url  # search highlights "Tea"
    assert "tea-harvest-begins" in client.get("/sitemap-stories.xml").content.decode()


def test_head_requests_are_served_from_the_cache(client, story):
    client.get("/")
    assert client.head("/")["X-Page-Cache"] == "hit"


def test_tracking_parameters_share_an_entry_and_pages_do_not(client, story):
    client.get("/regions/laoshan/")
    assert client.get("/regions/laoshan/?utm_source=wechat&utm_medium=share")["X-Page-Cache"] == "hit"
    assert client.get("/regions/laoshan/?page=2")["X-Page-Cache"] == "miss"


def test_reader_pages_set_no_cookies_and_are_shareable(client, story):
    """No session or CSRF cookie, so a CDN may keep them; Cache-Control from the settings; Vary Cookie."""
    for url in reader_urls(story):
        for response in (client.get(url), client.get(url)):
            assert not response.cookies, url
            assert "Set-Cookie" not in response.headers, url
            control = {part.strip() for part in response["Cache-Control"].split(",")}
            assert control == {"public", "max-age=30", "s-maxage=120", "stale-while-revalidate=45"}, url
            assert "Cookie" in {part.strip() for part in response["Vary"].split(",")}, url
            assert response["ETag"] and response["Last-Modified"], url


def test_a_missing_story_is_a_cached_404_until_it_is_published(client, committed):
    with committed():
        draft = make_article(headline="Budget embargoed", published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(draft.get_absolute_url())["X-Page-Cache"] == "hit"

    with committed():
        draft.status = Article.Status.PUBLISHED
        draft.save()

    assert client.get(draft.get_absolute_url()).status_code == 200


# --- Never cached: staff, previews, the admin --------------------------------------------


@pytest.fixture
def editor():
    user = User.objects.create_user("editor", password="editor-password-1234", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["change_article", "view_article"]))
    return user


def test_signed_in_staff_are_never_served_from_the_cache_nor_stored(client, story, editor):
    anonymous_page = client.get("/").content
    staff = type(client)()
    staff.force_login(editor)

    response = staff.get("/")

    assert response["X-Page-Cache"] == "bypass"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert response.content == anonymous_page  # the same page, rendered for them
    cache.clear()
    staff.get(story.get_absolute_url())
    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "miss"


def test_a_preview_is_private_and_never_stored(client, editor, committed):
    with committed():
        draft = make_article(headline="Embargoed budget story", published=False)
    staff = type(client)()
    staff.force_login(editor)

    preview = staff.get(draft.get_absolute_url())

    assert preview.status_code == 200
    assert "Preview: readers cannot see this story yet" in preview.content.decode()
    assert "private" in preview["Cache-Control"] and "no-store" in preview["Cache-Control"]
    reader = client.get(draft.get_absolute_url())
    assert reader.status_code == 404
    assert "Embargoed" not in reader.content.decode()


def test_a_preview_link_is_private_and_never_stored(client, committed):
    with committed():
        draft = make_article(headline="Embargoed budget story", published=False)
    link, _ = preview_link(draft)

    for _ in range(2):
        response = client.get(link)
        assert response.status_code == 200
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        assert "X-Page-Cache" not in response
    assert not [key for key in cache._cache if "pagecache:page" in key]


def test_the_admin_is_private_and_no_store(admin_client):
    for url in [reverse("admin:index"), reverse("admin:articles_article_changelist")]:
        control = admin_client.get(url)["Cache-Control"]
        assert "private" in control and "no-store" in control, url
    assert "no-store" in type(admin_client)().get(reverse("admin:login"))["Cache-Control"]


# --- Invalidation: every kind of edit, through the admin ----------------------------------


def story_form(article, **overrides):
    """The story's change form as the admin posts it, with its photo rows."""
    data = story_data(article)
    photos = list(article.photos.all())
    data.update(management("photos", total=len(photos), initial=len(photos)))
    for index, photo in enumerate(photos):
        data.update(
            {
                f"photos-{index}-id": photo.pk,
                f"photos-{index}-article": article.pk,
                f"photos-{index}-caption": photo.caption,
                f"photos-{index}-credit": photo.credit,
                f"photos-{index}-alt_text": photo.alt_text,
                f"photos-{index}-position": photo.position,
            }
        )
    data.update(overrides)
    return data


def change_story(admin_client, article, **overrides):
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = admin_client.post(url, story_form(article, **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]


def test_publishing_a_new_story_in_the_admin_shows_it_everywhere_at_once(
    admin_client, client, story, laoshan, committed
):
    urls = reader_urls(story)[:3]
    warm(client, urls)
    data = story_data(
        headline="Ferry timetable changes", status="published", tags="Tea", regions=[laoshan.pk], city_wide=False
    )

    with committed():
        assert admin_client.post(reverse("admin:articles_article_add"), data).status_code == 302

    for url in urls:
        assert "Ferry timetable changes" in client.get(url).content.decode(), url


@pytest.mark.parametrize(
    "edit, seen, gone",
    [
        ({"headline": "Tea harvest begins early"}, "Tea harvest begins early", None),
        ({"summary": "Warm spring, early leaves."}, "Warm spring, early leaves.", None),
        ({"status": "unpublished"}, None, "Tea harvest begins"),
        ({"published_at_0": "2999-01-01"}, None, "Tea harvest begins"),
        ({"photos-0-caption": "Pickers at noon"}, "Pickers at noon", "Pickers at dawn"),
        ({"photos-0-DELETE": "on"}, None, "Pickers at dawn"),
        ({"tags": "Tea, Harvest"}, "Harvest", None),
    ],
)
def test_each_story_edit_in_the_admin_shows_at_once(admin_client, client, story, committed, edit, seen, gone):
    urls = reader_urls(story)[:4]
    warm(client, urls)

    with committed():
        change_story(admin_client, story, **edit)

    story_page = client.get(story.get_absolute_url()).content.decode()
    home = client.get("/").content.decode()
    if seen:
        assert seen in story_page
    if gone:
        assert gone not in story_page and gone not in home


def test_adding_a_photo_in_the_admin_shows_it_at_once(admin_client, client, story, committed):
    warm(client, [story.get_absolute_url()])
    data = story_form(story)
    data.update(
        {
            "photos-TOTAL_FORMS": "2",
            "photos-1-image": image_upload("harbour.jpg"),
            "photos-1-caption": "The harbour at dusk",
            "photos-1-alt_text": "Boats in the harbour",
            "photos-1-position": "5",
        }
    )
    with committed():
        response = admin_client.post(reverse("admin:articles_article_change", args=[story.pk]), data)
    assert response.status_code == 302

    assert "The harbour at dusk" in client.get(story.get_absolute_url()).content.decode()


def test_moving_a_story_to_another_region_in_the_admin_moves_it_at_once(admin_client, client, story, committed):
    jimo = Region.objects.get(slug="jimo")
    warm(client, ["/regions/laoshan/", "/regions/jimo/"])

    with committed():
        change_story(admin_client, story, regions=[jimo.pk])

    assert "Tea harvest begins" not in client.get("/regions/laoshan/").content.decode()
    assert "Tea harvest begins" in client.get("/regions/jimo/").content.decode()


def test_a_correction_added_in_the_admin_shows_at_once(admin_client, client, story, committed):
    warm(client, [story.get_absolute_url(), reverse("articles:correction-list")])
    data = story_form(story)
    data.update(
        {
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-created_at_0": "2025-05-27",
            "corrections-0-created_at_1": "10:00:00",
            "corrections-0-text": "An earlier version misspelt the village.",
        }
    )
    with committed():
        response = admin_client.post(reverse("admin:articles_article_change", args=[story.pk]), data)
    assert response.status_code == 302

    for url in [story.get_absolute_url(), reverse("articles:correction-list")]:
        assert "misspelt the village" in client.get(url).content.decode(), url


def test_deleting_a_story_in_the_admin_removes_it_at_once(admin_client, client, story, committed):
    urls = reader_urls(story)[:4]
    warm(client, urls)

    with committed():
        admin_client.post(reverse("admin:articles_article_delete", args=[story.pk]), {"post": "yes"})

    assert client.get(story.get_absolute_url()).status_code == 404
    assert "Tea harvest begins" not in client.get("/").content.decode()


@pytest.mark.parametrize("action, visible", [("unpublish", False), ("publish", True)])
def test_the_publish_and_unpublish_actions_show_at_once(admin_client, client, committed, laoshan, action, visible):
    with committed():
        article = make_article(headline="Night market reopens", regions=[laoshan], published=action == "unpublish")
    warm(client, ["/", article.get_absolute_url()])

    with committed():
        admin_client.post(
            reverse("admin:articles_article_changelist"), {"action": action, "_selected_action": [article.pk]}
        )

    assert ("Night market reopens" in client.get("/").content.decode()) is visible
    assert client.get(article.get_absolute_url()).status_code == (200 if visible else 404)


def test_editing_a_region_in_the_admin_shows_at_once(admin_client, client, story, laoshan, committed):
    warm(client, ["/", "/regions/laoshan/", story.get_absolute_url()])
    data = {
        "name": "Laoshan District",
        "slug": "laoshan",
        "local_name": laoshan.local_name,
        "description": "Mountains, tea and the sea.",
        "position": laoshan.position,
    }
    with committed():
        response = admin_client.post(reverse("admin:regions_region_change", args=[laoshan.pk]), data)
    assert response.status_code == 302

    assert "Mountains, tea and the sea." in client.get("/regions/laoshan/").content.decode()
    for url in ["/", story.get_absolute_url()]:
        assert "Laoshan District" in client.get(url).content.decode(), url


def test_renaming_a_tag_in_the_admin_shows_at_once(admin_client, client, story, committed):
    tag = Tag.objects.get(slug="tea")
    warm(client, [story.get_absolute_url(), "/tags/tea/"])

    with committed():
        response = admin_client.post(
            reverse("admin:articles_tag_change", args=[tag.pk]), {"name": "Green tea", "slug": "tea"}
        )
    assert response.status_code == 302

    assert "Green tea" in client.get(story.get_absolute_url()).content.decode()
    # A renamed tag takes the new name's address; the cached page at the old one is not served.
    old_address = client.get("/tags/tea/")
    assert old_address.status_code == 301
    assert "Green tea" in client.get(old_address["Location"]).content.decode()


def test_deleting_a_tag_in_the_admin_shows_at_once(admin_client, client, story, committed):
    tag = Tag.objects.get(slug="tea")
    warm(client, [story.get_absolute_url(), "/tags/tea/"])

    with committed():
        admin_client.post(reverse("admin:articles_tag_delete", args=[tag.pk]), {"post": "yes"})

    assert 'rel="tag"' not in client.get(story.get_absolute_url()).content.decode()
    assert client.get("/tags/tea/").status_code == 404


def test_a_rolled_back_write_leaves_the_cache_alone(client, story, committed):
    warm(client, ["/"])
    with committed():
        with pytest.raises(RuntimeError), transaction.atomic():
            story.headline = "Never saved"
            story.save()
            raise RuntimeError("the editor's save failed")
    assert client.get("/")["X-Page-Cache"] == "hit"

    with committed():
        bump_generation_on_commit()
    assert client.get("/")["X-Page-Cache"] == "miss"


# --- Scheduled stories ----------------------------------------------------------------------


def test_a_scheduled_story_appears_at_its_time_under_the_cache(client, laoshan, committed):
    """No entry outlives the next scheduled publication, with no write at that time."""
    start = timezone.now()
    with committed():
        make_article(headline="Already out", regions=[laoshan], tags=["Tea"])
        scheduled = make_article(
            headline="Out at nine", regions=[laoshan], tags=["Tea"], published_at=start + timedelta(hours=1)
        )
    urls = ["/", "/regions/laoshan/", "/tags/tea/", scheduled.get_absolute_url()]

    with mock.patch("django.utils.timezone.now", return_value=start):
        for url in urls:
            client.get(url)
        assert client.get("/")["X-Page-Cache"] == "hit"
        assert "Out at nine" not in client.get("/").content.decode()
        assert client.get(scheduled.get_absolute_url()).status_code == 404

    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=59, seconds=59)):
        assert client.get("/")["X-Page-Cache"] == "hit"

    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(hours=1)):
        for url in urls[:3]:
            assert "Out at nine" in client.get(url).content.decode(), url
        assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_the_next_publication_is_read_from_the_database_once_per_generation(django_assert_num_queries):
    start = timezone.now()
    at_two = make_article(published_at=start + timedelta(hours=2)).published_at
    generation = current_generation()
    with django_assert_num_queries(1):
        assert next_publication(generation, cache) == at_two.timestamp()
    with django_assert_num_queries(0):
        assert next_publication(generation, cache) == at_two.timestamp()

    # A story scheduled sooner is a write: the new generation reads the schedule again.
    at_one = make_article(published_at=start + timedelta(hours=1)).published_at
    bump_generation()
    assert next_publication(current_generation(), cache) == at_one.timestamp()


def test_once_the_next_publication_comes_the_one_after_it_is_read():
    start = timezone.now()
    # Minutes apart: the known time is still in the cache when it comes.
    at_one = make_article(published_at=start + timedelta(minutes=1)).published_at
    at_two = make_article(published_at=start + timedelta(minutes=2)).published_at
    generation = current_generation()
    assert next_publication(generation, cache) == at_one.timestamp()
    with time_machine.travel(at_one, tick=False):
        assert next_publication(generation, cache) == at_two.timestamp()


def test_the_known_next_publication_is_kept_for_page_cache_seconds(settings, django_assert_num_queries):
    """Not forever: each generation leaves its own entry behind."""
    settings.PAGE_CACHE_SECONDS = 1000
    start = timezone.now()
    at_two = make_article(published_at=start + timedelta(hours=2)).published_at
    with time_machine.travel(start, tick=False):
        generation = current_generation()
        next_publication(generation, cache)
    with time_machine.travel(start + timedelta(seconds=999), tick=False), django_assert_num_queries(0):
        assert next_publication(generation, cache) == at_two.timestamp()
    with time_machine.travel(start + timedelta(seconds=1001), tick=False), django_assert_num_queries(1):
        assert next_publication(generation, cache) == at_two.timestamp()


def test_the_generation_never_expires_by_itself():
    generation = current_generation()
    with time_machine.travel(timezone.now() + timedelta(days=30), tick=False):
        assert current_generation() == generation


# --- Conditional GET -------------------------------------------------------------------------


@pytest.mark.parametrize("page_cache", [True, False])
def test_revalidation_answers_304(client, story, settings, page_cache):
    settings.PAGE_CACHE = page_cache
    for url in reader_urls(story):
        first = client.get(url)
        etag, last_modified = first["ETag"], first["Last-Modified"]

        by_etag = client.get(url, headers={"If-None-Match": etag})
        assert by_etag.status_code == 304, url
        assert by_etag.content == b""
        assert by_etag["ETag"] == etag
        if page_cache:
            assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304, url
        assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_an_edit_changes_the_etag(client, story, committed):
    etag = client.get(story.get_absolute_url())["ETag"]
    with committed():
        story.headline = "Tea harvest begins, pickers say"
        story.save()
    response = client.get(story.get_absolute_url(), headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_a_view_marked_as_a_reader_page_keeps_its_answer_and_names_its_query_parameters(rf):
    """Both ways of marking: reader_page(view) depends on ?page=, reader_page(query=...)(view) on what it names."""

    def view(request, slug):
        return HttpResponse(f"story {slug}")

    paged, by_letter = reader_page(view), reader_page(query=["letter"])(view)
    assert (paged.reader_page, by_letter.reader_page) == (ReaderPage(query=("page",)), ReaderPage(query=("letter",)))
    assert paged(rf.get("/"), slug="tea").content == by_letter(rf.get("/"), slug="tea").content == b"story tea"
    assert paged.__name__ == "view"


def test_connecting_invalidation_twice_still_bumps_once_per_content_write_and_never_for_other_models(
    django_capture_on_commit_callbacks, laoshan
):
    """ready() may run more than once: the receivers are not doubled, and sign-ins or users never empty the cache."""
    article = make_article()
    connect_invalidation()
    generations = [current_generation()]

    def after(write):
        with django_capture_on_commit_callbacks(execute=True):
            write()
        generations.append(current_generation())

    after(laoshan.save)
    after(lambda: article.regions.add(laoshan))
    after(lambda: User.objects.create_user("reader").delete())
    config = apps.get_app_config("pagecache")
    migrated = {"app_config": config, "verbosity": 0, "interactive": False, "using": "default", "apps": apps, "plan": []}
    after(lambda: post_migrate.send(config, **migrated))
    assert [b - a for a, b in zip(generations, generations[1:])] == [1, 1, 0, 1]


def test_a_reader_page_keeps_the_headers_its_view_chose():
    """A view's own Cache-Control, ETag and Last-Modified stand; Vary gains Cookie beside its own."""
    response = HttpResponse("Tide tables")
    response["Cache-Control"] = "max-age=5"
    response["ETag"] = '"tides-v2"'
    response["Last-Modified"] = "Mon, 07 Dec 2026 08:00:00 GMT"
    response["Vary"] = "Accept-Language"

    finish_reader_response(response)

    assert response["Cache-Control"] == "max-age=5"
    assert response["ETag"] == '"tides-v2"'
    assert response["Last-Modified"] == "Mon, 07 Dec 2026 08:00:00 GMT"
    assert [part.strip() for part in response["Vary"].split(",")] == ["Accept-Language", "Cookie"]


def test_a_streamed_reader_page_gets_no_etag_and_keeps_its_stream():
    response = StreamingHttpResponse(iter([b"part one, ", b"part two"]))

    finish_reader_response(response)

    assert not response.has_header("ETag")
    assert b"".join(response.streaming_content) == b"part one, part two"
    assert "public" in response["Cache-Control"] and response["Last-Modified"]


def stored_page_lifetimes(start):
    """Seconds from `start` until each stored page's entry leaves the cache."""
    return [expiry - start.timestamp() for key, expiry in cache._expire_info.items() if "pagecache:page" in key]


def test_a_page_is_stored_for_page_cache_seconds_or_until_just_after_the_next_publication(
    client, story, settings, committed
):
    """Past its use an entry is never served; it also leaves the cache then, not later."""
    settings.PAGE_CACHE_SECONDS = 1000
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        client.get("/regions/laoshan/")
    assert stored_page_lifetimes(start) == [1000]

    cache.clear()
    with committed():
        make_article(headline="Out soon", published_at=start + timedelta(seconds=100.4))
    with time_machine.travel(start, tick=False):
        client.get("/regions/laoshan/")
    assert stored_page_lifetimes(start) == [101]  # the whole second after it

    cache.clear()
    with committed():
        Article.objects.update(published_at=start + timedelta(seconds=0.2))
    with time_machine.travel(start, tick=False):
        client.get("/regions/laoshan/")
    assert stored_page_lifetimes(start) == [1]  # at least a second
