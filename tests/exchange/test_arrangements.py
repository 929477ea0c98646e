"""Return interview arrangements: the responsible authority asks the host to hold the
interview, the host accepts or declines, and the outcome it signs off becomes the
responsible authority's record, counted once, by the responsible authority."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from homeward.cases import codes, indicator_tables
from homeward.cases import services as case_services
from homeward.cases.models import Child, Offer, ReturnInterview
from homeward.cases.status import InterviewStatus, interview_status
from homeward.exchange import arrangements, notices, services
from homeward.exchange.models import InterviewArrangement, OutboxMessage, PartnerNotice
from homeward.formats import exchange as ex
from homeward.organisations.models import Authority
from tests.exchange.partner import CODE, FakePartner
from tests.factories import World, make_child, make_episode, make_interview

pytestmark = pytest.mark.django_db

HOME = "E10000099"
A = InterviewArrangement


def neighbour() -> Authority:
    return Authority.objects.get(gss_code=CODE)


def sent(kind: str) -> list[dict[str, Any]]:
    return [json.loads(m.payload) for m in OutboxMessage.objects.filter(kind=kind).order_by("pk")]


def from_partner(partner: FakePartner, kind: str, payload: dict[str, Any]) -> tuple[str, str]:
    envelope = ex.Envelope(ex.new_message_id(), kind, CODE, HOME, "a reason", payload)
    token = partner.seal(envelope, to=services.own_public_jwks(), at=timezone.now())
    return services.inbox_receive(token=token.encode())


# --- the responsible authority ---------------------------------------------------------------


def open_interview_placed_there(world: World) -> ReturnInterview:
    """An open interview of a child this authority placed in the partner's area."""
    child = make_child(world, host_authority=neighbour())
    Child.objects.filter(pk=child.pk).update(person_id="LCS-77", nhs_number="9434765919")
    child.refresh_from_db()
    return make_interview(world, [make_episode(world, child)])


def close_here(world: World, interview: ReturnInterview) -> None:
    """The child declined the interview this authority offered."""
    worker = world.user("worker")
    case_services.interview_record_offer(
        by=worker,
        interview=interview,
        offered_at=timezone.now() - timedelta(hours=1),
        offered_to="child",
        method="phone",
    )
    case_services.interview_record_decline(
        by=worker,
        interview=interview,
        declined_by="child",
        reason="Not today",
        reason_code="not_wanted",
    )
    interview.refresh_from_db()


def asked(world: World, partner: FakePartner) -> InterviewArrangement:
    interview = open_interview_placed_there(world)
    return arrangements.request_send(
        by=world.user("coordinator"), interview=interview, note="Prefers to meet at school."
    )


def test_the_responsible_authority_asks_the_host_with_its_clock(
    world: World, partner: FakePartner
) -> None:
    arrangement = asked(world, partner)
    interview = arrangement.interview
    assert interview is not None and interview.due_at is not None

    (payload,) = sent("interview.request")
    assert payload["event"] == "request"
    assert payload["arrangement"] == str(arrangement.arrangement)
    assert (payload["responsible_authority"], payload["host_authority"]) == (HOME, CODE)
    assert payload["child"]["responsible_person_id"] == "LCS-77"
    assert payload["child"]["nhs_number"] == "9434765919"
    assert payload["interview"]["reference"] == interview.reference
    due = payload["interview"]["due_at"]
    assert due is not None and ex.datetime.fromisoformat(due) == interview.due_at
    assert payload["interview"]["note"] == "Prefers to meet at school."
    assert arrangement.state == A.State.REQUESTED
    # Asked once: a second request while this one is open is refused.
    with pytest.raises(ValidationError, match="asked already"):
        arrangements.request_send(by=world.user("coordinator"), interview=interview)


def test_only_an_open_interview_of_a_child_placed_with_a_partner_is_asked_about(
    world: World, partner: FakePartner
) -> None:
    at_home = make_interview(world, [make_episode(world, make_child(world))])
    with pytest.raises(ValidationError, match="not placed by this authority"):
        arrangements.request_send(by=world.user("coordinator"), interview=at_home)
    interview = open_interview_placed_there(world)
    with pytest.raises(PermissionDenied):
        arrangements.request_send(by=world.user("worker"), interview=interview)
    close_here(world, interview)
    with pytest.raises(ValidationError, match="closed"):
        arrangements.request_send(by=world.user("coordinator"), interview=interview)
    assert sent("interview.request") == []


