"""Reads of police notifications: the queue, a report (logged), a batch's receipt, and the
reconciliation of the police feed against the authority's records."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from homeward.accounts import permissions
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record
from homeward.cases import clock
from homeward.cases.models import IN_COUNT, Episode
from homeward.formats.dates import day_text
from homeward.intake import services
from homeward.intake.models import BatchLine, IntakeBatch, PoliceReport, ReportNotification
from homeward.police import match
from homeward.police.classify import CONCERN_LABELS
from homeward.police.format import FIELDS, Notification

if TYPE_CHECKING:
    from django.http import HttpRequest

    from homeward.accounts.models import User

#: Police and authority times further apart than this "disagree" in the reconciliation.
TOLERANCE = timedelta(hours=1)
#: A child's episode recorded by hand within this of a report may be the report's episode.
NEAR_REPORT = timedelta(days=7)


def _require(allowed: bool, what: str) -> None:
    if not allowed:
        raise PermissionDenied(what)


def waiting_reports(*, user: User) -> QuerySet[PoliceReport]:
    """Reports for a person to match, oldest report first."""
    _require(permissions.can_take_in_notifications(user), "the police notification queue")
    return PoliceReport.objects.filter(state=PoliceReport.State.WAITING).order_by(
        "reported_at", "pk"
    )


def miscoding_reports(*, user: User) -> QuerySet[PoliceReport]:
    """Reports whose codes contradict their content, not yet resolved, oldest first."""
    _require(permissions.can_take_in_notifications(user), "the possible miscoding queue")
    return PoliceReport.objects.filter(miscoding=PoliceReport.Miscoding.OPEN).order_by(
        "reported_at", "pk"
    )


def queue_counts() -> dict[str, int]:
    return {
        "waiting": PoliceReport.objects.filter(state=PoliceReport.State.WAITING).count(),
        "miscoding": PoliceReport.objects.filter(miscoding=PoliceReport.Miscoding.OPEN).count(),
    }


def recent_batches(*, user: User) -> QuerySet[IntakeBatch]:
    _require(permissions.can_take_in_notifications(user), "police notification batches")
    return IntakeBatch.objects.select_related("force", "received_by").order_by("-received_at")


def report_for(*, user: User, reference: str, request: HttpRequest | None = None) -> PoliceReport:
    """A police report for a coordinator, logged (it names a child); refused otherwise."""
    report = PoliceReport.objects.select_related("child", "episode", "force").get(
        reference=reference
    )
    allowed = permissions.can_take_in_notifications(user)
    access_record(
        user=user,
        action=AccessEvent.Action.VIEW if allowed else AccessEvent.Action.DENIED,
        what=f"police report {report.reference}",
        child_id=report.child_id,
        request=request,
    )
    _require(allowed, f"police report {report.reference}")
    return report


@dataclass(frozen=True)
class Version:
    """One notification in a report's history, with what it changed."""

    notification: ReportNotification
    content: Notification
    changed: tuple[str, ...]


def report_history(report: PoliceReport) -> list[Version]:
    """The report's notifications as received, each with the fields it changed."""
    out: list[Version] = []
    previous: Notification | None = None
    for row in report.notifications.select_related("batch").order_by("received_at", "pk"):
        content = services.content_load(row.content)
        changed = tuple(
            f.name
            for f in fields(Notification)
            if previous is None or getattr(previous, f.name) != getattr(content, f.name)
        )
        out.append(Version(row, content, changed if previous is not None else ()))
        previous = content
    return out


def report_suggestions(
    report: PoliceReport, *, user: User, request: HttpRequest | None = None
) -> list[dict[str, Any]]:
    """The best candidate children now (children change: worked out afresh on each read).
    Each child shown is a view of that child's record: logged, with the report."""
    _require(permissions.can_take_in_notifications(user), f"police report {report.reference}")
    state, _ = services.report_state(report)
    found = services.suggest_many([(report.pk, match.person_from(state))]).get(report.pk, [])
    for suggestion in found:
        access_record(
            user=user,
            action=AccessEvent.Action.VIEW,
            what=f"child {suggestion['reference']}",
            child_id=suggestion["child"],
            detail=f"suggested for police report {report.reference} "
            f"({suggestion['band']}, {suggestion['score']:g} points)",
            request=request,
        )
    return found


