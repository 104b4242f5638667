"""An escalation a practitioner records ("phoned my manager at 16:10"): its own record, linked to
the visit it is about (and, when there is one, the flag), made on the device offline.

The Child Ak review found IT problems delayed escalation at a crucial point: so the escalation
itself is a record, made on the doorstep, that goes out the moment there is a signal, and the app
prompts for one while a high-risk visit is still unsent (`escalation_due`).

  check_escalation(e, now)   every problem that stops it being recorded, in plain words
  high_risk(visit)           a child not seen, an injury or mark observed, a safeguarding concern
  escalation_due(...)        the unsent high-risk visits with no escalation recorded after N hours
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from models.base import Shape
from models.checks import Check, Problem, Step, has_text
from models.enums import ObservationCategory
from models.flags import escalates
from models.visit import Visit

__all__ = [
    "DEFAULT_PROMPT_HOURS",
    "MAX_RESPONSE",
    "MAX_TO_WHOM",
    "Escalation",
    "EscalationMethod",
    "check_escalation",
    "escalation_due",
    "high_risk",
]

MAX_TO_WHOM = 200  # "my team manager", "the duty manager, Riverside team"
MAX_RESPONSE = 4000  # as long as a decision's reason at the central record
DEFAULT_PROMPT_HOURS = 4  # an organisation may set its own (models.oversight.settings limits)


class EscalationMethod(StrEnum):
    PHONE = "PHONE"
    IN_PERSON = "IN_PERSON"
    MESSAGE = "MESSAGE"
    EMAIL = "EMAIL"
    OTHER = "OTHER"


class Escalation(Shape):
    escalation_id: UUID
    visit_id: UUID
    flag_id: UUID | None = None
    child_ids: list[UUID] = Field(default_factory=list)
    practitioner_id: UUID
    device_id: UUID | None = None
    at: datetime  # when they escalated, not when it was typed
    to_whom: str = ""  # plain text: "my team manager"
    how: EscalationMethod | None = None
    response: str = ""  # what they said or did
    created_on_device_at: datetime


def check_escalation(escalation: Escalation, *, now: datetime | None = None) -> Check:
    """Every problem that stops `escalation` being recorded. With `now`, a time after it is one."""
    return Check(tuple(_problems(escalation, now)))


def _problems(e: Escalation, now: datetime | None) -> Iterator[Problem]:
    def problem(field: str, message: str) -> Problem:
        return Problem(field, message, Step.CONCERNS)

    if now is not None and e.at > now:
        yield problem("at", "The escalation cannot be after now: check the time.")
    if not has_text(e.to_whom):
        yield problem("to_whom", "Say who you told (for example, my team manager).")
    elif len(e.to_whom) > MAX_TO_WHOM:
        yield problem("to_whom", f"Who you told is too long: keep it under {MAX_TO_WHOM} letters.")
    if e.how is None:
        yield problem("how", "Say how you told them (phone, in person, message, email).")
    if not has_text(e.response):
        yield problem("response", "Say what they said or did (or that you could not reach them).")
    elif len(e.response) > MAX_RESPONSE:
        yield problem(
            "response", f"Their response is too long: keep it under {MAX_RESPONSE} letters."
        )
    if not e.child_ids:
        yield problem("child_ids", "Choose which children this escalation is about.")


def high_risk(visit: Visit) -> bool:
    """A visit whose news cannot wait: a child not seen face to face, an injury or mark observed,
    or a safeguarding concern now (models.flags.escalates)."""
    if escalates(visit):
        return True
    seen = set(visit.child_seen_face_to_face)
    if any(c.child_id not in seen for c in visit.children):
        return True
    return any(
        o.category == ObservationCategory.INJURY_OR_MARK and has_text(o.text)
        for c in visit.children
        for o in c.observations
    )


def escalation_due(
    *,
    visits: Iterable[Visit],
    unsent_since: Mapping[UUID, datetime],
    escalated: Iterable[UUID],
    now: datetime,
    hours: float = DEFAULT_PROMPT_HOURS,
) -> list[UUID]:
    """The visits to prompt an escalation for, oldest first: high risk, still unsent
    (`unsent_since` is when each unsent visit was saved for sending) for `hours` or more, and
    with no escalation recorded for them (`escalated` are the visit ids of those recorded)."""
    done = set(escalated)
    limit = timedelta(hours=hours)
    due = [
        (since, v.visit_id)
        for v in visits
        if (since := unsent_since.get(v.visit_id)) is not None
        and v.visit_id not in done
        and now - since >= limit
        and high_risk(v)
    ]
    return [visit_id for _, visit_id in sorted(due, key=lambda d: (d[0], str(d[1])))]
