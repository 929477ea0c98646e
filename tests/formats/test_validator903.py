"""The 903 validator runner: any year, last year's files, each rule on its own copy.

Small 903 tables are built here in code; the validator runs in `.venv-903` (a subprocess).
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from homeward.formats import ssda903
from homeward.formats.validator903 import (
    RuleError,
    ValidatorFailed,
    new_errors,
    run_validator,
)


def tables(
    header: Sequence[Sequence[str]],
    episodes: Sequence[Sequence[str]],
    missing: Sequence[Sequence[str]] | None = None,
) -> dict[str, bytes]:
    files = {
        "header.csv": ssda903.write_csv(ssda903.HEADER_COLUMNS, header),
        "episodes.csv": ssda903.write_csv(ssda903.EPISODES_COLUMNS, episodes),
    }
    if missing is not None:
        files["missing.csv"] = ssda903.write_csv(ssda903.MISSING_COLUMNS, missing)
    return files


def header_row(child: str, dob: str, sex: str = "F", mother: str = "0") -> tuple[str, ...]:
    return (child, sex, dob, "WBRI", "A999999999999", mother if sex == "F" else "", "")


def episode_row(child: str, decom: str, dec: str = "", rec: str = "") -> tuple[str, ...]:
    return (child, decom, "S", "C2", "N1", "U1", "PR1", dec, rec, "", "", "", "")


def test_575_and_577_fire_only_when_rule_365_has_written_into_the_episodes() -> None:
    """A child still in care and still missing at the year end is right: blank DEC, blank
    MIS_END. Rule 365 fills blank DECs with the year end in the package's shared copy, so
    575 and 577 (run after it) then see care as ended and fire; on own copies they do not."""
    files = tables(
        [header_row("P1", "01/06/2010")],
        [episode_row("P1", "01/05/2024")],
        [("P1", "01/06/2010", "M", "01/03/2026", "")],
    )
    own = run_validator(files, year="2026")
    shared = run_validator(files, year="2026", package_copies=True)
    assert not own.rules() & {"575", "577"}
    assert {"575", "577"} <= shared.rules()
    assert [e for e in shared.errors if e.rule == "575"] == [
        RuleError("575", "Missing", 0, "P1", "")
    ]


def test_every_error_by_rule_table_row_and_child() -> None:
    files = tables(
        [header_row("P1", "01/06/2010"), header_row("P2", "01/06/2011")],
        [episode_row("P1", "01/05/2024"), episode_row("P2", "01/05/2024")],
        [
            ("P1", "01/06/2010", "M", "01/03/2026", "02/03/2026"),
            ("P2", "01/06/2011", "M", "02/04/2026", ""),  # after the year: rule 570
            ("P2", "01/06/2011", "X", "01/01/2026", "02/01/2026"),  # no such type: 1006
        ],
    )
    run = run_validator(files, year="2026")
    found = {(e.rule, e.table, e.row, e.child) for e in run.errors}
    assert ("570", "Missing", 1, "P2") in found
    assert ("1006", "Missing", 2, "P2") in found
    assert not {e for e in run.errors if e.table == "Missing" and e.row == 0}
    (error,) = [e for e in run.errors if e.rule == "570"]
    assert error.line == 3
    assert error.describe().startswith("570 Missing line 3 (P2): ")
    assert run.summary["ran"]


def test_last_years_files_bring_in_the_rules_that_compare_years() -> None:
    """207: a mother last year is not written as "not a mother" this year; NoE: a child in
    care before the year has episodes in last year's files."""
    this = tables(
        [header_row("P1", "01/06/2008", mother="0"), header_row("P2", "01/06/2009")],
        [episode_row("P1", "01/05/2024"), episode_row("P2", "01/05/2024")],
    )
    last = tables([header_row("P1", "01/06/2008", mother="1")], [episode_row("P1", "01/05/2024")])
    alone = run_validator(this, year="2026")
    with_last = run_validator(this, year="2026", previous=last)
    assert not alone.rules() & {"207", "NoE"}
    assert ("207", "Header", 0, "P1") in {e.key() for e in with_last.errors}
    assert ("NoE", "Episodes", 1, "P2") in {e.key() for e in with_last.errors}
    assert ("NoE", "Episodes", 0, "P1") not in {e.key() for e in with_last.errors}


def test_any_year_the_package_has_rules_for() -> None:
    files = tables([header_row("P1", "01/06/2010")], [episode_row("P1", "01/05/2025")])
    assert run_validator(files, year="2027").summary["ran"]
    with pytest.raises(ValidatorFailed, match="no rules for the year '2031'"):
        run_validator(files, year="2031")


def test_files_the_validator_cannot_read_are_refused() -> None:
    with pytest.raises(ValidatorFailed, match="cannot be read"):
        run_validator({"odd.csv": b"NOT,A,TABLE\r\n1,2,3\r\n"}, year="2026")


def test_new_errors_are_those_the_case_systems_files_did_not_have() -> None:
    before = [
        RuleError("392b", "Episodes", 3, "P9", "m"),
        RuleError("218", "Episodes", 1, "P1", ""),
    ]
    after = [
        RuleError("218", "Episodes", 1, "P1", ""),
        RuleError("575", "Missing", 0, "P1", ""),
        RuleError("392b", "Episodes", 3, "P9", "m"),
    ]
    assert new_errors(after, before) == [RuleError("575", "Missing", 0, "P1", "")]
