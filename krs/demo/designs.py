"""Demo data of the design library (issue 18, part 1): a national design and an office design of
BP2P Jawa II, each with a generated plan drawing and its RAB template, and a few hand-outs on
open demo cases. The work item codes are those of the AHSP starter set (krs/rab); volumes are
worked out for the drawn plan (quantities stated in each line's note)."""

from __future__ import annotations

import io
import secrets
from decimal import Decimal

from PIL import Image, ImageDraw
from sqlalchemy import select

from krs.designs import service
from krs.extensions import db
from krs.models import Case, CaseService, CaseStatus, Design, Role, ServiceType, Structure, User
from krs.storage import get_storage
from krs.uploads import StoredFile

QUAKE_MASONRY = (
    "Pedoman rumah tembokan tahan gempa (Kementerian PUPR–JICA):\n"
    "- beton 1:2:3, adukan pasangan 1:4;\n"
    "- fondasi batu kali lebar atas 30 cm, bawah 60 cm, tinggi 60 cm;\n"
    "- sloof 15×20, kolom praktis 15×15 di setiap sudut, pertemuan dinding dan sisi bukaan, "
    "ring balok 12×15 (templat memakai 15/20);\n"
    "- tulangan utama Ø10, sengkang Ø8 jarak 15 cm, selimut beton 15 mm;\n"
    "- angkur kuda-kuda ke ring balok; sambungan kuda-kuda dengan pelat baja.\n"
    "Luas dinding tanpa kolom paling banyak 9 m²."
)
QUAKE_RISHA = (
    "RISHA (Rumah Instan Sederhana Sehat): panel beton pracetak modul 3×3 m yang dibaut, tanpa "
    "adukan pada sambungan struktur. Panel struktur dipesan sebagai paket dari aplikator "
    "bersertifikat dan tidak masuk templat RAB ini; templat memuat fondasi setempat, dinding "
    "pengisi, atap, lantai, kusen, sanitasi dan listrik.\n"
    "- baut sambungan dikencangkan sesuai petunjuk dan diperiksa pada setiap tahap;\n"
    "- dinding pengisi bata ½ bata dengan adukan 1:4, diikat ke panel;\n"
    "- rangka atap diangkur ke balok panel."
)

T36_LINES = [
    ("P.01", "36", "6 × 6 m"),
    ("P.02", "28", "keliling 24 m + 4 m"),
    ("F.01", "13,86", "33 m × 0,6 × 0,7"),
    ("F.02", "1,98", "33 m × 0,6 × 0,1"),
    ("F.03", "8,91", "33 m × (0,3 + 0,6)/2 × 0,6"),
    ("S.01", "0,99", "sloof 15/20, 33 m"),
    ("S.02", "0,743", "10 kolom × 3,3 m × 0,15 × 0,15"),
    ("S.03", "0,99", "ring balok, 33 m"),
    ("W.01", "90", "33 m × 3 m − bukaan 9 m²"),
    ("W.02", "180", "dua sisi"),
    ("W.03", "180", "dua sisi"),
    ("R.01", "58", "atap pelana, kemiringan 30°"),
    ("R.02", "58", ""),
    ("L.01", "33", "luas bersih dalam"),
    ("D.01", "0,25", "3 pintu, 4 jendela"),
    ("D.02", "5,04", "3 × 0,8 × 2,1 m"),
    ("D.03", "2,88", "4 × 0,6 × 1,2 m"),
    ("N.01", "1", ""),
    ("N.02", "1", ""),
    ("E.01", "6", ""),
    ("E.02", "4", ""),
]
T45_LINES = [
    ("P.01", "45", "5 modul 3 × 3 m"),
    ("P.02", "30", ""),
    ("F.01", "6,14", "12 fondasi setempat 0,8 × 0,8 × 0,8"),
    ("F.02", "0,77", "12 × 0,8 × 0,8 × 0,1"),
    ("F.03", "4,61", "12 × 0,8 × 0,8 × 0,6"),
    ("W.01", "96", "dinding pengisi antar panel"),
    ("W.02", "192", "dua sisi"),
    ("W.03", "192", "dua sisi"),
    ("R.01", "68", ""),
    ("R.02", "68", ""),
    ("L.01", "42", "luas bersih dalam"),
    ("D.01", "0,3", "4 pintu, 5 jendela"),
    ("D.02", "6,72", "4 × 0,8 × 2,1 m"),
    ("D.03", "3,6", "5 × 0,6 × 1,2 m"),
    ("N.01", "1", ""),
    ("N.02", "1", ""),
    ("E.01", "8", ""),
    ("E.02", "5", ""),
]


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def plan_png(
    title: str, rooms: list[tuple[float, float, float, float, str]], width_m: float, depth_m: float
) -> bytes:
    """A plan outline drawn with Pillow: the outer walls, the rooms (x, y, w, h in metres, label)
    and the overall dimensions. A placeholder for the real drawing, good enough for a thumbnail."""
    scale, margin = 60, 60
    w, h = int(width_m * scale) + 2 * margin, int(depth_m * scale) + 2 * margin + 30
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)
    draw.text((margin, 12), title, fill=(18, 53, 91))
    top = margin + 20
    for x, y, rw, rh, label in rooms:
        box = [margin + x * scale, top + y * scale, margin + (x + rw) * scale, top + (y + rh) * scale]
        draw.rectangle(box, outline=(40, 40, 40), width=3)
        draw.text((box[0] + 8, box[1] + 8), label, fill=(40, 40, 40))
        draw.text((box[0] + 8, box[1] + 22), f"{rw:g} × {rh:g} m", fill=(100, 100, 100))
    draw.rectangle(
        [margin, top, margin + width_m * scale, top + depth_m * scale], outline=(18, 53, 91), width=6
    )
    draw.text((margin, top + depth_m * scale + 10), f"{width_m:g} m × {depth_m:g} m", fill=(18, 53, 91))
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _store_png(name: str, data: bytes) -> StoredFile:
    stored_name = secrets.token_hex(16) + ".png"
    get_storage().save(stored_name, data, "image/png")
    return StoredFile(name, stored_name, "image/png", len(data))


