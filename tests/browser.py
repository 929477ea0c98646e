"""Browser checks for tests: Debian's Chromium driven by Playwright, and axe-core.

Chromium comes from the system (`/usr/bin/chromium`, installed by `.ci/run` with apt);
Playwright's own browser download cannot run here. axe-core comes from npm (set-up).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
#: WCAG 2.2 AA: the rules axe tags for levels A and AA of WCAG 2.0, 2.1 and 2.2.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@contextmanager
def chromium_page(*, javascript: bool = True, allow_origin: str | None = None) -> Iterator[Page]:
    """A page in headless Chromium with the network closed to everything but local files
    (and `allow_origin`, e.g. a test server's `http://localhost:PORT`)."""
    allowed = ("file:", "data:", "about:", *((allow_origin,) if allow_origin else ()))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # axe-core is injected as a script, which the site's Content-Security-Policy
            # rightly refuses; the policy itself is tested in tests/web/test_security.py.
            context = browser.new_context(java_script_enabled=javascript, bypass_csp=True)
            page = context.new_page()
            page.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith(allowed) else route.abort()
                ),
            )
            yield page
        finally:
            browser.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 AA violations on the page, each with its rule id and nodes."""
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


#: A phone's screen: the narrowest width the pages must fit (an iPhone 12–15 is 390 px).
PHONE = {"width": 390, "height": 844}

_OVERFLOW = """() => {
  const root = document.documentElement;
  const clipped = [root, document.body].filter(e => {
    const x = getComputedStyle(e).overflowX;
    return x === 'hidden' || x === 'clip';
  }).map(e => e.tagName.toLowerCase());
  const wide = [];
  const name = e => e.tagName.toLowerCase() + (typeof e.className === 'string' && e.className
    ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  const scrolled = e => e.closest('.hw-scroll');
  if (root.scrollWidth > window.innerWidth) {
    for (const e of document.body.querySelectorAll('*')) {
      const box = e.getBoundingClientRect();
      if (box.right > window.innerWidth + 1 && !scrolled(e)) {
        wide.push(name(e) + ' ' + Math.round(box.right) + 'px');
        if (wide.length >= 5) break;
      }
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    while (walker.nextNode() && wide.length < 8) {
      const node = walker.currentNode;
      range.selectNodeContents(node);
      const right = range.getBoundingClientRect().right;
      if (right > window.innerWidth + 1 && !scrolled(node.parentElement)
          && !node.parentElement.closest('.govuk-visually-hidden')) {
        wide.push('text in ' + name(node.parentElement) + ' ' + Math.round(right) + 'px: '
          + node.textContent.trim().slice(0, 40));
      }
    }
  }
  return {width: root.scrollWidth, screen: window.innerWidth, clipped, wide};
}"""


def page_overflow(page: Page) -> dict[str, Any] | None:
    """None when the page itself is no wider than the window
    (`document.documentElement.scrollWidth <= window.innerWidth`: a table scrolling inside
    its own region does not count); else how wide it is and the first elements and text
    that stick out. A page that hides its own overflow (`overflow-x: hidden` on html or
    body) is reported too: that cuts content off rather than fitting it."""
    found: dict[str, Any] = page.evaluate(_OVERFLOW)
    if found["width"] <= found["screen"] and not found["clipped"]:
        return None
    return found


def phone_overflow(page: Page) -> dict[str, Any] | None:
    """`page_overflow` of the page as loaded, seen on a phone's screen (`PHONE`), then the
    window as it was: one page load serves both a desktop check and this one."""
    was = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        return page_overflow(page)
    finally:
        if was is not None:
            page.set_viewport_size(was)
