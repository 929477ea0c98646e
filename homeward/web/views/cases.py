"""The daily-work pages: the coordinator's home, caseloads, finding and recording children,
episodes and return interviews.

Views are thin: they check permission with `homeward.accounts.permissions`, read through
`homeward.cases.selectors` (which log every view of a child's record) and write through
`homeward.cases.services`. A service's `ValidationError` becomes errors on the form (status
400); a refusal is a 403; every write redirects with a message (POST/redirect/GET).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from homeward.accounts import permissions
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record
from homeward.cases import codes, selectors, services, status
from homeward.cases.models import IN_COUNT, Child, Episode, Referral, ReturnInterview, RiskFlag
from homeward.formats import philomena
from homeward.intake import selectors as intake_selectors
from homeward.intelligence import selectors as intelligence_selectors
from homeward.web import case_forms as f
from homeward.web.pagination import pagination

# --- helpers -------------------------------------------------------------------------------


def _child(request: HttpRequest, child_id: int) -> Child:
    """The child's record through the (audited) selector: 404 if there is none."""
    try:
        return selectors.child_for(user=request.user, child_id=child_id, request=request)
    except Child.DoesNotExist:
        raise Http404("No such child") from None


def _interview(request: HttpRequest, interview_id: int) -> ReturnInterview:
    try:
        return selectors.interview_for(
            user=request.user, interview_id=interview_id, request=request
        )
    except ReturnInterview.DoesNotExist:
        raise Http404("No such interview") from None


