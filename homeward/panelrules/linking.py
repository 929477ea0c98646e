"""What links the children on a panel: the places and adults of concern they mentioned.

Places are one place when their descriptions are the same once normalised (case,
punctuation and a leading "the" ignored), whatever postcodes were given with them; or when
their postcodes are the same (spaces and case ignored) and the words of one description are
all among the other's ("takeaway flat" and "Flat above the takeaway"). A mention with a
postcode and no description joins the place described at that postcode when there is only
one. Adults are described by children in their own words ("Big Mike", "mikey from the
flats"), so two descriptions are taken as the same adult when their words, sorted, are close
(rapidfuzz `token_sort_ratio` at or above `ADULT_THRESHOLD`) or when they sound the same
(jellyfish metaphone of each word, sorted) and are at least loosely alike (`SOUND_FLOOR`).
The threshold was measured on the labelled pairs in `labelled_adults.py` (see
docs/panel.md). A match is a suggestion: the panel confirms it. Matches join up: if A is B
and B is C, all three are one.

The network has a node per child, place and adult (each place and adult once, under a
label no other node of its kind has), and an edge for each mention; the table lists the
places and adults that link two or more children. `layout` places them for a drawing whose
labels are wrapped to fit, never cut.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import jellyfish
from rapidfuzz import fuzz

from homeward.formats.degrade import postcode_district

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
    postcodes: tuple[str, ...] = ()


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


def format_postcode(postcode: str) -> str:
    """`zz12bb` as `ZZ1 2BB`: the inward code (the last three characters) after a space."""
    code = normalise_postcode(postcode)
    return f"{code[:-3]} {code[-3:]}" if len(code) >= 5 else code


def same_place(one: tuple[str, str], other: tuple[str, str]) -> bool:
    """Whether two mentions, each (description, postcode), are one place by the module's
    rule."""
    mentions = [(normalise_place(d), normalise_postcode(p)) for d, p in (one, other)]
    first, second = _place_groups(mentions)
    return first == second


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


class _Joins:
    """Union-find over 0..n-1: joined items share a root, the smallest of them."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _adult_groups(normalised: Sequence[str], threshold: float) -> list[int]:
    """A group number per normalised description: one adult's share one. Each distinct
    description is compared with each other once (so a meeting's hundreds of mentions of a
    few adults cost a few comparisons)."""
    distinct = sorted(set(normalised))
    sounds = [_sound(d) for d in distinct]
    joins = _Joins(len(distinct))
    for i in range(len(distinct)):
        for j in range(i + 1, len(distinct)):
            if joins.find(i) == joins.find(j):
                continue
            ratio = fuzz.token_sort_ratio(distinct[i], distinct[j])
            if ratio >= threshold or (sounds[i] == sounds[j] and ratio >= SOUND_FLOOR):
                joins.join(i, j)
    number = {d: joins.find(i) for i, d in enumerate(distinct)}
    return [number[n] for n in normalised]


def _place_groups(mentions: Sequence[tuple[str, str]]) -> list[int]:
    """A group number per (normalised description, normalised postcode): see the module's
    rule. The joins depend only on the set of mentions, not their order."""
    joins = _Joins(len(mentions))
    first_with: dict[str, int] = {}
    at: dict[str, list[int]] = defaultdict(list)
    for i, (words, code) in enumerate(mentions):
        if words:
            joins.join(i, first_with.setdefault(words, i))
        if code:
            at[code].append(i)
    for indices in at.values():
        described = sorted({mentions[i][0] for i in indices if mentions[i][0]})
        for n, one in enumerate(described):
            for other in described[n + 1 :]:
                a, b = set(one.split()), set(other.split())
                if a <= b or b <= a:
                    joins.join(first_with[one], first_with[other])
    for indices in at.values():  # postcode only: joins the one place described there
        bare = [i for i in indices if not mentions[i][0]]
        for i in bare[1:]:
            joins.join(bare[0], i)
        roots = {joins.find(i) for i in indices if mentions[i][0]}
        if bare and len(roots) == 1:
            joins.join(bare[0], roots.pop())
    return [joins.find(i) for i in range(len(mentions))]


def _unique(labels: list[str]) -> list[str]:
    """The labels, those shared by several nodes numbered (1), (2)... in order."""
    counts: dict[str, int] = defaultdict(int)
    for label in labels:
        counts[label.lower()] += 1
    seen: dict[str, int] = defaultdict(int)
    out = []
    for label in labels:
        if counts[label.lower()] > 1:
            seen[label.lower()] += 1
            label = f"{label} ({seen[label.lower()]})"
        out.append(label)
    return out


