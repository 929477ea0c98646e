"""The national collection (docs/national-collection.md): an authority sends its annual
return to the national body; the national body's instance lists what it received and builds
the benchmark from it."""

from __future__ import annotations

import io
from datetime import date
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from homeward.accounts import permissions
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record
from homeward.benchmark.returns import parse_period
from homeward.formats.safe import safe_frame
from homeward.returns import national
from homeward.returns.authority_return import financial_years
from homeward.returns.models import NationalSubmission
from homeward.web.forms import apply_service_errors
from homeward.web.forms_national import DeadlineForm, SendReturnForm
from homeward.web.templatetags.casework import uk_day


@login_required
@require_http_methods(["GET", "POST"])
def send(request: HttpRequest) -> HttpResponse:
    """Send this authority's annual return for a year, and the returns sent before."""
    if not permissions.can_allocate(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("the national collection")
    partner = national.national_partner()
    periods = _recent_periods(5)
    form = SendReturnForm(request.POST if request.method == "POST" else None, periods=periods)
    if partner is not None and form.is_bound and form.is_valid():
        try:
            sent = national.national_send(
                by=request.user,  # type: ignore[arg-type]
                period=form.cleaned_data["period"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, f"The return for {sent.period} is on its way to {partner.name}"
            )
            return redirect("web:national-send")
    sent_before = list(
        NationalSubmission.objects.select_related("message", "sent_by").order_by("-sent_at")[:50]
    )
    sent_periods = {one.period for one in sent_before}
    return render(
        request,
        "web/returns/national_send.html",
        {
            "form": form,
            "partner": partner,
            "sent": sent_before,
            "asked": [(one, one.period in sent_periods) for one in national.returns_asked()],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _may_read(request: HttpRequest) -> None:
    if not permissions.can_read_national_returns(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("the returns received")


def _may_chase(request: HttpRequest) -> None:
    if not permissions.can_chase_national_returns(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("chasing the returns")


@login_required
@require_GET
def received(request: HttpRequest) -> HttpResponse:
    """The national body's instance: for each year, its deadline and every authority on the
    exchange with whether its return came; every return received, the current one with the
    earlier it replaced."""
    _may_read(request)
    rows = national.received()
    grouped = {period: list(group) for period, group in groupby(rows, key=lambda r: r.period)}
    deadlines = national.deadlines()
    periods = [
        (period, grouped.get(period, []), deadlines.get(period), national.awaited(period))
        for period in sorted(set(grouped) | set(deadlines), reverse=True)
    ]
    return render(
        request,
        "web/returns/national_received.html",
        {
            "periods": periods,
            "can_chase": permissions.can_chase_national_returns(request.user)  # type: ignore[arg-type]
            and national.collects_returns(),
            "today": timezone.localdate(),
        },
    )


def _recent_periods(years: int) -> list[str]:
    """The financial years of the last `years` years, the latest first."""
    today = timezone.localdate()
    return list(reversed(financial_years(date(today.year - years, 4, 1), today)))


@login_required
@require_http_methods(["GET", "POST"])
def deadline(request: HttpRequest) -> HttpResponse:
    """Set the day a year's returns are asked by."""
    _may_chase(request)
    form = DeadlineForm(
        request.POST if request.method == "POST" else None, periods=_recent_periods(3)
    )
    if form.is_bound and form.is_valid():
        try:
            set_ = national.deadline_set(
                by=request.user,  # type: ignore[arg-type]
                period=form.cleaned_data["period"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, f"The returns for {set_.period} are asked by {uk_day(set_.due_on)}"
            )
            return redirect("web:national-received")
    return render(
        request,
        "web/cases/form.html",
        {
            "form": form,
            "title": "Set the deadline for a year's returns",
            "intro": (
                "Authorities that have not sent their return by the deadline are shown as "
                "late, and can be reminded through the exchange. Setting a year's deadline "
                "again keeps the earlier one in its history."
            ),
            "back": reverse("web:national-received"),
            "button": "Set the deadline",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def remind(request: HttpRequest, period: str) -> HttpResponse:
    """Remind the authorities that have not sent their return for a year: who they are
    first, then the reminders on a POST."""
    _may_chase(request)
    period = _period(period)
    due = national.deadlines().get(period)
    if due is None:
        raise Http404("No deadline is set for this year")
    waiting = [row for row in national.awaited(period) if row.received is None]
    if request.method == "POST":
        try:
            sent = national.remind(by=request.user, period=period)  # type: ignore[arg-type]
        except ValidationError as error:
            messages.warning(request, "; ".join(error.messages))
        else:
            messages.success(
                request,
                f"{len(sent)} authorit{'y' if len(sent) == 1 else 'ies'} reminded to send the "
                f"return for {period}",
            )
        return redirect("web:national-received")
    return render(
        request,
        "web/returns/national_remind.html",
        {"period": period, "due": due, "waiting": waiting},
    )


def _period(text: str) -> str:
    try:
        return parse_period(text)
    except ValueError:
        raise Http404("No such period") from None


@login_required
@require_GET
def received_csv(request: HttpRequest, period: str) -> HttpResponse:
    """The current returns for a period, as the returns file `homeward benchmark` reads."""
    _may_read(request)
    period = _period(period)
    frame = national.current_returns_frame(period)
    if frame.is_empty():
        raise Http404("No returns for this period")
    buffer = io.BytesIO()
    safe_frame(frame).write_csv(buffer)
    access_record(
        user=request.user,  # type: ignore[arg-type]
        action=AccessEvent.Action.EXPORT,
        what=f"returns received for {period}",
        detail=f"{frame.height} authorities' returns (counts only)",
        reason="The national collection's returns, for the benchmark",
        request=request,
    )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="returns-{period}.csv"'
    return response


@login_required
@require_GET
def benchmark(request: HttpRequest, period: str) -> HttpResponse:
    """The benchmarking report of the current returns for a period, as a ZIP."""
    _may_read(request)
    period = _period(period)
    try:
        data = national.national_benchmark(period)
    except ValidationError as error:
        messages.warning(request, "; ".join(error.messages))
        return redirect(reverse("web:national-received"))
    access_record(
        user=request.user,  # type: ignore[arg-type]
        action=AccessEvent.Action.EXPORT,
        what=f"benchmark of the returns received for {period}",
        detail="the benchmarking report (counts only)",
        reason="The national benchmark",
        request=request,
    )
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="benchmark-{period}.zip"'
    return response
