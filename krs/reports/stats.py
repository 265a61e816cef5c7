"""Maintained totals behind the dashboards: what every case and survey adds, per unit and local day.

Reading every case of a period into Python made the dashboards linear in the data (4 s nationally at
100k cases). Instead every figure of `service.Figures` is a sum over rows of two tables:
`stat_day` (unit, local day, metric, key) → n and `stat_month`, the same per calendar month. A
period is read as its whole months from `stat_month` plus its partial months from `stat_day`, so a
dashboard reads a few thousand rows whatever the number of cases.

The totals always equal the sum of `case_contribution` over every case (with its services and
follow-ups) plus `survey_contribution` over every survey. They are kept so in the transaction that
changes the data:

* ORM flushes — `before_flush` computes the contributions of the touched cases and surveys as the
  database holds them, `after_flush` computes them again and adds the difference;
* ORM bulk UPDATE/DELETE statements (`db.session.execute(update(Case)…)`) — the same around the
  statement;
* a unit whose time zone changes gets its rows rebuilt (its local days move);
* loads that bypass the ORM (synthetic data, migrations) call `rebuild()`.

`service.fresh_report` computes the same figures from the cases themselves; a test replays the
desk's operations and compares, and `flask krs stats-check` (krs.cli, `service.check_totals`) does so
on a live database.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import (
    and_,
    delete,
    event,
    func,
    inspect,
    select,
    true,
)
from sqlalchemy.orm import Session

from krs import households, signals
from krs.extensions import db
from krs.models import (
    OPEN_STATUSES,
    Applicant,
    ApplicantKind,
    Case,
    CaseService,
    CaseStatus,
    Event,
    EventKind,
    StatDay,
    StatMonth,
    Survey,
    Unit,
)
from krs.workdays import local_date, working_days_between

EPOCH = date(1970, 1, 1)  # the day of "now" rows (backlog by status), outside every period

# metrics (key in brackets)
IN = households.IN  # cases opened
CHANNEL = "channel"  # [channel] of the cases opened
SERVICE = "service"  # [service type] of the cases opened
RECORDED = "recorded"  # [user id] who recorded the cases opened
RESPONDED = "resp"  # [working days to the first response], on the day the case was opened
RESPONDED_ON_TIME = "resp_ok"
CLOSED = "closed"  # [working days from opening to closure], on the day of closure
CLOSED_ON_TIME = "closed_ok"
OUTCOME = "outcome"  # [outcome] of the cases closed
BACKLOG = "backlog"  # [open status], on EPOCH
FOLLOW_UP = "fu"  # [author id] follow-ups, on the day they happened
FOLLOW_UP_IN_DAY = "fu_day"  # [author id] follow-ups entered within 24 hours
FIELD_VISIT = "visit"
DELAY = "delay"  # [entry delay in tenths of an hour, see delay_tenths]
SURVEYS = "ikm_n"  # surveys submitted
ANSWERS = "ikm"  # [u1..u9] sum of the answers
# counted as distinct keys over a period, not summed (people served, krs.households reads them):
# kept per day only, with their own index
HOUSEHOLD = households.HOUSEHOLD  # [NIK] of the individual applicant of a case opened that day
GROUP = households.GROUP  # [applicant id] of the group applicant of a case opened that day
DISTINCT_METRICS = (HOUSEHOLD, GROUP)

FOLLOW_UP_KINDS = tuple(k.value for k in EventKind.follow_up_kinds())
SURVEY_CODES = tuple(f"u{i}" for i in range(1, 10))
CASE_FIELDS = (
    "unit_id",
    "applicant_id",
    "channel",
    "created_at",
    "created_by_id",
    "first_response_at",
    "first_response_due",
    "closed_at",
    "resolution_due",
    "outcome",
    "status",
    "services",
)
EVENT_FIELDS = ("case_id", "kind", "author_id", "occurred_at", "created_at")
SURVEY_FIELDS = ("unit_id", "submitted_at", *SURVEY_CODES)


# ---------------------------------------------------------------- contributions (pure)


def delay_tenths(occurred_at: datetime, created_at: datetime) -> int:
    """Delay between a follow-up and its entry, in tenths of an hour, on a coarsening scale: to the
    6 minutes within a day, to the hour within a week, to the day beyond. Dashboards show the
    median to 0.1 hour; the scale keeps the number of distinct values (rows) small."""
    seconds = max(0.0, (_aware(created_at) - _aware(occurred_at)).total_seconds())
    if seconds < 86_400:
        return int(seconds // 360)
    if seconds < 7 * 86_400:
        return int(seconds // 3600) * 10
    return int(seconds // 86_400) * 240


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# Indonesia's three zones have kept one offset since the 1960s (no daylight saving): a day is then
# one addition instead of a zone conversion, which a rebuild does millions of times.
FIXED_OFFSETS = {
    "Asia/Jakarta": timedelta(hours=7),
    "Asia/Makassar": timedelta(hours=8),
    "Asia/Jayapura": timedelta(hours=9),
}


def _day(moment: datetime, tz: str) -> date:
    """krs.workdays.local_date, fast for the fixed-offset zones (naive values are UTC)."""
    offset = FIXED_OFFSETS.get(tz)
    if offset is None or (moment.tzinfo is not None and moment.year < 1970):
        return local_date(moment, tz)
    if moment.tzinfo is not None:
        moment = moment.replace(tzinfo=None) - moment.utcoffset()
    return (moment + offset).date()


def _key(value) -> str:
    return "" if value is None else str(value)


def case_contribution(case, tz: str, services: Iterable[str], follow_ups: Iterable, out=None) -> Counter:
    """What one case adds: {(unit_id, day, metric, key): n}. `case` has the CASE_FIELDS columns,
    each follow-up the EVENT_FIELDS columns; days are local to the unit's zone `tz`. Added to `out`
    when given."""
    out = Counter() if out is None else out
    unit = case.unit_id
    opened = _day(case.created_at, tz)
    out[(unit, opened, IN, "")] += 1
    out[(unit, opened, CHANNEL, _key(case.channel))] += 1
    out[(unit, opened, RECORDED, _key(case.created_by_id))] += 1
    if case.applicant_kind == ApplicantKind.GROUP:
        out[(unit, opened, GROUP, str(case.applicant_id))] += 1
    elif case.applicant_nik:
        out[(unit, opened, HOUSEHOLD, case.applicant_nik)] += 1
    for service in services:
        out[(unit, opened, SERVICE, service)] += 1
    if case.first_response_at is not None:
        answered = _day(case.first_response_at, tz)
        out[(unit, opened, RESPONDED, str(working_days_between(opened, answered)))] += 1
        if case.first_response_due is not None and answered <= case.first_response_due:
            out[(unit, opened, RESPONDED_ON_TIME, "")] += 1
    if case.status == CaseStatus.CLOSED and case.closed_at is not None:
        closed = _day(case.closed_at, tz)
        out[(unit, closed, CLOSED, str(working_days_between(opened, closed)))] += 1
        if case.resolution_due is not None and closed <= case.resolution_due:
            out[(unit, closed, CLOSED_ON_TIME, "")] += 1
        if case.outcome:
            out[(unit, closed, OUTCOME, case.outcome)] += 1
    if case.status in OPEN_STATUSES:
        out[(unit, EPOCH, BACKLOG, case.status)] += 1
    follow_up_contribution(unit, tz, follow_ups, out)
    return out


def follow_up_contribution(unit: int, tz: str, follow_ups: Iterable, out=None) -> Counter:
    """What follow-ups add, on the day they happened: they count for their case's unit."""
    out = Counter() if out is None else out
    for e in follow_ups:
        day = _day(e.occurred_at, tz)
        author = _key(e.author_id)
        tenths = delay_tenths(e.occurred_at, e.created_at)
        out[(unit, day, FOLLOW_UP, author)] += 1
        out[(unit, day, DELAY, str(tenths))] += 1
        if (_aware(e.created_at) - _aware(e.occurred_at)).total_seconds() <= 86_400:
            out[(unit, day, FOLLOW_UP_IN_DAY, author)] += 1
        if e.kind == EventKind.FIELD_VISIT:
            out[(unit, day, FIELD_VISIT, "")] += 1
    return out


