"""The set-up sequence of docs/operations.md ("Setting up an authority"), run as written:
each `manage.py` line of its block, in order, on an empty database. (Once, the second
organisation with a `--code` failed: the code was overwritten by the authority's.)"""

from __future__ import annotations

import re
import shlex
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from homeward.accounts.models import User
from homeward.organisations.models import Organisation

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def the_block() -> list[list[str]]:
    """The `manage.py` commands of the block that sets up an authority, as argument lists."""
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```sh\n(\.venv/bin/python manage.py migrate.*?)```", text, re.S)
    assert block is not None, "the set-up block is gone from docs/operations.md"
    joined = block.group(1).replace("\\\n", " ")
    commands = []
    for line in joined.splitlines():
        line = line.strip()
        if line.startswith(".venv/bin/python manage.py "):
            commands.append(shlex.split(line)[2:])
    return commands


def test_the_set_up_sequence_runs_as_written() -> None:
    commands = the_block()
    assert [c[0] for c in commands].count("organisation") >= 4
    for args in commands:
        if args[0] == "migrate":
            continue
        call_command(*args, stdout=StringIO())
    codes = dict(Organisation.objects.exclude(code="").values_list("name", "code"))
    assert codes == {
        "Fenmoor Police": "fenmoor",
        "Marsh Police": "marsh",
        "Elm House (fictional)": "SC999001",
    }
    assert User.objects.get(username="e.manager").role == "home_staff"
    assert list(Organisation.objects.filter(leaving_care=True).values_list("name", flat=True)) == [
        "Leaving Care Team"
    ]
