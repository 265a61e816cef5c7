"""Intern logbook routes: thin — parse, load through krs.access, call krs.worklog.service, render
the page or the htmx fragment (the page includes the same partial)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from krs import access
from krs.extensions import db
from krs.formats import fmt_date
from krs.htmx_views import fragment_for, render_page_or_fragment
from krs.models import Placement, Role, Unit, User, WeekStatus, WorkCategory
from krs.pagination import id_or_none
from krs.workdays import today_in
from krs.worklog import exports, service
from krs.worklog.forms import EntryForm, FollowUpEntryForm, PlacementForm, ReviewForm, SubmitWeekForm

bp = Blueprint("worklog", __name__, url_prefix="/worklog")


def _week_from_request(intern) -> date:
    raw = request.values.get("week", "")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = service.today_for(intern)
    return service.week_start_of(day)


def _first_error(form) -> str:
    for errors in form.errors.values():
        if errors:
            return str(errors[0])
    return _("Periksa kembali isian formulir.")


# ---------------------------------------------------------------- logbook of one intern


def _entry_form(intern, week_start: date, form: EntryForm | None = None) -> EntryForm:
    if form is None:
        form = EntryForm(formdata=None)
        today = service.today_for(intern)
        form.work_date.data = today if service.week_start_of(today) == week_start else week_start
    form.case_ids.choices = [(c.id, f"{c.number} — {c.applicant.name}") for c in service.case_choices(intern)]
    return form


def _logbook_context(intern, week_start: date, form=None, error=None, notice=None, warning=None) -> dict:
    week = service.week_of(intern, week_start)
    entries = service.entries_of_week(current_user, intern, week_start)
    may_write = access.can_write_logbook(current_user, intern) and not (week and week.locked)
    return {
        "intern": intern,
        "week_start": week_start,
        "week_days": service.week_days(week_start),
        "prev_week": week_start - timedelta(days=7),
        "next_week": week_start + timedelta(days=7),
        "week": week,
        "entries": entries,
        "week_minutes": sum(e.minutes for e in entries),
        "week_field_visits": sum(1 for e in entries if e.category == WorkCategory.FIELD_VISIT),
        "overlaps": service.overlapping_ids(entries),
        "may_write": may_write,
        "may_review": bool(
            week and week.status == WeekStatus.SUBMITTED and access.can_review_logbook(current_user, intern)
        ),
        "form": _entry_form(intern, week_start, form) if may_write else None,
        "submit_form": SubmitWeekForm(formdata=None, week_start=week_start),
        "review_form": ReviewForm(formdata=None),
        "error": error,
        "notice": notice,
        "warning": warning,
        "hours": service.hours,
        "categories": list(WorkCategory),
        "today": service.today_for(intern),
    }


LOGBOOK_FRAGMENTS = {"week-panel": "worklog/_week.html", "totals": "worklog/_totals.html"}


def _render_logbook(intern, week_start: date, status: int = 200, **kw):
    context = _logbook_context(intern, week_start, **kw)
    if fragment_for(LOGBOOK_FRAGMENTS) != "worklog/_week.html":  # the week panel shows no totals
        context["totals"] = service.intern_totals(current_user, intern)
        context["placements"] = service.placements_of(intern)
        context["figures"] = service.logbook_figures(current_user, intern, service.current_placement(intern))
    return render_page_or_fragment("worklog/logbook.html", LOGBOOK_FRAGMENTS, **context), status


@bp.get("")
def index():
    if current_user.role == Role.INTERN:
        return _render_logbook(current_user, _week_from_request(current_user))
    units = access.units_visible_to(current_user) if access.is_national(current_user) else []
    unit_id = id_or_none(request.args.get("unit", "")) or None
    if unit_id and unit_id not in {u.id for u in units}:
        unit_id = None
    context = {
        "queue": service.review_queue(current_user),
        "rows": service.unit_totals(current_user, unit_id),
        "units": units,
        "unit_id": unit_id,
        "categories": list(WorkCategory),
        "hours": service.hours,
        "review_form": ReviewForm(formdata=None),
        "may_review": access.can_review_logbook(current_user),
        "shows_unit_column": access.is_national(current_user),
    }
    return render_page_or_fragment(
        "worklog/overview.html", {"review-queue": "worklog/_queue.html"}, **context
    )


@bp.get("/interns/<int:user_id>")
def intern_logbook(user_id: int):
    intern = access.get_intern_or_404(current_user, user_id)
    return _render_logbook(intern, _week_from_request(intern))


def _after_week_change(week_start: date, message: str, warning: str | None = None):
    if fragment_for(LOGBOOK_FRAGMENTS):
        # the week panel is the answer; the totals beside it refresh themselves on this event
        resp = current_app.make_response(
            _render_logbook(current_user, week_start, notice=message, warning=warning)
        )
        resp.headers["HX-Trigger"] = "worklogChanged"
        return resp
    flash(message, "success")
    if warning:
        flash(warning, "warning")
    return redirect(url_for("worklog.index", week=week_start.isoformat()))


def _week_refused(week_start: date, message: str, form=None):
    if fragment_for(LOGBOOK_FRAGMENTS):
        return _render_logbook(current_user, week_start, 422, form=form, error=message)
    if form is not None:
        return _render_logbook(current_user, week_start, 422, form=form, error=message)
    flash(message, "error")
    return redirect(url_for("worklog.index", week=week_start.isoformat()))


@bp.post("/entries")
def add_entry():
    week_start = _week_from_request(current_user)
    form = _entry_form(current_user, week_start, EntryForm())
    if not form.validate_on_submit():
        return _week_refused(week_start, _first_error(form), form)
    week_start = service.week_start_of(form.work_date.data)
    try:
        entry = service.add_entry(current_user, form.entry_data())
    except service.WorklogError as exc:
        return _week_refused(week_start, str(exc), form)
    return _after_week_change(week_start, _("Kegiatan tercatat."), service.overlap_warning(entry))


@bp.route("/entries/<int:entry_id>", methods=["GET", "POST"])
def edit_entry(entry_id: int):
    entry = access.get_worklog_entry_or_404(current_user, entry_id, action="write")
    form_cls = FollowUpEntryForm if entry.is_generated else EntryForm
    form = form_cls(obj=entry) if request.method == "GET" else form_cls()
    if request.method == "GET":
        form.case_ids.data = [c.id for c in entry.cases]
    form.case_ids.choices = [
        (c.id, f"{c.number} — {c.applicant.name}") for c in service.case_choices(current_user)
    ]
    error = None
    if form.validate_on_submit():
        try:
            service.update_entry(current_user, entry, form.entry_data())
        except service.WorklogError as exc:
            error = str(exc)
        else:
            flash(_("Kegiatan diperbarui."), "success")
            if warning := service.overlap_warning(entry):
                flash(warning, "warning")
            return redirect(url_for("worklog.index", week=entry.week_start.isoformat()))
    elif request.method == "POST":
        error = _first_error(form)
    locked = service.week_is_locked(current_user, entry.work_date)
    status = 422 if error else 200
    return render_template("worklog/entry.html", entry=entry, form=form, error=error, locked=locked), status


@bp.post("/entries/<int:entry_id>/delete")
def delete_entry(entry_id: int):
    entry = access.get_worklog_entry_or_404(current_user, entry_id, action="write")
    week_start = entry.week_start
    try:
        service.delete_entry(current_user, entry)
    except service.WorklogError as exc:
        return _week_refused(week_start, str(exc))
    return _after_week_change(week_start, _("Kegiatan dihapus."))


@bp.post("/weeks/submit")
def submit_week():
    form = SubmitWeekForm()
    if not form.validate_on_submit():
        return _week_refused(service.week_start_of(service.today_for(current_user)), _first_error(form))
    week_start = service.week_start_of(form.week_start.data)
    try:
        service.submit_week(current_user, week_start)
    except service.WorklogError as exc:
        return _week_refused(week_start, str(exc))
    return _after_week_change(week_start, _("Minggu ini diajukan kepada supervisor untuk diperiksa."))


# ---------------------------------------------------------------- review


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("worklog.index")


@bp.post("/weeks/<int:week_id>/review")
def review_week(week_id: int):
    week = access.get_work_week_or_404(current_user, week_id, action="review")
    form = ReviewForm()
    error = None
    message = None
    if not form.validate_on_submit():
        error = _first_error(form)
    else:
        try:
            if form.decision.data == "approve":
                service.approve_week(current_user, week)
                message = _(
                    "Minggu %(d)s milik %(name)s disetujui.",
                    d=_fmt(week.week_start),
                    name=week.intern.full_name,
                )
            else:
                service.return_week(current_user, week, form.comment.data or "")
                message = _(
                    "Minggu dikembalikan kepada %(name)s untuk diperbaiki.", name=week.intern.full_name
                )
        except service.WorklogError as exc:
            error = str(exc)
    if fragment_for({"queue-week-*": "worklog/_queue_row.html"}):
        week.total_minutes = service.minutes_by_week([week.id]).get(week.id, 0)
        week.overlaps = service.overlaps_by_week([week]).get(week.id, 0)
        html = render_template(
            "worklog/_queue_row.html",
            w=week,
            review_form=ReviewForm(formdata=None),
            hours=service.hours,
            error=error,
            notice=message,
            shows_unit_column=access.is_national(current_user),
        )
        return html, 422 if error else 200
    flash(error or message, "error" if error else "success")
    return redirect(_safe_next(form.next.data))


def _fmt(day: date) -> str:
    return fmt_date(day)


# ---------------------------------------------------------------- placements


@bp.get("/placements")
def placements():
    rows = list(
        db.session.scalars(
            access.placements_visible_to(current_user).order_by(
                Placement.end_date.desc(), Placement.id.desc()
            )
        )
    )
    return render_template(
        "worklog/placements.html",
        placements=rows,
        today=service.today_for(current_user),
        may_manage=access.can_manage_placement(current_user),
    )


def _placement_form(form: PlacementForm) -> PlacementForm:
    interns = list(
        db.session.scalars(
            access.interns_visible_to(current_user)
            .join(Unit, Unit.id == User.unit_id)
            .order_by(Unit.name, User.full_name)
        )
    )
    form.user_id.choices = [(u.id, f"{u.full_name} ({u.username}, {u.unit.code})") for u in interns]
    form.field_supervisor_id.choices = [
        (u.id, f"{u.full_name} ({u.unit.code})") for u in access.field_supervisors_for(current_user)
    ]
    return form


def _save_placement(placement=None):
    if placement is None:
        form = _placement_form(PlacementForm())
    else:
        form = _placement_form(PlacementForm(obj=placement) if request.method == "GET" else PlacementForm())
    error = None
    if form.validate_on_submit():
        try:
            saved = service.save_placement(current_user, form.placement_data(), placement)
        except service.WorklogError as exc:
            error = str(exc)
        else:
            flash(_("Penempatan magang %(name)s disimpan.", name=saved.intern.full_name), "success")
            return redirect(url_for("worklog.placements"))
    elif request.method == "POST":
        error = _first_error(form)
    status = 422 if error else 200
    return render_template("worklog/placement_form.html", form=form, placement=placement, error=error), status


@bp.route("/placements/new", methods=["GET", "POST"])
def new_placement():
    return _save_placement()


@bp.route("/placements/<int:placement_id>/edit", methods=["GET", "POST"])
def edit_placement(placement_id: int):
    placement = access.get_placement_or_404(current_user, placement_id, action="manage_placement")
    return _save_placement(placement)


@bp.get("/placements/<int:placement_id>/print")
def print_logbook(placement_id: int):
    placement = access.get_placement_or_404(current_user, placement_id)
    book = service.printable_logbook(current_user, placement)
    return render_template(
        "worklog/print.html",
        book=book,
        p=placement,
        hours=service.hours,
        categories=list(WorkCategory),
        signed_on=today_in(placement.unit.timezone),  # place and date of the signature (issue 16)
    )


@bp.get("/placements/<int:placement_id>/logbook.xlsx")
def export_logbook(placement_id: int):
    placement = access.get_placement_or_404(current_user, placement_id)
    book = service.printable_logbook(current_user, placement)
    data = exports.logbook_xlsx(book)
    name = f"logbook-{placement.intern.username}-{placement.start_date:%Y%m%d}.xlsx"
    resp = current_app.response_class(
        data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp
