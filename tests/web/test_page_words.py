"""What a person reads on the pages: no file paths, file names of the code or command names
(those belong in the documentation, for those who run the service), and the favicon.

Every page of the URL walk (`tests/web/pages.py`) is fetched as a role that may see it, and
its text (what is shown, not the markup) is searched for the signs of a path or a command.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tests.factories import World
from tests.web.pages import MATRIX, OK, build_objects, url_for

#: Signs of a file path, a file of the code or a command, in what a page shows.
FORBIDDEN = {
    "a path": re.compile(
        r"(?<![\w.])(?:/(?:work|home|tmp|var|srv|opt|etc|usr)/|[\w-]+/[\w/-]*\.(?:py|md|json|csv|toml)\b|\bvar/)"
    ),
    "a file of the code": re.compile(r"\b[\w-]+\.(?:py|toml|cfg|ini|sh|md)\b"),
    "a command": re.compile(
        r"\b(?:manage\.py|python3?\s+-m|pip install|pytest|npm\s|"
        r"make\s+(?:demo|install|assets|check|test|migrate)\b|"
        r"homeward\s+(?:synth|indicators|benchmark|police|import|returns|demo|panel|"
        r"intake|seed|check|export|worker|[a-z]+-[a-z]+))\b"
    ),
    "a setting's name": re.compile(r"\b(?:HOMEWARD|DJANGO)_[A-Z_]+\b"),
}


def shown_text(html: str) -> str:
    """The words a page shows: its markup, scripts and styles taken out."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def problems(text: str) -> list[str]:
    found = []
    for what, pattern in FORBIDDEN.items():
        for match in pattern.finditer(text):
            start = max(match.start() - 60, 0)
            found.append(f"{what}: …{text[start : match.end() + 30]}…")
    return found


def test_the_check_finds_paths_and_commands():
    assert problems("Run homeward synth --out data to make some.")
    assert problems("Saved to /work/main/var/exports/x.csv")
    assert problems("See docs/returns.md for the columns.")
    assert problems("Set HOMEWARD_EMAIL_HOST first.")
    assert problems("Run python -m homeward.web.assets")
    assert not problems(
        "Children missing from care, 6 December 2026 at 2:50pm. Reference C-000123."
    )


@pytest.fixture
def objects(world: World) -> dict[str, object]:
    return build_objects(world)


@pytest.mark.django_db
def test_no_page_of_the_walk_shows_a_path_or_a_command(
    objects: dict[str, object], client_for: Callable[[str], Client]
) -> None:
    clients: dict[str, Client] = {}
    found: dict[str, list[str]] = {}
    for name, (argument, expected) in MATRIX.items():
        role = next((r for r, status in expected.items() if status == OK), None)
        if role is None:
            continue
        client = clients.setdefault(role, client_for(role))
        response = client.get(url_for(name, argument, objects))
        if response.status_code != OK or "text/html" not in response.get("Content-Type", ""):
            continue
        wrong = problems(shown_text(response.content.decode()))
        if wrong:
            found[name] = wrong
    assert not found, "\n".join(f"{name}: {wrong}" for name, wrong in found.items())


@pytest.mark.django_db
def test_every_page_links_the_services_favicon(client: Client) -> None:
    html = client.get("/sign-in/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert icon, "no favicon link"
    assert icon.group(1) == "/static/homeward/favicon.svg"
    path = finders.find("homeward/favicon.svg")
    assert path and Path(path).read_text(encoding="utf-8").startswith("<svg")
