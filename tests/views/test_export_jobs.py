"""Large case-list exports as background jobs (issue 17): the worker's file equals the direct one,
the page polls its progress, only the requester may see or download it, old files expire."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from krs import jobs
from krs.extensions import db
from krs.models import CaseStatus, ExportJob, JobStatus, Role
from krs.storage import get_storage
from tests.support import login


@pytest.fixture
def desk(units, make_user, make_case):
    people = {
        "spv": make_user(Role.SUPERVISOR, units["jawa2"]),
        "staff": make_user(Role.STAFF, units["jawa2"]),
        "intern": make_user(Role.INTERN, units["jawa2"]),
        "spv3": make_user(Role.SUPERVISOR, units["jawa3"]),
    }
    make_case(status=CaseStatus.CLOSED, name="Siti Jawa Dua", nik="3276015005900011")
    for n in range(3):
        make_case(status=CaseStatus.IN_PROGRESS, name=f"Ahmad {n}", assignee=people["intern"])
    make_case(unit=units["jawa3"], status=CaseStatus.NEW, name="Dewi Jawa Tiga")
    return people


def _rows(fmt: str, data: bytes) -> list[list]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8").lstrip("\ufeff"))))
    ws = load_workbook(io.BytesIO(data)).active
    return [["" if v is None else v for v in r] for r in ws.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_long_list_becomes_a_job_with_the_same_rows(app, client, desk, monkeypatch, fmt):
    login(client, desk["spv"])
    direct = client.get(f"/reports/cases.{fmt}?view=all")
    assert direct.status_code == 200
    monkeypatch.setitem(app.config, "KRS_EXPORT_JOB_ROWS", 2)  # 4 rows: more than 2 -> a job
    resp = client.get(f"/reports/cases.{fmt}?view=all&dl=tok1")
    assert resp.status_code == 303
    assert "krs_download=tok1" in resp.headers.get("Set-Cookie", "")
    job = db.session.scalar(select(ExportJob).order_by(ExportJob.id.desc()))
    assert resp.headers["Location"].endswith(f"/reports/jobs?id={job.id}")
    assert job.user_id == desk["spv"].id and job.status == JobStatus.DONE  # immediate in tests
    assert job.total == 4 and job.progress == 4 and job.percent == 100
    page = client.get(f"/reports/jobs?id={job.id}").get_data(as_text=True)
    assert "Berkas siap" in page and f"/reports/jobs/file?id={job.id}" in page
    assert 'hx-trigger="every 1s"' not in page  # finished: no more polling
    file = client.get(f"/reports/jobs/file?id={job.id}")
    assert file.status_code == 200
    assert "attachment" in file.headers["Content-Disposition"]
    assert _rows(fmt, file.get_data()) == _rows(fmt, direct.get_data())


def test_a_running_job_is_polled_and_shows_its_progress(client, desk):
    job = ExportJob(user_id=desk["staff"].id, kind="cases", params={}, status=JobStatus.RUNNING, total=10_000)
    job.progress = 2_500
    db.session.add(job)
    db.session.commit()
    login(client, desk["staff"])
    page = client.get(f"/reports/jobs?id={job.id}").get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in page and 'value="25"' in page
    assert 'http-equiv="refresh"' in page  # without JavaScript the page reloads itself
    fragment = client.get(f"/reports/jobs?id={job.id}", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True) and "2.500" in fragment.get_data(as_text=True)
    assert client.get(f"/reports/jobs/file?id={job.id}").status_code == 404  # not ready yet


def test_only_the_requester_sees_and_downloads_a_job(app, client, desk, monkeypatch):
    monkeypatch.setitem(app.config, "KRS_EXPORT_JOB_ROWS", 1)
    login(client, desk["spv"])
    client.get("/reports/cases.csv?view=all")
    job = db.session.scalar(select(ExportJob).order_by(ExportJob.id.desc()))
    for other in ("staff", "spv3", "intern"):
        login(client, desk[other])
        assert client.get(f"/reports/jobs?id={job.id}").status_code == 404
        assert client.get(f"/reports/jobs/file?id={job.id}").status_code == 404
        assert f"id={job.id}" not in client.get("/reports/jobs").get_data(as_text=True)
    login(client, desk["spv"])
    assert f"id={job.id}" in client.get("/reports/jobs").get_data(as_text=True)


def test_a_job_exports_what_its_requester_may_see_masked_as_on_screen(app, client, desk, monkeypatch):
    monkeypatch.setitem(app.config, "KRS_EXPORT_JOB_ROWS", 1)
    login(client, desk["intern"])
    assert client.get("/reports/cases.csv?view=all").status_code == 303
    job = db.session.scalar(select(ExportJob).order_by(ExportJob.id.desc()))
    rows = _rows("csv", client.get(f"/reports/jobs/file?id={job.id}").get_data())
    assert len(rows) == 1 + 3  # the intern's own three cases
    assert all("•" in r[4] for r in rows[1:])


def test_old_jobs_and_their_files_expire(app, client, desk, monkeypatch):
    monkeypatch.setitem(app.config, "KRS_EXPORT_JOB_ROWS", 1)
    login(client, desk["spv"])
    client.get("/reports/cases.xlsx?view=all")
    job = db.session.scalar(select(ExportJob).order_by(ExportJob.id.desc()))
    key = job.file_key
    assert get_storage().exists(key)
    db.session.execute(
        update(ExportJob)
        .where(ExportJob.id == job.id)
        .values(created_at=job.created_at - jobs.KEEP - timedelta(minutes=1))
    )
    db.session.commit()
    assert jobs.cleanup() == 1
    assert not get_storage().exists(key)
    assert db.session.get(ExportJob, job.id) is None


def test_a_failing_job_says_so(client, desk):
    job = ExportJob(user_id=desk["spv"].id, kind="cases", params={"fmt": "pdf"}, status=JobStatus.QUEUED)
    db.session.add(job)
    db.session.commit()
    jobs.run_job(job.id)
    db.session.expire_all()
    job = db.session.get(ExportJob, job.id)
    assert job.status == JobStatus.FAILED and job.error
    login(client, desk["spv"])
    assert "gagal" in client.get(f"/reports/jobs?id={job.id}").get_data(as_text=True)
