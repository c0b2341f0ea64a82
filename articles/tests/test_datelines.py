"""
articles.datelines on its own: the edges of what counts as a date line.

The forms the old pages use are in test_importer.py (DATELINE_FORMS); these
tests pin the rules between them: where a date may stand without
`where_expected` (the importer's check that a headline is not a date line),
what a short source is, the 12-hour clock, and the column lengths.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from articles.datelines import is_dateline_without_date, parse_date, parse_dateline
from articles.models import Article

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAY_26 = datetime(2025, 5, 26, tzinfo=SHANGHAI)
BYLINE_MAX_LENGTH = Article._meta.get_field("byline").max_length
SOURCE_MAX_LENGTH = Article._meta.get_field("source").max_length


@pytest.mark.parametrize(
    "line, byline, source",
    [
        ("2025-05-26", "", ""),
        ("chinadaily.com.cn 2025-05-26", "", "chinadaily.com.cn"),
        ("China Daily Qingdao Bureau Updated: 2025-05-26", "", "China Daily Qingdao Bureau"),
        ("(Xinhua News Agency 2025-05-26)", "", "Xinhua News Agency"),
        ("2025-05-26 Source: China Daily Qingdao Bureau", "", "China Daily Qingdao Bureau"),
        ("By Zhang Yi and Li Ming 2025-05-26", "By Zhang Yi and Li Ming", ""),
        ("2025-05-26 — By Zhang Yi and Li Ming", "By Zhang Yi and Li Ming", ""),
    ],
)
def test_a_date_is_a_date_line_anywhere_beside_a_word_a_label_brackets_a_source_or_a_byline(line, byline, source):
    """Without `where_expected`, as when the importer checks that a headline is not a date line."""
    dateline = parse_dateline(line)

    assert (dateline.byline, dateline.source, dateline.published_at) == (byline, source, MAY_26)


def test_a_date_beside_a_few_words_is_a_date_line_only_where_one_is_expected():
    assert parse_dateline("Qingdao City News 2025-05-26", where_expected=True).source == "Qingdao City News"
    with pytest.raises(ValueError, match="cannot read the date"):
        parse_dateline("Qingdao City News 2025-05-26")


def short_source(length, words):
    """A source of `words` words and `length` characters."""
    text = " ".join(["Qingdao"] * (words - 1) + ["N"])
    return text + "N" * (length - len(text))


@pytest.mark.parametrize(
    "before_date, is_dateline",
    [
        (short_source(40, 5), True),
        (short_source(41, 2), False),
        (short_source(40, 6), False),
        ("Qingdao West Coast New Area News", False),  # six words
        ("The lantern festival opened in Jimo old town on", False),
        *((f"It rained{stop}", False) for stop in (".", "。", "!", "?", "！", "？")),
        ("It rained", True),
    ],
)
def test_where_expected_a_date_may_follow_a_short_source_but_never_a_sentence(before_date, is_dateline):
    line = f"{before_date} 2025-05-26"
    assert len(before_date) <= 40 or not is_dateline

    if is_dateline:
        assert parse_dateline(line, where_expected=True).source == before_date
    else:
        with pytest.raises(ValueError, match="cannot read the date"):
            parse_dateline(line, where_expected=True)


def test_several_sources_are_kept_in_their_order():
    dateline = parse_dateline("Xinhua | China Daily | 2025-05-26")

    assert dateline.source == "Xinhua | China Daily"


@pytest.mark.parametrize(
    "line, source",
    [
        ("(China Daily), Source: Xinhua | 2025-05-26", "China Daily | Xinhua"),
        ("Source: – Xinhua | 2025-05-26", "Xinhua"),
    ],
)
def test_punctuation_around_a_source_label_is_not_part_of_the_source(line, source):
    assert parse_dateline(line).source == source


def test_the_first_date_in_the_line_is_the_publication_date_whatever_its_form():
    dateline = parse_dateline("Published: Mar 14, 2016 Updated: 2016-03-15 10:00")

    assert dateline.published_at == datetime(2016, 3, 14, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "text, time",
    [
        ("2016-03-14 12:30 AM", (0, 30)),
        ("2016-03-14 9:12 a.m.", (9, 12)),
        ("2016-03-14 12:30 PM", (12, 30)),
        ("2016-03-14 1:05 pm", (13, 5)),
        ("2016-03-14 13:05 PM", None),
        ("2016-03-14 0:30 AM", None),
    ],
)
def test_the_twelve_hour_clock(text, time):
    expected = datetime(2016, 3, 14, *time, tzinfo=SHANGHAI) if time else None

    assert parse_date(text) == expected


def test_the_error_for_a_line_without_a_date_shows_the_editor_what_one_looks_like():
    with pytest.raises(ValueError) as error:
        parse_dateline("By Zhang Yi | China Daily")

    assert str(error.value) == (
        'cannot read the date in "By Zhang Yi | China Daily" '
        '(expected a source/date line such as "(chinadaily.com.cn) | 2025-05-26")'
    )


@pytest.mark.parametrize(
    "byline, source, fits",
    [
        ("By " + "Y" * (BYLINE_MAX_LENGTH - 3), "S" * SOURCE_MAX_LENGTH, True),
        ("By " + "Y" * (BYLINE_MAX_LENGTH - 2), "Xinhua", False),
        ("By Zhang Yi", "S" * (SOURCE_MAX_LENGTH + 1), False),
    ],
)
def test_a_byline_or_source_longer_than_its_column_is_refused(byline, source, fits):
    line = f"{byline} | ({source}) | 2025-05-26"

    if fits:
        dateline = parse_dateline(line)
        assert (dateline.byline, dateline.source) == (byline, source)
    else:
        with pytest.raises(ValueError) as error:
            parse_dateline(line)
        assert str(error.value) == f'the source/date line is too long to be one: "{line[:80]}…"'


@pytest.mark.parametrize(
    "text, is_first_half",
    [
        ("(China Daily) " + "—" * 42, True),  # a rule drawn after the source
        ("Source: Xinhua News Agency of the People's Republic", True),
        ("By Zhang Yi and Li Ming, China Daily staff writers", True),
        ("(Xinhua News Agency of the People's Republic of China)", True),
        ("The festival opened on Monday in Jimo's old town.", False),
        ("", False),
    ],
)
def test_the_first_half_of_a_date_line_split_over_two_paragraphs(text, is_first_half):
    assert is_dateline_without_date(text) is is_first_half
