"""Assessments (/assessments): the case panel (an htmx fragment the case page loads), the phone
form of a livability assessment (RTLH) with photos per component, one assessment (before/after
beside each other for a re-assessment), the programme pre-check and the admin criteria pages.
Thin: rules live in service.py."""

from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from krs import access
from krs.assessments import service
from krs.assessments.forms import (
    AssessmentForm,
    CriteriaVersionForm,
    PreCheckForm,
    ProgrammeCriterionForm,
)
from krs.extensions import db
from krs.htmx_views import htmx_target
from krs.models import (
    Component,
    CriterionRule,
    HealthItem,
    PreCheckResult,
    ProgrammeCriterion,
    Rating,
    Verdict,
)
from krs.storage import get_storage
from krs.uploads import UploadError, discard, store_upload
from krs.workdays import today_in

bp = Blueprint("assessments", __name__, url_prefix="/assessments")

MAX_PHOTOS = 4  # per component and visit
DESK_RULES = (CriterionRule.HOUSE_OWNED_LIVED, CriterionRule.NO_EARLIER_AID, CriterionRule.DESK_YES)


def _today(unit=None) -> date:
    return today_in((unit or current_user.unit).timezone)


def _programmes() -> list[tuple[str, str]]:
    return [tuple(p) for p in current_app.config["KRS_REFERRAL_PROGRAMMES"]]


@bp.app_template_filter("rating_label")
def rating_label(code):
    return Rating(code).label if Rating.has(code) else (code or "–")


@bp.app_template_filter("verdict_label")
def verdict_label(code):
    return Verdict(code).label if Verdict.has(code) else (code or "–")


@bp.app_template_filter("precheck_label")
def precheck_label(code):
    return PreCheckResult(code).label if PreCheckResult.has(code) else (code or "–")


@bp.app_template_filter("verdict_class")
def verdict_class(code):
    """Badge colours of the app's stylesheet: red for not livable, green for livable."""
    return "badge-overdue" if code == Verdict.NOT_LIVABLE else "badge-on-time"


@bp.app_template_filter("precheck_class")
def precheck_class(code):
    return {
        PreCheckResult.LIKELY: "badge-on-time",
        PreCheckResult.NOT_MET: "badge-referral-rejected",
    }.get(code, "badge-referral-pending")


@bp.app_template_filter("health_label")
def health_label(code):
    return HealthItem(code).label if HealthItem.has(code) else (code or "–")


@bp.app_template_filter("criterion_rule_label")
def criterion_rule_label(code):
    return CriterionRule(code).label if CriterionRule.has(code) else (code or "–")


# ---------------------------------------------------------------- the case page's panel


@bp.get("/cases/<int:case_id>")
def case_panel(case_id: int):
    """Loaded by the case page with hx-get; without htmx it is a page of its own."""
    case = access.get_case_or_404(current_user, case_id)
    context = {
        "case": case,
        "assessments": service.assessments_of_case(current_user, case),
        "prechecks": service.prechecks_of_case(current_user, case),
        "may_assess": access.can_assess_case(current_user, case) and case.is_open,
    }
    if htmx_target() == "assessment-panel":
        return render_template("assessments/_case_panel.html", **context)
    return render_template("assessments/case.html", **context)


# ---------------------------------------------------------------- a livability assessment


def _assessment_form(case) -> AssessmentForm:
    form = AssessmentForm()
    if request.method == "GET":
        form.version.data = str(case.version)
        form.assessed_on.data = _today(case.unit)
        form.floor_area_m2.data = case.floor_area_m2
        form.occupants.data = case.occupants or case.applicant.household_size
    return form


def _store_photos(form: AssessmentForm, photos: dict, stored_all: list) -> None:
    """One or more photos per component (krs/uploads.py: sniffed, EXIF stripped, stored)."""
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    for c in Component:
        for upload in request.files.getlist(form.photo_name(c.value))[:MAX_PHOTOS]:
            if upload.filename:
                one = store_upload(upload, get_storage(), limit)
                stored_all.append(one)
                photos.setdefault(c.value, []).append(one)


