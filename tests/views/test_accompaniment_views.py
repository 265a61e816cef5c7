"""Construction accompaniment pages (issue 19 part 3): the case panel as fragment and page, scope by
office and role, starting and recording a stage with photos and marks, a stale version, the stage
report (masked for viewers), the case list's badge with a flat query count, the home page's
overdue visits and the admin reference data."""

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from krs.accompaniment import service
from krs.extensions import db
from krs.models import (
    Accompaniment,
    AccompanimentStage,
    AccompanimentVisit,
    Attachment,
    AuditLog,
    CaseStatus,
    Role,
    User,
)
from tests.support import JPEG, accompaniment_for, login


@pytest.fixture(autouse=True)
def _ref():
    service.ensure_defaults()


@pytest.fixture
def case(make_case, make_user):
    intern = make_user(Role.INTERN, username="magang.acc")
    return make_case(status=CaseStatus.IN_PROGRESS, assignee=intern, name="Ibu Sumarni")


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def _visit_form(case, stage, progress, **extra):
    items = service.check_items()
    data = {
        "version": str(case.version),
        "stage_id": str(stage.id),
        "visit_date": date.today().isoformat(),
        "officer_id": str(case.created_by_id),
        "progress_percent": str(progress),
        "advice": "Tambah begel kolom.",
        **{f"mark_{i.id}": "sesuai" for i in items},
    }
    data.update(extra)
    return data


def test_panel_is_a_fragment_for_htmx_and_a_page_without(app, case):
    client = _client(app, case.created_by)
    frag = client.get(f"/accompaniment/cases/{case.id}", headers={"HX-Request": "true"})
    body = frag.get_data(as_text=True)
    assert frag.status_code == 200 and "<html" not in body and "Mulai pendampingan" in body
    page = client.get(f"/accompaniment/cases/{case.id}").get_data(as_text=True)
    assert "<html" in page and "Mulai pendampingan" in page
    assert "accompaniment-panel" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_start_and_record_two_stages_with_photo_and_marks(app, case):
    client = _client(app, case.created_by)
    resp = client.post(
        f"/accompaniment/cases/{case.id}/start",
        data={"version": str(case.version), "work_kind": "build", "started_on": date.today().isoformat()},
    )
    assert resp.status_code == 302 and resp.headers["Location"].endswith(
        f"/accompaniment/cases/{case.id}/visit"
    )
    form = client.get(f"/accompaniment/cases/{case.id}/visit").get_data(as_text=True)
    assert "Begel / sengkang" in form and "Tidak sesuai anjuran" in form and 'type="file"' in form
    stages = service.stages()
    items = {i.code: i for i in service.check_items()}
    db.session.refresh(case)
    data = _visit_form(case, stages[0], 0, **{f"mark_{items['beton'].id}": "tidak_sesuai"})
    data["photos"] = [(io.BytesIO(JPEG), "rumah.jpg"), (io.BytesIO(JPEG), "b.jpg")]
    resp = client.post(f"/accompaniment/cases/{case.id}/visit", data=data, content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    db.session.refresh(case)
    resp = client.post(f"/accompaniment/cases/{case.id}/visit", data=_visit_form(case, stages[1], 30))
    assert resp.status_code == 302
    acc = db.session.scalars(select(Accompaniment).where(Accompaniment.case_id == case.id)).one()
    assert acc.current_stage_id == stages[1].id and acc.progress_percent == 30
    first = db.session.scalars(
        select(AccompanimentVisit).where(AccompanimentVisit.stage_id == stages[0].id)
    ).one()
    assert len(first.photos) == 2 and all(p.attachment.case_id == case.id for p in first.photos)
    assert {c.item.code: c.mark for c in first.checks}["beton"] == "tidak_sesuai"
    panel = client.get(f"/accompaniment/cases/{case.id}").get_data(as_text=True)
    assert "Cetak laporan tahap" in panel and "Campuran beton" in panel  # the item not as advised
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.entity == "accompaniment")).all()
    assert actions == ["accompaniment.start", "accompaniment.visit", "accompaniment.visit"]


