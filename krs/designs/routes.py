"""The design library (/designs, issue 18 part 1): the list, a design's page, creating and editing
designs with their drawings and RAB template lines, and the case page's panel that hands a design
to a case in one click. Thin: rules live in service.py, access decisions in krs/access.py."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from krs import access
from krs.designs import service
from krs.designs.forms import DeleteForm, DesignForm, FileForm, HandOutForm, LineForm
from krs.extensions import db
from krs.fields import format_indonesian_number, parse_indonesian_number
from krs.htmx_views import fragment_for
from krs.models import Structure, Unit
from krs.storage import get_storage
from krs.uploads import UploadError, discard, send_stored, store_upload

bp = Blueprint("designs", __name__, url_prefix="/designs")


@bp.app_template_filter("structure_label")
def structure_label(code):
    return Structure(code).label if Structure.has(code) else (code or "–")


@bp.app_template_filter("num_trim")
def num_trim(value):
    """36,5 · 12,345 · 36 (no trailing zeros): areas and volumes as they were typed."""
    return "–" if value is None else format_indonesian_number(value)


# ---------------------------------------------------------------- the library


def _area_arg(name: str):
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return parse_indonesian_number(raw)
    except ValueError:
        return None


@bp.get("")
def index():
    structure = request.args.get("structure", "")
    scope = request.args.get("scope", "")
    filters = service.Filters(
        structure=structure if Structure.has(structure) else "",
        house_type=request.args.get("house_type", "").strip()[:40],
        area_min=_area_arg("area_min"),
        area_max=_area_arg("area_max"),
        scope=scope if scope in ("national", "office") else "",
    )
    designs = service.list_designs(current_user, filters)
    context = {
        "designs": designs,
        "thumbs": {d.id: service.thumbnail_of(d) for d in designs},
        "units": service.unit_names(designs),
        "filters": filters,
        "args": request.args,
        "structures": list(Structure),
        "house_types": service.house_types(current_user),
        "may_create": bool(access.design_units_for(current_user)),
    }
    fragment = fragment_for({"design-list": "designs/_list.html"})
    return render_template(fragment or "designs/index.html", **context)


@bp.get("/<int:design_id>")
def detail(design_id: int):
    design = access.get_design_or_404(current_user, design_id)
    return render_template(
        "designs/detail.html",
        design=design,
        unit=design.unit_id and db.session.get(Unit, design.unit_id),
        lines=service.template_lines(design),
        usage=service.usage_by_office(design),
        may_edit=access.can_edit_design(current_user, design),
    )


# ---------------------------------------------------------------- create and edit


def _unit_choices() -> list[tuple[str, str]]:
    choices = [(str(u.id), u.name) for u in access.design_units_for(current_user)]
    if access.can_create_design(current_user, None):
        choices.insert(0, ("", _("Nasional (Direktorat)")))
    return choices


def _design_data(form: DesignForm) -> service.DesignData:
    return service.DesignData(
        unit_id=int(form.unit_id.data) if form.unit_id.data else None,
        code=form.code.data,
        name=form.name.data,
        house_type=form.house_type.data or "",
        floor_area_m2=form.floor_area_m2.data,
        floors=form.floors.data,
        bedrooms=form.bedrooms.data,
        rooms=form.rooms.data or "",
        structure=form.structure.data,
        quake_notes=form.quake_notes.data or "",
        description=form.description.data or "",
        active=bool(form.active.data),
    )


def _save(form: DesignForm, design=None):
    """Validate and save; answers the design, or None with the form's errors set."""
    if not form.validate_on_submit():
        return None
    try:
        return service.save_design(current_user, design, _design_data(form))
    except service.DesignError as exc:
        db.session.rollback()
        form.code.errors = [*form.code.errors, str(exc)]
        return None


@bp.route("/new", methods=["GET", "POST"])
def new_design():
    form = DesignForm()
    form.unit_id.choices = _unit_choices()
    if not form.unit_id.choices:
        abort(403)
    if request.method == "GET":
        form.unit_id.data = "" if current_user.role == "admin" else str(current_user.unit_id)
    saved = _save(form) if request.method == "POST" else None
    if saved is not None:
        flash(_("Desain %(code)s tersimpan. Tambahkan gambar dan baris RAB-nya.", code=saved.code), "success")
        return redirect(url_for("designs.edit_design", design_id=saved.id))
    status = 422 if request.method == "POST" else 200
    return render_template("designs/form.html", form=form, design=None), status


def _edit_page(design, form=None, line_form=None, file_form=None, status=200):
    if form is None:
        form = DesignForm(formdata=None, obj=design)
        form.unit_id.choices = _unit_choices()
        form.unit_id.data = str(design.unit_id) if design.unit_id else ""
    return render_template(
        "designs/form.html",
        design=design,
        form=form,
        line_form=line_form or LineForm(formdata=None),
        file_form=file_form or FileForm(formdata=None),
        delete_form=DeleteForm(formdata=None),
        lines=service.template_lines(design),
        work_items=service.work_item_choices(),
    ), status


@bp.route("/<int:design_id>/edit", methods=["GET", "POST"])
def edit_design(design_id: int):
    design = access.get_design_or_404(current_user, design_id, action="edit")
    if request.method == "GET":
        return _edit_page(design)
    form = DesignForm()
    form.unit_id.choices = _unit_choices()
    if _save(form, design) is not None:
        flash(_("Desain %(code)s disimpan.", code=design.code), "success")
        return redirect(url_for("designs.detail", design_id=design.id))
    return _edit_page(design, form=form, status=422)


