"""At an outreach session, staff take in two households one after another from the session page."""

import re

from playwright.sync_api import expect

from krs.models import Role
from tests.support import TEST_PASSWORD, make_group, make_session, sign_in, valid_nik


def test_two_cases_taken_in_from_the_session_page(live_server, page, shot, units, make_user):
    staff = make_user(Role.STAFF, units["jawa2"], username="staf.sos", full_name="Rina Staf")
    intern = make_user(Role.INTERN, units["jawa2"], username="magang.sos", full_name="Dimas Magang")
    session = make_session(
        staff,
        units["jawa2"],
        staff=[staff, intern],
        topic="Sosialisasi BSPS di Depok",
        attendees=[valid_nik(301)],
        participants_count=25,
        households_count=18,
    )
    make_group(staff, units["jawa2"], name="KSM Sido Makmur", contact_name="Bapak Harun")

    sign_in(page, live_server, staff.username, TEST_PASSWORD)
    page.click("nav.mainnav a:has-text('Sosialisasi')")
    expect(page.locator("h1")).to_contain_text("Sosialisasi dan kelompok")
    expect(page.locator("#served")).to_contain_text("BP2P JAWA2")
    shot("outreach-index")
    page.click(f"a[href='/outreach/{session.id}']:has-text('Sosialisasi BSPS di Depok')")
    expect(page.locator("h1")).to_contain_text("Sosialisasi BSPS di Depok")
    expect(page.locator("#no-session-cases")).to_be_visible()

    households = [(valid_nik(311, female=True), "Siti Aminah"), (valid_nik(312), "Budi Santoso")]
    for i, (nik, name) in enumerate(households, start=1):
        form = page.locator("#session-intake form")
        form.locator("input[name=nik]").fill(nik)
        form.locator("input[name=name]").fill(name)
        form.locator("input[name=consent_given]").check()
        if i == 1:
            expect(form.locator("input[name=service_types][value=program_info]")).to_be_checked()
            shot("first-household-filled")
        form.locator("button:has-text('Simpan kasus dan lanjut')").click()
        expect(page.locator("#session-intake .notice")).to_contain_text(f"untuk {name} tercatat")
        expect(page.locator("#session-cases li").first).to_contain_text(name)
        expect(page.locator("#session-case-count")).to_have_text(str(i))
        # the form is empty again, ready for the next household, and has the focus
        expect(page.locator("#session-intake input[name=nik]")).to_have_value("")
        expect(page.locator("#session-intake input[name=consent_given]")).not_to_be_checked()
        expect(page.locator("#session-intake input[name=nik]")).to_be_focused()
    expect(page.locator("#session-cases li")).to_have_count(2)
    expect(page.locator("#no-session-cases")).to_be_hidden()
    # the households identified at the session now include both (and the one registered before)
    expect(page.locator("#session-counts")).to_contain_text("25 orang dari 18 rumah tangga")
    expect(page.locator("#session-counts")).to_contain_text("3 rumah tangga dikenali dari NIK")
    expect(page.locator("#session-attendees li")).to_have_count(3)
    shot("two-cases-taken-in")

    # still there after a reload (nothing only in the page), newest first, channel outreach
    page.reload()
    expect(page.locator("#session-cases li")).to_have_count(2)
    expect(page.locator("#session-cases li").first).to_contain_text("Budi Santoso")
    page.locator("#session-cases li").first.locator("a").click()
    expect(page.locator("h1")).to_contain_text(re.compile(r"KRS-JAWA2-\d{4}-000\d"))
    expect(page.locator("main")).to_contain_text("Sosialisasi/jemput bola")
    shot("case-from-session")

    # the figures count the three identified households once each
    page.goto(f"{live_server}/outreach")
    expect(page.locator("#served tbody tr").first).to_contain_text("BP2P JAWA2")
    shot("outreach-index-after")
    page.goto(f"{live_server}/outreach/groups?q=harun")
    expect(page.locator("main table")).to_contain_text("KSM Sido Makmur")
    page.click("a:has-text('KSM Sido Makmur')")
    expect(page.locator("#group-cases")).to_contain_text("KRS-JAWA2")
    shot("group-page")