def test_a_stale_version_is_a_conflict(app, case):
    accompaniment_for(case, stages_done=0)
    client = _client(app, case.created_by)
    stale = case.version - 1
    data = _visit_form(case, service.stages()[0], 0, version=str(stale))
    resp = client.post(f"/accompaniment/cases/{case.id}/visit", data=data)
    assert resp.status_code == 409
    assert "baru saja diubah" in resp.get_data(as_text=True)
    assert db.session.scalar(select(AccompanimentVisit.id)) is None


def test_bad_input_is_refused_in_indonesian(app, case):
    accompaniment_for(case, stages_done=0)
    client = _client(app, case.created_by)
    data = _visit_form(case, service.stages()[0], 150)
    resp = client.post(f"/accompaniment/cases/{case.id}/visit", data=data)
    assert resp.status_code == 422 and "Isi 0 sampai 100." in resp.get_data(as_text=True)


def test_scope_other_office_and_unassigned_intern_get_404(app, case, make_user, units):
    acc = accompaniment_for(case)
    visit_id = acc.visits[0].id
    stranger = make_user(Role.STAFF, units["jawa3"], username="staf.lain")
    other_intern = make_user(Role.INTERN, username="magang.lain")
    for user in (stranger, other_intern):
        client = _client(app, user)
        assert client.get(f"/accompaniment/cases/{case.id}").status_code == 404
        assert client.get(f"/accompaniment/visits/{visit_id}/report").status_code == 404
        assert client.post(f"/accompaniment/cases/{case.id}/start", data={}).status_code == 404
    # the intern the case is assigned to records its visits
    intern = db.session.scalars(select(User).where(User.username == "magang.acc")).one()
    client = _client(app, intern)
    assert client.get(f"/accompaniment/cases/{case.id}/visit").status_code == 200


def test_viewer_reads_the_report_without_personal_data(app, case, make_user):
    case.applicant.address = "Jl. Melati 7 RT 02"
    db.session.commit()
    acc = accompaniment_for(case)
    viewer = make_user(Role.VIEWER, username="evaluator.acc")
    client = _client(app, viewer)
    body = client.get(f"/accompaniment/visits/{acc.visits[0].id}/report").get_data(as_text=True)
    assert case.number in body and "Tahap 0 %" in body
    assert "Jl. Melati" not in body and case.applicant.nik[:4] + "•" not in body
    assert client.post(f"/accompaniment/cases/{case.id}/start", data={}).status_code == 403
    panel = client.get(f"/accompaniment/cases/{case.id}").get_data(as_text=True)
    assert "Catat kunjungan tahap" not in panel
    staff_body = _client(app, case.created_by).get(f"/accompaniment/visits/{acc.visits[0].id}/report")
    text = staff_body.get_data(as_text=True)
    assert "Jl. Melati" in text and case.applicant.nik[:4] in text and case.applicant.nik not in text


def test_case_list_shows_the_stage_badge_with_a_flat_query_count(app, make_case, count_queries, units):
    first = make_case(status=CaseStatus.IN_PROGRESS)
    accompaniment_for(first, stages_done=2)
    staff = db.session.get(User, first.created_by_id)
    client = _client(app, staff)
    with count_queries() as few:
        body = client.get("/cases?view=all").get_data(as_text=True)
    assert "Pendampingan 30 %" in body
    for i in range(6):
        c = make_case(status=CaseStatus.IN_PROGRESS, name=f"Dampingan {i}")
        accompaniment_for(c, stages_done=i % 3)
    with count_queries() as many:
        body = client.get("/cases?view=all").get_data(as_text=True)
    assert body.count("badge badge-acc") == 7
    assert many.count == few.count, many.statements


