"""ASGI entry point: `gunicorn newsroom.asgi`."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.base")

application = get_asgi_application()
