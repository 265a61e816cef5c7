"""IKM survey: the public token page, the desk kiosk page (no login, nothing of the case), the invite."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from krs import access, public_links
from krs.extensions import db, limiter
from krs.htmx_views import fragment_for, render_page_or_fragment
from krs.models import Unit
from krs.surveys import service
from krs.surveys.forms import InviteForm, SurveyForm

bp = Blueprint("surveys", __name__, url_prefix="/surveys")


def _answer(token: str, kiosk: bool):
    survey = service.open_survey(token)
    if survey is None:
        return render_template("surveys/invalid.html", kiosk=kiosk), 404
    form = SurveyForm()
    if form.validate_on_submit():
        try:
            service.submit(token, form.answers(), form.comment.data, form.profile())
        except service.SurveyError as exc:
            return render_template("surveys/invalid.html", kiosk=kiosk, message=str(exc)), 409
        return redirect(url_for("surveys.thanks", kiosk=1 if kiosk else None))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "surveys/answer.html", form=form, kiosk=kiosk, unit_name=_unit_name(survey)
    ), status


def _unit_name(survey) -> str:
    return db.session.get(Unit, survey.unit_id).name


@bp.route("/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def answer(token: str):
    return _answer(token, kiosk=False)


@bp.route("/kiosk/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def kiosk(token: str):
    return _answer(token, kiosk=True)


@bp.get("/thanks")
def thanks():
    return render_template("surveys/thanks.html", kiosk=bool(request.args.get("kiosk")))


# The case page's survey panel is this blueprint's fragment, loaded into the page by htmx (the
# cases blueprint knows only its URL); without JavaScript the case page links to it as a page.
PANEL_FRAGMENTS = {
    "survey-panel": "surveys/_case_panel.html",
    "survey-panel-slot": "surveys/_case_panel.html",
}


def _qr_code(url: str) -> str | None:
    try:
        import segno
    except ImportError:  # the QR code is a nicety; the link always works
        return None
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def _panel_context(case, survey_error: str | None = None) -> dict:
    panel = service.case_panel_state(current_user, case)
    pending = panel.get("pending")
    link = (
        public_links.public_url("surveys.answer", token=pending.token) if pending else None
    )  # KRS_PUBLIC_URL
    return {
        "case": case,
        "sp": panel,
        "survey_link": link,
        "survey_qr": _qr_code(link) if link else None,
        "survey_error": survey_error,
    }


@bp.get("/cases/<int:case_id>/panel")
def case_panel(case_id: int):
    case = access.get_case_or_404(current_user, case_id)
    return render_page_or_fragment("surveys/case_panel.html", PANEL_FRAGMENTS, **_panel_context(case))


@bp.post("/cases/<int:case_id>/invite")
def invite(case_id: int):
    case = access.get_case_or_404(current_user, case_id)
    form = InviteForm()
    error = survey = None
    if not form.validate_on_submit():
        error = _("Sesi formulir kedaluwarsa. Muat ulang halaman lalu coba lagi.")
    else:
        try:
            survey = service.invite(current_user, case, request.form.get("mode", "link"))
        except service.SurveyError as exc:
            error = str(exc)
    if survey is not None and survey.mode == "kiosk":
        # one kiosk flow (issue 15): the button opens the kiosk page at once, no second button
        kiosk = url_for("surveys.kiosk", token=survey.token)
        if request.headers.get("HX-Request"):
            return "", 200, {"HX-Redirect": kiosk}
        return redirect(kiosk)
    if fragment := fragment_for(PANEL_FRAGMENTS):
        return render_template(fragment, **_panel_context(case, error)), (422 if error else 200)
    if error:
        flash(error, "error")
    else:
        flash(_("Survei IKM siap diisi pemohon."), "success")
    return redirect(url_for("cases.detail", case_id=case.id) + "#survey-panel")
