"""The police intelligence document: its JSON against its own schema (draft 2020-12), its CSV
safe from spreadsheet formulas, the degrade option and the content hash."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime

import jsonschema_rs
import pytest

from homeward.formats import intelligence as fmt


def _submission(**changes: object) -> fmt.Submission:
    base = fmt.Submission(
        reference="PI-000007",
        interview_reference="RI-000003",
        authority_code="E10000099",
        authority_name="Fictional County Council",
        police_force=fmt.Force(code="fictional", name="Fictional Constabulary"),
        child=fmt.ChildDetails(
            reference="C-000001",
            first_name="Jordan",
            last_name="Example",
            date_of_birth=date(2011, 5, 14),
            postcode="ZZ1 1AA",
        ),
        episodes=(
            fmt.EpisodeTimes(
                reference="E-000001",
                police_reference="FC-2026-000001",
                police_force="fictional",
                missing_from="care",
                started_at=datetime(2026, 3, 1, 21, 0, tzinfo=UTC),
                returned_at=datetime(2026, 3, 2, 7, 30, tzinfo=UTC),
            ),
            fmt.EpisodeTimes(
                reference="E-000002",
                police_reference="",
                police_force="",
                missing_from="home",
                started_at=datetime(2026, 3, 5, 18, 0, tzinfo=UTC),
                returned_at=None,
            ),
        ),
        places=(fmt.Place("Flat above the takeaway", "ZZ1 2BB", "Friday night"),),
        people=(fmt.Person("Older male called 'Dee'"),),
        vehicles=(fmt.Vehicle("Black hatchback", "ZZ11 ABC"),),
        disclosed="Taken to the flat by car; given a phone.",
        prepared_at=datetime(2026, 3, 6, 9, 0, tzinfo=UTC),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


VALIDATOR = jsonschema_rs.Draft202012Validator(fmt.SCHEMA, validate_formats=True)


def test_the_schema_is_draft_2020_12_and_the_json_is_valid_against_it() -> None:
    assert fmt.SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    document = json.loads(fmt.write_json(_submission()))
    VALIDATOR.validate(document)
    assert document["police_references"] == ["FC-2026-000001"]
    assert document["episodes"][1]["returned_at"] is None
    assert document["child"]["date_of_birth"] == "2011-05-14"


def test_a_submission_with_nothing_optional_is_valid_too() -> None:
    bare = _submission(
        police_force=None, places=(), people=(), vehicles=(), disclosed="", prepared_at=None
    )
    bare = replace(bare, child=replace(bare.child, date_of_birth=None, postcode=""))
    VALIDATOR.validate(json.loads(fmt.write_json(bare)))


@pytest.mark.parametrize(
    "spoil",
    [
        lambda d: d.update(extra="not in the schema"),
        lambda d: d.pop("child"),
        lambda d: d["places"][0].update(secret="write-up"),
        lambda d: d.update(episodes=[]),
        lambda d: d["episodes"][0].update(missing_from="school"),
        lambda d: d["episodes"][0].update(started_at="yesterday"),
        lambda d: d.update(schema_version="2"),
    ],
)
def test_the_schema_refuses_what_is_not_a_submission(spoil) -> None:
    document = json.loads(fmt.write_json(_submission()))
    spoil(document)
    assert not VALIDATOR.is_valid(document)


def test_json_reads_back_to_the_same_submission() -> None:
    submission = _submission()
    assert fmt.read_json(fmt.write_json(submission)) == submission


def test_the_hash_ignores_reference_and_time_but_not_content() -> None:
    one = _submission()
    again = _submission(reference="PI-000099", prepared_at=datetime(2027, 1, 1, tzinfo=UTC))
    assert fmt.content_hash(one) == fmt.content_hash(again)
    assert len(fmt.content_hash(one)) == 64
    assert fmt.content_hash(one) != fmt.content_hash(_submission(disclosed="Something else."))
    fewer = _submission(vehicles=())
    assert fmt.content_hash(one) != fmt.content_hash(fewer)


def test_degrade_gives_the_month_of_birth_and_the_postcode_district() -> None:
    child = fmt.degrade_child(_submission().child)
    assert child.date_of_birth == date(2011, 5, 1)
    assert child.postcode == "ZZ1"
    assert child.degraded is True
    assert fmt.degrade_child(child) == child  # twice is once
    document = json.loads(fmt.write_json(_submission(child=child)))
    VALIDATOR.validate(document)
    assert document["child"]["date_of_birth"] == "2011-05-01"
    # The places are the intelligence itself: their postcodes stay whole.
    assert document["places"][0]["postcode"] == "ZZ1 2BB"


def _csv(submission: fmt.Submission) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(fmt.write_csv(submission).decode("utf-8"))))


def test_csv_holds_every_value_one_a_row() -> None:
    rows = _csv(_submission())
    assert set(rows[0]) == set(fmt.CSV_COLUMNS)
    values = {(r["section"], r["item"], r["field"]): r["value"] for r in rows}
    assert values[("places", "1", "description")] == "Flat above the takeaway"
    assert values[("episodes", "2", "returned_at")] == ""
    assert values[("episodes", "1", "police_reference")] == "FC-2026-000001"
    assert values[("vehicles", "1", "registration")] == "ZZ11 ABC"
    assert values[("disclosed", "1", "summary")] == "Taken to the flat by car; given a phone."
    assert values[("child", "1", "degraded")] == "false"
    assert {r["submission"] for r in rows} == {"PI-000007"}


def test_csv_text_is_never_a_formula() -> None:
    rows = _csv(
        _submission(
            places=(fmt.Place('=HYPERLINK("http://x","y")', "", "+1 day"),),
            people=(fmt.Person("@SUM(A1)"),),
            disclosed="-2+3",
        )
    )
    values = {(r["section"], r["field"]): r["value"] for r in rows}
    assert values[("places", "description")] == '\'=HYPERLINK("http://x","y")'
    assert values[("places", "when")] == "'+1 day"
    assert values[("people", "description")] == "'@SUM(A1)"
    assert values[("disclosed", "summary")] == "'-2+3"
    assert not any(r["value"].startswith(("=", "+", "-", "@")) for r in rows)
