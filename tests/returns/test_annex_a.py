"""`build_annex_a_list8`: the authority's children in care with an episode in the 12 months
to the end of the period, as CSV and XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl

from homeward.formats.annex_a import BLANK_COLUMNS, LIST8_COLUMNS
from homeward.returns.annex_a import build_annex_a_list8, twelve_months_to
from tests.returns.records import END, START, Records

MISSING = (
    "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"
)
ABSENT = "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months"
OFFERED = "Was the child offered a Return Interview after their last missing episode (Y/N)?"
ACCEPTED = "Did the child accept a Return Interview after their last missing episode (Y/N)?"


def csv_rows(export) -> list[dict[str, str]]:
    [data] = [f.data for f in export.files if f.name.endswith(".csv")]
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_children_in_care_with_their_counts_and_answers(records: Records) -> None:
    export = build_annex_a_list8(start=START, end=END, degrade=False)
    assert sorted(f.name for f in export.files) == ["annex-a-list-8.csv", "annex-a-list-8.xlsx"]
    rows = csv_rows(export)
    a, b = records.children["A"], records.children["B"]
    # C is not in care; D is another authority's child.
    assert [r["Child Unique ID"] for r in rows] == sorted([a.reference, b.reference])
    assert sorted(export.children) == sorted([a.pk, b.pk]) and export.rows == 2
    by_id = {r["Child Unique ID"]: r for r in rows}
    row_a, row_b = by_id[a.reference], by_id[b.reference]
    assert (row_a[MISSING], row_a[ABSENT]) == ("2", "1")
    assert (row_a[OFFERED], row_a[ACCEPTED]) == ("a) Yes", "b) No")  # A3 was declined
    # B1 came before B's care began: only B2 counts, and no interview was offered.
    assert (row_b[MISSING], row_b[ABSENT]) == ("1", "0")
    assert (row_b[OFFERED], row_b[ACCEPTED]) == ("b) No", "b) No")
    assert row_a["Gender"] == "b) Female" and row_b["Gender"] == "a) Male"
    assert row_a["Ethnicity"] == "a) WBRI" and row_b["Ethnicity"] == "o) BAFR"
    assert row_a["Date of Birth"] == "19/07/2009"
    assert row_a["Age of Child (Years)"] == "15"
    assert row_a["Date Started to be Looked After"] == "01/01/2024"
    assert row_a["Placement postcode"] == "ZZ3 7PQ"
    assert (row_a["Placement Location"], row_a["LA of Placement"]) == ("b) Out", "Other Borough")
    assert row_b["Placement Location"] == "a) In"
    assert row_a["Allocated Worker"] == "Sam Worker"
    for name in BLANK_COLUMNS:
        assert row_a[name] == "", name


def test_degraded_list_has_month_of_birth_and_district(records: Records) -> None:
    export = build_annex_a_list8(start=START, end=END, degrade=True)
    row = {r["Child Unique ID"]: r for r in csv_rows(export)}[records.children["A"].reference]
    assert row["Date of Birth"] == "01/07/2009"
    assert row["Placement postcode"] == "ZZ3"
    assert any("month of birth" in note for note in export.notes)


def test_workbook_matches_the_csv(records: Records, tmp_path) -> None:
    export = build_annex_a_list8(start=START, end=END, degrade=False)
    [xlsx] = [f for f in export.files if f.name.endswith(".xlsx")]
    path = tmp_path / xlsx.name
    path.write_bytes(xlsx.data)
    values = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert list(values[0]) == list(LIST8_COLUMNS)
    assert len(values) == 3
    from_csv = csv_rows(export)
    for line, row in zip(values[1:], from_csv, strict=True):
        assert ["" if v is None else str(v) for v in line] == [row[c] for c in LIST8_COLUMNS]


def test_the_window_is_the_12_months_to_the_end(records: Records) -> None:
    assert twelve_months_to(date(2025, 3, 31)) == date(2024, 4, 1)
    assert twelve_months_to(date(2024, 2, 29)) == date(2023, 3, 1)
    # To 31 August 2024: A1, A2 for A; B's only episode in care (B2) is later.
    export = build_annex_a_list8(start=START, end=date(2024, 8, 31), degrade=False)
    rows = csv_rows(export)
    assert [r["Child Unique ID"] for r in rows] == [records.children["A"].reference]
    assert (rows[0][MISSING], rows[0][ABSENT]) == ("1", "1")
    assert (rows[0][OFFERED], rows[0][ACCEPTED]) == ("a) Yes", "a) Yes")
