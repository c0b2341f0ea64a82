"""Story addresses that never break: redirects after slug changes and from the old site (issue 18)."""

import csv
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.management import CommandError, call_command
from django.db.models.signals import post_migrate

from articles.models import Article
from articles.tests.factories import make_article
from articles.tests.newsroom import ADD_URL, change_url, form_errors, newsroom_user, signed_in, story_data

OLD_SITE_PATH = "/qingdao/2025-05/26/content_12345678.htm"
OLD_SITE_ADDRESS = "http://www.chinadaily.com.cn" + OLD_SITE_PATH
PAGE = "New business center in Qingdao\n\n(chinadaily.com.cn) | 2025-05-26\n\nThe center opened on May 23.\n"


def rename(article, slug):
    article.slug = slug
    article.save()
    return article


def redirect_pairs():
    return sorted(Redirect.objects.values_list("old_path", "new_path"))


@pytest.mark.django_db
def test_changing_a_published_storys_slug_sends_its_old_address_to_the_new_one(client):
    """The old address answers 301 with the new one; the new one shows the story."""
    story = make_article(slug="metro-line-6-opns")
    rename(story, "metro-line-6-opens")

    response = client.get("/stories/metro-line-6-opns/")

    assert response.status_code == 301
    assert response["Location"] == "/stories/metro-line-6-opens/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_a_chain_of_renames_is_stored_as_redirects_straight_to_the_story(client):
    story = make_article(slug="a")
    rename(story, "b")
    rename(story, "c")

    assert redirect_pairs() == [("/stories/a/", "/stories/c/"), ("/stories/b/", "/stories/c/")]
    assert client.get("/stories/a/")["Location"] == "/stories/c/"


@pytest.mark.django_db
def test_a_story_taking_back_a_former_slug_drops_the_redirect_from_it(client):
    """No loop: /stories/a/ shows the story again, /stories/b/ leads to it."""
    story = make_article(slug="a")
    rename(story, "b")
    rename(story, "a")

    assert redirect_pairs() == [("/stories/b/", "/stories/a/")]
    assert client.get("/stories/a/").status_code == 200


@pytest.mark.django_db
def test_renaming_a_draft_records_no_redirect():
    """Readers never saw a draft's address, so there is nothing to keep working."""
    story = make_article(slug="draft-one", published=False)
    rename(story, "draft-two")

    assert redirect_pairs() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "hide",
    [
        {"status": Article.Status.UNPUBLISHED},
        {"status": Article.Status.DRAFT},
    ],
)
def test_an_old_address_of_a_story_readers_may_not_see_is_a_404(client, hide):
    story = make_article(slug="second-name")
    Redirect.objects.create(site_id=1, old_path="/stories/first-name/", new_path="/stories/second-name/")
    Article.objects.filter(pk=story.pk).update(**hide)

    assert client.get("/stories/first-name/").status_code == 404


@pytest.mark.django_db
def test_an_old_address_of_a_scheduled_story_is_a_404_until_its_time(client):
    make_article(slug="second-name", days_ago=-1)
    Redirect.objects.create(site_id=1, old_path="/stories/first-name/", new_path="/stories/second-name/")

    assert client.get("/stories/first-name/").status_code == 404


@pytest.mark.django_db
def test_an_old_address_of_a_deleted_story_is_a_404(client):
    story = make_article(slug="second-name")
    Redirect.objects.create(site_id=1, old_path="/stories/first-name/", new_path="/stories/second-name/")
    story.delete()

    assert client.get("/stories/first-name/").status_code == 404


@pytest.mark.django_db
def test_a_redirect_to_a_page_that_is_not_a_story_is_followed(client):
    """Redirects added by hand in the admin (to a region page, say) work as Django's do."""
    Redirect.objects.create(site_id=1, old_path="/qingdao/laoshan.htm", new_path="/regions/laoshan/")

    assert client.get("/qingdao/laoshan.htm")["Location"] == "/regions/laoshan/"


@pytest.mark.django_db
def test_a_new_story_is_never_given_a_slug_that_redirects():
    """The headline of a renamed story again: the new story gets another address, the old link still works."""
    renamed = rename(make_article(headline="Beach season opens", slug=""), "beaches-open")
    assert redirect_pairs() == [("/stories/beach-season-opens/", "/stories/beaches-open/")]

    newcomer = make_article(headline="Beach season opens", slug="")

    assert newcomer.slug == "beach-season-opens-2"
    assert redirect_pairs() == [("/stories/beach-season-opens/", renamed.get_absolute_url())]


