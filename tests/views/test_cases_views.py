"""Case desk views through the test client: what is shown, to whom, page vs htmx fragment."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from krs.extensions import db
from krs.models import Applicant, Attachment, AuditLog, Case, CaseStatus, Event, Role, Unit, User
from tests.support import valid_nik

HX = {"HX-Request": "true"}


def _intake_form(**overrides):
    data = {
        "unit_id": str(db.session.scalars(select(Unit).where(Unit.code == "JAWA2")).one().id),
        "nik": "3276015005900007",
        "name": "Siti Aminah",
        "phone": "081234567001",
        "gender": "",
        "address": "Jl. Kenanga No. 3",
        "province_code": "32",
        "regency_code": "32.76",
        "district_code": "32.76.01",
        "village_code": "32.76.01.1006",
        "occupation": "Penjahit",
        "monthly_income": "2500000",
        "household_size": "4",
        "consent_given": "y",
        "channel": "walk_in",
        "service_types": ["house_design", "cost_estimate"],
        "description": "Minta denah dan RAB.",
        "priority": "normal",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# ---------------------------------------------------------------- list


def test_list_is_a_full_page_and_htmx_gets_only_rows(make_user, make_case, login_as, units):
    staff = make_user(Role.STAFF, units["jawa2"])
    make_case(name="Siti Rahayu")
    make_case(name="Budi Santoso")
    client = login_as(staff)
    page = client.get("/cases?view=all&q=siti")
    body = page.get_data(as_text=True)
    assert (
        page.status_code == 200 and "<html" in body and "Siti Rahayu" in body and "Budi Santoso" not in body
    )
    assert 'value="siti"' in body  # the search box keeps the query (the URL is shareable)
    frag = client.get("/cases?view=all&q=budi", headers={**HX, "HX-Target": "case-rows"})
    text = frag.get_data(as_text=True)
    assert "<html" not in text and "<tr" in text and "Budi Santoso" in text and "Siti Rahayu" not in text


def test_list_never_shows_another_units_cases(make_user, make_case, login_as, units):
    make_case(unit=units["jawa3"], name="Warga Jawa Tiga")
    mine = make_case(name="Warga Jawa Dua")
    body = login_as(make_user(Role.SUPERVISOR, units["jawa2"])).get("/cases?view=all").get_data(as_text=True)
    assert mine.number in body and "Warga Jawa Tiga" not in body


def test_landing_views_per_role(make_user, make_case, login_as, units):
    staff = make_user(Role.STAFF, units["jawa2"])
    assigned = make_case(name="Kasus Saya", status=CaseStatus.ASSIGNED, assignee=staff)
    unassigned = make_case(name="Kasus Baru")
    body = login_as(staff).get("/cases").get_data(as_text=True)
    assert assigned.number in body and unassigned.number not in body  # staff land on "my cases"
    spv = make_user(Role.SUPERVISOR, units["jawa2"])
    body = login_as(spv).get("/cases").get_data(as_text=True)
    assert unassigned.number in body and assigned.number not in body  # supervisors on "unassigned"


def test_list_filters_and_pagination(make_user, make_case, login_as, units, app):
    staff = make_user(Role.STAFF, units["jawa2"])
    for i in range(30):
        make_case(name=f"Pemohon Nomor {i:02d}", services=("financing",) if i % 3 == 0 else ("house_design",))
    client = login_as(staff)
    body = client.get("/cases?view=all&service=financing").get_data(as_text=True)
    assert "10 kasus" in body
    page1 = client.get("/cases?view=all").get_data(as_text=True)
    page2 = client.get("/cases?view=all&page=2").get_data(as_text=True)
    assert "30 kasus" in page1 and "Halaman 1 dari 2" in page1 and "Halaman 2 dari 2" in page2
    assert len(re.findall(r"Pemohon Nomor", page1)) == 25 and len(re.findall(r"Pemohon Nomor", page2)) == 5
    assert client.get("/cases?page=abc&status=<script>").status_code == 200


def test_list_query_count_does_not_grow_with_rows(make_user, make_case, login_as, units, app, count_queries):
    staff = make_user(Role.STAFF, units["jawa2"])
    client = login_as(staff)
    staff_id = staff.id
    make_case(name="Satu")
    with count_queries() as few:
        client.get("/cases?view=all")
    staff = db.session.get(User, staff_id)
    for i in range(20):
        make_case(name=f"Banyak {i}", status=CaseStatus.ASSIGNED, assignee=staff)
    with count_queries() as many:
        body = client.get("/cases?view=all").get_data(as_text=True)
    assert "21 kasus" in body
    assert many.count == few.count, many.statements


def test_case_page_query_count_does_not_grow_with_timeline(
    make_user, make_case, login_as, units, count_queries
):
    from datetime import UTC, datetime, timedelta

    from krs.cases import service

    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case(status=CaseStatus.IN_PROGRESS, assignee=staff)
    case_id, staff_id = case.id, staff.id
    client = login_as(staff)
    with count_queries() as short:
        client.get(f"/cases/{case_id}")
    for i in range(15):
        service.add_follow_up(
            db.session.get(User, staff_id),
            db.session.get(Case, case_id),
            service.FollowUp(
                kind="note", body=f"Catatan {i}", occurred_at=datetime.now(UTC) - timedelta(minutes=i + 10)
            ),
        )
    with count_queries() as long:
        body = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Catatan 14" in body
    assert long.count == short.count, long.statements


# ---------------------------------------------------------------- intake


def test_intake_creates_applicant_case_event_and_audit(make_user, login_as, units):
    staff = make_user(Role.STAFF, units["jawa2"])
    resp = login_as(staff).post("/cases/new", data=_intake_form())
    assert resp.status_code == 302
    case = db.session.scalars(select(Case)).one()
    assert resp.headers["Location"].endswith(f"/cases/{case.id}")
    assert re.fullmatch(r"KRS-JAWA2-\d{4}-0001", case.number)
    assert sorted(case.service_types) == ["cost_estimate", "house_design"]
    applicant = case.applicant
    assert applicant.gender == "P" and applicant.birth_date.isoformat() == "1990-05-10"  # from the NIK
    assert applicant.consent_given and applicant.village_code == "32.76.01.1006"
    assert db.session.scalar(select(func.count()).select_from(Event).where(Event.kind == "created")) == 1
    assert (
        db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "case.create"))
        == 1
    )


def test_intake_rejects_bad_nik_with_a_clear_message_and_saves_nothing(make_user, login_as, units):
    client = login_as(make_user(Role.STAFF, units["jawa2"]))
    cases = {
        "12345": "16 digit",
        "9976015005900007": "kode provinsi",
        "3276019905900007": "Tanggal lahir",
        "3276015005900000": "0000",
    }
    for nik, message in cases.items():
        resp = client.post("/cases/new", data=_intake_form(nik=nik))
        assert resp.status_code == 422
        assert message in resp.get_data(as_text=True), nik
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    assert db.session.scalar(select(func.count()).select_from(Applicant)) == 0


def test_intake_requires_consent_services_and_a_consistent_address(make_user, login_as, units):
    client = login_as(make_user(Role.STAFF, units["jawa2"]))
    body = client.post("/cases/new", data=_intake_form(consent_given=None)).get_data(as_text=True)
    assert "Persetujuan pemrosesan data pribadi wajib dicentang" in body
    body = client.post("/cases/new", data=_intake_form(service_types=[])).get_data(as_text=True)
    assert "Pilih minimal satu jenis layanan" in body
    body = client.post("/cases/new", data=_intake_form(regency_code="33.01")).get_data(as_text=True)
    assert "Pilih alamat berurutan" in body
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_intake_without_javascript_fills_the_address_chain_step_by_step(make_user, login_as, units):
    client = login_as(make_user(Role.STAFF, units["jawa2"]))
    body = client.post(
        "/cases/new", data=_intake_form(regency_code="", district_code="", village_code="")
    ).get_data(as_text=True)
    assert 'value="32.76"' in body  # the regencies of the chosen province are now offered
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_intake_reuses_the_applicant_with_the_same_nik(make_user, login_as, units):
    client = login_as(make_user(Role.STAFF, units["jawa2"]))
    client.post("/cases/new", data=_intake_form())
    resp = client.post("/cases/new", data=_intake_form(name="Siti A."), follow_redirects=True)
    assert "Pemohon sudah terdaftar" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Applicant)) == 1
    assert db.session.scalar(select(func.count()).select_from(Case)) == 2


def test_nik_check_shows_existing_applicant_and_open_cases(make_user, make_case, login_as, units):
    case = make_case(name="Ibu Lestari", nik=valid_nik(42, female=True))
    client = login_as(make_user(Role.STAFF, units["jawa2"]))
    frag = client.get(f"/cases/nik-check?nik={case.applicant.nik}", headers=HX).get_data(as_text=True)
    assert "Ibu Lestari" in frag and case.number in frag and "<html" not in frag
    assert "16 digit" in client.get("/cases/nik-check?nik=123").get_data(as_text=True)
    assert "Pemohon baru" in client.get("/cases/nik-check?nik=3276015005900099").get_data(as_text=True)


def test_nik_check_does_not_reveal_another_units_applicant(make_user, make_case, login_as, units):
    case = make_case(unit=units["jawa3"], name="Warga Jawa Tiga", nik=valid_nik(43))
    frag = login_as(make_user(Role.STAFF, units["jawa2"])).get(f"/cases/nik-check?nik={case.applicant.nik}")
    text = frag.get_data(as_text=True)
    assert "Warga Jawa Tiga" not in text and case.number not in text
    # held per office (issue 13, 2): not even that another office knows the NIK
    assert "unit lain" not in text and "sudah terdaftar" not in text and "Pemohon baru" in text


def test_region_options_chain(make_user, login_as, units):
    client = login_as(make_user(Role.STAFF, units["jawa2"]))
    frag = client.get("/cases/regions/regency_code?province_code=32", headers=HX).get_data(as_text=True)
    assert "Kota Depok" in frag and 'id="district_code"' in frag and "hx-swap-oob" in frag
    assert client.get("/cases/regions/bogus?x=1").status_code == 404
    assert "Kota Depok" not in client.get("/cases/regions/regency_code?province_code=99").get_data(
        as_text=True
    )


# ---------------------------------------------------------------- case page and actions


def test_case_page_shows_only_the_actions_the_user_may_take(make_user, make_case, login_as, units):
    staff = make_user(Role.STAFF, units["jawa2"])
    spv = make_user(Role.SUPERVISOR, units["jawa2"])
    case = make_case(status=CaseStatus.IN_PROGRESS, assignee=staff)
    staff_body = login_as(staff).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Simpan tindak lanjut" in staff_body and "Ajukan penutupan" in staff_body
    assert "Tugaskan" not in staff_body and "Setujui penutupan" not in staff_body
    spv_body = login_as(spv).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Tugaskan" in spv_body
    viewer = make_user(Role.VIEWER)
    viewer_body = login_as(viewer).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Simpan tindak lanjut" not in viewer_body and "Tugaskan" not in viewer_body


def test_pii_is_masked_for_interns_and_viewers(make_user, make_case, login_as, units):
    intern = make_user(Role.INTERN, units["jawa2"])
    case = make_case(status=CaseStatus.ASSIGNED, assignee=intern)
    nik, phone = case.applicant.nik, case.applicant.phone
    for user in (intern, make_user(Role.VIEWER)):
        client = login_as(user)
        for url in (f"/cases/{case.id}", "/cases?view=all"):
            body = client.get(url).get_data(as_text=True)
            assert nik not in body, (user.role, url)
            if user.role == Role.VIEWER:  # DESIGN.md §5 (issue 14): the intern's own case shows them
                assert phone not in body and "Jl. Melati" not in body, (user.role, url)
        assert nik[:4] + "••" in client.get(f"/cases/{case.id}").get_data(as_text=True)
    staff_body = (
        login_as(make_user(Role.STAFF, units["jawa2"])).get(f"/cases/{case.id}").get_data(as_text=True)
    )
    assert phone in staff_body and "Tampilkan NIK" in staff_body  # the NIK waits for an audited reveal


def test_assign_in_place_with_htmx_returns_the_case_fragment(make_user, make_case, login_as, units):
    spv = make_user(Role.SUPERVISOR, units["jawa2"])
    staff = make_user(Role.STAFF, units["jawa2"], full_name="Dewi Petugas")
    case = make_case()
    resp = login_as(spv).post(
        f"/cases/{case.id}/assign",
        data={"assignee_id": staff.id, "version": case.version},
        headers={**HX, "HX-Target": "case-body"},
    )
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in body and 'id="case-body"' in body
    assert "Dewi Petugas" in body and "HX-Trigger" not in resp.headers  # nothing listened to "caseChanged"
    db.session.expire_all()
    assert db.session.get(Case, case.id).assignee_id == staff.id


def test_assign_refuses_users_of_another_unit(make_user, make_case, login_as, units):
    spv = make_user(Role.SUPERVISOR, units["jawa2"])
    outsider = make_user(Role.STAFF, units["jawa3"])
    case = make_case()
    resp = login_as(spv).post(
        f"/cases/{case.id}/assign", data={"assignee_id": outsider.id, "version": case.version}
    )
    assert resp.status_code == 422
    db.session.expire_all()
    assert db.session.get(Case, case.id).assignee_id is None


def test_stale_form_gets_a_conflict_message_and_overwrites_nothing(make_user, make_case, login_as, units):
    spv = make_user(Role.SUPERVISOR, units["jawa2"])
    case = make_case(status=CaseStatus.CLOSURE_REQUESTED)
    stale_version = case.version - 1
    resp = login_as(spv).post(
        f"/cases/{case.id}/approve-closure", data={"decision": "approve", "version": stale_version}
    )
    assert resp.status_code == 409
    assert "baru saja diubah oleh pengguna lain" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == CaseStatus.CLOSURE_REQUESTED


def test_follow_up_without_javascript_redirects_and_appears_in_timeline(
    make_user, make_case, login_as, units
):
    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    client = login_as(staff)
    resp = client.post(
        f"/cases/{case.id}/events",
        data={
            "kind": "call",
            "occurred_at": "2026-11-20T09:30",
            "duration_minutes": "15",
            "body": "Menelepon pemohon untuk jadwal survei.",
            "next_action_date": "2026-12-01",
        },
    )
    assert resp.status_code == 302
    body = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Menelepon pemohon untuk jadwal survei." in body and "20 Nov 2026 09:30 WIB" in body
    assert "Tindakan berikutnya: 1 Des 2026" in body


def test_follow_up_in_the_future_is_refused(make_user, make_case, login_as, units):
    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    resp = login_as(staff).post(
        f"/cases/{case.id}/events",
        data={"kind": "call", "occurred_at": "2099-01-01T09:30", "body": "x"},
        headers={**HX, "HX-Target": "case-body"},
    )
    assert resp.status_code == 422 and "masa depan" in resp.get_data(as_text=True)


def test_attachment_type_is_checked_by_content_and_served_only_through_access(
    make_user, make_case, login_as, units
):
    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    client = login_as(staff)
    html_as_png = (io.BytesIO(b"<html><script>alert(1)</script></html>"), "foto.png")
    resp = client.post(
        f"/cases/{case.id}/events",
        data={
            "kind": "field_visit",
            "occurred_at": "2026-11-20T09:30",
            "body": "Foto rumah.",
            "attachment": html_as_png,
        },
        content_type="multipart/form-data",
    )
    assert resp.status_code == 422 and "Jenis berkas tidak didukung" in resp.get_data(as_text=True)
    pdf = (io.BytesIO(b"%PDF-1.4\n%...\n"), "rab.pdf")
    resp = client.post(
        f"/cases/{case.id}/events",
        data={
            "kind": "deliverable",
            "occurred_at": "2026-11-20T10:30",
            "body": "RAB diserahkan.",
            "attachment": pdf,
        },
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    att = db.session.scalars(select(Attachment)).one()
    assert att.stored_name != "rab.pdf" and att.content_type == "application/pdf"
    got = client.get(f"/cases/{case.id}/attachments/{att.id}")
    assert (
        got.status_code == 200
        and got.data.startswith(b"%PDF")
        and got.headers["X-Content-Type-Options"] == "nosniff"
    )
    other = login_as(make_user(Role.STAFF, units["jawa3"]))
    assert other.get(f"/cases/{case.id}/attachments/{att.id}").status_code == 404


def test_closure_request_and_return_with_comment(make_user, make_case, login_as, units):
    staff = make_user(Role.STAFF, units["jawa2"])
    spv = make_user(Role.SUPERVISOR, units["jawa2"])
    case = make_case(status=CaseStatus.IN_PROGRESS, assignee=staff)
    resp = login_as(staff).post(
        f"/cases/{case.id}/close",
        data={"outcome": "referred_bsps", "closure_summary": "Dirujuk ke dinas.", "version": case.version},
    )
    assert resp.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    client = login_as(spv)
    resp = client.post(
        f"/cases/{case.id}/approve-closure", data={"decision": "return", "version": case.version}
    )
    assert resp.status_code == 422 and "alasan pengembalian" in resp.get_data(as_text=True)
    resp = client.post(
        f"/cases/{case.id}/approve-closure",
        data={"decision": "return", "comment": "Lampirkan foto.", "version": case.version},
    )
    assert resp.status_code == 302
    body = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Penutupan dikembalikan" in body and "Lampirkan foto." in body


def test_home_pages(make_user, make_case, login_as, units):
    spv = make_user(Role.SUPERVISOR, units["jawa2"])
    requested = make_case(name="Menunggu Tutup", status=CaseStatus.CLOSURE_REQUESTED)
    body = login_as(spv).get("/").get_data(as_text=True)
    assert "Menunggu persetujuan penutupan" in body and requested.number in body
    intern_body = login_as(make_user(Role.INTERN, units["jawa2"])).get("/").get_data(as_text=True)
    assert requested.number not in intern_body and "+ Kasus baru" in intern_body


def test_language_switch_to_english(make_user, login_as, units):
    client = login_as(make_user(Role.STAFF, units["jawa2"]))
    client.post("/language", data={"lang": "en", "next": "/cases"})
    body = client.get("/cases").get_data(as_text=True)
    assert 'lang="en"' in body


def test_list_rows_write_dates_and_labels_as_the_filters_do(app, make_case, make_user):
    """Issue 17: the rows' dates and labels are written once per page (cases.routes._row_words);
    each must be the text the `date`, `status_label` and `service_label` filters write, in both
    languages and across the user's zone (a moment late in the UTC day is the next local day)."""
    from datetime import date, datetime

    from flask_babel import force_locale

    from krs.cases.routes import _row_words
    from krs.formats import fmt_date

    user = make_user(Role.SUPERVISOR)
    cases = [make_case(status=s) for s in (CaseStatus.NEW, CaseStatus.IN_PROGRESS, CaseStatus.CLOSED)]
    cases[0].created_at = datetime(2026, 8, 31, 20, 30)  # 1 Sep in Jakarta (UTC+7)
    cases[1].resolution_due = date(2026, 5, 9)
    cases[2].resolution_due = None
    filters = app.jinja_env.filters
    for lang in ("id", "en"):
        with app.test_request_context("/cases"), force_locale(lang):
            from flask_login import login_user

            login_user(user)
            words = _row_words(cases)
            for case in cases:
                for value in (case.created_at, case.resolution_due):
                    assert words["row_dates"][value] == fmt_date(value)
                assert words["status_words"][case.status] == filters["status_label"](case.status)
                for s in case.services:
                    assert words["service_words"][s.service] == filters["service_label"](s.service)
    assert words["row_dates"][cases[0].created_at] == "1 Sep 2026"
