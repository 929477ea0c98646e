"""How well the matcher finds the right child: a synthetic, seeded quality set.

`population` invents the children an authority knows: households sharing a family name and
a postcode (brothers, sisters and twins), names drawn from `homeward.synth.names` with
skewed, realistic frequencies (a few names are common, most are rare), some hyphenated
family names and aliases, dates of birth over eight years and twenty postcode districts of
an invented area (FN1 to FN20).

`notifications` invents police reports about them with the slips real reports carry (an
error type each): none, a typo in the given or the family name, day and month swapped, a
short form of the given name, a changed family name (a new one or a hyphenated addition), no
date of birth, no postcode, a new postcode, the given and family names the other way round
(as police systems keeping "SURNAME, Forename" send them), a date of birth a year out, a
date of birth estimated from an age (a placeholder day and month, 1 January or 1 July, as
record systems fill an estimated date), a middle name the authority does not hold, the
whole name in the family name field as "SURNAME, Forename"; and
15 % of the reports about known children two
of these at once ("two errors", e.g. a typo and a swapped date of birth). About a fifth are
about children the authority does not know, half of them brothers, sisters or twins of
known children (the hard negatives: same family name and postcode, twins the same date of
birth too).

`evaluate` runs every report through blocking (`CandidateIndex`) and `rank` and measures:

- **precision of a band**: of all (notification, candidate) pairs shown in that band, the
  share where the candidate is the true child (for a report about an unknown child, no
  candidate is);
- **recall of match**: of the notifications about known children, the share whose true
  child is shown in band match;
- **recall across match and possible**: of the notifications about known children, the
  share whose true child is shown in band match or possible;
- **recall by error type**: recall across match and possible for the notifications about
  known children with that error.

The same arguments always give the same data and the same figures.
"""

from __future__ import annotations

import random
import string
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Final

from homeward.police import nicknames
from homeward.police.match import Band, Candidate, CandidateIndex, Person, rank
from homeward.synth import names

AREA: Final = "FN"
DISTRICTS: Final = 20
BORN_FROM: Final = date(2009, 9, 1)
BORN_DAYS: Final = 8 * 365 + 2
_UNIT_LETTERS: Final = "ABDEFGHJLNPQRSTUWXYZ"

#: Error types of a report, with their weights.
ERROR_WEIGHTS: Final[dict[str, float]] = {
    "none": 34,
    "typo_given": 8,
    "typo_family": 8,
    "swapped_dob": 7,
    "nickname": 9,
    "surname_change": 8,
    "missing_dob": 8,
    "missing_postcode": 9,
    "moved_postcode": 9,
    # Police systems that keep "SURNAME, Forename" often send the two the other way round.
    "swapped_names": 6,
    # A date of birth a year out (the year misread or mistyped: 2012 for 2011).
    "dob_year": 6,
    # A date of birth estimated from the age the person gave or looked: a placeholder day
    # and month (1 January or 1 July, as record systems fill an estimated date) in the
    # year the age gives, the true one or the next.
    "estimated_dob": 4,
    # Every given name as the person gave it (a middle name after the first), where the
    # authority holds the first.
    "middle_name": 5,
    # The whole name in the family name field as "SURNAME, Forename", the given names blank
    # (systems that keep names so send them in one field).
    "name_in_one_field": 3,
}
#: Share of reports about children the authority does not know, and the share of those that
#: are a known child's brother, sister or twin.
UNKNOWN_SHARE: Final = 0.2
#: Share of reports about known children that carry a second, different slip (a typo and a
#: swapped date of birth, a short form and a new postcode, ...).
TWO_ERRORS_SHARE: Final = 0.15
#: The error type under which reports with two slips are counted.
TWO_ERRORS: Final = "two errors"
SIBLING_SHARE: Final = 0.5
TWIN_SHARE: Final = 0.35


@dataclass(frozen=True)
class BandQuality:
    band: Band
    pairs: int
    correct: int
    precision: float


@dataclass(frozen=True)
class Quality:
    notifications: int
    known: int
    bands: tuple[BandQuality, ...]
    recall_match: float
    recall_match_or_possible: float
    #: Recall across match and possible, per error type (reports about known children).
    by_error: dict[str, float]
    #: The mean number of candidates blocking returned per report.
    mean_candidates: float = 0.0
    #: Reports with two slips, by their pair (sorted, joined by "+"): (found, of).
    by_pair: dict[str, tuple[int, int]] = field(default_factory=dict)


# --- names -------------------------------------------------------------------------------------


