"""Helpers for the sync tests: a populated central record (World), a fake clock, item builders,
a synthetic concern and a child's row as stored.
Every name, address and id comes from synthetic."""

from __future__ import annotations

import uuid
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from models.amendment import Amendment, FieldChange
from models.concern import ConcernReceived, Reporter
from models.enums import ConcernChannel, Relationship
from models.lifecycle import submit
from models.receipt import OutboxItem, RecordKind
from models.visit import Visit
from sync.client import SyncClient
from sync.server import Settings, create_app
from sync.server import services as sv
from sync.server.services import StaffRole
from sync.server.tables import ChildRow, table_of
from synthetic import SyntheticCaseload, generate_caseload
from synthetic.load import load_synthetic_caseload
from tests.conftest import FIXED_NOW, FakeClock

with warnings.catch_warnings():  # starlette asks for "httpx2"; the TestClient works with httpx
    warnings.filterwarnings("ignore", message=".*httpx2")
    from fastapi.testclient import TestClient

__all__ = [
    "ORG",
    "FakeClock",
    "Practitioner",
    "TestClient",
    "World",
    "_child",
    "_concern",
    "amend_children",
    "amendment_item",
    "item_of",
    "make_world",
    "visit_item",
    "visit_items",
]

ORG = "ORG-DEMO"


# --- A populated central record ------------------------------------------------------------------
@dataclass
class Practitioner:
    practitioner_id: UUID
    load: SyntheticCaseload | None = None


@dataclass
class World:
    """An org with team A (worker, colleague, manager) and team B (outsider); caseloads are synthetic."""

    app: Any
    settings: Settings
    clock: FakeClock
    team_a: UUID
    team_b: UUID
    worker: Practitioner
    colleague: Practitioner
    manager: Practitioner
    outsider: Practitioner
    http: TestClient = field(init=False)

    def __post_init__(self) -> None:
        self.http = TestClient(self.app)

    @property
    def db(self) -> Any:
        return self.app.state.db

    def code_for(self, who: Practitioner) -> str:
        code, _ = sv.issue_enrolment_code(
            db=self.db,
            practitioner_id=who.practitioner_id,
            now=self.clock(),
            ttl=timedelta(hours=1),
        )
        return code

    def device(self, who: Practitioner, *, device_id: UUID | None = None, **kw: Any) -> SyncClient:
        """An enrolled SyncClient talking to the app in-process (as device_id, if given)."""
        kw.setdefault("timeout", None)
        client = SyncClient(TestClient(self.app), credential=None, sleep=lambda _s: None, **kw)
        device_id = device_id or uuid.uuid4()
        client.enrol(self.code_for(who), device_id=device_id, device_label="test device")
        return client

    def headers(self, client: SyncClient) -> dict[str, str]:
        return {"Authorization": f"Bearer {client.credential}"}

    def audit(self, **where: Any) -> list[dict[str, Any]]:
        from sync.server.tables import AuditEventRow, table_of

        t = table_of(AuditEventRow)
        with self.db.read() as s:
            query = sa.select(t)
            for column, value in where.items():
                query = query.where(t.c[column] == value)
            return [dict(r._mapping) for r in s.execute(query)]

    def count(self, table: Any, **where: Any) -> int:
        from sync.server.tables import table_of

        t = table_of(table)
        with self.db.read() as s:
            query = sa.select(sa.func.count()).select_from(t)
            for column, value in where.items():
                query = query.where(t.c[column] == value)
            return int(s.execute(query).scalar_one())


