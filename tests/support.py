"""Builders shared by the tests: plain functions and constants, no fixtures (tests/conftest.py
holds the fixtures and builds them from here). Import what you need: `from tests.support import
login, valid_nik`.

- the test database: dropping and emptying it, a client with a fresh app context per request;
- units, accounts, signing in, applicants and cases driven through the real services;
- outreach sessions and groups;
- the authorisation walk's world and the URL of every rule for a record of one unit (used by
  tests/views/test_authorisation_walk.py and the security walks);
- counting SQL statements, a fingerprint of the whole database, the forms on a rendered page;
- signing in and out in the browser tests.
"""

from __future__ import annotations

import hashlib
import io
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import event, select, text
from werkzeug.security import generate_password_hash

from krs import applicant_records, public_links
from krs.auth import service as auth_service
from krs.cases import service as case_service
from krs.cases import transfer
from krs.extensions import db
from krs.models import (
    Agency,
    Applicant,
    ApplicantMerge,
    Attachment,
    Case,
    CaseStatus,
    CaseTransfer,
    Design,
    DesignFile,
    Event,
    EventKind,
    GroupMember,
    ImportBatch,
    ImportStatus,
    OutreachSession,
    OutreachSessionCase,
    Placement,
    RabTemplateLine,
    Referral,
    Role,
    Survey,
    Unit,
    User,
    UserSession,
    WeekStatus,
    WorkLogEntry,
    WorkWeek,
)
from krs.outreach import service as outreach_service
from krs.referrals import service as referral_service
from krs.storage import get_storage
from krs.surveys.service import new_token
from krs.uploads import StoredFile
from krs.worklog.service import today_for, week_start_of

# ---------------------------------------------------------------- the test database


def drop_everything() -> None:
    db.session.remove()
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.metadata.drop_all(db.engine)
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def empty_all_tables() -> None:
    db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


class IsolatedClient(FlaskClient):
    """Tests keep an app context open, and Flask would reuse it (its `g` and its database
    session) for test requests. Each request gets a fresh app context instead, as in production:
    its own session and identity map, no signed-in user left in `g` from the previous request."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


# ---------------------------------------------------------------- units, accounts, cases

_seq = itertools.count(1)


def next_number() -> int:
    """A number no other builder of this test session has used (unique codes, names, NIKs)."""
    return next(_seq)


# one pre-computed hash of "rahasia-uji-123" keeps tests fast (scrypt is deliberately slow)
TEST_PASSWORD = "rahasia-uji-123"
FAST_HASH = generate_password_hash(TEST_PASSWORD, method="pbkdf2:sha256:1000")


def create_unit(
    code: str | None = None, tz: str = "Asia/Jakarta", kind: str = "balai", provinces: str = "32"
) -> Unit:
    n = next_number()
    code = code or f"UNIT{n}"
    unit = Unit(
        code=code, slug=code.lower(), name=f"BP2P {code}", kind=kind, timezone=tz, provinces=provinces
    )
    db.session.add(unit)
    db.session.commit()
    return unit


def create_user(role: str, unit: Unit, username: str | None = None, **kw) -> User:
    """An account of `unit` with the password TEST_PASSWORD."""
    n = next_number()
    user = User(
        username=username or f"{role}{n}",
        full_name=kw.pop("full_name", f"{role.title()} {n}"),
        role=role,
        unit=unit,
        **kw,
    )
    user.password_hash = FAST_HASH
    db.session.add(user)
    db.session.commit()
    return user


def first_user(unit: Unit, role: str) -> User | None:
    return db.session.scalars(
        select(User).where(User.unit_id == unit.id, User.role == role).order_by(User.id)
    ).first()


def login(client, user: User, new_session: bool = False) -> None:
    """Sign a test client in as `user` without the (deliberately slow) password form.

    Like a real sign-in it needs a server-side session record (issue 13). The user's newest live
    record is reused, so the walks that compare the whole database around a request, signing in
    again for each, see no change from the signing in itself; `new_session` makes a fresh one
    (two devices of one person)."""
    session_id = None if new_session else session_record_of(user)
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user.id)
        sess["_fresh"] = True
        sess[auth_service.SESSION_KEY] = session_id or auth_service.start_session(user)


def session_record_of(user: User) -> str | None:
    """The id of the user's newest session record, if any."""
    return db.session.scalar(
        select(UserSession.id)
        .where(UserSession.user_id == user.id)
        .order_by(UserSession.created_at.desc())
        .limit(1)
    )


