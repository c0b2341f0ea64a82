"""The editorial checks when a story is published from its form: errors block, warnings need a second save."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import editorial
from articles.models import Article
from articles.tests.factories import make_article, make_photo
from articles.tests.newsroom import change_url, form_errors, newsroom_user, signed_in, story_data
from regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    return signed_in(client, newsroom_user("chen.editor", "Editor"))


def draft(**fields):
    defaults = {"published": False, "published_at": None, "city_wide": True}
    return make_article(**{**defaults, **fields})


def publish(client, story, **typed):
    return client.post(change_url(story), story_data(story, status="published", **typed))


def test_missing_summary_and_regions_block_publishing_and_keep_the_typing(editor_client):
    story = draft()
    response = publish(editor_client, story, summary="", city_wide=False, body="Typed just now.")

    assert response.status_code == 200
    errors = form_errors(response)
    assert "A summary is needed: one or two sentences shown in lists and link previews." in errors[0]
    assert 'Tick the regions the story is about, or mark it "City-wide".' in errors[0]
    assert "Typed just now." in response.content.decode()
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT


def test_regions_or_city_wide_either_will_do(editor_client):
    with_region = draft(headline="Laoshan trail reopens after repairs")
    laoshan = Region.objects.get(slug="laoshan")
    assert publish(editor_client, with_region, city_wide=False, regions=[laoshan.pk]).status_code == 302
    city_wide = draft(headline="Bus fares unchanged this year")
    assert publish(editor_client, city_wide).status_code == 302


def test_a_long_headline_warns_and_a_second_save_publishes(editor_client):
    headline = "Qingdao " + "x" * 110
    story = draft(headline=headline)

    first = publish(editor_client, story)
    assert first.status_code == 200
    errors = " ".join(form_errors(first))
    assert f"The headline is {len(headline)} characters long" in errors
    assert "save again to publish all the same" in errors
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT

    digest = editorial.check_story(story).warnings_digest
    assert f'name="confirm_warnings" value="{digest}"' in first.content.decode()
    second = publish(editor_client, story, confirm_warnings=digest)
    assert second.status_code == 302, form_errors(second)
    story.refresh_from_db()
    assert story.is_published


def test_errors_and_warnings_are_listed_together_each_as_an_editorial_check(editor_client):
    headline = "Qingdao " + "x" * 110
    story = draft(headline=headline)

    response = publish(editor_client, story, summary="")

    errors = response.context["adminform"].form.non_field_errors().as_data()
    assert [str(error.message) for error in errors] == [
        "A summary is needed: one or two sentences shown in lists and link previews.",
        f"The headline is {len(headline)} characters long; over 110 it may not fit in lists and link previews.",
        "Read the warnings above; save again to publish all the same.",
    ]
    assert {error.code for error in errors} == {"editorial_check"}


def test_a_confirmation_for_other_warnings_does_not_count(editor_client):
    story = draft(headline="Qingdao " + "x" * 110)
    response = publish(editor_client, story, confirm_warnings="0123456789abcdef")
    assert response.status_code == 200
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT


def test_a_likely_duplicate_warns_with_a_link(editor_client):
    earlier = make_article(
        headline="Laoshan tea harvest starts early", published_at=timezone.now() - timedelta(hours=5)
    )
    make_article(headline="Laoshan tea harvest starts early", published_at=timezone.now() - timedelta(days=3))
    story = draft(headline="Laoshan tea harvest starts early!")

    response = publish(editor_client, story)

    page = response.content.decode()
    assert (
        "<li>A published story from the last 48 hours has a very similar headline: "
        f'<a href="{earlier.get_absolute_url()}">Laoshan tea harvest starts early</a>.</li>'
    ) in page
    assert len(editorial.likely_duplicates(story.headline, story=story)) == 1


def test_the_likely_duplicates_are_read_in_one_query_with_what_their_warning_shows(django_assert_num_queries):
    for hours in (1, 2, 3):
        make_article(headline="Laoshan tea harvest starts early", published_at=timezone.now() - timedelta(hours=hours))

    with django_assert_num_queries(1):
        found = editorial.likely_duplicates("Laoshan tea harvest starts early")
        shown = [(other.get_absolute_url(), other.headline) for other in found]

    assert len(shown) == 3


def test_a_headline_that_is_not_similar_is_no_duplicate():
    an_hour_ago = timezone.now() - timedelta(hours=1)
    make_article(headline="Laoshan tea harvest starts early", published_at=an_hour_ago)
    assert editorial.likely_duplicates("Metro line 6 opens to passengers") == []


def test_a_duplicate_headline_with_markup_is_shown_as_text(editor_client):
    make_article(headline="Port <script>x</script> record", published_at=timezone.now() - timedelta(hours=1))
    response = publish(editor_client, draft(headline="Port <script>x</script> record!"))
    page = response.content.decode()
    assert "Port &lt;script&gt;x&lt;/script&gt; record</a>" in page
    assert "<script>x</script>" not in page


def test_checking_a_saved_story_reads_its_photos_and_never_finds_itself_a_duplicate():
    story = make_article(
        headline="Ferry pier reopens", city_wide=True, published_at=timezone.now() - timedelta(hours=1)
    )
    make_photo(story, alt_text="Passengers boarding")
    make_photo(story, alt_text=" ")  # an imported photo, never given its alt text

    findings = editorial.check_story(story)

    assert (findings.errors, findings.warnings) == (["1 photo(s) have no alt text."], [])


def test_each_check_says_its_problem_in_full_and_counts_only_photos_without_alt_text():
    findings = editorial.check_for_publishing(
        headline="x" * 111,
        summary=" ",
        has_regions=False,
        city_wide=False,
        photo_alt_texts=["The pier at dawn", " ", ""],
    )

    assert findings.errors == [
        "A summary is needed: one or two sentences shown in lists and link previews.",
        'Tick the regions the story is about, or mark it "City-wide".',
        "2 photo(s) have no alt text.",
    ]
    assert findings.warnings == [
        "The headline is 111 characters long; over 110 it may not fit in lists and link previews."
    ]


def test_a_headline_of_110_characters_is_not_too_long():
    findings = editorial.check_for_publishing(
        headline="x" * 110, summary="A summary.", has_regions=True, city_wide=False
    )

    assert (findings.errors, findings.warnings) == ([], [])


def test_a_headline_exactly_as_similar_as_the_threshold_is_a_likely_duplicate():
    """"Port day" and "Port day end" share 8 of their 20 characters: a ratio of 0.8, the threshold."""
    twin = make_article(headline="Port day end", published_at=timezone.now() - timedelta(hours=1))

    assert editorial.likely_duplicates("Port day") == [twin]
