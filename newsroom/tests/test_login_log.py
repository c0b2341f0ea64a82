"""
Issue 19 item 3: the server log of sign-ins cannot be forged through a user
name, and does not show what people typed as a user name. Real login POSTs in
a fresh interpreter with the production settings and their logging, reading
what lands on standard error.
"""

import logging
import sys

from newsroom.log import EscapingFormatter, escape_control

from .subprocess_env import REQUIRED, run

PASSWORD = "a-long-editor-password-7"
FORGED = (
    '2026-01-01 09:00:00,000 INFO axes.handlers.database: AXES: Successful login by {username: "chief"}.'
)

SIGN_IN = f"""
import sys
import django
django.setup()
from django.conf import settings
# The login page links the admin's stylesheets, and this run has not collected
# static files: plain static storage instead of the hashed manifest.
settings.STORAGES = {{
    **settings.STORAGES,
    "staticfiles": {{"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
}}
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

call_command("migrate", verbosity=0)
get_user_model().objects.create_user("editor", password={PASSWORD!r}, is_staff=True)
client = Client()
for username, password in [(sys.argv[1], "wrong-password-1"), ({PASSWORD!r}, "x"), ("editor", {PASSWORD!r})]:
    print(client.post("/admin/login/", {{"username": username, "password": password}}).status_code)
"""


def test_a_user_name_cannot_forge_a_log_line_or_be_read_in_the_log(tmp_path):
    result = run(
        [sys.executable, "-c", SIGN_IN, "editor\n" + FORGED + "\r\x1b[2K"],
        **{**REQUIRED, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
        HTTPS="0",
        ALLOWED_HOSTS="testserver",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "200", "302"]
    lines = result.stderr.splitlines()
    failures = [line for line in lines if "login failure by" in line]
    assert len(failures) == 2, result.stderr
    # The whole typed value stays on its record's line, escaped, and nothing starts a forged one.
    assert not [line for line in lines if line.startswith("2026-01-01 09:00:00")], result.stderr
    assert "\x1b" not in result.stderr and "\r" not in result.stderr
    successes = [line for line in lines if "Successful login by" in line]
    assert len(successes) == 1, result.stderr
    # User names (and a password typed as one) appear only as a keyed digest.
    assert "editor" not in result.stderr
    assert PASSWORD not in result.stderr
    assert "wrong-password-1" not in result.stderr
    assert "username_digest: " in successes[0]


def test_escape_control():
    escaped = escape_control("a\nb\r\tc\x1b[31md\x7f\x85e\u2028f")
    assert escaped == "a\\nb\\r\\tc\\u001b[31md\\u007f\\u0085e\\u2028f"
    assert escape_control("崂山 news") == "崂山 news"


def test_the_formatter_keeps_tracebacks_multi_line():
    formatter = EscapingFormatter("{levelname} {message}", style="{")
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "bad\nvalue %s", ("a\nb",), sys.exc_info()
        )
    text = formatter.format(record)
    first, *rest = text.splitlines()
    assert first == "ERROR bad\\nvalue a\\nb"
    assert rest[0] == "Traceback (most recent call last):"
