"""The safeguarding flags a visit raises: what a manager (and the allocated worker) must see.

Pure rules over a Visit and the contact restrictions on the adults present, returning plain data
(which child, which kind, why), so the device and the central record raise the same flags. A
flag's id is stable across the visit's revisions: an amendment that clears a reason clears its
flag, one that keeps it keeps the same flag.

  a child not seen face to face                        -> child_not_seen (the reason not seen)
  seen, but a parent or carer prevented seeing alone   -> prevented_from_seeing_alone
  a safeguarding concern now (escalates)               -> safeguarding_concern_now (its kind)
  an adult caring who holds a current restriction     -> restricted_adult_caring, for the children
                                                          they care for and the restriction's child
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol
from uuid import UUID, uuid5

from models.enums import CarerRole, ReasonNotSeenAlone, SafeguardingConcernNow, YesNo
from models.visit import Visit

__all__ = ["FLAG_NS", "Flag", "FlagKind", "RestrictionLike", "escalates", "visit_flags"]

FLAG_NS = UUID("6f1d3a52-8c3e-4c36-9a43-54c3b9c1d7a1")


class FlagKind(StrEnum):
    """Every kind of flag. What raises and clears each: models/oversight/conditions.py."""

    CHILD_NOT_SEEN = "child_not_seen"
    PREVENTED_FROM_SEEING_ALONE = "prevented_from_seeing_alone"
    SAFEGUARDING_CONCERN_NOW = "safeguarding_concern_now"
    RESTRICTED_ADULT_CARING = "restricted_adult_caring"
    NOT_SEEN_ALONE = "not_seen_alone"
    VISIT_OVERDUE = "visit_overdue"
    NOT_SEEN_OVERDUE = "not_seen_overdue"
    DECISION_DEADLINE_MISSED = "decision_deadline_missed"
    ASSESSMENT_NEARING_LIMIT = "assessment_nearing_limit"
    ASSESSMENT_PAST_LIMIT = "assessment_past_limit"
    UNASSESSED_CARE = "unassessed_care"
    CONCERN_UNACKNOWLEDGED = "concern_unacknowledged"
    LINKED_ADULT_SEEN = "linked_adult_seen"


class RestrictionLike(Protocol):
    """What the rule reads of a contact restriction (models.caseload.ContactRestriction)."""

    @property
    def restriction_id(self) -> UUID: ...
    @property
    def child_id(self) -> UUID: ...
    @property
    def restriction_type(self) -> str: ...
    @property
    def expires_on(self) -> date | None: ...


@dataclass(frozen=True)
class Flag:
    """One flag a visit raises, for one child."""

    visit_id: UUID
    child_id: UUID
    kind: FlagKind
    reason: str = ""  # an enumeration code, never free text
    person_id: UUID | None = None
    restriction_id: UUID | None = None

    @property
    def flag_id(self) -> UUID:
        """The same for every revision of the visit raising it (the restriction is not part of
        it: one flag per adult and child)."""
        key = f"{self.visit_id}:{self.child_id}:{self.kind}:{self.person_id or ''}"
        return uuid5(FLAG_NS, key)


def escalates(visit: Visit) -> bool:
    """The practitioner recorded a safeguarding concern now: it goes to their manager at once,
    and its notes must say what they did and who they told."""
    return visit.safeguarding_concern_now not in (None, SafeguardingConcernNow.NONE)


def visit_flags(
    visit: Visit, restrictions: Mapping[UUID, Sequence[RestrictionLike]]
) -> Iterator[Flag]:
    """Every flag `visit` raises, in a stable order; `restrictions` are by person id. Two flags
    with the same flag_id may come (one adult, two restrictions on one child): the later holds."""
    seen_f2f = set(visit.child_seen_face_to_face)
    concern_now = visit.safeguarding_concern_now
    for o in visit.children:
        if o.child_id not in seen_f2f:
            reason = o.reason_not_seen.value if o.reason_not_seen else "NOT_FACE_TO_FACE"
            yield Flag(visit.visit_id, o.child_id, FlagKind.CHILD_NOT_SEEN, reason)
        if o.child_seen == YesNo.YES and (
            o.reason_not_seen_alone == ReasonNotSeenAlone.PARENT_CARER_PREVENTED
        ):
            yield Flag(
                visit.visit_id,
                o.child_id,
                FlagKind.PREVENTED_FROM_SEEING_ALONE,
                o.reason_not_seen_alone.value,
            )
        if concern_now is not None and escalates(visit):
            yield Flag(
                visit.visit_id, o.child_id, FlagKind.SAFEGUARDING_CONCERN_NOW, concern_now.value
            )
    on = (visit.started_at or visit.created_on_device_at).date()
    for person in visit.persons_present:
        if person.role_in_care in (None, CarerRole.NONE):
            continue
        for r in restrictions.get(person.person_id, []):
            if r.expires_on is not None and r.expires_on < on:
                continue
            cared_for = {rel.child_id for rel in person.relationships}
            for child_id in {*cared_for, r.child_id}:
                yield Flag(
                    visit.visit_id,
                    child_id,
                    FlagKind.RESTRICTED_ADULT_CARING,
                    str(r.restriction_type),
                    person_id=person.person_id,
                    restriction_id=r.restriction_id,
                )
