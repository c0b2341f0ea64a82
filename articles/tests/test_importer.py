"""
The old-site importer: the parser on its own, and `manage.py import_articles` end to end
with real text files, real images made with Pillow, and the real database.
"""

import shutil
from datetime import datetime
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from articles import importer
from articles.importer import (
    MalformedFile,
    alt_text_from_caption,
    blank_out_navigation,
    decode_saved_page,
    find_named_regions,
    is_photo_file_name,
    parse_article_text,
    parse_date,
    parse_dateline,
    split_caption_and_credit,
    split_paragraphs,
)
from articles.models import Article, Photo
from articles.tests.factories import image_bytes
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


# The date-line forms old pages use: (line, byline, source, naive local time).
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
    dateline = parse_dateline(line)

    assert (dateline.byline, dateline.source) == (byline, source)
    assert dateline.published_at == published_at.replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "line",
    ["| Updated: someday", "(chinadaily.com.cn)", "By Zhang Yi | China Daily", "2025-13-40", ""],
)
def test_parse_dateline_refuses_a_line_without_a_readable_date(line):
    with pytest.raises(ValueError, match="cannot read the date"):
        parse_dateline(line)


def test_parse_date_is_beijing_time_whatever_the_current_time_zone():
    """The old site's times are local; a time read at 09:12 is 01:12 UTC."""
    assert parse_date("2024-03-01 09:12").isoformat() == "2024-03-01T09:12:00+08:00"
    assert parse_date("someday") is None


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


def test_split_paragraphs_keeps_line_breaks_and_start_lines_and_trims_nbsp():
    lines = ["", "First line\u00a0 ", "second line", "", "", "\u00a0Next paragraph\u00a0"]

    paragraphs = split_paragraphs(lines)

    assert [(p.text, p.line) for p in paragraphs] == [("First line\nsecond line", 2), ("Next paragraph", 6)]


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

    parsed = parse_article_text(text, file_name=SEED_NAME, import_key="seed")

    assert parsed.headline == "New business center in Qingdao to boost Sino-Russia ties"
    assert parsed.source == "chinadaily.com.cn"
    assert parsed.paragraph_count == 5
    assert [photo.file_name for photo in parsed.photos] == ["27-QD-1.jpg"]
    assert parsed.photos[0].line == 18
    assert "Regions" not in parsed.text_naming_regions
    assert "\u00a0" not in parsed.body
    assert parsed.body == parsed.body.strip()


def test_two_photos_in_a_row_the_first_without_a_caption():
    text = page("Headline", "(x) | 2025-05-26", "a.jpg", "b.jpg", "Caption of b. [Credit]", "Body.")

    parsed = parse_article_text(text, file_name="p.txt", import_key="p")

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
    assert article.import_key == "qingdao-sino-russia-business-center"
    assert article.headline == "New business center in Qingdao to boost Sino-Russia ties"
    assert article.source == "chinadaily.com.cn"
    assert article.byline == ""
    assert article.published_at == datetime(2025, 5, 26, tzinfo=SHANGHAI)
    assert article.status == Article.Status.PUBLISHED
    assert article.is_published
    assert list(article.regions.all()) == []
    paragraphs = article.body.split("\n\n")
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
    assert article.body == "First paragraph.\n\nSecond paragraph,\nwith a line break."
    photos = list(article.photos.all())
    assert [(p.position, p.caption, p.credit) for p in photos] == [
        (0, "Before the body.", "Credit A"),
        (1, "Inside the body.", "Credit B"),
        (2, "After the body.", "Credit C"),
    ]
    assert [p.original_name for p in photos] == ["before.jpg", "inside.PNG", "after.webp"]


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
    assert len(media_files(media_root)) == 1
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

    assert set(Article.objects.values_list("import_key", flat=True)) == {"good-one", "good-two"}
    message = str(error.value)
    assert message.startswith("2 of 4 files could not be imported")
    assert f"{bad}, line 3: cannot read the date" in message
    assert f"{missing}: cannot read the file" in message


@pytest.mark.django_db
def test_two_files_with_the_same_name_in_one_run_are_not_merged(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write_page(tmp_path / "a", "story.txt", page("From a", "(x) | 2025-05-26", "Body."))
    second = write_page(tmp_path / "b", "story.txt", page("From b", "(x) | 2025-05-26", "Body."))

    with pytest.raises(CommandError, match="same name"):
        run_import(first, second)

    assert Article.objects.get().headline == "From a"


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
