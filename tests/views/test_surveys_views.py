"""The IKM survey pages: public, one-time, and they show nothing of the case."""

from sqlalchemy import select

from krs.extensions import db
from krs.models import CaseStatus, Event, EventKind, Role, Survey
from krs.surveys import service
from tests.support import login

ALL_FOURS = {f"u{i}": "4" for i in range(1, 10)}


def _closed_case_with_token(make_case, make_user, units, mode="link"):
    case = make_case(status=CaseStatus.CLOSED, name="Sulastri Wulandari")
    survey = service.invite(make_user(Role.STAFF, units["jawa2"]), case, mode)
    return case, survey


def test_the_public_page_asks_nine_questions_and_shows_nothing_of_the_case(
    client, make_case, make_user, units
):
    case, survey = _closed_case_with_token(make_case, make_user, units)
    resp = client.get(f"/surveys/{survey.token}")
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert body.count('type="radio"') == 36
    assert "Survei Kepuasan Masyarakat" in body and "BP2P JAWA2" in body
    for secret in (case.number, "Sulastri", case.applicant.nik, case.applicant.phone):
        assert secret not in body
    assert "/cases" not in body and "Keluar" not in body  # no navigation into the app


def test_the_kiosk_page_shows_no_navigation_even_when_the_desk_is_signed_in(
    client, make_case, make_user, units
):
    case, survey = _closed_case_with_token(make_case, make_user, units, "kiosk")
    login(client, make_user(Role.STAFF, units["jawa2"]))
    body = client.get(f"/surveys/kiosk/{survey.token}").get_data(as_text=True)
    assert "kiosk" in body and case.number not in body and "Sulastri" not in body
    assert "mainnav" not in body and "Keluar" not in body


