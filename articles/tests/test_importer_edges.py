"""
The importer's rules at their edges: the longest headline, a date line that
ends the page, photos after text, the summary's length, what a re-import of an
older story compares, and the lock a real import takes.
"""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from articles.importer import (
    HEADLINE_MAX_LENGTH,
    IMPORT_KEY_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    MalformedFile,
    NotTheSameStory,
    import_article,
    local_date,
    parse_article_file,
    parse_article_text,
    plan_import,
    summary_from_body,
)
from articles.models import Article
from articles.tests.factories import image_upload, make_photo
from articles.tests.test_importer import media_root, page, run_import, write_page, write_photo  # noqa: F401


def test_a_headline_over_several_lines_is_one_line_with_single_spaces():
    text = "Laoshan tea \n  fair opens\tin May\n\n(x) | 2025-05-26\n\nBody.\n"

    assert parse_article_text(text, "p.txt", "k").headline == "Laoshan tea fair opens in May"


def test_a_headline_may_fill_the_headline_column_but_not_overflow_it():
    longest = "A" * HEADLINE_MAX_LENGTH

    assert parse_article_text(page(longest, "(x) | 2025-05-26", "Body."), "p.txt", "k").headline == longest
    with pytest.raises(MalformedFile) as error:
        parse_article_text(page(longest + "A", "(x) | 2025-05-26", "Body."), "p.txt", "k")
    assert f"the headline is {HEADLINE_MAX_LENGTH + 1} characters long" in str(error.value)


def test_a_date_line_over_two_paragraphs_may_end_the_page():
    text = "Metro line 6 opens\n\nBy Zhang Yi\n\n(China Daily) 2024-03-01\n"

    parsed = parse_article_text(text, "p.txt", "k")

    assert (parsed.byline, parsed.source, parsed.body) == ("By Zhang Yi", "China Daily", "")
    assert parsed.published_at.date().isoformat() == "2024-03-01"


def test_a_byline_paragraph_then_a_short_source_with_its_date_is_the_date_line():
    """Right after the headline, a few words beside the date are its source, even below a byline."""
    text = "Headline\n\nBy Zhang Yi\n\nQingdao news 2025-05-26\n\nBody.\n"

    parsed = parse_article_text(text, "p.txt", "k")

    assert (parsed.byline, parsed.source, parsed.body) == ("By Zhang Yi", "Qingdao news", "Body.")


def test_two_photos_in_a_row_after_the_text_stand_after_it():
    text = page("Headline", "(x) | 2025-05-26", "First.", "Second.", "a.jpg", "b.jpg", "Caption of b.")

    photos = parse_article_text(text, "p.txt", "k").photos

    assert [(photo.file_name, photo.paragraphs_before) for photo in photos] == [("a.jpg", 2), ("b.jpg", 2)]


def test_two_sentences_that_just_fit_the_summary_are_both_kept():
    first = "Tea gardens opened. "
    second = "B" * (SUMMARY_MAX_LENGTH - len(first) - 1) + "."
    assert len(first + second) == SUMMARY_MAX_LENGTH

    assert summary_from_body(f"{first}{second} A third sentence.") == first + second
    assert summary_from_body(f"{first}B{second} A third sentence.") == first.strip()


@override_settings(TIME_ZONE="UTC")
def test_an_old_pages_date_is_its_date_in_beijing_whatever_the_sites_time_zone():
    assert local_date(datetime(2026, 5, 23, 20, 0, tzinfo=UTC)) == "2026-05-24"


# --- Re-imports -------------------------------------------------------------------------


def parsed_page(folder, text, name="story.txt"):
    return parse_article_file(write_page(folder, name, text))


def first_import(folder, text, **fields):
    """A story imported from the page, then changed in the database as `fields` say."""
    parsed = parsed_page(folder, text)
    import_article(parsed, photo_files=[], regions=[])
    Article.objects.update(**fields)
    return Article.objects.get()


@pytest.mark.django_db
def test_a_story_the_newsroom_edited_is_skipped_and_a_page_naming_another_refused_by_default(tmp_path):
    text = page("Tea harvest begins", "(x) | 2025-05-08", "Body.")
    story = first_import(tmp_path, text, byline="By Li Na")
    another_story = parsed_page(tmp_path, page("Lanterns in Jimo", "(x) | 2025-02-12", "Other."))

    skipped = import_article(parsed_page(tmp_path, text), photo_files=[], regions=[])
    with pytest.raises(NotTheSameStory):
        import_article(another_story, photo_files=[], regions=[])

    assert (skipped.outcome, skipped.article) == ("skipped", story)
    assert "byline" in skipped.skipped_because
    assert Article.objects.get().byline == "By Li Na"


