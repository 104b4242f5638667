"""What devices send and what the record keeps of it: revisions and receipts (append-only),
visits, concerns, held items, review marks, the change log and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Field

from sync.server.columns import body_field, json_field, time_field
from sync.server.tables.base import ServerTable

__all__ = [
    "AuditEventRow",
    "ChangeRow",
    "ConcernChildRow",
    "ConcernRow",
    "QuarantineRow",
    "RecordReviewRow",
    "RecordRevisionRow",
    "VisitChildRow",
    "VisitRevisionRow",
]


class ConcernRow(ServerTable, table=True):
    """A concern, by (org_id, concern_id): the same id in another organisation is another concern."""

    __tablename__ = "concern"
    org_id: str = Field(
        primary_key=True, foreign_key="organisation.org_id", index=True, max_length=64
    )
    concern_id: UUID = Field(primary_key=True)
    revision: int = 1  # 1 when received; +1 when acknowledged
    data: dict[str, Any] = json_field()  # models.concern.ConcernReceived
    source_record_id: UUID  # the concern itself, or the visit it was recorded in
    acknowledged_at: datetime | None = time_field(nullable=True)
    reporter_id: UUID | None = Field(default=None, index=True)  # reporter.reporter_id
    received_at: datetime | None = time_field(nullable=True)


class ConcernChildRow(ServerTable, table=True):
    __tablename__ = "concern_child"
    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["org_id", "concern_id"],
            ["concern.org_id", "concern.concern_id"],
            name="fk_concern_child_concern",
        ),
    )
    org_id: str = Field(max_length=64)
    concern_id: UUID = Field(primary_key=True)
    child_id: UUID = Field(primary_key=True, foreign_key="child.child_id", index=True)


class RecordRevisionRow(ServerTable, table=True):
    """Every accepted item and its receipt. UNIQUE(org_id, record_id, revision) is the dedupe
    check (per organisation: another organisation's id reveals nothing); rows are never updated. `body` is the record's canonical JSON (what content_hash is over), stored
    once: NULL for a visit's first revision, whose body is visit_revision(record_id, 1).body,
    the same canonical JSON byte for byte."""

    __tablename__ = "record_revision"
    __table_args__ = (
        sa.UniqueConstraint("org_id", "record_id", "revision", name="uq_record_revision"),
    )
    receipt_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", index=True, max_length=64)
    record_id: UUID
    revision: int
    kind: str = Field(max_length=20)
    base_revision: int | None = None
    content_hash: str = Field(max_length=64)
    body: dict[str, Any] | None = body_field(nullable=True)
    practitioner_id: UUID
    device_id: UUID
    received_at: datetime = time_field()
    server_seq: int = Field(sa_type=sa.BigInteger)


class VisitRevisionRow(ServerTable, table=True):
    """Each revision of a visit as a whole record (amendments applied), by organisation. Append-only."""

    __tablename__ = "visit_revision"
    org_id: str = Field(
        primary_key=True, foreign_key="organisation.org_id", index=True, max_length=64
    )
    visit_id: UUID = Field(primary_key=True)
    revision: int = Field(primary_key=True)
    practitioner_id: UUID
    kind: str = Field(max_length=20)
    body: dict[str, Any] = body_field()  # models.visit.Visit
    started_at: datetime | None = time_field(nullable=True)
    received_at: datetime = time_field()
    received_by_practitioner_id: UUID


class VisitChildRow(ServerTable, table=True):
    __tablename__ = "visit_child"
    visit_id: UUID = Field(primary_key=True)
    child_id: UUID = Field(primary_key=True, foreign_key="child.child_id", index=True)


class QuarantineRow(ServerTable, table=True):
    """Items held back: conflicts (for a person to resolve) and rejections (with the rules'
    messages). Nothing a device sent is dropped. Unique per organisation; the device index
    counts a device's held items against its daily quota."""

    __tablename__ = "quarantine"
    __table_args__ = (
        sa.UniqueConstraint(
            "org_id", "record_id", "revision", "content_hash", name="uq_quarantine_item"
        ),
        sa.Index("ix_quarantine_device_received", "device_id", "received_at"),
    )
    receipt_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", index=True, max_length=64)
    record_id: UUID
    revision: int
    kind: str = Field(max_length=20)
    base_revision: int | None = None
    content_hash: str = Field(max_length=64)
    body: Any = body_field()  # the JSON sent: a record, or text that is not JSON kept as a string
    status: str = Field(max_length=20)  # conflict | rejected
    code: str = Field(max_length=64)
    problems: list[str] = json_field()
    practitioner_id: UUID
    device_id: UUID
    received_at: datetime = time_field()
    server_seq: int = Field(sa_type=sa.BigInteger)
    resolved_at: datetime | None = time_field(nullable=True)


class RecordReviewRow(ServerTable, table=True):
    """A record received from a device after that device was revoked (to retire it): accepted like
    any other, and marked for a manager to review. reviewed_at is set when one has."""

    __tablename__ = "record_review"
    __table_args__ = (
        sa.UniqueConstraint("org_id", "record_id", "revision", name="uq_record_review"),
    )
    review_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", index=True, max_length=64)
    record_id: UUID
    revision: int
    kind: str = Field(max_length=20)
    device_id: UUID = Field(foreign_key="device.device_id", index=True)
    practitioner_id: UUID
    reason: str = Field(max_length=40)  # sync.protocol.ReviewData.reason
    made_at: datetime | None = time_field(nullable=True)
    revoked_at: datetime = time_field()
    received_at: datetime = time_field()
    reviewed_at: datetime | None = time_field(nullable=True)


class ChangeRow(ServerTable, table=True):
    """The caseload change log, numbered per org in commit order. A row is addressed to the
    allocated practitioner and/or the team (whose managers see it)."""

    __tablename__ = "change"
    __table_args__ = (
        sa.Index("ix_change_practitioner_seq", "org_id", "practitioner_id", "seq"),
        sa.Index("ix_change_team_seq", "org_id", "team_id", "seq"),
    )
    org_id: str = Field(primary_key=True, foreign_key="organisation.org_id", max_length=64)
    seq: int = Field(primary_key=True, sa_type=sa.BigInteger)
    kind: str = Field(max_length=20)
    entity_id: UUID
    child_id: UUID | None = None
    deleted: bool = False
    data: dict[str, Any] | None = json_field(nullable=True)
    practitioner_id: UUID | None = None
    team_id: UUID | None = None


class AuditEventRow(ServerTable, table=True):
    """Who did what to which record, when, from which device. Ids and codes only: no personal data.
    Append-only (a trigger refuses UPDATE and DELETE)."""

    __tablename__ = "audit_event"
    event_id: int | None = Field(
        default=None, primary_key=True, sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    )
    at: datetime = time_field(index=True)
    org_id: str | None = Field(default=None, max_length=64)
    practitioner_id: UUID | None = None
    device_id: UUID | None = None
    action: str = Field(max_length=60)
    record_id: UUID | None = Field(default=None, index=True)
    child_id: UUID | None = Field(default=None, index=True)
    outcome: str = Field(default="ok", max_length=40)
