"""The background worker as documented is the worker that runs: every `manage.py` command
in docs/operations.md's worker section and systemd unit, and in scripts/serve-demo.sh
(which `make demo` and `make serve` run), is a real command taking those options."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[2]


def _worker_section() -> str:
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    start = text.index("## The background worker")
    return text[start : text.index("\n## ", start + 1)]


def _manage_commands(text: str) -> list[list[str]]:
    """Each `manage.py NAME OPTIONS` in the text, as its words (up to a comment or `&`)."""
    found = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        for hit in re.finditer(r"manage\.py ([^#&\n`]*)", line):
            words = shlex.split(hit.group(1).replace('"$ADDRESS"', "127.0.0.1:8000"))
            found.append([w for w in words if w != "\\"])
    return found


def _check(words: list[str]) -> None:
    name, *options = words
    commands = get_commands()
    assert name in commands, f"manage.py {name} is not a command"
    command = load_command_class(commands[name], name)
    command.create_parser("manage.py", name).parse_args(options)


def test_the_documented_worker_commands_exist_with_their_options():
    section = _worker_section()
    commands = _manage_commands(section)
    names = {words[0] for words in commands}
    assert {"db_worker", "intake_resume", "prune_db_task_results"} <= names
    assert "ExecStartPre=/srv/homeward/.venv/bin/python manage.py intake_resume" in section
    assert "ExecStart=/srv/homeward/.venv/bin/python manage.py db_worker --no-reload" in section
    for words in commands:
        _check(words)


def test_make_demo_and_serve_start_the_worker_beside_the_server():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("demo", "serve"):
        recipe = makefile.split(f"\n{target}: ", 1)[1].split("\n\n", 1)[0]
        assert "scripts/serve-demo.sh" in recipe, target
        assert "runserver" not in recipe, target  # only through the script
    script = (ROOT / "scripts" / "serve-demo.sh").read_text(encoding="utf-8")
    commands = _manage_commands(script)
    assert [w[0] for w in commands] == ["intake_resume", "db_worker", "runserver"]
    for words in commands:
        _check(words)
    assert "trap stop_worker EXIT" in script


@pytest.mark.parametrize("setting", ["HOMEWARD_INTAKE_QUEUE_OVER", "HOMEWARD_INTAKE_CHUNK"])
def test_the_intake_settings_are_documented_where_the_worker_is(setting):
    assert f"`{setting}`" in (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
