"""Explainable matching of a reported person to the children an authority already knows.

Two steps, as in any record linkage:

1. **Blocking** picks the few known children worth comparing. Each known child is filed
   under a handful of keys (`candidate_keys`, which the database keeps in an indexed table);
   a reported person is looked up under theirs (`query_keys`), and the candidates are every
   child filed under any of them. The keys are:

   - ``dob:`` the date of birth; the lookup adds the day/month swap (3/7 read as 7/3).
     This block alone catches a child whose names were misspelt, shortened or changed.
   - ``sy:`` the sound of the family name (metaphone) with the year and month of birth, for
     every part of a hyphenated or double-barrelled name and for the family names of
     aliases: catches a wrong day of birth. (With the year alone a common family name's
     block holds a hundred children; the month cuts it to under ten.)
   - ``dm:`` the sound of the family name with the day and month of birth, any year:
     catches a year misread together with a misspelt given name.
   - ``sg:`` the sound of the family name with the birth year and the given name: catches a
     wrong month (the issue's "phonetic surname with birth year", kept small by the given
     name).
   - ``pd:`` the postcode district with the birth year and the given name: catches a wrong
     day or month together with a changed family name. The district alone holds thousands
     of children; the year and the given name cut that to a handful.
   - ``nd:`` the postcode district with the given name and the sound of the family name,
     without any date: catches a wrong or missing date of birth.
   - ``nm:`` the given name with the sound of the family name, anywhere: catches a report
     with no date of birth. Looked up only for such a report, as it is large for common
     names; every known child is filed under it.
   - ``xd:`` the given name with the sound of the family name, for a known child with no
     date of birth only, and looked up for every report: such a child is otherwise found only
     in their own postcode district.
   - ``fd:`` and ``gd:`` the postcode district with the sound of the family name, and with
     the given name: looked up only for a report with no date of birth, where one of the
     names may be misspelt too.

   The birth year in ``sg:`` and ``pd:`` is looked up a year either side as well (a year
   misread), and every lookup is made again with the given and family names the other
   way round (`swapped_names`: police systems that keep "SURNAME, Forename" often send them
   so).

   A given name enters a key as its short-form groups (`nicknames`), so that "Jay" and
   "Jayden" meet, or as its sound when it is in no group.

   The index is only a dictionary from key to children, so the candidates for a person are
   exactly the children with ``query_keys(person) & candidate_keys(child)`` non-empty: a
   database table of `candidate_keys` gives the same blocks.

2. **Scoring** compares the reported person with each candidate, field by field. Every
   comparison adds a `Reason` (points and plain English), and the score is their sum, so a
   coordinator sees why a child was suggested. Twins are the hard case: same family name,
   date of birth and postcode; only the given name tells them apart, so a different given
   name costs more than all of the postcode and sex can give.

Bands (`BAND_THRESHOLDS`): a score of 80 or more is a **match** (the same child beyond
reasonable doubt: date of birth and both names agree, allowing for one spelling slip, a
short form, a swapped day and month or an added family name), 50 to 80 **possible** (a
person should look: the date of birth agrees but a name differs, as for a changed family
name, or the names agree but there is no date of birth), below 50 **none**. A twin (same
date of birth, family name and postcode, another given name) scores 55: possible, never a
match. Only the best candidate can be a match, and only when no other comes within
`AMBIGUOUS_MARGIN` points of it. A date of birth on 1 January or 1 July
(`ESTIMATE_DAYS`, the placeholder record systems give a date estimated from an age, and
often an unaccompanied child's assessed date of birth) within a year of the other counts a
little (`DOB_ESTIMATED`), as no date of birth would: possible at best. The names are scored
as written and the other way round (less `SWAPPED_NAMES`), and the better reading kept,
with a reason saying so. On the synthetic quality set (`homeward.police.quality`, 50,000
children and 10,000 reports) these give a precision of "match" above 0.995 and a recall
over match and possible above 0.99 (docs/police-intake.md).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import Final

import jellyfish
from rapidfuzz.distance import JaroWinkler

from homeward.police import nicknames
from homeward.police.format import Notification


class Band(StrEnum):
    MATCH = "match"
    POSSIBLE = "possible"
    NONE = "none"


#: The lowest score of each band; anything below "possible" is "none".
BAND_THRESHOLDS: Final[dict[Band, float]] = {Band.MATCH: 80.0, Band.POSSIBLE: 50.0}
#: A match is only called a match if no other candidate comes within this many points.
AMBIGUOUS_MARGIN: Final = 15.0
#: Jaro-Winkler similarity from which two names count as a close spelling.
CLOSE_SPELLING: Final = 0.88


@dataclass(frozen=True)
class Person:
    given_names: str
    family_name: str
    aliases: tuple[str, ...] = ()
    date_of_birth: date | None = None
    sex: str = "unknown"
    postcode: str = ""


@dataclass(frozen=True)
class Candidate:
    #: The child's database id.
    key: int
    person: Person

    @cached_property
    def _prepared(self) -> _Prepared:
        return _prepare(self.person)


@dataclass(frozen=True)
class Reason:
    points: float
    text: str


@dataclass(frozen=True)
class Scored:
    key: int
    score: float
    band: Band
    reasons: tuple[Reason, ...]


def person_from(n: Notification) -> Person:
    """The person a notification reports."""
    return Person(
        given_names=n.given_names,
        family_name=n.family_name,
        aliases=n.aliases,
        date_of_birth=n.date_of_birth,
        sex=n.sex.value,
        postcode=n.postcode,
    )


# --- normalising -------------------------------------------------------------------------------


@lru_cache(maxsize=65_536)
def _words(text: str) -> tuple[str, ...]:
    """Lower-case ASCII words of a name: accents dropped, apostrophes joined ("O'Neil" is
    "oneil"), hyphens and other marks split."""
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    kept = []
    for ch in decomposed:
        if ch.isascii() and ch.isalpha():
            kept.append(ch)
        elif ch in "'’`":
            continue
        elif not unicodedata.combining(ch):
            kept.append(" ")
    return tuple("".join(kept).split())


@lru_cache(maxsize=65_536)
def _sound(word: str) -> str:
    return jellyfish.metaphone(word) or word


@lru_cache(maxsize=65_536)
def _groups(word: str) -> frozenset[int]:
    return nicknames.groups_of(word)


def _equivalent(a: str, b: str) -> bool:
    """`nicknames.equivalent` for names already folded to lower-case letters."""
    return a == b or bool(_groups(a) & _groups(b))


@lru_cache(maxsize=65_536)
def _given_codes(word: str) -> tuple[str, ...]:
    """Blocking codes of a given name: its short-form groups, so that "Jay" and "Jayden" meet;
    its sound for a name in no group."""
    groups = _groups(word)
    if groups:
        return tuple(f"#{group}" for group in sorted(groups))
    return (_sound(word),)


def _postcode(text: str) -> str:
    return "".join(text.split()).upper()


def _district(postcode: str) -> str:
    """The outward code (the part before the space) of a normalised postcode."""
    return postcode[:-3] if len(postcode) >= 5 else ""


@dataclass(frozen=True, slots=True)
class _Prepared:
    given: str  # the first given name
    givens: frozenset[str]  # every given name, of the name and of aliases
    family: str  # the family name, parts joined by a space
    parts: frozenset[str]  # the parts of a hyphenated or double-barrelled family name
    alias_families: frozenset[str]  # family names from aliases (whole and parts)
    dob: date | None
    sex: str
    postcode: str
    district: str
    #: The given names and the family names as small numbers, for caches of comparisons.
    given_number: int
    family_number: int


#: Every distinct given name (with the other names known by) and family name (with its parts
#: and aliases' family names) met so far, numbered; and the points of the pairs already
#: compared, keyed by the two numbers packed in one int, which the garbage collector need not
#: track. Names repeat far more than people do, so these stay small and mostly hit.
_GIVEN_NUMBERS: dict[tuple[str, frozenset[str]], int] = {}
_FAMILY_NUMBERS: dict[tuple[str, frozenset[str], frozenset[str]], int] = {}
_GIVEN_POINTS: dict[int, float] = {}
_FAMILY_POINTS: dict[int, float] = {}
_POINTS_LIMIT: Final = 2_000_000


def _given_number(names: tuple[str, frozenset[str]]) -> int:
    number = _GIVEN_NUMBERS.get(names)
    if number is None:
        number = _GIVEN_NUMBERS.setdefault(names, len(_GIVEN_NUMBERS))
    return number


def _family_number(names: tuple[str, frozenset[str], frozenset[str]]) -> int:
    number = _FAMILY_NUMBERS.get(names)
    if number is None:
        number = _FAMILY_NUMBERS.setdefault(names, len(_FAMILY_NUMBERS))
    return number


def name_fields(person: Person) -> tuple[str, str]:
    """The given and family names, reading a whole name sent in the family name field as
    "SURNAME, Forenames" (police systems that keep names so send them in one field, the
    given names left blank)."""
    given, family = person.given_names, person.family_name
    if "," in family and not _words(given):
        family, _, given = family.partition(",")
        return given.strip(), family.strip()
    return given, family


@lru_cache(maxsize=262_144)
def _prepare(person: Person) -> _Prepared:
    given_text, family_text = name_fields(person)
    given_words = _words(given_text)
    family_words = _words(family_text)
    givens = set(given_words)
    alias_families: set[str] = set()
    for alias in person.aliases:
        words = _words(alias)
        if len(words) == 1:
            givens.add(words[0])
        elif len(words) > 1:
            givens.add(words[0])
            alias_families.add(" ".join(words[1:]))
            alias_families.update(words[1:])
    sex = person.sex if person.sex in ("female", "male") else "unknown"
    postcode = _postcode(person.postcode)
    given = given_words[0] if given_words else ""
    family = " ".join(family_words)
    given_key = (given, frozenset(givens))
    family_key = (family, frozenset(family_words), frozenset(alias_families))
    return _Prepared(
        given=given,
        givens=given_key[1],
        family=family,
        parts=family_key[1],
        alias_families=family_key[2],
        dob=person.date_of_birth,
        sex=sex,
        postcode=postcode,
        district=_district(postcode),
        given_number=_given_number(given_key),
        family_number=_family_number(family_key),
    )


# --- blocking ----------------------------------------------------------------------------------


def _swapped(born: date) -> date | None:
    if born.day > 12 or born.day == born.month:
        return None
    try:
        return born.replace(month=born.day, day=born.month)
    except ValueError:
        return None


def _keys(person: Person, *, lookup: bool) -> frozenset[str]:
    p = _prepare(person)
    keys: set[str] = set()
    family_sounds = {_sound(word) for word in p.parts | p.alias_families if " " not in word}
    given_codes = _given_codes(p.given) if p.given else ()
    if p.dob is not None:
        year = p.dob.year
        keys.add(f"dob:{p.dob.isoformat()}")
        if lookup:
            swapped = _swapped(p.dob)
            if swapped is not None:
                keys.add(f"dob:{swapped.isoformat()}")
        long_sounds = [sound for sound in family_sounds if len(sound) > 1]
        keys.update(f"sy:{sound}:{year}-{p.dob.month:02d}" for sound in long_sounds)
        # The surname's sound with the day and month of birth, whatever the year: a year
        # misread together with a misspelt given name.
        keys.update(f"dm:{sound}:{p.dob.month:02d}-{p.dob.day:02d}" for sound in long_sounds)
        # The year and given name keys are looked up a year either side too: a year misread
        # (2012 for 2011).
        years = (year - 1, year, year + 1) if lookup else (year,)
        # The surname's sound with the birth year (and the given name, to keep the block
        # small): a wrong day or month that is not a swap.
        keys.update(
            f"sg:{sound}:{y}:{code}"
            for sound in family_sounds
            for code in given_codes
            for y in years
        )
        if p.district:
            keys.update(f"pd:{p.district}:{y}:{code}" for code in given_codes for y in years)
    names = [f"{code}:{sound}" for code in given_codes for sound in family_sounds]
    if p.district:
        keys.update(f"nd:{p.district}:{name}" for name in names)
    if p.dob is None or not lookup:
        keys.update(f"nm:{name}" for name in names)
        # With no date of birth, one name may be misspelt too: the family name's sound in
        # the district, and the given name in it.
        if p.district:
            keys.update(f"fd:{p.district}:{sound}" for sound in family_sounds)
            keys.update(f"gd:{p.district}:{code}" for code in given_codes)
    # A known child with no date of birth is filed under their names alone, and every report
    # looks there: few children lack a date of birth, so the block stays small.
    if p.dob is None or lookup:
        keys.update(f"xd:{name}" for name in names)
    return frozenset(keys)


def candidate_keys(person: Person) -> frozenset[str]:
    """The blocking keys under which to file a known child."""
    return _keys(person, lookup=False)


def swapped_names(person: Person) -> Person | None:
    """The person with the given and family names the other way round, as police systems
    that keep "SURNAME, Forename" often send them (None when there is no second reading)."""
    given, family = person.given_names.strip(), person.family_name.strip()
    if not given or not family or _words(given) == _words(family):
        return None
    return Person(
        given_names=family,
        family_name=given,
        aliases=person.aliases,
        date_of_birth=person.date_of_birth,
        sex=person.sex,
        postcode=person.postcode,
    )


def query_keys(person: Person) -> frozenset[str]:
    """The blocking keys under which to look up a reported person: a known child's keys plus
    the date of birth with day and month swapped, the year of birth either side, and the
    names of children with no date of birth; the names without a date or a district only
    when the report has no date of birth. The same again for the names read the other way
    round (`swapped_names`)."""
    keys = _keys(person, lookup=True)
    swapped = swapped_names(person)
    if swapped is None:
        return keys
    # The other way round, only the keys that join both names (the date of birth is the
    # same either way, and a name alone in a district or a year makes large blocks).
    return keys | {k for k in _keys(swapped, lookup=True) if k[:3] in _BOTH_NAMES}


#: The blocking keys made of both names (and a date or a district): those looked up again
#: with the names the other way round.
_BOTH_NAMES: Final = frozenset({"sg:", "nd:", "nm:", "xd:"})


class CandidateIndex:
    """Known children filed under their blocking keys, in memory."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self._blocks: dict[str, list[Candidate]] = {}
        for candidate in candidates:
            self.add(candidate)

    def add(self, candidate: Candidate, keys: Iterable[str] | None = None) -> None:
        """File a child under `keys`: their `candidate_keys`, worked out unless given (a
        database keeps them, and reading them is cheaper than working them out again)."""
        for key in candidate_keys(candidate.person) if keys is None else keys:
            self._blocks.setdefault(key, []).append(candidate)

    def candidates(self, person: Person) -> list[Candidate]:
        """Every known child in a block the person's keys hit, each once."""
        blocks = self._blocks
        seen = {
            candidate.key: candidate
            for key in query_keys(person)
            for candidate in blocks.get(key, ())
        }
        return list(seen.values())


