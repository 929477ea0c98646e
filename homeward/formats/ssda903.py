"""The DfE SSDA903 return's Missing table, with the Header and Episodes rows it needs.

The SSDA903 ("903") is the statutory return on looked-after children in England. Its
Missing table records each period a looked-after child was missing (`M`) or away from
placement without authorisation (`A`); DfE's validator (`csc-validator-be-903`) checks it
against the child's Header row (id, date of birth) and Episodes rows (the period of care).
homeward holds the missing and away episodes; it writes the Header and Episodes rows for
those children from what it records, with the defaults below where it records nothing.
docs/returns-ssda903.md lists every code mapping and default.

Which rows belong in a collection year (1 April to 31 March, named by the year it ends):

- a missing or away episode that started in the year while the child was looked after
  (on or after the start of the period of care, before the 18th birthday, after birth);
- an episode started before the year and still open at its start (it was in last year's
  return with no end date, so DfE expects it again with the same start: rule 576);
- an episode still open at the year end, or ended after it, has a blank end date;
- a child's episodes never overlap (rule 574): an episode recorded as still open, or as
  ending after the child's next episode began, ends the day the next one began;
- a period of care ends at the 18th birthday: a child who turned 18 in the year has an
  end of episode then, and an episode open at the birthday ends on it (rules 575, 577, 580).

Pure Python: no Django. `homeward.returns.ssda903` reads the records into these classes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from homeward.formats.safe import safe_text

HEADER_COLUMNS = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODES_COLUMNS = (
    "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
)  # fmt: skip
MISSING_COLUMNS = ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END")

#: The tables, by the file names homeward writes them to.
TABLES = {
    "header.csv": HEADER_COLUMNS,
    "episodes.csv": EPISODES_COLUMNS,
    "missing.csv": MISSING_COLUMNS,
}
#: Date columns of each table, and whether a blank is allowed there.
DATE_COLUMNS = {
    "header.csv": {"DOB": False, "MC_DOB": True},
    "episodes.csv": {"DECOM": False, "DEC": True},
    "missing.csv": {"DOB": False, "MIS_START": False, "MIS_END": True},
}
DATE_FORMAT = "%d/%m/%Y"
_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")

# --- code mappings (homeward's stored values to 903 codes) ------------------------------------

#: homeward's Sex to the 903 SEX of the 2025-26 validator: M, F, or U (not known).
SEX = {"male": "M", "female": "F", "unknown": "U"}

#: homeward records the DfE census ethnicity codes the 903 uses; the same code is written.
ETHNIC = {
    code: code
    for code in (
        "WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
        "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
    )
}  # fmt: skip

#: homeward's PlacementType to the 903 PLACE (2025-26 code list). homeward records the kind
#: of placement only, so each maps to the commonest 903 code of that kind.
PLACE = {
    "foster": "U6",  # with another foster carer, not long term or fostering for adoption
    "childrens_home": "K2",  # children's home subject to the Children's Homes Regulations
    "semi_independent": "K3",  # supported accommodation (not a children's home)
    "residential_school": "S1",  # residential school
    "placed_with_parents": "P1",  # placed with own parent(s)
    "secure": "K1",  # secure children's home
    "other": "Z14",  # the 2025-26 subdivision of the former Z1 "other placement"
}
#: The 903 PLACE_PROVIDER for each PLACE homeward writes (blank where none is allowed).
PLACE_PROVIDER = {
    "U6": "PR1",  # the authority's own foster carers
    "K2": "PR4",  # private provision (most children's home places)
    "K3": "PR4",  # private provision
    "S1": "PR4",  # private provision
    "P1": "PR0",  # parent or other person with parental responsibility
    "K1": "PR2",  # another authority's provision (few authorities run a secure home)
    "Z14": "",  # rule 213: no provider for an "other placement"
}
#: The PLACE written when homeward has no placement type for a looked-after child.
DEFAULT_PLACE = "U6"
#: LS (legal status): homeward does not record the order; a full care order is commonest.
DEFAULT_LS = "C2"
#: RNE (reason for new episode): the one episode written is the start of the period of care.
RNE_STARTED = "S"
#: CIN (category of need): not recorded by homeward; abuse or neglect is the commonest.
DEFAULT_CIN = "N1"
#: REC (reason episode ceased) at the 18th birthday: homeward does not record how the
#: period ended; E8 ("any other reason") is what rule 580 asks of a child missing then.
REC_AT_EIGHTEEN = "E8"
#: UPN when homeward has none: UN4, "UPN not yet obtained".
UPN_NOT_OBTAINED = "UN4"
#: MOTHER: homeward does not record whether a girl is a mother; 0 (not a mother) is written
#: for girls (rule 393 needs a value), blank for others.
MOTHER_DEFAULT = "0"
#: The 903 MISSING codes: missing (whereabouts not known) and away without authorisation
#: (whereabouts known). homeward's "absent" is not the 903's away: see `missing_table`.
MISSING = {"missing": "M", "absent": "A"}

DEGRADE_REFUSED = (
    "The SSDA903 return goes to DfE as a statutory return and carries full dates of birth "
    "and postcodes: it cannot be degraded. Export it without degrade."
)


# --- the records -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingEpisode:
    """A missing (`M`) or away (`A`) episode: the days it started and ended (None: open),
    and, where known, the times (UK wall-clock), which tell two records of one absence from
    two absences on one day."""

    kind: str
    start: date
    end: date | None = None
    reference: str = ""
    started_at: datetime | None = None
    returned_at: datetime | None = None

    def as_record(self, who: str) -> HomewardEpisode:
        """The episode as `missing_table` reads it (`A`: whereabouts known)."""
        start = self.started_at or datetime.combine(self.start, datetime.min.time())
        end = self.returned_at
        if end is None and self.end is not None:
            end = datetime.combine(self.end, datetime.min.time())
        return HomewardEpisode(
            person_id=who,
            category="absent" if self.kind == AWAY else "missing",
            start=start,
            end=end,
            whereabouts_known=self.kind == AWAY,
            reference=self.reference,
        )


@dataclass(frozen=True)
class LookedAfterChild:
    """A looked-after child as the 903 needs them, with their missing and away episodes.

    `sex`, `ethnicity` and `placement` are homeward's codes; `legal_status` is the 903 LS.
    `period_start` is when the current period of care began (the 903 DECOM).
    """

    child_id: str
    sex: str
    dob: date | None
    ethnicity: str
    upn: str
    period_start: date | None
    placement: str = ""
    placement_postcode: str = ""
    legal_status: str = DEFAULT_LS
    episodes: tuple[MissingEpisode, ...] = ()


@dataclass
class Ssda903Tables:
    """The three tables' rows (text, in their columns' order), and what was left out."""

    header: list[tuple[str, ...]] = field(default_factory=list)
    episodes: list[tuple[str, ...]] = field(default_factory=list)
    missing: list[tuple[str, ...]] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- the year --------------------------------------------------------------------------------


def collection_year(start: date, end: date) -> str:
    """The 903 collection year of `start`..`end` ("2026" for 1 April 2025 to 31 March 2026).

    The 903 covers one financial year; any other span is refused.
    """
    if not (start.month, start.day, end.month, end.day) == (4, 1, 3, 31) or (
        end.year != start.year + 1
    ):
        raise ValueError(
            f"The SSDA903 covers one collection year, 1 April to 31 March; "
            f"{start:%d/%m/%Y} to {end:%d/%m/%Y} is not one."
        )
    return str(end.year)


def eighteenth_birthday(born: date) -> date:
    """The 18th birthday (1 March for a 29 February birth in a common year)."""
    try:
        return born.replace(year=born.year + 18)
    except ValueError:
        return date(born.year + 18, 3, 1)


def fmt(day: date | None) -> str:
    """A 903 date: dd/mm/YYYY, blank for None."""
    return "" if day is None else day.strftime(DATE_FORMAT)


# --- the tables ------------------------------------------------------------------------------


def ssda903_tables(
    children: Iterable[LookedAfterChild], *, start: date, end: date, degrade: bool = False
) -> Ssda903Tables:
    """The Header, Episodes and Missing rows of the collection year `start`..`end`.

    Only children with a missing or away episode in the year are written (homeward's part of
    the return); each has one Header row and one Episodes row (the period of care). A child
    the 903 cannot carry (no date of birth, no start of care, not looked after in the year)
    is left out, with a note saying why. See the module's text for the episodes' rules.
    """
    if degrade:
        raise ValueError(DEGRADE_REFUSED)
    collection_year(start, end)
    out = Ssda903Tables()
    for child in sorted(children, key=lambda c: c.child_id):
        _child_rows(child, start, end, out)
    return out


def _child_rows(child: LookedAfterChild, start: date, end: date, out: Ssda903Tables) -> None:
    who = child.child_id
    if not any(e.start <= end and (e.end is None or e.end >= start) for e in child.episodes):
        return  # nothing in the year: not part of homeward's tables, nothing to say
    if child.dob is None:
        out.notes.append(f"{who}: left out, no date of birth recorded (the Header needs DOB).")
        return
    if child.period_start is None:
        out.notes.append(
            f"{who}: left out, looked after but no start of care (looked after since) "
            "recorded: the Episodes table cannot be written without DECOM."
        )
        return
    if child.period_start <= child.dob:
        out.notes.append(f"{who}: left out, looked after since a date not after birth.")
        return
    adult = eighteenth_birthday(child.dob)
    if child.period_start > end or child.period_start >= adult or adult <= start:
        out.notes.append(f"{who}: left out, not looked after in the year.")
        return
    care_ends = adult if adult <= end else None
    rows = _missing_rows(child, start, end, care_ends, out.notes)
    if not rows:
        return
    place = PLACE.get(child.placement, DEFAULT_PLACE)
    sex = SEX.get(child.sex, "U")
    dob = fmt(child.dob)
    out.children.append(who)
    out.header.append(
        (
            who,
            sex,
            dob,
            ETHNIC.get(child.ethnicity, "NOBT"),
            (child.upn or UPN_NOT_OBTAINED).strip().upper(),
            MOTHER_DEFAULT if sex == "F" else "",
            "",
        )
    )
    out.episodes.append(
        (
            who,
            fmt(child.period_start),
            RNE_STARTED,
            child.legal_status or DEFAULT_LS,
            DEFAULT_CIN,
            place,
            PLACE_PROVIDER[place],
            fmt(care_ends),
            REC_AT_EIGHTEEN if care_ends else "",
            "",
            "",
            " ".join(child.placement_postcode.upper().split()),
            "",
        )
    )
    out.missing.extend((who, dob, kind, fmt(s), fmt(e)) for kind, s, e in rows)


def _missing_rows(
    child: LookedAfterChild, start: date, end: date, care_ends: date | None, notes: list[str]
) -> list[tuple[str, date, date | None]]:
    """The child's episodes in the year, as (MISSING, MIS_START, MIS_END), by the same
    rules as beside the case system (`missing_table`), with the child's one period of care
    (from the start of care to the 18th birthday)."""
    assert child.dob is not None and child.period_start is not None
    who = child.child_id
    row = CareEpisode(who, child.period_start, care_ends)
    period = PeriodOfCare(who, child.period_start, care_ends, (row,))
    records = [e.as_record(who) for e in child.episodes if e.kind in MISSING.values()]
    for e in child.episodes:
        if e.kind not in MISSING.values():
            notes.append(f"{who} {e.reference or fmt(e.start)}: left out, type {e.kind!r}.")
    return _child_missing(who, child.dob, [period], records, start, end, notes)


# --- files -----------------------------------------------------------------------------------


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """A 903 CSV file: the header line, then the rows; UTF-8 without a byte-order mark (the
    validator recognises a table by its column names), every text cell formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"a row of {len(row)} cells for {len(columns)} columns")
        writer.writerow([safe_text(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def ssda903_files(tables: Ssda903Tables) -> dict[str, bytes]:
    """The three CSV files, by name (header.csv, episodes.csv, missing.csv)."""
    return {
        "header.csv": write_csv(HEADER_COLUMNS, tables.header),
        "episodes.csv": write_csv(EPISODES_COLUMNS, tables.episodes),
        "missing.csv": write_csv(MISSING_COLUMNS, tables.missing),
    }


def check_file(name: str, data: bytes) -> list[str]:
    """Structural problems of a 903 CSV file homeward wrote, as "file, line N, FIELD: why".

    The header must be exactly the table's columns; every line has as many cells; dates are
    dd/mm/YYYY real dates (blank only where the field allows); MISSING is M or A and SEX is
    M, F or U. An empty list: the file is well formed.
    """
    columns = TABLES.get(name)
    if columns is None:
        return [f"{name}: not an SSDA903 table homeward writes ({', '.join(TABLES)})"]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return [f"{name}: not UTF-8 ({error.reason})"]
    if text.startswith("\ufeff"):
        return [f"{name}: starts with a byte-order mark (the validator cannot read it)"]
    lines = list(csv.reader(io.StringIO(text)))
    if not lines or tuple(lines[0]) != columns:
        found = ",".join(lines[0]) if lines else "nothing"
        return [f"{name}, line 1: header is {found}, should be {','.join(columns)}"]
    problems = []
    dates = DATE_COLUMNS[name]
    for number, cells in enumerate(lines[1:], start=2):
        where = f"{name}, line {number}"
        if len(cells) != len(columns):
            problems.append(f"{where}: {len(cells)} cells, should be {len(columns)}")
            continue
        row = dict(zip(columns, cells, strict=True))
        for column, blank_allowed in dates.items():
            value = row[column]
            if not value:
                if not blank_allowed:
                    problems.append(f"{where}, {column}: blank, a date is required")
                continue
            if not _DATE.match(value):
                problems.append(f"{where}, {column}: {value!r} is not dd/mm/YYYY")
                continue
            try:
                datetime.strptime(value, DATE_FORMAT)
            except ValueError:
                problems.append(f"{where}, {column}: {value!r} is not a real date")
        if name == "missing.csv" and row["MISSING"] not in MISSING.values():
            problems.append(f"{where}, MISSING: {row['MISSING']!r} is not M or A")
        if name == "header.csv" and row["SEX"] not in SEX.values():
            problems.append(f"{where}, SEX: {row['SEX']!r} is not M, F or U")
    return problems


# --- the Missing table beside the case system's own 903 ---------------------------------------
#
# An authority's case system writes its 903 Header and Episodes (every looked-after child,
# every placement); homeward writes the Missing table for them, keyed by the case system's
# person id, by DfE's guidance:
#
# - a row is a missing (M) or away-without-authorisation (A) episode of a child who was
#   looked after when it began: its start falls in one of the child's periods of care (the
#   case system's Episodes rows, joined where one ends the day the next begins), whatever
#   the child went missing from (a looked-after child placed with parents who goes missing
#   from home is in it);
# - the year's rows: those starting in the year, and those started before it and still open
#   at its start (rule 576 expects those again with the same start);
# - MIS_END is the day the child was found or returned; blank while still missing at the
#   year end. It is never taken from the next episode. Two ends DfE's rules require, each
#   with a note: care ending while the child is away ends the row (rule 577), and so does
#   the placement ending while the child is still missing (rule 575); a child back after a
#   change of placement keeps the day back;
# - one absence recorded twice (two records whose times overlap, or that begin at the same
#   moment) is one row, from the first start to the latest return recorded by either (open
#   only if neither records one), with a note: never a duplicate, never a 0-day row beside
#   the real one;
# - M or A: the 903's A is "away from placement without authorisation, whereabouts known";
#   its M is "whereabouts not known". homeward's "absent" is the police's older category
#   (not where expected, no apparent risk), which says nothing about whereabouts, so an
#   episode is A only when the whereabouts were known while the child was away
#   (`HomewardEpisode.whereabouts_known`), and M otherwise, whatever its category.

#: The 903 MISSING code for an episode: A only when the child's whereabouts were known.
AWAY, MISSING_CODE = "A", "M"


@dataclass(frozen=True)
class CareEpisode:
    """One row of the case system's 903 Episodes table (a placement or legal status spell):
    the person id, DECOM and DEC (None: still open), and the codes the Missing table uses."""

    child: str
    decom: date
    dec: date | None = None
    ls: str = ""
    rne: str = ""
    rec: str = ""
    place: str = ""


@dataclass(frozen=True)
class PeriodOfCare:
    """A child's period of care: Episodes rows joined where one ends the day the next
    begins (the validator's own reading, rules 577 and 578). `end` None: still in care."""

    child: str
    start: date
    end: date | None
    rows: tuple[CareEpisode, ...]

    def holds(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class HomewardEpisode:
    """A missing or absent episode as homeward records it: the case system's person id,
    homeward's category ("missing" or "absent"), what the child went missing from ("home"
    or "care"), when it began and when the child was found or returned (None: still
    missing), in UK wall-clock time, and whether the child's whereabouts were known while
    away. The times tell two records of one absence from two absences on one day; the
    Missing table carries the days."""

    person_id: str
    category: str
    start: datetime
    end: datetime | None = None
    missing_from: str = ""
    whereabouts_known: bool = False
    reference: str = ""


@dataclass
class MissingTable:
    """The Missing table's rows (text, in MISSING_COLUMNS order), its children (person ids,
    in order) and what was left out or changed, one note each."""

    rows: list[tuple[str, ...]] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def periods_of_care(rows: Iterable[CareEpisode]) -> dict[str, list[PeriodOfCare]]:
    """Each child's periods of care, in order, from their Episodes rows (any years')."""
    by_child: dict[str, list[CareEpisode]] = {}
    for row in rows:
        by_child.setdefault(row.child, []).append(row)
    periods: dict[str, list[PeriodOfCare]] = {}
    for child, spells in by_child.items():
        unique = sorted(set(spells), key=lambda r: (r.decom, r.dec or date.max))
        current: list[CareEpisode] = []
        end: date | None = None
        found: list[PeriodOfCare] = []
        for row in unique:
            if current and end is not None and row.decom > end:
                found.append(PeriodOfCare(child, current[0].decom, end, tuple(current)))
                current = []
            if not current:
                end = row.dec
            elif end is not None:
                end = None if row.dec is None else max(end, row.dec)
            current.append(row)
        if current:
            found.append(PeriodOfCare(child, current[0].decom, end, tuple(current)))
        periods[child] = found
    return periods


def _absences(
    who: str, episodes: list[HomewardEpisode], notes: list[str]
) -> list[tuple[str, date, date | None, str]]:
    """One child's absences: overlapping records joined, as (code, start, end, label)."""
    joined: list[tuple[str, date, date | None, str]] = []
    group: list[HomewardEpisode] = []

    def close() -> None:
        if not group:
            return
        first = group[0]
        ends = [e.end.date() for e in group if e.end is not None]
        end = max(ends) if ends else None
        known = all(e.whereabouts_known for e in group)
        label = f"{who} {first.reference or fmt(first.start.date())}"
        if len(group) > 1:
            others = ", ".join(e.reference or fmt(e.start.date()) for e in group[1:])
            notes.append(
                f"{label}: recorded more than once ({others}); written once, "
                f"{fmt(first.start.date())} to {fmt(end) or 'still missing'}."
            )
        joined.append((AWAY if known else MISSING_CODE, first.start.date(), end, label))

    def last_end() -> datetime | None:
        ends = [e.end for e in group]
        return None if None in ends else max(e for e in ends if e is not None)

    for episode in sorted(episodes, key=lambda e: (e.start, e.end or datetime.max, e.reference)):
        if episode.end is not None and episode.end < episode.start:
            notes.append(
                f"{who} {episode.reference or fmt(episode.start.date())}: left out, it ends "
                "before it starts."
            )
            continue
        if group:
            end = last_end()
            # two records of one absence: they overlap, or begin at the same moment (a
            # record closed as it was opened beside the real one is not a second absence)
            twice = any(e.start == episode.start for e in group)
            if not (end is None or episode.start < end or twice):
                close()
                group = []
        group.append(episode)
    close()
    return joined


def missing_table(
    care: Iterable[CareEpisode],
    births: dict[str, date],
    episodes: Iterable[HomewardEpisode],
    *,
    start: date,
    end: date,
) -> MissingTable:
    """The Missing table of the collection year `start`..`end` for the case system's
    children: `care` their Episodes rows (this year's and last year's), `births` their
    dates of birth from the Header (DOB), `episodes` homeward's records by person id.

    A person with no period of care is not looked after: their episodes are not the 903's
    (not noted: most missing children are not looked after).
    """
    collection_year(start, end)
    periods = periods_of_care(care)
    by_child: dict[str, list[HomewardEpisode]] = {}
    for episode in episodes:
        by_child.setdefault(episode.person_id, []).append(episode)
    out = MissingTable()
    for who in sorted(by_child):
        if who not in periods:
            continue
        dob = births.get(who)
        if dob is None:
            if any(
                e.start.date() <= end and (e.end is None or e.end.date() >= start)
                for e in by_child[who]
            ):
                out.notes.append(f"{who}: left out, no Header row (DOB) for this child.")
            continue
        rows = _child_missing(who, dob, periods[who], by_child[who], start, end, out.notes)
        if rows:
            out.children.append(who)
            out.rows.extend((who, fmt(dob), code, fmt(s), fmt(e)) for code, s, e in rows)
    return out


def _child_missing(
    who: str,
    dob: date,
    periods: list[PeriodOfCare],
    episodes: list[HomewardEpisode],
    start: date,
    end: date,
    notes: list[str],
) -> list[tuple[str, date, date | None]]:
    rows: list[tuple[str, date, date | None]] = []
    for code, began, finish, label in _absences(who, episodes, notes):
        if began > end or (finish is not None and finish < start):
            continue  # another year's
        period = next((p for p in periods if p.holds(began)), None)
        if period is None:
            continue  # not looked after when it began: not the 903's
        if began <= dob:
            notes.append(f"{label}: left out, it began on or before the date of birth.")
            continue
        if period.end is not None and (finish is None or finish > period.end):
            # care ended while the child was away: the row ends with it (rule 577)
            notes.append(
                f"{label}: care ended on {fmt(period.end)} while the child was away "
                f"({'still missing' if finish is None else 'back ' + fmt(finish)}); "
                "written as ending then (rule 577)."
            )
            finish = period.end
        elif finish is None or finish > end:
            # still missing at the year end, but the placement the child went missing from
            # has ended: an open row cannot outlive it (rule 575)
            ended = [r.dec for r in period.rows if r.dec is not None and r.decom <= began <= r.dec]
            if ended:
                notes.append(
                    f"{label}: the placement ended on {fmt(min(ended))} while the child was "
                    "still missing; written as ending then (rule 575)."
                )
                finish = min(ended)
        if finish is not None and finish < start:
            continue
        rows.append((code, began, None if finish is None or finish > end else finish))
    return rows
