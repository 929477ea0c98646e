"""Reading an extract of the Standard Safeguarding Dataset (Data to Insight's SSD): one CSV
file per table, named after the table (`ssd_person.csv`), whose header row holds the spec's
field names. Pure: no Django, no database (`homeward.care.ssd_import` applies what is read).

The tables read, and the fields read from each (other columns are allowed and ignored, so
an extract of a later version of the spec still reads):

- `ssd_person` (key `pers_person_id`): forename, surname, sex, ethnicity, date of birth,
  common child id (the NHS number), UPN unknown code, date of death;
- `ssd_linked_identifiers` (`link_table_id`): person, identifier type and value, valid
  from and to (the UPN and the NHS number come from here too);
- `ssd_address` (`addr_table_id`): person, address (the spec's JSON), type, start, end,
  postcode;
- `ssd_legal_status` (`lega_legal_status_id`): person, legal status (903 LS), start, end;
- `ssd_cla_episodes` (`clae_cla_episode_id`): person, start, RNE, CIN, ceased, REC, the
  period of care's id (`clae_cla_id`), the placement's id;
- `ssd_cla_placement` (`clap_cla_placement_id`): person, period of care id, start, end,
  PLACE, PLACE_PROVIDER, URN, postcode, reason for change;
- `ssd_professionals` (`prof_professional_id`): name, job title;
- `ssd_involvements` (`invo_involvements_id`): person, professional, role, team, start,
  end;
- `ssd_missing` (`miss_table_id`): person, start, type (M or A), end, RHI offered, RHI
  accepted.

Every problem names the file, the line (the header is line 1), the field and the reason;
an unknown code names the spec's code list. `read_extract` reads everything and returns
the problems with the rows: the caller refuses the extract when there is any, so nothing
of a bad extract is written.

Limits are checked before a file is parsed (`MAX_TABLE_BYTES`) and while it is read
(`MAX_TABLE_ROWS`, `MAX_VALUE_CHARS`, `MAX_COLUMNS`), as `homeward.police.limits` does for
police files.
"""

from __future__ import annotations

import csv
import io
import json
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Final

MiB: Final = 1024 * 1024
#: The largest table file read (an extract of 100,000 persons makes files of 10-20 MB).
MAX_TABLE_BYTES: Final = 512 * MiB
#: The most rows of one table.
MAX_TABLE_ROWS: Final = 5_000_000
#: The longest value of a field (Excel's own limit for a cell).
MAX_VALUE_CHARS: Final = 32_767
#: The most columns of a table's header.
MAX_COLUMNS: Final = 256
#: Problems kept: an extract with more is refused all the same, and the report says how
#: many there were.
MAX_PROBLEMS: Final = 1_000

# --- the spec's code lists --------------------------------------------------------------------

#: PERS002A sex: F female, M male, U unknown.
SEX_CODES: Final = frozenset({"F", "M", "U"})
#: PERS004A ethnicity: the DfE census codes (NOBT: not yet obtained).
ETHNICITY_CODES: Final = frozenset(
    {
        "WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
        "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
    }
)  # fmt: skip
#: LINK003A identifier types, as the spec spells them.
IDENTIFIER_TYPES: Final = frozenset(
    {
        "Case Number", "Unique Pupil Number", "NHS Number", "Home Office Registration",
        "National Insurance Number", "YOT Number", "Court Case Number", "RAA ID", "Incident ID",
    }
)  # fmt: skip
#: LEGA003A legal status: the SSDA903 LS code list.
LEGAL_STATUS_CODES: Final = frozenset(
    {"C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"}
)
#: CLAE004A reason for new episode: the SSDA903 RNE code list.
RNE_CODES: Final = frozenset({"S", "L", "P", "T", "B", "U"})
#: CLAE009A category of need: the SSDA903 CIN code list.
CIN_CODES: Final = frozenset({"N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"})
#: CLAE006A reason episode ceased: the SSDA903 REC code list.
REC_CODES: Final = frozenset(
    {
        "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41", "E45", "E46",
        "E47", "E48", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9", "X1",
    }
)  # fmt: skip
#: CLAP004A placement type: the SSDA903 PLACE list of 2025-26 (Z1 is now Z11-Z14, H5 gone).
PLACE_CODES: Final = frozenset(
    {
        "A3", "A4", "A5", "A6", "K1", "K2", "K3", "P1", "P3", "R1", "R2", "R3", "R5", "S1",
        "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z11", "Z12",
        "Z13", "Z14",
    }
)  # fmt: skip
#: CLAP007A placement provider: the SSDA903 PLACE_PROVIDER list.
PROVIDER_CODES: Final = frozenset({"PR0", "PR1", "PR2", "PR3", "PR4", "PR5"})
#: MISS004A episode type: M missing, A away from placement without authorisation.
MISSING_TYPES: Final = frozenset({"M", "A"})
#: MISS006A and MISS007A: Y, N, NA, or blank (not known).
RHI_ANSWERS: Final = frozenset({"Y", "N", "NA"})

