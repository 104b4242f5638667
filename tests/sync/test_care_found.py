"""Care found at visits updates the child: an adult a visit records caring, living or staying (and
the carer a child was with) becomes a person and a link on the child's record, and every holder
of the child gets them through the change feed; on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa

from mobile.services.caseload import CaseloadService
from mobile.store import DeviceStore
from models.amendment import Amendment, FieldChange
from models.canonical import canonical_text
from models.care_found import person_id_here
from models.caseload import Child, Person, PersonLink
from models.enums import (
    AssessedStatus,
    CarerRole,
    ObservationCategory,
    ParentalResponsibility,
    ReasonNotSeen,
    Relationship,
    YesNo,
)
from models.receipt import ReceiptStatus
from models.visit import (
    CareArrangement,
    Observation,
    PersonPresent,
    RelationshipToChild,
    Visit,
)
from sync import protocol
from sync.protocol import ChangeKind
from sync.server import services as sv
from sync.server.tables import PersonLinkRow, PersonRow, table_of
from synthetic import SyntheticCaseload, synthetic_visit
from tests.conftest import FIXED_NOW
from tests.services.conftest import FAST_KDF
from tests.store.conftest import PASSPHRASE
from tests.store.device import device_of
from tests.sync.helpers import ORG, World, amendment_item, visit_item

PARTNER = "Partner Testperson (synthetic)"


def _load(who: Any) -> SyntheticCaseload:
    assert who.load is not None
    load: SyntheticCaseload = who.load
    return load


def _visit(load: SyntheticCaseload, seed: int = 1, *, not_seen: bool = False) -> Visit:
    rng = random.Random(seed)
    for _ in range(200):
        v = synthetic_visit(rng, load, load.children[0])
        if any(c.child_seen == YesNo.NO for c in v.children) == not_seen:
            return v
    raise AssertionError("no such synthetic visit")


def _partner(visit: Visit, person_id: UUID | None = None, name: str = PARTNER) -> UUID:
    """Adds a new partner who stays overnight, care not assessed, to the visit's first child."""
    child = visit.children[0].child_id
    pid = person_id or uuid4()
    visit.persons_present.append(
        PersonPresent(
            person_id=pid,
            is_new=True,
            name=name,
            relationships=[
                RelationshipToChild(
                    child_id=child,
                    relationship=Relationship.MOTHER_PARTNER,
                    parental_responsibility=ParentalResponsibility.NO_PR,
                )
            ],
            lives_in_household=False,
            stays_overnight_regularly=True,
            role_in_care=CarerRole.OCCASIONAL_CARER,
        )
    )
    visit.care_arrangements.append(
        CareArrangement(
            child_id=child,
            carer_person_id=pid,
            pattern="Fri-Sun nights",
            assessed=AssessedStatus.NOT_ASSESSED,
        )
    )
    visit.children[0].observations.append(
        Observation(
            category=ObservationCategory.INTERACTION_WITH_CARER,
            text="Relaxed with the partner (synthetic).",
            about_person_id=pid,
        )
    )
    return pid


def _links(world: World, child_id: UUID) -> dict[UUID, PersonLink]:
    t = table_of(PersonLinkRow)
    with world.db.read() as s:
        rows = s.execute(sa.select(t.c.data).where(t.c.child_id == child_id)).scalars()
        return {(link := PersonLink.model_validate(d)).person_id: link for d in rows}


def _people(world: World, person_id: UUID) -> list[tuple[str, str]]:
    t = table_of(PersonRow)
    with world.db.read() as s:
        rows = s.execute(sa.select(t.c.org_id, t.c.data).where(t.c.person_id == person_id))
        return [(r.org_id, r.data["name"]) for r in rows]


def _accepted(world: World, *items: Any) -> None:
    receipts = world.device(world.worker).push(list(items)).receipts
    assert [(r.status, r.code) for r in receipts] == [(ReceiptStatus.ACCEPTED, "")] * len(items)


