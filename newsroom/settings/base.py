"""
Settings for the newsroom site, as a server runs it.

Every value that differs between a laptop and a deployment is read here, from
the environment, and nowhere else. These settings fail closed: without
SECRET_KEY, DATABASE_URL, MEDIA_ROOT or SITE_URL the site refuses to start and
names the missing variable, and HTTPS, secure cookies and HSTS are on unless
HTTPS=0. Local defaults live only in newsroom.settings.dev (and .test).
See "Deploying" in README.md for the full list of variables.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()


def required(name, hint):
    """The environment variable `name`; without it (or empty) the site refuses to start."""
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. {hint} "
            "(For local development use DJANGO_SETTINGS_MODULE=newsroom.settings.dev, "
            "the default of manage.py.)"
        )
    return value


def site_url(value):
    """SITE_URL without a trailing slash, refused unless it is an http(s) origin."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") or (
        parts.query or parts.fragment or parts.username or parts.password
    ):
        raise ImproperlyConfigured(
            "SITE_URL must be the site's address with scheme and host only, "
            f"e.g. https://news.example.com; got {value!r}."
        )
    return f"{parts.scheme}://{parts.netloc}"


# Debug pages only: DEBUG relaxes nothing else here.
DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = required(
    "SECRET_KEY",
    "Set the SECRET_KEY environment variable to a long random string "
    "(python -c 'import secrets; print(secrets.token_urlsafe(50))').",
)

# The site's public address (scheme, host and port if any): canonical links and
# link previews are built from it, never from the request's Host header.
SITE_URL = site_url(
    required("SITE_URL", "Set SITE_URL to the site's public address, e.g. https://news.example.com.")
)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Redirects keep old story addresses working (articles/redirects.py); they need sites.
    "django.contrib.sites",
    "django.contrib.redirects",
    "taggit",
    "csp",
    "axes",
    "reversion",
    "django_prose_editor",
    "regions",
    "articles",
    "photos",
    "search",
    "django.contrib.sitemaps",
    "pagecache",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # WhiteNoise directly after SecurityMiddleware, as its documentation requires.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Reader pages from the cache before sessions, CSRF or authentication run (pagecache/cache.py).
    "pagecache.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Answers a 404 with a redirect from an old address, never to a story readers may not see.
    "articles.redirects.StoryRedirectMiddleware",
    # Axes must come last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
                "regions.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

DATABASES = {
    "default": env.db_url_config(
        required("DATABASE_URL", "Set DATABASE_URL, e.g. postgres://user:password@host:5432/newsroom.")
    ),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Axes refuses locked-out credentials before any other backend is asked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # ASVS 2.1.1: passwords of at least 12 characters.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = env.str("STATIC_URL", default="/static/")
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]

MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(
    required("MEDIA_ROOT", "Set MEDIA_ROOT to the absolute path of a folder that outlives deployments.")
)
if not MEDIA_ROOT.is_absolute():
    raise ImproperlyConfigured(f"MEDIA_ROOT must be an absolute path; got {str(MEDIA_ROOT)!r}.")
# Django serves uploaded media itself only in development; production puts a
# web server or object storage in front of MEDIA_URL (see README "Deploying").
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)

# Photos that passed the upload check, kept while the story form is shown again
# after an error (photos/forms.py). Never under MEDIA_URL: readers cannot reach them.
KEPT_UPLOADS_ROOT = env.path("KEPT_UPLOADS_ROOT", default=MEDIA_ROOT.with_name(f"{MEDIA_ROOT.name}-kept-uploads"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "kept_uploads": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": KEPT_UPLOADS_ROOT},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Photos in S3-compatible object storage (django-storages) when a bucket is named;
# credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (read by boto3).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _S3_OPTIONS = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
        "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
        "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
        # Never overwrite: a regenerated rendition gets a new name, so caches never serve a stale one.
        "file_overwrite": False,
        # Every stored name is new, so a file never changes once written.
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    }
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _S3_OPTIONS}
    STORAGES["kept_uploads"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3_OPTIONS,
            "location": "kept-uploads",
            "default_acl": "private",
            "querystring_auth": True,
            "object_parameters": {},
        },
    }

CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://"),
}
# The anonymous page cache (pagecache/cache.py; README "Fast pages"): reader pages
# cached whole in CACHES[PAGE_CACHE_ALIAS] for PAGE_CACHE_SECONDS at most (an edit
# makes them stale at once), and the Cache-Control a browser and a CDN get.
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
# Whole-content figures (years with stories, most used tags, story counts) kept in
# the same cache per content generation (pagecache/derived.py), on even with PAGE_CACHE off.
CONTENT_CACHE = env.bool("CONTENT_CACHE", default=True)
PAGE_MAX_AGE = env.int("PAGE_MAX_AGE", default=30)
PAGE_S_MAXAGE = env.int("PAGE_S_MAXAGE", default=30)
PAGE_STALE_WHILE_REVALIDATE = env.int("PAGE_STALE_WHILE_REVALIDATE", default=30)
# Sessions live in the database by default, which every app server shares;
# "django.contrib.sessions.backends.cached_db" adds the shared cache in front.
SESSION_ENGINE = env.str("SESSION_ENGINE", default="django.contrib.sessions.backends.db")

