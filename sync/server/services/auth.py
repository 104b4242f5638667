"""Enrolment codes, device credentials and authentication.

A code is short-lived, stored only as a hash, and works once: its first use binds it to one
device, and any later use is refused (`enrol.code_invalid`, audited as `enrol.refused` with outcome
`enrol.code_used`), whatever
device id comes with it. A device id is stamped on every visit, so it is no secret: it cannot be
what a retry proves. What can is `EnrolRequest.attempt`, a random secret the device makes for one
attempt and sends only to /enrol. Sending the same code, device id and attempt again is a safe
retry (an answer lost on the way is not a lost enrolment) only while all of these hold: the same
attempt, within RETRY_WINDOW of the first use, and the credential given out then never used. The
retry gets a fresh credential in place of the unused one. Anyone else presenting a used code,
a live device's id included, is refused and the real device keeps working.

Exchanging a code gives the device a random credential, returned once, of which the server keeps
only the sha256 (256 bits of entropy, so a fast hash is enough). A credential renews while the
device is in use, and the renewal survives a lost answer:

    past half its life   answers carry RENEW_HEADER; the device asks for a new credential
    renew_credential     a new credential is handed out as *pending*; the current one still works
    first use of it      it replaces the current one (authenticate promotes it); the old stops
    answer lost          the device still holds the old one, asks again: a new pending replaces
                         the unused one

A device whose credential expired (idle for its whole life) is re-enrolled with a *new* code of
the same practitioner, keeping its id and so its store and outbox: the new credential is pending
until first used, so a re-enrolment whose answer is lost leaves the device expired and a further
new code works. A revoked device, another practitioner's code, or a device whose sign-in still
works is refused (`enrol.device_known`).

Revocation (services/revocation.py) has two kinds: "lost" refuses the device at once; "retire"
lets it push what it holds (`Authenticated.retiring_since`) and nothing else.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlmodel import Session, select

from sync import protocol
from sync.protocol import CredentialResponse, EnrolRequest, EnrolResponse
from sync.server.db import Database
from sync.server.services.common import Actor, ApiError, AuditLog, StaffRole
from sync.server.tables import (
    DeviceRow,
    EnrolmentCodeRow,
    OrganisationRow,
    PractitionerRow,
    table_of,
)

__all__ = [
    "RETIRE",
    "RETRY_WINDOW",
    "Authenticated",
    "Refused",
    "authenticate",
    "check_credential",
    "enrol_device",
    "hash_secret",
    "issue_enrolment_code",
    "new_credential",
    "normalise_code",
    "refuse_retiring",
    "renew_credential",
]

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed on a phone
CODE_LENGTH = 12  # ~59 bits; tries are rate-limited and codes expire
LAST_SEEN_EVERY = timedelta(minutes=1)
RETRY_WINDOW = timedelta(minutes=2)
RETIRE = "retire"  # DeviceRow.revoke_mode; "lost" is the other


class Refused(ApiError):
    """An ApiError that names what is known of the refused caller, for the audit log (never the
    secret it presented)."""

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        org_id: str | None = None,
        practitioner_id: UUID | None = None,
        device_id: UUID | None = None,
        outcome: str | None = None,
    ) -> None:
        super().__init__(code, detail)
        self.outcome = outcome or code  # what the audit row says, when it is more than the code
        self.org_id = org_id
        self.practitioner_id = practitioner_id
        self.device_id = device_id


@dataclass(frozen=True)
class Authenticated:
    actor: Actor
    retiring_since: datetime | None  # revoked to retire: may push what it holds, nothing else
    renew_due: bool  # past half its life: offer a new credential


def _ids(org_id: str, practitioner_id: UUID, device_id: UUID) -> dict[str, Any]:
    return {"org_id": org_id, "practitioner_id": practitioner_id, "device_id": device_id}


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_credential() -> str:
    return "sh1_" + secrets.token_urlsafe(32)


def issue_enrolment_code(
    *, db: Database, practitioner_id: UUID, now: datetime, ttl: timedelta
) -> tuple[str, datetime]:
    """A new one-time code for `practitioner_id`, as 'ABCD-EFGH-JKMN', and when it expires."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    expires = now + ttl
    with db.write() as s:
        who = s.get(PractitionerRow, practitioner_id)
        if who is None:
            raise ApiError(protocol.NOT_FOUND, "No such practitioner.")
        s.add(
            EnrolmentCodeRow(
                code_id=uuid4(),
                org_id=who.org_id,
                practitioner_id=practitioner_id,
                code_hash=hash_secret(raw),
                created_at=now,
                expires_at=expires,
            )
        )
        audit = AuditLog(s, now)
        audit.add("enrol.code_issued", org_id=who.org_id, practitioner_id=practitioner_id)
        audit.flush()
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4)), expires


