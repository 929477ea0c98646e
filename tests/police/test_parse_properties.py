"""Properties of the notification readers and writers, over generated input (`police.parse`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homeward.police.format import (
    FIELD_NAMES,
    FIELDS_BY_NAME,
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
    UK_TIME,
    Batch,
    Parsed,
    content_key,
    parse_csv,
    parse_json,
    parse_record,
    parse_xlsx,
    to_record,
    write_csv,
    write_json,
    write_xlsx,
)

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

ZONES = st.sampled_from(
    [
        UTC,
        timezone(timedelta(hours=1)),
        timezone(timedelta(hours=5, minutes=30)),
        timezone(timedelta(hours=-3)),
        timezone(timedelta(hours=-9, minutes=-30)),
    ]
)

#: Any character but the C0 controls, DEL and surrogates (which cannot be written as UTF-8).
CHARACTERS = st.characters(
    blacklist_categories=("Cs",), blacklist_characters=[chr(c) for c in [*range(32), 127]]
)


def text(name: str, *, alphabet: st.SearchStrategy[str] = CHARACTERS) -> st.SearchStrategy[str]:
    """Text for a field as the parser leaves it: stripped and within its length."""
    limit = FIELDS_BY_NAME[name].max_length or 100
    return st.text(alphabet, max_size=min(limit, 60)).map(str.strip)


def required_text(name: str) -> st.SearchStrategy[str]:
    return text(name).filter(bool)


def optional(strategy: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.none() | strategy


def moments(
    low: datetime = datetime(1900, 1, 2), high: datetime = datetime(2026, 11, 22)
) -> st.SearchStrategy[datetime]:
    return st.datetimes(min_value=low, max_value=high, timezones=ZONES)


@st.composite
def notifications(draw: st.DrawFn) -> Notification:
    first, second = draw(moments()), draw(moments())
    last_seen, reported = sorted((first, second))
    if not draw(st.booleans()):
        last_seen = None
    found = draw(optional(moments()))
    if found is not None and last_seen is not None and found < last_seen:
        found = last_seen
    kind = draw(st.sampled_from(NotificationType))
    if kind is NotificationType.FOUND and found is None:
        found = reported
    born = draw(optional(st.dates(date(1900, 1, 1), reported.astimezone(UK_TIME).date())))
    family = draw(text("family_name"))
    given_names = draw(text("given_names"))
    if not family and not given_names:
        family = "Okafor"
    item = text("aliases", alphabet=CHARACTERS.filter(lambda c: c != ";")).filter(bool)
    circumstances_alphabet = CHARACTERS | st.sampled_from("\n\t")
    return Notification(
        force=draw(required_text("force")),
        police_reference=draw(required_text("police_reference")),
        notification_type=kind,
        reported_at=reported,
        category=draw(st.sampled_from(Category)),
        sent_at=draw(optional(moments(high=datetime(2100, 12, 30)))),
        given_names=given_names,
        family_name=family,
        aliases=tuple(draw(st.lists(item, max_size=3, unique=True))),
        date_of_birth=born,
        child_flag=draw(optional(st.booleans())),
        sex=draw(st.sampled_from(Sex)),
        address=draw(text("address")),
        postcode=draw(
            st.just("") | st.from_regex(r"[A-Z][A-Z0-9]{1,3} [0-9][A-Z]{2}", fullmatch=True)
        ),
        last_seen_at=last_seen,
        last_seen_where=draw(text("last_seen_where")),
        risk_grade=draw(optional(st.sampled_from(RiskGrade))),
        missing_from=draw(optional(st.sampled_from(MissingFrom))),
        circumstances=draw(text("circumstances", alphabet=circumstances_alphabet)),
        risk_factors=tuple(draw(st.lists(st.sampled_from(RiskFactor), max_size=4, unique=True))),
        found_at=found,
        found_where=draw(text("found_where")),
        found_by=draw(text("found_by")),
        prevention_interview_done=draw(optional(st.booleans())),
        placement_type=draw(optional(st.sampled_from(PlacementType))),
        placement_name=draw(text("placement_name")),
        placement_address=draw(text("placement_address")),
        placement_postcode=draw(
            st.just("") | st.from_regex(r"[A-Z][A-Z0-9]{1,3} [0-9][A-Z]{2}", fullmatch=True)
        ),
        responsible_authority=draw(st.just("") | st.from_regex(r"[EWSN][0-9]{8}", fullmatch=True)),
        officer_name=draw(text("officer_name")),
        officer_contact=draw(text("officer_contact")),
    )


def consistent(batch: Batch) -> None:
    """A batch has whole-file problems or records, and every record has a notification or
    problems, never both and never neither."""
    assert not (batch.problems and batch.records)
    for parsed in batch.records:
        assert isinstance(parsed, Parsed)
        assert (parsed.notification is None) == bool(parsed.problems)
        assert all(isinstance(v, str) for v in parsed.raw.values())
        for problem in parsed.problems:
            assert problem.line == parsed.line
            assert problem.reason


# (a) Round trips ------------------------------------------------------------------------------


WRITERS: dict[str, tuple[Callable[..., bytes], Callable[..., Batch]]] = {
    "csv": (write_csv, parse_csv),
    "json": (write_json, parse_json),
    "xlsx": (write_xlsx, parse_xlsx),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(notifications(), min_size=1, max_size=3))
def test_every_writer_round_trips_every_valid_notification(ns: list[Notification]) -> None:
    for name, (write, read) in WRITERS.items():
        batch = read(write(ns), source=name, now=NOW)
        assert batch.problems == (), name
        assert [r.problems for r in batch.records] == [()] * len(ns), name
        assert [r.notification for r in batch.records] == ns, name


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notifications())
def test_the_text_form_reads_back_as_the_same_notification(n: Notification) -> None:
    parsed = parse_record(to_record(n), source="request", line=1, now=NOW)
    assert parsed.problems == ()
    assert parsed.notification == n
    assert content_key(parsed.notification) == content_key(n)


# (b) and (c) Never raising, always consistent --------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_parse_csv_never_raises_on_any_bytes(data: bytes) -> None:
    consistent(parse_csv(data, source="any.csv", now=NOW))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.text(max_size=12), max_size=8), max_size=6))
def test_parse_csv_never_raises_under_a_valid_header(rows: list[list[str]]) -> None:
    header = ["force", "police_reference", "notification_type", "reported_at", "category"]
    header += ["family_name", "date_of_birth", "child_flag", "risk_factors", "postcode"]
    lines = [",".join(header)] + [",".join(json.dumps(cell) for cell in row) for row in rows]
    consistent(parse_csv("\n".join(lines).encode("utf-8", "replace"), source="a", now=NOW))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parse_json_never_raises_on_any_text(data: str) -> None:
    consistent(parse_json(data, source="request", now=NOW))


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.dates()
    | st.datetimes(timezones=st.none() | ZONES),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)
FIELD_KEYS = st.sampled_from(FIELD_NAMES) | st.text(max_size=15)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(FIELD_KEYS, JSON_VALUES, max_size=12))
def test_parse_record_never_raises_on_any_dictionary(raw: dict[str, object]) -> None:
    parsed = parse_record(raw, source="request", line=5, now=NOW)
    assert (parsed.notification is None) == bool(parsed.problems)
    assert all(p.line == 5 for p in parsed.problems)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELD_NAMES), st.text(max_size=25), max_size=31))
def test_parse_record_never_raises_on_any_text_values(raw: dict[str, object]) -> None:
    parsed = parse_record(raw, source="request", line=1, now=NOW)
    assert (parsed.notification is None) == bool(parsed.problems)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=200))
def test_parse_xlsx_never_raises_on_any_bytes(data: bytes) -> None:
    consistent(parse_xlsx(b"PK\x03\x04" + data, source="any.xlsx", now=NOW))