def survey_contribution(survey, tz: str) -> Counter:
    out = Counter()
    if survey.submitted_at is None:
        return out
    day = _day(survey.submitted_at, tz)
    out[(survey.unit_id, day, SURVEYS, "")] += 1
    for code in SURVEY_CODES:
        out[(survey.unit_id, day, ANSWERS, code)] += int(getattr(survey, code) or 0)
    return out


# ---------------------------------------------------------------- contributions (from the database)

_CASE_COLUMNS = [getattr(Case, f) for f in CASE_FIELDS if f != "services"]
CHUNK = 500


def _case_contributions(conn, where, related=None, with_events: bool = True) -> Counter:
    """Contributions of the cases matching `where` (a clause on Case), as the database holds them.
    `related(case_id_column)` narrows their services and follow-ups the same way (default: the
    ids found, in chunks)."""
    out = Counter()
    cases = conn.execute(
        select(
            Case.id,
            *_CASE_COLUMNS,
            Unit.timezone,
            Applicant.kind.label("applicant_kind"),
            Applicant.nik.label("applicant_nik"),
        )
        .join(Unit, Unit.id == Case.unit_id)
        .join(Applicant, Applicant.id == Case.applicant_id)
        .where(where)
    ).all()
    if not cases:
        return out
    services, events = defaultdict(list), defaultdict(list)
    if related is None:
        ids = [c.id for c in cases]
        clauses = [lambda col, part=ids[lo : lo + CHUNK]: col.in_(part) for lo in range(0, len(ids), CHUNK)]
    else:
        clauses = [related]
    for clause in clauses:
        for case_id, service in conn.execute(
            select(CaseService.case_id, CaseService.service).where(clause(CaseService.case_id))
        ):
            services[case_id].append(service)
        if not with_events:
            continue
        for e in conn.execute(
            select(*[getattr(Event, f) for f in EVENT_FIELDS]).where(
                clause(Event.case_id), Event.kind.in_(FOLLOW_UP_KINDS)
            )
        ):
            events[e.case_id].append(e)
    for c in cases:
        case_contribution(c, c.timezone, services[c.id], events[c.id], out)
    return out


