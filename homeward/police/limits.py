"""How big, how wide and how deep a police notification file may be, checked before any
parser sees it (docs/police-notifications.md, "Limits").

A file that breaks a limit is refused whole, with a reason that names the limit and, where
there is one, the part of the workbook, the row and column, or the line. Nothing here
extracts anything to disk: an XLSX workbook is read as a ZIP archive in memory, each part
unpacked a piece at a time with a count of the bytes it gives, and its XML read by expat as
it comes, so that no value, row or part is ever held whole before it is known to be within
its limit. Only then does openpyxl see the workbook, and then only in its read-only streaming
mode with the row and column limits again (`parse.parse_xlsx`).

The figures, measured on workbooks `parse.write_xlsx` made of 50,000 notifications with
generated, realistic content (`benchmarks/intake_bench.py`'s notifications):

| | typical content | long circumstances (1,000-4,000 characters each) |
|---|---|---|
| the XLSX file | 6.8 MB | 31 MB (over the 20 MB upload limit) |
| the sheet's XML | 42 MB (7.7 times its packed size) | 44 MB |
| the shared strings' XML | 9.0 MB (6.8 times) | 153 MB |
| cells | 1.55 million at most (50,001 rows of 31 fields) | |

The limits leave room above the typical workbook: three times its sheet, fourteen times its
shared strings, thirteen times its packing ratio. A file that passes them all costs no more
to read than the largest real workbook does.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from typing import Any, Final
from xml.parsers import expat

MiB: Final = 1024 * 1024

# Every format ------------------------------------------------------------------------------

#: The most records one file or one API request may hold.
MAX_RECORDS: Final = 50_000
#: The largest file `homeward intake` reads (the upload page's form and, unless set otherwise,
#: the API have the same limit, 20 MB).
MAX_FILE_BYTES: Final = 20 * MiB
#: The longest value in any cell, CSV field or JSON value: Excel's own limit for a cell. The
#: format's longest field (circumstances) allows 4,000; a longer value up to this limit is read
#: and its record refused for being too long, a value past it refuses the file.
MAX_VALUE_CHARS: Final = 32_767
#: The most columns of a CSV row or XLSX sheet, and fields of one JSON record (the format has
#: 31).
MAX_COLUMNS: Final = 256
#: The most rows of a sheet, blank rows included: the records, the header, and room for blank
#: rows between them.
MAX_SHEET_ROWS: Final = 60_000
#: The most arrays and objects within each other in JSON (a batch needs 3).
MAX_JSON_DEPTH: Final = 32

# What a refused record keeps ----------------------------------------------------------------

#: A refused record's text is kept for its receipt, each value cut to this many characters...
RAW_VALUE_CHARS: Final = 1_000
#: ...and the whole record (names and values) to about this many, the format's fields first.
RAW_RECORD_CHARS: Final = 4_000
#: A field name (of a field not in the format) is cut to this many characters.
RAW_NAME_CHARS: Final = 100

# XLSX ---------------------------------------------------------------------------------------

#: The most parts (files) in the ZIP archive. A workbook from Excel has about a dozen.
MAX_PARTS: Final = 1_000
#: The largest central directory (the archive's list of its parts).
MAX_DIRECTORY_BYTES: Final = 1 * MiB
#: The most a sheet's XML may unpack to.
MAX_SHEET_PART_BYTES: Final = 128 * MiB
#: The most the shared strings' XML may unpack to.
MAX_SHARED_STRINGS_PART_BYTES: Final = 128 * MiB
#: The most any other part may unpack to (the styles, the workbook, images, ...).
MAX_OTHER_PART_BYTES: Final = 16 * MiB
#: The most all the parts together may unpack to.
MAX_UNPACKED_BYTES: Final = 256 * MiB
#: The most a part of RATIO_FROM_BYTES or more may unpack to, as a multiple of its packed size.
MAX_RATIO: Final = 100
RATIO_FROM_BYTES: Final = 1 * MiB
#: The most cells in a sheet.
MAX_CELLS: Final = 2_000_000
#: The most shared strings (a sheet cannot use more than it has cells).
MAX_SHARED_STRINGS: Final = 2_000_000
#: The most XML elements in one cell or shared string (rich text runs and their formatting).
MAX_CELL_ELEMENTS: Final = 1_000
#: The most XML elements in any part other than the cells of a sheet and the shared strings
#: (the styles, the workbook, a sheet's merged cells and formatting rules, ...): openpyxl
#: makes an object of each.
MAX_PART_ELEMENTS: Final = 100_000
#: The most sheets in a workbook.
MAX_SHEETS: Final = 100

_CHUNK: Final = 64 * 1024
_ZIP: Final = b"PK\x03\x04"
_EMPTY_ZIP: Final = b"PK\x05\x06"
_OLE: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ARCHIVE_SIGNATURES: Final = (_ZIP, _EMPTY_ZIP, b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"BZh")
_ARCHIVE_ENDINGS: Final = (
    ".zip",
    ".xlsx",
    ".xlsm",
    ".xlsb",
    ".docx",
    ".pptx",
    ".jar",
    ".gz",
    ".tgz",
    ".bz2",
    ".xz",
    ".7z",
    ".rar",
)
_XML_ENDINGS: Final = (".xml", ".rels")


class Refused(Exception):
    """A file over a limit, or not the kind of file it is named as. The message says which,
    in plain English, and is the reason given to the sender."""


def _size(count: int) -> str:
    if count >= MiB:
        return f"{count:,} bytes ({count / MiB:,.0f} MB)"
    return f"{count:,} bytes"


def _part(name: str) -> str:
    """A part's name for a reason: quoted, cut short, control characters shown."""
    shown = name if len(name) <= 80 else name[:80] + "…"
    if not shown.isprintable():
        shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in shown)
    return f"'{shown}'"


