"""Design library views (issue 18, part 1): who sees and keeps which design, another office's design
answers 404, list filters and fragment vs page, the case page's panel, the one-click hand-out
(and its conflict on a stale version), the drawings' route and the dashboard tile."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import select

from krs.designs import service
from krs.extensions import db
from krs.models import CaseStatus, Design, DesignFile, DesignHandout, RabTemplateLine, Role, WorkItem
from krs.uploads import StoredFile
from tests.support import login


def _png(color=(18, 53, 91)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buf, format="PNG")
    return buf.getvalue()


def _design(actor, unit_id, code, name, **kw):
    values = {
        "unit_id": unit_id,
        "code": code,
        "name": name,
        "house_type": kw.pop("house_type", "Tipe 36"),
        "floor_area_m2": kw.pop("floor_area_m2", Decimal("36")),
        "floors": 1,
        "bedrooms": 2,
        "rooms": "",
        "structure": kw.pop("structure", "masonry"),
        "quake_notes": kw.pop("quake_notes", "Kolom praktis 15×15 di setiap sudut."),
        "description": "",
    }
    return service.save_design(actor, None, service.DesignData(**values))


@pytest.fixture
def lib(make_user, units):
    """A national design, one of Jawa II (with a drawing), one of Jawa III."""
    admin = make_user(Role.ADMIN)
    spv2 = make_user(Role.SUPERVISOR)
    spv3 = make_user(Role.SUPERVISOR, unit=units["jawa3"])
    national = _design(admin, None, "N-T36", "Tipe 36 rumah inti tumbuh")
    jawa2 = _design(
        spv2,
        units["jawa2"].id,
        "JAWA2-T45",
        "Tipe 45 panel RISHA",
        structure="risha",
        floor_area_m2=Decimal("45"),
    )
    jawa3 = _design(spv3, units["jawa3"].id, "JAWA3-T36K", "Tipe 36 rangka kayu Klaten", structure="timber")
    from krs.storage import get_storage

    get_storage().save("lib-plan.png", _png(), "image/png")
    service.add_file(spv2, jawa2, StoredFile("denah.png", "lib-plan.png", "image/png", 100), "plan", "Denah")
    service.add_line(admin, national, "S.01", Decimal("0.99"), "sloof 33 m")
    return {"admin": admin, "spv2": spv2, "spv3": spv3, "national": national, "jawa2": jawa2, "jawa3": jawa3}


def test_library_shows_national_and_own_office_designs_only(client, make_user, lib, count_queries):
    login(client, make_user(Role.STAFF))
    with count_queries() as counter:
        resp = client.get("/designs")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Tipe 36 rumah inti tumbuh" in html and "Tipe 45 panel RISHA" in html
    assert "JAWA3-T36K" not in html and "rangka kayu Klaten" not in html
    file_id = lib["jawa2"].files[0].id
    assert f"/designs/{lib['jawa2'].id}/files/{file_id}" in html  # the thumbnail
    assert "Belum ada gambar" in html  # the national design has none
    assert "+ Desain baru" not in html  # staff only read
    assert counter.count <= 8, counter.statements


def test_national_roles_see_every_office_design(client, make_user, lib):
    for role in (Role.ADMIN, Role.VIEWER):
        login(client, make_user(role))
        html = client.get("/designs").get_data(as_text=True)
        assert all(code in html for code in ("N-T36", "JAWA2-T45", "JAWA3-T36K"))
        assert client.get(f"/designs/{lib['jawa3'].id}").status_code == 200


def test_filters_and_the_htmx_fragment(client, make_user, lib):
    login(client, make_user(Role.STAFF))
    page = client.get("/designs?structure=risha").get_data(as_text=True)
    assert "JAWA2-T45" in page and "N-T36" not in page and "<html" in page
    frag = client.get("/designs?area_min=40", headers={"HX-Request": "true", "HX-Target": "design-list"})
    body = frag.get_data(as_text=True)
    assert "<html" not in body and 'id="design-list"' in body
    assert "JAWA2-T45" in body and "N-T36" not in body
    area = client.get("/designs?area_max=36,5&scope=national").get_data(as_text=True)
    assert "N-T36" in area and "JAWA2-T45" not in area
    junk = client.get("/designs?area_min=abc&structure=<script>&scope=x")
    assert junk.status_code == 200 and "<script>" not in junk.get_data(as_text=True)


def test_design_page_shows_notes_lines_and_usage_counts_without_cases(client, make_user, make_case, lib):
    db.session.add(WorkItem(code="S.01", group="struktur", name="Sloof beton bertulang 15/20", unit="m3"))
    db.session.commit()
    staff = make_user(Role.STAFF)
    case = make_case(status=CaseStatus.IN_PROGRESS, name="Siti Rahmawati")
    service.hand_out(staff, case, lib["national"], None)
    login(client, staff)
    html = client.get(f"/designs/{lib['national'].id}").get_data(as_text=True)
    assert "Kolom praktis 15×15" in html and "S.01" in html and "Sloof beton bertulang 15/20" in html
    assert "0,99" in html
    assert "Balai JAWA2" in html or case.unit.name in html
    assert case.number not in html and "Siti Rahmawati" not in html
    assert "Ubah desain" not in html


def test_another_offices_design_answers_404_everywhere(client, make_user, lib):
    login(client, make_user(Role.SUPERVISOR, username="spv-jawa2-b"))
    d = lib["jawa3"]
    for url in (f"/designs/{d.id}", f"/designs/{d.id}/edit"):
        assert client.get(url).status_code == 404
    assert (
        client.post(f"/designs/{d.id}/lines", data={"work_item_code": "P.01", "volume": "1"}).status_code
        == 404
    )
    assert db.session.scalar(select(RabTemplateLine.id).where(RabTemplateLine.design_id == d.id)) is None


def test_supervisor_edits_own_office_design_but_not_national(client, lib):
    login(client, lib["spv2"])
    assert client.get(f"/designs/{lib['national'].id}/edit").status_code == 404
    assert "Ubah desain" not in client.get(f"/designs/{lib['national'].id}").get_data(as_text=True)
    assert "Ubah desain" in client.get(f"/designs/{lib['jawa2'].id}").get_data(as_text=True)
    db.session.add(WorkItem(code="W.01", group="dinding", name="Pasangan dinding bata merah", unit="m2"))
    db.session.commit()
    resp = client.get(f"/designs/{lib['jawa2'].id}/edit")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Tambah baris" in html
    assert '<option value="W.01" lang="id">Pasangan dinding bata merah</option>' in html  # code suggestions


def test_staff_interns_and_viewers_only_read(client, make_user, lib):
    for role in (Role.STAFF, Role.INTERN, Role.VIEWER):
        login(client, make_user(role))
        assert client.get("/designs/new").status_code == 403
        assert client.get(f"/designs/{lib['national'].id}/edit").status_code == 403
        assert client.get(f"/designs/{lib['national'].id}").status_code == 200


def test_supervisor_creates_an_office_design_typed_the_indonesian_way(client, units, lib):
    login(client, lib["spv2"])
    form = client.get("/designs/new").get_data(as_text=True)
    assert "Nasional (Direktorat)" not in form  # only the office's own
    resp = client.post(
        "/designs/new",
        data={
            "unit_id": str(units["jawa2"].id),
            "code": "jawa2-t36-kayu",
            "name": "Tipe 36 rangka kayu",
            "house_type": "Tipe 36",
            "floor_area_m2": "36,5",
            "floors": "1",
            "bedrooms": "2",
            "structure": "timber",
            "quake_notes": "Sambungan pelat baja.",
            "active": "y",
        },
    )
    assert resp.status_code == 302
    made = db.session.scalars(select(Design).where(Design.code == "JAWA2-T36-KAYU")).one()
    assert made.floor_area_m2 == Decimal("36.5") and made.unit_id == units["jawa2"].id
    # a national design or another office's is refused to a supervisor
    bad = client.post(
        "/designs/new",
        data={
            "unit_id": "",
            "code": "N-X",
            "name": "x",
            "floor_area_m2": "21",
            "floors": "1",
            "bedrooms": "1",
            "structure": "masonry",
        },
    )
    assert bad.status_code == 422
    assert db.session.scalars(select(Design).where(Design.code == "N-X")).first() is None


def test_line_form_validates_the_code_and_shows_errors(client, lib):
    login(client, lib["spv2"])
    url = f"/designs/{lib['jawa2'].id}/lines"
    bad = client.post(url, data={"work_item_code": "sloof", "volume": "1,5"})
    assert bad.status_code == 422 and "field-error" in bad.get_data(as_text=True)
    ok = client.post(url, data={"work_item_code": "w.01", "volume": "90,5"})
    assert ok.status_code == 302
    line = db.session.scalars(
        select(RabTemplateLine).where(RabTemplateLine.design_id == lib["jawa2"].id)
    ).one()
    assert line.work_item_code == "W.01" and line.volume == Decimal("90.5")
    assert client.post(f"/designs/{lib['jawa2'].id}/lines/{line.id}/delete").status_code == 302
    line_id = line.id
    db.session.expire_all()
    assert db.session.scalar(select(RabTemplateLine.id).where(RabTemplateLine.id == line_id)) is None


def test_drawings_upload_serve_and_refuse_other_offices(client, make_user, lib):
    login(client, lib["spv2"])
    url = f"/designs/{lib['jawa2'].id}/files"
    resp = client.post(
        url, data={"kind": "elevation", "title": "Tampak depan", "upload": (io.BytesIO(_png()), "t.png")}
    )
    assert resp.status_code == 302
    up = db.session.scalars(select(DesignFile).where(DesignFile.title == "Tampak depan")).one()
    got = client.get(f"/designs/{lib['jawa2'].id}/files/{up.id}")
    assert got.status_code == 200 and got.mimetype == "image/png"
    assert "sandbox" in got.headers["Content-Security-Policy"]
    pdf = client.post(
        url, data={"kind": "section", "upload": (io.BytesIO(b"%PDF-1.4\n%%EOF"), "potongan.pdf")}
    )
    assert pdf.status_code == 302
    page = client.get(f"/designs/{lib['jawa2'].id}").get_data(as_text=True)
    assert "potongan.pdf" in page and 'class="pdf-link"' in page  # a PDF is a link, not an <img>
    pdf_row = db.session.scalars(select(DesignFile).where(DesignFile.original_name == "potongan.pdf")).one()
    served = client.get(f"/designs/{lib['jawa2'].id}/files/{pdf_row.id}")
    assert served.status_code == 200 and "attachment" in served.headers["Content-Disposition"]
    fake = client.post(url, data={"kind": "plan", "upload": (io.BytesIO(b"<html>"), "x.png")})
    assert fake.status_code == 422
    login(client, lib["spv3"])
    assert client.get(f"/designs/{lib['jawa2'].id}/files/{up.id}").status_code == 404
    # a file id of another design through this design's URL
    assert client.get(f"/designs/{lib['national'].id}/files/{up.id}").status_code == 404


def test_case_panel_fragment_vs_page_and_choices(client, make_user, make_case, lib):
    staff = make_user(Role.STAFF)
    case = make_case(status=CaseStatus.ASSIGNED, assignee=staff)
    login(client, staff)
    frag = client.get(
        f"/designs/cases/{case.id}", headers={"HX-Request": "true", "HX-Target": "design-panel"}
    )
    body = frag.get_data(as_text=True)
    assert "<html" not in body and "Serahkan desain" in body
    assert "N-T36" in body and "JAWA2-T45" in body and "JAWA3-T36K" not in body
    page = client.get(f"/designs/cases/{case.id}").get_data(as_text=True)
    assert "<html" in page and "Serahkan desain" in page
    detail = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/designs/cases/{case.id}" in detail  # the slot the case page loads


def test_viewer_sees_the_panel_without_the_form(client, make_user, make_case, lib):
    case = make_case(status=CaseStatus.IN_PROGRESS)
    service.hand_out(make_user(Role.STAFF), case, lib["national"], None)
    login(client, make_user(Role.VIEWER))
    body = client.get(f"/designs/cases/{case.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "N-T36" in body and "Serahkan desain" not in body


def test_hand_out_from_the_case_page_in_one_post(client, make_user, make_case, lib):
    staff = make_user(Role.STAFF)
    case = make_case(status=CaseStatus.IN_PROGRESS, assignee=staff)
    login(client, staff)
    resp = client.post(
        f"/designs/cases/{case.id}/handout",
        data={"design_id": str(lib["jawa2"].id), "version": str(case.version)},
    )
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/cases/{case.id}#timeline")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Desain JAWA2-T45 diserahkan" in page  # the flash
    assert "Desain diserahkan: JAWA2-T45" in page and f"/designs/{lib['jawa2'].id}" in page  # timeline + link
    assert db.session.scalars(select(DesignHandout).where(DesignHandout.case_id == case.id)).one()


def test_hand_out_with_a_stale_version_shows_the_conflict(client, make_user, make_case, lib):
    staff = make_user(Role.STAFF)
    case = make_case(status=CaseStatus.IN_PROGRESS, assignee=staff)
    login(client, staff)
    stale = case.version - 1
    resp = client.post(
        f"/designs/cases/{case.id}/handout",
        data={"design_id": str(lib["national"].id), "version": str(stale)},
        follow_redirects=True,
    )
    html = resp.get_data(as_text=True)
    assert "baru saja diubah oleh pengguna lain" in html and "flash-error" in html
    assert db.session.scalars(select(DesignHandout).where(DesignHandout.case_id == case.id)).first() is None


def test_hand_out_refuses_another_offices_design_and_case(client, make_user, make_case, units, lib):
    staff = make_user(Role.STAFF)
    case = make_case(status=CaseStatus.IN_PROGRESS, assignee=staff)
    other_case = make_case(unit=units["jawa3"], status=CaseStatus.IN_PROGRESS)
    login(client, staff)
    resp = client.post(
        f"/designs/cases/{case.id}/handout",
        data={"design_id": str(lib["jawa3"].id), "version": str(case.version)},
    )
    assert resp.status_code == 422
    other = client.post(
        f"/designs/cases/{other_case.id}/handout",
        data={"design_id": str(lib["national"].id), "version": str(other_case.version)},
    )
    assert other.status_code == 404
    assert db.session.scalars(select(DesignHandout)).first() is None


def test_dashboard_tile_counts_by_design_and_office(client, make_user, make_case, units, lib):
    staff = make_user(Role.STAFF)
    service.hand_out(staff, make_case(status=CaseStatus.IN_PROGRESS), lib["national"], None)
    service.hand_out(staff, make_case(status=CaseStatus.IN_PROGRESS), lib["jawa2"], None)
    staff3 = make_user(Role.STAFF, unit=units["jawa3"])
    service.hand_out(
        staff3, make_case(unit=units["jawa3"], status=CaseStatus.IN_PROGRESS), lib["national"], None
    )
    login(client, make_user(Role.ADMIN))
    assert 'id="tile-designs"' in client.get("/reports").get_data(as_text=True)
    frag = client.get("/reports/tiles/designs-handed-out", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert "<html" not in frag and "<strong>3</strong>" in frag and "N-T36" in frag and "JAWA2-T45" in frag
    login(client, staff)  # own office only
    page = client.get("/reports/tiles/designs-handed-out").get_data(as_text=True)
    assert "<html" in page and "<strong>2</strong>" in page and units["jawa3"].name not in page


def test_evaluation_workbook_counts_hand_outs_per_office_month_and_design(
    client, make_user, make_case, units, lib
):
    import io

    from openpyxl import load_workbook

    staff = make_user(Role.STAFF)
    for design in (lib["national"], lib["national"], lib["jawa2"]):
        service.hand_out(staff, make_case(status=CaseStatus.IN_PROGRESS), design, None)
    staff3 = make_user(Role.STAFF, unit=units["jawa3"])
    service.hand_out(
        staff3, make_case(unit=units["jawa3"], status=CaseStatus.IN_PROGRESS), lib["national"], None
    )
    login(client, make_user(Role.ADMIN))
    book = load_workbook(io.BytesIO(client.get("/reports/evaluation.xlsx").get_data()))
    rows = list(book["Desain diserahkan"].iter_rows(values_only=True))
    body = {(r[0], r[2]): r[4] for r in rows[1:] if r[0]}
    jawa2_code = lib["jawa2"].code
    assert body == {
        (units["jawa2"].name, "N-T36"): 2,
        (units["jawa2"].name, jawa2_code): 1,
        (units["jawa3"].name, "N-T36"): 1,
    }, rows
