"""The wire shapes of oversight: a flag on the change feed (FlagData, re-exported by protocol.py),
and the API's reads of it and acts on it. Their error codes are sync.protocol's catalogue
(forbidden, not_found, request.invalid, flag.not_open).

    GET  /v1/teams/{team_id}/flags?urgency=&kind=&status=   -> TeamFlags (urgent first, oldest first)
    GET  /v1/children/{child_id}/oversight                  -> ChildOversight (one read of the case)
    POST /v1/flags/{flag_id}/seen | /acknowledge            FlagNote -> FlagView
    POST /v1/flags/{flag_id}/close                          CloseRequest -> FlagView (note required)
    PUT  /v1/children/{child_id}/people/{person_id}/assessment  AssessmentRequest -> CareLinkView
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import Field

from models.base import Shape
from models.caseload import ContactRestriction
from models.enums import AssessedStatus, CarerRole, ParentalResponsibility, Relationship
from models.flags import FlagKind
from sync.protocol_concerns import ConcernView
from sync.protocol_plans import PlanAnswer

__all__ = [
    "MAX_FLAG_NOTE",
    "AssessmentRequest",
    "CareLinkView",
    "ChildOversight",
    "CloseRequest",
    "FlagData",
    "FlagEventView",
    "FlagNote",
    "FlagView",
    "TeamFlags",
]

MAX_FLAG_NOTE = 4_000  # flag_event.note's column


class FlagData(Shape):
    """A flag the central record raised (models.oversight): why, since when, how urgent, who
    must act and what would clear it. Cleared or closed, its change row has deleted=True."""

    flag: FlagKind
    child_id: UUID
    urgency: str  # models.oversight.Urgency
    status: str = "open"  # models.oversight.FlagStatus
    since: datetime
    raised_at: datetime
    why: str  # plain words, dates and counts only
    clears: str
    act_by: str  # models.oversight.ActBy
    reason: str = ""  # an enumeration code, never free text
    due: date | None = None
    visit_id: UUID | None = None
    person_id: UUID | None = None
    decision_id: UUID | None = None
    concern_id: UUID | None = None
    # Who said they are acting on it, and when (POST /v1/flags/{id}/acknowledge); None: nobody yet.
    acknowledged_by: UUID | None = None
    acknowledged_at: datetime | None = None


class FlagEventView(Shape):
    action: str  # models.oversight.FlagAction
    at: datetime
    by_practitioner_id: UUID | None = None  # None: the central record itself
    urgency: str
    note: str = ""


class FlagView(Shape):
    flag_id: UUID
    child_id: UUID
    kind: FlagKind
    urgency: str  # models.oversight.Urgency
    status: str  # models.oversight.FlagStatus
    why: str
    since: datetime
    age_hours: int  # since `since`, at the time of the answer
    act_by: str  # models.oversight.ActBy: the allocated worker or the team manager
    clears: str
    allocated_to: UUID | None = None
    raised_at: datetime
    updated_at: datetime
    reason: str = ""
    due: date | None = None
    visit_id: UUID | None = None
    person_id: UUID | None = None
    acknowledged_by: UUID | None = None
    acknowledged_at: datetime | None = None
    history: list[FlagEventView] = Field(default_factory=list)  # oldest first (a child's read)


class TeamFlags(Shape):
    team_id: UUID
    status: str
    flags: list[FlagView]


class FlagNote(Shape):
    note: str = Field(default="", max_length=MAX_FLAG_NOTE)


class CloseRequest(Shape):
    note: str = Field(max_length=MAX_FLAG_NOTE)  # why it can be closed: never empty


class CareLinkView(Shape):
    """One adult in the child's life, and their part in the child's care."""

    person_id: UUID
    name: str
    household_id: UUID | None = None
    relationship: Relationship
    parental_responsibility: ParentalResponsibility
    role_in_care: CarerRole
    lives_in_household: bool
    stays_overnight_regularly: bool
    care_pattern: str = ""
    assessed: AssessedStatus
    found_at_visit_id: UUID | None = None  # None: entered by staff
    found_at: datetime | None = None


class ChildOversight(Shape):
    child_id: UUID
    allocated_to: UUID | None = None
    team_id: UUID | None = None
    flags: list[FlagView]  # open first, each with its history
    plan: PlanAnswer | None = None  # None: no plan set yet
    people: list[CareLinkView]
    restrictions: list[ContactRestriction]
    open_concerns: list[ConcernView]


class AssessmentRequest(Shape):
    assessed: AssessedStatus
    note: str = Field(default="", max_length=MAX_FLAG_NOTE)  # kept in the flag's history