@pytest.mark.django_db
def test_the_story_form_refuses_a_slug_that_is_a_redirects_source_and_keeps_what_was_typed(client):
    rename(make_article(slug="beach-season-opens"), "beaches-open")
    editor = newsroom_user("editor", "Editor")

    response = signed_in(client, editor).post(ADD_URL, story_data(slug="beach-season-opens"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        "The address /stories/beach-season-opens/ is a former story address that now leads to "
        "/stories/beaches-open/; links to it are out there. Choose another slug, or leave it empty to have "
        "one made from the headline."
    ]
    assert 'value="Metro line 6 opens to passengers"' in response.content.decode()
    assert not Article.objects.filter(slug="beach-season-opens").exists()
    [refusal] = response.context["adminform"].form.errors.as_data()["slug"]
    assert refusal.code == "slug_redirects"


@pytest.mark.django_db
def test_an_editor_renaming_a_published_story_in_the_form_records_the_redirect(client):
    story = make_article(slug="old-slug", city_wide=True)
    editor = newsroom_user("editor", "Editor")

    response = signed_in(client, editor).post(change_url(story), story_data(story, slug="new-slug"))

    assert response.status_code == 302, form_errors(response)
    assert redirect_pairs() == [("/stories/old-slug/", "/stories/new-slug/")]


@pytest.mark.django_db
def test_a_story_may_keep_its_own_slug_when_saved_again(client):
    """Its own former address leads to itself, so saving it is not refused."""
    story = rename(make_article(slug="a", city_wide=True), "b")
    rename(story, "a")
    editor = newsroom_user("editor", "Editor")

    response = signed_in(client, editor).post(change_url(story), story_data(story, summary="New summary."))

    assert response.status_code == 302, form_errors(response)


@pytest.mark.django_db
def test_a_story_may_take_back_its_own_former_slug_in_the_form(client):
    """Its former address leads to itself: typing that slug again is no clash."""
    story = rename(make_article(slug="a", city_wide=True), "b")
    editor = newsroom_user("editor", "Editor")

    response = signed_in(client, editor).post(change_url(story), story_data(story, slug="a"))

    assert response.status_code == 302, form_errors(response)
    assert redirect_pairs() == [("/stories/b/", "/stories/a/")]


def run_import(*args, **options):
    stdout, stderr = StringIO(), StringIO()
    call_command("import_articles", *map(str, args), stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


@pytest.mark.django_db
def test_an_imported_pages_old_address_leads_to_its_story(client, tmp_path):
    page = tmp_path / "business-center.txt"
    page.write_text(f"URL: {OLD_SITE_ADDRESS}\n\n{PAGE}", encoding="utf-8")

    stdout, _ = run_import(page)

    story = Article.objects.get()
    assert f"redirects {OLD_SITE_ADDRESS} to the story" in stdout
    response = client.get(OLD_SITE_PATH)
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


@pytest.mark.django_db
def test_a_url_map_gives_pages_their_old_addresses(client, tmp_path):
    page = tmp_path / "business-center.txt"
    page.write_text(PAGE, encoding="utf-8")
    url_map = tmp_path / "addresses.csv"
    with open(url_map, "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([["file", "url"], ["business-center.txt", OLD_SITE_ADDRESS]])

    run_import(page, url_map=url_map)

    story = Article.objects.get()
    assert story.import_key == "url:www.chinadaily.com.cn" + OLD_SITE_PATH
    assert client.get(OLD_SITE_PATH)["Location"] == story.get_absolute_url()


@pytest.mark.django_db
def test_the_old_address_follows_the_story_when_its_slug_changes(client, tmp_path):
    page = tmp_path / "business-center.txt"
    page.write_text(f"URL: {OLD_SITE_ADDRESS}\n\n{PAGE}", encoding="utf-8")
    run_import(page)

    rename(Article.objects.get(), "sino-russia-business-center")

    assert client.get(OLD_SITE_PATH)["Location"] == "/stories/sino-russia-business-center/"


@pytest.mark.django_db
def test_an_old_address_of_an_imported_draft_is_a_404_until_it_is_published(client, tmp_path):
    page = tmp_path / "business-center.txt"
    page.write_text(f"URL: {OLD_SITE_ADDRESS}\n\n{PAGE}", encoding="utf-8")
    run_import(page, status="draft")

    assert client.get(OLD_SITE_PATH).status_code == 404
    Article.objects.update(status=Article.Status.PUBLISHED)
    assert client.get(OLD_SITE_PATH).status_code == 301


@pytest.mark.django_db
def test_a_url_map_disagreeing_with_the_pages_url_line_is_refused(tmp_path):
    page = tmp_path / "business-center.txt"
    page.write_text(f"URL: {OLD_SITE_ADDRESS}\n\n{PAGE}", encoding="utf-8")
    url_map = tmp_path / "addresses.csv"
    url_map.write_text("business-center.txt,http://www.chinadaily.com.cn/other.htm\n", encoding="utf-8")

    with pytest.raises(CommandError, match="--url-map gives http://www.chinadaily.com.cn/other.htm"):
        run_import(page, url_map=url_map)

    assert not Article.objects.exists()
    assert not Redirect.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "rows, problem",
    [
        ("business-center.txt\n", "row 1: expected two columns"),
        ("a.txt,http://x.cn/a.htm\na.txt,http://x.cn/b.htm\n", "row 2: a.txt is given two addresses"),
    ],
)
def test_a_malformed_url_map_is_refused_before_anything_is_written(tmp_path, rows, problem):
    page = tmp_path / "business-center.txt"
    page.write_text(PAGE, encoding="utf-8")
    url_map = tmp_path / "addresses.csv"
    url_map.write_text(rows, encoding="utf-8")

    with pytest.raises(CommandError, match=problem):
        run_import(page, url_map=url_map)

    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_url_map_address_that_is_not_a_web_address_is_refused(tmp_path):
    page = tmp_path / "business-center.txt"
    page.write_text(PAGE, encoding="utf-8")
    url_map = tmp_path / "addresses.csv"
    url_map.write_text("business-center.txt,/qingdao/content_1.htm\n", encoding="utf-8")

    with pytest.raises(CommandError, match="is not a web address"):
        run_import(page, url_map=url_map)

    assert not Article.objects.exists()


@pytest.mark.django_db
def test_the_site_row_follows_site_url_so_view_on_site_leads_to_this_site(admin_client, settings):
    """Django creates the Site as "example.com"; the admin's "View on site" would send editors there."""
    story = make_article(slug="metro-line-6-opens")
    content_type = ContentType.objects.get_for_model(story)

    response = admin_client.get(f"/admin/r/{content_type.pk}/{story.pk}/")
    assert response["Location"] == "http://testserver/stories/metro-line-6-opens/"
    assert Site.objects.get_current().name == settings.SITE_NAME

    settings.SITE_URL = "https://news.qingdao.example"
    post_migrate.send(sender=apps.get_app_config("sites"), app_config=apps.get_app_config("sites"), using="default")
    assert Site.objects.get(pk=settings.SITE_ID).domain == "news.qingdao.example"
    response = admin_client.get(f"/admin/r/{content_type.pk}/{story.pk}/")
    assert response["Location"] == "http://news.qingdao.example/stories/metro-line-6-opens/"


# The helpers of articles/redirects.py, one behaviour each (what mutation testing found unchecked).


@pytest.mark.django_db
def test_pointing_an_address_elsewhere_keeps_a_redirect_from_it_by_default():
    from articles.redirects import point_addresses_at

    point_addresses_at("/stories/old-name/", "/stories/new-name/")
    assert ("/stories/old-name/", "/stories/new-name/") in redirect_pairs()


@pytest.mark.parametrize(
    "address, path",
    [
        ("http://old.example.com/news/2016/03/14/item.html", "/news/2016/03/14/item.html"),
        ("http://old.example.com/news.php?id=3&lang=en", "/news.php?id=3&lang=en"),
        ("http://old.example.com?id=3", "/?id=3"),
        ("http://old.example.com", "/"),
    ],
)
def test_an_old_sites_address_is_recorded_as_the_path_and_query_a_request_shows(address, path):
    from articles.redirects import path_of_address

    assert path_of_address(address) == path


@pytest.mark.django_db
def test_an_old_address_is_not_recorded_when_it_is_the_storys_own_or_too_long():
    from articles.redirects import MAX_PATH_LENGTH, record_old_address

    story = make_article()
    assert record_old_address(story, f"http://old.example.com{story.get_absolute_url()}") is None
    assert record_old_address(story, "http://old.example.com/" + "x" * MAX_PATH_LENGTH) is None
    assert redirect_pairs() == []
    assert record_old_address(story, "http://old.example.com/a.html") == "/a.html"
    assert redirect_pairs() == [("/a.html", story.get_absolute_url())]



@pytest.mark.django_db
def test_the_longest_address_a_redirect_holds_is_recorded():
    from articles.redirects import MAX_PATH_LENGTH, point_addresses_at, record_old_address

    story = make_article()
    longest = "/" + "x" * (MAX_PATH_LENGTH - 1)
    assert record_old_address(story, "http://old.example.com" + longest) == longest
    assert redirect_pairs() == [(longest, story.get_absolute_url())]
    moved = "/" + "y" * (MAX_PATH_LENGTH - 1)
    point_addresses_at(moved, "/stories/new-name/")
    assert (moved, "/stories/new-name/") in redirect_pairs()

@pytest.mark.django_db
def test_a_redirect_from_a_slug_is_reported_unless_it_leads_to_the_story_itself():
    from articles.redirects import point_addresses_at, redirect_from_slug, story_path

    story = make_article(slug="harbour-opens")
    other = make_article(slug="harbour-closes")
    point_addresses_at(story_path("harbour-news"), story.get_absolute_url())
    assert redirect_from_slug("harbour-news", story) is None
    found = redirect_from_slug("harbour-news", other)
    assert found is not None and found.new_path == story.get_absolute_url()
    assert redirect_from_slug("harbour-news").new_path == story.get_absolute_url()


@pytest.mark.django_db
def test_only_story_addresses_are_checked_for_what_readers_may_see():
    from articles.redirects import story_readers_may_see

    assert story_readers_may_see("/no/such/address/") is True
    assert story_readers_may_see("/regions/laoshan/") is True
    draft = make_article(published=False)
    assert story_readers_may_see(draft.get_absolute_url()) is False
    assert story_readers_may_see(make_article().get_absolute_url()) is True
