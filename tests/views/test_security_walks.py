"""Cross-cutting walks over app.url_map: CSRF on every state-changing rule, security headers on
every page, no inline script or style, personal data masked for interns and viewers on every GET
rule, and no route that edits or deletes the audit log. New routes are covered when merged."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from krs.extensions import db
from krs.models import AuditLog, CaseStatus
from tests.support import APPLICANT, TEST_PASSWORD, db_fingerprint, forms_on, login, url_for_rule, walk_world


@pytest.fixture
def world(units, make_user, make_case):
    """Two units, one user per role, an in-progress case in each (the intern's in their unit)."""
    return walk_world(units, make_user, make_case)


MUTATING = {"POST", "PUT", "PATCH", "DELETE"}


def _rules(app, methods):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & methods):
            yield rule, method


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


# ---------------------------------------------------------------- CSRF


def test_every_state_changing_rule_refuses_a_request_without_csrf_token(app, world, csrf_on):
    users, cases = world
    # build every URL first: some URL arguments are records made on demand (a session, a token)
    targets = [(rule, method, url_for_rule(rule, cases["own"])) for rule, method in _rules(app, MUTATING)]
    before = db_fingerprint()
    checked = []
    for rule, method, url in targets:
        for role in ("admin", "supervisor", "staff", "intern"):
            for htmx in (False, True):
                client = app.test_client()
                login(client, users[role])
                headers = {"HX-Request": "true"} if htmx else {}
                resp = client.open(url, method=method, data={"x": "1"}, headers=headers)
                assert resp.status_code == 400, f"{method} {url} as {role}: {resp.status_code}"
                body = resp.get_data(as_text=True)
                assert "Sesi formulir kedaluwarsa" in body
                checked.append((rule.endpoint, role, htmx))
    assert db_fingerprint() == before, "a request without CSRF token changed the database"
    assert len({c[0] for c in checked}) >= 8


def test_a_wrong_csrf_token_is_refused_and_the_right_one_accepted(app, world, csrf_on):
    users, cases = world
    client = app.test_client()
    login(client, users["staff"])
    page = client.get(f"/cases/{cases['own'].id}").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    data = {"kind": "note", "body": "Catatan", "occurred_at": "2026-01-05T10:00"}
    bad = client.post(f"/cases/{cases['own'].id}/events", data=data, headers={"X-CSRFToken": "palsu"})
    assert bad.status_code == 400
    ok = client.post(f"/cases/{cases['own'].id}/events", data=data, headers={"X-CSRFToken": token})
    assert ok.status_code == 302


def test_csrf_is_on_outside_tests():
    from config import Config, ProductionConfig

    assert getattr(Config, "WTF_CSRF_ENABLED", True) is True
    assert getattr(ProductionConfig, "WTF_CSRF_ENABLED", True) is True


# ---------------------------------------------------------------- headers, cookies, inline code


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def _get_pages(app, users, cases, roles=("admin", "supervisor", "staff", "intern", "viewer")):
    """Every GET rule for each role (own-unit record), page and htmx fragment."""
    for rule, _method in _rules(app, {"GET"}):
        if rule.endpoint == "static":
            continue
        for role in (None, *roles):
            client = app.test_client()
            if role:
                login(client, users[role])
            url = url_for_rule(rule, cases["own"])
            for headers in ({}, {"HX-Request": "true"}):
                yield rule, role, url, headers, client.get(url, headers=headers)


def test_security_headers_on_every_page_and_no_inline_code(app, world):
    users, cases = world
    checked = 0
    for _rule, role, url, _headers, resp in _get_pages(app, users, cases):
        h = resp.headers
        csp = h.get("Content-Security-Policy", "")
        where = f"{url} as {role}"
        assert csp, where
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
        assert "frame-ancestors 'none'" in csp or "sandbox" in csp, where
        if "sandbox" not in csp:  # files (attachments, photos) are sandboxed and run nothing
            assert "script-src 'self'" in csp, where
        assert h.get("X-Content-Type-Options") == "nosniff", where
        assert h.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin"), where
        if role:
            assert "no-store" in h.get("Cache-Control", ""), f"personal data may be cached: {where}"
        if resp.mimetype == "text/html":
            body = resp.get_data(as_text=True)
            assert not INLINE_SCRIPT.search(body), f"inline <script> on {where}"
            assert not INLINE_STYLE.search(body), f"inline style on {where}"
            assert not INLINE_HANDLER.search(body), f"inline event handler on {where}"
        checked += 1
    assert checked > 50


