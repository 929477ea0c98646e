"""The police notification pages: the coordinator's queue, uploading a file, a batch's
receipt, a report and what a coordinator decides about it, the reconciliation of the police
feed against the authority's records (and its download), and merging two records of one
child.

Views are thin: they check permission with `homeward.accounts.permissions`, read through
`homeward.intake.selectors` (which logs every view of a report) and write through
`homeward.intake.services` and `homeward.cases.services`. A service's `ValidationError`
becomes errors on the form (status 400); a refusal is a 403; every write redirects with a
message (POST/redirect/GET).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import xlsxwriter
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from homeward.accounts import permissions
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record
from homeward.cases import selectors as case_selectors
from homeward.cases import services as case_services
from homeward.cases.models import Child, Episode
from homeward.formats.dates import day_text
from homeward.formats.safe import safe_text
from homeward.intake import selectors, services
from homeward.intake.models import BatchLine, IntakeBatch, PoliceReport
from homeward.web import intake_forms as f
from homeward.web import police_words
from homeward.web.case_forms import uk_time
from homeward.web.forms import apply_service_errors, date_data
from homeward.web.pagination import pagination

PER_PAGE = 50
#: A batch's receipt lines shown on one page (a big batch has tens of thousands).
LINES_PER_PAGE = 100
RECENT_BATCHES = 10
#: Episodes recorded by hand this close to a report's dates are offered to link it to.
FORM = "web/cases/form.html"

BANDS = {
    "match": ("Match", "govuk-tag--green"),
    "possible": ("Possible match", "govuk-tag--yellow"),
    "none": ("No likely match", "govuk-tag--grey"),
    "": ("No likely match", "govuk-tag--grey"),
}
KINDS = {
    "missing": "Missing",
    "absent": "Absent",
    "no_apparent_risk": "No apparent risk",
    "very_low": "Very low risk",
}
ROLES = {
    "responsible": "This authority is responsible for the child",
    "host": "Another authority is responsible: placed here from out of area",
    "unknown": "Not known: find out which authority is responsible",
}
MISSING_FROM = {"home": "Home", "care": "Care", "": "Not stated"}
STATES = {
    PoliceReport.State.WAITING: ("Waiting", "govuk-tag--blue"),
    PoliceReport.State.LINKED: ("Linked", "govuk-tag--green"),
    PoliceReport.State.DISMISSED: ("Not for this authority", "govuk-tag--grey"),
    PoliceReport.State.ADULT: ("An adult", "govuk-tag--grey"),
}
LINE_STATUSES = {
    BatchLine.Status.ACCEPTED: "govuk-tag--green",
    BatchLine.Status.AMENDED: "govuk-tag--blue",
    BatchLine.Status.DUPLICATE: "govuk-tag--grey",
    BatchLine.Status.REJECTED: "govuk-tag--red",
}


# --- helpers -------------------------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _may_take_in(request: HttpRequest) -> None:
    _require(permissions.can_take_in_notifications(request.user))  # type: ignore[arg-type]


def _report(request: HttpRequest, reference: str) -> PoliceReport:
    """The report through the (audited) selector: 404 if there is none, 403 if not theirs."""
    try:
        return selectors.report_for(user=request.user, reference=reference, request=request)  # type: ignore[arg-type]
    except PoliceReport.DoesNotExist:
        raise Http404("No such police report") from None


def _band(band: str) -> dict[str, str]:
    text, css = BANDS.get(band, BANDS[""])
    return {"text": text, "css": css}


def _field_label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _reconciliation_cells(row: Any, columns: Any) -> list[str]:
    """A reconciliation row as the page shows it: its times in the pages' format (the
    downloads keep the spreadsheet's 10/03/2026 14:50)."""
    text = selectors.reconciliation_row(row)
    return [
        uk_time(value) if isinstance(value := getattr(row, c, None), datetime) else text[c]
        for c in columns
    ]


def _report_url(report: PoliceReport, name: str = "web:intake-report") -> str:
    return reverse(name, args=[report.reference])


# --- the queue -----------------------------------------------------------------------------


