"""Every WTForms validation message is Indonesian in the Indonesian UI (issue 13, point 10).

The hostile-input walk once met an English message on /outreach/<id>/intake; here every field of
that form gets a bad value of each kind, with and without htmx, with CSRF on and off."""

from __future__ import annotations

import pytest

from krs.models import Role
from tests.conftest import login
from tests.support import make_session

HX = {"HX-Request": "true"}
ENGLISH = (
    "This field",
    "Not a valid",
    "Invalid",
    "Field must",
    "Field cannot",
    "must be",
    "CSRF token",
    "CSRF session",
    "CSRF failed",
    "referrer",
    "is not a valid choice",
    "are not valid choices",
    "could not be coerced",
    "Number must",
    "Date must",
)
GOOD = {
    "nik": "3276011005900123",
    "name": "Warga Satu",
    "phone": "081234567001",
    "gender": "",
    "address": "Jl. Mawar 1",
    "service_types": ["program_info"],
    "description": "Tanya syarat BSPS.",
    "consent_given": "y",
}
BAD = {
    "nik": ["", "abc", "3276", "9" * 30, " "],
    "name": ["", " ", "x" * 151],
    "phone": ["12", "0812", "x" * 300],
    "gender": ["x", "0", "female ", "<b>"],
    "address": ["x" * 251],
    "service_types": [[], ["x"], ["x", "y"], ["program_info", "nope"], [""]],
    "description": ["", "x" * 5001],
    "consent_given": ["", None],
}


def _cases():
    for name, values in BAD.items():
        for value in values:
            yield name, value


@pytest.fixture
def desk(units, make_user):
    staff = make_user(Role.STAFF, units["jawa2"])
    return staff, make_session(staff, units["jawa2"], staff=[staff])


def _assert_indonesian(body: str, where: str) -> None:
    for english in ENGLISH:
        assert english not in body, f"{where}: English message containing {english!r}"


@pytest.mark.parametrize(("name", "value"), list(_cases()))
def test_bad_values_on_the_outreach_intake_answer_in_indonesian(app, client, desk, name, value):
    staff, session = desk
    data = {**GOOD}
    if value is None:
        data.pop(name)
    else:
        data[name] = value
    login(client, staff)
    for headers in (HX, {}):
        resp = client.post(f"/outreach/{session.id}/intake", data=data, headers=headers)
        assert resp.status_code == 422, (name, value, resp.status_code)
        _assert_indonesian(resp.get_data(as_text=True), f"{name}={value!r} {headers}")


@pytest.mark.parametrize("token", ["", "x", "garbage.token.value"])
def test_a_bad_form_token_beside_a_good_csrf_header_answers_in_indonesian(app, client, desk, token):
    """htmx sends the token in a header: CSRFProtect accepts it, then the form checks its own
    (empty or forged) field and Flask-WTF answered "The CSRF token is missing." in English."""
    staff, session = desk
    login(client, staff)
    before = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = client.get(f"/outreach/{session.id}")
        good = page.get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
        for headers in ({**HX, "X-CSRFToken": good}, {"X-CSRFToken": good}):
            resp = client.post(
                f"/outreach/{session.id}/intake",
                data={**GOOD, "nik": "", "csrf_token": token},
                headers=headers,
            )
            _assert_indonesian(resp.get_data(as_text=True), f"token={token!r} {headers}")
    finally:
        app.config["WTF_CSRF_ENABLED"] = before
