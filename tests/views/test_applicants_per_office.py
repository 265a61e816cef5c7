"""Issue 13 (2): applicants are held per office (DESIGN.md §3).

A NIK another office knows starts this office's own record from what the applicant says now;
nothing of the other office's record (not even that the name exists) reaches the desk: not the
intake result, the case page, the NIK check, nor the outreach intake message. Households are
still counted once by NIK. A transferred case works on the receiving office's own record.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from krs import households
from krs.cases import transfer
from krs.extensions import db
from krs.intake import find_applicant_by_nik
from krs.models import Applicant, AuditLog, Case, CaseStatus, Role, StatDay, Unit
from krs.outreach import service as outreach_service
from tests.support import APPLICANT, login, make_group, make_session, valid_nik

HX = {"HX-Request": "true"}
NIK = valid_nik(7301, female=True)
BALI = {  # what the Bali office recorded
    "name": "Ni Luh Rahasia Bali",
    "phone": "081999000111",
    "address": "Jl. Kuta Rahasia 99",
    "monthly_income": 7_770_000,
}


@pytest.fixture(autouse=True)
def _csrf_off(app):
    before = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = False
    yield
    app.config["WTF_CSRF_ENABLED"] = before


@pytest.fixture
def offices(units, make_unit, make_user):
    bali = make_unit("BALI", tz="Asia/Makassar", kind="satker", provinces="51")
    return {
        "bali": bali,
        "jawa2": units["jawa2"],
        "bali_staff": make_user(Role.STAFF, bali),
        "staff": make_user(Role.STAFF, units["jawa2"]),
        "intern": make_user(Role.INTERN, units["jawa2"]),
        "spv": make_user(Role.SUPERVISOR, units["jawa2"]),
    }


@pytest.fixture
def bali_case(offices, make_case):
    case = make_case(unit=offices["bali"], nik=NIK, name=BALI["name"])
    applicant = case.applicant
    applicant.phone, applicant.address = BALI["phone"], BALI["address"]
    applicant.monthly_income = BALI["monthly_income"]
    db.session.commit()
    return case


def _form(**overrides) -> dict:
    data = {
        "unit_id": str(db.session.scalars(select(Unit).where(Unit.code == "JAWA2")).one().id),
        "nik": NIK,
        "name": "Siti Jawa Sekarang",
        "phone": "081234500002",
        "gender": "",
        "address": "Jl. Kenanga No. 3 Bekasi",
        "province_code": "32",
        "regency_code": "32.76",
        "district_code": "32.76.01",
        "village_code": "32.76.01.1006",
        "occupation": "Penjahit",
        "monthly_income": "2100000",
        "household_size": "4",
        "consent_given": "y",
        "channel": "walk_in",
        "service_types": ["house_design"],
        "description": "Minta denah rumah.",
        "priority": "normal",
    }
    data.update(overrides)
    return data


def _no_bali(text: str) -> None:
    assert BALI["name"] not in text and "Rahasia" not in text
    assert BALI["phone"] not in text and BALI["address"] not in text
    assert "7.770.000" not in text and "7770000" not in text


def test_staff_intake_with_a_nik_known_elsewhere_starts_this_offices_own_record(client, offices, bali_case):
    login(client, offices["staff"])
    resp = client.post("/cases/new", data=_form(), follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    _no_bali(page)
    assert "sudah terdaftar" not in page  # the intake result: a new applicant of this office
    case = db.session.scalars(select(Case).where(Case.unit_id == offices["jawa2"].id)).one()
    assert "Siti Jawa Sekarang" in page and case.number in page
    mine = case.applicant
    assert mine.id != bali_case.applicant_id and mine.created_by_unit_id == offices["jawa2"].id
    assert (mine.name, mine.phone, mine.monthly_income) == ("Siti Jawa Sekarang", "081234500002", 2_100_000)
    assert mine.address == "Jl. Kenanga No. 3 Bekasi" and mine.nik == NIK
    # the case page shows what the applicant said here, and nothing of Bali
    detail = client.get(f"/cases/{case.id}").get_data(as_text=True)
    _no_bali(detail)
    assert "Siti Jawa Sekarang" in detail and "2.100.000" in detail
    # Bali's record is untouched
    db.session.refresh(bali_case.applicant)
    assert bali_case.applicant.name == BALI["name"] and bali_case.applicant.phone == BALI["phone"]
    # a second visit in Jawa II reuses Jawa II's record, not Bali's
    again = client.post("/cases/new", data=_form(name="Siti J."), follow_redirects=True)
    assert "Pemohon sudah terdaftar" in again.get_data(as_text=True)
    _no_bali(again.get_data(as_text=True))
    assert db.session.scalar(select(func.count()).select_from(Applicant).where(Applicant.nik == NIK)) == 2


def test_nik_check_answers_staff_and_intern_alike_without_other_offices(client, app, offices, bali_case):
    answers = {}
    for who in ("staff", "intern"):
        c = app.test_client()
        login(c, offices[who])
        body = c.get(f"/cases/nik-check?nik={NIK}", headers=HX).get_data(as_text=True)
        _no_bali(body)
        assert "sudah terdaftar" not in body and "unit lain" not in body
        answers[who] = body
    assert answers["staff"] == answers["intern"]
    # once Jawa II holds the NIK, both are told it is registered here
    login(client, offices["staff"])
    client.post("/cases/new", data=_form())
    for who in ("staff", "intern"):
        c = app.test_client()
        login(c, offices[who])
        body = c.get(f"/cases/nik-check?nik={NIK}", headers=HX).get_data(as_text=True)
        _no_bali(body)
        assert "sudah terdaftar" in body


def test_outreach_intake_message_for_an_intern_names_no_other_office(client, offices, bali_case):
    session = make_session(offices["staff"], offices["jawa2"], staff=[offices["intern"]])
    login(client, offices["intern"])
    data = {
        "nik": NIK,
        "name": "Warga Sosialisasi",
        "phone": "081234567001",
        "service_types": ["program_info"],
        "description": "Tanya syarat BSPS.",
        "consent_given": "y",
    }
    resp = client.post(
        f"/outreach/{session.id}/intake", data=data, headers={**HX, "HX-Target": "session-intake"}
    )
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200
    _no_bali(body)
    assert "Warga Sosialisasi" in body and "sudah terdaftar" not in body
    page = client.get(f"/outreach/{session.id}").get_data(as_text=True)
    _no_bali(page)
    case = outreach_service.cases_opened_at(offices["staff"], session)[0]
    assert case.applicant.created_by_unit_id == offices["jawa2"].id
    assert case.applicant.name == "Warga Sosialisasi"


def test_two_offices_each_hold_their_own_record_and_households_count_once(offices, bali_case, make_case):
    ours = make_case(unit=offices["jawa2"], nik=NIK, name="Siti Jawa")
    again = make_case(unit=offices["jawa2"], nik=NIK, name="Siti J.")
    assert again.applicant_id == ours.applicant_id != bali_case.applicant_id
    assert find_applicant_by_nik(NIK, offices["jawa2"].id).id == ours.applicant_id
    assert find_applicant_by_nik(NIK, offices["bali"].id).id == bali_case.applicant_id
    # counted by NIK: one household in each office, one household nationally
    for unit in (offices["jawa2"], offices["bali"]):
        start = min(c.created_at for c in (ours, bali_case)).date().replace(month=1, day=1)
        end = start.replace(month=12, day=31)
        assert households.people_served(unit, start, end).identified_households == 1
    keys = db.session.scalars(
        select(StatDay.key).where(StatDay.metric == households.HOUSEHOLD, StatDay.n > 0).distinct()
    ).all()
    assert keys == [NIK]
    assert db.session.scalar(select(func.count(func.distinct(Applicant.nik)))) == 1


def test_the_unique_nik_is_per_office(offices, bali_case):
    db.session.add(Applicant(name="X", nik=NIK, created_by_unit_id=offices["jawa2"].id, consent_given=True))
    db.session.commit()
    db.session.add(Applicant(name="Y", nik=NIK, created_by_unit_id=offices["jawa2"].id, consent_given=True))
    with pytest.raises(Exception):  # noqa: B017 - IntegrityError, whatever the driver calls it
        db.session.commit()
    db.session.rollback()


def test_accepted_transfer_gives_the_receiving_office_its_own_record(offices, make_case, make_user):
    bali_spv = make_user(Role.SUPERVISOR, offices["bali"])
    case = make_case(unit=offices["jawa2"], nik=NIK, name="Siti Pindah", status=CaseStatus.IN_PROGRESS)
    original = case.applicant
    item = transfer.request_transfer(offices["spv"], case, offices["bali"], "Pemohon pindah ke Bali.")
    moved = transfer.accept_transfer(bali_spv, item, "Diterima.")
    copy = moved.applicant
    assert copy.id != original.id and copy.created_by_unit_id == offices["bali"].id
    assert (copy.name, copy.nik, copy.phone) == ("Siti Pindah", NIK, APPLICANT["phone"])
    assert db.session.get(Applicant, original.id).created_by_unit_id == offices["jawa2"].id
    assert db.session.scalar(
        select(func.count()).where(AuditLog.action == "applicant.create", AuditLog.entity_id == copy.id)
    )
    # a further transfer into an office that holds the NIK reuses that office's record
    other = make_case(unit=offices["jawa2"], nik=NIK, status=CaseStatus.IN_PROGRESS)
    assert other.applicant_id == original.id
    item = transfer.request_transfer(offices["spv"], other, offices["bali"], "Pindah juga.")
    assert transfer.accept_transfer(bali_spv, item, "").applicant_id == copy.id


def test_group_contact_is_the_offices_own_individual(offices, bali_case, make_case):
    group = make_group(offices["staff"], offices["jawa2"], contact_nik=NIK).case.applicant
    assert outreach_service.group_contact(offices["staff"], group) is None  # Bali's is not ours
    ours = make_case(unit=offices["jawa2"], nik=NIK, name="Pak Kontak")
    assert outreach_service.group_contact(offices["staff"], group).id == ours.applicant_id
