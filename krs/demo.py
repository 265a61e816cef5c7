"""Demo data: the six units of DESIGN.md §3, their accounts and about 300 realistic cases."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from krs import regions
from krs.cases import service
from krs.extensions import db
from krs.models import (
    Case,
    CaseStatus,
    Channel,
    Condition,
    Event,
    EventKind,
    LandStatus,
    Outcome,
    Role,
    ServiceType,
    Unit,
    User,
)

DEMO_PASSWORD = "krs-demo"

UNITS = [
    # code, slug, name, kind, zone, provinces (Kemendagri codes; demo coverage, editable by admin)
    ("DITRS", "direktorat", "Direktorat Rumah Swadaya", "direktorat", "Asia/Jakarta", ""),
    ("SUMATERA3", "sumatera3", "BP2P Sumatera III", "balai", "Asia/Jakarta", "15,16,19"),
    ("KALIMANTAN1", "kalimantan1", "BP2P Kalimantan I", "balai", "Asia/Jakarta", "61,62"),
    ("JAWA2", "jawa2", "BP2P Jawa II", "balai", "Asia/Jakarta", "32"),
    ("JAWA3", "jawa3", "BP2P Jawa III", "balai", "Asia/Jakarta", "33,34"),
    ("BALI", "bali", "Satker Penyediaan Perumahan Provinsi Bali", "satker", "Asia/Makassar", "51"),
]

FIRST = [
    "Siti",
    "Ahmad",
    "Dewi",
    "Budi",
    "Nur",
    "Agus",
    "Sri",
    "Made",
    "Ketut",
    "Wayan",
    "Rina",
    "Joko",
    "Yuni",
    "Hendra",
    "Lestari",
    "Rahmat",
    "Putu",
    "Nyoman",
    "Fitri",
    "Slamet",
    "Ani",
    "Dedi",
    "Rudi",
    "Eka",
    "Wati",
    "Bambang",
    "Yanti",
    "Iwan",
    "Komang",
    "Asep",
]
LAST = [
    "Rahayu",
    "Hidayat",
    "Saputra",
    "Wibowo",
    "Lestari",
    "Santoso",
    "Kurniawan",
    "Susanti",
    "Setiawan",
    "Pratama",
    "Handayani",
    "Nugroho",
    "Suryani",
    "Gunawan",
    "Wijaya",
    "Sari",
    "Hartono",
    "Purnomo",
    "Maharani",
    "Sudarsana",
]
JOBS = [
    "Buruh harian",
    "Petani",
    "Pedagang kecil",
    "Nelayan",
    "Tukang bangunan",
    "Ojek daring",
    "Ibu rumah tangga",
    "Guru honorer",
    "Penjahit",
    "Pengrajin",
]
NEEDS = {
    ServiceType.PROGRAM_INFO: "Menanyakan syarat dan cara mendapatkan bantuan BSPS untuk perbaikan rumah.",
    ServiceType.HOUSE_DESIGN: "Minta dibantu gambar denah rumah tipe 36 yang bisa dibangun bertahap.",
    ServiceType.COST_ESTIMATE: (
        "Butuh perkiraan biaya (RAB) untuk mengganti atap dan memperbaiki dinding retak."
    ),
    ServiceType.CONSTRUCTION: "Bertanya cara membuat kolom dan ring balok yang tahan gempa.",
    ServiceType.PERMITS: "Ingin tahu cara mengurus PBG dan sertifikat tanah warisan.",
    ServiceType.FINANCING: "Menanyakan KPR subsidi FLPP dan pembiayaan renovasi Tapera.",
    ServiceType.OTHER: "Konsultasi umum tentang rumah layak huni.",
}
NOTES = [
    "Menjelaskan persyaratan dan alur pengajuan; pemohon akan melengkapi fotokopi KTP dan KK.",
    "Survei lapangan: atap bocor di dua titik, kolom tidak ada, dinding bata tanpa plester.",
    "Menyerahkan gambar denah dan tampak depan dalam bentuk cetak.",
    "Menghitung RAB perbaikan atap dan dinding, total sekitar Rp 18,5 juta.",
    "Menghubungi pemohon lewat telepon untuk jadwal kunjungan.",
    "Merujuk pemohon ke dinas perumahan kabupaten untuk usulan BSPS.",
]


def _valid_nik(rng: random.Random, district_code: str, female: bool) -> str:
    digits = district_code.replace(".", "")
    day = rng.randint(1, 28) + (40 if female else 0)
    return f"{digits}{day:02d}{rng.randint(1, 12):02d}{rng.randint(60, 99):02d}{rng.randint(1, 9999):04d}"


def _random_village(rng: random.Random, provinces: list[str]) -> tuple[str, str, str, str]:
    while True:
        province = rng.choice(provinces)
        regency = rng.choice(regions.children(province))[0]
        district = rng.choice(regions.children(regency))[0]
        villages = regions.children(district)
        if villages:
            return province, regency, district, rng.choice(villages)[0]


def seed_demo(n_cases: int = 300, seed: int = 2026) -> dict:
    if db.session.scalar(select(func.count()).select_from(Unit)):
        return {"skipped": True}
    rng = random.Random(seed)
    units = {}
    for code, slug, name, kind, zone, provinces in UNITS:
        units[slug] = Unit(code=code, slug=slug, name=name, kind=kind, timezone=zone, provinces=provinces)
        db.session.add(units[slug])
    db.session.flush()

    def user(username, full_name, role, unit):
        u = User(username=username, full_name=full_name, role=role, unit=unit)
        u.set_password(DEMO_PASSWORD)
        db.session.add(u)
        return u

    user("admin", "Admin Direktorat", Role.ADMIN, units["direktorat"])
    user("evaluator", "Evaluator Direktorat", Role.VIEWER, units["direktorat"])
    desk = {}
    for slug, unit in units.items():
        if unit.kind == "direktorat":
            continue
        desk[slug] = {
            "spv": user(f"spv.{slug}", f"Supervisor {unit.name.replace('BP2P ', '')}", Role.SUPERVISOR, unit),
            "staf": user(f"staf.{slug}", f"{rng.choice(FIRST)} {rng.choice(LAST)}", Role.STAFF, unit),
            "staf2": user(f"staf2.{slug}", f"{rng.choice(FIRST)} {rng.choice(LAST)}", Role.STAFF, unit),
            "magang": user(
                f"magang.{slug}", f"{rng.choice(FIRST)} {rng.choice(LAST)} (magang)", Role.INTERN, unit
            ),
        }
    db.session.commit()

    now = datetime.now(UTC)
    statuses = (
        [CaseStatus.NEW] * 2
        + [CaseStatus.ASSIGNED] * 2
        + [CaseStatus.IN_PROGRESS] * 4
        + [CaseStatus.CLOSURE_REQUESTED]
        + [CaseStatus.CLOSED] * 5
    )
    slugs = list(desk)
    for i in range(n_cases):
        slug = slugs[i % len(slugs)]
        unit = units[slug]
        people = desk[slug]
        female = rng.random() < 0.5
        province, regency, district, village = _random_village(rng, unit.provinces.split(","))
        services = rng.sample(list(ServiceType), k=rng.choice([1, 1, 2]))
        applicant = {
            "kind": "individual",
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "nik": _valid_nik(rng, district, female),
            "phone": f"08{rng.randint(11, 99)}{rng.randint(1000000, 99999999)}",
            "gender": "P" if female else "L",
            "address": f"Jl. {rng.choice(LAST)} No. {rng.randint(1, 120)}, "
            f"RT {rng.randint(1, 9):02d}/RW {rng.randint(1, 9):02d}",
            "province_code": province,
            "regency_code": regency,
            "district_code": district,
            "village_code": village,
            "occupation": rng.choice(JOBS),
            "monthly_income": rng.randrange(1_500_000, 9_000_000, 250_000),
            "household_size": rng.randint(1, 7),
            "consent_given": True,
        }
        case_data = {
            "channel": rng.choice(list(Channel)),
            "service_types": services,
            "description": NEEDS[services[0]],
            "priority": rng.choice(["normal", "normal", "normal", "high", "low"]),
            "land_status": rng.choice(list(LandStatus)),
            "floor_area_m2": rng.randint(18, 72),
            "occupants": rng.randint(1, 8),
            "roof_condition": rng.choice(list(Condition)),
            "wall_condition": rng.choice(list(Condition)),
            "floor_condition": rng.choice(list(Condition)),
            "water_source": rng.choice(["Sumur gali", "PDAM", "Sumur bor", "Air hujan"]),
            "sanitation": rng.choice(["Jamban dengan septik tank", "Jamban tanpa septik tank", "Tidak ada"]),
            "electricity": rng.choice(["PLN 450 VA", "PLN 900 VA", "Menumpang tetangga"]),
        }
        creator = rng.choice([people["staf"], people["staf2"], people["magang"]])
        case = service.intake(creator, unit, applicant, case_data).case
        target = rng.choice(statuses)
        age_days = rng.randint(0, 300)
        opened = now - timedelta(days=age_days, hours=rng.randint(0, 8))
        worker = rng.choice([people["staf"], people["staf2"], people["magang"]])
        t = opened
        if target != CaseStatus.NEW:
            service.assign_case(people["spv"], case, worker)
        if target in (CaseStatus.IN_PROGRESS, CaseStatus.CLOSURE_REQUESTED, CaseStatus.CLOSED):
            for _ in range(rng.randint(1, 3)):
                t = t + timedelta(days=rng.randint(0, max(1, age_days // 4)), hours=rng.randint(1, 5))
                t = min(t, now - timedelta(minutes=5))
                service.add_follow_up(
                    worker,
                    case,
                    service.FollowUp(
                        kind=rng.choice(EventKind.follow_up_kinds()),
                        body=rng.choice(NOTES),
                        occurred_at=t,
                        duration_minutes=rng.choice([15, 30, 45, 60, 90, 120]),
                        next_action_date=(t + timedelta(days=rng.randint(2, 10))).date()
                        if rng.random() < 0.4
                        else None,
                    ),
                )
        if target in (CaseStatus.CLOSURE_REQUESTED, CaseStatus.CLOSED):
            closer = people["staf"] if worker.role == Role.INTERN else worker
            service.request_closure(
                closer, case, rng.choice(list(Outcome)), "Layanan diberikan sesuai permohonan."
            )
        if target == CaseStatus.CLOSED:
            service.approve_closure(people["spv"], case)
        _backdate(case, opened, now)
    db.session.commit()
    _seed_programme_tools(units, desk)
    return {"units": len(units), "cases": n_cases}


def _backdate(case: Case, opened: datetime, now: datetime) -> None:
    """Move the case's system events to its opening day so the demo has a realistic history."""
    first_due, resolution_due = service.due_dates(case.unit, case.service_types, opened)
    db.session.execute(
        update(Case)
        .where(Case.id == case.id)
        .values(created_at=opened, first_response_due=first_due, resolution_due=resolution_due)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Event)
        .where(Event.case_id == case.id, Event.kind.in_([EventKind.CREATED, EventKind.ASSIGNED]))
        .values(occurred_at=opened, created_at=opened)
        .execution_options(synchronize_session=False)
    )
    last = db.session.scalar(
        select(func.max(Event.occurred_at)).where(
            Event.case_id == case.id, Event.kind.in_(EventKind.follow_up_kinds())
        )
    )
    if last is not None:
        if last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        closing = min(last + timedelta(days=2), now)
        db.session.execute(
            update(Event)
            .where(
                Event.case_id == case.id,
                Event.kind.in_([EventKind.CLOSURE_REQUESTED, EventKind.CLOSURE_APPROVED]),
            )
            .values(occurred_at=closing, created_at=closing)
            .execution_options(synchronize_session=False)
        )
        if case.status == CaseStatus.CLOSED:
            db.session.execute(
                update(Case)
                .where(Case.id == case.id)
                .values(closed_at=closing)
                .execution_options(synchronize_session=False)
            )