def _zipf(values: Sequence[str], exponent: float = 0.5, offset: float = 3.0) -> list[float]:
    """Weights that fall with position, as the lists run roughly from common to rare: the
    first surname (Smith) is about 3 % of children, the first girl's name about 4 % of girls."""
    return [1.0 / (rank + offset) ** exponent for rank in range(len(values))]


@dataclass(frozen=True)
class _Pool:
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]
    weight: float


_POOLS: Final = (
    _Pool(names.FEMALE, names.MALE, names.SURNAMES, 76),
    _Pool(names.SOUTH_ASIAN_FIRST["female"], names.SOUTH_ASIAN_FIRST["male"],
          names.SOUTH_ASIAN_SURNAMES, 9),
    _Pool((*names.BLACK_FIRST["female"], *names.FEMALE), (*names.BLACK_FIRST["male"], *names.MALE),
          names.BLACK_SURNAMES, 7),
    _Pool(names.EAST_EUROPEAN_FIRST["female"], names.EAST_EUROPEAN_FIRST["male"],
          names.EAST_EUROPEAN_SURNAMES, 6),
    _Pool(names.FEMALE, names.MALE, names.CHINESE_SURNAMES, 2),
)  # fmt: skip
_POOL_WEIGHTS: Final = [pool.weight for pool in _POOLS]


class _Names:
    """Draws names with skewed frequencies; weights computed once per list."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._weights: dict[tuple[str, ...], list[float]] = {}

    def pick(self, values: tuple[str, ...]) -> str:
        weights = self._weights.get(values)
        if weights is None:
            weights = self._weights[values] = _zipf(values)
        return self.rng.choices(values, weights)[0]

    def pool(self) -> _Pool:
        return self.rng.choices(_POOLS, _POOL_WEIGHTS)[0]

    def given(self, pool: _Pool, sex: str, avoid: Sequence[str] = ()) -> str:
        gender = sex if sex in ("female", "male") else self.rng.choice(["female", "male"])
        values = pool.female if gender == "female" else pool.male
        for _attempt in range(50):
            name = self.pick(values)
            if not any(nicknames.equivalent(name, other) for other in avoid):
                return name
        return name


def _postcode(rng: random.Random) -> str:
    district = rng.randint(1, DISTRICTS)
    return (
        f"{AREA}{district} {rng.randint(1, 9)}{rng.choice(_UNIT_LETTERS)}"
        f"{rng.choice(_UNIT_LETTERS)}"
    )


def _sex(rng: random.Random) -> str:
    return rng.choices(["female", "male", "unknown"], [49.5, 49.5, 1])[0]


def _short_forms(given: str) -> list[str]:
    """Other names in the given name's groups, title case."""
    forms: set[str] = set()
    for group in nicknames.groups_of(given):
        forms.update(nicknames.GROUPS[group])
    forms.discard(given.lower())
    return sorted(form.title() for form in forms)


# --- the population ----------------------------------------------------------------------------


def population(children: int, *, seed: int) -> list[Candidate]:
    """`children` known children in households, keys 1 to `children`."""
    rng = random.Random(seed)  # noqa: S311 (generated data, not secrets)
    draw = _Names(rng)
    people: list[Person] = []
    while len(people) < children:
        pool = draw.pool()
        family = draw.pick(pool.surnames)
        if rng.random() < 0.05:
            other = draw.pick(draw.pool().surnames)
            if other != family:
                family = f"{family}-{other}"
        postcode = _postcode(rng)
        size = rng.choices([1, 2, 3, 4], [58, 28, 10, 4])[0]
        born = BORN_FROM + timedelta(days=rng.randrange(BORN_DAYS))
        household: list[str] = []
        for index in range(min(size, children - len(people))):
            if index > 0:
                if rng.random() < 0.06:
                    pass  # a twin: the same date of birth
                else:
                    gap = rng.randint(330, 1500) * rng.choice([-1, 1])
                    born = born + timedelta(days=gap)
                    if not BORN_FROM <= born < BORN_FROM + timedelta(days=BORN_DAYS):
                        born = born - timedelta(days=2 * gap)
            sex = _sex(rng)
            given = draw.given(pool, sex, avoid=household)
            household.append(given)
            aliases: tuple[str, ...] = ()
            if rng.random() < 0.08:
                forms = _short_forms(given)
                if forms and rng.random() < 0.6:
                    aliases = (rng.choice(forms),)
                else:
                    aliases = (f"{given} {draw.pick(draw.pool().surnames)}",)
            people.append(Person(given, family, aliases, born, sex, postcode))
    return [Candidate(key=index + 1, person=person) for index, person in enumerate(people)]


# --- reports -----------------------------------------------------------------------------------


