"""The story page: staff preview of stories readers cannot see yet, and its exact query budget."""

import pytest
from django.contrib.auth.models import Permission, User

from articles.models import Correction
from articles.tests.factories import make_article, make_photo
from pagecache.cache import bump_generation
from regions.models import Region

pytestmark = pytest.mark.django_db

PREVIEW_BANNER = "Preview: readers cannot see this story yet"


@pytest.fixture
def editor_client(client):
    editor = User.objects.create_user("editor", password="pw", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(editor)
    return client


def test_a_scheduled_story_is_previewed_with_its_banner_and_never_cached(editor_client):
    scheduled = make_article(headline="Tomorrow's budget", days_ago=-1)

    response = editor_client.get(scheduled.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert PREVIEW_BANNER in page
    assert "(published, publication time" in page
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_live_story_seen_by_staff_has_no_preview_banner(editor_client):
    live = make_article(headline="Today's news")

    response = editor_client.get(live.get_absolute_url())

    assert PREVIEW_BANNER not in response.content.decode()
    # Not a preview, but a signed-in page all the same: kept by no cache (issue 12).
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_story_page_query_count_is_pinned(client, django_assert_num_queries):
    """
    The story (its regions and tags in its card data, whether it has corrections); its
    photos; related stories in one; "More from" in one; the navigation. A corrected story
    adds one query for its corrections.
    """
    laoshan, jimo = Region.objects.get(slug="laoshan"), Region.objects.get(slug="jimo")
    for _ in range(4):
        other = make_article(regions=[laoshan], tags=["tea"])
        make_photo(other)
    story = make_article(regions=[laoshan, jimo], tags=["tea", "harvest", "spring"])
    make_photo(story, position=0)
    make_photo(story, position=1)

    with django_assert_num_queries(5):
        response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert "story__corrections" not in response.content.decode()

    Correction.objects.create(article=story, text="The harvest began on Monday.")
    with django_assert_num_queries(6):
        response = client.get(story.get_absolute_url())
    assert "The harvest began on Monday." in response.content.decode()


def test_related_and_more_from_are_read_once_per_content_generation(client, settings, django_assert_num_queries):
    """With the content cache on, a story page reads its two lists once per generation; a new one shows edits."""
    settings.CONTENT_CACHE = True
    bump_generation()
    laoshan = Region.objects.get(slug="laoshan")
    make_article(headline="Older tea story", regions=[laoshan], tags=["tea"])
    story = make_article(regions=[laoshan], tags=["tea"])
    client.get(story.get_absolute_url())

    with django_assert_num_queries(3):  # the story, its photos, the navigation
        page = client.get(story.get_absolute_url()).content.decode()
    assert page.count("Older tea story") == 2  # related, and more from Laoshan

    make_article(headline="Newer tea story", regions=[laoshan], tags=["tea"])
    assert "Newer tea story" not in client.get(story.get_absolute_url()).content.decode()
    bump_generation()  # what the committed write does
    assert client.get(story.get_absolute_url()).content.decode().count("Newer tea story") == 2
