"""A flag's life (models.oversight.reconcile) and the checks on decisions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

from hypothesis import given
from hypothesis import strategies as st

from models.flags import FlagKind
from models.oversight import (
    ActBy,
    Condition,
    Decision,
    DecisionKind,
    FlagAction,
    FlagState,
    FlagStatus,
    Urgency,
    decision_problems,
    reconcile,
)
from models.timescales import default_rules
from models.timescales.calendar import WorkingCalendar

CHILD, OTHER = uuid4(), uuid4()
NOW = datetime(2026, 3, 2, 10, tzinfo=UTC)


def cond(key: str = "k", urgency: Urgency = Urgency.HIGH, child: UUID = CHILD) -> Condition:
    return Condition(
        child, FlagKind.CHILD_NOT_SEEN, key, urgency, NOW, "why", "clears", ActBy.WORKER
    )


def state(c: Condition, status: FlagStatus, active: bool) -> dict[UUID, FlagState]:
    return {c.flag_id: FlagState(c.flag_id, c.child_id, status, active, c.urgency)}


def actions(flags: dict[UUID, FlagState], found: list[Condition]) -> list[FlagAction]:
    return [s.action for s in reconcile(flags, found, [CHILD])]


def test_a_condition_raises_a_flag_once_and_clears_it_when_it_ends() -> None:
    c = cond()
    assert actions({}, [c]) == [FlagAction.RAISED]
    assert actions(state(c, FlagStatus.OPEN, True), [c]) == []
    assert actions(state(c, FlagStatus.OPEN, True), []) == [FlagAction.CLEARED]


def test_a_cleared_flag_reopens_when_its_condition_returns() -> None:
    c = cond()
    assert actions(state(c, FlagStatus.CLEARED, False), [c]) == [FlagAction.REOPENED]


def test_a_flag_closed_by_a_person_stays_closed_while_its_condition_holds() -> None:
    c = cond()
    closed = state(c, FlagStatus.CLOSED, True)
    assert actions(closed, [c]) == []
    assert actions(closed, []) == [FlagAction.CONDITION_ENDED]
    assert actions(state(c, FlagStatus.CLOSED, False), [c]) == [FlagAction.REOPENED]


def test_an_open_flag_whose_urgency_changes_says_so() -> None:
    c = cond()
    assert actions(state(c, FlagStatus.OPEN, True), [cond(urgency=Urgency.URGENT)]) == [
        FlagAction.URGENCY_CHANGED
    ]


def test_flags_of_children_not_read_are_left_alone() -> None:
    other = cond("o", child=OTHER)
    assert actions(state(other, FlagStatus.OPEN, True), []) == []


@given(
    st.lists(st.tuples(st.sampled_from("abcdef"), st.sampled_from(list(Urgency))), max_size=6),
    st.lists(st.sampled_from("abcdef"), max_size=6),
)
def test_reconciling_twice_changes_nothing_the_second_time(
    found: list[tuple[str, Urgency]], existing: list[str]
) -> None:
    conditions = [cond(k, u) for k, u in dict(found).items()]
    flags: dict[UUID, FlagState] = {}
    for k in existing:
        flags |= state(cond(k), FlagStatus.OPEN, True)
    for step in reconcile(flags, conditions, [CHILD]):
        old = flags.get(step.flag_id)
        if step.condition is not None:
            flags[step.flag_id] = FlagState(
                step.flag_id, CHILD, FlagStatus.OPEN, True, step.condition.urgency
            )
        elif old is not None:
            status = FlagStatus.CLEARED if step.action == FlagAction.CLEARED else old.status
            flags[step.flag_id] = FlagState(step.flag_id, CHILD, status, False, old.urgency)
    assert reconcile(flags, conditions, [CHILD]) == []
    assert {f for f, s in flags.items() if s.status == FlagStatus.OPEN} == {
        c.flag_id for c in conditions
    }


RULES, CALENDAR = default_rules(), WorkingCalendar()


def _problems(decision: Decision, earlier: list[Decision], today: date) -> list[str]:
    return decision_problems(decision, earlier, rules=RULES, calendar=CALENDAR, today=today)


def test_authorising_an_assessment_past_its_limit_needs_a_reason() -> None:
    referral = Decision(uuid4(), DecisionKind.REFERRAL, date(2026, 1, 5))
    late = CALENDAR.add_working_days(date(2026, 1, 5), 46)
    bare = Decision(uuid4(), DecisionKind.ASSESSMENT_AUTHORISED, late)
    (problem,) = _problems(bare, [referral], late)
    assert "say why it is late" in problem
    reasoned = Decision(
        uuid4(), DecisionKind.ASSESSMENT_AUTHORISED, late, "Family moved (synthetic)."
    )
    assert _problems(reasoned, [referral], late) == []
    on_time = Decision(uuid4(), DecisionKind.ASSESSMENT_AUTHORISED, date(2026, 2, 2))
    assert _problems(on_time, [referral], date(2026, 2, 2)) == []


def test_a_decision_in_the_future_or_authorising_nothing_is_refused() -> None:
    future = Decision(uuid4(), DecisionKind.REFERRAL, date(2026, 3, 3))
    assert _problems(future, [], date(2026, 3, 2)) == ["A decision cannot be dated in the future."]
    nothing = Decision(uuid4(), DecisionKind.ASSESSMENT_AUTHORISED, date(2026, 3, 2))
    assert _problems(nothing, [], date(2026, 3, 2)) == [
        "There is no assessment under way to authorise."
    ]
