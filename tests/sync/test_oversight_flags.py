"""The central record raises, clears and reopens flags itself: at push, and in the sweep run by
`seen admin run-checks`; on SQLite and PostgreSQL, through the real server app."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from models.enums import (
    CarerRole,
    ParentalResponsibility,
    Relationship,
)
from models.receipt import ReceiptStatus
from models.visit import PersonPresent, RelationshipToChild
from sync.protocol import ChangeKind
from sync.server.services.oversight.sweep import run_checks
from sync.server.tables import FlagEventRow, FlagRow
from synthetic import synthetic_visit
from tests.sync.flags_helpers import push, visit_at
from tests.sync.helpers import World, at_once, visit_item


def _flags(world: World, who: Any) -> dict[UUID, Any]:
    """The latest flag change per flag id on `who`'s feed (None once cleared)."""
    out: dict[UUID, Any] = {}
    device, cursor = world.device(who), None
    for _ in range(50):
        page = device.changes(cursor, 1000)
        for c in page.changes:
            if c.kind == ChangeKind.FLAG:
                out[c.entity_id] = None if c.deleted else c.data
        cursor = page.cursor
        if not page.has_more:
            return out
    raise AssertionError("the feed never ended")


def _open(world: World, who: Any, kind: str) -> list[dict[str, Any]]:
    return [d for d in _flags(world, who).values() if d and d["flag"] == kind]


def test_not_seen_is_flagged_at_push_and_cleared_when_the_child_is_seen(world: World) -> None:
    now = world.clock()
    missed = visit_at(world, seen=False, at=now - timedelta(days=1))
    push(world, missed)
    assert world.worker.load is not None
    child = world.worker.load.children[0].child_id
    raised = [
        d for d in _open(world, world.manager, "child_not_seen") if d["child_id"] == str(child)
    ]
    assert len(raised) == 1 and raised[0]["urgency"] == "high"
    assert raised[0]["reason"] and raised[0]["act_by"] == "worker"
    assert _open(world, world.worker, "child_not_seen")  # the worker's device too
    push(world, visit_at(world, seen=True, at=now - timedelta(hours=2), seed=2))
    assert not [
        d for d in _open(world, world.manager, "child_not_seen") if d["child_id"] == str(child)
    ]
    history = [e["action"] for e in _events(world)]
    assert "raised" in history and "cleared" in history


def _events(world: World) -> list[dict[str, Any]]:
    import sqlalchemy as sa

    from sync.server.tables import table_of

    with world.db.read() as s:
        return [dict(r._mapping) for r in s.execute(sa.select(table_of(FlagEventRow)))]


def test_a_device_offline_for_days_is_judged_by_when_the_visit_happened(world: World) -> None:
    now = world.clock()
    late = visit_at(world, seen=False, at=now - timedelta(days=12))  # synced 12 days late
    push(world, late)
    flags = [d for d in _open(world, world.manager, "child_not_seen")]
    assert flags and all(d["urgency"] == "urgent" for d in flags)  # follow-up already passed
    assert all(d["since"].startswith(late.started_at.date().isoformat()) for d in flags)  # type: ignore[union-attr]


def test_the_sweep_raises_an_overdue_visit_clears_it_and_reopens_it(world: World) -> None:
    load = world.worker.load
    assert load is not None
    now = world.clock()
    push(world, visit_at(world, seen=True, at=now - timedelta(days=1)))
    child = load.children[0].child_id
    later = now + timedelta(days=120)
    run_checks(db=world.db, now=later)
    overdue = [
        d for d in _open(world, world.manager, "visit_overdue") if d["child_id"] == str(child)
    ]
    assert len(overdue) == 1
    world.clock.now = later  # type: ignore[attr-defined]
    push(world, visit_at(world, seen=True, at=later - timedelta(hours=1), seed=3))
    assert not [
        d for d in _open(world, world.manager, "visit_overdue") if d["child_id"] == str(child)
    ]
    run_checks(db=world.db, now=later + timedelta(days=120))
    back = [d for d in _open(world, world.manager, "visit_overdue") if d["child_id"] == str(child)]
    assert len(back) == 1
    actions = [e["action"] for e in _events(world) if e["flag_id"] == _flag_id(world, child)]
    assert actions[:3] == ["raised", "cleared", "reopened"]


