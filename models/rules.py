"""The recording rules: pure functions returning every problem found, in plain words.

A draft may be incomplete; submission may not. Each Problem names the field, the step of the visit
journey where it is fixed, and what the practitioner must do ("Child 2 was not seen: choose why").
The shapes (Step, Problem, Check) are in checks.py; the rules for people and concerns in
people_rules.py; `check_visit` here runs them all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from uuid import UUID

from models.checks import (
    Check,
    Problem,
    ProblemMaker,
    Step,
    cares_for,
    has_text,
    person_label,
)
from models.concern import ConcernReceived
from models.enums import (
    NoAccessAction,
    ObservationCategory,
    ReasonNotSeen,
    ReasonNotSeenAlone,
    ServiceContext,
    VisitOutcome,
    YesNo,
)
from models.flags import escalates
from models.nhs_number import is_valid_nhs_number
from models.people_rules import concern_problems, people_problems
from models.visit import ChildOutcome, Visit
from models.voice_rules import voice_problems

__all__ = [
    "AFTER_NOW",
    "BABY_AGE_MONTHS",
    "END_BEFORE_START",
    "Check",
    "Problem",
    "Step",
    "check_concern",
    "check_visit",
    "dated_after",
    "impossible_times",
    "is_baby",
    "visit_day",
]

BABY_AGE_MONTHS = 24  # under this age a seen child must be seen awake (cut-off is judgement)

STATUTORY_CONTEXTS = frozenset(
    {
        ServiceContext.CP_PLAN,
        ServiceContext.CIN_PLAN,
        ServiceContext.CLA,
        ServiceContext.PRIVATE_FOSTERING,
    }
)
HEALTH_CONTEXTS = frozenset(
    {
        ServiceContext.HCP_UNIVERSAL,
        ServiceContext.HCP_UNIVERSAL_PLUS,
        ServiceContext.HCP_PARTNERSHIP_PLUS,
    }
)


END_BEFORE_START = "The visit cannot end before it started: check the times."
AFTER_NOW = "The visit cannot start or end after now: check the times (and this device's clock)."


def impossible_times(visit: Visit, now: datetime) -> Problem | None:
    """An end before the start, or a time after `now`: refused as typed, and again at review."""
    if dated_after(visit, now):
        late = visit.ended_at is not None and visit.ended_at > now
        return Problem("ended_at" if late else "started_at", AFTER_NOW, Step.VISIT)
    start, end = visit.started_at, visit.ended_at
    if start is not None and end is not None and end < start:
        return Problem("ended_at", END_BEFORE_START, Step.VISIT)
    return None


def dated_after(visit: Visit, latest: datetime) -> bool:
    """Whether the visit starts or ends after `latest`. A visit in the future would pin a child's
    "last seen" there: the device asks this of its own clock, the central record of its own plus
    an allowance for devices' clocks (sync.protocol.FUTURE_ALLOWANCE)."""
    return any(t is not None and t > latest for t in (visit.started_at, visit.ended_at))


def check_visit(
    visit: Visit, *, child_labels: Mapping[UUID, str] | None = None, now: datetime | None = None
) -> Check:
    """Every problem that stops `visit` being submitted. `child_labels` gives names for messages;
    without them children are called "Child 1", "Child 2"... in visit order. With `now` (the
    device, at review and submit), a visit dated after it is a problem too."""
    labels = child_labels or {}
    problems = [
        *_visit_problems(visit),
        *people_problems(visit, labels),
    ]
    future = impossible_times(visit, now) if now is not None else None
    if future is not None and future.message == AFTER_NOW:  # an end before the start: above
        problems.insert(0, future)
    for index, outcome in enumerate(visit.children):
        label = labels.get(outcome.child_id, f"Child {index + 1}")
        problems.extend(_child_problems(visit, index, outcome, label))
    for index, concern in enumerate(visit.concerns_received):
        problems.extend(concern_problems(concern, f"concerns_received.{index}", index + 1))
    return Check(tuple(problems))


def check_concern(concern: ConcernReceived) -> Check:
    return Check(tuple(concern_problems(concern, "", None)))


