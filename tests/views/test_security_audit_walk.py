"""Audit completeness: every state-changing rule of the app, driven with valid data, writes an
audit row naming the actor, in the same transaction as the change; any request that changes a
table also changes the audit log. A new POST rule fails here until it has a builder below."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from krs.extensions import db
from krs.models import AuditLog, CaseStatus, Role
from tests.conftest import TEST_PASSWORD, login
from tests.security_support import db_fingerprint

# Rules that change nothing but the visitor's own session cookie.
NO_DATA_CHANGE = {"main.set_language": "the interface language lives in the visitor's own session"}


def _when():
    return (datetime.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")


def _intake(env):
    return {
        "unit_id": str(env["units"]["jawa2"].id),
        "name": "Siti Aminah",
        "nik": "3201015005900001",
        "phone": "081234567890",
        "gender": "P",
        "province_code": "32",
        "regency_code": "32.01",
        "district_code": "32.01.01",
        "village_code": "32.01.01.1001",
        "consent_given": "y",
        "channel": "walk_in",
        "service_types": "house_design",
        "description": "Atap bocor",
        "priority": "normal",
    }


def _case(env, status, **kw):
    return env["make_case"](unit=env["units"]["jawa2"], status=status, **kw)


# endpoint -> list of builders(env) -> (role or None, url, form data, expected audit action)
BUILDERS = {
    "auth.login": [
        lambda env: (None, "/login", {"username": "walk-admin", "password": TEST_PASSWORD}, "auth.login")
    ],
    "auth.logout": [lambda env: ("staff", "/logout", {}, "auth.logout")],
    "auth.change_password": [
        lambda env: (
            "staff",
            "/password",
            {"current": TEST_PASSWORD, "new": "kebun-mangga-7", "confirm": "kebun-mangga-7"},
            "auth.change_password",
        )
    ],
    "cases.new_case": [lambda env: ("staff", "/cases/new", _intake(env), "case.create")],
    "cases.assign": [
        lambda env: (
            (c := _case(env, CaseStatus.NEW)) and "supervisor",
            f"/cases/{c.id}/assign",
            {"assignee_id": str(env["users"]["staff"].id), "version": str(c.version)},
            "case.assign",
        )
    ],
    "cases.add_event": [
        lambda env: (
            (c := _case(env, CaseStatus.ASSIGNED, assignee=env["users"]["intern"])) and "intern",
            f"/cases/{c.id}/events",
            {"kind": "call", "body": "Menelepon pemohon", "occurred_at": _when(), "duration_minutes": "10"},
            "case.follow_up",
        )
    ],
    "cases.request_closure": [
        lambda env: (
            (c := _case(env, CaseStatus.IN_PROGRESS)) and "staff",
            f"/cases/{c.id}/close",
            {"outcome": "resolved", "closure_summary": "Desain diserahkan", "version": str(c.version)},
            "case.request_closure",
        )
    ],
    "cases.approve_closure": [
        lambda env: (
            (c := _case(env, CaseStatus.CLOSURE_REQUESTED)) and "supervisor",
            f"/cases/{c.id}/approve-closure",
            {"decision": "approve", "version": str(c.version)},
            "case.approve_closure",
        ),
        lambda env: (
            (c := _case(env, CaseStatus.CLOSURE_REQUESTED)) and "supervisor",
            f"/cases/{c.id}/approve-closure",
            {"decision": "return", "comment": "Lengkapi foto", "version": str(c.version)},
            "case.return_closure",
        ),
    ],
    "cases.reopen": [
        lambda env: (
            (c := _case(env, CaseStatus.CLOSED)) and "supervisor",
            f"/cases/{c.id}/reopen",
            {"reason": "Pemohon kembali", "version": str(c.version)},
            "case.reopen",
        )
    ],
    "cases.reveal_nik": [
        lambda env: (
            (c := _case(env, CaseStatus.NEW)) and "staff",
            f"/cases/{c.id}/reveal-nik",
            {},
            "applicant.reveal_nik",
        )
    ],
}


@pytest.fixture
def env(units, make_user, make_case):
    users = {
        role: make_user(role, username=f"walk-{role}") for role in ("admin", "supervisor", "staff", "intern")
    }
    return {"units": units, "users": users, "make_case": make_case}


def test_every_mutating_rule_writes_an_audit_row(app, env):
    mutating = {
        r.endpoint for r in app.url_map.iter_rules() if r.methods & {"POST", "PUT", "PATCH", "DELETE"}
    }
    missing = mutating - set(BUILDERS) - set(NO_DATA_CHANGE)
    assert not missing, f"add a builder to BUILDERS for: {sorted(missing)}"
    audited = []
    for endpoint in sorted(mutating - set(NO_DATA_CHANGE)):
        for build in BUILDERS[endpoint]:
            role, url, data, action = build(env)
            client = app.test_client()
            if role:
                login(client, env["users"][role])
            before = db_fingerprint()
            last = db.session.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1)) or 0
            resp = client.post(url, data=data)
            assert resp.status_code in (200, 302), (
                f"{endpoint}: {resp.status_code} {resp.get_data(as_text=True)[:400]}"
            )
            rows = db.session.scalars(select(AuditLog).where(AuditLog.id > last).order_by(AuditLog.id)).all()
            assert [r.action for r in rows if r.action == action], f"{endpoint}: no '{action}' in {rows}"
            row = next(r for r in rows if r.action == action)
            actor = env["users"]["admin"] if role is None else env["users"][role]
            assert row.actor_id == actor.id, endpoint
            assert row.ip == "127.0.0.1", endpoint
            assert row.at is not None
            after = db_fingerprint()
            changed = {t for t in before if before[t] != after[t]}
            assert "audit_log" in changed, endpoint
            audited.append((endpoint, action))
    assert len(audited) >= len(mutating) - len(NO_DATA_CHANGE)


def test_rules_that_change_no_data_really_change_none(app, env):
    client = app.test_client()
    login(client, env["users"]["staff"])
    before = db_fingerprint()
    assert client.post("/language", data={"lang": "en", "next": "/"}).status_code == 302
    assert db_fingerprint() == before


def test_case_changes_carry_before_and_after(app, env):
    case = _case(env, CaseStatus.NEW)
    client = app.test_client()
    login(client, env["users"]["supervisor"])
    client.post(
        f"/cases/{case.id}/assign",
        data={"assignee_id": str(env["users"]["staff"].id), "version": str(case.version)},
    )
    row = db.session.scalars(select(AuditLog).where(AuditLog.action == "case.assign")).one()
    assert row.before["status"] == "new" and row.after["status"] == "assigned"
    assert row.after["assignee_id"] == env["users"]["staff"].id


def test_the_audit_log_model_has_no_update_or_delete_path_in_services():
    """No service module issues UPDATE or DELETE against audit_log."""
    import pathlib
    import re

    pattern = re.compile(
        r"(update|delete)\s*\(\s*AuditLog|AuditLog\)\.(update|delete)|DELETE FROM audit_log", re.I
    )
    for path in pathlib.Path("krs").rglob("*.py"):
        assert not pattern.search(path.read_text()), path


def test_role_enum_is_complete():
    assert {r.value for r in Role} == {"admin", "viewer", "supervisor", "staff", "intern"}