def valid_nik(n: int, female: bool = False, district: str = "327601") -> str:
    day = 10 + (40 if female else 0)
    return f"{district}{day:02d}0590{n % 10000 or 1:04d}"


APPLICANT = {
    "kind": "individual",
    "phone": "081234567890",
    "address": "Jl. Melati No. 5, RT 01/RW 02",
    "province_code": "32",
    "regency_code": "32.76",
    "district_code": "32.76.01",
    "village_code": "32.76.01.1006",
    "occupation": "Buruh harian",
    "monthly_income": 3_000_000,
    "household_size": 4,
    "consent_given": True,
}


def create_case(
    unit: Unit,
    status: str = CaseStatus.NEW,
    assignee: User | None = None,
    name: str | None = None,
    services=("house_design",),
    nik: str | None = None,
    **case_kw,
) -> Case:
    """A case of `unit` brought to `status` through the real services (intake, assignment, a
    follow-up, closure), by the unit's first staff member and supervisor (made when missing)."""
    n = next_number()
    desk = first_user(unit, Role.STAFF) or create_user(Role.STAFF, unit)
    spv = first_user(unit, Role.SUPERVISOR) or create_user(Role.SUPERVISOR, unit)
    applicant = dict(APPLICANT, name=name or f"Pemohon {n}", nik=nik or valid_nik(n))
    data = {
        "channel": "walk_in",
        "service_types": list(services),
        "description": "Perlu bantuan desain rumah.",
        **case_kw,
    }
    case = case_service.intake(desk, unit, applicant, data).case
    if status == CaseStatus.NEW:
        return case
    worker = assignee or desk
    case_service.assign_case(spv, case, worker)
    if status == CaseStatus.ASSIGNED:
        return case
    case_service.add_follow_up(
        worker,
        case,
        case_service.FollowUp(
            kind="consultation",
            body="Konsultasi awal.",
            occurred_at=datetime.now(UTC) - timedelta(minutes=5),
            duration_minutes=30,
        ),
    )
    if status == CaseStatus.IN_PROGRESS:
        return case
    closer = desk if worker.role == Role.INTERN else worker
    case_service.request_closure(closer, case, "resolved", "Desain diserahkan.")
    if status == CaseStatus.CLOSURE_REQUESTED:
        return case
    case_service.approve_closure(spv, case)
    return case


# ---------------------------------------------------------------- outreach sessions and groups

PLACE = {
    "province_code": "32",
    "regency_code": "32.76",
    "district_code": "32.76.01",
    "village_code": "32.76.01.1006",
}


def _real_jpeg() -> bytes:
    """A small real photo: uploads are decoded and re-encoded, so a fake header is refused."""
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), (90, 140, 60)).save(buffer, format="JPEG")
    return buffer.getvalue()


JPEG = _real_jpeg()


def session_data(**overrides) -> dict:
    return {
        "held_on": date(2026, 11, 20),
        "duration_minutes": 180,
        "place": "Balai desa",
        "topic": "Sosialisasi BSPS",
        "services": ["program_info"],
        "participants_count": 40,
        "households_count": 30,
        **PLACE,
        **overrides,
    }


def desk_of(unit) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.unit_id == unit.id, User.role.in_([Role.SUPERVISOR, Role.STAFF, Role.INTERN]))
            .order_by(User.id)
        )
    )


def make_session(actor: User, unit, staff=None, attendees=(), **overrides) -> OutreachSession:
    return outreach_service.create_session(
        actor, unit, session_data(**overrides), list(staff or []), list(attendees)
    )


def add_photo_file(actor: User, session: OutreachSession, name: str = "foto.jpg"):
    stored_name = f"walk-{session.id}-{name}"
    get_storage().save(stored_name, JPEG, "image/jpeg")
    return outreach_service.add_photo(actor, session, StoredFile(name, stored_name, "image/jpeg", len(JPEG)))


GROUP = {
    "name": "KSM Maju Bersama",
    "group_kind": "ksm",
    "member_households": 12,
    "contact_name": "Bapak Darma",
    "contact_nik": "3276011005900123",
    "phone": "081298765432",
    "address": "Jl. Mawar 1",
    "consent_given": True,
    **PLACE,
}
GROUP_CASE = {"channel": "walk_in", "service_types": ["house_design"], "description": "Desain rumah contoh."}


