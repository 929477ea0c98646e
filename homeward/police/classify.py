"""homeward's own reading of a police notification, and the places where the police codes and
the content disagree.

The police codes (category, risk grade, child flag, missing from home or care) decide what
happens next, so a wrong code can hide a child at risk: a child recorded without a child
flag, a child coded "absent" whose circumstances describe exploitation, a child coded
missing from home whose address is a children's home. `classify` reads the content
independently of the codes and lists every disagreement as a `Concern` for a coordinator,
in plain English and naming the evidence.

The rule of thumb is caution: a report reaches a person (`for_a_person`) unless it is clearly
about an adult and nothing in it is contradictory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from homeward.formats.dates import day_text
from homeward.police import risk_words
from homeward.police.format import (
    CARE_PLACEMENTS,
    LOW_RISK_GRADES,
    RISK_FACTOR_LABELS,
    Category,
    MissingFrom,
    Notification,
    PlacementType,
    RiskFactor,
    RiskGrade,
)

UK: Final = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Concern:
    """A possible miscoding: the codes say one thing and the content another."""

    #: Stable code (see the module constants).
    code: str
    #: Plain English for a coordinator, naming the evidence.
    message: str


class Kind(StrEnum):
    MISSING = "missing"
    ABSENT = "absent"
    NO_APPARENT_RISK = "no_apparent_risk"
    VERY_LOW = "very_low"


class AuthorityRole(StrEnum):
    #: This authority is responsible for the child (its own child, wherever placed).
    RESPONSIBLE = "responsible"
    #: Another authority is responsible: a child placed here from out of area.
    HOST = "host"
    #: No responsible authority given, and the child is in care: a person must find out.
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Classification:
    #: Whole years on the UK date of `reported_at`; None without a date of birth.
    age_at_report: int | None
    #: Under 18 on the reported date, by date of birth only; None without a date of birth.
    is_child: bool | None
    kind: Kind
    #: homeward's reading of where the person went missing from; None if nothing says.
    missing_from: MissingFrom | None
    authority_role: AuthorityRole
    #: Possible miscodings, empty when the codes and the content agree.
    concerns: tuple[Concern, ...]
    #: False only for a report clearly about an adult, with no concern.
    for_a_person: bool
    #: 18 to 24 on the reported date: an adult, but one the authority may still owe duties
    #: to as a care leaver (to 25), to be matched against the children it knows.
    young_adult: bool = False


ADULT_FLAG_CHILD_DOB: Final = "adult_flag_child_dob"
CHILD_FLAG_ADULT_DOB: Final = "child_flag_adult_dob"
#: No longer raised (a report with no date of birth is for a person, not a miscoding); kept
#: so reports stored before 7 December 2026 with this concern still show it in words.
NO_DATE_OF_BIRTH: Final = "no_date_of_birth"
ABSENT_WITH_RISK: Final = "absent_with_risk"
CARE_ADDRESS_FROM_HOME: Final = "care_address_from_home"
HOME_PLACEMENT_FROM_CARE: Final = "home_placement_from_care"
TURNED_18_WHILE_MISSING: Final = "turned_18_while_missing"
TIMES_OUT_OF_ORDER: Final = "times_out_of_order"

#: Each concern in words, for lists that name it without its whole message.
CONCERN_LABELS: Final = {
    ADULT_FLAG_CHILD_DOB: "Not flagged as a child, but a child by the date of birth",
    CHILD_FLAG_ADULT_DOB: "Flagged as a child, but an adult by the date of birth",
    NO_DATE_OF_BIRTH: "No date of birth",
    TURNED_18_WHILE_MISSING: "A child when they went missing, an adult when reported",
    ABSENT_WITH_RISK: "Coded absent or no apparent risk, with signs of risk",
    CARE_ADDRESS_FROM_HOME: "Missing from home, but a care placement's address",
    HOME_PLACEMENT_FROM_CARE: "Missing from care, but a family home",
    TIMES_OUT_OF_ORDER: "The times are out of order",
}

#: Every concern code, in the order `classify` lists them.
CONCERN_CODES: Final = (
    ADULT_FLAG_CHILD_DOB,
    CHILD_FLAG_ADULT_DOB,
    NO_DATE_OF_BIRTH,
    TURNED_18_WHILE_MISSING,
    ABSENT_WITH_RISK,
    CARE_ADDRESS_FROM_HOME,
    HOME_PLACEMENT_FROM_CARE,
    TIMES_OUT_OF_ORDER,
)

ADULT_AGE: Final = 18
#: The age up to which (not including) an authority keeps duties to its care leavers: a
#: personal adviser to 25 (Children and Social Work Act 2017, section 3).
CARE_LEAVER_UNTIL: Final = 25

#: Risk factors that are exploitation on their own.
EXPLOITATION_FACTORS: Final = frozenset(
    {
        RiskFactor.CSE,
        RiskFactor.CCE,
        RiskFactor.COUNTY_LINES,
        RiskFactor.TRAFFICKING,
        RiskFactor.GANG,
    }
)

#: Wording in an address or placement that reads as a care placement.
CARE_WORDING: Final[tuple[tuple[str, str], ...]] = (
    ("children's home", r"\bchild(?:ren)?['’]?s?\s+home\b"),
    ("care home", r"\bcare\s+home\b"),
    ("residential", r"\bresidential\s+(?:home|unit|school|placement|care|setting|provision)\b"),
    (
        "foster",
        r"\bfoster(?:ing|ed)?\s+(?:carers?|care|home|placement|parents?|family|mum|dad)\b"
        r"|\bfostering\b",
    ),
    ("supported accommodation", r"\bsupported\s+(?:accommodation|living|housing)\b"),
    ("supported lodgings", r"\bsupported\s+lodgings?\b"),
    ("semi-independent", r"\bsemi[\s-]*independen\w*"),
    ("leaving care", r"\bleaving\s+care\b|\bcare\s+leavers?\b"),
)
_CARE_RE: Final = tuple(
    (label, re.compile(pattern, re.IGNORECASE)) for label, pattern in CARE_WORDING
)

HOME_PLACEMENTS: Final = frozenset({PlacementType.HOME, PlacementType.PLACED_WITH_PARENTS})


def age_on(born: date, on: date) -> int:
    """Whole years from `born` to `on`. Someone born on 29 February has their birthday on
    1 March in other years."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def uk_date(moment: datetime) -> date:
    """The UK calendar date of a moment (a naive moment is taken as UK time already)."""
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(UK).date()


