"""The ONS Postcode Directory (ONSPD) CSV: each live postcode with its grid reference and
local authority, read a row at a time (the UK file has some 2.7 million rows).

Two column layouts are read, told apart by their header (names matched without regard to
case; the order of the columns does not matter):

- **to 2024**: `pcd`, `pcd2`, `pcds` (the postcode in its 7-, 8-character and one-space
  forms), `dointr` and `doterm` (introduced and terminated, `YYYYMM`; a blank `doterm` is a
  live postcode), `oslaua` (the local authority district), `oseast1m` and `osnrth1m`
  (British National Grid), `lat` and `long`;
- **2025 onwards**: `pcd7`, `pcd8`, `pcds`, `dointr`, `doterm`, `east1m` and `north1m`,
  `lat` and `long`, and the local authority district in a column named for the year of
  its boundaries (`lad25cd`, `lad26cd`, ...): any `lad<yy>cd` is taken, the latest year
  when there are several.

Needed: a postcode column, `doterm`, a local authority column, and either `lat` and `long`
or the grid reference (which is then turned into latitude and longitude, see
`grid_to_latlong`). A file without them is refused as a whole (`ONSPDError`). Terminated
postcodes are skipped, and so are those with no grid reference (the directory gives them
latitude 99.999999); a row that cannot be read is reported (`Problem`: line, field,
reason) and the rest of the file is still read.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

#: The directory's latitude for a postcode without a grid reference.
NO_GRID_LATITUDE = 99.999999

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_LA_COLUMN = re.compile(r"^lad(\d{2})cd$")
_YEAR_MONTH = re.compile(r"^\d{6}$")

#: Where each value is looked for, the first column found winning.
_POSTCODE_COLUMNS = ("pcds", "pcd8", "pcd2", "pcd7", "pcd")
_EAST_COLUMNS = ("east1m", "oseast1m")
_NORTH_COLUMNS = ("north1m", "osnrth1m")


class ONSPDError(ValueError):
    """The file as a whole cannot be read as the ONS Postcode Directory."""


@dataclass(frozen=True)
class Problem:
    """A row that was not loaded, and why."""

    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.field:
            where += f", {self.field}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class PostcodeRow:
    """One live postcode with a grid reference."""

    line: int
    postcode: str  # normalised: capitals, one space before the inward code
    district: str  # the outward code
    latitude: float
    longitude: float
    la_code: str  # GSS code of the local authority district; "" when the row has none


@dataclass(frozen=True)
class Layout:
    """The columns a file's header was found to have."""

    postcode: str
    doterm: str
    la_code: str
    latitude: str | None
    longitude: str | None
    east: str | None
    north: str | None


def normalise_postcode(text: str | None) -> str:
    """A UK postcode in capitals with one space before its inward code ("ls62ab" →
    "LS6 2AB"); "" when `text` is not shaped like a postcode."""
    compact = "".join((text or "").split()).upper()
    match = _POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else ""


def district_of(postcode: str) -> str:
    """The outward code (postcode district) of a normalised postcode."""
    return postcode.split(" ", 1)[0]


def find_layout(header: Iterable[str]) -> Layout:
    """The needed columns in `header`, or `ONSPDError` naming what is missing."""
    names = {name.strip().lower().lstrip("\ufeff"): name for name in header}

    def first(options: tuple[str, ...]) -> str | None:
        return next((names[o] for o in options if o in names), None)

    la_code = names.get("oslaua")
    years = sorted(
        (int(m.group(1)), original)
        for name, original in names.items()
        if (m := _LA_COLUMN.match(name))
    )
    if years:
        la_code = years[-1][1]
    layout = Layout(
        postcode=first(_POSTCODE_COLUMNS) or "",
        doterm=names.get("doterm", ""),
        la_code=la_code or "",
        latitude=names.get("lat"),
        longitude=names.get("long"),
        east=first(_EAST_COLUMNS),
        north=first(_NORTH_COLUMNS),
    )
    missing = []
    if not layout.postcode:
        missing.append("a postcode (pcds, pcd8, pcd7, pcd2 or pcd)")
    if not layout.doterm:
        missing.append("the date of termination (doterm)")
    if not layout.la_code:
        missing.append("the local authority (oslaua, or lad25cd and the like)")
    has_latlong = layout.latitude is not None and layout.longitude is not None
    has_grid = layout.east is not None and layout.north is not None
    if not (has_latlong or has_grid):
        missing.append("a location (lat and long, or east1m and north1m)")
    if missing:
        raise ONSPDError(
            "not an ONS Postcode Directory file: the header has no column for " + "; ".join(missing)
        )
    return layout


