"""Referrals (/referrals): the case panel (an htmx fragment the case page loads), writing a
referral, recording the agency's answer, the letter (surat pengantar), the list waiting for an
answer, the dashboard tile and the admin list of agencies. Thin: rules live in service.py."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from krs import access
from krs.extensions import db, htmx
from krs.models import Agency, AgencyKind, PreCheck, ReferralAnswer, User
from krs.referrals import service
from krs.referrals.forms import AgencyForm, AnswerForm, ReferralForm
from krs.workdays import today_in

bp = Blueprint("referrals", __name__, url_prefix="/referrals")


def _today(unit=None) -> date:
    return today_in((unit or current_user.unit).timezone)


@bp.app_template_filter("programme_label")
def programme_label(code):
    return service.programme_label(code)


@bp.app_template_filter("answer_label")
def answer_label(code):
    return ReferralAnswer(code).label if ReferralAnswer.has(code) else (code or "–")


@bp.app_template_filter("agency_kind_label")
def agency_kind_label(code):
    return AgencyKind(code).label if AgencyKind.has(code) else (code or "–")


# ---------------------------------------------------------------- waiting for an answer


@bp.get("")
def waiting():
    today = _today()
    overdue_only = request.args.get("overdue") == "1"
    context = {
        "rows": service.waiting_referrals(current_user, today, overdue_only),
        "overdue_only": overdue_only,
        "answer_days": service.answer_days(),
    }
    if htmx and htmx.target == "referral-rows":
        return render_template("referrals/_waiting_rows.html", **context)
    return render_template("referrals/waiting.html", **context)


# ---------------------------------------------------------------- a case's referrals


def _panel_context(case):
    today = _today(case.unit)
    referrals = service.referrals_of_case(current_user, case)
    return {
        "case": case,
        "referrals": referrals,
        "overdue": {r.id for r in referrals if service.is_overdue(r, today)},
        "may_write": access.can_write_referral(current_user, case),
    }


@bp.get("/cases/<int:case_id>")
def case_panel(case_id: int):
    """The case page loads this with hx-get on load; without htmx it is a page of its own."""
    case = access.get_case_or_404(current_user, case_id)
    context = _panel_context(case)
    if htmx:
        return render_template("referrals/_case_panel.html", **context)
    return render_template("referrals/case.html", **context)


def _referral_form(case) -> ReferralForm:
    form = ReferralForm()
    form.agency_id.choices = service.agency_choices(case)
    form.programme.choices = service.programme_choices()
    signers = access.referral_signers(case)
    form.signer_id.choices = [
        (u.id, f"{u.full_name}{' — ' + u.position if u.position else ''}") for u in signers
    ]
    if request.method == "GET":
        form.letter_date.data = _today(case.unit)
        if request.args.get("programme") in dict(form.programme.choices):
            form.programme.data = request.args["programme"]
        if any(u.id == current_user.id for u in signers):
            form.signer_id.data = current_user.id
        else:
            supervisor = next((u for u in signers if u.role == "supervisor"), None)
            form.signer_id.data = supervisor.id if supervisor else None
    return form


@bp.route("/cases/<int:case_id>/new", methods=["GET", "POST"])
def new_referral(case_id: int):
    case = access.get_case_or_404(current_user, case_id)
    if not access.can_write_referral(current_user, case):
        abort(403)
    form = _referral_form(case)
    precheck = _precheck_of(case)
    error = None
    if form.validate_on_submit():
        agency = db.session.get(Agency, form.agency_id.data)
        signer = db.session.get(User, form.signer_id.data)
        if form.letter_date.data > _today(case.unit):
            form.letter_date.errors = [_("Tanggal surat tidak boleh di masa depan.")]
        else:
            try:
                referral = service.create_referral(
                    current_user,
                    case,
                    service.ReferralData(
                        agency=agency,
                        programme=form.programme.data,
                        letter_date=form.letter_date.data,
                        purpose=form.purpose.data,
                        signer=signer,
                        next_step=form.next_step.data,
                        precheck_id=precheck.id if precheck else None,
                    ),
                )
            except service.ReferralError as exc:
                db.session.rollback()
                error = str(exc)
            else:
                flash(_("Rujukan tercatat dengan nomor surat %(n)s.", n=referral.letter_number), "success")
                return redirect(url_for("referrals.detail", referral_id=referral.id))
    status = 422 if request.method == "POST" else 200
    return render_template("referrals/new.html", form=form, case=case, error=error, precheck=precheck), status


def _precheck_of(case):
    """Issue 19: the programme pre-check a referral is written from (`precheck_id`), of this case."""
    raw = request.values.get("precheck_id", "")
    if not (raw.isascii() and raw.isdigit()):
        return None
    precheck = db.session.get(PreCheck, int(raw))
    return precheck if precheck is not None and precheck.case_id == case.id else None


# ---------------------------------------------------------------- one referral


def _answer_form(referral) -> AnswerForm:
    form = AnswerForm()
    if request.method == "GET":
        form.answer_code.data = referral.answer_code
        form.answer_text.data = referral.answer_text
        form.answer_date.data = referral.answer_date or _today(referral.unit)
        form.next_step.data = referral.next_step
    return form


def _detail(referral, form=None, error=None, status=200):
    today = _today(referral.unit)
    return render_template(
        "referrals/detail.html",
        referral=referral,
        case=referral.case,
        form=form or _answer_form(referral),
        may_write=access.can_write_referral(current_user, referral.case),
        overdue=service.is_overdue(referral, today),
        error=error,
    ), status


@bp.get("/<int:referral_id>")
def detail(referral_id: int):
    return _detail(access.get_referral_or_404(current_user, referral_id))


@bp.post("/<int:referral_id>/answer")
def answer(referral_id: int):
    referral = access.get_referral_or_404(current_user, referral_id, action="write")
    form = _answer_form(referral)
    if not form.validate_on_submit():
        return _detail(referral, form, _("Periksa kembali isian jawaban."), 422)
    try:
        service.answer_referral(
            current_user,
            referral,
            form.answer_code.data,
            form.answer_text.data,
            form.answer_date.data,
            form.next_step.data,
        )
    except service.ReferralError as exc:
        db.session.rollback()
        return _detail(referral, form, str(exc), 422)
    flash(_("Jawaban lembaga tercatat."), "success")
    return redirect(url_for("referrals.detail", referral_id=referral.id))


@bp.get("/<int:referral_id>/letter")
def letter(referral_id: int):
    """The referral letter (surat pengantar) on the office letterhead, ready for the browser to print."""
    referral = access.get_referral_or_404(current_user, referral_id, action="write")
    case = referral.case
    return render_template(
        "referrals/letter.html",
        referral=referral,
        case=case,
        unit=referral.unit,
        nik=access.shown_nik(current_user, case.applicant),
        address=access.shown_address(current_user, case.applicant),
    )


# ---------------------------------------------------------------- dashboard tile


def _period(today: date) -> tuple[date, date]:
    try:
        start = date.fromisoformat(request.args.get("start", ""))
    except ValueError:
        start = date(today.year, 1, 1)
    try:
        end = date.fromisoformat(request.args.get("end", ""))
    except ValueError:
        end = today
    return (start, end) if start <= end else (end, start)


@bp.get("/tile")
def tile():
    """Referrals by programme and answer for the reports page (loaded there with htmx)."""
    units = access.report_units_chosen(current_user, request.args.getlist("unit"))
    start, end = _period(_today())
    context = {
        "rows": service.counts_by_programme([u.id for u in units], start, end),
        "answers": list(ReferralAnswer),
        "start": start,
        "end": end,
    }
    if htmx:
        return render_template("referrals/_tile.html", **context)
    return render_template("referrals/tile_page.html", **context)


# ---------------------------------------------------------------- agencies (admin)


@bp.route("/agencies", methods=["GET", "POST"])
def agencies():
    form = AgencyForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                saved = service.save_agency(current_user, None, form.data)
            except service.ReferralError as exc:
                db.session.rollback()
                form.name.errors = [*form.name.errors, str(exc)]
            else:
                flash(_("Lembaga %(name)s ditambahkan.", name=saved.name), "success")
                return redirect(url_for("referrals.agencies"))
    status = 422 if form.errors else 200
    return render_template("referrals/agencies.html", form=form, agencies=service.agencies()), status


@bp.route("/agencies/<int:agency_id>", methods=["GET", "POST"])
def edit_agency(agency_id: int):
    agency = db.session.get(Agency, agency_id) or abort(404)
    form = AgencyForm(obj=None if request.method == "POST" else agency)
    if form.validate_on_submit():
        try:
            service.save_agency(current_user, agency, form.data)
        except service.ReferralError as exc:
            db.session.rollback()
            form.name.errors = [*form.name.errors, str(exc)]
        else:
            flash(_("Lembaga %(name)s disimpan.", name=agency.name), "success")
            return redirect(url_for("referrals.agencies"))
    status = 422 if request.method == "POST" else 200
    return render_template("referrals/agency_form.html", form=form, agency=agency), status
