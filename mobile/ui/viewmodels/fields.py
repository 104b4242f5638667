"""The shapes a visit step is drawn from: pages of the journey and the fields on each.

A view draws a page from its `FieldSpec`s without knowing the domain; the recorder decides which
fields a page shows (a child not seen is asked why, a child with another carer is asked who and
where...), so that logic is tested without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID

from models.caseload import ContactRestriction
from models.rules import Step
from models.visit import Visit

__all__ = ["REVIEW", "YES_NO", "YES_NO_BOOL", "FieldKind", "FieldSpec", "Page", "PageContext"]

REVIEW = "review"

YES_NO = (("YES", "Yes"), ("NO", "No"))
YES_NO_BOOL = (("true", "Yes"), ("false", "No"))


class FieldKind(StrEnum):
    HEADER = "header"  # a heading between groups (e.g. each person present)
    HINT = "hint"  # plain text guidance, no input
    WARNING = "warning"  # something to stop at (a restricted adult here), announced at once
    TEXT = "text"
    MULTILINE = "multiline"
    CHOICE = "choice"  # one of `choices`; shown as radio buttons when short, else a dropdown
    YES_NO = "yes_no"  # a choice of Yes / No
    MULTI = "multi"  # any of `choices` (checkboxes)
    DATE = "date"  # typed: 2026-03-02 or 02/03/2026
    TIME = "time"  # typed: 14:30
    ACTION = "action"  # a button: `path` names the action (see VisitRecorder.act)


@dataclass(frozen=True)
class FieldSpec:
    path: str
    label: str
    kind: FieldKind
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Page:
    """One screen of the journey: a step, for one child where the step is per child."""

    step: str  # a models.rules.Step value, or REVIEW
    child_index: int | None = None

    @property
    def is_review(self) -> bool:
        return self.step == REVIEW

    @property
    def rule_step(self) -> Step | None:
        return None if self.is_review else Step(self.step)


@dataclass(frozen=True)
class PageContext:
    child_names: dict[UUID, str] = field(default_factory=dict)
    known_people: tuple[tuple[UUID, str], ...] = ()  # (person_id, name) on record
    households: tuple[tuple[str, str], ...] = ()  # (household_id, words) for "whose home"
    restrictions: tuple[ContactRestriction, ...] = ()  # the device's, for the recorder's warnings

    def child_name(self, visit: Visit, index: int) -> str:
        child_id = visit.children[index].child_id
        return self.child_names.get(child_id, f"Child {index + 1}")