def episodes_near(report: PoliceReport, child_ids: list[int]) -> dict[int, list[Episode]]:
    """For each child, their episodes recorded by hand (no police report) near the report."""
    if not child_ids:
        return {}
    start = report.last_seen_at or report.reported_at
    end = report.found_at or report.reported_at
    found: dict[int, list[Episode]] = {}
    episodes = (
        Episode.objects.filter(
            child_id__in=child_ids,
            police_report__isnull=True,
            source=Episode.Source.HOMEWARD,  # imported history is the case system's
            started_at__gte=min(start, report.reported_at) - NEAR_REPORT,
            started_at__lte=max(end, report.reported_at) + NEAR_REPORT,
        )
        .only(
            "pk", "child_id", "reference", "category", "missing_from", "started_at", "returned_at"
        )
        .order_by("started_at")
    )
    for episode in episodes:
        found.setdefault(episode.child_id, []).append(episode)
    return found


def report_fields(n: Notification) -> list[tuple[str, str, str]]:
    """(field, description, value as text) for every non-empty field, in the format's order."""
    from homeward.police import parse

    record = parse.to_record(n)
    return [(f.name, f.description, record[f.name]) for f in FIELDS if record.get(f.name)]


def unknown_responsible_authority(report: PoliceReport) -> str:
    """The responsible authority's GSS code the police give, when it is not set up here."""
    from homeward.organisations.models import Authority

    code = services.content_load(report.content).responsible_authority
    if code and not Authority.objects.filter(gss_code=code).exists():
        return code
    return ""


def batch_for(*, user: User, reference: str) -> IntakeBatch:
    batch = IntakeBatch.objects.select_related("force", "received_by").get(reference=reference)
    _require(permissions.can_take_in_notifications(user), f"batch {batch.reference}")
    return batch


def batch_receipt(batch: IntakeBatch) -> dict[str, Any]:
    """The receipt: counts, whole-file problems and each line's outcome (the API's answer);
    for a big batch the worker is taking in, its status and the lines taken in so far."""
    lines = batch.lines.order_by("line", "pk").values_list(
        "line", "police_reference", "status", "notification__reference", "problems"
    )
    return {
        "batch": batch.reference,
        "source": batch.channel,
        "received_at": batch.received_at.isoformat(),
        "status": batch.status,
        "progress": {"processed": batch.processed, "total": batch.total},
        "counts": {
            "accepted": batch.accepted,
            "amended": batch.amended,
            "duplicate": batch.duplicate,
            "rejected": batch.rejected,
        },
        "problems": list(batch.problems),
        "results": [
            {
                "line": line,
                "police_reference": reference,
                "status": status,
                "notification": notification,
                "problems": list(problems),
            }
            for line, reference, status, notification, problems in lines
        ],
    }


def batch_lines(batch: IntakeBatch) -> QuerySet[BatchLine]:
    return batch.lines.select_related("report", "notification").order_by("line", "pk")


# --- reconciliation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of the reconciliation."""

    section: str
    police_reference: str
    report: str
    episode: str
    child: str
    police_start: datetime | None
    authority_start: datetime | None
    police_end: datetime | None
    authority_end: datetime | None
    status: str
    resolution: str


SECTIONS = {
    "police_only": "Reported by the police, no episode in the authority's records",
    "authority_only": "Episodes in the authority's records with no police report",
    "dates_disagree": "Linked, but the dates disagree (by more than an hour)",
    "miscoding": "Reports in the possible miscoding queue",
}


@dataclass(frozen=True)
class Reconciliation:
    start: date
    end: date
    rows: tuple[Row, ...]
    linked: int
    reports: int
    episodes: int

    def section(self, name: str) -> list[Row]:
        return [row for row in self.rows if row.section == name]

    @property
    def counts(self) -> dict[str, int]:
        return {name: len(self.section(name)) for name in SECTIONS}


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return clock.aware(datetime.combine(start, time.min)), clock.aware(
        datetime.combine(end + timedelta(days=1), time.min)
    )


