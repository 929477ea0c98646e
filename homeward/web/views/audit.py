"""The audit log, for administrators: who read which child's record (the access log), and who
changed what (django-auditlog's change history).

Looking at the log is not a read of a child's record, so it is not itself logged.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from homeward.accounts import permissions
from homeward.accounts.models import Role
from homeward.audit import selectors as audit_selectors
from homeward.audit.models import AccessEvent
from homeward.cases import selectors

PER_PAGE = 50


class AuditFilterForm(forms.Form):
    username = forms.CharField(label="Username", required=False, max_length=150)
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[("", "Any action"), *AccessEvent.Action.choices],
    )
    child_id = forms.IntegerField(
        label="Child (record number)",
        required=False,
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        help_text="The number at the end of the child's page address, like 42 in /children/42/.",
        error_messages={"invalid": "Enter the child's record number as a whole number"},
    )


def _page(items: object, request: HttpRequest, param: str) -> Page:
    return Paginator(items, PER_PAGE).get_page(request.GET.get(param))


def _pagination(request: HttpRequest, page: Page, param: str) -> dict[str, object]:
    """GOV.UK pagination: links that keep the other query parameters."""

    def href(number: int) -> str:
        query = {key: value for key, value in request.GET.items() if key != param and value}
        query[param] = str(number)
        return "?" + urlencode(query)

    paginator = page.paginator
    numbers: list[int | None] = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        numbers.append(number if isinstance(number, int) else None)
    return {
        "page": page,
        "previous": href(page.previous_page_number()) if page.has_previous() else "",
        "next": href(page.next_page_number()) if page.has_next() else "",
        "items": [
            {"number": n, "href": href(n), "current": n == page.number} if n else None
            for n in numbers
        ],
    }


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_audit(request.user):
        raise PermissionDenied("the audit log")
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = _page(selectors.audit_events(user=request.user, **filters), request, "page")
    changes = _page(audit_selectors.change_entries(user=request.user), request, "changes_page")
    roles = dict(Role.choices)
    context = {
        "form": form,
        "filtered": any(filters.values()),
        "events": [{"event": event, "role": roles.get(event.role, event.role)} for event in events],
        "event_page": events,
        "event_pages": _pagination(request, events, "page"),
        "changes": audit_selectors.describe(changes),
        "change_page": changes,
        "change_pages": _pagination(request, changes, "changes_page"),
    }
    return render(request, "web/audit/log.html", context, status=400 if form.errors else 200)
