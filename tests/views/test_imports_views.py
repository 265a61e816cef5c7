"""Backlog import pages (issue 16, part 4): upload, the mapping page with its guesses, the dry run's
page (page and htmx fragment), confirm, undo; who may open them and what other offices see."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from krs.extensions import db
from krs.models import Case, ImportBatch, ImportStatus, Role
from tests.import_files import backlog_xlsx, good_row


@pytest.fixture
def people(units, make_user):
    return {
        "spv": make_user(Role.SUPERVISOR, units["jawa2"]),
        "spv3": make_user(Role.SUPERVISOR, units["jawa3"]),
        "staff": make_user(Role.STAFF, units["jawa2"]),
        "intern": make_user(Role.INTERN, units["jawa2"]),
        "viewer": make_user(Role.VIEWER),
        "admin": make_user(Role.ADMIN),
    }


def _file(rows=None, name="arsip.xlsx"):
    rows = rows if rows is not None else [good_row(n) for n in range(4)]
    return (io.BytesIO(backlog_xlsx(rows)), name)


def _upload(client, unit_id, rows=None):
    return client.post(
        "/imports/upload", data={"unit_id": unit_id, "file": _file(rows)}, content_type="multipart/form-data"
    )


def _mapping_form(batch: ImportBatch, on_problem="skip") -> dict:
    data = {f"col_{k}": "" if v is None else str(v) for k, v in batch.mapping.items()}
    data["on_problem"] = on_problem
    return data


def test_supervisor_uploads_maps_checks_confirms(client, login_as, people, units):
    login_as(people["spv"])
    page = client.get("/imports").get_data(as_text=True)
    assert "Unggah berkas" in page and units["jawa2"].name in page
    rows = [good_row(n) for n in range(4)]
    rows[2][2] = "999"  # a bad NIK
    resp = _upload(client, units["jawa2"].id, rows)
    assert resp.status_code == 302
    batch = db.session.scalar(select(ImportBatch))
    assert resp.headers["Location"].endswith(f"/imports/{batch.id}/mapping")

    mapping = client.get(f"/imports/{batch.id}/mapping").get_data(as_text=True)
    assert 'id="col_nik"' in mapping and '<option selected value="2">NIK</option>' in mapping
    assert '<option selected value="5">Desa/Kelurahan</option>' in mapping

    resp = client.post(f"/imports/{batch.id}/mapping", data=_mapping_form(batch))
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/imports/{batch.id}")
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert "Menunggu konfirmasi" in page and "4 baris: 3 siap diimpor, 1 bermasalah." in page
    assert "NIK salah" in page and "Konfirmasi impor 3 kasus" in page
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0  # nothing before the confirm

    fragment = client.get(
        f"/imports/{batch.id}", headers={"HX-Request": "true", "HX-Target": "import-status"}
    )
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and 'id="import-status"' in text and "NIK salah" in text

    resp = client.post(f"/imports/{batch.id}/confirm")
    assert resp.status_code == 302
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert "Selesai diimpor" in page and "3 kasus dibuat." in page
    numbers = db.session.scalars(select(Case.number).order_by(Case.id)).all()
    assert len(numbers) == 3 and all(n in page for n in numbers)
    assert "Batalkan impor" not in page  # only an admin undoes
    downloads = client.get("/reports/jobs").get_data(as_text=True)
    assert "imports." not in downloads and "Tidak ada." in downloads  # the import's jobs are no downloads
    assert client.post(f"/imports/{batch.id}/undo").status_code == 403


def test_a_missing_required_column_is_said_and_nothing_runs(client, login_as, people, units):
    login_as(people["spv"])
    _upload(client, units["jawa2"].id)
    batch = db.session.scalar(select(ImportBatch))
    form = _mapping_form(batch) | {"col_nik": ""}
    resp = client.post(f"/imports/{batch.id}/mapping", data=form)
    assert resp.status_code == 422 and "Pilih kolom untuk: NIK." in resp.get_data(as_text=True)
    form = _mapping_form(batch) | {"col_notes": "2"}  # NIK's column twice
    resp = client.post(f"/imports/{batch.id}/mapping", data=form)
    assert "Satu kolom hanya boleh dipakai untuk satu isian." in resp.get_data(as_text=True)
    assert db.session.get(ImportBatch, batch.id).status == ImportStatus.UPLOADED


def test_not_an_excel_file_is_refused_on_the_page(client, login_as, people, units):
    login_as(people["spv"])
    resp = client.post(
        "/imports/upload",
        data={"unit_id": units["jawa2"].id, "file": (io.BytesIO(b"%PDF-1.4 x"), "kasus.xlsx")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 422 and "bukan Excel" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_other_offices_get_404_and_other_roles_403(client, login_as, people, units):
    login_as(people["spv"])
    _upload(client, units["jawa2"].id)
    batch = db.session.scalar(select(ImportBatch))
    login_as(people["spv3"])
    assert client.get(f"/imports/{batch.id}").status_code == 404
    assert client.get(f"/imports/{batch.id}/mapping").status_code == 404
    assert client.post(f"/imports/{batch.id}/confirm").status_code == 404
    assert "arsip.xlsx" not in client.get("/imports").get_data(as_text=True)
    # a supervisor cannot import into another office by changing the form's office
    assert _upload(client, units["jawa2"].id).status_code == 422
    for role in ("staff", "intern", "viewer"):
        login_as(people[role])
        assert client.get("/imports").status_code == 403
        assert _upload(client, units["jawa2"].id).status_code == 403
        assert client.get(f"/imports/{batch.id}").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 1


def test_admin_chooses_the_office_and_undoes(client, login_as, people, units):
    login_as(people["admin"])
    page = client.get("/imports").get_data(as_text=True)
    assert 'id="unit_id"' in page and units["jawa3"].name in page and units["jawa2"].name in page
    _upload(client, units["jawa3"].id, [good_row(n) for n in range(2)])
    batch = db.session.scalar(select(ImportBatch))
    assert batch.unit_id == units["jawa3"].id
    # Jawa III covers provinces 33 and 34: the Jawa Barat villages of the file are unknown there
    client.post(f"/imports/{batch.id}/mapping", data=_mapping_form(batch))
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert "Desa tidak dikenal" in page and "Tebakan" in page
    client.post(f"/imports/{batch.id}/mapping", data=_mapping_form(batch) | {"col_village": ""})
    client.post(f"/imports/{batch.id}/confirm")
    assert (
        db.session.scalar(select(func.count()).select_from(Case).where(Case.unit_id == units["jawa3"].id))
        == 2
    )
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert "Batalkan impor" in page
    resp = client.post(f"/imports/{batch.id}/undo", follow_redirects=True)
    assert "Impor dibatalkan: 2 kasus dan 2 pemohon dihapus." in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_the_list_of_imports_costs_the_same_for_two_or_six(client, login_as, people, units, count_queries):
    login_as(people["admin"])
    for _ in range(2):
        _upload(client, units["jawa2"].id)
    with count_queries() as few:
        client.get("/imports")
    for _ in range(4):
        _upload(client, units["jawa3"].id)
    with count_queries() as many:
        page = client.get("/imports").get_data(as_text=True)
    assert page.count("arsip.xlsx") == 6
    assert many.count == few.count
