"""What links the children on a panel: the places and adults of concern they mentioned.

Places are the same place when their postcodes are the same (spaces and case ignored) or,
without a postcode, when their descriptions are the same once normalised (case, punctuation
and a leading "the" ignored). Adults are described by children in their own words ("Big
Mike", "mikey from the flats"), so two descriptions are taken as the same adult when their
words, sorted, are close (rapidfuzz `token_sort_ratio` at or above `ADULT_THRESHOLD`) or
when they sound the same (jellyfish metaphone of each word, sorted) and are at least loosely
alike (`SOUND_FLOOR`). The threshold was measured on the labelled pairs in
`labelled_adults.py` (see docs/panel.md). A match is a suggestion: the panel confirms it.

The network has a node per child, place and adult, and an edge for each mention; the table
lists the places and adults that link two or more children.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import jellyfish
from rapidfuzz import fuzz

#: token_sort_ratio (0-100) at or above which two descriptions are one adult: the highest
#: of the thresholds with the best F1 on `labelled_adults.PAIRS` (76 to 83: F1 0.84).
ADULT_THRESHOLD = 83
#: The least token_sort_ratio at which descriptions that sound the same are one adult.
SOUND_FLOOR = 60

#: Words that say nothing about who the adult is.
_FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "called",
        "named",
        "known",
        "as",
        "aka",
        "goes",
        "by",
        "calls",
        "himself",
        "herself",
        "themselves",
    ]
)


@dataclass(frozen=True)
class PlaceMention:
    child_id: int
    description: str
    postcode: str = ""


@dataclass(frozen=True)
class AdultMention:
    child_id: int
    description: str


@dataclass(frozen=True)
class Node:
    id: str
    kind: str  # child, place or adult
    label: str


@dataclass(frozen=True)
class Link:
    """A place or adult mentioned by two or more children: a row of the table."""

    node: Node
    child_ids: tuple[int, ...]
    descriptions: tuple[str, ...]


@dataclass(frozen=True)
class Network:
    nodes: tuple[Node, ...]
    edges: tuple[tuple[str, str], ...]  # (child node id, place or adult node id)
    links: tuple[Link, ...]


def _words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", plain).split()


def normalise_place(description: str) -> str:
    words = _words(description)
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


def normalise_postcode(postcode: str) -> str:
    return "".join(postcode.split()).upper()


def place_key(description: str, postcode: str = "") -> str:
    """The place's identity: its postcode when it has one, else its normalised words."""
    code = normalise_postcode(postcode)
    return f"postcode:{code}" if code else f"place:{normalise_place(description)}"


def normalise_adult(description: str) -> str:
    return " ".join(w for w in _words(description) if w not in _FILLER)


def _sound(normalised: str) -> str:
    return " ".join(sorted(jellyfish.metaphone(w) for w in normalised.split()))


def adult_similarity(a: str, b: str) -> tuple[float, bool]:
    """token_sort_ratio of the normalised descriptions, and whether they sound the same."""
    na, nb = normalise_adult(a), normalise_adult(b)
    if not na or not nb:
        return 0.0, False
    return fuzz.token_sort_ratio(na, nb), _sound(na) == _sound(nb)


def same_adult(a: str, b: str, threshold: float = ADULT_THRESHOLD) -> bool:
    ratio, sounds_alike = adult_similarity(a, b)
    return ratio >= threshold or (sounds_alike and ratio >= SOUND_FLOOR)


@dataclass(frozen=True)
class Measure:
    threshold: int
    true_positive: int
    false_positive: int
    false_negative: int
    true_negative: int

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positive + self.false_negative
        return self.true_positive / actual if actual else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def measure(pairs: Iterable[tuple[str, str, bool]], thresholds: Iterable[int]) -> list[Measure]:
    """How `same_adult` does on labelled pairs (a, b, same?) at each threshold."""
    scored = [(adult_similarity(a, b), same) for a, b, same in pairs]
    out = []
    for t in thresholds:
        counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
        for (ratio, sounds), same in scored:
            said = ratio >= t or (sounds and ratio >= SOUND_FLOOR)
            key = ("t" if said == same else "f") + ("p" if said else "n")
            counts[key] += 1
        out.append(Measure(t, counts["tp"], counts["fp"], counts["fn"], counts["tn"]))
    return out


