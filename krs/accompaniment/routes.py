"""Construction accompaniment (/accompaniment, issue 19 part 3): the case page's panel (an htmx
fragment, or a page of its own), starting it, the stage visit form (made for a phone, works
without JavaScript), the printed stage report, the home page's overdue visits and the admin
reference data (stages, checklist). Thin: rules live in service.py, access in krs/access.py."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from krs import access
from krs.accompaniment import service
from krs.accompaniment.forms import ItemForm, StageForm, StartForm, visit_form_for
from krs.extensions import db, htmx
from krs.models import AccompanimentCheckItem, AccompanimentStage, CheckMark, User, shown_text
from krs.storage import get_storage
from krs.uploads import UploadError, discard, store_upload
from krs.workdays import today_in

bp = Blueprint("accompaniment", __name__, url_prefix="/accompaniment")


@bp.app_template_filter("acc_text")
def acc_text(value):
    """A stage's or checklist item's stored text in the user's language while still as installed."""
    return shown_text(value)


@bp.app_template_filter("check_mark_label")
def check_mark_label(code):
    return CheckMark(code).label if CheckMark.has(code) else (code or "–")


def _today(case):
    return today_in(case.unit.timezone)


# ---------------------------------------------------------------- the case's accompaniment


def _start_form(case) -> StartForm:
    form = StartForm()
    form.work_kind.choices = [(k, str(v)) for k, v in service.WORK_KINDS.items()]
    if request.method == "GET" or not form.is_submitted():
        form.started_on.data = form.started_on.data or _today(case)
        form.work_kind.data = form.work_kind.data or "renovate"
    form.version.data = form.version.data or case.version
    return form


def _panel_context(case, start_form=None, error=None):
    acc = service.accompaniment_of(case)
    visits = service.visits_of(acc) if acc else []
    all_stages = service.stages()
    today = _today(case)
    may_record = access.can_record_accompaniment(current_user, case)
    return {
        "case": case,
        "acc": acc,
        "visits": visits,
        "stages": all_stages,
        "recorded_ids": {v.stage_id for v in visits},
        "next_stage": service.next_stage([v.stage for v in visits], all_stages) if acc else None,
        "overdue": bool(acc and service.is_overdue(acc, today)),
        "days_late": service.working_days_late(acc, today) if acc else 0,
        "may_record": may_record,
        "start_form": start_form or (_start_form(case) if may_record and acc is None else None),
        "work_kinds": service.WORK_KINDS,
        "error": error,
    }


@bp.get("/cases/<int:case_id>")
def case_panel(case_id: int):
    """The case page loads this with hx-get on load; without htmx it is a page of its own."""
    case = access.get_case_or_404(current_user, case_id)
    context = _panel_context(case)
    if htmx:
        return render_template("accompaniment/_case_panel.html", **context)
    return render_template("accompaniment/case.html", **context)


@bp.post("/cases/<int:case_id>/start")
def start(case_id: int):
    case = access.get_case_or_404(current_user, case_id)
    if not access.can_record_accompaniment(current_user, case):
        abort(404)
    form = _start_form(case)
    if not form.validate_on_submit():
        started = service.accompaniment_of(case) is not None
        error = _("Pendampingan kasus ini sudah dimulai.") if started else None
        return render_template("accompaniment/case.html", **_panel_context(case, form, error)), 422
    try:
        service.start_accompaniment(
            current_user,
            case,
            form.started_on.data,
            form.work_kind.data,
            _today(case),
            form.expected_version(),
        )
    except service.ConflictError as exc:
        db.session.rollback()
        case = access.get_case_or_404(current_user, case_id)
        return render_template("accompaniment/case.html", **_panel_context(case, None, str(exc))), 409
    except service.AccompanimentError as exc:
        db.session.rollback()
        return render_template("accompaniment/case.html", **_panel_context(case, form, str(exc))), 422
    flash(_("Pendampingan pembangunan dimulai. Catat kunjungan tahap pertama."), "success")
    return redirect(url_for("accompaniment.record_visit", case_id=case.id))


def _visit_form(case, acc, visits):
    items = service.check_items()
    form = visit_form_for(items)()
    open_stages = service.stages_open_to_record([v.stage for v in visits], service.stages())
    form.stage_id.choices = [(s.id, shown_text(s.name)) for s in open_stages]
    officers = access.accompaniment_officers(case)
    if not any(u.id == current_user.id for u in officers):
        officers = [current_user, *officers]
    form.officer_id.choices = [(u.id, u.full_name) for u in officers]
    if not form.is_submitted():
        form.visit_date.data = _today(case)
        form.officer_id.data = current_user.id
        form.stage_id.data = open_stages[0].id if open_stages else None
        form.progress_percent.data = open_stages[0].percent if open_stages else None
        form.version.data = case.version
    return form, items


def _visit_page(case, acc, visits, form, items, error=None, status=200):
    return render_template(
        "accompaniment/visit.html",
        case=case,
        acc=acc,
        visits=visits,
        form=form,
        items=items,
        marks=list(CheckMark),
        error=error,
    ), status


