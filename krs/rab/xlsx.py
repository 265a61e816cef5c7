"""The RAB as an XLSX that recomputes in Excel: prices and volumes are values, every amount,
subtotal and total a formula (amount `=ROUND(D×E,0)`: the rounding rule of krs/rab/arithmetic.py).
Written through krs/export_writer.py (text cells neutralised; formulas only as the app builds them)."""

from __future__ import annotations

from krs.export_writer import Font, XlsxBook
from krs.formats import fmt_date
from krs.rab.arithmetic import terbilang_rupiah
from krs.rab.service import line_parts

MONEY = "#,##0"
VOLUME = "#,##0.000"
BOLD = Font(bold=True)


def rab_workbook(rab, groups, totals) -> XlsxBook:
    book = XlsxBook()
    ws = book.sheet("RAB")
    ws.column_widths([10, 48, 8, 11, 16, 18, 14])
    row = 0

    def put(values):
        nonlocal row
        ws.append(values)
        row += 1
        return row

    put([ws.cell("RENCANA ANGGARAN BIAYA (RAB)", font=BOLD)])
    put(["Kasus", f"{rab.case.number} — versi {rab.version} ({rab.status})"])
    pl = rab.price_list
    put(["Harga", f"{pl.name} ({pl.regency_code}, {pl.year})" if pl else "–"])
    put(["Judul", rab.title or ""])
    put([])
    ws.table_header(
        ["Kode", "Uraian pekerjaan", "Satuan", "Volume", "Harga satuan (Rp)", "Jumlah (Rp)", "Swadaya"]
    )
    row += 1
    subtotal_cells, household_cells = [], []
    for group, lines, _subtotal in groups:
        put([ws.cell(group.upper(), font=BOLD)])
        first = row + 1
        for line in lines:
            r = row + 1
            put(
                [
                    line.code,
                    line.name + (f" ({line.volume_note})" if line.volume_note else ""),
                    line.unit,
                    ws.cell(line.volume, number_format=VOLUME),
                    ws.cell(line.unit_price, number_format=MONEY),
                    ws.formula(f"=ROUND(D{r}*E{r},0)", number_format=MONEY),
                    "ya" if line.by_household else "",
                ]
            )
            if line.by_household:
                household_cells.append(f"F{r}")
        last = row
        r = put(
            [
                None,
                ws.cell(f"Subtotal {group}", font=BOLD),
                None,
                None,
                None,
                ws.formula(f"=SUM(F{first}:F{last})", font=BOLD, number_format=MONEY),
            ]
        )
        subtotal_cells.append(f"F{r}")
    ws.end_table()
    put([])
    works = put(
        [
            None,
            ws.cell("Jumlah biaya pekerjaan", font=BOLD),
            None,
            None,
            None,
            ws.formula("=" + ("+".join(subtotal_cells) or "0"), font=BOLD, number_format=MONEY),
        ]
    )
    overhead = put(
        [
            None,
            "Biaya umum dan keuntungan (%)",
            None,
            None,
            ws.cell(rab.overhead_pct or 0, number_format="0.00"),
            ws.formula(f"=ROUND(F{works}*E{works + 1}/100,0)", number_format=MONEY),
        ]
    )
    smkk = put([None, "Biaya SMKK", None, None, None, ws.cell(rab.smkk_amount or 0, number_format=MONEY)])
    total = put(
        [
            None,
            ws.cell("TOTAL", font=BOLD),
            None,
            None,
            None,
            ws.formula(f"=F{works}+F{overhead}+F{smkk}", font=BOLD, number_format=MONEY),
        ]
    )
    put([None, "Terbilang: " + terbilang_rupiah(totals.total)])
    in_kind = put(
        [
            None,
            "Ditanggung rumah tangga (bahan sendiri/gotong royong)",
            None,
            None,
            None,
            ws.formula("=" + ("+".join(household_cells) or "0"), number_format=MONEY),
        ]
    )
    cash = put(
        [None, "Kebutuhan dana", None, None, None, ws.formula(f"=F{total}-F{in_kind}", number_format=MONEY)]
    )
    if rab.aid_ceiling is not None:
        ceiling = put(
            [
                None,
                f"Plafon bantuan: {rab.aid_ceiling_name}",
                None,
                None,
                None,
                ws.cell(rab.aid_ceiling, number_format=MONEY),
            ]
        )
        over = put(
            [
                None,
                "Di atas plafon (ditanggung rumah tangga)",
                None,
                None,
                None,
                ws.formula(f"=MAX(0,F{cash}-F{ceiling})", number_format=MONEY),
            ]
        )
        put(
            [
                None,
                ws.cell("Total ditanggung rumah tangga", font=BOLD),
                None,
                None,
                None,
                ws.formula(f"=F{in_kind}+F{over}", font=BOLD, number_format=MONEY),
            ]
        )
    put([])
    put(
        [
            None,
            "Pembulatan: harga satuan dan jumlah dibulatkan ke rupiah penuh (setengah ke atas); "
            "total = jumlah semua baris.",
        ]
    )
    if rab.handed_over_at:
        put([None, f"Diserahkan {fmt_date(rab.handed_over_at)}"])

    sheet = book.sheet("Analisa harga satuan")
    sheet.column_widths([10, 40, 8, 12, 16, 16])
    sheet.table_header(["Kode", "Sumber daya", "Satuan", "Koefisien", "Harga dasar (Rp)", "Nilai (Rp)"])
    r = 1
    seen = set()
    for _group, lines, _subtotal in groups:
        for line in lines:
            if line.code in seen:
                continue
            seen.add(line.code)
            sheet.append(
                [sheet.cell(line.code, font=BOLD), sheet.cell(f"{line.name} / {line.unit}", font=BOLD)]
            )
            r += 1
            first = r + 1
            for part in line_parts(line):
                r += 1
                sheet.append(
                    [
                        part["code"],
                        part["name"],
                        part["unit"],
                        sheet.cell(float(part["coefficient"]), number_format="0.0000"),
                        sheet.cell(float(part["price"] or 0), number_format=MONEY),
                        sheet.formula(f"=D{r}*E{r}", number_format="#,##0.00"),
                    ]
                )
            r += 1
            sheet.append(
                [
                    None,
                    "Harga satuan (dibulatkan)",
                    None,
                    None,
                    None,
                    sheet.formula(f"=ROUND(SUM(F{first}:F{r - 1}),0)", font=BOLD, number_format=MONEY),
                ]
            )
    return book
