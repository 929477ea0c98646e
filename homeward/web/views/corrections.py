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
from homeward.cases.models import IN_COUNT, Child, Episode, ReturnInterview
from homeward.intake import selectors as intake_selectors
from homeward.intake import services as intake_services
from homeward.intake.models import PoliceReport
from homeward.web import case_forms as f
from homeward.web import correction_forms as cf
from homeward.web.forms import carried_answers
from homeward.web.views.cases import _apply_errors, _child, _interview, imported_refusal

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


# --- episodes ------------------------------------------------------------------------------


def _episode(request: HttpRequest, episode_id: int) -> tuple[Episode, Child]:
    """The episode and its child, read through the (audited) selector; 404 if none."""
    try:
        episode = Episode.objects.select_related("interview").get(pk=episode_id)
    except Episode.DoesNotExist:
        raise Http404("No such episode") from None
    record = _child(request, episode.child_id)
    _require(permissions.can_change_episode(request.user))  # type: ignore[arg-type]
    return episode, record


def _follows(preview: corrections.EpisodePreview) -> list[str]:
    """What a change to an episode will do, in words, the due points with their times."""
    lines = []
    for move in preview.due_moves:
        before = f.uk_time(move.before) or "clock not started"
        after = f.uk_time(move.after) or "clock not started"
        what = move.record[:1].upper() + move.record[1:]
        lines.append(f"{what} will be due {after} (it was due {before}).")
    return lines + preview.consequences


