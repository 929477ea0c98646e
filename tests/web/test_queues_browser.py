"""The queues in a real browser (Debian's Chromium, Playwright), signed in through the
real pages, axe-core (WCAG 2.2 AA) on every page on the way:

- the sign-off round trip: the worker submits; the manager finds it in the sign-off queue,
  reads the summary and returns it with comments; the worker reads the comments, changes
  the write-up and submits again; the manager signs it off;
- allocating several episodes at once from the home page, through the check step.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from homeward.cases import services, status
from homeward.cases.models import ReturnInterview
from tests.browser import chromium_page
from tests.factories import World, make_child, make_episode, make_interview, make_world
from tests.web.test_browser_journey import Journey

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world() -> Iterator[World]:
    world = make_world()
    for user in world.users.values():
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    yield world


def test_the_sign_off_round_trip_in_the_browser(live_server, world, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    services.interview_write_up(
        by=world.user("worker"),
        interview=interview,
        write_up=services.WriteUp(
            held_at=timezone.now() - timedelta(hours=1), child_words="I went to the park."
        ),
        expected_version=interview.version,
    )
    path = f"/interviews/{interview.pk}/"
    with chromium_page(allow_origin=live_server.url) as page:
        tab = Journey(page, live_server.url, world, javascript=True)

        tab.sign_in("worker")
        tab.go(path)
        tab.click("link", "Submit for sign-off")
        tab.click("button", "Submit for sign-off")
        tab.success("submitted for sign-off")
        expect(page.locator("main")).to_contain_text("Awaiting sign-off")
        tab.sign_out()

        tab.sign_in("manager")
        tab.click("link", "Awaiting your sign-off: 1")
        tab.click("link", "Review and decide")
        main = page.locator("main")
        expect(main).to_contain_text("I went to the park.")
        expect(main).to_contain_text("This is what you approve")
        tab.click("link", "Return it to the worker with comments")
        tab.click("button", "Return to the worker")  # no comments: the error summary
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Enter what needs changing, for the worker"
        )
        page.get_by_label("What needs changing").fill("Say what the child wants to happen next.")
        tab.click("button", "Return to the worker")
        tab.success(f"Interview {interview.reference} returned")
        expect(main).to_contain_text("Nothing is waiting for your sign-off.")
        tab.sign_out()

        tab.sign_in("worker")
        tab.go("/caseload/")
        returned = page.locator("#returned")
        expect(returned).to_contain_text(interview.reference)
        expect(returned).to_contain_text("Say what the child wants to happen next.")
        expect(returned.locator(".govuk-tag")).to_contain_text("Returned")
        tab.click("link", interview.reference, within="#returned")
        expect(main).to_contain_text("Returned for changes by")
        tab.click("link", "Change the write-up")
        page.get_by_label("What the child wants").fill("To stay with their aunt.")
        tab.click("button", "Save")
        tab.click("link", "Submit for sign-off")
        tab.click("button", "Submit for sign-off")
        tab.success("submitted for sign-off")
        tab.sign_out()

        tab.sign_in("manager")
        tab.go("/sign-off/")
        tab.click("link", "Review and decide")
        expect(main).to_contain_text("To stay with their aunt.")
        expect(main).to_contain_text("Say what the child wants to happen next.")  # returned before
        page.get_by_label("Note for the worker (optional)").fill("Thank you.")
        tab.click("button", "Sign off")
        tab.success(f"Interview {interview.reference} signed off")
        tab.go(path)
        expect(main.locator(".govuk-tag").first).to_contain_text("Signed off")
    signed = ReturnInterview.objects.get(pk=interview.pk)
    assert status.interview_status(signed) == status.InterviewStatus.SIGNED_OFF
    assert signed.child_wishes == "To stay with their aunt."
    assert signed.signed_off_by == world.user("manager")


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_allocating_several_episodes_in_the_browser(live_server, world, monkeypatch, javascript):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    first = make_child(world, first_name="Alex", last_name="Fictional")
    second = make_child(world, first_name="Riley", last_name="Madeup")
    episodes = [make_episode(world, first), make_episode(world, first), make_episode(world, second)]
    with chromium_page(javascript=javascript, allow_origin=live_server.url) as page:
        tab = Journey(page, live_server.url, world, javascript=javascript)
        tab.sign_in("coordinator")
        tab.click("link", "Allocate several episodes at once")
        for episode in episodes:
            page.get_by_label(episode.reference, exact=False).check()
        page.get_by_role("group", name="Organisation").get_by_label(
            "Missing Children Team", exact=False
        ).check()
        page.get_by_label("Worker (optional)").select_option(
            label="Worker Tester (Missing Children Team)"
        )
        tab.choose("Is the interviewer independent of the children's care?", "Yes")
        tab.click("button", "Continue")
        main = page.locator("main")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Check the allocation")
        expect(main).to_contain_text("2 interviews, one for each child")
        # Back to the answers, kept, then on.
        tab.click("button", "Change the answers")
        expect(page.get_by_label(episodes[2].reference, exact=False)).to_be_checked()
        page.get_by_label(episodes[2].reference, exact=False).uncheck()
        tab.click("button", "Continue")
        expect(main).to_contain_text("1 interview, one for each child")
        tab.click("button", "Allocate 1 interview")
        tab.success("1 interview allocated to Worker Tester")
    made = ReturnInterview.objects.get()
    assert set(made.episodes.values_list("pk", flat=True)) == {episodes[0].pk, episodes[1].pk}
    assert made.allocated_worker == world.user("worker")
