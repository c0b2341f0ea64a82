"""/healthz: 200 when the database answers, 503 when it does not (a real failed connection)."""

import contextlib
import copy
import os
import pickle
import shutil
import tempfile
import time

from django.core.cache.backends.filebased import FileBasedCache
from django.db import connections
from django.test import SimpleTestCase, TestCase, override_settings

from newsroom.views import cache_answers


@contextlib.contextmanager
def unreachable_default_database():
    """
    Point the default connection at a database that cannot be reached: for
    SQLite a file in a directory that does not exist, for PostgreSQL a closed
    port. The connection the test is using (with its test transaction, and for
    SQLite the in-memory test database, which close() deliberately keeps open)
    is set aside rather than closed, and put back afterwards.
    """
    original = connections["default"]
    settings_dict = copy.deepcopy(original.settings_dict)
    if original.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent-directory/newsroom/db.sqlite3"
    else:
        settings_dict.update(HOST="127.0.0.1", PORT=1)
        settings_dict.setdefault("OPTIONS", {})["connect_timeout"] = 3
    unreachable = original.__class__(settings_dict, alias="default")
    connections["default"] = unreachable
    try:
        yield unreachable
    finally:
        unreachable.close()
        connections["default"] = original


class HealthzTests(TestCase):
    def test_ok_when_the_database_answers(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(response.json(), {"status": "ok", "database": "ok", "cache": "ok"})
        self.assertIn("no-cache", response["Cache-Control"])
        self.assertIn("max-age=0", response["Cache-Control"])

    def test_head_for_probes_that_use_it(self):
        response = self.client.head("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"")

    def test_only_get_and_head(self):
        self.assertEqual(self.client.post("/healthz").status_code, 405)

    def test_503_when_the_database_is_unreachable(self):
        with unreachable_default_database() as unreachable:
            response = self.client.get("/healthz")
            # The view really tried, and failed, to connect.
            self.assertIsNone(unreachable.connection)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json(), {"status": "error", "database": "unreachable"})
        self.assertIn("no-cache", response["Cache-Control"])

        # With the database back, the instance is healthy again.
        self.assertEqual(self.client.get("/healthz").status_code, 200)

    def test_unreachable_database_really_is_unreachable(self):
        # Guard against the helper pointing at a database that happens to work.
        from django.db import OperationalError, connection

        with unreachable_default_database():
            with self.assertRaises(OperationalError):
                connection.ensure_connection()

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_not_redirected_to_https(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.client.get("/").status_code, 301)


class FileCacheThatLosesReads(FileBasedCache):
    """A cache that takes a write and then drops the connection before the read."""

    def get(self, key, default=None, version=None):
        raise ConnectionError("the cache server went away")


class HealthzCacheProbeTests(SimpleTestCase):
    """The probe's own key is removed after it, and a probe cut short leaves one that expires in seconds."""

    def setUp(self):
        self.directory = tempfile.mkdtemp(prefix="newsroom-healthz-cache-")
        self.addCleanup(shutil.rmtree, self.directory)

    def cache_settings(self, backend):
        return override_settings(CACHES={"default": {"BACKEND": backend, "LOCATION": self.directory}})

    def test_the_probe_removes_its_key(self):
        with self.cache_settings("django.core.cache.backends.filebased.FileBasedCache"):
            self.assertTrue(cache_answers())
        self.assertEqual(os.listdir(self.directory), [])

    def test_a_probe_cut_short_leaves_a_key_that_expires_within_ten_seconds(self):
        with self.cache_settings(f"{__name__}.FileCacheThatLosesReads"):
            started = time.time()
            self.assertFalse(cache_answers())
        [left] = os.listdir(self.directory)
        with open(os.path.join(self.directory, left), "rb") as stored:
            expires = pickle.load(stored)  # FileBasedCache writes the expiry first
        self.assertGreater(expires, started)
        self.assertLessEqual(expires, time.time() + 10)
