"""The performance pack as a workbook and as a PDF, each table with its chart (pure core).

The pack is a list of sections, each a small table whose first column names the rows and
one of whose columns is charted. `homeward.returns.pack` fills it from the records; this
module only lays it out:

- XLSX (XlsxWriter): a contents sheet, then one sheet per section with the table and a
  native bar chart of the charted column. Text is written as text (never a formula).
- PDF (WeasyPrint): an HTML document with each table and an SVG bar chart (with a title
  and a description naming every value, for screen readers), printed on A4.

A suppressed count (a small number, when the pack leaves the authority) is `None` and
shows as `[c]`, the Government Statistical Service's mark for a confidential value.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import jinja2
import xlsxwriter

from homeward.formats.pdf import self_contained_pdf
from homeward.formats.safe import safe_text

#: What a suppressed count shows (GSS guidance on symbols in tables).
SUPPRESSED = "[c]"
#: The smallest and largest count that suppression hides.
SMALL = (1, 4)

Cell = str | int | None


def suppressed(value: int | None, suppress: bool) -> int | None:
    """`value`, or None when suppression is asked for and it is between 1 and 4."""
    if suppress and value is not None and SMALL[0] <= value <= SMALL[1]:
        return None
    return value


def percent(numerator: int | None, denominator: int | None) -> str:
    """A whole percentage rounded half up ("" when it cannot be formed or a part is hidden)."""
    if numerator is None or denominator is None or denominator <= 0:
        return ""
    return f"{(200 * numerator + denominator) // (2 * denominator)}%"


@dataclass(frozen=True)
class Section:
    """One table of the pack. `chart` is the index of the column drawn as bars (a count)."""

    key: str
    title: str
    description: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    chart: int | None = 1
    note: str = ""

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"{self.key}: a row has {len(row)} cells for {self.columns}")
        if self.chart is not None and not 0 < self.chart < len(self.columns):
            raise ValueError(f"{self.key}: no column {self.chart} to chart")


@dataclass(frozen=True)
class Pack:
    title: str
    authority: str
    period: str
    made: date
    convention: str
    suppressed: bool
    sections: tuple[Section, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)


def _shown(value: Cell) -> str:
    if value is None:
        return SUPPRESSED
    if isinstance(value, int):
        return f"{value:,}"
    return value


# --- XLSX ----------------------------------------------------------------------------------

_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet_name(index: int, title: str) -> str:
    return f"{index} {title.translate(_SHEET_FORBIDDEN)}"[:31].strip()


def render_xlsx(pack: Pack) -> bytes:
    """The pack as an XLSX workbook: contents, then a sheet and a chart per section."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    heading = book.add_format({"bold": True, "font_size": 14})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    contents = book.add_worksheet("Contents")
    contents.set_column(0, 0, 34)
    contents.set_column(1, 1, 90)
    contents.write_string(0, 0, safe_text(pack.title), heading)
    details = [
        ("Authority", pack.authority),
        ("Period", pack.period),
        ("Made", pack.made.isoformat()),
        ("Within the timescale", pack.convention),
        (
            "Small numbers",
            f"counts from 1 to 4 shown as {SUPPRESSED}" if pack.suppressed else "shown",
        ),
    ]
    row = 2
    for name, value in details:
        contents.write_string(row, 0, name, bold)
        contents.write_string(row, 1, safe_text(value), wrap)
        row += 1
    for note in pack.notes:
        contents.write_string(row, 1, safe_text(note), wrap)
        row += 1
    row += 1
    contents.write_string(row, 0, "Sheet", bold)
    contents.write_string(row, 1, "What it shows", bold)
    for index, section in enumerate(pack.sections, start=1):
        row += 1
        name = _sheet_name(index, section.title)
        contents.write_string(row, 0, name)
        contents.write_string(row, 1, safe_text(section.description), wrap)
        _section_sheet(book, name, section, bold, wrap)
    book.close()
    return buffer.getvalue()


def _section_sheet(book: object, name: str, section: Section, bold: object, wrap: object) -> None:
    sheet = book.add_worksheet(name)  # type: ignore[attr-defined]
    sheet.set_column(0, 0, 44)
    sheet.set_column(1, len(section.columns) - 1, 16)
    sheet.write_string(0, 0, safe_text(section.title), bold)
    sheet.write_string(1, 0, safe_text(section.description))
    top = 3
    for column, header in enumerate(section.columns):
        sheet.write_string(top, column, safe_text(header), bold)
    for offset, cells in enumerate(section.rows, start=1):
        for column, value in enumerate(cells):
            if isinstance(value, int):
                sheet.write_number(top + offset, column, value)
            else:
                sheet.write_string(top + offset, column, safe_text(_shown(value)))
    last = top + len(section.rows)
    if section.note:
        sheet.write_string(last + 2, 0, safe_text(section.note), wrap)
    if section.chart is None or not section.rows:
        return
    chart = book.add_chart({"type": "bar"})  # type: ignore[attr-defined]
    chart.add_series(
        {
            "name": [name, top, section.chart],
            "categories": [name, top + 1, 0, last, 0],
            "values": [name, top + 1, section.chart, last, section.chart],
            "fill": {"color": "#1d70b8"},
            "data_labels": {"value": True},
        }
    )
    chart.set_title({"name": section.title})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True})
    chart.set_size({"width": 640, "height": max(240, 40 + 28 * len(section.rows))})
    sheet.insert_chart(last + 4, 0, chart)


# --- HTML and PDF --------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    y: int
    width: int


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    desc: str
    width: int
    height: int
    label_width: int
    bars: tuple[Bar, ...]


def chart_of(section: Section) -> Chart | None:
    """A horizontal bar chart of the section's charted column (hidden counts draw nothing)."""
    if section.chart is None or not section.rows:
        return None
    label_width, space, row = 230, 300, 26
    values = [cells[section.chart] for cells in section.rows]
    largest = max((v for v in values if isinstance(v, int)), default=0)
    bars = []
    for index, cells in enumerate(section.rows):
        value = cells[section.chart]
        width = round(space * value / largest) if isinstance(value, int) and largest else 0
        bars.append(Bar(str(_shown(cells[0])), _shown(value), 6 + index * row, width))
    column = section.columns[section.chart].lower()
    listed = "; ".join(f"{bar.label}: {bar.value}" for bar in bars)
    return Chart(
        id=f"chart-{section.key}",
        title=f"Bar chart: {section.title.lower()}, {column}",
        desc=f"{section.columns[section.chart]} by {section.columns[0].lower()}: {listed}.",
        width=label_width + space + 70,
        height=12 + row * len(bars),
        label_width=label_width,
        bars=tuple(bars),
    )


_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def render_html(pack: Pack) -> str:
    items = [(section, chart_of(section)) for section in pack.sections]
    return _TEMPLATES.get_template("pack.html").render(
        pack=pack, items=items, shown=_shown, suppressed_mark=SUPPRESSED
    )


def render_pdf(pack: Pack) -> bytes:
    """The pack as an A4 PDF. The document fetches nothing: its style and charts are inline."""
    return self_contained_pdf(render_html(pack))


def column_values(section: Section, column: int) -> Sequence[Cell]:
    """One column's cells, in row order (for tests and checks)."""
    return [cells[column] for cells in section.rows]
