"""The performance pack: a month's or a financial year's return interview work, as an XLSX
workbook and a PDF, each table with its chart.

The counts follow the indicators contract (`homeward.indicators`, run on the records by
`homeward.cases.indicator_tables`): an episode belongs to the period it started in, and
"within the timescale" is the authority's own counting convention, with the same period
under all twelve conventions in the last table. Declines are counted by who declined and
their coded reason, late interviews by the coded reason for lateness.

When the pack leaves the authority (the export's "degrade" option) counts from 1 to 4 are
suppressed, in every table, as published statistics must be.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.db.models import Count, F
from django.utils import timezone

from homeward.cases import codes
from homeward.cases.indicator_tables import (
    ORGANISATION,
    Convention,
    all_conventions,
    episodes_started,
    home_authority,
    indicators_for,
)
from homeward.formats import pack as layout
from homeward.formats.pack import Cell, Pack, Section, percent, suppressed
from homeward.indicators.engine import financial_year_label
from homeward.returns.files import PDF, XLSX, Export, ExportFile

#: Buckets of episodes per child in the period (repeat missing).
REPEAT_BUCKETS = ((1, 1, "1 episode"), (2, 2, "2 episodes"), (3, 4, "3 or 4 episodes"),
                  (5, 9, "5 to 9 episodes"), (10, None, "10 or more episodes"))  # fmt: skip
NOT_RECORDED = "Reason not recorded"
#: A convention in a few words, for the table's first column and the chart's labels.
SHORT = {"return": "From return", "referral": "From notification", "hours": "72 hours",
         "calendar_days": "3 calendar days", "working_days": "3 working days",
         "each": "each episode", "latest": "latest episode"}  # fmt: skip


def _is_month(start: date, end: date) -> bool:
    return (start.year, start.month) == (end.year, end.month) and start.day == 1


def _period_label(start: date, end: date) -> str:
    if _is_month(start, end):
        return f"{start:%B %Y}"
    return f"{financial_year_label(start.year)} (1 April {start.year} to 31 March {end.year})"


def _months_back(end: date, months: int) -> date:
    """The first day of the month `months - 1` months before `end`'s month."""
    index = end.year * 12 + end.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def _episodes(start: date, end: date) -> Any:
    return episodes_started(organisations=[], start=start, end=end)


def _count(row: dict[str, Any] | None, name: str) -> int | None:
    if row is None:
        return 0
    value = row.get(name)
    return None if value is None else int(value)


def _summary(row: dict[str, Any] | None, own: Convention) -> Section:
    incidents = _count(row, "incidents")
    measures = [
        ("Missing or absent episodes (incidents)", "incidents"),
        ("Children they relate to", "individuals"),
        ("Absent episodes", "absent"),
        ("Interview offered", "offered"),
        ("Offer accepted", "accepted"),
        ("Offer declined", "declined"),
        ("Interview completed", "completed"),
        ("Completed within the timescale", own.column),
    ]
    rows: list[tuple[Cell, ...]] = []
    for label, name in measures:
        value = _count(row, name)
        share = "" if name in ("incidents", "individuals") else percent(value, incidents)
        rows.append((label, value, share))
    return Section(
        "summary",
        "Summary",
        "Episodes that started in the period and what followed them. Percentages are of the "
        "episodes (incidents), rounded half up.",
        ("Measure", "Count", "Percent of episodes"),
        tuple(rows),
    )


def _by_month(table: Any, own: Convention) -> Section:
    rows: list[tuple[Cell, ...]] = []
    for row in table.iter_rows(named=True):
        within, completed = _count(row, own.column), _count(row, "completed")
        rows.append(
            (
                str(row["period"]),
                _count(row, "incidents"),
                _count(row, "offered"),
                _count(row, "declined"),
                completed,
                within,
                percent(within, completed),
            )
        )
    return Section(
        "months",
        "Month by month",
        "Each month's episodes (up to 12 months to the end of the period) and their interviews.",
        (
            "Month",
            "Episodes",
            "Offered",
            "Declined",
            "Completed",
            "Within timescale",
            "Within, percent of completed",
        ),
        tuple(rows),
    )


def _declines(start: date, end: date, suppress: bool) -> Section:
    counts = Counter(
        (row["who"], row["why"])
        for row in _episodes(start, end)
        .filter(interview__outcome=codes.Outcome.DECLINED)
        .values(who=F("interview__declined_by"), why=F("interview__decline_reason_code"))
    )
    reasons = [*codes.DeclineReason.choices, ("", NOT_RECORDED)]
    rows: list[tuple[Cell, ...]] = []
    for value, label in reasons:
        child = counts[(codes.DeclinedBy.CHILD.value, value)]
        carer = counts[(codes.DeclinedBy.PARENT_CARER.value, value)]
        unknown = sum(n for (who, why), n in counts.items() if why == value and not who)
        total = child + carer + unknown
        if value == "" and total == 0:
            continue
        rows.append(
            (
                str(label),
                suppressed(total, suppress),
                suppressed(child, suppress),
                suppressed(carer, suppress),
            )
        )
    return Section(
        "declines",
        "Declined interviews: who declined and why",
        "Episodes whose interview offer was declined, by the coded reason recorded, and by "
        "whether the child or a parent or carer declined.",
        ("Reason", "Episodes declined", "By the child", "By a parent or carer"),
        tuple(rows),
    )


