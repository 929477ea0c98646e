"""Police intelligence from a return interview: what is shared, as JSON and as CSV.

A submission carries only what the interview records as shareable with the police: places,
adults and vehicles marked shareable, and a summary of what was disclosed written for the
police (never the write-up's own words). The child is named, with their date of birth and
postcode, because intelligence about a child is of no use to the police unless they can
link it to their own missing-person records; the degrade option gives the month of birth
and the postcode district instead.

The content hash leaves out the submission's own reference and the moment it was prepared,
so the same interview with the same shareable content always hashes the same: that is how
a re-send is recognised and never duplicated.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any

from homeward.formats.degrade import month_of_birth, postcode_district
from homeward.formats.safe import safe_text

#: The version of the submission structure (`SCHEMA`); changed only with the schema.
SCHEMA_VERSION = "1"
JSON_CONTENT_TYPE = "application/json"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

#: Fields that differ between two preparations of the same content (left out of the hash).
_NOT_HASHED = ("reference", "prepared_at")


@dataclass(frozen=True)
class Force:
    code: str
    name: str


@dataclass(frozen=True)
class ChildDetails:
    """Who the intelligence is about: enough for the police to link it, no more."""

    reference: str
    first_name: str
    last_name: str
    date_of_birth: date | None
    postcode: str
    #: True when the date of birth is the first of its month and the postcode its district.
    degraded: bool = False


@dataclass(frozen=True)
class EpisodeTimes:
    reference: str
    police_reference: str
    police_force: str
    missing_from: str
    started_at: datetime
    returned_at: datetime | None


@dataclass(frozen=True)
class Place:
    description: str
    postcode: str
    when: str


@dataclass(frozen=True)
class Person:
    description: str


@dataclass(frozen=True)
class Vehicle:
    description: str
    registration: str


@dataclass(frozen=True)
class Submission:
    """One interview's intelligence for the police: only what is recorded as shareable."""

    reference: str
    interview_reference: str
    authority_code: str
    authority_name: str
    police_force: Force | None
    child: ChildDetails
    episodes: tuple[EpisodeTimes, ...]
    places: tuple[Place, ...] = ()
    people: tuple[Person, ...] = ()
    vehicles: tuple[Vehicle, ...] = ()
    disclosed: str = ""
    prepared_at: datetime | None = None
    schema_version: str = field(default=SCHEMA_VERSION)

    @property
    def police_references(self) -> list[str]:
        return [e.police_reference for e in self.episodes if e.police_reference]


