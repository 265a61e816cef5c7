"""Dashboards, national ranking, exports, service levels and targets. Thin: figures come from service.py."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from krs import access, case_lists, jobs
from krs.extensions import htmx
from krs.htmx_views import fragment_for
from krs.ikm import ELEMENTS
from krs.models import CaseStatus, Channel, JobStatus, Outcome, ServiceType
from krs.reports import accompaniment, assessments, exports, service
from krs.reports import rab as rab_reports
from krs.reports.forms import ServiceLevelForm, TargetForm
from krs.service_levels import level_rows, set_service_level
from krs.storage import get_storage
from krs.workdays import today_in

bp = Blueprint("reports", __name__, url_prefix="/reports")

TILES = (
    "volume",
    "people",
    "backlog",
    "mix",
    "timeliness",
    "outcomes",
    "ikm",
    "targets",
    "usage",
    "rab",
    "accompaniment",
    "assessments",
)


def _today() -> date:
    return today_in(current_user.unit.timezone)


def _selection():
    """The units and period asked for in the query string, narrowed to what the user may see."""
    units = access.report_units_chosen(current_user, request.args.getlist("unit"))
    period = service.parse_period(request.args.get("start"), request.args.get("end"), _today())
    return units, period


def _query_args(units, period, all_units) -> dict:
    args = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    if len(units) != len(all_units):
        args["unit"] = [u.id for u in units]
    return args


def _tile_context(name: str, units, period, rep=None):
    """One tile's figures; `rep` lets a page that shows every tile compute the report once."""
    context = {"name": name, "units": units, "period": period, "labels": _labels()}
    if name == "targets":
        context["targets"] = service.target_view(current_user, units, period.end.year, _today(), rep)
    elif name == "people":
        context["served"] = service.people_served_by_unit(units, period)
    elif name == "rab":  # issue 18 (h18b)
        context["rab"] = rab_reports.rab_figures(units, period)
        context["unit_names"] = {u.id: u.name for u in units}
    elif name == "accompaniment":  # issue 19: construction accompaniment (krs/reports/accompaniment.py)
        context["accompaniment"] = accompaniment.figures(units, period)
    elif name == "assessments":  # issue 19 (h19a): RTLH assessments and pre-checks
        context["assessments"] = assessments.figures(units, period.start, period.end)
        context["precheck_results"] = assessments.results()
    else:
        rep = rep or service.report(current_user, units, period)
        f = rep.total
        context["report"] = rep
        labels = context["labels"]
        context["backlog_items"] = [
            (label, f.backlog.get(key, 0))
            for key, label in labels["status"].items()
            if key != CaseStatus.CLOSED
        ]
        context["service_items"] = [
            (label, f.by_service.get(key, 0)) for key, label in labels["service"].items()
        ]
        context["channel_items"] = [
            (label, f.by_channel.get(key, 0)) for key, label in labels["channel"].items()
        ]
        context["outcome_items"] = [
            (label, f.outcomes.get(key, 0)) for key, label in labels["outcome"].items()
        ]
        if name == "ikm":
            context["profile"] = service.ikm_profile(units, period)
    return context


def _labels() -> dict:
    """The labels of the tiles, translated once per request (a page of every tile asks per tile)."""
    labels = request.__dict__.get("_krs_report_labels")
    if labels is None:
        labels = request.__dict__["_krs_report_labels"] = {
            "status": {s.value: s.label for s in CaseStatus},
            "service": {s.value: s.label for s in ServiceType},
            "channel": {c.value: c.label for c in Channel},
            "outcome": {o.value: o.label for o in Outcome},
            "elements": ELEMENTS,
        }
    return labels


@bp.get("")
def index():
    all_units = access.report_units_for(current_user)
    units, period = _selection()
    inline = request.args.get("inline") == "1"
    if inline:
        rep = service.report(current_user, units, period)
        tiles = [_tile_context(n, units, period, rep) for n in TILES]
    else:
        tiles = [{"name": n} for n in TILES]
    return render_template(
        "reports/index.html",
        all_units=all_units,
        units=units,
        period=period,
        args=_query_args(units, period, all_units),
        tiles=tiles,
        inline=inline,
        labels=_labels(),
    )


@bp.get("/tiles/<name>")
def tile(name: str):
    if name not in TILES:
        abort(404)
    units, period = _selection()
    context = _tile_context(name, units, period)
    if fragment := fragment_for({"tile-*": "reports/_tile.html"}):  # the page's tile loading itself
        return render_template(fragment, tile=context)
    all_units = access.report_units_for(current_user)
    return render_template(
        "reports/tile_page.html", tile=context, args=_query_args(units, period, all_units), period=period
    )