def _queue_rows(page: Any) -> list[dict[str, Any]]:
    rows = []
    for report in page.object_list:
        content = services.content_load(report.content)
        rows.append(
            {
                "report": report,
                "name": content.full_name or "Not given",
                "kind": KINDS.get(report.kind, report.kind),
                "band": _band(report.best_band),
                "concerns": len(report.concerns or []),
            }
        )
    return rows


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Reports to match and possible miscodings, a page of each, and the recent batches."""
    _may_take_in(request)
    user = request.user
    waiting = Paginator(selectors.waiting_reports(user=user), PER_PAGE).get_page(  # type: ignore[arg-type]
        request.GET.get("page")
    )
    miscoding = Paginator(selectors.miscoding_reports(user=user), PER_PAGE).get_page(  # type: ignore[arg-type]
        request.GET.get("mpage")
    )
    query = {k: request.GET.get(k, "") for k in ("page", "mpage")}
    batches = list(selectors.recent_batches(user=user)[:RECENT_BATCHES])  # type: ignore[arg-type]
    return render(
        request,
        "web/intake/queue.html",
        {
            "waiting": waiting,
            "waiting_rows": _queue_rows(waiting),
            "waiting_pagination": pagination(waiting, query=query, param="page"),
            "miscoding": miscoding,
            "miscoding_rows": _queue_rows(miscoding),
            "miscoding_pagination": pagination(miscoding, query=query, param="mpage"),
            "batches": batches,
        },
    )


# --- uploading a file and its receipt ------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    _may_take_in(request)
    if request.method == "POST":
        form = f.UploadForm(request.POST, request.FILES)
        if form.is_valid():
            file = form.cleaned_data["file"]
            # A big file is queued for the background worker; its receipt page shows how
            # far it has got.
            batch = services.intake_received(
                name=file.name,
                data=file.read(),
                channel=IntakeBatch.Channel.UPLOAD,
                by=request.user,  # type: ignore[arg-type]
            )
            if batch.status == IntakeBatch.Status.DONE:
                messages.success(request, f"File received as batch {batch.reference}")
            else:
                messages.success(
                    request,
                    f"File received as batch {batch.reference}: its {batch.total:,} "
                    "notifications are being taken in",
                )
            return redirect("web:intake-batch", batch.reference)
    else:
        form = f.UploadForm()
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "web/intake/upload.html", {"form": form}, status=status)


@login_required
@require_GET
def batch(request: HttpRequest, reference: str) -> HttpResponse:
    """A batch's receipt: what was taken in, and what was refused and why."""
    try:
        found = selectors.batch_for(user=request.user, reference=reference)  # type: ignore[arg-type]
    except IntakeBatch.DoesNotExist:
        raise Http404("No such batch") from None
    page = Paginator(selectors.batch_lines(found), LINES_PER_PAGE).get_page(request.GET.get("page"))
    lines = [
        {
            "line": line,
            "css": LINE_STATUSES.get(line.status, "govuk-tag--grey"),
            "rejected": line.status == BatchLine.Status.REJECTED,
            "problems": [
                f"{p.get('field') or 'record'}: {p.get('reason', '')}" for p in line.problems or []
            ],
        }
        for line in page.object_list
    ]
    return render(
        request,
        "web/intake/batch.html",
        {
            "batch": found,
            # A big batch is taken in by the background worker: the page says how far it
            # has got, with a link to look again (no automatic reload).
            "taking_in": found.status != IntakeBatch.Status.DONE,
            "processed": f"{found.processed:,}",
            "total": f"{found.total:,}",
            "problems": [
                f"{p['field']}: {p.get('reason', '')}" if p.get("field") else p.get("reason", "")
                for p in found.problems or []
            ],
            "lines": lines,
            "lines_page": page,
            "lines_pagination": pagination(page, query={"page": request.GET.get("page", "")}),
        },
    )


# --- a report ------------------------------------------------------------------------------


def _suggestions(
    request: HttpRequest, report: PoliceReport, bound: f.LinkForm | None = None
) -> list[dict[str, Any]]:
    """The candidate children now, each with its child record and its own link form (each
    child shown is logged as viewed)."""
    found = selectors.report_suggestions(report, user=request.user, request=request)  # type: ignore[arg-type]
    ids = [s["child"] for s in found]
    children = Child.objects.in_bulk(ids)
    near = selectors.episodes_near(report, ids)
    out = []
    for suggestion in found:
        child = children.get(suggestion["child"])
        if child is None:
            continue
        episodes = near.get(child.pk, [])
        form = (
            bound
            if bound is not None and bound.data.get("child") == str(child.pk)
            else f.LinkForm(
                initial={"child": child.pk},
                episodes=episodes,
                auto_id=f"link-{child.pk}-%s",
            )
        )
        out.append(
            {
                "child": child,
                "band": _band(suggestion["band"]),
                "score": suggestion["score"],
                "reasons": [
                    {"points": f"{'+' if points >= 0 else '−'}{abs(points):g}", "text": text}
                    for points, text in suggestion["reasons"]
                ],
                "form": form,
            }
        )
    return out


