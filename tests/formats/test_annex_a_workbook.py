"""The case system's own Annex A list 8 workbook with homeward's columns filled in."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from homeward.formats import annex_a
from homeward.formats.annex_a import List8WorkbookError, fill_list8_workbook
from homeward.formats.ssd import EpisodeFacts, InterviewFacts

AS_OF = date(2026, 3, 31)


def ep(ref: str, day: date, category: str = "missing", interview=None) -> EpisodeFacts:
    start = datetime.combine(day, datetime.min.time()).replace(hour=20)
    return EpisodeFacts(ref, "", category, start, start.replace(hour=23), interview)


def workbook(rows: list[dict[str, object]], headings=annex_a.LIST8_COLUMNS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "List 8"
    sheet.append(["Annex A: List 8, children in care (from the case system)"])
    sheet.append(list(headings))
    for row in rows:
        sheet.append([row.get(name) for name in headings])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read(data: bytes) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["List 8"]
    head = [c.value for c in sheet[2]]
    return [dict(zip(head, (c.value for c in row), strict=True)) for row in sheet.iter_rows(3)]


EPISODES = {
    "100001": [
        ep("E1", date(2025, 1, 1)),  # more than 12 months before
        ep("E2", date(2025, 7, 1), interview=InterviewFacts(True, True, "accepted")),
        ep("E3", date(2025, 8, 1), "absent"),
    ],
    "100002": [ep("E4", date(2025, 9, 1)), ep("E5", date(2025, 11, 1))],
}


def test_homewards_columns_are_filled_and_nothing_else_changes() -> None:
    data = workbook(
        [
            {annex_a.CHILD_ID: 100001, annex_a.ALLOCATED_WORKER: "Alex Worker",
             annex_a.PLACEMENT_TYPE: "K2"},
            {annex_a.CHILD_ID: "100002", annex_a.LOOKED_AFTER_SINCE: "01/10/2025"},
            {annex_a.CHILD_ID: "100003", annex_a.MISSING: 7},  # homeward holds nothing
        ]
    )  # fmt: skip
    filled, notes = fill_list8_workbook(data, EPISODES, as_of=AS_OF)
    rows = read(filled)
    filled_in = [tuple(r[c] for c in annex_a.FILLED_COLUMNS) for r in rows]
    assert filled_in == [
        (1, 1, "a) Yes", "a) Yes"),
        (1, 0, "b) No", "b) No"),  # only the episode after care began; no interview
        (0, 0, None, None),
    ]
    before = read(data)
    for old, new in zip(before, rows, strict=True):
        assert {k: v for k, v in old.items() if k not in annex_a.FILLED_COLUMNS} == {
            k: v for k, v in new.items() if k not in annex_a.FILLED_COLUMNS
        }
    assert notes == [
        "3 children on the list; homeward holds missing or absent episodes in the 12 months "
        "for 2 of them (the others: 0, and no answer)."
    ]


def test_a_workbook_without_list_8s_headings_is_refused() -> None:
    with pytest.raises(List8WorkbookError, match="no column Number of Episodes"):
        fill_list8_workbook(
            workbook([], headings=(annex_a.CHILD_ID, annex_a.GENDER)), {}, as_of=AS_OF
        )
    with pytest.raises(List8WorkbookError, match="no sheet has a 'Child Unique ID'"):
        fill_list8_workbook(workbook([], headings=("Name",)), {}, as_of=AS_OF)
    with pytest.raises(List8WorkbookError, match="not an Excel workbook"):
        fill_list8_workbook(b"CHILD,DOB\n", {}, as_of=AS_OF)
