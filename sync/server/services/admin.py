"""Administration of the central record: organisations, teams, practitioners, devices, the log."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlmodel import select

from sync import protocol
from sync.protocol import ChangeKind
from sync.server.db import Database
from sync.server.services.common import AuditLog, Refusal, StaffRole
from sync.server.tables import (
    ChangeRow,
    DeviceRow,
    OrganisationRow,
    OrgSeqRow,
    PractitionerRow,
    TeamRow,
    table_of,
)

__all__ = [
    "DeviceInfo",
    "compact_changes",
    "create_organisation",
    "create_practitioner",
    "create_team",
    "list_devices",
    "reset_cursors",
    "set_recovery_key",
]


def create_organisation(*, db: Database, org_id: str, name: str, now: datetime) -> None:
    with db.write() as s:
        if s.get(OrganisationRow, org_id) is not None:
            raise Refusal(protocol.REQUEST_INVALID, f"Organisation {org_id} already exists.")
        s.add(OrganisationRow(org_id=org_id, name=name, created_at=now))
        s.flush()
        s.add(OrgSeqRow(org_id=org_id, n=0))
        audit = AuditLog(s, now)
        audit.add("admin.create_organisation", org_id=org_id)
        audit.flush()


def set_recovery_key(*, db: Database, org_id: str, public_key: str, now: datetime) -> None:
    """Record the organisation's X25519 recovery public key (base64, 32 bytes). Devices enrolled
    from now on wrap their data key to it; the private key stays with the organisation."""
    try:
        raw = base64.b64decode(public_key, validate=True)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise Refusal(protocol.REQUEST_INVALID, "A recovery key is 32 bytes, base64-encoded.")
    with db.write() as s:
        org = s.get(OrganisationRow, org_id)
        if org is None:
            raise Refusal(protocol.NOT_FOUND, f"There is no organisation {org_id}.")
        org.recovery_public_key = public_key
        s.add(org)
        audit = AuditLog(s, now)
        audit.add("admin.set_recovery_key", org_id=org_id)
        audit.flush()


def create_team(
    *, db: Database, org_id: str, name: str, now: datetime, team_id: UUID | None = None
) -> UUID:
    team_id = team_id or uuid4()
    with db.write() as s:
        if s.get(OrganisationRow, org_id) is None:
            raise Refusal(protocol.NOT_FOUND, f"No organisation {org_id}.")
        s.add(TeamRow(team_id=team_id, org_id=org_id, name=name))
        audit = AuditLog(s, now)
        audit.add("admin.create_team", org_id=org_id, record_id=team_id)
        audit.flush()
    return team_id


def create_practitioner(
    *,
    db: Database,
    org_id: str,
    display_name: str,
    role: StaffRole,
    now: datetime,
    team_id: UUID | None = None,
    practitioner_id: UUID | None = None,
) -> UUID:
    practitioner_id = practitioner_id or uuid4()
    with db.write() as s:
        if s.get(OrganisationRow, org_id) is None:
            raise Refusal(protocol.NOT_FOUND, f"No organisation {org_id}.")
        if team_id is not None:
            team = s.get(TeamRow, team_id)
            if team is None or team.org_id != org_id:
                raise Refusal(protocol.NOT_FOUND, "No such team in this organisation.")
        if role == StaffRole.MANAGER and team_id is None:
            raise Refusal(protocol.REQUEST_INVALID, "A manager must belong to a team.")
        s.add(
            PractitionerRow(
                practitioner_id=practitioner_id,
                org_id=org_id,
                team_id=team_id,
                display_name=display_name,
                role=role.value,
                created_at=now,
            )
        )
        audit = AuditLog(s, now)
        audit.add("admin.create_practitioner", org_id=org_id, record_id=practitioner_id)
        audit.flush()
    return practitioner_id


@dataclass(frozen=True)
class DeviceInfo:
    device_id: UUID
    practitioner_id: UUID
    label: str
    enrolled_at: datetime
    last_seen_at: datetime | None
    revoked_at: datetime | None
    revoke_mode: str | None = None  # "retire" | "lost"


def list_devices(*, db: Database, practitioner_id: UUID | None = None) -> list[DeviceInfo]:
    with db.read() as s:
        query = select(DeviceRow).order_by(DeviceRow.enrolled_at)  # type: ignore[arg-type]
        if practitioner_id is not None:
            query = query.where(DeviceRow.practitioner_id == practitioner_id)
        return [
            DeviceInfo(
                d.device_id,
                d.practitioner_id,
                d.label,
                d.enrolled_at,
                d.last_seen_at,
                d.revoked_at,
                d.revoke_mode,
            )
            for d in s.exec(query)
        ]


def compact_changes(*, db: Database, org_id: str, now: datetime) -> int:
    """Shrink the change log without changing what any device ends up with: drop rows superseded
    by a later row for the same entity and audience, and a child's rows before that child's
    tombstone to the same audience. Safe for every cursor (a reader still gets the later row).
    Tombstones are kept: a tombstone may be the only thing telling a holder to purge. Returns the
    rows deleted."""
    t = table_of(ChangeRow)
    with db.write() as s:
        org = s.get(OrganisationRow, org_id)
        if org is None:
            raise Refusal(protocol.NOT_FOUND, f"No organisation {org_id}.")
        s.execute(  # take the org lock: no writer interleaves
            sa.update(table_of(OrgSeqRow))
            .where(table_of(OrgSeqRow).c.org_id == org_id)
            .values(n=table_of(OrgSeqRow).c.n)
        )
        newer = t.alias("newer")
        same_audience = sa.and_(
            newer.c.org_id == t.c.org_id,
            newer.c.seq > t.c.seq,
            newer.c.practitioner_id.is_not_distinct_from(t.c.practitioner_id),
            newer.c.team_id.is_not_distinct_from(t.c.team_id),
        )
        superseded = sa.exists().where(
            same_audience,
            newer.c.kind == t.c.kind,
            newer.c.entity_id == t.c.entity_id,
            newer.c.child_id.is_not_distinct_from(t.c.child_id),
        )
        purged = sa.exists().where(
            same_audience,
            newer.c.kind == ChangeKind.CHILD.value,
            newer.c.deleted.is_(True),
            newer.c.child_id == t.c.child_id,
        )
        result = s.execute(sa.delete(t).where(t.c.org_id == org_id, sa.or_(superseded, purged)))
        deleted = int(getattr(result, "rowcount", 0))
        audit = AuditLog(s, now)
        audit.add("admin.compact_changes", org_id=org_id, outcome=f"deleted {deleted}")
        audit.flush()
        return int(deleted)


def reset_cursors(*, db: Database, org_id: str, now: datetime) -> None:
    """Bump the org's epoch: every device's next pull gets 410 and downloads again."""
    with db.write() as s:
        org = s.get(OrganisationRow, org_id)
        if org is None:
            raise Refusal(protocol.NOT_FOUND, f"No organisation {org_id}.")
        org.epoch += 1
        s.add(org)
        audit = AuditLog(s, now)
        audit.add("admin.reset_cursors", org_id=org_id)
        audit.flush()
