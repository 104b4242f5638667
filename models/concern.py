"""Concerns received from third parties: first-class records, shown until a named person acknowledges.

Relatives in the Child Ak review raised concerns up to eight times and none was recorded or shared:
notice given is not information received, so acknowledgement names who and when.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from models.base import Shape
from models.enums import ConcernChannel, Relationship

__all__ = ["ACKNOWLEDGED_REVISION", "Acknowledgement", "ConcernReceived", "Reporter"]

# A concern's revisions at the central record: 1 as received, 2 once a named person acknowledges
# it. An acknowledgement travels as revision 2 building on 1, so a second one is a conflict.
ACKNOWLEDGED_REVISION = 2


class Reporter(Shape):
    name: str = ""
    relationship: Relationship | None = None
    relationship_notes: str = ""  # e.g. "paternal grandmother"
    contact: str = ""
    confidential_identity: bool = False  # marked for redaction on subject access requests


class Acknowledgement(Shape):
    by_practitioner_id: UUID
    at: datetime
    action_taken: str = ""


class ConcernReceived(Shape):
    concern_id: UUID
    reporter: Reporter = Field(default_factory=Reporter)
    channel: ConcernChannel | None = None
    received_at: datetime | None = None
    received_by: UUID | None = None
    content: str = ""  # verbatim where possible
    children_concerned: list[UUID] = Field(default_factory=list)
    routed_to: UUID | None = None
    acknowledgement: Acknowledgement | None = None
    outcome_fed_back_to_reporter: bool | None = None

    @property
    def awaiting_acknowledgement(self) -> bool:
        return self.acknowledgement is None