def _visit_problems(visit: Visit) -> Iterator[Problem]:
    def need(field: str, message: str) -> Problem:
        return Problem(field, message, Step.VISIT)

    if visit.visit_purpose is None:
        yield need("visit_purpose", "Choose what the visit was for.")
    if visit.started_at is None:
        yield need("started_at", "Enter when the visit started.")
    if visit.ended_at is None:
        yield need("ended_at", "Enter when the visit ended.")
    elif visit.started_at is not None and visit.ended_at < visit.started_at:
        yield need("ended_at", END_BEFORE_START)
    if visit.announced is None:
        yield need("announced", "Say whether the visit was announced.")
    if visit.consultation_mechanism is None:
        yield need(
            "consultation_mechanism", "Say how the contact happened (face to face, video...)."
        )
    if visit.location_type is None:
        yield need("location_type", "Choose where the visit took place.")
    elif visit.location_type.is_a_home and visit.location_household_id is None:
        yield need("location_household_id", "Say whose home the visit was in.")
    if visit.safeguarding_concern_now is None:
        yield need(
            "safeguarding_concern_now",
            "Say whether there is a safeguarding concern now (choose 'none' if not).",
        )
    elif escalates(visit) and not has_text(visit.escalation_notes):
        yield Problem(
            "escalation_notes",
            "You recorded a safeguarding concern: say what you did and who you told.",
            Step.CONCERNS,
        )
    if visit.service_context in STATUTORY_CONTEXTS and visit.next_visit_due is None:
        yield need("next_visit_due", "Set the date the next visit is due.")
    if visit.service_context in HEALTH_CONTEXTS:
        yield from _routine_enquiry_problems(visit)
    if not visit.children:
        yield Problem("children", "Add every child this visit is about.", Step.CHILD)
    yield from _outcome_problems(visit)


def _outcome_problems(visit: Visit) -> Iterator[Problem]:
    outcome = visit.visit_outcome
    if outcome is None:
        yield Problem("visit_outcome", "Choose the outcome of the visit.", Step.VISIT)
        return
    if outcome.is_no_access:
        actions = set(visit.no_access_actions)
        if not actions:
            yield Problem(
                "no_access_actions",
                "You could not get in: record what you did (phoned, looked for movement, "
                "checked with school...).",
                Step.VISIT,
            )
        elif actions == {NoAccessAction.CARD_LEFT}:
            yield Problem(
                "no_access_actions",
                "Leaving a card is not enough on its own: record what else you did to find "
                "the children.",
                Step.VISIT,
            )
    answered = [c.child_seen for c in visit.children if c.child_seen is not None]
    if outcome == VisitOutcome.COMPLETED and YesNo.NO in answered:
        yield Problem(
            "visit_outcome",
            "The outcome says the visit was completed, but a child was not seen: choose "
            "'completed, not all children seen'.",
            Step.VISIT,
        )
    if (
        outcome == VisitOutcome.COMPLETED_NOT_ALL_CHILDREN_SEEN
        and answered
        and len(answered) == len(visit.children)
        and YesNo.NO not in answered
    ):
        yield Problem(
            "visit_outcome",
            "The outcome says not all children were seen, but every child is marked seen: "
            "check the outcome.",
            Step.VISIT,
        )


def _routine_enquiry_problems(visit: Visit) -> Iterator[Problem]:
    enquiry = visit.da_routine_enquiry
    if enquiry is None:
        yield Problem(
            "da_routine_enquiry",
            "Record whether the routine domestic abuse question was asked, and if not, why.",
            Step.VISIT,
        )
    elif enquiry.startswith("NOT_ASKED") and visit.da_follow_up_date is None:
        yield Problem(
            "da_follow_up_date",
            "The domestic abuse question was not asked: set a date to ask it in private.",
            Step.VISIT,
        )


def _child_problems(visit: Visit, index: int, child: ChildOutcome, label: str) -> Iterator[Problem]:
    base = f"children.{index}"

    def problem(field: str, message: str, step: Step = Step.CHILD) -> Problem:
        return Problem(f"{base}.{field}", message, step, child.child_id)

    if child.nhs_number and not is_valid_nhs_number(child.nhs_number):
        yield problem("nhs_number", f"{label}'s NHS number is not valid: check the 10 digits.")
    if child.child_seen is None:
        yield problem("child_seen", f"Say whether {label} was seen.")
        return
    if child.child_seen == YesNo.NO:
        if child.reason_not_seen is None:
            yield problem("reason_not_seen", f"{label} was not seen: choose why.")
        elif child.reason_not_seen == ReasonNotSeen.OTHER and not has_text(
            child.reason_not_seen_other
        ):
            yield problem("reason_not_seen_other", f"{label} was not seen: say why in a few words.")
        elif child.reason_not_seen == ReasonNotSeen.CHILD_WITH_OTHER_CARER:
            yield from _other_carer_problems(child, label, problem)
        return

    # Seen.
    if child.seen_alone is None:
        yield problem("seen_alone", f"{label} was seen: say whether they were seen alone.")
    elif child.seen_alone == YesNo.NO:
        if child.reason_not_seen_alone is None:
            yield problem("reason_not_seen_alone", f"{label} was not seen alone: choose why.")
        elif child.reason_not_seen_alone == ReasonNotSeenAlone.OTHER and not has_text(
            child.reason_not_seen_alone_other
        ):
            yield problem(
                "reason_not_seen_alone_other",
                f"{label} was not seen alone: say why in a few words.",
            )
    elif child.seen_alone_where is None:
        yield problem("seen_alone_where", f"{label} was seen alone: say where.")
    if is_baby(child, visit):
        yield from _awake_problems(visit, child, label, problem)
    if visit.service_context == ServiceContext.CP_PLAN and child.bedroom_seen is None:
        yield problem("bedroom_seen", f"Say whether you saw where {label} sleeps.")
    yield from voice_problems(visit, child, label, problem)
    yield from _observation_problems(visit, child, label, problem)


