"""The benchmark behind bench/run (see there and README, "Benchmark")."""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
CACHED_PORT, UNCACHED_PORT = 18900, 18901
STORIES = 40

# Share of the static ceiling each page must reach (issue 12).
TARGETS = {
    ("home", "cached"): 0.60,
    ("region", "cached"): 0.60,
    ("tag", "cached"): 0.60,
    ("story", "cached"): 0.60,
    ("home", "uncached"): 0.11,
    ("region", "uncached"): 0.15,
    ("tag", "uncached"): 0.15,
    ("story", "uncached"): 0.22,
}

FILL = """
from datetime import timedelta
from articles.models import Article, Photo
demo = list(Article.objects.published().prefetch_related("regions", "tags", "photos"))
for n in range({missing}):
    source = demo[n % len(demo)]
    story = Article.objects.create(
        headline=f"{{source.headline}} ({{n + 2}})", summary=source.summary, body=source.body,
        byline=source.byline, source=source.source, status=Article.Status.PUBLISHED,
        published_at=source.published_at - timedelta(hours=n + 1), city_wide=source.city_wide,
    )
    story.regions.set(source.regions.all())
    story.tags.set(list(source.tags.all()))
    for photo in source.photos.all():
        Photo.objects.create(article=story, image=photo.image.name, caption=photo.caption,
                             credit=photo.credit, alt_text=photo.alt_text, position=photo.position)
print(Article.objects.published().count())
"""

PAGES = """
import json
import time
from collections import Counter
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from articles.models import Article, TaggedArticle
from regions.models import Region
story = Article.objects.published().exclude(card__photo=None).first()
region = Region.objects.filter(articles__in=Article.objects.published()).first()
tag = Counter(TaggedArticle.objects.values_list("tag__slug", flat=True)).most_common(1)[0][0]
urls = {"home": "/", "region": region.get_absolute_url(), "tag": f"/tags/{tag}/", "story": story.get_absolute_url()}
client = Client(HTTP_HOST="127.0.0.1")
queries, cpu_ms = {}, {}
for name, url in urls.items():
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    queries[name] = len(captured)
    started = time.process_time()
    for _ in range(40):
        client.get(url)
    cpu_ms[name] = (time.process_time() - started) / 40 * 1000
print(json.dumps({"urls": urls, "queries": queries, "cpu_ms": cpu_ms}))
"""


def run(args, env):
    done = subprocess.run(args, env=env, cwd=ROOT, text=True, capture_output=True)
    if done.returncode:
        raise SystemExit(f"bench: {' '.join(args[:3])} failed:\n{done.stderr[-3000:]}")
    return done


def wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"bench: {url} did not answer")


def wrk(url, seconds, connections=8):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        check=True, text=True, capture_output=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    errors = 0
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        errors += int(non_2xx.group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rate": rate, "p50": latency.get("50", "?"), "p99": latency.get("99", "?"), "errors": errors,
            "requests": total}


def machine():
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read_text()).group(1))
        memory = f", {kb / 1024 / 1024:.1f} GB RAM"
    return f"{os.cpu_count()} cores ({cpu}){memory}"


