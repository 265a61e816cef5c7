"""The case lifecycle as plain functions: numbering, reuse of applicants, transitions, audit, locking."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from krs import case_lists, service_levels
from krs.cases import service
from krs.extensions import db
from krs.models import Applicant, AuditLog, Case, CaseStatus, Event, Role
from tests.support import APPLICANT, valid_nik


def _intake(actor, unit, nik, name="Siti Rahayu", services=("house_design",)):
    return service.intake(
        actor,
        unit,
        dict(APPLICANT, name=name, nik=nik),
        {"channel": "walk_in", "service_types": list(services), "description": "Butuh denah rumah."},
    )


def test_case_numbers_are_sequential_per_unit_and_year(units, make_user):
    staff2 = make_user(Role.STAFF, units["jawa2"])
    staff3 = make_user(Role.STAFF, units["jawa3"])
    a = _intake(staff2, units["jawa2"], valid_nik(1)).case
    b = _intake(staff2, units["jawa2"], valid_nik(2)).case
    c = _intake(staff3, units["jawa3"], valid_nik(3)).case
    year = a.year
    assert a.number == f"KRS-JAWA2-{year}-0001"
    assert b.number == f"KRS-JAWA2-{year}-0002"
    assert c.number == f"KRS-JAWA3-{year}-0001"


def test_same_nik_reuses_the_applicant(units, make_user):
    staff = make_user(Role.STAFF, units["jawa2"])
    first = _intake(staff, units["jawa2"], valid_nik(7), name="Budi Santoso")
    second = _intake(staff, units["jawa2"], valid_nik(7), name="Budi S.")
    assert not first.applicant_reused and second.applicant_reused
    assert first.case.applicant_id == second.case.applicant_id
    assert db.session.scalar(select(func.count()).select_from(Applicant)) == 1
    assert db.session.get(Applicant, first.case.applicant_id).name == "Budi Santoso"


def test_intake_requires_consent_and_a_service(units, make_user):
    staff = make_user(Role.STAFF, units["jawa2"])
    with pytest.raises(service.CaseError, match="Persetujuan"):
        service.intake(
            staff,
            units["jawa2"],
            dict(APPLICANT, name="X", nik=valid_nik(1), consent_given=False),
            {"channel": "walk_in", "service_types": ["other"], "description": "x"},
        )
    with pytest.raises(service.CaseError, match="layanan"):
        service.intake(
            staff,
            units["jawa2"],
            dict(APPLICANT, name="X", nik=valid_nik(1)),
            {"channel": "walk_in", "service_types": [], "description": "x"},
        )
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_staff_cannot_take_in_for_another_unit(units, make_user):
    staff = make_user(Role.STAFF, units["jawa2"])
    with pytest.raises(service.CaseError):
        _intake(staff, units["jawa3"], valid_nik(1))


def test_due_dates_skip_weekends_and_holidays(units, make_user):
    # Opened Friday 26 Dec 2025 (WIB): 29 Dec is cuti bersama? The holidays package decides; we check
    # at least that the due date is a working day and after the opening day.
    from krs.workdays import is_working_day

    opened = datetime(2025, 12, 26, 3, 0, tzinfo=UTC)
    first, resolution = service_levels.due_dates(units["jawa2"], ["house_design"], opened)
    assert is_working_day(first) and is_working_day(resolution)
    assert first > opened.date() and resolution > first


def test_full_lifecycle_writes_events_and_audit_rows(units, make_user):
    staff = make_user(Role.STAFF, units["jawa2"])
    spv = make_user(Role.SUPERVISOR, units["jawa2"])
    case = _intake(staff, units["jawa2"], valid_nik(11)).case
    assert case.status == CaseStatus.NEW

    service.assign_case(spv, case, staff)
    assert case.status == CaseStatus.ASSIGNED and case.assignee_id == staff.id

    service.add_follow_up(
        staff,
        case,
        service.FollowUp(
            kind="field_visit",
            body="Survei rumah.",
            occurred_at=datetime.now(UTC) - timedelta(hours=1),
            duration_minutes=90,
            next_action_date=datetime.now(UTC).date() + timedelta(days=3),
        ),
    )
    assert case.status == CaseStatus.IN_PROGRESS and case.first_response_at is not None

    service.request_closure(staff, case, "referred_bsps", "Dirujuk ke dinas untuk usulan BSPS.")
    assert case.status == CaseStatus.CLOSURE_REQUESTED

    service.return_closure(spv, case, "Lengkapi foto rumah.")
    assert case.status == CaseStatus.IN_PROGRESS and case.outcome is None

    service.request_closure(staff, case, "resolved", "Foto dilengkapi.")
    service.approve_closure(spv, case)
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None

    service.reopen_case(spv, case, "Pemohon datang lagi.")
    assert case.status == CaseStatus.IN_PROGRESS

    kinds = [
        e.kind for e in db.session.scalars(select(Event).where(Event.case_id == case.id).order_by(Event.id))
    ]
    assert kinds == [
        "created",
        "assigned",
        "field_visit",
        "closure_requested",
        "closure_rejected",
        "closure_requested",
        "closure_approved",
        "reopened",
    ]
    actions = [
        a.action
        for a in db.session.scalars(
            select(AuditLog)
            .where(AuditLog.entity == "case", AuditLog.entity_id == case.id)
            .order_by(AuditLog.id)
        )
    ]
    assert actions == [
        "case.create",
        "case.assign",
        "case.follow_up",
        "case.request_closure",
        "case.return_closure",
        "case.request_closure",
        "case.approve_closure",
        "case.reopen",
    ]
    approve = db.session.scalars(select(AuditLog).where(AuditLog.action == "case.approve_closure")).one()
    assert approve.before["status"] == "closure_requested" and approve.after["status"] == "closed"


def test_lifecycle_refuses_out_of_order_steps(make_case, make_user, units):
    spv = make_user(Role.SUPERVISOR, units["jawa2"])
    new = make_case()
    with pytest.raises(service.CaseError):
        service.request_closure(spv, new, "resolved", "x")  # no follow-up yet
    with pytest.raises(service.CaseError):
        service.approve_closure(spv, new)
    with pytest.raises(service.CaseError):
        service.reopen_case(spv, new, "x")
    closed = make_case(status=CaseStatus.CLOSED)
    with pytest.raises(service.CaseError):
        service.add_follow_up(
            spv, closed, service.FollowUp(kind="note", body="x", occurred_at=datetime.now(UTC))
        )
    requested = make_case(status=CaseStatus.CLOSURE_REQUESTED)
    with pytest.raises(service.CaseError, match="alasan"):
        service.return_closure(spv, requested, "   ")


def test_stale_version_is_a_conflict_and_changes_nothing(make_case, make_user, units):
    case = make_case(status=CaseStatus.CLOSURE_REQUESTED)
    spv = make_user(Role.SUPERVISOR, units["jawa2"])
    stale = case.version - 1
    audit_before = db.session.scalar(select(func.count()).select_from(AuditLog))
    with pytest.raises(service.ConflictError):
        service.approve_closure(spv, case, expected_version=stale)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == CaseStatus.CLOSURE_REQUESTED
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == audit_before


def test_concurrent_writer_detected_by_version_column(app, make_case, make_user, units):
    """Two sessions load the same case; the second commit loses with a ConflictError."""
    case = make_case(status=CaseStatus.ASSIGNED)
    spv = make_user(Role.SUPERVISOR, units["jawa2"])
    other = make_user(Role.STAFF, units["jawa2"])
    case_id = case.id
    # session B changes the case behind session A's back
    with app.app_context():
        b_case = db.session.get(Case, case_id)
        b_spv = db.session.get(type(spv), spv.id)
        service.assign_case(b_spv, b_case, db.session.get(type(other), other.id))
    # session A still holds the old version in its identity map
    with pytest.raises(service.ConflictError):
        service.assign_case(spv, case, spv, expected_version=case.version)


def test_list_search_and_filters(make_case, make_user, units):
    staff = make_user(Role.STAFF, units["jawa2"])
    a = make_case(name="Siti Rahayu", services=("house_design",))
    b = make_case(name="Budi Santoso", services=("financing",), status=CaseStatus.ASSIGNED, assignee=staff)
    make_case(unit=units["jawa3"], name="Siti Jawa Tiga")

    def view(**kw):
        return [
            c.number for c in case_lists.list_cases(staff, case_lists.CaseFilters(view="all", **kw)).items
        ]

    assert view(q="siti") == [a.number]  # other unit's Siti never shows
    assert view(q=a.number) == [a.number]
    assert view(q=a.applicant.nik) == [a.number]
    assert view(service="financing") == [b.number]
    assert view(assignee=str(staff.id)) == [b.number]
    assert view(status="new") == [a.number]
    mine = case_lists.list_cases(staff, case_lists.CaseFilters(view="mine")).items
    assert [c.number for c in mine] == [b.number]


def test_interns_cannot_search_by_nik(make_case, make_user, units):
    intern = make_user(Role.INTERN, units["jawa2"])
    case = make_case(status=CaseStatus.ASSIGNED, assignee=intern)
    hits = case_lists.list_cases(intern, case_lists.CaseFilters(view="all", q=case.applicant.nik)).items
    assert hits == []
    hits = case_lists.list_cases(intern, case_lists.CaseFilters(view="all", q=case.applicant.name)).items
    assert [c.id for c in hits] == [case.id]


def test_follow_up_time_is_stored_in_utc_and_shown_in_the_office_zone(make_case, make_user, units, app):
    from zoneinfo import ZoneInfo

    from krs.formats import fmt_datetime

    case = make_case(status=CaseStatus.ASSIGNED)
    staff = make_user(Role.STAFF, units["jawa2"])
    local = datetime(2026, 11, 20, 9, 30, tzinfo=ZoneInfo("Asia/Jakarta"))
    event = service.add_follow_up(
        staff, case, service.FollowUp(kind="call", body="Telepon.", occurred_at=local)
    )
    db.session.expire_all()
    stored = db.session.get(Event, event.id).occurred_at
    with app.test_request_context():
        assert fmt_datetime(stored, "Asia/Jakarta") == "20 Nov 2026 09:30 WIB"
        assert fmt_datetime(stored, "Asia/Makassar") == "20 Nov 2026 10:30 WITA"
