"""Taking police notifications in: idempotency, amendment with history, rejection with
reasons, classification into the queues, and what a coordinator decides."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from homeward.audit.models import AccessEvent
from homeward.cases.models import Child, ChildMerge, Episode
from homeward.cases.services import children_merge
from homeward.intake import selectors, services
from homeward.intake.models import BatchLine, IntakeBatch, PoliceReport, ReportNotification
from tests.factories import make_child, make_episode, make_world
from tests.intake.helpers import found, notification, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _report(reference: str = "FC-2026-0001") -> PoliceReport:
    return PoliceReport.objects.get(police_reference=reference)


def test_a_new_notification_is_accepted_and_waits_with_the_matching_child(world):
    child = make_child(world)
    batch = send(world, notification())
    assert (batch.accepted, batch.amended, batch.duplicate, batch.rejected) == (1, 0, 0, 0)
    report = _report()
    assert report.state == PoliceReport.State.WAITING
    assert report.is_child is True and report.age_at_report == 14
    assert report.suggestions[0]["child"] == child.pk
    assert report.suggestions[0]["band"] == "match"
    assert report.best_band == "match"
    assert set(report.suggestions[0]) == {"child", "reference", "score", "band"}
    shown = selectors.report_suggestions(report, user=world.user("coordinator"))
    assert any("date of birth" in text for _, text in shown[0]["reasons"])


def test_the_same_notification_sent_again_is_stored_once(world):
    send(world, notification())
    again = send(world, notification(), notification())
    assert (again.accepted, again.amended, again.duplicate) == (0, 0, 2)
    assert PoliceReport.objects.count() == 1
    assert ReportNotification.objects.count() == 1
    # Only sent_at differs: still the same notification.
    third = send(world, notification(sent_at="2026-03-02T09:30:00+00:00"))
    assert third.duplicate == 1 and ReportNotification.objects.count() == 1


def test_a_later_notification_amends_the_report_and_keeps_its_history(world):
    send(world, notification())
    batch = send(world, found())
    assert (batch.accepted, batch.amended) == (0, 1)
    report = _report()
    assert report.notification_type == "found"
    assert report.found_at == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    history = selectors.report_history(report)
    assert [v.content.notification_type for v in history] == ["reported_missing", "found"]
    assert "found_at" in history[1].changed
    # What the found notification left empty is kept from the first.
    state, told = services.report_state(report)
    assert state.circumstances.startswith("Left after an argument")
    assert told is not None


def test_notifications_arriving_out_of_order_are_folded_in_the_order_sent(world):
    send(world, found(circumstances=None, risk_grade="high"))
    send(world, notification(circumstances="Older wording"))
    report = _report()
    state, _ = services.report_state(report)
    assert state.notification_type == "found"
    assert state.found_at is not None
    assert state.circumstances == "Older wording"  # the found notification did not say
    assert state.risk_grade == "high"  # the later notification's grade is not overwritten


def test_malformed_notifications_are_refused_with_reasons_and_the_rest_kept(world):
    batch = send(
        world,
        notification(police_reference="GOOD-1"),
        notification(police_reference="BAD-1", date_of_birth="31/02/2011"),
        notification(police_reference="BAD-2", force="elsewhere"),
        notification(police_reference="GOOD-2"),
    )
    assert (batch.accepted, batch.rejected) == (2, 2)
    lines = {line.police_reference: line for line in batch.lines.all()}
    assert lines["BAD-1"].status == BatchLine.Status.REJECTED
    assert lines["BAD-1"].problems[0]["field"] == "date_of_birth"
    assert lines["BAD-2"].problems[0]["field"] == "force"
    assert "elsewhere" in lines["BAD-2"].problems[0]["reason"]
    assert json.loads(lines["BAD-1"].raw)["police_reference"] == "BAD-1"
    assert set(PoliceReport.objects.values_list("police_reference", flat=True)) == {
        "GOOD-1",
        "GOOD-2",
    }
    receipt = selectors.batch_receipt(batch)
    assert receipt["counts"] == {"accepted": 2, "amended": 0, "duplicate": 0, "rejected": 2}
    assert [r["status"] for r in receipt["results"]] == [
        "accepted",
        "rejected",
        "rejected",
        "accepted",
    ]


def test_an_unreadable_file_is_one_problem_and_keeps_nothing(world):
    batch = services.intake_file(
        name="drop.csv", data=b"\xff\xfe\x00garbage", channel="upload", by=world.user("coordinator")
    )
    assert batch.problems and batch.accepted == 0
    assert PoliceReport.objects.count() == 0


def test_a_failure_part_way_keeps_nothing(world, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ReportNotification.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        send(world, notification())
    assert PoliceReport.objects.count() == 0
    assert BatchLine.objects.count() == 0


def test_a_plain_adult_report_is_not_queued_but_a_miscoded_child_is(world):
    send(
        world,
        notification(police_reference="ADULT", date_of_birth="1990-01-01", child_flag=False),
        notification(police_reference="MISCODED", child_flag=False),
    )
    adult = _report("ADULT")
    assert adult.state == PoliceReport.State.ADULT and adult.miscoding == "none"
    miscoded = _report("MISCODED")
    assert miscoded.state == PoliceReport.State.WAITING
    assert miscoded.miscoding == PoliceReport.Miscoding.OPEN
    assert [c["code"] for c in miscoded.concerns] == ["adult_flag_child_dob"]
    world_user = world.user("coordinator")
    assert list(selectors.miscoding_reports(user=world_user)) == [miscoded]


def test_an_amendment_that_makes_an_adult_report_a_childs_puts_it_in_the_queue(world):
    send(world, notification(date_of_birth="1990-01-01", child_flag=False))
    assert _report().state == PoliceReport.State.ADULT
    send(world, notification(date_of_birth="2011-05-14", child_flag=False))
    assert _report().state == PoliceReport.State.WAITING


def test_linking_creates_the_episode_with_the_full_police_context(world):
    child = make_child(world)
    send(world, notification())
    episode = services.report_link(by=world.user("coordinator"), report=_report(), child=child)
    assert episode.child == child
    assert episode.police_force == world.police
    assert episode.police_reference == "FC-2026-0001"
    assert episode.circumstances.startswith("Left after an argument")
    assert episode.risk_factors == ["cce"]
    assert episode.risk_grade == "medium"
    assert episode.started_at == datetime(2026, 3, 1, 18, 0, tzinfo=UTC)
    assert episode.reported_to_police_at == datetime(2026, 3, 1, 22, 0, tzinfo=UTC)
    assert episode.returned_at is None
    assert "PC 0001" in episode.police_officer
    report = _report()
    assert report.state == PoliceReport.State.LINKED and report.episode == episode
    with pytest.raises(ValidationError):
        services.report_link(by=world.user("coordinator"), report=report, child=child)


def test_a_found_notification_after_linking_brings_the_episode_up_to_date(world):
    child = make_child(world)
    send(world, notification())
    episode = services.report_link(by=world.user("coordinator"), report=_report(), child=child)
    assert episode.due_at is None
    send(world, found())
    episode.refresh_from_db()
    assert episode.returned_at == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert episode.found_where == "A friend's flat"
    assert episode.prevention_interview_done is True
    assert episode.notified_at is not None
    assert episode.due_at is not None  # the clock started


def test_linking_to_an_episode_recorded_by_hand_fills_it_in(world):
    child = make_child(world)
    by_hand = make_episode(world, child, started=datetime(2026, 3, 1, 18, 30, tzinfo=UTC))
    send(world, notification())
    episode = services.report_link(
        by=world.user("coordinator"), report=_report(), child=child, episode=by_hand
    )
    assert episode.pk == by_hand.pk
    assert episode.police_reference == "FC-2026-0001"
    assert episode.started_at == datetime(2026, 3, 1, 18, 0, tzinfo=UTC)
    assert Episode.objects.filter(child=child).count() == 1


def test_a_new_child_is_made_from_the_report_on_confirmation(world):
    send(world, notification(placement_type="childrens_home", missing_from="care"))
    child = services.report_new_child(by=world.user("coordinator"), report=_report())
    assert (child.first_name, child.last_name) == ("Jordan", "Example")
    assert child.date_of_birth == date(2011, 5, 14)
    assert child.legal_status == "looked_after" and child.placement_type == "childrens_home"
    assert child.episodes.get().missing_from == "care"
    assert child.match_keys.exists()


def test_a_child_placed_here_by_another_authority_is_hosted_here(world):
    from homeward.organisations.models import Authority

    other = Authority.objects.create(gss_code="E10000098", name="Elsewhere", nation="england")
    send(world, notification(responsible_authority="E10000098", placement_type="foster"))
    report = _report()
    assert report.authority_role == "host"
    child = services.report_new_child(by=world.user("coordinator"), report=report)
    assert child.responsible_authority == other
    assert child.host_authority == world.authority


def test_dismissing_needs_a_reason_and_can_be_undone(world):
    send(world, notification())
    with pytest.raises(ValidationError):
        services.report_dismiss(by=world.user("coordinator"), report=_report(), note=" ")
    services.report_dismiss(
        by=world.user("coordinator"), report=_report(), note="Lives in another county"
    )
    assert _report().state == PoliceReport.State.DISMISSED
    services.report_reopen(by=world.user("coordinator"), report=_report())
    assert _report().state == PoliceReport.State.WAITING


def test_a_possible_miscoding_is_resolved_with_what_was_done(world):
    send(world, notification(category="absent", risk_grade="no_apparent_risk"))
    report = _report()
    assert report.miscoding == PoliceReport.Miscoding.OPEN
    assert "absent_with_risk" in [c["code"] for c in report.concerns]
    with pytest.raises(ValidationError):
        services.report_resolve_miscoding(by=world.user("manager"), report=report, resolution="")
    services.report_resolve_miscoding(
        by=world.user("manager"), report=report, resolution="Police re-graded it medium risk"
    )
    report.refresh_from_db()
    assert report.miscoding == PoliceReport.Miscoding.RESOLVED
    assert report.miscoding_resolved_by == world.user("manager")


def test_only_coordinators_and_managers_take_notifications_in(world):
    with pytest.raises(PermissionDenied):
        send(world, notification(), by="worker")
    with pytest.raises(PermissionDenied):
        send(world, notification(), by="police")
    assert PoliceReport.objects.count() == 0


def test_force_tokens_are_shown_once_stored_hashed_and_revocable(world):
    token = services.force_token_issue(force=world.police)
    stored = world.police.tokens.get()
    assert token not in stored.digest and stored.prefix == token[:12]
    assert services.force_token_use(token=token) == world.police
    assert services.force_token_use(token=token + "x") is None
    assert services.force_token_revoke(force=world.police) == 1
    assert services.force_token_use(token=token) is None


def test_merging_two_records_of_one_child_moves_everything_and_is_logged(world):
    keep = make_child(world)
    duplicate = make_child(world, first_name="Jordon", last_name="Exampel")
    make_episode(world, duplicate)
    send(world, notification())
    services.report_link(by=world.user("coordinator"), report=_report(), child=duplicate)
    merge = children_merge(
        by=world.user("coordinator"), keep=keep, duplicate=duplicate, reason="Same child: typo"
    )
    assert not Child.objects.filter(pk=duplicate.pk).exists()
    assert keep.episodes.count() == 2
    assert _report().child == keep
    assert "Jordon Exampel" in [a.name for a in keep.aliases.all()]
    assert ChildMerge.objects.get() == merge and merge.duplicate_reference == duplicate.reference
    event = AccessEvent.objects.get(action=AccessEvent.Action.MERGE)
    assert event.reason == "Same child: typo" and event.child_id == keep.pk
    with pytest.raises(PermissionDenied):
        children_merge(by=world.user("worker"), keep=keep, duplicate=keep, reason="x")


def test_reconciliation_sets_the_police_feed_against_the_authoritys_records(world):
    child = make_child(world)
    make_child(world, first_name="Riley", last_name="Sample", date_of_birth=date(2010, 1, 2))
    by_hand = make_episode(world, child, started=datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    send(
        world,
        notification(police_reference="LINKED"),
        notification(
            police_reference="UNMATCHED",
            given_names="Riley",
            family_name="Sample",
            date_of_birth="2010-01-02",
        ),
        notification(police_reference="MISCODED", child_flag=False, given_names="Alex"),
    )
    episode = services.report_link(
        by=world.user("coordinator"), report=_report("LINKED"), child=child
    )
    Episode.objects.filter(pk=episode.pk).update(started_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    rec = selectors.reconciliation(
        user=world.user("police"), start=date(2026, 3, 1), end=date(2026, 3, 31)
    )
    assert [r.police_reference for r in rec.section("police_only")] == ["UNMATCHED", "MISCODED"]
    assert [r.episode for r in rec.section("authority_only")] == [by_hand.reference]
    assert [r.report for r in rec.section("dates_disagree")] == [_report("LINKED").reference]
    assert [r.police_reference for r in rec.section("miscoding")] == ["MISCODED"]
    assert rec.linked == 1
    rows = selectors.reconciliation_rows(rec)
    assert all("Jordan" not in value for row in rows for value in row.values())
    with pytest.raises(PermissionDenied):
        selectors.reconciliation(
            user=world.user("worker"), start=date(2026, 3, 1), end=date(2026, 3, 31)
        )


@pytest.mark.django_db(transaction=True)
def test_a_batch_that_loses_a_race_for_a_new_report_is_tried_again(monkeypatch):
    """Another report with the same reference appears between our read and our insert: the
    unique constraint refuses ours, nothing of that attempt is kept, and it is tried again.
    (In one thread the intruder is rolled back with the attempt, so the retry accepts.)"""
    world = make_world()
    original = services._pending_reports
    raced = []

    def racing(notifications):
        pending = original(notifications)
        if not raced:
            raced.append(True)
            PoliceReport.objects.create(
                reference="P-999999",
                force_code="fictional",
                police_reference="FC-2026-0001",
                notification_type="reported_missing",
                reported_at=datetime(2026, 3, 1, 22, 0, tzinfo=UTC),
                kind="missing",
                authority_role="responsible",
                state=PoliceReport.State.WAITING,
            )
        return pending

    monkeypatch.setattr(services, "_pending_reports", racing)
    batch = send(world, notification())
    assert raced and batch.accepted == 1
    assert PoliceReport.objects.get().reference != "P-999999"
    assert BatchLine.objects.count() == 1
    assert IntakeBatch.objects.get() == batch


def test_an_amendment_the_episode_cannot_take_is_kept_and_put_to_a_person(world):
    child = make_child(world)
    send(world, notification())
    episode = services.report_link(by=world.user("coordinator"), report=_report(), child=child)
    # Someone corrected the episode's start by hand to after the police's found time.
    Episode.objects.filter(pk=episode.pk).update(started_at=datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
    batch = send(world, found(police_reference="FC-2026-0001"), notification(police_reference="B"))
    assert (batch.accepted, batch.amended, batch.rejected) == (1, 1, 0)
    report = _report()
    assert report.notification_type == "found"  # the notification is kept
    assert report.miscoding == PoliceReport.Miscoding.OPEN
    assert report.concerns[-1]["code"] == services.EPISODE_CONFLICT
    assert episode.reference in report.concerns[-1]["message"]
    episode.refresh_from_db()
    assert episode.returned_at is None  # the episode is not changed
    assert _report("B").state == PoliceReport.State.WAITING


def test_an_amendment_changes_only_what_the_police_changed(world):
    child = make_child(world)
    send(world, notification())
    episode = services.report_link(by=world.user("coordinator"), report=_report(), child=child)
    corrected = datetime(2026, 3, 1, 18, 30, tzinfo=UTC)
    Episode.objects.filter(pk=episode.pk).update(started_at=corrected, risk_grade="high")
    send(world, found(risk_grade="low"))
    episode.refresh_from_db()
    assert episode.started_at == corrected  # the police did not change the last-seen time
    assert episode.returned_at == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert episode.risk_grade == "low"  # the police re-graded it


def test_the_stored_content_and_the_folded_report_agree_on_ties(world):
    # Two updates with no sent_at in one batch: the later line wins, on every path.
    send(
        world,
        notification(sent_at=None, risk_grade="medium"),
        notification(sent_at=None, risk_grade="high", circumstances="Now with older males"),
    )
    send(world, found(sent_at=None, risk_grade=None))
    report = _report()
    state, _ = services.report_state(report)
    assert state.risk_grade == "high"
    assert services.content_load(report.content) == state


def test_the_police_going_back_to_an_earlier_state_is_an_amendment(world):
    send(world, notification(sent_at="2026-03-02T08:00:00+00:00", risk_grade="high"))
    send(world, notification(sent_at="2026-03-02T09:00:00+00:00", risk_grade="medium"))
    batch = send(world, notification(sent_at="2026-03-02T10:00:00+00:00", risk_grade="high"))
    assert (batch.amended, batch.duplicate) == (1, 0)
    assert services.report_state(_report())[0].risk_grade == "high"
    # The same notification again, as sent: a duplicate.
    again = send(world, notification(sent_at="2026-03-02T10:00:00+00:00", risk_grade="high"))
    assert again.duplicate == 1


def test_fields_the_episode_could_not_take_are_tried_again(world):
    child = make_child(world)
    send(world, notification())
    episode = services.report_link(by=world.user("coordinator"), report=_report(), child=child)
    Episode.objects.filter(pk=episode.pk).update(started_at=datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
    send(world, found())
    assert _report().episode_pending  # refused, kept to try again
    # Someone puts the start right; the next notification brings the return in.
    Episode.objects.filter(pk=episode.pk).update(started_at=datetime(2026, 3, 1, 18, 0, tzinfo=UTC))
    send(world, found(sent_at="2026-03-03T11:00:00+00:00", found_by="Police patrol"))
    episode.refresh_from_db()
    assert episode.returned_at == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert episode.found_by == "Police patrol"
    assert _report().episode_pending == []


def test_a_report_made_after_the_child_was_found_still_makes_an_episode(world):
    child = make_child(world)
    send(
        world,
        found(
            last_seen_at=None,
            reported_at="2026-03-03T12:00:00+00:00",
            sent_at="2026-03-03T12:05:00+00:00",
        ),
    )
    episode = services.report_link(by=world.user("coordinator"), report=_report(), child=child)
    assert episode.started_at == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # the earliest time
    assert episode.returned_at == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


def test_contradictory_times_across_notifications_go_to_a_person(world):
    send(world, notification(last_seen_at="2026-03-01T18:00:00+00:00"))
    send(world, found(last_seen_at=None, found_at="2026-03-01T17:00:00+00:00"))
    report = _report()
    assert report.miscoding == PoliceReport.Miscoding.OPEN
    assert "times_out_of_order" in [c["code"] for c in report.concerns]


def test_a_report_put_back_in_the_queue_gets_its_suggestions(world):
    child = make_child(world, date_of_birth=date(1990, 5, 14))  # a care leaver, say
    send(world, notification(child_flag=False, date_of_birth="1990-05-14"))
    report = _report()
    assert report.state == PoliceReport.State.ADULT and report.suggestions == []
    services.report_reopen(by=world.user("coordinator"), report=report)
    report.refresh_from_db()
    assert report.state == PoliceReport.State.WAITING
    assert report.suggestions and report.suggestions[0]["child"] == child.pk


def test_a_record_kept_in_one_merge_can_itself_be_merged_later(world):
    a = make_child(world)
    b = make_child(world, first_name="Jordon")
    c = make_child(world, first_name="Jordan", last_name="Exemple")
    by = world.user("coordinator")
    first = children_merge(by=by, keep=a, duplicate=b, reason="Same child")
    second = children_merge(by=by, keep=c, duplicate=a, reason="Same child again")
    first.refresh_from_db()
    assert first.kept == c and second.kept == c
    assert first.duplicate_id == b.pk
    assert not Child.objects.filter(pk__in=[a.pk, b.pk]).exists()


def test_a_big_batch_matches_through_the_in_memory_index_with_the_same_results(world, monkeypatch):
    from homeward.police import match

    make_child(world)
    make_child(world, first_name="Jordon", date_of_birth=date(2011, 5, 15))
    make_child(world, first_name="Riley", last_name="Sample", date_of_birth=date(2010, 1, 2))
    people = [
        (
            1,
            match.Person(
                given_names="Jordan",
                family_name="Example",
                date_of_birth=date(2011, 5, 14),
                postcode="ZZ1 1AA",
            ),
        ),
        (
            2,
            match.Person(given_names="Riley", family_name="Sampel", date_of_birth=date(2010, 2, 1)),
        ),
        (3, match.Person(given_names="Nobody", family_name="Known")),
    ]
    keyed = services.suggest_many(people)
    monkeypatch.setattr(services, "IN_MEMORY_FROM", 1)
    assert services.suggest_many(people) == keyed
    assert keyed[1][0]["band"] == "match" and keyed[2] and keyed[3] == []


@pytest.mark.django_db(transaction=True)
def test_ranking_in_forked_processes_gives_the_same_suggestions(monkeypatch):
    from homeward.police import match

    world = make_world()
    make_child(world)
    make_child(world, first_name="Riley", last_name="Sample", date_of_birth=date(2010, 1, 2))
    people = [
        (n, match.Person(given_names=given, family_name=family, date_of_birth=born))
        for n, (given, family, born) in enumerate(
            [("Jordan", "Example", date(2011, 5, 14)), ("Riley", "Sampel", date(2010, 2, 1))] * 3
        )
    ]
    monkeypatch.setattr(services, "IN_MEMORY_FROM", 1)
    alone = services.suggest_many(people)
    forked = services.suggest_many(people, workers=2)
    assert forked == alone and len(forked) == 6 and forked[0][0]["band"] == "match"


def test_a_refused_record_with_nul_and_lone_surrogates_is_kept_as_escapes(world):
    """PostgreSQL refuses NUL and lone surrogates in text and JSON: a refused record's
    reference and reasons are stored with those written as escapes (found by schemathesis)."""
    batch = send(
        world,
        notification(police_reference="BAD\x00\udade", sex="?\x00"),
        {"force": "fictional", "police_reference": "X", "bad\x00key": 1},
    )
    lines = list(batch.lines.order_by("line"))
    assert lines[0].police_reference.startswith("BAD\\x00")
    assert "\udade" not in lines[0].police_reference
    texts = [p[name] or "" for line in lines for p in line.problems for name in ("field", "reason")]
    assert texts and not any("\x00" in t or "\udade" in t for t in texts)
    assert any("bad\\x00key" in t for t in texts)


def test_the_reports_a_batch_touches_are_found_by_the_index_not_by_reading_them_all(world):
    """Each batch (and each chunk of a big one) looks up the reports it touches: by force
    and police reference, the unique index, not by reference alone, which made SQLite read
    every report (encrypted content and all) inside the writing transaction."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    send(world, notification(police_reference="A"))
    with CaptureQueriesContext(connection) as queries:
        send(world, notification(police_reference="A"), notification(police_reference="B"))
    lookups = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "intake_policereport"' in q["sql"]
    ]
    assert lookups and all('"force_code" IN' in sql for sql in lookups), lookups
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in lookups:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
                assert "SEARCH" in plan and "SCAN intake_policereport" not in plan, plan


