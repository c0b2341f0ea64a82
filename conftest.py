"""Project-wide pytest fixtures."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """
    Under `make mutate` (bin/mutate sets MUTATE_DB_TEMPLATE), each run of the tests
    starts from its own copy of a SQLite database migrated once by the unmutated code,
    which pytest-django's --reuse-db then takes as it is: migrating a fresh database
    was most of the time of each of the thousands of runs. Elsewhere: pytest-django's
    own database set-up, unchanged.
    """
    template = os.environ.get("MUTATE_DB_TEMPLATE")
    if not template:
        yield
        return
    from django.conf import settings

    if template.startswith("postgres:"):
        yield from _postgresql_copy(settings.DATABASES["default"], template.removeprefix("postgres:"))
        return
    copy = Path(tempfile.gettempdir()) / f"newsroom-mutant-db-{os.getpid()}.sqlite3"
    shutil.copyfile(template, copy)
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(copy)
    yield
    copy.unlink(missing_ok=True)


def _postgresql_copy(database, template):
    """The same on PostgreSQL: a database created from the migrated template, dropped after."""
    import psycopg

    name = f"test_mutant_{os.getpid()}"
    server = {"host": database["HOST"], "port": database["PORT"] or 5432, "user": database["USER"]}
    with psycopg.connect(dbname="postgres", password=database["PASSWORD"], autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    database.setdefault("TEST", {})["NAME"] = name
    yield
    from django.db import connections

    connections.close_all()
    with psycopg.connect(dbname="postgres", password=database["PASSWORD"], autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
