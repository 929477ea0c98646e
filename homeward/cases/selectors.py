"""Reads of the case records. Every read of a child's record goes through here and is
checked (`accounts.permissions`) and logged (`audit.services.access_record`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import jellyfish
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from rapidfuzz import fuzz, process

from homeward.accounts import permissions
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record
from homeward.cases import codes
from homeward.cases.models import Child, Episode, ReturnInterview

if TYPE_CHECKING:
    from django.http import HttpRequest

    from homeward.accounts.models import User

OPEN_OUTCOMES = (codes.Outcome.PENDING, codes.Outcome.ACCEPTED)


def open_interviews() -> QuerySet[ReturnInterview]:
    """Interviews still expected: not held, not declined, no-contact not recorded."""
    return ReturnInterview.objects.filter(held_at__isnull=True, outcome__in=OPEN_OUTCOMES)


@dataclass
class CoordinatorHome:
    now: datetime
    new_episodes: list[Episode]
    still_missing: list[Episode]
    awaiting_allocation: list[Episode]
    due_soon: list[ReturnInterview]
    overdue: list[ReturnInterview]
    open: list[ReturnInterview]


def coordinator_home(*, user: User, now: datetime | None = None) -> CoordinatorHome:
    if not permissions.can_view_coordinator_home(user):
        raise PermissionDenied("the coordinator's home")
    now = now or timezone.now()
    episodes = Episode.objects.select_related("child", "police_force")
    interviews = open_interviews().select_related(
        "child", "allocated_worker", "allocated_organisation"
    )
    soon = now + timedelta(hours=24)
    return CoordinatorHome(
        now=now,
        new_episodes=list(episodes.filter(created_at__gte=now - timedelta(days=7))[:50]),
        still_missing=list(episodes.filter(returned_at__isnull=True).order_by("started_at")[:50]),
        awaiting_allocation=list(
            episodes.filter(returned_at__isnull=False, interview__isnull=True).order_by("due_at")[
                :50
            ]
        ),
        due_soon=list(interviews.filter(due_at__gte=now, due_at__lt=soon).order_by("due_at")),
        overdue=list(interviews.filter(due_at__lt=now).order_by("due_at")[:100]),
        open=list(
            interviews.filter(Q(due_at__gte=soon) | Q(due_at__isnull=True)).order_by("due_at")[:100]
        ),
    )


def caseload(*, user: User) -> QuerySet[ReturnInterview]:
    """The interviews allocated to this worker (or, for a provider's manager, the provider)."""
    if not permissions.can_view_caseload(user):
        raise PermissionDenied("a caseload")
    return (
        ReturnInterview.objects.filter(**permissions.allocation_filter(user))
        .select_related("child", "allocated_worker")
        .order_by("signed_off_at", "due_at")
    )


def child_for(*, user: User, child_id: int, request: HttpRequest | None = None) -> Child:
    """A child's record for `user`, logged; refused (and the refusal logged) otherwise."""
    child = Child.objects.select_related("responsible_authority", "host_authority").get(pk=child_id)
    if not permissions.can_view_child(user, child):
        access_record(
            user=user,
            action=AccessEvent.Action.DENIED,
            what=f"child {child.reference}",
            child_id=child.pk,
            request=request,
        )
        raise PermissionDenied("this child's record")
    access_record(
        user=user,
        action=AccessEvent.Action.VIEW,
        what=f"child {child.reference}",
        child_id=child.pk,
        request=request,
    )
    return child


def interview_for(
    *, user: User, interview_id: int, request: HttpRequest | None = None
) -> ReturnInterview:
    interview = ReturnInterview.objects.select_related("child", "allocated_worker").get(
        pk=interview_id
    )
    if not permissions.can_view_disclosures(user, interview.child):
        access_record(
            user=user,
            action=AccessEvent.Action.DENIED,
            what=f"interview {interview.reference}",
            child_id=interview.child_id,
            request=request,
        )
        raise PermissionDenied("this interview")
    access_record(
        user=user,
        action=AccessEvent.Action.VIEW,
        what=f"interview {interview.reference}",
        child_id=interview.child_id,
        request=request,
    )
    return interview


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    title: str
    detail: str = ""
    link: tuple[str, int] | None = None
    sensitive: bool = False


def child_timeline(*, user: User, child: Child) -> list[TimelineEntry]:
    """Episodes, interviews, disclosures, actions and shares, newest first.

    What a child disclosed is left out for those who may not see it (police liaison).
    """
    disclosures = permissions.can_view_disclosures(user, child)
    entries: list[TimelineEntry] = []
    for flag in child.risk_flags.all():
        entries.append(
            TimelineEntry(
                timezone.make_aware(datetime.combine(flag.noted_on, datetime.min.time())),
                "risk",
                f"Risk flagged: {flag.get_kind_display()}",
                f"Source: {flag.source}",
            )
        )
    for episode in child.episodes.select_related("police_force").all():
        label = (
            f"{episode.get_category_display()} from {episode.get_missing_from_display().lower()}"
        )
        entries.append(
            TimelineEntry(
                episode.started_at,
                "episode",
                f"{label} ({episode.reference})",
                f"Risk: {episode.get_risk_grade_display() or 'not graded'}",
            )
        )
        if episode.returned_at:
            entries.append(
                TimelineEntry(
                    episode.returned_at,
                    "return",
                    f"Returned or found ({episode.reference})",
                    episode.found_where,
                )
            )
    interviews = child.interviews.prefetch_related("offers", "attempts", "referrals", "shares")
    for interview in interviews:
        if interview.allocated_at:
            entries.append(
                TimelineEntry(
                    interview.allocated_at,
                    "allocation",
                    f"Interview {interview.reference} allocated",
                    f"To {interview.allocated_worker or interview.allocated_organisation}",
                    link=("web:interview", interview.pk) if disclosures else None,
                )
            )
        for offer in interview.offers.all():
            entries.append(
                TimelineEntry(
                    offer.offered_at,
                    "offer",
                    f"Interview offered to {offer.get_offered_to_display().lower()}",
                    offer.get_method_display(),
                )
            )
        for attempt in interview.attempts.all():
            entries.append(
                TimelineEntry(
                    attempt.attempted_at,
                    "attempt",
                    "Contact made" if attempt.successful else "Contact attempted",
                    attempt.get_method_display(),
                )
            )
        if interview.outcome == codes.Outcome.DECLINED and interview.outcome_recorded_at:
            entries.append(
                TimelineEntry(
                    interview.outcome_recorded_at,
                    "decline",
                    f"Declined by {interview.get_declined_by_display().lower()}",
                    interview.decline_reason if disclosures else "",
                    sensitive=True,
                )
            )
        if interview.held_at:
            harms = ", ".join(codes.Harm(h).label for h in interview.harms)
            entries.append(
                TimelineEntry(
                    interview.held_at,
                    "interview",
                    f"Interview held ({interview.reference})",
                    f"Harms disclosed: {harms or 'none'}" if disclosures else "",
                    link=("web:interview", interview.pk) if disclosures else None,
                    sensitive=True,
                )
            )
        for referral in interview.referrals.all():
            entries.append(
                TimelineEntry(
                    timezone.make_aware(datetime.combine(referral.made_on, datetime.min.time())),
                    "action",
                    f"Referral to {referral.service}",
                    referral.outcome,
                )
            )
        for share in interview.shares.all():
            if disclosures or share.recipient == codes.ShareRecipient.POLICE:
                entries.append(
                    TimelineEntry(
                        share.shared_at,
                        "share",
                        f"Shared with {share.get_recipient_display().lower()}",
                        f"Basis: {share.get_basis_display()}",
                    )
                )
        if interview.signed_off_at:
            entries.append(
                TimelineEntry(
                    interview.signed_off_at, "sign_off", f"Signed off by {interview.signed_off_by}"
                )
            )
    return sorted(entries, key=lambda e: e.at, reverse=True)


# --- search --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    child: Child
    score: float
    reasons: list[str] = field(default_factory=list)


def _visible_children(user: User) -> QuerySet[Child]:
    children = Child.objects.all()
    if permissions.sees_whole_authority(user):
        return children
    if user.role == "police_liaison":
        return children
    return children.filter(
        interviews__in=ReturnInterview.objects.filter(**permissions.allocation_filter(user))
    ).distinct()


def child_search(
    *,
    user: User,
    name: str = "",
    date_of_birth: date | None = None,
    identifier: str = "",
    request: HttpRequest | None = None,
    limit: int = 25,
) -> list[SearchHit]:
    """Children by name (tolerant of misspelling), date of birth and identifiers.

    Names are scored with rapidfuzz (token-sorted, so "Smith Jo" finds "Jo Smith") and,
    for sound-alikes, the Double Metaphone-like `jellyfish.metaphone` of the surname; a
    date of birth matches exactly or with day and month swapped. The search is logged.
    """
    if not permissions.can_search_children(user):
        raise PermissionDenied("search")
    access_record(
        user=user,
        action=AccessEvent.Action.SEARCH,
        what="children",
        detail=f"name={name!r} dob={date_of_birth} id={identifier!r}",
        request=request,
    )
    children = _visible_children(user)
    identifier = identifier.strip()
    if identifier:
        needle = identifier.upper().replace(" ", "")
        by_id = children.filter(
            Q(reference__iexact=identifier)
            | Q(episodes__reference__iexact=identifier)
            | Q(episodes__police_reference__iexact=identifier)
            | Q(postcode__iexact=needle)
            | Q(interviews__reference__iexact=identifier)
        ).distinct()
        children = by_id
    if date_of_birth is not None:
        swapped = _swapped(date_of_birth)
        children = children.filter(
            Q(date_of_birth=date_of_birth) | (Q(date_of_birth=swapped) if swapped else Q(pk__in=[]))
        )
    name = " ".join(name.split())
    rows = (
        list(children.prefetch_related("aliases")[:20000])
        if (name or identifier or date_of_birth)
        else []
    )
    if not name:
        return [
            SearchHit(c, 100.0, _basic_reasons(c, date_of_birth, identifier)) for c in rows[:limit]
        ]
    return _rank_by_name(rows, name, date_of_birth, identifier, limit)


def _swapped(day: date) -> date | None:
    if day.day > 12 or day.day == day.month:
        return None
    try:
        return day.replace(month=day.day, day=day.month)
    except ValueError:
        return None


def _basic_reasons(child: Child, dob: date | None, identifier: str) -> list[str]:
    reasons = []
    if identifier:
        reasons.append(f"identifier {identifier}")
    if dob is not None:
        reasons.append(
            "date of birth"
            if child.date_of_birth == dob
            else "date of birth, day and month swapped"
        )
    return reasons


def _rank_by_name(
    rows: list[Child], name: str, dob: date | None, identifier: str, limit: int
) -> list[SearchHit]:
    names: list[str] = []
    owners: list[int] = []
    for index, child in enumerate(rows):
        names.append(child.full_name)
        owners.append(index)
        for alias in child.aliases.all():
            names.append(alias.name)
            owners.append(index)
    wanted_sound = jellyfish.metaphone(name.split()[-1]) if name.split() else ""
    best: dict[int, tuple[float, str]] = {}
    for matched, score, position in process.extract(
        name, names, scorer=fuzz.token_sort_ratio, limit=limit * 4, score_cutoff=60
    ):
        owner = owners[position]
        if score > best.get(owner, (0.0, ""))[0]:
            best[owner] = (score, matched)
    # Sound-alike surnames rapidfuzz scored low ("Thompson" for "Tomson").
    for index, child in enumerate(rows):
        if (
            index not in best
            and wanted_sound
            and jellyfish.metaphone(child.last_name) == wanted_sound
        ):
            first_score = (
                fuzz.ratio(name.split()[0].lower(), child.first_name.lower())
                if len(name.split()) > 1
                else 100
            )
            if first_score >= 60:
                best[index] = (min(85.0, 60 + first_score / 4), child.full_name)
    hits = []
    for index, (score, matched) in best.items():
        child = rows[index]
        reasons = [f"name {matched!r} scores {score:.0f}"]
        if matched != child.full_name:
            reasons.append("matched an alias")
        reasons += _basic_reasons(child, dob, identifier)
        hits.append(SearchHit(child, score, reasons))
    hits.sort(key=lambda h: (-h.score, h.child.last_name, h.child.first_name))
    return hits[:limit]


def audit_events(*, user: User, **filters: Any) -> QuerySet[AccessEvent]:
    if not permissions.can_view_audit(user):
        raise PermissionDenied("the audit log")
    events = AccessEvent.objects.select_related("user")
    if filters.get("username"):
        events = events.filter(username__icontains=filters["username"])
    if filters.get("action"):
        events = events.filter(action=filters["action"])
    if filters.get("child_id"):
        events = events.filter(child_id=filters["child_id"])
    return events
