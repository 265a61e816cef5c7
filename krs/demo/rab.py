"""Demo data of issue 18's cost estimates: the AHSP starter set, an aid ceiling, a 2026 price list
for each demo office's main regency (its provincial capital), and two RABs — one handed over, one
draft. Every price is marked as demo: only the wages and a few materials follow the example sheet
of REFERENCE.md; the rest are plausible 2026 shop prices, not a published HSPK."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from krs.extensions import db
from krs.models import AidCeiling, Case, CaseStatus, PriceItem, PriceList, Role, Unit, User, WorkItem
from krs.rab import service
from krs.rab.starter import RESOURCES, load_starter_set

MAIN_REGENCY = {
    "SUMATERA3": "15.71",
    "KALIMANTAN1": "61.71",
    "JAWA2": "32.73",
    "JAWA3": "33.74",
    "BALI": "51.71",
}
REGIONAL_FACTOR = {
    "SUMATERA3": "1.04",
    "KALIMANTAN1": "1.12",
    "JAWA2": "1.00",
    "JAWA3": "0.95",
    "BALI": "1.08",
}

EXAMPLE_SHEET = "contoh nasional (REFERENCE.md: lembar contoh SE 30/2025, asal belum pasti) — DEMO"
SHOP = "perkiraan harga toko 2026 — DEMO, bukan HSPK"

BASE_PRICES: dict[str, tuple[int, str]] = {
    "L.PEKERJA": (100_000, EXAMPLE_SHEET),
    "L.TUKANG": (145_000, EXAMPLE_SHEET),
    "L.KEPALA_TUKANG": (175_000, EXAMPLE_SHEET),
    "L.MANDOR": (200_000, EXAMPLE_SHEET),
    "M.SEMEN": (65_000, EXAMPLE_SHEET + " (PC Rp 1.300/kg × 50 kg)"),
    "M.PASIR": (200_000, EXAMPLE_SHEET),
    "M.BATU_KALI": (286_500, EXAMPLE_SHEET),
    "M.BATA": (700, EXAMPLE_SHEET),
    "M.PASIR_BETON": (250_000, SHOP),
    "M.PASIR_URUG": (150_000, SHOP),
    "M.KERIKIL": (300_000, SHOP),
    "M.BESI": (14_000, SHOP),
    "M.KAWAT": (25_000, SHOP),
    "M.PAPAN": (2_500_000, SHOP),
    "M.KAYU": (4_500_000, SHOP),
    "M.PAKU": (20_000, SHOP),
    "M.PLAT_STRIP": (20_000, SHOP),
    "M.SENG": (60_000, SHOP),
    "M.KERAMIK": (6_500, SHOP),
    "M.SEMEN_NAT": (15_000, SHOP),
    "M.LEM": (40_000, SHOP),
    "M.KACA": (150_000, SHOP),
    "M.KLOSET": (250_000, SHOP),
    "M.TANGKI_SEPTIK": (4_500_000, SHOP),
    "M.PIPA_PVC": (150_000, SHOP),
    "M.KABEL": (6_000, SHOP),
    "M.PIPA_LISTRIK": (15_000, SHOP),
    "M.FITTING": (15_000, SHOP),
    "M.SAKLAR": (25_000, SHOP),
    "M.STOP_KONTAK": (30_000, SHOP),
}

# A small house of 6 × 6 m (tipe 36), by hand: used when no design template is in the database.
TIPE_36 = [
    ("P.01", "60", "lahan 6 × 10"),
    ("P.02", "30", "keliling 2 × (6 + 6) + 6"),
    ("F.01", "12.96", "36 m × 0,6 × 0,6"),
    ("F.02", "1.08", "36 m × 0,6 × 0,05"),
    ("F.03", "9.72", "36 m × (0,3 + 0,6)/2 × 0,6"),
    ("S.01", "1.08", "36 m × 0,15 × 0,2"),
    ("S.02", "0.81", "12 kolom × 3 m × 0,15 × 0,15"),
    ("S.03", "1.08", "36 m × 0,15 × 0,2"),
    ("W.01", "96", "36 m × 3 − 12 bukaan"),
    ("W.02", "192", "2 sisi × 96"),
    ("W.03", "192", "2 sisi × 96"),
    ("R.01", "50", "atap pelana 2 × 7 × 3,6"),
    ("R.02", "50", ""),
    ("L.01", "36", ""),
    ("D.01", "0.25", ""),
    ("D.02", "4.5", "3 pintu 0,8 × 1,9"),
    ("D.03", "4", ""),
    ("N.01", "1", ""),
    ("N.02", "1", ""),
    ("E.01", "6", ""),
    ("E.02", "4", ""),
]


def seed_ceilings() -> AidCeiling:
    existing = db.session.scalars(select(AidCeiling).order_by(AidCeiling.id)).first()
    if existing is not None:
        return existing
    bsps = AidCeiling(
        name="BSPS peningkatan kualitas",
        amount=Decimal(20_000_000),
        valid_from=date(2025, 1, 1),
        source="Permen PKP 10/2025 seperti dilaporkan (Rp 17,5 jt bahan + Rp 2,5 jt upah); "
        "naskah belum dibaca — periksa",
        active=True,
    )
    papua = AidCeiling(
        name="BSPS peningkatan kualitas — Papua",
        amount=Decimal(23_500_000),
        valid_from=date(2022, 1, 1),
        source="Kepmen PUPR 115/2022 seperti dikutip di REFERENCE.md — periksa",
        active=True,
    )
    db.session.add_all([bsps, papua])
    db.session.flush()
    return bsps


def seed_price_lists() -> dict[str, PriceList]:
    made = {}
    for unit in db.session.scalars(select(Unit).where(Unit.code.in_(list(MAIN_REGENCY)))):
        regency = MAIN_REGENCY[unit.code]
        factor = Decimal(REGIONAL_FACTOR[unit.code])
        found = db.session.scalars(
            select(PriceList).where(PriceList.unit_id == unit.id, PriceList.year == 2026)
        ).first()
        if found is not None:
            made[unit.code] = found
            continue
        pl = PriceList(
            unit_id=unit.id,
            regency_code=regency,
            year=2026,
            name="Harga satuan dasar 2026 (DEMO)",
            source="DATA DEMO: upah dan beberapa bahan dari lembar contoh di REFERENCE.md, "
            "selebihnya perkiraan; "
            f"faktor wilayah {factor}. Ganti dengan HSPK/SSH kabupaten/kota.",
            source_date=date(2026, 1, 15),
        )
        for code, (price, source) in BASE_PRICES.items():
            kind, name, unit_name = RESOURCES[code]
            pl.items.append(
                PriceItem(
                    code=code,
                    kind=kind,
                    name=name,
                    unit=unit_name,
                    price=service.round_rupiah(price * factor / 100) * 100,
                    source=source,
                )
            )
        db.session.add(pl)
        made[unit.code] = pl
    db.session.flush()
    return made


def _demo_case(unit_code: str, status: str) -> Case | None:
    unit = db.session.scalars(select(Unit).where(Unit.code == unit_code)).first()
    if unit is None:
        return None
    return db.session.scalars(
        select(Case).where(Case.unit_id == unit.id, Case.status == status).order_by(Case.id)
    ).first()


def _build(actor: User, case: Case, pl: PriceList, title: str, lines) -> object:
    rab = service.create_rab(actor, case, price_list=pl, title=title)
    items = {w.code: w for w in db.session.scalars(select(WorkItem))}
    prices = service.prices_of(pl)
    for code, volume, note in lines:
        if code in items:
            service._append_line(rab, items[code], Decimal(volume), note, False, prices)
    service._refresh_totals(rab)
    db.session.commit()
    return rab


def _tipe_36_design(unit_id: int):
    from krs.models import Design, RabTemplateLine

    with_lines = select(RabTemplateLine.design_id).distinct()
    return db.session.scalars(
        select(Design)
        .where(Design.house_type.ilike("%36%"), Design.id.in_(with_lines))
        .where((Design.unit_id.is_(None)) | (Design.unit_id == unit_id))
        .order_by(Design.id)
    ).first()


def seed_rab_demo() -> dict:
    """Idempotent enough for a fresh demo database: skips when RABs exist."""
    load_starter_set()
    ceiling = seed_ceilings()
    lists = seed_price_lists()
    db.session.commit()
    from krs.models import Rab

    if db.session.scalar(select(Rab.id).limit(1)) is not None:
        return {"rabs": 0}
    made = 0
    case = _demo_case("JAWA2", CaseStatus.IN_PROGRESS)
    spv = db.session.scalars(
        select(User).where(User.role == Role.SUPERVISOR, User.unit_id == (case.unit_id if case else -1))
    ).first()
    if case and spv and "JAWA2" in lists:
        design = _tipe_36_design(case.unit_id)
        if design is not None:  # the design library's demo template (h18a), when it is there
            rab = service.create_rab(
                spv, case, price_list=lists["JAWA2"], design_id=design.id, title=design.name
            )
        if design is None or not rab.lines:
            rab = _build(spv, case, lists["JAWA2"], "Rumah tipe 36 (6 × 6 m)", TIPE_36)
        # the household brings its own bricks' labour (gotong royong) for the walls
        wall = next((ln for ln in rab.lines if ln.code == "W.01"), None)
        if wall is not None:
            service.update_line(
                spv, rab, wall, volume=wall.volume, volume_note=wall.volume_note, by_household=True
            )
        service.update_settings(
            spv,
            rab,
            price_list=rab.price_list,
            overhead_pct=0,
            smkk_amount=350_000,
            ceiling=ceiling,
            title=rab.title,
        )
        service.hand_over(spv, rab)
        made += 1
    case = _demo_case("JAWA3", CaseStatus.IN_PROGRESS)
    spv = db.session.scalars(
        select(User).where(User.role == Role.SUPERVISOR, User.unit_id == (case.unit_id if case else -1))
    ).first()
    if case and spv and "JAWA3" in lists:
        _build(
            spv,
            case,
            lists["JAWA3"],
            "Peningkatan kualitas: dinding dan atap",
            [
                ("W.01", "24", "8 × 3"),
                ("W.02", "48", "2 sisi × 24"),
                ("R.01", "30", ""),
                ("R.02", "30", ""),
                ("S.03", "0.6", "20 m × 0,15 × 0,2"),
            ],
        )
        made += 1
    return {"rabs": made}
