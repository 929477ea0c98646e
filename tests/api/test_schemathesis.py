"""The police notification API against its own OpenAPI document, with schemathesis.

The document is read from the application in-process (`/api/v1/openapi.json` through the
WSGI application, no server), and schemathesis generates requests for every operation from
it: valid notifications and batches, and bodies and paths the schema does not allow. Each
operation runs twice, with a force's token and without one. Whatever is sent, the API must
never answer with a server error (5xx); without a token every answer must be 401 (a method the
document does not list is refused with 405).

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

from homeward.intake import services
from homeward.site.wsgi import application
from tests.factories import make_world

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
