"""Issue 19 part 3 in the browser, on a phone (390×844): staff start the construction accompaniment
of a case, record two stages with a photo and checklist marks, see the stage badge in the case
list, and print the stage report (Chromium's page.pdf(), text read back). Screenshots of the phone
stage form and the printed report go to /work/wt/shots/h19b/ (and test-artifacts/)."""

import io
import re

from pypdf import PdfReader

from krs.accompaniment import service
from krs.extensions import db
from krs.models import CaseStatus, Role
from tests.support import ARTIFACTS, JPEG, TEST_PASSWORD, sign_in

SHOTS = ARTIFACTS / "accompaniment"


def _shot(page, name: str) -> None:
    for folder in (SHOTS,):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / name), full_page=True)
        except OSError:
            pass


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def record_two_stages(page, live_server, case, photo) -> None:
    """From the case page (a phone): start the accompaniment, then record the 0 % stage (a photo,
    the concrete mix not as advised) and the 30 % stage (stirrups not as advised). Also the last
    steps of tests/e2e/test_assessment.py's field visit."""
    # the case page's panel (htmx) offers to start
    page.goto(f"{live_server}/cases/{case.id}")
    start = page.locator("#accompaniment-panel button:has-text('Mulai pendampingan')")
    start.wait_for()
    page.check("input[name=work_kind][value=build]")
    start.click()
    page.wait_for_url(re.compile(r"/accompaniment/cases/\d+/visit$"))

    # stage 0 %: a photo, concrete mix not as advised
    assert page.locator("#stage_id option:checked").inner_text().startswith("Tahap 0 %")
    assert _no_sideways_scroll(page)
    page.locator("#check-beton label:has-text('Tidak sesuai anjuran')").click()
    page.locator("#check-pondasi label.acc-mark-sesuai").click()
    page.fill("#advice", "Ukur campuran beton dengan ember: 1 semen, 2 pasir, 3 kerikil.")
    page.set_input_files("#photos", str(photo))
    _shot(page, "stage-form-390.png")
    page.click("#visit-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/accompaniment/cases/{case.id}$"))
    assert "Kunjungan Tahap 0 %" in page.content()

    # stage 30 %: stirrups not as advised
    page.click("a:has-text('Catat kunjungan tahap')")
    page.wait_for_url(re.compile(r"/visit$"))
    assert page.locator("#stage_id option:checked").inner_text().startswith("Tahap 30 %")
    page.fill("#progress_percent", "35")
    page.locator("#check-sengkang label:has-text('Tidak sesuai anjuran')").click()
    page.locator("#check-kolom label.acc-mark-sesuai").click()
    page.fill("#advice", "Begel kolom dirapatkan menjadi setiap 15 cm.")
    page.set_input_files("#photos", str(photo))
    page.click("#visit-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/accompaniment/cases/{case.id}$"))
    assert _no_sideways_scroll(page)


def test_phone_accompaniment_two_stages_badge_and_printed_report(
    live_server, page, units, make_user, make_case, tmp_path
):
    service.ensure_defaults()
    unit = units["jawa2"]
    unit.letterhead_name = "Balai Pelaksana Penyediaan Perumahan Jawa II"
    unit.letterhead_city = "Bandung"
    db.session.commit()
    staff = make_user(
        Role.STAFF,
        unit,
        username="staf.dampingan",
        full_name="Dedi Kurniawan",
        nip="198805122014021003",
        position="Teknik Tata Bangunan dan Perumahan",
    )
    case = make_case(unit=unit, status=CaseStatus.IN_PROGRESS, assignee=staff, name="Ibu Warsini")
    photo = tmp_path / "kolom.jpg"
    photo.write_bytes(JPEG)

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "staf.dampingan", TEST_PASSWORD)

    record_two_stages(page, live_server, case, photo)

    # the badge in the case list
    page.goto(f"{live_server}/cases?view=all")
    row = page.locator("tr", has_text=case.number)
    assert "Pendampingan 30 %" in row.inner_text()

    # the printed stage report of the 30 % visit
    page.goto(f"{live_server}/accompaniment/cases/{case.id}")
    page.locator("a:has-text('Cetak laporan tahap')").nth(1).click()
    page.wait_for_selector("#stage-report")
    page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    page.set_viewport_size({"width": 1366, "height": 900})
    _shot(page, "stage-report.png")
    reader = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    text = "\n".join(p.extract_text() for p in reader.pages)
    flat = re.sub(r"\s+", " ", text)
    assert len(reader.pages) <= 2
    assert case.number in flat and "Ibu Warsini" in flat
    assert "Laporan tahap pendampingan pembangunan" in flat
    assert "Tahap 30 %" in flat and "35 %" in flat
    assert "Begel / sengkang" in flat and "Tidak sesuai anjuran" in flat
    assert "Begel kolom dirapatkan" in flat
    assert "Dedi Kurniawan" in flat and "198805122014021003" in flat
    assert "BALAI PELAKSANA PENYEDIAAN PERUMAHAN JAWA II" in flat
