"""Excel that works for Excel users (issue 16, part 8): every XLSX read back with openpyxl has real
dates and numbers (not text), a frozen header, an autofilter over its table, column widths, and the
case list carries the applicant's region names and codes."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from krs.models import CaseStatus, Role
from krs.worklog import service as worklog
from tests.support import login


def _book(resp):
    assert resp.status_code == 200
    return load_workbook(io.BytesIO(resp.get_data()))


def test_case_list_xlsx_is_a_table_with_dates_and_regions(client, units, make_user, make_case):
    spv = make_user(Role.SUPERVISOR, units["jawa2"])
    closed = make_case(status=CaseStatus.CLOSED)
    make_case(status=CaseStatus.IN_PROGRESS)
    login(client, spv)
    ws = _book(client.get("/reports/cases.xlsx?view=all")).active
    header = [c.value for c in ws[1]]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:W{ws.max_row}" and ws.max_row == 3
    assert ws["A1"].font.b
    assert ws.column_dimensions["D"].width == 28  # the applicant's name
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    row = rows[closed.number]
    for title in ("Tanggal masuk", "Batas respons pertama", "Batas penyelesaian", "Tanggal ditutup"):
        cell = row[header.index(title)]
        assert cell.is_date and cell.number_format == "DD/MM/YYYY", title
    assert row[header.index("Batas penyelesaian")].value.date() == closed.resolution_due
    regions = {title: row[header.index(title)].value for title in header[15:]}
    assert regions == {
        "Provinsi": "Jawa Barat",
        "Kode provinsi": "32",
        "Kabupaten/kota": regions["Kabupaten/kota"],
        "Kode kabupaten/kota": "32.76",
        "Kecamatan": regions["Kecamatan"],
        "Kode kecamatan": "32.76.01",
        "Desa/kelurahan": regions["Desa/kelurahan"],
        "Kode desa/kelurahan": "32.76.01.1006",
    }
    assert all(regions[t] for t in ("Kabupaten/kota", "Kecamatan", "Desa/kelurahan"))
    assert "Depok" in regions["Kabupaten/kota"]


def test_case_list_xlsx_masks_the_village_like_the_address(client, units, make_user, make_case):
    viewer = make_user(Role.VIEWER)
    make_case(status=CaseStatus.IN_PROGRESS)
    login(client, viewer)
    ws = _book(client.get("/reports/cases.xlsx?view=all")).active
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    assert row[header.index("Provinsi")] == "Jawa Barat"
    assert row[header.index("Desa/kelurahan")] is None and row[header.index("Kode desa/kelurahan")] is None


def test_evaluation_sheets_are_tables_with_numbers(client, units, make_user, make_case):
    make_case(status=CaseStatus.CLOSED)
    login(client, make_user(Role.ADMIN))
    wb = _book(client.get("/reports/evaluation.xlsx"))
    summary = wb["Ringkasan"]
    assert summary.freeze_panes == "A4" and summary.auto_filter.ref.startswith("A3:N")
    assert summary.column_dimensions["A"].width == 32
    jawa2 = next(r for r in summary.iter_rows(min_row=4) if r[1].value == "BP2P JAWA2")
    assert jawa2[2].data_type == "n" and jawa2[2].value == 1  # cases in: a number
    for ws in wb.worksheets:
        assert ws.freeze_panes, ws.title
        assert ws.auto_filter.ref, ws.title
    monthly = wb["Per bulan"]
    assert monthly.freeze_panes == "A2" and monthly.auto_filter.ref == f"A1:D{monthly.max_row}"
    assert all(r[2].data_type == "n" for r in monthly.iter_rows(min_row=2))


def test_logbook_xlsx_has_a_frozen_filtered_table_of_entries(client, units, make_user):
    intern = make_user(Role.INTERN, units["jawa2"])
    spv = make_user(Role.SUPERVISOR, units["jawa2"])
    today = worklog.today_for(intern)
    monday = worklog.week_start_of(today) - timedelta(days=7)
    worklog.save_placement(
        spv,
        worklog.PlacementData(
            intern.id, "Universitas X", "Teknik Sipil", spv.id, monday - timedelta(days=7), today
        ),
    )
    for text in ("Survei rumah", "Menggambar denah"):
        worklog.add_entry(intern, worklog.EntryData(monday, "field_visit", text, minutes=90))
    worklog.submit_week(intern, monday)
    worklog.approve_week(spv, worklog.week_of(intern, monday))
    placement = worklog.placements_of(intern)[0]
    login(client, intern)
    ws = _book(client.get(f"/worklog/placements/{placement.id}/logbook.xlsx")).active
    header_row = next(r[0].row for r in ws.iter_rows() if r[0].value == "Tanggal")
    assert ws.freeze_panes == f"A{header_row + 1}"
    assert ws.auto_filter.ref == f"A{header_row}:G{header_row + 2}"  # the two entries, not the totals
    entries = list(ws.iter_rows(min_row=header_row + 1, max_row=header_row + 2))
    assert all(r[0].is_date and r[2].value == pytest.approx(1.5) and r[2].data_type == "n" for r in entries)
    assert ws.column_dimensions["E"].width == 60