def imported_refusal(request: HttpRequest, episode: Episode, record: Child) -> HttpResponse:
    """The page every change to an imported episode gets, GET or POST alike (403): it is the
    case system's history, corrected there (`corrections.IMPORTED`), never a form here."""
    return render(
        request,
        "web/corrections/imported.html",
        {
            "title": f"Episode {episode.reference} cannot be changed in homeward",
            "caption": f"{record.full_name} ({record.reference})",
            "episode": episode,
            "child": record,
            "back": reverse("web:child", args=[record.pk]),
        },
        status=403,
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _apply_errors(
    form: forms.Form, error: ValidationError, rename: dict[str, str] | None = None
) -> None:
    """A service's refusal as errors on the form: on the field it names, else on the form."""
    rename = rename or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            field = rename.get(name, name)
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _render_form(
    request: HttpRequest,
    form: forms.Form,
    *,
    template: str = "web/cases/form.html",
    status: int | None = None,
    **context: Any,
) -> HttpResponse:
    if status is None:
        status = 400 if form.is_bound and form.errors else 200
    return render(request, template, {"form": form, **context}, status=status)


def _form_page(
    request: HttpRequest,
    form_class: type[forms.Form],
    save: Callable[[forms.Form], str],
    *,
    initial: dict[str, Any] | None = None,
    rename: dict[str, str] | None = None,
    **context: Any,
) -> HttpResponse:
    """GET: the empty form. POST: check it, call the service through `save` (which returns
    where to go next and has queued its message), or show the errors (400)."""
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                return redirect(save(form))
            except ValidationError as error:
                _apply_errors(form, error, rename)
    else:
        form = form_class(initial=initial)
    return _render_form(request, form, **context)


def _interview_context(interview: ReturnInterview) -> dict[str, Any]:
    child = interview.child
    return {
        "interview": interview,
        "child": child,
        "caption": f"{child.full_name}: interview {interview.reference}",
        "back": reverse("web:interview", args=[interview.pk]),
    }


# --- home, caseload, search ----------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The coordinator's home; everyone else is sent to the page their job starts from."""
    user = request.user
    if not permissions.can_view_coordinator_home(user):
        if permissions.home_of(user) is not None:  # type: ignore[arg-type]
            return redirect("web:childrens-home")
        if permissions.is_national_analyst(user):  # type: ignore[arg-type]
            return redirect("web:national-received")
        if permissions.can_view_caseload(user):
            return redirect("web:caseload")
        if permissions.can_view_indicators(user):
            return redirect("web:indicators")
        if permissions.can_view_audit(user):
            return redirect("web:audit")
        if permissions.can_search_children(user):
            return redirect("web:search")
        raise PermissionDenied
    board = selectors.coordinator_home(user=user)
    allocate_many = reverse("web:allocate-many") if permissions.can_allocate(user) else ""
    # Each section's figure is the length of its list (the lists are whole): a figure and
    # the rows under it cannot disagree. The sections split the work without overlap.
    sections = [
        (
            "overdue",
            "Overdue interviews",
            board.overdue,
            "interviews",
            "No interview is overdue.",
            "",
        ),
        (
            "overdue-unallocated",
            "Overdue episodes with no interview allocated",
            board.overdue_unallocated,
            "episodes",
            "No returned child is past the due point without an interview allocated.",
            allocate_many,
        ),
        (
            "due-soon",
            "Interviews due within 24 hours",
            board.due_soon,
            "interviews",
            "No interview is due in the next 24 hours.",
            "",
        ),
        (
            "awaiting",
            "Awaiting an interview allocation, not yet overdue",
            board.awaiting_allocation,
            "episodes",
            "No other returned child is waiting for an interview to be allocated.",
            allocate_many,
        ),
        (
            "missing",
            "Still missing",
            board.still_missing,
            "episodes",
            "No child is recorded as still missing.",
            "",
        ),
        (
            "new",
            "New episodes (last 7 days)",
            board.new_episodes,
            "episodes",
            "No episode was recorded in the last 7 days.",
            "",
        ),
        (
            "open",
            "Other open interviews (due later, or clock not started)",
            board.open,
            "interviews",
            "No other interview is open.",
            "",
        ),
    ]
    return render(
        request,
        "web/cases/home.html",
        {
            "now": board.now,
            "rule": board.rule,
            "overdue_total": len(board.overdue) + len(board.overdue_unallocated),
            "overdue_interviews": len(board.overdue),
            "overdue_episodes": len(board.overdue_unallocated),
            "awaiting_sign_off": board.awaiting_sign_off,
            # The count of the very list the intelligence page shows.
            "intelligence_awaiting": (
                intelligence_selectors.awaiting_acknowledgement(user=user).count()
                if permissions.can_view_intelligence_queue(user)
                else None
            ),
            "sections": [
                {
                    "id": key,
                    "title": title,
                    "rows": rows,
                    "kind": kind,
                    "empty": empty,
                    "allocate_many": link if rows else "",
                }
                for key, title, rows, kind, empty, link in sections
            ],
            "can_add_child": permissions.can_record_episode(user),
        },
    )


@login_required
@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    """A worker's allocated interviews by where each is: new allocations, open, returned
    with comments, to submit, awaiting sign-off, and the signed-off ones in pages
    (`?page=N`, GOV.UK pagination). Each figure is the length of the list under it."""
    now = timezone.now()
    board = selectors.caseload(
        user=request.user,
        page=request.GET.get("page") or 1,
        awaiting_page=request.GET.get("waiting") or 1,
        now=now,
    )
    signed = board.signed_off
    waiting = board.awaiting_sign_off
    return render(
        request,
        "web/cases/caseload.html",
        {
            "now": now,
            "board": board,
            "signed_off": signed,
            "pagination": pagination(signed, query=request.GET),
            "waiting": waiting,
            "waiting_pagination": pagination(waiting, query=request.GET, param="waiting"),
            "sections": [
                (
                    "new",
                    "New allocations (last 7 days)",
                    board.new,
                    "Nothing was allocated to you in the last 7 days.",
                ),
                (
                    "returned",
                    "Returned to you for changes",
                    board.returned,
                    "Nothing has been returned to you.",
                ),
                ("open", "Open interviews", board.open, "No open interview is allocated to you."),
                (
                    "to-submit",
                    "Ready to submit for sign-off",
                    board.to_submit,
                    "Nothing is waiting for you to submit it.",
                ),
            ],
        },
    )


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_search_children(request.user))
    form = f.SearchForm(request.GET or None)
    hits = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            if form.has_terms():
                hits = selectors.child_search(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    date_of_birth=form.cleaned_data["date_of_birth"],
                    identifier=form.cleaned_data["identifier"],
                    request=request,
                )
        else:
            status = 400
    return render(
        request,
        "web/cases/search.html",
        {
            "form": form,
            "hits": hits,
            "can_add_child": permissions.can_record_episode(request.user),
        },
        status=status,
    )


# --- children and episodes -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def child_new(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_record_episode(request.user))

    def save(form: forms.Form) -> str:
        child = services.child_create(by=request.user, **form.service_arguments())
        messages.success(request, f"{child.full_name} added as {child.reference}")
        return reverse("web:child", args=[child.pk])

    return _form_page(
        request,
        f.ChildForm,
        save,
        title="Add a child",
        button="Add the child",
        back=reverse("web:search"),
    )


