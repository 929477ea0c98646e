"""The generated data is valid under the indicator contract, at every size."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.standards.calendar import working_days_after
from homeward.standards.nations import Nation
from homeward.synth import EPISODE_COLUMNS, INTERVIEW_COLUMNS, SynthData, generate, write
from homeward.synth.authorities import AUTHORITY_COLUMNS

from .conftest import check_valid

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")


def test_the_sample_is_valid(sample: SynthData) -> None:
    check_valid(sample)


@pytest.mark.parametrize("episodes", [1, 2, 7, 999, 12_345])
def test_exactly_the_requested_number_of_episodes(episodes: int) -> None:
    data = generate(episodes=episodes, seed=11)
    assert data.episodes.height == episodes
    check_valid(data)


@settings(max_examples=25, deadline=None)
@given(
    episodes=st.integers(min_value=1, max_value=3_000),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    authorities=st.integers(min_value=1, max_value=60),
    years=st.integers(min_value=1, max_value=4),
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
)
def test_valid_for_any_arguments(
    episodes: int, seed: int, authorities: int, years: int, start: date
) -> None:
    data = generate(episodes=episodes, seed=seed, authorities=authorities, start=start, years=years)
    assert data.episodes.height == episodes
    assert data.authorities.height == authorities
    check_valid(data)
    first = data.episodes["started_at"].min()
    last = data.episodes["started_at"].max()
    assert isinstance(first, datetime) and isinstance(last, datetime)
    leap_day = (start.month, start.day) == (2, 29)
    end = date(start.year + years, 3, 1) if leap_day else start.replace(year=start.year + years)
    assert first.date() >= start
    assert last.date() < end


def test_written_files_follow_the_csv_contract(tmp_path: Path) -> None:
    data = generate(episodes=3_000, seed=5)
    paths = write(data, tmp_path / "out")
    assert [path.name for path in paths] == ["episodes.csv", "interviews.csv", "authorities.csv"]
    expected_headers = (EPISODE_COLUMNS, INTERVIEW_COLUMNS, AUTHORITY_COLUMNS)
    timestamp_columns = (
        ("started_at", "returned_at", "notified_at"),
        ("offered_at", "completed_at"),
        (),
    )
    for path, header, columns in zip(paths, expected_headers, timestamp_columns, strict=True):
        raw = path.read_bytes()
        raw.decode("utf-8")
        assert b"\r" not in raw
        lines = raw.decode("utf-8").splitlines()
        assert lines[0] == ",".join(header)
        table = pl.read_csv(path, infer_schema=False)
        assert table.columns == list(header)
        for column in columns:
            cells = table.get_column(column).drop_nulls().to_list()
            assert cells, column
            assert all(TIMESTAMP.match(cell) for cell in cells), column
    # Nulls are empty cells, and the timestamps read back to the same instants.
    episodes = pl.read_csv(paths[0], infer_schema=False)
    assert episodes["rhi_id"].null_count() == data.episodes["rhi_id"].null_count() > 0
    assert episodes["nation"].null_count() == data.episodes["nation"].null_count() > 0
    parsed = episodes.select(
        pl.col("notified_at").str.to_datetime("%Y-%m-%dT%H:%M", time_unit="us")
    )
    assert parsed["notified_at"].equals(data.episodes["notified_at"])


def test_write_creates_the_directory(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b"
    write(generate(episodes=10, seed=1), target)
    assert sorted(path.name for path in target.iterdir()) == [
        "authorities.csv",
        "episodes.csv",
        "interviews.csv",
    ]


def test_working_day_rule_of_these_tests_matches_the_standards_calendar() -> None:
    """The numpy rule the realism tests use agrees with `working_days_after`."""
    from homeward.standards.calendar import bank_holidays

    days = [date(2015, 4, 1) + timedelta(days=i) for i in range(0, 3_650, 3)]
    for nation in Nation:
        holidays = np.array(sorted(bank_holidays(nation, range(2015, 2027))), dtype="datetime64[D]")
        due = np.busday_offset(
            np.array(days, dtype="datetime64[D]"), 3, roll="backward", holidays=holidays
        )
        expected = [working_days_after(day, 3, nation) for day in days]
        assert due.astype(object).tolist() == expected


def test_rejects_impossible_arguments() -> None:
    with pytest.raises(ValueError):
        generate(episodes=0, seed=1)
    with pytest.raises(ValueError):
        generate(episodes=10, seed=1, years=0)
    with pytest.raises(ValueError):
        generate(episodes=10, seed=1, authorities=0)
    with pytest.raises(ValueError):
        generate(episodes=10, seed=1, authorities=10_000)
