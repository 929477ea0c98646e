"""The police notification API against its own OpenAPI document, with schemathesis.

The document is read from the application in-process (`/api/v1/openapi.json` through the
WSGI application, no server), and schemathesis generates requests for every operation from
it: valid notifications and batches, and bodies and paths the schema does not allow. Each
operation runs with a force's token and without one. Whatever is sent, the API must never
answer with a server error (5xx); without a token every answer must be 401 (a method the
document does not list is refused with 405). With a token, each example must get the answer
its kind promises: a valid one (schemathesis' positive mode) is accepted, and refused only
for a rule no JSON Schema can state (one field against another, or against today:
`BEYOND_THE_SCHEMA`); an invalid one (negative mode) is refused with a problem entry that
says why, unless the parser's stated leniency makes it valid (`lenient`: blank text is not
given, spaces around a value are dropped, a number is read as text, 1/0 as true/false,
codes in any case).

Bounded to about 50 examples per operation and no per-example deadline (a batch is stored
in a real transaction), so the whole file takes well under a minute.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation

from homeward.intake import services
from homeward.police.format import FIELDS
from homeward.police.schema import notification_schema
from homeward.site.wsgi import application
from tests.factories import make_world
from tests.police.test_schema import errors

EXAMPLES = 50
FORCE = "fictional"  # the code of make_world's police force

# Dates and times: half plausible (this century, up to yesterday, so that a generated
# notification can be accepted and go on to classification, matching and storage), half
# anything at all (years 1 to 9999, with or without an offset, which the parser refuses).
_YESTERDAY = datetime.now(UTC) - timedelta(days=1)
_OFFSETS = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))])
schemathesis.openapi.format(
    "date-time",
    st.one_of(
        st.datetimes(
            min_value=datetime(2000, 1, 1),
            max_value=_YESTERDAY.replace(tzinfo=None),
            timezones=_OFFSETS,
        ),
        st.datetimes(timezones=st.none() | _OFFSETS),
    ).map(datetime.isoformat),
)
schemathesis.openapi.format(
    "date",
    st.one_of(st.dates(date(2000, 1, 1), _YESTERDAY.date()), st.dates()).map(date.isoformat),
)

#: Read once, when the tests are collected: the document is built from the format alone and
#: reading it touches no database. (`schemathesis.pytest.from_fixture`, the lazy loader, does
#: not work with pytest 9: it sets a node attribute pytest 9 no longer has.)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

#: Generated data only: nothing to remember between runs (no `.hypothesis` directory). The
#: world and its token are made once per test and shared by its examples on purpose (the
#: reports the examples store pile up as they would on a live server), hence the function-
#: scoped fixture.
bounded = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)


@pytest.fixture
def token(transactional_db: None) -> str:
    world = make_world()
    return services.force_token_issue(force=world.police)


def _from_this_force(body: object) -> None:
    """A notification that names a force names the token's own, so that a valid one is
    taken in rather than refused for another force."""
    items = body.get("notifications") if isinstance(body, dict) else None
    for item in items if isinstance(items, list) else [body]:
        if isinstance(item, dict) and isinstance(item.get("force"), str):
            item["force"] = FORCE


@schema.parametrize()
@bounded
@pytest.mark.django_db(transaction=True)
def test_no_server_error_with_a_token(case: Any, token: str) -> None:
    _from_this_force(case.body)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error]
    )


@schema.parametrize()
@bounded
@pytest.mark.django_db(transaction=True)
def test_without_a_token_every_answer_is_401(case: Any, token: str) -> None:
    if case.headers:
        case.headers.pop("Authorization", None)
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error])
    # Every operation of the document needs the token. schemathesis also tries methods the
    # document does not list (PUT, DELETE, ...): those are refused before authentication,
    # with 405 (the API's views are exempt from CSRF: they take no cookies).
    listed = case.method.upper() == case.operation.method.upper()
    expected = (401,) if listed else (405,)
    assert response.status_code in expected, (
        case.method,
        response.status_code,
        response.text[:500],
    )


#: The parser's rules that a JSON Schema cannot state (one field against another, or against
#: the time the notification arrives), as (field, words of the reason): a notification the
#: schema allows may be refused for these, and only these.
BEYOND_THE_SCHEMA = (
    ("date_of_birth", "is after the date the person was reported"),
    ("reported_at", "more than a day in the future"),
    ("last_seen_at", "which is after the person was reported"),
    ("found_at", "which is before the person was last seen"),
    ("found_at", "more than a day in the future"),
)
_KINDS = {field.name: field.kind for field in FIELDS}


def _problems(data: Any) -> list[dict[str, Any]]:
    """Every problem an answer gives: the request's, and each refused notification's."""
    if not isinstance(data, dict):
        return []
    found = list(data.get("problems") or [])
    for result in data.get("results") or []:
        found += result.get("problems") or []
    return found


def _refused_lines_say_why(data: Any) -> bool:
    results = data.get("results") or [] if isinstance(data, dict) else []
    refused = [r for r in results if r.get("status") == "rejected"]
    return bool(refused) and all(r.get("problems") for r in refused)


def _lenient(value: Any, kind: str) -> Any:
    """A value as the parser reads it, by the leniency the document states."""
    if isinstance(value, int | float) and not isinstance(value, bool) and kind == "list":
        value = [value]  # one value for a list: one item
    if isinstance(value, str) and kind in ("list", "choices"):
        value = [part for part in value.split(";") if part.strip()]  # one text, items by ";"
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
        if kind in ("choice",):
            return value.lower().replace(" ", "_").replace("-", "_")
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and kind == "bool" and value in (0, 1):
        return bool(value)
    if isinstance(value, int | float) and kind in ("text", "date", "datetime", "choice"):
        return str(int(value)) if float(value).is_integer() else repr(value)
    if isinstance(value, list):
        items = [_lenient(item, "choice" if kind == "choices" else "text") for item in value]
        return [item for item in items if item is not None]  # empty items are dropped
    return value


def lenient(item: Any) -> Any:
    """A notification as the parser reads it (blank values left out, as not given)."""
    if not isinstance(item, dict):
        return item
    out = {}
    for name, value in item.items():
        key = name.strip().lower() if isinstance(name, str) else name
        read = _lenient(value, _KINDS.get(key, "text"))
        if read is not None:
            out[key] = read
    return out


def _valid_once_read(body: Any) -> bool:
    """Whether the body is valid by the schema once read with the parser's leniency."""
    items = body.get("notifications") if isinstance(body, dict) else None
    single = notification_schema()
    if isinstance(items, list):
        return all(not errors(single, lenient(item)) for item in items)
    return not errors(single, lenient(body))


