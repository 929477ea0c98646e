"""Reading and writing police notifications: JSON, CSV and XLSX, one set of rules for all three.

Every reader returns a `Batch`: whole-file problems (the file could not be read at all) or one
`Parsed` per record, each holding either a valid `Notification` or every problem found in the
record. Nothing here raises on bad input: a problem is data, reported back to the sender.

The writers produce the same format, so `parse_csv(write_csv(ns))` gives back `ns` (and the
same for XLSX and JSON).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import UTC, date, datetime, time, timedelta, timezone
from enum import StrEnum
from typing import Any, Final, cast
from zoneinfo import ZoneInfo

from homeward.police import limits
from homeward.police.format import (
    FIELD_NAMES,
    FIELDS,
    Category,
    Field,
    MissingFrom,
    Notification,
    NotificationType,
    PlacementType,
    RiskFactor,
    RiskGrade,
    Sex,
)

#: The most records one file or one API request may hold (`limits` has every limit).
MAX_RECORDS: Final = limits.MAX_RECORDS

#: Wall-clock time without an offset is UK time.
UK_TIME: Final = ZoneInfo("Europe/London")

#: Dates and times outside these years are refused as mistakes.
FIRST_YEAR: Final = 1900
LAST_YEAR: Final = 2100

#: A bad value is quoted in a problem up to this many characters.
QUOTE_LENGTH: Final = 40

#: The enum behind each choice and choices field.
ENUMS: Final[dict[str, type[StrEnum]]] = {
    "notification_type": NotificationType,
    "sex": Sex,
    "category": Category,
    "risk_grade": RiskGrade,
    "missing_from": MissingFrom,
    "risk_factors": RiskFactor,
    "placement_type": PlacementType,
}

#: The fields that hold a UK postcode.
POSTCODE_FIELDS: Final = frozenset({"postcode", "placement_postcode"})

#: The one text field that may hold tabs and line breaks.
MULTILINE_FIELDS: Final = frozenset({"circumstances"})

#: Separates the items of a list in CSV and XLSX cells.
LIST_SEPARATOR: Final = ";"

SHEET_NAME: Final = "notifications"

# Control characters, and characters no file can carry: lone surrogates, U+FFFE and U+FFFF.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_CODE_SEPARATORS = re.compile(r"[\s\-]+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_ISO_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?"
    r" ?([Zz]|[+-]\d{2}(?::?\d{2})?)?",
    re.ASCII,
)
_UK_DATETIME = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{4}),? +(\d{1,2}):(\d{2})(?::(\d{2}))?", re.ASCII
)
_POSTCODE = re.compile(r"[A-Z][A-Z0-9]{1,3}[0-9][A-Z]{2}")
_POSTCODE_WRITTEN = re.compile(r"[A-Z][A-Z0-9]{1,3} [0-9][A-Z]{2}")
_WHITESPACE = re.compile(r"\s+")
_GSS_CODE = re.compile(r"[EWSN][0-9]{8}")

_TRUE: Final = frozenset({"true", "yes", "y", "1"})
_FALSE: Final = frozenset({"false", "no", "n", "0"})

_DATE_EXPECTED = "expected YYYY-MM-DD or dd/mm/YYYY"
_DATETIME_EXPECTED = (
    "expected YYYY-MM-DDTHH:MM[:SS] with an optional offset such as +01:00, "
    "or dd/mm/YYYY HH:MM[:SS]"
)


@dataclass(frozen=True)
class Problem:
    """Something wrong with a file, a record or one value in it."""

    #: The file name, or "request" for the API.
    source: str
    #: CSV: the physical line the record starts on (the header is line 1); XLSX: the row
    #: number; JSON: the item number (from 1) in an array, 1 for a single object. None for a
    #: problem with the whole file.
    line: int | None
    #: The field, or None when the problem is not about one field.
    field: str | None
    #: Plain English: what was wrong and what is expected, quoting the bad value.
    reason: str

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f", line {self.line}"
        if self.field is not None:
            where += f", {self.field}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Parsed:
    """One record: its notification, or the problems that stop it being one."""

    line: int
    #: None when the record was rejected.
    notification: Notification | None
    #: Empty exactly when `notification` is not None.
    problems: tuple[Problem, ...]
    #: The record as text (field -> text), for receipts.
    raw: dict[str, str]


@dataclass(frozen=True)
class Batch:
    """One file or request: its records, or why it could not be read at all."""

    source: str
    records: tuple[Parsed, ...]
    #: Problems with the whole file; when there are any, `records` is empty.
    problems: tuple[Problem, ...]


#: Reads one value of a field, raising `_Bad` when it cannot.
Reader = Callable[[object], object]


class _Bad(Exception):
    """A value that cannot be read; the message is the problem's reason."""


