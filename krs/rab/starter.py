# ruff: noqa: E501  (a data module: the cited sources are long lines)
"""The starter set of AHSP work items (issue 18, part 3) and the base resources they name.

Loaded by `flask krs load-work-items` and by the demo seed (`load_starter_set`, idempotent: an
item already in the database by code is left as the admin keeps it). No migration carries data.

Sources (REFERENCE.md, "AHSP coefficients for house work"): the house-work analyses of SE Dirjen
Bina Konstruksi 47/SE/Dk/2026 Lampiran VI (implementing Permen PUPR 8/2023), read from a public
text extraction, NOT the official PDF; other items are from older SNI analyses recalled without
the text at hand, or composed here from the SE analyses (e.g. a reinforced-concrete sloof = 1 m³
concrete + rebar kg + formwork m² per m³, with the quantities stated). EVERY item therefore ships
`is_example=True` ("contoh — perlu diperiksa"): an admin confirms it against the official text and
clears the flag. The source of every coefficient is stored beside it.

Cement is counted in zak of 50 kg (PC kg ÷ 50); sand and gravel given in kg by the SE are turned
into m³ with 1.400 kg/m³ (sand) and 1.350 kg/m³ (gravel), stated on each coefficient.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from krs.extensions import db
from krs.models import ResourceKind, WorkItem, WorkItemCoefficient

L, M, E = ResourceKind.LABOUR.value, ResourceKind.MATERIAL.value, ResourceKind.EQUIPMENT.value

# code: (kind, name, unit): what a PriceItem.code must match
RESOURCES: dict[str, tuple[str, str, str]] = {
    "L.PEKERJA": (L, "Pekerja", "OH"),
    "L.TUKANG": (L, "Tukang (batu/kayu/besi/listrik)", "OH"),
    "L.KEPALA_TUKANG": (L, "Kepala tukang", "OH"),
    "L.MANDOR": (L, "Mandor", "OH"),
    "M.SEMEN": (M, "Semen portland (PC) 50 kg", "zak"),
    "M.PASIR": (M, "Pasir pasang", "m3"),
    "M.PASIR_BETON": (M, "Pasir beton", "m3"),
    "M.PASIR_URUG": (M, "Pasir urug", "m3"),
    "M.KERIKIL": (M, "Kerikil / split 2-3", "m3"),
    "M.BATU_KALI": (M, "Batu kali / batu belah", "m3"),
    "M.BATA": (M, "Bata merah", "bh"),
    "M.BESI": (M, "Besi beton polos/ulir", "kg"),
    "M.KAWAT": (M, "Kawat beton (bendrat)", "kg"),
    "M.PAPAN": (M, "Papan kayu kelas III (bekisting)", "m3"),
    "M.KAYU": (M, "Kayu kelas II (balok/kaso/reng)", "m3"),
    "M.PAKU": (M, "Paku biasa", "kg"),
    "M.PLAT_STRIP": (M, "Plat strip / baut (sambungan kuda-kuda)", "kg"),
    "M.SENG": (M, "Seng gelombang 105×180", "lbr"),
    "M.KERAMIK": (M, "Keramik lantai 40×40", "bh"),
    "M.SEMEN_NAT": (M, "Semen warna / nat", "kg"),
    "M.LEM": (M, "Lem kayu", "kg"),
    "M.KACA": (M, "Kaca polos 5 mm", "m2"),
    "M.KLOSET": (M, "Kloset jongkok porselen", "bh"),
    "M.TANGKI_SEPTIK": (M, "Tangki septik fabrikasi (biofilter) ±1 m3", "bh"),
    "M.PIPA_PVC": (M, 'Pipa PVC 4" (4 m)', "btg"),
    "M.KABEL": (M, "Kabel NYM 2×1,5 mm2", "m"),
    "M.PIPA_LISTRIK": (M, 'Pipa/konduit listrik 5/8" (4 m)', "btg"),
    "M.FITTING": (M, "Fitting lampu", "bh"),
    "M.SAKLAR": (M, "Saklar tunggal", "bh"),
    "M.STOP_KONTAK": (M, "Stop kontak", "bh"),
}

SE = "SE Dirjen Bina Konstruksi 47/SE/Dk/2026 Lamp. VI (Permen PUPR 8/2023), item {} — dari teks ekstraksi publik, belum dicocokkan dengan PDF resmi"
SNI = "analisa SNI/Permen PUPR 28/2016 (edisi lama), {} — angka contoh, perlu diperiksa"
KRS = "disusun KRS: {} — perlu diperiksa"

LABOUR = ("L.PEKERJA", "L.TUKANG", "L.KEPALA_TUKANG", "L.MANDOR")


def _labour(values, source):
    return [(code, Decimal(str(v)), source) for code, v in zip(LABOUR, values, strict=True) if v]


def _zak(kg) -> Decimal:
    return (Decimal(str(kg)) / 50).quantize(Decimal("0.0001"))


def _m3(kg, density) -> Decimal:
    return (Decimal(str(kg)) / density).quantize(Decimal("0.0001"))


# The analyses of REFERENCE.md, as (resource, coefficient, source) per unit.
def _concrete_15():
    s = SE.format("2.2.1.4.3 beton fc' 15 MPa manual, m3")
    return _labour((1.650, 0.275, 0.028, 0.009), s) + [
        ("M.SEMEN", _zak(306), s + "; PC 306 kg ÷ 50"),
        ("M.PASIR_BETON", _m3(832, 1400), s + "; pasir 832 kg ÷ 1.400 kg/m3"),
        ("M.KERIKIL", _m3(1009, 1350), s + "; kerikil 1.009 kg ÷ 1.350 kg/m3"),
    ]


def _rebar_per_kg():
    s = SE.format("2.2.1.1.3 pembesian < 12 mm, kg")
    return _labour((0.016, 0.016, 0.0016, 0.0016), s) + [
        ("M.BESI", Decimal("1.050"), s),
        ("M.KAWAT", Decimal("0.028"), s),
    ]


def _formwork_per_m2():
    s = SE.format("2.2.1.3.2 bekisting sloof (3 kali pakai), m2")
    return _labour((0.520, 0.260, 0.026, 0.009), s) + [
        ("M.PAPAN", Decimal("0.018"), s),
        ("M.PAKU", Decimal("0.300"), s),
    ]


def _compose(*parts):
    """Σ factor × analysis, merged by resource; the sources are joined."""
    merged: dict[str, list] = {}
    for factor, rows, note in parts:
        for code, coefficient, source in rows:
            value = (Decimal(str(factor)) * coefficient).quantize(Decimal("0.0001"))
            text = f"{note}: {source}"
            if code in merged:
                merged[code][0] += value
                merged[code][1] += " + " + text
            else:
                merged[code] = [value, text]
    return [(code, v, s[:300]) for code, (v, s) in merged.items()]


def _reinforced(rebar_kg, formwork_m2, what):
    return _compose(
        (1, _concrete_15(), "1 m3 beton"),
        (rebar_kg, _rebar_per_kg(), f"{rebar_kg} kg besi/m3 ({what})"),
        (formwork_m2, _formwork_per_m2(), f"{formwork_m2} m2 bekisting/m3"),
    )


def _wall_finish(pc_kg, sand_m3, item):
    s = SE.format(item)
    rows = _labour((0.2, 0.1, 0.01, 0.0033), s) + [("M.SEMEN", _zak(pc_kg), s + f"; PC {pc_kg} kg ÷ 50")]
    if sand_m3:
        rows.append(("M.PASIR", Decimal(str(sand_m3)), s))
    return rows


def _rows(source, labour, materials):
    return _labour(labour, source) + [(code, Decimal(str(v)), source) for code, v in materials]


def starter_items() -> list[dict]:
    """The starter set: code, group, name, unit, source, coefficients [(code, coefficient, source)]."""
    s_roof = KRS.format("kuda-kuda kayu ≤ 6 m (SE 2.1.2.1, per m3) × 0,03 m3 kayu per m2 atap")
    truss = SE.format("2.1.2.1 kuda-kuda kayu ≤ 6 m, m3")
    roof_frame = [
        (code, (Decimal("0.03") * v).quantize(Decimal("0.0001")), f"0,03 × {truss}"[:300])
        for code, v, _source in _labour((4.00, 12.00, 1.200, 0.400), truss)
        + [
            ("M.KAYU", Decimal("1.100"), ""),
            ("M.PLAT_STRIP", Decimal("15"), ""),
            ("M.PAKU", Decimal("5.6"), ""),
        ]
    ]
    items = [
        (
            "P.01",
            "persiapan",
            "Pembersihan lapangan dan perataan",
            "m2",
            SNI.format("pembersihan lapangan"),
            _rows(SNI.format("pembersihan lapangan"), (0.100, 0, 0, 0.050), []),
        ),
        (
            "P.02",
            "persiapan",
            "Pengukuran dan pemasangan bouwplank",
            "m1",
            SNI.format("pengukuran dan bouwplank per m1"),
            _rows(
                SNI.format("pengukuran dan bouwplank per m1"),
                (0.100, 0.100, 0.010, 0.005),
                [("M.KAYU", 0.012), ("M.PAKU", 0.020), ("M.PAPAN", 0.007)],
            ),
        ),
        (
            "F.01",
            "fondasi",
            "Galian tanah fondasi sedalam ≤ 1 m (manual)",
            "m3",
            SE.format("1.2.1.1.1 galian tanah ≤ 1 m manual, m3"),
            _labour((0.750, 0, 0, 0.038), SE.format("1.2.1.1.1 galian tanah ≤ 1 m manual, m3")),
        ),
        (
            "F.02",
            "fondasi",
            "Urugan pasir bawah fondasi",
            "m3",
            SNI.format("urugan pasir per m3"),
            _rows(SNI.format("urugan pasir per m3"), (0.300, 0, 0, 0.010), [("M.PASIR_URUG", 1.200)]),
        ),
        (
            "F.03",
            "fondasi",
            "Pasangan fondasi batu kali 1PC:4PP",
            "m3",
            SE.format("2.2.2.1.6 pasangan batu belah ≈ 1PC:4PP, m3"),
            _labour((1.500, 0.500, 0, 0.150), SE.format("2.2.2.1.6 pasangan batu belah ≈ 1PC:4PP, m3"))
            + [
                ("M.BATU_KALI", Decimal("1.200"), SE.format("2.2.2.1.6")),
                ("M.SEMEN", _zak(163), SE.format("2.2.2.1.6") + "; PC 163 kg ÷ 50"),
                ("M.PASIR", Decimal("0.520"), SE.format("2.2.2.1.6")),
            ],
        ),
        (
            "S.01",
            "struktur",
            "Sloof beton bertulang 15/20 (beton 1:2:3, tulangan 4Ø10, sengkang Ø8-15)",
            "m3",
            KRS.format(
                "1 m3 beton fc' 15 MPa (SE 2.2.1.4.3) + 135 kg besi (SE 2.2.1.1.3) + 13,3 m2 bekisting (SE 2.2.1.3.2) per m3"
            ),
            _reinforced(135, "13.3", "sloof 15/20"),
        ),
        (
            "S.02",
            "struktur",
            "Kolom praktis beton bertulang 15/15 (tulangan 4Ø10, sengkang Ø8-15)",
            "m3",
            KRS.format(
                "1 m3 beton fc' 15 MPa (SE 2.2.1.4.3) + 180 kg besi (SE 2.2.1.1.3) + 26,7 m2 bekisting (SE 2.2.1.3.2) per m3"
            ),
            _reinforced(180, "26.7", "kolom 15/15"),
        ),
        (
            "S.03",
            "struktur",
            "Ring balok beton bertulang 15/20 (tulangan 4Ø10, sengkang Ø8-15)",
            "m3",
            KRS.format(
                "1 m3 beton fc' 15 MPa (SE 2.2.1.4.3) + 135 kg besi (SE 2.2.1.1.3) + 18,3 m2 bekisting (SE 2.2.1.3.2) per m3"
            ),
            _reinforced(135, "18.3", "ring balok 15/20"),
        ),
        (
            "W.01",
            "dinding",
            "Pasangan dinding bata merah ½ bata 1PC:4PP",
            "m2",
            SE.format("3.6.1.8 dinding ½ bata ≈ 1PC:4PP, m2"),
            _wall_finish(11.50, 0.043, "3.6.1.8 dinding ½ bata ≈ 1PC:4PP, m2")
            + [("M.BATA", Decimal("71.91"), SE.format("3.6.1.8"))],
        ),
        (
            "W.02",
            "dinding",
            "Plesteran 1PC:4PP tebal 15 mm",
            "m2",
            SE.format("3.7.4 plesteran 1PC:4PP t=15 mm, m2"),
            _wall_finish(6.240, 0.024, "3.7.4 plesteran 1PC:4PP t=15 mm, m2"),
        ),
        (
            "W.03",
            "dinding",
            "Acian",
            "m2",
            SE.format("3.7.8 acian, m2"),
            _wall_finish(3.25, None, "3.7.8 acian, m2"),
        ),
        ("R.01", "atap", "Rangka atap kayu (kuda-kuda, gording, usuk, reng)", "m2", s_roof, roof_frame),
        (
            "R.02",
            "atap",
            "Penutup atap seng gelombang",
            "m2",
            SE.format("3.1.3.1 penutup atap seng gelombang 105×180, m2"),
            _rows(
                SE.format("3.1.3.1 seng gelombang, m2"),
                (0.1200, 0.0600, 0.0060, 0.0020),
                [("M.SENG", 0.70), ("M.PAKU", 0.02)],
            ),
        ),
        (
            "L.01",
            "lantai",
            "Lantai keramik 40×40, 1PC:2PP",
            "m2",
            SE.format("3.9.8.6 keramik 40×40 1PC:2PP, m2"),
            _rows(
                SE.format("3.9.8.6 keramik 40×40, m2"),
                (0.1538, 0.0769, 0.0077, 0.0026),
                [("M.KERAMIK", 6.563), ("M.SEMEN", _zak(13.632)), ("M.SEMEN_NAT", 1.5), ("M.PASIR", 0.027)],
            ),
        ),
        (
            "D.01",
            "kusen",
            "Kusen pintu/jendela kayu kelas II",
            "m3",
            SNI.format("kusen pintu/jendela kayu per m3"),
            _rows(
                SNI.format("kusen kayu per m3"),
                (6.0, 18.0, 1.8, 0.3),
                [("M.KAYU", 1.2), ("M.PAKU", 1.25), ("M.LEM", 1.0)],
            ),
        ),
        (
            "D.02",
            "kusen",
            "Daun pintu panel kayu",
            "m2",
            SNI.format("daun pintu panel per m2"),
            _rows(
                SNI.format("daun pintu panel per m2"),
                (1.0, 3.0, 0.3, 0.05),
                [("M.KAYU", 0.04), ("M.LEM", 0.5)],
            ),
        ),
        (
            "D.03",
            "kusen",
            "Daun jendela kaca (rangka kayu)",
            "m2",
            SNI.format("daun jendela kaca per m2"),
            _rows(
                SNI.format("daun jendela kaca per m2"),
                (1.0, 2.5, 0.25, 0.05),
                [("M.KAYU", 0.028), ("M.KACA", 0.9), ("M.LEM", 0.5)],
            ),
        ),
        (
            "N.01",
            "sanitasi",
            "Pemasangan kloset jongkok",
            "bh",
            SNI.format("pemasangan kloset jongkok per buah"),
            _rows(
                SNI.format("kloset jongkok per buah"),
                (1.0, 1.5, 0.15, 0.016),
                [("M.KLOSET", 1), ("M.SEMEN", _zak(6)), ("M.PASIR", 0.01)],
            ),
        ),
        (
            "N.02",
            "sanitasi",
            "Tangki septik fabrikasi (biofilter) dengan pipa",
            "bh",
            KRS.format(
                'tangki fabrikasi 1 bh + 2 btg pipa PVC 4"; tenaga 2 pekerja-hari, 1 tukang-hari (tanpa galian: pakai F.01)'
            ),
            _rows(
                KRS.format("tangki septik fabrikasi"),
                (2.0, 1.0, 0, 0.1),
                [("M.TANGKI_SEPTIK", 1), ("M.PIPA_PVC", 2)],
            ),
        ),
        (
            "E.01",
            "listrik",
            "Instalasi titik lampu",
            "titik",
            KRS.format("titik lampu: 12 m kabel, 3 btg konduit, 1 fitting, ½ saklar"),
            _rows(
                KRS.format("titik lampu"),
                (0.1, 0.2, 0.02, 0.005),
                [("M.KABEL", 12), ("M.PIPA_LISTRIK", 3), ("M.FITTING", 1), ("M.SAKLAR", 0.5)],
            ),
        ),
        (
            "E.02",
            "listrik",
            "Instalasi stop kontak",
            "titik",
            KRS.format("stop kontak: 12 m kabel, 3 btg konduit, 1 stop kontak"),
            _rows(
                KRS.format("stop kontak"),
                (0.1, 0.2, 0.02, 0.005),
                [("M.KABEL", 12), ("M.PIPA_LISTRIK", 3), ("M.STOP_KONTAK", 1)],
            ),
        ),
    ]
    return [
        {"code": c, "group": g, "name": n, "unit": u, "source": s, "coefficients": rows}
        for c, g, n, u, s, rows in items
    ]


GROUP_ORDER = [
    "persiapan",
    "fondasi",
    "struktur",
    "dinding",
    "atap",
    "lantai",
    "kusen",
    "sanitasi",
    "listrik",
]


def load_starter_set() -> int:
    """Add the starter items missing by code; returns how many were added (the caller commits)."""
    existing = set(db.session.scalars(select(WorkItem.code)))
    added = 0
    for spec in starter_items():
        if spec["code"] in existing:
            continue
        item = WorkItem(
            code=spec["code"],
            group=spec["group"],
            name=spec["name"],
            unit=spec["unit"],
            source=spec["source"],
            is_example=True,
            active=True,
        )
        for code, coefficient, source in spec["coefficients"]:
            kind, name, unit = RESOURCES[code]
            item.coefficients.append(
                WorkItemCoefficient(
                    resource_code=code,
                    resource_kind=kind,
                    resource_name=name,
                    resource_unit=unit,
                    coefficient=coefficient,
                    source=source[:300],
                )
            )
        db.session.add(item)
        added += 1
    db.session.flush()
    return added
