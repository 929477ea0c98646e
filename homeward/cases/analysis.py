"""The pseudonymised episode list: one row per missing episode, for analysis, with nothing
that names or locates a child.

Analysts see "aggregates and pseudonymised lists only" (`accounts.permissions`); this is
the list. Each row carries what an analysis of episodes and return interviews needs (age,
sex, ethnicity, legal status, placement, the episode's codes and times, the interview's
outcome and timeliness, the harms disclosed as codes) and leaves out everything that
identifies or locates a child: no name, alias, reference, date of birth, address, postcode,
social worker, police reference, place, free text or user. See docs/security.md,
"Pseudonymised lists".

- **Pseudonyms.** The child, the episode and the interview are each given as the first 12
  hex characters of an HMAC-SHA256 of their record id, keyed from `SECRET_KEY` with a
  fixed salt per kind (`django.utils.crypto.salted_hmac`). The same child has the same
  pseudonym in every list and download (so repeat episodes can be counted) for as long as
  `SECRET_KEY` stays the same; without the key a pseudonym cannot be turned back into a
  record, and it is not the child's reference.
- **Times** are UK wall-clock dates and hours (`2025-03-14 21:00`): the minutes are dropped.
  The interview's completion is a date only.
- **Within the timescale** is whether the covering interview was held at or before the
  episode's own due point under the authority's rule (`Episode.due_at`: under "each" the
  episode's own clock, under "latest" the interview's), blank when not held or not due.
- **Days to completion** are calendar days (UK dates) from the return to the interview.

Reads are one query (joins and two `EXISTS` subqueries, no per-row query); the list is
lazy, so a page of it reads only its rows. Every read is logged in the access log: a look
at the list as a view, a download as an export, with the reason given for it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from homeward.accounts import permissions
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record
from homeward.cases import clock, codes
from homeward.cases.models import IN_COUNT, Episode, InformationShare, Offer
from homeward.formats.safe import safe_text

if TYPE_CHECKING:
    from django.http import HttpRequest

    from homeward.accounts.models import User

#: The salts of the pseudonyms: fixed, so a pseudonym stays the same from one list to the next.
CHILD_SALT = "homeward.analysis.child"
EPISODE_SALT = "homeward.analysis.episode"
INTERVIEW_SALT = "homeward.analysis.interview"
PSEUDONYM_LENGTH = 12

#: The columns of a row, in order: (key, heading). The CSV's header is the keys.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("child", "Child (pseudonym)"),
    ("episode", "Episode (pseudonym)"),
    ("age_at_start", "Age at start"),
    ("sex", "Sex"),
    ("ethnicity", "Ethnicity"),
    ("legal_status", "Legal status"),
    ("placement_type", "Placement"),
    ("out_of_area", "Placed out of area"),
    ("category", "Category"),
    ("missing_from", "Missing from"),
    ("risk_grade", "Risk grade"),
    ("started", "Started"),
    ("returned", "Returned"),
    ("notified", "Notified"),
    ("interview", "Interview (pseudonym)"),
    ("outcome", "Outcome"),
    ("declined_by", "Declined by"),
    ("offered", "Offered"),
    ("completed_on", "Completed"),
    ("within_timescale", "Within the timescale"),
    ("days_to_completion", "Days from return to completion"),
    ("harms", "Harms disclosed"),
    ("shared_with_police", "Shared with police"),
)
KEYS = tuple(key for key, _heading in COLUMNS)

#: What is read from the database: none of it names or locates a child.
_FIELDS = (
    "pk",
    "child_id",
    "child__date_of_birth",
    "child__sex",
    "child__ethnicity",
    "child__legal_status",
    "child__placement_type",
    "child__responsible_authority_id",
    "child__host_authority_id",
    "category",
    "missing_from",
    "risk_grade",
    "started_at",
    "returned_at",
    "notified_at",
    "due_at",
    "interview_id",
    "interview__outcome",
    "interview__declined_by",
    "interview__held_at",
    "interview__harms",
    "offered",
    "shared_with_police",
)


def pseudonym(salt: str, record_id: int) -> str:
    """The record's pseudonym: HMAC-SHA256 of its id keyed from SECRET_KEY and `salt`."""
    digest = salted_hmac(salt, str(record_id), algorithm="sha256").hexdigest()
    return digest[:PSEUDONYM_LENGTH]


