"""Properties of the statutory clock across all four nations and the years 2000–2040.

The oracles here count days one by one from the bank-holiday list, independently of
`working_days_after`'s own loop.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.standards import (
    AuthoritySettings,
    Basis,
    Bunching,
    Clock,
    Nation,
    Unit,
    bank_holidays,
    seventy_two_hours,
)

# Whole seconds, as in the contract's timestamps.
starts = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31, 23, 59, 59)
).map(lambda moment: moment.replace(microsecond=0))
nations = st.sampled_from(list(Nation))
units = st.sampled_from(list(Unit))
lengths = st.integers(min_value=1, max_value=30)

# Enough to sweep the years and nations, small enough to keep the whole file to a few seconds.
PROPERTY = settings(max_examples=300, deadline=None)


def holidays_around(day: date, nation: Nation) -> frozenset[date]:
    return bank_holidays(nation, range(day.year, day.year + 2))


def working_days_between(after: date, up_to: date, nation: Nation) -> int:
    """Working days in the half-open range (after, up_to]."""
    holidays = holidays_around(after, nation) | holidays_around(up_to, nation)
    count = 0
    day = after + timedelta(days=1)
    while day <= up_to:
        if day.weekday() < 5 and day not in holidays:
            count += 1
        day += timedelta(days=1)
    return count


@PROPERTY
@given(start=starts, length=lengths, nation=nations)
def test_working_days_due_date(start: datetime, length: int, nation: Nation) -> None:
    by_date = Clock(Unit.WORKING_DAYS, length, nation).due(start).by_date
    assert by_date is not None
    # A working day, strictly after the start date, with exactly `length` working days in
    # (start, due]: so no earlier date would do and no later one is needed.
    assert by_date > start.date()
    assert by_date.weekday() < 5
    assert by_date not in holidays_around(by_date, nation)
    assert working_days_between(start.date(), by_date, nation) == length


@PROPERTY
@given(start=starts, length=lengths, nation=nations)
def test_calendar_days_due_date(start: datetime, length: int, nation: Nation) -> None:
    due = Clock(Unit.CALENDAR_DAYS, length, nation).due(start)
    assert due.by_date == start.date() + timedelta(days=length)
    assert due.at is None


@PROPERTY
@given(start=starts, length=st.integers(min_value=1, max_value=24 * 30), nation=nations)
def test_hours_due_moment(start: datetime, length: int, nation: Nation) -> None:
    due = Clock(Unit.HOURS, length, nation).due(start)
    assert due.at is not None
    assert due.at - start == timedelta(hours=length)
    assert due.by_date is None


@PROPERTY
@given(
    first=starts,
    gap=st.integers(min_value=0, max_value=20 * 24 * 3600),
    unit=units,
    length=lengths,
    nation=nations,
)
def test_a_later_start_never_gives_an_earlier_due_point(
    first: datetime, gap: int, unit: Unit, length: int, nation: Nation
) -> None:
    clock = Clock(unit, length, nation)
    second = first + timedelta(seconds=gap)
    assert clock.due(first).last_moment <= clock.due(second).last_moment


@PROPERTY
@given(start=starts, unit=units, length=lengths, nation=nations)
def test_the_due_point_is_within_and_just_after_is_not(
    start: datetime, unit: Unit, length: int, nation: Nation
) -> None:
    clock = Clock(unit, length, nation)
    due = clock.due(start)
    assert clock.is_within(start, due.last_moment)
    assert not clock.is_within(start, due.last_moment + timedelta(seconds=1))
    if unit.is_days:
        # Any time on the due date is within; any time the next day is not.
        assert due.by_date is not None
        assert clock.is_within(start, datetime.combine(due.by_date, datetime.min.time()))
        next_day = due.by_date + timedelta(days=1)
        assert not clock.is_within(start, datetime.combine(next_day, datetime.max.time()))
        assert not clock.is_within(start, datetime.combine(next_day, datetime.min.time()))


@PROPERTY
@given(
    start=starts,
    offset=st.integers(min_value=-10 * 24 * 3600, max_value=30 * 24 * 3600),
    unit=units,
    length=st.integers(min_value=1, max_value=10),
    nation=nations,
)
def test_is_within_matches_the_definitions(
    start: datetime, offset: int, unit: Unit, length: int, nation: Nation
) -> None:
    completed = start + timedelta(seconds=offset)
    if unit is Unit.HOURS:
        expected = completed <= start + timedelta(hours=length)
    elif unit is Unit.CALENDAR_DAYS:
        expected = completed.date() <= start.date() + timedelta(days=length)
    else:
        # Within while fewer than `length` working days have passed before the completion
        # date: on the due date itself, length - 1 have.
        before = completed.date() - timedelta(days=1)
        expected = working_days_between(start.date(), before, nation) < length
    assert Clock(unit, length, nation).is_within(start, completed) is expected


@PROPERTY
@given(start=starts, completed=starts, unit=units, length=lengths, nation=nations)
def test_no_start_is_never_within_and_earlier_is_always_within(
    start: datetime, completed: datetime, unit: Unit, length: int, nation: Nation
) -> None:
    clock = Clock(unit, length, nation)
    assert not clock.is_within(None, completed)
    if completed <= start:
        assert clock.is_within(start, completed)


@PROPERTY
@given(start=starts, completed=starts, unit=units, nation=nations)
def test_seventy_two_hours_variants(
    start: datetime, completed: datetime, unit: Unit, nation: Nation
) -> None:
    within = seventy_two_hours(unit, nation).is_within(start, completed)
    if unit is Unit.HOURS:
        assert within is (completed <= start + timedelta(hours=72))
    elif unit is Unit.CALENDAR_DAYS:
        assert within is (completed.date() <= start.date() + timedelta(days=3))
    else:
        due = Clock(Unit.WORKING_DAYS, 3, nation).due(start).by_date
        assert due is not None
        assert within is (completed.date() <= due)
        assert working_days_between(start.date(), due, nation) == 3


@settings(max_examples=100, deadline=None)
@given(
    nation=nations,
    basis=st.sampled_from(list(Basis)),
    unit=units,
    bunching=st.sampled_from(list(Bunching)),
    length=lengths,
)
def test_authority_settings_give_their_clock_and_accept_text(
    nation: Nation, basis: Basis, unit: Unit, bunching: Bunching, length: int
) -> None:
    from_enums = AuthoritySettings(nation, basis, unit, bunching, length)
    from_text = AuthoritySettings(
        str(nation.value),  # type: ignore[arg-type]
        str(basis.value),  # type: ignore[arg-type]
        str(unit.value),  # type: ignore[arg-type]
        str(bunching.value),  # type: ignore[arg-type]
        length,
    )
    assert from_text == from_enums
    assert from_enums.clock() == Clock(unit, length, nation)
