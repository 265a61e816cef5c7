"""Business rules of groups and outreach sessions, and the people served per unit a user may see.

The counting of people served (cases, households, participants) is krs.households.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from krs import access, audit, signals
from krs.extensions import db
from krs.households import ServedCounts, people_served_many
from krs.intake import CaseError, IntakeResult, find_applicant_by_nik, open_case
from krs.models import (
    Applicant,
    ApplicantKind,
    Case,
    Channel,
    GroupKind,
    GroupMember,
    OutreachAttendee,
    OutreachPhoto,
    OutreachSession,
    OutreachSessionCase,
    ServiceType,
    Unit,
    User,
    session_staff,
)
from krs.outreach.members import MemberLine, read_paste

SESSION_FIELDS = [
    "held_on",
    "duration_minutes",
    "province_code",
    "regency_code",
    "district_code",
    "village_code",
    "place",
    "topic",
    "services",
    "participants_count",
    "households_count",
    "notes",
]


class OutreachError(CaseError):
    """A rule refused the change; the message is for the user."""


# ---------------------------------------------------------------- sessions


def _check_session_data(data: dict, staff: list[User], unit: Unit, attendee_niks: list[str]) -> None:
    if any(u.unit_id != unit.id for u in staff):
        raise OutreachError(_l("Petugas yang hadir harus pengguna unit penyelenggara."))
    if data.get("households_count", 0) > data.get("participants_count", 0):
        raise OutreachError(_l("Jumlah rumah tangga tidak boleh melebihi jumlah peserta."))
    if len(set(attendee_niks)) > max(data.get("households_count", 0), 0):
        raise OutreachError(
            _l("Jumlah NIK peserta yang dicatat melebihi jumlah rumah tangga; perbaiki jumlah rumah tangga.")
        )
    bad = [s for s in data.get("services") or [] if not ServiceType.has(s)]
    if bad:
        raise OutreachError(_l("Jenis layanan tidak dikenal."))


def _session_snapshot(session: OutreachSession) -> dict:
    snap = audit.snapshot(session, SESSION_FIELDS)
    snap["staff"] = sorted(u.id for u in session.staff)
    snap["attendees"] = len(session.attendees)
    return snap


def _niks_from_cases(session: OutreachSession) -> set[str]:
    return {sc.case.applicant.nik for sc in session.session_cases if sc.case.applicant.nik}


def _set_attendees(session: OutreachSession, attendee_niks: list[str]) -> None:
    """Keep the registered attendees in line with the list (attendees from cases opened here stay)."""
    wanted = list(dict.fromkeys(attendee_niks))
    keep = set(wanted) | _niks_from_cases(session)
    session.attendees = [a for a in session.attendees if a.nik in keep]
    have = {a.nik for a in session.attendees}
    for nik in wanted:
        if nik not in have:
            session.attendees.append(OutreachAttendee(nik=nik))


def _log_for_interns(actor: User, session: OutreachSession) -> None:
    """Interns present get the session in their logbook (krs.worklog's receiver), in this transaction."""
    signals.outreach_session_saved.send(actor, session=session)


def create_session(
    actor: User, unit: Unit, data: dict, staff: list[User], attendee_niks: list[str] | None = None
) -> OutreachSession:
    if not access.can_edit_session(actor, SimpleNamespace(unit_id=unit.id)):
        raise OutreachError(_l("Anda tidak dapat mencatat sosialisasi untuk unit ini."))
    attendee_niks = attendee_niks or []
    _check_session_data(data, staff, unit, attendee_niks)
    session = OutreachSession(unit=unit, created_by_id=actor.id, staff=list(staff))
    for name in SESSION_FIELDS:
        if name in data:
            setattr(session, name, data[name])
    db.session.add(session)
    _set_attendees(session, attendee_niks)
    db.session.flush()
    audit.record(actor, "outreach.create", "outreach_session", session.id, None, _session_snapshot(session))
    _log_for_interns(actor, session)
    db.session.commit()
    return session


def update_session(
    actor: User, session: OutreachSession, data: dict, staff: list[User], attendee_niks: list[str]
) -> OutreachSession:
    opened_here = len(session.session_cases)
    if data.get("households_count", 0) < opened_here:
        raise OutreachError(
            _l("Jumlah rumah tangga tidak boleh kurang dari jumlah kasus yang dibuka di sosialisasi ini.")
        )
    _check_session_data(data, staff, session.unit, attendee_niks)
    if len(set(attendee_niks) | _niks_from_cases(session)) > data.get("households_count", 0):
        raise OutreachError(
            _l("Jumlah NIK peserta yang dicatat melebihi jumlah rumah tangga; perbaiki jumlah rumah tangga.")
        )
    before = _session_snapshot(session)
    for name in SESSION_FIELDS:
        if name in data:
            setattr(session, name, data[name])
    session.staff = list(staff)
    _set_attendees(session, attendee_niks)
    db.session.flush()
    audit.record(actor, "outreach.update", "outreach_session", session.id, before, _session_snapshot(session))
    _log_for_interns(actor, session)
    db.session.commit()
    return session


def add_photo(actor: User, session: OutreachSession, stored) -> OutreachPhoto:
    """`stored` is a krs.uploads.StoredFile already written to the upload folder."""
    photo = OutreachPhoto(
        session_id=session.id,
        original_name=stored.original_name,
        stored_name=stored.stored_name,
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        uploaded_by_id=actor.id,
    )
    db.session.add(photo)
    db.session.flush()
    audit.record(
        actor, "outreach.photo", "outreach_session", session.id, None, {"photo": photo.original_name}
    )
    db.session.commit()
    return photo


def intake_at_session(
    actor: User, session: OutreachSession, applicant_data: dict, case_data: dict
) -> IntakeResult:
    """Open a household's case at a session: channel outreach, the session's village by default,
    the case linked to the session and its applicant registered as an attendee — one transaction."""
    applicant_data = dict(applicant_data)
    for name in ("province_code", "regency_code", "district_code", "village_code"):
        if not applicant_data.get(name):
            applicant_data[name] = getattr(session, name)
    case_data = {**case_data, "channel": Channel.OUTREACH}
    try:
        permitted = access.can_intake_case(actor, session.unit.id)
        result = open_case(actor, session.unit, applicant_data, case_data, commit=False, permitted=permitted)
        db.session.add(OutreachSessionCase(session_id=session.id, case_id=result.case.id))
        nik = result.case.applicant.nik
        registered = {a.nik for a in session.attendees}
        added_attendee = False
        if nik and nik not in registered:
            session.attendees.append(OutreachAttendee(nik=nik, name=result.case.applicant.name))
            added_attendee = True
        # the session's households include every household identified there
        if len(session.attendees) > (session.households_count or 0):
            session.households_count = len(session.attendees)
        if session.households_count > (session.participants_count or 0):
            session.participants_count = session.households_count
        db.session.flush()
        audit.record(
            actor,
            "outreach.intake",
            "outreach_session",
            session.id,
            None,
            {"case": result.case.number, "attendee_added": added_attendee},
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def cases_opened_at(user: User, session: OutreachSession) -> list[Case]:
    """The cases opened at the session that the user may see (krs.access scope): an intern who was
    present, or an office that later transferred a case away, does not see the others' names."""
    stmt = (
        access.cases_visible_to(user)
        .join(OutreachSessionCase, OutreachSessionCase.case_id == Case.id)
        .where(OutreachSessionCase.session_id == session.id)
        .options(selectinload(Case.applicant), selectinload(Case.assignee))
        .order_by(Case.id.desc())
    )
    return list(db.session.scalars(stmt))


@dataclass
class SessionFilters:
    unit: str = ""
    start: date | None = None
    end: date | None = None


def list_sessions(user: User, f: SessionFilters, limit: int = 100) -> list[OutreachSession]:
    stmt = access.sessions_visible_to(user)
    # ASCII digits that fit a database integer ("²" passes isdigit(); 20 digits overflow PostgreSQL)
    if f.unit.isascii() and f.unit.isdigit() and len(f.unit) <= 9 and access.is_national(user):
        stmt = stmt.where(OutreachSession.unit_id == int(f.unit))
    if f.start:
        stmt = stmt.where(OutreachSession.held_on >= f.start)
    if f.end:
        stmt = stmt.where(OutreachSession.held_on <= f.end)
    stmt = stmt.options(
        selectinload(OutreachSession.unit),
        selectinload(OutreachSession.staff),
        selectinload(OutreachSession.session_cases),
    ).order_by(OutreachSession.held_on.desc(), OutreachSession.id.desc())
    return list(db.session.scalars(stmt.limit(limit)))


# ---------------------------------------------------------------- the logbook hook


@dataclass
class AttendedSession:
    session_id: int
    held_on: date
    duration_minutes: int
    topic: str
    place: str
    unit_id: int


def sessions_attended_by(user: User, start: date, end: date) -> list[AttendedSession]:
    """The outreach sessions a user (an intern) was recorded as present at, start..end inclusive,
    oldest first: what the logbook shows as the intern's outreach work."""
    stmt = (
        select(OutreachSession)
        .join(session_staff, session_staff.c.session_id == OutreachSession.id)
        .where(
            session_staff.c.user_id == user.id,
            OutreachSession.held_on >= start,
            OutreachSession.held_on <= end,
        )
        .order_by(OutreachSession.held_on, OutreachSession.id)
    )
    return [
        AttendedSession(s.id, s.held_on, s.duration_minutes, s.topic, s.place, s.unit_id)
        for s in db.session.scalars(stmt)
    ]


# ---------------------------------------------------------------- groups


def create_group(
    actor: User,
    unit: Unit,
    group_data: dict,
    case_data: dict,
    members: list[tuple[str, str | None]] | None = None,
) -> IntakeResult:
    """Register a group applicant and open its first case (the same lifecycle as any case)."""
    if not GroupKind.has(group_data.get("group_kind")):
        raise OutreachError(_l("Pilih jenis kelompok."))
    data = {**group_data, "kind": ApplicantKind.GROUP, "nik": None}
    try:
        permitted = access.can_intake_case(actor, unit.id)
        result = open_case(actor, unit, data, case_data, commit=False, permitted=permitted)
        for name, nik in members or []:
            db.session.add(GroupMember(group_id=result.case.applicant_id, name=name, nik=nik or None))
        if members:
            audit.record(
                actor, "group.members", "applicant", result.case.applicant_id, None, {"added": len(members)}
            )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def open_group_case(actor: User, unit: Unit, group: Applicant, case_data: dict) -> IntakeResult:
    if group.kind != ApplicantKind.GROUP:
        raise OutreachError(_l("Pemohon ini bukan kelompok."))
    permitted = access.can_intake_case(actor, unit.id)
    return open_case(actor, unit, {"consent_given": True}, case_data, existing=group, permitted=permitted)


def add_member(actor: User, group: Applicant, name: str, nik: str | None) -> GroupMember:
    if nik and db.session.scalar(
        select(func.count()).where(GroupMember.group_id == group.id, GroupMember.nik == nik)
    ):
        raise OutreachError(_l("NIK ini sudah tercatat sebagai anggota kelompok."))
    member = GroupMember(group_id=group.id, name=name, nik=nik or None)
    db.session.add(member)
    db.session.flush()
    audit.record(actor, "group.member_add", "applicant", group.id, None, {"member": name})
    db.session.commit()
    return member


MEMBER_FIELDS = ["name", "nik"]


def member_niks(group: Applicant, leave_out: GroupMember | None = None) -> set[str]:
    stmt = select(GroupMember.nik).where(GroupMember.group_id == group.id, GroupMember.nik.is_not(None))
    if leave_out is not None:
        stmt = stmt.where(GroupMember.id != leave_out.id)
    return set(db.session.scalars(stmt))


def preview_members(group: Applicant, text: str) -> list[MemberLine]:
    """A pasted list read line by line against the group's members: nothing is saved."""
    return read_paste(text, member_niks(group))


def add_pasted_members(actor: User, group: Applicant, text: str) -> list[GroupMember]:
    """Save a pasted list the desk has seen in the preview; refused whole while any line is wrong."""
    lines = preview_members(group, text)
    if not any(line.ok for line in lines):
        raise OutreachError(_l("Tidak ada baris anggota yang dapat disimpan."))
    if any(line.error for line in lines):
        raise OutreachError(_l("Perbaiki baris yang salah dulu; belum ada yang disimpan."))
    added = [GroupMember(group_id=group.id, name=line.name, nik=line.nik) for line in lines if line.ok]
    db.session.add_all(added)
    db.session.flush()
    audit.record(
        actor,
        "group.member_paste",
        "applicant",
        group.id,
        None,
        {"added": [audit.snapshot(m, MEMBER_FIELDS) for m in added]},
    )
    db.session.commit()
    return added


def member_of(group: Applicant, member_id: int) -> GroupMember | None:
    return db.session.scalar(
        select(GroupMember).where(GroupMember.id == member_id, GroupMember.group_id == group.id)
    )


def update_member(
    actor: User, group: Applicant, member: GroupMember, name: str, nik: str | None
) -> GroupMember:
    """Correct a member's name or NIK (`nik` None keeps it; "" removes it)."""
    name = (name or "").strip()
    if not name:
        raise OutreachError(_l("Nama anggota kosong."))
    if nik and nik in member_niks(group, leave_out=member):
        raise OutreachError(_l("NIK ini sudah tercatat sebagai anggota kelompok."))
    before = audit.snapshot(member, MEMBER_FIELDS)
    member.name = name[:150]
    if nik is not None:
        member.nik = nik or None
    after = audit.snapshot(member, MEMBER_FIELDS)
    if after != before:
        audit.record(actor, "group.member_update", "applicant", group.id, before, after)
    db.session.commit()
    return member


def remove_member(actor: User, group: Applicant, member: GroupMember) -> None:
    before = {"id": member.id, **audit.snapshot(member, MEMBER_FIELDS)}
    db.session.delete(member)
    audit.record(actor, "group.member_remove", "applicant", group.id, before, None)
    db.session.commit()


def members_of(group: Applicant) -> list[GroupMember]:
    return list(
        db.session.scalars(
            select(GroupMember).where(GroupMember.group_id == group.id).order_by(GroupMember.id)
        )
    )


def group_contact(user: User, group: Applicant) -> Applicant | None:
    """The contact person as an individual applicant of the group's office, found by NIK
    (DESIGN.md §3), when the user may see that record; never another office's record."""
    if not group.contact_nik:
        return None
    contact = find_applicant_by_nik(group.contact_nik, group.created_by_unit_id)
    if contact is None:
        return None
    return contact if access.can_view_applicant(user, contact) else None


def group_cases(user: User, group: Applicant) -> list[Case]:
    stmt = (
        access.cases_visible_to(user)
        .where(Case.applicant_id == group.id)
        .options(selectinload(Case.assignee), selectinload(Case.unit))
        .order_by(Case.created_at.desc())
    )
    return list(db.session.scalars(stmt))


def group_sessions(user: User, group: Applicant) -> list[OutreachSession]:
    """Sessions the group took part in: a case of the group was opened there, or its contact
    person or a listed member was registered among the attendees."""
    niks = [n for n in [group.contact_nik, *(m.nik for m in members_of(group))] if n]
    opened_here = (
        select(OutreachSessionCase.session_id)
        .join(Case, Case.id == OutreachSessionCase.case_id)
        .where(Case.applicant_id == group.id)
    )
    clauses = [OutreachSession.id.in_(opened_here)]
    if niks:
        clauses.append(
            OutreachSession.id.in_(select(OutreachAttendee.session_id).where(OutreachAttendee.nik.in_(niks)))
        )
    stmt = (
        access.sessions_visible_to(user)
        .where(or_(*clauses))
        .options(selectinload(OutreachSession.unit))
        .order_by(OutreachSession.held_on.desc())
    )
    return list(db.session.scalars(stmt))


def list_groups(user: User, q: str = "", limit: int = 100) -> list[Applicant]:
    stmt = access.groups_visible_to(user)
    q = q.strip()
    if q:
        stmt = stmt.where(or_(Applicant.name.ilike(f"%{q}%"), Applicant.contact_name.ilike(f"%{q}%")))
    return list(db.session.scalars(stmt.order_by(Applicant.name).limit(limit)))


# ---------------------------------------------------------------- people served


def served_by_unit(user: User, start: date, end: date) -> list[tuple[Unit, ServedCounts]]:
    """The figures per unit the user may report on (national roles: every unit; interns: none)."""
    if user.role == access.INTERN:
        return []
    return people_served_many(list(access.units_visible_to(user)), start, end)


def default_period(user: User) -> tuple[date, date]:
    today = datetime.now(ZoneInfo(user.unit.timezone)).date()
    return date(today.year, 1, 1), today