def test_a_resolved_miscoding_recodes_the_linked_episode_and_keeps_the_police_coding(world):
    from homeward.cases.models import Correction

    child = make_child(world)
    send(world, notification(category="absent", risk_grade="no_apparent_risk"))
    episode = services.report_link(by=world.user("coordinator"), report=_report(), child=child)
    assert (episode.category, episode.risk_grade) == ("absent", "no_apparent_risk")
    with pytest.raises(ValidationError) as refused:
        services.report_resolve_miscoding(
            by=world.user("manager"),
            report=_report(),
            resolution="x",
            category="lost",
            risk_grade="high",
            missing_from="home",
        )
    assert "category" in refused.value.message_dict
    services.report_resolve_miscoding(
        by=world.user("manager"),
        report=_report(),
        resolution="Force agrees: missing, high risk",
        category="missing",
        risk_grade="high",
        missing_from="home",
    )
    episode.refresh_from_db()
    report = _report()
    assert (episode.category, episode.risk_grade, episode.missing_from) == (
        "missing",
        "high",
        "home",
    )
    assert (report.police_category, report.police_risk_grade) == ("absent", "no_apparent_risk")
    assert report.recode_applied_at is not None
    correction = Correction.objects.get(episode=episode, action=Correction.Action.RECODED)
    assert "Force agrees: missing, high risk" in correction.reason
    assert selectors.police_codings(episode_ids=[episode.pk]) == {
        episode.pk: f"police report {report.reference}: the police coded it Absent, "
        "no apparent risk, from home"
    }
    # A later notification from the police brings the episode up to date, but not its coding.
    send(world, found(category="absent", risk_grade="no_apparent_risk"))
    episode.refresh_from_db()
    assert episode.returned_at is not None
    assert (episode.category, episode.risk_grade) == ("missing", "high")


