"""Sync: a button, progress while it runs, and each record's state. Never "done" while anything
is still waiting: a record leaves the device only when the central record has acknowledged it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from mobile.services.shapes import RecordSyncState, SyncProgress
from mobile.ui.viewmodels.base import Observable, plain_words
from mobile.ui.viewmodels.labels import counted, label, waiting_words
from models.receipt import SyncState

if TYPE_CHECKING:
    from mobile.services.sync import SyncService

__all__ = ["SHOWN_ACKNOWLEDGED", "RecordLine", "SyncViewModel", "record_line", "waited_words"]

SHOWN_ACKNOWLEDGED = 20  # the latest acknowledged records listed; anything unsettled always is
_PENDING = (SyncState.PENDING, SyncState.SENT)
_NEEDS_ATTENTION = (SyncState.REJECTED, SyncState.CONFLICT)


@dataclass(frozen=True)
class RecordLine:
    title: str
    status: str
    detail: str
    needs_attention: bool
    saved: str = ""  # "Saved 28 Nov 14:05 · waiting 3 days"
    attempts: str = ""  # "72 send attempts, the last at 14:05, 01 Dec"


def waited_words(waited: timedelta) -> str:
    """How long a record has waited, in the largest whole unit: "3 days", "5 hours"."""
    seconds = int(waited.total_seconds())
    if seconds >= 86400:
        return counted(seconds // 86400, "day")
    if seconds >= 3600:
        return counted(seconds // 3600, "hour")
    if seconds >= 60:
        return counted(seconds // 60, "minute")
    return "under a minute"


def saved_words(state: RecordSyncState) -> str:
    if state.saved_at is None:
        return ""
    saved = f"Saved {state.saved_at:%d %b %H:%M}"
    return saved if state.waited is None else f"{saved} · waiting {waited_words(state.waited)}"


def attempts_words(state: RecordSyncState) -> str:
    if state.status == SyncState.PENDING and not state.attempts:
        return "Not sent yet"
    if not state.attempts:
        return ""
    last = f", the last at {state.last_attempt_at:%H:%M, %d %b}" if state.last_attempt_at else ""
    return f"{counted(state.attempts, 'send attempt')}{last}"


def record_line(state: RecordSyncState, *, title: str | None = None) -> RecordLine:
    detail = ""
    if state.status == SyncState.ACKNOWLEDGED:
        # The end of the receipt id: ids are time-ordered, so their first characters are alike.
        receipt = str(state.receipt_id)[-8:] if state.receipt_id else "none"
        when = f" at {state.acknowledged_at:%H:%M, %d %b}" if state.acknowledged_at else ""
        detail = f"Receipt {receipt}{when}"
    elif state.status in _NEEDS_ATTENTION:
        detail = " ".join(state.problems) or (
            "The central record did not accept this. Open it, check it, and tell your manager "
            "if it happens again."
        )
    elif state.status == SyncState.PENDING:
        detail = "Safe on this device. It goes when there is a signal."
    elif state.status == SyncState.SENT:
        detail = "Not confirmed yet, so it stays on this device and is sent again."
    return RecordLine(
        title or state.title,
        label(state.status),
        detail,
        state.status in _NEEDS_ATTENTION,
        saved=saved_words(state),
        attempts=attempts_words(state),
    )


class SyncViewModel(Observable):
    def __init__(
        self,
        *,
        sync: SyncService,
        describe: Callable[[RecordSyncState], str] | None = None,
    ) -> None:
        super().__init__()
        self._sync = sync
        self._describe = describe or (lambda state: state.title)
        self.progress: SyncProgress | None = None
        self.records: list[RecordSyncState] = []
        self.running = False
        self.error = ""

    def refresh(self) -> None:
        try:
            self.progress = self._sync.progress()
            self.records = self._sync.records()
        except Exception as exc:
            self.error = plain_words(exc)
        self.notify()

    def sync_now(self) -> None:
        """Blocking: the view runs it off the UI thread."""
        if self.running:
            return
        self.running = True
        self.error = ""
        self.notify()
        try:
            self.progress = self._sync.sync_now()
        except Exception as exc:
            self.error = plain_words(exc)
        finally:
            self.running = False
        self.refresh()

    @property
    def pending(self) -> int:
        """Records waiting: not acknowledged (outbox plus quarantine), as the caseload counts."""
        return self.progress.pending if self.progress else 0

    @property
    def needs_new_code(self) -> bool:
        """The sign-in expired: the screen offers to enter a new enrolment code."""
        return bool(self.progress and self.progress.needs_new_code)

    @property
    def needs_attention(self) -> int:
        return sum(1 for r in self.records if r.status in _NEEDS_ATTENTION)

    def summary(self) -> str:
        if self.running:
            return "Syncing..."
        parts = []
        last_error = self.error or (self.progress.last_error if self.progress else "")
        if self.pending:
            they = "It is" if self.pending == 1 else "They are"
            safe = "" if "safe" in last_error else f" {they} safe on this device."
            parts.append(f"{waiting_words(self.pending)}.{safe}")
        if self.needs_attention:
            need = "needs" if self.needs_attention == 1 else "need"
            parts.append(f"{self.needs_attention} {need} your attention (see below).")
        if last_error:
            parts.append(last_error)
        if parts:
            return " ".join(parts)
        if not self.records:
            return "Nothing to send yet."
        return "Everything is acknowledged by the central record."

    def last_sync_text(self) -> str:
        when = self.progress.last_sync_at if self.progress else None
        return f"Last sync {when:%H:%M, %d %b %Y}" if when else "Not synced yet"

    def _shown(self) -> tuple[list[RecordSyncState], int]:
        """What needs attention, then what is waiting (oldest first), then the latest
        acknowledged (newest first); and how many older acknowledged records are not listed."""
        attention = [r for r in self.records if r.status in _NEEDS_ATTENTION]
        waiting = [r for r in self.records if r.status in _PENDING]
        done = [r for r in self.records if r.status == SyncState.ACKNOWLEDGED][::-1]
        return [*attention, *waiting, *done[:SHOWN_ACKNOWLEDGED]], max(
            0, len(done) - SHOWN_ACKNOWLEDGED
        )

    def lines(self) -> list[RecordLine]:
        shown, _ = self._shown()
        return [record_line(r, title=self._describe(r)) for r in shown]

    def earlier_text(self) -> str:
        _, hidden = self._shown()
        if not hidden:
            return ""
        return f"{counted(hidden, 'earlier record')} acknowledged, not listed."