#: The names of the code lists, as problems name them.
CODE_LISTS: Final[dict[frozenset[str], str]] = {
    SEX_CODES: "the SSD sex codes (F, M, U)",
    ETHNICITY_CODES: "the DfE ethnicity codes",
    IDENTIFIER_TYPES: "the SSD linked identifier types",
    LEGAL_STATUS_CODES: "the SSDA903 legal status (LS) codes",
    RNE_CODES: "the SSDA903 reason for new episode (RNE) codes",
    CIN_CODES: "the SSDA903 category of need (CIN) codes",
    REC_CODES: "the SSDA903 reason episode ceased (REC) codes",
    PLACE_CODES: "the SSDA903 2025-26 placement type (PLACE) codes",
    PROVIDER_CODES: "the SSDA903 placement provider (PLACE_PROVIDER) codes",
    MISSING_TYPES: "the SSD missing episode types (M, A)",
    RHI_ANSWERS: "the SSD return interview answers (Y, N, NA)",
}


# --- rows --------------------------------------------------------------------------------------
# Plain (not frozen) dataclasses: a frozen one's constructor sets each field through
# `object.__setattr__`, four times the cost, and an extract makes half a million rows.


@dataclass(slots=True)
class PersonRow:
    person_id: str
    forename: str
    surname: str
    sex: str
    ethnicity: str
    dob: date | None
    nhs_number: str
    upn_unknown: str
    death_date: date | None


@dataclass(slots=True)
class IdentifierRow:
    ssd_id: str
    person_id: str
    kind: str
    value: str
    valid_from: date | None
    valid_to: date | None


@dataclass(slots=True)
class AddressRow:
    ssd_id: str
    person_id: str
    address: str  # the address's lines, ", " between them (from the spec's JSON)
    address_type: str
    start: date | None
    end: date | None
    postcode: str


@dataclass(slots=True)
class LegalStatusRow:
    ssd_id: str
    person_id: str
    code: str
    start: date | None
    end: date | None


@dataclass(slots=True)
class CareEpisodeRow:
    ssd_id: str
    person_id: str
    start: date
    rne: str
    cin: str
    end: date | None
    rec: str
    period_id: str
    placement_id: str


@dataclass(slots=True)
class PlacementRow:
    ssd_id: str
    person_id: str
    period_id: str
    start: date
    end: date | None
    place: str
    provider: str
    urn: str
    postcode: str
    change_reason: str


@dataclass(slots=True)
class ProfessionalRow:
    ssd_id: str
    name: str
    job_title: str


@dataclass(slots=True)
class InvolvementRow:
    ssd_id: str
    person_id: str
    professional_id: str
    role: str
    team: str
    start: date | None
    end: date | None


@dataclass(slots=True)
class MissingRow:
    ssd_id: str
    person_id: str
    start: datetime
    kind: str
    end: datetime | None
    rhi_offered: str
    rhi_accepted: str


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int | None
    field: str
    reason: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}, line {self.line}"
        return f"{where}, {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"


