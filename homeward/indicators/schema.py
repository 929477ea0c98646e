"""The episode and interview files of `indicators.md`: columns, codes and output names."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

#: Accepted timestamp layouts: UK wall-clock time with optional seconds, never an offset.
TIMESTAMP_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")
TIMESTAMP_HINT = "YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS"
TIMESTAMP_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$"

#: GSS code prefixes of the authorities the contract names (upper tier and unitary).
AUTHORITY_CODE_PATTERN = r"^(E06|E07|E08|E09|E10|W06|S12|N09)[0-9]{6}$"
AUTHORITY_CODE_HINT = (
    "a GSS code of an authority (E06, E07, E08, E09, E10, W06, S12 or N09 + 6 digits)"
)

NATIONS = ("england", "wales", "scotland", "northern_ireland")
CATEGORIES = ("missing", "absent")
MISSING_FROM = ("home", "care")
OUTCOMES = ("accepted", "declined", "no_response")
DECLINED_BY = ("child", "parent_carer")


@dataclass(frozen=True)
class Column:
    """One column of an input file: its kind and whether a value is required."""

    name: str
    kind: str  # "id", "text", "authority", "timestamp" or "code"
    required: bool = False
    codes: tuple[str, ...] = ()


EPISODE_COLUMNS = (
    Column("episode_id", "id", required=True),
    Column("child_id", "text", required=True),
    Column("authority_code", "authority", required=True),
    Column("nation", "code", codes=NATIONS),
    Column("category", "code", codes=CATEGORIES),
    Column("missing_from", "code", codes=MISSING_FROM),
    Column("started_at", "timestamp", required=True),
    Column("returned_at", "timestamp"),
    Column("notified_at", "timestamp"),
    Column("rhi_id", "text"),
)

INTERVIEW_COLUMNS = (
    Column("rhi_id", "id", required=True),
    Column("authority_code", "authority", required=True),
    Column("offered_at", "timestamp"),
    Column("outcome", "code", codes=OUTCOMES),
    Column("declined_by", "code", codes=DECLINED_BY),
    Column("completed_at", "timestamp"),
)

BASES = ("return", "referral")
UNITS = ("hours", "calendar_days", "working_days")
BUNCHINGS = ("each", "latest")

#: The clock start column of each basis.
BASIS_COLUMN = {"return": "returned_at", "referral": "notified_at"}

#: The 12 timescale variants, in the contract's order of naming: basis, unit, bunching.
VARIANTS: tuple[tuple[str, str, str], ...] = tuple(product(BASES, UNITS, BUNCHINGS))
WITHIN_COLUMNS = tuple(f"within_{b}_{u}_{g}" for b, u, g in VARIANTS)

COUNT_COLUMNS = (
    "incidents",
    "individuals",
    "absent",
    "offered",
    "accepted",
    "declined",
    "completed",
)

#: The contract's output columns, in order; they always come first.
OUTPUT_COLUMNS = ("authority_code", "period", *COUNT_COLUMNS, *WITHIN_COLUMNS)

#: Lengths of the 72-hour timescale in each unit.
SEVENTY_TWO_HOURS = {"hours": 72, "calendar_days": 3, "working_days": 3}

#: The answers of imported history (an authority's case system's own record of whether a
#: return interview was offered and accepted, e.g. the SSD's `miss_missing_rhi_offered` /
#: `_accepted`): `yes`, `no`, `not_due` (no interview was due: "NA"); none = not recorded.
IMPORTED_ANSWERS = ("yes", "no", "not_due")

#: The columns that follow the contract's when imported history is counted
#: (`compute_indicators(..., imported=...)`); docs/indicators.md, "Imported history".
IMPORTED_COUNT_COLUMNS = (
    "imported",
    "imported_offered",
    "imported_accepted",
    "imported_not_due",
    "imported_offer_not_recorded",
    "imported_acceptance_not_recorded",
)
#: The denominators of the rates once imported history is counted.
BASE_COLUMNS = ("offer_known", "acceptance_known", "recorded_here")
IMPORTED_COLUMNS = (*IMPORTED_COUNT_COLUMNS, *BASE_COLUMNS)
