"""The daily-work pages through HTTP: what each role sees, the whole journey from a new child
to a signed-off interview, search, refusals and their log, lost-update protection on the
write-up, form errors, and no inline script or style."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from homeward.audit.models import AccessEvent
from homeward.cases.models import Child, Episode, InformationShare, ReturnInterview
from homeward.formats.dates import moment_text
from tests.factories import make_child, make_episode, make_interview
from tests.web.dates import day_boxes, moment_boxes

pytestmark = pytest.mark.django_db


def local(moment: datetime) -> str:
    """A moment as one ISO value (UK wall clock, to the minute): the forms' fallback."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def uk(moment: datetime) -> str:
    """A moment as the pages show it, e.g. "5 November 2026 at 9:30am"."""
    return moment_text(timezone.localtime(moment))


def version_in(html: str) -> str:
    found = re.search(r'name="expected_version" value="(\d+)"', html)
    assert found, "the write-up form carries its version"
    return found.group(1)


def write_up_data(version: str, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "expected_version": version,
        **moment_boxes("held_at", timezone.now() - timedelta(hours=1)),
        "held_where": "Library meeting room",
        "push_factors": "Arguments at the placement",
        "pull_factors": "Older friends in town",
        "whereabouts": "With friends at a flat in town",
        "harms": ["criminal_exploitation", "drugs_alcohol"],
        "child_words": "I just wanted to get away for a bit",
        "child_wishes": "To move to a placement nearer school",
        "follow_up_offered": "yes",
        "follow_up_taken_up": "",
        "safety_plan_updated": "no",
        "late_reason": "",
    }
    data.update(changes)
    return data


def version_of(interview: ReturnInterview) -> int:
    return ReturnInterview.objects.get(pk=interview.pk).version


def page(client: Client, name: str, *args: object, status: int = 200) -> str:
    response = client.get(reverse(f"web:{name}", args=args))
    assert response.status_code == status, response.content[:2000]
    return response.content.decode()


# --- who lands where -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "target"),
    [
        ("worker", "web:caseload"),
        ("provider_manager", "web:caseload"),
        ("analyst", "web:indicators"),
        ("admin", "web:audit"),
        ("police", "web:search"),
    ],
)
def test_home_sends_each_role_to_where_its_work_starts(client_for, role, target):
    response = client_for(role).get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(target)


