"""Issue 13, points 4, 5 and 7: what an office sees of a case it gave away, of cases opened at an
outreach session, and of NIKs (applicant page, session page, exports) and identity documents."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from krs.cases import transfer
from krs.extensions import db
from krs.models import AuditLog, CaseStatus, Role
from krs.outreach import service as outreach_service
from tests.support import APPLICANT, login, make_session, valid_nik


def test_office_that_gave_a_case_away_sees_only_the_transfer_record(client, units, make_user, make_case):
    spv2 = make_user(Role.SUPERVISOR, units["jawa2"])
    spv3 = make_user(Role.SUPERVISOR, units["jawa3"])
    case = make_case(
        units["jawa2"], CaseStatus.ASSIGNED, name="Dedi Dipindah", description="Atap bocor parah."
    )
    moved = transfer.request_transfer(spv2, case, units["jawa3"], "Rumah di wilayah Jawa III.")
    login(client, spv2)
    pending = client.get(f"/cases/transfers/{moved.id}").get_data(as_text=True)
    assert "Dedi Dipindah" in pending  # still their case while the other office decides
    transfer.accept_transfer(spv3, moved, "")
    page = client.get(f"/cases/transfers/{moved.id}").get_data(as_text=True)
    assert case.number in page and "Diterima" in page  # the record: number, decision
    assert "Dedi Dipindah" not in page and "Atap bocor parah." not in page
    listing = client.get("/cases/transfers").get_data(as_text=True)
    assert case.number in listing and "Dedi Dipindah" not in listing
    login(client, spv3)
    assert "Dedi Dipindah" in client.get(f"/cases/transfers/{moved.id}").get_data(as_text=True)


def test_session_page_lists_only_the_cases_the_user_may_see(client, units, make_user):
    staff = make_user(Role.STAFF, units["jawa2"])
    intern = make_user(Role.INTERN, units["jawa2"])
    session = make_session(staff, units["jawa2"], staff=[staff, intern])
    outreach_service.intake_at_session(
        staff,
        session,
        dict(APPLICANT, name="Sari Sosialisasi", nik=valid_nik(8801)),
        {"service_types": ["program_info"], "description": "Dari sosialisasi."},
    )
    db.session.commit()
    login(client, staff)
    assert "Sari Sosialisasi" in client.get(f"/outreach/{session.id}").get_data(as_text=True)
    login(client, intern)
    page = client.get(f"/outreach/{session.id}").get_data(as_text=True)
    assert "Sari Sosialisasi" not in page
    assert "1 kasus lain dari sosialisasi ini di luar wewenang Anda." in page
    assert valid_nik(8801) not in page


def test_applicant_page_masks_the_nik_until_an_audited_reveal(client, units, make_user, make_case):
    staff = make_user(Role.STAFF, units["jawa2"])
    nik = valid_nik(8802)
    case = make_case(units["jawa2"], nik=nik)
    login(client, staff)
    url = f"/applicants/{case.applicant_id}"
    page = client.get(url).get_data(as_text=True)
    assert nik not in page and f"{nik[:4]}" in page and "Tampilkan NIK" in page
    before = db.session.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1))
    fragment = client.post(
        f"{url}/reveal-nik", headers={"HX-Request": "true", "HX-Target": f"applicant-nik-{case.applicant_id}"}
    )
    assert fragment.status_code == 200 and nik in fragment.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)
    logged = db.session.scalars(select(AuditLog).where(AuditLog.id > before)).all()
    assert [(a.action, a.entity_id, a.actor_id) for a in logged] == [
        ("applicant.reveal_nik", case.applicant_id, staff.id)
    ]
    assert nik in client.post(f"{url}/reveal-nik").get_data(as_text=True)  # no JavaScript: the page


def test_interns_cannot_reveal_an_applicant_nik(client, units, make_user, make_case):
    intern = make_user(Role.INTERN, units["jawa2"])
    case = make_case(units["jawa2"], CaseStatus.IN_PROGRESS, assignee=intern, nik=valid_nik(8803))
    login(client, intern)
    resp = client.post(f"/applicants/{case.applicant_id}/reveal-nik")
    assert resp.status_code in (403, 404) and valid_nik(8803) not in resp.get_data(as_text=True)


def _sheet_text(data: bytes) -> str:
    ws = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return "\n".join(" ".join(str(v) for v in row if v is not None) for row in ws.iter_rows(values_only=True))


def test_exports_mask_the_nik_unless_asked_for_by_an_audited_post(client, units, make_user, make_case):
    staff = make_user(Role.STAFF, units["jawa2"])
    nik = valid_nik(8804)
    make_case(units["jawa2"], nik=nik, name="Wati Ekspor")
    login(client, staff)
    for fmt in ("csv", "xlsx"):
        resp = client.get(f"/reports/cases.{fmt}?view=all")
        text = resp.get_data(as_text=True) if fmt == "csv" else _sheet_text(resp.data)
        assert "Wati Ekspor" in text and nik not in text and nik[:4] in text
    assert client.get("/reports/cases-nik.xlsx?view=all").status_code == 405  # never by a link
    before = db.session.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1))
    resp = client.post("/reports/cases-nik.xlsx?view=all")
    assert nik in _sheet_text(resp.data)
    logged = db.session.scalars(select(AuditLog).where(AuditLog.id > before)).all()
    assert [(a.action, a.actor_id) for a in logged] == [("export.reveal_nik", staff.id)]


def test_viewer_cannot_export_full_niks(client, units, make_user, make_case):
    viewer = make_user(Role.VIEWER)
    nik = valid_nik(8805)
    make_case(units["jawa2"], nik=nik)
    login(client, viewer)
    resp = client.post("/reports/cases-nik.xlsx?view=all")
    assert resp.status_code == 403 and nik not in resp.get_data(as_text=True)
