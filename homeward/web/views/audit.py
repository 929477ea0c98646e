"""The audit log, for administrators: who read which child's record (the access log), and who
changed what (django-auditlog's change history).

Looking at the log is not a read of a child's record, so it is not itself logged.
"""

from __future__ import annotations

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
from homeward.web.forms import GovukForm
from homeward.web.pagination import pagination

PER_PAGE = 50


class AuditFilterForm(GovukForm):
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
        "event_pages": pagination(events, query=request.GET, param="page"),
        "changes": audit_selectors.describe(changes),
        "change_page": changes,
        "change_pages": pagination(changes, query=request.GET, param="changes_page"),
    }
    return render(request, "web/audit/log.html", context, status=400 if form.errors else 200)
