"""Ofsted's Annex A (ILACS) list 8, children in care, from homeward's records.

Annex A is the list of children an authority gives Ofsted before an inspection of its
children's services; list 8 has a row per child in care, with the missing and absent
episodes of the last 12 months and whether a return interview was offered and accepted
after the last missing episode. The headings below are Annex A's own, in its order; the
values use its lettered lists (`a) Yes`, `b) Female`, `a) WBRI`) and dates are DD/MM/YYYY.

homeward holds only part of a child's care record, so the columns it does not hold are
written blank (`BLANK_COLUMNS`), for the authority's case-management extract to fill.
See docs/returns-annex-a-ssd-foi.md.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import openpyxl
import polars as pl
import xlsxwriter

from homeward.formats import ssda903
from homeward.formats.degrade import month_of_birth, postcode_district
from homeward.formats.safe import safe_frame
from homeward.formats.ssd import EpisodeFacts, rhi_accepted, rhi_offered

CHILD_ID = "Child Unique ID"
GENDER = "Gender"
ETHNICITY = "Ethnicity"
DATE_OF_BIRTH = "Date of Birth"
AGE = "Age of Child (Years)"
UASC = "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)"
DISABILITY = "Does the Child have a Disability"
LOOKED_AFTER_SINCE = "Date Started to be Looked After"
CATEGORY_OF_NEED = "Child's Category of Need"
SECOND_PERIOD = (
    "Is this a second or subsequent period of being a Looked After Child within the last "
    "12 months (Y/N)"
)
LEGAL_STATUS_START = "Start date of current legal status"
LEGAL_STATUS = "Child's Legal Status"
LATEST_REVIEW = "Date of Latest Statutory Review"
LAST_VISIT = "Date of Last Social Work Visit"
PERMANENCE_PLAN = "What is the permanence plan for this child?"
LAST_IRO = "Date of Last IRO Visit / Contact to the Child"
LAST_HEALTH = "Date of Last Health Assessment"
LAST_DENTAL = "Date of Last Dental Check"
PLACEMENTS = "Number of Placements in the Last 12 months"
CEASED = "Date Ceased to be Looked After"
CEASED_REASON = "Reason Ceased to be Looked After"
PLACEMENT_START = "Start Date of Most Recent Placement"
PLACEMENT_TYPE = "Placement Type"
PLACEMENT_PROVIDER = "Placement Provider"
PLACEMENT_POSTCODE = "Placement postcode"
PLACEMENT_URN = "URN of Placement"
PLACEMENT_LOCATION = "Placement Location"
PLACEMENT_LA = "LA of Placement"
MISSING = (
    "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"
)
ABSENT = "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months"
RHI_OFFERED = "Was the child offered a Return Interview after their last missing episode (Y/N)?"
RHI_ACCEPTED = "Did the child accept a Return Interview after their last missing episode (Y/N)?"
ALLOCATED_TEAM = "Allocated Team"
ALLOCATED_WORKER = "Allocated Worker"

#: List 8's columns, in Annex A's order.
LIST8_COLUMNS: tuple[str, ...] = (
    CHILD_ID,
    GENDER,
    ETHNICITY,
    DATE_OF_BIRTH,
    AGE,
    UASC,
    DISABILITY,
    LOOKED_AFTER_SINCE,
    CATEGORY_OF_NEED,
    SECOND_PERIOD,
    LEGAL_STATUS_START,
    LEGAL_STATUS,
    LATEST_REVIEW,
    LAST_VISIT,
    PERMANENCE_PLAN,
    LAST_IRO,
    LAST_HEALTH,
    LAST_DENTAL,
    PLACEMENTS,
    CEASED,
    CEASED_REASON,
    PLACEMENT_START,
    PLACEMENT_TYPE,
    PLACEMENT_PROVIDER,
    PLACEMENT_POSTCODE,
    PLACEMENT_URN,
    PLACEMENT_LOCATION,
    PLACEMENT_LA,
    MISSING,
    ABSENT,
    RHI_OFFERED,
    RHI_ACCEPTED,
    ALLOCATED_TEAM,
    ALLOCATED_WORKER,
)

#: The columns homeward writes from its own records.
HELD_COLUMNS: tuple[str, ...] = (
    CHILD_ID,
    GENDER,
    ETHNICITY,
    DATE_OF_BIRTH,
    AGE,
    LOOKED_AFTER_SINCE,
    PLACEMENT_TYPE,
    PLACEMENT_POSTCODE,
    PLACEMENT_LOCATION,
    PLACEMENT_LA,
    MISSING,
    ABSENT,
    RHI_OFFERED,
    RHI_ACCEPTED,
    ALLOCATED_WORKER,
)

#: The columns homeward does not hold: written blank.
BLANK_COLUMNS: tuple[str, ...] = tuple(c for c in LIST8_COLUMNS if c not in HELD_COLUMNS)

#: Whole-number columns (written as numbers in the workbook).
NUMBER_COLUMNS = (AGE, MISSING, ABSENT)

DATE_FORMAT = "%d/%m/%Y"

GENDERS = {"male": "a) Male", "female": "b) Female", "unknown": "c) Not stated/recorded"}

#: The DfE ethnicity codes in Annex A's lettered order.
ETHNICITY_ORDER = (
    "WBRI",
    "WIRI",
    "WIRT",
    "WOTH",
    "WROM",
    "MWBC",
    "MWBA",
    "MWAS",
    "MOTH",
    "AIND",
    "APKN",
    "ABAN",
    "AOTH",
    "BCRB",
    "BAFR",
    "BOTH",
    "CHNE",
    "OOTH",
    "REFU",
    "NOBT",
)
ETHNICITIES = {
    code: f"{letter}) {code}"
    for letter, code in zip("abcdefghijklmnopqrst", ETHNICITY_ORDER, strict=True)
}

#: Annex A's answers to the return interview questions.
YES, NO, UNKNOWN = "a) Yes", "b) No", "c) Unknown"
RHI_ANSWERS: dict[str | None, str] = {"yes": YES, "no": NO, None: UNKNOWN}

#: The SSDA903 PLACE codes of 2025-26 (the list DfE's validator checks, rule 146), with
#: short words. Annex A's placement type is written as the 903 code and these words
#: ("U6: Foster placement, not long term or FFA"): Annex A's older lettered list (with H5 and
#: Z1) no longer matches the 903's, and the same child must have the same code in both.
#: The codes are exactly rule 146's list in the validator package (`tests/formats/
#: test_place_words.py`); the words are short forms of the DfE guidance's descriptions, and
#: those the validator's own rules name agree (K1, K3, P1, P3, R5, T0-T4). The guidance's
#: meanings of Z11-Z14 (Z1 "other placements" divided) are in no rule, so their words say
#: only "other placement" and the code.
PLACE_WORDS = {
    "A3": "Placed for adoption, consent, with current foster carer",
    "A4": "Placed for adoption, consent, not with current foster carer",
    "A5": "Placed for adoption, placement order, with current foster carer",
    "A6": "Placed for adoption, placement order, not with current foster carer",
    "K1": "Secure children's home",
    "K2": "Children's home",
    "K3": "Supported accommodation",
    "P1": "Placed with parents",
    "P3": "Residential employment",
    "R1": "Residential care home",
    "R2": "NHS or health trust",
    "R3": "Family centre or mother and baby unit",
    "R5": "Young offender institution",
    "S1": "Residential school",
    "T0": "Temporary placement",
    "T1": "Temporary placement, hospital",
    "T2": "Temporary placement, holiday",
    "T3": "Temporary placement, carer's holiday",
    "T4": "Temporary placement, seven days or less",
    "U1": "Foster placement, relative or friend, long term",
    "U2": "Foster placement, relative or friend, FFA",
    "U3": "Foster placement, relative or friend, not long term or FFA",
    "U4": "Foster placement, long term",
    "U5": "Foster placement, FFA",
    "U6": "Foster placement, not long term or FFA",
    "Z11": "Other placement (Z11)",
    "Z12": "Other placement (Z12)",
    "Z13": "Other placement (Z13)",
    "Z14": "Other placement (Z14)",
}


def placement_type(code: str) -> str:
    """Annex A's placement type for a 903 PLACE code; blank for a code not on the list."""
    code = code.strip().upper()
    return f"{code}: {PLACE_WORDS[code]}" if code in PLACE_WORDS else ""


