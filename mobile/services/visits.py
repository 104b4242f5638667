"""Recording visits: start a draft, save it at every step, check it, submit it, amend it.

Drafts live only in the encrypted store; the view-model holds half-typed input until it calls
save_draft. Messages name children by their names (the store seals them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from mobile.services.errors import AppError, app_error
from mobile.store.repository import Repository
from models.amendment import Amendment, FieldChange
from models.caseload import Child
from models.enums import (
    AssessedStatus,
    CarerRole,
    ParentalResponsibility,
    PractitionerRole,
    RecordStatus,
    Relationship,
)
from models.ids import new_id
from models.rules import Check, check_visit
from models.visit import ChildOutcome, PersonPresent, RelationshipToChild, Visit

__all__ = ["KnownPerson", "VisitService", "enrolled_setting"]

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


def enrolled_setting(store: Repository, key: str, *, plain: bool = False) -> str:
    """A setting enrolment wrote. Missing means enrolment never finished: say so, rather than
    make records with a blank identity that the central record would refuse later."""
    value = store.get_plain_setting(key) if plain else store.get_setting(key)
    if not value:
        raise AppError(
            "Setting up this device did not finish. Enrol it again with a new code from your "
            "team manager; records already on it are kept.",
            code="session.enrolment_incomplete",
        )
    return value


class VisitService:
    def __init__(
        self, *, store: Repository, clock: Callable[[], datetime], app_version: str
    ) -> None:
        self._store = store
        self._clock = clock
        self._app_version = app_version

    def start(self, *, child_ids: Sequence[UUID]) -> Visit:
        """A new draft for these children (one household, one visit), saved at once."""
        if not child_ids:
            raise AppError("Choose at least one child for this visit.", code="visit.no_children")
        try:
            children = [self._store.get_child(child_id) for child_id in child_ids]
            first = children[0]
            now = self._clock()
            visit = Visit(
                visit_id=new_id(),
                organisation_id=enrolled_setting(self._store, "organisation_id"),
                practitioner_id=UUID(enrolled_setting(self._store, "practitioner_id")),
                practitioner_role=PractitionerRole(enrolled_setting(self._store, "role")),
                device_id=UUID(enrolled_setting(self._store, "device_id", plain=True)),
                app_version=self._app_version,
                created_on_device_at=now,
                service_context=first.service_context,
                started_at=now,
                location_household_id=first.household_id,
                children=[_outcome_for(child) for child in children],
            )
            self._store.save_draft(visit)
        except AppError:
            raise
        except Exception as exc:
            raise app_error(exc) from exc
        return visit

    def known_people(self, visit: Visit) -> list[KnownPerson]:
        in_visit = {c.child_id for c in visit.children}
        names = {p.person_id: p.name for p in self._store.list_people()}
        found: dict[UUID, KnownPerson] = {}
        for child_id in in_visit:
            for link in self._store.get_child(child_id).links:
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

    def save_draft(self, visit: Visit) -> None:
        try:
            self._store.save_draft(visit)
        except Exception as exc:
            raise app_error(exc) from exc

    def drafts(self) -> list[Visit]:
        return list(self._store.list_drafts())

    def submitted(self) -> list[Visit]:
        return [v for v in self._store.list_visits() if v.status != RecordStatus.DRAFT]

    def get(self, visit_id: UUID) -> Visit:
        try:
            return self._store.get_visit(visit_id)
        except Exception as exc:
            raise app_error(exc) from exc

    def child_names(self, visit: Visit) -> dict[UUID, str]:
        names = {}
        for outcome in visit.children:
            try:
                names[outcome.child_id] = self._store.get_child(outcome.child_id).name
            except Exception:  # a child no longer on this device: fall back to "Child N"
                log.info("Child in a visit is not on this device's caseload")
        return names

    def check(self, visit: Visit) -> Check:
        return check_visit(visit, child_labels=self.child_names(visit), now=self._clock())

    def submit(self, visit_id: UUID) -> Visit:
        """Lock the draft and queue it for the central record, in one transaction."""
        try:
            visit = self._store.get_visit(visit_id)
            return self._store.submit_visit(visit_id, child_labels=self.child_names(visit))
        except Exception as exc:
            raise app_error(exc) from exc

    def amend(self, *, visit_id: UUID, changes: Sequence[FieldChange], reason: str) -> Visit:
        try:
            visit = self._store.get_visit(visit_id)
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
            return self._store.add_amendment(amendment)
        except Exception as exc:
            raise app_error(exc) from exc


def _outcome_for(child: Child) -> ChildOutcome:
    return ChildOutcome(
        child_id=child.child_id, date_of_birth=child.date_of_birth, nhs_number=child.nhs_number
    )
