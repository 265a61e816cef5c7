"""Backlog import pages (/imports): thin; the rules live in service.py, access in krs.access."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from krs import access, jobs
from krs.extensions import db
from krs.htmx_views import render_page_or_fragment
from krs.imports import service
from krs.imports.forms import ActionForm, UploadForm, mapping_form, mapping_of
from krs.models import Case, ImportedCase, ImportStatus

bp = Blueprint("imports", __name__, url_prefix="/imports")

RUNNING = (ImportStatus.CHECKING, ImportStatus.IMPORTING)
SHOWN_CASES = 20


@bp.app_template_filter("import_status_label")
def import_status_label(code):
    return ImportStatus(code).label if ImportStatus.has(code) else (code or "–")


def _upload_form() -> UploadForm:
    form = UploadForm()
    form.unit_id.choices = [(u.id, u.name) for u in access.units_for_import(current_user)]
    if request.method == "GET" and current_user.role != "admin":
        form.unit_id.data = current_user.unit_id
    return form


@bp.get("")
def index():
    return render_template(
        "imports/index.html", form=_upload_form(), batches=service.batches_for(current_user)
    )


@bp.post("/upload")
def upload():
    form = _upload_form()
    if not form.validate_on_submit():
        return render_template(
            "imports/index.html", form=form, batches=service.batches_for(current_user)
        ), 422
    unit = next((u for u in access.units_for_import(current_user) if u.id == form.unit_id.data), None)
    try:
        if unit is None:
            raise service.ImportError_(_("Pilih kantor."))
        batch = service.upload(current_user, unit, form.file.data)
    except service.ImportError_ as exc:
        form.file.errors = [str(exc)]
        return render_template(
            "imports/index.html", form=form, batches=service.batches_for(current_user)
        ), 422
    return redirect(url_for("imports.mapping", batch_id=batch.id))


@bp.route("/<int:batch_id>/mapping", methods=["GET", "POST"])
def mapping(batch_id: int):
    batch = access.get_import_or_404(current_user, batch_id, action="write")
    if not service.can_change_mapping(batch):
        return redirect(url_for("imports.detail", batch_id=batch.id))
    form = mapping_form(
        batch.headers or [],
        batch.mapping or {},
        batch.stop_on_problem,
        formdata=request.form if request.method == "POST" else None,
    )
    if request.method == "POST" and form.validate():
        try:
            service.start_check(current_user, batch, mapping_of(form), form.on_problem.data == "stop")
        except service.ImportError_ as exc:
            flash(str(exc), "error")
        else:
            return redirect(url_for("imports.detail", batch_id=batch.id))
    status = 422 if request.method == "POST" else 200
    return render_template("imports/mapping.html", batch=batch, form=form, targets=service.TARGETS), status


def _detail_context(batch) -> dict:
    job = service.job_of(batch)
    done, total, percent = jobs.progress_of(job) if job is not None else (0, None, 0)
    cases = []
    if batch.status == ImportStatus.IMPORTED:
        cases = db.session.execute(
            select(Case.id, Case.number)
            .join(ImportedCase, ImportedCase.case_id == Case.id)
            .where(ImportedCase.batch_id == batch.id)
            .order_by(Case.id)
            .limit(SHOWN_CASES)
        ).all()
    return {
        "batch": batch,
        "running": batch.status in RUNNING,
        "done": done,
        "total": total,
        "percent": percent,
        "counts": service.problem_counts(batch),
        "labels": service.problem_labels(),
        "cases": cases,
        "form": ActionForm(),
        "may_confirm": batch.status == ImportStatus.CHECKED
        and access.can_import_backlog(current_user, batch.unit_id)
        and bool(batch.ok_rows)
        and not (batch.stop_on_problem and batch.problem_rows),
        "may_remap": service.can_change_mapping(batch)
        and access.can_import_backlog(current_user, batch.unit_id),
        "may_undo": batch.status == ImportStatus.IMPORTED and access.can_undo_import(current_user, batch),
    }


@bp.get("/<int:batch_id>")
def detail(batch_id: int):
    """The import's state: progress while a job runs (polled by htmx every second, or a page that
    refreshes itself without JavaScript), then the dry run's report, the confirmation, the result."""
    batch = access.get_import_or_404(current_user, batch_id)
    return render_page_or_fragment(
        "imports/detail.html", {"import-status": "imports/_status.html"}, **_detail_context(batch)
    )


@bp.post("/<int:batch_id>/confirm")
def confirm(batch_id: int):
    batch = access.get_import_or_404(current_user, batch_id, action="write")
    form = ActionForm()
    if form.validate_on_submit():
        try:
            service.start_import(current_user, batch)
        except service.ImportError_ as exc:
            flash(str(exc), "error")
    return redirect(url_for("imports.detail", batch_id=batch.id))


@bp.post("/<int:batch_id>/undo")
def undo(batch_id: int):
    batch = access.get_import_or_404(current_user, batch_id, action="undo")
    form = ActionForm()
    if form.validate_on_submit():
        try:
            result = service.undo(current_user, batch)
        except service.ImportError_ as exc:
            flash(str(exc), "error")
        else:
            flash(
                _(
                    "Impor dibatalkan: %(cases)s kasus dan %(people)s pemohon dihapus.",
                    cases=result.cases,
                    people=result.applicants,
                ),
                "success",
            )
    return redirect(url_for("imports.detail", batch_id=batch.id))
