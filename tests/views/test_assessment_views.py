"""Issue 19 (h19a) views: the case panel (fragment vs page), the phone assessment form (posted
without JavaScript, photo per component, stale version), the verdict page, before/after, the
pre-check and its referral, scoping (404 outside the office), roles, and the admin criteria."""

from __future__ import annotations

import io
import re
from datetime import date

from PIL import Image
from sqlalchemy import select

from krs.assessments import service
from krs.extensions import db
from krs.models import (
    Agency,
    Assessment,
    AssessmentPhoto,
    Attachment,
    CaseStatus,
    PreCheck,
    ProgrammeCriterion,
    Referral,
    Role,
    RtlhCriteria,
)
from tests.support import login

COMPONENTS = (
    "foundation",
    "sloof",
    "columns",
    "ring_beam",
    "roof_frame",
    "floor",
    "walls",
    "frames",
    "roof_cover",
)
HEALTH = ("ventilation", "lighting", "toilet_septic", "drinking_water", "drain")


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (120, 80, 40)).save(buf, format="JPEG")
    return buf.getvalue()


def _form(case, **over):
    data = {
        "csrf_token": "",
        "version": str(case.version),
        "assessed_on": "2026-11-20",
        "floor_area_m2": "36",
        "occupants": "4",
        "note": "",
    }
    data |= {f"rating_{c}": "baik" for c in COMPONENTS}
    data |= {f"health_{h}": "yes" for h in HEALTH}
    data |= over
    return data


def _assess(case, actor, **ratings):
    return service.record_assessment(
        actor,
        case,
        service.AssessmentData(
            assessed_on=date(2026, 11, 20),
            ratings={c: ratings.get(c, "baik") for c in COMPONENTS},
            floor_area_m2=36,
            occupants=4,
            health={h: True for h in HEALTH},
        ),
        None,
    )


def test_case_panel_fragment_and_page(client, make_user, make_case):
    staff = make_user(Role.STAFF)
    case = make_case(status=CaseStatus.IN_PROGRESS)
    _assess(case, staff, columns="rusak_berat")
    login(client, staff)
    frag = client.get(
        f"/assessments/cases/{case.id}", headers={"HX-Request": "true", "HX-Target": "assessment-panel"}
    )
    html = frag.get_data(as_text=True)
    assert frag.status_code == 200 and "<html" not in html
    assert "Tidak layak huni" in html and "Nilai ulang" in html and "Pra-periksa program" in html
    page = client.get(f"/assessments/cases/{case.id}").get_data(as_text=True)
    assert "<html" in page and "Tidak layak huni" in page
    # the case page has the lazy slot and a link that works without JavaScript
    detail = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'hx-get="/assessments/cases/{case.id}"' in detail


