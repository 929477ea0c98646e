"""homeward's reading of a notification and the concerns it raises."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from homeward.police.classify import (
    ABSENT_WITH_RISK,
    ADULT_FLAG_CHILD_DOB,
    CARE_ADDRESS_FROM_HOME,
    CHILD_FLAG_ADULT_DOB,
    HOME_PLACEMENT_FROM_CARE,
    NO_DATE_OF_BIRTH,
    TIMES_OUT_OF_ORDER,
    TURNED_18_WHILE_MISSING,
    AuthorityRole,
    Classification,
    Kind,
    KnownPerson,
    Route,
    age_on,
    classify,
    risk_wording,
    route,
)
from homeward.police.format import (
    Category,
    MissingFrom,
    Notification,
    NotificationType,
    PlacementType,
    RiskFactor,
    RiskGrade,
)

HOME = "E10000099"
OTHER = "E06099901"
REPORTED = datetime(2026, 11, 19, 22, 40, tzinfo=UTC)


def notification(**changes: object) -> Notification:
    """A plain, consistent report about a 15-year-old missing from home."""
    base = Notification(
        force="fenmoor",
        police_reference="FM-2026-000001",
        notification_type=NotificationType.REPORTED_MISSING,
        reported_at=REPORTED,
        category=Category.MISSING,
        given_names="Jayden",
        family_name="Okafor",
        date_of_birth=date(2011, 3, 14),
        child_flag=True,
        risk_grade=RiskGrade.MEDIUM,
        missing_from=MissingFrom.HOME,
        placement_type=PlacementType.HOME,
        address="14 Mill Lane, Fenmoor",
        postcode="FN3 2QP",
        circumstances="Left home after an argument about a curfew.",
        responsible_authority=HOME,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def read(n: Notification, **options: object) -> Classification:
    return classify(n, home_authority=HOME, **options)  # type: ignore[arg-type]


def codes(n: Notification, **options: object) -> list[str]:
    return [c.code for c in read(n, **options).concerns]


def test_a_consistent_report_has_no_concern_and_reaches_a_person() -> None:
    result = read(notification())
    assert result.concerns == ()
    assert result.age_at_report == 15
    assert result.is_child is True
    assert result.kind == Kind.MISSING
    assert result.missing_from == MissingFrom.HOME
    assert result.authority_role == AuthorityRole.RESPONSIBLE
    assert result.for_a_person is True


# --- age -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2008, 11, 19), date(2026, 11, 19), 18),  # the 18th birthday itself
        (date(2008, 11, 20), date(2026, 11, 19), 17),  # the day before it
        (date(2008, 11, 18), date(2026, 11, 19), 18),
        (date(2012, 2, 29), date(2030, 2, 28), 17),  # leap day: not yet 18 on 28 February
        (date(2012, 2, 29), date(2030, 3, 1), 18),
        (date(2012, 2, 29), date(2032, 2, 29), 20),
        (date(2026, 11, 19), date(2026, 11, 19), 0),
    ],
)
def test_age_on_birthday_boundaries(born: date, on: date, age: int) -> None:
    assert age_on(born, on) == age


def test_age_is_taken_on_the_uk_date_of_the_report() -> None:
    # 23:30 UTC on 31 May is 00:30 on 1 June in London (summer time): the 18th birthday.
    late = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)
    result = read(notification(reported_at=late, date_of_birth=date(2008, 6, 1), child_flag=False))
    assert result.age_at_report == 18
    assert result.is_child is False
    # The same moment read as a UTC date would make them 17.
    assert age_on(date(2008, 6, 1), late.date()) == 17


def test_eighteenth_birthday_is_an_adult_and_the_day_before_a_child() -> None:
    on_birthday = read(notification(date_of_birth=date(2008, 11, 19), child_flag=False))
    day_before = read(notification(date_of_birth=date(2008, 11, 20), child_flag=False))
    assert (on_birthday.age_at_report, on_birthday.is_child) == (18, False)
    assert (day_before.age_at_report, day_before.is_child) == (17, True)


# --- child flag and date of birth ----------------------------------------------------------


def test_a_child_recorded_without_a_child_flag() -> None:
    result = read(notification(child_flag=False))
    assert [c.code for c in result.concerns] == [ADULT_FLAG_CHILD_DOB]
    message = result.concerns[0].message
    assert "14 March 2011" in message and "15" in message
    assert result.for_a_person is True


def test_no_flag_at_all_is_not_a_contradiction() -> None:
    assert ADULT_FLAG_CHILD_DOB not in codes(notification(child_flag=None))
    assert ADULT_FLAG_CHILD_DOB not in codes(notification(child_flag=True))


def test_a_child_flag_on_an_adult_date_of_birth() -> None:
    result = read(notification(date_of_birth=date(2001, 1, 2), child_flag=True))
    assert [c.code for c in result.concerns] == [CHILD_FLAG_ADULT_DOB]
    assert "25" in result.concerns[0].message
    assert result.is_child is False
    assert result.for_a_person is True


def test_an_adult_without_a_child_flag_has_no_concern_and_needs_no_person() -> None:
    result = read(notification(date_of_birth=date(2001, 1, 2), child_flag=False))
    assert result.concerns == ()
    assert result.for_a_person is False


def test_no_date_of_birth_reaches_a_person_but_is_no_miscoding() -> None:
    # Nothing in the report contradicts its codes: its age is unknown, which a person
    # settles from the child it is matched to; it is not put on the miscoding list.
    for flag in (None, False, True):
        result = read(notification(date_of_birth=None, child_flag=flag))
        assert result.concerns == ()
        assert result.age_at_report is None
        assert result.is_child is None
        assert result.for_a_person is True
    assert NO_DATE_OF_BIRTH not in codes(notification())


# --- kind ----------------------------------------------------------------------------------


def test_kind_follows_category_then_risk_grade() -> None:
    assert (
        read(notification(category=Category.ABSENT, risk_grade=RiskGrade.LOW)).kind == Kind.ABSENT
    )
    absent_nar = notification(category=Category.ABSENT, risk_grade=RiskGrade.NO_APPARENT_RISK)
    assert read(absent_nar).kind == Kind.ABSENT
    nar = notification(risk_grade=RiskGrade.NO_APPARENT_RISK)
    assert read(nar).kind == Kind.NO_APPARENT_RISK
    assert read(notification(risk_grade=RiskGrade.HIGH)).kind == Kind.MISSING
    assert read(notification(risk_grade=None)).kind == Kind.MISSING


# --- absent or no apparent risk, with risk -------------------------------------------------


def test_absent_with_exploitation_wording() -> None:
    n = notification(
        category=Category.ABSENT,
        risk_grade=RiskGrade.LOW,
        circumstances="Believed to be running drugs on a County Lines route with OLDER MALES.",
    )
    result = read(n)
    assert [c.code for c in result.concerns] == [ABSENT_WITH_RISK]
    message = result.concerns[0].message
    assert "county lines" in message and "drugs" in message and "older males" in message
    assert message.startswith("Coded absent")


def test_no_apparent_risk_with_exploitation_risk_factor() -> None:
    n = notification(risk_grade=RiskGrade.NO_APPARENT_RISK, risk_factors=(RiskFactor.CCE,))
    result = read(n)
    assert [c.code for c in result.concerns] == [ABSENT_WITH_RISK]
    assert "child criminal exploitation" in result.concerns[0].message
    assert "no apparent risk" in result.concerns[0].message


def test_absent_graded_medium_or_high() -> None:
    for grade in (RiskGrade.MEDIUM, RiskGrade.HIGH):
        result = read(notification(category=Category.ABSENT, risk_grade=grade))
        assert [c.code for c in result.concerns] == [ABSENT_WITH_RISK]
        assert grade.value in result.concerns[0].message
    assert codes(notification(category=Category.ABSENT, risk_grade=RiskGrade.LOW)) == []


def test_absent_with_harmless_content_has_no_concern() -> None:
    n = notification(
        category=Category.ABSENT,
        risk_grade=RiskGrade.LOW,
        circumstances="Late back from the drugstore and the hotelier's café; phone battery flat.",
        risk_factors=(RiskFactor.MENTAL_HEALTH,),
    )
    assert codes(n) == []


def test_high_risk_wording_in_a_missing_report_is_not_a_miscoding() -> None:
    n = notification(risk_grade=RiskGrade.HIGH, circumstances="Threats made; knife seen.")
    assert codes(n) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Groomed online by an unknown adult", ["groomed", "unknown adult"]),
        ("Found at a hotel in Castleton", ["hotel"]),
        ("Cuckooing at the flat", ["cuckooing"]),
        ("History of self-harm and suicidal thoughts", ["self-harm", "suicidal"]),
        ("Known to be DEALING", ["dealing"]),
        ("Went to the drugstore", []),
        ("Argued about a weapons-grade phone bill", ["weapons"]),
        ("Sexually exploited", ["exploited", "sexually"]),
    ],
)
def test_risk_wording(text: str, found: list[str]) -> None:
    assert sorted(risk_wording(text)) == sorted(found)


# --- missing from and care address ---------------------------------------------------------


@pytest.mark.parametrize(
    ("placement", "coded", "reading"),
    [
        (PlacementType.FOSTER, None, MissingFrom.CARE),
        (PlacementType.CHILDRENS_HOME, MissingFrom.HOME, MissingFrom.CARE),
        (PlacementType.HOME, MissingFrom.CARE, MissingFrom.CARE),
        (PlacementType.HOME, None, MissingFrom.HOME),
        (PlacementType.PLACED_WITH_PARENTS, None, MissingFrom.HOME),
        (PlacementType.OTHER, MissingFrom.HOME, MissingFrom.HOME),
        (PlacementType.OTHER, None, None),
        (None, None, None),
        (None, MissingFrom.CARE, MissingFrom.CARE),
    ],
)
def test_missing_from(
    placement: PlacementType | None, coded: MissingFrom | None, reading: MissingFrom | None
) -> None:
    assert read(notification(placement_type=placement, missing_from=coded)).missing_from == reading


def test_coded_home_but_placed_in_care() -> None:
    result = read(notification(placement_type=PlacementType.CHILDRENS_HOME))
    assert [c.code for c in result.concerns] == [CARE_ADDRESS_FROM_HOME]
    assert "childrens home" in result.concerns[0].message


def test_coded_home_but_the_address_reads_as_care() -> None:
    for address in (
        "Oakfield Children's Home, 2 Fen Road",
        "Flat 3, Reedbed Supported Accommodation",
        "Willow semi-independent unit",
        "c/o foster carers, 9 Eel Walk",
    ):
        result = read(notification(placement_type=None, address=address))
        assert [c.code for c in result.concerns] == [CARE_ADDRESS_FROM_HOME], address
    found = read(notification(placement_type=None, placement_name="Heron Residential Home"))
    assert "Residential Home" in found.concerns[0].message


def test_a_street_named_foster_is_not_care() -> None:
    assert codes(notification(address="12 Foster Road, Fenmoor")) == []


def test_coded_home_at_a_known_care_placement_address() -> None:
    care = frozenset({("fn32qp", "Flat 2, 14 Heron Close, Fenmoor")})
    n = notification(address="Flat 2, 14 Heron Close, Fenmoor", postcode="FN3 2QP")
    result = read(n, care_addresses=care)
    assert [c.code for c in result.concerns] == [CARE_ADDRESS_FROM_HOME]
    assert "the address (Flat 2, FN3 2QP) is where a looked-after child is placed" in (
        result.concerns[0].message
    )
    # The placement's address, as the notification gives it.
    placement = notification(
        address="3 Mill Drove", postcode="FN1 1AA",
        placement_address="flat 2", placement_postcode="fn3 2qp",
    )  # fmt: skip
    assert codes(placement, care_addresses=care) == [CARE_ADDRESS_FROM_HOME]


def test_a_family_home_sharing_a_postcode_with_a_placement_is_not_care() -> None:
    care = frozenset({("FN3 2QP", "Flat 2, 14 Heron Close, Fenmoor")})
    n = notification(address="Flat 5, 14 Heron Close, Fenmoor", postcode="FN3 2QP")
    assert codes(n, care_addresses=care) == []
    # Nor a notification with a postcode and no address line.
    assert codes(notification(address="", postcode="FN3 2QP"), care_addresses=care) == []


def test_a_care_address_with_its_postcode_in_the_line_and_none_in_the_field() -> None:
    care = frozenset({("FN32QP", "14 Heron Close, Fenmoor")})
    n = notification(address="14 Heron Close, Fenmoor FN3 2QP", postcode="")
    assert codes(n, care_addresses=care) == [CARE_ADDRESS_FROM_HOME]


def test_coded_care_is_never_a_care_address_concern() -> None:
    n = notification(
        missing_from=MissingFrom.CARE,
        placement_type=PlacementType.CHILDRENS_HOME,
        address="Oakfield Children's Home",
    )
    assert codes(n, care_addresses=frozenset({("FN3 2QP", "Oakfield Children's Home")})) == []


def test_coded_care_but_placed_at_home() -> None:
    result = read(notification(missing_from=MissingFrom.CARE, placement_type=PlacementType.HOME))
    assert [c.code for c in result.concerns] == [HOME_PLACEMENT_FROM_CARE]
    with_parents = notification(
        missing_from=MissingFrom.CARE, placement_type=PlacementType.PLACED_WITH_PARENTS
    )
    assert codes(with_parents) == []


# --- authority role ------------------------------------------------------------------------


def test_authority_role() -> None:
    assert read(notification()).authority_role == AuthorityRole.RESPONSIBLE
    assert read(notification(responsible_authority="e10000099 ")).authority_role == (
        AuthorityRole.RESPONSIBLE
    )
    placed_here = notification(
        responsible_authority=OTHER,
        missing_from=MissingFrom.CARE,
        placement_type=PlacementType.FOSTER,
    )
    assert read(placed_here).authority_role == AuthorityRole.HOST
    blank_home = notification(responsible_authority="")
    assert read(blank_home).authority_role == AuthorityRole.RESPONSIBLE
    blank_care = notification(
        responsible_authority="", missing_from=MissingFrom.CARE, placement_type=PlacementType.FOSTER
    )
    assert read(blank_care).authority_role == AuthorityRole.UNKNOWN


def test_a_child_who_turned_18_while_missing_still_reaches_a_person() -> None:
    # Born 20 November 2008: 17 when last seen on the 19th, 18 when reported on the 20th.
    result = classify(
        notification(
            date_of_birth=date(2008, 11, 20),
            child_flag=False,
            last_seen_at=datetime(2026, 11, 19, 20, 0, tzinfo=UTC),
            reported_at=datetime(2026, 11, 20, 0, 30, tzinfo=UTC),
        ),
        home_authority=HOME,
    )
    assert result.is_child is False and result.age_at_report == 18
    assert [c.code for c in result.concerns] == [TURNED_18_WHILE_MISSING]
    assert result.for_a_person
    # Already 18 when last seen: an adult's report, not queued.
    adult = classify(
        notification(
            date_of_birth=date(2008, 11, 19),
            child_flag=False,
            last_seen_at=datetime(2026, 11, 19, 20, 0, tzinfo=UTC),
            reported_at=datetime(2026, 11, 20, 0, 30, tzinfo=UTC),
        ),
        home_authority=HOME,
    )
    assert adult.concerns == () and not adult.for_a_person


def test_times_that_contradict_each_other_are_a_concern() -> None:
    last_seen = datetime(2026, 11, 19, 18, 0, tzinfo=UTC)
    found_first = classify(
        notification(last_seen_at=last_seen, found_at=datetime(2026, 11, 19, 17, 0, tzinfo=UTC)),
        home_authority=HOME,
    )
    assert [c.code for c in found_first.concerns] == [TIMES_OUT_OF_ORDER]
    assert "found before last seen" in found_first.concerns[0].message
    seen_late = classify(
        notification(last_seen_at=datetime(2026, 11, 20, 1, 0, tzinfo=UTC)), home_authority=HOME
    )
    assert "last seen after being reported" in seen_late.concerns[0].message
    fine = classify(
        notification(last_seen_at=last_seen, found_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC)),
        home_authority=HOME,
    )
    assert fine.concerns == ()


def test_absent_with_risk_says_which_family_and_what_it_set_aside() -> None:
    n = notification(
        category=Category.ABSENT,
        risk_grade=RiskGrade.LOW,
        circumstances="No concerns about self-harm. Diabetic and left her insulin at home.",
    )
    [concern] = read(n).concerns
    assert concern.code == ABSENT_WITH_RISK
    assert '"diabetic" and "insulin"' in concern.message
    assert "a medical need or prescribed medication not taken" in concern.message
    assert 'Not counted, as the report says they are absent: "self-harm" ("no concerns")' in (
        concern.message
    )


def test_absent_with_only_negated_risk_is_no_miscoding() -> None:
    n = notification(
        category=Category.ABSENT,
        risk_grade=RiskGrade.LOW,
        circumstances="Denies drugs or alcohol; no concerns of exploitation. Home by 11.",
    )
    assert codes(n) == []


def test_an_authority_leaving_a_family_out_is_not_flagged_for_it() -> None:
    n = notification(
        category=Category.ABSENT, risk_grade=RiskGrade.LOW, circumstances="Had been drinking."
    )
    assert codes(n) == [ABSENT_WITH_RISK]
    assert codes(n, risk_ignore=frozenset({"drugs_alcohol"})) == []


def test_both_scales_of_risk_grade_are_read_and_low_grades_checked() -> None:
    from homeward.police.format import RISK_GRADE_SCALES

    assert RISK_GRADE_SCALES[RiskGrade.VERY_LOW] == "current"
    assert RISK_GRADE_SCALES[RiskGrade.NO_APPARENT_RISK] == "earlier"
    assert set(RISK_GRADE_SCALES) == set(RiskGrade)
    risky = "Believed to be with older men."
    very_low = read(notification(risk_grade=RiskGrade.VERY_LOW, circumstances=risky))
    assert very_low.kind == Kind.VERY_LOW
    assert [c.code for c in very_low.concerns] == [ABSENT_WITH_RISK]
    assert very_low.concerns[0].message.startswith("Coded very low risk, but")
    absent = read(notification(risk_grade=RiskGrade.ABSENT, circumstances=risky))
    assert absent.kind == Kind.ABSENT
    assert "absent (as its risk grade)" in absent.concerns[0].message
    assert codes(notification(risk_grade=RiskGrade.LOW, circumstances=risky)) == []


# --- routing ------------------------------------------------------------------------------------

REPORTED_ON = date(2026, 11, 19)
LOOKED_AFTER_17 = KnownPerson(date_of_birth=date(2009, 5, 1), cared=True, certain=True)
CARE_LEAVER_19 = KnownPerson(date_of_birth=date(2007, 5, 1), cared=True, certain=True)
KNOWN_19 = KnownPerson(date_of_birth=date(2007, 5, 1), cared=False, certain=False)
ADULT_26 = KnownPerson(date_of_birth=date(2000, 5, 1), cared=True, certain=True)


@pytest.mark.parametrize(
    ("reported", "known", "expected"),
    [
        # The report's date of birth, with nothing matched.
        ({}, None, Route.CHILD),
        ({"date_of_birth": None}, None, Route.AGE_UNKNOWN),
        ({"date_of_birth": date(2007, 5, 1), "child_flag": False}, None, Route.ADULT),
        ({"date_of_birth": date(1990, 5, 1), "child_flag": False}, None, Route.ADULT),
        # An adult by the date of birth but flagged a child: a person checks.
        ({"date_of_birth": date(1990, 5, 1)}, None, Route.CHECK),
        # A certain match's record decides the age: 17 is a child, 19 a care leaver.
        ({"date_of_birth": date(2008, 5, 1), "child_flag": False}, LOOKED_AFTER_17, Route.CHILD),
        ({"date_of_birth": date(2008, 5, 1)}, CARE_LEAVER_19, Route.CARE_LEAVER),
        ({"date_of_birth": None}, CARE_LEAVER_19, Route.CARE_LEAVER),
        # A possible match does not override the report's age; a young adult is known as
        # a child; an adult past 25 by a certain match's record falls back on the report.
        ({}, KNOWN_19, Route.CHILD),
        ({"date_of_birth": date(2007, 5, 1), "child_flag": False}, KNOWN_19, Route.KNOWN_CHILD),
        ({"date_of_birth": date(1990, 5, 1), "child_flag": False}, KNOWN_19, Route.ADULT),
        ({"date_of_birth": date(2000, 5, 1), "child_flag": False}, ADULT_26, Route.ADULT),
        # The 25th birthday is the edge, on the report's date.
        (
            {"date_of_birth": date(2001, 11, 19), "child_flag": False},
            replace(KNOWN_19, date_of_birth=date(2001, 11, 19)),
            Route.ADULT,
        ),
        (
            {"date_of_birth": date(2001, 11, 20), "child_flag": False},
            replace(KNOWN_19, date_of_birth=date(2001, 11, 20)),
            Route.KNOWN_CHILD,
        ),
    ],
)
def test_route_names_who_the_report_is_about(reported, known, expected):
    assert route(read(notification(**reported)), REPORTED_ON, known) == expected


def test_a_date_of_birth_after_the_report_date_is_no_age_and_a_contradiction() -> None:
    """Each notification is checked on its own, but folded together a later one can move
    the report's date before the date of birth an earlier one gave: the age is unknown
    (never negative) and the times contradict each other."""
    n = notification(date_of_birth=date(2026, 11, 20))  # reported 19 November
    cls = read(n)
    assert (cls.age_at_report, cls.is_child) == (None, None)
    concern = next(c for c in cls.concerns if c.code == TIMES_OUT_OF_ORDER)
    assert "born after being reported" in concern.message
    # Born on the report's own day: 0, a child, no contradiction.
    same_day = read(notification(date_of_birth=date(2026, 11, 19)))
    assert (same_day.age_at_report, same_day.is_child) == (0, True)
    assert TIMES_OUT_OF_ORDER not in [c.code for c in same_day.concerns]
