"""A child's plan at the central record and the due dates it sets (the authority: a device's
own "next visit due" is a proposal), on SQLite and PostgreSQL, through the real app."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

from models.receipt import ReceiptStatus
from sync.protocol import ChangeKind
from sync.server import services as sv
from sync.server.services import StaffRole
from sync.server.tables import ChildRow
from tests.sync.helpers import Practitioner, World, visit_item
from tests.sync.plan_helpers import at, child_of, plan_url, put_plan


def test_a_cp_plan_over_christmas_counts_working_days_past_the_bank_holidays(
    world: World,
) -> None:
    world.clock.now = at("2026-12-30")
    child_id = child_of(world)
    device = world.device(world.worker)
    r = put_plan(world, device, child_id, started_on="2026-12-17")
    assert r.status_code == 200, r.text
    # 18, 21-24 Dec; 25 Dec, 28 Dec (Boxing Day's substitute) and 1 Jan are bank holidays
    assert r.json()["next_visit_due"] == "2027-01-05"
    assert r.json()["days_overdue"] == 0
    assert "10 working days" in r.json()["rule_description"]
    with world.db.read() as s:
        row = s.get(ChildRow, child_id)
        assert row is not None and row.next_visit_due == date(2027, 1, 5)
        assert row.data["service_context"] == "CP_PLAN"
        assert row.data["context_started_on"] == "2026-12-17"


def test_a_plan_over_easter_is_overdue_by_working_days(world: World) -> None:
    world.clock.now = at("2026-04-15")
    child_id = child_of(world)
    device = world.device(world.worker)
    put_plan(world, device, child_id, started_on="2026-03-27")
    r = world.http.get(plan_url(child_id), headers=world.headers(device))
    assert r.status_code == 200, r.text
    # Good Friday 3 April and Easter Monday 6 April are not working days
    assert r.json()["next_visit_due"] == "2026-04-14"
    assert r.json()["days_overdue"] == 1 and r.json()["days_overdue_unit"] == "working_days"


def test_the_server_ignores_a_device_due_date_that_contradicts_the_plan(world: World) -> None:
    load = world.worker.load
    assert load is not None
    visit = next(v for v in load.visits if v.child_seen_face_to_face)
    child_id = visit.child_seen_face_to_face[0]
    started = at("2026-02-20", 10)  # a Friday
    proposal = started.date() + timedelta(days=60)
    visit = visit.model_copy(
        update={
            "started_at": started,
            "created_on_device_at": started,
            "ended_at": started + timedelta(minutes=40),
            "next_visit_due": proposal,
        }
    )
    device = world.device(world.worker)
    assert put_plan(world, device, child_id, started_on="2026-02-02").status_code == 200
    assert device.push([visit_item(visit)]).receipts[0].status == ReceiptStatus.ACCEPTED
    plan = world.http.get(plan_url(child_id), headers=world.headers(device)).json()
    assert plan["last_seen"] == "2026-02-20"
    assert plan["next_visit_due"] == "2026-03-06"  # 10 working days after the visit
    seen = [
        c
        for c in world.device(world.manager).changes(None, 1000).changes
        if c.kind == ChangeKind.SEEN and c.child_id == child_id
    ]
    assert seen and seen[-1].data and seen[-1].data["next_visit_due"] == "2026-03-06"
    got = world.http.get(f"/children/{child_id}", headers=world.headers(device)).json()
    assert got["next_visit_due"] == "2026-03-06" == got["seen"]["next_visit_due"]
    body = world.http.get(f"/visits/{visit.visit_id}", headers=world.headers(device)).json()
    assert body["visit"]["next_visit_due"] == proposal.isoformat()  # the proposal, kept


def test_setting_a_plan_sends_the_child_to_the_worker_and_manager(world: World) -> None:
    child_id = child_of(world)
    device = world.device(world.worker)
    load = world.worker.load
    assert load is not None
    home = load.children[0].household_id
    r = put_plan(
        world, device, child_id, service_context="CLA", rule="CLA_LONG_TERM",
        started_on="2026-02-02", households=[{"household_id": str(home), "how": "stays"}],
    )  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["rule"] == "CLA_LONG_TERM"
    assert r.json()["households"] == [{"household_id": str(home), "how": "stays"}]
    for who in (world.worker, world.manager):
        feed = world.device(who).changes(None, 1000).changes
        child = [c for c in feed if c.kind == ChangeKind.CHILD and c.entity_id == child_id]
        assert child[-1].data and child[-1].data["service_context"] == "CLA"
    actions = {(a["action"], a["outcome"]) for a in world.audit(child_id=child_id)}
    assert ("plan.set", "ok") in actions


def test_only_the_allocated_worker_and_their_manager_may(world: World) -> None:
    child_id = child_of(world)
    assert put_plan(
        world, world.device(world.manager), child_id, started_on="2026-02-02"
    ).is_success
    for who in (world.colleague, world.outsider):
        r = put_plan(world, world.device(who), child_id, started_on="2026-02-02")
        assert r.status_code == 403 and r.json()["code"] == "forbidden"
        got = world.http.get(plan_url(child_id), headers=world.headers(world.device(who)))
        assert got.status_code == 403 and got.json()["code"] == "forbidden"
    assert any(a["outcome"] == "forbidden" for a in world.audit(action="plan.set"))


def test_another_organisations_child_is_not_found(world: World) -> None:
    now = world.clock()
    sv.create_organisation(db=world.db, org_id="ORG-OTHER", name="Other (synthetic)", now=now)
    team = sv.create_team(db=world.db, org_id="ORG-OTHER", name="Other team (synthetic)", now=now)
    other = sv.create_practitioner(
        db=world.db, org_id="ORG-OTHER", display_name="Other manager (synthetic)",
        role=StaffRole.MANAGER, team_id=team, now=now,
    )  # fmt: skip
    device = world.device(Practitioner(other))
    child_id = child_of(world)
    for r in (
        put_plan(world, device, child_id, started_on="2026-02-02"),
        world.http.get(plan_url(child_id), headers=world.headers(device)),
        world.http.get(plan_url(uuid.uuid4()), headers=world.headers(device)),
    ):
        assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_bad_plans_are_refused_with_a_stable_code_never_a_5xx(world: World) -> None:
    child_id = child_of(world)
    device = world.device(world.worker)
    cases = [
        ({"service_context": "NOT_A_CONTEXT", "started_on": "2026-02-02"}, "request.invalid"),
        ({"started_on": "2026-03-03"}, "plan.refused"),  # tomorrow
        ({"started_on": "2026-02-02", "rule": "CLA_LONG_TERM"}, "plan.refused"),
        ({"started_on": "2026-02-02", "rule": "NO_SUCH_RULE"}, "plan.refused"),
        ({"started_on": "2026-02-02", "rule": "CP\u0000PLAN"}, "request.invalid"),
        ({"started_on": "not a date"}, "request.invalid"),
        ({"started_on": "2026-02-02", "households": [{"household_id": str(uuid.uuid4()),
                                                      "how": "lives"}]}, "plan.refused"),
        ({"started_on": "2026-02-02", "households": [{"household_id": str(uuid.uuid4()),
                                                      "how": "visits"}]}, "request.invalid"),
    ]  # fmt: skip
    for body, code in cases:
        r = put_plan(world, device, child_id, **body)
        assert 400 <= r.status_code < 500 and r.json()["code"] == code, (body, r.text)
        assert r.json()["detail"]
    raw = '{"service_context": "CP_PLAN", "started_on": "2026-02-02", "rule": "\\ud800"}'
    r = world.http.put(
        plan_url(child_id),
        content=raw,
        headers={**world.headers(device), "Content-Type": "application/json"},
    )
    assert r.status_code == 422 and r.json()["code"] == "request.invalid"
    assert world.http.get(plan_url(child_id), headers=world.headers(device)).status_code == 404
    json.dumps(world.audit(action="plan.set"), default=str)  # ids and codes only