def test_a_miscoding_resolved_before_the_report_is_linked_is_applied_on_linking(world):
    child = make_child(world)
    send(world, notification(category="absent", risk_grade="no_apparent_risk"))
    services.report_resolve_miscoding(
        by=world.user("coordinator"),
        report=_report(),
        resolution="Re-graded medium",
        category="absent",
        risk_grade="medium",
        missing_from="home",
    )
    assert _report().recode_applied_at is None
    episode = services.report_link(by=world.user("coordinator"), report=_report(), child=child)
    episode.refresh_from_db()
    assert (episode.category, episode.risk_grade) == ("absent", "medium")
    assert _report().recode_applied_at is not None and _report().created_episode is True


def test_a_report_linked_to_the_wrong_child_is_unlinked_and_linked_again(world):
    from homeward.cases.models import Correction

    wrong = make_child(world, first_name="Jordan", last_name="Exemplar")
    right = make_child(world)
    send(world, notification())
    coordinator = world.user("coordinator")
    episode = services.report_link(by=coordinator, report=_report(), child=wrong)
    with pytest.raises(ValidationError):
        services.report_unlink(by=coordinator, report=_report(), reason=" ")
    with pytest.raises(PermissionDenied):
        services.report_unlink(by=world.user("worker"), report=_report(), reason="Wrong child")
    services.report_unlink(by=coordinator, report=_report(), reason="Wrong child: a cousin")
    report = _report()
    episode.refresh_from_db()
    assert report.state == PoliceReport.State.WAITING
    assert (report.child, report.episode, report.decided_at) == (None, None, None)
    assert report.suggestions  # back in the queue, with its candidates
    # The link created the episode: it is kept, entered in error, out of every count.
    assert episode.child == wrong and episode.entered_in_error_at is not None
    unlinked = Correction.objects.get(child=wrong, action=Correction.Action.UNLINKED)
    assert unlinked.reason == "Wrong child: a cousin" and unlinked.episode == episode
    again = services.report_link(by=coordinator, report=_report(), child=right)
    assert again.pk != episode.pk and again.child == right
    assert _report().episode == again
    with pytest.raises(ValidationError):
        services.report_unlink(by=coordinator, report=_report(), reason="")


