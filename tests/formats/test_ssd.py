"""The Standard Safeguarding Dataset's ssd_missing table (`formats.ssd`)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from homeward.formats.ssd import (
    SSD_MISSING_COLUMNS,
    EpisodeFacts,
    InterviewFacts,
    rhi_accepted,
    rhi_offered,
    ssd_missing_csv,
)


def episode(
    ref: str = "EP-1",
    *,
    category: str = "missing",
    returned: bool = True,
    interview: InterviewFacts | None = None,
) -> EpisodeFacts:
    return EpisodeFacts(
        episode_id=ref,
        child_id="CH-1",
        category=category,
        started_at=datetime(2025, 6, 1, 22, 15),
        returned_at=datetime(2025, 6, 2, 9, 5, 30) if returned else None,
        interview=interview,
    )


def read(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_header_is_the_datasets_field_names_in_order() -> None:
    header = ssd_missing_csv([]).decode().splitlines()[0]
    assert header.split(",") == [
        "miss_table_id",
        "miss_person_id",
        "miss_missing_episode_start_date",
        "miss_missing_episode_type",
        "miss_missing_episode_end_date",
        "miss_missing_rhi_offered",
        "miss_missing_rhi_accepted",
    ]
    assert tuple(header.split(",")) == SSD_MISSING_COLUMNS


def test_one_row_per_episode_with_types_and_datetimes() -> None:
    rows = read(
        ssd_missing_csv(
            [
                episode("EP-1"),
                episode("EP-2", category="absent", returned=False),
                episode("EP-3", category="absent"),
            ]
        )
    )
    assert [r["miss_table_id"] for r in rows] == ["EP-1", "EP-2", "EP-3"]
    assert [r["miss_missing_episode_type"] for r in rows] == ["M", "A", "A"]
    assert rows[0]["miss_missing_episode_start_date"] == "2025-06-01 22:15:00"
    assert rows[0]["miss_missing_episode_end_date"] == "2025-06-02 09:05:30"
    assert rows[1]["miss_missing_episode_end_date"] == ""  # still away: NULL
    assert {r["miss_person_id"] for r in rows} == {"CH-1"}
    # Codes only from the dataset's expected data (N, Y, NA, NULL).
    for row in rows:
        assert row["miss_missing_rhi_offered"] in {"Y", "N", "NA", ""}
        assert row["miss_missing_rhi_accepted"] in {"Y", "N", "NA", ""}


PENDING = InterviewFacts(offered=False, held=False, outcome="pending")
OFFERED = InterviewFacts(offered=True, held=False, outcome="pending")
HELD = InterviewFacts(offered=False, held=True, outcome="accepted")
DECLINED = InterviewFacts(offered=True, held=False, outcome="declined")
NO_CONTACT = InterviewFacts(offered=False, held=False, outcome="no_contact")
NO_CONTACT_AFTER_OFFER = InterviewFacts(offered=True, held=False, outcome="no_contact")


@pytest.mark.parametrize(
    ("facts", "offered", "accepted"),
    [
        (episode(interview=OFFERED), "yes", None),
        (episode(interview=HELD), "yes", "yes"),
        (episode(interview=DECLINED), "yes", "no"),
        (episode(interview=NO_CONTACT_AFTER_OFFER), "yes", "no"),
        (episode(interview=NO_CONTACT), "no", "no"),
        (episode(interview=PENDING), None, None),
        (episode(returned=False), None, None),
        (episode(returned=False, interview=PENDING), None, None),
        (episode(), "no", "no"),
        (episode(category="absent"), "not_applicable", "not_applicable"),
        (episode(category="absent", interview=HELD), "yes", "yes"),
    ],
)
def test_return_interview_answers(
    facts: EpisodeFacts, offered: str | None, accepted: str | None
) -> None:
    assert rhi_offered(facts) == offered
    assert rhi_accepted(facts) == accepted


def test_codes_written_for_each_answer() -> None:
    rows = read(
        ssd_missing_csv(
            [
                episode("A", interview=HELD),
                episode("B"),
                episode("C", category="absent"),
                episode("D", interview=PENDING),
            ]
        )
    )
    pairs = [(r["miss_missing_rhi_offered"], r["miss_missing_rhi_accepted"]) for r in rows]
    assert pairs == [("Y", "Y"), ("N", "N"), ("NA", "NA"), ("", "")]


def test_text_that_would_be_a_formula_is_made_safe() -> None:
    rows = read(ssd_missing_csv([episode("=HYPERLINK(1)")]))
    assert rows[0]["miss_table_id"] == "'=HYPERLINK(1)"
