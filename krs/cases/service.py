"""Business rules of the case desk: intake, assignment, follow-up, closure.

Every function takes the acting user, changes the case, writes a timeline event and an audit row
in the same transaction, and commits. Authorisation has been decided by krs.access before; the
functions here check only the lifecycle (which status allows what) and the optimistic lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, column, func, or_, select, table, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from krs import access, audit
from krs.extensions import db
from krs.models import (
    OPEN_STATUSES,
    Applicant,
    ApplicantKind,
    Case,
    CaseCounter,
    CaseService,
    CaseStatus,
    Event,
    EventKind,
    Outcome,
    ServiceType,
    Unit,
    User,
    utcnow,
)
from krs.notifications import service as notifications
from krs.pagination import Page
from krs.workdays import add_working_days, local_date, today_in
from krs.worklog import service as worklog_service

# Default service levels in working days (issue 4 makes them admin-editable reference data).
FIRST_RESPONSE_DAYS = 2
RESOLUTION_DAYS = {
    ServiceType.PROGRAM_INFO: 5,
    ServiceType.HOUSE_DESIGN: 15,
    ServiceType.COST_ESTIMATE: 10,
    ServiceType.CONSTRUCTION: 10,
    ServiceType.PERMITS: 20,
    ServiceType.FINANCING: 10,
    ServiceType.OTHER: 10,
}

CASE_AUDIT_FIELDS = ["status", "assignee_id", "outcome", "closure_summary", "unit_id", "version"]

APPLICANT_FIELDS = [
    "name",
    "phone",
    "gender",
    "birth_date",
    "address",
    "province_code",
    "regency_code",
    "district_code",
    "village_code",
    "occupation",
    "monthly_income",
    "household_size",
]
GROUP_FIELDS = ["group_kind", "contact_name", "contact_nik", "member_households"]
HOUSE_FIELDS = [
    "land_status",
    "floor_area_m2",
    "occupants",
    "roof_condition",
    "wall_condition",
    "floor_condition",
    "water_source",
    "sanitation",
    "electricity",
]


class CaseError(Exception):
    """A rule of the lifecycle refused the change; the message is for the user."""


class ConflictError(CaseError):
    """The case changed since the form was opened."""

    def __init__(self):
        super().__init__(
            _l(
                "Kasus ini baru saja diubah oleh pengguna lain. Perubahan Anda tidak disimpan; "
                "muat ulang halaman untuk melihat data terbaru lalu ulangi."
            )
        )


# ---------------------------------------------------------------- case numbers


def next_case_seq(unit_id: int, year: int) -> int:
    """Atomically take the next sequence number for a unit and year (safe under concurrency).

    One upsert statement: PostgreSQL locks the counter row until the intake commits, SQLite
    serialises writers; two desks submitting at once get consecutive numbers, never the same.
    """
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(CaseCounter)
        .values(unit_id=unit_id, year=year, last_seq=1)
        .on_conflict_do_update(
            index_elements=["unit_id", "year"], set_={"last_seq": CaseCounter.last_seq + 1}
        )
        .returning(CaseCounter.last_seq)
    )
    return db.session.execute(stmt).scalar_one()


def format_case_number(unit: Unit, year: int, seq: int) -> str:
    return f"KRS-{unit.code}-{year}-{seq:04d}"


# ---------------------------------------------------------------- intake


@dataclass
class IntakeResult:
    case: Case
    applicant_reused: bool


def find_applicant_by_nik(nik: str) -> Applicant | None:
    return db.session.execute(select(Applicant).where(Applicant.nik == nik)).scalar_one_or_none()


def open_cases_of(user: User, applicant: Applicant) -> list[Case]:
    stmt = (
        access.cases_visible_to(user)
        .where(Case.applicant_id == applicant.id, Case.status.in_(OPEN_STATUSES))
        .order_by(Case.created_at.desc())
    )
    return list(db.session.scalars(stmt))


def due_dates(unit: Unit, services: list[str], opened: datetime) -> tuple[date, date]:
    from krs.reports.sla import days_for  # admin-edited service levels (issue 4)

    start = local_date(opened, unit.timezone)
    first_days, days = days_for(services)
    return add_working_days(start, first_days), add_working_days(start, days)


def intake(
    actor: User,
    unit: Unit,
    applicant_data: dict,
    case_data: dict,
    existing: Applicant | None = None,
    commit: bool = True,
) -> IntakeResult:
    """Register an applicant (or reuse the one with the same NIK) and open a case for them.

    Groups (kind="group") have no NIK of their own: a new group is always a new applicant, and a
    further case of a known group passes it as `existing`. `commit=False` leaves the transaction
    open for a caller that links the case to more records (an outreach session) before committing.

    Two desks registering the same new household at the same moment both find no applicant;
    the second insert then breaks the unique NIK. It is retried once, now reusing the applicant
    the first desk created, so both cases are kept and neither desk sees an error.
    """
    args = (actor, unit, applicant_data, case_data, existing, commit)
    if not commit:
        return _intake(*args)  # the caller owns the transaction (and its retry)
    try:
        return _intake(*args)
    except IntegrityError:
        db.session.rollback()
        nik = applicant_data.get("nik")
        if not nik or find_applicant_by_nik(nik) is None:
            raise
        return _intake(*args)


def _intake(
    actor: User,
    unit: Unit,
    applicant_data: dict,
    case_data: dict,
    existing: Applicant | None,
    commit: bool,
) -> IntakeResult:
    if not access.can_intake_case(actor, unit.id):
        raise CaseError(_l("Anda tidak dapat mencatat kasus untuk unit ini."))
    if not applicant_data.get("consent_given"):
        raise CaseError(_l("Persetujuan pemrosesan data pribadi wajib diberikan."))
    services = [str(s) for s in case_data.get("service_types") or []]
    if not services:
        raise CaseError(_l("Pilih minimal satu jenis layanan."))

    now = utcnow()
    applicant = existing
    if applicant is None and applicant_data.get("nik"):
        applicant = find_applicant_by_nik(applicant_data["nik"])
    reused = applicant is not None
    if applicant is None:
        applicant = Applicant(created_by_unit_id=unit.id, consent_at=now)
        for name in ["kind", "nik", "consent_given", *APPLICANT_FIELDS, *GROUP_FIELDS]:
            if name in applicant_data:
                setattr(applicant, name, applicant_data[name])
        db.session.add(applicant)
    else:
        # A returning household: never a duplicate; fill in only what the record lacks.
        for name in APPLICANT_FIELDS:
            if getattr(applicant, name) in (None, "") and applicant_data.get(name) not in (None, ""):
                setattr(applicant, name, applicant_data[name])
        applicant.consent_given = True
        applicant.consent_at = now

    year = local_date(now, unit.timezone).year
    seq = next_case_seq(unit.id, year)
    first_due, resolution_due = due_dates(unit, services, now)
    case = Case(
        number=format_case_number(unit, year, seq),
        unit=unit,
        year=year,
        seq=seq,
        applicant=applicant,
        channel=case_data["channel"],
        description=case_data["description"],
        priority=case_data.get("priority") or "normal",
        status=CaseStatus.NEW,
        created_by_id=actor.id,
        created_at=now,
        first_response_due=first_due,
        resolution_due=resolution_due,
        services=[CaseService(service=s) for s in services],
    )
    for name in HOUSE_FIELDS:
        if name in case_data:
            setattr(case, name, case_data[name])
    db.session.add(case)
    db.session.flush()
    _event(actor, case, EventKind.CREATED, data={"reused_applicant": reused})
    audit.record(actor, "case.create", "case", case.id, None, {"number": case.number, "unit": unit.code})
    if not reused:
        audit.record(actor, "applicant.create", "applicant", applicant.id, None, {"name": applicant.name})
    if commit:
        db.session.commit()
    return IntakeResult(case, reused)


# ---------------------------------------------------------------- lifecycle


def _check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != case.version:
        raise ConflictError()


def _event(
    actor: User, case: Case, kind: str, body: str | None = None, data: dict | None = None, **kw
) -> Event:
    event = Event(case=case, kind=kind, author_id=actor.id, body=body, data=data, **kw)
    db.session.add(event)
    return event


def _commit_change(actor: User, case: Case, action: str, before: dict, then=None) -> None:
    """Audit the change and commit; a concurrent writer that got there first is a conflict.

    `then` (notifications) runs after the case's own UPDATE is flushed: its queries would
    otherwise autoflush that UPDATE outside this guard, and a lost race would surface as a 500."""
    try:
        db.session.flush()
        if then is not None:
            then()
        audit.record(actor, action, "case", case.id, before, audit.snapshot(case, CASE_AUDIT_FIELDS))
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise ConflictError() from exc


def assign_case(actor: User, case: Case, assignee: User, expected_version: int | None = None) -> Case:
    _check_version(case, expected_version)
    if case.status in (CaseStatus.CLOSED, CaseStatus.CLOSURE_REQUESTED):
        raise CaseError(
            _l("Kasus yang ditutup atau menunggu persetujuan tutup tidak dapat ditugaskan ulang.")
        )
    if assignee.unit_id != case.unit_id or not assignee.active:
        raise CaseError(_l("Petugas harus pengguna aktif di unit kasus ini."))
    if assignee.id == case.assignee_id:
        raise CaseError(_l("Kasus sudah ditugaskan kepada petugas ini."))
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    previous = case.assignee.full_name if case.assignee else None
    case.assignee = assignee
    if case.status == CaseStatus.NEW:
        case.status = CaseStatus.ASSIGNED
    _event(actor, case, EventKind.ASSIGNED, data={"from": previous, "to": assignee.full_name})
    _commit_change(
        actor, case, "case.assign", before, then=lambda: notifications.on_assigned(actor, case, assignee)
    )
    return case


@dataclass
class FollowUp:
    kind: str
    body: str
    occurred_at: datetime
    duration_minutes: int | None = None
    next_action_date: date | None = None
    attachments: list = field(default_factory=list)  # krs.cases.uploads.StoredFile


def add_follow_up(actor: User, case: Case, follow_up: FollowUp, attempts: int = 8) -> Event:
    """Record a follow-up. Two people logging on the same case at once do not conflict: a
    follow-up adds to the case rather than editing it, so when another writer bumped the version
    first, the case is reloaded and the follow-up written again (a 500 under load before)."""
    for attempt in range(attempts):
        try:
            return _add_follow_up_once(actor, case, follow_up)
        except StaleDataError as exc:
            db.session.rollback()
            if attempt == attempts - 1:
                raise ConflictError() from exc
    raise ConflictError()


def _add_follow_up_once(actor: User, case: Case, follow_up: FollowUp) -> Event:
    if follow_up.kind not in [k.value for k in EventKind.follow_up_kinds()]:
        raise CaseError(_l("Jenis tindak lanjut tidak dikenal."))
    if case.status not in (CaseStatus.NEW, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS):
        raise CaseError(_l("Tindak lanjut hanya dapat dicatat pada kasus yang sedang berjalan."))
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    occurred = follow_up.occurred_at
    if occurred.tzinfo is None:
        occurred = occurred.replace(tzinfo=UTC)
    occurred = occurred.astimezone(UTC)  # stored in UTC on every database
    event = _event(
        actor,
        case,
        follow_up.kind,
        body=follow_up.body,
        occurred_at=occurred,
        duration_minutes=follow_up.duration_minutes,
        next_action_date=follow_up.next_action_date,
    )
    if case.first_response_at is None:
        case.first_response_at = occurred
    if case.status != CaseStatus.IN_PROGRESS:
        case.status = CaseStatus.IN_PROGRESS
    else:
        case.updated_at = utcnow()  # bumps the version: a follow-up is a change to the case
    from krs.models import Attachment

    for stored in follow_up.attachments:
        db.session.add(
            Attachment(
                case_id=case.id,
                event=event,
                original_name=stored.original_name,
                stored_name=stored.stored_name,
                content_type=stored.content_type,
                size_bytes=stored.size_bytes,
                uploaded_by_id=actor.id,
            )
        )
    db.session.flush()  # StaleDataError here or at commit: the caller reloads and retries
    worklog_service.entry_from_follow_up(actor, event)  # an intern's follow-up goes into their logbook
    audit.record(
        actor,
        "case.follow_up",
        "case",
        case.id,
        before,
        {**audit.snapshot(case, CASE_AUDIT_FIELDS), "event_id": event.id, "kind": follow_up.kind},
    )
    db.session.commit()
    return event


def request_closure(actor: User, case: Case, outcome: str, summary: str, expected_version=None) -> Case:
    _check_version(case, expected_version)
    if case.status != CaseStatus.IN_PROGRESS:
        raise CaseError(_l("Penutupan hanya dapat diajukan untuk kasus yang sudah ditindaklanjuti."))
    if not Outcome.has(outcome):
        raise CaseError(_l("Pilih hasil layanan."))
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    case.status = CaseStatus.CLOSURE_REQUESTED
    case.outcome = outcome
    case.closure_summary = summary
    _event(actor, case, EventKind.CLOSURE_REQUESTED, body=summary, data={"outcome": outcome})
    _commit_change(
        actor,
        case,
        "case.request_closure",
        before,
        then=lambda: notifications.on_closure_requested(actor, case),
    )
    return case


def approve_closure(actor: User, case: Case, expected_version=None) -> Case:
    _check_version(case, expected_version)
    if case.status != CaseStatus.CLOSURE_REQUESTED:
        raise CaseError(_l("Kasus ini tidak sedang menunggu persetujuan penutupan."))
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    case.status = CaseStatus.CLOSED
    case.closed_at = utcnow()
    _event(actor, case, EventKind.CLOSURE_APPROVED, data={"outcome": case.outcome})
    _commit_change(actor, case, "case.approve_closure", before)
    return case


def return_closure(actor: User, case: Case, comment: str, expected_version=None) -> Case:
    _check_version(case, expected_version)
    if case.status != CaseStatus.CLOSURE_REQUESTED:
        raise CaseError(_l("Kasus ini tidak sedang menunggu persetujuan penutupan."))
    if not (comment or "").strip():
        raise CaseError(_l("Tuliskan alasan pengembalian agar petugas tahu apa yang harus dilengkapi."))
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    case.status = CaseStatus.IN_PROGRESS
    case.outcome = None
    _event(actor, case, EventKind.CLOSURE_REJECTED, body=comment)
    _commit_change(
        actor,
        case,
        "case.return_closure",
        before,
        then=lambda: notifications.on_closure_returned(actor, case, comment),
    )
    return case


def reopen_case(actor: User, case: Case, reason: str, expected_version=None) -> Case:
    _check_version(case, expected_version)
    if case.status != CaseStatus.CLOSED:
        raise CaseError(_l("Hanya kasus yang sudah ditutup yang dapat dibuka kembali."))
    if not (reason or "").strip():
        raise CaseError(_l("Tuliskan alasan membuka kembali kasus."))
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    case.status = CaseStatus.IN_PROGRESS
    case.closed_at = None
    case.outcome = None
    _event(actor, case, EventKind.REOPENED, body=reason)
    _commit_change(actor, case, "case.reopen", before)
    return case


def reveal_nik(actor: User, case: Case) -> str:
    """The applicant's full NIK, for a role that may see it; every reveal is audited.

    Pages show the NIK masked; logging each explicit reveal (not each page view) keeps the log
    a true record of who looked at which NIK without drowning it.
    """
    applicant = case.applicant
    audit.record(actor, "applicant.reveal_nik", "applicant", applicant.id, None, {"case": case.number})
    db.session.commit()
    return applicant.nik or ""


def available_actions(user: User, case: Case) -> set[str]:
    """What the case page offers this user now: the role (access) and the status (lifecycle)."""
    status_allows = {
        "assign": case.status in (CaseStatus.NEW, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS),
        "follow_up": case.status in (CaseStatus.NEW, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS),
        "request_closure": case.status == CaseStatus.IN_PROGRESS,
        "approve_closure": case.status == CaseStatus.CLOSURE_REQUESTED,
        "reopen": case.status == CaseStatus.CLOSED,
    }
    return {a for a, ok in status_allows.items() if ok and access.CASE_CHECKS[a](user, case)}


# ---------------------------------------------------------------- lists


@dataclass
class CaseFilters:
    q: str = ""
    status: str = ""
    service: str = ""
    channel: str = ""
    assignee: str = ""  # user id, or "none" for unassigned
    view: str = ""  # mine | unassigned | overdue | all
    unit: str = ""
    page: int = 1
    sla: str = ""  # on_time | due_soon | overdue (open cases against their resolution due date)


def default_view(user: User) -> str:
    return access.default_case_view(user)


def _id_or_none(value: str) -> int | None:
    """An id typed in a query string: ASCII digits that fit a database integer, else None
    ('²'.isdigit() is true but int() refuses it; 20 digits overflow PostgreSQL's integer)."""
    if value and len(value) <= 9 and value.isascii() and value.isdigit():
        return int(value)
    return None


def filtered_cases(user: User, f: CaseFilters):
    """The scoped statement for a case list with its filters (shared by the list and exports)."""
    stmt = access.cases_visible_to(user)
    if f.view == "mine":
        stmt = stmt.where(Case.assignee_id == user.id, Case.status != CaseStatus.CLOSED)
    elif f.view == "unassigned":
        stmt = stmt.where(Case.assignee_id.is_(None), Case.status != CaseStatus.CLOSED)
    elif f.view == "overdue":
        stmt = stmt.where(Case.status.in_(OPEN_STATUSES), Case.resolution_due < today_in(user.unit.timezone))
    if f.sla:
        from krs.reports.sla import SLA_STATES, sla_clause

        if f.sla in SLA_STATES:
            stmt = stmt.where(sla_clause(f.sla, today_in(user.unit.timezone)))
    if CaseStatus.has(f.status):
        stmt = stmt.where(Case.status == f.status)
    if f.channel:
        stmt = stmt.where(Case.channel == f.channel)
    if ServiceType.has(f.service):
        stmt = stmt.where(
            select(CaseService.case_id)
            .where(CaseService.case_id == Case.id, CaseService.service == f.service)
            .exists()
        )
    if f.assignee == "none":
        stmt = stmt.where(Case.assignee_id.is_(None))
    elif (assignee_id := _id_or_none(f.assignee)) is not None:
        stmt = stmt.where(Case.assignee_id == assignee_id)
    if (unit_id := _id_or_none(f.unit)) is not None and access.is_national(user):
        stmt = stmt.where(Case.unit_id == unit_id)
    q = f.q.strip()
    if q:
        stmt = stmt.where(search_clause(user, q))
    return stmt


_applicant_fts = table("applicant_fts", column("rowid"), column("name"), column("phone"))


def _uses_fts(term: str) -> bool:
    return db.session.get_bind().dialect.name == "sqlite" and len(term) >= 3


def name_search_ids(q: str):
    """Ids of applicants whose name contains q (case-insensitive), through the trigram index of
    migration 0007_perf: FTS5 on SQLite, pg_trgm GIN on PostgreSQL (which serves ILIKE itself).
    Shorter than 3 characters no trigram exists and a plain ILIKE answers."""
    if _uses_fts(q):
        return select(_applicant_fts.c.rowid).where(_applicant_fts.c.name.like(f"%{q}%"))
    return select(Applicant.id).where(Applicant.name.ilike(f"%{q}%"))


def phone_search_ids(phone: str):
    if _uses_fts(phone):
        return select(_applicant_fts.c.rowid).where(_applicant_fts.c.phone.like(f"%{phone}%"))
    return select(Applicant.id).where(Applicant.phone.like(f"%{phone}%"))


def _group_contact_named(q: str):
    return and_(Applicant.kind == ApplicantKind.GROUP, Applicant.contact_name.ilike(f"%{q}%"))


def search_clause(user: User, q: str):
    """`q` of the case list: case number, applicant name (substring, any case), and for roles that
    may see personal data a 16-digit NIK (exact) or a phone number (substring).

    Each part is one indexed lookup and the case ids are their union: names and phones by the
    trigram index, NIK by its unique index, case numbers by pg_trgm on PostgreSQL (on SQLite the
    number index is scanned, and only for queries with a digit or a dash that could be part of a
    number: a name never matches `KRS-<UNIT>-<YEAR>-<SEQ>`, a 9+ digit NIK or phone never does)."""
    digits = q.replace(" ", "").replace("-", "").replace("+", "")
    long_digits = digits.isdigit() and len(digits) > 8
    could_be_number = any(ch.isdigit() or ch == "-" for ch in q) and not long_digits
    pii = digits.isdigit() and len(digits) >= 6 and access.can_search_pii(user)
    if not could_be_number and not pii and db.session.get_bind().dialect.name == "postgresql":
        # a name: a correlated EXISTS lets the planner choose — the trigram index for a rare name,
        # or walking the newest cases and stopping at the page for a very common one
        return (
            select(Applicant.id)
            .where(
                Applicant.id == Case.applicant_id,
                or_(Applicant.name.ilike(f"%{q}%"), _group_contact_named(q)),
            )
            .exists()
        )
    # groups are found by their contact person too (issue 8): few rows, through the kind index
    applicant_sets = [name_search_ids(q), select(Applicant.id).where(_group_contact_named(q))]
    if digits.isdigit() and access.can_search_pii(user):
        if len(digits) == 16:
            applicant_sets.append(select(Applicant.id).where(Applicant.nik == digits))
            applicant_sets.append(select(Applicant.id).where(Applicant.contact_nik == digits))
        elif len(digits) >= 6:
            phone = "0" + digits[2:] if digits.startswith("62") else digits
            applicant_sets.append(phone_search_ids(phone))
    parts = [select(Case.id).where(Case.applicant_id.in_(union_all(*applicant_sets)))]
    if could_be_number:
        parts.append(select(Case.id).where(Case.number.ilike(f"%{q}%")))
    return Case.id.in_(union_all(*parts) if len(parts) > 1 else parts[0])


# A count past this many rows only says "more than 10.000": counting stays bounded however large the
# table grows, and so does the last page a user can open (offset at most COUNT_CAP).
COUNT_CAP = 10_000


@dataclass
class CappedPage(Page):
    capped: bool = False
    open_ended: bool = False  # a search: no total, only whether another page follows

    @property
    def pages(self) -> int:
        if self.open_ended:
            return self.page + (1 if self.capped else 0)
        return max(1, -(-min(self.total, COUNT_CAP) // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def list_cases(user: User, f: CaseFilters, per_page: int = 25) -> Page:
    """One page of the list: a count capped at COUNT_CAP + 1, the page's ids from the filter and
    sort indexes alone, then those rows with their applicant, assignee and unit (3 statements,
    plus one for the services, whatever the page size; a search needs one statement less)."""
    stmt = filtered_cases(user, f).order_by(None)
    newest_first = (Case.created_at.desc(), Case.id.desc())
    if f.q.strip():
        # a search: no total — only this page and whether another follows (LIMIT page × size + 1),
        # so a very common name stops after one page instead of counting every match
        wanted = min(f.page, COUNT_CAP // per_page) * per_page + 1
        matches = list(
            db.session.scalars(stmt.with_only_columns(Case.id).order_by(*newest_first).limit(wanted))
        )
        page = min(max(1, f.page), max(1, -(-len(matches) // per_page)))
        ids = matches[(page - 1) * per_page : page * per_page]
        more = len(matches) > page * per_page
        rows = _load_page(ids)
        return CappedPage(
            rows, (page - 1) * per_page + len(ids), page, per_page, capped=more, open_ended=True
        )
    else:
        counted = db.session.scalar(
            select(func.count()).select_from(stmt.with_only_columns(Case.id).limit(COUNT_CAP + 1).subquery())
        )
        page = min(max(1, f.page), max(1, -(-min(counted, COUNT_CAP) // per_page)))
        ids = list(
            db.session.scalars(
                stmt.with_only_columns(Case.id)
                .order_by(*newest_first)
                .limit(per_page)
                .offset((page - 1) * per_page)
            )
        )
    rows = _load_page(ids)
    return CappedPage(rows, min(counted or 0, COUNT_CAP), page, per_page, capped=counted > COUNT_CAP)


def _load_page(ids: list[int]) -> list[Case]:
    """The page's cases, in the order of ids, with applicant, assignee and unit in one statement."""
    if not ids:
        return []
    loaded = db.session.scalars(
        select(Case)
        .where(Case.id.in_(ids))
        .options(joinedload(Case.applicant), joinedload(Case.assignee), joinedload(Case.unit))
    ).unique()
    by_id = {c.id: c for c in loaded}
    return [by_id[i] for i in ids if i in by_id]


def sla_state(case: Case, today: date) -> str:
    """on_time | due_soon | overdue | done, against the resolution due date."""
    return sla_state_of(case.status, case.resolution_due, today)


def sla_state_of(status: str, resolution_due: date | None, today: date) -> str:
    """`sla_state` from the two columns it reads (exports stream plain rows, not Case objects)."""
    if status == CaseStatus.CLOSED or resolution_due is None:
        return "done"
    if resolution_due < today:
        return "overdue"
    if (resolution_due - today).days <= 2:
        return "due_soon"
    return "on_time"


def timeline(case: Case) -> list[Event]:
    stmt = (
        select(Event)
        .where(Event.case_id == case.id)
        .options(joinedload(Event.author))
        .order_by(Event.occurred_at.desc(), Event.id.desc())
    )
    return list(db.session.scalars(stmt))
