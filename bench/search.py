"""
Time /search/ over a database filled with N stories of varied English and Chinese text.

    DATABASE_URL=sqlite:////tmp/bench-search.sqlite3 .venv/bin/python bench/search.py --stories 100000
    bin/with-postgres .venv/bin/python bench/search.py --stories 100000

Fills an empty database (or --reuse) with bulk inserts, builds the index with
search.index.rebuild() (bulk inserts bypass save()), then requests each search
--repeat times through Django's test client and prints the median and 95th
percentile in ms, the number of results and of SQL queries. Run by hand;
results go in the notes, not in assertions.
"""

import os
import random
import re
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.base")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

from listing_pages import measure  # noqa: E402  (sets Django up)

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article  # noqa: E402
from regions.models import Region  # noqa: E402
from search.index import rebuild  # noqa: E402

CHINESE = ["青岛", "崂山", "新闻", "港口", "地铁", "啤酒节", "海水浴场", "茶叶", "市民", "经济", "文化", "旅游"]


def fill(count, batch=2000):
    rng = random.Random(7)
    words = [f"w{n}" for n in range(5000)] + ["harbour", "tea", "ferry", "metro", "festival", "school"]
    weights = [1 / (rank + 1) for rank in range(len(words))]  # Zipf-like: a few very common words
    regions = list(Region.objects.all())
    through = Article.regions.through
    now = timezone.now()

    def text(n_words):
        chosen = rng.choices(words, weights, k=n_words)
        for i in range(0, n_words, 15):
            chosen[i] = "".join(rng.sample(CHINESE, 2))
        return " ".join(chosen)

    for start in range(0, count, batch):
        with transaction.atomic():
            stories = Article.objects.bulk_create(
                Article(
                    headline=text(8),
                    slug=f"search-bench-{n}",
                    summary=text(25),
                    body=text(300),
                    status=Article.Status.PUBLISHED if n % 10 else Article.Status.DRAFT,
                    published_at=now - timedelta(minutes=n),
                )
                for n in range(start, min(start + batch, count))
            )
            if connection.vendor == "sqlite" or stories[0].pk is None:
                stories = list(Article.objects.filter(slug__in=[s.slug for s in stories]))
            through.objects.bulk_create(through(article_id=s.pk, region_id=rng.choice(regions).pk) for s in stories)


def main():
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    if not args.reuse:
        if Article.objects.exists():
            sys.exit("The database already has stories; use an empty one or --reuse.")
        started = time.perf_counter()
        fill(args.stories)
        print(f"filled {args.stories} stories in {time.perf_counter() - started:.1f}s")
        started = time.perf_counter()
        rebuild()
        print(f"indexed them in {time.perf_counter() - started:.1f}s")

    searches = {
        "rare word": "/search/?q=w4000",
        "common word": "/search/?q=w1",
        "two words": "/search/?q=harbour+w2",
        "Chinese 2": "/search/?q=港口",
        "Chinese 4": "/search/?q=青岛港口",
        "+ region": "/search/?q=w1&region=laoshan",
        "+ dates": f"/search/?q=w1&start={(timezone.localdate() - timedelta(days=7)).isoformat()}",
        "page 50": "/search/?q=w1&page=50",
    }
    client = Client()
    print(f"{connection.vendor}, {Article.objects.count()} stories")
    print(f"{'search':<14}{'median ms':>10}{'p95 ms':>9}{'results':>9}{'queries':>9}")
    for name, url in searches.items():
        median, p95, queries = measure(client, url, args.repeat)
        found = re.search(r"(\d+) stor", client.get(url).content.decode())
        total = found.group(1) if found else "?"
        print(f"{name:<14}{median:>10.1f}{p95:>9.1f}{total:>9}{queries:>9}")


if __name__ == "__main__":
    main()