def test_the_hosts_answer_is_kept_and_the_coordinators_told(
    world: World, partner: FakePartner, django_capture_on_commit_callbacks: Any
) -> None:
    arrangement = asked(world, partner)
    with django_capture_on_commit_callbacks(execute=True):
        status, _receipt = from_partner(
            partner,
            "interview.answer",
            {
                "arrangement": str(arrangement.arrangement),
                "answer": "accepted",
                "conducted_by": "Lowmarsh Return Interview Service",
                "reference": "LM-RI-5",
            },
        )
    assert status == "accepted"
    arrangement.refresh_from_db()
    assert arrangement.state == A.State.ACCEPTED
    assert arrangement.their_interview_reference == "LM-RI-5"
    (email,) = mail.outbox
    assert "will hold the return interview" in email.body
    assert arrangement.interview is not None and arrangement.interview.reference in email.body

    # Answered once: the same answer in another message is refused, nothing changed.
    with pytest.raises(ex.MessageError, match="answered already"):
        from_partner(
            partner,
            "interview.answer",
            {"arrangement": str(arrangement.arrangement), "answer": "declined", "reason": "x"},
        )
    arrangement.refresh_from_db()
    assert arrangement.state == A.State.ACCEPTED


def test_an_answer_to_a_request_never_made_is_refused(world: World, partner: FakePartner) -> None:
    with pytest.raises(ex.MessageError, match="no such request"):
        from_partner(
            partner,
            "interview.answer",
            {"arrangement": "0b6ef1a6-5f7a-4a43-9d41-2a8f4d1a0c11", "answer": "accepted"},
        )


def outcome(arrangement: InterviewArrangement, **changes: Any) -> dict[str, Any]:
    held = timezone.now() - timedelta(hours=2)
    part: dict[str, Any] = {
        "reference": "LM-RI-5",
        "outcome": "held",
        "offered_at": (held - timedelta(hours=20)).isoformat(),
        "offered_to": "child",
        "offer_method": "phone",
        "held_at": held.isoformat(),
        "held_where": "At school",
        "interviewer_independent": True,
        "conducted_by": "Lowmarsh Return Interview Service",
        "signed_off_at": timezone.now().isoformat(),
        "write_up": {
            "push_factors": "Arguments at the placement.",
            "whereabouts": "With an older friend in town.",
            "harms": ["criminal_exploitation"],
            "child_words": "I just needed space.",
            "follow_up_offered": True,
            "places": ["Flat above the takeaway, ZZ9 9ZZ, most nights"],
        },
    }
    part.update(changes)
    return {"arrangement": str(arrangement.arrangement), "interview": part}


def test_the_outcome_becomes_our_record_counted_once_here_with_the_host_shown(
    world: World, partner: FakePartner
) -> None:
    arrangement = asked(world, partner)
    from_partner(
        partner,
        "interview.answer",
        {"arrangement": str(arrangement.arrangement), "answer": "accepted"},
    )
    payload = outcome(arrangement)
    assert from_partner(partner, "interview.outcome", payload)[0] == "accepted"

    interview = ReturnInterview.objects.get(pk=arrangement.interview_id)
    held = ex.datetime.fromisoformat(payload["interview"]["held_at"])
    assert interview.held_at == held and interview.outcome == codes.Outcome.ACCEPTED
    assert interview.held_by_authority == CODE and interview.held_for_authority == ""
    assert interview.child_words == "I just needed space."
    assert interview.harms == ["criminal_exploitation"]
    assert [p.description for p in interview.places.all()] == [
        "Flat above the takeaway, ZZ9 9ZZ, most nights"
    ]
    (offer,) = Offer.objects.filter(interview=interview)
    assert offer.method == "phone"
    # A manager here reads it and signs it off, as any interview.
    assert interview_status(interview) == InterviewStatus.AWAITING_SIGN_OFF
    arrangement.refresh_from_db()
    assert (arrangement.state, arrangement.outcome_applied) == (A.State.DONE, True)

    # Counted here, once, as held; the host that held it is in the interviews table.
    episodes, interviews = indicator_tables.contract_tables()
    assert interviews["rhi_id"].to_list() == [interview.reference]
    assert interviews["completed_at"].null_count() == 0
    assert interviews["held_by_authority"].to_list() == [CODE]
    assert episodes["rhi_id"].to_list() == [interview.reference]

    across = indicator_tables.across_the_boundary()
    assert across.held_for_us == [("Neighbouring County Council", 1)]
    assert across.held_for_others == []

    with pytest.raises(ex.MessageError, match="sent already"):
        from_partner(partner, "interview.outcome", payload)


