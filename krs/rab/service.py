"""Price lists, work items and the RAB builder (issue 18): the rules, one transaction each.

The caller (a route) has asked krs.access whether the user may act; services re-check the one rule
that guards data (a handed-over RAB is frozen) and raise RabError. Money follows the rounding rule
of krs/rab/arithmetic.py, stated there once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from krs import access, audit
from krs.export_writer import read_xlsx_rows
from krs.extensions import db
from krs.fields import parse_indonesian_number
from krs.formats import fmt_rupiah, in_both_languages
from krs.models import (
    AidCeiling,
    Case,
    Event,
    EventKind,
    PriceItem,
    PriceList,
    Rab,
    RabLine,
    RabStatus,
    RabTemplateLine,
    ResourceKind,
    User,
    WorkItem,
    WorkItemCoefficient,
    utcnow,
)
from krs.rab import arithmetic
from krs.rab.arithmetic import Part, round_rupiah


class RabError(Exception):
    pass


PRICE_LIST_FIELDS = ["unit_id", "regency_code", "year", "name", "source", "source_date"]
RAB_FIELDS = [
    "status",
    "version",
    "price_list_id",
    "overhead_pct",
    "smkk_amount",
    "total",
    "household_amount",
]

# ---------------------------------------------------------------- price lists


def create_price_list(
    actor: User, *, unit_id, regency_code, year, name, source="", source_date=None
) -> PriceList:
    price_list = PriceList(
        unit_id=unit_id,
        regency_code=regency_code,
        year=year,
        name=name.strip(),
        source=(source or "").strip(),
        source_date=source_date,
        created_by_id=actor.id,
    )
    db.session.add(price_list)
    db.session.flush()
    audit.record(
        actor,
        "price_list.create",
        "price_list",
        price_list.id,
        None,
        audit.snapshot(price_list, PRICE_LIST_FIELDS),
    )
    db.session.commit()
    return price_list


def save_price_item(actor: User, price_list: PriceList, item: PriceItem | None, data: dict) -> PriceItem:
    code = data["code"].strip().upper()
    clash = db.session.scalar(
        select(PriceItem.id).where(PriceItem.price_list_id == price_list.id, PriceItem.code == code)
    )
    if clash is not None and (item is None or clash != item.id):
        raise RabError(_l("Kode %(code)s sudah ada di daftar harga ini.", code=code))
    before = (
        None if item is None else audit.snapshot(item, ["code", "kind", "name", "unit", "price", "source"])
    )
    if item is None:
        item = PriceItem(price_list_id=price_list.id)
        db.session.add(item)
    item.code = code
    item.kind = data["kind"]
    item.name = data["name"].strip()
    item.unit = data["unit"].strip()
    item.price = round_rupiah(data["price"])
    item.source = (data.get("source") or "").strip()
    db.session.flush()
    audit.record(
        actor,
        "price_item.save",
        "price_item",
        item.id,
        before,
        audit.snapshot(item, ["code", "kind", "name", "unit", "price", "source"]),
    )
    db.session.commit()
    return item


def delete_price_item(actor: User, item: PriceItem) -> None:
    audit.record(
        actor,
        "price_item.delete",
        "price_item",
        item.id,
        audit.snapshot(item, ["code", "name", "price"]),
        None,
    )
    db.session.delete(item)
    db.session.commit()


def parse_percent(text: str) -> Decimal:
    """ "+5,5 %" → 5.5; "-3" → -3."""
    cleaned = (text or "").replace("%", "").replace(" ", "").strip()
    if not cleaned:
        raise ValueError(_l("Isi persentase, mis. +5,5 %."))
    sign = -1 if cleaned.startswith("-") else 1
    value = parse_indonesian_number(cleaned.lstrip("+-"))
    if value > 1000:
        raise ValueError(_l("Persentase terlalu besar."))
    return sign * value


def copy_price_list(actor: User, source: PriceList, *, year: int, percent: Decimal, name: str) -> PriceList:
    """A new list from `source` with every price × (1 + percent/100), rounded to whole Rupiah."""
    exists = db.session.scalar(
        select(PriceList.id).where(
            PriceList.unit_id == source.unit_id,
            PriceList.regency_code == source.regency_code,
            PriceList.year == year,
            PriceList.name == name.strip(),
        )
    )
    if exists is not None:
        raise RabError(_l("Daftar harga dengan nama dan tahun ini sudah ada."))
    factor = 1 + Decimal(percent) / 100
    copy = PriceList(
        unit_id=source.unit_id,
        regency_code=source.regency_code,
        year=year,
        name=name.strip(),
        source=f"{source.source} — disalin dari {source.name} {source.year}, {percent:+} %".strip(" —"),
        source_date=source.source_date,
        copied_from_id=source.id,
        created_by_id=actor.id,
    )
    for item in source.items:
        copy.items.append(
            PriceItem(
                code=item.code,
                kind=item.kind,
                name=item.name,
                unit=item.unit,
                price=round_rupiah(item.price * factor),
                source=item.source,
            )
        )
    db.session.add(copy)
    db.session.flush()
    audit.record(
        actor,
        "price_list.copy",
        "price_list",
        copy.id,
        {"from": source.id},
        {"percent": percent, "year": year},
    )
    db.session.commit()
    return copy


KIND_WORDS = {
    "bahan": ResourceKind.MATERIAL,
    "material": ResourceKind.MATERIAL,
    "upah": ResourceKind.LABOUR,
    "tenaga": ResourceKind.LABOUR,
    "labour": ResourceKind.LABOUR,
    "alat": ResourceKind.EQUIPMENT,
    "peralatan": ResourceKind.EQUIPMENT,
    "equipment": ResourceKind.EQUIPMENT,
}
IMPORT_COLUMNS = ("kode", "uraian", "satuan", "harga", "jenis", "sumber")


@dataclass
class ImportRow:
    row: int
    code: str
    name: str
    unit: str
    price: Decimal | None
    kind: str
    source: str
    error: str = ""
    action: str = ""  # "new" / "update" / "same"


def _price_value(value) -> Decimal:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value))
    return parse_indonesian_number(str(value or ""))


def parse_price_import(stream, price_list: PriceList) -> list[ImportRow]:
    """The rows of an uploaded XLSX (columns kode, uraian, satuan, harga, jenis, sumber, found by
    their header in the first ten rows), each checked and compared with the list: the dry run."""
    try:
        rows = read_xlsx_rows(stream)
    except ValueError as exc:
        raise RabError(_l("Berkas bukan XLSX yang dapat dibaca.")) from exc
    header_at, columns = None, {}
    for index, row in enumerate(rows[:10]):
        names = [str(v or "").strip().lower() for v in row]
        if "kode" in names and "harga" in names:
            header_at, columns = index, {n: names.index(n) for n in IMPORT_COLUMNS if n in names}
            break
    if header_at is None:
        raise RabError(_l("Baris judul kolom (kode, uraian, satuan, harga, jenis, sumber) tidak ditemukan."))
    current = {i.code: i for i in price_list.items}
    seen: set[str] = set()
    result = []
    for offset, row in enumerate(rows[header_at + 1 :], start=header_at + 2):

        def cell(name, row=row):
            i = columns.get(name)
            return row[i] if i is not None and i < len(row) else None

        code = str(cell("kode") or "").strip().upper()
        if not code and cell("harga") in (None, ""):
            continue
        item = ImportRow(
            row=offset,
            code=code,
            name=str(cell("uraian") or "").strip()[:200],
            unit=str(cell("satuan") or "").strip()[:20],
            price=None,
            kind=ResourceKind.MATERIAL.value,
            source=str(cell("sumber") or "").strip()[:300],
        )
        kind_text = str(cell("jenis") or "").strip().lower()
        if kind_text:
            kind = KIND_WORDS.get(kind_text.split()[0])
            if kind is None:
                item.error = str(_l("Jenis tidak dikenal: %(k)s (bahan, upah, alat).", k=kind_text))
            else:
                item.kind = kind.value
        try:
            item.price = round_rupiah(_price_value(cell("harga")))
            if item.price < 0:
                raise ValueError
        except (ValueError, InvalidOperation):
            item.error = item.error or str(_l("Harga tidak terbaca."))
        if not code or len(code) > 30:
            item.error = item.error or str(_l("Kode kosong atau terlalu panjang."))
        elif code in seen:
            item.error = item.error or str(_l("Kode ganda di berkas."))
        if not item.name or not item.unit:
            item.error = item.error or str(_l("Uraian dan satuan wajib diisi."))
        seen.add(code)
        if not item.error:
            old = current.get(code)
            item.action = "new" if old is None else ("same" if old.price == item.price else "update")
        result.append(item)
    return result


def apply_price_import(actor: User, price_list: PriceList, rows: list[ImportRow]) -> int:
    """Writes the valid rows (new codes added, prices of known codes updated); one transaction."""
    current = {i.code: i for i in price_list.items}
    changed = 0
    for row in rows:
        if row.error or row.action == "same":
            continue
        item = current.get(row.code)
        if item is None:
            item = PriceItem(code=row.code)
            price_list.items.append(item)
        item.name, item.unit, item.kind, item.price, item.source = (
            row.name,
            row.unit,
            row.kind,
            row.price,
            row.source,
        )
        changed += 1
    audit.record(actor, "price_list.import", "price_list", price_list.id, None, {"rows": changed})
    db.session.commit()
    return changed


# ---------------------------------------------------------------- work items


def search_work_items(query: str = "", limit: int = 200) -> list[WorkItem]:
    stmt = select(WorkItem).where(WorkItem.active.is_(True)).order_by(WorkItem.code)
    q = (query or "").strip()
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(WorkItem.code).like(like), func.lower(WorkItem.name).like(like)))
    return list(db.session.scalars(stmt.limit(limit)))


def parse_coefficients(text: str) -> list[dict]:
    """One coefficient a line: `kode | jenis | nama | satuan | koefisien | sumber`."""
    rows = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.split("|")]
        if len(parts) < 5:
            raise ValueError(
                _l("Baris %(n)s: tulis kode | jenis | nama | satuan | koefisien | sumber.", n=number)
            )
        kind = KIND_WORDS.get(parts[1].lower()) or (
            ResourceKind(parts[1]) if ResourceKind.has(parts[1]) else None
        )
        if kind is None:
            raise ValueError(_l("Baris %(n)s: jenis harus bahan, upah atau alat.", n=number))
        try:
            coefficient = parse_indonesian_number(parts[4])
        except ValueError as exc:
            raise ValueError(_l("Baris %(n)s: koefisien tidak terbaca.", n=number)) from exc
        rows.append(
            {
                "resource_code": parts[0].upper()[:30],
                "resource_kind": kind.value,
                "resource_name": parts[2][:200],
                "resource_unit": parts[3][:20],
                "coefficient": coefficient,
                "source": (parts[5] if len(parts) > 5 else "")[:300],
            }
        )
    return rows


def coefficients_text(item: WorkItem) -> str:
    kind_word = {"material": "bahan", "labour": "upah", "equipment": "alat"}
    return "\n".join(
        f"{c.resource_code} | {kind_word.get(c.resource_kind, c.resource_kind)} | {c.resource_name} | "
        f"{c.resource_unit} | {str(c.coefficient.normalize()).replace('.', ',')} | {c.source}"
        for c in item.coefficients
    )


def save_work_item(actor: User, item: WorkItem | None, data: dict, coefficients: list[dict]) -> WorkItem:
    code = data["code"].strip().upper()
    clash = db.session.scalar(select(WorkItem.id).where(WorkItem.code == code))
    if clash is not None and (item is None or clash != item.id):
        raise RabError(_l("Kode pekerjaan %(code)s sudah ada.", code=code))
    fields = ["code", "group", "name", "unit", "source", "is_example", "active"]
    before = (
        None if item is None else audit.snapshot(item, fields) | {"coefficients": coefficients_text(item)}
    )
    if item is None:
        item = WorkItem()
        db.session.add(item)
    for name in fields:
        setattr(item, name, code if name == "code" else data[name])
    item.coefficients = [WorkItemCoefficient(**c) for c in coefficients]
    db.session.flush()
    audit.record(
        actor,
        "work_item.save",
        "work_item",
        item.id,
        before,
        audit.snapshot(item, fields) | {"coefficients": coefficients_text(item)},
    )
    db.session.commit()
    return item


# ---------------------------------------------------------------- aid ceilings (admin data)


def aid_ceilings(active_only: bool = True) -> list[AidCeiling]:
    stmt = select(AidCeiling).order_by(AidCeiling.name)
    if active_only:
        stmt = stmt.where(AidCeiling.active.is_(True))
    return list(db.session.scalars(stmt))


def save_aid_ceiling(actor: User, ceiling: AidCeiling | None, data: dict) -> AidCeiling:
    fields = ["name", "amount", "valid_from", "source", "active"]
    before = None if ceiling is None else audit.snapshot(ceiling, fields)
    if ceiling is None:
        ceiling = AidCeiling()
        db.session.add(ceiling)
    for name in fields:
        setattr(ceiling, name, data[name])
    db.session.flush()
    audit.record(
        actor, "aid_ceiling.save", "aid_ceiling", ceiling.id, before, audit.snapshot(ceiling, fields)
    )
    db.session.commit()
    return ceiling


# ---------------------------------------------------------------- RAB: prices of a line


def prices_of(price_list: PriceList | None) -> dict[str, PriceItem]:
    return {} if price_list is None else {i.code: i for i in price_list.items}


def breakdown(work_item: WorkItem, prices: dict[str, PriceItem]) -> tuple[Decimal, list[Part]]:
    """The unit price of a work item with a price list (rule 1) and the parts it came from."""
    parts = [
        Part(
            code=c.resource_code,
            name=c.resource_name,
            unit=c.resource_unit,
            kind=c.resource_kind,
            coefficient=c.coefficient,
            price=prices[c.resource_code].price if c.resource_code in prices else None,
        )
        for c in work_item.coefficients
    ]
    return arithmetic.unit_price(parts), parts


def _breakdown_json(parts: list[Part]) -> str:
    return json.dumps(
        [
            {
                "code": p.code,
                "name": p.name,
                "unit": p.unit,
                "kind": p.kind,
                "coefficient": str(p.coefficient),
                "price": None if p.price is None else str(p.price),
            }
            for p in parts
        ],
        ensure_ascii=False,
    )


def line_parts(line: RabLine) -> list[dict]:
    try:
        return json.loads(line.breakdown or "[]")
    except ValueError:
        return []


def missing_prices(line: RabLine) -> list[str]:
    return [p["code"] for p in line_parts(line) if p.get("price") is None]


def _price_line(line: RabLine, work_item: WorkItem | None, prices: dict[str, PriceItem]) -> None:
    if work_item is not None:
        unit_price, parts = breakdown(work_item, prices)
        line.unit_price = unit_price
        line.breakdown = _breakdown_json(parts)
    line.amount = arithmetic.line_amount(line.volume, line.unit_price)


def rab_totals(rab: Rab) -> arithmetic.Totals:
    return arithmetic.totals(
        [arithmetic.Line(group=ln.group, amount=ln.amount, by_household=ln.by_household) for ln in rab.lines],
        overhead_pct=rab.overhead_pct,
        smkk=rab.smkk_amount,
        ceiling=rab.aid_ceiling,
    )


def _refresh_totals(rab: Rab) -> arithmetic.Totals:
    result = rab_totals(rab)
    rab.total = result.total
    rab.household_amount = result.household_total
    return result


def _require_draft(rab: Rab) -> None:
    if rab.status != RabStatus.DRAFT:
        raise RabError(_l("RAB ini sudah diserahkan dan tidak dapat diubah; buat versi baru."))


# ---------------------------------------------------------------- RAB: building


def default_price_list(case: Case) -> PriceList | None:
    """The newest list of the case's office for the applicant's regency, else its newest list."""
    lists = list(
        db.session.scalars(
            access.price_lists_for_case(None, case).order_by(PriceList.year.desc(), PriceList.id.desc())
        )
    )
    regency = case.applicant.regency_code if case.applicant else None
    for price_list in lists:
        if regency and price_list.regency_code == regency:
            return price_list
    return lists[0] if lists else None


def rabs_of_case(case: Case) -> list[Rab]:
    return list(db.session.scalars(select(Rab).where(Rab.case_id == case.id).order_by(Rab.version.desc())))


def _next_version(case: Case) -> int:
    return (db.session.scalar(select(func.max(Rab.version)).where(Rab.case_id == case.id)) or 0) + 1


def create_rab(
    actor: User, case: Case, *, price_list: PriceList | None, design_id: int | None = None, title: str = ""
) -> Rab:
    if price_list is not None and price_list.unit_id != case.unit_id:
        raise RabError(_l("Daftar harga harus milik unit kasus ini."))
    rab = Rab(
        case_id=case.id,
        unit_id=case.unit_id,
        version=_next_version(case),
        status=RabStatus.DRAFT,
        price_list_id=price_list.id if price_list else None,
        design_id=design_id,
        title=(title or "").strip(),
        overhead_pct=Decimal(0),
        smkk_amount=Decimal(0),
        total=Decimal(0),
        household_amount=Decimal(0),
        created_by_id=actor.id,
    )
    db.session.add(rab)
    db.session.flush()
    if design_id:
        _add_template_lines(rab, design_id)
    _refresh_totals(rab)
    audit.record(
        actor, "rab.create", "rab", rab.id, None, audit.snapshot(rab, RAB_FIELDS) | {"case_id": case.id}
    )
    db.session.commit()
    return rab


def template_lines(design_id: int) -> list[RabTemplateLine]:
    return list(
        db.session.scalars(
            select(RabTemplateLine)
            .where(RabTemplateLine.design_id == design_id)
            .order_by(RabTemplateLine.position, RabTemplateLine.id)
        )
    )


def _add_template_lines(rab: Rab, design_id: int) -> int:
    rows = template_lines(design_id)
    items = {
        w.code: w
        for w in db.session.scalars(
            select(WorkItem).where(WorkItem.code.in_([r.work_item_code for r in rows]))
        )
    }
    prices = prices_of(rab.price_list)
    added = 0
    for row in rows:
        item = items.get(row.work_item_code)
        if item is None:
            continue
        _append_line(rab, item, row.volume, row.note or "", False, prices)
        added += 1
    rab.design_id = design_id
    return added


def _append_line(rab: Rab, item: WorkItem, volume, note: str, by_household: bool, prices) -> RabLine:
    position = max((ln.position for ln in rab.lines), default=0) + 1
    line = RabLine(
        work_item_id=item.id,
        position=position,
        group=item.group,
        code=item.code,
        name=item.name,
        unit=item.unit,
        volume=Decimal(str(volume)),
        volume_note=(note or "")[:300],
        unit_price=Decimal(0),
        amount=Decimal(0),
        by_household=by_household,
    )
    _price_line(line, item, prices)
    rab.lines.append(line)
    return line


def add_template(actor: User, rab: Rab, design_id: int) -> int:
    _require_draft(rab)
    added = _add_template_lines(rab, design_id)
    _refresh_totals(rab)
    audit.record(actor, "rab.add_template", "rab", rab.id, None, {"design_id": design_id, "lines": added})
    db.session.commit()
    return added


def add_work_items(actor: User, rab: Rab, items: list[WorkItem], volume=Decimal(0), note: str = "") -> int:
    _require_draft(rab)
    prices = prices_of(rab.price_list)
    for item in items:
        _append_line(rab, item, volume, note, False, prices)
    _refresh_totals(rab)
    audit.record(actor, "rab.add_lines", "rab", rab.id, None, {"codes": [i.code for i in items]})
    db.session.commit()
    return len(items)


def update_line(
    actor: User, rab: Rab, line: RabLine, *, volume, volume_note: str, by_household: bool
) -> RabLine:
    _require_draft(rab)
    before = audit.snapshot(line, ["volume", "volume_note", "by_household", "amount"])
    line.volume = Decimal(str(volume))
    line.volume_note = (volume_note or "").strip()[:300]
    line.by_household = by_household
    _price_line(line, None, {})
    _refresh_totals(rab)
    audit.record(
        actor,
        "rab.update_line",
        "rab",
        rab.id,
        before,
        audit.snapshot(line, ["volume", "volume_note", "by_household", "amount"]) | {"line": line.id},
    )
    db.session.commit()
    return line


def delete_line(actor: User, rab: Rab, line: RabLine) -> None:
    _require_draft(rab)
    audit.record(
        actor,
        "rab.delete_line",
        "rab",
        rab.id,
        {"line": line.id, "code": line.code, "amount": line.amount},
        None,
    )
    rab.lines.remove(line)
    _refresh_totals(rab)
    db.session.commit()


def update_settings(
    actor: User,
    rab: Rab,
    *,
    price_list: PriceList | None,
    overhead_pct,
    smkk_amount,
    ceiling: AidCeiling | None,
    title: str,
) -> Rab:
    """Title, price list (a different list prices every line again), overhead, SMKK, aid ceiling."""
    _require_draft(rab)
    if price_list is not None and price_list.unit_id != rab.unit_id:
        raise RabError(_l("Daftar harga harus milik unit kasus ini."))
    before = audit.snapshot(rab, RAB_FIELDS)
    reprice = price_list is not None and price_list.id != rab.price_list_id
    rab.price_list_id = price_list.id if price_list else None
    rab.price_list = price_list
    rab.overhead_pct = Decimal(str(overhead_pct or 0))
    rab.smkk_amount = round_rupiah(smkk_amount or 0)
    rab.aid_ceiling = ceiling.amount if ceiling else None
    rab.aid_ceiling_name = ceiling.name if ceiling else ""
    rab.title = (title or "").strip()[:200]
    if reprice:
        reprice_lines(rab)
    _refresh_totals(rab)
    audit.record(actor, "rab.settings", "rab", rab.id, before, audit.snapshot(rab, RAB_FIELDS))
    db.session.commit()
    return rab


def reprice_lines(rab: Rab) -> None:
    """Every line priced again from the RAB's price list (drafts only; the caller commits)."""
    _require_draft(rab)
    prices = prices_of(rab.price_list)
    items = {
        w.id: w
        for w in db.session.scalars(
            select(WorkItem).where(WorkItem.id.in_([ln.work_item_id for ln in rab.lines if ln.work_item_id]))
        )
    }
    for line in rab.lines:
        _price_line(line, items.get(line.work_item_id), prices)


