"""Sync: a button, progress while it runs, and each record's state. Never "done" while anything
is still waiting: a record leaves the device only when the central record has acknowledged it."""

from __future__ import annotations

from dataclasses import dataclass

from mobile.services.api import RecordSyncState, SyncProgress, SyncRecordStatus
from mobile.ui.viewmodels.base import Observable, plain_words
from mobile.ui.viewmodels.labels import label
from mobile.ui.viewmodels.ports import SyncPort

__all__ = ["RecordLine", "SyncViewModel"]

_PENDING = (SyncRecordStatus.WAITING, SyncRecordStatus.SENT)
_NEEDS_ATTENTION = (SyncRecordStatus.REJECTED, SyncRecordStatus.CONFLICT)


@dataclass(frozen=True)
class RecordLine:
    title: str
    status: str
    detail: str
    needs_attention: bool


def record_line(state: RecordSyncState) -> RecordLine:
    detail = ""
    if state.status == SyncRecordStatus.ACKNOWLEDGED:
        receipt = str(state.receipt_id)[:8] if state.receipt_id else "none"
        when = f" at {state.acknowledged_at:%H:%M, %d %b}" if state.acknowledged_at else ""
        detail = f"Receipt {receipt}{when}"
    elif state.status in _NEEDS_ATTENTION:
        detail = " ".join(state.problems) or (
            "The central record did not accept this. Open it, check it, and tell your manager "
            "if it happens again."
        )
    elif state.status == SyncRecordStatus.WAITING:
        detail = "Safe on this device. It goes when there is a signal."
    elif state.status == SyncRecordStatus.SENT:
        detail = "Sent. Waiting for the central record to confirm."
    return RecordLine(state.title, label(state.status), detail, state.status in _NEEDS_ATTENTION)


class SyncViewModel(Observable):
    def __init__(self, *, sync: SyncPort) -> None:
        super().__init__()
        self._sync = sync
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
        listed = sum(1 for r in self.records if r.status in _PENDING)
        return max(listed, self.progress.pending if self.progress else 0)

    @property
    def needs_attention(self) -> int:
        return sum(1 for r in self.records if r.status in _NEEDS_ATTENTION)

    def summary(self) -> str:
        if self.running:
            return "Syncing..."
        parts = []
        if self.pending:
            parts.append(
                f"{self.pending} record{'s' if self.pending != 1 else ''} waiting for the central "
                "record. They are safe on this device."
            )
        if self.needs_attention:
            parts.append(f"{self.needs_attention} need your attention (see below).")
        last_error = self.error or (self.progress.last_error if self.progress else "")
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

    def lines(self) -> list[RecordLine]:
        return [record_line(r) for r in self.records]