def build_network(
    children: Mapping[int, str],
    places: Iterable[PlaceMention],
    adults: Iterable[AdultMention],
    *,
    threshold: float = ADULT_THRESHOLD,
    districts: bool = False,
) -> Network:
    """The children (id -> label), the places and adults they mentioned, and the links.

    Nodes come in a fixed order (children as given, then places, then adults, each by
    label), so the same records always give the same network. With `districts` (a pack
    leaving the authority) postcodes are shown by their district, and a place known only by
    its postcode as "Somewhere in" its district; places are still told apart by their full
    postcodes."""
    nodes: list[Node] = [Node(f"child-{cid}", "child", label) for cid, label in children.items()]
    edges: set[tuple[str, str]] = set()
    links: list[Link] = []

    def shown(postcode: str) -> str:
        return postcode_district(postcode) if districts else format_postcode(postcode)

    def add(kind: str, groups: Mapping[int, list[tuple[int, str, str]]]) -> None:
        made = []
        for mentions in groups.values():
            texts = [text for _c, text, _p in mentions]
            # The most common description first: it is the label.
            descriptions = tuple(sorted(set(texts), key=lambda d: (-texts.count(d), d)))
            label = descriptions[0]
            codes = tuple(sorted({shown(p) for _c, _t, p in mentions if p}))
            made.append((label.lower(), label, mentions, descriptions, codes))
        made.sort(key=lambda m: (m[0], m[1], m[3], m[4]))
        labels = _unique([m[1] for m in made])
        for number, ((_s, _l, mentions, descriptions, codes), label) in enumerate(
            zip(made, labels, strict=True), 1
        ):
            node = Node(f"{kind}-{number}", kind, label)
            nodes.append(node)
            child_ids = tuple(sorted({c for c, _t, _p in mentions}))
            edges.update((f"child-{c}", node.id) for c in child_ids)
            if len(child_ids) >= 2:
                links.append(Link(node, child_ids, descriptions, codes))

    place_list = [
        (p.child_id, p.description.strip(), normalise_postcode(p.postcode))
        for p in places
        if p.child_id in children and (p.description.strip() or p.postcode.strip())
    ]
    numbers = _place_groups([(normalise_place(d), code) for _c, d, code in place_list])
    place_groups: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for (child_id, description, code), group in zip(place_list, numbers, strict=True):
        text = description or (
            f"Somewhere in {postcode_district(code)}" if districts else format_postcode(code)
        )
        place_groups[group].append((child_id, text, code))
    add("place", place_groups)

    adult_list = [
        (a.child_id, a.description.strip(), normalise_adult(a.description))
        for a in adults
        if a.child_id in children and normalise_adult(a.description)
    ]
    numbers = _adult_groups([n for _c, _d, n in adult_list], threshold)
    adult_groups: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for (child_id, description, _n), group in zip(adult_list, numbers, strict=True):
        adult_groups[group].append((child_id, description, ""))
    add("adult", adult_groups)
    return Network(tuple(nodes), tuple(sorted(edges)), tuple(links))


#: The drawing, in the SVG's user units (CSS pixels when drawn 960 wide): the children's
#: labels in the left column, the places' and adults' in the right, the lines between.
WIDTH = 960
FONT_SIZE = 15
LINE_HEIGHT = 19
ROW_GAP = 13
TOP = 24
#: Room for a label: from the page's edge (16 units of margin) to 14 units short of its
#: node's marker. Labels longer than this are wrapped onto more lines, never cut.
LABEL_WIDTH = 300
MARGIN = 16
LABEL_GAP = 14
LEFT_X = MARGIN + LABEL_WIDTH + LABEL_GAP
RIGHT_X = WIDTH - LEFT_X
#: How many times the ordering is improved (the children by where their places and adults
#: are, then those by where their children are) to uncross the lines.
SWEEPS = 4

#: Rough advance widths, in ems, of sans-serif letters, erring wide (DejaVu Sans, which the
#: PDF uses, is wider than Arial): a label measured with them fits in either.
_NARROW = frozenset("ijlI.,:;'!|()[]{}")
_SLIGHT = frozenset("frt -/")
_WIDE = frozenset("mwMW@%&")


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """`text`'s width at `size`, estimated from the letters' widths (erring wide)."""
    ems = 0.0
    for c in text:
        if c in _NARROW:
            ems += 0.34
        elif c in _SLIGHT:
            ems += 0.45
        elif c in _WIDE:
            ems += 1.0
        elif c.isupper() or c.isdigit():
            ems += 0.78
        else:
            ems += 0.64
    return ems * size


