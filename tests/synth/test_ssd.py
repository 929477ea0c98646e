"""`homeward synth ssd`: the SSD extract's shape and code lists, its 903 files, determinism."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest

from homeward.formats import ssda903
from homeward.formats.onspd import ONSPDReader
from homeward.formats.ssd import SSD_MISSING_COLUMNS
from homeward.synth import ssd, ssd_spec

YEAR = 2026
PERSONS = 5000
Rows = list[dict[str, str]]


def read(path: Path) -> tuple[list[str], Rows]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ssd")
    ssd.write_ssd(out, persons=PERSONS, seed=3, year=YEAR)
    return out


@pytest.fixture(scope="module")
def tables(extract: Path) -> dict[str, Rows]:
    return {table: read(extract / f"{table}.csv")[1] for table in ssd_spec.TABLES}


def test_one_file_per_table_with_the_specs_field_names(extract: Path) -> None:
    assert sorted(p.name for p in extract.glob("*.csv")) == sorted(
        f"{t}.csv" for t in ssd_spec.TABLES
    )
    for table, columns in ssd_spec.TABLES.items():
        header, rows = read(extract / f"{table}.csv")
        assert tuple(header) == columns, table
        assert rows, table
    # The same names homeward's own ssd_missing export writes.
    assert ssd_spec.TABLES["ssd_missing"] == SSD_MISSING_COLUMNS
    # Every field carries its table's prefix, as the spec names them.
    prefixes = {"ssd_person": "pers_", "ssd_linked_identifiers": "link_",
                "ssd_address": "addr_", "ssd_legal_status": "lega_",
                "ssd_cla_episodes": "clae_", "ssd_cla_placement": "clap_",
                "ssd_missing": "miss_", "ssd_professionals": "prof_",
                "ssd_involvements": "invo_"}  # fmt: skip
    for table, columns in ssd_spec.TABLES.items():
        assert all(c.startswith(prefixes[table]) for c in columns), table


CODED = {
    ("ssd_person", "pers_sex"): ssd_spec.SEX,
    ("ssd_person", "pers_gender"): ssd_spec.GENDER,
    ("ssd_person", "pers_ethnicity"): ssd_spec.ETHNICITY,
    ("ssd_person", "pers_upn_unknown"): (*ssd_spec.UPN_UNKNOWN, ""),
    ("ssd_person", "pers_send_flag"): ssd_spec.YES_NO,
    ("ssd_person", "pers_is_mother"): (*ssd_spec.YES_NO, ""),
    ("ssd_linked_identifiers", "link_identifier_type"): ssd_spec.IDENTIFIER_TYPES,
    ("ssd_address", "addr_address_type"): ssd_spec.ADDRESS_TYPES,
    ("ssd_legal_status", "lega_legal_status"): ssd_spec.LEGAL_STATUS,
    ("ssd_cla_episodes", "clae_cla_episode_start_reason"): ssd_spec.EPISODE_START_REASON,
    ("ssd_cla_episodes", "clae_cla_primary_need_code"): ssd_spec.PRIMARY_NEED,
    ("ssd_cla_episodes", "clae_cla_episode_ceased_reason"): (*ssd_spec.EPISODE_CEASED_REASON, ""),
    ("ssd_cla_placement", "clap_cla_placement_type"): ssd_spec.PLACEMENT_TYPE,
    ("ssd_cla_placement", "clap_cla_placement_provider"): ssd_spec.PLACEMENT_PROVIDER,
    ("ssd_cla_placement", "clap_cla_placement_change_reason"): (
        *ssd_spec.PLACEMENT_CHANGE_REASON, "",
    ),
    ("ssd_missing", "miss_missing_episode_type"): ssd_spec.MISSING_TYPE,
    ("ssd_missing", "miss_missing_rhi_offered"): ssd_spec.RHI_ANSWER,
    ("ssd_missing", "miss_missing_rhi_accepted"): ssd_spec.RHI_ANSWER,
    ("ssd_involvements", "invo_professional_role_id"): ssd_spec.PROFESSIONAL_ROLES,
    ("ssd_involvements", "invo_worker_change_reason"): (*ssd_spec.WORKER_CHANGE_REASON, ""),
    ("ssd_professionals", "prof_agency_worker_flag"): ssd_spec.YES_NO,
}  # fmt: skip


def test_codes_come_from_the_specs_lists(tables: dict[str, Rows]) -> None:
    for (table, column), allowed in CODED.items():
        found = Counter(row[column] for row in tables[table])
        assert set(found) <= set(allowed), (table, column, set(found) - set(allowed))
    # The 2025-26 903 list, not the spec's older H5, Z1 and P2.
    places = {row["clap_cla_placement_type"] for row in tables["ssd_cla_placement"]}
    assert not places & {"H5", "Z1", "P2"}
    assert {"U6", "K2", "K3", "P1"} <= places
    # The SSD's own spellings: no 903 M/F for mothers, no 0/1.
    assert {r["pers_is_mother"] for r in tables["ssd_person"]} >= {"Y", "N", ""}


def test_datetimes_are_the_specs_type(tables: dict[str, Rows]) -> None:
    for table, rows in tables.items():
        for column in ssd_spec.TABLES[table]:
            if column not in ssd_spec.DATETIME_FIELDS:
                continue
            for row in rows:
                if row[column]:
                    datetime.strptime(row[column], ssd_spec.DATETIME_FORMAT)
    assert all(
        row[c] == "" or row[c].endswith(" 00:00:00")
        for row in tables["ssd_person"]
        for c in ("pers_dob",)
    )


def test_numbers_are_the_specs_types(tables: dict[str, Rows]) -> None:
    # clap_cla_placement_distance and prof_full_time_equivalency are floats,
    # prof_professional_caseload an int.
    distances = [float(r["clap_cla_placement_distance"]) for r in tables["ssd_cla_placement"]]
    assert min(distances) >= 0 and max(distances) < 999.9
    assert all(0 < float(r["prof_full_time_equivalency"]) <= 1 for r in tables["ssd_professionals"])
    assert all(r["prof_professional_caseload"].isdigit() for r in tables["ssd_professionals"])
    assert all(
        r["prof_social_worker_registration_no"].startswith("SW")
        for r in tables["ssd_professionals"]
    )


def test_keys_are_unique_and_every_reference_resolves(tables: dict[str, Rows]) -> None:
    keys = {
        "ssd_person": "pers_person_id", "ssd_linked_identifiers": "link_table_id",
        "ssd_address": "addr_table_id", "ssd_legal_status": "lega_legal_status_id",
        "ssd_cla_episodes": "clae_cla_episode_id", "ssd_cla_placement": "clap_cla_placement_id",
        "ssd_missing": "miss_table_id", "ssd_professionals": "prof_professional_id",
        "ssd_involvements": "invo_involvements_id",
    }  # fmt: skip
    for table, key in keys.items():
        values = [row[key] for row in tables[table]]
        assert len(values) == len(set(values)) and all(values), table
    persons = {row["pers_person_id"] for row in tables["ssd_person"]}
    assert len(persons) == PERSONS
    assert all(len(p) <= 20 and p.isalnum() for p in persons)
    for table, column in (
        ("ssd_linked_identifiers", "link_person_id"), ("ssd_address", "addr_person_id"),
        ("ssd_legal_status", "lega_person_id"), ("ssd_cla_episodes", "clae_person_id"),
        ("ssd_cla_placement", "clap_person_id"), ("ssd_missing", "miss_person_id"),
        ("ssd_involvements", "invo_person_id"),
    ):  # fmt: skip
        assert {row[column] for row in tables[table]} <= persons, table
    placements = {row["clap_cla_placement_id"] for row in tables["ssd_cla_placement"]}
    assert {row["clae_cla_placement_id"] for row in tables["ssd_cla_episodes"]} == placements
    workers = {row["prof_professional_id"] for row in tables["ssd_professionals"]}
    assert {row["invo_professional_id"] for row in tables["ssd_involvements"]} <= workers


def test_identifiers_are_well_formed_and_not_real(tables: dict[str, Rows]) -> None:
    nhs = [r["pers_common_child_id"] for r in tables["ssd_person"] if r["pers_common_child_id"]]
    assert len(nhs) > 0.9 * PERSONS
    for number in nhs:
        assert number.startswith("999") and len(number) == 10  # the NHS's test range
        total = sum(int(d) * (10 - i) for i, d in enumerate(number[:9]))
        assert (11 - total % 11) % 11 == int(number[9])
    links = {
        (r["link_person_id"], r["link_identifier_type"]): r["link_identifier_value"]
        for r in tables["ssd_linked_identifiers"]
    }
    for row in tables["ssd_person"]:
        if row["pers_common_child_id"]:
            assert links[(row["pers_person_id"], "NHS Number")] == row["pers_common_child_id"]
    upns = [v for (_, kind), v in links.items() if kind == "Unique Pupil Number"]
    assert upns
    for value in upns:
        assert value[1:4] == "999" and len(value) == 13  # LA number 999 is no authority's
        total = sum(int(d) * (i + 2) for i, d in enumerate(value[1:]))
        assert "ABCDEFGHJKLMNPQRTUVWXYZ"[total % 23] == value[0]
    # NHS numbers and UPNs identify a person: never two persons with the same.
    assert len(nhs) == len(set(nhs))
    assert len(upns) == len(set(upns))
    assert ssd.nhs_number(0) is None  # 999000000's check digit would be 10
    assert ssd.nhs_number(1) == "9990000018"  # 9×10 + 9×9 + 9×8 + 1×2 = 245; 11 - 245 % 11
    assert ssd.nhs_number(2) == "9990000026"
    assert ssd.nhs_number(1_000_000) is None


def test_realistic_shape(tables: dict[str, Rows]) -> None:
    periods = {row["clae_cla_id"] for row in tables["ssd_cla_episodes"]}
    # About 12,000 periods of care and 60,000 missing episodes per 100,000 persons.
    assert 0.09 * PERSONS < len(periods) < 0.15 * PERSONS
    assert 0.45 * PERSONS < len(tables["ssd_missing"]) < 0.8 * PERSONS
    kinds = Counter(row["miss_missing_episode_type"] for row in tables["ssd_missing"])
    assert 0.05 < kinds["A"] / sum(kinds.values()) < 0.25
    offered = Counter(row["miss_missing_rhi_offered"] for row in tables["ssd_missing"])
    assert 0.65 < offered["Y"] / sum(offered.values()) < 0.85
    # Some placements are out of area (not at the authority's postcodes).
    area = {p.postcode for p in ssd.invented_postcodes(3).home}
    away = [r for r in tables["ssd_cla_placement"] if r["clap_cla_placement_postcode"] not in area]
    assert 0.1 < len(away) / len(tables["ssd_cla_placement"]) < 0.5
    # Every looked-after child has a legal status, a home address and an allocated worker.
    looked_after = {row["clae_person_id"] for row in tables["ssd_cla_episodes"]}
    assert looked_after <= {row["lega_person_id"] for row in tables["ssd_legal_status"]}
    assert looked_after <= {row["addr_person_id"] for row in tables["ssd_address"]}
    open_cases = {
        row["invo_person_id"]
        for row in tables["ssd_involvements"]
        if row["invo_involvement_end_date"] == ""
        and row["invo_professional_role_id"] == "Allocated Case Worker"
    }
    still = {r["clae_person_id"] for r in tables["ssd_cla_episodes"] if not r[
        "clae_cla_episode_ceased_date"]}  # fmt: skip
    assert still and still <= open_cases
    reviewed = Counter(
        row["invo_person_id"]
        for row in tables["ssd_involvements"]
        if row["invo_professional_role_id"] == "Independent Reviewing Officer"
    )
    assert sum(reviewed.values()) == len(periods) and set(reviewed) == looked_after
    # The missing episodes span the six years.
    starts = sorted(row["miss_missing_episode_start_date"] for row in tables["ssd_missing"])
    assert starts[0] < f"{YEAR - 5}-04-01" and starts[-1] > f"{YEAR - 1}-12-31"
    assert starts[0] >= f"{YEAR - 6}-04-01"


def _moment(text: str) -> datetime | None:
    return datetime.strptime(text, ssd_spec.DATETIME_FORMAT) if text else None


def test_missing_episodes_never_overlap_and_away_is_only_from_care(
    tables: dict[str, Rows],
) -> None:
    by_person: dict[str, list[tuple[datetime, datetime | None, str]]] = defaultdict(list)
    for row in tables["ssd_missing"]:
        start = _moment(row["miss_missing_episode_start_date"])
        assert start is not None
        by_person[row["miss_person_id"]].append(
            (start, _moment(row["miss_missing_episode_end_date"]), row["miss_missing_episode_type"])
        )
        offered, accepted = row["miss_missing_rhi_offered"], row["miss_missing_rhi_accepted"]
        if offered == "N":
            assert accepted == "NA"
        if not row["miss_missing_episode_end_date"]:
            assert (offered, accepted) == ("", "")
    care: dict[str, list[tuple[date, date | None]]] = defaultdict(list)
    for row in tables["ssd_cla_episodes"]:
        end = _moment(row["clae_cla_episode_ceased_date"])
        start = _moment(row["clae_cla_episode_start_date"])
        assert start is not None
        care[row["clae_person_id"]].append((start.date(), end.date() if end else None))
    for person, episodes in by_person.items():
        episodes.sort(key=lambda e: e[0])
        for (start, end, kind), following in zip(episodes, [*episodes[1:], None], strict=True):
            assert end is None or end > start
            if following is not None:
                assert end is not None and end <= following[0]
            if kind == "A":
                assert any(
                    s <= start.date() and (e is None or start.date() < e) for s, e in care[person]
                )


def test_the_903_files_are_the_same_childrens_care(extract: Path, tables: dict[str, Rows]) -> None:
    person = {r["pers_person_id"]: r for r in tables["ssd_person"]}
    placement = {r["clap_cla_placement_id"]: r for r in tables["ssd_cla_placement"]}
    episodes = {
        (r["clae_person_id"], r["clae_cla_episode_start_date"][:10]): r
        for r in tables["ssd_cla_episodes"]
    }
    for year in (YEAR - 1, YEAR):
        folder = extract / "ssda903" / str(year)
        assert sorted(p.name for p in folder.iterdir()) == [
            "episodes.csv", "header.csv", "missing.csv",
        ]  # fmt: skip
        for name in ("header.csv", "episodes.csv", "missing.csv"):
            assert ssda903.check_file(name, (folder / name).read_bytes()) == []
        start, end = date(year - 1, 4, 1), date(year, 3, 31)
        header = read(folder / "header.csv")[1]
        assert header
        for row in header:
            p = person[row["CHILD"]]
            assert row["DOB"] == datetime.strptime(p["pers_dob"][:10], "%Y-%m-%d").strftime(
                "%d/%m/%Y"
            )
            assert (row["SEX"], row["ETHNIC"]) == (p["pers_sex"], p["pers_ethnicity"])
            assert row["MOTHER"] == {"Y": "1", "N": "0", "": ""}[p["pers_is_mother"]] or (
                row["MOTHER"] == "0" and p["pers_is_mother"] == "Y"  # a mother later on
            )
        rows = read(folder / "episodes.csv")[1]
        assert {r["CHILD"] for r in rows} == {r["CHILD"] for r in header}
        expected = {
            key
            for key, r in episodes.items()
            if r["clae_cla_episode_start_date"][:10] <= end.isoformat()
            and (
                not r["clae_cla_episode_ceased_date"]
                or r["clae_cla_episode_ceased_date"][:10] >= start.isoformat()
            )
        }
        written = set()
        for row in rows:
            decom = datetime.strptime(row["DECOM"], "%d/%m/%Y").date().isoformat()
            e = episodes[(row["CHILD"], decom)]
            written.add((row["CHILD"], decom))
            pl = placement[e["clae_cla_placement_id"]]
            assert row["PLACE"] in ssd_spec.PLACEMENT_TYPE
            assert (row["RNE"], row["CIN"]) == (
                e["clae_cla_episode_start_reason"],
                e["clae_cla_primary_need_code"],
            )
            assert (row["PLACE"], row["PLACE_PROVIDER"], row["PL_POST"], row["URN"]) == (
                pl["clap_cla_placement_type"], pl["clap_cla_placement_provider"],
                pl["clap_cla_placement_postcode"], pl["clap_cla_placement_urn"],
            )  # fmt: skip
            ceased = e["clae_cla_episode_ceased_date"][:10]
            if ceased and ceased <= end.isoformat():
                assert datetime.strptime(row["DEC"], "%d/%m/%Y").date().isoformat() == ceased
                assert row["REC"] == e["clae_cla_episode_ceased_reason"]
            else:
                assert (row["DEC"], row["REC"], row["REASON_PLACE_CHANGE"]) == ("", "", "")
        assert written == expected
        missing = read(folder / "missing.csv")[1]
        assert missing and {r["CHILD"] for r in missing} <= {r["CHILD"] for r in header}
        assert {r["MISSING"] for r in missing} == {"M", "A"}
        ssd_missing = {
            (r["miss_person_id"], r["miss_missing_episode_start_date"][:10])
            for r in tables["ssd_missing"]
        }
        for row in missing:
            began = datetime.strptime(row["MIS_START"], "%d/%m/%Y").date().isoformat()
            assert (row["CHILD"], began) in ssd_missing


def _periods_of_care(tables: dict[str, Rows]) -> dict[str, list[tuple[date, date | None]]]:
    """Each person's periods of care: their care episodes, one period per `clae_cla_id`."""
    spans: dict[tuple[str, str], list[tuple[date, date | None]]] = defaultdict(list)
    for row in tables["ssd_cla_episodes"]:
        start = _moment(row["clae_cla_episode_start_date"])
        end = _moment(row["clae_cla_episode_ceased_date"])
        assert start is not None
        key = (row["clae_person_id"], row["clae_cla_id"])
        spans[key].append((start.date(), end.date() if end else None))
    periods: dict[str, list[tuple[date, date | None]]] = defaultdict(list)
    for (person, _), episodes in spans.items():
        ends = [end for _, end in episodes]
        periods[person].append(
            (min(start for start, _ in episodes), None if None in ends else max(filter(None, ends)))
        )
    return periods


