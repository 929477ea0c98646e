"""Panel triggers: configurable rules that put a child on the multi-agency panel's list,
each with the reason in words a panel member reads ("3 episodes in 30 days: 2 Nov, 14 Nov,
29 Nov").

A trigger is a kind and its parameters. Every kind has a look-back window: something must
have happened within it (an episode started, an interview held) for the trigger to apply.
Every window counts whole days and ends on the day the list is drawn up (`as_of`), that day
included: a 30-day window on 30 November runs from 1 November to 30 November. Nothing dated
after `as_of` counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

#: The risk flags that are exploitation (the codes of `cases.codes.RiskKind`).
EXPLOITATION_KINDS = ("cse", "cce", "trafficking")
#: Risk grades (the codes of `cases.codes.RiskGrade`).
RISK_GRADES = ("very_low", "low", "medium", "high", "no_apparent_risk", "absent")


@dataclass(frozen=True)
class EpisodeFact:
    """One missing episode, as much as the triggers need."""

    started: date
    category: str = "missing"  # missing or absent
    missing_from: str = "home"  # home or care
    risk_grade: str = ""
    first_from_care: bool = False
    reference: str = ""


@dataclass(frozen=True)
class RiskFlagFact:
    kind: str
    noted_on: date
    ended_on: date | None = None

    def active_on(self, day: date) -> bool:
        return self.noted_on <= day and (self.ended_on is None or self.ended_on > day)


@dataclass(frozen=True)
class HarmFact:
    """A harm the child disclosed (a `cases.codes.Harm` code) in an interview held that day."""

    code: str
    disclosed_on: date


@dataclass(frozen=True)
class ChildFacts:
    child_id: int
    episodes: tuple[EpisodeFact, ...] = ()
    risk_flags: tuple[RiskFlagFact, ...] = ()
    harms: tuple[HarmFact, ...] = ()


@dataclass(frozen=True)
class Trigger:
    kind: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    label: str = ""


@dataclass(frozen=True)
class Reason:
    """Why a child is on the list: the trigger's kind, the words, and the dates behind them."""

    kind: str
    text: str
    dates: tuple[date, ...] = ()


class TriggerError(ValueError):
    """A trigger's kind or parameter is not usable: `field` names the parameter."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Parameter:
    """One parameter of a trigger kind: a whole number in a range, or codes from a list."""

    name: str
    label: str
    default: Any
    minimum: int = 1
    maximum: int = 3650
    choices: tuple[str, ...] = ()
    many: bool = False


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    description: str
    parameters: tuple[Parameter, ...]


_DAYS = Parameter("days", "Days in the window", 30, 1, 3650)

#: Every trigger kind and its parameters, with their defaults.
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "episodes_in_days",
            "Repeat episodes",
            "At least a number of episodes that started within the window.",
            (Parameter("episodes", "Episodes", 3, 2, 100), _DAYS),
        ),
        Kind(
            "high_risk_episode",
            "High-risk episode",
            "An episode graded at one of the grades that started within the window.",
            (
                Parameter("days", "Days in the window", 90, 1, 3650),
                Parameter("grades", "Risk grades", ("high",), choices=RISK_GRADES, many=True),
            ),
        ),
        Kind(
            "exploitation_flag",
            "Exploitation flag",
            "A risk flag of one of the kinds, open on the day, and an episode that started "
            "within the window.",
            (
                Parameter(
                    "kinds",
                    "Kinds of risk",
                    EXPLOITATION_KINDS,
                    choices=(*EXPLOITATION_KINDS, "other"),
                    many=True,
                ),
                Parameter("days", "Days in the window", 90, 1, 3650),
            ),
        ),
        Kind(
            "first_episode_from_care",
            "First episode from care",
            "The child's first episode missing from care in this period of care started "
            "within the window.",
            (_DAYS,),
        ),
        Kind(
            "harm_disclosed",
            "Harm disclosed",
            "A return interview held within the window recorded the harm.",
            (
                Parameter("harm", "Harm", "sexual_exploitation", choices=()),
                Parameter("days", "Days in the window", 90, 1, 3650),
            ),
        ),
    )
}


def check_parameters(kind: str, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters of a trigger of `kind`, defaults filled in and each checked; a
    `TriggerError` naming the first parameter that is wrong, and why."""
    if kind not in KINDS:
        raise TriggerError("kind", f"no trigger kind {kind!r} (known: {', '.join(KINDS)})")
    checked: dict[str, Any] = {}
    for p in KINDS[kind].parameters:
        value = parameters.get(p.name, p.default)
        if p.many:
            values = [value] if isinstance(value, str) else list(value or ())
            unknown = [v for v in values if p.choices and v not in p.choices]
            if unknown:
                raise TriggerError(p.name, f"not one of {', '.join(p.choices)}: {unknown[0]!r}")
            if not values:
                raise TriggerError(p.name, "choose at least one")
            checked[p.name] = sorted(set(values), key=values.index)
        elif p.name == "harm":
            if not isinstance(value, str) or not value.strip():
                raise TriggerError(p.name, "choose a harm")
            checked[p.name] = value.strip()
        else:
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise TriggerError(p.name, "must be a whole number")
            try:
                number = int(value)
            except ValueError:
                raise TriggerError(p.name, "must be a whole number") from None
            if not p.minimum <= number <= p.maximum:
                raise TriggerError(p.name, f"must be from {p.minimum} to {p.maximum}")
            checked[p.name] = number
    return checked


