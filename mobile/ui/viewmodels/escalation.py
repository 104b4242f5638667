"""Record an escalation: the visits the app asks one for, and a short form (who, how, when, what
they said). Half-typed answers stay here until Save; the service checks and stores them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from mobile.services.errors import SubmissionBlockedError
from mobile.ui.viewmodels.base import Observable, plain_words
from mobile.ui.viewmodels.labels import choices, counted
from models.escalation import EscalationMethod

if TYPE_CHECKING:
    from mobile.services.escalations import EscalationService

__all__ = ["DueLine", "EscalationViewModel", "due_lines"]

SAVED = "Escalation recorded. It will reach the central record at the next sync."


@dataclass(frozen=True)
class DueLine:
    visit_id: UUID
    text: str  # what the screen shows and a screen reader reads
    action: str  # the button's words


class EscalationViewModel(Observable):
    def __init__(self, *, escalations: EscalationService, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self._escalations = escalations
        self._clock = clock
        self.due: list[DueLine] = []
        self.error = ""
        self.message = ""
        self.clear()

    def clear(self) -> None:
        self.visit_id: UUID | None = None
        self.to_whom = ""
        self.how = ""
        self.when = ""  # "16:10" today; empty: now
        self.response = ""
        self.field_errors: dict[str, str] = {}

    @property
    def how_choices(self) -> list[tuple[str, str]]:
        return choices(EscalationMethod)

    def load(self) -> None:
        try:
            self.due = due_lines(self._escalations, self._clock())
            self.error = ""
        except Exception as exc:
            self.error = plain_words(exc)
        self.notify()

    def start(self, visit_id: UUID) -> None:
        self.clear()
        self.visit_id = visit_id
        self.message = ""
        self.notify()

    def set(self, field: str, value: str) -> None:
        if field not in ("to_whom", "how", "when", "response"):
            raise ValueError(f"no such answer: {field}")
        setattr(self, field, value)
        self.field_errors.pop(field, None)

    def save(self) -> bool:
        if self.visit_id is None:
            self.error = "Choose the visit this escalation is about."
            self.notify()
            return False
        at = self._when()
        if at is None:
            self.field_errors = {"when": "Enter the time as hours and minutes, like 16:10."}
            self.notify()
            return False
        try:
            self._escalations.record(
                visit_id=self.visit_id,
                at=at,
                to_whom=self.to_whom,
                how=EscalationMethod(self.how) if self.how else None,
                response=self.response,
            )
        except SubmissionBlockedError as exc:  # say which answer, keep everything typed
            self.field_errors = {
                ("when" if p.field == "at" else p.field): p.message for p in exc.check.problems
            }
            self.error = ""
            self.notify()
            return False
        except Exception as exc:
            self.error = plain_words(exc)
            self.notify()
            return False
        self.clear()
        self.error, self.message = "", SAVED
        self.load()
        return True

    def _when(self) -> datetime | None:
        now = self._clock()
        text = self.when.strip()
        if not text:
            return now
        try:
            moment = time.fromisoformat(text if len(text) > 4 else f"0{text}")
        except ValueError:
            return None
        return datetime.combine(now.date(), moment, tzinfo=now.tzinfo)


def due_lines(
    escalations: EscalationService, now: datetime, *, child_id: UUID | None = None
) -> list[DueLine]:
    """The prompt for each visit that needs an escalation recorded (about `child_id`, if given)."""
    return [
        _line(d.visit.visit_id, d.visit.started_at, now - d.unsent_since)
        for d in escalations.due()
        if child_id is None or any(c.child_id == child_id for c in d.visit.children)
    ]


def _line(visit_id: UUID, started: datetime | None, waiting: timedelta) -> DueLine:
    hours = int(waiting.total_seconds() // 3600)
    day = f"{started:%d %b %Y at %H:%M}" if started else "a recent visit"
    text = (
        f"Visit on {day} is not yet sent after {counted(hours, 'hour')}, and it needs your "
        "manager to know: record who you told."
    )
    return DueLine(visit_id, text, f"Record an escalation for the visit on {day}")
