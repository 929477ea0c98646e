"""`homeward export ssda903 --header H --episodes E [--previous DIR]`: homeward's Missing
table merged with the case system's own files, validated by DfE's validator.

Every child here has a case system's person id (`Child.person_id`, which the SSD import
sets): `P` and the child's id.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from homeward.audit.models import AccessEvent
from homeward.cases.models import Child, Episode
from homeward.cli import main
from homeward.formats import ssda903
from homeward.returns.ssda903 import homeward_episodes
from tests import factories
from tests.factories import World, make_episode, make_world

pytestmark = pytest.mark.django_db


def make_child(world: World, **fields: object) -> Child:
    """A child with a case system's person id, as an imported or matched child has."""
    child = factories.make_child(world, **fields)
    child.person_id = f"P{child.pk}"
    child.save(update_fields=["person_id"])
    return child


def at(day: str, hour: int = 12) -> datetime:
    moment: datetime = timezone.make_aware(datetime.fromisoformat(f"{day}T{hour:02d}:00"))
    return moment


def case_files(folder: Path, looked_after: Child, dob: str = "14/05/2011") -> tuple[Path, Path]:
    """The case system's Header and Episodes: one child in care since 2024."""
    who = f"P{looked_after.pk}"
    header = folder / "lcs_header.csv"
    episodes = folder / "lcs_episodes.csv"
    header.write_bytes(
        ssda903.write_csv(
            ssda903.HEADER_COLUMNS, [(who, "F", dob, "WBRI", "A999999999999", "0", "")]
        )
    )
    episodes.write_bytes(
        ssda903.write_csv(
            ssda903.EPISODES_COLUMNS,
            [(who, "03/02/2024", "S", "C2", "N1", "U1", "PR1", "", "", "", "ZZ1 1AA", "", "")],
        )
    )
    return header, episodes


def records(world: World) -> tuple[Child, Child]:
    """A looked-after child (missing from home while in care, then from care) and a child
    the case system's files do not have."""
    cared = make_child(world)
    other = make_child(world, first_name="Sam")
    make_episode(world, cared, started=at("2025-07-01", 21), returned_after=timedelta(hours=30))
    make_episode(
        world, cared, started=at("2026-03-20"), returned_after=None, missing_from="care",
        category="absent",
    )  # fmt: skip
    make_episode(world, other, started=at("2025-08-01"))
    return cared, other


def arguments(world: World, header: Path, episodes: Path, out: Path) -> list[str]:
    manager = world.user("manager").username
    return [
        "export", "ssda903", "2025-26", "--user", manager, "--reason", "DfE return",
        "--header", str(header), "--episodes", str(episodes), "--out", str(out),
    ]  # fmt: skip


def test_the_merged_return_is_written_and_validated(tmp_path: Path, capsys) -> None:
    world = make_world()
    cared, _other = records(world)
    header, episodes = case_files(tmp_path, cared)
    out = tmp_path / "out"
    assert main(arguments(world, header, episodes, out)) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "episodes.csv", "header.csv", "missing.csv", "notes.txt", "validation.txt"
    ]  # fmt: skip
    assert (out / "header.csv").read_bytes() == header.read_bytes()
    rows = list(csv.reader(io.StringIO((out / "missing.csv").read_text())))
    who = f"P{cared.pk}"
    assert rows == [
        list(ssda903.MISSING_COLUMNS),
        [who, "14/05/2011", "M", "01/07/2025", "03/07/2025"],
        [who, "14/05/2011", "M", "20/03/2026", ""],
    ]
    printed = capsys.readouterr().out
    assert "2 Missing rows, 1 children" in printed
    assert "0 errors the merge brought" in printed
    assert "Errors the merge brought: 0" in (out / "validation.txt").read_text()
    child_rows = AccessEvent.objects.filter(action="export", child_id__isnull=False)
    assert [e.child_id for e in child_rows] == [cared.pk]
    assert AccessEvent.objects.get(action="export", child_id__isnull=True).reason == "DfE return"