def make_group(actor: User, unit, members=(), **overrides):
    """A group and its first case; returns the IntakeResult."""
    return outreach_service.create_group(actor, unit, {**GROUP, **overrides}, dict(GROUP_CASE), list(members))


# ---------------------------------------------------------------- the authorisation walk

WALK_ROLES = ("admin", "viewer", "supervisor", "staff", "intern")


def walk_world(units, make_user, make_case):
    """Two units, one user per role, an in-progress case in each (the intern's in their unit),
    each case with a stored attachment: (users by role, {"own": case, "other": case}). Each user
    has a session record already, so `login` during a walk adds no row."""
    users = {role: make_user(role, username=f"walk-{role}") for role in WALK_ROLES}
    for user in users.values():
        auth_service.start_session(user)
    own = make_case(unit=units["jawa2"], status=CaseStatus.IN_PROGRESS, assignee=users["intern"])
    other = make_case(unit=units["jawa3"], status=CaseStatus.IN_PROGRESS)
    for case in (own, other):
        db.session.add(
            Attachment(
                case_id=case.id,
                original_name="denah.pdf",
                stored_name=f"walk{case.id}.pdf",
                content_type="application/pdf",
                size_bytes=5,
                uploaded_by_id=case.created_by_id,
                thumbnail_name=f"walk{case.id}.thumb.jpg",  # cases.attachment_thumbnail (issue 16)
            )
        )
    db.session.commit()
    for case in (own, other):
        get_storage().save(f"walk{case.id}.pdf", b"%PDF-", "application/pdf")
        get_storage().save(f"walk{case.id}.thumb.jpg", JPEG, "image/jpeg")
    return users, {"own": own, "other": other}


def session_for_walk(case: Case) -> OutreachSession:
    """A session of the case's unit with the unit's desk present, a photo, and the case opened there."""
    found = db.session.scalars(
        select(OutreachSession).where(
            OutreachSession.unit_id == case.unit_id, OutreachSession.topic == "walk"
        )
    ).first()
    if found is not None:
        return found
    people = desk_of(case.unit)
    actor = next(u for u in people if u.role == Role.STAFF)
    session = make_session(actor, case.unit, staff=people, topic="walk")
    db.session.add(OutreachSessionCase(session_id=session.id, case_id=case.id))
    db.session.commit()
    add_photo_file(actor, session)
    db.session.refresh(session)
    return session


def group_for_walk(case: Case) -> Applicant:
    found = db.session.scalars(
        select(Applicant).where(Applicant.kind == "group", Applicant.created_by_unit_id == case.unit_id)
    ).first()
    if found is not None:
        return found
    people = desk_of(case.unit)
    staff = next(u for u in people if u.role == Role.STAFF)
    spv = next(u for u in people if u.role == Role.SUPERVISOR)
    intern = next((u for u in people if u.role == Role.INTERN), None)
    result = make_group(staff, case.unit, members=[("Ibu Sari", "3276015005900045")])
    if intern is not None:
        case_service.assign_case(spv, result.case, intern)
    return result.case.applicant


def url_for_rule(rule, case) -> str:
    """The URL of `rule` for a record of `case`'s unit (its own records, or built by EXTRA_ARGUMENTS)."""
    values = {}
    for arg in rule.arguments:
        if arg == "case_id":
            values[arg] = case.id
        elif arg == "attachment_id":
            # the case's first file, a photo with a thumbnail first (a demo case has several, issue 16)
            values[arg] = db.session.scalars(
                select(Attachment.id)
                .where(Attachment.case_id == case.id)
                .order_by(Attachment.thumbnail_name.is_(None), Attachment.id)
                .limit(1)
            ).first()
        elif arg == "field":
            values[arg] = "regency_code"
        elif arg == "filename":
            values[arg] = "css/krs.css"
        else:
            values.update(extra_argument(rule, arg, case))
    return rule.build(values)[1]


def extra_argument(rule, arg, case) -> dict:
    """Routes added later with other URL arguments register a builder in EXTRA_ARGUMENTS."""
    builder = EXTRA_ARGUMENTS.get((rule.endpoint, arg))
    if builder is None:
        pytest.fail(
            f"no value for <{arg}> of {rule.endpoint}: add one to EXTRA_ARGUMENTS in tests/support.py"
        )
    return {arg: builder(case)}