def normalise_postcode(postcode: str) -> str:
    return "".join(postcode.split()).upper()


def risk_wording(text: str, *, ignore: frozenset[str] = frozenset()) -> list[str]:
    """The risk wording found in `text` and counted (not negated), as the words found,
    lower case, each once, in order (`homeward.police.risk_words`)."""
    return _counted_words(risk_words.read(text, ignore=ignore))


def _counted_words(reading: risk_words.Reading) -> list[str]:
    found: list[str] = []
    for mention in reading.counted:
        words = mention.words.lower()
        if words not in found:
            found.append(words)
    return found


def care_wording(text: str) -> list[str]:
    """The care-placement wording found in `text`, as the words found."""
    found: list[str] = []
    for _label, pattern in _CARE_RE:
        for hit in pattern.finditer(text):
            words = " ".join(hit.group(0).split())
            if words not in found:
                found.append(words)
    return found


def _quoted(words: list[str]) -> str:
    quoted = [f'"{word}"' for word in words]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


#: The low risk grades in the words a concern uses.
_LOW_GRADE_WORDS: Final = {
    RiskGrade.VERY_LOW: "very low risk",
    RiskGrade.NO_APPARENT_RISK: "no apparent risk",
    RiskGrade.ABSENT: "absent (as its risk grade)",
}


