"""Opening a case: the core shared by the case desk (krs.cases) and outreach (krs.outreach).

Case numbers, the applicant record (found by NIK or created), the case with its due dates, its
first timeline event and its audit rows, in the caller's transaction. Whether the actor may open
cases for the unit is krs.access's answer, asked by the caller and passed in as `permitted`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from krs import audit
from krs.applicant_records import APPLICANT_FIELDS
from krs.extensions import db
from krs.models import (
    Applicant,
    ApplicantKind,
    Case,
    CaseCounter,
    CaseService,
    CaseStatus,
    Event,
    EventKind,
    Unit,
    User,
    utcnow,
)

# TODO(issue 12, merge with h1a): days_for moves to krs.service_levels; import it from there.
from krs.service_levels import due_dates
from krs.workdays import local_date

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


# ---------------------------------------------------------------- case numbers


def next_case_seq(unit_id: int, year: int, count: int = 1) -> int:
    """Atomically take the next sequence number for a unit and year (safe under concurrency).

    One upsert statement: PostgreSQL locks the counter row until the intake commits, SQLite
    serialises writers; two desks submitting at once get consecutive numbers, never the same.
    `count` > 1 takes a run of numbers at once (a backlog import, krs/imports): the last of the
    run is returned, the run being `last - count + 1 … last`.
    """
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(CaseCounter)
        .values(unit_id=unit_id, year=year, last_seq=count)
        .on_conflict_do_update(
            index_elements=["unit_id", "year"], set_={"last_seq": CaseCounter.last_seq + count}
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


def find_applicant_by_nik(nik: str, unit_id: int) -> Applicant | None:
    """The applicant with this NIK held by this office, if any.

    Applicants are held per office (DESIGN.md §3): a record of another office is never returned,
    so a desk never learns that another office knows the household, let alone its data."""
    stmt = select(Applicant).where(Applicant.created_by_unit_id == unit_id, Applicant.nik == nik)
    return db.session.execute(stmt).scalar_one_or_none()


def applicant_for_unit(actor: User, applicant: Applicant, unit: Unit) -> Applicant:
    """The record `unit` holds of this applicant, for a case that moves there (a transfer).

    Individuals are held per office: the receiving office reuses its own record with the same NIK
    if it has one (as it is), else gets its own copy of the one the case came with. The giving
    office keeps its record untouched. Groups have no NIK and keep their members: they stay one
    record, as before."""
    if applicant.kind == ApplicantKind.GROUP or applicant.created_by_unit_id == unit.id:
        return applicant
    own = find_applicant_by_nik(applicant.nik, unit.id) if applicant.nik else None
    if own is not None:
        return own
    copy = Applicant(created_by_unit_id=unit.id)
    for name in ["kind", "nik", "consent_given", "consent_at", *APPLICANT_FIELDS]:
        setattr(copy, name, getattr(applicant, name))
    db.session.add(copy)
    db.session.flush()
    created = {"name": copy.name, "copied_from": applicant.id}
    audit.record(actor, "applicant.create", "applicant", copy.id, None, created)
    return copy


def open_case(
    actor: User,
    unit: Unit,
    applicant_data: dict,
    case_data: dict,
    existing: Applicant | None = None,
    commit: bool = True,
    *,
    permitted: bool,
) -> IntakeResult:
    """Register an applicant (or reuse this office's one with the same NIK) and open a case.

    A NIK held only by another office starts this office's own record from `applicant_data`
    (what the applicant says now); nothing is read from the other office's record.

    `permitted` is the caller's answer from krs.access: `access.can_intake_case(actor, unit.id)`.

    Groups (kind="group") have no NIK of their own: a new group is always a new applicant, and a
    further case of a known group passes it as `existing`. `commit=False` leaves the transaction
    open for a caller that links the case to more records (an outreach session) before committing.

    Two desks registering the same new household at the same moment both find no applicant;
    the second insert then breaks the unique (office, NIK). It is retried once, now reusing the applicant
    the first desk created, so both cases are kept and neither desk sees an error.
    """
    args = (actor, unit, applicant_data, case_data, existing, commit, permitted)
    if not commit:
        return _open_case(*args)  # the caller owns the transaction (and its retry)
    try:
        return _open_case(*args)
    except IntegrityError:
        db.session.rollback()
        nik = applicant_data.get("nik")
        if not nik or find_applicant_by_nik(nik, unit.id) is None:
            raise
        return _open_case(*args)


def _open_case(
    actor: User,
    unit: Unit,
    applicant_data: dict,
    case_data: dict,
    existing: Applicant | None,
    commit: bool,
    permitted: bool,
) -> IntakeResult:
    if not permitted:
        raise CaseError(_l("Anda tidak dapat mencatat kasus untuk unit ini."))
    if not applicant_data.get("consent_given"):
        raise CaseError(_l("Persetujuan pemrosesan data pribadi wajib diberikan."))
    services = [str(s) for s in case_data.get("service_types") or []]
    if not services:
        raise CaseError(_l("Pilih minimal satu jenis layanan."))

    now = utcnow()
    applicant = existing
    if applicant is None and applicant_data.get("nik"):
        applicant = find_applicant_by_nik(applicant_data["nik"], unit.id)
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
    created = {"reused_applicant": reused}
    db.session.add(Event(case=case, kind=EventKind.CREATED, author_id=actor.id, data=created))
    audit.record(actor, "case.create", "case", case.id, None, {"number": case.number, "unit": unit.code})
    if not reused:
        audit.record(actor, "applicant.create", "applicant", applicant.id, None, {"name": applicant.name})
    if commit:
        db.session.commit()
    return IntakeResult(case, reused)
