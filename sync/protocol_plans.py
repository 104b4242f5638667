"""The wire shapes of a child's plan and decisions (PUT/GET /v1/children/{child_id}/plan,
POST/GET /v1/children/{child_id}/decisions); their error codes are sync.protocol's catalogue
(plan.refused, decision.refused, forbidden, not_found, sync.conflict)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from models.base import Shape
from models.enums import ServiceContext
from models.oversight import DecisionKind

__all__ = [
    "MAX_PLAN_HOUSEHOLDS",
    "RULE_CODE_PATTERN",
    "DeadlineAnswer",
    "DecisionAnswer",
    "DecisionList",
    "DecisionRequest",
    "PlanAnswer",
    "PlanHousehold",
    "PlanRequest",
]

MAX_PLAN_HOUSEHOLDS = 20
RULE_CODE_PATTERN = "^[A-Z0-9_]{1,40}$"


class PlanHousehold(Shape):
    household_id: UUID
    how: Literal["lives", "stays"]


class PlanRequest(Shape):
    service_context: ServiceContext
    # The visiting rule: the context itself (the default), or for CLA a placement's variant
    # (models.timescales.CLAVariant). The organisation's timescales must have a rule for it.
    rule: str | None = Field(default=None, pattern=RULE_CODE_PATTERN)
    started_on: date
    households: list[PlanHousehold] = Field(default_factory=list, max_length=MAX_PLAN_HOUSEHOLDS)


class DeadlineAnswer(Shape):
    decision_id: UUID
    event: str
    description: (
        str  # plain words, e.g. "Child seen within 3 working days of the decision to assess"
    )
    occurred_on: date
    due: date
    met_on: date | None = None
    days_overdue: int = 0
    days_overdue_unit: str


class PlanAnswer(Shape):
    """A child's plan and the due dates the central record computes from it (the authority; a
    device's own "next visit due" is a proposal kept in its visit)."""

    child_id: UUID
    service_context: ServiceContext
    rule: str
    started_on: date
    households: list[PlanHousehold]
    updated_at: datetime
    rule_description: str
    last_seen: date | None = None
    next_visit_due: date | None = None
    days_overdue: int = 0
    days_overdue_unit: str
    deadlines: list[DeadlineAnswer] = Field(default_factory=list)


class DecisionRequest(Shape):
    # Made by the caller, so sending the same decision again is safe (the same answer).
    decision_id: UUID | None = None
    kind: DecisionKind
    made_on: date
    outcome: str = Field(default="", max_length=200)  # CONTEXT_CHANGED: the new context's rule
    reason: str = Field(default="", max_length=4000)


class DecisionAnswer(Shape):
    decision_id: UUID
    child_id: UUID
    kind: DecisionKind
    made_on: date
    outcome: str
    reason: str
    recorded_by: UUID
    recorded_at: datetime


class DecisionList(Shape):
    decisions: list[DecisionAnswer]
