"""The 903 Missing table beside the case system's Episodes, by DfE's guidance (pure)."""

from __future__ import annotations

from datetime import date, datetime, time

from homeward.formats.ssda903 import (
    CareEpisode,
    HomewardEpisode,
    MissingTable,
    missing_table,
    periods_of_care,
)

START, END = date(2025, 4, 1), date(2026, 3, 31)
BIRTHS = {
    "P1": date(2010, 5, 14),
    "P2": date(2009, 1, 2),
    "P3": date(2012, 7, 7),
    "P5": date(2011, 3, 3),
}
#: P1 in care since 2024 (a placement change in June 2025), P2 in care May to September
#: 2025, P5 in care since 2023; P3 never looked after.
CARE = [
    CareEpisode("P5", date(2023, 1, 1), None, ls="C2", place="U1"),
    CareEpisode("P1", date(2024, 2, 3), date(2025, 6, 10), ls="C2", place="U1"),
    CareEpisode("P1", date(2025, 6, 10), None, ls="C2", place="K2"),
    CareEpisode("P2", date(2025, 5, 1), date(2025, 9, 30), ls="V2", rec="E11"),
]


def moment(day: date | datetime) -> datetime:
    """A day at noon, or the moment given."""
    return day if isinstance(day, datetime) else datetime.combine(day, time(12))


def ep(
    who: str, start: date | datetime, end: date | datetime | None, **fields: object
) -> HomewardEpisode:
    values: dict[str, object] = {"category": "missing", "missing_from": "care"}
    values.update(fields)
    back = None if end is None else moment(end)
    return HomewardEpisode(who, start=moment(start), end=back, **values)  # type: ignore[arg-type]


def table(*episodes: HomewardEpisode) -> MissingTable:
    return missing_table(CARE, BIRTHS, episodes, start=START, end=END)


def test_child_is_the_person_id_and_end_is_the_day_back_or_blank() -> None:
    got = table(
        ep("P1", date(2025, 7, 1), date(2025, 7, 3)),
        ep("P1", date(2026, 3, 30), date(2026, 4, 2), reference="E-9"),  # back after the year
        ep("P5", date(2026, 3, 20), None),  # still missing
    )
    assert got.rows == [
        ("P1", "14/05/2010", "M", "01/07/2025", "03/07/2025"),
        ("P1", "14/05/2010", "M", "30/03/2026", ""),
        ("P5", "03/03/2011", "M", "20/03/2026", ""),
    ]
    assert got.children == ["P1", "P5"]
    assert got.notes == []


def test_an_open_episode_is_never_ended_by_the_next_one() -> None:
    got = table(ep("P1", date(2025, 7, 1), None), ep("P1", date(2025, 8, 1), date(2025, 8, 2)))
    # the open record and the later one are one absence, back on the day recorded: not an
    # end invented from the next episode's start
    assert got.rows == [("P1", "14/05/2010", "M", "01/07/2025", "02/08/2025")]
    assert "recorded more than once" in got.notes[0]


def test_missing_from_home_while_looked_after_is_kept() -> None:
    got = table(ep("P1", date(2025, 9, 1), date(2025, 9, 2), missing_from="home"))
    assert [r[3] for r in got.rows] == ["01/09/2025"]


def test_only_episodes_begun_in_a_period_of_care() -> None:
    got = table(
        ep("P2", date(2025, 4, 20), date(2025, 4, 21)),  # before care began
        ep("P2", date(2025, 5, 1), date(2025, 5, 2)),  # the day care began
        ep("P2", date(2025, 10, 5), date(2025, 10, 6)),  # after care ended
        ep("P3", date(2025, 6, 1), date(2025, 6, 2)),  # never looked after
    )
    assert got.rows == [("P2", "02/01/2009", "M", "01/05/2025", "02/05/2025")]
    assert got.notes == []


def test_a_duplicated_episode_is_one_row_not_a_0_day_row_beside_it() -> None:
    got = table(
        # one absence recorded three times (a police report, the home's report, and again)
        ep("P1", datetime(2025, 7, 1, 21), datetime(2025, 7, 4, 9), reference="E-1"),
        ep("P1", datetime(2025, 7, 1, 22), datetime(2025, 7, 1, 23), reference="E-2"),
        ep("P1", datetime(2025, 7, 1, 21), datetime(2025, 7, 4, 9), reference="E-3"),
        # two absences on one day: back at noon, away again in the evening
        ep("P1", datetime(2025, 8, 1, 10), datetime(2025, 8, 1, 12)),
        ep("P1", datetime(2025, 8, 1, 20), datetime(2025, 8, 2, 8)),
    )
    assert got.rows == [
        ("P1", "14/05/2010", "M", "01/07/2025", "04/07/2025"),
        ("P1", "14/05/2010", "M", "01/08/2025", "01/08/2025"),
        ("P1", "14/05/2010", "M", "01/08/2025", "02/08/2025"),
    ]
    assert len(got.notes) == 1 and "E-1: recorded more than once (E-3, E-2)" in got.notes[0]


