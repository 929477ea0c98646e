"""Reads for the multi-agency panel: the panel list as of a day (the active triggers over
the records of those who may be on it: `panelrules.eligibility`), a meeting's summary, each
child's part of its pack, the network of places and adults that link its children, the whole
pack (for the PDF), and the actions still to do.

Every read that shows a child is checked (`accounts.permissions.can_view_panel`) and
written to the access log, one event per child shown. Each count a page shows is the length
of the list it shows, from the same read.
"""

from __future__ import annotations

import base64
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
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
from homeward.organisations.models import Authority
from homeward.panel.models import (
    PanelAction,
    PanelListing,
    PanelMeeting,
    PanelPackPdf,
    PanelSettings,
    PanelTrigger,
)
from homeward.panelrules import eligibility, linking
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


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def active_triggers() -> list[Trigger]:
    return [
        Trigger(t.kind, t.parameters, t.label) for t in PanelTrigger.objects.filter(active=True)
    ]


def settings_for_home() -> PanelSettings:
    """The home authority's panel settings (not saved when it has none: the defaults)."""
    home = Authority.objects.filter(is_home=True).first()
    if home is None:
        return PanelSettings()
    found = PanelSettings.objects.filter(authority=home).first()
    return found or PanelSettings(authority=home)


def care_leavers_listed() -> bool:
    """Whether the home authority has turned on care leavers for its panel list."""
    return settings_for_home().care_leavers


def child_facts(child_ids: list[int], as_of: date) -> dict[int, ChildFacts]:
    """What the triggers need of each child, as it stood at the end of `as_of`: episodes
    (with the first from care of the current period of care marked), risk flags, and the
    harms recorded by interviews held by then. Four queries; nothing encrypted is read."""
    end = _start_of(as_of + timedelta(days=1))
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
    """Children any trigger could list: an episode started or an interview held with a harm
    recorded within the longest window (every trigger needs one or the other; the triggers
    then decide)."""
    begin = _start_of(window_start(as_of, lookback_days(triggers)))
    end = _start_of(as_of + timedelta(days=1))
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
    return sorted(ids)


def groups_of(child_ids: list[int], as_of: date, *, care_leavers: bool) -> dict[int, str]:
    """Those of the children who may be on the panel list as of `as_of`, each with their
    group (`eligibility.CHILD` or `eligibility.CARE_LEAVER_GROUP`)."""
    found: dict[int, str] = {}
    rows = Child.objects.filter(pk__in=child_ids).values_list(
        "pk", "date_of_birth", "legal_status", "looked_after_since"
    )
    for pk, born, status, since in rows:
        group = eligibility.group(
            eligibility.Person(born, status, since), as_of, care_leavers=care_leavers
        )
        if group is not None:
            found[pk] = group
    return found


@dataclass(frozen=True)
class PanelEntry:
    child: Child
    reasons: list[Reason]
    group: str = eligibility.CHILD

    @property
    def care_leaver(self) -> bool:
        return self.group == eligibility.CARE_LEAVER_GROUP


def reasons_for(child_ids: list[int], as_of: date) -> dict[int, list[Reason]]:
    """Each child's reasons under the active triggers as of `as_of` (none: not listed)."""
    triggers = active_triggers()
    if not triggers:
        return {cid: [] for cid in child_ids}
    words = labels()
    facts = child_facts(child_ids, as_of)
    return {cid: evaluate(triggers, facts[cid], as_of, labels=words) for cid in child_ids}


def listed_groups(as_of: date) -> dict[int, tuple[str, list[Reason]]]:
    """The panel list as of `as_of`: those who may be on it (under 18; care leavers when
    the authority has turned them on) whom an active trigger lists, with their group and
    reasons."""
    triggers = active_triggers()
    if not triggers:
        return {}
    groups = groups_of(_candidates(triggers, as_of), as_of, care_leavers=care_leavers_listed())
    reasons = reasons_for(sorted(groups), as_of)
    return {cid: (groups[cid], found) for cid, found in reasons.items() if found}


def listed(as_of: date) -> dict[int, list[Reason]]:
    """The children on the panel list as of `as_of`, with their reasons."""
    return {cid: found for cid, (_group, found) in listed_groups(as_of).items()}


