"""Administration (/admin): units, accounts, reference lists, audit log viewer."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from krs import access, regions
from krs.admin import audit_view, service
from krs.admin.forms import (
    ActiveForm,
    AuditFilterForm,
    CollectiveLeaveForm,
    EndSessionsForm,
    ReferenceItemForm,
    ResetPasswordForm,
    UnitForm,
    UserEditForm,
    UserForm,
)
from krs.extensions import db
from krs.models import ReferenceList, Role, Unit, UnitKind
from krs.pagination import page_number
from krs.storage import get_storage
from krs.uploads import UploadError, discard, send_stored, store_upload
from krs.workdays import today_in

LOGO_MAX_BYTES = 1024 * 1024

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("")
def index():
    return render_template("admin/index.html", manages_all_users=access.can_manage_all_users(current_user))


# ---------------------------------------------------------------- units


def _unit_form(unit: Unit | None = None) -> UnitForm:
    form = UnitForm(obj=None if request.method == "POST" else unit)
    form.provinces.choices = list(regions.children(None))
    if request.method == "GET" and unit is not None:
        form.provinces.data = [p for p in (unit.provinces or "").split(",") if p]
    if form.code.data:
        form.code.data = form.code.data.strip().upper()
    return form


@bp.get("/units")
def units():
    return render_template("admin/units.html", units=service.all_units())


@bp.route("/units/new", methods=["GET", "POST"])
def unit_new():
    return _save_unit(None)


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
def unit_edit(unit_id: int):
    unit = db.session.get(Unit, unit_id) or abort(404)
    return _save_unit(unit)


def _save_unit(unit: Unit | None):
    form = _unit_form(unit)
    if form.validate_on_submit():
        logo = None
        try:
            upload = form.logo.data
            if upload and getattr(upload, "filename", ""):
                logo = store_upload(upload, get_storage(), LOGO_MAX_BYTES)
            saved = service.save_unit(current_user, unit, form.data, logo=logo)
        except UploadError as exc:
            form.logo.errors = [str(exc)]
        except service.AdminError as exc:
            db.session.rollback()
            if logo is not None:
                discard(get_storage(), [logo])
            target = form.logo if logo is not None else form.code
            target.errors = [*target.errors, str(exc)]
        else:
            flash(_("Unit %(name)s disimpan.", name=saved.name), "success")
            return redirect(url_for("admin.units"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/unit_form.html", form=form, unit=unit), status


@bp.get("/units/<int:unit_id>/logo")
def unit_logo(unit_id: int):
    """The letterhead logo (no personal data): any signed-in user prints it on receipts and letters."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or not unit.logo_stored_name:
        abort(404)
    return send_stored(get_storage(), unit.logo_stored_name, unit.logo_content_type, "logo")


# ---------------------------------------------------------------- accounts


def _role_unit_choices(form):
    form.role.choices = [(r.value, r.label) for r in access.roles_assignable_by(current_user)]
    form.unit_id.choices = [(u.id, u.name) for u in access.units_assignable_by(current_user)]


