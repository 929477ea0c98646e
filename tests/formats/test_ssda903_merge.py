"""The 903 merged with the case system's own Header and Episodes, checked by DfE's validator.

The case system's files are built here in code for a fictional authority (generated people);
the validator runs in `.venv-903` (a subprocess).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

import pytest

from homeward.formats import ssda903
from homeward.formats.ssda903 import HomewardEpisode
from homeward.formats.ssda903_merge import (
    CaseFilesError,
    check_merge,
    merge_ssda903,
    report,
)

START, END = date(2025, 4, 1), date(2026, 3, 31)


def csv(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    return ssda903.write_csv(columns, rows)


def header(*rows: tuple[str, str, str]) -> bytes:
    """(child, sex, dob) rows of a Header table."""
    return csv(
        ssda903.HEADER_COLUMNS,
        [
            (c, s, dob, "WBRI", f"A99999999900{c[-1]}", "0" if s == "F" else "", "")
            for c, s, dob in rows
        ],
    )


def episodes(*rows: Sequence[str]) -> bytes:
    """(child, DECOM, RNE, DEC, REC, REASON_PLACE_CHANGE) rows of an Episodes table."""
    return csv(
        ssda903.EPISODES_COLUMNS,
        [
            (c, decom, rne, "C2", "N1", "U1", "PR1", dec, rec, why, "ZZ1 1AA", "ZZ1 2AA", "")
            for c, decom, rne, dec, rec, why in rows
        ],
    )


#: This year: P1 in care since 2024, a placement change in June 2025; P2 in care May to
#: September 2025; P4 in care since 2022 until the 18th birthday, 10 October 2025.
HEADER = header(("P1", "F", "14/05/2010"), ("P2", "M", "02/01/2009"), ("P4", "M", "10/10/2007"))
EPISODES = episodes(
    ("P1", "03/02/2024", "S", "10/06/2025", "X1", "CARPL"),
    ("P1", "10/06/2025", "P", "", "", ""),
    ("P2", "01/05/2025", "S", "30/09/2025", "E4A", ""),
    ("P4", "01/09/2022", "S", "10/10/2025", "E8", ""),
)
#: Last year: P1 and P4 in care all year; P1 missing since 20 March 2025.
LAST = {
    "header.csv": header(("P1", "F", "14/05/2010"), ("P4", "M", "10/10/2007")),
    "episodes.csv": episodes(
        ("P1", "03/02/2024", "S", "", "", ""), ("P4", "01/09/2022", "S", "", "", "")
    ),
    "missing.csv": csv(ssda903.MISSING_COLUMNS, [("P1", "14/05/2010", "M", "20/03/2025", "")]),
}


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour))


def ep(who: str, start: date, end: date | None, **fields: object) -> HomewardEpisode:
    values: dict[str, object] = {"category": "missing", "missing_from": "care"}
    values.update(fields)
    back = None if end is None else at(end, 18)
    return HomewardEpisode(who, start=at(start), end=back, **values)  # type: ignore[arg-type]


HOMEWARD = [
    ep("P1", date(2025, 3, 20), date(2025, 4, 5)),  # open at the year's start (576)
    ep("P1", date(2025, 7, 1), date(2025, 7, 3), missing_from="home"),
    ep("P1", date(2025, 7, 1), date(2025, 7, 3)),  # the same absence recorded twice
    ep("P1", date(2026, 3, 20), None, category="absent"),  # still missing at the year end
    ep("P2", date(2025, 9, 20), date(2025, 10, 2)),  # care ended while away
    ep("P3", date(2025, 6, 1), date(2025, 6, 2)),  # not looked after: not the 903's
    ep("P4", date(2025, 10, 1), None, whereabouts_known=True),  # away when care ended at 18
]


def merged_return() -> ssda903.MissingTable:
    return merge_ssda903(
        header=("header.csv", HEADER),
        episodes=("episodes.csv", EPISODES),
        homeward=HOMEWARD,
        start=START,
        end=END,
        previous=LAST,
    ).missing


def test_the_missing_table_joins_the_case_systems_children() -> None:
    assert merged_return().rows == [
        ("P1", "14/05/2010", "M", "20/03/2025", "05/04/2025"),
        ("P1", "14/05/2010", "M", "01/07/2025", "03/07/2025"),
        ("P1", "14/05/2010", "M", "20/03/2026", ""),
        ("P2", "02/01/2009", "M", "20/09/2025", "30/09/2025"),
        ("P4", "10/10/2007", "A", "01/10/2025", "10/10/2025"),
    ]


def test_the_merged_return_brings_no_new_error() -> None:
    merged = merge_ssda903(
        header=("header.csv", HEADER),
        episodes=("episodes.csv", EPISODES),
        homeward=HOMEWARD,
        start=START,
        end=END,
        previous=LAST,
    )
    assert merged.files["header.csv"] == HEADER and merged.files["episodes.csv"] == EPISODES
    check = check_merge(merged)
    assert check.new == []
    assert check.merged.summary["tables"] == {
        "Header": 3, "Episodes": 4, "Missing": 5,
        "Header_last": 2, "Episodes_last": 2, "Missing_last": 1,
    }  # fmt: skip
    # the case system's own errors are kept apart, the same with or without homeward's table
    assert {e.key() for e in check.already} == {e.key() for e in check.baseline.errors}
    # and they are only those of generated data: ZZ postcodes (169, 179, 392c), no URN (218)
    assert check.baseline.rules() == {"169", "179", "218", "392c"}
    text = report(merged, check)
    assert "5 rows for 3 children" in text and "Errors the merge brought: 0" in text


def test_errors_the_merge_brings_are_reported_apart() -> None:
    """A child away when care ended at 18 must have left care with REC E8 (rule 580): the
    case system's E4A is an error only once homeward's Missing row is beside it."""
    eighteen = episodes(("P4", "01/09/2022", "S", "10/10/2025", "E4A", ""))
    merged = merge_ssda903(
        header=("h.csv", header(("P4", "M", "10/10/2007"))),
        episodes=("e.csv", eighteen),
        homeward=[ep("P4", date(2025, 10, 1), None)],
        start=START,
        end=END,
    )
    check = check_merge(merged)
    assert [e.key() for e in check.new] == [("580", "Episodes", 0, "P4")]
    assert "580" not in check.baseline.rules()
    assert "  580 Episodes line 2 (P4): " in report(merged, check)


def test_case_system_files_that_cannot_be_read_name_file_line_and_field() -> None:
    bad_episodes = episodes(
        ("P1", "2025-06-10", "S", "", "", ""), ("", "01/05/2025", "S", "", "", "")
    )
    with pytest.raises(CaseFilesError) as raised:
        merge_ssda903(
            header=("header.csv", b"CHILD,SEX,DOB\r\nP1,F,14/05/2010\r\n"),
            episodes=("episodes.csv", bad_episodes),
            homeward=[],
            start=START,
            end=END,
        )
    assert raised.value.problems == [
        "header.csv, line 1: the columns are CHILD,SEX,DOB; CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB",
        "episodes.csv, line 2, DECOM: '2025-06-10' is not a date (dd/mm/YYYY)",
        "episodes.csv, line 3, CHILD: blank, the child's id is required",
    ]


def test_a_byte_order_mark_is_dropped_and_columns_in_any_order() -> None:
    reordered = (
        b"\xef\xbb\xbfDOB,CHILD,SEX,ETHNIC,UPN,MOTHER,MC_DOB\r\n14/05/2010,P1,F,WBRI,,0,\r\n"
    )
    merged = merge_ssda903(
        header=("h.csv", reordered),
        episodes=("e.csv", EPISODES),
        homeward=[ep("P1", date(2025, 7, 1), date(2025, 7, 3))],
        start=START,
        end=END,
    )
    assert merged.files["header.csv"] == reordered[3:]
    assert merged.missing.rows == [("P1", "14/05/2010", "M", "01/07/2025", "03/07/2025")]


def test_an_episode_open_last_year_ends_as_this_years_file_says() -> None:
    """Last year's Episodes have the child's episode open on 31 March; this year's say care
    ended in May. An absence in June is after care: not the 903's."""
    merged = merge_ssda903(
        header=("h.csv", header(("P7", "F", "01/01/2011"))),
        episodes=("e.csv", episodes(("P7", "18/01/2025", "S", "11/05/2025", "E4A", ""))),
        homeward=[
            ep("P7", date(2025, 4, 20), date(2025, 4, 21)),
            ep("P7", date(2025, 6, 1), date(2025, 6, 2)),
        ],
        start=START,
        end=END,
        previous={"episodes.csv": episodes(("P7", "18/01/2025", "S", "", "", ""))},
    )
    assert [r[3] for r in merged.missing.rows] == ["20/04/2025"]
