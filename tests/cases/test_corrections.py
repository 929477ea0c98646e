"""Correcting saved records (homeward.cases.corrections): who may, when a reason is
required, the history kept, what is recomputed, and "entered in error" out of every count."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record_children
from homeward.cases import (
    alerts,
    analysis,
    corrections,
    indicator_tables,
    selectors,
    services,
    status,
)
from homeward.cases.models import (
    Child,
    ChildMatchKey,
    Correction,
    Episode,
    Offer,
    PlaceOfConcern,
    ReturnInterview,
)
from homeward.panel import selectors as panel_selectors
from homeward.returns import ssd
from tests.factories import World, make_child, make_episode, make_interview, make_world

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _a_day_three_days_ago(monkeypatch):
    """The reason rule reads the reporting year of today: stand three days back, so the
    tests' recent episodes (the last two days) are never in a year that has ended, even on
    the first days of April."""
    day = (timezone.now() - timedelta(days=3)).astimezone(UK).date()
    monkeypatch.setattr(corrections, "_today", lambda: day)


@pytest.fixture
def world() -> World:
    world = make_world()
    for name, user in world.users.items():
        user.email = f"{name}@fenmoor.example"
        user.save(update_fields=["email"])
    return world


def _old(world: World, child: Child) -> Episode:
    """An episode of two years ago: its reporting year has ended."""
    return make_episode(world, child, started=timezone.now() - timedelta(days=730))


def _sign_off(world: World, interview: ReturnInterview) -> ReturnInterview:
    services.interview_write_up(
        by=world.user("worker"),
        interview=interview,
        write_up=services.WriteUp(held_at=timezone.now() - timedelta(hours=1)),
        expected_version=ReturnInterview.objects.get(pk=interview.pk).version,
    )
    services.interview_submit_for_sign_off(by=world.user("worker"), interview=interview)
    return services.interview_sign_off(by=world.user("manager"), interview=interview)


# --- who may -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["worker", "police", "analyst", "provider_manager", "admin"])
def test_only_coordinators_and_managers_change_a_child_or_an_episode(world, role):
    child = make_child(world)
    episode = make_episode(world, child)
    with pytest.raises(PermissionDenied):
        corrections.child_change(by=world.user(role), child=child, ethnicity="WBRI")
    with pytest.raises(PermissionDenied):
        corrections.episode_change(
            by=world.user(role), episode=episode, values={"risk_grade": "high"}
        )
    with pytest.raises(PermissionDenied):
        corrections.episode_mark_in_error(by=world.user(role), episode=episode, reason="Typo")
    assert Correction.objects.count() == 0


def test_a_manager_changes_a_child_and_an_episode(world):
    child = make_child(world)
    episode = make_episode(world, child)
    corrections.child_change(by=world.user("manager"), child=child, ethnicity="WBRI")
    corrections.episode_change(
        by=world.user("manager"), episode=episode, values={"risk_grade": "high"}
    )
    assert Child.objects.get(pk=child.pk).ethnicity == "WBRI"
    assert Episode.objects.get(pk=episode.pk).risk_grade == "high"


# --- the history ---------------------------------------------------------------------------


def test_a_change_keeps_who_when_from_what_to_what_and_why(world):
    child = make_child(world)
    before = timezone.now()
    corrections.child_change(
        by=world.user("coordinator"),
        child=child,
        ethnicity="WBRI",
        sex="female",
        reason="Confirmed with the social worker",
    )
    correction = Correction.objects.get()
    assert (correction.child, correction.kind, correction.object_id) == (child, "child", child.pk)
    assert correction.action == Correction.Action.CHANGED
    assert correction.by == world.user("coordinator")
    assert correction.at >= before
    assert correction.reason == "Confirmed with the social worker"
    changes = {c["field"]: (c["from"], c["to"]) for c in corrections.correction_changes(correction)}
    assert changes == {
        "sex": ("Not known", "Female"),
        "ethnicity": ("Information not yet obtained", "White British"),
    }
    # auditlog keeps its own record of the save, as for every change.
    assert LogEntry.objects.get_for_object(Child.objects.get(pk=child.pk)).count() == 2


def test_the_changes_and_the_reason_are_encrypted_at_rest(world):
    from django.db import connection

    child = make_child(world, address="1 Fictional Road")
    corrections.child_change(
        by=world.user("coordinator"),
        child=child,
        address="2 Invented Lane",
        reason="Moved to the new foster home",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT changes, reason FROM cases_correction")
        stored = " ".join(cursor.fetchone())
    assert "Invented" not in stored and "foster" not in stored


def test_a_correction_that_changes_nothing_is_refused(world):
    child = make_child(world)
    with pytest.raises(ValidationError, match="not changed anything"):
        corrections.child_change(by=world.user("coordinator"), child=child, sex=child.sex)
    assert Correction.objects.count() == 0


def test_corrections_are_append_only(world):
    child = make_child(world)
    corrections.child_change(by=world.user("coordinator"), child=child, sex="male")
    correction = Correction.objects.get()
    correction.reason = "rewritten"
    with pytest.raises(PermissionError):
        correction.save()
    with pytest.raises(PermissionError):
        correction.delete()


# --- when a reason is required -------------------------------------------------------------


def test_a_recent_record_that_has_not_left_needs_no_reason(world):
    child = make_child(world)
    episode = make_episode(world, child)
    assert corrections.episode_reason_required(episode=episode) == ""
    assert corrections.child_reason_required(child=child) == ""
    corrections.episode_change(
        by=world.user("coordinator"), episode=episode, values={"category": "absent"}
    )
    assert not Correction.objects.get().reason


def test_a_reason_is_required_once_the_child_has_left_in_an_export(world):
    child = make_child(world)
    episode = make_episode(world, child)
    access_record_children(
        user=world.user("manager"),
        action=AccessEvent.Action.EXPORT,
        what="export ssd 2026-27",
        child_ids=[child.pk],
        reason="Annual return",
    )
    episode = Episode.objects.get(pk=episode.pk)
    because = corrections.episode_reason_required(episode=episode)
    assert "has left the authority" in because
    with pytest.raises(ValidationError) as refused:
        corrections.episode_change(
            by=world.user("coordinator"), episode=episode, values={"risk_grade": "high"}
        )
    assert refused.value.message_dict["reason"] == [f"Give the reason for the change: {because}"]
    corrections.episode_change(
        by=world.user("coordinator"),
        episode=episode,
        values={"risk_grade": "high"},
        reason="The force re-graded it",
    )
    assert Correction.objects.get().reason_required_because == because


def test_an_export_made_before_the_record_existed_did_not_carry_it(world):
    child = make_child(world)
    access_record_children(
        user=world.user("manager"),
        action=AccessEvent.Action.SHARE,
        what="interview RI-1",
        child_ids=[child.pk],
        reason="Safeguarding",
    )
    episode = make_episode(world, child)
    assert corrections.episode_reason_required(episode=episode) == ""


def test_an_episode_of_a_reporting_year_that_has_ended_needs_a_reason(world):
    child = make_child(world)
    old = _old(world, child)
    because = corrections.episode_reason_required(episode=old)
    assert f"episode {old.reference} belongs to" in because
    assert "reporting year that has ended" in because
    # The child's details are in that year's returns too.
    assert corrections.child_reason_required(child=child) == because
    with pytest.raises(ValidationError):
        corrections.child_change(by=world.user("coordinator"), child=child, ethnicity="WBRI")


def test_an_episode_covered_by_a_signed_off_interview_needs_a_reason(world):
    child = make_child(world)
    episode = make_episode(world, child)
    interview = _sign_off(world, make_interview(world, [episode]))
    episode = Episode.objects.get(pk=episode.pk)
    assert corrections.episode_reason_required(episode=episode) == (
        f"interview {interview.reference} is signed off"
    )


# --- the child's details -------------------------------------------------------------------


def test_names_aliases_and_date_of_birth_are_corrected_and_matched_anew(world):
    child = make_child(world, aliases=["JJ"])
    keys_before = set(ChildMatchKey.objects.filter(child=child).values_list("key", flat=True))
    corrections.child_change(
        by=world.user("coordinator"),
        child=child,
        first_name=" Jordana ",
        aliases=["JJ", "Jojo", ""],
        date_of_birth=date(2012, 5, 14),
    )
    child.refresh_from_db()
    assert child.first_name == "Jordana"
    assert sorted(a.name for a in child.aliases.all()) == ["JJ", "Jojo"]
    keys_after = set(ChildMatchKey.objects.filter(child=child).values_list("key", flat=True))
    assert keys_after != keys_before
    changes = {c["field"]: c for c in corrections.correction_changes(Correction.objects.get())}
    assert changes["aliases"]["from"] == "JJ" and changes["aliases"]["to"] == "JJ, Jojo"
    assert changes["date_of_birth"]["kind"] == "day"
    assert changes["date_of_birth"]["to"] == "2012-05-14"


def test_the_childs_details_are_checked_field_by_field(world):
    child = make_child(world)
    with pytest.raises(ValidationError) as refused:
        corrections.child_change(
            by=world.user("coordinator"),
            child=child,
            first_name=" ",
            date_of_birth=timezone.localdate() + timedelta(days=1),
            postcode="not a postcode",
        )
    assert set(refused.value.message_dict) == {"first_name", "date_of_birth", "postcode"}
    corrections.child_change(by=world.user("coordinator"), child=child, postcode="zz99zz")
    assert Child.objects.get(pk=child.pk).postcode == "ZZ9 9ZZ"


def test_care_is_kept_in_the_history_with_its_reason(world):
    child = make_child(world)
    _old(world, child)
    with pytest.raises(ValidationError) as refused:
        corrections.child_change_care(
            by=world.user("coordinator"), child=child, legal_status="looked_after"
        )
    assert "reason" in refused.value.message_dict
    corrections.child_change_care(
        by=world.user("coordinator"),
        child=child,
        legal_status="looked_after",
        placement_type="foster",
        reason="Came into care last month",
    )
    changes = corrections.correction_changes(Correction.objects.get())
    assert [(c["label"], c["from"], c["to"]) for c in changes] == [
        ("Legal status", "None", "Looked after"),
        ("Placement type", "", "Foster care"),
    ]


# --- episodes ------------------------------------------------------------------------------


def test_changing_the_return_moves_the_due_points_and_alerts_at_once(
    world, django_capture_on_commit_callbacks
):
    child = make_child(world)
    episode = make_episode(world, child, started=timezone.now() - timedelta(hours=20))
    interview = make_interview(world, [episode])
    assert interview.due_at > timezone.now()
    returned = timezone.now() - timedelta(days=4)
    with django_capture_on_commit_callbacks(execute=True):
        corrections.episode_change(
            by=world.user("coordinator"),
            episode=episode,
            values={
                "started_at": returned - timedelta(hours=2),
                "returned_at": returned,
                "notified_at": returned + timedelta(hours=1),
            },
        )
    episode.refresh_from_db()
    interview.refresh_from_db()
    assert episode.due_at == returned + timedelta(hours=72)
    assert interview.due_at == episode.due_at < timezone.now()
    # The overdue alert went at once, for the new due point.
    assert [m.subject for m in mail.outbox if "overdue" in m.subject.lower()]
    assert interview.alerts.get().due_at == interview.due_at
    # The clock job's next run does not send it again.
    assert alerts.check_clocks().overdue_sent == 0


def test_the_preview_says_what_follows_before_anything_is_saved(world):
    child = make_child(world)
    episode = make_episode(world, child, started=timezone.now() - timedelta(hours=20))
    interview = make_interview(world, [episode])
    returned = timezone.now() - timedelta(days=4)
    preview = corrections.episode_change_preview(
        episode=episode,
        values={
            "started_at": returned - timedelta(hours=1),
            "returned_at": returned,
            "category": "absent",
            "missing_from": "care",
        },
    )
    assert [m.record for m in preview.due_moves] == [
        f"episode {episode.reference}",
        f"interview {interview.reference}",
    ]
    assert preview.due_moves[1].after == returned + timedelta(hours=72)
    assert f"Interview {interview.reference} becomes overdue." in preview.consequences
    assert any("counts as absent, not missing" in c for c in preview.consequences)
    assert any("SSDA903" in c for c in preview.consequences)
    assert Episode.objects.get(pk=episode.pk).category == "missing"
    assert Correction.objects.count() == 0


def test_an_episode_is_checked_as_when_it_was_recorded(world):
    child = make_child(world)
    episode = make_episode(world, child)
    make_interview(world, [episode])
    with pytest.raises(ValidationError) as refused:
        corrections.episode_change(
            by=world.user("coordinator"),
            episode=episode,
            values={"returned_at": episode.started_at - timedelta(hours=1)},
        )
    assert "returned_at" in refused.value.message_dict
    with pytest.raises(ValidationError, match="cannot be removed"):
        corrections.episode_change(
            by=world.user("coordinator"), episode=episode, values={"returned_at": None}
        )


# --- entered in error ----------------------------------------------------------------------


def test_an_episode_entered_in_error_leaves_every_count(world):
    child = make_child(world)
    kept = make_episode(world, child, started=timezone.now() - timedelta(days=2))
    wrong = make_episode(world, child, started=timezone.now() - timedelta(days=1))
    coordinator = world.user("coordinator")
    with pytest.raises(ValidationError, match="Say why"):
        corrections.episode_mark_in_error(by=coordinator, episode=wrong, reason=" ")
    corrections.episode_mark_in_error(by=coordinator, episode=wrong, reason="Recorded twice")
    wrong.refresh_from_db()
    assert wrong.entered_in_error and wrong.entered_in_error_by == coordinator
    assert wrong.entered_in_error_reason == "Recorded twice"

    episodes, _ = indicator_tables.contract_tables()
    assert episodes["episode_id"].to_list() == [kept.reference]
    home = selectors.coordinator_home(user=coordinator)
    assert wrong not in home.awaiting_allocation + home.new_episodes
    assert kept in home.awaiting_allocation
    assert len(analysis.PseudonymisedEpisodes(None, None)) == 1
    assert [
        f.episode_id
        for _, f in ssd.episode_facts(ssd.episodes_started(date(2000, 1, 1), timezone.localdate()))
    ] == [kept.reference]
    facts = panel_selectors.child_facts([child.pk], timezone.localdate())[child.pk]
    assert [e.reference for e in facts.episodes] == [kept.reference]
    # Kept, and said on the timeline; the episode itself is no longer told as an event.
    assert Episode.objects.filter(pk=wrong.pk).exists()
    timeline = selectors.child_timeline(user=coordinator, child=child)
    titles = [e.title for e in timeline]
    assert f"Episode {wrong.reference} entered in error" in titles
    assert not any(wrong.reference in t and "from home" in t for t in titles)
    with pytest.raises(ValidationError, match="entered in error"):
        corrections.episode_change(
            by=coordinator, episode=wrong, values={"risk_grade": "high"}, reason="x"
        )


def test_an_interview_that_covered_only_an_episode_in_error_is_marked_with_it(world):
    child = make_child(world)
    first = make_episode(world, child, started=timezone.now() - timedelta(days=2))
    second = make_episode(world, child, started=timezone.now() - timedelta(hours=30))
    both = make_interview(world, [first, second])
    alone = make_interview(world, [make_episode(world, child)])
    coordinator = world.user("coordinator")
    corrections.episode_mark_in_error(by=coordinator, episode=first, reason="Not this child")
    both.refresh_from_db()
    assert both.entered_in_error_at is None
    assert both.due_at == Episode.objects.get(pk=second.pk).due_at  # from the one left
    only = alone.episodes.get()
    corrections.episode_mark_in_error(by=coordinator, episode=only, reason="Duplicate")
    alone.refresh_from_db()
    assert alone.entered_in_error and "Duplicate" in alone.entered_in_error_reason
    assert alone not in selectors.coordinator_home(user=coordinator).open
    assert [c.action for c in Correction.objects.filter(kind="interview")] == ["in_error"]


def test_an_offer_in_error_leaves_the_indicators_and_moves_their_cache_key(world):
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    worker = world.user("worker")
    early = timezone.now() - timedelta(hours=20)
    wrong = services.interview_record_offer(
        by=worker, interview=interview, offered_at=early, offered_to="child", method="phone"
    )
    later = timezone.now() - timedelta(hours=2)
    services.interview_record_offer(
        by=worker, interview=interview, offered_at=later, offered_to="child", method="in_person"
    )
    fingerprint = indicator_tables.data_fingerprint(world.authority)
    corrections.interview_part_mark_in_error(by=worker, instance=wrong, reason="Wrong child")
    assert indicator_tables.data_fingerprint(world.authority) != fingerprint
    _, interviews = indicator_tables.contract_tables()
    offered = interviews["offered_at"].to_list()[0]
    assert offered == later.astimezone(UK).replace(tzinfo=None, microsecond=later.microsecond)
    assert Offer.objects.get(pk=wrong.pk).entered_in_error


def test_a_declined_interview_keeps_its_last_offer(world):
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    worker = world.user("worker")
    offer = services.interview_record_offer(
        by=worker,
        interview=interview,
        offered_at=timezone.now() - timedelta(hours=3),
        offered_to="child",
        method="phone",
    )
    services.interview_record_decline(
        by=worker, interview=interview, declined_by="child", reason="No", reason_code="other"
    )
    with pytest.raises(ValidationError, match="must stay"):
        corrections.interview_part_mark_in_error(by=worker, instance=offer, reason="Oops")


def test_places_in_error_leave_the_panel_network_and_the_hotspots(world):
    from homeward.places import selectors as places_selectors

    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    worker = world.user("worker")
    place = services.interview_add_place(
        by=worker, interview=interview, description="Flat", postcode="ZZ1 2BB", shareable=True
    )
    today = timezone.localdate()
    assert len(list(places_selectors.places(start=today, end=today))) == 1
    corrections.interview_part_mark_in_error(by=worker, instance=place, reason="Wrong child")
    assert list(places_selectors.places(start=today, end=today)) == []
    network = panel_selectors.network_for({child.pk: "A"})
    assert network.edges == ()
    assert PlaceOfConcern.objects.filter(pk=place.pk).exists()


# --- the interview's parts, its allocation and its sign-off ---------------------------------


def test_the_worker_changes_their_own_offer_until_sign_off(world):
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    worker = world.user("worker")
    offer = services.interview_record_offer(
        by=worker,
        interview=interview,
        offered_at=timezone.now() - timedelta(hours=3),
        offered_to="child",
        method="phone",
    )
    version = ReturnInterview.objects.get(pk=interview.pk).version
    with pytest.raises(PermissionDenied):
        corrections.interview_part_change(
            by=world.user("worker2"), instance=offer, values={"method": "in_person"}
        )
    corrections.interview_part_change(by=worker, instance=offer, values={"method": "in_person"})
    assert Offer.objects.get(pk=offer.pk).method == "in_person"
    assert ReturnInterview.objects.get(pk=interview.pk).version == version + 1
    correction = Correction.objects.get()
    assert (correction.kind, correction.interview) == ("offer", interview)
    assert correction.record == f"an offer (interview {interview.reference})"
    with pytest.raises(ValidationError) as refused:
        corrections.interview_part_change(
            by=worker,
            instance=offer,
            values={"offered_at": timezone.now() + timedelta(hours=1)},
        )
    assert "offered_at" in refused.value.message_dict
    _sign_off(world, interview)
    with pytest.raises(PermissionDenied):
        corrections.interview_part_change(by=worker, instance=offer, values={"method": "phone"})


def test_a_place_is_checked_as_when_it_was_added(world):
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    worker = world.user("worker")
    place = services.interview_add_place(by=worker, interview=interview, description="Flat")
    with pytest.raises(ValidationError) as refused:
        corrections.interview_part_change(
            by=worker, instance=place, values={"description": "", "postcode": "nope"}
        )
    assert set(refused.value.message_dict) == {"description", "postcode"}
    corrections.interview_part_change(by=worker, instance=place, values={"postcode": "zz12bb"})
    assert PlaceOfConcern.objects.get(pk=place.pk).postcode == "ZZ1 2BB"


def test_reallocating_keeps_the_clock(world):
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    due, allocated = interview.due_at, interview.allocated_at
    with pytest.raises(PermissionDenied):
        corrections.interview_reallocate(
            by=world.user("worker"), interview=interview, organisation=world.team
        )
    with pytest.raises(ValidationError, match="does not work for"):
        corrections.interview_reallocate(
            by=world.user("coordinator"),
            interview=interview,
            organisation=world.team,
            worker=world.user("provider_worker"),
        )
    corrections.interview_reallocate(
        by=world.user("coordinator"),
        interview=interview,
        organisation=world.provider,
        worker=world.user("provider_worker"),
        reason="Worker on leave",
    )
    interview.refresh_from_db()
    assert interview.allocated_worker == world.user("provider_worker")
    assert (interview.due_at, interview.allocated_at) == (due, allocated)
    correction = Correction.objects.get()
    assert correction.action == Correction.Action.REALLOCATED
    changes = {c["field"]: (c["from"], c["to"]) for c in corrections.correction_changes(correction)}
    assert changes["allocated_organisation"] == (
        "Missing Children Team",
        "Safe Steps (fictional charity)",
    )


def test_a_manager_reopens_a_signed_off_interview_with_a_reason(world):
    child = make_child(world)
    interview = _sign_off(world, make_interview(world, [make_episode(world, child)]))
    with pytest.raises(PermissionDenied):
        corrections.interview_reopen(by=world.user("coordinator"), interview=interview, reason="x")
    with pytest.raises(ValidationError, match="Say why"):
        corrections.interview_reopen(by=world.user("manager"), interview=interview, reason="")
    corrections.interview_reopen(
        by=world.user("manager"), interview=interview, reason="Harms missed in the write-up"
    )
    interview.refresh_from_db()
    assert interview.signed_off_at is None and interview.signed_off_by is None
    # Back with the worker to correct and submit again, not in the managers' queue.
    assert interview.submitted_for_sign_off_at is None
    assert status.interview_status(interview) == status.InterviewStatus.HELD
    correction = Correction.objects.get()
    assert correction.action == Correction.Action.REOPENED
    signed = {c["field"]: c for c in corrections.correction_changes(correction)}
    assert signed["signed_off_by"]["from"] == str(world.user("manager"))
    assert signed["signed_off_at"]["kind"] == "moment" and signed["signed_off_at"]["to"] == ""
    # The worker can correct it again; a manager signs it off again.
    offer = services.interview_record_offer(
        by=world.user("worker"),
        interview=interview,
        offered_at=timezone.now() - timedelta(hours=1),
        offered_to="child",
        method="phone",
    )
    assert offer.pk
    with pytest.raises(ValidationError, match="not signed off"):
        corrections.interview_reopen(by=world.user("manager"), interview=interview, reason="x")


# --- the timeline --------------------------------------------------------------------------


def test_the_timeline_shows_each_correction_to_those_who_may_see_it(world):
    child = make_child(world, address="1 Fictional Road")
    episode = make_episode(world, child, police_force=world.police, police_reference="FC-1")
    interview = make_interview(world, [episode])
    coordinator = world.user("coordinator")
    corrections.child_change(by=coordinator, child=child, address="2 Invented Lane", reason="Moved")
    corrections.episode_change(
        by=coordinator, episode=episode, values={"risk_grade": "high"}, reason="Re-graded"
    )
    place = services.interview_add_place(by=coordinator, interview=interview, description="Flat")
    corrections.interview_part_mark_in_error(by=coordinator, instance=place, reason="Not here")

    mine = [
        e
        for e in selectors.child_timeline(user=coordinator, child=child)
        if e.changes or e.kind == "correction"
    ]
    assert {e.title for e in mine} == {
        f"Child {child.reference} changed",
        f"Episode {episode.reference} changed",
        f"A place of concern (interview {interview.reference}) entered in error",
    }
    risk = next(e for e in mine if e.title.startswith("Episode"))
    assert risk.changes[0]["from"] == "Medium" and risk.changes[0]["to"] == "High"
    assert risk.detail == "By Coordinator Tester. Reason: Re-graded"

    # The police see the episode's correction (their force reported it) and that the
    # address changed, never to what, nor anything of the interview.
    police = [
        e
        for e in selectors.child_timeline(user=world.user("police"), child=child)
        if e.kind == "correction"
    ]
    assert {e.title for e in police} == {
        f"Child {child.reference} changed",
        f"Episode {episode.reference} changed",
    }
    address = next(e for e in police if e.title.startswith("Child")).changes[0]
    assert address["hidden"] and address["from"] == address["to"] == ""


def test_a_merge_moves_the_duplicates_corrections(world):
    keep = make_child(world)
    duplicate = make_child(world, first_name="Jordon")
    corrections.child_change(by=world.user("coordinator"), child=duplicate, sex="male")
    services.children_merge(
        by=world.user("coordinator"), keep=keep, duplicate=duplicate, reason="Same child"
    )
    assert Correction.objects.get().child == keep


def test_changes_json_names_the_field_kind_for_the_pages(world):
    child = make_child(world)
    episode = make_episode(world, child)
    moment = episode.started_at - timedelta(hours=1)
    corrections.episode_change(
        by=world.user("coordinator"), episode=episode, values={"started_at": moment}
    )
    stored = json.loads(Correction.objects.get().changes)
    assert stored[0]["kind"] == "moment"
    assert datetime.fromisoformat(stored[0]["to"]) == moment