@schema.parametrize()
@bounded
@pytest.mark.django_db(transaction=True)
def test_valid_examples_are_accepted_and_invalid_ones_refused_saying_why(
    case: Any, token: str
) -> None:
    _from_this_force(case.body)
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    status = response.status_code
    assert status < 500, response.text[:500]
    if case.method.upper() != case.operation.method.upper():
        assert status == 405  # a method the document does not list
        return
    try:
        data = response.json()
    except ValueError:
        data = None  # a 405 from Django, not the API's JSON
    problems = _problems(data)
    if 400 <= status < 500:
        # Every refusal says why, whatever the example.
        assert problems and all(p.get("reason") for p in problems), (status, response.text[:500])
    positive = case.meta.generation.mode.is_positive
    posting = case.operation.method.upper() == "POST"
    if status == 415:
        # A request-shape probe (no or another content type, in either mode): refused,
        # saying why (above).
        return
    if positive and posting:
        # Accepted, or refused only for rules beyond what a schema can say.
        refused = [
            p for p in problems
            if not any(p.get("field") == f and words in (p.get("reason") or "")
                       for f, words in BEYOND_THE_SCHEMA)
        ]  # fmt: skip
        assert not refused, (status, response.text[:800])
        assert status in (200, 201, 202) or (status == 422 and problems), status
    elif positive:
        # Reading a batch by a well-formed reference: the batch, or not found (saying so).
        assert status in (200, 404), (status, response.text[:500])
    elif (
        posting
        and case.meta.is_negative_at(ParameterLocation.BODY)
        and status < 400
        and not _refused_lines_say_why(data)
    ):
        # An invalid example taken in: only when the parser's stated leniency reads it as
        # valid (a number for text, blank for not given, spaces around a code, ...).
        assert _valid_once_read(case.body), (
            getattr(case.meta.phase.data, "description", None),
            case.body,
            response.text[:500],
        )
