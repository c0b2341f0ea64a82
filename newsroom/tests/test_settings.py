"""
The settings read from the environment, as a deployment sets them. Each test
runs a fresh interpreter (see subprocess_env) with newsroom.settings.base, or
newsroom.settings.dev where it says so.
"""

import re
import subprocess
import sys

from .subprocess_env import (
    BASE_DIR,
    REQUIRED,
    SETTINGS_ENV_VARS,
    clean_env,
    manage,
    random_secret_key,
    run_python,
    settings_values,
)

PRODUCTION = {**REQUIRED, "ALLOWED_HOSTS": "news.example.com"}
DEV = {"DJANGO_SETTINGS_MODULE": "newsroom.settings.dev"}


def without(name):
    return {**PRODUCTION, name: None}


def test_refuses_to_start_without_each_required_variable_naming_it():
    """Issue 19 item 8: no silent database or uploads in the checkout, no public key, wherever DEBUG is."""
    cases = [(name, debug, None) for name in ["SECRET_KEY", "DATABASE_URL", "MEDIA_ROOT", "SITE_URL"]
             for debug in (None, "1")] + [("SECRET_KEY", "0", ""), ("DATABASE_URL", None, "")]
    for name, debug, value in cases:
        result = manage("check", **{**without(name), name: value, "DEBUG": debug})
        assert result.returncode != 0, (name, debug, value)
        last_line = result.stderr.strip().splitlines()[-1]
        assert last_line.startswith(f"django.core.exceptions.ImproperlyConfigured: {name} is not set."), (
            name,
            debug,
            last_line,
        )
        assert "newsroom.settings.dev" in last_line


def test_settings_import_fails_with_the_message_not_a_traceback_puzzle():
    result = run_python("from django.conf import settings; settings.DEBUG", **without("SECRET_KEY"))
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set.")
    assert "Set the SECRET_KEY environment variable to a long random string" in last_line


def test_the_fallback_secret_key_exists_only_in_the_development_settings():
    assert "django-insecure" not in (BASE_DIR / "newsroom" / "settings" / "base.py").read_text()
    assert "django-insecure" not in (BASE_DIR / "newsroom" / "settings" / "test.py").read_text()
    values = settings_values("DEBUG", "SECRET_KEY", **DEV)
    assert values["DEBUG"] is True
    assert values["SECRET_KEY"].startswith("django-insecure-")


def test_debug_is_off_unless_set():
    assert settings_values("DEBUG", **PRODUCTION) == {"DEBUG": False}
    assert settings_values("DEBUG", DEBUG="1", **PRODUCTION) == {"DEBUG": True}


def test_development_settings_run_with_no_variables_and_give_way_to_the_environment():
    values = settings_values("DATABASES", "MEDIA_ROOT", "SITE_URL", "SERVE_MEDIA", **DEV)
    assert values["DATABASES"]["default"]["NAME"] == str(BASE_DIR / "db.sqlite3")
    assert values["MEDIA_ROOT"] == str(BASE_DIR / "media")
    assert values["SITE_URL"] == "http://127.0.0.1:8000"
    assert values["SERVE_MEDIA"] is True
    values = settings_values(
        "MEDIA_ROOT", "SITE_URL", MEDIA_ROOT="/tmp/m", SITE_URL="http://localhost:8790", **DEV
    )
    assert values == {"MEDIA_ROOT": "/tmp/m", "SITE_URL": "http://localhost:8790"}


def test_site_url_is_an_origin():
    assert settings_values("SITE_URL", **PRODUCTION) == {"SITE_URL": "https://news.example.com"}
    assert settings_values("SITE_URL", **{**PRODUCTION, "SITE_URL": "http://127.0.0.1:8790/"}) == {
        "SITE_URL": "http://127.0.0.1:8790"
    }
    bad_values = [
        "news.example.com",
        "ftp://news.example.com",
        "https://news.example.com/news/",
        "https://x.com/?q",
    ]
    for bad in bad_values:
        result = manage("check", **{**PRODUCTION, "SITE_URL": bad})
        assert result.returncode != 0, bad
        assert "ImproperlyConfigured: SITE_URL must be the site's address" in result.stderr, bad


