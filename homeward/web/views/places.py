"""The hotspot map: places of concern counted by postcode district (or local authority)
and month, small numbers hidden, for the authority's coordinators, managers and analysts.

The page works without JavaScript and without map tiles: the table, and a map drawn on the
server as SVG (circles placed by longitude and latitude, labelled, with a text
alternative). With JavaScript, Leaflet draws the same circles over the tiles of
`HOMEWARD_MAP_TILES` when set. Only areas and counts are in the page. The counts come from
`homeward.places.selectors`, which checks permission and logs each look (a list, not a
child's record) and each download (an export, with the reason asked for here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from homeward.accounts import permissions
from homeward.cases.analysis import default_period
from homeward.places import selectors
from homeward.places.selectors import AreaRow, By, Hotspots
from homeward.web.forms import (
    PERIOD_FROM,
    PERIOD_TO,
    DateRangeForm,
    date_data,
    day_field,
    reason_field,
)

TEMPLATE = "web/places/hotspots.html"
DOWNLOAD_TEMPLATE = "web/places/download.html"


class PeriodForm(DateRangeForm):
    """Places dated from one day to another, both included, and how to count them."""

    start = day_field("From", required=True, messages=PERIOD_FROM)
    end = day_field("To", required=True, messages=PERIOD_TO)
    by = forms.ChoiceField(
        label="Count places by",
        choices=[(b.value, b.label) for b in By],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how to count places"},
    )


class DownloadForm(PeriodForm):
    reason = reason_field(
        "Why you need this download", required_message="Enter why you need this download"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The period and the grouping travel in hidden fields: the page's filter shows them.
        for name in ("start", "end", "by"):
            self.fields[name].widget = forms.HiddenInput()


def _require(request: HttpRequest) -> None:
    if not permissions.can_view_hotspots(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("the hotspot map")


def _period(source: Any) -> PeriodForm:
    """The filter bound to `source` (the query string or a POST) over the default: the
    last 12 months, by postcode district."""
    start, end = default_period()
    data = {
        **date_data(source, "start", start.isoformat()),
        **date_data(source, "end", end.isoformat()),
        "by": str(source.get("by", "")).strip() or By.DISTRICT.value,
    }
    return PeriodForm(data)


# --- the map drawn on the server ------------------------------------------------------------

SVG_WIDTH, SVG_HEIGHT, SVG_MARGIN = 640, 480, 40
MAX_RADIUS, MIN_RADIUS = 28.0, 4.0


@dataclass(frozen=True)
class Circle:
    area: str
    count: int
    x: float
    y: float
    r: float
    label_y: float


def svg_circles(rows: list[AreaRow]) -> list[Circle]:
    """Each drawn area as a circle in a `SVG_WIDTH` × `SVG_HEIGHT` box: longitude and
    latitude projected equirectangularly (longitude shrunk by the cosine of the middle
    latitude, so distances look right), the whole fitted in the box with a margin; the
    circle's area is proportional to the count."""
    points = [r for r in rows if r.count is not None and r.latitude is not None]
    if not points:
        return []
    lats = [r.latitude for r in points if r.latitude is not None]
    lons = [r.longitude for r in points if r.longitude is not None]
    shrink = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * shrink, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    inner_w, inner_h = SVG_WIDTH - 2 * SVG_MARGIN, SVG_HEIGHT - 2 * SVG_MARGIN
    scale = min(inner_w / span_x, inner_h / span_y)
    # Centre the drawing in the box whichever way it is narrower.
    off_x = SVG_MARGIN + (inner_w - span_x * scale) / 2 if len(points) > 1 else SVG_WIDTH / 2
    off_y = SVG_MARGIN + (inner_h - span_y * scale) / 2 if len(points) > 1 else SVG_HEIGHT / 2
    biggest = max(r.count or 0 for r in points)
    circles = []
    for row in points:
        assert row.latitude is not None and row.longitude is not None and row.count is not None
        x = off_x + (row.longitude - min(lons)) * shrink * scale if len(points) > 1 else off_x
        y = off_y + (max(lats) - row.latitude) * scale if len(points) > 1 else off_y
        r = max(MIN_RADIUS, MAX_RADIUS * math.sqrt(row.count / biggest))
        circles.append(Circle(row.area, row.count, round(x, 1), round(y, 1), round(r, 1), 0))
    return [
        # The label under the circle, or above it where it would leave the box.
        Circle(c.area, c.count, c.x, c.y, c.r, round(_label_y(c.y, c.r), 1))
        for c in sorted(circles, key=lambda c: -c.r)  # the big ones first, small on top
    ]


