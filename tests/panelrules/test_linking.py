"""Linking children through places and adults: postcodes and descriptions normalised, adults
matched fuzzily at a measured threshold, the network and its table, and the layout."""

from __future__ import annotations

import itertools

from homeward.panelrules import linking
from homeward.panelrules.labelled_adults import PAIRS
from homeward.panelrules.linking import AdultMention, PlaceMention, build_network

CHILDREN = {1: "Amy Example (C-1)", 2: "Ben Sample (C-2)", 3: "Cal Test (C-3)"}


def test_places_match_on_their_words_or_on_postcode_and_shared_words():
    same = linking.same_place
    assert same(("The Park!", ""), ("park", ""))
    # One named place, whatever postcodes were given with it.
    assert same(("Hollowmere skate park", "ZZ4 2GP"), ("hollowmere skate park", "ZZ9 4JT"))
    assert same(("Park", ""), ("Park", "ZZ1 1AA"))
    # The same postcode (spaces and case ignored) and one's words all among the other's.
    assert same(("Flat above the takeaway", "zz1 2bb"), ("takeaway flat", "ZZ12BB"))
    # Two places at one postcode are two places.
    assert not same(("Flat 2", "zz1 1aa"), ("The shop", "ZZ11AA"))
    assert not same(("takeaway flat", "ZZ1 2BB"), ("Flat above the takeaway", "ZZ9 9ZZ"))
    # A postcode alone is the place described there.
    assert same(("", "ZZ1 1AA"), ("The shop", "zz11aa"))


def test_adults_match_on_words_in_any_order_and_on_sound():
    assert linking.same_adult("Tall man called Dee", "Dee, tall man")
    assert linking.same_adult("Smokey", "Smoky")
    assert linking.same_adult("Deano", "Dino")  # sound alike, loosely alike in spelling
    assert not linking.same_adult("Big Mike", "Little Mike")
    assert not linking.same_adult("Uncle Bobby", "Uncle Barry")
    assert not linking.same_adult("", "")


def test_the_threshold_is_the_measured_one():
    measures = linking.measure(PAIRS, range(50, 101))
    best = linking.best_threshold(measures)
    assert best.threshold == linking.ADULT_THRESHOLD
    # It does better than demanding exact words (100) or taking loose likeness (60).
    by_threshold = {m.threshold: m for m in measures}
    assert best.f1 > by_threshold[100].f1
    assert best.f1 > by_threshold[60].f1
    assert best.true_positive + best.false_negative == sum(same for _a, _b, same in PAIRS)


def test_measure_counts_every_pair_once():
    [m] = linking.measure([("Big Mike", "big mike", True), ("Dee", "Dave", False)], [83])
    assert (m.true_positive, m.false_positive, m.false_negative, m.true_negative) == (1, 0, 0, 1)
    assert m.precision == 1.0 and m.recall == 1.0


def test_network_links_children_through_shared_places_and_adults():
    network = build_network(
        CHILDREN,
        [
            PlaceMention(1, "Flat above the takeaway", "ZZ1 2BB"),
            PlaceMention(2, "the takeaway flat", "zz12bb"),
            PlaceMention(3, "Park", ""),
        ],
        [
            AdultMention(1, "Big Mike"),
            AdultMention(3, "mike, big"),
            AdultMention(2, "Little Mike"),
            AdultMention(2, "Big Mike"),
        ],
    )
    kinds = [n.kind for n in network.nodes]
    assert kinds.count("child") == 3
    assert kinds.count("place") == 2  # the flat (one postcode, shared words) and the park
    assert kinds.count("adult") == 2  # Big Mike (three mentions) and Little Mike
    table = {(link.node.kind, link.child_ids) for link in network.links}
    assert table == {("place", (1, 2)), ("adult", (1, 2, 3))}
    adult = next(link for link in network.links if link.node.kind == "adult")
    assert adult.node.label == "Big Mike"  # the most common description
    assert set(adult.descriptions) == {"Big Mike", "mike, big"}
    # An edge per child and place or adult: 3 place mentions and 4 adult mentions.
    assert len(network.edges) == len(set(network.edges)) == 7


def test_mentions_of_children_not_in_the_meeting_are_left_out():
    network = build_network({1: "Amy"}, [PlaceMention(9, "Park")], [AdultMention(9, "Big Mike")])
    assert [n.kind for n in network.nodes] == ["child"]
    assert network.links == ()


def test_the_network_is_the_same_whatever_the_order_of_mentions():
    places = [PlaceMention(1, "Park"), PlaceMention(2, "park"), PlaceMention(2, "Shop")]
    adults = [AdultMention(1, "Dee"), AdultMention(2, "dee"), AdultMention(3, "Jay")]
    one = build_network(CHILDREN, places, adults)
    two = build_network(CHILDREN, list(reversed(places)), list(reversed(adults)))
    assert one.nodes == two.nodes and one.edges == two.edges
    assert [link.child_ids for link in one.links] == [link.child_ids for link in two.links]


def test_layout_puts_children_left_links_right_and_draws_only_the_links():
    network = build_network(
        CHILDREN,
        [PlaceMention(1, "Park"), PlaceMention(2, "Park"), PlaceMention(3, "Shop")],
        [],
    )
    drawn = linking.layout(network)
    left = [p for p in drawn.nodes if p.node.kind == "child"]
    right = [p for p in drawn.nodes if p.node.kind != "child"]
    assert [p.node.id for p in left] == ["child-1", "child-2"]  # child 3 links nothing
    assert [p.node.label for p in right] == ["Park"]
    assert {p.x for p in left} == {linking.LEFT_X} and {p.x for p in right} == {linking.RIGHT_X}
    assert len(drawn.lines) == 2
    assert drawn.height >= max(p.y for p in drawn.nodes)
    assert linking.layout(network) == drawn