def _entries(as_of: date, leave_out: set[int] | frozenset[int] = frozenset()) -> list[PanelEntry]:
    found = listed_groups(as_of)
    children = Child.objects.filter(pk__in=[c for c in found if c not in leave_out]).only(
        "reference", "first_name", "last_name", "date_of_birth", "legal_status"
    )
    return [PanelEntry(c, found[c.pk][1], found[c.pk][0]) for c in children]


def panel_list(*, user: User, as_of: date, request: HttpRequest | None = None) -> list[PanelEntry]:
    """The children on the panel list as of `as_of`, with the reasons, by name; each child
    listed is logged as viewed."""
    require_view(user)
    entries = _entries(as_of)
    if entries:
        access_record_children(
            user=user,
            action=AccessEvent.Action.VIEW,
            what=f"panel list as of {as_of.isoformat()}",
            child_ids=[e.child.pk for e in entries],
            request=request,
        )
    return entries


def meeting_candidates(
    *, user: User, meeting: PanelMeeting, request: HttpRequest | None = None
) -> list[PanelEntry]:
    """The children on the panel list on the meeting's day who are not listed for it; each
    shown is logged as viewed."""
    require_view(user)
    listed_ids = set(meeting.listings.values_list("child_id", flat=True))
    entries = _entries(meeting.date, leave_out=listed_ids)
    if entries:
        access_record_children(
            user=user,
            action=AccessEvent.Action.VIEW,
            what=f"panel list as of {meeting.date.isoformat()}",
            child_ids=[e.child.pk for e in entries],
            request=request,
        )
    return entries


def meetings() -> list[PanelMeeting]:
    return list(PanelMeeting.objects.all()[:50])


def _meeting(meeting_id: int) -> PanelMeeting:
    return PanelMeeting.objects.get(pk=meeting_id)


# --- a meeting's summary -------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryRow:
    """A child listed for a meeting, as the meeting's summary shows them."""

    listing: PanelListing
    child: Child
    decisions: int
    actions: int
    position: int


def meeting_summary(
    *, user: User, meeting_id: int, request: HttpRequest | None = None
) -> list[SummaryRow]:
    """The children listed for the meeting, by name, with why and how many decisions and
    actions this meeting recorded for each; one query. Each is logged as viewed."""
    require_view(user)
    listings = list(
        PanelListing.objects.filter(meeting_id=meeting_id)
        .select_related("child")
        .only(
            "reasons",
            "meeting_id",
            "child__reference",
            "child__first_name",
            "child__last_name",
            "child__date_of_birth",
        )
        .annotate(
            decision_count=Count("decisions", distinct=True),
            action_count=Count("actions", distinct=True),
        )
    )
    rows = [
        SummaryRow(listing, listing.child, listing.decision_count, listing.action_count, n)
        for n, listing in enumerate(listings, 1)
    ]
    if rows:
        access_record_children(
            user=user,
            action=AccessEvent.Action.VIEW,
            what=f"panel meeting {meeting_id} pack",
            child_ids=[r.child.pk for r in rows],
            request=request,
        )
    return rows


# --- a child's part of the pack ------------------------------------------------------------


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


def _shorten(text: str | None) -> str:
    words = " ".join((text or "").split())
    if len(words) <= SUMMARY_CHARACTERS:
        return words
    return words[: SUMMARY_CHARACTERS - 1].rsplit(" ", 1)[0] + "…"


def _since(today: date) -> datetime:
    return _start_of(today - timedelta(days=PACK_DAYS))


