"""RSS and Atom feeds: the site, each region, each tag."""

import xml.etree.ElementTree as ET

import pytest
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Photo
from articles.tests.factories import image_upload, make_article, make_photo
from photos.pictures import jpeg_rendition_file
from regions.models import Region

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def rss_items(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    return channel, channel.findall("item")


def atom_entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return feed, feed.findall(f"{ATOM}entry")


@pytest.fixture
def laoshan():
    return Region.objects.get(slug="laoshan")


def test_site_rss_items_carry_summary_link_and_lead_photo(client, laoshan):
    story = make_article(
        headline="Tea harvest", summary="Picking began <early>.", byline="By Zhang Yi", regions=[laoshan], tags=["tea"]
    )
    make_photo(story, position=0)
    make_photo(story, position=1)
    make_article(headline="No photo")

    channel, items = rss_items(client, "/feed/")

    assert channel.findtext("title") == "Qingdao City News"
    assert channel.findtext("link") == "http://testserver/"
    assert [item.findtext("title") for item in items] == ["No photo", "Tea harvest"]
    item = items[1]
    assert item.findtext("link") == f"http://testserver{story.get_absolute_url()}"
    assert item.findtext("description") == "Picking began <early>."
    assert sorted(c.text for c in item.findall("category")) == ["Laoshan", "tea"]
    enclosures = item.findall("enclosure")
    assert len(enclosures) == 1  # the lead photo only
    lead = story.lead_photo
    # The rendition readers get (as og:image), never the stored original.
    rendition_name, _, _ = jpeg_rendition_file(lead, 1200)
    assert rendition_name != lead.image.name
    assert enclosures[0].get("url") == f"http://testserver{lead.image.storage.url(rendition_name)}"
    assert enclosures[0].get("type") == "image/jpeg"
    assert int(enclosures[0].get("length")) == lead.image.storage.size(rendition_name)
    assert items[0].find("enclosure") is None


def test_site_atom_feed(client):
    story = make_article(headline="Ferry news", summary="More sailings.")
    make_photo(story)
    feed, entries = atom_entries(client, "/feed/atom/")
    assert feed.findtext(f"{ATOM}title") == "Qingdao City News"
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Ferry news"]
    assert entries[0].findtext(f"{ATOM}summary") == "More sailings."
    links = {link.get("rel"): link.get("href") for link in entries[0].findall(f"{ATOM}link")}
    assert links["alternate"] == f"http://testserver{story.get_absolute_url()}"
    assert links["enclosure"].startswith("http://testserver/media/renditions/")


def test_region_feeds_list_only_that_regions_stories(client, laoshan):
    make_article(headline="Laoshan story", regions=[laoshan])
    make_article(headline="Jimo story", regions=[Region.objects.get(slug="jimo")])
    channel, items = rss_items(client, "/regions/laoshan/feed/")
    assert channel.findtext("title") == "Laoshan · Qingdao City News"
    assert channel.findtext("link") == "http://testserver/regions/laoshan/"
    assert [item.findtext("title") for item in items] == ["Laoshan story"]
    _, entries = atom_entries(client, "/regions/laoshan/feed/atom/")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Laoshan story"]


def test_a_region_feed_is_described_by_the_regions_own_words_or_else_by_its_name(client, laoshan):
    channel, _ = rss_items(client, "/regions/laoshan/feed/")
    assert channel.findtext("description") == laoshan.description
    Region.objects.filter(pk=laoshan.pk).update(description="")
    channel, _ = rss_items(client, "/regions/laoshan/feed/")
    assert channel.findtext("description") == "News from Laoshan, Qingdao."


def test_tag_feeds(client):
    make_article(headline="Tagged story", tags=["Tea"])
    make_article(headline="Untagged story")
    channel, items = rss_items(client, "/tags/tea/feed/")
    assert channel.findtext("title") == "Tea · Qingdao City News"
    assert [item.findtext("title") for item in items] == ["Tagged story"]
    _, entries = atom_entries(client, "/tags/tea/feed/atom/")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Tagged story"]


@pytest.mark.parametrize(
    "url", ["/regions/atlantis/feed/", "/tags/no-such-tag/feed/", "/tags/secret/feed/", "/tags/secret/feed/atom/"]
)
def test_unknown_regions_and_tags_used_only_on_drafts_have_no_feed(client, url):
    make_article(headline="Embargoed", tags=["secret"], published=False)
    assert client.get(url).status_code == 404


def test_feeds_hold_the_newest_twenty(client):
    for n in range(25):
        make_article(headline=f"Story {n}", days_ago=n + 1)
    _, items = rss_items(client, "/feed/")
    assert [item.findtext("title") for item in items] == [f"Story {n}" for n in range(20)]


def test_pages_link_their_feeds(client, laoshan):
    make_article(regions=[laoshan], tags=["tea"])
    home = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml" title="Qingdao City News (RSS)" href="/feed/">' in home
    assert 'type="application/atom+xml" title="Qingdao City News (Atom)" href="/feed/atom/"' in home
    region = client.get("/regions/laoshan/").content.decode()
    assert 'rel="alternate" type="application/rss+xml" title="Laoshan · Qingdao City News (RSS)" href="/regions/laoshan/feed/"' in region
    assert 'href="/regions/laoshan/feed/atom/"' in region
    assert '<a href="/regions/laoshan/feed/" type="application/rss+xml">Follow Laoshan (RSS feed)</a>' in region
    tag = client.get("/tags/tea/").content.decode()
    assert 'href="/tags/tea/feed/"' in tag and 'href="/tags/tea/feed/atom/"' in tag


def test_feed_addresses_use_site_url_when_set(client, settings):
    settings.SITE_URL = "https://news.example.com"
    story = make_article()
    make_photo(story)
    channel, items = rss_items(client, "/feed/")
    assert channel.findtext("link") == "https://news.example.com/"
    assert items[0].findtext("link") == f"https://news.example.com{story.get_absolute_url()}"
    assert items[0].find("enclosure").get("url").startswith("https://news.example.com/media/")


def queries(client, url):
    # django.contrib.sites (which the redirects need) looks the site up once per process
    # and caches it: do that first, so the count does not depend on which test ran before.
    Site.objects.get_current()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/regions/laoshan/feed/", "/tags/tea/feed/"])
def test_feeds_make_a_fixed_number_of_queries(client, laoshan, url):
    def fill(count):
        for _ in range(count):
            story = make_article(regions=[laoshan], tags=["tea", "more"])
            make_photo(story)

    fill(3)
    few = queries(client, url)
    fill(27)
    assert queries(client, url) == few
    assert few <= 6


DC = "{http://purl.org/dc/elements/1.1/}"


def test_feed_authors_are_the_bylines_without_their_by(client):
    make_article(headline="Signed", byline="By Zhang Yi", days_ago=1)
    make_article(headline="Plain name", byline="Li Na", days_ago=2)
    make_article(headline="Only By", byline="By ", days_ago=3)
    make_article(headline="Unsigned", byline="", days_ago=4)
    _, items = rss_items(client, "/feed/")
    # RSS names an author without an e-mail address as dc:creator.
    assert [(item.findtext("title"), item.findtext(f"{DC}creator")) for item in items] == [
        ("Signed", "Zhang Yi"),
        ("Plain name", "Li Na"),
        ("Only By", None),
        ("Unsigned", None),
    ]
    _, entries = atom_entries(client, "/feed/atom/")
    assert [e.findtext(f"{ATOM}author/{ATOM}name") for e in entries] == ["Zhang Yi", "Li Na", None, None]


def test_feeds_never_read_the_story_bodies(client):
    make_photo(make_article(body="A long body.\n\nIts second paragraph."))
    with CaptureQueriesContext(connection) as captured:
        rss_items(client, "/feed/")
    stories = [q["sql"] for q in captured.captured_queries if 'FROM "articles_article"' in q["sql"]]
    assert stories
    for sql in stories:
        assert '"articles_article"."headline"' in sql
        assert '"articles_article"."body"' not in sql
        assert '"articles_article"."body_html"' not in sql


def enclosure_of(client):
    _, items = rss_items(client, "/feed/")
    (enclosure,) = items[0].findall("enclosure")
    return enclosure.get("url"), enclosure.get("length"), enclosure.get("type")


def test_a_photo_a_pixel_wider_than_1200_is_enclosed_at_1200(client):
    photo = make_photo(make_article(), image=image_upload("wide.jpg", width=1201, height=801))
    sizes = {entry["width"]: entry["jpeg"] for entry in photo.renditions["sizes"]}
    assert 1201 in sizes  # its own width is a rendition too (it is under the largest, 1600)
    storage = photo.image.storage
    assert enclosure_of(client) == (
        f"http://testserver{storage.url(sizes[1200])}",
        str(storage.size(sizes[1200])),
        "image/jpeg",
    )


def test_a_photo_missing_from_storage_is_enclosed_with_the_unknown_length_0(client):
    photo = make_photo(make_article())
    name, _, _ = jpeg_rendition_file(photo, 1200)
    photo.image.storage.delete(name)
    assert enclosure_of(client) == (f"http://testserver{photo.image.storage.url(name)}", "0", "image/jpeg")


def test_a_photo_without_renditions_is_enclosed_as_its_stored_file_of_its_own_type(client):
    # A photo whose renditions are not made yet (photo_files makes them) is enclosed as the stored original.
    photo = make_photo(make_article(), image=image_upload("chart.png", fmt="PNG"))
    Photo.objects.filter(pk=photo.pk).update(renditions={})
    storage = photo.image.storage
    assert photo.image.name.endswith(".png")
    assert enclosure_of(client) == (
        f"http://testserver{storage.url(photo.image.name)}",
        str(storage.size(photo.image.name)),
        "image/png",
    )


def test_a_stored_file_whose_name_tells_no_type_is_enclosed_as_a_jpeg(client):
    photo = make_photo(make_article())
    storage = photo.image.storage
    with storage.open(photo.image.name) as original:
        name = storage.save("photos/legacy/scan", ContentFile(original.read()))
    Photo.objects.filter(pk=photo.pk).update(image=name, renditions={})
    url = f"http://testserver{storage.url(name)}"
    assert enclosure_of(client) == (url, str(storage.size(name)), "image/jpeg")
