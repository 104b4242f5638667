"""Regression tests for the audit's push defects (issue 8, items 1, 3, 7, 10 and 11): what a
pushed item may be and do at the central record. SQLite and PostgreSQL (the `world` fixture)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa

from models.amendment import Amendment, FieldChange
from models.canonical import canonical_text
from models.concern import ConcernReceived, Reporter
from models.enums import ConcernChannel, Relationship
from models.receipt import OutboxItem, ReceiptStatus, RecordKind
from models.visit import Visit
from sync import protocol
from sync.client import SyncClient
from sync.protocol import ChangeKind, PushItem
from sync.server import services as sv
from sync.server.services import StaffRole
from sync.server.tables import ChildRow, ConcernRow, QuarantineRow, RecordRevisionRow, table_of
from synthetic import generate_caseload
from synthetic.load import load_synthetic_caseload
from tests.sync.helpers import World, amendment_item, item_of, make_world, visit_item
from tests.sync.test_migrations import _alembic

OTHER_ORG = "ORG-OTHER"


# --- helpers -------------------------------------------------------------------------------------
def _device_id(world: World, client: SyncClient) -> UUID:
    actor = sv.authenticate(db=world.db, credential=client.credential or "", now=world.clock())
    return actor.device_id


def _other_org(world: World) -> SyncClient:
    """A second organisation with one worker and a synthetic caseload; that worker's device."""
    now = world.clock()
    sv.create_organisation(db=world.db, org_id=OTHER_ORG, name="Other org (synthetic)", now=now)
    team = sv.create_team(db=world.db, org_id=OTHER_ORG, name="Team O (synthetic)", now=now)
    load = generate_caseload(seed=21, children=4, households=2, organisation_id=OTHER_ORG)
    sv.create_practitioner(
        db=world.db,
        org_id=OTHER_ORG,
        display_name="Other worker (synthetic)",
        role=StaffRole.SOCIAL_WORKER,
        team_id=team,
        practitioner_id=load.practitioner_id,
        now=now,
    )
    load_synthetic_caseload(db=world.db, load=load, now=now)
    world.other_load = load  # type: ignore[attr-defined]
    client = SyncClient(world.http, credential=None, sleep=lambda _s: None, timeout=None)
    code, _ = sv.issue_enrolment_code(
        db=world.db, practitioner_id=load.practitioner_id, now=now, ttl=timedelta(hours=1)
    )
    client.enrol(code, device_id=uuid.uuid4())
    return client


def _concern(world: World, child_id: UUID, content: str = "Neighbour called (synthetic).") -> Any:
    return ConcernReceived(
        concern_id=uuid.uuid4(),
        reporter=Reporter(relationship=next(iter(Relationship))),
        channel=next(iter(ConcernChannel)),
        received_at=world.clock(),
        content=content,
        children_concerned=[child_id],
    )


def _child(world: World, child_id: UUID) -> dict[str, Any]:
    t = table_of(ChildRow)
    with world.db.read() as s:
        return dict(s.execute(sa.select(t).where(t.c.child_id == child_id)).one()._mapping)


def _amend_children(world: World, visit: Visit, child_id: UUID) -> OutboxItem:
    """An amendment replacing the whole `children` subtree, naming `child_id` instead."""
    old = visit.model_dump(mode="json")["children"]
    new = [dict(old[0], child_id=str(child_id)), *old[1:]]
    return amendment_item(
        Amendment(
            amendment_id=uuid.uuid4(),
            amends_visit_id=visit.visit_id,
            amends_revision=1,
            changes=[FieldChange(field_path="children", old_value=old, new_value=new)],
            reason="Corrected the child (synthetic).",
            author_id=visit.practitioner_id,
            at=world.clock(),
        )
    )


def _wire(item: OutboxItem) -> dict[str, Any]:
    return PushItem.of(item).model_dump(mode="json", exclude_none=True)


def _text_item(kind: RecordKind, record_id: UUID, body: dict[str, Any]) -> dict[str, Any]:
    """An item whose body_json is `body`'s canonical text, hashed as a device would."""
    text = canonical_text(body)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return {
        "record_id": str(record_id),
        "kind": kind.value,
        "revision": 1,
        "content_hash": digest,
        "body_json": text,
    }


def _post(world: World, client: SyncClient, items: list[dict[str, Any]]) -> Any:
    content = json.dumps({"items": items}).encode()  # ensure_ascii: NUL and surrogates escaped
    return world.http.post(
        "/sync/push",
        content=content,
        headers={**world.headers(client), "Content-Type": "application/json"},
    )


