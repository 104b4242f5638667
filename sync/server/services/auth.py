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
lets it push what it holds (`Authenticated.retiring_since`, services/signin.py) and nothing
else. Checking a credential on each request and renewing it: services/signin.py.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlmodel import Session, select

from sync import protocol
from sync.protocol import EnrolRequest, EnrolResponse
from sync.server.db import Database
from sync.server.services.common import AuditLog, Refusal
from sync.server.tables import (
    DeviceRow,
    EnrolmentCodeRow,
    OrganisationRow,
    PractitionerRow,
)

__all__ = [
    "RETRY_WINDOW",
    "RefusedCaller",
    "caller_ids",
    "enrol_device",
    "hash_secret",
    "issue_enrolment_code",
    "new_credential",
    "normalise_code",
]

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed on a phone
CODE_LENGTH = 12  # ~59 bits; tries are rate-limited and codes expire
RETRY_WINDOW = timedelta(minutes=2)


class RefusedCaller(Refusal):
    """A Refusal that names what is known of the refused caller, for the audit log (never the
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


def caller_ids(org_id: str, practitioner_id: UUID, device_id: UUID) -> dict[str, Any]:
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
            raise Refusal(protocol.NOT_FOUND, "No such practitioner.")
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
            raise RefusedCaller(
                protocol.ENROL_CODE_INVALID,
                "This enrolment code is not recognised. Check it, or ask for a new one.",
                device_id=request.device_id,
            )
        who = caller_ids(code.org_id, code.practitioner_id, request.device_id)
        if code.expires_at <= now:
            raise RefusedCaller(
                protocol.ENROL_CODE_EXPIRED,
                "This enrolment code has expired. Ask for a new one.",
                **who,
            )
        device = s.get(DeviceRow, request.device_id)
        if code.used_at is not None:
            if not _safe_retry(code, device, request, now):
                raise RefusedCaller(
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
    ids = caller_ids(device.org_id, device.practitioner_id, device.device_id)
    if device.revoked_at is not None:
        raise RefusedCaller(
            protocol.ENROL_DEVICE_KNOWN,
            "This device was removed from your organisation and cannot be enrolled again. "
            "Reinstall the app to enrol it as a new device.",
            **ids,
        )
    if device.practitioner_id != code.practitioner_id:
        raise RefusedCaller(
            protocol.ENROL_DEVICE_KNOWN,
            "This device is enrolled for someone else. Reinstall the app to enrol it for you.",
            **ids,
        )
    if device.credential_expires_at > now:
        raise RefusedCaller(
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
