"""One child: the central record's flags, who they live with, concerns to acknowledge (one tap),
an escalation to record, and starting a visit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from mobile.services.shapes import CaseloadRow, ChildFlag
from mobile.ui.viewmodels.base import Observable, plain_words
from mobile.ui.viewmodels.child_history import HistoryLine, history_lines, restriction_lines
from mobile.ui.viewmodels.escalation import DueLine, due_lines
from mobile.ui.viewmodels.labels import label
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
    ) -> None:
        super().__init__()
        self._caseload = caseload
        self._escalations, self._now, self._on_escalate = escalations, now, on_escalate
        self.escalations_due: list[DueLine] = []
        self.row = row
        self.household = household
        self._on_start_visit = on_start_visit
        self.selected: set[UUID] = {r.child_id for r in household} or {row.child_id}
        self.detail: ChildDetail | None = None
        self.action_taken: dict[UUID, str] = {}
        self.error = ""
        self.message = ""

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
            self.row = replace(self.row, flags=flags, received=self.detail.flags)
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

    def history(self) -> list[HistoryLine]:
        """The child's visits, newest first: seen or not, by whom, what waits to sync."""
        return history_lines(self.detail)

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
        if self.detail is None:
            return []
        out = []
        for concern in self.detail.concerns_awaiting:
            reporter = concern.reporter
            relation = reporter.relationship_notes or label(reporter.relationship)
            who = (
                f"{reporter.name} ({relation})"
                if reporter.name and relation
                else (reporter.name or relation)
            )
            when = concern.received_at
            when_text = f"{when:%d %b %Y}" if when else "date not known"
            text = f"From {who or 'someone'}, {when_text}: {concern.content}"
            out.append(ConcernLine(concern.concern_id, text))
        return out

    def set_action_taken(self, concern_id: UUID, text: str) -> None:
        self.action_taken[concern_id] = text

    def acknowledge(self, concern_id: UUID) -> bool:
        try:
            self._caseload.acknowledge_concern(
                concern_id, action_taken=self.action_taken.get(concern_id, "").strip()
            )
        except Exception as exc:
            self.error = plain_words(exc)
            self.notify()
            return False
        self.action_taken.pop(concern_id, None)
        self.message = "Acknowledged. It will reach the central record at the next sync."
        self.load()
        return True

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