def test_unlinking_leaves_an_episode_recorded_by_hand_with_the_child(world):
    child = make_child(world)
    send(world, notification())
    hand = make_episode(
        world,
        child,
        started=datetime(2026, 3, 1, 18, tzinfo=UTC),
        returned_after=None,
    )
    coordinator = world.user("coordinator")
    services.report_link(by=coordinator, report=_report(), child=child, episode=hand)
    hand.refresh_from_db()
    assert hand.police_reference == "FC-2026-0001"
    services.report_unlink(by=coordinator, report=_report(), reason="Another episode")
    hand.refresh_from_db()
    assert hand.entered_in_error_at is None and hand.child == child
    assert (hand.police_force, hand.police_reference) == (None, "")
    assert _report().state == PoliceReport.State.WAITING


def test_a_report_with_no_date_of_birth_is_for_a_person_and_takes_its_age_from_the_child(
    world,
):
    child = make_child(world)  # born 14 May 2011: 14 on 1 March 2026
    send(world, notification(date_of_birth=None, child_flag=None))
    report = _report()
    assert report.state == PoliceReport.State.WAITING  # for a person, never filed as adult
    assert report.concerns == []  # and not a possible miscoding
    assert report.age_at_report is None and report.is_child is None
    services.report_link(by=world.user("coordinator"), report=report, child=child)
    report = _report()
    assert (report.age_at_report, report.is_child) == (14, True)


