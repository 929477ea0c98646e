"""Reads of the case records. Every read of a child's record goes through here and is
checked (`accounts.permissions`) and logged (`audit.services.access_record`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import jellyfish
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from encrypted_fields.fields import EncryptedFieldMixin
from rapidfuzz import fuzz, process

from homeward.accounts import permissions
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record
from homeward.cases import codes, status
from homeward.cases.models import (
    IN_COUNT,
    Child,
    ContactAttempt,
    Correction,
    Episode,
    InformationShare,
    Offer,
    Referral,
    ReturnInterview,
    RiskFlag,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from homeward.accounts.models import User

OPEN_OUTCOMES = (codes.Outcome.PENDING, codes.Outcome.ACCEPTED)


#: The condition of `open_interviews`, also the condition of its partial index
#: (`interview_open_due`): the database answers "what is open" from that small index.
OPEN = Q(held_at__isnull=True, outcome__in=OPEN_OUTCOMES)
#: How many closed interviews a caseload page lists.
CASELOAD_PAGE_SIZE = 50


def open_interviews() -> QuerySet[ReturnInterview]:
    """Interviews still expected: not held, not declined, no-contact not recorded."""
    return ReturnInterview.objects.filter(OPEN)


def encrypted_fields(model: type[models.Model], prefix: str = "") -> list[str]:
    """The model's encrypted fields (as `defer()` names): lists that show none of them leave
    them unread, so no row pays for decrypting what the page does not show."""
    return [
        f"{prefix}{field.name}"
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedFieldMixin)
    ]


#: What a list row of a child or a person shows (`web/cases/_interview_table.html` and
#: `_episode_table.html`): lists read only these columns, so no row pays for the rest,
#: encrypted fields above all (decrypting them is most of a long list's cost otherwise).
CHILD_ROW = ("reference", "first_name", "last_name")
PERSON_ROW = ("username", "first_name", "last_name")
INTERVIEW_ROW = (
    "reference",
    "child",
    "allocated_worker",
    "allocated_organisation",
    "outcome",
    "held_at",
    "due_at",
    "due_rule",
    "signed_off_at",
    "submitted_for_sign_off_at",
    "returned_for_changes_at",
    "allocated_at",
    "created_at",
)
EPISODE_ROW = (
    "reference",
    "child",
    "category",
    "missing_from",
    "risk_grade",
    "started_at",
    "returned_at",
    "interview",
    "due_at",
    "due_rule",
    "created_at",
)


def _row_fields(prefix: str, names: tuple[str, ...]) -> list[str]:
    return [f"{prefix}{name}" for name in names]


def _interview_rows(interviews: QuerySet[ReturnInterview]) -> QuerySet[ReturnInterview]:
    """Interviews for a list (the child, the interview, when due, who has it, the outcome):
    one query with the child, worker and organisation, and only the columns shown."""
    return interviews.select_related("child", "allocated_worker", "allocated_organisation").only(
        *INTERVIEW_ROW,
        *_row_fields("child__", CHILD_ROW),
        *_row_fields("allocated_worker__", PERSON_ROW),
        "allocated_organisation__name",
    )


#: How far ahead "due soon" looks (the home page, the workload, the clock job's alert).
DUE_SOON_WINDOW = timedelta(hours=24)
#: How far back a worker's "new allocations" go.
NEW_ALLOCATIONS_WINDOW = timedelta(days=7)


def overdue_q(now: datetime) -> Q:
    """Past its due point (with `status.STILL_OPEN`: an overdue interview)."""
    return Q(due_at__lt=now)


def due_soon_q(now: datetime) -> Q:
    """Due within the next 24 hours, not yet overdue."""
    return Q(due_at__gte=now, due_at__lt=now + DUE_SOON_WINDOW)


#: Returned episodes no interview covers yet (`episode_awaiting_due` is their index).
#: Imported history (source "ssd") is no one's work here: never awaiting allocation.
AWAITING_ALLOCATION = Q(returned_at__isnull=False, interview__isnull=True, source="homeward")
#: Still missing: an imported episode the case system left open is its history, not an
#: alert here.
STILL_MISSING = Q(returned_at__isnull=True, source="homeward")


def _statused_rows(interviews: QuerySet[ReturnInterview]) -> QuerySet[ReturnInterview]:
    """`_interview_rows` with each interview's status (`cases.status`), nothing entered in
    error."""
    return status.annotate_status(_interview_rows(interviews.filter(IN_COUNT)))


def _episode_rows() -> QuerySet[Episode]:
    """Episodes for a list (`_episode_table.html`): the child, the interview and its worker,
    only the columns shown (no disclosure)."""
    return (
        Episode.objects.filter(IN_COUNT)  # nothing entered in error is listed
        .select_related("child", "interview__allocated_worker")
        .only(
            *EPISODE_ROW,
            *_row_fields("child__", CHILD_ROW),
            "interview__reference",
            "interview__allocated_worker",
            *_row_fields("interview__allocated_worker__", PERSON_ROW),
        )
    )


@dataclass
class CoordinatorHome:
    """Today's work. Each list is whole (no page of it): the page's figure for a list is its
    length, so a figure always equals the rows under it. The lists split the work without
    overlap: an open interview is overdue, due within 24 hours or due later; a returned
    episode with no interview is overdue or not yet."""

    now: datetime
    #: The authority's rule for due points, in words (shown once, above the lists).
    rule: str
    overdue: list[ReturnInterview]
    overdue_unallocated: list[Episode]
    due_soon: list[ReturnInterview]
    awaiting_allocation: list[Episode]
    still_missing: list[Episode]
    new_episodes: list[Episode]
    open: list[ReturnInterview]
    #: For a manager: the interviews waiting for their sign-off (`sign_off_queue`), counted.
    awaiting_sign_off: int | None = None


def coordinator_home(*, user: User, now: datetime | None = None) -> CoordinatorHome:
    if not permissions.can_view_coordinator_home(user):
        raise PermissionDenied("the coordinator's home")
    now = now or timezone.now()
    # The lists show no disclosure: only the columns they show are read.
    episodes = _episode_rows()
    interviews = _statused_rows(ReturnInterview.objects.filter(status.STILL_OPEN))
    awaiting = episodes.filter(AWAITING_ALLOCATION)
    queue = sign_off_queue(user=user) if permissions.can_view_sign_off_queue(user) else None
    return CoordinatorHome(
        now=now,
        rule=due_rule_now(),
        overdue=list(interviews.filter(overdue_q(now)).order_by("due_at", "pk")),
        overdue_unallocated=list(awaiting.filter(overdue_q(now)).order_by("due_at", "pk")),
        due_soon=list(interviews.filter(due_soon_q(now)).order_by("due_at", "pk")),
        awaiting_allocation=list(
            awaiting.filter(Q(due_at__gte=now) | Q(due_at__isnull=True)).order_by(
                F("due_at").asc(nulls_last=True), "pk"
            )
        ),
        still_missing=list(episodes.filter(STILL_MISSING).order_by("started_at", "pk")),
        new_episodes=list(
            episodes.filter(created_at__gte=now - timedelta(days=7), source="homeward").order_by(
                "-created_at", "-pk"
            )
        ),
        open=list(
            interviews.filter(
                Q(due_at__gte=now + DUE_SOON_WINDOW) | Q(due_at__isnull=True)
            ).order_by(F("due_at").asc(nulls_last=True), "pk")
        ),
        awaiting_sign_off=None if queue is None else queue.count(),
    )


def due_rule_now() -> str:
    """The home authority's rule for due points now, in words ("" with no home authority)."""
    from homeward.cases import clock
    from homeward.organisations.models import Authority

    authority = Authority.objects.filter(is_home=True).first()
    return clock.rule_text(authority.settings) if authority is not None else ""


