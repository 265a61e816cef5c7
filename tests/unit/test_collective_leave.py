"""Issue 13 point 8: collective leave (cuti bersama) is not a working day, unless an admin says so
for a year; changing it moves the stored due dates of that year and rebuilds the totals."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from krs import workdays
from krs.admin import service as admin_service
from krs.extensions import db
from krs.models import AuditLog, Case, CaseStatus, Role, WorkCalendarYear
from krs.reports import service as report_service
from krs.service_levels import due_dates, sla_state
from tests.support import login

# Tue 17 Mar 2026, 10:00 WIB: the last working day before Nyepi (19 Mar) and Idul Fitri (21-22 Mar),
# with cuti bersama on 18, 20, 23 and 24 Mar
BEFORE_LEBARAN = datetime(2026, 3, 17, 3, 0, tzinfo=UTC)


def test_the_2026_collective_leave_days_are_not_working_days():
    assert workdays.collective_leave_days(2026) == [
        date(2026, 2, 16),
        date(2026, 3, 18),
        date(2026, 3, 20),
        date(2026, 3, 23),
        date(2026, 3, 24),
        date(2026, 5, 15),
        date(2026, 5, 28),
        date(2026, 12, 24),
    ]
    for day in workdays.collective_leave_days(2026):
        assert not workdays.is_working_day(day)
        assert workdays.is_working_day(day, workdays.PUBLIC_HOLIDAYS_ONLY)


def _case_taken_in_before_lebaran(make_case) -> Case:
    """A program-information case (2 working days to answer, 5 to resolve) opened on 17 Mar 2026."""
    case = make_case(services=("program_info",))
    case.created_at = BEFORE_LEBARAN
    case.first_response_due, case.resolution_due = due_dates(case.unit, ["program_info"], BEFORE_LEBARAN)
    db.session.commit()
    return case


def test_a_case_taken_in_before_idul_fitri_is_not_late_with_collective_leave(make_case):
    case = _case_taken_in_before_lebaran(make_case)
    # 25, 26 Mar answer; 25, 26, 27, 30, 31 Mar resolve
    assert (case.first_response_due, case.resolution_due) == (date(2026, 3, 26), date(2026, 3, 31))
    assert sla_state(case, date(2026, 3, 30)) == "due_soon"  # counting cuti bersama as working: overdue


def test_the_setting_off_restores_the_old_count_and_on_again_the_new(make_case, make_user, units):
    admin = make_user(Role.ADMIN)
    case = _case_taken_in_before_lebaran(make_case)
    closed = make_case(services=("program_info",), status=CaseStatus.CLOSED)
    closed.created_at = BEFORE_LEBARAN
    closed.first_response_at = datetime(2026, 3, 25, 3, 0, tzinfo=UTC)
    closed.closed_at = datetime(2026, 3, 30, 3, 0, tzinfo=UTC)  # in time only with cuti bersama off
    closed.first_response_due, closed.resolution_due = date(2026, 3, 26), date(2026, 3, 31)
    db.session.commit()
    from krs.reports import stats

    stats.rebuild(db.session.connection())
    db.session.commit()
    assert report_service.check_totals([2026]) == []

    assert admin_service.set_collective_leave(admin, 2026, False) == 2
    db.session.expire_all()
    # counted as working days: 18, 20 answer; 18, 20, 23, 24, 25 resolve (the count before issue 13)
    assert (case.first_response_due, case.resolution_due) == (date(2026, 3, 20), date(2026, 3, 25))
    assert sla_state(case, date(2026, 3, 30)) == "overdue"
    assert due_dates(case.unit, ["program_info"], BEFORE_LEBARAN) == (date(2026, 3, 20), date(2026, 3, 25))
    assert report_service.check_totals([2026]) == []  # the totals were rebuilt with the new calendar
    row = db.session.scalars(select(AuditLog).where(AuditLog.action == "calendar.collective_leave")).one()
    assert (
        row.actor_id == admin.id
        and row.after["cases_moved"] == 2
        and row.after["collective_leave_off"] is False
    )

    assert admin_service.set_collective_leave(admin, 2026, True) == 2
    db.session.expire_all()
    assert (case.first_response_due, case.resolution_due) == (date(2026, 3, 26), date(2026, 3, 31))
    assert db.session.get(WorkCalendarYear, 2026).collective_leave_off is True
    assert report_service.check_totals([2026]) == []
    assert admin_service.set_collective_leave(admin, 2026, True) == 0  # no change, nothing moves


def test_other_years_keep_their_due_dates(make_case, make_user):
    admin = make_user(Role.ADMIN)
    case = _case_taken_in_before_lebaran(make_case)
    assert admin_service.set_collective_leave(admin, 2025, False) == 0
    db.session.expire_all()
    assert case.resolution_due == date(2026, 3, 31)


def test_moving_due_dates_between_calendars_keeps_the_number_of_working_days():
    opened = date(2026, 3, 17)
    old, new = workdays.PUBLIC_HOLIDAYS_ONLY, workdays.DEFAULT
    assert workdays.moved_due_date(opened, date(2026, 3, 25), old, new) == date(2026, 3, 31)
    assert workdays.moved_due_date(opened, date(2026, 3, 31), new, old) == date(2026, 3, 25)
    assert workdays.moved_due_date(opened, opened, old, new) == opened


def test_the_admin_page_sets_a_year_and_only_an_admin_opens_it(app, make_case, make_user):
    admin, spv = make_user(Role.ADMIN), make_user(Role.SUPERVISOR)
    case = _case_taken_in_before_lebaran(make_case)
    client = app.test_client()
    login(client, admin)
    page = client.get("/admin/calendar").get_data(as_text=True)
    assert 'id="year-2026"' in page and "24 Des 2026" in page
    resp = client.post("/admin/calendar", data={"year": "2026"})  # the box unticked
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).resolution_due == date(2026, 3, 25)
    assert client.post("/admin/calendar", data={"year": "x"}).status_code == 422
    other = app.test_client()
    login(other, spv)
    assert other.get("/admin/calendar").status_code == 403
