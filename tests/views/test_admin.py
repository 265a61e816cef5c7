"""Administration views: who sees what, account creation, audit log viewer, reference lists."""

from __future__ import annotations

from sqlalchemy import select

from krs.extensions import db
from krs.models import AuditLog, ReferenceItem, Role, Unit, User
from tests.support import login


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_admin_index_by_role(app, units, make_user):
    admin = _client(app, make_user(Role.ADMIN)).get("/admin").get_data(as_text=True)
    assert all(x in admin for x in ("/admin/units", "/admin/users", "/admin/reference", "/admin/audit"))
    spv = _client(app, make_user(Role.SUPERVISOR, units["jawa2"])).get("/admin").get_data(as_text=True)
    assert "/admin/users" in spv and "/admin/units" not in spv and "/admin/audit" not in spv
    nav = _client(app, make_user(Role.STAFF, units["jawa2"])).get("/").get_data(as_text=True)
    assert 'href="/admin"' not in nav


def test_supervisor_user_list_is_scoped_and_create_is_limited(app, units, make_user):
    spv = make_user(Role.SUPERVISOR, units["jawa2"])
    make_user(Role.STAFF, units["jawa2"], username="staf.dua")
    other = make_user(Role.STAFF, units["jawa3"], username="staf.tiga")
    client = _client(app, spv)
    page = client.get("/admin/users").get_data(as_text=True)
    assert "staf.dua" in page and "staf.tiga" not in page
    assert client.get(f"/admin/users/{other.id}").status_code == 404
    form = client.get("/admin/users/new").get_data(as_text=True)
    assert 'value="supervisor"' not in form and "BP2P JAWA3" not in form
    resp = client.post(
        "/admin/users/new",
        data={
            "username": "naik.pangkat",
            "full_name": "X",
            "role": "supervisor",
            "unit_id": units["jawa2"].id,
        },
    )
    assert resp.status_code == 422
    resp = client.post(
        "/admin/users/new",
        data={
            "username": "magang.baru",
            "full_name": "Magang Baru",
            "role": "intern",
            "unit_id": units["jawa2"].id,
        },
    )
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Kata sandi sementara" in body
    created = db.session.scalar(select(User).where(User.username == "magang.baru"))
    assert created.must_change_password and created.unit_id == units["jawa2"].id


def test_deactivate_and_reset_need_explicit_values(app, units, make_user):
    admin = make_user(Role.ADMIN)
    staff = make_user(Role.STAFF, units["jawa2"])
    client = _client(app, admin)
    client.post(f"/admin/users/{staff.id}/active", data={})
    client.post(f"/admin/users/{staff.id}/reset-password", data={})
    db.session.refresh(staff)
    assert staff.active and not staff.must_change_password  # an empty post changes nothing
    resp = client.post(f"/admin/users/{staff.id}/active", data={"active": "0"})
    assert resp.status_code == 302
    db.session.refresh(staff)
    assert not staff.active
    page = client.get(f"/admin/users/{staff.id}").get_data(as_text=True)
    assert "Nonaktif" in page and "Aktifkan kembali" in page
    resp = client.post(f"/admin/users/{staff.id}/reset-password", data={"confirm": "1"})
    assert "Kata sandi sementara" in resp.get_data(as_text=True)
    db.session.refresh(staff)
    assert staff.must_change_password


def test_deactivated_user_is_signed_out(app, units, make_user):
    staff = make_user(Role.STAFF, units["jawa2"])
    client = _client(app, staff)
    assert client.get("/").status_code == 200
    staff.active = False
    db.session.commit()
    assert "/login" in client.get("/").headers["Location"]


