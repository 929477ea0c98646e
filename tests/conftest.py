"""Test-wide settings for the Django parts (the pure core's tests do not touch them)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def _cold_caches() -> None:
    """Every session starts with homeward's in-memory caches empty (`functools.lru_cache`,
    and the matcher's table of points). A mutation run (`make mutation`) forks
    each mutant's session from one that has already run the tests: a warm cache would
    answer with the unmutated code's results and hide the mutant."""
    import sys

    for name, module in list(sys.modules.items()):
        if not name.startswith("homeward.") or module is None:
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()
    match = sys.modules.get("homeward.police.match")
    if match is not None:
        # The points worked out (not the names' numbers: those name, and never score).
        match._GIVEN_POINTS.clear()
        match._FAMILY_POINTS.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest) -> None:
    """Hash test passwords cheaply: production's PBKDF2 costs half a second per account."""
    if "django_db_setup" not in request.fixturenames and "db" not in request.fixturenames:
        marker = request.node.get_closest_marker("django_db")
        if marker is None:
            return
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark `browser` the tests that drive Chromium (they call `chromium_page` or take the
    live server): `make mutation` leaves them out (`-m "not browser"`); `make test` runs
    them all."""
    for item in items:
        function = getattr(item, "function", None)
        names = function.__code__.co_names if function is not None else ()
        if "chromium_page" in names or "live_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
