"""
Time the related-stories query (ArticleQuerySet.related_to) over a large newsroom.

    DATABASE_URL=sqlite:////tmp/related.sqlite3 .venv/bin/python bench/related_stories.py
    PG_DB_NAME=newsroom_bench bin/with-postgres .venv/bin/python bench/related_stories.py

Fills an empty database (it refuses one that has stories, unless --reuse) with
--stories stories (default 100,000; nine in ten published) over the ten regions,
each with 2 to 6 of --tags tags (default 5,000) drawn so that a few tags are very
common and most are rare, as in a newsroom. Then, for --samples published stories
picked at random, runs the query as the story page does (the story's tags and
regions already fetched) and prints the median, 95th-percentile and worst time, and
the query plan of one run. Run by hand; the figures go in the issue notes.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.dev")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article, Tag, TaggedArticle  # noqa: E402
from regions.models import Region  # noqa: E402


def fill(story_count, tag_count, batch=5000):
    rng = random.Random(42)
    regions = list(Region.objects.all())
    Tag.objects.bulk_create(Tag(name=f"Topic {n}", slug=f"topic-{n}") for n in range(tag_count))
    tag_ids = list(Tag.objects.values_list("pk", flat=True))
    # Zipf-like use: tag k is picked with weight 1/(k+1).
    weights = [1 / (rank + 1) for rank in range(len(tag_ids))]
    now = timezone.now()
    through = Article.regions.through
    for start in range(0, story_count, batch):
        with transaction.atomic():
            stories = Article.objects.bulk_create(
                Article(
                    headline=f"Benchmark story {n}",
                    slug=f"benchmark-story-{n}",
                    summary="A summary.",
                    body="Paragraph.",
                    body_html="<p>Paragraph.</p>",
                    status=Article.Status.PUBLISHED if n % 10 else Article.Status.DRAFT,
                    published_at=now - timedelta(minutes=n),
                )
                for n in range(start, min(start + batch, story_count))
            )
            if connection.vendor == "sqlite" or stories[0].pk is None:
                stories = list(Article.objects.filter(slug__in=[s.slug for s in stories]).only("pk"))
            through.objects.bulk_create(
                through(article_id=s.pk, region_id=rng.choice(regions).pk) for s in stories
            )
            links = []
            for story in stories:
                chosen = set(rng.choices(tag_ids, weights=weights, k=rng.randint(2, 6)))
                links.extend(TaggedArticle(content_object_id=story.pk, tag_id=tag_id) for tag_id in chosen)
            TaggedArticle.objects.bulk_create(links)
        print(f"  {min(start + batch, story_count)} stories", end="\r", flush=True)
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--tags", type=int, default=5_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="Use the stories already in the database.")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    if not args.reuse:
        if Article.objects.exists():
            sys.exit("The database already has stories; use an empty one or --reuse.")
        started = time.perf_counter()
        fill(args.stories, args.tags)
        print(f"filled {args.stories} stories and {args.tags} tags in {time.perf_counter() - started:.0f}s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    rng = random.Random(7)
    published = list(Article.objects.published().values_list("pk", flat=True))
    sample = rng.sample(published, min(args.samples, len(published)))
    timings = []
    for pk in sample:
        story = Article.objects.with_relations().get(pk=pk)
        started = time.perf_counter()
        related = list(Article.objects.published().related_to(story))
        timings.append((time.perf_counter() - started) * 1000)
        assert story not in related
    timings.sort()
    # A yardstick for a shared or busy machine: one full count of the stories.
    started = time.perf_counter()
    Article.objects.count()
    yardstick = (time.perf_counter() - started) * 1000
    print(
        f"{connection.vendor}: {Article.objects.count()} stories, {Tag.objects.count()} tags, "
        f"{TaggedArticle.objects.count()} links; counting the stories takes {yardstick:.1f} ms here"
    )
    print(
        f"related_to over {len(timings)} stories: median {statistics.median(timings):.1f} ms, "
        f"p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms, worst {timings[-1]:.1f} ms"
    )
    # The slowest kind of story: one carrying the most common tags.
    common = Tag.objects.with_story_counts().order_by("-story_count")[:3]
    heavy = Article.objects.published().filter(tags__in=common).first()
    if heavy is not None:
        story = Article.objects.with_relations().get(pk=heavy.pk)
        started = time.perf_counter()
        list(Article.objects.published().related_to(story))
        tag_counts = ", ".join(f"{tag.name}: {tag.story_count}" for tag in common)
        print(
            f"a story with a most common tag ({tag_counts}): {(time.perf_counter() - started) * 1000:.1f} ms"
        )
        print(Article.objects.published().related_to(story).explain())


if __name__ == "__main__":
    main()
