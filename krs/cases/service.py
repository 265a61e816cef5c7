"""Business rules of the case desk: intake, assignment, follow-up, closure.

Every function takes the acting user, changes the case, writes a timeline event and an audit row
in the same transaction, and commits. Authorisation has been decided by krs.access before; the
functions here check only the lifecycle (which status allows what) and the optimistic lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from krs import access, applicant_records, audit, signals
from krs.extensions import db
from krs.intake import HOUSE_FIELDS, CaseError, IntakeResult, open_case
from krs.models import (
    OPEN_STATUSES,
    Applicant,
    Attachment,
    AttachmentKind,
    Case,
    CaseService,
    CaseStatus,
    Event,
    EventKind,
    Outcome,
    Unit,
    User,
    utcnow,
)

CASE_AUDIT_FIELDS = ["status", "assignee_id", "outcome", "closure_summary", "unit_id", "version"]


class ConflictError(CaseError):
    """The case changed since the form was opened."""

    def __init__(self):
        super().__init__(
            _l(
                "Kasus ini baru saja diubah oleh pengguna lain. Perubahan Anda tidak disimpan; "
                "muat ulang halaman untuk melihat data terbaru lalu ulangi."
            )
        )


NO_OWNER_FOR_CLOSURE = _l(
    "Kasus ini belum memiliki petugas. Ambil kasus atau minta supervisor menugaskannya, "
    "lalu ajukan penutupan."
)

# ---------------------------------------------------------------- intake


def open_cases_of(user: User, applicant: Applicant) -> list[Case]:
    stmt = (
        access.cases_visible_to(user)
        .where(Case.applicant_id == applicant.id, Case.status.in_(OPEN_STATUSES))
        .order_by(Case.created_at.desc())
    )
    return list(db.session.scalars(stmt))


def intake(
    actor: User,
    unit: Unit,
    applicant_data: dict,
    case_data: dict,
    existing: Applicant | None = None,
    commit: bool = True,
) -> IntakeResult:
    """Register an applicant (or reuse the one with the same NIK) and open a case for them, if
    the actor may open cases for the unit (krs.intake.open_case says the rest)."""
    permitted = access.can_intake_case(actor, unit.id)
    return open_case(actor, unit, applicant_data, case_data, existing, commit, permitted=permitted)


def intake_with_new_data(
    actor: User, unit: Unit, applicant_data: dict, case_data: dict, applicant: Applicant
) -> IntakeResult:
    """A returning applicant of this office whose phone, address, ... changed, the desk having
    confirmed the changes: the case is opened and the record corrected in one transaction, with
    the same trail as an edit (a timeline event on the new case, an audit row with the reason)."""
    result = intake(actor, unit, applicant_data, case_data, existing=applicant, commit=False)
    db.session.flush()
    reason = str(_l("Data baru dari pemohon saat penerimaan kasus %(number)s", number=result.case.number))
    new_values = {
        name: value for name, _old, value in applicant_records.returning_changes(applicant, applicant_data)
    }
    if new_values:
        applicant_records.edit_applicant(
            actor,
            applicant,
            new_values,
            reason,
            None,
            action="applicant.update_at_intake",
            event_cases=[result.case],
            commit=False,
        )
    db.session.commit()
    return result


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

    `then` (sending a signal: the notifications' receivers) runs after the case's own UPDATE is
    flushed: their queries would otherwise autoflush that UPDATE outside this guard, and a lost
    race would surface as a 500."""
    try:
        db.session.flush()
        if then is not None:
            then()
        audit.record(actor, action, "case", case.id, before, audit.snapshot(case, CASE_AUDIT_FIELDS))
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise ConflictError() from exc


