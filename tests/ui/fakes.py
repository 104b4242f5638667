"""In-memory stand-ins for mobile/services, shaped like mobile.ui.viewmodels.ports.

They follow the services' contract closely enough for view-model tests (the same tests run against
the real services once they exist: see conftest.py). Synthetic, fictitious data only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

from mobile.services.api import (
    CaseloadRow,
    ChildFlag,
    RecordSyncState,
    SyncProgress,
    SyncRecordStatus,
)
from mobile.services.caseload_rows import age_text
from mobile.services.errors import (
    AppError,
    RecordLockedError,
    SubmissionBlockedError,
    WrongPinError,
)
from models.amendment import Amendment, FieldChange
from models.caseload import PersonLink
from models.enums import AssessedStatus, CarerRole, RecordStatus
from models.ids import new_id
from models.lifecycle import apply_amendment, ensure_editable
from models.rules import Check, check_visit
from models.synthetic import SyntheticCaseload
from models.visit import ChildOutcome, RelationshipToChild, Visit

NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
PIN = "correct horse battery"


@dataclass
class KnownPerson:
    """Shaped like mobile.services.visits.KnownPerson."""

    person_id: UUID
    name: str
    links: list[PersonLink] = field(default_factory=list)

    @property
    def relationships(self) -> tuple[RelationshipToChild, ...]:
        return tuple(
            RelationshipToChild(
                child_id=link.child_id,
                relationship=link.relationship,
                parental_responsibility=link.parental_responsibility,
            )
            for link in self.links
        )

    @property
    def role_in_care(self) -> CarerRole:
        return self.links[0].role_in_care if self.links else CarerRole.NONE

    @property
    def lives_in_household(self) -> bool:
        return bool(self.links and self.links[0].lives_in_household)

    @property
    def stays_overnight_regularly(self) -> bool:
        return bool(self.links and self.links[0].stays_overnight_regularly)

    @property
    def assessed(self) -> AssessedStatus:
        return self.links[0].assessed if self.links else AssessedStatus.NOT_ASSESSED

    @property
    def care_pattern(self) -> str:
        return self.links[0].care_pattern if self.links else ""


@dataclass
class ChildDetail:
    child_id: UUID
    name: str
    date_of_birth: object
    address: str
    people: list[object]
    concerns: list[object]


@dataclass
class About:
    version: str = "0.1.0"
    device_id: UUID | None = None
    server_url: str = "https://central.example.invalid"
    last_sync_at: str = "never"


def synthetic_rows(load: SyntheticCaseload) -> list[CaseloadRow]:
    """Rows as the caseload service makes them: a spread of overdue, due, flagged, unsynced."""
    awaiting = {
        c for k in load.concerns if k.awaiting_acknowledgement for c in k.children_concerned
    }
    rows = []
    for n, child in enumerate(load.children):
        seen = None if n % 7 == 0 else (n * 5) % 40
        overdue = max(0, (seen or 45) - 28)
        flags = set()
        if overdue:
            flags.add(ChildFlag.OVERDUE)
        if n % 6 == 0:
            flags.add(ChildFlag.NOT_SEEN_LAST_VISIT)
        if child.child_id in awaiting:
            flags.add(ChildFlag.CONCERN_AWAITING_ACK)
        rows.append(
            CaseloadRow(
                child_id=child.child_id,
                name=child.name,
                age_text=age_text(child.date_of_birth, NOW.date()),
                household_id=child.household_id,
                service_context=child.service_context,
                last_seen=NOW.date() - timedelta(days=seen) if seen is not None else None,
                days_since_seen=seen,
                next_due=NOW.date() + timedelta(days=28 - (seen or 45)),
                days_overdue=overdue,
                rule_text="Every 4 weeks (synthetic)",
                flags=frozenset(flags),
                unsynced=1 if n % 5 == 0 else 0,
            )
        )
    return rows


class FakeCaseload:
    def __init__(self, load: SyntheticCaseload) -> None:
        self.load = load
        self.acknowledged: list[tuple[UUID, str]] = []
        self._rows = synthetic_rows(load)

    def rows(self) -> list[CaseloadRow]:
        return list(self._rows)

    def child(self, child_id: UUID) -> ChildDetail:
        child = next(c for c in self.load.children if c.child_id == child_id)
        home = next(h for h in self.load.households if h.household_id == child.household_id)
        names = {p.person_id: p.name for p in self.load.people}
        people = [
            KnownPerson(link.person_id, names[link.person_id], [link]) for link in child.links
        ]
        concerns = [
            c
            for c in self.load.concerns
            if child_id in c.children_concerned
            and c.awaiting_acknowledgement
            and c.concern_id not in {a for a, _ in self.acknowledged}
        ]
        return ChildDetail(
            child_id, child.name, child.date_of_birth, home.address, people, concerns
        )

    def acknowledge_concern(self, concern_id: UUID, *, action_taken: str = "") -> None:
        self.acknowledged.append((concern_id, action_taken))


class FakeVisits:
    def __init__(self, load: SyntheticCaseload) -> None:
        self.load = load
        self.saved: dict[UUID, Visit] = {}
        self.save_calls = 0
        self.fail_saves = False

    def _names(self) -> dict[UUID, str]:
        return {c.child_id: c.name for c in self.load.children}

    def start(self, *, child_ids: list[UUID]) -> Visit:
        children = {c.child_id: c for c in self.load.children}
        first = children[child_ids[0]]
        visit = Visit(
            visit_id=new_id(),
            organisation_id=self.load.organisation_id,
            practitioner_id=self.load.practitioner_id,
            practitioner_role=self.load.practitioner_role,
            created_on_device_at=NOW,
            service_context=first.service_context,
            children=[
                ChildOutcome(child_id=c, date_of_birth=children[c].date_of_birth) for c in child_ids
            ],
        )
        self.save_draft(visit)
        return visit.model_copy(deep=True)

    def known_people(self, visit: Visit) -> list[KnownPerson]:
        ids = {c.child_id for c in visit.children}
        names = {p.person_id: p.name for p in self.load.people}
        found: dict[UUID, KnownPerson] = {}
        for child in self.load.children:
            if child.child_id not in ids:
                continue
            for link in child.links:
                person = found.setdefault(
                    link.person_id, KnownPerson(link.person_id, names[link.person_id])
                )
                person.links.append(link)
        return list(found.values())

    def save_draft(self, visit: Visit) -> None:
        if self.fail_saves:
            raise OSError("disk full")
        old = self.saved.get(visit.visit_id)
        if old is not None:
            try:
                ensure_editable(old)
            except Exception as exc:
                raise RecordLockedError(str(exc)) from exc
        self.save_calls += 1
        self.saved[visit.visit_id] = visit.model_copy(deep=True)

    def drafts(self) -> list[Visit]:
        return [v for v in self.saved.values() if v.status == RecordStatus.DRAFT]

    def get(self, visit_id: UUID) -> Visit:
        return self.saved[visit_id].model_copy(deep=True)

    def check(self, visit: Visit) -> Check:
        return check_visit(visit, child_labels=self._names())

    def submit(self, visit_id: UUID) -> Visit:
        visit = self.saved[visit_id]
        check = self.check(visit)
        if not check.ok:
            raise SubmissionBlockedError(check)
        locked = visit.model_copy(
            update={"status": RecordStatus.SUBMITTED, "revision": 1, "submitted_at": NOW}
        )
        self.saved[visit_id] = locked
        return locked.model_copy(deep=True)

    def amend(self, *, visit_id: UUID, changes: list[FieldChange], reason: str) -> Visit:
        visit = self.saved[visit_id]
        amended = apply_amendment(
            visit,
            Amendment(
                amendment_id=new_id(),
                amends_visit_id=visit_id,
                amends_revision=visit.revision,
                changes=changes,
                reason=reason,
                author_id=visit.practitioner_id,
                at=NOW,
            ),
        )
        self.saved[visit_id] = amended
        return amended

    def submitted(self) -> list[Visit]:
        return [v for v in self.saved.values() if v.status != RecordStatus.DRAFT]


class FakeSync:
    def __init__(self, visits: FakeVisits) -> None:
        self.visits = visits
        self.online = True
        self.acked: set[UUID] = set()
        self.last_sync_at: datetime | None = None
        self.auto: Callable[[], None] | None = None

    def _pending(self) -> list[Visit]:
        return [v for v in self.visits.submitted() if v.visit_id not in self.acked]

    def sync_now(self) -> SyncProgress:
        if not self.online:
            raise AppError("No signal: your visits are safe on this device.", code="sync.offline")
        for v in self._pending():
            self.acked.add(v.visit_id)
        self.last_sync_at = NOW
        return self.progress()

    def progress(self) -> SyncProgress:
        return SyncProgress(
            running=False,
            pending=len(self._pending()),
            sent=0,
            acknowledged=len(self.acked),
            rejected=0,
            last_sync_at=self.last_sync_at,
        )

    def records(self) -> list[RecordSyncState]:
        out = []
        for v in self.visits.submitted():
            acked = v.visit_id in self.acked
            out.append(
                RecordSyncState(
                    record_id=v.visit_id,
                    kind="visit",
                    title=f"Visit {v.created_on_device_at:%d %b %Y}, {len(v.children)} children",
                    status=SyncRecordStatus.ACKNOWLEDGED if acked else SyncRecordStatus.WAITING,
                    receipt_id=v.visit_id if acked else None,
                    acknowledged_at=NOW if acked else None,
                )
            )
        return out

    def start_auto(self, *, interval_s: float, on_change: Callable[[], None]) -> None:
        self.auto = on_change

    def stop_auto(self) -> None:
        self.auto = None


@dataclass
class FakeServices:
    caseload: FakeCaseload
    visits: FakeVisits
    sync: FakeSync


class FakeSession:
    def __init__(self, load: SyntheticCaseload, *, enrolled: bool = True) -> None:
        self.is_enrolled = enrolled
        self.is_unlocked = False
        self.secret = PIN
        self.wrong = 0
        self.idle = False
        self.touches = 0
        visits = FakeVisits(load)
        self._services = FakeServices(FakeCaseload(load), visits, FakeSync(visits))

    def enrol(self, *, server_url: str, code: str, passphrase: str) -> None:
        if code != "GOOD-CODE":
            raise AppError(
                "That enrolment code did not work: check it with your manager.",
                code="enrol.code_invalid",
            )
        self.is_enrolled = True
        self.secret = passphrase
        self.is_unlocked = True

    def passphrase_problem(self, passphrase: str) -> str | None:
        if len(passphrase) < 8:
            return "Use at least 8 characters: a few words you will remember."
        return None

    def unlock(self, passphrase: str) -> None:
        if passphrase != self.secret:
            self.wrong += 1
            raise WrongPinError(
                f"That PIN or passphrase is not right. {5 - self.wrong} tries left.",
                remaining_attempts=5 - self.wrong,
                retry_after_seconds=2 * self.wrong,
            )
        self.is_unlocked = True

    def lock(self) -> None:
        self.is_unlocked = False

    def touch(self) -> None:
        self.touches += 1

    def lock_if_idle(self) -> bool:
        if self.idle and self.is_unlocked:
            self.is_unlocked = False
            return True
        return False

    def change_passphrase(self, *, old: str, new: str) -> None:
        if old != self.secret:
            raise WrongPinError(
                "That PIN or passphrase is not right.", remaining_attempts=4, retry_after_seconds=0
            )
        problem = self.passphrase_problem(new)
        if problem:
            raise AppError(problem, code="session.weak_passphrase")
        self.secret = new

    def about(self) -> About:
        last = self._services.sync.last_sync_at
        return About(last_sync_at=last.isoformat() if last else "never")

    def services(self) -> FakeServices:
        assert self.is_unlocked
        return self._services
