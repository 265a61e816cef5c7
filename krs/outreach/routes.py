"""Outreach sessions and group applicants: thin routes over krs.outreach.service."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from krs import access, regions
from krs.extensions import db
from krs.htmx_views import fragment_for, render_page_or_fragment
from krs.intake import CaseError
from krs.models import Channel, GroupKind, OutreachPhoto, Unit
from krs.outreach import service
from krs.outreach.forms import (
    GroupCaseForm,
    GroupForm,
    MemberEditForm,
    MemberForm,
    MemberPasteForm,
    PhotoForm,
    SessionForm,
    SessionIntakeForm,
)
from krs.storage import get_storage
from krs.uploads import UploadError, discard, send_stored, store_upload

bp = Blueprint("outreach", __name__, url_prefix="/outreach")


@bp.app_template_filter("group_kind_label")
def group_kind_label(value) -> str:
    return GroupKind(value).label if GroupKind.has(value) else (value or "–")


@bp.app_context_processor
def _masking_helpers() -> dict:
    return {
        "shown_nik_value": lambda nik: access.shown_nik_value(current_user, nik),
        "shows_attendee_names": lambda: access.can_see_attendee_names(current_user),
    }


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


# ---------------------------------------------------------------- sessions


@bp.get("")
def index():
    default_start, default_end = service.default_period(current_user)
    start = _date_arg("start") or default_start
    end = _date_arg("end") or default_end
    if end < start:
        start, end = end, start
    filters = service.SessionFilters(unit=request.args.get("unit", ""), start=start, end=end)
    return render_template(
        "outreach/index.html",
        sessions=service.list_sessions(current_user, filters),
        served=service.served_by_unit(current_user, start, end),
        filters=filters,
        units=access.units_visible_to(current_user) if access.is_national(current_user) else [],
    )


def _session_form_choices(form: SessionForm, units: list[Unit], unit_id: int) -> None:
    form.unit_id.choices = [(u.id, u.name) for u in units]
    form.staff_ids.choices = [
        (u.id, f"{u.full_name} ({u.role_label})") for u in access.session_staff_choices(unit_id)
    ]
    form.set_region_choices()


def _chosen_unit(form, units: list[Unit]) -> Unit:
    unit = next((u for u in units if u.id == form.unit_id.data), None)
    if unit is None:
        abort(404)
    return unit


def _staff_of(form: SessionForm, unit: Unit) -> list:
    people = {u.id: u for u in access.session_staff_choices(unit.id)}
    return [people[i] for i in form.staff_ids.data or [] if i in people]


@bp.route("/new", methods=["GET", "POST"])
def new_session():
    units = access.units_for_sessions(current_user)
    if not units:
        abort(403)
    form = SessionForm()
    if request.method == "GET":
        form.unit_id.data = (
            current_user.unit_id if current_user.unit_id in [u.id for u in units] else units[0].id
        )
        form.staff_ids.data = [current_user.id]
    unit_id = form.unit_id.data if form.unit_id.data in [u.id for u in units] else units[0].id
    _session_form_choices(form, units, unit_id)
    if form.validate_on_submit():
        unit = _chosen_unit(form, units)
        try:
            session = service.create_session(
                current_user, unit, form.session_data(), _staff_of(form, unit), form.niks()
            )
        except CaseError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(_("Sosialisasi tercatat. Catat kasus rumah tangga di bawah."), "success")
            return redirect(url_for("outreach.session_detail", session_id=session.id))
    status = 422 if request.method == "POST" else 200
    return render_template("outreach/session_form.html", form=form, outreach_session=None), status


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
def edit_session(session_id: int):
    session = access.get_session_or_404(current_user, session_id, action="edit")
    masked: dict[str, list[str]] = {}
    for attendee in session.attendees:
        masked.setdefault(access.shown_nik_value(current_user, attendee.nik), []).append(attendee.nik)
    if request.method == "GET":
        form = SessionForm(obj=session)
        form.staff_ids.data = [u.id for u in session.staff]
        form.attendee_niks.data = "\n".join(
            access.shown_nik_value(current_user, a.nik) for a in session.attendees
        )
    else:
        form = SessionForm()
    form.masked_attendees = masked
    form.unit_id.data = session.unit_id
    _session_form_choices(form, [session.unit], session.unit_id)
    if form.validate_on_submit():
        try:
            service.update_session(
                current_user, session, form.session_data(), _staff_of(form, session.unit), form.niks()
            )
        except CaseError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(_("Perubahan sosialisasi tersimpan."), "success")
            return redirect(url_for("outreach.session_detail", session_id=session.id))
    status = 422 if request.method == "POST" else 200
    return render_template("outreach/session_form.html", form=form, outreach_session=session), status


def _intake_form(session, formdata=None) -> SessionIntakeForm:
    if formdata is None:
        return SessionIntakeForm(
            formdata=None,
            service_types=list(session.services or []),
            description=_("Konsultasi saat sosialisasi: %(topic)s", topic=session.topic),
        )
    return SessionIntakeForm()


def _session_context(session, **extra) -> dict:
    return {
        "outreach_session": session,  # not "session": that name is Flask's in templates
        "cases": (cases := service.cases_opened_at(current_user, session)),
        "cases_elsewhere": len(session.session_cases) - len(cases),
        "place_name": regions.full_name(
            session.province_code, session.regency_code, session.district_code, session.village_code
        ),
        "may_edit": access.can_edit_session(current_user, session),
        "may_intake": access.can_intake_at_session(current_user, session),
        "intake_form": extra.pop("intake_form", None) or _intake_form(session),
        "photo_form": extra.pop("photo_form", None) or PhotoForm(formdata=None),
        **extra,
    }


@bp.get("/<int:session_id>")
def session_detail(session_id: int):
    session = access.get_session_or_404(current_user, session_id)
    return render_template("outreach/session.html", **_session_context(session))


INTAKE_FRAGMENTS = {"session-intake": "outreach/_intake_form.html"}


@bp.post("/<int:session_id>/intake")
def session_intake(session_id: int):
    """One household's case from the session page: htmx gets a cleared form plus the new row
    (out of band); without JavaScript, Post/Redirect/Get back to the session."""
    session = access.get_session_or_404(current_user, session_id, action="intake")
    form = _intake_form(session, formdata=True)
    error = None
    if form.validate_on_submit():
        try:
            result = service.intake_at_session(current_user, session, form.applicant_data(), form.case_data())
        except CaseError as exc:
            error = str(exc)
        else:
            case = result.case
            message = _(
                "Kasus %(number)s untuk %(name)s tercatat.", number=case.number, name=case.applicant.name
            )
            if result.applicant_reused:
                message += " " + _("Pemohon sudah terdaftar; kasus dikaitkan ke data yang ada.")
            if fragment_for(INTAKE_FRAGMENTS):
                db.session.refresh(session)
                page = render_template(
                    "outreach/_intake_result.html",
                    outreach_session=session,
                    case=case,
                    cases_count=len(session.session_cases),
                    intake_form=_intake_form(session),
                    notice=message,
                    may_intake=True,
                )
                return page
            flash(message, "success")
            return redirect(url_for("outreach.session_detail", session_id=session.id) + "#session-intake")
    if fragment := fragment_for(INTAKE_FRAGMENTS):
        return render_template(fragment, outreach_session=session, intake_form=form, error=error), 422
    if error:
        flash(error, "error")
    return render_template("outreach/session.html", **_session_context(session, intake_form=form)), 422


@bp.post("/<int:session_id>/photos")
def add_photo(session_id: int):
    session = access.get_session_or_404(current_user, session_id, action="edit")
    form = PhotoForm()
    upload = form.photo.data
    if not form.validate_on_submit() or not upload or not getattr(upload, "filename", ""):
        flash(_("Pilih foto yang akan diunggah."), "error")
        return render_template("outreach/session.html", **_session_context(session)), 422
    try:
        stored = store_upload(upload, get_storage(), current_app.config["MAX_UPLOAD_BYTES"])
        if not stored.content_type.startswith("image/"):
            discard(get_storage(), [stored])  # a PDF: refused after it was written
            raise UploadError(_("Unggah foto (JPG/PNG/WebP), bukan PDF."))
    except UploadError as exc:
        flash(str(exc), "error")
        return render_template("outreach/session.html", **_session_context(session)), 422
    service.add_photo(current_user, session, stored)
    flash(_("Foto ditambahkan."), "success")
    return redirect(url_for("outreach.session_detail", session_id=session.id))


@bp.get("/<int:session_id>/photos/<int:photo_id>")
def photo(session_id: int, photo_id: int):
    session = access.get_session_or_404(current_user, session_id)
    found = db.session.execute(
        select(OutreachPhoto).where(OutreachPhoto.id == photo_id, OutreachPhoto.session_id == session.id)
    ).scalar_one_or_none()
    if found is None:
        abort(404)
    return send_stored(get_storage(), found.stored_name, found.content_type, found.original_name)


# ---------------------------------------------------------------- groups


@bp.get("/groups")
def groups():
    q = request.args.get("q", "")[:100]
    return render_template("outreach/groups.html", groups=service.list_groups(current_user, q), q=q)


@bp.route("/groups/new", methods=["GET", "POST"])
def new_group():
    units = access.units_for_intake(current_user)
    if not units:
        abort(403)
    form = GroupForm()
    form.unit_id.choices = [(u.id, u.name) for u in units]
    if request.method == "GET":
        form.unit_id.data = (
            current_user.unit_id if current_user.unit_id in [u.id for u in units] else units[0].id
        )
        form.channel.data = Channel.WALK_IN
    form.set_region_choices()
    if form.validate_on_submit():
        unit = _chosen_unit(form, units)
        try:
            result = service.create_group(
                current_user, unit, form.group_data(), form.case_data(), form.member_list()
            )
        except CaseError as exc:
            flash(str(exc), "error")
        else:
            flash(
                _(
                    "Kelompok %(name)s terdaftar; kasus %(number)s tercatat.",
                    name=result.case.applicant.name,
                    number=result.case.number,
                ),
                "success",
            )
            return redirect(url_for("outreach.group_detail", group_id=result.case.applicant_id))
    status = 422 if request.method == "POST" else 200
    return render_template("outreach/group_form.html", form=form), status


def group_context(group, **extra) -> dict:
    """What templates/outreach/_group_section.html needs; an applicant page of a group can reuse it."""
    return {
        "group": group,
        "members": service.members_of(group),
        "contact": service.group_contact(current_user, group),
        "cases": service.group_cases(current_user, group),
        "sessions": service.group_sessions(current_user, group),
        "region_name": regions.full_name(
            group.province_code, group.regency_code, group.district_code, group.village_code
        ),
        "may_edit": access.can_edit_group(current_user, group),
        "may_intake": bool(access.units_for_intake(current_user)),
        "member_form": extra.pop("member_form", None) or MemberForm(formdata=None),
        "paste_form": extra.pop("paste_form", None) or MemberPasteForm(formdata=None),
        "paste_lines": extra.pop("paste_lines", None),
        "paste_error": extra.pop("paste_error", None),
        **extra,
    }


@bp.get("/groups/<int:group_id>")
def group_detail(group_id: int):
    group = access.get_group_or_404(current_user, group_id)
    return render_template("outreach/group.html", **group_context(group))


MEMBER_FRAGMENTS = {"group-members": "outreach/_members.html"}


@bp.post("/groups/<int:group_id>/members")
def add_member(group_id: int):
    group = access.get_group_or_404(current_user, group_id, action="edit")
    form = MemberForm()
    if form.validate_on_submit():
        try:
            service.add_member(current_user, group, form.name.data.strip(), form.nik.data or None)
        except CaseError as exc:
            db.session.rollback()
            form.nik.errors = [str(exc)]
        else:
            if fragment := fragment_for(MEMBER_FRAGMENTS):
                return render_template(fragment, **group_context(group, notice=_("Anggota ditambahkan.")))
            flash(_("Anggota ditambahkan."), "success")
            return redirect(url_for("outreach.group_detail", group_id=group.id))
    return render_page_or_fragment(
        "outreach/group.html", MEMBER_FRAGMENTS, **group_context(group, member_form=form)
    ), 422


@bp.post("/groups/<int:group_id>/members/paste")
def paste_members(group_id: int):
    """A pasted member list: first a preview, line by line, saving nothing; the desk's confirmation
    (the same text posted again with `confirm`) saves it. htmx swaps the member list; without
    JavaScript the group page shows the preview (a plain two-step post)."""
    group = access.get_group_or_404(current_user, group_id, action="edit")
    form = MemberPasteForm()
    lines, error = None, None
    if form.validate_on_submit():
        if request.form.get("confirm"):
            try:
                added = service.add_pasted_members(current_user, group, form.members.data)
            except CaseError as exc:
                db.session.rollback()
                error = str(exc)
            else:
                message = _("%(n)s anggota ditambahkan.", n=len(added))
                if fragment := fragment_for(MEMBER_FRAGMENTS):
                    return render_template(fragment, **group_context(group, notice=message))
                flash(message, "success")
                return redirect(url_for("outreach.group_detail", group_id=group.id) + "#group-members")
        lines = service.preview_members(group, form.members.data)
    status = 200 if lines is not None and error is None else 422
    context = group_context(group, paste_form=form, paste_lines=lines, paste_error=error)
    return render_page_or_fragment("outreach/group.html", MEMBER_FRAGMENTS, **context), status


def _member_or_404(group, member_id: int):
    member = service.member_of(group, member_id)
    if member is None:
        abort(404)
    return member


@bp.route("/groups/<int:group_id>/members/<int:member_id>/edit", methods=["GET", "POST"])
def edit_member(group_id: int, member_id: int):
    group = access.get_group_or_404(current_user, group_id, action="edit")
    member = _member_or_404(group, member_id)
    form = MemberEditForm(formdata=None, name=member.name) if request.method == "GET" else MemberEditForm()
    if form.validate_on_submit():
        nik = "" if form.clear_nik.data else (form.nik.data or None)
        try:
            service.update_member(current_user, group, member, form.name.data, nik)
        except CaseError as exc:
            db.session.rollback()
            form.nik.errors = [*form.nik.errors, str(exc)]
        else:
            flash(_("Data anggota diperbarui."), "success")
            return redirect(url_for("outreach.group_detail", group_id=group.id) + "#group-members")
    status = 422 if request.method == "POST" else 200
    return render_template("outreach/member_form.html", group=group, member=member, form=form), status


@bp.post("/groups/<int:group_id>/members/<int:member_id>/remove")
def remove_member(group_id: int, member_id: int):
    group = access.get_group_or_404(current_user, group_id, action="edit")
    member = _member_or_404(group, member_id)
    name = member.name
    service.remove_member(current_user, group, member)
    message = _("%(name)s dihapus dari daftar anggota.", name=name)
    if fragment := fragment_for(MEMBER_FRAGMENTS):
        return render_template(fragment, **group_context(group, notice=message))
    flash(message, "success")
    return redirect(url_for("outreach.group_detail", group_id=group.id) + "#group-members")


@bp.route("/groups/<int:group_id>/cases/new", methods=["GET", "POST"])
def new_group_case(group_id: int):
    group = access.get_group_or_404(current_user, group_id, action="intake")
    units = access.units_for_intake(current_user)
    if not units:
        abort(403)
    form = GroupCaseForm()
    unit_choices = [(u.id, u.name) for u in units]
    chosen = request.form.get("unit_id", type=int) if request.method == "POST" else None
    unit = next((u for u in units if u.id == chosen), None) if chosen else None
    if unit is None:
        unit = next((u for u in units if u.id == current_user.unit_id), units[0])
    if form.validate_on_submit():
        try:
            result = service.open_group_case(current_user, unit, group, form.case_data())
        except CaseError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Kasus %(number)s tercatat.", number=result.case.number), "success")
            if access.can_view_case(current_user, result.case):
                return redirect(url_for("cases.detail", case_id=result.case.id))
            return redirect(url_for("outreach.group_detail", group_id=group.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "outreach/group_case_form.html", form=form, group=group, unit_choices=unit_choices, unit=unit
    ), status
