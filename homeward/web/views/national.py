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
from homeward.web.forms_national import SendReturnForm


@login_required
@require_http_methods(["GET", "POST"])
def send(request: HttpRequest) -> HttpResponse:
    """Send this authority's annual return for a year, and the returns sent before."""
    if not permissions.can_allocate(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("the national collection")
    partner = national.national_partner()
    today = timezone.localdate()
    periods = list(reversed(financial_years(date(today.year - 5, 4, 1), today)))
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
    return render(
        request,
        "web/returns/national_send.html",
        {"form": form, "partner": partner, "sent": sent_before},
        status=400 if form.is_bound and form.errors else 200,
    )


def _may_read(request: HttpRequest) -> None:
    if not permissions.can_view_indicators(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("the returns received")


@login_required
@require_GET
def received(request: HttpRequest) -> HttpResponse:
    """The national body's instance: every return received, by period and authority, the
    current one with the earlier it replaced."""
    _may_read(request)
    rows = national.received()
    periods = [(period, list(group)) for period, group in groupby(rows, key=lambda r: r.period)]
    periods.sort(key=lambda item: item[0], reverse=True)
    return render(request, "web/returns/national_received.html", {"periods": periods})


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
