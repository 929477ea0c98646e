"""Hand-checked dates for the statutory clock.

Every expected date below was worked out by hand from the published UK bank holidays, not
computed with the code under test.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from homeward.standards import (
    Basis,
    Bunching,
    Clock,
    Due,
    Nation,
    Unit,
    seventy_two_hours,
)

ENG, WLS, SCT, NIR = Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND, Nation.NORTHERN_IRELAND


def working(length: int, nation: Nation) -> Clock:
    return Clock(Unit.WORKING_DAYS, length, nation)


def due_date(clock: Clock, start: date) -> date | None:
    return clock.due(datetime.combine(start, time(10))).by_date


# --- working days -----------------------------------------------------------------------


@pytest.mark.parametrize("nation", list(Nation))
def test_a_saturday_return_is_due_by_wednesday(nation: Nation) -> None:
    # Saturday 21 November 2026: Monday 23, Tuesday 24, Wednesday 25.
    assert due_date(working(3, nation), date(2026, 11, 21)) == date(2026, 11, 25)


@pytest.mark.parametrize("nation", list(Nation))
def test_a_sunday_return_is_also_due_by_wednesday(nation: Nation) -> None:
    assert due_date(working(3, nation), date(2026, 11, 22)) == date(2026, 11, 25)


@pytest.mark.parametrize("nation", list(Nation))
def test_an_ordinary_week(nation: Nation) -> None:
    # Monday 16 November 2026: Tuesday 17, Wednesday 18, Thursday 19.
    assert due_date(working(3, nation), date(2026, 11, 16)) == date(2026, 11, 19)
    # Wednesday 18 November 2026: Thursday 19, Friday 20, Monday 23.
    assert due_date(working(3, nation), date(2026, 11, 18)) == date(2026, 11, 23)


@pytest.mark.parametrize(
    ("nation", "expected"),
    [
        # Maundy Thursday 28 March 2024. Good Friday 29 March is a holiday everywhere;
        # Easter Monday 1 April is one in England, Wales and Northern Ireland, not Scotland.
        (ENG, date(2024, 4, 4)),
        (WLS, date(2024, 4, 4)),
        (NIR, date(2024, 4, 4)),
        (SCT, date(2024, 4, 3)),
    ],
)
def test_easter_good_friday_and_easter_monday(nation: Nation, expected: date) -> None:
    assert due_date(working(3, nation), date(2024, 3, 28)) == expected


@pytest.mark.parametrize(("nation", "expected"), [(ENG, date(2024, 4, 2)), (SCT, date(2024, 4, 1))])
def test_one_working_day_from_good_friday(nation: Nation, expected: date) -> None:
    assert due_date(working(1, nation), date(2024, 3, 29)) == expected


def test_a_start_on_a_bank_holiday_counts_from_the_next_working_day() -> None:
    # Easter Monday 1 April 2024 in England: Tuesday 2, Wednesday 3, Thursday 4.
    assert due_date(working(3, ENG), date(2024, 4, 1)) == date(2024, 4, 4)
    # Christmas Day 2024 (Wednesday); Boxing Day is a holiday; Friday 27, Monday 30, Tuesday 31.
    assert due_date(working(3, ENG), date(2024, 12, 25)) == date(2024, 12, 31)
    assert due_date(working(3, SCT), date(2024, 12, 25)) == date(2024, 12, 31)


@pytest.mark.parametrize("nation", list(Nation))
def test_christmas_2021_substitute_days(nation: Nation) -> None:
    # Christmas Day and Boxing Day 2021 fell on Saturday and Sunday; the substitute holidays
    # are Monday 27 and Tuesday 28 December in all four nations. Friday 24 December: the
    # working days are Wednesday 29, Thursday 30, Friday 31.
    assert due_date(working(1, nation), date(2021, 12, 24)) == date(2021, 12, 29)
    assert due_date(working(3, nation), date(2021, 12, 24)) == date(2021, 12, 31)


@pytest.mark.parametrize("nation", list(Nation))
def test_christmas_2022_substitute_day(nation: Nation) -> None:
    # Christmas Day 2022 was a Sunday: Boxing Day Monday 26, substitute Tuesday 27 December.
    # Friday 23 December: Wednesday 28, Thursday 29, Friday 30.
    assert due_date(working(1, nation), date(2022, 12, 23)) == date(2022, 12, 28)
    assert due_date(working(3, nation), date(2022, 12, 23)) == date(2022, 12, 30)


@pytest.mark.parametrize(
    ("nation", "expected"),
    [
        # Wednesday 29 December 2021: Thursday 30, Friday 31, then New Year's Day 2022 (a
        # Saturday) is observed on Monday 3 January everywhere; Scotland also observes
        # 2 January (a Sunday) on Tuesday 4 January.
        (ENG, date(2022, 1, 4)),
        (WLS, date(2022, 1, 4)),
        (NIR, date(2022, 1, 4)),
        (SCT, date(2022, 1, 5)),
    ],
)
def test_year_end_crossing_2021_22(nation: Nation, expected: date) -> None:
    assert due_date(working(3, nation), date(2021, 12, 29)) == expected


@pytest.mark.parametrize(
    ("nation", "one", "three"),
    [
        # Tuesday 31 December 2024. 1 January is a holiday everywhere; 2 January only in
        # Scotland.
        (ENG, date(2025, 1, 2), date(2025, 1, 6)),
        (NIR, date(2025, 1, 2), date(2025, 1, 6)),
        (SCT, date(2025, 1, 3), date(2025, 1, 7)),
    ],
)
def test_first_and_second_of_january_in_scotland(nation: Nation, one: date, three: date) -> None:
    assert due_date(working(1, nation), date(2024, 12, 31)) == one
    assert due_date(working(3, nation), date(2024, 12, 31)) == three


def test_christmas_to_new_year_2024_25() -> None:
    # Christmas Day 2024: Friday 27, Monday 30, Tuesday 31, then Thursday 2 January in
    # England but Friday 3 January in Scotland.
    assert due_date(working(4, ENG), date(2024, 12, 25)) == date(2025, 1, 2)
    assert due_date(working(4, SCT), date(2024, 12, 25)) == date(2025, 1, 3)


@pytest.mark.parametrize(
    ("start", "england", "scotland"),
    [
        # St Andrew's Day, Monday 30 November 2026.
        (date(2026, 11, 27), date(2026, 11, 30), date(2026, 12, 1)),
        # 30 November 2025 is a Sunday: Scotland observes it on Monday 1 December.
        (date(2025, 11, 28), date(2025, 12, 1), date(2025, 12, 2)),
    ],
)
def test_st_andrews_day_in_scotland(start: date, england: date, scotland: date) -> None:
    assert due_date(working(1, ENG), start) == england
    assert due_date(working(1, SCT), start) == scotland


@pytest.mark.parametrize(
    ("start", "england", "northern_ireland"),
    [
        # Battle of the Boyne, Wednesday 12 July 2023.
        (date(2023, 7, 11), date(2023, 7, 12), date(2023, 7, 13)),
        # 12 July 2026 is a Sunday: observed Monday 13 July in Northern Ireland.
        (date(2026, 7, 10), date(2026, 7, 13), date(2026, 7, 14)),
    ],
)
def test_twelfth_of_july_in_northern_ireland(
    start: date, england: date, northern_ireland: date
) -> None:
    assert due_date(working(1, ENG), start) == england
    assert due_date(working(1, NIR), start) == northern_ireland


@pytest.mark.parametrize(
    ("start", "england", "northern_ireland"),
    [
        # St Patrick's Day, Monday 17 March 2025.
        (date(2025, 3, 14), date(2025, 3, 17), date(2025, 3, 18)),
        # 17 March 2024 is a Sunday: observed Monday 18 March in Northern Ireland.
        (date(2024, 3, 15), date(2024, 3, 18), date(2024, 3, 19)),
    ],
)
def test_st_patricks_day_in_northern_ireland(
    start: date, england: date, northern_ireland: date
) -> None:
    assert due_date(working(1, ENG), start) == england
    assert due_date(working(1, NIR), start) == northern_ireland
    # Scotland and Wales do not keep St Patrick's Day either.
    assert due_date(working(1, SCT), start) == england
    assert due_date(working(1, WLS), start) == england


def test_the_time_of_day_does_not_move_a_working_day_due_date() -> None:
    clock = working(3, ENG)
    early = clock.due(datetime(2026, 11, 16, 0, 0))
    late = clock.due(datetime(2026, 11, 16, 23, 59, 59))
    assert early == late == Due(Unit.WORKING_DAYS, by_date=date(2026, 11, 19))


# --- calendar days ----------------------------------------------------------------------


def test_calendar_days_ignore_weekends_and_holidays() -> None:
    clock = Clock(Unit.CALENDAR_DAYS, 3, ENG)
    # Good Friday 29 March 2024 + 3 days = Easter Monday 1 April.
    assert clock.due(datetime(2024, 3, 29, 9)).by_date == date(2024, 4, 1)


def test_calendar_days_across_the_year_end_and_a_leap_day() -> None:
    clock = Clock(Unit.CALENDAR_DAYS, 3, SCT)
    assert clock.due(datetime(2026, 12, 30, 23, 50)).by_date == date(2027, 1, 2)
    assert clock.due(datetime(2024, 2, 27, 8)).by_date == date(2024, 3, 1)
    assert clock.due(datetime(2023, 2, 27, 8)).by_date == date(2023, 3, 2)


def test_calendar_days_whole_due_date_counts() -> None:
    clock = Clock(Unit.CALENDAR_DAYS, 3, ENG)
    start = datetime(2026, 12, 30, 23, 50)
    assert clock.is_within(start, datetime(2027, 1, 2, 23, 59, 59))
    assert not clock.is_within(start, datetime(2027, 1, 3, 0, 0))


# --- hours ------------------------------------------------------------------------------


def test_hours_are_exact_to_the_second() -> None:
    clock = Clock(Unit.HOURS, 72, ENG)
    start = datetime(2026, 11, 22, 17, 30)
    assert clock.due(start).at == datetime(2026, 11, 25, 17, 30)
    assert clock.is_within(start, datetime(2026, 11, 25, 17, 30))
    assert not clock.is_within(start, datetime(2026, 11, 25, 17, 30, 1))


def test_hours_ignore_weekends_and_holidays() -> None:
    # Thursday 24 December 2026 09:00 + 72 hours = Sunday 27 December 09:00.
    due = Clock(Unit.HOURS, 72, ENG).due(datetime(2026, 12, 24, 9))
    assert due.at == datetime(2026, 12, 27, 9)


def test_hours_run_on_the_wall_clock_across_the_clocks_going_forward() -> None:
    # The clocks go forward at 01:00 on Sunday 29 March 2026; only 71 real hours pass
    # between these two wall-clock times, but the contract counts the wall clock.
    due = Clock(Unit.HOURS, 72, ENG).due(datetime(2026, 3, 28, 12))
    assert due.at == datetime(2026, 3, 31, 12)


def test_hours_across_the_year_end() -> None:
    due = Clock(Unit.HOURS, 72, NIR).due(datetime(2026, 12, 30, 12))
    assert due.at == datetime(2027, 1, 2, 12)


# --- within: no start, no lower bound ---------------------------------------------------


@pytest.mark.parametrize("unit", list(Unit))
def test_no_clock_start_is_never_within(unit: Unit) -> None:
    assert not seventy_two_hours(unit, ENG).is_within(None, datetime(2026, 1, 1))


@pytest.mark.parametrize("unit", list(Unit))
def test_a_completion_before_the_start_is_within(unit: Unit) -> None:
    clock = seventy_two_hours(unit, ENG)
    assert clock.is_within(datetime(2026, 11, 22, 17, 30), datetime(2020, 1, 1))


def test_working_days_within_and_after() -> None:
    clock = working(3, ENG)
    start = datetime(2026, 11, 21, 18, 0)  # Saturday
    assert clock.is_within(start, datetime(2026, 11, 25, 23, 59, 59))
    assert not clock.is_within(start, datetime(2026, 11, 26, 0, 0))


# --- the Due value ----------------------------------------------------------------------


def test_due_descriptions() -> None:
    hours = Clock(Unit.HOURS, 72, ENG).due(datetime(2026, 11, 22, 17, 30))
    assert hours.description == "by 17:30 on Wednesday 25 November 2026"
    assert str(hours) == hours.description
    days = working(3, ENG).due(datetime(2026, 11, 21, 17, 30))
    assert days.description == "by the end of Wednesday 25 November 2026"
    with_seconds = Due(Unit.HOURS, at=datetime(2027, 1, 1, 9, 5, 7))
    assert with_seconds.description == "by 09:05:07 on Friday 1 January 2027"


def test_due_last_moment() -> None:
    days = Due(Unit.CALENDAR_DAYS, by_date=date(2026, 11, 25))
    assert days.last_moment == datetime(2026, 11, 25, 23, 59, 59)
    assert days.last_date == date(2026, 11, 25)
    hours = Due(Unit.HOURS, at=datetime(2026, 11, 25, 17, 30))
    assert hours.last_moment == datetime(2026, 11, 25, 17, 30)
    assert hours.last_date == date(2026, 11, 25)


def test_due_is_met_by() -> None:
    days = Due(Unit.WORKING_DAYS, by_date=date(2026, 11, 25))
    assert days.is_met_by(datetime(2026, 11, 25, 23, 59, 59, 999999))
    assert not days.is_met_by(datetime(2026, 11, 26))
    hours = Due(Unit.HOURS, at=datetime(2026, 11, 25, 17, 30))
    assert hours.is_met_by(datetime(2026, 11, 25, 17, 30))
    assert not hours.is_met_by(datetime(2026, 11, 25, 17, 30, 0, 1))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"unit": Unit.HOURS},
        {"unit": Unit.HOURS, "by_date": date(2026, 1, 1)},
        {"unit": Unit.HOURS, "at": datetime(2026, 1, 1), "by_date": date(2026, 1, 1)},
        {"unit": Unit.CALENDAR_DAYS, "at": datetime(2026, 1, 1)},
        {"unit": Unit.WORKING_DAYS},
        {"unit": "fortnights", "by_date": date(2026, 1, 1)},
    ],
)
def test_due_refuses_inconsistent_values(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Due(**kwargs)  # type: ignore[arg-type]


# --- the Clock value --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "length"),
    [(Unit.HOURS, 72), (Unit.CALENDAR_DAYS, 3), (Unit.WORKING_DAYS, 3)],
)
@pytest.mark.parametrize("nation", list(Nation))
def test_seventy_two_hours(unit: Unit, length: int, nation: Nation) -> None:
    assert seventy_two_hours(unit, nation) == Clock(unit, length, nation)


def test_clock_accepts_text_for_unit_and_nation() -> None:
    clock = Clock("working_days", 3, "northern_ireland")  # type: ignore[arg-type]
    assert clock == Clock(Unit.WORKING_DAYS, 3, NIR)
    assert clock.unit is Unit.WORKING_DAYS
    assert clock.nation is NIR


@pytest.mark.parametrize("length", [0, -3])
def test_clock_refuses_a_length_that_is_not_positive(length: int) -> None:
    with pytest.raises(ValueError, match="length must be positive"):
        Clock(Unit.HOURS, length, ENG)


@pytest.mark.parametrize("length", [True, 2.5, "3"])
def test_clock_refuses_a_length_that_is_not_a_whole_number(length: object) -> None:
    with pytest.raises(TypeError, match="length must be a whole number"):
        Clock(Unit.HOURS, length, ENG)  # type: ignore[arg-type]


def test_clock_refuses_an_unknown_unit_or_nation() -> None:
    with pytest.raises(ValueError, match="unknown unit 'weeks'"):
        Clock("weeks", 1, ENG)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown nation"):
        Clock(Unit.HOURS, 72, "mercia")  # type: ignore[arg-type]


def test_clock_refuses_time_zone_aware_timestamps() -> None:
    clock = Clock(Unit.HOURS, 72, ENG)
    aware = datetime(2026, 6, 1, 12, tzinfo=timezone(timedelta(hours=1)))
    with pytest.raises(ValueError, match="naive"):
        clock.due(aware)
    with pytest.raises(ValueError, match="naive"):
        clock.is_within(datetime(2026, 6, 1, 12), aware)


def test_clock_refuses_a_bare_date() -> None:
    with pytest.raises(TypeError, match="must be a datetime"):
        Clock(Unit.HOURS, 72, ENG).due(date(2026, 6, 1))  # type: ignore[arg-type]


def test_clock_descriptions() -> None:
    assert str(Clock(Unit.HOURS, 72, ENG)) == "72 hours"
    assert Clock(Unit.HOURS, 1, ENG).description == "1 hour"
    assert Clock(Unit.CALENDAR_DAYS, 7, SCT).description == "7 calendar days"
    assert (
        Clock(Unit.WORKING_DAYS, 3, NIR).description
        == "3 working days (Northern Ireland bank holidays)"
    )


def test_enum_values_match_the_indicator_column_names() -> None:
    # The indicators' columns are within_{basis}_{unit}_{bunching}; these spellings are
    # part of the contract.
    assert [u.value for u in Unit] == ["hours", "calendar_days", "working_days"]
    assert [b.value for b in Basis] == ["return", "referral"]
    assert [b.value for b in Bunching] == ["each", "latest"]
    assert f"within_{Basis.REFERRAL}_{Unit.WORKING_DAYS}_{Bunching.LATEST}" == (
        "within_referral_working_days_latest"
    )
