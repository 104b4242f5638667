"""Console sessions: a random cookie value whose SHA-256 is the staff_session row's key, a CSRF
token per session, an idle limit and an absolute one. A session starts only from a Verified
(auth.py), whichever sign-in method made it; one waiting for a TOTP code is stage "code" and
opens no page."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import sqlalchemy as sa

from sync.server.db import Database
from sync.server.services.common import AuditLog, StaffRole
from sync.server.tables import PractitionerRow, StaffAccountRow, StaffSessionRow, TeamRow

__all__ = [
    "ABSOLUTE",
    "CODE_STAGE",
    "IDLE",
    "Staff",
    "csrf_matches",
    "end_session",
    "find_session",
    "start_session",
]

IDLE = timedelta(minutes=30)  # no request for this long: signed out
ABSOLUTE = timedelta(hours=12)  # a working day, however busy: signed out
CODE_STAGE = timedelta(minutes=5)  # to type the code after the password
CODE, FULL = "code", "full"


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def csrf_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


@dataclass(frozen=True)
class Staff:
    """Who is signed in, as every console page sees them."""

    account_id: UUID
    org_id: str
    practitioner_id: UUID
    display_name: str
    role: StaffRole
    team_id: UUID | None
    team_name: str
    csrf_token: str
    stage: str


def start_session(
    db: Database, *, account_id: UUID, now: datetime, full: bool, replaces: str | None = None
) -> str:
    """A new session (a new id: never the one from before the password, against fixation);
    returns the cookie value, which is stored only as its hash."""
    value = secrets.token_urlsafe(32)
    with db.write() as s:
        if replaces:
            s.execute(
                sa.update(StaffSessionRow)
                .where(StaffSessionRow.session_hash == _hash(replaces))  # type: ignore[arg-type]
                .values(ended_at=now)
            )
        s.add(
            StaffSessionRow(
                session_hash=_hash(value),
                account_id=account_id,
                stage=FULL if full else CODE,
                created_at=now,
                last_seen_at=now,
                expires_at=now + (ABSOLUTE if full else CODE_STAGE),
                csrf_token=secrets.token_urlsafe(32),
            )
        )
    return value


def find_session(db: Database, value: str | None, *, now: datetime) -> Staff | None:
    """The live session for a cookie value, its last_seen_at moved on; None when there is none,
    it ended, it has been idle for IDLE, or it is past its absolute limit."""
    if not value or len(value) > 100:
        return None
    with db.write() as s:
        row = s.get(StaffSessionRow, _hash(value))
        if row is None or row.ended_at is not None:
            return None
        if now >= row.expires_at or now - row.last_seen_at >= IDLE:
            row.ended_at = now
            s.add(row)
            return None
        account = s.get(StaffAccountRow, row.account_id)
        who = s.get(PractitionerRow, account.practitioner_id) if account else None
        if account is None or who is None:
            return None
        team = s.get(TeamRow, who.team_id) if who.team_id is not None else None
        row.last_seen_at = now
        s.add(row)
        return Staff(
            account_id=account.account_id,
            org_id=account.org_id,
            practitioner_id=account.practitioner_id,
            display_name=who.display_name,
            role=StaffRole(who.role),
            team_id=who.team_id,
            team_name=team.name if team else "",
            csrf_token=row.csrf_token,
            stage=row.stage,
        )


def end_session(
    db: Database, value: str, staff: Staff, *, now: datetime, audited: bool = True
) -> None:
    """Sign out (audited), or drop a half-made session after a lockout (the lock is audited)."""
    with db.write() as s:
        s.execute(
            sa.update(StaffSessionRow)
            .where(StaffSessionRow.session_hash == _hash(value))  # type: ignore[arg-type]
            .values(ended_at=now)
        )
        if not audited:
            return
        audit = AuditLog(s, now)
        audit.add(
            "console.sign_out",
            record_id=staff.account_id,
            org_id=staff.org_id,
            practitioner_id=staff.practitioner_id,
        )
        audit.flush()
