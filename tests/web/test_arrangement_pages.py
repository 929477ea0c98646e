"""The return interview arrangement pages: the responsible authority's coordinator asks the
host to hold an interview from the interview's page (and withdraws the request); the host's
coordinator reads what was asked and answers, with an error message for each question."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from homeward.audit.models import AccessEvent
from homeward.cases.models import ReturnInterview
from homeward.exchange import services
from homeward.exchange.models import InterviewArrangement, OutboxMessage, PartnerNotice
from homeward.formats import exchange as ex
from homeward.organisations.models import Authority
from tests.exchange.partner import CODE, FakePartner
from tests.factories import World, make_child, make_episode, make_interview

A = InterviewArrangement
KEY = "7c3a4b1e-2a51-4f0e-9f77-2c1e5d9b8a60"


@pytest.fixture
def partner(world: World) -> FakePartner:
    partner = FakePartner()
    partner.add()
    return partner


def neighbour() -> Authority:
    return Authority.objects.get(gss_code=CODE)


# --- the responsible authority asks ----------------------------------------------------------


def test_a_coordinator_asks_the_host_from_the_interview_and_withdraws(
    world: World, partner: FakePartner, client_for: Callable[[str], Client]
) -> None:
    child = make_child(world, host_authority=neighbour())
    interview = make_interview(world, [make_episode(world, child)])
    coordinator = client_for("coordinator")
    page = coordinator.get(f"/interviews/{interview.pk}/").content.decode()
    assert "Ask Neighbouring County Council to hold this interview" in page

    ask = f"/interviews/{interview.pk}/ask-host-authority/"
    form = coordinator.get(ask)
    assert form.status_code == 200
    assert "Ask Neighbouring County Council to hold the return interview" in form.content.decode()
    too_long = coordinator.post(ask, {"note": "x" * 2001})
    assert too_long.status_code == 400
    assert "The note must be 2,000 characters or fewer" in too_long.content.decode()
    assert not A.objects.exists()

    sent = coordinator.post(ask, {"note": "Meet at school."})
    assert sent.status_code == 302 and sent["Location"] == f"/interviews/{interview.pk}/"
    (message,) = OutboxMessage.objects.filter(kind="interview.request")
    assert json.loads(message.payload)["interview"]["note"] == "Meet at school."
    page = coordinator.get(f"/interviews/{interview.pk}/").content.decode()
    assert "Neighbouring County Council was asked to hold it" in page
    register = coordinator.get("/placed-elsewhere/").content.decode()
    assert (
        f"Neighbouring County Council&#x27;s answer: asked to hold interview {interview.reference}"
        in register
    )
    assert "Overdue" not in register  # due 72 hours after the return, still ahead
    assert "waiting for an answer" in page
    assert "Ask Neighbouring County Council" not in page  # asked once

    withdrawn = coordinator.post(ask, {"action": "withdraw"})
    assert withdrawn.status_code == 302
    assert A.objects.get().state == A.State.WITHDRAWN
    assert OutboxMessage.objects.filter(kind="interview.request").count() == 2


def test_workers_do_not_ask_and_a_child_at_home_has_no_host_to_ask(
    world: World, partner: FakePartner, client_for: Callable[[str], Client]
) -> None:
    placed = make_interview(
        world, [make_episode(world, make_child(world, host_authority=neighbour()))]
    )
    assert client_for("worker").post(
        f"/interviews/{placed.pk}/ask-host-authority/", {"note": ""}
    ).status_code == 403  # fmt: skip
    at_home = make_interview(world, [make_episode(world, make_child(world, first_name="Alex"))])
    coordinator = client_for("coordinator")
    page = coordinator.get(f"/interviews/{at_home.pk}/").content.decode()
    assert '<h3 class="govuk-heading-s">Across the boundary</h3>' not in page
    url = f"/interviews/{at_home.pk}/ask-host-authority/"
    assert "not placed by this authority" in coordinator.get(url).content.decode()
    refused = coordinator.post(url, {"note": ""})
    assert refused.status_code == 400
    assert "not placed by this authority" in refused.content.decode()
    assert not A.objects.exists()


# --- the host answers ------------------------------------------------------------------------


def request(partner: FakePartner, *, due_in: timedelta = timedelta(hours=30)) -> A:
    payload = {
        "event": "request",
        "arrangement": KEY,
        "responsible_authority": CODE,
        "host_authority": "E10000099",
        "child": {
            "reference": "LM-C-1",
            "given_names": "Robin",
            "family_name": "Hosted",
            "date_of_birth": "2012-02-03",
        },
        "interview": {
            "reference": "LM-RI-4",
            "due_at": (timezone.now() + due_in).isoformat(),
            "note": "Robin would rather meet at school.",
        },
    }
    envelope = ex.Envelope(
        ex.new_message_id(), "interview.request", CODE, "E10000099", "r", payload
    )
    token = partner.seal(envelope, to=services.own_public_jwks(), at=timezone.now())
    services.inbox_receive(token=token.encode())
    return A.objects.get()


def test_the_host_says_who_the_child_is_then_answers_each_question_checked(
    world: World, partner: FakePartner, client_for: Callable[[str], Client]
) -> None:
    arrangement = request(partner)
    coordinator = client_for("coordinator")
    listing = coordinator.get("/interviews-asked-of-us/").content.decode()
    assert "Say who the child is, then answer" in listing
    page = coordinator.get(f"/interviews-asked-of-us/{arrangement.pk}/").content.decode()
    assert "Robin would rather meet at school." in page and "LM-RI-4" in page
    assert "record the request&#x27;s notice" in page or "record the request's notice" in page
    assert AccessEvent.objects.filter(what__startswith=f"request {arrangement.pk}").exists()

    # Recording the notice (a new child here) leads straight to the answer.
    notice = PartnerNotice.objects.get()
    notice_page = coordinator.get(f"/partner-notices/{notice.pk}").content.decode()
    assert "The return interview they ask us to hold" in notice_page
    recorded = coordinator.post(f"/partner-notices/{notice.pk}", {"child": "new"})
    assert recorded["Location"] == f"/interviews-asked-of-us/{arrangement.pk}/"

    url = f"/interviews-asked-of-us/{arrangement.pk}/"
    nothing = coordinator.post(url, {})
    assert nothing.status_code == 400
    assert "Select whether this authority will hold the interview" in nothing.content.decode()
    no_team = coordinator.post(url, {"answer": "accept"})
    assert "Select who will hold the interview" in no_team.content.decode()
    no_reason = coordinator.post(url, {"answer": "decline"})
    assert "Say why this authority will not hold the interview" in no_reason.content.decode()
    assert A.objects.get().state == A.State.REQUESTED

    accepted = coordinator.post(url, {"answer": "accept", "organisation": str(world.team.pk)})
    interview = ReturnInterview.objects.get()
    assert accepted.status_code == 302
    assert accepted["Location"] == f"/interviews/{interview.pk}/"
    assert interview.held_for_authority == CODE
    page = coordinator.get(f"/interviews/{interview.pk}/").content.decode()
    assert "Held here for Neighbouring County Council" in page
    listing = coordinator.get("/interviews-asked-of-us/").content.decode()
    assert interview.reference in listing and "Accepted" in listing


def test_workers_do_not_see_requests(
    world: World, partner: FakePartner, client_for: Callable[[str], Client]
) -> None:
    arrangement = request(partner)
    worker = client_for("worker")
    assert worker.get("/interviews-asked-of-us/").status_code == 403
    url = f"/interviews-asked-of-us/{arrangement.pk}/"
    assert worker.post(url, {"answer": "decline", "reason": "no"}).status_code == 403
    assert A.objects.get().state == A.State.REQUESTED


def test_the_indicators_page_shows_interviews_held_for_other_authorities_as_not_counted(
    world: World, partner: FakePartner, client_for: Callable[[str], Client]
) -> None:
    child = make_child(world, host_authority=neighbour(), first_name="Sam")
    counted = make_interview(world, [make_episode(world, child)])
    arrangement = request(partner)
    coordinator = client_for("coordinator")
    coordinator.post(f"/partner-notices/{PartnerNotice.objects.get().pk}", {"child": "new"})
    coordinator.post(
        f"/interviews-asked-of-us/{arrangement.pk}/",
        {"answer": "accept", "organisation": str(world.team.pk)},
    )
    page = client_for("manager").get("/indicators/").content.decode()
    assert 'id="across-the-boundary"' in page
    assert "not counted here" in page and "Neighbouring County Council (1)" in page
    assert counted.held_by_authority == ""


def test_the_host_register_shows_an_overdue_answer(
    world: World, partner: FakePartner, client_for: Callable[[str], Client]
) -> None:
    arrangement = request(partner, due_in=-timedelta(hours=2))
    coordinator = client_for("coordinator")
    coordinator.post(f"/partner-notices/{PartnerNotice.objects.get().pk}", {"child": "new"})
    register = coordinator.get("/placed-here/").content.decode()
    assert "Our answer to Neighbouring County Council: will we hold their interview?" in register
    assert "Overdue" in register
    coordinator.post(
        f"/interviews-asked-of-us/{arrangement.pk}/",
        {"answer": "accept", "organisation": str(world.team.pk)},
    )
    interview = ReturnInterview.objects.get()
    register = coordinator.get("/placed-here/").content.decode()
    assert f"Interview {interview.reference}, held here for Neighbouring County Council" in register


def test_a_withdrawal_with_nothing_to_withdraw_sends_nothing(
    world: World, partner: FakePartner, client_for: Callable[[str], Client]
) -> None:
    """The host declined while the page was open: "Withdraw" must not send a new request."""
    child = make_child(world, host_authority=neighbour())
    interview = make_interview(world, [make_episode(world, child)])
    refused = client_for("coordinator").post(
        f"/interviews/{interview.pk}/ask-host-authority/", {"action": "withdraw"}
    )
    assert refused.status_code == 400
    assert "There is no open request to withdraw" in refused.content.decode()
    assert not OutboxMessage.objects.filter(kind="interview.request").exists()
    assert not A.objects.exists()


def test_the_host_gives_back_an_accepted_request_from_its_page(
    world: World, partner: FakePartner, client_for: Callable[[str], Client]
) -> None:
    arrangement = request(partner)
    coordinator = client_for("coordinator")
    coordinator.post(f"/partner-notices/{PartnerNotice.objects.get().pk}", {"child": "new"})
    url = f"/interviews-asked-of-us/{arrangement.pk}/"
    coordinator.post(url, {"answer": "accept", "organisation": str(world.team.pk)})
    page = coordinator.get(url).content.decode()
    assert "Cannot hold it after all?" in page
    refused = coordinator.post(url, {"action": "give_back", "reason": ""})
    assert refused.status_code == 400
    assert "Say why this authority cannot hold it" in refused.content.decode()
    done = coordinator.post(url, {"action": "give_back", "reason": "The child moved on"})
    assert done.status_code == 302
    assert A.objects.get().state == A.State.GIVEN_BACK
    assert client_for("worker").post(url, {"action": "give_back", "reason": "x"}).status_code == 403
