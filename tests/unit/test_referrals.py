"""Referral letter numbers (sequential per unit and year, safe when desks write at once), the
overdue rule, the dashboard counts, NIP checks and the public status links (issue 16)."""

import threading
from datetime import date

import pytest
from sqlalchemy import select

from krs import public_links
from krs.admin.forms import nip_problem, number_format_problem
from krs.extensions import db
from krs.models import Agency, AuditLog, Case, Event, Referral, Role, StatusLink, User
from krs.referrals import service
from krs.workdays import add_working_days


@pytest.fixture
def agency():
    a = Agency(name="Dinas Perkim Kota Cimahi", kind="dinas_perkim", regency_code="32.77")
    db.session.add(a)
    db.session.commit()
    return a


def _refer(actor, case, agency, day=date(2026, 11, 27), programme="bsps"):
    return service.create_referral(
        actor,
        case,
        service.ReferralData(agency, programme, day, "Mohon verifikasi calon penerima BSPS.", actor),
    )


def test_format_letter_number_default_and_custom():
    assert service.format_letter_number(None, "JAWA2", date(2026, 11, 27), 7) == "007/KRS-JAWA2/XI/2026"
    assert (
        service.format_letter_number("{seq}/BP2P.JW2/RS/{month}/{year}", "JAWA2", date(2026, 4, 2), 12)
        == "012/BP2P.JW2/RS/IV/2026"
    )


def test_number_format_may_only_use_the_placeholders():
    assert number_format_problem("") is None
    assert number_format_problem("{seq}/KRS-{unit}/{month}/{year}") is None
    assert number_format_problem("{seq}/{unit.__class__}/{year}")
    assert number_format_problem("KRS/{unit}/{year}")  # no {seq}: numbers would repeat


def test_letter_numbers_are_sequential_per_unit_and_year(units, make_user, make_case, agency):
    staff2 = make_user(Role.STAFF, units["jawa2"])
    staff3 = make_user(Role.STAFF, units["jawa3"])
    c2, c3 = make_case(unit=units["jawa2"]), make_case(unit=units["jawa3"])
    numbers = [_refer(staff2, c2, agency).letter_number for _ in range(3)]
    assert numbers == ["001/KRS-JAWA2/XI/2026", "002/KRS-JAWA2/XI/2026", "003/KRS-JAWA2/XI/2026"]
    assert _refer(staff3, c3, agency).letter_number == "001/KRS-JAWA3/XI/2026"  # own counter
    assert _refer(staff2, c2, agency, day=date(2027, 1, 5)).letter_number == "001/KRS-JAWA2/I/2027"
    assert _refer(staff2, c2, agency).letter_number == "004/KRS-JAWA2/XI/2026"


def test_a_referral_writes_a_timeline_event_and_an_audit_row(make_user, make_case, agency):
    staff = make_user(Role.STAFF)
    case = make_case()
    referral = _refer(staff, case, agency)
    event = db.session.scalars(select(Event).where(Event.case_id == case.id, Event.kind == "referral")).one()
    assert referral.letter_number in event.body and agency.name in event.body
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "referral.create")).one()
    service.answer_referral(
        staff, referral, "accepted", "Masuk daftar calon penerima.", date(2026, 11, 28), ""
    )
    assert not referral.is_open
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "referral.answer")).one()
    assert db.session.scalar(select(Event).where(Event.body.contains("Diterima"))) is not None


def test_an_answer_before_the_letter_is_refused(make_user, make_case, agency):
    staff = make_user(Role.STAFF)
    referral = _refer(staff, make_case(), agency)
    with pytest.raises(service.ReferralError):
        service.answer_referral(staff, referral, "accepted", "", date(2026, 11, 1), None)


def test_overdue_after_the_configured_working_days(app, make_user, make_case, agency):
    staff = make_user(Role.STAFF)
    referral = _refer(staff, make_case(), agency, day=date(2026, 11, 2))
    days = app.config["KRS_REFERRAL_ANSWER_DAYS"]
    assert not service.is_overdue(referral, add_working_days(date(2026, 11, 2), days))
    assert service.is_overdue(referral, add_working_days(date(2026, 11, 2), days + 1))
    rows = service.waiting_referrals(staff, add_working_days(date(2026, 11, 2), days + 1), overdue_only=True)
    assert [r.referral.id for r in rows] == [referral.id]