# --- at the demo's size: each place and adult once, every label whole ----------------------

PLACES = (
    "Hollowmere skate park",
    "Flat above the takeaway, Sedgeby high street",
    "Chicken shop on Market Street",
    "Underpass near Fenmoor railway station",
    "A house party address in Oxholme",
    "Car park behind the Fenmoor retail park",
)
ADULTS = (
    "Woman in her twenties known as 'Jay'",
    "Man called 'Uncle' by the group",
    "Older male known as 'T', drives a black car",
    "Older friend known as 'Mo', about 19",
    "Two older males who 'give lifts'",
)


def _demo_sized(n: int = 30) -> linking.Network:
    """As the demo's data has them: a few places, each given with many postcodes (two
    places sometimes at one postcode), and a few adults described the same way by many."""
    children = {c: f"Child Number{c} Withalongsurname (C-{c:06d})" for c in range(1, n + 1)}
    places, adults = [], []
    for c in children:
        for k in range(3):
            description = PLACES[(c * 7 + k * 3) % len(PLACES)]
            places.append(PlaceMention(c, description, f"ZZ{(c + k) % 9 + 1} {c % 4}AB"))
        adults.append(AdultMention(c, ADULTS[c % len(ADULTS)]))
        if c % 3 == 0:  # the same adults in other words, less often
            adults.append(AdultMention(c, ADULTS[(c * 2) % len(ADULTS)].upper()))
    return build_network(children, places, adults)


def test_each_place_and_adult_is_one_node_once():
    network = _demo_sized()
    places = [n.label for n in network.nodes if n.kind == "place"]
    adults = [n.label for n in network.nodes if n.kind == "adult"]
    assert sorted(places) == sorted(PLACES)  # not one node per postcode
    assert sorted(adults) == sorted(ADULTS)
    linked = [(link.node.kind, link.node.label) for link in network.links]
    assert len(linked) == len(set(linked)) == len(PLACES) + len(ADULTS)
    skate = next(link for link in network.links if link.node.label == PLACES[0])
    assert len(skate.postcodes) > 1 and all(" " in code for code in skate.postcodes)


def test_places_known_only_by_postcode_are_told_apart_when_shown_by_district():
    mentions = [PlaceMention(1, "", "ZZ9 9XY"), PlaceMention(2, "", "zz99xy")]
    mentions += [PlaceMention(1, "", "ZZ9 1AA"), PlaceMention(3, "", "ZZ9 1AA")]
    plain = build_network(CHILDREN, mentions, [])
    assert [n.label for n in plain.nodes if n.kind == "place"] == ["ZZ9 1AA", "ZZ9 9XY"]
    degraded = build_network(CHILDREN, mentions, [], districts=True)
    labels = [n.label for n in degraded.nodes if n.kind == "place"]
    assert labels == ["Somewhere in ZZ9 (1)", "Somewhere in ZZ9 (2)"]
    assert {link.postcodes for link in degraded.links} == {("ZZ9",)}


def test_wrapped_labels_keep_every_letter_and_fit():
    text = "Flat above the takeaway, Sedgeby high street, next to the launderette on the corner"
    lines = linking.wrap(text)
    assert len(lines) > 1
    assert " ".join(lines) == text
    assert all(linking.text_width(line) <= linking.LABEL_WIDTH for line in lines)
    long_word = "W" * 60
    broken = linking.wrap(long_word)
    assert "".join(broken) == long_word
    assert all(linking.text_width(line) <= linking.LABEL_WIDTH for line in broken)
    assert linking.wrap("Dee") == ("Dee",)


def test_the_drawing_writes_each_label_whole_inside_its_box():
    network = _demo_sized()
    drawn = linking.layout(network)
    assert drawn.width == linking.WIDTH
    right = [p for p in drawn.nodes if p.node.kind != "child"]
    assert len(right) == len(network.links)  # each place and adult drawn once
    for placed in drawn.nodes:
        assert " ".join(placed.lines) == linking.label_text(placed.node)
        widest = max(linking.text_width(line) for line in placed.lines)
        assert widest <= drawn.label_width
        if placed.anchor == "end":  # the children's labels end left of their markers
            assert placed.text_x - widest >= 0 and placed.text_x < placed.x
        else:
            assert placed.text_x > placed.x and placed.text_x + widest <= drawn.width
        top = placed.baseline - linking.FONT_SIZE
        bottom = placed.baseline + (len(placed.lines) - 1) * drawn.line_height + 5
        assert top >= 0 and bottom <= drawn.height
    # The labels of one column never overlap.
    for column in ("child", "other"):
        boxes = sorted(
            (p.y - len(p.lines) * drawn.line_height / 2, p.y + len(p.lines) * drawn.line_height / 2)
            for p in drawn.nodes
            if (p.node.kind == "child") == (column == "child")
        )
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(boxes))


def test_the_drawing_uncrosses_what_it_can():
    # Children 1 and 3 share a place, 2 and 4 an adult: the layout puts each pair together.
    network = build_network(
        {1: "A", 2: "B", 3: "C", 4: "D"},
        [PlaceMention(1, "Park"), PlaceMention(3, "Park")],
        [AdultMention(2, "Dee"), AdultMention(4, "Dee")],
    )
    order = [p.node.id for p in linking.layout(network).nodes if p.node.kind == "child"]
    assert abs(order.index("child-1") - order.index("child-3")) == 1
    assert abs(order.index("child-2") - order.index("child-4")) == 1
