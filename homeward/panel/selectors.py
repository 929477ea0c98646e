"""Reads for the multi-agency panel: the panel list as of a day (the active triggers over
each child's records), a meeting's pack, the actions still to do, and the network of places
and adults that link the children of a meeting.

Every read that shows a child is checked (`accounts.permissions.can_view_panel`) and
written to the access log, one event per child shown.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from homeward.accounts import permissions
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record_children
from homeward.cases import codes
from homeward.cases.models import (
    IN_COUNT,
    AdultOfConcern,
    Child,
    Episode,
    PlaceOfConcern,
    ReturnInterview,
    RiskFlag,
)
from homeward.formats.degrade import postcode_district
from homeward.panel.models import PanelAction, PanelListing, PanelMeeting, PanelTrigger
from homeward.panelrules import linking
from homeward.panelrules.triggers import (
    ChildFacts,
    EpisodeFact,
    HarmFact,
    Reason,
    RiskFlagFact,
    Trigger,
    evaluate,
    lookback_days,
    mark_first_from_care,
    window_start,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from homeward.accounts.models import User

#: How far back a pack's episodes and interview themes go.
PACK_DAYS = 365
#: How much of a push or pull factor a pack shows.
SUMMARY_CHARACTERS = 240
#: How many of a child's latest interviews a pack summarises.
PACK_INTERVIEWS = 3


def require_view(user: User) -> None:
    if not permissions.can_view_panel(user):
        raise PermissionDenied("the multi-agency panel")


def labels() -> dict[str, str]:
    """The words of risk flag kinds and harms, for reasons (`panelrules.triggers`)."""
    words = {f"risk.{value}": str(label) for value, label in codes.RiskKind.choices}
    words.update({f"harm.{value}": str(label) for value, label in codes.Harm.choices})
    return words


def _day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def active_triggers() -> list[Trigger]:
    return [
        Trigger(t.kind, t.parameters, t.label) for t in PanelTrigger.objects.filter(active=True)
    ]


def child_facts(child_ids: list[int], as_of: date) -> dict[int, ChildFacts]:
    """What the triggers need of each child, as it stood at the end of `as_of`: episodes
    (with the first from care of the current period of care marked), risk flags, and the
    harms recorded by interviews held by then. Three queries; nothing encrypted is read."""
    end = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), datetime.min.time()))
    care_since = dict(
        Child.objects.filter(pk__in=child_ids).values_list("pk", "looked_after_since")
    )
    episodes: dict[int, list[EpisodeFact]] = defaultdict(list)
    rows = Episode.objects.filter(IN_COUNT, child_id__in=child_ids, started_at__lt=end).values_list(
        "child_id", "reference", "started_at", "category", "missing_from", "risk_grade"
    )
    for child_id, reference, started, category, missing_from, grade in rows:
        episodes[child_id].append(
            EpisodeFact(_day(started), category, missing_from, grade or "", reference=reference)
        )
    flags: dict[int, list[RiskFlagFact]] = defaultdict(list)
    for child_id, kind, noted_on, ended_on in RiskFlag.objects.filter(
        child_id__in=child_ids
    ).values_list("child_id", "kind", "noted_on", "ended_on"):
        flags[child_id].append(RiskFlagFact(kind, noted_on, ended_on))
    harms: dict[int, list[HarmFact]] = defaultdict(list)
    for child_id, held_at, codes_ in ReturnInterview.objects.filter(
        IN_COUNT, child_id__in=child_ids, held_at__lt=end
    ).values_list("child_id", "held_at", "harms"):
        harms[child_id].extend(HarmFact(code, _day(held_at)) for code in codes_ or ())
    return {
        cid: ChildFacts(
            cid,
            mark_first_from_care(episodes[cid], care_since.get(cid)),
            tuple(flags[cid]),
            tuple(harms[cid]),
        )
        for cid in child_ids
    }


def _candidates(triggers: list[Trigger], as_of: date) -> list[int]:
    """Children any trigger could list: an episode, an interview held, or an open risk
    flag within the longest window (the triggers then decide)."""
    start = window_start(as_of, lookback_days(triggers))
    begin = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), datetime.min.time()))
    ids = set(
        Episode.objects.filter(IN_COUNT, started_at__gte=begin, started_at__lt=end).values_list(
            "child_id", flat=True
        )
    )
    ids.update(
        ReturnInterview.objects.filter(IN_COUNT, held_at__gte=begin, held_at__lt=end)
        .exclude(harms=[])
        .values_list("child_id", flat=True)
    )
    ids.update(
        RiskFlag.objects.filter(noted_on__lte=as_of)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=as_of))
        .values_list("child_id", flat=True)
    )
    return sorted(ids)


@dataclass(frozen=True)
class PanelEntry:
    child: Child
    reasons: list[Reason]


def reasons_for(child_ids: list[int], as_of: date) -> dict[int, list[Reason]]:
    """Each child's reasons under the active triggers as of `as_of` (none: not listed)."""
    triggers = active_triggers()
    if not triggers:
        return {cid: [] for cid in child_ids}
    words = labels()
    facts = child_facts(child_ids, as_of)
    return {cid: evaluate(triggers, facts[cid], as_of, labels=words) for cid in child_ids}


