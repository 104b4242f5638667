"""Oversight: what the record itself says must happen for a child, and when.

    facts       what the rules read of one child (a visit becomes Contacts and Sightings here)
    gather      those facts from the caseload's shapes and visits (a device's offline estimate)
    shapes      what a flag says: a Condition (why, since when, urgency, who acts, what clears)
    conditions  the rules that find those conditions on one child
    lifecycle   a flag's life: raised, cleared, closed by a person, reopened
    assessment  when an assessment is under way and the day it must be authorised by
    timescale   a child's due dates by their plan and decisions (the one computation)
    decisions   the checks on a decision staff record (an authorised assessment past its limit)
    settings    an organisation's own timescales, closures and limits, from JSON

Pure Python, the same on a device (its offline estimate) and at the central record (the
authority). Timescales themselves are models.timescales.
"""

from models.oversight.conditions import ADULT_KINDS, against_restriction, child_conditions
from models.oversight.decisions import decision_problems
from models.oversight.facts import (
    ChildPlan,
    ChildRecord,
    ConcernFact,
    Contact,
    Decision,
    DecisionKind,
    Limits,
    Link,
    Restriction,
    Sighting,
    SightingRole,
    contacts_of,
    local_day,
    sightings_of,
)
from models.oversight.gather import gather
from models.oversight.lifecycle import FlagAction, FlagState, FlagStatus, Step, reconcile
from models.oversight.shapes import ActBy, Condition, Urgency

__all__ = [
    "ADULT_KINDS",
    "ActBy",
    "ChildPlan",
    "ChildRecord",
    "ConcernFact",
    "Condition",
    "Contact",
    "Decision",
    "DecisionKind",
    "FlagAction",
    "FlagState",
    "FlagStatus",
    "Limits",
    "Link",
    "Restriction",
    "Sighting",
    "SightingRole",
    "Step",
    "Urgency",
    "against_restriction",
    "child_conditions",
    "contacts_of",
    "decision_problems",
    "gather",
    "local_day",
    "reconcile",
    "sightings_of",
]
