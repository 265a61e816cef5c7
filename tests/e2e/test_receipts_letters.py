"""Issue 16 in the browser: the intake receipt and the referral letter printed to PDF by Chromium
(one page each, the case / letter number and the QR's URL in the text), the public status page
signed out, and screenshots of both sheets (1366x768) to look at."""

import io
import re
from datetime import date

from pypdf import PdfReader

from krs import public_links
from krs.extensions import db
from krs.models import Agency, Role
from krs.referrals import service
from tests.support import TEST_PASSWORD, sign_in


def _pdf_text(page) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


def test_receipt_and_letter_print_on_one_page(live_server, page, browser, units, make_user, make_case):
    unit = units["jawa2"]
    unit.letterhead_name = "Balai Pelaksana Penyediaan Perumahan Jawa II"
    unit.letterhead_address = "Jl. Raya Soreang Km 17, Kabupaten Bandung\nJawa Barat 40911"
    unit.letterhead_city = "Bandung"
    unit.letterhead_phone = "(022) 5891234"
    unit.letterhead_email = "krs.jawa2@pkp.go.id"
    db.session.commit()
    staff = make_user(
        Role.STAFF,
        unit,
        username="staf.cetak",
        full_name="Rina Kartika",
        nip="199012312015032001",
        position="Penata Kelola Perumahan Ahli Pertama",
    )
    case = make_case(unit=unit, name="Siti Aminah", services=("house_design", "financing"))
    agency = Agency(name="Dinas Perkim Kabupaten Bandung", kind="dinas_perkim", regency_code="32.04")
    db.session.add(agency)
    db.session.commit()
    referral = service.create_referral(
        staff,
        case,
        service.ReferralData(
            agency, "bsps", date(2026, 11, 27), "Mohon verifikasi calon penerima BSPS tahun 2027.", staff
        ),
    )

    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server, "staf.cetak", TEST_PASSWORD)

    # the receipt: the case page's button leads to it
    page.goto(f"{live_server}/cases/{case.id}")
    href = page.locator("a:has-text('Cetak tanda terima')").get_attribute("href")
    page.goto(f"{live_server}{href}")
    status_url = page.locator("#status-url").inner_text().strip()
    assert re.fullmatch(rf"{re.escape(live_server)}/status/[A-Za-z0-9_-]{{32}}", status_url)
    page.screenshot(path="/tmp/h16a_receipt.png")
    pages, text = _pdf_text(page)
    flat = re.sub(r"\s+", "", text)
    assert pages == 1
    assert case.number in text
    assert re.sub(r"\s+", "", status_url) in flat  # the QR's URL, printed under it

    # the referral letter
    page.goto(f"{live_server}/referrals/{referral.id}")
    page.click("a:has-text('Cetak surat pengantar')")
    page.wait_for_selector("#letter-number")
    page.screenshot(path="/tmp/h16a_letter.png")
    pages, text = _pdf_text(page)
    assert pages == 1
    assert referral.letter_number == "001/KRS-JAWA2/XI/2026" and referral.letter_number in text
    assert (
        "199012312015032001" in text and "Rina Kartika" in text and "Dinas Perkim Kabupaten Bandung" in text
    )

    # the public status page, signed out (a fresh browser context: no session cookie)
    context = browser.new_context()
    public = context.new_page()
    public.goto(status_url)
    body = public.locator("body").inner_text()
    assert case.number in body
    assert "Siti Aminah" not in body and case.applicant.nik not in body and "0812" not in body
    assert public_links.case_for_status_token(status_url.rsplit("/", 1)[1]).id == case.id
    context.close()
