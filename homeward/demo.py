"""`homeward demo`: the main job on generated data, end to end.

Generates episodes for several authorities in three nations, computes their indicators,
turns them into each authority's return, and builds the national benchmarking report.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import polars as pl

from homeward.formats.returns import returns_from_indicators
from homeward.indicators.engine import compute_indicators, financial_year_label
from homeward.indicators.inputs import load_inputs
from homeward.indicators.output import write_table
from homeward.indicators.quality import quality_report, quality_summary
from homeward.indicators.schema import OUTPUT_COLUMNS


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run the whole chain on generated data and say where the outputs are",
        description=(
            "Generate episodes and interviews, compute the indicators with their data-quality "
            "report, write each authority's return and build the national benchmarking report."
        ),
    )
    parser.add_argument("--out", type=Path, default=Path("demo-output"), help="output folder")
    parser.add_argument(
        "--episodes", type=int, default=200_000, help="how many episodes to generate"
    )
    parser.add_argument(
        "--authorities", type=int, default=40, help="how many authorities to generate"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generated data")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: `homeward.cli` imports this module, and these import their own CLIs.
    from homeward.cli import main

    out: Path = args.out
    data = out / "data"
    synth = ["synth", "--episodes", str(args.episodes), "--authorities", str(args.authorities)]
    step = main([*synth, "--seed", str(args.seed), "--out", str(data)])
    if step:
        return step
    inputs = load_inputs(data / "episodes.csv", data / "interviews.csv")
    yearly = compute_indicators(inputs.episodes, inputs.interviews, rates=True)
    indicators_dir = out / "indicators"
    write_table(yearly, indicators_dir / "indicators.csv")
    write_table(yearly, indicators_dir / "indicators.xlsx")
    quarterly = compute_indicators(inputs.episodes, inputs.interviews, by="quarter", rates=True)
    write_table(quarterly, indicators_dir / "indicators-by-quarter.csv")
    report = quality_report(inputs)
    write_table(report, indicators_dir / "indicators.quality.csv")

    authorities = pl.read_csv(data / "authorities.csv", infer_schema=False)
    returns = returns_from_indicators(yearly.select(OUTPUT_COLUMNS), authorities)
    returns_path = out / "returns.csv"
    returns.write_csv(returns_path)
    period = _latest_full_year(inputs.episodes)
    step = main(
        ["benchmark", str(returns_path), "--period", period, "--out", str(out / "benchmark")]
    )
    if step:
        return step
    summary = ", ".join(f"{k} {v}" for k, v in quality_summary(report).items() if v)
    print()
    print(f"homeward demo: {inputs.episodes.height:,} episodes, {authorities.height} authorities")
    print(f"  generated data     {data}/ (episodes.csv, interviews.csv, authorities.csv)")
    print(f"  indicators         {indicators_dir}/indicators.csv, .xlsx, indicators-by-quarter.csv")
    print(f"  data quality       {indicators_dir}/indicators.quality.csv ({summary})")
    print(f"  authority returns  {returns_path}")
    reports = "report.html, report.pdf, report.xlsx, tables.json"
    print(f"  benchmark {period}  {out / 'benchmark'}/ ({reports})")
    return 0


def _latest_full_year(episodes: pl.DataFrame) -> str:
    """The last financial year the generated episodes cover completely."""
    last = episodes["started_at"].max()
    assert last is not None
    year = last.year if last.month >= 4 else last.year - 1
    # The year that contains the last episode is usually partial: report the one before.
    return financial_year_label(year - 1)
