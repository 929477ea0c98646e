"""Hostile police notification files (issue 11): every one is refused with a clear message,
within 2 s and 200 MB, by `parse_file` and by each of the three doors (the API, the upload
page, `homeward intake`); a refused record keeps only a bounded prefix of what it said; and a
real 50,000-record workbook still parses.

The attacks (a security review):

1. a 783 KB XLSX whose shared-strings part holds one 800 MB string: the web process reached
   8.2 GB and answered 500; `homeward intake` reached 7.8 GB and a traceback;
2. a 5 KB XLSX declaring the dimension A1:XFD1048576, with one row at 1,048,576: minutes of
   CPU filling a million empty rows of 16,384 columns;
3. a 305 KB XLSX unpacking to 100 MB of XML: 64-89 s;
4. a list nested 400-900 deep in a field: RecursionError (500 on the API, a traceback and
   exit 1 from the CLI);
5. a 10 MB field in a refused record stored whole (13 MB encrypted).

Every file is made here, in code (no binary fixtures). The ZIP files are written by hand
(`zip_file`) so that the 800 MB string is compressed once, as a block repeated, and so that a
header can lie. The time is the wall time of the call; the memory is measured twice:
`parse_file` runs in a child process that reports its own peak resident size (its whole
life, the interpreter and openpyxl included), and each door runs under `tracemalloc`.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from homeward.cli import main
from homeward.intake import services
from homeward.intake.models import BatchLine, IntakeBatch, PoliceReport
from homeward.police import limits, parse
from homeward.police.format import Category, Notification, NotificationType

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
SECONDS = 2.0
MEGABYTES = 200
MB = 1024 * 1024

# --- building ZIP files by hand --------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One part of a ZIP file, already compressed (raw deflate, or stored)."""

    name: str
    data: bytes
    crc: int
    size: int
    method: int = 8
    #: What the headers claim the part unpacks to, when it is to lie.
    declared: int | None = None


def member(name: str, content: bytes, *, level: int = 6, method: int = 8) -> Member:
    if method == 0:
        return Member(name, content, zlib.crc32(content), len(content), 0)
    squeeze = zlib.compressobj(level, zlib.DEFLATED, -15)
    data = squeeze.compress(content) + squeeze.flush()
    return Member(name, data, zlib.crc32(content), len(content))