def window_start(as_of: date, days: int) -> date:
    """The first day of a window of `days` days ending on `as_of` (included)."""
    return as_of - timedelta(days=days - 1)


def short_date(day: date, as_of: date) -> str:
    """`2 Nov` in the year of `as_of`, `2 Nov 2025` otherwise."""
    text = f"{day.day} {day:%b}"
    return text if day.year == as_of.year else f"{text} {day.year}"


def _dates(days: Iterable[date], as_of: date) -> str:
    return ", ".join(short_date(d, as_of) for d in days)


def _label(space: str, code: str, labels: Mapping[str, str]) -> str:
    """A code's words from `labels` (keyed `risk.cse`, `harm.trafficking`), else the code."""
    return labels.get(f"{space}.{code}", code.replace("_", " ").capitalize())


def _in_window(day: date, as_of: date, days: int) -> bool:
    return window_start(as_of, days) <= day <= as_of


def _evaluate_one(
    trigger: Trigger, facts: ChildFacts, as_of: date, labels: Mapping[str, str]
) -> Reason | None:
    p = check_parameters(trigger.kind, trigger.parameters)
    kind = trigger.kind
    if kind == "episodes_in_days":
        days = sorted(e.started for e in facts.episodes if _in_window(e.started, as_of, p["days"]))
        if len(days) < p["episodes"]:
            return None
        return Reason(
            kind, f"{len(days)} episodes in {p['days']} days: {_dates(days, as_of)}", tuple(days)
        )
    if kind == "high_risk_episode":
        graded = sorted(
            (e.started, e.risk_grade)
            for e in facts.episodes
            if e.risk_grade in p["grades"] and _in_window(e.started, as_of, p["days"])
        )
        if not graded:
            return None
        started = tuple(d for d, _grade in graded)
        grades = sorted({g.replace("_", " ") for _d, g in graded})
        noun = "episode" if len(started) == 1 else "episodes"
        return Reason(
            kind,
            f"{' or '.join(grades).capitalize()}-risk {noun} in {p['days']} days: "
            f"{_dates(started, as_of)}",
            started,
        )
    if kind == "exploitation_flag":
        flags = sorted(
            (f.noted_on, f.kind)
            for f in facts.risk_flags
            if f.kind in p["kinds"] and f.active_on(as_of)
        )
        started = tuple(
            sorted(e.started for e in facts.episodes if _in_window(e.started, as_of, p["days"]))
        )
        if not flags or not started:  # a flag alone, with no episode lately, is not enough
            return None
        words = "; ".join(
            f"{_label('risk', k, labels)} since {short_date(d, as_of)}" for d, k in flags
        )
        noun = "episode" if len(started) == 1 else "episodes"
        return Reason(
            kind,
            f"Risk flag: {words}; {noun} in {p['days']} days: {_dates(started, as_of)}",
            (*(d for d, _k in flags), *started),
        )
    if kind == "first_episode_from_care":
        firsts = sorted(
            e.started
            for e in facts.episodes
            if e.first_from_care and _in_window(e.started, as_of, p["days"])
        )
        if not firsts:
            return None
        return Reason(
            kind, f"First episode missing from care: {_dates(firsts, as_of)}", tuple(firsts)
        )
    if kind == "harm_disclosed":
        days = sorted(
            {
                h.disclosed_on
                for h in facts.harms
                if h.code == p["harm"] and _in_window(h.disclosed_on, as_of, p["days"])
            }
        )
        if not days:
            return None
        return Reason(
            kind,
            f"Harm disclosed: {_label('harm', p['harm'], labels)} "
            f"(interview {_dates(days, as_of)})",
            tuple(days),
        )
    raise TriggerError("kind", f"no trigger kind {kind!r}")  # pragma: no cover


def evaluate(
    triggers: Sequence[Trigger],
    child_facts: ChildFacts,
    as_of: date,
    *,
    labels: Mapping[str, str] | None = None,
) -> list[Reason]:
    """The reasons each trigger puts the child on the panel list as of `as_of`, in the
    triggers' order; empty when none does. `labels` gives the words of risk flag kinds and
    harms, keyed `risk.<code>` and `harm.<code>`."""
    return [
        reason
        for trigger in triggers
        if (reason := _evaluate_one(trigger, child_facts, as_of, labels or {})) is not None
    ]


def lookback_days(triggers: Iterable[Trigger]) -> int:
    """The longest window of the triggers: how far back a selector must read episodes."""
    return max(
        (int(check_parameters(t.kind, t.parameters).get("days", 1)) for t in triggers),
        default=1,
    )


def mark_first_from_care(
    episodes: Sequence[EpisodeFact], care_since: date | None
) -> tuple[EpisodeFact, ...]:
    """The episodes with `first_from_care` set on the earliest one missing from care that
    started on or after `care_since` (the current period of care; every episode when not
    known)."""
    from_care = [
        e
        for e in episodes
        if e.missing_from == "care" and (care_since is None or e.started >= care_since)
    ]
    first = min(from_care, key=lambda e: (e.started, e.reference), default=None)
    return tuple(
        EpisodeFact(
            started=e.started,
            category=e.category,
            missing_from=e.missing_from,
            risk_grade=e.risk_grade,
            first_from_care=e is first,
            reference=e.reference,
        )
        for e in episodes
    )
