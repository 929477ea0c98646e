"""The return interview indicators of `indicators.md`, computed with Polars."""

from homeward.indicators.engine import (
    GROUPINGS,
    add_rates,
    compute_indicators,
    episode_flags,
    financial_year_label,
)
from homeward.indicators.inputs import CheckedInputs, InputError, Problem, check_inputs, load_inputs
from homeward.indicators.quality import quality_report, quality_summary
from homeward.indicators.schema import OUTPUT_COLUMNS, VARIANTS, WITHIN_COLUMNS

__all__ = [
    "GROUPINGS",
    "OUTPUT_COLUMNS",
    "VARIANTS",
    "WITHIN_COLUMNS",
    "CheckedInputs",
    "InputError",
    "Problem",
    "add_rates",
    "check_inputs",
    "compute_indicators",
    "episode_flags",
    "financial_year_label",
    "load_inputs",
    "quality_report",
    "quality_summary",
]
