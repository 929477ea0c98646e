"""The indicator engine of `indicators.md`: checked episodes and interviews in, counts out.

One vectorised Polars implementation serves the CLI, the web app and the benchmark. The
clock definitions come from `homeward.standards`: working-day due dates are looked up in a
table built by `standards.calendar.working_days_after`, so the engine and the clock agree.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

import numpy as np
import polars as pl

from homeward.indicators.inputs import INTERVIEW_ROW, interview_rows
from homeward.indicators.schema import (
    BASIS_COLUMN,
    COUNT_COLUMNS,
    IMPORTED_ANSWERS,
    IMPORTED_COLUMNS,
    IMPORTED_COUNT_COLUMNS,
    OUTPUT_COLUMNS,
    SEVENTY_TWO_HOURS,
    VARIANTS,
    WITHIN_COLUMNS,
)
from homeward.standards.calendar import bank_holidays
from homeward.standards.nations import GSS_PREFIX_NATION

Grouping = Literal["year", "quarter", "month"]
GROUPINGS: tuple[Grouping, ...] = ("year", "quarter", "month")

_EPOCH = date(1970, 1, 1)
_MICROS_PER_DAY = 86_400_000_000
_AUTHORITY_SEED = 19700101
_NATION_LETTERS = tuple(GSS_PREFIX_NATION)  # E, W, S, N: index = position


def financial_year_label(start_year: int) -> str:
    """`2017-18` for the year 1 April 2017 to 31 March 2018."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def financial_year_start(day: date) -> int:
    """The calendar year the financial year holding `day` starts in (April to March)."""
    return day.year if day.month >= 4 else day.year - 1


def _period_keys(started: pl.Series, grouping: Grouping) -> list[pl.Expr]:
    """Integer keys of the period of `started_at` (financial years start on 1 April).

    Looked up per day in a table over the span of start dates: far cheaper than taking
    calendar fields from every timestamp.
    """
    days = started.cast(pl.Int64) // _MICROS_PER_DAY
    low, high = days.min(), days.max()
    first = 0 if low is None else int(low)  # type: ignore[arg-type]
    span = 1 if high is None else int(high) - first + 1  # type: ignore[arg-type]
    dates = np.arange(first, first + span).astype("datetime64[D]")
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    months = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    financial_year = years - (months < 4)
    if grouping == "year":
        tables = {"_fy": financial_year}
    elif grouping == "quarter":
        tables = {"_fy": financial_year, "_sub": (months - 4) % 12 // 3 + 1}
    else:
        tables = {"_fy": years, "_sub": months}
    index = _day_number(pl.col("started_at")) - first
    return [
        pl.lit(pl.Series(values.astype(np.int32))).gather(index).alias(name)
        for name, values in tables.items()
    ]


def _period_label(grouping: Grouping) -> pl.Expr:
    fy = pl.col("_fy")
    if grouping == "month":
        return pl.format("{}-{}", fy, pl.col("_sub").cast(pl.String).str.zfill(2))
    label = pl.format("{}-{}", fy, ((fy + 1) % 100).cast(pl.String).str.zfill(2))
    if grouping == "quarter":
        return pl.format("{} Q{}", label, pl.col("_sub"))
    return label


def _day_number(expr: pl.Expr) -> pl.Expr:
    """Days since 1970-01-01 of a timestamp's date, as an integer (floor division of the
    microseconds, which is the date also before 1970)."""
    return expr.cast(pl.Int64) // _MICROS_PER_DAY


def _working_day_table(first: date, last: date, nations: list[int]) -> tuple[pl.Series, int, int]:
    """Due day numbers (the third working day after) for every day in [first, last] per nation.

    Laid out as one flat lookup: index = nation_index * span + (day - first). NumPy's
    business-day offset with a backward roll is exactly the contract's rule: a start on a
    weekend or holiday counts from the working day before it, so Saturday + 3 = Wednesday.
    Tests check it against `standards.calendar.working_days_after` day by day.
    """
    span = (last - first).days + 1
    table = np.full(len(_NATION_LETTERS) * span, -1, dtype=np.int32)
    days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)
    length = SEVENTY_TWO_HOURS["working_days"]
    years = range(first.year - 1, last.year + 2)
    for index in nations:
        nation = GSS_PREFIX_NATION[_NATION_LETTERS[index]]
        holidays = np.array(sorted(bank_holidays(nation, years)), dtype="datetime64[D]")
        due = np.busday_offset(days, length, roll="backward", holidays=holidays)
        table[index * span : (index + 1) * span] = due.astype(np.int64).astype(np.int32)
    return pl.Series("due", table), (first - _EPOCH).days, span