def _cases(conn, case_ids: set[int], with_events: bool = True) -> Counter:
    out = Counter()
    ids = sorted(i for i in case_ids if i is not None)
    for lo in range(0, len(ids), CHUNK):
        out.update(_case_contributions(conn, Case.id.in_(ids[lo : lo + CHUNK]), with_events=with_events))
    return out


def _events(conn, event_ids: set[int]) -> Counter:
    """Contributions of single follow-ups (their case's unit and zone), without their cases."""
    out = Counter()
    ids = sorted(i for i in event_ids if i is not None)
    for lo in range(0, len(ids), CHUNK):
        rows = conn.execute(
            select(*[getattr(Event, f) for f in EVENT_FIELDS], Case.unit_id, Unit.timezone)
            .join(Case, Case.id == Event.case_id)
            .join(Unit, Unit.id == Case.unit_id)
            .where(Event.id.in_(ids[lo : lo + CHUNK]), Event.kind.in_(FOLLOW_UP_KINDS))
        ).all()
        for e in rows:
            follow_up_contribution(e.unit_id, e.timezone, [e], out)
    return out


def _survey_contributions(conn, where) -> Counter:
    out = Counter()
    for s in conn.execute(
        select(
            Survey.unit_id, Survey.submitted_at, *[getattr(Survey, c) for c in SURVEY_CODES], Unit.timezone
        )
        .join(Unit, Unit.id == Survey.unit_id)
        .where(where, Survey.submitted_at.is_not(None))
    ):
        out.update(survey_contribution(s, s.timezone))
    return out


