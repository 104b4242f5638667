"""Fixtures for the central record and the sync client.

backend            "sqlite" (a tmp file) or "postgres" (a fresh database per test, copied from a
                   migrated template; skipped with a reason unless SEEN_REQUIRE_PG=1)
world              a migrated central record on `backend` with an org, two teams, practitioners
                   holding synthetic caseloads, and helpers to enrol devices and build items
live_server        (tests/sync/live.py) a real uvicorn on 127.0.0.1 that can stop and restart
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import require_or_skip
from tests.sync.helpers import World, make_world


# --- PostgreSQL ----------------------------------------------------------------------------------
def _pg_base_url() -> str | None:
    return os.environ.get("SEEN_TEST_PG_URL")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[tuple[sa.Engine, str]]:
    """An autocommit engine on the PostgreSQL server, and a migrated template database."""
    url = _pg_base_url()
    if not url:
        require_or_skip("SEEN_REQUIRE_PG", "SEEN_TEST_PG_URL is not set: no PostgreSQL to test on")
    assert url is not None
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    try:
        with admin.connect() as c:
            c.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        require_or_skip(
            "SEEN_REQUIRE_PG",
            f"PostgreSQL at SEEN_TEST_PG_URL is unreachable ({type(exc).__name__})",
        )
    template = f"seen_test_tpl_{os.getpid()}"
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{template}"'))
        c.execute(sa.text(f'CREATE DATABASE "{template}"'))
    from sync.server.db import Database, migrate

    db = Database(_with_database(url, template))
    migrate(db)
    db.dispose()
    yield admin, template
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
    admin.dispose()


def _with_database(url: str, name: str) -> str:
    return sa.make_url(url).set(database=name).render_as_string(hide_password=False)


@contextmanager
def _fresh_database(pg_server: tuple[sa.Engine, str]) -> Iterator[str]:
    """A new database copied from the migrated template, dropped afterwards."""
    admin, template = pg_server
    name = f"seen_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = _pg_base_url()
    assert url is not None
    try:
        yield _with_database(url, name)
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def pg_database(pg_server: tuple[sa.Engine, str]) -> Iterator[str]:
    with _fresh_database(pg_server) as url:
        yield url


@pytest.fixture(scope="module")
def pg_module_database(pg_server: tuple[sa.Engine, str]) -> Iterator[str]:
    """One database for a whole module (the fuzzer's long-lived central record)."""
    with _fresh_database(pg_server) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL for an empty central record."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'central-record.sqlite3'}"
    url: str = request.getfixturevalue("pg_database")
    return url


@pytest.fixture
def world(backend: str) -> Iterator[World]:
    w = make_world(backend)
    yield w
    w.db.dispose()
