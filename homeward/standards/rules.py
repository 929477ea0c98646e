"""The nations' rules for the conversation after a missing episode, and an authority's own
choice on top of them.

England, Wales and Scotland each publish a rule; Northern Ireland's sources, as homeward
has them, give none. homeward does not invent one: `rule_set_for` raises `NoRuleSetError`
for Northern Ireland and an authority there states its own `AuthoritySettings`. The
indicators are unaffected: they compute every 72-hour variant for every nation (see
`seventy_two_hours`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from homeward.standards.clock import (
    Basis,
    Bunching,
    Clock,
    Unit,
    _coerce_enum,
    _coerce_unit,
    _require_length,
)
from homeward.standards.nations import Nation, parse_nation

__all__ = [
    "ENGLAND",
    "RULE_SETS",
    "SCOTLAND",
    "WALES",
    "AuthoritySettings",
    "NoRuleSetError",
    "RuleSet",
    "Step",
    "rule_set_for",
]


class NoRuleSetError(LookupError):
    """The nation publishes no rule homeward can apply (Northern Ireland)."""


@dataclass(frozen=True, slots=True)
class Step:
    """One timed step of a rule: `name` must happen within `length` `unit`s of the clock
    start."""

    name: str
    unit: Unit
    length: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", _coerce_unit(self.unit))
        _require_length(self.length)
        if not self.name.strip():
            raise ValueError("a step needs a name")

    def clock(self, nation: Nation) -> Clock:
        """This step's clock, with `nation`'s bank holidays for working days."""
        return Clock(self.unit, self.length, nation)

    @property
    def description(self) -> str:
        """In words, e.g. "first contact within 72 hours"."""
        return f"{self.name} within {self.unit.describe(self.length)}"


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A nation's rule for the conversation offered to a child after a missing episode.

    `steps` are in the order they happen. The first is the primary step: the one the
    indicators' "within timescale" refers to and the default of `AuthoritySettings`.
    `quote` holds the source's own words for the timescale.
    """

    name: str
    nation: Nation
    interview_name: str
    source: str
    offer_after_every_episode: bool
    steps: tuple[Step, ...]
    quote: str
    delivered_by: str
    statutory: bool
    basis: Basis = Basis.RETURN

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError(f"rule set {self.name!r} has no steps")

    @property
    def primary_step(self) -> Step:
        """The step the indicators' "within timescale" refers to (the first)."""
        return self.steps[0]

    def clock(self) -> Clock:
        """The primary step's clock."""
        return self.primary_step.clock(self.nation)

    def step(self, name: str) -> Step:
        """The step called `name`."""
        for step in self.steps:
            if step.name == name:
                return step
        known = ", ".join(repr(s.name) for s in self.steps)
        raise KeyError(f"{self.name} has no step {name!r}; its steps are {known}")

    @property
    def description(self) -> str:
        """In words, e.g. "return interview within 72 hours of the return"."""
        return "; ".join(f"{step.description} of the {self.basis}" for step in self.steps)


ENGLAND = RuleSet(
    name="England: return interview (DfE statutory guidance 2014)",
    nation=Nation.ENGLAND,
    interview_name="return interview",
    source=(
        "Department for Education (2014), Statutory guidance on children who run away or go "
        "missing from home or care"
    ),
    offer_after_every_episode=True,
    steps=(Step("return interview", Unit.HOURS, 72),),
    quote=(
        "When a child is found, they must be offered an independent return interview. [...] "
        "within 72 hours of the child returning to their home or care setting"
    ),
    delivered_by=(
        "an independent person (i.e. someone not involved in caring for the child) who is "
        "trained to carry out these interviews and is able to follow-up any actions that emerge"
    ),
    statutory=True,
)
"""England. DfE statutory guidance 2014, "Children who run away or go missing from home or
care": "When a child is found, they must be offered an independent return interview", after
every missing episode, "normally best carried out by an independent person (i.e. someone not
involved in caring for the child)", "within 72 hours of the child returning to their home or
care setting". Clock: basis return, unit hours, length 72."""

WALES = RuleSet(
    name="Wales: debrief (All Wales Protocol – Missing Children)",
    nation=Nation.WALES,
    interview_name="debrief",
    source="All Wales Protocol – Missing Children (2011)",
    # The protocol speaks of every child who has run away; homeward reads it, like England's
    # guidance, as an offer after every episode, so the two nations' rates compare.
    offer_after_every_episode=True,
    steps=(Step("debrief", Unit.WORKING_DAYS, 3),),
    quote=(
        "It is important to give the child the opportunity to talk about their experiences "
        "as well as to ascertain why they ran away. This interview/de-brief should take place "
        "as soon as possible but at least within 3 working days."
    ),
    delivered_by=(
        "the most appropriate person to talk to the child, determined and agreed: a police "
        "officer or social worker, or where local agreement exists a suitable independent person"
    ),
    statutory=False,
)
"""Wales. All Wales Protocol – Missing Children: "This interview/de-brief should take place as
soon as possible but at least within 3 working days." The protocol names no clock start;
homeward takes the child's return, as in England. Clock: basis return, unit working days
(Welsh bank holidays), length 3."""

