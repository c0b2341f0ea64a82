"""
Fill the database with benchmark content: `manage.py seed_bench --stories N` (issue 13).

N stories over the ten regions and twenty years, most of them published, with a few
drafts, stories in review, unpublished and scheduled ones among them (STATUS_EVERY);
1-6 tags each from a vocabulary of 5,000 (a few tags are common, most rare); 0-4 photos
each; bodies of 6-15 paragraphs of clean HTML. Every photo row points at one of a few
real image files drawn with Pillow once, with their renditions (photos/renditions.py),
so the disk stays small however many stories there are.

Stories are made by worker processes (--workers, one per core by default) while this
process writes the rows they made, batch by batch, one transaction each: COPY on
PostgreSQL, executemany on SQLite, each value prepared by its model field as the ORM
would (Field.pre_save and get_db_prep_save) but without building an INSERT per batch
through the ORM, which took more time than making the stories. No signal is sent, so
this command writes the derived data itself in the same batch: each story's card data
(the format of articles.cards.card_of), its search entry (search.text.entry_fields, and
on PostgreSQL the stored vector), and at the end a new page-cache generation. On
PostgreSQL it runs VACUUM ANALYZE at the end: a planner without statistics picks slow
plans on freshly loaded tables.

Bench stories have slugs starting "bench-" and a zero-padded number. Running the
command again tops up to N bench stories (it never adds a second copy), so an
interrupted run can be resumed, and 1,000 can grow to 100,000.
"""

import collections
import io
import json
import multiprocessing
import os
import random
import re
import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw

from articles.models import Article, Photo, Tag, TaggedArticle
from pagecache.cache import bump_generation_on_commit
from photos import renditions as photo_renditions
from regions.models import Region
from search.models import SearchEntry
from search.text import entry_fields

SLUG_PREFIX = "bench-"
TAG_COUNT = 5000
YEARS = 20
PHOTO_DIR = "photos/bench"
MANIFEST = f"{PHOTO_DIR}/manifest.json"
# (width, height, top colour, bottom colour) of the few real files every photo row shares.
PHOTO_FILES = (
    (1600, 1067, (150, 200, 230), (46, 110, 60)),
    (1200, 800, (196, 40, 48), (250, 206, 120)),
    (800, 1200, (40, 60, 120), (200, 200, 210)),
    (1000, 1000, (230, 214, 170), (90, 120, 40)),
    (2000, 1333, (20, 20, 30), (240, 150, 60)),
)
# Story number n % every == at: that status instead of published (the rest are published, in the past).
STATUS_EVERY = (
    (50, 7, "draft"),
    (100, 13, "scheduled"),
    (200, 29, "review"),
    (500, 31, "unpublished"),
)
PHOTO_COUNT_WEIGHTS = (25, 35, 20, 12, 8)  # 0, 1, 2, 3 or 4 photos

