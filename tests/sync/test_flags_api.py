"""Reading the oversight and acting on flags, through the real server app, on SQLite and
PostgreSQL: a team's flags by urgency then age, a child's case with each flag's history, a flag
seen, acknowledged and closed by a named person, and an arrangement marked assessed clearing its
flag everywhere."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from models.oversight import Urgency
from sync import protocol
from sync.server.services.oversight.sweep import run_checks
from sync.server.tables import FlagRow, table_of
from tests.sync.concerns_helpers import Caller
from tests.sync.flags_helpers import Api, feed_flags, push, visit_at
from tests.sync.helpers import World, visit_item
from tests.sync.plan_helpers import child_of, put_plan
from tests.sync.test_care_found import _partner, _visit


def _flag_of(world: World, child: UUID, kind: str) -> UUID:
    t = table_of(FlagRow)
    with world.db.read() as s:
        found: UUID = s.execute(
            sa.select(t.c.flag_id).where(t.c.child_id == child, t.c.kind == kind)
        ).scalar_one()
        return found


def _case_flag(api: Api, child: UUID, flag_id: UUID) -> dict[str, Any]:
    flags: list[dict[str, Any]] = api.oversight(child).json()["flags"]
    return next(f for f in flags if f["flag_id"] == str(flag_id))


def _actions(flag: dict[str, Any]) -> list[str]:
    return [e["action"] for e in flag["history"]]


def test_an_adult_staying_overnight_is_flagged_and_clears_once_the_manager_assesses_it(
    world: World,
) -> None:
    assert world.worker.load is not None
    visit = _visit(world.worker.load)
    pid = _partner(visit)
    child = visit.children[0].child_id
    receipts = world.device(world.worker).push([visit_item(visit)]).receipts
    assert receipts[0].code == ""
    flag_id = _flag_of(world, child, "unassessed_care")
    assert feed_flags(world, world.manager)[flag_id]["person_id"] == str(pid)
    manager = Api(world, world.manager)
    listed = manager.team(world.team_a, kind="unassessed_care").json()["flags"]
    assert [f["flag_id"] for f in listed] == [str(flag_id)]
    assert listed[0]["act_by"] == "worker" and listed[0]["allocated_to"] == str(
        world.worker.practitioner_id
    )
    assert listed[0]["clears"] and listed[0]["why"] and listed[0]["age_hours"] >= 0

    answer = manager.assess(
        child, pid, "ASSESSED", "Checks done; arrangement suitable (synthetic)."
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["assessed"] == "ASSESSED"
    assert feed_flags(world, world.manager)[flag_id] is None  # deleted=True on the feed
    assert feed_flags(world, world.worker)[flag_id] is None
    assert not manager.team(world.team_a, kind="unassessed_care").json()["flags"]
    cleared = manager.team(world.team_a, status="cleared", kind="unassessed_care").json()["flags"]
    assert [f["flag_id"] for f in cleared] == [str(flag_id)]
    case = manager.oversight(child).json()
    flag = next(f for f in case["flags"] if f["flag_id"] == str(flag_id))
    assert flag["status"] == "cleared" and _actions(flag) == ["raised", "cleared"]
    assert flag["history"][1]["by_practitioner_id"] == str(world.manager.practitioner_id)
    person = next(p for p in case["people"] if p["person_id"] == str(pid))
    assert person["assessed"] == "ASSESSED" and person["stays_overnight_regularly"]
    assert person["found_at_visit_id"] == str(visit.visit_id)
    assert world.audit(action="care.assessment.set", record_id=pid)


def test_a_teams_flags_come_urgent_first_then_oldest_first(world: World) -> None:
    now = world.clock()
    push(world, visit_at(world, seen=False, at=now - timedelta(days=12)))  # urgent: follow-up past
    push(world, visit_at(world, seen=False, at=now - timedelta(days=1), seed=2))  # high
    run_checks(db=world.db, now=now)
    flags = Api(world, world.manager).team(world.team_a).json()["flags"]
    keys = [(-Urgency(f["urgency"]).rank, f["since"]) for f in flags]
    assert len(flags) >= 2 and keys == sorted(keys)
    assert {f["urgency"] for f in flags} >= {"urgent", "high"}
    assert all(f["status"] == "open" for f in flags)
    high = Api(world, world.manager).team(world.team_a, urgency="high").json()["flags"]
    assert high and all(f["urgency"] == "high" for f in high)
    assert world.audit(action="flags.team.read", record_id=world.team_a)


def test_a_flag_seen_acknowledged_and_closed_keeps_its_history_and_leaves_the_devices(
    world: World,
) -> None:
    child = child_of(world)
    push(world, visit_at(world, seen=False, at=world.clock() - timedelta(days=1)))
    flag_id = _flag_of(world, child, "child_not_seen")
    worker, manager = Api(world, world.worker), Api(world, world.manager)
    assert worker.act(flag_id, "seen").status_code == 200
    ack = worker.act(flag_id, "acknowledge", "Visiting again on Monday (synthetic).")
    assert ack.status_code == 200 and ack.json()["acknowledged_by"] == str(
        world.worker.practitioner_id
    )
    assert feed_flags(world, world.manager)[flag_id]["acknowledged_by"] == str(
        world.worker.practitioner_id
    )
    for blank in ("", "   "):
        refused = manager.act(flag_id, "close", blank)
        assert refused.status_code == 422 and refused.json()["code"] == protocol.REQUEST_INVALID
        assert "note" in refused.json()["detail"]
    missing = manager.send("POST", f"/v1/flags/{flag_id}/close", {})
    assert missing.status_code == 422
    closed = manager.act(flag_id, "close", "Seen at school with the head teacher (synthetic).")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert feed_flags(world, world.worker)[flag_id] is None
    again = manager.act(flag_id, "close", "Again (synthetic).")
    assert again.status_code == 409 and again.json()["code"] == protocol.FLAG_NOT_OPEN
    late_ack = worker.act(flag_id, "acknowledge")
    assert late_ack.status_code == 409 and late_ack.json()["code"] == protocol.FLAG_NOT_OPEN
    assert worker.act(flag_id, "seen").status_code == 200  # reading history is never refused
    assert feed_flags(world, world.worker)[flag_id] is None  # ...and never brings it back

    put_plan(world, worker.device, child, started_on="2026-01-05")
    Caller(world, world.worker).record([child])
    case = worker.oversight(child)
    assert case.status_code == 200, case.text
    body = case.json()
    flag = next(f for f in body["flags"] if f["flag_id"] == str(flag_id))
    assert _actions(flag) == ["raised", "seen", "acknowledged", "closed", "seen"]
    by = {e["action"]: e["by_practitioner_id"] for e in flag["history"]}
    assert by["raised"] is None and by["closed"] == str(world.manager.practitioner_id)
    assert flag["history"][3]["note"] == "Seen at school with the head teacher (synthetic)."
    statuses = [f["status"] for f in body["flags"]]
    assert statuses == sorted(statuses, key=lambda s: {"open": 0, "closed": 1, "cleared": 2}[s])
    assert body["plan"]["service_context"] == "CP_PLAN" and body["plan"]["next_visit_due"]
    assert body["people"] and len(body["open_concerns"]) == 1
    assert world.audit(action="flag.closed", record_id=flag_id)
    assert world.audit(action="oversight.read", child_id=child)
    rows = world.audit(action="flag.closed")
    assert all(set(r) >= {"record_id", "child_id"} for r in rows)


def test_a_closed_flag_stays_closed_while_its_condition_holds_and_reopens_when_it_returns(
    world: World,
) -> None:
    child = child_of(world)
    now = world.clock()
    push(world, visit_at(world, seen=True, at=now - timedelta(days=1)))
    later = now + timedelta(days=120)
    run_checks(db=world.db, now=later)
    flag_id = _flag_of(world, child, "visit_overdue")
    world.clock.now = later  # type: ignore[attr-defined]
    manager = Api(world, world.manager)
    closed = manager.act(flag_id, "close", "Placement visit booked (synthetic).")
    assert closed.status_code == 200
    run_checks(db=world.db, now=later + timedelta(hours=1))  # the condition still holds
    assert _case_flag(manager, child, flag_id)["status"] == "closed"
    push(world, visit_at(world, seen=True, at=later - timedelta(hours=1), seed=3))  # it ends
    run_checks(db=world.db, now=later + timedelta(days=120))  # and comes back
    flag = _case_flag(manager, child, flag_id)
    assert flag["status"] == "open"
    assert _actions(flag) == ["raised", "closed", "condition_ended", "reopened"]
    assert feed_flags(world, world.manager)[flag_id] is not None


def test_an_acknowledged_flag_that_grows_urgent_keeps_who_acknowledged_it(world: World) -> None:
    now = world.clock()
    push(world, visit_at(world, seen=False, at=now - timedelta(days=1)))
    api = Api(world, world.manager)
    (flag,) = [f for f in api.team(world.team_a).json()["flags"] if f["kind"] == "child_not_seen"]
    assert flag["urgency"] == "high"
    assert (
        api.act(flag["flag_id"], "acknowledge", "Phoned the family (synthetic).").status_code == 200
    )
    run_checks(db=world.db, now=now + timedelta(days=10))  # the follow-up date has passed
    (later,) = [f for f in api.team(world.team_a).json()["flags"] if f["kind"] == "child_not_seen"]
    assert later["urgency"] == "urgent"
    assert later["acknowledged_by"] == str(world.manager.practitioner_id)
