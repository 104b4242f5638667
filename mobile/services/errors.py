"""The app's error tree: every failure a practitioner can meet, with a stable code and plain words.

    AppError (.code, .message: what to do next)
    ├── WrongPinError           .remaining_attempts, .retry_after_seconds
    ├── LockedOutError          too many wrong PINs: only online recovery unlocks
    ├── SessionLockedError      the app locked (idle or by hand): unlock to carry on
    ├── SubmissionBlockedError  the visit breaks recording rules; .check lists every problem
    ├── RecordLockedError       a submitted visit was edited: amend it instead
    ├── DeviceWipedError        the central record revoked this device; its data was erased
    └── (plain AppError)        anything else, its code taken from the layer that raised it

The store and the sync client already speak in plain words with stable codes; `app_error()`
carries those across so the UI handles one type and shows `.message`, never a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mobile.store import errors as store_errors
from models import errors as model_errors
from sync import client as sync_errors

if TYPE_CHECKING:
    from models.rules import Check

__all__ = [
    "AppError",
    "DeviceWipedError",
    "LockedOutError",
    "RecordLockedError",
    "SessionLockedError",
    "SubmissionBlockedError",
    "WrongPinError",
    "app_error",
]


class AppError(Exception):
    def __init__(self, message: str, *, code: str = "app.error") -> None:
        self.message = message
        self.code = code
        super().__init__(message)


class WrongPinError(AppError):
    def __init__(self, message: str, *, remaining_attempts: int, retry_after_seconds: int) -> None:
        self.remaining_attempts = remaining_attempts
        self.retry_after_seconds = retry_after_seconds
        super().__init__(message, code="session.wrong_pin")


class LockedOutError(AppError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="session.locked_out")


class SessionLockedError(AppError):
    def __init__(self) -> None:
        super().__init__(
            "The app locked to keep records safe. Unlock to carry on: nothing was lost.",
            code="session.locked",
        )


class SubmissionBlockedError(AppError):
    def __init__(self, check: Check) -> None:
        self.check = check
        count = len(check.problems)
        super().__init__(
            f"{count} {'thing needs' if count == 1 else 'things need'} doing before you can submit.",
            code="visit.incomplete",
        )


class RecordLockedError(AppError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="visit.locked")


class DeviceWipedError(AppError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="device.wiped")


def app_error(exc: Exception) -> AppError:
    """The AppError a practitioner should see for `exc` from the store, the sync client or the
    domain. Anything unexpected becomes a generic message (details go to the log, not the screen)."""
    if isinstance(exc, AppError):
        return exc
    if isinstance(exc, store_errors.WrongPin):
        return WrongPinError(
            str(exc),
            remaining_attempts=exc.remaining_attempts,
            retry_after_seconds=exc.delay_seconds,
        )
    if isinstance(exc, store_errors.TryAgainLater):
        return WrongPinError(
            str(exc),
            remaining_attempts=exc.remaining_attempts,
            retry_after_seconds=exc.wait_seconds,
        )
    if isinstance(exc, store_errors.LockedOut):
        return LockedOutError(str(exc))
    if isinstance(exc, store_errors.StoreLocked):
        return SessionLockedError()
    if isinstance(exc, store_errors.DeviceWiped):
        return DeviceWipedError(str(exc))
    if isinstance(exc, model_errors.SubmissionBlocked):
        return SubmissionBlockedError(exc.check)
    if isinstance(exc, model_errors.RecordLocked):
        return RecordLockedError(str(exc))
    if isinstance(exc, store_errors.StoreError):
        return AppError(str(exc), code=exc.code)
    if isinstance(exc, sync_errors.SyncError):
        return AppError(exc.detail, code=exc.code)
    if isinstance(exc, model_errors.RecordError):
        return AppError(str(exc), code="visit.invalid")
    return AppError(
        "Something went wrong. What you entered is kept on this device; try again, and if it "
        "keeps happening, tell support the time it happened.",
        code="app.unexpected",
    )
