"""DeviceStore: the encrypted store on one device, its keys and its lock.

    store = DeviceStore.create(data_dir, passphrase=..., platform_secret=..., recovery_public_key=...,
                               clock=clock)          # first run: returns an unlocked store
    store = DeviceStore.open(data_dir, clock=clock)   # every later start: locked
    # both take keystore= (the counter's copy in secure storage) and boot_clock= (lockout.py)
    store.unlock(passphrase, platform_secret=...)     # WrongPin / TryAgainLater / LockedOut
    with store.unit_of_work() as uow: ...; uow.commit()   # the records (unit_of_work.py)
    store.lock(); store.auto_lock_if_idle(); store.wipe()

Files: files.py (records.db holds ids, revisions, times, statuses and sync state in plaintext, the
rest sealed). Thread-safe: one connection behind a lock, held for the whole of a unit of work.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

from mobile.store import crypto
from mobile.store.crypto import DataKey, KdfParams, OpenFailed
from mobile.store.errors import (
    DeviceWiped,
    PlatformSecretMissing,
    RecoveryFailed,
    RecoveryUnavailable,
    StoreError,
    StoreLocked,
    WeakPassphrase,
)
from mobile.store.files import KEYRING_FILE, WIPED_FILE, erase_owned, open_files, set_up
from mobile.store.keys import (
    Keyring,
    attempt_unlock,
    erase_file,
    fsync_dir,
    is_locked_out,
    key_from_material,
    read_lockout,
    rewrap,
    save_lockout,
    wait_seconds,
    write_keyring,
)
from mobile.store.lockout import Keystore, LockoutState
from mobile.store.migrations import MIGRATIONS, Migration
from mobile.store.policy import MAX_ATTEMPTS, passphrase_policy
from mobile.store.sqlite import SqliteUnitOfWork
from mobile.store.unit_of_work import SettingsByCall

__all__ = ["DEFAULT_IDLE_TIMEOUT", "DeviceStore", "LockStatus"]

log = logging.getLogger("mobile.store")
DEFAULT_IDLE_TIMEOUT = timedelta(minutes=5)


@dataclass(frozen=True)
class LockStatus:
    """What the unlock screen shows before anyone types."""

    unlocked: bool
    failed_attempts: int
    remaining_attempts: int
    wait_seconds: int
    locked_out: bool
    needs_platform_secret: bool
    can_recover: bool


class DeviceStore(SettingsByCall):
    def __init__(
        self,
        data_dir: Path,
        *,
        keyring: Keyring,
        conn: sqlite3.Connection,
        clock: Callable[[], datetime],
        idle_timeout: timedelta,
        keystore: Keystore | None = None,
        boot_clock: Callable[[], float] | None = None,
    ) -> None:
        """Use DeviceStore.create() or DeviceStore.open(). `boot_clock` None: tests only (the
        waits then trust the wall clock alone)."""
        self.data_dir = data_dir
        self.idle_timeout = idle_timeout
        self._keyring = keyring
        self._conn: sqlite3.Connection | None = conn
        self._clock = clock
        self._keystore, self._boot_clock = keystore, boot_clock
        self._lock = threading.RLock()
        self._key: DataKey | None = None
        self._last_activity: datetime | None = None
        self._wiped = False
        self._uow = SqliteUnitOfWork(
            connection=self._db, data_key=self._data_key, clock=clock, lock=self._lock
        )

    # Setting up and opening -----------------------------------------------------------------
    @classmethod
    def create(
        cls,
        data_dir: Path | str,
        *,
        passphrase: str,
        platform_secret: bytes | None = None,
        recovery_public_key: bytes | None = None,
        kdf_params: KdfParams | None = None,
        clock: Callable[[], datetime],
        idle_timeout: timedelta = DEFAULT_IDLE_TIMEOUT,
        device_id: UUID | None = None,
        migrations: Sequence[Migration] = MIGRATIONS,
        keystore: Keystore | None = None,
        boot_clock: Callable[[], float] | None = None,
    ) -> DeviceStore:
        """First run: a new data key, wrapped under the passphrase (+ platform secret) and to the
        organisation's recovery key. Returns the store unlocked."""
        path = Path(data_dir)
        conn, keyring, data_key = set_up(
            path, passphrase=passphrase, platform_secret=platform_secret,
            recovery_public_key=recovery_public_key, kdf_params=kdf_params, now=clock(),
            device_id=device_id, migrations=migrations, keystore=keystore,
        )  # fmt: skip
        store = cls(path, keyring=keyring, conn=conn, clock=clock, idle_timeout=idle_timeout,
                    keystore=keystore, boot_clock=boot_clock)  # fmt: skip
        store._key, store._last_activity = data_key, clock()
        log.info("Store set up for device %s", keyring.device_id)
        return store

    @classmethod
    def open(
        cls,
        data_dir: Path | str,
        *,
        clock: Callable[[], datetime],
        idle_timeout: timedelta = DEFAULT_IDLE_TIMEOUT,
        migrations: Sequence[Migration] = MIGRATIONS,
        keystore: Keystore | None = None,
        boot_clock: Callable[[], float] | None = None,
    ) -> DeviceStore:
        """Open an existing store, locked. Migrates the schema if this app version is newer."""
        path = Path(data_dir)
        conn, keyring = open_files(path, migrations=migrations, keystore=keystore)
        return cls(path, keyring=keyring, conn=conn, clock=clock, idle_timeout=idle_timeout,
                   keystore=keystore, boot_clock=boot_clock)  # fmt: skip

    @staticmethod
    def is_set_up(data_dir: Path | str) -> bool:
        return (Path(data_dir) / KEYRING_FILE).exists()

    @property
    def device_id(self) -> UUID:
        return self._keyring.device_id

    @property
    def is_unlocked(self) -> bool:
        return self._key is not None

    # Lock and unlock --------------------------------------------------------------------------
    def lock_status(self) -> LockStatus:
        with self._lock:
            self._check_not_wiped()
            keyring = self._keyring
            return LockStatus(
                unlocked=self._key is not None,
                failed_attempts=keyring.failed_attempts,
                remaining_attempts=max(0, MAX_ATTEMPTS - keyring.failed_attempts),
                wait_seconds=self._wait_seconds(keyring),
                locked_out=is_locked_out(keyring),
                needs_platform_secret=keyring.needs_platform_secret,
                can_recover=keyring.recovery_wrap is not None,
            )

    def unlock(self, passphrase: str, *, platform_secret: bytes | None = None) -> None:
        with self._lock:
            data_key = self._attempt(passphrase, platform_secret)
            if self._key is not None:
                self._key.wipe()
            self._key, self._last_activity = data_key, self._clock()
            log.debug("Store unlocked")

    def lock(self) -> None:
        """Drop the data key (its bytes are overwritten)."""
        with self._lock:
            if self._key is not None:
                self._key.wipe()
                self._key = None
                log.debug("Store locked")

    def touch(self) -> None:
        """The practitioner did something: restart the idle timer."""
        if self._key is not None:
            self._last_activity = self._clock()

    def auto_lock_if_idle(self) -> bool:
        """Lock if idle for `idle_timeout`; True if this call locked the store."""
        with self._lock:
            if self._key is None or self._last_activity is None:
                return False
            if self._clock() - self._last_activity < self.idle_timeout:
                return False
            self.lock()
            return True

    def change_passphrase(
        self,
        *,
        old: str,
        new: str,
        platform_secret: bytes | None = None,
        kdf_params: KdfParams | None = None,
    ) -> None:
        """Re-wrap the data key under `new` (records are not re-encrypted). A wrong `old` counts
        as a wrong PIN. `kdf_params` raises the KDF cost at the same time."""
        with self._lock:
            self._check_not_wiped()
            problem = passphrase_policy(
                new, has_platform_secret=self._keyring.needs_platform_secret
            )
            if problem:
                raise WeakPassphrase(problem)
            data_key = self._attempt(old, platform_secret)
            params = kdf_params or KdfParams.from_phc(self._keyring.kdf)[0]
            crypto.require_kdf(params)
            rewrap(
                self._keyring,
                data_key,
                passphrase=new,
                platform_secret=platform_secret,
                params=params,
            )
            write_keyring(self.data_dir / KEYRING_FILE, self._keyring)
            if self._key is not None:
                self._key.wipe()
            self._key, self._last_activity = data_key, self._clock()
            log.info("Passphrase changed (data key re-wrapped)")

    # Recovery ---------------------------------------------------------------------------------
    def recovery_blob(self) -> bytes:
        """The data key sealed to the organisation's recovery key: what recovery sends."""
        if self._keyring.recovery_wrap is None:
            raise RecoveryUnavailable()
        return self._keyring.recovery_wrap

    def recover(
        self,
        *,
        unwrap: Callable[[bytes], bytes],
        new_passphrase: str,
        platform_secret: bytes | None = None,
        kdf_params: KdfParams | None = None,
    ) -> None:
        """Forgotten PIN or lockout: `unwrap` (the organisation, online) opens the recovery blob
        and returns the data key; it is checked, wrapped under `new_passphrase`, the wrong-PIN
        counter is reset and the store is unlocked. Unsynced records are all kept."""
        with self._lock:
            self._check_not_wiped()
            keyring = self._keyring
            if keyring.recovery_wrap is None:
                raise RecoveryUnavailable()
            if keyring.needs_platform_secret and platform_secret is None:
                raise PlatformSecretMissing()
            problem = passphrase_policy(
                new_passphrase, has_platform_secret=keyring.needs_platform_secret
            )
            if problem:
                raise WeakPassphrase(problem)
            try:
                data_key = key_from_material(keyring, unwrap(keyring.recovery_wrap))
            except OpenFailed:
                log.warning("Recovery key did not match this device")
                raise RecoveryFailed() from None
            params = kdf_params or KdfParams.from_phc(keyring.kdf)[0]
            rewrap(
                keyring,
                data_key,
                passphrase=new_passphrase,
                platform_secret=platform_secret,
                params=params,
            )
            keyring.adopt(LockoutState())
            save_lockout(self.data_dir / KEYRING_FILE, keyring, self._keystore)
            self._key, self._last_activity = data_key, self._clock()
            log.info("Store recovered with the organisation's key")

    def set_recovery_key(self, recovery_public_key: bytes) -> None:
        """Wrap the data key to the organisation's recovery key (e.g. after enrolment)."""
        if not crypto.is_recovery_public_key(recovery_public_key):
            raise ValueError("the recovery key must be a raw 32-byte X25519 public key")
        with self._lock:
            key = self._data_key()
            self._keyring.recovery_wrap = crypto.recovery_wrap(
                recovery_public_key, key.material, device_id=self._keyring.device_id
            )
            write_keyring(self.data_dir / KEYRING_FILE, self._keyring)

    # Wipe and close ---------------------------------------------------------------------------
    def wipe(self) -> None:
        """Crypto-erase (the device was revoked): the wrapped keys are destroyed first, then the
        database files are overwritten and deleted. Works locked or unlocked."""
        with self._lock:
            if self._wiped:
                return
            marker = self.data_dir / WIPED_FILE
            marker.write_bytes(b"This device was wiped by its organisation.\n")
            fsync_dir(self.data_dir)
            self.lock()
            erase_file(self.data_dir / KEYRING_FILE)
            erase_file(self.data_dir / (KEYRING_FILE + ".tmp"))
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            erase_owned(self.data_dir)
            self._wiped = True
            log.warning("Store wiped (device revoked)")

    def close(self) -> None:
        with self._lock:
            self.lock()
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> DeviceStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # The records ------------------------------------------------------------------------------
    def unit_of_work(self) -> SqliteUnitOfWork:
        """The records: `with uow: ... uow.commit()` (mobile/store/unit_of_work.py)."""
        return self._uow

    # What the unit of work needs, and helpers ---------------------------------------------------
    def _db(self) -> sqlite3.Connection:
        self._check_not_wiped()
        if self._conn is None:
            raise StoreError("This store has been closed: open it again.")
        return self._conn

    def _data_key(self) -> DataKey:
        self._check_not_wiped()
        last = self._last_activity
        if self._key is not None and last is not None and self._clock() - last >= self.idle_timeout:
            self.lock()
        if self._key is None:
            raise StoreLocked()
        return self._key

    def _check_not_wiped(self) -> None:
        if self._wiped or (self.data_dir / WIPED_FILE).exists():
            raise DeviceWiped()

    def _wait_seconds(self, keyring: Keyring) -> int:
        return wait_seconds(keyring, self._clock(), self._boot())

    def _boot(self) -> float | None:
        return self._boot_clock() if self._boot_clock is not None else None

    def _attempt(self, passphrase: str, platform_secret: bytes | None) -> DataKey:
        self._check_not_wiped()
        path = self.data_dir / KEYRING_FILE
        try:
            self._keyring, data_key = attempt_unlock(
                path, passphrase=passphrase, platform_secret=platform_secret, now=self._clock(),
                boot_now=self._boot(), keystore=self._keystore,
            )  # fmt: skip
        except StoreError:
            self._keyring = read_lockout(path, self._keystore)  # the counter as it now stands
            raise
        return data_key