def column_name(number: int) -> str:
    """A spreadsheet column's letters: 1 is A, 27 is AA."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# The whole file -----------------------------------------------------------------------------


def file_too_big(size: int | None) -> str:
    """The reason for a file over `MAX_FILE_BYTES` (of `size` bytes, when known)."""
    what = f"the file is {size:,} bytes, " if size is not None else "the file is "
    return (
        f"{what}over the limit of {_size(MAX_FILE_BYTES)}: "
        "split it into smaller files and send each"
    )


def check_text_file(data: bytes, kind: str) -> None:
    """Refuse a file named as CSV or JSON (`kind`) that is a ZIP archive (an XLSX workbook,
    most likely) or an old Excel workbook."""
    if data.startswith((_ZIP, _EMPTY_ZIP)):
        raise Refused(
            f"this is a ZIP archive (an XLSX workbook?), not {kind} text: "
            "a workbook must be named .xlsx"
        )
    if data.startswith(_OLE):
        raise Refused(
            f"this is an old Excel .xls workbook (or a password-protected one), not {kind} "
            "text: save it as CSV, or as an .xlsx workbook without a password"
        )


# JSON ---------------------------------------------------------------------------------------

_JSON_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_PAIR = re.compile(rb"\[\]|\{\}")


def check_json_depth(data: bytes | str) -> None:
    """Refuse JSON whose arrays and objects are nested more than `MAX_JSON_DEPTH` deep,
    before anything that recurses reads it.

    The text of strings is taken out, then the brackets alone are read: each pass takes out
    the innermost pairs, one level, so what is left after `MAX_JSON_DEPTH` passes is deeper
    than that. Brackets that do not pair up are not JSON, which `json.loads` then says."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    brackets = _JSON_STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    for _ in range(MAX_JSON_DEPTH):
        shorter = _PAIR.sub(b"", brackets)
        if not shorter or len(shorter) == len(brackets):
            return
        brackets = shorter
    if _PAIR.search(brackets):
        raise Refused(
            f"arrays and objects are nested more than {MAX_JSON_DEPTH} levels deep "
            "(a batch of notifications needs 3)"
        )


# XLSX: the archive --------------------------------------------------------------------------


#: The last workbooks checked (a digest of the file and the limits, and the reason each was
#: refused, or None): a file looked into before it is parsed is then not read twice.
_CHECKED: dict[tuple[bytes, tuple[int, ...]], str | None] = {}
_REMEMBERED: Final = 16


