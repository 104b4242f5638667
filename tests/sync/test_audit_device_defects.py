"""Regression tests for the audit's device defects (issue 8, items 2, 4, 8 and 9), server side, on
SQLite and PostgreSQL: code reuse taking a device over, refusals leaving no audit row, revocation
erasing unsent visits, and credentials that could never renew."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner

from models.receipt import OutboxItem
from seen_cli.main import cli
from sync import protocol
from sync.client import AuthRefused, DeviceRetiring, DeviceRevoked, ServerRejected, SyncClient
from sync.server import services as sv
from sync.server.services.auth import RETRY_WINDOW, hash_secret
from sync.server.services.refusals import MAX_ROWS_PER_MINUTE, RefusalAudit
from sync.server.tables import AuditEventRow, DeviceRow, RecordReviewRow
from tests.sync.helpers import TestClient, World, visit_item


def _enrol(world: World, code: str, device_id: uuid.UUID, attempt: str | None = None) -> Any:
    body: dict[str, Any] = {"code": code, "device_id": str(device_id)}
    if attempt:
        body["attempt"] = attempt
    return world.http.post("/enrol", json=body)


def _visit_made(world: World, at: datetime) -> OutboxItem:
    """A synthetic visit of the worker's, made on the device at `at` (and ended half an hour on)."""
    visit = world.worker.load.visits[0]  # type: ignore[union-attr]
    assert visit.started_at is not None and visit.ended_at is not None
    shift = at - visit.created_on_device_at
    moved = visit.model_copy(
        update={
            "created_on_device_at": at,
            "started_at": visit.started_at + shift,
            "ended_at": visit.ended_at + shift,
        }
    )
    return visit_item(moved, at=moved.ended_at or at)


