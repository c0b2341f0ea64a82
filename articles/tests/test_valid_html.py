"""
The reader pages are valid HTML by the Nu Html Checker (vnu.jar, installed by
make setup-dev), heading levels included, and the small things of issue 18.
"""

import json
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from articles.tests.factories import make_article, make_photo
from regions.models import Region

pytestmark = pytest.mark.django_db

VNU_JAR = Path(settings.BASE_DIR) / ".venv" / "vnu" / "vnu.jar"


@pytest.fixture
def stories():
    laoshan = Region.objects.get(slug="laoshan")
    with_photo = make_article(headline="Tea harvest", regions=[laoshan], tags=["Tea"], byline="By Zhang Yi")
    make_photo(with_photo, alt_text="Pickers on a terraced slope")
    make_article(headline="Text only", regions=[laoshan], tags=["Tea"], days_ago=2)
    make_photo(make_article(headline="Older with photo", regions=[laoshan], days_ago=3))
    return with_photo


def reader_pages(story):
    day = timezone.localtime(story.published_at)
    return {
        "home": "/",
        "region": "/regions/laoshan/",
        "tag": "/tags/tea/",
        "story": story.get_absolute_url(),
        "archive": "/archive/",
        "archive-year": f"/archive/{day.year}/",
        "archive-month": f"/archive/{day.year}/{day.month}/",
        "archive-day": f"/archive/{day.year}/{day.month}/{day.day}/",
        "corrections": "/corrections/",
        "search": "/search/?q=tea",
        "not-found": "/stories/no-such-story/",
    }


def check_with_vnu(pages, tmp_path):
    """{page name: [vnu's error messages]} for {page name: HTML}, in one run of the checker."""
    if not VNU_JAR.exists():
        pytest.fail(f"The Nu Html Checker is not installed at {VNU_JAR}: run make setup-dev")
    files = {}
    for name, html in pages.items():
        files[name] = tmp_path / f"{name}.html"
        files[name].write_text(html, encoding="utf-8")
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *map(str, files.values())],
        capture_output=True,
        text=True,
        timeout=240,
    )
    messages = json.loads(result.stderr)["messages"]
    by_file = {f"file:{path.resolve()}": name for name, path in files.items()}
    errors = {name: [] for name in pages}
    for message in messages:
        if message["type"] == "error" or message.get("subType") == "fatal":
            where = by_file.get(message.get("url"), message.get("url"))
            errors.setdefault(where, []).append(f"line {message.get('lastLine')}: {message['message']}")
    return errors


def test_the_reader_pages_have_no_html_errors(client, tmp_path, stories):
    pages = {name: client.get(url).content.decode() for name, url in reader_pages(stories).items()}

    errors = check_with_vnu(pages, tmp_path)

    assert {name: found for name, found in errors.items() if found} == {}


def test_a_staff_preview_of_a_draft_has_no_html_errors(client, tmp_path):
    draft = make_article(published=False, published_at=None, byline="By Zhang Yi")
    client.force_login(User.objects.create_superuser("editor", password="pw-editor-long"))

    errors = check_with_vnu({"draft": client.get(draft.get_absolute_url()).content.decode()}, tmp_path)

    assert errors == {"draft": []}


@pytest.mark.parametrize("page", ["home", "region", "tag", "archive", "archive-year"])
def test_card_headlines_are_one_level_under_the_pages_heading(client, stories, page):
    html = client.get(reader_pages(stories)[page]).content.decode()

    assert re.findall(r'<h(\d) class="card__headline">', html)
    assert set(re.findall(r'<h(\d) class="card__headline">', html)) == {"2"}
    assert "<h3" not in html


@pytest.mark.parametrize("page", ["home", "region"])
def test_only_the_first_cards_photo_loads_eagerly_with_high_priority(client, stories, page):
    html = client.get(reader_pages(stories)[page]).content.decode()

    photos = re.findall(r'<a class="card__photo".*?(<img [^>]*>)', html, re.S)
    assert len(photos) == 2
    assert 'fetchpriority="high"' in photos[0] and "loading=" not in photos[0]
    assert 'loading="lazy"' in photos[1] and "fetchpriority" not in photos[1]


def test_a_drafts_date_line_ends_without_a_stray_separator(client):
    draft = make_article(published=False, published_at=None, byline="By Zhang Yi", source="chinadaily.com.cn")
    client.force_login(User.objects.create_superuser("editor", password="pw-editor-long"))

    html = client.get(draft.get_absolute_url()).content.decode()

    dateline = re.search(r'<p class="story__dateline">(.*?)</p>', html, re.S)[1]
    text = " ".join(re.sub(r"<[^>]+>", " ", dateline).split())
    assert text == "By Zhang Yi | chinadaily.com.cn"


def test_a_date_line_with_only_a_date_has_no_separator(client):
    story = make_article(byline="", source="")

    html = client.get(story.get_absolute_url()).content.decode()

    dateline = re.search(r'<p class="story__dateline">(.*?)</p>', html, re.S)[1]
    assert "|" not in dateline


@pytest.mark.parametrize(
    "page, title, description",
    [
        ("home", "Qingdao City News", "City news from Qingdao's districts and counties."),
        ("region", "Laoshan", None),
        ("tag", "Tea", "Stories tagged Tea."),
    ],
)
def test_listing_pages_have_link_preview_tags(client, stories, page, title, description):
    url = reader_pages(stories)[page]

    html = client.get(url, {"page": "1"}).content.decode()

    assert '<meta property="og:type" content="website">' in html
    assert f'<meta property="og:title" content="{title}">' in html
    assert f'<meta property="og:url" content="http://testserver{url}">' in html
    og_description = re.search(r'<meta property="og:description" content="([^"]*)">', html)[1]
    meta_description = re.search(r'<meta name="description" content="([^"]*)">', html)[1]
    assert og_description == meta_description
    if description:
        assert og_description == description


def test_the_archive_is_linked_from_every_pages_footer_and_lists_the_years(client, stories):
    make_article(headline="Long ago", published_at=timezone.now().replace(year=2019))

    home = client.get("/").content.decode()
    footer = re.search(r'<footer class="site-footer">.*?</footer>', home, re.S)[0]
    assert '<a href="/archive/">Archive</a>' in footer

    archive = client.get("/archive/").content.decode()
    this_year = timezone.localtime().year
    years = re.findall(r'<a href="/archive/(\d{4})/">', archive)
    assert years == [str(this_year), "2019"]  # newest first
    assert "Tea harvest" in archive
    assert "<h1 class=\"section-heading\">Archive</h1>" in archive


def test_the_archive_with_no_stories_says_so(client):
    response = client.get("/archive/")

    assert response.status_code == 200
    assert "No stories here yet." in response.content.decode()


def test_the_archive_leaves_out_stories_readers_may_not_see(client):
    make_article(headline="A draft", published=False)
    make_article(headline="Tomorrow's", days_ago=-1)

    html = client.get("/archive/").content.decode()

    assert "A draft" not in html and "Tomorrow" not in html


def test_text_only_cards_have_no_rule_of_their_own():
    """Under a section heading's rule, a card's own top rule made a double rule."""
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()

    rule = re.search(r"\.card:not\(:has\(\.card__photo\)\) \.card__text \{([^}]*)\}", css)[1]
    assert not re.search(r"border(-top)?\s*:", rule)


def test_the_archive_is_listed_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    make_article()
    with django_assert_max_num_queries(20) as few:
        client.get("/archive/")
    for _ in range(15):
        make_photo(make_article(tags=["Tea"], regions=[Region.objects.get(slug="jimo")]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/archive/")