def test_assessment_posted_without_javascript_with_a_photo(client, make_user, make_case):
    staff = make_user(Role.STAFF)
    case = make_case(status=CaseStatus.IN_PROGRESS, floor_area_m2="30", occupants=5)
    login(client, staff)
    form = client.get(f"/assessments/cases/{case.id}/new").get_data(as_text=True)
    assert 'value="30"' in form and 'value="5"' in form  # the case's house data as defaults
    assert 'capture="environment"' in form and "Rusak sedang" in form
    data = _form(case, rating_columns="rusak_berat", floor_area_m2="30", occupants="5")
    data["photo_columns"] = [(io.BytesIO(_jpeg()), "kolom.jpg"), (io.BytesIO(_jpeg()), "kolom-2.jpg")]
    resp = client.post(f"/assessments/cases/{case.id}/new", data=data, content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    a = db.session.scalars(select(Assessment)).one()
    assert a.verdict == "tidak_layak_huni"
    photos = db.session.scalars(select(AssessmentPhoto).order_by(AssessmentPhoto.id)).all()
    assert [p.component for p in photos] == ["columns", "columns"]  # two photos of one component
    photo = photos[0]
    att = db.session.get(Attachment, photo.attachment_id)
    assert att.case_id == case.id and att.kind == "rumah"
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Tidak layak huni" in page and "Kolom Rusak berat" in page
    assert "Luas lantai 6,00 m² per orang" in page  # 30 m² for 5: the second reason
    assert f"/cases/{case.id}/attachments/{att.id}" in page
    assert client.get(f"/cases/{case.id}/attachments/{att.id}").status_code == 200


def test_invalid_and_stale_forms(client, make_user, make_case):
    staff = make_user(Role.STAFF)
    case = make_case(status=CaseStatus.IN_PROGRESS)
    login(client, staff)
    data = _form(case)
    del data["rating_sloof"]
    resp = client.post(f"/assessments/cases/{case.id}/new", data=data)
    assert resp.status_code == 422 and "Pilih kondisinya." in resp.get_data(as_text=True)
    stale = _form(case, version=str(case.version - 1))
    resp = client.post(f"/assessments/cases/{case.id}/new", data=stale)
    assert resp.status_code == 409 and "baru saja diubah" in resp.get_data(as_text=True)
    assert db.session.scalars(select(Assessment)).all() == []


def test_reassessment_shows_before_and_after(client, make_user, make_case):
    staff = make_user(Role.STAFF)
    case = make_case(status=CaseStatus.IN_PROGRESS)
    _assess(case, staff, roof_frame="rusak_berat")
    after = _assess(case, staff)
    login(client, staff)
    html = client.get(f"/assessments/{after.id}").get_data(as_text=True)
    assert "Sebelum dan sesudah pekerjaan" in html
    row = re.search(r"Rangka atap</th>(.*?)</tr>", html, re.S).group(1)
    assert "Rusak berat" in row and "Baik" in row


def test_other_office_is_404_and_roles(client, units, make_user, make_case):
    staff = make_user(Role.STAFF)
    other = make_case(unit=units["jawa3"], status=CaseStatus.IN_PROGRESS)
    a = _assess(other, make_user(Role.STAFF, unit=units["jawa3"]))
    login(client, staff)
    for url in (
        f"/assessments/cases/{other.id}",
        f"/assessments/cases/{other.id}/new",
        f"/assessments/{a.id}",
        f"/assessments/cases/{other.id}/precheck",
    ):
        resp = client.get(url)
        assert resp.status_code == 404, url
        assert other.number not in resp.get_data(as_text=True)
    viewer = make_user(Role.VIEWER)
    login(client, viewer)
    html = client.get(f"/assessments/{a.id}").get_data(as_text=True)
    assert "Tidak layak huni" not in html and "Layak huni" in html
    assert other.applicant.name not in html and "Nilai ulang" not in html
    assert client.get(f"/assessments/cases/{other.id}/new").status_code == 403
    intern = make_user(Role.INTERN)
    mine = make_case(status=CaseStatus.IN_PROGRESS, assignee=intern)
    login(client, intern)
    assert client.get(f"/assessments/cases/{mine.id}/new").status_code == 200
    assert client.get(f"/assessments/cases/{other.id}/new").status_code == 404


def test_precheck_and_referral_with_the_precheck_attached(client, make_user, make_case):
    staff = make_user(Role.STAFF, position="Fasilitator")
    db.session.add(Agency(name="Dinas Perkim Kota Depok", kind="dinas_perkim", regency_code="32.76"))
    db.session.commit()
    case = make_case(status=CaseStatus.IN_PROGRESS, land_status="shm")
    _assess(case, staff, columns="rusak_berat")
    login(client, staff)
    page = client.get(f"/assessments/cases/{case.id}/precheck").get_data(as_text=True)
    assert "bukan keputusan penerima bantuan" in page and "Permen PKP 5/2025" in page
    desk = db.session.scalars(
        select(ProgrammeCriterion).where(
            ProgrammeCriterion.programme == "bsps",
            ProgrammeCriterion.rule.in_(["house_owned_lived", "no_earlier_aid", "desk_yes"]),
        )
    ).all()
    data = {
        "csrf_token": "",
        "version": str(case.version),
        "programme": "bsps",
        "married": "yes",
        "action": "save",
    }
    data |= {f"q{c.id}": "yes" for c in desk}
    resp = client.post(f"/assessments/cases/{case.id}/precheck", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    pc = db.session.scalars(select(PreCheck)).one()
    assert pc.result == "kemungkinan_memenuhi"
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Kemungkinan memenuhi" in html and "bukan keputusan penerima bantuan" in html
    href = re.search(r'href="([^"]*/referrals/cases/\d+/new[^"]*)"', html).group(1).replace("&amp;", "&")
    new = client.get(href).get_data(as_text=True)
    assert 'name="precheck_id"' in new and "Kemungkinan memenuhi" in new
    agency = db.session.scalars(select(Agency)).one()
    resp = client.post(
        f"/referrals/cases/{case.id}/new",
        data={
            "csrf_token": "",
            "agency_id": agency.id,
            "programme": "bsps",
            "letter_date": date.today().isoformat(),
            "purpose": "Mohon verifikasi calon penerima BSPS.",
            "signer_id": staff.id,
            "precheck_id": pc.id,
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    referral = db.session.scalars(select(Referral)).one()
    assert referral.precheck_id == pc.id
    assert "Pra-periksa" in client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Kemungkinan memenuhi" in client.get(f"/referrals/{referral.id}/letter").get_data(as_text=True)


def test_precheck_of_another_case_is_not_attached(client, make_user, make_case):
    staff = make_user(Role.STAFF)
    a, b = make_case(status=CaseStatus.IN_PROGRESS), make_case(status=CaseStatus.IN_PROGRESS)
    service.ensure_default_criteria()
    pc = service.record_precheck(staff, a, "bsps", {}, date(2026, 11, 20), None)
    login(client, staff)
    assert 'name="precheck_id"' not in client.get(
        f"/referrals/cases/{b.id}/new?precheck_id={pc.id}"
    ).get_data(as_text=True)


def test_admin_adds_a_criteria_version_and_a_programme_criterion(client, make_user):
    admin = make_user(Role.ADMIN)
    service.ensure_default_criteria()  # the migration's rows (the test database is emptied per test)
    db.session.commit()
    login(client, admin)
    assert "KRS-2026.1" in client.get("/assessments/criteria").get_data(as_text=True)
    resp = client.post(
        "/assessments/criteria",
        data={
            "csrf_token": "",
            "version": "KRS-2027.1",
            "source": "Permensos 20/2017 (7,2 m²)",
            "valid_from": "2027-01-01",
            "min_area_per_person": "7,2",
            "structural_fail_from": "rusak_sedang",
            "non_structural_fail_from": "rusak_berat",
            "health_required": ["drinking_water"],
        },
    )
    assert resp.status_code == 302
    row = db.session.scalars(select(RtlhCriteria).where(RtlhCriteria.version == "KRS-2027.1")).one()
    assert (
        row.rules["min_area_per_person"] == "7.2" and row.rules["non_structural_fail_from"] == "rusak_berat"
    )
    resp = client.post(
        "/assessments/programme-criteria",
        data={
            "csrf_token": "",
            "programme": "baznas",
            "question": "Mustahik menurut BAZNAS setempat?",
            "rule": "desk_yes",
            "params": "",
            "source": "BAZNAS kabupaten (tanpa kriteria nasional)",
            "valid_from": "2026-01-01",
            "valid_to": "2026-12-31",
            "active": "y",
        },
    )
    assert resp.status_code == 302
    crit = db.session.scalars(
        select(ProgrammeCriterion).where(ProgrammeCriterion.programme == "baznas")
    ).one()
    bad = client.post(
        f"/assessments/programme-criteria/{crit.id}",
        data={
            "csrf_token": "",
            "programme": "baznas",
            "question": "x",
            "rule": "desk_yes",
            "params": "{not json",
            "source": "s",
            "valid_from": "2026-01-01",
        },
    )
    assert bad.status_code == 422 and "JSON" in bad.get_data(as_text=True)
    staff = make_user(Role.STAFF)
    login(client, staff)
    assert client.get("/assessments/criteria").status_code == 403


def test_case_panel_queries_do_not_grow_with_its_rows(client, make_user, make_case, count_queries):
    staff = make_user(Role.STAFF)
    case = make_case(status=CaseStatus.IN_PROGRESS)
    _assess(case, staff)
    service.record_precheck(staff, case, "bsps", {}, date(2026, 11, 20), None)
    login(client, staff)
    headers = {"HX-Request": "true", "HX-Target": "assessment-panel"}
    url = f"/assessments/cases/{case.id}"  # read before counting: the test's own session reloads it
    client.get(url, headers=headers)
    with count_queries() as few:
        client.get(url, headers=headers)
    for _ in range(4):
        _assess(case, staff, walls="rusak_ringan")
        service.record_precheck(staff, case, "flpp", {}, date(2026, 11, 20), None)
    with count_queries() as many:
        html = client.get(url, headers=headers).get_data(as_text=True)
    assert html.count("penilaian ulang") == 4
    assert many.count == few.count, "\n".join(s[:150] for s in many.statements)