def test_a_young_adult_the_authority_knows_goes_to_a_person_as_a_care_leaver(world):
    from homeward.cases import codes

    leaver = make_child(
        world, date_of_birth=date(2006, 5, 14), legal_status=codes.LegalStatus.CARE_LEAVER
    )
    make_child(world, first_name="Alex", last_name="Known", date_of_birth=date(2007, 2, 2))
    make_child(world, first_name="Sam", last_name="Older", date_of_birth=date(1999, 2, 2))
    adult = {"child_flag": False, "missing_from": None, "placement_type": None}
    send(
        world,
        notification(police_reference="LEAVER", date_of_birth="2006-05-14", **adult),
        notification(
            police_reference="KNOWN", given_names="Alex", family_name="Known",
            date_of_birth="2007-02-02", **adult,
        ),
        notification(
            police_reference="STRANGER", given_names="Robin", family_name="Nobody",
            date_of_birth="2006-01-01", **adult,
        ),
        notification(
            police_reference="OLDER", given_names="Sam", family_name="Older",
            date_of_birth="1999-02-02", **adult,
        ),
    )  # fmt: skip
    report = _report("LEAVER")
    assert (report.state, report.known_adult, report.age_at_report) == (
        PoliceReport.State.WAITING, "care_leaver", 19,
    )  # fmt: skip
    assert report.suggestions[0]["child"] == leaver.pk
    assert (_report("KNOWN").state, _report("KNOWN").known_adult) == ("waiting", "known_child")
    # An adult the authority does not know, or one past 25, is not queued.
    assert (_report("STRANGER").state, _report("STRANGER").known_adult) == ("adult", "")
    assert _report("OLDER").state == "adult"