def hand_over(actor: User, rab: Rab) -> Rab:
    """Freeze the RAB and put it on the case's timeline (Event + AuditLog, one transaction)."""
    _require_draft(rab)
    if not rab.lines:
        raise RabError(_l("RAB belum berisi pekerjaan."))
    if any(missing_prices(ln) for ln in rab.lines):
        raise RabError(_l("Ada harga dasar yang belum ada di daftar harga; lengkapi dulu."))
    totals = _refresh_totals(rab)
    before = audit.snapshot(rab, RAB_FIELDS)
    rab.status = RabStatus.HANDED_OVER
    rab.handed_over_at = utcnow()
    rab.handed_over_by_id = actor.id
    body, body_en = in_both_languages(
        _l(
            "RAB versi %(version)s diserahkan: total %(total)s.",
            version=rab.version,
            total=fmt_rupiah(int(totals.total)),
        )
    )
    db.session.add(
        Event(
            case_id=rab.case_id,
            kind=EventKind.DELIVERABLE,
            author_id=actor.id,
            occurred_at=rab.handed_over_at,
            body=body,
            data={"rab_id": rab.id, "version": rab.version, "total": str(totals.total), "body_en": body_en},
        )
    )
    audit.record(
        actor,
        "rab.hand_over",
        "rab",
        rab.id,
        before,
        audit.snapshot(rab, RAB_FIELDS) | {"case_id": rab.case_id},
    )
    db.session.commit()
    return rab


