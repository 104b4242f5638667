"""The in-memory fake's state, shared by its parts (memory.py, memory_caseload.py)."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from models.lifecycle import mark_synced
from models.receipt import Receipt, RecordKind
from models.visit import Visit

__all__ = ["CURSOR", "MemoryBase", "load_visit"]

CURSOR = "_caseload_cursor"


@dataclass
class Out:
    seq: int
    record_id: UUID
    revision: int
    kind: RecordKind
    source_id: UUID
    subject_id: UUID
    base_revision: int | None
    content_hash: str
    size: int
    created_at: datetime
    state: str = "pending"
    sent_at: datetime | None = None
    attempts: int = 0
    receipt: Receipt | None = None


@dataclass
class Row:
    version: int
    child_id: UUID | None
    body: bytes
    local_pending: bool = False
    pending_version: int | None = None
    pending_body: bytes | None = None
    pending_deleted: bool = False


@dataclass
class State:
    visits: dict[UUID, dict[int, tuple[str, datetime, bytes]]] = field(default_factory=dict)
    authored: dict[UUID, tuple[RecordKind, UUID, int, bytes]] = field(default_factory=dict)
    outbox: dict[tuple[UUID, int], Out] = field(default_factory=dict)
    receipts: dict[tuple[UUID, int], tuple[Out, Receipt, datetime]] = field(default_factory=dict)
    quarantine: dict[tuple[UUID, int], tuple[Out, Receipt, datetime]] = field(default_factory=dict)
    caseload: dict[tuple[str, UUID], Row] = field(default_factory=dict)
    settings: dict[str, tuple[bool, str]] = field(default_factory=dict)
    seq: int = 0


class MemoryBase:
    """State, clock and the all-or-nothing transaction."""

    def __init__(self, *, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._state = State()
        self._lock = threading.RLock()

    @contextmanager
    def _tx(self) -> Iterator[State]:
        with self._lock:
            saved = copy.deepcopy(self._state)
            try:
                yield self._state
            except BaseException:
                self._state = saved
                raise


def load_visit(row: tuple[str, datetime, bytes]) -> Visit:
    visit = Visit.model_validate_json(row[2])
    return mark_synced(visit) if row[0] == "SYNCED" else visit
