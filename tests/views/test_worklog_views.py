"""Logbook views: who sees what, page vs htmx fragment, review queue, placements, print/XLSX."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from krs.extensions import db
from krs.models import CaseStatus, Role, WeekStatus, WorkLogEntry
from krs.workdays import local_date
from krs.worklog import service
from tests.support import TEST_PASSWORD

HX = {"HX-Request": "true"}


@pytest.fixture
def world(units, make_user):
    people = {
        "intern": make_user(Role.INTERN, units["jawa2"], username="magang.satu", full_name="Ayu Lestari"),
        "intern3": make_user(Role.INTERN, units["jawa3"], full_name="Bagus Jawa Tiga"),
        "spv": make_user(Role.SUPERVISOR, units["jawa2"], full_name="Joko Supervisor"),
        "spv3": make_user(Role.SUPERVISOR, units["jawa3"], full_name="Sri Supervisor"),
        "staff": make_user(Role.STAFF, units["jawa2"]),
        "admin": make_user(Role.ADMIN),
        "viewer": make_user(Role.VIEWER),
    }
    today = service.today_for(people["intern"])
    monday = service.week_start_of(today) - timedelta(days=7)
    for key, spv in (("intern", "spv"), ("intern3", "spv3")):
        service.save_placement(
            people[spv],
            service.PlacementData(
                people[key].id,
                "Universitas Diponegoro",
                "Arsitektur",
                people[spv].id,
                monday - timedelta(days=14),
                today + timedelta(days=30),
            ),
        )
        service.add_entry(
            people[key],
            service.EntryData(
                monday, "field_visit", f"Survei rumah oleh {people[key].full_name}", minutes=120
            ),
        )
        service.submit_week(people[key], monday)
    return people, monday


def test_intern_sees_only_their_own_logbook(world, login_as):
    people, monday = world
    client = login_as(people["intern"])
    body = client.get(f"/worklog?week={monday.isoformat()}").get_data(as_text=True)
    assert "Survei rumah oleh Ayu Lestari" in body and "Bagus Jawa Tiga" not in body
    assert "Diajukan" in body
    assert client.get(f"/worklog/interns/{people['intern3'].id}").status_code == 404
    assert client.get(f"/worklog/interns/{people['intern'].id}").status_code == 200


def test_supervisor_sees_own_units_interns_and_queue(world, login_as):
    people, monday = world
    client = login_as(people["spv"])
    body = client.get("/worklog").get_data(as_text=True)
    assert "Ayu Lestari" in body and "Bagus Jawa Tiga" not in body
    assert 'id="queue-week-' in body
    assert client.get(f"/worklog/interns/{people['intern3'].id}").status_code == 404
    page = client.get(f"/worklog/interns/{people['intern'].id}?week={monday.isoformat()}").get_data(
        as_text=True
    )
    assert "Survei rumah oleh Ayu Lestari" in page and "Setujui minggu ini" in page
    assert "Simpan kegiatan" not in page  # a supervisor does not write an intern's logbook


def test_viewer_reads_everything_but_reviews_nothing(world, login_as):
    people, monday = world
    client = login_as(people["viewer"])
    body = client.get("/worklog").get_data(as_text=True)
    assert "Ayu Lestari" in body and "Bagus Jawa Tiga" in body
    assert "Minggu menunggu pemeriksaan" not in body
    page = client.get(f"/worklog/interns/{people['intern3'].id}?week={monday.isoformat()}").get_data(
        as_text=True
    )
    assert "Survei rumah oleh Bagus Jawa Tiga" in page and "Setujui minggu ini" not in page


def test_staff_has_no_logbook(world, login_as):
    people, _monday = world
    client = login_as(people["staff"])
    assert client.get("/worklog").status_code == 403
    assert client.get(f"/worklog/interns/{people['intern'].id}").status_code == 403


def test_add_entry_inline_fragment_and_plain_post(world, login_as):
    people, _monday = world
    client = login_as(people["intern"])
    today = service.today_for(people["intern"])
    data = {
        "work_date": today.isoformat(),
        "start_time": "08:00",
        "end_time": "09:30",
        "category": "design_drawing",
        "description": "Menggambar denah rumah Pak Slamet.",
    }
    resp = client.post("/worklog/entries", data=data, headers={**HX, "HX-Target": "week-panel"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in body and 'id="week-panel"' in body
    assert "Menggambar denah rumah Pak Slamet." in body and "90 mnt" in body and "Kegiatan tercatat." in body
    resp = client.post("/worklog/entries", data={**data, "description": "Tanpa JavaScript."})
    assert resp.status_code == 302 and "/worklog?week=" in resp.headers["Location"]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "<html" in page and "Tanpa JavaScript." in page and "Kegiatan tercatat." in page


def test_invalid_entry_answers_422_with_a_clear_message(world, login_as):
    people, _monday = world
    client = login_as(people["intern"])
    today = service.today_for(people["intern"])
    resp = client.post(
        "/worklog/entries",
        data={"work_date": today.isoformat(), "category": "other", "description": "Rapat."},
        headers={**HX, "HX-Target": "week-panel"},
    )
    assert resp.status_code == 422 and "Isi durasi" in resp.get_data(as_text=True)
    resp = client.post("/worklog/entries", data={"work_date": "kemarin", "category": "x", "description": ""})
    assert resp.status_code == 422 and "<html" in resp.get_data(as_text=True)


def test_week_navigation_is_a_fragment_for_htmx(world, login_as):
    people, monday = world
    client = login_as(people["intern"])
    resp = client.get(f"/worklog?week={monday.isoformat()}", headers={**HX, "HX-Target": "week-panel"})
    body = resp.get_data(as_text=True)
    assert "<html" not in body and "Survei rumah oleh Ayu Lestari" in body and "Rekap" not in body
    assert "Rekap" in client.get(f"/worklog?week={monday.isoformat()}").get_data(as_text=True)


def test_submitted_week_is_locked_for_the_intern(world, login_as):
    people, monday = world
    client = login_as(people["intern"])
    entry = db.session.scalar(select(WorkLogEntry).where(WorkLogEntry.user_id == people["intern"].id))
    body = client.get(f"/worklog?week={monday.isoformat()}").get_data(as_text=True)
    assert "Simpan kegiatan" not in body and "terkunci" in body
    resp = client.post(
        f"/worklog/entries/{entry.id}",
        data={"work_date": monday.isoformat(), "minutes": "30", "category": "other", "description": "Ubah."},
    )
    assert resp.status_code == 422 and "terkunci" in resp.get_data(as_text=True)
    resp = client.post(f"/worklog/entries/{entry.id}/delete")
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(WorkLogEntry, entry.id) is not None


def test_review_from_the_queue_htmx_and_plain(world, login_as):
    people, monday = world
    client = login_as(people["spv"])
    week = service.week_of(people["intern"], monday)
    resp = client.post(
        f"/worklog/weeks/{week.id}/review",
        data={"decision": "return", "comment": ""},
        headers={**HX, "HX-Target": f"queue-week-{week.id}"},
    )
    assert resp.status_code == 422 and "Tuliskan apa yang perlu diperbaiki" in resp.get_data(as_text=True)
    resp = client.post(
        f"/worklog/weeks/{week.id}/review",
        data={"decision": "return", "comment": "Lengkapi lokasi survei."},
        headers={**HX, "HX-Target": f"queue-week-{week.id}"},
    )
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in body and "Dikembalikan" in body
    assert body.strip().startswith("<tr")
    db.session.expire_all()
    assert service.week_of(people["intern"], monday).status == WeekStatus.RETURNED
    # the intern sees the comment and resubmits; the supervisor approves without JavaScript
    intern = login_as(people["intern"])
    assert "Lengkapi lokasi survei." in intern.get(f"/worklog?week={monday.isoformat()}").get_data(
        as_text=True
    )
    resp = intern.post("/worklog/weeks/submit", data={"week_start": monday.isoformat()})
    assert resp.status_code == 302
    spv = login_as(people["spv"])
    resp = spv.post(f"/worklog/weeks/{week.id}/review", data={"decision": "approve", "next": "/worklog"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/worklog")
    db.session.expire_all()
    assert service.week_of(people["intern"], monday).status == WeekStatus.APPROVED


def test_supervisor_of_another_unit_cannot_review(world, login_as):
    people, monday = world
    week = service.week_of(people["intern"], monday)
    resp = login_as(people["spv3"]).post(f"/worklog/weeks/{week.id}/review", data={"decision": "approve"})
    assert resp.status_code == 404
    db.session.expire_all()
    assert service.week_of(people["intern"], monday).status == WeekStatus.SUBMITTED


def test_follow_up_by_intern_shows_in_logbook_with_case_link(world, login_as, make_case):
    people, _monday = world
    case = make_case(status=CaseStatus.IN_PROGRESS, assignee=people["intern"])  # make_case logs a follow-up
    client = login_as(people["intern"])
    # the week of the follow-up itself: at 00:00-00:05 WIB on a Monday "now - 5 min" is last week
    follow_up = next(e for e in case.events if e.kind == "consultation")
    week = service.week_start_of(local_date(follow_up.occurred_at, case.unit.timezone))
    body = client.get(f"/worklog?week={week.isoformat()}").get_data(as_text=True)
    assert case.number in body and "dari tindak lanjut kasus" in body and "30 mnt" in body


def test_placements_list_and_create(world, login_as, make_user, units):
    people, _monday = world
    newcomer = make_user(Role.INTERN, units["jawa2"], full_name="Citra Baru")
    client = login_as(people["spv"])
    body = client.get("/worklog/placements").get_data(as_text=True)
    assert "Ayu Lestari" in body and "Bagus Jawa Tiga" not in body
    form = client.get("/worklog/placements/new").get_data(as_text=True)
    assert "Citra Baru" in form and "Bagus Jawa Tiga" not in form and "Sri Supervisor" not in form
    today = service.today_for(newcomer)
    data = {
        "user_id": newcomer.id,
        "university": "ITB",
        "study_programme": "Teknik Sipil",
        "field_supervisor_id": people["spv"].id,
        "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=90)).isoformat(),
    }
    resp = client.post("/worklog/placements/new", data=data)
    assert resp.status_code == 302
    assert "Citra Baru" in client.get("/worklog/placements").get_data(as_text=True)
    # an intern of another unit is not a valid choice for this supervisor
    resp = client.post("/worklog/placements/new", data={**data, "user_id": people["intern3"].id})
    assert resp.status_code == 422
    # end before start: a clear message, no 500
    resp = client.post(
        "/worklog/placements/new", data={**data, "end_date": (today - timedelta(days=1)).isoformat()}
    )
    assert resp.status_code == 422 and "Tanggal selesai" in resp.get_data(as_text=True)
    assert login_as(people["viewer"]).get("/worklog/placements/new").status_code == 403


def test_printable_logbook_and_xlsx(world, login_as):
    people, monday = world
    week = service.week_of(people["intern"], monday)
    service.approve_week(people["spv"], week)
    service.add_entry(
        people["intern"],
        service.EntryData(service.today_for(people["intern"]), "other", "Belum disetujui.", minutes=30),
    )
    placement = service.placements_of(people["intern"])[0]
    client = login_as(people["intern"])
    body = client.get(f"/worklog/placements/{placement.id}/print").get_data(as_text=True)
    assert "Universitas Diponegoro" in body and "Joko Supervisor" in body
    assert "Survei rumah oleh Ayu Lestari" in body and "Belum disetujui." not in body
    resp = client.get(f"/worklog/placements/{placement.id}/logbook.xlsx")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    assert resp.data[:2] == b"PK"
    other = service.placements_of(people["intern3"])[0]
    assert client.get(f"/worklog/placements/{other.id}/print").status_code == 404
    assert login_as(people["spv"]).get(f"/worklog/placements/{other.id}/print").status_code == 404
    assert login_as(people["viewer"]).get(f"/worklog/placements/{other.id}/print").status_code == 200


def test_intern_outside_period_cannot_sign_in_and_session_stops(world, client, login_as):
    people, _monday = world
    placement = service.placements_of(people["intern"])[0]
    today = service.today_for(people["intern"])
    placement.start_date = today - timedelta(days=60)
    placement.end_date = today - timedelta(days=1)
    db.session.commit()
    resp = client.post("/login", data={"username": "magang.satu", "password": TEST_PASSWORD})
    assert resp.status_code == 401 and "Masa magang Anda berakhir" in resp.get_data(as_text=True)
    signed_in = login_as(people["intern"])  # a session from before the end date
    resp = signed_in.get("/worklog")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    page = signed_in.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Masa magang Anda berakhir" in page
    # nothing lost: the supervisor still sees the intern's work
    assert "Survei rumah oleh Ayu Lestari" in login_as(people["spv"]).get(
        f"/worklog/interns/{people['intern'].id}?week={_monday.isoformat()}"
    ).get_data(as_text=True)


def test_overview_query_count_does_not_grow_with_interns(world, login_as, make_user, units, count_queries):
    people, _monday = world
    client = login_as(people["admin"])
    db.session.expire_all()
    with count_queries() as few:
        client.get("/worklog")
    for n in range(5):
        intern = make_user(Role.INTERN, units["jawa2"])
        service.add_entry(
            intern, service.EntryData(service.today_for(intern), "other", f"Kegiatan {n}", minutes=30)
        )
    db.session.expire_all()
    with count_queries() as many:
        body = client.get("/worklog").get_data(as_text=True)
    assert body.count('href="/worklog/interns/') == 7 + 2  # totals rows + queue rows
    assert many.count == few.count, "\n".join(many.statements)
