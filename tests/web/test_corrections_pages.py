"""The correction pages through HTTP: Change links on the summary lists, a page per group of
fields with its own error messages, the reason asked for when it is required, check your
answers before a change with consequences, and the history on the timeline."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from homeward.cases import corrections
from homeward.cases.models import Child, Correction
from tests.factories import make_child, make_episode
from tests.web.dates import moment_boxes

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _a_day_three_days_ago(monkeypatch):
    """Recent episodes (the last two days) never fall in a reporting year that has ended."""
    day = (timezone.now() - timedelta(days=3)).astimezone(UK).date()
    monkeypatch.setattr(corrections, "_today", lambda: day)


def local(moment: datetime) -> str:
    """A moment as a datetime-local input sends it (UK wall clock, to the minute)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def html_of(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


def errors_of(html: str) -> list[str]:
    """The error summary's messages, in order."""
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert summary, "an error summary"
    found = re.findall(r"<li>(.*?)</li>", summary[0], re.S)
    return [unescape(re.sub(r"<[^>]+>", "", m)).strip() for m in found]


# --- the child's details -------------------------------------------------------------------


def test_the_childs_summary_list_has_a_change_link_for_each_group(world, client_for):
    child = make_child(world)
    html = html_of(client_for("coordinator"), reverse("web:child", args=[child.pk]))
    for group in ("name", "birth", "identity", "address", "authorities"):
        assert reverse(f"web:child-change-{group}", args=[child.pk]) in html
    assert reverse("web:child-care", args=[child.pk]) in html
    assert 'Change<span class="govuk-visually-hidden"> date of birth</span>' in html
    assert "govuk-summary-list__actions" in html
    # Those who cannot change a child see no Change link.
    police = make_child(world, first_name="Casey")
    make_episode(world, police, police_force=world.police, police_reference="FC-9")
    seen = html_of(client_for("police"), reverse("web:child", args=[police.pk]))
    assert "govuk-summary-list__actions" not in seen
    assert "/change/" not in seen


def test_information_not_yet_obtained_is_filled_in(world, client_for):
    child = make_child(world)
    assert child.get_ethnicity_display() == "Information not yet obtained"
    client = client_for("coordinator")
    url = reverse("web:child-change-identity", args=[child.pk])
    form = html_of(client, url)
    assert 'value="NOBT" selected' in form
    assert "Why you are making this change (optional)" in form
    response = client.post(url, {"sex": "female", "ethnicity": "BAFR", "reason": ""})
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.sex, child.ethnicity) == ("female", "BAFR")
    page = html_of(client, reverse("web:child", args=[child.pk]))
    assert "Sex and ethnicity changed" in page
    assert f"Child {child.reference} changed" in page
    assert "Ethnicity: from Information not yet obtained to African" in page


def test_each_field_says_what_is_wrong_with_it(world, client_for):
    child = make_child(world)
    client = client_for("coordinator")
    response = client.post(
        reverse("web:child-change-name", args=[child.pk]),
        {"first_name": "", "last_name": "x" * 101, "aliases": ""},
    )
    assert response.status_code == 400
    assert errors_of(response.content.decode()) == [
        "Enter the child's first name",
        "The child's last name must be 100 characters or fewer",
    ]
    response = client.post(
        reverse("web:child-change-birth", args=[child.pk]), {"date_of_birth": "31/02/2012"}
    )
    assert errors_of(response.content.decode()) == [
        "Enter the date of birth as a real date, for example 2012-03-27"
    ]
    response = client.post(
        reverse("web:child-change-address", args=[child.pk]),
        {"address": "", "postcode": "not one"},
    )
    assert errors_of(response.content.decode()) == [
        "Enter a postcode in the right shape, like ZZ1 1AA, or leave it blank"
    ]
    unchanged = client.post(
        reverse("web:child-change-identity", args=[child.pk]),
        {"sex": child.sex, "ethnicity": child.ethnicity},
    )
    assert unchanged.status_code == 400
    assert errors_of(unchanged.content.decode()) == [corrections.NOTHING_CHANGED]


