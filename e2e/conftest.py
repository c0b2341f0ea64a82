"""
Fixtures for the browser journeys.

One headless Chromium (Debian's, never a Playwright download) for the journeys,
a fresh browser context per test, and pytest-django's live_server as the site
under test. If Chromium cannot be started, every journey errors out with the
reason (pytest.fail in the browser fixture); nothing is skipped.

While Playwright's sync API is running, the main thread has a running asyncio
event loop. Django then (a) refuses ORM calls unless DJANGO_ALLOW_ASYNC_UNSAFE
is set, and (b) hands out database connections from a context-local store
instead of the thread-local one pytest-django prepared. (b) is why these tests
cannot use serialized_rollback (the serialized copy lives on the other
connection object) and recreate the regions themselves.

So the browser, the event loop and DJANGO_ALLOW_ASYNC_UNSAFE live exactly as
long as the journeys do: the `chromium` fixture is package-scoped, sets the
variable when it starts Playwright and removes it when it stops it. Set for the
whole session, the variable would leak into other tests (and the processes they
start: `manage.py check --deploy` reports it as async.E001).
"""

import importlib
import os
from contextlib import contextmanager
from pathlib import Path

import pytest

from .support import ARTIFACTS, PageWatch, slugify

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 360, "height": 740}
TIMEOUT_MS = 15_000
PASSWORD = "e2e-journalist-password-8731"


def pytest_collection_modifyitems(items):
    # Everything in this folder is a browser journey, whether or not a test remembered the marker.
    here = Path(__file__).resolve().parent
    for item in items:
        if Path(str(item.path)).resolve().is_relative_to(here):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def chromium():
    """The one browser shared by all the journeys."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.fail(f"The playwright package is not installed in this environment: {exc}", pytrace=False)
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium).", pytrace=False)
    with pytest.MonkeyPatch.context() as env:
        # Playwright's event loop runs in this thread from here on; the tests'
        # own ORM calls (setting up and checking data) must still be allowed.
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except PlaywrightError as exc:
            playwright.stop()
            pytest.fail(f"Chromium at {CHROMIUM} could not be started: {exc}", pytrace=False)
        try:
            yield browser
        finally:
            browser.close()
            # While the loop runs, `connections` is the context-local store: close
            # what the journeys opened there, which nothing else can reach later.
            from django.db import connections

            connections.close_all()
            playwright.stop()


def _new_context(chromium, live_server, **options):
    context = chromium.new_context(
        base_url=live_server.url,
        locale="en-US",
        timezone_id="Asia/Shanghai",
        **options,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def browser_context(chromium, live_server):
    """A fresh desktop-sized browser context (own cookies, own cache) for one test."""
    context = _new_context(chromium, live_server, viewport=DESKTOP)
    yield context
    context.close()


@pytest.fixture
def phone_context(chromium, live_server):
    """A fresh phone-sized context: 360 px wide, touch, honouring the meta viewport."""
    context = _new_context(chromium, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    yield context
    context.close()


def _page_fixture(context_name):
    @pytest.fixture
    def fixture(request, live_server):
        context = request.getfixturevalue(context_name)
        page = context.new_page()
        watch = PageWatch(page, live_server.url)
        for old in (ARTIFACTS / "failures").glob(f"{slugify(request.node.name)}-*.png"):
            old.unlink()
        yield page, watch
        # A failure outside any step() still leaves a picture of where the browser was.
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed and not getattr(request.node, "step_screenshot", None):
            _failure_screenshot(page, request.node, "outside-any-step")

    return fixture


browser_page = _page_fixture("browser_context")
phone_page = _page_fixture("phone_context")


def _failure_screenshot(page, node, step_name):
    path = ARTIFACTS / "failures" / f"{slugify(node.name)}-{slugify(step_name)}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception as exc:  # the page may be gone; say so instead of hiding the real failure
        return f"no screenshot ({exc.__class__.__name__}: {exc})"
    node.step_screenshot = path
    return str(path.relative_to(ARTIFACTS.parent))


class StepFailed(AssertionError):
    pass


@pytest.fixture
def step(request):
    """
    ``with step("open the story"): ...`` names a part of a journey. If it fails, the
    page the browser was on is saved as test-artifacts/failures/<test>-<step>.png
    and the failure is raised again with the step's name in its message.
    """
    pages = [
        request.getfixturevalue(name)[0]
        for name in ("browser_page", "phone_page")
        if name in request.fixturenames
    ]

    @contextmanager
    def _step(name):
        try:
            yield
        except (Exception, pytest.fail.Exception) as exc:
            shots = [_failure_screenshot(page, request.node, name) for page in pages]
            raise StepFailed(
                f'step "{name}" failed: {exc.__class__.__name__}: {exc}\n'
                f"  page: {pages[0].url if pages else '?'}; screenshot: {', '.join(shots) or 'none'}"
            ) from exc

    return _step


@pytest.fixture(autouse=True)
def ten_regions(transactional_db):
    """
    The ten regions, exactly as the data migration creates them, and the site row
    of django.contrib.sites (the admin's login page and the redirects read it). A
    transactional test empties every table when it ends (data migrations
    included), so each journey puts them back first.
    """
    from django.apps import apps
    from django.conf import settings
    from django.contrib.sites.models import Site

    migration = importlib.import_module("regions.migrations.0002_create_the_ten_regions")
    migration.create_regions(apps, None)
    Site.objects.get_or_create(pk=settings.SITE_ID, defaults={"domain": "example.com", "name": "example.com"})
    Site.objects.clear_cache()


@pytest.fixture
def journalist(django_user_model):
    """A newsroom superuser who signs in through the admin login form."""
    return django_user_model.objects.create_superuser(
        username="zhang.yi", email="zhang.yi@example.com", password=PASSWORD
    )
