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
                case_id=case.id, original_name="denah.pdf", stored_name=f"walk{case.id}.pdf",
                content_type="application/pdf", size_bytes=5, uploaded_by_id=case.created_by_id,
            )
        )
    db.session.commit()
    from flask import current_app

    import os

    os.makedirs(current_app.config["UPLOAD_DIR"], exist_ok=True)
    for case in (own, other):
        with open(os.path.join(current_app.config["UPLOAD_DIR"], f"walk{case.id}.pdf"), "wb") as fh:
            fh.write(b"%PDF-")
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


EXTRA_ARGUMENTS: dict = {}


def _classify(resp) -> str:
    if resp.status_code in (401,) or (resp.status_code == 302 and "/login" in resp.headers.get("Location", "")):
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
        scopes = ("own", "other") if "case_id" in rule.arguments else ("none",)
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
                        failures.append(f"{method} {url} [{rule.endpoint}] as {role or 'anonymous'} "
                                        f"({scope}): got {got} ({resp.status_code}), want {want}")
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
