"""Return interview arrangements across the boundary (docs/exchange.md, "Return interview
arrangements"): the responsible authority asks the host to hold an interview (or withdraws
the request); the host lists what it was asked and answers."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from homeward.accounts import permissions
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record, access_record_children
from homeward.exchange import arrangements, selectors, services
from homeward.exchange.models import InterviewArrangement
from homeward.organisations.models import Organisation
from homeward.organisations.selectors import allocatable_organisations
from homeward.web import exchange_forms as f
from homeward.web.forms import apply_service_errors
from homeward.web.templatetags.casework import uk_day, uk_time
from homeward.web.views.cases import _interview

A = InterviewArrangement


def _may_arrange(request: HttpRequest) -> None:
    if not permissions.can_allocate(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("return interview arrangements")


# --- the responsible authority asks ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def ask_host(request: HttpRequest, interview_id: int) -> HttpResponse:
    """Ask the host authority to hold this interview, or withdraw the request; with every
    request made about it."""
    _may_arrange(request)
    interview = _interview(request, interview_id)  # access checked and logged
    history = selectors.arrangements_of(interview)
    live = arrangements.live_arrangement(interview)
    refusal = arrangements.why_not_ask(interview)
    partner = arrangements.host_partner(interview)
    form = f.AskHostForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        user = request.user
        try:
            if request.POST.get("action") == "withdraw":
                if live is None:  # answered or withdrawn since the page was read
                    raise ValidationError(
                        {"note": "There is no open request to withdraw: it has been answered"}
                    )
                arrangements.request_withdraw(by=user, arrangement=live)  # type: ignore[arg-type]
                messages.success(request, f"The request to {live.partner.name} is withdrawn")
                return redirect("web:interview", interview.pk)
            if form.is_valid():
                made = arrangements.request_send(
                    by=user,  # type: ignore[arg-type]
                    interview=interview,
                    note=form.cleaned_data["note"],
                )
                messages.success(
                    request,
                    f"{made.partner.name} is asked to hold interview {interview.reference}. "
                    "Its answer will show on the interview.",
                )
                return redirect("web:interview", interview.pk)
        except ValidationError as error:
            apply_service_errors(form, error)
    child = interview.child
    rows = [
        ("Child", f"{child.full_name} ({child.reference})"),
        ("Interview", interview.reference),
        ("Due", uk_time(interview.due_at) if interview.due_at else "Not yet: the child is away"),
        ("Host authority", str(child.host_authority) if child.host_authority else "None"),
    ]
    return render(
        request,
        "web/exchange/ask_host.html",
        {
            "form": form,
            "title": (
                f"Ask {partner.name} to hold the return interview"
                if partner is not None
                else "Ask the host authority to hold the return interview"
            ),
            "caption": f"{child.full_name}: interview {interview.reference}",
            "back": reverse("web:interview", args=[interview.pk]),
            "button": "Send the request",
            "rows": rows,
            "history": history,
            "live": live,
            "refusal": refusal if live is None else "",
            "interview": interview,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# --- the host answers ---------------------------------------------------------------------


@login_required
@require_GET
def asked_of_us(request: HttpRequest) -> HttpResponse:
    """The return interviews other authorities asked this one to hold."""
    _may_arrange(request)
    rows = selectors.asked_of_us()
    children = [row.child_id for row in rows if row.child_id is not None]
    if children:
        access_record_children(
            user=request.user,  # type: ignore[arg-type]
            action=AccessEvent.Action.VIEW,
            what="return interviews asked of us",
            child_ids=children,
            request=request,
        )
    return render(request, "web/exchange/asked_of_us.html", {"rows": rows})


def _organisations() -> list[tuple[str, str]]:
    return [
        (str(o.pk), o.name)
        for o in allocatable_organisations().order_by("kind", "name")
        if o.kind in (Organisation.Kind.AUTHORITY_TEAM, Organisation.Kind.PROVIDER)
    ]


def _request_rows(one: InterviewArrangement) -> list[tuple[str, str]]:
    payload = services.notice_payload(one.notice) if one.notice is not None else {}
    about = payload.get("child", {})
    born = about.get("date_of_birth")
    return [
        ("Name", f"{about.get('given_names', '')} {about.get('family_name', '')}".strip()),
        ("Date of birth", uk_day(date.fromisoformat(born)) if born else "Not given"),
        ("Their child reference", about.get("reference", "Not given")),
        ("Their interview reference", one.their_interview_reference),
        ("Due, on their clock", uk_time(one.due_at) if one.due_at else "Not yet"),
        ("Their rule", one.due_rule or "Not given"),
        ("Our episodes it covers", ", ".join(one.host_episodes) or "None named"),
        ("What the interviewer should know", one.note or "Nothing added"),
        ("Asked", uk_time(one.requested_at)),
    ]


@login_required
@require_http_methods(["GET", "POST"])
def asked_one(request: HttpRequest, arrangement_id: int) -> HttpResponse:
    """One request to hold a return interview: what was asked, and the answer."""
    _may_arrange(request)
    one = selectors.arrangement(arrangement_id)
    if one is None or one.role != A.Role.ASKED_OF_US:
        raise Http404("No such request")
    access_record(
        user=request.user,  # type: ignore[arg-type]
        action=AccessEvent.Action.VIEW,
        what=f"request {one.pk} from {one.partner.name} to hold a return interview",
        child_id=one.child_id,
        request=request,
    )
    if request.method == "POST" and request.POST.get("action") == "give_back":
        give_back = f.GiveBackForm(request.POST)
        if give_back.is_valid():
            try:
                arrangements.request_give_back(
                    by=request.user,  # type: ignore[arg-type]
                    arrangement=one,
                    reason=give_back.cleaned_data["reason"],
                )
            except ValidationError as error:
                apply_service_errors(give_back, error)
            else:
                messages.success(request, f"Given back: {one.partner.name} is told why")
                return redirect("web:exchange-asked-of-us")
        return render(
            request,
            "web/exchange/asked_one.html",
            {"one": one, "rows": _request_rows(one), "form": give_back, "give_back": give_back},
            status=400,
        )
    answerable = one.state == A.State.REQUESTED and one.child is not None
    existing = arrangements.open_here(one) if answerable else None
    form = f.AnswerForm(
        request.POST if request.method == "POST" and answerable else None,
        organisations=_organisations(),
        open_here=existing.reference if existing is not None else "",
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        accept = data["answer"] == "accept"
        try:
            answered = arrangements.request_answer(
                by=request.user,  # type: ignore[arg-type]
                arrangement=one,
                accept=accept,
                organisation=Organisation.objects.get(pk=int(data["organisation"]))
                if accept
                else None,
                reason=data["reason"] if not accept else "",
                take_open=bool(data.get("take_open")),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if accept and answered.interview is not None:
                messages.success(
                    request,
                    f"Accepted: interview {answered.interview.reference} is held here for "
                    f"{one.partner.name}. Allocate a worker on it.",
                )
                return redirect("web:interview", answered.interview.pk)
            messages.success(request, f"Declined: {one.partner.name} is told why")
            return redirect("web:exchange-asked-of-us")
    context: dict[str, Any] = {
        "one": one,
        "rows": _request_rows(one),
        "form": form,
        "answerable": answerable,
        "give_back": f.GiveBackForm() if one.state == A.State.ACCEPTED else None,
    }
    return render(
        request,
        "web/exchange/asked_one.html",
        context,
        status=400 if form.is_bound and form.errors else 200,
    )
