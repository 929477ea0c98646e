"""A fictional authority's Standard Safeguarding Dataset extract, and its case system's own
SSDA903 files for the same children (`homeward synth ssd DIR`).

Everything is generated: names from `homeward.synth.names`, NHS numbers in the 999 range the
NHS keeps for testing, UPNs with the unused LA number 999, invented streets and towns. By
default the postcodes are invented too (area `Q`, which no UK postcode uses) and the
authority's code is a GSS code ONS does not use; given an ONS Postcode Directory file, homes
and placements are put at its postcodes instead (the DfE validator knows only real ones).

What is written, into DIR:

- `ssd_<table>.csv` for the nine tables of `ssd_spec.TABLES`: the header is the spec's field
  names, datetimes `YYYY-MM-DD HH:MM:SS`, an empty cell is NULL. The extract is as at the
  end of the collection year (31 March, 23:59), or of an earlier day (`as_at`), and covers
  the six years to the end of the collection year.
- `ssda903/<year>/header.csv`, `episodes.csv`, `missing.csv` for the collection year and the
  one before: the case system's own return, from the same periods of care, placements and
  missing episodes.
- `postcodes/onspd.csv` (invented postcodes only): the invented postcodes in the ONS Postcode
  Directory's layout, for `homeward load-postcodes`, so that a placement's host authority
  can be found from its postcode.

Each person is drawn from a `random.Random` of their own (from the seed and their place in
turn), so the same arguments give the same files and a smaller extract is the start of a
larger one; the SSD tables are written as each person is made (memory does not grow with
the number of persons); only the looked-after children's 903 rows are kept until the end.
"""

from __future__ import annotations

import bisect
import csv
import functools
import json
import math
import random
from collections.abc import Collection, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TextIO, TypeVar

from homeward.formats import ssda903
from homeward.formats.onspd import ONSPDReader
from homeward.synth import names
from homeward.synth.ssd_spec import ADDRESS_JSON_KEYS, PROFESSIONAL_ROLES, TABLES

_T = TypeVar("_T")
ROLE_ALLOCATED, ROLE_IRO = PROFESSIONAL_ROLES

#: The authority's code when no postcode file is given: a county code in the block of GSS
#: serials ONS does not use (as `homeward.synth.authorities`).
DEFAULT_AUTHORITY = "E10099001"
#: Invented neighbours (placements out of area), Welsh and Scottish ones among them.
_NEIGHBOURS = ("E06099001", "E08099001", "E09099001", "E06099002", "W06099001", "S12099001")
#: The SSD's window: six years before the extract.
WINDOW_YEARS = 6
#: Missing episodes last at most this long (a child missing longer is still counted).
_MAX_MISSING = timedelta(days=90)
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


# --- postcodes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A postcode, its authority (GSS code) and where it is."""

    postcode: str  # capitals, one space before the inward code
    la_code: str
    latitude: float
    longitude: float


@dataclass
class Postcodes:
    """The authority's own postcodes (homes, placements in area) and everyone else's."""

    authority: str
    home: list[Place]
    away: list[Place]
    invented: bool


def invented_postcodes(seed: int, authority: str = DEFAULT_AUTHORITY) -> Postcodes:
    """Postcodes in area `Q` (unused in the UK): 2,000 for the authority, 300 for each of
    six invented neighbours, with made-up locations a few miles apart."""
    rng = random.Random(seed * 7919 + 11)  # noqa: S311 (generated data, no secret)

    def area(letter: str, la: str, count: int, lat0: float, lon0: float) -> list[Place]:
        places: dict[str, Place] = {}
        while len(places) < count:
            code = f"Q{letter}{_randint(rng, 1, 19)} {_randint(rng, 0, 9)}"
            code += _choice(rng, _INWARD_LETTERS) + _choice(rng, _INWARD_LETTERS)
            if code not in places:
                lat = round(lat0 + rng.uniform(-0.12, 0.12), 6)
                lon = round(lon0 + rng.uniform(-0.2, 0.2), 6)
                places[code] = Place(code, la, lat, lon)
        return sorted(places.values(), key=lambda p: p.postcode)

    home = area("A", authority, 2000, 52.6, -1.4)
    away: list[Place] = []
    for n, la in enumerate(_NEIGHBOURS):
        away += area("BDEFGH"[n], la, 300, 52.6 + 0.3 * math.cos(n), -1.4 + 0.5 * math.sin(n))
    return Postcodes(authority, home, away, invented=True)


