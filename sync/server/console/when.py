"""Times as the office reads them, on the pages and in an export: UK time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

__all__ = ["when"]

UK = ZoneInfo("Europe/London")


def when(value: datetime | date | None) -> str:
    """A time, "3 March 2026, 14:05" (UK time); a day, "3 March 2026"; nothing, ""."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        try:
            local = value.astimezone(UK)
        except (OverflowError, ValueError):  # a time at the edge of the calendar: as it is
            return value.isoformat()
        return f"{local.day} {local:%B %Y, %H:%M}"
    return f"{value.day} {value:%B %Y}"