@bp.route("/cases/<int:case_id>/visit", methods=["GET", "POST"])
def record_visit(case_id: int):
    """The stage visit form: stage, date, officer, progress, checklist marks, advice, photos."""
    case = access.get_case_or_404(current_user, case_id)
    if not access.can_record_accompaniment(current_user, case):
        abort(404)
    acc = service.accompaniment_of(case)
    if acc is None:  # not started yet: the panel with its start form
        error = _("Mulai pendampingan dulu, lalu catat kunjungan tahap.")
        status = 200 if request.method == "GET" else 422
        return render_template("accompaniment/case.html", **_panel_context(case, None, error)), status
    visits = service.visits_of(acc)
    form, items = _visit_form(case, acc, visits)
    if not form.stage_id.choices:
        flash(_("Semua tahap pendampingan kasus ini sudah tercatat."), "info")
        return redirect(url_for("accompaniment.case_panel", case_id=case.id))
    if request.method == "GET":
        return _visit_page(case, acc, visits, form, items)
    if not form.validate_on_submit():
        return _visit_page(case, acc, visits, form, items, _("Periksa kembali isian yang ditandai."), 422)
    stage = db.session.get(AccompanimentStage, form.stage_id.data)
    officer = db.session.get(User, form.officer_id.data)
    stored = []
    try:
        for upload in form.photos.data or []:
            if upload and getattr(upload, "filename", ""):
                stored.append(
                    store_upload(
                        upload,
                        get_storage(),
                        current_app.config["MAX_UPLOAD_BYTES"],
                        keep_location=current_app.config.get("KRS_KEEP_IMAGE_LOCATION", False),
                    )
                )
        visit = service.record_visit(
            current_user,
            acc,
            service.VisitData(
                stage=stage,
                visit_date=form.visit_date.data,
                officer=officer,
                progress_percent=form.progress_percent.data,
                advice=form.advice.data or "",
                marks={i.id: form[f"mark_{i.id}"].data for i in items},
                photos=stored,
            ),
            _today(case),
            form.expected_version(),
        )
    except UploadError as exc:
        discard(get_storage(), stored)
        form.photos.errors = [str(exc)]
        return _visit_page(case, acc, visits, form, items, str(exc), 422)
    except service.AccompanimentError as exc:
        db.session.rollback()
        discard(get_storage(), stored)  # refused: nothing points at the files
        status = 409 if isinstance(exc, service.ConflictError) else 422
        case = access.get_case_or_404(current_user, case_id)
        acc = service.accompaniment_of(case)
        visits = service.visits_of(acc)
        return _visit_page(case, acc, visits, form, items, str(exc), status)
    flash(_("Kunjungan %(stage)s tercatat.", stage=shown_text(visit.stage.name)), "success")
    return redirect(url_for("accompaniment.case_panel", case_id=case.id))


@bp.get("/visits/<int:visit_id>/report")
def report(visit_id: int):
    """The stage report (laporan tahap pendampingan) on the office letterhead, for the browser to print."""
    visit = access.get_accompaniment_visit_or_404(current_user, visit_id)
    acc = visit.accompaniment
    case = acc.case
    applicant = case.applicant
    return render_template(
        "accompaniment/report.html",
        visit=visit,
        acc=acc,
        case=case,
        unit=case.unit,
        applicant=applicant,
        nik=access.shown_nik(current_user, applicant) if access.can_see_pii(current_user) else "",
        address=access.shown_address(current_user, applicant, case),
        summary=service.checklist_summary(visit.checks),
        photos=[p.attachment for p in visit.photos if access.can_open_attachment(current_user, p.attachment)],
    )


# ---------------------------------------------------------------- the home page's worklist


@bp.get("/overdue")
def overdue():
    """Overdue stage visits: the home page loads this fragment; without htmx a page of its own."""
    today = today_in(current_user.unit.timezone)
    context = {"rows": service.overdue_visits(current_user, today)}
    if htmx:
        return render_template("accompaniment/_overdue.html", **context)
    return render_template("accompaniment/overdue.html", **context)


# ---------------------------------------------------------------- reference data (admin)


@bp.get("/settings")
def settings():
    return render_template(
        "accompaniment/settings.html",
        stages=service.stages(active_only=False),
        items=service.check_items(active_only=False),
    )


def _edit_reference(kind: str, model, form_cls, row_id: int | None):
    row = None
    if row_id is not None:
        row = db.session.get(model, row_id) or abort(404)
    form = form_cls(obj=None if request.method == "POST" else row)
    error = None
    if form.validate_on_submit():
        try:
            service.save_reference(current_user, row, form.data, kind)
        except service.AccompanimentError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            flash(_("Data rujukan pendampingan disimpan."), "success")
            return redirect(url_for("accompaniment.settings"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "accompaniment/reference_form.html", form=form, kind=kind, row=row, error=error
    ), status


@bp.route("/settings/stages/new", methods=["GET", "POST"])
@bp.route("/settings/stages/<int:stage_id>", methods=["GET", "POST"])
def edit_stage(stage_id: int | None = None):
    return _edit_reference("stage", AccompanimentStage, StageForm, stage_id)


@bp.route("/settings/items/new", methods=["GET", "POST"])
@bp.route("/settings/items/<int:item_id>", methods=["GET", "POST"])
def edit_item(item_id: int | None = None):
    return _edit_reference("item", AccompanimentCheckItem, ItemForm, item_id)