def test_an_outcome_with_codes_this_instance_does_not_know_is_refused_whole(
    world: World, partner: FakePartner
) -> None:
    arrangement = asked(world, partner)
    payload = outcome(arrangement)
    payload["interview"]["write_up"]["harms"] = ["not_a_harm"]
    with pytest.raises(ex.MessageError, match="does not know"):
        from_partner(partner, "interview.outcome", payload)
    bad_held = outcome(arrangement, outcome="declined", declined_by="child")
    with pytest.raises(ex.MessageError, match="held gives when"):
        from_partner(partner, "interview.outcome", bad_held)
    interview = ReturnInterview.objects.get(pk=arrangement.interview_id)
    assert interview.held_at is None and interview.places.count() == 0
    assert Offer.objects.count() == 0
    arrangement.refresh_from_db()
    assert arrangement.outcome_at is None


def test_an_outcome_for_an_interview_closed_here_changes_nothing_and_says_so(
    world: World, partner: FakePartner, django_capture_on_commit_callbacks: Any
) -> None:
    arrangement = asked(world, partner)
    interview = arrangement.interview
    assert interview is not None
    close_here(world, interview)
    with django_capture_on_commit_callbacks(execute=True):
        from_partner(partner, "interview.outcome", outcome(arrangement))
    interview.refresh_from_db()
    assert interview.outcome == codes.Outcome.DECLINED and interview.held_at is None
    arrangement.refresh_from_db()
    assert arrangement.outcome_applied is False and arrangement.outcome_at is not None
    (email,) = mail.outbox
    assert "closed already" in email.body and "just needed space" not in email.body


def test_a_request_is_withdrawn_and_the_host_told(world: World, partner: FakePartner) -> None:
    arrangement = asked(world, partner)
    arrangements.request_withdraw(by=world.user("coordinator"), arrangement=arrangement)
    arrangement.refresh_from_db()
    assert arrangement.state == A.State.WITHDRAWN
    assert [p["event"] for p in sent("interview.request")] == ["request", "withdraw"]
    # The interview may be asked about again.
    assert arrangement.interview is not None
    assert arrangements.why_not_ask(arrangement.interview) == ""


# --- the host ---------------------------------------------------------------------------------


def placed_here(world: World) -> Child:
    child = make_child(world, responsible_authority=neighbour(), host_authority=world.authority)
    Child.objects.filter(pk=child.pk).update(nhs_number="9434765919")
    child.refresh_from_db()
    return child


def request_from(partner: FakePartner, *, key: str, **interview: Any) -> tuple[str, str]:
    due = timezone.now() + timedelta(hours=30)
    return from_partner(
        partner,
        "interview.request",
        {
            "event": "request",
            "arrangement": key,
            "responsible_authority": CODE,
            "host_authority": HOME,
            "child": {
                "reference": "LM-C-1",
                "given_names": "Jordan",
                "family_name": "Example",
                "date_of_birth": "2011-05-14",
                "nhs_number": "9434765919",
            },
            "interview": {
                "reference": "LM-RI-9",
                "due_at": due.isoformat(),
                "due_rule": "72 hours from the return",
                **interview,
            },
        },
    )


KEY = "5d0f7f0e-3c55-4d55-bf0a-1f3c6f7b2a10"


def test_the_host_keeps_a_request_for_a_person_linked_by_identifiers(
    world: World, partner: FakePartner, django_capture_on_commit_callbacks: Any
) -> None:
    child = placed_here(world)
    with django_capture_on_commit_callbacks(execute=True):
        assert request_from(partner, key=KEY)[0] == "accepted"
    arrangement = A.objects.get()
    assert (arrangement.role, arrangement.state) == (A.Role.ASKED_OF_US, A.State.REQUESTED)
    assert arrangement.child_id == child.pk  # the same NHS number and date of birth
    assert arrangement.notice is not None and arrangement.notice.kind == "interview.request"
    assert arrangement.their_interview_reference == "LM-RI-9"
    (email,) = mail.outbox
    assert "hold the return interview" in email.body and "Jordan" not in email.body
    with pytest.raises(ex.MessageError, match="made already"):
        request_from(partner, key=KEY)


def test_a_request_about_a_child_not_placed_by_the_sender_is_refused(
    world: World, partner: FakePartner
) -> None:
    with pytest.raises(ex.MessageError, match="not the host authority"):
        from_partner(
            partner,
            "interview.request",
            {
                "event": "request",
                "arrangement": KEY,
                "responsible_authority": CODE,
                "host_authority": "E10000011",
                "child": {"reference": "X", "given_names": "A", "family_name": "B"},
                "interview": {"reference": "LM-RI-9"},
            },
        )
    assert A.objects.count() == 0 and PartnerNotice.objects.count() == 0


