"""Fictional local authorities: names, GSS codes and how each counts its return interviews.

Names are built from invented stems, never real authority names. Codes are well-formed GSS
codes in a block ONS does not use (`E06099001`: prefix, then `099`, then a serial), so they
never collide with a real authority. Names, codes and nations depend only on the number of
authorities (a larger set extends a smaller one); the settings are drawn from the seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl

from homeward.formats.returns import SETTINGS_COLUMNS
from homeward.standards.nations import Nation
from homeward.synth import params

#: Nation index used in the arrays below.
NATIONS: Final = (Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND, Nation.NORTHERN_IRELAND)
ENGLAND, WALES, SCOTLAND, NORTHERN_IRELAND = range(4)

CLOCK_STARTS: Final = ("return", "referral")
CLOCK_UNITS: Final = ("hours", "calendar_days", "working_days")
BUNCHINGS: Final = ("each", "latest")
PROVIDERS: Final = ("in_house", "independent", "mixed", "not_known")
FOLLOW_UPS: Final = ("yes", "sometimes", "no")

#: The columns of authorities.csv: exactly the settings an authority's return is made from.
AUTHORITY_COLUMNS: Final = SETTINGS_COLUMNS

#: Fixed seed for the order in which names are taken, so names do not depend on the data seed.
_NAME_SEED: Final = 20190
#: The block of GSS serials used: real codes run E06000001…, these E06099001….
_CODE_BLOCK: Final = "099"

_ENGLISH_FIRST: Final = (
    "Alder", "Bracken", "Bramble", "Cinder", "Corrow", "Dapple", "Elder", "Fallow",
    "Fennel", "Gorse", "Hazel", "Heron", "Juniper", "Kestrel", "Larch", "Linnet",
    "Marrow", "Merrin", "Nettle", "Oxlip", "Plover", "Quill", "Rowan", "Sedge",
    "Sorrel", "Tansy", "Teasel", "Thistle", "Umber", "Vetch", "Wren", "Yarrow",
)  # fmt: skip
_ENGLISH_SECOND: Final = (
    "bury", "combe", "dale", "field", "ford", "ham", "holt", "hurst", "leigh",
    "mere", "minster", "mouth", "stead", "stow", "thorpe", "wick", "worth", "by",
)  # fmt: skip
_WELSH_FIRST: Final = (
    "Aber", "Bryn", "Caer", "Cwm", "Glyn", "Llan", "Maes", "Nant", "Pen", "Pont", "Rhos", "Tre",
)  # fmt: skip
_WELSH_SECOND: Final = (
    "derwen", "eithin", "gwenyn", "helyg", "mynach", "onnen", "rhedyn", "tawel", "wennol", "ysgaw",
)  # fmt: skip
_SCOTTISH_FIRST: Final = (
    "Ach", "Auchter", "Bal", "Dal", "Drum", "Glen", "Inver", "Kil", "Kin", "Strath", "Tulli",
)  # fmt: skip
_SCOTTISH_SECOND: Final = (
    "birk", "bracken", "cairn", "corrie", "fernie", "heather",
    "lochan", "rowan", "tarn", "whin", "linnet", "sorrel",
)  # fmt: skip
_NI_NAMES: Final = ("Ballyrowan", "Knockfern", "Drumhallow", "Lisnabrack")

_ENGLISH_STYLE: Final = {
    "E06": "{} Council",
    "E08": "{} Metropolitan Borough Council",
    "E09": "London Borough of {}",
    "E10": "{} County Council",
}

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class AuthorityPlan:
    """The authorities as a table, with the arrays generation works from (index = row)."""

    table: pl.DataFrame
    nation: IntArray
    clock_start: IntArray
    clock_unit: IntArray
    bunching: IntArray
    size: FloatArray

    @property
    def count(self) -> int:
        return self.table.height


def _stems(first: tuple[str, ...], second: tuple[str, ...], rng: np.random.Generator) -> list[str]:
    combos = [f + s for f in first for s in second]
    return [combos[i] for i in rng.permutation(len(combos))]


def nation_counts(count: int) -> tuple[int, int, int, int]:
    """England, Wales, Scotland and Northern Ireland authorities among `count`.

    Wales and Scotland in proportion to Britain's 22 and 32 of 206 (at least one each once
    there are three authorities), one Northern Ireland authority from 50, England the rest.
    """
    if count < 1:
        raise ValueError("there must be at least one authority")
    if count > params.MAX_AUTHORITIES:
        raise ValueError(f"at most {params.MAX_AUTHORITIES} authorities can be generated")
    northern_ireland = 1 if count >= params.NI_FROM_AUTHORITIES else 0
    wales = max(1, round(count * params.WALES_SHARE)) if count >= 2 else 0
    scotland = max(1, round(count * params.SCOTLAND_SHARE)) if count >= 3 else 0
    return count - wales - scotland - northern_ireland, wales, scotland, northern_ireland


def _identities(count: int) -> tuple[list[str], list[str], list[int], list[float]]:
    """Codes, names, nation indexes and type sizes; depends only on `count`."""
    n_eng, n_wal, n_sco, n_ni = nation_counts(count)
    rng = np.random.default_rng(_NAME_SEED)
    english = _stems(_ENGLISH_FIRST, _ENGLISH_SECOND, rng)
    welsh = _stems(_WELSH_FIRST, _WELSH_SECOND, rng)
    scottish = _stems(_SCOTTISH_FIRST, _SCOTTISH_SECOND, rng)
    codes: list[str] = []
    names: list[str] = []
    nations: list[int] = []
    sizes: list[float] = []
    serial: dict[str, int] = {}

    def add(prefix: str, name: str, nation: int, size: float) -> None:
        serial[prefix] = serial.get(prefix, 0) + 1
        codes.append(f"{prefix}{_CODE_BLOCK}{serial[prefix]:03d}")
        names.append(name)
        nations.append(nation)
        sizes.append(size)

    cycle = params.ENGLISH_TYPE_CYCLE
    for i in range(n_eng):
        prefix = cycle[i % len(cycle)]
        add(prefix, _ENGLISH_STYLE[prefix].format(english[i]), ENGLAND, params.TYPE_SIZE[prefix])
    for i in range(n_wal):
        add("W06", f"{welsh[i]} County Borough Council", WALES, params.TYPE_SIZE["W06"])
    for i in range(n_sco):
        add("S12", f"{scottish[i]} Council", SCOTLAND, params.TYPE_SIZE["S12"])
    for i in range(n_ni):
        add("N09", f"{_NI_NAMES[i]} District Council", NORTHERN_IRELAND, params.NI_SIZE)
    return codes, names, nations, sizes


def _choose(rng: np.random.Generator, probabilities: dict[str, float], size: int) -> IntArray:
    p = np.array(list(probabilities.values()), dtype=np.float64)
    return rng.choice(len(p), size=size, p=p / p.sum()).astype(np.int64)


def plan_authorities(count: int, rng: np.random.Generator) -> AuthorityPlan:
    """`count` fictional authorities with settings drawn as the ECRC 2019 analysis found them."""
    codes, names, nation_list, type_sizes = _identities(count)
    nation = np.array(nation_list, dtype=np.int64)
    clock_start = _choose(rng, params.CLOCK_START_P, count)
    clock_unit = _choose(rng, params.CLOCK_UNIT_P, count)
    welsh = nation == WALES
    clock_unit[welsh] = _choose(rng, params.WALES_CLOCK_UNIT_P, int(welsh.sum()))
    bunching = (rng.random(count) < params.BUNCHING_LATEST_P).astype(np.int64)
    provider = np.zeros(count, dtype=np.int64)
    for index, nation_enum in enumerate(NATIONS):
        here = nation == index
        probabilities = params.PROVIDER_P[nation_enum.value]
        drawn = _choose(rng, probabilities, int(here.sum()))
        # Map the draw (in PROVIDER_P's key order) onto PROVIDERS' order.
        order = np.array([PROVIDERS.index(key) for key in probabilities], dtype=np.int64)
        provider[here] = order[drawn]
    follow_up = _choose(rng, params.FOLLOW_UP_P, count)
    size = np.array(type_sizes) * rng.lognormal(0.0, params.SIZE_LOG_SD, count)
    table = pl.DataFrame(
        {
            "authority_code": codes,
            "authority_name": names,
            "nation": [NATIONS[i].value for i in nation_list],
            "clock_start": [CLOCK_STARTS[i] for i in clock_start],
            "clock_unit": [CLOCK_UNITS[i] for i in clock_unit],
            "bunching": [BUNCHINGS[i] for i in bunching],
            "provider": [PROVIDERS[i] for i in provider],
            "follow_up_support": [FOLLOW_UPS[i] for i in follow_up],
        },
        schema=dict.fromkeys(AUTHORITY_COLUMNS, pl.String),
    )
    return AuthorityPlan(
        table=table,
        nation=nation,
        clock_start=clock_start,
        clock_unit=clock_unit,
        bunching=bunching,
        size=size,
    )
