"""
Local development: DEBUG on unless the environment says otherwise.

manage.py uses this module by default, so `python manage.py shell` works on a
laptop with no variables set. Servers run newsroom.settings.base (the default of
wsgi.py and asgi.py; set DJANGO_SETTINGS_MODULE=newsroom.settings.base for
manage.py there), where DEBUG is off and SECRET_KEY is required.
"""

import os

os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: E402,F401,F403