ADJECTIVES = (
    "coastal rural urban digital green local public new old smart marine regional annual northern southern "
    "eastern western historic modern cultural industrial financial medical private open small major rising "
    "winter summer spring autumn night weekend youth senior family village harbour river mountain island "
    "cross-border low-carbon high-speed rail air road food water energy housing school university sports "
    "music film art heritage tea fishing farm market trade science health transport tourism port ocean "
    "clean solar wind electric"
).split()
NOUNS = (
    "economy tourism trade policy festival market transport housing education health care research industry "
    "investment exports imports jobs startups parks beaches roads bridges tunnels ports ships trains buses "
    "schools hospitals museums libraries theatres concerts exhibitions sports football basketball marathon "
    "sailing fishing farming tea wine beer seafood weather storms floods heat snow pollution recycling "
    "energy power water gardens forests wildlife villages districts planning budget taxes prices wages "
    "retail logistics shipping aviation technology robots chips software data security culture heritage"
).split()
SUBJECTS = (
    "Farmers", "Officials", "Residents", "Volunteers", "Students", "Fishermen", "Engineers", "Researchers",
    "Shop owners", "Tea growers", "Port workers", "Doctors", "Teachers", "Artists", "Investors", "Visitors",
)
VERBS = (
    "open", "celebrate", "plan", "welcome", "build", "expand", "launch", "restore", "prepare", "test",
    "finish", "review", "join", "support", "mark", "debate",
)
OBJECTS = (
    "a new harbour route", "the spring harvest", "a riverside greenway", "an export center",
    "a night market", "a lantern festival", "automated berths", "a farm livestream hub", "summer beaches",
    "a metro line", "a grape harvest", "a business park", "a science museum", "a sailing regatta",
    "a food fair", "a clean-energy plant", "a school library", "a heritage street", "a hiking trail",
    "a trade fair",
)
WORDS = (
    "the city district officials said project year new local residents many first market visitors "
    "expected support plans work more than people center area public since began during company "
    "government industry growth development road station services program agreement cooperation "
    "investment tourism export farms harbour coast river mountain village morning evening weekend "
    "families students workers volunteers season weather record number percent million hundreds "
    "thousands opened completed announced reported added explained hopes improve build bring provide"
).split()
FIRST_NAMES = ("Zhang", "Wang", "Li", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Sun", "Ma")
GIVEN_NAMES = ("Yi", "Wei", "Jing", "Lei", "Min", "Tao", "Hui", "Lin", "Qiang", "Yan", "Hao", "Xin")


class Command(BaseCommand):
    help = "Fill the database with N benchmark stories (tops up, never duplicates); ANALYZE on PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--stories", type=int, required=True, help="How many bench stories to have.")
        parser.add_argument("--batch-size", type=int, default=2000, help="Stories per transaction.")
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,  # pragma: no mutate (the count is known on Linux: 1 is a fallback)
            help="Processes making stories while this one writes them (0: make them here). Default: one per core.",
        )

    def handle(self, *args, stories, batch_size, workers, verbosity, **options):
        if stories < 0 or batch_size < 1 or workers < 0:
            raise CommandError("--stories must be 0 or more, --batch-size at least 1 and --workers 0 or more.")
        self.verbosity = verbosity
        started = time.monotonic()
        regions = list(Region.objects.order_by("position", "name"))
        if not regions:
            raise CommandError("There are no regions: run `manage.py migrate` first (it creates the ten).")
        existing = bench_stories().count()
        missing = stories - existing
        if missing <= 0:
            self.say(f"{existing:,} bench stories already; nothing to add.")
            return
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                # Bench data, as synchronous_commit on PostgreSQL: no wait for the disk at each
                # commit. And a page cache of 256 MB (the default is 2 MB): stories go in at
                # random places of the publication-time indexes, which outgrow the default at once.
                cursor.execute("PRAGMA synchronous = OFF")  # pragma: no mutate (SQL: any case)
                cursor.execute("PRAGMA cache_size = -262144")  # pragma: no mutate (SQL: any case)
        content = Content(regions, seed_tags(), seed_photo_files())
        first = next_number()
        first_id = reserve_article_ids(missing)
        batches = [
            (range(first + start, first + min(start + batch_size, missing)), first_id + start)
            for start in range(0, missing, batch_size)
        ]
        self.say(f"Adding {missing:,} bench stories to the {existing:,} there are...")
        done, writing = 0, 0.0
        with story_makers(content, workers) as make_rows:
            for rows in make_rows(batches):
                write_started = time.monotonic()
                write_batch(rows)
                writing += time.monotonic() - write_started
                done += len(rows[0])
                elapsed = max(time.monotonic() - started, 1e-9)  # pragma: no mutate (a floor against 0)
                self.say(
                    f"  {done:,}/{missing:,} stories ({done / elapsed:,.0f} a second; "
                    f"writing {writing / elapsed:.0%} of the time)"
                )
        if connection.vendor == "postgresql":
            # VACUUM also moves the search index's pending entries into it and marks the pages
            # all-visible (index-only scans); it cannot run in a transaction (tests), ANALYZE can.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            self.say(f"{command}...")
            with connection.cursor() as cursor:
                cursor.execute(command)
        bump_generation_on_commit()
        elapsed = time.monotonic() - started
        self.say(f"{existing + missing:,} bench stories; added {missing:,} in {elapsed:.1f} s.")

    def say(self, message):
        if self.verbosity:
            self.stdout.write(message)
            self.stdout.flush()