def read_postcodes(path: Path, authority: str) -> Postcodes:
    """Real postcodes from an ONS Postcode Directory file (or any extract with its columns):
    `authority`'s for homes and placements in area, the rest for placements away."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [
            Place(r.postcode, r.la_code, r.latitude, r.longitude)
            for r in ONSPDReader(handle)
            if r.la_code
        ]
    home = [p for p in rows if p.la_code == authority]
    away = [p for p in rows if p.la_code != authority]
    if not home:
        raise ValueError(f"{path}: no postcode of the authority {authority}")
    if not away:
        raise ValueError(f"{path}: no postcode outside the authority {authority}")
    return Postcodes(authority, home, away, invented=False)


def miles(a: Place, b: Place) -> float:
    """Distance in miles, to one decimal place (great circle)."""
    la, lb = math.radians(a.latitude), math.radians(b.latitude)
    dlat, dlon = lb - la, math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(la) * math.cos(lb) * math.sin(dlon / 2) ** 2
    return round(2 * 3958.8 * math.asin(min(1.0, math.sqrt(h))), 1)


def onspd_rows(postcodes: Postcodes) -> Iterator[list[str]]:
    """The invented postcodes as ONS Postcode Directory rows (header first)."""
    yield ["pcd7", "pcd8", "pcds", "dointr", "doterm", "lad25cd", "lat", "long"]
    for p in [*postcodes.home, *postcodes.away]:
        outward, inward = p.postcode.split()
        yield [
            f"{outward:<4}{inward}",
            f"{outward:<5}{inward}",
            p.postcode,
            "200001",
            "",
            p.la_code,
            f"{p.latitude:.6f}",
            f"{p.longitude:.6f}",
        ]


# --- identifiers ---------------------------------------------------------------------------


def nhs_number(serial: int) -> str | None:
    """The NHS number `999nnnnnnC` with body `serial` (0 to 999,999) and its check digit
    `C`, in the range the NHS keeps for testing; None when no check digit fits (the
    check would be 10) or `serial` is out of the range."""
    if not 0 <= serial < 1_000_000:
        return None
    body = f"999{serial:06d}"
    total = sum(int(d) * (10 - i) for i, d in enumerate(body))
    check = (11 - total % 11) % 11
    return None if check == 10 else body + str(check)


_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn(establishment: int, year: int, serial: int) -> str:
    """A unique pupil number: check letter, LA number 999 (not any authority's), school,
    two-digit year of allocation, serial."""
    body = f"999{establishment:04d}{year % 100:02d}{serial % 1000:03d}"
    total = sum(int(d) * (i + 2) for i, d in enumerate(body))
    return _UPN_LETTERS[total % 23] + body


def eighteenth(born: date) -> date:
    return ssda903.eighteenth_birthday(born)


def when(moment: date | datetime | None) -> str:
    """An SSD datetime cell (`DATETIME_FORMAT`; a date at midnight; "" for None)."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return moment.isoformat(" ")  # whole minutes: no fraction of a second is written
    text = _DAYS.get(moment)
    if text is None:
        text = _DAYS[moment] = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} 00:00:00"
    return text


#: Days already written, as SSD datetimes (a few thousand distinct days recur).
_DAYS: dict[date, str] = {}


# --- the people ----------------------------------------------------------------------------


@dataclass
class Placement:
    placement_id: str
    start: date
    place: str
    provider: str
    urn: str
    where: Place
    end: date | None = None
    change_reason: str = ""


@dataclass
class Episode:
    """An episode of care (a 903 Episodes row)."""

    episode_id: str
    start: date
    rne: str
    legal_status: str
    placement: Placement
    end: date | None = None
    rec: str = ""


@dataclass
class Period:
    """A period of care: its episodes, in order."""

    cla_id: str
    start: date
    need: str
    episodes: list[Episode] = field(default_factory=list)

    @property
    def end(self) -> date | None:
        return self.episodes[-1].end


@dataclass
class Absence:
    """A missing (M) or away (A) episode; `period` is the period of care it fell in."""

    kind: str
    start: datetime
    end: datetime | None
    period: Period | None


@dataclass
class Person:
    person_id: str
    sex: str
    born: date
    ethnicity: str
    upn: str
    upn_unknown: str
    child_born: date | None  # the girl's own child's birth (903 MC_DOB)
    home: list[tuple[date, date | None, Place]]
    periods: list[Period]
    absences: list[Absence]


_ETHNICITY_WEIGHTS = (
    ("WBRI", 64), ("WIRI", 1), ("WOTH", 6), ("WIRT", 0.5), ("WROM", 0.5), ("MWBC", 3),
    ("MWBA", 1), ("MWAS", 1.5), ("MOTH", 3), ("AIND", 1.5), ("APKN", 3), ("ABAN", 1),
    ("CHNE", 0.5), ("AOTH", 1.5), ("BCRB", 1.5), ("BAFR", 4), ("BOTH", 1), ("OOTH", 3),
    ("REFU", 0.5), ("NOBT", 2),
)  # fmt: skip
_STREETS = ("Road", "Street", "Close", "Avenue", "Lane", "Drive", "Way", "Crescent", "Grove")
_TOWN_STEMS = ("Ash", "Brack", "Cole", "Dun", "Elm", "Fen", "Gorse", "Hollin", "Ivy", "Juniper")
_TOWN_ENDS = ("ford", "ham", "ley", "bury", "wick", "thorpe", "stead", "mouth")
_TEAMS = (
    "Children in Care Team North", "Children in Care Team South", "Assessment Team East",
    "Assessment Team West", "Family Support Team", "Care Leavers Team",
    "Adolescent Support Team", "Disabled Children's Team",
)  # fmt: skip
_TITLES = ("Social Worker", "Senior Social Worker", "Advanced Practitioner", "Team Manager")
_PLACE_CHANGE = (
    ("CARPL", 40), ("CREQB", 14), ("CREQO", 9), ("CHILD", 9), ("LAREQ", 10), ("CLOSE", 5),
    ("STAND", 3), ("ALLEG", 3), ("APPRR", 2), ("PLACE", 3), ("OTHER", 2),
)  # fmt: skip


def _randint(rng: random.Random, low: int, high: int) -> int:
    """A whole number in [low, high] from one draw (quicker than `randint`)."""
    return low + int(rng.random() * (high - low + 1))


def _choice(rng: random.Random, options: Sequence[_T]) -> _T:
    """One of `options` from one draw (quicker than `choice`)."""
    return options[int(rng.random() * len(options))]


@functools.cache
def _cumulative(pairs: tuple[tuple[str, float], ...]) -> tuple[tuple[str, ...], list[float]]:
    running = 0.0
    cumulative = []
    for _, weight in pairs:
        running += weight
        cumulative.append(running)
    return tuple(code for code, _ in pairs), cumulative


