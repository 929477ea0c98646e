"""`build_authority_return`: the authority-returns contract from the records and settings,
read back by the national benchmark."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from homeward.benchmark.returns import read_returns
from homeward.formats.returns import RETURN_COLUMNS
from homeward.returns.authority_return import build_authority_return, financial_years
from homeward.returns.foi_settings import DeliveryAnswer, foi_settings_save
from tests.factories import World
from tests.returns.records import END, START, Records


def save_settings(world: World) -> None:
    for period, third, house in (("2024-25", True, True), ("2023-24", False, True)):
        foi_settings_save(
            by=world.user("manager"),
            authority=world.authority,
            answers={"follow_up_support": "sometimes"},
            delivery=DeliveryAnswer(period, third, "Safe Steps", house, "Missing team"),
        )


def test_the_return_counts_the_year_as_hand_counted(world: World, records: Records) -> None:
    save_settings(world)
    export = build_authority_return(start=START, end=END, degrade=False)
    [file] = export.files
    rows = list(csv.DictReader(io.StringIO(file.data.decode("utf-8"))))
    assert tuple(rows[0]) == RETURN_COLUMNS
    [row] = rows
    assert row == {
        "authority_code": "E10000099",
        "authority_name": "Fictional County Council",
        "nation": "England",
        "period": "2024-25",
        "provider": "mixed",
        "incidents": "7",
        "individuals": "4",
        "offered": "3",
        "accepted": "2",
        "declined": "1",
        "completed": "2",
        "completed_within_72h": "1",
        "clock_start": "return",
        "clock_unit": "hours",
        "follow_up_support": "sometimes",
    }
    assert export.children == []


def test_the_benchmark_reads_it_back(world: World, records: Records, tmp_path) -> None:
    save_settings(world)
    # Two years: 2023-24 has no episodes, so it answers only who delivered interviews.
    export = build_authority_return(start=date(2023, 4, 1), end=END, degrade=False)
    path = tmp_path / export.files[0].name
    path.write_bytes(export.files[0].data)
    table = read_returns(path)
    assert table["period"].to_list() == ["2023-24", "2024-25"]
    earlier, year = table.row(0, named=True), table.row(1, named=True)
    assert earlier["provider"] == "in_house" and earlier["incidents"] is None
    assert (year["incidents"], year["completed_within_72h"], year["provider"]) == (7, 1, "mixed")
    assert year["follow_up_support"] == "sometimes"


@pytest.mark.django_db
def test_the_authoritys_own_convention_chooses_the_within_count(records: Records) -> None:
    # Working days from the return: C1 returned on Wednesday 6 November 2024 and was seen on
    # Monday 11 November, the third working day (not within 72 hours); A1 the same day.
    from homeward.organisations.models import Authority

    Authority.objects.filter(is_home=True).update(clock_unit="working_days", clock_length=5)
    export = build_authority_return(start=START, end=END, degrade=False)
    [row] = list(csv.DictReader(io.StringIO(export.files[0].data.decode("utf-8"))))
    assert (row["clock_unit"], row["completed_within_72h"], row["provider"]) == (
        "working_days",
        "2",
        "",
    )
    assert any("own timescale is 5" in note for note in export.notes)


def test_financial_years() -> None:
    assert financial_years(date(2023, 4, 1), date(2025, 3, 31)) == ["2023-24", "2024-25"]
    assert financial_years(date(2024, 3, 31), date(2024, 4, 1)) == ["2023-24", "2024-25"]
