"""Rates of the 50,000-episode sample against the national figures (ECRC 2019 and others).

Tolerances are wide enough for sampling noise and narrow enough to catch a broken rule.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from homeward.standards.calendar import bank_holidays
from homeward.standards.nations import Nation, nation_from_gss_code
from homeward.synth import SynthData

from .conftest import clock_starts, financial_year, within_own_counting


def _with_interviews(sample: SynthData) -> pl.DataFrame:
    return sample.episodes.join(sample.interviews, on="rhi_id", how="left", suffix="_interview")


def _share(frame: pl.DataFrame, condition: pl.Expr) -> float:
    return frame.select(condition.fill_null(False).mean()).item()  # type: ignore[no-any-return]


def test_interview_rates_match_the_national_figures(sample: SynthData) -> None:
    joined = _with_interviews(sample)
    assert 0.76 <= _share(joined, pl.col("offered_at").is_not_null()) <= 0.82
    assert 0.50 <= _share(joined, pl.col("completed_at").is_not_null()) <= 0.56
    assert 0.15 <= _share(joined, pl.col("outcome") == "declined") <= 0.21


def test_declines_by_both_child_and_parent_carer(sample: SynthData) -> None:
    counts = dict(sample.interviews["declined_by"].value_counts().drop_nulls().iter_rows())
    assert counts.get("child", 0) > counts.get("parent_carer", 0) > 0


def test_every_outcome_and_completions_without_an_offer_occur(sample: SynthData) -> None:
    interviews = sample.interviews
    assert set(interviews["outcome"].drop_nulls().unique()) == {
        "accepted",
        "declined",
        "no_response",
    }
    assert interviews["outcome"].null_count() > 0
    unoffered = interviews.filter(
        pl.col("offered_at").is_null() & pl.col("completed_at").is_not_null()
    )
    assert 0.005 <= unoffered.height / sample.episodes.height <= 0.04
    pending = interviews.filter(
        (pl.col("outcome") == "accepted") & pl.col("completed_at").is_null()
    )
    assert pending.height > 0


def test_most_completions_are_within_72_hours_as_the_authority_counts(
    sample: SynthData,
) -> None:
    completed = clock_starts(sample).filter(pl.col("completed_at").is_not_null())
    within = within_own_counting(completed)
    assert 0.55 <= within.mean() <= 0.67
    # Late ones spread out to weeks.
    late = completed.filter(~pl.Series(within) & pl.col("clock").is_not_null())
    lateness = (late["completed_at"] - late["clock"]).dt.total_days()
    assert lateness.quantile(0.5) < 10 < lateness.max()  # type: ignore[operator]


def test_a_few_completions_before_the_clock_start(sample: SynthData) -> None:
    frame = clock_starts(sample).filter(pl.col("completed_at").is_not_null())
    per_interview = frame.group_by("rhi_id").agg(
        pl.col("completed_at").first(), pl.col("own").max().alias("latest")
    )
    early = per_interview.filter(pl.col("completed_at") < pl.col("latest")).height
    assert 0 < early <= 0.006 * per_interview.height


def test_children_go_missing_repeatedly(sample: SynthData) -> None:
    episodes = sample.episodes
    # ECRC 2019: (incidents - individuals) / incidents, per authority and year: 63-65%.
    per_year = episodes.group_by("authority_code", financial_year("started_at")).agg(
        incidents=pl.len(), individuals=pl.col("child_id").n_unique()
    )
    incidents = int(per_year["incidents"].sum())
    repeat = (incidents - int(per_year["individuals"].sum())) / incidents
    assert 0.60 <= repeat <= 0.69
    per_child = episodes.group_by("child_id").len()
    # Heavy-tailed: many children once, some with dozens of episodes.
    assert 0.35 <= (per_child["len"] == 1).mean() <= 0.6  # type: ignore[operator]
    assert per_child["len"].max() >= 20  # type: ignore[operator]
    # A child belongs to one authority.
    authorities_per_child = episodes.group_by("child_id").agg(pl.col("authority_code").n_unique())
    assert authorities_per_child["authority_code"].max() == 1


def test_repeat_episodes_cluster(sample: SynthData) -> None:
    gaps = (
        sample.episodes.sort("child_id", "started_at")
        .with_columns(previous=pl.col("returned_at").shift(1).over("child_id"))
        .filter(pl.col("previous").is_not_null())
        .select((pl.col("started_at") - pl.col("previous")).dt.total_days().alias("days"))
    )["days"]
    assert (gaps <= 7).mean() > 0.3  # type: ignore[operator]
    assert gaps.quantile(0.9) > 60  # type: ignore[operator]


def test_some_interviews_cover_several_episodes(sample: SynthData) -> None:
    sizes = sample.episodes.filter(pl.col("rhi_id").is_not_null()).group_by("rhi_id").len()
    bunched = sizes.filter(pl.col("len") > 1)["len"].sum()
    assert 0.04 <= bunched / sample.episodes.height <= 0.2
    assert sizes["len"].max() >= 3  # type: ignore[operator]


def test_a_tiny_share_of_interviews_cover_no_episode(sample: SynthData) -> None:
    referenced = sample.episodes["rhi_id"].drop_nulls().n_unique()
    orphans = sample.interviews.height - referenced
    assert 0 < orphans <= 0.002 * sample.interviews.height


def test_episode_mix(sample: SynthData) -> None:
    episodes = sample.episodes
    assert 0.07 <= _share(episodes, pl.col("category") == "absent") <= 0.13
    assert 0.35 <= _share(episodes, pl.col("missing_from") == "care") <= 0.45
    assert 0.05 <= episodes["nation"].null_count() / episodes.height <= 0.15
    durations = (episodes["returned_at"] - episodes["started_at"]).dt.total_hours().drop_nulls()
    assert 0.75 <= (durations < 24).mean() <= 0.92  # type: ignore[operator]
    assert durations.max() > 24 * 14  # type: ignore[operator]


def test_returns_at_night_on_weekends_and_on_bank_holidays(sample: SynthData) -> None:
    returned = sample.episodes.filter(pl.col("returned_at").is_not_null())
    at = returned["returned_at"]
    assert 0.1 <= (at.dt.hour() < 6).mean() <= 0.4  # type: ignore[operator]
    assert 0.2 <= (at.dt.weekday() >= 6).mean() <= 0.36  # type: ignore[operator]
    years = range(2014, 2024)
    holidays = {nation: bank_holidays(nation, years) for nation in Nation}
    on_holiday = [
        day in holidays[nation]
        for code, day in zip(returned["authority_code"], at.dt.date(), strict=True)
        if (nation := nation_from_gss_code(code)) is not None
    ]
    assert 0.005 <= sum(on_holiday) / len(on_holiday) <= 0.05


def test_notifications(sample: SynthData) -> None:
    episodes = sample.episodes.filter(pl.col("returned_at").is_not_null())
    empty = episodes["notified_at"].null_count() / episodes.height
    assert 0.01 <= empty <= 0.06
    before_start = episodes.filter(pl.col("notified_at") < pl.col("started_at")).height
    assert 0 < before_start <= 0.003 * episodes.height
    delay = (episodes["notified_at"] - episodes["returned_at"]).dt.total_minutes().drop_nulls()
    assert 60 <= delay.median() <= 24 * 60  # type: ignore[operator]


def test_a_few_open_episodes_mostly_near_the_end(sample: SynthData) -> None:
    episodes = sample.episodes
    still_out = episodes.filter(pl.col("returned_at").is_null())
    assert 0 < still_out.height <= 0.002 * episodes.height
    end = date(2022, 4, 1)
    near_end = still_out.filter(pl.col("started_at").dt.date() >= end - timedelta(days=60))
    assert near_end.height > still_out.height / 2


def test_episodes_span_the_whole_period_evenly(sample: SynthData) -> None:
    per_year = sample.episodes.group_by(financial_year("started_at")).len().sort("started_at")
    assert per_year["started_at"].to_list() == list(range(2015, 2022))
    counts = per_year["len"]
    assert counts.max() < 1.15 * counts.min()  # type: ignore[operator]


def test_all_three_nations_have_episodes(sample: SynthData) -> None:
    nations = {nation_from_gss_code(code) for code in sample.episodes["authority_code"].unique()}
    assert nations == {Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND}
    assert sample.authorities.height == 6
