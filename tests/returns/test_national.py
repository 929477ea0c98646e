"""The national collection: an authority sends its annual return through the exchange; the
national body's instance checks it as any returns file, keeps every submission, replaces an
authority's return with its latest, and builds the benchmark from what it holds."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from homeward.exchange import services
from homeward.exchange.models import OutboxMessage
from homeward.formats import exchange as ex
from homeward.returns import national
from homeward.returns.models import NationalSubmission, ReceivedReturn
from tests.exchange.partner import CODE, FakePartner
from tests.factories import World, make_child, make_episode, make_interview, make_world

pytestmark = pytest.mark.django_db

NATIONAL = "E92000001"  # the GSS code of England: a national body's instance


@pytest.fixture
def world() -> World:
    return make_world()


def last_year() -> str:
    """The financial year before this one (`2025-26` in 2026-27)."""
    today = timezone.localdate()
    first = today.year - 1 if today.month >= 4 else today.year - 2
    return f"{first}-{(first + 1) % 100:02d}"


def test_an_authority_sends_its_return_for_a_year(world: World, settings: Any) -> None:
    period = last_year()
    started = timezone.make_aware(datetime(int(period[:4]), 6, 10, 20, 0))
    child = make_child(world)
    make_interview(world, [make_episode(world, child, started=started)])
    make_episode(world, child, started=started + timedelta(days=30))
    national_body = FakePartner(code=NATIONAL)
    services.partner_add(
        code=NATIONAL, url="https://national.example", jwks=national_body.jwks(),
        name="The national collection",
    )  # fmt: skip
    by = world.user("manager")
    with pytest.raises(ValidationError, match="No national collection is set up"):
        national.national_send(by=by, period=period)
    settings.HOMEWARD_NATIONAL_COLLECTION = NATIONAL
    with pytest.raises(PermissionDenied):
        national.national_send(by=world.user("worker"), period=period)
    with pytest.raises(ValidationError, match="nothing to return for 2001-02"):
        national.national_send(by=by, period="2001-02")

    sent = national.national_send(by=by, period=period)
    payload = json.loads(OutboxMessage.objects.get(kind="return.annual").payload)
    assert payload["period"] == period
    row = payload["row"]
    assert (row["authority_code"], row["period"], row["incidents"], row["individuals"]) == (
        "E10000099", period, "2", "1",
    )  # fmt: skip
    assert "clock_start" in row and sent.row["incidents"] == "2"
    services.outbox_deliver(pk=sent.message_id, post=national_body.post)
    assert national_body.received[0].kind == "return.annual"
    assert NationalSubmission.objects.count() == 1


# --- the national body's instance (here: this one, receiving from the partner) -------------


def from_partner(partner: FakePartner, payload: dict[str, Any]) -> tuple[str, str]:
    envelope = ex.Envelope(ex.new_message_id(), "return.annual", CODE, "E10000099", "r", payload)
    token = partner.seal(envelope, to=services.own_public_jwks(), at=timezone.now())
    return services.inbox_receive(token=token.encode())


@pytest.fixture
def national_body(settings: Any) -> None:
    """This instance is a national body's: it takes annual returns."""
    settings.HOMEWARD_NATIONAL_BODY = True


def their_return(prepared: datetime | None = None, **changes: str) -> dict[str, Any]:
    row = {
        "authority_code": CODE,
        "authority_name": "Neighbouring County Council",
        "nation": "England",
        "period": "2025-26",
        "provider": "independent",
        "incidents": "120",
        "individuals": "60",
        "offered": "110",
        "accepted": "70",
        "declined": "30",
        "completed": "70",
        "completed_within_72h": "50",
        "clock_start": "return",
        "clock_unit": "hours",
        "follow_up_support": "yes",
    }
    row.update(changes)
    made = prepared or timezone.now()
    return {"period": row["period"], "prepared_at": made.isoformat(), "row": row}


