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
