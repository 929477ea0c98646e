"""The multi-agency panel's pages: the panel list as of today with the reasons, the
meetings, a meeting's pack (with its decisions and actions), the pack as a PDF, marking an
action done, and the triggers.

Views are thin: permission through `accounts.permissions.can_view_panel` and
`can_manage_panel`, reads through `homeward.panel.selectors` (which log every child shown),
writes through `homeward.panel.services`. The PDF is a POST with a reason, logged as an
export for each child in it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from homeward.accounts import permissions
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record_children
from homeward.cases import codes
from homeward.cases.models import Child
from homeward.formats.dates import day_text
from homeward.formats.pdf import self_contained_pdf
from homeward.panel import selectors, services
from homeward.panel.models import PanelAction, PanelListing, PanelMeeting, PanelTrigger
from homeward.panelrules.triggers import KINDS
from homeward.web.forms import GovukForm, apply_service_errors, day_field, reason_field

# --- forms ---------------------------------------------------------------------------------


class MeetingForm(GovukForm):
    date = day_field(
        "Meeting", required=True, messages={"required": "Enter the date of the meeting"}
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, Exploitation and missing panel, December",
        error_messages={"required": "Enter a title for the meeting"},
    )
    list_children = forms.BooleanField(
        label="List the children on the panel list as of the meeting’s date",
        required=False,
        initial=True,
    )


class AddChildForm(GovukForm):
    reference = forms.CharField(
        label="Child’s reference",
        max_length=20,
        help_text="A child not on the panel list whom the panel wants to discuss, e.g. C-000123",
        error_messages={"required": "Enter the child’s reference"},
    )


class DecisionForm(GovukForm):
    text = forms.CharField(
        label="Decision",
        max_length=services.TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the decision"},
    )


class ActionForm(GovukForm):
    text = forms.CharField(
        label="Action",
        max_length=services.TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the action"},
    )
    owner = forms.CharField(
        label="Who is to do it",
        max_length=200,
        help_text="A person or an agency",
        error_messages={"required": "Enter who is to do it"},
    )
    due_on = day_field(
        "Due", required=True, messages={"required": "Enter the date the action is due"}
    )


class StatusForm(GovukForm):
    status = forms.ChoiceField(
        label="Meeting status",
        choices=PanelMeeting.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the meeting's status"},
    )


class ReasonForm(GovukForm):
    degrade = forms.BooleanField(
        label="For partners outside the authority: places known only by a postcode shown "
        "by their postcode district",
        required=False,
    )
    reason = reason_field(
        "Why you need this PDF",
        required_message="Enter why you need this PDF",
        help_text="The pack leaves homeward: say what it is for. The reason is kept in the "
        "audit log for each child in the pack.",
    )


class DoneForm(GovukForm):
    note = forms.CharField(
        label="What was done (optional)",
        required=False,
        max_length=services.TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _trigger_form(trigger: PanelTrigger, data: Any = None) -> forms.Form:
    """A trigger's form: on or off, its label and each of its parameters."""
    form = GovukForm(data, prefix=f"trigger-{trigger.pk}")
    form.fields["active"] = forms.BooleanField(
        label=f"Use “{trigger.label}”", required=False, initial=trigger.active
    )
    form.fields["label"] = forms.CharField(
        label="Label",
        max_length=200,
        initial=trigger.label,
        error_messages={"required": "Enter a label for the trigger"},
    )
    for p in KINDS[trigger.kind].parameters:
        value = trigger.parameters.get(p.name, p.default)
        if p.many:
            form.fields[p.name] = forms.MultipleChoiceField(
                label=p.label,
                choices=_choices(p.name, p.choices),
                initial=list(value),
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": f"Select at least one of the {p.label.lower()}"},
            )
        elif p.name == "harm":
            form.fields[p.name] = forms.ChoiceField(
                label=p.label,
                choices=codes.Harm.choices,
                initial=value,
                error_messages={"required": f"Select the {p.label.lower()}"},
            )
        else:
            form.fields[p.name] = forms.IntegerField(
                label=p.label,
                min_value=p.minimum,
                max_value=p.maximum,
                initial=value,
                error_messages={
                    "required": f"Enter the {p.label.lower()}",
                    "invalid": f"Enter the {p.label.lower()} as a whole number",
                    "min_value": f"The {p.label.lower()} must be {p.minimum} or more",
                    "max_value": f"The {p.label.lower()} must be {p.maximum} or fewer",
                },
            )
    return form


