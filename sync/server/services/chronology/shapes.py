"""What a child's chronology is, as plain frozen dataclasses: the console's page and the export
(JSON and PDF) read the same values, so they can never disagree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

__all__ = [
    "Change",
    "Chronology",
    "Deadline",
    "Entry",
    "EntryKind",
    "Event",
    "Line",
    "LinkedChild",
    "PersonLine",
    "PlanSummary",
    "Viewer",
]


class EntryKind(StrEnum):
    VISIT = "visit"
    AMENDMENT = "amendment"
    CONCERN = "concern"
    FLAG = "flag"
    DECISION = "decision"
    ESCALATION = "escalation"

    @property
    def words(self) -> str:
        return _KIND_WORDS[self]


_KIND_WORDS = {
    EntryKind.VISIT: "Visits",
    EntryKind.AMENDMENT: "Corrections to visits",
    EntryKind.CONCERN: "Concerns",
    EntryKind.FLAG: "Flags",
    EntryKind.DECISION: "Decisions",
    EntryKind.ESCALATION: "Escalations",
}


@dataclass(frozen=True)
class Viewer:
    """Who reads: a console user (a manager sees their team's children, a duty worker the
    organisation's)."""

    org_id: str
    practitioner_id: UUID
    role: str  # sync.server.services.StaffRole
    team_id: UUID | None


@dataclass(frozen=True)
class Line:
    label: str
    text: str


@dataclass(frozen=True)
class Change:
    """One amended field: the original value beside the one it was corrected to."""

    field: str
    original: str
    amended: str


@dataclass(frozen=True)
class Event:
    at: datetime
    text: str
    note: str = ""


@dataclass(frozen=True)
class Entry:
    kind: EntryKind
    at: datetime
    title: str
    record_id: UUID
    by: str = ""  # who recorded it, by name
    lines: tuple[Line, ...] = ()
    words: tuple[Line, ...] = ()  # the child's own words, verbatim (label: the context)
    changes: tuple[Change, ...] = ()
    reason: str = ""  # an amendment's reason
    events: tuple[Event, ...] = ()  # a flag's history, a concern's acknowledgement
    open: bool = False  # a concern not yet acknowledged, a flag still open
    redacted: bool = False  # a confidential reporter's identity left out


@dataclass(frozen=True)
class Deadline:
    description: str
    due: date
    met_on: date | None
    overdue: str  # "" when not overdue


@dataclass(frozen=True)
class PlanSummary:
    context: str
    rule: str
    started_on: date
    last_seen: date | None
    next_due: date | None
    overdue: str  # "" when not overdue, else "3 working days overdue"
    deadlines: tuple[Deadline, ...] = ()


@dataclass(frozen=True)
class LinkedChild:
    """Another child an adult is linked to, in another household. Named only when the viewer
    may see that child; a restriction on the adult about them is always said."""

    child_id: UUID | None
    name: str
    relationship: str
    restriction: str = ""


@dataclass(frozen=True)
class PersonLine:
    person_id: UUID
    name: str
    relationship: str
    parental_responsibility: str
    role_in_care: str
    lives_here: bool
    stays_overnight: bool
    care_pattern: str
    assessed: str
    restrictions: tuple[str, ...] = ()  # on contact with this child
    other_children: tuple[LinkedChild, ...] = ()


@dataclass(frozen=True)
class Chronology:
    child_id: UUID
    name: str
    date_of_birth: date | None
    allocated_to: str
    team: str
    last_seen_at: datetime | None
    plan: PlanSummary | None
    plan_problem: str  # why there are no due dates, in words ("" when there is a plan)
    people: tuple[PersonLine, ...]
    entries: tuple[Entry, ...]  # newest first, only the kinds asked for
    kinds: tuple[EntryKind, ...]  # the kinds asked for (every kind when none was)
    counts: dict[EntryKind, int] = field(default_factory=dict)  # of every kind, before filtering
