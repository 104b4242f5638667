"""Working days: England and Wales bank holidays, local closures, and agreement with a naive count."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.timescales.calendar import WorkingCalendar

# One calendar shared by every example keeps the property tests fast: holidays are cached per year.
CALENDAR = WorkingCalendar()

# The reference list is read straight from the library, independently of WorkingCalendar.
ENGLAND_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG", years=range(2019, 2038))

dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
spans = st.integers(min_value=0, max_value=400)
# No deadline: the first holiday lookup for a year is slow. No database: tests do not touch disk.
slow_first_lookup = settings(deadline=None, database=None)


def naive_is_working_day(day: date, closures: frozenset[date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in ENGLAND_HOLIDAYS and day not in closures


def naive_count(start: date, end: date, closures: frozenset[date] = frozenset()) -> int:
    """Working days after start up to and including end, one day at a time."""
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        if naive_is_working_day(day, closures):
            count += 1
        day += timedelta(days=1)
    return count


def naive_add(start: date, count: int) -> date:
    """Step one day at a time; adding 0 moves a non-working day to the next working day."""
    day = start
    if count == 0:
        while not naive_is_working_day(day):
            day += timedelta(days=1)
        return day
    while count > 0:
        day += timedelta(days=1)
        if naive_is_working_day(day):
            count -= 1
    return day


# --- known dates --------------------------------------------------------------------------------


def test_easter_2026_good_friday_and_easter_monday_are_bank_holidays() -> None:
    assert date(2026, 4, 3) in CALENDAR.bank_holidays(2026)
    assert date(2026, 4, 6) in CALENDAR.bank_holidays(2026)
    assert not CALENDAR.is_working_day(date(2026, 4, 3))
    assert not CALENDAR.is_working_day(date(2026, 4, 6))


def test_boxing_day_2026_on_a_saturday_is_substituted_by_monday_28_december() -> None:
    assert date(2026, 12, 25).weekday() == 4  # Christmas 2026 is a Friday
    assert date(2026, 12, 28) in CALENDAR.bank_holidays(2026)
    assert not CALENDAR.is_working_day(date(2026, 12, 28))
    assert CALENDAR.is_working_day(date(2026, 12, 29))


def test_welsh_bank_holidays_are_the_same_as_englands() -> None:
    wales = WorkingCalendar(subdivision="WLS")
    for year in (2024, 2025, 2026, 2027):
        assert wales.bank_holidays(year) == CALENDAR.bank_holidays(year)


def test_scottish_only_holidays_are_working_days() -> None:
    assert CALENDAR.is_working_day(date(2026, 1, 2))  # 2 January is a holiday in Scotland only
    assert CALENDAR.is_working_day(date(2026, 11, 30))  # St Andrew's Day


def test_weekends_are_not_working_days() -> None:
    assert not CALENDAR.is_working_day(date(2026, 3, 7))
    assert not CALENDAR.is_working_day(date(2026, 3, 8))
    assert CALENDAR.is_working_day(date(2026, 3, 9))


def test_add_working_days_skips_good_friday_and_easter_monday() -> None:
    assert CALENDAR.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)


def test_add_working_days_skips_christmas_and_boxing_day() -> None:
    # Thu 24 Dec 2026 + 1: Fri 25 (Christmas), weekend, Mon 28 (Boxing Day substitute) → Tue 29.
    assert CALENDAR.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)


def test_add_working_days_from_a_saturday_starts_counting_on_monday() -> None:
    assert CALENDAR.add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9)


def test_add_zero_working_days_keeps_a_working_day() -> None:
    assert CALENDAR.add_working_days(date(2026, 3, 9), 0) == date(2026, 3, 9)


def test_add_zero_working_days_moves_a_holiday_to_the_next_working_day() -> None:
    assert CALENDAR.add_working_days(date(2026, 4, 3), 0) == date(2026, 4, 7)


def test_add_negative_working_days_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        CALENDAR.add_working_days(date(2026, 3, 9), -1)


def test_ten_working_days_across_christmas_2026() -> None:
    # Thu 17 Dec: 18, 21-24, [25, 28 holidays], 29-31, [1 Jan], 4, 5 → Tue 5 Jan 2027.
    assert CALENDAR.add_working_days(date(2026, 12, 17), 10) == date(2027, 1, 5)


def test_working_days_between_counts_after_start_up_to_and_including_end() -> None:
    assert CALENDAR.working_days_between(date(2026, 3, 9), date(2026, 3, 13)) == 4
    assert CALENDAR.working_days_between(date(2026, 3, 9), date(2026, 3, 16)) == 5


def test_working_days_between_is_zero_when_end_is_not_after_start() -> None:
    assert CALENDAR.working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    assert CALENDAR.working_days_between(date(2026, 3, 9), date(2026, 3, 1)) == 0


def test_working_days_between_leaves_out_easter() -> None:
    assert CALENDAR.working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1


# --- local closures -----------------------------------------------------------------------------


def test_local_christmas_closure_days_are_not_working_days() -> None:
    shutdown = WorkingCalendar(closures=frozenset({date(2026, 12, 29), date(2026, 12, 30)}))
    assert not shutdown.is_working_day(date(2026, 12, 29))
    assert shutdown.is_working_day(date(2026, 12, 31))
    assert CALENDAR.is_working_day(date(2026, 12, 29))


def test_add_working_days_skips_local_closures() -> None:
    closed = [date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)]
    shutdown = WorkingCalendar(closures=frozenset(closed))
    # After Christmas, Boxing Day substitute, the closure and New Year's Day: Mon 4 Jan 2027.
    assert shutdown.add_working_days(date(2026, 12, 24), 1) == date(2027, 1, 4)
    assert shutdown.working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 1


def test_closures_given_as_a_list_are_stored_immutably_and_compare_equal() -> None:
    from_list = WorkingCalendar(closures=[date(2026, 12, 29)])  # type: ignore[arg-type]
    from_set = WorkingCalendar(closures=frozenset({date(2026, 12, 29)}))
    assert from_list == from_set
    assert hash(from_list) == hash(from_set)


def test_holiday_years_are_cached_in_the_calendar_instance() -> None:
    calendar = WorkingCalendar()
    assert calendar.bank_holidays(2027) is calendar.bank_holidays(2027)
    assert WorkingCalendar() == calendar  # the cache plays no part in equality


# --- properties against a naive day-by-day count ------------------------------------------------


@slow_first_lookup
@given(start=dates, span=spans)
def test_working_days_between_agrees_with_a_naive_count(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    assert CALENDAR.working_days_between(start, end) == naive_count(start, end)


@slow_first_lookup
@given(start=dates, count=st.integers(min_value=0, max_value=300))
def test_add_working_days_agrees_with_naive_stepping(start: date, count: int) -> None:
    assert CALENDAR.add_working_days(start, count) == naive_add(start, count)


@slow_first_lookup
@given(start=dates, count=st.integers(min_value=0, max_value=300))
def test_add_working_days_always_lands_on_a_working_day(start: date, count: int) -> None:
    result = CALENDAR.add_working_days(start, count)
    assert CALENDAR.is_working_day(result)
    assert naive_is_working_day(result)
    assert result >= start


@slow_first_lookup
@given(start=dates, count=st.integers(min_value=1, max_value=300))
def test_counting_back_the_added_working_days_gives_the_same_number(
    start: date, count: int
) -> None:
    assert CALENDAR.working_days_between(start, CALENDAR.add_working_days(start, count)) == count


@slow_first_lookup
@given(start=dates, span=spans)
def test_adding_the_working_days_between_reaches_the_last_working_day_up_to_end(
    start: date, span: int
) -> None:
    end = start + timedelta(days=span)
    count = CALENDAR.working_days_between(start, end)
    reached = CALENDAR.add_working_days(start, count)
    if count == 0:
        # No working day after start up to end: adding 0 gives start or its next working day.
        assert reached == CALENDAR.next_working_day(start)
        assert reached == start or reached > end
    else:
        assert start < reached <= end
        assert CALENDAR.working_days_between(reached, end) == 0
        if CALENDAR.is_working_day(end):
            assert reached == end


@slow_first_lookup
@given(first=dates, gap_one=spans, gap_two=spans)
def test_working_days_between_adds_up_over_consecutive_spans(
    first: date, gap_one: int, gap_two: int
) -> None:
    middle = first + timedelta(days=gap_one)
    last = middle + timedelta(days=gap_two)
    assert CALENDAR.working_days_between(first, last) == (
        CALENDAR.working_days_between(first, middle) + CALENDAR.working_days_between(middle, last)
    )


@slow_first_lookup
@given(
    start=dates,
    span=spans,
    closure_offsets=st.frozensets(st.integers(min_value=0, max_value=400), max_size=20),
)
def test_local_closures_agree_with_a_naive_count(
    start: date, span: int, closure_offsets: frozenset[int]
) -> None:
    closures = frozenset(start + timedelta(days=offset) for offset in closure_offsets)
    calendar = WorkingCalendar(closures=closures)
    end = start + timedelta(days=span)
    assert calendar.working_days_between(start, end) == naive_count(start, end, closures)
    result = calendar.add_working_days(start, span // 2)
    assert naive_is_working_day(result, closures)
