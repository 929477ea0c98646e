"""Who is on the panel list: those a trigger lists inside its look-back window, under 18 on
the day; care leavers aged 18 to 25 only when the authority turns them on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from homeward.cases import services as case_services
from homeward.cases.models import Child
from homeward.panel import selectors, services
from homeward.panel.models import PanelSettings
from tests.factories import make_child, make_world
from tests.panel.helpers import born_aged, repeat_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _names(world, as_of=None):
    as_of = as_of or timezone.localdate()
    entries = selectors.panel_list(user=world.user("coordinator"), as_of=as_of)
    return {e.child.first_name: e for e in entries}


def _flag(world, child, days_ago=400):
    case_services.child_flag_risk(
        by=world.user("coordinator"),
        child=child,
        kind="cce",
        noted_on=timezone.localdate() - timedelta(days=days_ago),
        source="Police",
    )


def test_only_what_happened_inside_each_triggers_window_lists_a_child(world):
    recent = repeat_child(world, first_name="Recent", days_ago=(89,))
    old = repeat_child(world, first_name="Old", days_ago=(90, 200, 300))
    never = make_child(world, first_name="Never", date_of_birth=born_aged(14))
    for child in (recent, old, never):
        _flag(world, child)
    # An open flag lists a child only with an episode inside its 90 days (today and the 89
    # days before it).
    assert set(_names(world)) == {"Recent"}
    # As of yesterday, the episode of 90 days ago was inside the window.
    assert set(_names(world, timezone.localdate() - timedelta(days=1))) == {"Recent", "Old"}


def test_no_one_of_18_or_over_is_on_the_list(world):
    repeat_child(world, first_name="Seventeen", date_of_birth=born_aged(17, days=364))
    repeat_child(world, first_name="Eighteen", date_of_birth=born_aged(18, days=0))
    repeat_child(world, first_name="Twenty", date_of_birth=born_aged(20))
    repeat_child(world, first_name="Unknown", date_of_birth=None)
    names = _names(world)
    assert set(names) == {"Seventeen", "Unknown"}
    assert {e.group for e in names.values()} == {"child"}


def _leavers(world):
    """A care leaver of 19 (recorded as one), one of 24 whose care began at 16 and is still
    recorded, a 20-year-old never in care, and a care leaver of 26: each missing 3 times."""
    made = {
        "Leaver": {"legal_status": "care_leaver", "date_of_birth": born_aged(19)},
        "Stillrecorded": {"legal_status": "looked_after", "date_of_birth": born_aged(24)},
        "Nevercare": {"legal_status": "none", "date_of_birth": born_aged(20)},
        "Toolate": {"legal_status": "care_leaver", "date_of_birth": born_aged(26)},
    }
    children = {name: repeat_child(world, first_name=name, **f) for name, f in made.items()}
    since = born_aged(24) + timedelta(days=16 * 365 + 10)  # in care from 16
    Child.objects.filter(pk=children["Stillrecorded"].pk).update(looked_after_since=since)
    return children


def test_care_leavers_are_listed_only_when_the_authority_turns_them_on(world):
    _leavers(world)
    repeat_child(world, first_name="Child")
    assert set(_names(world)) == {"Child"}  # off by default
    assert not PanelSettings.objects.exists()
    services.settings_set_care_leavers(by=world.user("manager"), care_leavers=True)
    names = _names(world)
    assert set(names) == {"Child", "Leaver", "Stillrecorded"}
    assert [n for n, e in names.items() if e.care_leaver] == ["Leaver", "Stillrecorded"]
    services.settings_set_care_leavers(by=world.user("coordinator"), care_leavers=False)
    assert set(_names(world)) == {"Child"}
    settings = PanelSettings.objects.get()
    assert settings.authority == world.authority and settings.updated_by.username == "coordinator"


@pytest.mark.parametrize("role", ["worker", "analyst", "police", "admin"])
def test_only_the_panels_people_set_the_care_leavers(world, role):
    with pytest.raises(PermissionDenied):
        services.settings_set_care_leavers(by=world.user(role), care_leavers=True)
    assert not PanelSettings.objects.exists()


def test_the_demo_meeting_takes_only_children_from_the_list(world):
    from homeward.panel.demo_data import seed_meeting

    repeat_child(world, first_name="Child")
    repeat_child(world, first_name="Adult", date_of_birth=born_aged(19))
    meeting = seed_meeting(by=world.user("coordinator"), today=timezone.localdate())
    assert [listing.child.first_name for listing in meeting.listings.all()] == ["Child"]
