"""Issue 16 views: the intake receipt and its public status page, referrals (case fragment vs
page, another office's records answer 404), the dashboard tile, agencies, letterhead and NIP."""

import io
import re
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import select

from krs import public_links
from krs.extensions import db
from krs.models import Agency, AuditLog, Referral, Role, StatusLink, User
from krs.referrals import service
from tests.support import login


@pytest.fixture
def agency():
    a = Agency(name="BP Tapera", kind="bp_tapera")
    db.session.add(a)
    db.session.commit()
    return a


def _refer(case, agency, actor):
    return service.create_referral(
        actor, case, service.ReferralData(agency, "tapera", date(2026, 11, 20), "Mohon proses KPR.", actor)
    )


# ---------------------------------------------------------------- receipt and public status


def test_receipt_has_number_qr_and_status_url(client, make_user, make_case):
    staff = make_user(Role.STAFF)
    case = make_case(name="Siti Aminah")
    login(client, staff)
    resp = client.get(f"/cases/{case.id}/receipt")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    link = db.session.scalars(select(StatusLink).where(StatusLink.case_id == case.id)).one()
    assert case.number in html and "<svg" in html and f"/status/{link.token}" in html
    assert "<html" in html and "mainnav" not in html  # a print page, not the app's chrome
    assert client.get(f"/cases/{case.id}/receipt").status_code == 200
    assert db.session.scalars(select(StatusLink).where(StatusLink.case_id == case.id)).all() == [link]


def test_receipt_of_another_office_is_404_and_viewers_cannot_print(client, units, make_user, make_case):
    other = make_case(unit=units["jawa3"])
    login(client, make_user(Role.STAFF))
    assert client.get(f"/cases/{other.id}/receipt").status_code == 404
    assert client.post(f"/cases/{other.id}/status-link/revoke").status_code == 404
    login(client, make_user(Role.VIEWER))
    assert client.get(f"/cases/{other.id}/receipt").status_code == 403


def test_public_status_page_signed_out_shows_no_personal_data(app, make_user, make_case):
    case = make_case(name="Siti Aminah Rahayu")
    token = public_links.ensure_status_link(make_user(Role.STAFF), case).token
    client = app.test_client()
    resp = client.get(f"/status/{token}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    applicant = case.applicant
    assert case.number in html and "Baru" in html
    for secret in (applicant.name, applicant.nik, applicant.phone, applicant.address, "Jl. Melati"):
        assert secret not in html
    assert resp.headers["Cache-Control"] == "no-store"
    assert client.get("/status/not-a-token").status_code == 404


def test_revoking_the_status_link_retires_the_old_qr(client, make_user, make_case):
    staff = make_user(Role.STAFF)
    case = make_case()
    old = public_links.ensure_status_link(staff, case).token
    login(client, staff)
    resp = client.post(f"/cases/{case.id}/status-link/revoke")
    assert resp.status_code == 302
    assert client.get(f"/status/{old}").status_code == 404
    new = public_links.active_status_link(case).token
    assert new != old and client.get(f"/status/{new}").status_code == 200
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "status_link.revoke"))


def test_status_page_is_rate_limited_per_address(app, make_user, make_case):
    from config import TestConfig
    from krs import create_app
    from krs.extensions import limiter

    class Limited(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        RATELIMIT_ENABLED = True

    limited = create_app(Limited)
    try:
        with limited.app_context():
            client = limited.test_client()
            codes = [client.get(f"/status/guess{i}").status_code for i in range(32)]
            db.session.remove()
    finally:
        limiter.reset()
        limiter.enabled = False
    assert codes[:30] == [404] * 30 and codes[30:] == [429, 429]


def test_case_page_offers_the_receipt_and_lazy_referrals(client, make_user, make_case):
    case = make_case()
    login(client, make_user(Role.STAFF))
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}/receipt" in html and "Cetak tanda terima" in html
    assert f'hx-get="/referrals/cases/{case.id}"' in html and 'hx-trigger="load"' in html
    assert "Cabut tautan status" in html


