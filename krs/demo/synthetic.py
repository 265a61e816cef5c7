"""`flask krs seed-synthetic --cases N`: a realistic national-scale database for measuring KRS.

Cases, applicants (valid NIKs from real Kemendagri district codes), case services and timeline
events, spread over the units, five years, every status, channel and service. The per-unit,
per-year CaseCounter is advanced so intakes after the seed continue the sequence. Statuses follow
age as in a real desk: old cases are closed, open work is recent (that is also what keeps the
"open work" queries small at any size).

Speed (a million cases in a few minutes on two cores) comes from three things:
- rows are made by cheap Python: one `random()` per choice, timestamps and dates as text from
  precomputed day and time-of-day tables, JSON payloads prepared once per desk person;
- for large loads the rows are made in a forked worker process while the parent writes the
  previous batch, so generating and inserting use both cores;
- they are written in bulk inside one transaction: `executemany` on SQLite, `COPY` of text
  buffers on PostgreSQL. Large loads drop the secondary indexes (and on PostgreSQL the foreign
  keys of the bulk tables, on SQLite the FTS insert trigger) and rebuild them once at the end, in
  the same transaction, so a failed or killed load leaves the database as it was.
The data depend only on --seed and the database's starting state, not on the way they were made.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import click
from sqlalchemy import func, select, text

from krs import audit, case_lists, regions
from krs.demo.seed import FIRST, JOBS, LAST, NEEDS, NOTES, seed_demo
from krs.extensions import db
from krs.models import (
    Applicant,
    Case,
    CaseCounter,
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
    User,
)
from krs.reports import stats
from krs.workdays import add_working_days

YEARS_OF_HISTORY = 5
BATCH = 20_000
BULK_MIN_CASES = 50_000  # from here on, indexes are dropped during the load and rebuilt once
# SQLite during the load: no fsync, a 256 MB page cache, no per-row foreign key look-ups (the rows
# are consistent by construction); the connection's own values come back afterwards
LOAD_PRAGMAS = {"foreign_keys": 0, "synchronous": 0, "cache_size": -262_144}

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
SURVEY_COLUMNS = [
    "id", "token", "mode", "unit_id", "case_id", "created_by_id", "created_at", "expires_at", "submitted_at",
    "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9", "comment",
]  # fmt: skip
TABLES = (
    ("applicant", APPLICANT_COLUMNS),
    ("case_file", CASE_COLUMNS),
    ("case_service", SERVICE_COLUMNS),
    ("case_event", EVENT_COLUMNS),
    ("ikm_survey", SURVEY_COLUMNS),
)
BULK_TABLES = tuple(name for name, _columns in TABLES)

DAY = 86_400
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
WATER = ("Sumur gali", "PDAM", "Sumur bor", "Air hujan")
SANITATION = ("Jamban dengan septik tank", "Jamban tanpa septik tank", "Tidak ada")
ELECTRICITY = ("PLN 450 VA", "PLN 900 VA", "Menumpang tetangga")
PRIORITIES = ("normal", "normal", "normal", "high", "low")
DURATIONS = (15, 30, 45, 60, 90, 120)
CLOSURE_SUMMARY = "Layanan diberikan sesuai permohonan."
# IKM surveys (as in the demo): most closed cases get an invitation, most invitations an answer
SURVEY_INVITED, SURVEY_ANSWERED = 0.7, 0.85
MOODS = ((2, 4), (3, 4), (3, 4), (2, 3))
SURVEY_COMMENTS = (None, None, "Petugas ramah dan jelas.", "Mohon antrean dipercepat.")
# "RT 01/RW 01" .. "RT 09/RW 09"
RT_RW = [f"RT {rt:02d}/RW {rw:02d}" for rt in range(1, 10) for rw in range(1, 10)]
TIME_OF_DAY = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(DAY)]


@dataclass
class SeedResult:
    cases: int
    applicants: int
    events: int
    seconds: float
    surveys: int = 0


def _ensure_desk() -> dict[int, dict]:
    """Units with their desk people; the demo's six units and accounts when the database is empty."""
    if not db.session.scalar(select(func.count()).select_from(Unit)):
        seed_demo(0, with_features=False)
    desks: dict[int, dict] = {}
    for unit in db.session.scalars(select(Unit).where(Unit.kind != "direktorat").order_by(Unit.id)):
        people = list(
            db.session.scalars(
                select(User)
                .where(User.unit_id == unit.id, User.role.in_([Role.SUPERVISOR, Role.STAFF, Role.INTERN]))
                .order_by(User.id)
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
    return _nik_tail(district_code.replace(".", ""), k, female)


def _nik_tail(district_digits: str, k: int, female: bool) -> str:
    day = 1 + k % 28 + (40 if female else 0)
    month = 1 + (k // 28) % 12
    year = 40 + (k // 336) % 60
    serial = 1 + (k // 20_160) % 9999
    return f"{district_digits}{day:02d}{month:02d}{year:02d}{serial:04d}"


def _copy_text(value: str) -> str:
    """A value as PostgreSQL's COPY text format wants it (backslash, tab and line breaks escaped)."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


@dataclass
class _Desk:
    unit_id: int
    code: str
    supervisor: int
    workers: list[tuple[int, str]]  # (user id, data of the "assigned" event naming them)
    villages: list[tuple[str, str, str, str, str]]  # province, regency, district, village, NIK prefix
    mood: tuple[int, int]  # the range of this unit's survey answers: each desk has its own temper


@dataclass
class _Plan:
    """Everything the row generator needs, as plain data (it may run in a forked worker)."""

    pg: bool
    n_cases: int
    batch: int
    now_s: int  # seconds since the epoch, UTC
    start_s: int
    desks: list[_Desk]
    applicant_id: int
    case_id: int
    event_id: int
    survey_id: int
    counters: dict[tuple[int, int], int]
    existing_niks: set[str] = field(default_factory=set)


@dataclass
class _Batch:
    """One batch for the bulk tables (TABLES order): row tuples (SQLite) or COPY text (PostgreSQL)."""

    tables: list
    cases: int
    applicants: int
    events: int
    surveys: int


def _make_plan(n_cases: int, rng: random.Random, now: datetime, pg: bool, batch: int = BATCH) -> _Plan:
    desks = _ensure_desk()
    db.session.commit()
    esc = _copy_text if pg else str

    def next_id(model) -> int:
        return (db.session.scalar(select(func.max(model.id))) or 0) + 1

    plan_desks = []
    for uid, desk in desks.items():
        villages = _villages(rng, desk["unit"].provinces.split(","))
        plan_desks.append(
            _Desk(
                unit_id=uid,
                code=esc(desk["unit"].code),
                supervisor=desk["supervisor"],
                workers=[(wid, esc(json.dumps({"from": None, "to": name}))) for wid, name in desk["workers"]],
                villages=[(p, r, d, v, d.replace(".", "")) for p, r, d, v in villages],
                mood=rng.choice(MOODS),
            )
        )
    now_s = int(now.timestamp())
    return _Plan(
        pg=pg,
        n_cases=n_cases,
        batch=batch,
        now_s=now_s,
        start_s=now_s - YEARS_OF_HISTORY * 365 * DAY,
        desks=plan_desks,
        applicant_id=next_id(Applicant),
        case_id=next_id(Case),
        event_id=next_id(Event),
        survey_id=next_id(Survey),
        counters={(c.unit_id, c.year): c.last_seq for c in db.session.scalars(select(CaseCounter))},
        existing_niks=set(db.session.scalars(select(Applicant.nik).where(Applicant.nik.is_not(None)))),
    )


def _generate(plan: _Plan, rng: random.Random) -> Iterator[_Batch]:
    """The rows, batch by batch; advances plan.counters as it goes.

    Hot loop: every choice is one `rng.random()` (randrange/choice cost several times more), times
    are integer seconds made text through day and time-of-day tables, the values for PostgreSQL
    are escaped once, in the pools they are picked from."""
    esc = _copy_text if plan.pg else str
    null = "\\N" if plan.pg else None
    true = "t" if plan.pg else 1
    zone = "+00" if plan.pg else ""  # SQLite keeps SQLAlchemy's text format (UTC, no offset)
    first_names, last_names = [esc(n) for n in FIRST], [esc(n) for n in LAST]
    jobs, notes = [esc(j) for j in JOBS], [esc(n) for n in NOTES]
    comments = [null if c is None else esc(c) for c in SURVEY_COMMENTS]
    services = [s.value for s in ServiceType]
    house_design = services.index(ServiceType.HOUSE_DESIGN.value)
    needs = [esc(NEEDS[ServiceType(s)]) for s in services]
    channels = [c.value for c in Channel]
    conditions = [c.value for c in Condition]
    lands = [c.value for c in LandStatus]
    outcomes = [(o.value, esc(json.dumps({"outcome": o.value}))) for o in Outcome]
    follow_kinds = [k.value for k in EventKind.follow_up_kinds()]
    summary = esc(CLOSURE_SUMMARY)

    # day tables, from the first opening day to past the last due date
    first_day = plan.start_s // DAY - 1
    days = [date.fromordinal(EPOCH_ORDINAL + d) for d in range(first_day, plan.now_s // DAY + 60)]
    day_text = [d.isoformat() for d in days]
    stamp_day = [t + " " for t in day_text]
    years = [d.year for d in days]
    due_cache: dict[tuple[int, int], str] = {}

    def due(day: int, working_days: int) -> str:
        found = due_cache.get((day, working_days))
        if found is None:
            found = due_cache[(day, working_days)] = add_working_days(days[day], working_days).isoformat()
        return found

    r = rng.random
    desks, counters, existing_niks = plan.desks, plan.counters, plan.existing_niks
    now_s, start_s = plan.now_s, plan.start_s
    step = (now_s - start_s) / max(plan.n_cases, 1)
    applicant_id, case_id, event_id, survey_id = (
        plan.applicant_id,
        plan.case_id,
        plan.event_id,
        plan.survey_id,
    )

    frac = ""
    events: list[tuple] = []

    def pick(pool):
        return pool[int(r() * len(pool))]

    def stamp(seconds: int) -> str:
        return stamp_day[seconds // DAY - first_day] + TIME_OF_DAY[seconds % DAY] + frac

    def event(kind, author, at, minutes=null, next_action=null, body=null, data=null) -> None:
        nonlocal event_id
        events.append((event_id, case_id, kind, author, at, at, minutes, next_action, body, data))
        event_id += 1

    for batch_start in range(0, plan.n_cases, plan.batch):
        applicants, cases, case_services, events, surveys = [], [], [], [], []
        for i in range(batch_start, min(batch_start + plan.batch, plan.n_cases)):
            opened = start_s + int(i * step + r() * step * 0.9)
            frac = f".{1 + int(r() * 999_999):06d}{zone}"  # the case's events share its microseconds
            opened_day = opened // DAY - first_day
            opened_at = stamp(opened)
            age = (now_s - opened) / DAY
            desk = desks[int(r() * len(desks))]
            uid = desk.unit_id
            province, regency, district, village, nik_prefix = pick(desk.villages)
            female = r() < 0.5
            nik = _nik_tail(nik_prefix, applicant_id, female)
            applicants.append((
                applicant_id, "individual", f"{pick(first_names)} {pick(last_names)}",
                null if nik in existing_niks else nik,
                f"08{11 + int(r() * 89)}{1_000_000 + int(r() * 98_999_999)}", "P" if female else "L",
                f"Jl. {pick(last_names)} No. {1 + int(r() * 120)}, {pick(RT_RW)}",
                province, regency, district, village, pick(jobs), 1_500_000 + 250_000 * int(r() * 30),
                1 + int(r() * 7), true, opened_at, uid, opened_at,
            ))  # fmt: skip
            year = years[opened_day]
            seq = counters[(uid, year)] = counters.get((uid, year), 0) + 1
            chosen = [int(r() * len(services))]
            if r() >= 0.7:  # 30 % ask for two services
                other = int(r() * (len(services) - 1))
                chosen.append(other + (other >= chosen[0]))
            if r() < min(0.97, age / 120):
                status = "closed"
            else:
                s = r()
                status = (
                    "new" if s < 0.15 else "assigned" if s < 0.35 else "in_progress" if s < 0.85
                    else "closure_requested"
                )  # fmt: skip
            creator = pick(desk.workers)[0]
            worker_id, assigned_data = pick(desk.workers)
            # the timeline: created, assigned, follow-ups, closure, the applicant's survey
            t = opened
            event("created", creator, opened_at)
            first_response = outcome = closure_summary = closed_at = null
            if status != "new":
                t = min(t + 3600 * (1 + int(r() * 30)), now_s)
                event("assigned", desk.supervisor, stamp(t), data=assigned_data)
            if status in ("in_progress", "closure_requested", "closed"):
                longest = 24 * (int(age) // 6 + 1)  # hours between follow-ups grow with the case's age
                for _ in range(1 + int(r() * 3)):
                    t = min(t + 3600 * (4 + int(r() * (longest - 3))), now_s)
                    at = stamp(t)
                    if first_response is null:
                        first_response = at
                    next_action = day_text[t // DAY - first_day + 2 + int(r() * 9)] if r() < 0.3 else null
                    event(pick(follow_kinds), worker_id, at, pick(DURATIONS), next_action, pick(notes))
            if status in ("closure_requested", "closed"):
                t = min(t + DAY * int(r() * 4), now_s)
                outcome, outcome_data = pick(outcomes)
                closure_summary = summary
                event("closure_requested", worker_id, stamp(t), body=summary, data=outcome_data)
            if status == "closed":
                t = min(t + DAY * int(r() * 3), now_s)
                closed_at = stamp(t)
                event("closure_approved", desk.supervisor, closed_at, data=outcome_data)
                if r() < SURVEY_INVITED:
                    kiosk = r() < 0.3
                    answered = r() < SURVEY_ANSWERED
                    submitted = min(
                        t + (60 * (2 + int(r() * 60)) if kiosk else 3600 * (1 + int(r() * 72))), now_s
                    )
                    submitted_at = stamp(submitted) if answered else null
                    low, high = desk.mood
                    answers = [low + int(r() * (high - low + 1)) if answered else null for _ in range(9)]
                    if answered:
                        answers[3] = 4  # u4, the cost of the service: the clinic is free of charge
                    token = f"{survey_id:x}-{rng.getrandbits(128):032x}"  # the id keeps it unique on reruns
                    surveys.append((
                        survey_id, token, "kiosk" if kiosk else "link", uid, case_id, worker_id, closed_at,
                        stamp(t + (4 * 3600 if kiosk else 14 * DAY)), submitted_at, *answers,
                        pick(comments) if answered else null,
                    ))  # fmt: skip
                    if answered:
                        event("survey_received", null, submitted_at, data=f'{{"survey_id": {survey_id}}}')
                    survey_id += 1
            cases.append((
                case_id, f"KRS-{desk.code}-{year}-{seq:04d}", uid, year, seq, applicant_id, pick(channels),
                needs[chosen[0]], pick(PRIORITIES), status, null if status == "new" else worker_id, creator,
                opened_at, stamp(t), pick(lands), 18 + int(r() * 55), 1 + int(r() * 8), pick(conditions),
                pick(conditions), pick(conditions), pick(WATER), pick(SANITATION), pick(ELECTRICITY),
                due(opened_day, 2), due(opened_day, 15 if house_design in chosen else 10), first_response,
                outcome, closure_summary, closed_at, 1,
            ))  # fmt: skip
            case_services.extend((case_id, services[s]) for s in chosen)
            applicant_id += 1
            case_id += 1
        tables = [applicants, cases, case_services, events, surveys]
        if plan.pg:
            tables = [_copy_lines(rows) for rows in tables]
        yield _Batch(tables, len(cases), len(applicants), len(events), len(surveys))


def _copy_lines(rows: list[tuple]) -> str:
    """COPY text format: the values are already escaped strings, numbers or the \\N marker."""
    if not rows:
        return ""
    line = "\t".join(["%s"] * len(rows[0])) + "\n"
    return "".join(map(line.__mod__, rows))


def _worker_main(plan: _Plan, rng: random.Random, conn) -> None:
    try:
        for batch in _generate(plan, rng):
            conn.send(("batch", batch))
        conn.send(("done", plan.counters))
    except BaseException:
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def _generate_in_worker(plan: _Plan, rng: random.Random) -> Iterator[_Batch]:
    """The same batches as _generate, made in a forked process one batch ahead of the writer (the
    pipe holds at most one: the worker waits while the parent writes)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_worker_main, args=(plan, rng, sender), daemon=True)
    worker.start()
    sender.close()
    try:
        while True:
            try:
                kind, payload = receiver.recv()
            except EOFError:
                raise RuntimeError("synthetic data worker stopped without finishing") from None
            if kind == "batch":
                yield payload
            elif kind == "done":
                plan.counters.clear()
                plan.counters.update(payload)
                return
            else:
                raise RuntimeError(f"synthetic data worker failed:\n{payload}")
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()
        receiver.close()


class _Writer:
    """Bulk writes: executemany on SQLite, COPY of text buffers on PostgreSQL."""

    def __init__(self, connection):
        self.conn = connection
        self.pg = connection.dialect.name == "postgresql"

    def write(self, table: str, columns: list[str], rows) -> None:
        if not rows:
            return
        if self.pg:
            raw = self.conn.connection.dbapi_connection
            with raw.cursor() as cur:
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    copy.write(rows)
        else:
            marks = ", ".join("?" for _ in columns)
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            self.conn.exec_driver_sql(sql, rows)


def seed_synthetic(
    n_cases: int,
    seed: int = 6,
    now: datetime | None = None,
    echo=None,
    *,
    bulk: bool | None = None,
    parallel: bool | None = None,
    batch: int = BATCH,
) -> SeedResult:
    """Append n_cases synthetic cases (with applicants, services, events) and advance the counters.

    bulk: drop and rebuild indexes around the load (default: for 50k cases and more, when the load
    at least doubles the cases). parallel: make the rows in a worker process (default: when there
    is more than one batch)."""
    started = time.perf_counter()
    rng = random.Random(seed)
    now = (now or datetime.now(UTC)).replace(microsecond=999_999)  # text timestamps keep 6 digits
    pg = db.engine.dialect.name == "postgresql"
    plan = _make_plan(n_cases, rng, now, pg, batch)
    if bulk is None:
        bulk = n_cases >= BULK_MIN_CASES and n_cases >= plan.case_id - 1
    if parallel is None:
        parallel = n_cases > batch
    if parallel and "fork" not in multiprocessing.get_all_start_methods():
        parallel = False

    connection = db.session.connection()
    writer = _Writer(connection)
    raw = connection.connection.dbapi_connection
    pragmas = {} if pg else _sqlite_pragmas(connection)
    restore = _prepare_pg(connection, bulk) if pg else _prepare_sqlite(connection, bulk, plan.applicant_id)
    totals = {"applicants": 0, "events": 0, "surveys": 0}
    done = 0
    try:
        for part in (_generate_in_worker if parallel else _generate)(plan, rng):
            for (table, columns), rows in zip(TABLES, part.tables, strict=True):
                writer.write(table, columns, rows)
            totals["applicants"] += part.applicants
            totals["events"] += part.events
            totals["surveys"] += part.surveys
            done += part.cases
            if echo:
                echo(f"  {done:,} kasus ({time.perf_counter() - started:.0f} s)")
        if restore and echo:
            echo(f"  membangun ulang indeks dan kunci ({len(restore)} perintah) ...")
        for statement in restore:
            connection.exec_driver_sql(statement)
        if restore and echo:
            echo(f"  indeks dan kunci dibangun ulang ({time.perf_counter() - started:.0f} s)")
        _advance_counters(plan.counters)
        if pg:
            _reset_pg_sequences()
        # after the bulk load: derived tables are rebuilt here (the loads bypass the ORM's bookkeeping)
        if echo:
            echo("  menghitung ulang rekap dasbor ...")
        stats.rebuild(connection)
        case_lists.rebuild_next_actions(connection, first_case_id=plan.case_id)  # the loaded cases'
        if echo:
            echo(f"  rekap dasbor dihitung ulang ({time.perf_counter() - started:.0f} s)")
        audit.record(None, "synthetic.seed", "case", None, None, {"cases": n_cases, "seed": seed})
        db.session.commit()
    except BaseException:
        db.session.rollback()  # DDL is transactional on both databases: indexes and keys come back
        raise
    finally:
        if pragmas:
            _restore_sqlite_pragmas(raw, pragmas)
    if echo:
        echo(
            f"  data tersimpan; memperbarui statistik perencana kueri ({time.perf_counter() - started:.0f} s)"
        )
    analyse()
    seconds = time.perf_counter() - started
    return SeedResult(n_cases, totals["applicants"], totals["events"], seconds, totals["surveys"])


def _advance_counters(counters: dict[tuple[int, int], int]) -> None:
    for (uid, year), last in counters.items():
        row = db.session.get(CaseCounter, (uid, year))
        if row is None:
            db.session.add(CaseCounter(unit_id=uid, year=year, last_seq=last))
        elif row.last_seq < last:
            row.last_seq = last
    db.session.flush()


def _prepare_pg(connection, bulk: bool) -> list[str]:
    """Session settings for the load; for a bulk load, drop the secondary indexes and the foreign
    keys of the bulk tables (checked row by row by triggers otherwise) and hand back the
    statements that rebuild them once. Everything runs in the load's transaction."""
    connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
    if not bulk:
        return []
    connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
    tables = list(BULK_TABLES)
    indexes = connection.execute(
        text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = ANY(:tables) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname) ORDER BY i.tablename, i.indexname"
        ),
        {"tables": tables},
    ).all()
    keys = connection.execute(
        text(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.contype = 'f' AND c.conrelid = ANY(CAST(:tables AS regclass[])) ORDER BY 1, 2"
        ),
        {"tables": tables},
    ).all()
    for table, name, _definition in keys:
        connection.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    return [definition for _name, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for table, name, definition in keys
    ]


def _prepare_sqlite(connection, bulk: bool, first_applicant_id: int) -> list[str]:
    """Pragmas for the load (LOAD_PRAGMAS), then the load's transaction; for a bulk load, drop the
    secondary indexes and the FTS insert trigger and hand back the statements that rebuild them once."""
    raw = connection.connection.dbapi_connection
    if raw.in_transaction:  # foreign_keys can only change outside a transaction
        raw.commit()
    for pragma, value in LOAD_PRAGMAS.items():
        connection.exec_driver_sql(f"PRAGMA {pragma}={value}")
    connection.exec_driver_sql("BEGIN")
    if not bulk:
        return []
    names = ", ".join(f"'{t}'" for t in BULK_TABLES)
    indexes = connection.exec_driver_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({names}) "
        "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY tbl_name, name"
    ).all()
    for name, _sql in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    restore = [sql for _name, sql in indexes]
    trigger = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'applicant_fts_ai'"
    ).scalar()
    if trigger:
        connection.exec_driver_sql("DROP TRIGGER applicant_fts_ai")
        restore += [
            "INSERT INTO applicant_fts(rowid, name, phone) SELECT id, name, phone FROM applicant "
            f"WHERE id >= {int(first_applicant_id)}",
            trigger,
        ]
    return restore


def _sqlite_pragmas(connection) -> dict[str, int]:
    return {pragma: connection.exec_driver_sql(f"PRAGMA {pragma}").scalar() for pragma in LOAD_PRAGMAS}


def _restore_sqlite_pragmas(raw, values: dict[str, int]) -> None:
    """Back to the settings the load's connection had, on that very connection: the session has
    already handed it back to the pool (and would check out another one, maybe not the same)."""
    for pragma, value in values.items():
        raw.execute(f"PRAGMA {pragma}={int(value)}")


def _reset_pg_sequences() -> None:
    """COPY with explicit ids does not move the SERIAL sequences: move them past the new rows."""
    for table in ("applicant", "case_file", "case_event", "ikm_survey"):
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
            f"{result.events:,} riwayat, {result.surveys:,} survei dalam {result.seconds:.0f} detik."
        )
