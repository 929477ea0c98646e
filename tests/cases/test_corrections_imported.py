"""Imported history (an episode of the case system's SSD extract) is read-only for real:
every service that writes an episode refuses it, whatever page or file the call comes from."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from homeward.cases import corrections, services
from homeward.cases.models import Episode
from homeward.intake import selectors as intake_selectors
from homeward.intake import services as intake_services
from homeward.intake.models import PoliceReport
from tests.factories import World, make_child, make_episode, make_world
from tests.intake.helpers import notification, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def imported(episode: Episode, source_id: str = "M1") -> Episode:
    """The episode as the SSD import leaves it: the case system's, with its answers."""
    Episode.objects.filter(pk=episode.pk).update(
        source=Episode.Source.SSD,
        source_id=source_id,
        imported_rhi_offered="Y",
        imported_rhi_accepted="Y",
    )
    episode.refresh_from_db()
    return episode


def unchanged(episode: Episode) -> None:
    before = {f.name: getattr(episode, f.name) for f in Episode._meta.concrete_fields}
    episode.refresh_from_db()
    after = {f.name: getattr(episode, f.name) for f in Episode._meta.concrete_fields}
    assert after == before


def test_the_services_message_is_the_corrections_one() -> None:
    assert corrections.IMPORTED == services.IMPORTED
    assert "case system" in services.IMPORTED


def test_recording_the_return_of_an_imported_episode_is_refused(world: World) -> None:
    episode = imported(make_episode(world, make_child(world), returned_after=None))

    with pytest.raises(PermissionDenied, match="case system's history"):
        services.episode_record_return(
            by=world.user("coordinator"), episode=episode, returned_at=timezone.now()
        )

    unchanged(episode)
    assert episode.returned_at is None


def test_allocating_an_interview_for_an_imported_episode_is_refused(world: World) -> None:
    child = make_child(world)
    own = make_episode(world, child)
    history = imported(make_episode(world, child, started=timezone.now() - timedelta(days=5)))
    worker = world.user("worker")

    with pytest.raises(PermissionDenied, match=history.reference):
        services.interview_allocate(
            by=world.user("coordinator"),
            episodes=[own, history],
            organisation=worker.organisation,
            worker=worker,
        )
    with pytest.raises(PermissionDenied):
        services.interviews_allocate_many(
            by=world.user("coordinator"), episodes=[history], organisation=worker.organisation
        )

    unchanged(history)
    assert history.interview_id is None
    own.refresh_from_db()
    assert own.interview_id is None  # all or nothing


def test_an_imported_episode_is_never_covered_so_no_offer_can_be_recorded_for_it(
    world: World,
) -> None:
    """Offers, attempts and the write-up are recorded on an interview; an interview only
    ever covers episodes allocated to it, and allocation refuses imported ones."""
    child = make_child(world)
    history = imported(make_episode(world, child))
    worker = world.user("worker")
    interview = services.interview_allocate(
        by=world.user("coordinator"),
        episodes=[make_episode(world, child, started=timezone.now() - timedelta(days=1))],
        organisation=worker.organisation,
        worker=worker,
    )

    assert list(interview.episodes.values_list("source", flat=True)) == ["homeward"]
    unchanged(history)
    assert history.interview_id is None


def test_correcting_or_marking_an_imported_episode_in_error_is_refused(world: World) -> None:
    episode = imported(make_episode(world, make_child(world)))
    coordinator = world.user("coordinator")

    with pytest.raises(PermissionDenied, match="case system's history"):
        corrections.episode_change(
            by=coordinator, episode=episode, values={"risk_grade": "high"}, reason="x"
        )
    with pytest.raises(PermissionDenied, match="case system's history"):
        corrections.episode_mark_in_error(by=coordinator, episode=episode, reason="wrong")

    unchanged(episode)
    assert episode.entered_in_error_at is None


def test_a_miscoding_recode_refuses_an_imported_episode(world: World) -> None:
    episode = imported(make_episode(world, make_child(world), category="absent"))

    with pytest.raises(PermissionDenied, match="case system's history"):
        corrections.episode_recode(
            by=world.user("manager"),
            episode=episode,
            category="missing",
            risk_grade="high",
            missing_from="home",
            reason="Force agrees",
        )

    unchanged(episode)
    assert episode.category == "absent"


def test_a_police_notification_never_updates_an_imported_episode(world: World) -> None:
    episode = imported(make_episode(world, make_child(world)))

    with pytest.raises(PermissionDenied, match="case system's history"):
        services.episode_apply_police(episode=episode, values={"risk_grade": "high"})

    unchanged(episode)


def test_a_police_report_cannot_be_linked_to_an_imported_episode(world: World) -> None:
    from datetime import UTC, datetime

    child = make_child(world)
    episode = imported(make_episode(world, child, started=datetime(2026, 3, 1, 18, 30, tzinfo=UTC)))
    send(world, notification())
    report = PoliceReport.objects.get(police_reference="FC-2026-0001")

    # Not offered as an episode to link the report to…
    near = intake_selectors.episodes_near(report, [child.pk])
    assert episode.pk not in [e.pk for e in near.get(child.pk, [])]
    # …and refused when asked for anyway.
    with pytest.raises(ValidationError) as refused:
        intake_services.report_link(
            by=world.user("coordinator"), report=report, child=child, episode=episode
        )

    assert "case system's history" in refused.value.message_dict["episode"][0]
    unchanged(episode)
    assert episode.police_reference == ""
    report.refresh_from_db()
    assert report.episode_id is None
