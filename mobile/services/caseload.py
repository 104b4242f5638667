"""The caseload: my children, where each stands, and concerns waiting for acknowledgement.

The workflows, each one transaction over the device's unit of work:
    apply_caseload_changes  one page from the central record and its cursor; a row with an
                            unsynced local change is not overwritten (the newer version waits
                            beside it until the change is acknowledged); a child's tombstone
                            purges that child's caseload and synced visits, never an unsynced one
    reset_caseload          the central record's "start over": cursor and downloaded rows go;
                            visits, drafts, the outbox and unsynced local changes stay
    acknowledge_concern     what was done is required (the central record refuses an empty
                            one); the concern shows it at once; the acknowledgement goes out
                            through the outbox as the concern's next revision
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from mobile import codes
from mobile.services.chronology import HistoryEntry, chronology, restrictions_touching
from mobile.services.concern_words import action_problem
from mobile.services.errors import AppError, app_errors
from mobile.services.flags import open_flags
from mobile.services.org_settings import device_settings
from mobile.services.oversight import offline_conditions
from mobile.services.reads import (
    children,
    children_named,
    get_child,
    rows_named,
    submitted_visits,
)
from mobile.services.shapes import CaseloadRow, ReceivedFlag, ReceivedTask
from mobile.services.tasks import mark_task_done, open_tasks
from mobile.store.errors import AlreadyAcknowledged, CorruptRecord, RecordNotFound
from mobile.store.records import dumps, summarise
from mobile.store.shapes import CaseloadApplied, ChildSummary, Listing
from mobile.store.unit_of_work import DeviceRecords, UnitOfWork
from models.caseload import ContactRestriction, Household, Person, PersonLink, SeenData
from models.concern import ACKNOWLEDGED_REVISION, Acknowledgement, ConcernReceived
from models.ids import new_id
from models.oversight import Condition
from models.receipt import CaseloadChange, RecordKind
from models.timescales import TimescaleRules
from models.timescales.calendar import WorkingCalendar

__all__ = [
    "CURSOR_KEY",
    "AcknowledgedConcern",
    "CaseloadService",
    "ChildDetail",
    "LinkedPerson",
    "acknowledge_concern",
    "apply_caseload_changes",
    "caseload_summary",
    "concerns",
    "reset_caseload",
    "settle_local_change",
]

CURSOR_KEY = "_caseload_cursor"  # a sealed setting: where the next download starts


# The workflows -----------------------------------------------------------------------------------
def apply_caseload_changes(
    *, uow: UnitOfWork, changes: Sequence[CaseloadChange], cursor: str
) -> CaseloadApplied:
    counts = {"applied": 0, "deferred": 0, "stale": 0, "purged_visits": 0}
    with uow:
        for change in changes:
            kind, eid = change.kind, change.entity_id
            held = uow.caseload.held(kind, eid)
            if held and change.version <= held.newest:
                counts["stale"] += 1
            elif change.deleted and kind == "child":
                counts["purged_visits"] += _purge_child(uow, eid)
                counts["applied"] += 1
            elif change.deleted and held is None:
                counts["stale"] += 1
            elif change.deleted and held and held.local_pending:
                uow.caseload.defer_delete(kind, eid, change.version)
                counts["deferred"] += 1
            elif change.deleted:
                uow.caseload.delete(kind, eid)
                counts["applied"] += 1
            elif held and held.local_pending:
                data = dumps(change.data or {})
                uow.caseload.defer(kind=kind, entity_id=eid, version=change.version, data=data)
                counts["deferred"] += 1
            else:
                uow.caseload.put(
                    kind=kind,
                    entity_id=eid,
                    version=change.version,
                    child_id=change.child_id or (eid if kind == "child" else None),
                    data=dumps(change.data or {}),
                )
                counts["applied"] += 1
        uow.settings.set_setting(CURSOR_KEY, cursor)
        uow.commit()
    return CaseloadApplied(**counts)


def _purge_child(uow: UnitOfWork, child_id: UUID) -> int:
    """A de-allocated child: its caseload rows and synced visits go; anything unsynced stays."""
    uow.caseload.remove_child(child_id)
    purged = 0
    for visit_id in uow.visits.visits_of_child(child_id):
        keep = (
            uow.visits.has_draft(visit_id)
            or uow.outbox.holds(visit_id)
            or any(uow.caseload.held("child", c) for c in uow.visits.children_of(visit_id))
        )
        if not keep:
            uow.visits.purge(visit_id)
            uow.outbox.forget_receipts(visit_id)
            purged += 1
    return purged


def settle_local_change(uow: UnitOfWork, kind: str, entity_id: UUID) -> None:
    """The central record acknowledged a change made here: a newer central version kept aside
    (or its deletion) now applies."""
    held = uow.caseload.held(kind, entity_id)
    if held is None:
        return
    if held.pending_deleted:
        uow.caseload.delete(kind, entity_id)
    elif held.pending_version is not None:
        uow.caseload.adopt_deferred(kind, entity_id)
    else:
        uow.caseload.clear_local(kind, entity_id)


def reset_caseload(*, uow: UnitOfWork) -> None:
    with uow:
        uow.settings.delete_setting(CURSOR_KEY)
        uow.caseload.reset()
        uow.commit()


def acknowledge_concern(
    *, uow: UnitOfWork, concern_id: UUID, by: UUID, at: datetime, action_taken: str = ""
) -> ConcernReceived:
    """A named person acknowledges a concern from the caseload, saying what they did."""
    with uow:
        concern = uow.caseload.get("concern", concern_id, ConcernReceived)
        if concern is None:
            raise RecordNotFound("concern", concern_id)
        if concern.acknowledgement is not None:
            raise AlreadyAcknowledged(concern_id)
        action_taken = action_taken.strip()
        refused = action_problem(concern, action_taken)
        if refused is not None:
            raise AppError(refused, code=codes.CONCERN_ACTION_NEEDED)
        ack = Acknowledgement(by_practitioner_id=by, at=at, action_taken=action_taken)
        updated = concern.model_copy(update={"acknowledgement": ack})
        uow.caseload.put_local("concern", concern_id, updated)
        ack_id, record = new_id(), dumps(ack.model_dump(mode="json"))
        uow.visits.add_record(
            kind=RecordKind.ACKNOWLEDGEMENT,
            record_id=ack_id,
            subject_id=concern_id,
            revision=1,
            body=record,
        )
        # Travels as the concern's next revision: a second acknowledgement is a conflict.
        uow.outbox.add(
            kind=RecordKind.ACKNOWLEDGEMENT,
            record_id=concern_id,
            revision=ACKNOWLEDGED_REVISION,
            source_id=ack_id,
            base_revision=ACKNOWLEDGED_REVISION - 1,
            body=record,
        )
        uow.commit()
    return updated


# Reads (inside `with uow`) ------------------------------------------------------------------------
def concerns(
    uow: UnitOfWork, *, awaiting_acknowledgement: bool | None = None
) -> Listing[ConcernReceived]:
    listing = uow.caseload.rows("concern", ConcernReceived)
    if awaiting_acknowledgement is not None:
        listing.items[:] = [
            c for c in listing.items if c.awaiting_acknowledgement == awaiting_acknowledgement
        ]
    return listing


def caseload_summary(
    uow: UnitOfWork,
    *,
    only: set[UUID] | None = None,
    found: Listing[ConcernReceived] | None = None,
) -> Listing[ChildSummary]:
    """One summary per child (last seen, last visit, flags, counts), sorted by name; `only`:
    just these children (those still on the device), reading just their visits and homes.
    `found`: the concerns, if the caller has read them already."""
    drafts = uow.visits.drafts()
    if only is None:
        visits, kids = submitted_visits(uow), children(uow)
        households = uow.caseload.rows("household", Household)
    else:
        visits, kids = children_named(uow, only)
        homes = {c.household_id for c in kids if c.household_id is not None}
        households = rows_named(uow, "household", Household, homes)
    found = concerns(uow) if found is None else found
    restrictions = uow.caseload.rows("restriction", ContactRestriction)
    seen_rows = uow.caseload.rows("seen", SeenData)
    seen: dict[UUID, date] = {}
    for row in seen_rows:
        if row.last_seen_at:
            day = row.last_seen_at.date()
            seen[row.child_id] = max(day, seen.get(row.child_id, day))
    problems: list[CorruptRecord] = list(seen_rows.problems)
    for part in (visits, drafts, kids, households, found, restrictions):
        problems.extend(part.problems)
    summaries = summarise(
        children=kids,
        households={h.household_id: h for h in households},
        visits=visits,
        drafts=drafts,
        concerns=found,
        restrictions=restrictions,
        seen_at_centre=seen,
        unsynced_visit_ids=uow.outbox.unsynced_visit_ids(),
    )
    return Listing(summaries, problems)


@dataclass(frozen=True)
class LinkedPerson:
    name: str
    link: PersonLink


@dataclass(frozen=True)
class AcknowledgedConcern:
    """A concern a named person has acknowledged: it stays in the child's history."""

    concern: ConcernReceived
    ack: Acknowledgement
    by_me: bool  # this device's practitioner; anyone else is "a colleague" (no names held here)


