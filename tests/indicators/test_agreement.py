"""The engine and the statutory clock never disagree.

`engine.episode_flags` is vectorised Polars with a NumPy working-day table; the clock in
`homeward.standards.clock` is plain Python, one episode at a time. For generated episodes
and interviews in all four nations, across 2000–2040 and crowded around bank holidays,
Christmas, year ends and financial-year ends, every one of the 12 flags of every episode
must be what the clock says.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homeward.indicators import engine
from homeward.indicators.inputs import check_inputs
from homeward.indicators.schema import BASIS_COLUMN, VARIANTS, WITHIN_COLUMNS
from homeward.standards.calendar import bank_holidays, working_days_after
from homeward.standards.clock import Unit, seventy_two_hours
from homeward.standards.nations import GSS_PREFIX_NATION, Nation

AUTHORITIES = {
    "E": "E06000001",
    "W": "W06000001",
    "S": "S12000001",
    "N": "N09000001",
}
LETTERS = tuple(AUTHORITIES)

# Days where the rules bite, per nation: its bank holidays (Scotland's 2 January and St
# Andrew's Day, Northern Ireland's 17 March and 12 July, ...); and for all, Christmas Eve,
# New Year's Eve and Day, and the last and first days of the financial year.
HOLIDAYS = {
    letter: sorted(bank_holidays(nation, range(2000, 2041)))
    for letter, nation in GSS_PREFIX_NATION.items()
}
# The holidays that are not holidays in every nation: where using the wrong nation's
# calendar would show (Easter Monday and the late August holiday are not Scotland's; 2
# January, St Andrew's Day and the early August holiday are Scotland's only; 17 March and
# 12 July are Northern Ireland's).
_EVERYWHERE = frozenset.intersection(*(frozenset(days) for days in HOLIDAYS.values()))
OWN_HOLIDAYS = {letter: sorted(set(days) - _EVERYWHERE) for letter, days in HOLIDAYS.items()}
COMMON_DAYS = sorted(
    date(y, m, d)
    for y in range(2000, 2041)
    for m, d in ((12, 24), (12, 31), (1, 1), (3, 31), (4, 1))
)

clock_times = st.one_of(
    st.times(),
    st.sampled_from([time(0, 0), time(23, 59, 59), time(23, 59), time(12, 0)]),
).map(lambda t: t.replace(microsecond=0))

uniform_moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31, 23, 59, 59)
).map(lambda m: m.replace(microsecond=0))


def _near(days: list[date]) -> st.SearchStrategy[datetime]:
    return st.builds(
        lambda day, shift, at: datetime.combine(day + timedelta(days=shift), at),
        st.sampled_from(days),
        st.integers(min_value=-4, max_value=4),
        clock_times,
    )


@cache
def moments(letter: str) -> st.SearchStrategy[datetime]:
    """Anywhere in 2000–2040, or within four days of a bank holiday of the nation (most
    often one that not all nations have) or of a year end."""
    own = _near(OWN_HOLIDAYS[letter])
    return st.one_of(uniform_moments, _near(HOLIDAYS[letter]), own, own, _near(COMMON_DAYS))


def due_points(start: datetime, letter: str) -> st.SearchStrategy[datetime]:
    """Completions at and either side of the clock's due point for a start, in any unit.

    The clock is used only to place the completions where engine and clock could part;
    the test then compares the engine's flags with the clock's.
    """
    nation = GSS_PREFIX_NATION[letter]
    hours = seventy_two_hours(Unit.HOURS, nation).due(start).at
    by_dates = [
        seventy_two_hours(unit, nation).due(start).by_date
        for unit in (Unit.CALENDAR_DAYS, Unit.WORKING_DAYS)
    ]
    assert hours is not None
    return st.one_of(
        st.sampled_from([hours, hours + timedelta(seconds=1), hours - timedelta(seconds=1)]),
        st.builds(
            lambda day, shift, at: datetime.combine(day + timedelta(days=shift), at),
            st.sampled_from([by_dates[0], by_dates[1], by_dates[1]]),
            st.sampled_from([-1, 0, 0, 1]),
            clock_times,
        ),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[dict], list[dict]]:
    """Interviews (each of one authority) and episodes, some bunched into one interview."""
    interview_count = draw(st.integers(min_value=0, max_value=4))
    interviews = [
        {"rhi_id": f"R{i}", "authority_code": AUTHORITIES[draw(st.sampled_from(LETTERS))]}
        for i in range(interview_count)
    ]
    episodes = []
    for number in range(draw(st.integers(min_value=1, max_value=8))):
        rhi = draw(st.sampled_from([*interviews, None]))
        code = (
            rhi["authority_code"]
            if rhi is not None
            else AUTHORITIES[draw(st.sampled_from(LETTERS))]
        )
        letter = code[0]
        returned = draw(st.none() | moments(letter))
        if returned is None:
            started = draw(moments(letter))
        else:
            started = returned - draw(
                st.builds(timedelta, minutes=st.integers(min_value=0, max_value=20 * 24 * 60))
            )
        base = returned or started
        notified = draw(
            st.one_of(
                st.none(),
                moments(letter),
                st.integers(min_value=-24 * 60, max_value=6 * 24 * 60).map(
                    lambda minutes, base=base: base + timedelta(minutes=minutes)
                ),
            )
        )
        episodes.append(
            {
                "episode_id": f"E{number}",
                "child_id": f"C{draw(st.integers(min_value=0, max_value=2))}",
                "authority_code": code,
                "nation": draw(st.none() | st.just(GSS_PREFIX_NATION[letter].value)),
                "category": draw(st.sampled_from(["missing", "absent"])),
                "missing_from": draw(st.sampled_from(["home", "care"])),
                "started_at": started,
                "returned_at": returned,
                "notified_at": notified,
                "rhi_id": rhi["rhi_id"] if rhi is not None else None,
            }
        )
    for interview in interviews:
        covered = [e for e in episodes if e["rhi_id"] == interview["rhi_id"]]
        anchors = [e[c] for e in covered for c in ("returned_at", "notified_at") if e[c]]
        letter = interview["authority_code"][0]
        choice = draw(st.integers(min_value=0, max_value=4))
        if choice == 0 or not anchors:
            completed = draw(st.none() | moments(letter))
        elif choice == 1:  # before, at or long after a clock start
            completed = draw(st.sampled_from(anchors)) + draw(
                st.builds(
                    timedelta,
                    days=st.integers(min_value=-3, max_value=14),
                    seconds=st.integers(min_value=0, max_value=86_399),
                )
            )
        else:  # at a due point of one of its clock starts, where the answer can go either way
            completed = draw(due_points(draw(st.sampled_from(anchors)), letter))
        interview.update(offered_at=None, outcome=None, declined_by=None, completed_at=completed)
    return episodes, interviews


EPISODE_SCHEMA = {
    "episode_id": pl.String,
    "child_id": pl.String,
    "authority_code": pl.String,
    "nation": pl.String,
    "category": pl.String,
    "missing_from": pl.String,
    "started_at": pl.Datetime("us"),
    "returned_at": pl.Datetime("us"),
    "notified_at": pl.Datetime("us"),
    "rhi_id": pl.String,
}
INTERVIEW_SCHEMA = {
    "rhi_id": pl.String,
    "authority_code": pl.String,
    "offered_at": pl.Datetime("us"),
    "outcome": pl.String,
    "declined_by": pl.String,
    "completed_at": pl.Datetime("us"),
}


def clock_says(
    episode: dict, episodes: list[dict], interviews: list[dict], variant: tuple[str, str, str]
) -> bool:
    """The oracle: the standards clock on one episode, from the contract's definitions."""
    basis, unit, bunching = variant
    column = BASIS_COLUMN[basis]
    if episode["rhi_id"] is None:
        return False
    interview = next(i for i in interviews if i["rhi_id"] == episode["rhi_id"])
    completed = interview["completed_at"]
    if completed is None:
        return False
    if bunching == "each":
        start = episode[column]
    else:
        starts = [e[column] for e in episodes if e["rhi_id"] == episode["rhi_id"] and e[column]]
        start = max(starts) if starts else None
    nation = GSS_PREFIX_NATION[episode["authority_code"][0]]
    return seventy_two_hours(Unit(unit), nation).is_within(start, completed)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios())
