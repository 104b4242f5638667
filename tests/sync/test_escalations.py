"""Escalations at the central record (issue 10, item 6): accepted as their own record linked to the
visit, audited, sent to the manager's device, idempotent; refused from the attacker's side with
a stable code. SQLite and PostgreSQL (the `world` fixture)."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa

from models.canonical import canonical_text
from models.escalation import MAX_RESPONSE, Escalation, EscalationMethod
from models.receipt import ReceiptStatus, RecordKind
from models.visit import Visit
from sync import protocol
from sync.client import SyncClient
from sync.protocol import ChangeKind
from sync.server.tables import EscalationRow, table_of
from tests.sync.helpers import World, item_of, visit_item
from tests.sync.test_audit_push_scope import _other_org


def _escalation(world: World, visit: Visit, **update: Any) -> Escalation:
    e = Escalation(
        escalation_id=uuid.uuid4(),
        visit_id=visit.visit_id,
        child_ids=[visit.children[0].child_id],
        practitioner_id=visit.practitioner_id,
        at=world.clock() - timedelta(minutes=20),
        to_whom="My team manager (synthetic)",
        how=EscalationMethod.PHONE,
        response="Said to go back tomorrow with a colleague (synthetic).",
        created_on_device_at=world.clock() - timedelta(minutes=5),
    )
    return e.model_copy(update=update)


def _item(e: Escalation) -> Any:
    return item_of(e, RecordKind.ESCALATION, e.escalation_id)


def _worker_visit(world: World) -> tuple[SyncClient, Visit]:
    device = world.device(world.worker)
    visit = world.worker.load.visits[0]  # type: ignore[union-attr]
    [receipt] = device.push([visit_item(visit)]).receipts
    assert receipt.status == ReceiptStatus.ACCEPTED
    return device, visit


def _stored(world: World, escalation_id: UUID) -> list[dict[str, Any]]:
    t = table_of(EscalationRow)
    with world.db.read() as s:
        rows = s.execute(sa.select(t).where(t.c.escalation_id == escalation_id))
        return [dict(r._mapping) for r in rows]


def test_escalation_is_stored_linked_to_its_visit_audited_and_reaches_the_manager(
    world: World,
) -> None:
    device, visit = _worker_visit(world)
    flag_id = uuid.uuid4()
    e = _escalation(world, visit, flag_id=flag_id)

    [receipt] = device.push([_item(e)]).receipts

    assert receipt.status == ReceiptStatus.ACCEPTED
    [row] = _stored(world, e.escalation_id)
    assert (row["visit_id"], row["flag_id"], row["org_id"]) == (visit.visit_id, flag_id, "ORG-DEMO")
    assert Escalation.model_validate(row["data"]) == e
    audits = world.audit(action="push.escalation.accepted", record_id=e.escalation_id)
    assert [a["child_id"] for a in audits] == e.child_ids
    assert all("synthetic" not in json.dumps(a, default=str) for a in audits)  # ids, never words
    feed = world.device(world.manager).changes(None, 1000).changes
    [change] = [c for c in feed if c.kind == ChangeKind.ESCALATION]
    assert (change.entity_id, change.child_id) == (e.escalation_id, e.child_ids[0])
    assert change.data is not None and change.data["visit_id"] == str(visit.visit_id)


def test_escalation_replayed_is_a_duplicate_and_changed_is_a_conflict(world: World) -> None:
    device, visit = _worker_visit(world)
    e = _escalation(world, visit)
    [first] = device.push([_item(e)]).receipts

    [again] = device.push([_item(e)]).receipts
    changed = e.model_copy(update={"response": "Something else (synthetic)."})
    [other] = device.push([_item(changed)]).receipts

    assert again.status == ReceiptStatus.DUPLICATE and again.receipt_id == first.receipt_id
    assert (other.status, other.code) == (ReceiptStatus.CONFLICT, protocol.SYNC_CONFLICT)
    assert len(_stored(world, e.escalation_id)) == 1


def test_escalation_sent_with_its_visit_in_one_push_is_accepted(world: World) -> None:
    device = world.device(world.worker)
    visit = world.worker.load.visits[1]  # type: ignore[union-attr]
    e = _escalation(world, visit)
    receipts = device.push([visit_item(visit), _item(e)]).receipts
    assert [r.status for r in receipts] == [ReceiptStatus.ACCEPTED] * 2


def test_manager_may_record_an_escalation_about_their_teams_visit(world: World) -> None:
    _, visit = _worker_visit(world)
    e = _escalation(world, visit, practitioner_id=world.manager.practitioner_id)
    [receipt] = world.device(world.manager).push([_item(e)]).receipts
    assert receipt.status == ReceiptStatus.ACCEPTED


def test_escalation_naming_another_teams_child_is_forbidden_and_audited(world: World) -> None:
    device, visit = _worker_visit(world)
    theirs = world.outsider.load.children[0].child_id  # type: ignore[union-attr]
    e = _escalation(world, visit, child_ids=[theirs])

    [receipt] = device.push([_item(e)]).receipts

    assert (receipt.status, receipt.code) == (ReceiptStatus.REJECTED, protocol.RECORD_FORBIDDEN)
    assert "not on your caseload" in receipt.problems[0]
    assert world.audit(action="push.refused", record_id=e.escalation_id, outcome="forbidden")
    assert _stored(world, e.escalation_id) == []


def test_escalation_about_another_teams_visit_is_forbidden(world: World) -> None:
    outsider = world.device(world.outsider)
    visit = world.outsider.load.visits[0]  # type: ignore[union-attr]
    outsider.push([visit_item(visit)])
    e = _escalation(
        world, visit, practitioner_id=world.worker.practitioner_id, child_ids=[]
    ).model_copy(update={"child_ids": [world.worker.load.children[0].child_id]})  # type: ignore[union-attr]

    [receipt] = world.device(world.worker).push([_item(e)]).receipts

    assert (receipt.status, receipt.code) == (ReceiptStatus.REJECTED, protocol.RECORD_FORBIDDEN)
    assert world.audit(action="push.refused", record_id=e.escalation_id, outcome="forbidden")


def test_escalation_about_another_organisations_visit_is_refused_and_audited(
    world: World,
) -> None:
    other = _other_org(world)
    theirs = world.other_load.visits[0]  # type: ignore[attr-defined]
    assert other.push([visit_item(theirs)]).receipts[0].status == ReceiptStatus.ACCEPTED
    mine = world.worker.load.children[0].child_id  # type: ignore[union-attr]
    e = _escalation(world, theirs, practitioner_id=world.worker.practitioner_id, child_ids=[mine])

    [receipt] = world.device(world.worker).push([_item(e)]).receipts

    assert (receipt.status, receipt.code) == (ReceiptStatus.REJECTED, protocol.SYNC_MISSING_BASE)
    assert world.audit(
        action="push.refused", record_id=e.escalation_id, outcome=protocol.SYNC_MISSING_BASE
    )
    assert _stored(world, e.escalation_id) == []


def test_escalation_naming_a_child_not_in_its_visit_is_invalid(world: World) -> None:
    device, visit = _worker_visit(world)
    in_visit = {c.child_id for c in visit.children}
    elsewhere = next(
        c.child_id
        for c in world.worker.load.children  # type: ignore[union-attr]
        if c.child_id not in in_visit
    )
    e = _escalation(world, visit, child_ids=[elsewhere])
    [receipt] = device.push([_item(e)]).receipts
    assert (receipt.status, receipt.code) == (ReceiptStatus.REJECTED, protocol.RECORD_INVALID)


def test_escalation_authored_as_someone_else_is_forbidden(world: World) -> None:
    device, visit = _worker_visit(world)
    e = _escalation(world, visit, practitioner_id=world.colleague.practitioner_id)
    [receipt] = device.push([_item(e)]).receipts
    assert (receipt.status, receipt.code) == (ReceiptStatus.REJECTED, protocol.RECORD_FORBIDDEN)


def test_escalation_in_the_future_is_refused(world: World) -> None:
    device, visit = _worker_visit(world)
    e = _escalation(world, visit, at=world.clock() + timedelta(days=1))
    [receipt] = device.push([_item(e)]).receipts
    assert (receipt.status, receipt.code) == (ReceiptStatus.REJECTED, protocol.RECORD_FUTURE_DATED)


def _text_item(record_id: UUID, body: dict[str, Any]) -> dict[str, Any]:
    text = canonical_text(body)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return {
        "record_id": str(record_id), "kind": "escalation", "revision": 1,
        "content_hash": digest, "body_json": text,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("field", "text", "code"),
    [
        ("response", "Called at 9 \u0000 (synthetic)", protocol.RECORD_INVALID),
        ("to_whom", "half a pair \ud800 (synthetic)", protocol.RECORD_INVALID),
        ("response", "x" * (MAX_RESPONSE + 1), protocol.RECORD_RULES_FAILED),
        ("to_whom", "   ", protocol.RECORD_RULES_FAILED),
    ],
)
def test_escalation_with_text_that_cannot_be_stored_is_rejected_naming_the_field(
    world: World, field: str, text: str, code: str
) -> None:
    device, visit = _worker_visit(world)
    body = _escalation(world, visit).model_dump(mode="json")
    body[field] = text
    content = json.dumps({"items": [_text_item(UUID(body["escalation_id"]), body)]}).encode()
    answer = world.http.post(
        "/sync/push",
        content=content,
        headers={**world.headers(device), "Content-Type": "application/json"},
    )
    assert answer.status_code == 200
    [receipt] = answer.json()["receipts"]
    assert (receipt["status"], receipt["code"]) == ("rejected", code)
    words = " ".join(receipt["problems"])
    assert (
        words.startswith(f"{field}: ")
        or ("who you told" if field == "to_whom" else "response") in words.lower()
    )
    assert _stored(world, UUID(body["escalation_id"])) == []
