"""The story template tags and filters (articles/templatetags/)."""

from articles.templatetags.articles_tags import excerpt


def test_an_excerpt_cut_before_a_space_or_a_chinese_character_keeps_the_whole_word_before_it():
    # Cut at the space after "two": "two" is whole, so it stays.
    assert excerpt("one two three", 7) == "one two…"
    # Cut before 啤 (Chinese is cut between characters): 青岛 after the space stays.
    assert excerpt("Qingdao 青岛啤酒节开幕", 12) == "Qingdao 青岛…"


def test_full_width_letters_count_two_columns_like_chinese_characters():
    assert excerpt("ＱＩＮＧＤＡＯ", 6) == "ＱＩＮ…"
    assert excerpt("一二三四", 6) == "一二三…"