def listed(as_of: date) -> dict[int, list[Reason]]:
    """The children the active triggers list as of `as_of`, with their reasons."""
    triggers = active_triggers()
    if not triggers:
        return {}
    return {cid: r for cid, r in reasons_for(_candidates(triggers, as_of), as_of).items() if r}


def panel_list(*, user: User, as_of: date, request: HttpRequest | None = None) -> list[PanelEntry]:
    """The children the active triggers put on the panel list as of `as_of`, with the
    reasons, by name; each child listed is logged as viewed."""
    require_view(user)
    reasons = listed(as_of)
    children = Child.objects.filter(pk__in=reasons).only(
        "reference", "first_name", "last_name", "date_of_birth"
    )
    entries = [PanelEntry(child, reasons[child.pk]) for child in children]
    if entries:
        access_record_children(
            user=user,
            action=AccessEvent.Action.VIEW,
            what=f"panel list as of {as_of.isoformat()}",
            child_ids=[e.child.pk for e in entries],
            request=request,
        )
    return entries


def meetings() -> list[PanelMeeting]:
    return list(PanelMeeting.objects.all()[:50])


@dataclass(frozen=True)
class Themes:
    """What the child's latest interviews found: harms (how many interviews recorded each)
    and the push and pull factors, shortened."""

    harms: list[tuple[str, int]]
    interviews: list[dict[str, object]]


@dataclass
class PackChild:
    listing: PanelListing
    child: Child
    episodes: list[Episode]
    themes: Themes
    outstanding: list[PanelAction]
    decisions: list[object] = field(default_factory=list)
    actions: list[PanelAction] = field(default_factory=list)


@dataclass
class Pack:
    meeting: PanelMeeting
    children: list[PackChild]
    network: linking.Network
    layout: linking.Layout
    labels: dict[int, str]

    @property
    def child_ids(self) -> list[int]:
        return [c.child.pk for c in self.children]


def _shorten(text: str | None) -> str:
    words = " ".join((text or "").split())
    if len(words) <= SUMMARY_CHARACTERS:
        return words
    return words[: SUMMARY_CHARACTERS - 1].rsplit(" ", 1)[0] + "…"


def _themes(child: Child, since: datetime) -> Themes:
    interviews = list(
        child.interviews.filter(held_at__gte=since)
        .order_by("-held_at")
        .only("reference", "held_at", "harms", "push_factors", "pull_factors")
    )
    harm_words = dict(codes.Harm.choices)
    counted = Counter(code for i in interviews for code in dict.fromkeys(i.harms or ()))
    return Themes(
        harms=[(str(harm_words.get(code, code)), n) for code, n in counted.most_common()],
        interviews=[
            {
                "reference": i.reference,
                "held_at": i.held_at,
                "push": _shorten(i.push_factors),
                "pull": _shorten(i.pull_factors),
            }
            for i in interviews[:PACK_INTERVIEWS]
        ],
    )


