"""Workload, bulk assign, saved filters, WhatsApp hand-off, applicant history scope."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from krs import access
from krs.cases import saved_filters, whatsapp, workload
from krs.extensions import db
from krs.models import AuditLog, CaseStatus, Event, EventKind, Role


def test_workload_counts_open_and_overdue_per_person(units, make_user, make_case):
    spv = make_user(Role.SUPERVISOR, units["jawa2"])
    staff = make_user(Role.STAFF, units["jawa2"], full_name="Ani Staf")
    intern = make_user(Role.INTERN, units["jawa2"], full_name="Budi Magang")
    make_user(Role.STAFF, units["jawa3"], full_name="Orang Lain")
    make_case(unit=units["jawa2"], status=CaseStatus.IN_PROGRESS, assignee=staff)
    late = make_case(unit=units["jawa2"], status=CaseStatus.ASSIGNED, assignee=staff)
    late.resolution_due = late.created_at.date().replace(year=2020)
    db.session.commit()
    make_case(unit=units["jawa2"], status=CaseStatus.CLOSED, assignee=intern)
    rows = {r.user.full_name: r for r in workload.workload_for(spv)}
    assert "Orang Lain" not in rows  # another unit's desk
    assert rows["Ani Staf"].open_cases == 2 and rows["Ani Staf"].overdue == 1
    assert rows["Ani Staf"].last_activity is not None
    assert rows["Budi Magang"].open_cases == 0


def test_workload_query_count_does_not_grow_with_people(units, make_user, count_queries):
    spv = make_user(Role.SUPERVISOR, units["jawa2"])
    for _ in range(3):
        make_user(Role.STAFF, units["jawa2"])
    with count_queries() as few:
        workload.workload_for(spv)
    for _ in range(10):
        make_user(Role.STAFF, units["jawa2"])
    with count_queries() as many:
        workload.workload_for(spv)
    assert many.count == few.count


def test_bulk_assign_one_event_and_audit_row_per_case(units, make_user, make_case):
    spv = make_user(Role.SUPERVISOR, units["jawa2"])
    staff = make_user(Role.STAFF, units["jawa2"])
    mine = [make_case(unit=units["jawa2"]) for _ in range(3)]
    other = make_case(unit=units["jawa3"])
    result = workload.bulk_assign(spv, [c.id for c in mine] + [other.id], staff)
    assert len(result.assigned) == 3
    assert len(result.refused) == 1  # the other unit's case is not even found
    for case in mine:
        db.session.refresh(case)
        assert case.assignee_id == staff.id and case.status == CaseStatus.ASSIGNED
        assert (
            db.session.scalar(
                select(func.count()).where(Event.case_id == case.id, Event.kind == EventKind.ASSIGNED)
            )
            == 1
        )
        assert (
            db.session.scalar(
                select(func.count()).where(
                    AuditLog.entity == "case", AuditLog.entity_id == case.id, AuditLog.action == "case.assign"
                )
            )
            == 1
        )
    db.session.refresh(other)
    assert other.assignee_id is None


def test_bulk_assign_refuses_assignee_of_another_unit(units, make_user, make_case):
    admin = make_user(Role.ADMIN)
    staff3 = make_user(Role.STAFF, units["jawa3"])
    case = make_case(unit=units["jawa2"])
    result = workload.bulk_assign(admin, [case.id], staff3)
    assert result.assigned == [] and len(result.refused) == 1


def test_saved_filters_are_per_user_and_keep_only_list_parameters(units, make_user):
    a = make_user(Role.STAFF, units["jawa2"])
    b = make_user(Role.STAFF, units["jawa2"])
    saved = saved_filters.save_filter(
        a, "Desain terlambat", "view=overdue&service=house_design&page=3&evil=1"
    )
    assert parse_qs(saved.query) == {"view": ["overdue"], "service": ["house_design"]}
    assert saved_filters.filters_of(b) == []
    assert saved_filters.get_own_filter(b, saved.id) is None
    again = saved_filters.save_filter(a, "Desain terlambat", "view=all&status=new")
    assert again.id == saved.id and "status=new" in again.query
    with pytest.raises(saved_filters.FilterError):
        saved_filters.save_filter(a, "Kosong", "page=2")
    saved_filters.delete_filter(a, again)
    assert saved_filters.filters_of(a) == []


def test_whatsapp_link_only_for_unmasked_users_and_valid_numbers(units, make_user, make_case):
    staff = make_user(Role.STAFF, units["jawa2"])
    intern = make_user(Role.INTERN, units["jawa2"])
    case = make_case(unit=units["jawa2"], status=CaseStatus.ASSIGNED, assignee=intern)
    link = whatsapp.whatsapp_link(staff, case)
    parts = urlsplit(link)
    assert parts.netloc == "wa.me" and parts.path == "/6281234567890"
    text = parse_qs(parts.query)["text"][0]
    assert case.number in text and case.applicant.name in text
    # DESIGN.md §5 (issue 14): the intern the case is assigned to reaches the household; on
    # another case of the unit the phone stays masked for them, and so no link
    assert whatsapp.whatsapp_link(intern, case) is not None
    other = make_case(unit=units["jawa2"], status=CaseStatus.ASSIGNED, assignee=staff)
    assert whatsapp.whatsapp_link(intern, other) is None
    case.applicant.phone = None
    assert whatsapp.whatsapp_link(staff, case) is None
    assert whatsapp.international_number("+62 812-3456-7890") == "6281234567890"
    assert whatsapp.international_number("0215551234") is None  # landline


def test_applicant_history_scope(units, make_user, make_case):
    staff2 = make_user(Role.STAFF, units["jawa2"])
    staff3 = make_user(Role.STAFF, units["jawa3"])
    first = make_case(unit=units["jawa2"], nik="3276015005900011")
    other = make_case(unit=units["jawa3"], nik="3276015005900011")  # the same household at another office
    # held per office (issue 13, 2): each office has its own record, and sees only its own cases
    assert other.applicant_id != first.applicant_id
    for applicant in (first.applicant, other.applicant):
        visible2 = db.session.scalars(access.cases_of_applicant_visible_to(staff2, applicant)).all()
        visible3 = db.session.scalars(access.cases_of_applicant_visible_to(staff3, applicant)).all()
        assert [c.unit_id for c in visible2] == ([units["jawa2"].id] if applicant is first.applicant else [])
        assert [c.unit_id for c in visible3] == ([units["jawa3"].id] if applicant is other.applicant else [])
