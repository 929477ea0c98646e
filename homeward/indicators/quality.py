"""The data-quality report that goes beside every indicator table.

Records that are valid under the contract but that an analyst must look at: they are
counted as the contract says, and listed here so that they can be put right at source.
"""

from __future__ import annotations

import polars as pl

from homeward.indicators.inputs import INTERVIEW_ROW, LINE, CheckedInputs, interview_rows

#: Each check: its name and what it means, in plain words (also in docs/indicators.md).
CHECKS = {
    "error": "a row with an error, left out of the indicators (only with --skip-bad-rows)",
    "completed_before_return": "the interview was completed before the episode's return",
    "completed_before_referral": (
        "the interview was completed before the authority was notified of the return"
    ),
    "episode_open": "the child has not returned (returned_at is empty)",
    "interview_without_episode": "no episode names this interview in its rhi_id",
    "notified_before_start": "the notification came before the episode started",
    "notified_before_return": "the notification of the return came before the return",
    "declined_without_who": "the outcome is declined but declined_by is empty",
    "completed_but_declined": "the interview has a completion but its outcome is declined",
}

QUALITY_SCHEMA = {
    "check": pl.String,
    "file": pl.String,
    "line": pl.Int64,
    "record_id": pl.String,
    "column": pl.String,
    "detail": pl.String,
}


def _records(
    frame: pl.DataFrame, mask: pl.Expr, check: str, source: str, id_column: str, column: str
) -> pl.DataFrame:
    return (
        frame.lazy()
        .filter(mask)
        .select(
            pl.lit(check).alias("check"),
            pl.lit(source).alias("file"),
            pl.col(LINE).cast(pl.Int64).alias("line"),
            pl.col(id_column).alias("record_id"),
            pl.lit(column).alias("column"),
            pl.lit(CHECKS[check]).alias("detail"),
        )
        .collect()
    )


def quality_report(inputs: CheckedInputs) -> pl.DataFrame:
    """Every record that needs a look, one row per finding, ordered by check, file and line."""
    ep = inputs.episodes
    iv = inputs.interviews
    es, is_ = inputs.episodes_source, inputs.interviews_source
    link = interview_rows(ep, iv)
    joined = ep.select(LINE, "episode_id", "returned_at", "notified_at").with_columns(
        iv["completed_at"].gather(link)
    )
    used = link.drop_nulls().unique().implode()
    parts = [
        pl.DataFrame(
            {
                "check": ["error"] * len(inputs.problems),
                "file": [p.file for p in inputs.problems],
                "line": [p.line for p in inputs.problems],
                "record_id": [None] * len(inputs.problems),
                "column": [p.column for p in inputs.problems],
                "detail": [p.reason for p in inputs.problems],
            },
            schema=QUALITY_SCHEMA,
        ),
        _records(
            joined,
            pl.col("completed_at") < pl.col("returned_at"),
            "completed_before_return",
            es,
            "episode_id",
            "returned_at",
        ),
        _records(
            joined,
            pl.col("completed_at") < pl.col("notified_at"),
            "completed_before_referral",
            es,
            "episode_id",
            "notified_at",
        ),
        _records(
            ep, pl.col("returned_at").is_null(), "episode_open", es, "episode_id", "returned_at"
        ),
        _records(
            iv.with_row_index(INTERVIEW_ROW),
            ~pl.col(INTERVIEW_ROW).is_in(used),
            "interview_without_episode",
            is_,
            "rhi_id",
            "rhi_id",
        ),
        _records(
            ep,
            pl.col("notified_at") < pl.col("started_at"),
            "notified_before_start",
            es,
            "episode_id",
            "notified_at",
        ),
        _records(
            ep,
            pl.col("notified_at") < pl.col("returned_at"),
            "notified_before_return",
            es,
            "episode_id",
            "notified_at",
        ),
        _records(
            iv,
            (pl.col("outcome") == "declined") & pl.col("declined_by").is_null(),
            "declined_without_who",
            is_,
            "rhi_id",
            "declined_by",
        ),
        _records(
            iv,
            (pl.col("outcome") == "declined") & pl.col("completed_at").is_not_null(),
            "completed_but_declined",
            is_,
            "rhi_id",
            "completed_at",
        ),
    ]
    return pl.concat(parts)


def quality_summary(report: pl.DataFrame) -> dict[str, int]:
    """How many findings of each check, every check listed (zero when none)."""
    counts = dict(report.group_by("check").len().iter_rows())
    return {check: int(counts.get(check, 0)) for check in CHECKS}
