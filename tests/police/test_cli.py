"""`homeward match-quality`, through the real `homeward` parser."""

from __future__ import annotations

import re

import pytest

from homeward.cli import main


def test_match_quality_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["match-quality", "--children", "1500", "--notifications", "400", "--seed", "2"])
    assert code == 0
    out = capsys.readouterr().out
    assert "Reports: 400 (" in out
    assert re.search(r"^match\s+[\d,]+\s+[\d,]+\s+[01]\.\d{4}$", out, re.MULTILINE)
    assert re.search(r"^possible\s+[\d,]+\s+[\d,]+\s+[01]\.\d{4}$", out, re.MULTILINE)
    assert re.search(r"^match or possible\s+[01]\.\d{4}$", out, re.MULTILINE)
    assert "missing_dob" in out


def test_match_quality_is_the_same_for_the_same_seed(capsys: pytest.CaptureFixture[str]) -> None:
    def table(seed: str) -> str:
        main(["match-quality", "--children", "800", "--notifications", "200", "--seed", seed])
        return capsys.readouterr().out.split("\n\nGenerated")[0]

    first = table("5")
    # All three measures are printed, each with figures (an empty table would be equal too).
    assert "Reports: 200 (" in first
    assert "Possible miscodings, 4,000 reports" in first
    assert "Who each report is about: 200 reports" in first
    assert len(first.splitlines()) > 40
    assert table("5") == first
    # Another seed is other data: the figures are of the data, not constants.
    assert table("6") != first


def test_match_quality_prints_the_evaluations_own_figures(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from homeward.police import quality, route_quality

    main(["match-quality", "--children", "800", "--notifications", "200", "--seed", "5"])
    out = capsys.readouterr().out
    measured = quality.evaluate(800, 200, seed=5)
    recall = f"{measured.recall_match_or_possible:.4f}"
    assert re.search(rf"^match or possible\s+{recall}$", out, re.M)
    assert re.search(rf"^match\s+[\d,]+\s+[\d,]+\s+{measured.bands[0].precision:.4f}$", out, re.M)
    routed = route_quality.evaluate(800, 200, seed=5)
    assert f"{'accuracy (with a date of birth)':<40} {routed.accuracy:>8.4f}" in out


def test_match_quality_rejects_a_non_positive_count(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["match-quality", "--children", "0"])
    assert exit_.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err