def test_a_certain_matchs_own_date_of_birth_decides_child_or_care_leaver(world):
    """The authority's record beats the report's date of birth when the match is certain: a
    looked-after child of 17 reported with the year of birth a year early (18 by the report)
    is a child's report, not a care leaver's; a care leaver of 18 reported a year late (17
    by the report) is a care leaver."""
    from homeward.cases import codes

    # Reported on 1 March 2026 (the helper's reported_at).
    make_child(
        world,
        first_name="Casey",
        last_name="Placed",
        date_of_birth=date(2008, 6, 10),
        legal_status=codes.LegalStatus.LOOKED_AFTER,
    )
    make_child(
        world,
        first_name="Morgan",
        last_name="Leaving",
        date_of_birth=date(2007, 6, 10),
        legal_status=codes.LegalStatus.CARE_LEAVER,
    )
    adult = {"child_flag": False, "missing_from": None, "placement_type": None}
    send(
        world,
        notification(
            police_reference="YEAR-EARLY", given_names="Casey", family_name="Placed",
            date_of_birth="2007-06-10", **adult,
        ),
        notification(
            police_reference="YEAR-LATE", given_names="Morgan", family_name="Leaving",
            date_of_birth="2008-06-10",
        ),
    )  # fmt: skip
    early, late = _report("YEAR-EARLY"), _report("YEAR-LATE")
    assert early.suggestions[0]["band"] == late.suggestions[0]["band"] == "match"
    assert (early.is_child, early.state, early.known_adult) == (False, "waiting", "")
    assert (late.is_child, late.state, late.known_adult) == (True, "waiting", "care_leaver")


