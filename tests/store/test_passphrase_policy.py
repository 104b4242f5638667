"""Common passwords are refused where the passphrase alone protects the files; the wrong-PIN
waits and counter survive a clock moved forward and an old keyring.json put back."""

from __future__ import annotations

import shutil
from pathlib import Path
from uuid import UUID

import pytest

from mobile.services.errors import app_error
from mobile.store import DeviceStore, TryAgainLater, WeakPassphrase, WrongPin
from mobile.store.lockout import LockoutState
from mobile.store.policy import passphrase_policy

from .conftest import FAST_KDF, PASSPHRASE, PIN, PLATFORM_SECRET, FakeClock

COMMON = ["password1234", "Password1234", "qwertyuiopas", "correct horse"]


class BootClock:
    """The device's boot clock, moved by hand (no setting moves the real one)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeKeystore:
    """The platform's secure storage: outside the app's files, so a restored backup misses it."""

    def __init__(self) -> None:
        self.saved: dict[UUID, LockoutState] = {}

    def load_lockout(self, device_id: UUID) -> LockoutState | None:
        return self.saved.get(device_id)

    def save_lockout(self, device_id: UUID, state: LockoutState) -> None:
        self.saved[device_id] = state


def _three_wrong(device_store: DeviceStore, clock: FakeClock) -> tuple[DeviceStore, BootClock]:
    """The store reopened with a boot clock, after three wrong PINs (a 30 s wait now runs)."""
    boot = BootClock()
    device_store.close()
    store = DeviceStore.open(device_store.data_dir, clock=clock, boot_clock=boot)
    for _ in range(3):
        with pytest.raises(WrongPin):
            store.unlock("not the passphrase at all")
    return store, boot


@pytest.mark.parametrize("common", COMMON)
def test_common_passwords_are_refused_without_a_platform_secret(
    common: str, store_dir: Path, clock: FakeClock
) -> None:
    problem = passphrase_policy(common, has_platform_secret=False)
    assert problem is not None and "too easy to guess" in problem
    with pytest.raises(WeakPassphrase) as raised:
        DeviceStore.create(store_dir, passphrase=common, kdf_params=FAST_KDF, clock=clock)
    shown = app_error(raised.value)  # what the practitioner reads
    assert (
        shown.code == "store.weak_passphrase" and "three or four unrelated words" in shown.message
    )
    assert not DeviceStore.is_set_up(store_dir)


def test_refusal_passes_on_zxcvbns_feedback_in_plain_words() -> None:
    problem = passphrase_policy("Password1234", has_platform_secret=False)
    assert problem is not None
    assert "close to a common password" in problem and "Capital letters" in problem
    assert "Capitalization" not in problem  # zxcvbn's wording, put in the app's


def test_strong_passphrase_is_accepted_without_a_platform_secret(
    store_dir: Path, clock: FakeClock
) -> None:
    assert passphrase_policy("kettle harbour violet ember", has_platform_secret=False) is None
    DeviceStore.create(store_dir, passphrase=PASSPHRASE, kdf_params=FAST_KDF, clock=clock).close()


def test_six_digit_pin_stays_allowed_with_a_platform_secret() -> None:
    assert passphrase_policy(PIN, has_platform_secret=True) is None
    assert passphrase_policy(PIN, has_platform_secret=False) is not None


def test_moving_the_clock_forward_does_not_skip_the_wrong_pin_delay(
    device_store: DeviceStore, clock: FakeClock
) -> None:
    store, boot = _three_wrong(device_store, clock)
    clock.advance(86_400)  # the device's date set a day ahead
    with pytest.raises(TryAgainLater) as waiting:
        store.unlock(PASSPHRASE)
    assert waiting.value.wait_seconds == 30
    boot.now += 30  # real time passes
    store.unlock(PASSPHRASE)
    store.close()


def test_restarting_the_device_restarts_the_wait_instead_of_skipping_it(
    device_store: DeviceStore, clock: FakeClock
) -> None:
    store, boot = _three_wrong(device_store, clock)
    boot.now = 5.0  # restarted: the boot clock begins again
    clock.advance(86_400)
    with pytest.raises(TryAgainLater) as waiting:
        store.unlock(PASSPHRASE)
    assert waiting.value.wait_seconds == 30
    boot.now += 10
    clock.advance(10)
    assert store.lock_status().wait_seconds == 20
    store.close()


def test_restoring_an_old_keyring_does_not_reset_the_counter_where_a_keystore_exists(
    store_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    keystore, boot = FakeKeystore(), BootClock()
    store = DeviceStore.create(
        store_dir, passphrase=PIN, platform_secret=PLATFORM_SECRET, kdf_params=FAST_KDF,
        clock=clock, keystore=keystore, boot_clock=boot,
    )  # fmt: skip
    store.close()
    backup = tmp_path / "keyring-backup.json"
    shutil.copy(store_dir / "keyring.json", backup)  # taken while the count was 0
    store = DeviceStore.open(store_dir, clock=clock, keystore=keystore, boot_clock=boot)
    for _ in range(3):
        with pytest.raises(WrongPin):
            store.unlock("000000", platform_secret=PLATFORM_SECRET)
    store.close()
    shutil.copy(backup, store_dir / "keyring.json")  # the attacker puts the old file back
    store = DeviceStore.open(store_dir, clock=clock, keystore=keystore, boot_clock=boot)
    status = store.lock_status()
    assert (status.failed_attempts, status.wait_seconds) == (3, 30)
    with pytest.raises(TryAgainLater):
        store.unlock(PIN, platform_secret=PLATFORM_SECRET)
    boot.now += 30
    clock.advance(30)
    with pytest.raises(WrongPin) as raised:
        store.unlock("000000", platform_secret=PLATFORM_SECRET)
    assert raised.value.remaining_attempts == 6  # the fourth failure, not the first
    store.close()


def test_a_keyring_counter_ahead_of_the_keystore_copy_is_kept(
    store_dir: Path, clock: FakeClock
) -> None:
    """The larger count wins either way (an app killed between the two writes, say)."""
    keystore = FakeKeystore()
    store = DeviceStore.create(
        store_dir, passphrase=PIN, platform_secret=PLATFORM_SECRET, kdf_params=FAST_KDF,
        clock=clock, keystore=keystore,
    )  # fmt: skip
    store.close()
    store = DeviceStore.open(store_dir, clock=clock, keystore=keystore)
    with pytest.raises(WrongPin):
        store.unlock("000000", platform_secret=PLATFORM_SECRET)
    keystore.saved.clear()
    store.close()
    store = DeviceStore.open(store_dir, clock=clock, keystore=keystore)
    assert store.lock_status().failed_attempts == 1
    store.unlock(PIN, platform_secret=PLATFORM_SECRET)
    assert keystore.saved[store.device_id] == LockoutState()  # a right PIN resets both copies
    store.close()
