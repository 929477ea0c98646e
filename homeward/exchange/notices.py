"""Missing notices between the responsible and the host authority (docs/exchange.md,
"Missing notices").

Sending: when an episode is recorded, or its return recorded, for a child placed across
the boundary with a partner (a child this authority hosts for the partner, or one it placed
in the partner's area), a `missing.notice` goes to the partner in the same transaction.

Receiving: the notice is kept (`PartnerNotice`) and the coordinators are emailed at once
(references only). A person says which child it is about and records it: the episode (or
its return) is then recorded here as any episode is, the partner's references kept with it.
An episode that came from a partner's notice is never sent back to that partner.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from homeward.accounts import permissions
from homeward.exchange import services
from homeward.exchange.models import (
    HomeMovement,
    InboxMessage,
    InterviewArrangement,
    NoticeCorrection,
    OutboxMessage,
    Partner,
    PartnerNotice,
    PlacementNotice,
)
from homeward.formats import exchange as fmt
from homeward.police import match

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from homeward.accounts.models import User
    from homeward.cases.models import Child, Episode
    from homeward.organisations.models import Authority

logger = logging.getLogger(__name__)

#: Why each side sends (the message's reason, kept in both access logs).
TO_RESPONSIBLE = (
    "A child you placed in our area is missing or back: you hold the return interview "
    "(DfE statutory guidance on children who run away or go missing from home or care)"
)
TO_HOST = (
    "A child we placed in your area is missing or back: for your work with missing children "
    "and exploitation in your area"
)


# --- sending -------------------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _other_side(child: Child) -> tuple[Partner, str] | None:
    """The partner across the boundary for this child, and why it is told: the responsible
    authority of a child placed here, or the host of a child placed there."""
    home_code = services.own_code()
    responsible = child.responsible_authority
    host = child.host_authority
    if responsible.gss_code != home_code:
        code, reason = responsible.gss_code, TO_RESPONSIBLE
    elif host is not None and host.gss_code != home_code:
        code, reason = host.gss_code, TO_HOST
    else:
        return None
    partner = Partner.objects.filter(code=code, active=True).first()
    return (partner, reason) if partner is not None else None


def _given(values: dict[str, Any]) -> dict[str, Any]:
    """The values known: a payload leaves out what is not known rather than sending null."""
    return {name: value for name, value in values.items() if value is not None}


def _child_part(
    child: Child, *, person_id: str | None = None, postcode: str | None = None
) -> dict[str, Any]:
    """The child as every notice describes them to the other authority: `person_id` only
    when this authority is the responsible one (it is its case system's), `postcode` where
    the notice gives one."""
    return _given(
        {
            "reference": child.reference,
            "given_names": child.first_name[:100],
            "family_name": child.last_name[:100],
            "date_of_birth": child.date_of_birth.isoformat() if child.date_of_birth else None,
            "sex": child.sex,
            "nhs_number": child.nhs_number or None,
            "responsible_person_id": person_id or None,
            "postcode": postcode or None,
        }
    )


def missing_notice_payload(*, episode: Episode, event: str) -> dict[str, Any]:
    child = episode.child
    home_code = services.own_code()
    responsible = child.responsible_authority.gss_code
    host = child.host_authority.gss_code if child.host_authority is not None else home_code
    person_id = child.person_id if responsible == home_code else None
    force = episode.police_force.name if episode.police_force is not None else ""
    episode_part: dict[str, Any] = {
        "reference": episode.reference,
        "category": episode.category,
        "missing_from": episode.missing_from,
        "started_at": _iso(episode.started_at),
        "reported_to_police_at": _iso(episode.reported_to_police_at),
        "returned_at": _iso(episode.returned_at),
        "risk_grade": episode.risk_grade or None,
        "police_force": force[:200] or None,
        "police_reference": episode.police_reference or None,
        "police_officer": episode.police_officer[:400] or None,
        "last_seen_where": episode.last_seen_where or None,
        "found_where": episode.found_where or None,
        "circumstances": (episode.circumstances or "")[:4000] or None,
        "risk_factors": [str(code) for code in episode.risk_factors or []][:50],
    }
    return {
        "event": event,
        "responsible_authority": responsible,
        "host_authority": host,
        "child": _child_part(child, person_id=person_id, postcode=child.postcode),
        "episode": _given(episode_part),
    }


def missing_notice_send(*, episode: Episode, event: str, by: User | None) -> OutboxMessage | None:
    """Tell the authority across the boundary that the child went missing ("missing") or is
    back ("returned"), in the caller's transaction. Nothing is sent for a child not placed
    across a boundary, when that authority is not a partner (its coordinators are told
    another way), for an imported episode, or about an episode that came from that
    partner's own notice."""
    if episode.imported or episode.entered_in_error_at is not None:
        return None
    side = _other_side(episode.child)
    if side is None:
        return None
    partner, reason = side
    if PartnerNotice.objects.filter(partner=partner, episode=episode).exists():
        return None
    return services.message_send(
        partner_code=partner.code,
        kind="missing.notice",
        payload=missing_notice_payload(episode=episode, event=event),
        reason=reason,
        by=by,
        child_id=episode.child_id,
    )


# --- receiving ------------------------------------------------------------------------------------


def _parse_moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _linked_child(partner: Partner, envelope: fmt.Envelope) -> tuple[Child | None, str]:
    """The child the notice is about, when identifiers leave no doubt, and why."""
    from homeward.cases.models import Child

    about = envelope.payload["child"]
    home_code = services.own_code()
    # Only a child placed across this partner's boundary: a partner's identifiers never
    # reach the authority's other children.
    if envelope.kind == "home.notice":  # about a child of ours in the partner's area
        across = Child.objects.filter(
            host_authority__gss_code=partner.code, responsible_authority__gss_code=home_code
        )
    elif envelope.kind == "interview.request":  # about a child the partner placed here
        across = Child.objects.filter(responsible_authority__gss_code=partner.code).filter(
            Q(host_authority__isnull=True) | Q(host_authority__gss_code=home_code)
        )
    else:
        across = Child.objects.filter(
            Q(host_authority__gss_code=partner.code)
            | Q(responsible_authority__gss_code=partner.code)
        )
    wrong = NoticeCorrection.objects.filter(
        notice__partner=partner, notice__child_reference=about["reference"]
    ).values("child")  # a child a notice of theirs was wrongly recorded for is never taken
    earlier = (
        PartnerNotice.objects.filter(
            partner=partner, child_reference=about["reference"], child__in=across
        )
        .exclude(child__in=wrong)
        .select_related("child")
        .first()
    )
    if earlier is not None and earlier.child is not None:
        return earlier.child, f"an earlier notice about {about['reference']} was linked to them"
    person_id = about.get("responsible_person_id")
    if person_id and envelope.payload["responsible_authority"] == home_code:
        child = across.filter(person_id=person_id).first()
        if child is not None:
            return child, "the same case system person id"
    nhs, born = about.get("nhs_number"), about.get("date_of_birth")
    if nhs and born:
        child = across.filter(nhs_number=nhs, date_of_birth=born).first()
        if child is not None:
            return child, "the same NHS number and date of birth"
    return None, ""


def _suggestions(about: dict[str, Any]) -> list[dict[str, Any]]:
    from homeward.intake import services as intake_services

    born = about.get("date_of_birth")
    person = match.Person(
        given_names=about["given_names"],
        family_name=about["family_name"],
        aliases=(),
        date_of_birth=date.fromisoformat(born) if born else None,
        sex=about.get("sex", "unknown"),
        postcode=about.get("postcode", ""),
    )
    return intake_services.suggest_many([(0, person)]).get(0, [])


def _keep_notice(message: InboxMessage, envelope: fmt.Envelope, **fields: Any) -> int | None:
    """Keep a partner's notice for a person, of whichever kind, with `fields` of its own:
    linked at once where identifiers leave no doubt (else with the matcher's suggestions),
    and the coordinators told once the transaction commits."""
    about = envelope.payload["child"]
    child, why = _linked_child(message.partner, envelope)
    notice = PartnerNotice.objects.create(
        message=message,
        partner=message.partner,
        kind=envelope.kind,
        event=fields.pop("event", envelope.payload["event"]),
        child_reference=about["reference"],
        child=child,
        linked_by=why,
        suggestions=[] if child is not None else _suggestions(about),
        **fields,
    )
    transaction.on_commit(lambda: _tell_coordinators(notice.pk))
    return notice.child_id


def missing_notice_receive(message: InboxMessage, envelope: fmt.Envelope) -> int | None:
    """Keep a partner's missing notice for a person, linked at once where identifiers
    leave no doubt, and tell the coordinators (after the transaction commits)."""
    payload = envelope.payload
    home_code = services.own_code()
    if home_code not in (payload["responsible_authority"], payload["host_authority"]):
        raise fmt.MessageError(
            "schema", "this authority is neither the responsible nor the host authority", "payload"
        )
    if message.partner.code not in (payload["responsible_authority"], payload["host_authority"]):
        raise fmt.MessageError(
            "schema", "the sender is neither the responsible nor the host authority", "payload"
        )
    episode_part = payload["episode"]
    return _keep_notice(
        message,
        envelope,
        episode_reference=episode_part["reference"],
        started_at=_parse_moment(episode_part["started_at"]),
        returned_at=_parse_moment(episode_part.get("returned_at")),
    )


#: A notice's page's heading.
HEADINGS = {
    ("missing.notice", "missing"): "A child placed across the boundary is missing",
    ("missing.notice", "returned"): "A child placed across the boundary is back",
    ("placement.notice", "start"): "A child is placed in this authority's area",
    ("placement.notice", "change"): "A placement in this authority's area has changed",
    ("placement.notice", "end"): "A placement in this authority's area has ended",
    ("home.notice", "admission"): "A child of this authority was admitted to a children's home",
    ("home.notice", "discharge"): "A child of this authority left a children's home",
    ("home.notice", "admission_in_error"): "An admission to a children's home told by mistake",
    ("home.notice", "discharge_in_error"): "A discharge from a children's home told by mistake",
    ("interview.request", "request"): "Another authority asks us to hold a return interview",
}

#: What a notice says, in the coordinators' email (no name, no detail).
SAYS = {
    ("missing.notice", "missing"): "a child placed across your boundary is missing",
    ("missing.notice", "returned"): "a child placed across your boundary is back",
    ("placement.notice", "start"): "it has placed a child in your area",
    ("placement.notice", "change"): "a placement it made in your area has changed",
    ("placement.notice", "end"): "a placement it made in your area has ended",
    ("home.notice", "admission"): "a child of yours was admitted to a children's home there",
    ("home.notice", "discharge"): "a child of yours left a children's home there",
    ("home.notice", "admission_in_error"): "an admission it told you of was recorded by mistake",
    ("home.notice", "discharge_in_error"): "a discharge it told you of was recorded by mistake",
    ("interview.request", "request"): (
        "it asks us to hold the return interview of a child it placed in our area"
    ),
}


def _tell_coordinators(pk: int) -> None:
    notice = PartnerNotice.objects.select_related("partner").get(pk=pk)
    says = SAYS.get((notice.kind, notice.event), "a notice about a child")
    lines = [
        f"{notice.partner.name} ({notice.partner.code}) says {says}.",
        "",
        f"Their child reference: {notice.child_reference}",
    ]
    if notice.episode_reference:
        lines.append(f"Their episode reference: {notice.episode_reference}")
    lines += [
        f"Notice: {notice.pk}",
        "",
        'Open "Notices from other authorities" in homeward to see it and record it. '
        "(No name is sent by email.)",
    ]
    services.tell_coordinators(f"a notice from {notice.partner.name}", lines)


# --- a person records a notice --------------------------------------------------------------------


def notice_record(*, by: User, notice: PartnerNotice, child: Child) -> PartnerNotice:
    """The person says the notice is about `child`: the episode is recorded here as the
    partner told it (or, for a return, the return on the episode an earlier notice
    recorded). Later notices from the partner about the same child are linked to `child`."""
    from homeward.cases import services as case_services

    if not permissions.can_record_episode(by):
        raise PermissionDenied("only a coordinator or manager records a notice")
    with transaction.atomic():
        notice = PartnerNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.state == PartnerNotice.State.RECORDED:
            raise ValidationError({"child": "This notice has been recorded already"})
        if notice.kind in ("placement.notice", "home.notice", "interview.request"):
            # The child is placed here (or was): the notice is kept with the child, whose
            # details a person changes from it where they differ (with the reason). A
            # request to hold a return interview is then answered (`arrangements`), and is
            # only ever about a child the partner placed here.
            if notice.kind == "interview.request":
                from homeward.exchange import arrangements

                arrangements.check_placed_here_by(child, notice.partner)
            InterviewArrangement.objects.filter(notice=notice).update(child=child)
            notice.child = child
            notice.state = PartnerNotice.State.RECORDED
            notice.decided_by, notice.decided_at = by, timezone.now()
            notice.save()
            return notice
        part = services.notice_payload(notice)["episode"]
        earlier = (
            PartnerNotice.objects.filter(
                partner=notice.partner,
                episode_reference=notice.episode_reference,
                episode__isnull=False,
                episode__entered_in_error_at__isnull=True,
            )
            .exclude(pk=notice.pk)
            .select_related("episode")
            .first()
        )
        episode: Episode | None = earlier.episode if earlier is not None else None
        if episode is not None and episode.child_id != child.pk:
            raise ValidationError(
                {"child": f"An earlier notice about this episode was recorded for {episode.child}"}
            )
        returned = _parse_moment(part.get("returned_at"))
        if episode is None:
            police = " ".join(
                p for p in (part.get("police_force", ""), part.get("police_officer", "")) if p
            )
            episode = case_services.episode_record(
                by=by,
                child=child,
                category=part["category"],
                missing_from=part["missing_from"],
                started_at=_parse_moment(part["started_at"]),  # type: ignore[arg-type]
                reported_to_police_at=_parse_moment(part.get("reported_to_police_at")),
                returned_at=returned,
                notified_at=notice.received_at if returned is not None else None,
                police_reference=part.get("police_reference", ""),
                risk_grade=part.get("risk_grade", ""),
                circumstances=part.get("circumstances", ""),
                last_seen_where=part.get("last_seen_where", ""),
                found_where=part.get("found_where", ""),
                police_officer=police[:400],
                tell_partner=False,
            )
        elif returned is not None and episode.returned_at is None:
            episode = case_services.episode_record_return(
                by=by,
                episode=episode,
                returned_at=returned,
                notified_at=notice.received_at,
                found_where=part.get("found_where", ""),
            )
        notice.child, notice.episode = child, episode
        notice.state = PartnerNotice.State.RECORDED
        notice.decided_by, notice.decided_at = by, timezone.now()
        notice.save()
    return notice


def notice_reopen(*, by: User, notice: PartnerNotice, reason: str) -> NoticeCorrection:
    """A notice recorded against the wrong child waits for a person again: the record of
    it is kept (`NoticeCorrection`). The episode it made must be entered in error first (as
    any episode is corrected); a request to hold an interview that was answered cannot be
    put back (withdraw or answer again with the partner instead)."""
    if not permissions.can_record_episode(by):
        raise PermissionDenied("only a coordinator or manager corrects a notice")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the notice was recorded against the wrong child"})
    if len(reason) > 500:
        raise ValidationError({"reason": "The reason must be 500 characters or fewer"})
    with transaction.atomic():
        notice = PartnerNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.state != PartnerNotice.State.RECORDED or notice.child is None:
            raise ValidationError({"reason": "This notice is not recorded: record it instead"})
        episode = notice.episode
        if episode is not None and episode.entered_in_error_at is None:
            raise ValidationError(
                {
                    "reason": f"First mark episode {episode.reference} as entered in error "
                    "(from its page), then put the notice back"
                }
            )
        asked = InterviewArrangement.objects.filter(notice=notice).first()
        if asked is not None and asked.state != InterviewArrangement.State.REQUESTED:
            raise ValidationError(
                {"reason": "The request was answered: it cannot be put back to wait"}
            )
        correction = NoticeCorrection.objects.create(
            notice=notice, child=notice.child, episode=episode, reason=reason, corrected_by=by
        )
        if asked is not None:
            InterviewArrangement.objects.filter(pk=asked.pk).update(child=None)
        notice.child, notice.episode, notice.linked_by = None, None, ""
        notice.state = PartnerNotice.State.WAITING
        notice.decided_by, notice.decided_at = None, None
        notice.save()
    return correction


def notice_new_child(*, by: User, notice: PartnerNotice) -> Child:
    """A new record of the child a notice is about (a child the partner placed here that
    this authority did not yet know), from what the partner said: its responsible and host
    authorities as the notice gives them."""
    from homeward.cases import services as case_services
    from homeward.organisations.models import Authority

    if not permissions.can_record_episode(by):
        raise PermissionDenied("only a coordinator or manager adds a child")
    payload = services.notice_payload(notice)
    about = payload["child"]
    home_code = services.own_code()
    codes = {"responsible": payload["responsible_authority"], "host": payload["host_authority"]}
    found = {role: Authority.objects.filter(gss_code=code).first() for role, code in codes.items()}
    for role, authority in found.items():
        if authority is None:
            raise ValidationError(
                {
                    "child": f"The {role} authority ({codes[role]}) is not set up here: ask an "
                    "administrator to add it, then record the notice"
                }
            )
    born = about.get("date_of_birth")
    host = found["host"]
    return case_services.child_create(
        by=by,
        first_name=about["given_names"],
        last_name=about["family_name"],
        date_of_birth=date.fromisoformat(born) if born else None,
        sex=about.get("sex", "unknown"),
        postcode=about.get("postcode", ""),
        responsible_authority=found["responsible"],
        host_authority=host if host is not None and host.gss_code != home_code else None,
    )


# --- placement notices ---------------------------------------------------------------------------

#: Why a placement notice is sent, by the responsible authority's nation.
PLACEMENT_REASON = {
    "england": "Notification of a placement in your area: Care Planning, Placement and Case "
    "Review (England) Regulations 2010, regulation 13(4) (its end: regulation 14(2)(c)(iii))",
    "wales": "Notification of a placement in your area, as the Welsh out-of-area placement "
    "notification protocol asks",
}
DEFAULT_PLACEMENT_REASON = "Notification of a placement in your area"


def placement_due(
    *,
    event: str,
    start: date,
    end: date | None,
    emergency: bool,
    nation: str,
    ended_at_once: bool = False,
) -> date | None:
    """The last day a placement notice is on time, by the responsible authority's nation's
    bank holidays (None: the regulations set no day):

    - its start: the day the placement starts (the notice goes before it is made), or for
      an emergency placement the fifth working day after it (reg 13(4));
    - its end: the day it ends (the host is told of the intention to end it, reg
      14(2)(c)(iii)), or when it was ended at once to protect the child or others
      (`ended_at_once`, reg 14(3)) the tenth working day after (reg 14(4));
    - a change: no day.

    Whether the placement itself began as an emergency (`emergency`) matters only to the
    notice of its start."""
    from homeward.standards.calendar import working_days_after
    from homeward.standards.nations import Nation

    if event == "start":
        return working_days_after(start, 5, Nation(nation)) if emergency else start
    if event == "end" and end is not None:
        return working_days_after(end, 10, Nation(nation)) if ended_at_once else end
    return None


def placement_notice_send(
    *,
    by: User,
    child: Child,
    event: str,
    emergency: bool,
    start: date,
    end: date | None = None,
    placement_type: str,
    provider: str = "",
    address: str = "",
    postcode: str = "",
    out_of_hours: str = "",
    ended_at_once: bool = False,
) -> PlacementNotice:
    """Tell the host authority of a placement this authority made in its area: its start,
    a change, or its end. Only for a child this authority is responsible for, placed in a
    partner's area; kept with the day it was due by (`placement_due`)."""
    from homeward.cases.models import RiskFlag

    if not permissions.can_record_episode(by):
        raise PermissionDenied("only a coordinator or manager sends a placement notice")
    home_code = services.own_code()
    responsible, host = child.responsible_authority, child.host_authority
    if responsible.gss_code != home_code:
        raise ValidationError("Only the responsible authority sends a placement notice")
    if host is None or host.gss_code == home_code:
        raise ValidationError("The child is not placed in another authority's area")
    partner = Partner.objects.filter(code=host.gss_code, active=True).first()
    if partner is None:
        raise ValidationError(f"{host.name} is not a partner: tell it another way")
    if event not in ("start", "change", "end"):
        raise ValidationError({"event": "Select what you are telling the host authority"})
    if start.year < fmt.EARLIEST_YEAR or (end is not None and end.year < fmt.EARLIEST_YEAR):
        raise ValidationError({"start": f"The dates must be in {fmt.EARLIEST_YEAR} or later"})
    if event == "end" and end is None:
        raise ValidationError({"end": "Enter the date the placement ended"})
    if end is not None and end < start:
        raise ValidationError(
            {"end": "The date the placement ended must be the same as or after its start"}
        )
    risks = sorted(
        {
            str(flag.get_kind_display())
            for flag in RiskFlag.objects.filter(child=child, ended_on__isnull=True)
        }
    )
    placement = {
        "type": placement_type,
        "provider": provider.strip()[:200] or None,
        "address": address.strip()[:500] or None,
        "postcode": postcode.strip().upper()[:8] or None,
        "start": start.isoformat(),
        "end": end.isoformat() if end else None,
    }
    contacts = {
        "social_worker": child.social_worker[:200] or None,
        "out_of_hours": out_of_hours.strip()[:200] or None,
    }
    payload = {
        "event": event,
        "emergency": emergency,
        "responsible_authority": home_code,
        "host_authority": host.gss_code,
        "child": _child_part(
            child, person_id=child.person_id, postcode=postcode.strip().upper()[:8]
        ),
        "placement": _given(placement),
        "contacts": _given(contacts),
        "risks": risks[:20],
    }
    profile = profile_part(child) if event != "end" else None
    if profile is not None:  # the host needs it the moment the child goes missing there
        payload["profile"] = profile
    with transaction.atomic():
        message = services.message_send(
            partner_code=partner.code,
            kind="placement.notice",
            payload=payload,
            reason=PLACEMENT_REASON.get(responsible.nation, DEFAULT_PLACEMENT_REASON),
            by=by,
            child_id=child.pk,
        )
        return PlacementNotice.objects.create(
            child=child,
            partner=partner,
            event=event,
            emergency=emergency,
            placement_start=start,
            placement_end=end,
            due_on=placement_due(
                event=event,
                start=start,
                end=end,
                emergency=emergency,
                nation=responsible.nation,
                ended_at_once=ended_at_once,
            ),
            message=message,
            sent_by=by,
        )


def profile_part(child: Child) -> dict[str, Any] | None:
    """The child's current Philomena Protocol profile as it travels (docs/profile.md), with
    the photo made small; None when the child has none."""
    from homeward.profiles import services as profile_services

    current = profile_services.current(child)
    return profile_services.travelling_copy(current) if current is not None else None


def placement_notice_receive(message: InboxMessage, envelope: fmt.Envelope) -> int | None:
    """Keep a responsible authority's placement notice for a person (as a missing notice
    is kept), and tell the coordinators."""
    payload = envelope.payload
    if payload["host_authority"] != services.own_code():
        raise fmt.MessageError("schema", "this authority is not the host authority", "payload")
    if payload["responsible_authority"] != message.partner.code:
        raise fmt.MessageError(
            "schema", "only the responsible authority sends a placement notice", "payload"
        )
    placement = payload["placement"]
    return _keep_notice(
        message,
        envelope,
        emergency=payload["emergency"],
        placement_start=date.fromisoformat(placement["start"]),
        placement_end=date.fromisoformat(placement["end"]) if placement.get("end") else None,
    )


# --- children's home admissions and discharges ----------------------------------------------------

#: Why a children's home notice is sent.
HOME_REASON = (
    "Notification of a child's admission to, or discharge from, a children's home in our "
    "area: Children's Homes (England) Regulations 2015, regulation 41"
)


def _home_parts(
    *,
    home_name: str,
    urn: str,
    postcode: str,
    accommodated_under: str,
    care_or_supervision_order: bool | None,
    iro_contact: str,
    ehc_plan: bool | None,
) -> dict[str, Any]:
    """The home's and the legal parts of a `home.notice`, as the notice carries them."""
    home = {"name": home_name.strip()[:200], "urn": urn.strip()[:10] or None,
            "postcode": postcode.strip().upper()[:8] or None}  # fmt: skip
    legal = {
        "accommodated_under": accommodated_under or None,
        "care_or_supervision_order": care_or_supervision_order,
        "iro_contact": iro_contact.strip()[:200] or None,
        "ehc_plan": ehc_plan,
    }
    return {"home": _given(home), "legal": _given(legal)}


def _home_event_check(event: str, on: date) -> None:
    if event not in ("admission", "discharge"):
        raise ValidationError({"event": "Select whether the child was admitted or discharged"})
    if on.year < fmt.EARLIEST_YEAR:
        raise ValidationError({"on": f"The date must be in {fmt.EARLIEST_YEAR} or later"})
    if on > timezone.localdate():
        raise ValidationError({"on": "The date must be today or in the past"})


def _home_notice_send(
    *, by: User, child: Child, event: str, on: date, parts: dict[str, Any]
) -> OutboxMessage | None:
    """Tell the child's responsible authority, when it is a partner and not this authority
    (a child this authority placed itself needs no notice: reg 41(2))."""
    home_code = services.own_code()
    responsible = child.responsible_authority
    if responsible.gss_code == home_code:
        return None
    partner = Partner.objects.filter(code=responsible.gss_code, active=True).first()
    if partner is None:
        return None
    return services.message_send(
        partner_code=partner.code,
        kind="home.notice",
        payload={
            "event": event,
            "on": on.isoformat(),
            "responsible_authority": responsible.gss_code,
            "host_authority": home_code,
            "child": _child_part(child),
            **parts,
        },
        reason=HOME_REASON,
        by=by,
        child_id=child.pk,
    )


def home_movement_record(
    *,
    by: User,
    child: Child,
    event: str,
    on: date,
    home_name: str,
    urn: str = "",
    postcode: str = "",
    accommodated_under: str = "",
    care_or_supervision_order: bool | None = None,
    iro_contact: str = "",
    ehc_plan: bool | None = None,
) -> HomeMovement:
    """Record that a child another authority placed here was admitted to, or discharged
    from, a children's home in this authority's area; when that authority is a partner, it
    is told at once, in the same transaction (reg 41 asks the home to notify without
    delay). A child this authority placed itself needs no notice (reg 41(2))."""
    if not permissions.can_record_episode(by):
        raise PermissionDenied("only a coordinator or manager records an admission or discharge")
    home_code = services.own_code()
    responsible, host = child.responsible_authority, child.host_authority
    if responsible.gss_code == home_code:
        raise ValidationError(
            "This authority placed the child: no admission or discharge notice is needed"
        )
    if host is not None and host.gss_code != home_code:
        raise ValidationError(
            f"The child is placed in {host.name}'s area: that authority records it"
        )
    _home_event_check(event, on)
    if not home_name.strip():
        raise ValidationError({"home_name": "Enter the name of the children's home"})
    parts = _home_parts(
        home_name=home_name,
        urn=urn,
        postcode=postcode,
        accommodated_under=accommodated_under,
        care_or_supervision_order=care_or_supervision_order,
        iro_contact=iro_contact,
        ehc_plan=ehc_plan,
    )
    with transaction.atomic():
        message = _home_notice_send(by=by, child=child, event=event, on=on, parts=parts)
        return HomeMovement.objects.create(
            child=child,
            event=event,
            on=on,
            home_name=home_name.strip()[:200],
            urn=urn.strip()[:10],
            message=message,
            recorded_by=by,
        )


def _placed_here_by(responsible: Authority) -> QuerySet[Child]:
    """The children `responsible` placed in this authority's area (all of this authority's
    own children, when it is the responsible one)."""
    from homeward.cases.models import Child

    children = Child.objects.filter(responsible_authority=responsible)
    if responsible.is_home:
        return children
    return children.filter(Q(host_authority__isnull=True) | Q(host_authority__is_home=True))


def _same_name(child: Child, given_names: str, family_name: str) -> bool:
    """The same first given name and family name, whatever the case and spacing."""

    def words(text: str) -> list[str]:
        return text.casefold().split()

    given = words(given_names)
    return (
        bool(given)
        and words(child.first_name)[:1] == given[:1]
        and words(child.last_name) == words(family_name)
    )


def home_report_record(
    *,
    by: User,
    given_names: str,
    family_name: str,
    date_of_birth: date,
    responsible_gss_code: str,
    event: str,
    on: date,
    postcode: str = "",
    accommodated_under: str = "",
    care_or_supervision_order: bool | None = None,
    iro_contact: str = "",
    ehc_plan: bool | None = None,
) -> HomeMovement:
    """A children's home's staff record an admission or discharge at their home (reg 41:
    the home notifies the authority of its area, and the placing authority).

    The child is named as the home knows them. When exactly one child the named authority
    placed here has the same first given name, family name and date of birth, it is
    recorded for that child and the responsible authority, when a partner, is told at once;
    otherwise it waits for a coordinator to say which child it is (`home_report_link`).
    Either way the coordinators are emailed (with no name)."""
    from homeward.organisations.models import Authority

    home = permissions.home_of(by)
    if home is None:
        raise PermissionDenied("only a children's home's staff record their home's admissions")
    given_names, family_name = given_names.strip(), family_name.strip()
    if not given_names:
        raise ValidationError({"given_names": "Enter the child's given names"})
    if not family_name:
        raise ValidationError({"family_name": "Enter the child's family name"})
    if len(given_names) > 100 or len(family_name) > 100:
        raise ValidationError({"given_names": "Each name must be 100 characters or fewer"})
    if date_of_birth > timezone.localdate():
        raise ValidationError({"date_of_birth": "The date of birth must be in the past"})
    if date_of_birth.year < 1990:
        raise ValidationError({"date_of_birth": "The date of birth must be in 1990 or later"})
    responsible = Authority.objects.filter(gss_code=responsible_gss_code.strip().upper()).first()
    if responsible is None:
        raise ValidationError({"responsible": "Select the authority that placed the child"})
    _home_event_check(event, on)
    if on < date_of_birth:
        raise ValidationError({"on": "The date must be after the child's date of birth"})
    parts = _home_parts(
        home_name=home.name,
        urn=home.code.upper(),
        postcode=postcode,
        accommodated_under=accommodated_under,
        care_or_supervision_order=care_or_supervision_order,
        iro_contact=iro_contact,
        ehc_plan=ehc_plan,
    )
    reported = {
        "given_names": given_names,
        "family_name": family_name,
        "date_of_birth": date_of_birth.isoformat(),
        **parts,
    }
    candidates = [
        child
        for child in _placed_here_by(responsible).filter(date_of_birth=date_of_birth)
        if _same_name(child, given_names, family_name)
    ]
    child = candidates[0] if len(candidates) == 1 else None
    with transaction.atomic():
        message = (
            _home_notice_send(by=by, child=child, event=event, on=on, parts=parts)
            if child is not None
            else None
        )
        movement = HomeMovement.objects.create(
            child=child,
            event=event,
            on=on,
            home_name=home.name[:200],
            urn=home.code.upper()[:10],
            home=home,
            responsible_authority=responsible,
            reported=reported,
            message=message,
            recorded_by=by,
            linked_at=timezone.now() if child is not None else None,
        )
        what = event  # "admission" or "discharge", checked above
        services.tell_coordinators(
            f"{home.name} recorded an {what}",
            [
                f"{home.name} recorded an {what} on {on:%d %B %Y} of a child placed by "
                f"{responsible.name}.",
                (
                    f"It is recorded for our child {child.reference}"
                    + (f", and {responsible.name} is being told." if message else ".")
                    if child is not None
                    else "homeward could not tell which child it is: say which on "
                    '"Children placed here by other authorities".'
                ),
                "",
                f"Record: {movement.pk} (no name is sent by email)",
            ],
        )
    return movement


def home_report_link(*, by: User, movement: HomeMovement, child: Child) -> HomeMovement:
    """A coordinator says which child a home's admission or discharge is about: it is
    recorded for them and, when their responsible authority is a partner, told to it."""
    if not permissions.can_record_episode(by):
        raise PermissionDenied("only a coordinator or manager says which child it is")
    with transaction.atomic():
        movement = HomeMovement.objects.select_for_update().get(pk=movement.pk)
        if movement.child_id is not None:
            raise ValidationError({"child": "It is recorded for a child already"})
        if movement.entered_in_error_at is not None:
            raise ValidationError({"child": "It was recorded by mistake"})
        responsible = movement.responsible_authority
        if responsible is None or not _placed_here_by(responsible).filter(pk=child.pk).exists():
            raise ValidationError({"child": "Select a child that authority placed in our area"})
        parts = {
            "home": movement.reported.get("home", {}),
            "legal": movement.reported.get("legal", {}),
        }
        movement.message = _home_notice_send(
            by=by, child=child, event=movement.event, on=movement.on, parts=parts
        )
        movement.child = child
        movement.linked_by, movement.linked_at = by, timezone.now()
        movement.save()
    return movement


def home_report_candidates(movement: HomeMovement) -> list[Child]:
    """The children a waiting admission or discharge may be about: those its responsible
    authority placed here, the same date of birth first, then by name."""
    if movement.responsible_authority is None:
        return []
    born = movement.reported.get("date_of_birth")
    children = list(
        _placed_here_by(movement.responsible_authority).order_by("last_name", "first_name", "pk")[
            :500
        ]
    )
    return sorted(
        children,
        key=lambda c: (
            (c.date_of_birth.isoformat() if c.date_of_birth else "") != born,
            not _same_name(
                c,
                movement.reported.get("given_names", ""),
                movement.reported.get("family_name", ""),
            ),
        ),
    )


def home_movement_mark_in_error(*, by: User, movement: HomeMovement, reason: str) -> HomeMovement:
    """An admission or discharge recorded by mistake: kept and marked, with who, when and
    why; when the responsible authority was told, it is told it was a mistake (the same
    notice, marked `entered_in_error`)."""
    if not permissions.can_correct_home_movement(by, movement):
        raise PermissionDenied(
            "only a coordinator, a manager or the home's staff correct an admission or discharge"
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why it was recorded by mistake"})
    if len(reason) > 500:
        raise ValidationError({"reason": "The reason must be 500 characters or fewer"})
    with transaction.atomic():
        movement = HomeMovement.objects.select_for_update().get(pk=movement.pk)
        if movement.entered_in_error_at is not None:
            raise ValidationError({"reason": "It is marked as recorded by mistake already"})
        told = movement.message
        if told is not None and told.partner.active:
            payload = {**json.loads(told.payload), "entered_in_error": True}
            movement.correction = services.message_send(
                partner_code=told.partner.code,
                kind="home.notice",
                payload=payload,
                reason=HOME_REASON,
                by=by,
                child_id=movement.child_id,
            )
        movement.entered_in_error_at = timezone.now()
        movement.entered_in_error_by, movement.entered_in_error_reason = by, reason
        movement.save()
    return movement


def home_notice_receive(message: InboxMessage, envelope: fmt.Envelope) -> int | None:
    """Keep a host's admission or discharge notice for a person to record (as a missing
    notice is kept), and tell the coordinators."""
    payload = envelope.payload
    if payload["responsible_authority"] != services.own_code():
        raise fmt.MessageError(
            "schema", "this authority is not the child's responsible authority", "payload"
        )
    if payload["host_authority"] != message.partner.code:
        raise fmt.MessageError("schema", "only the host authority sends this notice", "payload")
    event = payload["event"] + ("_in_error" if payload.get("entered_in_error") else "")
    return _keep_notice(
        message, envelope, event=event, placement_start=date.fromisoformat(payload["on"])
    )
