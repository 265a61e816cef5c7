"""Issue 18 views: price lists, work items, the RAB builder (fragment vs page, other offices 404,
roles), printing and the XLSX."""

import io
import re
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from krs.extensions import db
from krs.models import AidCeiling, Design, PriceList, Rab, RabTemplateLine, Role, WorkItem
from krs.rab import service
from krs.rab.starter import load_starter_set
from tests.support import counting_queries, login
from tests.unit.test_rab_service import make_price_list


@pytest.fixture
def setup(units, make_user, make_case):
    load_starter_set()
    db.session.commit()
    pl = make_price_list(units["jawa2"])
    other_pl = make_price_list(units["jawa3"])
    staff = make_user(Role.STAFF)
    case = make_case(name="Siti Aminah")
    other_case = make_case(unit=units["jawa3"], name="Budi Lain")
    return {"pl": pl, "other_pl": other_pl, "staff": staff, "case": case, "other_case": other_case}


def _rab(s, handed=False):
    rab = service.create_rab(s["staff"], s["case"], price_list=s["pl"], title="Rumah uji")
    items = list(db.session.scalars(select(WorkItem).where(WorkItem.code.in_(["F.01", "W.01", "W.02"]))))
    service.add_work_items(s["staff"], rab, items)
    for i, line in enumerate(rab.lines):
        service.update_line(
            s["staff"], rab, line, volume=D(10 + i), volume_note="", by_household=(line.code == "W.01")
        )
    if handed:
        service.hand_over(s["staff"], rab)
    return rab


def test_price_lists_are_scoped_per_office(client, setup, make_user):
    login(client, setup["staff"])
    html = client.get("/prices").get_data(as_text=True)
    assert f"/prices/{setup['pl'].id}" in html and f"/prices/{setup['other_pl'].id}" not in html
    assert client.get(f"/prices/{setup['other_pl'].id}").status_code == 404
    page = client.get(f"/prices/{setup['pl'].id}").get_data(as_text=True)
    assert "L.PEKERJA" in page and "Rp 100.000" in page and "Tambah harga" not in page  # staff reads
    assert client.get(f"/prices/{setup['pl'].id}/items/new").status_code == 403
    spv = make_user(Role.SUPERVISOR)
    login(client, spv)
    assert client.get(f"/prices/{setup['pl'].id}/items/new").status_code == 200
    assert client.get(f"/prices/{setup['other_pl'].id}/items/new").status_code == 404
    resp = client.post(
        f"/prices/{setup['pl'].id}/items/new",
        data={
            "code": "m.cat",
            "kind": "material",
            "name": "Cat",
            "unit": "kg",
            "price": "Rp 125.000",
            "source": "toko",
        },
    )
    assert resp.status_code == 302
    assert any(
        i.code == "M.CAT" and i.price == 125000 for i in db.session.get(PriceList, setup["pl"].id).items
    )
    login(client, make_user(Role.ADMIN))
    assert client.get(f"/prices/{setup['other_pl'].id}").status_code == 200


def test_price_list_fragment_vs_page(client, setup):
    login(client, setup["staff"])
    url = f"/prices/{setup['pl'].id}?jenis=labour"
    frag = client.get(url, headers={"HX-Request": "true", "HX-Target": "price-items"}).get_data(as_text=True)
    assert "<html" not in frag and "L.MANDOR" in frag and "M.SEMEN" not in frag
    assert "<html" in client.get(url).get_data(as_text=True)


def test_copy_price_list_view(client, setup, make_user):
    login(client, make_user(Role.SUPERVISOR))
    resp = client.post(
        f"/prices/{setup['pl'].id}/copy", data={"year": "2027", "percent": "+5,5 %", "name": "Harga 2027"}
    )
    assert resp.status_code == 302
    copy = db.session.scalars(select(PriceList).where(PriceList.year == 2027)).one()
    assert {i.code: i.price for i in copy.items}["L.PEKERJA"] == 105500


def test_work_items_everyone_reads_admin_edits(client, setup, make_user):
    login(client, setup["staff"])
    html = client.get("/work-items").get_data(as_text=True)
    assert "W.02" in html and "contoh — perlu diperiksa" in html
    frag = client.get("/work-items?q=plester", headers={"HX-Request": "true", "HX-Target": "work-item-rows"})
    assert "<html" not in frag.get_data(as_text=True) and "W.02" in frag.get_data(as_text=True)
    item = db.session.scalar(select(WorkItem).where(WorkItem.code == "W.02"))
    page = client.get(f"/work-items/{item.id}").get_data(as_text=True)
    assert "M.SEMEN" in page and "3.7.4" in page
    assert client.get(f"/work-items/{item.id}/edit").status_code == 403
    login(client, make_user(Role.ADMIN))
    form = client.get(f"/work-items/{item.id}/edit").get_data(as_text=True)
    assert "L.PEKERJA | upah | Pekerja | OH | 0,2 |" in form
    resp = client.post(
        f"/work-items/{item.id}/edit",
        data={
            "code": "W.02",
            "group": "dinding",
            "name": "Plesteran",
            "unit": "m2",
            "source": "diperiksa",
            "active": "y",
            "coefficients": "L.PEKERJA | upah | Pekerja | OH | 0,3 | SNI lama",
        },
    )
    assert resp.status_code == 302
    db.session.expire_all()
    assert not item.is_example and [c.coefficient for c in item.coefficients] == [D("0.3")]