@dataclass
class Extract:
    persons: list[PersonRow] = field(default_factory=list)
    identifiers: list[IdentifierRow] = field(default_factory=list)
    addresses: list[AddressRow] = field(default_factory=list)
    legal_statuses: list[LegalStatusRow] = field(default_factory=list)
    care_episodes: list[CareEpisodeRow] = field(default_factory=list)
    placements: list[PlacementRow] = field(default_factory=list)
    professionals: list[ProfessionalRow] = field(default_factory=list)
    involvements: list[InvolvementRow] = field(default_factory=list)
    missing: list[MissingRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: How many problems there were (more than `problems` holds past `MAX_PROBLEMS`).
    problem_count: int = 0

    def counts(self) -> dict[str, int]:
        return {table: len(getattr(self, attribute)) for table, attribute in TABLES.items()}


#: Each table's file stem and the `Extract` attribute its rows go to.
TABLES: Final[dict[str, str]] = {
    "ssd_person": "persons",
    "ssd_linked_identifiers": "identifiers",
    "ssd_address": "addresses",
    "ssd_legal_status": "legal_statuses",
    "ssd_cla_episodes": "care_episodes",
    "ssd_cla_placement": "placements",
    "ssd_professionals": "professionals",
    "ssd_involvements": "involvements",
    "ssd_missing": "missing",
}

#: The columns each table must have.
COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "ssd_person": (
        "pers_person_id", "pers_forename", "pers_surname", "pers_sex", "pers_ethnicity",
        "pers_dob", "pers_common_child_id", "pers_upn_unknown", "pers_death_date",
    ),
    "ssd_linked_identifiers": (
        "link_table_id", "link_person_id", "link_identifier_type", "link_identifier_value",
        "link_valid_from_date", "link_valid_to_date",
    ),
    "ssd_address": (
        "addr_table_id", "addr_person_id", "addr_address_json", "addr_address_type",
        "addr_address_start_date", "addr_address_end_date", "addr_address_postcode",
    ),
    "ssd_legal_status": (
        "lega_legal_status_id", "lega_person_id", "lega_legal_status",
        "lega_legal_status_start_date", "lega_legal_status_end_date",
    ),
    "ssd_cla_episodes": (
        "clae_cla_episode_id", "clae_person_id", "clae_cla_episode_start_date",
        "clae_cla_episode_start_reason", "clae_cla_primary_need_code",
        "clae_cla_episode_ceased_date", "clae_cla_episode_ceased_reason", "clae_cla_id",
        "clae_cla_placement_id",
    ),
    "ssd_cla_placement": (
        "clap_cla_placement_id", "clap_person_id", "clap_cla_id",
        "clap_cla_placement_start_date", "clap_cla_placement_end_date",
        "clap_cla_placement_type", "clap_cla_placement_provider", "clap_cla_placement_urn",
        "clap_cla_placement_postcode", "clap_cla_placement_change_reason",
    ),
    "ssd_professionals": (
        "prof_professional_id", "prof_professional_name", "prof_professional_job_title",
    ),
    "ssd_involvements": (
        "invo_involvements_id", "invo_person_id", "invo_professional_id",
        "invo_professional_role_id", "invo_professional_team", "invo_involvement_start_date",
        "invo_involvement_end_date",
    ),
    "ssd_missing": (
        "miss_table_id", "miss_person_id", "miss_missing_episode_start_date",
        "miss_missing_episode_type", "miss_missing_episode_end_date",
        "miss_missing_rhi_offered", "miss_missing_rhi_accepted",
    ),
}  # fmt: skip


