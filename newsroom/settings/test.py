"""Settings for the test suite: fast password hashing, isolated media and cache."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("HTTPS", "0")
# bin/with-postgres sets DATABASE_URL; otherwise SQLite (the test database is in memory).
_PROJECT = Path(__file__).resolve().parent.parent.parent
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_PROJECT / 'db.sqlite3'}")
_MEDIA_ROOT = tempfile.mkdtemp(prefix="newsroom-test-media-")
os.environ.setdefault("MEDIA_ROOT", _MEDIA_ROOT)
# The test client's host, so absolute links in pages match the addresses tests request.
os.environ.setdefault("SITE_URL", "http://testserver")

from .base import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Test transactions never commit, so nothing would invalidate the page cache:
# pagecache's own tests turn it on where they commit.
PAGE_CACHE = False
CONTENT_CACHE = False
# Uploads from tests always go to a fresh folder, whatever the environment says.
MEDIA_ROOT = _MEDIA_ROOT
KEPT_UPLOADS_ROOT = tempfile.mkdtemp(prefix="newsroom-test-kept-uploads-")
# The browser suite needs uploaded photos served by the live test server.
SERVE_MEDIA = True
# Tests render templates without running collectstatic first; an empty
# STATIC_ROOT keeps WhiteNoise from warning that the directory is missing.
STATIC_ROOT = tempfile.mkdtemp(prefix="newsroom-test-static-")
STORAGES = {
    **STORAGES,  # noqa: F405
    "kept_uploads": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": KEPT_UPLOADS_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