def _lateness(start: date, end: date, suppress: bool) -> Section:
    completed = _episodes(start, end).filter(interview__held_at__isnull=False)
    late = completed.filter(
        interview__due_at__isnull=False, interview__held_at__gt=F("interview__due_at")
    )
    by_reason = dict(
        late.values_list("interview__late_reason_code").annotate(n=Count("id")).order_by()
    )
    rows: list[tuple[Cell, ...]] = [
        ("Completed on time", suppressed(completed.count() - late.count(), suppress))
    ]
    for value, label in [*codes.LateReason.choices, ("", NOT_RECORDED)]:
        count = int(by_reason.get(value, 0))
        if value == "" and count == 0:
            continue
        rows.append((f"Late: {label}", suppressed(count, suppress)))
    return Section(
        "lateness",
        "Timeliness and the reasons for lateness",
        "Completed interviews of the period's episodes, held by the due point the authority's "
        "clock set, or late and why (the coded reason recorded with the interview).",
        ("Completed interviews", "Episodes"),
        tuple(rows),
    )


def _repeats(start: date, end: date, suppress: bool) -> Section:
    per_child = Counter(_episodes(start, end).values_list("child_id", flat=True))
    rows: list[tuple[Cell, ...]] = []
    for low, high, label in REPEAT_BUCKETS:
        in_bucket = [n for n in per_child.values() if n >= low and (high is None or n <= high)]
        rows.append(
            (label, suppressed(len(in_bucket), suppress), suppressed(sum(in_bucket), suppress))
        )
    return Section(
        "repeats",
        "Repeat missing",
        "Children by how many episodes they had in the period, and those episodes.",
        ("Episodes in the period", "Children", "Episodes"),
        tuple(rows),
    )


def _by_organisation(table: Any, own: Convention) -> Section:
    rows: list[tuple[Cell, ...]] = []
    for row in table.iter_rows(named=True):
        incidents, completed = _count(row, "incidents"), _count(row, "completed")
        within = _count(row, own.column)
        rows.append(
            (
                str(row[ORGANISATION] or "Not allocated"),
                incidents,
                percent(_count(row, "offered"), incidents),
                percent(_count(row, "declined"), incidents),
                completed,
                within,
                percent(within, completed),
            )
        )
    return Section(
        "organisations",
        "By team and provider",
        "The period's episodes by the team or commissioned provider their interview is "
        "allocated to.",
        (
            "Team or provider",
            "Episodes",
            "Offered",
            "Declined",
            "Completed",
            "Within timescale",
            "Within, percent of completed",
        ),
        tuple(rows),
        chart=1,
    )


def _conventions(row: dict[str, Any] | None, own: Convention) -> Section:
    completed = _count(row, "completed")
    rows: list[tuple[Cell, ...]] = []
    for convention in all_conventions():
        within = _count(row, convention.column)
        mark = " (own)" if convention == own else ""
        rows.append(
            (
                f"{SHORT[convention.basis]}, {SHORT[convention.unit]}, "
                f"{SHORT[convention.bunching]}{mark}",
                within,
                percent(within, completed),
                percent(within, _count(row, "incidents")),
                convention.description,
            )
        )
    return Section(
        "conventions",
        "The same period under every counting convention",
        "Completed within the timescale, counted each of the twelve ways authorities count "
        "it: from the return or from the police notification, in hours, calendar or working "
        "days, each episode from its own start or all of an interview's from the latest.",
        (
            "Convention",
            "Completed within",
            "Percent of completed",
            "Percent of episodes",
            "In words",
        ),
        tuple(rows),
    )


def performance_pack(*, start: date, end: date, suppress: bool) -> Pack:
    """The pack of `start`..`end` (a month, or a financial year), both days included."""
    authority = home_authority()
    own = Convention.of_authority(authority)
    grouping = "month" if _is_month(start, end) else "year"
    whole = indicators_for(by=grouping, start=start, end=end, suppress_small=suppress)
    row = whole.row(0, named=True) if whole.height else None
    months = indicators_for(
        by="month", start=_months_back(end, 12), end=end, suppress_small=suppress
    )
    teams = indicators_for(
        by=grouping, group="organisation", start=start, end=end, suppress_small=suppress
    )
    sections = (
        _summary(row, own),
        _by_month(months, own),
        _declines(start, end, suppress),
        _lateness(start, end, suppress),
        _repeats(start, end, suppress),
        _by_organisation(teams, own),
        _conventions(row, own),
    )
    return Pack(
        title="Return interviews: performance pack",
        authority=f"{authority.name} ({authority.gss_code})",
        period=_period_label(start, end),
        made=timezone.localdate(),
        convention=own.description,
        suppressed=suppress,
        sections=sections,
    )


def _name(start: date, end: date, suppress: bool, extension: str) -> str:
    period = f"{start:%Y-%m}" if _is_month(start, end) else financial_year_label(start.year)
    return f"performance-pack-{period}{'-suppressed' if suppress else ''}.{extension}"


def build_pack_xlsx(*, start: date, end: date, degrade: bool) -> Export:
    pack = performance_pack(start=start, end=end, suppress=degrade)
    data = layout.render_xlsx(pack)
    return Export(
        [ExportFile(_name(start, end, degrade, "xlsx"), XLSX, data)], rows=len(pack.sections)
    )


def build_pack_pdf(*, start: date, end: date, degrade: bool) -> Export:
    pack = performance_pack(start=start, end=end, suppress=degrade)
    data = layout.render_pdf(pack)
    return Export(
        [ExportFile(_name(start, end, degrade, "pdf"), PDF, data)], rows=len(pack.sections)
    )