def test_whatsapp_hand_off_carries_the_status_link(client, make_user, make_case):
    case = make_case()
    login(client, make_user(Role.STAFF))
    html = client.get(f"/cases/{case.id}/receipt").get_data(as_text=True)
    wa = re.search(r'href="(https://wa\.me/[^"]+)"', html).group(1)
    token = public_links.active_status_link(case).token
    assert "6281234567890" in wa and token in wa


# ---------------------------------------------------------------- referrals


def test_case_panel_fragment_and_page(client, make_user, make_case, agency):
    staff = make_user(Role.STAFF)
    case = make_case()
    referral = _refer(case, agency, staff)
    login(client, staff)
    fragment = client.get(f"/referrals/cases/{case.id}", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body and referral.letter_number in body
    page = client.get(f"/referrals/cases/{case.id}").get_data(as_text=True)
    assert "<html" in page and referral.letter_number in page


def test_other_offices_referrals_are_404(client, units, make_user, make_case, agency):
    other_case = make_case(unit=units["jawa3"])
    referral = _refer(other_case, agency, make_user(Role.STAFF, units["jawa3"]))
    login(client, make_user(Role.STAFF))
    for url in (
        f"/referrals/{referral.id}",
        f"/referrals/{referral.id}/letter",
        f"/referrals/cases/{other_case.id}",
        f"/referrals/cases/{other_case.id}/new",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/referrals/{referral.id}/answer", data={}).status_code == 404
    assert referral.letter_number not in client.get("/referrals").get_data(as_text=True)


def test_new_referral_posts_and_redirects(client, make_user, make_case, agency):
    staff = make_user(Role.STAFF, nip="198503122010011002", position="Penata Kelola Perumahan")
    case = make_case()
    login(client, staff)
    assert client.get(f"/referrals/cases/{case.id}/new").status_code == 200
    resp = client.post(
        f"/referrals/cases/{case.id}/new",
        data={
            "agency_id": agency.id,
            "programme": "tapera",
            "letter_date": "2026-11-20",
            "purpose": "Mohon proses pembiayaan Tapera.",
            "signer_id": staff.id,
        },
    )
    assert resp.status_code == 302
    referral = db.session.scalars(select(Referral)).one()
    assert referral.letter_number.startswith("001/KRS-JAWA2/XI/2026")
    letter = client.get(f"/referrals/{referral.id}/letter").get_data(as_text=True)
    assert referral.letter_number in letter and "198503122010011002" in letter
    assert "Penata Kelola Perumahan" in letter and agency.name in letter


def test_answer_updates_the_waiting_list(client, make_user, make_case, agency):
    staff = make_user(Role.STAFF)
    referral = _refer(make_case(), agency, staff)
    login(client, staff)
    assert referral.letter_number in client.get("/referrals").get_data(as_text=True)
    rows = client.get("/referrals", headers={"HX-Request": "true", "HX-Target": "referral-rows"})
    assert "<html" not in rows.get_data(as_text=True)
    resp = client.post(
        f"/referrals/{referral.id}/answer",
        data={"answer_code": "accepted", "answer_date": "2026-11-25", "answer_text": "Disetujui."},
    )
    assert resp.status_code == 302
    assert referral.letter_number not in client.get("/referrals").get_data(as_text=True)


def test_viewer_reads_a_referral_but_cannot_answer_or_print(client, units, make_user, make_case, agency):
    referral = _refer(make_case(), agency, make_user(Role.STAFF))
    login(client, make_user(Role.VIEWER))
    assert client.get(f"/referrals/{referral.id}").status_code == 200
    assert client.get(f"/referrals/{referral.id}/letter").status_code == 403
    assert client.post(f"/referrals/{referral.id}/answer").status_code == 403


def test_tile_fragment_and_page(client, make_user, make_case, agency):
    staff = make_user(Role.STAFF)
    _refer(make_case(), agency, staff)
    login(client, staff)
    frag = client.get("/referrals/tile?start=2026-01-01&end=2026-12-31", headers={"HX-Request": "true"})
    assert frag.status_code == 200 and "<html" not in frag.get_data(as_text=True)
    assert "Tapera" in frag.get_data(as_text=True)
    assert "<html" in client.get("/referrals/tile").get_data(as_text=True)
    assert 'id="tile-referrals"' in client.get("/reports").get_data(as_text=True)


def test_admin_manages_agencies(client, make_user):
    login(client, make_user(Role.ADMIN))
    resp = client.post(
        "/referrals/agencies",
        data={
            "name": "Dinas Perkim Kota Bandung",
            "kind": "dinas_perkim",
            "regency_code": "32.73",
            "active": "y",
        },
    )
    assert resp.status_code == 302
    agency = db.session.scalars(select(Agency)).one()
    resp = client.post(f"/referrals/agencies/{agency.id}", data={"name": agency.name, "kind": "dinas_perkim"})
    db.session.refresh(agency)
    assert resp.status_code == 302 and not agency.active


# ---------------------------------------------------------------- letterhead, NIP, logbook


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (18, 53, 91)).save(buf, format="PNG")
    return buf.getvalue()


def test_unit_letterhead_and_logo(client, units, make_user, make_case):
    login(client, make_user(Role.ADMIN))
    unit = units["jawa2"]
    resp = client.post(
        f"/admin/units/{unit.id}",
        data={
            "code": unit.code,
            "name": unit.name,
            "kind": "balai",
            "timezone": "Asia/Jakarta",
            "active": "y",
            "letterhead_name": "Balai P2P Jawa II",
            "letterhead_address": "Jl. Raya Soreang Km 17\nBandung 40911",
            "letterhead_city": "Bandung",
            "letterhead_email": "krs@bp2p.example.go.id",
            "logo": (io.BytesIO(_png()), "logo.png"),
        },
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    db.session.refresh(unit)
    assert unit.letterhead_city == "Bandung" and unit.logo_stored_name
    logo = client.get(f"/admin/units/{unit.id}/logo")
    assert logo.status_code == 200 and logo.data.startswith(b"\x89PNG")
    case = make_case()
    html = client.get(f"/cases/{case.id}/receipt").get_data(as_text=True)
    assert "BALAI P2P JAWA II" in html and "Bandung 40911" in html and f"/admin/units/{unit.id}/logo" in html
    bad = client.post(
        f"/admin/units/{unit.id}",
        data={
            "code": unit.code,
            "name": unit.name,
            "kind": "balai",
            "timezone": "Asia/Jakarta",
            "referral_number_format": "{seq}/{unit.__init__}/{year}",
        },
    )
    assert bad.status_code == 422


def test_user_nip_and_position(client, make_user):
    supervisor = make_user(Role.SUPERVISOR)
    staff = make_user(Role.STAFF)
    login(client, supervisor)
    data = {"full_name": staff.full_name, "role": "staff", "unit_id": staff.unit_id, "position": "Analis"}
    assert client.post(f"/admin/users/{staff.id}", data={**data, "nip": "12345"}).status_code == 422
    resp = client.post(f"/admin/users/{staff.id}", data={**data, "nip": "1985 0312 2010 01 1 002"})
    assert resp.status_code == 302
    db.session.refresh(staff)
    assert staff.nip == "198503122010011002" and staff.position == "Analis"
    other = make_user(Role.STAFF)
    data = {"full_name": other.full_name, "role": "staff", "unit_id": other.unit_id}
    assert (
        client.post(f"/admin/users/{other.id}", data={**data, "nip": "198503122010011002"}).status_code == 422
    )
    assert db.session.get(User, other.id).nip is None
