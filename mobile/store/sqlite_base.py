"""What the SQLite repository modules share: the connection, the lock, sealing and opening blobs."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from mobile.store.crypto import DataKey, OpenFailed
from mobile.store.db import transaction
from mobile.store.errors import CorruptRecord
from mobile.store.records import to_text, what_to_do

__all__ = ["Db", "SqliteBase"]

log = logging.getLogger("mobile.store")
M = TypeVar("M", bound=BaseModel)
Db = sqlite3.Connection


def aad(table: str, record_id: str, revision: int, key_version: int) -> bytes:
    return f"{table}|{record_id}|{revision}|{key_version}".encode()


class SqliteBase:
    """Subclasses provide `_db()` (the open connection) and `_data_key()` (or StoreLocked)."""

    _clock: Callable[[], datetime]
    _lock: threading.RLock

    def _db(self) -> Db:
        raise NotImplementedError

    def _data_key(self) -> DataKey:
        raise NotImplementedError

    def _settle_local_change(self, db: Db, kind: str, entity_id: str) -> None:
        """A local change to a caseload row was acknowledged (the caseload module does this)."""
        raise NotImplementedError

    def _now(self) -> str:
        return to_text(self._clock())

    @contextmanager
    def _write(self) -> Iterator[tuple[Db, DataKey]]:
        """One transaction for one public mutating call (BEGIN IMMEDIATE ... COMMIT)."""
        with self._lock:
            key = self._data_key()
            db = self._db()
            with transaction(db):
                yield db, key

    @contextmanager
    def _read(self) -> Iterator[tuple[Db, DataKey]]:
        """A consistent snapshot for reads that take more than one statement."""
        with self._lock:
            key = self._data_key()
            db = self._db()
            db.execute("BEGIN")
            try:
                yield db, key
            finally:
                db.execute("COMMIT")

    @staticmethod
    def _seal(key: DataKey, table: str, record_id: str, revision: int, plaintext: bytes) -> bytes:
        return key.seal(aad(table, record_id, revision, key.version), plaintext)

    @staticmethod
    def _open(
        key: DataKey,
        table: str,
        record_id: str,
        revision: int,
        blob: bytes | None,
        *,
        synced: bool = False,
    ) -> bytes:
        if blob is None:
            raise _corrupt(table, record_id, synced=synced)
        try:
            return key.open(aad(table, record_id, revision, key.version), blob)
        except OpenFailed:
            raise _corrupt(table, record_id, synced=synced) from None

    @classmethod
    def _load(
        cls,
        model: type[M],
        key: DataKey,
        table: str,
        record_id: str,
        revision: int,
        blob: bytes | None,
        *,
        synced: bool = False,
    ) -> M:
        plaintext = cls._open(key, table, record_id, revision, blob, synced=synced)
        try:
            return model.model_validate_json(plaintext)
        except ValidationError:
            raise _corrupt(table, record_id, synced=synced) from None


def _corrupt(table: str, record_id: str, *, synced: bool) -> CorruptRecord:
    # Ids only: never the content.
    log.warning("A %s record cannot be read: %s", table, record_id)
    return CorruptRecord(
        table.split(".")[0], record_id, what_to_do(table.split(".")[0], synced=synced)
    )
