"""Hotspots: how many places of concern fall in each postcode district (or local
authority), by month, with small numbers hidden.

The places are:

- the places of concern recorded in return interviews (`PlaceOfConcern.postcode`), dated
  by when the interview was held (or, not yet held, when it was allocated);
- where each child the police reported missing went missing from (the notification's
  `postcode`), dated by when the police were told. Reports dismissed as not this
  authority's, and reports about adults, are left out. Where the child was found is free
  text in the police's format (`found_where`), so it cannot be placed on a map.

Each place is geocoded through `Postcode` (the ONS Postcode Directory, `load_postcodes`).
A place whose postcode is not in the directory, or is not a postcode at all, is counted
as not found. Counts from 1 to `SMALL_NUMBER` − 1 are hidden (suppressed), as the
indicators hide them; where an area (or a month of an area) would be the only one hidden,
so that it could be worked out from the total, the next smallest is hidden too.

Reads here never name or locate a child: the results are areas and counts only.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Avg
from django.db.models.functions import Coalesce

from homeward.accounts import permissions
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record
from homeward.cases import clock
from homeward.cases.models import IN_COUNT, PlaceOfConcern
from homeward.formats.onspd import district_of, normalise_postcode
from homeward.formats.safe import safe_text
from homeward.intake.models import PoliceReport
from homeward.organisations.models import Authority
from homeward.places.models import Postcode
from homeward.returns.files import CSV, Export, ExportFile

if TYPE_CHECKING:
    from django.http import HttpRequest

    from homeward.accounts.models import User

#: The smallest count shown: counts from 1 to SMALL_NUMBER − 1 are hidden, as in the
#: indicators' published tables (`homeward.indicators.engine.suppress_small_counts`).
SMALL_NUMBER = 5
#: How a hidden count is written in tables and files.
SUPPRESSED = "[c]"
#: The area of the places whose postcode is not a postcode at all.
NOT_A_POSTCODE = "not a postcode"
_LOOKUP_BATCH = 2000

K = TypeVar("K", bound=Hashable)


class By(StrEnum):
    DISTRICT = "district"
    AUTHORITY = "authority"

    @property
    def label(self) -> str:
        return "Postcode district" if self is By.DISTRICT else "Local authority"


class Source(StrEnum):
    INTERVIEW = "interview"
    POLICE = "police"


@dataclass(frozen=True)
class Place:
    source: Source
    postcode: str  # as recorded
    day: date  # UK date


@dataclass(frozen=True)
class AreaRow:
    """One area: its places in the period and in each month (None where hidden), and
    where to draw it (the average of the directory's postcodes in it; None if unknown)."""

    area: str
    name: str
    count: int | None
    months: list[int | None]
    latitude: float | None
    longitude: float | None

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class NotFound:
    """Places not found in the directory, by the district their postcode would be in."""

    district: str
    count: int


@dataclass
class Hotspots:
    start: date
    end: date
    by: By
    months: list[date]
    areas: list[AreaRow]
    places: int  # every place in the period, found or not
    found: int
    by_source: dict[str, int]
    not_found: list[NotFound] = field(default_factory=list)
    #: The postcodes not found, each with how many places had it: for the CLI and for
    #: fixing the records, never shown on the page (a postcode can point at a house).
    not_found_postcodes: dict[str, int] = field(default_factory=dict)

    @property
    def not_found_count(self) -> int:
        return self.places - self.found

    @property
    def suppressed_areas(self) -> int:
        return sum(1 for row in self.areas if row.suppressed)

    def drawn(self) -> list[AreaRow]:
        """The areas a map may draw: shown (not hidden) and located."""
        return [
            row
            for row in self.areas
            if row.count is not None and row.latitude is not None and row.longitude is not None
        ]


def suppress(counts: dict[K, int]) -> dict[K, int | None]:
    """`counts` with every count from 1 to SMALL_NUMBER − 1 hidden (None); when exactly one
    is hidden, the smallest count still shown (not zero) is hidden too, so the hidden one
    cannot be worked out by taking the others from the total."""
    shown: dict[K, int | None] = {
        key: None if 0 < value < SMALL_NUMBER else value for key, value in counts.items()
    }
    if sum(1 for value in shown.values() if value is None) == 1:
        others = sorted(
            ((value, str(key), key) for key, value in shown.items() if value),
            key=lambda item: (item[0], item[1]),
        )
        if others:
            shown[others[0][2]] = None
    return shown


def months_between(start: date, end: date) -> list[date]:
    """The first day of each month from `start`'s to `end`'s, both included."""
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        clock.aware(datetime.combine(start, time.min)),
        clock.aware(datetime.combine(end + timedelta(days=1), time.min)),
    )


