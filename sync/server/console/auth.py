"""Who is this person? Staff sign-in for the console, answered as a Verified practitioner.

The seam: a sign-in method turns what a person presents into `Verified` (an account and the
practitioner it stands for); sessions.py starts a session from a Verified and from nothing else.
`LocalPasswords` is one method: a username and an Argon2id password, then a TOTP code when the
account has one or its organisation asks for it. An organisation's own identity provider (OIDC)
is another method to come: its callback maps the provider's subject to a staff_account and hands
sessions.py the same Verified; lockout and codes are then the provider's business.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pyotp
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session

from sync import protocol
from sync.server.db import Database
from sync.server.services.common import AuditLog, Refusal, StaffRole
from sync.server.tables import OrganisationRow, PractitionerRow, StaffAccountRow, table_of

__all__ = [
    "CONSOLE_ROLES",
    "LOCKOUT",
    "MAX_FAILURES",
    "NeedsCode",
    "NewStaff",
    "SignInRefused",
    "Verified",
    "check_code",
    "check_password",
    "create_staff",
    "hash_password",
]

MAX_FAILURES = 5  # wrong passwords or codes in a row before the account locks
LOCKOUT = timedelta(minutes=15)
CONSOLE_ROLES = (StaffRole.MANAGER, StaffRole.DUTY)
ISSUER = "Seen & Heard"

# Argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes).
_hasher = PasswordHasher()
# Verified against when the username is unknown, so that answer takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@dataclass(frozen=True)
class Verified:
    """A person the console knows: their account and the practitioner row they are."""

    account_id: UUID
    org_id: str
    practitioner_id: UUID


@dataclass(frozen=True)
class NeedsCode:
    """The password was right; a TOTP code must follow before a session is full."""

    account_id: UUID


class SignInRefused(Exception):
    """A sign-in refused: `reason` is a stable code for the audit, `message` plain words."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message


_WRONG = "The username or password is not right. Check them and try again."
_LOCKED = "This account is locked after too many tries. Try again in 15 minutes."


def _org_requires_code(s: Session, org_id: str) -> bool:
    org = s.get(OrganisationRow, org_id)
    console: Any = ((org.settings or {}) if org else {}).get("console") or {}
    return bool(console.get("require_totp", False)) if isinstance(console, dict) else False


def _audit(audit: AuditLog, action: str, account: StaffAccountRow, outcome: str = "ok") -> None:
    audit.add(
        action,
        record_id=account.account_id,
        outcome=outcome,
        org_id=account.org_id,
        practitioner_id=account.practitioner_id,
    )


def _locked(account: StaffAccountRow, now: datetime) -> bool:
    return account.locked_until is not None and account.locked_until > now


def _fail(s: Session, account: StaffAccountRow, audit: AuditLog, now: datetime, why: str) -> None:
    """Count a failure; the fifth in a row locks the account for LOCKOUT (audited)."""
    account.failed_attempts += 1
    _audit(audit, "console.sign_in", account, why)
    if account.failed_attempts >= MAX_FAILURES:
        account.failed_attempts = 0
        account.locked_until = now + LOCKOUT
        _audit(audit, "console.locked", account)
    s.add(account)


def check_password(
    db: Database, *, org_id: str, username: str, password: str, now: datetime
) -> Verified | NeedsCode:
    """The local-password step. Raises SignInRefused; every outcome is audited (ids only) and
    committed, a refusal's failure count included."""
    with db.write() as s:
        audit = AuditLog(s, now)
        answer = _password(s, audit, org_id, username.strip().lower(), password, now)
        audit.flush()
    if isinstance(answer, SignInRefused):
        raise answer
    return answer


def _password(
    s: Session, audit: AuditLog, org_id: str, name: str, password: str, now: datetime
) -> Verified | NeedsCode | SignInRefused:
    t = table_of(StaffAccountRow)
    found = s.execute(
        sa.select(t.c.account_id).where(t.c.org_id == org_id, t.c.username == name)
    ).scalar_one_or_none()
    account = s.get(StaffAccountRow, found, with_for_update=True) if found else None
    if account is None:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password)
        known = s.get(OrganisationRow, org_id) is not None
        audit.add("console.sign_in", outcome="unknown_user", org_id=org_id if known else None)
        return SignInRefused("unknown_user", _WRONG)
    if _locked(account, now):
        _audit(audit, "console.sign_in", account, "locked")
        return SignInRefused("locked", _LOCKED)
    try:
        _hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        _fail(s, account, audit, now, "bad_password")
        if _locked(account, now):
            return SignInRefused("locked", _LOCKED)
        return SignInRefused("bad_password", _WRONG)
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    wants_code = account.totp_required or _org_requires_code(s, account.org_id)
    if wants_code and not account.totp_secret:
        _audit(audit, "console.sign_in", account, "no_code_enrolled")
        return SignInRefused(
            "no_code_enrolled",
            "Your organisation asks for a sign-in code and none is set up for you. Ask your "
            "administrator to set one up.",
        )
    if account.totp_secret:
        s.add(account)
        return NeedsCode(account.account_id)
    account.failed_attempts = 0
    s.add(account)
    _audit(audit, "console.sign_in", account)
    return Verified(account.account_id, account.org_id, account.practitioner_id)


