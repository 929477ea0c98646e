"""The published format (docs/police-notifications.md) and its examples agree with `FIELDS`."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from homeward.police.format import FIELDS, Field, NotificationType
from homeward.police.parse import Batch, parse_csv, parse_json, parse_record

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs/police-notifications.md"
EXAMPLES = ROOT / "docs/examples"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

#: How the document names each kind of field in the Type column.
TYPE_NAMES = {
    "text": "Text",
    "date": "Date",
    "datetime": "Date and time",
    "choice": "Code",
    "list": "List of text",
    "choices": "List of codes",
    "bool": "True or false",
}


def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def field_table() -> dict[str, list[str]]:
    """The rows of the field table, by field name: the cells after the name."""
    rows: dict[str, list[str]] = {}
    for line in doc().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and re.fullmatch(r"`[a-z_]+`", cells[0]):
            name = cells[0].strip("`")
            assert name not in rows, f"{name} is in a table twice"
            rows[name] = cells[1:]
    return rows


def json_examples() -> list[dict[str, object]]:
    """The notification examples: the JSON code blocks with a notification_type."""
    blocks = re.findall(r"```json\n(.*?)\n```", doc(), flags=re.S)
    return [item for item in map(json.loads, blocks) if "notification_type" in item]


def test_every_field_is_in_the_table_in_order() -> None:
    assert list(field_table()) == [field.name for field in FIELDS]


@pytest.mark.parametrize("field", FIELDS, ids=lambda field: field.name)
def test_each_field_is_documented_with_its_type_and_whether_required(field: Field) -> None:
    kind, required, allowed, meaning = field_table()[field.name]
    assert kind == TYPE_NAMES[field.kind]
    assert required.split()[0] == ("Yes" if field.required else "No")
    assert meaning.startswith(field.description)
    for code in field.choices:
        assert f"`{code}`" in allowed
    if field.name in ("postcode", "placement_postcode"):
        assert "UK postcode" in allowed
    elif field.name == "responsible_authority":
        assert "GSS code" in allowed
    elif field.kind == "text" and field.max_length:
        assert f"Up to {field.max_length} characters" in allowed
    if field.kind == "list" and field.max_length:
        assert f"up to {field.max_length} characters" in allowed


def test_the_required_fields_are_listed_in_the_prose() -> None:
    for field in FIELDS:
        if field.required:
            assert f"`{field.name}`" in doc().split("| Field |")[0]


def test_each_notification_type_has_a_json_example_that_parses() -> None:
    examples = json_examples()
    assert sorted(str(item["notification_type"]) for item in examples) == sorted(NotificationType)
    for number, item in enumerate(examples, start=1):
        parsed = parse_record(item, source=DOC.name, line=number, now=NOW)
        assert parsed.problems == ()
        assert parsed.notification is not None
        assert parsed.notification.notification_type == item["notification_type"]


def test_the_examples_in_the_document_are_the_example_file() -> None:
    document = json.loads((EXAMPLES / "police-notifications.json").read_text(encoding="utf-8"))
    assert json_examples() == document["notifications"]


def check_example_file(batch: Batch) -> None:
    assert batch.problems == ()
    assert [r.problems for r in batch.records] == [()] * len(batch.records)
    kinds = [r.notification.notification_type for r in batch.records if r.notification]
    assert sorted(kinds) == sorted(NotificationType)
    reports = {(r.raw["force"], r.raw["police_reference"]) for r in batch.records}
    assert len(reports) == 1, "the examples follow one report"


def test_the_json_example_file_parses_and_has_all_four_types() -> None:
    path = EXAMPLES / "police-notifications.json"
    check_example_file(parse_json(path.read_bytes(), source=path.name, now=NOW))


def test_the_csv_example_file_parses_and_has_all_four_types() -> None:
    path = EXAMPLES / "police-notifications.csv"
    check_example_file(parse_csv(path.read_bytes(), source=path.name, now=NOW))


def test_the_csv_and_json_examples_are_the_same_notifications() -> None:
    json_path = EXAMPLES / "police-notifications.json"
    csv_path = EXAMPLES / "police-notifications.csv"
    from_json = parse_json(json_path.read_bytes(), source="json", now=NOW)
    from_csv = parse_csv(csv_path.read_bytes(), source="csv", now=NOW)
    assert [r.notification for r in from_csv.records] == [r.notification for r in from_json.records]


def test_the_documented_commands_and_endpoints_are_there() -> None:
    text = doc()
    for phrase in (
        "`POST /api/v1/notifications`",
        "`Authorization: Bearer <token>`",
        "`GET /api/v1/openapi.json`",
        "`manage.py force_token issue FORCE_CODE`",
        "`manage.py force_token revoke FORCE_CODE`",
        "homeward intake FILE [--force CODE]",
        "`--force",
    ):
        assert phrase in text
    for status in ("accepted", "amended", "duplicate", "rejected"):
        assert f"`{status}`" in text