def _label(code: str) -> str:
    return code.replace("_", " ")


_POSTCODE_IN_TEXT: Final = re.compile(r"\b([A-Z][A-Z0-9]{1,3})\s*([0-9][A-Z]{2})\b", re.IGNORECASE)


def _first_line(address: str) -> str:
    return address.split(",")[0].split("\n")[0].strip()


def address_premise(text: str) -> str:
    """The first line of an address (the house number and street, or the house's name),
    folded to compare: lower case, letters and digits only, single spaces."""
    first = _POSTCODE_IN_TEXT.sub(" ", _first_line(text))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", first.casefold()).split())


def postcode_of(address: str, postcode: str) -> str:
    """The postcode, normalised: the field's, or else one written in the address."""
    if postcode.strip():
        return normalise_postcode(postcode)
    found = _POSTCODE_IN_TEXT.search(address)
    return normalise_postcode(found.group(1) + found.group(2)) if found else ""


def care_address_of(address: str, postcode: str, care_addresses: frozenset[tuple[str, str]]) -> str:
    """The address as written (first line and postcode) when it is a care placement's: the
    same postcode (the field's, or one in the address) and the same first line as a looked-
    after child's placement address. A shared postcode alone is not enough: a family home
    can share one with a placement. "" when it is not."""
    premise = address_premise(address)
    code = postcode_of(address, postcode)
    if not premise or not code:
        return ""
    for care_postcode, care_address in care_addresses:
        if normalise_postcode(care_postcode) == code and address_premise(care_address) == premise:
            return f"{_first_line(address)}, {code[:-3]} {code[-3:]}"
    return ""


