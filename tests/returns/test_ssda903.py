"""The SSDA903 export from the records, checked by DfE's own validator.

The validator (csc-validator-be-903) lives in its own virtualenv, `.venv-903`, which
`make install` builds from requirements-903.txt; it runs here in a subprocess.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from homeward.cases import codes
from homeward.cases.demo_data import seed_demo
from homeward.cases.models import Child, Episode
from homeward.formats import ssda903
from homeward.organisations.models import Authority
from homeward.returns.files import Export
from homeward.returns.ssda903 import build_ssda903
from tests.factories import World, make_child, make_episode, make_world

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = ROOT / ".venv-903" / "bin" / "python"
SCRIPT = ROOT / "scripts" / "validate_903.py"
YEAR = {"start": date(2025, 4, 1), "end": date(2026, 3, 31)}
#: The Missing table's rules, and the internal checks that tie it to the Header.
MISSING_RULES = {
    "1004", "1005", "1006", "564", "565", "566", "567", "570", "571", "574", "575",
    "576", "577", "578", "580", "581", "586", "INT04", "INT13",
}  # fmt: skip
#: Other rules that fire, on what homeward does not record (docs/returns-ssda903.md): no
#: real postcodes in generated data (169, 179, 392c), no home postcode (392b), no Ofsted
#: URN (218), sex not known (232), supported accommodation since the start of care (371).
NOT_RECORDED = {"169", "179", "218", "232", "371", "392b", "392c"}


def at(day: str, hour: int = 12) -> datetime:
    moment: datetime = timezone.make_aware(datetime.fromisoformat(f"{day}T{hour:02d}:00"))
    return moment


def looked_after(world: World, since: date | None, **fields: Any) -> Child:
    values: dict[str, Any] = {
        "legal_status": codes.LegalStatus.LOOKED_AFTER,
        "placement_type": codes.PlacementType.FOSTER,
        "sex": codes.Sex.FEMALE,
        "ethnicity": codes.Ethnicity.WBRI,
    }
    values.update(fields)
    child = make_child(world, **values)
    Child.objects.filter(pk=child.pk).update(looked_after_since=since)
    child.refresh_from_db()
    return child


def care_episode(
    world: World, child: Child, start: datetime, back: datetime | None, kind: str = "missing"
) -> None:
    returned_after = None if back is None else back - start
    make_episode(
        world, child, started=start, returned_after=returned_after, missing_from="care",
        category=kind,
    )  # fmt: skip


def table(export: Export, name: str) -> list[dict[str, str]]:
    (data,) = [f.data for f in export.files if f.name == name]
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def validate(export: Export, folder: Path) -> list[dict[str, Any]]:
    for exported in export.files:
        (folder / exported.name).write_bytes(exported.data)
    done = subprocess.run(
        [str(VALIDATOR), str(SCRIPT), str(folder), "--year", "2026", "--la", "E10000099"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    summary = json.loads(done.stderr.strip().splitlines()[-1].removeprefix("summary "))
    assert summary["crashed"] == [], summary
    assert summary["ran"] > 100, summary  # the rules did run on the three tables
    errors: list[dict[str, Any]] = json.loads(done.stdout)
    failing = any(e["rule"] in MISSING_RULES - {"INT04", "INT13"} for e in errors)
    assert done.returncode == (1 if failing else 0)
    return errors


@pytest.fixture
def records() -> dict[str, Child]:
    world = make_world()
    kids: dict[str, Child] = {}
    # Away then missing on the same day; an episode open at the year end; one carried over
    # from last year (open on 31 March 2025); one that ended before the year.
    a = kids["a"] = looked_after(world, date(2024, 2, 3), date_of_birth=date(2010, 5, 14))
    Child.objects.filter(pk=a.pk).update(upn="A999200110001")
    care_episode(world, a, at("2025-03-30", 9), at("2025-03-30", 20))
    care_episode(world, a, at("2025-03-31", 22), at("2025-04-01", 2))
    care_episode(world, a, at("2025-06-05", 10), at("2025-06-05", 14), kind="absent")
    care_episode(world, a, at("2025-06-05", 20), at("2025-06-07", 8))
    care_episode(world, a, at("2026-03-20", 23), None)
    # Missing from home (a visit) while looked after: in the return.
    make_episode(world, a, started=at("2025-09-01", 10), missing_from="home")
    # Care began mid-year; an episode from home before it, one just after the year.
    b = kids["b"] = looked_after(
        world, date(2025, 6, 10), sex=codes.Sex.MALE, date_of_birth=date(2009, 11, 2),
        placement_type=codes.PlacementType.CHILDRENS_HOME, ethnicity=codes.Ethnicity.BAFR,
    )  # fmt: skip
    make_episode(world, b, started=at("2025-05-01"), missing_from="home")
    care_episode(world, b, at("2025-06-12", 1), at("2025-06-13", 5))
    care_episode(world, b, at("2026-04-01", 0), at("2026-04-01", 6))
    # Turned 18 in the year while missing: the episode ends at the birthday, so does care.
    c = kids["c"] = looked_after(
        world, date(2023, 1, 1), date_of_birth=date(2007, 11, 15),
        placement_type=codes.PlacementType.SEMI_INDEPENDENT, ethnicity=codes.Ethnicity.MWBC,
    )  # fmt: skip
    care_episode(world, c, at("2025-10-01", 18), at("2025-10-02", 9), kind="absent")
    care_episode(world, c, at("2025-11-10", 18), None)
    # Sex not known, "other" placement; away from 31 March into 1 April: open at year end.
    g = kids["g"] = looked_after(
        world, date(2022, 9, 1), sex=codes.Sex.UNKNOWN, date_of_birth=date(2012, 1, 9),
        placement_type=codes.PlacementType.OTHER, ethnicity=codes.Ethnicity.NOBT,
    )  # fmt: skip
    care_episode(world, g, at("2026-03-31", 23), at("2026-04-01", 3), kind="absent")
    # Overlapping records: one absence recorded twice, written once.
    h = kids["h"] = looked_after(
        world, date(2024, 7, 1), sex=codes.Sex.MALE, date_of_birth=date(2011, 3, 3),
        placement_type=codes.PlacementType.PLACED_WITH_PARENTS,
    )  # fmt: skip
    care_episode(world, h, at("2025-08-01", 20), at("2025-08-10", 9))
    care_episode(world, h, at("2025-08-05", 21), at("2025-08-06", 2), kind="absent")
    # Looked after with no start of care recorded: left out, with a note.
    d = kids["d"] = looked_after(world, None, first_name="Dana")
    care_episode(world, d, at("2025-09-01"), at("2025-09-02"))
    # Not looked after: missing from home, in no table.
    e = kids["e"] = make_child(world, first_name="Eli")
    make_episode(world, e, started=at("2025-07-07"), missing_from="home")
    # Placed here by another authority: theirs to return.
    other = Authority.objects.create(gss_code="E06099901", name="Brackenmouth Council")
    f = kids["f"] = looked_after(world, date(2024, 1, 1), responsible_authority=other)
    care_episode(world, f, at("2025-10-10"), at("2025-10-11"))
    return kids


def test_the_three_tables_hold_the_years_episodes(records: dict[str, Child]) -> None:
    export = build_ssda903(**YEAR, degrade=False)
    assert [f.name for f in export.files] == ["header.csv", "episodes.csv", "missing.csv"]
    for f in export.files:
        assert ssda903.check_file(f.name, f.data) == []
    ref = {key: child.reference for key, child in records.items()}
    missing = [tuple(r.values()) for r in table(export, "missing.csv")]
    assert missing == [
        # homeward's "absent" is M: it does not say the whereabouts were known
        (ref["a"], "14/05/2010", "M", "31/03/2025", "01/04/2025"),
        (ref["a"], "14/05/2010", "M", "05/06/2025", "05/06/2025"),
        (ref["a"], "14/05/2010", "M", "05/06/2025", "07/06/2025"),
        (ref["a"], "14/05/2010", "M", "01/09/2025", "01/09/2025"),
        (ref["a"], "14/05/2010", "M", "20/03/2026", ""),
        (ref["b"], "02/11/2009", "M", "12/06/2025", "13/06/2025"),
        (ref["c"], "15/11/2007", "M", "01/10/2025", "02/10/2025"),
        (ref["c"], "15/11/2007", "M", "10/11/2025", "15/11/2025"),
        (ref["g"], "09/01/2012", "M", "31/03/2026", ""),
        (ref["h"], "03/03/2011", "M", "01/08/2025", "10/08/2025"),
    ]
    header = {r["CHILD"]: r for r in table(export, "header.csv")}
    assert list(header) == [ref[k] for k in "abcgh"]
    assert [header[ref[k]]["SEX"] for k in "abgh"] == ["F", "M", "U", "M"]
    assert header[ref["a"]]["UPN"] == "A999200110001"
    assert header[ref["b"]]["UPN"] == "UN4"
    assert header[ref["a"]]["MOTHER"] == "0" and header[ref["b"]]["MOTHER"] == ""
    episodes = {r["CHILD"]: r for r in table(export, "episodes.csv")}
    assert episodes[ref["b"]]["DECOM"] == "10/06/2025"
    assert [episodes[ref[k]]["PLACE"] for k in "abcgh"] == ["U6", "K2", "K3", "Z14", "P1"]
    assert (episodes[ref["c"]]["DEC"], episodes[ref["c"]]["REC"]) == ("15/11/2025", "E8")
    assert episodes[ref["a"]]["DEC"] == ""
    assert sorted(export.children) == sorted(records[k].pk for k in "abcgh")
    assert export.rows == len(missing)
    notes = " ".join(export.notes)
    assert f"{ref['d']}: left out" in notes and "DECOM" in notes
    assert f"{ref['f']}: left out" in notes and "Brackenmouth" in notes
    assert "recorded more than once" in notes and "01/08/2025 to 10/08/2025" in notes
    assert ref["e"] not in notes + str(missing) + str(header)


def test_dfe_validator_finds_no_missing_table_error(
    records: dict[str, Child], tmp_path: Path
) -> None:
    errors = validate(build_ssda903(**YEAR, degrade=False), tmp_path)
    assert [e for e in errors if e["rule"] in MISSING_RULES] == []
    assert {e["rule"] for e in errors} <= NOT_RECORDED


def test_the_validator_does_fail_a_broken_missing_table(
    records: dict[str, Child], tmp_path: Path
) -> None:
    export = build_ssda903(**YEAR, degrade=False)
    (missing,) = [f for f in export.files if f.name == "missing.csv"]
    lines = missing.data.decode().splitlines()
    # Reopen an episode that has a later one (574), start one before birth (586) and
    # give another child's date of birth (INT13).
    first = lines[1].split(",")
    broken = [
        ",".join([*first[:4], ""]),
        ",".join([*first[:3], "01/01/2001", first[4]]),
        ",".join([first[0], "01/01/2011", *first[2:]]),
    ]
    (tmp_path / "missing.csv").write_text("\r\n".join([lines[0], *broken, *lines[2:]]) + "\r\n")
    for f in export.files:
        if f.name != "missing.csv":
            (tmp_path / f.name).write_bytes(f.data)
    done = subprocess.run(
        [str(VALIDATOR), str(SCRIPT), str(tmp_path), "--year", "2026"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    fired = {e["rule"] for e in json.loads(done.stdout)}
    assert {"574", "586", "INT13"} <= fired


def test_degrade_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be degraded"):
        build_ssda903(**YEAR, degrade=True)


def test_only_a_collection_year() -> None:
    with pytest.raises(ValueError, match="1 April to 31 March"):
        build_ssda903(start=date(2025, 1, 1), end=date(2025, 12, 31), degrade=False)


def test_the_demo_authoritys_return_passes(tmp_path: Path) -> None:
    seed_demo(seed=3, children=160, years=2, today=date(2026, 5, 20))
    looked = Child.objects.filter(legal_status=codes.LegalStatus.LOOKED_AFTER)
    assert looked.exists() and not looked.filter(looked_after_since__isnull=True).exists()
    assert not looked.filter(upn="").exists()
    for child in looked.exclude(date_of_birth=None):
        first = child.episodes.order_by("started_at").first()
        assert child.looked_after_since is not None
        assert child.date_of_birth < child.looked_after_since
        if first is not None:
            assert child.looked_after_since < timezone.localtime(first.started_at).date()
    export = build_ssda903(**YEAR, degrade=False)
    assert len(table(export, "missing.csv")) > 20
    errors = validate(export, tmp_path)
    assert [e for e in errors if e["rule"] in MISSING_RULES] == []
    assert {e["rule"] for e in errors} <= NOT_RECORDED


def test_every_homeward_code_has_a_903_code() -> None:
    assert set(ssda903.SEX) == set(codes.Sex.values)
    assert set(ssda903.ETHNIC) == set(codes.Ethnicity.values)
    assert set(ssda903.PLACE) == set(codes.PlacementType.values)
    assert set(ssda903.MISSING) == set(codes.Category.values)


def test_away_only_when_the_whereabouts_were_known(records: dict[str, Child]) -> None:
    """Recorded as known: A; not known or not recorded: M (homeward's own tables, with
    the note that their children have no imported care data)."""
    child = records["b"]
    Episode.objects.filter(child=child).update(whereabouts_known=True)
    export = build_ssda903(**YEAR, degrade=False)
    kinds = {r["CHILD"]: r["MISSING"] for r in table(export, "missing.csv")}
    assert kinds[child.reference] == "A" and kinds[records["a"].reference] == "M"
    assert any("no imported care data" in note for note in export.notes)
