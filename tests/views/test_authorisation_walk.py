"""Walks every URL rule of the app, for every role, on a record of the user's own unit and of
another unit, and checks the answer against the table below (DESIGN.md §5).

A new route fails this test until it has a rule in krs/access.py AND a row here.
"""

from __future__ import annotations

import re

import pytest

from krs import access
from krs.extensions import db
from krs.models import Attachment, CaseStatus
from tests.conftest import login

ROLES = ("admin", "viewer", "supervisor", "staff", "intern")
ALL = set(ROLES)
DESK = {"admin", "supervisor", "staff", "intern"}
NATIONAL = {"admin", "viewer"}  # the roles that may reach another unit's records

# endpoint -> (roles that may open it at all, roles that may act on another unit's record).
# Roles outside the first set get 403 (404 for objects they cannot see); on their own unit's
# record every allowed role succeeds; on another unit's record only the second set does, the
# others get 404. "public" endpoints answer everyone, signed in or not.
PUBLIC = "public"
EXPECTED: dict[str, object] = {
    "static": PUBLIC,
    "main.healthz": PUBLIC,
    "auth.login": PUBLIC,
    "main.set_language": PUBLIC,
    "auth.logout": (ALL, None),
    "auth.change_password": (ALL, None),
    "main.index": (ALL, None),
    "cases.list_cases": (ALL, None),
    "cases.new_case": (DESK, None),
    "cases.nik_check": (DESK, None),
    "cases.regions_select": (DESK, None),
    "cases.detail": (ALL, {"admin", "viewer"}),
    "cases.attachment": (ALL, {"admin", "viewer"}),
    "cases.assign": ({"admin", "supervisor"}, {"admin"}),
    "cases.add_event": (DESK, {"admin"}),
    "cases.request_closure": ({"admin", "supervisor", "staff"}, {"admin"}),
    "cases.approve_closure": ({"admin", "supervisor"}, {"admin"}),
    "cases.reopen": ({"admin", "supervisor"}, {"admin"}),
    # groups and outreach: other units' sessions and groups are walked in tests/views/test_outreach_views.py
    "outreach.index": (ALL, None),
    "outreach.new_session": ({"admin", "supervisor", "staff"}, None),
    "outreach.session_detail": (ALL, NATIONAL),
    "outreach.edit_session": ({"admin", "supervisor", "staff"}, NATIONAL),
    "outreach.session_intake": (DESK, NATIONAL),
    "outreach.add_photo": ({"admin", "supervisor", "staff"}, NATIONAL),
    "outreach.photo": (ALL, NATIONAL),
    "outreach.groups": (ALL, None),
    "outreach.new_group": (DESK, None),
    "outreach.group_detail": (ALL, NATIONAL),
    "outreach.add_member": ({"admin", "supervisor", "staff"}, NATIONAL),
    "outreach.new_group_case": (DESK, NATIONAL),
    # intern logbook: intern own entries; supervisor own unit's interns; viewer reads all; staff none
    "worklog.index": ({"admin", "viewer", "supervisor", "intern"}, None),
    "worklog.intern_logbook": ({"admin", "viewer", "supervisor", "intern"}, {"admin", "viewer"}),
    "worklog.add_entry": ({"intern"}, None),
    "worklog.edit_entry": ({"intern"}, set()),
    "worklog.delete_entry": ({"intern"}, set()),
    "worklog.submit_week": ({"intern"}, None),
    "worklog.review_week": ({"admin", "supervisor"}, {"admin"}),
    "worklog.placements": ({"admin", "viewer", "supervisor"}, None),
    "worklog.new_placement": ({"admin", "supervisor"}, None),
    "worklog.edit_placement": ({"admin", "supervisor"}, {"admin"}),
    "worklog.print_logbook": ({"admin", "viewer", "supervisor", "intern"}, {"admin", "viewer"}),
    "worklog.export_logbook": ({"admin", "viewer", "supervisor", "intern"}, {"admin", "viewer"}),
    # evaluation (issue 4)
    "surveys.answer": PUBLIC,
    "surveys.kiosk": PUBLIC,
    "surveys.thanks": PUBLIC,
    "surveys.invite": (DESK, {"admin"}),
    "surveys.case_panel": (ALL, {"admin", "viewer"}),  # the case page's panel: the case's scope
    "reports.index": ({"admin", "viewer", "supervisor", "staff"}, None),
    "reports.tile": ({"admin", "viewer", "supervisor", "staff"}, None),
    "reports.ranking": ({"admin", "viewer"}, None),
    "reports.export_cases": (ALL, None),
    "reports.export_evaluation": ({"admin", "viewer", "supervisor", "staff"}, None),
    "reports.service_levels": ({"admin", "viewer", "supervisor", "staff"}, None),
    "reports.edit_service_level": ({"admin"}, None),
    "reports.targets": ({"admin", "viewer", "supervisor"}, None),
    "reports.edit_target": ({"admin"}, None),
    # issue 7: transfers, workload, notifications, applicant history, saved filters, administration
    "cases.transfer": ({"admin", "supervisor"}, {"admin"}),
    "cases.transfers": ({"admin", "viewer", "supervisor"}, None),
    "cases.transfer_review": ({"admin", "viewer", "supervisor"}, None),
    "cases.workload": ({"admin", "supervisor"}, None),
    "cases.bulk_assign": ({"admin", "supervisor"}, None),
    "cases.save_filter": (ALL, None),
    "cases.delete_filter": (ALL, None),
    "applicants.detail": (ALL, None),
    "notifications.index": (ALL, None),
    "notifications.count": (ALL, None),
    "notifications.mark_read": (ALL, None),
    "admin.index": ({"admin", "supervisor"}, None),
    "admin.units": ({"admin"}, None),
    "admin.unit_new": ({"admin"}, None),
    "admin.unit_edit": ({"admin"}, None),
    "admin.users": ({"admin", "supervisor"}, None),
    "admin.user_new": ({"admin", "supervisor"}, None),
    "admin.user_edit": ({"admin", "supervisor"}, {"admin"}),
    "admin.user_active": ({"admin", "supervisor"}, {"admin"}),
    "admin.user_reset_password": ({"admin", "supervisor"}, {"admin"}),
    "admin.reference": ({"admin"}, None),
    "admin.audit": ({"admin"}, None),
    "perf.floor": PUBLIC,  # only registered when KRS_BENCH=1
    "cases.reveal_nik": ({"admin", "supervisor", "staff"}, {"admin"}),
}