# --- 1. amendments pass the same scope and identity checks as a first revision -----------------
@pytest.mark.parametrize("whose", ["another_team", "another_org", "unknown"])
def test_amendment_naming_another_teams_or_orgs_or_an_unknown_child_is_refused(
    world: World, whose: str
) -> None:
    device = world.device(world.worker)
    visit = world.worker.load.visits[0]  # type: ignore[union-attr]
    assert device.push([visit_item(visit)]).receipts[0].status == ReceiptStatus.ACCEPTED
    if whose == "another_team":
        target: UUID = world.outsider.load.children[0].child_id  # type: ignore[union-attr]
        expected = protocol.RECORD_FORBIDDEN
    elif whose == "another_org":
        _other_org(world)
        target = world.other_load.children[0].child_id  # type: ignore[attr-defined]
        expected = protocol.RECORD_UNKNOWN_CHILD
    else:
        target, expected = uuid.uuid4(), protocol.RECORD_UNKNOWN_CHILD
    before = _child(world, target) if whose != "unknown" else None

    receipt = device.push([_amend_children(world, visit, target)]).receipts[0]

    assert (receipt.status, receipt.code) == (ReceiptStatus.REJECTED, expected)
    if before is not None:
        assert _child(world, target) == before  # not marked seen, not visited
    refused = world.audit(action="push.refused", record_id=visit.visit_id)
    assert refused and refused[0]["practitioner_id"] == world.worker.practitioner_id
    assert world.audit(action="push.amendment.rejected", outcome=expected)


def test_amendment_swapping_a_child_of_ones_own_caseload_breaks_the_identity_rule(
    world: World,
) -> None:
    device = world.device(world.worker)
    load = world.worker.load
    visit = load.visits[0]  # type: ignore[union-attr]
    device.push([visit_item(visit)])
    mine = {o.child_id for o in visit.children}
    other = next(c.child_id for c in load.children if c.child_id not in mine)  # type: ignore[union-attr]
    receipt = device.push([_amend_children(world, visit, other)]).receipts[0]
    assert (receipt.status, receipt.code) == (ReceiptStatus.REJECTED, protocol.RECORD_RULES_FAILED)
    assert any("who the record is about" in p for p in receipt.problems)


# --- 3. provenance is the caller's device; every lookup is the caller's organisation's ---------
def test_visit_stamped_with_another_device_is_refused(world: World) -> None:
    device = world.device(world.worker)
    visits = world.worker.load.visits  # type: ignore[union-attr]
    forged = visits[0].model_copy(update={"device_id": uuid.uuid4()})
    own = visits[1].model_copy(update={"device_id": _device_id(world, device)})
    receipts = device.push([visit_item(forged), visit_item(own)]).receipts
    assert (receipts[0].status, receipts[0].code) == (
        ReceiptStatus.REJECTED,
        protocol.RECORD_WRONG_DEVICE,
    )
    assert receipts[1].status == ReceiptStatus.ACCEPTED


def test_another_orgs_record_id_is_a_new_id_here_and_reveals_nothing(world: World) -> None:
    other = _other_org(world)
    theirs = world.other_load.visits[0]  # type: ignore[attr-defined]
    first = other.push([visit_item(theirs)]).receipts[0]
    assert first.status == ReceiptStatus.ACCEPTED
    # The same visit id, and the same concern id, sent in ORG-DEMO: new here, accepted.
    device = world.device(world.worker)
    mine = world.worker.load.visits[0].model_copy(update={"visit_id": theirs.visit_id})  # type: ignore[union-attr]
    concern = _concern(world, theirs.children[0].child_id)
    other.push([item_of(concern, RecordKind.CONCERN, concern.concern_id)])
    ours = concern.model_copy(update={"children_concerned": [mine.children[0].child_id]})
    receipts = device.push(
        [visit_item(mine), item_of(ours, RecordKind.CONCERN, ours.concern_id)]
    ).receipts
    assert [r.status for r in receipts] == [ReceiptStatus.ACCEPTED, ReceiptStatus.ACCEPTED]
    assert receipts[0].receipt_id != first.receipt_id
    assert world.count(RecordRevisionRow, record_id=theirs.visit_id) == 2
    assert world.count(ConcernRow, concern_id=concern.concern_id) == 2
    # A held item of the other org is not this org's either: the same damaged item, held twice.
    damaged = visit_item(theirs).model_copy(update={"content_hash": "a" * 64})
    held_there = other.push([damaged]).receipts[0]
    held_here = device.push([damaged]).receipts[0]
    assert held_here.receipt_id != held_there.receipt_id
    # Reading the visit shows this org's own.
    record = world.http.get(f"/visits/{theirs.visit_id}", headers=world.headers(device)).json()
    assert record["visit"]["organisation_id"] == mine.organisation_id