def test_the_903_missing_table_has_every_episode_begun_in_care_whatever_from(
    extract: Path, tables: dict[str, Rows]
) -> None:
    """By the DfE guidance the case system's Missing table holds every missing (M) and away
    (A) episode of a looked-after child that began during a period of care (its last day
    included) and falls in the year, whatever the child went missing from: an episode
    drawn as missing from home is in it when the child was in care then. The type is the
    extract's, and MIS_END the day found (blank while missing at the year end)."""
    periods = _periods_of_care(tables)
    for year in (YEAR - 1, YEAR):
        start, end = date(year - 1, 4, 1), date(year, 3, 31)
        expected = set()
        for row in tables["ssd_missing"]:
            began = _moment(row["miss_missing_episode_start_date"])
            finished = _moment(row["miss_missing_episode_end_date"])
            assert began is not None
            if began.date() > end or (finished is not None and finished.date() < start):
                continue
            held = [
                (s, e)
                for s, e in periods[row["miss_person_id"]]
                if s <= began.date() and (e is None or began.date() <= e)
            ]
            if not held:
                continue
            (_, care_end), *_ = held
            # no missing period runs past care (rule 577)
            assert care_end is None or (finished is not None and finished.date() <= care_end)
            mis_end = finished.date() if finished is not None and finished.date() <= end else None
            expected.add(
                (
                    row["miss_person_id"],
                    row["miss_missing_episode_type"],
                    began.date().strftime("%d/%m/%Y"),
                    mis_end.strftime("%d/%m/%Y") if mis_end else "",
                )
            )
        written = {
            (r["CHILD"], r["MISSING"], r["MIS_START"], r["MIS_END"])
            for r in read(extract / "ssda903" / str(year) / "missing.csv")[1]
        }
        assert written == expected
        assert {kind for _, kind, _, _ in written} == {"M", "A"}


