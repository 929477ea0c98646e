"""axe-core (WCAG 2.2 AA: zero violations) and a phone's width on the case system's pages
in Chromium: the upload page empty, with an import's counts and with a refused extract's
problems; the proposed matches and one match."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.browser import axe_violations, chromium_page, phone_overflow
from tests.care.extract import small_extract
from tests.factories import make_child, make_world
from tests.web.conftest import sign_in
from tests.web.pages import _proposal

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_case_system_pages_have_no_accessibility_violations(tmp_path, live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")  # Playwright's loop in this thread
    world = make_world()
    proposal = _proposal(make_child(world))
    good = small_extract().write(tmp_path / "good")
    bad_builder = small_extract()
    bad_builder.tables["ssd_cla_placement"][0]["clap_cla_placement_type"] = "H5"
    bad = bad_builder.write(tmp_path / "bad")
    admin = sign_in(Client(), world.user("admin")).cookies["sessionid"].value
    coordinator = sign_in(Client(), world.user("coordinator")).cookies["sessionid"].value
    found: dict[str, object] = {}
    wide: dict[str, object] = {}

    with chromium_page(allow_origin=live_server.url) as page:

        def visit(session: str, path: str) -> None:
            page.context.clear_cookies()
            page.context.add_cookies(
                [{"name": "sessionid", "value": session, "url": live_server.url}]
            )
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, path

        def check(where: str) -> None:
            found[where] = axe_violations(page)
            wide[where] = phone_overflow(page)

        visit(admin, "/case-system/import")
        check("upload")
        for name, folder, words in (
            ("refused", bad, "The extract was refused"),
            ("imported", good, "The extract was imported"),
        ):
            page.set_input_files("input[type=file]", [str(p) for p in sorted(folder.glob("*.csv"))])
            page.get_by_role("button", name="Import the extract").click()
            page.wait_for_load_state()
            assert words in page.content()
            check(name)
        visit(coordinator, "/case-system/matches")
        check("matches")
        visit(coordinator, f"/case-system/matches/{proposal.pk}")
        check("match")

    assert {k: v for k, v in found.items() if v} == {}
    assert {k: v for k, v in wide.items() if v} == {}
