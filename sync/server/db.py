"""Engines, transactions and migrations for the central record (SQLite file or PostgreSQL).

`Database(url)` builds its engine when constructed (never at import). `db.write()` is one write
transaction: on SQLite it starts with BEGIN IMMEDIATE (the writer lock is taken up front, so two
writers queue on busy_timeout instead of failing), on PostgreSQL it is READ COMMITTED and writers
of one organisation serialise on the org_seq row lock. Leaving the block without an exception
commits; an exception rolls back.

`insert_rows(session, table, rows)` is the bulk insert of the hot append-only tables (records,
visits, the change log, the audit log), in the session's transaction: the column types' own bind
processors, then one driver-level executemany on SQLite or one COPY on PostgreSQL (one statement
for the whole batch instead of one per row). `JsonText` is JSON already encoded once (a record's
canonical JSON, say), stored as it is instead of being encoded again.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pydantic_core
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

__all__ = ["Database", "JsonText", "insert_rows", "migrate", "sqlite_url_for"]

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
_IMMEDIATE = "seen_sqlite_immediate"


class JsonText(str):
    """A JSON document already encoded (valid JSON text): a JSON column stores it as it is."""

    __slots__ = ()


def _to_json(value: Any) -> str:
    """JSON columns go through pydantic-core's encoder: the same output, several times faster."""
    if isinstance(value, JsonText):
        return str(value)
    return pydantic_core.to_json(value).decode()


def sqlite_url_for(data_dir: str | Path) -> str:
    """The embedded database's URL; its folder is made (or tightened to) 0700: only the server's
    own user may list or open what is in it."""
    path = Path(data_dir).resolve()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)
    return f"sqlite:///{path / 'central-record.sqlite3'}"


def _private_sqlite_file(url: str) -> None:
    """Create the database file 0600 before SQLite does (it would use the umask: 0644, readable
    by every local user), and tighten an existing one. SQLite gives its -wal and -shm files the
    main file's permissions; those left by an older version are tightened too."""
    name = sa.engine.make_url(url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").chmod(0o600)


def _sqlite_engine(url: str) -> Engine:
    _private_sqlite_file(url)
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


def _is_time(kind: sa.types.TypeEngine[Any]) -> bool:
    if isinstance(kind, sa.types.TypeDecorator):
        kind = kind.impl_instance
    return isinstance(kind, sa.DateTime | sa.Date)


def insert_rows(session: Session, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT every row (each with the same keys) into `table`, in the session's transaction.

    Values go through each column type's bind processor, exactly as `session.execute(
    sa.insert(table), rows)` would convert them; then SQLite gets one executemany at the driver
    and PostgreSQL one COPY. Rows with differing keys go in one INSERT each."""
    if not rows:
        return
    names = list(rows[0])
    if any(row.keys() != rows[0].keys() for row in rows) or any(n not in table.c for n in names):
        for row in rows:  # one by one, in order: an executemany would keep the first row's keys
            session.execute(sa.insert(table).values(**row))
        return
    connection = session.connection()
    dialect = connection.dialect
    columns = []
    for name in names:  # column by column: one bind processor, many values
        kind = table.c[name].type
        process = kind.dialect_impl(dialect).bind_processor(dialect)
        column = [row[name] for row in rows]
        if process is not None and _is_time(kind):
            done: dict[Any, Any] = {}  # a batch's rows mostly share one time: convert it once
            column = [done[v] if v in done else done.setdefault(v, process(v)) for v in column]
        elif process is not None:
            column = [process(v) for v in column]
        columns.append(column)
    values = list(zip(*columns, strict=True))
    quote = dialect.identifier_preparer
    target = f"{quote.format_table(table)} ({', '.join(quote.quote(n) for n in names)})"
    if dialect.name == "postgresql":
        _copy_rows(connection, target, values)
        return
    marks = ", ".join("?" for _ in names)
    # Identifiers from the table's metadata, quoted by the dialect; values are bound parameters.
    connection.exec_driver_sql(f"INSERT INTO {target} VALUES ({marks})", values)  # noqa: S608


def _copy_rows(connection: sa.Connection, target: str, values: list[tuple[Any, ...]]) -> None:
    sql = f"COPY {target} FROM STDIN"
    raw: Any = connection.connection.driver_connection
    error: type[Exception] = connection.dialect.loaded_dbapi.Error
    try:
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            for value in values:
                copy.write_row(value)
    except error as exc:  # the same error tree as every other statement (503 on busy, ...)
        raise sa.exc.DBAPIError.instance(sql, None, exc, error) from exc


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
