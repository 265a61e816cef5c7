"""Issue 14, a day at the desk: search whatever the tab (4), home tiles that match their lists (5),
work needs an owner (6), the intern's own cases (9), and typed work kept when the session ends (2)."""

from __future__ import annotations

import re
import time
from datetime import date

from sqlalchemy import select, update

from krs.auth import session_clock
from krs.extensions import db
from krs.models import AuditLog, Case, CaseStatus, Event, FormDraft, Role
from tests.support import login
from tests.views.test_cases_views import _intake_form

HX = {"HX-Request": "true"}


def _rows(body: str) -> set[str]:
    return set(re.findall(r'href="/cases/(\d+)"', body))


# ---------------------------------------------------------------- (4) search, whatever the tab


def test_search_on_the_default_tab_finds_a_colleagues_new_case(client, make_user, make_case, units):
    staff = make_user(Role.STAFF, units["jawa2"])
    make_case(name="Warga Baru Sekali")  # registered by a colleague, unassigned
    login(client, staff)
    landing = client.get("/cases").get_data(as_text=True)
    assert 'name="view"' not in landing  # the default tab is not carried into a search
    body = client.get("/cases?q=Warga+Baru", headers={**HX, "HX-Target": "case-rows"}).get_data(as_text=True)
    assert "Warga Baru Sekali" in body


def test_a_chosen_tab_is_a_filter_beside_the_query(client, make_user, make_case, units):
    staff = make_user(Role.STAFF, units["jawa2"])
    make_case(name="Warga Baru Sekali")
    login(client, staff)
    body = client.get("/cases?view=mine&q=Warga").get_data(as_text=True)
    assert "Warga Baru Sekali" not in body  # chosen: only the user's own cases
    assert "di: Kasus saya" in body and 'href="/cases?q=Warga"' in body  # the filter, with its ✕
    assert 'name="view" value="mine"' in body  # q keeps the view
    assert "/cases?view=all&amp;q=Warga" in body  # the tabs keep q
    removed = client.get("/cases?q=Warga").get_data(as_text=True)
    assert "Warga Baru Sekali" in removed and "di: Kasus saya" not in removed
    # the live answer brings the tabs along (out of band), so they keep what is typed
    frag = client.get("/cases?q=Warga", headers={**HX, "HX-Target": "case-rows"}).get_data(as_text=True)
    assert 'hx-swap-oob="true"' in frag and "/cases?view=mine&amp;q=Warga" in frag


# ---------------------------------------------------------------- (5) tiles match their lists


def test_every_home_tile_counts_exactly_the_list_it_opens(app, units, make_user, make_case):
    unit = units["jawa2"]
    staff = make_user(Role.STAFF, unit)
    intern = make_user(Role.INTERN, unit)
    spv = make_user(Role.SUPERVISOR, unit)
    make_case()  # new, unassigned
    taken_then_unassigned = make_case(status=CaseStatus.IN_PROGRESS, assignee=staff)
    db.session.execute(update(Case).where(Case.id == taken_then_unassigned.id).values(assignee_id=None))
    make_case(status=CaseStatus.IN_PROGRESS, assignee=staff)
    make_case(status=CaseStatus.ASSIGNED, assignee=intern)
    late = [make_case(status=CaseStatus.IN_PROGRESS, assignee=who) for who in (staff, spv, intern)]
    db.session.execute(
        update(Case).where(Case.id.in_([c.id for c in late])).values(resolution_due=date(2020, 1, 6))
    )
    make_case(status=CaseStatus.CLOSURE_REQUESTED, assignee=staff)
    make_case(status=CaseStatus.CLOSED, assignee=staff)
    make_case(unit=units["jawa3"], status=CaseStatus.IN_PROGRESS)
    db.session.commit()
    checked = 0
    for user in (staff, intern, spv, make_user(Role.ADMIN), make_user(Role.VIEWER)):
        client = app.test_client()
        login(client, user)
        home = client.get("/").get_data(as_text=True)
        tile = r'<a class="tile" id="tile-(\w+)" href="([^"]+)"><span class="n">(\d+)</span>'
        tiles = re.findall(tile, home)
        assert len(tiles) >= 3, user.role
        for key, href, n in tiles:
            listed = client.get(href.replace("&amp;", "&")).get_data(as_text=True)
            assert len(_rows(listed.split('id="case-rows"')[1])) == int(n), (user.role, key, href)
            checked += 1
    assert checked >= 20