#: homeward's placement types → Annex A's placement type: the same code the 903 writes
#: (`ssda903.PLACE`).
PLACEMENT_TYPES = {kind: placement_type(code) for kind, code in ssda903.PLACE.items()}

PLACED_IN, PLACED_OUT = "a) In", "b) Out"

#: Annex A's codes for a placement outside England (LA of Placement).
NATION_PLACEMENTS = {
    "wales": "WAL - Child placed in Wales",
    "scotland": "SCO - Child placed in Scotland",
    "northern_ireland": "NIR - Child placed in Northern Ireland",
}


@dataclass(frozen=True)
class Placement:
    """Where a child in care lives: in or out of the authority's area, and which area."""

    out_of_area: bool
    authority_name: str
    nation: str


@dataclass(frozen=True)
class List8Child:
    """One looked-after child and their episodes in the list's 12 months (any order)."""

    child_id: str
    sex: str
    ethnicity: str
    date_of_birth: date | None
    looked_after_since: date | None
    placement_type: str
    postcode: str
    placement: Placement | None
    allocated_worker: str
    episodes: Sequence[EpisodeFacts] = field(default_factory=tuple)


def _day(value: date | None) -> str:
    return "" if value is None else value.strftime(DATE_FORMAT)


def age_on(born: date | None, day: date) -> int | None:
    """Whole years from `born` to `day` (a birthday on `day` counts)."""
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def last_missing(episodes: Iterable[EpisodeFacts]) -> EpisodeFacts | None:
    """The latest-starting episode of category missing (absences are not asked about)."""
    missing = [e for e in episodes if e.category == "missing"]
    return max(missing, key=lambda e: (e.started_at, e.episode_id)) if missing else None