class ExtractRefused(Exception):
    """The extract as a whole cannot be read: a table missing, too big, not a CSV file."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


# --- values ------------------------------------------------------------------------------------

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)([0-9][A-Z]{2})$")
_NHS = re.compile(r"^[0-9]{10}$")
_UPN = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")
#: The keys of the spec's address JSON that make its lines, in order.
_ADDRESS_KEYS: Final = ("ROOM", "FLOOR", "FLAT", "BUILDING", "HOUSE", "STREET", "TOWN")


_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?)?Z?"
)
_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?)?")


def parse_datetime(text: str) -> datetime:
    """A datetime of the extract: ISO (`2025-06-01`, `2025-06-01 22:15:00.000`,
    `2025-06-01T22:15`) or UK day/month/year (`01/06/2025 22:15`); a date alone is
    midnight. Fractions of a second, as SQL Server writes them (`.000` for datetime,
    `.0000000` for datetime2), are read and dropped. A regular expression rather than
    `strptime`, which costs ten times as much per value and an extract has hundreds of
    thousands."""
    text = text.strip()
    found = _ISO.fullmatch(text)
    if found is not None:
        year, month, day, hour, minute, second = found.groups()
    else:
        found = _UK.fullmatch(text)
        if found is None:
            raise ValueError(text)
        day, month, year, hour, minute, second = found.groups()
    return datetime(
        int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
    )


#: Dates already read, by their text: an extract's dates repeat (a few thousand days in
#: hundreds of thousands of values), so each is parsed once.
_DATES: dict[str, date] = {}
_DATES_KEPT: Final = 200_000


def parse_date(text: str) -> date:
    """A date of the extract: the date part of a datetime, the time (midnight) dropped."""
    known = _DATES.get(text)
    if known is not None:
        return known
    value = parse_datetime(text).date()
    if len(_DATES) < _DATES_KEPT:
        _DATES[text] = value
    return value


_POSTCODES: dict[str, str] = {}


def normal_postcode(text: str) -> str:
    """A postcode in capitals with one space before the inward code ("" when blank); the
    spec's extract writes them without spaces."""
    known = _POSTCODES.get(text)
    if known is not None:
        return known
    compact = re.sub(r"\s+", "", text).upper()
    found = _POSTCODE.match(compact)
    value = compact if found is None else f"{found.group(1)} {found.group(2)}"
    if len(_POSTCODES) < _DATES_KEPT:
        _POSTCODES[text] = value
    return value


