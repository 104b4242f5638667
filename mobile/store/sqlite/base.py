"""What the SQLite repositories share: one transaction's connection and key, sealing and opening."""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Concatenate, ParamSpec, TypeVar

from pydantic import BaseModel, ValidationError

from mobile.store.crypto import DataKey, OpenFailed
from mobile.store.errors import CorruptRecord
from mobile.store.records import to_text, what_to_do
from mobile.store.shapes import Listing

__all__ = ["Db", "SqliteRepository", "Transaction", "log", "needs_key"]

log = logging.getLogger("mobile.store")
M = TypeVar("M", bound=BaseModel)
P = ParamSpec("P")
T = TypeVar("T")
R = TypeVar("R", bound="SqliteRepository")
Db = sqlite3.Connection


def needs_key(method: Callable[Concatenate[R, P], T]) -> Callable[Concatenate[R, P], T]:
    """StoreLocked before the call does anything, as every sealed read and write."""

    @functools.wraps(method)
    def call(self: R, /, *args: P.args, **kwargs: P.kwargs) -> T:
        self._tx.key()
        return method(self, *args, **kwargs)

    return call


def aad(table: str, record_id: str, revision: int, key_version: int) -> bytes:
    return f"{table}|{record_id}|{revision}|{key_version}".encode()


class Transaction:
    """One open transaction: the connection, the clock, and the data key fetched at first use
    (so counts and plaintext settings work while the store is locked)."""

    def __init__(
        self, db: Db, *, data_key: Callable[[], DataKey], clock: Callable[[], datetime]
    ) -> None:
        self.db = db
        self._data_key = data_key
        self._clock = clock
        self._key: DataKey | None = None

    def key(self) -> DataKey:
        if self._key is None:
            self._key = self._data_key()
        return self._key

    def now(self) -> str:
        return to_text(self._clock())


class SqliteRepository:
    """Every call needs the unlocked key (StoreLocked otherwise), even one that finds nothing; a
    repository with calls that work locked sets `keyed = False` and marks the others @needs_key."""

    keyed = True

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx
        self._db = tx.db
        if self.keyed:
            tx.key()

    def _seal(self, table: str, record_id: str, revision: int, plaintext: bytes) -> bytes:
        key = self._tx.key()
        return key.seal(aad(table, record_id, revision, key.version), plaintext)

    def _open(
        self, table: str, record_id: str, revision: int, blob: bytes | None, *, synced: bool = False
    ) -> bytes:
        key = self._tx.key()
        if blob is None:
            raise _corrupt(table, record_id, synced=synced)
        try:
            return key.open(aad(table, record_id, revision, key.version), blob)
        except OpenFailed:
            raise _corrupt(table, record_id, synced=synced) from None

    def _load(
        self,
        model: type[M],
        table: str,
        record_id: str,
        revision: int,
        blob: bytes | None,
        *,
        synced: bool = False,
    ) -> M:
        plaintext = self._open(table, record_id, revision, blob, synced=synced)
        try:
            return model.model_validate_json(plaintext)
        except ValidationError:
            raise _corrupt(table, record_id, synced=synced) from None

    def _listing(
        self, model: type[M], table: str, rows: Iterable[tuple[str, int, bytes]]
    ) -> Listing[M]:
        """Rows of (id, revision, blob): the readable ones, and a problem for each other."""
        listing: Listing[M] = Listing([])
        for record_id, revision, blob in rows:
            try:
                listing.items.append(self._load(model, table, record_id, revision, blob))
            except CorruptRecord as problem:
                listing.problems.append(problem)
        return listing


def _corrupt(table: str, record_id: str, *, synced: bool) -> CorruptRecord:
    # Ids only: never the content.
    log.warning("A %s record cannot be read: %s", table, record_id)
    kind = table.split(".")[0]
    return CorruptRecord(kind, record_id, what_to_do(kind, synced=synced))
