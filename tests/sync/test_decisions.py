"""Decisions staff record about a child: dated, checked by models.oversight.decision_problems,
append-only; the deadlines they start, counted in working days. SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from models.flags import FlagKind
from sync.client import SyncClient
from sync.protocol import ChangeKind
from sync.server.tables import DecisionRow, FlagRow
from tests.sync.helpers import World
from tests.sync.plan_helpers import at, child_of, decisions_url, plan_url, put_plan


def _decide(world: World, device: SyncClient, child_id: UUID, **body: Any) -> Any:
    return world.http.post(decisions_url(child_id), json=body, headers=world.headers(device))


def test_a_decision_to_assess_before_easter_is_due_after_it(world: World) -> None:
    world.clock.now = at("2026-04-10")
    child_id = child_of(world)
    device = world.device(world.worker)
    put_plan(world, device, child_id, service_context="ASSESSMENT_S17", started_on="2026-04-02")
    r = _decide(world, device, child_id, kind="DECISION_TO_ASSESS", made_on="2026-04-02")
    assert r.status_code == 201, r.text
    plan = world.http.get(plan_url(child_id), headers=world.headers(device)).json()
    (deadline,) = plan["deadlines"]
    # 3 working days: 7, 8, 9 April (Good Friday and Easter Monday are bank holidays)
    assert deadline["due"] == "2026-04-09" and deadline["decision_id"] == r.json()["decision_id"]
    assert deadline["days_overdue"] == 1 and deadline["met_on"] is None
    # recorded in the same transaction: the missed deadline is flagged at once
    assert world.count(FlagRow, child_id=child_id, kind=FlagKind.DECISION_DEADLINE_MISSED) == 1
    listed = world.http.get(decisions_url(child_id), headers=world.headers(device)).json()
    assert [d["kind"] for d in listed["decisions"]] == ["DECISION_TO_ASSESS"]
    assert {"decision.record", "decision.read", "plan.read"} <= {
        a["action"] for a in world.audit(child_id=child_id)
    }


def test_authorising_a_late_assessment_needs_a_reason(world: World) -> None:
    child_id = child_of(world)
    device = world.device(world.worker)
    none = _decide(world, device, child_id, kind="ASSESSMENT_AUTHORISED", made_on="2026-03-02")
    assert none.status_code == 422 and none.json()["code"] == "decision.refused"
    assert "no assessment under way" in none.json()["detail"]
    assert _decide(world, device, child_id, kind="REFERRAL", made_on="2025-12-01").is_success
    late = _decide(world, device, child_id, kind="ASSESSMENT_AUTHORISED", made_on="2026-03-02")
    assert late.status_code == 422 and late.json()["code"] == "decision.refused"
    assert "say why it is late" in late.json()["detail"]
    ok = _decide(
        world, device, child_id, kind="ASSESSMENT_AUTHORISED", made_on="2026-03-02",
        reason="Waited for a fictional health report (synthetic).",
    )  # fmt: skip
    assert ok.status_code == 201, ok.text


def test_a_change_of_context_moves_the_plan(world: World) -> None:
    child_id = child_of(world)
    device = world.device(world.worker)
    put_plan(world, device, child_id, started_on="2026-01-05")
    r = _decide(
        world, device, child_id, kind="CONTEXT_CHANGED", made_on="2026-02-23", outcome="CIN_PLAN"
    )
    assert r.status_code == 201, r.text
    plan = world.http.get(plan_url(child_id), headers=world.headers(device)).json()
    assert plan["service_context"] == "CIN_PLAN" and plan["started_on"] == "2026-02-23"
    assert plan["next_visit_due"] == "2026-03-23"  # every 4 weeks
    feed = world.device(world.manager).changes(None, 1000).changes
    child = [c for c in feed if c.kind == ChangeKind.CHILD and c.entity_id == child_id]
    assert child[-1].data and child[-1].data["service_context"] == "CIN_PLAN"
    bad = _decide(
        world, device, child_id, kind="CONTEXT_CHANGED", made_on="2026-02-23", outcome="ELSEWHERE"
    )
    assert bad.status_code == 422 and bad.json()["code"] == "decision.refused"


def test_decisions_are_append_only_and_safe_to_send_again(world: World) -> None:
    child_id = child_of(world)
    device = world.device(world.worker)
    body = {"decision_id": str(uuid.uuid4()), "kind": "STRATEGY_DISCUSSION",
            "made_on": "2026-02-26", "outcome": "S47 enquiry (synthetic)"}  # fmt: skip
    first = _decide(world, device, child_id, **body)
    again = _decide(world, device, child_id, **body)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    other = _decide(world, device, child_id, **{**body, "outcome": "No further action"})
    assert other.status_code == 409 and other.json()["code"] == "sync.conflict"
    assert world.count(DecisionRow, child_id=child_id) == 1
    assert world.http.delete(decisions_url(child_id), headers=world.headers(device)).is_error


def test_only_the_allocated_worker_and_their_manager_may_record(world: World) -> None:
    child_id = child_of(world)
    body = {"kind": "S47_DECISION", "made_on": "2026-03-02"}
    assert _decide(world, world.device(world.manager), child_id, **body).status_code == 201
    for who in (world.colleague, world.outsider):
        device = world.device(who)
        r = _decide(world, device, child_id, **body)
        assert r.status_code == 403 and r.json()["code"] == "forbidden"
        listed = world.http.get(decisions_url(child_id), headers=world.headers(device))
        assert listed.status_code == 403
    worker = world.device(world.worker)
    assert _decide(world, worker, uuid.uuid4(), **body).status_code == 404


def test_bad_decisions_get_a_stable_code_never_a_5xx(world: World) -> None:
    child_id = child_of(world)
    device = world.device(world.worker)
    cases = [
        ({"kind": "NOT_A_KIND", "made_on": "2026-03-02"}, "request.invalid"),
        ({"kind": "REFERRAL", "made_on": "2026-03-03"}, "decision.refused"),  # tomorrow
        ({"kind": "REFERRAL", "made_on": "2026-03-02", "reason": "a\u0000b"}, "request.invalid"),
        ({"kind": "REFERRAL", "made_on": "2026-03-02", "reason": "x" * 10_000}, "request.invalid"),
        ({"kind": "REFERRAL", "made_on": "2026-03-02", "surprise": 1}, "request.unknown_field"),
        ({"kind": "REFERRAL"}, "request.invalid"),
    ]
    for body, code in cases:
        r = _decide(world, device, child_id, **body)
        assert 400 <= r.status_code < 500 and r.json()["code"] == code, (body, r.text)
    future = _decide(world, device, child_id, kind="REFERRAL", made_on="2026-03-03")
    assert "cannot be dated in the future" in future.json()["detail"]
    raw = '{"kind": "REFERRAL", "made_on": "2026-03-02", "outcome": "\\udc00"}'
    r = world.http.post(
        decisions_url(child_id),
        content=raw,
        headers={**world.headers(device), "Content-Type": "application/json"},
    )
    assert r.status_code == 422 and r.json()["code"] == "request.invalid"
    assert world.count(DecisionRow, child_id=child_id) == 0