def test_the_reason_is_asked_for_and_says_why_once_the_record_has_left(world, client_for):
    child = make_child(world, aliases=["JJ"])
    make_episode(world, child, started=timezone.now() - timedelta(days=800))
    client = client_for("manager")
    url = reverse("web:child-change-name", args=[child.pk])
    form = html_of(client, url)
    assert 'value="JJ"' in form
    assert "Required because episode E-000001 belongs to" in form
    refused = client.post(url, {"first_name": "Jordan", "last_name": "Exampel", "aliases": "JJ"})
    assert refused.status_code == 400
    assert errors_of(refused.content.decode()) == ["Enter why you are making this change"]
    assert Child.objects.get(pk=child.pk).last_name == "Example"
    saved = client.post(
        url,
        {
            "first_name": "Jordan",
            "last_name": "Exampel",
            "aliases": "JJ, Jordy",
            "reason": "Birth certificate seen",
        },
    )
    assert saved.status_code == 302
    correction = Correction.objects.get()
    assert correction.reason == "Birth certificate seen"
    assert correction.reason_required_because.startswith("episode E-000001 belongs to")
    page = html_of(client, reverse("web:child", args=[child.pk]))
    assert "Last name: from Example to Exampel" in page
    assert "Reason: Birth certificate seen" in page


def test_care_is_changed_with_its_reason(world, client_for):
    child = make_child(world)
    client = client_for("coordinator")
    url = reverse("web:child-care", args=[child.pk])
    response = client.post(
        url,
        {
            "legal_status": "looked_after",
            "placement_type": "foster",
            "looked_after_since": "2024-02-01",
            "upn": "",
            "reason": "Came into care",
        },
    )
    assert response.status_code == 302
    assert Correction.objects.get().reason == "Came into care"
    page = html_of(client, reverse("web:child", args=[child.pk]))
    assert "Looked after since: from nothing recorded to 1 February 2024" in page


@pytest.mark.parametrize("group", ["name", "birth", "identity", "address", "authorities"])
def test_only_coordinators_and_managers_open_a_change_page(world, client_for, group):
    child = make_child(world)
    url = reverse(f"web:child-change-{group}", args=[child.pk])
    assert client_for("worker").post(url, {"reason": "x"}).status_code == 403
    assert client_for("manager").get(url).status_code == 200


# --- episodes ------------------------------------------------------------------------------


def _episode_data(episode, **changes):
    data = {
        "category": episode.category,
        "risk_grade": episode.risk_grade,
        "missing_from": episode.missing_from,
        "started_at": local(episode.started_at),
        "reported_to_police_at": "",
        "returned_at": local(episode.returned_at) if episode.returned_at else "",
        "notified_at": local(episode.notified_at) if episode.notified_at else "",
        "reason": "",
    }
    data.update(changes)
    return data


def test_an_episode_has_change_and_entered_in_error_links(world, client_for):
    child = make_child(world)
    episode = make_episode(world, child)
    html = html_of(client_for("coordinator"), reverse("web:child", args=[child.pk]))
    assert reverse("web:episode-change", args=[episode.pk]) in html
    assert reverse("web:episode-in-error", args=[episode.pk]) in html
    form = html_of(client_for("manager"), reverse("web:episode-change", args=[episode.pk]))
    assert 'value="medium" selected' in form
    assert (
        client_for("worker").get(reverse("web:episode-change", args=[episode.pk])).status_code
        == 403
    )


def test_a_change_without_consequences_is_saved_at_once(world, client_for):
    child = make_child(world)
    episode = make_episode(world, child)
    client = client_for("coordinator")
    url = reverse("web:episode-change", args=[episode.pk])
    response = client.post(url, _episode_data(episode, risk_grade="high"))
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.risk_grade == "high"
    page = html_of(client, reverse("web:child", args=[child.pk]))
    assert f"Episode {episode.reference} changed" in page
    assert "Police risk grade: from Medium to High" in page