def assign_case(
    actor: User, case: Case, assignee: User, expected_version: int | None = None, in_batch: bool = False
) -> Case:
    """`in_batch`: part of a bulk assignment, whose receivers hear of it once (cases_bulk_assigned)."""
    _check_version(case, expected_version)
    if case.status in (CaseStatus.CLOSED, CaseStatus.CLOSURE_REQUESTED):
        raise CaseError(
            _l("Kasus yang ditutup atau menunggu persetujuan penutupan tidak dapat ditugaskan ulang.")
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
        actor,
        case,
        "case.assign",
        before,
        then=lambda: signals.case_assigned.send(actor, case=case, assignee=assignee, in_batch=in_batch),
    )
    return case


def take_case(actor: User, case: Case, expected_version: int | None = None) -> Case:
    """Ambil kasus: staff make an unassigned case of their office their own (DESIGN.md §4)."""
    _check_version(case, expected_version)
    if case.status not in (CaseStatus.NEW, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS):
        raise CaseError(_l("Hanya kasus yang sedang berjalan yang dapat diambil."))
    if not access.can_take_case(actor, case):
        raise CaseError(_l("Kasus ini sudah memiliki petugas atau bukan kasus kantor Anda."))
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    _own(actor, case)
    _commit_change(actor, case, "case.take", before)
    return case


def _own(actor: User, case: Case) -> None:
    """The actor becomes the case's owner, with the timeline saying they took it."""
    case.assignee = actor
    if case.status == CaseStatus.NEW:
        case.status = CaseStatus.ASSIGNED
    _event(actor, case, EventKind.ASSIGNED, data={"from": None, "to": actor.full_name, "taken": True})


@dataclass
class FollowUp:
    kind: str
    body: str
    occurred_at: datetime
    duration_minutes: int | None = None
    next_action_date: date | None = None
    attachments: list = field(default_factory=list)  # krs.uploads.StoredFile
    attachment_kind: str = AttachmentKind.HOUSE  # identity documents are kept from viewers and interns
    take: bool = False  # staff on an unassigned case: take it with this follow-up ("ambil kasus ini")
    # a field visit's position (issue 16), validated by the form; kept on field visits only
    latitude: Decimal | None = None
    longitude: Decimal | None = None


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
    if follow_up.take and access.can_take_case(actor, case):
        _own(actor, case)
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
    if follow_up.kind == EventKind.FIELD_VISIT and follow_up.latitude is not None:
        event.latitude, event.longitude = follow_up.latitude, follow_up.longitude
    if case.first_response_at is None:
        case.first_response_at = occurred
    if case.status != CaseStatus.IN_PROGRESS:
        case.status = CaseStatus.IN_PROGRESS
    else:
        case.updated_at = utcnow()  # bumps the version: a follow-up is a change to the case
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
                kind=follow_up.attachment_kind,
                thumbnail_name=stored.thumbnail_name,
            )
        )
    db.session.flush()  # StaleDataError here or at commit: the caller reloads and retries
    signals.follow_up_recorded.send(actor, event=event)  # an intern's follow-up goes into their logbook
    audit.record(
        actor,
        "case.follow_up",
        "case",
        case.id,
        before,
        {
            **audit.snapshot(case, CASE_AUDIT_FIELDS),
            "event_id": event.id,
            "kind": follow_up.kind,
            **({"attachments": len(follow_up.attachments)} if follow_up.attachments else {}),
            **({"position": True} if event.latitude is not None else {}),
        },
    )
    db.session.commit()
    return event


def request_closure(actor: User, case: Case, outcome: str, summary: str, expected_version=None) -> Case:
    _check_version(case, expected_version)
    if case.status != CaseStatus.IN_PROGRESS:
        raise CaseError(_l("Penutupan hanya dapat diajukan untuk kasus yang sudah ditindaklanjuti."))
    if case.assignee_id is None:
        raise CaseError(NO_OWNER_FOR_CLOSURE)
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
        then=lambda: signals.closure_requested.send(actor, case=case),
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
    _commit_change(
        actor, case, "case.approve_closure", before, then=lambda: signals.case_closed.send(actor, case=case)
    )
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
        then=lambda: signals.closure_returned.send(actor, case=case, comment=comment),
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
    _commit_change(
        actor,
        case,
        "case.reopen",
        before,
        then=lambda: signals.case_reopened.send(actor, case=case, reason=reason),
    )
    return case


