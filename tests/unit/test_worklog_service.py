"""Logbook rules: placement periods at sign-in, entries and their locking, follow-ups that land in
the logbook by themselves, totals."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from krs.auth import service as auth_service
from krs.cases import service as case_service
from krs.extensions import db
from krs.models import AuditLog, CaseStatus, Role, WeekStatus, WorkLogEntry
from krs.worklog import exports, service
from tests.support import TEST_PASSWORD


@pytest.fixture
def people(units, make_user):
    return {
        "intern": make_user(Role.INTERN, units["jawa2"], username="magang.uji"),
        "spv": make_user(Role.SUPERVISOR, units["jawa2"], full_name="Joko Supervisor"),
        "spv3": make_user(Role.SUPERVISOR, units["jawa3"]),
        "admin": make_user(Role.ADMIN),
        "other_intern": make_user(Role.INTERN, units["jawa3"]),
    }


def _place(people, start: date, end: date, intern=None, actor=None):
    intern = intern or people["intern"]
    return service.save_placement(
        actor or people["spv"],
        service.PlacementData(
            user_id=intern.id,
            university="Universitas Gadjah Mada",
            study_programme="Arsitektur",
            field_supervisor_id=people["spv"].id,
            start_date=start,
            end_date=end,
        ),
    )


def _today(people):
    return service.today_for(people["intern"])


def _entry(intern, day, minutes=60, category="desk_service", **kw):
    return service.add_entry(
        intern,
        service.EntryData(
            work_date=day, category=category, description="Melayani tamu.", minutes=minutes, **kw
        ),
    )


# ---------------------------------------------------------------- placement period


def test_intern_signs_in_only_within_the_placement_period(people):
    today = _today(people)
    intern = people["intern"]
    _place(people, today - timedelta(days=10), today + timedelta(days=10))
    assert auth_service.authenticate("magang.uji", TEST_PASSWORD, today=today) == intern
    with pytest.raises(auth_service.AuthError, match="berakhir"):
        auth_service.authenticate("magang.uji", TEST_PASSWORD, today=today + timedelta(days=11))
    with pytest.raises(auth_service.AuthError, match="baru dimulai"):
        auth_service.authenticate("magang.uji", TEST_PASSWORD, today=today - timedelta(days=11))
    # the last day still works
    assert auth_service.sign_in_refusal(intern, today + timedelta(days=10)) is None


def test_refusal_message_is_clear_and_keeps_the_logbook(people):
    today = _today(people)
    _place(people, today - timedelta(days=20), today)
    _entry(people["intern"], today - timedelta(days=1))
    message = auth_service.sign_in_refusal(people["intern"], today + timedelta(days=1))
    assert "tidak dapat dipakai lagi" in message and "Logbook Anda tetap tersimpan" in message
    assert db.session.scalar(select(WorkLogEntry).where(WorkLogEntry.user_id == people["intern"].id))


def test_period_rule_only_concerns_interns(people):
    assert auth_service.sign_in_refusal(people["spv"], date(2000, 1, 1)) is None
    assert auth_service.sign_in_refusal(people["intern"]) is None  # no placement recorded yet


def test_placement_rules(people):
    today = _today(people)
    with pytest.raises(service.WorklogError, match="Tanggal selesai"):
        _place(people, today, today - timedelta(days=1))
    with pytest.raises(service.WorklogError, match="Pembimbing"):
        service.save_placement(
            people["admin"],
            service.PlacementData(people["intern"].id, "UI", "Teknik Sipil", people["spv3"].id, today, today),
        )
    with pytest.raises(service.WorklogError, match="unit Anda"):
        _place(people, today, today, intern=people["other_intern"])  # a supervisor of another unit
    placement = _place(people, today - timedelta(days=5), today + timedelta(days=5))
    with pytest.raises(service.WorklogError, match="bertumpang tindih"):
        _place(people, today, today + timedelta(days=40))
    placement = service.save_placement(
        people["admin"],
        service.PlacementData(
            people["intern"].id, "UI", "Teknik Sipil", people["spv"].id, today, today + timedelta(days=60)
        ),
        placement,
    )
    assert placement.university == "UI" and placement.unit_id == people["intern"].unit_id
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.entity == "placement")).all()
    assert actions == ["placement.create", "placement.update"]


# ---------------------------------------------------------------- entries and weeks


def test_entry_minutes_from_start_and_end_time(people):
    today = _today(people)
    entry = service.add_entry(
        people["intern"],
        service.EntryData(
            work_date=today,
            category="design_drawing",
            description="Menggambar denah.",
            start_time=time(8, 30),
            end_time=time(11, 0),
        ),
    )
    assert entry.minutes == 150 and entry.week_start == service.week_start_of(today)
    with pytest.raises(service.WorklogError, match="Jam selesai"):
        service.add_entry(
            people["intern"],
            service.EntryData(
                work_date=today, category="other", description="x", start_time=time(9), end_time=time(8)
            ),
        )
    with pytest.raises(service.WorklogError, match="masa depan"):
        _entry(people["intern"], today + timedelta(days=1))
    with pytest.raises(service.WorklogError, match="durasi"):
        _entry(people["intern"], today, minutes=None)


def test_entries_outside_the_placement_are_refused(people):
    today = _today(people)
    _place(people, today - timedelta(days=3), today + timedelta(days=30))
    with pytest.raises(service.WorklogError, match="masa magang"):
        _entry(people["intern"], today - timedelta(days=4))


def test_cases_linked_must_be_assigned_to_the_intern(people, make_case):
    mine = make_case(status=CaseStatus.ASSIGNED, assignee=people["intern"])
    not_mine = make_case(status=CaseStatus.ASSIGNED)
    entry = _entry(people["intern"], _today(people), case_ids=[mine.id])
    assert entry.cases == [mine]
    with pytest.raises(service.WorklogError, match="ditugaskan kepada Anda"):
        _entry(people["intern"], _today(people), case_ids=[not_mine.id])


def test_submit_lock_return_fix_resubmit_approve(people):
    intern, spv = people["intern"], people["spv"]
    monday = service.week_start_of(_today(people)) - timedelta(days=7)
    with pytest.raises(service.WorklogError, match="belum berisi"):
        service.submit_week(intern, monday)
    entry = _entry(intern, monday + timedelta(days=1), minutes=120)
    week = service.submit_week(intern, monday)
    assert week.status == WeekStatus.SUBMITTED and week.submitted_at
    # locked while submitted
    with pytest.raises(service.WorklogError, match="terkunci"):
        _entry(intern, monday + timedelta(days=2))
    with pytest.raises(service.WorklogError, match="terkunci"):
        service.update_entry(intern, entry, service.EntryData(monday, "other", "x", minutes=30))
    with pytest.raises(service.WorklogError, match="terkunci"):
        service.delete_entry(intern, entry)
    with pytest.raises(service.WorklogError, match="Tuliskan"):
        service.return_week(spv, week, "  ")
    service.return_week(spv, week, "Uraikan kegiatan Selasa lebih jelas.")
    assert week.status == WeekStatus.RETURNED and week.comment
    service.update_entry(
        intern, entry, service.EntryData(entry.work_date, "field_visit", "Survei rumah Bu Siti.", minutes=150)
    )
    service.submit_week(intern, monday)
    service.approve_week(spv, week)
    assert week.status == WeekStatus.APPROVED and week.reviewed_by_id == spv.id and week.reviewed_at
    with pytest.raises(service.WorklogError, match="terkunci"):
        service.update_entry(intern, entry, service.EntryData(entry.work_date, "other", "x", minutes=10))
    with pytest.raises(service.WorklogError, match="sudah diajukan"):
        service.submit_week(intern, monday)
    with pytest.raises(service.WorklogError, match="tidak sedang"):
        service.approve_week(spv, week)
    db.session.refresh(entry)
    assert entry.minutes == 150
    actions = db.session.scalars(
        select(AuditLog.action).where(AuditLog.action.like("worklog.%")).order_by(AuditLog.id)
    ).all()
    assert actions == [
        "worklog.entry_create",
        "worklog.week_submit",
        "worklog.week_return",
        "worklog.entry_update",
        "worklog.week_submit",
        "worklog.week_approve",
    ]


def test_future_week_cannot_be_submitted(people):
    with pytest.raises(service.WorklogError, match="belum dimulai"):
        service.submit_week(people["intern"], service.week_start_of(_today(people)) + timedelta(days=7))


# ---------------------------------------------------------------- follow-ups in the logbook


def _follow_up(intern, case, kind="field_visit", minutes=90, when=None):
    return case_service.add_follow_up(
        intern,
        case,
        case_service.FollowUp(
            kind=kind,
            body="Survei atap rumah.",
            occurred_at=when or datetime.now(UTC) - timedelta(minutes=3),
            duration_minutes=minutes,
        ),
    )


def test_an_interns_follow_up_appears_in_the_logbook(people, make_case):
    case = make_case(status=CaseStatus.ASSIGNED, assignee=people["intern"], services=("cost_estimate",))
    event = _follow_up(people["intern"], case)
    entry = db.session.scalar(select(WorkLogEntry).where(WorkLogEntry.source_event_id == event.id))
    assert entry.user_id == people["intern"].id and entry.minutes == 90
    assert entry.category == "field_visit" and entry.cases == [case]
    assert "Survei atap rumah." in entry.description
    deliverable = _follow_up(people["intern"], case, kind="deliverable", minutes=None)
    entry2 = db.session.scalar(select(WorkLogEntry).where(WorkLogEntry.source_event_id == deliverable.id))
    assert entry2.category == "cost_estimate" and entry2.minutes == 0
    # annotate; date, description and case stay as on the timeline; cannot delete
    service.update_entry(
        people["intern"],
        entry,
        service.EntryData(
            date(2000, 1, 1), "field_visit", "changed", minutes=100, annotation="Bersama Pak Joko."
        ),
    )
    assert entry.annotation == "Bersama Pak Joko." and entry.minutes == 100
    assert entry.work_date != date(2000, 1, 1) and "Survei atap" in entry.description
    with pytest.raises(service.WorklogError, match="tidak dapat dihapus"):
        service.delete_entry(people["intern"], entry)
    # a week with an entry lacking minutes cannot be submitted until it is filled in
    with pytest.raises(service.WorklogError, match="tanpa durasi"):
        service.submit_week(people["intern"], entry2.week_start)


def test_staff_follow_ups_make_no_logbook_entries(people, make_case, make_user):
    staff = make_user(Role.STAFF)
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    _follow_up(staff, case)
    assert db.session.scalar(select(WorkLogEntry)) is None


def test_follow_up_into_a_locked_week_leaves_that_week_unchanged(people, make_case):
    intern = people["intern"]
    case = make_case(status=CaseStatus.ASSIGNED, assignee=intern)
    monday = service.week_start_of(_today(people)) - timedelta(days=7)
    _entry(intern, monday, minutes=60)
    service.submit_week(intern, monday)
    service.approve_week(people["spv"], service.week_of(intern, monday))
    before = service.intern_totals(people["spv"], intern).approved_minutes
    when = datetime.combine(monday + timedelta(days=1), time(3, 0), tzinfo=UTC)  # 10:00 WIB on Tuesday
    event = _follow_up(intern, case, when=when)
    assert db.session.scalar(select(WorkLogEntry).where(WorkLogEntry.source_event_id == event.id)) is None
    assert service.intern_totals(people["spv"], intern).approved_minutes == before == 60
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "worklog.follow_up_not_logged"))


# ---------------------------------------------------------------- totals


def test_totals_per_intern_and_per_unit(people, make_case, make_user, units):
    intern, spv = people["intern"], people["spv"]
    case_a = make_case(status=CaseStatus.ASSIGNED, assignee=intern)
    case_b = make_case(status=CaseStatus.ASSIGNED, assignee=intern)
    monday = service.week_start_of(_today(people)) - timedelta(days=7)
    _entry(intern, monday, minutes=120, category="field_visit", case_ids=[case_a.id])
    _entry(
        intern,
        monday + timedelta(days=1),
        minutes=60,
        category="field_visit",
        case_ids=[case_a.id, case_b.id],
    )
    _entry(intern, monday + timedelta(days=2), minutes=30, category="data_entry")
    service.submit_week(intern, monday)
    service.approve_week(spv, service.week_of(intern, monday))
    _entry(intern, _today(people), minutes=45, category="design_drawing")  # this week: not approved

    totals = service.intern_totals(spv, intern)
    assert totals.minutes == 255 and totals.approved_minutes == 210
    assert totals.by_category == {"field_visit": 180, "data_entry": 30, "design_drawing": 45}
    assert totals.field_visits == 2 and totals.cases_touched == 2
    assert [(w.week_start, w.minutes, w.status) for w in totals.weeks] == [
        (service.week_start_of(_today(people)), 45, "draft"),
        (monday, 210, "approved"),
    ]
    approved = service.intern_totals(spv, intern, approved_only=True)
    assert approved.minutes == 210 and "design_drawing" not in approved.by_category

    second = make_user(Role.INTERN, units["jawa2"], full_name="Ayu Magang")
    _entry(second, _today(people), minutes=30)
    _entry(people["other_intern"], _today(people), minutes=500)
    rows = {r.intern.id: r for r in service.unit_totals(spv)}
    assert set(rows) == {intern.id, second.id}  # the supervisor's unit only
    assert rows[intern.id].minutes == 255 and rows[intern.id].approved_minutes == 210
    assert rows[intern.id].field_visits == 2 and rows[intern.id].cases_touched == 2
    assert rows[second.id].minutes == 30 and rows[second.id].approved_minutes == 0
    national = {r.intern.id for r in service.unit_totals(people["admin"])}
    assert people["other_intern"].id in national
    assert service.unit_totals(make_user(Role.STAFF)) == []


def test_printable_logbook_has_only_approved_entries_in_the_period(people):
    intern, spv = people["intern"], people["spv"]
    today = _today(people)
    monday = service.week_start_of(today) - timedelta(days=7)
    placement = _place(people, monday, today + timedelta(days=30))
    _entry(intern, monday, minutes=120, category="field_visit")
    service.submit_week(intern, monday)
    service.approve_week(spv, service.week_of(intern, monday))
    _entry(intern, today, minutes=45)
    book = service.printable_logbook(spv, placement)
    assert [e.minutes for e in book.entries] == [120]
    assert book.totals.minutes == 120 and [w.week_start for w in book.weeks] == [monday]
    data = exports.logbook_xlsx(book)
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(data)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "Universitas Gadjah Mada" in values and "Joko Supervisor" in values
    assert 2.0 in values  # 120 minutes, in hours