def classify(
    n: Notification,
    *,
    home_authority: str,
    care_addresses: frozenset[tuple[str, str]] = frozenset(),
    risk_ignore: frozenset[str] = frozenset(),
) -> Classification:
    """Read a notification: age, kind, where from, whose child, and possible miscodings.

    `home_authority` is the GSS code of the authority reading the report; `care_addresses`
    the (postcode, address) of the placements of looked-after children it knows, at this
    notification's postcodes (`care_address_of`); `risk_ignore` the families of the risk
    vocabulary the authority leaves out (`risk_words`).

    A report with no date of birth is not a possible miscoding (nothing in it contradicts
    its codes): its age is unknown, and it reaches a person, who finds it from the child it
    is matched to.
    """
    reported_on = uk_date(n.reported_at)
    age = age_on(n.date_of_birth, reported_on) if n.date_of_birth is not None else None
    if age is not None and age < 0:
        # Born after being reported: each notification was checked on its own, but a later
        # one moved the report's date before the date of birth an earlier one gave. The age
        # is unknown (the times contradict each other, below).
        age = None
    is_child = None if age is None else age < ADULT_AGE

    if n.category == Category.ABSENT or n.risk_grade == RiskGrade.ABSENT:
        kind = Kind.ABSENT
    elif n.risk_grade == RiskGrade.NO_APPARENT_RISK:
        kind = Kind.NO_APPARENT_RISK
    elif n.risk_grade == RiskGrade.VERY_LOW:
        kind = Kind.VERY_LOW
    else:
        kind = Kind.MISSING

    placement = n.placement_type
    missing_from: MissingFrom | None
    if placement in CARE_PLACEMENTS or n.missing_from == MissingFrom.CARE:
        missing_from = MissingFrom.CARE
    elif placement in HOME_PLACEMENTS or n.missing_from == MissingFrom.HOME:
        missing_from = MissingFrom.HOME
    else:
        missing_from = None

    responsible = n.responsible_authority.strip().upper()
    if responsible:
        role = (
            AuthorityRole.RESPONSIBLE
            if responsible == home_authority.strip().upper()
            else AuthorityRole.HOST
        )
    elif missing_from == MissingFrom.CARE:
        role = AuthorityRole.UNKNOWN
    else:
        role = AuthorityRole.RESPONSIBLE

    concerns: list[Concern] = []
    born = n.date_of_birth
    if born is None:
        pass  # the age is unknown: for a person (`for_a_person`), not a miscoding
    elif is_child and n.child_flag is False:
        concerns.append(
            Concern(
                ADULT_FLAG_CHILD_DOB,
                f"Recorded without a child flag, but the date of birth ({day_text(born)}) "
                f"makes them {age} on {day_text(reported_on)}: a child.",
            )
        )
    elif is_child is False and n.child_flag is True:
        concerns.append(
            Concern(
                CHILD_FLAG_ADULT_DOB,
                f"Flagged as a child, but the date of birth ({day_text(born)}) makes them "
                f"{age} on {day_text(reported_on)}: is the date of birth wrong?",
            )
        )
    if born is not None and is_child is False and n.last_seen_at is not None:
        seen_on = uk_date(n.last_seen_at)
        if age_on(born, seen_on) < ADULT_AGE:
            concerns.append(
                Concern(
                    TURNED_18_WHILE_MISSING,
                    f"Last seen on {day_text(seen_on)}, aged {age_on(born, seen_on)}: a "
                    f"child when they went missing, though {age} when reported.",
                )
            )

    low_coded = n.category == Category.ABSENT or n.risk_grade in LOW_RISK_GRADES
    if low_coded:
        evidence: list[str] = []
        reading = risk_words.read(n.circumstances, ignore=risk_ignore)
        if reading.counted:
            words = _counted_words(reading)
            labels = [f.label for f in risk_words.FAMILIES if f.code in reading.families]
            evidence.append(f"the circumstances mention {_quoted(words)} ({'; '.join(labels)})")
        factors = [
            RISK_FACTOR_LABELS[f].lower() for f in n.risk_factors if f in EXPLOITATION_FACTORS
        ]
        if factors:
            evidence.append(f"the risk factors include {_quoted(factors)}")
        if n.category == Category.ABSENT and n.risk_grade in (RiskGrade.MEDIUM, RiskGrade.HIGH):
            evidence.append(f"the risk grade is {_label(n.risk_grade.value)}")
        if evidence:
            coded = []
            if n.category == Category.ABSENT:
                coded.append("absent")
            if n.risk_grade in LOW_RISK_GRADES:
                coded.append(_LOW_GRADE_WORDS[n.risk_grade])
            aside = ""
            if reading.set_aside:
                shown = [f'"{m.words}" ("{m.set_aside}")' for m in reading.set_aside]
                aside = f" Not counted, as the report says they are absent: {', '.join(shown)}."
            concerns.append(
                Concern(
                    ABSENT_WITH_RISK,
                    f"Coded {' and '.join(coded)}, but {'; '.join(evidence)}.{aside}"
                    f" (Risk vocabulary {reading.version}.)",
                )
            )

    if n.missing_from != MissingFrom.CARE:
        care_evidence: list[str] = []
        if n.missing_from == MissingFrom.HOME and placement in CARE_PLACEMENTS:
            care_evidence.append(f"the placement type is {_label(placement.value)}")
        for name, text in (
            ("address", n.address),
            ("placement name", n.placement_name),
            ("placement address", n.placement_address),
        ):
            found = care_wording(text)
            if found:
                care_evidence.append(f"the {name} mentions {_quoted(found)}")
        for name, address, postcode in (
            ("address", n.address, n.postcode),
            ("placement address", n.placement_address, n.placement_postcode),
        ):
            place = care_address_of(address, postcode, care_addresses)
            if place:
                care_evidence.append(
                    f"the {name} ({place}) is where a looked-after child is placed"
                )
        # Not coded at all but placed in care: homeward already reads it as care.
        already_care = n.missing_from is None and placement in CARE_PLACEMENTS
        if care_evidence and not already_care:
            coded_as = (
                "Coded missing from home"
                if n.missing_from == MissingFrom.HOME
                else "Not coded as missing from care"
            )
            concerns.append(
                Concern(CARE_ADDRESS_FROM_HOME, f"{coded_as}, but {'; '.join(care_evidence)}.")
            )

    if n.missing_from == MissingFrom.CARE and placement == PlacementType.HOME:
        concerns.append(
            Concern(
                HOME_PLACEMENT_FROM_CARE,
                "Coded missing from care, but the placement type is the family home.",
            )
        )

    order = []
    if n.found_at is not None and n.last_seen_at is not None and n.found_at < n.last_seen_at:
        order.append("found before last seen")
    if n.last_seen_at is not None and n.last_seen_at > n.reported_at:
        order.append("last seen after being reported")
    if n.date_of_birth is not None and n.date_of_birth > reported_on:
        order.append("born after being reported")
    if order:
        concerns.append(
            Concern(
                TIMES_OUT_OF_ORDER,
                f"The notifications' times contradict each other ({'; '.join(order)}): "
                "check them with the force.",
            )
        )

    return Classification(
        age_at_report=age,
        is_child=is_child,
        kind=kind,
        missing_from=missing_from,
        authority_role=role,
        concerns=tuple(concerns),
        for_a_person=not (is_child is False and not concerns),
        young_adult=age is not None and ADULT_AGE <= age < CARE_LEAVER_UNTIL,
    )