@dataclass
class Caseload:
    """A caseload, split by where each interview is (`cases.status`): every list whole but
    those awaiting sign-off and signed off, which are paged (a page's figure is its
    paginator's count of the same list). The five split the caseload without overlap, so
    the signed-off ones are counted as the rest of it (one count of the whole caseload from
    its index, not row by row); "new allocations" repeats the last 7 days' allocations."""

    new: list[ReturnInterview]
    open: list[ReturnInterview]
    returned: list[ReturnInterview]
    to_submit: list[ReturnInterview]
    awaiting_sign_off: Page[ReturnInterview]
    signed_off: Page[ReturnInterview]
    #: The authority's rule for due points, in words (shown once, above the lists).
    rule: str = ""
    #: For a provider's manager: the provider's interviews waiting for their sign-off.
    sign_off_queue: int | None = None


def caseload(
    *,
    user: User,
    page: int | str | None = 1,
    awaiting_page: int | str | None = 1,
    now: datetime | None = None,
) -> Caseload:
    """The interviews allocated to this worker (or, for a provider's manager, the provider):
    new allocations (the last 7 days, the latest first); the open ones, the soonest due
    first (no due point last); those returned with a manager's comments; those closed and
    not yet submitted for sign-off; those waiting for sign-off; and page `page` of the
    signed-off ones, the latest allocated first, `CASELOAD_PAGE_SIZE` a page (an
    out-of-range or malformed page number gives the nearest page); those awaiting sign-off
    are paged the same way (`awaiting_page`), the longest waiting first."""
    if not permissions.can_view_caseload(user):
        raise PermissionDenied("a caseload")
    now = now or timezone.now()
    allocated = ReturnInterview.objects.filter(IN_COUNT, **permissions.allocation_filter(user))
    mine = _statused_rows(allocated)
    soonest = (F("due_at").asc(nulls_last=True), "pk")
    since = now - NEW_ALLOCATIONS_WINDOW
    lists = {
        "open": list(mine.filter(status.STILL_OPEN).order_by(*soonest)),
        "returned": list(
            status.annotate_status(
                allocated.filter(status.RETURNED)
                .select_related(
                    "child", "allocated_worker", "allocated_organisation", "returned_for_changes_by"
                )
                .only(
                    *INTERVIEW_ROW,
                    *_row_fields("child__", CHILD_ROW),
                    *_row_fields("allocated_worker__", PERSON_ROW),
                    "allocated_organisation__name",
                    # The worker reads the manager's comments beside the list.
                    "return_comments",
                    *_row_fields("returned_for_changes_by__", PERSON_ROW),
                )
            ).order_by("returned_for_changes_at", "pk")
        ),
        "to_submit": list(mine.filter(status.TO_SUBMIT).order_by(*soonest)),
    }
    awaiting = Paginator(
        mine.filter(status.AWAITING_SIGN_OFF).order_by("submitted_for_sign_off_at", "pk"),
        CASELOAD_PAGE_SIZE,
    ).get_page(awaiting_page)
    signed = _CountedPaginator(
        mine.filter(status.SIGNED_OFF).order_by("-created_at", "-pk"),
        CASELOAD_PAGE_SIZE,
        count=allocated.count()
        - sum(len(rows) for rows in lists.values())
        - awaiting.paginator.count,
    )
    queue = sign_off_queue(user=user) if permissions.can_view_sign_off_queue(user) else None
    return Caseload(
        new=list(
            mine.filter(created_at__gte=since, allocated_at__gte=since).order_by(
                "-allocated_at", "-pk"
            )
        ),
        awaiting_sign_off=awaiting,
        signed_off=signed.get_page(page),
        rule=due_rule_now(),
        sign_off_queue=None if queue is None else queue.count(),
        **lists,
    )


