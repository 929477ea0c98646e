"""The published 2017-18 England analysis, reproduced from a reconstructed returns set.

`published_2017_18.build()` constructs 120 English returns (plus earlier periods and some
Welsh and Scottish rows) consistent with the figures of "The delivery of return
interviews" (ECRC, 2019). homeward computes the tables; every expected number below is
copied from the published report (sections "Who delivers return interviews?", "How many
children go missing?", "Offered", "Declined", "Completed interviews", "72 hours",
"Follow up support").
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from homeward.benchmark import Report, Status, build_report, read_returns
from homeward.benchmark.report_xlsx import render_xlsx
from tests.benchmark import published_2017_18


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    rows = published_2017_18.build()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=published_2017_18.HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("published") / "returns-2017-18.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return build_report(read_returns(path), "2017-18", nation="England", source=path.name)


def counts(table: dict[str, object]) -> list[int]:
    bands = table["bands"]
    assert isinstance(bands, list)
    return [band["count"] for band in bands]


def test_who_delivers_return_interviews(report: Report) -> None:
    # Local authority / mixture / independent / information not given or held.
    assert report.to_json()["tables"]["providers"] == {
        "2013-14": {"in_house": 59, "independent": 30, "mixed": 13, "not_known": 18},
        "2016-17": {"in_house": 59, "independent": 31, "mixed": 27, "not_known": 3},
        "2017-18": {"in_house": 71, "independent": 24, "mixed": 24, "not_known": 1},
    }


def test_how_many_children_go_missing(report: Report) -> None:
    repeat = report.to_json()["tables"]["repeat"]
    # "Within the 107 local authorities that provided data on this question there were a
    # total of 123,156 missing episodes which related to 43,648 individual children ...
    # on average, 65% of incidents were attributable to children going missing more than
    # once." 13 (11%) could not provide both or were excluded.
    assert repeat["base"] == 107
    assert repeat["not_answered"] + repeat["excluded"] == 13
    assert (repeat["incidents"], repeat["individuals"]) == (123_156, 43_648)
    assert repeat["pooled_percent"] == 65
    assert counts(repeat) == [11, 25, 35, 36]
    assert [b["label"] for b in repeat["bands"]] == ["0-50%", "51-60%", "61-70%", "71-100%"]


def test_offered(report: Report) -> None:
    offered = report.to_json()["tables"]["offered"]
    # 20 did not answer, a further 5 excluded; 79% of missing episodes offered.
    assert (offered["base"], offered["not_answered"], offered["excluded"]) == (95, 20, 5)
    assert offered["pooled_percent"] == 79
    assert counts(offered) == [9, 5, 14, 13, 14, 8, 12, 20]
    # "The offer rates ranged from 16% to 100%. Two local authorities offered interviews
    # in response to 20% or less ...; twenty local authorities offered interviews in 100%."
    rates = rates_of(report, "offered")
    assert (min(rates), max(rates)) == (16, 100)
    assert sum(1 for r in rates if r <= 20) == 2
    assert rates.count(100) == 20


def test_declined(report: Report) -> None:
    declined = report.to_json()["tables"]["declined"]
    # 29 did not answer, a further 7 excluded; declined for 18% of missing episodes.
    assert (declined["base"], declined["not_answered"], declined["excluded"]) == (84, 29, 7)
    assert declined["pooled_percent"] == 18
    assert counts(declined) == [31, 20, 20, 9, 3, 1, 0]


def test_completed_interviews(report: Report) -> None:
    completed = report.to_json()["tables"]["completed"]
    # "RHIs were completed for 58,445 of the 109,797 missing episodes reported in the 99
    # local authorities ... On average, 53%". 16 did not answer, a further 5 excluded.
    assert (completed["base"], completed["not_answered"], completed["excluded"]) == (99, 16, 5)
    assert (completed["completed"], completed["incidents"]) == (58_445, 109_797)
    assert completed["pooled_percent"] == 53
    assert counts(completed) == [16, 8, 18, 19, 16, 6, 9, 7]
    # "41% addressed less than half of missing incidents in an RHI, while 16% of local
    # authorities completed interviews for over 80% of episodes."
    rates = rates_of(report, "completed")
    assert sum(1 for r in rates if r < 50) == 41
    assert sum(1 for r in rates if r > 80) == 16


def test_within_72_hours(report: Report) -> None:
    within = report.to_json()["tables"]["within_timescale"]
    # "only 33% of all missing episodes are addressed in an interview within this
    # timeframe or 61% of all completed episodes." 31 did not answer, 6 excluded.
    assert (within["base"], within["not_answered"], within["excluded"]) == (83, 31, 6)
    assert within["pooled_percent"] == 61
    assert within["pooled_percent_of_incidents"] == 33
    assert counts(within) == [8, 8, 9, 15, 15, 12, 8, 8]


def test_how_the_72_hours_are_counted(report: Report) -> None:
    tables = report.to_json()["tables"]
    # "Of the 96 local authorities who responded to either or both parts of this question:
    # 27 ... police referral date; 65 ... the child's return date; 4 did not respond to
    # that part" and "14 ... hours; 48 calendar days; 29 working days; 5 did not respond".
    assert tables["clock_start"] == {
        "answered_either": 96,
        "return": 65,
        "referral": 27,
        "no_response": 4,
    }
    assert tables["clock_unit"] == {
        "answered_either": 96,
        "hours": 14,
        "calendar_days": 48,
        "working_days": 29,
        "no_response": 5,
    }


def test_follow_up_support(report: Report) -> None:
    # 96 of 113 yes, 9 sometimes, 8 no; 7 did not provide information.
    assert report.to_json()["tables"]["follow_up_support"] == {
        "yes": 96,
        "sometimes": 9,
        "no": 8,
        "not_answered": 7,
    }


def test_the_whole_tables_json(report: Report) -> None:
    tables = report.to_json()
    assert (tables["period"], tables["authorities"]) == ("2017-18", 120)
    assert set(tables) == {"period", "authorities", "tables"}
    assert set(tables["tables"]) == {
        "repeat",
        "offered",
        "declined",
        "completed",
        "within_timescale",
        "providers",
        "clock_start",
        "clock_unit",
        "follow_up_support",
    }


def test_the_published_percentages_of_authorities(report: Report) -> None:
    """The '% of local authorities' columns, as the workbook gives them."""
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)), read_only=True)

    def shares(sheet: str) -> list[int]:
        rows = workbook[sheet].iter_rows(values_only=True)
        return [row[4] for row in rows if isinstance(row[0], str) and row[0].endswith("%")]

    assert shares("repeat") == [10, 23, 33, 34]
    assert shares("offered") == [9, 5, 15, 14, 15, 8, 13, 21]
    assert shares("declined") == [37, 24, 24, 11, 4, 1, 0]
    assert shares("completed") == [16, 8, 18, 19, 16, 6, 9, 7]
    assert shares("within_timescale") == [10, 10, 11, 18, 18, 14, 10, 10]
    clock = {row[0]: row[3] for row in workbook["clock_start"].iter_rows(values_only=True)}
    assert (clock["referral"], clock["return"], clock["no_response"]) == (28, 68, 4)
    unit = {row[0]: row[3] for row in workbook["clock_unit"].iter_rows(values_only=True)}
    assert [unit[k] for k in ("hours", "calendar_days", "working_days", "no_response")] == [
        15,
        50,
        30,
        5,
    ]
    follow = {row[0]: row[3] for row in workbook["follow_up_support"].iter_rows(values_only=True)}
    assert (follow["yes"], follow["sometimes"], follow["no"]) == (85, 8, 7)  # of 113
    workbook.close()


def test_the_construction_honours_the_published_detail(report: Report) -> None:
    """Facts about the inputs the tables do not show, checked on what homeward read."""
    repeat = report.table("repeat")
    incidents = [m.denominator for m in repeat.members if m.status is Status.BASE]
    # "11 local authorities reported less than 250 incidents ... 14 others more than 2,000"
    assert sum(1 for n in incidents if n is not None and n < 250) == 11
    assert sum(1 for n in incidents if n is not None and n > 2000) == 14
    # "some areas reporting that 80% ... related to repeat missing children, and others
    # reporting less than 20%"
    rates = rates_of(report, "repeat")
    assert max(rates) >= 80 and min(rates) < 20


def test_scotland_and_wales_are_left_out_only_when_asked(tmp_path: Path) -> None:
    rows = published_2017_18.build()
    path = tmp_path / "returns.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=published_2017_18.HEADER)
        writer.writeheader()
        writer.writerows(rows)
    every_nation = build_report(read_returns(path), "2017-18")
    assert every_nation.authorities == 127
    assert every_nation.table("repeat").base == 114


def rates_of(report: Report, table_id: str) -> list[int]:
    return [m.rate for m in report.table(table_id).members if m.rate is not None]
