"""`manage.py seed_bench --stories N`: benchmark content, written in bulk, complete and never duplicated."""

import os
import re
from collections import Counter
from io import BytesIO, StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Prefetch, TextField
from django.db.models.functions import Cast
from django.test import Client
from django.utils import timezone
from PIL import Image

from articles import richtext
from articles.cards import card_of
from articles.management.commands.seed_bench import (
    Command,
    ROW_MODELS,
    SLUG_PREFIX,
    TAG_COUNT,
    YEARS,
    Content,
    columns,
    drawn_photo,
    make_rows,
    make_story,
    seed_photo_files,
    story_makers,
    seed_tags,
)
from articles.models import Article, Photo, Tag, TaggedArticle
from pagecache.cache import current_generation
from photos.renditions import rendition_files
from regions.models import Region
from search.backends import search
from search.index import VECTOR
from search.models import SearchEntry
from search.text import entry_fields, parse_query

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def bench_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def media_root(settings, bench_media):
    # One media folder for the module: the bench photo files are drawn once and reused, as on a real machine.
    settings.MEDIA_ROOT = bench_media


def seed(stories, **options):
    # Made in this process unless a test asks for workers: code run in forked workers is
    # invisible to mutmut, which then sees make_story untested.
    options = {"workers": 0, "batch_size": 50, **options}
    out = StringIO()
    call_command("seed_bench", stories=stories, stdout=out, **options)
    return out.getvalue()


def bench():
    return Article.objects.filter(slug__startswith=SLUG_PREFIX)


def test_fills_stories_of_every_status_with_regions_tags_and_photos():
    output = seed(120)
    assert "120 bench stories" in output and "50/120" in output  # progress, batch by batch
    stories = bench()
    assert stories.count() == 120
    now = timezone.now()
    statuses = Counter(
        "scheduled" if a.status == "published" and a.published_at > now else a.status
        for a in stories.only("status", "published_at")
    )
    assert statuses["published"] >= 110
    assert statuses["scheduled"] and statuses["draft"] and statuses["review"] and statuses["unpublished"]
    assert Article.objects.published().count() == statuses["published"]
    oldest = Article.objects.published().order_by("published_at").first().published_at
    assert (now - oldest).days > 5 * 365  # spread over the years, not all today
    assert Tag.objects.count() == TAG_COUNT
    tags_per_story = Counter(TaggedArticle.objects.values_list("content_object_id", flat=True))
    assert set(tags_per_story) == set(stories.values_list("pk", flat=True))
    assert set(tags_per_story.values()) <= set(range(1, 7)) and max(tags_per_story.values()) > 3
    in_regions = Article.regions.through.objects.values("region").distinct().count()
    assert in_regions == Region.objects.count() == 10
    assert all(a.city_wide for a in stories.annotate(n=Count("regions")).filter(n=0))
    photos_per_story = Counter(stories.annotate(n=Count("photos")).values_list("n", flat=True))
    assert set(photos_per_story) <= {0, 1, 2, 3, 4} and photos_per_story[0] and photos_per_story[2]


def test_bodies_are_clean_html_of_six_to_fifteen_paragraphs():
    seed(40)
    for story in bench():
        assert 6 <= story.body.count("<p>") <= 15
        assert richtext.clean_body(story.body) == story.body
        assert story.body_html == story.render_body_html()


def test_photo_rows_share_a_few_real_files_with_their_renditions():
    seed(60)
    photos = Photo.objects.filter(article__in=bench())
    names = set(photos.values_list("image", flat=True))
    assert photos.count() > len(names) and 1 < len(names) <= 5
    for photo in {photo.image.name: photo for photo in photos}.values():
        assert photo.renditions["cards"] and photo.renditions["sizes"]
        for name in [photo.image.name, *rendition_files(photo.renditions)]:
            assert default_storage.exists(name), name
        assert (photo.image.width, photo.image.height) == (photo.image_width, photo.image_height)


def test_card_data_is_what_the_cards_module_would_build():
    seed(60)
    stories = bench().prefetch_related(
        "regions", "tags", Prefetch("photos", queryset=Photo.objects.order_by("position", "pk"))
    )
    for story in stories:
        assert story.card == card_of(story), story.slug