@bp.route("/cases/<int:case_id>/new", methods=["GET", "POST"])
def new_assessment(case_id: int):
    case = access.get_case_or_404(current_user, case_id, action="assess")
    form = _assessment_form(case)
    error = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            if form.assessed_on.data > _today(case.unit):
                form.assessed_on.errors = [_("Tanggal kunjungan tidak boleh di masa depan.")]
            else:
                stored_all = []
                photos = {}
                try:
                    _store_photos(form, photos, stored_all)
                    assessment = service.record_assessment(
                        current_user,
                        case,
                        service.AssessmentData(
                            assessed_on=form.assessed_on.data,
                            ratings=form.ratings(),
                            floor_area_m2=form.floor_area_m2.data,
                            occupants=form.occupants.data,
                            health=form.health(),
                            note=form.note.data,
                            photos=photos,
                        ),
                        form.expected_version(),
                    )
                except UploadError as exc:
                    discard(get_storage(), stored_all)
                    error = str(exc)
                except service.AssessmentError as exc:
                    db.session.rollback()
                    discard(get_storage(), stored_all)
                    error = str(exc)
                    if isinstance(exc, service.ConflictError):
                        status = 409
                else:
                    flash(_("Penilaian tersimpan: %(v)s.", v=Verdict(assessment.verdict).label), "success")
                    return redirect(url_for("assessments.detail", assessment_id=assessment.id))
        else:
            error = _("Periksa kembali isian yang ditandai.")
    criteria = service.criteria_for(form.assessed_on.data or _today(case.unit))
    return render_template(
        "assessments/new.html",
        form=form,
        case=case,
        error=error,
        criteria=criteria,
        structural=Component.structural(),
        non_structural=Component.non_structural(),
        health_items=list(HealthItem),
        previous=service.latest_assessment(case),
    ), status


@bp.get("/<int:assessment_id>")
def detail(assessment_id: int):
    assessment = access.get_assessment_or_404(current_user, assessment_id)
    return render_template(
        "assessments/detail.html",
        assessment=assessment,
        case=assessment.case,
        before=assessment.previous,
        comparison=service.comparison(assessment),
        components=list(Component),
        health_items=list(HealthItem),
        may_assess=access.can_assess_case(current_user, assessment.case) and assessment.case.is_open,
    )


# ---------------------------------------------------------------- programme pre-check


@bp.route("/cases/<int:case_id>/precheck", methods=["GET", "POST"])
def new_precheck(case_id: int):
    """GET ?programme= shows that programme's criteria in force today (a small GET form picks it);
    POST checks and saves."""
    case = access.get_case_or_404(current_user, case_id, action="assess")
    today = _today(case.unit)
    available = service.programmes_with_criteria(today)
    labels = dict(_programmes())
    form = PreCheckForm()
    form.programme.choices = [(p, labels.get(p, p)) for p in available]
    programme = request.values.get("programme") or ""
    if programme not in available:
        programme = available[0] if available else ""
    criteria = service.criteria_of_programme(programme, today) if programme else []
    desk = [c for c in criteria if c.rule in DESK_RULES]
    if request.method == "GET":
        form.version.data = str(case.version)
        form.programme.data = programme
    error = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            answers = {str(c.id): request.form.get(f"q{c.id}", "unknown") for c in desk}
            answers["married"] = form.married.data or "unknown"
            try:
                precheck = service.record_precheck(
                    current_user, case, form.programme.data, answers, today, form.expected_version()
                )
            except service.AssessmentError as exc:
                db.session.rollback()
                error = str(exc)
                if isinstance(exc, service.ConflictError):
                    status = 409
            else:
                flash(_("Pra-periksa tersimpan: %(r)s.", r=PreCheckResult(precheck.result).label), "success")
                return redirect(url_for("assessments.precheck_detail", precheck_id=precheck.id))
        else:
            error = _("Periksa kembali isian yang ditandai.")
    facts, latest = service.facts_of_case(case)
    return render_template(
        "assessments/precheck_new.html",
        form=form,
        case=case,
        programme=programme,
        criteria=criteria,
        desk=desk,
        answers={str(c.id): request.form.get(f"q{c.id}", "unknown") for c in desk},
        facts=facts,
        latest=latest,
        show_income=access.can_see_pii(current_user),
        programme_label=labels.get(programme, programme),
        error=error,
    ), status


