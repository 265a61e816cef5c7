"""Correcting what was saved (issue 14): a case's request and house data, an applicant, a
returning applicant's new data at intake, and merging two records of one person (and back)."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select

from krs.extensions import db
from krs.models import Applicant, ApplicantMerge, AuditLog, Case, Event, Role, Unit
from tests.support import create_case, valid_nik


def _csrf_free(data: dict) -> dict:
    return {k: v for k, v in data.items() if v is not None}


def _intake_form(**overrides):
    data = {
        "unit_id": str(db.session.scalars(select(Unit).where(Unit.code == "JAWA2")).one().id),
        "nik": "3276015005900007",
        "name": "Siti Aminah",
        "phone": "081234567001",
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
        "service_types": ["house_design"],
        "description": "Minta denah dan RAB.",
        "priority": "normal",
    }
    data.update(overrides)
    return _csrf_free(data)


def _case_edit_form(case, **overrides):
    data = {
        "version": str(case.version),
        "channel": case.channel,
        "priority": case.priority,
        "description": case.description,
        "service_types": case.service_types,
        "land_status": "",
        "floor_area_m2": "",
        "occupants": "",
        "roof_condition": "",
        "wall_condition": "",
        "floor_condition": "",
        "water_source": "",
        "sanitation": "",
        "electricity": "",
        "reason": "Hasil kunjungan lapangan.",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- Indonesian numbers at intake


def test_intake_reads_indonesian_numbers_and_phones(make_user, login_as):
    staff = make_user(Role.STAFF)
    client = login_as(staff)
    form = _intake_form(floor_area_m2="36,5", monthly_income="2.500.000", phone="0812-3456-7890")
    response = client.post("/cases/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    case = db.session.scalars(select(Case)).one()
    assert case.floor_area_m2 == Decimal("36.5")  # was 365.0
    assert case.applicant.monthly_income == 2_500_000  # was refused
    assert case.applicant.phone == "081234567890"  # the form search expects: 0 + digits
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "36,5 m²" in page
    found = client.get("/cases?view=all&q=0812-3456-7890").get_data(as_text=True)
    assert case.number in found
    found = client.get("/cases?view=all&q=%2B6281234567890").get_data(as_text=True)
    assert case.number in found


def test_intake_inputs_are_text_with_an_input_mode(make_user, login_as):
    page = login_as(make_user(Role.STAFF)).get("/cases/new").get_data(as_text=True)
    area = re.search(r"<input[^>]*name=\"floor_area_m2\"[^>]*>", page).group(0)
    income = re.search(r"<input[^>]*name=\"monthly_income\"[^>]*>", page).group(0)
    assert 'type="text"' in area and 'inputmode="decimal"' in area
    assert 'type="text"' in income and 'inputmode="numeric"' in income


# ---------------------------------------------------------------- editing a case


def test_edit_case_with_a_reason_writes_event_and_audit_of_the_changed_fields(make_user, login_as):
    staff = make_user(Role.STAFF)
    case = create_case(staff.unit, floor_area_m2=Decimal("20"))
    client = login_as(staff)
    page = client.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    assert 'value="20"' in page and "Alasan perubahan" in page
    response = client.post(f"/cases/{case.id}/edit", data=_case_edit_form(case, floor_area_m2="36,5"))
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.floor_area_m2 == Decimal("36.5")
    event = db.session.scalars(
        select(Event).where(Event.case_id == case.id, Event.kind == "case_edited")
    ).one()
    assert event.body == "Hasil kunjungan lapangan." and event.data == {"fields": ["floor_area_m2"]}
    row = db.session.scalars(select(AuditLog).where(AuditLog.action == "case.edit")).one()
    assert row.before == {"floor_area_m2": 20.0}
    assert row.after == {"floor_area_m2": 36.5, "reason": "Hasil kunjungan lapangan."}
    # the edit form shows the saved value back the Indonesian way
    assert 'value="36,5"' in client.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    assert "36,5 m²" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_edit_case_needs_a_reason(make_user, login_as):
    staff = make_user(Role.STAFF)
    case = create_case(staff.unit)
    response = login_as(staff).post(
        f"/cases/{case.id}/edit", data=_case_edit_form(case, floor_area_m2="40", reason="")
    )
    assert response.status_code == 422 and "Tuliskan alasan perubahan." in response.get_data(as_text=True)
    db.session.refresh(case)
    assert case.floor_area_m2 is None


def test_a_stale_edit_is_a_conflict_and_changes_nothing(make_user, login_as):
    staff = make_user(Role.STAFF)
    case = create_case(staff.unit)
    stale = _case_edit_form(case, floor_area_m2="50")
    client = login_as(staff)
    assert (
        client.post(f"/cases/{case.id}/edit", data=_case_edit_form(case, floor_area_m2="40")).status_code
        == 302
    )
    response = client.post(f"/cases/{case.id}/edit", data=stale)
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "baru saja diubah oleh pengguna lain" in body
    db.session.refresh(case)
    assert case.floor_area_m2 == Decimal("40")
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "case.edit")).all().__len__() == 1


def test_an_outreach_case_gets_its_house_data(make_user, login_as):
    staff = make_user(Role.STAFF)
    case = create_case(staff.unit, channel="outreach")
    response = login_as(staff).post(
        f"/cases/{case.id}/edit",
        data=_case_edit_form(case, land_status="shm", occupants="5", roof_condition="heavy"),
    )
    assert response.status_code == 302
    db.session.refresh(case)
    assert (case.land_status, case.occupants, case.roof_condition) == ("shm", 5, "heavy")


def test_an_intern_edits_only_the_house_data_of_an_assigned_case(make_user, login_as):
    intern = make_user(Role.INTERN)
    case = create_case(intern.unit, "assigned", assignee=intern)
    other = create_case(intern.unit)
    client = login_as(intern)
    page = client.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    assert 'name="floor_area_m2"' in page and 'name="description"' not in page
    data = _case_edit_form(case, floor_area_m2="30", description="Diubah magang")
    assert client.post(f"/cases/{case.id}/edit", data=data).status_code == 302
    db.session.refresh(case)
    assert case.floor_area_m2 == Decimal("30") and case.description != "Diubah magang"
    assert client.get(f"/cases/{other.id}/edit").status_code == 404


def test_another_office_cannot_edit_a_case_or_its_applicant(make_user, login_as, units):
    case = create_case(units["jawa2"])
    client = login_as(make_user(Role.STAFF, units["jawa3"]))
    assert client.get(f"/cases/{case.id}/edit").status_code == 404
    assert client.get(f"/applicants/{case.applicant_id}/edit").status_code == 404
    assert client.post(f"/applicants/{case.applicant_id}/edit", data={"reason": "x"}).status_code == 404


# ---------------------------------------------------------------- editing an applicant


def _applicant_form(applicant, **overrides):
    data = {
        "version": str(applicant.version),
        "nik": "",
        "name": applicant.name,
        "phone": applicant.phone or "",
        "gender": applicant.gender or "",
        "address": applicant.address or "",
        "province_code": applicant.province_code,
        "regency_code": applicant.regency_code,
        "district_code": applicant.district_code,
        "village_code": applicant.village_code,
        "occupation": applicant.occupation or "",
        "monthly_income": str(applicant.monthly_income or ""),
        "household_size": str(applicant.household_size or ""),
        "reason": "Pemohon ganti nomor HP.",
    }
    data.update(overrides)
    return data


def test_edit_applicant_with_reason_audits_before_and_after(make_user, login_as):
    staff = make_user(Role.STAFF)
    case = create_case(staff.unit)
    applicant = case.applicant
    client = login_as(staff)
    page = client.get(f"/applicants/{applicant.id}/edit").get_data(as_text=True)
    assert 'value="0812-3456-7890"' in page and 'value="3.000.000"' in page
    form = _applicant_form(applicant, phone="+62 813 1111 2222", monthly_income="3.500.000")
    response = client.post(f"/applicants/{applicant.id}/edit?case={case.id}", data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.id}")
    db.session.refresh(applicant)
    assert applicant.phone == "081311112222" and applicant.monthly_income == 3_500_000
    row = db.session.scalars(select(AuditLog).where(AuditLog.action == "applicant.edit")).one()
    assert row.before == {"phone": "081234567890", "monthly_income": 3_000_000}
    assert row.after == {
        "phone": "081311112222",
        "monthly_income": 3_500_000,
        "reason": "Pemohon ganti nomor HP.",
    }
    assert db.session.scalars(select(Event).where(Event.kind == "applicant_edited")).one().case_id == case.id
    # a second form opened before that edit is stale
    stale = _applicant_form(applicant, version="1", occupation="Petani")
    response = client.post(f"/applicants/{applicant.id}/edit", data=stale)
    assert response.status_code == 409 and "baru saja diubah" in response.get_data(as_text=True)
    db.session.refresh(applicant)
    assert applicant.occupation != "Petani"


# ---------------------------------------------------------------- a returning applicant


def test_a_returning_applicant_with_a_new_phone_is_confirmed_then_updated(make_user, login_as):
    staff = make_user(Role.STAFF)
    first = create_case(staff.unit, nik="3276015005900007")
    applicant = first.applicant
    client = login_as(staff)
    form = _intake_form(phone="0813-9999-8888", address="Jl. Baru No. 1")
    response = client.post("/cases/new", data=form)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Data berubah" in body
    assert "081234567890" in body and "081399998888" in body and "Jl. Baru No. 1" in body
    assert db.session.scalars(select(Case)).all() == [first]  # nothing saved yet
    response = client.post("/cases/new", data={**form, "applicant_changes": "update"})
    assert response.status_code == 302
    db.session.refresh(applicant)
    assert applicant.phone == "081399998888" and applicant.address == "Jl. Baru No. 1"
    row = db.session.scalars(select(AuditLog).where(AuditLog.action == "applicant.update_at_intake")).one()
    assert row.before["phone"] == "081234567890" and row.after["phone"] == "081399998888"
    new_case = db.session.scalars(select(Case).where(Case.id != first.id)).one()
    assert new_case.applicant_id == applicant.id
    assert (
        db.session.scalars(select(Event).where(Event.kind == "applicant_edited")).one().case_id == new_case.id
    )


def test_a_returning_applicant_kept_as_recorded(make_user, login_as):
    staff = make_user(Role.STAFF)
    first = create_case(staff.unit, nik="3276015005900007")
    client = login_as(staff)
    form = _intake_form(phone="0813-9999-8888", applicant_changes="keep")
    assert client.post("/cases/new", data=form).status_code == 302
    db.session.refresh(first.applicant)
    assert first.applicant.phone == "081234567890"


# ---------------------------------------------------------------- merging


def test_merge_moves_cases_and_history_and_an_admin_undoes_it(make_user, login_as, units):
    spv = make_user(Role.SUPERVISOR)
    keep = create_case(units["jawa2"], name="Bapak Ahmad Fauzi", nik=valid_nik(101))
    dup_cases = [
        create_case(units["jawa2"], "in_progress", name="Ahmad Fauzi", nik=valid_nik(102)) for _ in range(1)
    ]
    dup = dup_cases[0].applicant
    dup_cases.append(create_case(units["jawa2"], nik=dup.nik))  # a second case of the duplicate
    assert {c.applicant_id for c in dup_cases} == {dup.id}
    history = {c.id: len(c.events) for c in dup_cases}
    client = login_as(spv)
    listing = client.get("/applicants/duplicates").get_data(as_text=True)
    assert f"a={min(keep.applicant_id, dup.id)}&amp;b={max(keep.applicant_id, dup.id)}" in listing
    a, b = keep.applicant, dup
    page = client.get(f"/applicants/merge?a={a.id}&b={b.id}")
    assert page.status_code == 200 and "Ahmad Fauzi" in page.get_data(as_text=True)
    form = {
        "version_a": str(a.version),
        "version_b": str(b.version),
        "survivor": "a",
        "pick_name": "b",
        "pick_nik": "a",
        "reason": "Orang yang sama, tercatat dua kali.",
    }
    response = client.post(f"/applicants/merge?a={a.id}&b={b.id}", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert a.name == "Ahmad Fauzi" and b.merged_into_id == a.id
    assert db.session.get(Applicant, b.id) is not None  # kept, not deleted
    for case in dup_cases:
        db.session.refresh(case)
        assert case.applicant_id == a.id
        assert len([e for e in case.events if e.kind != "applicant_merged"]) == history[case.id]
    row = db.session.scalars(select(ApplicantMerge)).one()
    assert sorted(row.moved_case_ids) == sorted(c.id for c in dup_cases)
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "applicant.merge")).one()
    # supervisors do not undo; an admin does
    assert client.post(f"/applicants/merges/{row.id}/unmerge", data={"reason": "x"}).status_code == 403
    admin_client = login_as(make_user(Role.ADMIN))
    response = admin_client.post(
        f"/applicants/merges/{row.id}/unmerge", data={"reason": "Bukan orang yang sama."}
    )
    assert response.status_code == 302
    db.session.expire_all()
    for case in dup_cases:
        assert db.session.get(Case, case.id).applicant_id == b.id
    assert keep.applicant_id == a.id and a.name == "Bapak Ahmad Fauzi" and b.merged_into_id is None
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "applicant.unmerge")).one()


def test_another_office_cannot_merge(make_user, login_as, units):
    a = create_case(units["jawa2"], name="Siti").applicant
    b = create_case(units["jawa2"], name="Siti").applicant
    other_spv = make_user(Role.SUPERVISOR, units["jawa3"])
    client = login_as(other_spv)
    assert client.get(f"/applicants/merge?a={a.id}&b={b.id}").status_code == 404
    response = client.post(f"/applicants/merge?a={a.id}&b={b.id}", data={"survivor": "a", "reason": "x"})
    assert response.status_code == 404
    assert db.session.scalars(select(ApplicantMerge)).all() == []
    assert "Siti" not in client.get("/applicants/duplicates").get_data(as_text=True)
