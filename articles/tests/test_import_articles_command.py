"""
`manage.py import_articles`: what it tells the editor, line by line, and dry
runs that honour --force and --replace (test_importer.py covers the import itself).
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.management.commands.import_articles import Command as ImportArticles
from articles.management.commands.import_articles import read_url_map
from articles.models import Article
from articles.tests.test_importer import (  # noqa: F401 (fixtures)
    SEED_NAME,
    jimo_page,
    media_root,
    page,
    run_import,
    seed_folder,
    two_folders,
    write_page,
    write_photo,
)

pytestmark = pytest.mark.django_db


def test_the_report_of_a_story_names_its_regions_date_line_paragraphs_and_photo(seed_folder):
    stdout, _ = run_import(seed_folder / SEED_NAME)

    assert stdout.splitlines()[1:3] == [
        "  no region named: imported as city-wide",
        "  chinadaily.com.cn | 2025-05-26 00:00; 5 paragraphs, 1 photo",
    ]


@pytest.mark.parametrize(
    "photo_lines, photo_files, count",
    [
        ([], [], "0 photos"),
        (["a.jpg", "b.jpg"], ["a.jpg", "b.jpg"], "2 photos"),
        (["a.jpg", "b.jpg"], ["a.jpg"], "1 of 2 photos"),
    ],
)
def test_the_report_counts_the_photos_found_of_those_the_page_names(tmp_path, photo_lines, photo_files, count):
    for name in photo_files:
        write_photo(tmp_path, name)
    path = write_page(tmp_path, "story.txt", page("A story", "(x) | 2025-05-26", "Body.", *photo_lines))

    stdout, _ = run_import(path)

    assert "  x | 2025-05-26 00:00; 1 paragraphs, " + count in stdout.splitlines()


def test_every_unknown_region_is_named(tmp_path):
    path = write_page(tmp_path, "story.txt", page())

    with pytest.raises(CommandError, match=r"^Unknown region 'atlantis', 'lemuria'\. Valid region slugs: laixi, "):
        run_import(path, "--region", "atlantis", "--region", "laixi", "--region", "lemuria")


def test_a_dry_run_with_force_would_update_a_story_edited_in_the_newsroom(seed_folder):
    run_import(seed_folder / SEED_NAME)
    Article.objects.update(headline="Novosibirsk opens a business centre in Qingdao")

    stdout, stderr = run_import(seed_folder / SEED_NAME, "--dry-run", "--force")

    assert 'Would update "New business center in Qingdao to boost Sino-Russia ties"' in stdout
    assert "(0 new, 1 updates, 0 skipped)" in stdout
    assert stderr == ""
    assert Article.objects.get().headline == "Novosibirsk opens a business centre in Qingdao"


def test_a_dry_run_with_replace_would_overwrite_a_page_saved_over_with_another_story(two_folders):
    laoshan, jimo = two_folders
    run_import(laoshan)
    laoshan.write_text(jimo.read_text(encoding="utf-8"), encoding="utf-8")

    with pytest.raises(CommandError, match="--replace"):
        run_import(laoshan, "--dry-run")
    stdout, _ = run_import(laoshan, "--dry-run", "--replace")

    assert 'Would update "Jimo old town lights its lanterns"' in stdout
    assert Article.objects.get().headline == "Laoshan tea growers begin spring harvest"


def test_a_skipped_story_is_reported_with_how_to_refresh_it(seed_folder):
    run_import(seed_folder / SEED_NAME)
    Article.objects.update(byline="By an editor")

    _, stderr = run_import(seed_folder / SEED_NAME)

    assert stderr.splitlines() == [
        f"Skipped {seed_folder / SEED_NAME}: edited in the newsroom since the last import (byline); "
        "--force to refresh it from the page"
    ]


# --- The --url-map file --------------------------------------------------------


@pytest.mark.parametrize("heading", ["file,url", "File,URL", "FILE,Address", "file,address"])
def test_a_url_map_may_open_with_a_heading_row_in_any_case(tmp_path, heading):
    url_map = tmp_path / "addresses.csv"
    url_map.write_text(f"{heading}\na.txt,http://x.cn/a.htm\n", encoding="utf-8")

    assert read_url_map(url_map) == {"a.txt": "http://x.cn/a.htm"}


def test_a_url_map_saved_by_excel_is_read_without_its_byte_order_mark(tmp_path):
    url_map = tmp_path / "addresses.csv"
    url_map.write_text("file,url\na.txt,http://x.cn/a.htm\n", encoding="utf-8-sig")

    assert read_url_map(url_map) == {"a.txt": "http://x.cn/a.htm"}


def test_a_url_map_heading_only_counts_on_the_first_row_and_blank_rows_are_passed_over(tmp_path):
    url_map = tmp_path / "addresses.csv"
    url_map.write_text("a.txt,http://x.cn/a.htm\n\n , \nfile,url\nb.txt,http://x.cn/b.htm\n", encoding="utf-8")

    assert read_url_map(url_map) == {
        "a.txt": "http://x.cn/a.htm",
        "file": "url",
        "b.txt": "http://x.cn/b.htm",
    }


def test_a_url_map_cell_is_read_as_csv_quotes_it_line_breaks_and_all(tmp_path):
    url_map = tmp_path / "addresses.csv"
    url_map.write_bytes(b'"two\r\nlines.txt",http://x.cn/a.htm\r\n')

    assert read_url_map(url_map) == {"two\r\nlines.txt": "http://x.cn/a.htm"}


def test_a_url_map_that_cannot_be_read_is_named_with_the_reason(tmp_path):
    url_map = tmp_path / "missing.csv"

    with pytest.raises(CommandError) as error:
        read_url_map(url_map)

    assert str(error.value) == (
        f"{url_map}: cannot read the URL map ([Errno 2] No such file or directory: '{url_map}')"
    )


def test_the_help_names_each_option_with_what_it_does():
    parser = ImportArticles().create_parser("manage.py", "import_articles")
    help_text = " ".join(parser.format_help().split())

    for option_help in [
        "FILE [FILE ...]",
        "FILE Saved pages (.txt).",
        "--photos DIR Folder holding the photo files the pages name (default: each page's own folder).",
        "--region SLUG Put the stories in this region (repeatable). Without it, each story goes in the regions "
        "its text names, or is city-wide if it names none.",
        "--status {draft,review,published,unpublished} Status of new stories (default: published, at the time "
        "of the date line). A re-import keeps the story's status and publication time.",
        "--force Refresh stories from their pages even if the newsroom edited them since the last import "
        "(their status, publication time and photos added in the admin are still kept).",
        "--replace Let a page overwrite the story imported from the same address or file before even when "
        "headline and date both differ (a different story saved under the same name).",
        "--url-map CSV A CSV file of file name and old address (http://host/path), one page a row, for pages "
        "without a URL line. The old address is redirected to the story.",
        "--dry-run Read and report on the files without writing anything.",
    ]:
        assert option_help in help_text


# --- What a run reports, line by line --------------------------------------------


def tea_page():
    return page(
        "Laoshan tea growers begin spring harvest",
        "By Zhang Yi | China Daily | 2025-05-08 09:30",
        "tea.jpg",
        "Pickers in a Laoshan tea garden. [Photo by Zhang Yi]",
        "lost.jpg",
        "A photo nobody saved. [Photo by Zhang Yi]",
        "Tea gardens across Laoshan and Jimo have started the harvest.",
        "Prices are up.",
    )


def test_a_batch_reports_each_story_each_warning_and_each_file_it_could_not_import(tmp_path):
    """
    A page takes its old address from --url-map by its path as given or by its bare name; a page
    that would be the same story as another is refused, and every failure is listed at the end.
    """
    for folder in ("b", "c"):
        (tmp_path / folder).mkdir()
    write_photo(tmp_path, "tea.jpg")
    tea = write_page(tmp_path, "tea.txt", tea_page())
    jimo = write_page(tmp_path / "b", "tea.txt", jimo_page())
    same_address = write_page(tmp_path / "c", "lanterns.txt", "URL: http://x.cn/jimo.htm\n\n" + jimo_page())
    bad = write_page(tmp_path, "bad.txt", "Headline\n\n| Updated: someday\n")
    missing = tmp_path / "missing.txt"
    url_map = tmp_path / "map.csv"
    url_map.write_text(
        f"{tea},http://x.cn/tea.htm\ntea.txt,http://x.cn/jimo.htm\nother.txt,http://x.cn/other.htm\n",
        encoding="utf-8",
    )

    with pytest.raises(CommandError) as error:
        run_import(tea, jimo, same_address, bad, missing, url_map=url_map, verbosity=2)
    stdout, stderr = run_import(tea, jimo, url_map=url_map, verbosity=2)  # again, as good as new

    assert str(error.value) == "\n".join(
        [
            "3 of 5 files could not be imported:",
            f"{same_address}: has the same old address as {jimo}, so both would be the same story; "
            "import them separately",
            f'{bad}, line 3: cannot read the date in "| Updated: someday" '
            '(expected a source/date line such as "(chinadaily.com.cn) | 2025-05-26")',
            f"{missing}: cannot read the file (No such file or directory)",
        ]
    )
    assert stdout.splitlines() == [
        f'Updated "Laoshan tea growers begin spring harvest" from {tea}',
        "  regions: Laoshan, Jimo (named in the text)",
        "  By Zhang Yi | China Daily | 2025-05-08 09:30; 2 paragraphs, 1 of 2 photos",
        "  redirects http://x.cn/tea.htm to the story",
        "  published, at /stories/laoshan-tea-growers-begin-spring-harvest/",
        f'Updated "Jimo old town lights its lanterns" from {jimo}',
        "  regions: Jimo (named in the text)",
        "  chinadaily.com.cn | 2025-02-12 00:00; 1 paragraphs, 0 photos",
        "  redirects http://x.cn/jimo.htm to the story",
        "  published, at /stories/jimo-old-town-lights-its-lanterns/",
        "Imported 2 of 2 files (0 created, 2 updated).",
    ]
    assert stderr.splitlines() == [
        f"{url_map}: other.txt is not among the files to import",
        f"{tea}, line 9: photo lost.jpg not found in {tmp_path}; the story is imported without it",
    ]
    keys = sorted(Article.objects.values_list("import_key", flat=True))
    assert keys == ["url:x.cn/jimo.htm", "url:x.cn/tea.htm"]


def test_two_pages_of_the_same_folder_and_name_without_old_addresses_are_one_story_so_the_second_is_refused(
    tmp_path,
):
    (tmp_path / "may" / "may").mkdir(parents=True)
    first = write_page(tmp_path / "may", "tea.txt", page("A story about Laixi", "(x) | 2025-05-26", "Body."))
    second = write_page(tmp_path / "may" / "may", "tea.txt", page("Another story", "(x) | 2025-05-27", "Body."))

    with pytest.raises(CommandError) as error:
        run_import(first, second)

    assert str(error.value).splitlines()[1:] == [
        f"{second}: has the same folder and name as {first}, so both would be the same story; "
        "import them separately"
    ]
    assert list(Article.objects.values_list("headline", flat=True)) == ["A story about Laixi"]


def test_regions_given_with_the_option_are_reported_in_the_order_given_once_each(tmp_path):
    path = write_page(tmp_path, "story.txt", page("A story about Laixi", "(x) | 2025-05-26", "Body."))

    stdout, _ = run_import(path, "--region", "laoshan", "--region", "jimo", "--region", "laoshan")

    assert stdout.splitlines()[1] == "  regions: Laoshan, Jimo (given with --region)"
    assert set(Article.objects.get().regions.values_list("slug", flat=True)) == {"jimo", "laoshan"}


def test_the_totals_count_stories_skipped_as_edited_and_only_show_the_address_when_verbose(tmp_path):
    write_photo(tmp_path, "tea.jpg")
    tea = write_page(tmp_path, "tea.txt", tea_page())
    jimo = write_page(tmp_path, "jimo.txt", jimo_page())
    run_import(tea, jimo)
    Article.objects.filter(headline__startswith="Jimo").update(byline="By an editor")

    stdout, stderr = run_import(tea, jimo)

    assert stdout.splitlines() == [
        f'Updated "Laoshan tea growers begin spring harvest" from {tea}',
        "  regions: Laoshan, Jimo (named in the text)",
        "  By Zhang Yi | China Daily | 2025-05-08 09:30; 2 paragraphs, 1 of 2 photos",
        "Imported 1 of 2 files (0 created, 1 updated); 1 skipped as edited in the newsroom "
        "(--force to refresh them).",
    ]
    assert stderr.splitlines() == [
        f"{tea}, line 9: photo lost.jpg not found in {tmp_path}; the story is imported without it",
        f"Skipped {jimo}: edited in the newsroom since the last import (byline); "
        "--force to refresh it from the page",
    ]
    assert run_import(tea, jimo, verbosity=0) == ("", "")


def test_a_run_where_every_story_is_skipped_still_reports_its_totals_and_one_with_none_does_not(tmp_path):
    jimo = write_page(tmp_path, "jimo.txt", jimo_page())
    run_import(jimo)
    Article.objects.update(byline="By an editor")

    stdout, _ = run_import(jimo)
    nothing = StringIO()
    with pytest.raises(CommandError):
        call_command("import_articles", str(tmp_path / "missing.txt"), stdout=nothing, stderr=StringIO())

    assert stdout == (
        "Imported 0 of 1 files (0 created, 0 updated); 1 skipped as edited in the newsroom "
        "(--force to refresh them).\n"
    )
    assert nothing.getvalue() == ""


def test_a_dry_run_says_what_it_would_do_to_each_story_and_counts_them(tmp_path):
    tea = write_page(tmp_path, "tea.txt", "URL: http://x.cn/tea.htm\n\n" + tea_page())
    jimo = write_page(tmp_path, "jimo.txt", jimo_page())
    laixi = write_page(tmp_path, "laixi.txt", page("Laixi story", "(x) | 2025-05-26", "Body."))
    run_import(jimo, laixi)
    Article.objects.filter(headline__startswith="Jimo").update(byline="By an editor")

    stdout, stderr = run_import(tea, jimo, laixi, "--dry-run", verbosity=2)

    assert stdout.splitlines() == [
        f'Would create "Laoshan tea growers begin spring harvest" from {tea}',
        "  regions: Laoshan, Jimo (named in the text)",
        "  By Zhang Yi | China Daily | 2025-05-08 09:30; 2 paragraphs, 0 of 2 photos",
        "  would redirect http://x.cn/tea.htm to the story",
        f'Would update "Laixi story" from {laixi}',
        "  regions: Laixi (named in the text)",
        "  x | 2025-05-26 00:00; 1 paragraphs, 0 photos",
        "Dry run: 2 of 3 files can be imported (1 new, 1 updates, 1 skipped). Nothing was written.",
    ]
    assert stderr.splitlines()[-1] == (
        f"Would skip {jimo}: edited in the newsroom since the last import (byline); "
        "--force to refresh it from the page"
    )