class _CountedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator told how many objects there are (counted more cheaply elsewhere)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:  # type: ignore[override]
        return self._known_count


# --- queues and lists: sign-off, the team's workload, the operational lists ----------------

#: How many rows a page of the sign-off queue and the operational lists holds.
LIST_PAGE_SIZE = 50


def sign_off_queue(*, user: User) -> QuerySet[ReturnInterview]:
    """The interviews submitted for sign-off that `user` may sign off
    (`permissions.sign_off_filter`), the longest waiting first. The home page's and the
    caseload's figure is this queryset's count; the queue page lists it."""
    if not permissions.can_view_sign_off_queue(user):
        raise PermissionDenied("the sign-off queue")
    return (
        _statused_rows(
            ReturnInterview.objects.filter(status.AWAITING_SIGN_OFF).filter(
                permissions.sign_off_filter(user)
            )
        )
        .select_related("submitted_for_sign_off_by")
        .only(
            *INTERVIEW_ROW,
            *_row_fields("child__", CHILD_ROW),
            *_row_fields("allocated_worker__", PERSON_ROW),
            "allocated_organisation__name",
            *_row_fields("submitted_for_sign_off_by__", PERSON_ROW),
        )
        .order_by("submitted_for_sign_off_at", "pk")
    )


#: The workload's columns: what each counts among a worker's open interviews.
WORKLOAD_COLUMNS = {
    "open": "Open",
    "due_soon": "Due within 24 hours",
    "overdue": "Overdue",
}


def workload_q(which: str, now: datetime) -> Q:
    """The condition of one workload column (with `status.STILL_OPEN`)."""
    if which == "overdue":
        return overdue_q(now)
    if which == "due_soon":
        return due_soon_q(now)
    if which == "open":
        return Q()
    raise ValueError(which)


@dataclass(frozen=True)
class WorkloadRow:
    organisation_id: int
    organisation: str
    #: None: the organisation's interviews not yet given to a worker.
    worker_id: int | None
    worker: str
    counts: dict[str, int]


def team_workload(*, user: User, now: datetime | None = None) -> list[WorkloadRow]:
    """Per worker of the authority's team and its providers (a provider's manager: the
    provider's), their open interviews, those due within 24 hours and those overdue; and
    per organisation those not yet given to a worker. Every active worker is listed, with
    nothing open or not; an inactive one only while they still hold open interviews. Each
    figure counts what `interview_list` lists for its column (`workload_filters`)."""
    from homeward.organisations.selectors import allocatable_organisations, allocatable_workers

    if not permissions.can_view_team_work(user):
        raise PermissionDenied("the team's workload")
    now = now or timezone.now()
    scope = permissions.team_work_filter(user)
    organisations = allocatable_organisations()
    if scope:
        organisations = organisations.filter(pk=user.organisation_id)
    names = dict(organisations.values_list("pk", "name"))
    counted = (
        ReturnInterview.objects.filter(IN_COUNT, status.STILL_OPEN, **scope)
        .filter(allocated_organisation__in=list(names))
        .values("allocated_organisation", "allocated_worker")
        .annotate(
            **{
                which: models.Count("pk", filter=workload_q(which, now))
                for which in WORKLOAD_COLUMNS
            }
        )
    )
    counts = {
        (row["allocated_organisation"], row["allocated_worker"]): {
            which: row[which] for which in WORKLOAD_COLUMNS
        }
        for row in counted
    }
    from homeward.accounts.models import User as UserModel

    holding = {worker for _, worker in counts if worker is not None}
    workers = UserModel.objects.filter(
        Q(pk__in=allocatable_workers().values("pk")) | Q(pk__in=holding),
        organisation__in=list(names),
    ).order_by("organisation__name", "last_name", "first_name", "username")
    zero = dict.fromkeys(WORKLOAD_COLUMNS, 0)
    rows = [
        WorkloadRow(
            w.organisation_id,
            names[w.organisation_id],
            w.pk,
            str(w),
            counts.get((w.organisation_id, w.pk), zero),
        )
        for w in workers
    ]
    for organisation_id in sorted(names, key=lambda pk: names[pk]):
        if (organisation_id, None) in counts:
            rows.append(
                WorkloadRow(
                    organisation_id,
                    names[organisation_id],
                    None,
                    "Not yet given to a worker",
                    counts[(organisation_id, None)],
                )
            )
    return rows