def test_counts_by_programme_and_answer(units, make_user, make_case, agency):
    staff = make_user(Role.STAFF)
    case = make_case()
    for programme in ("bsps", "bsps", "flpp"):
        _refer(staff, case, agency, programme=programme)
    first = db.session.scalars(select(Referral).order_by(Referral.id)).first()
    service.answer_referral(staff, first, "rejected", "", date(2026, 11, 28), None)
    rows = service.counts_by_programme([units["jawa2"].id], date(2026, 1, 1), date(2026, 12, 31))
    by_code = {r.programme: r for r in rows}
    assert by_code["bsps"].by_answer == {"pending": 1, "rejected": 1} and by_code["bsps"].total == 2
    assert by_code["flpp"].total == 1
    assert service.counts_by_programme([units["jawa3"].id], date(2026, 1, 1), date(2026, 12, 31)) == []


def test_simultaneous_referrals_get_distinct_consecutive_numbers(app, units, make_user, make_case, agency):
    desks = [make_user(Role.STAFF, units["jawa2"]).id for _ in range(6)]
    case_id, agency_id = make_case().id, agency.id
    barrier = threading.Barrier(len(desks))
    errors = []

    def write(user_id):
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                case, ag = db.session.get(Case, case_id), db.session.get(Agency, agency_id)
                barrier.wait(timeout=10)
                _refer(user, case, ag)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=write, args=(uid,)) for uid in desks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    seqs = sorted(db.session.scalars(select(Referral.seq).where(Referral.unit_id == units["jawa2"].id)))
    assert seqs == list(range(1, len(desks) + 1))


def test_agency_regency_codes_are_checked(make_user):
    admin = make_user(Role.ADMIN)
    saved = service.save_agency(
        admin,
        None,
        {"name": "Dinas Perkim Kota Bandung", "kind": "dinas_perkim", "regency_code": "3273", "active": True},
    )
    assert saved.regency_code == "32.73"
    with pytest.raises(service.ReferralError):
        service.save_agency(
            admin, None, {"name": "X", "kind": "other", "regency_code": "9999", "active": True}
        )


@pytest.mark.parametrize(
    "nip, ok",
    [
        ("198503122010011002", True),
        ("199012312015032001", True),
        ("19850312201001100", False),  # 17 digits
        ("198513122010011002", False),  # month 13 of birth
        ("198503122010131002", False),  # appointment month 13
        ("198503122010013002", False),  # sex digit 3
        ("19850312201001100a", False),
    ],
)
def test_nip_check(nip, ok):
    assert (nip_problem(nip) is None) is ok


def test_status_links_are_random_revocable_and_audited(make_user, make_case):
    staff = make_user(Role.STAFF)
    case = make_case()
    first = public_links.ensure_status_link(staff, case)
    assert public_links.ensure_status_link(staff, case).id == first.id  # printing again: same link
    assert len(first.token) >= 32
    assert public_links.case_for_status_token(first.token).id == case.id
    second = public_links.revoke_status_link(staff, case)
    assert public_links.case_for_status_token(first.token) is None
    assert public_links.case_for_status_token(second.token).id == case.id
    assert db.session.scalar(select(StatusLink).where(StatusLink.id == first.id)).revoked_at is not None
    actions = set(db.session.scalars(select(AuditLog.action).where(AuditLog.entity == "case")))
    assert {"status_link.create", "status_link.revoke"} <= actions


def test_public_url_follows_krs_public_url(app):
    with app.test_request_context("/", base_url="http://10.0.0.5:5000"):
        assert public_links.public_url("public.status", token="abc") == "http://10.0.0.5:5000/status/abc"
        app.config["KRS_PUBLIC_URL"] = "https://krs.example.go.id"
        try:
            assert (
                public_links.public_url("public.status", token="abc")
                == "https://krs.example.go.id/status/abc"
            )
        finally:
            app.config["KRS_PUBLIC_URL"] = ""


def test_next_step_tells_the_first_response_date(make_case):
    case = make_case()
    text = public_links.next_step_for(case)
    assert "paling lambat" in text
    assert case.applicant.name not in text
