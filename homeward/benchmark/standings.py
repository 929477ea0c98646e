"""Where each authority stands against the others, table by table.

Rank 1 is the highest rate. Authorities with the same whole-percent rate share a rank
and the next rank skips ("competition" ranking: 1, 2, 2, 4), so a rank always says how
many authorities in the base have a strictly higher rate. A high rank is not always good:
for `declined` and `repeat` a lower rate is the better one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeward.benchmark.anomalies import Status

if TYPE_CHECKING:
    from homeward.benchmark.tables import Authority, RateTable


@dataclass(frozen=True)
class Standing:
    """Where one authority stands in one rate table (1 = highest rate; ties share)."""

    authority: Authority
    table: str
    status: Status
    rate: int | None
    rank: int | None
    base: int


def competition_ranks(rates: Sequence[int]) -> list[int]:
    """Rank of each rate: 1 + the number of rates strictly higher."""
    ordered = sorted(rates, reverse=True)
    first_place: dict[int, int] = {}
    for place, rate in enumerate(ordered, start=1):
        first_place.setdefault(rate, place)
    return [first_place[rate] for rate in rates]


def standings(rate_tables: Sequence[RateTable]) -> tuple[Standing, ...]:
    """Every authority's rate, rank and base size in every rate table (authority order)."""
    if not rate_tables:
        return ()
    # Per table, the (rate, rank) of each member, in member order (None outside the base).
    columns: list[list[tuple[int | None, int | None]]] = []
    for table in rate_tables:
        rates = [m.rate if m.status is Status.BASE else None for m in table.members]
        ranks = iter(competition_ranks([r for r in rates if r is not None]))
        columns.append([(r, None if r is None else next(ranks)) for r in rates])
    result: list[Standing] = []
    for index, first in enumerate(rate_tables[0].members):
        for table, column in zip(rate_tables, columns, strict=True):
            rate, rank = column[index]
            result.append(
                Standing(
                    authority=first.authority,
                    table=table.id,
                    status=table.members[index].status,
                    rate=rate,
                    rank=rank,
                    base=table.base,
                )
            )
    return tuple(result)
