"""Issue 17: the desk's own pages close to the floor — a case named by its number is one look-up
that goes straight to the case, the open work of an office is one list, and the home page, its
workload fragment and the look-up read a number of statements that does not grow with the data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from krs import case_lists
from krs.cases import service as desk
from krs.extensions import db
from krs.models import Case, CaseStatus, Event, Role


def _statements(count_queries, client, url: str, status: int = 200, **kw) -> int:
    with count_queries() as counter:
        resp = client.get(url, **kw)
    assert resp.status_code == status, resp.status_code
    return counter.count


def _due(case, author, days_ago: int = 1) -> None:
    desk.add_follow_up(
        author,
        db.session.get(Case, case.id),
        desk.FollowUp(
            kind="call",
            body="Telepon.",
            occurred_at=datetime.now(UTC) - timedelta(hours=2),
            next_action_date=date.today() - timedelta(days=days_ago),
        ),
    )


# ---------------------------------------------------------------- a case named by its number


def test_a_full_case_number_goes_straight_to_the_case(make_case, make_user, login_as):
    staff = make_user(Role.STAFF)
    case = make_case()
    make_case()
    client = login_as(staff)
    resp = client.get(f"/cases?q={case.number}")
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/cases/{case.id}")
    lower = client.get(f"/cases?q=+{case.number.lower()}+")  # spaces and case do not matter
    assert lower.status_code == 303 and lower.headers["Location"].endswith(f"/cases/{case.id}")


def test_the_tail_of_a_number_finds_the_case_of_the_own_office_and_year(make_case, make_user, login_as):
    staff = make_user(Role.STAFF)
    case = make_case()
    seq = case.number.rsplit("-", 1)[1]  # "0001"-style, as printed on the receipt
    assert len(seq) == 4
    client = login_as(staff)
    resp = client.get(f"/cases?q={seq}")
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/cases/{case.id}")
    assert case_lists.number_in(staff, seq) == case.number
    assert case_lists.number_in(staff, str(int(seq))) is None  # "7": still typing, a substring search
    assert case_lists.number_in(staff, "081234") is None  # six digits and more: a phone or a NIK


def test_the_live_search_shows_the_single_row_instead_of_leaving_the_list(make_case, make_user, login_as):
    staff = make_user(Role.STAFF)
    case = make_case(name="Satu Satunya")
    make_case(name="Orang Lain")
    client = login_as(staff)
    resp = client.get(
        f"/cases?view=all&q={case.number}", headers={"HX-Request": "true", "HX-Target": "case-rows"}
    )
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert case.number in body and "Satu Satunya" in body and "Orang Lain" not in body


def test_a_number_outside_the_users_scope_is_not_found(units, make_case, make_user, login_as):
    staff = make_user(Role.STAFF)  # Jawa II
    other = make_case(unit=units["jawa3"], name="Dewi Jawa Tiga")
    client = login_as(staff)
    resp = client.get(f"/cases?q={other.number}")
    assert resp.status_code == 200
    assert "Dewi Jawa Tiga" not in resp.get_data(as_text=True)
    intern = make_user(Role.INTERN)
    mine = make_case(status=CaseStatus.ASSIGNED, assignee=intern)
    theirs = make_case(status=CaseStatus.ASSIGNED)
    client = login_as(intern)
    assert client.get(f"/cases?q={mine.number}").status_code == 303
    assert client.get(f"/cases?q={theirs.number}").status_code == 200  # not the intern's: no hit
    admin = make_user(Role.ADMIN)  # national: any office's number
    assert login_as(admin).get(f"/cases?q={other.number}").status_code == 303


def test_an_export_of_a_number_search_is_that_case(make_case, make_user, login_as):
    staff = make_user(Role.STAFF)
    case = make_case()
    make_case()
    body = login_as(staff).get(f"/reports/cases.csv?view=all&q={case.number}").get_data(as_text=True)
    assert body.count("KRS-") == 1 and case.number in body


def test_the_number_lookup_reads_the_same_statements_whatever_the_cases(
    make_case, make_user, login_as, count_queries
):
    staff = make_user(Role.STAFF)
    first = make_case()
    client = login_as(staff)
    few = _statements(count_queries, client, f"/cases?q={first.number}", status=303)
    for _ in range(10):
        make_case()
    assert _statements(count_queries, client, f"/cases?q={first.number}", status=303) == few
    assert few <= 3  # the signed-in user, its unit, one look-up in the number index


# ---------------------------------------------------------------- all open cases as one list


def test_status_open_lists_every_open_status_and_no_closed_case(make_case, make_user, login_as):
    spv = make_user(Role.SUPERVISOR)
    statuses = (CaseStatus.NEW, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS, CaseStatus.CLOSURE_REQUESTED)
    open_cases = [make_case(status=s, name=f"Buka {s}") for s in statuses]
    make_case(status=CaseStatus.CLOSED, name="Sudah Tutup")
    page = case_lists.list_cases(spv, case_lists.CaseFilters(view="all", status="open"))
    assert sorted(c.id for c in page.items) == sorted(c.id for c in open_cases)
    body = login_as(spv).get("/cases?status=open").get_data(as_text=True)
    assert '<option value="open" selected>Semua kasus berjalan</option>' in body
    assert "Sudah Tutup" not in body and "Buka new" in body
    home = login_as(spv).get("/").get_data(as_text=True)
    assert "status=open" in home  # the home tile of open cases opens this list


# ---------------------------------------------------------------- statements per request


@pytest.mark.parametrize("role", ["admin", "supervisor", "staff", "intern"])
def test_home_with_due_next_actions_reads_a_fixed_number_of_statements(
    make_case, make_user, login_as, count_queries, role
):
    user = make_user(role)
    staff = make_user(Role.STAFF) if role != "staff" else user
    worker = user if role == "intern" else staff
    client = login_as(user)
    first = make_case(status=CaseStatus.ASSIGNED, assignee=worker)
    _due(first, worker)
    _due(make_case(status=CaseStatus.ASSIGNED, assignee=worker), worker)
    few = _statements(count_queries, client, "/")
    assert first.number in client.get("/").get_data(as_text=True)
    for i in range(8):
        _due(make_case(status=CaseStatus.ASSIGNED, assignee=worker), worker, days_ago=i)
    assert _statements(count_queries, client, "/") == few
    from krs.main.service import home_for

    shown = home_for(user).next_actions
    assert len(shown) == 10 and all(c.next_action_due <= date.today() for c in shown)


def test_the_workload_fragment_reads_a_fixed_number_of_statements(
    make_case, make_user, login_as, count_queries
):
    spv = make_user(Role.SUPERVISOR)
    staff = make_user(Role.STAFF)
    client = login_as(spv)
    _due(make_case(status=CaseStatus.ASSIGNED, assignee=staff), staff)
    headers = {"HX-Request": "true"}
    few = _statements(count_queries, client, "/cases/workload", headers=headers)
    for _ in range(5):
        other = make_user(Role.STAFF)
        case = make_case(status=CaseStatus.ASSIGNED, assignee=other)
        for _ in range(3):
            _due(case, other)
    assert _statements(count_queries, client, "/cases/workload", headers=headers) == few
    last = db.session.scalar(db.select(db.func.max(Event.created_at)).where(Event.author_id == staff.id))
    assert last is not None


@pytest.mark.parametrize("role", ["supervisor", "staff"])
def test_the_home_page_is_one_request_with_its_workload_and_overdue_visits(
    make_case, make_user, login_as, count_queries, role
):
    """Issue 17, third pass: the workload (supervisors, admins) and the overdue stage visits are
    rendered inline, as their fragment routes render them for htmx, and more people and cases do
    not add statements."""
    user = make_user(role)
    staff = make_user(Role.STAFF, full_name="Petugas Beban Satu")
    client = login_as(user)
    _due(make_case(status=CaseStatus.ASSIGNED, assignee=staff), staff)
    home = client.get("/").get_data(as_text=True)
    assert 'hx-trigger="load"' not in home.split("<main", 1)[-1].split("</main>", 1)[0]
    assert 'id="accompaniment-overdue"' in home
    if role == "supervisor":
        assert 'id="workload"' in home and "Petugas Beban Satu" in home
        fragment = client.get("/cases/workload", headers={"HX-Request": "true", "HX-Target": "workload"})
        assert "Petugas Beban Satu" in fragment.get_data(as_text=True)
    else:
        assert 'id="workload"' not in home
    few = _statements(count_queries, client, "/")
    for _ in range(3):
        other = make_user(Role.STAFF)
        _due(make_case(status=CaseStatus.ASSIGNED, assignee=other), other)
    assert _statements(count_queries, client, "/") == few
