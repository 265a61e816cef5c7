"""krs.export_writer.XlsxStream (issue 17): the fast one-sheet writer of long exports follows the
same cell rule as XlsxBook and reads back the same in openpyxl."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from krs.export_writer import XlsxBook, XlsxStream

ROW = ["=1+2", -5, 2.5, Decimal("-1.25"), date(2026, 3, 4), datetime(2026, 3, 4, 8, 30), None, "-x", "\x0b@y"]
TEXT = ["a < b & c > d", "  spasi  ", "baris\nbaru", 'kutip "ganda"', "Ñoño — ü", True]


def _read(file) -> tuple[str, list[tuple]]:
    wb = load_workbook(file)
    ws = wb.active
    return ws.title, [tuple(r) for r in ws.iter_rows(values_only=True)]


def test_the_stream_reads_back_like_the_book():
    stream = XlsxStream("Kasus <1>")
    book = XlsxBook()
    sheet = book.sheet("Kasus <1>")
    for row in (["No.", "=Kolom"], ROW, TEXT, [None, None, "akhir"]):
        stream.append(row)
        sheet.append(row)
    streamed = stream.spooled()
    assert zipfile.is_zipfile(streamed)
    streamed.seek(0)
    title, rows = _read(streamed)
    assert (title, rows) == _read(book.spooled())
    assert rows[1][0] == "'=1+2" and rows[1][1] == -5 and rows[1][7] == "'-x" and rows[1][8] == "'@y"
    assert rows[1][4] == datetime(2026, 3, 4) and rows[1][5] == datetime(2026, 3, 4, 8, 30)
    assert rows[2][:5] == ("a < b & c > d", "  spasi  ", "baris\nbaru", 'kutip "ganda"', "Ñoño — ü")
    assert rows[3] == (None, None, "akhir", None, None, None, None, None, None)


def test_many_columns_and_rows():
    stream = XlsxStream("Besar")
    for i in range(1200):
        stream.append([f"r{i}c{j}" for j in range(30)])
    _title, rows = _read(stream.spooled())
    assert len(rows) == 1200 and rows[-1][29] == "r1199c29" and rows[0][26] == "r0c26"  # column AA