@pytest.mark.django_db
def test_a_story_imported_before_records_is_known_by_its_date_under_a_corrected_headline(tmp_path):
    story = first_import(tmp_path, page("Tea harvest begin", "(x) | 2025-05-08", "Body."), import_record=None)

    corrected = parsed_page(tmp_path, page("Tea harvest begins", "(x) | 2025-05-08", "Body."))

    plan = plan_import(corrected, force=False, replace=False)

    assert (plan.outcome, plan.article) == ("skipped", story)
    assert plan.skipped_because.startswith("imported before the importer kept a record")


@pytest.mark.django_db
def test_an_undated_story_imported_before_records_is_refused_naming_no_date(tmp_path):
    first_import(
        tmp_path,
        page("Tea harvest begins", "(x) | 2025-05-08", "Body."),
        import_record=None,
        status=Article.Status.DRAFT,
        published_at=None,
    )
    other = parsed_page(tmp_path, page("Lanterns in Jimo", "(x) | 2025-02-12", "Other."))

    with pytest.raises(NotTheSameStory) as error:
        plan_import(other, force=False, replace=False)

    assert str(error.value).startswith(
        f'{other.file_name}: the story imported from this page before, "Tea harvest begins" (), '
        'has another headline and date than the page ("Lanterns in Jimo", 2025-02-12).'
    )


@pytest.mark.django_db
def test_a_refresh_keeps_a_photo_the_newsroom_uploaded_under_a_page_photos_name(
    tmp_path, django_capture_on_commit_callbacks
):
    write_photo(tmp_path, "tea.jpg")
    text = page("Tea harvest begins", "(x) | 2025-05-08", "tea.jpg", "Pickers. [Photo by Zhang Yi]", "Body.")
    path = write_page(tmp_path, "story.txt", text)
    with django_capture_on_commit_callbacks(execute=True):
        run_import(path)
    story = Article.objects.get()
    # A better print of the same photo, uploaded in the admin under the page's file name.
    uploaded = make_photo(story, position=1, image=image_upload("tea.jpg"), caption="A better print.")
    assert Path(uploaded.original_name).name == "tea.jpg"

    with django_capture_on_commit_callbacks(execute=True):
        stdout, _ = run_import(path)

    assert "(0 created, 1 updated)" in stdout
    assert [(photo.caption, photo.import_file_name) for photo in story.photos.all()] == [
        ("Pickers.", "tea.jpg"),
        ("A better print.", ""),
    ]


@pytest.mark.django_db
@pytest.mark.skipif(
    not connection.features.has_select_for_update, reason="SQLite locks the whole database; no row locks"
)
def test_an_import_locks_the_story_it_refreshes_until_it_commits(tmp_path):
    """Two imports of one page at once must not both write it: the second waits on the row."""
    text = page("Tea harvest begins", "(x) | 2025-05-08", "Body.")
    first_import(tmp_path, text)

    with CaptureQueriesContext(connection) as queries:
        import_article(parsed_page(tmp_path, text), photo_files=[], regions=[])

    lookup = 'WHERE "articles_article"."import_key" ='
    lookups = [query["sql"] for query in queries if lookup in query["sql"]]
    assert lookups and all(sql.endswith("FOR UPDATE") for sql in lookups)


# --- The page's text at its edges ---------------------------------------------------------


def test_a_page_known_only_by_its_file_has_no_older_keys_to_try():
    parsed = parse_article_text(page(), "p.txt", "file:a/p")

    assert (parsed.import_key, parsed.older_keys, parsed.old_address) == ("file:a/p", (), "")


def test_a_pages_address_may_fill_the_key_column_but_not_overflow_it():
    host = "www.chinadaily.com.cn"
    longest = "http://" + host + "/" + "a" * (IMPORT_KEY_MAX_LENGTH - len("url:") - len(host) - 1)
    parsed = parse_article_text(f"URL: {longest}\n\n" + page(), "p.txt", "file:a/p")
    assert len(parsed.import_key) == IMPORT_KEY_MAX_LENGTH

    with pytest.raises(MalformedFile) as error:
        parse_article_text(f"URL: {longest}a\n\n" + page(), "p.txt", "file:a/p")
    assert "longer than" in str(error.value)


@pytest.mark.parametrize("end", ["", "\n", "\n\n"])
def test_a_page_of_only_a_url_line_is_refused_for_its_missing_headline(end):
    with pytest.raises(MalformedFile) as error:
        parse_article_text("\nURL: http://www.chinadaily.com.cn/a.html" + end, "p.txt", "k")

    assert str(error.value) == "p.txt, line 2: no headline after the URL and Summary lines"


def test_the_headline_may_follow_the_navigation_block_without_a_blank_line():
    text = "Regions:\nLaixi\nJimo\nRegions>\nTea harvest begins\n\n(x) | 2025-05-08\n\nBody.\n"

    assert parse_article_text(text, "p.txt", "k").headline == "Tea harvest begins"


def test_the_last_paragraph_keeps_its_line_breaks_without_a_final_newline():
    text = "Headline\n\n(x) | 2025-05-26\n\nFirst line\nsecond line"

    assert parse_article_text(text, "p.txt", "k").body == "First line\nsecond line"
