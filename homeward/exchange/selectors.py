"""Reads of the exchange (docs/exchange.md): the partners, their keys and how their
messages fare. Nothing here names a child: messages are shown by id, kind and state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from homeward.exchange import services
from homeward.exchange.models import (
    HomeMovement,
    InboxMessage,
    InstanceKey,
    InterviewArrangement,
    OutboxMessage,
    Partner,
    PartnerKey,
    PartnerNotice,
    PlacementNotice,
)
from homeward.organisations.models import Organisation

#: A message still waiting after this long is listed as not delivered (it has failed at
#: least a few attempts by then: 1 + 2 + 4 + 8 + 16 minutes).
LATE_AFTER = timedelta(minutes=30)


@dataclass(frozen=True)
class PartnerRow:
    partner: Partner
    waiting: int
    refused: int
    delivered: int
    received: int


def partners() -> list[PartnerRow]:
    """Every partner, active first, with its messages counted by state."""
    rows = Partner.objects.annotate(
        waiting=Count("outbox", filter=Q(outbox__state=OutboxMessage.State.PENDING), distinct=True),
        refused=Count("outbox", filter=Q(outbox__state=OutboxMessage.State.REFUSED), distinct=True),
        delivered=Count(
            "outbox", filter=Q(outbox__state=OutboxMessage.State.DELIVERED), distinct=True
        ),
        received=Count("inbox", distinct=True),
    ).order_by("-active", "name")
    return [
        PartnerRow(row, row.waiting, row.refused, row.delivered, row.received)  # type: ignore[attr-defined]
        for row in rows
    ]


def partner(code: str) -> Partner | None:
    return Partner.objects.filter(code=code.strip().upper()).first()


def keys_of(partner: Partner) -> QuerySet[PartnerKey]:
    return partner.keys.order_by("retire_at", "-added_at")


def not_delivered(*, now: datetime | None = None) -> QuerySet[OutboxMessage]:
    """Messages a person should know about: refused, or waiting longer than `LATE_AFTER`
    (the oldest first)."""
    now = now or timezone.now()
    return (
        OutboxMessage.objects.filter(
            Q(state=OutboxMessage.State.REFUSED)
            | Q(state=OutboxMessage.State.PENDING, created_at__lte=now - LATE_AFTER)
        )
        .select_related("partner")
        .order_by("created_at")
    )


def outbox_of(partner: Partner, limit: int = 50) -> QuerySet[OutboxMessage]:
    return partner.outbox.order_by("-created_at")[:limit]


def inbox_of(partner: Partner, limit: int = 50) -> QuerySet[InboxMessage]:
    return partner.inbox.order_by("-received_at")[:limit]


@dataclass(frozen=True)
class OwnKey:
    use: str
    kid: str
    retires: datetime | None


def own_keys(*, now: datetime | None = None) -> list[OwnKey]:
    """This instance's keys in force, as published: (use, thumbprint, when it retires)."""
    now = now or timezone.now()
    services.own_key_current()
    listed = []
    for key in InstanceKey.objects.exclude(retire_at__lte=now):
        listed.append(OwnKey("sig", key.signing_kid, key.retire_at))
        listed.append(OwnKey("enc", key.encryption_kid, key.retire_at))
    return listed


def notices_waiting() -> QuerySet[PartnerNotice]:
    """Partners' notices no person has recorded yet, the oldest first."""
    return (
        PartnerNotice.objects.filter(state=PartnerNotice.State.WAITING)
        .select_related("partner", "child")
        .order_by("received_at", "pk")
    )


def home_reports_waiting() -> QuerySet[HomeMovement]:
    """Admissions and discharges a children's home's staff recorded that no child is known
    for yet (a coordinator says which), the oldest first."""
    return (
        HomeMovement.objects.filter(child__isnull=True, entered_in_error_at__isnull=True)
        .select_related("home", "responsible_authority")
        .order_by("recorded_at", "pk")
    )


def home_movements_of(home: Organisation) -> QuerySet[HomeMovement]:
    """What a children's home's staff recorded, the latest first (never more)."""
    return (
        HomeMovement.objects.filter(home=home)
        .select_related("responsible_authority", "recorded_by", "message__partner")
        .order_by("-recorded_at", "-pk")
    )


def notices_recorded() -> QuerySet[PartnerNotice]:
    return (
        PartnerNotice.objects.filter(state=PartnerNotice.State.RECORDED)
        .select_related("partner", "child", "episode", "decided_by")
        .order_by("-decided_at", "-pk")
    )


