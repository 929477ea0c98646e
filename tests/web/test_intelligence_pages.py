"""The police intelligence pages: recording what is shareable, seeing exactly what would be
shared, downloading or sending it, and the police reference coming back."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from homeward.audit.models import AccessEvent
from homeward.cases import services as case_services
from homeward.intelligence import services as intelligence_services
from homeward.intelligence.models import IntelligenceSubmission
from tests.factories import make_child, make_episode, make_interview
from tests.intelligence.server import police_endpoint


@pytest.fixture
def interview(world):
    child = make_child(world)
    episode = make_episode(world, child, police_force=world.police, police_reference="FC-26-9")
    return make_interview(world, [episode])


def _add_findings(client, interview) -> None:
    place = client.post(
        reverse("web:place-new", args=[interview.pk]),
        {
            "description": "Flat above the takeaway",
            "postcode": "zz1 2bb",
            "when": "Last Friday night",
            "shareable": "yes",
        },
    )
    assert place.status_code == 302
    client.post(
        reverse("web:place-new", args=[interview.pk]),
        {"description": "Private-place-XYZ", "shareable": "no"},
    )
    client.post(
        reverse("web:adult-new", args=[interview.pk]),
        {"description": "Older male called Dee", "shareable": "yes"},
    )
    vehicle = client.post(
        reverse("web:vehicle-new", args=[interview.pk]),
        {"description": "Black hatchback", "registration": "zz11 abc", "shareable": "no"},
    )
    assert vehicle.status_code == 302


def download_ready(client, submission: IntelligenceSubmission):  # type: ignore[no-untyped-def]
    """The submission's page after a file was asked for: its button downloads the file."""
    page_url = reverse("web:intelligence-submission", args=[submission.reference])
    page = client.get(page_url).content.decode()
    file_url = reverse("web:intelligence-file", args=[submission.reference])
    assert f'action="{file_url}"' in page and "Your file is ready" in page
    response = client.post(file_url)
    assert response.status_code == 200
    return response


def test_places_adults_and_vehicles_are_recorded_with_shareability(client_for, interview):
    worker = client_for("worker")
    _add_findings(worker, interview)
    place = interview.places.get(shareable=True)
    assert (place.postcode, place.when) == ("ZZ1 2BB", "Last Friday night")
    vehicle = interview.vehicles.get()
    assert (vehicle.registration, vehicle.shareable) == ("ZZ11 ABC", False)
    assert interview.adults.get().shareable is True
    page = worker.get(reverse("web:interview", args=[interview.pk])).content.decode()
    assert "Black hatchback" in page and "Last Friday night" in page
    assert reverse("web:intelligence-new", args=[interview.pk]) in page
    assert reverse("web:vehicle-new", args=[interview.pk]) in page


def test_a_vehicle_without_a_description_is_refused(client_for, interview):
    response = client_for("worker").post(
        reverse("web:vehicle-new", args=[interview.pk]), {"registration": "ZZ11 ABC"}
    )
    assert response.status_code == 400
    assert not interview.vehicles.exists()
    assert "govuk-error-summary" in response.content.decode()


def test_the_page_shows_exactly_what_would_be_shared(client_for, interview):
    worker = client_for("worker")
    _add_findings(worker, interview)
    url = reverse("web:intelligence-new", args=[interview.pk])
    page = worker.get(url).content.decode()
    assert "Flat above the takeaway" in page and "Older male called Dee" in page
    assert "Private-place-XYZ" not in page and "Black hatchback" not in page
    assert "FC-26-9" in page
    preview = worker.post(
        url, {"action": "preview", "summary": "Given a phone by Dee.", "degrade": "yes"}
    )
    text = preview.content.decode()
    assert preview.status_code == 200 and "Given a phone by Dee." in text
    assert "May 2011" in text and "14 May 2011" not in text  # the month of birth only
    assert not IntelligenceSubmission.objects.exists()


def test_downloading_prepares_once_and_logs_an_export(client_for, interview):
    worker = client_for("worker")
    _add_findings(worker, interview)
    url = reverse("web:intelligence-new", args=[interview.pk])
    form = {
        "action": "share",
        "summary": "Given a phone by Dee.",
        "degrade": "no",
        "reason": "Agreed with the exploitation team",
        "how": "json",
    }
    response = worker.post(url, form)
    submission = IntelligenceSubmission.objects.get()
    page_url = reverse("web:intelligence-submission", args=[submission.reference])
    assert (response.status_code, response["Location"]) == (302, page_url)
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).exists()
    response = download_ready(worker, submission)
    assert response["Content-Disposition"].startswith("attachment;")
    document = json.loads(response.content)
    assert [p["description"] for p in document["places"]] == ["Flat above the takeaway"]
    assert document["vehicles"] == [] and document["disclosed"] == "Given a phone by Dee."
    worker.post(url, {**form, "how": "csv"})
    again = download_ready(worker, submission)
    assert again["Content-Type"].startswith("text/csv")
    assert IntelligenceSubmission.objects.count() == 1
    exports = AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT)
    assert [e.reason for e in exports] == ["Agreed with the exploitation team"] * 2
    assert {e.child_id for e in exports} == {interview.child_id}