# Photos: the largest upload accepted, in bytes (also enforced by the form).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

TAGGIT_CASE_INSENSITIVE = True

SITE_NAME = env.str("SITE_NAME", default="Qingdao City News")

# --- Security -----------------------------------------------------------------
# HTTPS is on unless HTTPS=0: a local production-style run over plain HTTP
# (make serve) and the development settings turn it off.
HTTPS = env.bool("HTTPS", default=True)
# Behind a TLS-terminating proxy or load balancer that sets X-Forwarded-Proto.
if env.bool("BEHIND_PROXY", default=HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    # Browsers accept a __Host- cookie only if it is Secure, for Path=/ and has no
    # Domain, so no other subdomain can plant or overwrite it (ASVS 3.4.4).
    # Django's defaults are that path and no domain.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_HTTPONLY = True
# No page script reads the CSRF cookie (forms carry the token), so hide it from scripts too.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"


def _origin(url):
    """The origin ("https://cdn.example.com") of an absolute URL, or None for a path."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


# Content-Security-Policy: only the site's own assets. When static files or
# media are served from another origin (a CDN, object storage), STATIC_URL or
# MEDIA_URL is an absolute URL and that origin is allowed for what it serves.
_STATIC_ORIGINS = [o for o in [_origin(STATIC_URL)] if o]
def _bucket_origin():
    """Where photos are served from when they live in a bucket (see STORAGES above)."""
    if not AWS_STORAGE_BUCKET_NAME:
        return None
    options = STORAGES["default"]["OPTIONS"]
    if options["custom_domain"]:
        return f"https://{options['custom_domain']}"
    if options["endpoint_url"]:
        return _origin(options["endpoint_url"])
    return f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"


_MEDIA_ORIGINS = [o for o in dict.fromkeys([_origin(MEDIA_URL), _bucket_origin()]) if o and o not in _STATIC_ORIGINS]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", *_STATIC_ORIGINS, *_MEDIA_ORIGINS],
        "script-src": ["'self'", *_STATIC_ORIGINS],
        "style-src": ["'self'", *_STATIC_ORIGINS],
        "font-src": ["'self'", *_STATIC_ORIGINS],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Newsroom sign-in limits (django-axes plus newsroom.signin; README "Security"):
# - AXES_FAILURE_LIMIT failures for one user name from one address refuse that
#   pair for AXES_COOLOFF_TIME hours after the last failure;
# - SIGNIN_ADDRESS_FAILURE_LIMIT failures from one address (an IPv6 /64), whatever
#   the user names, within AXES_COOLOFF_TIME refuse every sign-in from it;
# - SIGNIN_ACCOUNT_FAILURE_LIMIT failures for one user name, from any addresses,
#   within SIGNIN_ACCOUNT_WINDOW_HOURS refuse it from addresses it has never
#   signed in from; where the journalist has signed in before, they still can.
AXES_HANDLER = "newsroom.signin.SignInLimitsHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
SIGNIN_ADDRESS_FAILURE_LIMIT = env.int("SIGNIN_ADDRESS_FAILURE_LIMIT", default=30)
SIGNIN_ACCOUNT_FAILURE_LIMIT = env.int("SIGNIN_ACCOUNT_FAILURE_LIMIT", default=20)
SIGNIN_ACCOUNT_WINDOW_HOURS = env.float("SIGNIN_ACCOUNT_WINDOW_HOURS", default=24.0)
# The address and account limits count axes' per-failure records.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# A success clears the failures of its (user name, address) pair only.
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Log lines name each sign-in and failure by a keyed digest of the typed user
# name (which may be a password typed in the wrong box) and the address, with
# control characters escaped. The same masking keeps the user name out of the
# stored request data; passwords are never logged or stored.
AXES_SENSITIVE_PARAMETERS = ["username"]
AXES_CLIENT_STR_CALLABLE = "newsroom.signin.client_str"
# How many reverse proxies append to X-Forwarded-For in front of gunicorn; the
# sign-in limits use the address the outermost one saw (see newsroom/client_ip.py).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "newsroom.client_ip.client_ip_address"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # One record, one line: control characters in messages are escaped.
        "plain": {
            "class": "newsroom.log.EscapingFormatter",
            "format": "{asctime} {levelname} {name}: {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Axes logs every successful and failed login; its start-up banner is noise.
        "axes": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes.apps": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
