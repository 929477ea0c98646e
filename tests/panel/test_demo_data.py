"""The demo's panel meeting: the listed children, a decision, an overdue action; seeding
again adds nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from homeward.panel.demo_data import seed_meeting
from homeward.panel.models import PanelAction, PanelDecision, PanelListing, PanelMeeting
from tests.factories import make_world
from tests.panel.helpers import repeat_child

pytestmark = pytest.mark.django_db


def test_the_demo_meeting_lists_the_children_the_triggers_list():
    world = make_world()
    listed = [repeat_child(world, first_name=f"Kid{n}") for n in range(3)]
    today = timezone.localdate()
    for _ in range(2):
        meeting = seed_meeting(by=world.user("coordinator"), today=today)
    assert PanelMeeting.objects.count() == 1
    assert sorted(PanelListing.objects.values_list("child_id", flat=True)) == sorted(
        c.pk for c in listed
    )
    assert PanelDecision.objects.count() == 1
    actions = PanelAction.objects.filter(listing__meeting=meeting)
    assert actions.count() == 2 and actions.filter(due_on__lt=today).count() == 1