def test_migration_0004_goes_down_and_up_keeping_records(world: World) -> None:
    device = world.device(world.worker)
    visit = world.worker.load.visits[0]  # type: ignore[union-attr]
    concern = _concern(world, visit.children[0].child_id)
    device.push([visit_item(visit), item_of(concern, RecordKind.CONCERN, concern.concern_id)])
    _alembic(world, "downgrade", "0003")
    _alembic(world, "upgrade", "head")
    assert world.count(RecordRevisionRow) == 2
    assert world.count(ConcernRow, concern_id=concern.concern_id) == 1
    child = world.http.get(f"/children/{visit.children[0].child_id}", headers=world.headers(device))
    assert str(concern.concern_id) in [c["concern_id"] for c in child.json()["open_concerns"]]
    # After the round trip the keys are per organisation again.
    other = _other_org(world)
    clash = world.other_load.visits[0].model_copy(update={"visit_id": visit.visit_id})  # type: ignore[attr-defined]
    assert other.push([visit_item(clash)]).receipts[0].status == ReceiptStatus.ACCEPTED


# --- 7. every input is validated at the edge; one bad item never fails its batch ---------------
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("revision", 2**31),
        ("revision", 2**63),
        ("revision", 2**70),
        ("base_revision", 2**31),
        ("content_hash", "a" * 65),
        ("content_hash", "A" * 64),
        ("content_hash", "z" * 64),
        ("content_hash", "a\u0000" * 32),
    ],
)
def test_out_of_range_item_fields_are_a_422_never_a_5xx(
    world: World, field: str, value: Any
) -> None:
    device = world.device(world.worker)
    item = _wire(visit_item(world.worker.load.visits[0]))  # type: ignore[union-attr]
    item[field] = value
    answer = _post(world, device, [item])
    assert (answer.status_code, answer.json()["code"]) == (422, protocol.REQUEST_INVALID)
    assert field in answer.json()["detail"]


def test_bad_text_and_numbers_inside_records_are_rejected_per_item_and_the_rest_accepted(
    world: World,
) -> None:
    device = world.device(world.worker)
    visits = world.worker.load.visits  # type: ignore[union-attr]
    child = visits[0].children[0].child_id
    nul = _concern(world, child).model_dump(mode="json")
    nul["content"] = "Called at 9 \u0000 (synthetic)"
    broken = visits[1].model_dump(mode="json")
    broken["escalation_notes"] = "half a pair \ud800 (synthetic)"
    huge = Amendment(
        amendment_id=uuid.uuid4(), amends_visit_id=visits[0].visit_id, amends_revision=1,
        changes=[FieldChange(field_path="escalation_notes", old_value="", new_value="x")],
        reason="Synthetic.", author_id=world.worker.practitioner_id, at=world.clock(),
    ).model_dump(mode="json")  # fmt: skip
    huge["changes"][0]["new_value"] = 2**70
    bad_amendment = _text_item(RecordKind.AMENDMENT, visits[0].visit_id, huge)
    bad_amendment.update(revision=2, base_revision=1)
    items = [
        _wire(visit_item(visits[0])),
        _text_item(RecordKind.CONCERN, UUID(nul["concern_id"]), nul),
        _text_item(RecordKind.VISIT, UUID(broken["visit_id"]), broken),
        {**_wire(visit_item(visits[2])), "body_json": None, "body": broken},  # as an object
        bad_amendment,
        _wire(visit_item(visits[3])),
    ]
    items[3] = {k: v for k, v in items[3].items() if v is not None}
    answer = _post(world, device, items)
    assert answer.status_code == 200
    got = [(r["status"], r["code"]) for r in answer.json()["receipts"]]
    assert got[0] == got[5] == ("accepted", "")
    assert got[1:5] == [("rejected", protocol.RECORD_INVALID)] * 4
    problems = answer.json()["receipts"][1]["problems"] + answer.json()["receipts"][2]["problems"]
    assert any(p.startswith("content: ") and "NUL" in p for p in problems)
    assert any(p.startswith("escalation_notes: ") and "broken character" in p for p in problems)
    # Each held item is stored whole, its bad characters escaped: nothing the device sent lost.
    q = table_of(QuarantineRow)
    with world.db.read() as s:
        bodies = [
            str(b)
            for b in s.execute(
                sa.select(sa.cast(q.c.body, sa.Text)).order_by(q.c.server_seq)
            ).scalars()
        ]
    assert len(bodies) == 4
    assert "\\u0000" in bodies[0] and "\\ud800" in bodies[1].lower()
    assert "\\ud800" in bodies[2].lower() and str(2**70) in bodies[3]


def test_the_models_refuse_unstorable_text_where_it_is_entered() -> None:
    visit = generate_caseload(seed=3, children=2, households=1, organisation_id="X").visits[0]
    for bad in ("a\u0000b", "a\ud800b"):
        with pytest.raises(ValueError, match="escalation_notes"):
            visit.escalation_notes = bad


