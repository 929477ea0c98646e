"""How well a report is routed: a child's, a care leaver's, one about a young adult the
authority knew as a child, or an adult's it does not know. A seeded, synthetic set.

The register is `quality.population`'s children with a share of households born eight years
earlier (so the register holds young people of 16 to 24 on the report date as well as
children), some looked after (under 18) or care leavers (18 to 24). The reports are about:

- people on the register, with `quality`'s slips (a typo, a date of birth a year out, no
  date of birth, two slips at once, ...);
- children the authority does not know (`quality`'s strangers: often a known child's
  brother, sister or twin);
- adults it does not know, of 18 to 24 (some a known young adult's brother or sister) and
  older.

The police's child flag follows the true age, wrong on `FLAG_WRONG` of reports. The truth of
a report is its person's true age on the report date, and for 18 to 24 whether they are on
the register and looked after or a care leaver there: **child**, **care leaver**, **known
as a child**, **adult**.

`evaluate` classifies each report (`classify.classify`), matches it when the intake would
(`match.rank` over `CandidateIndex`) and routes it (`classify.route`, with the register's
record of the best suggestion, as the intake does), then measures:

- **accuracy**: of the reports with a date of birth, the share routed to their true class;
- **to a person**: of the reports whose truth is not "adult", the share a person sees (any
  route but adult); a child's report filed as an adult's is the error that matters most;
- **adults filed**: of the reports about adults the authority does not know, the share
  filed (not put in front of a person);
- per true class, the routes given (a confusion table), and the accuracy per slip.

The same arguments always give the same data and the same figures.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Final

from homeward.police import quality
from homeward.police.classify import (
    ADULT_AGE,
    CARE_LEAVER_UNTIL,
    KnownPerson,
    Route,
    age_on,
    classify,
    route,
)
from homeward.police.format import (
    Category,
    MissingFrom,
    Notification,
    NotificationType,
    RiskGrade,
    Sex,
)
from homeward.police.match import Band, Candidate, CandidateIndex, Person, person_from, rank

REPORTED_AT: Final = datetime(2026, 6, 1, 11, 0, tzinfo=UTC)
REPORTED_ON: Final = date(2026, 6, 1)
HOME: Final = "E10000099"
#: Share of the register's households born eight years earlier (16 to 24 on the report date).
OLDER_SHARE: Final = 0.3
OLDER_BY: Final = timedelta(days=8 * 365 + 2)
#: Share of the register's children looked after, and of its young adults care leavers.
LOOKED_AFTER_SHARE: Final = 0.12
CARE_LEAVER_SHARE: Final = 0.5
#: Shares of the reports about children, and about adults, the authority does not know.
UNKNOWN_CHILD_SHARE: Final = 0.15
UNKNOWN_ADULT_SHARE: Final = 0.15
#: Share of reports whose child flag contradicts the true age.
FLAG_WRONG: Final = 0.05

#: The true classes, in the order they are shown.
CLASSES: Final = (Route.CHILD, Route.CARE_LEAVER, Route.KNOWN_CHILD, Route.ADULT)


@dataclass(frozen=True)
class RouteQuality:
    reports: int
    #: Of the reports with a date of birth, routed to their true class.
    accuracy: float
    with_date_of_birth: int
    #: Of the reports whose truth is not "adult", the share a person sees.
    to_a_person: float
    #: Children's reports filed as adults' reports (never wanted).
    children_filed: int
    #: Of the reports about adults the authority does not know, the share filed.
    adults_filed: float
    #: (true class, route given) -> reports.
    confusion: dict[tuple[str, str], int]
    #: Accuracy per slip (reports with a date of birth).
    by_error: dict[str, float]


def register(children: int, *, seed: int) -> tuple[list[Candidate], dict[int, bool]]:
    """The authority's register: `quality.population` with `OLDER_SHARE` of households born
    `OLDER_BY` earlier; and, per child, whether looked after or a care leaver."""
    rng = random.Random(seed)  # noqa: S311 (generated data, not secrets)
    people = quality.population(children, seed=seed)
    older: dict[tuple[str, str], bool] = {}
    out: list[Candidate] = []
    cared: dict[int, bool] = {}
    for candidate in people:
        person = candidate.person
        household = (person.family_name, person.postcode)
        if household not in older:
            older[household] = rng.random() < OLDER_SHARE
        if older[household] and person.date_of_birth is not None:
            person = replace(person, date_of_birth=person.date_of_birth - OLDER_BY)
        out.append(Candidate(key=candidate.key, person=person))
        adult = _age(person) >= ADULT_AGE
        cared[candidate.key] = rng.random() < (CARE_LEAVER_SHARE if adult else LOOKED_AFTER_SHARE)
    return out, cared


def _age(person: Person) -> int:
    assert person.date_of_birth is not None
    return age_on(person.date_of_birth, REPORTED_ON)


def _truth(person: Person, key: int | None, cared: dict[int, bool]) -> Route:
    age = _age(person)
    if age < ADULT_AGE:
        return Route.CHILD
    if key is None or age >= CARE_LEAVER_UNTIL:
        return Route.ADULT
    return Route.CARE_LEAVER if cared[key] else Route.KNOWN_CHILD


def _adult(rng: random.Random, draw: quality._Names, known: Sequence[Candidate]) -> Person:
    """An adult the authority does not know (often a known family's brother or sister, as
    `quality`'s strangers are): half 18 to 24, half 25 to 60."""
    if rng.random() < 0.5:
        days = rng.randint(ADULT_AGE * 365 + 5, CARE_LEAVER_UNTIL * 365 - 5)
    else:
        days = rng.randint(CARE_LEAVER_UNTIL * 365 + 5, 60 * 365)
    stranger = quality._stranger(rng, draw, known)
    return replace(stranger, date_of_birth=REPORTED_ON - timedelta(days=days))


def reports(
    people: Sequence[Candidate], cared: dict[int, bool], count: int, *, seed: int
) -> list[tuple[Person, bool, Route, str]]:
    """`count` reports: (the person as reported, the police's child flag, the truth, the
    slip)."""
    rng = random.Random(seed)  # noqa: S311 (generated data, not secrets)
    draw = quality._Names(rng)
    errors = list(quality.ERROR_WEIGHTS)
    weights = list(quality.ERROR_WEIGHTS.values())
    out: list[tuple[Person, bool, Route, str]] = []
    while len(out) < count:
        chance = rng.random()
        key: int | None = None
        error = "none"
        if chance < UNKNOWN_ADULT_SHARE:
            person = reported = _adult(rng, draw, people)
        elif chance < UNKNOWN_ADULT_SHARE + UNKNOWN_CHILD_SHARE:
            person = reported = quality._stranger(rng, draw, people)
        else:
            candidate = rng.choice(people)
            key, person = candidate.key, candidate.person
            error = rng.choices(errors, weights)[0]
            slipped = quality._apply(rng, draw, replace(person, aliases=()), error)
            if slipped is None:
                continue
            reported = slipped
            if error != "none" and rng.random() < quality.TWO_ERRORS_SHARE:
                second = rng.choice([e for e in errors if e not in ("none", error)])
                twice = quality._apply(rng, draw, reported, second)
                if twice is not None:
                    reported, error = twice, quality.TWO_ERRORS
        truth = _truth(person, key, cared)
        flag = (truth == Route.CHILD) != (rng.random() < FLAG_WRONG)
        out.append((reported, flag, truth, error))
    return out


def _notification(person: Person, flag: bool) -> Notification:
    return Notification(
        force="synthetic",
        police_reference="RQ-000001",
        notification_type=NotificationType.REPORTED_MISSING,
        given_names=person.given_names,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        child_flag=flag,
        sex=Sex(person.sex) if person.sex in ("female", "male") else Sex.UNKNOWN,
        postcode=person.postcode,
        reported_at=REPORTED_AT,
        category=Category.MISSING,
        risk_grade=RiskGrade.MEDIUM,
        missing_from=MissingFrom.HOME,
    )


def evaluate(children: int = 50_000, count: int = 10_000, *, seed: int = 1) -> RouteQuality:
    """Generate a register and reports from `seed` and measure the routing on them."""
    people, cared = register(children, seed=seed)
    index = CandidateIndex(people)
    by_key = {candidate.key: candidate.person for candidate in people}
    confusion: Counter[tuple[str, str]] = Counter()
    error_total: Counter[str] = Counter()
    error_right: Counter[str] = Counter()
    dated = right = not_adult = seen = children_filed = adults = filed = 0
    for person, flag, truth, error in reports(people, cared, count, seed=seed + 1):
        n = _notification(person, flag)
        cls = classify(n, home_authority=HOME)
        known = None
        if cls.for_a_person or cls.young_adult:
            reported = person_from(n)
            ranked = rank(reported, index.candidates(reported), limit=1)
            if ranked and ranked[0].band in (Band.MATCH, Band.POSSIBLE):
                best = ranked[0]
                known = KnownPerson(
                    date_of_birth=by_key[best.key].date_of_birth,
                    cared=cared[best.key],
                    certain=best.band == Band.MATCH,
                )
        given = route(cls, REPORTED_ON, known)
        confusion[(truth.value, given.value)] += 1
        if person.date_of_birth is not None:
            dated += 1
            right += given == truth
            error_total[error] += 1
            error_right[error] += given == truth
        if truth != Route.ADULT:
            not_adult += 1
            seen += given != Route.ADULT
            children_filed += truth == Route.CHILD and given == Route.ADULT
        else:
            adults += 1
            filed += given == Route.ADULT
    return RouteQuality(
        reports=count,
        accuracy=right / dated if dated else 1.0,
        with_date_of_birth=dated,
        to_a_person=seen / not_adult if not_adult else 1.0,
        children_filed=children_filed,
        adults_filed=filed / adults if adults else 1.0,
        confusion=dict(confusion),
        by_error={
            error: error_right[error] / error_total[error]
            for error in (*quality.ERROR_WEIGHTS, quality.TWO_ERRORS)
            if error_total[error]
        },
    )


def format_quality(q: RouteQuality) -> str:
    """The figures as plain tables."""
    routes = list(Route)
    lines = [
        f"Who each report is about: {q.reports:,} reports "
        f"({q.with_date_of_birth:,} with a date of birth)",
        f"{'accuracy (with a date of birth)':<40} {q.accuracy:>8.4f}",
        f"{'not an unknown adult: seen by a person':<40} {q.to_a_person:>8.4f}",
        f"{'children filed as adults':<40} {q.children_filed:>8,}",
        f"{'unknown adults filed':<40} {q.adults_filed:>8.4f}",
        "",
        "True class (rows) by route given (columns):",
        f"{'':<14}" + "".join(f"{r.value:>13}" for r in routes),
    ]
    for truth in CLASSES:
        lines.append(
            f"{truth.value:<14}"
            + "".join(f"{q.confusion.get((truth.value, r.value), 0):>13,}" for r in routes)
        )
    lines += ["", f"{'Accuracy by slip':<26}"]
    lines += [f"{error:<26} {share:>8.4f}" for error, share in q.by_error.items()]
    return "\n".join(lines)
