"""Case desk routes: thin — parse, call krs.cases.service, render the page or the htmx fragment."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import segno
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
from flask_babel import format_date, get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from krs import (
    access,
    applicant_records,
    case_lists,
    drafts,
    intake,
    public_links,
    reference_data,
    regions,
    service_levels,
)
from krs.cases import service, whatsapp
from krs.cases.forms import (
    AssignForm,
    CaseEditForm,
    ClosureDecisionForm,
    ClosureRequestForm,
    FollowUpForm,
    HouseEditForm,
    IntakeForm,
    ReopenForm,
    TakeForm,
)
from krs.cases.transfer import pending_transfer_of
from krs.extensions import db, htmx
from krs.fields import nik_problem, normalise_nik
from krs.htmx_views import fragment_for, render_page_or_fragment
from krs.models import Case, CaseStatus, Channel, Outcome, ServiceType, User
from krs.storage import get_storage
from krs.uploads import DOCUMENT_TYPES, UploadError, discard, save_photos, send_stored
from krs.workdays import today_in

bp = Blueprint("cases", __name__, url_prefix="/cases")

DRAFT_RESTORED = _l("Isian yang belum tersimpan saat sesi berakhir dikembalikan. Periksa lalu simpan.")


def _filters_from_request() -> case_lists.CaseFilters:
    return case_lists.filters_from_args(request.args, current_user)


def _row_words(cases) -> dict:
    """What the list's rows write that repeats from row to row (issue 17): each status and service
    label once per page (the same label filters), and each date once — `d MMM y` as the `date`
    filter writes it (krs.formats.fmt_date: a moment is first taken to the user's zone), with the
    month's words from babel once per month instead of once per cell."""
    filters = current_app.jinja_env.filters
    status_label, service_label, fmt_date = filters["status_label"], filters["service_label"], filters["date"]
    statuses, services, dates, months = {}, {}, {None: fmt_date(None)}, {}
    zone = get_timezone()  # the user's zone, as to_user_timezone takes it, once per page
    for case in cases:
        if case.status not in statuses:
            statuses[case.status] = status_label(case.status)
        for s in case.services:
            if s.service not in services:
                services[s.service] = service_label(s.service)
        for value in (case.created_at, case.resolution_due):
            if value in dates:
                continue
            if isinstance(value, datetime):  # as flask_babel.to_user_timezone converts it
                day = zone.normalize(
                    (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone)
                ).date()
            else:
                day = value
            month = months.get((day.year, day.month))
            if month is None:  # "1 Nov 2026" -> "Nov 2026": the words after the day number
                month = months[day.year, day.month] = fmt_date(day.replace(day=1)).split(" ", 1)[1]
            dates[value] = f"{day.day} {month}"
    return {
        "status_words": statuses,
        "service_words": services,
        "row_dates": dates,
        # the bulk checkbox's label, translated once: `|format(number=…)` escapes the number as
        # the template's `_(…, number=…)` did
        "pick_label": Markup(_("Pilih %(number)s")),
    }


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
        "shows_unit_column": access.is_national(current_user),
        "shows_unassigned": access.can_see_unassigned_cases(current_user),
        "may_search_pii": access.can_search_pii(current_user),
        "stages": {row.id: row.stage for row in page.items if row.stage},  # issue 19: the badge
        **_row_words(page.items),
    }
    if fragment := fragment_for({"case-rows": "cases/_rows.html"}):  # the filters' live answer
        return render_template(fragment, oob=True, **context)  # and the tabs, which keep q
    return render_template(
        "cases/list.html",
        statuses=[(case_lists.OPEN_STATUS, _("Semua kasus berjalan")), *CaseStatus.choices()],
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
    # a draft kept when the session ended under this form (issue 14): filled in again, once
    draft = drafts.take(current_user, request.path, "cases.new_case") if request.method == "GET" else None
    form = IntakeForm(formdata=draft) if draft else IntakeForm()
    form.unit_id.choices = [(u.id, u.name) for u in units]
    form.channel.choices = reference_data.active_choices("channel", Channel.choices())
    form.service_types.choices = reference_data.active_choices("service_type", ServiceType.choices())
    if request.method == "GET" and not draft:
        form.unit_id.data = current_user.unit_id if current_user.role != "admin" else units[0].id
    form.set_region_choices()
    if form.validate_on_submit():
        unit = next((u for u in units if u.id == form.unit_id.data), None)
        if unit is None:
            abort(404)
        applicant_data = form.applicant_data()
        returning, changes = _returning_applicant(unit, applicant_data)
        if changes and form.applicant_changes.data not in ("update", "keep"):
            # "data berubah": the desk confirms what changed before anything is saved
            return render_template(
                "cases/new.html", form=form, returning_changes=changes, field_labels=service.FIELD_LABELS
            ), 200
        try:
            if changes and form.applicant_changes.data == "update":
                result = service.intake_with_new_data(
                    current_user, unit, applicant_data, form.case_data(), returning
                )
            else:
                result = service.intake(current_user, unit, applicant_data, form.case_data())
        except (service.CaseError, applicant_records.RecordError) as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            case = result.case
            note = (
                _(" Pemohon sudah terdaftar; kasus dikaitkan ke data pemohon yang ada.")
                if result.applicant_reused
                else ""
            )
            flash(_("Kasus %(number)s tercatat.", number=case.number) + note, "success")
            if access.can_view_case(current_user, case):
                return redirect(url_for("cases.detail", case_id=case.id))
            return redirect(url_for("cases.list_cases"))
    status = 422 if request.method == "POST" else 200
    if draft:
        flash(
            _("Isian yang belum tersimpan saat sesi berakhir dikembalikan. Periksa lalu simpan."), "success"
        )
    return render_template("cases/new.html", form=form), status


def _returning_applicant(unit, applicant_data: dict):
    """A NIK already known in this office, and what the applicant now tells differently from it."""
    found = intake.find_applicant_by_nik(applicant_data.get("nik") or "", unit.id)
    if (
        found is None
        or applicant_records.office_of(found) != unit.id
        or found.merged_into_id is not None
        or not access.can_edit_applicant(current_user, found)
    ):
        return None, []
    return found, applicant_records.returning_changes(found, applicant_data)


@bp.get("/nik-check")
def nik_check():
    """Inline validation of the NIK field: its structure, and whether the office the case is taken
    in for already holds the applicant (applicants are held per office, DESIGN.md §3).

    Only that office's record counts: a NIK known to another office answers "new applicant", as
    intake will start this office's own record. Interns get the same answer as staff; the name,
    NIK and open cases are shown only for a record the user may see."""
    nik = normalise_nik(request.args.get("nik", ""))
    problem = nik_problem(nik) if nik else None
    applicant = None
    open_cases = []
    registered = False
    if nik and not problem:
        unit = _intake_unit(request.args.get("unit_id", type=int))
        found = intake.find_applicant_by_nik(nik, unit.id) if unit is not None else None
        if found is not None:
            registered = True
            applicant = found if access.can_view_applicant(current_user, found) else None
            if applicant is not None:
                open_cases = service.open_cases_of(current_user, applicant)
    return render_template(
        "cases/_nik_check.html",
        nik=nik,
        problem=problem,
        applicant=applicant,
        open_cases=open_cases,
        registered=registered,
    )


def _intake_unit(unit_id: int | None):
    """The unit the intake form is for: the one chosen if the user may take cases in for it,
    else the user's own, else the first the user may."""
    units = access.units_for_intake(current_user)
    for wanted in (unit_id, current_user.unit_id):
        unit = next((u for u in units if u.id == wanted), None)
        if unit is not None:
            return unit
    return units[0] if units else None


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
    user = current_user._get_current_object()
    actions = service.available_actions(user, case)

    def form_for(action: str, name: str, make):
        """A form the case body shows only with its action (`_case_body.html`): made only then,
        or the one given back with its errors."""
        given = forms.get(name)
        return given if given is not None else (make() if action in actions else None)

    assign_form = form_for("assign", "assign_form", lambda: AssignForm(formdata=None, version=case.version))
    if assign_form is not None:
        assign_form.assignee_id.choices = [
            (u.id, f"{u.full_name} ({u.role_label})") for u in access.assignable_users(user, case)
        ]
        if case.assignee_id and not forms.get("assign_form"):
            assign_form.assignee_id.data = case.assignee_id
    follow_form = form_for("follow_up", "follow_form", lambda: FollowUpForm(formdata=None))
    if follow_form is not None and not follow_form.occurred_at.data:
        follow_form.occurred_at.data = datetime.now(ZoneInfo(case.unit.timezone)).replace(
            second=0, microsecond=0, tzinfo=None
        )
    closure_form = form_for(
        "request_closure", "closure_form", lambda: ClosureRequestForm(formdata=None, version=case.version)
    )
    return {
        "case": case,
        "events": service.timeline(case),
        "actions": actions,
        "assign_form": assign_form,
        "follow_form": follow_form,
        "closure_form": _outcome_choices(closure_form) if closure_form is not None else None,
        "decision_form": form_for(
            "approve_closure",
            "decision_form",
            lambda: ClosureDecisionForm(formdata=None, version=case.version),
        ),
        "reopen_form": form_for(
            "reopen", "reopen_form", lambda: ReopenForm(formdata=None, version=case.version)
        ),
        "take_form": form_for("take", "take_form", lambda: TakeForm(formdata=None, version=case.version)),
        "today": today_in(case.unit.timezone),
        "sla_state": service_levels.sla_state(case, today_in(case.unit.timezone)),
        "pending_transfer": pending_transfer_of(case),
        "region_name": regions.full_name(
            case.applicant.province_code,
            case.applicant.regency_code,
            case.applicant.district_code,
            case.applicant.village_code,
        ),
        "error": forms.get("error"),
        "notice": forms.get("notice"),
        "revealed": forms.get("revealed"),
        # corrections (issue 14)
        "may_edit_case": access.can_edit_case_house(user, case),
        "may_edit_applicant": access.can_edit_applicant(user, case.applicant),
        "field_labels": service.FIELD_LABELS,
    }


def _outcome_choices(form):
    form.outcome.choices = [
        ("", _("— pilih —")),
        *reference_data.active_choices("outcome", Outcome.choices()),
    ]
    return form


CASE_FRAGMENTS = {"case-body": "cases/_case_body.html"}


def _render_case(case, status: int = 200, **forms):
    context = _case_context(case, **forms)
    return render_page_or_fragment("cases/detail.html", CASE_FRAGMENTS, **context), status


@bp.get("/<int:case_id>")
def detail(case_id: int):
    user = current_user._get_current_object()  # the proxy resolved once (issue 17)
    case = access.get_case_or_404(user, case_id, load=(joinedload(Case.applicant),))  # shown whole
    service.case_viewed(user, case)
    # a follow-up typed when the session ended (issue 14): back in its form, once
    if draft := drafts.take(user, request.path, "cases.add_event"):
        return _render_case(
            case,
            follow_form=FollowUpForm(formdata=draft),
            notice=DRAFT_RESTORED,
        )
    return _render_case(case)


def _after_change(case, message: str):
    """htmx: the refreshed case body (with fresh versions in every form); otherwise PRG."""
    if fragment := fragment_for(CASE_FRAGMENTS):
        db.session.refresh(case)
        context = _case_context(case)
        context["notice"] = message
        return render_template(fragment, **context)
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
    try:
        # the camera's photos and the documents: all stored (photos with thumbnails) or none
        stored = save_photos(
            [*request.files.getlist(form.photos.name), *request.files.getlist(form.attachment.name)],
            get_storage(),
            current_app.config["MAX_UPLOAD_BYTES"],
            keep_location=current_app.config.get("KRS_KEEP_IMAGE_LOCATION", False),
            allowed=DOCUMENT_TYPES,
        )
        position = form.position()  # validated with the form
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
                attachment_kind=form.attachment_kind.data,
                take=bool(form.take.data),
                latitude=position[0] if position else None,
                longitude=position[1] if position else None,
            ),
        )
    except UploadError as exc:
        form.attachment.errors = [str(exc)]
        return _invalid(case, "follow_form", form)
    except service.CaseError as exc:
        discard(get_storage(), stored)  # the follow-up was refused: nothing points at its file
        return _refused(case, exc, "follow_form", form)
    return _after_change(case, _("Tindak lanjut tercatat."))