@bp.get("/prechecks/<int:precheck_id>")
def precheck_detail(precheck_id: int):
    precheck = access.get_precheck_or_404(current_user, precheck_id)
    return render_template(
        "assessments/precheck_detail.html",
        precheck=precheck,
        case=precheck.case,
        programme_label=dict(_programmes()).get(precheck.programme, precheck.programme),
        may_refer=precheck.qualifies and access.can_write_referral(current_user, precheck.case),
    )


# ---------------------------------------------------------------- criteria (admin reference data)


@bp.route("/criteria", methods=["GET", "POST"])
def criteria():
    form = CriteriaVersionForm()
    error = None
    current = service.criteria_for(date.max)
    if request.method == "GET":
        form.min_area_per_person.data = current.min_area_per_person if current else None
        form.structural_fail_from.data = service.DEFAULT_RTLH_RULES["structural_fail_from"]
        form.health_required.data = list(service.DEFAULT_RTLH_RULES["health_required"])
    if form.validate_on_submit():
        try:
            row = service.add_criteria_version(
                current_user,
                form.version.data,
                form.source.data,
                form.valid_from.data,
                {
                    "min_area_per_person": form.min_area_per_person.data,
                    "structural_fail_from": form.structural_fail_from.data,
                    "non_structural_fail_from": form.non_structural_fail_from.data or None,
                    "health_required": form.health_required.data or [],
                },
                form.note.data or None,
            )
        except service.AssessmentError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            flash(_("Versi kriteria %(v)s ditambahkan.", v=row.version), "success")
            return redirect(url_for("assessments.criteria"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "assessments/criteria.html", form=form, versions=service.criteria_versions(), error=error
    ), status


def _criterion_form(criterion: ProgrammeCriterion | None) -> ProgrammeCriterionForm:
    form = ProgrammeCriterionForm(obj=criterion if request.method == "GET" else None)
    form.programme.choices = _programmes()
    if request.method == "GET" and criterion is not None:
        form.params.data = (
            json.dumps(criterion.params, ensure_ascii=False, indent=1) if criterion.params else ""
        )
    return form


def _save_criterion(form: ProgrammeCriterionForm, criterion: ProgrammeCriterion | None):
    try:
        params = json.loads(form.params.data) if (form.params.data or "").strip() else None
    except ValueError:
        form.params.errors = [*form.params.errors, _("Parameter bukan JSON yang sah.")]
        return None
    if params is not None and not isinstance(params, dict):
        form.params.errors = [*form.params.errors, _("Parameter harus objek JSON {…}.")]
        return None
    data = {**form.data, "params": params}
    try:
        return service.save_programme_criterion(current_user, criterion, data)
    except service.AssessmentError as exc:
        db.session.rollback()
        form.valid_to.errors = [*form.valid_to.errors, str(exc)]
        return None


@bp.route("/programme-criteria", methods=["GET", "POST"])
def programme_criteria():
    form = _criterion_form(None)
    if form.validate_on_submit() and _save_criterion(form, None) is not None:
        flash(_("Kriteria program ditambahkan."), "success")
        return redirect(url_for("assessments.programme_criteria"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "assessments/programme_criteria.html",
        form=form,
        rows=service.programme_criteria(),
        labels=dict(_programmes()),
        today=_today(),
    ), status


@bp.route("/programme-criteria/<int:criterion_id>", methods=["GET", "POST"])
def edit_programme_criterion(criterion_id: int):
    criterion = db.session.get(ProgrammeCriterion, criterion_id) or abort(404)
    form = _criterion_form(criterion)
    if form.validate_on_submit() and _save_criterion(form, criterion) is not None:
        flash(_("Kriteria program disimpan."), "success")
        return redirect(url_for("assessments.programme_criteria"))
    status = 422 if request.method == "POST" else 200
    return render_template("assessments/criterion_form.html", form=form, criterion=criterion), status
