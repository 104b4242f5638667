"""One child: the central record's flags, who they live with, concerns to acknowledge (saying
what was done, then confirming) and those acknowledged (by whom, when), an escalation to record,
and starting a visit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from mobile.services.concern_words import action_problem
from mobile.services.shapes import CaseloadRow, ChildFlag
from mobile.ui.viewmodels.base import Observable, plain_words
from mobile.ui.viewmodels.child_history import HistoryLine, history_lines, restriction_lines
from mobile.ui.viewmodels.escalation import DueLine, due_lines
from mobile.ui.viewmodels.labels import label
from mobile.ui.viewmodels.task_done import TaskDoneForm, TaskLine
from models.concern import ConcernReceived
from models.enums import CarerRole

if TYPE_CHECKING:
    from mobile.services.caseload import CaseloadService, ChildDetail
    from mobile.services.escalations import EscalationService

__all__ = ["ChildViewModel", "ConcernLine", "FlagLine", "PersonLine"]


@dataclass(frozen=True)
class PersonLine:
    name: str
    detail: str


@dataclass(frozen=True)
class ConcernLine:
    concern_id: UUID
    text: str
    acknowledged: str = ""  # "Acknowledged by you on 01 Dec 2026 at 15:29. What was done: ..."


@dataclass(frozen=True)
class FlagLine:
    """One flag in words: the urgency is a word in the title, never a colour alone."""

    title: str  # "Urgent: Not seen at the last visit"
    lines: tuple[str, ...]  # why; since when; who must act; what would clear it
    urgent: bool

    @property
    def spoken(self) -> str:
        return ". ".join((self.title, *self.lines))


class ChildViewModel(Observable):
    def __init__(
        self,
        *,
        caseload: CaseloadService,
        row: CaseloadRow,
        household: list[CaseloadRow],
        on_start_visit: Callable[[list[UUID]], None],
        escalations: EscalationService | None = None,
        now: Callable[[], datetime] | None = None,
        on_escalate: Callable[[UUID], None] | None = None,
        on_amend: Callable[[UUID], None] | None = None,
    ) -> None:
        super().__init__()
        self._caseload = caseload
        self._escalations, self._now, self._on_escalate = escalations, now, on_escalate
        self._on_amend = on_amend
        self.escalations_due: list[DueLine] = []
        self.row = row
        self.household = household
        self._on_start_visit = on_start_visit
        self.selected: set[UUID] = {r.child_id for r in household} or {row.child_id}
        self.detail: ChildDetail | None = None
        self.action_taken: dict[UUID, str] = {}  # typed, kept until acknowledged
        self.action_errors: dict[UUID, str] = {}
        self.confirming: UUID | None = None  # the concern whose acknowledgement is being confirmed
        self.error = ""
        self.message = ""
        self.task_done = TaskDoneForm(caseload, on_done=self._task_done, notify=self.notify)

    def _task_done(self, message: str) -> None:
        self.error, self.message = "", message
        self.load()

    def load(self) -> None:
        try:
            self.detail = self._caseload.child(self.row.child_id)
            if self._escalations is not None and self._now is not None:
                self.escalations_due = due_lines(
                    self._escalations, self._now(), child_id=self.row.child_id
                )
            self.error = ""
        except Exception as exc:
            self.error = plain_words(exc)
        else:  # the row's flag follows what is awaiting now (one was just acknowledged, say)
            flags = self.row.flags - {ChildFlag.CONCERN_AWAITING_ACK}
            if self.detail.concerns_awaiting:
                flags |= {ChildFlag.CONCERN_AWAITING_ACK}
            self.row = replace(
                self.row, flags=flags, received=self.detail.flags, tasks=self.detail.tasks
            )
        self.notify()

    def flags(self) -> list[FlagLine]:
        """The central record's open flags for this child, most urgent first."""
        if self.detail is None:
            return []
        out = []
        for flag in self.detail.flags:
            lines = [flag.why, f"Since {flag.since:%d %b %Y}"]
            if flag.due is not None:
                lines.append(f"Due by {flag.due:%d %b %Y}")
            lines += [f"Who must act: {label(flag.act_by).lower()}", f"Clears when: {flag.clears}"]
            title = f"{label(flag.urgency)}: {label(flag.kind)}"
            out.append(FlagLine(title, tuple(lines), flag.urgency == "urgent"))
        return out

    def tasks(self) -> list[str]:
        """What a manager sent back to this worker for the child, oldest first, in words."""
        return [line.text for line in self.task_lines()]

    def task_lines(self) -> list[TaskLine]:
        if self.detail is None:
            return []
        about = {"visit": "a visit", "escalation": "an escalation", "conflict": "a record in "
                 "conflict", "rejected": "a record that was not accepted"}  # fmt: skip
        return [
            TaskLine(t.task_id, f"Back from your manager, about {about.get(t.about, 'a record')} "
                     f"({t.set_at:%d %b %Y}): {t.what_to_do}")
            for t in self.detail.tasks
        ]  # fmt: skip

    def history(self) -> list[HistoryLine]:
        """The child's visits, newest first: seen or not, by whom, what waits to sync."""
        return history_lines(self.detail)

    def amend(self, visit_id: UUID) -> None:
        """Amend one of this practitioner's submitted visits, from the child's history."""
        if self._on_amend is not None and any(line.amend_id == visit_id for line in self.history()):
            self._on_amend(visit_id)

    def restrictions(self) -> list[str]:
        return restriction_lines(self.detail)

    def escalate(self, visit_id: UUID) -> None:
        if self._on_escalate is not None:
            self._on_escalate(visit_id)

    @property
    def address(self) -> str:
        return self.detail.address if self.detail is not None else ""

    def people(self) -> list[PersonLine]:
        """Each adult on record for this child: who they are, parental responsibility, their
        part in the child's care and whether that care is assessed."""
        if self.detail is None:
            return []
        lines = []
        for person in self.detail.people:
            link = person.link
            parts = [
                label(link.relationship),
                f"parental responsibility: {label(link.parental_responsibility).lower()}",
                label(link.role_in_care).lower(),
            ]
            if link.lives_in_household:
                parts.append("lives here")
            if link.stays_overnight_regularly:
                parts.append("stays overnight")
            if link.care_pattern:
                parts.append(f"cares {link.care_pattern.lower()}")
            if link.role_in_care != CarerRole.NONE:
                parts.append(f"care {label(link.assessed).lower()}")
            lines.append(PersonLine(person.name, "; ".join(parts)))
        return lines

    def concerns(self) -> list[ConcernLine]:
        """Concerns waiting for a named person to acknowledge them."""
        if self.detail is None:
            return []
        return [ConcernLine(c.concern_id, _concern_text(c)) for c in self.detail.concerns_awaiting]

    def concerns_acknowledged(self) -> list[ConcernLine]:
        """The child's acknowledged concerns, newest first: who acknowledged, when, what was done."""
        if self.detail is None:
            return []
        out = []
        for done in self.detail.concerns_acknowledged:
            who = "you" if done.by_me else "a colleague"
            ack = done.ack
            words = f"Acknowledged by {who} on {ack.at:%d %b %Y at %H:%M}."
            if ack.action_taken:
                words += f" What was done: {ack.action_taken}"
            out.append(ConcernLine(done.concern.concern_id, _concern_text(done.concern), words))
        return out

    def set_action_taken(self, concern_id: UUID, text: str) -> None:
        self.action_taken[concern_id] = text
        if text.strip():
            self.action_errors.pop(concern_id, None)

    def ask_acknowledge(self, concern_id: UUID) -> bool:
        """The "Acknowledge concern" button: what was done is required, then it is confirmed."""
        concern = self._awaiting(concern_id)
        if concern is None:
            return False
        problem = action_problem(concern, self.action_taken.get(concern_id, "").strip())
        if problem is not None:
            self.action_errors[concern_id] = problem
            self.confirming = None
        else:
            self.action_errors.pop(concern_id, None)
            self.confirming = concern_id
        self.notify()
        return problem is None

    def cancel_acknowledge(self) -> None:
        """The "Not yet" button: nothing is sent; what was typed stays."""
        self.confirming = None
        self.notify()

    def acknowledge(self, concern_id: UUID) -> bool:
        """The "Yes, acknowledge" button: recorded only once confirmed (asked first otherwise). A
        failure keeps what was typed."""
        if self.confirming != concern_id:
            self.ask_acknowledge(concern_id)
            return False
        try:
            self._caseload.acknowledge_concern(
                concern_id, action_taken=self.action_taken.get(concern_id, "").strip()
            )
        except Exception as exc:
            self.error = plain_words(exc)
            self.notify()
            return False
        self.action_taken.pop(concern_id, None)
        self.confirming = None
        self.error = ""
        self.message = (
            "Acknowledged: it stays in this child's history. It will reach the central record "
            "at the next sync."
        )
        self.load()
        return True

    def _awaiting(self, concern_id: UUID) -> ConcernReceived | None:
        if self.detail is None:
            return None
        return next((c for c in self.detail.concerns_awaiting if c.concern_id == concern_id), None)

    def toggle(self, child_id: UUID, on: bool) -> None:
        if on:
            self.selected.add(child_id)
        else:
            self.selected.discard(child_id)
        self.notify()

    def start_visit(self) -> bool:
        if not self.selected:
            self.error = "Choose at least one child for this visit."
            self.notify()
            return False
        order = [r.child_id for r in self.household if r.child_id in self.selected]
        order += [c for c in self.selected if c not in order]
        self._on_start_visit(order)
        return True


def _concern_text(concern: ConcernReceived) -> str:
    reporter = concern.reporter
    relation = reporter.relationship_notes or label(reporter.relationship)
    who = (
        f"{reporter.name} ({relation})" if reporter.name and relation else reporter.name or relation
    )
    when = concern.received_at
    when_text = f"{when:%d %b %Y}" if when else "date not known"
    return f"From {who or 'someone'}, {when_text}: {concern.content}"
