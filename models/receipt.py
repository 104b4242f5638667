"""What travels between a device's outbox and the central record, in domain terms.

An OutboxItem is one record a device has submitted; a Receipt is the central record's answer to it.
A record leaves the device's outbox only when an accepted (or duplicate) receipt is stored.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from models.base import MAX_REVISION, Shape
from models.canonical import content_hash

__all__ = ["CaseloadChange", "OutboxItem", "Receipt", "ReceiptStatus", "RecordKind", "SyncState"]


class RecordKind(StrEnum):
    VISIT = "visit"  # a submitted visit (revision 1)
    AMENDMENT = "amendment"  # a correction naming the visit revision it amends
    CONCERN = "concern"  # a concern received outside a visit (e.g. a phone call)
    ACKNOWLEDGEMENT = "acknowledgement"  # a named person acknowledging a concern
    ESCALATION = "escalation"  # a practitioner telling someone about a visit (models.escalation)
    TASK_DONE = "task_done"  # a task from the review queue, done (models.task.TaskDone)


class ReceiptStatus(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"  # same id, same content: the original receipt again
    CONFLICT = "conflict"  # same id, different content, or a stale base: kept for a person
    REJECTED = "rejected"  # fails the recording rules: quarantined, shown, never dropped

    @property
    def acknowledged(self) -> bool:
        return self in (ReceiptStatus.ACCEPTED, ReceiptStatus.DUPLICATE)


class SyncState(StrEnum):
    """Where one of the device's records stands with the central record (the Sync screen's too)."""

    PENDING = "pending"  # in the outbox, not yet sent
    SENT = "sent"  # sent at least once, no answer stored yet
    ACKNOWLEDGED = "acknowledged"  # the central record's receipt is stored
    REJECTED = "rejected"  # in quarantine, with the central record's reasons
    CONFLICT = "conflict"  # kept in the outbox for a person to resolve

    @property
    def settled(self) -> bool:
        return self is SyncState.ACKNOWLEDGED


class OutboxItem(Shape):
    record_id: UUID
    kind: RecordKind
    revision: int = Field(ge=1, le=MAX_REVISION)
    base_revision: int | None = Field(default=None, ge=1, le=MAX_REVISION)  # what this builds on
    content_hash: str  # sha256 of models.canonical.canonical_json(body)
    body: dict[str, Any]

    @classmethod
    def of(
        cls,
        record: BaseModel,
        *,
        kind: RecordKind,
        record_id: UUID,
        revision: int = 1,
        base_revision: int | None = None,
    ) -> OutboxItem:
        """The item that carries `record` (already submitted, if a visit)."""
        return cls(
            record_id=record_id,
            kind=kind,
            revision=revision,
            base_revision=base_revision,
            content_hash=content_hash(record),
            body=record.model_dump(mode="json"),
        )


class Receipt(Shape):
    record_id: UUID
    revision: int
    status: ReceiptStatus
    receipt_id: UUID | None = None  # the central record's id for this acknowledgement
    server_seq: int | None = None
    received_at: datetime | None = None
    code: str = ""  # stable error code for conflict / rejected, e.g. "sync.conflict"
    problems: list[str] = Field(default_factory=list)  # plain words: what to do


class CaseloadChange(Shape):
    """One row of the caseload as it changed at the central record; deleted=True is a tombstone
    (e.g. a child de-allocated from this practitioner: the device purges that child's data)."""

    kind: str  # "child", "household", "person", "restriction", "concern", "seen"
    entity_id: UUID
    version: int
    deleted: bool = False
    child_id: UUID | None = None  # the child this row belongs to, for purging on de-allocation
    data: dict[str, Any] | None = None
