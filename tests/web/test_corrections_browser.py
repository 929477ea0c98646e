"""The corrections in a real browser (Chromium): a child's detail changed, an episode changed
through its check-your-answers step, a possible miscoding resolved into a recode, records
marked entered in error, a report unlinked, an interview reallocated and reopened; axe-core
(WCAG 2.2 AA) on every correction page on the way."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from homeward.cases import services
from homeward.cases.models import ContactAttempt, Episode, ReturnInterview
from homeward.intake import services as intake_services
from homeward.intake.models import PoliceReport
from tests.browser import axe_violations, chromium_page
from tests.factories import World, make_child, make_episode, make_interview, make_world
from tests.web.conftest import sign_in
from tests.web.pages import build_objects

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")  # Playwright's loop in this thread
    with chromium_page(allow_origin=live_server.url) as page:
        yield page


def _as(page: Page, live_server: Any, world: World, role: str) -> None:
    session = sign_in(Client(), world.user(role)).cookies["sessionid"].value
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])


def _no_violations(page: Page) -> None:
    assert axe_violations(page) == [], page.url


def _banner(page: Page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner")).to_contain_text(text)


def test_a_coordinator_corrects_a_child_and_an_episode(browser: Page, live_server: Any) -> None:
    page = browser
    world = make_world()
    child = make_child(world)
    episode = make_episode(world, child)
    _as(page, live_server, world, "coordinator")
    page.goto(f"{live_server.url}/children/{child.pk}/")

    # A child's detail, from the summary list's Change link.
    page.get_by_role("link", name="Change name", exact=True).click()
    _no_violations(page)
    page.get_by_label("First name").fill("Jordon")
    page.get_by_role("button", name="Save the change").click()
    _banner(page, "Name changed")
    expect(page.locator("main")).to_contain_text("Jordon")

    # An episode: a change of category has consequences, so it is checked first.
    page.get_by_role("link", name=f"Change episode {episode.reference}").click()
    _no_violations(page)
    page.get_by_label("Absent").check()
    page.get_by_label("Why you are making this change (optional)").fill(
        "The police log says absent"
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text(f"Check the change to episode {episode.reference}")
    expect(page.locator("main")).to_contain_text("now counts as absent")
    _no_violations(page)
    assert Episode.objects.get(pk=episode.pk).category == "missing"  # not saved yet
    page.get_by_role("button", name="Save the change").click()
    _banner(page, f"Episode {episode.reference} changed")
    assert Episode.objects.get(pk=episode.pk).category == "absent"
    expect(page.locator("main")).to_contain_text("The police log says absent")

    # Entered in error: kept, tagged, out of the lists.
    page.locator("a", has_text="Entered in error").filter(has_text=episode.reference).click()
    _no_violations(page)
    page.get_by_role("button", name="Mark as entered in error").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why it was entered in error"
    )
    _no_violations(page)
    page.get_by_label("Why it was entered in error").fill("Recorded on the wrong child")
    page.get_by_role("button", name="Mark as entered in error").click()
    _banner(page, f"Episode {episode.reference} marked entered in error")
    expect(page.locator("del", has_text=episode.reference)).to_have_count(1)
    assert Episode.objects.get(pk=episode.pk).entered_in_error_at is not None


def test_a_miscoding_recodes_the_episode_and_a_wrong_link_is_undone(
    browser: Page, live_server: Any
) -> None:
    page = browser
    world = make_world()
    objects = build_objects(world)
    report = PoliceReport.objects.get(reference=objects["report"])
    child = make_child(world, first_name="Robin", last_name="Wrong")
    episode = intake_services.report_link(by=world.user("coordinator"), report=report, child=child)
    _as(page, live_server, world, "coordinator")

    # The possible miscoding: the coding agreed with the force, applied to the episode.
    page.goto(f"{live_server.url}/notifications/reports/{report.reference}")
    page.get_by_label("Missing", exact=True).check()
    page.get_by_label("High").check()
    page.get_by_label("Home", exact=True).check()
    page.get_by_label("How the possible miscoding was resolved").fill(
        "The force agrees: missing, high risk"
    )
    page.get_by_role("button", name="Record the resolution").click()
    _banner(page, "resolved")
    expect(page.locator("main")).to_contain_text("Coded by the police")
    _no_violations(page)
    episode.refresh_from_db()
    assert (episode.category, episode.risk_grade) == ("missing", "high")
    page.goto(f"{live_server.url}/children/{child.pk}/")
    expect(page.locator("main")).to_contain_text("the police coded it Absent")

    # The report was linked to the wrong child: unlinked, back in the queue.
    page.goto(f"{live_server.url}/notifications/reports/{report.reference}")
    page.get_by_role("link", name="Unlink this report").click()
    _no_violations(page)
    page.get_by_label("Why the report is unlinked").fill("Another child of the same name")
    page.get_by_role("button", name="Unlink the report").click()
    _banner(page, f"Police report {report.reference} unlinked")
    _no_violations(page)
    assert PoliceReport.objects.get(pk=report.pk).state == PoliceReport.State.WAITING


def test_an_interview_is_reallocated_corrected_and_reopened(
    browser: Page, live_server: Any
) -> None:
    page = browser
    world = make_world()
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    due = interview.due_at
    attempt = services.interview_record_attempt(
        by=world.user("worker"),
        interview=interview,
        attempted_at=timezone.now() - timedelta(hours=3),
        method="phone",
        successful=False,
    )
    _as(page, live_server, world, "coordinator")
    page.goto(f"{live_server.url}/interviews/{interview.pk}/")
    page.get_by_role("link", name=f"Reallocate interview {interview.reference}").click()
    _no_violations(page)
    page.get_by_label("Worker (optional)").select_option(str(world.user("worker2").pk))
    page.get_by_role("button", name="Reallocate").click()
    _banner(page, f"Interview {interview.reference} reallocated")
    assert ReturnInterview.objects.get(pk=interview.pk).due_at == due

    # The worker now holding it marks a contact attempt entered in error.
    _as(page, live_server, world, "worker2")
    page.goto(f"{live_server.url}/interviews/{interview.pk}/")
    page.locator("a", has_text="Entered in error").filter(has_text="the contact attempt").click()
    _no_violations(page)
    page.get_by_label("Why it was entered in error").fill("Another child's number")
    page.get_by_role("button", name="Mark as entered in error").click()
    _banner(page, "A contact attempt marked entered in error")
    assert ContactAttempt.objects.get(pk=attempt.pk).entered_in_error_at is not None
    interview = ReturnInterview.objects.get(pk=interview.pk)
    assert interview.allocated_worker == world.user("worker2")
    services.interview_write_up(
        by=world.user("worker2"),
        interview=interview,
        write_up=services.WriteUp(held_at=timezone.now() - timedelta(hours=1)),
        expected_version=ReturnInterview.objects.get(pk=interview.pk).version,
    )
    services.interview_submit_for_sign_off(by=world.user("worker2"), interview=interview)
    services.interview_sign_off(by=world.user("manager"), interview=interview)

    # A manager reopens it, with the reason.
    _as(page, live_server, world, "manager")
    page.goto(f"{live_server.url}/interviews/{interview.pk}/")
    page.get_by_role("link", name=f"Reopen the interview {interview.reference}").click()
    _no_violations(page)
    page.get_by_label("Why the interview is reopened").fill("The harms were missed")
    page.get_by_role("button", name="Reopen the interview").click()
    _banner(page, f"Interview {interview.reference} reopened")
    expect(page.locator("main")).to_contain_text("Not signed off yet")
    assert ReturnInterview.objects.get(pk=interview.pk).signed_off_at is None