def test_a_partner_staying_overnight_reaches_the_managers_device_care_not_assessed(
    world: World, tmp_path: Path
) -> None:
    visit = _visit(_load(world.worker))
    pid = _partner(visit)
    child_id = visit.children[0].child_id
    _accepted(world, visit_item(visit))

    link = _links(world, child_id)[pid]
    assert link.relationship == Relationship.MOTHER_PARTNER
    assert link.stays_overnight_regularly and link.care_pattern == "Fri-Sun nights"
    assert link.assessed == AssessedStatus.NOT_ASSESSED
    assert link.found_at_visit_id == visit.visit_id and link.found_at == visit.started_at
    assert _people(world, pid) == [(ORG, PARTNER)]
    # the team manager's device, which never saw the visit, holds them
    feed = world.device(world.manager).changes(None, 1000)
    child_rows = [c for c in feed.changes if c.kind == ChangeKind.CHILD and c.entity_id == child_id]
    assert child_rows and child_rows[-1].data is not None
    assert pid in {link.person_id for link in Child.model_validate(child_rows[-1].data).links}
    assert any(c.kind == ChangeKind.PERSON and c.entity_id == pid for c in feed.changes)
    store = DeviceStore.create(
        tmp_path / "manager", passphrase=PASSPHRASE, kdf_params=FAST_KDF, clock=lambda: FIXED_NOW
    )
    try:
        device_of(store).apply_caseload_changes(feed.changes, cursor=feed.cursor)
        service = CaseloadService(
            store=store, clock=lambda: FIXED_NOW, practitioner_id=world.manager.practitioner_id
        )
        people = {p.name: p.link for p in service.child(child_id).people}
        assert people[PARTNER].assessed == AssessedStatus.NOT_ASSESSED
        assert people[PARTNER].found_at_visit_id == visit.visit_id
    finally:
        store.close()
    assert world.audit(action="push.care.found", child_id=child_id)


def test_the_grandmother_a_child_was_with_is_linked_without_being_present(world: World) -> None:
    grandmother = Person(person_id=uuid4(), name="Grandmother Testperson (synthetic)")
    sv.load_caseload(
        db=world.db, org_id=ORG, households=[], people=[grandmother], children=[],
        now=world.clock(),
    )  # fmt: skip
    visit = _visit(_load(world.worker), not_seen=True)
    outcome = next(c for c in visit.children if c.child_seen == YesNo.NO)
    outcome.reason_not_seen = ReasonNotSeen.CHILD_WITH_OTHER_CARER
    outcome.other_carer_person_id = grandmother.person_id
    outcome.other_carer_address = "1 Fictional Row (synthetic)"
    _accepted(world, visit_item(visit))
    link = _links(world, outcome.child_id)[grandmother.person_id]
    assert link.role_in_care == CarerRole.OCCASIONAL_CARER
    assert link.assessed == AssessedStatus.NOT_ASSESSED and link.found_at is not None
    assert visit.person(grandmother.person_id) is None  # never recorded as present
    assert _people(world, grandmother.person_id) == [(ORG, grandmother.name)]


def test_an_assessed_arrangement_stays_assessed_when_a_later_visit_says_not_assessed(
    world: World,
) -> None:
    load = _load(world.worker)
    first = _visit(load, 1)
    pid = _partner(first)
    child_id = first.children[0].child_id
    _accepted(world, visit_item(first))
    t = table_of(PersonLinkRow)
    assessed = _links(world, child_id)[pid].model_copy(update={"assessed": AssessedStatus.ASSESSED})
    with world.db.write() as s:  # staff mark it assessed
        s.execute(
            sa.update(t)
            .where(t.c.child_id == child_id, t.c.person_id == pid)
            .values(data=assessed.model_dump(mode="json"))
        )
    later = _visit(load, 2)
    _partner(later, pid)  # the arrangement recorded NOT_ASSESSED again, and now as a primary carer
    later.persons_present[-1].role_in_care = CarerRole.PRIMARY_CARER
    _accepted(world, visit_item(later))
    link = _links(world, child_id)[pid]
    assert link.assessed == AssessedStatus.ASSESSED
    assert link.role_in_care == CarerRole.PRIMARY_CARER  # a stronger part in care is recorded
    assert link.found_at_visit_id == first.visit_id
    assert _people(world, pid) == [(ORG, PARTNER)]


