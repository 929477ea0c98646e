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
    def table() -> str:
        main(["match-quality", "--children", "800", "--notifications", "200", "--seed", "5"])
        return capsys.readouterr().out.split("\n\nGenerated")[0]

    assert table() == table()


def test_match_quality_rejects_a_non_positive_count(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["match-quality", "--children", "0"])
    assert exit_.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err