def test_pages_need_a_signed_in_user(world):
    child = make_child(world)
    response = Client().get(reverse("web:child", args=[child.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:sign-in"))
    assert not AccessEvent.objects.filter(child_id=child.pk).exists()


def test_coordinator_home_lists_each_section_with_due_points_rules_and_workers(world, client_for):
    now = timezone.now()
    overdue_child = make_child(world, first_name="Casey", last_name="Overdue")
    late = make_episode(world, overdue_child, started=now - timedelta(days=6))
    late_interview = make_interview(world, [late])
    soon_child = make_child(world, first_name="Riley", last_name="Soon")
    soon = make_episode(
        world, soon_child, started=now - timedelta(hours=60), returned_after=timedelta(hours=10)
    )
    soon_interview = make_interview(world, [soon], worker="worker2")
    missing_child = make_child(world, first_name="Morgan", last_name="Missing")
    make_episode(world, missing_child, returned_after=None)
    waiting_child = make_child(world, first_name="Avery", last_name="Waiting")
    waiting = make_episode(world, waiting_child, started=now - timedelta(hours=20))

    html = page(client_for("coordinator"), "home")

    assert "<h1" in html and html.count("<h1") == 1
    for heading in (
        "New episodes (last 7 days)",
        "Still missing",
        "Awaiting an interview allocation",
        "Interviews due within 24 hours",
        "Overdue interviews",
        "Overdue episodes with no interview allocated",
        "Other open interviews (due later, or clock not started)",
    ):
        assert heading in html
    overdue_section = html.split('id="overdue"')[1].split("</section>")[0]
    assert "Casey Overdue" in overdue_section
    assert late_interview.reference in overdue_section
    assert uk(late_interview.due_at) in overdue_section
    # The rule is stated once, above the lists, not on every row.
    assert late_interview.due_rule not in overdue_section
    assert html.count(late_interview.due_rule) == 1
    assert "Worker Tester" in overdue_section
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in overdue_section
    soon_section = html.split('id="due-soon"')[1].split("</section>")[0]
    assert soon_interview.reference in soon_section and "Worker2 Tester" in soon_section
    assert ">Overdue<" not in soon_section
    assert "Morgan Missing" in html.split('id="missing"')[1].split("</section>")[0]
    awaiting_section = html.split('id="awaiting"')[1].split("</section>")[0]
    assert waiting.reference in awaiting_section and uk(waiting.due_at) in awaiting_section
    assert f'href="{reverse("web:child", args=[waiting_child.pk])}"' in awaiting_section


def test_caseload_shows_open_interviews_then_closed(world, client_for):
    child = make_child(world)
    first = make_interview(world, [make_episode(world, child)])
    second = make_interview(world, [make_episode(world, child)])
    from homeward.cases import services

    services.interview_record_offer(
        by=world.user("worker"),
        interview=second,
        offered_at=timezone.now() - timedelta(hours=1),
        offered_to="child",
        method="phone",
    )
    services.interview_record_decline(
        by=world.user("worker"),
        interview=second,
        declined_by="child",
        reason="Not now",
        reason_code="not_wanted",
    )
    html = page(client_for("worker"), "caseload")
    open_part = html.split('id="open"')[1].split("</section>")[0]
    to_submit = html.split('id="to-submit"')[1].split("</section>")[0]
    signed_part = html.split('id="signed-off"')[1]
    assert first.reference in open_part and uk(first.due_at) in open_part
    # Declined and not yet submitted: the worker's to submit, not closed.
    assert second.reference in to_submit and "Declined" in to_submit
    assert second.reference not in signed_part
    assert f'href="{reverse("web:interview", args=[first.pk])}"' in open_part


# --- the whole journey ---------------------------------------------------------------------


def test_journey_from_a_new_child_to_a_signed_off_interview(world, client_for):
    now = timezone.now()
    coordinator = client_for("coordinator")
    worker = client_for("worker")
    manager = client_for("manager")

    # The coordinator adds a child.
    assert "Add a child" in page(coordinator, "search")
    page(coordinator, "child-new")
    response = coordinator.post(
        reverse("web:child-new"),
        {
            "first_name": "Jordan",
            "last_name": "Example",
            "aliases": "JJ, Jordy ",
            **day_boxes("date_of_birth", date(2012, 3, 7)),
            "sex": "male",
            "ethnicity": "WBRI",
            "address": "1 Fictional Road, Nowhere",
            "postcode": "zz1 1aa",
            "legal_status": "looked_after",
            "placement_type": "foster",
            "responsible_authority": world.authority.pk,
            "host_authority": "",
            "social_worker": "Alex Fictional",
            **day_boxes("looked_after_since", date(2020, 5, 1)),
            "upn": "a12345678901b",
        },
    )
    child = Child.objects.get(first_name="Jordan")
    assert (child.looked_after_since, child.upn) == (date(2020, 5, 1), "A12345678901B")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:child", args=[child.pk])
    assert sorted(a.name for a in child.aliases.all()) == ["JJ", "Jordy"]
    assert child.postcode == "ZZ1 1AA"
    html = coordinator.get(response["Location"]).content.decode()
    assert "Jordan Example added as" in html  # the success message
    assert "1 Fictional Road, Nowhere" in html and "Record a new episode" in html

    # ... records an episode while the child is missing, then the return.
    started = now - timedelta(days=6)
    response = coordinator.post(
        reverse("web:episode-new", args=[child.pk]),
        {
            "category": "missing",
            "missing_from": "care",
            **moment_boxes("started_at", started),
            **moment_boxes("reported_to_police_at", started + timedelta(hours=1)),
            "police_force": world.police.pk,
            "police_reference": "FC-0001",
            "risk_grade": "medium",
            "circumstances": "Left after an argument",
            "last_seen_where": "Bus station",
        },
    )
    assert response.status_code == 302
    episode = Episode.objects.get(child=child)
    assert episode.returned_at is None and episode.police_force == world.police
    html = page(coordinator, "child", child.pk)
    assert "Record return" in html and "Still missing" in html
    page(coordinator, "episode-return", episode.pk)
    returned = now - timedelta(days=5)
    response = coordinator.post(
        reverse("web:episode-return", args=[episode.pk]),
        {
            **moment_boxes("returned_at", returned),
            **moment_boxes("notified_at", returned + timedelta(hours=1)),
            "found_where": "A friend's flat",
        },
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.found_where == "A friend's flat"
    assert episode.due_at == episode.returned_at + timedelta(hours=72)

    # ... allocates the interview to a worker (no suggestion yet: never seen before).
    html = page(coordinator, "allocate", child.pk)
    assert episode.reference in html and "Suggested:" not in html
    response = coordinator.post(
        reverse("web:allocate", args=[child.pk]),
        {
            "episodes": [episode.pk],
            "organisation": world.team.pk,
            "worker": world.user("worker").pk,
            "interviewer_independent": "yes",
            "chosen_by_child": "no",
        },
    )
    interview = ReturnInterview.objects.get(child=child)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:interview", args=[interview.pk])
    assert interview.allocated_worker == world.user("worker")
    assert interview.interviewer_independent is True and interview.chosen_by_child is False

    # The worker sees it on the caseload, records the offer...
    assert interview.reference in page(worker, "caseload")
    html = page(worker, "interview", interview.pk)
    assert "Record an offer" in html and "Overdue" in html
    assert "Sign off" not in html
    response = worker.post(
        reverse("web:offer", args=[interview.pk]),
        {
            **moment_boxes("offered_at", now - timedelta(days=4)),
            "offered_to": "child",
            "method": "phone",
        },
    )
    assert response.status_code == 302
    assert interview.offers.count() == 1

    # ... and writes it up: held after it was due, so the reason is asked for.
    version = version_in(page(worker, "write-up", interview.pk))
    response = worker.post(reverse("web:write-up", args=[interview.pk]), write_up_data(version))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The interview was held after it was due" in html
    assert 'href="#id_late_reason"' in html
    assert ReturnInterview.objects.get(pk=interview.pk).held_at is None
    response = worker.post(
        reverse("web:write-up", args=[interview.pk]),
        write_up_data(
            version,
            late_reason="The child was away at a relative's until today",
            late_reason_code="child_unavailable",
        ),
    )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.held_at is not None and interview.outcome == "accepted"
    assert interview.harms == ["criminal_exploitation", "drugs_alcohol"]
    assert interview.follow_up_offered is True and interview.follow_up_taken_up is None
    html = worker.get(reverse("web:interview", args=[interview.pk])).content.decode()
    assert "Write-up of interview" in html  # the success message
    assert "Criminal exploitation (including county lines)" in html
    assert "I just wanted to get away for a bit" in html

    # The worker submits it for sign-off; the manager signs it off.
    assert reverse("web:sign-off", args=[interview.pk]) not in page(
        manager, "interview", interview.pk
    )
    assert reverse("web:submit", args=[interview.pk]) in html
    page(worker, "submit", interview.pk)
    assert worker.post(reverse("web:submit", args=[interview.pk])).status_code == 302
    html = page(manager, "interview", interview.pk)
    assert reverse("web:sign-off", args=[interview.pk]) in html
    page(manager, "sign-off", interview.pk)
    response = manager.post(
        reverse("web:sign-off", args=[interview.pk]),
        {"note": "Good, thorough write-up", "expected_version": version_of(interview)},
    )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.signed_off_by == world.user("manager")
    html = page(worker, "interview", interview.pk)
    assert reverse("web:write-up", args=[interview.pk]) not in html  # nothing left to change

    # A second episode, recorded with its return: the allocation suggests the same worker.
    response = coordinator.post(
        reverse("web:episode-new", args=[child.pk]),
        {
            "category": "missing",
            "missing_from": "care",
            **moment_boxes("started_at", now - timedelta(hours=10)),
            **moment_boxes("returned_at", now - timedelta(hours=2)),
            **moment_boxes("notified_at", now - timedelta(hours=1)),
        },
    )
    assert response.status_code == 302
    html = page(coordinator, "allocate", child.pk)
    assert "Suggested: Worker Tester saw this child last time" in html
    assert f'<option value="{world.user("worker").pk}" selected>' in html
    second_episode = Episode.objects.get(child=child, interview__isnull=True)
    response = coordinator.post(
        reverse("web:allocate", args=[child.pk]),
        {
            "episodes": [second_episode.pk],
            "organisation": world.team.pk,
            "worker": world.user("worker").pk,
            "interviewer_independent": "yes",
            "chosen_by_child": "yes",
        },
    )
    second = ReturnInterview.objects.exclude(pk=interview.pk).get(child=child)

    # The decline path: an offer, then the child declines.
    assert "Record a decline" not in page(worker, "interview", second.pk)
    worker.post(
        reverse("web:offer", args=[second.pk]),
        {
            **moment_boxes("offered_at", now - timedelta(minutes=30)),
            "offered_to": "child",
            "method": "text",
        },
    )
    html = page(worker, "interview", second.pk)
    assert "Record a decline" in html
    page(worker, "decline", second.pk)
    response = worker.post(
        reverse("web:decline", args=[second.pk]),
        {
            "declined_by": "child",
            "reason_code": "not_wanted",
            "reason": "Does not want to talk about it",
        },
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.outcome == "declined" and second.declined_by == "child"
    assert "Does not want to talk about it" in page(worker, "interview", second.pk)

    # Search finds the child by a misspelt name and by a date of birth the wrong way round.
    html = coordinator.get(reverse("web:search"), {"name": "Jordon Exampel"}).content.decode()
    assert f'href="{reverse("web:child", args=[child.pk])}"' in html
    html = coordinator.get(reverse("web:search"), {"date_of_birth": "2012-07-03"}).content.decode()
    assert f'href="{reverse("web:child", args=[child.pk])}"' in html
    assert "day and month swapped" in html

    # The child's timeline holds all of it, each entry dated.
    html = page(coordinator, "child", child.pk)
    timeline = html.split("Timeline")[1]
    for title in ("Interview held", "Declined by the child", "Signed off by", "Returned or found"):
        assert title in timeline
    assert uk(episode.returned_at) in timeline


# --- search --------------------------------------------------------------------------------


def test_empty_search_shows_no_results_and_logs_nothing(world, client_for):
    make_child(world)
    html = page(client_for("worker"), "search")
    assert "found</h2>" not in html and "Add a child" not in html
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.SEARCH).exists()


def test_search_lists_reasons_and_is_logged(world, client_for):
    child = make_child(world, aliases=["Jojo"])
    html = client_for("coordinator").get(reverse("web:search"), {"name": "Jojo"}).content.decode()
    assert child.reference in html and "matched an alias" in html
    assert AccessEvent.objects.filter(action=AccessEvent.Action.SEARCH).count() == 1


def test_search_with_a_bad_date_is_a_form_error(client_for):
    response = client_for("coordinator").get(reverse("web:search"), {"date_of_birth": "14/14"})
    assert response.status_code == 400
    assert 'href="#id_date_of_birth"' in response.content.decode()


# --- access ------------------------------------------------------------------------------------


def test_provider_worker_cannot_open_a_child_not_allocated_to_them(world, client_for):
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    provider_worker = world.user("provider_worker")
    client = client_for("provider_worker")
    assert client.get(reverse("web:child", args=[child.pk])).status_code == 403
    assert client.get(reverse("web:interview", args=[interview.pk])).status_code == 403
    refusals = AccessEvent.objects.filter(
        user=provider_worker, action=AccessEvent.Action.DENIED, child_id=child.pk
    )
    assert refusals.count() == 2
    assert not AccessEvent.objects.filter(
        user=provider_worker, action=AccessEvent.Action.VIEW
    ).exists()


def test_allocated_provider_worker_sees_the_child_and_the_view_is_logged(world, client_for):
    child = make_child(world)
    make_interview(world, [make_episode(world, child)], worker="provider_worker")
    html = page(client_for("provider_worker"), "child", child.pk)
    assert child.full_name in html
    assert "Record a new episode" not in html and "Allocate an interview" not in html
    assert AccessEvent.objects.filter(
        user=world.user("provider_worker"), action=AccessEvent.Action.VIEW, child_id=child.pk
    ).exists()


def test_police_liaison_sees_episodes_but_not_the_address_or_the_interview(world, client_for):
    child = make_child(world, address="2 Imaginary Close")
    episode = make_episode(world, child, police_force=world.police, police_reference="PX-9")
    interview = make_interview(world, [episode])
    police = client_for("police")
    html = page(police, "child", child.pk)
    assert "PX-9" in html and interview.reference in html
    assert "2 Imaginary Close" not in html
    assert reverse("web:interview", args=[interview.pk]) not in html
    assert "Record a new episode" not in html
    assert police.get(reverse("web:interview", args=[interview.pk])).status_code == 403


def test_workers_and_managers_cannot_reach_forms_that_are_not_theirs(world, client_for):
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    worker = client_for("worker")
    for name, arg in (("child-new", None), ("episode-new", child.pk), ("allocate", child.pk)):
        url = reverse(f"web:{name}", args=[arg] if arg else [])
        assert worker.get(url).status_code == 403
    assert worker.get(reverse("web:sign-off", args=[interview.pk])).status_code == 403
    manager = client_for("manager")
    assert manager.get(reverse("web:offer", args=[interview.pk])).status_code == 403
    response = worker.post(reverse("web:sign-off", args=[interview.pk]), {"note": "Signing my own"})
    assert response.status_code == 403
    assert ReturnInterview.objects.get(pk=interview.pk).signed_off_at is None


def test_missing_records_are_not_found(client_for):
    coordinator = client_for("coordinator")
    for name in ("child", "allocate", "episode-new", "episode-return", "interview", "write-up"):
        assert coordinator.get(reverse(f"web:{name}", args=[9999])).status_code == 404


# --- the write-up: lost updates, late reasons ----------------------------------------------


def test_second_writer_sees_the_differences_then_saves_after_reading(world, client_for):
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    first = client_for("worker")
    second = client_for("coordinator")
    url = reverse("web:write-up", args=[interview.pk])
    first_version = version_in(page(first, "write-up", interview.pk))
    second_version = version_in(page(second, "write-up", interview.pk))
    assert first_version == second_version

    response = first.post(url, write_up_data(first_version, push_factors="Rows with a carer"))
    assert response.status_code == 302

    mine = write_up_data(
        second_version,
        push_factors="Trouble at school",
        harms=["bullying"],
        child_wishes="To move to a placement nearer school",
    )
    response = second.post(url, mine)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this interview while you were editing" in html
    differences = html.split("What differs")[1].split("</table>")[0]
    assert "Push factors" in differences
    assert "Rows with a carer" in differences and "Trouble at school" in differences
    assert "Bullying, including online" in differences
    assert "Criminal exploitation (including county lines)" in differences
    assert "Pull factors" not in differences  # the same on both sides
    # Nothing of the second writer's was saved; their entries are kept in the form.
    saved = ReturnInterview.objects.get(pk=interview.pk)
    assert saved.push_factors == "Rows with a carer"
    form = html.split('<form method="post" novalidate')[1]
    assert "Trouble at school</textarea>" in form
    assert 'name="harms" type="checkbox" value="bullying" checked' in form
    fresh_version = version_in(html)
    assert fresh_version == str(saved.version) != second_version

    response = second.post(url, {**mine, "expected_version": fresh_version})
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.push_factors == "Trouble at school" and saved.harms == ["bullying"]
    assert saved.written_up_by == world.user("coordinator")


def test_late_reason_page_records_why(world, client_for):
    child = make_child(world)
    episode = make_episode(world, child, started=timezone.now() - timedelta(days=8))
    interview = make_interview(world, [episode])
    worker = client_for("worker")
    html = page(worker, "interview", interview.pk)
    assert reverse("web:late-reason", args=[interview.pk]) in html
    assert interview.due_rule in page(worker, "late-reason", interview.pk)
    response = worker.post(reverse("web:late-reason", args=[interview.pk]), {"reason": ""})
    assert response.status_code == 400
    response = worker.post(
        reverse("web:late-reason", args=[interview.pk]),
        {"reason": "Worker off sick", "reason_code": "no_worker"},
    )
    assert response.status_code == 302
    assert ReturnInterview.objects.get(pk=interview.pk).late_reason == "Worker off sick"


# --- other interview actions ---------------------------------------------------------------


def test_attempts_then_no_contact_on_a_confirm_page(world, client_for):
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    worker = client_for("worker")
    url = reverse("web:no-contact", args=[interview.pk])
    response = worker.post(url)
    assert response.status_code == 400
    assert "Record the attempts made" in response.content.decode()
    response = worker.post(
        reverse("web:attempt", args=[interview.pk]),
        {
            **moment_boxes("attempted_at", timezone.now() - timedelta(hours=3)),
            "method": "in_person",
            "successful": "no",
            "note": "Nobody home",
        },
    )
    assert response.status_code == 302
    html = page(worker, "no-contact", interview.pk)
    assert "1 contact attempt(s)" in html and '<form method="post"' in html
    assert worker.post(url).status_code == 302
    assert ReturnInterview.objects.get(pk=interview.pk).outcome == "no_contact"


def test_share_is_recorded_and_logged_as_a_disclosure_with_its_basis(world, client_for):
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    worker = client_for("worker")
    page(worker, "share", interview.pk)
    response = worker.post(
        reverse("web:share", args=[interview.pk]),
        {
            "recipient": "police",
            **moment_boxes("shared_at", timezone.now() - timedelta(minutes=5)),
            "basis": "safeguarding",
            "detail": "A flat of concern on the High Street",
        },
    )
    assert response.status_code == 302
    share = InformationShare.objects.get(interview=interview)
    assert share.detail == "A flat of concern on the High Street"
    event = AccessEvent.objects.get(action=AccessEvent.Action.SHARE)
    assert event.child_id == child.pk and event.user == world.user("worker")
    assert event.reason == "Safeguarding: to protect the child or others"
    assert "High Street" not in event.detail + event.reason  # the disclosure stays encrypted


# --- forms and markup ----------------------------------------------------------------------


def test_form_errors_are_400_with_a_summary_linking_to_each_field(world, client_for):
    child = make_child(world)
    response = client_for("coordinator").post(
        reverse("web:episode-new", args=[child.pk]), {"started_at": "not a time"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "<title>Error: " in html
    assert 'href="#id_category_0"' in html and 'href="#id_started_at"' in html
    assert 'id="id_started_at-error"' in html
    assert not Episode.objects.exists()


def test_service_refusals_land_on_their_fields(world, client_for):
    child = make_child(world)
    response = client_for("coordinator").post(
        reverse("web:episode-new", args=[child.pk]),
        {
            "category": "missing",
            "missing_from": "home",
            **moment_boxes("started_at", timezone.now() - timedelta(hours=5)),
            **moment_boxes("returned_at", timezone.now() - timedelta(hours=8)),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The return must be after the child went missing" in html
    assert 'href="#id_returned_at"' in html


def test_pages_carry_no_inline_script_or_style(world, client_for):
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    coordinator = client_for("coordinator")
    pages = [
        page(coordinator, "home"),
        page(coordinator, "child", child.pk),
        page(coordinator, "interview", interview.pk),
        page(coordinator, "write-up", interview.pk),
        page(coordinator, "allocate", child.pk),
        coordinator.get(reverse("web:search"), {"name": "Jordan"}).content.decode(),
    ]
    for html in pages:
        inline = [tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag]
        assert len(inline) == 1 and "nonce=" in inline[0]
        assert not re.search(r"\sstyle\s*=", html)
        assert not re.search(r"\son[a-z]+\s*=", html)


def test_every_page_has_one_heading_and_labelled_inputs(world, client_for):
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    coordinator = client_for("coordinator")
    names = [
        ("child-new", []),
        ("episode-new", [child.pk]),
        ("offer", [interview.pk]),
        ("attempt", [interview.pk]),
        ("share", [interview.pk]),
        ("write-up", [interview.pk]),
    ]
    for name, args in names:
        html = page(coordinator, name, *args)
        assert html.count("<h1") == 1, name
        inputs = [
            input_id
            for input_id in re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', html)
            if input_id != "id_expected_version"
        ]
        # Every one of these pages is a form: the check runs over its fields, never none.
        assert len(inputs) >= 2, (name, inputs)
        for input_id in inputs:
            assert f'for="{input_id}"' in html, (name, input_id)


def test_a_child_comes_into_care_and_the_period_is_recorded(world, client_for):
    child = make_child(world)
    coordinator = client_for("coordinator")
    url = reverse("web:child-care", args=[child.pk])
    assert url in page(coordinator, "child", child.pk)
    refused = coordinator.post(
        url,
        {"legal_status": "none", **day_boxes("looked_after_since", date(2024, 2, 1)), "upn": ""},
    )
    assert refused.status_code == 400
    assert "Only a looked-after child has a period of care" in refused.content.decode()
    response = coordinator.post(
        url,
        {"legal_status": "looked_after", "placement_type": "foster",
         **day_boxes("looked_after_since", date(2024, 2, 1)), "upn": "a12345678901b"},
    )  # fmt: skip
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.legal_status, child.placement_type) == ("looked_after", "foster")
    assert (child.looked_after_since, child.upn) == (date(2024, 2, 1), "A12345678901B")
    assert client_for("worker").get(url).status_code == 403