def test_the_invented_postcodes_come_with_their_directory(
    extract: Path, tables: dict[str, Rows]
) -> None:
    reader = ONSPDReader(io.StringIO((extract / "postcodes" / "onspd.csv").read_text()))
    rows = list(reader)
    assert reader.problems == [] and len(rows) == 3800
    known = {r.postcode: r.la_code for r in rows}
    placed = [r["clap_cla_placement_postcode"] for r in tables["ssd_cla_placement"]]
    assert all(p in known for p in placed)
    assert all(p.startswith("Q") for p in known)  # no UK postcode starts with Q
    assert {known[p] for p in placed} >= {ssd.DEFAULT_AUTHORITY, "W06099001"}
    homes = {r["addr_address_postcode"] for r in tables["ssd_address"]}
    assert homes <= {p.replace(" ", "") for p in known}  # the spec's: spaces removed


def test_the_same_seed_gives_the_same_files(tmp_path: Path) -> None:
    def files(folder: Path) -> dict[str, bytes]:
        return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.csv"))}

    ssd.write_ssd(tmp_path / "a", persons=400, seed=9)
    ssd.write_ssd(tmp_path / "b", persons=400, seed=9)
    ssd.write_ssd(tmp_path / "c", persons=400, seed=10)
    a, b, c = files(tmp_path / "a"), files(tmp_path / "b"), files(tmp_path / "c")
    assert len(a) == 9 + 6 + 1 and a == b
    assert a["ssd_person.csv"] != c["ssd_person.csv"]
    assert a["ssd_missing.csv"] != c["ssd_missing.csv"]


