"""The correction pages: change a saved record, with the reason, never silently.

Each page shows the record's fields as they are now and asks for the reason last (required
when the record has left the authority or been signed off, and the page says why). Views
are thin: they check permission with `homeward.accounts.permissions`, read the record
through the audited selectors and write through `homeward.cases.corrections`, whose
`ValidationError`s become errors on the form (400). A change to an episode that moves a
due point, or how the episode counts, is shown on a check-your-answers page first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from homeward.accounts import permissions
from homeward.cases import corrections
from homeward.web import correction_forms as cf
from homeward.web.views.cases import _apply_errors, _child

FORM = "web/cases/form.html"


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _page(
    request: HttpRequest,
    form_class: type[cf.CorrectionForm],
    save: Callable[[cf.CorrectionForm], str],
    *,
    because: str,
    initial: dict[str, Any] | None = None,
    template: str = FORM,
    **context: Any,
) -> HttpResponse:
    """GET: the form with the record as it is now. POST: check it and save through `save`
    (which returns where to go and has queued its message), or show the errors (400)."""
    if request.method == "POST":
        form = form_class(request.POST, because=because)
        if form.is_valid():
            try:
                return redirect(save(form))
            except ValidationError as error:
                _apply_errors(form, error)
    else:
        form = form_class(initial=initial, because=because)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, {"form": form, **context}, status=status)


# --- the child's details -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def child_change(request: HttpRequest, child_id: int, group: str) -> HttpResponse:
    """One group of the child's details (name, date of birth, sex and ethnicity, address,
    authorities), as it is now, and the reason for the change."""
    record = _child(request, child_id)
    _require(permissions.can_change_child(request.user, record))  # type: ignore[arg-type]
    try:
        form_class, title, what = cf.CHILD_FORMS[group]
    except KeyError:
        raise Http404("No such group of details") from None

    def save(form: cf.CorrectionForm) -> str:
        corrections.child_change(
            by=request.user,  # type: ignore[arg-type]
            child=record,
            reason=form.cleaned_data["reason"],
            **form.values(),
        )
        messages.success(request, f"{what} changed")
        return reverse("web:child", args=[record.pk])

    return _page(
        request,
        form_class,
        save,
        because=corrections.child_reason_required(child=record),
        initial=form_class.initial_from(record),  # type: ignore[attr-defined]
        title=title,
        caption=f"{record.full_name} ({record.reference})",
        button="Save the change",
        back=reverse("web:child", args=[record.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def care_page(request: HttpRequest, child_id: int) -> HttpResponse:
    """The child's care as it is now, and the reason for the change (the care page)."""
    record = _child(request, child_id)
    _require(permissions.can_change_child(request.user, record))  # type: ignore[arg-type]

    def save(form: cf.CorrectionForm) -> str:
        corrections.child_change_care(
            by=request.user,  # type: ignore[arg-type]
            child=record,
            reason=form.cleaned_data["reason"],
            **form.values(),
        )
        messages.success(request, "Care recorded")
        return reverse("web:child", args=[record.pk])

    return _page(
        request,
        cf.CareChangeForm,
        save,
        because=corrections.child_reason_required(child=record),
        initial=cf.CareChangeForm.initial_from(record),
        title="Record the child’s care",
        caption=record.full_name,
        button="Save",
        back=reverse("web:child", args=[record.pk]),
    )
