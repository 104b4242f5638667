"""Timescale rules as data: the defaults, a JSON round trip, and bad input refused by name."""

from __future__ import annotations

import json
from typing import Any

import pytest

from models.enums import ServiceContext
from models.timescales import rules_from_dict, rules_to_dict
from tests.models.helpers import RULES

# --- configuration as data ----------------------------------------------------------------------


def test_default_rules_survive_a_json_round_trip() -> None:
    data = json.loads(json.dumps(rules_to_dict(RULES)))
    assert rules_from_dict(data) == RULES
    assert rules_to_dict(rules_from_dict(data)) == rules_to_dict(RULES)


def test_default_rules_cover_every_service_context() -> None:
    for context in ServiceContext:
        assert RULES.visit_rule(context).context == context


def test_from_dict_fills_optional_keys_with_their_defaults() -> None:
    rules = rules_from_dict(
        {
            "visit_frequencies": {
                "CP_PLAN": {
                    "label": "Child protection plan",
                    "starts_with": "the start of the plan",
                    "phases": [
                        {
                            "from": {"amount": 0, "unit": "working_days"},
                            "every": {"amount": 15, "unit": "working_days"},
                        }
                    ],
                }
            }
        }
    )
    rule = rules.visit_rule("CP_PLAN")
    assert rule.first_visit_within is None
    assert not rule.health_reviews
    assert rule.phases[0].ends_after is None
    assert rules.event_deadlines == ()


def _with(path: list[str | int], value: object) -> dict[str, Any]:
    """The default rules as data, with the value at `path` replaced (or removed if value is ...)."""
    data: dict[str, Any] = rules_to_dict(RULES)
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (
            _with(["visit_frequencies", "CP_PLAN", "phases", 0, "every", "unit"], "fortnights"),
            "visit_frequencies.CP_PLAN.phases[0].every.unit is 'fortnights'",
        ),
        (
            _with(["visit_frequencies", "CP_PLAN", "phases", 0, "every", "amount"], -10),
            "visit_frequencies.CP_PLAN.phases[0].every.amount is -10",
        ),
        (
            _with(["visit_frequencies", "CP_PLAN", "phases", 0, "every", "amount"], "10"),
            "visit_frequencies.CP_PLAN.phases[0].every.amount is '10'",
        ),
        (
            _with(["visit_frequencies", "CP_PLAN", "phases", 0, "every", "amount"], 0),
            "visit_frequencies.CP_PLAN.phases[0]: a visiting interval must be at least 1",
        ),
        (
            _with(
                ["visit_frequencies", "CLA", "first_visit_within"],
                {"amount": True, "unit": "weeks"},
            ),
            "visit_frequencies.CLA.first_visit_within.amount is True",
        ),
        (_with(["visit_frequencies", "CP_PLAN", "label"], ""), "visit_frequencies.CP_PLAN.label"),
        (_with(["visit_frequencies", "CP_PLAN", "evry"], 10), "unknown key 'evry'"),
        (
            _with(["visit_frequencies", "CP_PLAN", "starts_with"], ...),
            "missing the key 'starts_with'",
        ),
        (
            _with(["visit_frequencies", "CP_PLAN", "phases"], "every 10 days"),
            "visit_frequencies.CP_PLAN.phases",
        ),
        (
            _with(
                ["visit_frequencies", "CLA_LONG_TERM", "phases", 1, "from"],
                {"amount": 6, "unit": "months"},
            ),
            "visit_frequencies.CLA_LONG_TERM: phase 2 must start where phase 1 ends",
        ),
        (_with(["event_deadlines", "REFERRAL", "within"], 45), "event_deadlines.REFERRAL.within"),
        (
            _with(["event_deadlines", "CHILD_NOT_SEEN", "met_by_seeing_child"], "yes"),
            "event_deadlines.CHILD_NOT_SEEN.met_by_seeing_child",
        ),
        (
            _with(["health_reviews", "HCP_12_MONTH", "due_by"], {"amount": 16, "unit": "months"}),
            "health_reviews.HCP_12_MONTH: a review window must open before it is due",
        ),
        (_with(["visit_frequncies"], {}), "unknown key 'visit_frequncies'"),
        (_with(["event_deadlines"], []), "event_deadlines should be a set of named rules"),
    ],
)
def test_from_dict_rejects_bad_input_naming_the_key(data: dict[str, Any], named: str) -> None:
    with pytest.raises(ValueError, match="Timescale rules") as raised:
        rules_from_dict(data)
    assert named in str(raised.value)


def test_from_dict_rejects_data_that_is_not_an_object() -> None:
    with pytest.raises(ValueError, match="the top level should be a set of named values"):
        rules_from_dict([])  # type: ignore[arg-type]
