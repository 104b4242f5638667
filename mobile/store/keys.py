"""The keyring file: the wrapped data key, its KDF parameters, the recovery wrap, the lockout counter.

It lives beside the database as `keyring.json` (no personal data: ids, parameters, wrapped keys,
counters). It is a separate file so that wiping can destroy the keys first, and so that the
wrong-PIN counter is written durably (write to a temporary file, fsync, rename, fsync the folder)
before each attempt is even tried: killing the app mid-attempt does not reset the count.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import math
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from mobile.store import crypto
from mobile.store.crypto import DataKey, KdfParams
from mobile.store.errors import (
    KeyringDamaged,
    LockedOut,
    PlatformSecretMissing,
    TryAgainLater,
    WrongPin,
)
from mobile.store.lockout import Keystore, LockoutState, elapsed_seconds, restarted, stricter
from mobile.store.policy import MAX_ATTEMPTS, delay_after

__all__ = [
    "Keyring",
    "attempt_unlock",
    "erase_file",
    "is_locked_out",
    "new_keyring",
    "open_data_key",
    "read_keyring",
    "read_lockout",
    "rewrap",
    "save_lockout",
    "wait_seconds",
    "write_keyring",
]

log = logging.getLogger("mobile.store")
_FORMAT = 1
_CHECK_PLAINTEXT = b"seen-and-heard key check"


@dataclass
class Keyring:
    device_id: UUID
    key_version: int
    kdf: str  # PHC-style: algorithm, parameters and salt
    needs_platform_secret: bool
    wrapped_key: bytes
    key_check: bytes  # a constant sealed under the DEK: proves a recovered key is the right one
    recovery_wrap: bytes | None
    created_at: datetime
    failed_attempts: int = 0
    last_failure_at: datetime | None = None
    locked_out: bool = False
    last_failure_boot: float | None = None  # the boot clock at the last wrong PIN (lockout.py)
    extra: dict[str, Any] = field(default_factory=dict)  # fields from newer versions, kept

    def wrap_aad(self) -> bytes:
        flag = "platform" if self.needs_platform_secret else "passphrase-only"
        return f"dek-wrap/v1|{self.device_id}|{self.kdf}|{self.key_version}|{flag}".encode()

    def check_aad(self) -> bytes:
        return f"key-check|{self.device_id}|0|{self.key_version}".encode()

    @property
    def lockout(self) -> LockoutState:
        return LockoutState(
            self.failed_attempts, self.last_failure_at, self.last_failure_boot, self.locked_out
        )

    def adopt(self, state: LockoutState) -> None:
        self.failed_attempts, self.last_failure_at = state.failed_attempts, state.last_failure_at
        self.last_failure_boot, self.locked_out = state.last_failure_boot, state.locked_out

    def to_json(self) -> bytes:
        data = {
            **self.extra,
            "format": _FORMAT,
            "device_id": str(self.device_id),
            "key_version": self.key_version,
            "kdf": self.kdf,
            "needs_platform_secret": self.needs_platform_secret,
            "wrapped_key": _b64(self.wrapped_key),
            "key_check": _b64(self.key_check),
            "recovery_wrap": _b64(self.recovery_wrap) if self.recovery_wrap else None,
            "created_at": self.created_at.isoformat(),
            "failed_attempts": self.failed_attempts,
            "last_failure_at": self.last_failure_at.isoformat() if self.last_failure_at else None,
            "locked_out": self.locked_out,
            "last_failure_boot": self.last_failure_boot,
        }
        return json.dumps(data, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Keyring:
        try:
            data = json.loads(raw)
            if data.get("format") != _FORMAT:
                raise KeyringDamaged(f"unknown format {data.get('format')!r}")
            known = {
                "format", "device_id", "key_version", "kdf", "needs_platform_secret",
                "wrapped_key", "key_check", "recovery_wrap", "created_at", "failed_attempts",
                "last_failure_at", "locked_out", "last_failure_boot",
            }  # fmt: skip
            KdfParams.from_phc(data["kdf"])
            return cls(
                device_id=UUID(data["device_id"]),
                key_version=int(data["key_version"]),
                kdf=data["kdf"],
                needs_platform_secret=bool(data["needs_platform_secret"]),
                wrapped_key=_unb64(data["wrapped_key"]),
                key_check=_unb64(data["key_check"]),
                recovery_wrap=_unb64(data["recovery_wrap"]) if data["recovery_wrap"] else None,
                created_at=datetime.fromisoformat(data["created_at"]),
                failed_attempts=int(data["failed_attempts"]),
                last_failure_at=(
                    datetime.fromisoformat(data["last_failure_at"])
                    if data["last_failure_at"]
                    else None
                ),
                locked_out=bool(data["locked_out"]),
                last_failure_boot=_float_or_none(data.get("last_failure_boot")),
                extra={k: v for k, v in data.items() if k not in known},
            )
        except KeyringDamaged:
            raise
        except (ValueError, KeyError, TypeError) as exc:
            raise KeyringDamaged(type(exc).__name__) from None


def new_keyring(
    data_key: DataKey,
    *,
    device_id: UUID,
    passphrase: str,
    platform_secret: bytes | None,
    params: KdfParams,
    recovery_public_key: bytes | None,
    now: datetime,
) -> Keyring:
    keyring = Keyring(
        device_id=device_id,
        key_version=data_key.version,
        kdf="",
        needs_platform_secret=platform_secret is not None,
        wrapped_key=b"",
        key_check=b"",
        recovery_wrap=None,
        created_at=now,
    )
    keyring.key_check = data_key.seal(keyring.check_aad(), _CHECK_PLAINTEXT)
    if recovery_public_key is not None:
        keyring.recovery_wrap = crypto.recovery_wrap(
            recovery_public_key, data_key.material, device_id=device_id
        )
    rewrap(keyring, data_key, passphrase=passphrase, platform_secret=platform_secret, params=params)
    return keyring


def rewrap(
    keyring: Keyring,
    data_key: DataKey,
    *,
    passphrase: str,
    platform_secret: bytes | None,
    params: KdfParams,
) -> None:
    """Wrap the DEK under a new passphrase (fresh salt). Never touches the records."""
    salt = crypto.new_salt()
    keyring.kdf = params.to_phc(salt)
    kek = crypto.derive_kek(passphrase, salt=salt, params=params, platform_secret=platform_secret)
    keyring.wrapped_key = crypto.wrap_key(kek, data_key.material, aad=keyring.wrap_aad())


def open_data_key(keyring: Keyring, *, passphrase: str, platform_secret: bytes | None) -> DataKey:
    """The DEK, or crypto.OpenFailed when the passphrase (or platform secret) is wrong."""
    params, salt = KdfParams.from_phc(keyring.kdf)
    kek = crypto.derive_kek(passphrase, salt=salt, params=params, platform_secret=platform_secret)
    material = crypto.unwrap_key(kek, keyring.wrapped_key, aad=keyring.wrap_aad())
    return key_from_material(keyring, material)


def key_from_material(keyring: Keyring, material: bytes | bytearray) -> DataKey:
    """A DataKey from raw bytes, checked against the keyring (crypto.OpenFailed if wrong)."""
    if len(material) != crypto.KEY_BYTES:
        raise crypto.OpenFailed("not a data key")
    data_key = DataKey(material, version=keyring.key_version)
    if isinstance(material, bytearray):
        material[:] = bytes(len(material))
    try:
        data_key.open(keyring.check_aad(), keyring.key_check)
    except crypto.OpenFailed:
        data_key.wipe()
        raise
    return data_key


def is_locked_out(keyring: Keyring) -> bool:
    return keyring.locked_out or keyring.failed_attempts >= MAX_ATTEMPTS


def wait_seconds(keyring: Keyring, now: datetime, boot_now: float | None = None) -> int:
    """Seconds before another attempt is allowed (escalating after FREE_ATTEMPTS wrong PINs).
    `boot_now` is the boot clock (lockout.boot_seconds); None trusts the wall clock alone."""
    if keyring.last_failure_at is None:
        return 0
    delay = delay_after(keyring.failed_attempts)
    elapsed = elapsed_seconds(keyring.lockout, now, boot_now)
    return math.ceil(max(0.0, delay - elapsed))


def attempt_unlock(
    path: Path,
    *,
    passphrase: str,
    platform_secret: bytes | None,
    now: datetime,
    boot_now: float | None = None,
    keystore: Keystore | None = None,
) -> tuple[Keyring, DataKey]:
    """Try a passphrase under the lockout rules: LockedOut, TryAgainLater, PlatformSecretMissing,
    KdfUnavailable, WrongPin, or the data key. The attempt is counted on disk (and in the
    keystore, where there is one) before the KDF runs, so killing the app mid-attempt does not
    reset the counter."""
    keyring = read_lockout(path, keystore)
    if is_locked_out(keyring):
        raise LockedOut()
    if restarted(keyring.lockout, boot_now):  # the wait starts over from now, on both clocks
        keyring.last_failure_at, keyring.last_failure_boot = now, boot_now
        save_lockout(path, keyring, keystore)
    wait = wait_seconds(keyring, now, boot_now)
    if wait > 0:
        raise TryAgainLater(wait, MAX_ATTEMPTS - keyring.failed_attempts)
    if keyring.needs_platform_secret and platform_secret is None:
        raise PlatformSecretMissing()
    crypto.require_kdf(KdfParams.from_phc(keyring.kdf)[0])
    keyring.failed_attempts += 1
    keyring.last_failure_at, keyring.last_failure_boot = now, boot_now
    save_lockout(path, keyring, keystore)
    try:
        data_key = open_data_key(keyring, passphrase=passphrase, platform_secret=platform_secret)
    except crypto.OpenFailed:
        failures = keyring.failed_attempts
        log.warning("Wrong PIN (%d of %d)", failures, MAX_ATTEMPTS)
        if failures >= MAX_ATTEMPTS:
            keyring.locked_out = True
            save_lockout(path, keyring, keystore)
            raise LockedOut() from None
        raise WrongPin(MAX_ATTEMPTS - failures, delay_after(failures)) from None
    keyring.adopt(LockoutState())
    save_lockout(path, keyring, keystore)
    return keyring, data_key


def read_lockout(path: Path, keystore: Keystore | None) -> Keyring:
    """The keyring, its counter replaced by the keystore's copy where that one is stricter (an
    old keyring.json put back does not reset the count)."""
    keyring = read_keyring(path)
    if keystore is not None:
        keyring.adopt(stricter(keyring.lockout, keystore.load_lockout(keyring.device_id)))
    return keyring


def save_lockout(path: Path, keyring: Keyring, keystore: Keystore | None) -> None:
    """The counter to the keystore first (the copy that cannot be rolled back), then the file."""
    if keystore is not None:
        keystore.save_lockout(keyring.device_id, keyring.lockout)
    write_keyring(path, keyring)


def read_keyring(path: Path) -> Keyring:
    return Keyring.from_json(path.read_bytes())


def write_keyring(path: Path, keyring: Keyring) -> None:
    """Atomically and durably replace the keyring file."""
    temp = path.with_name(path.name + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, keyring.to_json())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, path)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # some platforms cannot open a folder for fsync
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def erase_file(path: Path) -> None:
    """Overwrite a file with random bytes, flush it to disk, then delete it. On flash storage the
    overwrite is best effort (wear levelling); destroying the wrapped key is what makes it final."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with contextlib.suppress(FileNotFoundError):
        fd = os.open(path, os.O_WRONLY)
        try:
            remaining = size
            while remaining > 0:
                chunk = min(remaining, 1 << 20)
                os.write(fd, os.urandom(chunk))
                remaining -= chunk
            os.fsync(fd)
        finally:
            os.close(fd)
        path.unlink()


def _float_or_none(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("not a number")
    return float(value)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)