def test_search_finds_a_seeded_story_by_its_words():
    seed(60)
    story = Article.objects.published().filter(slug__startswith=SLUG_PREFIX).last()
    assert SearchEntry.objects.filter(article__in=bench()).count() == 60
    word = re.findall(r"[a-z]+", story.body_text.split(".")[0].lower())[-1]
    for query in (story.headline, f"{story.headline} {word}"):
        found = list(search(Article.objects.published(), parse_query(query))[0:None])
        assert story in found, query


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stored vectors are PostgreSQL's")
@pytest.mark.parametrize("workers", [0, 2])
def test_stored_vectors_are_what_postgresql_computes(workers):
    """The vectors built in Python are exactly search.index.VECTOR's, as the admin's saves store them."""
    # Made here as well as by worker processes: mutmut sees only this process's code.
    seed(60, workers=workers)
    entries = SearchEntry.objects.annotate(
        actual=Cast("vector", TextField()), expected=Cast(VECTOR, TextField())
    )
    assert entries.count() == 60
    assert not entries.exclude(actual=F("expected")).exists()


@pytest.mark.parametrize("workers", [0, 2])
def test_stories_are_stored_as_made_whether_made_here_or_by_worker_processes(workers):
    """Rows written column by column (COPY / executemany) hold what make_story made, in the right columns."""
    output = seed(30, workers=workers)
    assert "30/30 stories" in output and "writing" in output
    content = Content(list(Region.objects.order_by("position", "name")), seed_tags(), seed_photo_files())
    stories = bench().prefetch_related("regions", "taggedarticle_set", "photos").select_related("search_entry")
    assert stories.count() == 30
    for article in stories:
        made = make_story(content, int(article.slug[len(SLUG_PREFIX) :].split("-", 1)[0]))
        expected = made.article
        assert (article.headline, article.slug, article.summary, article.body, article.body_html) == (
            expected.headline, expected.slug, expected.summary, expected.body, expected.body_html
        )
        assert (article.byline, article.source, article.city_wide, article.status, article.card) == (
            expected.byline, expected.source, expected.city_wide, expected.status, expected.card
        )
        # Dates are counted back from the time of each run.
        if expected.published_at is None:
            assert article.published_at is None
        else:
            assert abs(article.published_at - expected.published_at).total_seconds() < 120
        assert article.created_at and article.updated_at  # auto_now(_add) filled as the ORM fills them
        assert sorted(r.pk for r in article.regions.all()) == sorted(made.region_ids)
        assert sorted(t.tag_id for t in article.taggedarticle_set.all()) == sorted(made.tag_ids)
        assert [(p.image.name, p.caption, p.alt_text, p.position, p.renditions) for p in article.photos.all()] == [
            (p.image.name, p.caption, p.alt_text, p.position, p.renditions) for p in made.photos
        ]
        entry = article.search_entry
        assert (entry.headline, entry.summary, entry.body, entry.tags) == (
            made.search_entry.headline, made.search_entry.summary, made.search_entry.body, made.search_entry.tags
        )


