"""Writes for the multi-agency panel: meetings, who is listed for them, the panel's
decisions and actions, and the triggers.

Each service checks `accounts.permissions.can_manage_panel`, runs in a transaction, and
refuses bad input with a `ValidationError` naming the field. Sending the same thing twice
never records it twice: a meeting is one per date and title, a child once per meeting, and
a decision or action identical to one already on the listing is that one.

A pack's PDF is made by the background worker (`tasks.make_pack_pdf`, run by `manage.py
db_worker`): `pack_pdf_request` queues it, `pack_pdf_make` makes it, and it is removed
`PDF_KEPT` after it was made.
"""

from __future__ import annotations

import base64
import logging
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from homeward.accounts import permissions
from homeward.cases import codes
from homeward.cases.models import Child
from homeward.organisations.models import Authority
from homeward.panel import selectors
from homeward.panel.models import (
    PanelAction,
    PanelDecision,
    PanelListing,
    PanelMeeting,
    PanelPackPdf,
    PanelSettings,
    PanelTrigger,
)
from homeward.panelrules.triggers import TriggerError, check_parameters

if TYPE_CHECKING:
    from homeward.accounts.models import User

TEXT_LIMIT = 5000
REASON_LIMIT = 1000
#: How long a made PDF is kept for the person who asked for it to download.
PDF_KEPT = timedelta(hours=1)
#: A PDF still not made this long after it was asked for is given up (the worker is down).
PDF_GIVEN_UP = timedelta(days=1)

log = logging.getLogger(__name__)


def _require(by: User) -> None:
    if not permissions.can_manage_panel(by):
        raise PermissionDenied("managing the multi-agency panel")


def _text(value: str, field: str, missing: str, limit: int = TEXT_LIMIT) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: missing})
    if len(text) > limit:
        raise ValidationError({field: f"Use {limit} characters or fewer"})
    return text


@transaction.atomic
def meeting_create(*, by: User, date: date, title: str) -> PanelMeeting:
    """A panel meeting on a day; the same date and title again is the same meeting."""
    _require(by)
    title = _text(title, "title", "Give the meeting a title", 200)
    meeting, _created = PanelMeeting.objects.get_or_create(
        date=date, title=title, defaults={"created_by": by}
    )
    return meeting


@transaction.atomic
def meeting_set_status(*, by: User, meeting: PanelMeeting, status: str) -> PanelMeeting:
    _require(by)
    if status not in PanelMeeting.Status.values:
        raise ValidationError({"status": "Choose planned or held"})
    meeting.status = status
    meeting.save(update_fields=["status"])
    return meeting


@transaction.atomic
def meeting_add_child(
    *, by: User, meeting: PanelMeeting, child: Child, reasons: list[str] | None = None
) -> PanelListing:
    """List a child for the meeting with the reasons the triggers give as of the meeting's
    date (or those given, for a child the panel asked for); once only."""
    _require(by)
    if reasons is None:
        found = selectors.reasons_for([child.pk], meeting.date)[child.pk]
        reasons = [r.text for r in found] or ["Listed by the panel"]
    existing = PanelListing.objects.filter(meeting=meeting, child=child).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return PanelListing.objects.create(
                meeting=meeting, child=child, reasons=list(reasons), added_by=by
            )
    except IntegrityError:  # listed at the same moment by someone else
        return PanelListing.objects.get(meeting=meeting, child=child)


@transaction.atomic
def meeting_remove_child(*, by: User, meeting: PanelMeeting, child: Child) -> bool:
    """Take a child off the meeting's list: refused once a decision or action is recorded
    for them (they are part of the meeting's record then). False if not listed."""
    _require(by)
    listing = PanelListing.objects.filter(meeting=meeting, child=child).first()
    if listing is None:
        return False
    if listing.decisions.exists() or listing.actions.exists():
        raise ValidationError(
            {"child": "Decisions or actions are recorded for this child: they stay listed"}
        )
    listing.delete()
    return True


@transaction.atomic
def decision_record(*, by: User, listing: PanelListing, text: str) -> PanelDecision:
    """What the panel decided about the child; the same words again are the same decision."""
    _require(by)
    text = _text(text, "text", "Enter the decision")
    for decision in listing.decisions.all():  # encrypted: compared here, not in SQL
        if decision.text == text:
            return decision
    return PanelDecision.objects.create(
        listing=listing, text=text, decided_at=timezone.now(), recorded_by=by
    )


@transaction.atomic
def action_add(
    *, by: User, listing: PanelListing, text: str, owner: str, due_on: date
) -> PanelAction:
    """Who is to do what by when; the same action, owner and day again are the same action."""
    _require(by)
    errors: dict[str, str] = {}
    try:
        text = _text(text, "text", "Enter the action")
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    try:
        owner = _text(owner, "owner", "Enter who is to do it", 200)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    for action in listing.actions.filter(owner=owner, due_on=due_on):
        if action.text == text:
            return action
    return PanelAction.objects.create(
        listing=listing, text=text, owner=owner, due_on=due_on, created_by=by
    )


@transaction.atomic
def action_complete(*, by: User, action: PanelAction, note: str = "") -> PanelAction:
    """Mark an action done, with a note of what was done; done already: left as it was."""
    _require(by)
    action = PanelAction.objects.select_for_update().get(pk=action.pk)
    if action.done_at is not None:
        return action
    note = (note or "").strip()
    if len(note) > TEXT_LIMIT:
        raise ValidationError({"note": f"Use {TEXT_LIMIT} characters or fewer"})
    action.done_at = timezone.now()
    action.done_note = note
    action.done_by = by
    action.save(update_fields=["done_at", "done_note", "done_by"])
    return action


