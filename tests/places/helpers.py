"""A small ONS Postcode Directory and places of concern, generated for the tests."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

from homeward.cases import services
from homeward.cases.models import ReturnInterview
from homeward.intake import services as intake_services
from homeward.places.models import Postcode
from tests.factories import World, make_child, make_episode, make_interview
from tests.intake.helpers import notification

HEADER = ["pcd7", "pcd8", "pcds", "dointr", "doterm", "east1m", "north1m", "lad25cd"]
HEADER += ["lat", "long"]


def directory_row(
    pcds: str, lat: float, lon: float, la: str = "E06000901", doterm: str = ""
) -> list[str]:
    return [
        pcds.replace(" ", ""),
        pcds,
        pcds,
        "200001",
        doterm,
        "",
        "",
        la,
        f"{lat:.6f}",
        f"{lon:.6f}",
    ]


def write_directory(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def add_postcodes(*entries: tuple[str, float, float, str]) -> None:
    """Postcodes straight into the table: (postcode, latitude, longitude, LA code)."""
    Postcode.objects.bulk_create(
        Postcode(postcode=code, district=code.split()[0], latitude=lat, longitude=lon, la_code=la)
        for code, lat, lon, la in entries
    )


def interview_places(world: World, held_at: datetime, *postcodes: str) -> ReturnInterview:
    """An interview held at `held_at` with a place of concern at each postcode."""
    child = make_child(world)
    interview = make_interview(world, [make_episode(world, child)])
    for number, postcode in enumerate(postcodes):
        services.interview_add_place(
            by=world.user("worker"),
            interview=interview,
            description=f"Place {number}",
            postcode=postcode,
        )
    ReturnInterview.objects.filter(pk=interview.pk).update(held_at=held_at)
    return interview


def police_reports(world: World, reported_at: datetime, *postcodes: str) -> None:
    """A police report about a child for each postcode (where they went missing from)."""
    records = [
        notification(
            force=world.police.code,
            police_reference=f"FC-{reported_at:%Y%m%d}-{number:04d}",
            postcode=postcode,
            reported_at=reported_at.isoformat(),
            sent_at=reported_at.isoformat(),
            last_seen_at=None,
            given_names=f"Sam{number}",
        )
        for number, postcode in enumerate(postcodes)
    ]
    intake_services.intake_file(
        name="notifications.json",
        data=json.dumps(records).encode(),
        channel="upload",
        by=world.user("coordinator"),
    )