def check_xlsx(data: bytes) -> None:
    """Refuse an XLSX file that is not a ZIP archive, or whose archive or parts are over the
    limits above. Every part is unpacked (a piece at a time, never to disk) and its XML read
    as it comes; nothing is kept."""
    key = (hashlib.sha256(data).digest(), _now())
    if key in _CHECKED:
        reason = _CHECKED[key]
        if reason is not None:
            raise Refused(reason)
        return
    try:
        _check_xlsx(data)
    except Refused as refused:
        _remember(key, str(refused))
        raise
    _remember(key, None)


def _now() -> tuple[int, ...]:
    """The limits in force (tests lower them)."""
    return tuple(value for name, value in globals().items() if name.startswith("MAX_"))


def _remember(key: tuple[bytes, tuple[int, ...]], reason: str | None) -> None:
    if len(_CHECKED) >= _REMEMBERED:
        _CHECKED.clear()
    _CHECKED[key] = reason


def _check_xlsx(data: bytes) -> None:
    if not data.startswith((_ZIP, _EMPTY_ZIP)):
        raise Refused(_not_a_workbook(data))
    _check_directory(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error) as error:
        raise Refused(f"the XLSX workbook is damaged and cannot be read ({error})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise Refused(_too_many_parts())
        _check_names(infos)
        _check_declared(infos)
        unpacked = 0
        for info in infos:
            if not info.is_dir():
                unpacked = _read_part(archive, info, unpacked)


def _not_a_workbook(data: bytes) -> str:
    if data.startswith(_OLE):
        return (
            "not an XLSX workbook: this is an old Excel .xls workbook, or a password-protected "
            "one; save it as an .xlsx workbook without a password"
        )
    head = data[:4096]
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        text = head[: error.start].decode("utf-8-sig", "ignore") if error.start > 64 else ""
    if text and "\x00" not in text:
        return (
            "not an XLSX workbook: this is plain text (a CSV file named .xlsx?); "
            "name a CSV file .csv and a JSON file .json"
        )
    return "not an XLSX workbook: an .xlsx file is a ZIP archive, and this is not one"


def _too_many_parts() -> str:
    return (
        f"the XLSX workbook holds more than {MAX_PARTS:,} parts (files inside it); "
        "a workbook has a few dozen at most"
    )


_END: Final = struct.Struct("<4s4H2LH")
_END64_LOCATOR: Final = struct.Struct("<4sLQL")
_END64: Final = struct.Struct("<4sQ2H2L4Q")


def _check_directory(data: bytes) -> None:
    """The archive's list of its parts, read from its end record before zipfile reads it
    (zipfile makes an object of every entry the list holds)."""
    at = data.rfind(_EMPTY_ZIP, max(0, len(data) - 65_557))
    if at < 0 or at + _END.size > len(data):
        raise Refused("the XLSX workbook is damaged: it is not a complete ZIP archive")
    _, _, _, _, entries, size, _, _ = _END.unpack_from(data, at)
    locator = at - _END64_LOCATOR.size
    if locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        _, _, offset, _ = _END64_LOCATOR.unpack_from(data, locator)
        if offset + _END64.size <= len(data) and data[offset : offset + 4] == b"PK\x06\x06":
            fields = _END64.unpack_from(data, offset)
            entries, size = max(entries, fields[6]), max(size, fields[7])
    if entries > MAX_PARTS:
        raise Refused(_too_many_parts())
    if size > MAX_DIRECTORY_BYTES:
        raise Refused(
            f"the XLSX workbook's list of its parts is {_size(size)}, over the limit of "
            f"{_size(MAX_DIRECTORY_BYTES)}"
        )


_DRIVE = re.compile(r"[A-Za-z]:")


def _unsafe(name: str) -> bool:
    """A name that points outside the archive's own folder: absolute, with a drive letter,
    or going up with "..". (Nothing is ever extracted; such a name is refused all the same.)"""
    path = name.replace("\\", "/")
    return (
        not path
        or "\x00" in path
        or path.startswith("/")
        or bool(_DRIVE.match(path))
        or ".." in path.split("/")
    )


def _check_names(infos: list[zipfile.ZipInfo]) -> None:
    seen: set[str] = set()
    for info in infos:
        if _unsafe(info.orig_filename) or _unsafe(info.filename):
            raise Refused(
                f"the XLSX workbook holds a part with an unsafe name ({_part(info.orig_filename)}):"
                " a part's name may not start with / or a drive letter, or contain .."
            )
        if info.filename in seen:
            raise Refused(f"the XLSX workbook holds two parts named {_part(info.filename)}")
        seen.add(info.filename)
        if info.filename.lower().endswith(_ARCHIVE_ENDINGS):
            raise Refused(_nested(info.filename))
        if info.flag_bits & 0x1:
            raise Refused(
                f"the XLSX workbook's part {_part(info.filename)} is encrypted: "
                "save the workbook without a password"
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refused(
                f"the XLSX workbook's part {_part(info.filename)} is compressed with a method "
                "XLSX workbooks do not use"
            )


def _nested(name: str) -> str:
    return (
        f"the XLSX workbook holds another archive ({_part(name)}); "
        "a workbook with embedded files is not accepted"
    )


def _limit_by_name(name: str) -> tuple[int, str]:
    lower = name.lower()
    if lower.startswith("xl/worksheets/") and lower.endswith(".xml") and "_rels" not in lower:
        return MAX_SHEET_PART_BYTES, "a sheet"
    if lower == "xl/sharedstrings.xml":
        return MAX_SHARED_STRINGS_PART_BYTES, "the shared strings"
    return MAX_OTHER_PART_BYTES, "a part other than a sheet or the shared strings"


def _over_size(name: str, size: str, limit: int, what: str) -> Refused:
    return Refused(
        f"the XLSX workbook's part {_part(name)} unpacks to {size}, over the limit of "
        f"{_size(limit)} for {what}"
    )


def _over_ratio(name: str, times: float) -> Refused:
    return Refused(
        f"the XLSX workbook's part {_part(name)} unpacks to {times:,.0f} times its packed "
        f"size, over the limit of {MAX_RATIO} times: a real workbook never packs that tightly"
    )


def _over_total(size: str) -> Refused:
    return Refused(
        f"the XLSX workbook unpacks to {size} in all, over the limit of {_size(MAX_UNPACKED_BYTES)}"
    )


def _check_declared(infos: list[zipfile.ZipInfo]) -> None:
    """The sizes the archive declares: cheap to check before unpacking anything. (What is
    unpacked is counted too: a header that lies gains nothing.)"""
    total = 0
    for info in infos:
        limit, what = _limit_by_name(info.filename)
        if info.file_size > limit:
            raise _over_size(info.filename, _size(info.file_size), limit, what)
        if info.file_size >= RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise _over_ratio(info.filename, info.file_size / max(info.compress_size, 1))
        total += info.file_size
        if total > MAX_UNPACKED_BYTES:
            raise _over_total(_size(total))


def _read_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, unpacked: int) -> int:
    """Unpack one part a piece at a time, counting and (for XML) reading it; the bytes
    unpacked so far in all, this part's added."""
    name = info.filename
    limit, what = _limit_by_name(name)
    scan = _Scan(name) if name.lower().endswith(_XML_ENDINGS) else None
    read = 0
    try:
        with archive.open(info) as part:
            while chunk := part.read(_CHUNK):
                if read == 0 and scan is None and chunk.startswith(_ARCHIVE_SIGNATURES):
                    raise Refused(_nested(name))
                read += len(chunk)
                if read > info.file_size:
                    raise Refused(
                        f"the XLSX workbook is damaged: its part {_part(name)} unpacks to more "
                        "than its header says"
                    )
                if scan is not None:
                    scan.feed(chunk)
                    limit, what = scan.limit(limit, what)
                if read > limit:
                    raise _over_size(name, f"more than {_size(limit)}", limit, what)
                if read >= RATIO_FROM_BYTES and read > MAX_RATIO * max(info.compress_size, 1):
                    raise _over_ratio(name, read / max(info.compress_size, 1))
                if unpacked + read > MAX_UNPACKED_BYTES:
                    raise _over_total(f"more than {_size(MAX_UNPACKED_BYTES)}")
        if scan is not None:
            scan.close()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
        raise Refused(f"the XLSX workbook is damaged and cannot be read ({error})") from None
    return unpacked + read


# XLSX: the XML of a part --------------------------------------------------------------------

#: Elements found inside a cell (its value, formula, inline string and its rich-text runs).
_IN_CELL: Final = frozenset(
    {
        "v",
        "f",
        "is",
        "t",
        "r",
        "rPr",
        "rPh",
        "phoneticPr",
        "b",
        "i",
        "u",
        "strike",
        "condense",
        "extend",
        "outline",
        "shadow",
        "vertAlign",
        "sz",
        "color",
        "rFont",
        "family",
        "charset",
        "scheme",
    }
)


def _columns() -> dict[str, int]:
    table: dict[str, int] = {}
    for number in range(1, 26 * 27 + 1):  # A to ZZ
        table[column_name(number)] = number
    return table


_COLUMN_NUMBERS: Final = _columns()


def _column(letters: str) -> int:
    number = _COLUMN_NUMBERS.get(letters)
    if number is not None:
        return number
    number = 0
    for letter in letters.upper():
        if not "A" <= letter <= "Z":
            return 0
        number = number * 26 + ord(letter) - 64
    return number


class _Scan:
    """The XML of one part, read by expat as it is unpacked: what it is (its root element)
    and whether it keeps within the limits. Values are counted, never kept."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.kind = ""  # the root element: "worksheet", "sst", "workbook", or another
        self.elements = 0
        self.cells = 0
        self.strings = 0
        self.sheets = 0
        self.rows = 0
        self.row = 0
        self.column = 0
        self.text = 0
        self.inner = 0
        self.in_value = False
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.ordered_attributes = True
        parser.StartDoctypeDeclHandler = self._doctype
        parser.StartElementHandler = self._first
        parser.CharacterDataHandler = self._characters
        self.parser = parser

    def feed(self, chunk: bytes) -> None:
        try:
            self.parser.Parse(chunk, False)
        except expat.ExpatError as error:
            raise self._malformed(error) from None

    def close(self) -> None:
        try:
            self.parser.Parse(b"", True)
        except expat.ExpatError as error:
            raise self._malformed(error) from None

    def limit(self, limit: int, what: str) -> tuple[int, str]:
        """The byte limit of this part, now that its root element is known (the lower of
        that and the limit its name gives)."""
        own, own_what = {
            "worksheet": (MAX_SHEET_PART_BYTES, "a sheet"),
            "sst": (MAX_SHARED_STRINGS_PART_BYTES, "the shared strings"),
        }.get(self.kind, (MAX_OTHER_PART_BYTES, "a part other than a sheet or the shared strings"))
        return (own, own_what) if own < limit else (limit, what)

    def _malformed(self, error: expat.ExpatError) -> Refused:
        return Refused(
            f"the XLSX workbook's part {_part(self.name)} is not well-formed XML "
            f"({expat.ErrorString(error.code)} at line {error.lineno})"
        )

    def _doctype(self, *_: Any) -> None:
        raise Refused(
            f"the XLSX workbook's part {_part(self.name)} declares a document type (DTD), "
            "which XLSX workbooks never do"
        )

    def _first(self, tag: str, attributes: list[str]) -> None:
        self.kind = tag.rpartition(":")[2]
        handlers: dict[str, Callable[[str, list[str]], None]] = {
            "worksheet": self._in_sheet,
            "sst": self._in_strings,
            "workbook": self._in_workbook,
        }
        handler = handlers.get(self.kind, self._in_other)
        self.parser.StartElementHandler = handler
        handler(tag, attributes)

    # Text

    def _characters(self, text: str) -> None:
        self.text += len(text)
        if self.text > MAX_VALUE_CHARS:
            raise Refused(
                f"{self._where()} more than {MAX_VALUE_CHARS:,} characters "
                "(the most a cell may hold)"
            )

    def _where(self) -> str:
        part = f"the XLSX workbook's part {_part(self.name)}"
        if self.kind == "worksheet" and self.in_value:
            return (
                f"{part}, row {self.row:,}, column {self.column:,} "
                f"({column_name(self.column)}{self.row}): a value of"
            )
        if self.kind == "sst" and self.in_value:
            return f"{part}: shared string number {self.strings:,} has"
        return f"{part}: a text of"

    # Elements

    def _element(self) -> None:
        """An element that is not part of a cell or a shared string."""
        self.elements += 1
        self.text = 0
        self.in_value = False
        if self.elements > MAX_PART_ELEMENTS:
            raise Refused(
                f"the XLSX workbook's part {_part(self.name)} holds more than "
                f"{MAX_PART_ELEMENTS:,} XML elements"
            )

    def _inner(self) -> None:
        self.inner += 1
        if self.inner > MAX_CELL_ELEMENTS:
            raise Refused(
                f"the XLSX workbook's part {_part(self.name)}: one cell or string is made of "
                f"more than {MAX_CELL_ELEMENTS:,} XML elements"
            )

    def _in_other(self, tag: str, attributes: list[str]) -> None:
        self._element()

    def _in_workbook(self, tag: str, attributes: list[str]) -> None:
        self._element()
        if tag.rpartition(":")[2] == "sheet":
            self.sheets += 1
            if self.sheets > MAX_SHEETS:
                raise Refused(
                    f"the XLSX workbook has more than {MAX_SHEETS} sheets; "
                    "send the notifications in one sheet"
                )

    def _in_strings(self, tag: str, attributes: list[str]) -> None:
        local = tag if ":" not in tag else tag.rpartition(":")[2]
        if local == "si":
            self.strings += 1
            self.text = 0
            self.inner = 0
            self.in_value = True
            if self.strings > MAX_SHARED_STRINGS:
                raise Refused(
                    f"the XLSX workbook's part {_part(self.name)} holds more than "
                    f"{MAX_SHARED_STRINGS:,} shared strings"
                )
        elif self.in_value:
            self._inner()
        else:
            self._element()

    def _in_sheet(self, tag: str, attributes: list[str]) -> None:
        local = tag if ":" not in tag else tag.rpartition(":")[2]
        if local == "c":
            self._cell(attributes)
        elif local in _IN_CELL and self.in_value:
            self._inner()
        elif local == "row":
            self._row(attributes)
        else:
            self._element()

    def _row(self, attributes: list[str]) -> None:
        # As openpyxl numbers rows: by their r attribute, else one after the last.
        self.rows += 1
        self.text = 0
        self.in_value = False
        number = _attribute(attributes, "r")
        if number is None:
            self.row += 1
        else:
            try:
                self.row = int(number)
            except ValueError:
                try:
                    self.row = int(float(number))
                except (ValueError, OverflowError):
                    self.row += 1
        self.column = 0
        if self.row > MAX_SHEET_ROWS or self.rows > MAX_SHEET_ROWS:
            past = f"row {self.row:,}" if self.row > MAX_SHEET_ROWS else "more rows than that"
            raise Refused(
                f"the XLSX workbook's part {_part(self.name)} (a sheet) goes on to {past}: "
                f"a sheet may use at most {MAX_SHEET_ROWS:,} rows, blank rows included"
            )

    def _cell(self, attributes: list[str]) -> None:
        self.cells += 1
        self.text = 0
        self.inner = 0
        self.in_value = True
        if self.cells > MAX_CELLS:
            raise Refused(
                f"the XLSX workbook's part {_part(self.name)} (a sheet) has more than "
                f"{MAX_CELLS:,} cells"
            )
        reference = (
            attributes[1] if attributes and attributes[0] == "r" else _attribute(attributes, "r")
        )
        if reference:
            letters = reference.rstrip("0123456789").replace("$", "")
            self.column = _column(letters) or self.column + 1
        else:
            self.column += 1
        if self.column > MAX_COLUMNS:
            raise Refused(
                f"the XLSX workbook's part {_part(self.name)} (a sheet) has a cell in column "
                f"{self.column:,} ({column_name(self.column)}), row {self.row:,}: a sheet may "
                f"use at most {MAX_COLUMNS} columns"
            )


def _attribute(attributes: list[str], name: str) -> str | None:
    for at in range(0, len(attributes) - 1, 2):
        if attributes[at] == name:
            return attributes[at + 1]
    return None
