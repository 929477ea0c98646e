"""Every export that leaves homeward, in one place: who may take it, for what period, and
the audit row it leaves.

A builder (`homeward.returns.ssda903`, `annex_a`, …) only reads the records and writes the
files. `run_export` checks the role first, refuses an export without a reason, runs the
builder, and writes the access log: one row for the export (its files, rows, period and
whether personal details were degraded) and one row per child whose record is in it. An
export of more than one file is a ZIP.

Two kinds of export:

- **personal** (a row per child: SSDA903, Annex A, the Standard Safeguarding Dataset):
  the authority's coordinators and managers (`permissions.can_export_personal`);
- **aggregate** (counts only: the authority's return, the FOI answer, the performance
  pack): also its analysts (`permissions.can_export_aggregate`).

The "degrade" option (postcode district, month of birth) is offered for every personal
export that may leave the authority in that form; the SSDA903 return goes to the DfE with
full dates, as the DfE requires, so it is not degradable.
"""

from __future__ import annotations

import importlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from homeward.accounts import permissions
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record, access_record_children
from homeward.indicators.engine import financial_year_label, financial_year_start
from homeward.returns.files import ZIP, Export, ExportFile

if TYPE_CHECKING:
    from django.http import HttpRequest

    from homeward.accounts.models import User
    from homeward.formats.ssda903_merge import MergedReturn

Period = Literal["year", "year_or_month"]


@dataclass(frozen=True)
class ExportKind:
    """One export on the "Returns and exports" page."""

    name: str
    title: str
    description: str
    #: "module:function" of the builder, imported when the export runs.
    builder: str
    personal: bool
    degradable: bool = True
    period: Period = "year"

    def build(self, *, start: date, end: date, degrade: bool) -> Export:
        module, function = self.builder.split(":")
        build: Callable[..., Export] = getattr(importlib.import_module(module), function)
        return build(start=start, end=end, degrade=degrade)


KINDS: tuple[ExportKind, ...] = (
    ExportKind(
        "ssda903",
        "SSDA903 Missing, with its Header and Episodes",
        "The DfE's looked-after children return: the Missing table for the collection year "
        "and homeward's own Header and Episodes rows of the same children (three CSV "
        "files), for an authority without a case-system 903 export. Where the case system "
        "exports its 903, the data team merges homeward's Missing table with it instead.",
        "homeward.returns.ssda903:build_ssda903",
        personal=True,
        degradable=False,
    ),
    ExportKind(
        "annex-a-list-8",
        "Ofsted Annex A list 8 (children in care)",
        "Looked-after children with their missing and absent episodes and return interview "
        "offers in the 12 months to the end of the period, as Annex A names the columns.",
        "homeward.returns.annex_a:build_annex_a_list8",
        personal=True,
    ),
    ExportKind(
        "ssd-missing",
        "Standard Safeguarding Dataset: ssd_missing",
        "One row per missing or absent episode, in Data to Insight's field names, keyed by "
        "the case system's person id: every episode open at the end of the year or ended in "
        "the six years before it (the dataset's window).",
        "homeward.returns.ssd:build_ssd_missing",
        personal=True,
    ),
    ExportKind(
        "authority-return",
        "The authority's return (national benchmark)",
        "The authority-returns contract for each financial year: incidents, children, offers, "
        "declines, completions and completions within 72 hours as the authority counts them.",
        "homeward.returns.authority_return:build_authority_return",
        personal=False,
    ),
    ExportKind(
        "foi-answer",
        "FOI answer: return interviews (ECRC questions 1 to 8)",
        "The answer to the ECRC Freedom of Information request, from the records and the "
        "authority's settings, as text and CSV.",
        "homeward.returns.foi:build_foi_answer",
        personal=False,
    ),
    ExportKind(
        "hotspots",
        "Hotspots: places by postcode district",
        "Places from police notifications and return interviews, counted by postcode "
        "district and month; small numbers suppressed.",
        "homeward.places.selectors:build_hotspots",
        personal=False,
        period="year_or_month",
    ),
    ExportKind(
        "performance-pack-xlsx",
        "Performance pack (XLSX workbook with charts)",
        "Offers, declines, completions, timeliness and lateness reasons, repeat missing, by "
        "team and provider, and the year under every counting convention; small numbers "
        "suppressed.",
        "homeward.returns.pack:build_pack_xlsx",
        personal=False,
        period="year_or_month",
    ),
    ExportKind(
        "performance-pack-pdf",
        "Performance pack (PDF with charts)",
        "The same pack as a PDF document.",
        "homeward.returns.pack:build_pack_pdf",
        personal=False,
        period="year_or_month",
    ),
)
BY_NAME = {kind.name: kind for kind in KINDS}


