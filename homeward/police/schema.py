"""JSON Schemas (2020-12 dialect, usable as OpenAPI 3.1 components) for a notification, a batch
of them and the receipt that answers a batch, all derived from `FIELDS`.

The schema describes what to send; the parser is a little more forgiving (it also reads
dd/mm/YYYY dates, codes in any case, and numbers where text is expected), as the field
descriptions say.
"""

from __future__ import annotations

from typing import Final

from homeward.police.format import FIELDS, Field
from homeward.police.parse import FIRST_YEAR, LAST_YEAR, MAX_RECORDS, MULTILINE_FIELDS

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"

#: The statuses a receipt gives each record.
STATUSES: Final = ("accepted", "amended", "duplicate", "rejected")
#: The statuses of a batch as a whole (a receipt's `status`).
BATCH_STATUSES: Final = ("queued", "in_progress", "done")

_DATE_NOTE = (
    f"A date, YYYY-MM-DD (dd/mm/YYYY is also accepted), in the years {FIRST_YEAR} to {LAST_YEAR}."
)
_DATETIME_NOTE = (
    "A date and time in ISO 8601, for example 2026-11-19T22:40:00+00:00. Seconds and the "
    "offset may be left out, and a space may stand for the T; dd/mm/YYYY HH:MM[:SS] is also "
    "accepted. A time without an offset is UK time (GMT or BST)."
)
_CODE_NOTE = "Codes are read in any case, with spaces or hyphens for underscores."


def _example(field: Field) -> object:
    if field.kind == "bool":
        return field.example == "true"
    if field.kind in ("list", "choices"):
        return [item.strip() for item in field.example.split(";") if item.strip()]
    return field.example


#: Text the parser takes: no control characters (a tab or a line break only where a field
#: holds lines), no non-characters. (A postcode or a GSS code is read without its white
#: space, tabs and line breaks too: their patterns say so.)
_TEXT = "^[^\\x00-\\x1f\\x7f\\ufffe\\uffff]*$"
_LINES = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f\\ufffe\\uffff]*$"
_ITEM = "^[^;\\x00-\\x1f\\x7f\\ufffe\\uffff]*$"
#: Text with something besides spaces (a required field, or the name that is given: spaces
#: alone are read as blank).
_SOME_TEXT = (
    "^[^\\x00-\\x1f\\x7f\\ufffe\\uffff]*[^\\s\\x00-\\x1f\\x7f\\ufffe\\uffff]"
    "[^\\x00-\\x1f\\x7f\\ufffe\\uffff]*$"
)
#: The years the parser takes, at the start of a date or a date and time.
_YEARS = f"^({FIRST_YEAR // 100}[0-9]{{2}}|20[0-9]{{2}}|{LAST_YEAR})-"


def _property(field: Field) -> dict[str, object]:
    """The schema of one field's value."""
    nullable = not field.required
    notes = [field.description]
    prop: dict[str, object]
    if field.kind == "text":
        prop = {"type": "string"}
        if field.max_length is not None:
            prop["maxLength"] = field.max_length
        if field.name in ("postcode", "placement_postcode"):
            prop["pattern"] = r"^\s*[A-Za-z][A-Za-z0-9]{1,3}\s*[0-9][A-Za-z]{2}\s*$"
            notes.append("A UK postcode; written back in capitals with one space.")
        elif field.name == "responsible_authority":
            prop["pattern"] = r"^\s*[EWSNewsn][0-9]{8}\s*$"
            notes.append("A GSS code: E, W, S or N and 8 digits.")
        elif field.required:
            prop["pattern"] = _SOME_TEXT
        else:
            prop["pattern"] = _LINES if field.name in MULTILINE_FIELDS else _TEXT
    elif field.kind == "date":
        prop = {"type": "string", "format": "date", "pattern": _YEARS}
        notes.append(_DATE_NOTE)
    elif field.kind == "datetime":
        prop = {"type": "string", "format": "date-time", "pattern": _YEARS}
        notes.append(_DATETIME_NOTE)
    elif field.kind == "choice":
        prop = {"type": "string", "enum": list(field.choices)}
        notes.append(_CODE_NOTE)
    elif field.kind in ("list", "choices"):
        items: dict[str, object] = {"type": "string"}
        if field.kind == "choices":
            items["enum"] = list(field.choices)
            notes.append(_CODE_NOTE)
        if field.max_length is not None:
            items["maxLength"] = field.max_length
        items["pattern"] = _ITEM
        prop = {"type": "array", "items": items}
        notes.append('Repeated items are dropped. In CSV and XLSX, items are separated by ";".')
    elif field.kind == "bool":
        prop = {"type": "boolean"}
        notes.append("In CSV and XLSX: true/false, yes/no, y/n or 1/0; blank if not known.")
    else:  # pragma: no cover - FIELDS uses only the kinds above
        raise ValueError(f"unknown kind {field.kind!r} of field {field.name}")
    if nullable:
        kind = prop["type"]
        prop["type"] = [kind, "null"]
        if "enum" in prop:
            prop["enum"] = [*field.choices, None]
    prop["description"] = " ".join(notes)
    example = _example(field)
    if example not in ("", []):
        prop["examples"] = [example]
    return prop


