"""The risk vocabulary (homeward.police.risk_words): the families of the College of Policing's
risk factors, found however they are inflected or paraphrased, and set aside when the report
says they are absent."""

from __future__ import annotations

import pytest

from homeward.police import risk_words
from homeward.police.risk_words import read


def counted(text: str, **kwargs: object) -> list[tuple[str, str]]:
    return [(m.family, m.words.lower()) for m in read(text, **kwargs).counted]  # type: ignore[arg-type]


def aside(text: str) -> list[tuple[str, str]]:
    return [(m.words.lower(), m.set_aside) for m in read(text).set_aside]


@pytest.mark.parametrize(
    ("text", "family"),
    [
        # The families beyond exploitation, each in words a report uses.
        ("Said she wanted to die and would end her life", "self_harm_suicide"),
        ("Has been cutting her arms", "self_harm_suicide"),
        ("Threatened to kill himself", "self_harm_suicide"),
        ("Diabetic, left his insulin behind", "medical_need"),
        ("Has not taken her tablets since Monday", "medical_need"),
        ("Epileptic", "medical_need"),
        ("Very drunk when last seen", "drugs_alcohol"),
        ("Smelt strongly of cannabis", "drugs_alcohol"),
        ("Domestic abuse at home; was hit by her stepfather", "harm_at_home"),
        ("Scared to go home", "harm_at_home"),
        ("Out alone at night with no money or coat", "alone_exposed"),
        ("Sleeping rough in the park", "alone_exposed"),
        ("Hearing voices, in crisis", "mental_health"),
        ("Known to CAMHS", "mental_health"),
        ("Autistic and non-verbal", "vulnerability"),
        ("Got into a car with two unknown males", "exploitation"),
        ("Met online on Snapchat", "online_contact"),
        ("Completely out of character, never been missing before", "out_of_character"),
        ("Bundled into a van", "abduction"),
        ("Carries a knife", "violence_weapons"),
    ],
)
def test_each_family_is_found_in_the_words_reports_use(text: str, family: str) -> None:
    assert family in read(text).families, read(text)


@pytest.mark.parametrize(
    ("text", "negation"),
    [
        ("No concerns about self-harm.", "no concerns"),
        ("Denies using drugs", "denies"),
        ("Not thought to be at risk of CSE", "not thought to"),
        ("Nothing to suggest exploitation", "nothing to suggest"),
        ("Self-harm: none", "none"),
        ("No drugs", "no"),
        ("No history of suicidal thoughts", "no history"),
    ],
)
def test_a_mention_the_report_says_is_absent_is_set_aside_with_why(
    text: str, negation: str
) -> None:
    reading = read(text)
    assert reading.counted == ()
    assert [m.set_aside for m in reading.set_aside] == [negation]


def test_a_negation_covers_its_own_list_and_clause_only() -> None:
    # One negation, a list of three: all set aside.
    assert counted("Denies self-harm, suicidal thoughts or overdoses.") == []
    assert counted("Low risk, no drugs or alcohol") == []
    # The next sentence, or after "but", is not covered.
    assert counted("No drugs found but seen with older men") == [("exploitation", "older men")]
    assert counted("Denies self-harm. Older men seen.") == [("exploitation", "older men")]
    # A "not" earlier in the clause that governs another verb does not negate.
    assert counted("She did not come home and was with older men") == [
        ("exploitation", "older men")
    ]
    assert counted("No phone, seen with older men") == [
        ("alone_exposed", "no phone"),
        ("exploitation", "older men"),
    ]


def test_the_words_of_a_risk_are_not_negations_of_it() -> None:
    # "no money", "without medication", "never been missing before" are the risk.
    assert ("alone_exposed", "no money") in counted("He has no money")
    assert "medical_need" in read("Went without his medication").families
    assert "out_of_character" in read("Has never been missing before").families


def test_harmless_words_that_look_like_risk_are_not_counted() -> None:
    for text in (
        "Went to the drugstore",
        "Late back from the hotelier's café",
        "Phone battery flat; with school friends at the cinema",
    ):
        assert read(text).counted == (), text


def test_an_authority_can_leave_a_family_out() -> None:
    text = "Staying at a hotel; very drunk"
    assert set(read(text).families) == {"exploitation", "drugs_alcohol"}
    assert read(text, ignore=frozenset({"drugs_alcohol"})).families == ("exploitation",)


def test_the_vocabulary_is_versioned_and_its_families_named() -> None:
    reading = read("Suicidal")
    assert reading.version == risk_words.VERSION
    codes = risk_words.family_codes()
    assert len(codes) == len(set(codes)) >= 10
    assert all(f.label and f.patterns for f in risk_words.FAMILIES)