def best_threshold(measures: Sequence[Measure]) -> Measure:
    """The threshold with the best F1; of equals, the highest (fewest false matches)."""
    return max(measures, key=lambda m: (round(m.f1, 9), m.threshold))


def _groups(descriptions: Sequence[str], threshold: float) -> list[int]:
    """A group number per description: descriptions of one adult share one (union-find)."""
    parent = list(range(len(descriptions)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(descriptions)):
        for j in range(i + 1, len(descriptions)):
            if find(i) != find(j) and same_adult(descriptions[i], descriptions[j], threshold):
                parent[max(find(i), find(j))] = min(find(i), find(j))
    return [find(i) for i in range(len(descriptions))]


def build_network(
    children: Mapping[int, str],
    places: Iterable[PlaceMention],
    adults: Iterable[AdultMention],
    *,
    threshold: float = ADULT_THRESHOLD,
) -> Network:
    """The children (id -> label), the places and adults they mentioned, and the links.

    Nodes come in a fixed order (children as given, then places, then adults, each by
    label), so the same records always give the same network."""
    nodes: list[Node] = [Node(f"child-{cid}", "child", label) for cid, label in children.items()]
    edges: set[tuple[str, str]] = set()
    links: list[Link] = []

    def add(kind: str, members: dict[str, list[tuple[int, str]]]) -> None:
        made = []
        for _key, mentions in members.items():
            descriptions = tuple(dict.fromkeys(d for _c, d in mentions))
            label = min(descriptions, key=lambda d: (-sum(x == d for _c, x in mentions), d))
            made.append((label.lower(), label, mentions, descriptions))
        for number, (_sort, label, mentions, descriptions) in enumerate(sorted(made), 1):
            node = Node(f"{kind}-{number}", kind, label)
            nodes.append(node)
            child_ids = tuple(sorted({c for c, _d in mentions}))
            edges.update((f"child-{c}", node.id) for c in child_ids)
            if len(child_ids) >= 2:
                links.append(Link(node, child_ids, descriptions))

    place_groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for p in places:
        if p.child_id in children and (p.description.strip() or p.postcode.strip()):
            text = p.description.strip() or normalise_postcode(p.postcode)
            place_groups[place_key(p.description, p.postcode)].append((p.child_id, text))
    add("place", place_groups)

    adult_list = [a for a in adults if a.child_id in children and normalise_adult(a.description)]
    numbers = _groups([a.description.strip() for a in adult_list], threshold)
    adult_groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for a, group in zip(adult_list, numbers, strict=True):
        adult_groups[str(group)].append((a.child_id, a.description.strip()))
    add("adult", adult_groups)
    return Network(tuple(nodes), tuple(sorted(edges)), tuple(links))


@dataclass(frozen=True)
class Placed:
    node: Node
    x: float
    y: float


@dataclass(frozen=True)
class Layout:
    """Where each node of the drawing goes: children in the left column, the places and
    adults that link them in the right; lines between."""

    width: int
    height: int
    nodes: tuple[Placed, ...]
    lines: tuple[tuple[Placed, Placed], ...]


ROW = 44
TOP = 30


def layout(network: Network, *, width: int = 720) -> Layout:
    """A fixed layout of the children and the linking places and adults (the table's rows):
    the same network always gives the same drawing."""
    linked = [link.node for link in network.links]
    linked_ids = {n.id for n in linked}
    used = {c for c, target in network.edges if target in linked_ids}
    children = [n for n in network.nodes if n.kind == "child" and n.id in used]
    # Labels go outside the columns: the children's to the left, the others' to the right.
    left = [Placed(n, round(width * 0.35), TOP + i * ROW) for i, n in enumerate(children)]
    right = [Placed(n, round(width * 0.65), TOP + i * ROW) for i, n in enumerate(linked)]
    where = {p.node.id: p for p in (*left, *right)}
    lines = tuple((where[c], where[t]) for c, t in network.edges if c in where and t in where)
    rows = max(len(left), len(right), 1)
    return Layout(width, TOP * 2 + (rows - 1) * ROW, (*left, *right), lines)