# --- scoring -----------------------------------------------------------------------------------

DOB_EXACT: Final = 40.0
DOB_SWAPPED: Final = 28.0
DOB_ONE_DIGIT: Final = 20.0
DOB_YEAR_OUT: Final = 20.0
DOB_SAME_YEAR: Final = -15.0
DOB_SWAPPED_YEAR_OUT: Final = 10.0
DOB_CONFLICT: Final = -30.0
#: One date of birth is an estimate's placeholder (`ESTIMATE_DAYS`) and the years are at
#: most one apart: little evidence, never enough for a match, as with no date of birth.
DOB_ESTIMATED: Final = 5.0
#: The (month, day) record systems fill in when a date of birth is estimated from an age:
#: 1 January (the commonest, and what unaccompanied children's assessed ages are often
#: given) and 1 July (the middle of the year).
ESTIMATE_DAYS: Final = frozenset({(1, 1), (7, 1)})
FAMILY_EXACT: Final = 25.0
FAMILY_ALIAS: Final = 20.0
FAMILY_PART: Final = 18.0
FAMILY_CLOSE: Final = 15.0
FAMILY_SOUND: Final = 12.0
FAMILY_DIFFERENT: Final = -10.0
GIVEN_EXACT: Final = 25.0
GIVEN_OTHER: Final = 20.0
GIVEN_SHORT_FORM: Final = 20.0
GIVEN_CLOSE: Final = 15.0
GIVEN_INITIAL: Final = 5.0
GIVEN_DIFFERENT: Final = -25.0
SEX_SAME: Final = 5.0
SEX_CONFLICT: Final = -30.0
POSTCODE_SAME: Final = 10.0
POSTCODE_DISTRICT: Final = 4.0


