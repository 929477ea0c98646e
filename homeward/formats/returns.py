"""An authority's return (`authority-returns.md`) produced from its own indicator table.

The national benchmark reads one return per authority and period. An authority running
homeward answers the FOI questions from its records: the counts come from the indicator
engine, and "completed within 72 hours" is the variant the authority itself uses (its clock
start, unit and bunching), which it also declares in `clock_start` and `clock_unit`.
"""

from __future__ import annotations

import polars as pl

from homeward.benchmark.returns import COLUMNS as RETURNS_FILE_COLUMNS
from homeward.standards.nations import Nation

#: The returns contract's columns, defined once where the national report reads them.
RETURN_COLUMNS = RETURNS_FILE_COLUMNS

#: Nations that the returns contract knows (it has no Northern Ireland value).
RETURN_NATIONS = {
    Nation.ENGLAND.value: "England",
    Nation.WALES.value: "Wales",
    Nation.SCOTLAND.value: "Scotland",
}

SETTINGS_COLUMNS = (
    "authority_code",
    "authority_name",
    "nation",
    "clock_start",
    "clock_unit",
    "bunching",
    "provider",
    "follow_up_support",
)


def returns_from_indicators(indicators: pl.DataFrame, authorities: pl.DataFrame) -> pl.DataFrame:
    """One return per authority and financial year, in the contract's columns.

    `indicators` is a yearly table from `compute_indicators`; `authorities` gives each
    authority's name, nation and settings (the columns of `SETTINGS_COLUMNS`). Authorities
    of a nation the returns contract does not cover (Northern Ireland) are left out.
    """
    missing = [c for c in SETTINGS_COLUMNS if c not in authorities.columns]
    if missing:
        raise ValueError(f"authority settings lack column(s): {', '.join(missing)}")
    settings = authorities.select(SETTINGS_COLUMNS).filter(
        pl.col("nation").is_in(list(RETURN_NATIONS))
    )
    joined = indicators.join(settings, on="authority_code", how="inner")
    within = pl.lit(None, dtype=pl.Int64)
    # An authority that has not recorded its counting convention reports no within figure.
    conventions = joined.select("clock_start", "clock_unit", "bunching").unique().drop_nulls()
    for start, unit, bunching in conventions.iter_rows():
        chosen = (
            (pl.col("clock_start") == start)
            & (pl.col("clock_unit") == unit)
            & (pl.col("bunching") == bunching)
        )
        within = pl.when(chosen).then(pl.col(f"within_{start}_{unit}_{bunching}")).otherwise(within)
    return (
        joined.with_columns(
            within.alias("completed_within_72h"),
            pl.col("nation").replace_strict(RETURN_NATIONS),
        )
        .select(RETURN_COLUMNS)
        .sort("authority_code", "period")
    )