def test_htmx_is_configured_to_need_no_inline_styles(client):
    body = client.get("/login").get_data(as_text=True)
    assert '"includeIndicatorStyles": false' in body
    assert re.search(r'<script src="/static/vendor/htmx-[\d.]+\.min\.js[?"]', body)


def test_session_cookie_is_httponly_and_samesite(client, make_user):
    make_user("staff", username="budi")
    resp = client.post("/login", data={"username": "budi", "password": TEST_PASSWORD})
    cookie = resp.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain-HTTP development; see the HTTPS test
    assert "Strict-Transport-Security" not in resp.headers


def test_https_configuration_sets_secure_cookies_and_hsts(app, make_user):
    from config import TestConfig
    from krs import create_app

    class Https(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        SESSION_COOKIE_SECURE = True

    make_user("staff", username="budi")
    secure = create_app(Https)
    with secure.app_context():
        client = secure.test_client()
        resp = client.post(
            "/login", data={"username": "budi", "password": TEST_PASSWORD}, base_url="https://krs.local"
        )
        cookie = resp.headers.get("Set-Cookie", "")
        assert "Secure" in cookie and "HttpOnly" in cookie
        assert resp.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        db.session.remove()


def test_production_config_defaults_to_https(monkeypatch):
    import importlib

    import config

    monkeypatch.delenv("KRS_HTTPS", raising=False)
    fresh = importlib.reload(config)
    assert fresh.ProductionConfig.SESSION_COOKIE_SECURE is True
    assert fresh.Config.SESSION_COOKIE_SECURE is False
    importlib.reload(config)


def test_attachments_are_never_served_as_html(app, world):
    """Even a file whose stored type were text/html is sandboxed and not sniffed."""
    users, cases = world
    client = app.test_client()
    login(client, users["staff"])
    from krs.models import Attachment

    att = db.session.scalars(select(Attachment).where(Attachment.case_id == cases["own"].id)).first()
    resp = client.get(f"/cases/{cases['own'].id}/attachments/{att.id}")
    assert resp.status_code == 200
    assert resp.mimetype == "application/pdf"
    assert "attachment" in resp.headers["Content-Disposition"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in resp.headers["Content-Security-Policy"]


# ---------------------------------------------------------------- personal data


def _pii_of(case) -> dict[str, str]:
    a = case.applicant
    return {"NIK": a.nik, "phone": a.phone, "address": a.address}


def _text_of(resp) -> str:
    """What a person would read in a response: the page, or every cell of an XLSX export."""
    if resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(resp.get_data()), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
        )
    if resp.mimetype.startswith("image/") or resp.mimetype == "application/pdf":
        return ""  # uploaded files are what the desk uploaded, served only to who may see the record
    return resp.get_data(as_text=True)


def test_pii_is_masked_for_interns_and_viewers_on_every_get_rule(app, world):
    """Every GET rule (page and htmx fragment, and the list searched by NIK and phone) for an
    intern assigned to the case and a viewer: the full NIK, phone and address never appear —
    except the phone and address of the intern's own case (DESIGN.md §5, issue 14: they go out to
    the house), never its NIK."""
    users, cases = world
    pii = _pii_of(cases["own"])
    hidden_from = {"viewer": pii, "intern": {"NIK": pii["NIK"]}}
    checked = 0
    for _rule, role, url, _h, resp in _get_pages(app, users, cases, roles=("intern", "viewer")):
        body = _text_of(resp)
        for label, value in hidden_from.get(role, pii).items():
            assert value not in body, f"full {label} shown to {role} on {url}"
        checked += 1
    for role in ("intern", "viewer"):
        client = app.test_client()
        login(client, users[role])
        for q in (pii["NIK"], pii["phone"], cases["own"].number, cases["own"].applicant.name):
            for extra in ("", "&view=all"):
                body = client.get(f"/cases?q={q}{extra}").get_data(as_text=True)
                # the search box and the language switch's return URL echo what was typed
                body = body.replace(f'value="{q}"', "").replace(f"q={q}", "")
                for label, value in hidden_from.get(role, pii).items():
                    assert value not in body, f"full {label} shown to {role} searching {q}"
                checked += 1
    assert checked > 20


def test_staff_see_pii_of_their_own_unit(app, world):
    users, cases = world
    client = app.test_client()
    login(client, users["staff"])
    body = client.get(f"/cases/{cases['own'].id}").get_data(as_text=True)
    assert APPLICANT["phone"] in body and APPLICANT["address"] in body.replace("&#34;", '"')
    assert cases["own"].applicant.nik not in body  # the NIK waits for an explicit, audited reveal


def test_interns_and_viewers_cannot_probe_niks_through_search(app, world, make_case, units):
    users, cases = world
    # a case the intern is NOT assigned to, in their own unit: searching its NIK finds nothing
    hidden = make_case(unit=units["jawa2"], name="Siti Rahasia")
    for role in ("intern", "viewer"):
        client = app.test_client()
        login(client, users[role])
        for q in (hidden.applicant.nik, cases["own"].applicant.nik, hidden.applicant.phone):
            body = client.get(f"/cases?q={q}&view=all", headers={"HX-Request": "true"}).get_data(as_text=True)
            assert "Siti Rahasia" not in body, role
            assert cases["own"].number not in body, f"{role} matched a case by NIK/phone"
    staff = app.test_client()
    login(staff, users["staff"])
    body = staff.get(f"/cases?q={hidden.applicant.nik}&view=all").get_data(as_text=True)
    assert "Siti Rahasia" in body  # staff may search by NIK


def test_nik_check_does_not_tell_an_intern_about_applicants_they_cannot_see(app, world, make_case, units):
    users, cases = world
    other_unit = cases["other"].applicant
    same_unit_hidden = make_case(unit=units["jawa2"], name="Siti Rahasia").applicant
    client = app.test_client()
    login(client, users["intern"])
    for applicant in (other_unit, same_unit_hidden):
        body = client.get(f"/cases/nik-check?nik={applicant.nik}").get_data(as_text=True)
        assert applicant.name not in body
    visible = client.get(f"/cases/nik-check?nik={cases['own'].applicant.nik}").get_data(as_text=True)
    assert cases["own"].applicant.nik not in visible  # the intern's own case: masked even here
    # issue 13 (2): applicants are held per office, and the check answers interns as it answers
    # staff: "registered" only where the user's office holds the NIK, never a word of another office
    staff = app.test_client()
    login(staff, users["staff"])
    for who in (client, staff):
        elsewhere = who.get(f"/cases/nik-check?nik={other_unit.nik}").get_data(as_text=True)
        assert "sudah terdaftar" not in elsewhere and "unit lain" not in elsewhere
        assert other_unit.name not in elsewhere and "Pemohon baru" in elsewhere
        here = who.get(f"/cases/nik-check?nik={same_unit_hidden.nik}").get_data(as_text=True)
        assert "sudah terdaftar" in here


def test_revealing_a_full_nik_is_audited(app, world):
    users, cases = world
    case = cases["own"]
    client = app.test_client()
    login(client, users["supervisor"])
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert case.applicant.nik not in page and "Tampilkan NIK" in page
    frag = client.post(
        f"/cases/{case.id}/reveal-nik", headers={"HX-Request": "true", "HX-Target": f"nik-{case.id}"}
    )
    assert frag.status_code == 200 and case.applicant.nik in frag.get_data(as_text=True)
    assert "<html" not in frag.get_data(as_text=True)
    full = client.post(f"/cases/{case.id}/reveal-nik")
    assert case.applicant.nik in full.get_data(as_text=True) and "<html" in full.get_data(as_text=True)
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "applicant.reveal_nik")).all()
    assert len(rows) == 2
    assert {r.actor_id for r in rows} == {users["supervisor"].id}
    assert rows[0].entity == "applicant" and rows[0].entity_id == case.applicant_id
    # roles that see masked data have no button and are refused
    for role in ("intern", "viewer"):
        other = app.test_client()
        login(other, users[role])
        assert "Tampilkan NIK" not in other.get(f"/cases/{case.id}").get_data(as_text=True)
        assert other.post(f"/cases/{case.id}/reveal-nik").status_code == 403
    assert (
        db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "applicant.reveal_nik"))
        == 2
    )


# ---------------------------------------------------------------- the audit log is append-only


def test_no_route_edits_or_deletes_the_audit_log(app):
    for rule in app.url_map.iter_rules():
        if "audit" in rule.rule or "audit" in rule.endpoint:
            assert not (rule.methods & {"PUT", "PATCH", "DELETE"}), rule
            assert "POST" not in rule.methods, f"{rule}: the audit log is read-only"


def test_forms_on_pages_all_carry_a_csrf_token(app, world, csrf_on):
    users, cases = world
    seen = 0
    for _rule, _role, url, _h, resp in _get_pages(app, users, cases, roles=("admin", "supervisor", "staff")):
        if resp.mimetype != "text/html":
            continue
        body = resp.get_data(as_text=True)
        for form in forms_on(body):
            if form["method"] == "post":
                assert "csrf_token" in form["fields"] or "hx-headers" in body, f"{form['action']} on {url}"
                seen += 1
    assert seen > 5


def test_case_statuses_cover_the_walk(world):
    _users, cases = world
    assert cases["own"].status == CaseStatus.IN_PROGRESS
