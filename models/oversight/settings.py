"""An organisation's own settings for oversight, as the central record stores them (JSON):

    {"timescales": {...models.timescales.config...}, "closures": ["2026-12-24", ...],
     "limits": {"not_seen_alone_run": 3, "assessment_warn_day": 40,
                "concern_ack_hours": 24, "overdue_urgent_after": 5,
                "escalation_prompt_hours": 4}}

Every part may be left out: the defaults hold (statutory and typical values).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from models.oversight.facts import Limits
from models.timescales import TimescaleRules, default_rules, rules_from_dict
from models.timescales.calendar import WorkingCalendar

__all__ = ["OrgSettings", "settings_from_dict"]

_LIMITS = {  # name: (lowest, highest)
    "not_seen_alone_run": (1, 50),
    "assessment_warn_day": (1, 200),
    "concern_ack_hours": (1, 24 * 30),
    "overdue_urgent_after": (0, 365),
    "escalation_prompt_hours": (1, 72),  # past three days a prompt no longer helps
}


@dataclass(frozen=True)
class OrgSettings:
    rules: TimescaleRules = field(default_factory=default_rules)
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    limits: Limits = field(default_factory=Limits)


def settings_from_dict(data: Mapping[str, Any] | None) -> OrgSettings:
    """Raises ValueError, in plain words, for anything that is not a setting it knows."""
    if not data:
        return OrgSettings()
    # "console": the staff console's own settings (sync/server/console/auth.py reads them).
    unknown = set(data) - {"timescales", "closures", "limits", "console"}
    if unknown:
        raise ValueError(f"Unknown settings: {', '.join(sorted(unknown))}")
    rules = rules_from_dict(data["timescales"]) if data.get("timescales") else default_rules()
    closures = []
    for text in data.get("closures") or []:
        try:
            closures.append(date.fromisoformat(str(text)))
        except ValueError:
            raise ValueError(
                f"A closure day must be a date like 2026-12-24, not {text!r}"
            ) from None
    given = dict(data.get("limits") or {})
    values: dict[str, int] = {}
    for name, value in given.items():
        if name not in _LIMITS:
            raise ValueError(f"Unknown limit: {name}")
        low, high = _LIMITS[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"The limit {name} must be a whole number from {low} to {high}")
        values[name] = value
    limits = Limits(
        not_seen_alone_run=values.get("not_seen_alone_run", Limits.not_seen_alone_run),
        assessment_warn_day=values.get("assessment_warn_day", Limits.assessment_warn_day),
        concern_ack_within=timedelta(hours=values["concern_ack_hours"])
        if "concern_ack_hours" in values
        else Limits.concern_ack_within,
        overdue_urgent_after=values.get("overdue_urgent_after", Limits.overdue_urgent_after),
        escalation_prompt_hours=values.get(
            "escalation_prompt_hours", Limits.escalation_prompt_hours
        ),
    )
    return OrgSettings(rules, WorkingCalendar(closures=frozenset(closures)), limits)