def _one_digit(x: int, y: int) -> bool:
    """Whether two different numbers differ in exactly one decimal digit (same width)."""
    differing = 0
    while x or y:
        differing += x % 10 != y % 10
        x, y = x // 10, y // 10
    return differing == 1


def _estimate(a: date, b: date) -> bool:
    """Whether one of two dates of birth may be an estimate's placeholder of the other: the
    years at most one apart and one of them on an `ESTIMATE_DAYS` day."""
    return abs(a.year - b.year) <= 1 and (
        (a.month, a.day) in ESTIMATE_DAYS or (b.month, b.day) in ESTIMATE_DAYS
    )


def _dob_points(a: date, b: date) -> float:
    """The points of two different dates of birth (at least `DOB_ESTIMATED` when one may be
    an estimate of the other)."""
    points = _exact_dob_points(a, b)
    if points < DOB_ESTIMATED and _estimate(a, b):
        return DOB_ESTIMATED
    return points


def _exact_dob_points(a: date, b: date) -> float:
    same = (a.year == b.year) + (a.month == b.month) + (a.day == b.day)
    if same == 2:
        if a.year != b.year:
            if _one_digit(a.year, b.year):
                return DOB_ONE_DIGIT
            return DOB_YEAR_OUT if abs(a.year - b.year) == 1 else DOB_CONFLICT
        if a.month != b.month:
            return DOB_ONE_DIGIT if _one_digit(a.month, b.month) else DOB_SAME_YEAR
        return DOB_ONE_DIGIT if _one_digit(a.day, b.day) else DOB_SAME_YEAR
    swapped = a.month == b.day and a.day == b.month
    if a.year != b.year:
        return DOB_SWAPPED_YEAR_OUT if swapped and abs(a.year - b.year) == 1 else DOB_CONFLICT
    if swapped:
        return DOB_SWAPPED
    return DOB_SAME_YEAR