def bench_stories():
    return Article.objects.filter(slug__startswith=SLUG_PREFIX)


def next_number():
    """One more than the highest bench story's number (slugs are zero-padded, so they sort as numbers)."""
    last = bench_stories().order_by("-slug").values_list("slug", flat=True).first()
    return int(last[len(SLUG_PREFIX) :].partition("-")[0]) + 1 if last else 0


@dataclass(frozen=True)
class VocabularyTag:
    pk: int
    name: str
    slug: str


def tag_names():
    names = [f"{adjective} {noun}" for adjective in ADJECTIVES for noun in NOUNS]
    random.Random(5000).shuffle(names)
    return names[:TAG_COUNT]


def seed_tags():
    """The vocabulary's tags, created where missing; most used first (a few tags are on many stories)."""
    names = tag_names()
    # Django batches the rows by itself where the database limits a query's parameters (SQLite).
    Tag.objects.bulk_create([Tag(name=name, slug=slugify(name)) for name in names], ignore_conflicts=True)
    found = {}
    for start in range(0, len(names), 500):
        for pk, name, slug in Tag.objects.filter(name__in=names[start : start + 500]).values_list(
            "pk", "name", "slug"
        ):
            found[name] = VocabularyTag(pk, name, slug)
    # A name clashing with an existing tag's slug was not created: the vocabulary does without it.
    return [found[name] for name in names if name in found]


def seed_photo_files():
    """
    The few real image files every bench photo row uses, as [{"name", "width", "height",
    "renditions"}]: made once (master and renditions, as an upload makes them) and listed
    in a manifest, reused while the manifest and every file it names are there.
    """
    storage = Photo._meta.get_field("image").storage
    if storage.exists(MANIFEST):
        with storage.open(MANIFEST) as manifest:
            files = json.load(manifest)
        names = [n for f in files for n in [f["name"], *photo_renditions.rendition_files(f["renditions"])]]
        fresh = all(f["renditions"].get("spec") == photo_renditions.SPEC for f in files)
        if fresh and len(files) == len(PHOTO_FILES) and all(storage.exists(name) for name in names):
            return files
        storage.delete(MANIFEST)
    files = []
    for number, (width, height, top, bottom) in enumerate(PHOTO_FILES):
        prepared = photo_renditions.prepare(io.BytesIO(drawn_photo(width, height, top, bottom)))
        name = storage.save(f"{PHOTO_DIR}/bench-{number}.jpg", prepared.master())
        renditions = photo_renditions.make_renditions(storage, name, prepared)
        files.append({"name": name, "width": width, "height": height, "renditions": renditions})
    storage.save(MANIFEST, io.BytesIO(json.dumps(files).encode()))
    return files


