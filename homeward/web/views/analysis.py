"""The pseudonymised episode list, for analysts, managers and coordinators: a period's
episodes a page at a time, and every row as a CSV download.

The rows come from `homeward.cases.analysis`, which checks permission and logs every look
(a view) and every download (an export, with the reason asked for here). The download is a
POST: it needs a reason, and a GET never writes a file.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render

from homeward.accounts import permissions
from homeward.cases import analysis
from homeward.web.forms import DateRangeForm, date_data, reason_field
from homeward.web.pagination import pagination

PER_PAGE = 100
TEMPLATE = "web/analysis/episodes.html"


class PeriodForm(DateRangeForm):
    """Episodes that started from one date to another, both included."""


class DownloadForm(PeriodForm):
    reason = reason_field(
        "Why you need this download", required_message="Enter why you need this download"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The period travels in hidden fields: the page's filter form shows it.
        for name in ("start", "end"):
            self.fields[name].widget = forms.HiddenInput()


def _require(request: HttpRequest) -> None:
    if not permissions.can_view_pseudonymised(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("the pseudonymised episode list")


def _period(request: HttpRequest) -> PeriodForm:
    """The filter bound to the query string over the default, the last 12 months."""
    start, end = analysis.default_period()
    data = {
        **date_data(request.GET, "start", start.isoformat(), blank_is_default=False),
        **date_data(request.GET, "end", end.isoformat(), blank_is_default=False),
    }
    return PeriodForm(data)


def _render(
    request: HttpRequest,
    period: PeriodForm,
    download: DownloadForm,
    *,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "period": period,
        "download": download,
        "headings": [heading for _key, heading in analysis.COLUMNS],
    }
    if period.is_valid():
        start: date | None = period.cleaned_data["start"]
        end: date | None = period.cleaned_data["end"]
        episodes = analysis.pseudonymised_episodes(
            user=request.user,  # type: ignore[arg-type]
            start=start,
            end=end,
            request=request,
        )
        page = Paginator(episodes, PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            listed=True,
            start=start,
            end=end,
            page=page,
            rows=[analysis.row_cells(row) for row in page.object_list],
            children=episodes.children() if page.paginator.count else 0,
            pagination=pagination(
                page,
                query={
                    "start": start.isoformat() if start else "",
                    "end": end.isoformat() if end else "",
                },
            ),
        )
    elif status == 200:
        status = 400
    return render(request, TEMPLATE, context, status=status)


@login_required
def episodes(request: HttpRequest) -> HttpResponse:
    _require(request)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    period = _period(request)
    initial = {}
    if period.is_valid():
        initial = {
            name: value.isoformat() if value else "" for name, value in period.cleaned_data.items()
        }
    return _render(request, period, DownloadForm(initial=initial, auto_id="download_%s"))


@login_required
def episodes_csv(request: HttpRequest) -> HttpResponse:
    """The download: a POST with the period and the reason (permission first, then the
    method, so a GET is refused with 403 to those without the list and 405 to the rest)."""
    _require(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    download = DownloadForm(request.POST, auto_id="download_%s")
    if not download.is_valid():
        period = PeriodForm({name: request.POST.get(name, "") for name in ("start", "end")})
        for name in ("start", "end"):  # the period's own form shows what is wrong with it
            download.errors.pop(name, None)
        return _render(request, period, download, status=400)
    data = download.cleaned_data
    file = analysis.pseudonymised_episodes_csv(
        user=request.user,  # type: ignore[arg-type]
        start=data["start"],
        end=data["end"],
        reason=data["reason"],
        request=request,
    )
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response["Cache-Control"] = "no-store"
    return response