def new_version(actor: User, rab: Rab) -> Rab:
    """A new draft copying `rab` line by line, prices as they were (reprice by choosing a list)."""
    copy = Rab(
        case_id=rab.case_id,
        unit_id=rab.unit_id,
        version=_next_version(rab.case),
        status=RabStatus.DRAFT,
        price_list_id=rab.price_list_id,
        design_id=rab.design_id,
        title=rab.title,
        overhead_pct=rab.overhead_pct,
        smkk_amount=rab.smkk_amount,
        aid_ceiling=rab.aid_ceiling,
        aid_ceiling_name=rab.aid_ceiling_name,
        total=rab.total,
        household_amount=rab.household_amount,
        created_by_id=actor.id,
    )
    for line in rab.lines:
        copy.lines.append(
            RabLine(
                **{
                    name: getattr(line, name)
                    for name in (
                        "position",
                        "work_item_id",
                        "group",
                        "code",
                        "name",
                        "unit",
                        "volume",
                        "volume_note",
                        "unit_price",
                        "amount",
                        "by_household",
                        "breakdown",
                    )
                }
            )
        )
    db.session.add(copy)
    db.session.flush()
    audit.record(actor, "rab.new_version", "rab", copy.id, {"from": rab.id}, audit.snapshot(copy, RAB_FIELDS))
    db.session.commit()
    return copy


