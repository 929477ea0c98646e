"""A children's home's admissions and discharges (docs/exchange.md, "Children's home
admissions and discharges"): the home's own staff record them, naming the child as they
know them, and see only what they recorded; a coordinator says which child a record is
about when homeward could not tell."""

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
from homeward.audit.services import access_record
from homeward.cases.models import Child
from homeward.exchange import notices, selectors
from homeward.exchange.models import HomeMovement
from homeward.organisations.models import Organisation
from homeward.web import exchange_forms as f
from homeward.web.forms import apply_service_errors
from homeward.web.templatetags.casework import uk_day


def _home(request: HttpRequest) -> Organisation:
    home = permissions.home_of(request.user)  # type: ignore[arg-type]
    if home is None:
        raise PermissionDenied("a children's home's admissions and discharges")
    return home


def reg41_answers(data: dict[str, Any]) -> dict[str, Any]:
    """What regulation 41(3) asks a notice to state, from a `HomeNoticeForm`'s answers, as
    the services take it."""
    return {
        "event": data["event"],
        "on": data["on"],
        "postcode": data["postcode"],
        "accommodated_under": data["accommodated_under"],
        "care_or_supervision_order": data["care_order"],
        "iro_contact": data["iro_contact"],
        "ehc_plan": data["ehc_plan"],
    }


@login_required
@require_GET
def childrens_home(request: HttpRequest) -> HttpResponse:
    """The home's staff: what they recorded, the latest first, and how each fared."""
    home = _home(request)
    rows = list(selectors.home_movements_of(home)[:200])
    if rows:
        access_record(
            user=request.user,  # type: ignore[arg-type]
            action=AccessEvent.Action.VIEW,
            what=f"admissions and discharges recorded by {home.name}",
            request=request,
        )
    return render(request, "web/exchange/childrens_home.html", {"home": home, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def childrens_home_record(request: HttpRequest) -> HttpResponse:
    """The home's staff record an admission or discharge at their home."""
    home = _home(request)
    form = f.HomeReportForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            movement = notices.home_report_record(
                by=request.user,  # type: ignore[arg-type]
                given_names=data["given_names"],
                family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
                responsible_gss_code=data["responsible"],
                **reg41_answers(data),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            what = movement.get_event_display().lower()
            messages.success(
                request,
                f"Recorded: {data['given_names']} {data['family_name']}, {what} "
                f"{uk_day(movement.on)}. The authority of this area has it now.",
            )
            return redirect("web:childrens-home")
    return render(
        request,
        "web/cases/form.html",
        {
            "form": form,
            "title": "Record an admission or discharge",
            "caption": home.name,
            "intro": (
                "Tell the local authority of this area of a child's admission to, or "
                "discharge from, this home, without delay (Children's Homes (England) "
                "Regulations 2015, regulation 41). homeward passes it to the authority that "
                "placed the child once it knows which child it is."
            ),
            "back": reverse("web:childrens-home"),
            "button": "Record it",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def home_report_link(request: HttpRequest, movement_id: int) -> HttpResponse:
    """A coordinator says which child a home's admission or discharge is about."""
    if not permissions.can_record_episode(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("saying which child a children's home record is about")
    movement = selectors.home_reports_waiting().filter(pk=movement_id).first()
    if movement is None:
        raise Http404("No such admission or discharge waiting")
    candidates = notices.home_report_candidates(movement)
    choices = [
        (
            str(child.pk),
            f"{child.full_name} ({child.reference}), born "
            f"{uk_day(child.date_of_birth) if child.date_of_birth else 'date not known'}",
        )
        for child in candidates
    ]
    form = f.HomeReportLinkForm(
        request.POST if request.method == "POST" else None, children=choices
    )
    if candidates:
        access_record(
            user=request.user,  # type: ignore[arg-type]
            action=AccessEvent.Action.VIEW,
            what=f"children a children's home record ({movement.pk}) may be about",
            request=request,
        )
    if form.is_bound and form.is_valid():
        child = Child.objects.get(pk=int(form.cleaned_data["child"]))
        try:
            movement = notices.home_report_link(
                by=request.user,  # type: ignore[arg-type]
                movement=movement,
                child=child,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            told = (
                f" and {child.responsible_authority.name} is being told"
                if movement.message is not None
                else ""
            )
            messages.success(request, f"Recorded for {child.full_name}{told}")
            return redirect("web:exchange-placed-here")
    reported = movement.reported
    return render(
        request,
        "web/exchange/home_report_link.html",
        {
            "form": form,
            "movement": movement,
            "reported": reported,
            "born": date.fromisoformat(reported["date_of_birth"]),
            "candidates": candidates,
            "title": "Which child is it?",
            "caption": (
                f"{'An admission' if movement.event == 'admission' else 'A discharge'} "
                f"recorded by {movement.home_name}"
            ),
            "intro": (
                "homeward could not tell which child the home means. Say which: it is then "
                "recorded for them and, when the authority that placed them is on the "
                "exchange, told to it."
            ),
            "button": "Record it for this child",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def movement_back(request: HttpRequest, movement: HomeMovement) -> str:
    """Where a correction of `movement` goes back to: the home's own list for its staff."""
    if permissions.home_of(request.user) is not None:  # type: ignore[arg-type]
        return reverse("web:childrens-home")
    return reverse("web:exchange-placed-here")
