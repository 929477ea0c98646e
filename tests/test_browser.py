"""The accessibility check itself: axe-core finds violations when there are some."""

from __future__ import annotations

from pathlib import Path

from tests.browser import axe_violations, chromium_page

BAD_PAGE = """<!doctype html><html lang="en-GB"><head><title>Bad</title></head><body><main>
<h1>A page with faults</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<p style="color:#bbb;background:#fff">Grey on white is too faint to read.</p>
</main></body></html>"""


def test_axe_reports_a_missing_alt_text_and_poor_contrast(tmp_path: Path) -> None:
    page_path = tmp_path / "bad.html"
    page_path.write_text(BAD_PAGE, encoding="utf-8")
    with chromium_page() as page:
        page.goto(page_path.as_uri())
        rules = {violation["id"] for violation in axe_violations(page)}
    assert {"image-alt", "color-contrast"} <= rules
