"""The whole working week in a real browser (Debian's Chromium, Playwright), signed in
through the real pages (password, then the authenticator code):

a coordinator records a return and allocates the interview; the worker records an offer,
then the interview itself, and submits it for sign-off; on another interview, an offer and a
decline; a manager signs off; the manager finds the child by a misspelt name and reads the
indicators; an administrator reads the audit log. axe-core (WCAG 2.2 AA) runs on every page
on the way, and the same journey runs again with JavaScript switched off.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from homeward.audit.models import AccessEvent
from homeward.cases.models import Episode, ReturnInterview
from tests.browser import axe_violations, chromium_page
from tests.factories import PASSWORD, World, make_child, make_episode, make_interview, make_world
from tests.web.dates import fill_moment

pytestmark = pytest.mark.django_db(transaction=True)


class Journey:
    """A browser tab that checks every page it lands on."""

    def __init__(self, page: Page, base: str, world: World, *, javascript: bool) -> None:
        self.page, self.base, self.world, self.javascript = page, base, world, javascript
        self.checked: list[str] = []
        self.failed_requests: list[str] = []
        page.on(
            "response",
            lambda r: (
                self.failed_requests.append(f"{r.status} {r.url}") if r.status >= 400 else None
            ),
        )

    def check(self) -> None:
        """One <h1>, no WCAG 2.2 AA violation (axe needs JavaScript), no broken asset."""
        where = self.page.url.removeprefix(self.base)
        assert self.page.locator("h1").count() == 1, where
        if self.javascript:
            assert axe_violations(self.page) == [], where
        assets = [r for r in self.failed_requests if "/static/" in r]
        assert not assets, assets
        self.checked.append(where)

    def go(self, path: str) -> None:
        self.page.goto(f"{self.base}{path}")
        self.check()

    def click(self, role: str, name: str, *, within: str | None = None) -> None:
        scope = self.page.locator(within) if within else self.page
        scope.get_by_role(role, name=name).first.click()  # type: ignore[arg-type]
        self.page.wait_for_load_state()
        self.check()

    def sign_in(self, username: str) -> None:
        self.go("/sign-in/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.click("button", "Sign in")
        device = TOTPDevice.objects.get(user__username=username)
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        if totp.t() <= device.last_t:
            # Signed in already within this time step: its code is refused as a replay, so
            # type the next step's (the device accepts one step either side).
            totp.time = device.t0 + (device.last_t + 1 - device.drift) * device.step
        code = totp.token()
        self.page.get_by_label("Security code").fill(f"{code:06d}")
        self.click("button", "Continue")

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="Sign out").click()
        self.page.wait_for_load_state()
        expect(self.page.get_by_role("heading", level=1)).to_contain_text("Sign in")

    def fill_time(self, legend: str, moment: datetime) -> None:
        """Type `moment` into the day, month, year and time boxes of the date input."""
        fill_moment(self.page, legend, moment)

    def choose(self, group: str, option: str) -> None:
        self.page.get_by_role("group", name=group).get_by_label(option, exact=True).check()

    def success(self, text: str) -> None:
        expect(self.page.locator(".govuk-notification-banner")).to_contain_text(text)


@pytest.fixture
def week() -> Iterator[dict[str, object]]:
    world = make_world()
    for user in world.users.values():
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    child = make_child(world, aliases=["JJ"])
    now = timezone.now()
    missing = make_episode(world, child, started=now - timedelta(hours=30), returned_after=None)
    other = make_child(world, first_name="Riley", last_name="Fictional")
    offered = make_interview(world, [make_episode(world, other, started=now - timedelta(days=1))])
    yield {"world": world, "child": child, "missing": missing, "declining": offered}


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_week_of_work_in_the_browser(live_server, week, javascript, monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the test's own database reads
    # between steps are synchronous and safe (the server answers in its own thread).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    world: World = week["world"]  # type: ignore[assignment]
    child = week["child"]
    declining: ReturnInterview = week["declining"]  # type: ignore[assignment]
    now = timezone.now()
    with chromium_page(javascript=javascript, allow_origin=live_server.url) as page:
        tab = Journey(page, live_server.url, world, javascript=javascript)

        # The coordinator records the child's return and allocates the interview.
        tab.sign_in("coordinator")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        tab.go(f"/children/{child.pk}/")
        tab.click("link", "Record return")
        tab.fill_time("When the child returned or was found", now - timedelta(hours=2))
        tab.fill_time(
            "When the authority was told of the return (optional)", now - timedelta(hours=1)
        )
        tab.click("button", "Record the return")
        tab.success("Return recorded")
        tab.click("link", "Allocate an interview")
        page.get_by_label("Worker (optional)").select_option(
            label="Worker Tester (Missing Children Team)"
        )
        tab.choose("Is the interviewer independent of the child's care?", "Yes")
        tab.choose("Did the child choose the interviewer?", "No")
        tab.click("button", "Allocate the interview")
        interview = ReturnInterview.objects.get(episodes=week["missing"])
        assert page.url.endswith(f"/interviews/{interview.pk}/")
        assert interview.allocated_worker == world.user("worker")
        assert Episode.objects.get(pk=week["missing"].pk).due_at is not None  # type: ignore[attr-defined]
        tab.sign_out()

        # The worker: an offer, then the interview, written up.
        tab.sign_in("worker")
        tab.go("/caseload/")
        tab.go(f"/interviews/{interview.pk}/")
        tab.click("link", "Record an offer")
        tab.fill_time("When the interview was offered", now - timedelta(minutes=50))
        tab.choose("Offered to", "The child")
        tab.choose("How", "Phone")
        tab.click("button", "Record the offer")
        tab.click("link", "Write up the interview")
        tab.fill_time("When the interview was held", now - timedelta(minutes=20))
        page.get_by_label("Push factors").fill("Arguments at home about school.")
        page.get_by_label("Self-harm").check()
        page.get_by_label("The child's words").fill("I just needed space.")
        tab.click("button", "Save")
        tab.success("Write-up")
        interview.refresh_from_db()
        assert interview.outcome == "accepted" and interview.harms == ["self_harm"]
        assert interview.child_words == "I just needed space."
        # Written up: the worker submits it for a manager's sign-off.
        tab.click("link", "Submit for sign-off")
        tab.click("button", "Submit for sign-off")
        tab.success("submitted for sign-off")

        # Another child's interview: offered, then declined by the child.
        tab.go(f"/interviews/{declining.pk}/")
        tab.click("link", "Record an offer")
        tab.fill_time("When the interview was offered", now - timedelta(minutes=30))
        tab.choose("Offered to", "The child")
        tab.choose("How", "In person")
        tab.click("button", "Record the offer")
        tab.click("link", "Record a decline")
        tab.click("button", "Record the decline")  # nothing chosen: the error summary
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        tab.choose("Who declined", "The child")
        tab.choose("Why they declined", "The child did not want to talk about it")
        page.get_by_label("Their reason, in their words").fill("Did not want to talk to anyone.")
        tab.click("button", "Record the decline")
        declining.refresh_from_db()
        assert (declining.outcome, declining.declined_by) == ("declined", "child")
        tab.sign_out()

        # The manager signs off, finds the child by a misspelt name, reads the indicators.
        tab.sign_in("manager")
        tab.go(f"/interviews/{interview.pk}/")
        tab.click("link", "Sign off")
        page.get_by_label("Note for the worker (optional)").fill("A good, child-centred write-up.")
        tab.click("button", "Sign off")
        interview.refresh_from_db()
        assert interview.signed_off_by == world.user("manager")
        tab.click("link", "Find a child")
        page.get_by_label("Name").fill("Jordon Exampel")
        tab.click("button", "Search")
        tab.click("link", "Jordan Example")
        expect(page.locator("main")).to_contain_text("Interview held")
        tab.click("link", "Indicators")
        expect(page.locator("main table").first).to_be_visible()
        tab.sign_out()

        # The administrator reads the access log: the views and the search are there.
        tab.sign_in("admin")
        tab.go("/audit/")
        expect(page.locator("main")).to_contain_text("manager")
        # Pages that refuse or do not exist are GOV.UK pages too.
        tab.go(f"/children/{child.pk}/")
        assert "not" in page.locator("h1").inner_text().lower() or page.locator("h1").count() == 1
        tab.go("/no-such-page/")

    assert AccessEvent.objects.filter(action="search", username="manager").exists()
    assert AccessEvent.objects.filter(action="view", username="worker").exists()
    assert AccessEvent.objects.filter(action="denied", username="admin").exists()
    assert len(tab.checked) >= 30
