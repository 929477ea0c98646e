"""Generated, realistic missing episodes and return interviews, at any size.

Everything is drawn from one `numpy.random.Generator` in a fixed order and built with
whole-array operations, so the same arguments give the same data, byte for byte, and 2.35
million episodes take seconds. Times are whole minutes on the UK wall clock, held as int64
minutes since 1970-01-01 until the tables are built. The parameters and their sources are
in `homeward.synth.params` and `docs/synth.md`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl

from homeward.indicators import schema
from homeward.standards.calendar import bank_holidays
from homeward.synth import params
from homeward.synth.authorities import (
    NATIONS,
    SCOTLAND,
    AuthorityPlan,
    plan_authorities,
)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: The contract's columns (`indicators.md`), in its order.
EPISODE_COLUMNS: Final = tuple(column.name for column in schema.EPISODE_COLUMNS)
INTERVIEW_COLUMNS: Final = tuple(column.name for column in schema.INTERVIEW_COLUMNS)
#: How `write` formats timestamps: the contract's `YYYY-MM-DDTHH:MM`, no seconds, no offset.
CSV_DATETIME_FORMAT: Final = "%Y-%m-%dT%H:%M"
FILE_NAMES: Final = ("episodes.csv", "interviews.csv", "authorities.csv")

DAY: Final = 1440
HOUR: Final = 60
_EPOCH: Final = date(1970, 1, 1)
# Separates children when a running maximum is taken over all episodes at once.
_CHILD_STRIDE: Final = 1 << 40

# Interview outcome codes (index into OUTCOMES; -1 = empty).
OUTCOMES: Final = ("accepted", "declined", "no_response")
ACCEPTED, DECLINED, NO_RESPONSE = 0, 1, 2
DECLINERS: Final = ("child", "parent_carer")
CATEGORIES: Final = ("missing", "absent")
MISSING_FROM: Final = ("home", "care")
HOURS_UNIT, CALENDAR_UNIT, WORKING_UNIT = 0, 1, 2


@dataclass(frozen=True)
class SynthData:
    """Generated episodes, interviews and authorities (see `docs/synth.md`).

    `episodes` and `interviews` have exactly the columns of the indicator contract
    (`indicators.md`), in its order; timestamps are naive `Datetime` on the UK wall clock and
    an empty cell is null. `authorities` says how each fictional authority counts.
    """

    episodes: pl.DataFrame
    interviews: pl.DataFrame
    authorities: pl.DataFrame


def default_authorities(episodes: int) -> int:
    """About one authority per 12,000 episodes, at least 6 (England, Wales and Scotland)
    and at most 200."""
    wanted = round(episodes / params.EPISODES_PER_AUTHORITY)
    return min(params.MAX_DEFAULT_AUTHORITIES, max(params.MIN_DEFAULT_AUTHORITIES, wanted))


def default_years(episodes: int, authorities: int) -> int:
    """Years enough for an authority to see a realistic yearly volume (about 1,140 episodes,
    235,000 a year over Britain's 206 authorities): 1 to 10."""
    wanted = round(episodes / (max(1, authorities) * params.EPISODES_PER_AUTHORITY_YEAR))
    return min(params.MAX_DEFAULT_YEARS, max(1, wanted))


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return date(day.year + years, 3, 1)


def _expit(x: FloatArray) -> FloatArray:
    result: FloatArray = 1.0 / (1.0 + np.exp(-x))
    return result


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _calibrated(
    offsets: FloatArray, weights: FloatArray, target: float, fixed: BoolArray | None = None
) -> FloatArray:
    """Probabilities sigmoid(b + offsets), 1 where `fixed`, with b chosen so that their
    `weights`-weighted mean is `target` (as near as it can be): the authorities vary, the
    pooled rate stays at the national figure whatever their number."""
    total = float(weights.sum())
    if total <= 0:
        return _expit(_logit(target) + offsets)
    low, high = -40.0, 40.0
    for _ in range(70):
        middle = (low + high) / 2
        p = _expit(middle + offsets)
        if fixed is not None:
            p = np.where(fixed, 1.0, p)
        if float((weights * p).sum()) < target * total:
            low = middle
        else:
            high = middle
    p = _expit((low + high) / 2 + offsets)
    return np.where(fixed, 1.0, p) if fixed is not None else p


def _centred_normal(rng: np.random.Generator, weights: FloatArray, sd: float) -> FloatArray:
    """Normal draws with their `weights`-weighted mean removed."""
    z = rng.normal(0.0, sd, weights.size)
    total = float(weights.sum())
    if total > 0:
        z -= float((weights * z).sum()) / total
    return z


@dataclass(frozen=True)
class _Rates:
    """Per-authority behaviour, index = authority."""

    extra_mean: FloatArray  # mean of the negative binomial part of episodes per child
    absent: FloatArray
    bunch: FloatArray
    offer: FloatArray
    complete_offered: FloatArray
    complete_unoffered: FloatArray
    split_cumulative: FloatArray  # (K, 4) cumulative declined / no_response / accepted / empty
    within: FloatArray


def _rates(plan: AuthorityPlan, volume: IntArray, rng: np.random.Generator) -> _Rates:
    k = plan.count
    w = volume.astype(np.float64)
    nation_names = [NATIONS[i].value for i in plan.nation]

    low, high = params.REPEAT_RANGE
    repeat = np.clip(
        params.REPEAT_MEAN + _centred_normal(rng, w, params.REPEAT_SD), low, high
    ).astype(np.float64)
    extra_mean = (1.0 / (1.0 - repeat) - 1.0) * params.CAREER_MEAN_FACTOR

    absent = _calibrated(_centred_normal(rng, w, params.ABSENT_LOGIT_SD), w, params.ABSENT_SHARE)

    never = (plan.bunching == 0) & (rng.random(k) < params.NEVER_BUNCH_P)
    bunch = np.where(never, 0.0, rng.beta(*params.BUNCH_PRACTICE_BETA, size=k))

    offer_shift = np.array([params.NATION_OFFER_SHIFT[n] for n in nation_names])
    always = (rng.random(k) < params.ALWAYS_OFFER_P) & (plan.nation != SCOTLAND)
    offer = _calibrated(
        rng.normal(0.0, params.OFFER_LOGIT_SD, k) + offer_shift, w, params.OFFERED, always
    )
    offered_volume = w * offer
    completion_shift = np.array([params.NATION_COMPLETION_SHIFT[n] for n in nation_names])
    complete_offered = _calibrated(
        rng.normal(0.0, params.COMPLETION_LOGIT_SD, k) + completion_shift,
        offered_volume,
        (params.COMPLETED - params.COMPLETED_WITHOUT_OFFER) / params.OFFERED,
    )
    complete_unoffered = _expit(
        _logit(params.COMPLETED_WITHOUT_OFFER / (1 - params.OFFERED)) + rng.normal(0.0, 0.6, k)
    )
    # Offered but not completed: declined (calibrated to the national share of episodes),
    # the rest split between no response, accepted but not held, and no outcome recorded.
    not_completed_volume = offered_volume * (1.0 - complete_offered)
    declined_target = params.DECLINED * float(w.sum()) / max(float(not_completed_volume.sum()), 1.0)
    declined = _calibrated(
        rng.normal(0.0, params.DECLINE_LOGIT_SD, k),
        not_completed_volume,
        min(declined_target, 0.95),
    )
    others = np.array(list(params.NOT_COMPLETED_SPLIT.values())[1:])
    rest = rng.dirichlet(others / others.sum() * params.SPLIT_CONCENTRATION, size=k)
    split = np.column_stack([declined, (1.0 - declined)[:, None] * rest])
    completed_volume = offered_volume * complete_offered + (w - offered_volume) * (
        complete_unoffered
    )
    within = _calibrated(
        rng.normal(0.0, params.WITHIN_LOGIT_SD, k),
        completed_volume,
        params.WITHIN_OF_COMPLETED + params.WITHIN_DRAW_ALLOWANCE,
    )
    return _Rates(
        extra_mean=extra_mean,
        absent=absent,
        bunch=bunch,
        offer=offer,
        complete_offered=complete_offered,
        complete_unoffered=complete_unoffered,
        split_cumulative=np.cumsum(split, axis=1),
        within=within,
    )


def _split_volume(episodes: int, size: FloatArray, rng: np.random.Generator) -> IntArray:
    """Episodes per authority in proportion to size; every authority gets one when it can."""
    floor = 1 if episodes >= size.size else 0
    rest = episodes - floor * size.size
    volume: IntArray = rng.multinomial(rest, size / size.sum()).astype(np.int64) + floor
    return volume


def _children(volume: IntArray, extra_mean: FloatArray, rng: np.random.Generator) -> IntArray:
    """Episodes per child, authority by authority (children in authority order), summing
    exactly to each authority's volume: 1 + a negative binomial, heavy-tailed."""
    counts: list[IntArray] = []
    shape = params.EPISODES_PER_CHILD_SHAPE
    for authority, need in enumerate(volume.tolist()):
        if need == 0:
            continue
        mean = float(extra_mean[authority])
        p = shape / (shape + mean)
        drawn: list[IntArray] = []
        total = 0
        while total < need:
            size = int((need - total) / (1.0 + mean) * 1.2) + 16
            part = 1 + rng.negative_binomial(shape, p, size).astype(np.int64)
            part = np.minimum(part, params.MAX_EPISODES_PER_CHILD)
            drawn.append(part)
            total += int(part.sum())
        here = np.concatenate(drawn)
        running = np.cumsum(here)
        last = int(np.searchsorted(running, need))
        here = here[: last + 1].copy()
        here[last] -= int(running[last]) - need
        counts.append(here)
    return np.concatenate(counts)


def _group_exclusive_cumsum(values: IntArray, first: IntArray, owner: IntArray) -> IntArray:
    """For each element, the sum of the earlier elements of its group (groups contiguous)."""
    running = np.cumsum(values) - values
    result: IntArray = running - running[first][owner]
    return result


def _lognormal_minutes(
    rng: np.random.Generator, median_minutes: float | FloatArray, sigma: float, size: int
) -> IntArray:
    drawn = rng.lognormal(0.0, sigma, size) * median_minutes
    return np.rint(drawn).astype(np.int64)


def _holiday_arrays(years: range) -> list[npt.NDArray[np.datetime64]]:
    return [
        np.array(sorted(bank_holidays(nation, years)), dtype="datetime64[D]") for nation in NATIONS
    ]


def _snap_to_day(minutes: IntArray, rng: np.random.Generator) -> IntArray:
    """Move a time before 09:00 to 09:00-12:00 that day, and one from 20:00 to 09:00-12:00
    the next day: interviews are held in the day. Never moves a time earlier."""
    tod = minutes % DAY
    morning = (minutes - tod) + params.WORK_DAY_START_MINUTES + rng.integers(0, 180, minutes.size)
    snapped = np.where(tod < params.WORK_DAY_START_MINUTES, morning, minutes)
    result: IntArray = np.where(tod >= params.WORK_DAY_END_MINUTES, morning + DAY, snapped)
    return result


def _due(
    ref: IntArray,
    unit: IntArray,
    nation: IntArray,
    holidays: Sequence[npt.NDArray[np.datetime64]],
) -> IntArray:
    """The last minute that is still within the authority's timescale from `ref`
    (indicators.md): 72 hours; the end of the third calendar day after; the end of the third
    working day after, bank holidays of the authority's nation excluded."""
    day = ref // DAY
    due = np.where(unit == HOURS_UNIT, ref + 72 * HOUR, (day + 3) * DAY + DAY - 1)
    working = unit == WORKING_UNIT
    for index in range(len(NATIONS)):
        here = working & (nation == index)
        if not here.any():
            continue
        days = day[here].astype("datetime64[D]")
        due_day = np.busday_offset(days, 3, roll="backward", holidays=holidays[index])
        due[here] = due_day.astype(np.int64) * DAY + DAY - 1
    return due


def _gather(values: pl.Series, index: IntArray, empty: BoolArray | None = None) -> pl.Series:
    """`values[index]`, null where `empty`."""
    series = pl.Series(np.maximum(index, 0), dtype=pl.Int64)
    if empty is not None and empty.any():
        series = series.scatter(np.flatnonzero(empty), None)
    return values.gather(series)


def _strings(values: Sequence[str], index: IntArray, empty: BoolArray | None = None) -> pl.Series:
    return _gather(pl.Series(list(values), dtype=pl.String), index, empty)


def _ids(prefix: str, numbers: IntArray, width: int) -> pl.Series:
    digits = pl.Series(numbers, dtype=pl.Int64).cast(pl.String).str.zfill(width)
    return (prefix + digits).alias("")


def _datetimes(minutes: IntArray, empty: BoolArray | None = None) -> pl.Series:
    series = pl.Series(minutes * 60_000_000, dtype=pl.Int64)
    if empty is not None and empty.any():
        series = series.scatter(np.flatnonzero(empty), None)
    return series.cast(pl.Datetime("us"))


def generate(
    *,
    episodes: int,
    seed: int,
    authorities: int | None = None,
    start: date = date(2015, 4, 1),
    years: int | None = None,
) -> SynthData:
    """Generate `episodes` missing episodes, their return interviews and the authorities.

    Episodes start in [`start`, `start` + `years`); `authorities` and `years` default to
    `default_authorities` and `default_years`. The same arguments give the same data.
    """
    if episodes < 1:
        raise ValueError("episodes must be at least 1")
    n_authorities = default_authorities(episodes) if authorities is None else authorities
    if not 1 <= n_authorities <= params.MAX_AUTHORITIES:
        raise ValueError(f"authorities must be from 1 to {params.MAX_AUTHORITIES}")
    n_years = default_years(episodes, n_authorities) if years is None else years
    if n_years < 1:
        raise ValueError("years must be at least 1")
    end = _add_years(start, n_years)
    period = (end - start).days * DAY
    origin = (start - _EPOCH).days * DAY
    rng = np.random.default_rng(seed)

    plan = plan_authorities(n_authorities, rng)
    volume = _split_volume(episodes, plan.size, rng)
    rates = _rates(plan, volume, rng)

    # --- Children: how many episodes each, spread over a "missing career" -----------------
    child_k = _children(volume, rates.extra_mean, rng)
    n_children = child_k.size
    child_authority = np.repeat(np.arange(n_authorities, dtype=np.int64), volume)[
        np.cumsum(child_k) - 1
    ]
    child = np.repeat(np.arange(n_children, dtype=np.int64), child_k)
    first = np.cumsum(child_k) - child_k  # first episode row of each child
    position = np.arange(episodes, dtype=np.int64) - first[child]
    is_last = position == child_k[child] - 1
    authority = child_authority[child]

    care_p = np.minimum(params.CARE_MAX, params.CARE_BASE + params.CARE_SLOPE * (child_k - 1))
    child_care = rng.random(n_children) < care_p
    care = child_care[child] ^ (rng.random(episodes) < params.CARE_SWITCH)
    absent = rng.random(episodes) < rates.absent[authority]

    # --- Durations, gaps and start times ---------------------------------------------------
    median = np.where(absent, params.ABSENT_MEDIAN_HOURS, params.MISSING_MEDIAN_HOURS) * HOUR
    short = _lognormal_minutes(rng, median, params.DURATION_LOG_SD, episodes)
    long = _lognormal_minutes(rng, params.LONG_MEDIAN_DAYS * DAY, params.LONG_LOG_SD, episodes)
    duration = np.where(rng.random(episodes) < params.LONG_EPISODE_SHARE, long, short)
    duration = np.minimum(duration, params.MAX_DURATION_DAYS * DAY)

    # A child's episodes and gaps must fit well inside the period (so wrapping below is safe).
    budget = int(period * 0.85) - DAY
    total_duration = np.add.reduceat(duration, first)
    squeeze = total_duration > budget // 2
    if squeeze.any():
        factor = np.where(squeeze, (budget // 2) / np.maximum(total_duration, 1), 1.0)
        duration = np.floor(duration * factor[child]).astype(np.int64)
        total_duration = np.add.reduceat(duration, first)

    gap_weight = rng.lognormal(0.0, params.GAP_LOG_SD, episodes)
    gap_weight[is_last] = 0.0
    weight_total = np.add.reduceat(gap_weight, first)
    career = (
        rng.lognormal(0.0, params.CAREER_LOG_SD, n_children)
        * params.CAREER_MEDIAN_DAYS
        * DAY
        * child_k.astype(np.float64) ** params.CAREER_K_EXPONENT
    )
    room = budget - total_duration - params.MIN_GAP_MINUTES * child_k
    career = np.clip(career, 0.0, np.maximum(room, 0).astype(np.float64))
    share = gap_weight / np.where(weight_total > 0, weight_total, 1.0)[child]
    gap = np.where(is_last, 0, params.MIN_GAP_MINUTES + np.floor(career[child] * share))
    gap = gap.astype(np.int64)

    step = duration + gap
    offset = _group_exclusive_cumsum(step, first, child)
    begin = rng.integers(0, period, n_children)
    candidate = begin[child] + offset
    hours = np.array(params.START_HOUR_WEIGHTS)
    hour = rng.choice(24, size=episodes, p=hours / hours.sum())
    start_tod = hour * HOUR + rng.integers(0, HOUR, episodes)
    started = (candidate // DAY) * DAY + start_tod
    # Keep each episode after the previous return (+ the minimum gap): a running maximum of
    # start minus the durations before it, taken per child (children kept apart by a stride).
    spent = _group_exclusive_cumsum(duration + params.MIN_GAP_MINUTES, first, child)
    stride = child * _CHILD_STRIDE
    started = np.maximum.accumulate(started - spent + stride) - stride + spent
    # The period is a circle: what runs past its end continues at its beginning, so the
    # volume is flat over time. An episode that straddles the end is still open.
    still_out = (started < period) & (started + duration > period)
    unwrapped_end = np.maximum.reduceat(started + duration, first)
    started = np.where(started >= period, started - period, started)
    long_term = (
        is_last
        & (unwrapped_end[child] <= period)
        & (rng.random(episodes) < params.LONG_TERM_OPEN_SHARE)
    )
    open_ = still_out | long_term
    # Chronological order within each child (wrapping moved some episodes to the front);
    # the key is nearly sorted already, which a stable sort handles in about linear time.
    order = np.argsort(child * period + started, kind="stable")
    started += origin
    returned = started + duration
    child, authority, care, absent = child[order], authority[order], care[order], absent[order]
    started, returned, open_ = started[order], returned[order], open_[order]

    # --- Police notification of the return ---------------------------------------------------
    kind = rng.random(episodes)
    direct = returned + _lognormal_minutes(rng, params.NOTIFY_DIRECT_MEDIAN_MINUTES, 1.0, episodes)
    return_tod = returned % DAY
    daily = (
        (returned - return_tod)
        + np.where(return_tod >= 6 * HOUR, DAY, 0)
        + 7 * HOUR
        + rng.integers(0, 180, episodes)
    )
    late = returned + _lognormal_minutes(rng, params.NOTIFY_LATE_MEDIAN_DAYS * DAY, 0.9, episodes)
    notified = np.where(
        kind < params.NOTIFY_DIRECT_P,
        direct,
        np.where(kind < 1.0 - params.NOTIFY_LATE_P, daily, late),
    )
    quality = rng.random(episodes)
    notified_before_start = quality < params.NOTIFY_BEFORE_START_P
    notified = np.where(
        notified_before_start, started - rng.integers(10, 3 * DAY, episodes), notified
    )
    notified_empty = open_ | (quality > 1.0 - params.NOTIFY_EMPTY_P)

    # --- Which episodes one interview covers --------------------------------------------------
    referral = plan.clock_start[authority] == 1
    ref = np.where(referral & ~notified_empty, notified, returned)
    contact = ref + _lognormal_minutes(
        rng, params.CONTACT_MEDIAN_HOURS * HOUR, params.CONTACT_LOG_SD, episodes
    )
    bunch_draw = rng.random(episodes)
    joins = np.zeros(episodes, dtype=np.bool_)
    joins[1:] = (
        (child[1:] == child[:-1])
        & ~open_[1:]
        & (started[1:] < contact[:-1])
        & (bunch_draw[1:] < rates.bunch[authority[1:]])
    )
    group = np.cumsum(~joins) - 1
    group_first = np.flatnonzero(~joins)
    n_groups = group_first.size
    group_last = np.append(group_first[1:], episodes) - 1
    g_authority = authority[group_first]
    g_ref = np.maximum.reduceat(ref, group_first)
    usable_notice = ~notified_empty & ~notified_before_start
    g_notified = np.maximum.reduceat(np.where(usable_notice, notified, returned), group_first)
    g_open = open_[group_last]
    g_care = care[group_last]

    # --- Interview outcome per group ----------------------------------------------------------
    offered = rng.random(n_groups) < rates.offer[g_authority]
    completion_draw = rng.random(n_groups)
    completed = np.where(
        offered,
        completion_draw < rates.complete_offered[g_authority],
        completion_draw < rates.complete_unoffered[g_authority],
    )
    offered &= ~g_open
    completed &= ~g_open
    has_interview = offered | completed
    split_draw = rng.random(n_groups)
    cumulative = rates.split_cumulative[g_authority]
    sub = (split_draw[:, None] > cumulative[:, :3]).sum(axis=1)  # 0..3
    sub_outcome = np.array([DECLINED, NO_RESPONSE, ACCEPTED, -1], dtype=np.int64)[sub]
    outcome = np.where(completed, ACCEPTED, np.where(offered, sub_outcome, -1))
    parent_p = np.where(
        g_care, params.PARENT_CARER_DECLINE_P["care"], params.PARENT_CARER_DECLINE_P["home"]
    )
    decliner = (rng.random(n_groups) < parent_p).astype(np.int64)

    # --- Interview timing ---------------------------------------------------------------------
    holidays = _holiday_arrays(range(start.year - 1, end.year + 2))
    g_unit = plan.clock_unit[g_authority]
    due = _due(g_ref, g_unit, plan.nation[g_authority], holidays)
    # When the authority can act: at its clock start, but an authority counting from the
    # return mostly learns of the return from the police notification, so cannot see the
    # child before it arrives (and a late notification can make the interview late).
    learns_from_police = rng.random(n_groups) < params.KNOWN_AT_NOTIFICATION_P
    known = np.where(learns_from_police, np.maximum(g_ref, g_notified), g_ref)
    within = rng.random(n_groups) < rates.within[g_authority]
    within &= due - known > 15
    early = rng.random(n_groups) < params.COMPLETED_BEFORE_CLOCK_P
    inside = known + np.floor(rng.beta(1.2, 1.8, n_groups) * (due - known)).astype(np.int64)
    inside = np.clip(_snap_to_day(inside, rng), known + 15, due)
    lateness = np.minimum(
        _lognormal_minutes(rng, params.LATE_MEDIAN_DAYS * DAY, params.LATE_LOG_SD, n_groups),
        params.MAX_LATE_DAYS * DAY,
    )
    outside = _snap_to_day(np.maximum(due + 1 + lateness, known + 4 * HOUR), rng)
    before_clock = g_ref - rng.integers(HOUR, 2 * DAY, n_groups)
    completed_at = np.where(early, before_clock, np.where(within, inside, outside))

    offer_delay = _lognormal_minutes(
        rng, params.OFFER_MEDIAN_HOURS * HOUR, params.OFFER_LOG_SD, n_groups
    )
    offered_at = np.where(
        completed,
        np.where(
            early,
            completed_at - rng.integers(30, 600, n_groups),
            known + np.minimum(offer_delay, ((completed_at - known) * 7) // 10),
        ),
        known + offer_delay,
    )

    # --- Final order and identifiers ----------------------------------------------------------
    # By start, then authority, then child (stable: rows are in child order already).
    final = np.argsort((started - origin) * n_authorities + authority, kind="stable")
    rank = np.empty(episodes, dtype=np.int64)
    rank[final] = np.arange(episodes, dtype=np.int64)

    interview_groups = np.flatnonzero(has_interview)
    n_real = interview_groups.size
    n_orphans = round(n_real * params.ORPHAN_INTERVIEW_P)
    templates = np.sort(rng.choice(n_real, size=n_orphans, replace=False)) if n_orphans else None
    rows = interview_groups
    sort_key = rank[group_first[interview_groups]] * 2
    if templates is not None:
        rows = np.concatenate([rows, interview_groups[templates]])
        sort_key = np.concatenate([sort_key, sort_key[templates] + 1])
    interview_order = np.argsort(sort_key, kind="stable")
    rows = rows[interview_order]
    n_interviews = rows.size
    rhi_number = np.arange(1, n_interviews + 1, dtype=np.int64)
    group_rhi = np.full(n_groups, -1, dtype=np.int64)
    is_real = interview_order < n_real
    group_rhi[rows[is_real]] = rhi_number[is_real]

    child_number = rng.permutation(n_children).astype(np.int64) + 1
    nation_blank = rng.random(episodes) < params.NATION_BLANK_P

    codes = plan.table.get_column("authority_code").to_list()
    nation_names = [nation.value for nation in NATIONS]
    e = final
    episode_rhi = group_rhi[group[e]]
    width = max(8, len(str(max(episodes, n_children, n_interviews))))
    child_ids = _ids("CH", child_number, width)
    rhi_ids = _ids("RHI", rhi_number, width)
    episodes_table = pl.DataFrame(
        [
            _ids("EP", np.arange(1, episodes + 1, dtype=np.int64), width).alias("episode_id"),
            child_ids.gather(child[e]).alias("child_id"),
            _strings(codes, authority[e]).alias("authority_code"),
            _strings(nation_names, plan.nation[authority[e]], nation_blank).alias("nation"),
            _strings(CATEGORIES, absent[e].astype(np.int64)).alias("category"),
            _strings(MISSING_FROM, care[e].astype(np.int64)).alias("missing_from"),
            _datetimes(started[e]).alias("started_at"),
            _datetimes(returned[e], open_[e]).alias("returned_at"),
            _datetimes(notified[e], notified_empty[e]).alias("notified_at"),
            _gather(rhi_ids, episode_rhi - 1, episode_rhi < 0).alias("rhi_id"),
        ]
    )
    r = rows
    outcome_r = outcome[r]
    interviews_table = pl.DataFrame(
        [
            rhi_ids.alias("rhi_id"),
            _strings(codes, g_authority[r]).alias("authority_code"),
            _datetimes(offered_at[r], ~offered[r]).alias("offered_at"),
            _strings(OUTCOMES, np.maximum(outcome_r, 0), outcome_r < 0).alias("outcome"),
            _strings(DECLINERS, decliner[r], outcome_r != DECLINED).alias("declined_by"),
            _datetimes(completed_at[r], ~completed[r]).alias("completed_at"),
        ]
    )
    return SynthData(episodes=episodes_table, interviews=interviews_table, authorities=plan.table)


def write(data: SynthData, out_dir: Path | str) -> list[Path]:
    """Write `episodes.csv`, `interviews.csv` and `authorities.csv` into `out_dir` (created
    if needed): UTF-8, a header row, timestamps `YYYY-MM-DDTHH:MM`, empty cells for nulls.
    Returns the paths written."""
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for name, table in zip(
        FILE_NAMES, (data.episodes, data.interviews, data.authorities), strict=True
    ):
        path = directory / name
        table.write_csv(
            path, datetime_format=CSV_DATETIME_FORMAT, null_value="", line_terminator="\n"
        )
        paths.append(path)
    return paths
