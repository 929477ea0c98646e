"""The synthetic quality set: the matcher meets its targets, and the data is seeded."""

from __future__ import annotations

import pytest

from homeward.police.match import Band
from homeward.police.quality import (
    ERROR_WEIGHTS,
    TWO_ERRORS,
    Quality,
    evaluate,
    format_quality,
    notifications,
    population,
)


@pytest.fixture(scope="module")
def quality() -> Quality:
    return evaluate(5_000, 2_000, seed=3)


def test_match_precision_and_recall_meet_the_targets(quality: Quality) -> None:
    bands = {b.band: b for b in quality.bands}
    assert bands[Band.MATCH].pairs > 1_000
    assert bands[Band.MATCH].precision >= 0.99
    assert quality.recall_match_or_possible >= 0.95
    assert quality.recall_match <= quality.recall_match_or_possible


def test_every_error_type_is_measured_and_found(quality: Quality) -> None:
    assert set(quality.by_error) == {*ERROR_WEIGHTS, TWO_ERRORS}
    assert min(v for k, v in quality.by_error.items() if k != TWO_ERRORS) >= 0.95
    # Two slips at once are harder; most are still found.
    assert 0.75 <= quality.by_error[TWO_ERRORS] < 1


def test_about_a_fifth_of_reports_are_about_unknown_children(quality: Quality) -> None:
    assert quality.notifications == 2_000
    assert 0.15 <= 1 - quality.known / quality.notifications <= 0.25


def test_blocking_keeps_candidates_few(quality: Quality) -> None:
    assert 0 < quality.mean_candidates < 30


def test_the_population_has_households_twins_hyphens_and_aliases() -> None:
    children = population(3_000, seed=5)
    assert [c.key for c in children] == list(range(1, 3_001))
    people = [c.person for c in children]
    households: dict[tuple[str, str], list[object]] = {}
    for p in people:
        households.setdefault((p.family_name, p.postcode), []).append(p.date_of_birth)
    assert any(len(born) > 1 for born in households.values())
    assert any(len(born) != len(set(born)) for born in households.values())  # twins
    assert any("-" in p.family_name for p in people)
    assert any(p.aliases for p in people)
    assert len({p.postcode.split()[0] for p in people}) == 20
    years = {p.date_of_birth.year for p in people if p.date_of_birth}
    assert len(years) >= 8


def test_reports_carry_their_error_and_unknown_children_have_no_key() -> None:
    children = population(2_000, seed=5)
    by_key = {c.key: c.person for c in children}
    reports = notifications(children, 1_000, seed=6)
    singles = {error for _p, _k, error in reports if "+" not in error}
    assert singles == set(ERROR_WEIGHTS)
    doubles = [error for _p, key, error in reports if "+" in error]
    assert 0.05 < len(doubles) / len(reports) < 0.2
    assert all(len(set(e.split("+"))) == 2 and "none" not in e for e in doubles)
    for person, key, error in reports:
        if key is None:
            continue
        true = by_key[key]
        if error == "missing_dob":
            assert person.date_of_birth is None
        elif error == "swapped_dob":
            assert true.date_of_birth is not None and person.date_of_birth is not None
            assert (person.date_of_birth.day, person.date_of_birth.month) == (
                true.date_of_birth.month,
                true.date_of_birth.day,
            )
        elif error == "none":
            assert (person.given_names, person.family_name, person.date_of_birth) == (
                true.given_names,
                true.family_name,
                true.date_of_birth,
            )
        elif error == "typo_family":
            assert person.family_name != true.family_name
            assert person.given_names == true.given_names


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data() -> None:
    assert population(500, seed=9) == population(500, seed=9)
    assert population(500, seed=9) != population(500, seed=10)
    children = population(500, seed=9)
    assert notifications(children, 200, seed=2) == notifications(children, 200, seed=2)
    assert notifications(children, 200, seed=2) != notifications(children, 200, seed=3)
    assert evaluate(800, 300, seed=4) == evaluate(800, 300, seed=4)


def test_format_quality_is_a_table(quality: Quality) -> None:
    table = format_quality(quality)
    match = next(b for b in quality.bands if b.band == Band.MATCH)
    assert f"{match.precision:.4f}" in table
    assert f"{quality.recall_match_or_possible:.4f}" in table
    for error in ERROR_WEIGHTS:
        assert error in table
