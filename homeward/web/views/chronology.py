"""A child's chronology: everything that happened, in date order, the earliest first (the
page), and the same as a PDF (a POST with a reason).

Views are thin: `homeward.cases.selectors.child_chronology` checks who may see the child
(whoever may see the child's record, scoped as the record is) and writes the access log:
a view for the page, an export with its reason for the PDF. The PDF is kept out of every
cache (`Cache-Control: no-store`, as every response is).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from homeward.accounts import permissions
from homeward.cases import selectors
from homeward.cases.models import Child
from homeward.formats.pdf import self_contained_pdf
from homeward.web.forms import GovukForm, reason_field


class ReasonForm(GovukForm):
    reason = reason_field(
        "Why you need this PDF",
        required_message="Enter why you need this PDF",
        help_text="The chronology leaves homeward: say what it is for (for example, a "
        "strategy meeting or a court statement). The reason is kept in the audit log.",
    )


def _chronology(request: HttpRequest, child_id: int, reason: str = "") -> selectors.Chronology:
    try:
        return selectors.child_chronology(
            user=request.user,  # type: ignore[arg-type]
            child_id=child_id,
            request=request,
            export_reason=reason,
        )
    except Child.DoesNotExist:
        raise Http404("No such child") from None


def _context(chronology: selectors.Chronology, request: HttpRequest) -> dict[str, Any]:
    child = chronology.child
    return {
        "chronology": chronology,
        "child": child,
        "aliases": [a.name for a in child.aliases.all()],
        "can_view_disclosures": permissions.can_view_disclosures(request.user, child),  # type: ignore[arg-type]
        "whole_child": permissions.sees_whole_child(request.user),  # type: ignore[arg-type]
        "police": permissions.force_of(request.user) is not None,  # type: ignore[arg-type]
    }


@login_required
@require_GET
def chronology(request: HttpRequest, child_id: int) -> HttpResponse:
    """The chronology as a page (logged as a view)."""
    found = _chronology(request, child_id)
    return render(request, "web/cases/chronology.html", _context(found, request))


@login_required
@require_http_methods(["GET", "POST"])
def chronology_pdf(request: HttpRequest, child_id: int) -> HttpResponse:
    """GET: why the PDF is needed (the child's record read, and logged, as any form page
    reads it). POST: the chronology as a PDF, logged as an export with the reason."""
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        found = _chronology(request, child_id, reason=form.cleaned_data["reason"])
        html = render_to_string(
            "web/cases/chronology_print.html", _context(found, request), request=request
        )
        response = HttpResponse(self_contained_pdf(html), content_type="application/pdf")
        day = timezone.localtime(found.at).date().isoformat()
        response["Content-Disposition"] = (
            f'attachment; filename="chronology-{found.child.reference}-{day}.pdf"'
        )
        response["Cache-Control"] = "no-store"
        return response
    try:
        child = selectors.child_for(user=request.user, child_id=child_id, request=request)  # type: ignore[arg-type]
    except Child.DoesNotExist:
        raise Http404("No such child") from None
    return render(
        request,
        "web/cases/form.html",
        {
            "form": form,
            "caption": f"{child.full_name} ({child.reference})",
            "title": "Download the chronology as a PDF",
            "intro": "The PDF holds everything on the chronology page"
            + (", what the child said included" if _said(request, child) else "")
            + ". Keep it as securely as the record. A long chronology takes a few seconds "
            "to make.",
            "button": "Download the PDF",
            "back": reverse("web:chronology", args=[child.pk]),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _said(request: HttpRequest, child: Child) -> bool:
    return permissions.can_view_disclosures(request.user, child)  # type: ignore[arg-type]