def episode_flags(episodes: pl.DataFrame, interviews: pl.DataFrame) -> pl.DataFrame:
    """One row per episode with its interview facts and the 12 `within_*` flags.

    The flags follow `indicators.md` exactly: an episode is within when its interview was
    completed and the completion is within the timescale measured from the clock start of
    the basis (the episode's own, or under `latest` bunching the latest among the episodes
    its interview covers); an episode without a clock start is not within; there is no
    lower bound.
    """
    link = interview_rows(episodes, interviews)
    frame = episodes.select(
        "child_id",
        "authority_code",
        "category",
        "started_at",
        "returned_at",
        "notified_at",
    ).with_columns(
        link.alias(INTERVIEW_ROW),
        *(interviews[name].gather(link) for name in ("offered_at", "outcome", "completed_at")),
    )
    return _with_within_flags(frame)


def _with_within_flags(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the 12 `within_*` flags to episodes with their interview row and completion."""
    letter = pl.col("authority_code").str.slice(0, 1)
    frame = frame.with_columns(
        letter.replace_strict(
            {k: i for i, k in enumerate(_NATION_LETTERS)}, default=None, return_dtype=pl.Int32
        ).alias("_nation"),
        # Under `latest` bunching every episode of an interview is measured from the
        # latest clock start among them. Episodes without an interview are never within.
        pl.col("returned_at").max().over(INTERVIEW_ROW).alias("_return_latest"),
        pl.col("notified_at").max().over(INTERVIEW_ROW).alias("_referral_latest"),
    )
    starts = {
        ("return", "each"): pl.col(BASIS_COLUMN["return"]),
        ("referral", "each"): pl.col(BASIS_COLUMN["referral"]),
        ("return", "latest"): pl.col("_return_latest"),
        ("referral", "latest"): pl.col("_referral_latest"),
    }
    completed = pl.col("completed_at")
    completed_day = _day_number(completed)
    due_exprs = _working_day_due_exprs(frame, starts)
    flags = []
    for basis, unit, bunching in VARIANTS:
        start = starts[(basis, bunching)]
        if unit == "hours":
            within = completed <= start + pl.duration(hours=SEVENTY_TWO_HOURS["hours"])
        elif unit == "calendar_days":
            within = completed_day <= _day_number(start) + SEVENTY_TWO_HOURS["calendar_days"]
        else:
            within = completed_day <= due_exprs[(basis, bunching)]
        name = f"within_{basis}_{unit}_{bunching}"
        flags.append(within.fill_null(False).alias(name))
    return frame.with_columns(flags)


def _working_day_due_exprs(
    frame: pl.DataFrame, starts: dict[tuple[str, str], pl.Expr]
) -> dict[tuple[str, str], pl.Expr]:
    days = frame.select(
        pl.min_horizontal(*(_day_number(s).min() for s in starts.values())).alias("lo"),
        pl.max_horizontal(*(_day_number(s).max() for s in starts.values())).alias("hi"),
    ).row(0)
    if days[0] is None:
        return {key: pl.lit(None, dtype=pl.Int32) for key in starts}
    first = _EPOCH + timedelta(days=int(days[0]))
    last = _EPOCH + timedelta(days=int(days[1]))
    nations = sorted(i for i in frame["_nation"].drop_nulls().unique().to_list())
    table, first_day, span = _working_day_table(first, last, nations)
    return {
        key: pl.lit(table).gather(pl.col("_nation") * span + (_day_number(start) - first_day))
        for key, start in starts.items()
    }


def _imported_flags(episodes: pl.DataFrame, imported: pl.DataFrame) -> pl.DataFrame:
    """For each episode (in order): `_imp` whether it is imported history, and the case
    system's answers `_off` (offered) and `_acc` (accepted), each one of `IMPORTED_ANSWERS`
    or null (not recorded)."""
    for name in ("rhi_offered", "rhi_accepted"):
        unknown = imported.filter(
            pl.col(name).is_not_null() & ~pl.col(name).is_in(IMPORTED_ANSWERS)
        )[name]
        if unknown.len():
            raise ValueError(
                f"imported {name} {unknown[0]!r}: expected one of {', '.join(IMPORTED_ANSWERS)} "
                "or none"
            )
    if imported["episode_id"].is_duplicated().any():
        raise ValueError("an imported episode is given twice")
    answers = imported.select(
        "episode_id",
        pl.lit(True).alias("_imp"),
        pl.col("rhi_offered").alias("_off"),
        pl.col("rhi_accepted").alias("_acc"),
    )
    joined = episodes.select("episode_id").join(
        answers, on="episode_id", how="left", maintain_order="left"
    )
    return joined.select(pl.col("_imp").fill_null(False), "_off", "_acc")


def _imported_counts() -> list[pl.Expr]:
    """The counts of imported history in a group (`_imp`, `_off`, `_acc` as above)."""
    imp, off, acc = pl.col("_imp"), pl.col("_off"), pl.col("_acc")
    offered = imp & (off == "yes").fill_null(False)
    return [
        imp.sum().alias("imported"),
        offered.sum().alias("imported_offered"),
        (offered & (acc == "yes").fill_null(False)).sum().alias("imported_accepted"),
        (imp & (off == "not_due").fill_null(False)).sum().alias("imported_not_due"),
        (imp & off.is_null()).sum().alias("imported_offer_not_recorded"),
        (offered & ~acc.is_in(["yes", "no"]).fill_null(False))
        .sum()
        .alias("imported_acceptance_not_recorded"),
    ]


def _bases() -> list[pl.Expr]:
    """The rates' denominators once imported history is counted: an episode is in a rate's
    denominator only when the fact is known for it (docs/indicators.md)."""
    offer_known = (
        pl.col("incidents") - pl.col("imported_not_due") - pl.col("imported_offer_not_recorded")
    )
    return [
        offer_known.alias("offer_known"),
        (offer_known - pl.col("imported_acceptance_not_recorded")).alias("acceptance_known"),
        (pl.col("incidents") - pl.col("imported")).alias("recorded_here"),
    ]


def compute_indicators(
    episodes: pl.DataFrame,
    interviews: pl.DataFrame,
    *,
    by: Grouping = "year",
    rates: bool = False,
    suppress_small: bool = False,
    imported: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The indicator table: one row per authority and period, in the contract's columns.

    `episodes` and `interviews` must be checked tables (see `inputs.check_inputs`). The
    period is that of `started_at`: the financial year (`2017-18`), or with `by` the
    financial quarter (`2017-18 Q1` = April to June) or the calendar month (`2017-04`).

    `imported` (`episode_id`, `rhi_offered`, `rhi_accepted`) names the episodes that are
    imported history, with the case system's answers (`IMPORTED_ANSWERS`, or null: not
    recorded). Their offer and acceptance are those answers, whatever interview they may
    have here; they are never declined, completed or within (the case system does not say
    when an interview was held). The table then has `IMPORTED_COLUMNS` after the contract's,
    and the rates divide by the episodes whose fact is known (docs/indicators.md, "Imported
    history"). Without `imported` the table is exactly the contract's.
    """
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}; expected one of {', '.join(GROUPINGS)}")
    link = interview_rows(episodes, interviews)
    # Each episode's interview facts as booleans (no interview: all false).
    facts = interviews.select(
        pl.col("offered_at").is_not_null().alias("offered"),
        (pl.col("outcome") == "accepted").fill_null(False).alias("accepted"),
        (pl.col("outcome") == "declined").fill_null(False).alias("declined"),
        pl.col("completed_at").is_not_null().alias("completed"),
    )
    gathered = [facts[name].gather(link).fill_null(False) for name in facts.columns]
    # Group on a 64-bit hash of the authority code (much cheaper than the text), mapped back
    # through the few distinct codes; distinct codes with one hash would be merged, so check.
    codes = episodes["authority_code"].unique()
    if codes.hash(_AUTHORITY_SEED).n_unique() != codes.len():
        raise RuntimeError("two authority codes share a hash; cannot group them apart")
    names = pl.DataFrame({"authority_code": codes, "_auth": codes.hash(_AUTHORITY_SEED)})
    keys = [
        pl.col("authority_code").hash(_AUTHORITY_SEED).alias("_auth"),
        *_period_keys(episodes["started_at"], by),
    ]
    key_names = ["_auth", "_fy", *(["_sub"] if by != "year" else [])]
    frame = episodes.select("child_id", "authority_code", "category", "started_at").with_columns(
        gathered
    )
    extra_counts: list[pl.Expr] = []
    if imported is not None:
        flags = _imported_flags(episodes, imported)
        imp = pl.col("_imp")
        offered = (pl.col("_off") == "yes").fill_null(False)
        frame = frame.with_columns(flags).with_columns(
            pl.when(imp).then(offered).otherwise(pl.col("offered")).alias("offered"),
            pl.when(imp)
            .then(offered & (pl.col("_acc") == "yes").fill_null(False))
            .otherwise(pl.col("accepted"))
            .alias("accepted"),
            (~imp & pl.col("declined")).alias("declined"),
            (~imp & pl.col("completed")).alias("completed"),
        )
        extra_counts = _imported_counts()
    counts = frame.group_by(keys).agg(
        pl.len().alias("incidents"),
        pl.col("child_id").n_unique().alias("individuals"),
        (pl.col("category") == "absent").sum().alias("absent"),
        *(pl.col(name).sum().alias(name) for name in facts.columns),
        *extra_counts,
    )
    # Only completed episodes can be within, and every episode of an interview shares its
    # completion, so the clocks (and `latest` bunching) are worked out on those alone.
    done = episodes.select("authority_code", "started_at", "returned_at", "notified_at")
    done = done.with_columns(link.alias(INTERVIEW_ROW), interviews["completed_at"].gather(link))
    if imported is not None:  # imported history is never within: its timing is not known
        done = done.filter(~flags["_imp"])
    done = done.filter(pl.col("completed_at").is_not_null())
    within = (
        _with_within_flags(done).group_by(keys).agg(pl.col(name).sum() for name in WITHIN_COLUMNS)
    )
    extra = IMPORTED_COUNT_COLUMNS if imported is not None else ()
    table = (
        counts.join(within, on=key_names, how="left", maintain_order="left")
        .join(names, on="_auth", how="left")
        .sort("authority_code", *key_names[1:])
        .with_columns(_period_label(by).alias("period"))
        .select(
            "authority_code",
            "period",
            *(
                pl.col(c).fill_null(0).cast(pl.Int64)
                for c in (*COUNT_COLUMNS, *WITHIN_COLUMNS, *extra)
            ),
        )
    )
    if imported is not None:
        table = table.with_columns(_bases())
        assert tuple(table.columns) == (*OUTPUT_COLUMNS, *IMPORTED_COLUMNS)
    else:
        assert tuple(table.columns) == OUTPUT_COLUMNS
    if rates:
        table = add_rates(table)
    if suppress_small:
        table = suppress_small_counts(table)
    return table