def test_the_national_body_keeps_each_submission_and_the_latest_counts(
    world: World, national_body: None
) -> None:
    partner = FakePartner()
    partner.add()
    assert from_partner(partner, their_return())[0] == "accepted"
    assert from_partner(partner, their_return(incidents="125"))[0] == "accepted"
    history = national.received("2025-26")
    assert [r.row["incidents"] for r in history] == ["125", "120"]  # the latest first
    assert history[0].replaced_at is None and history[1].replaced_at is not None
    current = national.current_returns_frame("2025-26")
    assert current["incidents"].to_list() == ["125"]

    report = zipfile.ZipFile(io.BytesIO(national.national_benchmark("2025-26")))
    names = report.namelist()
    assert any(n.endswith(".html") for n in names) and any(n.endswith(".csv") for n in names)
    html = next(report.read(n) for n in names if n.endswith(".html")).decode()
    assert "2025-26" in html and "Neighbouring County Council" in html
    with pytest.raises(ValidationError):
        national.national_benchmark("2019-20")  # no returns for it


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"authority_code": "E10000011"}, "payload.row.authority_code"),
        ({"incidents": "lots"}, "payload.row.incidents"),
        ({"clock_unit": "weeks"}, "payload.row.clock_unit"),
        ({"incidents": "9" * 30}, "payload.row.incidents"),  # was a server error
        ({"period": "２０２５-２６"}, "payload.row.period"),  # full-width digits: not a year
        ({"period": "2199-00"}, "payload.period"),  # not yet begun
    ],
)
def test_a_return_that_is_not_the_senders_or_not_well_formed_is_refused(
    world: World, changes: dict[str, str], field: str, national_body: None
) -> None:
    partner = FakePartner()
    partner.add()
    with pytest.raises(ex.MessageError) as refused:
        from_partner(partner, their_return(**changes))
    assert refused.value.field == field
    assert ReceivedReturn.objects.count() == 0


# --- the pages -----------------------------------------------------------------------------


def test_the_pages_send_the_return_and_list_what_was_received(
    world: World, settings: Any, national_body: None
) -> None:
    from django.test import Client

    from tests.web.conftest import sign_in

    manager = sign_in(Client(), world.user("manager"))
    page = manager.get("/returns/national-collection/").content.decode()
    assert "No national collection is set up" in page
    national_body = FakePartner(code=NATIONAL)
    services.partner_add(code=NATIONAL, url="https://national.example", jwks=national_body.jwks())
    settings.HOMEWARD_NATIONAL_COLLECTION = NATIONAL
    period = last_year()
    started = timezone.make_aware(datetime(int(period[:4]), 6, 10, 20, 0))
    make_episode(world, make_child(world), started=started)
    nothing = manager.post("/returns/national-collection/", {})
    assert nothing.status_code == 400
    assert "Select the financial year to send" in nothing.content.decode()
    sent = manager.post("/returns/national-collection/", {"period": period})
    assert sent.status_code == 302
    assert NationalSubmission.objects.get().period == period
    assert f"{period}, " in manager.get("/returns/national-collection/").content.decode()

    # Received (this instance as the national body): listed, and downloaded as the returns.
    partner = FakePartner()
    partner.add()
    from_partner(partner, their_return())
    from_partner(partner, their_return(incidents="125"))
    analyst = sign_in(Client(), world.user("analyst"))
    listing = analyst.get("/national-collection/").content.decode()
    assert "Neighbouring County Council (E10000097)" in listing and "Replaced" in listing
    csv = analyst.get("/national-collection/2025-26/returns.csv").content.decode()
    assert csv.splitlines()[0].startswith("authority_code,") and ",125," in csv
    assert analyst.get("/national-collection/1999-00/returns.csv").status_code == 404
    zipped = analyst.get("/national-collection/2025-26/benchmark.zip")
    assert zipped["Content-Type"] == "application/zip"
    worker = sign_in(Client(), world.user("worker"))
    assert worker.get("/national-collection/").status_code == 403
    assert worker.post("/returns/national-collection/", {"period": period}).status_code == 403


def test_the_latest_made_is_counted_whatever_order_they_arrive_in(
    world: World, national_body: None
) -> None:
    """A sender that could not reach the national body delivers newest first: the
    correction arrived before the return it corrects, which then replaced it."""
    partner = FakePartner()
    partner.add()
    made = timezone.now() - timedelta(hours=2)
    from_partner(partner, their_return(made + timedelta(hours=1), incidents="125"))
    from_partner(partner, their_return(made, incidents="120"))  # older, arriving late
    assert national.current_returns_frame("2025-26")["incidents"].to_list() == ["125"]
    history = national.received("2025-26")
    assert [(r.row["incidents"], r.replaced_at is None) for r in history] == [
        ("125", True),
        ("120", False),
    ]


def test_an_instance_that_is_not_a_national_body_takes_no_return(world: World) -> None:
    partner = FakePartner()
    partner.add()
    with pytest.raises(ex.MessageError, match="does not collect annual returns"):
        from_partner(partner, their_return())
    assert ReceivedReturn.objects.count() == 0


def test_the_send_page_works_on_29_february(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from django.test import Client

    from homeward.web.views import national as views
    from tests.web.conftest import sign_in

    monkeypatch.setattr(views.timezone, "localdate", lambda: date(2028, 2, 29))
    page = sign_in(Client(), world.user("manager")).get("/returns/national-collection/")
    assert page.status_code == 200
