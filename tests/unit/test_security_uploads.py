"""Uploads: size limit, type by content not by name, random names outside static/, photos
without location metadata unless the office keeps it, and a disguised file refused."""

from __future__ import annotations

import io
import os
from datetime import datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from krs.extensions import db
from krs.models import Attachment, CaseStatus
from krs.uploads import UploadError, store_upload
from tests.support import login

GPS_IFD = 0x8825


def photo_with_gps(fmt: str = "JPEG", orientation: int | None = None) -> bytes:
    img = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "KameraHP"  # Make
    exif[0x0132] = "2026:11:27 10:00:00"
    if orientation:
        exif[0x0112] = orientation
    exif[GPS_IFD] = {1: "S", 2: (6.0, 54.0, 30.0), 3: "E", 4: (107.0, 36.0, 10.0)}
    out = io.BytesIO()
    img.save(out, format=fmt, exif=exif)
    return out.getvalue()


def _file(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def test_the_fixture_photo_really_carries_gps():
    with Image.open(io.BytesIO(photo_with_gps())) as img:
        assert img.getexif().get_ifd(GPS_IFD)


@pytest.mark.parametrize("fmt,ext", [("JPEG", ".jpg"), ("PNG", ".png"), ("WEBP", ".webp")])
def test_location_metadata_is_stripped(tmp_path, fmt, ext):
    stored = store_upload(_file(photo_with_gps(fmt), "rumah" + ext), str(tmp_path), 10 * 1024 * 1024)
    data = (tmp_path / stored.stored_name).read_bytes()
    with Image.open(io.BytesIO(data)) as img:
        exif = img.getexif()
        assert not exif.get_ifd(GPS_IFD) and GPS_IFD not in exif
        assert 0x010F not in exif
        assert img.size == (40, 20)
    assert b"KameraHP" not in data
    assert stored.size_bytes == len(data)


def test_orientation_is_applied_before_exif_is_dropped(tmp_path):
    stored = store_upload(_file(photo_with_gps(orientation=6), "tegak.jpg"), str(tmp_path), 10**7)
    with Image.open(tmp_path / stored.stored_name) as img:
        assert img.size == (20, 40)  # rotated upright


def test_office_may_keep_location(tmp_path):
    stored = store_upload(_file(photo_with_gps(), "rumah.jpg"), str(tmp_path), 10**7, keep_location=True)
    with Image.open(tmp_path / stored.stored_name) as img:
        assert img.getexif().get_ifd(GPS_IFD)


def test_type_is_decided_by_content_not_by_name(tmp_path):
    with pytest.raises(UploadError, match="Jenis berkas tidak didukung"):
        store_upload(_file(b"<html><script>alert(1)</script></html>", "foto.jpg"), str(tmp_path), 10**7)
    with pytest.raises(UploadError):
        store_upload(_file(b"MZ\x90\x00 executable", "denah.pdf"), str(tmp_path), 10**7)
    pdf = store_upload(_file(b"%PDF-1.4 test", "rumah.html"), str(tmp_path), 10**7)
    assert pdf.content_type == "application/pdf" and pdf.stored_name.endswith(".pdf")


def test_a_file_that_only_starts_like_a_jpeg_is_refused(tmp_path):
    with pytest.raises(UploadError, match="rusak"):
        store_upload(
            _file(b"\xff\xd8\xff\xe0" + b"<script>alert(1)</script>" * 10, "x.jpg"), str(tmp_path), 10**7
        )
    assert os.listdir(tmp_path) == []


def test_size_limit_and_empty_files(tmp_path):
    with pytest.raises(UploadError, match="melebihi batas"):
        store_upload(_file(b"%PDF-" + b"0" * 2048, "besar.pdf"), str(tmp_path), 1024)
    with pytest.raises(UploadError, match="kosong"):
        store_upload(_file(b"", "kosong.pdf"), str(tmp_path), 1024)


def test_stored_names_are_random_and_path_free(tmp_path):
    names = {
        store_upload(_file(b"%PDF-1", "../../etc/passwd.pdf"), str(tmp_path), 10**7).stored_name
        for _ in range(20)
    }
    assert len(names) == 20
    assert all(len(n) == 36 and "/" not in n for n in names)
    one = store_upload(_file(b"%PDF-1", "../../static/evil.pdf"), str(tmp_path), 10**7)
    assert one.original_name == "evil.pdf"


def test_upload_dir_is_outside_static(app):
    upload = os.path.realpath(app.config["UPLOAD_DIR"])
    static = os.path.realpath(app.static_folder)
    assert not upload.startswith(static + os.sep)
    from config import Config

    assert not os.path.realpath(Config.UPLOAD_DIR).startswith(static + os.sep)


def test_upload_through_the_case_page_strips_gps_and_serves_safely(client, make_user, make_case):
    staff = make_user("staff")
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    login(client, staff)
    when = (datetime.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    resp = client.post(
        f"/cases/{case.id}/events",
        data={
            "kind": "field_visit",
            "body": "Foto atap",
            "occurred_at": when,
            "attachment": (io.BytesIO(photo_with_gps()), "atap.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    att = db.session.scalars(select(Attachment).where(Attachment.case_id == case.id)).one()
    served = client.get(f"/cases/{case.id}/attachments/{att.id}")
    assert served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    with Image.open(io.BytesIO(served.data)) as img:
        assert not img.getexif().get_ifd(GPS_IFD)


def test_a_disguised_upload_is_refused_with_a_clear_message(client, make_user, make_case):
    staff = make_user("staff")
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    login(client, staff)
    when = (datetime.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    resp = client.post(
        f"/cases/{case.id}/events",
        data={
            "kind": "note",
            "body": "x",
            "occurred_at": when,
            "attachment": (io.BytesIO(b"<svg onload=x>"), "a.png"),
        },
        content_type="multipart/form-data",
    )
    assert resp.status_code == 422
    assert "Jenis berkas tidak didukung" in resp.get_data(as_text=True)
    assert db.session.scalar(select(Attachment.id)) is None


def test_request_over_the_size_limit_answers_413_in_indonesian(client, make_user, make_case, app):
    staff = make_user("staff")
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    login(client, staff)
    big = io.BytesIO(b"%PDF-" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10))
    resp = client.post(
        f"/cases/{case.id}/events",
        data={"kind": "note", "body": "x", "attachment": (big, "besar.pdf")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 413
    assert "Berkas terlalu besar" in resp.get_data(as_text=True)