def test_accepting_opens_an_interview_held_for_them_on_their_clock_and_not_counted_here(
    world: World, partner: FakePartner
) -> None:
    child = placed_here(world)
    request_from(partner, key=KEY)
    arrangement = A.objects.get()
    with pytest.raises(PermissionDenied):
        arrangements.request_answer(
            by=world.user("worker"), arrangement=arrangement, accept=True, organisation=world.team
        )
    with pytest.raises(ValidationError, match="Choose who"):
        arrangements.request_answer(
            by=world.user("coordinator"), arrangement=arrangement, accept=True
        )

    answered = arrangements.request_answer(
        by=world.user("coordinator"), arrangement=arrangement, accept=True, organisation=world.team
    )
    interview = answered.interview
    assert interview is not None and interview.child_id == child.pk
    assert interview.held_for_authority == CODE
    assert interview.due_at == arrangement.due_at and "clock" in interview.due_rule
    (answer,) = sent("interview.answer")
    assert answer == {
        "arrangement": KEY,
        "answer": "accepted",
        "conducted_by": world.team.name,
        "reference": interview.reference,
    }
    with pytest.raises(ValidationError, match="accepted already"):
        arrangements.request_answer(
            by=world.user("coordinator"), arrangement=arrangement, accept=False, reason="No"
        )

    # Held and signed off here: the outcome goes back, and the host counts none of it.
    worker = world.user("worker")
    ReturnInterview.objects.filter(pk=interview.pk).update(allocated_worker=worker)
    interview.refresh_from_db()
    case_services.interview_record_offer(
        by=worker,
        interview=interview,
        offered_at=timezone.now() - timedelta(hours=3),
        offered_to="child",
        method="phone",
    )
    case_services.interview_write_up(
        by=worker,
        interview=interview,
        write_up=case_services.WriteUp(
            held_at=timezone.now() - timedelta(hours=1),
            held_where="At the placement",
            child_words="I was at a friend's.",
            harms=("criminal_exploitation",),
        ),
        expected_version=ReturnInterview.objects.get(pk=interview.pk).version,
    )
    case_services.interview_submit_for_sign_off(by=worker, interview=interview)
    case_services.interview_sign_off(by=world.user("manager"), interview=interview)

    (result,) = sent("interview.outcome")
    assert result["arrangement"] == KEY
    assert result["interview"]["outcome"] == "held"
    assert result["interview"]["reference"] == interview.reference
    assert result["interview"]["offer_method"] == "phone"
    assert result["interview"]["write_up"]["child_words"] == "I was at a friend's."
    arrangement.refresh_from_db()
    assert arrangement.state == A.State.DONE
    episodes, interviews = indicator_tables.contract_tables()
    assert interviews.height == 0 and episodes.height == 0
    across = indicator_tables.across_the_boundary()
    assert across.held_for_others == [("Neighbouring County Council", 1)]
    assert across.held_for_us == []


def test_accepting_takes_the_interview_already_open_for_the_hosts_own_episode(
    world: World, partner: FakePartner
) -> None:
    child = placed_here(world)
    episode = make_episode(world, child)
    ours = make_interview(world, [episode])
    request_from(partner, key=KEY, host_episodes=[episode.reference])
    answered = arrangements.request_answer(
        by=world.user("coordinator"),
        arrangement=A.objects.get(),
        accept=True,
        organisation=world.team,
        take_open=True,
    )
    assert answered.interview_id == ours.pk
    assert ReturnInterview.objects.count() == 1
    ours.refresh_from_db()
    assert ours.held_for_authority == CODE
    # Its episode and interview are the responsible authority's to count.
    episodes, _ = indicator_tables.contract_tables()
    assert episodes.height == 0


def test_declining_needs_a_reason_that_goes_back(world: World, partner: FakePartner) -> None:
    placed_here(world)
    request_from(partner, key=KEY)
    arrangement = A.objects.get()
    with pytest.raises(ValidationError, match="Say why"):
        arrangements.request_answer(
            by=world.user("coordinator"), arrangement=arrangement, accept=False, reason="  "
        )
    arrangements.request_answer(
        by=world.user("coordinator"),
        arrangement=arrangement,
        accept=False,
        reason="No worker free this week",
    )
    assert sent("interview.answer") == [
        {"arrangement": KEY, "answer": "declined", "reason": "No worker free this week"}
    ]
    assert ReturnInterview.objects.count() == 0