def _dob(a: date | None, b: date | None) -> tuple[float, str]:
    if a is None or b is None:
        return 0.0, "no date of birth to compare"
    if a == b:
        return DOB_EXACT, "same date of birth"
    points = _dob_points(a, b)
    text_a, text_b = a.isoformat(), b.isoformat()
    if points == DOB_ESTIMATED:
        estimate, other = (a, text_b) if (a.month, a.day) in ESTIMATE_DAYS else (b, text_a)
        return points, (
            f"date of birth {estimate.isoformat()} may be an estimate (a placeholder day and "
            f"month); {other} is within a year of it"
        )
    if points == DOB_SWAPPED:
        return points, f"date of birth {text_a} is {text_b} with day and month swapped"
    if (
        points == DOB_ONE_DIGIT
        and abs(a.year - b.year) == 1
        and (a.month, a.day) == (b.month, b.day)
    ):
        return points, f"date of birth {text_a} is {text_b} a year out"
    if points == DOB_ONE_DIGIT:
        return points, f"date of birth {text_a} differs from {text_b} by one digit"
    if points == DOB_SWAPPED_YEAR_OUT:
        return points, f"date of birth {text_a} is {text_b} a year out, day and month swapped"
    if points == DOB_SAME_YEAR:
        return points, f"same year of birth only ({text_a} and {text_b})"
    return points, f"different date of birth ({text_a} and {text_b})"


