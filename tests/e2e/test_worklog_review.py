"""Intern logs a day (and a case follow-up) and submits the week → supervisor returns it → intern
fixes and resubmits → supervisor approves → the printable logbook shows the approved entries."""

from datetime import timedelta

from playwright.sync_api import expect

from krs.models import CaseStatus, Role
from krs.worklog import service
from tests.support import TEST_PASSWORD, sign_in, sign_out


def test_week_submitted_returned_fixed_and_approved(live_server, page, shot, units, make_user, make_case):
    intern = make_user(Role.INTERN, units["jawa2"], username="magang.uji", full_name="Ayu Lestari")
    spv = make_user(Role.SUPERVISOR, units["jawa2"], username="spv.uji", full_name="Joko Supervisor")
    today = service.today_for(intern)
    placement = service.save_placement(
        spv,
        service.PlacementData(
            intern.id,
            "Universitas Diponegoro",
            "Arsitektur",
            spv.id,
            today - timedelta(days=30),
            today + timedelta(days=60),
        ),
    )
    case = make_case(unit=units["jawa2"], status=CaseStatus.ASSIGNED, assignee=intern, name="Siti Aminah")

    # 1. the intern logs a follow-up on the case: it lands in the logbook by itself
    sign_in(page, live_server, "magang.uji", TEST_PASSWORD)
    page.goto(f"{live_server}/cases/{case.id}")
    page.select_option("select[name=kind]", "field_visit")
    page.fill("input[name=duration_minutes]", "90")
    page.fill("textarea[name=body]", "Survei rumah Bu Siti: atap bocor.")
    page.click("button:has-text('Simpan tindak lanjut')")
    expect(page.locator(".notice")).to_contain_text("Tindak lanjut tercatat")
    page.click("nav.mainnav a:has-text('Logbook')")
    expect(page.locator("#entries")).to_contain_text("Survei rumah Bu Siti: atap bocor.")
    expect(page.locator("#entries")).to_contain_text(case.number)
    expect(page.locator("#entries")).to_contain_text("dari tindak lanjut kasus")

    # 2. ... and types the rest of the day inline (htmx), then submits the week
    page.fill("#add-entry input[name=start_time]", "13:00")
    page.fill("#add-entry input[name=end_time]", "15:30")
    page.select_option("#add-entry select[name=category]", "design_drawing")
    page.fill("#add-entry textarea[name=description]", "Menggambar denah rumah.")
    page.click("#add-entry button:has-text('Simpan kegiatan')")
    expect(page.locator("#week-panel .notice")).to_contain_text("Kegiatan tercatat")
    expect(page.locator("#entries")).to_contain_text("Menggambar denah rumah.")
    expect(page.locator("#week-total")).to_have_text("4,0 jam")  # 90 + 150 minutes
    expect(page.locator("#totals")).to_contain_text("4,0")  # the totals beside refresh themselves
    shot("intern-day-logged")
    page.click("button:has-text('Ajukan minggu ini ke supervisor')")
    expect(page.locator("#week-panel .notice")).to_contain_text("diajukan kepada supervisor")
    expect(page.locator("#week-panel h2 .badge")).to_have_text("Diajukan")
    expect(page.locator("#add-entry")).to_have_count(0)  # locked while under review
    # let the totals finish refreshing: a request still in flight would renew the session cookie
    expect(page.locator("#totals #weeks")).to_contain_text("Diajukan")
    sign_out(page)

    # 3. the supervisor returns it from the queue with a comment (htmx, in place)
    sign_in(page, live_server, "spv.uji", TEST_PASSWORD)
    page.goto(f"{live_server}/worklog")
    row = page.locator("#review-queue tr", has_text="Ayu Lestari")
    expect(row).to_contain_text("4,0")
    row.locator("input[name=comment]").fill("Sebutkan untuk pemohon siapa denah itu digambar.")
    row.locator("button:has-text('Kembalikan')").click()
    expect(page.locator("#review-queue")).to_contain_text("Dikembalikan")
    shot("supervisor-returned")
    sign_out(page)

    # 4. the intern reads the comment, fixes the entry and resubmits
    sign_in(page, live_server, "magang.uji", TEST_PASSWORD)
    page.goto(f"{live_server}/worklog")
    expect(page.locator(".week-comment")).to_contain_text("Sebutkan untuk pemohon siapa")
    page.locator("#entries tr", has_text="Menggambar denah rumah.").locator("a:has-text('Ubah')").click()
    page.fill("textarea[name=description]", "Menggambar denah rumah untuk Bu Siti Aminah.")
    page.click("button:has-text('Simpan perubahan')")
    expect(page.locator(".flash-success")).to_contain_text("Kegiatan diperbarui")
    expect(page.locator("#entries")).to_contain_text("untuk Bu Siti Aminah")
    page.click("button:has-text('Ajukan ulang minggu ini')")
    expect(page.locator("#week-panel h2 .badge")).to_have_text("Diajukan")
    expect(page.locator("#totals #weeks")).to_contain_text("Diajukan")
    sign_out(page)

    # 5. the supervisor approves; the week is locked and the printable logbook shows it
    sign_in(page, live_server, "spv.uji", TEST_PASSWORD)
    page.goto(f"{live_server}/worklog")
    page.locator("#review-queue tr", has_text="Ayu Lestari").locator("button:has-text('Setujui')").click()
    expect(page.locator("#review-queue")).to_contain_text("Disetujui")
    page.goto(f"{live_server}/worklog/placements/{placement.id}/print")
    logbook = page.locator("#logbook-entries")
    expect(logbook).to_contain_text("Menggambar denah rumah untuk Bu Siti Aminah.")
    expect(logbook).to_contain_text("Survei rumah Bu Siti: atap bocor.")
    expect(logbook).to_contain_text(case.number)
    expect(page.locator("#approved-hours")).to_contain_text("4,0")
    expect(page.locator(".printable-logbook")).to_contain_text("Universitas Diponegoro")
    expect(page.locator(".print-approvals")).to_contain_text("Joko Supervisor")
    shot("printable-logbook")
    page.emulate_media(media="print")
    expect(page.locator("header.topbar")).to_be_hidden()
    shot("printable-logbook-print-media")
