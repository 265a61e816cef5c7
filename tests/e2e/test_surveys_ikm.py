"""The desk hands out a survey link after closure; the applicant answers it without an account;
the supervisor sees the unit's IKM change on /reports."""

from playwright.sync_api import expect

from krs.models import CaseStatus, Role
from tests.support import ARTIFACTS, TEST_PASSWORD, sign_in, sign_out


def test_survey_through_the_token_link_changes_the_units_ikm(
    live_server, page, browser, shot, request, units, make_user, make_case
):
    staff = make_user(Role.STAFF, units["jawa2"], username="staf.ikm", full_name="Rina Staf")
    make_user(Role.SUPERVISOR, units["jawa2"], username="spv.ikm", full_name="Joko Supervisor")
    case = make_case(status=CaseStatus.CLOSED, name="Sulastri Wulandari")

    # 1. the supervisor's dashboard has no IKM yet
    sign_in(page, live_server, "spv.ikm", TEST_PASSWORD)
    page.goto(f"{live_server}/reports")
    expect(page.locator("#tile-ikm")).to_contain_text("Belum ada survei")
    shot("reports-before")
    sign_out(page)

    # 2. the desk creates the one-time link on the closed case
    sign_in(page, live_server, staff.username, TEST_PASSWORD)
    page.goto(f"{live_server}/cases/{case.id}")
    page.click("#survey-panel button:has-text('Buat tautan survei')")
    link = page.locator("#survey-panel input.survey-link")
    expect(link).to_be_visible()
    expect(page.locator("#survey-panel img.survey-qr")).to_be_visible()
    url = link.input_value()
    assert "/surveys/" in url
    shot("case-survey-link")
    sign_out(page)

    # 3. the applicant answers on their own phone: no account, nothing of the case
    applicant = browser.new_context(locale="id-ID", viewport={"width": 412, "height": 915})
    phone = applicant.new_page()
    phone.goto(url)
    expect(phone.locator("h1")).to_contain_text("Survei Kepuasan Masyarakat")
    expect(phone.locator("body")).not_to_contain_text(case.number)
    expect(phone.locator("body")).not_to_contain_text("Sulastri")
    phone.click("button:has-text('Kirim penilaian')")  # nothing chosen yet: told what to do
    expect(phone.locator(".alert-error")).to_contain_text("belum dijawab")
    for i in range(1, 10):
        phone.check(f"input[name=u{i}][value='{4 if i != 3 else 3}']")
    phone.fill("textarea[name=comment]", "Petugas ramah, desain sangat membantu.")
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(folder / "phone-filled.png"), full_page=True)
    phone.click("button:has-text('Kirim penilaian')")
    expect(phone.locator("h1")).to_have_text("Terima kasih!")
    phone.goto(url)
    expect(phone.locator("h1")).to_contain_text("tidak berlaku")  # used once
    applicant.close()

    # 4. the supervisor sees the unit's IKM: NRR 4 x8 and 3 x1 -> (35/9) x 25 = 97,22, grade A
    sign_in(page, live_server, "spv.ikm", TEST_PASSWORD)
    page.goto(f"{live_server}/reports")
    expect(page.locator("#tile-ikm")).to_contain_text("97,22")
    expect(page.locator("#tile-ikm")).to_contain_text("Mutu A")
    expect(page.locator("#tile-ikm")).to_contain_text("1 responden")
    shot("reports-after")
    page.goto(f"{live_server}/cases/{case.id}")
    expect(page.locator("#timeline")).to_contain_text("Survei diterima")
    expect(page.locator("#survey-panel")).to_contain_text("Survei diterima")
    shot("case-survey-received")
