"""Shared generated samples and the contract checks every sample must pass."""

from __future__ import annotations

import re

import numpy as np
import polars as pl
import pytest

from homeward.standards.calendar import bank_holidays
from homeward.standards.nations import Nation, nation_from_gss_code
from homeward.synth import EPISODE_COLUMNS, INTERVIEW_COLUMNS, SynthData, generate

GSS_CODE = re.compile(r"^(E06|E07|E08|E09|E10|W06|S12|N09)\d{6}$")
ALLOWED = {
    "nation": {"england", "wales", "scotland", "northern_ireland"},
    "category": {"missing", "absent"},
    "missing_from": {"home", "care"},
    "outcome": {"accepted", "declined", "no_response"},
    "declined_by": {"child", "parent_carer"},
}
AUTHORITY_ALLOWED = {
    "nation": {"england", "wales", "scotland", "northern_ireland"},
    "clock_start": {"return", "referral"},
    "clock_unit": {"hours", "calendar_days", "working_days"},
    "bunching": {"each", "latest"},
    "provider": {"in_house", "independent", "mixed", "not_known"},
    "follow_up_support": {"yes", "sometimes", "no"},
}
SAMPLE_EPISODES = 50_000


@pytest.fixture(scope="session")
def sample() -> SynthData:
    """50,000 episodes with the default sizing (6 authorities, 7 years from 2015-04-01)."""
    return generate(episodes=SAMPLE_EPISODES, seed=7)


def values(frame: pl.DataFrame, column: str) -> set[str]:
    return set(frame.get_column(column).drop_nulls().unique().to_list())


def check_valid(data: SynthData) -> None:
    """Everything the indicator contract (`indicators.md`) requires of the two files."""
    episodes, interviews = data.episodes, data.interviews
    assert episodes.columns == list(EPISODE_COLUMNS)
    assert interviews.columns == list(INTERVIEW_COLUMNS)
    for frame, columns in (
        (episodes, ("started_at", "returned_at", "notified_at")),
        (interviews, ("offered_at", "completed_at")),
    ):
        for column in columns:
            assert frame.schema[column] == pl.Datetime("us"), column
            assert frame.get_column(column).dt.second().fill_null(0).max() in (0, None)
    for column in ("episode_id", "child_id", "authority_code", "category", "missing_from"):
        assert episodes.get_column(column).null_count() == 0, column
    assert episodes.get_column("started_at").null_count() == 0
    assert episodes.get_column("episode_id").is_unique().all()
    assert interviews.get_column("rhi_id").null_count() == 0
    assert interviews.get_column("rhi_id").is_unique().all()
    for column, allowed in ALLOWED.items():
        frame = interviews if column in interviews.columns else episodes
        assert values(frame, column) <= allowed, column
    codes = values(episodes, "authority_code") | values(interviews, "authority_code")
    assert all(GSS_CODE.match(code) for code in codes), codes
    assert codes <= values(data.authorities, "authority_code")
    # A filled nation agrees with the code's first letter.
    filled = episodes.filter(pl.col("nation").is_not_null())
    for code, nation in filled.select("authority_code", "nation").unique().iter_rows():
        assert nation_from_gss_code(code) == Nation(nation)
    # returned_at ≥ started_at; no dangling rhi_id.
    assert episodes.filter(pl.col("returned_at") < pl.col("started_at")).height == 0
    referenced = values(episodes, "rhi_id")
    assert referenced <= values(interviews, "rhi_id")
    # An interview's episodes belong to its authority.
    joined = episodes.filter(pl.col("rhi_id").is_not_null()).join(
        interviews, on="rhi_id", suffix="_interview"
    )
    assert (joined["authority_code"] == joined["authority_code_interview"]).all()
    # Completed → accepted; declined → declined_by and not completed; declined_by only then.
    completed = interviews.filter(pl.col("completed_at").is_not_null())
    assert (completed["outcome"] == "accepted").all()
    declined = interviews.filter(pl.col("outcome") == "declined")
    assert declined["declined_by"].null_count() == 0
    assert declined["completed_at"].null_count() == declined.height
    not_declined = interviews.filter(pl.col("outcome").ne_missing("declined"))
    assert not_declined["declined_by"].null_count() == not_declined.height
    # An interview records something.
    assert (
        interviews.filter(
            pl.col("offered_at").is_null()
            & pl.col("completed_at").is_null()
            & pl.col("outcome").is_null()
        ).height
        == 0
    )
    # A child's episodes do not overlap, and only a child's last episode can be open.
    ordered = episodes.sort("child_id", "started_at")
    following = ordered.with_columns(
        next_start=pl.col("started_at").shift(-1).over("child_id"),
    ).filter(pl.col("next_start").is_not_null())
    assert following["returned_at"].null_count() == 0
    assert (following["next_start"] >= following["returned_at"]).all()
    # Open episodes have no notification of a return and no interview.
    still_out = episodes.filter(pl.col("returned_at").is_null())
    assert still_out["notified_at"].null_count() == still_out.height
    assert still_out["rhi_id"].null_count() == still_out.height


def clock_starts(data: SynthData) -> pl.DataFrame:
    """Each episode with an interview, with the authority's own clock start for it
    (basis and bunching as the authority counts) and its settings."""
    settings = data.authorities.select(
        "authority_code",
        pl.col("nation").alias("authority_nation"),
        "clock_start",
        "clock_unit",
        "bunching",
    )
    frame = (
        data.episodes.join(data.interviews, on="rhi_id", suffix="_interview")
        .join(settings, on="authority_code")
        .with_columns(
            own=pl.when(pl.col("clock_start") == "return")
            .then(pl.col("returned_at"))
            .otherwise(pl.col("notified_at"))
        )
    )
    return frame.with_columns(
        clock=pl.when(pl.col("bunching") == "latest")
        .then(pl.col("own").max().over("rhi_id"))
        .otherwise(pl.col("own"))
    )


def within_own_counting(frame: pl.DataFrame) -> np.ndarray:
    """Whether each completed episode of `clock_starts` is within 72 hours as its authority
    counts: hours, calendar days or working days (indicators.md), no clock start = not."""
    clock = frame["clock"].to_numpy()
    completed = frame["completed_at"].to_numpy()
    unit = frame["clock_unit"].to_numpy()
    nation = frame["authority_nation"].to_numpy()
    clock_day = clock.astype("datetime64[D]")
    completed_day = completed.astype("datetime64[D]")
    has_clock = ~np.isnat(clock)
    within = np.zeros(frame.height, dtype=bool)
    hours = has_clock & (unit == "hours")
    within[hours] = completed[hours] <= clock[hours] + np.timedelta64(72, "h")
    days = has_clock & (unit == "calendar_days")
    within[days] = completed_day[days] <= clock_day[days] + np.timedelta64(3, "D")
    years = range(2010, 2035)
    for member in Nation:
        here = has_clock & (unit == "working_days") & (nation == member.value)
        holidays = np.array(sorted(bank_holidays(member, years)), dtype="datetime64[D]")
        due = np.busday_offset(clock_day[here], 3, roll="backward", holidays=holidays)
        within[here] = completed_day[here] <= due
    return within


def financial_year(column: str) -> pl.Expr:
    day = pl.col(column)
    return day.dt.year() - (day.dt.month() < 4).cast(pl.Int32)
