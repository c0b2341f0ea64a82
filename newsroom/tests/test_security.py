"""
Security headers, the HTTPS redirect and cookies on reader and admin pages.

The request-level tests use the security settings exactly as the production
settings module computes them from the environment (read in a fresh
interpreter), applied over the test settings.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from articles.tests.factories import make_article

from .subprocess_env import REQUIRED, settings_values

SECURITY_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
]

PASSWORD = "a-long-editor-password-7"


def production_security(**variables):
    values = settings_values(
        *SECURITY_SETTINGS, **{**REQUIRED, "ALLOWED_HOSTS": "testserver", **variables}
    )
    if values["SECURE_PROXY_SSL_HEADER"]:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture(scope="module")
def https_settings():
    return production_security()


@pytest.fixture(scope="module")
def no_proxy_settings():
    return production_security(BEHIND_PROXY="0")


@pytest.fixture(scope="module")
def plain_http_settings():
    return production_security(HTTPS="0")


def apply(settings, values):
    for name, value in values.items():
        setattr(settings, name, value)


@pytest.fixture
def story(db):
    return make_article(headline="Laoshan tea harvest begins")


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user(
        "editor", "editor@example.com", PASSWORD, is_staff=True, is_superuser=True
    )


# A request the TLS-terminating proxy forwards. Browsers always send Host (the test
# client does not, and would make Django compare "testserver:80" with the Origin).
FROM_PROXY = {"X-Forwarded-Proto": "https", "Host": "testserver"}


def reader_and_admin_paths(story):
    return [story.get_absolute_url(), "/", "/admin/login/"]


# --- HTTPS redirect ---------------------------------------------------------------------------


def test_plain_http_is_redirected_to_https(client, settings, https_settings, story):
    apply(settings, https_settings)
    for path in reader_and_admin_paths(story):
        response = client.get(path)
        assert response.status_code == 301, path
        assert response["Location"] == f"https://testserver{path}"


def test_https_from_the_proxy_is_served_with_security_headers(client, settings, https_settings, story):
    apply(settings, https_settings)
    for path in reader_and_admin_paths(story):
        response = client.get(path, headers=FROM_PROXY)
        assert response.status_code == 200, path
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "default-src 'self'" in response["Content-Security-Policy"]


def test_healthz_is_not_redirected_for_plain_http_probes(client, settings, https_settings, db):
    apply(settings, https_settings)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    # The exemption is for the health check only, not for paths that start alike.
    assert client.get("/healthz/extra").status_code == 301


def test_behind_proxy_off_does_not_trust_x_forwarded_proto(client, settings, no_proxy_settings, story):
    apply(settings, no_proxy_settings)
    # A client could send the header itself; without a proxy that sets it, it means nothing.
    response = client.get(story.get_absolute_url(), headers=FROM_PROXY)
    assert response.status_code == 301
    # A direct TLS connection is served.
    response = client.get(story.get_absolute_url(), secure=True)
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response


def test_https_off_serves_plain_http_without_hsts(client, settings, plain_http_settings, story):
    apply(settings, plain_http_settings)
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response
    # The other headers do not depend on HTTPS.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


# --- Cookies and CSRF -------------------------------------------------------------------------


def csrf_token_from(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def test_admin_sign_in_over_https_behind_the_proxy_sets_secure_httponly_cookies(
    settings, https_settings, editor
):
    apply(settings, https_settings)
    client = Client(enforce_csrf_checks=True)
    page = client.get("/admin/login/", headers=FROM_PROXY)
    assert "csrftoken" not in page.cookies
    csrf = page.cookies["__Host-csrftoken"]
    assert_host_prefixed(csrf)
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": PASSWORD, "csrfmiddlewaretoken": csrf_token_from(page)},
        headers={**FROM_PROXY, "Origin": "https://testserver"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert "sessionid" not in response.cookies
    session = response.cookies["__Host-sessionid"]
    assert_host_prefixed(session)
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert client.get("/admin/", headers=FROM_PROXY).status_code == 200


def assert_host_prefixed(cookie):
    """ASVS 3.4.4: what browsers require of a __Host- cookie (Secure, Path=/, no Domain)."""
    assert cookie.key.startswith("__Host-")
    assert cookie["secure"] is True
    assert cookie["path"] == "/"
    assert cookie["domain"] == ""
    assert "domain=" not in cookie.output().lower()


def test_csrf_refuses_a_post_from_another_origin(settings, https_settings, editor):
    apply(settings, https_settings)
    client = Client(enforce_csrf_checks=True)
    page = client.get("/admin/login/", headers=FROM_PROXY)
    response = client.post(
        "/admin/login/",
        {"username": "editor", "password": PASSWORD, "csrfmiddlewaretoken": csrf_token_from(page)},
        headers={**FROM_PROXY, "Origin": "https://evil.example.net"},
    )
    assert response.status_code == 403
    assert "sessionid" not in response.cookies
    assert "__Host-sessionid" not in response.cookies


def test_cookies_are_not_secure_when_https_is_off(settings, plain_http_settings, editor):
    apply(settings, plain_http_settings)
    client = Client()
    page = client.get("/admin/login/")
    assert page.cookies["csrftoken"]["secure"] == ""
    response = client.post("/admin/login/", {"username": "editor", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] == ""
    assert response.cookies["sessionid"]["httponly"] is True


# --- Content-Security-Policy ------------------------------------------------------------------

EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def policy(response):
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_site_only_policy(response):
    assert policy(response) == EXPECTED_POLICY
    assert "unsafe" not in response["Content-Security-Policy"]


def assert_no_inline_code(response):
    """What a site-only policy would block: inline scripts, style elements and attributes, handlers."""
    html = response.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        # JSON data blocks (json_script, the story's JSON-LD) are never run, so CSP does not apply.
        assert "src=" in tag or 'type="application/json"' in tag or 'type="application/ld+json"' in tag, tag
    assert not re.search(r"<style\b", html)
    assert not re.search(r"<[^>]+\sstyle=", html)
    assert not re.search(r"<[^>]+\son[a-z]+=", html)
    assert "javascript:" not in html


def test_csp_on_a_reader_page(client, story):
    for path in [story.get_absolute_url(), "/"]:
        response = client.get(path)
        assert response.status_code == 200
        assert_site_only_policy(response)
        assert_no_inline_code(response)


def test_csp_on_the_admin_login_page(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert_site_only_policy(response)
    assert_no_inline_code(response)


def test_csp_on_the_admin_add_story_page(client, editor):
    client.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/admin/articles/article/add/")
    assert response.status_code == 200
    assert "id_photos-TOTAL_FORMS" in response.content.decode()
    assert_site_only_policy(response)
    assert_no_inline_code(response)


def test_csp_on_a_not_found_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_site_only_policy(response)
    response = client.get("/stories/no-such-story/")
    assert response.status_code == 404
    assert_site_only_policy(response)