def _design(actor, data: service.DesignData, lines, plan: bytes, plan_name: str) -> Design:
    design = service.save_design(actor, None, data)
    for code, volume, note in lines:
        service.add_line(actor, design, code, _number(volume), note)
    service.add_file(actor, design, _store_png(plan_name, plan), "plan", "skala 1:100 (gambar contoh)")
    return design


def _open_design_cases(unit, limit: int) -> list[Case]:
    stmt = (
        select(Case)
        .join(CaseService, CaseService.case_id == Case.id)
        .where(
            Case.unit_id == unit.id,
            Case.status.in_([CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS]),
            CaseService.service == ServiceType.HOUSE_DESIGN,
        )
        .order_by(Case.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt).unique())


# The two demo designs, made in this order: the national one by the first admin, the office one
# by the supervisor of its office (only when the demo has that office's desk). "plan" is what
# plan_png draws: the title, the rooms (x, y, width, depth in metres, label), the outer size.
DEMO_DESIGNS = [
    {
        "office": None,
        "design": {
            "code": "N-T36-INTI",
            "name": "Tipe 36 rumah inti tumbuh",
            "house_type": "Tipe 36",
            "floor_area_m2": Decimal("36"),
            "floors": 1,
            "bedrooms": 2,
            "rooms": "2 kamar tidur, ruang keluarga, dapur, kamar mandi/WC; dapat tumbuh ke belakang.",
            "structure": Structure.MASONRY,
            "quake_notes": QUAKE_MASONRY,
            "description": "Rumah inti 6 × 6 m yang dapat diperluas ke belakang tanpa membongkar struktur.",
        },
        "lines": T36_LINES,
        "plan": (
            "Tipe 36 rumah inti tumbuh - denah",
            [
                (0, 0, 3, 3, "Kamar 1"),
                (3, 0, 3, 3, "Kamar 2"),
                (0, 3, 4, 3, "Ruang keluarga"),
                (4, 3, 2, 1.5, "KM/WC"),
                (4, 4.5, 2, 1.5, "Dapur"),
            ],
            6,
            6,
        ),
        "plan_name": "denah-tipe36.png",
    },
    {
        "office": "jawa2",
        "design": {
            "code": "JAWA2-T45-RISHA",
            "name": "Tipe 45 panel RISHA",
            "house_type": "Tipe 45",
            "floor_area_m2": Decimal("45"),
            "floors": 1,
            "bedrooms": 2,
            "rooms": "2 kamar tidur, ruang tamu, ruang keluarga, dapur, kamar mandi/WC.",
            "structure": Structure.RISHA,
            "quake_notes": QUAKE_RISHA,
            "description": "Lima modul RISHA 3 × 3 m (bentuk L) untuk lahan sempit di Jawa Barat.",
        },
        "lines": T45_LINES,
        "plan": (
            "Tipe 45 panel RISHA - denah",
            [
                (0, 0, 3, 3, "Kamar 1"),
                (3, 0, 3, 3, "Kamar 2"),
                (0, 3, 3, 3, "Ruang tamu"),
                (3, 3, 3, 3, "Ruang keluarga"),
                (6, 3, 3, 3, "Dapur + KM"),
            ],
            9,
            6,
        ),
        "plan_name": "denah-tipe45-risha.png",
    },
]
# The hand-outs, in this order: office, how many of its open design cases, the designs (by code)
# handed out in turn, by the office's staff member (when the demo has that office's desk).
DEMO_HANDOUTS = [
    ("jawa2", 4, ["JAWA2-T45-RISHA", "N-T36-INTI"]),
    ("jawa3", 1, ["N-T36-INTI"]),
    ("kalimantan1", 1, ["N-T36-INTI"]),
]


def seed_designs_demo(units: dict, desk: dict) -> dict:
    """Two designs and a few hand-outs (skipped when the library already has designs)."""
    if db.session.scalar(select(Design.id).limit(1)) is not None:
        return {"skipped": True}
    admin = db.session.scalars(select(User).where(User.role == Role.ADMIN).order_by(User.id)).first()
    result = {"designs": 0, "handouts": 0}
    made = {}
    for spec in DEMO_DESIGNS:
        office = spec["office"]
        if office is not None and office not in desk:
            continue
        data = service.DesignData(unit_id=None if office is None else units[office].id, **spec["design"])
        actor = admin if office is None else desk[office]["spv"]
        made[data.code] = _design(actor, data, spec["lines"], plan_png(*spec["plan"]), spec["plan_name"])
        result["designs"] += 1
    for office, limit, codes in DEMO_HANDOUTS:
        if office in desk:
            for i, case in enumerate(_open_design_cases(units[office], limit)):
                service.hand_out(desk[office]["staf"], case, made[codes[i % len(codes)]], None)
                result["handouts"] += 1
    return result