def wrap(text: str, width: float = LABEL_WIDTH, size: float = FONT_SIZE) -> tuple[str, ...]:
    """`text` on as few lines as fit in `width`, broken between words (a word too long for a
    line of its own is broken inside it). Every letter is kept."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while text_width(word, size) > width:
            fits = [n for n in range(1, len(word)) if text_width(word[:n], size) <= width]
            cut = fits[-1] if fits else 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line or not lines:
        lines.append(line)
    return tuple(lines)


@dataclass(frozen=True)
class Placed:
    """A node in the drawing: its marker at (x, y), its label's lines beside it."""

    node: Node
    x: float
    y: float
    lines: tuple[str, ...] = ()

    @property
    def text_x(self) -> float:
        return self.x - LABEL_GAP if self.node.kind == "child" else self.x + LABEL_GAP

    @property
    def anchor(self) -> str:
        return "end" if self.node.kind == "child" else "start"

    @property
    def baseline(self) -> float:
        """The first line's baseline: the lines centred on the marker."""
        return round(self.y - (len(self.lines) - 1) * LINE_HEIGHT / 2 + FONT_SIZE / 3, 1)


@dataclass(frozen=True)
class Layout:
    """Where each node of the drawing goes: children in the left column, the places and
    adults that link them in the right; lines between."""

    width: int
    height: int
    nodes: tuple[Placed, ...]
    lines: tuple[tuple[Placed, Placed], ...]
    label_width: int = LABEL_WIDTH
    line_height: int = LINE_HEIGHT
    font_size: int = FONT_SIZE


def label_text(node: Node) -> str:
    """What the drawing writes beside a node: a place or adult says which it is."""
    prefix = {"place": "Place: ", "adult": "Adult: "}.get(node.kind, "")
    return prefix + node.label


def _order(
    left: list[Node], right: list[Node], edges: set[tuple[str, str]]
) -> tuple[list[Node], list[Node]]:
    """Both columns reordered, a few times over, by the mean position of what each node is
    joined to (the barycentre heuristic), so fewer lines cross; ties keep their order."""
    joined: dict[str, list[str]] = defaultdict(list)
    for a, b in sorted(edges):
        joined[a].append(b)
        joined[b].append(a)

    def by_neighbours(column: list[Node], other: list[Node]) -> list[Node]:
        where = {n.id: i for i, n in enumerate(other)}
        keyed = []
        for i, n in enumerate(column):
            near = [where[m] for m in joined[n.id] if m in where]
            keyed.append((sum(near) / len(near) if near else i, i, n))
        return [n for _k, _i, n in sorted(keyed, key=lambda k: (k[0], k[1]))]

    for _ in range(SWEEPS):
        right = by_neighbours(right, left)
        left = by_neighbours(left, right)
    return left, by_neighbours(right, left)


def _stack(nodes: list[Node], x: float, height: float | None = None) -> list[Placed]:
    """The nodes one under another, each as tall as its label; spread out to `height`."""
    wrapped = [wrap(label_text(n)) for n in nodes]
    tall = [len(lines) * LINE_HEIGHT + ROW_GAP for lines in wrapped]
    spare = (height - sum(tall)) / len(nodes) if height and nodes else 0.0
    placed, y = [], float(TOP)
    for node, lines, h in zip(nodes, wrapped, tall, strict=True):
        room = h + max(spare, 0.0)
        placed.append(Placed(node, x, round(y + room / 2, 1), lines))
        y += room
    return placed


def layout(network: Network) -> Layout:
    """A fixed layout of the children and the linking places and adults (the table's rows),
    each label whole (wrapped to `LABEL_WIDTH`): the same network always gives the same
    drawing."""
    linked = [link.node for link in network.links]
    linked_ids = {n.id for n in linked}
    drawn = {(c, t) for c, t in network.edges if t in linked_ids}
    used = {c for c, _t in drawn}
    children = [n for n in network.nodes if n.kind == "child" and n.id in used]
    children, linked = _order(children, linked, drawn)
    left = _stack(children, LEFT_X)
    left_height = sum(len(p.lines) * LINE_HEIGHT + ROW_GAP for p in left)
    right = _stack(linked, RIGHT_X, left_height)
    right_height = sum(len(p.lines) * LINE_HEIGHT + ROW_GAP for p in right)
    if right_height > left_height:
        left = _stack(children, LEFT_X, right_height)
    where = {p.node.id: p for p in (*left, *right)}
    lines = tuple((where[c], where[t]) for c, t in sorted(drawn))
    height = TOP * 2 + max(left_height, right_height, LINE_HEIGHT)
    return Layout(WIDTH, round(height), (*left, *right), lines)
