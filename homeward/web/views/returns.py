"""Returns and exports: every statutory return, list and pack the authority owes, on one
page, each downloaded with a reason and recorded in the access log.

The exports, who may take each and the audit rows come from `homeward.returns.exports`;
this module only asks for the export, its period, the degrade option and the reason.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import timezone

from homeward.accounts import permissions
from homeward.returns import exports
from homeward.returns.exports import ExportKind
from homeward.web.forms import GovukForm, reason_field

TEMPLATE = "web/returns/exports.html"


class ExportForm(GovukForm):
    kind = forms.ChoiceField(
        label="Which export",
        widget=forms.RadioSelect,
        error_messages={"required": "Select which export", "invalid_choice": "Select which export"},
    )
    period = forms.ChoiceField(
        label="Period",
        help_text="A financial year (April to March), or for the performance pack a month.",
        error_messages={"required": "Select the period", "invalid_choice": "Select the period"},
    )
    degrade = forms.BooleanField(
        label="For use outside the authority: postcode districts, months of birth and small "
        "numbers suppressed",
        required=False,
        help_text="Not for the SSDA903 return, which goes to the DfE with full details.",
    )
    reason = reason_field(
        "Why you need this export", required_message="Enter why you need this export"
    )

    def __init__(self, *args: Any, kinds: list[ExportKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = {kind.name: kind for kind in kinds}
        today = timezone.localdate()
        self.fields["kind"].choices = [(kind.name, kind.title) for kind in kinds]
        periods: dict[str, str] = {}
        for kind in kinds:
            periods.update(exports.period_choices(kind, today=today))
        years = [(k, v) for k, v in periods.items() if exports.is_year(k)]
        months = [(k, v) for k, v in periods.items() if not exports.is_year(k)]
        choices: list[Any] = [("", "Choose a period"), ("Financial years", years)]
        if months:
            choices.append(("Months (performance pack only)", months))
        self.fields["period"].choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = self.kinds.get(data.get("kind", ""))
        period = data.get("period", "")
        if kind is None or not period:
            return data
        if kind.period == "year" and not exports.is_year(period):
            self.add_error("period", f"{kind.title} is for a financial year: choose a year")
        if data.get("degrade") and not kind.degradable:
            self.add_error(
                "degrade", "The SSDA903 return goes to the DfE with full details: untick this"
            )
        return data


def _kinds(request: HttpRequest) -> list[ExportKind]:
    kinds = exports.kinds_for(request.user)  # type: ignore[arg-type]
    if not kinds:
        raise PermissionDenied("returns and exports")
    return kinds


def _render(request: HttpRequest, form: ExportForm, *, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "kinds": form.kinds.values(),
        "can_edit_foi": permissions.can_edit_foi_settings(request.user),  # type: ignore[arg-type]
        "can_send_national": permissions.can_allocate(request.user),  # type: ignore[arg-type]
        "can_merge_903": "ssda903" in form.kinds,
    }
    return render(request, TEMPLATE, context, status=status)


@login_required
def page(request: HttpRequest) -> HttpResponse:
    kinds = _kinds(request)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return _render(request, ExportForm(kinds=kinds))


@login_required
def download(request: HttpRequest) -> HttpResponse:
    """The export as a file: a POST with the reason (permission first, then the method)."""
    kinds = _kinds(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ExportForm(request.POST, kinds=kinds)
    if not form.is_valid():
        return _render(request, form, status=400)
    data = form.cleaned_data
    try:
        file = exports.run_export(
            user=request.user,  # type: ignore[arg-type]
            name=data["kind"],
            period=data["period"],
            degrade=data["degrade"],
            reason=data["reason"],
            request=request,
        )
    except ValueError as error:
        form.add_error(None, str(error))
        return _render(request, form, status=400)
    response = HttpResponse(file.data, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- the SSDA903 merged with the case system's own files ---------------------------------------

MERGE_TEMPLATE = "web/returns/ssda903_merge.html"
#: How long the merged files may be downloaded from the result page.
MERGED_KEPT_SECONDS = 3600
#: Errors listed on the result page, of each kind; the count says how many more there were.
SHOWN_ERRORS = 200


def _merge_allowed(request: HttpRequest) -> None:
    if not exports.can_take(request.user, exports.BY_NAME["ssda903"]):  # type: ignore[arg-type]
        raise PermissionDenied("the export ssda903")


def _sealer() -> Any:
    """Fernet with the keys of the encrypted fields (`SECRET_KEY` and `SALT_KEY`, rotated
    keys included): the merged files travel in the result page encrypted."""
    from encrypted_fields.fields import EncryptedTextField

    return EncryptedTextField().f


def seal_download(*, user_id: int, filename: str, data: bytes) -> str:
    """The merged ZIP as a token for the result page's download button: encrypted, for this
    user only, and refused after `MERGED_KEPT_SECONDS`. Nothing is kept on the server."""
    payload = f"{user_id}\n{filename}\n".encode() + data
    token: bytes = _sealer().encrypt(payload)
    return token.decode("ascii")


def open_download(token: str, *, user_id: int) -> tuple[str, bytes] | None:
    """The (filename, ZIP) of a token made for `user_id`, or None when it is not one, was
    made for someone else or is too old."""
    from cryptography.fernet import InvalidToken

    try:
        payload: bytes = _sealer().decrypt(token.encode("ascii"), ttl=MERGED_KEPT_SECONDS)
        owner, filename, data = payload.split(b"\n", 2)
    except (InvalidToken, UnicodeEncodeError, ValueError):
        return None
    if owner.decode() != str(user_id):
        return None
    return filename.decode(), data


def _merged_zip(merged: Any, report: str | None) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in merged.files.items():
            archive.writestr(name, data)
        archive.writestr("notes.txt", "".join(f"{note}\n" for note in merged.notes))
        if report is not None:
            archive.writestr("validation.txt", report)
    return buffer.getvalue()


def _validate(merged: Any) -> tuple[Any, str | None]:
    """The validator's check of the merged return and its text report, or (None, None)
    when the validator could not run (the reason is logged, not shown)."""
    import logging

    from homeward.formats import ssda903_merge
    from homeward.formats.validator903 import ValidatorFailed
    from homeward.organisations.models import Authority

    home = Authority.objects.filter(is_home=True).first()
    la = home.gss_code if home is not None else "E10000099"
    try:
        check = ssda903_merge.check_merge(merged, la=la)
    except ValidatorFailed:
        logging.getLogger(__name__).exception("the 903 validator could not run")
        return None, None
    return check, ssda903_merge.report(merged, check)


@login_required
def ssda903_merge(request: HttpRequest) -> HttpResponse:
    """Upload the case system's 903 Header and Episodes (and last year's files): homeward's
    Missing table is merged with them and the merged set checked with the DfE's validator,
    in the request (docs/returns-ssda903.md says why). The result page shows the errors and
    offers the merged files as a ZIP."""
    from homeward.formats import ssda903_merge as merge
    from homeward.web.ssda903_forms import Ssda903MergeForm

    _merge_allowed(request)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    if request.method == "POST" and "download" in request.POST:
        opened = open_download(request.POST["download"], user_id=request.user.pk)
        if opened is None:
            context = {"form": Ssda903MergeForm(), "expired": True}
            return render(request, MERGE_TEMPLATE, context, status=400)
        filename, data = opened
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response
    if request.method != "POST":
        return render(request, MERGE_TEMPLATE, {"form": Ssda903MergeForm()})
    form = Ssda903MergeForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, MERGE_TEMPLATE, {"form": form}, status=400)
    header, episodes, previous = form.case_files()
    period = form.cleaned_data["year"]
    try:
        export, merged = exports.run_ssda903_merge(
            user=request.user,  # type: ignore[arg-type]
            period=period,
            reason=form.cleaned_data["reason"],
            header=header,
            episodes=episodes,
            previous=previous or None,
            request=request,
        )
    except merge.CaseFilesError as error:
        for problem in error.problems[:SHOWN_ERRORS]:
            form.add_error(None, problem)
        return render(request, MERGE_TEMPLATE, {"form": form}, status=400)
    except ValueError as error:
        form.add_error(None, str(error))
        return render(request, MERGE_TEMPLATE, {"form": form}, status=400)
    check, report = _validate(merged)
    filename = f"ssda903-{period}-merged.zip"
    token = seal_download(
        user_id=request.user.pk, filename=filename, data=_merged_zip(merged, report)
    )
    context = {
        "form": None,
        "period": period,
        "merged": merged,
        "export": export,
        "check": check,
        "new_errors": check.new[:SHOWN_ERRORS] if check else [],
        "already_errors": check.already[:SHOWN_ERRORS] if check else [],
        "already_by_rule": _by_rule(check.already) if check else [],
        "filename": filename,
        "token": token,
        "kept_minutes": MERGED_KEPT_SECONDS // 60,
    }
    return render(request, MERGE_TEMPLATE, context)


def _by_rule(errors: list[Any]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for error in errors:
        counts[error.rule] = counts.get(error.rule, 0) + 1
    return sorted(counts.items())