def test_a_change_that_moves_the_due_point_is_checked_before_it_is_saved(world, client_for):
    from tests.factories import make_interview

    child = make_child(world)
    episode = make_episode(world, child, started=timezone.now() - timedelta(hours=20))
    interview = make_interview(world, [episode])
    client = client_for("coordinator")
    url = reverse("web:episode-change", args=[episode.pk])
    returned = (timezone.now() - timedelta(days=4)).replace(second=0, microsecond=0)
    data = _episode_data(
        episode,
        started_at=local(returned - timedelta(hours=2)),
        **moment_boxes("returned_at", returned),
        notified_at=local(returned + timedelta(hours=1)),
        reason="The police log gives the earlier return",
    )
    check = client.post(url, data)
    assert check.status_code == 200
    html = check.content.decode()
    assert f"Check the change to episode {episode.reference}" in html
    assert f"Interview {interview.reference} becomes overdue." in html
    assert f"Interview {interview.reference} will be due" in html
    assert "Was: " in html and "The police log gives the earlier return" in html
    assert 'name="action" value="confirm"' in html
    # Nothing is saved until confirmed.
    episode.refresh_from_db()
    assert episode.returned_at != returned
    # Going back keeps the answers.
    edit = client.post(url, {**data, "action": "edit"})
    assert edit.status_code == 200
    boxes = moment_boxes("returned_at", returned)
    typed = re.search(r'<input[^>]*name="returned_at_time"[^>]*>', edit.content.decode())
    assert typed and f'value="{boxes["returned_at_time"]}"' in typed.group(0)
    # The check page carries the answers as typed, in hidden inputs: sent back, they save.
    carried = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    assert carried["returned_at_time"] == boxes["returned_at_time"]
    saved = client.post(url, {**{k: unescape(v) for k, v in carried.items()}, "action": "confirm"})
    assert saved.status_code == 302
    episode.refresh_from_db()
    interview.refresh_from_db()
    assert episode.returned_at == returned
    assert interview.due_at == returned + timedelta(hours=72)


def test_an_episode_is_refused_with_the_fields_own_messages(world, client_for):
    child = make_child(world)
    episode = make_episode(world, child)
    client = client_for("coordinator")
    url = reverse("web:episode-change", args=[episode.pk])
    response = client.post(
        url,
        _episode_data(episode, started_at="", category="", returned_at="yesterday"),
    )
    assert response.status_code == 400
    assert errors_of(response.content.decode()) == [
        "Select missing or absent",
        "Enter when the child went missing",
        "Enter when the child returned as a real date and time",
    ]
    late = client.post(
        url,
        _episode_data(episode, returned_at=local(episode.started_at - timedelta(hours=2))),
    )
    assert late.status_code == 400
    assert errors_of(late.content.decode()) == ["The return must be after the child went missing"]


def test_an_episode_entered_in_error_is_kept_tagged_and_out_of_the_lists(world, client_for):
    child = make_child(world)
    episode = make_episode(world, child)
    client = client_for("coordinator")
    url = reverse("web:episode-in-error", args=[episode.pk])
    form = html_of(client, url)
    assert "leaves every count" in form
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert errors_of(refused.content.decode()) == ["Enter why it was entered in error"]
    assert client.post(url, {"reason": "Recorded on the wrong child"}).status_code == 302
    page = html_of(client, reverse("web:child", args=[child.pk]))
    assert f"<del>{episode.reference}</del>" in page
    assert "Entered in error</strong>" in page
    assert "Recorded on the wrong child" in page
    assert reverse("web:episode-change", args=[episode.pk]) not in page
    home = html_of(client, reverse("web:home"))
    assert episode.reference not in home


def test_an_episode_of_a_police_report_is_unlinked_instead(world, client_for):
    from homeward.intake import services as intake_services
    from homeward.intake.models import PoliceReport
    from tests.web.pages import build_objects

    objects = build_objects(world)
    report = PoliceReport.objects.get(reference=objects["report"])
    child = Child.objects.get(pk=objects["child"])
    episode = intake_services.report_link(by=world.user("coordinator"), report=report, child=child)
    html = html_of(client_for("coordinator"), reverse("web:episode-in-error", args=[episode.pk]))
    assert f"Police report {report.reference} is linked to this episode" in html
    assert reverse("web:intake-report", args=[report.reference]) in html
    assert 'name="reason"' not in html


# --- a police report linked to the wrong child ---------------------------------------------


