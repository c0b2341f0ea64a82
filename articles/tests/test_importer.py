"""
The old-site importer: the parser (and articles.datelines) on its own, and
`manage.py import_articles` end to end
with real text files, real images made with Pillow, and the real database.
"""

import logging
import shutil
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from articles import importer
from articles.datelines import parse_date, parse_dateline
from articles.importer import (
    MalformedFile,
    alt_text_from_caption,
    blank_out_navigation,
    decode_saved_page,
    find_named_regions,
    is_photo_file_name,
    parse_article_text,
    split_caption_and_credit,
    split_paragraphs,
)
from articles.models import Article, Photo
from articles.tests.factories import files_of_photos, image_bytes, make_photo
from regions.models import Region

SHANGHAI = ZoneInfo("Asia/Shanghai")
IMPORT_FILES = Path(__file__).parent / "import_files"
SEED_NAME = "qingdao-sino-russia-business-center.txt"
SEED_CAPTION = (
    "The unveiling ceremony of the China (Shandong) Information Business Center of Novosibirsk, "
    "Russia, takes place at the SCODA in Qingdao on May 23."
)
NAVIGATION = "Regions:\nLaixi\nPingdu\nJiaozhou\nLaoshan\nRegions>\n\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test gets its own media folder, so files on disk can be counted."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def write_page(folder, name, text):
    path = Path(folder) / name
    path.write_text(text, encoding="utf-8")
    return path


def write_photo(folder, name, color=(30, 90, 160), size=(640, 427)):
    path = Path(folder) / name
    fmt = {"png": "PNG", "gif": "GIF", "webp": "WEBP"}.get(path.suffix.lower().lstrip("."), "JPEG")
    path.write_bytes(image_bytes(*size, color=color, fmt=fmt))
    return path


def page(headline="A story", dateline="(chinadaily.com.cn) | 2025-05-26", *paragraphs):
    return "\n\n".join([headline, dateline, *paragraphs]) + "\n"


def run_import(*args, **options):
    """Run the command; returns what it wrote to stdout and stderr."""
    stdout, stderr = StringIO(), StringIO()
    call_command("import_articles", *map(str, args), stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


def media_files(media_root):
    return sorted(path for path in Path(media_root).rglob("*") if path.is_file())


# --- The parser on its own ----------------------------------------------------


# The date-line forms old pages use: (text after the headline, byline, source, naive Beijing time).
# Shared by the parser and the command tests, so every form is also imported end to end.
DATELINE_FORMS = [
    ("(chinadaily.com.cn) | 2025-05-26", "", "chinadaily.com.cn", datetime(2025, 5, 26)),
    (
        "By Zhang Yi | China Daily | Updated: 2024-03-01 09:12",
        "By Zhang Yi",
        "China Daily",
        datetime(2024, 3, 1, 9, 12),
    ),
    ("| Updated: January 29, 2024", "", "", datetime(2024, 1, 29)),
    (
        "By Li Ming | chinadaily.com.cn | 2024-03-01 09:12:30",
        "By Li Ming",
        "chinadaily.com.cn",
        datetime(2024, 3, 1, 9, 12, 30),
    ),
    # Source and date as two blocks, spaces inside the parentheses (issue 7).
    ("( chinadaily.com.cn )\nUpdated: 2016-03-14", "", "chinadaily.com.cn", datetime(2016, 3, 14)),
    ("( chinadaily.com.cn )\n\nUpdated: 2016-03-14", "", "chinadaily.com.cn", datetime(2016, 3, 14)),
    # The date on the line (or paragraph) after the byline.
    ("By Zhang Yi\nUpdated: 2024-03-01 09:12", "By Zhang Yi", "", datetime(2024, 3, 1, 9, 12)),
    (
        "By Zhang Yi | China Daily\n\nUpdated: 2024-03-01 09:12",
        "By Zhang Yi",
        "China Daily",
        datetime(2024, 3, 1, 9, 12),
    ),
    # Case, spacing, punctuation and order of the parts.
    ("UPDATED : 2024-03-01 09:12 | ( China Daily )", "", "China Daily", datetime(2024, 3, 1, 9, 12)),
    ("Updated:2016/03/14 (chinadaily.com.cn)", "", "chinadaily.com.cn", datetime(2016, 3, 14)),
    ("[Xinhua]  2025.07.01", "", "Xinhua", datetime(2025, 7, 1)),
    ("chinadaily.com.cn · 14 March 2016", "", "chinadaily.com.cn", datetime(2016, 3, 14)),
    ("chinadaily.com.cn 2016-03-14", "", "chinadaily.com.cn", datetime(2016, 3, 14)),
    ("Updated: Mar. 14, 2016 9:12 PM | by Zhang Yi", "by Zhang Yi", "", datetime(2016, 3, 14, 21, 12)),
    ("（中国日报网）2016-03-14", "", "中国日报网", datetime(2016, 3, 14)),
    ("2016年3月14日 09:12 来源：中国日报网", "", "中国日报网", datetime(2016, 3, 14, 9, 12)),
    ("Qingdao City News 2025-05-26", "", "Qingdao City News", datetime(2025, 5, 26)),
]


@pytest.mark.parametrize(
    "line, byline, source, published_at",
    [
        *DATELINE_FORMS,
        ("Xinhua | Jul 1, 2025", "", "Xinhua", datetime(2025, 7, 1)),
        ("  ( China Daily )  |  updated:  2025-05-26  ", "", "China Daily", datetime(2025, 5, 26)),
    ],
)
def test_parse_dateline_reads_every_form_the_old_pages_use(line, byline, source, published_at):
    dateline = parse_dateline(line, where_expected=True)

    assert (dateline.byline, dateline.source) == (byline, source)
    assert dateline.published_at == published_at.replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "line",
    [
        "| Updated: someday",
        "(chinadaily.com.cn)",
        "By Zhang Yi | China Daily",
        "2025-13-40",
        "",
        # A date inside a sentence is not a date line.
        "The lantern festival opened on May 1, 2025 in Jimo's old town.",
    ],
)
def test_parse_dateline_refuses_a_line_without_a_readable_date(line):
    with pytest.raises(ValueError, match="cannot read the date"):
        parse_dateline(line, where_expected=True)


@pytest.mark.django_db
def test_a_headline_with_a_date_in_it_is_the_headline(tmp_path):
    headline = "Marathon on May 1, 2025 draws 30,000 runners"
    path = write_page(tmp_path, "story.txt", page(headline, "(x) | 2025-05-02", "Body."))

    run_import(path)

    article = Article.objects.get()
    assert (article.headline, article.source) == (headline, "x")


def test_parse_date_is_beijing_time_whatever_the_current_time_zone():
    """The old site's times are local; a time read at 09:12 is 01:12 UTC."""
    assert parse_date("2024-03-01 09:12").isoformat() == "2024-03-01T09:12:00+08:00"
    assert parse_date("someday") is None


@override_settings(TIME_ZONE="UTC")
def test_parse_date_is_beijing_time_when_the_site_runs_on_utc():
    assert parse_date("2024-03-01 09:12") == datetime(2024, 3, 1, 1, 12, tzinfo=UTC)
    assert parse_dateline("(x) | 2024-03-01 09:12").published_at == datetime(2024, 3, 1, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("27-QD-1.jpg", True),
        ("photo.JPEG", True),
        ("a.png", True),
        ("a.Gif", True),
        ("a.webp", True),
        ("a.bmp", False),
        ("see photo.jpg", False),
        ("../secret.jpg", False),
        ("photos/a.jpg", False),
        ("a.jpg\nb.jpg", False),
    ],
)
def test_is_photo_file_name(text, expected):
    assert is_photo_file_name(text) is expected


