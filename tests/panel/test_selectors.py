"""The panel's reads: the panel list over the stored records, a meeting's pack with its
network, the actions still to do; each refused to those who may not see it and each child
shown written to the access log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from homeward.audit.models import AccessEvent
from homeward.cases import services as case_services
from homeward.cases.models import Child
from homeward.panel import selectors, services
from homeward.panel.models import PanelTrigger
from tests.factories import make_child, make_episode, make_world
from tests.panel.helpers import held_interview, repeat_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_the_panel_list_gives_each_listed_child_with_the_reasons(world):
    today = timezone.localdate()
    repeat = repeat_child(world, first_name="Ava")
    repeat_child(world, first_name="Bo", days_ago=(40, 10, 3))  # only 2 in 30 days
    flagged = repeat_child(world, first_name="Cy", days_ago=(5,))
    stale = repeat_child(world, first_name="Dee", days_ago=(91,))  # flagged, nothing lately
    for child in (flagged, stale):
        case_services.child_flag_risk(
            by=world.user("coordinator"),
            child=child,
            kind="cse",
            noted_on=today - timedelta(days=3),
            source="School",
        )
    entries = selectors.panel_list(user=world.user("coordinator"), as_of=today)
    reasons = {e.child.first_name: [r.text for r in e.reasons] for e in entries}
    assert set(reasons) == {"Ava", "Cy"}
    assert reasons["Ava"][0].startswith("3 episodes in 30 days: ")
    noted, started = today - timedelta(days=3), today - timedelta(days=5)

    def short(day):
        return f"{day.day} {day:%b}" + ("" if day.year == today.year else f" {day.year}")

    assert reasons["Cy"] == [
        f"Risk flag: Child sexual exploitation since {short(noted)}; "
        f"episode in 90 days: {short(started)}"
    ]
    logged = AccessEvent.objects.filter(action="view", what__startswith="panel list")
    assert sorted(logged.values_list("child_id", flat=True)) == sorted([repeat.pk, flagged.pk])


def test_an_inactive_trigger_lists_no_one(world):
    repeat_child(world)
    PanelTrigger.objects.update(active=False)
    assert selectors.panel_list(user=world.user("manager"), as_of=timezone.localdate()) == []


def test_the_list_as_of_an_earlier_day_ignores_later_episodes(world):
    repeat_child(world, days_ago=(20, 10, 3))
    as_of = timezone.localdate() - timedelta(days=5)
    assert selectors.panel_list(user=world.user("coordinator"), as_of=as_of) == []


def test_a_first_episode_from_care_in_the_current_period_of_care(world):
    today = timezone.localdate()
    since = today - timedelta(days=200)
    child = make_child(world)
    Child.objects.filter(pk=child.pk).update(looked_after_since=since)  # no service sets it yet
    make_episode(world, child, started=timezone.now() - timedelta(days=6), missing_from="care")
    [entry] = selectors.panel_list(user=world.user("coordinator"), as_of=today)
    assert [r.kind for r in entry.reasons] == ["first_episode_from_care"]
    # A second episode from care is not a first one.
    later = make_child(world, first_name="Dee")
    Child.objects.filter(pk=later.pk).update(looked_after_since=since)
    make_episode(world, later, started=timezone.now() - timedelta(days=100), missing_from="care")
    make_episode(world, later, started=timezone.now() - timedelta(days=6), missing_from="care")
    listed = selectors.panel_list(user=world.user("coordinator"), as_of=today)
    assert [e.child.pk for e in listed] == [child.pk]


def test_a_harm_trigger_reads_the_interviews(world):
    services.trigger_add(by=world.user("coordinator"), kind="harm_disclosed", label="SE")
    child = make_child(world)
    held_interview(world, child, harms=("sexual_exploitation",))
    [entry] = selectors.panel_list(user=world.user("coordinator"), as_of=timezone.localdate())
    assert [r.text.split(" (")[0] for r in entry.reasons] == ["Harm disclosed: Sexual exploitation"]


@pytest.mark.parametrize("role", ["worker", "analyst", "police", "admin", "provider_manager"])
def test_others_may_not_see_the_panel(world, role):
    repeat_child(world)
    with pytest.raises(PermissionDenied):
        selectors.panel_list(user=world.user(role), as_of=timezone.localdate())
    with pytest.raises(PermissionDenied):
        selectors.outstanding_actions(user=world.user(role))
    assert not AccessEvent.objects.filter(what__startswith="panel").exists()


def _meeting_with_two_linked_children(world):
    by = world.user("coordinator")
    ava = repeat_child(world, first_name="Ava")
    bo = repeat_child(world, first_name="Bo")
    held_interview(
        world,
        ava,
        harms=("criminal_exploitation", "drugs_alcohol"),
        push="Arguments at the placement. " * 20,
        pull="Older friends with money",
        places=(("Flat above the takeaway", "ZZ1 2BB"),),
        adults=("Big Mike",),
    )
    held_interview(
        world,
        bo,
        harms=("criminal_exploitation",),
        places=(("the takeaway flat", "zz12bb"), ("Park", "")),
        adults=("mike, big", "Dee"),
    )
    meeting = services.meeting_create(by=by, date=timezone.localdate(), title="Panel")
    listings = [services.meeting_add_child(by=by, meeting=meeting, child=c) for c in (ava, bo)]
    return meeting, ava, bo, listings


def test_the_pack_has_episodes_themes_actions_and_the_network(world):
    meeting, ava, bo, listings = _meeting_with_two_linked_children(world)
    by = world.user("coordinator")
    today = timezone.localdate()
    later = services.action_add(
        by=by, listing=listings[0], text="Later", owner="YOS", due_on=today + timedelta(days=9)
    )
    overdue = services.action_add(
        by=by, listing=listings[0], text="Late", owner="School", due_on=today - timedelta(days=2)
    )
    pack = selectors.meeting_pack(user=world.user("manager"), meeting_id=meeting.pk)
    first = next(c for c in pack.children if c.child.pk == ava.pk)
    assert len(first.episodes) == 4  # three repeats and the interviewed one
    assert first.themes.harms == [
        ("Criminal exploitation (including county lines)", 1),
        ("Drug or alcohol use", 1),
    ]
    [summary] = first.themes.interviews
    assert len(summary["push"]) <= selectors.SUMMARY_CHARACTERS
    assert summary["push"].endswith("…")
    assert summary["pull"] == "Older friends with money"
    assert [a.pk for a in first.outstanding] == [overdue.pk, later.pk]
    links = {(link.node.kind, link.node.label, link.child_ids) for link in pack.network.links}
    assert links == {
        ("place", "Flat above the takeaway", tuple(sorted((ava.pk, bo.pk)))),
        ("adult", "Big Mike", tuple(sorted((ava.pk, bo.pk)))),
    }
    assert len(pack.layout.lines) == 4


def test_each_pack_view_and_export_is_logged_for_each_child(world):
    meeting, ava, bo, _listings = _meeting_with_two_linked_children(world)
    manager = world.user("manager")
    pack = selectors.meeting_pack(user=manager, meeting_id=meeting.pk)
    views = AccessEvent.objects.filter(action="view", what=f"panel meeting {meeting.pk} pack")
    assert sorted(views.values_list("child_id", flat=True)) == sorted([ava.pk, bo.pk])
    assert set(views.values_list("username", flat=True)) == {"manager"}
    selectors.log_pack_export(
        user=manager, meeting_id=meeting.pk, child_ids=pack.child_ids, reason="For the partners"
    )
    exports = AccessEvent.objects.filter(action="export")
    assert sorted(exports.values_list("child_id", flat=True)) == sorted([ava.pk, bo.pk])
    assert set(exports.values_list("reason", flat=True)) == {"For the partners"}
    with pytest.raises(ValueError):
        selectors.log_pack_export(
            user=manager, meeting_id=meeting.pk, child_ids=pack.child_ids, reason=" "
        )


def test_outstanding_actions_leave_out_the_done(world):
    meeting, _ava, _bo, listings = _meeting_with_two_linked_children(world)
    by = world.user("coordinator")
    action = services.action_add(
        by=by, listing=listings[1], text="Visit", owner="School", due_on=meeting.date
    )
    assert [a.pk for a in selectors.outstanding_actions(user=by)] == [action.pk]
    services.action_complete(by=by, action=action)
    assert selectors.outstanding_actions(user=by) == []


def test_a_degraded_network_shows_a_place_known_by_postcode_only_by_its_district(world):
    from homeward.cases.models import PlaceOfConcern
    from homeward.panel.selectors import network_for

    children = [repeat_child(world, first_name=name) for name in ("Cy", "Di")]
    for child in children:
        interview = held_interview(world, child)
        PlaceOfConcern.objects.create(interview=interview, description="", postcode="ZZ9 9XY")
    labels = {child.pk: child.first_name for child in children}

    def places(degrade: bool) -> list[str]:
        network = network_for(labels, degrade=degrade)
        return [node.label for node in network.nodes if node.kind == "place"]

    assert places(False) == ["ZZ9 9XY"]
    assert places(True) == ["Somewhere in ZZ9"]  # still one place: told apart by postcode
