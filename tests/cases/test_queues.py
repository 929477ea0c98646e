"""Queues and sign-off in the services and selectors: one status per interview (the three
ways of reading it agree), submit / return / resubmit / sign off, allocating several
episodes at once, the allocation email (references only), and the figures that count the
lists they summarise."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from homeward.cases import notices, selectors, services, status, tasks
from homeward.cases.models import ReturnInterview
from tests.factories import World, make_child, make_episode, make_interview, make_world

pytestmark = pytest.mark.django_db
S = status.InterviewStatus


def hold(world: World, interview: ReturnInterview, *, by: str = "worker") -> ReturnInterview:
    return services.interview_write_up(
        by=world.user(by),
        interview=interview,
        write_up=services.WriteUp(held_at=timezone.now() - timedelta(hours=1)),
        expected_version=ReturnInterview.objects.get(pk=interview.pk).version,
    )


def one_in_each_status(world: World) -> dict[S, ReturnInterview]:
    """An interview of the world's worker in each status."""
    child = make_child(world)
    worker, manager = world.user("worker"), world.user("manager")

    def fresh() -> ReturnInterview:
        return make_interview(world, [make_episode(world, child)])

    def offered() -> ReturnInterview:
        interview = fresh()
        services.interview_record_offer(
            by=worker,
            interview=interview,
            offered_at=timezone.now() - timedelta(hours=2),
            offered_to="child",
            method="phone",
        )
        return interview

    made = {S.ALLOCATED: fresh(), S.OFFERED: offered()}
    made[S.HELD] = hold(world, fresh())
    declined = offered()
    services.interview_record_decline(
        by=worker,
        interview=declined,
        declined_by="child",
        reason="Does not want to talk",
        reason_code="not_wanted",
    )
    made[S.DECLINED] = declined
    no_contact = fresh()
    services.interview_record_attempt(
        by=worker,
        interview=no_contact,
        attempted_at=timezone.now() - timedelta(hours=3),
        method="phone",
        successful=False,
    )
    made[S.NO_CONTACT] = services.interview_record_no_contact(by=worker, interview=no_contact)
    made[S.AWAITING_SIGN_OFF] = services.interview_submit_for_sign_off(
        by=worker, interview=hold(world, fresh())
    )
    returned = services.interview_submit_for_sign_off(by=worker, interview=hold(world, fresh()))
    made[S.RETURNED] = services.interview_return(
        by=manager, interview=returned, comments="Say what the child wants next."
    )
    signed = services.interview_submit_for_sign_off(by=worker, interview=hold(world, fresh()))
    made[S.SIGNED_OFF] = services.interview_sign_off(by=manager, interview=signed)
    return made


def test_each_interview_has_one_status_and_the_three_readings_agree():
    world = make_world()
    made = one_in_each_status(world)
    assert set(made) == set(S)
    annotated = {i.pk: i.status for i in status.annotate_status(ReturnInterview.objects.all())}
    for expected, interview in made.items():
        fresh = ReturnInterview.objects.get(pk=interview.pk)
        assert status.interview_status(fresh) == expected
        assert annotated[interview.pk] == expected
        matching = [
            s
            for s, condition in status.conditions().items()
            if ReturnInterview.objects.filter(condition, pk=interview.pk).exists()
        ]
        assert matching == [expected], (expected, matching)


def test_submit_only_a_closed_interview_once():
    world = make_world()
    interview = make_interview(world, [make_episode(world, make_child(world))])
    worker = world.user("worker")
    with pytest.raises(ValidationError, match=r"record how it\s+ended first"):
        services.interview_submit_for_sign_off(by=worker, interview=interview)
    with pytest.raises(PermissionDenied):
        services.interview_submit_for_sign_off(by=world.user("worker2"), interview=interview)
    hold(world, interview)
    submitted = services.interview_submit_for_sign_off(by=worker, interview=interview)
    assert submitted.submitted_for_sign_off_by == worker
    with pytest.raises(ValidationError, match="already waiting"):
        services.interview_submit_for_sign_off(by=worker, interview=interview)


