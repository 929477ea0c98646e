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
    "exchange-partner-test",  # a POST only
    "profile-photo",  # an image
    "exchange-notice-photo",  # an image
    "national-received-csv",
    "national-benchmark",
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


def test_the_merged_ssda903_pages_have_no_accessibility_violations(
    tmp_path, live_server, monkeypatch
):
    """The merged 903 page after a POST (the walk above sees it empty): refused with errors
    on its fields, and the result with the validator's report (made up here: the real
    validator is run by `test_ssda903_merge_page.py`)."""
    from homeward.formats import ssda903_merge
    from homeward.formats.validator903 import RuleError, ValidationRun
    from homeward.synth.ssd import write_ssd

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")  # Playwright's loop in this thread
    new = RuleError("577", "Missing", 0, "2003196", "Child ceased to be missing before...")
    old = RuleError("169", "Episodes", 4, "2001267", "LA of placement is not valid.")

    def check(merged: object, *, la: str) -> ssda903_merge.MergeCheck:
        run = ValidationRun(errors=[new, old], summary={})
        return ssda903_merge.MergeCheck(
            merged=run, baseline=ValidationRun([old], {}), new=[new], already=[old]
        )

    monkeypatch.setattr(ssda903_merge, "check_merge", check)
    write_ssd(tmp_path, persons=200, seed=3)
    this = tmp_path / "ssda903" / "2026"
    world = make_world()
    session = sign_in(Client(), world.user("coordinator")).cookies["sessionid"].value
    found: dict[str, object] = {}
    wide: dict[str, object] = {}
    with chromium_page(allow_origin=live_server.url) as page:
        page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page.goto(f"{live_server.url}{url_for('returns-ssda903-merge', '', {})}")
        page.set_input_files("#id_header", str(this / "episodes.csv"))
        page.get_by_role("button", name="Merge and check").click()
        page.wait_for_load_state()
        assert "Select this year’s Episodes file" in page.content().replace("'", "’")
        found["refused"], wide["refused"] = axe_violations(page), phone_overflow(page)
        page.select_option("#id_year", "2025-26")
        page.set_input_files("#id_header", str(this / "header.csv"))
        page.set_input_files("#id_episodes", str(this / "episodes.csv"))
        page.fill("#id_reason", "The DfE return")
        page.get_by_role("button", name="Merge and check").click()
        page.wait_for_load_state()
        assert "Errors the merge brought: 1" in page.content()
        found["result"], wide["result"] = axe_violations(page), phone_overflow(page)
    assert {k: v for k, v in found.items() if v} == {}
    assert {k: v for k, v in wide.items() if v} == {}