@bp.post("/<int:case_id>/take")
def take(case_id: int):
    """Ambil kasus: a staff member makes an unassigned case of their office their own."""
    # loaded like a follow-up (the office's case); whether it still lacks an owner: the service
    case = access.get_case_or_404(current_user, case_id, action="follow_up")
    form = TakeForm()
    if not form.validate_on_submit():
        return _invalid(case, "take_form", form)
    try:
        service.take_case(current_user, case, form.expected_version())
    except service.CaseError as exc:
        return _refused(case, exc)
    return _after_change(case, _("Kasus ini sekarang Anda tangani."))


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
    if fragment := fragment_for({"nik-*": "cases/_nik.html"}):
        return render_template(fragment, case=case, revealed=nik)
    return _render_case(case, revealed=nik)


@bp.get("/<int:case_id>/attachments/<int:attachment_id>")
def attachment(case_id: int, attachment_id: int):
    case = access.get_case_or_404(current_user, case_id)
    att = access.get_case_attachment_or_404(current_user, case, attachment_id)
    return send_stored(get_storage(), att.stored_name, att.content_type, att.original_name)


@bp.get("/<int:case_id>/attachments/<int:attachment_id>/thumbnail")
def attachment_thumbnail(case_id: int, attachment_id: int):
    """A photo's small JPEG for the timeline, under the very checks of the photo itself."""
    case = access.get_case_or_404(current_user, case_id)
    att = access.get_case_attachment_or_404(current_user, case, attachment_id)
    if not att.thumbnail_name:
        abort(404)
    return send_stored(get_storage(), att.thumbnail_name, "image/jpeg", "kecil-" + att.original_name)


