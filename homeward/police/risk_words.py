"""The risk vocabulary: the wording in a police report's circumstances that shows a risk of
harm, grouped in families after the risk factors the College of Policing's missing persons
guidance asks officers to consider (Authorised Professional Practice, "Missing persons: risk
identification, assessment and management"), versioned so a coordinator can see which
reading flagged a report.

Each family is a set of patterns written for this vocabulary (not a feed's own wording):
word stems with their inflections ("exploit", "exploited", "exploiting", "exploitation"),
and paraphrases ("wants to die", "end her life" beside "suicidal"). A mention is **not
counted** when the report says it is absent: a negation before it in the same clause ("no
concerns about self-harm", "denies using drugs", "no indication of exploitation", "not
thought to be at risk of CSE") or a "none" after it ("Self-harm: none"). What matched, and
why a mention was set aside, are kept to be shown.

An authority can leave a family out (`read(..., ignore=...)`, set by
`HOMEWARD_RISK_FAMILIES_IGNORED`; docs/police-intake.md); the version and the families are in
the reading, so a report read under another version says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

#: The version of this vocabulary: a change of any pattern makes a new one.
VERSION: Final = "2026-12-07"


@dataclass(frozen=True)
class Family:
    code: str
    #: What a coordinator reads: the risk factor, in the guidance's terms.
    label: str
    patterns: tuple[str, ...]


_PRONOUN: Final = r"(?:his|her|their|my|your)"
_SELF: Final = r"(?:himself|herself|themselves|themself|myself)"

FAMILIES: Final[tuple[Family, ...]] = (
    Family(
        "exploitation",
        "exploitation (sexual or criminal, county lines, trafficking)",
        (
            r"\bexploit(?:ed|ing|ation|ative|s)?\b",
            r"\bgroom(?:ed|ing|er|ers)\b",
            r"\bcounty[\s-]+lines?\b",
            r"\btraffick\w*",
            r"\bcuckoo\w*",
            r"\bc[sc]e\b",
            r"\b(?:deal(?:ing|er|ers)|running|holding)\s+(?:drugs|for)\b|\bdeal(?:ing|er|ers)\b",
            r"\bdrugs?\s+debts?\b|\bdebts?\b",
            r"\bgangs?\b",
            r"\bsexual(?:ly|ised|ized)?\b|\bsexting\b|\bnudes?\b|\bnude (?:images|photos)\b",
            r"\bolder\s+(?:males?|men|man|adults?|boyfriends?|girlfriends?|friends?|people)\b",
            r"\b(?:unknown|unidentified)\s+(?:adults?|males?|men|man|females?|women)\b",
            r"\bhotels?\b",
            r"\b(?:given|bought)\s+(?:gifts|presents|phones?|money|clothes|trainers)\b",
            r"\bnew\s+(?:phone|trainers|clothes)\b[^.;]{0,40}\b(?:unexplained|unknown|no idea)\b",
        ),
    ),
    Family(
        "drugs_alcohol",
        "drugs or alcohol",
        (
            r"\bdrugs?\b(?![\s-]*stores?\b)",
            r"\b(?:cannabis|weed|cocaine|crack|heroin|ketamine|ecstasy|mdma|spice|nitrous)\b",
            r"\b(?:drunk|intoxicated|intoxication|inebriated|under\s+the\s+influence)\b",
            r"\balcohol\w*\b|\bvodka\b|\bdrinking\b",
            r"\bsmel(?:t|led|ling|ls)\s+(?:of|strongly\s+of)\s+(?:alcohol|cannabis|drink)\b",
        ),
    ),
    Family(
        "self_harm_suicide",
        "self-harm or suicidal intent",
        (
            r"\bself[\s-]*harm\w*",
            r"\bsuicid\w*",
            r"\boverdos\w*",
            rf"\b(?:kill|hurt|harm|cut|cutting|hang|hanging)\s+{_SELF}\b",
            rf"\bend(?:ing)?\s+{_PRONOUN}\s+(?:own\s+)?life\b",
            r"\bwant(?:s|ed|ing)?\s+to\s+die\b|\bnot\s+want(?:ing)?\s+to\s+(?:live|be\s+here)\b",
            r"\bligatures?\b",
            r"\bcut(?:ting)?\s+(?:his|her|their)\s+(?:arms?|wrists?|legs?)\b",
            r"\bjump(?:ing)?\s+(?:off|from)\s+(?:a|the)\s+(?:bridge|building|roof|cliff)\b",
        ),
    ),
    Family(
        "mental_health",
        "mental ill health or a mental health crisis",
        (
            r"\bmental\s+(?:health|ill[\s-]?health|illness|breakdown)\b",
            r"\bpsychos[ie]s\b|\bpsychotic\b",
            r"\bdepress(?:ed|ion|ive)\b",
            r"\bhearing\s+voices\b",
            r"\bin\s+crisis\b",
            r"\bsectioned\b",
            r"\bcamhs\b",
            r"\beating\s+disorder\b|\banorexi\w*|\bbulimi\w*",
            r"\bparanoi\w*",
        ),
    ),
    Family(
        "medical_need",
        "a medical need or prescribed medication not taken",
        (
            r"\bdiabet\w*|\binsulin\b",
            r"\bepilep\w*|\bseizures?\b",
            r"\basthma\w*|\binhaler\b",
            r"\b(?:heart|medical)\s+condition\b",
            r"\b(?:without|no|left|missed|forgot(?:ten)?|not\s+taken|hasn[’']?t\s+taken|"
            r"has\s+not\s+taken|not\s+got)\b[^.;]{0,30}\b(?:medication|medicine|meds|tablets)\b",
            r"\b(?:medication|medicine|meds|tablets)\b[^.;]{0,25}\b(?:left\s+behind|not\s+taken|"
            r"missed|at\s+home|run\s+out)\b",
        ),
    ),
    Family(
        "harm_at_home",
        "abuse, harm or conflict at home",
        (
            r"\bdomestic\s+(?:abuse|violence|incidents?)\b",
            r"\babus(?:e|ed|ive|ing)\b",
            r"\bneglect(?:ed)?\b",
            r"\b(?:assaulted|hit|beaten|punched|kicked|slapped)\s+by\s+(?:his|her|their)\b",
            r"\binjur(?:y|ies|ed)\b|\bbruis\w*",
            r"\b(?:scared|afraid|frightened|fearful|terrified)\s+(?:to|of)\b",
            r"\bkicked\s+out\b|\bthrown\s+out\b",
        ),
    ),
    Family(
        "alone_exposed",
        "out alone, at night or in bad weather, without means",
        (
            r"\balone\s+(?:at\s+night|overnight|in\s+the\s+dark)\b",
            r"\b(?:out|outside|missing)\s+(?:all\s+night|overnight|at\s+night)\b",
            r"\bsleep(?:ing|s)?\s+rough\b|\brough\s+sleep\w*",
            r"\bno\s+(?:money|phone|coat|jacket|shoes|warm\s+clothing)\b",
            r"\b(?:freezing|snow(?:ing)?|storm|heavy\s+rain|below\s+zero|sub[\s-]?zero)\b",
            r"\bhitch[\s-]?hik\w*",
        ),
    ),
    Family(
        "violence_weapons",
        "violence, weapons or threats",
        (
            r"\bknife\b|\bknives\b|\bstab(?:bed|bing)?\b|\bblades?\b",
            r"\bweapons?\b|\bmachetes?\b|\bfirearms?\b|\bguns?\b",
            r"\bthreat(?:s|en|ened|ening)?\b",
            r"\bviolen(?:ce|t)\b",
            r"\bassault(?:ed|ing|s)?\b|\brape[ds]?\b",
        ),
    ),
    Family(
        "abduction",
        "taken or held by someone",
        (
            r"\babduct\w*",
            r"\b(?:forced|bundled|pulled|dragged)\s+into\s+(?:a|the|an)\s+\w+",
            r"\btaken\s+by\s+(?:a|an|two|three|unknown|older)\b",
            r"\bheld\s+against\s+(?:his|her|their)\s+will\b",
        ),
    ),
    Family(
        "vulnerability",
        "a disability, illness or need that affects safety, communication or decisions",
        (
            r"\blearning\s+(?:disabilit\w*|difficult\w*)\b",
            r"\bautis\w*|\basd\b",
            r"\bnon[\s-]?verbal\b",
            r"\bspecial\s+educational\s+needs\b",
            r"\bvulnerab\w*",
            r"\byoung\s+for\s+(?:his|her|their)\s+age\b",
        ),
    ),
    Family(
        "online_contact",
        "contact online with people the child does not know",
        (
            r"\bmet\s+(?:online|on\s+(?:snapchat|instagram|tiktok|facebook|discord|social\s+media))\b",
            r"\b(?:talking|chatting|speaking)\s+(?:online|on\s+\w+)\s+to\s+(?:an?\s+)?"
            r"(?:older|unknown|adult|strangers?)\b",
            r"\bonline\s+(?:contact|friends?|boyfriend|girlfriend)\b",
        ),
    ),
    Family(
        "out_of_character",
        "out of character, or never missing before",
        (
            r"\bout\s+of\s+character\b|\bunlike\s+(?:him|her|them)\b",
            r"\bnever\s+(?:been|gone|run\s+away)\s+(?:missing|away|off)?\s*before\b",
            r"\bfirst\s+(?:time|episode)\s+(?:missing|away)\b",
        ),
    ),
)

_COMPILED: Final = tuple(
    (family, tuple(re.compile(pattern, re.IGNORECASE) for pattern in family.patterns))
    for family in FAMILIES
)

#: A negation that says the risk is absent, in the clause's last words before a mention:
#: a phrase that governs what follows it ("no concerns about", "denies", "not thought to
#: be"), within `NEGATION_WORDS` words.
_NEGATION_PHRASE: Final = re.compile(
    r"\bno\s+(?:concerns?|signs?|indications?|evidence|history|suggestions?|mention|reports?|"
    r"intel(?:ligence)?|known|apparent|current|previous|identified)\b"
    r"|\bnothing\s+to\s+(?:suggest|indicate)\b|\bden(?:y|ies|ied|ying)\b|\bwithout\s+any\b"
    r"|\bruled\s+out\b|\bfree\s+(?:from|of)\b|\bno\s+longer\b|\bunlikely\b"
    r"|\bnot\s+(?:thought|believed|considered|suspected|known|felt|deemed)\s+to\b"
    r"|\bnot\s+(?:at\s+risk|involved|using|taking|a\s+(?:concern|risk|factor))\b"
    r"|(?:\bnot|n[’']t)\s+(?:appear|seem|look|believed)(?:ing|s|ed)?\s+to\s+be\b"
    r"|\bnever\s+(?:used|taken|involved|been\s+involved)\b|\bneither\b|\bnor\b",
    re.IGNORECASE,
)
#: A bare "no", "not" or "never" negates only the words right after it ("no drugs", "not
#: drunk", "never self-harmed").
_NEGATION_WORD: Final = re.compile(r"\b(?:no|not|non|none|never)\b", re.IGNORECASE)
#: How many words before a mention a bare "no" may stand.
NEGATION_NEAR: Final = 2
#: Words after a mention that say it is absent ("Self-harm: none", "drugs - no").
_NEGATION_AFTER: Final = re.compile(
    r"^\s*(?:[:=\-–—]\s*|\s+)?(?:none|no|nil|not\s+known|negative|n/?a|denied)\b",
    re.IGNORECASE,
)
#: Where a clause begins, looking back from a mention: a negation beyond it is another
#: clause's ("No drugs found, but older men seen": the men are counted).
_CLAUSE_START: Final = re.compile(
    r"[.;!?\n]|\bbut\b|\bhowever\b|\balthough\b|\bthough\b|\bwhereas\b|\byet\b|\band\s+(?:was|is|has|had|then)\b",
    re.IGNORECASE,
)
#: How many words before a mention a negation may stand.
NEGATION_WORDS: Final = 8


@dataclass(frozen=True)
class Mention:
    family: str
    label: str
    #: The words that matched, as written (spaces folded).
    words: str
    #: Why it is not counted ("" when it is): the negation that sets it aside.
    set_aside: str = ""


@dataclass(frozen=True)
class Reading:
    version: str
    counted: tuple[Mention, ...]
    set_aside: tuple[Mention, ...]

    @property
    def families(self) -> tuple[str, ...]:
        """The families with a counted mention, in the vocabulary's order."""
        seen = {m.family for m in self.counted}
        return tuple(f.code for f in FAMILIES if f.code in seen)


