"""
Helpers shared by the browser journeys: screenshots, watching a page for console
errors and failed requests, navigating with a status check, logging in to the
admin and making real JPEG files.
"""

import io
import re
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image, ImageDraw

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "test-artifacts"
SCREEN_WIDTHS = (360, 1440)

# Loads every image on the page (lazy ones too) and waits for them and the fonts,
# so a full-page screenshot shows what a reader scrolling down would see; and
# scrolls to the top, so sticky parts (the admin's sidebar) are drawn where a
# reader first sees them rather than wherever the test last scrolled to.
_SETTLE_JS = """
async () => {
  window.scrollTo(0, 0);
  const images = Array.from(document.images);
  for (const img of images) { if (img.loading === "lazy") img.loading = "eager"; }
  await Promise.all(images.map((img) => img.complete ? null : new Promise((resolve) => {
    img.addEventListener("load", resolve, {once: true});
    img.addEventListener("error", resolve, {once: true});
  })));
  await document.fonts.ready;
}
"""


def slugify(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "page"


def shoot(page, journey, name, widths=SCREEN_WIDTHS):
    """Full-page PNGs of the current page at each width: test-artifacts/<journey>/<name>-<width>.png."""
    original = page.viewport_size
    folder = ARTIFACTS / journey
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    try:
        for width in widths:
            page.set_viewport_size({"width": width, "height": original["height"]})
            page.evaluate(_SETTLE_JS)
            path = folder / f"{slugify(name)}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            paths.append(path)
    finally:
        page.set_viewport_size(original)
    return paths


# Problems the site has today that the journeys tolerate, each a regex on the
# problem's text. Keep this list short and remove an entry once the site is fixed.

class PageWatch:
    """
    Collects, for one page, what a reader would not notice but a developer must:
    console errors (CSP refusals among them), uncaught script errors, and
    same-origin requests that failed or answered with a status of 400 or more.
    """

    def __init__(self, page, base_url):
        self.page = page
        origin = urlsplit(base_url)
        self.origin = (origin.scheme, origin.netloc)
        self.problems = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught script error: {error}"))
        page.on("response", self._on_response)
        page.on("requestfailed", self._on_request_failed)

    def _same_origin(self, url):
        parts = urlsplit(url)
        return (parts.scheme, parts.netloc) == self.origin

    def _on_console(self, message):
        if message.type == "error":
            location = message.location.get("url") or self.page.url
            self.problems.append(f"console error on {location}: {message.text}")

    def _on_response(self, response):
        if response.status >= 400 and self._same_origin(response.url):
            self.problems.append(f"HTTP {response.status} for {response.request.method} {response.url}")

    def _on_request_failed(self, request):
        # ERR_ABORTED is the browser cancelling a load because the page navigated
        # away (e.g. the back button while the icon loads), not a failure of the site.
        if self._same_origin(request.url) and request.failure != "net::ERR_ABORTED":
            self.problems.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def take(self):
        problems, self.problems = self.problems, []
        return problems

    def assert_clean(self, where, allow=()):
        """No problems since the last check, apart from those matching a regex in `allow`."""
        problems = [p for p in self.take() if not any(re.search(pattern, p) for pattern in allow)]
        assert not problems, f"{where}: the browser reported problems:\n  " + "\n  ".join(problems)


def navigate(page, watch, action, where, allow=()):
    """
    Run `action` (a click, a goto, a form submission) that loads a new page; check
    the page's status is below 400 and the page loaded without errors.
    """
    with page.expect_navigation(wait_until="load") as navigation:
        action()
    response = navigation.value
    assert response is not None, f"{where}: no response for {page.url}"
    assert response.status < 400, f"{where}: {page.url} answered {response.status}"
    watch.assert_clean(where, allow=allow)
    return response


def goto(page, watch, url, where, allow=()):
    response = page.goto(url, wait_until="load")
    assert response is not None, f"{where}: no response for {url}"
    assert response.status < 400, f"{where}: {url} answered {response.status}"
    watch.assert_clean(where, allow=allow)
    return response


def parse_csp(policy):
    """A Content-Security-Policy header as {directive: [source, ...]}; directive names lower-cased."""
    directives = {}
    for part in policy.split(";"):
        if not part.split():
            continue
        name, *sources = part.split()
        if name.lower() not in directives:  # browsers ignore a repeated directive
            directives[name.lower()] = sources
    return directives


# Sources that would let injected markup run or load code: any of them in
# script-src or style-src defeats the policy's point.
UNSAFE_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:", "blob:"}


def csp_problems(policy):
    """What keeps `policy` from being the site's strict policy, as a list of sentences (empty: none)."""
    directives = parse_csp(policy)
    problems = []
    if directives.get("default-src") != ["'self'"]:
        problems.append(f"default-src is {directives.get('default-src')}, not only 'self'")
    for name in ("script-src", "style-src"):
        sources = directives.get(name)
        if sources is None:
            problems.append(f"no {name} (it would fall back to default-src)")
        elif "'self'" not in sources:
            problems.append(f"{name} does not allow 'self'")
        elif unsafe := sorted(UNSAFE_SOURCES.intersection(source.lower() for source in sources)):
            problems.append(f"{name} allows {', '.join(unsafe)}")
    if directives.get("object-src") != ["'none'"]:
        problems.append("object-src is not 'none'")
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append("frame-ancestors is not 'none'")
    return problems


def assert_csp_enforced(response, where):
    """
    The page came with the site's strict Content-Security-Policy (no inline or
    eval'd code, no other origins' scripts), so no console errors means no CSP
    refusals and no injected script could have run.
    """
    policy = response.headers.get("content-security-policy", "")
    problems = csp_problems(policy)
    assert not problems, f"{where}: not the site's Content-Security-Policy ({'; '.join(problems)}): {policy!r}"


def assert_images_loaded(page, selector, where, expected=None):
    """
    Every image matching `selector` was fetched and decoded (naturalWidth > 0).
    At least one must match unless `expected` says how many (0 included).
    """
    images = page.locator(selector)
    count = images.count()
    if expected is None:
        assert count > 0, f"{where}: no image matches {selector!r}"
    else:
        assert count == expected, f"{where}: expected {expected} images for {selector!r}, found {count}"
    for index in range(count):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        image.evaluate(
            """(img) => img.complete ? null : new Promise((resolve) => {
                   img.addEventListener("load", resolve, {once: true});
                   img.addEventListener("error", resolve, {once: true});
               })"""
        )
        natural_width = image.evaluate("(img) => img.naturalWidth")
        source = image.get_attribute("src")
        assert natural_width > 0, f"{where}: image {source} did not load (naturalWidth {natural_width})"


def assert_no_horizontal_overflow(page, where):
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    if widths["scroll"] > widths["inner"]:
        culprits = page.evaluate(
            """() => Array.from(document.querySelectorAll("body *"))
                 .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
                 .slice(0, 5)
                 .map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : "")
                              + " right=" + Math.round(el.getBoundingClientRect().right))"""
        )
        raise AssertionError(
            f"{where}: the page is {widths['scroll']}px wide in a {widths['inner']}px window; "
            f"wider elements: {culprits}"
        )


def admin_login(page, watch, base_url, username, password):
    """Sign in through the real admin login form and land on the admin index."""
    response = goto(page, watch, f"{base_url}/admin/", "admin login page")
    assert_csp_enforced(response, "admin login page")
    assert "/admin/login/" in page.url, f"expected the login form, got {page.url}"
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    response = navigate(page, watch, lambda: page.click("input[type=submit]"), "admin login")
    assert_csp_enforced(response, "admin index")
    assert urlsplit(page.url).path == "/admin/", f"login did not reach the admin index: {page.url}"


def jpeg_bytes(width, height, top=(20, 90, 160), bottom=(230, 190, 120), label=""):
    """A real JPEG: a vertical gradient (sky to sand) with a label, so screenshots show something."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(height - 1, 1)
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))
    if label:
        draw.text((20, 20), label, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def write_jpeg(path, width, height, **kwargs):
    Path(path).write_bytes(jpeg_bytes(width, height, **kwargs))
    return Path(path)


def choose_tag(page, typed, name=None, select="#id_tags"):
    """
    In the tag autocomplete of `select` (select2), type `typed` and pick `name` from
    its menu (default: what was typed, which offers a new tag when none exists).
    """
    name = name or typed
    search = page.locator(f"{select} + .select2 .select2-search__field")
    search.click()
    search.press_sequentially(typed, delay=20)
    option = page.locator(".select2-results__option").filter(has_text=re.compile(rf"^{re.escape(name)}$"))
    option.first.click()
    chosen = page.locator(f"{select} + .select2 .select2-selection__choice")
    chosen.filter(has_text=name).first.wait_for()
