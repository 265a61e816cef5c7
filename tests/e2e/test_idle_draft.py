"""Issue 14: the idle warning with "Tetap masuk", and what was typed in the intake form when the
session ended comes back after signing in again (no redirect takes the tab away meanwhile)."""

from playwright.sync_api import expect

from krs.models import Role
from tests.support import TEST_PASSWORD, sign_in


def test_idle_warning_then_a_draft_survives_the_end_of_the_session(live_server, page, shot, app, make_user):
    staff = make_user(Role.STAFF, username="staf.lupa")
    old = app.config.get("KRS_IDLE_MINUTES")
    app.config["KRS_IDLE_MINUTES"] = 0.15  # 9 seconds; the warning 4.5 seconds before the end
    try:
        sign_in(page, live_server, staff.username, TEST_PASSWORD)
        page.goto(f"{live_server}/cases/new")
        page.fill("input[name=name]", "Ibu Setengah Ketik")
        page.fill("textarea[name=description]", "Atap bocor di kamar belakang, dinding retak.")
        stay = page.locator("#stay-signed-in")
        expect(stay).to_be_visible(timeout=15_000)
        shot("warning")
        stay.click()
        expect(stay).to_be_hidden()
        # no more activity: the session ends, the tab stays on the form with a notice
        expect(page.locator("#session-status")).to_contain_text("Sesi Anda telah berakhir", timeout=25_000)
        assert "/cases/new" in page.url
        expect(page.locator("input[name=name]")).to_have_value("Ibu Setengah Ketik")
        shot("ended")
        # send it as it is: half a form is what a person has at that moment
        page.click("main button[type=submit]:has-text('Simpan kasus')")
        page.wait_for_url(lambda url: "/login?next=" in url)
        page.fill("input[name=username]", staff.username)
        page.fill("input[name=password]", TEST_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/cases/new")
        expect(page.locator("input[name=name]")).to_have_value("Ibu Setengah Ketik")
        expect(page.locator("textarea[name=description]")).to_have_value(
            "Atap bocor di kamar belakang, dinding retak."
        )
        expect(page.locator("main")).to_contain_text("dikembalikan")
        shot("restored")
    finally:
        app.config["KRS_IDLE_MINUTES"] = old
