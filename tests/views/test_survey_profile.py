"""The IKM respondent profile (issue 16, part 7): asked on the survey page, every part optional,
and shown as a distribution on the reports' IKM tile and in the evaluation workbook."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from krs.extensions import db
from krs.models import CaseStatus, Role, Survey
from krs.surveys import service
from tests.support import login

ALL_FOURS = {f"u{i}": "4" for i in range(1, 10)}


def _token(make_case, make_user, units):
    case = make_case(status=CaseStatus.CLOSED)
    return service.invite(make_user(Role.STAFF, units["jawa2"]), case, "link")


def test_the_survey_asks_the_profile_and_stores_it(client, make_case, make_user, units):
    survey = _token(make_case, make_user, units)
    page = client.get(f"/surveys/{survey.token}").get_data(as_text=True)
    for name in ("age_band", "sex", "education", "occupation"):
        assert f'name="{name}"' in page
    profile = {"age_band": "30_39", "sex": "P", "education": "sma", "occupation": "wirausaha"}
    resp = client.post(f"/surveys/{survey.token}", data={**ALL_FOURS, **profile})
    assert resp.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Survey, survey.id)
    assert (stored.age_band, stored.sex, stored.education, stored.occupation) == (
        "30_39",
        "P",
        "sma",
        "wirausaha",
    )


def test_the_profile_may_be_left_empty_but_not_forged(client, make_case, make_user, units):
    empty = _token(make_case, make_user, units)
    assert client.post(f"/surveys/{empty.token}", data=ALL_FOURS).status_code == 302
    forged = _token(make_case, make_user, units)
    resp = client.post(f"/surveys/{forged.token}", data={**ALL_FOURS, "education": "<script>"})
    assert resp.status_code == 422
    db.session.expire_all()
    stored = db.session.get(Survey, empty.id)
    assert stored.submitted_at is not None and stored.age_band is None and stored.sex is None
    # the service keeps only known answers whatever it is handed
    assert service.clean_profile({"sex": "X", "age_band": "60plus"})["sex"] is None


def test_tile_and_workbook_show_the_profile_distribution(client, make_case, make_user, units):
    for profile in (
        {"age_band": "30_39", "sex": "P", "education": "sma", "occupation": "wirausaha"},
        {"age_band": "30_39", "sex": "L"},
        {},
    ):
        survey = _token(make_case, make_user, units)
        service.submit(survey.token, {f"u{i}": 4 for i in range(1, 10)}, None, profile)
    login(client, make_user(Role.SUPERVISOR, units["jawa2"]))
    tile = client.get("/reports/tiles/ikm", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Profil responden" in tile and "30–39 tahun" in tile and "Wirausaha" in tile

    wb = load_workbook(io.BytesIO(client.get("/reports/evaluation.xlsx").get_data()))
    rows = list(wb["Profil responden IKM"].iter_rows(min_row=3, values_only=True))
    by = {(r[0], r[1]): (r[2], r[3]) for r in rows}
    assert by[("Usia", "30–39 tahun")] == (2, 66.7)
    assert by[("Usia", "Tidak diisi")] == (1, 33.3)
    assert by[("Jenis kelamin", "Perempuan")] == (1, 33.3)
    assert by[("Pendidikan", "Tidak diisi")] == (2, 66.7)
    assert by[("Pekerjaan", "Wirausaha")][0] == 1
