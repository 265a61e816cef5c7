"""A staff member registers a community group and its first case, then records a session."""

from playwright.sync_api import expect

from krs.models import Role
from tests.support import TEST_PASSWORD, sign_in


def _choose_village(page) -> None:
    page.select_option("select[name=province_code]", "32")
    expect(page.locator("select[name=regency_code] option[value='32.76']")).to_have_count(1)
    page.select_option("select[name=regency_code]", "32.76")
    expect(page.locator("select[name=district_code] option[value='32.76.01']")).to_have_count(1)
    page.select_option("select[name=district_code]", "32.76.01")
    expect(page.locator("select[name=village_code] option")).not_to_have_count(1)
    page.select_option("select[name=village_code]", index=1)


def test_group_intake_and_a_new_session_in_the_browser(live_server, page, shot, units, make_user):
    staff = make_user(Role.STAFF, units["jawa2"], username="staf.klp", full_name="Rina Staf")
    make_user(Role.INTERN, units["jawa2"], username="magang.klp", full_name="Dimas Magang")
    sign_in(page, live_server, staff.username, TEST_PASSWORD)

    page.goto(f"{live_server}/cases")
    page.click("a:has-text('+ Kasus kelompok')")
    page.fill("input[name=name]", "KSM Sido Makmur")
    page.select_option("select[name=group_kind]", "ksm")
    _choose_village(page)
    page.fill("input[name=member_households]", "15")
    page.fill("textarea[name=members]", "Ibu Sari, 3276015005900045\nPak Joko")
    page.fill("input[name=contact_name]", "Bapak Harun Pratama")
    page.fill("input[name=contact_nik]", "3276011005900123")
    page.fill("input[name=phone]", "081298765432")
    page.check("input[name=consent_given]")
    page.check("input[name=service_types][value=house_design]")
    page.fill("textarea[name=description]", "KSM minta desain rumah contoh untuk 15 anggota.")
    shot("group-intake-filled")
    page.click("button:has-text('Simpan kelompok dan kasus')")
    expect(page.locator(".flash-success")).to_contain_text("Kelompok KSM Sido Makmur terdaftar")
    expect(page.locator("#group-cases")).to_contain_text("KRS-JAWA2")
    expect(page.locator("#group-members")).to_contain_text("Ibu Sari")
    shot("group-page")

    # the case page of a group case shows the group and goes through the usual lifecycle
    page.locator("#group-cases a").first.click()
    expect(page.locator("main")).to_contain_text("Pemohon kelompok")
    expect(page.locator("main")).to_contain_text("Bapak Harun Pratama")
    shot("group-case")

    page.goto(f"{live_server}/outreach/new")
    page.fill("input[name=topic]", "Penyuluhan rumah tahan gempa")
    page.check("input[name=services][value=construction]")
    _choose_village(page)
    page.fill("input[name=place]", "Balai desa")
    page.get_by_label("Dimas Magang (Magang)").check()
    page.fill("input[name=participants_count]", "30")
    page.fill("input[name=households_count]", "22")
    page.fill("input[name=held_on]", "2026-11-20")
    shot("session-form")
    page.click("button:has-text('Simpan sosialisasi')")
    expect(page.locator("h1")).to_contain_text("Penyuluhan rumah tahan gempa")
    expect(page.locator("#session-counts")).to_contain_text("30 orang dari 22 rumah tangga")
    expect(page.locator("main")).to_contain_text("Dimas Magang")
