"""Active search on the case list: rows update while typing and the URL follows the filters."""

import re

from playwright.sync_api import expect

from krs.models import Role
from tests.support import TEST_PASSWORD, sign_in


def test_active_search_updates_rows_and_url(live_server, page, shot, units, make_user, make_case):
    staff = make_user(Role.STAFF, units["jawa2"], username="staf.cari")
    make_case(name="Siti Rahayu")
    make_case(name="Budi Santoso", services=("financing",))
    make_case(unit=units["jawa3"], name="Siti Tetangga")
    sign_in(page, live_server, staff.username, TEST_PASSWORD)
    page.goto(f"{live_server}/cases?view=all")
    rows = page.locator("#case-rows")
    expect(rows).to_contain_text("Budi Santoso")
    page.fill("input[name=q]", "siti")
    expect(rows).not_to_contain_text("Budi Santoso")
    expect(rows).to_contain_text("Siti Rahayu")
    expect(rows).not_to_contain_text("Siti Tetangga")  # another unit's household never shows
    expect(page).to_have_url(re.compile(r"q=siti"))
    page.fill("input[name=q]", "")
    page.select_option("select[name=service]", "financing")
    expect(rows).to_contain_text("Budi Santoso")
    expect(rows).not_to_contain_text("Siti Rahayu")
    expect(page).to_have_url(re.compile(r"service=financing"))
    shot("filtered")
    page.reload()  # the URL is shareable: the same filter after a reload
    expect(page.locator("select[name=service]")).to_have_value("financing")
    expect(rows).not_to_contain_text("Siti Rahayu")
