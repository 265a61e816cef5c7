"""Field visits (issue 16): several photos in one follow-up, thumbnails behind the case's checks,
the visit's coordinates validated, documents by content, and the berita acara (what it shows, what
it masks, who may open it)."""

from __future__ import annotations

import io
import os
import re

from PIL import Image
from sqlalchemy import select

from krs.cases import service as case_service
from krs.extensions import db
from krs.models import Attachment, AttachmentKind, AuditLog, Case, CaseStatus, Event, Role
from tests.support import APPLICANT, login, valid_nik
from tests.unit.test_field_visits_uploads import real_xlsx
from tests.unit.test_security_uploads import GPS_IFD, photo_with_gps

HX = {"HX-Request": "true", "HX-Target": "case-body"}


def _visit(**overrides) -> dict:
    return {
        "kind": "field_visit",
        "occurred_at": "2026-11-20T09:30",
        "duration_minutes": "45",
        "body": "Atap bocor di dua titik; dinding retak di sisi timur.",
        "latitude": "-6.914744",
        "longitude": "107.609810",
        **overrides,
    }


def _photos(n: int):
    return [(io.BytesIO(photo_with_gps()), f"rumah{i}.jpg") for i in range(n)]


def _store_names(app) -> set[str]:
    folder = app.config["UPLOAD_DIR"]
    return set(os.listdir(folder)) if os.path.isdir(folder) else set()


def _record_visit(client, case, photos=3, **overrides):
    return client.post(
        f"/cases/{case.id}/events",
        data={**_visit(**overrides), "photos": _photos(photos)},
        content_type="multipart/form-data",
    )


def test_several_photos_make_one_visit_with_thumbnails_coordinates_and_audit(
    app, make_user, make_case, login_as, units
):
    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    client = login_as(staff)
    resp = _record_visit(client, case, photos=3)
    assert resp.status_code == 302
    visit = db.session.scalars(
        select(Event).where(Event.case_id == case.id, Event.kind == "field_visit")
    ).one()
    assert float(visit.latitude) == -6.914744 and float(visit.longitude) == 107.60981
    atts = db.session.scalars(select(Attachment).where(Attachment.case_id == case.id)).all()
    assert len(atts) == 3 and {a.event_id for a in atts} == {visit.id}
    assert all(a.thumbnail_name and a.content_type == "image/jpeg" for a in atts)
    audit = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "case.follow_up", AuditLog.entity_id == case.id)
    ).all()[-1]
    assert audit.after["event_id"] == visit.id and audit.after["attachments"] == 3
    assert "-6.914744" not in str(audit.after)  # the household's position stays out of the audit log

    body = client.get(f"/cases/{case.id}").get_data(as_text=True)
    thumbs = re.findall(rf'src="(/cases/{case.id}/attachments/\d+/thumbnail)"', body)
    assert len(thumbs) == 3
    assert "Lokasi: -6.914744, 107.609810" in body
    assert f"/cases/{case.id}/visits/{visit.id}/report" in body
    got = client.get(thumbs[0])
    assert got.status_code == 200 and got.mimetype == "image/jpeg"
    assert got.headers["Cache-Control"] == "private, no-store"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "inline" in got.headers.get("Content-Disposition", "inline")
    with Image.open(io.BytesIO(got.data)) as thumb:
        assert GPS_IFD not in thumb.getexif() and max(thumb.size) <= 320
    full = client.get(thumbs[0].removesuffix("/thumbnail"))
    with Image.open(io.BytesIO(full.data)) as photo:
        assert GPS_IFD not in photo.getexif()


def test_the_follow_up_form_offers_the_camera_and_the_hidden_position(make_user, make_case, login_as, units):
    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    body = login_as(staff).get(f"/cases/{case.id}").get_data(as_text=True)
    camera = re.search(r"<input[^>]*name=\"photos\"[^>]*>", body).group(0)
    assert "multiple" in camera and 'accept="image/*"' in camera and "capture" in camera
    assert (
        re.search(r'<input[^>]*type="hidden"[^>]*name="latitude"', body)
        or 'name="latitude" type="hidden"' in body
    )
    assert "js/geolocation" in body and 'enctype="multipart/form-data"' in body


def test_a_visit_without_position_is_saved_without_it(make_user, make_case, login_as, units):
    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    resp = _record_visit(login_as(staff), case, photos=1, latitude="", longitude="")
    assert resp.status_code == 302
    visit = db.session.scalars(
        select(Event).where(Event.case_id == case.id, Event.kind == "field_visit")
    ).one()
    assert visit.latitude is None and visit.longitude is None