def test_split_caption_and_credit():
    assert split_caption_and_credit(f"{SEED_CAPTION} [Photo provided to chinadaily.com.cn]") == (
        SEED_CAPTION,
        "Photo provided to chinadaily.com.cn",
    )
    assert split_caption_and_credit("Swimmers on the beach.") == ("Swimmers on the beach.", "")
    assert split_caption_and_credit("The [old] pier at dusk. [Zhang Yi]") == (
        "The [old] pier at dusk.",
        "Zhang Yi",
    )
    # A credit over two lines of the page is one line, single-spaced.
    credit_over_two_lines = "Pickers at work. [Photo by\n  Zhang Yi ]"
    assert split_caption_and_credit(credit_over_two_lines) == ("Pickers at work.", "Photo by Zhang Yi")


def test_alt_text_is_the_captions_first_sentence_within_300_characters():
    assert alt_text_from_caption("Pickers at work. The harvest began on Monday.") == "Pickers at work."
    assert (
        alt_text_from_caption("The No. 1 Bathing Beach opens. Crowds came.")
        == "The No. 1 Bathing Beach opens."
    )
    assert alt_text_from_caption('Crowds at the pier. "It was busy," she said.') == "Crowds at the pier."
    assert alt_text_from_caption("采茶工人在崂山茶园工作。收获季节开始了。") == "采茶工人在崂山茶园工作。"
    long_alt = alt_text_from_caption("word " * 100)
    assert len(long_alt) <= 300
    assert long_alt.endswith("word…")


def test_the_alt_text_of_a_caption_on_several_lines_is_one_line():
    assert alt_text_from_caption("Pickers\nat  work. More.") == "Pickers at work."


def test_a_photo_closing_the_page_without_a_caption_has_none_and_the_headline_as_alt_text():
    text = page("Headline", "(x) | 2025-05-26", "Body.", "last.jpg")

    parsed = parse_article_text(text, file_name="p.txt", file_key="p")

    assert [(p.file_name, p.caption, p.credit, p.alt_text) for p in parsed.photos] == [
        ("last.jpg", "", "", "Photo: Headline")
    ]


def test_split_paragraphs_keeps_line_breaks_and_start_lines_and_trims_nbsp():
    lines = ["", "First line\u00a0 ", "second line", "", "", "\u00a0Next paragraph\u00a0"]

    paragraphs = split_paragraphs(lines)

    assert [(p.text, p.line) for p in paragraphs] == [("First line\nsecond line", 2), ("Next paragraph", 6)]


def test_a_non_breaking_space_inside_a_line_is_an_ordinary_space():
    assert [p.text for p in split_paragraphs(["a\u00a0b\u00a0 c"])] == ["a b  c"]


def test_a_summary_over_several_lines_at_the_top_is_the_summary_and_not_the_headline():
    text = "Summary: One line\nand another.\n\nHeadline\n\n(x) | 2025-05-26\n\nBody.\n"

    parsed = parse_article_text(text, file_name="p.txt", file_key="p")

    assert (parsed.summary, parsed.headline, parsed.body) == ("One line and another.", "Headline", "Body.")


def test_blank_out_navigation_keeps_line_numbers():
    lines = ["Regions:", "Laixi", "Regions>", "", "Headline"]

    assert blank_out_navigation(lines, "page.txt") == ["", "", "", "", "Headline"]


def test_navigation_block_that_is_never_closed_is_malformed():
    with pytest.raises(MalformedFile) as error:
        blank_out_navigation(["", "Regions:", "Laixi", "", "Headline"], "page.txt")

    assert str(error.value).startswith("page.txt, line 2: ")


def test_decode_saved_page_names_the_line_of_a_non_utf8_byte():
    with pytest.raises(MalformedFile) as error:
        decode_saved_page(
            "Headline\n\n(chinadaily.com.cn) | 2025-05-26\n\nCaf\xe9".encode("latin-1"), "page.txt"
        )

    assert str(error.value).startswith("page.txt, line 5: not UTF-8")


def test_parse_article_text_of_the_seed_page():
    text = (IMPORT_FILES / SEED_NAME).read_text(encoding="utf-8")

    parsed = parse_article_text(text, file_name=SEED_NAME, file_key="seed")

    assert parsed.headline == "New business center in Qingdao to boost Sino-Russia ties"
    assert parsed.source == "chinadaily.com.cn"
    assert parsed.paragraph_count == 5
    assert [photo.file_name for photo in parsed.photos] == ["27-QD-1.jpg"]
    assert parsed.photos[0].line == 18
    assert "Regions" not in parsed.text_naming_regions
    assert "\u00a0" not in parsed.body
    assert parsed.body == parsed.body.strip()


NOT_AN_ADDRESS = 'is not a web address such as "http://example.com/a.html"'


@pytest.mark.parametrize(
    "text, message",
    [
        (" \n\n", "line 1: the file is empty"),
        ("Regions:\nLaixi\nRegions>\n", "line 3: no headline after the Regions navigation block"),
        ("(x) | 2025-05-26\n\nBody.\n", 'line 1: expected the headline, found "(x) | 2025-05-26"'),
        ("a.jpg\n\nHeadline\n", 'line 1: expected the headline, found "a.jpg"'),
        (
            "word " * 60 + "\n\n(x) | 2025-05-26\n",
            "line 1: the headline is 299 characters long; the most is 255 "
            "(is the blank line after it missing?)",
        ),
        ("\n\nHeadline\n", "line 3: the headline is not followed by a source/date line"),
        (
            "Headline\n\n| Updated: someday\n\nBody.\n",
            'line 3: cannot read the date in "| Updated: someday" '
            '(expected a source/date line such as "(chinadaily.com.cn) | 2025-05-26")',
        ),
        (
            "\nRegions:\nLaixi\n\nHeadline\n",
            'line 2: the "Regions:" block is never closed by a "Regions>" line',
        ),
        *(
            (f"URL: {address}\n\nHeadline\n\n(x) | 2025-05-26\n", f'line 1: "{address}" {NOT_AN_ADDRESS}')
            for address in ("/qingdao/1.htm", "ftp://x.cn/1.htm", "http:///1.htm", "http://x.cn/a b.htm")
        ),
        ("Summary:\n\nHeadline\n\n(x) | 2025-05-26\n", "line 1: the Summary line is empty"),
        ("Headline\n\n(x) | 2025-05-26\n\nsummary :  \n\nBody.\n", "line 5: the Summary line is empty"),
        (
            "URL: http://x.cn/" + "a" * 300 + "\n\nHeadline\n\n(x) | 2025-05-26\n",
            "line 1: the page's address or file name is longer than 255 characters",
        ),
    ],
)
def test_a_page_that_is_not_a_story_is_refused_with_the_line_and_the_reason(text, message):
    with pytest.raises(MalformedFile) as error:
        parse_article_text(text, file_name="p.txt", file_key="file:f/p")

    assert str(error.value) == f"p.txt, {message}"


def test_an_address_from_the_url_map_must_be_a_web_address_and_agree_with_the_pages_own():
    page_text = "Headline\n\n(x) | 2025-05-26\n"
    address = "http://x.cn/a.htm"

    with pytest.raises(MalformedFile) as not_an_address:
        parse_article_text(page_text, file_name="p.txt", file_key="k", old_address="/b.htm")
    with pytest.raises(MalformedFile) as disagreeing:
        parse_article_text(f"URL: {address}\n\n{page_text}", "p.txt", "k", old_address="http://x.cn/b.htm")
    agreeing = parse_article_text(f"URL: {address}\n\n{page_text}", "p.txt", "k", old_address=address)

    assert str(not_an_address.value) == f'p.txt (--url-map), line 1: "/b.htm" {NOT_AN_ADDRESS}'
    assert str(disagreeing.value) == (
        "p.txt, line 1: the page's URL line says http://x.cn/a.htm but --url-map gives http://x.cn/b.htm"
    )
    assert agreeing.old_address == "http://x.cn/a.htm"