def check_code(db: Database, *, account_id: UUID, code: str, now: datetime) -> Verified:
    """The TOTP step after a right password: this 30-second step or the one either side, and
    never a step already used (a code seen over a shoulder does not work twice)."""
    with db.write() as s:
        audit = AuditLog(s, now)
        answer = _code(s, audit, account_id, code, now)
        audit.flush()
    if isinstance(answer, SignInRefused):
        raise answer
    return answer


def _code(
    s: Session, audit: AuditLog, account_id: UUID, code: str, now: datetime
) -> Verified | SignInRefused:
    account = s.get(StaffAccountRow, account_id, with_for_update=True)
    if account is None or not account.totp_secret:
        return SignInRefused("no_account", _WRONG)
    if _locked(account, now):
        _audit(audit, "console.sign_in", account, "locked")
        return SignInRefused("locked", _LOCKED)
    totp = pyotp.TOTP(account.totp_secret)
    digits = "".join(code.split())
    step = None
    for offset in (0, -1, 1):
        at = now + timedelta(seconds=30 * offset)
        if digits.isdigit() and totp.verify(digits, for_time=at, valid_window=0):
            step = totp.timecode(at)
            break
    if step is None or (account.totp_last_step is not None and step <= account.totp_last_step):
        _fail(s, account, audit, now, "bad_code")
        if _locked(account, now):
            return SignInRefused("locked", _LOCKED)
        return SignInRefused(
            "bad_code", "That code is not right. Enter the code your app shows now."
        )
    account.totp_last_step = step
    account.failed_attempts = 0
    s.add(account)
    _audit(audit, "console.sign_in", account)
    return Verified(account.account_id, account.org_id, account.practitioner_id)


@dataclass(frozen=True)
class NewStaff:
    account_id: UUID
    password: str | None  # the generated one, shown once; None when the admin typed one
    otpauth_uri: str | None  # to enrol the authenticator app, shown once


def create_staff(
    db: Database,
    *,
    org_id: str,
    practitioner_id: UUID,
    username: str,
    password: str | None,
    totp: bool,
    now: datetime,
) -> NewStaff:
    """A console account for a manager or duty worker already on the caseload (seen admin)."""
    name = username.strip().lower()
    if not name or len(name) > 80 or not name.isprintable() or " " in name:
        raise Refusal(protocol.REQUEST_INVALID, "A username is 1 to 80 characters, no spaces.")
    generated = None
    if password is None:
        password = generated = secrets.token_urlsafe(15)
    if len(password) < 12:
        raise Refusal(protocol.REQUEST_INVALID, "A password is at least 12 characters.")
    with db.write() as s:
        who = s.get(PractitionerRow, practitioner_id)
        if who is None or who.org_id != org_id:
            raise Refusal(protocol.NOT_FOUND, "No such practitioner in this organisation.")
        if who.role not in CONSOLE_ROLES:
            raise Refusal(
                protocol.REQUEST_INVALID,
                "Only a manager (MANAGER) or a duty worker (DUTY) has a console account.",
            )
        t = table_of(StaffAccountRow)
        taken = s.execute(
            sa.select(t.c.account_id).where(t.c.org_id == org_id, t.c.username == name)
        ).first()
        if taken:
            raise Refusal(protocol.REQUEST_INVALID, "That username is taken in this organisation.")
        secret = pyotp.random_base32() if totp else None
        account_id = uuid4()
        s.add(
            StaffAccountRow(
                account_id=account_id,
                org_id=org_id,
                practitioner_id=practitioner_id,
                username=name,
                password_hash=hash_password(password),
                totp_secret=secret,
                totp_required=totp,
                created_at=now,
            )
        )
        s.flush()
        audit = AuditLog(s, now)
        audit.add("console.account_created", record_id=account_id, org_id=org_id)
        audit.flush()
    uri = (
        pyotp.TOTP(secret).provisioning_uri(name=f"{org_id}:{name}", issuer_name=ISSUER)
        if secret
        else None
    )
    return NewStaff(account_id, generated, uri)
