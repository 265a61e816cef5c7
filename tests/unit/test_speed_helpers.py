"""Issue 17's shortcuts behave as the slower code they replace: statements built once
(krs.prepared) and the templates' own `_()` / `ngettext()` (krs.templating)."""

from __future__ import annotations

from datetime import date

from flask import render_template_string
from flask_babel import force_locale
from sqlalchemy import bindparam, func, select

from krs.extensions import db
from krs.models import Case
from krs.prepared import prepared


def test_a_prepared_statement_is_built_once_and_takes_its_values_at_execution(make_case):
    built = []

    @prepared
    def cases_of():
        built.append(1)
        return select(func.count(Case.id)).where(Case.id.in_(bindparam("ids", expanding=True)))

    first, second = make_case(), make_case()
    assert cases_of() is cases_of() and built == [1]
    assert db.session.scalar(cases_of(), {"ids": [first.id]}) == 1
    assert db.session.scalar(cases_of(), {"ids": [first.id, second.id]}) == 2
    assert db.session.scalar(cases_of(), {"ids": [-1]}) == 0


def test_template_gettext_escapes_formats_and_follows_the_language(app):
    page = (
        "{{ _('Kasus') }}|{{ _('Pilih %(number)s', number=n) }}"
        "|{{ ngettext('%(num)s kasus', '%(num)s kasus', k) }}"
    )
    with app.test_request_context("/"):
        assert render_template_string(page, n="<b>", k=1) == "Kasus|Pilih &lt;b&gt;|1 kasus"
        with force_locale("en"):  # the memo follows a forced language at once
            assert render_template_string(page, n="<b>", k=2) == "Cases|Select &lt;b&gt;|2 cases"
        assert render_template_string(page, n="x", k=3) == "Kasus|Pilih x|3 kasus"
    with app.app_context(), app.test_request_context("/"):  # a new context: the language is chosen anew
        from flask import session

        session["lang"] = "en"
        assert render_template_string("{{ _('Kasus') }} {{ gettext('Kasus') }}") == "Cases Cases"


def test_template_gettext_keeps_a_literal_percent_as_jinja_does(app):
    # newstyle gettext always formats: a template writes a literal percent as %%
    with app.test_request_context("/"):
        assert render_template_string("{{ _('Pendampingan %(p)s %%', p=40) }}") == "Pendampingan 40 %"


def test_dates_are_as_the_date_filter_writes_them(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ d|date }}", d=date(2026, 11, 27)) == "27 Nov 2026"


def test_a_garbled_version_is_a_conflict_not_a_crash(make_case):
    from krs import case_events

    case = make_case()
    assert not case_events.is_stale(case, None) and not case_events.is_stale(case, str(case.version))
    assert case_events.is_stale(case, case.version + 1)
    for hostile in ("abc", "1e9999", "", "  ", "<script>", object()):
        assert case_events.is_stale(case, hostile)
