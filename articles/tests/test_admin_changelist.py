"""The story list and story form in the admin: what staff type is shown as text, search, the region filter."""

import pytest
from django.urls import reverse

from articles.tests.factories import make_article, make_photo
from regions.models import Region

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
SCRIPT_ALT = 'Harbour at dusk"><script>alert("alt")</script>'


def test_photo_alt_text_is_escaped_in_the_story_list_and_the_photo_inline(admin_client):
    story = make_article(headline="Harbour photos")
    make_photo(story, alt_text=SCRIPT_ALT)

    for url in (CHANGELIST, reverse("admin:articles_article_change", args=[story.pk])):
        page = admin_client.get(url).content.decode()
        assert '<script>alert("alt")</script>' not in page, url
        assert 'alt="Harbour at dusk&quot;&gt;&lt;script&gt;alert(&quot;alt&quot;)&lt;/script&gt;"' in page, url


@pytest.mark.parametrize(
    "field, text",
    [
        ("headline", "Cherry blossoms at Zhongshan Park"),
        ("summary", "Blossoms draw record crowds"),
        ("body", "The petals fell early this year."),
        ("byline", "By Liu Xiaoming"),
        ("source", "qingdaonews.com"),
    ],
)
def test_admin_search_finds_stories_by_each_field_and_only_those(admin_client, field, text):
    wanted = make_article(**{field: text})
    make_article(headline="Unrelated harbour story", summary="Ships.", body="Cranes.", byline="", source="")

    page = admin_client.get(CHANGELIST, {"q": text.split()[-1].rstrip(".")}).content.decode()

    assert f">{wanted.headline}<" in page
    assert "Unrelated harbour story" not in page


def test_region_filter_names_the_stories_without_a_region_city_wide(admin_client):
    make_article(headline="A city-wide story")
    make_article(headline="A Jimo story", regions=[Region.objects.get(slug="jimo")])

    page = admin_client.get(CHANGELIST).content.decode()
    assert '<a href="?regions__isnull=True">City-wide</a>' in page

    filtered = admin_client.get(CHANGELIST, {"regions__isnull": "True"}).content.decode()
    assert "A city-wide story" in filtered
    assert "A Jimo story" not in filtered
