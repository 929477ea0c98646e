"""The UK nations, their GSS code prefixes and their bank-holiday subdivisions."""

from __future__ import annotations

from enum import StrEnum


class Nation(StrEnum):
    """A UK nation, spelt as in the episode contract (`indicators.md`)."""

    ENGLAND = "england"
    WALES = "wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern_ireland"

    @property
    def subdivision(self) -> str:
        """The `holidays` package subdivision of the United Kingdom for this nation.

        Always passed: without one, `holidays` gives only the days common to all four nations.
        """
        return _SUBDIVISIONS[self]

    @property
    def title(self) -> str:  # type: ignore[override]
        return self.value.replace("_", " ").title()


_SUBDIVISIONS = {
    Nation.ENGLAND: "ENG",
    Nation.WALES: "WLS",
    Nation.SCOTLAND: "SCT",
    Nation.NORTHERN_IRELAND: "NIR",
}

#: First letter of a GSS code → nation (E England, W Wales, S Scotland, N Northern Ireland).
GSS_PREFIX_NATION = {
    "E": Nation.ENGLAND,
    "W": Nation.WALES,
    "S": Nation.SCOTLAND,
    "N": Nation.NORTHERN_IRELAND,
}


def nation_from_gss_code(code: str) -> Nation | None:
    """The nation of an ONS GSS code by its first letter, or None when it is not a UK code."""
    return GSS_PREFIX_NATION.get(code[:1].upper()) if code else None


def parse_nation(text: str) -> Nation:
    """A nation from its name in any case (`England`, `northern ireland`, `northern_ireland`)."""
    key = text.strip().lower().replace(" ", "_")
    try:
        return Nation(key)
    except ValueError:
        allowed = ", ".join(n.value for n in Nation)
        raise ValueError(f"unknown nation {text!r}; expected one of {allowed}") from None
