"""`ssd_missing` beside the case system: person ids, the six-year window, the round trip."""

from __future__ import annotations

from datetime import datetime

import pytest

from homeward.formats.ssd import (
    EpisodeFacts,
    InterviewFacts,
    SsdFileError,
    SsdMissingRow,
    read_ssd_missing,
    ssd_missing_extract,
    ssd_row,
    ssd_window_start,
)

RUN = datetime(2026, 12, 7, 6, 0)
#: A case system's extract, as its SQL writes it (rows by person and start).
EXTRACT = (
    b"miss_table_id,miss_person_id,miss_missing_episode_start_date,miss_missing_episode_type,"
    b"miss_missing_episode_end_date,miss_missing_rhi_offered,miss_missing_rhi_accepted\n"
    b"77001,100234,2020-12-07 06:00:00,M,2020-12-08 09:30:00,Y,N\n"
    b"77002,100234,2024-02-29 23:15:00,A,2024-03-01 08:00:00,NA,NA\n"
    b"77010,100235,2021-01-02 10:00:00,M,,,\n"
)


def test_an_import_then_an_export_gives_back_the_same_rows() -> None:
    rows = read_ssd_missing("ssd_missing.csv", EXTRACT)
    assert rows[1] == SsdMissingRow(
        "77002", "100234", datetime(2024, 2, 29, 23, 15), "A", datetime(2024, 3, 1, 8), "NA", "NA"
    )
    assert ssd_missing_extract(reversed(rows), run_at=RUN) == EXTRACT


def test_the_window_is_six_years_before_the_run_not_a_year() -> None:
    rows = read_ssd_missing("ssd_missing.csv", EXTRACT)
    old = SsdMissingRow(
        "76000", "100234", datetime(2020, 11, 1), "M", datetime(2020, 12, 7), "", ""
    )
    kept = ssd_missing_extract([*rows, old], run_at=RUN)
    assert kept == EXTRACT  # ended before 7 December 2020 06:00: outside the window
    assert ssd_window_start(datetime(2028, 2, 29)) == datetime(2022, 2, 28)
    # an episode still open is always in it, however old
    open_old = SsdMissingRow("75000", "100236", datetime(2015, 1, 1), "M", None, "", "")
    assert b"75000,100236,2015-01-01 00:00:00,M,,," in ssd_missing_extract([open_old], run_at=RUN)


def test_homewards_own_episode_keyed_by_person_id() -> None:
    facts = EpisodeFacts(
        episode_id="E-000042",
        child_id="C-000007",
        category="absent",
        started_at=datetime(2026, 5, 1, 21, 0),
        returned_at=datetime(2026, 5, 2, 7, 30),
        interview=InterviewFacts(offered=True, held=True, outcome="accepted"),
    )
    row = ssd_row(facts, person_id="100234")
    assert (row.table_id, row.person_id, row.type, row.rhi_offered, row.rhi_accepted) == (
        "E-000042", "100234", "M", "Y", "Y",
    )  # fmt: skip
    assert ssd_row(facts, person_id="100234", whereabouts_known=True).type == "A"


def test_a_file_that_cannot_be_read_names_line_field_and_codes() -> None:
    bad = EXTRACT.replace(b",M,2020", b",X,2020").replace(b"2021-01-02 10:00:00", b"02/01/21")
    bad = bad.replace(b",NA,NA", b",NA,maybe")
    with pytest.raises(SsdFileError) as raised:
        read_ssd_missing("ssd_missing.csv", bad)
    assert raised.value.problems == [
        "ssd_missing.csv, line 2, miss_missing_episode_type: 'X' is not one of M, A",
        "ssd_missing.csv, line 3, miss_missing_rhi_accepted: 'maybe' is not one of Y, N, NA or "
        "NULL",
        "ssd_missing.csv, line 4, miss_missing_episode_start_date: '02/01/21' is not a date "
        "and time",
    ]
    with pytest.raises(SsdFileError, match="line 1: no field miss_person_id"):
        read_ssd_missing("x.csv", b"miss_table_id\n1\n")
