"""Peer implementation of the indicator table of indicators.md, in plain pandas.

This is the script a competent analyst would write with pandas and numpy, without homeward:
read both CSVs, parse the timestamps with an explicit format, merge the interviews onto the
episodes, take the latest clock start per interview with a groupby-transform, work out the
working-day due dates per nation with numpy's business-day functions and the `holidays`
package, and count with a groupby-agg. It trusts its input (no validation) and exists only
to be compared with `homeward indicators`, for correctness and for speed.

    python benchmarks/peer_pandas.py EPISODES.csv INTERVIEWS.csv --out OUT.csv
"""

from __future__ import annotations

import argparse
import sys

import holidays
import numpy as np
import pandas as pd

BASES = {"return": "returned_at", "referral": "notified_at"}
UNITS = ("hours", "calendar_days", "working_days")
BUNCHINGS = ("each", "latest")
WITHIN = [f"within_{b}_{u}_{g}" for b in BASES for u in UNITS for g in BUNCHINGS]
COUNTS = ["incidents", "individuals", "absent", "offered", "accepted", "declined", "completed"]
SUBDIVISION = {"E": "ENG", "W": "WLS", "S": "SCT", "N": "NIR"}


def parse_times(text: pd.Series) -> pd.Series:
    """`YYYY-MM-DDTHH:MM`, or with seconds when a file has them (empty cells become NaT)."""
    try:
        return pd.to_datetime(text, format="%Y-%m-%dT%H:%M")
    except ValueError:
        return pd.to_datetime(text, format="ISO8601")


def read_inputs(episodes_path: str, interviews_path: str) -> pd.DataFrame:
    """One row per episode, with its interview's columns merged on."""
    episodes = pd.read_csv(
        episodes_path,
        usecols=[
            "child_id",
            "authority_code",
            "category",
            "started_at",
            "returned_at",
            "notified_at",
            "rhi_id",
        ],
        dtype=str,
        keep_default_na=False,
        na_values=[""],
    )
    interviews = pd.read_csv(
        interviews_path,
        usecols=["rhi_id", "offered_at", "outcome", "completed_at"],
        dtype=str,
        keep_default_na=False,
        na_values=[""],
    )
    for column in ("started_at", "returned_at", "notified_at"):
        episodes[column] = parse_times(episodes[column])
    for column in ("offered_at", "completed_at"):
        interviews[column] = parse_times(interviews[column])
    return episodes.merge(interviews, on="rhi_id", how="left")


def third_working_day_after(days: pd.Series, letters: pd.Series) -> pd.Series:
    """The third working day strictly after each date, in the nation of its authority.

    Counting starts the day after the clock start, so a Saturday start is due on Wednesday
    (Mon, Tue, Wed) and a start on a bank holiday is not itself counted.
    """
    due = pd.Series(pd.NaT, index=days.index, dtype="datetime64[s]")
    known = days.notna()
    if not known.any():
        return due
    years = range(days[known].dt.year.min() - 1, days[known].dt.year.max() + 2)
    for letter, subdivision in SUBDIVISION.items():
        rows = known & (letters == letter)
        if not rows.any():
            continue
        bank_holidays = list(holidays.country_holidays("GB", subdiv=subdivision, years=years))
        next_day = (days[rows] + pd.Timedelta(days=1)).to_numpy().astype("datetime64[D]")
        result = np.busday_offset(next_day, 2, roll="forward", holidays=bank_holidays)
        due[rows] = result.astype("datetime64[s]")
    return due


def indicator_table(frame: pd.DataFrame) -> pd.DataFrame:
    started = frame["started_at"]
    frame["fy"] = started.dt.year - (started.dt.month < 4)
    completed = frame["completed_at"]
    completed_day = completed.dt.normalize()
    letters = frame["authority_code"].str[0]
    frame["absent"] = frame["category"] == "absent"
    frame["offered"] = frame["offered_at"].notna()
    frame["accepted"] = frame["outcome"] == "accepted"
    frame["declined"] = frame["outcome"] == "declined"
    frame["completed"] = completed.notna()

    # Latest bunching: every episode of one interview is measured from the latest clock
    # start among them (max skips NaT; episodes without an interview get NaT).
    latest = frame.groupby("rhi_id")[list(BASES.values())].transform("max")
    for basis, column in BASES.items():
        for bunching, start in (("each", frame[column]), ("latest", latest[column])):
            start_day = start.dt.normalize()
            due = {
                "hours": start + pd.Timedelta(hours=72),
                "calendar_days": start_day + pd.Timedelta(days=3),
                "working_days": third_working_day_after(start_day, letters),
            }
            for unit in UNITS:
                value = completed if unit == "hours" else completed_day
                # NaT compares False: no completion or no clock start is never within.
                frame[f"within_{basis}_{unit}_{bunching}"] = (value <= due[unit]).to_numpy()

    table = (
        frame.groupby(["authority_code", "fy"], sort=True)
        .agg(
            incidents=("child_id", "size"),
            individuals=("child_id", "nunique"),
            **{name: (name, "sum") for name in COUNTS[2:] + WITHIN},
        )
        .reset_index()
    )
    fy = table["fy"]
    table["period"] = fy.astype(str) + "-" + ((fy + 1) % 100).astype(str).str.zfill(2)
    table[COUNTS + WITHIN] = table[COUNTS + WITHIN].astype("int64")
    return table[["authority_code", "period", *COUNTS, *WITHIN]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("episodes")
    parser.add_argument("interviews")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    table = indicator_table(read_inputs(args.episodes, args.interviews))
    table.to_csv(args.out, index=False)
    print(f"peer_pandas: {len(table)} rows -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
