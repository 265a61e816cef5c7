"""Jinja filters and globals: the formats of krs.formats, labels, PII masking, permissions."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request
from flask.globals import _cv_app
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

from krs import access
from krs.formats import fmt_date, fmt_datetime, fmt_month_short, fmt_num, fmt_number, fmt_percent, fmt_rupiah
from krs.models import (
    CaseStatus,
    Channel,
    Condition,
    EventKind,
    Gender,
    LandStatus,
    Outcome,
    Priority,
    ServiceType,
)
from krs.reference_data import label_for
from krs.workdays import ZONE_ABBREVIATIONS

# label filters whose labels the Direktorat may rename in /admin/reference
REFERENCE_LISTS = {"service_label": "service_type", "channel_label": "channel", "outcome_label": "outcome"}


def _label_filter(enum_cls, reference_list: str | None = None):
    def label(value):
        if value in (None, ""):
            return "–"
        if not has_request_context():
            return _label(value)
        # a list page asks for the same few labels on every row: once per request and language
        # (kept on the request itself: tests may hold one app context, and `g`, across requests)
        memo = request.__dict__.setdefault("_krs_labels", {})
        key = (enum_cls, value, get_locale())
        found = memo.get(key)
        if found is None:
            found = memo[key] = _label(value)
        return found

    def _label(value):
        if reference_list:  # renamed by the Direktorat in /admin/reference
            custom = label_for(reference_list, value)
            if custom:
                return custom
        try:
            return enum_cls(value).label
        except ValueError:
            return value

    return label


def register(app: Flask) -> None:
    for name, enum_cls in {
        "service_label": ServiceType,
        "channel_label": Channel,
        "status_label": CaseStatus,
        "outcome_label": Outcome,
        "event_label": EventKind,
        "gender_label": Gender,
        "priority_label": Priority,
        "land_label": LandStatus,
        "condition_label": Condition,
    }.items():
        app.jinja_env.filters[name] = _label_filter(enum_cls, REFERENCE_LISTS.get(name))
    app.jinja_env.filters["zone_abbr"] = lambda tz: ZONE_ABBREVIATIONS.get(tz, tz)
    app.jinja_env.filters["date"] = fmt_date
    app.jinja_env.filters["datetime"] = fmt_datetime
    app.jinja_env.filters["month_short"] = fmt_month_short
    app.jinja_env.filters["rupiah"] = fmt_rupiah
    app.jinja_env.filters["number"] = fmt_number
    app.jinja_env.filters["num"] = fmt_num
    app.jinja_env.filters["pct"] = fmt_percent

    def me():
        """The signed-in user itself: access functions then read its attributes directly instead
        of resolving the `current_user` proxy on each one (a list page calls them per row). Once
        Flask-Login has loaded it, it is `g._login_user`; read from the context directly."""
        ctx = _cv_app.get(None)
        if ctx is not None:
            user = ctx.g.__dict__.get("_login_user")
            if user is not None:
                return user
        return current_user._get_current_object()

    _install_fast_gettext(app)

    app.jinja_env.globals.update(
        # pure permission checks on the signed-in user (never queries for what to show)
        can_open_endpoint=lambda endpoint: access.can_open_endpoint(me(), endpoint),
        can_view_case=lambda case: access.can_view_case(me(), case),
        can_assign_case=lambda case: access.can_assign_case(me(), case),
        can_transfer_case=lambda case: access.can_transfer_case(me(), case),
        can_decide_transfer=lambda transfer: access.can_decide_transfer(me(), transfer),
        can_see_transferred_case=lambda transfer: access.can_see_transferred_case(me(), transfer),
        can_see_pii=lambda: access.can_see_pii(me()),
        can_open_attachment=lambda att: access.can_open_attachment(me(), att),
        shown_nik=lambda applicant: access.shown_nik(me(), applicant),
        masked_nik=lambda applicant: access.mask_middle(applicant.nik, 4, 2),
        mask_nik=lambda nik: access.shown_nik_value(me(), nik),
        can_reveal_nik=lambda case: access.can_reveal_nik(me(), case),
        shown_phone=lambda applicant, case=None: access.shown_phone(me(), applicant, case),
        shown_address=lambda applicant, case=None: access.shown_address(me(), applicant, case),
        krs_names=lambda: {
            "ministry": current_app.config["KRS_MINISTRY_NAME"],
            "directorate": current_app.config["KRS_DIRECTORATE_NAME"],
        },
    )


def _current_translations():
    """Flask-Babel's translations for the current locale, found with one context look-up instead of
    a dozen per string (`get_translations` resolves `g` and the locale on every call; a list page
    translates about a hundred strings). Kept beside the locale object it was found for, so
    `force_locale` (a new locale object) is followed at once."""
    ctx = _cv_app.get(None)
    ns = ctx.g.__dict__.get("_flask_babel") if ctx is not None else None
    locale = getattr(ns, "babel_locale", None)
    if locale is None:  # not settled yet in this context: Flask-Babel settles it
        return get_translations()
    memo = ns.__dict__.get("krs_translations")
    if memo is None or memo[0] is not locale:
        memo = ns.krs_translations = (locale, get_translations())
    return memo[1]


def _install_fast_gettext(app: Flask) -> None:
    """The template `_()`, `gettext()` and `ngettext()` of Flask-Babel (`jinja2.ext.i18n`,
    newstyle: the translation is Markup under autoescape and always formatted with its
    variables), through `_current_translations`, and called directly instead of through three
    layers of `Context.call` (`_gettext_alias` -> `gettext` -> the translation): a case page
    translates about eighty strings. The same catalogue, the same strings."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _current_translations().ugettext(s),
        ngettext=lambda s, p, n: _current_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _current_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _current_translations().unpgettext(c, s, p, n),
    )

    @pass_eval_context
    def gettext(eval_ctx, string, **variables):
        rv = _current_translations().ugettext(string)
        if eval_ctx.autoescape:
            rv = Markup(rv)
        return rv % variables

    @pass_eval_context
    def ngettext(eval_ctx, singular, plural, num, **variables):
        variables.setdefault("num", num)
        rv = _current_translations().ungettext(singular, plural, num)
        if eval_ctx.autoescape:
            rv = Markup(rv)
        return rv % variables

    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