def _close(a: str, b: str) -> bool:
    return JaroWinkler.similarity(a, b) >= CLOSE_SPELLING


@lru_cache(maxsize=262_144)
def _given(
    given: str, givens: frozenset[str], c_given: str, c_givens: frozenset[str]
) -> tuple[float, str]:
    if not given or not c_given:
        return 0.0, "no given name to compare"
    shown, c_shown = given.title(), c_given.title()
    if given == c_given:
        return GIVEN_EXACT, f"same given name {shown}"
    if _equivalent(given, c_given):
        return GIVEN_SHORT_FORM, f"given name {shown} is a short form or variant of {c_shown}"
    if given in c_givens or c_given in givens:
        return GIVEN_OTHER, f"given name {shown} is one of the names {c_shown} is known by"
    if len(given) > 1 and len(c_given) > 1 and _close(given, c_given):
        return GIVEN_CLOSE, f"given name {shown} is a close spelling of {c_shown}"
    if len(given) > 2 and _sound(given) == _sound(c_given):
        return GIVEN_CLOSE, f"given name {shown} sounds like {c_shown}"
    if (len(given) == 1 or len(c_given) == 1) and given[0] == c_given[0]:
        return GIVEN_INITIAL, f"given name {shown} matches only as an initial of {c_shown}"
    for other in givens:
        for c_other in c_givens:
            if _equivalent(other, c_other):
                return GIVEN_OTHER, (
                    f"given name {shown} differs from {c_shown}, but {other.title()} "
                    f"and {c_other.title()} agree"
                )
    return GIVEN_DIFFERENT, f"different given name ({shown} and {c_shown})"


