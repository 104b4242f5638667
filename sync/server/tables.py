"""The central record's tables: the only `table=True` classes of the server.

They live in their own SQLModel registry, so the device store's tables (in the same process during
tests) never land in the server's metadata or migrations. The schema itself is made by the Alembic
migrations in `migrations/`; a test checks the two never drift apart.

Append-only: record_revision, visit_revision, change, audit_event (a trigger refuses UPDATE/DELETE
on the audit log). Caseload rows (child, household, person...) keep the current state; every change
to them is also written to `change`, which devices read in order.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

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


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (naive text) and PostgreSQL alike."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def json_type(*, none_as_null: bool = False) -> sa.types.TypeEngine[Any]:
    """JSON (JSONB on PostgreSQL). With none_as_null, None is SQL NULL rather than JSON null."""
    return sa.JSON(none_as_null=none_as_null).with_variant(
        JSONB(none_as_null=none_as_null), "postgresql"
    )


def body_type(*, none_as_null: bool = False) -> sa.types.TypeEngine[Any]:
    """A record body (accepted or held): written once, read whole, never queried inside, so on
    PostgreSQL `json` (the text as written) rather than `jsonb` (parsed to binary on every write,
    several times dearer). An accepted record's body is its canonical JSON, the very text its
    content_hash is the sha256 of, so it is kept byte for byte."""
    return sa.JSON(none_as_null=none_as_null)


def _body(*, nullable: bool = False) -> Any:
    return Field(sa_column=sa.Column(body_type(none_as_null=nullable), nullable=nullable))


class ServerTable(SQLModel, registry=registry()):
    """Base of every server table: its own metadata."""


metadata = ServerTable.metadata


def _ts(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index))


def _json(*, nullable: bool = False) -> Any:
    return Field(sa_column=sa.Column(json_type(), nullable=nullable))


class OrganisationRow(ServerTable, table=True):
    __tablename__ = "organisation"
    org_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    epoch: int = 1  # bumped when every cursor must start over
    cursor_floor: int = 0  # cursors below this (tombstones compacted away) get 410
    # The organisation's X25519 recovery public key (base64); its private key is never here.
    recovery_public_key: str | None = Field(default=None, max_length=64)
    created_at: datetime = _ts()


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
    created_at: datetime = _ts()


class HouseholdRow(ServerTable, table=True):
    __tablename__ = "household"
    household_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", index=True, max_length=64)
    data: dict[str, Any] = _json()


class PersonRow(ServerTable, table=True):
    __tablename__ = "person"
    person_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", index=True, max_length=64)
    data: dict[str, Any] = _json()


class ChildRow(ServerTable, table=True):
    __tablename__ = "child"
    child_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", index=True, max_length=64)
    household_id: UUID | None = Field(default=None, foreign_key="household.household_id")
    allocated_to: UUID | None = Field(
        default=None, foreign_key="practitioner.practitioner_id", index=True
    )
    team_id: UUID | None = Field(default=None, foreign_key="team.team_id", index=True)
    data: dict[str, Any] = _json()  # models.caseload.Child without links
    last_visit_at: datetime | None = _ts(nullable=True)
    last_visit_id: UUID | None = None
    last_seen_at: datetime | None = _ts(nullable=True)
    last_seen_visit_id: UUID | None = None
    next_visit_due: date | None = None


class PersonLinkRow(ServerTable, table=True):
    __tablename__ = "person_link"
    link_id: int | None = Field(default=None, primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", max_length=64)
    person_id: UUID = Field(foreign_key="person.person_id", index=True)
    child_id: UUID = Field(foreign_key="child.child_id", index=True)
    data: dict[str, Any] = _json()  # models.caseload.PersonLink


class RestrictionRow(ServerTable, table=True):
    __tablename__ = "contact_restriction"
    restriction_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", max_length=64)
    person_id: UUID = Field(foreign_key="person.person_id", index=True)
    child_id: UUID = Field(foreign_key="child.child_id", index=True)
    data: dict[str, Any] = _json()  # models.caseload.ContactRestriction


class AllocationRow(ServerTable, table=True):
    """Allocation history: who held each child, when. The current one has ended_at NULL."""

    __tablename__ = "allocation"
    allocation_id: int | None = Field(default=None, primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", max_length=64)
    child_id: UUID = Field(foreign_key="child.child_id", index=True)
    practitioner_id: UUID = Field(foreign_key="practitioner.practitioner_id")
    started_at: datetime = _ts()
    ended_at: datetime | None = _ts(nullable=True)


class ConcernRow(ServerTable, table=True):
    """A concern, by (org_id, concern_id): the same id in another organisation is another concern."""

    __tablename__ = "concern"
    org_id: str = Field(
        primary_key=True, foreign_key="organisation.org_id", index=True, max_length=64
    )
    concern_id: UUID = Field(primary_key=True)
    revision: int = 1  # 1 when received; +1 when acknowledged
    data: dict[str, Any] = _json()  # models.concern.ConcernReceived
    source_record_id: UUID  # the concern itself, or the visit it was recorded in
    acknowledged_at: datetime | None = _ts(nullable=True)


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
    body: dict[str, Any] | None = _body(nullable=True)
    practitioner_id: UUID
    device_id: UUID
    received_at: datetime = _ts()
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
    body: dict[str, Any] = _body()  # models.visit.Visit
    started_at: datetime | None = _ts(nullable=True)
    received_at: datetime = _ts()
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
    body: Any = _body()  # the JSON sent: a record, or text that is not JSON kept as a string
    status: str = Field(max_length=20)  # conflict | rejected
    code: str = Field(max_length=64)
    problems: list[str] = _json()
    practitioner_id: UUID
    device_id: UUID
    received_at: datetime = _ts()
    server_seq: int = Field(sa_type=sa.BigInteger)
    resolved_at: datetime | None = _ts(nullable=True)


class DeviceRow(ServerTable, table=True):
    __tablename__ = "device"
    device_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", index=True, max_length=64)
    practitioner_id: UUID = Field(foreign_key="practitioner.practitioner_id", index=True)
    credential_hash: str = Field(max_length=64, unique=True)  # sha256 of the credential
    label: str = Field(default="", max_length=100)
    platform: str = Field(default="", max_length=40)
    app_version: str = Field(default="", max_length=40)
    enrolled_at: datetime = _ts()
    credential_expires_at: datetime = _ts()
    revoked_at: datetime | None = _ts(nullable=True)
    last_seen_at: datetime | None = _ts(nullable=True)
    enrolment_code_id: UUID | None = Field(default=None, foreign_key="enrolment_code.code_id")
    # A renewed credential handed out but not yet used: it replaces credential_hash when first
    # used, and until then the old credential keeps working (services/auth.py).
    pending_credential_hash: str | None = Field(
        default=None, max_length=64, unique=True, index=True
    )
    pending_expires_at: datetime | None = _ts(nullable=True)
    revoke_mode: str | None = Field(default=None, max_length=10)  # "retire" | "lost"
    retired_at: datetime | None = _ts(nullable=True)  # a retiring device said its outbox is empty


class EnrolmentCodeRow(ServerTable, table=True):
    __tablename__ = "enrolment_code"
    code_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", max_length=64)
    practitioner_id: UUID = Field(foreign_key="practitioner.practitioner_id")
    code_hash: str = Field(max_length=64, unique=True)  # sha256 of the normalised code
    created_at: datetime = _ts()
    expires_at: datetime = _ts()
    used_at: datetime | None = _ts(nullable=True)
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
    made_at: datetime | None = _ts(nullable=True)
    revoked_at: datetime = _ts()
    received_at: datetime = _ts()
    reviewed_at: datetime | None = _ts(nullable=True)


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
    data: dict[str, Any] | None = _json(nullable=True)
    practitioner_id: UUID | None = None
    team_id: UUID | None = None


class AuditEventRow(ServerTable, table=True):
    """Who did what to which record, when, from which device. Ids and codes only: no personal data.
    Append-only (a trigger refuses UPDATE and DELETE)."""

    __tablename__ = "audit_event"
    event_id: int | None = Field(
        default=None, primary_key=True, sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    )
    at: datetime = _ts(index=True)
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
