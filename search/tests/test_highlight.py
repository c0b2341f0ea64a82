"""Matched words marked in headlines and snippets, the rest escaped (pure functions, no database)."""

from types import SimpleNamespace

from search.highlight import highlight, snippet
from search.text import Term, parse_query


def test_matches_are_marked_whatever_their_case_and_the_rest_is_escaped():
    assert highlight("Harbour & <b>HARBOUR</b>", parse_query("harbour")) == (
        "<mark>Harbour</mark> &amp; &lt;b&gt;<mark>HARBOUR</mark>&lt;/b&gt;"
    )


def test_english_words_are_marked_by_their_stem_at_the_start_of_a_word():
    assert highlight("Harvests & harvesting restart art", parse_query("harvests art")) == (
        "<mark>Harvests</mark> &amp; <mark>harvesting</mark> restart <mark>art</mark>"
    )
    assert highlight("sailed sails", parse_query("sailing")) == "<mark>sailed</mark> <mark>sails</mark>"


def test_only_one_ending_is_taken_off_and_only_from_words_longer_than_the_stem():
    assert highlight("Classes clash; timing timed; tied tie; bb bed", parse_query("classes timed tied bed")) == (
        "<mark>Classes</mark> clash; <mark>timing</mark> <mark>timed</mark>; <mark>tied</mark> tie; bb <mark>bed</mark>"
    )


def test_chinese_runs_are_marked_anywhere_and_a_longer_term_wins_over_one_it_contains():
    terms = [Term("新闻", chinese=True), Term("青岛新闻", chinese=True)]
    assert highlight("青岛新闻网 新闻", terms) == "<mark>青岛新闻</mark>网 <mark>新闻</mark>"
    # Where both start at the same character, the longer is marked, whichever the query named first.
    terms = [Term("新闻", chinese=True), Term("新闻网", chinese=True)]
    assert highlight("新闻网", terms) == "<mark>新闻网</mark>"


def test_without_terms_or_text_the_text_is_only_escaped():
    assert highlight("a <b>", []) == "a &lt;b&gt;"
    assert highlight(None, parse_query("x")) == ""
    assert highlight("a <b>", [], length=3) == "a…"


WORDS = "one two three four five six seven eight nine ten eleven twelve harbour thirteen fourteen fifteen sixteen"


def test_a_window_around_the_first_match_is_cut_at_word_boundaries():
    assert highlight(WORDS, parse_query("harbour"), 40) == "…twelve <mark>harbour</mark> thirteen fourteen…"
    assert highlight(WORDS, parse_query("two"), 40) == "one <mark>two</mark> three four five six seven eight…"
    assert highlight(WORDS, parse_query("nothing"), 40) == "one two three four five six seven eight…"


def test_a_window_that_reaches_the_end_has_no_ellipsis_there():
    text = "a" * 30 + " harbour"
    assert highlight(text, parse_query("harbour"), 30) == "…<mark>harbour</mark>"
    assert highlight(text, parse_query("harbour"), len(text)) == "a" * 30 + " <mark>harbour</mark>"
    text = "a" * 9 + " harbour b"  # the window from the word before the match ends exactly at the text's end
    assert highlight(text, parse_query("harbour"), 9) == "…<mark>harbour</mark> b"


def test_the_window_ends_at_a_space_at_most_twenty_characters_back():
    assert highlight("a" * 20 + " " + "b" * 30, [], 40) == "a" * 20 + "…"
    assert highlight("a" * 19 + " " + "b" * 30, [], 40) == "a" * 19 + " " + "b" * 20 + "…"


def test_chinese_text_is_cut_anywhere():
    text = "一二三四五六七八九十" * 6 + "青岛" + "一二三四五六七八九十" * 6
    assert highlight(text, parse_query("青岛"), 20) == "…六七八九十<mark>青岛</mark>一二三四五六七八九十一二三…"


def test_the_window_never_begins_after_the_match():
    """A long hyphenated word before the first space must not push the match out of the snippet."""
    text = "a" * 30 + " " + "b" * 9 + "-harbour-d mmmm " + "c" * 40
    assert highlight(text, parse_query("harbour"), 40) == "…" + "b" * 9 + "-<mark>harbour</mark>-d mmmm…"


def story(summary, body_text):
    return SimpleNamespace(summary=summary, body_text=body_text)


def test_the_snippet_is_the_summary_when_it_matches_else_the_body_around_the_match():
    body = "Ships wait. " * 30 + "The harbour opens at dawn."
    assert snippet(story("Harbour news", body), parse_query("harbour")) == "<mark>Harbour</mark> news"
    cut = snippet(story("Port news", body), parse_query("harbour"))
    assert cut.startswith("…") and "<mark>harbour</mark> opens at dawn." in cut
    assert len(cut) <= 240 + len("<mark></mark>") + 2


def test_without_a_match_the_snippet_is_the_start_of_the_summary_or_body():
    assert snippet(story("Port news", "Ships wait."), parse_query("harbour")) == "Port news"
    assert snippet(story("", "Ships wait."), parse_query("harbour")) == "Ships wait."
    assert snippet(story("", "Ships wait."), []) == "Ships wait."
    assert snippet(story("", "Ships wait. " * 30), [], length=20) == "Ships wait. Ships…"


def test_a_snippet_is_at_most_240_characters_by_default():
    assert snippet(story("", "a" * 240), []) == "a" * 240
    assert snippet(story("", "a" * 241), []) == "a" * 240 + "…"
