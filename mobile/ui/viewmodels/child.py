"""One child: who they live with, concerns to acknowledge (one tap), and starting a visit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from mobile.services.api import CaseloadRow
from mobile.ui.viewmodels.base import Observable, plain_words
from mobile.ui.viewmodels.labels import label
from mobile.ui.viewmodels.ports import CaseloadPort

__all__ = ["ChildViewModel", "ConcernLine", "PersonLine"]


@dataclass(frozen=True)
class PersonLine:
    name: str
    detail: str


@dataclass(frozen=True)
class ConcernLine:
    concern_id: UUID
    text: str


def _words(value: Any) -> str:
    return label(value) if value is not None and hasattr(value, "name") else str(value or "")


class ChildViewModel(Observable):
    def __init__(
        self,
        *,
        caseload: CaseloadPort,
        row: CaseloadRow,
        household: list[CaseloadRow],
        on_start_visit: Callable[[list[UUID]], None],
    ) -> None:
        super().__init__()
        self._caseload = caseload
        self.row = row
        self.household = household
        self._on_start_visit = on_start_visit
        self.selected: set[UUID] = {r.child_id for r in household} or {row.child_id}
        self.detail: Any = None
        self.action_taken: dict[UUID, str] = {}
        self.error = ""
        self.message = ""

    def load(self) -> None:
        try:
            self.detail = self._caseload.child(self.row.child_id)
            self.error = ""
        except Exception as exc:
            self.error = plain_words(exc)
        self.notify()

    @property
    def address(self) -> str:
        return str(getattr(self.detail, "address", "") or "")

    def people(self) -> list[PersonLine]:
        lines = []
        for person in getattr(self.detail, "people", None) or []:
            parts = [
                _words(getattr(person, "relationship", None)),
                "parental responsibility: "
                + _words(getattr(person, "parental_responsibility", None))
                if getattr(person, "parental_responsibility", None) is not None
                else "",
                _words(getattr(person, "role_in_care", None)),
            ]
            detail = ", ".join(p for p in parts if p)
            lines.append(PersonLine(str(getattr(person, "name", "")), detail))
        return lines

    def concerns(self) -> list[ConcernLine]:
        out = []
        for concern in getattr(self.detail, "concerns", None) or []:
            reporter = getattr(concern, "reporter", None)
            who = getattr(reporter, "relationship_notes", "") or _words(
                getattr(reporter, "relationship", None)
            )
            when = getattr(concern, "received_at", None)
            when_text = f"{when:%d %b %Y}" if when else "date not known"
            text = f"From {who or 'someone'}, {when_text}: {getattr(concern, 'content', '')}"
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
