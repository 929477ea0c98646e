"""The police notification format: one flat record per notification, the same fields in JSON,
CSV and XLSX.

`FIELDS` is the single definition. The parsers (`parse.py`), the JSON Schema served with the
API's OpenAPI document (`schema.py`) and the published description (docs/police-notifications.md)
are all derived from it, and a test keeps the documentation in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Final


class NotificationType(StrEnum):
    REPORTED_MISSING = "reported_missing"
    UPDATE = "update"
    FOUND = "found"
    CLOSED = "closed"


class Category(StrEnum):
    """The police category. "absent" is the older category that forces no longer use."""

    MISSING = "missing"
    ABSENT = "absent"


class RiskGrade(StrEnum):
    """Police risk grades, a versioned code list (`RISK_GRADE_CODES_VERSION`): the College
    of Policing's risk assessment as forces use it now, from very low to high, and the
    earlier grades some forces still send (`RISK_GRADE_SCALES` says which is which)."""

    VERY_LOW = "very_low"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    NO_APPARENT_RISK = "no_apparent_risk"
    ABSENT = "absent"


#: The version of the risk grade code list: a new code makes a new version.
RISK_GRADE_CODES_VERSION: Final = "2026-12-07"
#: The scale each risk grade belongs to: "current", the College of Policing's risk
#: assessment (very low, low, medium, high); "earlier", grades from the earlier guidance
#: that some forces still send ("no apparent risk", and "absent" sent as a grade).
RISK_GRADE_SCALES: Final[dict[RiskGrade, str]] = {
    RiskGrade.VERY_LOW: "current",
    RiskGrade.LOW: "current",
    RiskGrade.MEDIUM: "current",
    RiskGrade.HIGH: "current",
    RiskGrade.NO_APPARENT_RISK: "earlier",
    RiskGrade.ABSENT: "earlier",
}
#: The grades that say the police see little or no risk: a report graded so, with signs of
#: risk in it, is a possible miscoding.
LOW_RISK_GRADES: Final = frozenset(
    {RiskGrade.VERY_LOW, RiskGrade.NO_APPARENT_RISK, RiskGrade.ABSENT}
)


class MissingFrom(StrEnum):
    HOME = "home"
    CARE = "care"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    UNKNOWN = "unknown"


class PlacementType(StrEnum):
    """Where the person lives: their family home or a kind of care placement."""

    HOME = "home"
    FOSTER = "foster"
    CHILDRENS_HOME = "childrens_home"
    SEMI_INDEPENDENT = "semi_independent"
    RESIDENTIAL_SCHOOL = "residential_school"
    PLACED_WITH_PARENTS = "placed_with_parents"
    SECURE = "secure"
    OTHER = "other"


#: Placement types that are care (looked after), as opposed to the family home.
CARE_PLACEMENTS: Final = frozenset(
    {
        PlacementType.FOSTER,
        PlacementType.CHILDRENS_HOME,
        PlacementType.SEMI_INDEPENDENT,
        PlacementType.RESIDENTIAL_SCHOOL,
        PlacementType.SECURE,
    }
)


class RiskFactor(StrEnum):
    """Exploitation and other risk flags the police attach to a report."""

    CSE = "cse"
    CCE = "cce"
    COUNTY_LINES = "county_lines"
    TRAFFICKING = "trafficking"
    GANG = "gang"
    SELF_HARM = "self_harm"
    MENTAL_HEALTH = "mental_health"
    DRUGS_ALCOHOL = "drugs_alcohol"
    DOMESTIC_ABUSE = "domestic_abuse"
    UNKNOWN_ADULTS = "unknown_adults"
    OTHER = "other"


#: Each risk factor in words, for what a person reads.
RISK_FACTOR_LABELS: Final = {
    RiskFactor.CSE: "Child sexual exploitation",
    RiskFactor.CCE: "Child criminal exploitation",
    RiskFactor.COUNTY_LINES: "County lines",
    RiskFactor.TRAFFICKING: "Trafficking",
    RiskFactor.GANG: "Gang involvement",
    RiskFactor.SELF_HARM: "Self-harm",
    RiskFactor.MENTAL_HEALTH: "Mental health",
    RiskFactor.DRUGS_ALCOHOL: "Drugs or alcohol",
    RiskFactor.DOMESTIC_ABUSE: "Domestic abuse",
    RiskFactor.UNKNOWN_ADULTS: "Unknown adults",
    RiskFactor.OTHER: "Other",
}


@dataclass(frozen=True)
class Field:
    """One field of the format."""

    name: str
    #: text, date, datetime, choice, list (of text), choices (list of codes) or bool
    kind: str
    description: str
    example: str
    required: bool = False
    #: For choice and choices fields: the allowed codes.
    choices: tuple[str, ...] = ()
    max_length: int | None = None


def _codes(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


FIELDS: Final[tuple[Field, ...]] = (
    Field(
        "force",
        "text",
        "The sending police force's code, as issued with its API token (for example `fenmoor`).",
        "fenmoor",
        required=True,
        max_length=50,
    ),
    Field(
        "police_reference",
        "text",
        "The force's missing-person report reference. Every "
        "notification about the same report carries the same reference.",
        "FM-2026-004512",
        required=True,
        max_length=50,
    ),
    Field(
        "notification_type",
        "choice",
        "What this notification says about the report.",
        "reported_missing",
        required=True,
        choices=_codes(NotificationType),
    ),
    Field(
        "sent_at",
        "datetime",
        "When the police system produced this notification. A "
        "notification older than one already applied to the report is kept in its history "
        "but does not overwrite it.",
        "2026-11-20T08:05:00+00:00",
    ),
    Field("given_names", "text", "The person's given names.", "Jayden Lee", max_length=100),
    Field("family_name", "text", "The person's family name (surname).", "Okafor", max_length=100),
    Field(
        "aliases",
        "list",
        "Other names the person is known by.",
        "JJ; Jay Okafor-Smith",
        max_length=200,
    ),
    Field("date_of_birth", "date", "The person's date of birth.", "2011-03-14"),
    Field(
        "child_flag",
        "bool",
        "Whether the police system flagged the person as a child. "
        "homeward decides by date of birth, whatever this says, and queues a contradiction.",
        "true",
    ),
    Field("sex", "choice", "The person's sex.", "male", choices=_codes(Sex)),
    Field(
        "address",
        "text",
        "The address the person went missing from.",
        "14 Mill Lane, Fenmoor",
        max_length=300,
    ),
    Field("postcode", "text", "The postcode of that address.", "FN3 2QP", max_length=8),
    Field(
        "reported_at",
        "datetime",
        "When the person was reported missing to the police.",
        "2026-11-19T22:40:00+00:00",
        required=True,
    ),
    Field(
        "last_seen_at", "datetime", "When the person was last seen.", "2026-11-19T18:30:00+00:00"
    ),
    Field(
        "last_seen_where",
        "text",
        "Where the person was last seen.",
        "Fenmoor bus station",
        max_length=200,
    ),
    Field(
        "category",
        "choice",
        "The police category.",
        "missing",
        required=True,
        choices=_codes(Category),
    ),
    Field(
        "risk_grade",
        "choice",
        "The police risk grade, from a versioned code list (2026-12-07): the College of "
        "Policing's risk assessment as used now (very_low, low, medium, high), or a grade "
        "of the earlier guidance some forces still send (no_apparent_risk, absent).",
        "medium",
        choices=_codes(RiskGrade),
    ),
    Field(
        "missing_from",
        "choice",
        "Whether the person went missing from home or from care, as the police coded it.",
        "home",
        choices=_codes(MissingFrom),
    ),
    Field(
        "circumstances",
        "text",
        "The circumstances of the report, in the police's words.",
        "Left home after an argument; believed to be with older friends in Castleton.",
        max_length=4000,
    ),
    Field(
        "risk_factors",
        "choices",
        "Exploitation and other risk flags.",
        "cce; county_lines",
        choices=_codes(RiskFactor),
    ),
    Field(
        "found_at",
        "datetime",
        "When the person was found or returned.",
        "2026-11-21T09:15:00+00:00",
    ),
    Field(
        "found_where",
        "text",
        "Where the person was found.",
        "Castleton railway station",
        max_length=200,
    ),
    Field(
        "found_by",
        "text",
        "Who found the person, or whether they returned by themselves.",
        "British Transport Police",
        max_length=200,
    ),
    Field(
        "prevention_interview_done",
        "bool",
        "Whether the police carried out a prevention "
        "interview (safe and well check) after the return.",
        "true",
    ),
    Field(
        "placement_type",
        "choice",
        "Where the person lives: their home or a kind of care placement.",
        "home",
        choices=_codes(PlacementType),
    ),
    Field(
        "placement_name",
        "text",
        "The name of the placement or carer, for a child in care.",
        "",
        max_length=200,
    ),
    Field("placement_address", "text", "The placement's or home's address.", "", max_length=300),
    Field("placement_postcode", "text", "The placement's or home's postcode.", "", max_length=8),
    Field(
        "responsible_authority",
        "text",
        "The GSS code of the local authority responsible "
        "for the child (the placing authority for a child in care), where known.",
        "E10000099",
        max_length=9,
    ),
    Field(
        "officer_name",
        "text",
        "The officer to contact about the report.",
        "PC 1234 Sam Reid",
        max_length=200,
    ),
    Field(
        "officer_contact",
        "text",
        "How to contact that officer (phone or email).",
        "0300 123 4567",
        max_length=200,
    ),
)

FIELD_NAMES: Final = tuple(f.name for f in FIELDS)
FIELDS_BY_NAME: Final = {f.name: f for f in FIELDS}


@dataclass(frozen=True)
class Notification:
    """One parsed, valid notification. Empty text is "", absent values None."""

    force: str
    police_reference: str
    notification_type: NotificationType
    reported_at: datetime
    category: Category
    sent_at: datetime | None = None
    given_names: str = ""
    family_name: str = ""
    aliases: tuple[str, ...] = ()
    date_of_birth: date | None = None
    child_flag: bool | None = None
    sex: Sex = Sex.UNKNOWN
    address: str = ""
    postcode: str = ""
    last_seen_at: datetime | None = None
    last_seen_where: str = ""
    risk_grade: RiskGrade | None = None
    missing_from: MissingFrom | None = None
    circumstances: str = ""
    risk_factors: tuple[RiskFactor, ...] = ()
    found_at: datetime | None = None
    found_where: str = ""
    found_by: str = ""
    prevention_interview_done: bool | None = None
    placement_type: PlacementType | None = None
    placement_name: str = ""
    placement_address: str = ""
    placement_postcode: str = ""
    responsible_authority: str = ""
    officer_name: str = ""
    officer_contact: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.family_name) if part)