def _placement_la(placement: Placement | None) -> str:
    if placement is None:
        return ""
    if not placement.out_of_area:
        return placement.authority_name
    return NATION_PLACEMENTS.get(placement.nation, placement.authority_name)


def list8_row(child: List8Child, *, as_of: date, degrade: bool) -> dict[str, object]:
    """The child's row: every column of `LIST8_COLUMNS` (blank where homeward holds none).

    With `degrade`, the date of birth is the first of its month, the age is counted from
    it (so the file agrees with itself) and the postcode is its district.
    """
    born = month_of_birth(child.date_of_birth) if degrade else child.date_of_birth
    postcode = postcode_district(child.postcode) if degrade else child.postcode.strip().upper()
    last = last_missing(child.episodes)
    row: dict[str, object] = dict.fromkeys(LIST8_COLUMNS, "")
    placement = child.placement
    row.update(
        {
            CHILD_ID: child.child_id,
            GENDER: GENDERS.get(child.sex, GENDERS["unknown"]),
            ETHNICITY: ETHNICITIES.get(child.ethnicity, ETHNICITIES["NOBT"]),
            DATE_OF_BIRTH: _day(born),
            AGE: age_on(born, as_of),
            LOOKED_AFTER_SINCE: _day(child.looked_after_since),
            PLACEMENT_TYPE: PLACEMENT_TYPES.get(child.placement_type, ""),
            PLACEMENT_POSTCODE: postcode,
            PLACEMENT_LOCATION: (
                "" if placement is None else PLACED_OUT if placement.out_of_area else PLACED_IN
            ),
            PLACEMENT_LA: _placement_la(placement),
            MISSING: sum(1 for e in child.episodes if e.category == "missing"),
            ABSENT: sum(1 for e in child.episodes if e.category == "absent"),
            RHI_OFFERED: "" if last is None else RHI_ANSWERS[_yes_no(rhi_offered(last))],
            RHI_ACCEPTED: "" if last is None else RHI_ANSWERS[_yes_no(rhi_accepted(last))],
            ALLOCATED_WORKER: child.allocated_worker,
        }
    )
    return row