def make_world(database_url: str, clock: FakeClock | None = None, **settings_kw: Any) -> World:
    clock = clock or FakeClock(FIXED_NOW)
    settings = Settings(database_url=database_url, clock=clock, **settings_kw)
    app = create_app(settings)
    db = app.state.db
    now = clock()
    sv.create_organisation(db=db, org_id=ORG, name="Demo organisation (synthetic)", now=now)
    team_a = sv.create_team(db=db, org_id=ORG, name="Team A (synthetic)", now=now)
    team_b = sv.create_team(db=db, org_id=ORG, name="Team B (synthetic)", now=now)

    def practitioner(seed: int | None, role: StaffRole, team: UUID, label: str) -> Practitioner:
        load = None
        pid = uuid.uuid4()
        if seed is not None:
            load = generate_caseload(seed=seed, children=6, households=3, organisation_id=ORG)
            pid = load.practitioner_id
        sv.create_practitioner(
            db=db,
            org_id=ORG,
            display_name=label,
            role=role,
            team_id=team,
            practitioner_id=pid,
            now=now,
        )
        if load is not None:
            load_synthetic_caseload(db=db, load=load, now=now)
        return Practitioner(pid, load)

    return World(
        app=app,
        settings=settings,
        clock=clock,
        team_a=team_a,
        team_b=team_b,
        worker=practitioner(7, StaffRole.SOCIAL_WORKER, team_a, "Worker (synthetic)"),
        colleague=practitioner(8, StaffRole.SOCIAL_WORKER, team_a, "Colleague (synthetic)"),
        manager=practitioner(None, StaffRole.MANAGER, team_a, "Manager (synthetic)"),
        outsider=practitioner(9, StaffRole.SOCIAL_WORKER, team_b, "Outsider (synthetic)"),
    )


# --- Items ---------------------------------------------------------------------------------------
def visit_item(visit: Visit, *, at: datetime = FIXED_NOW) -> OutboxItem:
    submitted = submit(visit, at=at) if visit.revision == 0 else visit
    return OutboxItem.of(submitted, kind=RecordKind.VISIT, record_id=submitted.visit_id)


def visit_items(load: SyntheticCaseload) -> list[OutboxItem]:
    return [visit_item(v) for v in load.visits]


def amendment_item(amendment: Amendment) -> OutboxItem:
    return OutboxItem.of(
        amendment,
        kind=RecordKind.AMENDMENT,
        record_id=amendment.amends_visit_id,
        revision=amendment.amends_revision + 1,
        base_revision=amendment.amends_revision,
    )


def amend_children(world: World, visit: Visit, child_id: UUID) -> OutboxItem:
    """An amendment replacing the whole `children` subtree, naming `child_id` instead."""
    old = visit.model_dump(mode="json")["children"]
    new = [dict(old[0], child_id=str(child_id)), *old[1:]]
    return amendment_item(
        Amendment(
            amendment_id=uuid.uuid4(),
            amends_visit_id=visit.visit_id,
            amends_revision=1,
            changes=[FieldChange(field_path="children", old_value=old, new_value=new)],
            reason="Corrected the child (synthetic).",
            author_id=visit.practitioner_id,
            at=world.clock(),
        )
    )


def item_of(
    record: Any, kind: RecordKind, record_id: UUID, revision: int = 1, base: int | None = None
) -> OutboxItem:
    return OutboxItem.of(
        record, kind=kind, record_id=record_id, revision=revision, base_revision=base
    )


def _concern(world: World, child_id: UUID, content: str = "Neighbour called (synthetic).") -> Any:
    return ConcernReceived(
        concern_id=uuid.uuid4(),
        reporter=Reporter(relationship=next(iter(Relationship))),
        channel=next(iter(ConcernChannel)),
        received_at=world.clock(),
        content=content,
        children_concerned=[child_id],
    )


def _child(world: World, child_id: UUID) -> dict[str, Any]:
    t = table_of(ChildRow)
    with world.db.read() as s:
        return dict(s.execute(sa.select(t).where(t.c.child_id == child_id)).one()._mapping)


def at_once(work: Any, times: int = 2, timeout: float = 120) -> list[Any]:
    """`work()` from `times` threads at once; their results, or the first error raised again."""
    import threading

    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(work())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(times)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    if errors:
        raise errors[0]
    assert len(results) == times, "a thread never finished"
    return results
