"""The conditions that raise flags on one child, worked out from the child's facts (facts.py).

One pure function, `child_conditions`, serves the device (its offline estimate) and the central
record (the authority): the same facts give the same conditions. A condition's key is stable, so
the flag it raises keeps one id while the condition holds, clears when it ends and reopens when it
comes back (lifecycle.py). Kinds, and what clears each:

  child_not_seen               not seen at a visit; follow-up due     seen face to face since
  baby_not_seen_awake          a baby seen asleep; a date to see them awake   seen awake since
  prevented_from_seeing_alone  a carer prevented seeing them alone    seen alone since
  not_seen_alone               seen, never alone, N visits running    seen alone
  visit_overdue                not seen in the plan's time, no visit tried   seen face to face
  not_seen_overdue             visited, but not seen in the plan's time   seen face to face
  decision_deadline_missed     a decision's deadline passed (seen within N working days,
                               initial conference within 15)   seen / the decision recorded
  assessment_nearing_limit     working day 40 of 45 (configurable)    assessment authorised
  assessment_past_limit        past the limit                         assessment authorised
  unassessed_care              an adult found caring or staying, not assessed   assessed
  concern_unacknowledged       past its time limit                    a named acknowledgement
  safeguarding_concern_now     recorded at a visit                    a named person closes it
  restricted_adult_caring      a restricted adult with the child, against it   closed by a person
  linked_adult_seen            an adult linked to the child, at another household's visit   closed
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from models.enums import ContactRestrictionType
from models.flags import FlagKind
from models.oversight.assessment import assessment_due, open_assessment
from models.oversight.facts import (
    ChildRecord,
    Contact,
    Decision,
    DecisionKind,
    Limits,
    Restriction,
    Sighting,
    SightingRole,
    local_day,
)
from models.oversight.shapes import ActBy, Condition, Urgency
from models.oversight.timescale import COMPLETED_BY, COMPLETION_WORDS, plan_status
from models.timescales import ChildTimescaleStatus, TimescaleRules
from models.timescales.calendar import Interval, TimeUnit, WorkingCalendar, add_interval

__all__ = [
    "ADULT_KINDS",
    "against_restriction",
    "child_conditions",
    "days_words",
    "timescale_status",
]

NOT_SEEN_FOLLOW_UP = Interval(5, TimeUnit.WORKING_DAYS)  # if the rules set none
# The kinds an adult recorded at someone else's visit can raise on a child (_adults below).
ADULT_KINDS = frozenset({FlagKind.RESTRICTED_ADULT_CARING, FlagKind.LINKED_ADULT_SEEN})
SEEN_ALONE_FROM_AGE = 4  # years: younger children are not expected to be seen alone


def _visit_key(visit_id: UUID, child_id: UUID, kind: FlagKind, person_id: UUID | None) -> str:
    """The key models.flags gave a visit's flags, so their ids never changed."""
    return f"{visit_id}:{child_id}:{kind}:{person_id or ''}"


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _words(code: str) -> str:
    return code.replace("_", " ").lower()


def days_words(n: int, unit: TimeUnit) -> str:
    kind = "working day" if unit is TimeUnit.WORKING_DAYS else "day"
    return f"{n} {kind}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class _Ctx:
    record: ChildRecord
    rules: TimescaleRules
    calendar: WorkingCalendar
    limits: Limits
    now: datetime

    @property
    def today(self) -> date:
        return local_day(self.now)


def child_conditions(
    record: ChildRecord,
    *,
    rules: TimescaleRules,
    calendar: WorkingCalendar,
    limits: Limits,
    now: datetime,
    adults_only: bool = False,
) -> list[Condition]:
    """Every condition standing on the child at `now`, by key (a key appears once). Facts dated
    after `now` are not yet facts: they are ignored. `adults_only`: only the conditions of
    ADULT_KINDS (what an adult recorded elsewhere can change)."""
    ctx = _Ctx(record, rules, calendar, limits, now)
    found: dict[str, Condition] = {}
    every = (_visits, _timescales, _assessment, _care, _concerns, _adults)
    for rule in (_adults,) if adults_only else every:
        for c in rule(ctx):
            found[c.key] = c
    return list(found.values())


def _contacts(ctx: _Ctx) -> list[Contact]:
    return sorted((c for c in ctx.record.contacts if c.at <= ctx.now), key=lambda c: c.at)


