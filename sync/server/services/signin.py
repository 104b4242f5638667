"""Who is calling: the credential on each request, and its renewal (the design is drawn in
services/auth.py's docstring)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from sync import protocol
from sync.protocol import CredentialResponse
from sync.protocol_outbox import OutboxReport
from sync.server.db import Database
from sync.server.services.auth import RefusedCaller, caller_ids, hash_secret, new_credential
from sync.server.services.common import Actor, AuditLog, StaffRole
from sync.server.tables import DeviceRow, PractitionerRow, table_of

__all__ = [
    "RETIRE",
    "Authenticated",
    "authenticate",
    "check_credential",
    "refuse_retiring",
    "renew_credential",
]

LAST_SEEN_EVERY = timedelta(minutes=1)
RETIRE = "retire"  # DeviceRow.revoke_mode; "lost" is the other


@dataclass(frozen=True)
class Authenticated:
    actor: Actor
    retiring_since: datetime | None  # revoked to retire: may push what it holds, nothing else
    renew_due: bool  # past half its life: offer a new credential


def check_credential(
    *,
    db: Database,
    credential: str | None,
    now: datetime,
    renew_after: timedelta | None = None,
    outbox: OutboxReport | None = None,
) -> Authenticated:
    """Who presents `credential`. A pending credential used for the first time replaces the
    device's current one here. Raises RefusedCaller (401) for a missing, unknown, expired or revoked
    credential. `renew_after`: offer renewal when less than this is left (half the lifetime).
    `outbox`: what the device says it holds, kept on its row when it has changed (and with
    last_seen_at)."""
    if not credential:
        raise RefusedCaller(
            protocol.AUTH_MISSING, "Sign-in is missing: enrol this device with your organisation."
        )
    presented = hash_secret(credential)
    d, p = table_of(DeviceRow).c, table_of(PractitionerRow).c
    with db.read() as s:  # every request: a Core select of the columns needed, no ORM objects
        device = s.execute(
            sa.select(d.device_id, d.revoked_at, d.revoke_mode, d.retired_at, d.last_seen_at)
            .add_columns(d.credential_hash, d.credential_expires_at, d.pending_expires_at)
            .add_columns(d.outbox_held, d.outbox_oldest_at)
            .add_columns(p.practitioner_id, p.org_id, p.role, p.team_id, p.scope_version)
            .join_from(table_of(DeviceRow), table_of(PractitionerRow))
            .where(sa.or_(d.credential_hash == presented, d.pending_credential_hash == presented))
        ).first()
    if device is None:
        raise RefusedCaller(
            protocol.AUTH_INVALID,
            "This device's sign-in is not recognised: enrol it again with a new code.",
        )
    ids = caller_ids(device.org_id, device.practitioner_id, device.device_id)
    pending = device.credential_hash != presented
    expires = device.pending_expires_at if pending else device.credential_expires_at
    retiring_since = None
    if device.revoked_at is not None:
        if device.revoke_mode != RETIRE or device.retired_at is not None:
            raise RefusedCaller(
                protocol.DEVICE_REVOKED,
                "This device has been removed from your organisation. Wipe all its data now; "
                "ask your administrator to enrol a device again.",
                **ids,
            )
        retiring_since = device.revoked_at
    # A retiring device may still send what it holds after its sign-in expired: nothing else.
    if retiring_since is None and (expires is None or expires <= now):
        raise RefusedCaller(
            protocol.AUTH_EXPIRED,
            "This device's sign-in has expired: ask for a new enrolment code. Nothing on the "
            "device is lost.",
            **ids,
        )
    actor = Actor(
        device_id=device.device_id,
        practitioner_id=device.practitioner_id,
        org_id=device.org_id,
        role=StaffRole(device.role),
        team_id=device.team_id,
        scope_version=device.scope_version,
    )
    told = _outbox_values(outbox, now)
    if pending:
        _promote(db, actor, presented, now, told)
    elif (
        device.last_seen_at is None
        or now - device.last_seen_at >= LAST_SEEN_EVERY
        or (told and _outbox_changed(device, told))
    ):
        with db.write() as s:
            s.execute(
                sa.update(table_of(DeviceRow))
                .where(table_of(DeviceRow).c.device_id == device.device_id)
                .values(last_seen_at=now, **told)
            )
    renew_due = (
        renew_after is not None
        and retiring_since is None
        and not pending
        and expires is not None
        and expires - now < renew_after
    )
    return Authenticated(actor=actor, retiring_since=retiring_since, renew_due=renew_due)


def _outbox_values(outbox: OutboxReport | None, now: datetime) -> dict[str, Any]:
    """The device row's columns for a report: the oldest item's saving time on this clock."""
    if outbox is None:
        return {}
    oldest = now - timedelta(seconds=outbox.oldest_age_s) if outbox.held else None
    return {"outbox_held": outbox.held, "outbox_oldest_at": oldest, "outbox_reported_at": now}


def _outbox_changed(device: Any, told: dict[str, Any]) -> bool:
    """A different count, or an oldest item more than a minute from the one kept (the age is
    measured in whole seconds, between two clocks)."""
    if device.outbox_held != told["outbox_held"]:
        return True
    kept, new = device.outbox_oldest_at, told["outbox_oldest_at"]
    if kept is None or new is None:
        return kept is not new
    return bool(abs(kept - new) > LAST_SEEN_EVERY)


def _promote(
    db: Database, actor: Actor, presented: str, now: datetime, told: dict[str, Any]
) -> None:
    t = table_of(DeviceRow)
    with db.write() as s:
        done = s.execute(
            sa.update(t)
            .where(t.c.device_id == actor.device_id, t.c.pending_credential_hash == presented)
            .values(
                credential_hash=presented,
                credential_expires_at=t.c.pending_expires_at,
                pending_credential_hash=None,
                pending_expires_at=None,
                last_seen_at=now,
                **told,
            )
        )
        if getattr(done, "rowcount", 0):
            audit = AuditLog(s, now, actor)
            audit.add("device.credential_renewed")
            audit.flush()


def authenticate(*, db: Database, credential: str | None, now: datetime) -> Actor:
    """The caller, for every request but a push: a retiring device is refused here."""
    auth = check_credential(db=db, credential=credential, now=now)
    refuse_retiring(auth)
    return auth.actor


def refuse_retiring(auth: Authenticated) -> None:
    if auth.retiring_since is not None:
        a = auth.actor
        raise RefusedCaller(
            protocol.DEVICE_RETIRING,
            "This device is being retired by your organisation. Wipe it once it has sent "
            "everything it holds: the app does both for you.",
            org_id=a.org_id,
            practitioner_id=a.practitioner_id,
            device_id=a.device_id,
        )


def renew_credential(
    *, db: Database, actor: Actor, now: datetime, credential_ttl: timedelta
) -> CredentialResponse:
    """A new credential for the caller's device, pending until first used (see the docstring)."""
    credential = new_credential()
    expires = now + credential_ttl
    t = table_of(DeviceRow)
    with db.write() as s:
        s.execute(
            sa.update(t)
            .where(t.c.device_id == actor.device_id)
            .values(pending_credential_hash=hash_secret(credential), pending_expires_at=expires)
        )
        audit = AuditLog(s, now, actor)
        audit.add("device.credential_offered")
        audit.flush()
    return CredentialResponse(credential=credential, credential_expires_at=expires)
