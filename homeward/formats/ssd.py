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


def rhi_offered(episode: EpisodeFacts) -> Answer:
    """Was a return interview offered after this episode?

    Yes when an offer is recorded, or the interview was held or declined (a decline answers
    an offer). Not known while the child is still missing, or while an interview is allocated
    and nothing is recorded yet. No when the child has returned and the interview closed with
    no offer (no contact could be made), or no interview was allocated to a missing episode.
    An absent episode with no interview is not applicable: the statutory guidance asks for a
    return interview after a child has been missing.
    """
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
