"""Case desk routes: thin — parse, call krs.cases.service, render the page or the htmx fragment."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from krs import access, case_lists, intake, reference_data, regions, service_levels
from krs.cases import service
from krs.cases.forms import (
    AssignForm,
    ClosureDecisionForm,
    ClosureRequestForm,
    FollowUpForm,
    IntakeForm,
    ReopenForm,
)
from krs.extensions import db, htmx
from krs.fields import nik_problem, normalise_nik
from krs.models import Attachment, CaseStatus, Channel, Outcome, ServiceType, User
from krs.storage import get_storage
from krs.uploads import UploadError, discard, send_stored, store_upload
from krs.workdays import today_in

bp = Blueprint("cases", __name__, url_prefix="/cases")


def _filters_from_request() -> case_lists.CaseFilters:
    return case_lists.filters_from_args(request.args, current_user)


@bp.get("")
def list_cases():
    filters = _filters_from_request()
    # a case named by its number (or its tail, krs.case_lists.number_in) is one index look-up; a
    # full page request goes straight to it, the list's live search (htmx) shows its single row
    hit = case_lists.number_hit(current_user, filters) if filters.q.strip() else None
    if hit is not None and not htmx:
        return redirect(url_for("cases.detail", case_id=hit), code=303)
    page = case_lists.list_cases(current_user, filters, current_app.config["KRS_PAGE_SIZE"], hit=hit)
    context = {
        "page": page,
        "filters": filters,
        "today": today_in(current_user.unit.timezone),
        "sla_state": service_levels.sla_state,
    }
    if htmx and htmx.target == "case-rows":
        return render_template("cases/_rows.html", **context)
    return render_template(
        "cases/list.html",
        statuses=[(case_lists.OPEN, _("Semua kasus berjalan")), *CaseStatus.choices()],
        services=ServiceType.choices(),
        channels=Channel.choices(),
        assignees=access.assignee_filter_choices(current_user),
        units=access.units_visible_to(current_user) if access.is_national(current_user) else [],
        **context,
    )


# ---------------------------------------------------------------- intake


@bp.route("/new", methods=["GET", "POST"])
def new_case():
    units = access.units_for_intake(current_user)
    if not units:
        abort(403)
    form = IntakeForm()
    form.unit_id.choices = [(u.id, u.name) for u in units]
    form.channel.choices = reference_data.active_choices("channel", Channel.choices())
    form.service_types.choices = reference_data.active_choices("service_type", ServiceType.choices())
    if request.method == "GET":
        form.unit_id.data = current_user.unit_id if current_user.role != "admin" else units[0].id
    form.set_region_choices()
    if form.validate_on_submit():
        unit = next((u for u in units if u.id == form.unit_id.data), None)
        if unit is None:
            abort(404)
        try:
            result = service.intake(current_user, unit, form.applicant_data(), form.case_data())
        except service.CaseError as exc:
            flash(str(exc), "error")
        else:
            case = result.case
            note = (
                _(" Pemohon sudah terdaftar; kasus dikaitkan ke data pemohon yang ada.")
                if result.applicant_reused
                else ""
            )
            flash(_("Kasus %(number)s tercatat.", number=case.number) + note, "success")
            if access.can(current_user, "view", case):
                return redirect(url_for("cases.detail", case_id=case.id))
            return redirect(url_for("cases.list_cases"))
    status = 422 if request.method == "POST" else 200
    return render_template("cases/new.html", form=form), status


@bp.get("/nik-check")
def nik_check():
    """Inline validation of the NIK field: its structure, and any applicant already registered."""
    nik = normalise_nik(request.args.get("nik", ""))
    problem = nik_problem(nik) if nik else None
    applicant = None
    open_cases = []
    exists_elsewhere = False
    if nik and not problem:
        found = intake.find_applicant_by_nik(nik)
        if found is not None:
            visible = access.visible_applicant(current_user, found.id)
            if visible is not None:
                applicant = visible
                open_cases = service.open_cases_of(current_user, applicant)
            elif access.may_search_pii(current_user):
                exists_elsewhere = True
    return render_template(
        "cases/_nik_check.html",
        nik=nik,
        problem=problem,
        applicant=applicant,
        open_cases=open_cases,
        exists_elsewhere=exists_elsewhere,
    )


REGION_LEVELS = {
    "regency_code": ("province_code", "district_code"),
    "district_code": ("regency_code", "village_code"),
    "village_code": ("district_code", None),
}


@bp.get("/regions/<field>")
def regions_select(field: str):
    """The options of one address level for the chained selects (htmx)."""
    if field not in REGION_LEVELS:
        abort(404)
    parent_field, _child = REGION_LEVELS[field]
    parent = request.args.get(parent_field, "")
    options = list(regions.children(parent)) if parent else []
    deeper = []
    nxt = REGION_LEVELS[field][1]
    while nxt:
        deeper.append(nxt)
        nxt = REGION_LEVELS[nxt][1]
    return render_template("cases/_region_options.html", field=field, options=options, deeper=deeper)


# ---------------------------------------------------------------- case page


def _case_context(case, **forms):
    assign_form = forms.get("assign_form") or AssignForm(formdata=None, version=case.version)
    assign_form.assignee_id.choices = [
        (u.id, f"{u.full_name} ({u.role_label})") for u in access.assignable_users(current_user, case)
    ]
    if case.assignee_id and not forms.get("assign_form"):
        assign_form.assignee_id.data = case.assignee_id
    follow_form = forms.get("follow_form") or FollowUpForm(formdata=None)
    if not follow_form.occurred_at.data:
        follow_form.occurred_at.data = datetime.now(ZoneInfo(case.unit.timezone)).replace(
            second=0, microsecond=0, tzinfo=None
        )
    return {
        "case": case,
        "events": service.timeline(case),
        "actions": service.available_actions(current_user, case),
        "assign_form": assign_form,
        "follow_form": follow_form,
        "closure_form": _outcome_choices(
            forms.get("closure_form") or ClosureRequestForm(formdata=None, version=case.version)
        ),
        "decision_form": forms.get("decision_form")
        or ClosureDecisionForm(formdata=None, version=case.version),
        "reopen_form": forms.get("reopen_form") or ReopenForm(formdata=None, version=case.version),
        "today": today_in(case.unit.timezone),
        "sla_state": service_levels.sla_state(case, today_in(case.unit.timezone)),
        "region_name": regions.full_name(
            case.applicant.province_code,
            case.applicant.regency_code,
            case.applicant.district_code,
            case.applicant.village_code,
        ),
        "error": forms.get("error"),
        "revealed": forms.get("revealed"),
    }


def _outcome_choices(form):
    form.outcome.choices = [
        ("", _("— pilih —")),
        *reference_data.active_choices("outcome", Outcome.choices()),
    ]
    return form


def _render_case(case, status: int = 200, **forms):
    context = _case_context(case, **forms)
    if htmx:
        return render_template("cases/_case_body.html", **context), status
    return render_template("cases/detail.html", **context), status


@bp.get("/<int:case_id>")
def detail(case_id: int):
    case = access.get_case_or_404(current_user, case_id)
    service.case_viewed(current_user, case)
    return _render_case(case)


def _after_change(case, message: str):
    """htmx: the refreshed case body (with fresh versions in every form); otherwise PRG."""
    if htmx:
        db.session.refresh(case)
        context = _case_context(case)
        context["notice"] = message
        resp = current_app.make_response(render_template("cases/_case_body.html", **context))
        resp.headers["HX-Trigger"] = "caseChanged"
        return resp
    flash(message, "success")
    return redirect(url_for("cases.detail", case_id=case.id))


def _refused(case, exc: Exception, form_name: str | None = None, form=None):
    db.session.rollback()
    status = 409 if isinstance(exc, service.ConflictError) else 422
    db.session.refresh(case)
    forms = {"error": str(exc)}
    if form_name and not isinstance(exc, service.ConflictError):
        forms[form_name] = form
    return _render_case(case, status, **forms)


def _invalid(case, form_name: str, form):
    first = next(iter(form.errors.values()), [_("Periksa kembali isian formulir.")])
    message = first[0] if isinstance(first, list) and first else str(first)
    return _render_case(case, 422, **{form_name: form, "error": message})


@bp.post("/<int:case_id>/assign")
def assign(case_id: int):
    case = access.get_case_or_404(current_user, case_id, action="assign")
    form = AssignForm()
    form.assignee_id.choices = [(u.id, u.full_name) for u in access.assignable_users(current_user, case)]
    if not form.validate_on_submit():
        return _invalid(case, "assign_form", form)
    assignee = db.session.get(User, form.assignee_id.data)
    try:
        service.assign_case(current_user, case, assignee, form.expected_version())
    except service.CaseError as exc:
        return _refused(case, exc)
    return _after_change(case, _("Kasus ditugaskan kepada %(name)s.", name=assignee.full_name))


@bp.post("/<int:case_id>/events")
def add_event(case_id: int):
    case = access.get_case_or_404(current_user, case_id, action="follow_up")
    form = FollowUpForm()
    if not form.validate_on_submit():
        return _invalid(case, "follow_form", form)
    zone = ZoneInfo(case.unit.timezone)
    local = form.occurred_at.data.replace(tzinfo=zone)
    now = datetime.now(zone)
    if local == now.replace(second=0, microsecond=0):
        local = now  # "now" as the form offered it: keep the seconds so the timeline order is exact
    if local > now.replace(second=59):
        form.occurred_at.errors.append(_("Waktu kegiatan tidak boleh di masa depan."))
        return _invalid(case, "follow_form", form)
    stored = []
    upload = form.attachment.data
    try:
        if upload and getattr(upload, "filename", ""):
            stored.append(
                store_upload(
                    upload,
                    get_storage(),
                    current_app.config["MAX_UPLOAD_BYTES"],
                    keep_location=current_app.config.get("KRS_KEEP_IMAGE_LOCATION", False),
                )
            )
        service.add_follow_up(
            current_user,
            case,
            service.FollowUp(
                kind=form.kind.data,
                body=form.body.data.strip(),
                occurred_at=local,
                duration_minutes=form.duration_minutes.data,
                next_action_date=form.next_action_date.data,
                attachments=stored,
            ),
        )
    except UploadError as exc:
        form.attachment.errors = [str(exc)]
        return _invalid(case, "follow_form", form)
    except service.CaseError as exc:
        discard(get_storage(), stored)  # the follow-up was refused: nothing points at its file
        return _refused(case, exc, "follow_form", form)
    return _after_change(case, _("Tindak lanjut tercatat."))


@bp.post("/<int:case_id>/close")
def request_closure(case_id: int):
    case = access.get_case_or_404(current_user, case_id, action="request_closure")
    form = _outcome_choices(ClosureRequestForm())
    if not form.validate_on_submit():
        return _invalid(case, "closure_form", form)
    try:
        service.request_closure(
            current_user, case, form.outcome.data, form.closure_summary.data.strip(), form.expected_version()
        )
    except service.CaseError as exc:
        return _refused(case, exc, "closure_form", form)
    return _after_change(case, _("Penutupan diajukan; menunggu persetujuan supervisor."))


@bp.post("/<int:case_id>/approve-closure")
def approve_closure(case_id: int):
    case = access.get_case_or_404(current_user, case_id, action="approve_closure")
    form = ClosureDecisionForm()
    if not form.validate_on_submit():
        return _invalid(case, "decision_form", form)
    try:
        if form.decision.data == "approve":
            service.approve_closure(current_user, case, form.expected_version())
            message = _("Penutupan disetujui. Kasus ditutup.")
        else:
            service.return_closure(current_user, case, form.comment.data or "", form.expected_version())
            message = _("Pengajuan penutupan dikembalikan ke petugas.")
    except service.CaseError as exc:
        return _refused(case, exc, "decision_form", form)
    return _after_change(case, message)


@bp.post("/<int:case_id>/reopen")
def reopen(case_id: int):
    case = access.get_case_or_404(current_user, case_id, action="reopen")
    form = ReopenForm()
    if not form.validate_on_submit():
        return _invalid(case, "reopen_form", form)
    try:
        service.reopen_case(current_user, case, form.reason.data.strip(), form.expected_version())
    except service.CaseError as exc:
        return _refused(case, exc, "reopen_form", form)
    return _after_change(case, _("Kasus dibuka kembali."))


@bp.post("/<int:case_id>/reveal-nik")
def reveal_nik(case_id: int):
    """Show the full NIK (audited): the fragment for htmx, else the case page with it revealed."""
    case = access.get_case_or_404(current_user, case_id, action="reveal_nik")
    nik = service.reveal_nik(current_user, case)
    if htmx:
        return render_template("cases/_nik.html", case=case, revealed=nik)
    return _render_case(case, revealed=nik)


@bp.get("/<int:case_id>/attachments/<int:attachment_id>")
def attachment(case_id: int, attachment_id: int):
    case = access.get_case_or_404(current_user, case_id)
    att = db.session.execute(
        select(Attachment).where(Attachment.id == attachment_id, Attachment.case_id == case.id)
    ).scalar_one_or_none()
    if att is None:
        abort(404)
    return send_stored(get_storage(), att.stored_name, att.content_type, att.original_name)


# The supervisor's tools (transfers, workload, bulk assign, saved filters) live in their own module.
from krs.cases import desk_routes  # noqa: E402,F401