def _apart(a: datetime | None, b: datetime | None) -> bool:
    if a is None and b is None:
        return False
    if a is None or b is None:
        return True
    return abs(a - b) > TOLERANCE


#: The labels of a report's state and miscoding (`get_FOO_display` rebuilds them per row).
STATE_LABELS = {value: str(label) for value, label in PoliceReport.State.choices}
MISCODING_LABELS = {value: str(label) for value, label in PoliceReport.Miscoding.choices}


def reconciliation(*, user: User, start: date, end: date) -> Reconciliation:
    """For reports made and episodes started in [start, end] (UK dates): what the police
    know and the authority does not, the reverse, dates that disagree, and the miscoding
    queue with how each was resolved. References and dates only: no names."""
    _require(permissions.can_view_reconciliation(user), "the reconciliation")
    low, high = _bounds(start, end)
    reports = PoliceReport.objects.filter(Q(reported_at__gte=low, reported_at__lt=high))
    episodes = Episode.objects.filter(IN_COUNT, started_at__gte=low, started_at__lt=high).filter(
        police_report__isnull=True
    )
    # A force's liaison officer sees its own reports, and the authority's episodes recorded
    # as that force's or as no force's (finding the reports a force never sent is what the
    # reconciliation is for); the authority's staff and analysts see every force.
    force = permissions.force_of(user)
    if force is not None:
        reports = reports.filter(force=force)
        episodes = episodes.filter(Q(police_force=force) | Q(police_force__isnull=True))
    # Only the columns the rows show: a busy month has thousands of reports, and reading
    # whole rows decrypted every report's content for nothing. The two encrypted notes are
    # read afterwards, for the rows that show them.
    person = ("first_name", "last_name", "username")
    reports = list(
        reports.select_related("episode", "child", "decided_by", "miscoding_resolved_by").only(
            "reference",
            "police_reference",
            "reported_at",
            "last_seen_at",
            "found_at",
            "state",
            "decided_at",
            "miscoding",
            "concerns",
            "miscoding_resolved_at",
            "episode__reference",
            "episode__started_at",
            "episode__returned_at",
            "child__reference",
            *(f"decided_by__{name}" for name in person),
            *(f"miscoding_resolved_by__{name}" for name in person),
        )
    )
    notes = dict(
        PoliceReport.objects.filter(
            pk__in=[
                r.pk
                for r in reports
                if (r.episode_id is None and r.state != PoliceReport.State.ADULT)
                or r.miscoding != PoliceReport.Miscoding.NONE
            ]
        ).values_list("pk", "decision_note")
    )
    resolutions = dict(
        PoliceReport.objects.filter(
            pk__in=[r.pk for r in reports if r.miscoding != PoliceReport.Miscoding.NONE]
        ).values_list("pk", "miscoding_resolution")
    )
    episodes = list(
        episodes.select_related("child").only(
            "reference", "police_reference", "started_at", "returned_at", "child__reference"
        )
    )
    rows: list[Row] = []
    linked = 0
    for r in sorted(reports, key=lambda r: (r.reported_at, r.pk)):
        episode = r.episode
        police_start = r.last_seen_at or r.reported_at
        decided = STATE_LABELS.get(r.state, r.state)
        if r.decided_by is not None and r.decided_at is not None:
            decided += f" by {r.decided_by} on {day_text(clock.wall_clock(r.decided_at))}"
        base = {
            "police_reference": r.police_reference,
            "report": r.reference,
            "episode": episode.reference if episode else "",
            "child": r.child.reference if r.child else "",
            "police_start": police_start,
            "authority_start": episode.started_at if episode else None,
            "police_end": r.found_at,
            "authority_end": episode.returned_at if episode else None,
        }
        if episode is None:
            if r.state != PoliceReport.State.ADULT:
                rows.append(
                    Row(
                        section="police_only",
                        status=decided,
                        resolution=notes.get(r.pk) or "",
                        **base,
                    )
                )
        else:
            linked += 1
            if _apart(police_start, episode.started_at) or _apart(r.found_at, episode.returned_at):
                rows.append(Row(section="dates_disagree", status=decided, resolution="", **base))
        if r.miscoding != PoliceReport.Miscoding.NONE:
            codes = "; ".join(CONCERN_LABELS.get(c["code"], c["code"]) for c in r.concerns)
            resolution = resolutions.get(r.pk) or ""
            if r.miscoding_resolved_by is not None and r.miscoding_resolved_at is not None:
                resolution += (
                    f" ({r.miscoding_resolved_by}, "
                    f"{day_text(clock.wall_clock(r.miscoding_resolved_at))})"
                )
            rows.append(
                Row(
                    section="miscoding",
                    status=f"{MISCODING_LABELS.get(r.miscoding, r.miscoding)}: {codes}",
                    resolution=resolution,
                    **base,
                )
            )
    for e in sorted(episodes, key=lambda e: (e.started_at, e.pk)):
        rows.append(
            Row(
                section="authority_only",
                police_reference=e.police_reference,
                report="",
                episode=e.reference,
                child=e.child.reference,
                police_start=None,
                authority_start=e.started_at,
                police_end=None,
                authority_end=e.returned_at,
                status="No police report received"
                + (
                    f" (police reference {e.police_reference} recorded by hand)"
                    if e.police_reference
                    else ""
                ),
                resolution="",
            )
        )
    total_episodes = Episode.objects.filter(
        IN_COUNT, started_at__gte=low, started_at__lt=high
    ).count()
    return Reconciliation(
        start=start,
        end=end,
        rows=tuple(rows),
        linked=linked,
        reports=len(reports),
        episodes=total_episodes,
    )


