"""Browser: a transfer from jawa2 to jawa3 accepted by spv.jawa3; an admin creates a staff account
that must change its password at first sign-in."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from krs.models import CaseStatus, Role
from tests.support import TEST_PASSWORD, sign_in, sign_out


def test_transfer_from_jawa2_accepted_by_spv_jawa3(live_server, page, shot, units, make_user, make_case):
    make_user(Role.SUPERVISOR, units["jawa2"], username="spv.jawa2", full_name="Supervisor Jawa II")
    make_user(Role.SUPERVISOR, units["jawa3"], username="spv.jawa3", full_name="Supervisor Jawa III")
    staff = make_user(Role.STAFF, units["jawa2"], username="staf.jawa2", full_name="Staf Jawa II")
    make_user(Role.STAFF, units["jawa3"], username="staf.jawa3", full_name="Staf Klaten")
    case = make_case(unit=units["jawa2"], status=CaseStatus.IN_PROGRESS, assignee=staff, name="Sumarni")
    case_url = f"{live_server}/cases/{case.id}"

    # 1. the jawa2 supervisor sends the case to jawa3 with a reason
    sign_in(page, live_server, "spv.jawa2", TEST_PASSWORD)
    page.goto(case_url)
    page.click("a:has-text('Pindahkan ke unit lain')")
    page.select_option("select[name=to_unit_id]", label="BP2P JAWA3")
    page.fill("textarea[name=reason]", "Pemohon kini tinggal di Klaten, wilayah kerja BP2P Jawa III.")
    shot("transfer-form")
    page.click("button:has-text('Ajukan pemindahan')")
    expect(page.locator(".flash-success")).to_contain_text("menunggu keputusan unit tujuan")
    expect(page.locator("#pending-transfer")).to_contain_text("BP2P JAWA3")
    expect(page.locator("#timeline")).to_contain_text("Pemindahan diajukan — dari BP2P JAWA2 ke BP2P JAWA3")
    shot("transfer-pending-sender")
    sign_out(page)

    # 2. the jawa3 supervisor is told, sees enough of the case to decide, and accepts
    sign_in(page, live_server, "spv.jawa3", TEST_PASSWORD)
    expect(page.locator("#notif-counter .badge-count")).to_have_text("1")
    expect(page.locator("#workload")).to_contain_text(case.number)
    shot("home-receiving-supervisor")
    page.click("#workload a:has-text('Putuskan')")
    expect(page.locator("main")).to_contain_text("Sumarni")
    expect(page.locator("main")).to_contain_text("Pemohon kini tinggal di Klaten")
    shot("transfer-review")
    page.fill("textarea[name=comment]", "Diterima, akan ditugaskan ke staf Klaten.")
    page.click("button:has-text('Terima pemindahan')")
    expect(page.locator("h1")).to_contain_text(case.number)  # same number
    expect(page.locator(".flash-success")).to_contain_text("kini ditangani unit Anda")
    expect(page.locator(".case-head")).to_contain_text("BP2P JAWA3")
    expect(page.locator("h1 .badge").first).to_have_text("Baru")
    expect(page.locator("#timeline")).to_contain_text("dari BP2P JAWA2 ke BP2P JAWA3")
    expect(page.locator("#timeline")).to_contain_text("Konsultasi awal.")  # history intact
    shot("accepted-case-in-jawa3")

    # ... and hands it out from the "Belum ditugaskan" list with the bulk assignment (htmx)
    page.goto(f"{live_server}/cases?view=unassigned")
    page.check(f"input[name=case_ids][value='{case.id}']")
    page.select_option("#bulk-form select[name=assignee_id]", label="Staf Klaten")
    page.click("#bulk-form button:has-text('Tugaskan yang dipilih')")
    expect(page.locator("#bulk-result")).to_contain_text("1 kasus ditugaskan kepada Staf Klaten")
    expect(page.locator("#case-rows")).not_to_contain_text(case.number)  # the list refreshed itself
    shot("bulk-assigned")
    sign_out(page)

    # 3. the old unit no longer sees it
    sign_in(page, live_server, "spv.jawa2", TEST_PASSWORD)
    page.goto(case_url)
    expect(page.locator("main")).to_contain_text("Tidak ditemukan")
    page.click("#notif-counter")
    expect(page.locator("#notification-list")).to_contain_text("Pemindahan kasus diputuskan")
    expect(page.locator("#notification-list")).to_contain_text("Diterima")
    shot("sender-notifications")
    page.click("button:has-text('Tandai semua dibaca')")
    expect(page.locator("#notification-list li.unread")).to_have_count(0)


def test_admin_creates_staff_who_must_change_password(live_server, page, shot, units, make_user):
    make_user(Role.ADMIN, units["dit"], username="admin.uji", full_name="Admin Uji")
    sign_in(page, live_server, "admin.uji", TEST_PASSWORD)
    page.click("nav.mainnav a:has-text('Admin')")
    page.click("a.tile:has-text('Pengguna')")
    page.click("a:has-text('+ Akun baru')")
    page.fill("input[name=username]", "staf3.jawa2")
    page.fill("input[name=full_name]", "Dewi Lestari")
    page.select_option("select[name=role]", "staff")
    page.select_option("select[name=unit_id]", label="BP2P JAWA2")
    shot("new-account-form")
    page.click("button:has-text('Buat akun')")
    expect(page.locator("h1")).to_contain_text("Akun staf3.jawa2 dibuat")
    temporary = page.locator("#temporary-password").inner_text().strip()
    assert len(temporary) >= 10
    shot("temporary-password-shown")
    page.click("a:has-text('Kembali ke daftar pengguna')")
    expect(page.locator("main")).to_contain_text("wajib ganti kata sandi")
    sign_out(page)

    # first sign-in: every page leads to the password change until it is done
    sign_in(page, live_server, "staf3.jawa2", temporary)
    expect(page).to_have_url(re.compile(r"/password$"))
    expect(page.locator(".notice")).to_contain_text("ganti kata sandi awal")
    page.goto(f"{live_server}/cases")
    expect(page).to_have_url(re.compile(r"/password$"))
    shot("must-change-password")
    page.fill("input[name=current]", temporary)
    page.fill("input[name=new]", "Rumah-Layak-2026")
    page.fill("input[name=confirm]", "Rumah-Layak-2026")
    page.click("button:has-text('Simpan kata sandi')")
    expect(page.locator(".flash-success")).to_contain_text("Kata sandi diganti")
    expect(page.locator("h1")).to_contain_text("Selamat datang, Dewi Lestari")
    page.goto(f"{live_server}/cases")
    expect(page.locator("h1")).to_contain_text("Kasus")
    shot("signed-in-after-change")