def test_units_create_and_edit(app, make_user, units):
    client = _client(app, make_user(Role.ADMIN))
    resp = client.post(
        "/admin/units/new",
        data={
            "code": "ntt1",
            "name": "BP2P Nusa Tenggara I",
            "kind": "balai",
            "timezone": "Asia/Makassar",
            "provinces": ["53"],
            "active": "y",
        },
    )
    assert resp.status_code == 302
    unit = db.session.scalar(select(Unit).where(Unit.code == "NTT1"))
    assert unit.timezone == "Asia/Makassar" and unit.provinces == "53"
    listing = client.get("/admin/units").get_data(as_text=True)
    assert "BP2P Nusa Tenggara I" in listing and "WITA" in listing
    resp = client.post(
        f"/admin/units/{unit.id}",
        data={"code": "bad code", "name": "x", "kind": "balai", "timezone": "Asia/Makassar"},
    )
    assert resp.status_code == 422 and "huruf kapital" in resp.get_data(as_text=True)


def test_reference_list_edit(app, make_user):
    client = _client(app, make_user(Role.ADMIN))
    page = client.get("/admin/reference").get_data(as_text=True)
    assert "Jenis layanan" in page and "Kanal" in page and "Hasil layanan" in page
    # the GET writes nothing: a built-in entry not stored yet posts list:code and the save stores it
    assert db.session.scalar(select(ReferenceItem).where(ReferenceItem.code == "whatsapp")) is None
    assert 'value="channel:whatsapp"' in page
    resp = client.post("/admin/reference", data={"item_id": "channel:whatsapp", "label": "WhatsApp kantor"})
    assert resp.status_code == 302
    item = db.session.scalar(select(ReferenceItem).where(ReferenceItem.code == "whatsapp"))
    assert item.label == "WhatsApp kantor" and not item.active
    assert client.post("/admin/reference", data={"item_id": item.id, "label": ""}).status_code == 422


def test_audit_viewer_filters_and_is_read_only(app, units, make_user):
    admin = make_user(Role.ADMIN, username="admin.audit")
    client = _client(app, admin)
    client.post(
        "/admin/users/new",
        data={
            "username": "baru.satu",
            "full_name": "Baru Satu",
            "role": "staff",
            "unit_id": units["jawa2"].id,
        },
    )
    page = client.get("/admin/audit?actor=admin.audit&action=user.").get_data(as_text=True)
    assert "user.create" in page and "baru.satu" in page
    none = client.get("/admin/audit?entity=case").get_data(as_text=True)
    assert "Tidak ada catatan" in none
    bad = client.get("/admin/audit?date_from=kemarin")
    assert bad.status_code == 200 and "format tanggal tidak valid" in bad.get_data(as_text=True)
    assert client.post("/admin/audit").status_code in (404, 405)
    rules = [r for r in app.url_map.iter_rules() if "audit" in r.rule]
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "user.create")) is not None


def test_audit_page_query_count_is_constant(app, units, make_user, count_queries):
    admin = make_user(Role.ADMIN)
    client = _client(app, admin)
    for n in range(3):
        make_user(Role.STAFF, units["jawa2"]).full_name = f"x{n}"
    client.get("/admin/audit")  # warm-up: first-request work is not what we measure
    db.session.expire_all()
    with count_queries() as few:
        client.get("/admin/audit")
    from krs import audit

    for n in range(40):
        audit.record(make_user(Role.STAFF, units["jawa2"]), "user.update", "user", n, {"a": n}, {"a": n + 1})
    db.session.commit()
    db.session.expire_all()
    with count_queries() as many:
        client.get("/admin/audit")
    assert many.count == few.count, (few.statements, many.statements)


def test_reference_labels_and_retired_choices_reach_the_desk(app, units, make_user, make_case):
    from krs.admin import service

    admin = make_user(Role.ADMIN)
    staff = make_user(Role.STAFF, units["jawa2"])
    items = {(i.list_name, i.code): i for lst in service.reference_items().values() for i in lst}
    service.update_reference_item(admin, items[("channel", "outreach")], "Jemput bola", False)
    service.update_reference_item(
        admin, items[("service_type", "house_design")], "Desain rumah layak huni", True
    )
    case = make_case(unit=units["jawa2"], services=("house_design",))
    client = _client(app, staff)
    form = client.get("/cases/new").get_data(as_text=True)
    assert 'value="outreach"' not in form and "Desain rumah layak huni" in form
    assert "Desain rumah layak huni" in client.get(f"/cases/{case.id}").get_data(as_text=True)
