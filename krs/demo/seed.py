"""Demo data: the six units of DESIGN.md §3, their accounts and about 300 realistic cases."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from krs import regions, service_levels
from krs.admin.service import ensure_reference_items
from krs.cases import saved_filters, service, transfer
from krs.demo.accompaniment import seed_accompaniment_demo
from krs.demo.designs import seed_designs_demo
from krs.demo.field_visits import seed_field_visit_demo
from krs.demo.rab import seed_rab_demo
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
    Survey,
    Unit,
    UnitTarget,
    User,
    WorkLogEntry,
)
from krs.outreach import service as outreach
from krs.surveys.service import CODES, new_token
from krs.workdays import local_date
from krs.worklog import service as worklog

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


def seed_demo(n_cases: int = 300, seed: int = 2026, with_features: bool = True) -> dict:
    """with_features=False: units, accounts and cases only (the synthetic seed builds on that)."""
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
    # opening moments in ascending order, so case numbers follow the calendar as at a real desk
    # (office hours: 01:00–08:59 UTC is 08:00–15:59 WIB)
    openings = sorted(
        (now - timedelta(days=rng.randint(1, 300))).replace(hour=rng.randint(1, 8), minute=rng.randint(0, 59))
        for _ in range(n_cases)
    )
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
        opened = openings[i]
        age_days = (now - opened).days
        worker = rng.choice([people["staf"], people["staf2"], people["magang"]])
        t = opened
        if target != CaseStatus.NEW:
            service.assign_case(people["spv"], case, worker)
        if target in (CaseStatus.IN_PROGRESS, CaseStatus.CLOSURE_REQUESTED, CaseStatus.CLOSED):
            for _ in range(rng.randint(1, 3)):
                t = t + timedelta(days=rng.randint(0, min(6, age_days)), hours=rng.randint(1, 5))
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
    if with_features:
        seed_outreach_demo(rng, units, desk, now)
        seed_worklog_demo(rng)
        seed_evaluation_demo(random.Random(seed + 4))
        _seed_programme_tools(units, desk)
        seed_field_visit_demo(units, desk)  # issue 16 (h16v)
        seed_rab_demo()  # issue 18 (h18b): price lists, work items, RABs
        seed_designs_demo(units, desk)  # issue 18 (h18a): two designs and a few hand-outs
        seed_accompaniment_demo(random.Random(seed + 19), units, desk)  # issue 19
    return {"units": len(units), "cases": n_cases}


def _backdate(case: Case, opened: datetime, now: datetime) -> None:
    """Move the case's system events to its opening day so the demo has a realistic history."""
    first_due, resolution_due = service_levels.due_dates(case.unit, case.service_types, opened)
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


GROUP_NAMES = [
    ("KSM Sido Makmur", "ksm"),
    ("Kelompok Masyarakat Rukun Santoso", "community"),
    ("Koperasi Griya Sejahtera", "cooperative"),
    ("Pemerintah Desa", "village_gov"),
]
TOPICS = [
    ("Sosialisasi BSPS dan syarat penerima bantuan", ["program_info"]),
    ("Penyuluhan rumah tahan gempa", ["construction", "house_design"]),
    ("Jemput bola: konsultasi RAB dan perizinan PBG", ["cost_estimate", "permits"]),
    ("Sosialisasi pembiayaan perumahan FLPP dan Tapera", ["financing", "program_info"]),
]


