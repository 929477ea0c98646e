"""Matching a reported person to known children: blocking, scoring, ranking, nicknames."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.police.format import Category, Notification, NotificationType, Sex
from homeward.police.match import (
    BAND_THRESHOLDS,
    Band,
    Candidate,
    CandidateIndex,
    Person,
    Reason,
    candidate_keys,
    name_fields,
    person_from,
    query_keys,
    rank,
    score,
)
from homeward.police.nicknames import equivalent

JAYDEN = Person(
    given_names="Jayden Lee",
    family_name="Okafor",
    date_of_birth=date(2011, 3, 14),
    sex="male",
    postcode="FN3 2QP",
)
KNOWN = Candidate(key=7, person=JAYDEN)


def reasons(person: Person, candidate: Candidate = KNOWN) -> list[tuple[float, str]]:
    return [(r.points, r.text) for r in score(person, candidate).reasons]


def has(person: Person, points: float, words: str, candidate: Candidate = KNOWN) -> bool:
    return any(p == points and words in t for p, t in reasons(person, candidate))


# --- scoring, component by component -------------------------------------------------------


def test_the_same_person_is_a_match_and_every_component_explains_itself() -> None:
    result = score(JAYDEN, KNOWN)
    assert result.key == 7
    assert result.band == Band.MATCH
    assert result.score == sum(r.points for r in result.reasons)
    assert {r.text for r in result.reasons} == {
        "same date of birth",
        "same family name Okafor",
        "same given name Jayden",
        "same sex (male)",
        "same postcode FN3 2QP",
    }


def test_date_of_birth_components() -> None:
    def dob(born: date | None) -> Person:
        return replace(JAYDEN, date_of_birth=born)

    assert has(dob(date(2011, 3, 14)), 40, "same date of birth")
    # 14 March has no swap; use a child born on 4 March.
    march = Candidate(1, replace(JAYDEN, date_of_birth=date(2011, 3, 4)))
    assert has(dob(date(2011, 4, 3)), 28, "day and month swapped", march)
    assert has(dob(date(2011, 3, 17)), 20, "by one digit")
    assert has(dob(date(2012, 3, 14)), 20, "2011-03-14 a year out")
    assert has(dob(date(2013, 3, 14)), 20, "by one digit")  # 2013 for 2011: a slip of a key
    assert has(dob(date(2010, 3, 14)), 20, "2011-03-14 a year out")  # two digits, a year
    assert has(dob(date(2010, 4, 3)), 10, "a year out, day and month swapped", march)
    assert has(dob(date(2013, 4, 3)), -30, "different date of birth", march)  # two years
    assert has(dob(date(2009, 3, 14)), -30, "different date of birth")  # two years
    assert has(dob(date(2011, 9, 30)), -15, "same year of birth only")
    assert has(dob(date(2009, 7, 1)), -30, "different date of birth")
    assert has(dob(None), 0, "no date of birth to compare")


def test_family_name_components() -> None:
    def family(name: str, aliases: tuple[str, ...] = ()) -> Person:
        return replace(JAYDEN, family_name=name, aliases=aliases)

    assert has(family("OKAFOR"), 25, "same family name Okafor")
    assert has(family("Okafor-Smith"), 18, "share Okafor")
    assert has(family("Smith Okafor"), 18, "share Okafor")
    assert has(family("Okafer"), 15, "close spelling of Okafor")
    known_alias = Candidate(2, replace(JAYDEN, aliases=("Jay Smith",)))
    assert has(family("Smith"), 20, "alias", known_alias)
    assert has(family("Brown"), -10, "different family name")
    # Sounds alike without a close spelling.
    knight = Candidate(4, replace(JAYDEN, family_name="Knight"))
    assert has(family("Nite"), 12, "sounds like Knight", knight)


def test_given_name_components() -> None:
    def given_name(name: str) -> Person:
        return replace(JAYDEN, given_names=name)

    assert has(given_name("jayden"), 25, "same given name Jayden")
    assert has(given_name("Jay"), 20, "Jay is a short form or variant of Jayden")
    assert has(given_name("Jaydne"), 15, "close spelling of Jayden")
    assert has(given_name("J"), 5, "initial")
    assert has(given_name("Lee"), 20, "one of the names")
    assert has(given_name("Marcus"), -25, "different given name")


def test_sex_and_postcode_components() -> None:
    assert has(replace(JAYDEN, sex="female"), -30, "different sex")
    assert not any("sex" in t for _p, t in reasons(replace(JAYDEN, sex="unknown")))
    assert has(replace(JAYDEN, postcode="fn32qp"), 10, "same postcode FN3 2QP")
    assert has(replace(JAYDEN, postcode="FN3 9XY"), 4, "same postcode district FN3")
    assert not any("postcode" in t for _p, t in reasons(replace(JAYDEN, postcode="FN7 1AA")))


@pytest.mark.parametrize(
    "reported",
    [
        replace(JAYDEN, given_names="Jay"),
        replace(JAYDEN, given_names="Jaydne"),
        replace(JAYDEN, family_name="Okafro"),
        replace(JAYDEN, family_name="Okafor-Smith"),
        replace(JAYDEN, postcode=""),
        replace(JAYDEN, postcode="FN9 1AB"),
        replace(JAYDEN, sex="unknown"),
    ],
)
def test_one_slip_is_still_a_match(reported: Person) -> None:
    assert score(reported, KNOWN).band == Band.MATCH


@pytest.mark.parametrize(
    "reported",
    [
        replace(JAYDEN, family_name="Brown"),  # a changed family name
        replace(JAYDEN, date_of_birth=None),  # no date of birth
    ],
)
def test_a_changed_name_or_no_date_of_birth_is_possible(reported: Person) -> None:
    assert score(reported, KNOWN).band == Band.POSSIBLE


def test_twins_are_not_a_match() -> None:
    twin = replace(JAYDEN, given_names="Marcus")
    result = score(twin, KNOWN)
    assert result.band != Band.MATCH
    assert result.score < BAND_THRESHOLDS[Band.MATCH]
    sister = replace(JAYDEN, given_names="Imani", sex="female")
    assert score(sister, KNOWN).band == Band.NONE


def test_a_stranger_is_no_match() -> None:
    stranger = Person("Olivia", "Smith", (), date(2014, 6, 2), "female", "FN12 4AB")
    assert score(stranger, KNOWN).band == Band.NONE


def test_person_from_a_notification() -> None:
    n = Notification(
        force="fenmoor",
        police_reference="FM-1",
        notification_type=NotificationType.REPORTED_MISSING,
        reported_at=datetime(2026, 11, 19, tzinfo=UTC),
        category=Category.MISSING,
        given_names="Jayden Lee",
        family_name="Okafor",
        aliases=("JJ",),
        date_of_birth=date(2011, 3, 14),
        sex=Sex.MALE,
        postcode="FN3 2QP",
    )
    assert person_from(n) == replace(JAYDEN, aliases=("JJ",))


# --- ranking -------------------------------------------------------------------------------


def test_rank_puts_the_child_first_and_the_twin_below_as_possible() -> None:
    twin = Candidate(8, replace(JAYDEN, given_names="Marcus"))
    stranger = Candidate(9, Person("Olivia", "Smith", (), date(2014, 6, 2), "female", "FN1 1AA"))
    results = rank(JAYDEN, [stranger, twin, KNOWN])
    assert [(r.key, r.band) for r in results] == [(7, Band.MATCH), (8, Band.POSSIBLE)]


def test_rank_never_calls_two_near_equals_a_match() -> None:
    duplicate = Candidate(8, replace(JAYDEN, postcode="FN7 1AA"))
    results = rank(JAYDEN, [KNOWN, duplicate])
    assert [r.key for r in results] == [7, 8]
    assert all(r.band == Band.POSSIBLE for r in results)
    assert any("not called a match" in r.text for r in results[0].reasons)


def test_rank_respects_the_limit_and_drops_none() -> None:
    many = [Candidate(k, replace(JAYDEN, postcode=f"FN{k} 1AA")) for k in range(1, 9)]
    assert len(rank(JAYDEN, many, limit=3)) == 3
    assert rank(JAYDEN, [Candidate(1, replace(JAYDEN, given_names="Marcus", sex="female"))]) == []


# --- blocking ------------------------------------------------------------------------------


def found(reported: Person, known: Person = JAYDEN) -> bool:
    return CandidateIndex([Candidate(1, known)]).candidates(reported) != []


def test_blocking_catches_each_single_slip() -> None:
    march = replace(JAYDEN, date_of_birth=date(2011, 3, 4))
    assert found(replace(march, date_of_birth=date(2011, 4, 3)), march)  # day/month swap
    assert found(replace(JAYDEN, given_names="Marcus", family_name="Brown"))  # same dob only
    assert found(replace(JAYDEN, family_name="Brown", postcode=""))  # changed name
    assert found(replace(JAYDEN, date_of_birth=None))  # no date of birth
    assert found(replace(JAYDEN, date_of_birth=None, postcode=""))
    assert found(replace(JAYDEN, date_of_birth=date(2011, 3, 19)))  # wrong day
    assert found(replace(JAYDEN, date_of_birth=date(2011, 8, 14)))  # wrong month (district)
    assert found(replace(JAYDEN, date_of_birth=date(2011, 8, 14), family_name="Brown"))
    # A hyphenated family name is filed under each part, and so is an alias's.
    double = replace(JAYDEN, family_name="Okafor-Mensah")
    assert found(replace(JAYDEN, family_name="Mensah", date_of_birth=date(2011, 3, 19)), double)
    aliased = replace(JAYDEN, aliases=("Jay Boateng",))
    assert found(replace(JAYDEN, family_name="Boateng", date_of_birth=date(2011, 3, 19)), aliased)


def test_blocking_skips_the_unrelated() -> None:
    assert not found(Person("Olivia", "Smith", (), date(2014, 6, 2), "female", "FN12 4AB"))


def test_keys_include_the_swap_only_when_looking_up() -> None:
    march = replace(JAYDEN, date_of_birth=date(2011, 3, 4))
    assert "dob:2011-04-03" in query_keys(march)
    assert "dob:2011-04-03" not in candidate_keys(march)
    assert "dob:2011-03-04" in candidate_keys(march)


names = st.sampled_from(["Jayden", "Jay", "Olivia", "Liv", "Mohammed", "Mo", "Zuzanna", "J", ""])
families = st.sampled_from(["Okafor", "Okafor-Smith", "Smith", "Smyth", "Nowak", "O'Neil", ""])
dates = st.one_of(st.none(), st.dates(min_value=date(2008, 1, 1), max_value=date(2012, 12, 31)))
postcodes = st.sampled_from(["", "FN3 2QP", "FN3 9XY", "FN12 1AA", "fn32qp"])
people = st.builds(
    Person,
    given_names=names,
    family_name=families,
    aliases=st.lists(st.sampled_from(["JJ", "Jay Okafor", "Liv Nowak"]), max_size=2).map(tuple),
    date_of_birth=dates,
    sex=st.sampled_from(["female", "male", "unknown"]),
    postcode=postcodes,
)


@settings(max_examples=300, deadline=None)
@given(person=people, known=people)
def test_the_index_gives_the_blocks_a_key_table_would(person: Person, known: Person) -> None:
    candidate = Candidate(1, known)
    in_index = candidate in CandidateIndex([candidate]).candidates(person)
    assert in_index == bool(query_keys(person) & candidate_keys(known))


@settings(max_examples=200, deadline=None)
@given(person=people)
def test_a_person_is_always_a_candidate_for_themselves(person: Person) -> None:
    has_keys = bool(candidate_keys(person))
    assert found(person, person) == has_keys


# --- nicknames -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Jay", "Jayden"),
        ("alex", "ALEXANDER"),
        ("Xander", "Alexander"),
        ("Liz", "Elizabeth"),
        ("Beth", "Elizabeth"),
        ("Lizzie", "Elizabeth"),
        ("Muhammad", "Mohammed"),
        ("Mo", "Mohammad"),
        ("Kuba", "Jakub"),
        ("Tomasz", "Tom"),
        ("Niamh", "Neve"),
        ("Zoë", "zoe"),
    ],
)
def test_equivalent_names(a: str, b: str) -> None:
    assert equivalent(a, b)
    assert equivalent(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Samuel", "Samantha"), ("Jayden", "Jordan"), ("Mia", "Maya"), ("Olivia", "Oliver"), ("", "")],
)
def test_names_that_are_not_equivalent(a: str, b: str) -> None:
    assert not equivalent(a, b)


def test_reason_is_a_value() -> None:
    assert Reason(40, "same date of birth") == Reason(40.0, "same date of birth")


def test_a_known_child_without_a_date_of_birth_is_found_by_a_report_with_one() -> None:
    from datetime import date

    from homeward.police.match import Candidate, CandidateIndex, Person

    known = Candidate(key=7, person=Person(given_names="Jordan", family_name="Example"))
    index = CandidateIndex([known])
    reported = Person(
        given_names="Jordan",
        family_name="Example",
        date_of_birth=date(2011, 5, 14),
        postcode="ZZ9 9AA",
    )
    assert [c.key for c in index.candidates(reported)] == [7]


def test_a_wrong_month_of_birth_is_caught_by_the_surname_sound_and_year() -> None:
    from datetime import date

    from homeward.police.match import Candidate, CandidateIndex, Person

    known = Candidate(
        key=3,
        person=Person(
            given_names="Amelia", family_name="Thornbury", date_of_birth=date(2012, 4, 23)
        ),
    )
    index = CandidateIndex([known])
    reported = Person(
        given_names="Amelia", family_name="Thornbery", date_of_birth=date(2012, 6, 23)
    )
    assert [c.key for c in index.candidates(reported)] == [3]


# --- names written the other way round --------------------------------------------------------


def test_names_the_other_way_round_are_scored_both_ways_and_said_so() -> None:
    swapped = replace(JAYDEN, given_names="Okafor", family_name="Jayden Lee")
    result = score(swapped, KNOWN)
    assert result.band == Band.MATCH
    texts = [r.text for r in result.reasons]
    assert "the given and family names are the other way round in the report" in texts
    assert any("same given name Jayden" in t for t in texts)
    # Read as written the names would cost 50 points; the other way round, only 5.
    assert result.score == score(JAYDEN, KNOWN).score - 5
    # Found by blocking too, when nothing but the names (the wrong way round) is there.
    index = CandidateIndex([KNOWN])
    bare = Person(given_names="OKAFOR", family_name="Jayden", date_of_birth=None)
    assert [c.key for c in index.candidates(bare)] == [KNOWN.key]


def test_the_report_as_written_wins_when_both_readings_fit() -> None:
    # Two children whose names are each other's the other way round, born the same day:
    # the report as written is the child of those names.
    morgan = Candidate(1, Person("Morgan", "Taylor", date_of_birth=date(2011, 3, 14)))
    taylor = Candidate(2, Person("Taylor", "Morgan", date_of_birth=date(2011, 3, 14)))
    report = Person("Morgan", "Taylor", date_of_birth=date(2011, 3, 14))
    ranked = rank(report, [taylor, morgan])
    assert ranked[0].key == 1 and ranked[0].score - ranked[1].score == 5
    assert all(r.band == Band.POSSIBLE for r in ranked)  # too close to call a match


def test_twins_stay_apart_whichever_way_the_names_are_read() -> None:
    twin = Candidate(2, replace(KNOWN.person, given_names="Kemi"))
    swapped = replace(KNOWN.person, given_names="Okafor", family_name="Kemi")
    result = score(swapped, KNOWN)
    assert result.band != Band.MATCH  # Kemi is not Jayden, in either order
    assert score(swapped, twin).band == Band.MATCH


def test_a_date_of_birth_that_may_be_an_estimate_counts_a_little_never_a_match() -> None:
    """1 January or 1 July, within a year of the other date: a date estimated from an age
    (or an assessed date of birth on the authority's side)."""

    def dob(born: date) -> Person:
        return replace(JAYDEN, date_of_birth=born)

    for estimate in (date(2011, 1, 1), date(2012, 1, 1), date(2010, 7, 1), date(2011, 7, 1)):
        assert has(dob(estimate), 5, "may be an estimate"), estimate
        assert score(dob(estimate), KNOWN).band == Band.POSSIBLE
        # The same when the authority holds the estimate and the report the true date.
        assert score(JAYDEN, Candidate(8, dob(estimate))).band == Band.POSSIBLE
    # Two years out, or another day than the placeholders: not an estimate.
    assert has(dob(date(2009, 1, 1)), -30, "different date of birth")
    assert has(dob(date(2011, 1, 2)), -15, "same year of birth only")
    assert has(dob(date(2011, 2, 1)), -15, "same year of birth only")
    # A better reading wins: 1 January 2011 against 11 January 2011 is one digit.
    assert has(dob(date(2011, 1, 1)), 20, "by one digit", Candidate(9, dob(date(2011, 1, 11))))
    # A brother with a placeholder date is no one the coordinator need look at.
    assert (
        score(replace(JAYDEN, given_names="Marcus", date_of_birth=date(2012, 1, 1)), KNOWN).band
        == Band.NONE
    )


def test_rank_finds_an_estimated_date_of_birth_through_the_index() -> None:
    reported = replace(JAYDEN, date_of_birth=date(2012, 1, 1), postcode="")
    others = [
        Candidate(n, replace(JAYDEN, given_names=name, date_of_birth=date(2009 + n, 6, 2)))
        for n, name in enumerate(["Marcus", "Tobi", "Femi"], start=20)
    ]
    index = CandidateIndex([KNOWN, *others])
    ranked = rank(reported, index.candidates(reported))
    assert [(r.key, r.band) for r in ranked] == [(7, Band.POSSIBLE)]


def test_a_whole_name_in_the_family_name_field_is_read_as_surname_comma_forenames() -> None:
    one_field = replace(JAYDEN, given_names="", family_name="OKAFOR, Jayden Lee")
    assert name_fields(one_field) == ("Jayden Lee", "OKAFOR")
    result = score(one_field, KNOWN)
    assert result.band == Band.MATCH
    assert {"same family name Okafor", "same given name Jayden"} <= {r.text for r in result.reasons}
    index = CandidateIndex([KNOWN])
    assert [r.key for r in rank(one_field, index.candidates(one_field))] == [7]
    # Only with the given names blank: a comma beside given names is left as written.
    assert name_fields(replace(JAYDEN, family_name="Okafor, Jr")) == ("Jayden Lee", "Okafor, Jr")


def test_a_swap_needs_both_the_day_and_the_month_to_trade_places() -> None:
    """Day and month swapped means the report's day is the child's month AND its month the
    child's day: 3 May read as 5 March. 14 March shares only one of the two with 3 May (the
    3 of the month), which is no swap: only the year is the same, a possible match at most,
    never a match on a child's record."""
    child = Candidate(1, Person("Jayden", "Okafor", (), date(2011, 5, 3), "male", "FN3 2QP"))
    swapped = Person("Jayden", "Okafor", (), date(2011, 3, 5), "male", "FN3 2QP")
    assert score(swapped, child).band == Band.MATCH
    assert has(swapped, 28, "with day and month swapped", child)
    one_side = [
        Person("Jayden", "Okafor", (), date(2011, 3, 14), "male", "FN3 2QP"),  # day 3 = month 3
        Person("Jayden", "Okafor", (), date(2011, 7, 5), "male", "FN3 2QP"),  # month 5 = day 5
    ]
    for reported in one_side:
        result = score(reported, child)
        assert result.band == Band.POSSIBLE and result.score == 50, reported
        assert has(reported, -15, "same year of birth only", child)
        # The index and the ranking agree: found, and not as a match.
        assert [(r.key, r.band) for r in rank(reported, [child])] == [(1, Band.POSSIBLE)]
    # A year out as well: a swap a year out only when both trade places.
    assert has(
        replace(swapped, date_of_birth=date(2012, 3, 5)),
        10,
        "a year out, day and month swapped",
        child,
    )
    assert has(
        Person("Jayden", "Okafor", (), date(2012, 3, 14)), -30, "different date of birth", child
    )