def test_sharing_needs_a_reason(client_for, interview):
    worker = client_for("worker")
    _add_findings(worker, interview)
    response = worker.post(
        reverse("web:intelligence-new", args=[interview.pk]),
        {"action": "share", "summary": "x", "degrade": "no", "reason": "", "how": "json"},
    )
    assert response.status_code == 400
    assert "Say why you are sharing this with the police" in response.content.decode()
    assert not IntelligenceSubmission.objects.exists()


def test_sending_then_the_police_see_it_and_record_their_reference(client_for, interview, settings):
    worker = client_for("worker")
    _add_findings(worker, interview)
    form = {
        "action": "share",
        "summary": "",
        "degrade": "no",
        "reason": "Exploitation concern",
        "how": "send",
    }
    url = reverse("web:intelligence-new", args=[interview.pk])
    with police_endpoint(status=202, answer={}) as endpoint:
        settings.HOMEWARD_INTELLIGENCE_ENDPOINT = endpoint.url
        response = worker.post(url, form)
    submission = IntelligenceSubmission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "web:intelligence-submission", args=[submission.reference]
    )
    assert submission.status == IntelligenceSubmission.Status.SENT
    assert len(endpoint.received) == 1
    assert AccessEvent.objects.filter(action=AccessEvent.Action.SHARE).count() == 1

    page_url = reverse("web:intelligence-submission", args=[submission.reference])
    police = client_for("police")
    page = police.get(page_url).content.decode()
    assert "Flat above the takeaway" in page and "Private-place-XYZ" not in page
    assert AccessEvent.objects.filter(
        action=AccessEvent.Action.VIEW, what=f"intelligence {submission.reference}"
    ).exists()
    refused = worker.post(page_url, {"action": "police_reference", "police_reference": "X"})
    assert refused.status_code == 403
    empty = police.post(page_url, {"action": "police_reference", "police_reference": ""})
    assert empty.status_code == 400
    recorded = police.post(page_url, {"action": "police_reference", "police_reference": "LOG-7"})
    assert recorded.status_code == 302
    submission.refresh_from_db()
    assert (submission.police_reference, submission.status) == ("LOG-7", "acknowledged")
    assert "LOG-7" in police.get(page_url).content.decode()


def test_a_failed_send_shows_why_and_can_be_tried_again(client_for, interview, settings):
    worker = client_for("worker")
    _add_findings(worker, interview)
    with police_endpoint(status=503, answer={"error": "maintenance"}) as endpoint:
        settings.HOMEWARD_INTELLIGENCE_ENDPOINT = endpoint.url
        worker.post(
            reverse("web:intelligence-new", args=[interview.pk]),
            {"action": "share", "degrade": "no", "reason": "Concern", "how": "send"},
        )
    submission = IntelligenceSubmission.objects.get()
    page_url = reverse("web:intelligence-submission", args=[submission.reference])
    page = worker.get(page_url).content.decode()
    assert "Not sent" in page and "503" in page and "Try sending again" in page
    with police_endpoint() as endpoint:
        settings.HOMEWARD_INTELLIGENCE_ENDPOINT = endpoint.url
        retried = worker.post(page_url, {"action": "send", "reason": "Retry"})
    assert retried.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.attempts) == ("acknowledged", 2)


def test_the_download_page_asks_a_reason_and_posts_the_file(client_for, interview):
    worker = client_for("worker")
    _add_findings(worker, interview)
    submission, _ = intelligence_services.intelligence_prepare(
        by=interview.allocated_worker, interview=interview, summary="s"
    )
    url = reverse("web:intelligence-download", args=[submission.reference])
    assert worker.get(url).status_code == 200
    assert worker.post(url, {"file_format": "csv", "reason": ""}).status_code == 400
    response = worker.post(url, {"file_format": "csv", "reason": "For the police by email"})
    assert response.status_code == 302
    response = download_ready(worker, submission)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert b"Flat above the takeaway" in response.content
    assert client_for("police").post(url, {"file_format": "csv", "reason": "x"}).status_code == 403


def test_case_services_keep_shareable_off_by_default(world, interview):
    place = case_services.interview_add_place(
        by=world.user("worker"), interview=interview, description="A park"
    )
    assert place.shareable is False