def _yes_no(answer: str | None) -> str | None:
    """Annex A has no 'not applicable': a missing episode never is, so it reads unknown."""
    return None if answer == "not_applicable" else answer


def list8_frame(children: Iterable[List8Child], *, as_of: date, degrade: bool) -> pl.DataFrame:
    """List 8 as a table of text (numbers as whole-number text), one row per child."""
    rows = [list8_row(child, as_of=as_of, degrade=degrade) for child in children]
    text = [
        {name: "" if row[name] is None else str(row[name]) for name in LIST8_COLUMNS}
        for row in rows
    ]
    return pl.DataFrame(text, schema=dict.fromkeys(LIST8_COLUMNS, pl.String))


def list8_csv(frame: pl.DataFrame) -> bytes:
    """The list as UTF-8 CSV with Annex A's headings; text never runs as a formula."""
    buffer = io.BytesIO()
    safe_frame(frame).write_csv(buffer)
    return buffer.getvalue()


def list8_xlsx(frame: pl.DataFrame) -> bytes:
    """The list as a workbook with one sheet, "List 8": headings, then a row per child.

    Text is written as text (never a formula); counts and ages as numbers."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    try:
        sheet = workbook.add_worksheet("List 8")
        bold = workbook.add_format({"bold": True, "text_wrap": True})
        for column, name in enumerate(LIST8_COLUMNS):
            sheet.write_string(0, column, name, bold)
            sheet.set_column(column, column, 18)
        for line, row in enumerate(frame.iter_rows(named=True), start=1):
            for column, name in enumerate(LIST8_COLUMNS):
                value = row[name] or ""
                if not value:
                    continue
                if name in NUMBER_COLUMNS:
                    sheet.write_number(line, column, int(value))
                else:
                    sheet.write_string(line, column, value)
        sheet.freeze_panes(1, 1)
    finally:
        workbook.close()
    return buffer.getvalue()


# --- list 8 from the case system's care data -------------------------------------------------
#
# Beside the case system, list 8 is what Ofsted asks for: every child in care on the chosen
# date and every child who left care in the six months before it (Data to Insight's Annex A
# queries: `@AA_ReportingPeriod` 6 months), not only children who went missing. Every
# column comes from the imported care data (periods of care, placements, legal statuses,
# the allocated worker, and, where the case system's extract has them, reviews, visits and
# health checks); homeward computes the missing, absent and return interview columns from
# the episodes, imported and its own.

#: The months before the date in which a child who left care is still listed.
LEFT_CARE_MONTHS = 6
YES_NO = {True: YES, False: NO}
#: Annex A's gender list, from the 903 / SSD sex codes.
SEX_CODES = {
    "M": "a) Male",
    "F": "b) Female",
    "U": "c) Not stated/recorded",
    "I": "d) Neither",
}


@dataclass(frozen=True)
class CarePeriod:
    """A period of care: start (DECOM of its first episode), end (None: still in care), the
    reason it ended (903 REC) and the category of need (903 CIN)."""

    start: date
    end: date | None = None
    reason_ceased: str = ""
    category_of_need: str = ""


@dataclass(frozen=True)
class CarePlacement:
    """A placement: dates, 903 PLACE and PLACE_PROVIDER codes, postcode, Ofsted URN, and
    where it is: in the authority's own area or not, the host authority's name and its
    nation (from the postcode)."""

    start: date
    end: date | None
    place: str
    provider: str = ""
    postcode: str = ""
    urn: str = ""
    out_of_area: bool | None = None
    host_authority: str = ""
    nation: str = "england"


@dataclass(frozen=True)
class LegalStatus:
    """A legal status spell (903 LS code)."""

    start: date
    end: date | None
    code: str


@dataclass(frozen=True)
class CareRecord:
    """A child as the case system holds them, with homeward's episodes (any order)."""

    person_id: str
    sex: str  # M, F, U or I (the SSD's codes)
    ethnicity: str
    date_of_birth: date | None
    periods: Sequence[CarePeriod]
    placements: Sequence[CarePlacement] = ()
    legal_statuses: Sequence[LegalStatus] = ()
    uasc: bool = False
    disability: bool | None = None
    allocated_team: str = ""
    allocated_worker: str = ""
    latest_review: date | None = None
    last_visit: date | None = None
    permanence_plan: str = ""
    last_iro_contact: date | None = None
    last_health_assessment: date | None = None
    last_dental_check: date | None = None
    episodes: Sequence[EpisodeFacts] = ()


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day where it has fewer)."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _overlaps(start: date, end: date | None, first: date, last: date) -> bool:
    return start <= last and (end is None or end >= first)


