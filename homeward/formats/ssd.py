"""The Standard Safeguarding Dataset's `ssd_missing` table (Data to Insight), written from
homeward's episodes; and the return-interview answers of one episode, which Ofsted's
Annex A list 8 (`homeward.formats.annex_a`) asks about too.

`ssd_missing` has one row per missing or absent episode:

| field | type | homeward |
|---|---|---|
| miss_table_id | text (48) | the episode's reference |
| miss_person_id | text (48) | the child's reference (the key of `ssd_person`) |
| miss_missing_episode_start_date | datetime | when the episode started (UK time) |
| miss_missing_episode_type | text | `M` missing, `A` absent (away from placement) |
| miss_missing_episode_end_date | datetime | when the child returned; blank while missing |
| miss_missing_rhi_offered | text (2) | `Y`, `N`, `NA` or blank (NULL) |
| miss_missing_rhi_accepted | text (2) | `Y`, `N`, `NA` or blank (NULL) |

Datetimes are written `YYYY-MM-DD HH:MM:SS`, UK wall-clock time. See
docs/returns-annex-a-ssd-foi.md for how each answer is chosen.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import polars as pl

from homeward.formats.safe import safe_frame

SSD_MISSING_COLUMNS: tuple[str, ...] = (
    "miss_table_id",
    "miss_person_id",
    "miss_missing_episode_start_date",
    "miss_missing_episode_type",
    "miss_missing_episode_end_date",
    "miss_missing_rhi_offered",
    "miss_missing_rhi_accepted",
)

#: homeward's episode category → `miss_missing_episode_type`.
EPISODE_TYPES = {"missing": "M", "absent": "A"}

#: An episode's return-interview answer: yes, no, not applicable, or not known (None).
Answer = Literal["yes", "no", "not_applicable"] | None

#: `miss_missing_rhi_offered` / `_accepted` codes (the dataset's expected data: N, Y, NA, NULL).
SSD_ANSWERS: dict[str | None, str] = {"yes": "Y", "no": "N", "not_applicable": "NA", None: ""}

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class InterviewFacts:
    """What the records say about the interview covering an episode."""

    offered: bool  # an offer is recorded
    held: bool  # the interview took place
    outcome: str  # "pending", "accepted", "declined" or "no_contact"


@dataclass(frozen=True)
class EpisodeFacts:
    """One episode, as the statutory lists need it (times are naive UK wall-clock time)."""

    episode_id: str
    child_id: str
    category: str  # "missing" or "absent"
    started_at: datetime
    returned_at: datetime | None
    interview: InterviewFacts | None
    #: An imported episode's answers as the case system gave them (`ssd_missing`'s RHI
    #: codes, offered and accepted): used as they are, never worked out again.
    imported_rhi: tuple[str, str] | None = None


#: The dataset's RHI codes as answers.
SSD_CODE_ANSWERS: dict[str, Answer] = {"Y": "yes", "N": "no", "NA": "not_applicable", "": None}


def rhi_offered(episode: EpisodeFacts) -> Answer:
    """Was a return interview offered after this episode?

    Yes when an offer is recorded, or the interview was held or declined (a decline answers
    an offer). Not known while the child is still missing, or while an interview is allocated
    and nothing is recorded yet. No when the child has returned and the interview closed with
    no offer (no contact could be made), or no interview was allocated to a missing episode.
    An absent episode with no interview is not applicable: the statutory guidance asks for a
    return interview after a child has been missing.
    """
    if episode.imported_rhi is not None:
        return SSD_CODE_ANSWERS.get(episode.imported_rhi[0].upper())
    interview = episode.interview
    if interview is not None and (interview.offered or interview.held):
        return "yes"
    if interview is not None and interview.outcome == "declined":
        return "yes"
    if episode.returned_at is None:
        return None
    if interview is None:
        return "not_applicable" if episode.category == "absent" else "no"
    if interview.outcome == "no_contact":
        return "no"
    return None


def rhi_accepted(episode: EpisodeFacts) -> Answer:
    """Did the child accept the return interview?

    Yes when the interview was accepted or held; no when it was declined, no contact could be
    made, or none was offered; not applicable when the offer was; not known otherwise.
    """
    if episode.imported_rhi is not None:
        return SSD_CODE_ANSWERS.get(episode.imported_rhi[1].upper())
    offered = rhi_offered(episode)
    if offered == "not_applicable":
        return "not_applicable"
    interview = episode.interview
    if interview is not None and (interview.held or interview.outcome == "accepted"):
        return "yes"
    if interview is not None and interview.outcome in ("declined", "no_contact"):
        return "no"
    if offered == "no":
        return "no"
    return None


def _moment(value: datetime | None) -> str:
    return "" if value is None else value.strftime(DATETIME_FORMAT)


def ssd_missing_frame(episodes: Iterable[EpisodeFacts]) -> pl.DataFrame:
    """One row per episode, in the order given, every cell text (blank = NULL)."""
    rows = [
        (
            episode.episode_id,
            episode.child_id,
            _moment(episode.started_at),
            EPISODE_TYPES[episode.category],
            _moment(episode.returned_at),
            SSD_ANSWERS[rhi_offered(episode)],
            SSD_ANSWERS[rhi_accepted(episode)],
        )
        for episode in episodes
    ]
    return pl.DataFrame(rows, schema=dict.fromkeys(SSD_MISSING_COLUMNS, pl.String), orient="row")


def ssd_missing_csv(episodes: Iterable[EpisodeFacts]) -> bytes:
    """The `ssd_missing` table as UTF-8 CSV with its header; text never runs as a formula."""
    buffer = io.BytesIO()
    safe_frame(ssd_missing_frame(episodes)).write_csv(buffer)
    return buffer.getvalue()


# --- ssd_missing beside the case system: its person ids, the dataset's six-year window ------
#
# When homeward sits beside the case system, `ssd_missing` is keyed by the case system's
# person id (`miss_person_id` is `ssd_person.pers_person_id`), and it covers what the
# dataset's own extracts cover: every episode still open, or ended within the six years
# before the extract is run (`@ssd_timeframe_years = 6`), not one financial year. Episodes
# homeward imported from the case system's own extract come back exactly as they were read
# (their table id, times and codes); homeward's own episodes are coded as above, with `A`
# only when the child's whereabouts were known (the 903's meaning, see
# docs/returns-ssda903.md).

#: The dataset's window: episodes open, or ended within this many years before the run.
SSD_TIMEFRAME_YEARS = 6
#: Datetime forms read from an extract (SQL Server writes milliseconds; some, only the day).
_READ_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M", "%Y-%m-%d")
#: `miss_missing_episode_type` codes, and the RHI codes, the dataset expects.
SSD_TYPES = ("M", "A")
SSD_RHI_CODES = ("Y", "N", "NA", "")


@dataclass(frozen=True)
class SsdMissingRow:
    """One `ssd_missing` row as coded values: the table id (the case system's, for an
    imported episode; homeward's reference for its own), the person id, the start and end
    (naive UK wall-clock; end None while away), the type `M`/`A` and the RHI codes."""

    table_id: str
    person_id: str
    start: datetime
    type: str
    end: datetime | None
    rhi_offered: str
    rhi_accepted: str


class SsdFileError(ValueError):
    """An `ssd_missing` file that cannot be read: every problem as "file, line N, field: why"."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def ssd_row(
    episode: EpisodeFacts, *, person_id: str, whereabouts_known: bool = False
) -> SsdMissingRow:
    """homeward's own episode as an `ssd_missing` row, keyed by the case system's person id."""
    return SsdMissingRow(
        table_id=episode.episode_id,
        person_id=person_id,
        start=episode.started_at,
        type="A" if whereabouts_known else "M",
        end=episode.returned_at,
        rhi_offered=SSD_ANSWERS[rhi_offered(episode)],
        rhi_accepted=SSD_ANSWERS[rhi_accepted(episode)],
    )