def test_a_smaller_extract_is_the_start_of_a_larger_one(tmp_path: Path) -> None:
    """The same seed: the first N persons are the same, with their care and episodes, so
    a re-import test can drop or add persons by size alone."""
    ssd.write_ssd(tmp_path / "small", persons=300, seed=4)
    ssd.write_ssd(tmp_path / "large", persons=320, seed=4)
    for table in ("ssd_person", "ssd_cla_episodes", "ssd_cla_placement", "ssd_missing",
                  "ssd_legal_status", "ssd_address", "ssd_linked_identifiers"):  # fmt: skip
        small = (tmp_path / "small" / f"{table}.csv").read_text().splitlines()
        large = (tmp_path / "large" / f"{table}.csv").read_text().splitlines()
        assert large[: len(small)] == small, table
    assert len(read(tmp_path / "large" / "ssd_person.csv")[1]) == 320


def test_a_postcode_file_without_the_authority_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "onspd.csv"
    path.write_text("pcds,doterm,oslaua,lat,long\nLS1 1AA,,E08000035,53.79,-1.54\n")
    with pytest.raises(ValueError, match="no postcode of the authority E08000012"):
        ssd.read_postcodes(path, "E08000012")
    with pytest.raises(ValueError, match="no postcode outside the authority"):
        ssd.read_postcodes(path, "E08000035")


