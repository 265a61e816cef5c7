"""Importing a backlog from Excel in the browser (issue 16, part 4): upload, the mapping's
guesses, the dry run with its progress polled by htmx, confirm, the import to done, and an
imported case opened. The jobs run on a worker thread here (not at once), as `make run` does."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from huey.storage import MemoryStorage
from playwright.sync_api import expect

from krs.jobs import huey
from krs.models import Role
from tests.import_files import backlog_xlsx, good_row
from tests.support import TEST_PASSWORD, sign_in


@pytest.fixture
def worker():
    """A queue in memory and a thread that runs its tasks, like `huey_consumer worker.huey`."""
    saved_storage, saved_immediate = huey.storage, huey._immediate
    huey._immediate, huey.storage = False, MemoryStorage("krs-e2e")
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            task = huey.dequeue()
            if task is None:
                time.sleep(0.1)
            else:
                huey.execute(task)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(10)
    huey.storage, huey._immediate = saved_storage, saved_immediate


def _widths(page, name: str) -> None:
    """With KRS_SHOTS_DIR set: the page at 1366 and 390 px wide (phone), to be looked at."""
    folder = os.environ.get("KRS_SHOTS_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
        wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not wide, f"{name} scrolls sideways at {width} px"
    page.set_viewport_size({"width": 1366, "height": 900})


def test_upload_map_check_confirm_and_open_a_case(
    live_server, page, shot, units, make_user, worker, tmp_path
):
    make_user(Role.SUPERVISOR, units["jawa2"], username="spv.impor", full_name="Rina Supervisor")
    rows = [good_row(n) for n in range(1500)]
    rows[3][2] = "1234"  # a bad NIK
    rows[7][1] = ""  # no name
    path = tmp_path / "arsip-kasus-2025.xlsx"
    path.write_bytes(backlog_xlsx(rows))

    sign_in(page, live_server, "spv.impor", TEST_PASSWORD)
    page.goto(f"{live_server}/")
    page.locator("nav.mainnav a", has_text="Impor").click()  # the menu's entry (wide screen: open)
    expect(page.get_by_role("heading", name="Impor data lama dari Excel")).to_be_visible()
    _widths(page, "1-upload")
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="Unggah dan cocokkan kolom").click()

    expect(page.get_by_role("heading", name="Cocokkan kolom")).to_be_visible()
    expect(page.locator("#col_nik")).to_have_value("2")  # guessed from the header "NIK"
    expect(page.locator("#col_village")).to_have_value("5")
    page.get_by_label("Lewati baris bermasalah, impor baris lainnya").check()
    shot("mapping")
    _widths(page, "2-mapping")
    page.get_by_role("button", name="Periksa (uji coba)").click()

    status = page.locator("#import-status")
    expect(status).to_contain_text("Menunggu konfirmasi", timeout=60_000)  # polled until the dry run ends
    expect(status).to_contain_text("1.500 baris: 1.498 siap diimpor, 2 bermasalah.")
    expect(status.locator("table.problems")).to_contain_text("NIK salah")
    expect(status.locator("table.problems")).to_contain_text("Nama kosong")
    shot("dry-run")
    _widths(page, "3-dry-run")

    page.get_by_role("button", name="Konfirmasi impor 1.498 kasus").click()
    expect(status).to_contain_text("Selesai diimpor", timeout=90_000)
    expect(status).to_contain_text("1.498 kasus dibuat.")
    shot("imported")
    _widths(page, "4-imported")

    first = status.locator("ul.imported-cases a").first
    number = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_contain_text(number)
    expect(page.locator("body")).to_contain_text("Diimpor dari Excel")
    expect(page.locator("body")).to_contain_text("arsip-kasus-2025.xlsx")
    _widths(page, "5-imported-case")
    page.goto(f"{live_server}/imports")
    _widths(page, "6-history")


def test_the_progress_is_shown_while_the_dry_run_runs(live_server, page, units, make_user, worker, tmp_path):
    make_user(Role.SUPERVISOR, units["jawa2"], username="spv.impor2", full_name="Rudi Supervisor")
    path = tmp_path / "besar.xlsx"
    path.write_bytes(backlog_xlsx([good_row(n) for n in range(4000)]))
    sign_in(page, live_server, "spv.impor2", TEST_PASSWORD)
    page.goto(f"{live_server}/imports")
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="Unggah dan cocokkan kolom").click()
    page.get_by_role("button", name="Periksa (uji coba)").click()
    status = page.locator("#import-status")
    expect(status).to_contain_text("Sedang diperiksa")  # the page right after the job was queued
    expect(status.locator("progress")).to_be_attached()
    expect(status).to_contain_text("Menunggu konfirmasi", timeout=90_000)
    expect(status.locator("progress")).to_have_count(0)
