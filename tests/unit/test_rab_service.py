"""RAB service: unit prices from coefficients, frozen prices, hand-over (event + audit), versions,
price list copy and the XLSX import's dry run."""

import io
from decimal import Decimal as D

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from krs.demo.rab import BASE_PRICES
from krs.extensions import db
from krs.models import AuditLog, Event, EventKind, PriceItem, PriceList, RabStatus, Role, WorkItem
from krs.rab import service
from krs.rab.starter import RESOURCES, load_starter_set, starter_items

STARTER_CODES = {
    "P.01",
    "P.02",
    "F.01",
    "F.02",
    "F.03",
    "S.01",
    "S.02",
    "S.03",
    "W.01",
    "W.02",
    "W.03",
    "R.01",
    "R.02",
    "L.01",
    "D.01",
    "D.02",
    "D.03",
    "N.01",
    "N.02",
    "E.01",
    "E.02",
}


def make_price_list(unit, year=2026, factor=1):
    pl = PriceList(unit_id=unit.id, regency_code="32.73", year=year, name=f"Harga {year}", source="uji")
    for code, (price, _src) in BASE_PRICES.items():
        kind, name, unit_name = RESOURCES[code]
        pl.items.append(
            PriceItem(code=code, kind=kind, name=name, unit=unit_name, price=D(price) * factor, source="uji")
        )
    db.session.add(pl)
    db.session.commit()
    return pl


@pytest.fixture
def world(units, make_user, make_case):
    load_starter_set()
    db.session.commit()
    spv = make_user(Role.SUPERVISOR)
    case = make_case()
    return spv, case, make_price_list(units["jawa2"])


def test_starter_set_has_exactly_the_codes_and_every_coefficient_a_known_resource_and_source():
    items = starter_items()
    assert {i["code"] for i in items} == STARTER_CODES
    for item in items:
        assert item["source"] and item["coefficients"]
        for code, coefficient, source in item["coefficients"]:
            assert code in RESOURCES and coefficient > 0 and source


def test_load_is_idempotent(app):
    assert load_starter_set() == 21
    assert load_starter_set() == 0
    assert db.session.scalar(select(WorkItem).where(WorkItem.code == "W.02")).is_example


def test_unit_price_of_plaster_by_hand(world):
    spv, case, pl = world
    rab = service.create_rab(spv, case, price_list=pl)
    item = db.session.scalar(select(WorkItem).where(WorkItem.code == "W.02"))
    service.add_work_items(spv, rab, [item])
    line = rab.lines[0]
    # 0,2×100.000 + 0,1×145.000 + 0,01×175.000 + 0,0033×200.000 + 0,1248 zak×65.000 + 0,024×200.000
    assert line.unit_price == D(49822)
    service.update_line(spv, rab, line, volume=D("12.5"), volume_note="", by_household=False)
    assert line.amount == D(622775) and rab.total == D(622775)


def test_handed_over_rab_keeps_its_prices_when_the_list_changes(world):
    spv, case, pl = world
    rab = service.create_rab(spv, case, price_list=pl)
    service.add_work_items(spv, rab, [db.session.scalar(select(WorkItem).where(WorkItem.code == "W.02"))])
    service.update_line(spv, rab, rab.lines[0], volume=D(10), volume_note="", by_household=False)
    service.hand_over(spv, rab)
    total = rab.total
    for item in pl.items:
        item.price = item.price * 2
    db.session.commit()
    db.session.expire_all()
    assert rab.total == total and rab.lines[0].unit_price == D(49822)
    with pytest.raises(service.RabError):
        service.update_line(spv, rab, rab.lines[0], volume=D(1), volume_note="", by_household=False)
    copy = service.new_version(spv, rab)
    assert copy.version == 2 and copy.status == RabStatus.DRAFT and copy.total == total
    service.reprice_lines(copy)  # a draft priced again from the (changed) list
    assert copy.lines[0].unit_price == D(99644)


