"""Engines, transactions and migrations for the central record (SQLite file or PostgreSQL).

`Database(url)` builds its engine when constructed (never at import). `db.write()` is one write
transaction: on SQLite it starts with BEGIN IMMEDIATE (the writer lock is taken up front, so two
writers queue on busy_timeout instead of failing), on PostgreSQL it is READ COMMITTED and writers
of one organisation serialise on the org_seq row lock. Leaving the block without an exception
commits; an exception rolls back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pydantic_core
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

__all__ = ["Database", "migrate", "sqlite_url_for"]

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
_IMMEDIATE = "seen_sqlite_immediate"


def _to_json(value: Any) -> str:
    """JSON columns go through pydantic-core's encoder: the same output, several times faster."""
    return pydantic_core.to_json(value).decode()


def sqlite_url_for(data_dir: str | Path) -> str:
    path = Path(data_dir).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path / 'central-record.sqlite3'}"


def _sqlite_engine(url: str) -> Engine:
    engine = sa.create_engine(
        url,
        json_serializer=_to_json,
        json_deserializer=pydantic_core.from_json,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=8,
        max_overflow=8,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # the central record: nothing lost on power cut
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        immediate = conn.get_execution_options().get(_IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite"):
            self.engine = _sqlite_engine(url)
        else:
            self.engine = sa.create_engine(
                url,
                pool_size=10,
                max_overflow=10,
                pool_pre_ping=True,
                json_serializer=_to_json,
                json_deserializer=pydantic_core.from_json,
            )
        self.dialect = self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            session.connection(execution_options={_IMMEDIATE: True})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        # Closing (not rolling back) ends the transaction and keeps loaded objects readable.
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def migrate(db: Database, revision: str = "head") -> None:
    """Bring the schema up to `revision` (alembic upgrade)."""
    alembic_log = logging.getLogger("alembic")
    if alembic_log.level == logging.NOTSET:
        alembic_log.setLevel(logging.WARNING)  # its INFO lines are noise for operators
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()
    log.debug("central record schema at %s", revision)
