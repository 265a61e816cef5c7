"""Staff intake → supervisor assigns → staff follow-up → request closure → supervisor approves."""

import re

from playwright.sync_api import expect

from krs.models import Role
from tests.support import TEST_PASSWORD, sign_in, sign_out


def test_whole_case_lifecycle_in_the_browser(live_server, page, shot, units, make_user):
    staff = make_user(Role.STAFF, units["jawa2"], username="staf.uji", full_name="Rina Staf")
    make_user(Role.SUPERVISOR, units["jawa2"], username="spv.uji", full_name="Joko Supervisor")

    # 1. staff takes in a case
    sign_in(page, live_server, staff.username, TEST_PASSWORD)
    page.goto(f"{live_server}/cases/new")
    page.fill("input[name=nik]", "3276015005900007")
    expect(page.locator("#nik-check")).to_contain_text("NIK valid")
    page.fill("input[name=name]", "Siti Aminah")
    page.fill("input[name=phone]", "081234567001")
    page.select_option("select[name=province_code]", "32")
    expect(page.locator("select[name=regency_code] option[value='32.76']")).to_have_count(1)
    page.select_option("select[name=regency_code]", "32.76")
    expect(page.locator("select[name=district_code] option[value='32.76.01']")).to_have_count(1)
    page.select_option("select[name=district_code]", "32.76.01")
    expect(page.locator("select[name=village_code] option")).not_to_have_count(1)
    page.select_option("select[name=village_code]", index=1)
    page.fill("input[name=address]", "Jl. Kenanga No. 3")
    page.check("input[name=consent_given]")
    page.check("input[name=service_types][value=house_design]")
    page.fill("textarea[name=description]", "Minta gambar denah rumah tipe 36.")
    shot("intake-filled")
    page.click("form button[type=submit]:has-text('Simpan kasus')")
    expect(page.locator("h1")).to_contain_text(re.compile(r"KRS-JAWA2-\d{4}-0001"))
    expect(page.locator(".flash-success")).to_contain_text("tercatat")
    case_url = page.url
    shot("case-created")
    sign_out(page)

    # 2. supervisor assigns it in place (htmx)
    sign_in(page, live_server, "spv.uji", TEST_PASSWORD)
    page.goto(f"{live_server}/cases")
    expect(page.locator("#case-rows")).to_contain_text("Siti Aminah")  # lands on "unassigned"
    page.goto(case_url)
    page.select_option("select[name=assignee_id]", label="Rina Staf (Staf)")
    page.click("#assign-panel button:has-text('Tugaskan')")
    expect(page.locator(".notice")).to_contain_text("ditugaskan kepada Rina Staf")
    expect(page.locator("#timeline")).to_contain_text("kepada Rina Staf")
    shot("assigned")
    sign_out(page)

    # 3. staff records a follow-up: it appears in the timeline without a reload
    sign_in(page, live_server, staff.username, TEST_PASSWORD)
    page.goto(f"{live_server}/cases")
    expect(page.locator("#case-rows")).to_contain_text("Siti Aminah")  # lands on "my cases"
    page.goto(case_url)
    page.select_option("select[name=kind]", "field_visit")
    page.fill("input[name=duration_minutes]", "90")
    page.fill("textarea[name=body]", "Survei rumah: atap bocor, kolom tidak ada.")
    page.click("button:has-text('Simpan tindak lanjut')")
    expect(page.locator("#timeline li").first).to_contain_text("Survei rumah: atap bocor")
    expect(page.locator("h1 .badge").first).to_have_text("Ditindaklanjuti")
    page.click("summary:has-text('Ajukan penutupan')")
    page.select_option("select[name=outcome]", "resolved")
    page.fill("textarea[name=closure_summary]", "Denah dan RAB diserahkan.")
    page.click("form button:has-text('Ajukan penutupan')")
    expect(page.locator("h1 .badge").first).to_have_text("Menunggu persetujuan penutupan")
    shot("closure-requested")
    sign_out(page)

    # 4. supervisor approves the closure
    sign_in(page, live_server, "spv.uji", TEST_PASSWORD)
    expect(page.locator("main")).to_contain_text("Menunggu persetujuan penutupan")
    page.goto(case_url)
    page.click("button:has-text('Setujui penutupan')")
    expect(page.locator("h1 .badge").first).to_have_text("Ditutup")
    expect(page.locator("#timeline")).to_contain_text("Penutupan disetujui")
    shot("closed")
