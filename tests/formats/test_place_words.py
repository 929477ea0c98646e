"""The 903 PLACE codes' words: every code DfE's validator accepts for 2025-26 (rule 146, as
the validator package in `.venv-903` holds it) has words, and no other code does. The same
list is the one the SSD import accepts and the synth writes.

The validator's rule 146 keeps its list in the rule's source (a local `code_list`), so it is
read from there with `ast`, not run: the test needs no pandas of the validator's.
"""

from __future__ import annotations

import ast
from pathlib import Path

from homeward.formats import annex_a, ssd_extract, ssda903
from homeward.synth import ssd_spec

ROOT = Path(__file__).resolve().parents[2]
RULES = "lac_validator/rules/lac2025_26/rule_146.py"


def validator_place_codes() -> set[str]:
    """The PLACE codes rule 146 of the 2025-26 rules accepts."""
    (source,) = (ROOT / ".venv-903" / "lib").glob(f"python3*/site-packages/{RULES}")
    tree = ast.parse(source.read_text(encoding="utf-8"))
    lists = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "code_list" for t in node.targets)
    ]
    assert len(lists) == 1, "rule 146 no longer keeps one code_list"
    codes = ast.literal_eval(lists[0])
    assert isinstance(codes, list) and all(isinstance(c, str) for c in codes)
    return set(codes)


def test_every_place_code_the_validator_accepts_has_words_and_no_other_code_does() -> None:
    accepted = validator_place_codes()
    assert len(accepted) == 29 and {"K3", "Z14"} <= accepted and "H5" not in accepted
    assert set(annex_a.PLACE_WORDS) == accepted
    for code, words in annex_a.PLACE_WORDS.items():
        assert words.strip() and code not in words.split(" (")[0], code
        assert annex_a.placement_type(code) == f"{code}: {words}"
    for retired in ("H5", "Z1", "P2", "P0", "R4"):
        assert annex_a.placement_type(retired) == ""


def test_the_import_the_synth_and_the_903_use_the_same_list() -> None:
    accepted = validator_place_codes()
    assert set(ssd_extract.PLACE_CODES) == accepted
    assert set(ssd_spec.PLACEMENT_TYPE) == accepted
    assert set(ssda903.PLACE.values()) <= accepted