def places(*, start: date, end: date) -> Iterator[Place]:
    """Every place of concern dated from `start` to `end` (UK dates, both included)."""
    since, until = _bounds(start, end)
    interviews = (
        PlaceOfConcern.objects.filter(IN_COUNT)
        .exclude(postcode="")
        .annotate(at=Coalesce("interview__held_at", "interview__created_at"))
        .filter(at__gte=since, at__lt=until)
        .values_list("postcode", "at")
    )
    for postcode, at in interviews.iterator(chunk_size=2000):
        yield Place(Source.INTERVIEW, postcode, clock.wall_clock(at).date())
    reports = (
        PoliceReport.objects.filter(reported_at__gte=since, reported_at__lt=until, is_child=True)
        .exclude(state__in=[PoliceReport.State.DISMISSED, PoliceReport.State.ADULT])
        .values_list("content", "reported_at")
    )
    for content, reported_at in reports.iterator(chunk_size=500):
        # The stored content is the format's record (`intake.services.content_dump`).
        postcode = str(json.loads(content or "{}").get("postcode") or "").strip()
        if postcode:
            yield Place(Source.POLICE, postcode, clock.wall_clock(reported_at).date())


def _lookup(postcodes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """The directory's district and local authority of each postcode found in it."""
    wanted = sorted(set(postcodes))
    found: dict[str, tuple[str, str]] = {}
    for first in range(0, len(wanted), _LOOKUP_BATCH):
        batch = wanted[first : first + _LOOKUP_BATCH]
        for postcode, district, la_code in Postcode.objects.filter(postcode__in=batch).values_list(
            "postcode", "district", "la_code"
        ):
            found[postcode] = (district, la_code)
    return found


def _locations(by: By, areas: Iterable[str]) -> dict[str, tuple[float, float]]:
    column = "district" if by is By.DISTRICT else "la_code"
    wanted = [area for area in set(areas) if area]
    rows = (
        Postcode.objects.filter(**{f"{column}__in": wanted})
        .values(column)
        .annotate(latitude=Avg("latitude"), longitude=Avg("longitude"))
        .order_by()
    )
    return {row[column]: (row["latitude"], row["longitude"]) for row in rows}


def hotspots(*, start: date, end: date, by: By | str = By.DISTRICT) -> Hotspots:
    """Places of concern from `start` to `end` (UK dates, both included) counted by postcode
    district or local authority (`by`), in the period and by month, small counts hidden.
    Areas come most places first (hidden ones last), then by name."""
    by = By(by)
    months = months_between(start, end)
    month_index = {month: i for i, month in enumerate(months)}
    gathered = list(places(start=start, end=end))
    normalised = [normalise_postcode(place.postcode) for place in gathered]
    directory = _lookup(p for p in normalised if p)
    totals: Counter[str] = Counter()
    by_month: dict[str, Counter[int]] = {}
    not_found: Counter[str] = Counter()
    not_found_postcodes: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    for place, postcode in zip(gathered, normalised, strict=True):
        by_source[place.source.value] += 1
        if postcode not in directory:
            not_found[district_of(postcode) if postcode else NOT_A_POSTCODE] += 1
            not_found_postcodes[postcode or place.postcode.strip().upper()] += 1
            continue
        district, la_code = directory[postcode]
        area = district if by is By.DISTRICT else (la_code or "unknown")
        totals[area] += 1
        by_month.setdefault(area, Counter())[month_index[place.day.replace(day=1)]] += 1
    shown = suppress(dict(totals))
    locations = _locations(by, totals)
    names = (
        dict(Authority.objects.filter(gss_code__in=list(totals)).values_list("gss_code", "name"))
        if by is By.AUTHORITY
        else {}
    )
    rows = []
    for area in totals:
        if shown[area] is None:
            cells: list[int | None] = [None] * len(months)
        else:
            monthly = suppress({i: by_month[area][i] for i in range(len(months))})
            cells = [monthly[i] for i in range(len(months))]
        latitude, longitude = locations.get(area, (None, None))
        rows.append(AreaRow(area, names.get(area, ""), shown[area], cells, latitude, longitude))
    rows.sort(key=lambda row: (row.count is None, -(row.count or 0), row.area))
    return Hotspots(
        start=start,
        end=end,
        by=by,
        months=months,
        areas=rows,
        places=len(gathered),
        found=sum(totals.values()),
        by_source={source.value: by_source[source.value] for source in Source},
        not_found=[
            NotFound(district, count)
            for district, count in sorted(not_found.items(), key=lambda i: (-i[1], i[0]))
        ],
        not_found_postcodes=dict(sorted(not_found_postcodes.items())),
    )


# --- the page and its download: permission and the access log ------------------------------


def _require(user: User) -> None:
    if not permissions.can_view_hotspots(user):
        raise PermissionDenied("the hotspot map")


def _detail(result: Hotspots) -> str:
    return (
        f"places {result.start.isoformat()} to {result.end.isoformat()} by {result.by.value}: "
        f"{result.places} places, {len(result.areas)} areas "
        f"({result.suppressed_areas} hidden), {result.not_found_count} not found"
    )


def hotspots_for(
    *,
    user: User,
    start: date,
    end: date,
    by: By | str = By.DISTRICT,
    request: HttpRequest | None = None,
) -> Hotspots:
    """`hotspots` for someone allowed them, the look logged (a list, not a child's record)."""
    _require(user)
    result = hotspots(start=start, end=end, by=by)
    access_record(
        user=user,
        action=AccessEvent.Action.VIEW,
        what="hotspot map",
        detail=_detail(result),
        request=request,
    )
    return result


def cell(value: int | None) -> str:
    return SUPPRESSED if value is None else str(value)


def table_rows(result: Hotspots) -> list[list[str]]:
    """The table as the page and the file give it: a header, a row per area, then the
    places not found in the directory."""
    header = [result.by.value, "name", "places", *(m.strftime("%Y-%m") for m in result.months)]
    rows = [header]
    for row in result.areas:
        rows.append([row.area, row.name, cell(row.count), *(cell(c) for c in row.months)])
    rows.append(["not found", "", str(result.not_found_count), *("" for _ in result.months)])
    return rows


def hotspots_file(result: Hotspots) -> ExportFile:
    """The table as a CSV file (UTF-8; text that would start a formula is quoted)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in table_rows(result):
        writer.writerow([safe_text(text) for text in row])
    name = (
        f"hotspots-by-{result.by.value}-{result.start.isoformat()}-to-{result.end.isoformat()}.csv"
    )
    return ExportFile(name, CSV, buffer.getvalue().encode("utf-8"))


def hotspots_csv(
    *,
    user: User,
    start: date,
    end: date,
    by: By | str,
    reason: str,
    request: HttpRequest | None = None,
) -> ExportFile:
    """The table as a CSV file for someone allowed it, logged as an export with `reason`."""
    _require(user)
    if not reason.strip():
        raise ValueError("a download needs a reason")
    result = hotspots(start=start, end=end, by=by)
    file = hotspots_file(result)
    access_record(
        user=user,
        action=AccessEvent.Action.EXPORT,
        what="hotspot table",
        detail=f"{file.name}: {_detail(result)}",
        reason=reason.strip(),
        request=request,
    )
    return file


def build_hotspots(*, start: date, end: date, degrade: bool) -> Export:
    """The hotspot table by postcode district as an export (counts only, so `degrade`
    changes nothing: no postcode finer than a district is in it)."""
    result = hotspots(start=start, end=end, by=By.DISTRICT)
    return Export(
        files=[hotspots_file(result)],
        rows=len(result.areas),
        notes=[f"counts from 1 to {SMALL_NUMBER - 1} are shown as {SUPPRESSED}"],
    )