def _negation(text: str, start: int, end: int) -> str:
    """The negation that sets aside the mention at `start:end`, or ""."""
    before = text[:start]
    clause = 0
    for hit in _CLAUSE_START.finditer(before):
        clause = hit.end()
    words = before[clause:].split()
    found = _NEGATION_PHRASE.search(" ".join(words[-NEGATION_WORDS:]))
    if found is None:
        found = _NEGATION_WORD.search(" ".join(words[-NEGATION_NEAR:]))
    if found is not None:
        return " ".join(found.group(0).split()).lower()
    after = _NEGATION_AFTER.match(text[end : end + 20])
    if after is not None:
        return " ".join(after.group(0).strip(" :=-–—").split()).lower()
    return ""


#: What may stand between two mentions of one list, so that a negation of the first covers
#: the next ("no drugs or alcohol", "denies self-harm, suicidal thoughts or overdoses").
_LIST_GAP: Final = re.compile(
    r"^[\s,/]*(?:(?:or|and|nor)\b)?[\s,/]*(?:\w+[\s,/]+)?$", re.IGNORECASE
)


def read(text: str, *, ignore: frozenset[str] = frozenset()) -> Reading:
    """The risk mentioned in `text`, family by family: each mention once (the first place
    it matched), counted or set aside with the negation that sets it aside."""
    hits: list[tuple[int, int, Family]] = []
    for family, patterns in _COMPILED:
        if family.code in ignore:
            continue
        for pattern in patterns:
            hits.extend((hit.start(), hit.end(), family) for hit in pattern.finditer(text))
    # In the order written; where two overlap, the first family's (the vocabulary's order).
    order = {family.code: n for n, family in enumerate(FAMILIES)}
    hits.sort(key=lambda h: (h[0], order[h[2].code], -h[1]))
    counted: list[Mention] = []
    aside: list[Mention] = []
    seen: set[tuple[str, str]] = set()
    last_end, last_negation = -1, ""
    for start, end, family in hits:
        if start < last_end:
            continue  # inside a mention already read
        words = " ".join(text[start:end].split())
        negation = _negation(text, start, end)
        if not negation and last_negation and _LIST_GAP.match(text[last_end:start]):
            negation = last_negation
        last_end, last_negation = end, negation
        key = (family.code, words.lower())
        if key in seen:
            continue
        seen.add(key)
        mention = Mention(family.code, family.label, words, negation)
        (aside if negation else counted).append(mention)
    return Reading(VERSION, tuple(counted), tuple(aside))


def family_codes() -> tuple[str, ...]:
    return tuple(family.code for family in FAMILIES)
