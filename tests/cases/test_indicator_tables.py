"""The database as the indicator contract's tables, and the CLI's engine run on them."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied

from homeward.cases import indicator_tables, services
from homeward.cases.indicator_tables import (
    Convention,
    IndicatorChoice,
    contract_tables,
    indicators_for,
    indicators_page,
    period_bounds,
)
from homeward.cases.models import Episode, ReturnInterview
from homeward.indicators import cli as indicators_cli
from homeward.indicators.output import write_table
from homeward.indicators.schema import EPISODE_COLUMNS, INTERVIEW_COLUMNS, OUTPUT_COLUMNS
from tests.factories import World, make_child, make_episode, make_interview, make_world

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A UK wall-clock time as an aware datetime (BST or GMT as the date has it)."""
    return datetime(year, month, day, hour, minute, tzinfo=UK)


def offer(world: World, interview: ReturnInterview, when: datetime, who: str) -> None:
    services.interview_record_offer(
        by=world.user(who), interview=interview, offered_at=when, offered_to="child", method="phone"
    )


def hold(
    world: World, interview: ReturnInterview, when: datetime, who: str, late: str = ""
) -> ReturnInterview:
    current = ReturnInterview.objects.get(pk=interview.pk)
    return services.interview_write_up(
        by=world.user(who),
        interview=current,
        write_up=services.WriteUp(
            held_at=when, late_reason=late, late_reason_code="child_unavailable" if late else ""
        ),
        expected_version=current.version,
    )


@dataclass
class Records:
    world: World
    episodes: dict[str, Episode]
    interviews: dict[str, ReturnInterview]


def build_records(world: World | None = None) -> Records:
    """Seven episodes of three children in financial year 2025-26, one each way a record can
    end up: held in time, a bunched interview held late for its first episode, declined, no
    contact, allocated and waiting, and not allocated at all.

    E1 starts at 00:30 on 1 April 2025 UK time (BST), which is still 31 March in UTC: only
    wall-clock time puts it in 2025-26. E3 starts in BST and returns in GMT (the clocks went
    back at 02:00 on 26 October 2025).
    """
    world = world or make_world()
    jordan = make_child(world)
    sam = make_child(world, first_name="Sam", last_name="Sample")
    alex = make_child(world, first_name="Alex", last_name="Placeholder")

    def episode(child, started, returned, **fields):  # type: ignore[no-untyped-def]
        return make_episode(
            world,
            child,
            started=started,
            returned_at=returned,
            notified_at=returned + timedelta(hours=1) if returned else None,
            **fields,
        )

    e = {
        "E1": episode(jordan, at(2025, 4, 1, 0, 30), at(2025, 4, 1, 10)),
        "E2": episode(jordan, at(2025, 10, 20, 18), at(2025, 10, 21, 8)),
        "E3": episode(jordan, at(2025, 10, 25, 23, 30), at(2025, 10, 26, 12)),
        "E4": episode(sam, at(2025, 11, 3, 10), at(2025, 11, 3, 20)),
        "E5": episode(sam, at(2025, 11, 10, 10), at(2025, 11, 10, 22)),
        "E6": episode(alex, at(2025, 12, 1, 9), at(2025, 12, 1, 17)),
        "E7": episode(alex, at(2026, 1, 5, 9), at(2026, 1, 5, 13), category="absent"),
    }
    r = {
        "R1": make_interview(world, [e["E1"]]),
        "R2": make_interview(world, [e["E2"], e["E3"]], worker="provider_worker"),
        "R3": make_interview(world, [e["E4"]]),
        "R4": make_interview(world, [e["E5"]], worker="worker2"),
        "R5": make_interview(world, [e["E6"]]),
    }
    # R1: two offers recorded out of order (the first is the earlier), held in time.
    offer(world, r["R1"], at(2025, 4, 1, 12), "worker")
    offer(world, r["R1"], at(2025, 4, 1, 11), "worker")
    hold(world, r["R1"], at(2025, 4, 3, 9), "worker")
    # R2: covers E2 and E3; held 28 October: late for E2 (due 24 October), in time for E3.
    offer(world, r["R2"], at(2025, 10, 26, 13), "provider_worker")
    hold(world, r["R2"], at(2025, 10, 28, 15), "provider_worker", late="Sam was away")
    # R3: offered and declined by the child.
    offer(world, r["R3"], at(2025, 11, 4, 9), "worker")
    services.interview_record_decline(
        by=world.user("worker"),
        interview=r["R3"],
        declined_by="child",
        reason="Did not want to",
        reason_code="not_wanted",
    )
    # R4: offered, no contact made after an attempt.
    offer(world, r["R4"], at(2025, 11, 11, 9), "worker2")
    services.interview_record_attempt(
        by=world.user("worker2"),
        interview=r["R4"],
        attempted_at=at(2025, 11, 12, 9),
        method="phone",
        successful=False,
    )
    services.interview_record_no_contact(by=world.user("worker2"), interview=r["R4"])
    # R5: allocated, nothing recorded yet. E7 is not allocated.
    return Records(world, e, {k: ReturnInterview.objects.get(pk=v.pk) for k, v in r.items()})


