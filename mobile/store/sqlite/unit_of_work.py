"""The device's unit of work over SQLite: one `with` is one BEGIN IMMEDIATE ... COMMIT."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Self

from mobile.store.crypto import DataKey
from mobile.store.sqlite.base import Db, Transaction
from mobile.store.sqlite.caseload import SqliteCaseload
from mobile.store.sqlite.outbox import SqliteOutbox
from mobile.store.sqlite.row_cache import SqliteRowCache
from mobile.store.sqlite.settings import SqliteSettings
from mobile.store.sqlite.visits import SqliteVisits

__all__ = ["SqliteUnitOfWork"]


class SqliteUnitOfWork:
    """Reusable, one transaction at a time: the store's lock is held from `with` to its end, so
    another thread waits; entering again inside the same `with` raises (no nested transactions)."""

    def __init__(
        self,
        *,
        connection: Callable[[], Db],
        data_key: Callable[[], DataKey],
        clock: Callable[[], datetime],
        lock: threading.RLock,
    ) -> None:
        self._connection = connection
        self._data_key = data_key
        self._clock = clock
        self._lock = lock
        self._tx: Transaction | None = None

    def __enter__(self) -> Self:
        self._lock.acquire()
        try:
            if self._tx is not None:
                raise RuntimeError("This unit of work is already open: finish it first.")
            db = self._connection()
            db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise
        self._tx = Transaction(db, data_key=self._data_key, clock=self._clock)
        return self

    def __exit__(self, *exc: object) -> None:
        tx, self._tx = self._tx, None
        try:
            if tx is not None and tx.db.in_transaction:
                tx.db.execute("ROLLBACK")
        finally:
            self._lock.release()

    def commit(self) -> None:
        """Everything so far, on disk (synchronous=FULL); what follows is a new transaction."""
        db = self._open().db
        db.execute("COMMIT")
        db.execute("BEGIN IMMEDIATE")

    @property
    def visits(self) -> SqliteVisits:
        return SqliteVisits(self._open())

    @property
    def outbox(self) -> SqliteOutbox:
        return SqliteOutbox(self._open())

    @property
    def caseload(self) -> SqliteCaseload:
        return SqliteCaseload(self._open())

    @property
    def row_cache(self) -> SqliteRowCache:
        return SqliteRowCache(self._open())

    @property
    def settings(self) -> SqliteSettings:
        return SqliteSettings(self._open())

    def _open(self) -> Transaction:
        if self._tx is None:
            raise RuntimeError("Use the unit of work inside `with uow:`.")
        return self._tx
