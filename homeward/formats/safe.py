"""Text that leaves homeward in a CSV file is never run as a spreadsheet formula."""

from __future__ import annotations

import polars as pl

#: A cell starting with one of these is a formula (or the start of one) in a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text a spreadsheet will not run as a formula: a leading = + - @ gets a quote."""
    return "'" + value if value.startswith(FORMULA_START) else value


def safe_frame(table: pl.DataFrame) -> pl.DataFrame:
    """`table` with every text cell made safe as `safe_text` does; numbers are untouched."""
    text = [name for name, dtype in table.schema.items() if dtype == pl.String]
    if not text:
        return table
    return table.with_columns(
        pl.when(pl.any_horizontal(pl.col(name).str.starts_with(s) for s in FORMULA_START))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text
    )
