"""Issue 19 (h19a) in the browser, on a phone (390×844): a staff member opens a demo case, does a
livability assessment with a photo of one component, reads the verdict with its reasons, runs
the BSPS pre-check, refers the household with the pre-check attached, then records two
construction stages. Screenshots of the
phone assessment go to /work/wt/shots/h19a/ (and test-artifacts/)."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from krs.demo.seed import DEMO_PASSWORD, seed_demo
from krs.extensions import db
from krs.models import Accompaniment, Agency, Assessment, Case, CaseStatus, PreCheck, Referral, Unit
from tests.e2e.test_accompaniment import record_two_stages
from tests.support import ARTIFACTS, JPEG, sign_in

SHOTS = ARTIFACTS / "assessment"


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), (150, 110, 70)).save(buf, format="JPEG")
    return buf.getvalue()


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_field_visit_on_a_phone(live_server, page, shot, tmp_path):
    seed_demo(n_cases=40)
    unit = db.session.scalars(select(Unit).where(Unit.code == "JAWA2")).one()
    assessed = select(Assessment.case_id)
    case = db.session.scalars(
        select(Case)
        .where(
            Case.unit_id == unit.id,
            Case.status.in_([CaseStatus.NEW, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS]),
            Case.id.not_in(assessed),
            Case.id.not_in(select(Accompaniment.case_id)),
        )
        .order_by(Case.id)
    ).first()
    assert case is not None
    # a household the BSPS criteria may fit: low income in zone 1, land with a certificate
    case.land_status = "shm"
    case.occupants, case.floor_area_m2 = 4, 36
    case.applicant.monthly_income = 2_500_000
    case.applicant.province_code, case.applicant.regency_code = "32", "32.04"
    db.session.add(Agency(name="Dinas Perkim Kabupaten Bandung", kind="dinas_perkim", regency_code="32.04"))
    db.session.commit()
    SHOTS.mkdir(parents=True, exist_ok=True)

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "staf.jawa2", DEMO_PASSWORD)
    page.goto(f"{live_server}/cases/{case.id}")
    page.wait_for_selector("#assessment-panel #new-assessment")
    page.click("#new-assessment")
    page.wait_for_selector("form.assessment-form")
    assert page.input_value("input[name=floor_area_m2]") == "36"
    assert page.input_value("input[name=occupants]") == "4"
    page.screenshot(path=str(SHOTS / "01-assessment-form-top.png"))

    for name in ("foundation", "sloof", "ring_beam", "roof_frame", "floor", "walls", "frames"):
        page.check(f"input[name=rating_{name}][value=baik]")
    page.check("input[name=rating_columns][value=rusak_berat]")
    page.check("input[name=rating_roof_cover][value=rusak_sedang]")
    page.set_input_files(
        "input[name=photo_columns]",
        files=[{"name": "kolom.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}],
    )
    for item in ("ventilation", "lighting", "toilet_septic", "drinking_water", "drain"):
        page.check(f"input[name=health_{item}][value=yes]")
    page.fill("input[name=floor_area_m2]", "36,5")
    # the tap targets of the scale are big: a whole label per choice
    choice = "label.survey-choice:has(input[name=rating_columns][value=rusak_berat])"
    box = page.locator(choice).bounding_box()
    assert box["height"] >= 44 and box["width"] >= 140
    assert _no_sideways_scroll(page)
    page.locator("#fs-rating_columns").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "02-assessment-columns-photo.png"))
    page.screenshot(path=str(SHOTS / "03-assessment-form-full.png"), full_page=True)
    page.click("button[type=submit]:has-text('Simpan penilaian')")

    # the verdict with the reason that decided it, and the photo
    page.wait_for_selector("#verdict")
    verdict = page.inner_text("#verdict")
    assert "Tidak layak huni" in verdict and "Kolom Rusak berat" in verdict
    assert page.locator("img.assessment-photo").count() == 1
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "04-verdict.png"), full_page=True)
    shot("verdict")

    # the BSPS pre-check
    page.click("#to-precheck")
    page.wait_for_selector("select[name=programme]")
    assert page.input_value("select[name=programme]") == "bsps"
    assert "bukan keputusan penerima bantuan" in page.inner_text("main")
    page.check("input[name=married][value=yes]")
    for radio in page.locator("input[type=radio][name^=q][value=yes]").all():
        radio.check()
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "05-precheck-form.png"), full_page=True)
    page.click("#save-precheck")
    page.wait_for_selector("#precheck-result")
    result = page.inner_text("#precheck-result")
    assert "Kemungkinan memenuhi" in result and "Penilaian RTLH terakhir: tidak layak huni" in result
    page.screenshot(path=str(SHOTS / "06-precheck-result.png"), full_page=True)

    # referral with the pre-check attached
    page.click("#refer")
    page.wait_for_selector("#referral-precheck")
    assert page.input_value("select[name=programme]") == "bsps"
    page.fill("textarea[name=purpose]", "Mohon verifikasi calon penerima BSPS; hasil pra-periksa terlampir.")
    page.click("button[type=submit]:has-text('Simpan rujukan')")
    page.wait_for_selector("#referral-precheck")
    assert "Kemungkinan memenuhi" in page.inner_text("#referral-precheck")
    page.screenshot(path=str(SHOTS / "07-referral.png"), full_page=True)

    db.session.expire_all()
    precheck = db.session.scalars(select(PreCheck).where(PreCheck.case_id == case.id)).one()
    referral = db.session.scalars(select(Referral).where(Referral.case_id == case.id)).one()
    assert referral.precheck_id == precheck.id and precheck.result == "kemungkinan_memenuhi"

    # the household builds: two construction stages on the same phone (issue 19's one field flow)
    photo = tmp_path / "kolom.jpg"
    photo.write_bytes(JPEG)
    record_two_stages(page, live_server, case, photo)
    assert "Kunjungan Tahap 30 %" in page.content()
    db.session.expire_all()
    accompaniment = db.session.scalars(select(Accompaniment).where(Accompaniment.case_id == case.id)).one()
    assert len(accompaniment.visits) == 2

    # the demo household assessed again after the works: before and after side by side
    again = db.session.scalars(
        select(Assessment).where(Assessment.unit_id == unit.id, Assessment.previous_id.is_not(None))
    ).first()
    page.goto(f"{live_server}/assessments/{again.id}")
    table = page.inner_text("#before-after")
    assert "Sebelum" in table and "Sesudah" in table
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "08-before-after-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.screenshot(path=str(SHOTS / "09-before-after-desktop.png"), full_page=True)
    page.goto(f"{live_server}/assessments/cases/{case.id}/new")
    page.screenshot(path=str(SHOTS / "10-assessment-form-desktop.png"))