def repeated_member(name: str, head: bytes, block: bytes, times: int, tail: bytes) -> Member:
    """`head + block * times + tail`, compressed without ever holding it: after a full flush
    deflate starts afresh, so the block compresses to the same bytes every time."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed_head = squeeze.compress(head) + squeeze.flush(zlib.Z_FULL_FLUSH)
    packed_block = squeeze.compress(block) + squeeze.flush(zlib.Z_FULL_FLUSH)
    packed_tail = squeeze.compress(tail) + squeeze.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(block) * times + len(tail)
    return Member(name, packed_head + packed_block * times + packed_tail, crc, size)


def zip_file(members: Iterable[Member]) -> bytes:
    """A ZIP archive of `members`, local headers and central directory saying the same."""
    out = io.BytesIO()
    directory = []
    for m in members:
        name = m.name.encode("utf-8")
        size = m.size if m.declared is None else m.declared
        offset = out.tell()
        out.write(
            struct.pack(
                "<4s5H3L2H",
                b"PK\x03\x04",
                20,
                0x800,
                m.method,
                0,
                0x21,
                m.crc,
                len(m.data),
                size,
                len(name),
                0,
            )
        )
        out.write(name)
        out.write(m.data)
        directory.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0x800,
                m.method,
                0,
                0x21,
                m.crc,
                len(m.data),
                size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    for entry in directory:
        out.write(entry)
    end = out.tell()
    count = len(directory)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, end - start, start, 0))
    return out.getvalue()


# --- a small workbook laid out as Excel lays one out ------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
XML_HEAD = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = (
    XML_HEAD
    + (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{TYPES}.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        f'ContentType="{TYPES}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{TYPES}.sharedStrings+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{TYPES}.styles+xml"/>'
        "</Types>"
    ).encode()
)
PACKAGE_RELS = (
    XML_HEAD
    + (
        f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
        f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ).encode()
)
WORKBOOK = (
    XML_HEAD
    + (
        f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
        '<sheet name="notifications" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ).encode()
)
WORKBOOK_RELS = (
    XML_HEAD
    + (
        f'<Relationships xmlns="{RELS}">'
        f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{DOC_RELS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ).encode()
)
STYLES = (
    XML_HEAD
    + (
        f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
        'borderId="0" xfId="0"/></cellXfs><cellStyles count="1">'
        '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ).encode()
)

#: A valid notification as a header row and a row of values.
FIELDS = {
    "force": "fictional",
    "police_reference": "FC-2026-0001",
    "notification_type": "reported_missing",
    "reported_at": "2026-10-30T22:00:00+00:00",
    "category": "missing",
    "given_names": "Jordan",
    "family_name": "Example",
}
COLUMN_LETTERS = "ABCDEFG"


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> str:
    cells = "".join(inline(f"{c}1", n) for c, n in zip(COLUMN_LETTERS, FIELDS, strict=True))
    return f'<row r="1">{cells}</row>'


def record_row(number: int) -> str:
    cells = "".join(
        inline(f"{c}{number}", v) for c, v in zip(COLUMN_LETTERS, FIELDS.values(), strict=True)
    )
    return f'<row r="{number}">{cells}</row>'


def sheet_xml(rows: str, *, dimension: str = "A1:G2", before: str = "") -> bytes:
    return (
        XML_HEAD
        + (
            f'{before}<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/>'
            f"<sheetData>{rows}</sheetData></worksheet>"
        ).encode()
    )


def shared_strings_xml(*strings: str) -> bytes:
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    return XML_HEAD + f'<sst xmlns="{MAIN}" count="{len(strings)}">{items}</sst>'.encode()


def workbook(
    *,
    sheet: Member | bytes | None = None,
    shared: Member | bytes | None = None,
    styles: Member | bytes | None = None,
    extra: Iterable[Member] = (),
) -> bytes:
    """A workbook of one sheet, "notifications" (a header and one valid record unless
    `sheet` says otherwise), with any part replaced and any more added."""

    def part(name: str, given: Member | bytes | None, default: bytes) -> Member:
        if isinstance(given, Member):
            return given
        return member(name, default if given is None else given)

    return zip_file(
        [
            member("[Content_Types].xml", CONTENT_TYPES),
            member("_rels/.rels", PACKAGE_RELS),
            member("xl/workbook.xml", WORKBOOK),
            member("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            part("xl/worksheets/sheet1.xml", sheet, sheet_xml(header_row() + record_row(2))),
            part("xl/sharedStrings.xml", shared, shared_strings_xml()),
            part("xl/styles.xml", styles, STYLES),
            *extra,
        ]
    )


# --- the hostile files -----------------------------------------------------------------------


def shared_string_800_mb() -> bytes:
    """Attack 1: one shared string of 800 MB, used by a cell; 783 KB as sent."""
    sst = repeated_member(
        "xl/sharedStrings.xml",
        XML_HEAD + f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>'.encode(),
        b"A" * MB,
        800,
        b"</t></si></sst>",
    )
    rows = header_row() + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    return workbook(sheet=sheet_xml(rows), shared=sst)


def dimension_a1_xfd1048576() -> bytes:
    """Attack 2: a dimension of the whole grid and one row at the very last row."""
    far = '<row r="1048576"><c r="A1048576"><v>1</v></c><c r="XFD1048576"><v>1</v></c></row>'
    return workbook(sheet=sheet_xml(header_row() + far, dimension="A1:XFD1048576"))


def xml_100_mb() -> bytes:
    """Attack 3: a sheet of 100 MB of XML in a file of a few hundred KB."""
    cells = "".join(inline(f"{c}2", "x") for c in COLUMN_LETTERS)
    row = f"<row>{cells}</row>".encode()
    times = 100 * MB // len(row)
    sheet = repeated_member(
        "xl/worksheets/sheet1.xml",
        XML_HEAD + f'<worksheet xmlns="{MAIN}"><sheetData>{header_row()}'.encode(),
        row * 64,
        times // 64,
        b"</sheetData></worksheet>",
    )
    return workbook(sheet=sheet)


def shared_strings_bomb() -> bytes:
    """Millions of one-letter shared strings: a part that unpacks a thousandfold."""
    sst = repeated_member(
        "xl/sharedStrings.xml",
        XML_HEAD + f'<sst xmlns="{MAIN}">'.encode(),
        b"<si><t>a</t></si>" * 4096,
        1200,
        b"</sst>",
    )
    return workbook(shared=sst)


def styles_bomb() -> bytes:
    """Millions of cell formats in the styles part, which openpyxl turns into objects."""
    styles = repeated_member(
        "xl/styles.xml",
        XML_HEAD + f'<styleSheet xmlns="{MAIN}"><cellXfs>'.encode(),
        b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>' * 1024,
        4000,
        b"</cellXfs></styleSheet>",
    )
    return workbook(styles=styles)


def million_rows() -> bytes:
    """A sheet of 1,048,576 rows, every one with a value (packed lightly, so the rows and
    not the ratio are what is refused)."""
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, 1_048_577))
    return workbook(
        sheet=member("xl/worksheets/sheet1.xml", sheet_xml(header_row() + rows), level=1)
    )


def zip_slip(name: str) -> Callable[[], bytes]:
    return lambda: workbook(extra=[member(name, b"<x/>")])


def nested_zip() -> bytes:
    inner = zip_file([member("inner.txt", b"hello")])
    return workbook(extra=[member("xl/embeddings/inner.zip", inner)])


def lying_header() -> bytes:
    """The 100 MB sheet again, its headers claiming it unpacks to 1,000 bytes."""
    cells = "".join(inline(f"{c}2", "x") for c in COLUMN_LETTERS)
    row = f"<row>{cells}</row>".encode()
    sheet = repeated_member(
        "xl/worksheets/sheet1.xml",
        XML_HEAD + f'<worksheet xmlns="{MAIN}"><sheetData>{header_row()}'.encode(),
        row * 64,
        100 * MB // len(row) // 64,
        b"</sheetData></worksheet>",
    )
    return workbook(sheet=replace(sheet, declared=1000))


def billion_laughs() -> bytes:
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10)
    )
    sheet = sheet_xml(
        header_row() + '<row r="2"><c r="A2" t="inlineStr"><is><t>&a9;</t></is></c></row>',
        before=f"<!DOCTYPE worksheet [{entities}]>",
    )
    return workbook(sheet=sheet)


def too_many_parts() -> bytes:
    return workbook(extra=[member(f"customXml/item{n}.xml", b"<x/>") for n in range(1500)])


def long_shared_string() -> bytes:
    """A shared string of 40,000 characters, over the most a cell may hold, in two runs (as
    rich text): small enough to pass the size limits, refused as it is read."""
    runs = f"<r><t>{'b' * 20_000}</t></r><r><t>{'c' * 20_000}</t></r>"
    sst = XML_HEAD + f'<sst xmlns="{MAIN}"><si>{runs}</si></sst>'.encode()
    rows = header_row() + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    return workbook(sheet=sheet_xml(rows), shared=sst)


def bzip2_part() -> bytes:
    squeezed = zlib.compress(b"<x/>")  # the method number is what is checked
    return workbook(extra=[Member("customXml/item1.xml", squeezed, zlib.crc32(b"<x/>"), 4, 12)])


def xlsx_that_is_csv() -> bytes:
    return (",".join(FIELDS) + "\n" + ",".join(FIELDS.values()) + "\n").encode()


def deep_json(depth: int) -> Callable[[], bytes]:
    def make() -> bytes:
        field = "[" * depth + '"x"' + "]" * depth
        body = json.dumps(FIELDS)[:-1] + f', "aliases": {field}}}'
        return body.encode()

    return make


@dataclass(frozen=True)
class Hostile:
    id: str
    name: str
    make: Callable[[], bytes]
    #: Words the whole-file problem must contain, naming what was over which limit.
    says: tuple[str, ...]


HOSTILE = [
    Hostile(
        "shared-string-800mb",
        "drop.xlsx",
        shared_string_800_mb,
        ("xl/sharedStrings.xml", "838,860,", "limit of 134,217,728 bytes"),
    ),
    Hostile(
        "dimension-A1-XFD1048576",
        "drop.xlsx",
        dimension_a1_xfd1048576,
        ("row 1,048,576", f"at most {limits.MAX_SHEET_ROWS:,} rows"),
    ),
    Hostile("xml-100mb", "drop.xlsx", xml_100_mb, ("xl/worksheets/sheet1.xml", "times")),
    Hostile("zip-slip-parent", "drop.xlsx", zip_slip("../../evil.xml"), ("unsafe name",)),
    Hostile("zip-slip-absolute", "drop.xlsx", zip_slip("/etc/evil.xml"), ("unsafe name",)),
    Hostile("zip-slip-drive", "drop.xlsx", zip_slip("C:/evil.xml"), ("unsafe name",)),
    Hostile("nested-zip", "drop.xlsx", nested_zip, ("xl/embeddings/inner.zip", "archive")),
    Hostile("shared-strings-bomb", "drop.xlsx", shared_strings_bomb, ("sharedStrings", "times")),
    Hostile("styles-bomb", "drop.xlsx", styles_bomb, ("xl/styles.xml",)),
    Hostile(
        "million-rows",
        "drop.xlsx",
        million_rows,
        (f"row {limits.MAX_SHEET_ROWS + 1:,}", f"at most {limits.MAX_SHEET_ROWS:,} rows"),
    ),
    Hostile("lying-header", "drop.xlsx", lying_header, ("damaged",)),
    Hostile("billion-laughs", "drop.xlsx", billion_laughs, ("document type",)),
    Hostile("too-many-parts", "drop.xlsx", too_many_parts, (f"{limits.MAX_PARTS:,} parts",)),
    Hostile(
        "long-shared-string",
        "drop.xlsx",
        long_shared_string,
        ("xl/sharedStrings.xml", f"more than {limits.MAX_VALUE_CHARS:,} characters"),
    ),
    Hostile("bzip2-part", "drop.xlsx", bzip2_part, ("customXml/item1.xml", "compressed")),
    Hostile("xlsx-that-is-csv", "drop.xlsx", xlsx_that_is_csv, ("text", ".csv")),
    Hostile("csv-that-is-xlsx", "drop.csv", lambda: workbook(), ("ZIP", ".xlsx")),
    Hostile("json-that-is-xlsx", "drop.json", lambda: workbook(), ("ZIP", ".xlsx")),
    Hostile("json-400-deep", "drop.json", deep_json(400), ("nested", "32")),
    Hostile("json-900-deep", "drop.json", deep_json(900), ("nested", "32")),
]
IDS = [h.id for h in HOSTILE]


@pytest.fixture(scope="session")
def files(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Hostile], Path]:
    """Each hostile file, made once and kept on disk."""
    folder = tmp_path_factory.mktemp("hostile")
    made: dict[str, Path] = {}

    def get(hostile: Hostile) -> Path:
        if hostile.id not in made:
            path = folder / hostile.id / hostile.name
            path.parent.mkdir()
            path.write_bytes(hostile.make())
            made[hostile.id] = path
        return made[hostile.id]

    return get


def says(reason: str, hostile: Hostile) -> bool:
    return all(words in reason for words in hostile.says)


# --- measuring -------------------------------------------------------------------------------

#: The peak resident size of this process since it started (kB): VmHWM, the high-water mark
#: of its own memory. (`getrusage`'s ru_maxrss would not do: Linux carries it over from the
#: forked copy of the parent, the test process, to the program the child runs.)
PEAK = """
def peak_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
"""

#: Runs parse_file on a file in a child process and prints what it found, the time it took
#: and the child's own peak resident size. The address space is capped at 2 GB so that an
#: unbounded parser fails here rather than taking the machine's memory.
CHILD = (
    PEAK
    + """