RECONCILIATION_COLUMNS = (
    "section",
    "police_reference",
    "report",
    "episode",
    "child",
    "police_start",
    "authority_start",
    "police_end",
    "authority_end",
    "status",
    "resolution",
)


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return f"{clock.wall_clock(value):%d/%m/%Y %H:%M}"
    return "" if value is None else str(value)


def reconciliation_row(row: Row) -> dict[str, str]:
    """One reconciliation row as text (UK wall-clock times), by column."""
    return {
        name: SECTIONS[row.section] if name == "section" else _text(getattr(row, name))
        for name in RECONCILIATION_COLUMNS
    }


def reconciliation_rows(rec: Reconciliation) -> list[dict[str, str]]:
    """The reconciliation as text rows for CSV or XLSX (UK wall-clock times)."""
    return [reconciliation_row(row) for row in rec.rows]


def recent_period(today: date | None = None) -> tuple[date, date]:
    """The default period: the last full calendar month."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    end = first - timedelta(days=1)
    return end.replace(day=1), end


def police_codings(*, episode_ids: list[int]) -> dict[int, str]:
    """For the episodes recoded after a possible miscoding, how the police coded them, in
    words ("Absent, no apparent risk, from home"), by episode: one query, nothing encrypted."""
    reports = PoliceReport.objects.filter(
        episode_id__in=episode_ids, recode_applied_at__isnull=False
    ).only("reference", "episode_id", "police_category", "police_risk_grade", "police_missing_from")
    out: dict[int, str] = {}
    for report in reports:
        grade = {"no_apparent_risk": "no apparent risk", "absent": "absent as its risk grade"}.get(
            report.police_risk_grade,
            f"{report.get_police_risk_grade_display().lower()} risk"
            if report.police_risk_grade
            else "",
        )
        where = report.get_police_missing_from_display() if report.police_missing_from else ""
        parts = [
            report.get_police_category_display(),
            grade,
            f"from {where.lower()}" if where else "",
        ]
        assert report.episode_id is not None
        out[report.episode_id] = (
            f"police report {report.reference}: the police coded it "
            + ", ".join(p for p in parts if p)
        )
    return out
