"""Text cells that would start a spreadsheet formula get a leading quote; nothing else changes."""

from __future__ import annotations

import polars as pl

from homeward.formats.safe import safe_frame, safe_text


def test_formula_starts_are_quoted() -> None:
    assert [safe_text(v) for v in ("=1+1", "+44", "-3", "@SUM", "plain", "a=b")] == [
        "'=1+1",
        "'+44",
        "'-3",
        "'@SUM",
        "plain",
        "a=b",
    ]


def test_a_frame_keeps_numbers_and_nulls() -> None:
    table = pl.DataFrame({"id": ["=cmd", "ok", None], "count": [-1, 2, 3]})
    assert safe_frame(table).rows() == [("'=cmd", -1), ("ok", 2), (None, 3)]