import json, resource, sys, time
from datetime import datetime, UTC
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
from homeward.police.parse import parse_file
path, name = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
start = time.perf_counter()
batch = parse_file(name, data, now=datetime(2026, 11, 1, 12, tzinfo=UTC))
seconds = time.perf_counter() - start
print(json.dumps({
    "seconds": seconds,
    "peak_kib": peak_kib(),
    "problems": [p.reason for p in batch.problems],
    "records": len(batch.records),
    "valid": sum(1 for r in batch.records if r.notification is not None),
}))
"""
)


def in_child(path: Path, name: str, *, timeout: float = 60) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), name],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def measured(call: Callable[[], Any]) -> tuple[Any, float, float]:
    """The call's result, its wall time (s), and the peak of Python's allocations (MB) while
    it is made again under tracemalloc (which slows it, so the time is taken without). The
    workbooks checked are forgotten before each, so each checks its file afresh."""
    limits._CHECKED.clear()
    start = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - start
    limits._CHECKED.clear()
    tracemalloc.start()
    try:
        call()
        peak = tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()
    return result, seconds, peak


def test_the_memory_probe_sees_a_big_allocation() -> None:
    """The child's peak resident size is its own and real: a child that holds 300 MB reports
    it, and one that holds next to nothing reports far less than the limit."""
    script = (
        PEAK + "b = bytearray({size} << 20)\nb[::4096] = b'x' * len(b[::4096])\nprint(peak_kib())"
    )
    for size, low, high in ((300, 300, 400), (1, 0, 50)):
        done = subprocess.run(
            [sys.executable, "-c", script.format(size=size)],
            capture_output=True,
            text=True,
            check=True,
        )
        assert low < int(done.stdout) / 1024 < high


def test_the_workbook_these_files_are_made_from_is_read() -> None:
    """Without an attack the same workbook gives its one valid notification, so each refusal
    below is the attack's doing."""
    batch = parse.parse_file("drop.xlsx", workbook(), now=NOW)
    assert batch.problems == ()
    assert [r.notification is not None for r in batch.records] == [True]
    assert batch.records[0].notification.police_reference == "FC-2026-0001"  # type: ignore[union-attr]


