"""Security headers, cookies, error pages and the production settings."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_content_security_policy_allows_only_the_nonced_inline_script(client: Client) -> None:
    response = client.get(reverse("web:sign-in"))
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    script_src = directives["script-src"]
    assert script_src[0] == "'self'"
    nonces = [s for s in script_src if s.startswith("'nonce-")]
    assert len(nonces) == 1
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]

    page = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert len(inline) == 1
    assert f'nonce="{nonces[0][len("nonce-") + 1 : -1]}"' in inline[0]
    assert " style=" not in page


def test_each_response_gets_a_new_nonce(client: Client) -> None:
    first = client.get(reverse("web:sign-in"))["Content-Security-Policy"]
    second = client.get(reverse("web:sign-in"))["Content-Security-Policy"]
    assert first != second


def test_frames_and_sniffing_are_refused(client: Client) -> None:
    response = client.get(reverse("web:sign-in"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_session_and_csrf_cookies_are_http_only(world, client: Client) -> None:
    page = client.get(reverse("web:sign-in"))
    csrf = page.cookies["csrftoken"]
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"

    signed_in = client.post(reverse("web:sign-in"), {"username": "admin", "password": PASSWORD})
    session = signed_in.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert session["max-age"] == ""  # ends with the browser


def test_two_factor_set_up_page_keeps_to_the_policy(world, client: Client) -> None:
    client.post(reverse("web:sign-in"), {"username": "admin", "password": PASSWORD})
    page = client.get(reverse("web:two-factor-setup")).content.decode()
    assert '<svg role="img"' in page
    assert " style=" not in page and "<img" not in page
    assert len(re.findall(r"<script(?![^>]*\bsrc=)", page)) == 1


def test_not_found_page_is_govuk(client_for: Callable[[str], Client]) -> None:
    response = client_for("admin").get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in page
    assert "govuk-template" in page


def test_forbidden_page_is_govuk(client_for: Callable[[str], Client]) -> None:
    response = client_for("worker").get(reverse("web:audit"))
    assert response.status_code == 403
    assert "You cannot see this page" in response.content.decode()


def test_server_error_page_needs_no_request() -> None:
    page = render_to_string("500.html")
    assert "Sorry, there is a problem with the service" in page
    assert "govuk-frontend" in page  # styled from static files alone


def _production_env(tmp_path: Path, **changes: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("HOMEWARD_") and key != "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        HOMEWARD_ENV="production",
        HOMEWARD_SECRET_KEY=secrets.token_urlsafe(64),
        HOMEWARD_ALLOWED_HOSTS="homeward.example",
        HOMEWARD_SQLITE_PATH=str(tmp_path / "homeward.sqlite3"),
        DJANGO_SETTINGS_MODULE="homeward.site.settings",
    )
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deployment_check_is_clean_in_production(tmp_path: Path) -> None:
    result = _manage(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert "WARNINGS" not in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _manage(_production_env(tmp_path, HOMEWARD_SECRET_KEY=None), "check")
    assert result.returncode != 0
    assert "HOMEWARD_SECRET_KEY is required in production" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path: Path) -> None:
    result = _manage(_production_env(tmp_path, HOMEWARD_ALLOWED_HOSTS=None), "check")
    assert result.returncode != 0
    assert "HOMEWARD_ALLOWED_HOSTS is required in production" in result.stderr
