"""What the oversight rules read of one child: plain facts, the same whether a device or the
central record gathers them.

A visit becomes facts here, in one place (`contacts_of`, `sightings_of`): a Contact per child of
the visit (seen, seen alone, why not) and a Sighting per adult recorded there (present, caring,
staying, or the carer a child was with), so an adult linked to children in other households is
noticed wherever they turn up. Times are when things happened, never when they were sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from models.enums import (
    CarerRole,
    ConsultationMechanism,
    ReasonNotSeen,
    ReasonNotSeenAlone,
    SafeguardingConcernNow,
    YesNo,
)
from models.escalation import DEFAULT_PROMPT_HOURS
from models.visit import Visit

__all__ = [
    "ChildPlan",
    "ChildRecord",
    "ConcernFact",
    "Contact",
    "Decision",
    "DecisionKind",
    "Limits",
    "Link",
    "Restriction",
    "Sighting",
    "SightingRole",
    "contacts_of",
    "local_day",
    "sightings_of",
]


class DecisionKind(StrEnum):
    """Decisions staff record about a child, each with the day it was made."""

    REFERRAL = "REFERRAL"  # the assessment's 45 working days run from here
    DECISION_TO_ASSESS = "DECISION_TO_ASSESS"
    ASSESSMENT_STARTED = "ASSESSMENT_STARTED"
    ASSESSMENT_AUTHORISED = "ASSESSMENT_AUTHORISED"  # the assessment is complete
    STRATEGY_DISCUSSION = "STRATEGY_DISCUSSION"
    S47_DECISION = "S47_DECISION"
    ICPC = "ICPC"
    CONTEXT_CHANGED = "CONTEXT_CHANGED"  # a new plan: its outcome names the new context


class SightingRole(StrEnum):
    PRESENT = "PRESENT"
    CARING = "CARING"
    STAYING = "STAYING"  # lives in the household or stays overnight
    WITH_CHILD = "WITH_CHILD"  # the carer a child was with when not seen


@dataclass(frozen=True)
class ChildPlan:
    """The plan the timescales follow: `rule` is the visiting rule's code (a service context or
    a CLA variant, models.timescales), counted from `started_on`."""

    service_context: str
    rule: str
    started_on: date


@dataclass(frozen=True)
class Decision:
    decision_id: UUID
    kind: DecisionKind
    made_on: date
    reason: str = ""


@dataclass(frozen=True)
class Contact:
    """One visit as the rules read it for one child."""

    visit_id: UUID
    child_id: UUID
    at: datetime
    face_to_face: bool
    seen: bool  # face to face and marked seen: the only "seen" that counts
    seen_alone: bool
    prevented_alone: bool  # a parent or carer prevented seeing the child alone
    reason_not_seen: str = ""  # models.enums.ReasonNotSeen, or "" when seen
    concern_now: str = ""  # models.enums.SafeguardingConcernNow when it escalates, else ""
    awake: bool | None = None  # seen awake (asked of babies)
    see_awake_by: date | None = None  # a baby seen asleep: when they will be seen awake


@dataclass(frozen=True)
class Sighting:
    """An adult recorded at a visit: who, how, where, and which children that visit was for."""

    visit_id: UUID
    person_id: UUID
    at: datetime
    role: SightingRole
    household_id: UUID | None = None
    child_ids: frozenset[UUID] = frozenset()


@dataclass(frozen=True)
class Link:
    """One adult's part in this child's care, as the record holds it. `found_at` is when a visit
    first recorded them (None: entered by staff who know the family)."""

    person_id: UUID
    caring: bool  # caring for the child, or living or staying with them
    assessed: bool
    found_at: datetime | None = None


@dataclass(frozen=True)
class Restriction:
    restriction_id: UUID
    person_id: UUID
    child_id: UUID  # the child the restriction protects
    restriction_type: str  # models.enums.ContactRestrictionType
    expires_on: date | None = None

    def in_force(self, day: date) -> bool:
        return self.expires_on is None or self.expires_on >= day


@dataclass(frozen=True)
class ConcernFact:
    concern_id: UUID
    received_at: datetime
    acknowledged: bool


@dataclass(frozen=True)
class Limits:
    """An organisation's own limits (with the defaults here); timescales are models.timescales."""

    not_seen_alone_run: int = 3  # consecutive visits seen but not alone
    assessment_warn_day: int = 40  # working day of the assessment that warns
    concern_ack_within: timedelta = timedelta(hours=24)
    overdue_urgent_after: int = 5  # days overdue after which an overdue visit is urgent
    # Hours a high-risk visit may wait unsent before the device asks for an escalation.
    escalation_prompt_hours: int = DEFAULT_PROMPT_HOURS