def test_case_panel_fragment_vs_page_and_other_office(client, setup):
    rab = _rab(setup)
    login(client, setup["staff"])
    url = f"/cases/{setup['case'].id}/rab"
    frag = client.get(url, headers={"HX-Request": "true", "HX-Target": "rab-panel"}).get_data(as_text=True)
    assert "<html" not in frag and f"/rab/{rab.id}" in frag and "Buat RAB" in frag
    assert "<html" in client.get(url).get_data(as_text=True)
    assert client.get(f"/cases/{setup['other_case'].id}/rab").status_code == 404
    assert 'id="rab-panel"' in client.get(f"/cases/{setup['case'].id}").get_data(as_text=True)


def test_builder_flow_template_helper_settings_hand_over(client, setup, units):
    design = Design(code="T36-UJI", name="Tipe 36 uji", house_type="Tipe 36", floor_area_m2=D(36))
    db.session.add(design)
    db.session.flush()
    db.session.add_all(
        [
            RabTemplateLine(design_id=design.id, position=1, work_item_code="F.01", volume=D("12.96")),
            RabTemplateLine(design_id=design.id, position=2, work_item_code="W.01", volume=D("96")),
        ]
    )
    ceiling = AidCeiling(name="BSPS PK", amount=D(20_000_000), source="uji", active=True)
    db.session.add(ceiling)
    db.session.commit()
    login(client, setup["staff"])
    new = client.get(f"/cases/{setup['case'].id}/rab/new").get_data(as_text=True)
    assert "T36-UJI" in new and f'selected value="{setup["pl"].id}"' in new
    resp = client.post(
        f"/cases/{setup['case'].id}/rab/new",
        data={"price_list_id": setup["pl"].id, "design_id": design.id, "title": "Uji"},
    )
    assert resp.status_code == 302
    rab = db.session.scalars(select(Rab).where(Rab.case_id == setup["case"].id)).one()
    assert [ln.code for ln in rab.lines] == ["F.01", "W.01"]
    wall = rab.lines[1]
    resp = client.post(
        f"/rab/{rab.id}/lines/{wall.id}",
        data={"volume": "0", "shape": "wall", "length": "36", "width": "3", "openings": "12,5"},
    )
    assert resp.status_code == 302
    db.session.expire_all()
    assert wall.volume == D("95.5") and wall.volume_note == "36 × 3 − 12,5"
    resp = client.post(
        f"/rab/{rab.id}/settings",
        data={
            "price_list_id": setup["pl"].id,
            "overhead_pct": "0",
            "smkk_amount": "Rp 250.000",
            "ceiling_id": ceiling.id,
        },
    )
    assert resp.status_code == 302
    # search adds an item: the fragment, then the post
    frag = client.get(f"/rab/{rab.id}?q=acian", headers={"HX-Request": "true", "HX-Target": "search-results"})
    item = db.session.scalar(select(WorkItem).where(WorkItem.code == "W.03"))
    assert "<html" not in frag.get_data(as_text=True) and f'value="{item.id}"' in frag.get_data(as_text=True)
    assert (
        client.post(f"/rab/{rab.id}/lines", data={"design_id": "0", "work_item_id": str(item.id)}).status_code
        == 302
    )
    db.session.expire_all()
    page = client.get(f"/rab/{rab.id}").get_data(as_text=True)
    totals = service.rab_totals(rab)
    assert totals.smkk == 250000 and totals.ceiling == 20_000_000
    assert f"Rp {int(totals.total):,}".replace(",", ".") in page and "Terbilang" in page
    assert client.post(f"/rab/{rab.id}/hand-over").status_code == 302
    db.session.expire_all()
    assert rab.status == "handed_over"
    # frozen: editing answers 404, a new version is a draft
    assert client.post(f"/rab/{rab.id}/lines/{wall.id}", data={"volume": "1"}).status_code == 404
    assert client.post(f"/rab/{rab.id}/new-version").status_code == 302
    assert (
        db.session.scalars(select(Rab).where(Rab.case_id == setup["case"].id, Rab.version == 2))
        .one()
        .is_draft
    )


