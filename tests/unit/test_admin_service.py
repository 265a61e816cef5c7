"""Administration services: units, accounts (audited, scoped), reference lists, audit filters."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from krs import access
from krs.admin import service
from krs.auth import service as auth_service
from krs.extensions import db
from krs.models import AuditLog, CaseStatus, ReferenceItem, Role, User


def _audit_actions(entity: str, entity_id: int) -> list[str]:
    return db.session.scalars(
        select(AuditLog.action)
        .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
        .order_by(AuditLog.id)
    ).all()


def test_admin_creates_an_account_that_must_change_its_password(units, make_user):
    admin = make_user(Role.ADMIN)
    user, password = service.create_user(
        admin,
        {
            "username": "Staf9.Jawa2",
            "full_name": "Staf Sembilan",
            "role": "staff",
            "unit_id": units["jawa2"].id,
        },
    )
    assert user.username == "staf9.jawa2" and user.must_change_password and user.check_password(password)
    assert _audit_actions("user", user.id) == ["user.create"]
    logged = str(db.session.scalars(select(AuditLog.after).where(AuditLog.entity_id == user.id)).all())
    assert password not in logged and "password_hash" not in logged
    with pytest.raises(service.AdminError):
        service.create_user(
            admin,
            {"username": "staf9.jawa2", "full_name": "Lagi", "role": "staff", "unit_id": units["jawa2"].id},
        )
    signed_in = auth_service.authenticate("staf9.jawa2", password)
    assert signed_in.must_change_password


def test_supervisor_manages_only_own_units_staff_and_interns(units, make_user):
    spv = make_user(Role.SUPERVISOR, units["jawa2"])
    own_staff = make_user(Role.STAFF, units["jawa2"])
    other_staff = make_user(Role.STAFF, units["jawa3"])
    peer = make_user(Role.SUPERVISOR, units["jawa2"])
    manageable = db.session.scalars(access.users_manageable_by(spv)).all()
    assert own_staff in manageable and other_staff not in manageable and peer not in manageable
    with pytest.raises(service.AdminError):
        service.create_user(
            spv, {"username": "x.super", "full_name": "X", "role": "supervisor", "unit_id": units["jawa2"].id}
        )
    with pytest.raises(service.AdminError):
        service.create_user(
            spv, {"username": "x.jawa3", "full_name": "X", "role": "staff", "unit_id": units["jawa3"].id}
        )
    intern, _ = service.create_user(
        spv, {"username": "magang9", "full_name": "Magang", "role": "intern", "unit_id": units["jawa2"].id}
    )
    assert intern.unit_id == units["jawa2"].id


def test_deactivate_keeps_history_and_blocks_sign_in(units, make_user, make_case):
    admin = make_user(Role.ADMIN)
    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case(unit=units["jawa2"], status=CaseStatus.IN_PROGRESS, assignee=staff)
    service.set_active(admin, staff, False)
    assert not staff.active
    db.session.refresh(case)
    assert case.assignee_id == staff.id  # nothing is deleted or rewritten
    assert db.session.get(User, staff.id) is not None
    with pytest.raises(service.AdminError):
        service.set_active(admin, admin, False)
    assert _audit_actions("user", staff.id) == ["user.deactivate"]


def test_reset_password_and_change_role(units, make_user):
    admin = make_user(Role.ADMIN)
    staff = make_user(Role.STAFF, units["jawa2"])
    password = service.reset_password(admin, staff)
    assert staff.check_password(password) and staff.must_change_password
    service.update_user(
        admin, staff, {"full_name": "Baru", "role": "supervisor", "unit_id": units["jawa3"].id}
    )
    assert staff.role == "supervisor" and staff.unit_id == units["jawa3"].id
    with pytest.raises(service.AdminError):
        service.update_user(admin, staff, {"full_name": "X", "role": "admin", "unit_id": units["jawa3"].id})
    assert _audit_actions("user", staff.id) == ["user.reset_password", "user.update"]


def test_units_are_created_and_edited_with_audit(make_user, units):
    admin = make_user(Role.ADMIN)
    unit = service.save_unit(
        admin,
        None,
        {
            "code": "papua1",
            "name": "BP2P Papua I",
            "kind": "balai",
            "timezone": "Asia/Jayapura",
            "provinces": ["94", "91"],
            "active": True,
        },
    )
    assert unit.code == "PAPUA1" and unit.provinces == "91,94" and unit.slug == "papua1"
    with pytest.raises(service.AdminError):
        service.save_unit(
            admin, None, {"code": "JAWA2", "name": "x", "kind": "balai", "timezone": "Asia/Jakarta"}
        )
    db.session.rollback()
    service.save_unit(
        admin,
        unit,
        {
            "code": "PAPUA1",
            "name": "BP2P Papua I",
            "kind": "balai",
            "timezone": "Asia/Jayapura",
            "provinces": ["94"],
            "active": False,
        },
    )
    assert not unit.active
    assert _audit_actions("unit", unit.id) == ["unit.create", "unit.update"]


def test_reference_items_seeded_and_editable_but_never_all_inactive(make_user):
    admin = make_user(Role.ADMIN)
    lists = service.reference_items()
    assert {i.code for i in lists["channel"]} >= {"walk_in", "whatsapp"}
    item = lists["channel"][0]
    service.update_reference_item(admin, item, "Datang ke Pojok KRS", False)
    assert db.session.get(ReferenceItem, item.id).label == "Datang ke Pojok KRS"
    for other in lists["channel"][1:-1]:
        service.update_reference_item(admin, other, other.label, False)
    with pytest.raises(service.AdminError):
        service.update_reference_item(admin, lists["channel"][-1], "x", False)


def test_audit_filters(units, make_user):
    admin = make_user(Role.ADMIN, username="admin.uji")
    service.create_user(
        admin, {"username": "a.b", "full_name": "A B", "role": "staff", "unit_id": units["jawa2"].id}
    )
    page = service.audit_entries(service.AuditFilters(actor="admin.uji", action="user."), "Asia/Jakarta")
    assert page.total == 1 and page.items[0].action == "user.create"
    assert service.audit_entries(service.AuditFilters(entity="case"), "Asia/Jakarta").total == 0
    future = service.AuditFilters(date_from=date(2099, 1, 1))
    assert service.audit_entries(future, "Asia/Jakarta").total == 0
