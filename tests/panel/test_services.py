"""The panel's writes: meetings, listings, decisions, actions and triggers; refused to
those who may not, refused with the field named for bad input, never duplicated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from homeward.panel import services
from homeward.panel.models import (
    PanelAction,
    PanelDecision,
    PanelListing,
    PanelMeeting,
    PanelTrigger,
)
from tests.factories import make_child, make_world
from tests.panel.helpers import repeat_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def meeting(world):
    return services.meeting_create(
        by=world.user("coordinator"), date=timezone.localdate(), title="December panel"
    )


def test_the_default_triggers_are_seeded():
    seeded = {t.kind: t.parameters for t in PanelTrigger.objects.filter(active=True)}
    assert seeded == {
        "episodes_in_days": {"episodes": 3, "days": 30},
        "high_risk_episode": {"days": 90, "grades": ["high"]},
        "exploitation_flag": {"kinds": ["cse", "cce", "trafficking"], "days": 90},
        "first_episode_from_care": {"days": 30},
    }


def test_a_meeting_sent_twice_is_one_meeting(world, meeting):
    again = services.meeting_create(
        by=world.user("manager"), date=meeting.date, title="  December panel "
    )
    assert again.pk == meeting.pk
    assert PanelMeeting.objects.count() == 1


def test_a_meeting_needs_a_title(world):
    with pytest.raises(ValidationError) as refused:
        services.meeting_create(by=world.user("coordinator"), date=timezone.localdate(), title=" ")
    assert "title" in refused.value.message_dict
    assert PanelMeeting.objects.count() == 0


@pytest.mark.parametrize("role", ["worker", "analyst", "police", "admin", "provider_manager"])
def test_only_coordinators_and_managers_manage_the_panel(world, meeting, role):
    user = world.user(role)
    child = make_child(world)
    with pytest.raises(PermissionDenied):
        services.meeting_create(by=user, date=timezone.localdate(), title="Mine")
    with pytest.raises(PermissionDenied):
        services.meeting_add_child(by=user, meeting=meeting, child=child)
    assert not PanelListing.objects.exists()


def test_a_child_is_listed_once_with_the_reasons_as_of_the_meeting(world, meeting):
    child = repeat_child(world)
    by = world.user("coordinator")
    listing = services.meeting_add_child(by=by, meeting=meeting, child=child)
    again = services.meeting_add_child(by=by, meeting=meeting, child=child)
    assert again.pk == listing.pk
    assert PanelListing.objects.count() == 1
    [reason] = listing.reasons
    assert reason.startswith("3 episodes in 30 days: ")


def test_a_child_the_triggers_do_not_list_can_still_be_listed(world, meeting):
    child = make_child(world)
    listing = services.meeting_add_child(by=world.user("manager"), meeting=meeting, child=child)
    assert listing.reasons == ["Listed by the panel"]


def test_decisions_are_encrypted_and_not_duplicated(world, meeting):
    listing = services.meeting_add_child(
        by=world.user("coordinator"), meeting=meeting, child=make_child(world)
    )
    by = world.user("manager")
    decision = services.decision_record(by=by, listing=listing, text="Refer to the CCE team.")
    again = services.decision_record(by=by, listing=listing, text=" Refer to the CCE team. ")
    assert again.pk == decision.pk
    assert PanelDecision.objects.count() == 1
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM panel_paneldecision")
        [(stored,)] = cursor.fetchall()
    assert "CCE" not in stored
    with pytest.raises(ValidationError) as refused:
        services.decision_record(by=by, listing=listing, text="")
    assert "text" in refused.value.message_dict


def test_actions_name_every_missing_field_and_are_not_duplicated(world, meeting):
    listing = services.meeting_add_child(
        by=world.user("coordinator"), meeting=meeting, child=make_child(world)
    )
    by = world.user("coordinator")
    with pytest.raises(ValidationError) as refused:
        services.action_add(by=by, listing=listing, text="", owner=" ", due_on=meeting.date)
    assert set(refused.value.message_dict) == {"text", "owner"}
    assert not PanelAction.objects.exists()
    due = meeting.date + timedelta(days=7)
    one = services.action_add(by=by, listing=listing, text="Visit", owner="School", due_on=due)
    two = services.action_add(by=by, listing=listing, text="Visit", owner="School", due_on=due)
    assert one.pk == two.pk
    other = services.action_add(by=by, listing=listing, text="Visit", owner="Police", due_on=due)
    assert other.pk != one.pk


def test_completing_an_action_twice_keeps_the_first(world, meeting):
    by = world.user("coordinator")
    listing = services.meeting_add_child(by=by, meeting=meeting, child=make_child(world))
    action = services.action_add(
        by=by, listing=listing, text="Visit", owner="School", due_on=meeting.date
    )
    done = services.action_complete(by=by, action=action, note="Visited on Monday")
    again = services.action_complete(by=world.user("manager"), action=action, note="Other")
    assert again.done_at == done.done_at
    assert again.done_note == "Visited on Monday"
    assert again.done_by == by


def test_a_child_with_decisions_stays_listed(world, meeting):
    by = world.user("coordinator")
    child = make_child(world)
    listing = services.meeting_add_child(by=by, meeting=meeting, child=child)
    services.decision_record(by=by, listing=listing, text="No further action")
    with pytest.raises(ValidationError):
        services.meeting_remove_child(by=by, meeting=meeting, child=child)
    assert PanelListing.objects.filter(pk=listing.pk).exists()
    other = make_child(world, first_name="Sam")
    services.meeting_add_child(by=by, meeting=meeting, child=other)
    assert services.meeting_remove_child(by=by, meeting=meeting, child=other) is True
    assert services.meeting_remove_child(by=by, meeting=meeting, child=other) is False


def test_trigger_parameters_are_checked_and_saved_all_or_none(world):
    by = world.user("manager")
    repeat, high = PanelTrigger.objects.order_by("pk")[:2]
    with pytest.raises(ValidationError) as refused:
        services.triggers_save(
            by=by,
            changes=[
                (repeat, {"episodes": 4, "days": 60}, True, "4 in 60 days"),
                (high, {"days": 0, "grades": ["high"]}, True, "High"),
            ],
        )
    assert "days" in refused.value.message_dict
    repeat.refresh_from_db()
    assert repeat.parameters == {"episodes": 3, "days": 30}
    services.triggers_save(
        by=by, changes=[(repeat, {"episodes": 4, "days": 60}, False, "4 in 60 days")]
    )
    repeat.refresh_from_db()
    assert (repeat.parameters, repeat.active, repeat.label) == (
        {"episodes": 4, "days": 60},
        False,
        "4 in 60 days",
    )


def test_a_harm_trigger_needs_a_known_harm_and_is_added_once(world):
    by = world.user("coordinator")
    with pytest.raises(ValidationError) as refused:
        services.trigger_add(by=by, kind="harm_disclosed", label="X", parameters={"harm": "nope"})
    assert "harm" in refused.value.message_dict
    one = services.trigger_add(by=by, kind="harm_disclosed", label="Sexual exploitation")
    two = services.trigger_add(by=by, kind="harm_disclosed", label="Again")
    assert one.pk == two.pk
    assert one.parameters == {"harm": "sexual_exploitation", "days": 90}