def outstanding_actions(*, user: User, child_ids: list[int] | None = None) -> list[PanelAction]:
    """Actions not yet done, the soonest due first (so the overdue come first), each with
    its listing's child and meeting."""
    require_view(user)
    actions = PanelAction.objects.filter(done_at__isnull=True).select_related(
        "listing__child", "listing__meeting"
    )
    if child_ids is not None:
        actions = actions.filter(listing__child_id__in=child_ids)
    return list(actions.order_by("due_on", "pk"))


def network_for(child_labels: dict[int, str], *, degrade: bool = False) -> linking.Network:
    """The places and adults the children mentioned in any interview, as a network.

    With `degrade` (a pack leaving the authority) a place known only by its postcode is
    shown by its district; places are still told apart by their full postcodes."""
    ids = list(child_labels)
    places = [
        linking.PlaceMention(
            child_id,
            description
            if description.strip() or not degrade
            else f"Somewhere in {postcode_district(postcode)}",
            postcode,
        )
        for child_id, description, postcode in PlaceOfConcern.objects.filter(
            IN_COUNT, interview__child_id__in=ids
        ).values_list("interview__child_id", "description", "postcode")
    ]
    adults = [
        linking.AdultMention(a.interview.child_id, a.description)
        for a in AdultOfConcern.objects.filter(IN_COUNT, interview__child_id__in=ids)
        .select_related("interview")
        .only("description", "interview__child_id")
    ]
    return linking.build_network(child_labels, places, adults)


def meeting_pack(
    *,
    user: User,
    meeting_id: int,
    request: HttpRequest | None = None,
    today: date | None = None,
    log: bool = True,
    degrade: bool = False,
) -> Pack:
    """A meeting's pack: each listed child's episodes and interview themes of the last
    `PACK_DAYS` days, their outstanding actions, this meeting's decisions and actions, and
    the places and adults that link the children. Each child is logged as viewed (`log`)."""
    require_view(user)
    meeting = PanelMeeting.objects.get(pk=meeting_id)
    today = today or timezone.localdate()
    since = timezone.make_aware(
        datetime.combine(today - timedelta(days=PACK_DAYS), datetime.min.time())
    )
    listings = list(
        meeting.listings.select_related("child").prefetch_related("decisions", "actions")
    )
    child_ids = [listing.child_id for listing in listings]
    outstanding: dict[int, list[PanelAction]] = defaultdict(list)
    for action in outstanding_actions(user=user, child_ids=child_ids):
        outstanding[action.listing.child_id].append(action)
    children = [
        PackChild(
            listing=listing,
            child=listing.child,
            episodes=list(
                listing.child.episodes.filter(started_at__gte=since)
                .order_by("-started_at")
                .defer("circumstances")
            ),
            themes=_themes(listing.child, since),
            outstanding=outstanding[listing.child_id],
            decisions=list(listing.decisions.all()),
            actions=list(listing.actions.all()),
        )
        for listing in listings
    ]
    names = {c.child.pk: f"{c.child.full_name} ({c.child.reference})" for c in children}
    network = network_for(names, degrade=degrade)
    if log and child_ids:
        access_record_children(
            user=user,
            action=AccessEvent.Action.VIEW,
            what=f"panel meeting {meeting.pk} pack",
            child_ids=child_ids,
            request=request,
        )
    return Pack(meeting, children, network, linking.layout(network), names)


def log_pack_export(
    *,
    user: User,
    pack: Pack,
    reason: str,
    request: HttpRequest | None = None,
    degrade: bool = False,
) -> int:
    """The pack left homeward as a PDF: one export event per child in it, with the reason."""
    return access_record_children(
        user=user,
        action=AccessEvent.Action.EXPORT,
        what=f"panel meeting {pack.meeting.pk} pack (PDF)",
        child_ids=pack.child_ids,
        detail=f"{len(pack.children)} children"
        + ("; postcodes as districts" if degrade else "; full details"),
        reason=reason,
        request=request,
    )