def test_media_root_must_be_absolute():
    result = manage("check", **{**PRODUCTION, "MEDIA_ROOT": "media"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: MEDIA_ROOT must be an absolute path" in result.stderr


def test_check_deploy_reports_nothing_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_does_complain_about_a_weak_secret_key():
    # The previous test means something only if check --deploy really looks.
    result = manage("check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, "SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_database_url_postgres():
    db = settings_values("DATABASES", **{**PRODUCTION, "DATABASE_URL": "postgres://user:pw@host:5433/name"})[
        "DATABASES"
    ]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["HOST"], db["PORT"]) == ("name", "host", 5433)
    assert (db["USER"], db["PASSWORD"]) == ("user", "pw")
    assert db["CONN_MAX_AGE"] == 60
    assert db["CONN_HEALTH_CHECKS"] is True


def test_database_url_options_are_passed_to_the_driver():
    url = "postgresql://u:p@db.internal/news?connect_timeout=5&sslmode=require"
    db = settings_values("DATABASES", **{**PRODUCTION, "DATABASE_URL": url})["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["OPTIONS"] == {"connect_timeout": 5, "sslmode": "require"}


def test_host_and_origin_lists():
    values = settings_values(
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        **REQUIRED,
        ALLOWED_HOSTS="news.example.com,www.news.example.com",
        CSRF_TRUSTED_ORIGINS="https://news.example.com,https://www.news.example.com",
    )
    assert values["ALLOWED_HOSTS"] == ["news.example.com", "www.news.example.com"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://news.example.com", "https://www.news.example.com"]
    defaults = settings_values("ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", **DEV)
    assert defaults == {"ALLOWED_HOSTS": ["127.0.0.1", "localhost", "[::1]"], "CSRF_TRUSTED_ORIGINS": []}


def test_time_zone_media_and_cache():
    defaults = settings_values("TIME_ZONE", "MEDIA_URL", "MEDIA_ROOT", "SERVE_MEDIA", "CACHES", **PRODUCTION)
    assert defaults["TIME_ZONE"] == "Asia/Shanghai"
    assert defaults["MEDIA_URL"] == "/media/"
    assert defaults["MEDIA_ROOT"] == "/srv/newsroom/media"
    assert defaults["SERVE_MEDIA"] is False
    assert defaults["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"

    values = settings_values(
        "TIME_ZONE",
        "MEDIA_URL",
        "MEDIA_ROOT",
        "CACHES",
        TIME_ZONE="UTC",
        MEDIA_URL="https://media.example.com/newsroom/",
        CACHE_URL="redis://cache.internal:6379/1",
        **{**PRODUCTION, "MEDIA_ROOT": "/srv/newsroom/media-2"},
    )
    assert values["TIME_ZONE"] == "UTC"
    assert values["MEDIA_URL"] == "https://media.example.com/newsroom/"
    assert values["MEDIA_ROOT"] == "/srv/newsroom/media-2"
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert values["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/1"


def test_media_is_routed_through_django_only_in_development():
    code = (
        "import django; django.setup()\n"
        "from django.urls import resolve, Resolver404\n"
        "try:\n    print(resolve('/media/photos/a.jpg').func.__name__)\n"
        "except Resolver404:\n    print('not routed')\n"
    )
    production = run_python(code, **PRODUCTION)
    assert production.stdout.strip() == "not routed", production.stderr
    assert run_python(code, DEBUG="1", **PRODUCTION).stdout.strip() == "not routed"
    debug = run_python(code, **DEV)
    assert debug.stdout.strip() == "serve", debug.stderr


SECURITY = [
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
]


def test_https_is_on_by_default_and_trusts_the_proxy_header():
    values = settings_values(*SECURITY, **PRODUCTION)
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_HSTS_SECONDS": 31536000,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }


def test_behind_proxy_off_ignores_x_forwarded_proto_but_keeps_https():
    values = settings_values(*SECURITY, BEHIND_PROXY="0", **PRODUCTION)
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True


def test_https_off_for_a_local_production_style_run():
    values = settings_values(*SECURITY, HTTPS="0", **PRODUCTION)
    assert values == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "SECURE_HSTS_SECONDS": 0,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
    }


def test_debug_does_not_turn_https_off():
    """Issue 19 item 8: DEBUG=1 on a server must not drop the HTTPS redirect, secure cookies or HSTS."""
    assert settings_values(*SECURITY, DEBUG="1", **PRODUCTION) == settings_values(*SECURITY, **PRODUCTION)
    assert settings_values("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", DEBUG="1", **PRODUCTION) == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
    }


def test_development_settings_turn_https_off():
    assert settings_values("SECURE_SSL_REDIRECT", **DEV) == {"SECURE_SSL_REDIRECT": False}


def test_csp_allows_a_cdn_or_object_storage_origin_for_static_and_media():
    directives = settings_values(
        "CONTENT_SECURITY_POLICY",
        STATIC_URL="https://cdn.example.com/static/",
        MEDIA_URL="https://bucket.example.com/media/",
        **PRODUCTION,
    )["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'", "https://cdn.example.com"]
    assert directives["style-src"] == ["'self'", "https://cdn.example.com"]
    assert directives["img-src"] == [
        "'self'",
        "data:",
        "https://cdn.example.com",
        "https://bucket.example.com",
    ]
    assert directives["connect-src"] == ["'self'"]


def test_axes_client_address_behind_proxies():
    code = (
        "import django; django.setup()\n"
        "from django.test import RequestFactory\n"
        "from axes.helpers import get_client_ip_address\n"
        "r = RequestFactory().get('/', REMOTE_ADDR='10.0.0.2',"
        " HTTP_X_FORWARDED_FOR='6.6.6.6, 203.0.113.9')\n"
        "print(get_client_ip_address(r))\n"
    )
    direct = run_python(code, **PRODUCTION)
    assert direct.stdout.strip() == "10.0.0.2", direct.stderr
    # One proxy (nginx) appended the address it saw; the client made up the entry before it.
    one_proxy = run_python(code, PROXY_COUNT="1", **PRODUCTION)
    assert one_proxy.stdout.strip() == "203.0.113.9", one_proxy.stderr
    two_proxies = run_python(code, PROXY_COUNT="2", **PRODUCTION)
    assert two_proxies.stdout.strip() == "6.6.6.6", two_proxies.stderr


def test_every_environment_variable_is_documented_in_the_readme():
    readme = (BASE_DIR / "README.md").read_text()
    deploying = readme.split("## Deploying", 1)[1]
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", deploying, flags=re.MULTILINE))
    assert "SECRET_KEY" in SETTINGS_ENV_VARS and "DATABASE_URL" in SETTINGS_ENV_VARS
    assert set(SETTINGS_ENV_VARS) <= documented, set(SETTINGS_ENV_VARS) - documented


def test_manage_py_defaults_to_development_settings_and_servers_to_production():
    """manage.py works on a laptop with no variables set; wsgi.py keeps DEBUG off and needs SECRET_KEY."""
    env = clean_env()
    del env["DJANGO_SETTINGS_MODULE"]
    local = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from django.conf import settings; print(settings.DEBUG)"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert local.returncode == 0, local.stderr
    assert local.stdout.strip().splitlines()[-1] == "True"

    server = subprocess.run(
        [sys.executable, "-c", "import newsroom.wsgi"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert server.returncode != 0
    assert "SECRET_KEY is not set" in server.stderr