# --- parse_file: in a child process, its own peak memory ---------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE, ids=IDS)
def test_parse_file_refuses_it_quickly_in_bounded_memory(hostile: Hostile, files: Any) -> None:
    found = in_child(files(hostile), hostile.name)
    assert found["records"] == 0
    assert len(found["problems"]) == 1
    assert says(found["problems"][0], hostile), found["problems"]
    assert found["seconds"] < SECONDS
    assert found["peak_kib"] / 1024 < MEGABYTES


# --- the three doors ---------------------------------------------------------------------------

API = "/api/v1/notifications"


@pytest.fixture
def api(world: Any) -> Client:
    token = services.force_token_issue(force=world.police)
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", HOSTILE, ids=IDS)
def test_the_api_answers_400_with_the_problem(hostile: Hostile, files: Any, api: Client) -> None:
    body = files(hostile).read_bytes()
    api.post(API, data=b"[]", content_type="application/json")  # warm: imports, first query
    response, seconds, peak = measured(
        lambda: api.post(API, data=body, content_type="application/json")
    )
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert len(problems) == 1 and problems[0]["line"] is None
    if hostile.name.endswith(".json"):
        assert says(problems[0]["reason"], hostile), problems
    else:  # a workbook (or CSV text) sent as a JSON body
        assert "JSON" in problems[0]["reason"]
    assert seconds < SECONDS and peak < MEGABYTES
    assert not PoliceReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", HOSTILE, ids=IDS)