def enrol_device(
    *, db: Database, request: EnrolRequest, now: datetime, credential_ttl: timedelta
) -> EnrolResponse:
    code_hash = hash_secret(normalise_code(request.code))
    credential = new_credential()
    expires = now + credential_ttl
    with db.write() as s:
        code = s.exec(
            select(EnrolmentCodeRow).where(EnrolmentCodeRow.code_hash == code_hash)
        ).first()
        if code is None:
            raise Refused(
                protocol.ENROL_CODE_INVALID,
                "This enrolment code is not recognised. Check it, or ask for a new one.",
                device_id=request.device_id,
            )
        who = _ids(code.org_id, code.practitioner_id, request.device_id)
        if code.expires_at <= now:
            raise Refused(
                protocol.ENROL_CODE_EXPIRED,
                "This enrolment code has expired. Ask for a new one.",
                **who,
            )
        device = s.get(DeviceRow, request.device_id)
        if code.used_at is not None:
            if not _safe_retry(code, device, request, now):
                raise Refused(
                    protocol.ENROL_CODE_INVALID,
                    "This enrolment code has already been used: each code works once. Ask for "
                    "a new one.",
                    outcome="enrol.code_used",
                    **who,
                )
            outcome = "retry"
        elif device is None:
            outcome = "ok"
        else:
            _check_re_enrolment(device, code, now)
            outcome = "re-enrolled"
        if device is None:
            device = DeviceRow(
                device_id=request.device_id,
                org_id=code.org_id,
                practitioner_id=code.practitioner_id,
                credential_hash=hash_secret(credential),
                label=request.device_label,
                platform=request.platform,
                app_version=request.app_version,
                enrolled_at=now,
                credential_expires_at=expires,
                enrolment_code_id=code.code_id,
            )
        elif device.pending_credential_hash is not None or outcome == "re-enrolled":
            # Re-enrolment: pending until first used; the expired credential stays current.
            device.pending_credential_hash = hash_secret(credential)
            device.pending_expires_at = expires
            device.enrolment_code_id = code.code_id
        else:  # a safe retry of a first enrolment whose credential was never used
            device.credential_hash = hash_secret(credential)
            device.credential_expires_at = expires
        if code.used_at is None:
            code.used_at = now
            code.used_by_device_id = request.device_id
            code.attempt_hash = hash_secret(request.attempt) if request.attempt else None
        s.add(code)
        s.add(device)
        audit = AuditLog(s, now)
        audit.add("enrol.device", outcome=outcome, **who)
        audit.flush()
        return _enrolled(s, code, request.device_id, credential, expires)


def _safe_retry(
    code: EnrolmentCodeRow, device: DeviceRow | None, request: EnrolRequest, now: datetime
) -> bool:
    """The same attempt again, soon, before the credential it was given has ever been used."""
    if device is None or code.used_by_device_id != request.device_id or code.used_at is None:
        return False
    if not request.attempt or code.attempt_hash != hash_secret(request.attempt):
        return False
    if now - code.used_at > RETRY_WINDOW or device.revoked_at is not None:
        return False
    if device.enrolment_code_id != code.code_id:
        return False
    first_enrolment_unused = device.enrolled_at == code.used_at and device.last_seen_at is None
    re_enrolment_unused = device.pending_credential_hash is not None
    return first_enrolment_unused or re_enrolment_unused