def _visits(ctx: _Ctx) -> Iterator[Condition]:
    """Not seen, prevented from seeing alone, not seen alone for N visits, a concern now."""
    child = ctx.record.child_id
    contacts = _contacts(ctx)
    try:
        follow_up = ctx.rules.event_rule("CHILD_NOT_SEEN").within
    except ValueError:
        follow_up = NOT_SEEN_FOLLOW_UP
    for i, c in enumerate(contacts):
        later = contacts[i + 1 :]
        day = local_day(c.at)
        if not c.seen and not any(x.seen for x in later):
            due = add_interval(start=day, interval=follow_up, calendar=ctx.calendar)
            late = ctx.today > due
            yield Condition(
                child, FlagKind.CHILD_NOT_SEEN,
                _visit_key(c.visit_id, child, FlagKind.CHILD_NOT_SEEN, None),
                Urgency.URGENT if late else Urgency.HIGH, c.at,
                f"Not seen at the visit on {day:%d %B %Y} ({_words(c.reason_not_seen)}). "
                f"To be seen by {due:%d %B %Y}" + (": that date has passed." if late else "."),
                "The child is seen face to face.", ActBy.WORKER,
                reason=c.reason_not_seen, due=due, visit_id=c.visit_id,
            )  # fmt: skip
        if c.prevented_alone and not any(x.seen_alone for x in later):
            yield Condition(
                child, FlagKind.PREVENTED_FROM_SEEING_ALONE,
                _visit_key(c.visit_id, child, FlagKind.PREVENTED_FROM_SEEING_ALONE, None),
                Urgency.HIGH, c.at,
                f"A parent or carer prevented the child being seen alone on {day:%d %B %Y}.",
                "The child is seen alone.", ActBy.MANAGER,
                reason="PARENT_CARER_PREVENTED", visit_id=c.visit_id,
            )  # fmt: skip
        if c.see_awake_by is not None and not any(x.seen and x.awake for x in later):
            late = ctx.today > c.see_awake_by
            yield Condition(
                child, FlagKind.BABY_NOT_SEEN_AWAKE,
                _visit_key(c.visit_id, child, FlagKind.BABY_NOT_SEEN_AWAKE, None),
                Urgency.URGENT if late else Urgency.ROUTINE, c.at,
                f"A baby seen asleep on {day:%d %B %Y}, to be seen awake by "
                f"{c.see_awake_by:%d %B %Y}" + (": that date has passed." if late else "."),
                "The baby is seen awake.", ActBy.WORKER, due=c.see_awake_by, visit_id=c.visit_id,
            )  # fmt: skip
        if c.concern_now:
            yield Condition(
                child, FlagKind.SAFEGUARDING_CONCERN_NOW,
                _visit_key(c.visit_id, child, FlagKind.SAFEGUARDING_CONCERN_NOW, None),
                Urgency.URGENT, c.at,
                f"A safeguarding concern was recorded at the visit on {day:%d %B %Y} "
                f"({_words(c.concern_now)}).",
                "A manager closes it, saying what was done.", ActBy.MANAGER,
                reason=c.concern_now, visit_id=c.visit_id,
            )  # fmt: skip
    yield from _not_seen_alone(ctx, [c for c in contacts if c.seen])


def _not_seen_alone(ctx: _Ctx, seen: list[Contact]) -> Iterator[Condition]:
    run = ctx.limits.not_seen_alone_run
    birth = ctx.record.date_of_birth
    if run < 1 or len(seen) < run or any(c.seen_alone for c in seen[-run:]):
        return
    if birth is not None and _age(birth, ctx.today) < SEEN_ALONE_FROM_AGE:
        return
    streak = 0
    for c in reversed(seen):
        if c.seen_alone:
            break
        streak += 1
    first = seen[-streak]
    yield Condition(
        ctx.record.child_id, FlagKind.NOT_SEEN_ALONE, f"{ctx.record.child_id}:not_seen_alone",
        Urgency.HIGH, first.at,
        f"Seen but not alone at the last {streak} visits, since {local_day(first.at):%d %B %Y}.",
        "The child is seen alone.", ActBy.WORKER, reason=str(streak),
    )  # fmt: skip


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def timescale_status(
    record: ChildRecord, *, rules: TimescaleRules, calendar: WorkingCalendar, now: datetime
) -> tuple[ChildTimescaleStatus, list[Decision]] | None:
    """The child's timescale status at `now` by their plan, as the overdue flags read it (and
    the console's dashboard); None without a plan, or with one whose rule is unknown."""
    if record.plan is None:
        return None
    ctx = _Ctx(record, rules, calendar, Limits(), now)
    seen = [local_day(c.at) for c in _contacts(ctx) if c.seen]
    try:
        return plan_status(
            record.plan, seen_days=seen, decisions=record.decisions, rules=rules,
            calendar=calendar, today=ctx.today, birth=record.date_of_birth,
        )  # fmt: skip
    except ValueError:  # no rule for this plan: the plan's own check refuses such a plan
        return None