def test_a_report_linked_to_the_wrong_child_is_unlinked_from_its_page(world, client_for):
    from homeward.intake import services as intake_services
    from homeward.intake.models import PoliceReport
    from tests.web.pages import build_objects

    objects = build_objects(world)
    report = PoliceReport.objects.get(reference=objects["report"])
    child = Child.objects.get(pk=objects["child"])
    episode = intake_services.report_link(by=world.user("coordinator"), report=report, child=child)
    client = client_for("coordinator")
    report_page = html_of(client, reverse("web:intake-report", args=[report.reference]))
    url = reverse("web:intake-unlink", args=[report.reference])
    assert url in report_page
    form = html_of(client, url)
    assert f"Linking the report created episode {episode.reference}" in form
    assert "goes back in the queue" in form
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert errors_of(refused.content.decode()) == ["Enter why the report is unlinked"]
    assert client_for("worker").get(url).status_code == 403
    response = client.post(url, {"reason": "The police confirm it is a cousin"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "web:intake-report", args=[report.reference]
    )
    report.refresh_from_db()
    assert report.state == PoliceReport.State.WAITING
    after = html_of(client, reverse("web:intake-report", args=[report.reference]))
    assert f"Police report {report.reference} unlinked" in after
    assert reverse("web:intake-link", args=[report.reference]) in after
    record = html_of(client, reverse("web:child", args=[child.pk]))
    assert "The police confirm it is a cousin" in record
    assert f"<del>{episode.reference}</del>" in record
    # Once unlinked, the page says so and offers no form.
    assert 'name="reason"' not in html_of(client, url)


# --- the interview: reallocation and reopening ----------------------------------------------


def test_an_interview_is_reallocated_from_its_page_and_the_clock_does_not_restart(
    world, client_for
):
    from tests.factories import make_interview

    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    due, allocated = interview.due_at, interview.allocated_at
    client = client_for("coordinator")
    page = html_of(client, reverse("web:interview", args=[interview.pk]))
    url = reverse("web:interview-reallocate", args=[interview.pk])
    assert url in page
    assert url not in html_of(client_for("worker"), reverse("web:interview", args=[interview.pk]))
    form = html_of(client, url)
    assert "The clock does not restart" in form
    same = client.post(
        url, {"organisation": world.team.pk, "worker": interview.allocated_worker_id}
    )
    assert same.status_code == 400
    assert errors_of(same.content.decode()) == [corrections.NOTHING_CHANGED]
    wrong = client.post(
        url, {"organisation": world.team.pk, "worker": world.user("provider_worker").pk}
    )
    assert wrong.status_code == 400
    response = client.post(
        url,
        {
            "organisation": world.provider.pk,
            "worker": world.user("provider_worker").pk,
            "reason": "Worker on leave",
        },
    )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.allocated_worker == world.user("provider_worker")
    assert (interview.due_at, interview.allocated_at) == (due, allocated)
    record = html_of(client, reverse("web:child", args=[child.pk]))
    assert f"Interview {interview.reference} reallocated" in record
    assert "Worker on leave" in record


def test_a_manager_reopens_a_signed_off_interview_from_its_page(world, client_for):
    from homeward.cases import services
    from homeward.cases.models import ReturnInterview
    from tests.factories import make_interview

    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    services.interview_write_up(
        by=world.user("worker"),
        interview=interview,
        write_up=services.WriteUp(held_at=timezone.now() - timedelta(hours=1)),
        expected_version=ReturnInterview.objects.get(pk=interview.pk).version,
    )
    url = reverse("web:interview-reopen", args=[interview.pk])
    manager = client_for("manager")
    assert 'name="reason"' not in html_of(manager, url)  # not signed off yet
    services.interview_submit_for_sign_off(by=world.user("worker"), interview=interview)
    services.interview_sign_off(by=world.user("manager"), interview=interview)
    page = html_of(manager, reverse("web:interview", args=[interview.pk]))
    assert url in page
    assert client_for("coordinator").get(url).status_code == 403
    refused = manager.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert errors_of(refused.content.decode()) == ["Enter why the interview is reopened"]
    assert manager.post(url, {"reason": "Harms missed in the write-up"}).status_code == 302
    interview.refresh_from_db()
    assert interview.signed_off_at is None
    after = html_of(manager, reverse("web:interview", args=[interview.pk]))
    assert f"Interview {interview.reference} reopened" in after and "Not signed off yet" in after
    record = html_of(manager, reverse("web:child", args=[child.pk]))
    assert "Harms missed in the write-up" in record


# --- the interview's parts -----------------------------------------------------------------


def test_an_interviews_parts_are_changed_and_marked_entered_in_error(world, client_for):
    from homeward.cases import services
    from homeward.cases.models import ContactAttempt
    from tests.factories import make_interview

    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    worker = world.user("worker")
    place = services.interview_add_place(
        by=worker, interview=interview, description="Flat above the shop", postcode="ZZ1 2BB"
    )
    attempt = services.interview_record_attempt(
        by=worker,
        interview=interview,
        attempted_at=timezone.now() - timedelta(hours=2),
        method="phone",
        successful=False,
    )
    client = client_for("worker")
    page = html_of(client, reverse("web:interview", args=[interview.pk]))
    change = reverse("web:part-change", args=[f"place-{place.pk}"])
    in_error = reverse("web:part-in-error", args=[f"attempt-{attempt.pk}"])
    assert change in page and in_error in page
    assert change not in html_of(
        client_for("manager"), reverse("web:interview", args=[interview.pk])
    )
    form = html_of(client, change)
    assert 'value="Flat above the shop"' in form
    refused = client.post(change, {"description": "", "postcode": "ZZ1 2BB", "shareable": "no"})
    assert refused.status_code == 400
    assert errors_of(refused.content.decode()) == ["Describe the place"]
    saved = client.post(
        change,
        {"description": "Flat above the takeaway", "postcode": "ZZ1 2BB", "shareable": "yes"},
    )
    assert saved.status_code == 302
    place.refresh_from_db()
    assert (place.description, place.shareable) == ("Flat above the takeaway", True)
    refused = client.post(in_error, {"reason": ""})
    assert errors_of(refused.content.decode()) == ["Enter why it was entered in error"]
    assert client.post(in_error, {"reason": "Another child's call"}).status_code == 302
    assert ContactAttempt.objects.get(pk=attempt.pk).entered_in_error_at is not None
    after = html_of(client, reverse("web:interview", args=[interview.pk]))
    assert 'Entered in error</strong> <span class="govuk-body-s">Another child\'s call' in unescape(
        after
    )
    assert in_error not in after
    assert client.get(in_error).status_code == 404
    assert client.get(reverse("web:part-change", args=["lorry-1"])).status_code == 404
    record = html_of(client_for("coordinator"), reverse("web:child", args=[child.pk]))
    assert f"place of concern (interview {interview.reference}) changed" in record


def test_an_interview_entered_in_error_with_its_only_episode_says_so(world, client_for):
    from tests.factories import make_interview

    child = make_child(world)
    episode = make_episode(world, child)
    interview = make_interview(world, [episode])
    client = client_for("coordinator")
    url = reverse("web:episode-in-error", args=[episode.pk])
    assert f"Interview {interview.reference} covers only this episode" in html_of(client, url)
    assert client.post(url, {"reason": "A duplicate of another episode"}).status_code == 302
    page = html_of(client, reverse("web:interview", args=[interview.pk]))
    assert "Entered in error" in page and "A duplicate of another episode" in page
    assert reverse("web:interview-reallocate", args=[interview.pk]) not in page


# --- whereabouts known (the SSDA903's A or M) ------------------------------------------------


def test_the_whereabouts_are_asked_when_recording_and_shown_on_the_childs_page(world, client_for):
    child = make_child(world)
    client = client_for("coordinator")
    form = html_of(client, reverse("web:episode-new", args=[child.pk]))
    assert "Were the child&#x27;s whereabouts known while they were away?" in form
    started = timezone.now() - timedelta(days=2)
    response = client.post(
        reverse("web:episode-new", args=[child.pk]),
        {
            "category": "absent",
            "missing_from": "care",
            "whereabouts_known": "yes",
            **moment_boxes("started_at", started),
            "risk_grade": "low",
        },
    )
    assert response.status_code == 302
    episode = child.episodes.get()
    assert episode.whereabouts_known is True
    page = html_of(client, reverse("web:child", args=[child.pk]))
    assert "Whereabouts known: yes" in page
    other = make_episode(world, child, started=started - timedelta(days=5))
    assert other.whereabouts_known is None
    assert "Whereabouts known: not recorded" in html_of(
        client, reverse("web:child", args=[child.pk])
    )


def test_the_whereabouts_are_changed_with_their_own_message(world, client_for):
    child = make_child(world)
    episode = make_episode(world, child)
    client = client_for("coordinator")
    url = reverse("web:episode-change", args=[episode.pk])
    bad = client.post(url, _episode_data(episode, whereabouts_known="perhaps"))
    assert bad.status_code == 400
    assert errors_of(bad.content.decode()) == [
        "Select yes if the child's whereabouts were known while they were away, no if they "
        "were not, or not known"
    ]
    saved = client.post(url, _episode_data(episode, whereabouts_known="no"))
    assert saved.status_code == 302
    episode.refresh_from_db()
    assert episode.whereabouts_known is False
    page = html_of(client, reverse("web:child", args=[child.pk]))
    assert "Whereabouts known: no" in page
    assert "Whereabouts known while away" in page  # the change, on the timeline
    assert 'value="no" checked' in html_of(client, url)