def grouped_lines(rab: Rab) -> list[tuple[str, list[RabLine], Decimal]]:
    """(group, its lines, its subtotal) in the order of first appearance."""
    groups: dict[str, list[RabLine]] = {}
    for line in rab.lines:
        groups.setdefault(line.group, []).append(line)
    return [(g, lines, sum((ln.amount for ln in lines), Decimal(0))) for g, lines in groups.items()]


# ---------------------------------------------------------------- volume helper


def helper_volume(shape: str, length, width_or_height, height=None, openings=None) -> tuple[Decimal, str]:
    """Simple quantities: `wall` = length × height − openings (m²); `box` = length × width × height
    (m³); `area` = length × width (m²). Returns the volume (3 places) and its formula text."""
    from krs.fields import format_indonesian_number as n

    a = Decimal(str(length))
    b = Decimal(str(width_or_height))
    if shape == "wall":
        o = Decimal(str(openings or 0))
        value = a * b - o
        text = f"{n(a)} × {n(b)}" + (f" − {n(o)}" if o else "")
    elif shape == "box":
        c = Decimal(str(height or 0))
        value = a * b * c
        text = f"{n(a)} × {n(b)} × {n(c)}"
    else:
        value = a * b
        text = f"{n(a)} × {n(b)}"
    if value < 0:
        raise RabError(_l("Luas bukaan lebih besar dari luas dinding."))
    return value.quantize(Decimal("0.001")), text


def today_year() -> int:
    return date.today().year
