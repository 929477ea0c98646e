"""A big batch on SQLite leaves the write lock free between its chunks only while pages are
in use (homeward.intake.activity): every request marks them, and the mark lasts 30 s."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from homeward.intake import activity, services
from homeward.intake.models import IntakeBatch
from tests.factories import make_world
from tests.intake.helpers import notification


@pytest.fixture
def marker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "homeward.sqlite3.pages"
    monkeypatch.setattr(activity, "marker", lambda: path)
    monkeypatch.setattr(activity, "_last_touch", 0.0)
    return path


def test_a_request_marks_the_pages_in_use_for_30_seconds(marker: Path) -> None:
    assert not activity.pages_active(now=1_000.0)
    activity.touch(now=1_000.0)
    assert marker.exists()
    assert activity.pages_active(now=1_029.0)
    assert not activity.pages_active(now=1_031.0)
    # At most one touch a second from one process.
    activity.touch(now=1_000.5)
    assert marker.stat().st_mtime == 1_000.0
    activity.touch(now=1_002.0)
    assert marker.stat().st_mtime == 1_002.0


def test_a_folder_that_cannot_be_written_counts_as_in_use(
    marker: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No marker, and none can be made there: the batch cannot tell, so it pauses.
    monkeypatch.setattr(activity.os, "access", lambda path, mode: False)
    assert activity.pages_active()
    monkeypatch.setattr(activity.os, "access", lambda path, mode: True)
    assert not activity.pages_active()


@pytest.mark.django_db
def test_another_database_or_one_in_memory_has_no_marker() -> None:
    # The test database is SQLite in memory, or PostgreSQL: no marker either way.
    assert activity.marker() is None
    assert not activity.pages_active()


@pytest.mark.django_db
def test_every_request_marks_the_pages(marker: Path) -> None:
    make_world()
    Client().get("/sign-in/")
    assert marker.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("in_use", [True, False])
def test_the_batch_pauses_between_chunks_only_while_pages_are_in_use(
    in_use: bool, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from django.db import connection

    world = make_world()
    settings.HOMEWARD_INTAKE_CHUNK = 4
    records = [notification(police_reference=f"P-{n:04d}") for n in range(12)]
    batch = services.intake_queue(
        name="big.json",
        data=json.dumps({"notifications": records}).encode(),
        channel="upload",
        source="big.json",
        by=world.user("coordinator"),
        total=12,
        enqueue=False,
    )
    slept: list[float] = []
    monkeypatch.setattr(services.time, "sleep", slept.append)
    monkeypatch.setattr(activity, "pages_active", lambda: in_use)
    services.intake_continue(batch_id=batch.pk)
    assert IntakeBatch.objects.get().processed == 12
    # Between chunks (3 chunks of 4), on SQLite only: PostgreSQL lets pages write anyway.
    pauses = 3 if in_use and connection.vendor == "sqlite" else 0
    assert len(slept) == pauses
