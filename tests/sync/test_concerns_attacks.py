"""The concerns API from the attacker's side: another team, organisation or practitioner, an
unknown child, unstorable or oversized text, a date in the future. Each refused with a stable
code and plain words, never a 5xx, and nothing stored."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest

from sync import protocol
from sync.server import services as sv
from sync.server.services import StaffRole
from sync.server.tables import ConcernRow, ReporterRow
from tests.sync.concerns_helpers import Caller, concern_body, other_organisation
from tests.sync.helpers import ORG, Practitioner, World


def _refused(answer: Any, status: int, code: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.json()["code"] == code and answer.json()["detail"]


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"content": "A NUL \x00 here"}, 422, protocol.REQUEST_INVALID),
        ({"content": "half a pair \ud800"}, 422, protocol.REQUEST_INVALID),
        ({"content": "x" * 100_000}, 422, protocol.REQUEST_INVALID),
        ({"content": "   "}, 422, protocol.REQUEST_INVALID),
        (
            {"reporter": {"name": "\udfff", "relationship": "GRANDPARENT"}},
            422,
            protocol.REQUEST_INVALID,
        ),
        (
            {"reporter": {"name": "n" * 5000, "relationship": "GRANDPARENT"}},
            422,
            protocol.REQUEST_INVALID,
        ),
        ({"reporter": None}, 422, protocol.REQUEST_INVALID),
        ({"children_concerned": []}, 422, protocol.REQUEST_INVALID),
        ({"children_concerned": [str(uuid4())]}, 404, protocol.NOT_FOUND),
        ({"channel": "CARRIER_PIGEON"}, 422, protocol.REQUEST_INVALID),
        ({"received_at": "2026-13-45T25:00:00Z"}, 422, protocol.REQUEST_INVALID),
        ({"received_at": "2026-01-01T10:00:00"}, 422, protocol.REQUEST_INVALID),
        ({"surprise": 1}, 422, protocol.REQUEST_UNKNOWN_FIELD),
        ({"reporter_id": str(uuid4())}, 404, protocol.NOT_FOUND),
    ],
)
def test_bad_concerns_are_refused_with_stable_codes(
    world: World, change: dict[str, Any], status: int, code: str
) -> None:
    duty = Caller(world, world.colleague)
    before = world.count(ConcernRow)
    body = concern_body(world, [world.worker.load.children[0].child_id]) | change
    _refused(duty.post("/v1/concerns", body), status, code)
    assert world.count(ConcernRow) == before
    assert world.count(ReporterRow) == 0


def test_a_concern_received_in_the_future_is_refused(world: World) -> None:
    duty = Caller(world, world.colleague)
    child = world.worker.load.children[0].child_id
    answer = duty.record([child], received_at=world.clock() + timedelta(days=1))
    _refused(answer, 422, protocol.RECORD_FUTURE_DATED)
    assert "future" in answer.json()["detail"]
    assert world.audit(action="concern.record")[0]["outcome"] == protocol.RECORD_FUTURE_DATED


def test_another_organisations_children_reporters_and_concerns_are_no_such_thing(
    world: World,
) -> None:
    theirs = other_organisation(world)
    them = Caller(world, theirs)
    assert theirs.load is not None
    made = them.record([theirs.load.children[0].child_id]).json()
    worker = Caller(world, world.worker)
    mine = world.worker.load.children[0].child_id
    _refused(worker.record([theirs.load.children[0].child_id]), 404, protocol.NOT_FOUND)
    _refused(
        worker.record([mine], reporter_id=made["concern"]["reporter_id"]), 404, protocol.NOT_FOUND
    )
    concern_id = made["concern"]["concern_id"]
    _refused(worker.acknowledge(concern_id, "Looked (synthetic)."), 404, protocol.NOT_FOUND)
    _refused(
        worker.get(f"/v1/reporters/{made['concern']['reporter_id']}/concerns"),
        404,
        protocol.NOT_FOUND,
    )
    child = str(theirs.load.children[0].child_id)
    _refused(worker.get("/v1/concerns", child_id=child), 404, protocol.NOT_FOUND)
    _refused(them.get("/v1/concerns", child_id=str(mine)), 404, protocol.NOT_FOUND)


def test_another_team_or_practitioner_cannot_read_or_acknowledge(world: World) -> None:
    child = world.worker.load.children[0].child_id
    made = Caller(world, world.outsider).record([child])  # anyone may record one...
    assert made.status_code == 201
    concern_id = made.json()["concern"]["concern_id"]
    for who in (world.outsider, world.colleague):  # ...only the holders may act on it
        caller = Caller(world, who)
        _refused(caller.acknowledge(concern_id, "Not mine (synthetic)."), 403, protocol.FORBIDDEN)
        _refused(caller.get("/v1/concerns", child_id=str(child)), 403, protocol.FORBIDDEN)
    assert (
        Caller(world, world.manager).acknowledge(concern_id, "Done (synthetic).").status_code == 200
    )


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/v1/concerns?child_id=not-a-uuid", None),
        ("get", "/v1/concerns", None),
        ("get", "/v1/reporters/%00/concerns", None),
        ("post", "/v1/concerns/not-a-uuid/acknowledge", {"action_taken": "x"}),
        ("post", f"/v1/concerns/{uuid4()}/acknowledge", {"action_taken": "a\x00b"}),
        ("post", f"/v1/concerns/{uuid4()}/acknowledge", {"action_taken": "y" * 100_000}),
        ("post", f"/v1/concerns/{uuid4()}/acknowledge", {"action_taken": "Done (synthetic)."}),
    ],
)
def test_garbage_addresses_and_bodies_get_a_4xx(
    world: World, method: str, url: str, body: Any
) -> None:
    caller = Caller(world, world.worker)
    answer = caller.get(url) if method == "get" else caller.post(url, body)
    assert 400 <= answer.status_code < 500, answer.text
    assert answer.json()["code"] in protocol.STATUS_OF


def test_without_a_credential_nothing_is_recorded(world: World) -> None:
    body = concern_body(world, [world.worker.load.children[0].child_id])
    answer = world.http.post("/v1/concerns", json=body)
    assert answer.status_code == 401
    assert world.count(ConcernRow) == len(world.worker.load.concerns) + sum(
        len(p.load.concerns) for p in (world.colleague, world.outsider) if p.load
    )


def test_an_administrator_without_a_caseload_cannot_record_one(world: World) -> None:
    admin_id = sv.create_practitioner(
        db=world.db,
        org_id=ORG,
        display_name="Administrator (synthetic)",
        role=StaffRole.ADMIN,
        now=world.clock(),
    )
    admin = Caller(world, Practitioner(admin_id))
    answer = admin.record([world.worker.load.children[0].child_id])
    _refused(answer, 403, protocol.FORBIDDEN)