@lru_cache(maxsize=262_144)
def _family(
    family: str,
    parts: frozenset[str],
    aliases: frozenset[str],
    c_family: str,
    c_parts: frozenset[str],
    c_aliases: frozenset[str],
) -> tuple[float, str]:
    if not family or not c_family:
        return 0.0, "no family name to compare"
    shown, c_shown = family.title(), c_family.title()
    if family == c_family:
        return FAMILY_EXACT, f"same family name {shown}"
    if family in c_aliases or c_family in aliases:
        return FAMILY_ALIAS, f"family name {shown} is an alias of {c_shown}"
    shared = parts & c_parts
    if shared:
        part = sorted(shared)[0].title()
        return FAMILY_PART, f"family names {shown} and {c_shown} share {part}"
    if parts & c_aliases or c_parts & aliases:
        return FAMILY_ALIAS, f"family name {shown} shares a part with an alias of {c_shown}"
    if _close(family, c_family):
        return FAMILY_CLOSE, f"family name {shown} is a close spelling of {c_shown}"
    if _sound(family.replace(" ", "")) == _sound(c_family.replace(" ", "")):
        return FAMILY_SOUND, f"family name {shown} sounds like {c_shown}"
    return FAMILY_DIFFERENT, f"different family name ({shown} and {c_shown}): a change of name?"


def _sex(a: str, b: str) -> tuple[float, str] | None:
    if a == "unknown" or b == "unknown":
        return None
    if a == b:
        return SEX_SAME, f"same sex ({a})"
    return SEX_CONFLICT, f"different sex ({a} and {b})"


def _postcode_reason(a: str, b: str) -> tuple[float, str] | None:
    if not a or not b:
        return None
    if a == b:
        return POSTCODE_SAME, f"same postcode {a[:-3]} {a[-3:]}"
    if _district(a) and _district(a) == _district(b):
        return POSTCODE_DISTRICT, f"same postcode district {_district(a)}"
    return None


#: What reading the names the other way round costs: the report as written wins a tie.
SWAPPED_NAMES: Final = -5.0


def _names(p: _Prepared, c: _Prepared) -> list[tuple[float, str]]:
    return [
        _family(p.family, p.parts, p.alias_families, c.family, c.parts, c.alias_families),
        _given(p.given, p.givens, c.given, c.givens),
    ]


def _reasons(p: _Prepared, c: _Prepared, q: _Prepared | None = None) -> list[tuple[float, str]]:
    """The reasons, field by field; `q` is the report with its names the other way round,
    taken instead when it explains the names better."""
    names = _names(p, c)
    if q is not None:
        other = _names(q, c)
        if sum(n for n, _ in other) + SWAPPED_NAMES > sum(n for n, _ in names):
            names = [
                (SWAPPED_NAMES, "the given and family names are the other way round in the report"),
                *other,
            ]
    reasons = [_dob(p.dob, c.dob), *names]
    sex = _sex(p.sex, c.sex)
    if sex is not None:
        reasons.append(sex)
    postcode = _postcode_reason(p.postcode, c.postcode)
    if postcode is not None:
        reasons.append(postcode)
    return reasons


#: The most the names, sex and postcode can add to the date of birth's points.
_MOST_BESIDES_DOB: Final = FAMILY_EXACT + GIVEN_EXACT + SEX_SAME + POSTCODE_SAME


def _given_points(p: _Prepared, c: _Prepared) -> float:
    pair = (p.given_number << 32) | c.given_number
    points = _GIVEN_POINTS.get(pair)
    if points is None:
        if len(_GIVEN_POINTS) >= _POINTS_LIMIT:
            _GIVEN_POINTS.clear()
        points = _GIVEN_POINTS[pair] = _given(p.given, p.givens, c.given, c.givens)[0]
    return points


def _family_points(p: _Prepared, c: _Prepared) -> float:
    pair = (p.family_number << 32) | c.family_number
    points = _FAMILY_POINTS.get(pair)
    if points is None:
        if len(_FAMILY_POINTS) >= _POINTS_LIMIT:
            _FAMILY_POINTS.clear()
        points = _FAMILY_POINTS[pair] = _family(
            p.family, p.parts, p.alias_families, c.family, c.parts, c.alias_families
        )[0]
    return points