def child_pseudonym(child_id: int) -> str:
    return pseudonym(CHILD_SALT, child_id)


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last 12 months to `today`, both ends included."""
    today = today or timezone.localdate()
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return year_ago + timedelta(days=1), today


def age_on(date_of_birth: date | None, day: date) -> int | None:
    """Age in whole years on `day` (None when the date of birth is not known)."""
    if date_of_birth is None:
        return None
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday


def hour_text(moment: datetime | None) -> str:
    """A time as its UK date and hour, `YYYY-MM-DD HH:00` (no minutes); blank when none."""
    if moment is None:
        return ""
    return clock.wall_clock(moment).strftime("%Y-%m-%d %H:00")


def _uk_midnight(day: date) -> datetime:
    return clock.aware(datetime.combine(day, time.min))


def _query(start: date | None, end: date | None) -> QuerySet[Episode, dict[str, Any]]:
    episodes = Episode.objects.filter(IN_COUNT)  # nothing entered in error is listed
    if start is not None:
        episodes = episodes.filter(started_at__gte=_uk_midnight(start))
    if end is not None:
        episodes = episodes.filter(started_at__lt=_uk_midnight(end + timedelta(days=1)))
    offers = Offer.objects.filter(IN_COUNT, interview_id=OuterRef("interview_id"))
    police = InformationShare.objects.filter(
        interview_id=OuterRef("interview_id"), recipient=codes.ShareRecipient.POLICE
    )
    return (
        episodes.annotate(offered=Exists(offers), shared_with_police=Exists(police))
        .order_by("started_at", "pk")
        .values(*_FIELDS)
    )


class _Pseudonyms:
    """Pseudonyms, each worked out once per list (a child has many episodes)."""

    def __init__(self) -> None:
        self._children: dict[int, str] = {}

    def child(self, child_id: int) -> str:
        if child_id not in self._children:
            self._children[child_id] = pseudonym(CHILD_SALT, child_id)
        return self._children[child_id]


def _row(record: dict[str, Any], names: _Pseudonyms) -> dict[str, object]:
    started = record["started_at"]
    returned = record["returned_at"]
    held = record["interview__held_at"]
    due = record["due_at"]
    interview_id = record["interview_id"]
    host = record["child__host_authority_id"]
    held_on = clock.wall_clock(held).date() if held is not None else None
    returned_on = clock.wall_clock(returned).date() if returned is not None else None
    return {
        "child": names.child(record["child_id"]),
        "episode": pseudonym(EPISODE_SALT, record["pk"]),
        "age_at_start": age_on(record["child__date_of_birth"], clock.wall_clock(started).date()),
        "sex": record["child__sex"],
        "ethnicity": record["child__ethnicity"],
        "legal_status": record["child__legal_status"],
        "placement_type": record["child__placement_type"],
        "out_of_area": host is not None and host != record["child__responsible_authority_id"],
        "category": record["category"],
        "missing_from": record["missing_from"],
        "risk_grade": record["risk_grade"],
        "started": hour_text(started),
        "returned": hour_text(returned),
        "notified": hour_text(record["notified_at"]),
        "interview": pseudonym(INTERVIEW_SALT, interview_id) if interview_id else "",
        "outcome": record["interview__outcome"] or "",
        "declined_by": record["interview__declined_by"] or "",
        "offered": bool(record["offered"]),
        "completed_on": held_on.isoformat() if held_on is not None else "",
        "within_timescale": held <= due if held is not None and due is not None else None,
        "days_to_completion": (
            (held_on - returned_on).days
            if held_on is not None and returned_on is not None
            else None
        ),
        "harms": [str(code) for code in record["interview__harms"] or []],
        "shared_with_police": bool(record["shared_with_police"]),
    }


def cell_text(value: object) -> str:
    """A row's value as text: yes/no, blank for not known, codes joined by `;`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def row_cells(row: dict[str, object]) -> list[str]:
    return [cell_text(row[key]) for key in KEYS]


class PseudonymisedEpisodes:
    """The list, lazily: its length and distinct children are counted by the database, a
    slice reads only its rows, and iterating reads the rows in chunks. A `Paginator` takes
    it as it is."""

    CHUNK = 2000

    def __init__(self, start: date | None, end: date | None) -> None:
        self.start = start
        self.end = end
        self._query = _query(start, end)
        self._names = _Pseudonyms()
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self._query.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def children(self) -> int:
        """How many different children the episodes are of."""
        return self._query.order_by().values("child_id").distinct().count()

    def __getitem__(self, index: slice) -> list[dict[str, object]]:
        if not isinstance(index, slice):
            raise TypeError("take a slice of the list")
        return [self._row(record) for record in self._query[index]]

    def __iter__(self) -> Iterator[dict[str, object]]:
        for record in self._query.iterator(chunk_size=self.CHUNK):
            yield self._row(record)

    def _row(self, record: dict[str, Any]) -> dict[str, object]:
        return _row(record, self._names)


def _require(user: User) -> None:
    if not permissions.can_view_pseudonymised(user):
        raise PermissionDenied("the pseudonymised episode list")


def _period_text(start: date | None, end: date | None) -> str:
    return f"{start.isoformat() if start else 'the first'}–{end.isoformat() if end else 'now'}"


def pseudonymised_episodes(
    *,
    user: User,
    start: date | None = None,
    end: date | None = None,
    request: HttpRequest | None = None,
) -> PseudonymisedEpisodes:
    """The episodes that started from `start` to `end` (UK dates, both included; None: no
    limit), the earliest first, as pseudonymised rows; the look logged as a view."""
    _require(user)
    access_record(
        user=user,
        action=AccessEvent.Action.VIEW,
        what="pseudonymised episode list",
        detail=f"episodes started {_period_text(start, end)}",
        request=request,
    )
    return PseudonymisedEpisodes(start, end)


@dataclass(frozen=True)
class EpisodesFile:
    content: bytes
    filename: str
    rows: int
    content_type: str = "text/csv; charset=utf-8"


def pseudonymised_episodes_csv(
    *,
    user: User,
    start: date | None,
    end: date | None,
    reason: str,
    request: HttpRequest | None = None,
) -> EpisodesFile:
    """Every row of the list as a CSV file (UTF-8, header of `KEYS`; text that would start
    a spreadsheet formula is quoted), the download logged as an export with its reason."""
    _require(user)
    if not reason.strip():
        raise ValueError("a download needs a reason")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(KEYS)
    rows = 0
    for row in PseudonymisedEpisodes(start, end):
        writer.writerow([safe_text(text) for text in row_cells(row)])
        rows += 1
    period = _period_text(start, end)
    filename = (
        f"pseudonymised-episodes-{start.isoformat() if start else 'all'}"
        f"-to-{end.isoformat() if end else 'now'}.csv"
    )
    access_record(
        user=user,
        action=AccessEvent.Action.EXPORT,
        what=f"pseudonymised episodes {period}",
        detail=f"{filename}: {rows} rows",
        reason=reason.strip(),
        request=request,
    )
    return EpisodesFile(buffer.getvalue().encode("utf-8"), filename, rows)