# --- 10. future-dated visits are held; last seen is the latest contact not in the future -------
def _dated(visit: Visit, started: Any) -> Visit:
    return visit.model_copy(
        update={
            "visit_id": uuid.uuid4(),
            "created_on_device_at": started,
            "started_at": started,
            "ended_at": started + timedelta(minutes=40),
        }
    )


def _from_a_fast_clock(visit: Visit) -> OutboxItem:
    """Submitted on a device whose clock is ahead: to it, the visit is over."""
    assert visit.ended_at is not None
    return visit_item(visit, at=visit.ended_at)


def test_future_dated_visit_is_held_and_a_later_real_visit_moves_last_seen(
    world: World,
) -> None:
    device = world.device(world.worker)
    now = world.clock()
    template = world.worker.load.visits[0]  # type: ignore[union-attr]
    child_id = template.child_seen_face_to_face[0]
    ahead = _dated(template, now + timedelta(days=365))
    receipt = device.push([_from_a_fast_clock(ahead)]).receipts[0]
    assert (receipt.status, receipt.code) == (ReceiptStatus.REJECTED, protocol.RECORD_FUTURE_DATED)
    assert receipt.problems == [
        "This visit is dated in the future: check the device's clock. The visit is kept; tell "
        "your manager."
    ]
    assert world.count(QuarantineRow, record_id=ahead.visit_id) == 1
    # Within the allowance (a clock a few minutes fast) is fine.
    slightly = _dated(template, now + protocol.FUTURE_ALLOWANCE - timedelta(minutes=41))
    assert device.push([_from_a_fast_clock(slightly)]).receipts[0].status == ReceiptStatus.ACCEPTED
    # A future date stored before the fix does not pin last seen either.
    t = table_of(ChildRow)
    with world.db.write() as s:
        s.execute(
            sa.update(t)
            .where(t.c.child_id == child_id)
            .values(last_seen_at=now + timedelta(days=300))
        )
    world.clock.advance(timedelta(days=1))  # type: ignore[attr-defined]
    real = _dated(template, world.clock() - timedelta(hours=2))
    assert (
        device.push([visit_item(real, at=world.clock())]).receipts[0].status
        == ReceiptStatus.ACCEPTED
    )
    row = _child(world, child_id)
    assert row["last_seen_at"] == real.started_at and row["last_seen_visit_id"] == real.visit_id


# --- 11. held items are bounded per device, and summarised in the feed -------------------------
@pytest.fixture
def small_quota_world(backend: str) -> Iterator[World]:
    w = make_world(backend, held_per_device_per_day=5)
    yield w
    w.db.dispose()


def _damaged(visit: Visit, n: int) -> OutboxItem:
    fake = visit.model_copy(update={"visit_id": uuid.uuid4()})
    return visit_item(fake).model_copy(update={"content_hash": f"{n:064x}"})


def _feed(world: World, client: SyncClient) -> list[Any]:
    return [c for c in client.changes(None, 1000).changes if c.kind == ChangeKind.QUARANTINE]


def test_a_device_flooding_rejected_items_hits_its_quota_and_the_feed_stays_bounded(
    small_quota_world: World,
) -> None:
    world = small_quota_world
    device = world.device(world.worker)
    visit = world.worker.load.visits[0]  # type: ignore[union-attr]
    receipts = device.push([_damaged(visit, n) for n in range(8)]).receipts
    codes = [r.code for r in receipts]
    assert codes == [protocol.SYNC_HASH_MISMATCH] * 5 + [protocol.SYNC_QUARANTINE_FULL] * 3
    assert all(r.status == ReceiptStatus.REJECTED for r in receipts)  # kept on the device
    assert receipts[5].receipt_id is None and receipts[5].server_seq is None
    assert world.count(QuarantineRow) == 5
    assert len(world.audit(outcome=protocol.SYNC_QUARANTINE_FULL)) == 3
    # Another push the same day: still refused; the next day the device may be held again.
    assert device.push([_damaged(visit, 9)]).receipts[0].code == protocol.SYNC_QUARANTINE_FULL
    world.clock.advance(timedelta(days=1, minutes=1))  # type: ignore[attr-defined]
    assert device.push([_damaged(visit, 10)]).receipts[0].code == protocol.SYNC_HASH_MISMATCH
    assert len(_feed(world, world.device(world.manager))) == 6


def test_held_items_of_one_record_are_one_summary_row_in_the_feed(world: World) -> None:
    device = world.device(world.worker)
    item = visit_item(world.worker.load.visits[0])  # type: ignore[union-attr]
    versions = [item.model_copy(update={"content_hash": f"{n:064x}"}) for n in range(4)]
    device.push(versions)
    assert world.count(QuarantineRow) == 4
    feed = _feed(world, world.device(world.manager))
    assert len(feed) == 1
    data = feed[0].data
    assert data["record_id"] == str(item.record_id) and data["held_count"] == 4
    assert data["code"] == protocol.SYNC_HASH_MISMATCH and data["problems"]