def workload_filters(row: WorkloadRow, which: str) -> dict[str, str]:
    """The operational list's filters that list what a workload figure counts."""
    return {
        "organisation": str(row.organisation_id),
        "worker": str(row.worker_id) if row.worker_id is not None else NO_WORKER,
        "status": OPEN_STATUS,
        "due": "" if which == "open" else which,
    }


#: The operational lists' filters: an interview's status, or open (allocated or offered).
OPEN_STATUS = "open"
#: The worker filter's value for "not yet given to a worker".
NO_WORKER = "none"
#: What an episode's list can be filtered to (the episode's own state).
EPISODE_STATES = {
    "missing": "Still missing",
    "awaiting": "Returned, awaiting an interview allocation",
    "overdue_unallocated": "Overdue, no interview allocated",
    "covered": "Covered by an interview",
}


@dataclass(frozen=True)
class CaseFilters:
    """What the operational lists are filtered by (empty: no filter)."""

    status: str = ""
    due: str = ""
    organisation: int | None = None
    worker: str = ""
    since: date | None = None
    until: date | None = None
    category: str = ""
    out_of_area: bool | None = None
    state: str = ""


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _out_of_area(prefix: str) -> Q:
    """The child is placed in another authority's area than the one responsible."""
    return Q(**{f"{prefix}child__host_authority__isnull": False}) & ~Q(
        **{f"{prefix}child__host_authority": F(f"{prefix}child__responsible_authority")}
    )


def interview_list(
    *, user: User, filters: CaseFilters, now: datetime | None = None
) -> QuerySet[ReturnInterview]:
    """The operational list of interviews (names and references, no disclosure), filtered,
    the latest allocated first: the authority's for its coordinators and managers, the
    provider's for a provider's manager. The workload's figures count these lists."""
    if not permissions.can_view_team_work(user):
        raise PermissionDenied("the list of interviews")
    now = now or timezone.now()
    interviews = ReturnInterview.objects.filter(**permissions.team_work_filter(user))
    if filters.status == OPEN_STATUS:
        interviews = interviews.filter(status.STILL_OPEN)
    elif filters.status:
        interviews = interviews.filter(status.condition(filters.status))
    if filters.due:
        interviews = interviews.filter(status.STILL_OPEN, workload_q(filters.due, now))
    if filters.organisation is not None:
        interviews = interviews.filter(allocated_organisation_id=filters.organisation)
    if filters.worker == NO_WORKER:
        interviews = interviews.filter(allocated_worker__isnull=True)
    elif filters.worker:
        interviews = interviews.filter(allocated_worker_id=int(filters.worker))
    if filters.since is not None:
        interviews = interviews.filter(allocated_at__gte=_day_start(filters.since))
    if filters.until is not None:
        interviews = interviews.filter(allocated_at__lt=_day_start(filters.until + timedelta(1)))
    if filters.category:
        interviews = interviews.filter(
            Exists(Episode.objects.filter(interview=OuterRef("pk"), category=filters.category))
        )
    if filters.out_of_area is not None:
        placed = _out_of_area("")
        interviews = interviews.filter(placed if filters.out_of_area else ~placed)
    return _statused_rows(interviews).order_by("-created_at", "-pk")


def episode_list(
    *, user: User, filters: CaseFilters, now: datetime | None = None
) -> QuerySet[Episode]:
    """The operational list of episodes, filtered, the latest started first: the
    authority's for its coordinators and managers; for a provider's manager, those the
    provider's interviews cover."""
    if not permissions.can_view_team_work(user):
        raise PermissionDenied("the list of episodes")
    now = now or timezone.now()
    episodes = _episode_rows()
    scope = permissions.team_work_filter(user)
    if scope:
        episodes = episodes.filter(**{f"interview__{k}": v for k, v in scope.items()})
    if filters.state == "missing":
        episodes = episodes.filter(STILL_MISSING)
    elif filters.state == "awaiting":
        episodes = episodes.filter(AWAITING_ALLOCATION)
    elif filters.state == "overdue_unallocated":
        episodes = episodes.filter(AWAITING_ALLOCATION, overdue_q(now))
    elif filters.state == "covered":
        episodes = episodes.filter(interview__isnull=False)
    if filters.status:
        interviews = ReturnInterview.objects.all()
        interviews = interviews.filter(
            status.STILL_OPEN if filters.status == OPEN_STATUS else status.condition(filters.status)
        )
        episodes = episodes.filter(interview__in=interviews.values("pk"))
    if filters.organisation is not None:
        episodes = episodes.filter(interview__allocated_organisation_id=filters.organisation)
    if filters.worker == NO_WORKER:
        episodes = episodes.filter(
            interview__isnull=False, interview__allocated_worker__isnull=True
        )
    elif filters.worker:
        episodes = episodes.filter(interview__allocated_worker_id=int(filters.worker))
    if filters.since is not None:
        episodes = episodes.filter(started_at__gte=_day_start(filters.since))
    if filters.until is not None:
        episodes = episodes.filter(started_at__lt=_day_start(filters.until + timedelta(1)))
    if filters.category:
        episodes = episodes.filter(category=filters.category)
    if filters.out_of_area is not None:
        placed = _out_of_area("")
        episodes = episodes.filter(placed if filters.out_of_area else ~placed)
    return episodes.order_by("-started_at", "-pk")


