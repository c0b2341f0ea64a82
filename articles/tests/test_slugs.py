import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from articles.models import Article
from articles.slugs import ascii_slug, save_with_unique_slug, unique_slug
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


def take_slug_after_the_check(slug):
    """
    A database hook: once the free-slug check (a slug LIKE query) has run, the next
    statement is preceded by another writer inserting a story with `slug`, as a
    concurrent save would between the check and the insert.
    """
    state = {"checked": False, "taken": False}

    def hook(execute, sql, params, many, context):
        if state["checked"] and not state["taken"]:
            state["taken"] = True
            Article.objects.bulk_create([Article(headline="The other save", body="b", slug=slug)])
        if "LIKE" in sql and '"slug"' in sql:
            state["checked"] = True
        return execute(sql, params, many, context)

    hook.state = state
    return hook


@pytest.mark.django_db
def test_a_slug_taken_between_the_check_and_the_insert_moves_on_to_the_next():
    """Two saves of one headline at once: the one that loses the race gets -2, not an IntegrityError."""
    hook = take_slug_after_the_check("jimo-lantern-festival")
    with connection.execute_wrapper(hook):
        article = make_article(headline="Jimo lantern festival")
    assert hook.state["taken"]
    article.refresh_from_db()
    assert article.slug == "jimo-lantern-festival-2"
    assert Article.objects.filter(slug="jimo-lantern-festival").exists()


@pytest.mark.django_db
def test_an_integrity_error_not_about_the_slug_is_raised():
    make_article(headline="Imported once", import_key="page.txt")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(headline="Imported once", import_key="page.txt")


@pytest.mark.django_db
def test_long_headlines_get_slugs_that_fit_the_column():
    """The -2 suffix included; PostgreSQL would reject a longer value, SQLite would store it."""
    max_length = Article._meta.get_field("slug").max_length
    headline = "Qingdao " * 31  # 248 characters, within the headline column
    first, second = make_article(headline=headline), make_article(headline=headline)
    first.refresh_from_db()
    second.refresh_from_db()
    assert len(first.slug) <= max_length and len(second.slug) <= max_length
    assert second.slug == f"{first.slug}-2"


ADD_URL = reverse("admin:articles_article_add")


def story_form(headline, slug=""):
    return {
        "headline": headline,
        "slug": slug,
        "summary": "",
        "body": "A paragraph.",
        "byline": "",
        "source": "",
        "tags": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "1000",
    }


@pytest.mark.django_db
def test_admin_gives_a_repeated_headline_the_next_free_slug(admin_client):
    """The add form leaves the slug to the server (no pre-filling in the browser), so a repeat gets -2."""
    form_page = admin_client.get(ADD_URL).content.decode()
    assert 'data-prepopulated-fields="[]"' in form_page
    for _ in range(2):
        response = admin_client.post(ADD_URL, story_form("Laoshan tea harvest begins"))
        assert response.status_code == 302
    assert sorted(Article.objects.values_list("slug", flat=True)) == [
        "laoshan-tea-harvest-begins",
        "laoshan-tea-harvest-begins-2",
    ]


@pytest.mark.django_db
def test_admin_refuses_a_typed_slug_that_is_taken(admin_client):
    make_article(headline="Anything", slug="my-own-slug")
    response = admin_client.post(ADD_URL, story_form("Something else", slug="my-own-slug"))
    assert response.status_code == 200
    assert "Story with this Slug already exists." in response.content.decode()
    assert Article.objects.count() == 1


# What mutation testing (make mutate) showed unchecked.


def test_ascii_slug_is_at_most_200_characters_by_default():
    assert ascii_slug("a" * 300) == "a" * 200


def test_full_width_letters_are_words_of_their_own():
    """Full-width forms (east-asian width F), as well as ideographs (W), are spaced into words."""
    assert ascii_slug("ＡＢＣ新闻") == "a-b-c-xin-wen"


@pytest.mark.django_db
def test_unique_slug_by_default_reads_the_slug_field_and_falls_back_to_story():
    make_article(headline="Harbour opens", slug="harbour-opens")
    assert unique_slug(Article(headline="x"), "Harbour opens") == "harbour-opens-2"
    assert unique_slug(Article(headline="x"), "!!!") == "story"


@pytest.mark.django_db
def test_a_one_word_headline_longer_than_the_column_leaves_eight_characters_for_a_suffix():
    max_length = Article._meta.get_field("slug").max_length
    article = make_article(headline="Q" * 250)
    assert article.slug == "q" * (max_length - 8)


@pytest.mark.django_db
def test_a_cleared_slug_is_made_again_and_the_story_own_old_slug_is_free():
    article = make_article(headline="Laoshan tea harvest")
    article.slug = ""
    article.save()
    article.refresh_from_db()
    assert article.slug == "laoshan-tea-harvest"


@pytest.mark.django_db
def test_another_integrity_error_is_raised_at_once_when_the_story_keeps_its_own_slug():
    """The story's own row holding the slug is not a lost race: no second attempt."""
    article = make_article(headline="Laoshan tea harvest")
    attempts = []

    def failing_save():
        attempts.append(article.slug)
        raise IntegrityError("not about the slug")

    with pytest.raises(IntegrityError, match="not about the slug"):
        save_with_unique_slug(article, article.headline, failing_save)
    assert attempts == ["laoshan-tea-harvest"]


@pytest.mark.django_db
def test_a_slug_lost_on_every_attempt_is_raised_after_five():
    """Another writer takes each free slug between check and insert: five are tried, then it gives up."""
    article = Article(headline="Jimo lantern festival", body="b")
    state = {"checked": False, "taken": []}

    def hook(execute, sql, params, many, context):
        if state["checked"] and sql.startswith("SAVEPOINT"):  # the insert's savepoint: the slug is picked
            state["checked"] = False
            state["taken"].append(article.slug)
            Article.objects.bulk_create([Article(headline="The other save", body="b", slug=article.slug)])
        if "LIKE" in sql and '"slug"' in sql:
            state["checked"] = True
        return execute(sql, params, many, context)

    with connection.execute_wrapper(hook), pytest.raises(IntegrityError), transaction.atomic():
        article.save()
    assert state["taken"] == ["jimo-lantern-festival"] + [f"jimo-lantern-festival-{n}" for n in range(2, 6)]
