"""Enrolment, credentials, revocation and who may read which child."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlmodel import select

from sync import protocol
from sync.client import AuthRefused, DeviceRevoked, ProtocolMismatch, ServerRejected
from sync.server import services as sv
from sync.server.tables import DeviceRow, EnrolmentCodeRow
from tests.sync.helpers import TestClient, World


def test_enrolment_returns_a_credential_once_and_stores_only_hashes(world: World) -> None:
    code = world.code_for(world.worker)
    device_id = uuid.uuid4()
    answer = world.http.post("/enrol", json={"code": code, "device_id": str(device_id)})
    assert answer.status_code == 200
    credential = answer.json()["credential"]
    with world.db.read() as s:
        device = s.get(DeviceRow, device_id)
        codes = s.exec(select(EnrolmentCodeRow)).all()
    assert device is not None and credential not in device.credential_hash
    assert all(code.replace("-", "") not in c.code_hash for c in codes)
    again = world.http.post("/enrol", json={"code": code, "device_id": str(uuid.uuid4())})
    assert (again.status_code, again.json()["code"]) == (400, protocol.ENROL_CODE_INVALID)


def test_enrolment_retried_by_the_same_attempt_gets_a_fresh_credential(world: World) -> None:
    """A lost answer: the same code, device id and attempt secret again, before the first
    credential was used. (The same code and id without the attempt is a takeover: refused, see
    tests/sync/test_audit_device_defects.py.)"""
    code = world.code_for(world.worker)
    request = {"code": code, "device_id": str(uuid.uuid4()), "attempt": "a" * 32}
    first = world.http.post("/enrol", json=request).json()
    second = world.http.post("/enrol", json=request).json()
    assert first["credential"] != second["credential"]
    old = world.http.get(
        "/sync/changes", headers={"Authorization": f"Bearer {first['credential']}"}
    )
    assert old.json()["code"] == protocol.AUTH_INVALID
    new = world.http.get(
        "/sync/changes", headers={"Authorization": f"Bearer {second['credential']}"}
    )
    assert new.status_code == 200


def test_expired_enrolment_code_is_refused(world: World) -> None:
    code = world.code_for(world.worker)
    world.clock.advance(timedelta(hours=2))
    answer = world.http.post("/enrol", json={"code": code, "device_id": str(uuid.uuid4())})
    assert answer.json()["code"] == protocol.ENROL_CODE_EXPIRED


def test_repeated_wrong_codes_are_rate_limited(world: World) -> None:
    for _ in range(world.settings.enrol_failures_per_minute):
        world.http.post("/enrol", json={"code": "AAAA-BBBB-CCCC", "device_id": str(uuid.uuid4())})
    answer = world.http.post(
        "/enrol", json={"code": "AAAA-BBBB-CCCC", "device_id": str(uuid.uuid4())}
    )
    assert (answer.status_code, answer.json()["code"]) == (429, protocol.RATE_LIMITED)
    assert int(answer.headers["Retry-After"]) > 0


def test_every_server_process_counts_the_same_wrong_codes_and_the_minute_ends(
    world: World,
) -> None:
    from sync.server import create_app
    from sync.server.tables import EnrolFailureRow

    other = create_app(world.settings)  # another process on the same database
    second = TestClient(other)
    try:
        wrong = {"code": "AAAA-BBBB-CCCC"}
        for n in range(world.settings.enrol_failures_per_minute):
            either = (world.http, second)[n % 2]
            answer = either.post("/enrol", json=wrong | {"device_id": str(uuid.uuid4())})
            assert answer.json()["code"] == protocol.ENROL_CODE_INVALID
        for either in (world.http, second):
            answer = either.post("/enrol", json=wrong | {"device_id": str(uuid.uuid4())})
            assert (answer.status_code, answer.json()["code"]) == (429, protocol.RATE_LIMITED)
        assert world.count(EnrolFailureRow) == world.settings.enrol_failures_per_minute
        assert world.count(EnrolFailureRow, client_key="testclient") == 0  # the address: hashed
        world.clock.advance(timedelta(seconds=61))
        answer = second.post("/enrol", json=wrong | {"device_id": str(uuid.uuid4())})
        assert answer.json()["code"] == protocol.ENROL_CODE_INVALID  # counted afresh
        assert world.count(EnrolFailureRow) == 1  # the old minute's rows are gone
    finally:
        second.close()
        other.state.db.dispose()


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        (None, protocol.AUTH_MISSING),
        ("Bearer sh1_forged-credential-never-issued", protocol.AUTH_INVALID),
        ("Basic dXNlcjpwYXNz", protocol.AUTH_INVALID),
        ("Bearer ", protocol.AUTH_INVALID),
    ],
)
def test_missing_or_forged_credential_is_refused(
    world: World, authorization: str | None, code: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    for path in ("/sync/changes", f"/children/{world.worker.load.children[0].child_id}"):  # type: ignore[union-attr]
        answer = world.http.get(path, headers=headers)
        assert (answer.status_code, answer.json()["code"]) == (401, code)
    push = world.http.post("/sync/push", json={"items": []}, headers=headers)
    assert (push.status_code, push.json()["code"]) == (401, code)


def test_expired_credential_is_refused(world: World) -> None:
    device = world.device(world.worker)
    world.clock.advance(world.settings.credential_ttl + timedelta(seconds=1))
    with pytest.raises(AuthRefused) as caught:
        device.changes(None)
    assert caught.value.code == protocol.AUTH_EXPIRED


def test_revoked_device_is_told_to_wipe_and_the_revocation_is_audited(world: World) -> None:
    device = world.device(world.worker)
    device.changes(None)
    (info,) = sv.list_devices(db=world.db, practitioner_id=world.worker.practitioner_id)
    assert sv.revoke_device(db=world.db, device_id=info.device_id, now=world.clock())
    with pytest.raises(DeviceRevoked) as caught:
        device.changes(None)
    assert caught.value.status == 401 and "Wipe" in caught.value.detail
    assert world.audit(action="device.revoke", device_id=info.device_id)


def test_another_practitioners_child_is_refused_and_audited(world: World) -> None:
    device = world.device(world.worker)
    theirs = world.colleague.load.children[0].child_id  # type: ignore[union-attr]
    answer = world.http.get(f"/children/{theirs}", headers=world.headers(device))
    assert (answer.status_code, answer.json()["code"]) == (403, protocol.FORBIDDEN)
    (event,) = world.audit(action="read.child", child_id=theirs)
    assert event["outcome"] == "refused"
    assert event["practitioner_id"] == world.worker.practitioner_id and event["device_id"]


def test_own_child_read_is_allowed_and_audited(world: World) -> None:
    device = world.device(world.worker)
    mine = world.worker.load.children[0]  # type: ignore[union-attr]
    answer = world.http.get(f"/children/{mine.child_id}", headers=world.headers(device))
    assert answer.status_code == 200 and answer.json()["child"]["name"] == mine.name
    assert world.audit(action="read.child", child_id=mine.child_id, outcome="ok")


def test_manager_sees_the_team_but_not_other_teams(world: World) -> None:
    manager = world.device(world.manager)
    team_child = world.colleague.load.children[0].child_id  # type: ignore[union-attr]
    other_team_child = world.outsider.load.children[0].child_id  # type: ignore[union-attr]
    assert (
        world.http.get(f"/children/{team_child}", headers=world.headers(manager)).status_code == 200
    )
    refused = world.http.get(f"/children/{other_team_child}", headers=world.headers(manager))
    assert refused.status_code == 403
    feed = {c.child_id for c in manager.changes(None, 1000).changes}
    assert team_child in feed and other_team_child not in feed


def test_practitioner_feed_holds_only_their_allocated_children(world: World) -> None:
    device = world.device(world.worker)
    mine = {c.child_id for c in world.worker.load.children}  # type: ignore[union-attr]
    feed = {c.child_id for page in device.iter_changes(None) for c in page.changes}
    assert feed == mine


def test_unknown_child_is_not_found(world: World) -> None:
    device = world.device(world.worker)
    answer = world.http.get(f"/children/{uuid.uuid4()}", headers=world.headers(device))
    assert (answer.status_code, answer.json()["code"]) == (404, protocol.NOT_FOUND)


def test_other_protocol_version_is_refused_with_426(world: World) -> None:
    device = world.device(world.worker)
    headers = {**world.headers(device), protocol.PROTOCOL_HEADER: "99"}
    answer = world.http.get("/sync/changes", headers=headers)
    assert (answer.status_code, answer.json()["code"]) == (426, protocol.PROTOCOL_MISMATCH)


def test_client_maps_refusals_to_the_error_tree(world: World) -> None:
    device = world.device(world.worker)
    device.credential = "sh1_not-a-real-one"
    with pytest.raises(AuthRefused):
        device.changes(None)
    assert issubclass(ProtocolMismatch, Exception) and issubclass(ServerRejected, Exception)
