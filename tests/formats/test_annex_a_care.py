"""Annex A list 8 from the case system's care data (`formats.annex_a.list8_from_care`)."""

from __future__ import annotations

from datetime import date, datetime

from homeward.formats import annex_a
from homeward.formats.annex_a import (
    CarePeriod,
    CarePlacement,
    CareRecord,
    LegalStatus,
    list8_care_frame,
    list8_csv,
    list8_from_care,
)
from homeward.formats.ssd import EpisodeFacts, InterviewFacts

AS_OF = date(2026, 3, 31)
HELD = InterviewFacts(offered=True, held=True, outcome="accepted")


def ep(ref: str, day: date, category: str = "missing", interview=None) -> EpisodeFacts:
    return EpisodeFacts(
        episode_id=ref,
        child_id="",
        category=category,
        started_at=datetime.combine(day, datetime.min.time()).replace(hour=20),
        returned_at=datetime.combine(day, datetime.min.time()).replace(hour=23),
        interview=interview,
    )


def record(person: str, periods: list[CarePeriod], **fields: object) -> CareRecord:
    values: dict[str, object] = {
        "person_id": person,
        "sex": "F",
        "ethnicity": "WBRI",
        "date_of_birth": date(2010, 9, 23),
        "periods": periods,
        "allocated_team": "Children in Care Team 2",
        "allocated_worker": "Alex Worker",
    }
    values.update(fields)
    return CareRecord(**values)  # type: ignore[arg-type]


RECORDS = [
    # in care since 2024, moved to a children's home out of area in June 2025
    record(
        "100001",
        [CarePeriod(date(2024, 2, 3), None, "", "N1")],
        placements=[
            CarePlacement(date(2024, 2, 3), date(2025, 6, 10), "U6", "PR1", "zz1 1aa", "", False),
            CarePlacement(
                date(2025, 6, 10), None, "K2", "PR4", "ZZ9 9ZZ", "SC123456", True, "Other Borough"
            ),
        ],
        legal_statuses=[LegalStatus(date(2024, 2, 3), None, "C2")],
        disability=False,
        latest_review=date(2026, 2, 1),
        episodes=[
            ep("E1", date(2025, 1, 1)),  # more than 12 months before
            ep("E2", date(2025, 7, 1), interview=HELD),
            ep("E3", date(2025, 8, 1), "absent"),
        ],
    ),
    # left care in December 2025 (within the six months)
    record(
        "100002",
        [CarePeriod(date(2023, 5, 1), date(2025, 12, 15), "E4A", "N2")],
        placements=[
            CarePlacement(date(2023, 5, 1), date(2025, 12, 15), "U4", "PR1", "ZZ1 2AA", "", False)
        ],
        legal_statuses=[LegalStatus(date(2023, 5, 1), date(2025, 12, 15), "V2")],
    ),
    # left care in August 2025: not listed
    record("100003", [CarePeriod(date(2024, 1, 1), date(2025, 8, 1), "E13", "N1")]),
    # a second period in the last 12 months, a placement code not on the 2025-26 list
    record(
        "100004",
        [CarePeriod(date(2025, 5, 1), date(2025, 7, 1), "E4A"), CarePeriod(date(2025, 10, 1))],
        placements=[CarePlacement(date(2025, 10, 1), None, "H5", "PR4", "ZZ1 3AA", "", False)],
    ),
    # never in care
    record("100005", [], episodes=[ep("E9", date(2025, 9, 9))]),
]


def rows() -> dict[str, dict[str, object]]:
    return {str(r[annex_a.CHILD_ID]): r for r in list8_from_care(RECORDS, as_of=AS_OF).rows}


def test_every_child_in_care_and_those_who_left_in_the_six_months_before() -> None:
    assert list(rows()) == ["100001", "100002", "100004"]


def test_every_column_from_the_care_data() -> None:
    row = rows()["100001"]
    assert {k: v for k, v in row.items() if v == ""} == {
        annex_a.LAST_VISIT: "",
        annex_a.PERMANENCE_PLAN: "",
        annex_a.LAST_IRO: "",
        annex_a.LAST_HEALTH: "",
        annex_a.LAST_DENTAL: "",
        annex_a.CEASED: "",
        annex_a.CEASED_REASON: "",
    }  # not in this child's care data, and still in care
    assert row[annex_a.GENDER] == "b) Female"
    assert row[annex_a.UASC] == "b) No" and row[annex_a.DISABILITY] == "b) No"
    assert row[annex_a.LOOKED_AFTER_SINCE] == "03/02/2024"
    assert (row[annex_a.CATEGORY_OF_NEED], row[annex_a.LEGAL_STATUS]) == ("N1", "C2")
    assert row[annex_a.LEGAL_STATUS_START] == "03/02/2024"
    assert row[annex_a.SECOND_PERIOD] == "b) No"
    assert row[annex_a.LATEST_REVIEW] == "01/02/2026"
    assert row[annex_a.PLACEMENTS] == 2
    assert row[annex_a.PLACEMENT_START] == "10/06/2025"
    assert row[annex_a.PLACEMENT_TYPE] == "K2: Children's home"
    assert (row[annex_a.PLACEMENT_PROVIDER], row[annex_a.PLACEMENT_URN]) == ("PR4", "SC123456")
    assert (row[annex_a.PLACEMENT_LOCATION], row[annex_a.PLACEMENT_LA]) == (
        "b) Out",
        "Other Borough",
    )
    assert (row[annex_a.MISSING], row[annex_a.ABSENT]) == (1, 1)
    assert (row[annex_a.RHI_OFFERED], row[annex_a.RHI_ACCEPTED]) == ("a) Yes", "a) Yes")
    assert (row[annex_a.ALLOCATED_TEAM], row[annex_a.ALLOCATED_WORKER]) == (
        "Children in Care Team 2",
        "Alex Worker",
    )


def test_a_child_who_left_care_and_one_with_a_second_period() -> None:
    left, second = rows()["100002"], rows()["100004"]
    assert (left[annex_a.CEASED], left[annex_a.CEASED_REASON]) == ("15/12/2025", "E4A")
    assert (left[annex_a.MISSING], left[annex_a.RHI_OFFERED]) == (0, "")
    assert left[annex_a.PLACEMENT_TYPE] == "U4: Foster placement, long term"
    assert second[annex_a.SECOND_PERIOD] == "a) Yes"
    assert second[annex_a.LOOKED_AFTER_SINCE] == "01/10/2025"


def test_what_the_care_data_lacks_is_noted_by_child_and_column() -> None:
    notes = list8_from_care(RECORDS, as_of=AS_OF).notes
    assert notes[0] == "100004: placement code not on the 903's 2025-26 PLACE list (H5)."
    assert notes[1].startswith("100004: blank in the care data: Child's Category of Need; ")
    assert "Placement Type" in notes[1]
    assert len(notes) == 2


def test_written_with_annex_as_headings() -> None:
    data = list8_csv(list8_care_frame(list8_from_care(RECORDS, as_of=AS_OF)))
    lines = data.decode().splitlines()
    assert lines[0].startswith("Child Unique ID,Gender,Ethnicity,")
    assert len(lines) == 4
