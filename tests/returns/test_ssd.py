"""`build_ssd_missing`: one row per episode, for every child, over the dataset's six-year
window to the end of the period, keyed by the case system's person id."""

from __future__ import annotations

import csv
import io
from datetime import date

from homeward.cases.models import Episode
from homeward.formats.ssd import SSD_MISSING_COLUMNS
from homeward.returns.ssd import build_ssd_missing
from tests.returns.records import END, START, Records


def test_one_row_per_episode_of_the_window(records: Records) -> None:
    export = build_ssd_missing(start=START, end=END, degrade=False)
    [file] = export.files
    assert file.name == "ssd_missing.csv" and file.content_type.startswith("text/csv")
    reader = csv.DictReader(io.StringIO(file.data.decode("utf-8")))
    assert tuple(reader.fieldnames or ()) == SSD_MISSING_COLUMNS
    rows = {r["miss_table_id"]: r for r in reader}
    refs = {name: records.episodes[name].reference for name in records.episodes}
    expected = {refs[n] for n in ("A1", "A2", "A3", "B1", "B2", "C1", "D1")}
    assert set(rows) == expected  # C2 started in 2025-26, after the extract's day
    assert export.rows == 7
    assert sorted(export.children) == sorted(records.children[n].pk for n in ("A", "B", "C", "D"))
    a1, a2, a3 = rows[refs["A1"]], rows[refs["A2"]], rows[refs["A3"]]
    # no case-system person id: homeward's reference (noted)
    assert a1["miss_person_id"] == records.children["A"].reference
    assert any("no case-system person id" in note for note in export.notes)
    assert a1["miss_missing_episode_start_date"] == "2024-05-10 20:00:00"  # UK time (BST)
    assert a1["miss_missing_episode_end_date"] == "2024-05-11 06:00:00"
    # "absent" says nothing of whereabouts: M unless they were known
    assert (a1["miss_missing_episode_type"], a2["miss_missing_episode_type"]) == ("M", "M")
    assert (a1["miss_missing_rhi_offered"], a1["miss_missing_rhi_accepted"]) == ("Y", "Y")
    assert (a2["miss_missing_rhi_offered"], a2["miss_missing_rhi_accepted"]) == ("NA", "NA")
    assert (a3["miss_missing_rhi_offered"], a3["miss_missing_rhi_accepted"]) == ("Y", "N")
    b2 = rows[refs["B2"]]
    assert (b2["miss_missing_rhi_offered"], b2["miss_missing_rhi_accepted"]) == ("N", "N")


def test_a_period_with_no_episodes_has_only_the_header(records: Records) -> None:
    export = build_ssd_missing(start=date(2020, 4, 1), end=date(2021, 3, 31), degrade=True)
    assert export.files[0].data.decode().strip() == ",".join(SSD_MISSING_COLUMNS)
    assert export.rows == 0 and export.children == []


def test_the_case_systems_person_id_and_a_whereabouts_known_episode(records: Records) -> None:
    child = records.children["A"]
    child.person_id = "LCS-4711"
    child.save(update_fields=["person_id"])
    Episode.objects.filter(pk=records.episodes["A2"].pk).update(whereabouts_known=True)
    Episode.objects.filter(pk=records.episodes["A3"].pk).update(whereabouts_known=False)
    export = build_ssd_missing(start=START, end=END, degrade=False)
    rows = {
        r["miss_table_id"]: r for r in csv.DictReader(io.StringIO(export.files[0].data.decode()))
    }
    a1, a2, a3 = (rows[records.episodes[n].reference] for n in ("A1", "A2", "A3"))
    assert {a1["miss_person_id"], a2["miss_person_id"], a3["miss_person_id"]} == {"LCS-4711"}
    assert [r["miss_missing_episode_type"] for r in (a1, a2, a3)] == ["M", "A", "M"]


def test_the_window_is_six_years_to_the_end_of_the_period(records: Records) -> None:
    """The 2029-30 extract still has the episodes that ended in 2024-25 (within six years
    of 31 March 2030), the 2030-31 one only those ended after 31 March 2025."""
    in_2029 = build_ssd_missing(start=date(2029, 4, 1), end=date(2030, 3, 31), degrade=False)
    assert in_2029.rows == 8  # C2 (2025-26) too
    in_2030 = build_ssd_missing(start=date(2030, 4, 1), end=date(2031, 3, 31), degrade=False)
    assert in_2030.rows == 1  # C2 only
