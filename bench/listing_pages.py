"""
Time every page issue 13 lists over a database of N bench stories, in-process.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/listing_pages.py --stories 10000
    PG_DB_NAME=newsroom_bench bin/with-postgres .venv/bin/python bench/listing_pages.py --stories 10000

(`bench/run --stories N --database sqlite|postgres` does this with a database of its own.)
Fills the database with `manage.py seed_bench --stories N` (which tops up, so a second
run reuses the stories), then requests each page through Django's test client (no
network, no server, page cache off) --repeat times after one warm-up request, and
prints the median, 95th-percentile and fastest server time and the number of SQL queries as a
Markdown table, then the query plan (EXPLAIN) of the slowest query of each listing, to
show which indexes the database uses at this size.
"""

import argparse
import os
import platform
import re
import resource
import statistics
import sys
import time
from collections import Counter
from datetime import datetime
from datetime import timezone as dt_timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.dev")
os.environ.setdefault("DEBUG", "0")  # DEBUG logs every query: slower, and not what a server does
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ["PAGE_CACHE"] = "0"  # every request rendered: the cost of a page, not of a cache hit

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Article, TaggedArticle  # noqa: E402
from worker_memory import worker_memory  # noqa: E402 (bench/, the folder of this script)
from regions.models import Region  # noqa: E402

# Pages whose main query's plan is printed.
LISTINGS = {
    "home",
    "region p1",
    "region deepest",
    "tag",
    "rare tag",
    "archive",
    "archive year",
    "archive month",
    "search",
    "feed",
    "region feed",
    "tag feed",
    "rare tag feed",
    "sitemap index",
    "sitemap page",
    "admin list",
    "admin by region",
    "admin by status",
    "admin searched",
}


def deepest(client, url):
    """The last page of a listing a reader can reach: ?page=last, or the highest number that answers."""
    if client.get(url + "?page=last").status_code == 200:
        return url + "?page=last"
    low, high = 1, 2
    while client.get(f"{url}?page={high}").status_code == 200:
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        if client.get(f"{url}?page={middle}").status_code == 200:
            low = middle
        else:
            high = middle
    return f"{url}?page={low}"


def rare_tag():
    """
    A tag on a handful of stories (the one nearest RARE_TAG_STORIES published stories): the
    vocabulary is Zipf-like, so most tags are rare, and a rare tag's page must not walk
    every story looking for its few.
    """
    uses = (
        TaggedArticle.objects.filter(content_object__in=Article.objects.published())
        .values("tag_id")
        .annotate(stories=Count("pk"))
        .values_list("tag_id", "stories")
    )
    tag_id, _ = min(uses, key=lambda row: (abs(row[1] - RARE_TAG_STORIES), row[0]))
    return TaggedArticle.tag_model().objects.get(pk=tag_id)


RARE_TAG_STORIES = 10


def pages(client, admin):
    # The same story at every size (bench stories are the same story for the same number):
    # a story's own length and photos change its time more than the size of the archive.
    story = (
        Article.objects.published()
        .filter(slug__lt="bench-0001000")
        .exclude(card__photo=None)
        .order_by("slug")
        .first()
    )
    region = Region.objects.get(slug="laoshan")
    tag_id = Counter(TaggedArticle.objects.values_list("tag_id", flat=True)[:20000]).most_common(1)[0][0]
    tag = TaggedArticle.tag_model().objects.get(pk=tag_id)
    rare = rare_tag()
    newest = Article.objects.published().first().published_at
    reader = {
        "home": "/",
        "region p1": region.get_absolute_url(),
        "region deepest": deepest(client, region.get_absolute_url()),
        "tag": tag.get_absolute_url(),
        "rare tag": rare.get_absolute_url(),
        "story": story.get_absolute_url(),
        "archive": "/archive/",
        "archive year": f"/archive/{newest.year}/",
        "archive month": f"/archive/{newest.year}/{newest.month}/",
        "search": "/search/?q=harbour+tea",
        "feed": "/feed/",
        "feed atom": "/feed/atom/",
        "region feed": f"{region.get_absolute_url()}feed/",
        "region feed atom": f"{region.get_absolute_url()}feed/atom/",
        "tag feed": f"{tag.get_absolute_url()}feed/",
        "tag feed atom": f"{tag.get_absolute_url()}feed/atom/",
        "rare tag feed": f"{rare.get_absolute_url()}feed/",
        "sitemap index": "/sitemap.xml",
        "sitemap page": "/sitemap-stories.xml?p=1",
        "news sitemap": "/news-sitemap.xml",
    }
    staff = {
        "admin list": "/admin/articles/article/",
        "admin by region": f"/admin/articles/article/?regions__id__exact={region.pk}",
        "admin by status": "/admin/articles/article/?status=draft",
        "admin searched": "/admin/articles/article/?q=harbour",
    }
    return [(name, url, client) for name, url in reader.items()] + [(name, url, admin) for name, url in staff.items()]


