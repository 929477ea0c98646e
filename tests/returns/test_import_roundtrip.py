"""The returns from imported care data, end to end: `homeward synth ssd` writes a fictional
authority's Standard Safeguarding Dataset extract and its case system's own 903 files;
`import-ssd` brings the extract in; the returns are made from what was imported.

- the merged SSDA903 (homeward's Missing table with the case system's Header and
  Episodes) brings no error DfE's validator did not already find in the case system's
  files, and its Missing table is the case system's own Missing table, row for row;
- `ssd_missing` gives back the extract's rows exactly (history homeward did not touch);
- Annex A list 8 has every required column filled for every child, leavers included.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest

from homeward.care.ssd_import import import_extract
from homeward.cli import main
from homeward.formats import annex_a, ssd_extract
from homeward.formats.ssd import SSD_MISSING_COLUMNS
from homeward.formats.validator903 import run_validator
from homeward.places.services import load_postcodes
from homeward.returns.annex_a import build_annex_a_list8
from homeward.returns.ssd import build_ssd_missing
from homeward.returns.ssda903 import build_ssda903
from homeward.synth.ssd import write_ssd
from tests.factories import World, make_world

pytestmark = pytest.mark.django_db

PERSONS, SEED, YEAR = 1500, 1, 2026
SYNTH_AUTHORITY = "E10099001"


@pytest.fixture(scope="module")
def extract_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synth")
    write_ssd(folder, persons=PERSONS, seed=SEED, year=YEAR)
    return folder


@pytest.fixture
def imported(extract_dir: Path) -> World:
    world = make_world()
    load_postcodes(extract_dir / "postcodes" / "onspd.csv")  # placements' host authorities
    report = import_extract(ssd_extract.read_directory(extract_dir))
    assert report.applied, report.problems[:5]
    return world


def care_days(folder: Path) -> dict[str, list[tuple[date, date | None]]]:
    """Each person's episodes of care in the extract (`ssd_cla_episodes`), start and end."""
    out: dict[str, list[tuple[date, date | None]]] = defaultdict(list)
    with (folder / "ssd_cla_episodes.csv").open(encoding="utf-8-sig") as file:
        for row in csv.DictReader(file):
            end = row["clae_cla_episode_ceased_date"]
            out[row["clae_person_id"]].append(
                (
                    datetime.fromisoformat(row["clae_cla_episode_start_date"]).date(),
                    datetime.fromisoformat(end).date() if end else None,
                )
            )
    return out


def csv_rows(data: bytes | str) -> list[list[str]]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    return [row for row in csv.reader(io.StringIO(text)) if row]


