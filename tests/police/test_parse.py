"""Reading police notifications from JSON, CSV and XLSX (`police.parse`)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import xlsxwriter

from homeward.police import parse
from homeward.police.format import (
    FIELD_NAMES,
    FIELDS,
    Category,
    MissingFrom,
    Notification,
    NotificationType,
    PlacementType,
    RiskFactor,
    RiskGrade,
    Sex,
)
from homeward.police.parse import (
    ENUMS,
    MAX_RECORDS,
    Batch,
    Parsed,
    Problem,
    content_key,
    parse_csv,
    parse_file,
    parse_json,
    parse_record,
    parse_xlsx,
    to_record,
    write_csv,
    write_json,
    write_xlsx,
)

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
GMT = UTC
BST = timezone(timedelta(hours=1))
IST = timezone(timedelta(hours=5, minutes=30))
MINUS_ONE = timezone(timedelta(hours=-1))

#: The smallest valid record.
MINIMAL = {
    "force": "fenmoor",
    "police_reference": "FM-2026-004512",
    "notification_type": "reported_missing",
    "reported_at": "2026-11-19T22:40:00+00:00",
    "category": "missing",
    "family_name": "Okafor",
}

#: A record with every field, as the format's own examples give them.
FULL = {field.name: field.example for field in FIELDS}


def record(**changes: object) -> Parsed:
    raw = {**MINIMAL, **changes}
    return parse_record(raw, source="request", line=1, now=NOW)


def notification(**changes: object) -> Notification:
    parsed = record(**changes)
    assert parsed.problems == ()
    assert parsed.notification is not None
    return parsed.notification


def problems(**changes: object) -> list[tuple[str | None, str]]:
    parsed = record(**changes)
    assert parsed.notification is None
    return [(p.field, p.reason) for p in parsed.problems]


def fields_of(parsed: Parsed) -> list[str | None]:
    return [p.field for p in parsed.problems]


def full_notification() -> Notification:
    parsed = parse_record(FULL, source="request", line=1, now=NOW)
    assert parsed.problems == ()
    assert parsed.notification is not None
    return parsed.notification


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


# The format and its enums --------------------------------------------------------------------


def test_every_choice_field_has_the_enum_with_the_same_codes() -> None:
    for field in FIELDS:
        if field.kind in ("choice", "choices"):
            assert tuple(m.value for m in ENUMS[field.name]) == field.choices


def test_the_notification_has_exactly_the_fields_of_the_format() -> None:
    assert set(to_record(full_notification())) == set(FIELD_NAMES)


def test_every_example_in_the_format_is_read() -> None:
    n = full_notification()
    assert n.force == "fenmoor"
    assert n.notification_type is NotificationType.REPORTED_MISSING
    assert n.reported_at == datetime(2026, 11, 19, 22, 40, tzinfo=UTC)
    assert n.aliases == ("JJ", "Jay Okafor-Smith")
    assert n.date_of_birth == date(2011, 3, 14)
    assert n.child_flag is True
    assert n.sex is Sex.MALE
    assert n.risk_factors == (RiskFactor.CCE, RiskFactor.COUNTY_LINES)
    assert n.risk_grade is RiskGrade.MEDIUM
    assert n.missing_from is MissingFrom.HOME
    assert n.placement_type is PlacementType.HOME
    assert n.category is Category.MISSING


# Problem ------------------------------------------------------------------------------------


def test_a_problem_reads_as_where_then_why() -> None:
    problem = Problem("drop.csv", 4, "date_of_birth", "not a date")
    assert str(problem) == "drop.csv, line 4, date_of_birth: not a date"
    assert str(Problem("drop.csv", None, None, "not UTF-8")) == "drop.csv: not UTF-8"
    assert str(Problem("request", 2, None, "x")) == "request, line 2: x"


def test_an_impossible_date_reads_as_the_documented_example() -> None:
    data = csv_bytes(
        [
            [*list(MINIMAL), "date_of_birth"],
            [*list(MINIMAL.values()), "2011-03-14"],
            [*list(MINIMAL.values()), "2011-03-14"],
            [*list(MINIMAL.values()), "31/02/2011"],
        ]
    )
    batch = parse_csv(data, source="drop.csv", now=NOW)
    assert [str(p) for p in batch.records[2].problems] == [
        "drop.csv, line 4, date_of_birth: not a date (expected YYYY-MM-DD or dd/mm/YYYY): "
        "'31/02/2011'"
    ]


def test_a_bad_value_is_quoted_cut_short() -> None:
    ((field, reason),) = problems(risk_grade="x" * 100)
    assert field == "risk_grade"
    assert "'" + "x" * 40 + "…'" in reason
    assert "x" * 41 not in reason


# Text ---------------------------------------------------------------------------------------


def test_text_is_stripped() -> None:
    assert notification(family_name="  Okafor \t").family_name == "Okafor"


def test_a_control_character_in_text_is_a_problem() -> None:
    ((field, reason),) = problems(address="14 Mill\x00 Lane")
    assert field == "address"
    assert "control character" in reason
    assert "\\x00" in reason


def test_tabs_and_line_breaks_only_in_circumstances() -> None:
    n = notification(circumstances="Left home.\r\nSeen\tlater.\rAgain.")
    assert n.circumstances == "Left home.\nSeen\tlater.\nAgain."
    assert [f for f, _ in problems(address="14 Mill\nLane")] == ["address"]
    assert [f for f, _ in problems(circumstances="bell\x07")] == ["circumstances"]


def test_text_longer_than_the_limit_is_a_problem() -> None:
    assert notification(police_reference="R" * 50).police_reference == "R" * 50
    ((field, reason),) = problems(police_reference="R" * 51)
    assert field == "police_reference"
    assert "51 characters, at most 50" in reason


def test_numbers_in_text_fields_are_text_without_a_point_nought() -> None:
    assert notification(police_reference=4512).police_reference == "4512"
    assert notification(police_reference=4512.0).police_reference == "4512"
    assert notification(officer_contact=1.5).officer_contact == "1.5"


def test_true_or_false_in_a_text_field_is_a_problem() -> None:
    assert [f for f, _ in problems(address=True)] == ["address"]


# Required fields and the name ----------------------------------------------------------------


@pytest.mark.parametrize("name", [f.name for f in FIELDS if f.required])
@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_required_field_missing_or_blank_is_a_problem(name: str, value: object) -> None:
    raw = {**MINIMAL, name: value}
    parsed = parse_record(raw, source="request", line=3, now=NOW)
    assert [(p.line, p.field, p.reason) for p in parsed.problems] == [
        (3, name, "missing: this field is required")
    ]
    del raw[name]
    parsed = parse_record(raw, source="request", line=3, now=NOW)
    assert fields_of(parsed) == [name]


def test_a_notification_must_name_the_person() -> None:
    assert notification(family_name="", given_names="Jayden").given_names == "Jayden"
    assert notification(family_name="Okafor").given_names == ""
    ((field, reason),) = problems(family_name=" ")
    assert field is None
    assert "must name the person" in reason


def test_every_problem_in_a_record_is_reported() -> None:
    parsed = record(
        force="",
        notification_type="lost",
        date_of_birth="2011-13-01",
        child_flag="maybe",
        postcode="nowhere",
        extra="x",
    )
    assert sorted(map(str, fields_of(parsed))) == sorted(
        ["extra", "force", "notification_type", "date_of_birth", "child_flag", "postcode"]
    )


# Codes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["no_apparent_risk", "No apparent risk", "NO-APPARENT-RISK", " no  apparent_risk "]
)
def test_codes_are_read_in_any_case_with_spaces_or_hyphens(text: str) -> None:
    assert notification(risk_grade=text).risk_grade is RiskGrade.NO_APPARENT_RISK


def test_an_unknown_code_lists_the_allowed_codes() -> None:
    ((field, reason),) = problems(missing_from="garden")
    assert field == "missing_from"
    assert reason == "not one of the allowed values (home, care): 'garden'"


def test_sex_left_blank_is_unknown_and_other_choices_none() -> None:
    n = notification(sex="", risk_grade=None)
    assert n.sex is Sex.UNKNOWN
    assert n.risk_grade is None


# Lists ------------------------------------------------------------------------------------


def test_lists_from_text_drop_empty_and_repeated_items() -> None:
    n = notification(aliases="JJ;; Jay ; JJ;", risk_factors="CCE; county lines;cce")
    assert n.aliases == ("JJ", "Jay")
    assert n.risk_factors == (RiskFactor.CCE, RiskFactor.COUNTY_LINES)


def test_lists_from_json_arrays() -> None:
    n = notification(aliases=["JJ", " ", "Jay", "JJ"], risk_factors=["Self harm", "gang"])
    assert n.aliases == ("JJ", "Jay")
    assert n.risk_factors == (RiskFactor.SELF_HARM, RiskFactor.GANG)


def test_a_list_with_unknown_codes_names_them_all() -> None:
    ((field, reason),) = problems(risk_factors="cce; joyriding; boredom")
    assert field == "risk_factors"
    assert "'joyriding'" in reason
    assert "'boredom'" in reason
    assert "county_lines" in reason


def test_a_list_item_may_not_contain_a_semicolon_or_be_a_list() -> None:
    assert [f for f, _ in problems(aliases=["J; J"])] == ["aliases"]
    assert [f for f, _ in problems(aliases=[["JJ"]])] == ["aliases"]


def test_each_list_item_has_the_length_limit() -> None:
    assert notification(aliases=["A" * 200, "B" * 200]).aliases == ("A" * 200, "B" * 200)
    assert [f for f, _ in problems(aliases=["A" * 201])] == ["aliases"]


# True or false --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("TRUE", True),
        ("Yes", True),
        ("y", True),
        ("1", True),
        (1, True),
        (True, True),
        ("false", False),
        ("No", False),
        ("N", False),
        ("0", False),
        (0, False),
        (False, False),
        ("", None),
        (None, None),
    ],
)
def test_true_or_false(text: object, value: bool | None) -> None:
    assert notification(child_flag=text).child_flag is value


def test_anything_else_is_not_true_or_false() -> None:
    ((field, reason),) = problems(prevention_interview_done="maybe")
    assert field == "prevention_interview_done"
    assert "'maybe'" in reason
    assert [f for f, _ in problems(child_flag=2)] == ["child_flag"]


# Dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2011-03-14", "14/03/2011", "14/3/2011", " 2011-03-14 "])
def test_dates(text: str) -> None:
    assert notification(date_of_birth=text).date_of_birth == date(2011, 3, 14)


@pytest.mark.parametrize(
    "text", ["31/02/2011", "2011-02-30", "03/14/2011x", "2011-3-14", "14.03.2011", "20110314"]
)
def test_not_dates(text: str) -> None:
    ((field, reason),) = problems(date_of_birth=text)
    assert field == "date_of_birth"
    assert reason.startswith("not a date (expected YYYY-MM-DD or dd/mm/YYYY)")


def test_a_date_before_1900_is_a_problem() -> None:
    ((field, reason),) = problems(date_of_birth="1899-12-31")
    assert field == "date_of_birth"
    assert "1900" in reason


def test_date_and_datetime_values_are_accepted_for_dates() -> None:
    assert notification(date_of_birth=date(2011, 3, 14)).date_of_birth == date(2011, 3, 14)
    assert notification(date_of_birth=datetime(2011, 3, 14)).date_of_birth == date(2011, 3, 14)


# Dates and times --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-11-19T22:40:00+00:00", datetime(2026, 11, 19, 22, 40, tzinfo=UTC)),
        ("2026-11-19T22:40:00Z", datetime(2026, 11, 19, 22, 40, tzinfo=UTC)),
        ("2026-11-19 22:40", datetime(2026, 11, 19, 22, 40, tzinfo=GMT)),
        ("2026-11-19T22:40:30", datetime(2026, 11, 19, 22, 40, 30, tzinfo=GMT)),
        ("2026-11-19T22:40:00.25+05:30", datetime(2026, 11, 19, 22, 40, 0, 250000, tzinfo=IST)),
        ("2026-11-19T22:40-0100", datetime(2026, 11, 19, 22, 40, tzinfo=MINUS_ONE)),
        ("19/11/2026 22:40", datetime(2026, 11, 19, 22, 40, tzinfo=GMT)),
        ("19/11/2026 22:40:05", datetime(2026, 11, 19, 22, 40, 5, tzinfo=GMT)),
        # Summer: UK wall-clock time is BST, an hour ahead of UTC.
        ("2026-07-01T12:00", datetime(2026, 7, 1, 12, 0, tzinfo=BST)),
        ("01/07/2026 12:00", datetime(2026, 7, 1, 12, 0, tzinfo=BST)),
    ],
)
def test_dates_and_times(text: str, moment: datetime) -> None:
    n = notification(reported_at=text, date_of_birth="2011-03-14")
    assert n.reported_at == moment
    assert n.reported_at.utcoffset() == moment.utcoffset()


def test_a_time_without_offset_in_the_repeated_hour_is_bst() -> None:
    n = notification(reported_at="2026-10-25 01:30")
    assert n.reported_at.utcoffset() == timedelta(hours=1)
    assert n.reported_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-19",
        "2026-11-19T25:00",
        "2026-11-19T22:61",
        "2026-11-31T10:00",
        "2026-11-19T22:40+24:00",
        "19/11/2026",
        "yesterday",
        "2026-11-19T22:40:00+00:00:00",
    ],
)
def test_not_dates_and_times(text: str) -> None:
    ((field, reason),) = problems(reported_at=text)
    assert field == "reported_at"
    assert reason.startswith("not a date and time")


def test_a_datetime_value_without_zone_is_uk_time_and_one_with_a_zone_is_kept() -> None:
    n = notification(reported_at=datetime(2026, 7, 1, 12, 0))
    assert n.reported_at == datetime(2026, 7, 1, 11, 0, tzinfo=UTC)
    aware = datetime(2026, 7, 1, 12, 0, tzinfo=timezone(timedelta(hours=-4)))
    assert notification(reported_at=aware).reported_at == aware


def test_every_time_is_aware() -> None:
    n = full_notification()
    for moment in (n.sent_at, n.reported_at, n.last_seen_at, n.found_at):
        assert moment is not None
        assert moment.utcoffset() is not None


# Postcodes and GSS codes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("fn32qp", "FN3 2QP"),
        ("FN3 2QP", "FN3 2QP"),
        (" fn3  2qp ", "FN3 2QP"),
        ("ab12cd", "AB1 2CD"),
        ("EC1A1BB", "EC1A 1BB"),
        ("w1a0ax", "W1A 0AX"),
    ],
)
def test_postcodes_are_written_in_capitals_with_one_space(text: str, written: str) -> None:
    n = notification(postcode=text, placement_postcode=text)
    assert n.postcode == written
    assert n.placement_postcode == written


@pytest.mark.parametrize("text", ["FN3", "12 3AB", "FN3 QP2", "FN3 2Q", "ABCDE 1AB", "FN3-2QP"])
def test_not_postcodes(text: str) -> None:
    ((field, reason),) = problems(placement_postcode=text)
    assert field == "placement_postcode"
    assert reason.startswith("not a UK postcode")


def test_gss_codes() -> None:
    assert notification(responsible_authority="e10000099").responsible_authority == "E10000099"
    for bad in ("X10000099", "E1000009", "E100000990", "Fenmoor"):
        ((field, reason),) = problems(responsible_authority=bad)
        assert field == "responsible_authority"
        assert reason.startswith("not a GSS code")


# Checks between fields --------------------------------------------------------------------------


def test_date_of_birth_after_the_date_reported_is_a_problem() -> None:
    assert notification(date_of_birth="2026-11-19").date_of_birth == date(2026, 11, 19)
    ((field, reason),) = problems(date_of_birth="2026-11-20")
    assert field == "date_of_birth"
    assert "2026-11-20" in reason


def test_the_date_reported_is_the_uk_date() -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in the UK: born on 1 July is fine.
    n = notification(reported_at="2026-06-30T23:30:00+00:00", date_of_birth="2026-07-01")
    assert n.date_of_birth == date(2026, 7, 1)


def test_reported_more_than_a_day_after_now_is_a_problem() -> None:
    assert notification(reported_at=(NOW + timedelta(hours=23)).isoformat()).reported_at
    ((field, reason),) = problems(reported_at=(NOW + timedelta(hours=25)).isoformat())
    assert field == "reported_at"
    assert "future" in reason


def test_last_seen_after_reported_is_a_problem() -> None:
    assert notification(last_seen_at="2026-11-19T22:40:00+00:00").last_seen_at
    ((field, _),) = problems(last_seen_at="2026-11-19T22:41:00+00:00")
    assert field == "last_seen_at"


def test_found_before_last_seen_is_a_problem() -> None:
    fine = notification(last_seen_at="2026-11-19T18:30Z", found_at="2026-11-19T18:30Z")
    assert fine.found_at == fine.last_seen_at
    ((field, _),) = problems(last_seen_at="2026-11-19T18:30Z", found_at="2026-11-19T18:29Z")
    assert field == "found_at"


def test_found_more_than_a_day_after_now_is_a_problem() -> None:
    ((field, reason),) = problems(found_at="2026-11-25T10:00Z")
    assert field == "found_at"
    assert "future" in reason


def test_a_found_notification_needs_found_at() -> None:
    ((field, reason),) = problems(notification_type="found")
    assert field == "found_at"
    assert "found" in reason
    assert notification(notification_type="Found", found_at="2026-11-21T09:15Z").found_at


# Records from JSON-like dictionaries -------------------------------------------------------------


def test_an_unknown_key_is_a_problem_for_each_key() -> None:
    parsed = record(nickname="JJ", colour="red")
    assert [(p.field, p.reason) for p in parsed.problems] == [
        ("nickname", "not a field of the notification format"),
        ("colour", "not a field of the notification format"),
    ]


def test_field_names_are_matched_in_any_case() -> None:
    raw = {key.upper(): value for key, value in MINIMAL.items()}
    parsed = parse_record(raw, source="request", line=1, now=NOW)
    assert parsed.problems == ()
    assert parsed.raw["police_reference"] == "FM-2026-004512"


def test_a_field_given_twice_is_a_problem() -> None:
    assert fields_of(record(Force="fenmoor")) == ["force"]


def test_an_object_or_a_list_where_a_value_is_expected_is_a_problem() -> None:
    ((field, reason),) = problems(address={"line1": "14 Mill Lane"})
    assert (field, reason) == ("address", "expected a single value, not an object")
    ((field, reason),) = problems(reported_at=["2026-11-19T22:40Z"])
    assert (field, reason) == ("reported_at", "expected a single value, not a list")


def test_raw_keeps_the_record_as_text() -> None:
    parsed = record(police_reference=4512, child_flag=True, aliases=["JJ", "Jay"], sex=None)
    assert parsed.raw["police_reference"] == "4512"
    assert parsed.raw["child_flag"] == "true"
    assert parsed.raw["aliases"] == "JJ; Jay"
    assert parsed.raw["sex"] == ""


# JSON -------------------------------------------------------------------------------------


def test_json_single_object() -> None:
    batch = parse_json(json.dumps(MINIMAL), source="request", now=NOW)
    assert batch.problems == ()
    assert [(r.line, r.problems) for r in batch.records] == [(1, ())]


def test_json_array_and_wrapped_array_number_the_items() -> None:
    bad = {**MINIMAL, "category": "lost"}
    for document in ([MINIMAL, bad, MINIMAL], {"notifications": [MINIMAL, bad, MINIMAL]}):
        batch = parse_json(json.dumps(document).encode(), source="request", now=NOW)
        assert batch.problems == ()
        assert [r.line for r in batch.records] == [1, 2, 3]
        assert [r.notification is not None for r in batch.records] == [True, False, True]
        assert [(p.line, p.field) for p in batch.records[1].problems] == [(2, "category")]


def test_json_item_that_is_not_an_object_is_a_problem_on_its_line() -> None:
    batch = parse_json(json.dumps([MINIMAL, "hello"]), source="request", now=NOW)
    assert batch.records[0].notification is not None
    assert [(p.line, p.field) for p in batch.records[1].problems] == [(2, None)]


def test_invalid_json_gives_line_and_column() -> None:
    batch = parse_json(b'{\n  "force": "fenmoor",\n  oops\n}', source="drop.json", now=NOW)
    assert batch.records == ()
    ((problem,),) = [batch.problems]
    assert problem.line is None
    assert "not valid JSON" in problem.reason
    assert "line 3, column 3" in problem.reason


@pytest.mark.parametrize(
    "document",
    ['"hello"', "42", "null", '{"notifications": {}}', '{"notifications": [], "x": 1}', "NaN"],
)
def test_json_that_is_not_a_notification_or_batch_is_a_whole_file_problem(document: str) -> None:
    batch = parse_json(document, source="request", now=NOW)
    assert batch.records == ()
    assert len(batch.problems) == 1
    assert batch.problems[0].line is None


def test_json_not_utf8_is_a_whole_file_problem() -> None:
    batch = parse_json(json.dumps(MINIMAL).encode("utf-16"), source="x.json", now=NOW)
    assert batch.records == ()
    assert "UTF-8" in batch.problems[0].reason


def test_json_with_a_byte_order_mark() -> None:
    batch = parse_json(b"\xef\xbb\xbf" + json.dumps(MINIMAL).encode(), source="x", now=NOW)
    assert batch.problems == ()
    assert batch.records[0].notification is not None


def test_json_with_too_many_records_is_a_whole_file_problem() -> None:
    batch = parse_json(json.dumps([{}] * (MAX_RECORDS + 1)), source="x", now=NOW)
    assert batch.records == ()
    assert "50,000" in batch.problems[0].reason


# CSV ---------------------------------------------------------------------------------------


def test_csv_multi_line_quoted_field_keeps_physical_line_numbers() -> None:
    header = [*MINIMAL, "circumstances"]
    good = list(MINIMAL.values())
    text = (
        ",".join(header) + "\r\n"
        + ",".join(good) + ',"Left home.\r\nSeen at\r\nthe station."\r\n'
        + ",".join(good) + ",short\r\n"
        + "\r\n"
        + ",".join(good[:2]) + ",lost," + ",".join(good[3:]) + ',"two\nlines"\r\n'
        + ",".join(good) + ",last\r\n"
    )  # fmt: skip
    batch = parse_csv(text.encode(), source="drop.csv", now=NOW)
    assert batch.problems == ()
    assert [r.line for r in batch.records] == [2, 5, 7, 9]
    assert batch.records[0].notification is not None
    assert batch.records[0].notification.circumstances == "Left home.\nSeen at\nthe station."
    assert [(p.line, p.field) for p in batch.records[2].problems] == [(7, "notification_type")]


def test_csv_with_a_byte_order_mark() -> None:
    data = b"\xef\xbb\xbf" + csv_bytes([list(MINIMAL), list(MINIMAL.values())])
    batch = parse_csv(data, source="drop.csv", now=NOW)
    assert batch.problems == ()
    assert batch.records[0].notification is not None


def test_csv_not_utf8_is_a_whole_file_problem() -> None:
    data = csv_bytes([list(MINIMAL), list(MINIMAL.values())]).replace(b"Okafor", b"Ok\xe1for")
    batch = parse_csv(data, source="drop.csv", now=NOW)
    assert batch.records == ()
    ((problem,),) = [batch.problems]
    assert (problem.line, problem.field) == (None, None)
    assert "not UTF-8" in problem.reason


def test_csv_headers_are_matched_in_any_case_and_order() -> None:
    names = [f" {name.upper()} " for name in reversed(list(MINIMAL))]
    data = csv_bytes([names, list(reversed(list(MINIMAL.values())))])
    batch = parse_csv(data, source="drop.csv", now=NOW)
    assert batch.problems == ()
    assert batch.records[0].notification == notification()


def test_csv_unknown_column_is_a_whole_file_problem_naming_it() -> None:
    data = csv_bytes([[*MINIMAL, "Nickname"], [*MINIMAL.values(), "JJ"]])
    batch = parse_csv(data, source="drop.csv", now=NOW)
    assert batch.records == ()
    assert [(p.line, p.field) for p in batch.problems] == [(None, "nickname")]
    assert "unknown column" in batch.problems[0].reason


def test_csv_missing_required_column_is_a_whole_file_problem_naming_it() -> None:
    header = [name for name in MINIMAL if name != "category"]
    data = csv_bytes([header, [MINIMAL[name] for name in header]])
    batch = parse_csv(data, source="drop.csv", now=NOW)
    assert batch.records == ()
    assert [(p.line, p.field) for p in batch.problems] == [(None, "category")]
    assert "missing column" in batch.problems[0].reason


def test_csv_repeated_column_is_a_whole_file_problem() -> None:
    data = csv_bytes([[*MINIMAL, "Force"], [*MINIMAL.values(), "fenmoor"]])
    batch = parse_csv(data, source="drop.csv", now=NOW)
    assert batch.records == ()
    assert [p.field for p in batch.problems] == ["force"]


def test_csv_without_a_header_is_a_whole_file_problem() -> None:
    for data in (b"", b"\r\n , \r\n"):
        batch = parse_csv(data, source="drop.csv", now=NOW)
        assert batch.records == ()
        assert "header" in batch.problems[0].reason


def test_csv_row_with_more_cells_than_the_header_is_a_problem_on_its_line() -> None:
    data = csv_bytes(
        [
            list(MINIMAL),
            list(MINIMAL.values()),
            [*MINIMAL.values(), "extra"],
            [*MINIMAL.values(), ""],
        ]
    )
    batch = parse_csv(data, source="drop.csv", now=NOW)
    assert [r.notification is not None for r in batch.records] == [True, False, True]
    assert [(p.line, p.field) for p in batch.records[1].problems] == [(3, None)]
    assert "header" in batch.records[1].problems[0].reason


def test_csv_row_with_fewer_cells_leaves_the_rest_blank() -> None:
    header = [*MINIMAL, "given_names"]
    batch = parse_csv(csv_bytes([header, list(MINIMAL.values())]), source="x.csv", now=NOW)
    assert batch.records[0].notification == notification()


def test_csv_blank_rows_are_skipped() -> None:
    data = csv_bytes([list(MINIMAL), [], list(MINIMAL.values()), ["", " "], list(MINIMAL.values())])
    batch = parse_csv(data, source="drop.csv", now=NOW)
    assert [r.line for r in batch.records] == [3, 5]


def test_csv_a_batch_with_good_and_bad_rows_keeps_the_good_ones() -> None:
    good = list(MINIMAL.values())
    bad = [*good[:4], "lost", *good[5:]]
    data = csv_bytes([list(MINIMAL), good, bad, good])
    batch = parse_csv(data, source="drop.csv", now=NOW)
    assert batch.problems == ()
    assert [r.notification is not None for r in batch.records] == [True, False, True]
    assert batch.records[1].raw["police_reference"] == "FM-2026-004512"
    assert [(p.line, p.field) for p in batch.records[1].problems] == [(3, "category")]


def test_csv_with_too_many_records_is_a_whole_file_problem() -> None:
    row = ",".join(MINIMAL.values()) + "\n"
    data = (",".join(MINIMAL) + "\n" + row * (MAX_RECORDS + 1)).encode()
    batch = parse_csv(data, source="drop.csv", now=NOW)
    assert batch.records == ()
    assert "more than 50,000 records" in batch.problems[0].reason


def test_the_record_limit_counts_records_not_blank_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse, "MAX_RECORDS", 3)
    row = ",".join(MINIMAL.values()) + "\n"
    data = (",".join(MINIMAL) + "\n" + (row + "\n") * 3).encode()
    assert len(parse_csv(data, source="drop.csv", now=NOW).records) == 3
    data = (",".join(MINIMAL) + "\n" + row * 4).encode()
    assert parse_csv(data, source="drop.csv", now=NOW).records == ()
    rows: list[list[object]] = [list(MINIMAL), *[list(MINIMAL.values())] * 4]
    assert parse_xlsx(xlsx_bytes({"notifications": rows}), source="d", now=NOW).records == ()
    assert parse_json(json.dumps([MINIMAL] * 4), source="d", now=NOW).records == ()
    assert len(parse_json(json.dumps([MINIMAL] * 3), source="d", now=NOW).records) == 3


def test_csv_unreadable_quoting_is_a_whole_file_problem() -> None:
    data = (",".join(MINIMAL) + "\n" + '"x' + "y" * 200_000 + "\n").encode()
    batch = parse_csv(data, source="drop.csv", now=NOW)
    assert batch.records == ()
    assert "CSV" in batch.problems[0].reason


def test_csv_writer_header_is_the_field_names_in_order() -> None:
    data = write_csv([full_notification()])
    assert next(csv.reader(io.StringIO(data.decode("utf-8")))) == list(FIELD_NAMES)


# XLSX --------------------------------------------------------------------------------------


def xlsx_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    dates = workbook.add_format({"num_format": "dd/mm/yyyy"})
    times = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, datetime):
                    sheet.write_datetime(r, c, value, times)
                elif isinstance(value, date):
                    sheet.write_datetime(r, c, value, dates)
                elif value is not None:
                    sheet.write(r, c, value)
    workbook.close()
    return out.getvalue()


def test_xlsx_date_and_number_cells() -> None:
    header = [*MINIMAL, "date_of_birth", "child_flag"]
    row: list[object] = [*MINIMAL.values(), date(2011, 3, 14), True]
    row[1] = 4512  # a number cell for the police reference
    row[3] = datetime(2026, 7, 1, 12, 0)  # reported_at: UK wall-clock time, BST in July
    data = xlsx_bytes({"Sheet1": [header, row]})
    batch = parse_xlsx(data, source="drop.xlsx", now=NOW)
    assert batch.problems == ()
    n = batch.records[0].notification
    assert n is not None
    assert n.police_reference == "4512"
    assert n.date_of_birth == date(2011, 3, 14)
    assert n.reported_at == datetime(2026, 7, 1, 11, 0, tzinfo=UTC)
    assert n.child_flag is True
    assert batch.records[0].raw["police_reference"] == "4512"


def test_xlsx_reads_the_notifications_sheet_and_numbers_rows() -> None:
    other = [["nothing", "here"]]
    rows: list[list[object]] = [
        list(MINIMAL),
        list(MINIMAL.values()),
        [],
        [*list(MINIMAL.values())[:4], "lost", "Okafor"],
    ]
    batch = parse_xlsx(xlsx_bytes({"Cover": other, "Notifications": rows}), source="d", now=NOW)
    assert batch.problems != ()  # "Notifications" is not "notifications": the first sheet
    batch = parse_xlsx(xlsx_bytes({"Cover": other, "notifications": rows}), source="d", now=NOW)
    assert batch.problems == ()
    assert [r.line for r in batch.records] == [2, 4]
    assert [(p.line, p.field) for p in batch.records[1].problems] == [(4, "category")]


def test_xlsx_unknown_column_is_a_whole_file_problem() -> None:
    rows: list[list[object]] = [[*MINIMAL, "Colour"], [*MINIMAL.values(), "red"]]
    batch = parse_xlsx(xlsx_bytes({"notifications": rows}), source="d.xlsx", now=NOW)
    assert [(p.line, p.field) for p in batch.problems] == [(None, "colour")]


@pytest.mark.parametrize("data", [b"", b"not a workbook", b"PK\x03\x04broken"])
def test_xlsx_corrupt_file_is_a_whole_file_problem(data: bytes) -> None:
    batch = parse_xlsx(data, source="drop.xlsx", now=NOW)
    assert batch.records == ()
    assert len(batch.problems) == 1
    assert "XLSX" in batch.problems[0].reason


def test_xlsx_zip_that_is_not_a_workbook_is_a_whole_file_problem() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    batch = parse_xlsx(out.getvalue(), source="drop.xlsx", now=NOW)
    assert batch.records == ()
    assert len(batch.problems) == 1


def test_xlsx_writer_has_one_sheet_called_notifications() -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(write_xlsx([full_notification()])))
    assert workbook.sheetnames == ["notifications"]
    header = [cell.value for cell in next(workbook["notifications"].iter_rows())]
    assert header == list(FIELD_NAMES)


# Files by name -------------------------------------------------------------------------------


def test_parse_file_by_extension_in_any_case() -> None:
    ns = [full_notification()]
    for name, data in (
        ("a.CSV", write_csv(ns)),
        ("b.Json", write_json(ns)),
        ("c.xlsx", write_xlsx(ns)),
    ):
        batch = parse_file(name, data, now=NOW)
        assert batch.source == name
        assert [r.notification for r in batch.records] == ns


@pytest.mark.parametrize("name", ["drop.txt", "drop", "drop.xls", "drop.csv.gz"])
def test_parse_file_other_extensions_are_a_whole_file_problem(name: str) -> None:
    batch = parse_file(name, write_csv([full_notification()]), now=NOW)
    assert batch == Batch(name, (), batch.problems)
    assert len(batch.problems) == 1
    assert "not a file type" in batch.problems[0].reason


# Writing and round trips ---------------------------------------------------------------------


def test_to_record_gives_the_text_form() -> None:
    n = full_notification()
    text = to_record(n)
    assert list(text) == list(FIELD_NAMES)
    assert text["aliases"] == "JJ; Jay Okafor-Smith"
    assert text["risk_factors"] == "cce; county_lines"
    assert text["reported_at"] == "2026-11-19T22:40:00+00:00"
    assert text["date_of_birth"] == "2011-03-14"
    assert text["child_flag"] == "true"
    assert text["placement_name"] == ""
    assert to_record(replace(n, child_flag=False, risk_grade=None))["child_flag"] == "false"
    assert to_record(replace(n, risk_grade=None))["risk_grade"] == ""


def test_json_writer_omits_empty_values_and_uses_json_types() -> None:
    n = replace(full_notification(), child_flag=False, placement_name="")
    (item,) = json.loads(write_json([n]))["notifications"]
    assert item["aliases"] == ["JJ", "Jay Okafor-Smith"]
    assert item["child_flag"] is False
    assert item["prevention_interview_done"] is True
    assert "placement_name" not in item
    assert "placement_postcode" not in item


def round_trip_examples() -> list[Notification]:
    n = full_notification()
    return [
        n,
        notification(),
        replace(
            n,
            child_flag=False,
            circumstances="Line one.\nLine\ttwo, with \"quotes\" and 'apostrophes'.",
            risk_grade=None,
            sex=Sex.UNKNOWN,
            aliases=(),
            reported_at=datetime(2026, 11, 20, 12, 0, 0, 500, tzinfo=BST),
            family_name="=SUM(A1)",
            given_names="Zoë _x0041_",
        ),
    ]


@pytest.mark.parametrize(
    ("write", "read"),
    [(write_csv, parse_csv), (write_json, parse_json), (write_xlsx, parse_xlsx)],
    ids=["csv", "json", "xlsx"],
)
def test_round_trip(write: object, read: object) -> None:
    ns = round_trip_examples()
    batch = read(write(ns), source="round", now=NOW)
    assert batch.problems == ()
    assert [r.problems for r in batch.records] == [(), (), ()]
    assert [r.notification for r in batch.records] == ns


# Content key ---------------------------------------------------------------------------------


def test_content_key_ignores_sent_at_and_list_order() -> None:
    n = full_notification()
    key = content_key(n)
    assert len(key) == 64
    assert content_key(replace(n, sent_at=None)) == key
    assert content_key(replace(n, sent_at=NOW)) == key
    assert content_key(replace(n, aliases=tuple(reversed(n.aliases)))) == key
    assert content_key(replace(n, risk_factors=tuple(reversed(n.risk_factors)))) == key
    same_moment = n.reported_at.astimezone(BST)
    assert content_key(replace(n, reported_at=same_moment)) == key


def test_content_key_changes_with_every_other_field() -> None:
    n = full_notification()
    changed = {
        "force": "castleton",
        "police_reference": "FM-2026-000001",
        "notification_type": NotificationType.UPDATE,
        "reported_at": n.reported_at + timedelta(minutes=1),
        "category": Category.ABSENT,
        "given_names": "Jayden",
        "family_name": "Okafor-Smith",
        "aliases": ("JJ",),
        "date_of_birth": date(2011, 3, 15),
        "child_flag": False,
        "sex": Sex.UNKNOWN,
        "address": "15 Mill Lane, Fenmoor",
        "postcode": "FN3 2QQ",
        "last_seen_at": None,
        "last_seen_where": "",
        "risk_grade": RiskGrade.HIGH,
        "missing_from": MissingFrom.CARE,
        "circumstances": "",
        "risk_factors": (RiskFactor.CCE,),
        "found_at": None,
        "found_where": "Castleton",
        "found_by": "",
        "prevention_interview_done": None,
        "placement_type": PlacementType.FOSTER,
        "placement_name": "Mrs Jones",
        "placement_address": "1 High Street",
        "placement_postcode": "FN1 1AA",
        "responsible_authority": "E10000098",
        "officer_name": "PC 4321 Ali Khan",
        "officer_contact": "01632 960000",
    }
    assert set(changed) == set(FIELD_NAMES) - {"sent_at"}
    keys = {content_key(replace(n, **{name: value})) for name, value in changed.items()}
    assert content_key(n) not in keys
    assert len(keys) == len(changed)


def test_content_key_is_the_same_for_the_same_content_read_twice() -> None:
    first = parse_record(FULL, source="a", line=1, now=NOW).notification
    again = {**FULL, "sent_at": "2026-11-22T08:00:00+00:00", "aliases": "Jay Okafor-Smith; JJ"}
    second = parse_record(again, source="b", line=7, now=NOW).notification
    assert first is not None
    assert second is not None
    assert first != second
    assert content_key(first) == content_key(second)
