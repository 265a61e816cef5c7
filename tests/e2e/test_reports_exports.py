"""The case-list export follows the filters chosen in place (htmx) and says it is being prepared."""

import csv
import io

from playwright.sync_api import expect

from krs.models import CaseStatus, Role
from tests.support import TEST_PASSWORD, sign_in


def test_export_follows_the_filters_on_screen(live_server, page, shot, units, make_user, make_case):
    make_user(Role.SUPERVISOR, units["jawa2"], username="spv.ekspor", full_name="Joko Supervisor")
    closed = make_case(status=CaseStatus.CLOSED, name="Ditutup Satu")
    make_case(status=CaseStatus.IN_PROGRESS, name="Berjalan Dua")
    sign_in(page, live_server, "spv.ekspor", TEST_PASSWORD)
    page.goto(f"{live_server}/cases?view=all")
    expect(page.locator("#case-rows")).to_contain_text("Berjalan Dua")
    page.select_option("select[name=status]", "closed")  # rows change in place, the URL follows
    expect(page.locator("#case-rows")).not_to_contain_text("Berjalan Dua")
    with page.expect_download() as download_info:
        page.click("a[data-export]:has-text('CSV')")
    path = download_info.value.path()
    rows = list(csv.reader(io.StringIO(open(path, encoding="utf-8-sig").read())))
    assert [r[0] for r in rows[1:]] == [closed.number]
    expect(page.locator(".export-progress").first).to_be_hidden()  # the file arrived
    shot("list-filtered")
