"""Working days and intervals: the date arithmetic under every timescale.

A working day is Monday to Friday, not an England and Wales bank holiday and not one of the local
authority's own closure days. Bank holidays come from the `holidays` library; England and Wales
share the same bank holidays, so the library's "ENG" subdivision serves both.

Conventions (the same everywhere in this module):

- `add_working_days(d, n)` with n >= 1 steps forward n working days; `d` itself never counts, and
  `d` may be a weekend or holiday (Saturday + 1 working day is Monday).
- `add_working_days(d, 0)` is `d` when `d` is a working day, otherwise the next working day.
- `working_days_between(start, end)` counts working days after `start`, up to and including
  `end`; it is 0 when `end <= start`. So `working_days_between(d, add_working_days(d, n)) == n`
  for every n >= 1.
- Calendar-day, week and month intervals are plain date arithmetic: a result on a weekend stays
  there. Adding months keeps the day of the month, or uses the month's last day if it is shorter
  (31 January + 1 month = 28 or 29 February).
"""

from __future__ import annotations

import calendar as stdlib_calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

import holidays

__all__ = [
    "ENGLAND_AND_WALES",
    "Interval",
    "TimeUnit",
    "WorkingCalendar",
    "add_interval",
    "add_months",
]

# The `holidays` subdivision code for England; Wales ("WLS") has the same bank holidays.
ENGLAND_AND_WALES = "ENG"

_SATURDAY = 5  # date.weekday(): Monday is 0, Saturday 5, Sunday 6


class TimeUnit(StrEnum):
    """How an interval is counted. Some LAs count 14 calendar days where others count 10 working."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    WEEKS = "weeks"
    MONTHS = "months"


_UNIT_WORDS: dict[TimeUnit, tuple[str, str]] = {
    TimeUnit.WORKING_DAYS: ("working day", "working days"),
    TimeUnit.CALENDAR_DAYS: ("day", "days"),
    TimeUnit.WEEKS: ("week", "weeks"),
    TimeUnit.MONTHS: ("month", "months"),
}


@dataclass(frozen=True)
class Interval:
    """An amount of time in one unit, e.g. `Interval(10, TimeUnit.WORKING_DAYS)`."""

    amount: int
    unit: TimeUnit

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount < 0:
            raise ValueError(
                f"An interval must be a whole number of 0 or more, not {self.amount!r}"
            )
        if not isinstance(self.unit, TimeUnit):
            raise ValueError(f"{self.unit!r} is not a unit of time")

    def describe(self) -> str:
        """Plain words: "10 working days", "1 week", "3 months"."""
        singular, plural = _UNIT_WORDS[self.unit]
        return f"{self.amount} {singular if self.amount == 1 else plural}"


@dataclass(frozen=True)
class WorkingCalendar:
    """England and Wales working days, plus any local closure days (e.g. a Christmas shutdown).

    Holidays are looked up one year at a time, on first use, and kept in this instance only.
    """

    closures: frozenset[date] = frozenset()
    subdivision: str = ENGLAND_AND_WALES
    _holidays_by_year: dict[int, frozenset[date]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )
    # add_working_days answers, kept: a sweep asks the same few thousand again and again
    _added: dict[tuple[date, int], date] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        # Accept any collection of dates (a list from config, say) but store it immutably.
        object.__setattr__(self, "closures", frozenset(self.closures))

    def bank_holidays(self, year: int) -> frozenset[date]:
        """Bank holidays in `year`, including substitute days (e.g. Boxing Day observed)."""
        cached = self._holidays_by_year.get(year)
        if cached is None:
            found = holidays.country_holidays("GB", subdiv=self.subdivision, years=year)
            cached = frozenset(found.keys())
            self._holidays_by_year[year] = cached
        return cached

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() < _SATURDAY
            and day not in self.closures
            and day not in self.bank_holidays(day.year)
        )

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, otherwise the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """The date `count` working days after `day` (see the module docstring for count 0)."""
        if count < 0:
            raise ValueError(f"Cannot add a negative number of working days ({count})")
        if count == 0:
            return self.next_working_day(day)
        key = (day, count)
        found = self._added.get(key)
        if found is None:
            found = day
            while count > 0:
                found += timedelta(days=1)
                if self.is_working_day(found):
                    count -= 1
            if len(self._added) < 100_000:
                self._added[key] = found
        return found

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start`, up to and including `end`; 0 if `end <= start`."""
        if end <= start:
            return 0
        weekdays = _weekdays_up_to(end) - _weekdays_up_to(start)
        days_off: set[date] = set(self.closures)
        for year in range(start.year, end.year + 1):
            days_off.update(self.bank_holidays(year))
        weekdays_off = sum(1 for d in days_off if start < d <= end and d.weekday() < _SATURDAY)
        return weekdays - weekdays_off


def _weekdays_up_to(day: date) -> int:
    """Monday-to-Friday days from 1 January of year 1 (a Monday) up to and including `day`."""
    ordinal = day.toordinal()  # 1 is Monday 1 January 0001
    full_weeks, rest = divmod(ordinal, 7)
    return full_weeks * 5 + min(rest, 5)


def add_months(day: date, months: int) -> date:
    """Same day of the month `months` later, or the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def add_interval(*, start: date, interval: Interval, calendar: WorkingCalendar) -> date:
    """The date `interval` after `start`, counted in the interval's own unit."""
    if interval.unit is TimeUnit.WORKING_DAYS:
        return calendar.add_working_days(start, interval.amount)
    if interval.unit is TimeUnit.CALENDAR_DAYS:
        return start + timedelta(days=interval.amount)
    if interval.unit is TimeUnit.WEEKS:
        return start + timedelta(weeks=interval.amount)
    return add_months(start, interval.amount)
