"""Walks every URL rule of the app, for every role, on a record of the user's own unit and of
another unit, and checks the answer against the table below (DESIGN.md §5).

A new route fails this test until it has a rule in krs/access.py AND a row here (and, for other
URL arguments than a case's, a builder in EXTRA_ARGUMENTS in tests/support.py).
"""

from __future__ import annotations

import re

import pytest

from krs import access
from tests.support import SCOPED_ARGUMENTS, WALK_ROLES, login, url_for_rule, walk_world

ROLES = WALK_ROLES
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
    "main.session_status": (ALL, None),  # issue 14: the idle warning and "Tetap masuk"
    "main.stay_signed_in": (ALL, None),
    "cases.list_cases": (ALL, None),
    "cases.new_case": (DESK, None),
    "cases.nik_check": (DESK, None),
    "cases.regions_select": (DESK, None),
    "cases.detail": (ALL, {"admin", "viewer"}),
    "cases.attachment": (ALL, {"admin", "viewer"}),
    "cases.assign": ({"admin", "supervisor"}, {"admin"}),
    "cases.add_event": (DESK, {"admin"}),
    "cases.request_closure": ({"admin", "supervisor", "staff"}, {"admin"}),
    "cases.take": ({"staff"}, set()),  # issue 14: "Ambil kasus", staff on their office's cases
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
    "outreach.paste_members": ({"admin", "supervisor", "staff"}, NATIONAL),  # issue 14
    "outreach.edit_member": ({"admin", "supervisor", "staff"}, NATIONAL),
    "outreach.remove_member": ({"admin", "supervisor", "staff"}, NATIONAL),
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
    "reports.export_cases_full_nik": ({"admin", "supervisor", "staff"}, None),
    "reports.export_jobs": (ALL, None),  # a job (and its file) is its requester's only: 404 for others
    "reports.export_job_file": (ALL, None),
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
    "admin.user_end_sessions": ({"admin", "supervisor"}, {"admin"}),  # issue 13
    "admin.work_calendar": ({"admin"}, None),  # issue 13
    "admin.reference": ({"admin"}, None),
    "admin.audit": ({"admin"}, None),
    "perf.floor": PUBLIC,  # only registered when KRS_BENCH=1
    "cases.reveal_nik": ({"admin", "supervisor", "staff"}, {"admin"}),
    # reminders outside the app (issue 16): the supervisor's "Pengingat harian" page
    "notifications.daily_reminders": ({"admin", "supervisor"}, None),
    # issue 16 (h16a): receipts and status links, the public status page, referrals, letterhead logo
    "cases.receipt": (DESK, {"admin"}),
    "cases.revoke_status_link": (DESK, {"admin"}),
    "public.status": PUBLIC,
    "admin.unit_logo": (ALL, None),
    "referrals.waiting": (ALL, None),
    "referrals.case_panel": (ALL, NATIONAL),
    "referrals.new_referral": (DESK, {"admin"}),
    "referrals.detail": (ALL, NATIONAL),
    "referrals.answer": (DESK, {"admin"}),
    "referrals.letter": (DESK, {"admin"}),
    "referrals.tile": ({"admin", "viewer", "supervisor", "staff"}, None),
    "referrals.agencies": ({"admin"}, None),
    "referrals.edit_agency": ({"admin"}, None),
    # issue 16 (h16v): field visits — photo thumbnails (the photo's own checks), the visit report
    "cases.attachment_thumbnail": (ALL, {"admin", "viewer"}),
    "cases.visit_report": (DESK, {"admin"}),
    # issue 16 (h16i): the backlog import from Excel: supervisors their office's, admins any (and undo)
    "imports.index": ({"admin", "supervisor"}, None),
    "imports.upload": ({"admin", "supervisor"}, None),
    "imports.detail": ({"admin", "supervisor"}, {"admin"}),
    "imports.mapping": ({"admin", "supervisor"}, {"admin"}),
    "imports.confirm": ({"admin", "supervisor"}, {"admin"}),
    "imports.undo": ({"admin"}, {"admin"}),
    # issue 14: corrections (interns: the house data of their assigned case) and merges
    "cases.edit_case": (DESK, {"admin"}),
    "applicants.edit": ({"admin", "supervisor", "staff"}, None),
    "applicants.reveal_nik": ({"admin", "supervisor", "staff"}, None),
    "applicants.duplicates": ({"admin", "supervisor"}, None),
    "applicants.merge": ({"admin", "supervisor"}, None),
    "applicants.unmerge": ({"admin"}, None),
    # issue 18 (h18b): price lists (office-scoped), work items (admin edits), RABs (follow the case)
    "rab.price_lists": (ALL, None),
    "rab.new_price_list": ({"admin", "supervisor"}, None),
    "rab.price_list": (ALL, NATIONAL),
    "rab.edit_price_item": ({"admin", "supervisor"}, {"admin"}),
    "rab.import_prices": ({"admin", "supervisor"}, {"admin"}),
    "rab.copy_price_list": ({"admin", "supervisor"}, {"admin"}),
    "rab.work_items": (ALL, None),
    "rab.work_item": (ALL, None),
    "rab.edit_work_item": ({"admin"}, None),
    "rab.ceilings": ({"admin"}, None),
    "rab.case_rabs": (ALL, NATIONAL),
    "rab.new_rab": (DESK, {"admin"}),
    "rab.detail": (ALL, NATIONAL),
    "rab.add_lines": (DESK, {"admin"}),
    "rab.edit_line": (DESK, {"admin"}),
    "rab.settings": (DESK, {"admin"}),
    "rab.hand_over": (DESK, {"admin"}),
    "rab.new_version": (DESK, {"admin"}),
    "rab.print_rab": (DESK, {"admin"}),
    "rab.export_xlsx": (DESK, {"admin"}),
    # issue 18 (h18a): the design library (national designs for all, office designs for their office)
    "designs.index": (ALL, None),
    "designs.detail": (ALL, NATIONAL),
    "designs.file": (ALL, NATIONAL),
    "designs.new_design": ({"admin", "supervisor"}, None),
    "designs.edit_design": ({"admin", "supervisor"}, {"admin"}),
    "designs.add_line": ({"admin", "supervisor"}, {"admin"}),
    "designs.remove_line": ({"admin", "supervisor"}, {"admin"}),
    "designs.add_file": ({"admin", "supervisor"}, {"admin"}),
    "designs.remove_file": ({"admin", "supervisor"}, {"admin"}),
    "designs.case_panel": (ALL, NATIONAL),
    "designs.hand_out": (DESK, {"admin"}),
    "reports.designs_tile": ({"admin", "viewer", "supervisor", "staff"}, None),
    # issue 19 (h19b): construction accompaniment, scoped like its case
    "accompaniment.case_panel": (ALL, NATIONAL),
    "accompaniment.start": (DESK, {"admin"}),
    "accompaniment.record_visit": (DESK, {"admin"}),
    "accompaniment.report": (ALL, NATIONAL),
    "accompaniment.overdue": (ALL, None),
    "accompaniment.settings": ({"admin"}, None),
    "accompaniment.edit_stage": ({"admin"}, None),
    "accompaniment.edit_item": ({"admin"}, None),
}


def test_every_endpoint_has_an_access_rule_and_an_expectation(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    assert endpoints - set(access.ENDPOINTS) == set(), "routes without a rule in krs/access.py"
    assert endpoints - set(EXPECTED) == set(), "routes without a row in this test's table"


@pytest.fixture
def world(units, make_user, make_case):
    return walk_world(units, make_user, make_case)


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
                    url = url_for_rule(rule, cases.get(scope, cases["own"]))
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