@login_required
@require_GET
def child(request: HttpRequest, child_id: int) -> HttpResponse:
    """A child's record: details, risk flags, timeline, episodes and interviews (audited)."""
    record = _child(request, child_id)
    user = request.user
    episodes = selectors.child_episodes(user=user, child=record)
    codings = intake_selectors.police_codings(episode_ids=[e.pk for e in episodes])
    for episode in episodes:
        episode.police_coding = codings.get(episode.pk, "")  # type: ignore[attr-defined]
    can_allocate = permissions.can_allocate(user)
    return render(
        request,
        "web/cases/child.html",
        {
            "child": record,
            "now": timezone.now(),
            "aliases": [a.name for a in record.aliases.all()],
            "risk_flags": list(record.risk_flags.all()),
            "can_flag_risk": permissions.can_record_episode(user),
            "can_change_child": permissions.can_change_child(user, record),
            "timeline": selectors.child_timeline(user=user, child=record),
            "episodes": episodes,
            "interviews": selectors.child_interviews(user=user, child=record),
            "can_view_disclosures": permissions.can_view_disclosures(user, record),
            "can_record_episode": permissions.can_record_episode(user),
            "profile_title": philomena.title(record.responsible_authority.nation),
            "can_allocate": can_allocate
            and any(
                e.returned_at
                and e.interview_id is None
                and e.entered_in_error_at is None
                and not e.imported
                for e in episodes
            ),
            "can_change_episode": permissions.can_change_episode(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def episode_new(request: HttpRequest, child_id: int) -> HttpResponse:
    record = _child(request, child_id)
    _require(permissions.can_record_episode(request.user))

    def save(form: forms.Form) -> str:
        episode = services.episode_record(by=request.user, child=record, **form.cleaned_data)
        messages.success(request, f"Episode {episode.reference} recorded")
        return reverse("web:child", args=[record.pk])

    return _form_page(
        request,
        f.EpisodeForm,
        save,
        title="Record a missing episode",
        caption=record.full_name,
        button="Record the episode",
        back=reverse("web:child", args=[record.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def episode_return(request: HttpRequest, episode_id: int) -> HttpResponse:
    """The child is back: record when (this starts the clock)."""
    try:
        episode = Episode.objects.get(pk=episode_id)
    except Episode.DoesNotExist:
        raise Http404("No such episode") from None
    record = _child(request, episode.child_id)
    _require(permissions.can_record_episode(request.user))
    if episode.imported:
        return imported_refusal(request, episode, record)

    def save(form: forms.Form) -> str:
        saved = services.episode_record_return(
            by=request.user, episode=episode, **form.cleaned_data
        )
        due = f", interview due {f.uk_time(saved.due_at)}" if saved.due_at else ""
        messages.success(request, f"Return recorded for episode {saved.reference}{due}")
        return reverse("web:child", args=[record.pk])

    return _form_page(
        request,
        f.EpisodeReturnForm,
        save,
        title=f"Record the return: episode {episode.reference}",
        caption=record.full_name,
        intro=f"Missing since {f.uk_time(episode.started_at)}.",
        button="Record the return",
        back=reverse("web:child", args=[record.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def allocate(request: HttpRequest, child_id: int) -> HttpResponse:
    """One return interview for the child's returned episodes not yet covered."""
    record = _child(request, child_id)
    _require(permissions.can_allocate(request.user))
    waiting = record.episodes.filter(
        IN_COUNT, returned_at__isnull=False, interview__isnull=True, source="homeward"
    ).order_by("started_at")
    suggested = services.suggest_worker(child=record)
    form = f.AllocateForm(
        request.POST if request.method == "POST" else None,
        episodes=waiting,
        suggested=suggested,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            interview = services.interview_allocate(
                by=request.user,
                episodes=list(data["episodes"]),
                organisation=data["organisation"],
                worker=data["worker"],
                interviewer_independent=data["interviewer_independent"],
                chosen_by_child=data["chosen_by_child"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            who = interview.allocated_worker or interview.allocated_organisation
            messages.success(request, f"Interview {interview.reference} allocated to {who}")
            return redirect("web:interview", interview.pk)
    return _render_form(
        request,
        form,
        template="web/cases/allocate.html",
        child=record,
        waiting=list(waiting),
        suggested=suggested,
        title="Allocate a return interview",
        caption=record.full_name,
        button="Allocate the interview",
        back=reverse("web:child", args=[record.pk]),
    )


# --- the interview -------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    text: str
    url_name: str
    secondary: bool = True


def interview_actions(user: Any, interview: ReturnInterview, now: datetime) -> list[Action]:
    """What this user may do next with the interview. Only what to offer: the services
    check every write again."""
    actions: list[Action] = []
    signed_off = interview.signed_off_at is not None
    if permissions.can_work_interview(user, interview) and not signed_off:
        if not interview.is_closed:
            actions.append(Action("Record an offer", "web:offer"))
            actions.append(Action("Record a contact attempt", "web:attempt"))
            if interview.offers.exists():
                actions.append(Action("Record a decline", "web:decline"))
            if interview.attempts.exists():
                actions.append(Action("Record no contact made", "web:no-contact"))
        if interview.outcome not in (codes.Outcome.DECLINED, codes.Outcome.NO_CONTACT):
            text = "Change the write-up" if interview.held_at else "Write up the interview"
            actions.insert(0, Action(text, "web:write-up", secondary=False))
        finished = interview.held_at or interview.outcome_recorded_at or now
        if interview.due_at is not None and finished > interview.due_at:
            actions.append(Action("Say why it was late", "web:late-reason"))
    if permissions.can_work_interview(user, interview):
        actions.append(Action("Record information shared", "web:share"))
    where = status.interview_status(interview)
    if (
        permissions.can_submit_for_sign_off(user, interview)
        and interview.is_closed
        and where in SUBMITTABLE
    ):
        # Submitting is the next step: the write-up can still be changed, as a second choice.
        actions = [replace(a, secondary=True) for a in actions]
        actions.insert(0, Action("Submit for sign-off", "web:submit", secondary=False))
    if (
        permissions.can_sign_off(user, interview)
        and where == status.InterviewStatus.AWAITING_SIGN_OFF
    ):
        actions.insert(0, Action("Sign off", "web:sign-off", secondary=False))
        actions.insert(1, Action("Return to the worker", "web:return-for-changes"))
    return actions


#: Where an interview can be submitted for sign-off from: closed by the worker, or returned.
SUBMITTABLE = (
    status.InterviewStatus.HELD,
    status.InterviewStatus.DECLINED,
    status.InterviewStatus.NO_CONTACT,
    status.InterviewStatus.RETURNED,
)


def _across(user: Any, record: ReturnInterview) -> dict[str, Any]:
    """Who holds the interview across the boundary (docs/exchange.md): the latest request
    made about it, the partner that held it, and whether the host may be asked."""
    from homeward.exchange import arrangements
    from homeward.exchange import selectors as exchange_selectors

    history = exchange_selectors.arrangements_of(record)
    arranging = permissions.can_allocate(user)
    partner = arrangements.host_partner(record) if arranging else None
    return {
        "latest": history[0] if history else None,
        "partner": partner,
        "can_ask": partner is not None and arrangements.why_not_ask(record) == "",
        "can_arrange": arranging,
    }


@login_required
@require_GET
def interview(request: HttpRequest, interview_id: int) -> HttpResponse:
    record = _interview(request, interview_id)
    now = timezone.now()
    offers = list(record.offers.all())
    return render(
        request,
        "web/cases/interview.html",
        {
            "interview": record,
            "child": record.child,
            "now": now,
            "status": status.interview_status(record, offered=bool(offers)),
            "overdue": record.due_at is not None and record.due_at < now and not record.is_closed,
            "episodes": list(record.episodes.select_related("police_force")),
            "offers": offers,
            "attempts": list(record.attempts.all()),
            "harms": [f.harm_label(code) for code in record.harms],
            "places": list(record.places.order_by("pk")),
            "adults": list(record.adults.order_by("pk")),
            "vehicles": list(record.vehicles.order_by("pk")),
            "can_submit_intelligence": permissions.can_submit_intelligence(request.user, record),
            "referrals": list(record.referrals.order_by("made_on", "pk")),
            "can_add_findings": permissions.can_work_interview(request.user, record)
            and record.signed_off_at is None,
            "can_record_outcome": permissions.can_work_interview(request.user, record),
            "shares": list(record.shares.select_related("shared_by")),
            "actions": interview_actions(request.user, record, now),
            "can_reallocate": permissions.can_reallocate(request.user, record)  # type: ignore[arg-type]
            and record.entered_in_error_at is None,
            "can_change_parts": permissions.can_change_interview_part(request.user, record)  # type: ignore[arg-type]
            and record.entered_in_error_at is None,
            "can_reopen": permissions.can_reopen_interview(request.user, record)  # type: ignore[arg-type]
            and record.signed_off_at is not None,
            "across": _across(request.user, record),  # type: ignore[arg-type]
            "yes_no": {
                "independent": f.yes_no_label(record.interviewer_independent),
                "chosen": f.yes_no_label(record.chosen_by_child),
                "follow_up_offered": f.yes_no_label(record.follow_up_offered),
                "follow_up_taken_up": f.yes_no_label(record.follow_up_taken_up),
                "safety_plan_updated": f.yes_no_label(record.safety_plan_updated),
            },
        },
    )


def _working(request: HttpRequest, interview_id: int) -> ReturnInterview:
    record = _interview(request, interview_id)
    _require(permissions.can_work_interview(request.user, record))
    return record


def _now_initial(name: str) -> dict[str, Any]:
    return {name: timezone.localtime().replace(second=0, microsecond=0)}


@login_required
@require_http_methods(["GET", "POST"])
def offer(request: HttpRequest, interview_id: int) -> HttpResponse:
    record = _working(request, interview_id)

    def save(form: forms.Form) -> str:
        services.interview_record_offer(by=request.user, interview=record, **form.cleaned_data)
        messages.success(request, "Offer recorded")
        return reverse("web:interview", args=[record.pk])

    return _form_page(
        request,
        f.OfferForm,
        save,
        initial=_now_initial("offered_at"),
        title="Record an offer of a return interview",
        button="Record the offer",
        **_interview_context(record),
    )


@login_required
@require_http_methods(["GET", "POST"])
def attempt(request: HttpRequest, interview_id: int) -> HttpResponse:
    record = _working(request, interview_id)

    def save(form: forms.Form) -> str:
        services.interview_record_attempt(by=request.user, interview=record, **form.cleaned_data)
        messages.success(request, "Contact attempt recorded")
        return reverse("web:interview", args=[record.pk])

    return _form_page(
        request,
        f.AttemptForm,
        save,
        initial=_now_initial("attempted_at"),
        title="Record a contact attempt",
        button="Record the attempt",
        **_interview_context(record),
    )


@login_required
@require_http_methods(["GET", "POST"])
def decline(request: HttpRequest, interview_id: int) -> HttpResponse:
    record = _working(request, interview_id)

    def save(form: forms.Form) -> str:
        services.interview_record_decline(by=request.user, interview=record, **form.cleaned_data)
        messages.success(request, "Decline recorded")
        return reverse("web:interview", args=[record.pk])

    return _form_page(
        request,
        f.DeclineForm,
        save,
        title="Record that the interview was declined",
        button="Record the decline",
        **_interview_context(record),
    )


@login_required
@require_http_methods(["GET", "POST"])
def no_contact(request: HttpRequest, interview_id: int) -> HttpResponse:
    record = _working(request, interview_id)

    def save(form: forms.Form) -> str:
        services.interview_record_no_contact(by=request.user, interview=record)
        messages.success(request, "Recorded that no contact could be made")
        return reverse("web:interview", args=[record.pk])

    return _form_page(
        request,
        f.ConfirmForm,
        save,
        title="Record that no contact could be made",
        intro=(
            f"{record.attempts.count()} contact attempt(s) are recorded. Once you confirm, no "
            "further offer or attempt is expected for this interview."
        ),
        button="Confirm no contact was made",
        **_interview_context(record),
    )


def _differences(form: f.WriteUpForm, stale: services.StaleRecord) -> list[dict[str, str]]:
    """What is saved now beside what this person entered, field by field, in words."""
    rows = []
    for name, saved, mine in stale.differences:
        if saved in (None, "", []) and mine in (None, "", []):
            continue
        rows.append(
            {
                "label": str(form.fields[name].label),
                "saved": f.display_value(saved),
                "mine": f.display_value(mine),
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def write_up(request: HttpRequest, interview_id: int) -> HttpResponse:
    """The write-up, protected against lost updates: the form carries the version it was read
    at; if someone saved since, nothing is saved and the differences are shown (409) with the
    person's own entries kept, ready to save again once read."""
    record = _working(request, interview_id)
    context = {
        **_interview_context(record),
        "title": "Write up the interview",
        "due": f.uk_time(record.due_at),
    }
    if request.method != "POST":
        form = f.WriteUpForm(initial=f.WriteUpForm.initial_from(record))
        return _render_form(request, form, template="web/cases/write_up.html", **context)
    form = f.WriteUpForm(request.POST)
    if not form.is_valid():
        return _render_form(request, form, template="web/cases/write_up.html", **context)
    data = form.cleaned_data
    entry = services.WriteUp(**{name: data[name] for name in f.WriteUpForm.service_fields})
    try:
        services.interview_write_up(
            by=request.user,
            interview=record,
            write_up=entry,
            expected_version=data["expected_version"],
        )
    except services.StaleRecord as stale:
        fresh = request.POST.copy()
        fresh["expected_version"] = str(stale.current.version)
        form = f.WriteUpForm(fresh)
        form.is_valid()
        form.add_error(None, "Someone else saved this interview while you were editing")
        return _render_form(
            request,
            form,
            template="web/cases/write_up.html",
            status=409,
            stale=True,
            differences=_differences(form, stale),
            saved_by=stale.current.written_up_by,
            saved_at=stale.current.updated_at,
            **context,
        )
    except ValidationError as error:
        _apply_errors(form, error)
        return _render_form(request, form, template="web/cases/write_up.html", **context)
    messages.success(request, f"Write-up of interview {record.reference} saved")
    return redirect("web:interview", record.pk)


@login_required
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, interview_id: int) -> HttpResponse:
    """Information shared from the interview: recorded, and logged as a disclosure."""
    record = _working(request, interview_id)

    def save(form: forms.Form) -> str:
        with transaction.atomic():
            shared = services.interview_record_share(
                by=request.user, interview=record, **form.cleaned_data
            )
            # The basis is the reason; the shared text stays encrypted on the share itself.
            access_record(
                user=request.user,
                action=AccessEvent.Action.SHARE,
                what=f"interview {record.reference}",
                child_id=record.child_id,
                detail=(
                    f"information share {shared.pk} with {shared.get_recipient_display()} "
                    f"at {f.uk_time(shared.shared_at)}"
                ),
                reason=shared.get_basis_display(),
                request=request,
            )
        messages.success(request, f"Recorded what was shared with {shared.get_recipient_display()}")
        return reverse("web:interview", args=[record.pk])

    return _form_page(
        request,
        f.ShareForm,
        save,
        initial=_now_initial("shared_at"),
        title="Record information shared",
        intro="Record what you shared, with whom and on what basis. The share is logged.",
        button="Record the share",
        **_interview_context(record),
    )


@login_required
@require_http_methods(["GET", "POST"])
def late_reason(request: HttpRequest, interview_id: int) -> HttpResponse:
    record = _working(request, interview_id)

    def save(form: forms.Form) -> str:
        services.interview_record_late_reason(
            by=request.user,
            interview=record,
            reason=form.cleaned_data["reason"],
            reason_code=form.cleaned_data["reason_code"],
        )
        messages.success(request, "Reason for lateness recorded")
        return reverse("web:interview", args=[record.pk])

    return _form_page(
        request,
        f.LateReasonForm,
        save,
        initial={"reason": record.late_reason or "", "reason_code": record.late_reason_code},
        title="Say why the interview was late",
        intro=f"It was due by {f.uk_time(record.due_at)} ({record.due_rule}).",
        button="Save the reason",
        **_interview_context(record),
    )


# --- what the interview found, what was done, and the child's risks ------------------------


@login_required
@require_http_methods(["GET", "POST"])
def place_new(request: HttpRequest, interview_id: int) -> HttpResponse:
    record = _working(request, interview_id)

    def save(form: forms.Form) -> str:
        services.interview_add_place(by=request.user, interview=record, **form.cleaned_data)
        messages.success(request, "Place of concern added")
        return reverse("web:interview", args=[record.pk])

    return _form_page(
        request,
        f.PlaceForm,
        save,
        title="Add a place of concern",
        intro="A place the child went to, or was taken to, that gives concern.",
        button="Add the place",
        **_interview_context(record),
    )


@login_required
@require_http_methods(["GET", "POST"])
def adult_new(request: HttpRequest, interview_id: int) -> HttpResponse:
    """An adult of concern: a disclosure (the interview's page needs `can_view_disclosures`)."""
    record = _working(request, interview_id)

    def save(form: forms.Form) -> str:
        services.interview_add_adult(by=request.user, interview=record, **form.cleaned_data)
        messages.success(request, "Adult of concern added")
        return reverse("web:interview", args=[record.pk])

    return _form_page(
        request,
        f.AdultForm,
        save,
        title="Add an adult of concern",
        intro="An adult the child was with who gives concern. What you enter is kept encrypted.",
        button="Add the adult",
        **_interview_context(record),
    )


@login_required
@require_http_methods(["GET", "POST"])
def vehicle_new(request: HttpRequest, interview_id: int) -> HttpResponse:
    """A vehicle of concern: a disclosure, like an adult (kept encrypted)."""
    record = _working(request, interview_id)

    def save(form: forms.Form) -> str:
        services.interview_add_vehicle(by=request.user, interview=record, **form.cleaned_data)
        messages.success(request, "Vehicle of concern added")
        return reverse("web:interview", args=[record.pk])

    return _form_page(
        request,
        f.VehicleForm,
        save,
        title="Add a vehicle of concern",
        intro="A vehicle the child was driven in, or saw, that gives concern. "
        "What you enter is kept encrypted.",
        button="Add the vehicle",
        **_interview_context(record),
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, interview_id: int) -> HttpResponse:
    record = _working(request, interview_id)

    def save(form: forms.Form) -> str:
        referral = services.interview_add_referral(
            by=request.user, interview=record, **form.cleaned_data
        )
        messages.success(request, f"Referral to {referral.service} recorded")
        return reverse("web:interview", args=[record.pk])

    return _form_page(
        request,
        f.ReferralForm,
        save,
        initial={"made_on": timezone.localdate()},
        title="Add a referral",
        button="Record the referral",
        **_interview_context(record),
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_outcome(request: HttpRequest, referral_id: int) -> HttpResponse:
    """What came of a referral: also after sign-off, since services answer later."""
    try:
        referral = Referral.objects.get(pk=referral_id)
    except Referral.DoesNotExist:
        raise Http404("No such referral") from None
    record = _working(request, referral.interview_id)

    def save(form: forms.Form) -> str:
        services.referral_record_outcome(
            by=request.user, referral=referral, outcome=form.cleaned_data["outcome"]
        )
        messages.success(request, f"Outcome of the referral to {referral.service} recorded")
        return reverse("web:interview", args=[record.pk])

    return _form_page(
        request,
        f.ReferralOutcomeForm,
        save,
        initial={"outcome": referral.outcome},
        title="Record the outcome of a referral",
        intro=f"Referral to {referral.service}, made on {f.display_value(referral.made_on)}.",
        button="Save the outcome",
        **_interview_context(record),
    )


@login_required
@require_http_methods(["GET", "POST"])
def risk_new(request: HttpRequest, child_id: int) -> HttpResponse:
    record = _child(request, child_id)
    _require(permissions.can_record_episode(request.user))

    def save(form: forms.Form) -> str:
        flag = services.child_flag_risk(by=request.user, child=record, **form.cleaned_data)
        messages.success(request, f"Risk flagged: {flag.get_kind_display()}")
        return reverse("web:child", args=[record.pk])

    return _form_page(
        request,
        f.RiskFlagForm,
        save,
        initial={"noted_on": timezone.localdate()},
        title="Add a risk flag",
        caption=record.full_name,
        button="Add the risk flag",
        back=reverse("web:child", args=[record.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def risk_end(request: HttpRequest, flag_id: int) -> HttpResponse:
    try:
        flag = RiskFlag.objects.get(pk=flag_id)
    except RiskFlag.DoesNotExist:
        raise Http404("No such risk flag") from None
    record = _child(request, flag.child_id)
    _require(permissions.can_record_episode(request.user))

    def save(form: forms.Form) -> str:
        services.risk_flag_end(by=request.user, flag=flag, **form.cleaned_data)
        messages.success(request, f"Risk flag ended: {flag.get_kind_display()}")
        return reverse("web:child", args=[record.pk])

    return _form_page(
        request,
        f.RiskEndForm,
        save,
        initial={"ended_on": timezone.localdate()},
        title=f"End the risk flag: {flag.get_kind_display()}",
        caption=record.full_name,
        intro=f"Noted on {f.display_value(flag.noted_on)}, raised by {flag.source}.",
        button="End the risk flag",
        back=reverse("web:child", args=[record.pk]),
    )
