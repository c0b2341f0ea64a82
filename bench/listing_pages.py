"""
Time the reader pages over a database filled with N stories.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/listing_pages.py --stories 10000
    bin/with-postgres .venv/bin/python bench/listing_pages.py --stories 10000

Fills an empty database (it refuses one that has stories, unless --reuse) with
stories spread over the ten regions, three tags each and no photos, then requests
each page --repeat times through Django's test client (no network, no server) and
prints the median and 95th-percentile time and the number of SQL queries.
Run by hand; results go in the issue notes, not in assertions.
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
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article, Tag, TaggedArticle  # noqa: E402
from regions.models import Region  # noqa: E402

TAG_NAMES = [f"topic {n}" for n in range(50)]


def fill(count, batch=2000):
    regions = list(Region.objects.all())
    tags = [Tag.objects.get_or_create(name=name)[0] for name in TAG_NAMES]
    now = timezone.now()
    through = Article.regions.through
    rng = random.Random(42)
    for start in range(0, count, batch):
        with transaction.atomic():
            stories = Article.objects.bulk_create(
                Article(
                    headline=f"Benchmark story {n}",
                    slug=f"benchmark-story-{n}",
                    summary="A summary of one or two sentences.",
                    body="Paragraph.\n\n" * 8,
                    body_html="<p>Paragraph.</p>\n\n" * 8,
                    status=Article.Status.PUBLISHED if n % 10 else Article.Status.DRAFT,
                    published_at=now - timedelta(minutes=n),
                )
                for n in range(start, min(start + batch, count))
            )
            if connection.vendor == "sqlite" or stories[0].pk is None:
                stories = list(Article.objects.filter(slug__in=[s.slug for s in stories]))
            through.objects.bulk_create(
                through(article_id=s.pk, region_id=rng.choice(regions).pk) for s in stories
            )
            TaggedArticle.objects.bulk_create(
                TaggedArticle(content_object=s, tag=tag) for s in stories for tag in rng.sample(tags, 3)
            )


def measure(client, url, repeat):
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    return statistics.median(timings), p95, len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--stories", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="Use the stories already in the database.")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    if not args.reuse:
        if Article.objects.exists():
            sys.exit("The database already has stories; use an empty one or --reuse.")
        started = time.perf_counter()
        fill(args.stories)
        print(f"filled {args.stories} stories in {time.perf_counter() - started:.1f}s")

    story = Article.objects.published().first()
    region = Region.objects.get(slug="laoshan")
    pages = {
        "home": "/",
        "region p1": region.get_absolute_url(),
        "region p50": region.get_absolute_url() + "?page=50",
        "tag": "/tags/topic-7/",
        "story": story.get_absolute_url(),
    }
    client = Client()
    print(f"{connection.vendor}, {Article.objects.count()} stories")
    print(f"{'page':<12}{'median ms':>10}{'p95 ms':>9}{'queries':>9}")
    for name, url in pages.items():
        median, p95, queries = measure(client, url, args.repeat)
        print(f"{name:<12}{median:>10.1f}{p95:>9.1f}{queries:>9}")


if __name__ == "__main__":
    main()