def test_rab_of_another_office_is_404_viewer_reads_without_name(client, setup, units, make_user):
    rab = _rab(setup, handed=True)
    other_staff = make_user(Role.STAFF, unit=units["jawa3"])
    login(client, other_staff)
    for url in (f"/rab/{rab.id}", f"/rab/{rab.id}/print", f"/rab/{rab.id}/xlsx"):
        assert client.get(url).status_code == 404
    login(client, make_user(Role.VIEWER))
    page = client.get(f"/rab/{rab.id}").get_data(as_text=True)
    assert setup["case"].number in page and "Siti Aminah" not in page and "Serahkan" not in page
    assert setup["staff"].full_name not in page  # viewers see no staff names
    assert client.get(f"/rab/{rab.id}/print").status_code == 403


def test_print_and_xlsx(client, setup):
    rab = _rab(setup, handed=True)
    login(client, setup["staff"])
    html = client.get(f"/rab/{rab.id}/print").get_data(as_text=True)
    totals = service.rab_totals(rab)
    assert "Siti Aminah" in html and "mainnav" not in html and "RENCANA ANGGARAN BIAYA" in html
    assert f"Rp {int(totals.total):,}".replace(",", ".") in html and "rupiah" in html
    resp = client.get(f"/rab/{rab.id}/xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.data))
    formulas = [
        c.value
        for row in wb["RAB"].iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    ]
    assert any(f.startswith("=ROUND(D") for f in formulas) and any(f.startswith("=SUM(F") for f in formulas)


def test_rab_page_query_count_does_not_grow_with_lines(client, setup):
    rab = _rab(setup)
    login(client, setup["staff"])
    client.get(f"/rab/{rab.id}")
    with counting_queries() as few:
        client.get(f"/rab/{rab.id}")
    items = list(db.session.scalars(select(WorkItem)))
    service.add_work_items(setup["staff"], rab, items)
    with counting_queries() as many:
        client.get(f"/rab/{rab.id}")
    assert many.count <= few.count + 2, many.statements


def test_dashboard_tile_and_evaluation_sheets(client, setup, make_user):
    rab = _rab(setup, handed=True)
    login(client, make_user(Role.SUPERVISOR))
    frag = client.get("/reports/tiles/rab", headers={"HX-Request": "true", "HX-Target": "tile-rab"})
    html = frag.get_data(as_text=True)
    assert "<html" not in html and "RAB diserahkan" in html
    assert f"Rp {int(rab.total):,}".replace(",", ".") in html and "F.01" in html
    resp = client.get("/reports/evaluation.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.data))
    assert "RAB diserahkan" in wb.sheetnames and "Pekerjaan RAB terbanyak" in wb.sheetnames
    rows = list(wb["RAB diserahkan"].iter_rows(values_only=True))
    assert rows[1][2] == 1 and rows[1][3] == int(rab.total)


def test_import_preview_writes_nothing_then_confirm_saves(client, setup, make_user):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["kode", "uraian", "satuan", "harga", "jenis", "sumber"])
    wb.active.append(["M.SEMEN", "Semen 50 kg", "zak", "Rp 71.500", "bahan", "HSPK 2026"])
    wb.active.append(["M.RUSAK", "Tanpa harga", "bh", "", "bahan", ""])
    out = io.BytesIO()
    wb.save(out)
    login(client, make_user(Role.SUPERVISOR))
    url = f"/prices/{setup['pl'].id}/import"
    resp = client.post(
        url, data={"file": (io.BytesIO(out.getvalue()), "hspk.xlsx")}, content_type="multipart/form-data"
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "harga berubah" in html and "Harga tidak terbaca" in html
    db.session.expire_all()
    prices = {i.code: i.price for i in db.session.get(PriceList, setup["pl"].id).items}
    assert prices["M.SEMEN"] == 65000  # the preview wrote nothing
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    assert client.post(url, data={"token": token}).status_code == 302
    db.session.expire_all()
    prices = {i.code: i.price for i in db.session.get(PriceList, setup["pl"].id).items}
    assert prices["M.SEMEN"] == 71500 and "M.RUSAK" not in prices
    assert client.post(url, data={"token": token[:-3] + "xyz"}).status_code == 400  # a forged token


def test_price_lists_page_query_count(client, setup, units):
    login(client, setup["staff"])
    client.get("/prices")
    with counting_queries() as few:
        client.get("/prices")
    for year in (2020, 2021, 2022):
        make_price_list(units["jawa2"], year=year)
    with counting_queries() as many:
        client.get("/prices")
    assert many.count == few.count, many.statements