def test_home_page_lists_overdue_stage_visits(app, case):
    today = date.today()
    accompaniment_for(case, today=today - timedelta(days=90))  # the 30 % visit fell due long ago
    staff = case.created_by
    case_service_assignee = db.session.get(User, case.assignee_id)
    home = _client(app, staff).get("/").get_data(as_text=True)
    assert 'id="accompaniment-overdue"' in home  # rendered inline (issue 17): the home is one request
    assert 'hx-get="/accompaniment/overdue"' not in home
    assignee_home = _client(app, case_service_assignee).get("/").get_data(as_text=True)
    listed = assignee_home.split('id="accompaniment-overdue"', 1)[1].split("</article>", 1)[0]
    assert case.number in listed and "Tahap 30 %" in listed
    frag = _client(app, case_service_assignee).get("/accompaniment/overdue", headers={"HX-Request": "true"})
    body = frag.get_data(as_text=True)
    assert "<html" not in body and case.number in body and "Tahap 30 %" in body
    # staff see the overdue visits of the cases assigned to them: this one is the intern's
    assert case.number not in _client(app, staff).get("/accompaniment/overdue").get_data(as_text=True)


def test_admin_edits_the_reference_data(app, make_user):
    admin = make_user(Role.ADMIN, username="admin.acc")
    client = _client(app, admin)
    page = client.get("/accompaniment/settings").get_data(as_text=True)
    assert "Tahap 30 %" in page and "Begel / sengkang" in page and "JICA" in page
    stage = service.stages()[1]
    resp = client.post(
        f"/accompaniment/settings/stages/{stage.id}",
        data={
            "code": "tahap-30",
            "name": "Tahap 30 %",
            "position": "2",
            "percent": "30",
            "due_working_days": "15",
            "active": "y",
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    assert resp.headers["Location"].endswith("/accompaniment/settings")
    db.session.expire_all()
    assert db.session.get(AccompanimentStage, stage.id).due_working_days == 15
    resp = client.post(
        "/accompaniment/settings/items/new",
        data={"code": "Kolom", "name": "Dup", "advice": "x", "source": "y", "position": "1"},
    )
    assert resp.status_code == 422 and "sudah dipakai" in resp.get_data(as_text=True)
    assert "/accompaniment/settings" in client.get("/admin").get_data(as_text=True)


def test_photos_are_case_attachments_served_through_the_case(app, case):
    accompaniment_for(case, stages_done=0)
    client = _client(app, case.created_by)
    data = _visit_form(case, service.stages()[0], 0)
    data["photos"] = [(io.BytesIO(JPEG), "rumah.jpg")]
    assert (
        client.post(
            f"/accompaniment/cases/{case.id}/visit", data=data, content_type="multipart/form-data"
        ).status_code
        == 302
    )
    att = db.session.scalars(select(Attachment).where(Attachment.case_id == case.id)).all()[-1]
    report = client.get(f"/accompaniment/visits/{db.session.scalar(select(AccompanimentVisit.id))}/report")
    assert f"/cases/{case.id}/attachments/{att.id}" in report.get_data(as_text=True)
    assert client.get(f"/cases/{case.id}/attachments/{att.id}").status_code == 200


def test_dashboard_tile_and_evaluation_xlsx_carry_the_figures(app, case, make_user):
    from openpyxl import load_workbook

    acc = accompaniment_for(case, stages_done=4)
    assert acc.completed_on is not None
    admin = make_user(Role.ADMIN, username="admin.eval")
    client = _client(app, admin)
    today = date.today()
    args = f"start={(today - timedelta(days=60)).isoformat()}&end={today.isoformat()}"
    tile = client.get(
        f"/reports/tiles/accompaniment?{args}",
        headers={"HX-Request": "true", "HX-Target": "tile-accompaniment"},
    )
    body = tile.get_data(as_text=True)
    assert tile.status_code == 200 and "<html" not in body
    assert "rumah tangga didampingi" in body and "Begel / sengkang" in body
    xlsx = client.get(f"/reports/evaluation.xlsx?{args}")
    book = load_workbook(io.BytesIO(xlsx.data))
    ws = book["Pendampingan pembangunan"]
    rows = [tuple(c.value for c in r) for r in ws.iter_rows()]
    jawa2 = next(r for r in rows if r[0] == case.unit.name)
    assert jawa2[1:3] == (1, 1)