def test_every_endpoint_has_an_access_rule_and_an_expectation(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    assert endpoints - set(access.ENDPOINTS) == set(), "routes without a rule in krs/access.py"
    assert endpoints - set(EXPECTED) == set(), "routes without a row in this test's table"


@pytest.fixture
def world(units, make_user, make_case):
    users = {role: make_user(role, username=f"walk-{role}") for role in ROLES}
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
            )
        )
    db.session.commit()
    from krs.storage import get_storage

    for case in (own, other):
        get_storage().save(f"walk{case.id}.pdf", b"%PDF-", "application/pdf")
    return users, {"own": own, "other": other}


def _url_for_rule(rule, case) -> str:
    values = {}
    for arg in rule.arguments:
        if arg == "case_id":
            values[arg] = case.id
        elif arg == "attachment_id":
            values[arg] = db.session.query(Attachment.id).filter_by(case_id=case.id).scalar()
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
        pytest.fail(f"no value for <{arg}> of {rule.endpoint}: add one to EXTRA_ARGUMENTS")
    return {arg: builder(case)}


def _walk_session(case):
    """A session of the case's unit with the walk's intern present, a photo, and the case opened there."""
    from tests.outreach_fixtures import session_for_walk

    return session_for_walk(case)


def _walk_group(case):
    from tests.outreach_fixtures import group_for_walk

    return group_for_walk(case)


EXTRA_ARGUMENTS: dict = {
    ("outreach.session_detail", "session_id"): lambda case: _walk_session(case).id,
    ("outreach.edit_session", "session_id"): lambda case: _walk_session(case).id,
    ("outreach.session_intake", "session_id"): lambda case: _walk_session(case).id,
    ("outreach.add_photo", "session_id"): lambda case: _walk_session(case).id,
    ("outreach.photo", "session_id"): lambda case: _walk_session(case).id,
    ("outreach.photo", "photo_id"): lambda case: _walk_session(case).photos[0].id,
    ("outreach.group_detail", "group_id"): lambda case: _walk_group(case).id,
    ("outreach.add_member", "group_id"): lambda case: _walk_group(case).id,
    ("outreach.new_group_case", "group_id"): lambda case: _walk_group(case).id,
}


def _worklog_records(case) -> dict:
    """The intern of the case's unit, with a placement, an entry and a submitted week (made once)."""
    from datetime import timedelta

    from sqlalchemy import select

    from krs.models import Placement, Role, User, WeekStatus, WorkLogEntry, WorkWeek
    from krs.worklog.service import today_for, week_start_of

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
    from datetime import UTC, datetime, timedelta

    from krs.models import Survey
    from krs.surveys.service import new_token

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
    from krs.cases import transfer
    from krs.models import CaseTransfer, Unit, User

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
}


def _classify(resp) -> str:
    if resp.status_code in (401,) or (
        resp.status_code == 302 and "/login" in resp.headers.get("Location", "")
    ):
        return "login"
    if resp.status_code in (403, 404):
        return str(resp.status_code)
    assert resp.status_code < 500, resp.get_data(as_text=True)[:500]
    return "ok"


def _expected(endpoint, role, scope) -> str:
    spec = EXPECTED[endpoint]
    if spec == PUBLIC:
        return "ok"
    allowed, other_ok = spec
    if role is None:
        return "login"
    if role not in allowed:
        # no data either way: 403 for a role that may never open it
        return "403"
    if scope == "other" and other_ok is not None and role not in other_ok:
        return "404"
    return "ok"


def test_walk_every_rule_for_every_role(app, world):
    users, cases = world
    checked = 0
    failures = []
    for rule in app.url_map.iter_rules():
        scopes = ("own", "other") if rule.arguments & SCOPED_ARGUMENTS else ("none",)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for role in (None, *ROLES):
                for scope in scopes:
                    client = app.test_client()
                    if role:
                        login(client, users[role])
                    url = _url_for_rule(rule, cases.get(scope, cases["own"]))
                    resp = client.open(url, method=method)
                    got = _classify(resp)
                    if rule.endpoint == "auth.logout" and role and resp.status_code == 302:
                        got = "ok"  # signing out sends you to the sign-in page
                    want = _expected(rule.endpoint, role, scope)
                    if want == "403" and got == "404" and scope == "other":
                        got = "403"  # hidden record of a role that may not act anyway: both refuse
                    if got != want:
                        failures.append(
                            f"{method} {url} [{rule.endpoint}] as {role or 'anonymous'} "
                            f"({scope}): got {got} ({resp.status_code}), want {want}"
                        )
                    checked += 1
    assert not failures, "\n".join(failures)
    assert checked > 100


def test_404_pages_show_no_data_of_other_units(app, world, client):
    users, cases = world
    login(client, users["staff"])
    resp = client.get(f"/cases/{cases['other'].id}")
    assert resp.status_code == 404
    body = resp.get_data(as_text=True)
    assert cases["other"].number not in body and cases["other"].applicant.name not in body
    assert re.search(r"Tidak ditemukan", body)
