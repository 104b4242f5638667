"""Unlock, wrong PINs, lockout, auto-lock, PIN change, recovery and wipe of the SQLite store."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest

from mobile.store import (
    AlreadySetUp,
    DeviceStore,
    DeviceWiped,
    KdfParams,
    KdfUnavailable,
    LockedOut,
    NotSetUp,
    PlatformSecretMissing,
    RecoveryFailed,
    RecoveryUnavailable,
    StoreLocked,
    TryAgainLater,
    WeakPassphrase,
    WrongPin,
    crypto,
    default_kdf_params,
)
from mobile.store.policy import MAX_ATTEMPTS
from models.enums import RecordStatus
from synthetic import SyntheticCaseload
from tests.store.device import device_of

from .conftest import FAST_KDF, PASSPHRASE, PIN, PLATFORM_SECRET, FakeClock


def _reopen(store: DeviceStore, clock: FakeClock) -> DeviceStore:
    store.close()
    return DeviceStore.open(store.data_dir, clock=clock)


def _bodies(path: Path) -> list[bytes]:
    with closing(sqlite3.connect(path / "records.db")) as conn:
        return [
            row[0]
            for row in conn.execute(
                "SELECT body FROM draft UNION ALL SELECT body FROM visit ORDER BY 1"
            )
        ]


def test_open_when_not_set_up_raises_not_set_up(store_dir: Path, clock: FakeClock) -> None:
    with pytest.raises(NotSetUp):
        DeviceStore.open(store_dir, clock=clock)


def test_create_twice_raises_already_set_up(device_store: DeviceStore, clock: FakeClock) -> None:
    with pytest.raises(AlreadySetUp):
        DeviceStore.create(
            device_store.data_dir, passphrase=PASSPHRASE, kdf_params=FAST_KDF, clock=clock
        )


def test_opened_store_is_locked_until_the_right_passphrase(
    device_store: DeviceStore, clock: FakeClock, caseload: SyntheticCaseload
) -> None:
    device_of(device_store).save_draft(caseload.visits[0])
    store = _reopen(device_store, clock)
    with pytest.raises(StoreLocked):
        device_of(store).list_drafts()
    store.unlock(PASSPHRASE)
    assert device_of(store).get_visit(caseload.visits[0].visit_id) == caseload.visits[0]
    store.close()


def test_wrong_pin_raises_wrong_pin_with_remaining_attempts(
    device_store: DeviceStore, clock: FakeClock
) -> None:
    store = _reopen(device_store, clock)
    with pytest.raises(WrongPin) as raised:
        store.unlock("not the passphrase at all")
    assert (raised.value.remaining_attempts, raised.value.delay_seconds) == (MAX_ATTEMPTS - 1, 0)
    assert raised.value.code == "store.wrong_pin"
    store.unlock(PASSPHRASE)
    assert store.lock_status().failed_attempts == 0
    store.close()


def test_lockout_delays_escalate_after_three_and_lock_after_ten_across_restarts(
    device_store: DeviceStore, clock: FakeClock
) -> None:
    store = _reopen(device_store, clock)
    for _ in range(2):
        with pytest.raises(WrongPin) as raised:
            store.unlock("wrong passphrase here")
        assert raised.value.delay_seconds == 0
    with pytest.raises(WrongPin) as raised:
        store.unlock("wrong passphrase here")
    assert raised.value.delay_seconds == 30 and raised.value.remaining_attempts == 7
    # Too soon: refused without trying (and without counting), even with the right passphrase.
    clock.advance(10)
    with pytest.raises(TryAgainLater) as waiting:
        store.unlock(PASSPHRASE)
    assert waiting.value.wait_seconds == 20
    # The counter and the delay survive a restart.
    store = _reopen(store, clock)
    assert store.lock_status().wait_seconds == 20
    delays = []
    for _ in range(6):  # failures 4..9
        clock.advance(store.lock_status().wait_seconds)
        with pytest.raises(WrongPin) as raised:
            store.unlock("wrong passphrase here")
        delays.append(raised.value.delay_seconds)
    assert delays == sorted(delays) and delays[0] > 30
    clock.advance(store.lock_status().wait_seconds)
    with pytest.raises(LockedOut):
        store.unlock("wrong passphrase here")
    clock.advance(86_400)
    store = _reopen(store, clock)
    with pytest.raises(LockedOut):
        store.unlock(PASSPHRASE)  # only recovery opens it now
    assert store.lock_status().locked_out
    store.close()


def test_auto_lock_after_idle_drops_the_key(
    device_store: DeviceStore, clock: FakeClock, caseload: SyntheticCaseload
) -> None:
    device_store.idle_timeout = timedelta(minutes=5)
    clock.advance(299)
    assert device_store.auto_lock_if_idle() is False
    device_store.touch()
    clock.advance(299)
    device_of(device_store).save_draft(caseload.visits[0])  # still within 5 minutes of the touch
    clock.advance(1)
    with pytest.raises(StoreLocked):  # a call after the idle time locks first
        device_of(device_store).list_drafts()
    assert not device_store.is_unlocked
    device_store.unlock(PASSPHRASE)
    clock.advance(300)
    assert device_store.auto_lock_if_idle() is True
    assert device_of(device_store).pending_count() == 0  # a count is readable while locked


def test_lock_overwrites_the_key_bytes(device_store: DeviceStore) -> None:
    key = device_store._key
    assert key is not None
    material = key.material
    device_store.lock()
    assert material == bytearray(32)
    with pytest.raises(StoreLocked):
        device_store.get_setting("server_url")


def test_change_passphrase_rewraps_the_key_without_touching_records(
    device_store: DeviceStore, clock: FakeClock, caseload: SyntheticCaseload
) -> None:
    device_of(device_store).save_draft(caseload.visits[0])
    before = _bodies(device_store.data_dir)
    new = "quilt harbour ember saffron"
    with pytest.raises(WeakPassphrase):
        device_store.change_passphrase(old=PASSPHRASE, new="123456")
    with pytest.raises(WrongPin):
        device_store.change_passphrase(old="not the old one", new=new)
    device_store.change_passphrase(old=PASSPHRASE, new=new)
    assert _bodies(device_store.data_dir) == before
    store = _reopen(device_store, clock)
    with pytest.raises(WrongPin):
        store.unlock(PASSPHRASE)
    store.unlock(new)
    assert device_of(store).get_visit(caseload.visits[0].visit_id) == caseload.visits[0]
    store.close()


def test_recovery_with_the_organisation_key_unlocks_a_locked_out_store_and_keeps_the_outbox(
    store_dir: Path, clock: FakeClock, caseload: SyntheticCaseload
) -> None:
    org_private, org_public = crypto.generate_recovery_keypair()
    store = DeviceStore.create(
        store_dir, passphrase=PASSPHRASE, kdf_params=FAST_KDF, clock=clock,
        recovery_public_key=org_public,
    )  # fmt: skip
    device_of(store).save_draft(caseload.visits[0])
    device_of(store).submit_visit(caseload.visits[0].visit_id)
    store = _reopen(store, clock)
    for _ in range(MAX_ATTEMPTS):
        clock.advance(store.lock_status().wait_seconds)
        with pytest.raises((WrongPin, LockedOut)):
            store.unlock("forgotten passphrase")
    assert store.lock_status().locked_out

    sent_to_org: list[bytes] = []

    def org_unwraps(blob: bytes) -> bytes:  # the test plays the organisation
        sent_to_org.append(blob)
        assert crypto.recovery_wrap_device_id(blob) == store.device_id
        return crypto.open_recovery_wrap(org_private, blob)

    new = "copper willow meadow lantern"
    store.recover(unwrap=org_unwraps, new_passphrase=new)
    assert len(sent_to_org) == 1 and store.is_unlocked
    assert device_of(store).get_visit(caseload.visits[0].visit_id).status == RecordStatus.SUBMITTED
    assert len(device_of(store).pending_outbox()) == 1
    store = _reopen(store, clock)
    assert not store.lock_status().locked_out
    store.unlock(new)
    store.close()


def test_recovery_with_the_wrong_key_raises_recovery_failed_and_changes_nothing(
    store_dir: Path, clock: FakeClock
) -> None:
    _, org_public = crypto.generate_recovery_keypair()
    other_private, _ = crypto.generate_recovery_keypair()
    store = DeviceStore.create(
        store_dir, passphrase=PASSPHRASE, kdf_params=FAST_KDF, clock=clock,
        recovery_public_key=org_public,
    )  # fmt: skip
    store.lock()
    with pytest.raises(crypto.OpenFailed):
        crypto.open_recovery_wrap(other_private, store.recovery_blob())
    with pytest.raises(RecoveryFailed):
        store.recover(unwrap=lambda blob: bytes(32), new_passphrase="copper willow meadow lantern")
    store.unlock(PASSPHRASE)  # the old passphrase still works
    store.close()


def test_recover_without_a_recovery_key_raises_recovery_unavailable(
    device_store: DeviceStore,
) -> None:
    with pytest.raises(RecoveryUnavailable):
        device_store.recover(unwrap=lambda b: b, new_passphrase="copper willow meadow lantern")


def test_short_numeric_pin_is_refused_without_a_platform_secret(
    store_dir: Path, clock: FakeClock
) -> None:
    with pytest.raises(WeakPassphrase) as raised:
        DeviceStore.create(store_dir, passphrase=PIN, kdf_params=FAST_KDF, clock=clock)
    assert "passphrase" in raised.value.reason
    assert not DeviceStore.is_set_up(store_dir)


def test_pin_with_a_platform_secret_needs_the_secret_to_unlock(
    store_dir: Path, clock: FakeClock
) -> None:
    store = DeviceStore.create(
        store_dir, passphrase=PIN, platform_secret=PLATFORM_SECRET, kdf_params=FAST_KDF,
        clock=clock,
    )  # fmt: skip
    store = _reopen(store, clock)
    with pytest.raises(PlatformSecretMissing):
        store.unlock(PIN)
    assert store.lock_status().failed_attempts == 0  # not counted: the keystore did not answer
    with pytest.raises(WrongPin):
        store.unlock(PIN, platform_secret=bytes(32))  # files copied off the phone are useless
    store.unlock(PIN, platform_secret=PLATFORM_SECRET)
    store.close()


def test_wipe_destroys_the_keys_and_files_and_later_opens_say_wiped(
    store_dir: Path, clock: FakeClock, caseload: SyntheticCaseload
) -> None:
    store = DeviceStore.create(store_dir, passphrase=PASSPHRASE, kdf_params=FAST_KDF, clock=clock)
    device_of(store).save_draft(caseload.visits[0])
    keyring = (store_dir / "keyring.json").read_bytes()
    store.wipe()
    assert sorted(p.name for p in store_dir.iterdir()) == ["WIPED"]
    assert keyring not in b"".join(p.read_bytes() for p in store_dir.iterdir())
    with pytest.raises(DeviceWiped):
        device_of(store).list_drafts()
    with pytest.raises(DeviceWiped):
        store.unlock(PASSPHRASE)
    with pytest.raises(DeviceWiped):
        DeviceStore.open(store_dir, clock=clock)
    # Enrolling again starts from nothing.
    again = DeviceStore.create(store_dir, passphrase=PASSPHRASE, kdf_params=FAST_KDF, clock=clock)
    assert len(device_of(again).list_drafts()) == 0
    again.close()


def test_wipe_works_while_locked(device_store: DeviceStore, clock: FakeClock) -> None:
    store = _reopen(device_store, clock)
    store.wipe()
    assert not (store.data_dir / "records.db").exists()


def test_real_kdf_parameters_create_and_unlock(store_dir: Path, clock: FakeClock) -> None:
    params = default_kdf_params()
    expected = "argon2id" if crypto.ARGON2_AVAILABLE else "scrypt"
    assert params.algorithm == expected
    store = DeviceStore.create(store_dir, passphrase=PASSPHRASE, clock=clock)
    store = _reopen(store, clock)
    store.unlock(PASSPHRASE)
    assert store._keyring.kdf.startswith(f"${expected}$")
    store.close()


def test_without_argon2_the_store_falls_back_to_real_scrypt(
    store_dir: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crypto, "ARGON2_AVAILABLE", False)
    monkeypatch.setattr(crypto, "_argon2", None)
    assert crypto.default_kdf_params() == KdfParams.scrypt(log2_n=17, block_size=8, parallelism=1)
    store = DeviceStore.create(store_dir, passphrase=PASSPHRASE, clock=clock)
    assert store._keyring.kdf.startswith("$scrypt$ln=17,r=8,p=1$")
    store = _reopen(store, clock)
    store.unlock(PASSPHRASE)
    store.close()


def test_a_store_set_up_with_argon2_says_so_where_argon2_is_missing(
    store_dir: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not crypto.ARGON2_AVAILABLE:
        pytest.skip("this cryptography has no Argon2id")
    small = KdfParams.argon2id(memory_kib=1024, iterations=1, lanes=1)
    store = DeviceStore.create(store_dir, passphrase=PASSPHRASE, kdf_params=small, clock=clock)
    store = _reopen(store, clock)
    monkeypatch.setattr(crypto, "_argon2", None)
    with pytest.raises(KdfUnavailable):
        store.unlock(PASSPHRASE)
    assert store.lock_status().failed_attempts == 0
    store.close()


def test_the_default_kdf_is_argon2id_here_and_scrypt_with_the_phones_cryptography() -> None:
    """./dev test runs the store tests again under cryptography 43.x (SEEN_PHONE_CRYPTOGRAPHY=1),
    where there is no Argon2: there the scrypt fallback must be what a new store gets."""
    phone = os.environ.get("SEEN_PHONE_CRYPTOGRAPHY") == "1"
    assert crypto.ARGON2_AVAILABLE is not phone
    assert crypto.default_kdf_params().algorithm == ("scrypt" if phone else "argon2id")
