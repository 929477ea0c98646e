"""Return interview arrangements between the responsible and the host authority
(docs/exchange.md, "Return interview arrangements").

The responsible (placing) authority stays responsible for a child's return interview; by
agreement the host authority's service holds it. On the responsible authority's side a
coordinator asks the host to hold an open interview (`request_send`, an `interview.request`)
and may withdraw the request (`request_withdraw`). The host keeps the request as a notice
until a person says which child it is about, then accepts it (opening an interview held for
the responsible authority, on that authority's clock) or declines it with the reason
(`request_answer`, an `interview.answer`). When the host's manager signs off the interview
held, its outcome and write-up go back (`outcome_send`, an `interview.outcome`) and become the
responsible authority's own record of its interview, submitted there for sign-off.

Counted once: the host's interview is marked `held_for_authority` and left out of the host's
indicators; the responsible authority's is marked `held_by_authority` and counted as its own
(docs/indicators.md, "Interviews held across the boundary").
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.accounts import permissions
from homeward.cases import codes
from homeward.exchange import notices, services
from homeward.exchange.models import InboxMessage, InterviewArrangement, Partner, PartnerNotice
from homeward.formats import exchange as fmt

if TYPE_CHECKING:
    from homeward.accounts.models import User
    from homeward.cases.models import Child, ReturnInterview
    from homeward.organisations.models import Organisation

logger = logging.getLogger(__name__)

A = InterviewArrangement

#: Why each message is sent (kept with it in both access logs).
ASK_REASON = (
    "We ask you to hold the return interview of a child we placed in your area; we remain "
    "responsible for it (DfE statutory guidance on children who run away or go missing from "
    "home or care)"
)
WITHDRAW_REASON = "We no longer ask you to hold this return interview"
ANSWER_REASON = "Our answer to your request to hold a return interview"
OUTCOME_REASON = (
    "The outcome and write-up of the return interview you asked us to hold, for your record "
    "of it: you remain responsible for the child's return interview"
)


def _now() -> datetime:
    return timezone.now()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


# --- the responsible authority asks --------------------------------------------------------------


def host_partner(interview: ReturnInterview) -> Partner | None:
    """The partner that hosts this child (placed in its area by this authority), if any."""
    child = interview.child
    home = services.own_code()
    host = child.host_authority
    if child.responsible_authority.gss_code != home or host is None or host.gss_code == home:
        return None
    return Partner.objects.filter(code=host.gss_code, active=True).first()


def live_arrangement(interview: ReturnInterview) -> InterviewArrangement | None:
    """The request this authority made for the interview that is still open, if any."""
    return (
        A.objects.filter(interview=interview, role=A.Role.ASKED, state__in=_LIVE)
        .select_related("partner")
        .first()
    )


_LIVE = (A.State.REQUESTED, A.State.ACCEPTED)


def why_not_ask(interview: ReturnInterview) -> str:
    """Why the host cannot be asked to hold this interview ("" when it can)."""
    if interview.entered_in_error_at is not None:
        return "The interview was entered in error"
    if interview.is_closed or interview.signed_off_at is not None:
        return "The interview is closed"
    if interview.held_for_authority:
        return "This interview is held here for another authority"
    if host_partner(interview) is None:
        return (
            "The child is not placed by this authority in the area of a partner authority "
            "using homeward"
        )
    if live_arrangement(interview) is not None:
        return "The host authority has been asked already"
    if interview.due_at is None:
        return (
            "The child is still away: ask once they are back and the interview's clock runs, "
            "so the host holds it to this authority's due point"
        )
    return ""


@transaction.atomic
def request_send(*, by: User, interview: ReturnInterview, note: str = "") -> InterviewArrangement:
    """Ask the host authority to hold the interview: the request goes in this transaction,
    with the child as the host needs to find them, the interview's due point on this
    authority's clock, and the host's references for the episodes it covers."""
    from homeward.cases.models import ReturnInterview

    if not permissions.can_allocate(by):
        raise PermissionDenied("only a coordinator or manager asks another authority")
    interview = ReturnInterview.objects.select_for_update().get(pk=interview.pk)
    refusal = why_not_ask(interview)
    if refusal:
        raise ValidationError({"note": refusal})
    if len(note) > 2000:
        raise ValidationError({"note": "The note must be 2,000 characters or fewer"})
    partner = host_partner(interview)
    assert partner is not None  # why_not_ask said so
    child = interview.child
    host_episodes = sorted(
        {
            notice.episode_reference
            for notice in PartnerNotice.objects.filter(
                partner=partner, episode__interview=interview
            )
            if notice.episode_reference
        }
    )
    arrangement = A.objects.create(
        arrangement=uuid.uuid4(),
        partner=partner,
        role=A.Role.ASKED,
        child=child,
        interview=interview,
        due_at=interview.due_at,
        due_rule=interview.due_rule[:300],
        host_episodes=host_episodes,
        note=note.strip(),
        requested_at=_now(),
        requested_by=by,
    )
    payload = {
        "event": "request",
        "arrangement": str(arrangement.arrangement),
        "responsible_authority": services.own_code(),
        "host_authority": partner.code,
        "child": notices._child_part(child, person_id=child.person_id, postcode=child.postcode),
        "interview": notices._given(
            {
                "reference": interview.reference,
                "due_at": _iso(interview.due_at),
                "due_rule": interview.due_rule[:300] or None,
                "host_episodes": host_episodes[:20] or None,
                "note": note.strip() or None,
            }
        ),
    }
    services.message_send(
        partner_code=partner.code,
        kind="interview.request",
        payload=payload,
        reason=ASK_REASON,
        by=by,
        child_id=child.pk,
    )
    return arrangement


@transaction.atomic
def request_withdraw(*, by: User, arrangement: InterviewArrangement) -> InterviewArrangement:
    """No longer ask: this authority will hold the interview itself (or has)."""
    if not permissions.can_allocate(by):
        raise PermissionDenied("only a coordinator or manager withdraws a request")
    arrangement = A.objects.select_for_update().select_related("partner").get(pk=arrangement.pk)
    if arrangement.role != A.Role.ASKED or not arrangement.open:
        raise ValidationError("Only an open request this authority made can be withdrawn")
    arrangement.state = A.State.WITHDRAWN
    arrangement.withdrawn_at = _now()
    arrangement.save()
    child = arrangement.child
    assert child is not None
    services.message_send(
        partner_code=arrangement.partner.code,
        kind="interview.request",
        payload={
            "event": "withdraw",
            "arrangement": str(arrangement.arrangement),
            "responsible_authority": services.own_code(),
            "host_authority": arrangement.partner.code,
            "child": notices._child_part(child, person_id=child.person_id),
            "interview": {"reference": arrangement.interview.reference}  # type: ignore[union-attr]
            if arrangement.interview is not None
            else {"reference": "-"},
        },
        reason=WITHDRAW_REASON,
        by=by,
        child_id=child.pk,
    )
    return arrangement


def withdraw_for_error(*, by: User, interview: ReturnInterview) -> None:
    """Our interview was entered in error (the episode it covered was): a request still
    open for it is withdrawn, and the host told, as a person would withdraw it."""
    arrangement = live_arrangement(interview)
    if arrangement is None:
        return
    if arrangement.partner.active:
        request_withdraw(by=by, arrangement=arrangement)
        return
    # No longer a partner: nothing can be sent; withdrawn here, and the coordinators told.
    A.objects.filter(pk=arrangement.pk).update(state=A.State.WITHDRAWN, withdrawn_at=_now())
    services.tell_coordinators(
        f"tell {arrangement.partner.name} a request is withdrawn",
        [
            f"Interview {interview.reference} was entered in error, so our request that "
            f"{arrangement.partner.name} hold it is withdrawn. They are no longer on the "
            "exchange: tell them another way.",
        ],
    )


# --- the host receives the request and answers ----------------------------------------------------


def _refuse(reason: str, field: str = "payload") -> fmt.MessageError:
    return fmt.MessageError("schema", reason, field)


def request_receive(message: InboxMessage, envelope: fmt.Envelope) -> int | None:
    """A partner asks this authority (the host) to hold a return interview, or no longer
    asks. A request is kept as a notice until a person says which child it is about."""
    payload = envelope.payload
    partner = message.partner
    if payload["responsible_authority"] != partner.code:
        raise _refuse("only the child's responsible authority asks for its return interview")
    if payload["host_authority"] != services.own_code():
        raise _refuse("this authority is not the host authority named")
    try:
        key = uuid.UUID(payload["arrangement"])
    except ValueError:
        raise _refuse("is not a UUID", "payload.arrangement") from None
    existing = A.objects.filter(partner=partner, arrangement=key, role=A.Role.ASKED_OF_US).first()
    if payload["event"] == "withdraw":
        if existing is None:
            raise _refuse("no such request was made", "payload.arrangement")
        if existing.state in (A.State.REQUESTED, A.State.ACCEPTED):
            existing.state = A.State.WITHDRAWN
            existing.withdrawn_at = _now()
            existing.save(update_fields=["state", "withdrawn_at"])
            _release(existing)
            services.tell_coordinators(
                f"{partner.name} withdrew a request to hold a return interview",
                [
                    f"{partner.name} ({partner.code}) no longer asks us to hold the return "
                    f"interview {existing.their_interview_reference}.",
                    f"Our interview: {existing.interview.reference}"
                    if existing.interview is not None
                    else "We had not opened an interview for it.",
                    "",
                    'See "Interviews asked of us" in homeward.',
                ],
            )
        return existing.child_id
    if existing is not None:
        raise _refuse("this request was made already", "payload.arrangement")
    asked = payload["interview"]
    notices._keep_notice(message, envelope)
    notice = PartnerNotice.objects.get(message=message)
    A.objects.create(
        arrangement=key,
        partner=partner,
        role=A.Role.ASKED_OF_US,
        child=notice.child,
        notice=notice,
        their_interview_reference=asked["reference"],
        due_at=notices._parse_moment(asked.get("due_at")),
        due_rule=asked.get("due_rule", ""),
        host_episodes=list(asked.get("host_episodes", [])),
        note=asked.get("note", ""),
        requested_at=_now(),
    )
    return notice.child_id


def _release(arrangement: InterviewArrangement) -> None:
    """A request withdrawn after we accepted it: the interview we opened or took is ours
    again (counted here, on this authority's own clock) unless already signed off."""
    from homeward.cases import services as case_services
    from homeward.cases.models import ReturnInterview

    if arrangement.interview_id is None:
        return
    interview = ReturnInterview.objects.select_for_update().get(pk=arrangement.interview_id)
    if interview.signed_off_at is not None:
        return
    interview.held_for_authority = ""
    case_services.interview_refresh_due(interview=interview)
    interview.version += 1
    interview.save()


def placed_here_by(child: Child, partner: Partner) -> bool:
    """Whether `child` is one `partner` placed in this authority's area: the only children a
    partner's request is about (never ours, never one hosted by a third authority)."""
    home = services.own_code()
    host = child.host_authority
    return child.responsible_authority.gss_code == partner.code and (
        host is None or host.gss_code == home
    )


def check_placed_here_by(child: Child, partner: Partner) -> None:
    if not placed_here_by(child, partner):
        raise ValidationError(
            {
                "child": f"{child.full_name} ({child.reference}) is not a child "
                f"{partner.name} placed in this authority's area"
            }
        )


def _answerable(by: User, arrangement: InterviewArrangement) -> InterviewArrangement:
    if not permissions.can_allocate(by):
        raise PermissionDenied("only a coordinator or manager answers a request")
    arrangement = (
        A.objects.select_for_update(of=("self",))
        .select_related("partner", "notice")
        .get(pk=arrangement.pk)
    )
    if arrangement.role != A.Role.ASKED_OF_US:
        raise ValidationError({"answer": "This authority made this request: it cannot answer it"})
    if arrangement.state != A.State.REQUESTED:
        raise ValidationError(
            {"answer": f"This request is {arrangement.get_state_display().lower()} already"}
        )
    return arrangement


@transaction.atomic
def request_answer(
    *,
    by: User,
    arrangement: InterviewArrangement,
    accept: bool,
    organisation: Organisation | None = None,
    reason: str = "",
    take_open: bool = False,
) -> InterviewArrangement:
    """The host's answer. Accepting opens the interview held here for the responsible
    authority, allocated to `organisation`, due when the responsible authority's clock
    says; where an interview is already open here for the episodes it covers, it is taken
    instead, only when the person says so (`take_open`). Declining says why."""
    arrangement = _answerable(by, arrangement)
    reason = reason.strip()
    if accept:
        interview = _open_for(
            by=by, arrangement=arrangement, organisation=organisation, take_open=take_open
        )
        arrangement.state = A.State.ACCEPTED
        arrangement.interview = interview
        arrangement.conducted_by = organisation.name if organisation is not None else ""
        answer = {
            "arrangement": str(arrangement.arrangement),
            "answer": "accepted",
            "conducted_by": arrangement.conducted_by[:200] or None,
            "reference": interview.reference,
            "reason": reason[:1000] or None,
        }
    else:
        if not reason:
            raise ValidationError({"reason": "Say why the request is declined"})
        if len(reason) > 1000:
            raise ValidationError({"reason": "The reason must be 1,000 characters or fewer"})
        arrangement.state = A.State.DECLINED
        answer = {
            "arrangement": str(arrangement.arrangement),
            "answer": "declined",
            "reason": reason,
        }
    arrangement.answer_reason = reason
    arrangement.answered_at, arrangement.answered_by = _now(), by
    arrangement.save()
    # The request's notice is done with once answered (it may have been linked at once).
    PartnerNotice.objects.filter(
        pk=arrangement.notice_id, state=PartnerNotice.State.WAITING
    ).update(
        state=PartnerNotice.State.RECORDED,
        child=arrangement.child,
        decided_by=by,
        decided_at=arrangement.answered_at,
    )
    services.message_send(
        partner_code=arrangement.partner.code,
        kind="interview.answer",
        payload=notices._given(answer),
        reason=ANSWER_REASON,
        by=by,
        child_id=arrangement.child_id,
    )
    return arrangement


def open_here(arrangement: InterviewArrangement) -> ReturnInterview | None:
    """The interview already open here (not closed, not signed off) for the episodes the
    request names, of the child it is about, if any."""
    from homeward.cases.models import IN_COUNT, Episode

    if arrangement.child is None or not arrangement.host_episodes:
        return None
    episodes = Episode.objects.filter(
        IN_COUNT, child=arrangement.child, reference__in=arrangement.host_episodes
    ).select_related("interview")
    for episode in episodes:
        current = episode.interview
        if (
            current is not None
            and not current.is_closed
            and current.signed_off_at is None
            and current.entered_in_error_at is None
        ):
            return current
    return None


def _open_for(
    *,
    by: User,
    arrangement: InterviewArrangement,
    organisation: Organisation | None,
    take_open: bool,
) -> ReturnInterview:
    """The interview this authority holds for the partner: the one already open for the
    episodes the request covers (when `take_open`), else a new one covering those not yet
    covered."""
    from homeward.cases import services as case_services
    from homeward.cases.models import IN_COUNT, Episode, ReturnInterview

    child = arrangement.child
    if child is None:
        raise ValidationError(
            {"answer": "Say which child the request is about first (record the notice)"}
        )
    check_placed_here_by(child, arrangement.partner)
    if organisation is None:
        raise ValidationError({"organisation": "Choose who will hold the interview"})
    if not case_services.allocatable_organisations().filter(pk=organisation.pk).exists():
        raise ValidationError(
            {"organisation": "Interviews go to this authority's team or a provider it commissions"}
        )
    rule = f"{arrangement.partner.name}'s clock"
    if arrangement.due_rule:
        rule = f"{rule}: {arrangement.due_rule}"[:300]
    existing = open_here(arrangement)
    if existing is not None:
        if not take_open:
            raise ValidationError(
                {
                    "take_open": f"Interview {existing.reference} is already open here for "
                    "this episode: say whether it is the one to hold for them"
                }
            )
        current = ReturnInterview.objects.select_for_update().get(pk=existing.pk)
        current.held_for_authority = arrangement.partner.code
        if current.allocated_organisation_id != organisation.pk:
            current.allocated_organisation, current.allocated_worker = organisation, None
        if arrangement.due_at is not None:
            current.due_at, current.due_rule = arrangement.due_at, rule
        current.version += 1
        current.save()
        return current
    episodes = list(
        Episode.objects.select_for_update().filter(
            IN_COUNT, child=child, reference__in=arrangement.host_episodes, interview__isnull=True
        )
    )
    interview = ReturnInterview.objects.create(
        reference=case_services.next_reference("RI"),
        child=child,
        allocated_organisation=organisation,
        allocated_at=_now(),
        allocated_by=by,
        held_for_authority=arrangement.partner.code,
        due_at=arrangement.due_at,
        due_rule=rule if arrangement.due_at is not None else "",
    )
    Episode.objects.filter(pk__in=[e.pk for e in episodes]).update(interview=interview)
    return interview


#: Why a request accepted is given back (kept with the message in both access logs).
GIVE_BACK_REASON = "We can no longer hold the return interview you asked us to hold"


@transaction.atomic
def request_give_back(
    *, by: User, arrangement: InterviewArrangement, reason: str
) -> InterviewArrangement:
    """The host accepted but cannot hold the interview after all (the child moved on, no
    one can reach them in time): the responsible authority is told why and holds it itself.
    The interview opened for it here is entered in error; one taken over for our own
    episode is ours again, on our own clock."""
    from homeward.cases.models import ReturnInterview

    if not permissions.can_allocate(by):
        raise PermissionDenied("only a coordinator or manager gives a request back")
    arrangement = (
        A.objects.select_for_update(of=("self",)).select_related("partner").get(pk=arrangement.pk)
    )
    if arrangement.role != A.Role.ASKED_OF_US or arrangement.state != A.State.ACCEPTED:
        raise ValidationError(
            {"reason": "Only a request this authority accepted, not yet held, can be given back"}
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why this authority cannot hold it"})
    if len(reason) > 1000:
        raise ValidationError({"reason": "The reason must be 1,000 characters or fewer"})
    interview = arrangement.interview
    if interview is not None:
        if interview.episodes.exists():
            _release(arrangement)  # our own episode's interview: ours again
        else:
            ReturnInterview.objects.filter(pk=interview.pk, signed_off_at__isnull=True).update(
                entered_in_error_at=_now(),
                entered_in_error_by=by,
                entered_in_error_reason=f"Given back to {arrangement.partner.name}: {reason}",
            )
    arrangement.state = A.State.GIVEN_BACK
    arrangement.answer_reason = reason
    arrangement.save(update_fields=["state", "answer_reason"])
    services.message_send(
        partner_code=arrangement.partner.code,
        kind="interview.answer",
        payload={
            "arrangement": str(arrangement.arrangement),
            "answer": "given_back",
            "reason": reason,
        },
        reason=GIVE_BACK_REASON,
        by=by,
        child_id=arrangement.child_id,
    )
    return arrangement


def _given_back(partner: Partner, arrangement: InterviewArrangement, reason: str) -> int | None:
    """The host gives back an interview it accepted: ours to hold again (and to ask again)."""
    # Requested: its acceptance is still on its way (they travel separately).
    if arrangement.state not in (A.State.REQUESTED, A.State.ACCEPTED):
        raise _refuse("only a request you accepted can be given back", "payload.answer")
    arrangement.state = A.State.GIVEN_BACK
    arrangement.answer_reason = reason
    arrangement.save(update_fields=["state", "answer_reason"])
    reference = arrangement.interview.reference if arrangement.interview is not None else "-"
    services.tell_coordinators(
        f"{partner.name} gave back a return interview",
        [
            f"{partner.name} ({partner.code}) can no longer hold the return interview "
            f"{reference} it had accepted: this authority holds it itself.",
            "Their reason is on the interview's page in homeward.",
        ],
    )
    return arrangement.child_id


def answer_receive(message: InboxMessage, envelope: fmt.Envelope) -> int | None:
    """The host's answer to this authority's request, taken once: kept, and the
    coordinators told. An answer that comes after a withdrawal (or after the outcome it
    preceded) is kept and changes nothing else."""
    payload = envelope.payload
    partner = message.partner
    arrangement = _ours(partner, payload["arrangement"])
    if payload["answer"] == "given_back":
        return _given_back(partner, arrangement, payload.get("reason", ""))
    if arrangement.answered_at is not None:
        raise _refuse("this request was answered already", "payload.arrangement")
    accepted = payload["answer"] == "accepted"
    if arrangement.state == A.State.REQUESTED:
        arrangement.state = A.State.ACCEPTED if accepted else A.State.DECLINED
    arrangement.answer_reason = payload.get("reason", "")
    arrangement.conducted_by = payload.get("conducted_by", "")
    arrangement.their_interview_reference = arrangement.their_interview_reference or payload.get(
        "reference", ""
    )
    arrangement.answered_at = _now()
    arrangement.save()
    interview = arrangement.interview
    reference = interview.reference if interview is not None else "-"
    if arrangement.state == A.State.WITHDRAWN:
        lines = [
            f"{partner.name} ({partner.code}) answered ({payload['answer']}) our request to "
            f"hold the return interview {reference} after we withdrew it. Nothing changes: "
            "tell them another way if they need to know.",
        ]
    elif arrangement.state in (A.State.DONE, A.State.GIVEN_BACK):
        return arrangement.child_id  # what came first says it all: nothing more to tell
    elif accepted:
        lines = [
            f"{partner.name} ({partner.code}) will hold the return interview {reference}"
            + (f" ({arrangement.conducted_by})." if arrangement.conducted_by else "."),
            "Its outcome and write-up will come back to homeward when they sign it off.",
        ]
    else:
        lines = [
            f"{partner.name} ({partner.code}) declined to hold the return interview "
            f"{reference}: this authority holds it itself.",
        ]
    services.tell_coordinators(
        f"{partner.name} answered a request to hold a return interview", lines
    )
    return arrangement.child_id


def _ours(partner: Partner, key: str) -> InterviewArrangement:
    try:
        parsed = uuid.UUID(key)
    except ValueError:
        raise _refuse("is not a UUID", "payload.arrangement") from None
    arrangement = (
        A.objects.select_for_update(of=("self",))  # the interview is locked on its own
        .select_related("interview")
        .filter(partner=partner, arrangement=parsed, role=A.Role.ASKED)
        .first()
    )
    if arrangement is None:
        raise _refuse("this authority made no such request of you", "payload.arrangement")
    return arrangement


# --- the host sends the outcome; the responsible authority takes it ------------------------------


#: The longest text of a write-up the exchange carries (`fmt.INTERVIEW_WRITE_UP`); a longer
#: one is cut, and the host keeps the whole.
TEXT_MOST = 20000


def _cut(text: str | None, most: int) -> str | None:
    return (text or "")[:most] or None


def outcome_payload(
    *, interview: ReturnInterview, arrangement: InterviewArrangement, revision: int = 1
) -> dict:
    """The interview held, as signed off: its outcome, first offer, and write-up (with the
    places of concern marked shareable)."""
    from homeward.cases.models import in_count

    offer = interview.offers.filter(in_count()).order_by("offered_at").first()
    held = interview.held_at is not None
    outcome = "held" if held else interview.outcome
    write_up = None
    if held:
        places = [
            ", ".join(p for p in (place.description, place.postcode, place.when) if p)[:200]
            for place in interview.places.filter(in_count(), shareable=True)
        ][:50]
        write_up = notices._given(
            {
                "push_factors": _cut(interview.push_factors, TEXT_MOST),
                "pull_factors": _cut(interview.pull_factors, TEXT_MOST),
                "whereabouts": _cut(interview.whereabouts, TEXT_MOST),
                "harms": list(interview.harms or [])[:30] or None,
                "child_words": _cut(interview.child_words, TEXT_MOST),
                "child_wishes": _cut(interview.child_wishes, TEXT_MOST),
                "follow_up_offered": interview.follow_up_offered,
                "follow_up_taken_up": interview.follow_up_taken_up,
                "safety_plan_updated": interview.safety_plan_updated,
                "places": places or None,
            }
        )
    part = notices._given(
        {
            "reference": interview.reference,
            "outcome": outcome,
            "offered_at": _iso(offer.offered_at) if offer is not None else None,
            "offered_to": offer.offered_to if offer is not None else None,
            "offer_method": offer.method if offer is not None else None,
            "held_at": _iso(interview.held_at),
            "held_where": _cut(interview.held_where, 200),
            "declined_by": interview.declined_by or None,
            "decline_reason_code": interview.decline_reason_code or None,
            "interviewer_independent": interview.interviewer_independent,
            "late_reason_code": interview.late_reason_code or None,
            "late_reason": _cut(interview.late_reason, 4000),
            "conducted_by": arrangement.conducted_by[:200] or None,
            "signed_off_at": _iso(interview.signed_off_at),
            "revision": revision,
            "write_up": write_up,
        }
    )
    return {"arrangement": str(arrangement.arrangement), "interview": part}


def outcome_send(*, interview: ReturnInterview, by: User | None) -> None:
    """When the host's manager signs off an interview held for another authority, its
    outcome goes to that authority (in the sign-off's transaction). The sign-off never
    waits on it: when the outcome cannot go (the partner is no longer on the exchange), the
    coordinators are told to send it another way. An interview reopened here and signed off
    again sends its outcome again, as the next revision."""
    arrangement = (
        A.objects.select_for_update()
        .select_related("partner")
        .filter(
            interview=interview,
            role=A.Role.ASKED_OF_US,
            state__in=(A.State.ACCEPTED, A.State.DONE),
        )
        .first()
    )
    if arrangement is None:
        return
    partner = arrangement.partner
    revision = arrangement.outcome_revision + 1
    try:
        if not partner.active:
            raise ValidationError(f"{partner} is no longer a partner")
        with transaction.atomic():
            services.message_send(
                partner_code=partner.code,
                kind="interview.outcome",
                payload=outcome_payload(
                    interview=interview, arrangement=arrangement, revision=revision
                ),
                reason=OUTCOME_REASON,
                by=by,
                child_id=interview.child_id,
            )
    except ValidationError as error:
        logger.error("the outcome of %s could not be sent: %s", interview.reference, error)
        services.tell_coordinators(
            f"the outcome of interview {interview.reference} could not be sent",
            [
                f"Interview {interview.reference}, held here for {partner.name} "
                f"({partner.code}), is signed off, but its outcome could not be sent through "
                f"the exchange: {'; '.join(error.messages)[:300]}.",
                "Send the outcome and write-up to them another way.",
            ],
        )
        return
    arrangement.state = A.State.DONE
    arrangement.outcome_at = _now()
    arrangement.outcome_revision = revision
    arrangement.save(update_fields=["state", "outcome_at", "outcome_revision"])


def _code(value: str | None, allowed: list[str], field: str) -> str:
    if value and value not in allowed:
        raise _refuse("is not a code this instance knows", f"payload.interview.{field}")
    return value or ""


def outcome_receive(message: InboxMessage, envelope: fmt.Envelope) -> int | None:
    """The outcome of the interview the host held: written to this authority's interview
    (its own record, counted here with the host shown) and submitted for sign-off here. An
    interview already closed here keeps what it has, and the coordinators are told."""
    from homeward.cases.models import Offer, ReturnInterview

    payload = envelope.payload
    partner = message.partner
    arrangement = _ours(partner, payload["arrangement"])
    part = payload["interview"]
    revision = part.get("revision", 1)
    if revision <= arrangement.outcome_revision:
        raise _refuse("the outcome was sent already", "payload.arrangement")
    write_up = part.get("write_up", {})
    outcome = part["outcome"]
    held_at = notices._parse_moment(part.get("held_at"))
    offered_at = notices._parse_moment(part.get("offered_at"))
    harms = list(write_up.get("harms", []))
    if set(harms) - set(codes.Harm.values):
        raise _refuse("holds a code this instance does not know", "payload.interview.write_up")
    fields: dict[str, Any] = {
        "decline_reason_code": _code(
            part.get("decline_reason_code"), codes.DeclineReason.values, "decline_reason_code"
        ),
        "late_reason_code": _code(
            part.get("late_reason_code"), codes.LateReason.values, "late_reason_code"
        ),
    }
    method = _code(part.get("offer_method"), codes.ContactMethod.values, "offer_method")
    if (outcome == "held") != (held_at is not None):
        raise _refuse("an interview held gives when, and only then", "payload.interview.held_at")
    if offered_at is not None and not method:
        raise _refuse("an offer gives how it was made", "payload.interview.offer_method")
    now = _now()
    revised = arrangement.outcome_revision > 0  # an earlier outcome was taken
    standing = arrangement.state in (A.State.REQUESTED, A.State.ACCEPTED) or (
        revised and arrangement.state == A.State.DONE
    )
    if standing:  # an outcome before its answer stands for the acceptance
        arrangement.state = A.State.DONE
    arrangement.outcome_at = now
    arrangement.outcome_revision = revision
    arrangement.their_interview_reference = part["reference"]
    interview = arrangement.interview
    current = (
        ReturnInterview.objects.select_for_update().get(pk=interview.pk)
        if interview is not None
        else None
    )
    # A revision replaces what an earlier outcome wrote, until a manager here signs it off.
    ours_to_replace = (
        revised
        and arrangement.outcome_applied
        and current is not None
        and current.held_by_authority == partner.code
        and current.signed_off_at is None
    )
    if current is not None and ours_to_replace:
        current.offers.filter(recorded_by__isnull=True).delete()  # the host's offer, as taken
        current.held_at, current.outcome = None, codes.Outcome.PENDING
    if (
        not standing
        or current is None
        or (current.is_closed and not ours_to_replace)
        or current.signed_off_at is not None
        or current.entered_in_error_at is not None
    ):
        arrangement.outcome_applied = False
        arrangement.save()
        why = (
            f"our request was {arrangement.get_state_display().lower()}"
            if not standing
            else "our interview is signed off already: reopen it to take the revised outcome"
            if revised and current is not None and current.signed_off_at is not None
            else "our interview is closed already"
        )
        services.tell_coordinators(
            f"the outcome of an interview {partner.name} held has arrived",
            [
                f"{partner.name} ({partner.code}) sent the outcome of the return interview "
                f"they held ({part['reference']}) for our interview "
                f"{current.reference if current else '-'}, but {why}.",
                "Nothing was changed on it. The outcome is kept with the request: see the "
                "interview in homeward.",
            ],
        )
        return arrangement.child_id
    if offered_at is not None:
        Offer.objects.create(
            interview=current,
            offered_at=offered_at,
            offered_to=part.get("offered_to", codes.OfferedTo.CHILD),
            method=method,
        )
    current.outcome = {
        "held": codes.Outcome.ACCEPTED,
        "declined": codes.Outcome.DECLINED,
        "no_contact": codes.Outcome.NO_CONTACT,
    }[outcome]
    current.held_at = held_at
    current.held_where = part.get("held_where", "")
    current.declined_by = part.get("declined_by", "")
    current.interviewer_independent = part.get("interviewer_independent")
    current.late_reason = part.get("late_reason", "")
    for name in ("push_factors", "pull_factors", "whereabouts", "child_words", "child_wishes"):
        setattr(current, name, write_up.get(name, ""))
    for name in ("follow_up_offered", "follow_up_taken_up", "safety_plan_updated"):
        setattr(current, name, write_up.get(name))
    current.harms = sorted(set(harms))
    for name, value in fields.items():
        setattr(current, name, value)
    current.held_by_authority = partner.code
    current.outcome_recorded_at = now
    current.written_up_at = now if held_at is not None else None
    current.submitted_for_sign_off_at = now
    current.returned_for_changes_at = None
    current.version += 1
    current.save()
    known = set(current.places.values_list("description", flat=True))
    for place in write_up.get("places", []):
        if place[:200] not in known:  # a revision adds only the places not taken before
            current.places.create(description=place[:200], shareable=True)
    arrangement.outcome_applied = True
    arrangement.save()
    services.tell_coordinators(
        f"{partner.name} held return interview {current.reference}",
        [
            f"{partner.name} ({partner.code}) held the return interview {current.reference} "
            "for us and signed it off. Its outcome and write-up are on our interview, "
            "waiting for a manager's sign-off here.",
        ],
    )
    return arrangement.child_id