def _check_re_enrolment(device: DeviceRow, code: EnrolmentCodeRow, now: datetime) -> None:
    """A new code for a known device: only its own practitioner's, only once its sign-in expired."""
    ids = _ids(device.org_id, device.practitioner_id, device.device_id)
    if device.revoked_at is not None:
        raise Refused(
            protocol.ENROL_DEVICE_KNOWN,
            "This device was removed from your organisation and cannot be enrolled again. "
            "Reinstall the app to enrol it as a new device.",
            **ids,
        )
    if device.practitioner_id != code.practitioner_id:
        raise Refused(
            protocol.ENROL_DEVICE_KNOWN,
            "This device is enrolled for someone else. Reinstall the app to enrol it for you.",
            **ids,
        )
    if device.credential_expires_at > now:
        raise Refused(
            protocol.ENROL_DEVICE_KNOWN,
            "This device is already enrolled and its sign-in still works: no new code is needed.",
            **ids,
        )


def _enrolled(
    s: Session, code: EnrolmentCodeRow, device_id: UUID, credential: str, expires: datetime
) -> EnrolResponse:
    who = s.get(PractitionerRow, code.practitioner_id)
    assert who is not None
    org = s.get(OrganisationRow, who.org_id)
    return EnrolResponse(
        device_id=device_id,
        credential=credential,
        credential_expires_at=expires,
        practitioner_id=who.practitioner_id,
        organisation_id=who.org_id,
        role=who.role,
        team_id=who.team_id,
        recovery_public_key=org.recovery_public_key if org else None,
    )


def check_credential(
    *, db: Database, credential: str | None, now: datetime, renew_after: timedelta | None = None
) -> Authenticated:
    """Who presents `credential`. A pending credential used for the first time replaces the
    device's current one here. Raises Refused (401) for a missing, unknown, expired or revoked
    credential. `renew_after`: offer renewal when less than this is left (half the lifetime)."""
    if not credential:
        raise Refused(
            protocol.AUTH_MISSING, "Sign-in is missing: enrol this device with your organisation."
        )
    presented = hash_secret(credential)
    d, p = table_of(DeviceRow).c, table_of(PractitionerRow).c
    with db.read() as s:  # every request: a Core select of the columns needed, no ORM objects
        device = s.execute(
            sa.select(d.device_id, d.revoked_at, d.revoke_mode, d.retired_at, d.last_seen_at)
            .add_columns(d.credential_hash, d.credential_expires_at, d.pending_expires_at)
            .add_columns(p.practitioner_id, p.org_id, p.role, p.team_id, p.scope_version)
            .join_from(table_of(DeviceRow), table_of(PractitionerRow))
            .where(sa.or_(d.credential_hash == presented, d.pending_credential_hash == presented))
        ).first()
    if device is None:
        raise Refused(
            protocol.AUTH_INVALID,
            "This device's sign-in is not recognised: enrol it again with a new code.",
        )
    ids = _ids(device.org_id, device.practitioner_id, device.device_id)
    pending = device.credential_hash != presented
    expires = device.pending_expires_at if pending else device.credential_expires_at
    retiring_since = None
    if device.revoked_at is not None:
        if device.revoke_mode != RETIRE or device.retired_at is not None:
            raise Refused(
                protocol.DEVICE_REVOKED,
                "This device has been removed from your organisation. Wipe all its data now; "
                "ask your administrator to enrol a device again.",
                **ids,
            )
        retiring_since = device.revoked_at
    # A retiring device may still send what it holds after its sign-in expired: nothing else.
    if retiring_since is None and (expires is None or expires <= now):
        raise Refused(
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
    if pending:
        _promote(db, actor, presented, now)
    elif device.last_seen_at is None or now - device.last_seen_at >= LAST_SEEN_EVERY:
        with db.write() as s:
            s.execute(
                sa.update(table_of(DeviceRow))
                .where(table_of(DeviceRow).c.device_id == device.device_id)
                .values(last_seen_at=now)
            )
    renew_due = (
        renew_after is not None
        and retiring_since is None
        and not pending
        and expires is not None
        and expires - now < renew_after
    )
    return Authenticated(actor=actor, retiring_since=retiring_since, renew_due=renew_due)


def _promote(db: Database, actor: Actor, presented: str, now: datetime) -> None:
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
        raise Refused(
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