def _pack_children(user: User, listings: list[PanelListing], today: date) -> list[PackChild]:
    """Each listing's part of the pack, in a fixed number of queries whatever the number of
    children: episodes, interviews (their harms; the push and pull factors, which are
    encrypted, of only the latest `PACK_INTERVIEWS` of each child), actions and decisions."""
    since = _since(today)
    child_ids = [listing.child_id for listing in listings]
    episodes: dict[int, list[Episode]] = defaultdict(list)
    for episode in (
        Episode.objects.filter(child_id__in=child_ids, started_at__gte=since)
        .order_by("-started_at", "-pk")
        .defer("circumstances")
    ):
        episodes[episode.child_id].append(episode)
    held: dict[int, list[tuple[int, str, datetime, list[str]]]] = defaultdict(list)
    for pk, child_id, reference, held_at, harms in (
        ReturnInterview.objects.filter(child_id__in=child_ids, held_at__gte=since)
        .order_by("-held_at", "-pk")
        .values_list("pk", "child_id", "reference", "held_at", "harms")
    ):
        held[child_id].append((pk, reference, held_at, harms or []))
    latest = [pk for rows in held.values() for pk, *_rest in rows[:PACK_INTERVIEWS]]
    factors = {
        i.pk: i
        for i in ReturnInterview.objects.filter(pk__in=latest).only("push_factors", "pull_factors")
    }
    harm_words = dict(codes.Harm.choices)
    outstanding: dict[int, list[PanelAction]] = defaultdict(list)
    for action in outstanding_actions(user=user, child_ids=child_ids):
        outstanding[action.listing.child_id].append(action)
    children = []
    for listing in listings:
        rows = held[listing.child_id]
        counted = Counter(code for *_rest, harms in rows for code in dict.fromkeys(harms))
        themes = Themes(
            harms=[(str(harm_words.get(code, code)), n) for code, n in counted.most_common()],
            interviews=[
                {
                    "reference": reference,
                    "held_at": held_at,
                    "push": _shorten(factors[pk].push_factors),
                    "pull": _shorten(factors[pk].pull_factors),
                }
                for pk, reference, held_at, _harms in rows[:PACK_INTERVIEWS]
            ],
        )
        children.append(
            PackChild(
                listing=listing,
                child=listing.child,
                episodes=episodes[listing.child_id],
                themes=themes,
                outstanding=outstanding[listing.child_id],
                decisions=list(listing.decisions.all()),
                actions=list(listing.actions.all()),
            )
        )
    return children


@dataclass(frozen=True)
class ChildPage:
    """A child's part of a meeting's pack, where it comes in the meeting's list, and the
    children before and after it."""

    meeting: PanelMeeting
    entry: PackChild
    position: int
    count: int
    previous: PanelListing | None
    next: PanelListing | None


def _listings(meeting_id: int) -> list[PanelListing]:
    return list(
        PanelListing.objects.filter(meeting_id=meeting_id)
        .select_related("child", "meeting")
        .prefetch_related("decisions", "actions")
    )