def test_the_round_trip_submit_return_resubmit_sign_off():
    world = make_world()
    interview = hold(world, make_interview(world, [make_episode(world, make_child(world))]))
    worker, manager = world.user("worker"), world.user("manager")
    with pytest.raises(ValidationError, match="not been submitted"):
        services.interview_return(by=manager, interview=interview, comments="Too soon")
    submitted = services.interview_submit_for_sign_off(by=worker, interview=interview)
    with pytest.raises(ValidationError) as empty:
        services.interview_return(by=manager, interview=interview, comments="  ")
    assert "comments" in empty.value.message_dict
    with pytest.raises(PermissionDenied):
        services.interview_return(by=worker, interview=interview, comments="Mine")
    returned = services.interview_return(
        by=manager, interview=interview, comments="Add the child's wishes."
    )
    assert status.interview_status(returned) == S.RETURNED
    assert (returned.returned_for_changes_by, returned.return_comments) == (
        manager,
        "Add the child's wishes.",
    )
    with pytest.raises(ValidationError, match="not been submitted"):
        services.interview_sign_off(by=manager, interview=interview)
    # The worker changes it and submits it again; the comments stay for the manager.
    services.interview_write_up(
        by=worker,
        interview=interview,
        write_up=services.WriteUp(
            held_at=timezone.now() - timedelta(hours=1), child_wishes="To stay at school"
        ),
        expected_version=ReturnInterview.objects.get(pk=interview.pk).version,
    )
    again = services.interview_submit_for_sign_off(by=worker, interview=interview)
    assert status.interview_status(again) == S.AWAITING_SIGN_OFF
    assert again.return_comments == "Add the child's wishes."
    # A manager approves only what they read: a stale version is refused.
    with pytest.raises(ValidationError, match="changed since"):
        services.interview_sign_off(
            by=manager, interview=interview, expected_version=submitted.version
        )
    signed = services.interview_sign_off(
        by=manager, interview=interview, expected_version=again.version
    )
    assert status.interview_status(signed) == S.SIGNED_OFF
    with pytest.raises(ValidationError, match="signed off"):
        services.interview_return(by=manager, interview=interview, comments="Late")


def test_a_provider_manager_signs_off_only_the_provider_s_interviews():
    world = make_world()
    child = make_child(world)
    theirs = make_interview(world, [make_episode(world, child)])
    hold(world, theirs)
    services.interview_submit_for_sign_off(by=world.user("worker"), interview=theirs)
    provided = make_interview(world, [make_episode(world, child)], worker="provider_worker")
    hold(world, provided, by="provider_worker")
    services.interview_submit_for_sign_off(by=world.user("provider_worker"), interview=provided)

    manager_queue = list(selectors.sign_off_queue(user=world.user("manager")))
    assert [i.pk for i in manager_queue] == [theirs.pk, provided.pk]
    provider_queue = list(selectors.sign_off_queue(user=world.user("provider_manager")))
    assert [i.pk for i in provider_queue] == [provided.pk]
    with pytest.raises(PermissionDenied):
        services.interview_sign_off(by=world.user("provider_manager"), interview=theirs)
    with pytest.raises(PermissionDenied):
        selectors.sign_off_queue(user=world.user("worker"))


def test_allocating_several_episodes_makes_one_interview_per_child_and_one_email_task():
    world = make_world()
    first, second = make_child(world), make_child(world, first_name="Riley")
    episodes = [make_episode(world, first), make_episode(world, first), make_episode(world, second)]
    made = services.interviews_allocate_many(
        by=world.user("coordinator"),
        episodes=episodes,
        organisation=world.team,
        worker=world.user("worker"),
    )
    assert len(made) == 2
    assert sorted(i.episodes.count() for i in made) == [1, 2]
    assert {i.child_id for i in made} == {first.pk, second.pk}
    task = DBTaskResult.objects.get()
    assert task.task_path == tasks.send_allocation_notices.module_path
    assert sorted(task.args_kwargs["kwargs"]["interview_ids"]) == sorted(i.pk for i in made)


def test_allocating_several_is_all_or_nothing_and_for_allocators_only():
    world = make_world()
    child = make_child(world)
    taken = make_episode(world, child)
    make_interview(world, [taken])
    free = make_episode(world, make_child(world, first_name="Riley"))
    before = ReturnInterview.objects.count()
    with pytest.raises(ValidationError):
        services.interviews_allocate_many(
            by=world.user("coordinator"),
            episodes=[free, taken],
            organisation=world.team,
            worker=world.user("worker"),
        )
    assert ReturnInterview.objects.count() == before
    with pytest.raises(PermissionDenied):
        services.interviews_allocate_many(
            by=world.user("worker"), episodes=[free], organisation=world.team
        )


