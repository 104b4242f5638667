"""The flags the earlier scenario files leave out, each raised and cleared through the real server
app and a real device's pushes (synthetic caseloads): seen but never alone, prevented from seeing
a child alone, a baby seen asleep, visited but not seen for longer than the plan allows, and an
assessment nearing and past its limit. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from models.caseload import Child
from models.enums import (
    ReasonNotSeen,
    ReasonNotSeenAlone,
    VisitOutcome,
    YesNo,
)
from models.flags import FlagKind
from models.oversight.settings import OrgSettings
from models.receipt import ReceiptStatus
from models.visit import Visit
from sync.server.services.oversight.sweep import run_checks
from sync.server.tables import FlagEventRow, FlagRow
from tests.sync.flags_helpers import feed_flags, visit_at
from tests.sync.helpers import Practitioner, World, visit_item
from tests.sync.plan_helpers import decisions_url, put_plan

CALENDAR = OrgSettings().calendar  # the organisation sets none: the defaults


def _visit(world: World, who: Practitioner, child: Child, at: datetime, seed: int) -> Visit:
    """A synthetic face-to-face visit to `child`'s household at `at`, every child seen."""
    return visit_at(world, seen=True, at=at, seed=seed, who=who, child=child)


def _outcome(visit: Visit, child: Child) -> Any:
    return next(o for o in visit.children if o.child_id == child.child_id)


def _push(world: World, who: Practitioner, visit: Visit) -> None:
    receipt = world.device(who).push([visit_item(visit, at=world.clock())]).receipts[0]
    assert receipt.status == ReceiptStatus.ACCEPTED, receipt.problems


def _open(world: World, who: Practitioner, child: Child, kind: FlagKind) -> list[dict[str, Any]]:
    return [
        d
        for d in feed_flags(world, who).values()
        if d and d["flag"] == kind and d["child_id"] == str(child.child_id)
    ]


def _history(world: World, child: Child, kind: FlagKind) -> list[str]:
    import sqlalchemy as sa

    from sync.server.tables import table_of

    flag, event = table_of(FlagRow), table_of(FlagEventRow)
    query = (
        sa.select(event.c.action)
        .join(flag, sa.and_(flag.c.flag_id == event.c.flag_id, flag.c.org_id == event.c.org_id))
        .where(flag.c.child_id == child.child_id, flag.c.kind == kind)
        .order_by(event.c.event_id)
    )
    with world.db.read() as s:
        return list(s.execute(query).scalars())


def _aged(who: Practitioner, today: date, *, months_under: int | None = None) -> Child:
    """One of `who`'s children: under `months_under` months old, or else at least 4 years."""
    assert who.load is not None
    for child in who.load.children:
        birth = child.date_of_birth
        if birth is None:
            continue
        months = (today.year - birth.year) * 12 + today.month - birth.month
        if (months < months_under) if months_under else months >= 4 * 12 + 1:
            return child
    raise AssertionError("the synthetic caseload has no such child")


def _days_before(world: World, n: int) -> datetime:
    return world.clock() - timedelta(days=n)


def test_seen_but_never_alone_three_visits_running_is_flagged_until_seen_alone(
    world: World,
) -> None:
    child = _aged(world.worker, world.clock().date())
    for i, days in enumerate((9, 6, 3)):
        visit = _visit(world, world.worker, child, _days_before(world, days), seed=10 + i)
        o = _outcome(visit, child)
        o.seen_alone, o.reason_not_seen_alone, o.seen_alone_where = (
            YesNo.NO, ReasonNotSeenAlone.CHILD_REFUSED, None,
        )  # fmt: skip
        _push(world, world.worker, visit)
        if i < 2:  # the limit is 3 visits running
            assert not _open(world, world.manager, child, FlagKind.NOT_SEEN_ALONE)
    (flag,) = _open(world, world.manager, child, FlagKind.NOT_SEEN_ALONE)
    assert (
        flag["urgency"] == "high" and flag["act_by"] == "worker" and "last 3 visits" in flag["why"]
    )
    _push(world, world.worker, _visit(world, world.worker, child, _days_before(world, 1), seed=20))
    assert not _open(world, world.manager, child, FlagKind.NOT_SEEN_ALONE)
    assert _history(world, child, FlagKind.NOT_SEEN_ALONE)[:2] == ["raised", "cleared"]


def test_a_parent_preventing_the_child_being_seen_alone_goes_to_a_manager(world: World) -> None:
    child = _aged(world.worker, world.clock().date())
    visit = _visit(world, world.worker, child, _days_before(world, 1), seed=30)
    o = _outcome(visit, child)
    o.seen_alone, o.reason_not_seen_alone, o.seen_alone_where = (
        YesNo.NO, ReasonNotSeenAlone.PARENT_CARER_PREVENTED, None,
    )  # fmt: skip
    _push(world, world.worker, visit)
    (flag,) = _open(world, world.manager, child, FlagKind.PREVENTED_FROM_SEEING_ALONE)
    assert flag["act_by"] == "manager" and flag["urgency"] in ("high", "urgent")
    assert _open(world, world.worker, child, FlagKind.PREVENTED_FROM_SEEING_ALONE)  # and the worker


