"""Settings for the test suite: fast password hashing, isolated media and cache."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("HTTPS", "0")

from .base import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = tempfile.mkdtemp(prefix="newsroom-test-media-")
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
