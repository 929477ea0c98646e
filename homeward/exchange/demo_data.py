"""The demo's exchange with a neighbouring authority (docs/exchange.md): the first
neighbour is a partner (its keys made up here, its address one that does not exist, so what
is sent to it waits, listed as not delivered), two placement notices sent to it, and a
placement notice and a missing notice received from it, waiting for a coordinator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.cases.models import Child
from homeward.exchange import notices, services
from homeward.exchange.models import Partner, PartnerNotice
from homeward.formats import exchange as fmt


@dataclass(frozen=True)
class ExchangeSummary:
    partner: Partner | None
    sent: int
    waiting: int


def seed_exchange(*, by: User) -> ExchangeSummary:
    home = services.own_code()
    placed = list(
        Child.objects.filter(responsible_authority__gss_code=home, host_authority__isnull=False)
        .exclude(host_authority__gss_code=home)
        .select_related("host_authority")
        .order_by("pk")[:50]
    )
    if not placed:
        return ExchangeSummary(None, 0, 0)
    neighbour = placed[0].host_authority
    assert neighbour is not None
    keys = fmt.KeyPair.generate()  # the neighbour's: made up, kept nowhere
    slug = "".join(c for c in neighbour.name.lower() if c.isalpha())[:30]
    partner = services.partner_add(
        code=neighbour.gss_code, url=f"https://homeward.{slug}.example", jwks=keys.public_jwks()
    )
    ours = [child for child in placed if child.host_authority_id == neighbour.pk]
    today = timezone.localdate()
    sent = 0
    with transaction.atomic():
        for number, child in enumerate(ours[:2]):
            notices.placement_notice_send(
                by=by,
                child=child,
                event="start",
                emergency=number == 0,
                start=today - timedelta(days=3 + 7 * number),
                placement_type=child.placement_type or "foster",
                provider="Birchwood Children's Home (fictional)",
                out_of_hours="Emergency duty team, 0300 000 0000 (fictional)",
            )
            sent += 1
    published = services.own_public_jwks()
    hosted = (
        Child.objects.filter(responsible_authority=neighbour).order_by("pk").first() or ours[-1]
    )
    about = {
        "reference": "NB-C-000101",
        "given_names": hosted.first_name,
        "family_name": hosted.last_name,
    }
    if hosted.date_of_birth is not None:
        about["date_of_birth"] = hosted.date_of_birth.isoformat()
    started = timezone.now() - timedelta(hours=7)
    messages = [
        (
            "placement.notice",
            {
                "event": "start",
                "emergency": True,
                "responsible_authority": neighbour.gss_code,
                "host_authority": home,
                "child": about,
                "placement": {"type": "childrens_home", "start": today.isoformat()},
                "contacts": {"out_of_hours": "Emergency duty team (fictional)"},
                "risks": ["Child criminal exploitation"],
            },
        ),
        (
            "missing.notice",
            {
                "event": "missing",
                "responsible_authority": home,
                "host_authority": neighbour.gss_code,
                "child": {
                    "reference": "NB-C-000102",
                    "given_names": ours[0].first_name,
                    "family_name": ours[0].last_name,
                    **(
                        {"date_of_birth": ours[0].date_of_birth.isoformat()}
                        if ours[0].date_of_birth
                        else {}
                    ),
                },
                "episode": {
                    "reference": "NB-E-004711",
                    "category": "missing",
                    "missing_from": "care",
                    "started_at": started.isoformat(),
                    "risk_grade": "medium",
                    "police_force": "Neighbouring Police (fictional)",
                    "police_reference": "NP-2026-004711",
                    "circumstances": "Did not come back to the placement after school.",
                },
            },
        ),
    ]
    if hosted.responsible_authority_id == neighbour.pk:
        # The neighbour asks us to hold the return interview of the child it placed here.
        messages.append(
            (
                "interview.request",
                {
                    "event": "request",
                    "arrangement": "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
                    "responsible_authority": neighbour.gss_code,
                    "host_authority": home,
                    "child": about,
                    "interview": {
                        "reference": "NB-RI-000212",
                        "due_at": (timezone.now() + timedelta(hours=40)).isoformat(),
                        "due_rule": "72 hours from the return (their clock)",
                        "note": "Would rather meet at school, with the learning mentor nearby.",
                    },
                },
            )
        )
    for kind, payload in messages:
        envelope = fmt.Envelope(
            fmt.new_message_id(), kind, neighbour.gss_code, home, "demo notice", payload
        )
        token = fmt.seal(
            envelope,
            signing_key=keys.signing,
            recipient_key=fmt.read_jwks(published)["enc"][0],
            now=timezone.now(),
        )
        services.inbox_receive(token=token.encode())
    _ask_the_neighbour(by=by, children=ours)
    _the_home_tells_us(hosted)
    waiting = PartnerNotice.objects.filter(state=PartnerNotice.State.WAITING).count()
    return ExchangeSummary(partner, sent, waiting)


def _the_home_tells_us(hosted: Child) -> None:
    """The children's home's staff record two admissions: the child the neighbour placed
    here (known: recorded for them and told to the neighbour) and a child homeward cannot
    tell (waiting for a coordinator to say which)."""
    staff = User.objects.filter(role=Role.HOME_STAFF).order_by("pk").first()
    if staff is None or hosted.date_of_birth is None or hosted.responsible_authority.is_home:
        return
    today = timezone.localdate()
    for given, family, born in (
        (hosted.first_name, hosted.last_name, hosted.date_of_birth),
        ("Rowan", "Ashdown", hosted.date_of_birth),
    ):
        notices.home_report_record(
            by=staff,
            given_names=given,
            family_name=family,
            date_of_birth=born,
            responsible_gss_code=hosted.responsible_authority.gss_code,
            event="admission",
            on=today - timedelta(days=1),
            accommodated_under="section_20",
        )


def _ask_the_neighbour(*, by: User, children: list[Child]) -> None:
    """We ask the neighbour to hold the open interview of one of our children placed there
    (it waits for its answer: the neighbour is made up)."""
    from django.core.exceptions import ValidationError

    from homeward.cases.models import ReturnInterview
    from homeward.exchange import arrangements

    for interview in ReturnInterview.objects.filter(
        child__in=children, held_at__isnull=True, outcome="pending", due_at__isnull=False
    ).order_by("due_at")[:5]:
        if arrangements.why_not_ask(interview):
            continue
        try:
            with transaction.atomic():
                arrangements.request_send(
                    by=by, interview=interview, note="Knows the key worker at the home well."
                )
        except ValidationError:
            continue
        return