def test_stories_are_shaped_as_the_bench_intends_and_the_same_on_every_run():
    """
    Of stories 0-999: 0-2 regions (mostly one), 1-6 tags of which a few are on many stories,
    0-4 photos (mostly one). The counts are pinned: bench timings compare across versions
    only while the content they are measured on stays the same.
    """
    content = Content(list(Region.objects.order_by("position", "name")), seed_tags(), seed_photo_files())
    stories = [make_story(content, number) for number in range(1000)]
    assert Counter(len(story.region_ids) for story in stories) == {0: 28, 1: 815, 2: 157}
    assert Counter(len(story.tag_ids) for story in stories) == {1: 152, 2: 161, 3: 187, 4: 181, 5: 157, 6: 162}
    assert Counter(len(story.photos) for story in stories) == {0: 247, 1: 348, 2: 206, 3: 128, 4: 71}
    uses = Counter(tag for story in stories for tag in story.tag_ids)
    assert [count for _, count in uses.most_common(3)] == [325, 175, 137]  # the k-th tag about 1/k as often

    def kind(article):
        upcoming = article.published_at is None or article.published_at > content.now
        return f"{article.status}{' (not yet)' if upcoming and article.status == 'published' else ''}"

    articles = [story.article for story in stories]
    assert Counter(kind(article) for article in articles) == {
        "published": 963, "draft": 20, "published (not yet)": 10, "review": 5, "unpublished": 2
    }
    assert [articles[n].headline for n in (0, 1, 2, 31)] == [
        "Laixi engineers build a metro line",
        "Pingdu volunteers debate a new harbour route",
        "Laixi tea growers prepare a trade fair",
        "Qingdao officials build an export center",  # no region: the city
    ]
    assert articles[0].body.startswith(
        "<p>Services river district <em>million</em> investment weather people new tourism development program "
        "river investment cooperation thousands completed government. Announced river record district during"
    )
    assert "</p><h2>Fishermen prepare a clean-energy plant</h2><p>" in articles[2].body
    assert [(a.slug, a.summary, a.byline, a.source, a.city_wide) for a in (articles[0], articles[31])] == [
        (
            "bench-0000000-laixi-engineers-build-a-metro-line",
            "Weekend record build said harbour visitors market industry support.",
            "By Wang Tao",
            "chinadaily.com.cn",
            False,
        ),
        (
            "bench-0000031-qingdao-officials-build-an-export-center",
            "Hopes season area number weather evening program area record morning during evening district "
            "market the number.",
            "By Liu Lin",
            "chinadaily.com.cn",
            True,  # no region
        ),
    ]
    assert articles[0].card["tags"] == [
        ["harbour heritage", "harbour-heritage"],
        ["heritage education", "heritage-education"],
        ["smart tea", "smart-tea"],
    ]
    for story in stories:
        article = story.article
        assert article.body_html == article.body  # no photo placed in the body
        # The search entry is what the index writes for the story's own fields.
        tag_names = [name for name, _ in article.card["tags"]]
        expected = entry_fields(article.headline, article.summary, article.body, tag_names)
        entry = story.search_entry
        assert {field: getattr(entry, field) for field in expected} == expected
    paragraphs = Counter(article.body.count("<p>") for article in articles)
    assert paragraphs == {6: 112, 7: 119, 8: 96, 9: 102, 10: 97, 11: 103, 12: 102, 13: 92, 14: 83, 15: 94}
    for article in articles:
        # Nine paragraphs or more: a subheading after the fourth.
        assert bool(re.match(r"(<p>[^<]*(<em>[^<]*</em>[^<]*)*</p>){4}<h2>[^<]+</h2><p>", article.body)) == (
            article.body.count("<p>") >= 9
        ), article.body
    # Scheduled 1 hour to 60 days ahead, the others published up to YEARS back (offsets pinned too).
    ahead = [(a.published_at - content.now).total_seconds() for a in articles if a.published_at and a.published_at > content.now]
    back = [(content.now - a.published_at).total_seconds() for a in articles if a.published_at and a.published_at <= content.now]
    assert 3600 < min(ahead) and max(ahead) < 60 * 86400 and 60 < min(back) and max(back) < YEARS * 365.25 * 86400
    assert (round(ahead[0], 3), round(back[0], 3)) == (3727696.262, 460916800.206)

    story = next(story for story in stories if len(story.photos) >= 2)
    files = {f["name"]: f for f in content.photo_files}
    place = story.article.card["regions"][0][1] if story.region_ids else "Qingdao"
    for position, photo in enumerate(story.photos):
        f = files[photo.image.name]
        assert (photo.image_width, photo.image_height, photo.renditions) == (f["width"], f["height"], f["renditions"])
        assert (photo.original_name, photo.position) == (f"bench-{position}.jpg", position)
        assert (photo.credit, photo.caption[: len(place) + 2]) == ("Photo provided to chinadaily.com.cn", f"{place}: ")
        assert photo.alt_text.endswith(f" in {place}")
    lead = story.photos[0]
    assert story.article.card["photo"] == [
        lead.image.name, lead.image_width, lead.image_height, lead.alt_text, {"cards": lead.renditions["cards"]}
    ]
    assert next(story for story in stories if not story.photos).article.card["photo"] is None

    texts = re.findall(r"<p>(.*?)</p>", "".join(article.body for article in articles))
    sentences = {len(re.findall(r"\.(?= |$)", text)) for text in texts}
    assert sentences == {2, 3, 4}


