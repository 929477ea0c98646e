"""Dates and times as pages show them and people type them (homeward.formats.dates)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from homeward.formats.dates import (
    day_text,
    moment_text,
    month_text,
    parse_month,
    parse_time,
    time_text,
)


@pytest.mark.parametrize(
    ("hour", "minute", "text"),
    [
        (14, 50, "2:50pm"),
        (9, 5, "9:05am"),
        (10, 0, "10am"),
        (12, 0, "midday"),
        (0, 0, "midnight"),
        (12, 30, "12:30pm"),
        (0, 15, "12:15am"),
        (23, 59, "11:59pm"),
    ],
)
def test_times_are_written_in_the_govuk_style(hour, minute, text):
    assert time_text(hour, minute) == text


def test_days_months_and_moments_are_written_in_words():
    assert day_text(date(2026, 12, 6)) == "6 December 2026"
    assert month_text(date(2026, 9, 30)) == "September 2026"
    assert moment_text(datetime(2026, 12, 6, 14, 50)) == "6 December 2026 at 2:50pm"
    assert moment_text(datetime(2027, 1, 1, 0, 0)) == "1 January 2027 at midnight"


@pytest.mark.parametrize(
    ("typed", "month"),
    [("3", 3), ("03", 3), ("12", 12), ("Mar", 3), ("march", 3), ("Sept", 9), ("dec.", 12)],
)
def test_a_month_may_be_typed_as_a_number_or_a_name(typed, month):
    assert parse_month(typed) == month


@pytest.mark.parametrize("typed", ["0", "13", "Marchember", "", "3.5"])
def test_a_month_that_is_not_one_is_refused(typed):
    assert parse_month(typed) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14:50", time(14, 50)),
        ("14.50", time(14, 50)),
        ("1450", time(14, 50)),
        ("2:50pm", time(14, 50)),
        ("2:50 PM", time(14, 50)),
        ("2.50 p.m.", time(14, 50)),
        ("9am", time(9, 0)),
        ("9 am", time(9, 0)),
        ("09:30", time(9, 30)),
        ("12pm", time(12, 0)),
        ("12am", time(0, 0)),
        ("12:15am", time(0, 15)),
        ("midday", time(12, 0)),
        ("Noon", time(12, 0)),
        ("midnight", time(0, 0)),
        ("0:00", time(0, 0)),
        ("23:59", time(23, 59)),
    ],
)
def test_a_time_may_be_typed_as_people_write_it(typed, expected):
    assert parse_time(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", "9", "25:00", "14:60", "13pm", "0am", "2:5pm", "half past two", "2:50 m"]
)
def test_a_time_that_is_not_one_or_is_ambiguous_is_refused(typed):
    assert parse_time(typed) is None


@pytest.mark.parametrize("hour", range(24))
def test_every_time_the_pages_write_can_be_typed_back(hour):
    for minute in (0, 1, 30, 59):
        assert parse_time(time_text(hour, minute)) == time(hour, minute)