@dataclass
class ONSPDReader:
    """Reads the directory's rows from CSV `lines` (text, header first) as they are asked
    for. Counts what it skipped and keeps what it refused, as it goes."""

    lines: Iterable[str]
    terminated: int = 0
    no_grid: int = 0
    problems: list[Problem] = field(default_factory=list)
    layout: Layout | None = None

    def __iter__(self) -> Iterator[PostcodeRow]:
        reader = csv.reader(iter(self.lines))
        try:
            header = next(reader)
        except StopIteration:
            raise ONSPDError("the file is empty: no header") from None
        except csv.Error as error:
            raise ONSPDError(f"line 1: the header cannot be read: {error}") from None
        layout = self.layout = find_layout(header)
        index = {name: position for position, name in enumerate(header)}
        width = len(header)
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                self.problems.append(Problem(reader.line_num, "", f"cannot be read: {error}"))
                continue
            if not values or values == [""]:
                continue
            if len(values) != width:
                self.problems.append(
                    Problem(
                        reader.line_num,
                        "",
                        f"has {len(values)} fields where the header has {width}",
                    )
                )
                continue
            row = self._row(reader.line_num, layout, {n: values[i] for n, i in index.items()})
            if row is not None:
                yield row

    def _row(self, line: int, layout: Layout, values: dict[str, str]) -> PostcodeRow | None:
        raw = values[layout.postcode].strip()
        postcode = normalise_postcode(raw)
        if not postcode:
            reason = "is blank" if not raw else f"{raw!r} is not a postcode"
            self.problems.append(Problem(line, layout.postcode, reason))
            return None
        doterm = values[layout.doterm].strip()
        if doterm:
            if not _YEAR_MONTH.match(doterm):
                self.problems.append(
                    Problem(line, layout.doterm, f"{doterm!r} is not a year and month (YYYYMM)")
                )
                return None
            self.terminated += 1
            return None
        location = self._location(line, layout, values, postcode)
        if location is None:
            return None
        latitude, longitude = location
        return PostcodeRow(
            line=line,
            postcode=postcode,
            district=district_of(postcode),
            latitude=latitude,
            longitude=longitude,
            la_code=values[layout.la_code].strip().upper(),
        )

    def _location(
        self, line: int, layout: Layout, values: dict[str, str], postcode: str
    ) -> tuple[float, float] | None:
        """Latitude and longitude from `lat` and `long`, else from the grid reference; None
        (counted or reported) when the row has no grid reference or a bad one."""
        if layout.latitude is not None and layout.longitude is not None:
            latitude = self._number(line, layout.latitude, values)
            longitude = self._number(line, layout.longitude, values)
            if latitude is None or longitude is None:
                return None
            if abs(latitude - NO_GRID_LATITUDE) < 1e-6:
                self.no_grid += 1
                return None
            if not (-90 <= latitude <= 90):
                self.problems.append(
                    Problem(line, layout.latitude, f"{latitude} is not a latitude")
                )
                return None
            if not (-180 <= longitude <= 180):
                self.problems.append(
                    Problem(line, layout.longitude, f"{longitude} is not a longitude")
                )
                return None
            return latitude, longitude
        assert layout.east is not None and layout.north is not None
        if not values[layout.east].strip() or not values[layout.north].strip():
            self.no_grid += 1
            return None
        east = self._number(line, layout.east, values)
        north = self._number(line, layout.north, values)
        if east is None or north is None:
            return None
        if postcode.startswith("BT"):
            # Northern Ireland's grid references are on the Irish Grid, not the British.
            self.problems.append(
                Problem(line, layout.east, "a Northern Ireland grid reference: give lat and long")
            )
            return None
        if not (0 <= east <= 700_000 and 0 <= north <= 1_300_000):
            self.problems.append(
                Problem(line, layout.east, f"({east:.0f}, {north:.0f}) is not on the grid")
            )
            return None
        return grid_to_latlong(east, north)

    def _number(self, line: int, column: str, values: dict[str, str]) -> float | None:
        text = values[column].strip()
        try:
            number = float(text)
        except ValueError:
            reason = "is blank" if not text else f"{text!r} is not a number"
            self.problems.append(Problem(line, column, reason))
            return None
        if not math.isfinite(number):
            self.problems.append(Problem(line, column, f"{text!r} is not a number"))
            return None
        return number


# --- British National Grid to latitude and longitude ---------------------------------------
#
# The Ordnance Survey's method ("A guide to coordinate systems in Great Britain"): the
# inverse transverse Mercator projection on the Airy 1830 ellipsoid gives OSGB36 latitude
# and longitude, and a seven-parameter Helmert transformation takes them to WGS84 (good to
# a few metres: far finer than the postcode districts drawn from it).

