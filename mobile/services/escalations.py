"""Escalations recorded on the device ("phoned my manager at 16:10"), and the prompt for one.

The workflow, one transaction over the device's unit of work:
    record_escalation   checked (models.escalation), then stored sealed as a record authored
                        here, linked to its visit, and queued in the outbox like a concern
The read:
    escalations_due     the submitted high-risk visits still unsent after N hours with no
                        escalation recorded for them: the app asks the practitioner to record one
                        (N: the organisation's escalation_prompt_hours as the device holds them)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from pydantic import ValidationError

from mobile.services.errors import app_errors
from mobile.services.org_settings import device_settings
from mobile.services.reads import submitted_visits
from mobile.services.visits import enrolled_setting
from mobile.store.unit_of_work import DeviceRecords, UnitOfWork
from models.base import error_words
from models.canonical import canonical_json
from models.checks import Check, Problem, Step
from models.errors import RecordLocked, SubmissionBlocked
from models.escalation import (
    Escalation,
    EscalationMethod,
    check_escalation,
    escalation_due,
)
from models.ids import new_id
from models.receipt import RecordKind, SyncState
from models.visit import Visit

__all__ = ["DueEscalation", "EscalationService", "escalations_due", "record_escalation"]

_VISIT_KINDS = (RecordKind.VISIT, RecordKind.AMENDMENT)


def record_escalation(*, uow: UnitOfWork, escalation: Escalation, now: datetime) -> None:
    """Check it (SubmissionBlocked lists what is missing), then store it and queue it together."""
    check = check_escalation(escalation, now=now)
    if not check.ok:
        raise SubmissionBlocked(check)
    eid = escalation.escalation_id
    with uow:
        visit = uow.visits.latest(escalation.visit_id)
        if visit is None:
            raise SubmissionBlocked(
                _problem("visit_id", "Submit the visit first, then record who you told.")
            )
        if not set(escalation.child_ids) <= {c.child_id for c in visit.children}:
            raise SubmissionBlocked(
                _problem("child_ids", "Choose children from the visit this escalation is about.")
            )
        if uow.visits.has_record(eid):
            raise RecordLocked("This escalation")
        body = canonical_json(escalation)
        uow.visits.add_record(
            kind=RecordKind.ESCALATION,
            record_id=eid,
            subject_id=escalation.visit_id,
            revision=1,
            body=body,
        )
        uow.outbox.add(
            kind=RecordKind.ESCALATION,
            record_id=eid,
            revision=1,
            source_id=eid,
            base_revision=None,
            body=body,
        )
        uow.commit()


def _problem(field: str, message: str) -> Check:
    return Check((Problem(field, message, Step.CONCERNS),))


def _unstorable(exc: ValidationError) -> Check:
    problems = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"])
        message = error_words(error)
        problems.append(
            Problem(field, f"{_FIELD_WORDS.get(field, field)}: {message}.", Step.CONCERNS)
        )
    return Check(tuple(problems))


_FIELD_WORDS = {"to_whom": "Who you told", "response": "Their response", "at": "When"}


@dataclass(frozen=True)
class DueEscalation:
    """A visit the app asks an escalation for: unsent since `unsent_since`."""

    visit: Visit
    unsent_since: datetime


def escalations_due(
    uow: UnitOfWork, *, now: datetime, hours: float | None = None
) -> list[DueEscalation]:
    """Inside `with uow:`. Unsent: in the outbox, held in conflict, or in quarantine. `hours`
    None: the organisation's own number (device_settings), else the default."""
    if hours is None:
        hours = device_settings(uow).limits.escalation_prompt_hours
    visits = {v.visit_id: v for v in submitted_visits(uow)}
    since: dict[UUID, datetime] = {}
    for state in uow.outbox.states():
        if state.kind in _VISIT_KINDS and state.state != SyncState.ACKNOWLEDGED:
            earliest = since.get(state.record_id)
            since[state.record_id] = min(state.queued_at, earliest or state.queued_at)
    escalated = [e.visit_id for e in uow.visits.escalations()]
    due = escalation_due(
        visits=visits.values(), unsent_since=since, escalated=escalated, now=now, hours=hours
    )
    return [DueEscalation(visits[v], since[v]) for v in due]


# The service the screens call ------------------------------------------------------------------
class EscalationService:
    def __init__(
        self,
        *,
        store: DeviceRecords,
        clock: Callable[[], datetime],
        prompt_hours: float | None = None,  # None: the organisation's number
    ) -> None:
        self._uow = store.unit_of_work()
        self._clock = clock
        self.prompt_hours = prompt_hours

    def now(self) -> datetime:
        """The device's clock, for screens that say how long a visit has waited."""
        return self._clock()

    def due(self) -> list[DueEscalation]:
        with app_errors(), self._uow as uow:
            return escalations_due(uow, now=self._clock(), hours=self.prompt_hours)

    def record(
        self,
        *,
        visit_id: UUID,
        at: datetime,
        to_whom: str,
        how: EscalationMethod | None,
        response: str,
        child_ids: Sequence[UUID] = (),
        flag_id: UUID | None = None,
    ) -> Escalation:
        """Record one; `child_ids` empty means every child of the visit."""
        with app_errors():
            with self._uow as uow:
                visit = uow.visits.latest(visit_id)
                practitioner = UUID(enrolled_setting(uow.settings, "practitioner_id"))
                device = UUID(enrolled_setting(uow.settings, "device_id", plain=True))
            children = list(child_ids) or ([c.child_id for c in visit.children] if visit else [])
            try:
                escalation = Escalation(
                    escalation_id=new_id(),
                    visit_id=visit_id,
                    flag_id=flag_id,
                    child_ids=children,
                    practitioner_id=practitioner,
                    device_id=device,
                    at=at,
                    to_whom=to_whom.strip(),
                    how=how,
                    response=response.strip(),
                    created_on_device_at=self._clock(),
                )
            except ValidationError as exc:  # text that cannot be stored: say which, keep it typed
                raise SubmissionBlocked(_unstorable(exc)) from None
            record_escalation(uow=self._uow, escalation=escalation, now=self._clock())
        return escalation
