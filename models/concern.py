"""Concerns received from third parties: first-class records, shown until a named person acknowledges.

Relatives in the Child Ak review raised concerns up to eight times and none was recorded or shared:
notice given is not information received, so acknowledgement names who and when.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from uuid import UUID

from pydantic import Field

from models.base import Shape
from models.enums import ConcernChannel, Relationship

__all__ = [
    "ACKNOWLEDGED_REVISION",
    "REPEAT_WINDOW",
    "Acknowledgement",
    "ConcernReceived",
    "Reporter",
    "acknowledgement_problem",
    "report_counts",
]

# A concern's revisions at the central record: 1 as received, 2 once a named person acknowledges
# it. An acknowledgement travels as revision 2 building on 1, so a second one is a conflict.
ACKNOWLEDGED_REVISION = 2
# "The 4th report from this person in 30 days": repeat reports are counted over this window.
REPEAT_WINDOW = timedelta(days=30)


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
    # The reporter's stable identity at the central record (a reporter record or a known person),
    # when the device knows it; the central record links every concern to one on arrival.
    reporter_id: UUID | None = None
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


def acknowledgement_problem(concern: ConcernReceived, action_taken: str) -> str | None:
    """Why a named person cannot acknowledge `concern` now, in plain words, or None. Delivery is
    never receipt: acknowledging says what was done about it."""
    if concern.acknowledgement is not None:
        return "This concern has already been acknowledged."
    if not action_taken.strip():
        return "Say what you did about this concern (for example, who you phoned and when)."
    return None


def report_counts(
    received: Iterable[datetime], at: datetime, window: timedelta = REPEAT_WINDOW
) -> tuple[int, int]:
    """Of a reporter's reports received at `received`: how many in the `window` up to `at` (the
    report at `at` included), and how many in all."""
    times = list(received)
    return sum(1 for t in times if at - window <= t <= at), len(times)
