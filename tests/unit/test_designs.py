"""Design library services (issue 18, part 1): a hand-out is the hand-out row, a timeline event
and an audit row in one transaction, under the case's optimistic lock; usage and dashboard counts;
RAB template lines with validated work item codes; the access rules of designs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from krs import access
from krs.designs import service
from krs.extensions import db
from krs.models import (
    AuditLog,
    CaseStatus,
    Design,
    DesignHandout,
    Event,
    EventKind,
    RabTemplateLine,
    Role,
    WorkItem,
)
from krs.reports import designs as design_reports
from krs.reports.service import Period


def _data(unit_id=None, code="N-T36", **kw):
    values = {
        "unit_id": unit_id,
        "code": code,
        "name": "Tipe 36 rumah inti tumbuh",
        "house_type": "Tipe 36",
        "floor_area_m2": Decimal("36.5"),
        "floors": 1,
        "bedrooms": 2,
        "rooms": "2 kamar tidur",
        "structure": "masonry",
        "quake_notes": "Sloof 15×20",
        "description": "",
    }
    return service.DesignData(**{**values, **kw})


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


@pytest.fixture
def national(admin):
    return service.save_design(admin, None, _data())


@pytest.fixture
def office(make_user, units):
    spv = make_user(Role.SUPERVISOR)
    return service.save_design(spv, None, _data(units["jawa2"].id, "JAWA2-T45", name="Tipe 45 RISHA"))


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_hand_out_writes_handout_event_and_audit_together(make_user, make_case, national):
    staff = make_user(Role.STAFF)
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    version = case.version
    handout = service.hand_out(staff, case, national, version)
    db.session.expire_all()
    event = db.session.get(Event, handout.event_id)
    assert event.kind == EventKind.DELIVERABLE and event.case_id == case.id
    assert {k: event.data[k] for k in ("design_id", "design_code")} == {
        "design_id": national.id,
        "design_code": "N-T36",
    }
    assert event.data["body_en"] == "Design handed over: N-T36 — Tipe 36 rumah inti tumbuh"
    assert "N-T36" in event.body
    assert handout.unit_id == case.unit_id and handout.handed_by_id == staff.id
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "case.design_handout")).one()
    assert audit.entity_id == case.id and audit.after["handout_id"] == handout.id
    assert audit.after["event_id"] == event.id and audit.actor_id == staff.id
    assert case.status == CaseStatus.IN_PROGRESS and case.version > version  # a follow-up moves the case on
    assert case.first_response_at is not None


def test_stale_version_is_a_conflict_and_changes_nothing(make_user, make_case, national):
    staff = make_user(Role.STAFF)
    case = make_case(status=CaseStatus.IN_PROGRESS, assignee=staff)
    before = (_count(DesignHandout), _count(Event), _count(AuditLog))
    with pytest.raises(service.ConflictError):
        service.hand_out(staff, case, national, case.version - 1)
    db.session.rollback()
    assert (_count(DesignHandout), _count(Event), _count(AuditLog)) == before


def test_a_failure_inside_the_transaction_leaves_no_half(make_user, make_case, national, monkeypatch):
    staff = make_user(Role.STAFF)
    case = make_case(status=CaseStatus.IN_PROGRESS, assignee=staff)
    before = (_count(DesignHandout), _count(Event), _count(AuditLog))

    def boom(*a, **kw):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(service.audit, "record", boom)
    with pytest.raises(RuntimeError):
        service.hand_out(staff, case, national, case.version)
    db.session.rollback()
    assert (_count(DesignHandout), _count(Event), _count(AuditLog)) == before


def test_closed_case_and_another_offices_design_are_refused(make_user, make_case, units, national):
    staff = make_user(Role.STAFF)
    closed = make_case(status=CaseStatus.CLOSED)
    with pytest.raises(service.DesignError):
        service.hand_out(staff, closed, national, None)
    db.session.rollback()
    spv3 = make_user(Role.SUPERVISOR, unit=units["jawa3"])
    jawa3_design = service.save_design(spv3, None, _data(units["jawa3"].id, "JAWA3-T36"))
    case = make_case(status=CaseStatus.IN_PROGRESS)
    with pytest.raises(service.DesignError):
        service.hand_out(staff, case, jawa3_design, None)


def test_interns_hand_out_only_on_cases_assigned_to_them(make_user, make_case, national):
    intern = make_user(Role.INTERN)
    theirs = make_case(status=CaseStatus.ASSIGNED, assignee=intern)
    other = make_case(status=CaseStatus.ASSIGNED)
    assert access.can_hand_out_design(intern, theirs) and not access.can_hand_out_design(intern, other)
    with pytest.raises(service.DesignError):
        service.hand_out(intern, other, national, None)
    db.session.rollback()
    service.hand_out(intern, theirs, national, None)
    assert _count(DesignHandout, DesignHandout.case_id == theirs.id) == 1


def test_usage_and_dashboard_counts_per_design_and_office(make_user, make_case, units, national, office):
    staff2 = make_user(Role.STAFF)
    staff3 = make_user(Role.STAFF, unit=units["jawa3"])
    for design in (national, national, office):
        service.hand_out(staff2, make_case(status=CaseStatus.IN_PROGRESS), design, None)
    service.hand_out(staff3, make_case(unit=units["jawa3"], status=CaseStatus.IN_PROGRESS), national, None)
    assert service.usage_by_office(national) == [(units["jawa2"].name, 2), (units["jawa3"].name, 1)]
    assert dict(service.usage_by_office(office)) == {units["jawa2"].name: 1}
    today = date.today()
    period = Period(date(today.year - 1, 1, 1), date(today.year + 1, 12, 31))
    both = [units["jawa2"], units["jawa3"]]
    by_design = {row.code: row.count for row in design_reports.handouts_by_design(both, period)}
    assert by_design == {"N-T36": 3, "JAWA2-T45": 1}
    by_office = {u.code: n for u, n in design_reports.handouts_by_office(both, period)}
    assert by_office == {"JAWA2": 3, "JAWA3": 1}
    only3 = {row.code: row.count for row in design_reports.handouts_by_design([units["jawa3"]], period)}
    assert only3 == {"N-T36": 1}
    past = Period(date(2000, 1, 1), date(2000, 12, 31))
    assert design_reports.handouts_by_design(both, past) == []
    assert {u.code: n for u, n in design_reports.handouts_by_office(both, past)} == {"JAWA2": 0, "JAWA3": 0}


def test_template_lines_validate_codes_and_show_work_item_names(admin, national):
    db.session.add(WorkItem(code="S.01", group="struktur", name="Sloof beton bertulang 15/20", unit="m3"))
    db.session.commit()
    service.add_line(admin, national, " s.01 ", Decimal("0.99"), "33 m")
    service.add_line(admin, national, "W.01", Decimal("90"))
    for bad in ("S1", "1.2.1", "SLOOF", "S.1", ""):
        with pytest.raises(service.DesignError):
            service.add_line(admin, national, bad, Decimal("1"))
    with pytest.raises(service.DesignError):
        service.add_line(admin, national, "P.01", Decimal("0"))
    lines = service.template_lines(national)
    assert [(v.line.work_item_code, v.line.position) for v in lines] == [("S.01", 1), ("W.01", 2)]
    assert lines[0].work_item.name.startswith("Sloof") and lines[1].work_item is None
    service.remove_line(admin, national, lines[0].line.id)
    assert [v.line.work_item_code for v in service.template_lines(national)] == ["W.01"]
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.entity == "rab_template_line")).all()
    assert actions.count("design.line_add") == 2 and actions.count("design.line_remove") == 1


def test_design_codes_are_unique_and_saving_is_audited(admin, national):
    with pytest.raises(service.DesignError):
        service.save_design(admin, None, _data(code="n-t36"))
    db.session.rollback()
    service.save_design(admin, national, _data(name="Tipe 36 (revisi)"))
    rows = db.session.scalars(select(AuditLog).where(AuditLog.entity == "design").order_by(AuditLog.id)).all()
    assert [r.action for r in rows] == ["design.create", "design.edit"]
    assert rows[1].before["name"] == "Tipe 36 rumah inti tumbuh"
    assert rows[1].after["name"] == "Tipe 36 (revisi)"
    assert rows[1].after["floor_area_m2"] == 36.5


def test_who_sees_and_keeps_which_design(make_user, units, national, office):
    spv2, staff2 = make_user(Role.SUPERVISOR), make_user(Role.STAFF)
    spv3 = make_user(Role.SUPERVISOR, unit=units["jawa3"])
    viewer, admin = make_user(Role.VIEWER), make_user(Role.ADMIN)

    def seen(user):
        return set(db.session.scalars(access.designs_visible_to(user).with_only_columns(Design.code)))

    assert seen(staff2) == {"N-T36", "JAWA2-T45"}
    assert seen(spv3) == {"N-T36"}
    assert seen(viewer) == seen(admin) == {"N-T36", "JAWA2-T45"}
    assert access.can_edit_design(spv2, office) and not access.can_edit_design(spv2, national)
    assert not access.can_edit_design(spv3, office) and not access.can_edit_design(staff2, office)
    assert access.can_edit_design(admin, national) and access.can_edit_design(admin, office)
    assert not access.can_edit_design(viewer, national)
    with pytest.raises(service.DesignError):  # a supervisor cannot make a national design
        service.save_design(spv2, None, _data(code="N-T21"))


def test_seeded_demo_designs_have_lines_files_and_handouts(app):
    from krs.demo.seed import seed_demo

    seed_demo(n_cases=30)
    designs = {d.code: d for d in db.session.scalars(select(Design))}
    assert set(designs) == {"N-T36-INTI", "JAWA2-T45-RISHA"}
    assert designs["N-T36-INTI"].unit_id is None and designs["JAWA2-T45-RISHA"].unit_id is not None
    for d in designs.values():
        assert _count(RabTemplateLine, RabTemplateLine.design_id == d.id) >= 15
        assert [f.kind for f in d.files] == ["plan"] and d.files[0].is_image
    assert _count(DesignHandout) >= 2