def test_the_allocation_email_gives_references_only(mailoutbox):
    world = make_world()
    child = make_child(world, first_name="Quinlan", last_name="Zephyrine")
    one = make_interview(world, [make_episode(world, child)])
    two = make_interview(world, [make_episode(world, child)])
    other = make_interview(world, [make_episode(world, child)], worker="worker2")
    world.user("worker2").email = ""
    world.user("worker2").save()
    world.user("worker").email = "worker@example.invalid"
    world.user("worker").save()
    report = notices.send_allocation_notices(interview_ids=[one.pk, two.pk, other.pk])
    assert (report.sent, report.skipped) == (1, 1)
    (message,) = mailoutbox
    assert message.to == ["worker@example.invalid"]
    assert message.subject == "2 return interviews allocated to you"
    assert one.reference in message.body and two.reference in message.body
    assert child.reference in message.body
    for secret in ("Quinlan", "Zephyrine", child.postcode):
        assert secret not in message.body and secret not in message.subject


def test_the_caseload_lists_split_the_caseload_and_each_figure_is_its_list():
    world = make_world()
    made = one_in_each_status(world)
    board = selectors.caseload(user=world.user("worker"))
    assert [i.pk for i in board.open] == [made[S.ALLOCATED].pk, made[S.OFFERED].pk]
    assert [i.pk for i in board.returned] == [made[S.RETURNED].pk]
    assert {i.pk for i in board.to_submit} == {
        made[S.HELD].pk,
        made[S.DECLINED].pk,
        made[S.NO_CONTACT].pk,
    }
    assert [i.pk for i in board.awaiting_sign_off.object_list] == [made[S.AWAITING_SIGN_OFF].pk]
    assert board.awaiting_sign_off.paginator.count == 1
    assert [i.pk for i in board.signed_off.object_list] == [made[S.SIGNED_OFF].pk]
    assert board.signed_off.paginator.count == len(board.signed_off.object_list)
    # Every one allocated in the last 7 days is a new allocation.
    assert {i.pk for i in board.new} == {i.pk for i in made.values()}
    # A manager of the team: the sign-off queue's figure is the queue's length.
    manager_board = selectors.caseload(user=world.user("manager"))
    assert manager_board.sign_off_queue == len(selectors.sign_off_queue(user=world.user("manager")))
    assert manager_board.sign_off_queue == 1


def test_the_workload_counts_what_its_list_lists():
    world = make_world()
    now = timezone.now()
    child = make_child(world)
    overdue = make_interview(world, [make_episode(world, child, started=now - timedelta(days=8))])
    soon = make_interview(
        world,
        [
            make_episode(
                world, child, started=now - timedelta(hours=60), returned_after=timedelta(hours=1)
            )
        ],
    )
    later = make_interview(
        world,
        [
            make_episode(
                world, child, started=now - timedelta(hours=3), returned_after=timedelta(hours=1)
            )
        ],
    )
    make_interview(world, [make_episode(world, child)], worker="worker2")
    hold(world, make_interview(world, [make_episode(world, child)]))  # not open
    rows = selectors.team_workload(user=world.user("coordinator"), now=now)
    mine = next(r for r in rows if r.worker_id == world.user("worker").pk)
    assert mine.counts == {"open": 3, "due_soon": 1, "overdue": 1}
    for row in rows:
        for which in selectors.WORKLOAD_COLUMNS:
            query = selectors.workload_filters(row, which)
            filters = selectors.CaseFilters(
                status=query["status"],
                due=query["due"],
                organisation=int(query["organisation"]),
                worker=query["worker"],
            )
            listed = selectors.interview_list(
                user=world.user("coordinator"), filters=filters, now=now
            )
            assert row.counts[which] == listed.count(), (row.worker, which)
    listed = selectors.interview_list(
        user=world.user("coordinator"),
        filters=selectors.CaseFilters(worker=str(world.user("worker").pk), due="overdue"),
        now=now,
    )
    assert [i.pk for i in listed] == [overdue.pk]
    assert {soon.pk, later.pk} <= {
        i.pk
        for i in selectors.interview_list(
            user=world.user("coordinator"),
            filters=selectors.CaseFilters(status=selectors.OPEN_STATUS),
            now=now,
        )
    }
    # A provider's manager sees the provider's own workers only.
    provider_rows = selectors.team_workload(user=world.user("provider_manager"), now=now)
    assert {r.organisation_id for r in provider_rows} == {world.provider.pk}
