"""The FOI answer (`formats.foi`): questions 1 to 8 from settings, counts and the clock."""

from __future__ import annotations

import csv
import io

import pytest

from homeward.formats.foi import (
    CSV_COLUMNS,
    Clock,
    Counts,
    Delivery,
    FoiSettings,
    count_text,
    foi_answer,
    render_csv,
    render_text,
)

COUNTS = Counts(
    incidents=120,
    individuals=45,
    offered=100,
    accepted=60,
    declined=30,
    completed=58,
    completed_within=3,
)
CLOCK = Clock(basis="return", unit="hours", length=72, bunching="each")
SETTINGS = FoiSettings(
    deliveries={
        "2018-19": Delivery("2018-19", True, "Safe Steps (fictional)", True, "Missing team"),
        "2016-17": Delivery("2016-17", False, "", True, "Youth worker"),
        "2013-14": Delivery("2013-14", True, "Runaway Aid (fictional)", False, ""),
    },
    follow_up_support="sometimes",
    follow_up_details="Mentoring for 6 weeks",
    information_use="Shared with the social worker and, as intelligence, the police.",
    vulnerability_steps="Referral to the exploitation panel.",
    service_comments="=Guidance should set one clock.",
)


def answer(**changes) -> dict[tuple[str, str], str]:
    values = {
        "period": "2017-18",
        "current_period": "2018-19",
        "settings": SETTINGS,
        "counts": COUNTS,
        "clock": CLOCK,
    }
    values.update(changes)
    return {(p.question, p.part): p.answer for p in foi_answer(**values)}


def test_delivery_questions_use_now_and_one_and_four_years_before() -> None:
    got = answer()
    assert got[("1", "a")] == "Yes" and got[("1", "a(i)")] == "Safe Steps (fictional)"
    assert got[("1", "b")] == "Yes" and got[("1", "b(i)")] == "Missing team"
    assert got[("2", "a")] == "No" and got[("2", "a(i)")] == ""
    assert got[("2", "b(i)")] == "Youth worker"  # 2016-17
    assert got[("3", "a(i)")] == "Runaway Aid (fictional)"  # 2013-14
    assert got[("3", "b")] == "No"
    # A year with nothing recorded says so.
    other = answer(period="2025-26")
    assert other[("2", "a")] == "Not recorded" and other[("3", "b")] == "Not recorded"


def test_counts_are_exact_unless_suppression_is_asked_for() -> None:
    got = answer()
    assert [got[("4", "a")], got[("4", "b")]] == ["120", "45"]
    assert [got[("5", "a")], got[("5", "b")], got[("5", "c")]] == ["100", "60", "30"]
    assert [got[("6", "a")], got[("6", "b")]] == ["58", "3"]
    suppressed = answer(settings=FoiSettings(suppress_below=5))
    assert suppressed[("6", "b")] == "Fewer than 5"
    assert suppressed[("6", "a")] == "58"


@pytest.mark.parametrize(
    ("value", "below", "text"),
    [
        (0, 5, "0"),
        (1, 5, "Fewer than 5"),
        (4, 5, "Fewer than 5"),
        (5, 5, "5"),
        (3, 0, "3"),
        (None, 0, "Not recorded"),
    ],
)
def test_count_text(value: int | None, below: int, text: str) -> None:
    assert count_text(value, below) == text


def test_clock_explained_from_the_settings() -> None:
    hours = answer()
    assert "return" in hours[("6", "c(i)")] and "hours" in hours[("6", "c(ii)")]
    assert "own return" in hours[("6", "c(iii)")]
    working = answer(
        clock=Clock(
            basis="referral", unit="working_days", length=3, bunching="latest", nation="wales"
        )
    )
    assert "police" in working[("6", "c(i)")]
    assert "working day" in working[("6", "c(ii)")]
    assert "bank holidays in Wales" in working[("6", "c(ii)")]
    assert "most recent return" in working[("6", "c(iii)")]
    calendar = answer(clock=Clock("return", "calendar_days", 5, "each"))
    assert "calendar day" in calendar[("6", "c(ii)")]
    assert "Our own timescale is 5 calendar days" in calendar[("6", "c(ii)")]
    assert "Our own timescale" not in working[("6", "c(ii)")]


def test_questions_7_and_8_from_the_settings() -> None:
    got = answer()
    assert got[("7", "a")] == "Sometimes. Mentoring for 6 weeks"
    assert got[("7", "b")].startswith("Shared with the social worker")
    assert got[("7", "c")] == "Referral to the exploitation panel."
    assert got[("8", "")] == "=Guidance should set one clock."
    blank = answer(settings=FoiSettings())
    assert blank[("7", "a")] == "Not answered" and blank[("8", "")] == "Not answered"


def test_delivery_provider_codes() -> None:
    assert Delivery("x", True, "a", True, "b").provider == "mixed"
    assert Delivery("x", True, "a", False, "").provider == "independent"
    assert Delivery("x", None, "", True, "b").provider == "in_house"
    assert Delivery("x").provider == "not_known"


def test_csv_has_question_part_answer_and_safe_text() -> None:
    parts = foi_answer(
        period="2017-18", current_period="2018-19", settings=SETTINGS, counts=COUNTS, clock=CLOCK
    )
    rows = list(csv.reader(io.StringIO(render_csv(parts).decode("utf-8"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 1 + len(parts) == 1 + 12 + 10 + 4
    assert ["4", "a", "120"] in rows
    assert ["8", "", "'=Guidance should set one clock."] in rows


def test_text_answer_reads_as_the_request() -> None:
    parts = foi_answer(
        period="2017-18", current_period="2018-19", settings=SETTINGS, counts=COUNTS, clock=CLOCK
    )
    text = render_text(parts, authority_name="Fictional County Council", period="2017-18")
    assert "Fictional County Council" in text
    assert "2) In the year 2016-17" in text and "3) In the year 2013-14" in text
    assert "between 1 April 2017 and 31 March 2018" in text
    assert "a) Incidents of children going missing from home or care: 120" in text
    assert "Which agency: Safe Steps (fictional)" in text
    assert text.count("Which agency:") == 2  # 2016-17 had no agency: no empty line
