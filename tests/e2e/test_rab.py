"""Issue 18 in the browser: a RAB built from the Tipe 36 design template of a case, a volume from
the quantity helper, SMKK and the BSPS ceiling, handed over, printed to PDF by Chromium (total and
terbilang in the text), and the XLSX whose formulas give the same total (evaluated here from the
formula structure: no spreadsheet program on the machine). Screenshots at 390 and 1366 wide."""

import io
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from pypdf import PdfReader
from sqlalchemy import select

from krs.demo.rab import TIPE_36
from krs.extensions import db
from krs.models import AidCeiling, Design, Rab, RabTemplateLine, Role, WorkItem
from krs.rab import arithmetic
from krs.rab.starter import load_starter_set
from tests.support import TEST_PASSWORD, sign_in
from tests.unit.test_rab_service import make_price_list

SHOTS = Path("/work/wt/shots/h18b")


def evaluate_workbook(ws) -> dict[str, Decimal]:
    """Every cell's value, formulas computed (=, +, -, *, /, SUM, ROUND, MAX: what the RAB uses)."""
    raw = {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
    done: dict[str, Decimal] = {}

    def cell(ref):
        if ref not in done:
            value = raw.get(ref, 0)
            done[ref] = (
                formula(value[1:])
                if isinstance(value, str) and value.startswith("=")
                else Decimal(str(value))
            )
        return done[ref]

    def rng(a, b):
        col_a, row_a = re.match(r"([A-Z]+)(\d+)", a).groups()
        col_b, row_b = re.match(r"([A-Z]+)(\d+)", b).groups()
        assert col_a == col_b
        return [cell(f"{col_a}{r}") for r in range(int(row_a), int(row_b) + 1)]

    def formula(text):
        code = re.sub(r"([A-Z]+\d+):([A-Z]+\d+)", r'rng("\1","\2")', text)
        code = re.sub(r'(?<!")\b([A-Z]{1,3}\d+)\b(?!")', r'cell("\1")', code)
        code = code.replace("SUM(", "SUM_(").replace("ROUND(", "ROUND_(").replace("MAX(", "MAX_(")
        return eval(  # noqa: S307 - our own workbook's formulas, rewritten to calls above
            code,
            {
                "cell": cell,
                "rng": rng,
                "SUM_": lambda *a: sum(
                    (x for v in a for x in (v if isinstance(v, list) else [v])), Decimal(0)
                ),
                "ROUND_": lambda v, p: Decimal(v).quantize(Decimal(1), rounding=ROUND_HALF_UP),
                "MAX_": lambda *a: max(Decimal(x) for x in a),
            },
        )

    for ref in raw:
        if column_index_from_string(re.match(r"[A-Z]+", ref).group()) and isinstance(
            raw[ref], int | float | str
        ):
            try:
                cell(ref)
            except Exception:  # text cells
                done.pop(ref, None)
    return done


def _both_widths(page, name):
    for width, height in ((390, 844), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (name, width)


def test_build_hand_over_print_and_download(live_server, page, units, make_user, make_case):
    unit = units["jawa2"]
    unit.letterhead_name = "Balai Pelaksana Penyediaan Perumahan Jawa II"
    unit.letterhead_city = "Bandung"
    load_starter_set()
    pl = make_price_list(unit)
    design = db.session.scalars(select(Design).where(Design.house_type.ilike("%36%"))).first()
    if design is None or not db.session.scalar(
        select(RabTemplateLine.id).where(RabTemplateLine.design_id == design.id)
    ):
        design = Design(code="T36", name="Rumah Tipe 36", house_type="Tipe 36", floor_area_m2=Decimal(36))
        db.session.add(design)
        db.session.flush()
        for i, (code, volume, note) in enumerate(TIPE_36, start=1):
            db.session.add(
                RabTemplateLine(
                    design_id=design.id, position=i, work_item_code=code, volume=Decimal(volume), note=note
                )
            )
    db.session.add(
        AidCeiling(name="BSPS peningkatan kualitas", amount=Decimal(20_000_000), source="uji", active=True)
    )
    db.session.commit()
    make_user(Role.STAFF, unit, username="staf.rab", full_name="Rina Kartika")
    case = make_case(unit=unit, name="Siti Aminah", services=("house_design",))

    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server, "staf.rab", TEST_PASSWORD)
    page.goto(f"{live_server}/cases/{case.id}")
    page.locator("#rab-panel a:has-text('Buat RAB')").click()
    _both_widths(page, "rab-new")
    page.fill("#title", "Rumah tipe 36")
    page.select_option("#design_id", label=f"{design.code} · {design.name}")
    page.click("form button[type=submit]:has-text('Buat')")
    page.wait_for_url(re.compile(r"/rab/\d+$"))
    rab = db.session.scalars(select(Rab).where(Rab.case_id == case.id)).one()
    assert len(rab.lines) == len(TIPE_36)

    # the quantity helper on the brick wall: 36 × 3 − 12,5
    page.locator("#rab-lines a", has_text="W.01").click()
    _both_widths(page, "rab-line")
    page.select_option("#shape", "wall")
    page.fill("#length", "36")
    page.fill("#width", "3")
    page.fill("#openings", "12,5")
    page.check("#by_household")
    page.click("form button[type=submit]:has-text('Simpan')")
    page.wait_for_url(re.compile(r"/rab/\d+#line-\d+$"))
    assert "36 × 3 − 12,5" in page.locator("#rab-lines").inner_text()

    page.fill("#smkk_amount", "Rp 350.000")
    page.select_option("#ceiling_id", index=1)
    page.click("button:has-text('Simpan pengaturan')")
    page.wait_for_selector("text=Pengaturan RAB tersimpan")
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"rab-draft-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.click("#rab-hand-over")
    page.wait_for_selector("text=RAB diserahkan")
    assert "Diserahkan" in page.locator("#rab-status").inner_text()

    db.session.expire_all()
    rab = db.session.get(Rab, rab.id)
    totals_ = arithmetic.totals(
        [arithmetic.Line(ln.group, ln.amount, ln.by_household) for ln in rab.lines],
        rab.overhead_pct,
        rab.smkk_amount,
        rab.aid_ceiling,
    )
    assert rab.total == totals_.total and totals_.smkk == 350_000 and rab.aid_ceiling == 20_000_000
    total_text = "Rp " + f"{int(rab.total):,}".replace(",", ".")
    words = arithmetic.terbilang_rupiah(rab.total)
    assert total_text in page.locator("#rab-total").inner_text()

    # print to PDF
    page.goto(f"{live_server}/rab/{rab.id}/print")
    page.screenshot(path=str(SHOTS / "rab-print-1366.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (SHOTS / "rab-print.pdf").write_bytes(pdf)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert total_text in text
    assert words in text
    assert "Siti Aminah" in text and case.number in text
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "rab-print-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})

    # the XLSX: formulas, and they give the same total
    page.goto(f"{live_server}/rab/{rab.id}")
    with page.expect_download() as download_info:
        page.click("#rab-xlsx")
    wb = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    ws = wb["RAB"]
    cells = {c.coordinate: c.value for row in ws.iter_rows() for c in row}
    formulas = [v for v in cells.values() if isinstance(v, str) and v.startswith("=")]
    assert sum(1 for f in formulas if f.startswith("=ROUND(D")) == len(TIPE_36)
    assert any(f.startswith("=SUM(F") for f in formulas)
    prices = [v for k, v in cells.items() if k.startswith("E") and isinstance(v, int | float)]
    assert prices and not any(
        isinstance(cells.get(k), str) and str(cells[k]).startswith("=") for k in cells if k.startswith("E")
    )
    total_row = next(c.row for row in ws.iter_rows() for c in row if c.value == "TOTAL")
    assert str(cells[f"F{total_row}"]).startswith("=")
    values = evaluate_workbook(ws)
    assert values[f"F{total_row}"] == rab.total

    # the pages around it, at both widths
    for path, name in (
        (f"/prices/{pl.id}", "prices"),
        ("/work-items", "work-items"),
        (f"/cases/{case.id}/rab", "case-rab"),
    ):
        page.goto(f"{live_server}{path}")
        for width, height in ((1366, 768), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
                name,
                width,
            )
        page.set_viewport_size({"width": 1366, "height": 768})


def test_admin_pages_at_both_widths(live_server, page, units, make_user, tmp_path):
    """Aid ceilings, a work item's editor and the import preview, as an admin (no sideways scroll)."""
    from openpyxl import Workbook

    load_starter_set()
    pl = make_price_list(units["jawa2"])
    make_user(Role.ADMIN, username="admin.rab")
    wb = Workbook()
    wb.active.append(["kode", "uraian", "satuan", "harga", "jenis", "sumber"])
    wb.active.append(
        ["M.SEMEN", "Semen portland 50 kg", "zak", "Rp 71.500", "bahan", "HSPK Kota Bandung 2026"]
    )
    wb.active.append(["M.CAT", "Cat tembok", "kg", 25000, "bahan", "survei toko"])
    wb.active.append(["X", "Tanpa harga", "bh", "", "bahan", ""])
    xlsx = tmp_path / "hspk.xlsx"
    wb.save(xlsx)
    sign_in(page, live_server, "admin.rab", TEST_PASSWORD)
    page.goto(f"{live_server}/rab/ceilings")
    page.fill("#name", "BSPS peningkatan kualitas")
    page.fill("#amount", "Rp 20.000.000")
    page.click("button:has-text('Tambah')")
    page.wait_for_selector("text=Plafon bantuan tersimpan")
    _both_widths(page, "ceilings")
    item = db.session.scalars(select(WorkItem).where(WorkItem.code == "S.01")).one()
    page.goto(f"{live_server}/work-items/{item.id}")
    _both_widths(page, "work-item")
    page.goto(f"{live_server}/work-items/{item.id}/edit")
    _both_widths(page, "work-item-edit")
    page.goto(f"{live_server}/prices/{pl.id}/import")
    page.set_input_files("#file", str(xlsx))
    page.click("button:has-text('Pratinjau')")
    page.wait_for_selector("#import-summary")
    assert "1 baru" in page.locator("#import-summary").inner_text()
    _both_widths(page, "import-preview")
