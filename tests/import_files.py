"""Backlog XLSX files for the import tests (issue 16, part 4): a valid NIK per row number, real
villages of Jawa Barat whose names are unique in the province, and five kinds of bad row."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from functools import lru_cache

from openpyxl import Workbook

from krs.imports.service import VillageIndex

HEADERS = [
    "Tanggal",
    "Nama Pemohon",
    "NIK",
    "No HP",
    "Alamat",
    "Desa/Kelurahan",
    "Jenis Layanan",
    "Status",
    "Keterangan",
]
BAD_KINDS = ("nik", "village", "duplicate", "date", "name")


def nik_for(n: int) -> str:
    """A structurally valid NIK of Kota Bandung (32.73), different for every n < 300,000."""
    birth = date(1960, 1, 1) + timedelta(days=n // 9000)
    return f"327301{birth:%d%m%y}{(n % 9000) + 1:04d}"


@lru_cache(maxsize=1)
def unique_villages(count: int = 40) -> list[tuple[str, str]]:
    """(name, code) of villages of province 32 whose name appears once in the province."""
    index = VillageIndex(["32"])
    found = [
        (index.paths[codes[0]][0], codes[0]) for _name, codes in index.by_name.items() if len(codes) == 1
    ]
    return found[:count]


def good_row(n: int, day=None) -> list:
    villages = unique_villages()
    name, _code = villages[n % len(villages)]
    services = ["BSPS", "Desain rumah", "RAB", "PBG", "Pembiayaan, desain", "konstruksi", ""]
    statuses = ["Selesai", "Proses", "Baru", "", "Ditutup"]
    return [
        day or datetime(2025, 1, 1) + timedelta(days=n % 300),
        f"Pemohon {n}",
        nik_for(n),
        f"0812{n:08d}",
        f"Jl. Mawar No. {n}",
        name,
        services[n % len(services)],
        statuses[n % len(statuses)],
        f"Catatan kasus {n}",
    ]


def bad_row(kind: str, n: int, first_nik: str) -> list:
    row = good_row(n)
    if kind == "nik":
        row[2] = "12345"
    elif kind == "village":
        row[5] = "Desa Antah Berantah Xyz"
    elif kind == "duplicate":
        row[2] = first_nik
    elif kind == "date":
        row[0] = "31/02/2025"
    elif kind == "name":
        row[1] = ""
    return row


def backlog_xlsx(rows: list[list], headers: list[str] = HEADERS) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def big_backlog(total: int = 10_000, bad_each: int = 20) -> tuple[bytes, dict[str, list[int]]]:
    """`total` rows, `bad_each` of each of the five bad kinds spread through the file; returns the
    file and, per kind, the sheet row numbers (header = row 1) of the bad rows."""
    rows, bad = [], {k: [] for k in BAD_KINDS}
    step = total // (bad_each * len(BAD_KINDS))
    first_nik = nik_for(0)
    for i in range(total):
        sheet_row = i + 2
        slot, offset = divmod(i, step)
        if offset == step - 1 and slot < bad_each * len(BAD_KINDS):
            kind = BAD_KINDS[slot % len(BAD_KINDS)]
            rows.append(bad_row(kind, i, first_nik))
            bad[kind].append(sheet_row)
        else:
            rows.append(good_row(i))
    return backlog_xlsx(rows), bad
