"""Settings: change the PIN or passphrase, lock now, and what this device is (about)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from mobile.ui.viewmodels.base import Observable, plain_words

if TYPE_CHECKING:
    from mobile.services.session import Session

__all__ = ["SettingsViewModel"]


def _when(value: object) -> str:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return "Not synced yet" if value in ("", "never") else str(value)
    if isinstance(value, datetime):
        return f"{value:%H:%M, %d %b %Y}"
    return "Not synced yet"


class SettingsViewModel(Observable):
    def __init__(self, *, session: Session, on_lock: Callable[[], None]) -> None:
        super().__init__()
        self._session = session
        self._on_lock = on_lock
        self.old = ""
        self.new = ""
        self.confirm = ""
        self.error = ""
        self.message = ""

    def set_old(self, value: str) -> None:
        self.old = value

    def set_new(self, value: str) -> None:
        self.new = value

    def set_confirm(self, value: str) -> None:
        self.confirm = value

    def change_passphrase(self) -> bool:
        self.message = ""
        problem = None
        if not self.old:
            problem = "Type your current PIN or passphrase."
        elif not self.new:
            problem = "Type the new PIN or passphrase."
        else:
            problem = self._session.passphrase_problem(self.new)
        if problem is None and self.new != self.confirm:
            problem = "The two new passphrases are different: type the same one twice."
        if problem:
            self.error = problem
            self.notify()
            return False
        try:
            self._session.change_passphrase(old=self.old, new=self.new)
        except Exception as exc:
            self.error = plain_words(exc)
            self.notify()
            return False
        self.old = self.new = self.confirm = ""
        self.error = ""
        self.message = "Changed. Use the new one next time you unlock."
        self.notify()
        return True

    def lock_now(self) -> None:
        self._on_lock()

    def about_lines(self) -> list[tuple[str, str]]:
        try:
            about = self._session.about()
        except Exception as exc:
            return [("Problem", plain_words(exc))]
        last = _when(about.last_sync_at)
        return [
            ("Version", about.version),
            ("Device", str(about.device_id or "not enrolled")),
            ("Server", about.server_url or "not set"),
            ("Last sync", last),
        ]
