"""The search page on whichever database the suite runs on (SQLite by default, PostgreSQL in CI)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.tests.factories import make_article
from regions.models import Region
from search.index import rebuild
from search.models import SearchEntry

pytestmark = pytest.mark.django_db

URL = "/search/"


def results(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return [article.headline for article in response.context["articles"]]


def test_finds_words_in_headline_summary_body_and_tags(client):
    make_article(headline="Tea harvest begins", body="Pickers are out.")
    make_article(headline="Ferry timetable", summary="The ferry to Huangdao adds sailings.")
    make_article(headline="Metro news", body="Line 6 opens to passengers on Friday.")
    make_article(headline="Beach report", tags=["Lifeguards"])

    assert results(client, q="tea") == ["Tea harvest begins"]
    assert results(client, q="Huangdao") == ["Ferry timetable"]
    assert results(client, q="passengers") == ["Metro news"]
    assert results(client, q="lifeguards") == ["Beach report"]


def test_every_word_must_match_and_english_words_are_stemmed(client):
    make_article(headline="Tea harvest begins in Laoshan")
    make_article(headline="Grape harvest in Pingdu")
    assert results(client, q="harvests laoshan") == ["Tea harvest begins in Laoshan"]
    assert sorted(results(client, q="harvesting")) == ["Grape harvest in Pingdu", "Tea harvest begins in Laoshan"]


def test_headline_matches_rank_above_body_matches_then_newest_first(client):
    make_article(headline="Council meeting", body="The port was discussed.", days_ago=1)
    make_article(headline="Port expands", days_ago=5)
    make_article(headline="Older council meeting", body="The port came up too.", days_ago=3)
    assert results(client, q="port") == ["Port expands", "Council meeting", "Older council meeting"]


def test_tags_and_summary_rank_between_headline_and_body_for_every_word(client):
    make_article(headline="Council meeting", body="The port and its ferry.", days_ago=1)
    make_article(headline="Weather", summary="A calm port; the ferry sails.", days_ago=3)
    make_article(headline="Ships", tags=["Port", "Ferry"], days_ago=2)
    make_article(headline="Ferry to the port", days_ago=5)
    found = results(client, q="port ferry")
    assert found[0] == "Ferry to the port"  # both words in the headline
    assert set(found[1:3]) == {"Ships", "Weather"}  # in the tags; in the summary
    assert found[3] == "Council meeting"  # in the body only


@pytest.mark.parametrize(
    "query, found",
    [
        ("新闻", True),  # two characters inside a longer run
        ("青岛", True),
        ("岛新闻", True),
        ("青岛新闻", True),
        ("崂山茶", True),  # in a tag
        ("闻新", False),  # the same characters in another order
        ("青岛茶", False),  # characters that are not next to each other
        ("上海", False),
    ],
)
def test_chinese_queries_of_two_or_more_characters(client, query, found):
    make_article(headline="Qingdao daily", body="今天的青岛新闻很好。", tags=["崂山茶"])
    assert results(client, q=query) == (["Qingdao daily"] if found else [])


def test_mixed_chinese_and_english_query(client):
    make_article(headline="Laoshan tea 崂山绿茶 festival")
    make_article(headline="Laoshan hiking")
    assert results(client, q="laoshan 绿茶") == ["Laoshan tea 崂山绿茶 festival"]


def test_unpublished_and_scheduled_stories_are_never_results(client):
    make_article(headline="Budget published")
    make_article(headline="Budget draft", published=False)
    make_article(headline="Budget scheduled", days_ago=-1)
    assert results(client, q="budget") == ["Budget published"]


def test_index_follows_edits_tag_changes_and_deletion(client):
    story = make_article(headline="Lantern festival")
    story.headline = "Dragon boat race"
    story.save()
    assert results(client, q="lantern") == []
    assert results(client, q="dragon") == ["Dragon boat race"]

    story.tags.add("Duanwu")
    assert results(client, q="duanwu") == ["Dragon boat race"]
    story.tags.clear()
    assert results(client, q="duanwu") == []

    story.delete()
    assert results(client, q="dragon") == []
    assert not SearchEntry.objects.exists()


def test_region_and_date_filters(client):
    laoshan, jimo = Region.objects.get(slug="laoshan"), Region.objects.get(slug="jimo")
    make_article(headline="Tea in Laoshan", regions=[laoshan], days_ago=10)
    make_article(headline="Tea in Jimo", regions=[jimo], days_ago=1)

    assert results(client, q="tea", region="laoshan") == ["Tea in Laoshan"]
    today = timezone.localdate()
    assert results(client, q="tea", start=str(today - timedelta(days=3))) == ["Tea in Jimo"]
    assert results(client, q="tea", end=str(today - timedelta(days=3))) == ["Tea in Laoshan"]
    day = timezone.localtime(Article.objects.get(headline="Tea in Jimo").published_at).date()
    assert results(client, q="tea", start=str(day), end=str(day)) == ["Tea in Jimo"]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"q": "tea", "region": "atlantis"}, "There is no such region"),
        ({"q": "tea", "start": "yesterday"}, "Enter a valid date"),
        ({"q": "tea", "start": "2025-05-02", "end": "2025-05-01"}, "The end date is before the start date"),
        ({"q": "tea", "start": "1900-01-01", "end": "2999-12-31"}, None),
        ({"q": "tea", "start": "0001-01-01"}, "Enter a date from 1900 to 2999"),
        ({"q": "tea", "end": "9999-12-31"}, "Enter a date from 1900 to 2999"),
        ({"q": "x" * 201}, "Keep the search under 200 characters"),
        ({"q": "tea\x00"}, "Null characters are not allowed"),
    ],
)
def test_bad_filters_and_queries_give_a_page_with_the_reason(client, params, message):
    make_article(headline="Tea harvest")
    response = client.get(URL, params)
    assert response.status_code == 200
    page = response.content.decode()
    if message:
        assert message in page
        assert list(response.context["articles"]) == []
    else:
        assert [a.headline for a in response.context["articles"]] == ["Tea harvest"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "!!! ??? ...",
        "。，、",
        '"',
        "tea OR coffee NOT milk",
        "title:tea* NEAR(a b)",
        "'; DROP TABLE articles_article; --",
        "tea & !milk | (a <-> b):*",
        "\u200b\ufeff",
        "茶",
        "🍵" * 50,
    ],
)
def test_odd_queries_give_a_page(client, query):
    make_article(headline="Tea harvest")
    assert client.get(URL, {"q": query}).status_code == 200
    assert Article.objects.count() == 1


def test_script_in_the_query_is_shown_escaped(client):
    make_article(headline="Alert system tested", body="The <script> tag was discussed.")
    response = client.get(URL, {"q": '<script>alert("x")</script>'})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<script>alert("x")' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_matches_are_highlighted_and_the_rest_escaped(client):
    make_article(
        headline="Tea <b>harvest</b> begins",
        summary="",
        body="Long before. " * 40 + "The <em>tea</em> pickers of 崂山 start early.",
    )
    response = client.get(URL, {"q": "tea 崂山"})
    page = response.content.decode()
    assert "<mark>Tea</mark> &lt;b&gt;harvest&lt;/b&gt; begins" in page
    assert "&lt;em&gt;<mark>tea</mark>&lt;/em&gt; pickers of <mark>崂山</mark> start early." in page
    assert "…" in page  # the snippet is cut around the match, not the whole body


def test_pages_of_results_keep_the_query_and_filters(client):
    laoshan = Region.objects.get(slug="laoshan")
    for n in range(25):
        make_article(headline=f"Tea story {n}", regions=[laoshan])
    response = client.get(URL, {"q": "tea", "region": "laoshan"})
    assert len(response.context["articles"]) == 20
    assert 'href="?q=tea&amp;region=laoshan&amp;page=2"' in response.content.decode()
    assert 'rel="next" href="?q=tea&amp;region=laoshan&amp;page=2">Next →</a>' in response.content.decode()
    assert "← Previous" not in response.content.decode()
    second = client.get(URL, {"q": "tea", "region": "laoshan", "page": 2})
    assert len(second.context["articles"]) == 5
    previous = 'rel="prev" href="?q=tea&amp;region=laoshan&amp;page=1">← Previous</a>'
    assert previous in second.content.decode()
    assert client.get(URL, {"q": "tea", "page": 9}).status_code == 404
    start, end = (str(timezone.localdate() + timedelta(days=days)) for days in (-7, 0))
    dated = client.get(URL, {"q": "tea", "start": start, "end": end}).content.decode()
    assert f'rel="next" href="?q=tea&amp;start={start}&amp;end={end}&amp;page=2">Next →</a>' in dated


def test_a_query_with_a_null_character_is_shown_without_it(client):
    page = client.get(URL, {"q": "tea\x00"}).content.decode()
    assert 'name="q" value="tea"' in page and "\x00" not in page


def test_the_search_page_without_a_query_invites_one_and_reads_no_story_bodies(client):
    make_article(headline="Tea harvest", body="<p>Pickers.</p>")
    response = client.get(URL)
    page = response.content.decode()
    assert 'name="q" value=""' in page and "<title>Search ·" in page
    assert "Search headlines, summaries, stories and tags" in page
    with CaptureQueriesContext(connection) as captured:
        assert results(client, q="tea") == ["Tea harvest"]
    assert not [query for query in captured if "body_html" in query["sql"]]


def test_the_header_of_every_page_has_the_search_form(client):
    story = make_article(tags=["tea"])
    for url in ["/", story.get_absolute_url(), "/regions/laoshan/", "/tags/tea/", "/no-such-page/"]:
        page = client.get(url).content.decode()
        assert '<form class="site-search" action="/search/" method="get" role="search">' in page, url


def count_queries(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries)


def test_search_page_makes_a_fixed_number_of_queries(client):
    """Three results or thirty (with regions, tags and photos): the same number of queries."""
    from articles.tests.factories import make_photo

    laoshan = Region.objects.get(slug="laoshan")

    def fill(count):
        for _ in range(count):
            story = make_article(headline="Harbour news", regions=[laoshan], tags=["port", "ships"])
            make_photo(story)

    fill(3)
    few = count_queries(client, {"q": "harbour", "region": "laoshan"})
    fill(27)
    many = count_queries(client, {"q": "harbour", "region": "laoshan"})
    assert few == many
    # the chosen region, the candidates (ids, ranks and dates of the newest matches), the
    # page's stories, their regions, tags and photos, navigation, the region menu
    assert many == 8


def test_rebuild_indexes_stories_that_bypassed_save(client):
    make_article(headline="Saved story")
    Article.objects.bulk_create(
        [
            Article(
                headline="Bulk loaded story",
                slug="bulk",
                body="x",
                status=Article.Status.PUBLISHED,
                published_at=timezone.now() - timedelta(hours=1),
            )
        ]
    )
    assert results(client, q="bulk") == []
    assert rebuild() == 2
    assert results(client, q="bulk") == ["Bulk loaded story"]
    quiet, told = StringIO(), StringIO()
    call_command("rebuild_search_index", verbosity=0, stdout=quiet)
    call_command("rebuild_search_index", stdout=told)
    assert (quiet.getvalue(), told.getvalue()) == ("", "Indexed 2 stories.\n")
    assert sorted(results(client, q="story")) == ["Bulk loaded story", "Saved story"]


def test_rebuild_indexes_every_field_in_batches_reading_tags_once_a_batch(client):
    """Summary, body and tags are searchable again; batch_size bounds the rows held and written at once."""
    make_article(headline="Harbour one", summary="Lighthouse keepers meet.")
    make_article(headline="Harbour two", body="A ferryman retires.")
    make_article(headline="Harbour three", tags=["kites"])
    make_article(headline="Harbour four")
    make_article(headline="Harbour five")
    SearchEntry.objects.all().delete()  # as after restoring a dump without the search tables
    assert results(client, q="harbour") == []

    with CaptureQueriesContext(connection) as queries:
        assert rebuild(batch_size=2) == 5

    statements = [query["sql"] for query in queries.captured_queries]
    assert len([sql for sql in statements if sql.startswith('INSERT INTO "search_searchentry"')]) == 3  # 2 + 2 + 1
    assert len([sql for sql in statements if 'FROM "articles_tag"' in sql]) == 3  # one per batch, not one per story
    assert results(client, q="lighthouse") == ["Harbour one"]
    assert results(client, q="ferryman") == ["Harbour two"]
    assert results(client, q="kites") == ["Harbour three"]
    assert len(results(client, q="harbour")) == 5