def _surveys(conn, survey_ids: set[int]) -> Counter:
    out = Counter()
    ids = sorted(i for i in survey_ids if i is not None)
    for lo in range(0, len(ids), CHUNK):
        out.update(_survey_contributions(conn, Survey.id.in_(ids[lo : lo + CHUNK])))
    return out


# ---------------------------------------------------------------- writing


def _insert(conn):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def add(conn, delta: Counter) -> None:
    """Add `delta` ({(unit, day, metric, key): n}) to both tables. Rows are written in key order, so
    two transactions adding to the same rows lock them in the same order (no deadlock)."""
    months = Counter()
    for (unit, day, metric, key), n in delta.items():
        if n and metric not in DISTINCT_METRICS:
            months[(unit, day.replace(day=1), metric, key)] += n
    days = sorted((k, n) for k, n in delta.items() if n)
    insert = _insert(conn)
    for table, column, rows in (
        (StatDay.__table__, "day", days),
        (StatMonth.__table__, "month", sorted((k, n) for k, n in months.items() if n)),
    ):
        if not rows:
            continue
        stmt = insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=["unit_id", column, "metric", "key"], set_={"n": table.c.n + stmt.excluded.n}
        )
        conn.execute(
            stmt,
            [{"unit_id": u, column: d, "metric": m, "key": k, "n": n} for (u, d, m, k), n in rows],
        )


def rebuild(conn, unit_ids: list[int] | None = None, batch: int = 20_000) -> None:
    """Recompute the totals from the cases and surveys (all units, or the ones given).

    Cases are read in id ranges (index range scans of the cases, their services and follow-ups);
    each range's day totals are bulk-written to a temporary table and summed into stat_day once at
    the end, so memory holds one range at a time; the monthly totals are few and kept in memory."""
    for table in (StatDay.__table__, StatMonth.__table__):
        stmt = delete(table)
        if unit_ids is not None:
            stmt = stmt.where(table.c.unit_id.in_(unit_ids))
        conn.execute(stmt)
    conn.exec_driver_sql(
        "CREATE TEMPORARY TABLE stat_staging (unit_id INTEGER, day DATE, metric VARCHAR(12), "
        "key VARCHAR(30), n INTEGER)"
    )
    months = Counter()
    unit_clause = Case.unit_id.in_(unit_ids) if unit_ids is not None else true()
    lo, hi = conn.execute(select(func.min(Case.id), func.max(Case.id))).one()
    for start in range(lo or 0, (hi or -1) + 1, batch):
        end = start + batch - 1
        totals = _case_contributions(
            conn,
            and_(unit_clause, Case.id.between(start, end)),
            lambda col, a=start, b=end: col.between(a, b),
        )
        _copy_rows(conn, "stat_staging", "day", totals, months)
    survey_clause = Survey.unit_id.in_(unit_ids) if unit_ids is not None else true()
    _copy_rows(conn, "stat_staging", "day", _survey_contributions(conn, survey_clause), months)
    whole = unit_ids is None and conn.dialect.name == "postgresql"
    if whole:  # one sort and one index build instead of a million index insertions
        conn.exec_driver_sql("SET LOCAL work_mem = '256MB'")
        conn.exec_driver_sql("DROP INDEX ix_stat_day_metric")
        conn.exec_driver_sql("ALTER TABLE stat_day DROP CONSTRAINT stat_day_pkey")
    conn.exec_driver_sql(
        "INSERT INTO stat_day (unit_id, day, metric, key, n) SELECT unit_id, day, metric, key, SUM(n) "
        "FROM stat_staging GROUP BY unit_id, day, metric, key HAVING SUM(n) <> 0"
    )
    if whole:
        conn.exec_driver_sql(
            "ALTER TABLE stat_day ADD CONSTRAINT stat_day_pkey PRIMARY KEY (unit_id, day, metric, key)"
        )
        conn.exec_driver_sql("CREATE INDEX ix_stat_day_metric ON stat_day (metric, unit_id, day, key, n)")
    conn.exec_driver_sql("DROP TABLE stat_staging")
    _copy_rows(conn, "stat_month", "month", months)
    if whole:
        conn.exec_driver_sql("ANALYZE stat_day")
        conn.exec_driver_sql("ANALYZE stat_month")


