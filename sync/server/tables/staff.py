"""The console's staff accounts (a sign-in for a practitioner row whose role is MANAGER or DUTY)
and their sessions. Passwords are Argon2id hashes; a session is stored only as the SHA-256 of its
cookie value, so a copy of this table signs nobody in."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Field

from sync.server.columns import time_field
from sync.server.tables.base import ServerTable

__all__ = ["StaffAccountRow", "StaffSessionRow"]


class StaffAccountRow(ServerTable, table=True):
    __tablename__ = "staff_account"
    __table_args__ = (sa.UniqueConstraint("org_id", "username", name="uq_staff_account_username"),)
    account_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", index=True, max_length=64)
    practitioner_id: UUID = Field(foreign_key="practitioner.practitioner_id", index=True)
    username: str = Field(max_length=80)  # lower-cased; unique within the organisation
    password_hash: str = Field(max_length=200)  # Argon2id, encoded with its parameters
    failed_attempts: int = 0
    locked_until: datetime | None = time_field(nullable=True)
    # The TOTP secret (base32). Never logged, never audited, never shown after enrolment.
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_last_step: int | None = Field(default=None, sa_type=sa.BigInteger)  # no code used twice
    totp_required: bool = False  # this account must give a code even if the org does not ask
    created_at: datetime = time_field()


class StaffSessionRow(ServerTable, table=True):
    __tablename__ = "staff_session"
    session_hash: str = Field(primary_key=True, max_length=64)  # hex SHA-256 of the cookie value
    account_id: UUID = Field(foreign_key="staff_account.account_id", index=True)
    stage: str = Field(max_length=10)  # "code": password given, waiting for the code; "full"
    created_at: datetime = time_field()
    last_seen_at: datetime = time_field()
    expires_at: datetime = time_field()  # the absolute limit
    csrf_token: str = Field(max_length=64)
    ended_at: datetime | None = time_field(nullable=True)