@dataclass(frozen=True)
class ChildDetail:
    child_id: UUID
    name: str
    date_of_birth: date | None
    address: str
    people: tuple[LinkedPerson, ...]
    concerns_awaiting: tuple[ConcernReceived, ...]
    flags: tuple[ReceivedFlag, ...] = ()  # from the central record, most urgent first
    concerns_acknowledged: tuple[AcknowledgedConcern, ...] = ()  # newest first
    tasks: tuple[ReceivedTask, ...] = ()  # sent back by a manager, with what to do
    history: tuple[HistoryEntry, ...] = ()  # visits, newest first
    restrictions: tuple[ContactRestriction, ...] = ()  # on the child or on an adult linked to them
    restricted_names: dict[UUID, str] = field(default_factory=dict)  # person and child ids


# The service the screens call ------------------------------------------------------------------
class CaseloadService:
    def __init__(
        self,
        *,
        store: DeviceRecords,
        clock: Callable[[], datetime],
        practitioner_id: UUID,
        rules: TimescaleRules | None = None,
        calendar: WorkingCalendar | None = None,
    ) -> None:
        self._store = store
        self._uow = store.unit_of_work()
        self._clock = clock
        self._practitioner_id = practitioner_id
        self._rules = rules  # None: the organisation's, as the device holds them
        self._calendar = calendar
        from mobile.services.caseload_cache import CaseloadRows  # it builds on this module

        self._rows = CaseloadRows()

    def rows(self) -> list[CaseloadRow]:
        """Every child on this device, with timescales computed here (offline) from the rules:
        from the store's row cache, built again only for the children changed since
        (caseload_cache.py)."""
        with self._uow as uow:
            org = device_settings(uow)  # a change to it marks every child: no stale row
            return self._rows.rows(
                uow,
                today=self._clock().date(),
                rules=org.rules if self._rules is None else self._rules,
                calendar=org.calendar if self._calendar is None else self._calendar,
            )

    def records_waiting(self) -> int:
        """The device's records not yet acknowledged: the number the Sync screen shows too.

        A record waits until the central record has acknowledged it: not sent yet, sent without an
        answer yet, in conflict, or rejected (those two need a person, but they are not at the
        central record, so no screen counts them as done). The store keeps this count, outbox plus
        quarantine, and gives it while locked: a number, nothing personal.
        """
        with self._store.unit_of_work() as uow:
            return uow.outbox.count()

    def child(self, child_id: UUID) -> ChildDetail:
        with app_errors(), self._uow as uow:
            child = get_child(uow, child_id)
            households = {h.household_id: h for h in uow.caseload.rows("household", Household)}
            names = {p.person_id: p.name for p in uow.caseload.rows("person", Person)}
            found = concerns(uow)
            flags, _ = open_flags(uow)
            tasks = open_tasks(uow).get(child_id, [])
            history = chronology(uow, child_id, practitioner_id=self._practitioner_id)
            restricted = restrictions_touching(uow, child)
            names |= {c.child_id: c.name for c in children(uow)}
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
            concerns_awaiting=tuple(
                c for c in found if c.awaiting_acknowledgement and child_id in c.children_concerned
            ),
            flags=tuple(flags.get(child_id, ())),
            concerns_acknowledged=self._acknowledged(list(found), child_id),
            tasks=tuple(tasks),
            history=tuple(history),
            restrictions=tuple(restricted),
            restricted_names={
                i: names[i] for r in restricted for i in (r.person_id, r.child_id) if i in names
            },
        )

    def _acknowledged(
        self, found: Sequence[ConcernReceived], child_id: UUID
    ) -> tuple[AcknowledgedConcern, ...]:
        me = self._practitioner_id
        out = [
            AcknowledgedConcern(c, c.acknowledgement, c.acknowledgement.by_practitioner_id == me)
            for c in found
            if c.acknowledgement is not None and child_id in c.children_concerned
        ]
        return tuple(sorted(out, key=lambda a: a.ack.at, reverse=True))

    def offline_conditions(self) -> dict[UUID, list[Condition]]:
        """Each child's flags as this device estimates them now, with no signal (oversight.py)."""
        with app_errors(), self._uow as uow:
            return offline_conditions(uow, now=self._clock())

    def concerns_awaiting(self) -> list[ConcernReceived]:
        with self._uow as uow:
            return list(concerns(uow, awaiting_acknowledgement=True))

    def acknowledge_concern(self, concern_id: UUID, *, action_taken: str = "") -> None:
        """A named person (this practitioner) acknowledges: it syncs back as its own record."""
        with app_errors():
            acknowledge_concern(
                uow=self._uow,
                concern_id=concern_id,
                by=self._practitioner_id,
                at=self._clock(),
                action_taken=action_taken,
            )

    def mark_task_done(self, task_id: UUID, *, what_was_done: str) -> None:
        """This practitioner did what a task asked: it syncs back as its own record."""
        with app_errors():
            mark_task_done(
                uow=self._uow,
                task_id=task_id,
                by=self._practitioner_id,
                at=self._clock(),
                what_was_done=what_was_done,
            )
