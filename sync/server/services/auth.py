"""Enrolment codes, device credentials and authentication.

A code is one-time, short-lived and stored only as a hash; exchanging it gives the device a random
credential, returned once, of which the server keeps only the sha256 (the credential has 256 bits
of entropy, so a fast hash is enough). Sending the same code with the same device id again, while
the code is still valid, is a safe retry: the device gets a fresh credential and the previous one
stops working (a response lost on the way is not a lost enrolment).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlmodel import select

from sync import protocol
from sync.protocol import EnrolRequest, EnrolResponse
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
    "authenticate",
    "enrol_device",
    "hash_secret",
    "issue_enrolment_code",
    "new_credential",
    "normalise_code",
    "revoke_device",
]

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed on a phone
CODE_LENGTH = 12  # ~59 bits; tries are rate-limited and codes expire
LAST_SEEN_EVERY = timedelta(minutes=1)


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
    with db.write() as s:
        code = s.exec(
            select(EnrolmentCodeRow).where(EnrolmentCodeRow.code_hash == code_hash)
        ).first()
        audit = AuditLog(s, now)
        if code is None:
            raise ApiError(
                protocol.ENROL_CODE_INVALID,
                "This enrolment code is not recognised. Check it, or ask for a new one.",
            )
        if code.expires_at <= now:
            raise ApiError(
                protocol.ENROL_CODE_EXPIRED, "This enrolment code has expired. Ask for a new one."
            )
        device = s.get(DeviceRow, request.device_id)
        if code.used_at is not None and code.used_by_device_id != request.device_id:
            raise ApiError(
                protocol.ENROL_CODE_INVALID,
                "This enrolment code has already been used. Ask for a new one.",
            )
        if device is not None and (
            device.enrolment_code_id != code.code_id or device.revoked_at is not None
        ):
            raise ApiError(
                protocol.ENROL_CODE_INVALID,
                "This device is already enrolled. Reinstall the app to enrol it again.",
            )
        who = s.get(PractitionerRow, code.practitioner_id)
        assert who is not None
        expires = now + credential_ttl
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
        else:  # the same device retrying with the same code: a fresh credential
            device.credential_hash = hash_secret(credential)
            device.credential_expires_at = expires
        code.used_at = code.used_at or now
        code.used_by_device_id = request.device_id
        s.add(code)
        s.add(device)
        audit.add(
            "enrol.device",
            org_id=code.org_id,
            practitioner_id=code.practitioner_id,
            device_id=request.device_id,
        )
        audit.flush()
        org = s.get(OrganisationRow, who.org_id)
        return EnrolResponse(
            device_id=request.device_id,
            credential=credential,
            credential_expires_at=expires,
            practitioner_id=who.practitioner_id,
            organisation_id=who.org_id,
            role=who.role,
            team_id=who.team_id,
            recovery_public_key=org.recovery_public_key if org else None,
        )


def authenticate(*, db: Database, credential: str | None, now: datetime) -> Actor:
    if not credential:
        raise ApiError(
            protocol.AUTH_MISSING, "Sign-in is missing: enrol this device with your organisation."
        )
    d, p = table_of(DeviceRow).c, table_of(PractitionerRow).c
    with db.read() as s:  # every request: a Core select of the columns needed, no ORM objects
        device = s.execute(
            sa.select(d.device_id, d.revoked_at, d.credential_expires_at, d.last_seen_at)
            .add_columns(p.practitioner_id, p.org_id, p.role, p.team_id, p.scope_version)
            .join_from(table_of(DeviceRow), table_of(PractitionerRow))
            .where(d.credential_hash == hash_secret(credential))
        ).first()
    if device is None:
        raise ApiError(
            protocol.AUTH_INVALID,
            "This device's sign-in is not recognised: enrol it again with a new code.",
        )
    if device.revoked_at is not None:
        raise ApiError(
            protocol.DEVICE_REVOKED,
            "This device has been removed from your organisation. Wipe all its data now; "
            "ask your administrator to enrol a device again.",
        )
    if device.credential_expires_at <= now:
        raise ApiError(
            protocol.AUTH_EXPIRED,
            "This device's sign-in has expired: ask for a new enrolment code.",
        )
    if device.last_seen_at is None or now - device.last_seen_at >= LAST_SEEN_EVERY:
        with db.write() as s:
            s.execute(
                sa.update(table_of(DeviceRow))
                .where(table_of(DeviceRow).c.device_id == device.device_id)
                .values(last_seen_at=now)
            )
    return Actor(
        device_id=device.device_id,
        practitioner_id=device.practitioner_id,
        org_id=device.org_id,
        role=StaffRole(device.role),
        team_id=device.team_id,
        scope_version=device.scope_version,
    )


def revoke_device(*, db: Database, device_id: UUID, now: datetime) -> bool:
    """Revoke one device: its next contact is told to wipe. False if unknown."""
    with db.write() as s:
        device = s.get(DeviceRow, device_id)
        if device is None:
            return False
        if device.revoked_at is None:
            device.revoked_at = now
            s.add(device)
        audit = AuditLog(s, now)
        audit.add(
            "device.revoke",
            org_id=device.org_id,
            practitioner_id=device.practitioner_id,
            device_id=device_id,
        )
        audit.flush()
        return True
