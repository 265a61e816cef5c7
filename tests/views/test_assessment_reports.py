"""Issue 19 (h19a) evaluation: households assessed, share not livable, pre-checks by programme and
result per office — the dashboard tile (own office only for the desk) and the evaluation XLSX."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from krs.assessments import service
from krs.models import CaseStatus, Component, Role
from krs.reports import assessments as figures_module
from tests.support import login

COMPONENTS = tuple(c.value for c in Component)


def _assess(case, actor, day, **ratings):
    return service.record_assessment(
        actor,
        case,
        service.AssessmentData(
            assessed_on=day,
            ratings={c: ratings.get(c, "baik") for c in COMPONENTS},
            floor_area_m2=36,
            occupants=4,
            health={"toilet_septic": True, "drinking_water": True},
        ),
        None,
    )


def _world(units, make_user, make_case):
    s2 = make_user(Role.STAFF)
    s3 = make_user(Role.STAFF, unit=units["jawa3"])
    a = make_case(status=CaseStatus.IN_PROGRESS)
    b = make_case(status=CaseStatus.IN_PROGRESS)
    c = make_case(unit=units["jawa3"], status=CaseStatus.IN_PROGRESS)
    _assess(a, s2, date(2026, 3, 1), columns="rusak_berat")
    _assess(a, s2, date(2026, 6, 1))  # re-assessed after works: now livable, counted once
    _assess(b, s2, date(2026, 4, 1), sloof="rusak_sedang")
    _assess(c, s3, date(2026, 5, 1), foundation="rusak_berat")
    _assess(c, s3, date(2025, 5, 1))  # another year: not counted in 2026
    service.record_precheck(s2, b, "bsps", {}, date(2026, 4, 2), None)
    service.record_precheck(s2, b, "flpp", {}, date(2026, 4, 2), None)
    return s2


def test_figures_per_office_count_households_once(units, make_user, make_case):
    _world(units, make_user, make_case)
    figs = figures_module.figures([units["jawa2"], units["jawa3"]], date(2026, 1, 1), date(2026, 12, 31))
    j2, j3 = figs.rows
    assert (j2.households_assessed, j2.not_livable, j2.reassessed) == (2, 1, 1)
    assert j2.not_livable_pct == 50.0
    assert (j3.households_assessed, j3.not_livable) == (1, 1)
    assert figs.total.households_assessed == 3 and figs.total.not_livable == 2
    assert j2.prechecks["bsps"] == {"belum_diketahui": 1} and j2.prechecks_total == 2
    assert [code for code, _label in figs.programmes] == ["bsps", "flpp"]


def test_tile_and_evaluation_sheet(client, units, make_user, make_case):
    staff = _world(units, make_user, make_case)
    login(client, staff)
    resp = client.get(
        "/reports/tiles/assessments?start=2026-01-01&end=2026-12-31",
        headers={"HX-Request": "true", "HX-Target": "tile-assessments"},
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in html
    assert "Penilaian RTLH dan pra-periksa program" in html and "rumah tangga dinilai" in html
    assert units["jawa2"].name in html and units["jawa3"].name not in html  # own office only
    login(client, make_user(Role.ADMIN))
    resp = client.get("/reports/evaluation.xlsx?start=2026-01-01&end=2026-12-31")
    wb = load_workbook(io.BytesIO(resp.get_data()))
    ws = wb["RTLH dan pra-periksa"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header = rows[0]
    assert header[:4] == ["Unit", "Rumah tangga dinilai (RTLH)", "Tidak layak huni", "Tidak layak huni (%)"]
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name[units["jawa2"].name][1:4] == [2, 1, 50.0]
    assert by_name["Semua unit terpilih"][1] == 3


def test_ranking_notes_show_the_field_mechanism_per_office(client, units, make_user, make_case):
    """Issue 19 part 4: the ranking's notes carry the assessments, pre-checks and accompaniment."""
    import re

    _world(units, make_user, make_case)
    login(client, make_user(Role.ADMIN))
    html = client.get(
        f"/reports/ranking?start=2026-01-01&end=2026-12-31&unit={units['jawa2'].id}&unit={units['jawa3'].id}"
    ).get_data(as_text=True)
    assert "Catatan: mekanisme lapangan" in html
    table = html[html.index('id="field-notes-table"') :]
    row = re.search(rf"<tr><td>{re.escape(units['jawa2'].name)}</td>(.*?)</tr>", table, re.S).group(1)
    cells = re.findall(r'<td class="num">(.*?)</td>', row)
    assert cells[0] == "2" and cells[1].startswith("50") and cells[2] == "2", (
        cells
    )  # 2 houses, 50 %, 2 pre-checks
    row3 = re.search(rf"<tr><td>{re.escape(units['jawa3'].name)}</td>(.*?)</tr>", table, re.S).group(1)
    assert re.findall(r'<td class="num">(.*?)</td>', row3)[0] == "1"
