"""The indicators page in a real browser: no WCAG 2.2 AA violations (axe-core), and the
form works with JavaScript and without it."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.browser import axe_violations, chromium_page
from tests.cases.test_indicator_tables import build_records
from tests.factories import make_world
from tests.web.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("javascript", [True, False])
def test_the_indicators_page_has_no_accessibility_violations(live_server, javascript):
    world = make_world()
    build_records(world)
    client = sign_in(Client(), world.user("manager"))
    session = client.cookies["sessionid"].value
    with chromium_page(javascript=javascript, allow_origin=live_server.url) as first:
        # A context that lets axe-core's script in past the page's Content-Security-Policy.
        browser = first.context.browser
        assert browser is not None
        context = browser.new_context(java_script_enabled=javascript, bypass_csp=True)
        page = context.new_page()
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith((live_server.url, "data:", "about:"))
                else route.abort()
            ),
        )
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page.goto(f"{live_server.url}/indicators/?group=organisation&by=quarter")
        assert page.locator("h1").inner_text() == "Return interview indicators"
        if javascript:  # axe-core is itself a script
            assert axe_violations(page) == []
        # The GET form works without script: choose months and send it.
        page.get_by_label("Calendar month").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Show indicators").click()
        page.wait_for_load_state()
        assert "by=month" in page.url
        assert page.get_by_role("rowheader", name="2025-10").count() >= 1
        if javascript:
            assert axe_violations(page) == []