def nhs_number_valid(number: str) -> bool:
    """Ten digits whose last is the modulus 11 check digit of the first nine."""
    if not _NHS.match(number):
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(number[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(number[9])


def address_lines(text: str) -> str:
    """The address's lines from the spec's JSON ({"ROOM": "", ..., "TOWN": ""}), or the
    text itself when it is not that JSON."""
    stripped = text.strip()
    if not stripped.startswith("{"):
        return stripped
    try:
        value = json.loads(stripped)
    except ValueError:
        return stripped
    if not isinstance(value, dict):
        return stripped
    parts = [str(value.get(key) or "").strip() for key in _ADDRESS_KEYS]
    return ", ".join(part for part in parts if part)


# --- reading -----------------------------------------------------------------------------------


class _Table:
    """One table's rows as dictionaries, with its problems."""

    def __init__(self, name: str, extract: Extract) -> None:
        self.name = name
        self.file = f"{name}.csv"
        self.extract = extract
        self.seen: set[str] = set()

    def problem(self, line: int | None, column: str, reason: str) -> None:
        self.extract.problem_count += 1
        if len(self.extract.problems) < MAX_PROBLEMS:
            self.extract.problems.append(Problem(self.file, line, column, reason))

    def key(self, line: int, row: dict[str, str], column: str) -> str | None:
        value = row[column].strip()
        if not value:
            self.problem(line, column, "is blank; every row needs its id")
            return None
        if value in self.seen:
            self.problem(line, column, f"{value} is on an earlier line too")
            return None
        self.seen.add(value)
        return value

    def person(self, line: int, row: dict[str, str], column: str, persons: set[str]) -> str:
        value = row[column].strip()
        if not value:
            self.problem(line, column, "is blank; every row needs the person's id")
        elif value not in persons:
            self.problem(line, column, f"person {value} is not in ssd_person")
        return value

    def code(
        self, line: int, row: dict[str, str], column: str, codes: frozenset[str], *, blank: bool
    ) -> str:
        value = row[column].strip()
        if not value:
            if not blank:
                self.problem(line, column, "is blank")
            return ""
        if value.upper() in codes:
            return value.upper()
        if value in codes:
            return value
        self.problem(line, column, f"{value} is not in {CODE_LISTS[codes]}")
        return value

    def day(self, line: int, row: dict[str, str], column: str, *, blank: bool) -> date | None:
        value = row[column].strip()
        if not value:
            if not blank:
                self.problem(line, column, "is blank")
            return None
        try:
            return parse_date(value)
        except ValueError:
            self.problem(line, column, f"{value!r} is not a date (YYYY-MM-DD)")
            return None

    def moment(
        self, line: int, row: dict[str, str], column: str, *, blank: bool
    ) -> datetime | None:
        value = row[column].strip()
        if not value:
            if not blank:
                self.problem(line, column, "is blank")
            return None
        try:
            return parse_datetime(value)
        except ValueError:
            self.problem(line, column, f"{value!r} is not a date and time (YYYY-MM-DD HH:MM:SS)")
            return None

    def order(
        self, line: int, column: str, start: date | None, end: date | None, what: str
    ) -> None:
        if start is not None and end is not None and end < start:
            self.problem(line, column, f"ends before it starts ({what})")


def _rows(name: str, data: bytes, table: _Table) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of one table's CSV, numbered as lines of the file (the header is line 1)."""
    try:
        data.decode("utf-8-sig")  # checked whole first, so a bad byte is named by its place
    except UnicodeDecodeError as error:
        raise ExtractRefused(
            [Problem(table.file, None, "", f"is not UTF-8 text (byte {error.start})")]
        ) from None
    csv.field_size_limit(MAX_VALUE_CHARS)
    # Decoded as it is read, not held whole as text (a StringIO of a 40 MB file of
    # addresses takes four bytes a character: 160 MB at once).
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline=""))
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise ExtractRefused([Problem(table.file, 1, "", f"cannot be read: {error}")]) from None
    if header is None:
        raise ExtractRefused([Problem(table.file, None, "", "is empty; it needs a header row")])
    if len(header) > MAX_COLUMNS:
        raise ExtractRefused(
            [Problem(table.file, 1, "", f"has {len(header)} columns; at most {MAX_COLUMNS}")]
        )
    header = [column.strip().lower() for column in header]
    missing = [column for column in COLUMNS[name] if column not in header]
    if missing:
        raise ExtractRefused(
            [
                Problem(table.file, 1, column, "is not in the header (the spec's field name)")
                for column in missing
            ]
        )
    names = COLUMNS[name]
    pick = operator.itemgetter(*(header.index(column) for column in names))
    width = len(header)
    count = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ExtractRefused(
                [Problem(table.file, reader.line_num, "", f"cannot be read: {error}")]
            ) from None
        if not values or (len(values) == 1 and not values[0].strip()):
            continue
        count += 1
        if count > MAX_TABLE_ROWS:
            raise ExtractRefused(
                [Problem(table.file, reader.line_num, "", f"has over {MAX_TABLE_ROWS:,} rows")]
            )
        if len(values) != width:
            table.problem(reader.line_num, "", f"has {len(values)} fields; the header has {width}")
            continue
        yield reader.line_num, dict(zip(names, pick(values), strict=True))


def _persons(table: _Table, data: bytes, extract: Extract) -> None:
    for line, row in _rows(table.name, data, table):
        key = table.key(line, row, "pers_person_id")
        nhs = re.sub(r"\s+", "", row["pers_common_child_id"])
        if nhs and not nhs_number_valid(nhs):
            table.problem(
                line, "pers_common_child_id", f"{nhs} is not an NHS number (10 digits, checked)"
            )
        person = PersonRow(
            person_id=key or "",
            forename=row["pers_forename"].strip(),
            surname=row["pers_surname"].strip(),
            sex=table.code(line, row, "pers_sex", SEX_CODES, blank=True) or "U",
            ethnicity=table.code(line, row, "pers_ethnicity", ETHNICITY_CODES, blank=True)
            or "NOBT",
            dob=table.day(line, row, "pers_dob", blank=True),
            nhs_number=nhs,
            upn_unknown=row["pers_upn_unknown"].strip().upper(),
            death_date=table.day(line, row, "pers_death_date", blank=True),
        )
        if key is not None:
            extract.persons.append(person)


