"""
The resident memory of a gunicorn worker serving every page of the scale benchmark
(issue 13: under 150 MB at a million stories), for bench/listing_pages.py.

One sync worker on 127.0.0.1 over the benchmark's database and settings (this
process's environment); each page is requested three times, the admin pages with
the session of the benchmark's signed-in client. Read from /proc: VmRSS after the
last request and VmHWM, the highest it reached.
"""

import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PORT = 18950
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
HOST = "testserver"  # the benchmark's ALLOWED_HOSTS


def worker_memory(pages, admin_session):
    """{"rss": MB, "peak": MB, "errors": [...]} after serving `pages` [(name, url, is_admin)]."""
    server = subprocess.Popen(
        [GUNICORN, "newsroom.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{PORT}", "--timeout", "120"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_up()
        errors = []
        for name, url, is_admin in pages:
            for _ in range(3):
                status = fetch(url, admin_session if is_admin else None)
                if status != 200:
                    errors.append(f"{name} {url}: {status}")
                    break
        worker = worker_of(server.pid)
        status = Path(f"/proc/{worker}/status").read_text()
        rss, peak = (int(re.search(rf"{key}:\s+(\d+) kB", status).group(1)) / 1024 for key in ("VmRSS", "VmHWM"))
        return {"rss": rss, "peak": peak, "errors": errors}
    finally:
        server.terminate()
        server.wait(timeout=30)


def fetch(url, session):
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{url}", headers={"Host": HOST})
    if session:
        request.add_header("Cookie", f"sessionid={session}")
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_until_up(seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            fetch("/healthz", None)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("bench: gunicorn did not answer")


def worker_of(master):
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if len(children) != 1:
        raise SystemExit(f"bench: expected one gunicorn worker, found {children}")
    return int(children[0])