@login_required
@require_http_methods(["GET", "POST"])
def episode_change(request: HttpRequest, episode_id: int) -> HttpResponse:
    """Correct an episode: category, risk grade, where from, and its times. A change that
    moves a due point, or how the episode counts, is shown to check first (what it changes
    and what will follow), then saved once confirmed."""
    episode, record = _episode(request, episode_id)
    if episode.imported:
        return imported_refusal(request, episode, record)
    because = corrections.episode_reason_required(episode=episode)
    back = reverse("web:child", args=[record.pk])
    context = {
        "title": f"Change episode {episode.reference}",
        "caption": f"{record.full_name} ({record.reference})",
        "intro": "Correct what is wrong. The episode's due point, and its interview's, are "
        "worked out again from the times you give.",
        "button": "Continue",
        "back": back,
    }
    if request.method != "POST":
        form = cf.EpisodeChangeForm(
            initial=cf.EpisodeChangeForm.initial_from(episode), because=because
        )
        return render(request, FORM, {"form": form, **context})
    form = cf.EpisodeChangeForm(request.POST, because=because)
    action = request.POST.get("action", "")
    if not form.is_valid():
        return render(request, FORM, {"form": form, **context}, status=400)
    values = form.values(episode)
    try:
        preview = corrections.episode_change_preview(episode=episode, values=values)
    except ValidationError as error:
        _apply_errors(form, error)
        return render(request, FORM, {"form": form, **context}, status=400)
    if action == "edit":
        return render(request, FORM, {"form": form, **context})
    if preview.has_consequences and action != "confirm":
        return render(
            request,
            "web/corrections/check_episode.html",
            {
                "form": form,
                "carried": carried_answers(form),
                "preview": preview,
                "follows": _follows(preview),
                "reason": form.cleaned_data["reason"],
                **context,
                "title": f"Check the change to episode {episode.reference}",
            },
        )
    try:
        corrections.episode_change(
            by=request.user,  # type: ignore[arg-type]
            episode=episode,
            values=values,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        _apply_errors(form, error)
        return render(request, FORM, {"form": form, **context}, status=400)
    messages.success(request, f"Episode {episode.reference} changed")
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def episode_in_error(request: HttpRequest, episode_id: int) -> HttpResponse:
    """Mark an episode entered in error: kept, with why, and out of every count."""
    episode, record = _episode(request, episode_id)
    if episode.imported:
        return imported_refusal(request, episode, record)
    report = PoliceReport.objects.filter(episode=episode).values_list("reference", flat=True)
    intro = [
        f"Episode {episode.reference} stays on {record.full_name}'s record, marked entered in "
        "error with your reason, and leaves every count: the indicators, the returns, the "
        "panel's triggers and the lists of work."
    ]
    interview = episode.interview
    if interview is not None and interview.entered_in_error_at is None:
        others = interview.episodes.filter(IN_COUNT).exclude(pk=episode.pk).exists()
        intro.append(
            f"Interview {interview.reference} also covers other episodes: its due point will be "
            "worked out again without this one."
            if others
            else f"Interview {interview.reference} covers only this episode: it will be marked "
            "entered in error too."
        )

    def save(form: cf.CorrectionForm) -> str:
        corrections.episode_mark_in_error(
            by=request.user,  # type: ignore[arg-type]
            episode=episode,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, f"Episode {episode.reference} marked entered in error")
        return reverse("web:child", args=[record.pk])

    return _page(
        request,
        cf.EnteredInErrorForm,
        save,
        because="",
        template="web/corrections/in_error.html",
        title=f"Mark episode {episode.reference} entered in error",
        caption=f"{record.full_name} ({record.reference})",
        paragraphs=intro,
        report=report.first(),
        button="Mark as entered in error",
        warning=True,
        back=reverse("web:child", args=[record.pk]),
    )


# --- a police report linked to the wrong child or episode ----------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_unlink(request: HttpRequest, reference: str) -> HttpResponse:
    """Unlink a police report from the wrong child or episode: it goes back in the queue to
    be linked again, and the page says first what becomes of the episode."""
    try:
        report = intake_selectors.report_for(
            user=request.user,  # type: ignore[arg-type]
            reference=reference,
            request=request,
        )
    except PoliceReport.DoesNotExist:
        raise Http404("No such police report") from None
    _require(permissions.can_change_report_link(request.user))  # type: ignore[arg-type]
    back = reverse("web:intake-report", args=[report.reference])
    episode = report.episode
    paragraphs = []
    if report.state != PoliceReport.State.LINKED or episode is None:
        paragraphs.append(f"Police report {report.reference} is not linked to a child.")
    elif report.created_episode:
        paragraphs.append(
            f"Linking the report created episode {episode.reference}: it will be marked "
            "entered in error (kept on the record, out of every count)."
        )
        interview = episode.interview
        if interview is not None and interview.entered_in_error_at is None:
            only = not interview.episodes.filter(IN_COUNT).exclude(pk=episode.pk).exists()
            paragraphs.append(
                f"Interview {interview.reference} covers only this episode: it will be marked "
                "entered in error too."
                if only
                else f"Interview {interview.reference} also covers other episodes: its due "
                "point will be worked out again without this one."
            )
    else:
        paragraphs.append(
            f"Episode {episode.reference} was recorded by hand before the report was linked: "
            "it stays on the child's record, without the report's force and reference."
        )
    if episode is not None:
        paragraphs.append(
            "The report goes back in the queue of police notifications, to be linked to the "
            "right child or episode."
        )

    def save(form: cf.CorrectionForm) -> str:
        intake_services.report_unlink(
            by=request.user,  # type: ignore[arg-type]
            report=report,
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            request,
            f"Police report {report.reference} unlinked: link it to the right child below",
        )
        return back

    return _page(
        request,
        cf.UnlinkForm,
        save,
        because="",
        template="web/corrections/unlink.html",
        title=f"Unlink police report {report.reference}",
        caption=f"Police reference {report.police_reference}",
        paragraphs=paragraphs,
        linked=episode is not None and report.state == PoliceReport.State.LINKED,
        button="Unlink the report",
        warning=True,
        back=back,
    )


# --- the interview: its allocation and its sign-off ----------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def interview_reallocate(request: HttpRequest, interview_id: int) -> HttpResponse:
    """Give the interview to another organisation or worker. The clock does not restart."""
    record = _interview(request, interview_id)
    _require(permissions.can_reallocate(request.user, record))  # type: ignore[arg-type]
    back = reverse("web:interview", args=[record.pk])

    def save(form: cf.CorrectionForm) -> str:
        corrections.interview_reallocate(
            by=request.user,  # type: ignore[arg-type]
            interview=record,
            organisation=form.cleaned_data["organisation"],
            worker=form.cleaned_data["worker"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, f"Interview {record.reference} reallocated")
        return back

    due = f.uk_time(record.due_at) if record.due_at else ""
    return _page(
        request,
        cf.ReallocateForm,
        save,
        because=corrections.interview_reason_required(interview=record),
        initial=cf.ReallocateForm.initial_from(record),
        title=f"Reallocate interview {record.reference}",
        caption=f"{record.child.full_name} ({record.child.reference})",
        intro="The clock does not restart: the interview stays due "
        + (f"{due}" if due else "as it was")
        + ", and when it was first allocated is kept.",
        button="Reallocate",
        back=back,
    )


@login_required
@require_http_methods(["GET", "POST"])
def interview_reopen(request: HttpRequest, interview_id: int) -> HttpResponse:
    """A manager reopens a signed-off interview so it can be corrected, with the reason."""
    record = _interview(request, interview_id)
    _require(permissions.can_reopen_interview(request.user, record))  # type: ignore[arg-type]
    back = reverse("web:interview", args=[record.pk])

    def save(form: cf.CorrectionForm) -> str:
        corrections.interview_reopen(
            by=request.user,  # type: ignore[arg-type]
            interview=record,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, f"Interview {record.reference} reopened")
        return back

    signed = record.signed_off_at is not None
    return _page(
        request,
        cf.ReopenForm,
        save,
        because="",
        template="web/corrections/reopen.html",
        title=f"Reopen interview {record.reference}",
        caption=f"{record.child.full_name} ({record.child.reference})",
        signed=signed,
        paragraphs=[
            f"Interview {record.reference} was signed off {f.uk_time(record.signed_off_at)} by "
            f"{record.signed_off_by}. Reopening clears the sign-off (it is kept in the child's "
            "history, with your reason) so that the interview can be corrected; a manager then "
            "signs it off again."
        ]
        if signed
        else [f"Interview {record.reference} is not signed off: there is nothing to reopen."],
        button="Reopen the interview",
        warning=True,
        back=back,
    )


# --- the interview's parts: offers, attempts, places, adults, vehicles, referrals -----------


def _part(request: HttpRequest, key: str) -> tuple[corrections.Part, Any, ReturnInterview]:
    """The part named by `key` ("place-12"), its interview read through the (audited)
    selector; 404 if there is none, 403 unless the user may correct it."""
    kind, _, number = key.partition("-")
    part = corrections.PARTS.get(kind)
    if part is None or not number.isdigit():
        raise Http404("No such record")
    try:
        instance = part.model.objects.get(pk=int(number))
    except part.model.DoesNotExist:
        raise Http404("No such record") from None
    record = _interview(request, instance.interview_id)  # type: ignore[attr-defined]
    _require(permissions.can_change_interview_part(request.user, record))  # type: ignore[arg-type]
    return part, instance, record


@login_required
@require_http_methods(["GET", "POST"])
def part_change(request: HttpRequest, key: str) -> HttpResponse:
    """Correct an offer, attempt, place, adult, vehicle or referral of an interview."""
    part, instance, record = _part(request, key)
    back = reverse("web:interview", args=[record.pk])
    form_class = cf.PART_FORMS[part.kind]
    if instance.entered_in_error_at is not None:
        raise Http404("Entered in error: it can no longer be changed")

    def save(form: cf.CorrectionForm) -> str:
        corrections.interview_part_change(
            by=request.user,  # type: ignore[arg-type]
            instance=instance,
            values=form.values(instance),
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, f"{part.noun[:1].upper()}{part.noun[1:]} changed")
        return back

    return _page(
        request,
        form_class,
        save,
        because=corrections.interview_reason_required(interview=record),
        initial=cf.part_initial(part.kind, instance),
        title=f"Change {part.noun}",
        caption=f"{record.child.full_name}: interview {record.reference}",
        button="Save the change",
        back=back,
    )


@login_required
@require_http_methods(["GET", "POST"])
def part_in_error(request: HttpRequest, key: str) -> HttpResponse:
    """Mark an offer, attempt, place, adult, vehicle or referral entered in error: kept,
    with why, and out of every count (and of what is sent to the police)."""
    part, instance, record = _part(request, key)
    back = reverse("web:interview", args=[record.pk])
    if instance.entered_in_error_at is not None:
        raise Http404("Already entered in error")

    def save(form: cf.CorrectionForm) -> str:
        corrections.interview_part_mark_in_error(
            by=request.user,  # type: ignore[arg-type]
            instance=instance,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, f"{part.noun[:1].upper()}{part.noun[1:]} marked entered in error")
        return back

    return _page(
        request,
        cf.EnteredInErrorForm,
        save,
        because="",
        template="web/corrections/in_error.html",
        title=f"Mark {part.noun} entered in error",
        caption=f"{record.child.full_name}: interview {record.reference}",
        paragraphs=[
            f"It stays on interview {record.reference}, marked entered in error with your "
            "reason, and leaves every count, the panel's network and what is sent to the "
            "police."
        ],
        report=None,
        button="Mark as entered in error",
        warning=True,
        back=back,
    )