def test_an_extract_as_at_a_day_is_the_year_end_extract_cut_there(tmp_path: Path) -> None:
    """Daily extracts: the same people and events, known up to the end of the day."""
    ssd.write_ssd(tmp_path / "d1", persons=1500, seed=8, as_at=date(2025, 11, 3))
    ssd.write_ssd(tmp_path / "d2", persons=1500, seed=8, as_at=date(2025, 11, 4))
    ssd.write_ssd(tmp_path / "end", persons=1500, seed=8)
    ssd.write_ssd(tmp_path / "end2", persons=1500, seed=8, as_at=date(YEAR, 3, 31))
    for table in ssd_spec.TABLES:
        name = f"{table}.csv"
        assert (tmp_path / "end" / name).read_bytes() == (tmp_path / "end2" / name).read_bytes()
    day1, day2 = "2025-11-03 23:59:00", "2025-11-04 23:59:00"
    changed = 0
    for table, columns in ssd_spec.TABLES.items():
        dated = [c for c in columns if c in ssd_spec.DATETIME_FIELDS]
        first = {r[columns[0]]: r for r in read(tmp_path / "d1" / f"{table}.csv")[1]}
        second = {r[columns[0]]: r for r in read(tmp_path / "d2" / f"{table}.csv")[1]}
        assert all(r[c] <= day1 for r in first.values() for c in dated), table
        assert set(first) <= set(second), table
        for key, row in second.items():
            if key not in first:
                # new since yesterday: something that began on the second day
                assert any(day1 < row[c] <= day2 for c in dated), (table, row)
                changed += 1
            elif row != first[key]:
                # a row that was open yesterday: only its blank fields were filled in
                before = first[key]
                assert all(before[c] in ("", row[c]) for c in columns), (table, row)
                changed += 1
    assert changed  # a day brings some change
    # The 903 files are the year-end returns, whatever the day of the extract.
    for name in ("header.csv", "episodes.csv", "missing.csv"):
        assert (tmp_path / "d1" / "ssda903" / "2026" / name).read_bytes() == (
            tmp_path / "end" / "ssda903" / "2026" / name
        ).read_bytes()


def test_an_extract_date_outside_the_six_years_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="outside the six years 2020-04-01 to 2026-03-31"):
        ssd.write_ssd(tmp_path, persons=10, as_at=date(2026, 4, 1))