def measure(client, url, repeat):
    started = time.perf_counter()
    client.get(url)  # warm-up: the first request of a URL pays for imports and template loading
    warm_up = time.perf_counter() - started
    timings = []
    # A page that takes seconds is timed fewer times (at least 3): about half a minute a
    # page; one that takes more than 10 s, once more.
    for _ in range(1 if warm_up > 10 else max(3, min(repeat, int(30 / max(warm_up, 1e-3))))):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    p95 = timings[max(0, round(len(timings) * 0.95) - 1)]
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default=None)
    return statistics.median(timings), p95, timings[0], len(captured), slowest


def explain(sql, seconds):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A query that takes seconds is not run again: its plan alone.
            how = "COSTS OFF" if seconds > 2 else "ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON"
            cursor.execute(f"EXPLAIN ({how}) " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return [row[0] for row in rows]
    return [f"{row[0]}/{row[1]}: {row[-1]}" for row in rows]


def versions():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    return f"Python {platform.python_version()}, Django {django.get_version()}, {database}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--stories", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--no-explain", action="store_true", help="Leave out the query plans.")
    parser.add_argument(
        "--pages", help="Only these pages, by name, comma-separated (e.g. 'tag,rare tag'); all if not given."
    )
    parser.add_argument("--no-server", action="store_true", help="Leave out the gunicorn worker's memory.")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_bench", stories=args.stories)
    seeding = time.perf_counter() - started

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    admin = Client()
    admin.force_login(user)
    client = Client()
    load = os.getloadavg()[0]
    results, plans = [], []
    chosen = {name.strip() for name in args.pages.split(",")} if args.pages else None
    measured = [page for page in pages(client, admin) if chosen is None or page[0] in chosen]
    for name, url, who in measured:
        median, p95, fastest, queries, slowest = measure(who, url, args.repeat)
        results.append((name, url, median, p95, fastest, queries))
        if name in LISTINGS and slowest and not args.no_explain:
            plans.append((name, url, slowest, explain(slowest["sql"], float(slowest["time"]))))
    memory = None
    if not args.no_server:
        session = admin.cookies["sessionid"].value
        memory = worker_memory([(name, url, who is admin) for name, url, who in measured], session)

    when = datetime.now(dt_timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    total = Article.objects.count()
    published = Article.objects.published().count()
    print(f"### {connection.vendor}, {args.stories:,} bench stories ({total:,} stories, {published:,} published)")
    print()
    print(
        f"{when}; {versions()}; seed_bench in this run: {seeding:.1f} s; "
        f"load average (1 min) {load:.1f} before, {os.getloadavg()[0]:.1f} after; peak resident memory of "
        f"the measuring process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
        f"median, 95th percentile and fastest of {args.repeat} requests after a warm-up (fewer for a page "
        "that takes seconds: at least 3, or 1 over 10 s), page cache off. On a shared virtual machine the "
        "medians of two runs minutes apart can differ by half; the fastest is the steadier figure."
    )
    if memory:
        print()
        print(
            f"A gunicorn worker (one sync worker, these settings and database) after serving every page below "
            f"three times: **{memory['rss']:.0f} MB resident, {memory['peak']:.0f} MB at its peak**"
            + (f"; errors: {', '.join(memory['errors'])}" if memory["errors"] else ".")
        )
    print()
    print("| Page | URL | median ms | p95 ms | fastest ms | queries |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for name, url, median, p95, fastest, queries in results:
        print(f"| {name} | `{url}` | {median:.1f} | {p95:.1f} | {fastest:.1f} | {queries} |")
    for name, url, slowest, plan in plans:
        print()
        print(f"<details><summary>{name}: plan of its slowest query ({float(slowest['time']) * 1000:.1f} ms)"
              "</summary>")
        print()
        print("```")
        # The column list says nothing about the plan.
        sql = re.sub(r"^SELECT (?:DISTINCT )?\S.*? FROM ", "SELECT ... FROM ", slowest["sql"], count=1)
        print(sql[:700] + (" ..." if len(sql) > 700 else ""))
        print("--")
        print("\n".join(plan))
        print("```")
        print("</details>")


if __name__ == "__main__":
    main()
