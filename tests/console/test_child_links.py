"""A child's page: decisions and escalations in the chronology; and the adults around the child
linked to children in other households, a restriction about another team's child said plainly
without naming that child to a manager who may not see them."""

from __future__ import annotations

import html
import re
import uuid
from datetime import timedelta

from sqlmodel import select

from models.caseload import ContactRestriction, PersonLink
from models.enums import ContactRestrictionType, Relationship
from models.escalation import Escalation, EscalationMethod
from models.receipt import ReceiptStatus, RecordKind
from sync.server.services.oversight.decisions import record_decision
from sync.server.tables import ChildRow, PersonLinkRow, RestrictionRow
from tests.console.child_helpers import story
from tests.console.helpers import Console
from tests.sync.helpers import ORG, item_of


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_decisions_and_escalations_are_in_the_chronology(console: Console) -> None:
    s = story(console)
    world = console.world
    now = world.clock()
    record_decision(
        db=world.db, actor=None, child_id=s.child_id, kind="STRATEGY_DISCUSSION",
        made_on=now.date(), outcome="See the child at home within 3 days (synthetic).",
        reason="A bruise reported by a relative (synthetic).",
        by=world.manager.practitioner_id, now=now,
    )  # fmt: skip
    escalation = Escalation(
        escalation_id=uuid.uuid4(), visit_id=s.visit.visit_id, child_ids=[s.child_id],
        practitioner_id=world.worker.practitioner_id, at=now - timedelta(minutes=20),
        to_whom="My team manager (synthetic)", how=EscalationMethod.PHONE,
        response="Said to go back tomorrow with a colleague (synthetic).",
        created_on_device_at=now - timedelta(minutes=5),
    )  # fmt: skip
    item = item_of(escalation, RecordKind.ESCALATION, escalation.escalation_id)
    assert world.device(world.worker).push([item]).receipts[0].status == ReceiptStatus.ACCEPTED
    client = console.signed_in()
    text = _text(client.get(f"/console/children/{s.child_id}").text)
    assert "Decision: Strategy discussion" in text
    assert "See the child at home within 3 days (synthetic)." in text
    assert "Escalation to My team manager (synthetic)" in text
    assert "Said to go back tomorrow with a colleague (synthetic)." in text
    only = _text(client.get(f"/console/children/{s.child_id}?kind=decision").text)
    assert "Decision: Strategy discussion" in only and "Escalation to" not in only


def test_an_adult_linked_to_another_teams_child_is_said_without_naming_that_child(
    console: Console,
) -> None:
    s = story(console)
    theirs = console.child_of_team(console.world.team_b)
    with console.db.write() as db:
        link = db.exec(select(PersonLinkRow).where(PersonLinkRow.child_id == s.child_id)).first()
        assert link is not None
        other = db.get(ChildRow, theirs)
        assert other is not None
        other_name = other.data["name"]
        shape = PersonLink(
            person_id=link.person_id, child_id=theirs, relationship=Relationship.FATHER
        )
        db.add(PersonLinkRow(org_id=ORG, person_id=link.person_id, child_id=theirs,
                             data=shape.model_dump(mode="json")))  # fmt: skip
        restriction = ContactRestriction(
            restriction_id=uuid.uuid4(), person_id=link.person_id, child_id=theirs,
            restriction_type=ContactRestrictionType.SUPERVISED_ONLY,
            source="Court order (synthetic)",
        )  # fmt: skip
        db.add(RestrictionRow(org_id=ORG, restriction_id=restriction.restriction_id,
                              person_id=link.person_id, child_id=theirs,
                              data=restriction.model_dump(mode="json")))  # fmt: skip
    manager = _text(console.signed_in().get(f"/console/children/{s.child_id}").text)
    assert "A child held by another team (father): Supervised contact only" in manager
    assert "Court order (synthetic)" in manager
    assert other_name not in manager
    duty = console.signed_in("duty").get(f"/console/children/{s.child_id}").text
    assert other_name in duty and f"/console/children/{theirs}" in duty