_AIRY = (6_377_563.396, 6_356_256.909)
_GRS80 = (6_378_137.000, 6_356_752.3141)
_F0 = 0.9996012717
_LAT0, _LON0 = math.radians(49.0), math.radians(-2.0)
_E0, _N0 = 400_000.0, -100_000.0
#: OSGB36 to WGS84: translations (m), scale (ppm) and rotations (arc seconds).
_HELMERT = (446.448, -125.157, 542.060, -20.4894, 0.1502, 0.2470, 0.8421)


def _meridional_arc(b: float, n: float, lat: float) -> float:
    d, s = lat - _LAT0, lat + _LAT0
    return (
        b
        * _F0
        * (
            (1 + n + 1.25 * n**2 + 1.25 * n**3) * d
            - (3 * n + 3 * n**2 + 2.625 * n**3) * math.sin(d) * math.cos(s)
            + (1.875 * n**2 + 1.875 * n**3) * math.sin(2 * d) * math.cos(2 * s)
            - (35 / 24) * n**3 * math.sin(3 * d) * math.cos(3 * s)
        )
    )


def grid_to_osgb36(east: float, north: float) -> tuple[float, float]:
    """OSGB36 latitude and longitude (degrees) of a British National Grid reference."""
    a, b = _AIRY
    e2 = 1 - (b * b) / (a * a)
    n = (a - b) / (a + b)
    lat = _LAT0
    arc = 0.0
    while True:
        lat = (north - _N0 - arc) / (a * _F0) + lat
        arc = _meridional_arc(b, n, lat)
        if abs(north - _N0 - arc) < 0.00001:
            break
    sin2 = math.sin(lat) ** 2
    nu = a * _F0 / math.sqrt(1 - e2 * sin2)
    rho = a * _F0 * (1 - e2) / (1 - e2 * sin2) ** 1.5
    eta2 = nu / rho - 1
    tan, sec = math.tan(lat), 1 / math.cos(lat)
    vii = tan / (2 * rho * nu)
    viii = tan / (24 * rho * nu**3) * (5 + 3 * tan**2 + eta2 - 9 * tan**2 * eta2)
    ix = tan / (720 * rho * nu**5) * (61 + 90 * tan**2 + 45 * tan**4)
    x = sec / nu
    xi = sec / (6 * nu**3) * (nu / rho + 2 * tan**2)
    xii = sec / (120 * nu**5) * (5 + 28 * tan**2 + 24 * tan**4)
    xiia = sec / (5040 * nu**7) * (61 + 662 * tan**2 + 1320 * tan**4 + 720 * tan**6)
    de = east - _E0
    latitude = lat - vii * de**2 + viii * de**4 - ix * de**6
    longitude = _LON0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7
    return math.degrees(latitude), math.degrees(longitude)


def _helmert(latitude: float, longitude: float) -> tuple[float, float]:
    """OSGB36 (Airy) to WGS84 (GRS80) latitude and longitude, in degrees, at height 0."""
    a, b = _AIRY
    e2 = 1 - (b * b) / (a * a)
    lat, lon = math.radians(latitude), math.radians(longitude)
    nu = a / math.sqrt(1 - e2 * math.sin(lat) ** 2)
    x1 = nu * math.cos(lat) * math.cos(lon)
    y1 = nu * math.cos(lat) * math.sin(lon)
    z1 = nu * (1 - e2) * math.sin(lat)
    tx, ty, tz, s, rx, ry, rz = _HELMERT
    s = s * 1e-6
    rx, ry, rz = (math.radians(r / 3600) for r in (rx, ry, rz))
    x2 = tx + (1 + s) * x1 - rz * y1 + ry * z1
    y2 = ty + rz * x1 + (1 + s) * y1 - rx * z1
    z2 = tz - ry * x1 + rx * y1 + (1 + s) * z1
    a, b = _GRS80
    e2 = 1 - (b * b) / (a * a)
    p = math.hypot(x2, y2)
    lat = math.atan2(z2, p * (1 - e2))
    for _ in range(10):
        nu = a / math.sqrt(1 - e2 * math.sin(lat) ** 2)
        lat = math.atan2(z2 + e2 * nu * math.sin(lat), p)
    return math.degrees(lat), math.degrees(math.atan2(y2, x2))


def grid_to_latlong(east: float, north: float) -> tuple[float, float]:
    """WGS84 latitude and longitude (degrees, 6 places) of a British National Grid
    reference, as the directory's own `lat` and `long` give them."""
    latitude, longitude = _helmert(*grid_to_osgb36(east, north))
    return round(latitude, 6), round(longitude, 6)
