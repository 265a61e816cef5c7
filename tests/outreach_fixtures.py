"""Plain builders of outreach sessions and groups for tests (the authorisation walk uses them too)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from krs.cases import service as case_service
from krs.extensions import db
from krs.models import Applicant, Case, OutreachSession, OutreachSessionCase, Role, User
from krs.outreach import service
from krs.storage import get_storage
from krs.uploads import StoredFile

PLACE = {
    "province_code": "32",
    "regency_code": "32.76",
    "district_code": "32.76.01",
    "village_code": "32.76.01.1006",
}


# a tiny valid JPEG header is enough: uploads are typed by their first bytes
def _real_jpeg() -> bytes:
    """A small real photo: uploads are decoded and re-encoded, so a fake header is refused."""
    import io

    from PIL import Image

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
    return service.create_session(actor, unit, session_data(**overrides), list(staff or []), list(attendees))


def add_photo_file(actor: User, session: OutreachSession, name: str = "foto.jpg"):
    stored_name = f"walk-{session.id}-{name}"
    get_storage().save(stored_name, JPEG, "image/jpeg")
    return service.add_photo(actor, session, StoredFile(name, stored_name, "image/jpeg", len(JPEG)))


def session_for_walk(case: Case) -> OutreachSession:
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
    return service.create_group(actor, unit, {**GROUP, **overrides}, dict(GROUP_CASE), list(members))


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
