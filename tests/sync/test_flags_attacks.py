"""The flags API from the attacker's side: another team's manager, a worker of another child,
another organisation, a revoked device, text that cannot be stored, oversized notes, bad ids and
bad enumeration values: each refused with a stable code, never a 5xx, and nothing changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa

from sync import protocol
from sync.server import services as sv
from sync.server.tables import FlagEventRow, FlagRow, table_of
from tests.sync.concerns_helpers import other_organisation
from tests.sync.flags_helpers import Api, push, team_b_manager, visit_at
from tests.sync.helpers import World
from tests.sync.plan_helpers import child_of


def _refused(answer: Any, status: int, code: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.json()["code"] == code and answer.json()["detail"]


def _a_flag(world: World) -> UUID:
    push(world, visit_at(world, seen=False, at=world.clock() - timedelta(days=1)))
    t = table_of(FlagRow)
    with world.db.read() as s:
        found: UUID = s.execute(
            sa.select(t.c.flag_id).where(t.c.child_id == child_of(world)).limit(1)
        ).scalar_one()
        return found


def _events(world: World) -> int:
    return world.count(FlagEventRow)


def test_only_the_teams_manager_reads_the_teams_flags(world: World) -> None:
    _a_flag(world)
    _refused(Api(world, team_b_manager(world)).team(world.team_a), 403, protocol.FORBIDDEN)
    for who in (world.worker, world.outsider):
        _refused(Api(world, who).team(world.team_a), 403, protocol.FORBIDDEN)
    _refused(Api(world, world.manager).team(world.team_b), 403, protocol.FORBIDDEN)
    _refused(Api(world, world.manager).team(uuid4()), 404, protocol.NOT_FOUND)
    assert Api(world, world.manager).team(world.team_a).status_code == 200
    refusals = world.audit(action="flags.team.read", outcome=protocol.FORBIDDEN)
    assert len(refusals) == 4


def test_nobody_outside_the_childs_holders_sees_or_acts_on_its_flags(world: World) -> None:
    flag_id = _a_flag(world)
    child = child_of(world)
    before = _events(world)
    for who in (world.colleague, world.outsider, team_b_manager(world)):
        api = Api(world, who)
        _refused(api.oversight(child), 403, protocol.FORBIDDEN)
        for verb, note in (("seen", None), ("acknowledge", "Mine (synthetic)."), ("close", "x")):
            _refused(api.act(flag_id, verb, note), 403, protocol.FORBIDDEN)
        url = f"/v1/children/{child}/people/{uuid4()}/assessment"
        _refused(api.send("PUT", url, {"assessed": "ASSESSED"}), 403, protocol.FORBIDDEN)
    assert _events(world) == before
    assert world.audit(action="flag.closed", outcome=protocol.FORBIDDEN)


def test_another_organisations_flags_and_children_are_no_such_thing(world: World) -> None:
    flag_id = _a_flag(world)
    them = Api(world, other_organisation(world))
    for verb in ("seen", "acknowledge"):
        _refused(them.act(flag_id, verb), 404, protocol.NOT_FOUND)
    answer = them.act(flag_id, "close", "Not yours (synthetic).")
    _refused(answer, 404, protocol.NOT_FOUND)
    assert str(child_of(world)) not in answer.text
    _refused(them.oversight(child_of(world)), 404, protocol.NOT_FOUND)
    _refused(them.team(world.team_a), 404, protocol.NOT_FOUND)
    _refused(them.assess(child_of(world), uuid4(), "ASSESSED"), 404, protocol.NOT_FOUND)
    mine = Api(world, world.manager)
    _refused(mine.act(uuid4(), "seen"), 404, protocol.NOT_FOUND)
    _refused(mine.assess(child_of(world), uuid4(), "ASSESSED"), 404, protocol.NOT_FOUND)


def test_a_revoked_device_reads_and_does_nothing(world: World) -> None:
    flag_id = _a_flag(world)
    api = Api(world, world.manager)
    device_id = sv.check_credential(
        db=world.db, credential=api.device.credential, now=world.clock()
    ).actor.device_id
    sv.revoke_device(
        db=world.db, device_id=device_id, now=world.clock(), mode=sv.RevokeMode.LOST,
        confirm_unsent_lost=True,
    )  # fmt: skip
    before = _events(world)
    _refused(api.team(world.team_a), 401, protocol.DEVICE_REVOKED)
    _refused(api.act(flag_id, "close", "Lost phone (synthetic)."), 401, protocol.DEVICE_REVOKED)
    _refused(api.oversight(child_of(world)), 401, protocol.DEVICE_REVOKED)
    assert _events(world) == before


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/v1/flags/{flag}/close", {"note": "A NUL \x00 here"}),
        ("POST", "/v1/flags/{flag}/close", {"note": "half a pair \ud800"}),
        ("POST", "/v1/flags/{flag}/close", {"note": "y" * 10_000}),
        ("POST", "/v1/flags/{flag}/acknowledge", {"note": "z" * 10_000}),
        ("POST", "/v1/flags/{flag}/acknowledge", {"note": "\udfff"}),
        ("POST", "/v1/flags/{flag}/seen", {"note": 42}),
        ("POST", "/v1/flags/{flag}/close", {"note": "ok", "closed_by": "someone"}),
        ("POST", "/v1/flags/{flag}/close", None),
        ("POST", "/v1/flags/not-a-uuid/close", {"note": "x"}),
        ("POST", "/v1/flags/%00/seen", None),
        ("GET", "/v1/teams/not-a-uuid/flags", None),
        ("GET", "/v1/teams/{team}/flags?urgency=extreme", None),
        ("GET", "/v1/teams/{team}/flags?kind=made_up", None),
        ("GET", "/v1/teams/{team}/flags?status=deleted", None),
        ("GET", "/v1/teams/{team}/flags?limit=0", None),
        ("GET", "/v1/teams/{team}/flags?limit=100000000000000000000", None),
        ("GET", "/v1/children/not-a-uuid/oversight", None),
        ("PUT", "/v1/children/{child}/people/{person}/assessment", {"assessed": "MAYBE"}),
        (
            "PUT",
            "/v1/children/{child}/people/{person}/assessment",
            {"assessed": "ASSESSED", "note": "\x00"},
        ),
        ("PUT", "/v1/children/{child}/people/not-a-uuid/assessment", {"assessed": "ASSESSED"}),
        ("PUT", "/v1/children/{child}/people/{person}/assessment", {}),
        ("DELETE", "/v1/flags/{flag}/close", None),
    ],
)
def test_garbage_gets_a_4xx_with_a_stable_code_and_changes_nothing(
    world: World, method: str, path: str, body: Any
) -> None:
    flag_id = _a_flag(world)
    load = world.worker.load
    assert load is not None
    person = load.children[0].links[0].person_id if load.children[0].links else uuid4()
    url = path.format(flag=flag_id, team=world.team_a, child=child_of(world), person=person)
    before = _events(world)
    answer = Api(world, world.manager).send(method, url, body)
    assert 400 <= answer.status_code < 500, answer.text
    assert answer.json()["code"] in protocol.STATUS_OF
    assert _events(world) == before
