"""Oversight: what the central record works out for itself from the record (models.oversight).

  child_plan  a child's plan: the service context and its start, the rule that follows, households
  decision    decisions with their date (strategy discussion, decision to assess, assessment...)
  contact     each visit as the rules read it for one child (one row per visit and child)
  sighting    each adult recorded at a visit (present, caring, staying, or the carer a child was with)
  flag        flags the central record raised, their state now; flag_event is their history
  reporter    who reported a concern: a stable identity, so repeat reports are counted together
  escalation  an escalation a practitioner recorded ("phoned my manager at 16:10")
  pending_check  children a push changed whose flags are still to be brought in line (a queue)

contact and sighting are replaced when an amendment changes the visit; flag_event is append-only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Field

from sync.server.columns import json_field, time_field
from sync.server.tables.base import ServerTable

__all__ = [
    "ChildPlanRow",
    "ContactRow",
    "DecisionRow",
    "EscalationRow",
    "FlagEventRow",
    "FlagRow",
    "PendingCheckRow",
    "ReporterRow",
    "SightingRow",
]


class ChildPlanRow(ServerTable, table=True):
    __tablename__ = "child_plan"
    org_id: str = Field(primary_key=True, foreign_key="organisation.org_id", max_length=64)
    child_id: UUID = Field(primary_key=True, foreign_key="child.child_id")
    service_context: str = Field(max_length=40)  # models.enums.ServiceContext
    rule: str = Field(max_length=40)  # the visiting rule's code (a context, or a CLA variant)
    context_started_on: date
    households: list[dict[str, Any]] = json_field()  # models.oversight.PlanHousehold
    updated_at: datetime = time_field()
    updated_by: UUID | None = None


class DecisionRow(ServerTable, table=True):
    __tablename__ = "decision"
    __table_args__ = (sa.Index("ix_decision_org_child", "org_id", "child_id"),)
    decision_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", max_length=64)
    child_id: UUID = Field(foreign_key="child.child_id")
    kind: str = Field(max_length=40)  # models.oversight.DecisionKind
    made_on: date
    outcome: str = Field(default="", max_length=200)
    reason: str = Field(default="", max_length=4000)
    recorded_by: UUID
    recorded_at: datetime = time_field()


class ContactRow(ServerTable, table=True):
    """One visit as the oversight rules read it for one child (models.oversight.Contact)."""

    __tablename__ = "contact"
    __table_args__ = (sa.Index("ix_contact_org_child", "org_id", "child_id"),)
    org_id: str = Field(primary_key=True, max_length=64)
    visit_id: UUID = Field(primary_key=True)
    child_id: UUID = Field(primary_key=True, foreign_key="child.child_id")
    revision: int
    at: datetime = time_field()
    practitioner_id: UUID
    face_to_face: bool
    seen: bool
    seen_alone: bool
    prevented_alone: bool
    reason_not_seen: str = Field(default="", max_length=40)
    concern_now: str = Field(default="", max_length=40)
    awake: bool | None = None
    see_awake_by: date | None = None


class SightingRow(ServerTable, table=True):
    """An adult recorded at a visit, in any household (models.oversight.Sighting)."""

    __tablename__ = "sighting"
    __table_args__ = (sa.Index("ix_sighting_org_person", "org_id", "person_id"),)
    org_id: str = Field(primary_key=True, max_length=64)
    visit_id: UUID = Field(primary_key=True)
    person_id: UUID = Field(primary_key=True)
    at: datetime = time_field()
    role: str = Field(max_length=20)  # models.oversight.SightingRole
    household_id: UUID | None = None
    child_ids: list[str] = json_field()  # the children of that visit


class FlagRow(ServerTable, table=True):
    """A flag the central record raised, as it stands now. Its id is stable (models.oversight)."""

    __tablename__ = "flag"
    __table_args__ = (
        sa.Index("ix_flag_org_child", "org_id", "child_id"),
        sa.Index("ix_flag_org_status", "org_id", "status"),
    )
    org_id: str = Field(primary_key=True, foreign_key="organisation.org_id", max_length=64)
    flag_id: UUID = Field(primary_key=True)
    child_id: UUID = Field(foreign_key="child.child_id")
    kind: str = Field(max_length=40)  # models.flags.FlagKind
    urgency: str = Field(max_length=10)  # models.oversight.Urgency
    status: str = Field(max_length=10)  # models.oversight.FlagStatus
    condition_active: bool  # whether what raised it still holds (a closed flag may still)
    since: datetime = time_field()
    raised_at: datetime = time_field()
    updated_at: datetime = time_field()
    data: dict[str, Any] = json_field()  # models.oversight.Condition as JSON


class FlagEventRow(ServerTable, table=True):
    """A flag's history: raised, seen, acknowledged, cleared, closed, reopened. Append-only."""

    __tablename__ = "flag_event"
    __table_args__ = (sa.Index("ix_flag_event_org_flag", "org_id", "flag_id"),)
    event_id: int | None = Field(
        default=None, primary_key=True, sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    )
    org_id: str = Field(max_length=64)
    flag_id: UUID
    at: datetime = time_field()
    action: str = Field(max_length=20)  # models.oversight.FlagAction
    by_practitioner_id: UUID | None = None  # None: the central record itself
    urgency: str = Field(max_length=10)
    note: str = Field(default="", max_length=4000)


class ReporterRow(ServerTable, table=True):
    __tablename__ = "reporter"
    org_id: str = Field(primary_key=True, foreign_key="organisation.org_id", max_length=64)
    reporter_id: UUID = Field(primary_key=True)
    person_id: UUID | None = Field(default=None, index=True)  # a known person, if one
    data: dict[str, Any] = json_field()  # models.concern.Reporter
    confidential: bool = False  # marked for redaction on subject access requests
    created_at: datetime = time_field()


class EscalationRow(ServerTable, table=True):
    __tablename__ = "escalation"
    __table_args__ = (sa.Index("ix_escalation_org_visit", "org_id", "visit_id"),)
    org_id: str = Field(primary_key=True, foreign_key="organisation.org_id", max_length=64)
    escalation_id: UUID = Field(primary_key=True)
    visit_id: UUID | None = None
    flag_id: UUID | None = None
    practitioner_id: UUID
    at: datetime = time_field()
    data: dict[str, Any] = json_field()  # models.escalation.Escalation
    received_at: datetime = time_field()


class PendingCheckRow(ServerTable, table=True):
    """A child whose flags a push's records may have changed, to be rechecked just after the
    push's receipts are sent (services.oversight.pending), or by the sweep. Durable, so a server
    that stops between the two loses no check."""

    __tablename__ = "pending_check"
    org_id: str = Field(primary_key=True, foreign_key="organisation.org_id", max_length=64)
    child_id: UUID = Field(primary_key=True, foreign_key="child.child_id")
    adults_only: bool  # only the flags an adult seen elsewhere raises (models.oversight)
    queued_at: datetime = time_field()
    # The times this check was asked for: a drain that read the child's facts without the lock
    # keeps what it found only if this has not moved since (services.oversight.pending).
    wanted: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