@dataclass(frozen=True)
class ChildRecord:
    """Everything the rules read about one child. `contacts` are this child's own visits;
    `sightings` are of the adults linked to or restricted from this child, at any visit, and of
    every adult at this child's own visits; `restrictions` are this child's, and those the adults
    at this child's visits hold on other children."""

    child_id: UUID
    plan: ChildPlan | None = None
    date_of_birth: date | None = None
    households: frozenset[UUID] = frozenset()  # where the child lives or stays
    contacts: tuple[Contact, ...] = ()
    sightings: tuple[Sighting, ...] = ()
    links: tuple[Link, ...] = ()
    restrictions: tuple[Restriction, ...] = ()
    decisions: tuple[Decision, ...] = ()
    concerns: tuple[ConcernFact, ...] = ()


UK = ZoneInfo("Europe/London")


def local_day(at: datetime) -> date:
    """The day something happened, as the practitioner's calendar has it (UK time)."""
    return at.astimezone(UK).date()


def _when(visit: Visit) -> datetime:
    return visit.started_at or visit.created_on_device_at


def contacts_of(visit: Visit) -> list[Contact]:
    """One Contact per child of a submitted visit."""
    face_to_face = visit.consultation_mechanism == ConsultationMechanism.FACE_TO_FACE
    seen_f2f = set(visit.child_seen_face_to_face)
    concern = visit.safeguarding_concern_now
    concern_now = "" if concern in (None, SafeguardingConcernNow.NONE) else str(concern)
    out = []
    for o in visit.children:
        seen = o.child_id in seen_f2f
        reason = "" if seen else str(o.reason_not_seen or "NOT_FACE_TO_FACE")
        out.append(
            Contact(
                visit_id=visit.visit_id,
                child_id=o.child_id,
                at=_when(visit),
                face_to_face=face_to_face,
                seen=seen,
                seen_alone=seen and o.seen_alone == YesNo.YES,
                prevented_alone=seen
                and o.reason_not_seen_alone == ReasonNotSeenAlone.PARENT_CARER_PREVENTED,
                reason_not_seen=reason,
                concern_now=concern_now,
                awake=o.child_awake if seen else None,
                see_awake_by=o.see_awake_by if seen and o.child_awake is False else None,
            )
        )
    return out


def sightings_of(visit: Visit) -> list[Sighting]:
    """Every adult recorded at the visit (present, caring, staying) and every carer a child was
    with when not seen, once each, in the strongest role recorded."""
    children = frozenset(o.child_id for o in visit.children)
    at, where = _when(visit), visit.location_household_id
    roles: dict[UUID, SightingRole] = {}
    for p in visit.persons_present:
        role = SightingRole.PRESENT
        if p.lives_in_household or p.stays_overnight_regularly:
            role = SightingRole.STAYING
        if p.role_in_care not in (None, CarerRole.NONE):
            role = SightingRole.CARING
        roles[p.person_id] = role
    for o in visit.children:
        carer = o.other_carer_person_id
        if carer is not None and o.reason_not_seen == ReasonNotSeen.CHILD_WITH_OTHER_CARER:
            roles[carer] = SightingRole.WITH_CHILD
    for c in visit.care_arrangements:  # a carer named only in where the child sleeps
        roles.setdefault(c.carer_person_id, SightingRole.CARING)
    return [Sighting(visit.visit_id, pid, at, role, where, children) for pid, role in roles.items()]