def test_the_rows_of_a_batch_carry_the_ids_reserved_for_it_and_json_as_text():
    """Story N of a batch gets id first_id + N, every row of it refers to that id, and JSON travels as text."""
    content = Content(list(Region.objects.order_by("position", "name")), seed_tags(), seed_photo_files())
    made = [make_story(content, number) for number in (7, 8, 9)]
    rows = dict(zip(ROW_MODELS, make_rows(content, range(7, 10), 500)))

    def column(model, name):
        index = [field.column for field in columns(model)].index(name)
        return [row[index] for row in rows[model]]

    assert column(Article, "id") == [500, 501, 502]
    expected = {
        Article.regions.through: ("article_id", [len(story.region_ids) for story in made]),
        TaggedArticle: ("content_object_id", [len(story.tag_ids) for story in made]),
        Photo: ("article_id", [len(story.photos) for story in made]),
        SearchEntry: ("article_id", [1, 1, 1]),
    }
    for model, (name, counts) in expected.items():
        assert Counter(column(model, name)) == Counter({500 + i: n for i, n in enumerate(counts) if n}), model
    # As text, so rows made by worker processes travel to the writer and into COPY unchanged.
    json_values = [
        value
        for model in ROW_MODELS
        for field in columns(model)
        if field.get_internal_type() == "JSONField"
        for value in column(model, field.column)
    ]
    assert json_values and all(isinstance(value, str) for value in json_values)


def test_stories_added_after_a_seeding_get_new_ids():
    """The ids the seeding took for its stories are not handed out again (the sequence moved on)."""
    seed(30)
    highest = bench().order_by("-pk").values_list("pk", flat=True).first()
    story = Article.objects.create(headline="Written after the bench", slug="after-the-bench", summary="s", body="b")
    assert story.pk > highest
    seed(40)
    assert bench().order_by("-pk").values_list("pk", flat=True).first() > story.pk


def test_second_run_adds_nothing_and_a_bigger_number_tops_up():
    seed(60)
    def counts():
        return [model.objects.count() for model in (Article, Photo, TaggedArticle, Tag, SearchEntry)]

    before = counts()
    assert "nothing to add" in seed(60)
    assert counts() == before
    seed(90)
    assert bench().count() == 90 and Tag.objects.count() == TAG_COUNT
    assert SearchEntry.objects.count() == 90
    slugs = sorted(bench().values_list("slug", flat=True))
    assert [int(slug.split("-")[1]) for slug in slugs] == list(range(90))


def test_pages_show_the_new_stories_at_once(settings, django_capture_on_commit_callbacks):
    """The seeding starts a new page-cache generation, so a page cached before shows the stories."""
    settings.PAGE_CACHE = True
    client = Client()
    assert client.get("/").status_code == 200
    before = current_generation()
    with django_capture_on_commit_callbacks(execute=True):
        seed(30)
    assert current_generation() != before
    newest = Article.objects.published().first()
    assert newest.headline in client.get("/").content.decode()


def near(pixel, colour, tolerance=12):
    return all(abs(p - c) <= tolerance for p, c in zip(pixel, colour))


def test_a_bench_photo_is_a_jpeg_shading_evenly_from_the_top_colour_to_the_bottom_one():
    image = Image.open(BytesIO(drawn_photo(64, 4, (40, 40, 40), (220, 220, 220))))
    assert (image.format, image.size) == ("JPEG", (64, 4))
    # Row by row, from the left edge on: a third of the way further each row (discs stand from x = 8 on).
    shades = [channel for y in range(4) for x in (0, 5) for channel in image.getpixel((x, y))]
    assert shades == pytest.approx([shade for shade in (40, 40, 100, 100, 160, 160, 220, 220) for _ in "rgb"], abs=12)
    # Two rows: the second is already the bottom colour.
    image = Image.open(BytesIO(drawn_photo(64, 2, (0, 0, 0), (255, 255, 255))))
    assert image.getpixel((0, 1))[0] > 230
    assert Image.open(BytesIO(drawn_photo(64, 1, (0, 0, 0), (255, 255, 255)))).size == (64, 1)


def test_a_bench_photo_has_six_discs_of_the_bottom_colour_reversed():
    top, bottom = (230, 30, 30), (30, 120, 200)
    image = Image.open(BytesIO(drawn_photo(320, 240, top, bottom)))
    disc = bottom[::-1]
    # The first disc: centred at (40, 80), 20 pixels across each way.
    for x, y in [(40, 80), (30, 80), (50, 80), (40, 70), (40, 90)]:
        assert near(image.getpixel((x, y)), disc), (x, y)
    assert not near(image.getpixel((280, 80)), disc)  # where a seventh would stand
    assert sum(near(image.getpixel((x, y)), disc) for x in range(0, 320, 4) for y in range(0, 240, 4)) in range(
        6 * 60, 6 * 90
    )


