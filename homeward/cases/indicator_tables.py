"""The case records as the indicator contract's two tables, and the indicators of them.

`contract_tables` reads the database into the `episodes` and `interviews` tables of
`shared/spec/indicators.md` (the columns of `homeward.indicators.schema`, with the same
meaning as the CSV files `homeward indicators` reads). `indicators_for` runs the very same
engine on them as the CLI does: `check_inputs` and then `compute_indicators`. There is no
second implementation of any count here, only the mapping from records to the contract:

- one episode row per `Episode`: `episode_id` is its reference, `child_id` the child's;
  `authority_code` and `nation` are the home authority's (the authority that records the
  episode, whose figures these are); times are UK wall-clock (the contract's), converted
  from the aware UTC times the database holds; `rhi_id` is the covering interview's
  reference;
- one interview row per `ReturnInterview` covering a chosen episode: `offered_at` is its
  first offer, `completed_at` when it was held, and the outcome in the contract's codes
  (`OUTCOME_CODES`; an interview that was held is `accepted`);
- imported history (episodes of the case system's extract, `Episode.imported`) is passed to
  the engine as its `imported` table with the case system's answers
  (`IMPORTED_ANSWER_WORDS`): the engine counts them as docs/indicators.md, "Imported
  history", says, and adds how many there are beside each figure they touch.

Everything read here is aggregate: no child-level record leaves this module except in the
contract tables, which only selectors and tests use.

The indicators page's tables are cached (Django's cache framework): reading ten years of
records and running the engine takes seconds, and the page is read far more often than the
records change. The cache key carries a fingerprint of the records (`data_fingerprint`: a
handful of indexed counts and latest-change times) and of this code, so any change to the
records the tables are made from gives a new key: a cached table is never older than the
records. See docs/web-indicators.md.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

import polars as pl
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from homeward.accounts import permissions
from homeward.accounts.models import Role
from homeward.audit.models import AccessEvent
from homeward.audit.services import access_record
from homeward.cases import clock, codes
from homeward.cases.models import IN_COUNT, Episode, Offer, ReturnInterview, in_count
from homeward.indicators.engine import GROUPINGS, Grouping, compute_indicators
from homeward.indicators.inputs import InputError, check_inputs
from homeward.indicators.output import write_table
from homeward.indicators.schema import (
    BASES,
    BUNCHINGS,
    EPISODE_COLUMNS,
    INTERVIEW_COLUMNS,
    OUTPUT_COLUMNS,
    SEVENTY_TWO_HOURS,
    UNITS,
    Column,
)
from homeward.organisations.models import Authority, Organisation

if TYPE_CHECKING:
    from django.http import HttpRequest

    from homeward.accounts.models import User

T = TypeVar("T")
logger = logging.getLogger(__name__)
Group = Literal["authority", "organisation"]
GROUPS: tuple[Group, ...] = ("authority", "organisation")

#: The breakdown's column, and the group of episodes whose interview has no organisation.
ORGANISATION = "organisation"
NOT_ALLOCATED = "Not allocated"

#: The case outcome → the contract's `outcome` code (an interview that was held is
#: `accepted` whatever its outcome says; `pending` is empty: nothing is known yet).
OUTCOME_CODES: dict[str, str | None] = {
    codes.Outcome.PENDING: None,
    codes.Outcome.ACCEPTED: "accepted",
    codes.Outcome.DECLINED: "declined",
    codes.Outcome.NO_CONTACT: "no_response",
}

#: The fixed reason logged for every download of the (aggregate) indicator table.
EXPORT_REASON = "performance indicators download"
DOWNLOAD_FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

_ORG_KEY = "_organisation"  # internal: the allocated organisation's id (null: none)
# internal: imported history (the case system's) and its answers, in the engine's words
_IMPORTED, _OFFERED, _ACCEPTED = "_imported", "_rhi_offered", "_rhi_accepted"
_INTERNAL = (_ORG_KEY, _IMPORTED, _OFFERED, _ACCEPTED)
#: The interviews table's column beyond the contract's: the host that held it for us.
HELD_BY = "held_by_authority"

#: The case system's return interview answers (the SSD's `miss_missing_rhi_offered` and
#: `_accepted`) in the engine's words (`IMPORTED_ANSWERS`); blank is "not recorded".
IMPORTED_ANSWER_WORDS: dict[str, str | None] = {"Y": "yes", "N": "no", "NA": "not_due", "": None}


def _schema(columns: Iterable[Column]) -> dict[str, pl.DataType]:
    return {c.name: pl.Datetime("us") if c.kind == "timestamp" else pl.String() for c in columns}


EPISODE_SCHEMA = _schema(EPISODE_COLUMNS)
INTERVIEW_SCHEMA = _schema(INTERVIEW_COLUMNS)


def home_authority() -> Authority:
    return Authority.objects.get(is_home=True)


# --- the database as the contract's tables ---------------------------------------------------


def _wall_clock(values: list[datetime | None]) -> pl.Series:
    """Aware datetimes (as the database gives them) as naive UK wall-clock time."""
    aware = pl.Series(values, dtype=pl.Datetime("us", "UTC"))
    return aware.dt.convert_time_zone(clock.UK.key).dt.replace_time_zone(None)


def _uk_midnight(day: date) -> datetime:
    return clock.aware(datetime.combine(day, time.min))


def episodes_started(
    *, organisations: list[Organisation], start: date | None, end: date | None
) -> QuerySet[Episode]:
    """Episodes that started from `start` to `end` (UK dates, both included; None: no
    limit), of interviews allocated to `organisations` when any are given: the indicators'
    and the performance pack's rule for which period an episode belongs to."""
    # Nothing entered in error counts, nor what this authority held for another: the
    # responsible authority counts it (docs/indicators.md, "Held across the boundary").
    episodes = Episode.objects.filter(IN_COUNT).exclude(interview__held_for_authority__gt="")
    if organisations:
        episodes = episodes.filter(interview__allocated_organisation__in=organisations)
    if start is not None:
        episodes = episodes.filter(started_at__gte=_uk_midnight(start))
    if end is not None:
        episodes = episodes.filter(started_at__lt=_uk_midnight(end + timedelta(days=1)))
    return episodes


