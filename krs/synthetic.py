"""`flask krs seed-synthetic --cases N`: a realistic national-scale database for measuring KRS.

Cases, applicants (valid NIKs from real Kemendagri district codes), case services and timeline
events, spread over the units, five years, every status, channel and service. Rows are generated
in plain Python and written in bulk: `executemany` on SQLite, `COPY` on PostgreSQL — a million
cases take a few minutes, not hours. The per-unit, per-year CaseCounter is advanced so intakes
after the seed continue the sequence. Statuses follow age as in a real desk: old cases are closed,
open work is recent (that is also what keeps the "open work" queries small at any size).
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import click
from sqlalchemy import func, select, text

from krs import audit, regions
from krs.extensions import db
from krs.models import (
    Applicant,
    Case,
    CaseCounter,
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
from krs.reports import stats
from krs.workdays import add_working_days

YEARS_OF_HISTORY = 5
BATCH = 20_000

APPLICANT_COLUMNS = [
    "id", "kind", "name", "nik", "phone", "gender", "address", "province_code", "regency_code",
    "district_code", "village_code", "occupation", "monthly_income", "household_size", "consent_given",
    "consent_at", "created_by_unit_id", "created_at",
]  # fmt: skip
CASE_COLUMNS = [
    "id", "number", "unit_id", "year", "seq", "applicant_id", "channel", "description", "priority",
    "status", "assignee_id", "created_by_id", "created_at", "updated_at", "land_status", "floor_area_m2",
    "occupants", "roof_condition", "wall_condition", "floor_condition", "water_source", "sanitation",
    "electricity", "first_response_due", "resolution_due", "first_response_at", "outcome",
    "closure_summary", "closed_at", "version",
]  # fmt: skip
SERVICE_COLUMNS = ["case_id", "service"]
EVENT_COLUMNS = [
    "id", "case_id", "kind", "author_id", "occurred_at", "created_at", "duration_minutes",
    "next_action_date", "body", "data",
]  # fmt: skip


@dataclass
class SeedResult:
    cases: int
    applicants: int
    events: int
    seconds: float


@lru_cache(maxsize=20_000)
def _due(start: date, days: int) -> date:
    return add_working_days(start, days)


def _ensure_desk() -> dict[int, dict]:
    """Units with their desk people; the demo's six units and accounts when the database is empty."""
    if not db.session.scalar(select(func.count()).select_from(Unit)):
        from krs.demo import seed_demo

        seed_demo(0, with_features=False)
    desks: dict[int, dict] = {}
    for unit in db.session.scalars(select(Unit).where(Unit.kind != "direktorat").order_by(Unit.id)):
        people = list(
            db.session.scalars(
                select(User).where(
                    User.unit_id == unit.id, User.role.in_([Role.SUPERVISOR, Role.STAFF, Role.INTERN])
                )
            )
        )
        workers = [u for u in people if u.role in (Role.STAFF, Role.INTERN)]
        if not workers:
            continue
        desks[unit.id] = {
            "unit": unit,
            "workers": [(u.id, u.full_name) for u in workers],
            "supervisor": next((u.id for u in people if u.role == Role.SUPERVISOR), workers[0].id),
        }
    if not desks:
        raise click.ClickException("Tidak ada unit dengan petugas; jalankan seed-demo atau tambah unit.")
    return desks


def _villages(rng: random.Random, provinces: list[str], n: int = 300) -> list[tuple[str, str, str, str]]:
    """A pool of real villages (province, regency, district, village) inside the unit's provinces."""
    pool = []
    provinces = [p for p in provinces if p] or ["32"]
    for _ in range(n * 3):
        if len(pool) >= n:
            break
        province = rng.choice(provinces)
        regencies = regions.children(province)
        if not regencies:
            continue
        regency = rng.choice(regencies)[0]
        districts = regions.children(regency)
        if not districts:
            continue
        district = rng.choice(districts)[0]
        villages = regions.children(district)
        if villages:
            pool.append((province, regency, district, rng.choice(villages)[0]))
    return pool or [("32", "32.76", "32.76.01", "32.76.01.1001")]


