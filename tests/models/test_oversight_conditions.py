"""The conditions that raise flags (models.oversight): from a visit's facts, from the plan's
timescales in working days, from decisions, care, concerns and linked adults."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

from models.enums import (
    ConsultationMechanism,
    ContactRestrictionType,
    ReasonNotSeen,
    ReasonNotSeenAlone,
    SafeguardingConcernNow,
    YesNo,
)
from models.flags import FlagKind, escalates
from models.oversight import (
    ChildPlan,
    ChildRecord,
    ConcernFact,
    Condition,
    Contact,
    Decision,
    DecisionKind,
    Limits,
    Link,
    Restriction,
    Sighting,
    SightingRole,
    Urgency,
    child_conditions,
    contacts_of,
)
from models.timescales import default_rules
from models.timescales.calendar import WorkingCalendar
from tests.models.helpers import complete_visit

RULES, CALENDAR = default_rules(), WorkingCalendar()
CHILD = UUID("00000000-0000-4000-8000-00000000c001")


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def conditions(record: ChildRecord, now: datetime, **limits: object) -> list[Condition]:
    return child_conditions(
        record,
        rules=RULES,
        calendar=CALENDAR,
        limits=Limits(**limits),
        now=now,  # type: ignore[arg-type]
    )


def kinds(record: ChildRecord, now: datetime, **limits: object) -> set[FlagKind]:
    return {c.kind for c in conditions(record, now, **limits)}


def contact(day: date, *, seen: bool = True, alone: bool = True, **kw: object) -> Contact:
    return Contact(
        visit_id=uuid4(), child_id=CHILD, at=at(day), face_to_face=True, seen=seen,
        seen_alone=seen and alone, prevented_alone=bool(kw.pop("prevented", False)),
        reason_not_seen="" if seen else "NO_ACCESS", **kw,  # type: ignore[arg-type]
    )  # fmt: skip


# --- what a visit raises ----------------------------------------------------------------------


def test_a_visit_seeing_every_child_alone_with_no_concern_raises_nothing() -> None:
    visit = complete_visit()
    visit.safeguarding_concern_now = SafeguardingConcernNow.NONE
    for c in contacts_of(visit):
        assert c.seen and kinds(ChildRecord(c.child_id, contacts=(c,)), c.at) == set()


def test_a_child_not_seen_raises_child_not_seen_with_the_reason_and_a_follow_up_date() -> None:
    visit = complete_visit()
    visit.safeguarding_concern_now = SafeguardingConcernNow.NONE
    outcome = visit.children[0]
    outcome.child_seen, outcome.reason_not_seen = YesNo.NO, ReasonNotSeen.NO_ACCESS
    first = contacts_of(visit)[0]
    (found,) = conditions(ChildRecord(first.child_id, contacts=(first,)), first.at)
    assert (found.kind, found.reason, found.urgency) == (
        FlagKind.CHILD_NOT_SEEN, "NO_ACCESS", Urgency.HIGH,
    )  # fmt: skip
    assert found.due == CALENDAR.add_working_days(first.at.date(), 5)


def test_a_contact_not_face_to_face_leaves_every_child_not_seen() -> None:
    visit = complete_visit()
    visit.safeguarding_concern_now = SafeguardingConcernNow.NONE
    visit.consultation_mechanism = ConsultationMechanism.VIDEO
    assert all(c.reason_not_seen == "NOT_FACE_TO_FACE" for c in contacts_of(visit))


def test_a_carer_preventing_seeing_alone_raises_its_flag_for_the_manager() -> None:
    visit = complete_visit()
    visit.safeguarding_concern_now = SafeguardingConcernNow.NONE
    visit.children[0].seen_alone = YesNo.NO
    visit.children[0].reason_not_seen_alone = ReasonNotSeenAlone.PARENT_CARER_PREVENTED
    c = contacts_of(visit)[0]
    (found,) = conditions(ChildRecord(c.child_id, contacts=(c,)), c.at)
    assert found.kind == FlagKind.PREVENTED_FROM_SEEING_ALONE and found.act_by == "manager"


def test_a_safeguarding_concern_now_escalates_and_is_urgent_for_every_child() -> None:
    visit = complete_visit()
    visit.safeguarding_concern_now = SafeguardingConcernNow.REFERRAL_MADE
    assert escalates(visit)
    for c in contacts_of(visit):
        (found,) = conditions(ChildRecord(c.child_id, contacts=(c,)), c.at)
        assert (found.kind, found.urgency) == (FlagKind.SAFEGUARDING_CONCERN_NOW, Urgency.URGENT)


def test_a_flag_keeps_its_id_across_revisions_of_the_visit() -> None:
    visit = complete_visit()
    visit.safeguarding_concern_now = SafeguardingConcernNow.POLICE_CALLED
    amended = visit.model_copy(update={"revision": 2, "escalation_notes": "Updated (synthetic)."})

    def ids(v: object) -> list[UUID]:
        return [
            f.flag_id
            for c in contacts_of(v)  # type: ignore[arg-type]
            for f in conditions(ChildRecord(c.child_id, contacts=(c,)), c.at)
        ]

    assert ids(visit) and ids(visit) == ids(amended)


# --- clearing and the follow-up in working days -------------------------------------------


def test_not_seen_clears_once_seen_and_is_urgent_after_five_working_days_over_easter() -> None:
    # Thursday 2 April 2026; Good Friday 3rd and Easter Monday 6th are bank holidays.
    missed = contact(date(2026, 4, 2), seen=False)
    record = ChildRecord(CHILD, contacts=(missed,))
    (found,) = conditions(record, at(date(2026, 4, 9)))
    assert found.due == date(2026, 4, 13)  # 7, 8, 9, 10, 13 April
    assert found.urgency == Urgency.HIGH
    assert conditions(record, at(date(2026, 4, 13), 17))[0].urgency == Urgency.HIGH
    assert conditions(record, at(date(2026, 4, 14)))[0].urgency == Urgency.URGENT
    seen = ChildRecord(CHILD, contacts=(missed, contact(date(2026, 4, 10))))
    assert kinds(seen, at(date(2026, 4, 14))) == set()


def test_a_contact_dated_after_now_is_not_yet_a_fact() -> None:
    record = ChildRecord(CHILD, contacts=(contact(date(2026, 4, 2), seen=False),))
    assert kinds(record, at(date(2026, 4, 1))) == set()


def test_not_seen_alone_at_three_visits_running_flags_a_child_of_four_but_not_a_baby() -> None:
    days = [date(2026, 3, d) for d in (2, 9, 16)]
    contacts = tuple(contact(d, alone=False) for d in days)
    older = ChildRecord(CHILD, contacts=contacts, date_of_birth=date(2019, 1, 1))
    assert FlagKind.NOT_SEEN_ALONE in kinds(older, at(date(2026, 3, 17)))
    assert kinds(older, at(date(2026, 3, 17)), not_seen_alone_run=4) == set()
    baby = ChildRecord(CHILD, contacts=contacts, date_of_birth=date(2025, 6, 1))
    assert kinds(baby, at(date(2026, 3, 17))) == set()
    alone_again = ChildRecord(CHILD, contacts=(*contacts, contact(date(2026, 3, 18))))
    assert kinds(alone_again, at(date(2026, 3, 19))) == set()


# --- the plan's timescales ----------------------------------------------------------------


def test_a_cp_plan_visit_overdue_counts_working_days_over_christmas() -> None:
    plan = ChildPlan("CP_PLAN", "CP_PLAN", date(2026, 11, 2))
    last = contact(date(2026, 12, 17))  # Thursday
    record = ChildRecord(CHILD, plan=plan, contacts=(last,))
    # 10 working days after 17 Dec, skipping 25, 26 (Sat), 28 (Boxing Day substitute) and 1 Jan.
    assert kinds(record, at(date(2027, 1, 5))) == set()
    (found,) = conditions(record, at(date(2027, 1, 6)))
    assert (found.kind, found.due) == (FlagKind.VISIT_OVERDUE, date(2027, 1, 5))
    assert "1 working day overdue" in found.why


def test_visited_but_not_seen_for_longer_than_the_plan_allows() -> None:
    plan = ChildPlan("CP_PLAN", "CP_PLAN", date(2026, 3, 2))
    record = ChildRecord(
        CHILD, plan=plan,
        contacts=(contact(date(2026, 3, 2)), contact(date(2026, 3, 13), seen=False)),
    )  # fmt: skip
    found = kinds(record, at(date(2026, 3, 18)))
    assert FlagKind.NOT_SEEN_OVERDUE in found and FlagKind.VISIT_OVERDUE not in found


def test_not_seen_within_three_working_days_of_a_decision_to_assess() -> None:
    decision = Decision(uuid4(), DecisionKind.DECISION_TO_ASSESS, date(2026, 3, 6))  # Friday
    plan = ChildPlan("ASSESSMENT_S17", "ASSESSMENT_S17", date(2026, 3, 6))
    record = ChildRecord(CHILD, plan=plan, decisions=(decision,))
    assert FlagKind.DECISION_DEADLINE_MISSED not in kinds(record, at(date(2026, 3, 11)))
    assert FlagKind.DECISION_DEADLINE_MISSED in kinds(record, at(date(2026, 3, 12)))
    seen = ChildRecord(
        CHILD, plan=plan, decisions=(decision,), contacts=(contact(date(2026, 3, 13)),)
    )
    assert FlagKind.DECISION_DEADLINE_MISSED not in kinds(seen, at(date(2026, 3, 16)))


def test_an_assessment_warns_on_working_day_40_and_is_past_its_limit_after_45() -> None:
    start = date(2026, 1, 5)
    record = ChildRecord(CHILD, decisions=(Decision(uuid4(), DecisionKind.REFERRAL, start),))
    day39, day40 = CALENDAR.add_working_days(start, 39), CALENDAR.add_working_days(start, 40)
    due = CALENDAR.add_working_days(start, 45)
    assert kinds(record, at(day39)) == set()
    assert kinds(record, at(day40)) == {FlagKind.ASSESSMENT_NEARING_LIMIT}
    assert kinds(record, at(day40), assessment_warn_day=41) == set()
    assert kinds(record, at(due)) == {FlagKind.ASSESSMENT_NEARING_LIMIT}
    assert kinds(record, at(due + timedelta(days=1))) == {FlagKind.ASSESSMENT_PAST_LIMIT}
    done = Decision(uuid4(), DecisionKind.ASSESSMENT_AUTHORISED, due, reason="Late (synthetic).")
    authorised = ChildRecord(CHILD, decisions=(*record.decisions, done))
    assert kinds(authorised, at(due + timedelta(days=3))) == set()


# --- care, concerns, adults -----------------------------------------------------------------


def test_an_adult_found_caring_at_a_visit_and_not_assessed_until_assessed() -> None:
    found_at = at(date(2026, 3, 2))
    person = uuid4()
    record = ChildRecord(
        CHILD, links=(Link(person, caring=True, assessed=False, found_at=found_at),)
    )
    assert kinds(record, found_at) == {FlagKind.UNASSESSED_CARE}
    staff_known = ChildRecord(CHILD, links=(Link(person, caring=True, assessed=False),))
    assert kinds(staff_known, found_at) == set()
    assessed = ChildRecord(
        CHILD, links=(Link(person, caring=True, assessed=True, found_at=found_at),)
    )
    assert kinds(assessed, found_at) == set()


def test_a_concern_unacknowledged_past_its_limit_goes_urgently_to_the_manager() -> None:
    received = at(date(2026, 3, 2), 9)
    open_one = ChildRecord(CHILD, concerns=(ConcernFact(uuid4(), received, False),))
    assert kinds(open_one, received + timedelta(hours=24)) == set()
    (found,) = conditions(open_one, received + timedelta(hours=25))
    assert (found.kind, found.urgency, found.act_by) == (
        FlagKind.CONCERN_UNACKNOWLEDGED, Urgency.URGENT, "manager",
    )  # fmt: skip
    assert kinds(open_one, received + timedelta(hours=5), concern_ack_within=timedelta(hours=4))
    done = ChildRecord(CHILD, concerns=(ConcernFact(uuid4(), received, True),))
    assert kinds(done, received + timedelta(days=3)) == set()


def _sighting(
    person: UUID, role: SightingRole, children: set[UUID], home: UUID | None = None
) -> Sighting:
    return Sighting(uuid4(), person, at(date(2026, 3, 4)), role, home, frozenset(children))


def test_a_restricted_adult_recorded_caring_for_the_child_anywhere_is_urgent() -> None:
    adult, elsewhere = uuid4(), uuid4()
    held = Restriction(uuid4(), adult, CHILD, ContactRestrictionType.SUPERVISED_ONLY)
    caring = ChildRecord(
        CHILD, restrictions=(held,),
        sightings=(_sighting(adult, SightingRole.CARING, {elsewhere}),),
    )  # fmt: skip
    (found,) = conditions(caring, at(date(2026, 3, 5)))
    assert (found.kind, found.urgency) == (FlagKind.RESTRICTED_ADULT_CARING, Urgency.URGENT)
    present = ChildRecord(
        CHILD, restrictions=(held,),
        sightings=(_sighting(adult, SightingRole.PRESENT, {elsewhere}),),
    )  # fmt: skip
    assert kinds(present, at(date(2026, 3, 5))) == set()  # supervised only: presence may be fine
    no_contact = Restriction(uuid4(), adult, CHILD, ContactRestrictionType.NO_CONTACT)
    assert kinds(
        ChildRecord(CHILD, restrictions=(no_contact,), sightings=present.sightings),
        at(date(2026, 3, 5)),
    ) == {FlagKind.RESTRICTED_ADULT_CARING}
    expired = Restriction(uuid4(), adult, CHILD, "NO_CONTACT", expires_on=date(2026, 3, 3))
    assert (
        kinds(
            ChildRecord(CHILD, restrictions=(expired,), sightings=present.sightings),
            at(date(2026, 3, 5)),
        )
        == set()
    )


def test_an_adult_restricted_from_another_child_caring_at_this_childs_visit_is_urgent() -> None:
    adult, other = uuid4(), uuid4()
    held = Restriction(uuid4(), adult, other, ContactRestrictionType.NO_CONTACT)
    record = ChildRecord(
        CHILD, restrictions=(held,), sightings=(_sighting(adult, SightingRole.CARING, {CHILD}),)
    )
    (found,) = conditions(record, at(date(2026, 3, 5)))
    assert found.kind == FlagKind.RESTRICTED_ADULT_CARING and "another child" in found.why


def test_a_linked_adult_at_another_households_visit_alerts_this_childs_worker() -> None:
    adult, other, home, away = uuid4(), uuid4(), uuid4(), uuid4()
    link = Link(adult, caring=True, assessed=True)
    away_visit = ChildRecord(
        CHILD, households=frozenset({home}), links=(link,),
        sightings=(_sighting(adult, SightingRole.STAYING, {other}, away),),
    )  # fmt: skip
    assert kinds(away_visit, at(date(2026, 3, 5))) == {FlagKind.LINKED_ADULT_SEEN}
    own_home = ChildRecord(
        CHILD, households=frozenset({home}), links=(link,),
        sightings=(_sighting(adult, SightingRole.STAYING, {other}, home),),
    )  # fmt: skip
    assert kinds(own_home, at(date(2026, 3, 5))) == set()


def test_an_initial_conference_not_held_within_15_working_days_of_a_strategy_discussion() -> None:
    talk = Decision(uuid4(), DecisionKind.STRATEGY_DISCUSSION, date(2026, 3, 2))
    plan = ChildPlan("S47_ENQUIRY", "S47_ENQUIRY", date(2026, 3, 2))
    due = CALENDAR.add_working_days(date(2026, 3, 2), 15)
    seen = (contact(due),)  # seen on time: only the conference is late
    record = ChildRecord(CHILD, plan=plan, decisions=(talk,), contacts=seen)
    assert FlagKind.DECISION_DEADLINE_MISSED not in kinds(record, at(due))
    late = [c for c in conditions(record, at(due + timedelta(days=1))) if c.decision_id]
    assert [(c.kind, c.clears) for c in late] == [
        (FlagKind.DECISION_DEADLINE_MISSED, "The initial child protection conference is recorded.")
    ]
    held = Decision(uuid4(), DecisionKind.ICPC, due + timedelta(days=1))
    done = ChildRecord(CHILD, plan=plan, decisions=(talk, held), contacts=seen)
    assert not [c for c in conditions(done, at(due + timedelta(days=2))) if c.decision_id]


def test_a_baby_seen_asleep_is_followed_up_until_seen_awake() -> None:
    asleep = Contact(
        uuid4(), CHILD, at(date(2026, 3, 2)), face_to_face=True, seen=True, seen_alone=False,
        prevented_alone=False, awake=False, see_awake_by=date(2026, 3, 9),
    )  # fmt: skip
    record = ChildRecord(CHILD, contacts=(asleep,))
    (found,) = conditions(record, at(date(2026, 3, 3)))
    assert (found.kind, found.urgency, found.due) == (
        FlagKind.BABY_NOT_SEEN_AWAKE, Urgency.ROUTINE, date(2026, 3, 9),
    )  # fmt: skip
    assert conditions(record, at(date(2026, 3, 10)))[0].urgency == Urgency.URGENT
    awake = Contact(
        uuid4(), CHILD, at(date(2026, 3, 6)), face_to_face=True, seen=True, seen_alone=False,
        prevented_alone=False, awake=True,
    )  # fmt: skip
    assert kinds(ChildRecord(CHILD, contacts=(asleep, awake)), at(date(2026, 3, 10))) == set()


def test_a_visit_of_a_baby_seen_asleep_carries_the_date_to_see_them_awake() -> None:
    visit = complete_visit()
    outcome = visit.children[0]
    outcome.child_awake, outcome.see_awake_by = False, date(2026, 3, 9)
    outcome.not_awake_reason = "Asleep after a feed (synthetic)."
    first = contacts_of(visit)[0]
    assert (first.awake, first.see_awake_by) == (False, date(2026, 3, 9))