def test_submitting_stores_the_answers_once_and_notes_the_case(client, make_case, make_user, units):
    case, survey = _closed_case_with_token(make_case, make_user, units)
    resp = client.post(f"/surveys/{survey.token}", data={**ALL_FOURS, "comment": "Mantap"})
    assert resp.status_code == 302 and "/surveys/thanks" in resp.headers["Location"]
    assert "Terima kasih" in client.get(resp.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()  # the request wrote in its own session
    stored = db.session.get(Survey, survey.id)
    assert stored.answers == [4] * 9
    events = db.session.scalars(select(Event.kind).where(Event.case_id == case.id)).all()
    assert EventKind.SURVEY_RECEIVED in events
    again = client.post(f"/surveys/{survey.token}", data=ALL_FOURS)
    assert again.status_code == 404 and "tidak berlaku" in again.get_data(as_text=True)


def test_missing_answers_say_what_to_do(client, make_case, make_user, units):
    _case, survey = _closed_case_with_token(make_case, make_user, units)
    data = dict(ALL_FOURS)
    del data["u5"]
    resp = client.post(f"/surveys/{survey.token}", data=data)
    assert resp.status_code == 422
    assert "Pilih salah satu jawaban" in resp.get_data(as_text=True)
    assert service.open_survey(survey.token) is not None


def test_unknown_token_answers_404(client):
    assert client.get("/surveys/tebakan-asal").status_code == 404
    assert client.get("/surveys/kiosk/" + "x" * 80).status_code == 404


def test_case_page_offers_the_survey_only_after_closure(client, make_case, make_user, units):
    staff = make_user(Role.STAFF, units["jawa2"])
    open_case = make_case(status=CaseStatus.IN_PROGRESS)
    closed = make_case(status=CaseStatus.CLOSED)
    login(client, staff)
    assert "Survei kepuasan" not in client.get(f"/cases/{open_case.id}").get_data(as_text=True)
    body = client.get(f"/cases/{closed.id}").get_data(as_text=True)
    # the panel is the surveys blueprint's fragment, loaded into the case page (a link without JS)
    panel_url = f"/surveys/cases/{closed.id}/panel"
    assert "Survei kepuasan" in body and f'hx-get="{panel_url}"' in body and f'href="{panel_url}"' in body
    panel = client.get(panel_url, headers={"HX-Request": "true", "HX-Target": "survey-panel-slot"})
    assert "Buat tautan survei" in panel.get_data(as_text=True)

    resp = client.post(
        f"/surveys/cases/{closed.id}/invite",
        data={"mode": "link"},
        headers={"HX-Request": "true", "HX-Target": "survey-panel"},
    )
    assert resp.status_code == 200
    fragment = resp.get_data(as_text=True)
    assert "<html" not in fragment and 'id="survey-panel"' in fragment
    survey = db.session.scalar(select(Survey).where(Survey.case_id == closed.id))
    assert f"/surveys/{survey.token}" in fragment and f"/surveys/kiosk/{survey.token}" in fragment
    assert "data:image/svg+xml" in fragment  # the QR code (segno)

    resp = client.post(f"/surveys/cases/{open_case.id}/invite", data={"mode": "link"})
    assert resp.status_code == 302  # refused with a message, back to the case
    assert db.session.scalar(select(Survey).where(Survey.case_id == open_case.id)) is None


def test_another_units_case_cannot_be_surveyed(client, make_case, make_user, units):
    other = make_case(unit=units["jawa3"], status=CaseStatus.CLOSED)
    login(client, make_user(Role.STAFF, units["jawa2"]))
    assert client.post(f"/surveys/cases/{other.id}/invite", data={"mode": "link"}).status_code == 404


def test_one_kiosk_button_opens_the_kiosk_page_at_once(client, make_case, make_user, units):
    """Issue 15: "Isi di tablet (kiosk)" is one button: it makes the kiosk survey and opens it."""
    case = make_case(status=CaseStatus.CLOSED, name="Sulastri Wulandari")
    login(client, make_user(Role.STAFF, units["jawa2"]))
    panel = client.get(f"/surveys/cases/{case.id}/panel").get_data(as_text=True)
    assert panel.count("Isi di tablet (kiosk)") == 1 and "Buka mode kiosk" not in panel
    resp = client.post(
        f"/surveys/cases/{case.id}/invite",
        data={"mode": "kiosk"},
        headers={"HX-Request": "true", "HX-Target": "survey-panel"},
    )
    survey = db.session.scalar(select(Survey).where(Survey.case_id == case.id))
    assert survey.mode == "kiosk" and resp.headers["HX-Redirect"] == f"/surveys/kiosk/{survey.token}"
    resp = client.post(f"/surveys/cases/{case.id}/invite", data={"mode": "kiosk"})
    newer = db.session.scalars(
        select(Survey).where(Survey.case_id == case.id).order_by(Survey.id.desc())
    ).first()
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/surveys/kiosk/{newer.token}")
    panel = client.get(f"/surveys/cases/{case.id}/panel").get_data(as_text=True)
    assert panel.count("Isi di tablet (kiosk)") == 1  # a pending survey: the same one button, a link


def test_the_survey_link_can_be_handed_over_by_whatsapp(client, make_case, make_user, units):
    from urllib.parse import unquote

    case, survey = _closed_case_with_token(make_case, make_user, units)
    login(client, make_user(Role.STAFF, units["jawa2"]))
    assert f'hx-get="/surveys/cases/{case.id}/panel"' in client.get(f"/cases/{case.id}").get_data(
        as_text=True
    )
    panel = client.get(
        f"/surveys/cases/{case.id}/panel", headers={"HX-Request": "true", "HX-Target": "survey-panel-slot"}
    )
    body = unquote(panel.get_data(as_text=True))  # the case page's survey panel, as htmx loads it
    assert "Kirim tautan survei via WhatsApp" in body
    assert f"/surveys/{survey.token}" in body and "https://wa.me/62" in body


def test_survey_panel_is_a_fragment_for_htmx_and_a_page_without(client, make_case, make_user, units):
    staff = make_user(Role.STAFF, units["jawa2"])
    closed = make_case(status=CaseStatus.CLOSED)
    login(client, staff)
    url = f"/surveys/cases/{closed.id}/panel"
    fragment = client.get(url, headers={"HX-Request": "true", "HX-Target": "survey-panel-slot"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body and 'id="survey-panel"' in body
    assert "Buat tautan survei" in body
    page = client.get(url).get_data(as_text=True)
    assert "<html" in page and 'id="survey-panel"' in page and closed.number in page
    assert f"/cases/{closed.id}" in page  # back to the case


def test_survey_panel_follows_the_case_scope(client, make_case, make_user, units):
    closed_elsewhere = make_case(unit=units["jawa3"], status=CaseStatus.CLOSED)
    open_case = make_case(status=CaseStatus.IN_PROGRESS)
    login(client, make_user(Role.STAFF, units["jawa2"]))
    hx = {"HX-Request": "true", "HX-Target": "survey-panel-slot"}
    assert client.get(f"/surveys/cases/{closed_elsewhere.id}/panel", headers=hx).status_code == 404
    empty = client.get(f"/surveys/cases/{open_case.id}/panel", headers=hx)
    assert empty.status_code == 200 and "survey-panel" not in empty.get_data(as_text=True)
    login(client, make_user(Role.VIEWER))
    viewer = client.get(f"/surveys/cases/{closed_elsewhere.id}/panel", headers=hx).get_data(as_text=True)
    assert 'id="survey-panel"' in viewer and "Buat tautan survei" not in viewer  # reads, never invites