def can_take(user: User, kind: ExportKind) -> bool:
    if kind.personal:
        return permissions.can_export_personal(user)
    return permissions.can_export_aggregate(user)


def kinds_for(user: User) -> list[ExportKind]:
    return [kind for kind in KINDS if can_take(user, kind)]


# --- periods ---------------------------------------------------------------------------------


def period_choices(kind: ExportKind, *, today: date, years: int = 5) -> list[tuple[str, str]]:
    """The periods offered for an export: the last `years` financial years (the latest
    first, the current one included) and, for the performance pack, the last 12 months."""
    current = financial_year_start(today)
    choices = [
        (
            financial_year_label(first),
            f"{financial_year_label(first)} (1 April {first} to 31 March {first + 1})",
        )
        for first in range(current, current - years, -1)
    ]
    if kind.period == "year_or_month":
        month = date(today.year, today.month, 1)
        for _ in range(12):
            choices.append((f"{month:%Y-%m}", f"{month:%B %Y}"))
            month = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    return choices


def is_year(label: str) -> bool:
    """Whether a period label is a financial year (`2025-26`) rather than a month."""
    try:
        start, end = period_bounds(label)
    except ValueError:
        return False
    return (start.month, start.day, end.month, end.day) == (4, 1, 3, 31)


def period_bounds(label: str) -> tuple[date, date]:
    """`2025-26` → 1 April 2025 to 31 March 2026; `2025-11` → 1 to 30 November 2025 (both
    days included). Raises ValueError for anything else."""
    try:
        first, second = label.split("-")
        year, other = int(first), int(second)
    except ValueError:
        raise ValueError(f"not a period: {label!r} (expected 2025-26 or 2025-11)") from None
    if len(second) == 2 and other == (year + 1) % 100 and len(first) == 4:
        return date(year, 4, 1), date(year + 1, 3, 31)
    if len(second) == 2 and 1 <= other <= 12 and len(first) == 4:
        after = date(year + other // 12, other % 12 + 1, 1)
        return date(year, other, 1), date.fromordinal(after.toordinal() - 1)
    raise ValueError(f"not a period: {label!r} (expected 2025-26 or 2025-11)")


# --- running one -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    data: bytes
    export: Export


def _bundle(kind: ExportKind, label: str, degrade: bool, export: Export) -> ExportFile:
    """The one file, or a ZIP of the files and, when the builder left notes (children left
    out and why), a `notes.txt` beside them."""
    if len(export.files) == 1 and not export.notes:
        return export.files[0]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in export.files:
            archive.writestr(file.name, file.data)
        if export.notes:
            archive.writestr("notes.txt", "\n".join(export.notes) + "\n")
    suffix = "-degraded" if degrade else ""
    return ExportFile(f"{kind.name}-{label}{suffix}.zip", ZIP, buffer.getvalue())


def run_export(
    *,
    user: User,
    name: str,
    period: str,
    degrade: bool,
    reason: str,
    request: HttpRequest | None = None,
) -> Download:
    """The export `name` for `period`, after the role check, with its audit rows.

    Raises PermissionDenied (and logs the refusal) when the role may not take it, and
    ValueError for an unknown export or period, a missing reason, or degrade asked of an
    export that cannot be degraded.
    """
    kind = BY_NAME.get(name)
    if kind is None:
        raise ValueError(f"unknown export {name!r}")
    if not can_take(user, kind):
        access_record(
            user=user, action=AccessEvent.Action.DENIED, what=f"export {name}", request=request
        )
        raise PermissionDenied(f"the export {name}")
    if not reason.strip():
        raise ValueError("an export needs a reason")
    if degrade and not kind.degradable:
        raise ValueError(f"{kind.title} goes to the DfE with full details: it is not degraded")
    start, end = period_bounds(period)
    if kind.period == "year" and not is_year(period):
        raise ValueError(f"{kind.title} is for a financial year (2025-26), not {period}")
    export = kind.build(start=start, end=end, degrade=degrade)
    file = _bundle(kind, period, degrade, export)
    names = ", ".join(f.name for f in export.files)
    detail = (
        f"{kind.title}, {period}: {names}; {export.rows} rows, {len(export.children)} children; "
        f"{'degraded (postcode district, month of birth)' if degrade else 'full details'}; "
        f"made {timezone.now():%Y-%m-%d %H:%M}"
    )
    with transaction.atomic():
        access_record(
            user=user,
            action=AccessEvent.Action.EXPORT,
            what=f"export {kind.name} {period}",
            detail=detail,
            reason=reason.strip(),
            request=request,
        )
        if export.children:
            access_record_children(
                user=user,
                action=AccessEvent.Action.EXPORT,
                what=f"export {kind.name} {period}",
                child_ids=export.children,
                detail=f"in {file.name}",
                reason=reason.strip(),
                request=request,
            )
    return Download(file.name, file.content_type, file.data, export)


def run_ssda903_merge(
    *,
    user: User,
    period: str,
    reason: str,
    header: tuple[str, bytes],
    episodes: tuple[str, bytes],
    previous: dict[str, bytes] | None = None,
    request: HttpRequest | None = None,
) -> tuple[Export, MergedReturn]:
    """The SSDA903 merged with the case system's own Header and Episodes (the files given),
    with the same role check, reason and audit rows as `run_export`'s "ssda903".

    Raises PermissionDenied (logged) when the role may not take it, and ValueError (the
    files' problems: `CaseFilesError`) for a bad period, no reason or unreadable files.
    """
    from homeward.returns.ssda903 import build_ssda903_merged

    kind = BY_NAME["ssda903"]
    if not can_take(user, kind):
        access_record(
            user=user, action=AccessEvent.Action.DENIED, what="export ssda903", request=request
        )
        raise PermissionDenied("the export ssda903")
    if not reason.strip():
        raise ValueError("an export needs a reason")
    if not is_year(period):
        raise ValueError(f"{kind.title} is for a financial year (2025-26), not {period}")
    start, end = period_bounds(period)
    export, merged = build_ssda903_merged(
        start=start, end=end, header=header, episodes=episodes, previous=previous
    )
    what = f"export ssda903 {period} merged"
    detail = (
        f"{kind.title}, {period}, merged with the case system's {header[0]} and "
        f"{episodes[0]}: {export.rows} Missing rows, {len(export.children)} children; "
        f"made {timezone.now():%Y-%m-%d %H:%M}"
    )
    with transaction.atomic():
        access_record(
            user=user,
            action=AccessEvent.Action.EXPORT,
            what=what,
            detail=detail,
            reason=reason.strip(),
            request=request,
        )
        if export.children:
            access_record_children(
                user=user,
                action=AccessEvent.Action.EXPORT,
                what=what,
                child_ids=export.children,
                detail="in missing.csv",
                reason=reason.strip(),
                request=request,
            )
    return export, merged


def run_annex_a_workbook(
    *,
    user: User,
    period: str,
    reason: str,
    workbook: tuple[str, bytes],
    as_of: date | None = None,
    request: HttpRequest | None = None,
) -> tuple[bytes, list[str], list[int]]:
    """The case system's own Annex A list 8 workbook (name, bytes) with homeward's missing,
    absent and return interview columns filled in, on `as_of` (default: the period's end),
    with the same role check, reason and audit rows as `run_export`'s "annex-a-list-8".

    Returns the workbook, its notes and the children filled. Raises PermissionDenied
    (logged) and ValueError (a bad period, no reason, a workbook without list 8's headings:
    `List8WorkbookError`).
    """
    from homeward.returns.annex_a import fill_workbook

    kind = BY_NAME["annex-a-list-8"]
    if not can_take(user, kind):
        access_record(
            user=user,
            action=AccessEvent.Action.DENIED,
            what=f"export {kind.name}",
            request=request,
        )
        raise PermissionDenied(f"the export {kind.name}")
    if not reason.strip():
        raise ValueError("an export needs a reason")
    if not is_year(period):
        raise ValueError(f"{kind.title} is for a financial year (2025-26), not {period}")
    day = as_of or period_bounds(period)[1]
    data, notes, children = fill_workbook(data=workbook[1], as_of=day)
    what = f"export {kind.name} {period} workbook"
    detail = (
        f"{kind.title}: the case system's {workbook[0]} with homeward's missing and return "
        f"interview columns on {day:%d/%m/%Y}; {len(children)} children; "
        f"made {timezone.now():%Y-%m-%d %H:%M}"
    )
    with transaction.atomic():
        access_record(
            user=user,
            action=AccessEvent.Action.EXPORT,
            what=what,
            detail=detail,
            reason=reason.strip(),
            request=request,
        )
        if children:
            access_record_children(
                user=user,
                action=AccessEvent.Action.EXPORT,
                what=what,
                child_ids=children,
                detail=f"in {workbook[0]}",
                reason=reason.strip(),
                request=request,
            )
    return data, notes, children