def synthetic_nik(k: int, district_code: str, female: bool) -> str:
    """A structurally valid NIK, unique for every k (k encodes birth date and serial)."""
    day = 1 + k % 28 + (40 if female else 0)
    month = 1 + (k // 28) % 12
    year = 40 + (k // 336) % 60
    serial = 1 + (k // 20_160) % 9999
    return f"{district_code.replace('.', '')}{day:02d}{month:02d}{year:02d}{serial:04d}"


def _status_for(rng: random.Random, age_days: float) -> str:
    if rng.random() < min(0.97, age_days / 120):
        return CaseStatus.CLOSED
    r = rng.random()
    if r < 0.15:
        return CaseStatus.NEW
    if r < 0.35:
        return CaseStatus.ASSIGNED
    if r < 0.85:
        return CaseStatus.IN_PROGRESS
    return CaseStatus.CLOSURE_REQUESTED


class _Writer:
    """Bulk writes: executemany on SQLite, COPY on PostgreSQL; datetimes in each dialect's format."""

    def __init__(self, connection):
        self.conn = connection
        self.pg = connection.dialect.name == "postgresql"

    def ts(self, v: datetime | None):
        """SQLite keeps SQLAlchemy's text format (UTC, no offset); PostgreSQL takes the datetime."""
        if v is None or self.pg:
            return v
        return v.replace(tzinfo=None).isoformat(" ")

    def day(self, v: date | None):
        if v is None or self.pg:
            return v
        return v.isoformat()

    def write(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        if self.pg:
            raw = self.conn.connection.dbapi_connection
            with raw.cursor() as cur:
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            self.conn.exec_driver_sql(sql, rows)


def seed_synthetic(n_cases: int, seed: int = 6, now: datetime | None = None, echo=None) -> SeedResult:
    """Append n_cases synthetic cases (with applicants, services, events) and advance the counters."""
    from krs.demo import FIRST, JOBS, LAST, NEEDS, NOTES

    started = time.perf_counter()
    rng = random.Random(seed)
    now = (now or datetime.now(UTC)).replace(microsecond=999_999)  # text timestamps keep 6 digits
    desks = _ensure_desk()
    db.session.commit()
    unit_ids = list(desks)
    pools = {uid: _villages(rng, desks[uid]["unit"].provinces.split(",")) for uid in unit_ids}
    codes = {uid: desks[uid]["unit"].code for uid in unit_ids}

    def next_id(model) -> int:
        return (db.session.scalar(select(func.max(model.id))) or 0) + 1

    applicant_id, case_id, event_id = next_id(Applicant), next_id(Case), next_id(Event)
    counters = {(c.unit_id, c.year): c.last_seq for c in db.session.scalars(select(CaseCounter))}
    existing_niks = set(db.session.scalars(select(Applicant.nik).where(Applicant.nik.is_not(None))))

    services_all = list(ServiceType)
    channels = list(Channel)
    conditions = list(Condition)
    lands = list(LandStatus)
    outcomes = list(Outcome)
    follow_kinds = [k.value for k in EventKind.follow_up_kinds()]
    span = timedelta(days=365 * YEARS_OF_HISTORY).total_seconds()
    start = now - timedelta(seconds=span)
    step = span / max(n_cases, 1)

    pg = db.engine.dialect.name == "postgresql"
    dropped = _drop_secondary_indexes() if pg and n_cases >= 50_000 else []
    connection = db.session.connection()
    writer = _Writer(connection)
    if not writer.pg:
        connection.exec_driver_sql("PRAGMA synchronous=OFF")
    T, D = writer.ts, writer.day
    totals = {"applicants": 0, "events": 0}
    done = 0
    try:
        while done < n_cases:
            size = min(BATCH, n_cases - done)
            applicants, cases, services, events = [], [], [], []
            for i in range(done, done + size):
                opened = start + timedelta(seconds=i * step + rng.random() * step * 0.9)
                opened = opened.replace(microsecond=max(1, opened.microsecond))
                age = (now - opened).total_seconds() / 86400
                uid = unit_ids[rng.randrange(len(unit_ids))]
                desk = desks[uid]
                province, regency, district, village = pools[uid][rng.randrange(len(pools[uid]))]
                female = rng.random() < 0.5
                nik = synthetic_nik(applicant_id, district, female)
                if nik in existing_niks:
                    nik = None
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                applicants.append(
                    (
                        applicant_id,
                        "individual",
                        name,
                        nik,
                        f"08{rng.randint(11, 99)}{rng.randint(1_000_000, 99_999_999)}",
                        "P" if female else "L",
                        f"Jl. {rng.choice(LAST)} No. {rng.randint(1, 120)}, RT {rng.randint(1, 9):02d}/RW "
                        f"{rng.randint(1, 9):02d}",
                        province,
                        regency,
                        district,
                        village,
                        rng.choice(JOBS),
                        rng.randrange(1_500_000, 9_000_000, 250_000),
                        rng.randint(1, 7),
                        True,
                        T(opened),
                        uid,
                        T(opened),
                    )
                )
                year = opened.year
                seq = counters.get((uid, year), 0) + 1
                counters[(uid, year)] = seq
                chosen = rng.sample(services_all, k=1 if rng.random() < 0.7 else 2)
                status = _status_for(rng, age)
                workers = desk["workers"]
                creator = workers[rng.randrange(len(workers))][0]
                worker_id, worker_name = workers[rng.randrange(len(workers))]
                assignee = None if status == CaseStatus.NEW else worker_id
                opened_day = opened.date()
                first_due = _due(opened_day, 2)
                resolution_due = _due(opened_day, 15 if ServiceType.HOUSE_DESIGN in chosen else 10)
                # the timeline: created, assigned, follow-ups, closure
                t = opened
                events.append(
                    (event_id, case_id, EventKind.CREATED.value, creator, T(t), T(t), None, None, None, None)
                )
                event_id += 1
                first_response = None
                outcome = summary = closed_at = None
                if assignee:
                    t = min(t + timedelta(hours=rng.randint(1, 30)), now)
                    events.append(
                        (
                            event_id,
                            case_id,
                            EventKind.ASSIGNED.value,
                            desk["supervisor"],
                            T(t),
                            T(t),
                            None,
                            None,
                            None,
                            json.dumps({"from": None, "to": worker_name}),
                        )
                    )
                    event_id += 1
                if status in (CaseStatus.IN_PROGRESS, CaseStatus.CLOSURE_REQUESTED, CaseStatus.CLOSED):
                    for _ in range(rng.randint(1, 3)):
                        t = min(t + timedelta(hours=rng.randint(4, 24 * max(1, int(age) // 6 + 1))), now)
                        first_response = first_response or t
                        next_action = (
                            D((t + timedelta(days=rng.randint(2, 10))).date()) if rng.random() < 0.3 else None
                        )
                        events.append(
                            (
                                event_id,
                                case_id,
                                follow_kinds[rng.randrange(len(follow_kinds))],
                                worker_id,
                                T(t),
                                T(t),
                                rng.choice((15, 30, 45, 60, 90, 120)),
                                next_action,
                                rng.choice(NOTES),
                                None,
                            )
                        )
                        event_id += 1
                if status in (CaseStatus.CLOSURE_REQUESTED, CaseStatus.CLOSED):
                    t = min(t + timedelta(days=rng.randint(0, 3)), now)
                    outcome = rng.choice(outcomes).value
                    summary = "Layanan diberikan sesuai permohonan."
                    events.append(
                        (
                            event_id,
                            case_id,
                            EventKind.CLOSURE_REQUESTED.value,
                            worker_id,
                            T(t),
                            T(t),
                            None,
                            None,
                            summary,
                            json.dumps({"outcome": outcome}),
                        )
                    )
                    event_id += 1
                if status == CaseStatus.CLOSED:
                    t = min(t + timedelta(days=rng.randint(0, 2)), now)
                    closed_at = t
                    events.append(
                        (
                            event_id,
                            case_id,
                            EventKind.CLOSURE_APPROVED.value,
                            desk["supervisor"],
                            T(t),
                            T(t),
                            None,
                            None,
                            None,
                            json.dumps({"outcome": outcome}),
                        )
                    )
                    event_id += 1
                cases.append(
                    (
                        case_id,
                        f"KRS-{codes[uid]}-{year}-{seq:04d}",
                        uid,
                        year,
                        seq,
                        applicant_id,
                        channels[rng.randrange(len(channels))].value,
                        NEEDS[chosen[0]],
                        rng.choice(("normal", "normal", "normal", "high", "low")),
                        status.value if isinstance(status, CaseStatus) else status,
                        assignee,
                        creator,
                        T(opened),
                        T(t),
                        rng.choice(lands).value,
                        rng.randint(18, 72),
                        rng.randint(1, 8),
                        rng.choice(conditions).value,
                        rng.choice(conditions).value,
                        rng.choice(conditions).value,
                        rng.choice(("Sumur gali", "PDAM", "Sumur bor", "Air hujan")),
                        rng.choice(("Jamban dengan septik tank", "Jamban tanpa septik tank", "Tidak ada")),
                        rng.choice(("PLN 450 VA", "PLN 900 VA", "Menumpang tetangga")),
                        D(first_due),
                        D(resolution_due),
                        T(first_response),
                        outcome,
                        summary,
                        T(closed_at),
                        1,
                    )
                )
                services.extend((case_id, s.value) for s in chosen)
                applicant_id += 1
                case_id += 1
            writer.write("applicant", APPLICANT_COLUMNS, applicants)
            writer.write("case_file", CASE_COLUMNS, cases)
            writer.write("case_service", SERVICE_COLUMNS, services)
            writer.write("case_event", EVENT_COLUMNS, events)
            db.session.commit()
            connection = db.session.connection()
            writer = _Writer(connection)
            totals["applicants"] += len(applicants)
            totals["events"] += len(events)
            done += size
            if echo:
                echo(f"  {done:,} kasus ({time.perf_counter() - started:.0f} s)")

    except BaseException:
        db.session.rollback()
        if dropped:  # never leave a database without its indexes
            _recreate_indexes(dropped)
        raise
    if dropped:
        if echo:
            echo(f"  membangun ulang {len(dropped)} indeks ...")
        _recreate_indexes(dropped)
    _advance_counters(counters)
    if writer.pg:
        _reset_pg_sequences()
    # after the bulk load: derived tables are rebuilt here (the loads bypass the ORM's bookkeeping)
    if echo:
        echo("  menghitung ulang rekap dasbor ...")
    stats.rebuild(db.session.connection())
    audit.record(None, "synthetic.seed", "case", None, None, {"cases": n_cases, "seed": seed})
    db.session.commit()
    analyse()
    return SeedResult(n_cases, totals["applicants"], totals["events"], time.perf_counter() - started)


def _advance_counters(counters: dict[tuple[int, int], int]) -> None:
    for (uid, year), last in counters.items():
        row = db.session.get(CaseCounter, (uid, year))
        if row is None:
            db.session.add(CaseCounter(unit_id=uid, year=year, last_seq=last))
        elif row.last_seq < last:
            row.last_seq = last
    db.session.flush()


BULK_TABLES = ("applicant", "case_file", "case_service", "case_event")


def _drop_secondary_indexes() -> list[str]:
    """PostgreSQL loads large batches much faster without indexes: drop the ones that are not
    constraints, and hand back their definitions to build them once at the end."""
    rows = db.session.execute(
        text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = ANY(:tables) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname)"
        ),
        {"tables": list(BULK_TABLES)},
    ).all()
    for name, _definition in rows:
        db.session.execute(text(f'DROP INDEX "{name}"'))
    db.session.commit()
    return [definition for _name, definition in rows]


def _recreate_indexes(definitions: list[str]) -> None:
    db.session.execute(text("SET maintenance_work_mem = '256MB'"))
    for definition in definitions:
        db.session.execute(text(definition))
    db.session.commit()


def _reset_pg_sequences() -> None:
    """COPY with explicit ids does not move the SERIAL sequences: move them past the new rows."""
    for table in ("applicant", "case_file", "case_event"):
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        )


def analyse() -> None:
    """Fresh planner statistics after a bulk load (both databases choose indexes from them)."""
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            # VACUUM also marks the new pages all-visible, so id-only page queries are index-only scans
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    else:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


def register_commands(group: click.Group) -> None:
    @group.command("seed-synthetic")
    @click.option("--cases", "n_cases", default=10_000, show_default=True, type=click.IntRange(1))
    @click.option("--seed", default=6, show_default=True, help="Benih acak (hasil dapat diulang).")
    def seed_synthetic_cmd(n_cases: int, seed: int):
        """Isi basis data dengan kasus sintetis berskala nasional (untuk uji kinerja)."""
        result = seed_synthetic(n_cases, seed=seed, echo=click.echo)
        click.echo(
            f"Data sintetis dibuat: {result.cases:,} kasus, {result.applicants:,} pemohon, "
            f"{result.events:,} riwayat dalam {result.seconds:.0f} detik."
        )