def _checked(kind: str, parameters: dict[str, Any]) -> dict[str, Any]:
    try:
        checked = check_parameters(kind, parameters)
    except TriggerError as error:
        raise ValidationError({error.field: error.message}) from None
    if "harm" in checked and checked["harm"] not in codes.Harm.values:
        raise ValidationError({"harm": f"No harm {checked['harm']!r}: choose one from the list"})
    return checked


@transaction.atomic
def trigger_update(
    *,
    by: User,
    trigger: PanelTrigger,
    parameters: dict[str, Any],
    active: bool,
    label: str | None = None,
) -> PanelTrigger:
    _require(by)
    trigger.parameters = _checked(trigger.kind, parameters)
    trigger.active = active
    if label is not None:
        trigger.label = _text(label, "label", "Give the trigger a label", 200)
    trigger.save()
    return trigger


@transaction.atomic
def trigger_add(
    *, by: User, kind: str, label: str, parameters: dict[str, Any] | None = None
) -> PanelTrigger:
    """A new trigger, its parameters defaulted where not given; one per kind and parameters."""
    _require(by)
    checked = _checked(kind, parameters or {})
    label = _text(label, "label", "Give the trigger a label", 200)
    for trigger in PanelTrigger.objects.filter(kind=kind):
        if trigger.parameters == checked:
            return trigger
    return PanelTrigger.objects.create(kind=kind, parameters=checked, label=label)


@transaction.atomic
def triggers_save(
    *, by: User, changes: list[tuple[PanelTrigger, dict[str, Any], bool, str]]
) -> None:
    """Several triggers' (parameters, active, label) at once: all saved, or none."""
    for trigger, parameters, active, label in changes:
        trigger_update(by=by, trigger=trigger, parameters=parameters, active=active, label=label)


@transaction.atomic
def settings_set_care_leavers(*, by: User, care_leavers: bool) -> PanelSettings:
    """Whether the home authority's panel list holds care leavers aged 18 to 25 as well as
    children under 18 (`panelrules.eligibility`)."""
    _require(by)
    home = Authority.objects.filter(is_home=True).first()
    if home is None:
        raise ValidationError({"care_leavers": "Set up the home authority first"})
    found, _created = PanelSettings.objects.get_or_create(authority=home)
    found.care_leavers = bool(care_leavers)
    found.updated_by = by
    found.save()
    return found


# --- the pack as a PDF ---------------------------------------------------------------------


def pack_pdfs_remove_old(*, now: Any = None) -> int:
    """Remove the files of PDFs made more than `PDF_KEPT` ago, and give up those not made a
    day after they were asked for: how many were changed."""
    now = now or timezone.now()
    Status = PanelPackPdf.Status
    removed = PanelPackPdf.objects.filter(status=Status.READY, made_at__lt=now - PDF_KEPT).update(
        status=Status.REMOVED, data="", size=0
    )
    stale = PanelPackPdf.objects.filter(
        status__in=[Status.QUEUED, Status.MAKING], requested_at__lt=now - PDF_GIVEN_UP
    ).update(status=Status.FAILED)
    return removed + stale


@transaction.atomic
def pack_pdf_request(
    *, by: User, meeting: PanelMeeting, reason: str, degrade: bool = False
) -> PanelPackPdf:
    """Ask for the meeting's pack as a PDF, with why it is needed; the worker makes it. The
    same request again while the first is waiting or being made is that one."""
    from homeward.panel import tasks

    _require(by)
    reason = _text(reason, "reason", "Enter why you need this PDF", REASON_LIMIT)
    pack_pdfs_remove_old()
    waiting = PanelPackPdf.objects.filter(
        meeting=meeting,
        requested_by=by,
        degrade=degrade,
        reason=reason,
        status__in=[PanelPackPdf.Status.QUEUED, PanelPackPdf.Status.MAKING],
    ).first()
    if waiting is not None:
        return waiting
    record = PanelPackPdf.objects.create(
        meeting=meeting, requested_by=by, reason=reason, degrade=degrade
    )
    tasks.make_pack_pdf.enqueue(pdf_id=record.pk)
    return record


def render_pack(pack: selectors.Pack) -> str:
    """The pack as a self-contained HTML page for the PDF (its style inline; no file or URL
    is fetched)."""
    from django.template.loader import render_to_string

    return render_to_string(
        "web/panel/pack_print.html",
        {
            "pack": pack,
            "meeting": pack.meeting,
            "printed_at": timezone.now(),
            "today": timezone.localdate(),
        },
    )


def pack_pdf_make(*, pdf_id: int) -> PanelPackPdf:
    """Make a PDF asked for (the worker's task): the pack as it is now, as its asker may see
    it. Once only: a PDF not waiting to be made is left as it is."""
    from homeward.formats.pdf import self_contained_pdf

    Status = PanelPackPdf.Status
    with transaction.atomic():
        record = PanelPackPdf.objects.select_for_update().defer("data").get(pk=pdf_id)
        if record.status != Status.QUEUED:
            return record
        record.status, record.started_at = Status.MAKING, timezone.now()
        record.save(update_fields=["status", "started_at"])
    try:
        pack = selectors.meeting_pack(
            user=record.requested_by,
            meeting_id=record.meeting_id,
            log=False,
            degrade=record.degrade,
        )
        data = self_contained_pdf(render_pack(pack))
    except Exception:
        log.exception("panel pack PDF %s could not be made", pdf_id)
        PanelPackPdf.objects.filter(pk=pdf_id).update(status=Status.FAILED)
        raise
    record.data = base64.b64encode(data).decode("ascii")
    record.size = len(data)
    record.child_ids = pack.child_ids
    record.status, record.made_at = Status.READY, timezone.now()
    record.save(update_fields=["data", "size", "child_ids", "status", "made_at"])
    return record