EXTRA_ARGUMENTS: dict = {
    ("outreach.session_detail", "session_id"): lambda case: session_for_walk(case).id,
    ("outreach.edit_session", "session_id"): lambda case: session_for_walk(case).id,
    ("outreach.session_intake", "session_id"): lambda case: session_for_walk(case).id,
    ("outreach.add_photo", "session_id"): lambda case: session_for_walk(case).id,
    ("outreach.photo", "session_id"): lambda case: session_for_walk(case).id,
    ("outreach.photo", "photo_id"): lambda case: session_for_walk(case).photos[0].id,
    ("outreach.group_detail", "group_id"): lambda case: group_for_walk(case).id,
    ("outreach.add_member", "group_id"): lambda case: group_for_walk(case).id,
    ("outreach.new_group_case", "group_id"): lambda case: group_for_walk(case).id,
    ("outreach.paste_members", "group_id"): lambda case: group_for_walk(case).id,
    ("outreach.edit_member", "group_id"): lambda case: group_for_walk(case).id,
    ("outreach.edit_member", "member_id"): lambda case: member_for_walk(case).id,
    ("outreach.remove_member", "group_id"): lambda case: group_for_walk(case).id,
    ("outreach.remove_member", "member_id"): lambda case: member_for_walk(case).id,
    ("cases.visit_report", "event_id"): lambda case: field_visit_for_walk(case).id,  # issue 16 (h16v)
}


def field_visit_for_walk(case: Case) -> Event:
    """A field-visit follow-up of the case (made once; a plain row: the walk needs no audit)."""
    found = db.session.scalars(
        select(Event).where(Event.case_id == case.id, Event.kind == EventKind.FIELD_VISIT)
    ).first()
    if found is None:
        found = Event(
            case_id=case.id,
            kind=EventKind.FIELD_VISIT,
            author_id=case.created_by_id,
            body="Atap bocor di dua titik.",
            latitude=-6.9,
            longitude=107.6,
        )
        db.session.add(found)
        db.session.commit()
    return found


def member_for_walk(case: Case) -> GroupMember:
    """A member of the case unit's group (made again when a walk step removed it)."""
    group = group_for_walk(case)
    found = db.session.scalars(select(GroupMember).where(GroupMember.group_id == group.id)).first()
    if found is None:
        found = GroupMember(group_id=group.id, name="Ibu Sari", nik="3276015005900045")
        db.session.add(found)
        db.session.commit()
    return found


def _worklog_records(case) -> dict:
    """The intern of the case's unit, with a placement, an entry and a submitted week (made once)."""
    intern = db.session.scalars(
        select(User).where(User.unit_id == case.unit_id, User.role == Role.INTERN).order_by(User.id)
    ).first()
    if intern is None:
        intern = User(
            username=f"walk-intern-{case.unit_id}",
            full_name="Magang Lain",
            role=Role.INTERN,
            unit_id=case.unit_id,
            password_hash="x",
        )
        db.session.add(intern)
        db.session.flush()
    spv = db.session.scalars(
        select(User).where(User.unit_id == case.unit_id, User.role == Role.SUPERVISOR).order_by(User.id)
    ).first()
    today = today_for(intern)
    placement = db.session.scalars(select(Placement).where(Placement.user_id == intern.id)).first()
    if placement is None:
        placement = Placement(
            user_id=intern.id,
            unit_id=case.unit_id,
            university="Universitas Uji",
            study_programme="Teknik Sipil",
            field_supervisor_id=spv.id,
            start_date=today - timedelta(days=30),
            end_date=today + timedelta(days=30),
        )
        db.session.add(placement)
    last_week = week_start_of(today) - timedelta(days=7)
    entry = db.session.scalars(
        select(WorkLogEntry).where(
            WorkLogEntry.user_id == intern.id, WorkLogEntry.week_start == week_start_of(today)
        )
    ).first()
    if entry is None:
        entry = WorkLogEntry(
            user_id=intern.id,
            work_date=today,
            week_start=week_start_of(today),
            minutes=60,
            category="desk_service",
            description="Melayani konsultasi.",
        )
        db.session.add(entry)
    week = db.session.scalars(select(WorkWeek).where(WorkWeek.user_id == intern.id)).first()
    if week is None:
        db.session.add(
            WorkLogEntry(
                user_id=intern.id,
                work_date=last_week,
                week_start=last_week,
                minutes=90,
                category="field_visit",
                description="Survei rumah.",
            )
        )
        week = WorkWeek(user_id=intern.id, week_start=last_week, status=WeekStatus.SUBMITTED)
        db.session.add(week)
    db.session.commit()
    return {"user_id": intern.id, "placement_id": placement.id, "entry_id": entry.id, "week_id": week.id}


