"""Other authorities' instances (docs/exchange.md): the partners, their keys and how
messages to and from them fare; an administrator adds, re-keys and removes partners and
sends a test message. No child is named on these pages."""

from __future__ import annotations

import base64
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from homeward.accounts import permissions
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record, access_record_children
from homeward.cases.models import Child
from homeward.exchange import notices as partner_notices
from homeward.exchange import selectors, services
from homeward.exchange.models import HomeMovement, InterviewArrangement, Partner, PartnerNotice
from homeward.formats import exchange as fmt
from homeward.formats import philomena
from homeward.web import exchange_forms as f
from homeward.web.forms import apply_service_errors
from homeward.web.templatetags.casework import uk_day, uk_time
from homeward.web.views import childrens_home as childrens_home_views


def _may_view(request: HttpRequest) -> None:
    if not permissions.can_view_exchange(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("the exchange with other authorities")


def _may_manage(request: HttpRequest) -> None:
    if not permissions.can_manage_exchange(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("changing the exchange with other authorities")


def _partner(code: str) -> Partner:
    partner = selectors.partner(code)
    if partner is None:
        raise Http404("No such partner")
    return partner


@login_required
@require_GET
def partners(request: HttpRequest) -> HttpResponse:
    _may_view(request)
    return render(
        request,
        "web/exchange/partners.html",
        {
            "rows": selectors.partners(),
            "late": list(selectors.not_delivered()[:100]),
            "own_keys": selectors.own_keys(),
            "keys_url": request.build_absolute_uri(services.KEYS_PATH),
            "code": services.own_code(),
            "can_manage": permissions.can_manage_exchange(request.user),  # type: ignore[arg-type]
        },
    )


@login_required
@require_GET
def partner(request: HttpRequest, code: str) -> HttpResponse:
    _may_view(request)
    one = _partner(code)
    return render(
        request,
        "web/exchange/partner.html",
        {
            "partner": one,
            "keys": selectors.keys_of(one),
            "sent": selectors.outbox_of(one),
            "received": selectors.inbox_of(one),
            "can_manage": permissions.can_manage_exchange(request.user),  # type: ignore[arg-type]
        },
    )


def _thumbprints(keys: dict[str, list[Any]]) -> list[tuple[str, str]]:
    names = {"sig": "Signing key", "enc": "Encryption key"}
    return [(names[use], fmt.thumbprint(key)) for use, listed in keys.items() for key in listed]


@login_required
@require_http_methods(["GET", "POST"])
def partner_add(request: HttpRequest) -> HttpResponse:
    """Add a partner: its details, then a check page with its keys' thumbprints, which the
    administrator reads to the partner's administrator before confirming."""
    _may_manage(request)
    step = request.POST.get("step", "")
    form = f.PartnerForm(request.POST if step in ("check", "confirm", "change") else None)
    if step == "change":  # back from the check page, the answers as they were typed
        return render(request, "web/exchange/partner_add.html", {"form": form})
    confirm = f.ConfirmForm(request.POST if step == "confirm" else None)
    checked: dict[str, Any] | None = None
    if form.is_bound and form.is_valid():
        try:
            checked = services.partner_check(
                code=form.cleaned_data["code"],
                url=form.cleaned_data["url"],
                jwks=form.cleaned_data["keys"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
    if checked is not None and step == "confirm" and confirm.is_valid():
        try:
            with transaction.atomic():
                added = services.partner_add(
                    code=checked["code"], url=checked["url"], jwks=form.cleaned_data["keys"]
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{added.name} is a partner: send it a test message")
            return redirect("web:exchange-partner", code=added.code)
    if checked is not None and form.is_valid():
        return render(
            request,
            "web/exchange/partner_check.html",
            {
                "form": form,
                "confirm": confirm,
                "checked": checked,
                "thumbprints": _thumbprints(checked["keys"]),
                "carried": [(name, form.data.get(name, "")) for name in ("code", "url", "keys")],
            },
            status=400 if confirm.is_bound and confirm.errors else 200,
        )
    return render(
        request,
        "web/exchange/partner_add.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def partner_test(request: HttpRequest, code: str) -> HttpResponse:
    """Send the partner a test message, and say at once whether it was delivered."""
    _may_manage(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    one = _partner(code)
    try:
        with transaction.atomic():
            message = services.message_send(
                partner_code=one.code,
                kind="exchange.test",
                payload={"note": f"A test from {request.user.get_full_name()}"[:500]},  # type: ignore[union-attr]
                reason="a test of the link between the two instances",
                by=request.user,  # type: ignore[arg-type]
            )
    except ValidationError as error:
        messages.warning(request, "; ".join(error.messages))
        return redirect("web:exchange-partner", code=one.code)
    message = services.outbox_deliver(pk=message.pk)
    if message.state == "delivered":
        messages.success(request, f"The test message reached {one.name}, which signed a receipt")
    else:
        messages.warning(
            request,
            f"The test message has not reached {one.name}: {message.last_error}. "
            "It will be tried again.",
        )
    return redirect("web:exchange-partner", code=one.code)


@login_required
@require_http_methods(["GET", "POST"])
def partner_rotate(request: HttpRequest, code: str) -> HttpResponse:
    _may_manage(request)
    one = _partner(code)
    form = f.RotateForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            added = services.partner_rotate_key(
                code=one.code,
                jwks=form.cleaned_data["keys"],
                overlap=timedelta(days=form.cleaned_data["overlap_days"]),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{len(added)} new key{'s' if len(added) != 1 else ''} taken for {one.name}",
            )
            return redirect("web:exchange-partner", code=one.code)
    return render(
        request,
        "web/exchange/partner_rotate.html",
        {"partner": one, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_remove(request: HttpRequest, code: str) -> HttpResponse:
    _may_manage(request)
    one = _partner(code)
    if not one.active:
        return redirect("web:exchange-partner", code=one.code)
    form = f.RemoveForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        services.partner_remove(code=one.code)
        messages.success(request, f"{one.name} is no longer a partner")
        return redirect(reverse("web:exchange-partners"))
    waiting = one.outbox.filter(state="pending").count()
    return render(
        request,
        "web/exchange/partner_remove.html",
        {"partner": one, "form": form, "waiting": waiting},
        status=400 if form.is_bound and form.errors else 200,
    )


# --- notices from other authorities --------------------------------------------------------------


def _may_record_notices(request: HttpRequest) -> None:
    if not permissions.can_record_episode(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("notices from other authorities")


@login_required
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    """The notices partners sent about children placed across the boundary: those waiting
    for a person first, then the latest recorded."""
    _may_record_notices(request)
    waiting = list(selectors.notices_waiting())
    recorded = list(selectors.notices_recorded()[:50])
    children = [n.child_id for n in waiting + recorded if n.child_id is not None]
    if children:
        access_record_children(
            user=request.user,  # type: ignore[arg-type]
            action=AccessEvent.Action.VIEW,
            what="notices from other authorities",
            child_ids=children,
            request=request,
        )
    return render(request, "web/exchange/notices.html", {"waiting": waiting, "recorded": recorded})


def _choices(notice: PartnerNotice) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if notice.child is not None:
        rows.append(
            (
                str(notice.child.pk),
                f"{notice.child.full_name} ({notice.child.reference}): {notice.linked_by}",
            )
        )
    for suggestion in notice.suggestions:
        child = Child.objects.filter(pk=suggestion["child"]).first()
        if child is None or any(value == str(child.pk) for value, _ in rows):
            continue
        band = (
            "Likely the same child" if suggestion["band"] == "match" else "Possibly the same child"
        )
        reasons = "; ".join(text for _points, text in suggestion["reasons"])
        rows.append((str(child.pk), f"{child.full_name} ({child.reference}): {band}: {reasons}"))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    """One notice: what the partner said, and which child it is about."""
    _may_record_notices(request)
    one = selectors.notice(notice_id)
    if one is None:
        raise Http404("No such notice")
    payload = services.notice_payload(one)
    child_rows = _child_rows(payload)
    if one.kind == "placement.notice":
        second = ("The placement", _placement_rows(payload))
    elif one.kind == "home.notice":
        second = ("The children's home", _home_rows(payload))
    elif one.kind == "interview.request":
        second = ("The return interview they ask us to hold", _asked_rows(payload))
    else:
        second = ("The episode", _episode_rows(payload))
    choices = _choices(one)
    initial = {"child": choices[0][0]} if one.child is not None else None
    form = f.NoticeForm(
        request.POST if request.method == "POST" else None, choices=choices, initial=initial
    )
    access_record(
        user=request.user,  # type: ignore[arg-type]
        action=AccessEvent.Action.VIEW,
        what=f"notice {one.pk} from {one.partner.name}",
        child_id=one.child_id,
        request=request,
    )
    suggested = [
        int(value) for value, _ in choices if value.isdigit() and int(value) != one.child_id
    ]
    if suggested:  # their names and references are on the page
        access_record_children(
            user=request.user,  # type: ignore[arg-type]
            action=AccessEvent.Action.VIEW,
            what=f"suggested for notice {one.pk} from {one.partner.name}",
            child_ids=suggested,
            request=request,
        )
    if form.is_bound and form.is_valid() and one.state == PartnerNotice.State.WAITING:
        user = request.user
        try:
            with transaction.atomic():
                choice = form.cleaned_data["child"]
                if choice == "new":
                    child = partner_notices.notice_new_child(by=user, notice=one)  # type: ignore[arg-type]
                elif choice == "other":
                    child = _child_by_reference(form.cleaned_data["reference"])
                else:
                    child = Child.objects.get(pk=int(choice))
                partner_notices.notice_record(by=user, notice=one, child=child)  # type: ignore[arg-type]
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Recorded for {child.full_name} ({child.reference})")
            asked = InterviewArrangement.objects.filter(notice=one).first()
            if asked is not None:  # then answered
                return redirect("web:exchange-asked-one", asked.pk)
            return redirect("web:exchange-notices")
    profile = payload.get("profile") if one.kind == "placement.notice" else None
    return render(
        request,
        "web/exchange/notice.html",
        {
            "notice": one,
            "profile": profile,
            "profile_rows": _profile_rows(profile) if profile else [],
            "child_rows": child_rows,
            "second_title": second[0],
            "second_rows": second[1],
            "heading": partner_notices.HEADINGS.get((one.kind, one.event), "A notice"),
            "form": form,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_reopen(request: HttpRequest, notice_id: int) -> HttpResponse:
    """A notice recorded against the wrong child, put back to wait for a person."""
    _may_record_notices(request)
    one = selectors.notice(notice_id)
    if one is None or one.child is None:
        raise Http404("No such recorded notice")
    access_record(
        user=request.user,  # type: ignore[arg-type]
        action=AccessEvent.Action.VIEW,
        what=f"notice {one.pk} from {one.partner.name}, to correct",
        child_id=one.child_id,
        request=request,
    )
    form = f.NoticeReopenForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            partner_notices.notice_reopen(
                by=request.user,  # type: ignore[arg-type]
                notice=one,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The notice waits again: say which child it is about")
            return redirect("web:exchange-notice", one.pk)
    episode = one.episode
    return render(
        request,
        "web/cases/form.html",
        {
            "form": form,
            "title": "Recorded against the wrong child",
            "caption": f"A notice from {one.partner.name}",
            "intro": f"It was recorded for {one.child.full_name} ({one.child.reference})."
            + (
                f" It made episode {episode.reference}: mark that episode as entered in error "
                "first (from its page), then put the notice back."
                if episode is not None and episode.entered_in_error_at is None
                else ""
            )
            + " Put back, it waits for a person to say which child it is about; the record "
            "of this correction is kept.",
            "back": reverse("web:exchange-notice", args=[one.pk]),
            "button": "Put the notice back",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


SEXES = {"female": "Female", "male": "Male", "unknown": "Not known"}
GRADES = {
    "very_low": "Very low",
    "low": "Low",
    "medium": "Medium",
    "high": "High",
    "no_apparent_risk": "No apparent risk",
    "absent": "Absent",
}


def _moment(text: str | None) -> str:
    return uk_time(datetime.fromisoformat(text)) if text else "Not given"


def _child_rows(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """What the partner said of the child, as (label, words) rows."""
    about = payload["child"]
    born = about.get("date_of_birth")
    return [
        ("Name", f"{about['given_names']} {about['family_name']}"),
        ("Date of birth", uk_day(date.fromisoformat(born)) if born else "Not given"),
        ("Sex", SEXES.get(about.get("sex", "unknown"), "Not known")),
        ("NHS number", about.get("nhs_number", "Not given")),
        ("Postcode", about.get("postcode", "Not given")),
        ("Their reference", about["reference"]),
        ("Responsible authority", payload["responsible_authority"]),
        ("Host authority", payload["host_authority"]),
    ]


def _episode_rows(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """What the partner said of the episode."""
    episode = payload["episode"]
    return [
        ("Their reference", episode["reference"]),
        ("What", "Missing" if episode["category"] == "missing" else "Absent"),
        ("Missing from", "Care" if episode["missing_from"] == "care" else "Home"),
        ("Went missing", _moment(episode["started_at"])),
        ("Reported to the police", _moment(episode.get("reported_to_police_at"))),
        ("Returned or found", _moment(episode.get("returned_at"))),
        ("Police risk grade", GRADES.get(episode.get("risk_grade", ""), "Not given")),
        ("Police force", episode.get("police_force", "Not given")),
        ("Police reference", episode.get("police_reference", "Not given")),
        ("Officer", episode.get("police_officer", "Not given")),
        ("Last seen", episode.get("last_seen_where", "Not given")),
        ("Found", episode.get("found_where", "Not given")),
        ("Circumstances", episode.get("circumstances", "Not given")),
    ]


def _profile_rows(profile: dict[str, Any]) -> list[tuple[str, str]]:
    """The profile a placement notice carried, as (question, answer) rows."""
    answers = profile.get("answers", {})
    return [(q.label, answers.get(q.name, "Not given")) for q in philomena.QUESTIONS] + [
        ("Next review", uk_day(date.fromisoformat(profile["review_on"]))),
        ("Their version", f"{profile['version']}, of {_moment(profile['recorded_at'])}"),
    ]


@login_required
@require_GET
def notice_photo(request: HttpRequest, notice_id: int) -> HttpResponse:
    """The photo of the profile a placement notice carried: checked again as any photo taken
    in (the partner's word is not trusted for it), to those who record notices (logged)."""
    _may_record_notices(request)
    one = selectors.notice(notice_id)
    if one is None:
        raise Http404("No such notice")
    text = (services.notice_payload(one).get("profile") or {}).get("photo_jpeg_base64", "")
    try:
        jpeg, _width, _height = philomena.clean_photo(
            base64.b64decode(text, validate=True), most_side=philomena.TRAVEL_SIDE
        )
    except (ValueError, philomena.PhotoError):
        raise Http404("No photo came with this notice") from None
    access_record(
        user=request.user,  # type: ignore[arg-type]
        action=AccessEvent.Action.VIEW,
        what=f"profile photo of notice {one.pk} from {one.partner.name}",
        child_id=one.child_id,
        request=request,
    )
    response = HttpResponse(jpeg, content_type="image/jpeg")
    response["Cache-Control"] = "no-store"
    return response


def _asked_rows(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """What a partner asks of us: the interview it wants us to hold."""
    asked = payload["interview"]
    return [
        ("Their interview reference", asked["reference"]),
        ("Due, on their clock", _moment(asked.get("due_at"))),
        ("Their rule", asked.get("due_rule", "Not given")),
        ("Our episodes it covers", ", ".join(asked.get("host_episodes", [])) or "None named"),
        ("What the interviewer should know", asked.get("note", "Nothing added")),
    ]


PLACEMENT_TYPES = {
    "foster": "Foster care",
    "childrens_home": "Children's home",
    "semi_independent": "Semi-independent or supported accommodation",
    "residential_school": "Residential school",
    "placed_with_parents": "Placed with parents",
    "secure": "Secure unit",
    "other": "Other placement",
}


def _placement_rows(payload: dict[str, Any]) -> list[tuple[str, str]]:
    placement, contacts = payload["placement"], payload.get("contacts", {})
    end = placement.get("end")
    return [
        ("Type", PLACEMENT_TYPES.get(placement["type"], placement["type"])),
        ("Emergency placement", "Yes" if payload["emergency"] else "No"),
        ("Starts or started", uk_day(date.fromisoformat(placement["start"]))),
        ("Ended", uk_day(date.fromisoformat(end)) if end else "Not ended"),
        ("Provider", placement.get("provider", "Not given")),
        ("Address", placement.get("address", "Not given")),
        ("Postcode", placement.get("postcode", "Not given")),
        ("Social worker", contacts.get("social_worker", "Not given")),
        ("Out-of-hours contact", contacts.get("out_of_hours", "Not given")),
        ("Risks", ", ".join(payload.get("risks", [])) or "None given"),
    ]


def _child_by_reference(reference: str) -> Child:
    child = Child.objects.filter(reference=reference.strip().upper()).first()
    if child is None:
        raise ValidationError({"reference": f"There is no child with the reference {reference}"})
    return child


# --- children placed across the boundary ---------------------------------------------------------


@login_required
@require_GET
def placed_elsewhere(request: HttpRequest) -> HttpResponse:
    """The responsible authority's list: its children placed in other authorities' areas,
    each with its latest placement notice and whether it went on time."""
    _may_record_notices(request)
    rows = selectors.placed_elsewhere()
    if rows:
        access_record_children(
            user=request.user,  # type: ignore[arg-type]
            action=AccessEvent.Action.VIEW,
            what="children placed in other areas",
            child_ids=[row.child.pk for row in rows],
            request=request,
        )
    return render(request, "web/exchange/placed_elsewhere.html", {"rows": rows})


@login_required
@require_GET
def placed_here(request: HttpRequest) -> HttpResponse:
    """The host authority's register: children other authorities placed in its area, each
    with the latest notice their responsible authority sent about them."""
    _may_record_notices(request)
    rows = selectors.placed_here()
    if rows:
        access_record_children(
            user=request.user,  # type: ignore[arg-type]
            action=AccessEvent.Action.VIEW,
            what="children placed here by other authorities",
            child_ids=[row.child.pk for row in rows],
            request=request,
        )
    waiting = selectors.notices_waiting().count()
    homes_waiting = list(selectors.home_reports_waiting()[:200])
    return render(
        request,
        "web/exchange/placed_here.html",
        {"rows": rows, "waiting": waiting, "homes_waiting": homes_waiting},
    )


@login_required
@require_http_methods(["GET", "POST"])
def placement_notice(request: HttpRequest, child_id: int) -> HttpResponse:
    """Send the host authority a placement notice about one child."""
    _may_record_notices(request)
    child = (
        Child.objects.select_related("responsible_authority", "host_authority")
        .filter(pk=child_id)
        .first()
    )
    if child is None:
        raise Http404("No such child")
    form = f.PlacementNoticeForm(
        request.POST if request.method == "POST" else None,
        initial={"placement_type": child.placement_type or None, "postcode": child.postcode},
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            partner_notices.placement_notice_send(
                by=request.user,  # type: ignore[arg-type]
                child=child,
                event=data["event"],
                emergency=data["emergency"] == "yes",
                start=data["start"],
                end=data["end"],
                placement_type=data["placement_type"],
                provider=data["provider"],
                address=data["address"],
                postcode=data["postcode"],
                out_of_hours=data["out_of_hours"],
                ended_at_once=data["ended_at_once"] == "yes",
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            host = child.host_authority.name if child.host_authority else ""
            messages.success(request, f"The placement notice is on its way to {host}")
            return redirect("web:exchange-placed-elsewhere")
    access_record(
        user=request.user,  # type: ignore[arg-type]
        action=AccessEvent.Action.VIEW,
        what="placement notice form",
        child_id=child.pk,
        request=request,
    )
    return render(
        request,
        "web/cases/form.html",
        {
            "form": form,
            "title": "Send a placement notice",
            "caption": f"{child.full_name} ({child.reference})",
            "intro": (
                f"Tell {child.host_authority or 'the host authority'} of this placement in "
                "its area: before it starts, or for an emergency placement within 5 working "
                "days of its start. It is signed and sent to their homeward, with the child's "
                "social worker and current risks."
            ),
            "back": reverse("web:exchange-placed-elsewhere"),
            "button": "Send the placement notice",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def home_movement(request: HttpRequest, child_id: int) -> HttpResponse:
    """Record a child's admission to, or discharge from, a children's home here: kept, and
    told to the child's responsible authority when it is a partner."""
    _may_record_notices(request)
    child = Child.objects.select_related("responsible_authority").filter(pk=child_id).first()
    if child is None:
        raise Http404("No such child")
    form = f.HomeMovementForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            movement = partner_notices.home_movement_record(
                by=request.user,  # type: ignore[arg-type]
                child=child,
                home_name=data["home_name"],
                urn=data["urn"],
                **childrens_home_views.reg41_answers(data),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            told = (
                f"{child.responsible_authority} is being told through the exchange"
                if movement.message is not None
                else f"{child.responsible_authority} is not on the exchange: tell it by "
                "telephone or email"
            )
            messages.success(
                request, f"Recorded for {child.full_name} ({child.reference}). {told}."
            )
            return redirect("web:exchange-placed-here")
    access_record(
        user=request.user,  # type: ignore[arg-type]
        action=AccessEvent.Action.VIEW,
        what="children's home admission or discharge form",
        child_id=child.pk,
        request=request,
    )
    return render(
        request,
        "web/cases/form.html",
        {
            "form": form,
            "title": "Record an admission or discharge",
            "caption": f"{child.full_name} ({child.reference})",
            "intro": (
                f"{child.responsible_authority} placed this child here. A children's home "
                "tells the authority of its area of every admission and discharge without "
                "delay; where the responsible authority is on the exchange, it is told at "
                "once too."
            ),
            "back": reverse("web:exchange-placed-here"),
            "button": "Record it",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def home_movement_error(request: HttpRequest, movement_id: int) -> HttpResponse:
    """An admission or discharge recorded by mistake: marked, and told as a mistake. The
    authority's coordinators and managers correct any; a home's staff their home's own."""
    movement = (
        HomeMovement.objects.select_related("child", "message__partner")
        .filter(pk=movement_id, entered_in_error_at__isnull=True)
        .first()
    )
    if movement is None:
        if not permissions.can_record_home_movement(request.user):  # type: ignore[arg-type]
            raise PermissionDenied("correcting an admission or discharge")
        raise Http404("No such admission or discharge")
    if not permissions.can_correct_home_movement(request.user, movement):  # type: ignore[arg-type]
        raise PermissionDenied("correcting an admission or discharge")
    child = movement.child
    back = childrens_home_views.movement_back(request, movement)
    access_record(
        user=request.user,  # type: ignore[arg-type]
        action=AccessEvent.Action.VIEW,
        what=f"children's home {movement.get_event_display().lower()} {movement.pk}, to correct",
        child_id=child.pk if child is not None else None,
        request=request,
    )
    form = f.HomeMovementErrorForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            partner_notices.home_movement_mark_in_error(
                by=request.user,  # type: ignore[arg-type]
                movement=movement,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            told = " and the responsible authority is told" if movement.message else ""
            messages.success(request, f"Marked as recorded by mistake{told}")
            return redirect(back)
    what = movement.get_event_display().lower()
    preposition = "to" if movement.event == "admission" else "from"
    reported = movement.reported
    named = (
        f"{child.full_name} ({child.reference})"
        if child is not None and permissions.can_record_episode(request.user)  # type: ignore[arg-type]
        else f"{reported.get('given_names', '')} {reported.get('family_name', '')}".strip()
    )
    return render(
        request,
        "web/cases/form.html",
        {
            "form": form,
            "title": "Recorded by mistake",
            "caption": named,
            "intro": f"{movement.get_event_display()} {preposition} "
            f"{movement.home_name}, {uk_day(movement.on)}. It is kept, marked as {what} "
            "recorded by mistake, with who, when and why"
            + (
                f"; {movement.message.partner.name} was told of it and is told it was a mistake."
                if movement.message is not None
                else "."
            ),
            "back": back,
            "button": "Mark it as recorded by mistake",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _home_rows(payload: dict[str, Any]) -> list[tuple[str, str]]:
    home, legal = payload["home"], payload.get("legal", {})
    under = {"section_20": "Section 20", "section_21": "Section 21"}

    def yes_no(value: bool | None) -> str:
        return "Not given" if value is None else ("Yes" if value else "No")

    return [
        ("What", "Admitted" if payload["event"] == "admission" else "Discharged"),
        ("When", uk_day(date.fromisoformat(payload["on"]))),
        ("Children's home", home["name"]),
        ("Ofsted URN", home.get("urn", "Not given")),
        ("Postcode", home.get("postcode", "Not given")),
        ("Accommodated under", under.get(legal.get("accommodated_under", ""), "Not given")),
        ("Care or supervision order", yes_no(legal.get("care_or_supervision_order"))),
        ("Education, health and care plan", yes_no(legal.get("ehc_plan"))),
        ("Independent reviewing officer", legal.get("iro_contact", "Not given")),
    ]
