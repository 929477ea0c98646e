"""axe-core on every page of the web application (WCAG 2.2 AA: zero violations), each seen
by a role that may see it, in Debian's Chromium; and the sign-in pages, a refusal and a
missing page. The pages come from `tests/web/pages.py`, which must name every URL.

The same walk measures each page on a phone's screen (390 px): no page may be wider than
the screen (a wide table scrolls inside its own region). The records it shows carry the
longest names, references and notes they allow (`pages.lengthen`), so a page that lets
them push it wide fails. One walk for both: each page is loaded once."""

from __future__ import annotations

from pprint import pformat

import pytest
from django.test import Client

from tests.browser import axe_violations, chromium_page, phone_overflow
from tests.factories import make_world
from tests.web.conftest import sign_in
from tests.web.pages import MATRIX, OK, build_objects, lengthen, url_for

pytestmark = pytest.mark.django_db(transaction=True)

#: Downloads are files, not pages.
NOT_PAGES = {
    "indicators-download",
    "analysis-download",
    "returns-download",
    "intelligence-file",
    "panel-pdf-download",
}


def test_every_page_has_no_accessibility_violations_and_fits_a_phone(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")  # Playwright's loop in this thread
    world = make_world()
    objects = build_objects(world)
    lengthen(world, objects)
    sessions: dict[str, str] = {}

    def session_of(role: str) -> str:
        if role not in sessions:
            sessions[role] = sign_in(Client(), world.user(role)).cookies["sessionid"].value
        return sessions[role]

    visits = []
    for name, (argument, expected) in MATRIX.items():
        if name in NOT_PAGES:
            continue
        role = next(r for r, status in expected.items() if status == OK)
        visits.append((name, role, url_for(name, argument, objects)))
    # Pages before and beside the roles: signed out, half signed in, refused, missing.
    half = Client()
    half.force_login(world.user("analyst"))
    found: dict[str, list[object]] = {}
    wide: dict[str, object] = {}

    def check(where: str) -> None:
        found[where] = axe_violations(page)
        wide[where] = phone_overflow(page)

    with chromium_page(allow_origin=live_server.url) as page:
        for name, role, path in visits:
            page.context.clear_cookies()
            page.context.add_cookies(
                [{"name": "sessionid", "value": session_of(role), "url": live_server.url}]
            )
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, (name, role)
            check(f"{name} as {role}")
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/sign-in/")
        check("sign-in")
        page.context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": half.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        for path in ("/two-factor/set-up/", "/two-factor/"):
            page.goto(f"{live_server.url}{path}")
            check(path)
        page.context.clear_cookies()
        page.context.add_cookies(
            [{"name": "sessionid", "value": session_of("analyst"), "url": live_server.url}]
        )
        refused = page.goto(f"{live_server.url}{url_for('child', 'child', objects)}")
        assert refused is not None and refused.status == 403
        check("403")
        missing = page.goto(f"{live_server.url}/no-such-page/")
        assert missing is not None and missing.status == 404
        check("404")
    assert len(found) == len(visits) + 5
    violations = {where: v for where, v in found.items() if v}
    assert not violations, pformat(violations)
    too_wide = {where: w for where, w in wide.items() if w}
    assert not too_wide, pformat(too_wide)
