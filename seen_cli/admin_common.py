"""What every `seen admin` verb shares: the --db / --data-dir options (the database opened and
migrated), a refusal of an empty central record (often: not the demo's data), and plain one-line
errors for refusals."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

__all__ = ["call", "database_options", "fail", "may_be_empty"]

DEMO_SERVER_DIR = Path("data/demo/server")  # where `seen demo` keeps its central record


def may_be_empty(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a verb that works on a central record holding no organisation yet (it makes one)."""
    fn.may_be_empty = True  # type: ignore[attr-defined]
    return fn


def _refuse_empty(database: Any, db: str | None, data_dir: str) -> None:
    """Every other verb on an empty central record is a mistake (often: not the demo's data)."""
    import sqlalchemy as sa

    from sync.server.tables import OrganisationRow, table_of

    with database.read() as s:
        count = s.execute(sa.select(sa.func.count()).select_from(table_of(OrganisationRow)))
        if count.scalar_one():
            return
    where = "the database given by --db" if db else f"SQLite in {data_dir}"
    hint = ""
    if (
        not db
        and DEMO_SERVER_DIR.is_dir()
        and Path(data_dir).resolve() != DEMO_SERVER_DIR.resolve()
    ):
        hint = (
            f" The demo's central record is in {DEMO_SERVER_DIR}: add --data-dir {DEMO_SERVER_DIR}."
        )
    fail(
        f"This central record ({where}) holds no organisation yet, so there is nothing to do."
        f"{hint} To start one: seen admin create-org."
    )


def database_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    @click.option(
        "--db", envvar="SEEN_DATABASE_URL", help="Database URL (default: SQLite in --data-dir)."
    )
    @click.option(
        "--data-dir", type=click.Path(file_okay=False), default="data/server", show_default=True
    )
    @functools.wraps(fn)
    def wrapper(db: str | None, data_dir: str, **kwargs: Any) -> Any:
        from sync.server.db import Database, migrate
        from sync.server.settings import Settings

        settings = Settings.for_data_dir(data_dir, db=db)
        database = Database(settings.database_url)
        try:
            migrate(database)
            if not getattr(fn, "may_be_empty", False):
                _refuse_empty(database, db, data_dir)
            return fn(database=database, settings=settings, **kwargs)
        finally:
            database.dispose()

    return wrapper


def fail(message: str) -> None:
    raise click.ClickException(message)


def call(action: Callable[[], Any]) -> Any:
    from sync.server.services import Refusal

    try:
        return action()
    except Refusal as exc:
        fail(exc.detail)