def by_id(table: pl.DataFrame, column: str, value: str) -> dict[str, object]:
    rows = table.filter(pl.col(column) == value)
    assert rows.height == 1, f"{value}: {rows.height} rows"
    return rows.row(0, named=True)


# --- the contract's tables -----------------------------------------------------------------


def test_contract_tables_have_the_contract_columns_and_wall_clock_times():
    records = build_records()
    episodes, interviews = contract_tables()
    assert episodes.columns == [c.name for c in EPISODE_COLUMNS]
    # The contract's columns first, then the host that held it (docs/exchange.md).
    assert interviews.columns == [c.name for c in INTERVIEW_COLUMNS] + ["held_by_authority"]
    assert interviews["held_by_authority"].null_count() == interviews.height
    assert episodes.schema["started_at"] == pl.Datetime("us")  # naive: no time zone
    assert interviews.schema["completed_at"] == pl.Datetime("us")
    assert episodes.height == 7 and interviews.height == 5

    e1 = by_id(episodes, "episode_id", records.episodes["E1"].reference)
    assert e1["child_id"] == records.episodes["E1"].child.reference
    assert e1["authority_code"] == "E10000099"
    assert e1["nation"] == "england"
    assert e1["category"] == "missing" and e1["missing_from"] == "home"
    assert e1["started_at"] == datetime(2025, 4, 1, 0, 30)  # 23:30 on 31 March in UTC
    assert e1["returned_at"] == datetime(2025, 4, 1, 10, 0)
    assert e1["notified_at"] == datetime(2025, 4, 1, 11, 0)
    assert e1["rhi_id"] == records.interviews["R1"].reference

    # Across the end of summer time: started in BST, returned in GMT, both as on the wall.
    e3 = by_id(episodes, "episode_id", records.episodes["E3"].reference)
    assert e3["started_at"] == datetime(2025, 10, 25, 23, 30)
    assert e3["returned_at"] == datetime(2025, 10, 26, 12, 0)
    assert e3["notified_at"] == datetime(2025, 10, 26, 13, 0)

    # A bunched interview: two episodes, one rhi_id.
    e2 = by_id(episodes, "episode_id", records.episodes["E2"].reference)
    assert e2["rhi_id"] == e3["rhi_id"] == records.interviews["R2"].reference
    assert episodes.filter(pl.col("rhi_id") == e2["rhi_id"]).height == 2

    e7 = by_id(episodes, "episode_id", records.episodes["E7"].reference)
    assert e7["rhi_id"] is None and e7["category"] == "absent"


def test_interview_outcomes_are_mapped_to_the_contract_codes():
    records = build_records()
    _, interviews = contract_tables()
    ref = {k: v.reference for k, v in records.interviews.items()}

    r1 = by_id(interviews, "rhi_id", ref["R1"])
    assert r1["authority_code"] == "E10000099"
    assert r1["offered_at"] == datetime(2025, 4, 1, 11, 0)  # the first offer, not the last
    assert r1["outcome"] == "accepted"  # held
    assert r1["declined_by"] is None
    assert r1["completed_at"] == datetime(2025, 4, 3, 9, 0)

    r2 = by_id(interviews, "rhi_id", ref["R2"])
    assert (r2["outcome"], r2["completed_at"]) == ("accepted", datetime(2025, 10, 28, 15, 0))
    assert r2["offered_at"] == datetime(2025, 10, 26, 13, 0)  # GMT by then

    r3 = by_id(interviews, "rhi_id", ref["R3"])
    assert (r3["outcome"], r3["declined_by"], r3["completed_at"]) == ("declined", "child", None)

    r4 = by_id(interviews, "rhi_id", ref["R4"])
    assert (r4["outcome"], r4["completed_at"]) == ("no_response", None)  # no_contact
    assert r4["offered_at"] == datetime(2025, 11, 11, 9, 0)

    r5 = by_id(interviews, "rhi_id", ref["R5"])
    assert (r5["offered_at"], r5["outcome"], r5["completed_at"]) == (None, None, None)  # pending


