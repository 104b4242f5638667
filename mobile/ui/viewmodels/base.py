"""What every view-model shares: change notification and turning errors into plain words."""

from __future__ import annotations

import logging
from collections.abc import Callable

from mobile.services.errors import AppError

__all__ = ["UNEXPECTED", "Observable", "plain_words"]

log = logging.getLogger(__name__)

UNEXPECTED = (
    "Something went wrong on this device. What you typed is still here: try again, and if it "
    "keeps happening tell your IT support."
)


def plain_words(exc: BaseException) -> str:
    """The message a practitioner sees. Lower layers' exception text is never shown or logged:
    it may hold personal data. Only the class name and stable code reach the log."""
    if isinstance(exc, AppError):
        log.info("app error %s", exc.code)
        return exc.message
    log.error("unexpected error %s", type(exc).__name__)
    return UNEXPECTED


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
