"""A child's Philomena Protocol profile (docs/profile.md): read it (any version), change it
(a new version with its reason), its photo, and the one-page grab pack for the police."""

from __future__ import annotations

from typing import Any

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
from homeward.audit.services import access_record
from homeward.cases import selectors as case_selectors
from homeward.cases.models import Child
from homeward.formats import philomena
from homeward.formats.pdf import IMAGE_BASE, self_contained_pdf
from homeward.organisations.models import Organisation
from homeward.profiles import services
from homeward.profiles.models import ProfilePhoto, ProfileShare, ProfileVersion
from homeward.web import profile_forms as f
from homeward.web.forms import apply_service_errors

#: A profile with more characters than this prints smaller in the grab pack.
DENSE_AFTER = 4000


def _child(request: HttpRequest, child_id: int) -> Child:
    """The child, when the user may see their record (the read logged, a refusal too)."""
    try:
        return case_selectors.child_for(user=request.user, child_id=child_id, request=request)  # type: ignore[arg-type]
    except Child.DoesNotExist:
        raise Http404("No such child") from None


def _title(child: Child) -> str:
    return philomena.title(child.responsible_authority.nation)


def _rows(version: ProfileVersion) -> list[tuple[str, str, str]]:
    answers = version.answers()
    return [(q.name, q.label, answers[q.name]) for q in philomena.QUESTIONS]