def current_period(record: CareRecord, as_of: date) -> CarePeriod | None:
    """The period of care that puts the child on list 8 on `as_of`: the one they are in, or
    the one that ended in the six months before; None when neither."""
    since = months_before(as_of, LEFT_CARE_MONTHS)
    periods = [p for p in record.periods if _overlaps(p.start, p.end, since, as_of)]
    return max(periods, key=lambda p: p.start) if periods else None


def _latest(items: Iterable[Any], as_of: date) -> Any:
    started = [i for i in items if i.start <= as_of]
    return max(started, key=lambda i: (i.start, i.end or date.max)) if started else None


def list8_care_row(
    record: CareRecord, *, as_of: date, degrade: bool = False
) -> dict[str, object] | None:
    """The child's list 8 row from care data on `as_of`, or None when not on the list.
    With `degrade`, the date of birth is the first of its month (the age counted from it)
    and the placement postcode is its district."""
    period = current_period(record, as_of)
    if period is None:
        return None
    born = month_of_birth(record.date_of_birth) if degrade else record.date_of_birth
    year_ago = months_before(as_of, 12)
    in_period = [
        p for p in record.placements if _overlaps(p.start, p.end, period.start, period.end or as_of)
    ]
    placement: CarePlacement | None = _latest(in_period, as_of)
    status: LegalStatus | None = _latest(
        (s for s in record.legal_statuses if _overlaps(s.start, s.end, period.start, as_of)),
        as_of,
    )
    year_periods = [p for p in record.periods if _overlaps(p.start, p.end, year_ago, as_of)]
    window = [
        e
        for e in record.episodes
        if year_ago <= e.started_at.date() <= as_of and e.started_at.date() >= period.start
    ]
    last = last_missing(window)
    ceased = period.end is not None and period.end <= as_of
    location = ""
    la = ""
    if placement is not None and placement.out_of_area is not None:
        location = PLACED_OUT if placement.out_of_area else PLACED_IN
        la = _placement_la(
            Placement(placement.out_of_area, placement.host_authority, placement.nation)
        )
    row: dict[str, object] = dict.fromkeys(LIST8_COLUMNS, "")
    row.update(
        {
            CHILD_ID: record.person_id,
            GENDER: SEX_CODES.get(record.sex.upper(), SEX_CODES["U"]),
            ETHNICITY: ETHNICITIES.get(record.ethnicity, ETHNICITIES["NOBT"]),
            DATE_OF_BIRTH: _day(born),
            AGE: age_on(born, as_of),
            UASC: YES_NO[record.uasc],
            DISABILITY: UNKNOWN if record.disability is None else YES_NO[record.disability],
            LOOKED_AFTER_SINCE: _day(period.start),
            CATEGORY_OF_NEED: period.category_of_need,
            SECOND_PERIOD: YES_NO[len(year_periods) > 1],
            LEGAL_STATUS_START: "" if status is None else _day(status.start),
            LEGAL_STATUS: "" if status is None else status.code,
            LATEST_REVIEW: _day(record.latest_review),
            LAST_VISIT: _day(record.last_visit),
            PERMANENCE_PLAN: record.permanence_plan,
            LAST_IRO: _day(record.last_iro_contact),
            LAST_HEALTH: _day(record.last_health_assessment),
            LAST_DENTAL: _day(record.last_dental_check),
            PLACEMENTS: sum(
                1 for p in record.placements if _overlaps(p.start, p.end, year_ago, as_of)
            ),
            CEASED: _day(period.end) if ceased else "",
            CEASED_REASON: period.reason_ceased if ceased else "",
            PLACEMENT_START: "" if placement is None else _day(placement.start),
            PLACEMENT_TYPE: "" if placement is None else placement_type(placement.place),
            PLACEMENT_PROVIDER: "" if placement is None else placement.provider,
            PLACEMENT_POSTCODE: (
                ""
                if placement is None
                else postcode_district(placement.postcode)
                if degrade
                else placement.postcode.strip().upper()
            ),
            PLACEMENT_URN: "" if placement is None else placement.urn,
            PLACEMENT_LOCATION: location,
            PLACEMENT_LA: la,
            MISSING: sum(1 for e in window if e.category == "missing"),
            ABSENT: sum(1 for e in window if e.category == "absent"),
            RHI_OFFERED: "" if last is None else RHI_ANSWERS[_yes_no(rhi_offered(last))],
            RHI_ACCEPTED: "" if last is None else RHI_ANSWERS[_yes_no(rhi_accepted(last))],
            ALLOCATED_TEAM: record.allocated_team,
            ALLOCATED_WORKER: record.allocated_worker,
        }
    )
    return row


