"""A made-up postcode directory for the demo, so its hotspot map has places on it.

The demo's postcodes are fictional (`ZZ` districts, which no real postcode uses). This
writes an ONS Postcode Directory-shaped CSV of every postcode the demo's records hold, with
made-up positions (each district around its own point of a fictional county, each postcode
near it), and loads it through `load_postcode_rows`, the reader the real directory goes
through.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random

from homeward.cases.models import Child, PlaceOfConcern
from homeward.intake.models import PoliceReport
from homeward.places.services import LoadResult, load_postcode_rows

#: The fictional county's centre (somewhere inland in England) and its size in degrees.
CENTRE = (52.9, -1.2)
RADIUS = 0.25
HEADER = ("pcd7", "pcd8", "pcds", "dointr", "doterm", "lad25cd", "lat", "long")


def demo_postcodes() -> set[str]:
    """Every postcode the demo's children, places and police reports hold."""
    found = set(Child.objects.exclude(postcode="").values_list("postcode", flat=True))
    found |= set(PlaceOfConcern.objects.exclude(postcode="").values_list("postcode", flat=True))
    for content in PoliceReport.objects.values_list("content", flat=True).iterator():
        postcode = str(json.loads(content or "{}").get("postcode") or "").strip()
        if postcode:
            found.add(postcode)
    return {" ".join(p.upper().split()) for p in found}


def directory_csv(postcodes: set[str], *, seed: int, la_code: str) -> str:
    """An ONSPD-shaped CSV of `postcodes` with made-up positions (the same seed, the same)."""
    rng = random.Random(seed)  # noqa: S311 (generated data, not secrets)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    districts = sorted({p.split()[0] for p in postcodes if " " in p})
    points = {}
    for index, district in enumerate(districts):
        angle = 2 * math.pi * index / max(len(districts), 1)
        distance = RADIUS * (0.35 + 0.65 * rng.random())
        points[district] = (
            CENTRE[0] + distance * math.sin(angle),
            CENTRE[1] + 1.6 * distance * math.cos(angle),
        )
    for postcode in sorted(postcodes):
        if " " not in postcode:
            continue
        lat, lon = points[postcode.split()[0]]
        lat += rng.uniform(-0.02, 0.02)
        lon += rng.uniform(-0.03, 0.03)
        seven = f"{postcode.split()[0]:<4}{postcode.split()[1]}"
        writer.writerow((seven, postcode, postcode, "198001", "", la_code, f"{lat:.6f}",
                         f"{lon:.6f}"))  # fmt: skip
    return out.getvalue()


def seed_postcodes(*, seed: int, la_code: str) -> LoadResult:
    """Load the made-up directory of the demo's postcodes."""
    text = directory_csv(demo_postcodes(), seed=seed, la_code=la_code)
    return load_postcode_rows(io.StringIO(text))