def test_a_baby_seen_asleep_is_flagged_turns_urgent_when_the_day_passes_and_clears_awake(
    world: World,
) -> None:
    baby = _aged(world.colleague, world.clock().date(), months_under=24)
    asleep_at = _days_before(world, 2)
    by = asleep_at.date() + timedelta(days=5)
    visit = _visit(world, world.colleague, baby, asleep_at, seed=40)
    o = _outcome(visit, baby)
    o.child_awake, o.not_awake_reason, o.see_awake_by = False, "Asleep in the cot (synthetic)", by
    o.seen_alone, o.reason_not_seen_alone, o.seen_alone_where = (
        YesNo.NO, ReasonNotSeenAlone.INAPPROPRIATE_AGE_UNDERSTANDING, None,
    )  # fmt: skip
    _push(world, world.colleague, visit)
    manager = world.manager  # team A's, the colleague's too
    (flag,) = _open(world, manager, baby, FlagKind.BABY_NOT_SEEN_AWAKE)
    assert flag["due"] == by.isoformat() and flag["act_by"] == "worker"
    late = datetime.combine(by + timedelta(days=3), time(12), tzinfo=UTC)
    run_checks(db=world.db, now=late)
    (flag,) = _open(world, manager, baby, FlagKind.BABY_NOT_SEEN_AWAKE)
    assert flag["urgency"] == "urgent" and "has passed" in flag["why"]
    world.clock.now = late  # type: ignore[attr-defined]
    awake = _visit(world, world.colleague, baby, late - timedelta(hours=2), seed=41)
    o = _outcome(awake, baby)
    o.child_awake, o.not_awake_reason, o.see_awake_by = True, "", None
    _push(world, world.colleague, awake)
    assert not _open(world, manager, baby, FlagKind.BABY_NOT_SEEN_AWAKE)


def test_visited_but_never_seen_past_the_plans_limit_is_not_seen_overdue(world: World) -> None:
    child = _aged(world.worker, world.clock().date())
    device = world.device(world.worker)
    start = world.clock().date() - timedelta(days=40)
    r = put_plan(world, device, child.child_id, started_on=start.isoformat())
    assert r.is_success, r.text
    for i, days in enumerate((30, 20, 10)):  # visited three times; the child never seen
        visit = _visit(world, world.worker, child, _days_before(world, days), seed=50 + i)
        o = _outcome(visit, child)
        o.child_seen, o.reason_not_seen = YesNo.NO, ReasonNotSeen.CHILD_AT_SCHOOL_OR_NURSERY
        o.seen_alone = o.reason_not_seen_alone = o.seen_alone_where = None
        visit.visit_outcome = VisitOutcome.COMPLETED_NOT_ALL_CHILDREN_SEEN
        _push(world, world.worker, visit)
    run_checks(db=world.db, now=world.clock())
    (flag,) = _open(world, world.manager, child, FlagKind.NOT_SEEN_OVERDUE)
    assert "Visited but not seen" in flag["why"]
    assert not _open(world, world.manager, child, FlagKind.VISIT_OVERDUE)
    _push(
        world,
        world.worker,
        _visit(world, world.worker, child, world.clock() - timedelta(hours=3), seed=60),
    )
    assert not _open(world, world.manager, child, FlagKind.NOT_SEEN_OVERDUE)


def test_an_assessment_warns_on_working_day_40_is_past_its_limit_after_45_and_clears(
    world: World,
) -> None:
    child = _aged(world.worker, world.clock().date())
    device = world.device(world.worker)
    started = date(2026, 1, 5)  # a Monday
    r = put_plan(
        world, device, child.child_id, service_context="ASSESSMENT_S17",
        started_on=started.isoformat(),
    )  # fmt: skip
    assert r.is_success, r.text
    headers = world.headers(device)
    r = world.http.post(
        decisions_url(child.child_id), headers=headers,
        json={"kind": "ASSESSMENT_STARTED", "made_on": started.isoformat()},
    )  # fmt: skip
    assert r.status_code == 201, r.text

    def noon(day: date) -> datetime:
        return datetime.combine(day, time(12), tzinfo=UTC)

    day_39, day_40 = (CALENDAR.add_working_days(started, n) for n in (39, 40))
    run_checks(db=world.db, now=noon(day_39))
    assert not _open(world, world.manager, child, FlagKind.ASSESSMENT_NEARING_LIMIT)
    run_checks(db=world.db, now=noon(day_40))
    (near,) = _open(world, world.manager, child, FlagKind.ASSESSMENT_NEARING_LIMIT)
    assert near["urgency"] == "high" and "Working day 40" in near["why"]
    past_day = CALENDAR.add_working_days(started, 46)
    run_checks(db=world.db, now=noon(past_day))
    (past,) = _open(world, world.manager, child, FlagKind.ASSESSMENT_PAST_LIMIT)
    assert past["urgency"] == "urgent"
    assert not _open(world, world.manager, child, FlagKind.ASSESSMENT_NEARING_LIMIT)
    world.clock.now = noon(past_day)  # type: ignore[attr-defined]
    late = {"kind": "ASSESSMENT_AUTHORISED", "made_on": past_day.isoformat()}
    refused = world.http.post(decisions_url(child.child_id), headers=headers, json=late)
    assert refused.status_code == 422 and refused.json()["code"] == "decision.refused"
    reason = "Waited for a fictional health report (synthetic)."
    ok = world.http.post(
        decisions_url(child.child_id), headers=headers, json=late | {"reason": reason}
    )
    assert ok.status_code == 201, ok.text
    assert not _open(world, world.manager, child, FlagKind.ASSESSMENT_PAST_LIMIT)
    assert _history(world, child, FlagKind.ASSESSMENT_PAST_LIMIT)[-1] == "cleared"