def test_a_page_without_a_url_line_takes_its_address_from_the_url_map_and_keeps_its_last_line():
    text = "URL: http://x.cn/a.htm\n\nHeadline\n\n(x) | 2025-05-26\n\nLast words."

    from_the_map = parse_article_text(text[24:], "p.txt", "file:f/p", old_address="http://x.cn/a.htm")
    from_the_page = parse_article_text(text, "p.txt", "file:f/p")

    assert (from_the_map.import_key, from_the_map.old_address) == ("url:x.cn/a.htm", "http://x.cn/a.htm")
    assert from_the_map.body == from_the_page.body == "Last words."


def test_a_page_saved_on_windows_or_an_old_mac_reads_the_same_with_every_part_in_its_place():
    text = (
        "url : https://Www.X.cn/a.htm?id=1#top\r\n\r\nRegions:\r\nLaixi\r\nRegions>\r\n\r\n"
        "Two-line\r\nheadline\r\n\r\nBy Zhang Yi | China Daily\r\n\r\nUpdated: 2024-03-01 09:12\r\n\r\n"
        "SUMMARY: A summary\r\n  on two lines.\r\n\r\n"
        "First paragraph. Second sentence.\r\rb.jpg\r\rCaption. [Credit]\r\rLast paragraph.\r"
    )

    parsed = parse_article_text(text, file_name="p.txt", file_key="file:f/p", legacy_key="p")

    assert parsed == importer.ParsedArticle(
        file_name="p.txt",
        import_key="url:www.x.cn/a.htm?id=1",
        older_keys=("file:f/p", "p"),
        headline="Two-line headline",
        byline="By Zhang Yi",
        source="China Daily",
        published_at=datetime(2024, 3, 1, 9, 12, tzinfo=SHANGHAI),
        body="First paragraph. Second sentence.\n\nLast paragraph.",
        photos=(
            importer.ParsedPhoto(
                file_name="b.jpg",
                caption="Caption.",
                credit="Credit",
                alt_text="Caption.",
                line=19,
                paragraphs_before=1,
            ),
        ),
        summary="A summary on two lines.",
        old_address="https://Www.X.cn/a.htm?id=1#top",
    )


def test_a_binary_file_is_refused_on_its_first_line():
    with pytest.raises(MalformedFile) as error:
        decode_saved_page(b"\x89PNG\r\n\x00\x00", "p.txt")

    assert str(error.value) == "p.txt, line 1: this is a binary file (an image?), not a page saved as text"
    assert decode_saved_page("\ufeffHeadline".encode(), "p.txt") == "Headline"


def test_a_date_line_may_take_three_paragraphs_but_not_four():
    three = "Headline\n\nBy Zhang Yi\n\n(China Daily)\n\nUpdated: 2024-03-01\n\nBody.\n"
    four = "Headline\n\nBy Zhang Yi\n\n(China Daily)\n\n(Xinhua)\n\nUpdated: 2024-03-01\n\nBody.\n"

    parsed = parse_article_text(three, "p.txt", "k")
    with pytest.raises(MalformedFile) as error:
        parse_article_text(four, "p.txt", "k")

    assert (parsed.byline, parsed.source, parsed.published_at, parsed.body) == (
        "By Zhang Yi",
        "China Daily",
        datetime(2024, 3, 1, tzinfo=SHANGHAI),
        "Body.",
    )
    assert str(error.value) == (
        'p.txt, line 3: cannot read the date in "By Zhang Yi" '
        '(expected a source/date line such as "(chinadaily.com.cn) | 2025-05-26")'
    )


def test_two_photos_in_a_row_the_first_without_a_caption():
    text = page("Headline", "(x) | 2025-05-26", "a.jpg", "b.jpg", "Caption of b. [Credit]", "Body.")

    parsed = parse_article_text(text, file_name="p.txt", file_key="p")

    assert [(p.file_name, p.caption, p.credit) for p in parsed.photos] == [
        ("a.jpg", "", ""),
        ("b.jpg", "Caption of b.", "Credit"),
    ]
    assert parsed.photos[0].alt_text == "Photo: Headline"
    assert parsed.body == "Body."


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, expected_slugs",
    [
        ("Tea growers in Qingdao's Laoshan district and farmers in Jimo", ["laoshan", "jimo"]),
        ("IN JIMO, and later in laoshan", ["jimo", "laoshan"]),
        ("莱西的农民", ["laixi"]),
        ("Cranes at the port in Huangdao", ["west-coast-new-area"]),
        ("The West  Coast New Area port", ["west-coast-new-area"]),
        ("A bridge over Jiaozhou Bay, seen from Licang", ["licang"]),
        ("胶州湾大桥", []),
        ("The SCODA in Jiaozhou", ["jiaozhou"]),
        ("Laoshanese tea, Jimotown", []),
        ("A story about the whole of Qingdao", []),
    ],
)
def test_find_named_regions(text, expected_slugs):
    regions = find_named_regions(text, Region.objects.all())

    assert [region.slug for region in regions] == expected_slugs


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, expected_slugs",
    [
        ("Laoshan and Jimo, then Laoshan again", ["laoshan", "jimo"]),
        ("MiniJimo and Jimo2", []),
        ("黄岛的港口", ["west-coast-new-area"]),
    ],
)
def test_regions_are_ordered_by_first_mention_and_named_only_as_whole_words(text, expected_slugs):
    regions = find_named_regions(text, Region.objects.all())

    assert [region.slug for region in regions] == expected_slugs


# --- The command ----------------------------------------------------------------


@pytest.fixture
def seed_folder(tmp_path):
    """The seed page with a real photo for the file name it names, as saved from the old site."""
    folder = tmp_path / "saved"
    folder.mkdir()
    shutil.copy(IMPORT_FILES / SEED_NAME, folder / SEED_NAME)
    write_photo(folder, "27-QD-1.jpg", size=(1200, 800))
    return folder


@pytest.mark.django_db
def test_import_the_seed_page(seed_folder):
    stdout, stderr = run_import(seed_folder / SEED_NAME)

    article = Article.objects.get()
    assert article.import_key == "file:saved/qingdao-sino-russia-business-center"
    assert article.headline == "New business center in Qingdao to boost Sino-Russia ties"
    assert article.source == "chinadaily.com.cn"
    assert article.byline == ""
    assert article.published_at == datetime(2025, 5, 26, tzinfo=SHANGHAI)
    assert article.status == Article.Status.PUBLISHED
    assert article.is_published
    assert list(article.regions.all()) == []
    paragraphs = article.body_text.split("\n\n")
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith(
        "The unveiling ceremony of the China (Shandong) Information Business Center"
    )
    assert paragraphs[-1].endswith("in grain and oil trade.")
    assert "27-QD-1.jpg" not in article.body
    assert "Regions" not in article.body

    photo = article.photos.get()
    assert photo.caption == SEED_CAPTION
    assert photo.credit == "Photo provided to chinadaily.com.cn"
    assert photo.alt_text == SEED_CAPTION
    assert photo.position == 0
    assert (photo.image_width, photo.image_height) == (1200, 800)
    with Image.open(photo.image.path) as image:
        assert image.size == (1200, 800)

    assert "no region named: imported as city-wide" in stdout
    assert article.city_wide and not article.regions.exists()
    assert "Imported 1 of 1 files (1 created, 0 updated)." in stdout
    assert stderr == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "dateline, byline, source, published_at",
    [
        *DATELINE_FORMS,
        ("(chinadaily.com.cn) | Mar 1, 2024", "", "chinadaily.com.cn", datetime(2024, 3, 1)),
    ],
)
def test_each_source_and_date_line_form(tmp_path, dateline, byline, source, published_at):
    path = write_page(tmp_path, "story.txt", page("Headline", dateline, "Body."))

    run_import(path)

    article = Article.objects.get()
    assert (article.byline, article.source) == (byline, source)
    assert article.published_at == published_at.replace(tzinfo=SHANGHAI)