def ssd_window_start(run_at: datetime) -> datetime:
    """The start of the dataset's window: six years before the run (28 February for 29)."""
    try:
        return run_at.replace(year=run_at.year - SSD_TIMEFRAME_YEARS)
    except ValueError:
        return run_at.replace(year=run_at.year - SSD_TIMEFRAME_YEARS, day=28)


def in_ssd_window(row: SsdMissingRow, run_at: datetime) -> bool:
    """Open, or ended on or after the window's start (the dataset's own test)."""
    return row.end is None or row.end >= ssd_window_start(run_at)


def _cells(r: SsdMissingRow) -> tuple[str | None, ...]:
    """The row's cells; a blank (NULL) is written as nothing, not as `""`."""
    start, end = _moment(r.start), _moment(r.end)
    cells = (r.table_id, r.person_id, start, r.type, end, r.rhi_offered, r.rhi_accepted)
    return tuple(cell or None for cell in cells)


def ssd_missing_extract(rows: Iterable[SsdMissingRow], *, run_at: datetime) -> bytes:
    """`ssd_missing` as the dataset's extract would give it on `run_at`: the rows in the
    six-year window, by person, start and table id; UTF-8 CSV, text formula-safe."""
    kept = sorted(
        (r for r in rows if in_ssd_window(r, run_at)),
        key=lambda r: (r.person_id, r.start, r.table_id),
    )
    frame = pl.DataFrame(
        [_cells(r) for r in kept],
        schema=dict.fromkeys(SSD_MISSING_COLUMNS, pl.String),
        orient="row",
    )
    buffer = io.BytesIO()
    safe_frame(frame).write_csv(buffer)
    return buffer.getvalue()


