"""The national body's own role: its analysts read the returns received (and nothing
else), set the day a year's returns are asked by, see which authorities on the exchange are
late, and remind those that have not sent one; an authority is told, and sees the request
on its page."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from homeward.accounts import permissions
from homeward.exchange import services
from homeward.exchange.models import OutboxMessage
from homeward.formats import exchange as ex
from homeward.returns import national
from homeward.returns.models import ReturnAsked, ReturnDeadline, ReturnReminder
from tests.exchange.partner import CODE, FakePartner
from tests.factories import World, make_world
from tests.returns.test_national import NATIONAL, from_partner, their_return

pytestmark = pytest.mark.django_db

OTHER = "E10000001"


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def national_body(settings: Any) -> None:
    settings.HOMEWARD_NATIONAL_BODY = True


@pytest.fixture
def partners(world: World) -> tuple[FakePartner, FakePartner]:
    """Two authorities on the exchange with this (national body's) instance."""
    from homeward.organisations.models import Authority

    Authority.objects.create(gss_code=OTHER, name="Far County Council", nation="england")
    first, second = FakePartner(), FakePartner(code=OTHER)
    first.add()
    second.add()
    return first, second


def test_the_national_analyst_reads_the_returns_and_nothing_of_a_child(world: World) -> None:
    analyst = world.user("national")
    assert permissions.is_national_analyst(analyst)
    assert permissions.can_read_national_returns(analyst)
    assert permissions.can_chase_national_returns(analyst)
    for check in (
        permissions.can_view_indicators,
        permissions.can_search_children,
        permissions.can_record_episode,
        permissions.can_view_pseudonymised,
        permissions.can_allocate,
    ):
        assert not check(analyst), check.__name__
    assert not permissions.can_chase_national_returns(world.user("coordinator"))
    assert not permissions.can_chase_national_returns(world.user("analyst"))


def test_a_deadline_is_set_after_the_year_and_set_again_with_its_history(
    world: World, national_body: None
) -> None:
    by = world.user("national")
    with pytest.raises(ValidationError, match="after the year ends"):
        national.deadline_set(by=by, period="2025-26", due_on=date(2026, 3, 31))
    with pytest.raises(ValidationError, match="by the end of 2027"):
        national.deadline_set(by=by, period="2025-26", due_on=date(2028, 1, 1))
    with pytest.raises(PermissionDenied):
        national.deadline_set(
            by=world.user("coordinator"), period="2025-26", due_on=date(2026, 7, 31)
        )
    national.deadline_set(by=by, period="2025-26", due_on=date(2026, 7, 31))
    national.deadline_set(by=by, period="2025-26", due_on=date(2026, 9, 30))
    assert national.deadlines()["2025-26"].due_on == date(2026, 9, 30)
    assert ReturnDeadline.objects.count() == 2  # the earlier kept


def test_only_a_national_body_sets_deadlines(world: World) -> None:
    with pytest.raises(ValidationError, match="does not collect"):
        national.deadline_set(by=world.user("national"), period="2025-26", due_on=date(2026, 7, 31))


def test_late_authorities_are_shown_and_only_those_without_a_return_reminded(
    world: World, national_body: None, partners: tuple[FakePartner, FakePartner]
) -> None:
    first, second = partners
    by = world.user("national")
    with pytest.raises(ValidationError, match="Set the deadline for 2025-26 first"):
        national.remind(by=by, period="2025-26")
    national.deadline_set(by=by, period="2025-26", due_on=date(2026, 7, 31))
    # The first authority sent its return after the deadline; the second none at all.
    late_day = timezone.make_aware(datetime(2026, 8, 3, 10, 0))
    with mock.patch("django.utils.timezone.now", return_value=late_day):
        from_partner(first, their_return(prepared=late_day))
    rows = {row.partner.code: row for row in national.awaited("2025-26")}
    assert rows[CODE].received is not None and rows[CODE].late
    assert rows[OTHER].received is None and rows[OTHER].late  # today is after 31 July 2026
    sent = national.remind(by=by, period="2025-26")
    assert [r.partner.code for r in sent] == [OTHER]
    message = OutboxMessage.objects.get(kind="return.reminder")
    assert message.partner.code == OTHER
    assert json.loads(message.payload) == {"period": "2025-26", "due_on": "2026-07-31"}
    again = {row.partner.code: row for row in national.awaited("2025-26")}
    assert again[OTHER].reminded == sent[0] and again[CODE].reminded is None
    services.outbox_deliver(pk=message.pk, post=second.post)
    assert second.received[0].kind == "return.reminder"


def test_an_authority_keeps_the_request_of_its_national_collection_only(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world.user("coordinator").email = "coordinator@fictional.example"
    world.user("coordinator").save()
    body = FakePartner(code=NATIONAL)
    services.partner_add(
        code=NATIONAL, url="https://national.example", jwks=body.jwks(),
        name="The national collection",
    )  # fmt: skip
    neighbour = FakePartner()
    neighbour.add()

    def reminder(sender: FakePartner, **payload: str) -> tuple[str, str]:
        envelope = ex.Envelope(
            ex.new_message_id(), "return.reminder", sender.code, "E10000099", "r",
            {"period": "2025-26", "due_on": "2026-07-31", **payload},
        )  # fmt: skip
        token = sender.seal(envelope, to=services.own_public_jwks(), at=timezone.now())
        return services.inbox_receive(token=token.encode())

    settings.HOMEWARD_NATIONAL_COLLECTION = NATIONAL
    with pytest.raises(ex.MessageError, match="does not send its annual return to you"):
        reminder(neighbour)
    with pytest.raises(ex.MessageError, match="not a financial year"):
        reminder(body, period="2025-27")
    with django_capture_on_commit_callbacks(execute=True):
        reminder(body)
    asked = ReturnAsked.objects.get()
    assert (asked.period, asked.due_on) == ("2025-26", date(2026, 7, 31))
    assert "annual return for 2025-26 by 31 July 2026" in mail.outbox[-1].body
    assert ReturnReminder.objects.count() == 0  # that is the national body's side


def test_the_pages_set_a_deadline_and_remind(
    world: World,
    national_body: None,
    partners: tuple[FakePartner, FakePartner],
) -> None:
    from tests.web.conftest import sign_in

    analyst = sign_in(Client(), world.user("national"))
    landing = analyst.get("/")
    assert landing["Location"] == "/national-collection/"
    page = analyst.get("/national-collection/").content.decode()
    assert "Set the deadline for a year" in page
    assert analyst.post("/national-collection/deadline", {}).status_code == 400
    done = analyst.post(
        "/national-collection/deadline",
        {"period": "2025-26", "due_on_day": "31", "due_on_month": "7", "due_on_year": "2026"},
    )
    assert done.status_code == 302
    page = analyst.get("/national-collection/").content.decode()
    assert "Asked by 31 July 2026" in page and "Overdue" in page
    remind = analyst.get("/national-collection/2025-26/remind").content.decode()
    assert "Neighbouring County Council (E10000097)" in remind and "Send 2 reminders" in remind
    assert analyst.post("/national-collection/2025-26/remind").status_code == 302
    assert ReturnReminder.objects.count() == 2
    assert "Reminded" in analyst.get("/national-collection/").content.decode()


def test_the_commands_set_a_deadline_and_remind(
    world: World, national_body: None, partners: tuple[FakePartner, FakePartner]
) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    call_command(
        "national_collection", "deadline", "2025-26", "2026-07-31", "--user", "national",
        stdout=out,
    )  # fmt: skip
    assert "asked by 2026-07-31" in out.getvalue()
    with pytest.raises(CommandError, match="like 2026-07-31"):
        call_command("national_collection", "deadline", "2025-26", "31/07/2026", "--user", "x")
    with pytest.raises(CommandError, match="no active user"):
        call_command("national_collection", "deadline", "2025-26", "2026-07-31", "--user", "x")
    out = StringIO()
    call_command("national_collection", "remind", "2025-26", stdout=out)  # from a timer
    assert f"Reminded for 2025-26: {OTHER}, {CODE}." in out.getvalue()
    assert ReturnReminder.objects.filter(sent_by__isnull=True).count() == 2
