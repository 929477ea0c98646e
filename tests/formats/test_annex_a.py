"""Ofsted Annex A list 8 (`formats.annex_a`): headings, value lists, dates, counts."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl

from homeward.formats.annex_a import (
    BLANK_COLUMNS,
    ETHNICITIES,
    HELD_COLUMNS,
    LIST8_COLUMNS,
    List8Child,
    Placement,
    age_on,
    list8_csv,
    list8_frame,
    list8_xlsx,
)
from homeward.formats.ssd import EpisodeFacts, InterviewFacts

MISSING = (
    "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"
)
ABSENT = "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months"
OFFERED = "Was the child offered a Return Interview after their last missing episode (Y/N)?"
ACCEPTED = "Did the child accept a Return Interview after their last missing episode (Y/N)?"

HELD = InterviewFacts(offered=True, held=True, outcome="accepted")
DECLINED = InterviewFacts(offered=True, held=False, outcome="declined")


def ep(ref: str, day: int, category: str = "missing", interview=None) -> EpisodeFacts:
    return EpisodeFacts(
        episode_id=ref,
        child_id="CH-1",
        category=category,
        started_at=datetime(2025, 5, day, 20, 0),
        returned_at=datetime(2025, 5, day, 23, 0),
        interview=interview,
    )


def child(**changes) -> List8Child:
    values = {
        "child_id": "CH-1",
        "sex": "female",
        "ethnicity": "MWBA",
        "date_of_birth": date(2010, 9, 23),
        "looked_after_since": date(2024, 2, 1),
        "placement_type": "childrens_home",
        "postcode": "zz9 4qt",
        "placement": Placement(False, "Fictional County Council", "england"),
        "allocated_worker": "Sam Worker",
        "episodes": (
            ep("E1", 3, interview=HELD),
            ep("E2", 9, "absent"),
            ep("E3", 17, interview=DECLINED),  # the last missing episode
            ep("E4", 20, "absent"),  # an absence after it is not asked about
        ),
    }
    values.update(changes)
    return List8Child(**values)


def rows(children, *, degrade: bool = False, as_of: date = date(2026, 3, 31)):
    data = list8_csv(list8_frame(children, as_of=as_of, degrade=degrade))
    return data, list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_headings_are_annex_a_list_8s_in_order() -> None:
    data, _ = rows([])
    header = next(csv.reader(io.StringIO(data.decode())))
    assert header == list(LIST8_COLUMNS)
    assert len(header) == 34
    assert header[:5] == [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
    ]
    assert header[28:32] == [MISSING, ABSENT, OFFERED, ACCEPTED]
    assert header[-2:] == ["Allocated Team", "Allocated Worker"]
    assert set(HELD_COLUMNS) | set(BLANK_COLUMNS) == set(LIST8_COLUMNS)
    assert not set(HELD_COLUMNS) & set(BLANK_COLUMNS)


def test_a_childs_row_from_the_records() -> None:
    _, [row] = rows([child()])
    assert row["Child Unique ID"] == "CH-1"
    assert row["Gender"] == "b) Female"
    assert row["Ethnicity"] == "g) MWBA"
    assert row["Date of Birth"] == "23/09/2010"
    assert row["Age of Child (Years)"] == "15"
    assert row["Date Started to be Looked After"] == "01/02/2024"
    assert row["Placement Type"] == "K2: Children's home"
    assert row["Placement postcode"] == "ZZ9 4QT"
    assert row["Placement Location"] == "a) In"
    assert row["LA of Placement"] == "Fictional County Council"
    # Hand-counted: E1 and E3 missing, E2 and E4 absent; the last missing one was declined.
    assert (row[MISSING], row[ABSENT]) == ("2", "2")
    assert (row[OFFERED], row[ACCEPTED]) == ("a) Yes", "b) No")
    assert row["Allocated Worker"] == "Sam Worker"
    for name in BLANK_COLUMNS:
        assert row[name] == "", name


def test_return_interview_answers_use_annex_as_list() -> None:
    _, found = rows(
        [
            child(child_id="A", episodes=(ep("E1", 3, interview=HELD),)),
            child(child_id="B", episodes=(ep("E1", 3),)),  # no interview: not offered
            child(child_id="C", episodes=(ep("E1", 3, "absent"),)),  # no missing episode
            child(
                child_id="D",
                episodes=(ep("E1", 3, interview=InterviewFacts(False, False, "pending")),),
            ),
        ]
    )
    answers = {r["Child Unique ID"]: (r[OFFERED], r[ACCEPTED]) for r in found}
    assert answers == {
        "A": ("a) Yes", "a) Yes"),
        "B": ("b) No", "b) No"),
        "C": ("", ""),
        "D": ("c) Unknown", "c) Unknown"),
    }
    assert {r[MISSING] for r in found if r["Child Unique ID"] == "C"} == {"0"}


def test_degrade_gives_month_of_birth_and_postcode_district() -> None:
    _, [row] = rows([child()], degrade=True, as_of=date(2025, 9, 10))
    assert row["Date of Birth"] == "01/09/2010"
    assert row["Placement postcode"] == "ZZ9"
    # The age agrees with the date written: 15 from 1 September, though 14 from the 23rd.
    assert row["Age of Child (Years)"] == "15"
    _, [full] = rows([child()], degrade=False, as_of=date(2025, 9, 10))
    assert full["Age of Child (Years)"] == "14"


def test_out_of_area_placements() -> None:
    _, found = rows(
        [
            child(child_id="W", placement=Placement(True, "Cardiff", "wales")),
            child(child_id="E", placement=Placement(True, "Other Borough", "england")),
            child(child_id="N", placement=None, placement_type="foster", sex="unknown"),
        ]
    )
    by_id = {r["Child Unique ID"]: r for r in found}
    assert by_id["W"]["Placement Location"] == "b) Out"
    assert by_id["W"]["LA of Placement"] == "WAL - Child placed in Wales"
    assert by_id["E"]["LA of Placement"] == "Other Borough"
    assert by_id["N"]["Placement Location"] == ""
    # foster care: the code the 903 writes for it
    assert by_id["N"]["Placement Type"] == "U6: Foster placement, not long term or FFA"
    assert by_id["N"]["Gender"] == "c) Not stated/recorded"


def test_ethnicity_letters_follow_annex_as_order() -> None:
    assert ETHNICITIES["WBRI"] == "a) WBRI"
    assert ETHNICITIES["OOTH"] == "r) OOTH"
    assert ETHNICITIES["REFU"] == "s) REFU"
    assert ETHNICITIES["NOBT"] == "t) NOBT"
    assert len(set(ETHNICITIES.values())) == 20


def test_age_on_a_birthday() -> None:
    assert age_on(date(2010, 3, 31), date(2026, 3, 31)) == 16
    assert age_on(date(2010, 4, 1), date(2026, 3, 31)) == 15
    assert age_on(None, date(2026, 3, 31)) is None


def test_workbook_has_the_same_headings_numbers_and_safe_text(tmp_path) -> None:
    frame = list8_frame(
        [child(child_id="=1+1", allocated_worker="@worker")], as_of=date(2026, 3, 31), degrade=False
    )
    path = tmp_path / "list8.xlsx"
    path.write_bytes(list8_xlsx(frame))
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "List 8"
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == list(LIST8_COLUMNS)
    row = dict(zip(LIST8_COLUMNS, values[1], strict=True))
    assert row["Child Unique ID"] == "=1+1"  # text, not a formula
    assert sheet.cell(2, 1).data_type == "s"
    assert row[MISSING] == 2 and row["Age of Child (Years)"] == 15
    assert row["Date of Birth"] == "23/09/2010"
    # The CSV makes the same text safe with a quote.
    _, [csv_row] = rows([child(child_id="=1+1")])
    assert csv_row["Child Unique ID"] == "'=1+1"


def test_placement_types_are_the_903s_codes_from_the_current_list() -> None:
    from homeward.formats import ssda903
    from homeward.formats.annex_a import PLACE_WORDS, PLACEMENT_TYPES, placement_type

    for kind, code in ssda903.PLACE.items():
        assert PLACEMENT_TYPES[kind].split(":")[0] == code
    assert {"H5", "Z1"}.isdisjoint(PLACE_WORDS)
    assert placement_type(" k3 ") == "K3: Supported accommodation"
    assert placement_type("H5") == ""  # not on the 2025-26 list
