"""Leaner renders with the page cache off: pinned query counts, and the card data they rely on."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.cards import refresh_cards
from articles.models import Article, Tag
from articles.tests.factories import make_article, make_photo
from photos.pictures import picture
from regions.models import Region

pytestmark = pytest.mark.django_db

# A tag page reads its links first to choose its query (ArticleQuerySet.with_tag): one more.
LIMITS = {"home": 6, "region": 5, "tag": 6, "story": 5}


def add_stories(count):
    regions = list(Region.objects.exclude(slug="laoshan"))
    laoshan = Region.objects.get(slug="laoshan")
    story = None
    for n in range(count):
        story = make_article(regions=[laoshan, regions[n % len(regions)]], tags=["Tea", f"topic {n}"])
        make_photo(story)
        make_photo(story, position=1)
    return story


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def page_urls(story):
    return {
        "home": reverse("articles:home"),
        "region": reverse("regions:region-detail", kwargs={"slug": "laoshan"}),
        "tag": reverse("articles:tag-detail", kwargs={"slug": "tea"}),
        "story": story.get_absolute_url(),
    }


def test_reader_pages_run_a_small_fixed_number_of_queries(client):
    """Home at most 6, region pages 5, tag pages 6, a story 5; the same with 3 stories as with 30."""
    few = {page: queries(client, url) for page, url in page_urls(add_stories(3)).items()}
    many = {page: queries(client, url) for page, url in page_urls(add_stories(27)).items()}

    assert few == many
    for page, limit in LIMITS.items():
        assert many[page] <= limit, (page, many[page])


def test_cards_show_regions_and_lead_photo_without_further_queries(client):
    laoshan, jimo = Region.objects.get(slug="laoshan"), Region.objects.get(slug="jimo")
    story = make_article(headline="Spring tea", regions=[jimo, laoshan], tags=["Tea", "Farming"])
    lead = make_photo(story, position=0)
    make_photo(story, position=3)

    page = client.get("/regions/laoshan/").content.decode()

    expected = picture(lead, "card")  # the lead photo's card crops, as the photo's own row gives them
    assert f'src="{expected.src}"' in page and f'srcset="{expected.webp_srcset}"' in page
    assert f'width="{expected.width}" height="{expected.height}"' in page
    for region in (jimo, laoshan):
        assert f'<a href="{region.get_absolute_url()}">{region.name}</a>' in page
    story_page = client.get(story.get_absolute_url()).content.decode()
    assert 'rel="tag">Farming</a>' in story_page and 'rel="tag">Tea</a>' in story_page


def card(article):
    return Article.objects.get(pk=article.pk).card


def test_card_data_follows_every_kind_of_change():
    """Regions, tags and photos of a story, and the regions and tags themselves."""
    laoshan, jimo = Region.objects.get(slug="laoshan"), Region.objects.get(slug="jimo")
    story = make_article(regions=[laoshan], tags=["Tea"])
    assert [r[2] for r in card(story)["regions"]] == ["laoshan"]
    assert card(story)["tags"] == [["Tea", "tea"]] and card(story)["photo"] is None

    story.regions.add(jimo)
    assert sorted(r[2] for r in card(story)["regions"]) == ["jimo", "laoshan"]
    jimo.articles.remove(story)
    laoshan.articles.clear()
    assert card(story)["regions"] == []
    laoshan.articles.add(story)
    laoshan.name = "Laoshan District"
    laoshan.save()
    assert card(story)["regions"] == [[laoshan.pk, "Laoshan District", "laoshan"]]

    story.tags.add("Harvest")
    assert card(story)["tags"] == [["Harvest", "harvest"], ["Tea", "tea"]]
    tea = Tag.objects.get(slug="tea")
    tea.name = "Green tea"
    tea.save()
    assert ["Green tea", "tea"] in card(story)["tags"]
    tea.delete()
    assert card(story)["tags"] == [["Harvest", "harvest"]]
    story.tags.clear()
    assert card(story)["tags"] == []

    second = make_photo(story, position=2)
    first = make_photo(story, position=1)
    assert card(story)["photo"][0] == first.image.name
    first.delete()
    assert card(story)["photo"][0] == second.image.name
    second.alt_text = "Boats"
    second.save()
    assert card(story)["photo"][3] == "Boats"
    laoshan.delete()
    assert card(story)["regions"] == []


def test_refresh_cards_rebuilds_what_a_bulk_write_left_behind():
    story = make_article(regions=[Region.objects.get(slug="laoshan")], tags=["Tea"])
    Article.objects.filter(pk=story.pk).update(card={})

    refresh_cards([story.pk])

    assert [r[2] for r in card(story)["regions"]] == ["laoshan"]


def test_kept_card_fragments_follow_every_change_to_what_they_show(client):
    """Fragments are keyed by what they show: an edit, even uncommitted and uncached, shows at once."""
    laoshan, jimo = Region.objects.get(slug="laoshan"), Region.objects.get(slug="jimo")
    story = make_article(headline="Tea harvest begins", summary="Early leaves.", regions=[laoshan])
    assert "Tea harvest begins" in client.get("/regions/laoshan/").content.decode()

    story.headline, story.summary = "Tea harvest begins early", "Warm spring."
    story.save()
    story.regions.add(jimo)
    page = client.get("/regions/laoshan/").content.decode()
    home = client.get("/").content.decode()

    assert "Tea harvest begins early" in page and "Warm spring." in page
    assert f'<a href="{jimo.get_absolute_url()}">{jimo.name}</a>' in page
    assert "Tea harvest begins early" in home
    assert ">Tea harvest begins</a>" not in home


def test_the_refresh_cards_command_rebuilds_every_story(capsys):
    from django.core.management import call_command

    story = make_article(regions=[Region.objects.get(slug="laoshan")], tags=["Tea"])
    Article.objects.update(card={})

    call_command("refresh_cards")

    assert [r[2] for r in card(story)["regions"]] == ["laoshan"]
    assert "Card data rebuilt for 1 stories." in capsys.readouterr().out