def _bearer(credential: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {credential}"}


def _device_id(world: World, client: SyncClient) -> uuid.UUID:
    """The id the central record knows `client` by (its credential's device)."""
    auth = sv.check_credential(db=world.db, credential=client.credential, now=world.clock())
    return auth.actor.device_id


# --- 2. A used code is single-use, bound to one device ------------------------------------------
def test_reusing_a_used_code_with_a_live_devices_id_is_refused_and_audited(world: World) -> None:
    code = world.code_for(world.worker)
    device_id = uuid.uuid4()
    first = _enrol(world, code, device_id, attempt="device-secret-attempt-1")
    assert first.status_code == 200
    credential = first.json()["credential"]
    assert world.http.get("/sync/changes", headers=_bearer(credential)).status_code == 200

    for attempt in (None, "attacker-guessed-attempt"):  # the id is stamped on every visit
        replay = _enrol(world, code, device_id, attempt)
        assert (replay.status_code, replay.json()["code"]) == (400, protocol.ENROL_CODE_INVALID)
        assert "already been used" in replay.json()["detail"]

    assert world.http.get("/sync/changes", headers=_bearer(credential)).status_code == 200
    refused = world.audit(action="enrol.refused", device_id=device_id)
    assert refused and {e["outcome"] for e in refused} == {"enrol.code_used"}
    assert refused[0]["practitioner_id"] == world.worker.practitioner_id


def test_a_retried_enrolment_is_refused_once_its_credential_was_used(world: World) -> None:
    code = world.code_for(world.worker)
    device_id, attempt = uuid.uuid4(), "device-secret-attempt-2"
    credential = _enrol(world, code, device_id, attempt).json()["credential"]
    world.http.get("/sync/changes", headers=_bearer(credential))

    again = _enrol(world, code, device_id, attempt)

    assert (again.status_code, again.json()["code"]) == (400, protocol.ENROL_CODE_INVALID)
    assert world.http.get("/sync/changes", headers=_bearer(credential)).status_code == 200


def test_a_retried_enrolment_is_refused_after_the_retry_window(world: World) -> None:
    code = world.code_for(world.worker)
    device_id, attempt = uuid.uuid4(), "device-secret-attempt-3"
    assert _enrol(world, code, device_id, attempt).status_code == 200
    world.clock.advance(RETRY_WINDOW + timedelta(seconds=1))

    again = _enrol(world, code, device_id, attempt)

    assert again.json()["code"] == protocol.ENROL_CODE_INVALID


# --- 4. Refusals before the caller is known are audited, bounded, without the secret ------------
def test_refusals_before_the_caller_is_known_are_audited_without_the_secret(world: World) -> None:
    forged = "sh1_forged-credential-never-issued"
    world.http.get("/sync/changes")
    world.http.get("/sync/changes", headers=_bearer(forged))
    world.http.post("/enrol", json={"code": "AAAA-BBBB-CCCC", "device_id": str(uuid.uuid4())})
    expired = world.device(world.worker)
    world.clock.advance(world.settings.credential_ttl + timedelta(days=1))
    world.http.get("/sync/changes", headers=world.headers(expired))
    lost = world.device(world.colleague)
    lost_id = _device_id(world, lost)
    sv.revoke_device(
        db=world.db,
        device_id=lost_id,
        now=world.clock(),
        mode=sv.RevokeMode.LOST,
        confirm_unsent_lost=True,
    )
    world.http.get("/sync/changes", headers=world.headers(lost))
    other = world.device(world.outsider)
    mismatch = world.http.post(
        "/sync/push",
        json={"device_id": str(uuid.uuid4()), "items": []},
        headers=world.headers(other),
    )
    assert mismatch.status_code == 422

    outcomes = {(e["action"], e["outcome"]) for e in world.audit()}
    assert {
        ("auth.refused", protocol.AUTH_MISSING),
        ("auth.refused", protocol.AUTH_INVALID),
        ("auth.refused", protocol.AUTH_EXPIRED),
        ("auth.refused", protocol.DEVICE_REVOKED),
        ("enrol.refused", protocol.ENROL_CODE_INVALID),
        ("push.refused", "push.device_mismatch"),
    } <= outcomes
    (revoked_row,) = world.audit(action="auth.refused", outcome=protocol.DEVICE_REVOKED)
    assert revoked_row["device_id"] == lost_id
    secrets = [forged, expired.credential, lost.credential, "AAAABBBBCCCC"]
    hashes = [hash_secret(x) for x in secrets if x]
    text = " ".join(str(v) for e in world.audit() for v in e.values())
    for secret in [*secrets, *hashes, *(h[:8] for h in hashes)]:
        assert secret and secret not in text


def test_a_flood_of_refusals_writes_a_bounded_number_of_audit_rows(world: World) -> None:
    for _ in range(200):
        world.http.get("/sync/changes", headers=_bearer("sh1_forged"))
    assert world.count(AuditEventRow, action="auth.refused") == 1

    world.clock.advance(timedelta(seconds=61))
    world.http.get("/sync/changes", headers=_bearer("sh1_forged"))

    rows = world.audit(action="auth.refused")
    assert sorted(e["outcome"] for e in rows) == sorted(
        [protocol.AUTH_INVALID, f"{protocol.AUTH_INVALID} +199", protocol.AUTH_INVALID]
    )


def test_a_flood_from_many_addresses_is_bounded_too(world: World) -> None:
    audit = RefusalAudit(world.db, world.clock)
    for n in range(1000):
        audit.record(
            action="auth.refused", code=protocol.AUTH_INVALID, client=f"10.0.{n // 250}.{n}"
        )
    assert world.count(AuditEventRow, action="auth.refused") == MAX_ROWS_PER_MINUTE + 1


# --- 8. Revocation says which it is; a retiring device sends what it holds ----------------------
def _revoke(world: World, client: SyncClient, **kw: Any) -> uuid.UUID:
    device_id = _device_id(world, client)
    assert sv.revoke_device(db=world.db, device_id=device_id, now=world.clock(), **kw)
    return device_id


def test_a_retired_device_sends_what_it_holds_before_it_is_told_to_wipe(world: World) -> None:
    device = world.device(world.worker)
    manager = world.device(world.manager)
    manager_cursor = manager.changes(None, 1000).cursor
    item = _visit_made(world, world.clock() - timedelta(hours=2))  # before the revocation
    device_id = _revoke(world, device, mode=sv.RevokeMode.RETIRE)
    world.clock.advance(timedelta(hours=3))

    with pytest.raises(DeviceRetiring):
        device.changes(None)
    [receipt] = device.push([item], device_id=device_id).receipts
    assert receipt.status == "accepted"
    device.push([item], device_id=device_id)  # sent again: marked once
    with pytest.raises(DeviceRevoked) as told:
        device.outbox_empty(device_id=device_id)
    assert not isinstance(told.value, DeviceRetiring)
    with pytest.raises(DeviceRevoked):
        device.push([item], device_id=device_id)

    assert world.count(RecordReviewRow, record_id=item.record_id) == 1
    (review,) = world.audit(action="record.marked_for_review")
    assert review["outcome"] == "made_before_revocation"
    feed = [c for c in manager.changes(manager_cursor, 1000).changes if c.kind == "review"]
    assert [c.data["record_id"] for c in feed if c.data] == [str(item.record_id)]
    assert world.audit(action="device.revoke", outcome="retire")
    assert world.audit(action="device.retired", device_id=device_id)


def test_a_lost_device_is_refused_at_once_and_only_with_confirmation(world: World) -> None:
    device = world.device(world.worker)
    device_id = _device_id(world, device)
    with pytest.raises(sv.Refusal) as unconfirmed:
        sv.revoke_device(
            db=world.db, device_id=device_id, now=world.clock(), mode=sv.RevokeMode.LOST
        )
    assert "lost" in unconfirmed.value.detail
    with world.db.read() as s:
        assert s.get(DeviceRow, device_id).revoked_at is None  # type: ignore[union-attr]

    _revoke(world, device, mode=sv.RevokeMode.LOST, confirm_unsent_lost=True)

    with pytest.raises(DeviceRevoked) as caught:
        device.push([_visit_made(world, world.clock() - timedelta(hours=2))])
    assert not isinstance(caught.value, DeviceRetiring)
    assert world.audit(action="device.revoke", outcome="lost", device_id=device_id)
    assert world.count(RecordReviewRow) == 0


def test_revoking_a_lost_device_from_the_command_line_asks_for_confirmation(
    world: World, backend: str
) -> None:
    device = world.device(world.worker)
    device_id = str(_device_id(world, device))
    args = ["admin", "revoke-device", "--db", backend, "--device", device_id, "--lost"]
    refused = CliRunner().invoke(cli, args)
    assert refused.exit_code != 0 and "--confirm-unsent-lost" in refused.output
    device.changes(None)  # still works

    done = CliRunner().invoke(cli, [*args, "--confirm-unsent-lost"])

    assert done.exit_code == 0, done.output
    with pytest.raises(DeviceRevoked):
        device.changes(None)
    assert world.audit(action="device.revoke", outcome="lost")


# --- 9. Credentials renew while in use; an expired device can be re-enrolled -------------------
def test_a_device_synced_weekly_for_a_hundred_days_is_never_refused(world: World) -> None:
    device = world.device(world.worker)
    renewals = 0
    for _week in range(15):
        world.clock.advance(timedelta(days=7))
        device.changes(None)  # raises if refused
        if device.renew_due:
            device.credential = device.renew_credential().credential
            renewals += 1
    assert renewals >= 1
    assert world.audit(action="device.credential_renewed")


def test_the_old_credential_works_until_the_new_one_is_used_and_a_lost_answer_loses_nothing(
    world: World,
) -> None:
    device = world.device(world.worker)
    old = device.credential
    assert old is not None
    world.clock.advance(world.settings.credential_ttl * 0.6)
    device.changes(None)
    assert device.renew_due
    lost_answer = device.renew_credential().credential  # never reaches the device
    assert world.http.get("/sync/changes", headers=_bearer(old)).status_code == 200
    assert device.renew_due is False
    device.changes(None)
    assert device.renew_due  # offered again

    new = device.renew_credential().credential
    assert world.http.get("/sync/changes", headers=_bearer(old)).status_code == 200
    assert world.http.get("/sync/changes", headers=_bearer(new)).status_code == 200

    for gone in (old, lost_answer):
        answer = world.http.get("/sync/changes", headers=_bearer(gone))
        assert answer.json()["code"] == protocol.AUTH_INVALID
    renewed = world.http.get("/sync/changes", headers=_bearer(new))
    assert protocol.RENEW_HEADER not in renewed.headers


def test_an_expired_device_is_re_enrolled_with_a_new_code_keeping_its_id(world: World) -> None:
    device = world.device(world.worker)
    device_id = _device_id(world, device)
    world.clock.advance(world.settings.credential_ttl + timedelta(days=10))
    with pytest.raises(AuthRefused) as expired:
        device.changes(None)
    assert expired.value.code == protocol.AUTH_EXPIRED

    lost_answer = _enrol(world, world.code_for(world.worker), device_id)  # never arrives
    assert lost_answer.status_code == 200
    with pytest.raises(AuthRefused):
        device.changes(None)  # still expired: a further new code works
    again = SyncClient(TestClient(world.app), credential=None, timeout=None)
    again.enrol(world.code_for(world.worker), device_id=device_id)

    again.changes(None)
    assert (
        world.http.get("/sync/changes", headers=_bearer(lost_answer.json()["credential"])).json()[
            "code"
        ]
        == protocol.AUTH_INVALID
    )
    (info,) = sv.list_devices(db=world.db, practitioner_id=world.worker.practitioner_id)
    assert info.device_id == device_id and info.revoked_at is None
    assert world.audit(action="enrol.device", outcome="re-enrolled", device_id=device_id)


@pytest.mark.parametrize("why", ["still_signed_in", "other_practitioner", "revoked"])
def test_a_known_device_is_not_re_enrolled_unless_expired_and_its_own(
    world: World, why: str
) -> None:
    device = world.device(world.worker)
    device_id = _device_id(world, device)
    who = world.worker
    if why == "other_practitioner":
        who = world.colleague
        world.clock.advance(world.settings.credential_ttl + timedelta(days=1))
    if why == "revoked":
        _revoke(world, device, mode=sv.RevokeMode.RETIRE)
        world.clock.advance(world.settings.credential_ttl + timedelta(days=1))

    answer = _enrol(world, world.code_for(who), device_id)

    assert (answer.status_code, answer.json()["code"]) == (400, protocol.ENROL_DEVICE_KNOWN)
    assert world.audit(action="enrol.refused", outcome=protocol.ENROL_DEVICE_KNOWN)
    if why == "still_signed_in":
        device.changes(None)


def test_a_retiring_device_is_refused_a_new_credential(world: World) -> None:
    device = world.device(world.worker)
    _revoke(world, device)
    with pytest.raises(DeviceRetiring):
        device.renew_credential()
    assert issubclass(DeviceRetiring, DeviceRevoked) and not issubclass(ServerRejected, AuthRefused)