def _logged_read(
    *, user: User, allowed: bool, what: str, child_id: int, request: HttpRequest | None
) -> None:
    """Log a read of a child's record, or its refusal (and then refuse)."""
    access_record(
        user=user,
        action=AccessEvent.Action.VIEW if allowed else AccessEvent.Action.DENIED,
        what=what,
        child_id=child_id,
        request=request,
    )
    if not allowed:
        raise PermissionDenied(what)


def child_for(*, user: User, child_id: int, request: HttpRequest | None = None) -> Child:
    """A child's record for `user`, logged; refused (and the refusal logged) otherwise."""
    child = Child.objects.select_related("responsible_authority", "host_authority").get(pk=child_id)
    _logged_read(
        user=user,
        allowed=permissions.can_view_child(user, child),
        what=f"child {child.reference}",
        child_id=child.pk,
        request=request,
    )
    return child


def interview_for(
    *, user: User, interview_id: int, request: HttpRequest | None = None
) -> ReturnInterview:
    """An interview with what the child disclosed, for `user`, logged; refused otherwise."""
    interview = ReturnInterview.objects.select_related("child", "allocated_worker").get(
        pk=interview_id
    )
    _logged_read(
        user=user,
        allowed=permissions.can_view_interview(user, interview),
        what=f"interview {interview.reference}",
        child_id=interview.child_id,
        request=request,
    )
    return interview


def visible_interviews(*, user: User, child: Child) -> QuerySet[ReturnInterview]:
    """The child's interviews `user` may know of: all of them for those who see the whole
    child; a provider's staff their own; a police force those covering episodes it
    reported (their outcome, never what was said)."""
    interviews = child.interviews.all()
    if permissions.sees_whole_child(user):
        return interviews
    force = permissions.force_of(user)
    if force is not None:
        return interviews.filter(
            pk__in=Episode.objects.filter(child=child, police_force=force).values("interview")
        )
    if permissions.can_view_child(user, child):
        return interviews.filter(**permissions.allocation_filter(user))
    return interviews.none()


def visible_episodes(*, user: User, child: Child) -> QuerySet[Episode]:
    """The child's episodes `user` may know of: all of them for those who see the whole
    child; a provider's staff those their interviews cover; a force those it reported."""
    episodes = child.episodes.all()
    if permissions.sees_whole_child(user):
        return episodes
    force = permissions.force_of(user)
    if force is not None:
        return episodes.filter(police_force=force)
    return episodes.filter(interview__in=visible_interviews(user=user, child=child))


def child_episodes(*, user: User, child: Child) -> list[Episode]:
    """The child's episodes for their record's table, the latest first, each with its
    interview's reference and what the police said: one query, and nothing the child
    disclosed read (the table shows none). Only those `user` may know of."""
    return list(
        visible_episodes(user=user, child=child)
        .select_related("interview")
        .defer(*encrypted_fields(ReturnInterview, "interview__"))
    )


