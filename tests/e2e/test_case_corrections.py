"""Issue 14: a desk officer corrects a case's floor area typed the Indonesian way, in the browser."""

from playwright.sync_api import expect

from krs.models import Role
from tests.support import TEST_PASSWORD, create_case, sign_in


def test_edit_floor_area_typed_with_a_comma(live_server, page, units, make_user):
    staff = make_user(Role.STAFF, units["jawa2"], username="staf.koreksi", full_name="Rina Staf")
    case = create_case(units["jawa2"], name="Siti Aminah", channel="outreach")

    sign_in(page, live_server, staff.username, TEST_PASSWORD)
    page.goto(f"{live_server}/cases/{case.id}")
    page.click("#edit-case")
    area = page.locator("input[name=floor_area_m2]")
    expect(area).to_have_attribute("inputmode", "decimal")
    area.fill("36,5")
    page.fill("textarea[name=reason]", "Diukur saat kunjungan lapangan.")
    page.click("button:has-text('Simpan perubahan')")
    expect(page.locator("#case-body")).to_contain_text("36,5 m²")
    expect(page.locator("#timeline")).to_contain_text("Data kasus diubah")
    expect(page.locator("#timeline")).to_contain_text("Diukur saat kunjungan lapangan.")
    page.click("#edit-case")
    expect(page.locator("input[name=floor_area_m2]")).to_have_value("36,5")