def _timescales(ctx: _Ctx) -> Iterator[Condition]:
    """Not seen in the time the plan allows (no visit at all, or visited but not seen); a
    decision's deadline missed (the assessment's own limit: _assessment)."""
    found = timescale_status(ctx.record, rules=ctx.rules, calendar=ctx.calendar, now=ctx.now)
    if found is None:
        return
    status, started = found
    contacts = _contacts(ctx)
    seen = [local_day(c.at) for c in contacts if c.seen]
    child = ctx.record.child_id
    if status.is_overdue and status.next_due is not None:
        last = max(seen, default=None)
        tried = any(c.face_to_face and (last is None or local_day(c.at) > last) for c in contacts)
        kind = FlagKind.NOT_SEEN_OVERDUE if tried else FlagKind.VISIT_OVERDUE
        what = "Visited but not seen" if tried else "No visit seeing the child"
        urgent = status.days_overdue > ctx.limits.overdue_urgent_after
        yield Condition(
            child, kind, f"{child}:{kind}",
            Urgency.URGENT if urgent else Urgency.HIGH,
            _start_of(status.next_due + timedelta(days=1)),
            f"{what} since it was due on {status.next_due:%d %B %Y}: "
            f"{days_words(status.days_overdue, status.days_overdue_unit)} overdue "
            f"({status.rule_description}).",
            "The child is seen face to face.", ActBy.WORKER,
            reason=str(status.days_overdue), due=status.next_due,
        )  # fmt: skip
    for d, deadline in zip(started, status.deadlines, strict=True):
        if d.kind == DecisionKind.REFERRAL or deadline.met_on is not None:
            continue
        if deadline.days_overdue == 0:
            continue
        completer = COMPLETED_BY.get(d.kind)
        clears = COMPLETION_WORDS[completer] if completer else "The child is seen."
        kind = FlagKind.DECISION_DEADLINE_MISSED
        yield Condition(
            child, kind, f"{d.decision_id}:{child}:{kind}",
            Urgency.URGENT, _start_of(deadline.due + timedelta(days=1)),
            f"{deadline.description}: due {deadline.due:%d %B %Y}, "
            f"{days_words(deadline.days_overdue, deadline.days_overdue_unit)} overdue.",
            clears, ActBy.WORKER, reason=str(d.kind), due=deadline.due, decision_id=d.decision_id,
        )  # fmt: skip


def _assessment(ctx: _Ctx) -> Iterator[Condition]:
    found = open_assessment(ctx.record, ctx.today)
    if found is None:
        return
    decision_id, started = found
    due = assessment_due(started, rules=ctx.rules, calendar=ctx.calendar)
    day = ctx.calendar.working_days_between(started, ctx.today)
    child = ctx.record.child_id
    if ctx.today > due:
        kind, urgency = FlagKind.ASSESSMENT_PAST_LIMIT, Urgency.URGENT
        why = f"The assessment begun {started:%d %B %Y} was due by {due:%d %B %Y}."
        since = _start_of(due + timedelta(days=1))
        act = ActBy.MANAGER
    elif day >= ctx.limits.assessment_warn_day:
        kind, urgency = FlagKind.ASSESSMENT_NEARING_LIMIT, Urgency.HIGH
        why = (
            f"Working day {day} of the assessment begun {started:%d %B %Y}: due by {due:%d %B %Y}."
        )
        since = _start_of(ctx.calendar.add_working_days(started, ctx.limits.assessment_warn_day))
        act = ActBy.WORKER
    else:
        return
    yield Condition(
        child, kind, f"{decision_id}:{child}:{kind}", urgency, since, why,
        "The assessment is authorised (with a reason if it is late).", act,
        reason=str(day), due=due, decision_id=decision_id,
    )  # fmt: skip


