"""Issue 16, field visits, in the browser: a staff member on a phone (390x844) records a visit with
three photos at once (the phone's position filled by static/js/geolocation.js), sees three
thumbnails on the timeline, opens the berita acara and prints it with Chromium (page.pdf()); the
PDF has the case number and the officer, the sheet and the photos page. Screenshots of the berita
acara (screen, print media) go to /work/wt/shots/h16v/ when that folder's parent exists."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from krs.extensions import db
from krs.models import CaseStatus, Event, Role
from tests.support import ARTIFACTS, TEST_PASSWORD, sign_in

SHOTS = Path("/work/wt/shots/h16v") if Path("/work/wt").is_dir() else ARTIFACTS / "field_visit"
GPS_IFD = 0x8825


def _photo(path: Path, colour: tuple[int, int, int], label: int) -> Path:
    """A phone-like photo (1600x1200) that carries a GPS position in its EXIF."""
    img = Image.new("RGB", (1600, 1200), colour)
    for x in range(0, 1600, 200):  # stripes, so the thumbnails show something
        img.paste(tuple(255 - c for c in colour), (x, 0, x + 60 + label * 20, 1200))
    exif = Image.Exif()
    exif[GPS_IFD] = {1: "S", 2: (6.0, 54.0, 30.0), 3: "E", 4: (107.0, 36.0, 10.0)}
    img.save(path, format="JPEG", exif=exif, quality=85)
    return path


def test_field_visit_with_three_photos_and_its_printed_report(
    live_server, page, units, make_user, make_case, tmp_path
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    unit = units["jawa2"]
    unit.letterhead_name = "Balai Pelaksana Penyediaan Perumahan Jawa II"
    unit.letterhead_address = "Jl. Raya Soreang Km 17, Kabupaten Bandung\nJawa Barat 40911"
    unit.letterhead_city = "Bandung"
    db.session.commit()
    staff = make_user(
        Role.STAFF,
        unit,
        username="staf.lapangan",
        full_name="Dedi Kurniawan",
        nip="198803152014021002",
        position="Fasilitator Teknis Perumahan",
    )
    case = make_case(unit=unit, status=CaseStatus.ASSIGNED, assignee=staff, name="Ujang Sopandi")
    photos = [
        _photo(tmp_path / f"IMG_2026112{i}.jpg", colour, i)
        for i, colour in enumerate([(180, 90, 40), (40, 120, 160), (90, 150, 60)])
    ]

    context = page.context
    context.grant_permissions(["geolocation"], origin=live_server)
    context.set_geolocation({"latitude": -6.914744, "longitude": 107.60981})
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "staf.lapangan", TEST_PASSWORD)
    page.goto(f"{live_server}/cases/{case.id}")

    form = page.locator("#follow-up form")
    form.locator("select[name=kind]").select_option("field_visit")
    page.wait_for_function("document.querySelector('input[name=latitude]').value !== ''")
    assert page.locator("[data-geo-status]").inner_text().startswith("Lokasi kunjungan tercatat")
    form.locator("textarea[name=body]").fill(
        "Atap seng bocor di dua titik, kuda-kuda kayu lapuk. Dinding bata retak di sisi timur."
    )
    form.locator("input[name=photos]").set_input_files([str(p) for p in photos])
    form.screenshot(path=str(SHOTS / "visit-form-390.png"))
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#case-body .notice:has-text('Tindak lanjut tercatat')")

    thumbs = page.locator("ul.thumbs img")
    assert thumbs.count() == 3
    page.locator("ul.thumbs").first.scroll_into_view_if_needed()  # thumbnails load lazily, in view
    page.wait_for_function(
        "[...document.querySelectorAll('ul.thumbs img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    assert "Lokasi: -6.914744, 107.609810" in page.locator("#timeline").inner_text()
    page.screenshot(path=str(SHOTS / "timeline-390.png"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    visit = db.session.query(Event).filter_by(case_id=case.id, kind="field_visit").one()
    assert len(visit.attachments) == 3

    href = page.locator("a.visit-report-link").get_attribute("href")
    page.goto(f"{live_server}{href}")
    page.wait_for_function(
        "[...document.querySelectorAll('.visit-photo-grid img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    assert page.locator(".visit-photo-grid img").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SHOTS / "berita-acara-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.screenshot(path=str(SHOTS / "berita-acara-1366.png"), full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(SHOTS / "berita-acara-print-media.png"), full_page=True)

    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    (SHOTS / "berita-acara.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm"):  # the printed pages as pictures, to look at (poppler-utils)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "60",
                "-png",
                str(SHOTS / "berita-acara.pdf"),
                str(SHOTS / "berita-acara-pdf"),
            ],
            check=True,
            timeout=60,
        )
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) == 2  # the report on one A4 page, the three photos on the next
    assert case.number in text and "Dedi Kurniawan" in text and "198803152014021002" in text
    assert "BERITA ACARA KUNJUNGAN LAPANGAN" in text and "Ujang Sopandi" in text
    assert "-6.914744, 107.609810" in text
    assert re.search(r"Saksi\s*\(aparat\s*desa/kelurahan\)", text)
    assert "Atap seng bocor" in reader.pages[0].extract_text()
    assert "Lampiran foto kunjungan" in reader.pages[1].extract_text()


def test_field_visit_without_location_permission_is_saved_without_coordinates(
    live_server, page, units, make_user, make_case, tmp_path
):
    """The officer does not allow the location (no permission in this browser): the form says so
    and the visit is saved with its photo and no coordinates."""
    unit = units["jawa2"]
    staff = make_user(Role.STAFF, unit, username="staf.tanpalokasi", full_name="Yanti Lestari")
    case = make_case(unit=unit, status=CaseStatus.ASSIGNED, assignee=staff)
    photo = _photo(tmp_path / "IMG_1.jpg", (120, 80, 60), 1)
    page.context.clear_permissions()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "staf.tanpalokasi", TEST_PASSWORD)
    page.goto(f"{live_server}/cases/{case.id}")
    form = page.locator("#follow-up form")
    form.locator("select[name=kind]").select_option("field_visit")
    page.wait_for_selector("[data-geo-status]:has-text('kunjungan disimpan tanpa koordinat')")
    form.locator("textarea[name=body]").fill("Rumah dikunjungi; pemilik tidak di tempat.")
    form.locator("input[name=photos]").set_input_files(str(photo))
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#case-body .notice:has-text('Tindak lanjut tercatat')")
    assert page.locator("ul.thumbs img").count() == 1
    visit = db.session.query(Event).filter_by(case_id=case.id, kind="field_visit").one()
    assert visit.latitude is None and visit.longitude is None
