"""The nations' rule sets and an authority's own settings."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from homeward.standards import (
    ENGLAND,
    RULE_SETS,
    SCOTLAND,
    WALES,
    AuthoritySettings,
    Basis,
    Bunching,
    Clock,
    Nation,
    NoRuleSetError,
    RuleSet,
    Step,
    Unit,
    rule_set_for,
)


def test_england_return_interview_within_72_hours_of_the_return() -> None:
    rule = rule_set_for(Nation.ENGLAND)
    assert rule is ENGLAND
    assert rule.interview_name == "return interview"
    assert rule.offer_after_every_episode is True
    assert rule.statutory is True
    assert rule.basis is Basis.RETURN
    assert rule.steps == (Step("return interview", Unit.HOURS, 72),)
    assert rule.clock() == Clock(Unit.HOURS, 72, Nation.ENGLAND)
    assert "Department for Education (2014)" in rule.source
    assert "run away or go missing from home or care" in rule.source
    assert "independent person" in rule.delivered_by
    assert "72 hours" in rule.quote


def test_wales_debrief_within_3_working_days() -> None:
    rule = rule_set_for(Nation.WALES)
    assert rule is WALES
    assert rule.interview_name == "debrief"
    assert rule.basis is Basis.RETURN
    assert rule.primary_step == Step("debrief", Unit.WORKING_DAYS, 3)
    assert rule.clock() == Clock(Unit.WORKING_DAYS, 3, Nation.WALES)
    assert "All Wales Protocol" in rule.source
    assert "as soon as possible but at least within 3 working days" in rule.quote


def test_scotland_return_discussion_two_steps() -> None:
    rule = rule_set_for(Nation.SCOTLAND)
    assert rule is SCOTLAND
    assert rule.interview_name == "return discussion"
    assert rule.statutory is False
    assert rule.steps == (
        Step("first contact", Unit.HOURS, 72),
        Step("return discussion", Unit.CALENDAR_DAYS, 7),
    )
    assert rule.primary_step.name == "first contact"
    assert "National Missing Persons Framework for Scotland" in rule.source
    assert "within one week" in rule.quote


def test_scotland_steps_give_their_due_points() -> None:
    returned = datetime(2026, 11, 27, 20, 15)  # Friday evening
    contact = SCOTLAND.step("first contact").clock(Nation.SCOTLAND).due(returned)
    discussion = SCOTLAND.step("return discussion").clock(Nation.SCOTLAND).due(returned)
    assert contact.at == datetime(2026, 11, 30, 20, 15)
    assert discussion.by_date == date(2026, 12, 4)


def test_unknown_step_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="no step 'debrief'"):
        SCOTLAND.step("debrief")


def test_rule_set_descriptions() -> None:
    assert ENGLAND.description == "return interview within 72 hours of the return"
    assert SCOTLAND.description == (
        "first contact within 72 hours of the return; "
        "return discussion within 7 calendar days of the return"
    )


def test_rule_sets_cover_every_nation_but_northern_ireland() -> None:
    assert set(RULE_SETS) == {Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND}
    for nation, rule in RULE_SETS.items():
        assert rule.nation is nation
        assert rule.offer_after_every_episode is True
        assert rule.name and rule.source and rule.quote


def test_rule_sets_mapping_is_read_only() -> None:
    with pytest.raises(TypeError):
        RULE_SETS[Nation.NORTHERN_IRELAND] = ENGLAND  # type: ignore[index]


def test_northern_ireland_has_no_rule_set() -> None:
    with pytest.raises(NoRuleSetError, match="no rule set for Northern Ireland"):
        rule_set_for(Nation.NORTHERN_IRELAND)
    # A LookupError, so callers can treat it like a missing key.
    with pytest.raises(LookupError):
        rule_set_for("northern ireland")
    with pytest.raises(NoRuleSetError):
        AuthoritySettings.default_for(Nation.NORTHERN_IRELAND)


def test_northern_ireland_authority_states_its_own_settings() -> None:
    own = AuthoritySettings(
        Nation.NORTHERN_IRELAND, Basis.REFERRAL, Unit.WORKING_DAYS, Bunching.LATEST, 5
    )
    # 12 July 2026 is a Sunday, observed Monday 13 July: Friday 10 July + 5 working days.
    assert own.clock().due(datetime(2026, 7, 10, 9)).by_date == date(2026, 7, 20)


def test_rule_set_for_accepts_the_nation_by_name() -> None:
    assert rule_set_for("Scotland") is SCOTLAND
    assert rule_set_for("wales") is WALES
    with pytest.raises(ValueError, match="unknown nation"):
        rule_set_for("cornwall")


def test_rule_sets_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        ENGLAND.steps = ()  # type: ignore[misc]


def test_a_rule_set_needs_a_step() -> None:
    with pytest.raises(ValueError, match="no steps"):
        RuleSet(
            name="empty",
            nation=Nation.ENGLAND,
            interview_name="x",
            source="x",
            offer_after_every_episode=True,
            steps=(),
            quote="x",
            delivered_by="x",
            statutory=False,
        )


def test_step_validation() -> None:
    with pytest.raises(ValueError, match="length must be positive"):
        Step("contact", Unit.HOURS, 0)
    with pytest.raises(ValueError, match="unknown unit"):
        Step("contact", "minutes", 5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs a name"):
        Step(" ", Unit.HOURS, 5)


@pytest.mark.parametrize(
    ("nation", "unit", "length"),
    [
        (Nation.ENGLAND, Unit.HOURS, 72),
        (Nation.WALES, Unit.WORKING_DAYS, 3),
        (Nation.SCOTLAND, Unit.HOURS, 72),
    ],
)
def test_default_settings_follow_the_primary_step(nation: Nation, unit: Unit, length: int) -> None:
    default = AuthoritySettings.default_for(nation)
    assert default == AuthoritySettings(nation, Basis.RETURN, unit, Bunching.EACH, length)
    assert default.clock() == Clock(unit, length, nation)


def test_default_for_accepts_a_name() -> None:
    assert AuthoritySettings.default_for("wales") == AuthoritySettings.default_for(Nation.WALES)


def test_settings_description() -> None:
    assert AuthoritySettings.default_for(Nation.WALES).description == (
        "within 3 working days (Wales bank holidays) of the return, each episode from its own start"
    )
    referral = AuthoritySettings(
        Nation.ENGLAND, Basis.REFERRAL, Unit.CALENDAR_DAYS, Bunching.LATEST, 3
    )
    assert referral.description == (
        "within 3 calendar days of the police referral, "
        "episodes sharing an interview from the latest start"
    )


@pytest.mark.parametrize(
    ("field", "value", "error", "message"),
    [
        ("length", 0, ValueError, "length must be positive, got 0"),
        ("length", -72, ValueError, "length must be positive"),
        ("length", True, TypeError, "length must be a whole number"),
        ("length", 3.0, TypeError, "length must be a whole number"),
        ("basis", "discovery", ValueError, "unknown basis 'discovery'; expected one of return"),
        ("unit", "weeks", ValueError, "unknown unit 'weeks'; expected one of hours"),
        ("bunching", "first", ValueError, "unknown bunching 'first'; expected one of each"),
        ("nation", "mercia", ValueError, "unknown nation 'mercia'"),
    ],
)
def test_settings_validation(
    field: str, value: object, error: type[Exception], message: str
) -> None:
    values: dict[str, object] = {
        "nation": Nation.ENGLAND,
        "basis": Basis.RETURN,
        "unit": Unit.HOURS,
        "bunching": Bunching.EACH,
        "length": 72,
    }
    AuthoritySettings(**values)  # type: ignore[arg-type]  # the valid base case
    values[field] = value
    with pytest.raises(error, match=message):
        AuthoritySettings(**values)  # type: ignore[arg-type]


def test_settings_are_frozen() -> None:
    settings = AuthoritySettings.default_for(Nation.ENGLAND)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.length = 96  # type: ignore[misc]