def _copy_rows(conn, table: str, column: str, totals: Counter, months: Counter | None = None) -> None:
    """Bulk-write {(unit, day, metric, key): n} (COPY on PostgreSQL, executemany on SQLite), and
    add the rows' monthly totals to `months` when given."""
    pg = conn.dialect.name == "postgresql"
    values = []
    for (u, d, m, k), n in totals.items():
        if not n:
            continue
        values.append((u, d if pg else d.isoformat(), m, k, n))
        if months is not None and m not in DISTINCT_METRICS:
            months[(u, d.replace(day=1), m, k)] += n
    if not values:
        return
    columns = f"unit_id, {column}, metric, key, n"
    if pg:
        with conn.connection.dbapi_connection.cursor() as cur:
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
    else:
        conn.exec_driver_sql(f"INSERT INTO {table} ({columns}) VALUES (?, ?, ?, ?, ?)", values)


# ---------------------------------------------------------------- keeping them up to date


def _changed(obj, fields) -> bool:
    state = inspect(obj)
    return any(state.attrs[f].history.has_changes() for f in fields)


def _old(obj, field):
    history = inspect(obj).attrs[field].history
    return history.deleted[0] if history.deleted else getattr(obj, field)


@event.listens_for(Session, "before_flush")
def _before_flush(session, _context, _instances):
    """Note what the flush touches and measure it as the database holds it now.

    A case whose unit changes is measured whole (its follow-ups move with it); a case whose other
    fields change is measured without its follow-ups; a follow-up added, edited or removed is
    measured on its own, so logging a follow-up costs the same however long the timeline is."""
    whole, bare, events, surveys, units, applicants, new = set(), set(), set(), set(), set(), set(), []
    with session.no_autoflush:
        for obj in session.dirty | session.deleted:
            gone = obj in session.deleted
            if isinstance(obj, Case):
                if gone or _changed(obj, ("unit_id", "unit")):  # set by id or by relationship
                    whole.add(obj.id)
                elif _changed(obj, CASE_FIELDS):
                    bare.add(obj.id)
            elif isinstance(obj, Event) and (gone or _changed(obj, EVENT_FIELDS)):
                if obj.kind in FOLLOW_UP_KINDS or _old(obj, "kind") in FOLLOW_UP_KINDS:
                    if _changed(obj, ("case_id", "case")):  # moved to another case: measure both whole
                        whole.update({obj.case_id, _old(obj, "case_id"), getattr(obj.case, "id", None)})
                    else:
                        events.add((obj.id, obj.case_id))
            elif isinstance(obj, CaseService):
                bare.add(obj.case_id)
            elif isinstance(obj, Survey) and (gone or _changed(obj, SURVEY_FIELDS)):
                surveys.add(obj.id)
            elif isinstance(obj, Unit) and _changed(obj, ("timezone",)):
                units.add(obj.id)
            elif isinstance(obj, Applicant) and obj.id is not None and _changed(obj, ("kind", "nik")):
                applicants.add(obj.id)
        for obj in session.new:
            if isinstance(obj, Event | Case | Survey):
                new.append(obj)
            elif isinstance(obj, CaseService) and obj.case_id is not None:
                bare.add(obj.case_id)
    if applicants:  # a corrected NIK or kind changes what each of their cases counts
        bare.update(
            session.connection().execute(select(Case.id).where(Case.applicant_id.in_(applicants))).scalars()
        )
    whole.discard(None)
    bare -= whole | {None}
    events = {event_id for event_id, case_id in events if case_id not in whole}
    surveys.discard(None)
    if not (whole or bare or events or surveys or units or new):
        session.info.pop("krs_stats", None)
        return
    touched = (whole, bare, events, surveys)
    session.info["krs_stats"] = (touched, units, new, _measure(session.connection(), *touched))