def _report_page(
    request: HttpRequest,
    report: PoliceReport,
    *,
    link_form: f.LinkForm | None = None,
    dismiss_form: f.DismissForm | None = None,
    resolve_form: f.ResolveForm | None = None,
    reopen_form: f.ConfirmForm | None = None,
    status: int = 200,
) -> HttpResponse:
    content, _told = services.report_state(report)
    waiting = report.state == PoliceReport.State.WAITING
    history = [
        {
            "version": version,
            "changed": ", ".join(police_words.field_label(name) for name in version.changed),
            "type": police_words.code_label(
                "notification_type", version.notification.notification_type
            ),
        }
        for version in selectors.report_history(report)
    ]
    state_text, state_css = STATES.get(report.state, (report.get_state_display(), ""))
    context = {
        "report": report,
        "content": content,
        "state": {"text": state_text, "css": state_css},
        "kind": KINDS.get(report.kind, report.kind),
        "missing_from": MISSING_FROM.get(report.missing_from, report.missing_from),
        "authority_role": ROLES.get(report.authority_role, report.authority_role),
        "open_miscoding": report.miscoding == PoliceReport.Miscoding.OPEN,
        "resolve_form": resolve_form
        or f.ResolveForm(
            auto_id="resolve-%s",
            initial=services.police_coding(report)
            if report.miscoding == PoliceReport.Miscoding.OPEN
            else None,
        ),
        "fields": police_words.report_rows(content),
        "waiting": waiting,
        "suggestions": _suggestions(request, report, link_form) if waiting else [],
        "dismiss_form": dismiss_form or f.DismissForm(auto_id="dismiss-%s"),
        "can_unlink": permissions.can_change_report_link(request.user),  # type: ignore[arg-type]
        "can_reopen": report.state in (PoliceReport.State.DISMISSED, PoliceReport.State.ADULT),
        "history": history,
        "link_error": link_form,
        "reopen_form": reopen_form,
        "has_errors": any(
            form is not None and form.errors
            for form in (link_form, dismiss_form, resolve_form, reopen_form)
        ),
    }
    return render(request, "web/intake/report.html", context, status=status)


@login_required
@require_GET
def report(request: HttpRequest, reference: str) -> HttpResponse:
    """A report: what homeward made of it, the candidate children and the decisions."""
    return _report_page(request, _report(request, reference))