def case_viewed(user: User, case: Case) -> None:
    """Opening a case page settles what waited there for the user (the notifications' receiver)."""
    signals.case_viewed.send(user, case=case)
    # the page's user, case and applicant were loaded just now and this commit changes none of them
    # (only notification rows): keep them loaded instead of reading them all again (issue 17)
    session = db.session()
    keep, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep


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
        "request_closure": case.status == CaseStatus.IN_PROGRESS and case.assignee_id is not None,
        "approve_closure": case.status == CaseStatus.CLOSURE_REQUESTED,
        "reopen": case.status == CaseStatus.CLOSED,
        "take": case.status in (CaseStatus.NEW, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS),
    }
    return {a for a, ok in status_allows.items() if ok and access.CASE_CHECKS[a](user, case)}


def timeline(case: Case) -> list[Event]:
    stmt = (
        select(Event)
        .where(Event.case_id == case.id)
        .options(joinedload(Event.author))
        .order_by(Event.occurred_at.desc(), Event.id.desc())
    )
    return list(db.session.scalars(stmt))


# ---------------------------------------------------------------- corrections (issue 14)

EDITABLE_CASE_FIELDS = ["channel", "priority", "description", "service_types", *HOUSE_FIELDS]


def edit_case(actor: User, case: Case, data: dict, reason: str, expected_version: int | None) -> dict:
    """Correct a case's request or house data (any status: a correction is not a step of the
    lifecycle). Only the changed fields are written and audited (before/after, with the reason), a
    timeline event names them; a stale version is a conflict, never a silent overwrite. The due
    dates stay as set at intake. Returns the changed fields (name → new value)."""
    _check_version(case, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise CaseError(_l("Tuliskan alasan perubahan."))
    fields = [name for name in EDITABLE_CASE_FIELDS if name in data]
    current = {name: getattr(case, name) for name in fields}
    before, after = applicant_records.changed_fields(_Values(current), data, fields)
    if not after:
        raise CaseError(_l("Tidak ada data yang berubah."))
    if "service_types" in after:
        wanted = set(after["service_types"])
        if not wanted:
            raise CaseError(_l("Pilih minimal satu jenis layanan."))
        for service in list(case.services):
            if service.service not in wanted:
                case.services.remove(service)
        have = {s.service for s in case.services}
        case.services.extend(CaseService(service=s) for s in sorted(wanted - have))
    for name, value in after.items():
        if name != "service_types":
            setattr(case, name, value)
    case.updated_at = utcnow()  # bumps the version even when only the services changed
    _event(actor, case, EventKind.CASE_EDITED, body=reason, data={"fields": list(after)})
    try:
        db.session.flush()
        audit.record(actor, "case.edit", "case", case.id, before, {**after, "reason": reason})
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise ConflictError() from exc
    return after


class _Values:
    """Attribute access over a dict (the case's current values, services as a list)."""

    def __init__(self, values: dict):
        self.__dict__.update(values)


# the names a correction's timeline entry shows for the fields it changed
FIELD_LABELS = {
    **applicant_records.FIELD_LABELS,
    "channel": _l("Kanal"),
    "priority": _l("Prioritas"),
    "description": _l("Uraian"),
    "service_types": _l("Layanan"),
    "land_status": _l("Status tanah"),
    "floor_area_m2": _l("Luas lantai"),
    "occupants": _l("Penghuni"),
    "roof_condition": _l("Kondisi atap"),
    "wall_condition": _l("Kondisi dinding"),
    "floor_condition": _l("Kondisi lantai"),
    "water_source": _l("Air minum"),
    "sanitation": _l("Sanitasi"),
    "electricity": _l("Listrik"),
}