def _choices(name: str, values: tuple[str, ...]) -> list[tuple[str, str]]:
    words: dict[str, str] = {}
    if name == "kinds":
        words = {v: str(label) for v, label in codes.RiskKind.choices}
    elif name == "grades":
        words = {v: str(label) for v, label in codes.RiskGrade.choices}
    return [(v, words.get(v, v)) for v in values]


class NewTriggerForm(GovukForm):
    kind = forms.ChoiceField(
        label="Kind of trigger",
        choices=[(name, kind.label) for name, kind in KINDS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of trigger"},
    )
    label = forms.CharField(
        label="Label",
        max_length=200,
        help_text="What the panel calls it, e.g. Sexual exploitation disclosed",
        error_messages={"required": "Enter a label for the trigger"},
    )


# --- helpers -------------------------------------------------------------------------------


def _require_view(request: HttpRequest) -> None:
    if not permissions.can_view_panel(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("the multi-agency panel")


def _require_manage(request: HttpRequest) -> None:
    if not permissions.can_manage_panel(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("managing the multi-agency panel")


def _meeting(meeting_id: int) -> PanelMeeting:
    try:
        return PanelMeeting.objects.get(pk=meeting_id)
    except PanelMeeting.DoesNotExist:
        raise Http404("No such meeting") from None


# --- the panel list and meetings -----------------------------------------------------------


@login_required
@require_GET
def panel(request: HttpRequest) -> HttpResponse:
    """The panel list as of today, with the reasons; the meetings; the actions to do."""
    _require_view(request)
    today = timezone.localdate()
    user = request.user
    entries = selectors.panel_list(user=user, as_of=today, request=request)  # type: ignore[arg-type]
    actions = selectors.outstanding_actions(user=user)  # type: ignore[arg-type]
    if actions:
        access_record_children(
            user=user,  # type: ignore[arg-type]
            action=AccessEvent.Action.VIEW,
            what="panel actions outstanding",
            child_ids=[a.listing.child_id for a in actions],
            request=request,
        )
    return render(
        request,
        "web/panel/list.html",
        {
            "today": today,
            "entries": entries,
            "meetings": selectors.meetings(),
            "actions": actions,
            "can_manage": permissions.can_manage_panel(user),  # type: ignore[arg-type]
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    _require_manage(request)
    if request.method == "POST":
        form = MeetingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = _create_meeting(request, data["date"], data["title"], data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                return redirect("web:panel-meeting", meeting.pk)
    else:
        form = MeetingForm(initial={"date": timezone.localdate().isoformat()})
    return render(
        request,
        "web/cases/form.html",
        {
            "form": form,
            "title": "Plan a panel meeting",
            "intro": "The pack lists each child’s episodes, what their interviews found, "
            "their actions still to do, and the places and adults that link them.",
            "button": "Plan the meeting",
            "back": reverse("web:panel"),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _create_meeting(
    request: HttpRequest, day: date, title: str, data: dict[str, Any]
) -> PanelMeeting:
    user = request.user
    meeting = services.meeting_create(by=user, date=day, title=title)  # type: ignore[arg-type]
    if data.get("list_children"):
        for entry in selectors.panel_list(user=user, as_of=day, request=request):  # type: ignore[arg-type]
            services.meeting_add_child(
                by=user,  # type: ignore[arg-type]
                meeting=meeting,
                child=entry.child,
                reasons=[r.text for r in entry.reasons],
            )
    messages.success(request, f"Meeting planned: {meeting}")
    return meeting


# --- a meeting's pack ----------------------------------------------------------------------


def _listing(meeting: PanelMeeting, value: str | None) -> PanelListing:
    try:
        return meeting.listings.get(pk=int(value or ""))
    except (ValueError, PanelListing.DoesNotExist):
        raise Http404("No such child on this meeting's list") from None


@login_required
@require_http_methods(["GET", "POST"])
def meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The pack (GET), and the panel's forms (POST, `intent` says which)."""
    _require_view(request)
    record = _meeting(meeting_id)
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        _require_manage(request)
        done = _post(request, record, bound)
        if done is not None:
            return done
    return _pack_page(request, record, bound)


def _post(
    request: HttpRequest, record: PanelMeeting, bound: dict[str, forms.Form]
) -> HttpResponse | None:
    """Do what the form asks; on success a redirect, else None with the bound form kept."""
    user: Any = request.user
    intent = request.POST.get("intent", "")
    here = reverse("web:panel-meeting", args=[record.pk])
    try:
        if intent == "add":
            form: forms.Form = AddChildForm(request.POST, prefix="add")
            bound["add"] = form
            if form.is_valid():
                reference = form.cleaned_data["reference"].strip().upper()
                child = Child.objects.filter(reference=reference).first()
                if child is None:
                    form.add_error("reference", f"No child has the reference {reference}")
                    return None
                services.meeting_add_child(by=user, meeting=record, child=child)
                messages.success(request, f"{child.full_name} listed for this meeting")
                return redirect(here)
        elif intent == "remove":
            listing = _listing(record, request.POST.get("listing"))
            services.meeting_remove_child(by=user, meeting=record, child=listing.child)
            messages.success(request, f"{listing.child.full_name} taken off this meeting’s list")
            return redirect(here)
        elif intent == "decision":
            listing = _listing(record, request.POST.get("listing"))
            form = DecisionForm(request.POST, prefix=f"decision-{listing.pk}")
            bound[f"decision-{listing.pk}"] = form
            if form.is_valid():
                services.decision_record(by=user, listing=listing, text=form.cleaned_data["text"])
                messages.success(request, f"Decision recorded for {listing.child.full_name}")
                return redirect(f"{here}#child-{listing.pk}")
        elif intent == "action":
            listing = _listing(record, request.POST.get("listing"))
            form = ActionForm(request.POST, prefix=f"action-{listing.pk}")
            bound[f"action-{listing.pk}"] = form
            if form.is_valid():
                services.action_add(by=user, listing=listing, **form.cleaned_data)
                messages.success(request, f"Action added for {listing.child.full_name}")
                return redirect(f"{here}#child-{listing.pk}")
        elif intent == "status":
            form = StatusForm(request.POST, prefix="status")
            bound["status"] = form
            if form.is_valid():
                services.meeting_set_status(
                    by=user, meeting=record, status=form.cleaned_data["status"]
                )
                messages.success(request, "Meeting status saved")
                return redirect(here)
        else:
            bound["status"] = form = StatusForm(request.POST, prefix="status")
            form.add_error(None, "The form sent was not recognised: try again")
    except ValidationError as error:
        target = next(iter(bound.values()), None)
        if target is None:  # a refusal of a form without fields (taking a child off)
            target = bound["remove"] = forms.Form(data={}, prefix="remove")
        apply_service_errors(target, error)
    return None


def _pack_page(
    request: HttpRequest, record: PanelMeeting, bound: dict[str, forms.Form]
) -> HttpResponse:
    user: Any = request.user
    pack = selectors.meeting_pack(user=user, meeting_id=record.pk, request=request)
    listed = set(pack.child_ids)
    candidates = [
        e
        for e in selectors.panel_list(user=user, as_of=record.date, request=request)
        if e.child.pk not in listed
    ]
    for entry in pack.children:
        key = entry.listing.pk
        entry.decision_form = bound.get(f"decision-{key}") or DecisionForm(  # type: ignore[attr-defined]
            prefix=f"decision-{key}"
        )
        entry.action_form = bound.get(f"action-{key}") or ActionForm(  # type: ignore[attr-defined]
            prefix=f"action-{key}"
        )
    errors = [form for form in bound.values() if form.errors]
    return render(
        request,
        "web/panel/pack.html",
        {
            "pack": pack,
            "meeting": record,
            "today": timezone.localdate(),
            "candidates": candidates,
            "add_form": bound.get("add") or AddChildForm(prefix="add"),
            "status_form": bound.get("status")
            or StatusForm(prefix="status", initial={"status": record.status}),
            "error_forms": errors,
            "can_manage": permissions.can_manage_panel(user),
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """GET: the reason form. POST: the pack as a PDF, logged as an export of each child."""
    _require_view(request)
    record = _meeting(meeting_id)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user: Any = request.user
        pack = selectors.meeting_pack(
            user=user, meeting_id=record.pk, log=False, degrade=form.cleaned_data["degrade"]
        )
        html = render_to_string(
            "web/panel/pack_print.html", {"pack": pack, "meeting": record}, request=request
        )
        data = self_contained_pdf(html)
        selectors.log_pack_export(
            user=user,
            pack=pack,
            reason=form.cleaned_data["reason"],
            request=request,
            degrade=form.cleaned_data["degrade"],
        )
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="panel-pack-{record.date.isoformat()}-{record.pk}.pdf"'
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(
        request,
        "web/cases/form.html",
        {
            "form": form,
            "caption": str(record),
            "title": "Download the pack as a PDF",
            "intro": "The PDF holds every child’s episodes, what they disclosed and the "
            "places and adults that link them. Keep it as securely as the records.",
            "button": "Download the PDF",
            "back": reverse("web:panel-meeting", args=[record.pk]),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_done(request: HttpRequest, action_id: int) -> HttpResponse:
    _require_manage(request)
    try:
        action = PanelAction.objects.select_related("listing__child", "listing__meeting").get(
            pk=action_id
        )
    except PanelAction.DoesNotExist:
        raise Http404("No such action") from None
    access_record_children(
        user=request.user,  # type: ignore[arg-type]
        action=AccessEvent.Action.VIEW,
        what=f"panel action {action.pk}",
        child_ids=[action.listing.child_id],
        request=request,
    )
    back = reverse("web:panel-meeting", args=[action.listing.meeting_id])
    form = DoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_complete(
                by=request.user,  # type: ignore[arg-type]
                action=action,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Action marked done")
            return redirect(back)
    child = action.listing.child
    due = day_text(action.due_on)
    return render(
        request,
        "web/cases/form.html",
        {
            "form": form,
            "caption": f"{child.full_name}: {action.listing.meeting}",
            "title": "Mark the action done",
            "intro": f"{action.text} ({action.owner}, due {due})"
            + (" – already done." if action.done_at else ""),
            "button": "Mark done",
            "back": back,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# --- the triggers --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def triggers(request: HttpRequest) -> HttpResponse:
    """Every trigger's parameters and whether it is used (one form: all saved or none), and
    a new trigger."""
    _require_manage(request)
    user: Any = request.user
    records = list(PanelTrigger.objects.all())
    data = request.POST if request.method == "POST" else None
    intent = request.POST.get("intent") if data is not None else None
    forms_ = [(t, _trigger_form(t, data if intent == "save" else None)) for t in records]
    new = NewTriggerForm(data if intent == "add" else None, prefix="new")
    if intent == "save":
        if all(form.is_valid() for _t, form in forms_):
            changes = []
            for trigger, form in forms_:
                values = dict(form.cleaned_data)
                active, label = values.pop("active"), values.pop("label")
                changes.append((trigger, values, active, label))
            try:
                services.triggers_save(by=user, changes=changes)
            except ValidationError as error:
                apply_service_errors(forms_[0][1], error)
            else:
                messages.success(request, "Triggers saved")
                return redirect("web:panel-triggers")
    elif intent == "add" and new.is_valid():
        try:
            services.trigger_add(by=user, **new.cleaned_data)
        except ValidationError as error:
            apply_service_errors(new, error)
        else:
            messages.success(request, "Trigger added: set its parameters below")
            return redirect("web:panel-triggers")
    bound = [form for _t, form in forms_ if form.is_bound] + ([new] if new.is_bound else [])
    return render(
        request,
        "web/panel/triggers.html",
        {
            "triggers": [{"trigger": t, "form": form, "kind": KINDS[t.kind]} for t, form in forms_],
            "new": new,
            "bound": bound,
            "has_errors": any(form.errors for form in bound),
        },
        status=400 if any(form.errors for form in bound) else 200,
    )
