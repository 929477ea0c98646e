"""The multi-agency panel's pages: the panel list as of today with the reasons, the
meetings, a meeting's summary, each child's part of its pack (with the panel's decisions and
actions for them), what links the children (a drawing and a table), the pack as a PDF (made
by the background worker), marking an action done, and the triggers and who the list holds.

Views are thin: permission through `accounts.permissions.can_view_panel` and
`can_manage_panel`, reads through `homeward.panel.selectors` (which log every child shown),
writes through `homeward.panel.services`. The PDF is asked for with a reason and made in the
background; each download is logged as an export of each child in it.

A decision or action is an ordinary form POST that comes back to the child's page (without
JavaScript); `static/homeward/panel.mjs` sends the same form with fetch and a
`X-Homeward-Fragment: panel-record` header, and gets back only the part of the page it
replaces (`_record.html`).
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
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from homeward.accounts import permissions
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record_children
from homeward.cases import codes
from homeward.cases.models import Child
from homeward.formats.dates import day_text
from homeward.panel import selectors, services
from homeward.panel.models import (
    PanelAction,
    PanelListing,
    PanelMeeting,
    PanelPackPdf,
    PanelTrigger,
)
from homeward.panelrules.triggers import KINDS
from homeward.web.forms import GovukForm, apply_service_errors, day_field, reason_field

#: The header panel.mjs sends: answer with the record's part of the page only.
FRAGMENT_HEADER = "X-Homeward-Fragment"
FRAGMENT = "panel-record"

# --- forms ---------------------------------------------------------------------------------


class MeetingForm(GovukForm):
    date = day_field(
        "Meeting", required=True, messages={"required": "Enter the date of the meeting"}
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, Exploitation and missing panel, December",
        error_messages={
            "required": "Enter a title for the meeting",
            "max_length": "Enter a title for the meeting of 200 characters or fewer",
        },
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
        error_messages={
            "required": "Enter the child’s reference",
            "max_length": "Enter a reference of 20 characters or fewer, e.g. C-000123",
        },
    )


class DecisionForm(GovukForm):
    text = forms.CharField(
        label="Decision",
        max_length=services.TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the decision",
            "max_length": f"Enter the decision in {services.TEXT_LIMIT:,} characters or fewer",
        },
    )


class ActionForm(GovukForm):
    text = forms.CharField(
        label="Action",
        max_length=services.TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Enter the action",
            "max_length": f"Enter the action in {services.TEXT_LIMIT:,} characters or fewer",
        },
    )
    owner = forms.CharField(
        label="Who is to do it",
        max_length=200,
        help_text="A person or an agency",
        error_messages={
            "required": "Enter who is to do it",
            "max_length": "Enter who is to do it in 200 characters or fewer",
        },
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
        "audit log for each child in the pack, each time it is downloaded.",
    )


class DoneForm(GovukForm):
    note = forms.CharField(
        label="What was done (optional)",
        required=False,
        max_length=services.TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"Say what was done in {services.TEXT_LIMIT:,} characters or fewer"
        },
    )


class CareLeaversForm(forms.Form):
    care_leavers = forms.ChoiceField(
        label="Who the panel list holds",
        choices=[
            ("no", "Children under 18 only"),
            ("yes", "Children under 18, and care leavers aged 18 to 25"),
        ],
        widget=forms.RadioSelect,
        help_text="A care leaver here is someone looked after at 16 or over who is now 18 to "
        "25: recorded as a care leaver, or still recorded as looked after since before they "
        "turned 18.",
        error_messages={
            "required": "Choose who the panel list holds",
            "invalid_choice": "Choose who the panel list holds",
        },
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


# --- a meeting: its summary --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The meeting's summary (GET): the children listed, each linked to their part of the
    pack; listing another child and the meeting's status (POST, `intent` says which)."""
    _require_view(request)
    record = _meeting(meeting_id)
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        _require_manage(request)
        done = _post_meeting(request, record, bound)
        if done is not None:
            return done
    user: Any = request.user
    rows = selectors.meeting_summary(user=user, meeting_id=record.pk, request=request)
    can_manage = permissions.can_manage_panel(user)
    candidates = (
        selectors.meeting_candidates(user=user, meeting=record, request=request)
        if can_manage
        else []
    )
    errors = [form for form in bound.values() if form.errors]
    return render(
        request,
        "web/panel/meeting.html",
        {
            "meeting": record,
            "rows": rows,
            "candidates": candidates,
            "pdfs": selectors.pack_pdfs(user=user, meeting=record),
            "add_form": bound.get("add") or AddChildForm(prefix="add"),
            "status_form": bound.get("status")
            or StatusForm(prefix="status", initial={"status": record.status}),
            "error_forms": errors,
            "can_manage": can_manage,
        },
        status=400 if errors else 200,
    )


