"""The app's error tree, and the one place an error becomes the words on the screen (`app_error`).

    AppError (.code from mobile/codes.py, .message: what to do next)
    ├── WrongPinError           store.wrong_pin, store.try_again_later: .remaining_attempts,
    │                           .retry_after_seconds
    ├── LockedOutError          store.locked_out: only online recovery unlocks
    ├── SessionLockedError      store.locked (idle or by hand): unlock to carry on
    ├── SubmissionBlockedError  visit.incomplete: the visit breaks recording rules; .check
    ├── RecordLockedError       visit.locked: a submitted visit was edited: amend it instead
    ├── DeviceWipedError        device.revoked, device.retiring: this device erased itself;
    │                           store.device_wiped: found erased
    └── (plain AppError)        any other code, from the layer that raised it

The store's errors and the sync client's carry a stable `.code` (the sync client's also the
central record's words, `.detail`); `app_error()` maps by that code, so this module imports
neither the store (and cryptography) nor the sync client (and httpx), and every view-model can
import it. Services wrap their work in `app_errors()`: whatever fails leaves as an AppError.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from mobile import codes
from models import errors as model_errors

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
    "app_errors",
]


class AppError(Exception):
    def __init__(self, message: str, *, code: str) -> None:
        self.message = message
        self.code = code
        super().__init__(message)

    @classmethod
    def of(cls, code: str) -> AppError:
        """The app's own refusal `code`, in the catalogue's words."""
        return cls(codes.WORDS[code], code=code)


class WrongPinError(AppError):
    def __init__(
        self, message: str, *, code: str, remaining_attempts: int, retry_after_seconds: int
    ) -> None:
        self.remaining_attempts = remaining_attempts
        self.retry_after_seconds = retry_after_seconds
        super().__init__(message, code=code)


class LockedOutError(AppError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code=codes.LOCKED_OUT)


class SessionLockedError(AppError):
    def __init__(self) -> None:
        super().__init__(codes.WORDS[codes.LOCKED], code=codes.LOCKED)


class SubmissionBlockedError(AppError):
    def __init__(self, check: Check) -> None:
        self.check = check
        count = len(check.problems)
        super().__init__(
            f"{count} {'thing needs' if count == 1 else 'things need'} doing before you can submit.",
            code=codes.VISIT_INCOMPLETE,
        )


class RecordLockedError(AppError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code=codes.VISIT_LOCKED)


class DeviceWipedError(AppError):
    """`code` says why: device.revoked or device.retiring (the central record withdrew this
    device just now; `message` adds to the catalogue's words), store.device_wiped (found so)."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or codes.WORDS[code], code=code)


def app_error(exc: BaseException) -> AppError:
    """The AppError a practitioner should see for `exc` from the store, the sync client or the
    domain. Anything else becomes the catalogue's "unexpected" words (only its type is logged,
    by whoever catches it: an exception's text may quote a record)."""
    if isinstance(exc, AppError):
        return exc
    if isinstance(exc, model_errors.SubmissionBlocked):
        return SubmissionBlockedError(exc.check)
    if isinstance(exc, model_errors.RecordLocked):
        return RecordLockedError(str(exc))
    if isinstance(exc, model_errors.RecordError):
        return AppError(str(exc), code=codes.VISIT_INVALID)
    code = getattr(exc, "code", None)
    detail = getattr(exc, "detail", None)
    if isinstance(code, str) and isinstance(detail, str):  # the sync client's: the server's words
        return AppError(detail, code=code)
    if not isinstance(code, str) or code not in codes.FROM_STORE:
        return AppError.of(codes.UNEXPECTED)
    words = str(exc)  # the store's messages never hold personal data
    if code in (codes.WRONG_PIN, codes.TRY_AGAIN_LATER):  # the store names the wait differently
        wait = "delay_seconds" if code == codes.WRONG_PIN else "wait_seconds"
        return WrongPinError(
            words,
            code=code,
            remaining_attempts=getattr(exc, "remaining_attempts", 0),
            retry_after_seconds=getattr(exc, wait, 0),
        )
    if code == codes.LOCKED_OUT:
        return LockedOutError(words)
    if code == codes.LOCKED:
        return SessionLockedError()
    if code == codes.DEVICE_WIPED:
        return DeviceWipedError(code, words)
    return AppError(words, code=code)


@contextmanager
def app_errors() -> Iterator[None]:
    """`with app_errors(): ...` (or `@app_errors()`): whatever fails inside leaves as the
    AppError a practitioner should see. The original is not chained into the traceback: its text
    may quote a record."""
    try:
        yield
    except Exception as exc:
        raise app_error(exc) from None