def notice(pk: int) -> PartnerNotice | None:
    return (
        PartnerNotice.objects.select_related("partner", "child", "episode", "message")
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class Awaited:
    """Something awaited about a child placed across the boundary: what, by when (None: no
    time set), and whether that time has passed."""

    what: str
    due_at: datetime | None
    overdue: bool


def _awaited(children: list[Any], *, now: datetime) -> dict[int, list[Awaited]]:
    """What is awaited of each child's open return interview arrangements: the answer to a
    request, the outcome of an interview held by the host, or (asked of us) our answer and
    the interview we hold, each by the responsible authority's due point."""
    A = InterviewArrangement
    found: dict[int, list[Awaited]] = {}
    rows = (
        A.objects.filter(child__in=children, state__in=(A.State.REQUESTED, A.State.ACCEPTED))
        .select_related("partner", "interview")
        .order_by("requested_at", "pk")
    )
    for row in rows:
        interview = row.interview
        if row.role == A.Role.ASKED:
            reference = interview.reference if interview is not None else ""
            what = (
                f"{row.partner.name}'s answer: asked to hold interview {reference}"
                if row.state == A.State.REQUESTED
                else f"The outcome of interview {reference}, held by {row.partner.name}"
            )
        elif row.state == A.State.REQUESTED:
            what = f"Our answer to {row.partner.name}: will we hold their interview?"
        elif interview is not None and interview.signed_off_at is None:
            what = f"Interview {interview.reference}, held here for {row.partner.name}"
        else:
            continue
        overdue = row.due_at is not None and row.due_at < now
        found.setdefault(row.child_id, []).append(Awaited(what, row.due_at, overdue))  # type: ignore[arg-type]
    return found


@dataclass(frozen=True)
class PlacedElsewhere:
    child: Any
    partner: Partner | None
    latest: PlacementNotice | None
    awaited: list[Awaited]


def placed_elsewhere() -> list[PlacedElsewhere]:
    """This authority's children placed in another authority's area (the host set), with
    the host's partner record (None: not on the exchange) and the latest placement notice
    sent about each."""
    from homeward.cases.models import Child

    code = services.own_code()
    children = list(
        Child.objects.filter(responsible_authority__gss_code=code, host_authority__isnull=False)
        .exclude(host_authority__gss_code=code)
        .select_related("host_authority")
        .order_by("last_name", "first_name")[:500]
    )
    partners = {p.code: p for p in Partner.objects.filter(active=True)}
    latest: dict[int, PlacementNotice] = {}
    for notice in (
        PlacementNotice.objects.filter(child__in=children)
        .select_related("message")
        .order_by("sent_at", "pk")
    ):
        latest[notice.child_id] = notice
    awaited = _awaited(children, now=timezone.now())
    return [
        PlacedElsewhere(
            child,
            partners.get(child.host_authority.gss_code),
            latest.get(child.pk),
            awaited.get(child.pk, []),
        )
        for child in children
    ]


@dataclass(frozen=True)
class PlacedHere:
    child: Any
    latest: PartnerNotice | None
    home: HomeMovement | None = None
    awaited: tuple[Awaited, ...] = ()
    #: The notice of the placement's start: when it was received, the day it was due by
    #: (the responsible authority's nation's working days), and whether it came in time.
    start_notice: PartnerNotice | None = None
    start_due_on: date | None = None
    start_on_time: bool | None = None


def placed_here() -> list[PlacedHere]:
    """Children another authority placed in this one's area (their responsible authority
    is another), with the latest notice recorded about each."""
    from homeward.cases.models import Child

    code = services.own_code()
    children = list(
        Child.objects.exclude(responsible_authority__gss_code=code)
        .select_related("responsible_authority")
        .order_by("last_name", "first_name")[:500]
    )
    latest: dict[int, PartnerNotice] = {}
    for notice in (
        PartnerNotice.objects.filter(child__in=children)
        .select_related("partner")
        .order_by("received_at", "pk")
    ):
        latest[notice.child_id] = notice  # type: ignore[index]
    homes: dict[int, HomeMovement] = {}
    for movement in HomeMovement.objects.filter(child__in=children).order_by("on", "pk"):
        homes[movement.child_id] = movement
    awaited = _awaited(children, now=timezone.now())
    starts: dict[int, PartnerNotice] = {}
    for notice in PartnerNotice.objects.filter(
        child__in=children, kind="placement.notice", event="start"
    ).order_by("received_at", "pk"):
        starts[notice.child_id] = notice  # type: ignore[index]
    rows = []
    for child in children:
        start = starts.get(child.pk)
        due, on_time = _start_timeliness(start, child) if start is not None else (None, None)
        rows.append(
            PlacedHere(
                child,
                latest.get(child.pk),
                homes.get(child.pk),
                tuple(awaited.get(child.pk, [])),
                start,
                due,
                on_time,
            )
        )
    return rows


def _start_timeliness(notice: PartnerNotice, child: Any) -> tuple[date | None, bool | None]:
    """The day a placement's start notice was due by, and whether it came by then."""
    from homeward.exchange.notices import placement_due

    if notice.placement_start is None:
        return None, None
    due = placement_due(
        event="start",
        start=notice.placement_start,
        end=None,
        emergency=bool(notice.emergency),
        nation=child.responsible_authority.nation,
    )
    if due is None:
        return None, None
    return due, timezone.localdate(notice.received_at) <= due


# --- return interview arrangements ---------------------------------------------------------------


def asked_of_us() -> list[InterviewArrangement]:
    """Requests other authorities made of this one to hold a return interview: those
    waiting for an answer first (the soonest due first), then the latest 100 others."""
    rows = InterviewArrangement.objects.filter(
        role=InterviewArrangement.Role.ASKED_OF_US
    ).select_related("partner", "child", "interview", "notice")
    waiting = list(
        rows.filter(state=InterviewArrangement.State.REQUESTED).order_by(
            "due_at", "requested_at", "pk"
        )
    )
    others = list(
        rows.exclude(state=InterviewArrangement.State.REQUESTED).order_by("-requested_at", "-pk")[
            :100
        ]
    )
    return waiting + others


def arrangement(pk: int) -> InterviewArrangement | None:
    return (
        InterviewArrangement.objects.select_related(
            "partner", "child", "interview", "notice", "notice__message", "answered_by"
        )
        .filter(pk=pk)
        .first()
    )


def arrangements_of(interview: Any) -> list[InterviewArrangement]:
    """Every arrangement made about the interview, the latest first."""
    return list(
        InterviewArrangement.objects.filter(interview=interview)
        .select_related("partner", "requested_by")
        .order_by("-requested_at", "-pk")
    )
