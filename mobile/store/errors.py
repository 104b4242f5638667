"""The store's error tree. Each error has a stable `code` from the app's catalogue (mobile/codes.py)
and a message in plain words that says what to do next. Messages never hold personal data.

StoreError                          store.error
├── NotSetUp                        store.not_set_up        no store in this folder yet
├── AlreadySetUp                    store.already_set_up    create() on a folder that has a store
├── StoreLocked                     store.locked            unlock first (or it auto-locked)
├── WrongPin                        store.wrong_pin         .remaining_attempts, .delay_seconds
├── TryAgainLater                   store.try_again_later   .wait_seconds: too soon after wrong PINs
├── LockedOut                       store.locked_out        10 wrong PINs: only online recovery opens it
├── PlatformSecretMissing           store.platform_secret_missing
├── WeakPassphrase                  store.weak_passphrase   .reason
├── RecoveryUnavailable             store.recovery_unavailable
├── RecoveryFailed                  store.recovery_failed
├── DeviceWiped                     store.device_wiped      crypto-erased (device revoked)
├── KeyringDamaged                  store.keyring_damaged
├── KdfUnavailable                  store.kdf_unavailable
├── SchemaTooNew                    store.schema_too_new    made by a newer app version
├── RecordNotFound (LookupError)    store.not_found         .table, .record_id
├── AlreadyAcknowledged             store.already_acknowledged
└── CorruptRecord                   store.corrupt_record    .table, .record_id, .what_to_do

Domain errors pass through unchanged from models.errors: RecordLocked (editing a submitted visit),
SubmissionBlocked (.check), AmendmentRejected (.check), RecordFormatError.
"""

from __future__ import annotations

from mobile import codes

__all__ = [
    "AlreadyAcknowledged",
    "AlreadySetUp",
    "AlreadyWaiting",
    "CorruptRecord",
    "DeviceWiped",
    "KdfUnavailable",
    "KeyringDamaged",
    "LockedOut",
    "NotSetUp",
    "PlatformSecretMissing",
    "RecordNotFound",
    "RecoveryFailed",
    "RecoveryUnavailable",
    "SchemaTooNew",
    "StoreError",
    "StoreLocked",
    "TryAgainLater",
    "WeakPassphrase",
    "WrongPin",
]


class StoreError(Exception):
    """Base of every error the store raises itself."""

    code = codes.STORE_ERROR


class NotSetUp(StoreError):
    code = codes.NOT_SET_UP

    def __init__(self) -> None:
        super().__init__("This device has not been set up yet: enrol it and choose a PIN.")


class AlreadySetUp(StoreError):
    code = codes.ALREADY_SET_UP

    def __init__(self) -> None:
        super().__init__("This device is already set up: unlock it with your PIN.")


class StoreLocked(StoreError):
    code = codes.LOCKED

    def __init__(self) -> None:
        super().__init__("The app is locked: enter your PIN to carry on. Nothing was lost.")


def _tries(number: int) -> str:
    """Every count of PIN tries says "tries", never "attempts"."""
    return f"{number} {'try' if number == 1 else 'tries'}"


class WrongPin(StoreError):
    code = codes.WRONG_PIN

    def __init__(self, remaining_attempts: int, delay_seconds: int) -> None:
        self.remaining_attempts = remaining_attempts
        self.delay_seconds = delay_seconds
        wait = f" Wait {_duration(delay_seconds)} before trying again." if delay_seconds else ""
        super().__init__(
            f"That PIN or passphrase is not right. {_tries(remaining_attempts)} left before the "
            f"app locks and needs your organisation to unlock it.{wait}"
        )


class TryAgainLater(StoreError):
    code = codes.TRY_AGAIN_LATER

    def __init__(self, wait_seconds: int, remaining_attempts: int) -> None:
        self.wait_seconds = wait_seconds
        self.remaining_attempts = remaining_attempts
        super().__init__(
            f"Too many wrong PINs: wait {_duration(wait_seconds)} before trying again "
            f"({_tries(remaining_attempts)} left)."
        )


class LockedOut(StoreError):
    code = codes.LOCKED_OUT

    def __init__(self) -> None:
        super().__init__(
            "Too many wrong PINs: the app is locked. Connect to the internet and ask your "
            "organisation to unlock it (recovery). Your unsent visits are kept safe."
        )


class PlatformSecretMissing(StoreError):
    code = codes.PLATFORM_SECRET_MISSING

    def __init__(self) -> None:
        super().__init__(
            "This device's secure storage did not answer, so the app cannot be unlocked here. "
            "Restart the phone and try again; if it persists, contact support."
        )


class WeakPassphrase(StoreError):
    code = codes.WEAK_PASSPHRASE

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class RecoveryUnavailable(StoreError):
    code = codes.RECOVERY_UNAVAILABLE

    def __init__(self) -> None:
        super().__init__(
            "This device was set up without your organisation's recovery key, so a forgotten PIN "
            "cannot be recovered here. Contact support before doing anything else."
        )


class RecoveryFailed(StoreError):
    code = codes.RECOVERY_FAILED

    def __init__(self) -> None:
        super().__init__(
            "Recovery did not work: the key your organisation sent does not open this device's "
            "records. Nothing was changed; contact support."
        )


class DeviceWiped(StoreError):
    code = codes.DEVICE_WIPED

    def __init__(self) -> None:
        super().__init__(
            "This device was removed from service by your organisation and its records were "
            "erased. Contact your manager to enrol it again."
        )


class KeyringDamaged(StoreError):
    code = codes.KEYRING_DAMAGED

    def __init__(self, what: str) -> None:
        super().__init__(
            f"The app's key file cannot be read ({what}). Do not reinstall the app; contact support."
        )


class KdfUnavailable(StoreError):
    code = codes.KDF_UNAVAILABLE

    def __init__(self, algorithm: str) -> None:
        self.algorithm = algorithm
        super().__init__(
            f"This version of the app cannot use the key setting '{algorithm}' this device was "
            "set up with. Update the app; do not reinstall it."
        )


class SchemaTooNew(StoreError):
    code = codes.SCHEMA_TOO_NEW

    def __init__(self, found: int, supported: int) -> None:
        self.found = found
        self.supported = supported
        super().__init__(
            f"The records on this device were written by a newer version of the app (format "
            f"{found}, this version reads up to {supported}). Update the app; do not reinstall it."
        )


class RecordNotFound(StoreError, LookupError):
    code = codes.NOT_FOUND

    def __init__(self, table: str, record_id: object) -> None:
        self.table = table
        self.record_id = str(record_id)
        super().__init__(f"There is no {table} {record_id} on this device.")


class AlreadyAcknowledged(StoreError):
    code = codes.ALREADY_ACKNOWLEDGED

    def __init__(self, concern_id: object) -> None:
        self.concern_id = str(concern_id)
        super().__init__("This concern has already been acknowledged.")


class AlreadyWaiting(StoreError):
    code = codes.ALREADY_WAITING

    def __init__(self) -> None:
        super().__init__(
            "A newer version of this is already waiting to be sent, so this one cannot be sent "
            "again now. Both are kept."
        )


class CorruptRecord(StoreError):
    """One record that cannot be read: named, with what to do. Lists skip it and report it."""

    code = codes.CORRUPT_RECORD

    def __init__(self, table: str, record_id: object, what_to_do: str) -> None:
        self.table = table
        self.record_id = str(record_id)
        self.what_to_do = what_to_do
        super().__init__(
            f"A {table} record on this device cannot be read (reference {table}/{record_id}). "
            f"{what_to_do}"
        )


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} seconds"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
