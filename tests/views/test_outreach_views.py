"""Views of groups and outreach sessions: group intake, a session with several intakes, scope."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from krs.extensions import db
from krs.models import Applicant, Case, OutreachSessionCase, Role
from tests.support import JPEG, add_photo_file, login, make_group, make_session, valid_nik

HX = {"HX-Request": "true"}
HX_MEMBERS = {**HX, "HX-Target": "group-members"}  # what htmx sends from the group page's member form
HX_INTAKE = {**HX, "HX-Target": "session-intake"}  # and from the session page's intake form


@pytest.fixture(autouse=True)
def _csrf_off(app):
    """These tests post forms without tokens: CSRF off whatever ran before (browser tests turn it on)."""
    before = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = False
    yield
    app.config["WTF_CSRF_ENABLED"] = before


@pytest.fixture
def people(units, make_user):
    jawa2, jawa3 = units["jawa2"], units["jawa3"]
    return {
        "staff": make_user(Role.STAFF, jawa2, full_name="Rina Staf"),
        "supervisor": make_user(Role.SUPERVISOR, jawa2),
        "intern": make_user(Role.INTERN, jawa2, full_name="Dimas Magang"),
        "admin": make_user(Role.ADMIN),
        "viewer": make_user(Role.VIEWER),
        "other_staff": make_user(Role.STAFF, jawa3),
    }


def group_form(**overrides) -> dict:
    return {
        "unit_id": "",
        "name": "KSM Sido Makmur",
        "group_kind": "ksm",
        "province_code": "32",
        "regency_code": "32.76",
        "district_code": "32.76.01",
        "village_code": "32.76.01.1006",
        "address": "Jl. Anggrek 2",
        "member_households": "15",
        "members": "Ibu Sari, 3276015005900045\nPak Joko",
        "contact_name": "Bapak Harun Pratama",
        "contact_nik": "3276011005900123",
        "phone": "081298765432",
        "consent_given": "y",
        "channel": "walk_in",
        "priority": "normal",
        "service_types": ["house_design", "cost_estimate"],
        "description": "KSM minta desain rumah contoh dan RAB untuk 15 anggota.",
        **overrides,
    }


def intake_form(n: int, **overrides) -> dict:
    return {
        "nik": valid_nik(n),
        "name": f"Warga {n}",
        "phone": "081234567001",
        "service_types": ["program_info"],
        "description": "Tanya syarat BSPS.",
        "consent_given": "y",
        **overrides,
    }


# ---------------------------------------------------------------- group intake


def test_group_intake_registers_the_group_and_its_case(client, people, units):
    login(client, people["staff"])
    assert "Penerimaan kasus kelompok" in client.get("/outreach/groups/new").get_data(as_text=True)
    resp = client.post("/outreach/groups/new", data=group_form(unit_id=str(units["jawa2"].id)))
    assert resp.status_code == 302
    group = db.session.scalar(select(Applicant).where(Applicant.kind == "group"))
    assert resp.headers["Location"].endswith(f"/outreach/groups/{group.id}")
    assert (group.name, group.group_kind, group.member_households) == ("KSM Sido Makmur", "ksm", 15)
    assert group.contact_nik == "3276011005900123" and group.nik is None
    page = client.get(f"/outreach/groups/{group.id}").get_data(as_text=True)
    case = db.session.scalar(select(Case).where(Case.applicant_id == group.id))
    assert case.number in page and "Ibu Sari" in page and "Pak Joko" in page
    assert "3276••••••••••23" in page and "3276011005900123" not in page  # masked for all (issue 13)
    # the case page shows the group, linked to its page
    case_page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Pemohon kelompok" in case_page and f"/outreach/groups/{group.id}" in case_page


def test_group_intake_explains_a_bad_nik_and_a_missing_kind(client, people, units):
    login(client, people["staff"])
    resp = client.post(
        "/outreach/groups/new",
        data=group_form(unit_id=str(units["jawa2"].id), contact_nik="123", group_kind=""),
    )
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert "NIK harus 16 digit angka." in body
    assert db.session.scalar(select(db.func.count()).select_from(Applicant)) == 0


def test_group_page_masks_the_contact_and_members_for_viewers(client, people, units):
    group = make_group(
        people["staff"], units["jawa2"], members=[("Ibu Sari", "3276015005900045")]
    ).case.applicant
    login(client, people["viewer"])
    page = client.get(f"/outreach/groups/{group.id}").get_data(as_text=True)
    assert "KSM Maju Bersama" in page
    assert "3276011005900123" not in page and "3276••••••••••23" in page
    assert "3276015005900045" not in page and "081298765432" not in page
    assert "Tambah anggota" not in page


def test_adding_a_member_with_htmx_returns_the_member_list(client, people, units):
    group = make_group(people["staff"], units["jawa2"]).case.applicant
    login(client, people["staff"])
    resp = client.post(
        f"/outreach/groups/{group.id}/members",
        data={"name": "Ibu Ani", "nik": valid_nik(5)},
        headers=HX_MEMBERS,
    )
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in body
    assert "Ibu Ani" in body and "Anggota ditambahkan." in body
    bad = client.post(
        f"/outreach/groups/{group.id}/members", data={"name": "X", "nik": "99"}, headers=HX_MEMBERS
    )
    assert bad.status_code == 422 and "NIK harus 16 digit angka." in bad.get_data(as_text=True)


def test_a_further_case_for_a_known_group(client, people, units):
    group = make_group(people["staff"], units["jawa2"]).case.applicant
    login(client, people["staff"])
    resp = client.post(
        f"/outreach/groups/{group.id}/cases/new",
        data={"channel": "phone", "priority": "normal", "service_types": ["permits"], "description": "PBG."},
    )
    assert resp.status_code == 302
    assert db.session.scalar(select(db.func.count()).where(Case.applicant_id == group.id)) == 2


def test_case_search_finds_a_group_by_its_contact_person(client, people, units):
    make_group(people["staff"], units["jawa2"], name="Koperasi Griya", contact_name="Ibu Ratna Wulandari")
    login(client, people["staff"])
    body = client.get("/cases?q=wulandari", headers={**HX, "HX-Target": "case-rows"}).get_data(as_text=True)
    assert "Koperasi Griya" in body


# ---------------------------------------------------------------- sessions


def test_new_session_form_records_a_session(client, people, units):
    login(client, people["staff"])
    page = client.get("/outreach/new").get_data(as_text=True)
    assert "Dimas Magang" in page  # the unit's interns can be marked present
    resp = client.post(
        "/outreach/new",
        data={
            "unit_id": str(units["jawa2"].id),
            "held_on": "2026-11-20",
            "duration_minutes": "150",
            "topic": "Rumah tahan gempa",
            "services": ["construction"],
            "province_code": "32",
            "regency_code": "32.76",
            "district_code": "32.76.01",
            "village_code": "32.76.01.1006",
            "place": "Balai desa",
            "staff_ids": [str(people["staff"].id), str(people["intern"].id)],
            "participants_count": "30",
            "households_count": "25",
            "attendee_niks": f"{valid_nik(1)}\n\n{valid_nik(2)}\n",
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    masked = valid_nik(2)[:4] + "•" * 10 + valid_nik(2)[-2:]  # attendee NIKs masked for all (issue 13)
    assert "Rumah tahan gempa" in page and "Dimas Magang" in page and masked in page


def test_new_session_refuses_bad_attendee_niks_and_more_households_than_people(client, people, units):
    login(client, people["staff"])
    data = {
        "unit_id": str(units["jawa2"].id),
        "held_on": "2026-11-20",
        "duration_minutes": "120",
        "topic": "BSPS",
        "services": ["program_info"],
        "province_code": "32",
        "regency_code": "32.76",
        "district_code": "32.76.01",
        "village_code": "32.76.01.1006",
        "place": "Balai desa",
        "staff_ids": [str(people["staff"].id)],
        "participants_count": "5",
        "households_count": "10",
        "attendee_niks": "12345",
    }
    resp = client.post("/outreach/new", data=data)
    assert resp.status_code == 422 and "Baris 1: NIK harus 16 digit angka." in resp.get_data(as_text=True)
    resp = client.post("/outreach/new", data={**data, "attendee_niks": ""})
    assert resp.status_code == 422
    assert "Jumlah rumah tangga tidak boleh melebihi jumlah peserta." in resp.get_data(as_text=True)


def test_several_intakes_in_a_row_from_the_session_page(client, people, units):
    session = make_session(people["staff"], units["jawa2"], staff=[people["staff"]])
    login(client, people["staff"])
    page = client.get(f"/outreach/{session.id}").get_data(as_text=True)
    assert 'id="session-intake"' in page and "Simpan kasus dan lanjut" in page

    numbers = []
    for n in (1, 2, 3):
        resp = client.post(f"/outreach/{session.id}/intake", data=intake_form(n), headers=HX_INTAKE)
        body = resp.get_data(as_text=True)
        assert resp.status_code == 200 and "<html" not in body
        number = re.search(r"KRS-JAWA2-\d{4}-\d{4}", body).group(0)
        numbers.append(number)
        assert f"Warga {n}" in body and 'hx-swap-oob="afterbegin:#session-cases"' in body
        assert f'value="{valid_nik(n)}"' not in body  # the form is cleared for the next household
        assert f'<span id="session-case-count" hx-swap-oob="true">{n}</span>' in body
    assert len(set(numbers)) == 3
    cases = db.session.scalars(select(Case).order_by(Case.id)).all()
    assert [c.channel for c in cases] == ["outreach"] * 3
    assert db.session.scalar(select(db.func.count()).select_from(OutreachSessionCase)) == 3
    page = client.get(f"/outreach/{session.id}").get_data(as_text=True)
    assert all(number in page for number in numbers)


def test_session_intake_without_javascript_redirects_back(client, people, units):
    session = make_session(people["staff"], units["jawa2"], staff=[people["staff"]])
    login(client, people["staff"])
    resp = client.post(f"/outreach/{session.id}/intake", data=intake_form(7))
    assert resp.status_code == 302 and f"/outreach/{session.id}" in resp.headers["Location"]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Warga 7" in page and "tercatat" in page


def test_session_intake_errors_stay_in_the_form(client, people, units):
    session = make_session(people["staff"], units["jawa2"], staff=[people["staff"]])
    login(client, people["staff"])
    resp = client.post(
        f"/outreach/{session.id}/intake", data=intake_form(8, nik="3276", consent_given=""), headers=HX_INTAKE
    )
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "<html" not in body
    assert "NIK harus 16 digit angka." in body and "Persetujuan pemrosesan data pribadi wajib" in body
    assert 'value="Warga 8"' in body  # what was typed stays
    resp = client.post(f"/outreach/{session.id}/intake", data=intake_form(8, nik="3276"))
    assert resp.status_code == 422 and "<html" in resp.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(Case)) == 0


def test_an_intern_present_may_take_in_cases_and_sees_nik_masked(client, people, units):
    session = make_session(
        people["staff"], units["jawa2"], staff=[people["staff"], people["intern"]], attendees=[valid_nik(40)]
    )
    login(client, people["intern"])
    page = client.get(f"/outreach/{session.id}").get_data(as_text=True)
    assert valid_nik(40) not in page and valid_nik(40)[:4] + "••" in page
    assert "Ubah" not in page.split("<h1>")[1][:300]  # interns do not edit sessions
    resp = client.post(f"/outreach/{session.id}/intake", data=intake_form(41), headers=HX_INTAKE)
    assert resp.status_code == 200 and valid_nik(41) not in resp.get_data(as_text=True)


def test_sessions_of_other_units_and_sessions_an_intern_missed_answer_404(client, people, units):
    own = make_session(people["staff"], units["jawa2"], staff=[people["staff"]])
    add_photo_file(people["staff"], own)
    other = make_session(people["other_staff"], units["jawa3"], staff=[people["other_staff"]])
    photo = add_photo_file(people["other_staff"], other)
    group = make_group(people["other_staff"], units["jawa3"]).case.applicant
    urls = [
        ("get", f"/outreach/{other.id}"),
        ("get", f"/outreach/{other.id}/photos/{photo.id}"),
        ("post", f"/outreach/{other.id}/intake"),
        ("get", f"/outreach/groups/{group.id}"),
        ("post", f"/outreach/groups/{group.id}/cases/new"),
    ]
    for role in ("staff", "supervisor", "intern"):
        login(client, people[role])
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 404, (role, url)
    for role in ("admin", "viewer"):
        login(client, people[role])
        assert client.get(f"/outreach/{other.id}").status_code == 200
        assert client.get(f"/outreach/groups/{group.id}").status_code == 200
    # an intern not present at their own unit's session does not see it
    login(client, people["intern"])
    assert client.get(f"/outreach/{own.id}").status_code == 404


def test_photos_upload_and_are_served_only_through_the_checked_route(client, people, units):
    session = make_session(people["staff"], units["jawa2"], staff=[people["staff"]])
    login(client, people["staff"])
    resp = client.post(
        f"/outreach/{session.id}/photos",
        data={"photo": (io.BytesIO(JPEG), "kegiatan.jpg")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    db.session.refresh(session)
    photo = session.photos[0]
    got = client.get(f"/outreach/{session.id}/photos/{photo.id}")
    assert got.status_code == 200 and got.mimetype == "image/jpeg"
    pdf = client.post(
        f"/outreach/{session.id}/photos",
        data={"photo": (io.BytesIO(b"%PDF-1.4 x"), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert pdf.status_code == 422 and "bukan PDF" in pdf.get_data(as_text=True)


def test_index_shows_people_served_labelled_and_interns_see_no_figures(client, people, units):
    make_session(
        people["staff"], units["jawa2"], staff=[people["staff"], people["intern"]], topic="Penyuluhan"
    )
    login(client, people["staff"])
    page = client.get("/outreach").get_data(as_text=True)
    assert "Penyuluhan" in page and 'id="served"' in page
    for label in ("Kasus", "Rumah tangga", "Peserta sosialisasi (orang)", "Rumah tangga anggota kelompok"):
        assert label in page
    assert "BP2P JAWA3" not in page  # only the user's unit
    login(client, people["intern"])
    page = client.get("/outreach").get_data(as_text=True)
    assert "Penyuluhan" in page and 'id="served"' not in page


def test_index_query_count_does_not_grow_with_sessions(client, people, units, count_queries):
    staff = people["staff"]
    login(client, staff)
    make_session(staff, units["jawa2"], staff=[staff])
    client.get("/outreach")
    with count_queries() as few:
        client.get("/outreach")
    for _ in range(6):
        make_session(staff, units["jawa2"], staff=[staff, people["intern"]])
    client.get("/outreach")  # as above: the same warm session state before counting
    with count_queries() as many:
        client.get("/outreach")
    assert many.count == few.count


def test_the_applicant_page_of_a_group_is_its_group_page(units, make_user, login_as):
    staff = make_user(Role.STAFF, units["jawa2"])
    group = make_group(staff, units["jawa2"]).case.applicant
    client = login_as(staff)
    resp = client.get(f"/applicants/{group.id}")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/outreach/groups/{group.id}")
    assert group.name in client.get(resp.headers["Location"]).get_data(as_text=True)
