"""Every registered export, made from the same records with hostile text in them: no cell of
a CSV or XLSX file can run as a formula, and a degraded export holds no full postcode or
exact date of birth of the children in it."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest

from homeward.formats.safe import FORMULA_START
from homeward.organisations.models import Organisation
from homeward.returns import exports
from homeward.returns.files import ExportFile
from homeward.returns.models import FoiSettings
from tests.returns.records import make_records

pytestmark = pytest.mark.django_db
HOSTILE = '=HYPERLINK("http://example.invalid","x")'
PERIOD = "2024-25"


def _texts(file: ExportFile) -> list[str]:
    """Every cell of a CSV file, or every text of an XLSX file, whose cells must also be
    values, never formulas (a text cell of a workbook is shown, not run)."""
    if file.name.endswith(".csv"):
        rows = csv.reader(io.StringIO(file.data.decode("utf-8-sig")))
        return [cell for row in rows for cell in row]
    if file.name.endswith(".xlsx"):
        with zipfile.ZipFile(io.BytesIO(file.data)) as book:
            names = book.namelist()
            for name in names:
                if name.startswith("xl/worksheets/"):
                    assert not re.search(rb"<f[ >]", book.read(name)), (file.name, name)
            strings = (
                book.read("xl/sharedStrings.xml").decode()
                if "xl/sharedStrings.xml" in names
                else ""
            )
        return re.findall(r"<t[^>]*>([^<]*)</t>", strings)
    return []


@pytest.fixture
def hostile(world):  # type: ignore[no-untyped-def]
    records = make_records(world)
    world.team.name = HOSTILE
    world.team.save()
    for child in records.children.values():
        child.social_worker = HOSTILE
        child.save()
    FoiSettings.objects.update_or_create(
        authority=world.authority,
        defaults={"service_comments": HOSTILE, "follow_up_details": "-1 or +1 days"},
    )
    assert Organisation.objects.filter(name=HOSTILE).exists()
    return records


@pytest.mark.parametrize("kind", exports.KINDS, ids=lambda kind: kind.name)
def test_no_cell_runs_as_a_formula(hostile, kind):
    start, end = exports.period_bounds(PERIOD)
    for degrade in (False, True) if kind.degradable else (False,):
        made = kind.build(start=start, end=end, degrade=degrade)
        assert made.files, kind.name
        for file in made.files:
            texts = _texts(file)  # an XLSX file's cells are checked for formulas here
            if file.name.endswith(".csv"):
                risky = [t for t in texts if t.startswith(FORMULA_START)]
                assert risky == [], (kind.name, file.name, risky[:3])


#: Personal exports that can be degraded, and whether they hold dates of birth at all.
DEGRADABLE = {"annex-a-list-8": True, "ssd-missing": False}


def test_every_degradable_personal_export_is_checked():
    assert {k.name for k in exports.KINDS if k.personal and k.degradable} == set(DEGRADABLE)


@pytest.mark.parametrize("name", sorted(DEGRADABLE))
def test_a_degraded_export_has_no_full_postcode_or_date_of_birth(hostile, name):
    kind = exports.BY_NAME[name]
    start, end = exports.period_bounds(PERIOD)
    full = kind.build(start=start, end=end, degrade=False)
    degraded = kind.build(start=start, end=end, degrade=True)
    born = [c.date_of_birth for c in hostile.children.values() if c.date_of_birth]
    shown = {f"{d:%d/%m/%Y}" for d in born} | {d.isoformat() for d in born}
    postcodes = {c.postcode for c in hostile.children.values() if c.postcode}
    full_text = " ".join(t for f in full.files for t in _texts(f))
    text = " ".join(t for f in degraded.files for t in _texts(f))
    assert any(s in full_text for s in shown) is DEGRADABLE[name]
    assert not [s for s in shown if s in text]
    assert not [p for p in postcodes if p in text or p.replace(" ", "") in text]
