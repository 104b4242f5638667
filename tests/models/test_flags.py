"""The flags a visit raises (models.flags): one rule for the device and the central record."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from models.caseload import ContactRestriction
from models.enums import (
    CarerRole,
    ConsultationMechanism,
    ContactRestrictionType,
    ReasonNotSeen,
    ReasonNotSeenAlone,
    Relationship,
    SafeguardingConcernNow,
    YesNo,
)
from models.flags import Flag, FlagKind, escalates, visit_flags
from models.visit import PersonPresent, RelationshipToChild, Visit
from tests.models.helpers import complete_visit


def kinds(visit: Visit, restrictions: dict | None = None) -> list[tuple[FlagKind, str]]:
    return [(f.kind, f.reason) for f in visit_flags(visit, restrictions or {})]


def restricted_carer(visit: Visit, **restriction: object) -> tuple[Visit, dict]:
    """`visit` with an occasional carer present who holds a restriction on its first child."""
    child = visit.children[0].child_id
    person = PersonPresent(
        person_id=uuid4(),
        name="Adult (synthetic)",
        relationships=[RelationshipToChild(child_id=child, relationship=Relationship.FATHER)],
        role_in_care=CarerRole.OCCASIONAL_CARER,
    )
    visit = visit.model_copy(update={"persons_present": [*visit.persons_present, person]})
    held = ContactRestriction(
        restriction_id=uuid4(),
        person_id=person.person_id,
        child_id=child,
        restriction_type=ContactRestrictionType.SUPERVISED_ONLY,
        source="Fictional court order (synthetic)",
        **restriction,  # type: ignore[arg-type]
    )
    return visit, {person.person_id: [held]}


def test_a_visit_seeing_every_child_alone_with_no_concern_raises_no_flag() -> None:
    visit = complete_visit()
    visit.safeguarding_concern_now = SafeguardingConcernNow.NONE
    assert kinds(visit) == []


def test_a_child_not_seen_raises_child_not_seen_with_the_reason() -> None:
    visit = complete_visit()
    visit.safeguarding_concern_now = SafeguardingConcernNow.NONE
    outcome = visit.children[0]
    outcome.child_seen, outcome.reason_not_seen = YesNo.NO, ReasonNotSeen.NO_ACCESS
    flags = list(visit_flags(visit, {}))
    assert [(f.child_id, f.kind, f.reason) for f in flags] == [
        (outcome.child_id, FlagKind.CHILD_NOT_SEEN, "NO_ACCESS")
    ]


def test_a_contact_not_face_to_face_raises_child_not_seen_for_every_child() -> None:
    visit = complete_visit()
    visit.safeguarding_concern_now = SafeguardingConcernNow.NONE
    visit.consultation_mechanism = ConsultationMechanism.VIDEO
    assert kinds(visit) == [(FlagKind.CHILD_NOT_SEEN, "NOT_FACE_TO_FACE")] * len(visit.children)


def test_a_carer_preventing_seeing_alone_raises_its_flag() -> None:
    visit = complete_visit()
    visit.safeguarding_concern_now = SafeguardingConcernNow.NONE
    outcome = visit.children[0]
    outcome.seen_alone = YesNo.NO
    outcome.reason_not_seen_alone = ReasonNotSeenAlone.PARENT_CARER_PREVENTED
    assert kinds(visit) == [(FlagKind.PREVENTED_FROM_SEEING_ALONE, "PARENT_CARER_PREVENTED")]


def test_a_safeguarding_concern_now_escalates_and_flags_every_child() -> None:
    visit = complete_visit()
    visit.safeguarding_concern_now = SafeguardingConcernNow.REFERRAL_MADE
    assert escalates(visit)
    assert kinds(visit) == [(FlagKind.SAFEGUARDING_CONCERN_NOW, "REFERRAL_MADE")] * len(
        visit.children
    )


def test_no_concern_or_none_yet_does_not_escalate() -> None:
    visit = complete_visit()
    for answer in (None, SafeguardingConcernNow.NONE):
        visit.safeguarding_concern_now = answer
        assert not escalates(visit)


def test_an_adult_caring_under_a_current_restriction_raises_restricted_adult_caring() -> None:
    visit, restrictions = restricted_carer(complete_visit())
    visit.safeguarding_concern_now = SafeguardingConcernNow.NONE
    (held,) = next(iter(restrictions.values()))
    flags = list(visit_flags(visit, restrictions))
    assert flags == [
        Flag(
            visit.visit_id,
            held.child_id,
            FlagKind.RESTRICTED_ADULT_CARING,
            "SUPERVISED_ONLY",
            person_id=held.person_id,
            restriction_id=held.restriction_id,
        )
    ]


def test_a_restriction_expired_before_the_visit_raises_no_flag() -> None:
    visit = complete_visit()
    assert visit.started_at is not None
    visit.safeguarding_concern_now = SafeguardingConcernNow.NONE
    expired, restrictions = restricted_carer(
        visit, expires_on=visit.started_at.date() - timedelta(days=1)
    )
    assert kinds(expired, restrictions) == []
    same_day, restrictions = restricted_carer(visit, expires_on=visit.started_at.date())
    assert kinds(same_day, restrictions) == [(FlagKind.RESTRICTED_ADULT_CARING, "SUPERVISED_ONLY")]


def test_a_flag_keeps_its_id_across_revisions_of_the_visit() -> None:
    visit = complete_visit()
    visit.safeguarding_concern_now = SafeguardingConcernNow.POLICE_CALLED
    amended = visit.model_copy(update={"revision": 2, "escalation_notes": "Updated (synthetic)."})
    first = [f.flag_id for f in visit_flags(visit, {})]
    assert first and first == [f.flag_id for f in visit_flags(amended, {})]
    assert len(set(first)) == len(first)  # one per child