def test_away_only_when_whereabouts_were_known() -> None:
    got = table(
        ep("P1", date(2025, 7, 1), date(2025, 7, 1), category="absent"),
        ep("P1", date(2025, 7, 2), date(2025, 7, 2), category="absent", whereabouts_known=True),
        ep("P1", date(2025, 7, 3), date(2025, 7, 3), whereabouts_known=True),
    )
    assert [r[2] for r in got.rows] == ["M", "A", "A"]


def test_open_at_the_start_of_the_year_is_carried_with_its_start() -> None:
    got = table(
        ep("P1", date(2025, 3, 1), date(2025, 3, 30)),  # last year's
        ep("P1", date(2025, 3, 31), date(2025, 4, 1)),  # open at the year's start
    )
    assert got.rows == [("P1", "14/05/2010", "M", "31/03/2025", "01/04/2025")]


def test_the_placement_or_care_ending_while_away_ends_the_row() -> None:
    got = table(
        ep("P1", date(2025, 6, 5), None, reference="E-5"),  # the placement ended 10 June
        ep("P2", date(2025, 9, 20), date(2025, 10, 2)),  # care ended 30 September
    )
    assert got.rows == [
        ("P1", "14/05/2010", "M", "05/06/2025", "10/06/2025"),
        ("P2", "02/01/2009", "M", "20/09/2025", "30/09/2025"),
    ]
    assert got.notes[0].startswith("P1 E-5: the placement ended on 10/06/2025 while the child")
    assert got.notes[1].startswith("P2 20/09/2025: care ended on 30/09/2025 while the child")


def test_bad_records_are_left_out_with_a_note() -> None:
    births = {**BIRTHS, "P1": date(2025, 7, 1)}
    got = missing_table(
        [*CARE, CareEpisode("P4", date(2025, 1, 1))],
        births,
        [
            ep("P1", date(2025, 7, 1), date(2025, 7, 2)),  # on the day of birth
            ep("P2", date(2025, 6, 3), date(2025, 6, 1), reference="E-7"),  # ends first
            ep("P4", date(2025, 6, 3), None),  # no Header row
        ],
        start=START,
        end=END,
    )
    assert got.rows == []
    assert [n.split(":")[0] for n in got.notes] == ["P1 01/07/2025", "P2 E-7", "P4"]


def test_periods_of_care_join_rows_that_meet() -> None:
    periods = periods_of_care(
        [*CARE, CareEpisode("P2", date(2025, 11, 1), None), CareEpisode("P2", date(2025, 5, 1))]
    )
    assert [(p.start, p.end) for p in periods["P1"]] == [(date(2024, 2, 3), None)]
    assert [(p.start, p.end) for p in periods["P2"]] == [(date(2025, 5, 1), None)]
    two = periods_of_care([CARE[3], CareEpisode("P2", date(2025, 11, 1), None)])
    assert [(p.start, p.end) for p in two["P2"]] == [
        (date(2025, 5, 1), date(2025, 9, 30)),
        (date(2025, 11, 1), None),
    ]


def test_a_child_back_after_a_change_of_placement_keeps_the_day_back() -> None:
    """The placement changed on 10 June while the child was away; the child came back on
    12 June: the row ends on 12 June (no rule asks otherwise)."""
    got = table(ep("P1", date(2025, 6, 5), date(2025, 6, 12)))
    assert got.rows == [("P1", "14/05/2010", "M", "05/06/2025", "12/06/2025")]
    assert got.notes == []


def test_a_record_closed_as_it_was_opened_is_not_a_second_absence() -> None:
    """A duplicate report closed at once (returned the moment it began) beside the real
    record: one row, not a 0-day row beside it."""
    got = table(
        ep("P1", datetime(2025, 7, 1, 21), datetime(2025, 7, 1, 21), reference="E-2"),
        ep("P1", datetime(2025, 7, 1, 21), datetime(2025, 7, 3, 9), reference="E-1"),
    )
    assert got.rows == [("P1", "14/05/2010", "M", "01/07/2025", "03/07/2025")]
