"""Whole-percent rounding with exact arithmetic.

The 2019 analysis reports whole percentages rounded half up (64.5 → 65, 0.5 → 1). Floats
cannot hold most of these fractions exactly (0.645 * 100 is 64.49999…), so every
percentage here is computed from integers only.
"""

from __future__ import annotations


def percent_half_up(numerator: int, denominator: int) -> int:
    """Return 100 × numerator / denominator rounded half up to a whole number.

    floor(100n/d + 1/2) = floor((200n + d) / 2d), computed in integers; `//` floors
    towards minus infinity, so "half up" also holds for negative numerators.
    """
    if denominator <= 0:
        raise ValueError(f"a percentage needs a positive denominator, not {denominator}")
    return (200 * numerator + denominator) // (2 * denominator)


def share_half_up(part: int, whole: int) -> int | None:
    """Percentage of a whole (0 when both are 0 is not meaningful: None for an empty whole)."""
    if whole <= 0:
        return None
    return percent_half_up(part, whole)