@dataclass
class List8FromCare:
    """List 8's rows (one per child, by person id) and what is incomplete, one note each."""

    rows: list[dict[str, object]]
    notes: list[str]


#: Columns a child's row must have filled (those Annex A cannot take blank); a blank one
#: is noted, naming the child and the column, for the data team to fill in the case system.
REQUIRED_COLUMNS: tuple[str, ...] = (
    CHILD_ID, GENDER, ETHNICITY, LOOKED_AFTER_SINCE, CATEGORY_OF_NEED, LEGAL_STATUS,
    LEGAL_STATUS_START, PLACEMENTS, PLACEMENT_START, PLACEMENT_TYPE, PLACEMENT_PROVIDER,
    PLACEMENT_POSTCODE, PLACEMENT_LOCATION, ALLOCATED_TEAM, ALLOCATED_WORKER,
)  # fmt: skip


def list8_from_care(
    records: Iterable[CareRecord], *, as_of: date, degrade: bool = False
) -> List8FromCare:
    """List 8 on `as_of`: every child in care then, and every child who left care in the
    six months before, from their care data; homeward's missing and RHI columns."""
    rows: list[dict[str, object]] = []
    notes: list[str] = []
    for record in sorted(records, key=lambda r: r.person_id):
        row = list8_care_row(record, as_of=as_of, degrade=degrade)
        if row is None:
            continue
        rows.append(row)
        blank = [c for c in REQUIRED_COLUMNS if row[c] in ("", None)]
        if row[PLACEMENT_TYPE] == "" and any(p.place for p in record.placements):
            notes.append(
                f"{record.person_id}: placement code not on the 903's 2025-26 PLACE list "
                f"({', '.join(sorted({p.place for p in record.placements}))})."
            )
        if blank:
            notes.append(f"{record.person_id}: blank in the care data: {'; '.join(blank)}.")
    return List8FromCare(rows=rows, notes=notes)


def list8_care_frame(result: List8FromCare) -> pl.DataFrame:
    """The rows as a table of text, for `list8_csv` and `list8_xlsx`."""
    text = [
        {name: "" if row[name] is None else str(row[name]) for name in LIST8_COLUMNS}
        for row in result.rows
    ]
    return pl.DataFrame(text, schema=dict.fromkeys(LIST8_COLUMNS, pl.String))


# --- the case system's own list 8, with homeward's columns filled in --------------------------