# --- routing: who the report is about, once matched ------------------------------------------


class Route(StrEnum):
    """Who a report is about, as the queue routes it (`route`)."""

    #: A child (by the report's date of birth, or by the record of the child it matches).
    CHILD = "child"
    #: An adult of 18 to 24 matching a child the authority looked after (or a care leaver).
    CARE_LEAVER = "care_leaver"
    #: An adult of 18 to 24 matching a child the authority knew but did not look after.
    KNOWN_CHILD = "known_child"
    #: No date of birth and no certain match: a person works the age out.
    AGE_UNKNOWN = "age_unknown"
    #: An adult by the date of birth, but with a possible miscoding: a person checks.
    CHECK = "check"
    #: An adult the authority does not know: filed, not queued.
    ADULT = "adult"


@dataclass(frozen=True)
class KnownPerson:
    """The child a report's best suggestion names, as the authority records them."""

    date_of_birth: date | None
    #: Looked after, or a care leaver, in the authority's records.
    cared: bool
    #: The suggestion is in the "match" band (the same person beyond reasonable doubt), not
    #: only "possible".
    certain: bool


def route(cls: Classification, reported_on: date, known: KnownPerson | None) -> Route:
    """Who the report is about, for the queue.

    A certain match's own date of birth (the authority's record) decides the age over the
    report's: a child of 17 reported with a year of birth out is still a child, and a care
    leaver of 18 reported a year younger is a care leaver. Otherwise the report's date of
    birth decides: a child; an adult of 18 to 24 matching (or possibly matching) a known
    child is a care leaver, or known as a child; no date of birth is "age unknown" (for a
    person, never a miscoding); an adult with a possible miscoding is checked by a person;
    any other adult is filed."""
    if known is not None and known.certain and known.date_of_birth is not None:
        age = age_on(known.date_of_birth, reported_on)
        if age < ADULT_AGE:
            return Route.CHILD
        if age < CARE_LEAVER_UNTIL:
            return Route.CARE_LEAVER if known.cared else Route.KNOWN_CHILD
    if cls.is_child:
        return Route.CHILD
    if cls.is_child is None:
        return Route.AGE_UNKNOWN
    if cls.young_adult and known is not None:
        return Route.CARE_LEAVER if known.cared else Route.KNOWN_CHILD
    if cls.for_a_person:
        return Route.CHECK
    return Route.ADULT
