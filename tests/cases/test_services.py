"""The case services: the statutory clock on stored episodes, allocation, the interview's
journey, the guards that refuse out-of-order writes, and lost-update protection."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from homeward.cases import services
from homeward.cases.models import Child, ChildMatchKey, Episode, ReturnInterview
from tests.factories import make_child, make_episode, make_interview, make_world

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")


def test_episode_due_72_hours_after_return():
    world = make_world()
    child = make_child(world)
    returned = datetime(2026, 11, 2, 9, 30, tzinfo=UK)
    episode = make_episode(
        world, child, started=returned - timedelta(hours=5), returned_after=timedelta(hours=5)
    )
    assert episode.returned_at == returned
    assert episode.due_at == datetime(2026, 11, 5, 9, 30, tzinfo=UK)
    assert "72 hours" in episode.due_rule


def test_working_days_skip_weekend_and_bank_holiday():
    world = make_world(unit="working_days")
    child = make_child(world)
    # Returned Saturday 23 May 2026; Monday 25 May is the Spring bank holiday (England):
    # the 3rd working day after is Thursday 28 May.
    returned = datetime(2026, 5, 23, 14, 0, tzinfo=UK)
    episode = make_episode(
        world, child, started=returned - timedelta(hours=3), returned_after=timedelta(hours=3)
    )
    assert episode.due_at.astimezone(UK).date().isoformat() == "2026-05-28"


def test_latest_bunching_measures_all_episodes_from_latest_return():
    world = make_world(bunching="latest")
    child = make_child(world)
    first = make_episode(world, child, started=timezone.now() - timedelta(days=6))
    second = make_episode(world, child, started=timezone.now() - timedelta(days=2))
    interview = make_interview(world, [first, second])
    assert interview.due_at == second.due_at
    assert Episode.objects.get(pk=first.pk).due_at == second.due_at


def test_each_bunching_due_at_the_earliest_episode():
    world = make_world()
    child = make_child(world)
    first = make_episode(world, child, started=timezone.now() - timedelta(days=6))
    second = make_episode(world, child, started=timezone.now() - timedelta(days=2))
    interview = make_interview(world, [first, second])
    assert interview.due_at == first.due_at < second.due_at


def test_allocation_refuses_covered_episode_and_two_children():
    world = make_world()
    child = make_child(world)
    other = make_child(world, first_name="Sam", last_name="Other")
    episode = make_episode(world, child)
    make_interview(world, [episode])
    with pytest.raises(ValidationError, match="Already covered"):
        make_interview(world, [Episode.objects.get(pk=episode.pk)])
    with pytest.raises(ValidationError, match="one child"):
        make_interview(world, [make_episode(world, child), make_episode(world, other)])


def test_worker_cannot_allocate_or_record_episode():
    world = make_world()
    child = make_child(world)
    with pytest.raises(PermissionDenied):
        services.episode_record(
            by=world.user("worker"),
            child=child,
            category="missing",
            missing_from="home",
            started_at=timezone.now(),
        )


def test_decline_needs_an_offer_first_then_records_who_and_why():
    world = make_world()
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    worker = world.user("worker")
    with pytest.raises(ValidationError, match="offer"):
        services.interview_record_decline(
            by=worker,
            interview=interview,
            declined_by="child",
            reason="Did not want to talk",
            reason_code="not_wanted",
        )
    services.interview_record_offer(
        by=worker,
        interview=interview,
        offered_at=timezone.now(),
        offered_to="child",
        method="phone",
    )
    declined = services.interview_record_decline(
        by=worker,
        interview=interview,
        declined_by="parent_carer",
        reason="Family said no",
        reason_code="carer_refused",
    )
    assert (declined.outcome, declined.declined_by) == ("declined", "parent_carer")
    assert declined.decline_reason_code == "carer_refused"
    assert ReturnInterview.objects.get(pk=interview.pk).decline_reason == "Family said no"


def test_a_decline_needs_a_coded_reason():
    world = make_world()
    interview = make_interview(world, [make_episode(world, make_child(world))])
    worker = world.user("worker")
    services.interview_record_offer(
        by=worker,
        interview=interview,
        offered_at=timezone.now(),
        offered_to="child",
        method="phone",
    )
    for code in ("", "bored"):
        with pytest.raises(ValidationError) as error:
            services.interview_record_decline(
                by=worker, interview=interview, declined_by="child", reason="No", reason_code=code
            )
        assert "reason_code" in error.value.message_dict
    assert ReturnInterview.objects.get(pk=interview.pk).outcome == "pending"


def test_late_write_up_needs_a_reason():
    world = make_world()
    child = make_child(world)
    episode = make_episode(world, child, started=timezone.now() - timedelta(days=10))
    interview = make_interview(world, [episode])
    write_up = services.WriteUp(held_at=timezone.now() - timedelta(hours=1), harms=("self_harm",))
    with pytest.raises(ValidationError) as error:
        services.interview_write_up(
            by=world.user("worker"),
            interview=interview,
            write_up=write_up,
            expected_version=interview.version,
        )
    assert "late_reason" in error.value.message_dict
    assert "late_reason_code" in error.value.message_dict
    done = services.interview_write_up(
        by=world.user("worker"),
        interview=interview,
        write_up=services.WriteUp(
            held_at=write_up.held_at,
            harms=("self_harm",),
            late_reason="Child unwell for a week",
            late_reason_code="child_unavailable",
        ),
        expected_version=interview.version,
    )
    assert done.outcome == "accepted" and done.harms == ["self_harm"]


def test_second_save_of_the_same_version_is_refused_with_the_difference():
    world = make_world()
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    read_version = interview.version
    held = timezone.now() - timedelta(hours=2)
    services.interview_write_up(
        by=world.user("worker"),
        interview=interview,
        write_up=services.WriteUp(held_at=held, child_words="First"),
        expected_version=read_version,
    )
    with pytest.raises(services.StaleRecord) as stale:
        services.interview_write_up(
            by=world.user("coordinator"),
            interview=interview,
            write_up=services.WriteUp(held_at=held, child_words="Second"),
            expected_version=read_version,
        )
    assert ("child_words", "First", "Second") in stale.value.differences
    assert ReturnInterview.objects.get(pk=interview.pk).child_words == "First"


def test_sign_off_by_a_manager_only_when_closed():
    world = make_world()
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    manager = world.user("manager")
    with pytest.raises(ValidationError, match="held, declined"):
        services.interview_sign_off(by=manager, interview=interview)
    with pytest.raises(PermissionDenied):
        services.interview_sign_off(by=world.user("coordinator"), interview=interview)
    services.interview_write_up(
        by=world.user("worker"),
        interview=interview,
        write_up=services.WriteUp(held_at=timezone.now()),
        expected_version=interview.version,
    )
    with pytest.raises(ValidationError, match="not been submitted"):
        services.interview_sign_off(by=manager, interview=interview)
    services.interview_submit_for_sign_off(by=world.user("worker"), interview=interview)
    signed = services.interview_sign_off(by=manager, interview=interview, note="Good work")
    assert signed.signed_off_by == manager


def test_continuity_suggests_the_last_worker():
    world = make_world()
    child = make_child(world)
    make_interview(world, [make_episode(world, child)], worker="worker2")
    assert services.suggest_worker(child=child) == world.user("worker2")


def test_disclosures_are_encrypted_at_rest():
    from django.db import connection

    world = make_world()
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    services.interview_write_up(
        by=world.user("worker"),
        interview=interview,
        write_up=services.WriteUp(held_at=timezone.now(), child_words="a secret place"),
        expected_version=interview.version,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT child_words FROM cases_returninterview WHERE id = %s", [interview.pk]
        )
        stored = cursor.fetchone()[0]
    assert "secret" not in stored and stored.startswith("gAAAA")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"legal_status": "none", "looked_after_since": date(2020, 1, 1)}, "looked_after_since"),
        ({"legal_status": "looked_after", "looked_after_since": date(2009, 1, 1)},
         "looked_after_since"),
        ({"legal_status": "looked_after", "looked_after_since": date(2999, 1, 1)},
         "looked_after_since"),
        ({"upn": "12345"}, "upn"),
    ],
)  # fmt: skip
def test_a_period_of_care_and_a_upn_are_checked(fields, field):
    world = make_world()
    with pytest.raises(ValidationError) as error:
        services.child_create(
            by=world.user("coordinator"),
            first_name="Kit",
            last_name="Example",
            date_of_birth=date(2010, 6, 1),
            **fields,
        )
    assert field in error.value.message_dict
    assert not Child.objects.filter(first_name="Kit").exists()


@pytest.mark.django_db
def test_a_childs_match_keys_go_with_the_child():
    # The keys' link to the child is not a database constraint (the SSD import writes them
    # by the hundred thousand): Django's own cascade must still remove them.
    world = make_world()
    child = make_child(world)
    other = make_child(world, first_name="Riley")
    services.child_match_keys_refresh(child=child)
    services.child_match_keys_refresh(child=other)
    assert ChildMatchKey.objects.filter(child=child).exists()
    kept = ChildMatchKey.objects.filter(child=other).count()
    child.delete()
    assert not ChildMatchKey.objects.filter(child_id=child.pk).exists()
    assert ChildMatchKey.objects.filter(child=other).count() == kept > 0
