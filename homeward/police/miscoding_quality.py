"""How well the possible-miscoding rules pick out real miscodings: a seeded, synthetic set.

Reports are generated with the truth known: whether each is really miscoded, and by which
rule's contradiction.

- **Coded absent (or a low grade) with signs of risk** (`ABSENT_WITH_RISK`): reports coded
  absent, very low, no apparent risk or low. Their circumstances describe a risk (a phrase
  from one of the risk families, in one of several wordings, some inflected or paraphrased),
  or say a risk is absent ("no concerns about self-harm", "denies drugs or alcohol"), or
  are harmless, some with words that look like risk ("drugstore", "hotelier"). A report is
  truly miscoded when it is coded absent or a low grade and describes a risk.
- **A care address coded "from home"** (`CARE_ADDRESS_FROM_HOME`): reports coded missing
  from home at an address that is a looked-after child's placement (truly miscoded), at a
  family home that shares the placement's postcode, or elsewhere; the postcode field is
  blank on some, with the postcode written in the address line instead.

The phrases are written here from the risk factors the College of Policing's guidance lists,
in the words officers use, separately from the vocabulary's patterns
(`homeward.police.risk_words`), so the measure is not of the patterns against themselves;
each phrase is used in several sentence frames.

`evaluate` classifies every report and gives, per rule and for the whole list, the
precision (of the reports flagged, the share truly miscoded) and the recall (of the reports
truly miscoded, the share flagged).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Final

from homeward.police.classify import (
    ABSENT_WITH_RISK,
    CARE_ADDRESS_FROM_HOME,
    classify,
)
from homeward.police.format import (
    Category,
    MissingFrom,
    Notification,
    NotificationType,
    RiskGrade,
    Sex,
)

RULES: Final = (ABSENT_WITH_RISK, CARE_ADDRESS_FROM_HOME)

#: Risk described, one list per risk factor, as officers write it.
RISK_PHRASES: Final[tuple[str, ...]] = (
    "she has been seen getting into cars with older males",
    "he is believed to be running drugs for a local dealer",
    "there are concerns he is being exploited",
    "her mother thinks she is being groomed by a man she met online",
    "he owes a drug debt and has been threatened",
    "found at a hotel with two unknown adults last time",
    "she has told friends she wants to die",
    "he has a history of self harming",
    "she took an overdose in January",
    "he is diabetic and has not taken his insulin",
    "she is epileptic and left her medication at home",
    "he was very drunk when last seen",
    "she smelt strongly of cannabis earlier",
    "there was a domestic incident at home before he left",
    "she says she is scared to go home",
    "he is out in freezing weather with no coat",
    "she has no money and no phone and is out alone at night",
    "he is autistic and non-verbal",
    "she has been hearing voices and is in crisis",
    "he was seen carrying a knife",
    "this is completely out of character for her",
    "he was bundled into a car outside school",
    "she cut herself last week",
    "he took a load of pills last time he went missing",
    "she has been talking online to an older man",
    "he has been seen with a gang in the town centre",
)
#: A risk said to be absent.
NEGATED_PHRASES: Final[tuple[str, ...]] = (
    "no concerns about self-harm",
    "there is nothing to suggest exploitation",
    "she denies drugs or alcohol",
    "not thought to be at risk of CSE",
    "self harm: none known",
    "no history of going missing with older males",
    "no indication of any mental health issues",
    "he does not appear to be drunk",
    "she has never self-harmed",
    "no weapons involved",
)
#: Nothing of risk, some with words that look like it.
HARMLESS_PHRASES: Final[tuple[str, ...]] = (
    "she was late back from the cinema with school friends",
    "he stayed out to watch football at a friend's house",
    "his phone battery went flat",
    "she went to the drugstore for her mum",
    "he was at the hotelier's cafe where his cousin works",
    "she missed the last bus home",
    "he forgot to tell staff he was going to the park",
    "she is staying with her grandmother, who is diabetic",
    "he went to watch the film Knives Out",
)
FRAMES: Final = (
    "{}.",
    "Reported by carer: {}.",
    "Left the address at 19:00; {}.",
    "{}. Returned of own accord previously.",
)

STREETS: Final = ("Heron Close", "Marsh Lane", "Sedge Road", "Willow Court", "Fen Street")


@dataclass(frozen=True)
class RuleQuality:
    rule: str
    flagged: int
    truly: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.flagged if self.flagged else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.truly if self.truly else 1.0


@dataclass(frozen=True)
class MiscodingQuality:
    reports: int
    rules: tuple[RuleQuality, ...]
    overall: RuleQuality


def _base(rng: random.Random, number: int) -> Notification:
    return Notification(
        force="synthetic",
        police_reference=f"MQ-{number:06d}",
        notification_type=NotificationType.REPORTED_MISSING,
        given_names="Jordan",
        family_name="Example",
        date_of_birth=date(2011, 5, 14),
        child_flag=True,
        sex=Sex.UNKNOWN,
        reported_at=datetime(2026, 3, 1, 22, tzinfo=UTC),
        category=Category.MISSING,
        risk_grade=RiskGrade.MEDIUM,
        missing_from=MissingFrom.HOME,
    )


def reports(
    count: int, *, seed: int
) -> tuple[list[tuple[Notification, frozenset[str]]], frozenset[tuple[str, str]]]:
    """`count` reports with the rules each truly breaks, and the authority's placements
    (postcode, address)."""
    rng = random.Random(seed)  # noqa: S311 (generated data, not secrets)
    placements = frozenset(
        (f"FN{n % 20 + 1}{n % 9 + 1}AB", f"{n % 80 + 1} {STREETS[n % len(STREETS)]}, Fenmoor")
        for n in range(300)
    )
    ordered = sorted(placements)
    out: list[tuple[Notification, frozenset[str]]] = []
    for number in range(count):
        n = _base(rng, number)
        truth: set[str] = set()
        if rng.random() < 0.5:  # the risk rule
            low = rng.random() < 0.7
            grade = (
                rng.choice((RiskGrade.VERY_LOW, RiskGrade.NO_APPARENT_RISK, RiskGrade.LOW))
                if low
                else rng.choice((RiskGrade.MEDIUM, RiskGrade.HIGH))
            )
            category = Category.ABSENT if low and rng.random() < 0.4 else Category.MISSING
            kind = rng.random()
            phrase = (
                rng.choice(RISK_PHRASES)
                if kind < 0.5
                else rng.choice(NEGATED_PHRASES)
                if kind < 0.75
                else rng.choice(HARMLESS_PHRASES)
            )
            text = rng.choice(FRAMES).format(phrase[0].upper() + phrase[1:])
            n = replace(n, risk_grade=grade, category=category, circumstances=text)
            low_coded = category == Category.ABSENT or grade in (
                RiskGrade.VERY_LOW,
                RiskGrade.NO_APPARENT_RISK,
            )
            if low_coded and kind < 0.5:
                truth.add(ABSENT_WITH_RISK)
        else:  # the care address rule
            postcode, address = rng.choice(ordered)
            where = rng.random()
            if where < 0.4:  # the placement itself
                line, code = address, postcode
                truth.add(CARE_ADDRESS_FROM_HOME)
            elif where < 0.7:  # a family home sharing its postcode (not a placement there)
                taken = {a.split()[0] for p, a in placements if p == postcode}
                number_there = int(address.split()[0]) + rng.randint(1, 30)
                while str(number_there) in taken:
                    number_there += 1
                line, code = f"{number_there} {' '.join(address.split()[1:])}", postcode
            else:  # elsewhere
                line, code = f"{rng.randint(100, 200)} Causeway Gardens, Fenmoor", "FN99ZZ"
            spaced = f"{code[:-3]} {code[-3:]}"
            if rng.random() < 0.3:  # the postcode in the address line, none in its field
                n = replace(n, address=f"{line} {spaced}", postcode="")
            else:
                n = replace(n, address=line, postcode=spaced)
        out.append((n, frozenset(truth)))
    return out, placements


def evaluate(count: int = 4_000, *, seed: int = 1) -> MiscodingQuality:
    made, placements = reports(count, seed=seed)
    flagged = {rule: 0 for rule in RULES}
    truly = {rule: 0 for rule in RULES}
    correct = {rule: 0 for rule in RULES}
    listed = listed_true = all_true = 0
    for n, truth in made:
        codes = {
            c.code
            for c in classify(n, home_authority="E10000099", care_addresses=placements).concerns
        }
        codes &= set(RULES)
        for rule in RULES:
            flagged[rule] += rule in codes
            truly[rule] += rule in truth
            correct[rule] += rule in codes and rule in truth
        listed += bool(codes)
        all_true += bool(truth)
        listed_true += bool(codes) and bool(truth)
    return MiscodingQuality(
        reports=len(made),
        rules=tuple(RuleQuality(r, flagged[r], truly[r], correct[r]) for r in RULES),
        overall=RuleQuality("the list", listed, all_true, listed_true),
    )


def format_quality(q: MiscodingQuality) -> str:
    lines = [
        f"Possible miscodings, {q.reports:,} reports with the truth known:",
        f"{'Rule':<26} {'Flagged':>8} {'Truly':>8} {'Precision':>10} {'Recall':>8}",
    ]
    for r in (*q.rules, q.overall):
        lines.append(
            f"{r.rule:<26} {r.flagged:>8,} {r.truly:>8,} {r.precision:>10.4f} {r.recall:>8.4f}"
        )
    return "\n".join(lines)
