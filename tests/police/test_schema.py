"""The JSON Schemas for a notification, a batch and a receipt (`police.schema`).

`jsonschema` is not installed, so the schemas are checked by hand: their structure, and a
small validator below for the keywords they use, which every documented example must pass.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from homeward.police.format import FIELDS, FIELDS_BY_NAME, Field
from homeward.police.parse import MAX_RECORDS, parse_json, parse_record
from homeward.police.schema import (
    DIALECT,
    STATUSES,
    batch_schema,
    notification_schema,
    receipt_schema,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs/examples/police-notifications.json"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

#: The keywords the schemas may use: a closed list, so a typo (say "maxlength") fails.
KEYWORDS = {
    "$schema", "title", "description", "type", "properties", "required", "additionalProperties",
    "items", "enum", "maxLength", "minLength", "pattern", "format", "examples", "anyOf",
    "maxItems", "minimum", "if", "then", "const",
}  # fmt: skip
TYPES = {"string", "integer", "number", "boolean", "array", "object", "null"}

RECEIPT = {
    "batch": "B-000123",
    "source": "api",
    "received_at": "2026-11-23T10:00:00+00:00",
    "counts": {"accepted": 1, "amended": 0, "duplicate": 0, "rejected": 1},
    "problems": [{"line": None, "field": None, "reason": "..."}],
    "results": [
        {
            "line": 1,
            "police_reference": "FM-1",
            "status": "accepted",
            "notification": "N-000045",
            "problems": [],
        },
        {
            "line": 2,
            "police_reference": "FM-2",
            "status": "rejected",
            "notification": None,
            "problems": [{"line": 2, "field": "reported_at", "reason": "..."}],
        },
    ],
}


def _type_ok(value: object, kind: str) -> bool:
    match kind:
        case "string":
            return isinstance(value, str)
        case "integer":
            return isinstance(value, int) and not isinstance(value, bool)
        case "number":
            return isinstance(value, int | float) and not isinstance(value, bool)
        case "boolean":
            return isinstance(value, bool)
        case "array":
            return isinstance(value, list)
        case "object":
            return isinstance(value, dict)
        case "null":
            return value is None
    raise AssertionError(kind)


def errors(schema: Any, value: object, where: str = "$") -> list[str]:
    """Where `value` breaks `schema`, for the keywords in KEYWORDS (format is annotation)."""
    found: list[str] = []
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not any(_type_ok(value, k) for k in kinds):
            return [f"{where}: {value!r} is not of type {kinds}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not in enum")
    if "const" in schema and value != schema["const"]:
        found.append(f"{where}: {value!r} is not {schema['const']!r}")
    if isinstance(value, str):
        if len(value) > schema.get("maxLength", len(value)):
            found.append(f"{where}: too long")
        if len(value) < schema.get("minLength", 0):
            found.append(f"{where}: too short")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append(f"{where}: does not match {schema['pattern']}")
    if isinstance(value, int) and "minimum" in schema and value < schema["minimum"]:
        found.append(f"{where}: below minimum")
    if isinstance(value, list):
        if len(value) > schema.get("maxItems", len(value)):
            found.append(f"{where}: too many items")
        if "items" in schema:
            for i, item in enumerate(value):
                found += errors(schema["items"], item, f"{where}[{i}]")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{where}: {name} is required")
        for name, item in value.items():
            if name in properties:
                found += errors(properties[name], item, f"{where}.{name}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{where}: {name} is not allowed")
    if "anyOf" in schema and all(errors(option, value, where) for option in schema["anyOf"]):
        found.append(f"{where}: matches none of anyOf")
    if "if" in schema and not errors(schema["if"], value, where):
        found += errors(schema.get("then", {}), value, where)
    return found


def walk(schema: Any) -> list[dict[str, Any]]:
    """Every schema object inside `schema`, itself included."""
    assert isinstance(schema, dict)
    found = [schema]
    for key in ("items",):
        if key in schema:
            found += walk(schema[key])
    for sub in schema.get("properties", {}).values():
        found += walk(sub)
    for sub in schema.get("anyOf", []):
        found += walk(sub)
    for key in ("if", "then"):
        if key in schema:
            found += walk(schema[key])
    return found


SCHEMAS = {
    "notification": notification_schema,
    "batch": batch_schema,
    "receipt": receipt_schema,
}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schemas_are_well_formed_2020_12(name: str) -> None:
    schema = SCHEMAS[name]()
    assert schema["$schema"] == DIALECT
    json.dumps(schema)  # plain JSON, nothing Python-only
    for sub in walk(schema):
        assert set(sub) <= KEYWORDS, set(sub) - KEYWORDS
        if "type" in sub:
            kinds = [sub["type"]] if isinstance(sub["type"], str) else sub["type"]
            assert isinstance(kinds, list)
            assert kinds
            assert set(kinds) <= TYPES
        if "required" in sub:
            assert set(sub["required"]) <= set(sub.get("properties", {}))
        if "pattern" in sub:
            re.compile(sub["pattern"])
        if "enum" in sub:
            assert len(sub["enum"]) == len(set(map(str, sub["enum"])))
        for key in ("maxLength", "minLength", "maxItems", "minimum"):
            if key in sub:
                assert isinstance(sub[key], int)
    # Only the document's root names the dialect.
    assert [sub for sub in walk(schema)[1:] if "$schema" in sub] == []


def test_every_field_is_in_the_notification_schema() -> None:
    schema = notification_schema()
    properties = schema["properties"]
    assert isinstance(properties, dict)
    assert list(properties) == [field.name for field in FIELDS]
    assert schema["required"] == [field.name for field in FIELDS if field.required]
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("field", FIELDS, ids=lambda field: field.name)
def test_each_field_has_its_type(field: Field) -> None:
    properties: Any = notification_schema()["properties"]
    prop = properties[field.name]
    kinds = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
    base = {
        "text": "string",
        "date": "string",
        "datetime": "string",
        "choice": "string",
        "list": "array",
        "choices": "array",
        "bool": "boolean",
    }[field.kind]
    assert kinds[0] == base
    assert ("null" in kinds) == (not field.required)
    assert prop["description"].startswith(field.description)
    if field.kind == "choice":
        assert [c for c in prop["enum"] if c is not None] == list(field.choices)
    if field.kind == "choices":
        assert prop["items"]["enum"] == list(field.choices)
    if field.kind == "date":
        assert prop["format"] == "date"
        assert "dd/mm/YYYY" in prop["description"]
    if field.kind == "datetime":
        assert prop["format"] == "date-time"
        assert "dd/mm/YYYY" in prop["description"]
    if field.kind == "text" and field.max_length:
        assert prop["maxLength"] == field.max_length


def test_every_field_example_passes_the_schema_and_the_parser() -> None:
    example = {f.name: f.example for f in FIELDS}
    parsed = parse_record(example, source="request", line=1, now=NOW)
    assert parsed.problems == ()
    properties = notification_schema()["properties"]
    assert isinstance(properties, dict)
    for field in FIELDS:
        for value in properties[field.name].get("examples", []):
            assert errors(properties[field.name], value) == []


def test_the_small_validator_can_fail() -> None:
    schema = notification_schema()
    good = json.loads(EXAMPLES.read_text(encoding="utf-8"))["notifications"][0]
    assert errors(schema, good) == []
    assert errors(schema, {**good, "nickname": "JJ"}) != []
    assert errors(schema, {**good, "risk_factors": ["joyriding"]}) != []
    assert errors(schema, {**good, "child_flag": "yes"}) != []
    assert errors(schema, {**good, "force": "f" * 51}) != []
    assert errors(schema, {k: v for k, v in good.items() if k != "category"}) != []
    assert errors(
        schema, {k: v for k, v in good.items() if k not in ("given_names", "family_name")}
    )
    assert errors(schema, {**good, "responsible_authority": "X1"}) != []
    assert errors(schema, {**good, "postcode": None, "risk_grade": None, "child_flag": None}) == []


def test_every_example_passes_the_schemas_and_the_parser() -> None:
    document = json.loads(EXAMPLES.read_text(encoding="utf-8"))
    assert errors(batch_schema(), document) == []
    for item in document["notifications"]:
        assert errors(notification_schema(), item) == []
    batch = parse_json(EXAMPLES.read_bytes(), source=EXAMPLES.name, now=NOW)
    assert batch.problems == ()
    assert [r.problems for r in batch.records] == [()] * 4


def test_the_batch_schema_holds_notifications_up_to_the_limit() -> None:
    schema: Any = batch_schema()
    notifications = schema["properties"]["notifications"]
    assert notifications["maxItems"] == MAX_RECORDS
    assert notifications["items"]["properties"] == notification_schema()["properties"]
    assert errors(schema, {"notifications": []}) == []
    assert errors(schema, {"notification": []}) != []


def test_the_receipt_schema_takes_the_receipt_the_service_returns() -> None:
    schema: Any = receipt_schema()
    assert errors(schema, RECEIPT) == []
    results = schema["properties"]["results"]["items"]
    assert results["properties"]["status"]["enum"] == list(STATUSES)
    assert set(schema["properties"]["counts"]["required"]) == set(STATUSES)
    broken = json.loads(json.dumps(RECEIPT))
    broken["results"][0]["status"] = "ok"
    assert errors(schema, broken) != []
    del broken["counts"]["amended"]
    assert len(errors(schema, broken)) == 2


def test_the_receipt_example_in_the_document_passes_the_receipt_schema() -> None:
    text = (ROOT / "docs/police-notifications.md").read_text(encoding="utf-8")
    receipts = [
        json.loads(block)
        for block in re.findall(r"```json\n(.*?)\n```", text, flags=re.S)
        if '"batch"' in block
    ]
    assert len(receipts) == 1
    assert errors(receipt_schema(), receipts[0]) == []


def test_the_postcode_and_gss_patterns_agree_with_the_parser() -> None:
    properties = notification_schema()["properties"]
    assert isinstance(properties, dict)
    postcode = properties["postcode"]["pattern"]
    gss = properties["responsible_authority"]["pattern"]
    for text, good in [
        ("FN3 2QP", True), ("fn32qp", True), ("EC1A 1BB", True), (" FN3 2QP ", True),
        ("FN3", False), ("FN3\t2QP", True),  # white space in a postcode is dropped
    ]:  # fmt: skip
        assert bool(re.search(postcode, text)) is good
        parsed = parse_record(
            {"force": "f", "police_reference": "r", "notification_type": "update",
             "reported_at": "2026-11-19 10:00", "category": "missing", "family_name": "O",
             "postcode": text},
            source="request", line=1, now=NOW,
        )  # fmt: skip
        assert (parsed.notification is not None) is good
    assert re.search(gss, "E10000099")
    assert not re.search(gss, "E1000009")
    assert FIELDS_BY_NAME["responsible_authority"].max_length == 9


@pytest.mark.parametrize(
    ("field", "value", "good"),
    [
        ("given_names", "Jayden", True),
        ("given_names", "Jay\tden", False),  # a control character
        ("circumstances", "Left home.\nSeen later in town.", True),  # lines where text has lines
        ("circumstances", "Left home.\x07", False),
        ("date_of_birth", "2011-05-14", True),
        ("date_of_birth", "1899-12-31", False),  # before the years taken
        ("reported_at", "2101-01-01T10:00:00+00:00", False),
        ("aliases", ["JJ", "Jay;den"], False),  # ";" separates items in CSV
    ],
)
def test_the_text_and_date_patterns_agree_with_the_parser(field: str, value: object, good: bool):
    """What the schema allows the parser takes, and what it refuses the parser refuses: the
    schema says what JSON Schema can say of the parser's rules."""
    record = {
        "force": "f", "police_reference": "r", "notification_type": "update",
        "reported_at": "2026-11-19T10:00:00+00:00", "category": "missing", "family_name": "O",
        field: value,
    }  # fmt: skip
    assert (errors(notification_schema(), record) == []) is good
    parsed = parse_record(record, source="request", line=1, now=NOW)
    assert (parsed.notification is not None) is good, parsed.problems


def test_a_found_notification_needs_found_at_in_the_schema_as_in_the_parser() -> None:
    found = {
        "force": "f", "police_reference": "r", "notification_type": "found",
        "reported_at": "2026-11-19T10:00:00+00:00", "category": "missing", "family_name": "O",
    }  # fmt: skip
    assert any("found_at is required" in e for e in errors(notification_schema(), found))
    assert parse_record(found, source="request", line=1, now=NOW).notification is None
    complete = {**found, "found_at": "2026-11-20T10:00:00+00:00"}
    assert errors(notification_schema(), complete) == []
    assert parse_record(complete, source="request", line=1, now=NOW).notification is not None