def _identifiers(table: _Table, data: bytes, extract: Extract, persons: set[str]) -> None:
    for line, row in _rows(table.name, data, table):
        key = table.key(line, row, "link_table_id")
        person = table.person(line, row, "link_person_id", persons)
        kind = row["link_identifier_type"].strip()
        if kind not in IDENTIFIER_TYPES:
            table.problem(
                line, "link_identifier_type", f"{kind!r} is not in {CODE_LISTS[IDENTIFIER_TYPES]}"
            )
        value = row["link_identifier_value"].strip()
        if kind == "NHS Number":
            value = re.sub(r"\s+", "", value)
            if not nhs_number_valid(value):
                table.problem(
                    line, "link_identifier_value", f"{value} is not an NHS number (10 digits)"
                )
        elif kind == "Unique Pupil Number":
            value = value.upper()
            if not _UPN.match(value):
                table.problem(
                    line,
                    "link_identifier_value",
                    f"{value} is not a unique pupil number (a letter and 12 more)",
                )
        start = table.day(line, row, "link_valid_from_date", blank=True)
        end = table.day(line, row, "link_valid_to_date", blank=True)
        table.order(line, "link_valid_to_date", start, end, "valid to before valid from")
        if key is not None:
            extract.identifiers.append(IdentifierRow(key, person, kind, value, start, end))


def _addresses(table: _Table, data: bytes, extract: Extract, persons: set[str]) -> None:
    for line, row in _rows(table.name, data, table):
        key = table.key(line, row, "addr_table_id")
        person = table.person(line, row, "addr_person_id", persons)
        start = table.day(line, row, "addr_address_start_date", blank=True)
        end = table.day(line, row, "addr_address_end_date", blank=True)
        table.order(line, "addr_address_end_date", start, end, "left before moving in")
        if key is not None:
            extract.addresses.append(
                AddressRow(
                    key,
                    person,
                    address_lines(row["addr_address_json"]),
                    row["addr_address_type"].strip(),
                    start,
                    end,
                    normal_postcode(row["addr_address_postcode"]),
                )
            )


def _legal_statuses(table: _Table, data: bytes, extract: Extract, persons: set[str]) -> None:
    for line, row in _rows(table.name, data, table):
        key = table.key(line, row, "lega_legal_status_id")
        person = table.person(line, row, "lega_person_id", persons)
        code = table.code(line, row, "lega_legal_status", LEGAL_STATUS_CODES, blank=False)
        start = table.day(line, row, "lega_legal_status_start_date", blank=False)
        end = table.day(line, row, "lega_legal_status_end_date", blank=True)
        table.order(line, "lega_legal_status_end_date", start, end, "")
        if key is not None:
            extract.legal_statuses.append(LegalStatusRow(key, person, code, start, end))


def _care_episodes(table: _Table, data: bytes, extract: Extract, persons: set[str]) -> None:
    for line, row in _rows(table.name, data, table):
        key = table.key(line, row, "clae_cla_episode_id")
        person = table.person(line, row, "clae_person_id", persons)
        start = table.day(line, row, "clae_cla_episode_start_date", blank=False)
        end = table.day(line, row, "clae_cla_episode_ceased_date", blank=True)
        table.order(line, "clae_cla_episode_ceased_date", start, end, "")
        rne = table.code(line, row, "clae_cla_episode_start_reason", RNE_CODES, blank=False)
        cin = table.code(line, row, "clae_cla_primary_need_code", CIN_CODES, blank=True)
        rec = table.code(line, row, "clae_cla_episode_ceased_reason", REC_CODES, blank=True)
        if end is not None and not rec:
            table.problem(line, "clae_cla_episode_ceased_reason", "is blank for an ended episode")
        period = row["clae_cla_id"].strip()
        if key is not None and start is not None:
            extract.care_episodes.append(
                CareEpisodeRow(
                    key,
                    person,
                    start,
                    rne,
                    cin,
                    end,
                    rec,
                    period,
                    row["clae_cla_placement_id"].strip(),
                )
            )


