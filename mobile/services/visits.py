"""Recording visits: start a draft, save it at every step, check it, submit it, amend it.

The workflows are written once, here, over the device's unit of work (mobile/store/unit_of_work.py);
each is one transaction:
    save_draft      a draft (revision 0), any number of times; RecordLocked once submitted
    submit_visit    answers made irrelevant pruned, the recording rules checked, then the locked
                    record (revision 1) and its outbox entry written together
    amend_visit     the amendment, the visit's next revision and its outbox entry together
    record_concern  a concern received outside a visit: checked, stored, queued
Drafts live only in the encrypted store; the view-model holds half-typed input until it calls
save_draft. Messages name children by their names (the store seals them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from mobile import codes
from mobile.services.errors import AppError, app_errors
from mobile.services.reads import current_visit, get_child, submitted_visits
from mobile.store.errors import RecordNotFound
from mobile.store.unit_of_work import DeviceRecords, SettingsRepository, UnitOfWork
from models.amendment import Amendment, FieldChange
from models.base import storable_problem
from models.canonical import canonical_json
from models.caseload import Child, ContactRestriction, Person
from models.concern import ConcernReceived
from models.enums import (
    AssessedStatus,
    CarerRole,
    ParentalResponsibility,
    PractitionerRole,
    RecordStatus,
    Relationship,
)
from models.errors import AmendmentRejected, RecordLocked, SubmissionBlocked
from models.ids import new_id
from models.lifecycle import apply_amendment, check_amendment, prune_hidden, submit
from models.receipt import RecordKind
from models.rules import Check, check_concern, check_visit
from models.visit import ChildOutcome, PersonPresent, RelationshipToChild, Visit

__all__ = [
    "KnownPerson",
    "VisitService",
    "amend_visit",
    "delete_draft",
    "enrolled_setting",
    "record_concern",
    "save_draft",
    "submit_visit",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KnownPerson:
    """An adult the central record links to a child in this visit: offered as 'present?'."""

    person_id: UUID
    name: str
    relationships: tuple[RelationshipToChild, ...]
    role_in_care: CarerRole
    lives_in_household: bool
    stays_overnight_regularly: bool
    assessed: AssessedStatus
    care_pattern: str

    def as_present(self) -> PersonPresent:
        return PersonPresent(
            person_id=self.person_id,
            name=self.name,
            relationships=list(self.relationships),
            lives_in_household=self.lives_in_household,
            stays_overnight_regularly=self.stays_overnight_regularly,
            role_in_care=self.role_in_care,
        )


def enrolled_setting(store: SettingsRepository, key: str, *, plain: bool = False) -> str:
    """A setting enrolment wrote. Missing means enrolment never finished: say so, rather than
    make records with a blank identity that the central record would refuse later."""
    value = store.get_plain_setting(key) if plain else store.get_setting(key)
    if not value:
        raise AppError.of(codes.ENROLMENT_INCOMPLETE)
    return value


# The workflows -----------------------------------------------------------------------------------
def save_draft(*, uow: UnitOfWork, visit: Visit) -> None:
    """Autosave. RecordLocked if the visit has been submitted."""
    if visit.status != RecordStatus.DRAFT or visit.revision != 0:
        raise RecordLocked()
    with uow:
        if uow.visits.is_submitted(visit.visit_id):
            raise RecordLocked()
        uow.visits.put_draft(visit)
        uow.commit()


def delete_draft(*, uow: UnitOfWork, visit_id: UUID) -> None:
    """Discard a draft (nothing happens if there is none). RecordLocked once submitted."""
    with uow:
        if uow.visits.is_submitted(visit_id):
            raise RecordLocked()
        uow.visits.delete_draft(visit_id)
        uow.commit()


def submit_visit(
    *,
    uow: UnitOfWork,
    visit_id: UUID,
    now: datetime,
    child_labels: Mapping[UUID, str] | None = None,
) -> Visit:
    """Check the recording rules (SubmissionBlocked lists what is missing), then write the
    locked record and its outbox entry in one transaction."""
    with uow:
        draft = uow.visits.draft(visit_id)
        if draft is None:
            if uow.visits.is_submitted(visit_id):
                raise RecordLocked()
            raise RecordNotFound("visit", visit_id)
        submitted = submit(prune_hidden(draft), at=now, child_labels=child_labels)
        uow.visits.delete_draft(visit_id)
        uow.visits.add_revision(submitted)
        uow.outbox.add(
            kind=RecordKind.VISIT,
            record_id=visit_id,
            revision=submitted.revision,
            source_id=visit_id,
            base_revision=None,
            body=canonical_json(submitted),
        )
        uow.commit()
    return submitted


def amend_visit(*, uow: UnitOfWork, amendment: Amendment) -> Visit:
    """Check the amendment (AmendmentRejected lists why not), then store it, the amended visit
    as the next revision and its outbox entry in one transaction. Returns the amended visit."""
    with uow:
        current = current_visit(uow, amendment.amends_visit_id)
        check = check_amendment(current, amendment)
        if not check.ok:
            raise AmendmentRejected(check)
        amended = apply_amendment(current, amendment)
        record = canonical_json(amendment)
        uow.visits.add_record(
            kind=RecordKind.AMENDMENT,
            record_id=amendment.amendment_id,
            subject_id=amended.visit_id,
            revision=amended.revision,
            body=record,
        )
        uow.visits.add_revision(amended)
        uow.outbox.add(
            kind=RecordKind.AMENDMENT,
            record_id=amended.visit_id,
            revision=amended.revision,
            source_id=amendment.amendment_id,
            base_revision=amendment.amends_revision,
            body=record,
        )
        uow.commit()
    return amended


def record_concern(*, uow: UnitOfWork, concern: ConcernReceived) -> None:
    """A concern received outside a visit (e.g. a phone call): checked, stored, queued."""
    check = check_concern(concern)
    if not check.ok:
        raise SubmissionBlocked(check)
    cid = concern.concern_id
    with uow:
        if uow.visits.has_record(cid):
            raise RecordLocked("This concern")
        record = canonical_json(concern)
        uow.visits.add_record(
            kind=RecordKind.CONCERN, record_id=cid, subject_id=cid, revision=1, body=record
        )
        uow.outbox.add(
            kind=RecordKind.CONCERN,
            record_id=cid,
            revision=1,
            source_id=cid,
            base_revision=None,
            body=record,
        )
        uow.commit()


# The service the screens call ------------------------------------------------------------------
class VisitService:
    def __init__(
        self, *, store: DeviceRecords, clock: Callable[[], datetime], app_version: str
    ) -> None:
        self._uow = store.unit_of_work()
        self._clock = clock
        self._app_version = app_version

    def start(self, *, child_ids: Sequence[UUID]) -> Visit:
        """A new draft for these children (one household, one visit), saved at once."""
        if not child_ids:
            raise AppError.of(codes.NO_CHILDREN)
        with app_errors():
            with self._uow as uow:
                children = [get_child(uow, child_id) for child_id in child_ids]
                settings = uow.settings
                first = children[0]
                now = self._clock()
                visit = Visit(
                    visit_id=new_id(),
                    organisation_id=enrolled_setting(settings, "organisation_id"),
                    practitioner_id=UUID(enrolled_setting(settings, "practitioner_id")),
                    practitioner_role=PractitionerRole(enrolled_setting(settings, "role")),
                    device_id=UUID(enrolled_setting(settings, "device_id", plain=True)),
                    app_version=self._app_version,
                    created_on_device_at=now,
                    service_context=first.service_context,
                    started_at=now,
                    location_household_id=first.household_id,
                    children=[_outcome_for(child) for child in children],
                )
            save_draft(uow=self._uow, visit=visit)
        return visit

    def known_people(self, visit: Visit) -> list[KnownPerson]:
        in_visit = {c.child_id for c in visit.children}
        with self._uow as uow:
            names = {p.person_id: p.name for p in uow.caseload.rows("person", Person)}
            links = {child_id: get_child(uow, child_id).links for child_id in in_visit}
        found: dict[UUID, KnownPerson] = {}
        for child_id in in_visit:
            for link in links[child_id]:
                rel = RelationshipToChild(
                    child_id=child_id,
                    relationship=link.relationship,
                    parental_responsibility=link.parental_responsibility,
                )
                known = found.get(link.person_id)
                found[link.person_id] = KnownPerson(
                    person_id=link.person_id,
                    name=names.get(link.person_id, "Name not on this device"),
                    relationships=(*(known.relationships if known else ()), rel),
                    role_in_care=link.role_in_care,
                    lives_in_household=link.lives_in_household,
                    stays_overnight_regularly=link.stays_overnight_regularly,
                    assessed=link.assessed,
                    care_pattern=link.care_pattern,
                )
        return sorted(found.values(), key=lambda p: p.name)

    def restrictions(self) -> list[ContactRestriction]:
        """The contact restrictions this device holds (its caseload's): the recorder warns at
        once when a restricted adult is recorded present or caring."""
        with self._uow as uow:
            return list(uow.caseload.rows("restriction", ContactRestriction))

    def new_adult(self, visit: Visit, *, name: str = "", description: str = "") -> PersonPresent:
        """A person the device has never seen: a prompt for every care question, never skipped."""
        return PersonPresent(
            person_id=new_id(),
            is_new=True,
            name=name,
            unidentified_description=description,
            relationships=[
                RelationshipToChild(
                    child_id=c.child_id,
                    relationship=Relationship.UNKNOWN,
                    parental_responsibility=ParentalResponsibility.UNKNOWN,
                )
                for c in visit.children
            ],
        )

    def now(self) -> datetime:
        """The device's time, for refusing a visit dated after it as it is typed."""
        return self._clock()

    def save_draft(self, visit: Visit) -> None:
        with app_errors():
            save_draft(uow=self._uow, visit=visit)

    def drafts(self) -> list[Visit]:
        with self._uow as uow:
            return list(uow.visits.drafts())

    def discard_draft(self, visit_id: UUID) -> None:
        """The practitioner asked (and confirmed): the draft is deleted from this device."""
        with app_errors():
            delete_draft(uow=self._uow, visit_id=visit_id)

    def submitted(self) -> list[Visit]:
        with self._uow as uow:
            return [v for v in submitted_visits(uow) if v.status != RecordStatus.DRAFT]

    def get(self, visit_id: UUID) -> Visit:
        with app_errors(), self._uow as uow:
            return current_visit(uow, visit_id)

    def child_names(self, visit: Visit) -> dict[UUID, str]:
        names = {}
        with self._uow as uow:
            for outcome in visit.children:
                try:
                    names[outcome.child_id] = get_child(uow, outcome.child_id).name
                except Exception:  # a child no longer on this device: fall back to "Child N"
                    log.info("Child in a visit is not on this device's caseload")
        return names

    def check(self, visit: Visit) -> Check:
        return check_visit(visit, child_labels=self.child_names(visit), now=self._clock())

    def submit(self, visit_id: UUID) -> Visit:
        """Lock the draft and queue it for the central record, in one transaction."""
        with app_errors():
            with self._uow as uow:
                visit = current_visit(uow, visit_id)
            return submit_visit(
                uow=self._uow,
                visit_id=visit_id,
                now=self._clock(),
                child_labels=self.child_names(visit),
            )

    def record_concern(self, concern: ConcernReceived) -> None:
        """A concern received outside a visit (e.g. a phone call): checked, stored, queued."""
        with app_errors():
            record_concern(uow=self._uow, concern=concern)

    def amend(self, *, visit_id: UUID, changes: Sequence[FieldChange], reason: str) -> Visit:
        unstorable = storable_problem(reason)
        if unstorable is not None:  # in words, before the record's shape refuses it unexplained
            raise AppError(f"The reason: {unstorable}.", code=codes.VISIT_INVALID)
        with app_errors():
            with self._uow as uow:
                visit = current_visit(uow, visit_id)
            amendment = Amendment(
                amendment_id=new_id(),
                amends_visit_id=visit_id,
                amends_revision=visit.revision,
                changes=list(changes),
                reason=reason,
                author_id=visit.practitioner_id,
                device_id=visit.device_id,
                at=self._clock(),
            )
            return amend_visit(uow=self._uow, amendment=amendment)


def _outcome_for(child: Child) -> ChildOutcome:
    return ChildOutcome(
        child_id=child.child_id, date_of_birth=child.date_of_birth, nhs_number=child.nhs_number
    )