# URL arguments naming a record of one unit: the walk tries them on the own and the other unit.
SCOPED_ARGUMENTS = {
    "case_id",
    "user_id",
    "entry_id",
    "week_id",
    "placement_id",
    "session_id",
    "group_id",
    "photo_id",
}

EXTRA_ARGUMENTS |= {
    (endpoint, arg): (lambda case, arg=arg: _worklog_records(case)[arg])
    for endpoint, arg in [
        ("worklog.intern_logbook", "user_id"),
        ("worklog.edit_entry", "entry_id"),
        ("worklog.delete_entry", "entry_id"),
        ("worklog.review_week", "week_id"),
        ("worklog.edit_placement", "placement_id"),
        ("worklog.print_logbook", "placement_id"),
        ("worklog.export_logbook", "placement_id"),
    ]
}


def _open_survey_token(case) -> str:
    """A fresh, unanswered survey invitation of the case's unit (public pages need a live token)."""
    survey = Survey(
        token=new_token(),
        unit_id=case.unit_id,
        case_id=case.id,
        expires_at=datetime.now(UTC) + timedelta(days=1),
    )
    db.session.add(survey)
    db.session.commit()
    return survey.token


EXTRA_ARGUMENTS |= {
    ("surveys.answer", "token"): _open_survey_token,
    ("surveys.kiosk", "token"): _open_survey_token,
    ("reports.tile", "name"): lambda case: "volume",
    ("reports.export_cases", "fmt"): lambda case: "xlsx",  # the CSV streams: its tests read it whole
    ("reports.edit_service_level", "service_type"): lambda case: "house_design",
    ("reports.edit_target", "unit_id"): lambda case: case.unit_id,
    ("reports.edit_target", "year"): lambda case: 2026,
}


def _pending_transfer_of(case):
    """A pending transfer of the own-unit case (jawa2 → jawa3), made once per walk."""
    existing = db.session.query(CaseTransfer).filter_by(case_id=case.id).first()
    if existing is not None:
        return existing.id
    spv = db.session.query(User).filter_by(username="walk-supervisor").one()
    target = db.session.query(Unit).filter_by(code="JAWA3").one()
    return transfer.request_transfer(spv, case, target, "Domisili pemohon di Jawa Tengah.").id


def _staff_account_of(case):
    """A staff account of the own unit (the case's creator): the supervisor there manages it."""
    return case.created_by_id


EXTRA_ARGUMENTS |= {
    ("cases.transfer_review", "transfer_id"): _pending_transfer_of,
    ("applicants.detail", "applicant_id"): lambda case: case.applicant_id,
    ("admin.unit_edit", "unit_id"): lambda case: case.unit_id,
    ("admin.user_edit", "user_id"): _staff_account_of,
    ("admin.user_active", "user_id"): _staff_account_of,
    ("admin.user_reset_password", "user_id"): _staff_account_of,
    ("admin.user_end_sessions", "user_id"): _staff_account_of,
    ("applicants.edit", "applicant_id"): lambda case: case.applicant_id,
    ("applicants.reveal_nik", "applicant_id"): lambda case: case.applicant_id,
    ("applicants.unmerge", "merge_id"): lambda case: _merge_for_walk(case),
}


# issue 16 (h16a): a referral of the case, an agency, a live status link, a unit logo


def _agency_for_walk(case=None):
    agency = db.session.scalars(select(Agency).where(Agency.name == "Dinas Perkim Walk")).first()
    if agency is None:
        agency = Agency(name="Dinas Perkim Walk", kind="dinas_perkim", regency_code="32.73")
        db.session.add(agency)
        db.session.commit()
    return agency


