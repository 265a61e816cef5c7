"""Groups, outreach sessions and the count of people served (issue 8)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from krs import case_lists, households
from krs.cases import service as case_service
from krs.extensions import db
from krs.models import Applicant, AuditLog, Channel, GroupMember, OutreachAttendee, Role
from krs.outreach import service
from krs.workdays import today_in
from tests.support import APPLICANT, GROUP_CASE, make_group, make_session, valid_nik


def household(n: int, **kw) -> dict:
    return {**APPLICANT, "name": f"Rumah tangga {n}", "nik": valid_nik(n), **kw}


CASE = {"service_types": ["program_info"], "description": "Tanya BSPS."}


@pytest.fixture
def desk(units, make_user):
    unit = units["jawa2"]
    return {
        "unit": unit,
        "staff": make_user(Role.STAFF, unit),
        "spv": make_user(Role.SUPERVISOR, unit),
        "intern": make_user(Role.INTERN, unit),
        "other_staff": make_user(Role.STAFF, units["jawa3"]),
    }


def test_households_are_counted_once_across_sessions_and_cases(desk, units):
    unit, staff = desk["unit"], desk["staff"]
    today = today_in(unit.timezone)
    n = {i: valid_nik(900 + i) for i in range(1, 8)}

    # session A: 15 people from 10 households; 3 registered by NIK, a 4th opens a case there
    a = make_session(
        staff,
        unit,
        staff=[staff],
        attendees=[n[1], n[2], n[3]],
        held_on=today - timedelta(days=3),
        participants_count=15,
        households_count=10,
    )
    service.intake_at_session(staff, a, household(904, nik=n[4]), CASE)
    # session B: 8 people from 5 households; n1 came again, n5 is new
    make_session(
        staff,
        unit,
        staff=[staff],
        attendees=[n[1], n[5]],
        held_on=today - timedelta(days=1),
        participants_count=8,
        households_count=5,
    )
    # at the desk: n2 (who came to session A) opens a case later; n6 opens two cases
    walk_in = {**CASE, "channel": Channel.WALK_IN}
    case_service.intake(staff, unit, household(902, nik=n[2]), walk_in)
    case_service.intake(staff, unit, household(906, nik=n[6]), walk_in)
    case_service.intake(staff, unit, household(906, nik=n[6]), walk_in)
    # a group of 12 member households, whose contact person is n1
    make_group(staff, unit, contact_nik=n[1], member_households=12)
    # not counted: another unit's case, a session before the period
    case_service.intake(desk["other_staff"], units["jawa3"], household(907, nik=n[7]), walk_in)
    make_session(staff, unit, staff=[staff], held_on=today - timedelta(days=60), households_count=20)

    counts = households.people_served(unit, today - timedelta(days=30), today)

    assert counts.cases == 5  # n4 at session A, n2, n6 twice, the group
    assert counts.cases_at_sessions == 1
    assert counts.sessions == 2
    assert counts.participants == 23  # 15 + 8 people
    assert counts.identified_households == 6  # n1..n6, each once
    assert counts.anonymous_households == 9  # A: 10 - 4 identified, B: 5 - 2 identified
    assert counts.households == 15  # not 10 + 5 + 4 households with cases = 19
    assert counts.groups == 1
    assert counts.group_member_households == 12  # shown apart, not added to households
    # the dashboards read the same figures from the maintained totals, for several units at once
    other = units["jawa3"]
    assert households.people_served_many([unit, other], today - timedelta(days=30), today) == [
        (unit, counts),
        (other, households.people_served(other, today - timedelta(days=30), today)),
    ]


def test_people_served_uses_a_fixed_number_of_queries(desk, count_queries):
    unit, staff = desk["unit"], desk["staff"]
    today = today_in(unit.timezone)
    make_session(staff, unit, staff=[staff], held_on=today)
    with count_queries() as few:
        households.people_served(unit, today - timedelta(days=7), today)
    for i in range(5):
        s = make_session(staff, unit, staff=[staff], held_on=today, attendees=[valid_nik(700 + i)])
        service.intake_at_session(staff, s, household(800 + i), CASE)
    with count_queries() as many:
        households.people_served(unit, today - timedelta(days=7), today)
    assert many.count == few.count


def test_people_served_of_many_units_uses_a_fixed_number_of_queries(desk, units, count_queries):
    unit, staff = desk["unit"], desk["staff"]
    today = today_in(unit.timezone)
    with count_queries() as one:
        households.people_served_many([unit], today - timedelta(days=7), today)
    s = make_session(staff, unit, staff=[staff], held_on=today, attendees=[valid_nik(701)])
    service.intake_at_session(staff, s, household(801), CASE)
    everyone = list(units.values())
    assert all(u.timezone for u in everyone)  # loaded before counting
    with count_queries() as all_units:
        households.people_served_many(everyone, today - timedelta(days=7), today)
    assert all_units.count == one.count <= 8


def test_intake_at_a_session_opens_an_outreach_case_in_the_sessions_village(desk):
    unit, staff = desk["unit"], desk["staff"]
    session = make_session(
        staff, unit, staff=[staff], households_count=1, participants_count=1, village_code="32.76.01.1007"
    )
    data = {k: v for k, v in household(11).items() if not k.endswith("_code")}
    first = service.intake_at_session(staff, session, data, CASE)
    second = service.intake_at_session(staff, session, household(12), CASE)

    assert first.case.channel == Channel.OUTREACH
    assert first.case.applicant.village_code == "32.76.01.1007"
    assert [c.id for c in service.cases_opened_at(staff, session)] == [second.case.id, first.case.id]
    # both households are registered attendees; the session's counts grow to hold them
    assert sorted(a.nik for a in session.attendees) == sorted([valid_nik(11), valid_nik(12)])
    assert session.households_count == 2 and session.participants_count == 2
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.entity_id == session.id)).all()
    assert actions.count("outreach.intake") == 2


def test_a_household_opening_two_cases_at_one_session_is_one_attendee(desk):
    unit, staff = desk["unit"], desk["staff"]
    session = make_session(staff, unit, staff=[staff])
    service.intake_at_session(staff, session, household(21), CASE)
    result = service.intake_at_session(staff, session, household(21), CASE)
    assert result.applicant_reused
    count = db.session.scalar(
        select(db.func.count()).select_from(OutreachAttendee).where(OutreachAttendee.session_id == session.id)
    )
    assert count == 1


def test_sessions_attended_by_lists_an_interns_sessions_with_date_and_duration(desk):
    unit, staff, intern = desk["unit"], desk["staff"], desk["intern"]
    today = today_in(unit.timezone)
    present = make_session(
        staff, unit, staff=[staff, intern], held_on=today - timedelta(days=2), duration_minutes=150
    )
    make_session(staff, unit, staff=[staff], held_on=today - timedelta(days=2))  # intern absent
    make_session(staff, unit, staff=[intern], held_on=today - timedelta(days=40))  # outside the range

    attended = service.sessions_attended_by(intern, today - timedelta(days=7), today)

    assert [(a.session_id, a.held_on, a.duration_minutes) for a in attended] == [
        (present.id, today - timedelta(days=2), 150)
    ]
    assert attended[0].topic == "Sosialisasi BSPS"


def test_session_staff_must_belong_to_the_unit(desk):
    with pytest.raises(service.OutreachError):
        make_session(desk["staff"], desk["unit"], staff=[desk["other_staff"]])


def test_households_cannot_drop_below_the_cases_opened_at_the_session(desk):
    unit, staff = desk["unit"], desk["staff"]
    session = make_session(staff, unit, staff=[staff], households_count=2, participants_count=2)
    service.intake_at_session(staff, session, household(31), CASE)
    service.intake_at_session(staff, session, household(32), CASE)
    data = {"households_count": 1, "participants_count": 5, "services": ["program_info"]}
    with pytest.raises(service.OutreachError):
        service.update_session(staff, session, data, [staff], [])


def test_a_group_is_an_applicant_with_its_contact_person_and_members(desk):
    unit, staff = desk["unit"], desk["staff"]
    result = make_group(staff, unit, members=[("Ibu Sari", valid_nik(41)), ("Pak Joko", None)])
    group = result.case.applicant
    assert group.kind == "group" and group.nik is None
    assert group.contact_nik == "3276011005900123" and group.group_kind == "ksm"
    assert [m.name for m in service.members_of(group)] == ["Ibu Sari", "Pak Joko"]
    assert result.case.status == "new" and result.case.channel == "walk_in"
    # the contact person applying for their own house is a separate household, not the group
    own = case_service.intake(
        staff, unit, household(99, nik=group.contact_nik), {**CASE, "channel": "walk_in"}
    )
    assert own.case.applicant_id != group.id and not own.applicant_reused
    # a further case of the same group reuses the group
    again = service.open_group_case(staff, unit, group, dict(GROUP_CASE))
    assert again.case.applicant_id == group.id and again.applicant_reused


def test_a_group_case_goes_through_the_lifecycle(desk):
    from datetime import UTC, datetime

    unit, staff, spv = desk["unit"], desk["staff"], desk["spv"]
    case = make_group(staff, unit).case
    case_service.assign_case(spv, case, staff)
    case_service.add_follow_up(
        staff, case, case_service.FollowUp("consultation", "Rapat dengan pengurus KSM.", datetime.now(UTC))
    )
    case_service.request_closure(staff, case, "resolved", "Desain diserahkan ke KSM.")
    case_service.approve_closure(spv, case)
    assert case.status == "closed"


def test_search_finds_groups_by_name_and_by_contact_person(desk):
    unit, staff = desk["unit"], desk["staff"]
    make_group(staff, unit, name="Koperasi Griya Sejahtera", contact_name="Ibu Ratna Wulandari")
    for q in ("griya", "wulandari"):
        stmt = case_lists.filtered_cases(staff, case_lists.CaseFilters(q=q, view="all"))
        assert [c.applicant.name for c in db.session.scalars(stmt)] == ["Koperasi Griya Sejahtera"]
    assert [g.name for g in service.list_groups(staff, "ratna")] == ["Koperasi Griya Sejahtera"]


def test_group_sessions_are_those_it_opened_cases_at_or_its_people_attended(desk):
    unit, staff = desk["unit"], desk["staff"]
    group = make_group(staff, unit, members=[("Ibu Sari", valid_nik(51))]).case.applicant
    attended = make_session(staff, unit, staff=[staff], attendees=[valid_nik(51)], topic="Dihadiri anggota")
    make_session(staff, unit, staff=[staff], attendees=[valid_nik(52)], topic="Lain")
    assert [s.id for s in service.group_sessions(staff, group)] == [attended.id]


def test_add_member_refuses_the_same_nik_twice(desk):
    group = make_group(desk["staff"], desk["unit"]).case.applicant
    service.add_member(desk["staff"], group, "Ibu Ani", valid_nik(61))
    with pytest.raises(service.OutreachError):
        service.add_member(desk["staff"], group, "Ibu Ani lagi", valid_nik(61))
    assert db.session.scalar(select(db.func.count()).select_from(GroupMember)) == 1
    assert db.session.scalar(select(Applicant.kind).where(Applicant.id == group.id)) == "group"
