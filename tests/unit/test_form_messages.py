"""No English WTForms message in the Indonesian interface (issue 13, point 10)."""

from __future__ import annotations

import pathlib
import re

import flask_wtf
import wtforms
from flask_wtf import FlaskForm
from wtforms import StringField

from krs import form_messages

MSGID = re.compile(r"gettext\(\s*\n?\s*\"([^\"]+)\"", re.M)


def _msgids(package) -> set[str]:
    root = pathlib.Path(package.__file__).parent
    found = set()
    for path in root.rglob("*.py"):
        found |= set(MSGID.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_message_of_wtforms_and_flask_wtf_has_an_indonesian_line():
    known = set(form_messages.MESSAGES) | set(form_messages.PLURALS)
    missing = sorted((_msgids(wtforms) | _msgids(flask_wtf)) - known)
    assert not missing, missing


def test_an_unknown_message_is_indonesian_not_english(app):
    with app.test_request_context("/"):
        assert form_messages._messages.gettext("Some future WTForms message.") == form_messages.FALLBACK
        assert (
            form_messages._messages.ngettext("%(n)d new thing.", "%(n)d new things.", 2)
            == form_messages.FALLBACK
        )


def test_the_form_level_csrf_check_answers_in_indonesian(app):
    class Form(FlaskForm):
        name = StringField()

    before = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        with app.test_request_context("/", method="POST", data={"name": "x", "csrf_token": ""}):
            form = Form()
            assert not form.validate()
            errors = " ".join(form.csrf_token.errors)
            assert "CSRF" not in errors and "missing" not in errors
            assert "Sesi formulir" in errors
    finally:
        app.config["WTF_CSRF_ENABLED"] = before