def test_the_command_line_reads_its_numbers_and_requires_the_story_count():
    out = StringIO()
    call_command("seed_bench", "--stories", "3", "--batch-size", "2", "--workers", "0", stdout=out)
    assert "  2/3 stories" in out.getvalue() and "  3/3 stories" in out.getvalue()
    assert bench().count() == 3
    with pytest.raises(CommandError, match=r"the following arguments are required: --stories$"):
        call_command("seed_bench")
    parser = Command().create_parser("manage.py", "seed_bench")
    defaults = parser.parse_args(["--stories", "1"])
    assert (defaults.batch_size, defaults.workers) == (2000, os.cpu_count())
    usage = " ".join(parser.format_help().split())
    for text in (
        "--stories STORIES How many bench stories to have.",
        "--batch-size BATCH_SIZE Stories per transaction.",
        "--workers WORKERS Processes making stories while this one writes them (0: make them here). "
        "Default: one per core.",
    ):
        assert text in usage


@pytest.mark.parametrize("option", [{"stories": -1}, {"batch_size": 0}, {"workers": -1}])
def test_each_number_out_of_range_is_refused_before_anything_is_written(option):
    arguments = {"stories": 2, "batch_size": 1, "workers": 0, **option}
    with pytest.raises(CommandError) as refused:
        call_command("seed_bench", stdout=StringIO(), **arguments)
    assert str(refused.value) == "--stories must be 0 or more, --batch-size at least 1 and --workers 0 or more."
    assert not bench().exists()


def test_each_batch_reports_its_progress_and_the_end_the_total():
    lines = seed(120).splitlines()
    assert lines[0] == "Adding 120 bench stories to the 0 there are..."
    line_of_progress = r"  (\d+)/120 stories \((\d[\d,]*) a second; writing (\d+)% of the time\)"
    progress = [re.fullmatch(line_of_progress, line) for line in lines[1:4]]
    assert [int(match[1]) for match in progress] == [50, 100, 120]
    assert all(int(match[2].replace(",", "")) > 0 and int(match[3]) <= 100 for match in progress)
    assert re.fullmatch(r"120 bench stories; added 120 in \d+\.\d s\.", lines[-1])
    # Between them, on PostgreSQL, its statistics brought up to date (in a transaction: no VACUUM).
    assert lines[4:-1] == (["ANALYZE..."] if connection.vendor == "postgresql" else [])
    lines = seed(121).splitlines()  # topped up by one
    assert lines[0] == "Adding 1 bench stories to the 120 there are..."
    assert re.fullmatch(r"121 bench stories; added 1 in \d+\.\d s\.", lines[-1])
    assert bench().count() == 121


def test_without_regions_nothing_is_made_and_the_command_says_why():
    Region.objects.all().delete()
    with pytest.raises(CommandError) as refused:
        seed(5)
    assert str(refused.value) == "There are no regions: run `manage.py migrate` first (it creates the ten)."
    assert not bench().exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own settings")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_sqlite_outside_a_transaction_writes_do_not_wait_for_the_disk():
    try:
        seed(2)
        with connection.cursor() as cursor:
            assert cursor.execute("PRAGMA synchronous").fetchone() == (0,)  # OFF
            assert cursor.execute("PRAGMA cache_size").fetchone() == (-262144,)  # 256 MB
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA cache_size = -2000")


def test_the_limits_themselves_are_accepted():
    assert seed(0, batch_size=1) == "0 bench stories already; nothing to add.\n"
    output = seed(2, batch_size=1)
    assert "  1/2 stories" in output and "  2/2 stories" in output


def test_workers_make_at_most_two_batches_each_ahead_of_the_writing():
    content = Content(list(Region.objects.order_by("position", "name")), seed_tags(), seed_photo_files())
    taken = []

    def batches():
        for n in range(8):
            taken.append(n)
            yield range(n, n + 1), 1000 + n

    with story_makers(content, 2) as make:
        made = make(batches())
        first = next(made)
        assert len(taken) == 5  # four in the workers' hands, and the next one asked for
        rest = list(made)
    assert len(taken) == 8 and len(rest) == 7
    # In order: the first rows are story 0's, with the id reserved for its batch.
    assert first[0][0][:2] == (1000, "Laixi engineers build a metro line")
    assert [rows[0][0][0] for rows in rest] == list(range(1001, 1008))
