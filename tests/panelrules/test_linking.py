"""Linking children through places and adults: postcodes and descriptions normalised, adults
matched fuzzily at a measured threshold, the network and its table, and the layout."""

from __future__ import annotations

from homeward.panelrules import linking
from homeward.panelrules.labelled_adults import PAIRS
from homeward.panelrules.linking import AdultMention, PlaceMention, build_network

CHILDREN = {1: "Amy Example (C-1)", 2: "Ben Sample (C-2)", 3: "Cal Test (C-3)"}


def test_places_match_on_postcode_ignoring_spaces_and_case():
    assert linking.place_key("Flat 2", "zz1 1aa") == linking.place_key("The shop", "ZZ11AA")
    assert linking.place_key("The Park!", "") == linking.place_key("park", "")
    assert linking.place_key("Park", "") != linking.place_key("Park", "ZZ1 1AA")


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
    assert kinds.count("place") == 2  # the flat (one postcode) and the park
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
    drawn = linking.layout(network, width=720)
    left = [p for p in drawn.nodes if p.node.kind == "child"]
    right = [p for p in drawn.nodes if p.node.kind != "child"]
    assert [p.node.id for p in left] == ["child-1", "child-2"]  # child 3 links nothing
    assert [p.node.label for p in right] == ["Park"]
    assert {p.x for p in left} == {252} and {p.x for p in right} == {468}
    assert len(drawn.lines) == 2
    assert drawn.height >= max(p.y for p in drawn.nodes)
    assert linking.layout(network, width=720) == drawn