@login_required
@require_GET
def profile(request: HttpRequest, child_id: int) -> HttpResponse:
    """The profile as it is now (or an earlier version, `?version=N`), with its history."""
    child = _child(request, child_id)
    versions = list(
        ProfileVersion.objects.filter(child=child)
        .select_related("recorded_by", "photo")
        .order_by("-version")
    )
    shown = versions[0] if versions else None
    wanted = request.GET.get("version", "")
    if wanted:
        shown = next((v for v in versions if str(v.version) == wanted), None)
        if shown is None:
            raise Http404("No such version")
    access_record(
        user=request.user,  # type: ignore[arg-type]
        action=AccessEvent.Action.VIEW,
        what=f"profile of child {child.reference}"
        + (f", version {shown.version}" if shown else ""),
        child_id=child.pk,
        request=request,
    )
    today = timezone.localdate()
    return render(
        request,
        "web/profiles/profile.html",
        {
            "child": child,
            "title": _title(child),
            "shown": shown,
            "latest": versions[0] if versions else None,
            "versions": versions,
            "rows": _rows(shown) if shown else [],
            "review_overdue": shown is not None and shown.review_on < today,
            "shares": list(
                ProfileShare.objects.filter(version__child=child).select_related(
                    "force", "sent_by", "version"
                )[:20]
            ),
            "can_change": permissions.can_record_episode(request.user),  # type: ignore[arg-type]
            "can_delete_photo": permissions.can_delete_profile_photo(request.user),  # type: ignore[arg-type]
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_change(request: HttpRequest, child_id: int) -> HttpResponse:
    """Change the profile: every question at once, the photo, the review date and why."""
    child = _child(request, child_id)  # a refusal to see the child is logged there
    if not permissions.can_record_episode(request.user):  # type: ignore[arg-type]
        access_record(
            user=request.user,  # type: ignore[arg-type]
            action=AccessEvent.Action.DENIED,
            what=f"change of the profile of child {child.reference}",
            child_id=child.pk,
            request=request,
        )
        raise PermissionDenied("only a coordinator or manager keeps the profile")
    latest = services.current(child)
    if latest is not None and request.method == "GET":  # the form shows every answer
        access_record(
            user=request.user,  # type: ignore[arg-type]
            action=AccessEvent.Action.VIEW,
            what=f"profile of child {child.reference}, version {latest.version}, to change",
            child_id=child.pk,
            request=request,
        )
    initial: dict[str, Any] = {"version": latest.version if latest else 0}
    if latest is not None:
        initial.update(latest.answers(), review_on=latest.review_on)
    form = f.ProfileForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
        has_photo=latest is not None and latest.photo_id is not None,
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        upload = data.get("photo")
        try:
            saved = services.profile_save(
                by=request.user,  # type: ignore[arg-type]
                child=child,
                answers={q.name: data[q.name] for q in philomena.QUESTIONS},
                review_on=data["review_on"],
                photo=upload.read() if upload else None,
                remove_photo=bool(data.get("remove_photo")),
                reason=data["reason"],
                expected_version=data["version"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Saved as version {saved.version}")
            return redirect("web:profile", child.pk)
    return render(
        request,
        "web/profiles/change.html",
        {
            "form": form,
            "title": f"Change the {_title(child)}" if latest else f"Start the {_title(child)}",
            "caption": f"{child.full_name} ({child.reference})",
            "intro": "What the police need the moment the child is reported missing, written "
            "down beforehand with the child's carers. Every change is kept as a new version.",
            "back": reverse("web:profile", args=[child.pk]),
            "button": "Save",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_GET
def profile_photo(request: HttpRequest, child_id: int, photo_id: int) -> HttpResponse:
    """A photo of the profile, to whoever may see the child (the read logged)."""
    child = _child(request, child_id)
    photo = ProfilePhoto.objects.filter(pk=photo_id, child=child).first()
    if photo is None or photo.deleted_at is not None:
        raise Http404("No such photo")
    access_record(
        user=request.user,  # type: ignore[arg-type]
        action=AccessEvent.Action.VIEW,
        what=f"profile photo {photo.pk} of child {child.reference}",
        child_id=child.pk,
        request=request,
    )
    response = HttpResponse(services.photo_bytes(photo), content_type="image/jpeg")
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = "inline"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def grab_pack(request: HttpRequest, child_id: int) -> HttpResponse:
    """GET: why it is needed. POST: the profile as one page, with the photo, for the
    police (logged as an export with the reason)."""
    child = _child(request, child_id)
    latest = services.current(child)
    if latest is None:
        raise Http404("No profile yet")
    form = f.GrabPackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        access_record(
            user=request.user,  # type: ignore[arg-type]
            action=AccessEvent.Action.EXPORT,
            what=f"grab pack of child {child.reference}, profile version {latest.version}",
            child_id=child.pk,
            reason=form.cleaned_data["reason"],
            request=request,
        )
        jpeg = services.usable_photo(latest)
        images = {"photo.jpg": jpeg} if jpeg is not None else {}
        html = render_to_string(
            "web/profiles/grab_pack.html",
            {
                "child": child,
                "title": _title(child),
                "version": latest,
                "rows": _rows(latest),
                "photo_url": IMAGE_BASE + "photo.jpg" if jpeg is not None else "",
                # A long profile in smaller print, to keep to one page where it can.
                "dense": sum(len(a) for a in latest.answers().values()) > DENSE_AFTER,
                "episodes": list(child.episodes.order_by("-started_at")[:1]),
                "printed_at": timezone.now(),
            },
        )
        response = HttpResponse(
            self_contained_pdf(html, images=images), content_type="application/pdf"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="grab-pack-{child.reference}-v{latest.version}.pdf"'
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(
        request,
        "web/cases/form.html",
        {
            "form": form,
            "title": "Download the grab pack",
            "caption": f"{child.full_name} ({child.reference})",
            "intro": f"One page for the police: the {_title(child)} as it is now (version "
            f"{latest.version})"
            + (", with the photo." if services.usable_photo(latest) is not None else "."),
            "back": reverse("web:profile", args=[child.pk]),
            "button": "Download the PDF",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def send_to_police(request: HttpRequest, child_id: int) -> HttpResponse:
    """Send the current profile to a police force's endpoint, with a reason."""
    if not permissions.can_record_episode(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("only a coordinator or manager sends the profile")
    child = _child(request, child_id)
    latest = services.current(child)
    if latest is None:
        raise Http404("No profile yet")
    forces = list(Organisation.objects.filter(kind=Organisation.Kind.POLICE_FORCE).order_by("name"))
    open_episode = child.episodes.filter(returned_at__isnull=True).order_by("-started_at").first()
    initial = {}
    if open_episode is not None:
        if open_episode.police_force_id is not None:
            initial["force"] = str(open_episode.police_force_id)
        initial["police_reference"] = open_episode.police_reference
    form = f.PoliceCopyForm(
        request.POST if request.method == "POST" else None,
        forces=[(str(o.pk), o.name) for o in forces],
        initial=initial,
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            share = services.profile_send_to_police(
                by=request.user,  # type: ignore[arg-type]
                child=child,
                force=next(o for o in forces if str(o.pk) == data["force"]),
                reason=data["reason"],
                police_reference=data["police_reference"],
                request=request,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if share.taken:
                messages.success(
                    request,
                    f"{share.force.name} has the profile"
                    + (
                        f" (their reference {share.their_reference})"
                        if share.their_reference
                        else ""
                    ),
                )
            else:
                messages.warning(
                    request,
                    f"{share.force.name} did not take the profile: {share.error}. Hand them "
                    "the grab pack instead.",
                )
            return redirect("web:profile", child.pk)
    return render(
        request,
        "web/cases/form.html",
        {
            "form": form,
            "title": "Send the profile to the police",
            "caption": f"{child.full_name} ({child.reference})",
            "intro": f"The {_title(child)} as it is now (version {latest.version})"
            + (", with the photo," if services.usable_photo(latest) is not None else "")
            + " goes to the police force's endpoint as structured data. If it cannot be "
            "sent, hand them the grab pack.",
            "back": reverse("web:profile", args=[child.pk]),
            "button": "Send it",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def photo_delete(request: HttpRequest, child_id: int, photo_id: int) -> HttpResponse:
    """A manager deletes a photo for good (from every version that shows it), with why."""
    child = _child(request, child_id)
    photo = ProfilePhoto.objects.filter(pk=photo_id, child=child, deleted_at__isnull=True).first()
    if photo is None:
        raise Http404("No such photo")
    form = f.DeletePhotoForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.photo_delete(
                by=request.user,  # type: ignore[arg-type]
                photo=photo,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The photo is deleted from every version of the profile")
            return redirect("web:profile", child.pk)
    elif not permissions.can_delete_profile_photo(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("only a manager deletes a photo")
    return render(
        request,
        "web/cases/form.html",
        {
            "form": form,
            "title": "Delete the photo for good",
            "caption": f"{child.full_name} ({child.reference})",
            "intro": "For a photo that should never have been kept: of another child, or taken "
            "without the consent it needed. It goes from every version of the profile and "
            "cannot be brought back; who deleted it, when and why are kept.",
            "back": reverse("web:profile", args=[child.pk]),
            "button": "Delete the photo",
        },
        status=400 if form.is_bound and form.errors else 200,
    )