def seed_outreach_demo(rng: random.Random, units: dict, desk: dict, now: datetime) -> None:
    """Per unit: two groups with a case each, two outreach sessions with cases opened there, and one
    household that came to a session and later opened a case at the desk (counted once)."""
    for slug, people in desk.items():
        unit = units[slug]
        provinces = unit.provinces.split(",")
        for name, kind in rng.sample(GROUP_NAMES, k=2):
            province, regency, district, village = _random_village(rng, provinces)
            label = f"{name} {regions.name_of(village).title()}" if kind == "village_gov" else name
            female = rng.random() < 0.5
            members = [
                (f"{rng.choice(FIRST)} {rng.choice(LAST)}", _valid_nik(rng, district, rng.random() < 0.5))
                for _ in range(rng.randint(0, 4))
            ]
            result = outreach.create_group(
                people["staf"],
                unit,
                {
                    "name": label,
                    "group_kind": kind,
                    "member_households": rng.randint(8, 40),
                    "contact_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "contact_nik": _valid_nik(rng, district, female),
                    "phone": f"08{rng.randint(11, 99)}{rng.randint(1000000, 99999999)}",
                    "address": f"Sekretariat di Jl. {rng.choice(LAST)} No. {rng.randint(1, 60)}",
                    "province_code": province,
                    "regency_code": regency,
                    "district_code": district,
                    "village_code": village,
                    "consent_given": True,
                },
                {
                    "channel": rng.choice([Channel.WALK_IN, Channel.OUTREACH, Channel.WHATSAPP]),
                    "service_types": [ServiceType.HOUSE_DESIGN, ServiceType.COST_ESTIMATE],
                    "description": "Kelompok meminta desain rumah contoh dan RAB untuk anggotanya.",
                },
                members,
            )
            service.assign_case(people["spv"], result.case, people["staf2"])
            _backdate(result.case, now - timedelta(days=rng.randint(10, 120)), now)

        for days_ago in rng.sample(range(7, 150), k=2):
            province, regency, district, village = _random_village(rng, provinces)
            topic, services = rng.choice(TOPICS)
            held_on = (now - timedelta(days=days_ago)).date()
            households = rng.randint(15, 35)
            attendees = [_valid_nik(rng, district, rng.random() < 0.5) for _ in range(3)]
            session = outreach.create_session(
                people["staf"],
                unit,
                {
                    "held_on": held_on,
                    "duration_minutes": rng.choice([120, 180, 240]),
                    "province_code": province,
                    "regency_code": regency,
                    "district_code": district,
                    "village_code": village,
                    "place": rng.choice(
                        ["Balai desa", "Aula kantor kecamatan", "Masjid", "Rumah kepala dusun"]
                    ),
                    "topic": topic,
                    "services": services,
                    "participants_count": households + rng.randint(5, 20),
                    "households_count": households,
                },
                [people["staf"], people["magang"]],
                attendees,
            )
            opened = datetime.combine(held_on, datetime.min.time(), UTC) + timedelta(hours=3)
            for _ in range(3):
                female = rng.random() < 0.5
                result = outreach.intake_at_session(
                    people["staf"],
                    session,
                    {
                        "kind": "individual",
                        "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        "nik": _valid_nik(rng, district, female),
                        "phone": f"08{rng.randint(11, 99)}{rng.randint(1000000, 99999999)}",
                        "gender": "P" if female else "L",
                        "consent_given": True,
                    },
                    {"service_types": services[:1], "description": f"Konsultasi saat sosialisasi: {topic}"},
                )
                _backdate(result.case, opened, now)
            # one household that came to the session opens a case at the desk a week later
            later = service.intake(
                people["staf2"],
                unit,
                {
                    "kind": "individual",
                    "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "nik": attendees[0],
                    "province_code": province,
                    "regency_code": regency,
                    "district_code": district,
                    "village_code": village,
                    "consent_given": True,
                },
                {
                    "channel": Channel.WALK_IN,
                    "service_types": [ServiceType.HOUSE_DESIGN],
                    "description": "Setelah ikut sosialisasi, datang ke Pojok KRS minta gambar denah.",
                },
            )
            _backdate(later.case, min(opened + timedelta(days=7), now - timedelta(hours=1)), now)
    db.session.commit()


UNIVERSITIES = [
    ("Universitas Gadjah Mada", "Arsitektur"),
    ("Institut Teknologi Bandung", "Teknik Sipil"),
    ("Universitas Udayana", "Arsitektur"),
    ("Universitas Diponegoro", "Perencanaan Wilayah dan Kota"),
    ("Universitas Sumatera Utara", "Teknik Sipil"),
    ("Universitas Tanjungpura", "Arsitektur"),
]
WORKLOG_TASKS = [
    ("desk_service", "Melayani konsultasi warga di Pojok KRS."),
    ("data_entry", "Merekap data permohonan minggu ini ke lembar kerja unit."),
    ("design_drawing", "Menggambar denah dan tampak rumah tipe 36 untuk pemohon."),
    ("cost_estimate", "Menyusun RAB perbaikan atap dan dinding."),
    ("other", "Rapat koordinasi mingguan dengan supervisor."),
]


