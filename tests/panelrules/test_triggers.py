"""The panel triggers: each kind, the edges of its day window, and the words of its reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from homeward.panelrules.triggers import (
    KINDS,
    ChildFacts,
    EpisodeFact,
    HarmFact,
    RiskFlagFact,
    Trigger,
    TriggerError,
    check_parameters,
    evaluate,
    lookback_days,
    mark_first_from_care,
    short_date,
    window_start,
)

AS_OF = date(2026, 11, 30)
THREE_IN_30 = Trigger("episodes_in_days", {"episodes": 3, "days": 30})


def episodes(*days: date, **fields: object) -> tuple[EpisodeFact, ...]:
    return tuple(EpisodeFact(started=d, **fields) for d in days)  # type: ignore[arg-type]


def test_three_episodes_in_30_days_lists_the_child_with_the_dates():
    facts = ChildFacts(1, episodes(date(2026, 11, 2), date(2026, 11, 14), date(2026, 11, 29)))
    [reason] = evaluate([THREE_IN_30], facts, AS_OF)
    assert reason.kind == "episodes_in_days"
    assert reason.text == "3 episodes in 30 days: 2 Nov, 14 Nov, 29 Nov"
    assert reason.dates == (date(2026, 11, 2), date(2026, 11, 14), date(2026, 11, 29))


def test_two_episodes_are_not_three():
    facts = ChildFacts(1, episodes(date(2026, 11, 14), date(2026, 11, 29)))
    assert evaluate([THREE_IN_30], facts, AS_OF) == []


def test_the_window_includes_its_first_day_and_as_of():
    # 30 days ending on 30 November run from 1 November to 30 November.
    assert window_start(AS_OF, 30) == date(2026, 11, 1)
    facts = ChildFacts(1, episodes(date(2026, 11, 1), date(2026, 11, 15), AS_OF))
    assert [r.text for r in evaluate([THREE_IN_30], facts, AS_OF)] == [
        "3 episodes in 30 days: 1 Nov, 15 Nov, 30 Nov"
    ]


def test_the_day_before_the_window_and_the_day_after_as_of_do_not_count():
    facts = ChildFacts(
        1, episodes(date(2026, 10, 31), date(2026, 11, 15), AS_OF, AS_OF + timedelta(days=1))
    )
    assert evaluate([THREE_IN_30], facts, AS_OF) == []
    # A day later the window has moved on: 31 October is out, 1 December in.
    later = evaluate([THREE_IN_30], facts, AS_OF + timedelta(days=1))
    assert [r.dates for r in later] == [(date(2026, 11, 15), AS_OF, AS_OF + timedelta(days=1))]


def test_more_episodes_than_needed_are_all_given():
    days = [date(2026, 11, d) for d in (3, 9, 17, 25)]
    [reason] = evaluate([THREE_IN_30], ChildFacts(1, episodes(*days)), AS_OF)
    assert reason.text == "4 episodes in 30 days: 3 Nov, 9 Nov, 17 Nov, 25 Nov"


def test_dates_of_another_year_carry_the_year():
    assert short_date(date(2025, 12, 31), date(2026, 1, 5)) == "31 Dec 2025"
    trigger = Trigger("episodes_in_days", {"episodes": 2, "days": 10})
    facts = ChildFacts(1, episodes(date(2025, 12, 31), date(2026, 1, 2)))
    [reason] = evaluate([trigger], facts, date(2026, 1, 5))
    assert reason.text == "2 episodes in 10 days: 31 Dec 2025, 2 Jan"


def test_a_high_risk_episode_within_the_window():
    trigger = Trigger("high_risk_episode", {"days": 90})
    facts = ChildFacts(
        1,
        (
            EpisodeFact(date(2026, 11, 14), risk_grade="high"),
            EpisodeFact(date(2026, 11, 20), risk_grade="medium"),
        ),
    )
    [reason] = evaluate([trigger], facts, AS_OF)
    assert reason.text == "High-risk episode in 90 days: 14 Nov"
    # 90 days ending on 30 November begin on 2 September: 1 September is outside.
    old = ChildFacts(1, (EpisodeFact(date(2026, 9, 1), risk_grade="high"),))
    edge = ChildFacts(1, (EpisodeFact(date(2026, 9, 2), risk_grade="high"),))
    assert evaluate([trigger], old, AS_OF) == []
    assert len(evaluate([trigger], edge, AS_OF)) == 1


def test_high_risk_grades_are_configurable():
    trigger = Trigger("high_risk_episode", {"days": 30, "grades": ["medium", "high"]})
    facts = ChildFacts(1, (EpisodeFact(date(2026, 11, 20), risk_grade="medium"),))
    assert [r.text for r in evaluate([trigger], facts, AS_OF)] == [
        "Medium-risk episode in 30 days: 20 Nov"
    ]


def test_an_open_exploitation_flag_with_an_episode_in_the_window():
    trigger = Trigger("exploitation_flag", {})  # 90 days by default
    labels = {"risk.cce": "Child criminal exploitation"}
    recent = episodes(date(2026, 11, 29))
    open_flag = ChildFacts(1, recent, risk_flags=(RiskFlagFact("cce", date(2026, 10, 3)),))
    [reason] = evaluate([trigger], open_flag, AS_OF, labels=labels)
    assert reason.text == (
        "Risk flag: Child criminal exploitation since 3 Oct; episode in 90 days: 29 Nov"
    )
    assert reason.dates == (date(2026, 10, 3), date(2026, 11, 29))
    ended = ChildFacts(1, recent, risk_flags=(RiskFlagFact("cce", date(2026, 10, 3), AS_OF),))
    assert evaluate([trigger], ended, AS_OF) == []
    future = ChildFacts(1, recent, risk_flags=(RiskFlagFact("cse", AS_OF + timedelta(days=1)),))
    assert evaluate([trigger], future, AS_OF) == []
    other = ChildFacts(1, recent, risk_flags=(RiskFlagFact("other", date(2026, 10, 3)),))
    assert evaluate([trigger], other, AS_OF) == []


def test_an_exploitation_flag_without_an_episode_in_the_window_lists_no_one():
    trigger = Trigger("exploitation_flag", {"days": 30})
    flag = (RiskFlagFact("cse", date(2024, 3, 1)),)
    # The last episode was the day before the window: a flag alone is not enough.
    before = ChildFacts(1, episodes(date(2026, 10, 31)), risk_flags=flag)
    assert evaluate([trigger], before, AS_OF) == []
    assert evaluate([trigger], ChildFacts(1, risk_flags=flag), AS_OF) == []
    first_day = ChildFacts(1, episodes(date(2026, 11, 1), date(2026, 11, 3)), risk_flags=flag)
    [reason] = evaluate([trigger], first_day, AS_OF)
    assert reason.text.endswith("; episodes in 30 days: 1 Nov, 3 Nov")


def test_first_episode_from_care_is_marked_within_the_period_of_care():
    facts = (
        *episodes(date(2026, 3, 1), missing_from="care"),
        EpisodeFact(date(2026, 11, 20), missing_from="care", reference="E2"),
        EpisodeFact(date(2026, 11, 25), missing_from="care", reference="E3"),
        EpisodeFact(date(2026, 11, 10), missing_from="home", reference="E1"),
    )
    # Care began again on 1 June: the March episode was in an earlier period of care.
    marked = mark_first_from_care(facts, date(2026, 6, 1))
    assert [e.reference for e in marked if e.first_from_care] == ["E2"]
    trigger = Trigger("first_episode_from_care", {"days": 30})
    [reason] = evaluate([trigger], ChildFacts(1, marked), AS_OF)
    assert reason.text == "First episode missing from care: 20 Nov"
    # Without the period of care, the March episode is the first: too old to list.
    assert evaluate([trigger], ChildFacts(1, mark_first_from_care(facts, None)), AS_OF) == []


def test_a_harm_disclosed_in_an_interview():
    trigger = Trigger("harm_disclosed", {"harm": "sexual_exploitation", "days": 60})
    facts = ChildFacts(
        1,
        harms=(
            HarmFact("sexual_exploitation", date(2026, 11, 14)),
            HarmFact("drugs_alcohol", date(2026, 11, 20)),
        ),
    )
    [reason] = evaluate(
        [trigger], facts, AS_OF, labels={"harm.sexual_exploitation": "Sexual exploitation"}
    )
    assert reason.text == "Harm disclosed: Sexual exploitation (interview 14 Nov)"
    other = Trigger("harm_disclosed", {"harm": "trafficking", "days": 60})
    assert evaluate([other], facts, AS_OF) == []


def test_reasons_come_in_the_triggers_order():
    triggers = [Trigger("exploitation_flag", {}), THREE_IN_30]
    facts = ChildFacts(
        1,
        episodes(date(2026, 11, 2), date(2026, 11, 14), date(2026, 11, 29)),
        (RiskFlagFact("cse", date(2026, 1, 5)),),
    )
    assert [r.kind for r in evaluate(triggers, facts, AS_OF)] == [
        "exploitation_flag",
        "episodes_in_days",
    ]


@pytest.mark.parametrize(
    ("kind", "parameters", "field"),
    [
        ("episodes_in_days", {"episodes": 1}, "episodes"),
        ("episodes_in_days", {"days": 0}, "days"),
        ("episodes_in_days", {"days": "thirty"}, "days"),
        ("episodes_in_days", {"days": True}, "days"),
        ("high_risk_episode", {"grades": ["severe"]}, "grades"),
        ("high_risk_episode", {"grades": []}, "grades"),
        ("exploitation_flag", {"kinds": ["unknown"]}, "kinds"),
        ("harm_disclosed", {"harm": " "}, "harm"),
        ("no_such_kind", {}, "kind"),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(kind, parameters, field):
    with pytest.raises(TriggerError) as refused:
        check_parameters(kind, parameters)
    assert refused.value.field == field


def test_parameters_get_their_defaults():
    assert check_parameters("episodes_in_days", {}) == {"episodes": 3, "days": 30}
    assert check_parameters("exploitation_flag", {}) == {
        "kinds": ["cse", "cce", "trafficking"],
        "days": 90,
    }
    assert set(KINDS) == {
        "episodes_in_days",
        "high_risk_episode",
        "exploitation_flag",
        "first_episode_from_care",
        "harm_disclosed",
    }


def test_lookback_is_the_longest_window():
    triggers = [THREE_IN_30, Trigger("high_risk_episode", {"days": 90})]
    assert lookback_days(triggers) == 90
    assert lookback_days([Trigger("exploitation_flag", {})]) == 90
    # Every kind has a window of its own.
    assert all(any(p.name == "days" for p in kind.parameters) for kind in KINDS.values())