def _sift(
    p: _Prepared, candidates: Iterable[Candidate], floor: float, q: _Prepared | None = None
) -> list[tuple[float, int, Candidate]]:
    """The candidates scoring at least `floor`, with their scores, without the words.

    The date of birth is compared first: a candidate born in another year and on another
    day cannot reach "possible" whatever the names, and most candidates are such.
    """
    born = p.dob
    sex, postcode, district = p.sex, p.postcode, p.district
    hopeless = floor > DOB_CONFLICT + _MOST_BESIDES_DOB
    given_points, my_given = _GIVEN_POINTS, p.given_number << 32
    family_points, my_family = _FAMILY_POINTS, p.family_number << 32
    kept = []
    for candidate in candidates:
        c = candidate._prepared
        other = c.dob
        if born is None or other is None:
            total = 0.0
        elif born == other:
            total = DOB_EXACT
        else:
            if (
                hopeless
                and born.year != other.year
                and (born.month != other.month or born.day != other.day)
                and (born.month != other.day or born.day != other.month)
                and not _estimate(born, other)
            ):
                continue
            total = _dob_points(born, other)
            if total + _MOST_BESIDES_DOB < floor:
                continue
        points = given_points.get(my_given | c.given_number)
        names = _given_points(p, c) if points is None else points
        points = family_points.get(my_family | c.family_number)
        names += _family_points(p, c) if points is None else points
        if q is not None and names < GIVEN_EXACT + FAMILY_EXACT + SWAPPED_NAMES:
            names = max(names, _given_points(q, c) + _family_points(q, c) + SWAPPED_NAMES)
        total += names
        if sex != "unknown" and c.sex != "unknown":
            total += SEX_SAME if sex == c.sex else SEX_CONFLICT
        if postcode and c.postcode:
            if postcode == c.postcode:
                total += POSTCODE_SAME
            elif district and district == c.district:
                total += POSTCODE_DISTRICT
        if total >= floor:
            kept.append((-total, candidate.key, candidate))
    return kept


def _swapped_prepared(person: Person) -> _Prepared | None:
    swapped = swapped_names(person)
    return _prepare(swapped) if swapped is not None else None


def band_of(score: float) -> Band:
    if score >= BAND_THRESHOLDS[Band.MATCH]:
        return Band.MATCH
    if score >= BAND_THRESHOLDS[Band.POSSIBLE]:
        return Band.POSSIBLE
    return Band.NONE


def score(person: Person, candidate: Candidate) -> Scored:
    """Compare a reported person with one known child, with the reasons."""
    reasons = tuple(
        Reason(points, text)
        for points, text in _reasons(
            _prepare(person), _prepare(candidate.person), _swapped_prepared(person)
        )
    )
    total = sum(reason.points for reason in reasons)
    return Scored(key=candidate.key, score=total, band=band_of(total), reasons=reasons)


def rank(person: Person, candidates: Iterable[Candidate], *, limit: int = 5) -> list[Scored]:
    """The candidates in band match or possible, best first, at most `limit`.

    A match is downgraded to possible when another candidate scores within
    `AMBIGUOUS_MARGIN` of it: two children that alike need a person to choose.
    """
    kept = _sift(
        _prepare(person), candidates, BAND_THRESHOLDS[Band.POSSIBLE], _swapped_prepared(person)
    )
    kept.sort(key=lambda item: (item[0], item[1]))
    results = [score(person, candidate) for _minus, _key, candidate in kept[:limit]]
    if not results:
        return results
    best = results[0]
    ambiguous = len(results) > 1 and best.score - results[1].score < AMBIGUOUS_MARGIN
    downgraded = []
    for position, result in enumerate(results):
        if result.band != Band.MATCH or (position == 0 and not ambiguous):
            downgraded.append(result)
            continue
        other = results[1] if position == 0 else best
        if position == 0:
            text = (
                f"not called a match: child {other.key} scores {other.score:g}, within "
                f"{AMBIGUOUS_MARGIN:g} points"
            )
        else:
            text = f"not called a match: child {other.key} scores higher ({other.score:g})"
        note = Reason(0.0, text)
        downgraded.append(Scored(result.key, result.score, Band.POSSIBLE, (*result.reasons, note)))
    return downgraded