def seed_worklog_demo(rng: random.Random) -> None:
    """A placement and some weeks of logbook for each `magang.<unit>` account: older weeks
    approved, one returned with a comment, last week waiting in the supervisor's queue."""
    interns = db.session.scalars(select(User).where(User.role == Role.INTERN, User.username.like("magang.%")))
    for i, intern in enumerate(list(interns)):
        unit = intern.unit
        spv = db.session.scalar(select(User).where(User.username == f"spv.{unit.slug}"))
        today = worklog.today_for(intern)
        this_week = worklog.week_start_of(today)
        first_logged = db.session.scalar(
            select(func.min(WorkLogEntry.work_date)).where(WorkLogEntry.user_id == intern.id)
        )
        start = min(first_logged or today, this_week - timedelta(weeks=6))
        start = max(start, today - timedelta(days=300))
        university, programme = UNIVERSITIES[i % len(UNIVERSITIES)]
        worklog.save_placement(
            spv,
            worklog.PlacementData(
                intern.id, university, programme, spv.id, start, today + timedelta(weeks=6)
            ),
        )
        for weeks_back in range(4, 0, -1):
            monday = this_week - timedelta(weeks=weeks_back)
            for day in (monday + timedelta(days=d) for d in range(5)):
                for _ in range(rng.randint(1, 2)):
                    category, text = rng.choice(WORKLOG_TASKS)
                    worklog.add_entry(
                        intern,
                        worklog.EntryData(
                            work_date=day,
                            category=category,
                            description=text,
                            minutes=rng.choice([60, 90, 120, 180]),
                        ),
                    )
        weeks = db.session.scalars(
            select(WorkLogEntry.week_start)
            .where(WorkLogEntry.user_id == intern.id, WorkLogEntry.week_start < this_week)
            .distinct()
            .order_by(WorkLogEntry.week_start)
        ).all()
        for monday in weeks:
            if monday < start:
                continue
            worklog.submit_week(intern, monday)
            week = worklog.week_of(intern, monday)
            if monday == this_week - timedelta(weeks=2):
                worklog.return_week(spv, week, "Tambahkan nama pemohon dan lokasi pada kunjungan lapangan.")
            elif monday < this_week - timedelta(weeks=2):
                worklog.approve_week(spv, week)
                # a realistic history: submitted on the Friday, approved the Monday after
                week.submitted_at = datetime.combine(
                    monday + timedelta(days=4), datetime.min.time(), UTC
                ) + timedelta(hours=9)
                week.reviewed_at = week.submitted_at + timedelta(days=3)
                db.session.commit()


def seed_evaluation_demo(rng: random.Random | None = None) -> dict:
    """Issue 4: targets for every unit this year and IKM surveys for about 60% of the closed cases."""
    rng = rng or random.Random(4)
    now = datetime.now(UTC)
    units = list(db.session.scalars(select(Unit).where(Unit.kind != "direktorat").order_by(Unit.id)))
    for unit in units:
        db.session.add(
            UnitTarget(
                unit_id=unit.id,
                year=local_date(now, unit.timezone).year,
                cases_served=rng.choice([60, 80, 100, 120]),
                within_sla_pct=rng.choice([70, 75, 80, 85]),
                min_ikm=rng.choice([76.61, 80, 82.5]),
                field_visits=rng.choice([20, 30, 40]),
            )
        )
    # follow-ups are typed in shortly after the visit or call, mostly the same day
    for event_id, occurred in db.session.execute(
        select(Event.id, Event.occurred_at).where(Event.kind.in_(EventKind.follow_up_kinds()))
    ).all():
        occurred = occurred if occurred.tzinfo else occurred.replace(tzinfo=UTC)
        delay = timedelta(minutes=rng.choice([5, 20, 45, 90, 180, 600, 1500, 3000]))
        db.session.execute(
            update(Event)
            .where(Event.id == event_id)
            .values(created_at=min(occurred + delay, now))
            .execution_options(synchronize_session=False)
        )
    closed = db.session.execute(
        select(Case.id, Case.unit_id, Case.closed_at).where(Case.status == CaseStatus.CLOSED)
    ).all()
    # each unit has its own temper, so the ranking has something to rank
    mood = {unit.id: rng.choice([(2, 4), (3, 4), (3, 4), (2, 3)]) for unit in units}
    surveys = 0
    for case_id, unit_id, closed_at in closed:
        if rng.random() > 0.6 or closed_at is None:
            continue
        answered = min(
            closed_at.replace(tzinfo=closed_at.tzinfo or UTC) + timedelta(hours=rng.randint(1, 72)), now
        )
        lo, hi = mood[unit_id]
        answers = {code: rng.randint(lo, hi) for code in CODES}
        answers["u4"] = 4  # the clinic is free of charge
        db.session.add(
            Survey(
                token=new_token(),
                mode=rng.choice(["link", "kiosk"]),
                unit_id=unit_id,
                case_id=case_id,
                created_at=closed_at,
                expires_at=closed_at + timedelta(days=14),
                submitted_at=answered,
                comment=rng.choice([None, None, "Petugas ramah dan jelas.", "Mohon antrean dipercepat."]),
                **answers,
            )
        )
        db.session.add(
            Event(case_id=case_id, kind=EventKind.SURVEY_RECEIVED, occurred_at=answered, created_at=answered)
        )
        surveys += 1
    db.session.commit()
    return {"targets": len(units), "surveys": surveys}


def _seed_programme_tools(units: dict, desk: dict) -> None:
    """Issue 7: a transfer waiting for spv.jawa3, saved filters, the reference lists."""
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