DEMO_LOGINS = ["admin", "evaluator"] + [
    f"{prefix}.{slug}"
    for slug in ("sumatera3", "kalimantan1", "jawa2", "jawa3", "bali")
    for prefix in ("spv", "staf", "magang")
]


def _seed_programme_tools(units: dict, desk: dict) -> None:
    """Issue 7: a transfer waiting for spv.jawa3, saved filters, the reference lists."""
    from krs.admin.service import ensure_reference_items
    from krs.cases import saved_filters, transfer

    ensure_reference_items()
    if "jawa2" in desk and "jawa3" in units:
        movable = db.session.scalar(
            select(Case)
            .where(Case.unit_id == units["jawa2"].id, Case.status == CaseStatus.NEW)
            .order_by(Case.id)
            .limit(1)
        )
        if movable is not None:
            transfer.request_transfer(
                desk["jawa2"]["spv"],
                movable,
                units["jawa3"],
                "Pemohon pindah domisili ke Kabupaten Klaten (wilayah kerja BP2P Jawa III).",
            )
    for people in desk.values():
        saved_filters.save_filter(people["spv"], "Baru belum ditugaskan", "view=unassigned&status=new")
        saved_filters.save_filter(people["staf"], "Desain rumah saya", "view=mine&service=house_design")