def _typo(rng: random.Random, word: str) -> str:
    """One keying slip, never in the first letter: a letter changed, dropped, doubled or two
    swapped."""
    if len(word) < 3:
        return word + rng.choice(string.ascii_lowercase)
    at = rng.randrange(1, len(word))
    kind = rng.choice(["change", "drop", "double", "swap"])
    if kind == "change":
        letter = rng.choice([ch for ch in string.ascii_lowercase if ch != word[at].lower()])
        return word[:at] + letter + word[at + 1 :]
    if kind == "drop":
        return word[:at] + word[at + 1 :]
    if kind == "double":
        return word[:at] + word[at] + word[at:]
    if at == len(word) - 1:
        at -= 1
    if at == 0 or word[at] == word[at + 1]:
        return word[:at] + word[at + 1 :]
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def _swappable(born: date | None) -> bool:
    return born is not None and born.day <= 12 and born.day != born.month


def _apply(rng: random.Random, draw: _Names, person: Person, error: str) -> Person | None:
    """The person as a report with `error` describes them; None if the error cannot apply."""
    if error == "none":
        return person
    if error == "typo_given":
        return replace(person, given_names=_typo(rng, person.given_names))
    if error == "typo_family":
        return replace(person, family_name=_typo(rng, person.family_name))
    if error == "swapped_dob":
        born = person.date_of_birth
        if born is None or not _swappable(born):
            return None
        return replace(person, date_of_birth=born.replace(day=born.month, month=born.day))
    if error == "nickname":
        forms = _short_forms(person.given_names)
        if not forms:
            return None
        return replace(person, given_names=rng.choice(forms))
    if error == "surname_change":
        other = draw.pick(draw.pool().surnames)
        if other in person.family_name.split("-"):
            return None
        if rng.random() < 0.5:
            return replace(person, family_name=other)
        return replace(person, family_name=f"{person.family_name}-{other}")
    if error == "missing_dob":
        return replace(person, date_of_birth=None)
    if error == "swapped_names":
        return replace(person, given_names=person.family_name, family_name=person.given_names)
    if error == "dob_year":
        born = person.date_of_birth
        if born is None or (born.month, born.day) == (2, 29):
            return None
        return replace(person, date_of_birth=born.replace(year=born.year + rng.choice((-1, 1))))
    if error == "estimated_dob":
        born = person.date_of_birth
        if born is None:
            return None
        day, month = rng.choice(((1, 1), (1, 7)))
        estimated = date(born.year + rng.choice((0, 1)), month, day)
        return None if estimated == born else replace(person, date_of_birth=estimated)
    if error == "middle_name":
        pool = draw.pool()
        middle = draw.given(pool, person.sex, avoid=[person.given_names])
        return replace(person, given_names=f"{person.given_names} {middle}")
    if error == "name_in_one_field":
        return replace(
            person,
            given_names="",
            family_name=f"{person.family_name.upper()}, {person.given_names}",
        )
    if error == "missing_postcode":
        return replace(person, postcode="")
    if error == "moved_postcode":
        return replace(person, postcode=_postcode(rng))
    raise ValueError(f"unknown error type {error!r}")


def _reported_sex(rng: random.Random, person: Person) -> Person:
    if rng.random() < 0.04:
        return replace(person, sex="unknown")
    return person


def _stranger(rng: random.Random, draw: _Names, known: Sequence[Candidate]) -> Person:
    """A child the authority does not know: often a known child's brother, sister or twin."""
    if rng.random() < SIBLING_SHARE:
        relative = rng.choice(known).person
        sex = _sex(rng)
        pool = next(
            (pool for pool in _POOLS if relative.family_name.split("-")[0] in pool.surnames),
            _POOLS[0],
        )
        given = draw.given(pool, sex, avoid=[relative.given_names])
        born = relative.date_of_birth
        if born is not None and rng.random() >= TWIN_SHARE:
            born = born + timedelta(days=rng.randint(330, 1500) * rng.choice([-1, 1]))
        return Person(given, relative.family_name, (), born, sex, relative.postcode)
    pool = draw.pool()
    sex = _sex(rng)
    born = BORN_FROM + timedelta(days=rng.randrange(BORN_DAYS))
    return Person(draw.given(pool, sex), draw.pick(pool.surnames), (), born, sex, _postcode(rng))


