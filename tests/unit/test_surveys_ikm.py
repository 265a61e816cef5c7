"""IKM per PermenPANRB 14/2017: a worked example computed by hand, grade bands, one-time tokens."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from krs import ikm
from krs.extensions import db
from krs.models import AuditLog, CaseStatus, Event, EventKind, Role, Survey
from krs.surveys import service


def test_worked_example_by_hand():
    answers = [
        [4, 4, 3, 4, 3, 3, 4, 3, 3],
        [3, 3, 3, 4, 3, 4, 4, 3, 2],
        [4, 3, 2, 4, 3, 3, 3, 3, 3],
        [3, 4, 4, 4, 3, 4, 4, 3, 4],
    ]
    # sums per element: 14 14 12 16 12 14 15 12 12 -> NRR = sum / 4
    # NRR: 3.5 3.5 3.0 4.0 3.0 3.5 3.75 3.0 3.0; their total is 30.25
    # IKM = 30.25 / 9 * 25 = 84.0277... -> 84.03, grade B (76.61-88.30, Baik)
    # spreadsheet weight 0.11: 30.25 * 0.11 * 25 = 83.1875
    result = ikm.ikm_from_answers(answers)
    assert result.respondents == 4
    assert [float(result.nrr[c]) for c in ikm.CODES] == [3.5, 3.5, 3.0, 4.0, 3.0, 3.5, 3.75, 3.0, 3.0]
    assert result.ikm_display == Decimal("84.03")
    assert abs(float(result.ikm) - 30.25 / 9 * 25) < 1e-9
    assert result.grade == "B" and result.grade_label == "Baik"
    assert result.ikm_spreadsheet == Decimal("83.1875")


def test_all_fours_give_100_exactly_and_99_with_the_rounded_weight():
    result = ikm.ikm_from_answers([[4] * 9, [4] * 9])
    assert result.ikm == Decimal(100)
    assert result.ikm_spreadsheet == Decimal("99.00")
    assert result.grade == "A"


@pytest.mark.parametrize(
    "value, grade",
    [
        ("100", "A"),
        ("88.31", "A"),
        ("88.30", "B"),
        ("88.305", "A"),
        ("76.61", "B"),
        ("76.60", "C"),
        ("65.00", "C"),
        ("64.99", "D"),
        ("25", "D"),
    ],
)
def test_grade_bands(value, grade):
    assert ikm.grade_for(Decimal(value))[0] == grade


def test_no_respondents_no_index():
    result = ikm.ikm_from_answers([])
    assert result.respondents == 0 and result.ikm is None and result.grade is None


def test_a_survey_is_answered_once_and_noted_on_the_case(make_case, make_user, units):
    case = make_case(status=CaseStatus.CLOSED)
    staff = make_user(Role.STAFF, units["jawa2"])
    survey = service.invite(staff, case, "link")
    assert len(survey.token) >= 40
    service.submit(survey.token, {c: 3 for c in ikm.CODES}, "Bagus")
    stored = db.session.get(Survey, survey.id)
    assert stored.answers == [3] * 9 and stored.comment == "Bagus" and stored.submitted_at is not None
    kinds = db.session.scalars(select(Event.kind).where(Event.case_id == case.id)).all()
    assert EventKind.SURVEY_RECEIVED in kinds
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "survey.submit")) is not None
    with pytest.raises(service.SurveyError):
        service.submit(survey.token, {c: 4 for c in ikm.CODES}, None)
    assert db.session.get(Survey, survey.id).answers == [3] * 9
    with pytest.raises(service.SurveyError, match="sudah diterima"):
        service.invite(staff, case, "link")


def test_expired_and_superseded_tokens_cannot_be_used(make_case, make_user, units):
    case = make_case(status=CaseStatus.CLOSED)
    staff = make_user(Role.STAFF, units["jawa2"])
    first = service.invite(staff, case, "link")
    second = service.invite(staff, case, "kiosk")
    assert service.open_survey(first.token) is None  # a new invitation voids the old one
    assert service.open_survey(second.token) is not None
    second.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    assert service.open_survey(second.token) is None
    with pytest.raises(service.SurveyError):
        service.submit(second.token, {c: 4 for c in ikm.CODES}, None)


def test_only_closed_cases_of_the_desk_get_a_survey(make_case, make_user, units):
    open_case = make_case(status=CaseStatus.IN_PROGRESS)
    closed_elsewhere = make_case(unit=units["jawa3"], status=CaseStatus.CLOSED)
    staff = make_user(Role.STAFF, units["jawa2"])
    with pytest.raises(service.SurveyError):
        service.invite(staff, open_case, "link")
    with pytest.raises(service.SurveyError):
        service.invite(staff, closed_elsewhere, "link")


def test_answers_outside_one_to_four_are_refused(make_case, make_user, units):
    case = make_case(status=CaseStatus.CLOSED)
    survey = service.invite(make_user(Role.STAFF, units["jawa2"]), case, "link")
    with pytest.raises(service.SurveyError):
        service.submit(survey.token, {**{c: 4 for c in ikm.CODES}, "u3": 5}, None)
    assert service.open_survey(survey.token) is not None
