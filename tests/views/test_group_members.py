"""Group members (issue 14, point 7): a list pasted from Excel, previewed line by line before anything
is saved, then members corrected and removed with an audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from krs.extensions import db
from krs.models import AuditLog, GroupMember, Role
from krs.outreach import service
from krs.outreach.members import read_line, read_paste
from tests.support import login, make_group, valid_nik
from tests.views.test_outreach_views import group_form

HX_MEMBERS = {"HX-Request": "true", "HX-Target": "group-members"}
ANI = "3276015005900007"


@pytest.fixture(autouse=True)
def _csrf_off(app):
    before = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = False
    yield
    app.config["WTF_CSRF_ENABLED"] = before


@pytest.fixture
def people(units, make_user):
    return {
        "staff": make_user(Role.STAFF, units["jawa2"], full_name="Rina Staf"),
        "viewer": make_user(Role.VIEWER),
        "other_staff": make_user(Role.STAFF, units["jawa3"]),
    }


@pytest.fixture
def group(people, units):
    return make_group(people["staff"], units["jawa2"]).case.applicant


@pytest.mark.parametrize(
    "line",
    [
        f"Ani Lestari;{ANI}",
        f"Ani Lestari\t{ANI}",
        f"Ani Lestari, {ANI}",
        f"{ANI}\tAni Lestari",
        f"{ANI};Ani Lestari",
        "Ani Lestari; 3276 0150 0590 0007",
        f"Ani Lestari {ANI}",
        f"12\tAni Lestari\t{ANI}",  # a numbered sheet
    ],
)
def test_a_pasted_line_gives_the_name_and_the_nik_whatever_the_separator(line):
    found = read_line(1, line)
    assert (found.name, found.nik, found.error) == ("Ani Lestari", ANI, None)


def test_group_form_keeps_the_nik_of_a_semicolon_or_tab_line(client, people, units):
    """Before issue 14 the whole line became the name and the NIK was dropped silently."""
    login(client, people["staff"])
    data = group_form(
        unit_id=str(units["jawa2"].id), members=f"Ani Lestari;{ANI}\nBudi Santoso\t{valid_nik(71)}"
    )
    resp = client.post("/outreach/groups/new", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    members = db.session.scalars(select(GroupMember).order_by(GroupMember.id)).all()
    assert [(m.name, m.nik) for m in members] == [("Ani Lestari", ANI), ("Budi Santoso", valid_nik(71))]


def test_the_paste_reader_explains_every_wrong_line():
    lines = read_paste(
        f"Nama\tNIK\nAni Lestari\t{ANI}\nBudi\t12345\nCitra\t{ANI}\n\t{valid_nik(72)}\nDewi\n",
        known_niks={valid_nik(72)},
    )
    assert lines[0].header and not lines[0].error
    assert lines[1].ok and lines[1].nik == ANI
    assert "16 digit" in lines[2].error
    assert "baris 2" in lines[3].error  # the same NIK twice in the paste
    assert lines[4].error == "Nama anggota kosong."
    assert lines[5].ok and lines[5].nik is None  # a NIK is optional for a member


def test_paste_previews_first_and_saves_only_on_confirmation(client, people, group):
    login(client, people["staff"])
    text = f"Ani Lestari;{ANI}\nBudi Santoso\t{valid_nik(73)}"
    preview = client.post(
        f"/outreach/groups/{group.id}/members/paste", data={"members": text}, headers=HX_MEMBERS
    )
    body = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "<html" not in body
    assert 'id="paste-preview"' in body and "Ani Lestari" in body and ANI in body
    assert "Simpan 2 anggota" in body
    assert db.session.scalar(select(db.func.count()).select_from(GroupMember)) == 0  # nothing saved yet

    saved = client.post(
        f"/outreach/groups/{group.id}/members/paste",
        data={"members": text, "confirm": "1"},
        headers=HX_MEMBERS,
    )
    assert saved.status_code == 200 and "2 anggota ditambahkan." in saved.get_data(as_text=True)
    assert [(m.name, m.nik) for m in service.members_of(group)] == [
        ("Ani Lestari", ANI),
        ("Budi Santoso", valid_nik(73)),
    ]
    row = db.session.scalars(select(AuditLog).where(AuditLog.action == "group.member_paste")).one()
    assert row.after["added"][0] == {"name": "Ani Lestari", "nik": ANI}


def test_a_paste_with_errors_saves_nothing_and_names_the_lines(client, people, group):
    service.add_member(people["staff"], group, "Ibu Sari", valid_nik(74))
    login(client, people["staff"])
    text = f"Ani Lestari;{ANI}\nBudi;123\nSari lagi;{valid_nik(74)}\n;{valid_nik(75)}\nAni kembar,{ANI}"
    preview = client.post(f"/outreach/groups/{group.id}/members/paste", data={"members": text})
    body = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "<html" in body  # without JavaScript: the group page
    assert "1 baris siap disimpan, 4 baris salah" in body
    assert "NIK harus 16 digit angka." in body
    assert "NIK ini sudah tercatat sebagai anggota kelompok." in body
    assert "Nama anggota kosong." in body and "NIK sama dengan baris 1." in body
    assert "Simpan 1 anggota" not in body
    forced = client.post(f"/outreach/groups/{group.id}/members/paste", data={"members": text, "confirm": "1"})
    assert forced.status_code == 422
    assert [m.name for m in service.members_of(group)] == ["Ibu Sari"]


def test_members_are_edited_and_removed_with_before_and_after(client, people, group):
    member = service.add_member(people["staff"], group, "Ani Lestar", ANI)
    login(client, people["staff"])
    page = client.get(f"/outreach/groups/{group.id}/members/{member.id}/edit")
    body = page.get_data(as_text=True)
    assert (
        page.status_code == 200 and f'value="{ANI}"' not in body
    )  # the NIK is shown (as masking says), not prefilled
    resp = client.post(
        f"/outreach/groups/{group.id}/members/{member.id}/edit",
        data={"name": "Ani Lestari", "nik": valid_nik(76)},
    )
    assert resp.status_code == 302
    db.session.refresh(member)
    assert (member.name, member.nik) == ("Ani Lestari", valid_nik(76))
    row = db.session.scalars(select(AuditLog).where(AuditLog.action == "group.member_update")).one()
    assert row.before == {"name": "Ani Lestar", "nik": ANI}
    assert row.after == {"name": "Ani Lestari", "nik": valid_nik(76)}
    bad = client.post(
        f"/outreach/groups/{group.id}/members/{member.id}/edit", data={"name": "Ani", "nik": "42"}
    )
    assert bad.status_code == 422 and "NIK harus 16 digit angka." in bad.get_data(as_text=True)

    gone = client.post(f"/outreach/groups/{group.id}/members/{member.id}/remove", headers=HX_MEMBERS)
    assert gone.status_code == 200 and "Ani Lestari dihapus dari daftar anggota." in gone.get_data(
        as_text=True
    )
    assert service.members_of(group) == []
    row = db.session.scalars(select(AuditLog).where(AuditLog.action == "group.member_remove")).one()
    assert row.before["name"] == "Ani Lestari" and row.after is None


def test_members_cannot_be_changed_outside_the_unit_or_by_viewers(client, people, group):
    member = service.add_member(people["staff"], group, "Ani Lestari", ANI)
    for who, want in (("other_staff", 404), ("viewer", 403)):
        login(client, people[who])
        assert client.post(f"/outreach/groups/{group.id}/members/{member.id}/remove").status_code == want
        assert (
            client.post(
                f"/outreach/groups/{group.id}/members/paste",
                data={"members": f"X;{valid_nik(77)}", "confirm": "1"},
            ).status_code
            == want
        )
    assert len(service.members_of(group)) == 1


def test_group_page_masks_member_niks_and_offers_edit_only_to_the_desk(client, people, group):
    service.add_member(people["staff"], group, "Ani Lestari", ANI)
    login(client, people["viewer"])
    page = client.get(f"/outreach/groups/{group.id}").get_data(as_text=True)
    assert ANI not in page and "Tempel daftar anggota" not in page and "/edit" not in page
