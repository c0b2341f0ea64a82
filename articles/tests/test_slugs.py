import pytest

from articles.slugs import ascii_slug
from articles.tests.factories import make_article


@pytest.mark.parametrize(
    "headline, slug",
    [
        ("New business center in Qingdao to boost Sino-Russia ties", "new-business-center-in-qingdao-to-boost-sino-russia-ties"),
        ("青岛新闻", "qing-dao-xin-wen"),
        ("崂山茶 harvest begins", "lao-shan-cha-harvest-begins"),
        ("Café opens in Shinan", "cafe-opens-in-shinan"),
        ("!!! ??? —", "story"),
        ("「」。，", "story"),
    ],
)
def test_ascii_slug(headline, slug):
    """Every headline gets an ASCII slug: English as is, Chinese in pinyin, punctuation alone a fallback."""
    assert ascii_slug(headline) == slug


def test_ascii_slug_respects_max_length():
    assert len(ascii_slug("word " * 100, max_length=50)) <= 50
    assert not ascii_slug("word " * 100, max_length=50).endswith("-")


@pytest.mark.django_db
def test_duplicate_headlines_get_numbered_slugs():
    first = make_article(headline="Jimo old town festival opens")
    second = make_article(headline="Jimo old town festival opens")
    third = make_article(headline="Jimo old town festival opens")
    assert [first.slug, second.slug, third.slug] == [
        "jimo-old-town-festival-opens",
        "jimo-old-town-festival-opens-2",
        "jimo-old-town-festival-opens-3",
    ]


@pytest.mark.django_db
def test_chinese_and_punctuation_headlines_get_usable_unique_slugs(client):
    chinese = make_article(headline="青岛西海岸新区港口")
    punctuation = make_article(headline="？？？")
    punctuation_again = make_article(headline="!!!")
    assert chinese.slug == "qing-dao-xi-hai-an-xin-qu-gang-kou"
    assert punctuation.slug == "story"
    assert punctuation_again.slug == "story-2"
    for article in (chinese, punctuation, punctuation_again):
        assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_saving_again_keeps_the_slug():
    article = make_article(headline="Laoshan tea harvest")
    article.headline = "Laoshan tea harvest starts early"
    article.save()
    article.refresh_from_db()
    assert article.slug == "laoshan-tea-harvest"


@pytest.mark.django_db
def test_a_slug_typed_by_the_journalist_is_kept():
    article = make_article(headline="Anything", slug="my-own-slug")
    assert article.slug == "my-own-slug"