def test_the_leaving_care_team_is_emailed_each_care_leavers_report_once(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    """Where the authority has a leaving-care team, its people are emailed the reference of
    each report about one of its care leavers (never a name), once: sending the report
    again, or a known child's report, emails nobody."""
    from homeward.accounts.models import Role
    from homeward.cases import codes
    from homeward.organisations.models import Organisation
    from tests.factories import make_user

    adult = {"child_flag": False, "missing_from": None, "placement_type": None}
    leaver = notification(police_reference="LEAVER", date_of_birth="2006-05-14", **adult)
    make_child(world, date_of_birth=date(2006, 5, 14), legal_status=codes.LegalStatus.CARE_LEAVER)
    make_child(world, first_name="Alex", last_name="Known", date_of_birth=date(2007, 2, 2))
    known = notification(
        police_reference="KNOWN", given_names="Alex", family_name="Known",
        date_of_birth="2007-02-02", **adult,
    )  # fmt: skip

    # No leaving-care team yet: the report reaches the queue, and no one is emailed.
    with django_capture_on_commit_callbacks(execute=True):
        send(world, leaver)
    assert _report("LEAVER").known_adult == "care_leaver" and mailoutbox == []

    team = Organisation.objects.create(
        name="Leaving Care Team", kind=Organisation.Kind.AUTHORITY_TEAM,
        authority=world.authority, leaving_care=True,
    )  # fmt: skip
    make_user("adviser", Role.WORKER, team, email="adviser@example.org")
    make_user("gone", Role.WORKER, team, email="gone@example.org", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        send(world, notification(**{**leaver, "police_reference": "LEAVER-2"}), known)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["adviser@example.org"]
    assert "P-" in message.body and "1 police report about a care leaver" in message.subject
    assert _report("LEAVER-2").reference in message.body
    assert _report("KNOWN").reference not in message.body
    assert "Jordan" not in message.body and "Example" not in message.body

    # The same notification again: nothing changes, no one is told twice.
    with django_capture_on_commit_callbacks(execute=True):
        send(world, notification(**{**leaver, "police_reference": "LEAVER-2"}))
    assert len(mailoutbox) == 1


def test_notifications_that_fold_to_a_birth_after_the_report_are_kept_not_a_server_error(world):
    """Found by schemathesis (a 500: the age stored was negative): each notification is
    valid alone, but the second moves the report's date before the first's date of birth.
    Both are kept; the report's age is unknown and its times contradict each other."""
    send(world, notification(date_of_birth="2025-06-01", reported_at="2026-03-01T22:00:00+00:00"))
    send(
        world,
        notification(
            notification_type="update",
            date_of_birth=None,
            reported_at="2025-01-01T10:00:00+00:00",
            last_seen_at="2025-01-01T09:00:00+00:00",
            sent_at="2026-03-02T09:00:00+00:00",
        ),
    )
    report = _report()
    assert report.notifications.count() == 2
    assert (report.age_at_report, report.is_child) == (None, None)
    assert "times_out_of_order" in [c["code"] for c in report.concerns]