def test_episode_flags_agree_with_the_clock(scenario: tuple[list[dict], list[dict]]) -> None:
    episodes, interviews = scenario
    # Straight to the engine (it links the interviews itself): `check_inputs` costs more than
    # the engine on tables this small, and `test_checked_tables_give_the_same_flags` covers it.
    flags = engine.episode_flags(
        pl.DataFrame(episodes, schema=EPISODE_SCHEMA),
        pl.DataFrame(interviews, schema=INTERVIEW_SCHEMA),
    )
    assert flags.height == len(episodes)
    for row, episode in zip(flags.iter_rows(named=True), episodes, strict=True):
        for variant in VARIANTS:
            name = "within_{}_{}_{}".format(*variant)
            expected = clock_says(episode, episodes, interviews, variant)
            assert row[name] is expected, (name, episode)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_checked_tables_give_the_same_flags(scenario: tuple[list[dict], list[dict]]) -> None:
    # The same scenarios through `check_inputs` (Datetime columns, as the web app passes
    # them): they are valid, and checking them changes no flag.
    episodes, interviews = scenario
    raw = pl.DataFrame(episodes, schema=EPISODE_SCHEMA)
    raw_interviews = pl.DataFrame(interviews, schema=INTERVIEW_SCHEMA)
    checked = check_inputs(raw, raw_interviews)
    assert checked.problems == []
    direct = engine.episode_flags(raw, raw_interviews)
    via_check = engine.episode_flags(checked.episodes, checked.interviews)
    assert via_check.select(WITHIN_COLUMNS).equals(direct.select(WITHIN_COLUMNS))


def test_the_working_day_table_is_working_days_after_for_every_day_2015_to_2035() -> None:
    first, last = date(2015, 1, 1), date(2035, 12, 31)
    all_nations = list(range(len(engine._NATION_LETTERS)))
    table, first_day, span = engine._working_day_table(first, last, all_nations)
    assert span == (last - first).days + 1
    assert first_day == (first - date(1970, 1, 1)).days
    due_days = table.to_list()
    checked = 0
    for index, letter in enumerate(engine._NATION_LETTERS):
        nation = GSS_PREFIX_NATION[letter]
        for offset in range(span):
            day = first + timedelta(days=offset)
            expected = working_days_after(day, 3, nation)
            found = date(1970, 1, 1) + timedelta(days=due_days[index * span + offset])
            assert found == expected, (nation, day, found, expected)
            checked += 1
    assert checked == 4 * span
    assert {GSS_PREFIX_NATION[letter] for letter in engine._NATION_LETTERS} == set(Nation)