def _care(ctx: _Ctx) -> Iterator[Condition]:
    child = ctx.record.child_id
    for link in ctx.record.links:
        if not link.caring or link.assessed or link.found_at is None:
            continue
        kind = FlagKind.UNASSESSED_CARE
        yield Condition(
            child, kind, f"{link.person_id}:{child}:{kind}", Urgency.HIGH, link.found_at,
            f"An adult recorded caring for or staying with the child on "
            f"{local_day(link.found_at):%d %B %Y} has no assessed care arrangement.",
            "The care arrangement is assessed.", ActBy.WORKER, person_id=link.person_id,
        )  # fmt: skip


def _concerns(ctx: _Ctx) -> Iterator[Condition]:
    child = ctx.record.child_id
    within = ctx.limits.concern_ack_within
    for q in ctx.record.concerns:
        limit = q.received_at + within
        if q.acknowledged or ctx.now <= limit:
            continue
        hours = int((ctx.now - q.received_at).total_seconds() // 3600)
        kind = FlagKind.CONCERN_UNACKNOWLEDGED
        yield Condition(
            child, kind, f"{q.concern_id}:{child}:{kind}", Urgency.URGENT, limit,
            f"A concern received {local_day(q.received_at):%d %B %Y} has not been acknowledged "
            f"after {hours} hours.",
            "A named person acknowledges it, saying what they did.", ActBy.MANAGER,
            concern_id=q.concern_id,
        )  # fmt: skip


_CARE_ROLES = (SightingRole.CARING, SightingRole.STAYING, SightingRole.WITH_CHILD)


def _adults(ctx: _Ctx) -> Iterator[Condition]:
    """A restricted adult with the child against the restriction, wherever it was recorded, or
    caring for this child while restricted from another (urgent); an adult linked to the child
    recorded at another household's visit."""
    record = ctx.record
    child = record.child_id
    restricted: dict[UUID, list[Restriction]] = {}
    for r in record.restrictions:
        restricted.setdefault(r.person_id, []).append(r)
    linked = {link.person_id for link in record.links}
    for s in record.sightings:
        if s.at > ctx.now:
            continue
        day = local_day(s.at)
        against = next(
            (r for r in restricted.get(s.person_id, []) if against_restriction(r, s, child)), None
        )
        if against is not None:
            kind = FlagKind.RESTRICTED_ADULT_CARING
            whose = "this child" if against.child_id == child else "another child"
            yield Condition(
                child, kind, _visit_key(s.visit_id, child, kind, s.person_id), Urgency.URGENT, s.at,
                f"An adult under a contact restriction ({_words(against.restriction_type)}) with "
                f"{whose} was recorded {_words(s.role)} at a visit on {day:%d %B %Y}.",
                "A manager closes it, saying what was done.", ActBy.MANAGER,
                reason=against.restriction_type, visit_id=s.visit_id, person_id=s.person_id,
            )  # fmt: skip
            continue
        other_home = s.household_id is None or s.household_id not in record.households
        if s.person_id in linked and child not in s.child_ids and other_home:
            kind = FlagKind.LINKED_ADULT_SEEN
            yield Condition(
                child, kind, _visit_key(s.visit_id, child, kind, s.person_id), Urgency.HIGH, s.at,
                f"An adult linked to this child was recorded {_words(s.role)} at another "
                f"household's visit on {day:%d %B %Y}.",
                "The allocated worker or manager closes it, saying what was done.", ActBy.WORKER,
                reason=str(s.role), visit_id=s.visit_id, person_id=s.person_id,
            )  # fmt: skip


def against_restriction(r: Restriction, s: Sighting, child: UUID) -> bool:
    """This sighting goes against restriction `r`, as far as the record can tell: caring,
    staying or with the child, or (no contact) present at all; for a restriction on another
    child, caring for this one at this child's own visit."""
    if not r.in_force(local_day(s.at)):
        return False
    if r.child_id == child:
        return s.role in _CARE_ROLES or r.restriction_type == ContactRestrictionType.NO_CONTACT
    return child in s.child_ids and s.role in _CARE_ROLES