# ---------------------------------------------------------------- field visits (issue 16)

VISIT_PHOTOS_PER_PAGE = 6


@bp.get("/<int:case_id>/visits/<int:event_id>/report")
def visit_report(case_id: int, event_id: int):
    """Berita acara kunjungan lapangan: the visit's findings, position and photos on the office
    letterhead, with signature blocks, for the browser to print (A4)."""
    case = access.get_case_or_404(current_user, case_id)
    visit = access.get_field_visit_or_404(current_user, case, event_id)
    photos = [a for a in visit.attachments if a.is_image and access.can_open_attachment(current_user, a)]
    occurred = visit.occurred_at if visit.occurred_at.tzinfo else visit.occurred_at.replace(tzinfo=UTC)
    local_day = occurred.astimezone(ZoneInfo(case.unit.timezone)).date()
    return render_template(
        "cases/visit_report.html",
        case=case,
        unit=case.unit,
        visit=visit,
        officer=visit.author,
        applicant_name=case.applicant.name,
        nik=access.shown_nik(current_user, case.applicant),
        address=access.shown_address(current_user, case.applicant, case),
        region_name=regions.full_name(
            case.applicant.province_code,
            case.applicant.regency_code,
            case.applicant.district_code,
            case.applicant.village_code,
        ),
        photo_pages=[
            photos[i : i + VISIT_PHOTOS_PER_PAGE] for i in range(0, len(photos), VISIT_PHOTOS_PER_PAGE)
        ],
        photo_count=len(photos),
        per_page=VISIT_PHOTOS_PER_PAGE,
        documents=[a for a in visit.attachments if not a.is_image],
        visit_day=local_day,
        visit_weekday=format_date(local_day, "EEEE"),
    )