@bp.post("/<int:design_id>/lines")
def add_line(design_id: int):
    design = access.get_design_or_404(current_user, design_id, action="edit")
    form = LineForm()
    if form.validate_on_submit():
        try:
            line = service.add_line(
                current_user, design, form.work_item_code.data, form.volume.data, form.note.data
            )
        except service.DesignError as exc:
            db.session.rollback()
            form.work_item_code.errors = [*form.work_item_code.errors, str(exc)]
        else:
            flash(_("Baris %(code)s ditambahkan.", code=line.work_item_code), "success")
            return redirect(url_for("designs.edit_design", design_id=design.id) + "#lines")
    return _edit_page(design, line_form=form, status=422)


@bp.post("/<int:design_id>/lines/<int:line_id>/delete")
def remove_line(design_id: int, line_id: int):
    design = access.get_design_or_404(current_user, design_id, action="edit")
    if not DeleteForm().validate_on_submit():
        abort(400)
    try:
        service.remove_line(current_user, design, line_id)
    except service.DesignError:
        db.session.rollback()
        abort(404)
    flash(_("Baris dihapus."), "success")
    return redirect(url_for("designs.edit_design", design_id=design.id) + "#lines")


# ---------------------------------------------------------------- drawings


@bp.post("/<int:design_id>/files")
def add_file(design_id: int):
    design = access.get_design_or_404(current_user, design_id, action="edit")
    form = FileForm()
    upload = form.upload.data
    if not form.validate_on_submit() or not upload or not getattr(upload, "filename", ""):
        form.upload.errors = [*form.upload.errors, _("Pilih berkas gambar atau PDF yang akan diunggah.")]
        return _edit_page(design, file_form=form, status=422)
    try:
        stored = store_upload(upload, get_storage(), current_app.config["MAX_UPLOAD_BYTES"])
    except UploadError as exc:
        form.upload.errors = [*form.upload.errors, str(exc)]
        return _edit_page(design, file_form=form, status=422)
    try:
        service.add_file(current_user, design, stored, form.kind.data, form.title.data)
    except Exception:
        db.session.rollback()
        discard(get_storage(), [stored])
        raise
    flash(_("Berkas %(name)s ditambahkan.", name=stored.original_name), "success")
    return redirect(url_for("designs.edit_design", design_id=design.id) + "#files")


@bp.get("/<int:design_id>/files/<int:file_id>")
def file(design_id: int, file_id: int):
    design = access.get_design_or_404(current_user, design_id)
    found = service.file_of(design, file_id)
    if found is None:
        abort(404)
    return send_stored(get_storage(), found.stored_name, found.content_type, found.original_name)


@bp.post("/<int:design_id>/files/<int:file_id>/delete")
def remove_file(design_id: int, file_id: int):
    design = access.get_design_or_404(current_user, design_id, action="edit")
    if not DeleteForm().validate_on_submit():
        abort(400)
    try:
        stored_name = service.remove_file(current_user, design, file_id)
    except service.DesignError:
        db.session.rollback()
        abort(404)
    try:
        get_storage().delete(stored_name)
    except Exception:  # noqa: BLE001 - the row is gone; a file left in the store is only logged
        current_app.logger.warning("design file %s left in the store", stored_name)
    flash(_("Berkas dihapus."), "success")
    return redirect(url_for("designs.edit_design", design_id=design.id) + "#files")


# ---------------------------------------------------------------- the case page's panel


def _panel_context(case, form=None, error=None):
    may_hand_out = access.can_hand_out_design(current_user, case) and case.status in service.OPEN_STATUSES
    choices = []
    if may_hand_out and form is None:
        form = HandOutForm(formdata=None)
    if may_hand_out:
        choices = service.designs_for_case(case)
        form.design_id.choices = [(d.id, f"{d.code} — {d.name}") for d in choices]
        form.version.data = case.version
    return {
        "case": case,
        "handouts": service.handouts_of_case(case),
        "form": form if may_hand_out and choices else None,
        "may_hand_out": may_hand_out,
        "error": error,
    }


@bp.get("/cases/<int:case_id>")
def case_panel(case_id: int):
    """The case page loads this with hx-get on load; without htmx it is a page of its own."""
    case = access.get_case_or_404(current_user, case_id)
    context = _panel_context(case)
    if fragment_for({"design-panel": "designs/_case_panel.html"}):
        return render_template("designs/_case_panel.html", **context)
    return render_template("designs/case.html", **context)


@bp.post("/cases/<int:case_id>/handout")
def hand_out(case_id: int):
    """One click from the case page: the design goes to the case (hand-out, timeline event, audit)."""
    case = access.get_case_or_404(current_user, case_id)
    if not access.can_hand_out_design(current_user, case):
        abort(404)
    form = HandOutForm()
    form.design_id.choices = [(d.id, d.code) for d in service.designs_for_case(case)]
    if not form.validate_on_submit():
        context = _panel_context(case, error=_("Pilih desain yang akan diserahkan."))
        return render_template("designs/case.html", **context), 422
    design = access.get_design_or_404(current_user, form.design_id.data)
    try:
        service.hand_out(current_user, case, design, form.version.data or None)
    except service.DesignError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("cases.detail", case_id=case.id) + "#design-panel")
    flash(_("Desain %(code)s diserahkan dan tercatat di riwayat kasus.", code=design.code), "success")
    return redirect(url_for("cases.detail", case_id=case.id) + "#timeline")
