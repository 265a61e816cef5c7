"""Interns present at an outreach session get it in their logbook, once, without retyping (issues 3+8)."""

from datetime import timedelta

from sqlalchemy import select

from krs.extensions import db
from krs.models import AuditLog, Role, WeekStatus, WorkLogEntry, WorkWeek
from krs.outreach import service
from krs.workdays import today_in
from krs.worklog.service import week_start_of
from tests.support import make_session, session_data


def _entries(user_id):
    return list(db.session.scalars(select(WorkLogEntry).where(WorkLogEntry.user_id == user_id)))


def test_session_becomes_one_logbook_entry_per_intern_present(units, make_user):
    unit = units["jawa2"]
    staff, intern, absent = (
        make_user(Role.STAFF, unit),
        make_user(Role.INTERN, unit),
        make_user(Role.INTERN, unit),
    )
    held = today_in(unit.timezone) - timedelta(days=1)
    session = make_session(
        staff, unit, staff=[staff, intern], held_on=held, duration_minutes=150, topic="Sosialisasi BSPS"
    )
    [entry] = _entries(intern.id)
    assert entry.source_session_id == session.id and entry.from_session and entry.is_generated
    assert entry.minutes == 150 and entry.work_date == held and entry.category == "field_visit"
    assert "Sosialisasi BSPS" in entry.description
    assert _entries(staff.id) == [] and _entries(absent.id) == []
    # saving the session again (now with the other intern) adds theirs and duplicates nothing
    service.update_session(
        staff, session, session_data(held_on=held, duration_minutes=150), [staff, intern, absent], []
    )
    assert len(_entries(intern.id)) == 1 and len(_entries(absent.id)) == 1


def test_a_locked_week_is_not_changed_by_a_late_session(units, make_user):
    unit = units["jawa2"]
    staff, intern = make_user(Role.STAFF, unit), make_user(Role.INTERN, unit)
    held = today_in(unit.timezone) - timedelta(days=14)
    db.session.add(WorkWeek(user_id=intern.id, week_start=week_start_of(held), status=WeekStatus.APPROVED))
    db.session.commit()
    session = make_session(staff, unit, staff=[intern], held_on=held)
    assert _entries(intern.id) == []
    skipped = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "worklog.session_not_logged")
    ).one()
    assert skipped.entity_id == session.id and skipped.after["intern_id"] == intern.id


def test_the_intern_sees_the_session_in_the_logbook_page(units, make_user, login_as):
    unit = units["jawa2"]
    staff, intern = make_user(Role.STAFF, unit), make_user(Role.INTERN, unit)
    make_session(
        staff, unit, staff=[intern], held_on=today_in(unit.timezone), topic="Penyuluhan rumah tahan gempa"
    )
    body = login_as(intern).get("/worklog").get_data(as_text=True)
    assert "Penyuluhan rumah tahan gempa" in body and "dari sosialisasi" in body