def percent_half_up(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """A whole percentage rounded half up, exactly (integer arithmetic); null over zero."""
    return (
        pl.when(denominator > 0)
        .then((200 * numerator + denominator) // (2 * denominator))
        .otherwise(None)
        .cast(pl.Int64)
    )


#: With imported history counted, the rates whose denominator is not all episodes: only
#: the episodes for which the fact is known (docs/indicators.md, "Imported history").
IMPORTED_BASES = {
    "offered": "offer_known",
    "accepted": "acceptance_known",
    "declined": "recorded_here",
    "completed": "recorded_here",
    **dict.fromkeys(WITHIN_COLUMNS, "recorded_here"),
}


#: Rate columns added by `add_rates`: name → (numerator, denominator).
def rate_definitions(imported: bool = False) -> dict[str, tuple[str, str]]:
    """Every rate and what it divides; with `imported` (a table with `IMPORTED_COLUMNS`)
    the denominators of `IMPORTED_BASES`, otherwise the contract's (all over incidents)."""
    over_incidents = ["absent", "offered", "accepted", "declined", "completed", *WITHIN_COLUMNS]
    bases = IMPORTED_BASES if imported else {}
    rates = {f"{name}_percent": (name, bases.get(name, "incidents")) for name in over_incidents}
    rates["repeat_percent"] = ("_repeat", "incidents")
    for name in WITHIN_COLUMNS:
        rates[f"{name}_percent_of_completed"] = (name, "completed")
    return rates


def _has_imported(table: pl.DataFrame) -> bool:
    return "recorded_here" in table.columns


def add_rates(table: pl.DataFrame) -> pl.DataFrame:
    """Whole percentages, rounded half up: counts over incidents; timeliness also over completed.

    `repeat_percent` is (incidents − individuals) / incidents: the share of episodes that
    belong to children missing more than once in the period.
    """
    exprs = []
    for name, (numerator, denominator) in rate_definitions(_has_imported(table)).items():
        top = (
            pl.col("incidents") - pl.col("individuals")
            if numerator == "_repeat"
            else pl.col(numerator)
        )
        exprs.append(percent_half_up(top, pl.col(denominator)).alias(name))
    return table.with_columns(exprs)


def suppress_small_counts(table: pl.DataFrame) -> pl.DataFrame:
    """Blank every count from 1 to 4, and every rate formed from a blanked count.

    Published tables never show a count between 1 and 4 when suppression is asked for.
    """
    counts = [c for c in (*COUNT_COLUMNS, *WITHIN_COLUMNS, *IMPORTED_COLUMNS) if c in table.columns]
    small = {c: pl.col(c).is_between(1, 4) for c in counts}
    rate_exprs = []
    for name, (numerator, denominator) in rate_definitions(_has_imported(table)).items():
        if name not in table.columns:
            continue
        parts = [small[denominator]]
        if numerator in small:
            parts.append(small[numerator])
        else:  # repeat: incidents − individuals is disclosive when it, or either part, is
            parts.append(small["individuals"])
            parts.append((pl.col("incidents") - pl.col("individuals")).is_between(1, 4))
        rate_exprs.append(
            pl.when(pl.any_horizontal(parts)).then(None).otherwise(pl.col(name)).alias(name)
        )
    count_exprs = [pl.when(small[c]).then(None).otherwise(pl.col(c)).alias(c) for c in counts]
    return table.with_columns(rate_exprs).with_columns(count_exprs)
