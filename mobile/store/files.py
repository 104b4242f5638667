"""The store's files in its data directory: set up on first run, opened on every later one, erased.

keyring.json (wrapped key, KDF parameters, recovery wrap, wrong-PIN counter; nothing personal),
records.db with its -wal/-shm, and WIPED after a wipe. The store owns only these.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from uuid import UUID

from mobile.store import crypto
from mobile.store.crypto import DataKey, KdfParams
from mobile.store.db import connect
from mobile.store.errors import AlreadySetUp, DeviceWiped, NotSetUp, WeakPassphrase
from mobile.store.keys import (
    Keyring,
    erase_file,
    fsync_dir,
    new_keyring,
    read_lockout,
    save_lockout,
)
from mobile.store.lockout import Keystore
from mobile.store.migrations import Migration, migrate
from mobile.store.policy import passphrase_policy
from models.ids import new_id

__all__ = ["DATABASE_FILE", "KEYRING_FILE", "WIPED_FILE", "erase_owned", "open_files", "set_up"]

log = logging.getLogger("mobile.store")
KEYRING_FILE = "keyring.json"
DATABASE_FILE = "records.db"
WIPED_FILE = "WIPED"
_OWNED = (KEYRING_FILE, KEYRING_FILE + ".tmp", DATABASE_FILE, DATABASE_FILE + "-wal",
          DATABASE_FILE + "-shm", DATABASE_FILE + "-journal")  # fmt: skip
_MIN_PLATFORM_SECRET = 16


def set_up(
    path: Path,
    *,
    passphrase: str,
    platform_secret: bytes | None,
    recovery_public_key: bytes | None,
    kdf_params: KdfParams | None,
    now: datetime,
    device_id: UUID | None,
    migrations: Sequence[Migration],
    keystore: Keystore | None,
) -> tuple[sqlite3.Connection, Keyring, DataKey]:
    """First run: a new data key, wrapped under the passphrase (+ platform secret) and to the
    organisation's recovery key; an empty database at the latest schema."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if (path / KEYRING_FILE).exists():
        raise AlreadySetUp()
    problem = passphrase_policy(passphrase, has_platform_secret=platform_secret is not None)
    if problem:
        raise WeakPassphrase(problem)
    if platform_secret is not None and len(platform_secret) < _MIN_PLATFORM_SECRET:
        raise ValueError(f"a platform secret must be at least {_MIN_PLATFORM_SECRET} bytes")
    if recovery_public_key is not None and not crypto.is_recovery_public_key(recovery_public_key):
        raise ValueError("the recovery key must be a raw 32-byte X25519 public key")
    # Without a keyring nothing here can be read: a set-up interrupted before the keyring was
    # written (or a keyring lost) leaves only unreadable bytes. Start clean.
    if (path / DATABASE_FILE).exists():
        log.warning("Setting up over a database that has no keyring: it cannot be read")
    for name in (*_OWNED, WIPED_FILE):
        (path / name).unlink(missing_ok=True)
    conn = connect(path / DATABASE_FILE)
    (path / DATABASE_FILE).chmod(0o600)
    try:
        migrate(conn, migrations=migrations)
        data_key = DataKey.generate()
        keyring = new_keyring(
            data_key,
            device_id=device_id or new_id(),
            passphrase=passphrase,
            platform_secret=platform_secret,
            params=kdf_params or crypto.default_kdf_params(),
            recovery_public_key=recovery_public_key,
            now=now,
        )
        save_lockout(path / KEYRING_FILE, keyring, keystore)  # a new device: a fresh count
    except BaseException:
        conn.close()
        raise
    return conn, keyring, data_key


def open_files(
    path: Path, *, migrations: Sequence[Migration], keystore: Keystore | None
) -> tuple[sqlite3.Connection, Keyring]:
    """Every later start: the keyring as it stands and the database, migrated if this app is newer."""
    if (path / WIPED_FILE).exists():
        erase_owned(path)  # finish a wipe that was interrupted
        raise DeviceWiped()
    if not (path / KEYRING_FILE).exists():
        raise NotSetUp()
    (path / (KEYRING_FILE + ".tmp")).unlink(missing_ok=True)
    keyring = read_lockout(path / KEYRING_FILE, keystore)
    if not (path / DATABASE_FILE).exists():
        log.warning("The records database is missing: starting an empty one")
    conn = connect(path / DATABASE_FILE)
    try:
        migrate(conn, migrations=migrations)
    except BaseException:
        conn.close()
        raise
    return conn, keyring


def erase_owned(folder: Path) -> None:
    for name in _OWNED:
        erase_file(folder / name)
    fsync_dir(folder)