@login_required
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, reference: str) -> HttpResponse:
    """This is the child. GET: the candidates, each with its button; POST: link."""
    found = _report(request, reference)
    _may_take_in(request)
    if request.method != "POST":
        waiting = found.state == PoliceReport.State.WAITING
        return render(
            request,
            "web/intake/link.html",
            {
                "report": found,
                "waiting": waiting,
                "suggestions": _suggestions(request, found) if waiting else [],
            },
        )
    child_id = request.POST.get("child", "")
    episodes: list[Episode] = []
    if child_id.isdigit():
        episodes = selectors.episodes_near(found, [int(child_id)]).get(int(child_id), [])
    form = f.LinkForm(request.POST, episodes=episodes, auto_id=f"link-{child_id}-%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            child = Child.objects.get(pk=data["child"])
        except Child.DoesNotExist:
            form.add_error(None, "The child chosen is no longer on record: choose again")
        else:
            episode = next((e for e in episodes if e.pk == data["episode"]), None)
            try:
                linked = services.report_link(
                    by=request.user,  # type: ignore[arg-type]
                    report=found,
                    child=child,
                    episode=episode,
                    note=data["note"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Police report {found.reference} linked to {child.full_name}: "
                    f"episode {linked.reference}",
                )
                return redirect("web:child", child.pk)
    return _report_page(request, found, link_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def new_child(request: HttpRequest, reference: str) -> HttpResponse:
    """None of the candidates: a new child from what the report says, as corrected."""
    found = _report(request, reference)
    _may_take_in(request)
    if request.method == "POST":
        form = f.NewChildForm(request.POST)
        if form.is_valid():
            try:
                child = services.report_new_child(
                    by=request.user,  # type: ignore[arg-type]
                    report=found,
                    note=form.cleaned_data["note"],
                    **form.service_arguments(),
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"{child.full_name} added as {child.reference}, with the police report's "
                    "episode",
                )
                return redirect("web:child", child.pk)
    else:
        initial = services.child_values(found)
        form = f.NewChildForm(initial=initial)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "web/intake/new_child.html",
        {
            "form": form,
            "report": found,
            "linked": found.state == PoliceReport.State.LINKED,
            "unknown_authority": selectors.unknown_responsible_authority(found),
            "title": "Create a new child from the report",
            "caption": f"Police report {found.reference}",
            "button": "Create the child and link the report",
            "back": _report_url(found),
        },
        status=status,
    )


def _decision(
    request: HttpRequest,
    reference: str,
    form_class: type[forms.Form],
    *,
    form_name: str,
    auto_id: str,
    save: Any,
    initial: Any = None,
    **context: Any,
) -> HttpResponse:
    """A decision posted from the report page: GET shows it on a page of its own; a POST
    saves it and goes back to the report, or shows the report again with the errors."""
    found = _report(request, reference)
    _may_take_in(request)
    if request.method != "POST":
        return render(
            request,
            FORM,
            {
                "form": form_class(auto_id=auto_id, initial=initial(found) if initial else None),
                "caption": f"Police report {found.reference}",
                "back": _report_url(found),
                **context,
            },
        )
    form = form_class(request.POST, auto_id=auto_id)
    if form.is_valid():
        try:
            message = save(found, form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, message)
            return redirect("web:intake-report", found.reference)
    return _report_page(request, found, status=400, **{form_name: form})


@login_required
@require_http_methods(["GET", "POST"])
def dismiss(request: HttpRequest, reference: str) -> HttpResponse:
    def save(found: PoliceReport, data: dict[str, Any]) -> str:
        services.report_dismiss(by=request.user, report=found, note=data["note"])  # type: ignore[arg-type]
        return f"Police report {found.reference} marked not for this authority"

    return _decision(
        request,
        reference,
        f.DismissForm,
        form_name="dismiss_form",
        auto_id="dismiss-%s",
        save=save,
        title="Not for this authority",
        intro="The report leaves the queue. It stays in the reconciliation, with your reason.",
        button="Mark as not for this authority",
    )


@login_required
@require_http_methods(["GET", "POST"])
def reopen(request: HttpRequest, reference: str) -> HttpResponse:
    def save(found: PoliceReport, data: dict[str, Any]) -> str:
        services.report_reopen(by=request.user, report=found)  # type: ignore[arg-type]
        return f"Police report {reference} is back in the queue"

    return _decision(
        request,
        reference,
        f.ConfirmForm,
        form_name="reopen_form",
        auto_id="reopen-%s",
        save=save,
        title="Put the report back in the queue",
        intro="Only a report marked not for this authority, or about an adult, can go back in "
        "the queue to be matched to a child.",
        button="Put back in the queue",
    )


@login_required
@require_http_methods(["GET", "POST"])
def resolve(request: HttpRequest, reference: str) -> HttpResponse:
    def save(found: PoliceReport, data: dict[str, Any]) -> str:
        services.report_resolve_miscoding(
            by=request.user,  # type: ignore[arg-type]
            report=found,
            resolution=data["resolution"],
            category=data["category"],
            risk_grade=data["risk_grade"],
            missing_from=data["missing_from"],
        )
        if found.episode_id is None:
            return (
                f"Possible miscoding of police report {found.reference} resolved: the coding "
                "is applied to the episode when the report is linked"
            )
        return (
            f"Possible miscoding of police report {found.reference} resolved: episode "
            f"{found.episode} carries the agreed coding"
        )

    return _decision(
        request,
        reference,
        f.ResolveForm,
        form_name="resolve_form",
        auto_id="resolve-%s",
        save=save,
        initial=services.police_coding,
        title="Resolve a possible miscoding",
        intro="Say how the episode should be coded and how the contradiction between the "
        "report's codes and its content was resolved. The episode is recoded (the police's "
        "coding is kept beside it) and the resolution is shown at the reconciliation meeting.",
        button="Record the resolution",
    )


# --- the reconciliation --------------------------------------------------------------------


#: Rows of each reconciliation section on one page.
RECONCILIATION_PAGE_SIZE = 100


def _may_reconcile(request: HttpRequest) -> None:
    _require(permissions.can_view_reconciliation(request.user))  # type: ignore[arg-type]


def _period(request: HttpRequest) -> f.PeriodForm:
    """The period bound to the query string over the default, the last full month."""
    start, end = selectors.recent_period()
    data = {
        **date_data(request.GET, "start", start.isoformat()),
        **date_data(request.GET, "end", end.isoformat()),
    }
    return f.PeriodForm(data)


def _reconciliation_page(
    request: HttpRequest, period: f.PeriodForm, export: f.ExportForm, *, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {"period": period, "export": export}
    if period.is_valid():
        start: date = period.cleaned_data["start"]
        end: date = period.cleaned_data["end"]
        rec = selectors.reconciliation(user=request.user, start=start, end=end)  # type: ignore[arg-type]
        counts = rec.counts
        columns = selectors.RECONCILIATION_COLUMNS[1:]  # the section is the table's heading
        by_section: dict[str, list[selectors.Row]] = {name: [] for name in selectors.SECTIONS}
        for row in rec.rows:
            by_section[row.section].append(row)
        sections = []
        for name, title in selectors.SECTIONS.items():
            # Each section a page at a time, with its own page number in the query: a busy
            # month holds thousands of rows (the download has them all).
            param = f"{name}_page"
            page = Paginator(by_section[name], RECONCILIATION_PAGE_SIZE).get_page(
                request.GET.get(param)
            )
            sections.append(
                {
                    "id": name.replace("_", "-"),
                    "name": name,
                    "title": title,
                    "count": counts[name],
                    "rows": [_reconciliation_cells(row, columns) for row in page.object_list],
                    "page": page,
                    "pagination": pagination(page, query=request.GET, param=param),
                }
            )
        context.update(
            listed=True,
            rec=rec,
            headings=[_field_label(name) for name in columns],
            sections=sections,
        )
    elif status == 200:
        status = 400
    return render(request, "web/intake/reconciliation.html", context, status=status)


@login_required
@require_GET
def reconciliation(request: HttpRequest) -> HttpResponse:
    _may_reconcile(request)
    period = _period(request)
    initial = {"format": "csv"}
    if period.is_valid():
        initial.update({k: v.isoformat() for k, v in period.cleaned_data.items()})
    return _reconciliation_page(request, period, f.ExportForm(initial=initial, auto_id="export_%s"))


def _export_file(rec: selectors.Reconciliation, fmt: str) -> tuple[bytes, str, str]:
    rows = selectors.reconciliation_rows(rec)
    header = list(selectors.RECONCILIATION_COLUMNS)
    table = [[safe_text(row[name]) for name in header] for row in rows]
    name = f"reconciliation-{rec.start.isoformat()}-to-{rec.end.isoformat()}"
    if fmt == "xlsx":
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(
            buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        )
        sheet = workbook.add_worksheet("Reconciliation")
        bold = workbook.add_format({"bold": True})
        for col, heading in enumerate(header):
            sheet.write_string(0, col, heading, bold)
        for r, cells in enumerate(table, start=1):
            for col, cell in enumerate(cells):
                sheet.write_string(r, col, cell)
        workbook.close()
        return (
            buffer.getvalue(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{name}.xlsx",
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(table)
    return out.getvalue().encode("utf-8"), "text/csv; charset=utf-8", f"{name}.csv"


@login_required
@require_http_methods(["GET", "POST"])
def reconciliation_export(request: HttpRequest) -> HttpResponse:
    """The download: GET shows the form (format and reason); a POST with a reason sends the
    file and logs it (an export, with the period and the counts)."""
    _may_reconcile(request)
    if request.method != "POST":
        period = _period(request)
        initial = {"format": "csv"}
        if period.is_valid():
            initial.update({k: v.isoformat() for k, v in period.cleaned_data.items()})
        return render(
            request,
            "web/intake/export.html",
            {
                "period": period,
                "export": f.ExportForm(initial=initial, auto_id="export_%s"),
            },
        )
    export = f.ExportForm(request.POST, auto_id="export_%s")
    if not export.is_valid():
        period = f.PeriodForm({name: request.POST.get(name, "") for name in ("start", "end")})
        for name in ("start", "end"):  # the period's own form shows what is wrong with it
            export.errors.pop(name, None)
        return _reconciliation_page(request, period, export, status=400)
    data = export.cleaned_data
    rec = selectors.reconciliation(user=request.user, start=data["start"], end=data["end"])  # type: ignore[arg-type]
    content, content_type, filename = _export_file(rec, data["format"])
    counts = ", ".join(f"{name} {count}" for name, count in rec.counts.items())
    access_record(
        user=request.user,  # type: ignore[arg-type]
        action=AccessEvent.Action.EXPORT,
        what="police reconciliation",
        detail=(
            f"{data['format'].upper()} of {rec.start.isoformat()} to {rec.end.isoformat()}: "
            f"{len(rec.rows)} rows; reports {rec.reports}, episodes {rec.episodes}, "
            f"linked {rec.linked}; {counts}"
        ),
        reason=data["reason"],
        request=request,
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- merging two records of one child ------------------------------------------------------


def _child(request: HttpRequest, child_id: int) -> Child:
    try:
        return case_selectors.child_for(user=request.user, child_id=child_id, request=request)  # type: ignore[arg-type]
    except Child.DoesNotExist:
        raise Http404("No such child") from None


def _summary(child: Child) -> dict[str, Any]:
    aliases = [a.name for a in child.aliases.all()]
    return {
        "child": child,
        "rows": [
            ("Reference", child.reference),
            ("Name", child.full_name),
            ("Other names", ", ".join(aliases) or "None recorded"),
            (
                "Date of birth",
                day_text(child.date_of_birth) if child.date_of_birth else "Not known",
            ),
            ("Sex", child.get_sex_display()),
            ("Postcode", child.postcode or "Not recorded"),
            ("Legal status", child.get_legal_status_display()),
            ("Episodes", str(child.episodes.count())),
            ("Return interviews", str(child.interviews.count())),
            ("Police reports", str(child.police_reports.count())),
        ],
    }


def _keep_label(child: Child) -> str:
    return f"{child.reference}: {child.full_name}"


@login_required
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, child_id: int) -> HttpResponse:
    """Two records of one child made one. Step 1: the other record's reference. Step 2:
    both side by side, which to keep and why (this cannot be undone)."""
    record = _child(request, child_id)
    _may_take_in(request)
    context: dict[str, Any] = {
        "child": record,
        "back": reverse("web:child", args=[record.pk]),
    }
    if request.method != "POST":
        return render(request, "web/intake/merge.html", {**context, "find": f.MergeFindForm()})
    find = f.MergeFindForm(request.POST)
    other: Child | None = None
    if find.is_valid():
        other_id = (
            Child.objects.filter(reference=find.cleaned_data["other"])
            .values_list("pk", flat=True)
            .first()
        )
        if other_id is None:
            find.add_error("other", "No child has this reference")
        elif other_id == record.pk:
            find.add_error("other", "Enter the reference of a different record from this one")
        else:
            other = _child(request, other_id)
    if other is None:
        return render(request, "web/intake/merge.html", {**context, "find": find}, status=400)
    choices = [(record.pk, _keep_label(record)), (other.pk, _keep_label(other))]
    confirming = request.POST.get("confirm") == "yes"
    confirm = f.MergeConfirmForm(
        request.POST if confirming else None,
        choices=choices,
        initial={"other": other.reference, "confirm": "yes"},
    )
    if confirming and confirm.is_valid():
        keep, duplicate = (
            (record, other) if confirm.cleaned_data["keep"] == record.pk else (other, record)
        )
        try:
            case_services.children_merge(
                by=request.user,  # type: ignore[arg-type]
                keep=keep,
                duplicate=duplicate,
                reason=confirm.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(confirm, error)
        else:
            messages.success(request, f"Record {duplicate.reference} merged into {keep.reference}")
            return redirect("web:child", keep.pk)
    return render(
        request,
        "web/intake/merge.html",
        {
            **context,
            "other": other,
            "confirm": confirm,
            "compare": [_summary(record), _summary(other)],
        },
        status=400 if confirm.is_bound and confirm.errors else 200,
    )