# Reading values -------------------------------------------------------------------------------


def quote(value: object) -> str:
    """`value` as text in quotes for a problem's reason, cut to `QUOTE_LENGTH` characters and
    with control characters made visible."""
    text = value if isinstance(value, str) else _display(value)
    cut = len(text) > QUOTE_LENGTH
    text = text[:QUOTE_LENGTH]
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return "'" + text + ("…'" if cut else "'")


def _display(value: object) -> str:
    try:
        return str(value)
    except ValueError:  # an integer too long to print
        return "(a very long number)"


def _as_text(value: object) -> str:
    """A single value as stripped text; numbers without a needless ".0"."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, str):
        return str(value).strip()
    if isinstance(value, bool):
        raise _Bad(f"expected text, not true/false: {quote(value)}")
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:
            raise _Bad("a number far too long to be a value") from None
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _Bad(f"not a usable number: {quote(value)}")
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.tzinfo is None else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Mapping):
        raise _Bad("expected a single value, not an object")
    if isinstance(value, list | tuple):
        raise _Bad("expected a single value, not a list")
    raise _Bad(f"not a value that can be read as text: {quote(value)}")


def _check_text(text: str, field: Field) -> str:
    limit = field.max_length
    # Too long is told before every character is looked at (a line break written as \r\n
    # counts as one, so a multi-line text may shrink by half at most).
    if limit is not None and len(text) > (2 * limit if field.name in MULTILINE_FIELDS else limit):
        raise _Bad(f"too long: {len(text)} characters, at most {limit} allowed: {quote(text)}")
    if not text.isprintable():
        if field.name in MULTILINE_FIELDS:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            bad = _CONTROL_MULTILINE.search(text)
            allowed = "only tabs and line breaks are allowed"
        else:
            bad = _CONTROL.search(text)
            allowed = "tabs, line breaks and other control characters are not allowed"
        if bad is not None:
            raise _Bad(
                f"contains a control character or a non-character ({allowed}): {quote(text)}"
            )
    if field.max_length is not None and len(text) > field.max_length:
        raise _Bad(
            f"too long: {len(text)} characters, at most {field.max_length} allowed: {quote(text)}"
        )
    return text


def _read_text(field: Field) -> Callable[[object], object]:
    def read(value: object) -> object:
        return _check_text(_as_text(value), field)

    return read


def _read_postcode(field: Field) -> Callable[[object], object]:
    def read(value: object) -> object:
        text = _as_text(value)
        if _POSTCODE_WRITTEN.fullmatch(text):  # already as it should be written
            return text
        compact = _WHITESPACE.sub("", text).upper()
        if not _POSTCODE.fullmatch(compact):
            raise _Bad(f"not a UK postcode (expected, for example, FN3 2QP): {quote(text)}")
        return _check_text(compact[:-3] + " " + compact[-3:], field)

    return read


def _read_gss_code(field: Field) -> Callable[[object], object]:
    def read(value: object) -> object:
        text = _as_text(value).upper()
        if not _GSS_CODE.fullmatch(text):
            raise _Bad(
                "not a GSS code (expected a letter E, W, S or N and 8 digits, "
                f"for example E10000099): {quote(text)}"
            )
        return text

    return read


def _code_table(enum: type[StrEnum]) -> dict[str, StrEnum]:
    return {member.value: member for member in enum}


def _code(text: str, table: dict[str, StrEnum]) -> StrEnum:
    member = table.get(text)
    if member is None:
        member = table.get(_CODE_SEPARATORS.sub("_", text.lower()))
        if member is None:
            allowed = ", ".join(table)
            raise _Bad(f"not one of the allowed values ({allowed}): {quote(text)}")
    return member


def _read_choice(field: Field) -> Callable[[object], object]:
    table = _code_table(ENUMS[field.name])

    def read(value: object) -> object:
        text = _as_text(value)
        return _code(text, table) if text else None

    return read


def _items(value: object) -> list[str]:
    """The items of a list field: a JSON array, or text separated by semicolons."""
    if isinstance(value, list | tuple):
        items = []
        for item in value:
            if item is None or isinstance(item, list | tuple | Mapping | bool):
                raise _Bad(f"expected a list of text, but one item is {quote(item)}")
            text = _as_text(item)
            if LIST_SEPARATOR in text:
                raise _Bad(f"an item may not contain '{LIST_SEPARATOR}': {quote(text)}")
            items.append(text)
    else:
        text = _as_text(value)
        if LIST_SEPARATOR not in text:
            return [text] if text else []
        items = [item.strip() for item in text.split(LIST_SEPARATOR)]
    return list(dict.fromkeys(item for item in items if item))


def _read_list(field: Field) -> Callable[[object], object]:
    limit = field.max_length or _NO_LIMIT

    def read(value: object) -> object:
        items = _items(value)
        if all(len(item) <= limit and item.isprintable() for item in items):
            return tuple(items)
        return tuple(_check_text(item, field) for item in items)

    return read


def _read_choices(field: Field) -> Callable[[object], object]:
    table = _code_table(ENUMS[field.name])

    def read(value: object) -> object:
        bad: list[str] = []
        codes: list[StrEnum] = []
        for item in _items(value):
            member = table.get(item)
            if member is not None:
                codes.append(member)
                continue
            try:
                codes.append(_code(item, table))
            except _Bad:
                bad.append(quote(item))
        if bad:
            allowed = ", ".join(table)
            raise _Bad(f"not among the allowed values ({allowed}): {', '.join(bad)}")
        return tuple(dict.fromkeys(codes))

    return read


def _read_bool(field: Field) -> Callable[[object], object]:
    def read(value: object) -> object:
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return value == 1
        text = _as_text(value)
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        if not text:
            return None
        raise _Bad(f"not true or false (expected true/false, yes/no, y/n or 1/0): {quote(text)}")

    return read


def _check_year(year: int, value: object) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _Bad(f"the year must be between {FIRST_YEAR} and {LAST_YEAR}: {quote(value)}")


def _read_date(field: Field) -> Callable[[object], object]:
    def read(value: object) -> object:
        if isinstance(value, datetime):  # a spreadsheet's date cell
            result = value.date()
        elif isinstance(value, date):
            result = value
        else:
            if not isinstance(value, str):
                raise _Bad(f"not a date ({_DATE_EXPECTED}): {quote(_as_text(value))}")
            text = value.strip()
            match = _ISO_DATE.fullmatch(text)
            if match is not None:
                try:
                    result = date.fromisoformat(text)
                except ValueError:
                    raise _Bad(f"not a date ({_DATE_EXPECTED}): {quote(text)}") from None
                _check_year(result.year, value)
                return result
            else:
                match = _UK_DATE.fullmatch(text)
                if match is None:
                    raise _Bad(f"not a date ({_DATE_EXPECTED}): {quote(text)}")
                day, month, year = match.groups()
            try:
                result = date(int(year), int(month), int(day))
            except ValueError:
                raise _Bad(f"not a date ({_DATE_EXPECTED}): {quote(text)}") from None
        _check_year(result.year, value)
        return result

    return read


_OFFSETS: dict[str, timezone] = {"Z": UTC, "z": UTC}


def _offset(text: str) -> timezone:
    """A fixed offset from "+01:00", "+0100" or "+01"."""
    tz = _OFFSETS.get(text)
    if tz is None:
        digits = text[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        if hours > 23 or minutes > 59:
            raise ValueError(text)
        delta = timedelta(hours=hours, minutes=minutes)
        tz = UTC if not delta else timezone(-delta if text[0] == "-" else delta)
        if len(_OFFSETS) < 1000:
            _OFFSETS[text] = tz
    return tz


def uk_time(wall_clock: datetime) -> datetime:
    """A UK wall-clock time as an aware datetime with a fixed offset (GMT or BST).

    A fixed offset, not the zone, so the time compares equal to the same time read back
    from its ISO 8601 text even in the repeated hour when the clocks go back.
    """
    offset = wall_clock.replace(tzinfo=UK_TIME, fold=0).utcoffset()
    assert offset is not None
    return wall_clock.replace(tzinfo=_fixed(offset), fold=0)


_FIXED: dict[timedelta, timezone] = {}


def _fixed(offset: timedelta) -> timezone:
    """A fixed-offset time zone, UTC for no offset; remembered, as few offsets occur."""
    zone = _FIXED.get(offset)
    if zone is None:
        zone = timezone(offset) if offset else UTC
        if len(_FIXED) < 1000:
            _FIXED[offset] = zone
    return zone


def _read_datetime(field: Field) -> Callable[[object], object]:
    def read(value: object) -> object:
        if isinstance(value, datetime):  # a spreadsheet's cell, or a caller's datetime
            shift = value.utcoffset()
            result = uk_time(value) if shift is None else value.replace(tzinfo=_fixed(shift))
        else:
            text = _as_text(value)
            if not isinstance(value, str):
                raise _Bad(f"not a date and time ({_DATETIME_EXPECTED}): {quote(text)}")
            match = _ISO_DATETIME.fullmatch(text)
            if match is not None:
                try:  # the C parser is quicker and accepts most of what the pattern does
                    quick = datetime.fromisoformat(text)
                except ValueError:
                    pass
                else:
                    result = quick if quick.tzinfo is not None else uk_time(quick)
                    _check_year(result.year, value)
                    return result
            try:
                if match is not None:
                    year, month, day, hour, minute, second, fraction, offset = match.groups()
                else:
                    match = _UK_DATETIME.fullmatch(text)
                    if match is None:
                        raise ValueError(text)
                    day, month, year, hour, minute, second = match.groups()
                    fraction = offset = None
                wall = datetime(
                    int(year),
                    int(month),
                    int(day),
                    int(hour),
                    int(minute),
                    int(second or 0),
                    int(fraction.ljust(6, "0")) if fraction else 0,
                )
                result = wall.replace(tzinfo=_offset(offset)) if offset else uk_time(wall)
            except ValueError:
                raise _Bad(f"not a date and time ({_DATETIME_EXPECTED}): {quote(text)}") from None
        _check_year(result.year, value)
        return result

    return read


def _reader(field: Field) -> Reader:
    if field.name in POSTCODE_FIELDS:
        return _read_postcode(field)
    if field.name == "responsible_authority":
        return _read_gss_code(field)
    kinds: dict[str, Callable[[Field], Callable[[object], object]]] = {
        "text": _read_text,
        "date": _read_date,
        "datetime": _read_datetime,
        "choice": _read_choice,
        "list": _read_list,
        "choices": _read_choices,
        "bool": _read_bool,
    }
    return kinds[field.kind](field)


_NAME_FIELDS: Final = ("given_names", "family_name")
_MISSING: Final = "missing: this field is required"
_NO_LIMIT: Final = 1_000_000


def _plan(field: Field) -> tuple[str, bool, int, Mapping[str, object] | None, Reader]:
    """How `_build` reads a field: its name, whether it is required, the length limit when it
    is ordinary text (0 otherwise), the values of its usual spellings when it is a choice or
    true/false, and its reader for everything else."""
    plain = field.kind == "text" and field.name not in _SPECIAL_TEXT
    limit = (field.max_length or _NO_LIMIT) if plain else 0
    usual: Mapping[str, object] | None = None
    if field.kind == "choice":
        usual = _code_table(ENUMS[field.name])
    elif field.kind == "bool":
        usual = {
            spelling: word in _TRUE
            for word in _TRUE | _FALSE
            for spelling in (word, word.upper(), word.capitalize())
        }
    return field.name, field.required, limit, usual, _reader(field)


_SPECIAL_TEXT: Final = POSTCODE_FIELDS | {"responsible_authority"}
_PLAN: Final = tuple(_plan(field) for field in FIELDS)


# Records ------------------------------------------------------------------------------------


def _raw_text(value: object) -> str:
    """A value as text for the receipt, whatever it is."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "; ".join(_raw_text(item) for item in value)
    try:
        return _as_text(value)
    except _Bad:
        try:
            return json.dumps(value, default=str, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            return _display(value)


def _build(
    values: Mapping[str, object],
    raw: dict[str, str],
    problems: list[Problem],
    *,
    source: str,
    line: int,
    now: datetime,
) -> Parsed:
    """The record from `values` (keys already field names), adding to `problems`."""
    kwargs: dict[str, Any] = {}
    for name, required, plain_limit, usual, read in _PLAN:
        value = values.get(name)
        if value is None:
            if required:
                problems.append(Problem(source, line, name, _MISSING))
            continue
        if type(value) is str:
            # Quick ways through for the common cases: blank, ordinary text, an exact code.
            value = value.strip()
            if not value:
                if required:
                    problems.append(Problem(source, line, name, _MISSING))
                continue
            if plain_limit and len(value) <= plain_limit and value.isprintable():
                kwargs[name] = value
                continue
            if usual is not None:
                known = usual.get(value)
                if known is not None:
                    kwargs[name] = known
                    continue
        try:
            result = read(value)
        except _Bad as bad:
            problems.append(Problem(source, line, name, str(bad)))
            continue
        if result is None or result == "":
            if required:
                problems.append(Problem(source, line, name, _MISSING))
            continue
        kwargs[name] = result
    if (
        not kwargs.get("given_names")
        and not kwargs.get("family_name")
        and not any(p.field in _NAME_FIELDS for p in problems)
    ):
        problems.append(
            Problem(
                source,
                line,
                None,
                "a notification must name the person: give given_names, family_name or both",
            )
        )
    _cross_check(kwargs, problems, source=source, line=line, now=now)
    if problems:
        return Parsed(line, None, tuple(problems), _bounded(raw))
    return Parsed(line, Notification(**kwargs), (), raw)


def _cut(text: str, most: int) -> str:
    if len(text) <= most:
        return text
    return f"{text[:most]}… [cut: {len(text):,} characters in all]"


def _bounded(raw: dict[str, str]) -> dict[str, str]:
    """A refused record's text as kept for its receipt: each value cut to
    `limits.RAW_VALUE_CHARS` characters and the whole record to about
    `limits.RAW_RECORD_CHARS`, the format's fields first, saying what was cut."""
    total = 0
    for key, value in raw.items():
        if len(value) > limits.RAW_VALUE_CHARS or len(key) > limits.RAW_NAME_CHARS:
            break
        total += len(key) + len(value)
    else:
        if total <= limits.RAW_RECORD_CHARS:
            return raw
    kept: dict[str, str] = {}
    used = left_out = left_out_chars = 0
    for key, value in sorted(raw.items(), key=lambda item: item[0] not in _FIELD_SET):
        name, text = _cut(key, limits.RAW_NAME_CHARS), _cut(value, limits.RAW_VALUE_CHARS)
        if used + len(name) + len(text) > limits.RAW_RECORD_CHARS:
            left_out += 1
            left_out_chars += len(value)
            continue
        kept[name] = text
        used += len(name) + len(text)
    if left_out:
        kept["…"] = f"[cut: {left_out:,} more fields, {left_out_chars:,} characters]"
    return kept


def _when(moment: datetime) -> str:
    return moment.isoformat()


def _cross_check(
    values: Mapping[str, Any], problems: list[Problem], *, source: str, line: int, now: datetime
) -> None:
    """Checks between fields, each problem on the field that is out of step."""
    if now.tzinfo is None:
        now = uk_time(now)
    soon = now + timedelta(days=1)
    reported: datetime | None = values.get("reported_at")
    born: date | None = values.get("date_of_birth")
    last_seen: datetime | None = values.get("last_seen_at")
    found: datetime | None = values.get("found_at")

    def add(field: str, reason: str) -> None:
        problems.append(Problem(source, line, field, reason))

    if reported is not None:
        reported_day = reported.astimezone(UK_TIME).date()
        if born is not None and born > reported_day:
            add(
                "date_of_birth",
                f"the date of birth {born.isoformat()} is after the date the person was "
                f"reported missing ({reported_day.isoformat()})",
            )
        if reported > soon:
            add("reported_at", f"more than a day in the future: {quote(_when(reported))}")
        if last_seen is not None and last_seen > reported:
            add(
                "last_seen_at",
                f"last seen {_when(last_seen)}, which is after the person was reported "
                f"missing ({_when(reported)})",
            )
    if found is not None:
        if last_seen is not None and found < last_seen:
            add(
                "found_at",
                f"found {_when(found)}, which is before the person was last seen "
                f"({_when(last_seen)})",
            )
        if found > soon:
            add("found_at", f"more than a day in the future: {quote(_when(found))}")
    elif values.get("notification_type") is NotificationType.FOUND:
        add("found_at", "missing: a found notification must say when the person was found")


def _field_name(key: object) -> str:
    return (key if isinstance(key, str) else _display(key)).strip().lower()


def _storable(text: str) -> str:
    """`text` with any lone surrogate (which JSON can carry but UTF-8 cannot) replaced."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def parse_record(raw: Mapping[str, object], *, source: str, line: int, now: datetime) -> Parsed:
    """One record, as a mapping from field name to value (text, or JSON or spreadsheet values).

    Field names are matched without regard to case or surrounding spaces. A name that is not
    a field of the format is a problem.
    """
    if len(raw) > limits.MAX_COLUMNS:
        return _too_many_fields(raw, source=source, line=line)
    problems: list[Problem] = []
    values: dict[str, object] = {}
    text: dict[str, str] = {}
    seen: dict[str, str] = {}
    for key, value in raw.items():
        name = _field_name(key)
        shown = key if isinstance(key, str) else name
        if name in seen:
            problems.append(
                Problem(
                    source,
                    line,
                    _storable(name[:QUOTE_LENGTH]),
                    f"given more than once (as {quote(seen[name])} and {quote(shown)})",
                )
            )
            continue
        seen[name] = shown
        text[_storable(name)] = _storable(_raw_text(value))
        if name in _FIELD_SET:
            values[name] = value
        else:
            problems.append(
                Problem(
                    source,
                    line,
                    _storable(shown[:QUOTE_LENGTH]),
                    "not a field of the notification format",
                )
            )
    return _build(values, text, problems, source=source, line=line, now=now)


def _too_many_fields(raw: Mapping[str, object], *, source: str, line: int) -> Parsed:
    """A record with more fields than a row may have columns: one problem, not one for each
    field, and only the first fields kept."""
    text: dict[str, str] = {}
    for key, value in raw.items():
        if len(text) == limits.MAX_COLUMNS:
            break
        name = key if isinstance(key, str) else _display(key)
        text[_storable(name[: limits.RAW_NAME_CHARS])] = _storable(_raw_text(value))
    problem = Problem(
        source,
        line,
        None,
        f"{len(raw):,} fields, more than the {limits.MAX_COLUMNS} a record may have "
        f"(the format has {len(FIELDS)})",
    )
    return Parsed(line, None, (problem,), _bounded(text))


_FIELD_SET: Final = frozenset(FIELD_NAMES)
_REQUIRED: Final = tuple(field.name for field in FIELDS if field.required)


def _too_many(source: str) -> Batch:
    return _whole_file(
        source, f"more than {MAX_RECORDS:,} records; send them in smaller files or batches"
    )


def _whole_file(source: str, reason: str, field: str | None = None) -> Batch:
    return Batch(source, (), (Problem(source, None, field, reason),))


# JSON ---------------------------------------------------------------------------------------


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not allowed")


def parse_json(data: bytes | str, *, source: str, now: datetime) -> Batch:
    """A single notification object, an array of them, or {"notifications": [...]}.

    Arrays and objects nested more than `limits.MAX_JSON_DEPTH` deep refuse the file before
    the JSON is read (nothing here then recurses deeper than that)."""
    try:
        if isinstance(data, bytes):
            limits.check_text_file(data, "JSON")
        limits.check_json_depth(data)
    except limits.Refused as refused:
        return _whole_file(source, str(refused))
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            return _not_utf8(source, error)
    else:
        text = data.removeprefix("\ufeff")
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        return _whole_file(
            source,
            f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}",
        )
    except (ValueError, RecursionError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        return _whole_file(source, f"not valid JSON: {reason}")
    items: list[object]
    if isinstance(document, list):
        items = document
    elif isinstance(document, dict) and "notifications" in document:
        extra = sorted(key for key in document if key != "notifications")
        if extra:
            return _whole_file(
                source,
                "a batch is an object with the single key notifications; unexpected "
                + ", ".join(quote(key) for key in extra),
            )
        if not isinstance(document["notifications"], list):
            return _whole_file(
                source, "notifications must be an array of notification objects", "notifications"
            )
        items = document["notifications"]
    elif isinstance(document, dict):
        items = [document]
    else:
        return _whole_file(
            source,
            "expected a notification object, an array of them, or an object "
            '{"notifications": [...]}',
        )
    if len(items) > MAX_RECORDS:
        return _too_many(source)
    records = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict):
            records.append(parse_record(item, source=source, line=number, now=now))
        else:
            problem = Problem(
                source, number, None, f"expected a notification object, not {quote(item)}"
            )
            records.append(Parsed(number, None, (problem,), {}))
    return Batch(source, tuple(records), ())


def _not_utf8(source: str, error: UnicodeDecodeError) -> Batch:
    return _whole_file(
        source,
        f"not UTF-8 text (the byte at position {error.start + 1} cannot be read); "
        "save the file as UTF-8",
    )


# CSV and XLSX -------------------------------------------------------------------------------


def _header(cells: Iterable[object], source: str) -> tuple[list[str | None], list[Problem]]:
    """Field names for the header's columns (None for a column without a name), and problems
    with the header as a whole."""
    names: list[str | None] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for cell in cells:
        name = _field_name(cell) if cell is not None else ""
        if not name:
            names.append(None)
            continue
        if name not in _FIELD_SET:
            problems.append(
                Problem(
                    source,
                    None,
                    name[:QUOTE_LENGTH],
                    "unknown column: not a field of the notification format",
                )
            )
        elif name in seen:
            problems.append(Problem(source, None, name, "this column appears more than once"))
        seen.add(name)
        names.append(name)
    for name in _REQUIRED:
        if name not in seen:
            problems.append(Problem(source, None, name, "missing column: this field is required"))
    return names, problems


def _is_blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _all_blank(cells: list[Any]) -> bool:
    try:  # quick for text cells
        return not "".join(cells).strip()
    except TypeError:  # spreadsheet values
        return all(_is_blank(cell) for cell in cells)


def _table(
    rows: Iterator[tuple[int, list[Any]]], source: str, now: datetime, *, text_cells: bool
) -> Batch:
    """Records from a table's rows (each with its line or row number); the header first."""
    for _, cells in rows:
        if not _all_blank(cells):
            names, problems = _header(cells, source)
            break
    else:
        return _whole_file(source, "the file is empty: a header row of field names is needed")
    if problems:
        return Batch(source, (), tuple(problems))
    width = len(names)
    simple = None not in names
    named = cast(list[str], names)
    # Gather the rows first, so that a file that is too big is refused before any work.
    filled: list[tuple[int, list[Any]]] = []
    for line, cells in rows:
        if not _all_blank(cells):
            if len(filled) == MAX_RECORDS:
                return _too_many(source)
            filled.append((line, cells))
    records: list[Parsed] = []
    for line, cells in filled:
        record_problems: list[Problem] = []
        if len(cells) > width and not _all_blank(cells[width:]):
            record_problems.append(
                Problem(
                    source,
                    line,
                    None,
                    f"{len(cells)} cells, but the header names only {width} columns",
                )
            )
        if simple:
            values: dict[str, Any] = dict(zip(named, cells, strict=False))
        else:
            values = {}
            for number, (name, cell) in enumerate(zip(names, cells, strict=False), start=1):
                if name is not None:
                    values[name] = cell
                elif not _is_blank(cell):
                    record_problems.append(
                        Problem(
                            source,
                            line,
                            None,
                            f"a value in column {number}, which has no name in the header: "
                            f"{quote(cell)}",
                        )
                    )
        if text_cells and simple:
            raw = values
        else:
            raw = {name: _raw_text(value) for name, value in values.items()}
        records.append(_build(values, raw, record_problems, source=source, line=line, now=now))
    return Batch(source, tuple(records), ())


def _csv_rows(reader: Any) -> Iterator[tuple[int, list[Any]]]:
    """Each row with the physical line it starts on, refusing the file at a row wider than
    `limits.MAX_COLUMNS` or a value longer than `limits.MAX_VALUE_CHARS`."""
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        if len(row) > limits.MAX_COLUMNS:
            raise limits.Refused(
                f"line {start}: {len(row):,} values; a row may have at most "
                f"{limits.MAX_COLUMNS} columns"
            )
        if row and max(map(len, row)) > limits.MAX_VALUE_CHARS:
            raise limits.Refused(
                f"line {start}: a value of more than {limits.MAX_VALUE_CHARS:,} characters "
                "(the most any field may hold, and more than any field of the format allows)"
            )
        yield start, row


def parse_csv(data: bytes, *, source: str, now: datetime) -> Batch:
    """A CSV file: UTF-8 (a byte order mark is fine), a header row of field names, one
    notification a row, list items separated by ";" within a cell."""
    try:
        limits.check_text_file(data, "CSV")
    except limits.Refused as refused:
        return _whole_file(source, str(refused))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return _not_utf8(source, error)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _table(_csv_rows(reader), source, now, text_cells=True)
    except limits.Refused as refused:
        return _whole_file(source, str(refused))
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            return _whole_file(
                source,
                f"not readable as CSV at line {reader.line_num}: a value of more than "
                f"{csv.field_size_limit():,} characters (a value may have at most "
                f"{limits.MAX_VALUE_CHARS:,})",
            )
        return _whole_file(source, f"not readable as CSV at line {reader.line_num}: {error}")


def parse_xlsx(data: bytes, *, source: str, now: datetime) -> Batch:
    """An XLSX workbook: the sheet "notifications" if there is one, else the first sheet, laid
    out as a CSV file is.

    The workbook is checked against `limits` (`limits.check_xlsx`) before openpyxl sees it,
    and read in openpyxl's read-only streaming mode without trusting the size the sheet
    declares: at most `limits.MAX_SHEET_ROWS` rows, blank rows included, and
    `limits.MAX_COLUMNS` columns."""
    try:
        limits.check_xlsx(data)
    except limits.Refused as refused:
        return _whole_file(source, str(refused))
    import openpyxl  # imported here: slow to import, and only spreadsheets need it

    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    except Exception:
        return _whole_file(source, "not a readable XLSX workbook (is it an Excel .xlsx file?)")
    try:
        names = workbook.sheetnames
        if not names:
            return _whole_file(source, "the workbook has no sheets")
        sheet = workbook[SHEET_NAME if SHEET_NAME in names else names[0]]
        return _table(_sheet_rows(sheet), source, now, text_cells=False)
    except limits.Refused as refused:
        return _whole_file(source, str(refused))
    except Exception:
        return _whole_file(source, "the workbook could not be read; it may be damaged")
    finally:
        workbook.close()


def _sheet_rows(sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    """A read-only sheet's rows, numbered, without trailing blank cells. The size the sheet
    declares (its dimension) is set aside: openpyxl would otherwise fill every row out to it.
    A row past `limits.MAX_SHEET_ROWS` (which openpyxl stops at) or wider than
    `limits.MAX_COLUMNS` refuses the file."""
    sheet.reset_dimensions()
    last = limits.MAX_SHEET_ROWS + 1
    for number, cells in enumerate(sheet.iter_rows(max_row=last, values_only=True), start=1):
        row = list(cells)
        while row and row[-1] is None:
            row.pop()
        if number == last or len(row) > limits.MAX_COLUMNS:
            where = (
                f"row {number:,}" if number == last else f"column {len(row):,} of row {number:,}"
            )
            raise limits.Refused(
                f"the sheet goes on to {where}: a sheet may use at most "
                f"{limits.MAX_SHEET_ROWS:,} rows (blank rows included) and "
                f"{limits.MAX_COLUMNS} columns"
            )
        yield number, row


#: The readers by file extension.
READERS: Final[dict[str, Callable[..., Batch]]] = {
    ".json": parse_json,
    ".csv": parse_csv,
    ".xlsx": parse_xlsx,
}


def parse_file(name: str, data: bytes, *, now: datetime) -> Batch:
    """A file read by its extension: .json, .csv or .xlsx (in any case). (How big a file may
    be is each door's to say before it reads the file: `limits.MAX_FILE_BYTES` for
    `homeward intake` and the upload page, `HOMEWARD_API_MAX_BYTES` for the API.)"""
    dot = name.rfind(".")
    extension = name[dot:].lower() if dot >= 0 else ""
    read = READERS.get(extension)
    if read is None:
        return _whole_file(
            name,
            f"not a file type homeward reads ({quote(extension or name)}): "
            "send a .csv, .xlsx or .json file",
        )
    return read(data, source=name, now=now)


def refusal(name: str, data: bytes) -> str | None:
    """Why a file would be refused whole before any record is read (not the kind of file its
    name says, a workbook over the limits, JSON nested too deep), or None. The readers check
    the same; this is for code that looks into a file before it is parsed (to count its
    records, say), which must not hand it to openpyxl or `json.loads` unchecked."""
    extension = name[name.rfind(".") :].lower() if "." in name else ""
    try:
        if extension == ".xlsx":
            limits.check_xlsx(data)
        elif extension in (".csv", ".json"):
            limits.check_text_file(data, extension[1:].upper())
            if extension == ".json":
                limits.check_json_depth(data)
    except limits.Refused as refused:
        return str(refused)
    return None


# Writing ------------------------------------------------------------------------------------


def _canonical(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return sorted({str(item) for item in value})
    return value


def content_key(n: Notification) -> str:
    """A fingerprint of everything a notification says except `sent_at`: equal content gives
    an equal key. Times are compared as instants and the order of list items is ignored."""
    content = {
        field.name: _canonical(getattr(n, field.name))
        for field in dataclass_fields(n)
        if field.name != "sent_at"
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "; ".join(str(item) for item in value)
    return str(value)


def to_record(n: Notification) -> dict[str, str]:
    """Every field as text, as it would be written in a CSV cell."""
    return {name: _text(getattr(n, name)) for name in FIELD_NAMES}


def write_csv(notifications: Iterable[Notification]) -> bytes:
    """A CSV file (UTF-8, header row) of notifications."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FIELD_NAMES)
    for n in notifications:
        writer.writerow(_text(getattr(n, name)) for name in FIELD_NAMES)
    return out.getvalue().encode("utf-8")


def write_xlsx(notifications: Iterable[Notification]) -> bytes:
    """An XLSX workbook of notifications: one sheet, "notifications", with a header row.
    Dates of birth are date cells and true/false are boolean cells; the rest is text."""
    import xlsxwriter  # imported here: only spreadsheets need it

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet(SHEET_NAME)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    bold = workbook.add_format({"bold": True})
    for column, name in enumerate(FIELD_NAMES):
        sheet.write_string(0, column, name, bold)
    for row, n in enumerate(notifications, start=1):
        for column, name in enumerate(FIELD_NAMES):
            value = getattr(n, name)
            if isinstance(value, bool):
                sheet.write_boolean(row, column, value)
            elif isinstance(value, date) and not isinstance(value, datetime):
                sheet.write_datetime(row, column, value, date_format)
            else:
                text = _text(value)
                if text:
                    sheet.write_string(row, column, text)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return out.getvalue()


def _json_value(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [str(item) for item in value]
    if isinstance(value, StrEnum):
        return value.value
    return value


def to_json_object(n: Notification) -> dict[str, object]:
    """A notification as a JSON object: lists as arrays, true/false as booleans, empty values
    left out."""
    out: dict[str, object] = {}
    for name in FIELD_NAMES:
        value = getattr(n, name)
        if value is None or value == "" or value == ():
            continue
        out[name] = _json_value(value)
    return out


def write_json(notifications: Iterable[Notification]) -> bytes:
    """{"notifications": [...]} as UTF-8 JSON."""
    document = {"notifications": [to_json_object(n) for n in notifications]}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