@bp.get("/ranking")
def ranking():
    all_units = access.report_units_for(current_user)
    units, period = _selection()
    rep = service.report(current_user, units, period)
    targets = service.target_view(current_user, units, period.end.year, _today())
    sort = request.args.get("sort", "score")
    sort = sort if sort in service.RANK_KEYS else "score"
    direction = request.args.get("dir")
    direction = direction if direction in ("asc", "desc") else service.default_direction(sort)
    return render_template(
        "reports/ranking.html",
        rows=service.ranking(rep, targets, sort, direction),
        total=rep.total,
        sort=sort,
        direction=direction,
        default_direction=service.default_direction,
        weights=service.SCORE_WEIGHTS,
        period=period,
        all_units=all_units,
        units=units,
        args=_query_args(units, period, all_units),
        field_notes=_field_notes(units, period),
    )


def _field_notes(units, period) -> list[dict]:
    """The ranking's notes on the field mechanism (issue 19): per office, households assessed and
    the share not livable, pre-checks and how many looked eligible, households accompanied and
    those that reached 100 %."""
    rtlh = {row.unit.id: row for row in assessments.figures(units, period.start, period.end).rows}
    acc = {row.unit_id: row for row in accompaniment.figures(units, period).units}
    notes = []
    for unit in units:
        a, b = rtlh.get(unit.id), acc.get(unit.id)
        likely = sum(r.get("kemungkinan_memenuhi", 0) for r in a.prechecks.values()) if a else 0
        notes.append(
            {
                "unit": unit,
                "assessed": a.households_assessed if a else 0,
                "not_livable_pct": a.not_livable_pct if a else None,
                "prechecks": a.prechecks_total if a else 0,
                "likely": likely,
                "accompanied": b.accompanied if b else 0,
                "completed": b.completed if b else 0,
            }
        )
    return notes


# ---------------------------------------------------------------- exports


def _download_cookie(resp):
    """The page's 'sedang disiapkan' indicator stops when this cookie arrives with the file."""
    token = request.args.get("dl", "")
    if token.isalnum() and len(token) <= 40:
        resp.set_cookie("krs_download", token, max_age=60, samesite="Lax", secure=request.is_secure)
    return resp


@bp.get("/cases.<fmt>")
def export_cases(fmt: str):
    """The case list as CSV or XLSX with the screen's filters (query string); NIKs masked."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    filters = case_lists.filters_from_args(request.args, current_user)
    stamp = _today().isoformat()
    user = current_user._get_current_object()  # the rows ask its role per cell: no proxy look-ups
    # a long list is built by the worker (krs/jobs.py): the user watches its progress and downloads
    # it when ready, instead of waiting on a request that a proxy may cut off
    above = current_app.config["KRS_EXPORT_JOB_ROWS"]
    if exports.export_size(user, filters, above) > above:
        job = jobs.submit(user, "cases", exports.job_params(fmt, request.args, session.get("lang") or "id"))
        return _download_cookie(redirect(url_for("reports.export_jobs", id=job.id), code=303))
    if fmt == "csv":
        resp = Response(stream_with_context(exports.csv_stream(user, filters)), mimetype=exports.CSV_TYPE)
        resp.headers["Content-Disposition"] = f'attachment; filename="kasus-{stamp}.csv"'
        return _download_cookie(resp)
    return _download_cookie(_xlsx_download(exports.cases_xlsx(user, filters), f"kasus-{stamp}.xlsx"))


@bp.post("/cases-nik.xlsx")
def export_cases_full_nik():
    """The same list with full NIKs: asked for with a button (a POST, never a link) and written to
    the audit log as a reveal of every NIK in it (DESIGN.md section 5). Built directly: its file is
    never stored by a background job."""
    user = current_user._get_current_object()
    if not access.can_export_full_nik(user):
        abort(403)
    filters = case_lists.filters_from_args(request.args, user)
    service.record_full_nik_export(user, "xlsx", request.query_string.decode("utf-8", "replace"))
    book = exports.cases_xlsx(user, filters, full_nik=True)
    return _download_cookie(_xlsx_download(book, f"kasus-nik-{_today().isoformat()}.xlsx"))


def _xlsx_download(book, name: str):
    return send_file(book, mimetype=exports.XLSX_TYPE, as_attachment=True, download_name=name)


@bp.get("/jobs")
def export_jobs():
    """The user's export jobs; `?id=` one of them, polled by htmx until its file is ready."""
    job_id = request.args.get("id", type=int)
    if job_id is None:
        return render_template("reports/jobs.html", jobs=jobs.recent_jobs(current_user), job=None)
    job = jobs.job_for(current_user, job_id)  # only the requester's own jobs exist for them
    if job is None:
        abort(404)
    if htmx:
        return render_template("reports/_job_progress.html", job=job)
    return render_template("reports/jobs.html", jobs=None, job=job)