@pytest.mark.django_db
def test_photos_before_inside_and_after_the_body_keep_their_order(tmp_path):
    for name, color in [
        ("before.jpg", (200, 0, 0)),
        ("inside.PNG", (0, 200, 0)),
        ("after.webp", (0, 0, 200)),
    ]:
        write_photo(tmp_path, name, color)
    text = page(
        "Headline",
        "(x) | 2025-05-26",
        "before.jpg",
        "Before the body. [Credit A]",
        "First paragraph.",
        "inside.PNG",
        "Inside the body. [Credit B]",
        "Second paragraph,\nwith a line break.",
        "after.webp",
        "After the body. [Credit C]",
    )

    run_import(write_page(tmp_path, "story.txt", text))

    article = Article.objects.get()
    photos = list(article.photos.all())
    assert [(p.position, p.caption, p.credit) for p in photos] == [
        (0, "Before the body.", "Credit A"),
        (1, "Inside the body.", "Credit B"),
        (2, "After the body.", "Credit C"),
    ]
    assert [p.original_name for p in photos] == ["before.jpg", "inside.PNG", "after.webp"]
    # The first photo is the lead, above the body; the one inside stays between the
    # paragraphs; the one after the body is shown after it.
    before, inside, after = photos
    assert article.body == (
        f'<p>First paragraph.</p><figure data-photo="{inside.pk}"></figure>'
        "<p>Second paragraph,<br>with a line break.</p>"
    )
    assert article.lead_photo == before
    assert article.photos_after_body == [after]
    html = article.body_html
    assert html.index("First paragraph.") < html.index("Inside the body.") < html.index("Second paragraph")
    assert "Inside the body." in html and "[Credit B]" in html


@pytest.mark.django_db
def test_photos_before_the_body_after_the_lead_open_the_body(tmp_path):
    for name in ("lead.jpg", "second.jpg"):
        write_photo(tmp_path, name)
    text = page("Headline", "(x) | 2025-05-26", "lead.jpg", "Lead.", "second.jpg", "Second.", "Only paragraph.")

    run_import(write_page(tmp_path, "story.txt", text))

    article = Article.objects.get()
    lead, second = article.photos.all()
    assert article.body == f'<figure data-photo="{second.pk}"></figure><p>Only paragraph.</p>'
    assert article.lead_photo == lead and article.photos_after_body == []


@pytest.mark.django_db
def test_a_reimport_places_the_new_photos_and_drops_the_old_ones(tmp_path):
    for name in ("a.jpg", "b.jpg"):
        write_photo(tmp_path, name)
    text = page("Headline", "(x) | 2025-05-26", "a.jpg", "A.", "One.", "b.jpg", "B.", "Two.")
    path = write_page(tmp_path, "story.txt", text)
    run_import(path)
    first_b = Article.objects.get().photos.get(caption="B.").pk

    run_import(path)

    article = Article.objects.get()
    new_b = article.photos.get(caption="B.").pk
    assert new_b != first_b
    assert article.body == f'<p>One.</p><figure data-photo="{new_b}"></figure><p>Two.</p>'
    assert article.import_record["fields"] == importer.field_hashes(article)


@pytest.mark.django_db
def test_caption_without_brackets_has_no_credit(tmp_path):
    write_photo(tmp_path, "a.jpg")
    text = page("Headline", "(x) | 2025-05-26", "Body.", "a.jpg", "A lifeguard keeps watch. Swimmers behind.")

    run_import(write_page(tmp_path, "story.txt", text))

    photo = Photo.objects.get()
    assert (photo.caption, photo.credit) == ("A lifeguard keeps watch. Swimmers behind.", "")
    assert photo.alt_text == "A lifeguard keeps watch."


@pytest.mark.django_db
def test_regions_named_in_the_text_not_in_the_navigation(tmp_path):
    text = NAVIGATION + page(
        "Tea harvest begins in Qingdao's Laoshan district",
        "(x) | 2025-05-26",
        "Growers say the season is late.",
        "Buyers came from as far as in Jimo.",
    )

    stdout, _ = run_import(write_page(tmp_path, "story.txt", text))

    assert [r.slug for r in Article.objects.get().regions.all()] == ["jimo", "laoshan"]  # in site order
    assert not Article.objects.get().city_wide
    assert "regions: Laoshan, Jimo (named in the text)" in stdout


@pytest.mark.django_db
def test_a_region_named_only_in_a_caption_counts(tmp_path):
    write_photo(tmp_path, "a.jpg")
    text = page("Headline", "(x) | 2025-05-26", "Body.", "a.jpg", "Grapes in Pingdu. [Credit]")

    run_import(write_page(tmp_path, "story.txt", text))

    assert [r.slug for r in Article.objects.get().regions.all()] == ["pingdu"]


@pytest.mark.django_db
def test_region_option_overrides_the_regions_named_in_the_text(tmp_path):
    path = write_page(tmp_path, "story.txt", page("News from Laoshan", "(x) | 2025-05-26", "Body."))

    stdout, _ = run_import(path, "--region", "jiaozhou", "--region", "shinan")

    assert {r.slug for r in Article.objects.get().regions.all()} == {"jiaozhou", "shinan"}
    assert "regions: Jiaozhou, Shinan (given with --region)" in stdout


@pytest.mark.django_db
def test_unknown_region_is_refused_with_the_valid_slugs(tmp_path):
    path = write_page(tmp_path, "story.txt", page("Headline", "(x) | 2025-05-26", "Body."))

    with pytest.raises(CommandError) as error:
        run_import(path, "--region", "atlantis")

    assert "'atlantis'" in str(error.value)
    assert "laixi, pingdu, jiaozhou" in str(error.value)
    assert "west-coast-new-area" in str(error.value)
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_missing_photo_is_reported_and_the_story_imported_without_it(tmp_path, media_root):
    write_photo(tmp_path, "here.jpg")
    text = page("Headline", "(x) | 2025-05-26", "missing.jpg", "Gone. [C]", "Body.", "here.jpg", "Here. [C]")

    stdout, stderr = run_import(write_page(tmp_path, "story.txt", text))

    article = Article.objects.get()
    assert [(p.caption, p.position) for p in article.photos.all()] == [("Here.", 0)]
    assert "story.txt, line 5: photo missing.jpg not found" in stderr
    assert "1 of 2 photos" in stdout


@pytest.mark.django_db
def test_photos_are_looked_up_in_the_photos_folder(tmp_path):
    photos = tmp_path / "images"
    photos.mkdir()
    write_photo(photos, "a.jpg")
    path = write_page(tmp_path, "story.txt", page("Headline", "(x) | 2025-05-26", "a.jpg", "Caption."))

    run_import(path, "--photos", photos)

    assert Photo.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [b"this is not an image", image_bytes(fmt="JPEG")[:200]],
    ids=["not-an-image", "truncated-jpeg"],
)
def test_broken_image_is_reported_like_a_missing_one(tmp_path, media_root, content):
    (tmp_path / "broken.jpg").write_bytes(content)
    text = page("Headline", "(x) | 2025-05-26", "broken.jpg", "Caption.", "Body.")

    _, stderr = run_import(write_page(tmp_path, "story.txt", text))

    assert Article.objects.get().photos.count() == 0
    assert "photo broken.jpg is not a readable image" in stderr
    assert media_files(media_root) == []