def versions(env):
    django = run([PYTHON, "-c", "import django, sqlite3; print(django.get_version(), sqlite3.sqlite_version)"], env)
    django_version, sqlite_version = django.stdout.split()
    gunicorn = run([GUNICORN, "--version"], env).stdout.strip().split()[-1].strip("()")
    wrk_version = subprocess.run(["wrk", "-v"], text=True, capture_output=True).stdout.split()[1]
    os_name = platform.freedesktop_os_release().get("PRETTY_NAME", platform.platform())
    return (f"{os_name}, Python {platform.python_version()}, Django {django_version}, gunicorn {gunicorn} "
            f"(2 sync workers), SQLite {sqlite_version}, wrk {wrk_version}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5-second runs, 10-second load test (< 3 minutes)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    parser.add_argument("--stories", type=int, help="time every page in-process over N bench stories (issue 13)")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite",
                        help="with --stories: the database to fill and measure")
    options = parser.parse_args()
    if options.stories is not None:
        return scale(options)
    seconds, load_seconds = (5, 10) if options.quick else (20, 60)
    started = time.monotonic()
    load_before = os.getloadavg()[0]

    scratch = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.base",
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(scratch / "media"),
        "STATIC_ROOT": str(scratch / "static"),
        "SITE_URL": f"http://127.0.0.1:{CACHED_PORT}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    servers = []
    try:
        print("bench: setting up a scratch database with demo stories...", flush=True)
        run([PYTHON, "manage.py", "migrate", "--noinput"], env)
        run([PYTHON, "manage.py", "collectstatic", "--noinput"], env)
        run([PYTHON, "manage.py", "seed_demo_content", "--site-url", env["SITE_URL"]], env)
        count = int(run([PYTHON, "manage.py", "shell", "--no-imports", "-c", "from articles.models import Article; "
                         "print(Article.objects.published().count())"], env).stdout)
        run([PYTHON, "manage.py", "shell", "--no-imports", "-c", FILL.format(missing=max(0, STORIES - count))], env)
        pages = json.loads(run([PYTHON, "manage.py", "shell", "--no-imports", "-c", PAGES], {**env, "PAGE_CACHE": "0"}).stdout)

        for port, page_cache in ((CACHED_PORT, "1"), (UNCACHED_PORT, "0")):
            servers.append(subprocess.Popen(
                [GUNICORN, "newsroom.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
                env={**env, "PAGE_CACHE": page_cache}, cwd=ROOT, start_new_session=True,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))
        for port in (CACHED_PORT, UNCACHED_PORT):
            wait_for(f"http://127.0.0.1:{port}/healthz")
        home = urllib.request.urlopen(f"http://127.0.0.1:{CACHED_PORT}/").read().decode()
        static = re.search(r'/static/css/site\.[0-9a-f]+\.css', home).group(0)
        for port in (CACHED_PORT, UNCACHED_PORT):
            for url in pages["urls"].values():
                for _ in range(6):  # every worker renders (and, cached, stores) each page
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{url}").read()

        print(f"bench: {seconds}-second runs, 8 connections...", flush=True)
        ceiling = wrk(f"http://127.0.0.1:{CACHED_PORT}{static}", seconds)
        results = []
        for mode, port in (("cached", CACHED_PORT), ("uncached", UNCACHED_PORT)):
            for name, url in pages["urls"].items():
                measured = wrk(f"http://127.0.0.1:{port}{url}", seconds)
                share = measured["rate"] / ceiling["rate"]
                target = TARGETS[(name, mode)]
                results.append({"page": name, "mode": mode, **measured, "share": share, "target": target,
                                "queries": 0 if mode == "cached" else pages["queries"][name],
                                "cpu": f"{pages['cpu_ms'][name]:.1f} ms",
                                "pass": share >= target and measured["errors"] == 0})
        print(f"bench: {load_seconds}-second load, 64 connections...", flush=True)
        loads = []
        for mode, port, name in (("cached", CACHED_PORT, "home"), ("uncached", UNCACHED_PORT, "home")):
            measured = wrk(f"http://127.0.0.1:{port}{pages['urls'][name]}", load_seconds, connections=64)
            loads.append({"page": name, "mode": mode, **measured, "pass": measured["errors"] == 0})
        version_line = versions(env)
        version_line += f". Load average (1 min) {load_before:.1f} before the run, {os.getloadavg()[0]:.1f} after"
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()
        shutil.rmtree(scratch, ignore_errors=True)

    report = render(options, ceiling, results, loads, pages, version_line, time.monotonic() - started)
    print(report)
    if not options.no_write:
        (ROOT / "bench" / "RESULTS.md").write_text(report)
        print("bench: written to bench/RESULTS.md")
    return 0 if all(r["pass"] for r in results + loads) else 1


def scale(options):
    """
    Every page of issue 13 timed in-process (bench/listing_pages.py) over a database of
    options.stories bench stories filled by `manage.py seed_bench`. Each size and database
    keeps its own database under BENCH_DATA (SQLite file, or the PostgreSQL database
    newsroom_bench_N through bin/with-postgres), so a second run reuses the stories.
    """
    data = Path(os.environ.get("BENCH_DATA", Path(tempfile.gettempdir()) / "newsroom-bench-data"))
    data.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.base",
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MEDIA_ROOT": str(data / "media"),
        "STATIC_ROOT": str(data / "static"),
        "SITE_URL": "http://testserver",
        "ALLOWED_HOSTS": "testserver",
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"sqlite:///{data / f'sqlite-{options.stories}.sqlite3'}",
    }
    command = [PYTHON, "bench/listing_pages.py", "--stories", str(options.stories)]
    if options.quick:
        command += ["--repeat", "5"]
    if options.database == "postgres":
        env["PG_DB_NAME"] = f"newsroom_bench_{options.stories}"
        command = ["bin/with-postgres", *command]
    run([PYTHON, "manage.py", "collectstatic", "--noinput"], env)
    print(f"bench: {options.stories:,} stories on {options.database} (data in {data})...", flush=True)
    done = subprocess.run(command, env=env, cwd=ROOT, text=True, stdout=subprocess.PIPE)
    if done.returncode:
        raise SystemExit(f"bench: bench/listing_pages.py failed (exit {done.returncode})")
    report = done.stdout[done.stdout.index("### "):]
    print(report)
    if not options.no_write:
        write_scale(report, f"{options.database} {options.stories}")
        print("bench: written to bench/RESULTS.md")
    return 0