def test_hand_over_is_an_event_and_an_audit_row(world):
    spv, case, pl = world
    rab = service.create_rab(spv, case, price_list=pl, title="Uji")
    with pytest.raises(service.RabError):
        service.hand_over(spv, rab)  # nothing in it
    db.session.rollback()
    service.add_work_items(spv, rab, [db.session.scalar(select(WorkItem).where(WorkItem.code == "F.01"))])
    service.update_line(spv, rab, rab.lines[0], volume=D(2), volume_note="", by_household=False)
    service.hand_over(spv, rab)
    event = db.session.scalars(
        select(Event).where(Event.case_id == case.id, Event.kind == EventKind.DELIVERABLE)
    ).one()
    assert event.data["rab_id"] == rab.id and "RAB versi 1" in event.body
    assert db.session.scalars(
        select(AuditLog).where(AuditLog.action == "rab.hand_over", AuditLog.entity_id == rab.id)
    ).one()


def test_missing_base_price_blocks_hand_over(world):
    spv, case, pl = world
    db.session.delete(next(i for i in pl.items if i.code == "M.SENG"))
    db.session.commit()
    rab = service.create_rab(spv, case, price_list=pl)
    service.add_work_items(spv, rab, [db.session.scalar(select(WorkItem).where(WorkItem.code == "R.02"))])
    assert service.missing_prices(rab.lines[0]) == ["M.SENG"]
    with pytest.raises(service.RabError):
        service.hand_over(spv, rab)


def test_copy_price_list_with_percentage(world):
    spv, _case, pl = world
    assert service.parse_percent("+5,5 %") == D("5.5")
    assert service.parse_percent("-2") == D(-2)
    copy = service.copy_price_list(spv, pl, year=2027, percent=D("5.5"), name="Harga 2027")
    prices = {i.code: i.price for i in copy.items}
    assert prices["L.PEKERJA"] == D(105500) and prices["M.BATA"] == D(739)  # 738,5 → 739
    assert copy.copied_from_id == pl.id


def test_import_dry_run_then_apply(world):
    spv, _case, pl = world
    wb = Workbook()
    ws = wb.active
    ws.append(["Daftar HSPK"])
    ws.append(["kode", "uraian", "satuan", "harga", "jenis", "sumber"])
    ws.append(["M.SEMEN", "Semen 50 kg", "zak", "Rp 70.000", "bahan", "HSPK"])
    ws.append(["M.BARU", "Cat tembok", "kg", 25000.4, "bahan", "toko"])
    ws.append(["L.PEKERJA", "Pekerja", "OH", 100000, "upah", ""])
    ws.append(["X.1", "Salah", "bh", "abc", "bahan", ""])
    ws.append(["M.ALAT", "Molen", "hari", "150.000", "sewa", ""])
    out = io.BytesIO()
    wb.save(out)
    before = {i.code: i.price for i in pl.items}
    rows = service.parse_price_import(io.BytesIO(out.getvalue()), pl)
    assert [(r.code, r.action, bool(r.error)) for r in rows] == [
        ("M.SEMEN", "update", False),
        ("M.BARU", "new", False),
        ("L.PEKERJA", "same", False),
        ("X.1", "", True),
        ("M.ALAT", "", True),
    ]
    db.session.expire_all()
    assert {i.code: i.price for i in pl.items} == before  # the dry run wrote nothing
    assert service.apply_price_import(spv, pl, rows) == 2
    prices = {i.code: i.price for i in db.session.get(PriceList, pl.id).items}
    assert prices["M.SEMEN"] == D(70000) and prices["M.BARU"] == D(25000)


def test_helper_volume():
    assert service.helper_volume("wall", D("6"), D("3"), None, D("4.2")) == (D("13.800"), "6 × 3 − 4,2")
    assert service.helper_volume("box", D("36"), D("0.6"), D("0.6"))[0] == D("12.960")
    with pytest.raises(service.RabError):
        service.helper_volume("wall", D(1), D(1), None, D(5))
