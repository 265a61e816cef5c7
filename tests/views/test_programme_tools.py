"""Views of the programme tools: transfers, workload, bulk assign, notifications, applicant page,
saved filters, WhatsApp link, request ids."""

from __future__ import annotations

import pytest

from krs.cases import saved_filters, transfer
from krs.extensions import db
from krs.models import CaseStatus, NotificationKind, Role
from krs.notifications import service as notifications
from tests.support import login

HX = {"HX-Request": "true"}


@pytest.fixture
def desk(units, make_user):
    return {
        "spv2": make_user(Role.SUPERVISOR, units["jawa2"], full_name="Spv Jawa Dua"),
        "spv3": make_user(Role.SUPERVISOR, units["jawa3"], full_name="Spv Jawa Tiga"),
        "staff2": make_user(Role.STAFF, units["jawa2"], full_name="Staf Jawa Dua"),
        "staff3": make_user(Role.STAFF, units["jawa3"], full_name="Staf Jawa Tiga"),
        "intern2": make_user(Role.INTERN, units["jawa2"], full_name="Magang Jawa Dua"),
    }


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_transfer_request_review_and_accept(app, units, desk, make_case):
    case = make_case(
        unit=units["jawa2"], status=CaseStatus.ASSIGNED, assignee=desk["staff2"], name="Sri Wahyuni"
    )
    spv2 = _client(app, desk["spv2"])
    page = spv2.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Pindahkan ke unit lain" in page
    form = spv2.get(f"/cases/{case.id}/transfer").get_data(as_text=True)
    assert "BP2P JAWA3" in form and "BP2P JAWA2</option>" not in form
    resp = spv2.post(
        f"/cases/{case.id}/transfer",
        data={"to_unit_id": units["jawa3"].id, "reason": "Domisili di Klaten.", "version": case.version},
    )
    assert resp.status_code == 302
    assert "menunggu keputusan" in spv2.get(f"/cases/{case.id}").get_data(as_text=True)

    spv3 = _client(app, desk["spv3"])
    listing = spv3.get("/cases/transfers").get_data(as_text=True)
    assert case.number in listing and "Sri Wahyuni" in listing
    assert spv3.get(f"/cases/{case.id}").status_code == 404  # not theirs until accepted
    item = transfer.pending_transfer_of(case)
    review = spv3.get(f"/cases/transfers/{item.id}").get_data(as_text=True)
    assert "Domisili di Klaten." in review and "Terima pemindahan" in review
    assert "Terima pemindahan" not in spv2.get(f"/cases/transfers/{item.id}").get_data(as_text=True)
    assert spv2.post(f"/cases/transfers/{item.id}", data={"decision": "accept"}).status_code == 422

    resp = spv3.post(f"/cases/transfers/{item.id}", data={"decision": "accept", "comment": "OK"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/cases/{case.id}")
    page = spv3.get(f"/cases/{case.id}").get_data(as_text=True)
    assert case.number in page and "Dipindahkan" in page and "BP2P JAWA2" in page
    assert _client(app, desk["staff2"]).get(f"/cases/{case.id}").status_code == 404
    assert _client(app, desk["staff3"]).get(f"/cases/{case.id}").status_code == 200


def test_reject_without_reason_is_refused_in_indonesian(app, units, desk, make_case):
    case = make_case(unit=units["jawa2"])
    item = transfer.request_transfer(desk["spv2"], case, units["jawa3"], "Pindah.")
    resp = _client(app, desk["spv3"]).post(f"/cases/transfers/{item.id}", data={"decision": "reject"})
    assert resp.status_code == 422 and "alasan penolakan" in resp.get_data(as_text=True)


def test_other_units_transfer_is_404(app, units, desk, make_case, make_unit, make_user):
    bali = make_unit("BALI", tz="Asia/Makassar", provinces="51")
    spv_bali = make_user(Role.SUPERVISOR, bali)
    case = make_case(unit=units["jawa2"])
    item = transfer.request_transfer(desk["spv2"], case, units["jawa3"], "Pindah.")
    assert _client(app, spv_bali).get(f"/cases/transfers/{item.id}").status_code == 404


def test_workload_page_and_fragment(app, units, desk, make_case):
    make_case(unit=units["jawa2"], status=CaseStatus.ASSIGNED, assignee=desk["staff2"])
    client = _client(app, desk["spv2"])
    full = client.get("/cases/workload").get_data(as_text=True)
    fragment = client.get("/cases/workload", headers={**HX, "HX-Target": "workload"}).get_data(as_text=True)
    assert "<html" in full and "<html" not in fragment
    assert "Staf Jawa Dua" in fragment and "Staf Jawa Tiga" not in fragment
    home = client.get("/").get_data(as_text=True)
    assert "Staf Jawa Dua" in home  # the home page shows the workload itself (one request, issue 17)


def test_bulk_assign_with_and_without_htmx(app, units, desk, make_case):
    cases = [make_case(unit=units["jawa2"]) for _ in range(3)]
    client = _client(app, desk["spv2"])
    listing = client.get("/cases?view=unassigned").get_data(as_text=True)
    assert 'name="case_ids"' in listing and 'id="bulk-form"' in listing
    resp = client.post(
        "/cases/bulk-assign",
        data={"case_ids": [cases[0].id, cases[1].id], "assignee_id": desk["staff2"].id},
        headers={**HX, "HX-Target": "bulk-result"},
    )
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "2 kasus ditugaskan" in body and "<html" not in body
    assert resp.headers["HX-Trigger"] == "casesChanged"
    resp = client.post(
        "/cases/bulk-assign",
        data={"case_ids": [cases[2].id], "assignee_id": desk["intern2"].id, "next": "/cases?view=unassigned"},
    )
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/cases?view=unassigned")
    for case in cases:
        db.session.refresh(case)
    assert [c.assignee_id for c in cases] == [desk["staff2"].id, desk["staff2"].id, desk["intern2"].id]
    staff_list = _client(app, desk["staff2"]).get("/cases?view=all").get_data(as_text=True)
    assert 'name="case_ids"' not in staff_list


def test_notification_counter_list_and_read(app, units, desk, make_case):
    case = make_case(unit=units["jawa2"], status=CaseStatus.ASSIGNED, assignee=desk["staff2"])
    client = _client(app, desk["staff2"])
    counter = client.get("/notifications/count", headers=HX).get_data(as_text=True)
    assert 'hx-trigger="every 60s' in counter and ">1<" in counter
    page = client.get("/notifications").get_data(as_text=True)
    assert "Ditugaskan kepada Anda" in page and case.number in page and f"/cases/{case.id}" in page
    note = notifications.notifications_for(desk["staff2"]).items[0]
    resp = client.post(
        "/notifications/read",
        data={"notification_id": note.id},
        headers={**HX, "HX-Target": "notification-list"},
    )
    assert resp.status_code == 200 and "<html" not in resp.get_data(as_text=True)
    assert notifications.unread_count(desk["staff2"]) == 0
    # someone else's notification id changes nothing
    other = notifications.notify(desk["staff3"].id, NotificationKind.ASSIGNED, None, "x")
    db.session.commit()
    client.post("/notifications/read", data={"notification_id": other.id})
    assert notifications.unread_count(desk["staff3"]) == 1
    assert "Notifikasi" in client.get("/").get_data(as_text=True)


def test_opening_the_case_marks_its_notifications_read(app, units, desk, make_case):
    case = make_case(unit=units["jawa2"], status=CaseStatus.ASSIGNED, assignee=desk["staff2"])
    client = _client(app, desk["staff2"])
    assert notifications.unread_count(desk["staff2"]) == 1
    client.get(f"/cases/{case.id}")
    assert notifications.unread_count(desk["staff2"]) == 0


def test_applicant_page_lists_visible_cases_and_masks_for_interns(app, units, desk, make_case):
    nik = "3276015005900021"
    first = make_case(
        unit=units["jawa2"], status=CaseStatus.ASSIGNED, assignee=desk["intern2"], nik=nik, name="Wati"
    )
    second = make_case(unit=units["jawa2"], nik=nik)
    elsewhere = make_case(unit=units["jawa3"], nik=nik)
    staff = _client(app, desk["staff2"])
    page = staff.get(f"/applicants/{first.applicant_id}").get_data(as_text=True)
    assert first.number in page and second.number in page and elsewhere.number not in page
    assert nik not in page and "Tampilkan NIK" in page  # the full NIK behind an audited reveal (issue 13)
    intern_page = (
        _client(app, desk["intern2"]).get(f"/applicants/{first.applicant_id}").get_data(as_text=True)
    )
    assert first.number in intern_page and second.number not in intern_page and nik not in intern_page
    case_page = staff.get(f"/cases/{first.id}").get_data(as_text=True)
    assert f"/applicants/{first.applicant_id}" in case_page
    check = staff.get(f"/cases/nik-check?nik={nik}").get_data(as_text=True)
    assert f"/applicants/{first.applicant_id}" in check and "Lihat riwayat pemohon" in check


def test_applicant_of_another_unit_is_404(app, units, desk, make_case):
    case = make_case(unit=units["jawa3"])
    assert _client(app, desk["staff2"]).get(f"/applicants/{case.applicant_id}").status_code == 404


def test_whatsapp_link_on_case_page(app, units, desk, make_case):
    case = make_case(unit=units["jawa2"], status=CaseStatus.ASSIGNED, assignee=desk["intern2"])
    staff_page = _client(app, desk["staff2"]).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "https://wa.me/6281234567890?text=" in staff_page and "Kirim via WhatsApp" in staff_page
    # DESIGN.md §5 (issue 14): the intern the case is assigned to reaches the household too;
    # on a case of the unit that is not theirs, no link
    intern_page = _client(app, desk["intern2"]).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "https://wa.me/6281234567890?text=" in intern_page
    not_theirs = make_case(unit=units["jawa2"], status=CaseStatus.ASSIGNED, assignee=desk["staff2"])
    assert _client(app, desk["intern2"]).get(f"/cases/{not_theirs.id}").status_code == 404


def test_saved_filters_save_show_delete(app, units, desk):
    client = _client(app, desk["staff2"])
    resp = client.post("/cases/filters", data={"name": "Baru saya", "query": "view=mine&status=new&page=2"})
    assert resp.status_code == 302 and "page=" not in resp.headers["Location"]
    listing = client.get("/cases").get_data(as_text=True)
    assert "Baru saya" in listing and "view=mine&amp;status=new" in listing
    # htmx: the live filter form's values win over the page's query string
    resp = client.post(
        "/cases/filters", data={"name": "Terlambat", "view": "overdue", "query": "view=mine"}, headers=HX
    )
    assert resp.status_code == 204 and resp.headers["HX-Redirect"].endswith("/cases?view=overdue")
    mine = saved_filters.filters_of(desk["staff2"])
    assert [f.name for f in mine] == ["Baru saya", "Terlambat"]
    other = _client(app, desk["staff3"])
    assert "Baru saya" not in other.get("/cases").get_data(as_text=True)
    assert other.post("/cases/filters/delete", data={"filter_id": mine[0].id}).status_code == 404
    assert client.post("/cases/filters/delete", data={"filter_id": mine[0].id}).status_code == 302
    assert [f.name for f in saved_filters.filters_of(desk["staff2"])] == ["Terlambat"]


def test_request_id_is_echoed_or_generated(client):
    resp = client.get("/healthz", headers={"X-Request-ID": "abc12345-req"})
    assert resp.headers["X-Request-ID"] == "abc12345-req"
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"}).headers["X-Request-ID"]
    assert generated != "bad id with spaces" and len(generated) == 32
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}


def test_request_log_is_structured_json(client, caplog):
    import json
    import logging

    from krs.request_log import JsonFormatter, logger

    # the test database is migrated in-process, and Alembic's fileConfig disables existing loggers
    logger.disabled = False
    with caplog.at_level(logging.INFO, logger="krs.request"):
        client.get("/healthz", headers={"X-Request-ID": "trace-0001"})
    record = next(r for r in caplog.records if r.name == "krs.request")
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "trace-0001" and line["status"] == 200 and line["path"] == "/healthz"


def test_error_page_is_indonesian_with_request_id(app, desk):
    resp = _client(app, desk["staff2"]).get("/admin/units", headers={"X-Request-ID": "err-req-0001"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 403 and "Tidak diizinkan" in body and "err-req-0001" in body


def test_production_config_needs_a_secret_and_trusts_one_proxy(tmp_path):
    from werkzeug.middleware.proxy_fix import ProxyFix

    from config import ProductionConfig
    from krs import create_app

    class Unsafe(ProductionConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'p.db'}"
        SECRET_KEY = "dev-only-change-me"

    with pytest.raises(RuntimeError):
        create_app(Unsafe)

    class Safe(Unsafe):
        SECRET_KEY = "a-real-secret-from-the-environment"

    from krs.extensions import limiter

    try:
        prod = create_app(Safe)
    finally:
        # Flask-Limiter is one shared object and the production config switches it on: switch it back
        # off, or every later test's sign-in posts count against one address's limit
        limiter.reset()
        limiter.enabled = False
    assert isinstance(prod.wsgi_app, ProxyFix)
    assert prod.config["SESSION_COOKIE_SECURE"] and prod.config["PREFERRED_URL_SCHEME"] == "https"


def test_list_pages_query_count_does_not_grow_with_rows(app, units, desk, make_case, count_queries):
    client = _client(app, desk["spv2"])

    def measure(url):
        client.get(url)  # warm-up
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    def add(n):
        for _ in range(n):
            case = make_case(unit=units["jawa2"])
            transfer.request_transfer(desk["spv2"], case, units["jawa3"], "Pindah.")
            notifications.notify(desk["spv2"].id, NotificationKind.ASSIGNED, case, "x")
        db.session.commit()

    add(2)
    few = {url: measure(url) for url in ("/notifications", "/cases/transfers", "/cases/workload", "/cases")}
    add(8)
    many = {url: measure(url) for url in few}
    assert many == few


def test_counter_polling_does_not_keep_the_session_alive(app, desk):
    client = _client(app, desk["staff2"])
    assert "Set-Cookie" in client.get("/notifications").headers  # real activity renews the session
    assert "Set-Cookie" not in client.get("/notifications/count", headers=HX).headers