class List8WorkbookError(ValueError):
    """A list 8 workbook homeward cannot fill: why, naming the sheet and heading."""


#: The columns homeward fills in the case system's own list 8.
FILLED_COLUMNS = (MISSING, ABSENT, RHI_OFFERED, RHI_ACCEPTED)


def _heading(value: object) -> str:
    return " ".join(str(value or "").split()).casefold()


def _person(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() if value is not None else ""


def _cell_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    try:
        return datetime.strptime(text, DATE_FORMAT).date() if text else None
    except ValueError:
        return None


def fill_list8_workbook(
    data: bytes, episodes: dict[str, Sequence[EpisodeFacts]], *, as_of: date
) -> tuple[bytes, list[str]]:
    """The case system's list 8 workbook with homeward's missing, absent and return
    interview columns filled in for each child (by Child Unique ID, the person id), from
    `episodes` (by person id) in the 12 months to `as_of` and, where the row gives one, on
    or after its "Date Started to be Looked After". Every other cell is left as it was.

    Returns the workbook and a note of how many children it filled. Raises
    `List8WorkbookError` when no sheet has list 8's headings.
    """
    try:
        book = openpyxl.load_workbook(io.BytesIO(data))
    except Exception as error:  # openpyxl raises several kinds for a file it cannot read
        raise List8WorkbookError(f"not an Excel workbook (.xlsx): {error}") from error
    wanted = {_heading(name): name for name in (CHILD_ID, LOOKED_AFTER_SINCE, *FILLED_COLUMNS)}
    for sheet in book.worksheets:
        for header_row in range(1, min(sheet.max_row, 10) + 1):
            found = {
                wanted[_heading(cell.value)]: cell.column
                for cell in sheet[header_row]
                if _heading(cell.value) in wanted
            }
            if CHILD_ID in found:
                break
        else:
            continue
        absent = [name for name in (CHILD_ID, *FILLED_COLUMNS) if name not in found]
        if absent:
            raise List8WorkbookError(
                f"sheet {sheet.title!r}, row {header_row}: no column {'; '.join(absent)}"
            )
        return _fill(book, sheet, header_row, found, episodes, as_of)
    raise List8WorkbookError(f"no sheet has a {CHILD_ID!r} heading in its first ten rows")


def _fill(
    book: Any,
    sheet: Any,
    header_row: int,
    columns: dict[str, int],
    episodes: dict[str, Sequence[EpisodeFacts]],
    as_of: date,
) -> tuple[bytes, list[str]]:
    year_ago = months_before(as_of, 12)
    listed: set[str] = set()
    for row in range(header_row + 1, sheet.max_row + 1):
        person = _person(sheet.cell(row, columns[CHILD_ID]).value)
        if not person:
            continue
        listed.add(person)
        since = None
        if LOOKED_AFTER_SINCE in columns:
            since = _cell_date(sheet.cell(row, columns[LOOKED_AFTER_SINCE]).value)
        window = [
            e
            for e in episodes.get(person, ())
            if year_ago <= e.started_at.date() <= as_of
            and (since is None or e.started_at.date() >= since)
        ]
        last = last_missing(window)
        values: dict[str, object] = {
            MISSING: sum(1 for e in window if e.category == "missing"),
            ABSENT: sum(1 for e in window if e.category == "absent"),
            RHI_OFFERED: "" if last is None else RHI_ANSWERS[_yes_no(rhi_offered(last))],
            RHI_ACCEPTED: "" if last is None else RHI_ANSWERS[_yes_no(rhi_accepted(last))],
        }
        for name, value in values.items():
            sheet.cell(row, columns[name]).value = value if value != "" else None
    with_episodes = sum(
        1
        for p in listed
        if any(year_ago <= e.started_at.date() <= as_of for e in episodes.get(p, ()))
    )
    notes = [
        f"{len(listed)} children on the list; homeward holds missing or absent episodes in "
        f"the 12 months for {with_episodes} of them (the others: 0, and no answer)."
    ]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), notes