def _flag_id(world: World, child: UUID) -> UUID:
    import sqlalchemy as sa

    from sync.server.tables import table_of

    t = table_of(FlagRow)
    with world.db.read() as s:
        return s.execute(
            sa.select(t.c.flag_id).where(t.c.child_id == child, t.c.kind == "visit_overdue")
        ).scalar_one()


def test_the_sweep_run_twice_and_from_two_threads_at_once_raises_each_flag_once(
    world: World,
) -> None:
    later = world.clock() + timedelta(days=200)
    first = run_checks(db=world.db, now=later)
    assert first and first[0].changed > 0
    flags = world.count(FlagRow)
    assert run_checks(db=world.db, now=later)[0].changed == 0
    results = at_once(lambda: run_checks(db=world.db, now=later + timedelta(days=1)))
    assert len(results) == 2
    assert world.count(FlagRow) >= flags
    again = world.count(FlagRow)
    run_checks(db=world.db, now=later + timedelta(days=1))
    assert world.count(FlagRow) == again  # nothing new: the two sweeps left it in line


def test_an_adult_linked_in_another_household_alerts_that_childs_worker(world: World) -> None:
    load, other = world.worker.load, world.colleague.load
    assert load is not None and other is not None
    child = load.children[0]
    adult = next(link.person_id for link in child.links)
    visit = synthetic_visit(random.Random(4), other, other.children[0])
    now = world.clock()
    visit.started_at, visit.ended_at = now - timedelta(hours=3), now - timedelta(hours=2)
    visit.created_on_device_at = now - timedelta(hours=3)
    visit.persons_present.append(
        PersonPresent(
            person_id=adult,
            name="Adult (synthetic)",
            lives_in_household=False,
            stays_overnight_regularly=False,
            role_in_care=CarerRole.NONE,
            relationships=[
                RelationshipToChild(
                    child_id=o.child_id,
                    relationship=Relationship.MOTHER_PARTNER,
                    parental_responsibility=ParentalResponsibility.NO_PR,
                )
                for o in visit.children
            ],
        )
    )
    receipt = world.device(world.colleague).push([visit_item(visit, at=now)]).receipts[0]
    assert receipt.status == ReceiptStatus.ACCEPTED, receipt.problems
    alerts = _open(world, world.worker, "linked_adult_seen")
    assert any(
        d["child_id"] == str(child.child_id) and d["person_id"] == str(adult) for d in alerts
    )
    assert all(d["child_id"] != str(o.child_id) for d in alerts for o in visit.children)


def test_nothing_trusts_a_time_after_now_from_the_sweep(world: World) -> None:
    # a past --at replays that day: a visit after it is not yet a fact
    now = world.clock()
    push(world, visit_at(world, seen=False, at=now - timedelta(days=1)))
    before = datetime(2025, 12, 1, tzinfo=UTC)
    run_checks(db=world.db, now=before)
    assert not _open(world, world.manager, "child_not_seen")


def test_two_sweeps_from_two_processes_at_once_raise_each_flag_once(world: World) -> None:
    """`seen admin run-checks` as cron on two hosts would run it: two processes, one database."""
    import subprocess

    from seen_cli.demo import seen_command

    at = (world.clock() + timedelta(days=200)).strftime("%Y-%m-%d")
    command = seen_command("admin", "run-checks", "--db", world.settings.database_url, "--at", at)
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for _ in range(2)]  # fmt: skip
    outputs = [p.communicate(timeout=180)[0] for p in runs]
    assert [p.returncode for p in runs] == [0, 0], outputs
    assert all("children checked" in out for out in outputs)
    flags = world.count(FlagRow)
    assert flags > 0
    assert sum(int(out.split(", ")[1].split()[0]) for out in outputs) == flags  # raised once
    again = subprocess.run(command, capture_output=True, text=True, timeout=180, check=True)
    assert ", 0 flags changed." in again.stdout and world.count(FlagRow) == flags