def _measure(conn, whole, bare, events, surveys) -> Counter:
    out = _cases(conn, whole)
    out.update(_cases(conn, bare, with_events=False))
    out.update(_events(conn, events))
    out.update(_surveys(conn, surveys))
    return out


@event.listens_for(Session, "after_flush")
def _after_flush(session, _context):
    pending = session.info.pop("krs_stats", None)
    if pending is None:
        return
    (whole, bare, events, surveys), units, new, before = pending
    new_cases = {obj.id for obj in new if isinstance(obj, Case)}
    whole |= new_cases  # ids are known now; a new case is measured with its follow-ups
    bare -= whole
    for obj in new:
        if isinstance(obj, Event) and obj.kind in FOLLOW_UP_KINDS and obj.case_id not in whole:
            events.add(obj.id)
        elif isinstance(obj, Survey):
            surveys.add(obj.id)
    conn = session.connection()
    after = _measure(conn, whole, bare, events, surveys)
    after.subtract(before)
    add(conn, after)
    if units:
        rebuild(conn, sorted(units))


TRACKED = {
    Case: Case.id,
    Event: Event.case_id,
    CaseService: CaseService.case_id,
    Survey: Survey.id,
    Applicant: Case.id,
}


@signals.cases_loaded.connect
def _cases_loaded(_sender, case_ids, **_kw) -> None:
    """Cases inserted in bulk (a backlog import) never went through a flush: add them here."""
    conn = db.session.connection()
    add(conn, _cases(conn, set(case_ids)))


@event.listens_for(Session, "do_orm_execute")
def _around_bulk_statements(state):
    """`session.execute(update(Case)…)` and friends bypass the flush: keep the totals around them."""
    if not (state.is_update or state.is_delete):
        return None
    mapper = state.bind_mapper
    cls = mapper.class_ if mapper is not None else None
    if cls is Unit:
        return _around_unit_statement(state)
    if cls not in TRACKED:
        return None
    session = state.session
    session.flush()  # pending changes first, with their own bookkeeping
    conn = session.connection()
    where = state.statement.whereclause
    if cls is Event:  # an event may move to another case: follow the event ids
        found = conn.execute(
            select(Event.id, Event.case_id).where(where)
            if where is not None
            else select(Event.id, Event.case_id)
        ).all()
        ids = {case_id for _id, case_id in found}
        event_ids = [i for i, _c in found]
    else:
        stmt = select(TRACKED[cls]).distinct()
        if cls is Applicant:  # their cases
            stmt = select(Case.id).join(Applicant, Applicant.id == Case.applicant_id)
        ids = set(conn.execute(stmt.where(where) if where is not None else stmt).scalars())
    measure = _surveys if cls is Survey else _cases
    before = measure(conn, ids)
    result = state.invoke_statement()
    if cls is Event and event_ids:
        for lo in range(0, len(event_ids), CHUNK):
            part = event_ids[lo : lo + CHUNK]
            ids.update(conn.execute(select(Event.case_id).where(Event.id.in_(part))).scalars())
    after = measure(conn, ids)
    after.subtract(before)
    add(conn, after)
    return result


def _around_unit_statement(state):
    session = state.session
    session.flush()
    result = state.invoke_statement()
    rebuild(session.connection())  # a bulk change of units (time zones): rare, recompute everything
    return result
