"""Reports, exports, service levels and targets through the test client: scope, fragments, masking."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from krs.extensions import db
from krs.models import AuditLog, Case, CaseStatus, Event, Role, ServiceLevel, UnitTarget
from krs.reports import service
from krs.workdays import today_in
from tests.support import login, make_session


@pytest.fixture
def desk(units, make_user, make_case):
    people = {
        "admin": make_user(Role.ADMIN),
        "viewer": make_user(Role.VIEWER),
        "spv": make_user(Role.SUPERVISOR, units["jawa2"], full_name="Sri Supervisor"),
        "staff": make_user(Role.STAFF, units["jawa2"], full_name="Rina Staf"),
        "intern": make_user(Role.INTERN, units["jawa2"]),
        "staff3": make_user(Role.STAFF, units["jawa3"]),
    }
    mine = make_case(status=CaseStatus.CLOSED, name="Siti Jawa Dua", nik="3276015005900011")
    make_case(status=CaseStatus.IN_PROGRESS, name="Ahmad Jawa Dua", assignee=people["intern"])
    make_case(unit=units["jawa3"], status=CaseStatus.NEW, name="Dewi Jawa Tiga")
    return people, mine


def test_unit_dashboard_shows_only_the_own_unit(client, desk, units):
    people, _ = desk
    login(client, people["staff"])
    resp = client.get(f"/reports?unit={units['jawa3'].id}")
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "BP2P JAWA2" in body and 'hx-trigger="load"' in body
    assert "BP2P JAWA3" not in body
    assert client.get("/reports/ranking").status_code == 403


def test_tiles_are_fragments_for_htmx_and_pages_without(client, desk):
    people, _ = desk
    login(client, people["spv"])
    fragment = client.get(
        "/reports/tiles/volume", headers={"HX-Request": "true", "HX-Target": "tile-volume"}
    ).get_data(as_text=True)
    assert "<html" not in fragment and "<svg" in fragment and "Kasus masuk dan ditutup" in fragment
    page = client.get("/reports/tiles/volume").get_data(as_text=True)
    assert "<html" in page and "Kembali ke laporan" in page
    assert (
        client.get(
            "/reports/tiles/nope", headers={"HX-Request": "true", "HX-Target": "tile-nope"}
        ).status_code
        == 404
    )


def test_all_tiles_render_inline_without_javascript(client, desk):
    people, _ = desk
    login(client, people["admin"])
    body = client.get("/reports?inline=1").get_data(as_text=True)
    for title in (
        "Kasus masuk dan ditutup",
        "Tunggakan",
        "Jenis layanan",
        "Ketepatan waktu",
        "Hasil layanan",
        "Indeks Kepuasan",
        "Capaian target",
        "Penggunaan aplikasi",
    ):
        assert title in body


def test_viewer_sees_the_national_ranking_without_personal_data(client, desk, units):
    people, _ = desk
    login(client, people["viewer"])
    body = client.get("/reports/ranking").get_data(as_text=True)
    assert "BP2P JAWA2" in body and "BP2P JAWA3" in body
    usage = client.get(
        "/reports/tiles/usage", headers={"HX-Request": "true", "HX-Target": "tile-usage"}
    ).get_data(as_text=True)
    assert "Rina Staf" not in usage and "Sri Supervisor" not in usage and "Petugas 1" in usage
    login(client, people["admin"])
    assert "Rina Staf" in client.get(
        "/reports/tiles/usage", headers={"HX-Request": "true", "HX-Target": "tile-usage"}
    ).get_data(as_text=True)


def test_the_dashboard_numbers_match_the_service(client, desk, units):
    people, _ = desk
    login(client, people["admin"])
    body = client.get(
        f"/reports/tiles/volume?unit={units['jawa2'].id}",
        headers={"HX-Request": "true", "HX-Target": "tile-volume"},
    ).get_data(as_text=True)
    assert "<strong>2</strong> masuk" in body and "<strong>1</strong> ditutup" in body


def test_interns_cannot_open_reports(client, desk):
    people, _ = desk
    login(client, people["intern"])
    assert client.get("/reports").status_code == 403


# ---------------------------------------------------------------- exports


def _csv_rows(resp):
    text = resp.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_case_list_csv_has_the_screen_filters_and_rows(client, desk):
    people, mine = desk
    login(client, people["staff"])
    resp = client.get("/reports/cases.csv?view=all&status=closed")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = _csv_rows(resp)
    assert rows[0][0] == "No. kasus"
    assert [r[0] for r in rows[1:]] == [mine.number]
    assert rows[1][4] == "3276••••••••••11"  # masked for every role unless asked for (issue 13, point 7)
    listed = client.get("/cases?view=all&status=closed").get_data(as_text=True)
    assert "1 kasus" in listed  # the same number on the screen


def test_exports_mask_personal_data_for_interns_and_viewers(client, desk):
    people, _ = desk
    for role in ("intern", "viewer"):
        login(client, people[role])
        rows = _csv_rows(client.get("/reports/cases.csv?view=all"))
        assert len(rows) > 1
        for row in rows[1:]:
            assert "•" in row[4] and "•" in row[5]
            assert "3276015005900011" not in row


def test_case_list_xlsx_and_the_progress_cookie(client, desk):
    people, _ = desk
    login(client, people["spv"])
    resp = client.get("/reports/cases.xlsx?view=all&dl=abc123")
    assert resp.status_code == 200
    assert "krs_download=abc123" in resp.headers.get("Set-Cookie", "")
    ws = load_workbook(io.BytesIO(resp.get_data())).active
    numbers = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(numbers) == 2  # the two cases of Jawa II, not Jawa III's


def test_case_list_page_links_the_exports_with_its_filters(client, desk):
    people, _ = desk
    login(client, people["staff"])
    body = client.get("/cases?view=all&status=closed").get_data(as_text=True)
    assert "/reports/cases.csv?" in body and "status=closed" in body and "/reports/cases.xlsx?" in body


def _xlsx_rows(resp) -> list[list]:
    ws = load_workbook(io.BytesIO(resp.get_data())).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_query_count_does_not_grow_with_rows(client, desk, make_case, count_queries, monkeypatch, fmt):
    """Batches of 2 rows: anything loaded per row or per batch (services, applicants, people) would
    add statements between 3 and 9 rows; the export reads them all in one streamed statement."""
    from krs.reports import exports

    monkeypatch.setattr(exports, "BATCH", 2)
    people, _ = desk
    login(client, people["admin"])
    db.session.expire_all()  # both requests start from the same session state
    with count_queries() as few:
        resp = client.get(f"/reports/cases.{fmt}?view=all")
        assert len(_csv_rows(resp) if fmt == "csv" else _xlsx_rows(resp)) == 1 + 3
    for n in range(6):
        make_case(status=CaseStatus.IN_PROGRESS, services=("permits", "financing"), name=f"Banyak {n}")
    db.session.expire_all()
    with count_queries() as many:
        resp = client.get(f"/reports/cases.{fmt}?view=all")
        rows = _csv_rows(resp) if fmt == "csv" else _xlsx_rows(resp)
    assert len(rows) == 1 + 9
    assert sum(r[3].startswith("Banyak") for r in rows) == 6
    assert many.count == few.count


SLA_SHOWN = {
    "on_time": "Tepat waktu",
    "due_soon": "Segera jatuh tempo",
    "overdue": "Terlambat",
    "done": "Selesai",
}


def test_export_rows_hold_every_column_of_the_case(client, desk, make_case):
    """Each column as the case reads on screen: labels, local dates, services in order, the
    assignee, service-level state; empty cells empty; the XLSX holds the same values as the CSV."""
    from krs.service_levels import sla_state
    from krs.workdays import local_date

    people, closed = desk
    both = make_case(
        status=CaseStatus.IN_PROGRESS,
        name="Budi Dua Layanan",
        services=("permits", "cost_estimate"),
        assignee=people["staff"],
        channel="phone",
    )
    fresh = make_case(status=CaseStatus.NEW, name="Citra Belum Ditugaskan")
    login(client, people["spv"])
    csv_rows = {r[0]: r for r in _csv_rows(client.get("/reports/cases.csv?view=all"))[1:]}
    xlsx_rows = {r[0]: r for r in _xlsx_rows(client.get("/reports/cases.xlsx?view=all"))[1:]}
    today = today_in("Asia/Jakarta")

    def day(moment):
        return local_date(moment, "Asia/Jakarta").isoformat()

    assert csv_rows[closed.number] == [
        closed.number,
        "BP2P JAWA2",
        day(closed.created_at),
        "Siti Jawa Dua",
        "3276••••••••••11",  # the NIK masked unless asked for by an audited POST (issue 13, point 7)
        "081234567890",
        "Datang langsung",
        "Desain rumah",
        "Ditutup",
        closed.assignee.full_name,
        closed.first_response_due.isoformat(),
        closed.resolution_due.isoformat(),
        "Selesai",
        "Selesai ditangani",
        day(closed.closed_at),
        *_regions(closed.applicant),
    ]
    assert csv_rows[both.number][6:15] == [
        "Telepon",
        "Rencana anggaran biaya (RAB); Perizinan (PBG) dan sertifikat tanah",  # ordered by value
        "Ditindaklanjuti",
        "Rina Staf",
        both.first_response_due.isoformat(),
        both.resolution_due.isoformat(),
        SLA_SHOWN[sla_state(both, today)],
        "",
        "",
    ]
    assert csv_rows[fresh.number][8:10] == ["Baru", ""]
    assert len(csv_rows) == len(xlsx_rows) == 4  # Jawa II's cases only
    for number, row in csv_rows.items():  # the XLSX holds real dates where the CSV writes ISO text
        assert [
            "" if v is None else v.date().isoformat() if isinstance(v, datetime) else v
            for v in xlsx_rows[number]
        ] == row


def _regions(applicant) -> list[str]:
    from krs.regions import name_of

    codes = (applicant.province_code, applicant.regency_code, applicant.district_code, applicant.village_code)
    assert all(codes)
    return [value for code in codes for value in (name_of(code), code)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_keep_scope_and_masking_per_role(client, desk, units, fmt):
    """Plain-column rows keep the rules of the screen: interns only their assigned cases, a unit
    only its own, NIK and phone masked for interns and viewers in both formats."""
    from krs.access import mask_middle

    people, closed = desk

    def rows_for(role):
        login(client, people[role])
        resp = client.get(f"/reports/cases.{fmt}?view=all")
        assert resp.status_code == 200
        rows = (_csv_rows(resp) if fmt == "csv" else _xlsx_rows(resp))[1:]
        return {r[3]: r for r in rows}

    intern = rows_for("intern")
    assert list(intern) == ["Ahmad Jawa Dua"]
    ahmad = db.session.scalars(select(Case).where(Case.assignee_id == people["intern"].id)).one()
    assert intern["Ahmad Jawa Dua"][4] == mask_middle(ahmad.applicant.nik, 4, 2) != ahmad.applicant.nik
    assert intern["Ahmad Jawa Dua"][5] == "0812••••••90"

    viewer = rows_for("viewer")
    assert set(viewer) == {"Siti Jawa Dua", "Ahmad Jawa Dua", "Dewi Jawa Tiga"}
    assert viewer["Siti Jawa Dua"][4] == "3276••••••••••11"
    assert all("•" in r[4] and "•" in r[5] for r in viewer.values())

    spv = rows_for("spv")
    assert set(spv) == {"Siti Jawa Dua", "Ahmad Jawa Dua"}
    assert spv["Siti Jawa Dua"][4:6] == ["3276••••••••••11", "081234567890"]  # NIK masked (issue 13)
    assert set(rows_for("staff3")) == {"Dewi Jawa Tiga"}


def test_export_search_follows_the_list_search(client, desk):
    """The list's search clause has its own applicant table (a correlated EXISTS on PostgreSQL):
    the export joins an alias, so a name search still filters the rows."""
    people, closed = desk
    login(client, people["admin"])
    rows = _csv_rows(client.get("/reports/cases.csv?view=all&q=siti+jawa"))
    assert [r[0] for r in rows[1:]] == [closed.number]
    rows = _xlsx_rows(client.get("/reports/cases.xlsx?view=all&q=jawa&status=in_progress"))
    assert [r[3] for r in rows[1:]] == ["Ahmad Jawa Dua"]


def test_evaluation_workbook_has_a_sheet_per_section_with_the_screen_numbers(client, desk, units):
    people, _ = desk
    login(client, people["admin"])
    resp = client.get("/reports/evaluation.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.get_data()))
    assert wb.sheetnames == [
        "Ringkasan",
        "Per bulan",
        "Tunggakan",
        "Layanan dan kanal",
        "Waktu layanan",
        "Hasil dan rujukan",
        "IKM",
        "Profil responden IKM",
        "Target",
        "RAB diserahkan",  # issue 18
        "Pekerjaan RAB terbanyak",  # issue 18
        "Desain diserahkan",  # issue 18
        "Pendampingan pembangunan",  # issue 19
        "RTLH dan pra-periksa",  # issue 19
        "Penggunaan aplikasi",  # always last
    ]
    summary = {row[1]: row for row in wb["Ringkasan"].iter_rows(min_row=4, values_only=True)}
    assert summary["BP2P JAWA2"][2] == 2 and summary["BP2P JAWA3"][2] == 1
    assert summary["Semua unit terpilih"][2] == 3
    ranking = client.get("/reports/ranking").get_data(as_text=True)
    assert "BP2P JAWA2" in ranking


# ---------------------------------------------------------------- service levels and targets


def test_admin_edits_a_service_level_and_new_cases_follow_it(client, desk, make_case):
    people, _ = desk
    login(client, people["admin"])
    resp = client.post(
        "/reports/service-levels/permits",
        data={"permits-first_response_days": "1", "permits-resolution_days": "4"},
    )
    assert resp.status_code == 302
    row = db.session.get(ServiceLevel, "permits")
    assert (row.first_response_days, row.resolution_days) == (1, 4)
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "service_level.set")) is not None
    case = make_case(services=("permits",))
    from krs.workdays import add_working_days, local_date

    opened = local_date(case.created_at, "Asia/Jakarta")
    assert case.resolution_due == add_working_days(opened, 4)
    page = client.get("/reports/service-levels").get_data(as_text=True)
    assert "4 hari kerja" in page


def test_service_level_validation_and_who_may_edit(client, desk):
    people, _ = desk
    login(client, people["admin"])
    resp = client.post(
        "/reports/service-levels/permits",
        data={"permits-first_response_days": "5", "permits-resolution_days": "2"},
    )
    assert resp.status_code == 422
    assert "tidak boleh lebih pendek" in resp.get_data(as_text=True)
    login(client, people["spv"])
    page = client.get("/reports/service-levels").get_data(as_text=True)
    assert "Perizinan" in page and 'action="/reports/service-levels/' not in page
    assert client.post("/reports/service-levels/permits", data={}).status_code == 403


def test_admin_sets_targets_and_the_supervisor_sees_only_theirs(client, desk, units):
    people, _ = desk
    login(client, people["admin"])
    resp = client.post(
        f"/reports/targets/{units['jawa2'].id}/2026",
        data={
            f"u{units['jawa2'].id}-cases_served": "120",
            f"u{units['jawa2'].id}-within_sla_pct": "80",
            f"u{units['jawa2'].id}-min_ikm": "82.5",
            f"u{units['jawa2'].id}-field_visits": "30",
        },
    )
    assert resp.status_code == 302
    target = db.session.scalar(select(UnitTarget).where(UnitTarget.unit_id == units["jawa2"].id))
    assert (target.cases_served, float(target.min_ikm)) == (120, 82.5)
    bad = client.post(
        f"/reports/targets/{units['jawa2'].id}/2026", data={f"u{units['jawa2'].id}-min_ikm": "120"}
    )
    assert bad.status_code == 422 and "IKM berada antara 25 dan 100" in bad.get_data(as_text=True)
    login(client, people["spv"])
    page = client.get("/reports/targets?year=2026").get_data(as_text=True)
    assert "BP2P JAWA2" in page and "BP2P JAWA3" not in page and "Simpan target" not in page
    assert client.post(f"/reports/targets/{units['jawa2'].id}/2026", data={}).status_code == 403


# ---------------------------------------------------------------- SLA on the case desk


def test_case_list_filters_on_sla_state(client, desk, make_case, units):
    people, _ = desk
    today = today_in("Asia/Jakarta")
    late = make_case(status=CaseStatus.IN_PROGRESS, name="Terlambat Sekali")
    soon = make_case(status=CaseStatus.IN_PROGRESS, name="Hampir Jatuh Tempo")
    for case, due in ((late, today - timedelta(days=3)), (soon, today + timedelta(days=1))):
        db.session.execute(update(Case).where(Case.id == case.id).values(resolution_due=due))
    db.session.commit()
    login(client, people["spv"])
    overdue = client.get("/cases?sla=overdue").get_data(as_text=True)
    assert "Terlambat Sekali" in overdue and "Hampir Jatuh Tempo" not in overdue
    due_soon = client.get("/cases?sla=due_soon").get_data(as_text=True)
    assert "Hampir Jatuh Tempo" in due_soon and "Terlambat Sekali" not in due_soon
    on_time = client.get("/cases?sla=on_time").get_data(as_text=True)
    assert "Terlambat Sekali" not in on_time and "Ahmad Jawa Dua" in on_time
    assert "Siti Jawa Dua" not in on_time  # closed cases have no SLA state


def test_home_lists_only_the_latest_follow_ups_next_action(client, desk, make_case):
    people, _ = desk
    case = make_case(status=CaseStatus.IN_PROGRESS, name="Pemohon Tindak Lanjut")
    fresh = make_case(status=CaseStatus.IN_PROGRESS, name="Pemohon Jatuh Tempo")
    now = datetime.now(UTC)
    yesterday = date.today() - timedelta(days=1)
    db.session.add_all(
        [
            # an old follow-up asked for action yesterday, but a later one moved it to next week
            Event(
                case_id=case.id,
                kind="call",
                author_id=people["staff"].id,
                occurred_at=now - timedelta(minutes=3),
                next_action_date=yesterday,
            ),
            Event(
                case_id=case.id,
                kind="note",
                author_id=people["staff"].id,
                occurred_at=now - timedelta(minutes=2),
                next_action_date=date.today() + timedelta(days=7),
            ),
            Event(
                case_id=fresh.id,
                kind="call",
                author_id=people["staff"].id,
                occurred_at=now - timedelta(minutes=1),
                next_action_date=yesterday,
            ),
        ]
    )
    db.session.commit()
    login(client, people["spv"])
    body = client.get("/").get_data(as_text=True)
    section = body.split("Tindakan berikutnya")[1]
    assert fresh.number in section and case.number not in section


def test_report_service_periods_parse_safely():
    today = date(2026, 11, 27)
    assert service.parse_period(None, None, today) == service.Period(date(2026, 1, 1), today)
    assert service.parse_period("nonsense", "2026-13-40", today) == service.Period(date(2026, 1, 1), today)
    assert service.parse_period("2026-05-01", "2026-02-01", today) == service.Period(
        date(2026, 2, 1), date(2026, 5, 1)
    )


def test_people_served_tile_counts_cases_households_and_participants_separately(client, units, make_user):
    from datetime import timedelta

    from krs.workdays import today_in

    unit = units["jawa2"]
    staff = make_user(Role.STAFF, unit)
    held = today_in(unit.timezone) - timedelta(days=1)
    make_session(staff, unit, staff=[staff], held_on=held, participants_count=31, households_count=17)
    login(client, make_user(Role.SUPERVISOR, unit))
    start = (held - timedelta(days=5)).isoformat()
    frag = client.get(
        f"/reports/tiles/people?start={start}", headers={"HX-Request": "true", "HX-Target": "tile-people"}
    ).get_data(as_text=True)
    assert "<html" not in frag and "Orang yang dilayani" in frag
    assert '<td><strong>Rumah tangga</strong></td><td class="num"><strong>17</strong></td>' in frag
    assert '<td>Peserta sosialisasi</td><td class="num">31</td>' in frag
    assert "BP2P JAWA3" not in frag  # another unit's figures stay out


def test_case_list_xlsx_survives_control_characters_in_typed_text(client, desk, make_case):
    """A name pasted with a control character (found by the hostile-input walk) was a 500: XML has
    no such characters, so the export drops them and keeps the rest of the text."""
    people, _ = desk
    make_case(unit=people["spv"].unit, name="Siti\x0b Rahayu\x1f")
    login(client, people["spv"])
    resp = client.get("/reports/cases.xlsx?view=all")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.get_data())).active
    cells = [c for row in ws.iter_rows(min_row=2, values_only=True) for c in row if isinstance(c, str)]
    assert any("Siti Rahayu" in c for c in cells)


def test_ranking_shows_the_score_formula_and_sorts_by_column_links(client, desk, units):
    """Issue 14: a composite score with its formula on the page; column links sort server-side."""
    people, _ = desk
    login(client, people["viewer"])
    body = client.get("/reports/ranking").get_data(as_text=True)
    assert 'id="score-formula"' in body and "50% × bagian kasus ditutup dalam batas waktu" in body
    assert "sort=cases_in" in body and "dir=desc" in body
    jawa2, jawa3 = "BP2P JAWA2", "BP2P JAWA3"
    most = client.get("/reports/ranking?sort=cases_in&dir=desc").get_data(as_text=True)
    fewest = client.get("/reports/ranking?sort=cases_in&dir=asc").get_data(as_text=True)
    table = lambda page: page[page.index('id="ranking"') :]  # noqa: E731
    assert table(most).index(jawa2) < table(most).index(jawa3)
    assert table(fewest).index(jawa3) < table(fewest).index(jawa2)
    assert 'aria-sort="ascending"' in fewest and "table-wrap" not in fewest