def _post_meeting(
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
                listing = services.meeting_add_child(by=user, meeting=record, child=child)
                messages.success(request, f"{child.full_name} listed for this meeting")
                return redirect(reverse("web:panel-meeting-child", args=[listing.pk]))
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
        apply_service_errors(next(iter(bound.values())), error)
    return None


# --- a meeting: one child's part of the pack -----------------------------------------------


def _child_listing(listing_id: int) -> PanelListing:
    try:
        return PanelListing.objects.select_related("child", "meeting").get(pk=listing_id)
    except PanelListing.DoesNotExist:
        raise Http404("No such child on a meeting's list") from None


def _wants_fragment(request: HttpRequest) -> bool:
    return request.headers.get(FRAGMENT_HEADER) == FRAGMENT


@login_required
@require_http_methods(["GET", "POST"])
def meeting_child(request: HttpRequest, listing_id: int) -> HttpResponse:
    """A child's part of a meeting's pack (GET), and the panel's decision, action or taking
    the child off the list (POST, `intent` says which). A decision or action comes back to
    this page at the child's record; with the fragment header, only that part is sent."""
    _require_view(request)
    listing = _child_listing(listing_id)
    bound: dict[str, forms.Form] = {}
    notice = ""
    if request.method == "POST":
        _require_manage(request)
        done, notice = _post_child(request, listing, bound)
        if done is not None:
            return done
    user: Any = request.user
    page = selectors.meeting_child(user=user, listing_id=listing.pk, request=request)
    key = listing.pk
    errors = [form for form in bound.values() if form.errors]
    # A form that was sent and refused comes back as sent; otherwise an empty one.
    kept = {name: form for name, form in bound.items() if form.errors}
    context = {
        "page": page,
        "entry": page.entry,
        "meeting": page.meeting,
        "decision_form": kept.get("decision") or DecisionForm(prefix=f"decision-{key}"),
        "action_form": kept.get("action") or ActionForm(prefix=f"action-{key}"),
        "error_forms": errors,
        "notice": notice,
        "today": timezone.localdate(),
        "can_manage": permissions.can_manage_panel(user),
    }
    status = 400 if errors else 200
    if _wants_fragment(request):
        return render(
            request, "web/panel/_record.html", {**context, "fragment": True}, status=status
        )
    return render(request, "web/panel/child.html", context, status=status)


def _post_child(
    request: HttpRequest, listing: PanelListing, bound: dict[str, forms.Form]
) -> tuple[HttpResponse | None, str]:
    """Do what the form asks: a redirect (or, for the fragment, None and what was done),
    else None with the bound form kept."""
    user: Any = request.user
    intent = request.POST.get("intent", "")
    here = reverse("web:panel-meeting-child", args=[listing.pk])
    fragment = _wants_fragment(request)
    name = listing.child.full_name
    try:
        if intent == "decision":
            form: forms.Form = DecisionForm(request.POST, prefix=f"decision-{listing.pk}")
            bound["decision"] = form
            if form.is_valid():
                services.decision_record(by=user, listing=listing, text=form.cleaned_data["text"])
                if fragment:
                    return None, f"Decision recorded for {name}"
                messages.success(request, f"Decision recorded for {name}")
                return redirect(f"{here}#panel-record"), ""
        elif intent == "action":
            form = ActionForm(request.POST, prefix=f"action-{listing.pk}")
            bound["action"] = form
            if form.is_valid():
                services.action_add(by=user, listing=listing, **form.cleaned_data)
                if fragment:
                    return None, f"Action added for {name}"
                messages.success(request, f"Action added for {name}")
                return redirect(f"{here}#panel-record"), ""
        elif intent == "remove":
            bound["remove"] = forms.Form(data={}, prefix="remove")
            services.meeting_remove_child(by=user, meeting=listing.meeting, child=listing.child)
            messages.success(request, f"{name} taken off this meeting’s list")
            return redirect("web:panel-meeting", listing.meeting_id), ""
        else:
            bound["decision"] = form = DecisionForm(request.POST, prefix=f"decision-{listing.pk}")
            form.add_error(None, "The form sent was not recognised: try again")
    except ValidationError as error:
        apply_service_errors(next(iter(bound.values())), error)
    return None, ""


# --- a meeting: what links its children ----------------------------------------------------


@login_required
@require_GET
def meeting_links(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The places and adults that link the meeting's children: each once, drawn (labels
    whole) and as a table."""
    _require_view(request)
    record = _meeting(meeting_id)
    links = selectors.meeting_links(user=request.user, meeting_id=record.pk, request=request)  # type: ignore[arg-type]
    return render(request, "web/panel/links.html", {"meeting": record, "links": links})


# --- a meeting: the pack as a PDF ----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """GET: the reason form. POST: the PDF asked for; the background worker makes it, and
    its page says so until it can be downloaded."""
    _require_manage(request)
    record = _meeting(meeting_id)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            pdf = services.pack_pdf_request(
                by=request.user,  # type: ignore[arg-type]
                meeting=record,
                reason=form.cleaned_data["reason"],
                degrade=form.cleaned_data["degrade"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect("web:panel-pdf", pdf.pk)
    return render(
        request,
        "web/cases/form.html",
        {
            "form": form,
            "caption": str(record),
            "title": "Download the pack as a PDF",
            "intro": "The PDF holds every child’s episodes, what they disclosed and the "
            "places and adults that link them. It is made in the background (a few seconds "
            "for a big meeting) and kept for you to download for an hour. Keep it as "
            "securely as the records.",
            "button": "Make the PDF",
            "back": reverse("web:panel-meeting", args=[record.pk]),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _pdf(request: HttpRequest, pdf_id: int) -> PanelPackPdf:
    try:
        return selectors.pack_pdf(user=request.user, pdf_id=pdf_id)  # type: ignore[arg-type]
    except PanelPackPdf.DoesNotExist:
        raise Http404("No such PDF") from None


@login_required
@require_GET
def pdf(request: HttpRequest, pdf_id: int) -> HttpResponse:
    """A PDF asked for: being made (with a link to look again), ready to download, or why
    it is not there."""
    _require_manage(request)
    services.pack_pdfs_remove_old()
    record = _pdf(request, pdf_id)
    return render(
        request,
        "web/panel/pdf.html",
        {
            "pdf": record,
            "meeting": record.meeting,
            "kept_until": record.made_at + services.PDF_KEPT if record.made_at else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pdf_download(request: HttpRequest, pdf_id: int) -> HttpResponse:
    """The PDF's file (a POST from its page), logged as an export of each child in it with
    the reason given when it was asked for."""
    _require_manage(request)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    record = _pdf(request, pdf_id)
    try:
        record, data = selectors.pack_pdf_file(
            user=request.user,  # type: ignore[arg-type]
            pdf_id=record.pk,
            request=request,
        )
    except PanelPackPdf.DoesNotExist:
        return redirect("web:panel-pdf", pdf_id)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="panel-pack-{record.meeting.date.isoformat()}-'
        f'{record.meeting_id}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


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
    back = reverse("web:panel-meeting-child", args=[action.listing_id])
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
    """Every trigger's parameters and whether it is used (one form: all saved or none), a
    new trigger, and whether the list holds care leavers."""
    _require_manage(request)
    user: Any = request.user
    records = list(PanelTrigger.objects.all())
    data = request.POST if request.method == "POST" else None
    intent = request.POST.get("intent") if data is not None else None
    forms_ = [(t, _trigger_form(t, data if intent == "save" else None)) for t in records]
    new = NewTriggerForm(data if intent == "add" else None, prefix="new")
    leavers = CareLeaversForm(
        data if intent == "care_leavers" else None,
        prefix="leavers",
        initial={"care_leavers": "yes" if selectors.care_leavers_listed() else "no"},
    )
    if intent == "care_leavers" and leavers.is_valid():
        try:
            services.settings_set_care_leavers(
                by=user, care_leavers=leavers.cleaned_data["care_leavers"] == "yes"
            )
        except ValidationError as error:
            apply_service_errors(leavers, error)
        else:
            messages.success(request, "Who the panel list holds saved")
            return redirect("web:panel-triggers")
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
    bound = [form for _t, form in forms_ if form.is_bound]
    bound += [form for form in (new, leavers) if form.is_bound]
    return render(
        request,
        "web/panel/triggers.html",
        {
            "triggers": [{"trigger": t, "form": form, "kind": KINDS[t.kind]} for t, form in forms_],
            "new": new,
            "leavers": leavers,
            "bound": bound,
            "has_errors": any(form.errors for form in bound),
        },
        status=400 if any(form.errors for form in bound) else 200,
    )
