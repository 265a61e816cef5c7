"""UPLOAD_STORAGE=s3 (moto's mock): attachments and outreach photos go into the bucket, never into
UPLOAD_DIR, and come back only through the access-checked routes with the same bytes and the same
headers as from the local directory."""

from __future__ import annotations

import io
import os
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from krs.extensions import db
from krs.models import Attachment, CaseStatus, OutreachPhoto, Role, User
from tests.s3_fixtures import BUCKET, PREFIX, REGION, keys, mocked_bucket
from tests.support import JPEG, make_session

PDF = b"%PDF-1.4\n% rencana anggaran\n" + bytes(range(256)) * 200
HEADERS = (
    "Content-Type",
    "Content-Length",
    "Content-Disposition",
    "Content-Security-Policy",
    "Cache-Control",
    "X-Content-Type-Options",
    "X-Frame-Options",
)


@pytest.fixture
def s3(app, monkeypatch):
    with mocked_bucket(monkeypatch) as client:
        monkeypatch.setitem(app.config, "UPLOAD_STORAGE", "s3")
        monkeypatch.setitem(app.config, "S3_BUCKET", BUCKET)
        monkeypatch.setitem(app.config, "S3_REGION", REGION)
        monkeypatch.setitem(app.config, "S3_PREFIX", PREFIX)
        yield client


def _local_files(app) -> set[str]:
    folder = app.config["UPLOAD_DIR"]
    return set(os.listdir(folder)) if os.path.isdir(folder) else set()


def _upload_pdf(client, case, name: str = "RAB rumah.pdf"):
    when = (datetime.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    return client.post(
        f"/cases/{case.id}/events",
        data={
            "kind": "deliverable",
            "body": "RAB diserahkan.",
            "occurred_at": when,
            "attachment": (io.BytesIO(PDF), name),
        },
        content_type="multipart/form-data",
    )


def _served(app, make_user, make_case, login_as, units):
    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    client = login_as(staff)
    resp = _upload_pdf(client, case)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    att = db.session.scalars(select(Attachment).where(Attachment.case_id == case.id)).one()
    return case, att, client.get(f"/cases/{case.id}/attachments/{att.id}")


def test_attachment_goes_to_the_bucket_and_back_through_the_checked_route(
    app, s3, make_user, make_case, login_as, units
):
    before = _local_files(app)
    case, att, got = _served(app, make_user, make_case, login_as, units)
    assert keys(s3) == [PREFIX + att.stored_name]
    assert _local_files(app) == before  # nothing written to UPLOAD_DIR
    assert got.status_code == 200
    assert got.data == PDF
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Content-Length"] == str(len(PDF))
    assert got.headers["Content-Disposition"] == 'attachment; filename="RAB rumah.pdf"'
    assert got.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert got.headers["Cache-Control"] == "private, no-store"
    assert got.headers["X-Content-Type-Options"] == "nosniff"

    other_office = login_as(make_user(Role.STAFF, units["jawa3"]))
    refused = other_office.get(f"/cases/{case.id}/attachments/{att.id}")
    assert refused.status_code == 404 and PDF not in refused.data


def test_s3_and_local_serve_the_same_bytes_and_headers(
    app, monkeypatch, make_user, make_case, login_as, units
):
    _case, _att, local = _served(app, make_user, make_case, login_as, units)
    with mocked_bucket(monkeypatch) as client:
        for key, value in (("UPLOAD_STORAGE", "s3"), ("S3_BUCKET", BUCKET), ("S3_REGION", REGION)):
            monkeypatch.setitem(app.config, key, value)
        _case, att, remote = _served(app, make_user, make_case, login_as, units)
        assert keys(client) == [att.stored_name]
    assert local.status_code == remote.status_code == 200
    assert local.data == remote.data == PDF
    assert {h: local.headers.get(h) for h in HEADERS} == {h: remote.headers.get(h) for h in HEADERS}


def test_a_file_missing_from_the_bucket_is_404_and_a_dead_store_503(
    app, s3, make_user, make_case, login_as, units
):
    case, att, got = _served(app, make_user, make_case, login_as, units)
    assert got.status_code == 200
    s3.delete_object(Bucket=BUCKET, Key=PREFIX + att.stored_name)
    staff_client = login_as(db.session.get(User, att.uploaded_by_id))
    assert staff_client.get(f"/cases/{case.id}/attachments/{att.id}").status_code == 404
    app.config["S3_BUCKET"] = "bucket-yang-hilang"  # restored by the fixture's monkeypatch
    dead = staff_client.get(f"/cases/{case.id}/attachments/{att.id}")
    assert dead.status_code == 503
    assert "Penyimpanan berkas sedang tidak dapat dihubungi" in dead.get_data(as_text=True)


def test_outreach_photos_in_the_bucket_and_a_refused_pdf_left_behind_nowhere(
    app, s3, make_user, login_as, units
):
    staff = make_user(Role.STAFF, units["jawa2"])
    session = make_session(staff, units["jawa2"], staff=[staff])
    client = login_as(staff)
    resp = client.post(
        f"/outreach/{session.id}/photos",
        data={"photo": (io.BytesIO(JPEG), "kegiatan.jpg")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    photo = db.session.scalars(select(OutreachPhoto).where(OutreachPhoto.session_id == session.id)).one()
    assert keys(s3) == [PREFIX + photo.stored_name]
    got = client.get(f"/outreach/{session.id}/photos/{photo.id}")
    assert got.status_code == 200 and got.mimetype == "image/jpeg"
    assert got.data == s3.get_object(Bucket=BUCKET, Key=PREFIX + photo.stored_name)["Body"].read()
    assert got.headers["Content-Disposition"] == "inline; filename=kegiatan.jpg"

    pdf = client.post(
        f"/outreach/{session.id}/photos",
        data={"photo": (io.BytesIO(PDF), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert pdf.status_code == 422 and "bukan PDF" in pdf.get_data(as_text=True)
    assert keys(s3) == [PREFIX + photo.stored_name]  # the refused PDF was removed again

    other_office = login_as(make_user(Role.STAFF, units["jawa3"]))
    assert other_office.get(f"/outreach/{session.id}/photos/{photo.id}").status_code == 404
