"""The statutory clock and the nations' rule sets (pure Python; never imports Django).

- `nations`: the four UK nations, their GSS code prefixes and bank-holiday subdivisions;
- `calendar`: bank holidays and working days per nation (the `holidays` package);
- `clock`: when a return interview is due and whether it was held in time;
- `rules`: England's, Wales's and Scotland's rules, and an authority's own settings.
"""

from homeward.standards.calendar import (
    bank_holidays,
    is_bank_holiday,
    is_working_day,
    working_days_after,
)
from homeward.standards.clock import Basis, Bunching, Clock, Due, Unit, seventy_two_hours
from homeward.standards.nations import (
    GSS_PREFIX_NATION,
    Nation,
    nation_from_gss_code,
    parse_nation,
)
from homeward.standards.rules import (
    ENGLAND,
    RULE_SETS,
    SCOTLAND,
    WALES,
    AuthoritySettings,
    NoRuleSetError,
    RuleSet,
    Step,
    rule_set_for,
)

__all__ = [
    "ENGLAND",
    "GSS_PREFIX_NATION",
    "RULE_SETS",
    "SCOTLAND",
    "WALES",
    "AuthoritySettings",
    "Basis",
    "Bunching",
    "Clock",
    "Due",
    "Nation",
    "NoRuleSetError",
    "RuleSet",
    "Step",
    "Unit",
    "bank_holidays",
    "is_bank_holiday",
    "is_working_day",
    "nation_from_gss_code",
    "parse_nation",
    "rule_set_for",
    "seventy_two_hours",
    "working_days_after",
]