def test_filters_keep_an_organisations_episodes_and_a_span_of_start_dates():
    records = build_records()
    world = records.world
    ref = {k: v.reference for k, v in records.episodes.items()}

    team_episodes, team_interviews = contract_tables(team=world.team)
    assert set(team_episodes["episode_id"]) == {ref[k] for k in ("E1", "E4", "E5", "E6")}
    assert team_interviews.height == 4

    provider_episodes, provider_interviews = contract_tables(provider=world.provider)
    assert set(provider_episodes["episode_id"]) == {ref["E2"], ref["E3"]}
    assert provider_interviews["rhi_id"].to_list() == [records.interviews["R2"].reference]

    both, _ = contract_tables(team=world.team, provider=world.provider)
    assert both.height == 6  # everything allocated; E7 is not

    # Start dates are UK dates: E1 started on 1 April 2025 (not 31 March, as in UTC).
    april, _ = contract_tables(start=date(2025, 4, 1), end=date(2025, 4, 30))
    assert april["episode_id"].to_list() == [ref["E1"]]
    march, _ = contract_tables(end=date(2025, 3, 31))
    assert march.is_empty()

    with pytest.raises(ValueError, match="not a commissioned provider"):
        contract_tables(provider=world.team)


def test_an_empty_database_gives_empty_typed_tables_and_no_rows():
    make_world()
    episodes, interviews = contract_tables()
    assert episodes.is_empty() and interviews.is_empty()
    assert episodes.schema["returned_at"] == pl.Datetime("us")
    assert indicators_for().is_empty()
    assert indicators_for(group="organisation").is_empty()


# --- the indicators: the CLI's engine -------------------------------------------------------


def run_cli(tmp_path: Path, by: str, *extra: str) -> Path:
    """`homeward indicators` on the contract tables written to CSV, as a user would run it."""
    episodes, interviews = contract_tables()
    ep_path, iv_path, out = (
        tmp_path / "episodes.csv",
        tmp_path / "interviews.csv",
        tmp_path / "cli.csv",
    )
    episodes.write_csv(ep_path, datetime_format="%Y-%m-%dT%H:%M:%S")
    interviews.write_csv(iv_path, datetime_format="%Y-%m-%dT%H:%M:%S")
    parser = argparse.ArgumentParser()
    indicators_cli.register(parser.add_subparsers())
    args = parser.parse_args(
        ["indicators", str(ep_path), str(iv_path), "--out", str(out), "--by", by, *extra]
    )
    assert args.handler(args) == 0
    return out


@pytest.mark.parametrize("by", ["year", "quarter", "month"])
def test_indicators_for_is_the_cli_output_for_the_same_records(tmp_path, by):
    build_records()
    cli = run_cli(tmp_path, by, "--rates")
    web = tmp_path / "web.csv"
    write_table(indicators_for(by=by, rates=True), web)
    assert web.read_bytes() == cli.read_bytes()


def test_suppressed_indicators_are_the_cli_suppressed_output(tmp_path):
    build_records()
    cli = run_cli(tmp_path, "quarter", "--rates", "--suppress-small")
    web = tmp_path / "web.csv"
    write_table(indicators_for(by="quarter", rates=True, suppress_small=True), web)
    assert web.read_bytes() == cli.read_bytes()


def test_the_year_row_counted_by_hand():
    build_records()
    table = indicators_for(by="year", rates=True)
    assert table.columns[: len(OUTPUT_COLUMNS)] == list(OUTPUT_COLUMNS)
    assert table["period"].to_list() == ["2025-26"]  # E1 is in 2025-26 on the wall clock
    row = table.row(0, named=True)
    assert row["authority_code"] == "E10000099"
    assert (row["incidents"], row["individuals"], row["absent"]) == (7, 3, 1)
    # Offered: E1, E2, E3 (bunched), E4, E5. Accepted and completed: E1, E2, E3.
    assert (row["offered"], row["accepted"], row["declined"], row["completed"]) == (5, 3, 1, 3)
    # 72 hours from each return: E1 (held 47 h after) and E3 (51 h), not E2 (7 days).
    assert row["within_return_hours_each"] == 2
    # From the latest return of the interview's episodes: E2 is measured from E3's return.
    assert row["within_return_hours_latest"] == 3
    # Rates: whole percentages half up; 2/7 = 28.6 → 29, 2/3 = 66.7 → 67.
    assert row["within_return_hours_each_percent"] == 29
    assert row["within_return_hours_each_percent_of_completed"] == 67