SCOTLAND = RuleSet(
    name="Scotland: return discussion (National Missing Persons Framework for Scotland 2017)",
    nation=Nation.SCOTLAND,
    interview_name="return discussion",
    source="Scottish Government (2017), National Missing Persons Framework for Scotland",
    offer_after_every_episode=True,
    steps=(
        Step("first contact", Unit.HOURS, 72),
        Step("return discussion", Unit.CALENDAR_DAYS, 7),
    ),
    quote=(
        "There is no set time for the discussion to occur but, when possible, first contact "
        "should be made within 72 hours, with the discussion taking place within one week, at "
        "a suitable time for the individual."
    ),
    delivered_by="a trained professional of their choice when possible",
    statutory=False,
)
"""Scotland. National Missing Persons Framework for Scotland 2017 (not statutory): "Agencies to
hold return discussions with young people and adults after they have been missing." "When
possible, first contact should be made within 72 hours, with the discussion taking place
within one week". Two steps from the return: first contact within 72 hours (the primary step,
so Scottish figures sit on the same 72-hour footing as England's), then the discussion within
7 calendar days."""

#: The rule set of each nation that has one. Northern Ireland is deliberately absent.
RULE_SETS: Mapping[Nation, RuleSet] = MappingProxyType(
    {rule.nation: rule for rule in (ENGLAND, WALES, SCOTLAND)}
)


def rule_set_for(nation: Nation | str) -> RuleSet:
    """The rule set of `nation` (a `Nation` or its name).

    Raises `NoRuleSetError` for Northern Ireland, whose sources give no rule for the
    conversation after a missing episode.
    """
    nation = nation if isinstance(nation, Nation) else parse_nation(nation)
    try:
        return RULE_SETS[nation]
    except KeyError:
        raise NoRuleSetError(
            f"no rule set for {nation.title}: the sources give no rule for the interview "
            "after a missing episode there, so homeward does not invent one; state the "
            "authority's own AuthoritySettings(nation, basis, unit, bunching, length) instead"
        ) from None


@dataclass(frozen=True, slots=True)
class AuthoritySettings:
    """An authority's own timescale, on top of its nation's rule.

    Authorities differ in where the clock starts (`basis`), how it is counted (`unit`,
    `length`) and whether one interview covering several episodes is measured from each
    episode's own start or from the latest (`bunching`). Values may be given as the enums
    or as their text (``"working_days"``); anything else is refused with a clear error.
    """

    nation: Nation
    basis: Basis
    unit: Unit
    bunching: Bunching
    length: int

    def __post_init__(self) -> None:
        nation = self.nation if isinstance(self.nation, Nation) else parse_nation(self.nation)
        object.__setattr__(self, "nation", nation)
        object.__setattr__(self, "basis", _coerce_enum(Basis, self.basis, "basis"))
        object.__setattr__(self, "unit", _coerce_unit(self.unit))
        object.__setattr__(self, "bunching", _coerce_enum(Bunching, self.bunching, "bunching"))
        _require_length(self.length)

    @classmethod
    def default_for(cls, nation: Nation | str) -> AuthoritySettings:
        """The nation's own rule, measured per episode: its basis, and the unit and length of
        its primary step, with ``bunching=each`` because the guidance asks for an offer after
        every episode.

        Raises `NoRuleSetError` for Northern Ireland (see `rule_set_for`).
        """
        rule = rule_set_for(nation)
        step = rule.primary_step
        return cls(rule.nation, rule.basis, step.unit, Bunching.EACH, step.length)

    def clock(self) -> Clock:
        """The clock these settings describe."""
        return Clock(self.unit, self.length, self.nation)

    @property
    def description(self) -> str:
        """In words, e.g. "within 3 working days (Wales bank holidays) of the return, each
        episode from its own start"."""
        start = "the return" if self.basis is Basis.RETURN else "the police referral"
        measure = (
            "each episode from its own start"
            if self.bunching is Bunching.EACH
            else "episodes sharing an interview from the latest start"
        )
        return f"within {self.clock().description} of {start}, {measure}"