def _notification() -> dict[str, object]:
    return {
        "title": "Police missing-person notification",
        "description": (
            "One notification about a police missing-person report. Every notification about "
            "the same report carries the same force and police_reference. The person must be "
            "named by given_names, family_name or both."
        ),
        "type": "object",
        "properties": {field.name: _property(field) for field in FIELDS},
        "required": [field.name for field in FIELDS if field.required],
        "additionalProperties": False,
        "anyOf": [
            {
                "required": [name],
                "properties": {name: {"type": "string", "pattern": _SOME_TEXT}},
            }
            for name in ("given_names", "family_name")
        ],
        # A found notification says when the person was found.
        "if": {
            "required": ["notification_type"],
            "properties": {"notification_type": {"const": "found"}},
        },
        "then": {"required": ["found_at"], "properties": {"found_at": {"type": "string"}}},
    }


def notification_schema() -> dict[str, object]:
    """The schema of one notification as a JSON object."""
    return {"$schema": DIALECT, **_notification()}


def batch_schema() -> dict[str, object]:
    """The schema of a batch: {"notifications": [notification, ...]}."""
    return {
        "$schema": DIALECT,
        "title": "A batch of police notifications",
        "type": "object",
        "properties": {
            "notifications": {
                "type": "array",
                "items": _notification(),
                "maxItems": MAX_RECORDS,
            }
        },
        "required": ["notifications"],
        "additionalProperties": False,
    }


def _problem() -> dict[str, object]:
    return {
        "type": "object",
        "properties": {
            "line": {
                "type": ["integer", "null"],
                "minimum": 1,
                "description": (
                    "The record: CSV line, XLSX row or JSON item number. Null for a problem "
                    "with the whole file or request."
                ),
            },
            "field": {
                "type": ["string", "null"],
                "description": "The field the problem is about, or null.",
            },
            "reason": {
                "type": "string",
                "description": "What was wrong and what is expected.",
            },
        },
        "required": ["line", "field", "reason"],
        "additionalProperties": False,
    }


def receipt_schema() -> dict[str, object]:
    """The schema of the receipt that answers a batch, an upload or a file read by
    `homeward intake`."""
    count = {"type": "integer", "minimum": 0}
    return {
        "$schema": DIALECT,
        "title": "Receipt for police notifications",
        "type": "object",
        "properties": {
            "batch": {"type": "string", "description": "homeward's reference for the batch."},
            "source": {
                "type": "string",
                "description": "Where the batch came from: the API, an upload or a file.",
            },
            "received_at": {"type": "string", "format": "date-time"},
            "status": {
                "type": "string",
                "enum": list(BATCH_STATUSES),
                "description": (
                    "done: taken in. A big batch is queued and taken in by a background "
                    "worker in chunks: queued, then in_progress; its counts and results are "
                    "those taken in so far."
                ),
            },
            "progress": {
                "type": "object",
                "description": "How many of the batch's records have been taken in so far.",
                "properties": {"processed": count, "total": count},
                "required": ["processed", "total"],
                "additionalProperties": False,
            },
            "counts": {
                "type": "object",
                "properties": {status: count for status in STATUSES},
                "required": list(STATUSES),
                "additionalProperties": False,
            },
            "problems": {
                "type": "array",
                "items": _problem(),
                "description": (
                    "Problems with the whole batch. When there are any, no record was read."
                ),
            },
            "results": {
                "type": "array",
                "description": "One result for each record, in the order sent.",
                "items": {
                    "type": "object",
                    "properties": {
                        "line": {"type": "integer", "minimum": 1},
                        "police_reference": {
                            "type": ["string", "null"],
                            "description": "The reference as sent, to match the result up.",
                        },
                        "status": {"type": "string", "enum": list(STATUSES)},
                        "notification": {
                            "type": ["string", "null"],
                            "description": (
                                "homeward's reference for the stored notification; null when "
                                "rejected."
                            ),
                        },
                        "problems": {"type": "array", "items": _problem()},
                    },
                    "required": ["line", "police_reference", "status", "notification", "problems"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["batch", "source", "received_at", "counts", "problems", "results"],
        "additionalProperties": False,
    }
