"""`build_foi_answer`: questions 1 to 8 from the records and the authority's settings."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from homeward.organisations.models import Authority
from homeward.returns.foi import build_foi_answer, financial_year_of
from homeward.returns.foi_settings import DeliveryAnswer, foi_settings_save
from homeward.returns.models import FoiDelivery, FoiSettings
from tests.factories import World
from tests.returns.records import END, START, Records


def answers(export) -> dict[tuple[str, str], str]:
    [data] = [f.data for f in export.files if f.name.endswith(".csv")]
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    return {(r["question"], r["part"]): r["answer"] for r in rows}


def test_counts_are_the_hand_counted_year(records: Records) -> None:
    export = build_foi_answer(start=START, end=END, degrade=False)
    assert sorted(f.name for f in export.files) == [
        "foi-answer-E10000099-2024-25.csv",
        "foi-answer-E10000099-2024-25.txt",
    ]
    assert export.children == []
    got = answers(export)
    assert [got[("4", "a")], got[("4", "b")]] == ["7", "4"]
    assert [got[("5", "a")], got[("5", "b")], got[("5", "c")]] == ["3", "2", "1"]
    assert [got[("6", "a")], got[("6", "b")]] == ["2", "1"]
    assert "return" in got[("6", "c(i)")] and "hours" in got[("6", "c(ii)")]
    text = next(f for f in export.files if f.name.endswith(".txt")).data.decode("utf-8")
    assert "Fictional County Council" in text and "between 1 April 2024 and 31 March 2025" in text


def test_settings_appear_in_the_answer_and_small_counts_can_be_withheld(
    world: World, records: Records
) -> None:
    manager = world.user("manager")
    current = financial_year_of(timezone.localdate())
    for period, agency in ((current, "Safe Steps"), ("2023-24", "Runaway Aid"), ("2020-21", "Old")):
        foi_settings_save(
            by=manager,
            authority=world.authority,
            answers={
                "follow_up_support": "yes",
                "follow_up_details": "Six weeks of mentoring",
                "information_use": "Shared with the social worker",
                "vulnerability_steps": "Exploitation panel",
                "service_comments": "One national clock, please",
                "suppress_below": 5,
            },
            delivery=DeliveryAnswer(period, True, agency, False, ""),
        )
    # Saving the same answers again adds nothing.
    assert FoiSettings.objects.count() == 1 and FoiDelivery.objects.count() == 3
    got = answers(build_foi_answer(start=START, end=END, degrade=False))
    assert got[("1", "a(i)")] == "Safe Steps"
    assert got[("2", "a(i)")] == "Runaway Aid"  # one year before 2024-25
    assert got[("3", "a(i)")] == "Old"  # four years before
    assert got[("7", "a")] == "Yes. Six weeks of mentoring"
    assert got[("7", "b")] == "Shared with the social worker"
    assert got[("7", "c")] == "Exploitation panel"
    assert got[("8", "")] == "One national clock, please"
    assert got[("4", "a")] == "7"
    assert got[("6", "b")] == "Fewer than 5" and got[("5", "c")] == "Fewer than 5"


def test_the_clock_words_follow_the_authoritys_settings(records: Records) -> None:
    Authority.objects.filter(is_home=True).update(
        clock_basis="referral", clock_unit="working_days", clock_length=3, clock_bunching="latest"
    )
    got = answers(build_foi_answer(start=START, end=END, degrade=False))
    assert "police" in got[("6", "c(i)")]
    assert "working day" in got[("6", "c(ii)")] and "England" in got[("6", "c(ii)")]
    assert "most recent return" in got[("6", "c(iii)")]


def test_only_managers_save_settings(world: World) -> None:
    with pytest.raises(PermissionDenied):
        foi_settings_save(
            by=world.user("coordinator"), authority=world.authority, answers={}, delivery=None
        )
    with pytest.raises(PermissionDenied):
        foi_settings_save(by=world.user("provider_manager"), authority=world.authority, answers={})
    assert not FoiSettings.objects.exists()


def test_a_part_year_is_noted(records: Records) -> None:
    export = build_foi_answer(start=START, end=date(2024, 9, 30), degrade=False)
    assert answers(export)[("4", "a")] == "4"  # A1, A2, A3, B1
    assert export.notes and "not the whole financial year 2024-25" in export.notes[0]
