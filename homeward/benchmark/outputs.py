"""Writing a report's files into one folder."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from homeward.benchmark.report_html import load_stylesheet, render_html
from homeward.benchmark.tables import Report
from homeward.formats.safe import safe_text

#: The files written, in the order they are listed.
FILES: tuple[str, ...] = (
    "tables.json",
    "report.html",
    "report.xlsx",
    "report.pdf",
    "exclusions.csv",
    "standings.csv",
)

EXCLUSIONS_HEADER = (
    "authority_code",
    "authority_name",
    "period",
    "line",
    "answer",
    "value",
    "rule",
)
STANDINGS_HEADER = ("authority_code", "authority_name", "table", "status", "rate", "rank", "base")


@dataclass
class Written:
    """The files written and any warnings raised while writing them."""

    paths: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def tables_json(report: Report) -> str:
    """`tables.json` exactly as documented, pretty-printed."""
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"


def _csv(header: Sequence[str], rows: Sequence[Sequence[str | int | None]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            ["" if v is None else safe_text(v) if isinstance(v, str) else v for v in row]
        )
    return buffer.getvalue()


def exclusions_csv(report: Report) -> str:
    """One line per excluded answer, with the rule that excluded it."""
    return _csv(
        EXCLUSIONS_HEADER,
        [
            (
                e.authority.code,
                e.authority.name,
                e.period,
                e.authority.line,
                e.answer,
                e.value,
                e.rule,
            )
            for e in report.exclusions
        ],
    )


def standings_csv(report: Report) -> str:
    """One line per authority and rate table: status, rate, rank and base size."""
    return _csv(
        STANDINGS_HEADER,
        [
            (
                s.authority.code,
                s.authority.name,
                s.table,
                s.status.value,
                s.rate,
                s.rank,
                s.base,
            )
            for s in report.standings
        ],
    )


def write_outputs(report: Report, out_dir: str | Path, *, pdf: bool = True) -> Written:
    """Write every output file of the report into `out_dir` (created if needed)."""
    from homeward.benchmark.report_pdf import render_pdf
    from homeward.benchmark.report_xlsx import render_xlsx

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = Written()
    stylesheet = load_stylesheet()
    if stylesheet.warning:
        written.warnings.append(stylesheet.warning)
    contents: dict[str, str | bytes] = {
        "tables.json": tables_json(report),
        "report.html": render_html(report, stylesheet=stylesheet),
        "report.xlsx": render_xlsx(report),
        "exclusions.csv": exclusions_csv(report),
        "standings.csv": standings_csv(report),
    }
    if pdf:
        contents["report.pdf"] = render_pdf(report)
    for name in FILES:
        if name not in contents:
            continue
        path = folder / name
        content = contents[name]
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        written.paths.append(path)
    return written
