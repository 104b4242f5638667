"""Enrolled devices, the one-use codes that enrol them, and wrong codes tried (the limiter's)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Field

from sync.server.columns import time_field
from sync.server.tables.base import ServerTable

__all__ = ["DeviceRow", "EnrolFailureRow", "EnrolmentCodeRow"]


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
    # What the device last said it holds unsent (sync.protocol.OutboxReport), when it said so,
    # and when (by this server's clock) its oldest unsent item was saved: NULL until it reports.
    outbox_held: int | None = None
    outbox_oldest_at: datetime | None = time_field(nullable=True)
    outbox_reported_at: datetime | None = time_field(nullable=True)


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


class EnrolFailureRow(ServerTable, table=True):
    """A wrong enrolment code tried, by a client address's hash (never the address itself): every
    server process counts the same attempts (sync/server/limiter.py). Kept a minute."""

    __tablename__ = "enrol_failure"
    __table_args__ = (sa.Index("ix_enrol_failure_client_at", "client_key", "at"),)
    failure_id: int | None = Field(
        default=None, primary_key=True, sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    )
    client_key: str = Field(max_length=64)
    at: datetime = time_field()