def degrade_child(child: ChildDetails) -> ChildDetails:
    """The child with the month of birth and the postcode district (the degrade option)."""
    if child.degraded:
        return child
    return replace(
        child,
        date_of_birth=month_of_birth(child.date_of_birth),
        postcode=postcode_district(child.postcode),
        degraded=True,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def to_dict(submission: Submission) -> dict[str, Any]:
    """The submission as JSON-ready data (dates and times in ISO 8601, with their offset)."""
    data = _plain(asdict(submission))
    data["police_references"] = submission.police_references
    return {key: data[key] for key in SCHEMA["properties"]}


def _moment(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def from_dict(data: dict[str, Any]) -> Submission:
    """A submission read back from its JSON document (as `to_dict` wrote it)."""
    child = dict(data["child"])
    born = child.pop("date_of_birth")
    force = data["police_force"]
    return Submission(
        reference=data["reference"],
        interview_reference=data["interview_reference"],
        authority_code=data["authority_code"],
        authority_name=data["authority_name"],
        police_force=Force(**force) if force else None,
        child=ChildDetails(**child, date_of_birth=date.fromisoformat(born) if born else None),
        episodes=tuple(
            EpisodeTimes(
                **{
                    **e,
                    "started_at": datetime.fromisoformat(e["started_at"]),
                    "returned_at": _moment(e["returned_at"]),
                }
            )
            for e in data["episodes"]
        ),
        places=tuple(Place(**p) for p in data["places"]),
        people=tuple(Person(**p) for p in data["people"]),
        vehicles=tuple(Vehicle(**v) for v in data["vehicles"]),
        disclosed=data["disclosed"],
        prepared_at=_moment(data["prepared_at"]),
        schema_version=data["schema_version"],
    )


def read_json(document: bytes | str) -> Submission:
    """A submission from its JSON document."""
    return from_dict(json.loads(document))


def content_hash(submission: Submission) -> str:
    """SHA-256 of the submission's content: its JSON without its reference and the moment it
    was prepared, keys sorted, so unchanged content always gives the same hash."""
    data = {k: v for k, v in to_dict(submission).items() if k not in _NOT_HASHED}
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def write_json(submission: Submission) -> bytes:
    """The submission as a JSON document (UTF-8) valid against `SCHEMA`."""
    return json.dumps(to_dict(submission), indent=2, ensure_ascii=False).encode("utf-8")


CSV_COLUMNS = ("submission", "section", "item", "field", "value")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv_rows(submission: Submission) -> list[tuple[str, int, str, str]]:
    data = to_dict(submission)
    rows: list[tuple[str, int, str, str]] = []
    for name in (
        "schema_version",
        "interview_reference",
        "authority_code",
        "authority_name",
        "prepared_at",
    ):
        rows.append(("submission", 1, name, data[name] or ""))
    if data["police_force"]:
        for name, value in data["police_force"].items():
            rows.append(("police_force", 1, name, value))
    for name, value in data["child"].items():
        rows.append(("child", 1, name, _cell(value)))
    for section in ("episodes", "places", "people", "vehicles"):
        for number, item in enumerate(data[section], start=1):
            for name, value in item.items():
                rows.append((section, number, name, _cell(value)))
    if data["disclosed"]:
        rows.append(("disclosed", 1, "summary", data["disclosed"]))
    return rows


def write_csv(submission: Submission) -> bytes:
    """The submission as CSV, one value a row (section, item number, field, value), every
    text cell safe from spreadsheet formulas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for section, number, name, value in _csv_rows(submission):
        writer.writerow([safe_text(submission.reference), section, number, name, safe_text(value)])
    return out.getvalue().encode("utf-8")


def _text(max_length: int | None = None, *, blank: bool = True) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if not blank:
        schema["minLength"] = 1
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


def _record(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


_MOMENT = {"type": "string", "format": "date-time"}

#: JSON Schema (draft 2020-12) of a submission document.
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://homeward.example/schemas/police-intelligence/1",
    "title": "Police intelligence from a return interview",
    "description": "Only what the interview records as shareable with the police.",
    **_record(
        {
            "schema_version": {"const": SCHEMA_VERSION},
            "reference": _text(20, blank=False),
            "interview_reference": _text(20, blank=False),
            "authority_code": _text(9),
            "authority_name": _text(),
            "police_force": {
                "oneOf": [
                    {"type": "null"},
                    _record({"code": _text(50), "name": _text(200)}),
                ]
            },
            "police_references": {"type": "array", "items": _text(50, blank=False)},
            "child": _record(
                {
                    "reference": _text(20, blank=False),
                    "first_name": _text(100),
                    "last_name": _text(100),
                    "date_of_birth": {
                        "oneOf": [{"type": "null"}, {"type": "string", "format": "date"}]
                    },
                    "postcode": _text(8),
                    "degraded": {"type": "boolean"},
                }
            ),
            "episodes": {
                "type": "array",
                "minItems": 1,
                "items": _record(
                    {
                        "reference": _text(20, blank=False),
                        "police_reference": _text(50),
                        "police_force": _text(50),
                        "missing_from": {"enum": ["home", "care"]},
                        "started_at": _MOMENT,
                        "returned_at": {"oneOf": [{"type": "null"}, _MOMENT]},
                    }
                ),
            },
            "places": {
                "type": "array",
                "items": _record(
                    {
                        "description": _text(200, blank=False),
                        "postcode": _text(8),
                        "when": _text(200),
                    }
                ),
            },
            "people": {
                "type": "array",
                "items": _record({"description": _text(blank=False)}),
            },
            "vehicles": {
                "type": "array",
                "items": _record({"description": _text(blank=False), "registration": _text()}),
            },
            "disclosed": _text(),
            "prepared_at": {"oneOf": [{"type": "null"}, _MOMENT]},
        }
    ),
}
