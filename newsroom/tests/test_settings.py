"""
The settings read from the environment, as a deployment sets them. Each test
runs a fresh interpreter (see subprocess_env) with newsroom.settings.base.
"""

import re
import subprocess
import sys

from .subprocess_env import (
    BASE_DIR,
    SETTINGS_ENV_VARS,
    clean_env,
    manage,
    random_secret_key,
    run_python,
    settings_values,
)

PRODUCTION = {"SECRET_KEY": random_secret_key(), "ALLOWED_HOSTS": "news.example.com"}


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    for debug in (None, "0", "false"):
        result = manage("check", DEBUG=debug)
        assert result.returncode != 0, debug
        assert "ImproperlyConfigured: SECRET_KEY is not set. Set the SECRET_KEY environment variable" in (
            result.stderr
        ), result.stderr


def test_settings_import_fails_with_the_message_not_a_traceback_puzzle():
    result = run_python("from django.conf import settings; settings.DEBUG")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set.")
    assert "or set DEBUG=1 for local development" in last_line


def test_debug_is_off_unless_set_and_debug_runs_without_a_secret_key():
    assert settings_values("DEBUG", **PRODUCTION) == {"DEBUG": False}
    values = settings_values("DEBUG", "SECRET_KEY", DEBUG="1")
    assert values["DEBUG"] is True
    assert values["SECRET_KEY"].startswith("django-insecure-")


def test_check_deploy_reports_nothing_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_does_complain_about_a_weak_secret_key():
    # The previous test means something only if check --deploy really looks.
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY="short", ALLOWED_HOSTS="x")
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_database_url_postgres():
    db = settings_values("DATABASES", DATABASE_URL="postgres://user:pw@host:5433/name", **PRODUCTION)[
        "DATABASES"
    ]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["HOST"], db["PORT"]) == ("name", "host", 5433)
    assert (db["USER"], db["PASSWORD"]) == ("user", "pw")
    assert db["CONN_MAX_AGE"] == 60
    assert db["CONN_HEALTH_CHECKS"] is True


def test_database_url_options_are_passed_to_the_driver():
    url = "postgresql://u:p@db.internal/news?connect_timeout=5&sslmode=require"
    db = settings_values("DATABASES", DATABASE_URL=url, **PRODUCTION)["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["OPTIONS"] == {"connect_timeout": 5, "sslmode": "require"}


def test_database_defaults_to_the_sqlite_file_in_the_project():
    db = settings_values("DATABASES", **PRODUCTION)["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(BASE_DIR / "db.sqlite3")


def test_host_and_origin_lists():
    values = settings_values(
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        SECRET_KEY=random_secret_key(),
        ALLOWED_HOSTS="news.example.com,www.news.example.com",
        CSRF_TRUSTED_ORIGINS="https://news.example.com,https://www.news.example.com",
    )
    assert values["ALLOWED_HOSTS"] == ["news.example.com", "www.news.example.com"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://news.example.com", "https://www.news.example.com"]
    defaults = settings_values("ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", DEBUG="1")
    assert defaults == {"ALLOWED_HOSTS": ["127.0.0.1", "localhost", "[::1]"], "CSRF_TRUSTED_ORIGINS": []}


def test_time_zone_media_and_cache():
    defaults = settings_values("TIME_ZONE", "MEDIA_URL", "MEDIA_ROOT", "SERVE_MEDIA", "CACHES", **PRODUCTION)
    assert defaults["TIME_ZONE"] == "Asia/Shanghai"
    assert defaults["MEDIA_URL"] == "/media/"
    assert defaults["MEDIA_ROOT"] == str(BASE_DIR / "media")
    assert defaults["SERVE_MEDIA"] is False
    assert defaults["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"

    values = settings_values(
        "TIME_ZONE",
        "MEDIA_URL",
        "MEDIA_ROOT",
        "CACHES",
        TIME_ZONE="UTC",
        MEDIA_URL="https://media.example.com/newsroom/",
        MEDIA_ROOT="/srv/newsroom/media",
        CACHE_URL="redis://cache.internal:6379/1",
        **PRODUCTION,
    )
    assert values["TIME_ZONE"] == "UTC"
    assert values["MEDIA_URL"] == "https://media.example.com/newsroom/"
    assert values["MEDIA_ROOT"] == "/srv/newsroom/media"
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert values["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/1"


def test_media_is_routed_through_django_only_when_debug_is_on():
    code = (
        "import django; django.setup()\n"
        "from django.urls import resolve, Resolver404\n"
        "try:\n    print(resolve('/media/photos/a.jpg').func.__name__)\n"
        "except Resolver404:\n    print('not routed')\n"
    )
    production = run_python(code, **PRODUCTION)
    assert production.stdout.strip() == "not routed", production.stderr
    debug = run_python(code, DEBUG="1")
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


def test_debug_turns_https_off():
    assert settings_values("SECURE_SSL_REDIRECT", DEBUG="1") == {"SECURE_SSL_REDIRECT": False}


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