def notifications(
    population: Sequence[Candidate], count: int, *, seed: int
) -> list[tuple[Person, int | None, str]]:
    """`count` reports: (the person as reported, the true child's key or None, error type)."""
    rng = random.Random(seed)  # noqa: S311 (generated data, not secrets)
    draw = _Names(rng)
    errors = list(ERROR_WEIGHTS)
    weights = list(ERROR_WEIGHTS.values())
    reports: list[tuple[Person, int | None, str]] = []
    while len(reports) < count:
        error = rng.choices(errors, weights)[0]
        key: int | None
        if rng.random() < UNKNOWN_SHARE:
            key, person = None, _stranger(rng, draw, population)
        else:
            candidate = rng.choice(population)
            key, person = candidate.key, candidate.person
        # Reports seldom carry the aliases the authority holds.
        reported = _apply(rng, draw, replace(person, aliases=()), error)
        if reported is None:
            continue
        if key is not None and error != "none" and rng.random() < TWO_ERRORS_SHARE:
            second = rng.choice([e for e in errors if e not in ("none", error)])
            twice = _apply(rng, draw, reported, second)
            if twice is not None:
                reported, error = twice, f"{error}+{second}"
        reports.append((_reported_sex(rng, reported), key, error))
    return reports


#: `notifications` under another name, for `evaluate`, whose argument hides it.
_reports: Final = notifications


# --- evaluation --------------------------------------------------------------------------------


def evaluate(children: int = 50_000, notifications: int = 10_000, *, seed: int = 1) -> Quality:
    """Generate a population and reports from `seed` and measure the matcher on them."""
    known_children = population(children, seed=seed)
    reports = _reports(known_children, notifications, seed=seed + 1)
    index = CandidateIndex(known_children)
    pairs: Counter[Band] = Counter()
    correct: Counter[Band] = Counter()
    known = found_match = found_either = 0
    by_error_total: Counter[str] = Counter()
    by_error_found: Counter[str] = Counter()
    candidates_seen = 0
    pair_total: Counter[str] = Counter()
    pair_found: Counter[str] = Counter()
    for person, key, error in reports:
        candidates = index.candidates(person)
        candidates_seen += len(candidates)
        shown = rank(person, candidates)
        for result in shown:
            pairs[result.band] += 1
            if result.key == key:
                correct[result.band] += 1
        if key is None:
            continue
        known += 1
        pair = "+".join(sorted(error.split("+"))) if "+" in error else ""
        if pair:
            error = TWO_ERRORS
            pair_total[pair] += 1
        by_error_total[error] += 1
        bands = {result.band for result in shown if result.key == key}
        if Band.MATCH in bands:
            found_match += 1
        if bands & {Band.MATCH, Band.POSSIBLE}:
            found_either += 1
            by_error_found[error] += 1
            if pair:
                pair_found[pair] += 1
    return Quality(
        notifications=len(reports),
        known=known,
        bands=tuple(
            BandQuality(
                band=band,
                pairs=pairs[band],
                correct=correct[band],
                precision=correct[band] / pairs[band] if pairs[band] else 1.0,
            )
            for band in (Band.MATCH, Band.POSSIBLE)
        ),
        recall_match=found_match / known if known else 1.0,
        recall_match_or_possible=found_either / known if known else 1.0,
        by_error={
            error: by_error_found[error] / by_error_total[error]
            for error in (*ERROR_WEIGHTS, TWO_ERRORS)
            if by_error_total[error]
        },
        mean_candidates=candidates_seen / len(reports) if reports else 0.0,
        by_pair={pair: (pair_found[pair], pair_total[pair]) for pair in sorted(pair_total)},
    )


def format_quality(q: Quality) -> str:
    """The figures as a plain table."""
    lines = [
        f"Reports: {q.notifications:,} ({q.known:,} about known children, "
        f"{q.notifications - q.known:,} about others)",
        f"Candidates per report (blocking): {q.mean_candidates:.1f}",
        "",
        f"{'Band':<10} {'Pairs':>8} {'Correct':>8} {'Precision':>10}",
    ]
    for band in q.bands:
        lines.append(
            f"{band.band.value:<10} {band.pairs:>8,} {band.correct:>8,} {band.precision:>10.4f}"
        )
    lines += [
        "",
        f"{'Recall':<26} {'':>8}",
        f"{'match':<26} {q.recall_match:>8.4f}",
        f"{'match or possible':<26} {q.recall_match_or_possible:>8.4f}",
        "",
        f"{'Recall by error type':<26} {'':>8}",
    ]
    for error, recall in q.by_error.items():
        lines.append(f"{error:<26} {recall:>8.4f}")
    missed = sorted(
        ((found, total, pair) for pair, (found, total) in q.by_pair.items() if found < total),
        key=lambda item: (item[0] / item[1], item[2]),
    )
    if missed:
        lines += ["", "Two slips at once, where not every report was found:"]
        lines += [f"{pair:<40} {found:>4} of {total:<4}" for found, total, pair in missed]
    return "\n".join(lines)