def _placements(table: _Table, data: bytes, extract: Extract, persons: set[str]) -> None:
    for line, row in _rows(table.name, data, table):
        key = table.key(line, row, "clap_cla_placement_id")
        person = table.person(line, row, "clap_person_id", persons)
        start = table.day(line, row, "clap_cla_placement_start_date", blank=False)
        end = table.day(line, row, "clap_cla_placement_end_date", blank=True)
        table.order(line, "clap_cla_placement_end_date", start, end, "")
        place = table.code(line, row, "clap_cla_placement_type", PLACE_CODES, blank=False)
        provider = table.code(line, row, "clap_cla_placement_provider", PROVIDER_CODES, blank=True)
        if key is not None and start is not None:
            extract.placements.append(
                PlacementRow(
                    key,
                    person,
                    row["clap_cla_id"].strip(),
                    start,
                    end,
                    place,
                    provider,
                    row["clap_cla_placement_urn"].strip(),
                    normal_postcode(row["clap_cla_placement_postcode"]),
                    row["clap_cla_placement_change_reason"].strip().upper(),
                )
            )


def _professionals(table: _Table, data: bytes, extract: Extract) -> None:
    for line, row in _rows(table.name, data, table):
        key = table.key(line, row, "prof_professional_id")
        if key is not None:
            extract.professionals.append(
                ProfessionalRow(
                    key,
                    row["prof_professional_name"].strip(),
                    row["prof_professional_job_title"].strip(),
                )
            )


def _involvements(
    table: _Table, data: bytes, extract: Extract, persons: set[str], professionals: set[str]
) -> None:
    for line, row in _rows(table.name, data, table):
        key = table.key(line, row, "invo_involvements_id")
        person = table.person(line, row, "invo_person_id", persons)
        professional = row["invo_professional_id"].strip()
        if professional and professional not in professionals:
            table.problem(
                line,
                "invo_professional_id",
                f"professional {professional} is not in ssd_professionals",
            )
        start = table.day(line, row, "invo_involvement_start_date", blank=True)
        end = table.day(line, row, "invo_involvement_end_date", blank=True)
        table.order(line, "invo_involvement_end_date", start, end, "")
        if key is not None:
            extract.involvements.append(
                InvolvementRow(
                    key,
                    person,
                    professional,
                    row["invo_professional_role_id"].strip(),
                    row["invo_professional_team"].strip(),
                    start,
                    end,
                )
            )


def _missing(table: _Table, data: bytes, extract: Extract, persons: set[str]) -> None:
    for line, row in _rows(table.name, data, table):
        key = table.key(line, row, "miss_table_id")
        person = table.person(line, row, "miss_person_id", persons)
        start = table.moment(line, row, "miss_missing_episode_start_date", blank=False)
        end = table.moment(line, row, "miss_missing_episode_end_date", blank=True)
        if start is not None and end is not None and end < start:
            table.problem(line, "miss_missing_episode_end_date", "ends before it starts")
        kind = table.code(line, row, "miss_missing_episode_type", MISSING_TYPES, blank=False)
        offered = table.code(line, row, "miss_missing_rhi_offered", RHI_ANSWERS, blank=True)
        accepted = table.code(line, row, "miss_missing_rhi_accepted", RHI_ANSWERS, blank=True)
        if key is not None and start is not None:
            extract.missing.append(MissingRow(key, person, start, kind, end, offered, accepted))


