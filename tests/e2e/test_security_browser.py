"""In the browser, under the real CSP: the NIK stays masked until 'Tampilkan NIK' (htmx, CSRF
token from hx-headers), the reveal is audited, and the console reports no CSP violation."""

from playwright.sync_api import expect
from sqlalchemy import func, select

from krs.extensions import db
from krs.models import AuditLog, CaseStatus, Role
from tests.support import TEST_PASSWORD, sign_in


def test_reveal_nik_in_the_browser_is_audited_and_csp_clean(
    live_server, page, shot, units, make_user, make_case
):
    staff = make_user(Role.STAFF, units["jawa2"], username="staf.nik", full_name="Rina Staf")
    case = make_case(unit=units["jawa2"], status=CaseStatus.ASSIGNED, assignee=staff, name="Siti Aminah")
    nik = case.applicant.nik
    violations = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )

    sign_in(page, live_server, staff.username, TEST_PASSWORD)
    page.goto(f"{live_server}/cases/{case.id}")
    nik_cell = page.locator(f"#nik-{case.id}")
    expect(nik_cell).to_contain_text(nik[:4] + "•")
    expect(nik_cell).not_to_contain_text(nik)
    shot("nik-masked")
    page.click("button:has-text('Tampilkan NIK')")
    expect(page.locator(f"#nik-{case.id}")).to_contain_text(nik)
    expect(page.locator(f"#nik-{case.id}")).to_contain_text("tercatat di log audit")
    shot("nik-revealed")
    assert page.url.endswith(f"/cases/{case.id}")  # swapped in place by htmx, no navigation
    db.session.expire_all()
    count = select(func.count(AuditLog.id)).where(AuditLog.action == "applicant.reveal_nik")
    assert db.session.scalar(count) == 1
    assert violations == [], violations