def child_interviews(*, user: User, child: Child) -> list[ReturnInterview]:
    """The child's interviews for their record's table, the latest first, with who has
    each and its status (`cases.status`): one query, and nothing encrypted read (the table
    shows none). Only those `user` may know of."""
    return list(
        status.annotate_status(
            visible_interviews(user=user, child=child)
            .select_related("allocated_worker", "allocated_organisation")
            .defer(*encrypted_fields(ReturnInterview))
        )
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened to a child: when, what (`kind`, a title and a line of
    detail), a link to the interview for those who may open it, and whether it holds what
    the child disclosed. `facts` are the chronology's further detail (label, text or time),
    left empty on the child's page."""

    at: datetime
    kind: str
    title: str
    detail: str = ""
    link: tuple[str, int] | None = None
    sensitive: bool = False
    #: A correction's field changes (`correction_entries`): label, kind, from, to.
    changes: tuple[dict[str, Any], ...] = ()
    whole_day: bool = False
    facts: tuple[tuple[str, str | date], ...] = ()


@lru_cache(maxsize=64)
def _labels(model: type[models.Model], name: str) -> dict[object, str]:
    """A field's choices as {value: label}: `get_FOO_display()` without rebuilding them."""
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


def _label(model: type[models.Model], name: str, value: object) -> str:
    return _labels(model, name).get(value, str(value))


def _person(first: str | None, last: str | None, username: str | None) -> str | None:
    """`str(user)` (the full name, else the username) from its columns; None: no one."""
    if username is None:
        return None
    return f"{first} {last}".strip() or username


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _by_interview(rows: QuerySet[Any], *columns: str) -> dict[int, list[tuple[Any, ...]]]:
    grouped: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows.values_list("interview_id", *columns):
        grouped.setdefault(row[0], []).append(row[1:])
    return grouped


def _facts(*pairs: tuple[str, object]) -> tuple[tuple[str, str | date], ...]:
    """The pairs with something to say (no empty text, no unknown time), as text, or as a
    date or time (the page formats those)."""
    shown: list[tuple[str, str | date]] = []
    for label, value in pairs:
        if value is None or value == "" or value == []:
            continue
        shown.append((label, value if isinstance(value, date) else str(value)))
    return tuple(shown)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("Yes" if value else "No")


#: The police's risk flags (`homeward.police.format.RiskFactor` codes) in words.
RISK_FACTOR_WORDS = {
    "cse": "Child sexual exploitation",
    "cce": "Child criminal exploitation",
    "county_lines": "County lines",
    "trafficking": "Trafficking",
    "gang": "Gang association",
    "self_harm": "Self-harm",
    "mental_health": "Mental health",
    "drugs_alcohol": "Drugs or alcohol",
    "domestic_abuse": "Domestic abuse",
    "unknown_adults": "Unknown adults",
    "other": "Another risk",
}


def child_timeline(*, user: User, child: Child, full: bool = False) -> list[TimelineEntry]:
    """Episodes, interviews, disclosures, actions and shares, newest first.

    What a child disclosed is left out for those who may not see it (police liaison);
    a provider's staff see only their own interviews and the episodes those cover, a
    force only the episodes it reported and the interviews covering them
    (`visible_episodes`, `visible_interviews`).

    A child with many episodes has hundreds of entries, so the records are read as plain
    rows (no model objects), one query per kind of record however many interviews there
    are, and nothing encrypted is read but a decline's reason, for those who may see it.
    `full` (the chronology, `child_chronology`) adds each entry's `facts`: the police's
    account of each episode, and, for those who may see it, what the child said.
    """
    entries, _episodes, _interviews = _timeline(user, child, full=full)
    return sorted(entries, key=_in_date_order, reverse=True)


def _in_date_order(entry: TimelineEntry) -> tuple[date, bool, datetime]:
    """By UK day, then what has a time before what happened that day without one (a
    referral made that day, most likely after the interview), then by time."""
    return (timezone.localtime(entry.at).date(), entry.whole_day, entry.at)


def _timeline(user: User, child: Child, *, full: bool) -> tuple[list[TimelineEntry], int, int]:
    """The entries of `child_timeline`, unsorted, and how many episodes and interviews
    they come from."""
    disclosures = permissions.can_view_disclosures(user, child)
    said = full and disclosures  # what the child said, in the chronology
    entries: list[TimelineEntry] = []
    for kind, noted_on, source, ended_on in child.risk_flags.values_list(
        "kind", "noted_on", "source", "ended_on"
    ):
        entries.append(
            TimelineEntry(
                _midnight(noted_on),
                "risk",
                f"Risk flagged: {_label(RiskFlag, 'kind', kind)}",
                f"Source: {source}",
                whole_day=True,
                facts=_facts(("Ended", ended_on)) if full else (),
            )
        )
    columns = [
        "reference",
        "category",
        "missing_from",
        "risk_grade",
        "started_at",
        "returned_at",
        "found_where",
    ]
    if full:
        columns += [
            "reported_to_police_at",
            "police_force__name",
            "police_reference",
            "circumstances",
            "last_seen_where",
            "risk_factors",
            "found_by",
            "notified_at",
            "prevention_interview_done",
            "police_officer",
        ]
    episodes = list(visible_episodes(user=user, child=child).filter(IN_COUNT).values_list(*columns))
    for row in episodes:
        reference, category, missing_from, risk, started_at, returned_at, found = row[:7]
        label = (
            f"{_label(Episode, 'category', category)} from "
            f"{_label(Episode, 'missing_from', missing_from).lower()}"
        )
        facts: tuple[tuple[str, str | date], ...] = ()
        back: tuple[tuple[str, str | date], ...] = ()
        if full:
            (reported, force, police_reference, circumstances, last_seen, factors) = row[7:13]
            found_by, notified_at, safe_and_well, officer = row[13:]
            police = ", ".join(p for p in (force or "", police_reference or "") if p)
            facts = _facts(
                ("Reported to the police", reported),
                ("Police force and reference", police),
                ("What the police said", circumstances),
                ("Last seen", last_seen),
                (
                    "The police's risk flags",
                    ", ".join(RISK_FACTOR_WORDS.get(f, f) for f in factors),
                ),
                ("Officer to contact", officer),
            )
            back = _facts(
                ("Found by", found_by),
                ("The authority told", notified_at),
                (
                    "Safe and well check",
                    None if safe_and_well is None else ("Done" if safe_and_well else "Not done"),
                ),
            )
        entries.append(
            TimelineEntry(
                started_at,
                "episode",
                f"{label} ({reference})",
                f"Risk: {_label(Episode, 'risk_grade', risk) or 'not graded'}",
                facts=facts,
            )
        )
        if returned_at:
            entries.append(
                TimelineEntry(
                    returned_at, "return", f"Returned or found ({reference})", found, facts=back
                )
            )
    shown = visible_interviews(user=user, child=child).filter(IN_COUNT)
    interview_columns = [
        "pk",
        "reference",
        "allocated_at",
        "allocated_worker__first_name",
        "allocated_worker__last_name",
        "allocated_worker__username",
        "allocated_organisation__name",
        "outcome",
        "outcome_recorded_at",
        "declined_by",
        *(["decline_reason"] if disclosures else []),
        "held_at",
        "harms",
        "signed_off_at",
        "signed_off_by__first_name",
        "signed_off_by__last_name",
        "signed_off_by__username",
    ]
    if full:
        interview_columns += ["due_at", "due_rule", "held_where", "decline_reason_code"]
    if said:
        interview_columns += [
            "push_factors",
            "pull_factors",
            "whereabouts",
            "child_words",
            "child_wishes",
            "follow_up_offered",
            "follow_up_taken_up",
            "safety_plan_updated",
            "late_reason_code",
            "late_reason",
            "sign_off_note",
        ]
    interviews = list(shown.values(*interview_columns))
    mine = {"interview__in": shown.values("pk")}
    offers = _by_interview(
        Offer.objects.filter(IN_COUNT, **mine).order_by("offered_at", "pk"),
        "offered_at",
        "offered_to",
        "method",
    )
    attempts = _by_interview(
        ContactAttempt.objects.filter(IN_COUNT, **mine).order_by("attempted_at", "pk"),
        "attempted_at",
        "successful",
        "method",
        *(["note"] if said else []),
    )
    referrals = _by_interview(
        Referral.objects.filter(IN_COUNT, **mine).order_by("pk"), "made_on", "service", "outcome"
    )
    shares = _by_interview(
        InformationShare.objects.filter(**mine).order_by("shared_at", "pk"),
        "shared_at",
        "recipient",
        "basis",
        *(["detail"] if said else []),
    )
    for interview in interviews:
        pk, reference = interview["pk"], interview["reference"]
        link = ("web:interview", pk) if disclosures else None
        if interview["allocated_at"]:
            worker = _person(
                interview["allocated_worker__first_name"],
                interview["allocated_worker__last_name"],
                interview["allocated_worker__username"],
            )
            entries.append(
                TimelineEntry(
                    interview["allocated_at"],
                    "allocation",
                    f"Interview {reference} allocated",
                    f"To {worker or interview['allocated_organisation__name']}",
                    link=link,
                    facts=_facts(
                        ("Due", interview["due_at"]), ("The clock's rule", interview["due_rule"])
                    )
                    if full
                    else (),
                )
            )
        for offered_at, offered_to, method in offers.get(pk, []):
            entries.append(
                TimelineEntry(
                    offered_at,
                    "offer",
                    f"Interview offered to {_label(Offer, 'offered_to', offered_to).lower()}",
                    _label(Offer, "method", method),
                )
            )
        for attempted_at, successful, method, *note in attempts.get(pk, []):
            entries.append(
                TimelineEntry(
                    attempted_at,
                    "attempt",
                    "Contact made" if successful else "Contact attempted",
                    _label(ContactAttempt, "method", method),
                    facts=_facts(("Note", note[0] if note else None)),
                )
            )
        outcome, recorded_at = interview["outcome"], interview["outcome_recorded_at"]
        if outcome == codes.Outcome.DECLINED and recorded_at:
            declined_by = _label(ReturnInterview, "declined_by", interview["declined_by"])
            code = interview.get("decline_reason_code")
            entries.append(
                TimelineEntry(
                    recorded_at,
                    "decline",
                    f"Declined by {declined_by.lower()}",
                    interview["decline_reason"] if disclosures else "",
                    sensitive=True,
                    facts=_facts(
                        (
                            "Why",
                            _label(ReturnInterview, "decline_reason_code", code) if code else "",
                        )
                    ),
                )
            )
        elif outcome == codes.Outcome.NO_CONTACT and recorded_at:
            entries.append(
                TimelineEntry(recorded_at, "no_contact", f"No contact made ({reference})")
            )
        if interview["held_at"]:
            harms = ", ".join(codes.Harm(h).label for h in interview["harms"])
            entries.append(
                TimelineEntry(
                    interview["held_at"],
                    "interview",
                    f"Interview held ({reference})",
                    f"Harms disclosed: {harms or 'none'}" if disclosures else "",
                    link=link,
                    sensitive=True,
                    facts=_held_facts(interview, said) if full else (),
                )
            )
        for made_on, service, outcome_text in referrals.get(pk, []):
            entries.append(
                TimelineEntry(
                    _midnight(made_on),
                    "action",
                    f"Referral to {service}",
                    outcome_text,
                    whole_day=True,
                )
            )
        for shared_at, recipient, basis, *detail in shares.get(pk, []):
            if disclosures or recipient == codes.ShareRecipient.POLICE:
                entries.append(
                    TimelineEntry(
                        shared_at,
                        "share",
                        f"Shared with {_label(InformationShare, 'recipient', recipient).lower()}",
                        f"Basis: {_label(InformationShare, 'basis', basis)}",
                        facts=_facts(("What was shared", detail[0] if detail else None)),
                    )
                )
        if interview["signed_off_at"]:
            by = _person(
                interview["signed_off_by__first_name"],
                interview["signed_off_by__last_name"],
                interview["signed_off_by__username"],
            )
            entries.append(
                TimelineEntry(
                    interview["signed_off_at"],
                    "sign_off",
                    f"Signed off by {by}",
                    facts=_facts(("Note", interview.get("sign_off_note"))),
                )
            )
    entries.extend(correction_entries(user=user, child=child))
    return entries, len(episodes), len(interviews)


def _held_facts(interview: dict[str, Any], said: bool) -> tuple[tuple[str, str | date], ...]:
    """An interview held, for the chronology: where, and (for those who may see it) what
    the child said and what was done."""
    facts = _facts(("Where", interview["held_where"]))
    if not said:
        return facts
    late = interview["late_reason_code"]
    return facts + _facts(
        ("Why they went (push)", interview["push_factors"]),
        ("What drew them away (pull)", interview["pull_factors"]),
        ("Where and with whom", interview["whereabouts"]),
        ("In the child's words", interview["child_words"]),
        ("What the child wants", interview["child_wishes"]),
        ("Follow-up support offered", _yes_no(interview["follow_up_offered"])),
        ("Follow-up support taken up", _yes_no(interview["follow_up_taken_up"])),
        ("Safety or care plan updated", _yes_no(interview["safety_plan_updated"])),
        (
            "Why it was late",
            "; ".join(
                t
                for t in (
                    _label(ReturnInterview, "late_reason_code", late) if late else "",
                    interview["late_reason"] or "",
                )
                if t
            ),
        ),
    )


@dataclass(frozen=True)
class Chronology:
    """A child's chronology: everything `user` may see of what happened, the earliest
    first, and when it was drawn up."""

    child: Child
    entries: list[TimelineEntry]
    at: datetime
    episodes: int
    interviews: int


def child_chronology(
    *,
    user: User,
    child_id: int,
    request: HttpRequest | None = None,
    export_reason: str = "",
) -> Chronology:
    """A child's chronology for `user` (the page and its PDF): episodes with the police's
    account, interviews with their offers, attempts and outcome, what the child said (for
    those who may see it), referrals, risk flags, shares and sign-off, in date order (the
    earliest first; what happened at the same moment in the order it was done).

    Whoever may see the child's record may see their chronology, scoped as the record is
    (`child_timeline`). Logged as a view, or with `export_reason` as an export (the PDF);
    a refusal is logged and refused.
    """
    child = Child.objects.select_related("responsible_authority", "host_authority").get(pk=child_id)
    allowed = permissions.can_view_child(user, child)
    what = f"chronology of child {child.reference}"
    if allowed and export_reason:
        access_record(
            user=user,
            action=AccessEvent.Action.EXPORT,
            what=what,
            child_id=child.pk,
            reason=export_reason,
            detail="PDF",
            request=request,
        )
    else:
        _logged_read(user=user, allowed=allowed, what=what, child_id=child.pk, request=request)
    entries, episodes, interviews = _timeline(user, child, full=True)
    return Chronology(
        child=child,
        entries=sorted(entries, key=_in_date_order),
        at=timezone.now(),
        episodes=episodes,
        interviews=interviews,
    )


# --- corrections on the timeline ----------------------------------------------------------


#: A correction's title on the timeline, by what was corrected and how.
_CORRECTION_TITLES = {
    Correction.Action.CHANGED: "{record} changed",
    Correction.Action.ENTERED_IN_ERROR: "{record} entered in error",
    Correction.Action.RECODED: "{record} recoded after a possible miscoding",
    Correction.Action.UNLINKED: "{record} unlinked",
    Correction.Action.MOVED: "{record} moved to another child",
    Correction.Action.REALLOCATED: "{record} reallocated",
    Correction.Action.REOPENED: "{record} reopened after sign-off",
}


def correction_entries(*, user: User, child: Child) -> list[TimelineEntry]:
    """The child's corrections (`Correction`), for the timeline: what was changed, from
    what to what, by whom and why. One query. Each is shown only to those who may see the
    record corrected: an episode's to those who see the episode, an interview's (its
    parts, its allocation, its sign-off) to those who see what the child disclosed in it;
    an address's values only to those who see disclosures."""
    disclosures = permissions.can_view_disclosures(user, child)
    whole = permissions.sees_whole_child(user)
    episodes = interviews = None
    if not whole:
        episodes = set(visible_episodes(user=user, child=child).values_list("pk", flat=True))
        interviews = set(visible_interviews(user=user, child=child).values_list("pk", flat=True))
    entries = []
    rows = child.corrections.select_related("by").only(
        "kind",
        "record",
        "action",
        "changes",
        "reason",
        "at",
        "episode_id",
        "interview_id",
        "by__first_name",
        "by__last_name",
        "by__username",
    )
    for correction in rows:
        if correction.interview_id is not None and not (
            disclosures and (interviews is None or correction.interview_id in interviews)
        ):
            continue
        if (
            correction.episode_id is not None
            and episodes is not None
            and correction.episode_id not in episodes
        ):
            continue
        changes = json.loads(correction.changes or "[]")
        shown = tuple(
            change
            if disclosures or not change.get("sensitive")
            else {**change, "from": "", "to": "", "hidden": True}
            for change in changes
        )
        title = _CORRECTION_TITLES.get(correction.action, "{record} corrected").format(
            record=correction.record[:1].upper() + correction.record[1:]
        )
        by = _person(correction.by.first_name, correction.by.last_name, correction.by.username)
        reason = (correction.reason or "").strip()
        detail = f"By {by}." + (f" Reason: {reason}" if reason else "")
        link = (
            ("web:interview", correction.interview_id)
            if correction.interview_id is not None and disclosures
            else None
        )
        entries.append(
            TimelineEntry(
                correction.at,
                "correction",
                title,
                detail,
                link=link,
                sensitive=correction.interview_id is not None,
                changes=shown,
            )
        )
    return entries


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
    force = permissions.force_of(user)
    if force is not None:
        return children.filter(pk__in=Episode.objects.filter(police_force=force).values("child"))
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