SCALE_HEADING = "# Scale: every page at 1,000, 100,000 and 1,000,000 stories (issue 13)"


def write_scale(report, key):
    """Put this size's tables into bench/RESULTS.md, replacing those of an earlier run of the same size."""
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text() if path.exists() else ""
    start, end = f"<!-- scale {key} -->", f"<!-- /scale {key} -->"
    block = f"{start}\n{report.strip()}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        if SCALE_HEADING not in text:
            text = text.rstrip() + "\n\n" + SCALE_HEADING + "\n"
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)


def render(options, ceiling, results, loads, pages, version_line, elapsed):
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        "",
        f"`bench/run{' --quick' if options.quick else ''}`, {when}, in {elapsed:.0f} s.",
        "",
        f"- Machine: {machine()}.",
        f"- Software: {version_line}.",
        f"- Content: {STORIES} published stories (the demo stories and copies, with photos); "
        "pages: " + ", ".join(f"{k} `{v}`" for k, v in pages["urls"].items()) + ".",
        "- wrk with 2 threads and 8 connections on loopback, on the same 2 cores as gunicorn; cached: the page "
        "cache on (local memory in each worker, warmed); uncached: PAGE_CACHE=0, every request rendered.",
        "",
        f"Static ceiling (a {'CSS'} file served by WhiteNoise from the same gunicorn): "
        f"**{ceiling['rate']:.0f} req/s** (p50 {ceiling['p50']}, p99 {ceiling['p99']}).",
        "",
        "| Page | Mode | req/s | p50 | p99 | queries | render CPU | share of ceiling | target | result |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r['page']} | {r['mode']} | {r['rate']:.0f} | {r['p50']} | {r['p99']} | {r['queries']} | "
            f"{r['cpu'] if r['mode'] == 'uncached' else '-'} | "
            f"{r['share']:.1%} | {r['target']:.0%} | {'PASS' if r['pass'] else 'FAIL'} |"
        )
    misses = [r for r in results if not r["pass"]]
    if misses:
        lines += ["", "Missed: " + "; ".join(
            f"{r['page']} {r['mode']} {r['share']:.1%} of the ceiling against {r['target']:.0%} "
            f"({r['share'] / r['target']:.0%} of the target)" for r in misses) + "."]
    lines += ["", "Render CPU: one process's CPU time per request through Django's test client (page cache "
              "off), 40 requests; unlike req/s it hardly depends on what else the machine is doing."]
    lines += ["", "Load: 64 connections.", "", "| Page | Mode | req/s | p99 | requests | errors | result |",
              "| --- | --- | ---: | ---: | ---: | ---: | --- |"]
    for r in loads:
        lines.append(f"| {r['page']} | {r['mode']} | {r['rate']:.0f} | {r['p99']} | {r['requests']} | "
                     f"{r['errors']} | {'PASS' if r['pass'] else 'FAIL'} |")
    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text().rstrip()]
    # The scale results (issue 13) are measured separately (--stories) and kept.
    results_file = ROOT / "bench" / "RESULTS.md"
    kept = results_file.read_text() if results_file.exists() else ""
    if SCALE_HEADING in kept:
        lines += ["", kept[kept.index(SCALE_HEADING):].rstrip()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