@bp.app_template_global()
def can_print_visit_report(case) -> bool:
    return access.can_print_visit_report(current_user._get_current_object(), case)


# ---------------------------------------------------------------- receipt and status link (issue 16)


@bp.app_template_global()
def can_print_receipt(case) -> bool:
    return access.can_print_receipt(current_user._get_current_object(), case)


@bp.get("/<int:case_id>/receipt")
def receipt(case_id: int):
    """The intake receipt (tanda terima) for the browser to print, with the QR of the public
    status page; the status link is made the first time it is printed."""
    case = access.get_case_or_404(current_user, case_id)
    if not access.can_print_receipt(current_user, case):
        abort(403)
    link = public_links.ensure_status_link(current_user, case)
    status_url = public_links.public_url("public.status", token=link.token)
    return render_template(
        "cases/receipt.html",
        case=case,
        unit=case.unit,
        status_url=status_url,
        qr_svg=Markup(segno.make(status_url, error="m").svg_inline(scale=4, border=2)),
        next_step=public_links.next_step_for(case),
        received_on=case.created_at,
        officer=case.assignee or case.created_by,
        today=today_in(case.unit.timezone),
        whatsapp=whatsapp.whatsapp_link(current_user, case, status_url=status_url),
    )


@bp.post("/<int:case_id>/status-link/revoke")
def revoke_status_link(case_id: int):
    """Cabut tautan status: the printed QR stops working; a new receipt carries a new link."""
    case = access.get_case_or_404(current_user, case_id)
    if not access.can_print_receipt(current_user, case):
        abort(403)
    public_links.revoke_status_link(current_user, case)
    flash(_("Tautan status lama dicabut. Cetak ulang tanda terima untuk tautan yang baru."), "success")
    return redirect(url_for("cases.detail", case_id=case.id))