def test_a_request_for_a_child_not_yet_known_waits_for_a_person(
    world: World, partner: FakePartner
) -> None:
    request_from(partner, key=KEY)
    arrangement = A.objects.get()
    assert arrangement.child is None
    with pytest.raises(ValidationError, match="which child"):
        arrangements.request_answer(
            by=world.user("coordinator"),
            arrangement=arrangement,
            accept=True,
            organisation=world.team,
        )
    child = notices.notice_new_child(by=world.user("coordinator"), notice=arrangement.notice)
    notices.notice_record(by=world.user("coordinator"), notice=arrangement.notice, child=child)
    arrangement.refresh_from_db()
    assert arrangement.child_id == child.pk
    assert child.responsible_authority.gss_code == CODE


def test_a_withdrawn_request_is_marked_and_the_coordinators_told(
    world: World, partner: FakePartner, django_capture_on_commit_callbacks: Any
) -> None:
    placed_here(world)
    request_from(partner, key=KEY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        from_partner(
            partner,
            "interview.request",
            {
                "event": "withdraw",
                "arrangement": KEY,
                "responsible_authority": CODE,
                "host_authority": HOME,
                "child": {"reference": "LM-C-1", "given_names": "J", "family_name": "E"},
                "interview": {"reference": "LM-RI-9"},
            },
        )
    assert A.objects.get().state == A.State.WITHDRAWN
    (email,) = mail.outbox
    assert "no longer asks" in email.body


# --- a review's findings: a partner's messages touch only what the arrangement is about ------


@pytest.mark.parametrize("how", ["withdrawn", "declined"])
def test_an_outcome_for_a_request_withdrawn_or_declined_changes_nothing(
    world: World, partner: FakePartner, how: str
) -> None:
    arrangement = asked(world, partner)
    if how == "withdrawn":
        arrangements.request_withdraw(by=world.user("coordinator"), arrangement=arrangement)
    else:
        from_partner(
            partner,
            "interview.answer",
            {"arrangement": str(arrangement.arrangement), "answer": "declined", "reason": "no"},
        )
    from_partner(partner, "interview.outcome", outcome(arrangement))
    interview = ReturnInterview.objects.get(pk=arrangement.interview_id)
    assert not interview.child_words and interview.held_by_authority == ""
    assert interview.held_at is None and Offer.objects.count() == 0
    arrangement.refresh_from_db()
    assert arrangement.outcome_applied is False and arrangement.state == how


def test_an_outcome_before_its_answer_stands_for_the_acceptance(
    world: World, partner: FakePartner
) -> None:
    """The host's answer and its outcome travel separately: the outcome may come first."""
    arrangement = asked(world, partner)
    from_partner(partner, "interview.outcome", outcome(arrangement))
    arrangement.refresh_from_db()
    assert (arrangement.state, arrangement.outcome_applied) == (A.State.DONE, True)
    # The answer, arriving late, is kept and changes nothing more.
    from_partner(
        partner,
        "interview.answer",
        {"arrangement": str(arrangement.arrangement), "answer": "accepted", "reference": "R1"},
    )
    arrangement.refresh_from_db()
    assert arrangement.state == A.State.DONE


def test_an_answer_is_taken_once_even_after_a_withdrawal(
    world: World, partner: FakePartner
) -> None:
    arrangement = asked(world, partner)
    arrangements.request_withdraw(by=world.user("coordinator"), arrangement=arrangement)
    answer = {"arrangement": str(arrangement.arrangement), "answer": "accepted", "reference": "R1"}
    from_partner(partner, "interview.answer", answer)
    with pytest.raises(ex.MessageError, match="answered already"):
        from_partner(partner, "interview.answer", {**answer, "reference": "R2"})
    arrangement.refresh_from_db()
    assert arrangement.state == A.State.WITHDRAWN
    assert arrangement.their_interview_reference == "R1"


def test_a_request_never_reaches_our_own_child_or_our_interview(
    world: World, partner: FakePartner
) -> None:
    """Our child placed in the partner's area, whose episode reference the partner knows
    from our missing notice: a request naming them links to no one, and accepting it
    cannot take our interview."""
    ours = open_interview_placed_there(world)
    episode = ours.episodes.get()
    request_from(partner, key=KEY, host_episodes=[episode.reference])
    arrangement = A.objects.get()
    assert arrangement.child is None  # same NHS number and birthday: still not linked
    # Even if a person chose our child, it is not the partner's to ask about.
    notice = arrangement.notice
    assert notice is not None
    with pytest.raises(ValidationError, match="not a child"):
        notices.notice_record(by=world.user("coordinator"), notice=notice, child=ours.child)
    A.objects.filter(pk=arrangement.pk).update(child=ours.child)
    arrangement.refresh_from_db()
    with pytest.raises(ValidationError, match="not a child"):
        arrangements.request_answer(
            by=world.user("coordinator"),
            arrangement=arrangement,
            accept=True,
            organisation=world.team,
        )
    ours.refresh_from_db()
    assert ours.held_for_authority == ""


def test_accepting_an_interview_already_open_here_needs_saying_so(
    world: World, partner: FakePartner
) -> None:
    child = placed_here(world)
    episode = make_episode(world, child)
    ours = make_interview(world, [episode])  # the team's worker has it
    request_from(partner, key=KEY, host_episodes=[episode.reference])
    arrangement = A.objects.get()
    assert arrangements.open_here(arrangement) == ours
    with pytest.raises(ValidationError, match=f"{ours.reference} is already open here"):
        arrangements.request_answer(
            by=world.user("coordinator"),
            arrangement=arrangement,
            accept=True,
            organisation=world.provider,
        )
    arrangements.request_answer(
        by=world.user("coordinator"),
        arrangement=arrangement,
        accept=True,
        organisation=world.provider,
        take_open=True,
    )
    ours.refresh_from_db()
    # Given to the provider: the team's worker is no longer on it.
    assert ours.allocated_organisation == world.provider and ours.allocated_worker is None
    assert ours.held_for_authority == CODE


def test_a_withdrawal_after_acceptance_gives_the_interview_back_to_our_own_clock(
    world: World, partner: FakePartner
) -> None:
    child = placed_here(world)
    episode = make_episode(world, child)
    ours = make_interview(world, [episode])
    own_due = ours.due_at
    request_from(partner, key=KEY, host_episodes=[episode.reference])
    arrangements.request_answer(
        by=world.user("coordinator"),
        arrangement=A.objects.get(),
        accept=True,
        organisation=world.team,
        take_open=True,
    )
    from_partner(
        partner,
        "interview.request",
        {
            "event": "withdraw",
            "arrangement": KEY,
            "responsible_authority": CODE,
            "host_authority": HOME,
            "child": {"reference": "LM-C-1", "given_names": "J", "family_name": "E"},
            "interview": {"reference": "LM-RI-9"},
        },
    )
    ours.refresh_from_db()
    assert ours.held_for_authority == "" and ours.due_at == own_due
    episodes, _ = indicator_tables.contract_tables()
    assert episodes.height == 1  # ours to count again


def test_the_host_signs_off_even_when_the_outcome_cannot_go(
    world: World, partner: FakePartner, django_capture_on_commit_callbacks: Any
) -> None:
    placed_here(world)
    request_from(partner, key=KEY)
    answered = arrangements.request_answer(
        by=world.user("coordinator"),
        arrangement=A.objects.get(),
        accept=True,
        organisation=world.team,
    )
    interview = answered.interview
    assert interview is not None
    worker = world.user("worker")
    ReturnInterview.objects.filter(pk=interview.pk).update(allocated_worker=worker)
    interview.refresh_from_db()
    case_services.interview_write_up(
        by=worker,
        interview=interview,
        write_up=case_services.WriteUp(
            held_at=timezone.now() - timedelta(hours=1), child_words="w" * 30000
        ),
        expected_version=interview.version,
    )
    case_services.interview_submit_for_sign_off(by=worker, interview=interview)
    services.partner_remove(code=CODE)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_services.interview_sign_off(by=world.user("manager"), interview=interview)
    interview.refresh_from_db()
    assert interview.signed_off_at is not None
    assert sent("interview.outcome") == []
    (email,) = mail.outbox
    assert "could not be sent" in email.body and "www" not in email.body


def test_the_outcome_is_cut_to_what_the_exchange_carries(
    world: World, partner: FakePartner
) -> None:
    placed_here(world)
    request_from(partner, key=KEY)
    interview = arrangements.request_answer(
        by=world.user("coordinator"),
        arrangement=A.objects.get(),
        accept=True,
        organisation=world.team,
    ).interview
    assert interview is not None
    ReturnInterview.objects.filter(pk=interview.pk).update(
        held_at=timezone.now(),
        signed_off_at=timezone.now(),
        outcome="accepted",
        child_words="w" * 30000,
        held_where="h" * 200,
    )
    interview.refresh_from_db()
    payload = arrangements.outcome_payload(interview=interview, arrangement=A.objects.get())
    ex.check_payload("interview.outcome", payload)  # within every limit
    assert len(payload["interview"]["write_up"]["child_words"]) == 20000


@pytest.mark.parametrize(
    "change",
    [
        {"held_where": None},
        {"offered_to": None, "offer_method": "phone"},
        {"write_up": None},
    ],
)
def test_an_outcome_with_nulls_is_taken_as_not_given(
    world: World, partner: FakePartner, change: dict[str, Any]
) -> None:
    arrangement = asked(world, partner)
    from_partner(
        partner,
        "interview.answer",
        {"arrangement": str(arrangement.arrangement), "answer": "accepted"},
    )
    payload = outcome(arrangement)
    payload["interview"].update(change)
    assert from_partner(partner, "interview.outcome", payload)[0] == "accepted"
    interview = ReturnInterview.objects.get(pk=arrangement.interview_id)
    assert interview.held_at is not None


def test_a_request_while_the_child_is_still_away_waits_for_the_clock(
    world: World, partner: FakePartner
) -> None:
    child = make_child(world, host_authority=neighbour())
    away = make_interview(world, [make_episode(world, child, returned_after=None)])
    assert away.due_at is None
    with pytest.raises(ValidationError, match="still away"):
        arrangements.request_send(by=world.user("coordinator"), interview=away)


def test_the_outcome_received_is_in_the_access_log_with_the_child(
    world: World, partner: FakePartner
) -> None:
    from homeward.audit.models import AccessEvent

    arrangement = asked(world, partner)
    from_partner(partner, "interview.outcome", outcome(arrangement))
    event = AccessEvent.objects.get(action="receive", what__startswith="message interview.outcome")
    assert event.child_id == arrangement.child_id is not None


# --- the host reopens and signs off again: the outcome goes again, as a revision ------------


def test_the_host_sends_a_revised_outcome_when_it_signs_off_again(
    world: World, partner: FakePartner
) -> None:
    from homeward.cases import corrections

    placed_here(world)
    request_from(partner, key=KEY)
    interview = arrangements.request_answer(
        by=world.user("coordinator"), arrangement=A.objects.get(), accept=True,
        organisation=world.team,
    ).interview  # fmt: skip
    assert interview is not None
    worker, manager = world.user("worker"), world.user("manager")
    ReturnInterview.objects.filter(pk=interview.pk).update(allocated_worker=worker)
    interview.refresh_from_db()
    case_services.interview_write_up(
        by=worker, interview=interview, expected_version=interview.version,
        write_up=case_services.WriteUp(held_at=timezone.now() - timedelta(hours=1),
                                       child_words="First words."),
    )  # fmt: skip
    case_services.interview_submit_for_sign_off(by=worker, interview=interview)
    case_services.interview_sign_off(by=manager, interview=interview)
    corrections.interview_reopen(by=manager, interview=interview, reason="Words mistyped")
    interview.refresh_from_db()
    case_services.interview_write_up(
        by=worker, interview=interview, expected_version=interview.version,
        write_up=case_services.WriteUp(held_at=interview.held_at, child_words="Right words."),
    )  # fmt: skip
    case_services.interview_submit_for_sign_off(by=worker, interview=interview)
    case_services.interview_sign_off(by=world.user("manager"), interview=interview)
    first, second = sent("interview.outcome")
    assert (first["interview"]["revision"], second["interview"]["revision"]) == (1, 2)
    assert second["interview"]["write_up"]["child_words"] == "Right words."
    assert A.objects.get().outcome_revision == 2


def test_a_revised_outcome_replaces_ours_until_we_sign_it_off(
    world: World, partner: FakePartner, django_capture_on_commit_callbacks: Any
) -> None:
    arrangement = asked(world, partner)
    from_partner(partner, "interview.outcome", outcome(arrangement))
    revised = outcome(arrangement, revision=2)
    revised["interview"]["write_up"]["child_words"] = "Corrected words."
    assert from_partner(partner, "interview.outcome", revised)[0] == "accepted"
    interview = ReturnInterview.objects.get(pk=arrangement.interview_id)
    assert interview.child_words == "Corrected words."
    assert Offer.objects.filter(interview=interview).count() == 1  # replaced, not added
    assert interview.places.count() == 1
    with pytest.raises(ex.MessageError, match="sent already"):
        from_partner(partner, "interview.outcome", revised)

    # Signed off here: a third revision changes nothing, and the coordinators are told.
    case_services.interview_sign_off(by=world.user("manager"), interview=interview)
    third = outcome(arrangement, revision=3)
    third["interview"]["write_up"]["child_words"] = "Third words."
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        from_partner(partner, "interview.outcome", third)
    interview.refresh_from_db()
    assert interview.child_words == "Corrected words."
    (email,) = mail.outbox
    assert "reopen it to take the revised outcome" in email.body


# --- the host cannot hold it after all: given back --------------------------------------------


def test_the_host_gives_back_an_interview_it_accepted_and_we_hold_it_again(
    world: World, partner: FakePartner, django_capture_on_commit_callbacks: Any
) -> None:
    placed_here(world)
    request_from(partner, key=KEY)
    answered = arrangements.request_answer(
        by=world.user("coordinator"), arrangement=A.objects.get(), accept=True,
        organisation=world.team,
    )  # fmt: skip
    opened = answered.interview
    assert opened is not None
    with pytest.raises(ValidationError, match="Say why"):
        arrangements.request_give_back(
            by=world.user("coordinator"), arrangement=answered, reason=""
        )
    arrangements.request_give_back(
        by=world.user("coordinator"), arrangement=answered, reason="The child moved on"
    )
    opened.refresh_from_db()
    assert opened.entered_in_error_at is not None  # opened only for them: nothing to count
    message = sent("interview.answer")[-1]
    assert message == {"arrangement": KEY, "answer": "given_back", "reason": "The child moved on"}
    assert A.objects.get().state == A.State.GIVEN_BACK


def test_a_given_back_interview_is_ours_to_hold_and_to_ask_about_again(
    world: World, partner: FakePartner, django_capture_on_commit_callbacks: Any
) -> None:
    arrangement = asked(world, partner)
    answer = {"arrangement": str(arrangement.arrangement), "answer": "accepted"}
    from_partner(partner, "interview.answer", answer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        from_partner(
            partner,
            "interview.answer",
            {**answer, "answer": "given_back", "reason": "No worker can reach the child"},
        )
    arrangement.refresh_from_db()
    assert arrangement.state == A.State.GIVEN_BACK
    assert arrangement.answer_reason == "No worker can reach the child"
    (email,) = mail.outbox
    assert "can no longer hold" in email.body
    assert arrangement.interview is not None
    assert arrangements.why_not_ask(arrangement.interview) == ""
    with pytest.raises(ex.MessageError, match="only a request you accepted"):
        from_partner(partner, "interview.answer", {**answer, "answer": "given_back"})


# --- an episode entered in error -------------------------------------------------------------


def test_our_interview_entered_in_error_withdraws_the_request_it_made(
    world: World, partner: FakePartner
) -> None:
    from homeward.cases import corrections

    arrangement = asked(world, partner)
    interview = arrangement.interview
    assert interview is not None
    [episode] = interview.episodes.all()
    corrections.episode_mark_in_error(
        by=world.user("coordinator"), episode=episode, reason="Recorded twice"
    )
    interview.refresh_from_db()
    assert interview.entered_in_error_at is not None
    arrangement.refresh_from_db()
    assert arrangement.state == A.State.WITHDRAWN
    assert [p["event"] for p in sent("interview.request")] == ["request", "withdraw"]


def test_our_interview_entered_in_error_when_the_host_is_no_longer_a_partner(
    world: World, partner: FakePartner, django_capture_on_commit_callbacks: Any
) -> None:
    from homeward.cases import corrections

    arrangement = asked(world, partner)
    services.partner_remove(code=CODE)
    interview = arrangement.interview
    assert interview is not None
    with django_capture_on_commit_callbacks(execute=True):
        corrections.episode_mark_in_error(
            by=world.user("coordinator"), episode=interview.episodes.get(), reason="Twice"
        )
    arrangement.refresh_from_db()
    assert arrangement.state == A.State.WITHDRAWN
    assert [p["event"] for p in sent("interview.request")] == ["request"]  # nothing more
    assert "tell them another way" in mail.outbox[-1].body


def test_an_interview_held_for_them_stays_when_our_own_episode_is_entered_in_error(
    world: World, partner: FakePartner
) -> None:
    from homeward.cases import corrections

    child = placed_here(world)
    episode = make_episode(world, child)
    ours = make_interview(world, [episode])
    request_from(partner, key=KEY, host_episodes=[episode.reference])
    arrangements.request_answer(
        by=world.user("coordinator"), arrangement=A.objects.get(), accept=True,
        organisation=world.team, take_open=True,
    )  # fmt: skip
    ours.refresh_from_db()
    due = ours.due_at
    corrections.episode_mark_in_error(
        by=world.user("coordinator"), episode=episode, reason="A duplicate of theirs"
    )
    ours.refresh_from_db()
    # Still theirs to have held, on their clock; our request state is untouched.
    assert ours.entered_in_error_at is None and ours.held_for_authority == CODE
    assert ours.due_at == due
    assert A.objects.get().state == A.State.ACCEPTED