# ---------------------------------------------------------------- (6) work needs an owner


def test_staff_take_an_unassigned_case(client, make_user, make_case, units):
    staff = make_user(Role.STAFF, units["jawa2"], full_name="Rina Petugas")
    case = make_case()
    login(client, staff)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Ambil kasus" in page
    resp = client.post(f"/cases/{case.id}/take", data={"version": case.version})
    assert resp.status_code == 302
    db.session.expire_all()
    taken = db.session.get(Case, case.id)
    assert taken.assignee_id == staff.id and taken.status == CaseStatus.ASSIGNED
    audit = select(AuditLog).where(AuditLog.action == "case.take", AuditLog.entity_id == case.id)
    assert db.session.scalar(audit) is not None
    event = db.session.scalar(select(Event).where(Event.case_id == case.id, Event.kind == "assigned"))
    assert event.data["taken"] is True
    assert "diambil oleh Rina Petugas" in client.get(f"/cases/{case.id}").get_data(as_text=True)
    # taken already: no button, and a second take is refused with a message
    again = client.post(f"/cases/{case.id}/take", data={"version": taken.version})
    assert again.status_code == 422 and "sudah memiliki petugas" in again.get_data(as_text=True)
    other = make_case(unit=units["jawa3"])
    assert client.post(f"/cases/{other.id}/take", data={"version": other.version}).status_code == 404


def test_a_follow_up_on_an_unassigned_case_offers_to_take_it(client, make_user, make_case, units):
    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case()
    login(client, staff)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*name="take"|<input[^>]*name="take"[^>]*checked', page)
    when = time.strftime("%Y-%m-%dT%H:%M", time.localtime(time.time() - 3600 * 24))
    data = {"kind": "consultation", "occurred_at": when, "body": "Konsultasi awal.", "take": "y"}
    assert client.post(f"/cases/{case.id}/events", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).assignee_id == staff.id


def test_closure_only_on_an_assigned_case_and_the_approval_warns(client, app, make_user, make_case, units):
    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case(status=CaseStatus.IN_PROGRESS, assignee=staff)
    db.session.execute(update(Case).where(Case.id == case.id).values(assignee_id=None))
    db.session.commit()
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    login(client, staff)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Penutupan dapat diajukan setelah kasus memiliki petugas" in page
    resp = client.post(
        f"/cases/{case.id}/close",
        data={"outcome": "resolved", "closure_summary": "Selesai.", "version": case.version},
    )
    assert resp.status_code == 422 and "belum memiliki petugas" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == CaseStatus.IN_PROGRESS
    # a request that somehow reached the supervisor without an owner: the approval warns
    requested = make_case(status=CaseStatus.CLOSURE_REQUESTED, assignee=staff)
    db.session.execute(update(Case).where(Case.id == requested.id).values(assignee_id=None))
    db.session.commit()
    spv = app.test_client()
    login(spv, make_user(Role.SUPERVISOR, units["jawa2"]))
    assert "belum memiliki petugas" in spv.get(f"/cases/{requested.id}").get_data(as_text=True)


# ---------------------------------------------------------------- (9) the intern's day


def test_intern_sees_phone_address_and_whatsapp_never_the_nik(client, make_user, make_case, units):
    intern = make_user(Role.INTERN, units["jawa2"])
    own = make_case(status=CaseStatus.ASSIGNED, assignee=intern)
    login(client, intern)
    body = client.get(f"/cases/{own.id}").get_data(as_text=True)
    assert own.applicant.phone in body and "Jl. Melati" in body and "wa.me/62" in body
    assert own.applicant.nik not in body


