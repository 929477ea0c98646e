"""The `homeward` command and the web application together: `check-clocks` loads Django only
when it runs, and the demo that `make demo` seeds and serves can be signed in to with what
`seed_demo` prints."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from homeward import cli

ROOT = Path(__file__).resolve().parents[1]


def test_the_command_does_not_load_django_until_check_clocks_runs():
    code = (
        "import sys\n"
        "from homeward import cli\n"
        "cli.build_parser()\n"
        "assert 'django' not in sys.modules, 'homeward.cli imported Django'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_check_clocks_is_a_subcommand(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["check-clocks", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "--now ISO" in out
    assert "once when it is due within 24 hours and once when it is overdue" in " ".join(
        out.split()
    )


def test_a_bad_moment_is_refused(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["check-clocks", "--now", "next tuesday"])
    assert exit_.value.code == 2
    assert "not an ISO 8601 date and time" in capsys.readouterr().err


def test_make_demo_seeds_and_serves_the_web_application():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    demo = makefile.split("\ndemo: install\n", 1)[1].split("\n\n", 1)[0]
    assert "homeward demo --out $(OUT)" in demo
    assert "migrate" in demo and "seed_demo --flush" in demo
    # The server and the background worker, through one script (tests/intake/test_worker_docs.py).
    assert "scripts/serve-demo.sh 127.0.0.1:8000" in demo
    script = (ROOT / "scripts" / "serve-demo.sh").read_text(encoding="utf-8")
    assert 'manage.py runserver "$ADDRESS" --noreload' in script
    assert "DEMO_DB  ?= var/demo.sqlite3" in makefile
    assert "HOMEWARD_SQLITE_PATH=$(DEMO_DB)" in makefile


@pytest.mark.django_db
def test_a_demo_user_signs_in_with_the_printed_password_and_code():
    out = StringIO()
    call_command("seed_demo", "--children", "30", "--years", "1", stdout=out)
    printed = out.getvalue()
    line = next(row for row in printed.splitlines() if row.startswith("  coordinator "))
    password = line.split()[4]
    client = Client()
    response = client.post("/sign-in/", {"username": "coordinator", "password": password})
    assert response.status_code == 302
    code = StringIO()
    call_command("demo_code", "coordinator", stdout=code)
    response = client.post("/two-factor/", {"code": code.getvalue().split()[1]})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    page = home.content.decode()
    assert "overdue" in page.lower()
    assert "otpauth://totp/homeward%3Acoordinator" in printed


@pytest.mark.django_db
def test_the_demo_serves_gov_uk_frontend_without_a_web_server():
    from homeward.web import assets

    if not (ROOT / "var" / "govuk" / "govuk-frontend.min.css").is_file():
        # Built here if `make install` has not (never skipped): fails, saying why, when npm's
        # packages are not installed either.
        assets.build()
    client = Client()
    css = client.get("/static/govuk/govuk-frontend.min.css")
    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    text = b"".join(css.streaming_content if css.streaming else [css.content]).decode()
    # GOV.UK Frontend's own styles, pointed at homeward's static path, without the typeface
    # homeward may not use (homeward.web.assets).
    assert ".govuk-header" in text and ".govuk-button" in text
    assert "/static/govuk/assets/" in text and "@font-face" not in text
    script = client.get("/static/govuk/govuk-frontend.min.js")
    assert script.status_code == 200
    body = b"".join(script.streaming_content if script.streaming else [script.content])
    assert b"initAll" in body and b"sourceMappingURL" not in body