def test_the_upload_page_shows_the_problem(hostile: Hostile, files: Any, client_for: Any) -> None:
    client = client_for("coordinator")
    client.get(reverse("web:intake-upload"))  # warm: imports, first query
    data = files(hostile).read_bytes()
    upload = SimpleUploadedFile(hostile.name, data, content_type="application/octet-stream")
    response, seconds, peak = measured(
        lambda: client.post(reverse("web:intake-upload"), {"file": upload})
    )
    assert response.status_code == 302
    assert seconds < SECONDS and peak < MEGABYTES
    batch = IntakeBatch.objects.get(reference=response["Location"].rstrip("/").split("/")[-1])
    assert len(batch.problems) == 1 and says(batch.problems[0]["reason"], hostile)
    page = client.get(response["Location"]).content.decode()
    assert "The file could not be read" in page
    assert not PoliceReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", HOSTILE, ids=IDS)
def test_the_cli_exits_2_with_the_problem(
    hostile: Hostile, files: Any, world: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    path = files(hostile)
    warm = path.parent / "warm.csv"
    warm.write_bytes(b"")
    main(["intake", str(warm)])  # warm: imports, first query
    capsys.readouterr()
    status, seconds, peak = measured(lambda: main(["intake", str(path)]))
    out = capsys.readouterr().out
    assert status == 2
    assert seconds < SECONDS and peak < MEGABYTES
    problem_lines = [line for line in out.splitlines() if line.startswith(f"{path.name}: ")]
    assert len(problem_lines) == 2, out  # one problem, printed by each of the two runs
    assert all(says(line, hostile) for line in problem_lines), out
    assert "Traceback" not in out
    assert not PoliceReport.objects.exists()


# --- the limits one at a time, made small ------------------------------------------------------


def refused(name: str, data: bytes) -> str:
    batch = parse.parse_file(name, data, now=NOW)
    assert batch.records == () and len(batch.problems) == 1, batch
    problem = batch.problems[0]
    assert problem.line is None and problem.source == name
    return problem.reason


def test_a_cell_beyond_the_column_limit_is_refused_naming_it() -> None:
    rows = header_row() + '<row r="2"><c r="IW2"><v>1</v></c></row>'  # column 257
    reason = refused("d.xlsx", workbook(sheet=sheet_xml(rows)))
    assert "column 257" in reason and f"at most {limits.MAX_COLUMNS} columns" in reason


def test_a_long_inline_string_is_refused_naming_its_cell() -> None:
    rows = header_row() + record_row(2).replace("Jordan", "j" * 40_000)
    reason = refused("d.xlsx", workbook(sheet=sheet_xml(rows)))
    assert "row 2, column 6" in reason and "more than 32,767 characters" in reason


def test_a_value_as_long_as_a_cell_may_hold_is_read_and_refused_by_its_field() -> None:
    """32,767 characters is Excel's own limit: such a value is read, and its record refused
    for being longer than its field allows."""
    rows = header_row() + record_row(2).replace("Jordan", "j" * 32_767)
    batch = parse.parse_file("d.xlsx", workbook(sheet=sheet_xml(rows)), now=NOW)
    assert batch.problems == ()
    (record,) = batch.records
    assert [p.field for p in record.problems] == ["given_names"]


@pytest.mark.parametrize(
    ("limit", "value", "sheet", "words"),
    [
        ("MAX_CELLS", 10, record_row(2) * 3, "more than 10 cells"),
        ("MAX_SHARED_STRINGS", 2, None, "more than 2 shared strings"),
        ("MAX_PART_ELEMENTS", 5, None, "more than 5 XML elements"),
    ],
)
def test_counting_limits(
    monkeypatch: pytest.MonkeyPatch, limit: str, value: int, sheet: str | None, words: str
) -> None:
    monkeypatch.setattr(limits, limit, value)
    data = workbook(
        sheet=sheet_xml(header_row() + sheet) if sheet else None,
        shared=shared_strings_xml("a", "b", "c"),
    )
    assert words in refused("d.xlsx", data)


def test_more_sheets_than_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    sheets = "".join(
        f'<sheet name="s{n}" sheetId="{n}" r:id="rId1"/>' for n in range(1, limits.MAX_SHEETS + 2)
    )
    book = WORKBOOK.replace(
        b'<sheet name="notifications" sheetId="1" r:id="rId1"/>', sheets.encode()
    )
    data = zip_file(
        [
            member("[Content_Types].xml", CONTENT_TYPES),
            member("_rels/.rels", PACKAGE_RELS),
            member("xl/workbook.xml", book),
            member("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            member("xl/worksheets/sheet1.xml", sheet_xml(header_row())),
        ]
    )
    assert f"more than {limits.MAX_SHEETS} sheets" in refused("d.xlsx", data)


def test_two_parts_with_one_name_are_refused() -> None:
    data = workbook(extra=[member("xl/styles.xml", STYLES)])
    assert "two parts named 'xl/styles.xml'" in refused("d.xlsx", data)


def test_the_row_limit_counts_blank_rows() -> None:
    """Blank rows count: a valid record below 60,000 blank rows is past the limit."""
    far = limits.MAX_SHEET_ROWS + 1
    rows = header_row() + record_row(far)
    reason = refused("d.xlsx", workbook(sheet=sheet_xml(rows)))
    assert f"row {far:,}" in reason


def test_blank_rows_up_to_the_limit_are_fine() -> None:
    rows = header_row() + record_row(limits.MAX_SHEET_ROWS)
    batch = parse.parse_file("d.xlsx", workbook(sheet=sheet_xml(rows)), now=NOW)
    assert batch.problems == ()
    assert [r.line for r in batch.records] == [limits.MAX_SHEET_ROWS]


def test_an_old_xls_or_password_protected_workbook_is_named_as_such() -> None:
    reason = refused("d.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert ".xls" in reason and "password" in reason


def test_csv_a_value_longer_than_a_cell_may_hold_is_refused_naming_its_line() -> None:
    text = ",".join(FIELDS) + "\n" + ",".join(FIELDS.values()) + ",\n"
    text += 'fictional,FC-2,reported_missing,2026-10-30T22:00:00+00:00,missing,"' + "x" * 40_000
    text += '",Example\n'
    reason = refused("d.csv", text.encode())
    assert "line 3" in reason and "more than 32,767 characters" in reason


def test_csv_a_value_past_the_csv_readers_own_limit_is_refused_clearly() -> None:
    data = (",".join(FIELDS) + "\n" + '"' + "x" * 200_000 + '"\n').encode()
    reason = refused("d.csv", data)
    assert "CSV" in reason and "line 2" in reason and "32,767" in reason


def test_csv_more_columns_than_the_limit_are_refused() -> None:
    data = (",".join(FIELDS) + "\n" + ",".join(["x"] * 300) + "\n").encode()
    reason = refused("d.csv", data)
    assert "line 2" in reason and f"at most {limits.MAX_COLUMNS} columns" in reason


def test_json_nesting_is_counted_outside_strings_only() -> None:
    """Brackets inside text are not nesting: a circumstances full of them is read."""
    record = dict(FIELDS, circumstances="[" * 3000 + "{" * 1500 + '\\"]]')
    batch = parse.parse_json(json.dumps(record).encode(), source="r", now=NOW)
    assert batch.problems == ()
    assert batch.records[0].problems[0].field == "circumstances"  # too long, not too deep


def test_json_nesting_at_the_limit_is_read_and_past_it_refused() -> None:
    inner = "[" * (limits.MAX_JSON_DEPTH - 1) + "1" + "]" * (limits.MAX_JSON_DEPTH - 1)
    ok = parse.parse_json(f'{{"aliases": {inner}}}', source="r", now=NOW)
    assert ok.problems == ()
    deeper = "[" + inner + "]"
    reason = refused("d.json", f'{{"aliases": {deeper}}}'.encode())
    assert f"nested more than {limits.MAX_JSON_DEPTH} levels deep" in reason


# --- a refused record keeps a bounded prefix ---------------------------------------------------


def test_a_refused_records_raw_values_are_cut_saying_how_long_they_were() -> None:
    record = dict(FIELDS, circumstances="x" * 10 * MB, officer_name="PC 1 Sam", extra="y" * 5000)
    batch = parse.parse_json(json.dumps(record).encode(), source="r", now=NOW)
    (parsed,) = batch.records
    assert parsed.notification is None
    raw = parsed.raw
    assert raw["police_reference"] == "FC-2026-0001"
    assert raw["officer_name"] == "PC 1 Sam"
    assert raw["circumstances"].startswith("x" * limits.RAW_VALUE_CHARS)
    assert raw["circumstances"].endswith("… [cut: 10,485,760 characters in all]")
    assert raw["extra"].endswith("… [cut: 5,000 characters in all]")
    assert sum(len(k) + len(v) for k, v in raw.items()) < limits.RAW_RECORD_CHARS + 200


def test_a_refused_record_of_many_long_fields_is_cut_as_a_whole() -> None:
    record = {f"field_{n}": "z" * 900 for n in range(200)}
    record.update(FIELDS)
    (parsed,) = parse.parse_json(json.dumps(record).encode(), source="r", now=NOW).records
    raw = parsed.raw
    assert raw["police_reference"] == "FC-2026-0001"  # the format's fields are kept first
    assert sum(len(k) + len(v) for k, v in raw.items()) < limits.RAW_RECORD_CHARS + 200
    assert "more fields" in raw["…"]


def test_a_record_with_more_fields_than_a_row_has_columns_is_one_problem() -> None:
    record = {f"field_{n}": "z" for n in range(100_000)}
    (parsed,) = parse.parse_json(json.dumps(record).encode(), source="r", now=NOW).records
    assert len(parsed.problems) == 1
    assert "100,000 fields" in parsed.problems[0].reason


@pytest.mark.django_db
def test_a_refused_10_mb_field_is_stored_cut_through_the_api(api: Client) -> None:
    body = json.dumps(dict(FIELDS, circumstances="x" * 10 * MB))
    response = api.post(API, data=body, content_type="application/json")
    assert response.status_code == 422
    line = BatchLine.objects.get()
    assert line.status == BatchLine.Status.REJECTED
    stored = json.loads(line.raw)
    assert len(line.raw) < limits.RAW_RECORD_CHARS + 500
    assert stored["circumstances"].endswith("[cut: 10,485,760 characters in all]")


# --- the upload page's own size limit ----------------------------------------------------------


@pytest.mark.django_db
def test_an_upload_over_20_mb_gets_the_forms_error(client_for: Any) -> None:
    client = client_for("coordinator")
    big = SimpleUploadedFile("drop.csv", b"x" * (20 * MB + 1), content_type="text/csv")
    response = client.post(reverse("web:intake-upload"), {"file": big})
    assert response.status_code == 400  # the form shown again with its error, not an error page
    html = response.content.decode()
    assert "govuk-error-summary" in html and "must be smaller than 20 MB" in html
    assert not IntakeBatch.objects.exists()


def test_the_cli_refuses_a_file_over_the_size_limit_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "drop.csv"
    path.write_bytes(b"x" * 5000)
    assert main(["intake", str(path)]) == 2
    out = capsys.readouterr().out
    assert "drop.csv" in out and "limit of 1,000 bytes" in out


# --- a real workbook of 50,000 notifications ---------------------------------------------------


def fifty_thousand() -> list[Notification]:
    base = Notification(
        force="fenmoor",
        police_reference="FM-000000",
        notification_type=NotificationType.REPORTED_MISSING,
        reported_at=NOW - timedelta(days=3),
        category=Category.MISSING,
        given_names="Jordan Lee",
        family_name="Example-Smith",
        address="14 Mill Lane, Fenmoor",
        postcode="FN3 2QP",
        last_seen_at=NOW - timedelta(days=3, hours=4),
        last_seen_where="Fenmoor bus station",
        circumstances="Left home after an argument; believed to be with older friends in "
        "Castleton. Phone switched off since the evening.",
        officer_name="PC 1234 Sam Reid",
        officer_contact="0300 123 4567",
    )
    return [
        replace(
            base,
            police_reference=f"FM-{n:06d}",
            given_names=f"Jordan {n}",
            circumstances=f"{base.circumstances} Report {n}.",
        )
        for n in range(limits.MAX_RECORDS)
    ]


def test_a_real_workbook_of_50000_notifications_still_parses(tmp_path: Path) -> None:
    data = parse.write_xlsx(fifty_thousand())
    path = tmp_path / "drop.xlsx"
    path.write_bytes(data)
    found = in_child(path, "drop.xlsx", timeout=600)
    assert found["problems"] == []
    assert found["records"] == found["valid"] == limits.MAX_RECORDS