def _referral_of(case) -> int:
    found = db.session.scalars(select(Referral).where(Referral.case_id == case.id)).first()
    if found is not None:
        return found.id
    signer = db.session.scalars(
        select(User).where(User.unit_id == case.unit_id, User.role.in_([Role.SUPERVISOR, Role.STAFF]))
    ).first() or db.session.get(User, case.created_by_id)
    referral = referral_service.create_referral(
        signer,
        case,
        referral_service.ReferralData(
            agency=_agency_for_walk(),
            programme="bsps",
            letter_date=case.created_at.date(),
            purpose="Mohon verifikasi calon penerima BSPS.",
            signer=signer,
        ),
    )
    return referral.id


def _status_token_of(case) -> str:
    return public_links.ensure_status_link(db.session.get(User, case.created_by_id), case).token


def _unit_with_logo(case) -> int:
    unit = db.session.get(Unit, case.unit_id)
    if not unit.logo_stored_name:
        get_storage().save(f"logo{unit.id}.png", _real_png(), "image/png")
        unit.logo_stored_name, unit.logo_content_type = f"logo{unit.id}.png", "image/png"
        db.session.commit()
    return unit.id


def _real_png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (18, 53, 91)).save(buf, format="PNG")
    return buf.getvalue()


SCOPED_ARGUMENTS |= {"referral_id"}
EXTRA_ARGUMENTS |= {
    ("referrals.case_panel", "case_id"): lambda case: case.id,
    ("referrals.detail", "referral_id"): _referral_of,
    ("referrals.answer", "referral_id"): _referral_of,
    ("referrals.letter", "referral_id"): _referral_of,
    ("referrals.edit_agency", "agency_id"): lambda case: _agency_for_walk().id,
    ("public.status", "token"): _status_token_of,
    ("admin.unit_logo", "unit_id"): _unit_with_logo,
}


# issue 16 (h16i): an import of the case's unit, its dry run done (no file kept: nothing to redo)


def _import_of(case) -> int:
    found = db.session.scalars(select(ImportBatch).where(ImportBatch.unit_id == case.unit_id)).first()
    if found is None:
        found = ImportBatch(
            unit_id=case.unit_id,
            created_by_id=case.created_by_id,
            file_name="arsip-walk.xlsx",
            status=ImportStatus.CHECKED,
            headers=["Tanggal", "Nama", "NIK"],
            mapping={"date": 0, "name": 1, "nik": 2},
            total_rows=1,
            ok_rows=0,
            problem_rows=1,
            report=[
                {
                    "row": 2,
                    "name": "Walk",
                    "nik": "3273••••••••••01",
                    "problems": [{"code": "date", "message": "Tanggal kosong.", "message_en": "No date."}],
                }
            ],
        )
        db.session.add(found)
        db.session.commit()
    return found.id


SCOPED_ARGUMENTS |= {"batch_id"}
EXTRA_ARGUMENTS |= {
    (endpoint, "batch_id"): _import_of
    for endpoint in ("imports.detail", "imports.mapping", "imports.confirm", "imports.undo")
}


def _merge_for_walk(case) -> int:
    """A merge of two fresh records of the case's unit (made once), for the unmerge route."""
    found = db.session.scalars(select(ApplicantMerge).order_by(ApplicantMerge.id)).first()
    if found is not None:
        return found.id
    spv = first_user(case.unit, Role.SUPERVISOR)
    keep = create_case(case.unit, name="Walk Gabung").applicant
    other = create_case(case.unit, name="Walk Gabung").applicant
    return applicant_records.merge_applicants(spv, keep, other, {}, "Data ganda.").id


# issue 18 (h18a): a design of the case's office, with a drawing and a RAB template line (made again
# when a walk step removed them)


def design_for_walk(case) -> Design:
    code = f"WALK-{case.unit_id}"
    design = db.session.scalars(select(Design).where(Design.code == code)).first()
    if design is None:
        design = Design(
            unit_id=case.unit_id, code=code, name="Tipe 36 Walk", house_type="Tipe 36", floor_area_m2=36
        )
        db.session.add(design)
        db.session.commit()
    return design


def design_line_for_walk(case) -> int:
    design = design_for_walk(case)
    line = db.session.scalars(select(RabTemplateLine).where(RabTemplateLine.design_id == design.id)).first()
    if line is None:
        line = RabTemplateLine(design_id=design.id, position=1, work_item_code="P.01", volume=36)
        db.session.add(line)
        db.session.commit()
    return line.id