def test_an_amendment_that_adds_an_adult_adds_them(world: World) -> None:
    """A visit names its people once (their ids cannot be amended), so the adult an amendment
    can add is the carer a child was with: here, a correction of why the child was not seen."""
    uncle = Person(person_id=uuid4(), name="Uncle Testperson (synthetic)")
    sv.load_caseload(
        db=world.db, org_id=ORG, households=[], people=[uncle], children=[], now=world.clock()
    )  # fmt: skip
    visit = _visit(_load(world.worker), not_seen=True)
    index, outcome = next((i, c) for i, c in enumerate(visit.children) if c.child_seen == YesNo.NO)
    outcome.reason_not_seen = ReasonNotSeen.CHILD_AT_SCHOOL_OR_NURSERY
    _accepted(world, visit_item(visit))
    assert uncle.person_id not in _links(world, outcome.child_id)
    base = f"children.{index}"
    amendment = Amendment(
        amendment_id=uuid4(),
        amends_visit_id=visit.visit_id,
        amends_revision=1,
        changes=[
            FieldChange(
                field_path=f"{base}.reason_not_seen",
                old_value=ReasonNotSeen.CHILD_AT_SCHOOL_OR_NURSERY.value,
                new_value=ReasonNotSeen.CHILD_WITH_OTHER_CARER.value,
            ),
            FieldChange(field_path=f"{base}.other_carer_person_id", new_value=str(uncle.person_id)),
            FieldChange(
                field_path=f"{base}.other_carer_address",
                old_value="",
                new_value="2 Fictional Row (synthetic)",
            ),
        ],
        reason="The child was at their uncle's, not at school (synthetic).",
        author_id=world.worker.practitioner_id,
        at=world.clock(),
    )
    _accepted(world, amendment_item(amendment))
    link = _links(world, outcome.child_id)[uncle.person_id]
    assert link.role_in_care == CarerRole.OCCASIONAL_CARER
    assert link.found_at_visit_id == visit.visit_id
    feed = world.device(world.manager).changes(None, 1000).changes
    assert any(c.kind == ChangeKind.PERSON and c.entity_id == uncle.person_id for c in feed)


def test_a_person_id_from_another_organisation_is_a_new_person_here(world: World) -> None:
    sv.create_organisation(db=world.db, org_id="ORG-OTHER", name="Other (synthetic)", now=FIXED_NOW)
    theirs = Person(person_id=uuid4(), name="Their Testperson (synthetic)")
    sv.load_caseload(
        db=world.db, org_id="ORG-OTHER", households=[], people=[theirs], children=[],
        now=world.clock(),
    )  # fmt: skip
    load = _load(world.worker)
    visit = _visit(load, 1)
    _partner(visit, theirs.person_id)
    child_id = visit.children[0].child_id
    _accepted(world, visit_item(visit))
    again = _visit(load, 2)
    _partner(again, theirs.person_id)
    _accepted(world, visit_item(again))
    here = person_id_here(ORG, theirs.person_id)
    links = _links(world, child_id)
    assert theirs.person_id not in links  # never their person
    assert links[here].assessed == AssessedStatus.NOT_ASSESSED
    assert _people(world, theirs.person_id) == [("ORG-OTHER", theirs.name)]  # untouched
    assert _people(world, here) == [(ORG, PARTNER)]  # one person here, however often


def test_a_visit_to_a_child_outside_my_caseload_writes_no_one(world: World) -> None:
    visit = _visit(_load(world.outsider))  # team B's child, pushed by a team A worker
    visit.practitioner_id = world.worker.practitioner_id
    pid = _partner(visit)
    receipt = world.device(world.worker).push([visit_item(visit)]).receipts[0]
    assert (receipt.status, receipt.code) == (ReceiptStatus.REJECTED, protocol.RECORD_FORBIDDEN)
    assert _people(world, pid) == []
    assert pid not in _links(world, visit.children[0].child_id)


@pytest.mark.parametrize(
    "name", ["Nul \u0000 Testperson", "Half \ud800 Testperson", "N" * protocol.MAX_BODY_BYTES]
)
def test_a_name_that_cannot_be_stored_is_refused_by_the_visits_own_rules(
    world: World, name: str
) -> None:
    visit = _visit(_load(world.worker))
    pid = _partner(visit)
    body = visit_item(visit).body
    body["persons_present"][-1]["name"] = name
    text = canonical_text(body)
    wire = {
        "record_id": str(visit.visit_id), "kind": "visit", "revision": 1,
        "content_hash": hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        "body_json": text,
    }  # fmt: skip
    device = world.device(world.worker)
    answer = world.http.post(
        "/sync/push",
        content=json.dumps({"items": [wire]}).encode(),  # ensure_ascii: NUL, surrogates escaped
        headers={**world.headers(device), "Content-Type": "application/json"},
    )
    if len(name) > 100:
        assert (answer.status_code, answer.json()["code"]) == (413, protocol.REQUEST_TOO_LARGE)
    else:
        receipt = answer.json()["receipts"][0]
        assert (receipt["status"], receipt["code"]) == ("rejected", protocol.RECORD_INVALID)
        assert any(p.startswith("persons_present") for p in receipt["problems"])
    assert _people(world, pid) == []
