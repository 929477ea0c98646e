"""Fictional authorities: well-formed codes, invented names, settings as ECRC 2019 found."""

from __future__ import annotations

import re

import numpy as np
import polars as pl
import pytest

from homeward.synth import AUTHORITY_COLUMNS, default_authorities, default_years, generate
from homeward.synth.authorities import nation_counts, plan_authorities

from .conftest import AUTHORITY_ALLOWED

#: Real children's services authorities (a large part of the list): none may be generated.
REAL_NAMES = (
    # Wales
    "Anglesey", "Gwynedd", "Conwy", "Denbighshire", "Flintshire", "Wrexham", "Powys",
    "Ceredigion", "Pembrokeshire", "Carmarthenshire", "Swansea", "Neath Port Talbot",
    "Bridgend", "Vale of Glamorgan", "Cardiff", "Rhondda Cynon Taf", "Merthyr Tydfil",
    "Caerphilly", "Blaenau Gwent", "Torfaen", "Monmouthshire", "Newport",
    # Scotland
    "Aberdeen", "Aberdeenshire", "Angus", "Argyll", "Clackmannanshire", "Dumfries",
    "Dundee", "East Ayrshire", "East Dunbartonshire", "East Lothian", "East Renfrewshire",
    "Edinburgh", "Eilean Siar", "Falkirk", "Fife", "Glasgow", "Highland", "Inverclyde",
    "Midlothian", "Moray", "North Ayrshire", "North Lanarkshire", "Orkney", "Perth",
    "Renfrewshire", "Scottish Borders", "Shetland", "South Ayrshire", "South Lanarkshire",
    "Stirling", "West Dunbartonshire", "West Lothian",
    # England (a selection)
    "Barnsley", "Birmingham", "Bolton", "Bradford", "Bury", "Calderdale", "Cornwall",
    "Coventry", "Derby", "Devon", "Doncaster", "Dorset", "Durham", "Essex", "Gateshead",
    "Halton", "Hampshire", "Hackney", "Kent", "Kirklees", "Knowsley", "Lambeth", "Leeds",
    "Lewisham", "Liverpool", "Manchester", "Medway", "Norfolk", "Oldham", "Peterborough",
    "Plymouth", "Reading", "Rochdale", "Rotherham", "Salford", "Sandwell", "Sefton",
    "Sheffield", "Slough", "Solihull", "Somerset", "Stockport", "Suffolk", "Sunderland",
    "Surrey", "Swindon", "Tameside", "Thurrock", "Trafford", "Wakefield", "Walsall",
    "Wigan", "Wirral", "Wokingham", "Wolverhampton", "York",
    # Northern Ireland
    "Belfast", "Derry", "Lisburn", "Newry", "Antrim", "Armagh", "Ballymena", "Mid Ulster",
)  # fmt: skip


@pytest.fixture(scope="module")
def many() -> pl.DataFrame:
    return plan_authorities(500, np.random.default_rng(3)).table


def test_codes_are_well_formed_unique_and_outside_real_ranges(many: pl.DataFrame) -> None:
    codes = many["authority_code"]
    assert codes.is_unique().all()
    assert all(re.fullmatch(r"(E06|E08|E09|E10|W06|S12|N09)099\d{3}", code) for code in codes)


def test_names_are_unique_and_not_real(many: pl.DataFrame) -> None:
    names = many["authority_name"]
    assert names.is_unique().all()
    real = re.compile(r"\b(" + "|".join(re.escape(name) for name in REAL_NAMES) + r")\b")
    clashes = [name for name in names if real.search(name)]
    assert clashes == []


def test_columns_and_allowed_settings(many: pl.DataFrame) -> None:
    assert many.columns == list(AUTHORITY_COLUMNS)
    for column, allowed in AUTHORITY_ALLOWED.items():
        assert set(many[column].unique()) <= allowed, column
    assert many.null_count().sum_horizontal().item() == 0


def test_settings_follow_the_2019_analysis(many: pl.DataFrame) -> None:
    def share(column: str, value: str) -> float:
        return float((many[column] == value).mean())  # type: ignore[arg-type]

    assert 0.63 <= share("clock_start", "return") <= 0.78
    assert 0.09 <= share("clock_unit", "hours") <= 0.21
    assert 0.42 <= share("clock_unit", "calendar_days") <= 0.6
    assert 0.25 <= share("clock_unit", "working_days") <= 0.42
    assert 0.5 <= share("provider", "in_house") <= 0.7
    assert share("provider", "independent") > 0.1
    assert share("provider", "mixed") > 0.1
    assert 0.78 <= share("follow_up_support", "yes") <= 0.92
    assert set(many["bunching"].unique()) == {"each", "latest"}


def test_nations_and_names_depend_only_on_the_count() -> None:
    assert nation_counts(6) == (4, 1, 1, 0)
    assert nation_counts(196) == (144, 21, 30, 1)
    assert nation_counts(1) == (1, 0, 0, 0)
    small = plan_authorities(6, np.random.default_rng(1)).table
    large = plan_authorities(196, np.random.default_rng(2)).table
    # A larger set extends a smaller one: the same places keep their names and codes.
    pairs = set(large.select("authority_code", "authority_name").iter_rows())
    assert set(small.select("authority_code", "authority_name").iter_rows()) <= pairs
    assert "northern_ireland" in set(large["nation"])


def test_default_sizing() -> None:
    assert default_authorities(50_000) == 6
    assert default_authorities(1) == 6
    national = default_authorities(2_350_000)
    assert 150 <= national <= 200
    assert default_years(2_350_000, national) == 10
    assert default_years(1_000, 6) == 1
    assert default_authorities(100_000_000) == 200


def test_every_authority_has_episodes_when_there_are_enough() -> None:
    data = generate(episodes=2_000, seed=4, authorities=12, years=2)
    assert data.authorities.height == 12
    assert set(data.episodes["authority_code"]) == set(data.authorities["authority_code"])
