"""
Run Python or manage.py in a fresh interpreter under a controlled environment,
to test what the settings module does with environment variables as a
deployment would set them (the test process's own settings are already loaded).
"""

import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
BASE_SETTINGS = BASE_DIR / "newsroom" / "settings" / "base.py"

# Every variable newsroom/settings/base.py reads: env.str("NAME", ...), env.bool(...), required("NAME", ...)
SETTINGS_ENV_VARS = sorted(
    set(re.findall(r'\b(?:env\.\w+|required)\(\s*"([A-Z][A-Z0-9_]*)"', BASE_SETTINGS.read_text()))
)


def random_secret_key():
    """50 random characters, as check --deploy wants."""
    return secrets.token_urlsafe(40)[:50]


# What a server must set before the production settings start (nothing is created at these paths).
REQUIRED = {
    "SECRET_KEY": random_secret_key(),
    "DATABASE_URL": f"sqlite:///{Path(tempfile.gettempdir()) / 'newsroom-settings-test.sqlite3'}",
    "MEDIA_ROOT": "/srv/newsroom/media",
    "SITE_URL": "https://news.example.com",
}


def clean_env(**variables):
    """
    The current environment without any variable the settings read (the test
    settings set some of them in os.environ), using the production settings
    module, plus `variables`. A value of None leaves a variable unset.
    """
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV_VARS}
    env["DJANGO_SETTINGS_MODULE"] = "newsroom.settings.base"
    env.update({k: v for k, v in variables.items() if v is not None})
    return env


def run(args, **variables):
    return subprocess.run(
        args, cwd=BASE_DIR, env=clean_env(**variables), capture_output=True, text=True, timeout=120
    )


def run_python(code, **variables):
    return run([sys.executable, "-c", code], **variables)


def manage(*args, **variables):
    return run([sys.executable, "manage.py", *args], **variables)


def settings_values(*names, **variables):
    """The values of the named settings as the settings module computes them under `variables`."""
    code = (
        "import json, sys\n"
        "from django.conf import settings\n"
        f"names = {list(names)!r}\n"
        "json.dump({n: getattr(settings, n, None) for n in names}, sys.stdout, default=str)\n"
    )
    result = run_python(code, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