def _weighted(rng: random.Random, pairs: tuple[tuple[str, float], ...]) -> str:
    """A code drawn with the weights of `(code, weight)` pairs."""
    codes, cumulative = _cumulative(pairs)
    return codes[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]


def _names(rng: random.Random, sex: str, ethnicity: str) -> tuple[str, str]:
    female = sex == "F" or (sex == "U" and rng.random() < 0.5)
    key = "female" if female else "male"
    if ethnicity in ("AIND", "APKN", "ABAN", "AOTH") and rng.random() < 0.85:
        return _choice(rng, names.SOUTH_ASIAN_FIRST[key]), _choice(rng, names.SOUTH_ASIAN_SURNAMES)
    if ethnicity in ("BAFR", "BCRB", "BOTH") and rng.random() < 0.7:
        return _choice(rng, names.BLACK_FIRST[key]), _choice(rng, names.BLACK_SURNAMES)
    if ethnicity == "WOTH" and rng.random() < 0.6:
        return _choice(rng, names.EAST_EUROPEAN_FIRST[key]), _choice(
            rng, names.EAST_EUROPEAN_SURNAMES
        )
    surname = _choice(rng, names.CHINESE_SURNAMES if ethnicity == "CHNE" else names.SURNAMES)
    return _choice(rng, names.FEMALE if female else names.MALE), surname