def _other_carer_problems(
    child: ChildOutcome, label: str, problem: ProblemMaker
) -> Iterator[Problem]:
    """Who the child was with and where; a carer new to the record (never marked present: they
    were not there) needs a name and who they are to the child."""
    if child.other_carer_person_id is None:
        yield problem("other_carer_person_id", f"{label} was with another carer: say who.")
    elif child.other_carer_is_new:
        if not has_text(child.other_carer_name):
            yield problem("other_carer_name", f"{label} was with someone new: give their name.")
        if child.other_carer_relationship is None:
            yield problem(
                "other_carer_relationship",
                f"{label} was with someone new: say who they are to {label}.",
            )
    if not has_text(child.other_carer_address):
        yield problem("other_carer_address", f"{label} was with another carer: say where.")


def _awake_problems(
    visit: Visit, child: ChildOutcome, label: str, problem: ProblemMaker
) -> Iterator[Problem]:
    """A baby must be seen awake: if not, why, and the day they will be (a follow-up)."""
    if child.child_awake is None:
        yield problem("child_awake", f"{label} is a baby: say whether they were seen awake.")
    if child.child_awake is not False:
        return
    if not has_text(child.not_awake_reason):
        yield problem("not_awake_reason", f"{label} is a baby and was not seen awake: say why.")
    if child.see_awake_by is None:
        yield problem(
            "see_awake_by", f"{label} was not seen awake: set the date they will be seen awake."
        )
    elif child.see_awake_by < visit_day(visit):
        yield problem(
            "see_awake_by",
            f"The date {label} will be seen awake cannot be before the visit: check it.",
        )


def _observation_problems(
    visit: Visit, child: ChildOutcome, label: str, problem: ProblemMaker
) -> Iterator[Problem]:
    by_category = {o.category for o in child.observations if has_text(o.text)}
    if ObservationCategory.PRESENTATION_HYGIENE_CLOTHING not in by_category:
        yield problem(
            "observations",
            f"Describe how {label} presented (appearance, clothing, hygiene).",
            Step.OBSERVATIONS,
        )
    seen_with = {
        o.about_person_id
        for o in child.observations
        if o.category == ObservationCategory.INTERACTION_WITH_CARER and has_text(o.text)
    }
    for p_index, carer in enumerate(visit.persons_present):
        if cares_for(carer, child.child_id) and carer.person_id not in seen_with:
            who = person_label(carer, p_index)
            yield problem(
                "observations",
                f"Describe how {label} was with {who}.",
                Step.OBSERVATIONS,
            )
    for o_index, obs in enumerate(child.observations):
        if not has_text(obs.text):
            yield problem(
                f"observations.{o_index}.text",
                f"An observation of {label} is empty: describe what you saw or remove it.",
                Step.OBSERVATIONS,
            )
        if obs.category == ObservationCategory.INTERACTION_WITH_CARER and (
            obs.about_person_id is None or visit.person(obs.about_person_id) is None
        ):
            yield problem(
                f"observations.{o_index}.about_person_id",
                f"Choose which person present {label} was with.",
                Step.OBSERVATIONS,
            )


def visit_day(visit: Visit) -> date:
    return (visit.started_at or visit.created_on_device_at).date()


def is_baby(child: ChildOutcome, visit: Visit) -> bool:
    """Under BABY_AGE_MONTHS on the day of the visit: a baby must be seen awake."""
    born = child.date_of_birth
    return born is not None and _age_in_months(born, visit_day(visit)) < BABY_AGE_MONTHS


def _age_in_months(born: date, on: date) -> int:
    months = (on.year - born.year) * 12 + on.month - born.month
    return months - (1 if on.day < born.day else 0)
