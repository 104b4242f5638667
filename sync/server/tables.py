"""The central record's tables: the only `table=True` classes of the server.

They live in their own SQLModel registry, so the device store's tables (in the same process during
tests) never land in the server's metadata or migrations. The schema itself is made by the Alembic
migrations in `migrations/`; a test checks the two never drift apart.

Append-only: record_revision, visit_revision, change, audit_event (a trigger refuses UPDATE/DELETE
on the audit log). Caseload rows (child, household, person...) keep the current state; every change
to them is also written to `change`, which devices read in order. Column types: columns.py.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from sync.server.columns import (
    UTCDateTime,
    body_field,
    body_type,
    json_field,
    json_type,
    time_field,
)

__all__ = [
    "AllocationRow",
    "AuditEventRow",
    "ChangeRow",
    "ChildRow",
    "ConcernChildRow",
    "ConcernRow",
    "DeviceRow",
    "EnrolmentCodeRow",
    "HouseholdRow",
    "OrgSeqRow",
    "OrganisationRow",
    "PersonLinkRow",
    "PersonRow",
    "PractitionerRow",
    "QuarantineRow",
    "RecordReviewRow",
    "RecordRevisionRow",
    "RestrictionRow",
    "ServerTable",
    "TeamRow",
    "UTCDateTime",
    "VisitChildRow",
    "VisitRevisionRow",
    "body_type",
    "json_type",
    "metadata",
    "table_of",
]


class ServerTable(SQLModel, registry=registry()):
    """Base of every server table: its own metadata."""


metadata = ServerTable.metadata


class OrganisationRow(ServerTable, table=True):
    __tablename__ = "organisation"
    org_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    epoch: int = 1  # bumped when every cursor must start over
    cursor_floor: int = 0  # cursors below this (tombstones compacted away) get 410
    # The organisation's X25519 recovery public key (base64); its private key is never here.
    recovery_public_key: str | None = Field(default=None, max_length=64)
    created_at: datetime = time_field()


class OrgSeqRow(ServerTable, table=True):
    """The per-org change number: `UPDATE org_seq SET n = ...` under a row lock, in the writing
    transaction, so change numbers follow commit order and a reader never skips a row."""

    __tablename__ = "org_seq"
    org_id: str = Field(primary_key=True, foreign_key="organisation.org_id", max_length=64)
    n: int = Field(default=0, sa_type=sa.BigInteger)


class TeamRow(ServerTable, table=True):
    __tablename__ = "team"
    team_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", index=True, max_length=64)
    name: str = Field(max_length=200)


class PractitionerRow(ServerTable, table=True):
    __tablename__ = "practitioner"
    practitioner_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", index=True, max_length=64)
    team_id: UUID | None = Field(default=None, foreign_key="team.team_id", index=True)
    display_name: str = Field(max_length=200)
    role: str = Field(max_length=40)  # sync.server.services.StaffRole
    scope_version: int = 1  # bumped when what this practitioner may see changes shape
    created_at: datetime = time_field()


class HouseholdRow(ServerTable, table=True):
    __tablename__ = "household"
    household_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", index=True, max_length=64)
    data: dict[str, Any] = json_field()


class PersonRow(ServerTable, table=True):
    __tablename__ = "person"
    person_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", index=True, max_length=64)
    data: dict[str, Any] = json_field()


class ChildRow(ServerTable, table=True):
    __tablename__ = "child"
    child_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", index=True, max_length=64)
    household_id: UUID | None = Field(default=None, foreign_key="household.household_id")
    allocated_to: UUID | None = Field(
        default=None, foreign_key="practitioner.practitioner_id", index=True
    )
    team_id: UUID | None = Field(default=None, foreign_key="team.team_id", index=True)
    data: dict[str, Any] = json_field()  # models.caseload.Child without links
    last_visit_at: datetime | None = time_field(nullable=True)
    last_visit_id: UUID | None = None
    last_seen_at: datetime | None = time_field(nullable=True)
    last_seen_visit_id: UUID | None = None
    next_visit_due: date | None = None


class PersonLinkRow(ServerTable, table=True):
    __tablename__ = "person_link"
    link_id: int | None = Field(default=None, primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", max_length=64)
    person_id: UUID = Field(foreign_key="person.person_id", index=True)
    child_id: UUID = Field(foreign_key="child.child_id", index=True)
    data: dict[str, Any] = json_field()  # models.caseload.PersonLink


class RestrictionRow(ServerTable, table=True):
    __tablename__ = "contact_restriction"
    restriction_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", max_length=64)
    person_id: UUID = Field(foreign_key="person.person_id", index=True)
    child_id: UUID = Field(foreign_key="child.child_id", index=True)
    data: dict[str, Any] = json_field()  # models.caseload.ContactRestriction


class AllocationRow(ServerTable, table=True):
    """Allocation history: who held each child, when. The current one has ended_at NULL."""

    __tablename__ = "allocation"
    allocation_id: int | None = Field(default=None, primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", max_length=64)
    child_id: UUID = Field(foreign_key="child.child_id", index=True)
    practitioner_id: UUID = Field(foreign_key="practitioner.practitioner_id")
    started_at: datetime = time_field()
    ended_at: datetime | None = time_field(nullable=True)


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


class DeviceRow(ServerTable, table=True):
    __tablename__ = "device"
    device_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", index=True, max_length=64)
    practitioner_id: UUID = Field(foreign_key="practitioner.practitioner_id", index=True)
    credential_hash: str = Field(max_length=64, unique=True)  # sha256 of the credential
    label: str = Field(default="", max_length=100)
    platform: str = Field(default="", max_length=40)
    app_version: str = Field(default="", max_length=40)
    enrolled_at: datetime = time_field()
    credential_expires_at: datetime = time_field()
    revoked_at: datetime | None = time_field(nullable=True)
    last_seen_at: datetime | None = time_field(nullable=True)
    enrolment_code_id: UUID | None = Field(default=None, foreign_key="enrolment_code.code_id")
    # A renewed credential handed out but not yet used: it replaces credential_hash when first
    # used, and until then the old credential keeps working (services/auth.py).
    pending_credential_hash: str | None = Field(
        default=None, max_length=64, unique=True, index=True
    )
    pending_expires_at: datetime | None = time_field(nullable=True)
    revoke_mode: str | None = Field(default=None, max_length=10)  # "retire" | "lost"
    retired_at: datetime | None = time_field(
        nullable=True
    )  # a retiring device said its outbox is empty


class EnrolmentCodeRow(ServerTable, table=True):
    __tablename__ = "enrolment_code"
    code_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", max_length=64)
    practitioner_id: UUID = Field(foreign_key="practitioner.practitioner_id")
    code_hash: str = Field(max_length=64, unique=True)  # sha256 of the normalised code
    created_at: datetime = time_field()
    expires_at: datetime = time_field()
    used_at: datetime | None = time_field(nullable=True)
    used_by_device_id: UUID | None = None
    attempt_hash: str | None = Field(default=None, max_length=64)  # sha256 of the first attempt


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


def table_of(model: type[ServerTable]) -> sa.Table:
    """The Core table of a table class (typed, for bulk statements)."""
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    return table
