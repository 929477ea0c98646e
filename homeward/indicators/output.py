"""Writing an indicator table in the format its file extension names."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import xlsxwriter

from homeward.formats.safe import safe_frame

FORMATS = (".csv", ".json", ".xlsx", ".parquet")


def output_format(path: Path) -> str:
    """The output format of a path, from its extension; a clear error for any other."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(
            f"{path}: cannot tell the output format from '{suffix or 'no extension'}'; "
            f"use one of {', '.join(FORMATS)}"
        )
    return suffix


def write_table(table: pl.DataFrame, path: Path, *, sheet: str = "indicators") -> None:
    """Write `table` to `path` as CSV, JSON (a list of row objects), XLSX or Parquet."""
    suffix = output_format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        safe_frame(table).write_csv(path)
    elif suffix == ".json":
        path.write_text(json.dumps(table.to_dicts(), indent=1, default=str) + "\n")
    elif suffix == ".parquet":
        table.write_parquet(path)
    else:
        write_xlsx({sheet: table}, path)


def write_xlsx(sheets: dict[str, pl.DataFrame], path: Path) -> None:
    """A workbook with one sheet per table. Text is never turned into a formula."""
    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False}
    )
    try:
        for name, table in sheets.items():
            table.write_excel(workbook, worksheet=name[:31], autofit=True)
    finally:
        workbook.close()