def read_tables(files: dict[str, bytes]) -> Extract:
    """Read an extract from its tables' contents, by table name (`ssd_person`, ...).

    Raises `ExtractRefused` when a table is missing or cannot be read as a whole; problems
    of rows are in `Extract.problems`.
    """
    absent = [name for name in TABLES if name not in files]
    if absent:
        raise ExtractRefused(
            [
                Problem(f"{name}.csv", None, "", "is missing; the extract needs every table")
                for name in absent
            ]
        )
    for name in TABLES:
        if len(files[name]) > MAX_TABLE_BYTES:
            raise ExtractRefused(
                [Problem(f"{name}.csv", None, "", f"is over {MAX_TABLE_BYTES // MiB} MB")]
            )
    extract = Extract()

    def table(name: str) -> _Table:
        return _Table(name, extract)

    _persons(table("ssd_person"), files["ssd_person"], extract)
    persons = {p.person_id for p in extract.persons}
    _professionals(table("ssd_professionals"), files["ssd_professionals"], extract)
    professionals = {p.ssd_id for p in extract.professionals}
    steps: list[tuple[str, Callable[[_Table, bytes, Extract, set[str]], None]]] = [
        ("ssd_linked_identifiers", _identifiers),
        ("ssd_address", _addresses),
        ("ssd_legal_status", _legal_statuses),
        ("ssd_cla_episodes", _care_episodes),
        ("ssd_cla_placement", _placements),
        ("ssd_missing", _missing),
    ]
    for name, step in steps:
        step(table(name), files[name], extract, persons)
    _involvements(
        table("ssd_involvements"), files["ssd_involvements"], extract, persons, professionals
    )
    return extract


def read_directory(directory: Path) -> Extract:
    """Read an extract from a directory of `<table>.csv` files (names in any case)."""
    if not directory.is_dir():
        raise ExtractRefused([Problem(str(directory), None, "", "is not a directory")])
    found: dict[str, Path] = {}
    for path in directory.iterdir():
        stem = path.name.lower().removesuffix(".csv")
        if path.name.lower().endswith(".csv") and stem in TABLES and path.is_file():
            found[stem] = path
    problems = [
        Problem(f"{name}.csv", None, "", f"is over {MAX_TABLE_BYTES // MiB} MB")
        for name, path in found.items()
        if path.stat().st_size > MAX_TABLE_BYTES
    ]
    if problems:
        raise ExtractRefused(problems)
    return read_tables({name: path.read_bytes() for name, path in found.items()})


#: The most entries of an uploaded ZIP of an extract (its nine tables and some others).
MAX_ZIP_ENTRIES: Final = 100
#: The most an entry may unpack to, relative to its packed size (past 1 MB unpacked).
MAX_ZIP_RATIO: Final = 200


def read_zip(data: bytes, name: str = "the upload") -> Extract:
    """Read an extract from a ZIP of its `<table>.csv` files (in any folder of the ZIP;
    other files ignored). Sizes are checked from the ZIP's directory before anything is
    unpacked, and again while unpacking."""
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ExtractRefused([Problem(name, None, "", "is not a ZIP file")]) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise ExtractRefused([Problem(name, None, "", f"has over {MAX_ZIP_ENTRIES} files")])
        wanted: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            base = info.filename.replace("\\", "/").rsplit("/", 1)[-1]
            stem = base.lower().removesuffix(".csv")
            if info.is_dir() or not base.lower().endswith(".csv") or stem not in TABLES:
                continue
            if stem in wanted:
                raise ExtractRefused([Problem(base, None, "", "is in the ZIP twice")])
            limit_problem = _zip_entry_problem(base, info)
            if limit_problem is not None:
                raise ExtractRefused([limit_problem])
            wanted[stem] = info
        files: dict[str, bytes] = {}
        for stem, info in wanted.items():
            with archive.open(info) as handle:
                content = handle.read(MAX_TABLE_BYTES + 1)
            if len(content) > MAX_TABLE_BYTES:
                raise ExtractRefused(
                    [Problem(f"{stem}.csv", None, "", f"is over {MAX_TABLE_BYTES // MiB} MB")]
                )
            files[stem] = content
    return read_tables(files)


def _zip_entry_problem(name: str, info: object) -> Problem | None:
    size = getattr(info, "file_size", 0)
    packed = max(1, getattr(info, "compress_size", 0))
    if size > MAX_TABLE_BYTES:
        return Problem(name, None, "", f"is over {MAX_TABLE_BYTES // MiB} MB unpacked")
    if size > MiB and size / packed > MAX_ZIP_RATIO:
        return Problem(name, None, "", f"unpacks to over {MAX_ZIP_RATIO} times its size")
    return None
