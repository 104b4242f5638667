"""Reading and writing timescale rules as JSON-like data. Every error names the key and value."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from models.timescales.calendar import Interval, TimeUnit
from models.timescales.rules import (
    EventDeadlineRule,
    HealthReviewRule,
    TimescaleRules,
    VisitFrequencyRule,
    VisitPhase,
)

__all__ = ["rules_from_dict", "rules_to_dict"]


def rules_to_dict(rules: TimescaleRules) -> dict[str, Any]:
    """JSON-ready data that `rules_from_dict` reads back to equal rules."""
    return {
        "visit_frequencies": {
            str(rule.context): {
                "label": rule.label,
                "starts_with": rule.starts_with,
                "first_visit_within": _interval_to_dict(rule.first_visit_within),
                "phases": [
                    {
                        "from": _interval_to_dict(phase.starts_after),
                        "to": _interval_to_dict(phase.ends_after),
                        "every": _interval_to_dict(phase.every),
                    }
                    for phase in rule.phases
                ],
                "health_reviews": rule.health_reviews,
            }
            for rule in rules.visit_frequencies
        },
        "event_deadlines": {
            str(rule.event): {
                "what": rule.what,
                "after": rule.after,
                "within": _interval_to_dict(rule.within),
                "met_by_seeing_child": rule.met_by_seeing_child,
            }
            for rule in rules.event_deadlines
        },
        "health_reviews": {
            str(rule.code): {
                "label": rule.label,
                "opens_after": _interval_to_dict(rule.opens_after),
                "due_by": _interval_to_dict(rule.due_by),
                "closes_after": _interval_to_dict(rule.closes_after),
            }
            for rule in rules.health_reviews
        },
    }


_UNIT_NAMES = tuple(unit.value for unit in TimeUnit)
_Rule = TypeVar("_Rule")


def _problem(where: str, message: str) -> ValueError:
    return ValueError(f"Timescale rules: {where} {message}")


def _object(
    value: object, where: str, *, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _problem(where, f"should be a set of named values, not {value!r}")
    for key in value:
        if key not in required and key not in optional:
            allowed = ", ".join(required + optional)
            raise _problem(where, f"has an unknown key {key!r}; the keys allowed are: {allowed}")
    for key in required:
        if key not in value:
            raise _problem(where, f"is missing the key {key!r}")
    return value


def _entries(data: Mapping[str, Any], key: str) -> list[tuple[str, Any]]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise _problem(key, f"should be a set of named rules, not {value!r}")
    for code in value:
        if not isinstance(code, str) or not code.strip():
            raise _problem(key, f"has a blank or non-text code {code!r}")
    return list(value.items())


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _problem(where, f"should be some words, not {value!r}")
    return value


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise _problem(where, f"should be true or false, not {value!r}")
    return value


def _interval(value: object, where: str) -> Interval:
    fields = _object(value, where, required=("amount", "unit"))
    amount, unit = fields["amount"], fields["unit"]
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise _problem(f"{where}.amount", f"is {amount!r}, which is not a whole number 0 or more")
    if not isinstance(unit, str) or unit not in _UNIT_NAMES:
        units = ", ".join(_UNIT_NAMES)
        raise _problem(f"{where}.unit", f"is {unit!r}, which is not a unit; use one of: {units}")
    return Interval(amount, TimeUnit(unit))


def _optional_interval(value: object, where: str) -> Interval | None:
    return None if value is None else _interval(value, where)


def _interval_to_dict(interval: Interval | None) -> dict[str, Any] | None:
    if interval is None:
        return None
    return {"amount": interval.amount, "unit": interval.unit.value}


def _checked(where: str, make: Callable[[], _Rule]) -> _Rule:
    """Build a rule, putting the key path on any error from the rule's own checks."""
    try:
        return make()
    except ValueError as error:
        raise ValueError(f"Timescale rules: {where}: {error}") from None


def _phase(value: object, where: str) -> VisitPhase:
    fields = _object(value, where, required=("from", "every"), optional=("to",))
    starts_after = _interval(fields["from"], f"{where}.from")
    ends_after = _optional_interval(fields.get("to"), f"{where}.to")
    every = _interval(fields["every"], f"{where}.every")
    return _checked(where, lambda: VisitPhase(starts_after, ends_after, every))


def _visit_rule(context: str, value: object) -> VisitFrequencyRule:
    where = f"visit_frequencies.{context}"
    fields = _object(
        value,
        where,
        required=("label", "starts_with"),
        optional=("phases", "first_visit_within", "health_reviews"),
    )
    phases = fields.get("phases", [])
    if not isinstance(phases, list):
        raise _problem(f"{where}.phases", f"should be a list of phases, not {phases!r}")
    label = _text(fields["label"], f"{where}.label")
    starts_with = _text(fields["starts_with"], f"{where}.starts_with")
    read_phases = tuple(_phase(phase, f"{where}.phases[{i}]") for i, phase in enumerate(phases))
    first = _optional_interval(fields.get("first_visit_within"), f"{where}.first_visit_within")
    reviews = _flag(fields.get("health_reviews", False), f"{where}.health_reviews")
    return _checked(
        where,
        lambda: VisitFrequencyRule(
            context=context,
            label=label,
            starts_with=starts_with,
            phases=read_phases,
            first_visit_within=first,
            health_reviews=reviews,
        ),
    )


def _deadline_rule(event: str, value: object) -> EventDeadlineRule:
    where = f"event_deadlines.{event}"
    fields = _object(
        value, where, required=("what", "after", "within"), optional=("met_by_seeing_child",)
    )
    return EventDeadlineRule(
        event=event,
        what=_text(fields["what"], f"{where}.what"),
        after=_text(fields["after"], f"{where}.after"),
        within=_interval(fields["within"], f"{where}.within"),
        met_by_seeing_child=_flag(
            fields.get("met_by_seeing_child", False), f"{where}.met_by_seeing_child"
        ),
    )


def _review_rule(code: str, value: object) -> HealthReviewRule:
    where = f"health_reviews.{code}"
    fields = _object(value, where, required=("label", "opens_after", "due_by", "closes_after"))
    label = _text(fields["label"], f"{where}.label")
    opens_after = _interval(fields["opens_after"], f"{where}.opens_after")
    due_by = _interval(fields["due_by"], f"{where}.due_by")
    closes_after = _interval(fields["closes_after"], f"{where}.closes_after")
    return _checked(where, lambda: HealthReviewRule(code, label, opens_after, due_by, closes_after))


def rules_from_dict(data: Mapping[str, Any]) -> TimescaleRules:
    sections = ("visit_frequencies", "event_deadlines", "health_reviews")
    top = _object(data, "the top level", required=(), optional=sections)
    visits = tuple(_visit_rule(code, value) for code, value in _entries(top, sections[0]))
    deadlines = tuple(_deadline_rule(code, value) for code, value in _entries(top, sections[1]))
    reviews = tuple(_review_rule(code, value) for code, value in _entries(top, sections[2]))
    return TimescaleRules(
        visit_frequencies=visits, event_deadlines=deadlines, health_reviews=reviews
    )
