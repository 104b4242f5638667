"""The app's error tree: every failure a practitioner can meet, with a stable code and plain words.

    AppError (.code, .message: what to do next)
    ├── WrongPinError          wrong PIN/passphrase; .remaining_attempts, .retry_after_seconds
    ├── LockedOutError         too many wrong PINs: only online recovery unlocks
    ├── WeakPassphraseError    the passphrase would not resist an offline guess
    ├── NotEnrolledError       this device has not been enrolled yet
    ├── EnrolmentError         the enrolment code or server address did not work
    ├── SessionLockedError     the app locked (idle or by hand): unlock to carry on
    ├── SubmissionBlockedError the visit breaks recording rules; .check lists every problem
    ├── RecordLockedError      a submitted visit was edited: amend it instead
    ├── CorruptRecordError     one stored record cannot be read; .record_id
    ├── DeviceWipedError       the central record revoked this device; its data was erased
    └── SyncFailedError        sync could not finish; nothing was lost, it will retry

The UI shows `.message`; it never shows exception text from lower layers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    from models.rules import Check

__all__ = [
    "AppError",
    "CorruptRecordError",
    "DeviceWipedError",
    "EnrolmentError",
    "LockedOutError",
    "NotEnrolledError",
    "RecordLockedError",
    "SessionLockedError",
    "SubmissionBlockedError",
    "SyncFailedError",
    "WeakPassphraseError",
    "WrongPinError",
]


class AppError(Exception):
    code = "app.error"

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class WrongPinError(AppError):
    code = "session.wrong_pin"

    def __init__(self, *, remaining_attempts: int, retry_after_seconds: float) -> None:
        self.remaining_attempts = remaining_attempts
        self.retry_after_seconds = retry_after_seconds
        wait = (
            f" Wait {int(retry_after_seconds + 0.999)} seconds before trying again."
            if retry_after_seconds > 0
            else ""
        )
        super().__init__(
            f"That PIN or passphrase is not right. {remaining_attempts} "
            f"{'try' if remaining_attempts == 1 else 'tries'} left before the app locks.{wait}"
        )


class LockedOutError(AppError):
    code = "session.locked_out"

    def __init__(self) -> None:
        super().__init__(
            "Too many wrong tries: the app is locked. Your unsynced visits are safe. Connect to "
            "the internet and ask your team manager or IT to recover access."
        )


class WeakPassphraseError(AppError):
    code = "session.weak_passphrase"


class NotEnrolledError(AppError):
    code = "session.not_enrolled"

    def __init__(self) -> None:
        super().__init__("This device is not set up yet: enter your enrolment code.")


class EnrolmentError(AppError):
    code = "session.enrolment_failed"


class SessionLockedError(AppError):
    code = "session.locked"

    def __init__(self) -> None:
        super().__init__("The app locked to keep records safe. Unlock to carry on.")


class SubmissionBlockedError(AppError):
    code = "visit.incomplete"

    def __init__(self, check: Check) -> None:
        self.check = check
        count = len(check.problems)
        super().__init__(
            f"{count} {'thing needs' if count == 1 else 'things need'} doing before you can submit."
        )


class RecordLockedError(AppError):
    code = "visit.locked"

    def __init__(self) -> None:
        super().__init__(
            "This visit has been submitted and cannot be changed. To correct it, add an amendment "
            "with a reason."
        )


class CorruptRecordError(AppError):
    code = "store.corrupt_record"

    def __init__(self, record_id: UUID | str, message: str) -> None:
        self.record_id = record_id
        super().__init__(message)


class DeviceWipedError(AppError):
    code = "device.wiped"

    def __init__(self) -> None:
        super().__init__(
            "Your organisation has withdrawn this device, so its records were erased. "
            "Contact your team manager."
        )


class SyncFailedError(AppError):
    code = "sync.failed"