def test_an_error_the_merge_brings_is_printed_and_the_status_says_so(tmp_path: Path, capsys):
    """Away when care ended at 18: the case system's REC must be E8 (rule 580), an error
    only once homeward's Missing row is beside its Episodes row."""
    world = make_world()
    child = make_child(world, date_of_birth=date(2007, 10, 10))
    make_episode(world, child, started=at("2025-10-01"), returned_after=None)
    header, episodes = case_files(tmp_path, child, dob="10/10/2007")
    who = f"P{child.pk}"
    episodes.write_bytes(
        ssda903.write_csv(
            ssda903.EPISODES_COLUMNS,
            [
                (
                    who,
                    "01/09/2022",
                    "S",
                    "C2",
                    "N1",
                    "U1",
                    "PR1",
                    "10/10/2025",
                    "E4A",
                    "",
                    "",
                    "",
                    "",
                )
            ],
        )
    )
    status = main(arguments(world, header, episodes, tmp_path / "out"))
    printed = capsys.readouterr().out
    assert status == 1
    assert f"  580 Episodes line 2 ({who}): Child is missing when cease" in printed
    assert "1 errors the merge brought" in printed
    rows = (tmp_path / "out" / "missing.csv").read_text().splitlines()
    assert rows[1:] == [f"{who},10/10/2007,M,01/10/2025,10/10/2025"]
    notes = (tmp_path / "out" / "notes.txt").read_text()
    assert "care ended on 10/10/2025 while the child was away" in notes


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("bad header", "lcs_header.csv, line 1: the columns are CHILD,SEX"),
        ("no episodes", "--header and --episodes (both)"),
        ("worker", "may not take the export ssda903"),
        ("month", "financial year"),
    ],
)
def test_refusals_write_nothing(tmp_path: Path, capsys, change: str, message: str) -> None:
    world = make_world()
    cared, _ = records(world)
    header, episodes = case_files(tmp_path, cared)
    out = tmp_path / "out"
    given = arguments(world, header, episodes, out)
    if change == "bad header":
        header.write_bytes(b"CHILD,SEX\r\nP1,F\r\n")
    elif change == "no episodes":
        given = given[: given.index("--episodes")] + given[given.index("--out") :]
    elif change == "worker":
        given[given.index("--user") + 1] = world.user("worker").username
    else:
        given[2] = "2025-11"
    assert main(given) == 2
    assert message in capsys.readouterr().out
    assert not out.exists()
    assert not AccessEvent.objects.filter(action="export").exists()


def test_homeward_episodes_key_by_person_id_and_leave_out_entered_in_error() -> None:
    world = make_world()
    cared, other = records(world)
    Episode.objects.filter(child=other).update(entered_in_error_at=timezone.now())
    found, children, unkeyed = homeward_episodes(end=date(2026, 3, 31))
    assert [(e.person_id, e.category, e.missing_from) for e in found] == [
        (f"P{cared.pk}", "missing", "home"),
        (f"P{cared.pk}", "absent", "care"),
    ]
    assert found[0].start == datetime(2025, 7, 1, 21) and found[0].end == datetime(2025, 7, 3, 3)
    assert children == {f"P{cared.pk}": [cared.pk]} and unkeyed == 0
    _, _, unkeyed = homeward_episodes(
        end=date(2026, 3, 31), key=lambda c: "" if c.pk == cared.pk else "P"
    )
    assert unkeyed == 1


def test_files_are_written_but_the_status_says_when_not_validated(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    from homeward.formats import ssda903_merge
    from homeward.formats.validator903 import ValidatorFailed

    def fails(*args: object, **kwargs: object) -> None:
        raise ValidatorFailed("the validator's virtualenv is not built (.venv-903)")

    monkeypatch.setattr(ssda903_merge, "check_merge", fails)
    world = make_world()
    cared, _ = records(world)
    header, episodes = case_files(tmp_path, cared)
    last = tmp_path / "last"
    last.mkdir()
    (last / "episodes.csv").write_bytes(episodes.read_bytes())
    out = tmp_path / "out"
    given = arguments(world, header, episodes, out)
    assert main([*given, "--previous", str(last)]) == 1
    assert "not validated: the validator's virtualenv is not built" in capsys.readouterr().out
    assert (out / "missing.csv").exists() and not (out / "validation.txt").exists()
    assert main([*given, "--previous", str(tmp_path / "nowhere")]) == 2
    assert "not found: " in capsys.readouterr().out