def _answer(value: str) -> str | None:
    """A case system's answer in the engine's words; one it does not know is not recorded
    (the import only lets Y, N, NA and blank in)."""
    return IMPORTED_ANSWER_WORDS.get(value.strip().upper())


def _tables(
    *, organisations: list[Organisation], start: date | None, end: date | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The contract's tables; episodes carry the interview's organisation id as `_ORG_KEY`."""
    home = home_authority()
    episodes = episodes_started(organisations=organisations, start=start, end=end)
    rows = list(
        episodes.order_by("started_at", "pk").values_list(
            "reference",
            "child__reference",
            "category",
            "missing_from",
            "started_at",
            "returned_at",
            "notified_at",
            "interview__reference",
            "interview__allocated_organisation_id",
            "source",
            "imported_rhi_offered",
            "imported_rhi_accepted",
        )
    )
    columns = list(zip(*rows, strict=True)) if rows else [()] * 12
    ep = pl.DataFrame(
        {
            "episode_id": pl.Series(columns[0], dtype=pl.String),
            "child_id": pl.Series(columns[1], dtype=pl.String),
            "authority_code": pl.Series([home.gss_code] * len(rows), dtype=pl.String),
            "nation": pl.Series([home.nation] * len(rows), dtype=pl.String),
            "category": pl.Series([v or None for v in columns[2]], dtype=pl.String),
            "missing_from": pl.Series([v or None for v in columns[3]], dtype=pl.String),
            "started_at": _wall_clock(list(columns[4])),
            "returned_at": _wall_clock(list(columns[5])),
            "notified_at": _wall_clock(list(columns[6])),
            "rhi_id": pl.Series(columns[7], dtype=pl.String),
            _ORG_KEY: pl.Series(columns[8], dtype=pl.Int64),
            _IMPORTED: pl.Series(
                [v != Episode.Source.HOMEWARD for v in columns[9]], dtype=pl.Boolean
            ),
            _OFFERED: pl.Series([_answer(v) for v in columns[10]], dtype=pl.String),
            _ACCEPTED: pl.Series([_answer(v) for v in columns[11]], dtype=pl.String),
        }
    )
    covering = episodes.filter(interview__isnull=False).values("interview_id")
    interview_rows = list(
        ReturnInterview.objects.filter(pk__in=covering)
        .annotate(first_offer=Min("offers__offered_at", filter=in_count("offers__")))
        .order_by("pk")
        .values_list(
            "reference", "first_offer", "outcome", "declined_by", "held_at", "held_by_authority"
        )
    )
    iv_columns = list(zip(*interview_rows, strict=True)) if interview_rows else [()] * 6
    outcomes = [
        "accepted" if held is not None else OUTCOME_CODES.get(outcome)
        for outcome, held in zip(iv_columns[2], iv_columns[4], strict=True)
    ]
    iv = pl.DataFrame(
        {
            "rhi_id": pl.Series(iv_columns[0], dtype=pl.String),
            "authority_code": pl.Series([home.gss_code] * len(interview_rows), dtype=pl.String),
            "offered_at": _wall_clock(list(iv_columns[1])),
            "outcome": pl.Series(outcomes, dtype=pl.String),
            "declined_by": pl.Series([v or None for v in iv_columns[3]], dtype=pl.String),
            "completed_at": _wall_clock(list(iv_columns[4])),
            # Beyond the contract's columns (which come first, as it allows): the host
            # authority that held the interview by arrangement (docs/exchange.md).
            HELD_BY: pl.Series([v or None for v in iv_columns[5]], dtype=pl.String),
        }
    )
    return ep, iv


def contract_tables(
    *,
    team: Organisation | None = None,
    provider: Organisation | None = None,
    start: date | None = None,
    end: date | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The contract's `episodes` and `interviews` tables of the database.

    `team` and `provider` keep the episodes whose interview is allocated to that
    organisation (either, when both are given); `start` and `end` keep the episodes that
    started on those UK dates or between them. The interviews are those covering the
    episodes kept. Timestamps are naive UK wall-clock time, as the contract asks.
    """
    organisations = []
    for organisation, kind in (
        (team, Organisation.Kind.AUTHORITY_TEAM),
        (provider, Organisation.Kind.PROVIDER),
    ):
        if organisation is None:
            continue
        if organisation.kind != kind:
            raise ValueError(f"{organisation} is not a {kind.label.lower()}")
        organisations.append(organisation)
    episodes, interviews = _tables(organisations=organisations, start=start, end=end)
    return episodes.drop(_INTERNAL), interviews


def imported_answers(episodes: pl.DataFrame) -> pl.DataFrame:
    """The engine's `imported` table of `_tables`' episodes: the imported ones, with the
    case system's answers."""
    return episodes.filter(pl.col(_IMPORTED)).select(
        "episode_id", pl.col(_OFFERED).alias("rhi_offered"), pl.col(_ACCEPTED).alias("rhi_accepted")
    )


# --- the indicators: the CLI's engine on those tables ---------------------------------------


def _engine(
    episodes: pl.DataFrame,
    interviews: pl.DataFrame,
    *,
    by: Grouping,
    rates: bool,
    suppress_small: bool,
    with_imported: bool,
) -> pl.DataFrame:
    """`homeward indicators`' own steps: check the tables, then compute. `with_imported`:
    count imported history as such (the table then has the engine's `IMPORTED_COLUMNS`);
    records without any give exactly the CLI's table for the same records."""
    checked = check_inputs(
        episodes.select(list(EPISODE_SCHEMA)),
        interviews.select(list(INTERVIEW_SCHEMA)),
        episodes_source="database episodes",
        interviews_source="database interviews",
    )
    return compute_indicators(
        checked.episodes,
        checked.interviews,
        by=by,
        rates=rates,
        suppress_small=suppress_small,
        imported=imported_answers(episodes) if with_imported else None,
    )


def has_imported(episodes: pl.DataFrame) -> bool:
    """Whether `_tables`' episodes hold any imported history."""
    return bool(episodes[_IMPORTED].any())


def _organisation_order(keys: list[int]) -> list[tuple[int, str]]:
    """Teams first, then providers (others last), each by name."""
    rank = {Organisation.Kind.AUTHORITY_TEAM: 0, Organisation.Kind.PROVIDER: 1}
    found = Organisation.objects.filter(pk__in=keys).values_list("pk", "name", "kind")
    ordered = sorted(found, key=lambda row: (rank.get(row[2], 2), row[1]))
    return [(pk, name) for pk, name, _kind in ordered]


def _by_organisation(
    episodes: pl.DataFrame,
    interviews: pl.DataFrame,
    *,
    by: Grouping,
    rates: bool,
    suppress_small: bool,
) -> pl.DataFrame:
    """The engine run once per organisation, the tables concatenated under `organisation`.

    An episode belongs to the organisation its interview is allocated to; episodes with no
    interview (or one with no organisation) are the group `NOT_ALLOCATED`, listed last.
    """
    with_imported = has_imported(episodes)
    keys = [int(k) for k in episodes[_ORG_KEY].drop_nulls().unique().to_list()]
    groups: list[tuple[pl.Expr, str]] = [
        (pl.col(_ORG_KEY) == pk, name) for pk, name in _organisation_order(keys)
    ]
    groups.append((pl.col(_ORG_KEY).is_null(), NOT_ALLOCATED))
    parts = []
    for condition, name in groups:
        mine = episodes.filter(condition)
        if mine.is_empty():
            continue
        theirs = interviews.filter(pl.col("rhi_id").is_in(mine["rhi_id"].drop_nulls().implode()))
        table = _engine(
            mine,
            theirs,
            by=by,
            rates=rates,
            suppress_small=suppress_small,
            with_imported=with_imported,
        )
        parts.append(table.select(pl.lit(name, dtype=pl.String).alias(ORGANISATION), pl.all()))
    if not parts:
        empty = _engine(
            episodes.clear(),
            interviews.clear(),
            by=by,
            rates=rates,
            suppress_small=suppress_small,
            with_imported=with_imported,
        )
        return empty.select(pl.lit(None, dtype=pl.String).alias(ORGANISATION), pl.all())
    return pl.concat(parts)


def indicators_for(
    *,
    by: Grouping = "year",
    group: Group = "authority",
    rates: bool = True,
    suppress_small: bool = False,
    start: date | None = None,
    end: date | None = None,
) -> pl.DataFrame:
    """The indicator table of the database, as `homeward indicators --by BY [--rates]
    [--suppress-small]` gives it for the same records written to CSV.

    With `group="organisation"` the engine runs once per team or provider (and once for
    the episodes not allocated) and the tables are stacked with `organisation` first,
    followed by the contract's columns. Raises `InputError` if the records break the
    contract (for example a home authority whose GSS code is not an authority's).
    """
    if by not in GROUPINGS:
        raise ValueError(f"unknown period {by!r}; expected one of {', '.join(GROUPINGS)}")
    if group not in GROUPS:
        raise ValueError(f"unknown breakdown {group!r}; expected one of {', '.join(GROUPS)}")
    episodes, interviews = _tables(organisations=[], start=start, end=end)
    return _indicators(
        episodes, interviews, by=by, group=group, rates=rates, suppress_small=suppress_small
    )


def _indicators(
    episodes: pl.DataFrame,
    interviews: pl.DataFrame,
    *,
    by: Grouping,
    group: Group,
    rates: bool,
    suppress_small: bool,
) -> pl.DataFrame:
    if group == "organisation":
        return _by_organisation(
            episodes, interviews, by=by, rates=rates, suppress_small=suppress_small
        )
    return _engine(
        episodes,
        interviews,
        by=by,
        rates=rates,
        suppress_small=suppress_small,
        with_imported=has_imported(episodes),
    )


# --- what the indicators page shows ------------------------------------------------------------

BASIS_LABELS = {
    "return": "From the child's return",
    "referral": "From the police notification of the return (referral)",
}
UNIT_LABELS = {
    "hours": "72 hours",
    "calendar_days": "3 calendar days",
    "working_days": "3 working days",
}
BUNCHING_LABELS = {
    "each": "Each episode from its own clock start",
    "latest": "All episodes of one interview from the latest clock start",
}


@dataclass(frozen=True)
class Convention:
    """One of the contract's 12 ways of counting "within the timescale"."""

    basis: str = "return"
    unit: str = "hours"
    bunching: str = "each"

    def __post_init__(self) -> None:
        for value, allowed in (
            (self.basis, BASES),
            (self.unit, UNITS),
            (self.bunching, BUNCHINGS),
        ):
            if value not in allowed:
                raise ValueError(f"unknown value {value!r}; expected one of {', '.join(allowed)}")

    @classmethod
    def of_authority(cls, authority: Authority) -> Convention:
        """The authority's own settings (its length aside: the contract's is 72 hours/3 days)."""
        settings = authority.settings
        return cls(settings.basis.value, settings.unit.value, settings.bunching.value)

    @property
    def column(self) -> str:
        """Its count column in the contract's table, e.g. `within_return_hours_each`."""
        return f"within_{self.basis}_{self.unit}_{self.bunching}"

    @property
    def description(self) -> str:
        """In words: "72 hours from the child's return, each episode from its own…"."""
        return (
            f"{UNIT_LABELS[self.unit]} {BASIS_LABELS[self.basis][0].lower()}"
            f"{BASIS_LABELS[self.basis][1:]}; {BUNCHING_LABELS[self.bunching][0].lower()}"
            f"{BUNCHING_LABELS[self.bunching][1:]}"
        )


def all_conventions() -> list[Convention]:
    """The 12 conventions in the contract's order (basis, unit, bunching)."""
    return [Convention(b, u, g) for b in BASES for u in UNITS for g in BUNCHINGS]


@dataclass(frozen=True)
class IndicatorChoice:
    """What the indicators page (and its download) shows."""

    by: Grouping = "year"
    group: Group = "authority"
    convention: Convention = Convention()
    suppress: bool = False


def default_choice(*, user: User, authority: Authority) -> IndicatorChoice:
    """The authority's own convention, financial years, the whole authority; small numbers
    are hidden by default for analysts (who publish), shown for coordinators and managers."""
    return IndicatorChoice(
        convention=Convention.of_authority(authority), suppress=user.role == Role.ANALYST
    )


def period_bounds(label: str, by: Grouping) -> tuple[date, date]:
    """The first day of a period and the day after its last, from the engine's label."""
    if by == "month":
        year, month = int(label[:4]), int(label[5:7])
        first = date(year, month, 1)
        return first, date(year + month // 12, month % 12 + 1, 1)
    year = int(label[:4])
    if by == "year":
        return date(year, 4, 1), date(year + 1, 4, 1)
    quarter = int(label.rsplit("Q", 1)[1])
    month = 4 + 3 * (quarter - 1)
    first = date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    after_month = month + 3
    return first, date(year + (after_month - 1) // 12, (after_month - 1) % 12 + 1, 1)


@dataclass(frozen=True)
class IndicatorsPage:
    """Everything the indicators page shows, computed by the engine."""

    authority: Authority
    own: Convention
    own_length_differs: bool
    choice: IndicatorChoice
    #: The table of the choice (by authority or organisation), with rates.
    table: pl.DataFrame
    #: The whole authority by the chosen period (the summary and the chart).
    authority_table: pl.DataFrame
    #: The whole authority's row of the latest full financial year (or the latest year so
    #: far when none has ended), with rates: the sensitivity table.
    sensitivity: dict[str, object] | None
    sensitivity_complete: bool
    latest_complete: bool
    problems: list[str]

    @property
    def latest(self) -> dict[str, object] | None:
        if self.authority_table.is_empty():
            return None
        return self.authority_table.row(-1, named=True)


def _empty_result() -> pl.DataFrame:
    return pl.DataFrame(schema=dict.fromkeys(OUTPUT_COLUMNS, pl.String))


# --- the cache -------------------------------------------------------------------------------

#: How long a computed table is kept. The key changes whenever the records do, so this only
#: bounds how long a table nobody asks for any more takes up room.
CACHE_SECONDS = 24 * 3600
CACHE_PREFIX = "homeward:indicators"


def _code_digest() -> str:
    """This module's and the engine's source: a new release never reads an old table."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in [Path(__file__), *sorted((root / "indicators").glob("*.py"))]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_CODE = _code_digest()


def _scalar(what: str, table: str) -> str:
    """A scalar subquery; the names come from the models' metadata (nothing from outside)."""
    return f"(SELECT {what} FROM {table})"  # noqa: S608


def data_fingerprint(authority: Authority) -> str:
    """What the indicator tables are made from, in two cheap queries: the authority's
    settings, the organisations, and for episodes, interviews and offers how many there
    are, the highest id and (episodes, interviews) the latest `updated_at`.

    Every write of the services saves the record it changes (its `updated_at` moves) or
    adds rows (a count and the highest id move); allocating, which links episodes to an
    interview with an update, adds that interview. A row deleted outside the application
    moves a count. So any change to a figure changes the fingerprint. The counts are the
    costly part on PostgreSQL (a few milliseconds each at 50,000 rows; SQLite counts from
    its b-tree at once); the highest ids and latest changes come from indexes.
    """
    quote = connection.ops.quote_name

    def table(model: type[Episode | ReturnInterview | Offer]) -> str:
        return quote(model._meta.db_table)

    # One statement (the ORM would take one query and a millisecond of Python for each).
    episodes, interviews, offers = table(Episode), table(ReturnInterview), table(Offer)
    # An import of the case system's extract may change imported episodes' answers in bulk
    # (no `updated_at` moves): every import adds a run, so its highest id is part of the key.
    runs = quote(apps.get_model("care", "ImportRun")._meta.db_table)
    latest = f"MAX({quote('updated_at')})"
    wanted = [
        ("COUNT(*)", episodes),
        ("MAX(id)", episodes),
        (latest, episodes),
        ("COUNT(*)", interviews),
        ("MAX(id)", interviews),
        (latest, interviews),
        ("COUNT(*)", offers),
        ("MAX(id)", offers),
        ("MAX(id)", runs),
    ]
    sql = "SELECT " + ", ".join(_scalar(*part) for part in wanted)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        counts = cursor.fetchone()
    parts: list[object] = [
        _CODE,
        authority.pk,
        authority.gss_code,
        authority.nation,
        authority.clock_basis,
        authority.clock_unit,
        authority.clock_length,
        authority.clock_bunching,
        list(Organisation.objects.order_by("pk").values_list("pk", "name", "kind")),
        *counts,
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _cached(fingerprint: str, what: tuple[object, ...], compute: Callable[[], T]) -> T:
    """`compute()`, or what it gave before for the same records (`fingerprint`) and `what`.

    The fingerprint must be read before the records: a table is then never older than its
    key (at worst newer, when a change landed in between, and that key is then out of date
    and never asked for again)."""
    key = f"{CACHE_PREFIX}:{fingerprint}:" + hashlib.sha256(repr(what).encode()).hexdigest()[:32]
    try:
        found = cache.get(key)
    except DatabaseError:  # the database cache's table is missing: compute, and say so
        logger.warning("cache unavailable (run manage.py createcachetable)", exc_info=True)
        return compute()
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = compute()
    try:
        cache.set(key, value, CACHE_SECONDS)
    except DatabaseError:
        logger.warning("cache unavailable (run manage.py createcachetable)", exc_info=True)
    return value


@dataclass(frozen=True)
class _PageTables:
    """The engine's tables for one choice (or the records' problems)."""

    by_authority: pl.DataFrame
    table: pl.DataFrame
    years: pl.DataFrame
    problems: list[str]


def _page_tables(choice: IndicatorChoice) -> _PageTables:
    episodes, interviews = _tables(organisations=[], start=None, end=None)
    options = {"rates": True, "suppress_small": choice.suppress}
    imported = has_imported(episodes)
    try:
        by_authority = _engine(
            episodes, interviews, by=choice.by, with_imported=imported, **options
        )
        table = (
            by_authority
            if choice.group == "authority"
            else _indicators(episodes, interviews, by=choice.by, group=choice.group, **options)
        )
        years = (
            by_authority
            if choice.by == "year"
            else _engine(episodes, interviews, by="year", with_imported=imported, **options)
        )
    except InputError as error:
        empty = _empty_result()
        return _PageTables(empty, empty, empty, [str(p) for p in error.problems[:20]])
    return _PageTables(by_authority, table, years, [])


@dataclass(frozen=True)
class AcrossTheBoundary:
    """Interviews held across the boundary by arrangement (docs/indicators.md, "Held across
    the boundary"): those host authorities held for this one, which count here, and those
    held here for other authorities, which do not; each as (authority name, count)."""

    held_for_us: list[tuple[str, int]]
    held_for_others: list[tuple[str, int]]

    @property
    def any(self) -> bool:
        return bool(self.held_for_us or self.held_for_others)


def across_the_boundary() -> AcrossTheBoundary:
    names = dict(Authority.objects.values_list("gss_code", "name"))

    def count(field: str) -> list[tuple[str, int]]:
        rows = (
            ReturnInterview.objects.filter(IN_COUNT)
            .exclude(**{field: ""})
            .values_list(field)
            .annotate(n=Count("pk"))
            .order_by(field)
        )
        return [(names.get(code, code), n) for code, n in rows]

    return AcrossTheBoundary(count("held_by_authority"), count("held_for_authority"))


def indicators_page(
    *, user: User, choice: IndicatorChoice, today: date | None = None
) -> IndicatorsPage:
    """The indicators page's figures for `user` (a manager, analyst or coordinator)."""
    if not permissions.can_view_indicators(user):
        raise PermissionDenied("the indicators")
    authority = home_authority()
    own = Convention.of_authority(authority)
    today = today or timezone.localdate()
    # The convention only picks columns of the same tables: it is not part of the key.
    tables = _cached(
        data_fingerprint(authority),
        ("page", choice.by, choice.group, choice.suppress),
        lambda: _page_tables(choice),
    )
    if tables.problems:
        return IndicatorsPage(
            authority=authority,
            own=own,
            own_length_differs=False,
            choice=choice,
            table=tables.table,
            authority_table=tables.by_authority,
            sensitivity=None,
            sensitivity_complete=False,
            latest_complete=False,
            problems=tables.problems,
        )
    by_authority, table, years = tables.by_authority, tables.table, tables.years
    sensitivity = None
    sensitivity_complete = False
    if not years.is_empty():
        ended = [
            row
            for row in years.iter_rows(named=True)
            if period_bounds(str(row["period"]), "year")[1] <= today
        ]
        sensitivity_complete = bool(ended)
        sensitivity = ended[-1] if ended else years.row(-1, named=True)
    latest_complete = not by_authority.is_empty() and (
        period_bounds(str(by_authority["period"][-1]), choice.by)[1] <= today
    )
    return IndicatorsPage(
        authority=authority,
        own=own,
        own_length_differs=authority.clock_length != SEVENTY_TWO_HOURS[own.unit],
        choice=choice,
        table=table,
        authority_table=by_authority,
        sensitivity=sensitivity,
        sensitivity_complete=sensitivity_complete,
        latest_complete=latest_complete,
        problems=[],
    )


@dataclass(frozen=True)
class IndicatorsFile:
    content: bytes
    filename: str
    content_type: str
    rows: int


def indicators_export(
    *,
    user: User,
    choice: IndicatorChoice,
    fmt: str,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> IndicatorsFile:
    """The table of the choice as a CSV or XLSX file, written by `homeward.indicators.output`
    (text that would start a formula is made safe), the download logged as an export.

    The file carries every convention's `within_*` column and rate, so the convention chosen
    on the page does not change it; the period, breakdown and suppression do.
    """
    if not permissions.can_view_indicators(user):
        raise PermissionDenied("the indicators")
    if fmt not in DOWNLOAD_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(DOWNLOAD_FORMATS)}")
    table = indicators_for(
        by=choice.by, group=choice.group, rates=True, suppress_small=choice.suppress
    )
    authority = home_authority()
    day = (today or timezone.localdate()).isoformat()
    parts = ["indicators", authority.gss_code, f"by-{choice.by}"]
    if choice.group == "organisation":
        parts.append("by-organisation")
    if choice.suppress:
        parts.append("suppressed")
    filename = "-".join([*parts, day]) + f".{fmt}"
    with tempfile.TemporaryDirectory(prefix="homeward-indicators-") as folder:
        path = Path(folder) / filename
        write_table(table, path)
        content = path.read_bytes()
    breakdown = "by organisation" if choice.group == "organisation" else "whole authority"
    access_record(
        user=user,
        action=AccessEvent.Action.EXPORT,
        what=f"indicators by {choice.by}, {breakdown}",
        detail=(
            f"{filename}: {table.height} rows, "
            f"small numbers {'suppressed' if choice.suppress else 'shown'}"
        ),
        reason=EXPORT_REASON,
        request=request,
    )
    return IndicatorsFile(content, filename, CONTENT_TYPES[fmt], table.height)
