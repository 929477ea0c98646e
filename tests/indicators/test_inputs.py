"""Reading and checking the episode and interview files (`indicators.md`, "Input files").

Bad input is reported with file, line (the header is line 1), column and a reason, and
nothing is computed: `load_inputs` raises `InputError`, and the command line exits with 2,
prints each problem as FILE:LINE:COLUMN: reason and writes no output file.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from homeward.indicators.engine import compute_indicators
from homeward.indicators.inputs import InputError, Problem, check_inputs, load_inputs
from homeward.indicators.quality import quality_report
from homeward.indicators.schema import OUTPUT_COLUMNS
from tests.indicators.helpers import (
    EPISODE_FIELDS,
    EPISODE_HEADER,
    INTERVIEW_FIELDS,
    INTERVIEW_HEADER,
    csv_text,
    ep,
    iv,
    load,
    only_row,
    run_cli,
    write_inputs,
)

GOOD_EPISODE = ep("E1", "2017-04-01T10:00", "2017-04-02T10:00", "2017-04-02T11:00", rhi="R1")
GOOD_INTERVIEW = iv("R1", "2017-04-03T10:00", offered="2017-04-02T12:00", outcome="accepted")


def problems_of(tmp_path: Path, episodes, interviews=(GOOD_INTERVIEW,)) -> list[Problem]:
    """The problems `load_inputs` raises on these files (after checking the CLI refuses)."""
    with pytest.raises(InputError) as raised:
        load(tmp_path, episodes, interviews)
    assert raised.value.problems, "InputError without problems"
    # And the command line on the same files computes nothing.
    assert_cli_refuses(tmp_path, None, raised.value.problems)
    return raised.value.problems


def the_problem(tmp_path: Path, episodes, interviews=(GOOD_INTERVIEW,)) -> Problem:
    found = problems_of(tmp_path, episodes, interviews)
    assert len(found) == 1, found
    return found[0]


def where(problem: Problem) -> tuple[str, int | None, str | None]:
    return Path(problem.file).name, problem.line, problem.column


def assert_cli_refuses(tmp_path: Path, capsys, expected: list[Problem]) -> None:
    """The command line on the files in tmp_path: exit 2, each problem on stderr, no output."""
    out = tmp_path / "result" / "table.csv"
    code, stdout, stderr = run_cli(
        [tmp_path / "episodes.csv", tmp_path / "interviews.csv", "--out", out], capsys
    )
    assert code == 2
    for problem in expected:
        assert f"{problem}\n" in stderr, (str(problem), stderr)
    assert "nothing computed" in stderr
    assert not out.exists()
    assert not (tmp_path / "result" / "table.quality.csv").exists()
    assert "rows →" not in stdout


# --- the header ----------------------------------------------------------------------------


def test_a_missing_required_column_is_named_in_each_file(tmp_path: Path, capsys) -> None:
    fields = [f for f in EPISODE_FIELDS if f != "category"]
    interview_fields = [f for f in INTERVIEW_FIELDS if f != "outcome"]
    episodes = csv_text(fields, [{k: v for k, v in GOOD_EPISODE.items() if k != "category"}])
    interviews = csv_text(
        interview_fields, [{k: v for k, v in GOOD_INTERVIEW.items() if k != "outcome"}]
    )
    found = problems_of(tmp_path, episodes, interviews)
    assert sorted(map(where, found)) == [
        ("episodes.csv", 1, "category"),
        ("interviews.csv", 1, "outcome"),
    ]
    assert all("required column is missing" in p.reason for p in found)
    assert_cli_refuses(tmp_path, capsys, found)


def test_a_duplicate_column_is_reported_on_the_header_line(tmp_path: Path, capsys) -> None:
    header = EPISODE_HEADER + ",child_id"
    row = ",".join(GOOD_EPISODE.get(f, "") for f in EPISODE_FIELDS) + ",C2"
    problem = the_problem(tmp_path, f"{header}\n{row}\n")
    assert where(problem) == ("episodes.csv", 1, "child_id")
    assert "more than once" in problem.reason
    assert_cli_refuses(tmp_path, capsys, [problem])


def test_header_names_with_spaces_around_them_are_read_as_the_names(tmp_path: Path) -> None:
    # Spaces around a column name are a spreadsheet's, not a different column: the header
    # check strips names (`_read_header`), and the column is read under its name.
    header = EPISODE_HEADER.replace("child_id", " child_id ")
    row = ",".join(GOOD_EPISODE.get(f, "") for f in EPISODE_FIELDS)
    write_inputs(tmp_path, f"{header}\n{row}\n", [GOOD_INTERVIEW])
    checked = load_inputs(tmp_path / "episodes.csv", tmp_path / "interviews.csv")
    assert checked.episodes["child_id"].to_list() == ["C1"]
    assert "child_id" in checked.episodes.columns and " child_id " not in checked.episodes.columns


# --- timestamps ----------------------------------------------------------------------------

BAD_TIMESTAMPS = [
    "2017-13-01T10:00",  # no month 13
    "yesterday",
    "2017-04-01 10:30",  # a space, not T
    "2017-04-01",  # a date without a time
    "2017-04-01T10:00+01:00",  # an offset
    "2017-04-01T10:00Z",
    "2017-02-30T10:00",  # no 30 February
    "2017-04-01T24:00",
    "01/04/2017 10:00",
    "2017-04-01T10:00:00.500",  # fractions of a second
]


@pytest.mark.parametrize("value", BAD_TIMESTAMPS)
@pytest.mark.parametrize("column", ["started_at", "returned_at", "notified_at"])
def test_a_bad_episode_timestamp(tmp_path: Path, column: str, value: str) -> None:
    episode = {**GOOD_EPISODE, column: value}
    problem = the_problem(tmp_path, [GOOD_EPISODE | {"episode_id": "E0"}, episode])
    assert where(problem) == ("episodes.csv", 3, column)
    assert f"'{value}'" in problem.reason
    assert "YYYY-MM-DDTHH:MM" in problem.reason


@pytest.mark.parametrize("value", ["2017-04-01 10:30", "2017-04-01", "2017-04-01T10:00+01:00"])
@pytest.mark.parametrize("column", ["offered_at", "completed_at"])
def test_a_bad_interview_timestamp(tmp_path: Path, column: str, value: str) -> None:
    problem = the_problem(tmp_path, [GOOD_EPISODE], [GOOD_INTERVIEW | {column: value}])
    assert where(problem) == ("interviews.csv", 2, column)
    assert f"'{value}'" in problem.reason


def test_bad_timestamps_through_the_command_line(tmp_path: Path, capsys) -> None:
    write_inputs(tmp_path, [GOOD_EPISODE | {"started_at": "yesterday"}], [GOOD_INTERVIEW])
    expected = Problem(
        str(tmp_path / "episodes.csv"),
        2,
        "started_at",
        "'yesterday' is not a timestamp (expected YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS)",
    )
    assert_cli_refuses(tmp_path, capsys, [expected])


def test_optional_seconds_are_accepted_even_mixed_in_one_column(tmp_path: Path) -> None:
    checked = load(
        tmp_path,
        [
            GOOD_EPISODE | {"started_at": "2017-04-01T10:00:30"},
            ep("E2", "2017-04-01T10:00", "2017-04-01T11:15:59"),
        ],
        [GOOD_INTERVIEW | {"completed_at": "2017-04-03T10:00:01"}],
    )
    assert checked.episodes["started_at"].to_list() == [
        datetime(2017, 4, 1, 10, 0, 30),
        datetime(2017, 4, 1, 10, 0),
    ]
    assert checked.episodes["returned_at"].to_list() == [
        datetime(2017, 4, 2, 10),
        datetime(2017, 4, 1, 11, 15, 59),
    ]
    assert checked.interviews["completed_at"].to_list() == [datetime(2017, 4, 3, 10, 0, 1)]


# --- codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "column", "value"),
    [
        ("episodes.csv", "category", "away"),
        ("episodes.csv", "missing_from", "school"),
        ("episodes.csv", "nation", "france"),
        ("interviews.csv", "outcome", "maybe"),
        ("interviews.csv", "declined_by", "social_worker"),
    ],
)
def test_an_unknown_code_value(tmp_path: Path, file: str, column: str, value: str) -> None:
    if file == "episodes.csv":
        problem = the_problem(tmp_path, [GOOD_EPISODE | {column: value}])
        line = 2
    else:
        problem = the_problem(
            tmp_path, [GOOD_EPISODE], [iv("R0"), GOOD_INTERVIEW | {column: value}]
        )
        line = 3
    assert where(problem) == (file, line, column)
    assert f"unknown value '{value}'" in problem.reason


def test_codes_in_another_case_or_with_spaces_are_accepted(tmp_path: Path) -> None:
    checked = load(
        tmp_path,
        [
            GOOD_EPISODE | {"category": "Missing ", "missing_from": " CARE", "nation": "England"},
            ep("E2", "2017-04-01T10:00", category="ABSENT", missing_from="Home", nation=" wales")
            | {"authority_code": "W06000015"},
        ],
        [GOOD_INTERVIEW | {"outcome": " Declined", "declined_by": "Parent_Carer "}],
    )
    assert checked.episodes["category"].to_list() == ["missing", "absent"]
    assert checked.episodes["missing_from"].to_list() == ["care", "home"]
    assert checked.episodes["nation"].to_list() == ["england", "wales"]
    assert checked.interviews["outcome"].to_list() == ["declined"]
    assert checked.interviews["declined_by"].to_list() == ["parent_carer"]
    table = compute_indicators(checked.episodes, checked.interviews)
    assert table.select("authority_code", "absent", "declined").to_dicts() == [
        {"authority_code": "E06099001", "absent": 0, "declined": 1},
        {"authority_code": "W06000015", "absent": 1, "declined": 0},
    ]


# --- authority codes and nations -----------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["E05000001", "X06000001", "E0600001", "E060000011", "e06000001", "Hartlepool"]
)
def test_a_bad_authority_code(tmp_path: Path, code: str) -> None:
    problem = the_problem(tmp_path, [GOOD_EPISODE | {"authority_code": code}])
    assert where(problem) == ("episodes.csv", 2, "authority_code")
    assert f"'{code}'" in problem.reason
    assert "GSS code" in problem.reason


def test_a_bad_authority_code_in_the_interviews(tmp_path: Path) -> None:
    problem = the_problem(tmp_path, [GOOD_EPISODE], [GOOD_INTERVIEW | {"authority_code": "E1"}])
    assert where(problem) == ("interviews.csv", 2, "authority_code")
    assert "'E1'" in problem.reason


@pytest.mark.parametrize(
    ("nation", "code"),
    [("wales", "E06099001"), ("england", "S12000033"), ("scotland", "N09000001")],
)
def test_a_nation_that_disagrees_with_the_code(tmp_path: Path, nation: str, code: str) -> None:
    problem = the_problem(tmp_path, [GOOD_EPISODE | {"nation": nation, "authority_code": code}])
    assert where(problem) == ("episodes.csv", 2, "nation")
    assert nation in problem.reason and code in problem.reason
    assert "does not match" in problem.reason


def test_the_nation_is_taken_from_the_code_when_empty(tmp_path: Path) -> None:
    # Return Friday 4 August 2017, interview Thursday 10 August. Scotland's summer bank
    # holiday is Monday 7 August (England's is 28 August), so three working days after the
    # Friday are Tue 8, Wed 9, Thu 10 in Scotland (within) but Mon 7, Tue 8, Wed 9 in
    # England (not within). Northern Ireland: return Monday 10 July 2017, interview Friday
    # 14 July; 12 July is a holiday there only: Tue 11, Thu 13, Fri 14 (within) against
    # Tue 11, Wed 12, Thu 13 in England.
    episodes = [
        ep("S-empty", "2017-08-04T08:00", "2017-08-04T10:00", rhi="RS1", nation="")
        | {"authority_code": "S12000033"},
        ep("S-named", "2017-08-04T08:00", "2017-08-04T10:00", rhi="RS2", nation="scotland")
        | {"authority_code": "S12000034"},
        ep("E-empty", "2017-08-04T08:00", "2017-08-04T10:00", rhi="RE", nation=""),
        ep("N-empty", "2017-07-10T08:00", "2017-07-10T10:00", rhi="RN", nation="")
        | {"authority_code": "N09000001"},
    ]
    interviews = [
        iv("RS1", "2017-08-10T12:00", authority_code="S12000033"),
        iv("RS2", "2017-08-10T12:00", authority_code="S12000034"),
        iv("RE", "2017-08-10T12:00"),
        iv("RN", "2017-07-14T12:00", authority_code="N09000001"),
    ]
    checked = load(tmp_path, episodes, interviews)
    table = compute_indicators(checked.episodes, checked.interviews)
    within = dict(table.select("authority_code", "within_return_working_days_each").iter_rows())
    assert within == {"E06099001": 0, "N09000001": 1, "S12000033": 1, "S12000034": 1}
    # Calendar days do not depend on the nation: due Monday 7 August / Thursday 13 July.
    calendar = dict(table.select("authority_code", "within_return_calendar_days_each").iter_rows())
    assert calendar == {"E06099001": 0, "N09000001": 0, "S12000033": 0, "S12000034": 0}


# --- across columns and files --------------------------------------------------------------


def test_returned_before_started(tmp_path: Path, capsys) -> None:
    problem = the_problem(
        tmp_path,
        [GOOD_EPISODE | {"started_at": "2017-04-02T10:00", "returned_at": "2017-04-02T09:59"}],
    )
    assert where(problem) == ("episodes.csv", 2, "returned_at")
    assert "2017-04-02T09:59" in problem.reason and "2017-04-02T10:00" in problem.reason
    assert "before" in problem.reason
    assert_cli_refuses(tmp_path, capsys, [problem])


def test_returned_at_the_moment_it_started_is_fine(tmp_path: Path) -> None:
    checked = load(
        tmp_path,
        [GOOD_EPISODE | {"started_at": "2017-04-02T10:00", "returned_at": "2017-04-02T10:00"}],
        [GOOD_INTERVIEW],
    )
    assert checked.episodes.height == 1


def test_a_dangling_rhi_id(tmp_path: Path, capsys) -> None:
    problem = the_problem(tmp_path, [GOOD_EPISODE, ep("E2", "2017-05-01T10:00", rhi="R9")])
    assert where(problem) == ("episodes.csv", 3, "rhi_id")
    assert "'R9'" in problem.reason and "not in the interviews file" in problem.reason
    assert_cli_refuses(tmp_path, capsys, [problem])


def test_a_duplicate_episode_id_names_the_first_line(tmp_path: Path, capsys) -> None:
    episodes = [GOOD_EPISODE, ep("E2", "2017-05-01T10:00"), GOOD_EPISODE | {"child_id": "C9"}]
    problem = the_problem(tmp_path, episodes)
    assert where(problem) == ("episodes.csv", 4, "episode_id")
    assert "duplicate" in problem.reason and "'E1'" in problem.reason
    assert "first on line 2" in problem.reason
    assert_cli_refuses(tmp_path, capsys, [problem])


def test_a_duplicate_rhi_id_names_the_first_line(tmp_path: Path) -> None:
    interviews = [GOOD_INTERVIEW, iv("R2"), iv("R3"), GOOD_INTERVIEW | {"outcome": "declined"}]
    problem = the_problem(tmp_path, [GOOD_EPISODE], interviews)
    assert where(problem) == ("interviews.csv", 5, "rhi_id")
    assert "duplicate" in problem.reason and "'R1'" in problem.reason
    assert "first on line 2" in problem.reason


@pytest.mark.parametrize(
    ("file", "column"),
    [
        ("episodes.csv", "episode_id"),
        ("episodes.csv", "child_id"),
        ("episodes.csv", "authority_code"),
        ("episodes.csv", "started_at"),
        ("interviews.csv", "rhi_id"),
        ("interviews.csv", "authority_code"),
    ],
)
def test_a_required_value_missing(tmp_path: Path, file: str, column: str) -> None:
    if file == "episodes.csv":
        found = problems_of(tmp_path, [GOOD_EPISODE | {column: ""}])
    else:
        found = problems_of(
            tmp_path, [ep("E1", "2017-04-01T10:00")], [GOOD_INTERVIEW | {column: ""}]
        )
    assert [where(p) for p in found] == [(file, 2, column)]
    assert found[0].reason == "a value is required"


# --- whole files ---------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["episodes.csv", "interviews.csv"])
def test_an_empty_file(tmp_path: Path, which: str, capsys) -> None:
    episodes = b"" if which == "episodes.csv" else [GOOD_EPISODE]
    interviews = b"" if which == "interviews.csv" else [GOOD_INTERVIEW]
    problem = the_problem(tmp_path, episodes, interviews)
    assert where(problem) == (which, 1, None)
    assert "empty" in problem.reason and "header" in problem.reason
    assert_cli_refuses(tmp_path, capsys, [problem])


def test_a_header_only_interviews_file_is_normal(tmp_path: Path) -> None:
    table = compute_indicators(
        *_frames(
            load(
                tmp_path,
                [ep("E1", "2017-04-01T10:00", "2017-04-02T10:00")],
                INTERVIEW_HEADER + "\n",
            )
        )
    )
    row = only_row(table)
    assert (row["incidents"], row["offered"], row["completed"]) == (1, 0, 0)


def test_a_header_only_episodes_file_gives_an_empty_table(tmp_path: Path, capsys) -> None:
    # What the code does (and what we think right): no episodes, no rows, the contract's
    # columns; the interviews no episode names are listed in the quality report.
    checked = load(tmp_path, EPISODE_HEADER + "\n", [GOOD_INTERVIEW])
    table = compute_indicators(checked.episodes, checked.interviews)
    assert table.height == 0
    assert tuple(table.columns) == OUTPUT_COLUMNS
    assert quality_report(checked)["check"].to_list() == ["interview_without_episode"]

    out = tmp_path / "table.csv"
    code, stdout, stderr = run_cli(
        [tmp_path / "episodes.csv", tmp_path / "interviews.csv", "--out", out], capsys
    )
    assert (code, stderr) == (0, "")
    assert out.read_text().splitlines() == [",".join(OUTPUT_COLUMNS)]
    assert "0 rows" in stdout


@pytest.mark.parametrize("lines_before", [2, 3000])
def test_a_file_that_is_not_utf8_names_the_line_of_the_bad_byte(
    tmp_path: Path, lines_before: int, capsys
) -> None:
    # Early (line 4) and far into the file (line 3002), past what is read with the header.
    rows = [ep(f"E{i}", "2017-04-01T10:00") for i in range(lines_before)]
    text = csv_text(EPISODE_FIELDS, rows).encode()
    bad = b"EX,Ren\xe9e,E06099001,,missing,home,2017-04-01T10:00,,,\n"  # latin-1 e-acute
    text += (
        bad + csv_text(EPISODE_FIELDS, [ep("EY", "2017-04-01T10:00")]).split("\n", 1)[1].encode()
    )
    problem = the_problem(tmp_path, text, [])
    assert where(problem) == ("episodes.csv", lines_before + 2, None)
    assert "UTF-8" in problem.reason
    if lines_before == 2:
        assert_cli_refuses(tmp_path, capsys, [problem])


def test_a_byte_order_mark_is_not_part_of_the_first_column_name(tmp_path: Path) -> None:
    episodes = "\ufeff" + csv_text(EPISODE_FIELDS, [GOOD_EPISODE])
    checked = load(tmp_path, episodes, "\ufeff" + csv_text(INTERVIEW_FIELDS, [GOOD_INTERVIEW]))
    assert checked.episodes["episode_id"].to_list() == ["E1"]
    assert checked.interviews["rhi_id"].to_list() == ["R1"]


def test_a_blank_line_at_the_end_of_a_file_is_not_a_record(tmp_path: Path) -> None:
    # Files saved by many editors end with an empty line; it holds no record, so it must not
    # be reported as a row whose required values are all missing.
    episodes = csv_text(EPISODE_FIELDS, [GOOD_EPISODE]) + "\n"
    interviews = csv_text(INTERVIEW_FIELDS, [GOOD_INTERVIEW]) + "\n"
    checked = load(tmp_path, episodes, interviews)
    assert checked.episodes["episode_id"].to_list() == ["E1"]
    assert checked.interviews["rhi_id"].to_list() == ["R1"]


def test_a_row_with_more_cells_than_the_header_names_its_line(tmp_path: Path) -> None:
    row = ",".join(ep("E2", "2017-04-01T10:00").get(f, "") for f in EPISODE_FIELDS)
    episodes = csv_text(EPISODE_FIELDS, [GOOD_EPISODE]) + row + ",surplus\n"
    problem = the_problem(tmp_path, episodes)
    assert where(problem)[:2] == ("episodes.csv", 3)


def test_lines_are_file_lines_after_a_quoted_line_break(tmp_path: Path) -> None:
    # A quoted cell may hold a line break (here in an extra notes column); the line reported
    # is still the line of the file, as an editor shows it.
    header = EPISODE_HEADER + ",notes"
    first = ",".join(GOOD_EPISODE.get(f, "") for f in EPISODE_FIELDS) + ',"seen at\nthe station"'
    second = ",".join(ep("E2", "yesterday").get(f, "") for f in EPISODE_FIELDS) + ",none"
    problem = the_problem(tmp_path, f"{header}\n{first}\n{second}\n")
    assert where(problem) == ("episodes.csv", 4, "started_at")


def test_several_errors_at_once_are_all_reported(tmp_path: Path, capsys) -> None:
    episodes = [
        GOOD_EPISODE,  # line 2: fine
        ep("E2", "2017-13-01T10:00", category="lost"),  # line 3: two problems
        ep("E3", "2017-05-01T10:00", "2017-04-30T10:00"),  # line 4: returned before started
        ep("E4", "2017-05-01T10:00", rhi="R404", nation="wales"),  # line 5: two problems
        GOOD_EPISODE | {"child_id": ""},  # line 6: duplicate id and missing child
    ]
    interviews = [
        GOOD_INTERVIEW,  # line 2
        iv("R2", outcome="ok", completed="soon"),  # line 3: two problems
        iv("R3") | {"authority_code": "Z"},  # line 4
    ]
    found = problems_of(tmp_path, episodes, interviews)
    assert sorted(map(where, found)) == sorted(
        [
            ("episodes.csv", 3, "started_at"),
            ("episodes.csv", 3, "category"),
            ("episodes.csv", 4, "returned_at"),
            ("episodes.csv", 5, "rhi_id"),
            ("episodes.csv", 5, "nation"),
            ("episodes.csv", 6, "episode_id"),
            ("episodes.csv", 6, "child_id"),
            ("interviews.csv", 3, "outcome"),
            ("interviews.csv", 3, "completed_at"),
            ("interviews.csv", 4, "authority_code"),
        ]
    )
    assert_cli_refuses(tmp_path, capsys, found)


# --- what is accepted ----------------------------------------------------------------------


def test_extra_columns_are_ignored_and_column_order_is_free(tmp_path: Path) -> None:
    fields = ["notes", *reversed(EPISODE_FIELDS), "worker"]
    episodes = csv_text(fields, [GOOD_EPISODE | {"notes": "x", "worker": "AB"}])
    interview_fields = ["completed_at", "rhi_id", "extra", *INTERVIEW_FIELDS[1:5]]
    interviews = csv_text(interview_fields, [GOOD_INTERVIEW | {"extra": "yes"}])
    reordered = compute_indicators(*_frames(load(tmp_path, episodes, interviews)))
    plain = compute_indicators(*_frames(load(tmp_path, [GOOD_EPISODE], [GOOD_INTERVIEW])))
    assert reordered.equals(plain)
    assert only_row(plain)["completed"] == 1
    assert only_row(plain)["within_return_hours_each"] == 1


@pytest.mark.parametrize(
    ("extra_header", "extra_cells"),
    [
        (",,", ",,"),  # two unnamed columns, as spreadsheets often save
        (",notes,notes", ",a,b"),  # a repeated column the contract does not use
    ],
)
def test_repeated_extra_columns_are_ignored_too(
    tmp_path: Path, extra_header: str, extra_cells: str
) -> None:
    # "Extra columns are ignored": only a repeated contract column makes the file ambiguous.
    row = ",".join(GOOD_EPISODE.get(f, "") for f in EPISODE_FIELDS)
    episodes = f"{EPISODE_HEADER}{extra_header}\n{row}{extra_cells}\n"
    checked = load(tmp_path, episodes, [GOOD_INTERVIEW])
    assert checked.episodes["episode_id"].to_list() == ["E1"]


def _frames(checked):
    return checked.episodes, checked.interviews


# --- skipping bad rows ---------------------------------------------------------------------


def _mixed_files(tmp_path: Path) -> None:
    episodes = [
        GOOD_EPISODE,  # line 2: fine, interview R1
        ep("E2", "yesterday"),  # line 3: bad timestamp
        ep("E3", "2017-04-05T10:00", "2017-04-05T12:00", rhi="R2"),  # line 4: its interview is bad
        ep("E4", "2017-04-06T10:00", category="lost"),  # line 5: unknown code
        ep("E5", "2017-04-07T10:00", "2017-04-07T11:00"),  # line 6: fine
    ]
    interviews = [GOOD_INTERVIEW, iv("R2", "2017-04-05T13:00", outcome="perhaps")]
    write_inputs(tmp_path, episodes, interviews)


def test_skip_bad_rows_leaves_them_out_and_says_which(tmp_path: Path) -> None:
    _mixed_files(tmp_path)
    checked = load_inputs(
        tmp_path / "episodes.csv", tmp_path / "interviews.csv", skip_bad_rows=True
    )
    assert checked.episodes["episode_id"].to_list() == ["E1", "E5"]
    assert checked.interviews["rhi_id"].to_list() == ["R1"]
    assert (checked.skipped_episodes, checked.skipped_interviews) == (3, 1)
    assert sorted(map(where, checked.problems)) == [
        ("episodes.csv", 3, "started_at"),
        ("episodes.csv", 4, "rhi_id"),
        ("episodes.csv", 5, "category"),
        ("interviews.csv", 3, "outcome"),
    ]
    table = compute_indicators(checked.episodes, checked.interviews)
    row = only_row(table)
    assert (row["incidents"], row["completed"], row["within_return_hours_each"]) == (2, 1, 1)

    report = quality_report(checked).filter(pl.col("check") == "error")
    assert sorted(
        (Path(f).name, line, column)
        for f, line, column in report.select("file", "line", "column").iter_rows()
    ) == sorted(map(where, checked.problems))


def test_a_row_left_out_because_its_interview_was_says_so(tmp_path: Path) -> None:
    # E3's rhi_id R2 IS in the interviews file; R2 was left out for its bad outcome. The
    # reason given for leaving E3 out must not claim that R2 is not in the file.
    _mixed_files(tmp_path)
    checked = load_inputs(
        tmp_path / "episodes.csv", tmp_path / "interviews.csv", skip_bad_rows=True
    )
    reason = next(p.reason for p in checked.problems if where(p) == ("episodes.csv", 4, "rhi_id"))
    assert "not in the interviews file" not in reason, reason
    assert "R2" in reason


def test_skip_bad_rows_on_the_command_line(tmp_path: Path, capsys) -> None:
    _mixed_files(tmp_path)
    out = tmp_path / "table.csv"
    code, stdout, stderr = run_cli(
        [tmp_path / "episodes.csv", tmp_path / "interviews.csv", "--out", out, "--skip-bad-rows"],
        capsys,
    )
    assert (code, stderr) == (0, "")
    assert "skipped 3 episode row(s) and 1 interview row(s)" in stdout
    assert "error 4" in stdout
    assert only_row(pl.read_csv(out))["incidents"] == 2
    report = pl.read_csv(tmp_path / "table.quality.csv")
    errors = report.filter(pl.col("check") == "error")
    assert sorted(zip(errors["line"].to_list(), errors["column"].to_list(), strict=True)) == [
        (3, "outcome"),
        (3, "started_at"),
        (4, "rhi_id"),
        (5, "category"),
    ]
    assert errors["detail"].str.contains("'perhaps'").sum() == 1


def test_without_skip_bad_rows_the_same_files_are_refused(tmp_path: Path, capsys) -> None:
    _mixed_files(tmp_path)
    with pytest.raises(InputError) as raised:
        load_inputs(tmp_path / "episodes.csv", tmp_path / "interviews.csv")
    assert sorted(map(where, raised.value.problems)) == [
        ("episodes.csv", 3, "started_at"),
        ("episodes.csv", 5, "category"),
        ("interviews.csv", 3, "outcome"),
    ]
    assert_cli_refuses(tmp_path, capsys, raised.value.problems)


# --- in-memory tables ----------------------------------------------------------------------


def _memory_tables(**episode_overrides: object) -> tuple[pl.DataFrame, pl.DataFrame]:
    episodes = pl.DataFrame(
        {
            "episode_id": ["E1", "E2"],
            "child_id": ["C1", "C1"],
            "authority_code": ["E06099001", "E06099001"],
            "nation": [None, "england"],
            "category": ["missing", "Absent"],
            "missing_from": ["home", "care"],
            "started_at": [datetime(2017, 4, 1, 10), datetime(2017, 4, 8, 10)],
            "returned_at": [datetime(2017, 4, 2, 10), None],
            "notified_at": [datetime(2017, 4, 2, 12), None],
            "rhi_id": ["R1", None],
            **episode_overrides,
        },
        schema_overrides={"nation": pl.String, "rhi_id": pl.String},
    )
    interviews = pl.DataFrame(
        {
            "rhi_id": ["R1"],
            "authority_code": ["E06099001"],
            "offered_at": [datetime(2017, 4, 2, 13)],
            "outcome": ["accepted"],
            "declined_by": [None],
            "completed_at": [datetime(2017, 4, 5, 11)],
        },
        schema_overrides={"declined_by": pl.String},
    )
    return episodes, interviews


def test_in_memory_tables_with_datetime_columns(tmp_path: Path) -> None:
    episodes, interviews = _memory_tables()
    checked = check_inputs(episodes, interviews)
    assert checked.episodes["_line"].to_list() == [2, 3]
    assert checked.episodes["category"].to_list() == ["missing", "absent"]
    row = only_row(compute_indicators(checked.episodes, checked.interviews))
    # Return Sun 2 April 10:00, completion Wed 5 April 11:00: one hour over 72 hours, on
    # the due calendar day (5 April), and within working days (Mon, Tue, Wed).
    assert (row["incidents"], row["absent"], row["completed"]) == (2, 1, 1)
    assert row["within_return_hours_each"] == 0
    assert row["within_return_calendar_days_each"] == 1
    assert row["within_return_working_days_each"] == 1
    assert row["within_referral_hours_each"] == 1  # notified 12:00, due Wed 12:00

    # The same records as text in files give the same table.
    text_episodes = [
        ep("E1", "2017-04-01T10:00", "2017-04-02T10:00", "2017-04-02T12:00", rhi="R1"),
        ep("E2", "2017-04-08T10:00", category="absent", missing_from="care", nation="england"),
    ]
    text_interviews = [iv("R1", "2017-04-05T11:00", offered="2017-04-02T13:00", outcome="accepted")]
    from_files = compute_indicators(*_frames(load(tmp_path, text_episodes, text_interviews)))
    assert from_files.equals(compute_indicators(checked.episodes, checked.interviews))


def test_in_memory_tables_report_problems_by_row(tmp_path: Path) -> None:
    episodes, interviews = _memory_tables(
        returned_at=[datetime(2017, 3, 31, 10), None], category=["missing", "gone"]
    )
    with pytest.raises(InputError) as raised:
        check_inputs(episodes, interviews, episodes_source="db:episodes")
    assert sorted((p.file, p.line, p.column) for p in raised.value.problems) == [
        ("db:episodes", 2, "returned_at"),
        ("db:episodes", 3, "category"),
    ]


def test_in_memory_time_zone_aware_datetimes_keep_the_uk_wall_clock() -> None:
    # The contract is UK wall-clock time. A column that carries its zone (Europe/London,
    # British Summer Time in April: 10:00 local is 09:00 UTC) is taken at its UK wall clock
    # (`check_inputs` converts it to Europe/London and drops the zone), not shifted by an
    # hour; one in UTC is converted to the UK's wall clock.
    episodes, interviews = _memory_tables()
    london = episodes.with_columns(
        pl.col("started_at", "returned_at", "notified_at").dt.replace_time_zone("Europe/London")
    )
    checked = check_inputs(london, interviews)
    assert checked.episodes["returned_at"].to_list() == [datetime(2017, 4, 2, 10), None]
    assert checked.episodes["returned_at"].dtype.time_zone is None  # type: ignore[attr-defined]
    utc = episodes.with_columns(
        pl.col("started_at", "returned_at", "notified_at").dt.replace_time_zone("UTC")
    )
    shifted = check_inputs(utc, interviews)
    assert shifted.episodes["returned_at"].to_list() == [datetime(2017, 4, 2, 11), None]