def drawn_photo(width, height, top, bottom):
    """A JPEG of a vertical gradient with a few shapes: a real photo file, not a flat colour."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        mix = y / max(height - 1, 1)
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * mix) for a, b in zip(top, bottom)))
    for n in range(6):
        # pragma: no mutate start (decoration: where each disc stands and its size; six are drawn, tested)
        x, y, r = width * (n + 1) // 8, height * (2 + n % 3) // 6, min(width, height) // 12
        # pragma: no mutate end
        draw.ellipse([x - r, y - r, x + r, y + r], fill=bottom[::-1])
    buffer = io.BytesIO()
    # pragma: no mutate start (Pillow's format names ignore case; the quality sets only the file's size)
    image.save(buffer, "JPEG", quality=85)
    # pragma: no mutate end
    return buffer.getvalue()


class Content:
    """What stories are made of: regions, tags, photo files, a pool of sentences, and the time now."""

    def __init__(self, regions, tags, photo_files):
        self.regions = regions
        self.tags = tags
        # Zipf-like: the k-th tag is chosen about 1/k as often as the first.
        self.tag_weights = list(_cumulative(1 / (k + 1) for k in range(len(tags))))
        self.photo_files = photo_files
        rng = random.Random(13)
        self.sentences = [sentence(rng) for _ in range(4000)]
        self.now = timezone.now()
        self.vectors = None
        if connection.vendor == "postgresql":
            self.vectors = Vectors(
                [r.name for r in regions]
                + ["Qingdao", *SUBJECTS, *(s.lower() for s in SUBJECTS), *VERBS, *OBJECTS]
                + [t.name for t in tags]
                + [s.text for s in self.sentences]
            )


def _cumulative(values):
    total = 0
    for value in values:
        total += value
        yield total


@dataclass(frozen=True)
class Sentence:
    html: str
    text: str  # as articles.richtext.body_text reads it: without the markup


def sentence(rng):
    words = rng.choices(WORDS, k=rng.randint(8, 18))
    text = " ".join(words).capitalize() + "."
    if rng.random() < 0.15:
        words[3] = f"<em>{words[3]}</em>"
    return Sentence(" ".join(words).capitalize() + ".", text)


class Vectors:
    """
    PostgreSQL search vectors (search.index.VECTOR) built here rather than by the database:
    to_tsvector over a million bodies takes most of the time of a load. A bench text is
    made of a few thousand fragments (sentences, tag names, headline parts) joined by
    blanks, so its vector is theirs, each fragment's positions moved on by the number of
    words (stop words too) before it. The fragments' vectors are read from PostgreSQL
    once; the tests compare what this builds with what the database computes.
    """

    LEXEME = re.compile(r"('(?:[^']|'')*'):([\d,]+)")

    def __init__(self, fragments):
        fragments = list(dict.fromkeys(fragments))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT f, to_tsvector('english', f)::text, "  # pragma: no mutate (SQL, config names: any case)
                "(SELECT count(*) FROM ts_debug('english', f) WHERE lexemes IS NOT NULL) "  # pragma: no mutate (SQL: any case)
                "FROM unnest(%s::text[]) AS f",  # pragma: no mutate (SQL: any case)
                [fragments],
            )
            # fragment: ([(quoted lexeme, positions)], words, highest position)
            self.known = {}
            for fragment, text, words in cursor.fetchall():
                found = [(lexeme, [int(p) for p in ps.split(",")]) for lexeme, ps in self.LEXEME.findall(text)]
                self.known[fragment] = (found, words, max((ps[-1] for _, ps in found), default=0))

    def vector(self, *weighted):
        """
        The tsvector literal of setweight(to_tsvector(part), weight) || ... for (weight,
        fragments) pairs. A lexeme may come more than once: PostgreSQL merges its positions.
        """
        entries, shift = [], 0
        for weight, fragments in weighted:
            offset = top = 0
            for fragment in fragments:
                found, words, highest = self.known[fragment]
                at = shift + offset
                for lexeme, positions in found:
                    entries.append(f"{lexeme}:{','.join(f'{p + at}{weight}' for p in positions)}")
                if highest:
                    top = offset + highest
                offset += words
            # `||` moves the right vector on by the highest position of the left one.
            shift += top
        return " ".join(entries)


@dataclass
class Story:
    article: Article
    region_ids: list
    tag_ids: list
    photos: list  # Photo rows without their story
    search_entry: SearchEntry  # without its story


def make_story(content, number):
    """Story `number`, the same on every run except its dates (counted back from now)."""
    rng = random.Random(number)
    region_count = rng.choices((0, 1, 2), weights=(3, 80, 17))[0]
    regions = sorted(rng.sample(content.regions, region_count), key=lambda r: (r.position, r.name))
    tag_count = rng.randint(1, 6)
    tags = set()
    while len(tags) < min(tag_count, len(content.tags)):
        tags.add(rng.choices(content.tags, cum_weights=content.tag_weights)[0])
    tags = sorted(tags, key=lambda t: t.name.lower())  # pragma: no mutate (tag names are lower-case words)
    photo_files = [
        rng.choice(content.photo_files) for _ in range(rng.choices(range(5), weights=PHOTO_COUNT_WEIGHTS)[0])
    ]

    place = regions[0].name if regions else "Qingdao"
    headline_parts = [place, rng.choice(SUBJECTS).lower(), rng.choice(VERBS), rng.choice(OBJECTS)]
    headline = " ".join(headline_parts)
    summary = rng.choice(content.sentences).text
    # Paragraphs of 2-4 sentences, with a subheading in longer stories: [(html, fragments)].
    parts = []
    for _ in range(rng.randint(6, 15)):
        sentences = rng.choices(content.sentences, k=rng.randint(2, 4))
        parts.append((f"<p>{' '.join(s.html for s in sentences)}</p>", [s.text for s in sentences]))
    if len(parts) >= 9:
        heading = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)]
        parts.insert(4, (f"<h2>{' '.join(heading)}</h2>", heading))
    body = "".join(html for html, _ in parts)

    status, published_at = Article.Status.PUBLISHED, None
    for every, at, kind in STATUS_EVERY:
        if number % every == at:
            break
    else:
        kind = "published"  # pragma: no mutate (any kind not named above is published)
    if kind == "draft":
        status = Article.Status.DRAFT
    elif kind == "review":
        status = Article.Status.IN_REVIEW
    elif kind == "scheduled":
        published_at = content.now + timedelta(seconds=rng.uniform(3600, 60 * 86400))
    else:
        published_at = content.now - timedelta(seconds=rng.uniform(60, YEARS * 365.25 * 86400))
        if kind == "unpublished":
            status = Article.Status.UNPUBLISHED

    photos = [
        Photo(
            image=f["name"],
            image_width=f["width"],  # pragma: no mutate (else post_init opens the file for it)
            image_height=f["height"],  # pragma: no mutate (else post_init opens the file for it)
            original_name=f"bench-{position}.jpg",
            caption=f"{place}: {rng.choice(OBJECTS)}.",
            credit="Photo provided to chinadaily.com.cn",
            alt_text=f"{rng.choice(SUBJECTS)} at {rng.choice(OBJECTS)} in {place}",
            position=position,
            renditions=f["renditions"],
        )
        for position, f in enumerate(photo_files)
    ]
    lead = photos[0] if photos else None
    article = Article(
        headline=headline,
        slug=f"{SLUG_PREFIX}{number:07d}-{slugify(headline)}",  # at most 78 characters: no cut needed
        summary=summary,
        body=body,
        # No photo placed in the body, so the rendered body is the body (articles.richtext.render_body).
        body_html=body,
        byline=f"By {rng.choice(FIRST_NAMES)} {rng.choice(GIVEN_NAMES)}",
        source="chinadaily.com.cn",
        city_wide=not regions,
        status=status,
        published_at=published_at,
        # The format of articles.cards.card_of, built from what is known here instead of read back.
        card={
            "regions": [[r.pk, r.name, r.slug] for r in regions],
            "tags": [[t.name, t.slug] for t in tags],
            "photo": [
                lead.image.name,
                lead.image_width,
                lead.image_height,
                lead.alt_text,
                {"cards": lead.renditions["cards"]},  # bench files always have their renditions
            ]
            if lead
            else None,
        },
    )
    tag_names = [t.name for t in tags]
    entry = SearchEntry(**entry_fields(headline, summary, body, tag_names))
    if content.vectors:
        entry.vector = content.vectors.vector(
            ("A", headline_parts),
            ("B", sorted(tag_names)),  # entry_fields sorts them
            ("B", [summary]),
            ("C", [fragment for _, fragments in parts for fragment in fragments]),
        )
    return Story(article, [r.pk for r in regions], [t.pk for t in tags], photos, entry)


def reserve_article_ids(count):
    """
    The first of `count` story ids no one else will take: the rows of a batch refer to
    their story by id, and worker processes make them before any story is written.
    """
    table = Article._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            (sequence,) = cursor.fetchone()
            cursor.execute("SELECT nextval(%s)", [sequence])
            (first,) = cursor.fetchone()
            if count > 1:
                cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
            return first
        # SQLite (AUTOINCREMENT): explicit ids move the table's sequence on as they are written.
        cursor.execute(
            f"SELECT max(coalesce((SELECT max(id) FROM {table}), 0), "
            f"coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0)) + 1",
            [table],
        )
        return cursor.fetchone()[0]


# The model rows of a batch, in the order they are written (a row refers only to rows written before it).
ROW_MODELS = (Article, Article.regions.through, TaggedArticle, Photo, SearchEntry)


def columns(model):
    """The fields written: all concrete fields but an automatic primary key (the database numbers those)."""
    return [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and field.get_internal_type().endswith("AutoField") and model is not Article)
    ]


def insert_row(instance, fields):
    """A row's values as the ORM's INSERT would send them."""
    values = []
    for field in fields:
        value = field.pre_save(instance, True)
        if field.get_internal_type() == "JSONField":
            # Text for both databases (PostgreSQL reads jsonb from COPY's text); the ORM's
            # PostgreSQL wrapper is meant for parameters, not for handing between processes.
            values.append(json.dumps(value, cls=field.encoder))  # pragma: no mutate (no seeded JSONField has an encoder)
        else:
            values.append(field.get_db_prep_save(value, connection))
    return tuple(values)


def make_rows(content, numbers, first_id):
    """Stories `numbers`, with ids from `first_id`, as the rows of each of ROW_MODELS for write_batch."""
    stories = [make_story(content, number) for number in numbers]
    through = Article.regions.through
    instances = {model: [] for model in ROW_MODELS}
    for article_id, story in enumerate(stories, start=first_id):
        story.article.pk = article_id
        instances[Article].append(story.article)
        instances[through] += [through(article_id=article_id, region_id=region) for region in story.region_ids]
        instances[TaggedArticle] += [TaggedArticle(content_object_id=article_id, tag_id=tag) for tag in story.tag_ids]
        for photo in story.photos:
            photo.article_id = article_id
            instances[Photo].append(photo)
        story.search_entry.article_id = article_id
        instances[SearchEntry].append(story.search_entry)
    return tuple([insert_row(row, columns(model)) for row in instances[model]] for model in ROW_MODELS)


_content = None  # what the worker processes make stories of (inherited when they fork)


def _make_rows_in_worker(batch):
    # Runs in forked workers only, where mutmut sees nothing: its mutants are killed by
    # test_workers_make_at_most_two_batches_each_ahead_of_the_writing (bin/mutate --check).
    return make_rows(_content, *batch)  # pragma: no mutate (forked workers only; see above)


class story_makers:
    """
    `with story_makers(content, workers) as make: for rows in make(batches)`: the rows
    of each (numbers, first id) batch in order, made by `workers` forked processes
    ahead of the writing (0: made here, one batch at a time).
    """

    def __init__(self, content, workers):
        self.content, self.workers, self.pool = content, workers, None

    def __enter__(self):
        global _content
        if not self.workers:
            return lambda batches: (make_rows(self.content, *batch) for batch in batches)
        _content = self.content
        # Forked: the workers start with the content made here and never use the database.
        # pragma: no mutate start (fork is Linux's default; the pool's size changes how fast, not what)
        self.pool = multiprocessing.get_context("fork").Pool(self.workers)
        # pragma: no mutate end
        return self.made_ahead

    def made_ahead(self, batches):
        # A few batches ahead of the writing, no more: when the database is the slower
        # side (SQLite), rows made far ahead would pile up here (2 GB at a million).
        pending = collections.deque()
        for batch in batches:
            pending.append(self.pool.apply_async(_make_rows_in_worker, (batch,)))
            if len(pending) > 2 * self.workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()

    def __exit__(self, *exc):
        global _content
        if self.pool:
            self.pool.terminate()
            self.pool.join()
        _content = None  # pragma: no mutate (only lets the content go; any value does)


@transaction.atomic
def write_batch(rows):
    """One batch of rows (make_rows) in one transaction: COPY on PostgreSQL, executemany on SQLite."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Bench data: losing the last commits in a crash costs nothing; waiting for each flush costs time.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            # New search entries wait in the GIN index's pending list and go in sorted, in bulk.
            cursor.execute("SET LOCAL gin_pending_list_limit TO '64MB'")
        for model, model_rows in zip(ROW_MODELS, rows):
            if not model_rows:
                continue
            names = ", ".join(connection.ops.quote_name(field.column) for field in columns(model))
            table = connection.ops.quote_name(model._meta.db_table)
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in model_rows:
                        copy.write_row(row)
            else:
                # On SQLite the full-text table follows search_searchentry through triggers (search/migrations/0001).
                placeholders = ", ".join(["%s"] * len(columns(model)))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", model_rows)
