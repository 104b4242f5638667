"""An organisation's escalation prompt hours among its limits (models/oversight/settings.py)."""

from __future__ import annotations

from typing import Any

import pytest

from models.escalation import DEFAULT_PROMPT_HOURS
from models.oversight.settings import settings_from_dict


def test_the_prompt_hours_default_to_the_one_default() -> None:
    assert settings_from_dict(None).limits.escalation_prompt_hours == DEFAULT_PROMPT_HOURS
    assert settings_from_dict({"limits": {}}).limits.escalation_prompt_hours == DEFAULT_PROMPT_HOURS


@pytest.mark.parametrize("hours", [1, 9, 72])
def test_an_organisation_may_set_its_own_prompt_hours(hours: int) -> None:
    limits = settings_from_dict({"limits": {"escalation_prompt_hours": hours}}).limits
    assert limits.escalation_prompt_hours == hours
    assert limits.not_seen_alone_run == 3  # the others keep their defaults


@pytest.mark.parametrize("bad", [0, 73, -1, True, "4", 4.5, None])
def test_prompt_hours_outside_1_to_72_are_refused_in_plain_words(bad: Any) -> None:
    with pytest.raises(
        ValueError, match="escalation_prompt_hours must be a whole number from 1 to 72"
    ):
        settings_from_dict({"limits": {"escalation_prompt_hours": bad}})
