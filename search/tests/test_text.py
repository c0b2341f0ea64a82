"""How the index writes text and how a reader's query becomes terms (pure functions, no database)."""

from search.text import MAX_TERMS, Term, bigrams, entry_fields, index_text, parse_query


def test_a_chinese_run_becomes_its_overlapping_two_character_words():
    assert bigrams("青岛新闻") == ["青岛", "岛新", "新闻"]
    assert bigrams("青岛") == ["青岛"]


def test_a_single_chinese_character_is_kept_as_it_is():
    assert bigrams("青") == ["青"]


def test_the_index_writes_chinese_runs_as_two_character_words_and_leaves_other_words():
    assert index_text("青岛新闻 harbour") == " 青岛 岛新 新闻  harbour"
    assert index_text("Port青岛") == "Port 青岛 "


def test_the_index_folds_full_width_letters_and_reads_a_missing_field_as_empty():
    assert index_text("ＡＢＣ　１２") == "ABC 12"
    assert index_text(None) == ""


def test_entry_fields_index_every_column_with_the_bodys_words_and_sorted_tags():
    assert entry_fields("青岛新闻", "Quay 新闻", "<p>Ships <b>in</b></p><p>port</p>", ["tide", "harbour"]) == {
        "headline": " 青岛 岛新 新闻 ",
        "summary": "Quay  新闻 ",
        "body": "Ships in\n\nport",
        "tags": "harbour tide",
    }


def test_a_term_holds_the_word_or_the_runs_two_character_words():
    assert Term("harbour").grams == ["harbour"]
    assert Term("harbour").phrase == "harbour"
    assert Term("青岛新闻", chinese=True).grams == ["青岛", "岛新", "新闻"]
    assert Term("青岛新闻", chinese=True).phrase == "青岛 岛新 新闻"
    assert Term("ab").chinese is False


def test_a_query_is_lower_cased_words_without_punctuation_each_once():
    assert parse_query('Harbour, "TIDE" -harbour OR tide_table*') == [
        Term("harbour"),
        Term("tide"),
        Term("or"),
        Term("table"),
    ]


def test_a_query_splits_chinese_runs_from_the_words_around_them():
    assert parse_query("abc青岛def 新闻") == [
        Term("abc"),
        Term("青岛", chinese=True),
        Term("def"),
        Term("新闻", chinese=True),
    ]
    assert parse_query("青岛x") == [Term("青岛", chinese=True), Term("x")]
    assert parse_query("x青岛") == [Term("x"), Term("青岛", chinese=True)]


def test_a_query_folds_full_width_characters_and_an_empty_query_has_no_terms():
    assert parse_query("ＨＡＲＢＯＵＲ") == [Term("harbour")]
    assert parse_query(None) == []
    assert parse_query("  ,;  ") == []


def test_a_query_keeps_at_most_ten_terms():
    assert MAX_TERMS == 10
    words = [f"w{n}" for n in range(12)]
    assert parse_query(" ".join(words)) == [Term(word) for word in words[:10]]
