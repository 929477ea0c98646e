"""The national benchmarking report: authority returns in, benchmarking tables out.

Pure Python and Polars (never Django). The contract is `shared/spec/authority-returns.md`;
`docs/benchmark.md` explains every table, rule and option.

    returns = read_returns("returns.csv")           # ReturnsError on malformed input
    report = build_report(returns, "2017-18")       # PeriodNotFoundError if absent
    report.to_json()                                # the tables.json shape
    write_outputs(report, "out/")                   # json, html, xlsx, pdf, csv
"""

from homeward.benchmark.anomalies import RULES, Assessment, Status, assess
from homeward.benchmark.bands import (
    DEFAULT_BANDS,
    RATE_TABLES,
    Band,
    BandsError,
    bands_from_mapping,
    load_bands,
)
from homeward.benchmark.outputs import (
    Written,
    exclusions_csv,
    standings_csv,
    tables_json,
    write_outputs,
)
from homeward.benchmark.returns import (
    COLUMNS,
    Problem,
    ReturnsError,
    parse_period,
    read_returns,
    returns_frame,
)
from homeward.benchmark.rounding import percent_half_up
from homeward.benchmark.standings import Standing
from homeward.benchmark.tables import (
    Exclusion,
    PeriodNotFoundError,
    RateTable,
    Report,
    build_report,
)

__all__ = [
    "COLUMNS",
    "DEFAULT_BANDS",
    "RATE_TABLES",
    "RULES",
    "Assessment",
    "Band",
    "BandsError",
    "Exclusion",
    "PeriodNotFoundError",
    "Problem",
    "RateTable",
    "Report",
    "ReturnsError",
    "Standing",
    "Status",
    "Written",
    "assess",
    "bands_from_mapping",
    "build_report",
    "exclusions_csv",
    "load_bands",
    "parse_period",
    "percent_half_up",
    "read_returns",
    "returns_frame",
    "standings_csv",
    "tables_json",
    "write_outputs",
]