def design_file_for_walk(case) -> int:
    design = design_for_walk(case)
    found = db.session.scalars(select(DesignFile).where(DesignFile.design_id == design.id)).first()
    if found is None:
        name = f"walk-design-{design.id}.png"
        get_storage().save(name, _real_png(), "image/png")
        found = DesignFile(
            design_id=design.id,
            kind="plan",
            original_name="denah.png",
            stored_name=name,
            content_type="image/png",
            size_bytes=len(_real_png()),
        )
        db.session.add(found)
        db.session.commit()
    return found.id


SCOPED_ARGUMENTS |= {"design_id"}
EXTRA_ARGUMENTS |= {
    (endpoint, "design_id"): lambda case: design_for_walk(case).id
    for endpoint in (
        "designs.detail",
        "designs.edit_design",
        "designs.add_line",
        "designs.remove_line",
        "designs.add_file",
        "designs.file",
        "designs.remove_file",
    )
}
EXTRA_ARGUMENTS |= {
    ("designs.remove_line", "line_id"): design_line_for_walk,
    ("designs.file", "file_id"): design_file_for_walk,
    ("designs.remove_file", "file_id"): design_file_for_walk,
}

# ---------------------------------------------------------------- queries, fingerprints, forms


class QueryCounter:
    def __init__(self):
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        self.statements.append(statement)


@contextmanager
def counting_queries() -> Iterator[QueryCounter]:
    """with counting_queries() as counter: ...; counter.count is the number of SQL statements."""
    counter = QueryCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)