def meeting_child(
    *,
    user: User,
    listing_id: int,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> ChildPage:
    """One child's part of a meeting's pack (`PanelListing.DoesNotExist` when there is no
    such listing); the child is logged as viewed."""
    require_view(user)
    listing = (
        PanelListing.objects.select_related("child", "meeting")
        .prefetch_related("decisions", "actions")
        .get(pk=listing_id)
    )
    order = list(
        PanelListing.objects.filter(meeting_id=listing.meeting_id)
        .select_related("child")
        .only("pk", "child__first_name", "child__last_name", "child__reference")
    )
    at = next(n for n, other in enumerate(order) if other.pk == listing.pk)
    [entry] = _pack_children(user, [listing], today or timezone.localdate())
    access_record_children(
        user=user,
        action=AccessEvent.Action.VIEW,
        what=f"panel meeting {listing.meeting_id} pack",
        child_ids=[listing.child_id],
        request=request,
    )
    return ChildPage(
        meeting=listing.meeting,
        entry=entry,
        position=at + 1,
        count=len(order),
        previous=order[at - 1] if at > 0 else None,
        next=order[at + 1] if at + 1 < len(order) else None,
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


# --- the network ---------------------------------------------------------------------------


def network_for(child_labels: dict[int, str], *, degrade: bool = False) -> linking.Network:
    """The places and adults the children mentioned in any interview, as a network.

    With `degrade` (a pack leaving the authority) postcodes are shown by their district, and
    a place known only by its postcode as "Somewhere in" its district; places are still told
    apart by their full postcodes."""
    ids = list(child_labels)
    places = [
        linking.PlaceMention(child_id, description, postcode)
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
    return linking.build_network(child_labels, places, adults, districts=degrade)


def _names(children: list[Child]) -> dict[int, str]:
    return {c.pk: f"{c.full_name} ({c.reference})" for c in children}


@dataclass(frozen=True)
class LinkRow:
    """A row of the table beside the drawing: a place or adult and the children it links."""

    link: linking.Link
    children: list[str]


@dataclass(frozen=True)
class Links:
    """What links a meeting's children: the network, its drawing and the children's names."""

    meeting: PanelMeeting
    network: linking.Network
    layout: linking.Layout
    labels: dict[int, str]

    @property
    def rows(self) -> list[LinkRow]:
        return [
            LinkRow(link, [self.labels[c] for c in link.child_ids]) for link in self.network.links
        ]


def meeting_links(*, user: User, meeting_id: int, request: HttpRequest | None = None) -> Links:
    """The places and adults that link the meeting's children (each once), drawn and as a
    table; each child is logged as viewed."""
    require_view(user)
    meeting = _meeting(meeting_id)
    children = [
        listing.child
        for listing in PanelListing.objects.filter(meeting=meeting)
        .select_related("child")
        .only("child__reference", "child__first_name", "child__last_name")
    ]
    names = _names(children)
    network = network_for(names)
    if names:
        access_record_children(
            user=user,
            action=AccessEvent.Action.VIEW,
            what=f"panel meeting {meeting.pk} links",
            child_ids=list(names),
            request=request,
        )
    return Links(meeting, network, linking.layout(network), names)


# --- the whole pack (the PDF) --------------------------------------------------------------


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

    @property
    def rows(self) -> list[LinkRow]:
        return [
            LinkRow(link, [self.labels[c] for c in link.child_ids]) for link in self.network.links
        ]


def meeting_pack(
    *,
    user: User,
    meeting_id: int,
    request: HttpRequest | None = None,
    today: date | None = None,
    log: bool = True,
    degrade: bool = False,
) -> Pack:
    """A meeting's whole pack: each listed child's episodes and interview themes of the last
    `PACK_DAYS` days, their outstanding actions, this meeting's decisions and actions, and
    the places and adults that link the children, in a fixed number of queries. Each child
    is logged as viewed (`log`)."""
    require_view(user)
    meeting = _meeting(meeting_id)
    children = _pack_children(user, _listings(meeting.pk), today or timezone.localdate())
    names = _names([c.child for c in children])
    network = network_for(names, degrade=degrade)
    if log and names:
        access_record_children(
            user=user,
            action=AccessEvent.Action.VIEW,
            what=f"panel meeting {meeting.pk} pack",
            child_ids=list(names),
            request=request,
        )
    return Pack(meeting, children, network, linking.layout(network), names)


def log_pack_export(
    *,
    user: User,
    meeting_id: int,
    child_ids: list[int],
    reason: str,
    request: HttpRequest | None = None,
    degrade: bool = False,
) -> int:
    """The pack left homeward as a PDF: one export event per child in it, with the reason."""
    return access_record_children(
        user=user,
        action=AccessEvent.Action.EXPORT,
        what=f"panel meeting {meeting_id} pack (PDF)",
        child_ids=child_ids,
        detail=f"{len(child_ids)} children"
        + ("; postcodes as districts" if degrade else "; full details"),
        reason=reason,
        request=request,
    )


# --- the PDFs ------------------------------------------------------------------------------


def pack_pdf(*, user: User, pdf_id: int) -> PanelPackPdf:
    """A pack PDF asked for, without its file: only the person who asked for it may see it
    (the reason is theirs). `PanelPackPdf.DoesNotExist` when there is none."""
    require_view(user)
    record = PanelPackPdf.objects.select_related("meeting").defer("data").get(pk=pdf_id)
    if record.requested_by_id != user.pk:
        raise PermissionDenied("a PDF someone else asked for")
    return record


def pack_pdfs(*, user: User, meeting: PanelMeeting) -> list[PanelPackPdf]:
    """The PDFs of the meeting the user asked for and may still download or see being made."""
    require_view(user)
    return list(
        PanelPackPdf.objects.filter(meeting=meeting, requested_by=user)
        .filter(~Q(status=PanelPackPdf.Status.REMOVED))
        .defer("data")[:5]
    )


def pack_pdf_file(
    *, user: User, pdf_id: int, request: HttpRequest | None = None
) -> tuple[PanelPackPdf, bytes]:
    """The PDF's bytes, for the person who asked for it, once it is made: the pack leaves
    homeward, so each download is logged as an export of each child in it, with the reason
    given when it was asked for. `PanelPackPdf.DoesNotExist` when it is not (or no longer)
    there to download."""
    record = pack_pdf(user=user, pdf_id=pdf_id)
    if record.status != PanelPackPdf.Status.READY:
        raise PanelPackPdf.DoesNotExist("not ready")
    text = PanelPackPdf.objects.values_list("data", flat=True).get(pk=record.pk)
    data = base64.b64decode(text or "")
    log_pack_export(
        user=user,
        meeting_id=record.meeting_id,
        child_ids=list(record.child_ids),
        reason=record.reason,
        request=request,
        degrade=record.degrade,
    )
    return record, data