def test_by_organisation_runs_the_engine_once_per_organisation():
    records = build_records()
    world = records.world
    table = indicators_for(by="year", group="organisation")
    assert table.columns[0] == "organisation"
    assert table.columns[1 : 1 + len(OUTPUT_COLUMNS)] == list(OUTPUT_COLUMNS)
    assert table["organisation"].to_list() == [
        world.team.name,
        world.provider.name,
        indicator_tables.NOT_ALLOCATED,
    ]
    team = by_id(table, "organisation", world.team.name)
    assert (team["incidents"], team["completed"], team["within_return_hours_each"]) == (4, 1, 1)
    provider = by_id(table, "organisation", world.provider.name)
    assert (provider["incidents"], provider["within_return_hours_each"]) == (2, 1)
    assert provider["within_return_hours_latest"] == 2
    unallocated = by_id(table, "organisation", indicator_tables.NOT_ALLOCATED)
    assert (unallocated["incidents"], unallocated["absent"], unallocated["offered"]) == (1, 1, 0)
    # The parts add up to the whole authority.
    whole = indicators_for(by="year").row(0, named=True)
    assert table["incidents"].sum() == whole["incidents"]
    assert table["completed"].sum() == whole["completed"]


def test_a_home_authority_code_the_contract_refuses_is_reported_not_guessed():
    world = make_world()
    world.authority.gss_code = "E99000001"
    world.authority.save()
    make_episode(world, make_child(world), started=at(2025, 6, 1, 9))
    with pytest.raises(indicator_tables.InputError, match="E99000001"):
        indicators_for()
    page = indicators_page(user=world.user("manager"), choice=IndicatorChoice())
    assert page.problems and "E99000001" in page.problems[0]


# --- the page's figures ---------------------------------------------------------------------


def test_period_bounds_of_each_label():
    assert period_bounds("2025-26", "year") == (date(2025, 4, 1), date(2026, 4, 1))
    assert period_bounds("2025-26 Q1", "quarter") == (date(2025, 4, 1), date(2025, 7, 1))
    assert period_bounds("2025-26 Q3", "quarter") == (date(2025, 10, 1), date(2026, 1, 1))
    assert period_bounds("2025-26 Q4", "quarter") == (date(2026, 1, 1), date(2026, 4, 1))
    assert period_bounds("2025-12", "month") == (date(2025, 12, 1), date(2026, 1, 1))


def test_the_authoritys_own_convention():
    world = make_world(unit="working_days", basis="referral", bunching="latest")
    own = Convention.of_authority(world.authority)
    assert own == Convention("referral", "working_days", "latest")
    assert own.column == "within_referral_working_days_latest"
    assert "3 working days" in own.description
    with pytest.raises(ValueError):
        Convention("return", "weeks", "each")


def test_page_figures_latest_period_and_latest_full_year():
    records = build_records()
    choice = IndicatorChoice(by="quarter", convention=Convention("return", "hours", "latest"))
    page = indicators_page(
        user=records.world.user("analyst"), choice=choice, today=date(2026, 5, 1)
    )
    assert page.own == Convention("return", "hours", "each")
    assert page.authority_table["period"].to_list() == [
        "2025-26 Q1",
        "2025-26 Q3",
        "2025-26 Q4",
    ]
    assert page.latest is not None and page.latest["period"] == "2025-26 Q4"
    assert page.latest_complete
    assert page.sensitivity is not None and page.sensitivity["period"] == "2025-26"
    assert page.sensitivity_complete
    # In the middle of 2025-26 no year has ended yet: the year so far is shown, and said so.
    early = indicators_page(
        user=records.world.user("analyst"), choice=choice, today=date(2026, 2, 1)
    )
    assert early.sensitivity is not None and not early.sensitivity_complete
    assert not early.latest_complete


def test_page_figures_are_refused_to_a_worker():
    world = make_world()
    with pytest.raises(PermissionDenied):
        indicators_page(user=world.user("worker"), choice=IndicatorChoice())