# ---------------------------------------------------------------- corrections (issue 14)


def _edit_choices(form, case):
    """The intake's choices, plus a retired value the case still holds (so it is not lost)."""
    if hasattr(form, "channel"):
        form.channel.choices = reference_data.active_choices("channel", Channel.choices())
        if case.channel not in [c[0] for c in form.channel.choices]:
            form.channel.choices.append((case.channel, case.channel))
        form.service_types.choices = reference_data.active_choices("service_type", ServiceType.choices())
        known = {c[0] for c in form.service_types.choices}
        form.service_types.choices += [(s, s) for s in case.service_types if s not in known]
    return form


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
def edit_case(case_id: int):
    """Correct a case's request and house data (interns: the house data of their assigned case)."""
    case = access.get_case_or_404(current_user, case_id, action="edit_house")
    form_class = CaseEditForm if access.can_edit_case(current_user, case) else HouseEditForm
    if request.method == "GET":
        data = {name: getattr(case, name) for name in service.EDITABLE_CASE_FIELDS}
        form = _edit_choices(form_class(formdata=None, data=data, version=case.version), case)
    else:
        form = _edit_choices(form_class(), case)
    error = None
    status = 200
    if form.validate_on_submit():
        try:
            changed = service.edit_case(
                current_user, case, form.changes(), form.reason.data, form.expected_version()
            )
        except service.CaseError as exc:
            db.session.rollback()
            error = str(exc)
            status = 409 if isinstance(exc, service.ConflictError) else 422
        else:
            flash(_("Data kasus diperbarui (%(n)s isian).", n=len(changed)), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    elif request.method == "POST":
        status = 422
    return render_template("cases/edit.html", case=case, form=form, error=error), status


# The supervisor's tools (transfers, workload, bulk assign, saved filters) live in their own module.
from krs.cases import desk_routes  # noqa: E402,F401
