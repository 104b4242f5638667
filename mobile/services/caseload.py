"""The caseload: my children, where each stands, and concerns waiting for acknowledgement."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from mobile.services.caseload_rows import build_rows
from mobile.services.errors import app_errors
from mobile.services.shapes import CaseloadRow
from mobile.services.waiting import records_waiting
from mobile.store.repository import Repository
from models.caseload import PersonLink
from models.concern import ConcernReceived
from models.timescales import TimescaleRules, default_rules
from models.timescales.calendar import WorkingCalendar

__all__ = ["CaseloadService", "ChildDetail", "LinkedPerson"]


@dataclass(frozen=True)
class LinkedPerson:
    name: str
    link: PersonLink


@dataclass(frozen=True)
class ChildDetail:
    child_id: UUID
    name: str
    date_of_birth: date | None
    address: str
    people: tuple[LinkedPerson, ...]
    concerns_awaiting: tuple[ConcernReceived, ...]


class CaseloadService:
    def __init__(
        self,
        *,
        store: Repository,
        clock: Callable[[], datetime],
        practitioner_id: UUID,
        rules: TimescaleRules | None = None,
        calendar: WorkingCalendar | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._practitioner_id = practitioner_id
        self._rules = rules or default_rules()
        self._calendar = calendar or WorkingCalendar()

    def rows(self) -> list[CaseloadRow]:
        """Every child on this device, with timescales computed here (offline) from the rules."""
        return build_rows(
            summaries=self._store.caseload_summary(),
            rules=self._rules,
            calendar=self._calendar,
            today=self._clock().date(),
        )

    def records_waiting(self) -> int:
        """The device's records not yet acknowledged: the number the Sync screen shows too."""
        return records_waiting(self._store)

    def child(self, child_id: UUID) -> ChildDetail:
        with app_errors():
            child = self._store.get_child(child_id)
            households = {h.household_id: h for h in self._store.list_households()}
            names = {p.person_id: p.name for p in self._store.list_people()}
            concerns = self._store.list_concerns(awaiting_acknowledgement=True)
        home = households.get(child.household_id) if child.household_id else None
        return ChildDetail(
            child_id=child.child_id,
            name=child.name,
            date_of_birth=child.date_of_birth,
            address=f"{home.address} {home.postcode}".strip() if home else "Address not known",
            people=tuple(
                LinkedPerson(names.get(link.person_id, "Name not on this device"), link)
                for link in child.links
            ),
            concerns_awaiting=tuple(c for c in concerns if child_id in c.children_concerned),
        )

    def concerns_awaiting(self) -> list[ConcernReceived]:
        return list(self._store.list_concerns(awaiting_acknowledgement=True))

    def acknowledge_concern(self, concern_id: UUID, *, action_taken: str = "") -> None:
        """A named person (this practitioner) acknowledges: it syncs back as its own record."""
        with app_errors():
            self._store.acknowledge_concern(
                concern_id=concern_id,
                by=self._practitioner_id,
                at=self._clock(),
                action_taken=action_taken,
            )
