"""Regression tests for the audit's push defects, items 1 and 3 (issue 8): an amendment passes the
same scope and identity checks as a first revision; provenance is the caller's device and every
lookup is the caller's organisation's. SQLite and PostgreSQL (the `world` fixture)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from uuid import UUID

import pytest

from models.receipt import ReceiptStatus, RecordKind
from sync import protocol
from sync.client import SyncClient
from sync.server import services as sv
from sync.server.services import StaffRole
from sync.server.tables import ConcernRow, RecordRevisionRow
from synthetic import generate_caseload
from synthetic.load import load_synthetic_caseload
from tests.sync.helpers import (
    World,
    _child,
    _concern,
    amend_children,
    item_of,
    visit_item,
)
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

    receipt = device.push([amend_children(world, visit, target)]).receipts[0]

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
    receipt = device.push([amend_children(world, visit, other)]).receipts[0]
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
