"""Unlock with the PIN or passphrase; after wrong tries, say how many are left and how long to wait."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from mobile.services.errors import LockedOutError, WrongPinError
from mobile.ui.viewmodels.base import Observable, plain_words

if TYPE_CHECKING:
    from mobile.services.session import Session

__all__ = ["UnlockViewModel"]


class UnlockViewModel(Observable):
    def __init__(
        self,
        *,
        session: Session,
        on_unlocked: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self._session = session
        self._on_unlocked = on_unlocked
        self._clock = clock
        self.secret = ""
        self.error = ""
        self.remaining_attempts: int | None = None
        self.locked_out = False
        self.busy = False
        self._retry_at = 0.0
        self._wrong = ""  # the last wrong-PIN message: the status words it itself

    def set_secret(self, value: str) -> None:
        self.secret = value

    def wait_seconds(self) -> int:
        """Whole seconds before the next try is allowed (0: try now)."""
        return max(0, math.ceil(self._retry_at - self._clock()))

    @property
    def can_try(self) -> bool:
        return not self.locked_out and not self.busy and self.wait_seconds() == 0

    def status(self) -> str:
        if self.locked_out:
            return self.error
        wait = self.wait_seconds()
        tries = self.remaining_attempts
        if tries is None or self.error != self._wrong:
            return self.error
        left = f"{tries} {'try' if tries == 1 else 'tries'} left"
        if wait:  # counts down: the screen redraws this every second
            unit = "second" if wait == 1 else "seconds"
            return f"That PIN or passphrase is not right. {left}. Try again in {wait} {unit}."
        return (
            f"That PIN or passphrase is not right. {left} before the app locks and needs your "
            "organisation to unlock it."
        )

    def unlock(self) -> bool:
        if not self.secret:
            self.error = "Type your PIN or passphrase."
            self.notify()
            return False
        if not self.can_try:
            self.notify()
            return False
        self.busy = True
        try:
            self._session.unlock(self.secret)
        except WrongPinError as exc:
            self.remaining_attempts = exc.remaining_attempts
            self._retry_at = self._clock() + exc.retry_after_seconds
            self.error = self._wrong = exc.message
            return False
        except LockedOutError as exc:
            self.locked_out = True
            self.error = exc.message
            return False
        except Exception as exc:
            self.error = plain_words(exc)
            return False
        finally:
            self.busy = False
            self.notify()
        self.secret = ""
        self.error = ""
        self.remaining_attempts = None
        self._on_unlocked()
        return True