@pytest.mark.django_db
def test_reimport_updates_the_story_instead_of_duplicating_it(
    seed_folder, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_import(seed_folder / SEED_NAME)
    first = Article.objects.get()
    first_photo_file = Path(first.photos.get().image.path)
    first.slug = "kept-by-the-editor"
    first.save()

    edited = (
        (seed_folder / SEED_NAME)
        .read_text(encoding="utf-8")
        .replace("New business center in Qingdao", "New business centre in Qingdao's Jimo")
    )
    (seed_folder / SEED_NAME).write_text(edited, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        stdout, _ = run_import(seed_folder / SEED_NAME)

    article = Article.objects.get()
    assert article.pk == first.pk
    assert article.headline == "New business centre in Qingdao's Jimo to boost Sino-Russia ties"
    assert article.slug == "kept-by-the-editor"
    assert [r.slug for r in article.regions.all()] == ["jimo"]
    assert Photo.objects.count() == 1
    assert not first_photo_file.exists()
    assert media_files(media_root) == files_of_photos(media_root)
    assert "Updated" in stdout and "(0 created, 1 updated)" in stdout


@pytest.mark.django_db
def test_reimport_keeps_the_old_photo_file_until_the_transaction_commits(seed_folder, media_root):
    """Deleting at once would leave the old row pointing at nothing if the transaction rolled back."""
    run_import(seed_folder / SEED_NAME)
    old_file = Path(Photo.objects.get().image.path)

    run_import(seed_folder / SEED_NAME)  # inside the test's transaction: never commits

    assert old_file.exists()
    assert Photo.objects.count() == 1


@pytest.mark.django_db
def test_a_failure_while_writing_leaves_no_story_and_no_files(tmp_path, media_root, monkeypatch):
    write_photo(tmp_path, "a.jpg")
    write_photo(tmp_path, "b.jpg")
    path = write_page(
        tmp_path, "story.txt", page("Headline", "(x) | 2025-05-26", "a.jpg", "A.", "b.jpg", "B.")
    )
    real_save_photo = importer.save_photo

    def fail_on_the_second_photo(article, photo_file, position):
        if position == 1:
            raise RuntimeError("disk full")
        return real_save_photo(article, photo_file, position)

    monkeypatch.setattr(importer, "save_photo", fail_on_the_second_photo)

    with pytest.raises(RuntimeError, match="disk full"):
        run_import(path)

    assert not Article.objects.exists()
    assert not Photo.objects.exists()
    assert media_files(media_root) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, line, problem",
    [
        (b"", 1, "the file is empty"),
        (b"\n   \n\n", 1, "the file is empty"),
        (NAVIGATION.encode(), 6, "no headline after the Regions navigation block"),
        (b"(chinadaily.com.cn) | 2025-05-26\n\nBody.\n", 1, "expected the headline"),
        (b"Headline only\n", 1, "not followed by a source/date line"),
        (b"Headline\n\nThe body starts without a date line.\n", 3, "cannot read the date"),
        (b"Headline\n\n| Updated: someday\n\nBody.\n", 3, 'cannot read the date in "| Updated: someday"'),
        (b"Regions:\nLaixi\n\nHeadline\n\n(x) | 2025-05-26\n", 1, 'never closed by a "Regions>" line'),
        ("Headline\n\n(x) | 2025-05-26\n\nCaf\xe9\n".encode("latin-1"), 5, "not UTF-8"),
        (image_bytes(fmt="PNG"), 1, "binary file"),
    ],
    ids=[
        "empty",
        "only-blank-lines",
        "only-navigation",
        "no-headline",
        "no-date-line",
        "body-instead-of-date-line",
        "unreadable-date",
        "unclosed-navigation",
        "not-utf8",
        "binary",
    ],
)
def test_malformed_file_is_refused_naming_file_and_line(tmp_path, media_root, content, line, problem):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)

    with pytest.raises(CommandError) as error:
        run_import(path)

    assert f"{path}, line {line}: " in str(error.value)
    assert problem in str(error.value)
    assert not Article.objects.exists()
    assert media_files(media_root) == []


@pytest.mark.django_db
def test_unreadable_date_is_reported_on_its_line_after_the_navigation(tmp_path):
    """Line numbers count the navigation block, so they match what an editor sees in the file."""
    text = NAVIGATION + "Headline\n\n| Updated: someday\n\nBody.\n"
    path = write_page(tmp_path, "bad.txt", text)

    with pytest.raises(
        CommandError, match=r"bad\.txt, line 10: cannot read the date in \"\| Updated: someday\""
    ):
        run_import(path)


@pytest.mark.django_db
def test_several_files_one_bad_imports_the_good_ones_and_fails(tmp_path):
    good_one = write_page(tmp_path, "good-one.txt", page("First good story", "(x) | 2025-05-26", "Body."))
    bad = write_page(tmp_path, "bad.txt", "Headline\n\n| Updated: someday\n")
    missing = tmp_path / "missing.txt"
    good_two = write_page(tmp_path, "good-two.txt", page("Second good story", "(x) | 2025-05-27", "Body."))

    with pytest.raises(CommandError) as error:
        run_import(good_one, bad, missing, good_two)

    headlines = set(Article.objects.values_list("headline", flat=True))
    assert headlines == {"First good story", "Second good story"}
    message = str(error.value)
    assert message.startswith("2 of 4 files could not be imported")
    assert f"{bad}, line 3: cannot read the date" in message
    assert f"{missing}: cannot read the file" in message


@pytest.mark.django_db
def test_dry_run_writes_nothing(seed_folder, media_root):
    stdout, _ = run_import(seed_folder / SEED_NAME, "--dry-run")

    assert not Article.objects.exists()
    assert not Photo.objects.exists()
    assert media_files(media_root) == []
    assert 'Would create "New business center in Qingdao to boost Sino-Russia ties"' in stdout
    assert "Nothing was written." in stdout


@pytest.mark.django_db
def test_dry_run_still_fails_on_a_malformed_file(tmp_path):
    path = write_page(tmp_path, "bad.txt", "Headline\n\n| Updated: someday\n")

    with pytest.raises(CommandError, match="bad.txt, line 3"):
        run_import(path, "--dry-run")


@pytest.mark.django_db
def test_status_draft(tmp_path):
    path = write_page(tmp_path, "story.txt", page("Headline", "(x) | 2025-05-26", "Body."))

    run_import(path, "--status", "draft")

    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.published_at == datetime(2025, 5, 26, tzinfo=SHANGHAI)
    assert not Article.objects.published().exists()


