"""Police intelligence from a return interview: what would be shared, the summary and the
reason, then a file or a send; each submission's status, contents and the police reference.

Thin views: permission through `accounts.permissions`, reads through the selectors (logged
as reads of the child's record), writes through `homeward.intelligence.services` (which log
every file and every send as an export or share, with the reason).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from homeward.accounts import permissions
from homeward.cases import selectors as case_selectors
from homeward.cases.models import ReturnInterview
from homeward.intelligence import selectors, services
from homeward.intelligence.models import IntelligenceSubmission
from homeward.web import case_forms as f
from homeward.web.forms import GovukForm, apply_service_errors, reason_field
from homeward.web.pagination import pagination

HOW_CHOICES = [
    ("json", "Download it as a JSON file"),
    ("csv", "Download it as a CSV file"),
    ("send", "Send it to the police now"),
]
FORMAT_CHOICES = [("json", "JSON"), ("csv", "CSV (for a spreadsheet)")]


def _reason_field(label: str = "Why you are sharing this with the police") -> forms.CharField:
    return reason_field(
        label,
        required_message="Say why you are sharing this with the police",
        help_text="Kept in the audit log with the submission.",
    )


class IntelligenceForm(GovukForm):
    summary = f.text_area(
        "What was disclosed, for the police (optional)",
        help_text="Write only what may be shared. The write-up itself is never sent.",
    )
    degrade = f.yes_no_field(
        "Give only the month of birth and the postcode district?",
        help_text="The police link intelligence to their records by name and date of birth: "
        "choose yes only if they do not need the full date.",
    )
    reason = _reason_field()
    how = f.radio_field("How to share it", HOW_CHOICES)

    def __init__(self, *args: Any, can_send: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_send:
            self.fields["how"].choices = HOW_CHOICES[:2]


class PreviewForm(GovukForm):
    """The summary and the degrade choice alone: enough to show what would be shared."""

    summary = forms.CharField(required=False)
    degrade = forms.TypedChoiceField(
        choices=f.YES_NO, coerce=lambda v: v == "yes", required=False, empty_value=False
    )


class DownloadForm(GovukForm):
    file_format = f.radio_field("Format", FORMAT_CHOICES, initial="json")
    reason = _reason_field("Why you are downloading this for the police")


class SendForm(GovukForm):
    reason = _reason_field("Why you are sending this to the police")


class PoliceReferenceForm(GovukForm):
    police_reference = forms.CharField(
        label="The police's reference",
        max_length=100,
        help_text="As the police gave it, for example an intelligence log number.",
        error_messages={"required": "Enter the police's reference"},
    )


def _interview(request: HttpRequest, interview_id: int) -> ReturnInterview:
    try:
        record = case_selectors.interview_for(
            user=request.user,  # type: ignore[arg-type]
            interview_id=interview_id,
            request=request,
        )
    except ReturnInterview.DoesNotExist:
        raise Http404("No such interview") from None
    if not permissions.can_submit_intelligence(request.user, record):  # type: ignore[arg-type]
        raise PermissionDenied("not your interview")
    return record


def _submission(request: HttpRequest, reference: str) -> IntelligenceSubmission:
    try:
        return selectors.submission_for(
            user=request.user,  # type: ignore[arg-type]
            reference=reference,
            request=request,
        )
    except IntelligenceSubmission.DoesNotExist:
        raise Http404("No such submission") from None


#: The session's key for files ready to download: {reference: {"format", "reason"}}.
READY = "intelligence_ready"


def _file_ready(
    request: HttpRequest, submission: IntelligenceSubmission, file_format: str, reason: str
) -> HttpResponse:
    """The reason and format are given: the file is ready. The browser is sent to the
    submission's page (a new page, so no error from an earlier try stays on screen), whose
    button downloads the file (`file`): a file answer would leave the form's page as it
    was, errors and all."""
    if file_format not in services.FORMATS:
        raise ValidationError({"file_format": "Choose JSON or CSV"})
    ready = dict(request.session.get(READY, {}))
    ready[submission.reference] = {"format": file_format, "reason": reason}
    request.session[READY] = ready
    return redirect("web:intelligence-submission", submission.reference)


def _file_response(file: services.SubmissionFile) -> HttpResponse:
    response = HttpResponse(file.data, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, interview_id: int) -> HttpResponse:
    """GET: exactly what would be shared now. POST `preview`: the same with the summary
    typed; POST `share`: prepare the submission (the same one for unchanged content), then
    download it or send it."""
    record = _interview(request, interview_id)
    user = request.user
    can_send = services.endpoint_configured()
    if request.method == "POST" and request.POST.get("action") == "share":
        form = IntelligenceForm(request.POST, can_send=can_send)
    else:
        form = IntelligenceForm(
            initial=request.POST if request.method == "POST" else {"degrade": "no"},
            can_send=can_send,
        )
    preview = PreviewForm(request.POST if request.method == "POST" else {})
    preview.is_valid()
    summary = preview.cleaned_data.get("summary", "")
    degrade = bool(preview.cleaned_data.get("degrade", False))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            made, created = services.intelligence_prepare(
                by=user,  # type: ignore[arg-type]
                interview=record,
                summary=data["summary"],
                degrade=bool(data["degrade"]),
            )
            if not created:
                messages.info(
                    request,
                    f"Nothing has changed since {made.reference}: it is used, not a new one",
                )
            if data["how"] == "send":
                made = services.intelligence_send(
                    by=user,  # type: ignore[arg-type]
                    submission=made,
                    reason=data["reason"],
                    request=request,
                )
                # A failure is shown on the submission page, with why.
                if made.status != IntelligenceSubmission.Status.FAILED:
                    messages.success(request, f"{made.reference} sent to the police")
                return redirect("web:intelligence-submission", made.reference)
            return _file_ready(request, made, data["how"], data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
    document = services.build_submission(interview=record, summary=summary, degrade=degrade)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "web/intelligence/new.html",
        {
            "interview": record,
            "child": record.child,
            "form": form,
            "document": document,
            "can_send": can_send,
            "submissions": selectors.interview_submissions(interview=record),
            "withheld": {
                "places": record.places.filter(shareable=False).count(),
                "adults": record.adults.filter(shareable=False).count(),
                "vehicles": record.vehicles.filter(shareable=False).count(),
            },
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def submission(request: HttpRequest, reference: str) -> HttpResponse:
    """A submission: its status and contents; POST `police_reference` records the police's
    reference, POST `send` sends it (again, after a failure)."""
    record = _submission(request, reference)
    user = request.user
    may_submit = permissions.can_submit_intelligence(user, record.interview)  # type: ignore[arg-type]
    may_record = permissions.can_record_police_reference(user, record)  # type: ignore[arg-type]
    reference_form = PoliceReferenceForm(auto_id="reference_%s")
    send_form = SendForm(auto_id="send_%s")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "police_reference":
            if not may_record:
                raise PermissionDenied("police references")
            reference_form = PoliceReferenceForm(request.POST, auto_id="reference_%s")
            if reference_form.is_valid():
                try:
                    services.intelligence_record_police_reference(
                        by=user,  # type: ignore[arg-type]
                        submission=record,
                        police_reference=reference_form.cleaned_data["police_reference"],
                    )
                    messages.success(request, "Police reference recorded")
                    return redirect("web:intelligence-submission", record.reference)
                except ValidationError as error:
                    apply_service_errors(reference_form, error)
        elif action == "send":
            if not may_submit:
                raise PermissionDenied("not your interview")
            send_form = SendForm(request.POST, auto_id="send_%s")
            if send_form.is_valid():
                try:
                    sent = services.intelligence_send(
                        by=user,  # type: ignore[arg-type]
                        submission=record,
                        reason=send_form.cleaned_data["reason"],
                        request=request,
                    )
                    # A failure is shown on the submission page, with why.
                    if sent.status != IntelligenceSubmission.Status.FAILED:
                        messages.success(request, f"{sent.reference} sent to the police")
                    return redirect("web:intelligence-submission", record.reference)
                except ValidationError as error:
                    apply_service_errors(send_form, error)
        # Anything else (an unknown action) shows the page again, as a bad request.
        status = 400
    taken = record.method == IntelligenceSubmission.Method.ENDPOINT and record.status in (
        IntelligenceSubmission.Status.SENT,
        IntelligenceSubmission.Status.ACKNOWLEDGED,
    )
    return render(
        request,
        "web/intelligence/submission.html",
        {
            "submission": record,
            "interview": record.interview,
            "child": record.interview.child,
            "document": services.submission_document(record),
            "may_submit": may_submit,
            "may_view_interview": permissions.can_view_interview(
                user,  # type: ignore[arg-type]
                record.interview,
            ),
            "may_record": may_record,
            "may_send": may_submit and services.endpoint_configured() and not taken,
            "reference_form": reference_form,
            "send_form": send_form,
            "ready": request.session.get(READY, {}).get(record.reference) if may_submit else None,
        },
        status=status,
    )


@login_required
def download(request: HttpRequest, reference: str) -> HttpResponse:
    """GET: the format and reason; POST: the file, logged as an export with the reason."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    record = _submission(request, reference)
    if not permissions.can_submit_intelligence(request.user, record.interview):  # type: ignore[arg-type]
        raise PermissionDenied("not your interview")
    form = DownloadForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        return _file_ready(
            request, record, form.cleaned_data["file_format"], form.cleaned_data["reason"]
        )
    return render(
        request,
        "web/intelligence/download.html",
        {"submission": record, "form": form, "child": record.interview.child},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def file(request: HttpRequest, reference: str) -> HttpResponse:
    """POST: the file made ready on the form (`_file_ready`), once: it is logged as an
    export with the reason given there, and the submission is recorded as shared. Without
    a file ready (a second click, a bookmark, a GET), the download's form asks again."""
    record = _submission(request, reference)
    if not permissions.can_submit_intelligence(request.user, record.interview):  # type: ignore[arg-type]
        raise PermissionDenied("not your interview")
    ready = dict(request.session.get(READY, {}))
    wanted = ready.pop(record.reference, None) if request.method == "POST" else None
    if wanted is None:
        return redirect("web:intelligence-download", record.reference)
    request.session[READY] = ready
    try:
        made = services.intelligence_download(
            by=request.user,  # type: ignore[arg-type]
            submission=record,
            file_format=wanted["format"],
            reason=wanted["reason"],
            request=request,
        )
    except ValidationError:
        return redirect("web:intelligence-download", record.reference)
    return _file_response(made)


@login_required
@require_GET
def awaiting_acknowledgement(request: HttpRequest) -> HttpResponse:
    """Intelligence shared with the police and not yet acknowledged with their reference:
    for a liaison officer, what was addressed to their force."""
    submissions = selectors.awaiting_acknowledgement(user=request.user)  # type: ignore[arg-type]
    page = Paginator(submissions, 50).get_page(request.GET.get("page") or 1)
    return render(
        request,
        "web/intelligence/queue.html",
        {
            "page": page,
            "pagination": pagination(page, query=request.GET),
            "force": permissions.force_of(request.user),  # type: ignore[arg-type]
        },
    )
