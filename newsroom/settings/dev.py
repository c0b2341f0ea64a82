"""
Local development: DEBUG on, plain HTTP, and local defaults for everything the
production settings require.

manage.py uses this module by default, so `python manage.py shell` works on a
laptop with no variables set. Servers run newsroom.settings.base (the default of
wsgi.py and asgi.py; set DJANGO_SETTINGS_MODULE=newsroom.settings.base for
manage.py there), which refuses to start without SECRET_KEY, DATABASE_URL,
MEDIA_ROOT and SITE_URL. Each default below gives way to the environment.
"""

import os
from pathlib import Path

_PROJECT = Path(__file__).resolve().parent.parent.parent

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("SERVE_MEDIA", "1")
# A public key, for local use only: it exists nowhere but here.
os.environ.setdefault("SECRET_KEY", "django-insecure-local-development-only")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_PROJECT / 'db.sqlite3'}")
os.environ.setdefault("MEDIA_ROOT", str(_PROJECT / "media"))
os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")

from .base import *  # noqa: E402,F401,F403