def db_fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row, per table: equal fingerprints mean nothing changed."""
    db.session.expire_all()
    result = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            order = [c for c in table.primary_key.columns] or list(table.columns)
            rows = conn.execute(select(table).order_by(*order)).all()
            digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()[:16]
            result[table.name] = (len(rows), digest)
        if conn.dialect.name == "sqlite":
            conn.execute(text("SELECT 1"))
    return result


def table_counts() -> dict[str, int]:
    return {name: n for name, (n, _h) in db_fingerprint().items()}


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._current: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._current = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "fields": {},
                "choices": {},
                "multipart": a.get("enctype") == "multipart/form-data",
            }
            self.forms.append(self._current)
            return
        if self._current is None:
            return
        name = a.get("name")
        if tag in ("input", "textarea", "select") and name:
            kind = (a.get("type") or tag).lower()
            self._current["fields"].setdefault(name, kind)
            if tag == "select":
                self._select = name
            if kind in ("checkbox", "radio") and a.get("value") is not None:
                self._current["choices"].setdefault(name, []).append(a["value"])
        if tag == "option" and self._select and a.get("value"):
            self._current["choices"].setdefault(self._select, []).append(a["value"])
        if tag == "button" and name and a.get("value") is not None:
            self._current["fields"].setdefault(name, "button")
            self._current["choices"].setdefault(name, []).append(a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        if tag == "select":
            self._select = None


def forms_on(html: str) -> list[dict]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


# ---------------------------------------------------------------- the browser tests (tests/e2e)

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"  # screenshots, kept by CI


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def sign_out(page) -> None:
    page.click("header form[action='/logout'] button")
    page.wait_for_url("**/login")


# issue 18 (h18b): a price list of the case's office, a work item, a draft RAB of the case


def price_list_for_walk(case):
    from krs.models import PriceItem, PriceList

    found = db.session.scalars(select(PriceList).where(PriceList.unit_id == case.unit_id)).first()
    if found is None:
        found = PriceList(
            unit_id=case.unit_id, regency_code="32.73", year=2026, name="Harga walk", source="walk"
        )
        db.session.add(found)
    have = {i.code for i in found.items}
    for code, name, price in (("L.PEKERJA", "Pekerja", 100000), ("L.MANDOR", "Mandor", 200000)):
        if code not in have:  # the walk's work item F.01 needs both
            found.items.append(PriceItem(code=code, kind="labour", name=name, unit="OH", price=price))
    if db.session.new or db.session.dirty:
        db.session.commit()
    return found


def work_item_for_walk(case=None):
    from krs.models import WorkItem
    from krs.rab.starter import load_starter_set

    if db.session.scalar(select(WorkItem.id).where(WorkItem.code == "F.01")) is None:
        load_starter_set()
        db.session.commit()
    return db.session.scalars(select(WorkItem).where(WorkItem.code == "F.01")).one()


def rab_for_walk(case):
    """The newest draft RAB of the case, with one line (a new one once the walk handed it over)."""
    from krs.models import Rab, RabStatus, User
    from krs.rab import service as rab_service

    found = db.session.scalars(
        select(Rab).where(Rab.case_id == case.id, Rab.status == RabStatus.DRAFT).order_by(Rab.version.desc())
    ).first()
    if found is None or not found.lines:
        actor = db.session.get(User, case.created_by_id)
        found = rab_service.create_rab(actor, case, price_list=price_list_for_walk(case))
        rab_service.add_work_items(actor, found, [work_item_for_walk()], volume=1)
    return found


SCOPED_ARGUMENTS |= {"price_list_id", "rab_id"}
EXTRA_ARGUMENTS |= {
    ("rab.price_list", "price_list_id"): lambda case: price_list_for_walk(case).id,
    ("rab.edit_price_item", "price_list_id"): lambda case: price_list_for_walk(case).id,
    ("rab.edit_price_item", "item_id"): lambda case: price_list_for_walk(case).items[0].id,
    ("rab.import_prices", "price_list_id"): lambda case: price_list_for_walk(case).id,
    ("rab.copy_price_list", "price_list_id"): lambda case: price_list_for_walk(case).id,
    ("rab.work_item", "work_item_id"): lambda case: work_item_for_walk().id,
    ("rab.edit_work_item", "work_item_id"): lambda case: work_item_for_walk().id,
    ("rab.detail", "rab_id"): lambda case: rab_for_walk(case).id,
    ("rab.add_lines", "rab_id"): lambda case: rab_for_walk(case).id,
    ("rab.edit_line", "rab_id"): lambda case: rab_for_walk(case).id,
    ("rab.edit_line", "line_id"): lambda case: rab_for_walk(case).lines[0].id,
    ("rab.settings", "rab_id"): lambda case: rab_for_walk(case).id,
    ("rab.hand_over", "rab_id"): lambda case: rab_for_walk(case).id,
    ("rab.new_version", "rab_id"): lambda case: rab_for_walk(case).id,
    ("rab.print_rab", "rab_id"): lambda case: rab_for_walk(case).id,
    ("rab.export_xlsx", "rab_id"): lambda case: rab_for_walk(case).id,
}


# ---------------------------------------------------------------- issue 19 (h19b): construction accompaniment


def accompaniment_for(case, actor=None, stages_done: int = 1, today=None):
    """The case's accompaniment (started once, by the case's creator unless `actor`), with visits of
    its first `stages_done` stages (every checklist item marked *sesuai*)."""
    from krs.accompaniment import service as acc_service
    from krs.models import Accompaniment

    acc_service.ensure_defaults()
    actor = actor or db.session.get(User, case.created_by_id)
    today = today or date.today()
    acc = db.session.scalars(select(Accompaniment).where(Accompaniment.case_id == case.id)).first()
    if acc is None:
        acc = acc_service.start_accompaniment(
            actor, case, today - timedelta(days=30), "renovate", today, None
        )
    stages = acc_service.stages()
    items = acc_service.check_items()
    done = {v.stage_id for v in acc.visits}
    for i, stage in enumerate(stages[:stages_done]):
        if stage.id in done:
            continue
        acc_service.record_visit(
            actor,
            acc,
            acc_service.VisitData(
                stage=stage,
                visit_date=today - timedelta(days=20 - i),
                officer=actor,
                progress_percent=stage.percent,
                advice="Begel kolom dirapatkan.",
                marks={item.id: "sesuai" for item in items},
            ),
            today,
            None,
        )
    return acc


def _accompaniment_visit_of(case) -> int:
    acc = accompaniment_for(case)
    return acc.visits[0].id


def _first_stage_id(case) -> int:
    from krs.accompaniment import service as acc_service

    acc_service.ensure_defaults()
    return acc_service.stages(active_only=False)[0].id


def _first_item_id(case) -> int:
    from krs.accompaniment import service as acc_service

    acc_service.ensure_defaults()
    return acc_service.check_items(active_only=False)[0].id


SCOPED_ARGUMENTS |= {"visit_id"}
EXTRA_ARGUMENTS |= {
    ("accompaniment.report", "visit_id"): _accompaniment_visit_of,
    ("accompaniment.edit_stage", "stage_id"): _first_stage_id,
    ("accompaniment.edit_item", "item_id"): _first_item_id,
}