def _label_y(y: float, r: float) -> float:
    below = y + r + 14
    return below if below <= SVG_HEIGHT - 4 else y - r - 6


def _map_data(result: Hotspots) -> dict[str, Any]:
    """What the page's script draws: areas and counts only."""
    return {
        "tiles": settings.HOMEWARD_MAP_TILES,
        "attribution": settings.HOMEWARD_MAP_ATTRIBUTION,
        "areas": [
            {
                "area": row.area,
                "count": row.count,
                "lat": round(row.latitude, 5),
                "lon": round(row.longitude, 5),
            }
            for row in result.drawn()
            if row.latitude is not None and row.longitude is not None
        ],
    }


def _render(
    request: HttpRequest, period: PeriodForm, download: DownloadForm, *, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {"period": period, "download": download}
    if period.is_valid():
        data = period.cleaned_data
        result = selectors.hotspots_for(
            user=request.user,  # type: ignore[arg-type]
            start=data["start"],
            end=data["end"],
            by=data["by"],
            request=request,
        )
        circles = svg_circles(result.areas)
        context.update(
            listed=True,
            result=result,
            small=selectors.SMALL_NUMBER,
            circles=circles,
            svg={"width": SVG_WIDTH, "height": SVG_HEIGHT},
            map_data=_map_data(result),
            # Months as columns are readable for a year or two; longer, the table says so.
            month_columns=len(result.months) <= 24,
        )
    elif status == 200:
        status = 400
    return render(request, TEMPLATE, context, status=status)


def _download_initial(period: PeriodForm) -> dict[str, str]:
    if not period.is_valid():
        return {}
    data = period.cleaned_data
    start: date = data["start"]
    end: date = data["end"]
    return {"start": start.isoformat(), "end": end.isoformat(), "by": data["by"]}


@login_required
def hotspots(request: HttpRequest) -> HttpResponse:
    _require(request)
    period = _period(request.GET)
    download = DownloadForm(initial=_download_initial(period), auto_id="download_%s")
    return _render(request, period, download)


@login_required
def download(request: HttpRequest) -> HttpResponse:
    """The table as CSV: a GET shows the form (the reason), a POST with a reason sends the
    file and logs it as an export."""
    _require(request)
    if request.method != "POST":
        period = _period(request.GET)
        return render(
            request,
            DOWNLOAD_TEMPLATE,
            {
                "period": period,
                "download": DownloadForm(initial=_download_initial(period), auto_id="download_%s"),
            },
            status=200 if period.is_valid() else 400,
        )
    form = DownloadForm(request.POST, auto_id="download_%s")
    if not form.is_valid():
        period = _period(request.POST)
        for name in ("start", "end", "by"):  # the period's own form shows what is wrong
            form.errors.pop(name, None)
        return _render(request, period, form, status=400)
    data = form.cleaned_data
    file = selectors.hotspots_csv(
        user=request.user,  # type: ignore[arg-type]
        start=data["start"],
        end=data["end"],
        by=data["by"],
        reason=data["reason"],
        request=request,
    )
    response = HttpResponse(file.data, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.name}"'
    response["Cache-Control"] = "no-store"
    return response
