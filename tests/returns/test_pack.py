"""The performance pack from the records: each table's figures, suppression, and the files."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from pypdf import PdfReader

from homeward.formats.pack import SUPPRESSED, column_values
from homeward.returns import pack
from tests.cases.test_indicator_tables import build_records

pytestmark = pytest.mark.django_db
YEAR = {"start": date(2025, 4, 1), "end": date(2026, 3, 31)}


def sections(**kwargs):  # type: ignore[no-untyped-def]
    made = pack.performance_pack(**kwargs)
    return {section.key: section for section in made.sections}


def row_of(section, label):  # type: ignore[no-untyped-def]
    (row,) = [row for row in section.rows if row[0] == label]
    return row


def test_the_year_in_every_table():
    build_records()
    got = sections(**YEAR, suppress=False)

    summary = got["summary"]
    assert row_of(summary, "Missing or absent episodes (incidents)")[1] == 7
    assert row_of(summary, "Children they relate to")[1] == 3
    assert row_of(summary, "Offer declined")[1:] == (1, "14%")
    assert row_of(summary, "Interview completed")[1:] == (3, "43%")

    declines = got["declines"]
    assert row_of(declines, "The child did not want to talk about it")[1:] == (1, 1, 0)
    assert sum(column_values(declines, 1)) == 1  # type: ignore[arg-type]

    lateness = got["lateness"]
    assert row_of(lateness, "Completed on time")[1] == 1
    assert row_of(lateness, "Late: The child could not be reached or seen")[1] == 2

    repeats = got["repeats"]
    assert row_of(repeats, "2 episodes")[1:] == (2, 4)
    assert row_of(repeats, "3 or 4 episodes")[1:] == (1, 3)

    months = got["months"]
    assert [row[0] for row in months.rows][:1] == ["2025-04"]
    assert sum(column_values(months, 1)) == 7  # type: ignore[arg-type]

    conventions = got["conventions"]
    assert len(conventions.rows) == 12
    assert [row[0] for row in conventions.rows if "(own)" in str(row[0])] == [
        "From return, 72 hours, each episode (own)"
    ]

    teams = got["organisations"]
    assert sum(column_values(teams, 1)) == 7  # type: ignore[arg-type]


def test_leaving_the_authority_hides_counts_from_one_to_four():
    build_records()
    got = sections(**YEAR, suppress=True)
    assert row_of(got["summary"], "Missing or absent episodes (incidents)")[1] == 7
    assert row_of(got["summary"], "Children they relate to")[1] is None
    assert row_of(got["declines"], "The child did not want to talk about it")[1] is None
    assert row_of(got["repeats"], "2 episodes")[1] is None
    for section in got.values():
        for row in section.rows:
            assert not any(isinstance(c, int) and 1 <= c <= 4 for c in row[1:]), section.key


def test_a_month_is_a_pack_too():
    build_records()
    got = sections(start=date(2025, 11, 1), end=date(2025, 11, 30), suppress=False)
    assert row_of(got["summary"], "Missing or absent episodes (incidents)")[1] == 2
    assert [row[0] for row in got["months"].rows][-1] == "2025-11"


def test_the_files_are_a_workbook_with_charts_and_a_pdf():
    build_records()
    workbook = pack.build_pack_xlsx(**YEAR, degrade=True).files[0]
    assert workbook.name == "performance-pack-2025-26-suppressed.xlsx"
    with zipfile.ZipFile(io.BytesIO(workbook.data)) as archive:
        names = archive.namelist()
        sheets = archive.read("xl/sharedStrings.xml").decode()
    assert sum(name.startswith("xl/charts/chart") for name in names) == 7
    assert SUPPRESSED in sheets and "Declined interviews" in sheets

    pdf = pack.build_pack_pdf(**YEAR, degrade=False).files[0]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "The same period under every counting convention" in text
    assert "Bar chart" not in text  # the charts' titles are for screen readers, not print
