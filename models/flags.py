"""The kinds of flag, their ids' namespace, and when a visit escalates. What raises and clears
each kind, on the device and at the central record alike: models/oversight/conditions.py. A
flag's id is stable: a visit's flags keep theirs across the visit's revisions."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from models.enums import SafeguardingConcernNow
from models.visit import Visit

__all__ = ["FLAG_NS", "FlagKind", "escalates"]

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
    BABY_NOT_SEEN_AWAKE = "baby_not_seen_awake"


def escalates(visit: Visit) -> bool:
    """The practitioner recorded a safeguarding concern now: it goes to their manager at once,
    and its notes must say what they did and who they told."""
    return visit.safeguarding_concern_now not in (None, SafeguardingConcernNow.NONE)