@bp.get("/users")
def users():
    q = request.args.get("q", "")[:60]
    return render_template("admin/users.html", users=service.managed_users(current_user, q), q=q)


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    form = UserForm()
    _role_unit_choices(form)
    if request.method == "GET":
        form.unit_id.data = current_user.unit_id
        form.role.data = Role.STAFF
    if form.validate_on_submit():
        try:
            user, password = service.create_user(current_user, form.data)
        except service.AdminError as exc:
            db.session.rollback()
            form.username.errors = [*form.username.errors, str(exc)]
        else:
            # Shown once on this page (never put in a flash message: those travel in the cookie).
            return render_template("admin/password_shown.html", user=user, password=password, created=True)
    status = 422 if request.method == "POST" else 200
    return render_template("admin/user_new.html", form=form), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = access.get_managed_user_or_404(current_user, user_id)
    form = UserEditForm(obj=None if request.method == "POST" else user)
    _role_unit_choices(form)
    if user.role not in dict(form.role.choices):
        form.role.choices.append((user.role, user.role_label))
    if form.validate_on_submit():
        try:
            service.update_user(current_user, user, form.data)
        except service.AdminError as exc:
            db.session.rollback()
            form.role.errors = [*form.role.errors, str(exc)]
        else:
            flash(_("Akun %(u)s disimpan.", u=user.username), "success")
            return redirect(url_for("admin.users"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/user_edit.html", form=form, user=user), status


@bp.post("/users/<int:user_id>/active")
def user_active(user_id: int):
    user = access.get_managed_user_or_404(current_user, user_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        flash(_("Pilih aktifkan atau nonaktifkan."), "error")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    try:
        service.set_active(current_user, user, form.active.data == "1")
    except service.AdminError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(
            _("Akun %(u)s diaktifkan.", u=user.username)
            if user.active
            else _("Akun %(u)s dinonaktifkan; riwayatnya tetap tersimpan.", u=user.username),
            "success",
        )
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.post("/users/<int:user_id>/reset-password")
def user_reset_password(user_id: int):
    user = access.get_managed_user_or_404(current_user, user_id)
    form = ResetPasswordForm()
    if not form.validate_on_submit() or form.confirm.data != "1":
        flash(_("Konfirmasi atur ulang kata sandi."), "error")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    password = service.reset_password(current_user, user)
    return render_template("admin/password_shown.html", user=user, password=password, created=False)


@bp.post("/users/<int:user_id>/end-sessions")
def user_end_sessions(user_id: int):
    user = access.get_managed_user_or_404(current_user, user_id)
    form = EndSessionsForm()
    if not form.validate_on_submit() or form.confirm.data != "1":
        flash(_("Konfirmasi akhiri semua sesi."), "error")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    ended = service.end_sessions(current_user, user)
    flash(_("%(n)s sesi %(u)s diakhiri; akun ini harus masuk kembali.", n=ended, u=user.username), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


# ---------------------------------------------------------------- reference lists


@bp.route("/reference", methods=["GET", "POST"])
def reference():
    error = None
    if request.method == "POST":
        form = ReferenceItemForm()
        item = service.find_reference_item(form.item_id.data) if form.validate_on_submit() else None
        if item is None:
            db.session.rollback()
            error = _("Isi label lalu simpan lagi.")
        else:
            try:
                service.update_reference_item(current_user, item, form.label.data, bool(form.active.data))
            except service.AdminError as exc:
                db.session.rollback()
                error = str(exc)
            else:
                flash(_("Daftar rujukan disimpan."), "success")
                return redirect(url_for("admin.reference") + f"#ref-{item.id}")
    return render_template(
        "admin/reference.html",
        lists=service.reference_items(seed=False),
        list_labels={r.value: r.label for r in ReferenceList},
        error=error,
        service_levels_url=url_for("reports.service_levels")
        if "reports.service_levels" in current_app.view_functions
        else None,
    ), (422 if error else 200)


# ---------------------------------------------------------------- audit log (read-only)


@bp.get("/audit")
def audit():
    form = AuditFilterForm(request.args)
    form.validate()
    page = page_number(request.args.get("page", 1))
    filters = service.AuditFilters(
        actor=form.actor.data or "",
        action=form.action.data or "",
        entity=form.entity.data or "",
        date_from=form.date_from.data if not form.date_from.errors else None,
        date_to=form.date_to.data if not form.date_to.errors else None,
        page=page,
    )
    result = service.audit_entries(filters, current_user.unit.timezone)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "admin/audit.html",
        form=form,
        page=result,
        lines=audit_view.lines(result.items),
        args=args,
        actions=audit_view.action_choices(),
        entities=audit_view.entity_choices(service.audit_entities()),
    )


# ---------------------------------------------------------------- working calendar (issue 13)


@bp.route("/calendar", methods=["GET", "POST"])
def work_calendar():
    """Per year: whether collective leave (cuti bersama) is a non-working day for due dates."""
    error = None
    if request.method == "POST":
        form = CollectiveLeaveForm()
        if form.validate_on_submit():
            year, off = form.year.data, bool(form.collective_leave_off.data)
            moved = service.set_collective_leave(current_user, year, off)
            flash(
                _("Kalender %(y)s disimpan; batas waktu %(n)s kasus dihitung ulang.", y=year, n=moved),
                "success",
            )
            return redirect(url_for("admin.work_calendar") + f"#year-{year}")
        error = _("Pilih tahun yang tersedia lalu simpan lagi.")
    years = service.calendar_years(today_in(current_user.unit.timezone))
    return render_template("admin/calendar.html", years=years, error=error), (422 if error else 200)


@bp.app_template_filter("unit_kind_label")
def unit_kind_label(value):
    return UnitKind(value).label if UnitKind.has(value) else value


@bp.app_template_filter("province_names")
def province_names(value):
    codes = [c for c in (value or "").split(",") if c]
    return ", ".join(regions.name_of(c) for c in codes) or "–"
