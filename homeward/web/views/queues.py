"""The queues and lists of the daily work: submitting an interview for sign-off, the
managers' sign-off queue, signing off and returning with comments, the team's workload, the
operational lists of episodes and interviews, and allocating several episodes at once.

Thin views, as in `cases.py`: permission through `homeward.accounts.permissions`, reads
through `homeward.cases.selectors` (a figure on a page is the count of the very list it
summarises), writes through `homeward.cases.services`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from homeward.accounts import permissions
from homeward.cases import selectors, services, status
from homeward.cases.models import Episode, ReturnInterview
from homeward.web import case_forms as f
from homeward.web import queue_forms as qf
from homeward.web.forms import apply_service_errors
from homeward.web.pagination import pagination
from homeward.web.views.cases import SUBMITTABLE, _interview, _interview_context

# --- submitting, signing off, returning ----------------------------------------------------


def summary_context(record: ReturnInterview) -> dict[str, Any]:
    """What a manager approves, read for the sign-off page: the outcome and write-up, the
    harms, places, adults and vehicles, the referrals (actions), what was shared, and the
    timeliness (the due point, when it ended, and the reason it was late)."""
    finished = record.held_at or record.outcome_recorded_at
    late = record.due_at is not None and finished is not None and finished > record.due_at
    offers = list(record.offers.all())
    return {
        "status": status.interview_status(record, offered=bool(offers)),
        "episodes": list(record.episodes.order_by("started_at")),
        "offers": offers,
        "attempts": list(record.attempts.all()),
        "harms": [f.harm_label(code) for code in record.harms],
        "places": list(record.places.order_by("pk")),
        "adults": list(record.adults.order_by("pk")),
        "vehicles": list(record.vehicles.order_by("pk")),
        "referrals": [
            (r.service, f.display_value(r.made_on), r.outcome)
            for r in record.referrals.order_by("made_on", "pk")
        ],
        "shares": list(record.shares.select_related("shared_by")),
        "finished": finished,
        "late": late,
        "yes_no": {
            "follow_up_offered": f.yes_no_label(record.follow_up_offered),
            "follow_up_taken_up": f.yes_no_label(record.follow_up_taken_up),
            "safety_plan_updated": f.yes_no_label(record.safety_plan_updated),
        },
    }


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, interview_id: int) -> HttpResponse:
    """The worker submits a closed interview for a manager's sign-off (a confirmation)."""
    record = _interview(request, interview_id)
    if not permissions.can_submit_for_sign_off(request.user, record):
        raise PermissionDenied("not your interview")
    form = f.ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.interview_submit_for_sign_off(by=request.user, interview=record)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Interview {record.reference} submitted for sign-off")
            return redirect("web:interview", record.pk)
    current = status.interview_status(record)
    return render(
        request,
        "web/queues/submit.html",
        {
            **_interview_context(record),
            "form": form,
            "status": current,
            "can_submit": current in SUBMITTABLE,
            "title": "Submit the interview for sign-off",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _deciding(request: HttpRequest, interview_id: int) -> ReturnInterview:
    """The interview (read, audited) for a manager who may sign it off or return it."""
    record = _interview(request, interview_id)
    if not permissions.can_sign_off(request.user, record):
        raise PermissionDenied("you cannot sign off this interview")
    return record


@login_required
@require_http_methods(["GET", "POST"])
def sign_off(request: HttpRequest, interview_id: int) -> HttpResponse:
    """A manager's sign-off: what is approved, summarised above the confirm button; the
    form carries the version read, so nothing changed since is signed off unseen."""
    record = _deciding(request, interview_id)
    data = request.POST if request.method == "POST" else None
    form = qf.SignOffForm(data, initial={"expected_version": record.version})
    if form.is_bound and form.is_valid():
        try:
            services.interview_sign_off(
                by=request.user,
                interview=record,
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["expected_version"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Interview {record.reference} signed off")
            return redirect("web:sign-off-queue")
    context = summary_context(record)
    return render(
        request,
        "web/queues/sign_off.html",
        {
            **_interview_context(record),
            **context,
            "form": form,
            "awaiting": context["status"] == status.InterviewStatus.AWAITING_SIGN_OFF,
            "now": timezone.now(),
            "title": "Sign off the interview",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def return_for_changes(request: HttpRequest, interview_id: int) -> HttpResponse:
    """A manager sends an interview awaiting sign-off back to its worker with comments."""
    record = _deciding(request, interview_id)
    data = request.POST if request.method == "POST" else None
    form = qf.ReturnForm(data, initial={"expected_version": record.version})
    if form.is_bound and form.is_valid():
        try:
            services.interview_return(
                by=request.user,
                interview=record,
                comments=form.cleaned_data["comments"],
                expected_version=form.cleaned_data["expected_version"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            who = record.allocated_worker or record.allocated_organisation
            messages.success(request, f"Interview {record.reference} returned to {who}")
            return redirect("web:sign-off-queue")
    current = status.interview_status(record)
    return render(
        request,
        "web/queues/return.html",
        {
            **_interview_context(record),
            "form": form,
            "status": current,
            "awaiting": current == status.InterviewStatus.AWAITING_SIGN_OFF,
            "title": "Return the interview to the worker",
            "back": reverse("web:sign-off", args=[record.pk]),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _page(request: HttpRequest, rows: QuerySet[Any], size: int = selectors.LIST_PAGE_SIZE) -> Any:
    return Paginator(rows, size).get_page(request.GET.get("page") or 1)


@login_required
@require_GET
def sign_off_queue(request: HttpRequest) -> HttpResponse:
    """The interviews waiting for this manager's sign-off, the longest waiting first."""
    queue = selectors.sign_off_queue(user=request.user)
    page = _page(request, queue)
    return render(
        request,
        "web/queues/sign_off_queue.html",
        {
            "page": page,
            "now": timezone.now(),
            "pagination": pagination(page, query=request.GET),
        },
    )


# --- the team's workload and the operational lists ----------------------------------------


@login_required
@require_GET
def workload(request: HttpRequest) -> HttpResponse:
    """Per worker: open interviews, those due within 24 hours and those overdue, each
    figure a link to the operational list of exactly those interviews."""
    now = timezone.now()
    rows = selectors.team_workload(user=request.user, now=now)
    base = reverse("web:interview-list")
    table = [
        {
            "row": row,
            "cells": [
                (
                    row.counts[which],
                    f"{base}?{urlencode(selectors.workload_filters(row, which))}",
                    label,
                )
                for which, label in selectors.WORKLOAD_COLUMNS.items()
            ],
        }
        for row in rows
    ]
    totals = {which: sum(row.counts[which] for row in rows) for which in selectors.WORKLOAD_COLUMNS}
    return render(
        request,
        "web/queues/workload.html",
        {
            "table": table,
            "columns": selectors.WORKLOAD_COLUMNS,
            "totals": totals,
            "now": now,
        },
    )


def _list_page(request: HttpRequest, *, episodes: bool) -> HttpResponse:
    if not permissions.can_view_team_work(request.user):
        raise PermissionDenied("the operational lists")
    now = timezone.now()
    form = qf.CaseFilterForm(request.GET or None, user=request.user, episodes=episodes)
    filters = form.filters()
    rows: QuerySet[Any] = (
        selectors.episode_list(user=request.user, filters=filters, now=now)
        if episodes
        else selectors.interview_list(user=request.user, filters=filters, now=now)
    )
    page = _page(request, rows)
    return render(
        request,
        "web/queues/list.html",
        {
            "form": form,
            "page": page,
            "now": now,
            "episodes": episodes,
            "filtered": form.is_bound and form.is_valid() and filters != selectors.CaseFilters(),
            "pagination": pagination(page, query=request.GET),
            "title": "Episodes" if episodes else "Interviews",
            "rule": selectors.due_rule_now(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_GET
def interview_list(request: HttpRequest) -> HttpResponse:
    """The team's interviews (names and references, no disclosure), filtered and paged."""
    return _list_page(request, episodes=False)


@login_required
@require_GET
def episode_list(request: HttpRequest) -> HttpResponse:
    """The team's episodes, filtered and paged."""
    return _list_page(request, episodes=True)


# --- allocating several episodes at once -------------------------------------------------


def _waiting() -> QuerySet[Episode]:
    """Every returned episode no interview covers yet, the soonest due first."""
    return (
        Episode.objects.filter(selectors.AWAITING_ALLOCATION)
        .select_related("child")
        .defer("circumstances", "child__address")
        .order_by(F("due_at").asc(nulls_last=True), "pk")
    )


@login_required
@require_http_methods(["GET", "POST"])
def allocate_many(request: HttpRequest) -> HttpResponse:
    """Several returned episodes at once: choose them and who takes them, check the
    answers (one interview per child), then allocate. `step`: "check" shows the answers,
    "change" goes back to the choices with them kept, "confirm" allocates."""
    if not permissions.can_allocate(request.user):
        raise PermissionDenied("only a coordinator or manager allocates")
    waiting = _waiting()
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if step == "change":  # back to the choices, as they were, with no errors yet
        post = request.POST
        form = qf.AllocateManyForm(
            initial={
                "episodes": post.getlist("episodes"),
                **{name: post.get(name, "") for name in qf.AllocateManyForm.single_fields},
            },
            waiting=waiting,
        )
    else:
        form = qf.AllocateManyForm(request.POST if step else None, waiting=waiting)
    context: dict[str, Any] = {"waiting": waiting.exists(), "back": reverse("web:home")}
    if step in ("check", "confirm") and form.is_valid():
        data = form.cleaned_data
        if step == "confirm":
            try:
                made = services.interviews_allocate_many(
                    by=request.user,
                    episodes=list(data["episodes"]),
                    organisation=data["organisation"],
                    worker=data["worker"],
                    interviewer_independent=data["interviewer_independent"],
                    chosen_by_child=data["chosen_by_child"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                who = data["worker"] or data["organisation"]
                references = ", ".join(i.reference for i in made)
                count = len(made)
                messages.success(
                    request,
                    f"{count} interview{'s' if count != 1 else ''} allocated to {who}: "
                    f"{references}",
                )
                return redirect("web:home")
        if not form.errors:
            groups: dict[int, list[Episode]] = {}
            for episode in data["episodes"]:
                groups.setdefault(episode.child_id, []).append(episode)
            return render(
                request,
                "web/queues/allocate_many_check.html",
                {
                    **context,
                    "form": form,
                    "groups": list(groups.values()),
                    "hidden": form.hidden_values(),
                    "title": "Check the allocation before you confirm it",
                },
            )
    return render(
        request,
        "web/queues/allocate_many.html",
        {**context, "form": form, "title": "Allocate several episodes at once"},
        status=400 if form.is_bound and form.errors else 200,
    )
