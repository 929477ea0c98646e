"""`build_ssd_missing`: one row per episode that started in the period, for every child."""

from __future__ import annotations

import csv
import io

from homeward.formats.ssd import SSD_MISSING_COLUMNS
from homeward.returns.ssd import build_ssd_missing
from tests.returns.records import END, START, Records


def test_one_row_per_episode_of_the_year(records: Records) -> None:
    export = build_ssd_missing(start=START, end=END, degrade=False)
    [file] = export.files
    assert file.name == "ssd_missing.csv" and file.content_type.startswith("text/csv")
    reader = csv.DictReader(io.StringIO(file.data.decode("utf-8")))
    assert tuple(reader.fieldnames or ()) == SSD_MISSING_COLUMNS
    rows = {r["miss_table_id"]: r for r in reader}
    refs = {name: records.episodes[name].reference for name in records.episodes}
    expected = {refs[n] for n in ("A1", "A2", "A3", "B1", "B2", "C1", "D1")}
    assert set(rows) == expected  # C2 started in 2025-26
    assert export.rows == 7
    assert sorted(export.children) == sorted(records.children[n].pk for n in ("A", "B", "C", "D"))
    a1, a2, a3 = rows[refs["A1"]], rows[refs["A2"]], rows[refs["A3"]]
    assert a1["miss_person_id"] == records.children["A"].reference
    assert a1["miss_missing_episode_start_date"] == "2024-05-10 20:00:00"  # UK time (BST)
    assert a1["miss_missing_episode_end_date"] == "2024-05-11 06:00:00"
    assert (a1["miss_missing_episode_type"], a2["miss_missing_episode_type"]) == ("M", "A")
    assert (a1["miss_missing_rhi_offered"], a1["miss_missing_rhi_accepted"]) == ("Y", "Y")
    assert (a2["miss_missing_rhi_offered"], a2["miss_missing_rhi_accepted"]) == ("NA", "NA")
    assert (a3["miss_missing_rhi_offered"], a3["miss_missing_rhi_accepted"]) == ("Y", "N")
    b2 = rows[refs["B2"]]
    assert (b2["miss_missing_rhi_offered"], b2["miss_missing_rhi_accepted"]) == ("N", "N")


def test_a_period_with_no_episodes_has_only_the_header(records: Records) -> None:
    from datetime import date

    export = build_ssd_missing(start=date(2020, 4, 1), end=date(2021, 3, 31), degrade=True)
    assert export.files[0].data.decode().strip() == ",".join(SSD_MISSING_COLUMNS)
    assert export.rows == 0 and export.children == []