@pytest.mark.django_db
def test_verbosity_zero_prints_nothing(seed_folder):
    stdout, stderr = run_import(seed_folder / SEED_NAME, verbosity=0)

    assert (stdout, stderr) == ("", "")
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_html_in_an_imported_story_is_shown_as_text_not_run(tmp_path, client):
    text = page(
        'Mayor <script>alert("headline")</script> visits',
        "(x) | 2025-05-26",
        'A paragraph with <script>alert("body")</script> and <b>bold</b>.',
    )
    run_import(write_page(tmp_path, "story.txt", text))
    article = Article.objects.get()

    response = client.get(article.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>" not in html
    assert "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&quot;body&quot;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&quot;headline&quot;)&lt;/script&gt;" in html


# --- Time zone (issue 15 item 9) -------------------------------------------------


@pytest.mark.django_db
@override_settings(TIME_ZONE="UTC")
def test_imported_times_are_beijing_time_when_the_site_runs_on_utc(tmp_path):
    path = write_page(tmp_path, "story.txt", page("Headline", "(x) | Updated: 2024-03-01 09:12", "Body."))

    stdout, _ = run_import(path)

    assert Article.objects.get().published_at == datetime(2024, 3, 1, 1, 12, tzinfo=UTC)
    assert "x | 2024-03-01 09:12;" in stdout  # reported as the page says it


# --- Summaries (issue 15 item 11) --------------------------------------------------


@pytest.mark.django_db
def test_a_page_without_a_summary_gets_its_first_sentence(seed_folder):
    run_import(seed_folder / SEED_NAME)

    article = Article.objects.get()
    assert article.summary == (
        "The unveiling ceremony of the China (Shandong) Information Business Center of Novosibirsk, "
        "Russia, took place at the China-SCO Local Economic and Trade Cooperation Demonstration Area "
        "(SCODA) on May 23."
    )


@pytest.mark.django_db
def test_two_short_sentences_make_the_summary(tmp_path):
    body = "Tea picking began on Monday. Growers expect a good year. Prices are up.\n\nSecond paragraph."
    run_import(write_page(tmp_path, "story.txt", page("Headline", "(x) | 2025-05-26", body)))

    assert Article.objects.get().summary == "Tea picking began on Monday. Growers expect a good year."


@pytest.mark.django_db
def test_a_chinese_summary_is_cut_by_characters_not_the_whole_body(tmp_path):
    first = "崂山区" + "茶园" * 80 + "开始采茶"  # one long sentence with no spaces and no full stop
    text = page("崂山春茶开采", "(x) | 2025-05-26", first, "第二段。")
    run_import(write_page(tmp_path, "story.txt", text))

    summary = Article.objects.get().summary
    assert 0 < len(summary) <= 100
    assert summary.startswith("崂山区茶园")
    assert summary.endswith("…")


@pytest.mark.django_db
def test_a_chinese_summary_ends_at_a_full_stop(tmp_path):
    first, second = "崂山区的茶园开始了春季采茶。", "今年的采茶季比去年晚了一周。"
    body = first + second + "茶农说，晚一点的茶味道更好，游客也更多了。"
    run_import(write_page(tmp_path, "story.txt", page("崂山春茶开采", "(x) | 2025-05-26", body, "第二段。")))

    assert Article.objects.get().summary == first + second


@pytest.mark.django_db
def test_a_summary_line_on_the_page_is_used_as_it_is(tmp_path):
    text = page("Headline", "(x) | 2025-05-26", "Summary: Picking began early.", "First paragraph. More.")

    run_import(write_page(tmp_path, "story.txt", text))

    article = Article.objects.get()
    assert article.summary == "Picking began early."
    assert article.body == "<p>First paragraph. More.</p>"


@pytest.mark.django_db
def test_a_one_sentence_story_has_no_summary_repeating_it(tmp_path):
    run_import(write_page(tmp_path, "story.txt", page("Headline", "(x) | 2025-05-26", "Only this.")))

    assert Article.objects.get().summary == ""


# --- Re-imports never undo the newsroom's work (issue 15 item 2) -----------------------


def edit_page(path, old, new):
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


@pytest.mark.django_db
def test_reimport_skips_a_story_edited_in_the_newsroom_unless_forced(seed_folder):
    run_import(seed_folder / SEED_NAME)
    article = Article.objects.get()
    article.headline = "Novosibirsk opens a business centre in Qingdao"  # an editor's fix
    article.save()
    edit_page(seed_folder / SEED_NAME, "This event marks", "The event marks")

    stdout, stderr = run_import(seed_folder / SEED_NAME)

    article.refresh_from_db()
    assert article.headline == "Novosibirsk opens a business centre in Qingdao"
    assert "This event marks" in article.body
    edited = "edited in the newsroom since the last import"
    assert f"Skipped {seed_folder / SEED_NAME}: {edited} (headline)" in stderr
    assert "1 skipped" in stdout

    stdout, stderr = run_import(seed_folder / SEED_NAME, "--force")

    article.refresh_from_db()
    assert article.headline == "New business center in Qingdao to boost Sino-Russia ties"
    assert "The event marks" in article.body
    assert "(0 created, 1 updated)" in stdout


@pytest.mark.django_db
def test_reimport_never_republishes_a_story_the_newsroom_unpublished(seed_folder):
    run_import(seed_folder / SEED_NAME)
    article = Article.objects.get()
    article.status = Article.Status.DRAFT
    article.save()

    _, stderr = run_import(seed_folder / SEED_NAME)

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert "edited in the newsroom since the last import (status)" in stderr

    edit_page(seed_folder / SEED_NAME, "(chinadaily.com.cn) | 2025-05-26", "(chinadaily.com.cn) | 2025-06-01")
    run_import(seed_folder / SEED_NAME, "--force")

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.published_at == datetime(2025, 5, 26, tzinfo=SHANGHAI)
    assert not Article.objects.published().exists()


@pytest.mark.django_db
def test_reimport_of_an_unedited_story_keeps_its_status_and_publication_time(seed_folder):
    run_import(seed_folder / SEED_NAME, "--status", "draft")
    edit_page(seed_folder / SEED_NAME, "(chinadaily.com.cn) | 2025-05-26", "(chinadaily.com.cn) | 2025-06-01")
    edit_page(seed_folder / SEED_NAME, "This event marks", "The event marks")

    stdout, _ = run_import(seed_folder / SEED_NAME)  # --status published is the default

    article = Article.objects.get()
    assert "The event marks" in article.body
    assert article.status == Article.Status.DRAFT
    assert article.published_at == datetime(2025, 5, 26, tzinfo=SHANGHAI)
    assert "(0 created, 1 updated)" in stdout


@pytest.mark.django_db
def test_reimport_keeps_regions_an_editor_chose(seed_folder):
    run_import(seed_folder / SEED_NAME)
    article = Article.objects.get()
    article.regions.set([Region.objects.get(slug="jiaozhou")])

    _, stderr = run_import(seed_folder / SEED_NAME)

    assert [r.slug for r in article.regions.all()] == ["jiaozhou"]
    assert "(regions)" in stderr


@pytest.mark.django_db
def test_reimport_keeps_photos_added_in_the_admin(
    seed_folder, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_import(seed_folder / SEED_NAME)
    article = Article.objects.get()
    imported_file = Path(article.photos.get().image.path)
    added = make_photo(article, position=1, caption="Added in the newsroom.")
    added_file = Path(added.image.path)

    with django_capture_on_commit_callbacks(execute=True):
        stdout, _ = run_import(seed_folder / SEED_NAME)

    assert "(0 created, 1 updated)" in stdout
    assert Photo.objects.filter(pk=added.pk).exists()
    assert added_file.exists()
    assert [p.caption for p in article.photos.all()] == [SEED_CAPTION, "Added in the newsroom."]
    assert not imported_file.exists()  # the imported photo was replaced by the page's
    assert media_files(media_root) == files_of_photos(media_root)


@pytest.mark.django_db
def test_reimport_skips_a_story_whose_imported_photo_caption_was_edited(seed_folder):
    run_import(seed_folder / SEED_NAME)
    Photo.objects.update(caption="A better caption.")

    _, stderr = run_import(seed_folder / SEED_NAME)

    assert Photo.objects.get().caption == "A better caption."
    assert "(photos)" in stderr


@pytest.mark.django_db
def test_dry_run_says_which_stories_would_be_skipped(seed_folder):
    run_import(seed_folder / SEED_NAME)
    Article.objects.update(byline="By an editor")

    stdout, stderr = run_import(seed_folder / SEED_NAME, "--dry-run")

    edited = "edited in the newsroom since the last import"
    assert f"Would skip {seed_folder / SEED_NAME}: {edited} (byline)" in stderr
    assert "0 new, 0 updates, 1 skipped" in stdout
    assert Article.objects.get().byline == "By an editor"


# --- A failed cleanup after the commit (issue 15 item 4) ------------------------------


class DeleteFailsStorage(FileSystemStorage):
    """Media storage that cannot delete the files named in `undeletable` (as on a read-only mount)."""

    undeletable = set()

    def delete(self, name):
        if name in self.undeletable:
            raise PermissionError(f"[Errno 13] Permission denied: '{name}'")
        super().delete(name)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_cleanup_is_logged_and_leaves_the_committed_story_intact(
    seed_folder, media_root, settings, caplog, monkeypatch
):
    run_import(seed_folder / SEED_NAME)
    old_photo = Photo.objects.get()
    old_file = Path(old_photo.image.path)
    monkeypatch.setattr(DeleteFailsStorage, "undeletable", {old_photo.image.name})
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.DeleteFailsStorage"}}
    edit_page(seed_folder / SEED_NAME, "This event marks", "The event marks")

    with caplog.at_level(logging.ERROR, logger="articles.models"):
        stdout, _ = run_import(seed_folder / SEED_NAME)

    article = Article.objects.get()
    assert "The event marks" in article.body
    new_file = Path(article.photos.get().image.path)
    assert new_file != old_file
    assert new_file.exists()
    assert old_file.exists()  # could not be deleted: left behind, and said so
    assert "(0 created, 1 updated)" in stdout
    assert f"Could not delete the unused photo file {old_photo.image.name}; delete it by hand" in [
        record.getMessage() for record in caplog.records if record.name == "articles.models"
    ]


# --- A page is known by its address or its folder and name (issue 19 item 7) --------------


def laoshan_page():
    return page(
        "Laoshan tea growers begin spring harvest",
        "(chinadaily.com.cn) | 2025-05-08",
        "tea.jpg",
        "Pickers in a Laoshan tea garden. [Photo by Zhang Yi]",
        "Tea gardens across Laoshan district have started the spring harvest.",
    )


def jimo_page():
    return page(
        "Jimo old town lights its lanterns",
        "(chinadaily.com.cn) | 2025-02-12",
        "The lantern festival in Jimo drew crowds on Wednesday.",
    )


@pytest.fixture
def two_folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    write_photo(a, "tea.jpg")
    return write_page(a, "story.txt", laoshan_page()), write_page(b, "story.txt", jimo_page())


@pytest.mark.django_db
def test_two_same_named_pages_from_two_folders_are_two_stories(
    two_folders, media_root, django_capture_on_commit_callbacks
):
    laoshan, jimo = two_folders
    with django_capture_on_commit_callbacks(execute=True):
        run_import(laoshan)
    photo_file = Path(Photo.objects.get().image.path)

    with django_capture_on_commit_callbacks(execute=True):
        stdout, _ = run_import(jimo)

    assert "(1 created, 0 updated)" in stdout
    assert Article.objects.count() == 2
    laoshan_story = Article.objects.get(headline="Laoshan tea growers begin spring harvest")
    assert [r.slug for r in laoshan_story.regions.all()] == ["laoshan"]
    assert laoshan_story.photos.count() == 1
    assert photo_file.exists()
    jimo_story = Article.objects.get(headline="Jimo old town lights its lanterns")
    assert [r.slug for r in jimo_story.regions.all()] == ["jimo"]


@pytest.mark.django_db
def test_two_same_named_pages_in_one_run_are_two_stories(two_folders):
    stdout, _ = run_import(*two_folders)

    assert "(2 created, 0 updated)" in stdout
    assert Article.objects.count() == 2


@pytest.mark.django_db
def test_a_page_saved_over_with_another_story_is_refused_unless_replace(two_folders):
    laoshan, jimo = two_folders
    run_import(laoshan)
    laoshan.write_text(jimo.read_text(encoding="utf-8"), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        run_import(laoshan)

    assert f"{laoshan}: " in str(error.value)
    assert "--replace" in str(error.value)
    assert Article.objects.get().headline == "Laoshan tea growers begin spring harvest"
    assert Photo.objects.count() == 1

    run_import(laoshan, "--replace")

    assert Article.objects.get().headline == "Jimo old town lights its lanterns"


@pytest.mark.django_db
def test_a_corrected_headline_on_the_same_date_is_the_same_story(two_folders):
    laoshan, _ = two_folders
    run_import(laoshan)
    edit_page(laoshan, "begin spring harvest", "begin the spring harvest")

    stdout, _ = run_import(laoshan)

    assert Article.objects.get().headline == "Laoshan tea growers begin the spring harvest"
    assert "(0 created, 1 updated)" in stdout


@pytest.mark.django_db
def test_a_page_with_an_old_address_is_known_by_it_wherever_it_is_saved(tmp_path):
    text = "URL: http://www.chinadaily.com.cn/a/201603/14/WS1.html\n\n" + jimo_page()
    first = write_page(tmp_path, "jimo.txt", text)
    (tmp_path / "later").mkdir()
    second = write_page(tmp_path / "later", "lanterns.txt", text.replace("drew crowds", "drew big crowds"))

    run_import(first)
    stdout, _ = run_import(second)

    article = Article.objects.get()
    assert article.import_key == "url:www.chinadaily.com.cn/a/201603/14/WS1.html"
    assert "drew big crowds" in article.body
    assert "(0 created, 1 updated)" in stdout


@pytest.mark.parametrize(
    "address, same_page, other",
    [
        ("http://www.chinadaily.com.cn/a/1.html", "https://WWW.ChinaDaily.com.cn/a/1.html#photos", None),
        ("http://www.chinadaily.com.cn", "http://www.chinadaily.com.cn/", "http://www.chinadaily.com.cn/a"),
        (
            "http://qingdao.chinadaily.com.cn/show.asp?id=12",
            "https://qingdao.chinadaily.com.cn/show.asp?id=12#top",
            "http://qingdao.chinadaily.com.cn/show.asp?id=13",
        ),
    ],
)
def test_an_old_address_is_known_by_host_path_and_query_not_scheme_or_fragment(address, same_page, other):
    assert importer.url_key(address) == importer.url_key(same_page)
    assert importer.url_key(address) != importer.url_key(other or "http://www.chinadaily.com.cn/a/2.html")


@pytest.mark.django_db
def test_two_pages_with_the_same_old_address_in_one_run_are_refused(tmp_path):
    text = "URL: https://www.chinadaily.com.cn/a/1.html\n\n" + jimo_page()
    first = write_page(tmp_path, "one.txt", text)
    second = write_page(tmp_path, "two.txt", text)

    with pytest.raises(CommandError, match="same old address"):
        run_import(first, second)

    assert Article.objects.count() == 1


def import_the_old_way(path):
    """A story as the importer left it before pages had keys and records: keyed by the bare file name."""
    run_import(path)
    Article.objects.filter(import_key__endswith="/" + path.stem).update(
        import_key=path.stem, import_record=None, imported_at=None
    )
    Photo.objects.update(import_file_name="")


@pytest.mark.django_db
def test_a_story_imported_under_the_bare_file_name_is_still_found(two_folders):
    laoshan, jimo = two_folders
    import_the_old_way(laoshan)
    story = Article.objects.get()
    added = make_photo(story, position=1, caption="Added in the newsroom.")

    _, stderr = run_import(laoshan)  # no record of what the old import wrote: not overwritten

    assert Article.objects.get().import_key == "story"
    assert f"Skipped {laoshan}: imported before" in stderr

    run_import(laoshan, "--force")

    story = Article.objects.get()
    assert story.import_key == "file:a/story"
    # The old import's photo (stored under the page's file name) was replaced; the added one kept.
    assert [(p.caption, p.import_file_name) for p in story.photos.all()] == [
        ("Pickers in a Laoshan tea garden.", "tea.jpg"),
        ("Added in the newsroom.", ""),
    ]
    assert Photo.objects.filter(pk=added.pk).exists()


@pytest.mark.django_db
def test_an_unrelated_page_with_the_same_bare_file_name_is_a_new_story(two_folders):
    laoshan, jimo = two_folders
    import_the_old_way(laoshan)

    stdout, _ = run_import(jimo)

    assert "(1 created, 0 updated)" in stdout
    assert set(Article.objects.values_list("import_key", flat=True)) == {"story", "file:b/story"}
    assert Article.objects.get(import_key="story").headline == "Laoshan tea growers begin spring harvest"


@pytest.mark.django_db
def test_every_photo_an_old_import_stored_under_a_page_photo_name_is_replaced_on_refresh(tmp_path):
    """
    Old imports kept the page's photo name (in any case, "_" and seven characters added when
    it was taken); such photos are the page's and are replaced, every other one was added in the admin.
    """
    write_photo(tmp_path, "tea.jpg")
    write_photo(tmp_path, "pier.jpg")
    path = write_page(
        tmp_path,
        "story.txt",
        page("Headline", "(x) | 2025-05-26", "tea.jpg", "Tea. [A]", "Body.", "pier.jpg", "Pier. [B]"),
    )
    import_the_old_way(path)
    story = Article.objects.get()
    Photo.objects.filter(caption="Tea.").update(original_name="TEA.JPG")
    Photo.objects.filter(caption="Pier.").update(original_name="pier_Ab3dE9z.jpg")
    added = make_photo(story, position=2, caption="Added in the newsroom.")
    Photo.objects.filter(pk=added.pk).update(original_name="pier_too-long.jpg")

    run_import(path, "--force")

    assert [(p.caption, p.import_file_name) for p in story.photos.order_by("position", "pk")] == [
        ("Tea.", "tea.jpg"),
        ("Pier.", "pier.jpg"),
        ("Added in the newsroom.", ""),
    ]


@pytest.mark.parametrize(
    "text, max_length, expected",
    [
        ("exactly eleven", 14, "exactly eleven"),
        ("one two three", 10, "one two…"),
        ("one, two; three", 10, "one…"),
        ("一二三，四五六", 5, "一二三…"),
        ("abcdefghij", 5, "abcd…"),
        ("TAXX DAY", 5, "TAXX…"),
    ],
)
def test_shorten_cuts_at_a_word_boundary_without_trailing_punctuation(text, max_length, expected):
    shortened = importer.shorten(text, max_length)

    assert shortened == expected
    assert len(shortened) <= max_length


@pytest.mark.parametrize(
    "text, expected",
    [("", False), ("ab中文", False), ("a中文", True), ("ＡＢc", True), ("中文。。。。。ab", False)],
)
def test_mostly_wide_counts_letters_and_digits_only(text, expected):
    assert importer.is_mostly_wide(text) is expected


@pytest.mark.parametrize(
    "body, summary",
    [
        ("First one. Second one. Third one.", "First one. Second one."),
        ("Only sentence.\n\nSecond paragraph.", "Only sentence."),
        ("Only sentence.", ""),
        ("Only   sentence,\nspread out.", ""),
        ("A" * 200 + ". " + "B" * 60 + ".", "A" * 200 + "."),
        ("word " * 60, ("word " * 49).strip() + "…"),
        ("第一句。第二句。第三句。", "第一句。第二句。"),
        ("中" * 90 + "。" + "文" * 20 + "。", "中" * 90 + "。"),
    ],
)
def test_the_summary_is_the_first_paragraphs_first_sentence_or_two_within_its_length(body, summary):
    assert importer.summary_from_body(body) == summary


@pytest.mark.django_db
def test_a_page_whose_address_names_another_story_is_refused_saying_which_and_how_to_proceed(tmp_path):
    path = write_page(tmp_path, "story.txt", "URL: http://x.cn/a.htm\n\n" + laoshan_page())
    write_photo(tmp_path, "tea.jpg")
    run_import(path)
    path.write_text("URL: http://x.cn/a.htm\n\n" + jimo_page(), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        run_import(path)

    assert str(error.value) == (
        f"1 of 1 files could not be imported:\n{path}: the story imported from this page before, "
        '"Laoshan tea growers begin spring harvest" (2025-05-08), has another headline and date than the page '
        '("Jimo old town lights its lanterns", 2025-02-12). Nothing was changed; use --replace to overwrite '
        "that story with this page, or save the page under a new name."
    )
    assert Article.objects.get().headline == "Laoshan tea growers begin spring harvest"


@pytest.mark.django_db
def test_every_page_naming_another_story_is_reported_not_only_the_first(tmp_path):
    first = write_page(tmp_path, "first.txt", "URL: http://x.cn/a.htm\n\n" + jimo_page())
    second = write_page(tmp_path, "second.txt", "URL: http://x.cn/b.htm\n\n" + page("Ferry times change"))
    run_import(first, second)
    first.write_text("URL: http://x.cn/a.htm\n\n" + page("Metro line 6 opens"), encoding="utf-8")
    other_story = page("Bridge opens", "(chinadaily.com.cn) | 2025-03-01")
    second.write_text("URL: http://x.cn/b.htm\n\n" + other_story, encoding="utf-8")

    with pytest.raises(CommandError) as error:
        run_import(first, second)

    message = str(error.value)
    assert message.startswith("2 of 2 files could not be imported:\n")
    assert f"{first}: the story imported from this page before" in message
    assert f"{second}: the story imported from this page before" in message
    assert sorted(Article.objects.values_list("headline", flat=True)) == [
        "Ferry times change",
        "Jimo old town lights its lanterns",
    ]


@pytest.mark.django_db
def test_a_corrected_date_under_the_same_headline_is_the_same_story(two_folders):
    laoshan, _ = two_folders
    run_import(laoshan)
    edit_page(laoshan, "2025-05-08", "2025-05-09")

    stdout, _ = run_import(laoshan)

    assert Article.objects.count() == 1
    assert "(0 created, 1 updated)" in stdout


@pytest.mark.django_db
def test_a_story_whose_headline_and_time_the_newsroom_changed_is_still_the_pages_story(two_folders):
    """Known by the page it was imported from, not by what the newsroom made of it: skipped, not refused."""
    laoshan, _ = two_folders
    run_import(laoshan)
    Article.objects.update(headline="Tea harvest begins", published_at=datetime(2025, 6, 1, tzinfo=UTC))

    _, stderr = run_import(laoshan)

    assert stderr == (
        f"Skipped {laoshan}: edited in the newsroom since the last import (headline, published_at); "
        "--force to refresh it from the page\n"
    )


@pytest.mark.django_db
def test_a_story_imported_before_records_were_kept_is_skipped_saying_why(two_folders):
    laoshan, _ = two_folders
    import_the_old_way(laoshan)

    _, stderr = run_import(laoshan)

    assert stderr == (
        f"Skipped {laoshan}: imported before the importer kept a record of what it wrote, so the newsroom's "
        "edits cannot be told apart; --force to refresh it from the page\n"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "photo_change",
    [
        {"credit": "Photo by the newsroom"},
        {"alt_text": "A better description."},
        {"position": 3},
        {"image": "photos/2025/05/another.jpg"},
        {"import_file_name": "other.jpg"},
    ],
)
def test_reimport_skips_a_story_whose_imported_photo_the_newsroom_changed_in_any_way(seed_folder, photo_change):
    run_import(seed_folder / SEED_NAME)
    Photo.objects.update(**photo_change)

    _, stderr = run_import(seed_folder / SEED_NAME)

    assert stderr == (
        f"Skipped {seed_folder / SEED_NAME}: edited in the newsroom since the last import (photos); "
        "--force to refresh it from the page\n"
    )


@pytest.mark.django_db
def test_reimport_skips_a_story_the_newsroom_took_back_to_an_undated_draft(seed_folder):
    run_import(seed_folder / SEED_NAME)
    Article.objects.update(status=Article.Status.DRAFT, published_at=None)

    _, stderr = run_import(seed_folder / SEED_NAME)

    assert "edited in the newsroom since the last import (status, published_at)" in stderr
    assert Article.objects.get().published_at is None


def test_the_hashes_in_import_records_never_change_so_earlier_records_still_match():
    assert importer.short_hash("崂山茶") == "2d46d16ce1d6d63b"
    assert importer.short_hash([3, 5]) == "c009b8af98ea96ee"


@pytest.mark.django_db
def test_an_import_record_hashes_the_stories_region_ids_in_order(tmp_path):
    path = write_page(tmp_path, "story.txt", page("A story", "(x) | 2025-05-26", "Body."))

    run_import(path, "--region", "laoshan", "--region", "laixi")

    ids = sorted(Region.objects.filter(slug__in=["laoshan", "laixi"]).values_list("pk", flat=True))
    record = Article.objects.get().import_record
    assert record["fields"]["regions"] == importer.short_hash(ids)
    assert record["page"] == {"headline": "A story", "date": "2025-05-26"}


@pytest.mark.django_db
def test_imported_at_is_the_time_of_the_last_import_that_wrote_the_story(seed_folder):
    before = timezone.now()
    run_import(seed_folder / SEED_NAME)
    first = Article.objects.get().imported_at

    run_import(seed_folder / SEED_NAME)
    refreshed = Article.objects.get().imported_at
    Article.objects.update(byline="By an editor")
    run_import(seed_folder / SEED_NAME)

    assert before <= first < refreshed <= timezone.now()
    assert Article.objects.get().imported_at == refreshed  # skipped: not written
