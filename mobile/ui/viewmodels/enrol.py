"""First run: the server address and enrolment code, then a passphrase of the practitioner's own.

On a phone the code can also be scanned from the QR code the organisation gives (device builds;
the web build types it). What was typed survives every error.

When the device's sign-in has expired (SyncProgress.needs_new_code), `for_new_code` offers the
same first stage for a new code only: the store, its passphrase and everything waiting to be sent
are kept (Session.re_enrol), and Next finishes.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from mobile import codes
from mobile.ui.viewmodels.base import Observable, plain_words

if TYPE_CHECKING:
    from mobile.services.session import Session

__all__ = ["CHOOSING_ADVICE", "EnrolStage", "EnrolViewModel"]

CHOOSING_ADVICE = (
    "Choose a passphrase you will remember and nobody could guess: a few unrelated words work "
    "well. You will type it every time you open the app. It protects the records on this device, "
    "and nobody (not even IT) can read them without it."
)


class EnrolStage(StrEnum):
    DEVICE = "device"  # server address and enrolment code
    PASSPHRASE = "passphrase"  # noqa: S105


class EnrolViewModel(Observable):
    def __init__(
        self,
        *,
        session: Session,
        on_enrolled: Callable[[], None],
        renewing: bool = False,
        on_cancel: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self._session = session
        self._on_enrolled = on_enrolled
        self.on_cancel = on_cancel  # renewing only: back to where the practitioner was
        self.renewing = renewing
        self.stage = EnrolStage.DEVICE
        self.server_url = ""
        self.code = ""
        self.passphrase = ""
        self.confirm = ""
        self.error = ""
        self.busy = False

    @classmethod
    def for_new_code(
        cls,
        *,
        session: Session,
        on_enrolled: Callable[[], None],
        on_cancel: Callable[[], None] | None = None,
    ) -> EnrolViewModel:
        """The sign-in expired: enter a new code; nothing on the device changes but that."""
        vm = cls(session=session, on_enrolled=on_enrolled, renewing=True, on_cancel=on_cancel)
        vm.server_url = session.about().server_url
        return vm

    @property
    def heading(self) -> str:
        return "Enter a new enrolment code" if self.renewing else "Set up this device"

    @property
    def guidance(self) -> str:
        if self.renewing:
            return (
                "This device's sign-in has expired. Ask your organisation for a new enrolment "
                "code and type it here. Everything on this device stays as it is, and what is "
                "waiting is sent once the code is accepted."
            )
        return (
            "Type the server address and enrolment code your organisation gave you. On a phone "
            "you can scan the QR code instead."
        )

    # Stage 1
    def set_server_url(self, value: str) -> None:
        self.server_url = value

    def set_code(self, value: str) -> None:
        self.code = value

    def set_scanned(self, payload: str) -> None:
        """A scanned QR code: "<server url>#<code>" or just the code."""
        url, sep, code = payload.strip().rpartition("#")
        if sep and url:
            self.server_url = url
            self.code = code
        else:
            self.code = payload.strip()
        self.notify()

    def server_problem(self) -> str | None:
        url = self.server_url.strip()
        if not url:
            return "Enter the server address your organisation gave you."
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            return "The server address should start with https:// - check it and try again."
        return None

    def code_problem(self) -> str | None:
        if not self.code.strip():
            return "Enter the enrolment code from your organisation."
        return None

    def next(self) -> bool:
        if self.renewing:
            return self._re_enrol()
        problem = self.server_problem() or self.code_problem()
        self.error = problem or ""
        if problem is None:
            self.stage = EnrolStage.PASSPHRASE
        self.notify()
        return problem is None

    def back(self) -> None:
        self.stage = EnrolStage.DEVICE
        self.error = ""
        self.notify()

    # Stage 2
    def set_passphrase(self, value: str) -> None:
        self.passphrase = value

    def set_confirm(self, value: str) -> None:
        self.confirm = value

    def passphrase_problem(self) -> str | None:
        if not self.passphrase:
            return "Choose a passphrase."
        problem = self._session.passphrase_problem(self.passphrase)
        if problem:
            return problem
        if self.confirm != self.passphrase:
            return "The two passphrases are different: type the same one twice."
        return None

    def enrol(self) -> bool:
        problem = self.passphrase_problem()
        if problem:
            self.error = problem
            self.notify()
            return False
        self.busy = True
        self.error = ""
        self.notify()
        try:
            self._session.enrol(
                server_url=self.server_url.strip(),
                code=self.code.strip(),
                passphrase=self.passphrase,
            )
        except Exception as exc:
            self.error = plain_words(exc)
            if getattr(exc, "code", "") != codes.WEAK_PASSPHRASE:
                self.stage = EnrolStage.DEVICE  # the address or code: shown where it is typed
            return False
        finally:
            self.busy = False
            self.notify()
        self.passphrase = self.confirm = ""
        self._on_enrolled()
        return True

    def _re_enrol(self) -> bool:
        problem = self.code_problem()
        self.error = problem or ""
        if problem is None:
            self.busy = True
            self.notify()
            try:
                self._session.re_enrol(code=self.code.strip())
            except Exception as exc:
                self.error = plain_words(exc)
                return False
            finally:
                self.busy = False
                self.notify()
            self._on_enrolled()
            return True
        self.notify()
        return False