@bp.get("/jobs/file")
def export_job_file():
    job_id = request.args.get("id", type=int)
    if job_id is None:
        return redirect(url_for("reports.export_jobs"))
    job = jobs.job_for(current_user, job_id)
    if job is None or job.status != JobStatus.DONE or not job.file_key:
        abort(404)
    try:
        return get_storage().send(job.file_key, job.content_type, job.download_name, as_attachment=True)
    except FileNotFoundError:
        abort(404)


@bp.get("/evaluation.xlsx")
def export_evaluation():
    units, period = _selection()
    rep = service.report(current_user, units, period)
    targets = service.target_view(current_user, units, period.end.year, _today())
    resp = send_file(
        exports.evaluation_xlsx(rep, targets, {u.id: u.name for u in units}),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"evaluasi-krs-{period.start.isoformat()}-{period.end.isoformat()}.xlsx",
    )
    return _download_cookie(resp)


# ---------------------------------------------------------------- service levels


@bp.get("/service-levels")
def service_levels(forms: dict | None = None, status: int = 200):
    rows = []
    for svc, first, resolution in level_rows():
        form = (forms or {}).get(svc) or ServiceLevelForm(
            formdata=None, first_response_days=first, resolution_days=resolution, prefix=svc
        )
        rows.append((svc, first, resolution, form))
    return render_template(
        "reports/service_levels.html", rows=rows, editable=access.can_edit_reference_data(current_user)
    ), status


@bp.post("/service-levels/<service_type>")
def edit_service_level(service_type: str):
    if not ServiceType.has(service_type):
        abort(404)
    form = ServiceLevelForm(prefix=service_type)
    if not form.validate_on_submit():
        return service_levels(forms={service_type: form}, status=422)
    set_service_level(current_user, service_type, form.first_response_days.data, form.resolution_days.data)
    flash(_("Batas waktu layanan %(s)s disimpan.", s=ServiceType(service_type).label), "success")
    return redirect(url_for("reports.service_levels"))


# ---------------------------------------------------------------- targets


def _year_arg() -> int:
    try:
        year = int(request.args.get("year", ""))
    except ValueError:
        year = _today().year
    return min(max(year, 2020), 2100)


@bp.get("/targets")
def targets(year: int | None = None, forms: dict | None = None, status: int = 200):
    year = year or _year_arg()
    units = access.report_units_for(current_user)
    rows = []
    for unit, target in service.target_rows(current_user, units, year):
        form = (forms or {}).get(unit.id)
        if form is None:
            values = (
                {
                    "cases_served": target.cases_served,
                    "within_sla_pct": target.within_sla_pct,
                    "min_ikm": target.min_ikm,
                    "field_visits": target.field_visits,
                }
                if target
                else {}
            )
            form = TargetForm(formdata=None, prefix=f"u{unit.id}", **values)
        rows.append((unit, target, form))
    return render_template(
        "reports/targets.html", rows=rows, year=year, editable=access.can_edit_reference_data(current_user)
    ), status


@bp.post("/targets/<int:unit_id>/<int:year>")
def edit_target(unit_id: int, year: int):
    unit = next((u for u in access.report_units_for(current_user) if u.id == unit_id), None)
    if unit is None or not 2020 <= year <= 2100:
        abort(404)
    form = TargetForm(prefix=f"u{unit.id}")
    if not form.validate_on_submit():
        return targets(year=year, forms={unit.id: form}, status=422)
    service.set_target(current_user, unit, year, form.values())
    flash(_("Target %(unit)s tahun %(year)s disimpan.", unit=unit.name, year=year), "success")
    return redirect(url_for("reports.targets", year=year))


# issue 18 (h18a): designs handed out, by design and by office (krs/reports/designs.py)
from krs.reports import designs as _designs  # noqa: E402

bp.add_url_rule("/tiles/designs-handed-out", "designs_tile", _designs.tile)
