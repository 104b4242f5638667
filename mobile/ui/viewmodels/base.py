"""What every view-model shares: change notification and turning errors into plain words."""

from __future__ import annotations

import logging
from collections.abc import Callable

from mobile.services.errors import AppError, app_error

__all__ = ["Observable", "plain_words"]

log = logging.getLogger(__name__)


def plain_words(exc: BaseException) -> str:
    """The message a practitioner sees: the words `app_error` gives (mobile/services/errors.py,
    the one place an error becomes words). Lower layers' exception text is never logged: it may
    hold personal data. Only the class name and stable code reach the log."""
    shown = app_error(exc)
    if isinstance(exc, AppError):
        log.info("app error %s", shown.code)
    else:
        log.error("unexpected error %s (%s)", type(exc).__name__, shown.code)
    return shown.message


class Observable:
    """A view-model tells its view "I changed"; the view re-reads what it shows."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], None]] = []

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def notify(self) -> None:
        for listener in list(self._listeners):
            listener()
