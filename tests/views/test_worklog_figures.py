"""Logbook review (issue 14, point 8): every entry and the week's total on the page (no inner scroll
box), the same labelled figures on screen and in print, overlapping times flagged."""

from __future__ import annotations

import re
from datetime import time

from krs.worklog import service
from tests.views.test_worklog_views import HX, world  # noqa: F401  (the fixture)


def _figures(body: str) -> dict:
    return {
        key: re.search(rf'id="{key}">([^<]*)<', body).group(1)
        for key in ("hours-all", "hours-approved", "visits-all", "visits-approved", "entries-all")
    }


def test_screen_and_print_show_the_same_labelled_figures(world, login_as):  # noqa: F811
    people, monday = world
    intern = people["intern"]
    service.approve_week(people["spv"], service.week_of(intern, monday))
    today = service.today_for(intern)
    for n in range(2):  # two field visits this week, not yet approved
        service.add_entry(intern, service.EntryData(today, "field_visit", f"Kunjungan {n}", minutes=60))
    placement = service.placements_of(intern)[0]

    client = login_as(people["spv"])
    screen = client.get(f"/worklog/interns/{intern.id}").get_data(as_text=True)
    printed = client.get(f"/worklog/placements/{placement.id}/print").get_data(as_text=True)
    want = {
        "hours-all": "4,0",
        "hours-approved": "2,0",
        "visits-all": "3",
        "visits-approved": "1",
        "entries-all": "3",
    }
    assert _figures(screen) == _figures(printed) == want
    for body in (screen, printed):
        assert "Semua entri" in body and "Disetujui" in body
    assert "Entri minggu yang disetujui pembimbing lapangan" in printed  # what the printed list holds


def test_the_week_under_review_has_no_scroll_box_and_its_totals_sit_above_the_approve_button(
    world,  # noqa: F811
    login_as,
):
    people, monday = world
    intern = people["intern"]
    client = login_as(people["spv"])
    page = client.get(f"/worklog/interns/{intern.id}?week={monday.isoformat()}").get_data(as_text=True)
    panel = page[page.index('id="week-panel"') :]
    assert "table-wrap" not in panel[: panel.index("</table>")]
    summary = panel.index('id="week-summary"')
    assert panel.index('id="week-total"') < summary < panel.index("Setujui minggu ini")
    assert "1 entri · 2,0 jam · 1 kunjungan lapangan" in panel


def test_overlapping_times_are_saved_with_a_warning_and_flagged(world, login_as):  # noqa: F811
    people, _monday = world
    intern = people["intern"]
    client = login_as(intern)
    today = service.today_for(intern)
    first = {
        "work_date": today.isoformat(),
        "start_time": "08:00",
        "end_time": "10:00",
        "category": "desk_service",
        "description": "Layanan meja pagi.",
    }
    resp = client.post("/worklog/entries", data=first, headers={**HX, "HX-Target": "week-panel"})
    assert "bertumpang tindih" not in resp.get_data(as_text=True)
    second = {**first, "start_time": "09:30", "end_time": "11:00", "description": "Gambar denah."}
    resp = client.post("/worklog/entries", data=second, headers={**HX, "HX-Target": "week-panel"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Kegiatan tercatat." in body
    assert "bertumpang tindih dengan entri lain pada tanggal yang sama (08:00–10:00)" in body
    assert body.count("badge badge-overdue overlap") == 2
    # an entry that only touches the end of another is not an overlap
    service.add_entry(
        intern,
        service.EntryData(today, "other", "Rapat.", start_time=time(11, 0), end_time=time(12, 0)),
    )
    entries = service.entries_of_week(intern, intern, service.week_start_of(today))
    assert len(service.overlapping_ids(entries)) == 2

    week_start = service.week_start_of(today)
    service.submit_week(intern, week_start)
    queue = login_as(people["spv"]).get("/worklog").get_data(as_text=True)
    row = queue[queue.index(f'id="queue-week-{service.week_of(intern, week_start).id}"') :]
    assert "2 entri jam bertumpang tindih" in row[: row.index("</tr>")]