def _read_moment(value: str) -> datetime:
    for form in _READ_FORMATS:
        try:
            return datetime.strptime(value, form)
        except ValueError:
            continue
    raise ValueError(value)


def read_ssd_missing(name: str, data: bytes) -> list[SsdMissingRow]:
    """An `ssd_missing` CSV file (header: the dataset's field names, any order) as rows.
    Raises `SsdFileError` with every problem (unknown codes named with the dataset's list)."""
    text = data.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip() for f in reader.fieldnames or []]
    absent = [f for f in SSD_MISSING_COLUMNS if f not in fields]
    if absent:
        raise SsdFileError([f"{name}, line 1: no field {', '.join(absent)}"])
    rows: list[SsdMissingRow] = []
    problems: list[str] = []
    for number, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        where = f"{name}, line {number}"
        bad = [f"{where}, {f}: blank" for f in SSD_MISSING_COLUMNS[:3] if not row[f]]
        moments: dict[str, datetime | None] = {}
        for f in ("miss_missing_episode_start_date", "miss_missing_episode_end_date"):
            try:
                moments[f] = _read_moment(row[f]) if row[f] else None
            except ValueError:
                bad.append(f"{where}, {f}: {row[f]!r} is not a date and time")
        if row["miss_missing_episode_type"] not in SSD_TYPES:
            bad.append(
                f"{where}, miss_missing_episode_type: {row['miss_missing_episode_type']!r} "
                f"is not one of {', '.join(SSD_TYPES)}"
            )
        for f in ("miss_missing_rhi_offered", "miss_missing_rhi_accepted"):
            if row[f].upper() not in SSD_RHI_CODES and row[f].upper() != "NULL":
                bad.append(f"{where}, {f}: {row[f]!r} is not one of Y, N, NA or NULL")
        if bad:
            problems += bad
            continue
        start = moments["miss_missing_episode_start_date"]
        assert start is not None
        rows.append(
            SsdMissingRow(
                table_id=row["miss_table_id"],
                person_id=row["miss_person_id"],
                start=start,
                type=row["miss_missing_episode_type"],
                end=moments["miss_missing_episode_end_date"],
                rhi_offered=row["miss_missing_rhi_offered"].upper().replace("NULL", ""),
                rhi_accepted=row["miss_missing_rhi_accepted"].upper().replace("NULL", ""),
            )
        )
    if problems:
        raise SsdFileError(problems)
    return rows
