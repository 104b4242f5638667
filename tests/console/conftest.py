"""Fixtures for the console: the sync tests' World (a real app on SQLite and on PostgreSQL)
with console accounts for team A's manager and a duty worker, and a browser-like client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.console.helpers import Console, make_console
from tests.sync.conftest import backend, pg_database, pg_server  # noqa: F401  (fixtures)
from tests.sync.helpers import make_world


@pytest.fixture
def console(backend: str) -> Iterator[Console]:  # noqa: F811
    world = make_world(backend)
    yield make_console(world)
    world.db.dispose()