def test_coordinates_outside_indonesia_or_half_given_are_refused_and_nothing_is_kept(
    app, make_user, make_case, login_as, units
):
    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    client = login_as(staff)
    before = _store_names(app)
    for lat, lon, message in [
        ("48.8566", "2.3522", "di luar wilayah Indonesia"),  # Paris
        ("-12.5", "107.6", "di luar wilayah Indonesia"),
        ("-6.9", "141.5", "di luar wilayah Indonesia"),
        ("-6.9", "", "tidak terbaca"),
        ("abc", "107.6", "tidak terbaca"),
        ("NaN", "107.6", "tidak terbaca"),
    ]:
        resp = client.post(
            f"/cases/{case.id}/events",
            data={**_visit(latitude=lat, longitude=lon), "photos": _photos(2)},
            content_type="multipart/form-data",
            headers=HX,
        )
        assert resp.status_code == 422, (lat, lon)
        assert message in resp.get_data(as_text=True), (lat, lon)
    assert not db.session.scalars(
        select(Event).where(Event.case_id == case.id, Event.kind == "field_visit")
    ).all()
    assert _store_names(app) == before


def test_position_is_kept_on_field_visits_only(make_user, make_case, login_as, units):
    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    resp = login_as(staff).post(f"/cases/{case.id}/events", data=_visit(kind="call"))
    assert resp.status_code == 302
    call = db.session.scalars(select(Event).where(Event.case_id == case.id, Event.kind == "call")).one()
    assert call.latitude is None


