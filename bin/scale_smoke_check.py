"""
Checks run by bin/scale-smoke against the running scale-out shape, from outside:

    scale_smoke_check.py FRONT APP_A APP_B    (base URLs: nginx and the two app servers)

An editor (SMOKE_PASSWORD) signs in on app server A and saves a draft, then publishes
a story; each must show (or not) through app server B and through nginx at once.
Standard library only. Exits non-zero with the first failed check.
"""

import gzip
import http.cookiejar
import os
import re
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
from html import unescape

FRONT, APP_A, APP_B = sys.argv[1:4]
USERNAME = "scale-smoke-editor"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def client(cookies=None):
    handlers = [NoRedirect()]
    if cookies is not None:
        handlers.append(urllib.request.HTTPCookieProcessor(cookies))
    return urllib.request.build_opener(*handlers)


READER = client()


def fetch(url, opener=READER, data=None, headers=None):
    """(status, headers, body as text or bytes) without raising for 3xx/4xx/5xx."""
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def check(condition, message):
    if not condition:
        print(f"FAIL: {message}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {message}")


def page(url):
    status, headers, body = fetch(url)
    return status, headers, body.decode()


def form_fields(html):
    """The hidden inputs of the admin form (CSRF token, inline management forms)."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        kind = re.search(r'type="([^"]+)"', tag)
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if kind and name and kind.group(1) == "hidden":
            fields[name.group(1)] = unescape(value.group(1)) if value else ""
    return fields


def sign_in(base):
    cookies = http.cookiejar.CookieJar()
    editor = client(cookies)
    status, _, body = fetch(f"{base}/admin/login/", editor)
    fields = form_fields(body.decode())
    fields.update(username=USERNAME, password=os.environ["SMOKE_PASSWORD"], next="/admin/")
    status, headers, _ = fetch(f"{base}/admin/login/", editor, fields)
    check(status == 302 and headers["Location"] == "/admin/", f"the editor signs in on {base}")
    return editor


def add_story(base, editor, headline, status):
    add_url = f"{base}/admin/articles/article/add/"
    _, _, body = fetch(add_url, editor)
    fields = form_fields(body.decode())
    fields.update(
        headline=headline,
        summary="A smoke test of the scale-out shape.",
        body="First paragraph.\r\n\r\nSecond paragraph.",
        source="scale-smoke",
        city_wide="on",
        tags="Smoke test",
        status=status,
    )
    fields["photos-TOTAL_FORMS"] = "0"  # the page's empty photo row, left out as if never shown
    code, headers, body = fetch(add_url, editor, fields)
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', body.decode(), re.S)
    check(code == 302, f"{status} story saved through {base} ({code} {errors})")


def main():
    for base in (APP_A, APP_B, FRONT):
        status, _, body = page(f"{base}/healthz")
        check(
            status == 200 and '"database": "ok"' in body and '"cache": "ok"' in body,
            f"{base}/healthz reports the database and the cache: {body}",
        )

    for base in (APP_B, FRONT):
        page(f"{base}/")
        check(page(f"{base}/")[1]["X-Page-Cache"] == "hit", f"{base}/ is served from the shared cache")

    editor = sign_in(APP_A)
    token = secrets.token_hex(8)
    draft, published = f"Embargoed smoke draft {token}", f"Harbour ferry {token} resumes"
    draft_slug = re.sub(r"[^a-z0-9]+", "-", draft.lower()).strip("-")
    published_slug = re.sub(r"[^a-z0-9]+", "-", published.lower()).strip("-")

    add_story(APP_A, editor, draft, "draft")
    for base in (APP_B, FRONT):
        check(draft not in page(f"{base}/")[2], f"the draft is not on {base}/")
        check(page(f"{base}/stories/{draft_slug}/")[0] == 404, f"the draft's address is 404 on {base}")

    add_story(APP_A, editor, published, "published")
    for base in (APP_B, FRONT):
        status, headers, body = page(f"{base}/")
        check(published in body, f"the story published through {APP_A} is on {base}/ at once")
        check(page(f"{base}/stories/{published_slug}/")[0] == 200, f"its page is 200 on {base}")
    check(page(f"{APP_B}/")[1]["X-Page-Cache"] == "hit", f"{APP_B}/ is cached again")

    status, headers, body = fetch(f"{FRONT}/", headers={"Accept-Encoding": "gzip"})
    check(headers.get("Content-Encoding") == "gzip" and published in gzip.decompress(body).decode(),
          "nginx compresses reader pages")
    vary = ", ".join(headers.get_all("Vary") or [])
    check("Cookie" in vary and "Accept-Encoding" in vary and "Set-Cookie" not in headers,
          f"reader pages vary by {vary} and set no cookie")
    _, headers, _ = fetch(f"{FRONT}/admin/login/", headers={"Accept-Encoding": "gzip"})
    check("Content-Encoding" not in headers, "nginx does not compress the admin (BREACH)")

    # POSTs without a CSRF token: Django refuses them (403) before any password is checked,
    # so the application's sign-in records stay clean while nginx's limit is measured.
    codes = [fetch(f"{FRONT}/admin/login/", data={"username": "x", "password": "y"})[0] for _ in range(15)]
    check(codes.count(429) >= 5 and set(codes) <= {403, 429}, f"nginx limits sign-in POSTs per address: {codes}")


if __name__ == "__main__":
    main()
