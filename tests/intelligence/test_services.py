"""Police intelligence submissions: only what is shareable leaves, unchanged content is one
submission, every file and send is in the access log with its reason, and a real local
endpoint's success, refusal and silence are each recorded as they happened."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from homeward.audit.models import AccessEvent
from homeward.cases import services as case_services
from homeward.formats import intelligence as fmt
from homeward.intelligence import services
from homeward.intelligence.models import IntelligenceSubmission
from tests.factories import World, make_child, make_episode, make_interview, make_world
from tests.intelligence.server import police_endpoint

pytestmark = pytest.mark.django_db

Status = IntelligenceSubmission.Status


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def interview(world: World):
    child = make_child(world)
    record = make_interview(
        world,
        [make_episode(world, child, police_force=world.police, police_reference="FC-26-000123")],
    )
    worker = world.user("worker")
    case_services.interview_write_up(
        by=worker,
        interview=record,
        write_up=case_services.WriteUp(
            held_at=record.episodes.get().returned_at,
            child_words="SECRET-WORDS the child asked to keep private",
            whereabouts="SECRET-WHEREABOUTS at a friend's",
        ),
        expected_version=record.version,
    )
    record.refresh_from_db()
    add = {"by": worker, "interview": record}
    case_services.interview_add_place(
        **add, description="Flat above the takeaway", postcode="zz12bb", when="Fri", shareable=True
    )
    case_services.interview_add_place(**add, description="SECRET-PLACE grandmother's house")
    case_services.interview_add_adult(**add, description="Older male called Dee", shareable=True)
    case_services.interview_add_adult(**add, description="SECRET-ADULT a cousin")
    case_services.interview_add_vehicle(
        **add, description="Black hatchback", registration="zz11  abc", shareable=True
    )
    case_services.interview_add_vehicle(**add, description="SECRET-VEHICLE a bicycle")
    record.refresh_from_db()
    return record


def _prepare(world: World, interview, summary: str = "Taken to the flat by car.", **kw):
    return services.intelligence_prepare(
        by=world.user(kw.pop("who", "worker")), interview=interview, summary=summary, **kw
    )


def test_only_what_is_shareable_leaves(world, interview):
    submission, created = _prepare(world, interview)
    assert created
    document = json.loads(submission.payload)
    assert [p["description"] for p in document["places"]] == ["Flat above the takeaway"]
    assert document["places"][0] == {
        "description": "Flat above the takeaway",
        "postcode": "ZZ1 2BB",
        "when": "Fri",
    }
    assert [p["description"] for p in document["people"]] == ["Older male called Dee"]
    assert document["vehicles"] == [{"description": "Black hatchback", "registration": "ZZ11 ABC"}]
    assert document["disclosed"] == "Taken to the flat by car."
    assert document["police_references"] == ["FC-26-000123"]
    assert document["police_force"] == {"code": "fictional", "name": "Fictional Constabulary"}
    assert document["child"]["date_of_birth"] == "2011-05-14"
    assert "SECRET" not in submission.payload
    assert submission.reference.startswith("PI-")
    assert document["reference"] == submission.reference
    assert submission.payload_sha256 == fmt.content_hash(fmt.read_json(submission.payload))


def test_degrade_gives_month_of_birth_and_district(world, interview):
    submission, _ = _prepare(world, interview, degrade=True)
    child = json.loads(submission.payload)["child"]
    assert (child["date_of_birth"], child["postcode"], child["degraded"]) == (
        "2011-05-01",
        "ZZ1",
        True,
    )
    assert submission.degraded


def test_unchanged_content_is_one_submission_and_a_change_is_another(world, interview):
    first, created = _prepare(world, interview)
    again, created_again = _prepare(world, interview, who="coordinator")
    assert created and not created_again
    assert again.pk == first.pk
    changed, created_changed = _prepare(world, interview, summary="Something new.")
    assert created_changed and changed.pk != first.pk
    case_services.interview_add_place(
        by=world.user("worker"), interview=interview, description="Park by the station"
    )
    # A place not marked shareable changes nothing that would be shared.
    assert _prepare(world, interview)[0].pk == first.pk
    assert IntelligenceSubmission.objects.count() == 2


def test_nothing_shareable_is_refused(world):
    child = make_child(world)
    record = make_interview(world, [make_episode(world, child)])
    case_services.interview_add_place(
        by=world.user("worker"), interview=record, description="Not to be shared"
    )
    with pytest.raises(ValidationError, match="Nothing is recorded as shareable"):
        _prepare(world, record, summary="  ")
    assert not IntelligenceSubmission.objects.exists()


@pytest.mark.parametrize("who", ["worker2", "police", "analyst", "admin", "provider_worker"])
def test_only_the_worker_coordinators_and_managers_may_prepare(world, interview, who):
    with pytest.raises(PermissionDenied):
        _prepare(world, interview, who=who)


@pytest.mark.parametrize("who", ["worker", "coordinator", "manager"])
def test_the_worker_coordinators_and_managers_may_prepare(world, interview, who):
    assert _prepare(world, interview, who=who)[0].pk


def test_a_download_is_an_export_with_its_reason(world, interview):
    submission, _ = _prepare(world, interview)
    worker = world.user("worker")
    file = services.intelligence_download(
        by=worker, submission=submission, file_format="csv", reason="Agreed with the force"
    )
    assert file.name == f"{submission.reference}.csv"
    assert b"Flat above the takeaway" in file.data and b"SECRET" not in file.data
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT)
    assert (event.child_id, event.reason, event.username) == (
        interview.child_id,
        "Agreed with the force",
        "worker",
    )
    assert submission.reference in event.what and submission.payload_sha256 in event.detail
    submission.refresh_from_db()
    assert (submission.status, submission.method) == (Status.SENT, "file")
    json_file = services.intelligence_download(
        by=worker, submission=submission, file_format="json", reason="Again"
    )
    assert json.loads(json_file.data)["reference"] == submission.reference
    assert AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).count() == 2


def test_a_download_needs_a_reason_and_a_format(world, interview):
    submission, _ = _prepare(world, interview)
    with pytest.raises(ValidationError, match="Say why"):
        services.intelligence_download(
            by=world.user("worker"), submission=submission, file_format="json", reason=" "
        )
    with pytest.raises(ValidationError):
        services.intelligence_download(
            by=world.user("worker"), submission=submission, file_format="xlsx", reason="x"
        )
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).exists()
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT


def test_sending_records_the_police_reference_from_the_answer(world, interview, settings):
    submission, _ = _prepare(world, interview)
    with police_endpoint() as endpoint:
        settings.HOMEWARD_INTELLIGENCE_ENDPOINT = endpoint.url
        settings.HOMEWARD_INTELLIGENCE_TOKEN = "test-token-not-secret"
        sent = services.intelligence_send(
            by=world.user("worker"), submission=submission, reason="Exploitation concern"
        )
    assert sent.status == Status.ACKNOWLEDGED
    assert (sent.police_reference, sent.method, sent.attempts) == ("INTEL-2026-0042", "endpoint", 1)
    assert sent.police_reference_recorded_at is not None
    [received] = endpoint.received
    assert received.headers["Authorization"] == "Bearer test-token-not-secret"
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["Idempotency-Key"] == submission.payload_sha256
    assert json.loads(received.body) == json.loads(submission.payload)
    event = AccessEvent.objects.get(action=AccessEvent.Action.SHARE)
    assert (event.child_id, event.reason) == (interview.child_id, "Exploitation concern")
    assert "INTEL-2026-0042" in event.detail
    # Taken once: sending the same content again is refused, nothing is POSTed again.
    again, created = _prepare(world, interview)
    assert not created and again.pk == submission.pk
    with police_endpoint() as endpoint, pytest.raises(ValidationError, match="already sent"):
        settings.HOMEWARD_INTELLIGENCE_ENDPOINT = endpoint.url
        services.intelligence_send(by=world.user("worker"), submission=again, reason="Again")
    assert endpoint.received == []


def test_an_answer_without_a_reference_is_sent_not_acknowledged(world, interview, settings):
    submission, _ = _prepare(world, interview)
    with police_endpoint(status=202, answer=b"accepted") as endpoint:
        settings.HOMEWARD_INTELLIGENCE_ENDPOINT = endpoint.url
        sent = services.intelligence_send(
            by=world.user("worker"), submission=submission, reason="x"
        )
    assert (sent.status, sent.police_reference, sent.error) == (Status.SENT, "", "")
    assert sent.sent_at is not None


def test_a_refusal_is_recorded_as_failed_and_can_be_tried_again(world, interview, settings):
    submission, _ = _prepare(world, interview)
    with police_endpoint(status=500, answer={"error": "database down"}) as endpoint:
        settings.HOMEWARD_INTELLIGENCE_ENDPOINT = endpoint.url
        failed = services.intelligence_send(
            by=world.user("worker"), submission=submission, reason="Concern"
        )
    assert failed.status == Status.FAILED
    assert "500" in failed.error and "database down" in failed.error
    assert failed.sent_at is None
    share = AccessEvent.objects.get(action=AccessEvent.Action.SHARE)
    assert "failed" in share.detail and share.reason == "Concern"
    with police_endpoint() as endpoint:
        settings.HOMEWARD_INTELLIGENCE_ENDPOINT = endpoint.url
        retried = services.intelligence_send(
            by=world.user("coordinator"), submission=failed, reason="Retry"
        )
    assert (retried.pk, retried.status, retried.attempts, retried.error) == (
        submission.pk,
        Status.ACKNOWLEDGED,
        2,
        "",
    )
    assert IntelligenceSubmission.objects.count() == 1
    assert AccessEvent.objects.filter(action=AccessEvent.Action.SHARE).count() == 2


def test_an_endpoint_that_does_not_answer_in_time_is_recorded(world, interview, settings):
    submission, _ = _prepare(world, interview)
    settings.HOMEWARD_INTELLIGENCE_TIMEOUT = 0.3
    with police_endpoint(delay=1.5) as endpoint:
        settings.HOMEWARD_INTELLIGENCE_ENDPOINT = endpoint.url
        failed = services.intelligence_send(
            by=world.user("worker"), submission=submission, reason="Concern"
        )
    assert failed.status == Status.FAILED
    assert "did not answer within 0.3 seconds" in failed.error
    assert len(endpoint.received) == 1


def test_an_unreachable_or_missing_endpoint(world, interview, settings):
    submission, _ = _prepare(world, interview)
    settings.HOMEWARD_INTELLIGENCE_ENDPOINT = ""
    with pytest.raises(ValidationError, match="No police intelligence endpoint"):
        services.intelligence_send(by=world.user("worker"), submission=submission, reason="x")
    with police_endpoint() as endpoint:
        closed = endpoint.url  # the server is gone once the block ends
    settings.HOMEWARD_INTELLIGENCE_ENDPOINT = closed
    failed = services.intelligence_send(by=world.user("worker"), submission=submission, reason="x")
    assert failed.status == Status.FAILED and "could not be reached" in failed.error


def test_sending_needs_permission_and_a_reason(world, interview, settings):
    submission, _ = _prepare(world, interview)
    settings.HOMEWARD_INTELLIGENCE_ENDPOINT = "http://127.0.0.1:9/never"
    with pytest.raises(PermissionDenied):
        services.intelligence_send(by=world.user("police"), submission=submission, reason="x")
    with pytest.raises(ValidationError):
        services.intelligence_send(by=world.user("worker"), submission=submission, reason="")
    submission.refresh_from_db()
    assert (submission.status, submission.attempts) == (Status.DRAFT, 0)
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.SHARE).exists()


def test_the_police_liaison_records_the_police_reference(world, interview):
    submission, _ = _prepare(world, interview)
    police = world.user("police")
    with pytest.raises(ValidationError, match="not been shared"):
        services.intelligence_record_police_reference(
            by=police, submission=submission, police_reference="LOG-1"
        )
    services.intelligence_download(
        by=world.user("worker"), submission=submission, file_format="json", reason="By email"
    )
    with pytest.raises(PermissionDenied):
        services.intelligence_record_police_reference(
            by=world.user("worker"), submission=submission, police_reference="LOG-1"
        )
    with pytest.raises(ValidationError):
        services.intelligence_record_police_reference(
            by=police, submission=submission, police_reference="   "
        )
    recorded = services.intelligence_record_police_reference(
        by=police, submission=submission, police_reference=" LOG-2026-77 "
    )
    assert (recorded.police_reference, recorded.status) == ("LOG-2026-77", Status.ACKNOWLEDGED)
    assert recorded.police_reference_recorded_by == police
    assert recorded.police_reference_recorded_at is not None


def test_the_first_download_is_recorded_as_information_shared_once(world, interview):
    from homeward.cases.models import InformationShare

    submission, _ = _prepare(world, interview)
    worker = world.user("worker")
    for how in ("json", "csv"):
        services.intelligence_download(
            by=worker, submission=submission, file_format=how, reason="Agreed with the force"
        )
    share = InformationShare.objects.get(interview=interview)
    assert (share.recipient, share.basis, share.shared_by) == ("police", "crime", worker)
    assert submission.reference in share.detail and "Agreed with the force" in share.detail


def test_intelligence_awaiting_acknowledgement_is_listed_for_its_force(world, interview):
    from homeward.intelligence import selectors

    submission, _ = _prepare(world, interview)
    police, other_force = world.user("police"), world.user("police2")
    assert list(selectors.awaiting_acknowledgement(user=police)) == []  # not yet shared
    services.intelligence_download(
        by=world.user("worker"), submission=submission, file_format="json", reason="By email"
    )
    for who in ("police", "coordinator", "manager"):
        listed = selectors.awaiting_acknowledgement(user=world.user(who))
        assert [s.pk for s in listed] == [submission.pk], who
    assert list(selectors.awaiting_acknowledgement(user=other_force)) == []
    with pytest.raises(PermissionDenied):
        selectors.awaiting_acknowledgement(user=world.user("worker"))
    services.intelligence_record_police_reference(
        by=police, submission=submission, police_reference="LOG-1"
    )
    assert list(selectors.awaiting_acknowledgement(user=police)) == []