def test_one_bad_file_refuses_the_whole_visit(app, make_user, make_case, login_as, units):
    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    before = _store_names(app)
    exe = (io.BytesIO(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64), "rab.xlsx")
    resp = login_as(staff).post(
        f"/cases/{case.id}/events",
        data={**_visit(), "photos": _photos(2), "attachment": [exe]},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 422 and "rab.xlsx" in resp.get_data(as_text=True)
    assert not db.session.scalars(select(Attachment).where(Attachment.case_id == case.id)).all()
    assert _store_names(app) == before


def test_cost_sheet_attaches_and_is_only_ever_downloaded(make_user, make_case, login_as, units):
    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    client = login_as(staff)
    resp = client.post(
        f"/cases/{case.id}/events",
        data={**_visit(kind="deliverable"), "attachment": [(io.BytesIO(real_xlsx()), "rab.xlsx")]},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    att = db.session.scalars(select(Attachment).where(Attachment.case_id == case.id)).one()
    assert att.content_type.endswith("spreadsheetml.sheet") and att.thumbnail_name is None
    got = client.get(f"/cases/{case.id}/attachments/{att.id}")
    assert got.headers["Content-Disposition"].startswith("attachment")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/cases/{case.id}/attachments/{att.id}/thumbnail").status_code == 404


def _visit_of(case) -> Event:
    return db.session.scalars(
        select(Event).where(Event.case_id == case.id, Event.kind == "field_visit")
    ).one()


def test_thumbnails_and_report_are_404_across_offices_and_for_other_interns(
    make_user, make_case, login_as, units, app
):
    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    _record_visit(login_as(staff), case, photos=1)
    visit = _visit_of(case)
    att = visit.attachments[0]
    thumb = f"/cases/{case.id}/attachments/{att.id}/thumbnail"
    report = f"/cases/{case.id}/visits/{visit.id}/report"
    outsiders = [
        make_user(Role.STAFF, units["jawa3"]),
        make_user(Role.SUPERVISOR, units["jawa3"]),
        make_user(Role.INTERN, units["jawa2"]),  # same office, another intern's case
    ]
    for user in outsiders:
        client = app.test_client()
        login(client, user)
        assert client.get(thumb).status_code == 404, user.role
        assert client.get(report).status_code == 404, user.role
    viewer = app.test_client()
    login(viewer, make_user(Role.VIEWER))
    assert viewer.get(thumb).status_code == 200  # the Direktorat reads photos of house condition
    assert viewer.get(report).status_code == 403  # the report carries personal data
    # another case's attachment id through this case's URL, and a non-visit event
    other_case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    client = app.test_client()
    login(client, staff)
    assert client.get(f"/cases/{other_case.id}/attachments/{att.id}/thumbnail").status_code == 404
    assert client.get(f"/cases/{other_case.id}/visits/{visit.id}/report").status_code == 404
    created = db.session.scalars(
        select(Event).where(Event.case_id == case.id, Event.kind == "created")
    ).first()
    assert client.get(f"/cases/{case.id}/visits/{created.id}/report").status_code == 404


def test_identity_photos_are_kept_from_interns_on_the_timeline_and_the_report(
    make_user, make_case, login_as, units, app
):
    intern = make_user(Role.INTERN, units["jawa2"])
    case = make_case(status=CaseStatus.ASSIGNED, assignee=intern)
    staff = make_user(Role.STAFF, units["jawa2"])
    client = login_as(staff)
    resp = client.post(
        f"/cases/{case.id}/events",
        data={**_visit(), "photos": _photos(1), "attachment_kind": AttachmentKind.IDENTITY},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    visit = _visit_of(case)
    att = visit.attachments[0]
    intern_client = app.test_client()
    login(intern_client, intern)
    assert intern_client.get(f"/cases/{case.id}/attachments/{att.id}/thumbnail").status_code == 404
    timeline = intern_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/attachments/{att.id}/thumbnail" not in timeline
    report = intern_client.get(f"/cases/{case.id}/visits/{visit.id}/report").get_data(as_text=True)
    assert f"/attachments/{att.id}" not in report and "0 foto" in report


def test_berita_acara_shows_what_it_must(make_user, make_case, login_as, units):
    unit = units["jawa2"]
    unit.letterhead_city = "Bandung"
    db.session.commit()
    staff = make_user(
        Role.STAFF, unit, full_name="Rina Wulandari", nip="198765432109876543", position="Fasilitator Teknis"
    )
    nik = valid_nik(4242)
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff, name="Sutrisno Hadi", nik=nik)
    client = login_as(staff)
    _record_visit(client, case, photos=7)
    visit = _visit_of(case)
    resp = client.get(f"/cases/{case.id}/visits/{visit.id}/report")
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "BERITA ACARA KUNJUNGAN LAPANGAN" in body
    assert case.number in body and "20 Nov 2026 09:30 WIB" in body and "Jumat" in body
    assert "Rina Wulandari" in body and "198765432109876543" in body and "Fasilitator Teknis" in body
    assert "Sutrisno Hadi" in body and "Jl. Melati No. 5" in body
    assert "Atap bocor di dua titik" in body and "-6.914744, 107.609810" in body
    assert "Saksi (aparat desa/kelurahan)" in body and "Pemohon/wakil rumah tangga" in body
    assert "Bandung, 20 Nov 2026" in body
    assert nik not in body and nik[:4] in body  # the NIK masked, as everywhere
    photos = re.findall(rf'<img src="/cases/{case.id}/attachments/(\d+)"', body)
    assert len(photos) == 7  # the stored images, not the thumbnails
    assert body.count('class="print-sheet visit-sheet visit-photos"') == 2  # 6 on a page, then 1
    assert "/thumbnail" not in body


def test_berita_acara_masks_the_address_for_an_intern_who_only_took_the_case_in(
    make_user, login_as, units, app
):
    unit = units["jawa2"]
    intern = make_user(Role.INTERN, unit)
    staff = make_user(Role.STAFF, unit)
    nik = valid_nik(4343)
    applicant = dict(APPLICANT, name="Sumarni", nik=nik)
    data = {"channel": "walk_in", "service_types": ["house_design"], "description": "Rumah rusak."}
    case = case_service.intake(intern, unit, applicant, data).case
    case_service.assign_case(make_user(Role.SUPERVISOR, unit), db.session.get(Case, case.id), staff)
    staff_client = app.test_client()
    login(staff_client, staff)
    assert _record_visit(staff_client, case, photos=1).status_code == 302
    visit = _visit_of(case)
    client = app.test_client()
    login(client, intern)
    body = client.get(f"/cases/{case.id}/visits/{visit.id}/report").get_data(as_text=True)
    assert "Sumarni" in body and "Jl. Melati" not in body and "•••" in body
    assert nik not in body


def test_case_page_queries_do_not_grow_with_photos(make_user, make_case, login_as, units, count_queries):
    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    client = login_as(staff)
    _record_visit(client, case, photos=1)
    client.get(f"/cases/{case.id}")
    with count_queries() as few:
        client.get(f"/cases/{case.id}")
    _record_visit(client, case, photos=6)
    _record_visit(client, case, photos=4, occurred_at="2026-11-21T09:30")
    client.get(f"/cases/{case.id}")
    with count_queries() as many:
        client.get(f"/cases/{case.id}")
    assert many.count <= few.count + 1