def test_a_case_an_intern_records_stays_in_their_view(client, make_user, units):
    intern = make_user(Role.INTERN, units["jawa2"])
    login(client, intern)
    resp = client.post("/cases/new", data=_intake_form(name="Warga Magang"))
    assert resp.status_code == 302 and re.search(r"/cases/\d+$", resp.headers["Location"])
    assert client.get(resp.headers["Location"]).status_code == 200
    assert "Warga Magang" in client.get("/cases?view=all").get_data(as_text=True)
    # recorded, not assigned to them: the contact data stays masked, as for any unit case
    body = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "081234567001" not in body and "Jl. Kenanga" not in body


# ---------------------------------------------------------------- (2) the idle limit


def _age(client, idle_age: float):
    now = time.time()
    with client.session_transaction() as sess:
        sess[session_clock.LOGIN_AT] = now - idle_age
        sess[session_clock.SEEN_AT] = now - idle_age


def test_the_idle_warning_and_stay_signed_in(client, make_user):
    login(client, make_user(Role.STAFF))
    quiet = client.get("/session/status", headers=HX).get_data(as_text=True)
    assert "Tetap masuk" not in quiet and "load delay:" in quiet
    _age(client, session_clock.idle_seconds() - 30)
    warning = client.get("/session/status", headers=HX).get_data(as_text=True)
    assert "Tetap masuk" in warning and "akan berakhir" in warning
    stayed = client.post("/session/stay", headers=HX).get_data(as_text=True)
    assert "Tetap masuk" not in stayed
    assert client.get("/session/status", headers=HX).get_data(as_text=True).count("Tetap masuk") == 0
    assert session_clock.idle_seconds() - 5 < _left(client)


def _left(client) -> float:
    with client.session_transaction() as sess:
        return session_clock.idle_seconds() - (time.time() - sess[session_clock.SEEN_AT])


def test_polls_after_the_end_answer_in_place(client, make_user):
    login(client, make_user(Role.STAFF))
    _age(client, session_clock.idle_seconds() + 5)
    ended = client.get("/session/status", headers={**HX, "HX-Current-URL": "http://localhost/cases/new"})
    assert ended.status_code == 200 and "HX-Redirect" not in ended.headers
    assert "Sesi Anda telah berakhir" in ended.get_data(as_text=True)
    counter = client.get("/notifications/count", headers=HX)
    assert counter.status_code == 204 and "HX-Redirect" not in counter.headers


def test_an_intake_posted_after_the_end_comes_back_after_signing_in(client, make_user):
    staff = make_user(Role.STAFF)
    login(client, staff)
    _age(client, session_clock.idle_seconds() + 5)
    form = _intake_form(name="Isian Tertunda", description="Atap bocor di dapur.")
    resp = client.post("/cases/new", data=form, headers={"Referer": "http://localhost/cases/new"})
    assert resp.status_code == 302
    assert "/login?next=/cases/new" in resp.headers["Location"].replace("%2F", "/")
    assert db.session.scalar(select(Case).where(Case.description == "Atap bocor di dapur.")) is None
    draft = db.session.scalar(select(FormDraft))
    assert draft.user_id == staff.id and draft.page == "/cases/new"
    assert "csrf_token" not in {name for name, _v in draft.fields}
    login(client, staff)
    page = client.get("/cases/new").get_data(as_text=True)
    assert 'value="Isian Tertunda"' in page and "Atap bocor di dapur." in page
    assert "dikembalikan" in page
    assert db.session.scalar(select(FormDraft)) is None  # once
    assert "Isian Tertunda" not in client.get("/cases/new").get_data(as_text=True)


def test_an_htmx_follow_up_after_the_end_is_kept_for_the_case_page(client, make_user, make_case):
    staff = make_user(Role.STAFF)
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    login(client, staff)
    _age(client, session_clock.idle_seconds() + 5)
    resp = client.post(
        f"/cases/{case.id}/events",
        data={"kind": "phone_call", "occurred_at": "2026-01-05T10:00", "body": "Ditelepon, minta foto atap."},
        headers={**HX, "HX-Target": "case-body", "HX-Current-URL": f"http://localhost/cases/{case.id}"},
    )
    assert resp.status_code == 401 and resp.headers["HX-Redirect"] == f"/login?next=/cases/{case.id}"
    login(client, staff)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Ditelepon, minta foto atap." in page
