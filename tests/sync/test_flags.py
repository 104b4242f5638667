"""The flags a pushed visit raises reach the manager's feed by models.oversight's rule (one rule
for the device and the central record), on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from uuid import uuid4

from models.amendment import Amendment, FieldChange
from models.caseload import ContactRestriction
from models.enums import CarerRole, ContactRestrictionType, SafeguardingConcernNow
from models.flags import FlagKind
from models.oversight import Limits, child_conditions, gather
from models.receipt import ReceiptStatus
from models.timescales import default_rules
from models.timescales.calendar import WorkingCalendar
from models.visit import Visit
from sync.protocol import ChangeKind
from sync.server import services as sv
from synthetic import synthetic_visit
from tests.sync.helpers import ORG, World, amendment_item, visit_item


def _flag_changes(world: World) -> list:  # type: ignore[type-arg]
    feed = world.device(world.manager).changes(None, 1000).changes
    return [c for c in feed if c.kind == ChangeKind.FLAG]


def _visit_with_a_carer(world: World) -> Visit:
    load = world.worker.load
    assert load is not None
    rng = random.Random(5)
    known = {p.person_id for p in load.people}
    return next(
        v
        for v in (synthetic_visit(rng, load, c) for c in load.children * 20)
        if any(
            p.role_in_care not in (None, CarerRole.NONE) and p.person_id in known
            for p in v.persons_present
        )
    )


def test_an_adult_caring_under_a_restriction_on_the_central_record_is_flagged(
    world: World,
) -> None:
    visit = _visit_with_a_carer(world)
    carer = next(p for p in visit.persons_present if p.role_in_care not in (None, CarerRole.NONE))
    restriction = ContactRestriction(
        restriction_id=uuid4(),
        person_id=carer.person_id,
        child_id=visit.children[0].child_id,
        restriction_type=ContactRestrictionType.NO_CONTACT,
        source="Fictional court order (synthetic)",
    )
    sv.load_caseload(
        db=world.db,
        org_id=ORG,
        households=[],
        people=[],
        children=[],
        restrictions=[restriction],
        now=world.clock(),
    )
    receipt = world.device(world.worker).push([visit_item(visit)]).receipts[0]
    assert receipt.status == ReceiptStatus.ACCEPTED
    restricted = [
        c for c in _flag_changes(world) if c.data and c.data["flag"] == "restricted_adult_caring"
    ]
    load = world.worker.load
    assert load is not None
    records = gather(children=load.children, visits=[visit], restrictions=[restriction])
    expected = {
        c.flag_id
        for r in records.values()
        for c in child_conditions(
            r, rules=default_rules(), calendar=WorkingCalendar(), limits=Limits(), now=world.clock()
        )
        if c.kind == FlagKind.RESTRICTED_ADULT_CARING
    }
    assert expected and {c.entity_id for c in restricted} == expected
    assert all(
        c.data["person_id"] == str(carer.person_id)
        and c.data["reason"] == "NO_CONTACT"
        and c.data["urgency"] == "urgent"
        for c in restricted
        if c.data
    )


def test_an_amendment_that_clears_a_concern_now_clears_its_flag(world: World) -> None:
    load = world.worker.load
    assert load is not None
    visit = load.visits[0].model_copy(
        update={
            "safeguarding_concern_now": SafeguardingConcernNow.REFERRAL_MADE,
            "escalation_notes": "Referral made, manager told (synthetic).",
        }
    )
    device = world.device(world.worker)
    assert device.push([visit_item(visit)]).receipts[0].status == ReceiptStatus.ACCEPTED
    raised = [
        c for c in _flag_changes(world) if c.data and c.data["flag"] == "safeguarding_concern_now"
    ]
    assert raised and {c.child_id for c in raised} == {o.child_id for o in visit.children}
    amendment = Amendment(
        amendment_id=uuid4(),
        amends_visit_id=visit.visit_id,
        amends_revision=1,
        changes=[
            FieldChange(
                field_path="safeguarding_concern_now",
                old_value="REFERRAL_MADE",
                new_value="NONE",
            )
        ],
        reason="Recorded against the wrong visit (synthetic).",
        author_id=world.worker.practitioner_id,
        at=world.clock(),
    )
    assert device.push([amendment_item(amendment)]).receipts[0].status == ReceiptStatus.ACCEPTED
    cleared = {c.entity_id for c in _flag_changes(world) if c.deleted}
    assert {c.entity_id for c in raised} <= cleared