def test_the_merged_903_is_the_case_systems_missing_table_and_brings_no_error(
    imported: World, extract_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    this = extract_dir / "ssda903" / str(YEAR)
    out = tmp_path / "out"
    status = main(
        [
            "export", "ssda903", f"{YEAR - 1}-{str(YEAR)[2:]}",
            "--user", imported.user("manager").username, "--reason", "DfE return",
            "--header", str(this / "header.csv"), "--episodes", str(this / "episodes.csv"),
            "--previous", str(extract_dir / "ssda903" / str(YEAR - 1)), "--out", str(out),
        ]
    )  # fmt: skip
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "0 errors the merge brought" in printed
    ours = csv_rows((out / "missing.csv").read_bytes())
    theirs = csv_rows((this / "missing.csv").read_bytes())
    assert ours[0] == theirs[0]
    # the case system's own Missing table, row for row (the DfE guidance: every M and A
    # episode of a looked-after child that began in a period of care, from home or care)
    ours_set, theirs_set = set(map(tuple, ours[1:])), set(map(tuple, theirs[1:]))
    assert len(ours_set) == len(ours) - 1  # no row twice
    assert theirs_set <= ours_set
    # The synth's case system leaves out an episode drawn as "from home" for a child who
    # was in care then; by the DfE guidance a looked-after child missing from anywhere is
    # in the 903. Every row only homeward has must be such an episode: it began on a day
    # of one of the child's periods of care in the extract.
    extra = ours_set - theirs_set
    care = care_days(extract_dir)
    for who, _dob, _code, began, _end in extra:
        day = datetime.strptime(began, "%d/%m/%Y").date()
        assert any(s <= day and (e is None or day <= e) for s, e in care[who]), who
    assert len(extra) <= 3  # the synth's few, not a different table
    assert {row[2] for row in ours[1:]} == {"M", "A"}  # away rows stay away

    # without the case system's files, homeward's own tables have the same Missing rows,
    # from the imported periods of care, keyed by person id
    own = build_ssda903(start=date(YEAR - 1, 4, 1), end=date(YEAR, 3, 31), degrade=False)
    files = {f.name: f.data for f in own.files}
    assert set(map(tuple, csv_rows(files["missing.csv"])[1:])) == ours_set
    run = run_validator(files, year=str(YEAR), la=imported.authority.gss_code)
    # the Missing table passes; the Episodes rows lack what the SSD does not carry (the
    # home postcode, the placement's LA): those rules are the case system's 903's to meet
    assert not [e.describe() for e in run.errors if e.table in ("Missing", "Header")]


def test_ssd_missing_gives_back_the_extracts_rows_exactly(
    imported: World, extract_dir: Path
) -> None:
    export = build_ssd_missing(start=date(YEAR - 1, 4, 1), end=date(YEAR, 3, 31), degrade=False)
    (file,) = export.files
    ours = csv_rows(file.data)
    theirs = csv_rows((extract_dir / "ssd_missing.csv").read_bytes())
    assert ours[0] == theirs[0] == list(SSD_MISSING_COLUMNS)
    assert len(ours) == len(theirs) > 900
    assert set(map(tuple, ours[1:])) == set(map(tuple, theirs[1:]))


def test_list_8_from_the_imported_care_data_has_every_required_column(
    imported: World, extract_dir: Path
) -> None:
    imported.authority.gss_code = SYNTH_AUTHORITY  # the synth's authority is the home one
    imported.authority.save(update_fields=["gss_code"])
    as_of = date(YEAR, 3, 31)
    export = build_annex_a_list8(start=date(YEAR - 1, 4, 1), end=as_of, degrade=False)
    csv_file = next(f for f in export.files if f.name.endswith(".csv"))
    rows = list(csv.DictReader(io.StringIO(csv_file.data.decode("utf-8-sig"))))
    assert len(rows) == export.rows > 50
    for row in rows:
        blank = [c for c in annex_a.REQUIRED_COLUMNS if not row[c]]
        assert not blank, (row[annex_a.CHILD_ID], blank)
    # every child in care on the date is there, and those who left care in the 6 months
    # before it: the 903's Episodes (the case system's own) say who they are
    episodes = list(csv.DictReader((extract_dir / "ssda903" / str(YEAR) / "episodes.csv").open()))
    in_care = {r["CHILD"] for r in episodes if not r["DEC"]}
    left = {
        r["CHILD"]
        for r in episodes
        if r["DEC"]
        and date(YEAR - 1, 9, 30) <= datetime.strptime(r["DEC"], "%d/%m/%Y").date()
        and r["CHILD"] not in in_care
    }
    listed = {row[annex_a.CHILD_ID] for row in rows}
    assert in_care <= listed and left <= listed and left
    leavers = [row for row in rows if row[annex_a.CEASED]]
    assert {row[annex_a.CHILD_ID] for row in leavers} >= left
    # the placement type is the 903 PLACE code the case system's Episodes row has
    latest = {r["CHILD"]: r["PLACE"] for r in episodes if not r["DEC"]}
    for row in rows:
        if row[annex_a.CHILD_ID] in latest:
            assert row[annex_a.PLACEMENT_TYPE].split(":")[0] == latest[row[annex_a.CHILD_ID]]
    # homeward's columns: the episodes of the 12 months, counted
    missing = sum(int(row[annex_a.MISSING] or 0) + int(row[annex_a.ABSENT] or 0) for row in rows)
    assert missing > 0
