"""The profile pages: a coordinator starts and changes a child's profile with a photo
(uploaded, shown, logged), reads earlier versions, and takes the one-page grab pack as a PDF
with a reason; Wales calls it the Child Information Form."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from homeward.audit.models import AccessEvent
from homeward.organisations.models import Authority
from homeward.profiles.models import ProfileVersion
from tests.factories import World, make_child


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 400), (120, 80, 40)).save(out, "JPEG")
    return out.getvalue()


def answers(**changes: object) -> dict[str, object]:
    review = timezone.localdate() + timedelta(days=30)
    data: dict[str, object] = {
        "description": "Short, curly red hair, freckles.",
        "clothing": "Green hoodie.",
        "review_on": review.isoformat(),
        "version": "0",
    }
    data.update(changes)
    return data


def test_a_coordinator_starts_the_profile_with_a_photo_and_changes_it(
    world: World, client_for: Callable[[str], Client]
) -> None:
    child = make_child(world)
    coordinator = client_for("coordinator")
    child_page = coordinator.get(f"/children/{child.pk}/").content.decode()
    assert "Philomena Protocol profile" in child_page
    empty = coordinator.get(f"/children/{child.pk}/missing-profile/").content.decode()
    assert "No profile is kept yet" in empty

    url = f"/children/{child.pk}/missing-profile/change"
    refused = coordinator.post(url, answers(review_on="", description="", clothing=""))
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Enter the date the profile is next reviewed" in page
    nothing = coordinator.post(url, answers(description="", clothing=""))
    assert "Answer at least one question" in nothing.content.decode()

    bad_photo = coordinator.post(
        url, {**answers(), "photo": SimpleUploadedFile("a.gif", b"GIF89a", "image/gif")}
    )
    assert "The photo must be a JPEG or PNG" in bad_photo.content.decode()
    assert not ProfileVersion.objects.exists()

    saved = coordinator.post(
        url, {**answers(), "photo": SimpleUploadedFile("a.jpg", jpeg(), "image/jpeg")}
    )
    assert saved.status_code == 302
    first = ProfileVersion.objects.get()
    page = coordinator.get(f"/children/{child.pk}/missing-profile/").content.decode()
    assert "Short, curly red hair, freckles." in page and "Green hoodie." in page
    photo_url = f"/children/{child.pk}/missing-profile/photos/{first.photo_id}"
    assert photo_url in page
    image = coordinator.get(photo_url)
    assert image["Content-Type"] == "image/jpeg" and image["Cache-Control"] == "no-store"
    assert image.content.startswith(b"\xff\xd8\xff")
    assert AccessEvent.objects.filter(what__startswith="profile photo", child_id=child.pk).exists()

    # A change needs its reason; the first version stays readable.
    no_reason = coordinator.post(url, answers(clothing="Blue coat", version="1"))
    assert "Say why the profile changed" in no_reason.content.decode()
    coordinator.post(url, answers(clothing="Blue coat", version="1", reason="New coat"))
    assert ProfileVersion.objects.count() == 2
    old = coordinator.get(f"/children/{child.pk}/missing-profile/?version=1").content.decode()
    assert "Green hoodie." in old and "This is version 1" in old
    current = coordinator.get(f"/children/{child.pk}/missing-profile/").content.decode()
    assert "Blue coat" in current and "New coat" in current
    # A stale form (someone saved since) saves nothing.
    stale = coordinator.post(url, answers(clothing="Yellow", version="1", reason="x"))
    assert "Someone saved the profile since" in stale.content.decode()
    assert ProfileVersion.objects.count() == 2


def test_the_grab_pack_is_one_page_with_the_photo_taken_with_a_reason(
    world: World, client_for: Callable[[str], Client]
) -> None:
    child = make_child(world)
    coordinator = client_for("coordinator")
    coordinator.post(
        f"/children/{child.pk}/missing-profile/change",
        {**answers(), "photo": SimpleUploadedFile("a.jpg", jpeg(), "image/jpeg")},
    )
    url = f"/children/{child.pk}/missing-profile/grab-pack"
    assert coordinator.get(url).status_code == 200
    assert coordinator.post(url, {"reason": " "}).status_code == 400
    pdf = coordinator.post(url, {"reason": "Reported missing to the police tonight"})
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert child.full_name in text and "Green hoodie." in text
    assert len(reader.pages[0].images) == 1  # the photo
    event = AccessEvent.objects.get(action="export", child_id=child.pk)
    assert event.reason == "Reported missing to the police tonight"


def test_wales_calls_it_the_child_information_form(
    world: World, client_for: Callable[[str], Client]
) -> None:
    world.authority.nation = "wales"
    world.authority.save()
    child = make_child(world)
    page = client_for("coordinator").get(f"/children/{child.pk}/missing-profile/")
    assert '<h1 class="govuk-heading-l">Child Information Form</h1>' in page.content.decode()


def test_a_worker_reads_but_does_not_change_and_a_stranger_sees_nothing(
    world: World, client_for: Callable[[str], Client]
) -> None:
    child = make_child(world)
    assert client_for("worker").get(f"/children/{child.pk}/missing-profile/").status_code == 403
    assert (
        client_for("worker").post(f"/children/{child.pk}/missing-profile/change", answers())
    ).status_code == 403
    other = Authority.objects.get(gss_code="E10000097")
    assert other is not None
    assert (
        client_for("other_authority").get(f"/children/{child.pk}/missing-profile/").status_code
        == 403
    )
    assert not ProfileVersion.objects.exists()


@pytest.mark.parametrize("size", [9 * 1024 * 1024])
def test_a_photo_too_large_is_refused_before_it_is_read(
    world: World, client_for: Callable[[str], Client], size: int
) -> None:
    child = make_child(world)
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"\x00" * size, "image/jpeg")
    refused = client_for("coordinator").post(
        f"/children/{child.pk}/missing-profile/change", {**answers(), "photo": big}
    )
    assert refused.status_code == 400
    assert "The photo must be smaller than 8 MB" in refused.content.decode()


def test_the_profile_goes_to_the_police_endpoint_with_a_reason_and_what_came_of_it(
    world: World, client_for: Callable[[str], Client], settings: object
) -> None:
    import json

    from homeward.cases import services as case_services
    from homeward.profiles.models import ProfileShare
    from tests.intelligence.server import police_endpoint

    child = make_child(world)
    case_services.episode_record(
        by=world.user("coordinator"), child=child, category="missing", missing_from="care",
        started_at=timezone.now() - timedelta(hours=2), police_force=world.police,
        police_reference="FC-77",
    )  # fmt: skip
    coordinator = client_for("coordinator")
    coordinator.post(
        f"/children/{child.pk}/missing-profile/change",
        {**answers(), "photo": SimpleUploadedFile("a.jpg", jpeg(), "image/jpeg")},
    )
    url = f"/children/{child.pk}/missing-profile/send-to-police"
    form = coordinator.get(url).content.decode()
    assert 'value="FC-77"' in form  # the open episode's report, offered
    settings.HOMEWARD_INTELLIGENCE_ENDPOINT = ""  # type: ignore[attr-defined]
    unset = coordinator.post(url, {"force": str(world.police.pk), "reason": "Missing tonight"})
    assert "No police intelligence endpoint is configured" in unset.content.decode()
    assert not ProfileShare.objects.exists()

    with police_endpoint(answer={"reference": "MP-2026-9"}) as endpoint:
        settings.HOMEWARD_INTELLIGENCE_ENDPOINT = endpoint.url  # type: ignore[attr-defined]
        assert coordinator.post(url, {"force": str(world.police.pk)}).status_code == 400
        sent = coordinator.post(
            url,
            {"force": str(world.police.pk), "police_reference": "FC-77", "reason": "Missing"},
        )
    assert sent.status_code == 302
    (received,) = endpoint.received
    copy = json.loads(received.body)
    assert copy["format"] == "homeward.missing-profile/1" and copy["force"] == "fictional"
    assert copy["police_reference"] == "FC-77" and copy["child"]["reference"] == child.reference
    assert copy["answers"]["clothing"] == "Green hoodie." and copy["photo_jpeg_base64"]
    share = ProfileShare.objects.get()
    assert share.taken and share.their_reference == "MP-2026-9"
    event = AccessEvent.objects.get(action="share", child_id=child.pk)
    assert event.reason.endswith("Missing")
    page = coordinator.get(f"/children/{child.pk}/missing-profile/").content.decode()
    assert "their reference MP-2026-9" in page

    with police_endpoint(status=500, answer={"error": "down"}) as endpoint:
        settings.HOMEWARD_INTELLIGENCE_ENDPOINT = endpoint.url  # type: ignore[attr-defined]
        coordinator.post(url, {"force": str(world.police.pk), "reason": "Again"})
    failed = ProfileShare.objects.order_by("-pk").first()
    assert failed is not None and not failed.taken and "500" in failed.error
    assert client_for("worker").post(url, {"force": "1", "reason": "x"}).status_code == 403


def test_a_police_officer_who_reads_it_cannot_change_it_and_the_attempt_is_logged(
    world: World, client_for: Callable[[str], Client]
) -> None:
    from homeward.cases import services as case_services

    child = make_child(world)
    case_services.episode_record(
        by=world.user("coordinator"), child=child, category="missing", missing_from="care",
        started_at=timezone.now() - timedelta(hours=2), police_force=world.police,
        police_reference="FC-78",
    )  # fmt: skip
    coordinator = client_for("coordinator")
    coordinator.post(f"/children/{child.pk}/missing-profile/change", answers())
    # The change form shows every answer: reading it is logged as reading the profile.
    coordinator.get(f"/children/{child.pk}/missing-profile/change")
    assert AccessEvent.objects.filter(
        what__endswith="version 1, to change", child_id=child.pk
    ).exists()
    police = client_for("police")
    assert police.get(f"/children/{child.pk}/missing-profile/").status_code == 200
    refused = police.post(f"/children/{child.pk}/missing-profile/change", answers(version="1"))
    assert refused.status_code == 403
    assert AccessEvent.objects.filter(
        action="denied", what__startswith="change of the profile", child_id=child.pk
    ).exists()
    assert ProfileVersion.objects.count() == 1


def test_a_manager_deletes_a_photo_for_good_with_why_and_it_goes_from_every_version(
    world: World, client_for: Callable[[str], Client]
) -> None:
    from homeward.profiles.models import ProfilePhoto

    child = make_child(world)
    coordinator = client_for("coordinator")
    coordinator.post(
        f"/children/{child.pk}/missing-profile/change",
        {**answers(), "photo": SimpleUploadedFile("a.jpg", jpeg(), "image/jpeg")},
    )
    coordinator.post(
        f"/children/{child.pk}/missing-profile/change",
        answers(clothing="Red coat", version="1", reason="New coat"),
    )
    photo = ProfilePhoto.objects.get()
    url = f"/children/{child.pk}/missing-profile/photos/{photo.pk}/delete"
    assert coordinator.post(url, {"reason": "Wrong child"}).status_code == 403
    manager = client_for("manager")
    assert (
        "Delete this photo for good"
        in manager.get(f"/children/{child.pk}/missing-profile/").content.decode()
    )
    assert manager.post(url, {"reason": " "}).status_code == 400
    assert manager.post(url, {"reason": "A photo of another child"}).status_code == 302
    photo.refresh_from_db()
    assert photo.deleted_at is not None and not photo.jpeg
    assert manager.get(f"/children/{child.pk}/missing-profile/photos/{photo.pk}").status_code == 404
    for version in ("1", "2"):
        page = manager.get(f"/children/{child.pk}/missing-profile/?version={version}")
        assert "A photo of another child" in page.content.decode()
    assert AccessEvent.objects.filter(action="delete", child_id=child.pk).exists()
    pdf = manager.post(f"/children/{child.pk}/missing-profile/grab-pack", {"reason": "check"})
    assert len(PdfReader(io.BytesIO(pdf.content)).pages[0].images) == 0