class _Ids:
    """Running serials for each table's row ids."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def next(self, prefix: str) -> str:
        n = self.counts.get(prefix, 0) + 1
        self.counts[prefix] = n
        return f"{prefix}{n:07d}"


@dataclass
class Extract:
    """The dates an extract is made for: `year` is the 903 collection year it ends with
    ("2026" is 1 April 2025 to 31 March 2026)."""

    year: int

    @property
    def end(self) -> date:
        return date(self.year, 3, 31)

    @property
    def moment(self) -> datetime:
        return datetime(self.year, 3, 31, 23, 59)

    @functools.cached_property
    def window_start(self) -> date:
        return date(self.year - WINDOW_YEARS, 4, 1)


class _Generator:
    def __init__(
        self, seed: int, extract: Extract, postcodes: Postcodes, as_at: date | None = None
    ) -> None:
        #: The extract shows what was known at the end of this day (as an SSD datetime).
        self.as_at = f"{(as_at or extract.end).isoformat()} 23:59:00"
        self.seed = seed
        self.serial = 0
        self.nhs_serial = 0  # NHS numbers and UPNs are handed out in turn: never twice
        self.pupils = 0
        self.rng = random.Random(seed)  # noqa: S311 (generated data, no secret)
        self.extract = extract
        self.postcodes = postcodes
        self.ids = _Ids()
        self.next_person = 2_000_000
        self.towns = [s + e for s in _TOWN_STEMS for e in _TOWN_ENDS]  # invented town names
        self.own_urns = [f"SC{_randint(self.rng, 400000, 499999)}" for _ in range(3)]
        self.agency_urns = [f"SC{_randint(self.rng, 500000, 999999)}" for _ in range(60)]
        self.home_urns = [f"SC{_randint(self.rng, 100000, 399999)}" for _ in range(150)]
        self.supported_urns = [f"{_randint(self.rng, 2000000, 2999999)}" for _ in range(60)]

    # one person and everything about them

    def person(self) -> Person:
        """The next person. Each person has a random stream of their own, so the first N
        persons of a larger extract are those of an extract of N (with the same seed)."""
        self.serial += 1
        rng = self.rng = random.Random(self.seed * 4_294_967_296 + self.serial)  # noqa: S311
        self.next_person += _randint(rng, 1, 40)
        end = self.extract.end
        # Ages 0 to 24 at the extract: the children of six years ago are in it as young adults.
        born = end - timedelta(days=_randint(rng, 1, 24 * 365))
        roll = rng.random()
        sex = "M" if roll < 0.51 else ("F" if roll < 0.995 else "U")
        ethnicity = _weighted(rng, _ETHNICITY_WEIGHTS)
        school_age = date(born.year + (5 if born.month < 9 else 6), 9, 1)
        pupil = ""
        unknown = ""
        if school_age <= end and rng.random() < 0.9:
            self.pupils += 1
            school = 2000 + (self.pupils // 1000) % 6000
            pupil = upn(school, school_age.year, self.pupils % 1000)
        elif school_age > end:
            unknown = "UN1"
        home = self._homes(born)
        periods = self._periods(born, home)
        absences = self._absences(born, periods)
        if periods and sex == "U":
            sex = "F" if rng.random() < 0.5 else "M"  # a looked-after child's sex is known
        child_born = None
        if sex == "F" and periods and rng.random() < 0.04:
            # A young mother's first child is born while she is looked after (rule 625).
            period = periods[-1]
            earliest = max(born + timedelta(days=15 * 365), period.start)
            latest = period.end or end
            if earliest < latest:
                child_born = earliest + timedelta(days=_randint(rng, 0, (latest - earliest).days))
                if not self._mother_fits(child_born, periods):
                    child_born = None
        return Person(
            str(self.next_person),
            sex,
            born,
            ethnicity,
            pupil,
            unknown,
            child_born,
            home,
            periods,
            absences,
        )

    def _mother_fits(self, child_born: date, periods: list[Period]) -> bool:
        """Rule 625: in each return that says she is a mother, her child was born by the
        latest end of an episode of hers in that year (where one ended in it)."""
        for year in (self.extract.year - 1, self.extract.year):
            start, end = date(year - 1, 4, 1), date(year, 3, 31)
            if child_born > end:
                continue
            ends = [
                e.end
                for p in periods
                for e in p.episodes
                if e.end is not None and start <= e.end <= end
            ]
            if ends and max(ends) < child_born:
                return False
        return True

    def _homes(self, born: date) -> list[tuple[date, date | None, Place]]:
        rng = self.rng
        moves = int(_weighted(rng, (("0", 55), ("1", 30), ("2", 15))))
        span = (self.extract.end - born).days
        days = sorted(_randint(rng, 1, max(1, span)) for _ in range(moves))
        starts = [born, *(born + timedelta(days=d) for d in days)]
        homes = []
        for n, start in enumerate(starts):
            finish = starts[n + 1] if n + 1 < len(starts) else None
            if finish is not None and finish <= start:
                continue
            where = (
                _choice(rng, self.postcodes.home)
                if rng.random() < 0.93
                else _choice(rng, self.postcodes.away)
            )
            homes.append((start, finish, where))
        return homes

    def _periods(self, born: date, home: list[tuple[date, date | None, Place]]) -> list[Period]:
        rng = self.rng
        if rng.random() >= 0.123:
            return []
        adult = eighteenth(born)
        earliest = max(born + timedelta(days=1), self.extract.window_start - timedelta(days=730))
        latest = min(adult - timedelta(days=30), self.extract.end - timedelta(days=3))
        if latest <= earliest:
            return []
        periods: list[Period] = []
        start = earliest + timedelta(days=int((latest - earliest).days * rng.random()))
        while start <= latest and len(periods) < 3:
            period = self._period(born, start, home)
            periods.append(period)
            if period.end is None or rng.random() > 0.12:
                break
            start = period.end + timedelta(days=_randint(rng, 30, 700))
        if any(p.end is not None and p.end < self.extract.window_start for p in periods):
            periods = [p for p in periods if p.end is None or p.end >= self.extract.window_start]
        return periods

    def _placement(
        self,
        start: date,
        age: float,
        home_place: Place,
        status: str,
        previous: Placement | None = None,
    ) -> Placement:
        """A placement for a child of `age` under legal status `status`, as the 2025-26
        validator accepts it: placed with parents only under a care order (rule 378); own
        provision, and supported accommodation with a URN, in the authority's own area
        (rules 1015, 241); another authority's provision outside it; no Ofsted URN outside
        England (243); never at the child's
        home postcode unless placed with parents (392d); a move changes the postcode."""
        rng = self.rng
        if age >= 16:
            place = _weighted(
                rng, (("K3", 30), ("U6", 22), ("U4", 15), ("K2", 17), ("U3", 6), ("P1", 6),
                      ("U1", 3), ("S1", 1))
            )  # fmt: skip
        elif age >= 11:
            place = _weighted(
                rng, (("U6", 38), ("U4", 20), ("K2", 20), ("U3", 9), ("U1", 4), ("P1", 6),
                      ("S1", 2), ("K1", 1))
            )  # fmt: skip
        else:
            place = _weighted(
                rng, (("U6", 48), ("U4", 20), ("U3", 14), ("U1", 6), ("P1", 8), ("K2", 4))
            )
        if place == "P1" and status not in ("C1", "C2"):
            place = "U6"
        if place.startswith("U"):
            provider = "PR1" if rng.random() < 0.6 else "PR4"
            urn = (
                _choice(rng, self.own_urns) if provider == "PR1" else _choice(rng, self.agency_urns)
            )
        elif place == "P1":
            provider, urn = "PR0", ""
        elif place == "K3":
            provider = _weighted(rng, (("PR4", 80), ("PR5", 15), ("PR1", 5)))
            urn = _choice(rng, self.supported_urns)
        elif place == "K1":
            provider, urn = "PR2", _choice(rng, self.home_urns)
        else:  # K2, S1
            provider = _weighted(rng, (("PR4", 80), ("PR1", 12), ("PR5", 8)))
            urn = _choice(rng, self.home_urns)
        while True:
            if place == "P1":
                where = home_place
            elif provider == "PR1" or place == "K3":
                where = _choice(rng, self.postcodes.home)
            elif provider == "PR2" or rng.random() < (0.7 if place in ("K2", "S1") else 0.55):
                where = _choice(rng, self.postcodes.away)
            else:
                where = _choice(rng, self.postcodes.home)
            if place != "P1" and where == home_place:
                continue
            if previous is not None and where == previous.where:
                if place == "P1":
                    place, provider, urn = "U6", "PR1", _choice(rng, self.own_urns)
                continue
            if where.la_code[:1] in ("W", "S", "N"):
                urn = ""  # not inspected by Ofsted: no URN (rules 243, 218)
            return Placement(self.ids.next("PL"), start, place, provider, urn, where)

    def _period(
        self, born: date, start: date, home: list[tuple[date, date | None, Place]]
    ) -> Period:
        rng = self.rng
        adult = eighteenth(born)
        age = (start - born).days / 365.25
        need = _weighted(
            rng, (("N1", 64), ("N2", 3), ("N3", 3), ("N4", 8), ("N5", 14), ("N6", 2),
                  ("N7", 0.5), ("N8", 5.5))
        )  # fmt: skip
        period = Period(self.ids.next("CLA"), start, need)
        length = int(rng.lognormvariate(math.log(420), 1.1)) + 2
        finish: date | None = start + timedelta(days=length)
        reaches_18 = finish is not None and finish >= adult
        if reaches_18:
            finish = adult
        assert finish is not None
        if finish > self.extract.end:
            finish = None
        if age < 1:
            status = _weighted(rng, (("C1", 55), ("V2", 30), ("L2", 10), ("L1", 5)))
        elif age >= 10.2:  # remand (J1) from 10 only (rule 358)
            status = _weighted(
                rng, (("V2", 52), ("C1", 30), ("L1", 9), ("L2", 3), ("J1", 4), ("C2", 2))
            )
        else:
            status = _weighted(rng, (("C1", 50), ("V2", 38), ("L1", 7), ("L2", 5)))
        home_place = _home_at(home, start)
        placement = self._placement(start, age, home_place, status)
        episode = Episode(self.ids.next("EP"), start, "S", status, placement)
        period.episodes.append(episode)
        day = start
        stop = finish or self.extract.end
        while True:
            gap = int(rng.lognormvariate(math.log(200), 0.9)) + 7
            if status == "L1":
                gap = _randint(rng, 1, 3)  # police protection: 72 hours at most (rule 361)
            elif status == "L2":
                gap = _randint(rng, 3, 21)  # an emergency protection order: 21 days (362)
            elif status == "J1":
                gap = min(gap, _randint(rng, 10, 90))
            day = day + timedelta(days=gap)
            if day >= stop or len(period.episodes) >= 25:
                break
            age_now = (day - born).days / 365.25
            change_status = ""
            if status in ("L1", "L2"):
                change_status = _weighted(rng, (("C1", 60), ("V2", 40)))
            elif status == "J1":
                change_status = "V2"
            elif status == "C1" and rng.random() < 0.5:
                change_status = "C2"
            elif status == "V2" and rng.random() < 0.12:
                change_status = "C1"
            move = rng.random() < (0.45 if change_status else 1.0)
            previous = period.episodes[-1]
            if move:
                new_placement = self._placement(
                    day,
                    age_now,
                    _home_at(home, day),
                    change_status or status,
                    previous.placement,
                )
                previous.placement.end = day
                previous.placement.change_reason = _weighted(rng, _PLACE_CHANGE)
                rne = "B" if change_status else "P"
            else:
                new_placement = previous.placement
                rne = "L"
            if change_status:
                status = change_status
            previous.end = day
            previous.rec = "X1"
            period.episodes.append(Episode(self.ids.next("EP"), day, rne, status, new_placement))
        last = period.episodes[-1]
        if finish is not None:
            last.end = finish
            last.placement.end = finish
            if reaches_18:
                last.rec = _weighted(rng, (("E17", 25), ("E5", 35), ("E6", 15), ("E13", 10),
                                           ("E4A", 10), ("E7", 5)))  # fmt: skip
            elif (finish - born).days / 365.25 >= 16:
                last.rec = _weighted(
                    rng, (("E4A", 40), ("E5", 20), ("E6", 10), ("E13", 15), ("E4B", 10),
                          ("E3", 5))
                )  # fmt: skip
            else:
                last.rec = _weighted(
                    rng, (("E4A", 55), ("E4B", 10), ("E13", 12), ("E41", 10), ("E3", 5),
                          ("E8", 8))
                )  # fmt: skip
        return period

    def _absences(self, born: date, periods: list[Period]) -> list[Absence]:
        """Missing and away episodes over the window: many for older looked-after children,
        some from home for others. A child's episodes never overlap; one from care lies
        wholly inside its period of care (it ends the day before the period ends, at
        the latest)."""
        rng = self.rng
        window = self.extract.window_start
        moment = self.extract.moment
        spans: list[tuple[datetime, datetime, Period | None]] = []
        eleven = born + timedelta(days=int(10.5 * 365.25))
        for period in periods:
            first = max(period.start, eleven, window)
            last = period.end - timedelta(days=1) if period.end is not None else None
            if last is not None and last <= first:
                continue
            if rng.random() < 0.55:
                spans.append(
                    (
                        datetime.combine(first, time(0, 1)),
                        datetime.combine(last, time(23, 0)) if last else moment,
                        period,
                    )
                )
        cared = bool(spans)
        if not spans and rng.random() < 0.09:
            first = max(eleven, window)
            last = min(eighteenth(born), self.extract.end + timedelta(days=1))
            if last > first:
                spans.append(
                    (datetime.combine(first, time(0, 1)), datetime.combine(last, time()), None)
                )
        absences: list[Absence] = []
        for start, stop, in_care in spans:
            total = (stop - start).total_seconds() / 86400
            if total <= 1:
                continue
            mean = (18.0 if cared else 4.0) * min(1.0, total / 365) ** 0.5
            count = 1 + int(rng.expovariate(1 / mean))
            moments = sorted(rng.random() * total for _ in range(count))
            cursor = start
            for offset in moments:
                begin = start + timedelta(days=offset)
                begin = begin.replace(
                    hour=int(_weighted(rng, _HOURS)),
                    minute=_randint(rng, 0, 59),
                    second=0,
                    microsecond=0,
                )
                if begin <= cursor or begin >= stop:
                    continue
                kind = "A" if in_care is not None and rng.random() < 0.16 else "M"
                median = 3.0 if kind == "A" else 9.0
                hours = rng.lognormvariate(math.log(median), 1.3)
                if rng.random() < 0.03:
                    hours = rng.lognormvariate(math.log(24 * 5), 0.9)
                finish: datetime | None = begin + min(timedelta(hours=hours), _MAX_MISSING)
                finish = finish.replace(second=0, microsecond=0) if finish else None
                if finish is not None and finish <= begin:
                    finish = begin + timedelta(minutes=15)
                assert finish is not None
                if finish >= stop:
                    if stop != moment:
                        continue  # it would run past the end of care: not drawn
                    if in_care is not None and begin.date() <= in_care.episodes[-1].start:
                        continue  # still open across a change of placement (rule 575)
                    finish = None  # still missing at the extract
                held = in_care
                if held is None:
                    # missing from home (or anywhere) while in care is still in the 903
                    held = _period_holding(periods, begin.date())
                    if held is not None and not _fits_care(held, begin, finish):
                        continue
                absences.append(Absence(kind, begin, finish, held))
                if finish is None:
                    break
                cursor = finish + timedelta(minutes=30)
        return absences


def _period_holding(periods: list[Period], day: date) -> Period | None:
    """The period of care a day falls in, its first and last days included (as DfE's
    validator and homeward's 903 join them)."""
    for period in periods:
        if period.start <= day and (period.end is None or day <= period.end):
            return period
    return None


def _fits_care(period: Period, begin: datetime, finish: datetime | None) -> bool:
    """Whether an absence that began in `period` ends within it (rule 577: no missing
    period runs past care) and, still open, began after the last change of placement
    (rule 575)."""
    if finish is None:
        return period.end is None and begin.date() > period.episodes[-1].start
    return period.end is None or finish.date() <= period.end


#: When missing episodes start: few at night, most in the afternoon and evening.
_HOURS = tuple(
    (str(hour), float(weight))
    for hour, weight in enumerate(
        (3, 2, 1, 1, 1, 1, 1, 2, 3, 4, 4, 5, 6, 7, 8, 9, 10, 10, 10, 9, 8, 7, 5, 4)
    )
)


# --- the SSD rows --------------------------------------------------------------------------


def _address_json(rng: random.Random, towns: Sequence[str]) -> str:
    """`addr_address_json`: every key of `ADDRESS_JSON_KEYS`, a house, street and town."""
    house = _randint(rng, 1, 220)
    street = f"{_choice(rng, names.SURNAMES)} {_choice(rng, _STREETS)}"
    return _ADDRESS_JSON % (house, street, _choice(rng, towns))


_ADDRESS_JSON = json.dumps(
    {key: "" for key in ADDRESS_JSON_KEYS} | {"HOUSE": "%d", "STREET": "%s", "TOWN": "%s"},
    separators=(", ", ": "),
)


def _rhi(rng: random.Random, absence: Absence) -> tuple[str, str]:
    if absence.end is None:
        return "", ""
    roll = rng.random()
    if roll < 0.03:
        return "", ""  # not recorded
    if roll < 0.03 + 0.77:
        return "Y", ("Y" if rng.random() < 0.66 else "N")
    return "N", "NA"


# --- the 903 rows --------------------------------------------------------------------------


@dataclass
class Return903:
    """One collection year's Header, Episodes and Missing rows."""

    year: int
    header: list[tuple[str, ...]] = field(default_factory=list)
    episodes: list[tuple[str, ...]] = field(default_factory=list)
    missing: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def start(self) -> date:
        return date(self.year - 1, 4, 1)

    @property
    def end(self) -> date:
        return date(self.year, 3, 31)

    def add(self, person: Person, homes: list[tuple[date, date | None, Place]]) -> None:
        start, end = self.start, self.end
        rows = []
        for period in person.periods:
            for episode in period.episodes:
                if episode.start > end or (episode.end is not None and episode.end < start):
                    continue
                closed = episode.end is not None and episode.end <= end
                home_place = _home_at(homes, episode.start)
                rows.append(
                    (
                        person.person_id,
                        ssda903.fmt(episode.start),
                        episode.rne,
                        episode.legal_status,
                        period.need,
                        episode.placement.place,
                        episode.placement.provider,
                        ssda903.fmt(episode.end) if closed else "",
                        episode.rec if closed else "",
                        _change_reason(period, episode) if closed else "",
                        home_place.postcode,
                        episode.placement.where.postcode,
                        episode.placement.urn,
                    )
                )
        if not rows:
            return
        self.episodes.extend(rows)
        mother = ""
        child_born = ""
        if person.sex == "F":
            is_mother = person.child_born is not None and person.child_born <= end
            mother = "1" if is_mother else "0"
            child_born = ssda903.fmt(person.child_born) if is_mother else ""
        self.header.append(
            (
                person.person_id,
                person.sex,
                ssda903.fmt(person.born),
                person.ethnicity,
                person.upn or _upn_code(person),
                mother,
                child_born,
            )
        )
        for absence in person.absences:
            if absence.period is None:
                continue
            began = absence.start.date()
            ended = absence.end.date() if absence.end is not None else None
            if began > end or (ended is not None and ended < start):
                continue
            self.missing.append(
                (
                    person.person_id,
                    ssda903.fmt(person.born),
                    absence.kind,
                    ssda903.fmt(began),
                    ssda903.fmt(ended) if ended is not None and ended <= end else "",
                )
            )


def _upn_code(person: Person) -> str:
    """UN1 for a child not yet of school age, else UN2 (never at a school in England)."""
    return "UN1" if person.upn_unknown == "UN1" else "UN2"


def _home_at(homes: list[tuple[date, date | None, Place]], day: date) -> Place:
    for start, finish, where in homes:
        if start <= day and (finish is None or day < finish):
            return where
    return homes[-1][2]


def _change_reason(period: Period, episode: Episode) -> str:
    """The reason for placement change, on the episode that ends with one."""
    n = period.episodes.index(episode)
    if n + 1 < len(period.episodes) and period.episodes[n + 1].rne in ("P", "B", "T", "U"):
        return episode.placement.change_reason
    return ""


# --- writing -------------------------------------------------------------------------------


@dataclass
class Written:
    """What `write_ssd` wrote: rows per file, and the authority's code."""

    authority: str
    rows: dict[Path, int]


def write_ssd(
    out_dir: Path | str,
    *,
    persons: int,
    seed: int = 1,
    year: int = 2026,
    postcodes: Postcodes | None = None,
    as_at: date | None = None,
) -> Written:
    """Generate `persons` persons and write the extract and the 903 files into `out_dir`.

    `as_at` (default: the end of the collection year) is the day the extract is taken: the
    same people and events, cut at the end of that day. What starts later is left out; what
    ends later is still open (its end, reason for ending and RHI answers blank). Extracts
    of the same seed as at two days differ as a case system's daily extracts would. The 903
    files are always the returns as made at the end of each year.
    """
    if persons < 1:
        raise ValueError("persons must be at least 1")
    out = Path(out_dir)
    extract = Extract(year)
    if as_at is not None and not extract.window_start <= as_at <= extract.end:
        raise ValueError(
            f"the extract date {as_at.isoformat()} is outside the six years "
            f"{extract.window_start.isoformat()} to {extract.end.isoformat()}"
        )
    places = postcodes or invented_postcodes(seed)
    gen = _Generator(seed, extract, places, as_at)
    last_moment = f"{extract.end.isoformat()} 23:59:00"
    returns = [Return903(year - 1), Return903(year)]
    counts: dict[Path, int] = {}
    professionals = _professionals(random.Random(f"professionals {seed}"), persons)  # noqa: S311
    out.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        writers: dict[str, Any] = {}
        for table, columns in TABLES.items():
            path = out / f"{table}.csv"
            handle: TextIO = stack.enter_context(path.open("w", encoding="utf-8", newline=""))
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            writers[table] = writer
        tally = dict.fromkeys(TABLES, 0)

        def put(table: str, rows: Collection[Sequence[object]]) -> None:
            if gen.as_at < last_moment:
                rows = _cut(table, rows, gen.as_at)
            writers[table].writerows(rows)
            tally[table] += len(rows)

        put("ssd_professionals", professionals)
        workers = [str(r[0]) for r in professionals if r[4] != IRO]
        reviewers = [str(r[0]) for r in professionals if r[4] == IRO]
        teams = {str(row[0]): str(row[6]) for row in professionals}
        for _ in range(persons):
            person = gen.person()
            _person_rows(gen, person, put, (workers, reviewers), teams)
            for ret in returns:
                ret.add(person, person.home)
    counts.update({out / f"{table}.csv": n for table, n in tally.items()})
    for ret in returns:
        folder = out / "ssda903" / str(ret.year)
        folder.mkdir(parents=True, exist_ok=True)
        for name, columns, rows in (
            ("header.csv", ssda903.HEADER_COLUMNS, ret.header),
            ("episodes.csv", ssda903.EPISODES_COLUMNS, ret.episodes),
            ("missing.csv", ssda903.MISSING_COLUMNS, ret.missing),
        ):
            path = folder / name
            path.write_bytes(ssda903.write_csv(columns, rows))
            counts[path] = len(rows)
    if places.invented:
        folder = out / "postcodes"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "onspd.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            directory = list(onspd_rows(places))
            csv.writer(handle, lineterminator="\n").writerows(directory)
        counts[path] = len(directory) - 1
    return Written(places.authority, counts)


#: The job title of independent reviewing officers (every 20th professional).
IRO = "Independent Reviewing Officer"


#: Where each table's rows start and end (field positions), and the fields that are blank
#: while the row is still open: how an extract as at an earlier day is cut.
_SPANS: dict[str, tuple[int, int | None, tuple[int, ...]]] = {
    "ssd_person": (6, None, ()),
    "ssd_linked_identifiers": (4, 5, ()),
    "ssd_address": (4, 5, ()),
    "ssd_legal_status": (3, 4, ()),
    "ssd_cla_episodes": (2, 5, (6,)),
    "ssd_cla_placement": (1, 8, (9,)),
    "ssd_missing": (2, 4, (5, 6)),
    "ssd_involvements": (4, 5, ()),
}


def _cut(table: str, rows: Collection[Sequence[object]], as_at: str) -> list[Sequence[object]]:
    """`rows` as known at `as_at` (an SSD datetime): rows that start later are left out;
    an end after it is blank, with the fields that go with the end. Datetimes are compared
    as text, which orders them (`YYYY-MM-DD HH:MM:SS`)."""
    span = _SPANS.get(table)
    if span is None:
        return list(rows)
    start, end, with_end = span
    kept: list[Sequence[object]] = []
    for row in rows:
        if str(row[start]) > as_at:
            continue
        if end is not None and str(row[end]) > as_at:
            cells = list(row)
            for index in (end, *with_end):
                cells[index] = ""
            row = cells
        kept.append(row)
    return kept


def _professionals(rng: random.Random, persons: int) -> list[tuple[object, ...]]:
    """About one worker per 80 persons; every 20th is an independent reviewing officer."""
    count = max(20, persons // 80)
    rows: list[tuple[object, ...]] = []
    for n in range(1, count + 1):
        name = f"{_choice(rng, names.STAFF_FIRST)} {_choice(rng, names.SURNAMES)}"
        title = _weighted(rng, tuple(zip(_TITLES, (60, 25, 10, 5), strict=True)))
        team = _choice(rng, _TEAMS)
        if n % 20 == 0:
            title, team = IRO, "Independent Reviewing Service"
        rows.append(
            (
                f"W{n:05d}",
                f"S{_randint(rng, 10000, 99999)}",
                name,
                f"SW{_randint(rng, 10000, 999999):06d}",
                title,
                _randint(rng, 8, 24),
                team,
                _choice(rng, (1.0, 1.0, 1.0, 0.8, 0.6, 0.5)),
                "Y" if rng.random() < 0.15 else "N",
            )
        )
    return rows


def _person_rows(
    gen: _Generator,
    person: Person,
    put: Any,
    staff: tuple[Sequence[str], Sequence[str]],
    teams: dict[str, str],
) -> None:
    workers, reviewers = staff
    rng = gen.rng
    ids = gen.ids
    pid = person.person_id
    forename, surname = _names(rng, person.sex, person.ethnicity)
    nhs = ""
    if rng.random() < 0.96:
        while not nhs and gen.nhs_serial < 1_000_000:  # the test range holds about 909,000
            nhs = nhs_number(gen.nhs_serial) or ""
            gen.nhs_serial += 1
    mothered = person.child_born is not None and when(person.child_born) <= gen.as_at
    mother = "Y" if mothered else ("N" if person.sex != "M" else "")
    gender = {"M": "01", "F": "02"}.get(person.sex, "00")
    put(
        "ssd_person",
        [
            (
                pid, forename, surname, person.sex, gender, person.ethnicity, when(person.born),
                nhs, "", person.upn_unknown, "Y" if rng.random() < 0.06 else "N", "", "",
                mother, "",
            )
        ],
    )  # fmt: skip
    links = []
    if nhs:
        links.append((ids.next("LNK"), pid, "NHS Number", nhs, when(person.born), ""))
    if person.upn:
        allocated = date(2000 + int(person.upn[8:10]), 9, 1)
        links.append((ids.next("LNK"), pid, "Unique Pupil Number", person.upn, when(allocated), ""))
    put("ssd_linked_identifiers", links)
    put(
        "ssd_address",
        [
            (
                ids.next("ADR"),
                _address_json(rng, gen.towns),
                pid,
                "Home",
                when(start),
                when(finish),
                where.postcode.replace(" ", ""),
            )
            for start, finish, where in person.home
        ],
    )
    statuses: list[tuple[Episode, date | None]] = []
    for period in person.periods:
        run: list[Episode] = []
        for episode in period.episodes:
            if run and episode.legal_status != run[0].legal_status:
                statuses.append((run[0], episode.start))
                run = []
            run.append(episode)
        if run:
            statuses.append((run[0], period.end))
    put(
        "ssd_legal_status",
        [
            (ids.next("LEG"), pid, first.legal_status, when(first.start), when(finish))
            for first, finish in statuses
        ],
    )
    episodes = []
    placements: dict[str, tuple[object, ...]] = {}
    for period in person.periods:
        for episode in period.episodes:
            p = episode.placement
            episodes.append(
                (
                    episode.episode_id, pid, when(episode.start), episode.rne, period.need,
                    when(episode.end), episode.rec, period.cla_id, "", p.placement_id,
                    when(period.start), "",
                )
            )  # fmt: skip
            if p.placement_id not in placements:
                home = _home_at(person.home, p.start)
                distance = miles(home, p.where)
                placements[p.placement_id] = (
                    p.placement_id, when(p.start), p.place, p.urn, f"{distance:.1f}",
                    period.cla_id, p.provider, p.where.postcode, when(p.end),
                    p.change_reason if p.end is not None and p.end != period.end else "", pid,
                )  # fmt: skip
    put("ssd_cla_episodes", episodes)
    put("ssd_cla_placement", placements.values())
    put(
        "ssd_missing",
        [
            (
                ids.next("MIS"), pid, when(a.start), a.kind, when(a.end), *_rhi(rng, a),
            )
            for a in person.absences
        ],
    )  # fmt: skip
    involvements = []
    open_case = any(p.end is None for p in person.periods) or rng.random() < 0.25
    start = max(person.born, gen.extract.window_start) + timedelta(days=_randint(rng, 0, 700))
    current = [p.start for p in person.periods if p.end is None]
    if current:  # a child in care has had a social worker since coming into care at least
        start = min(start, max(person.born, current[0] - timedelta(days=_randint(rng, 0, 90))))
    elif open_case:
        start = max(
            person.born, min(start, gen.extract.end - timedelta(days=_randint(rng, 1, 300)))
        )
    if start < gen.extract.end:
        worker = workers[int(rng.random() * len(workers))]
        first_end: date | None = None
        if rng.random() < 0.4:
            first_end = start + timedelta(days=_randint(rng, 30, 600))
            if first_end >= gen.extract.end:
                first_end = None
        if first_end is None and not open_case:
            first_end = min(gen.extract.end, start + timedelta(days=_randint(rng, 30, 400)))
        involvements.append(
            (ids.next("INV"), worker, ROLE_ALLOCATED, teams[worker], when(start),
             when(first_end), "FCONTA", pid, "")
        )  # fmt: skip
        if first_end is not None and open_case:
            worker = workers[int(rng.random() * len(workers))]
            involvements.append(
                (ids.next("INV"), worker, ROLE_ALLOCATED, teams[worker],
                 when(first_end), "", _choice(rng, ("LEFTRL", "MANAGE", "TSPROC", "ORGRST")),
                 pid, "")
            )  # fmt: skip
    for period in person.periods:  # each period of care has its reviewing officer
        reviewer = reviewers[int(rng.random() * len(reviewers))]
        involvements.append(
            (ids.next("INV"), reviewer, ROLE_IRO, teams[reviewer], when(period.start),
             when(period.end), "", pid, "")
        )  # fmt: skip
    put("ssd_involvements", involvements)
