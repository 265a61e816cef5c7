"""Price lists (/prices), AHSP work items (/work-items), aid ceilings, and the RAB builder of a
case (/cases/<case_id>/rab, /rab/<rab_id>). Thin: rules in service.py, arithmetic in
arithmetic.py, access in krs/access.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from krs import access, regions
from krs.extensions import db
from krs.htmx_views import render_page_or_fragment
from krs.models import (
    AidCeiling,
    Design,
    PriceItem,
    PriceList,
    RabLine,
    RabTemplateLine,
    ResourceKind,
    WorkItem,
)
from krs.rab import arithmetic, service
from krs.rab.forms import (
    AddLinesForm,
    CeilingForm,
    CopyForm,
    ImportForm,
    LineForm,
    NewRabForm,
    PriceItemForm,
    PriceListForm,
    SettingsForm,
    WorkItemForm,
)
from krs.rab.xlsx import rab_workbook

bp = Blueprint("rab", __name__)


@bp.errorhandler(StaleDataError)
def _changed_meanwhile(_exc):
    """Two people saving the same draft: the second is told and sees the RAB as it is now."""
    db.session.rollback()
    flash(_("RAB ini baru saja diubah orang lain; periksa lalu ulangi."), "error")
    rab_id = (request.view_args or {}).get("rab_id")
    return redirect(url_for("rab.detail", rab_id=rab_id) if rab_id else url_for("rab.price_lists"))


@bp.app_template_filter("resource_kind_label")
def resource_kind_label(code):
    return ResourceKind(code).label if ResourceKind.has(code) else (code or "–")


@bp.app_template_filter("region_name")
def region_name(code):
    return regions.name_of(code)


def _regency_choices(units) -> list[tuple[str, str]]:
    seen, choices = set(), []
    for unit in units:
        for province in [p.strip() for p in (unit.provinces or "").split(",") if p.strip()]:
            for code, name in regions.children(province):
                if code not in seen:
                    seen.add(code)
                    choices.append((code, f"{name} ({code})"))
    return choices


def _get_or_404(model, record_id, **belongs_to):
    """A record by id; 404 when there is none or it is not the parent's (`rab_id=rab.id`)."""
    found = db.session.get(model, record_id)
    if found is None or any(getattr(found, name) != value for name, value in belongs_to.items()):
        abort(404)
    return found


def _form_page(template: str, **context):
    """A form's page: 422 when it comes back from a submission that did not go through."""
    return render_template(template, **context), 422 if request.method == "POST" else 200


def _to_price_list(price_list_id: int):
    return redirect(url_for("rab.price_list", price_list_id=price_list_id))


def _to_rab(rab_id: int, anchor: str = ""):
    return redirect(url_for("rab.detail", rab_id=rab_id) + anchor)


# ---------------------------------------------------------------- price lists


@bp.get("/prices")
def price_lists():
    lists = list(
        db.session.scalars(
            access.price_lists_visible_to(current_user)
            .options(selectinload(PriceList.items), selectinload(PriceList.unit))
            .order_by(PriceList.year.desc(), PriceList.name)
        )
    )
    return render_template(
        "rab/price_lists.html", lists=lists, may_create=access.can_create_price_list(current_user)
    )


@bp.route("/prices/new", methods=["GET", "POST"])
def new_price_list():
    units = access.price_list_units_for(current_user)
    form = PriceListForm()
    form.unit_id.choices = [(u.id, u.name) for u in units]
    form.regency_code.choices = _regency_choices(units)
    if request.method == "GET":
        form.year.data = date.today().year
    if form.validate_on_submit():
        if form.unit_id.data not in {u.id for u in units}:
            abort(404)
        try:
            price_list = service.create_price_list(
                current_user,
                unit_id=form.unit_id.data,
                regency_code=form.regency_code.data,
                year=form.year.data,
                name=form.name.data,
                source=form.source.data,
                source_date=form.source_date.data,
            )
        except Exception:  # the unique name per office, regency and year
            db.session.rollback()
            form.name.errors = [_("Daftar harga dengan nama dan tahun ini sudah ada.")]
        else:
            flash(_("Daftar harga dibuat."), "success")
            return _to_price_list(price_list.id)
    return _form_page("rab/price_list_form.html", form=form)


@bp.get("/prices/<int:price_list_id>")
def price_list(price_list_id: int):
    pl = access.get_price_list_or_404(current_user, price_list_id)
    kind = request.args.get("jenis", "")
    items = [i for i in pl.items if not kind or i.kind == kind]
    return render_page_or_fragment(
        "rab/price_list.html",
        {"price-items": "rab/_price_items.html"},
        pl=pl,
        items=items,
        kind=kind,
        may_edit=access.can_edit_price_list(current_user, pl),
    )


@bp.route("/prices/<int:price_list_id>/items/new", methods=["GET", "POST"], defaults={"item_id": None})
@bp.route("/prices/<int:price_list_id>/items/<int:item_id>", methods=["GET", "POST"])
def edit_price_item(price_list_id: int, item_id: int | None):
    pl = access.get_price_list_or_404(current_user, price_list_id, action="edit")
    item = None if item_id is None else _get_or_404(PriceItem, item_id, price_list_id=pl.id)
    form = PriceItemForm(obj=item if request.method == "GET" else None)
    if request.method == "GET" and item is not None:
        form.price.data = int(item.price)
    if request.method == "POST" and request.form.get("action") == "delete" and item is not None:
        service.delete_price_item(current_user, item)
        flash(_("Harga dihapus."), "success")
        return _to_price_list(pl.id)
    error = None
    if form.validate_on_submit():
        try:
            service.save_price_item(current_user, pl, item, form.data)
        except service.RabError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            flash(_("Harga tersimpan."), "success")
            return _to_price_list(pl.id)
    return _form_page("rab/price_item_form.html", form=form, pl=pl, item=item, error=error)


def _import_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="krs-price-import")


@bp.route("/prices/<int:price_list_id>/import", methods=["GET", "POST"])
def import_prices(price_list_id: int):
    """Upload → dry-run preview (nothing written) → confirm (the previewed rows, signed)."""
    pl = access.get_price_list_or_404(current_user, price_list_id, action="edit")
    form = ImportForm()
    rows, error = None, None
    if form.validate_on_submit():
        if form.token.data:
            try:
                plain = _import_signer().loads(form.token.data)
            except BadSignature:
                abort(400)
            if plain.get("pl") != pl.id:
                abort(400)
            rows = [
                service.ImportRow(**{**r, "price": None if r["price"] is None else Decimal(r["price"])})
                for r in plain["rows"]
            ]
            changed = service.apply_price_import(current_user, pl, rows)
            flash(_("%(n)s harga diimpor.", n=changed), "success")
            return _to_price_list(pl.id)
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            error = _("Pilih berkas XLSX.")
        else:
            data = upload.read(5 * 1024 * 1024 + 1)
            if len(data) > 5 * 1024 * 1024:
                error = _("Berkas lebih dari 5 MB.")
            else:
                import io

                try:
                    rows = service.parse_price_import(io.BytesIO(data), pl)
                except service.RabError as exc:
                    error = str(exc)
    token = None
    if rows is not None:
        token = _import_signer().dumps(
            {
                "pl": pl.id,
                "rows": [{**r.__dict__, "price": None if r.price is None else str(r.price)} for r in rows],
            }
        )
    status = 422 if error else 200
    return render_template("rab/import.html", pl=pl, form=form, rows=rows, token=token, error=error), status


@bp.route("/prices/<int:price_list_id>/copy", methods=["GET", "POST"])
def copy_price_list(price_list_id: int):
    pl = access.get_price_list_or_404(current_user, price_list_id, action="edit")
    form = CopyForm()
    if request.method == "GET":
        form.year.data = pl.year + 1
        form.name.data = (
            pl.name.replace(str(pl.year), str(pl.year + 1))
            if str(pl.year) in pl.name
            else f"{pl.name} {pl.year + 1}"
        )
        form.percent.data = "+0 %"
    error = None
    if form.validate_on_submit():
        try:
            percent = service.parse_percent(form.percent.data)
        except ValueError as exc:
            form.percent.errors = [str(exc)]
        else:
            try:
                copy = service.copy_price_list(
                    current_user, pl, year=form.year.data, percent=percent, name=form.name.data
                )
            except service.RabError as exc:
                db.session.rollback()
                error = str(exc)
            else:
                flash(_("Daftar harga disalin."), "success")
                return _to_price_list(copy.id)
    return _form_page("rab/copy.html", pl=pl, form=form, error=error)


# ---------------------------------------------------------------- work items


@bp.get("/work-items")
def work_items():
    q = request.args.get("q", "")[:100]
    return render_page_or_fragment(
        "rab/work_items.html",
        {"work-item-rows": "rab/_work_item_rows.html"},
        items=service.search_work_items(q),
        q=q,
        may_edit=access.can_edit_work_items(current_user),
    )


@bp.get("/work-items/<int:work_item_id>")
def work_item(work_item_id: int):
    item = _get_or_404(WorkItem, work_item_id)
    return render_template("rab/work_item.html", item=item, may_edit=access.can_edit_work_items(current_user))


@bp.route("/work-items/new", methods=["GET", "POST"], defaults={"work_item_id": None})
@bp.route("/work-items/<int:work_item_id>/edit", methods=["GET", "POST"])
def edit_work_item(work_item_id: int | None):
    item = None if work_item_id is None else _get_or_404(WorkItem, work_item_id)
    form = WorkItemForm(obj=item if request.method == "GET" else None)
    if request.method == "GET":
        form.coefficients.data = service.coefficients_text(item) if item else ""
        if item is None:
            form.active.data = True
    error = None
    if form.validate_on_submit():
        try:
            coefficients = service.parse_coefficients(form.coefficients.data)
        except ValueError as exc:
            form.coefficients.errors = [str(exc)]
        else:
            try:
                item = service.save_work_item(current_user, item, form.data, coefficients)
            except service.RabError as exc:
                db.session.rollback()
                error = str(exc)
            else:
                flash(_("Pekerjaan tersimpan."), "success")
                return redirect(url_for("rab.work_item", work_item_id=item.id))
    return _form_page("rab/work_item_form.html", form=form, item=item, error=error)


# ---------------------------------------------------------------- aid ceilings


@bp.route("/rab/ceilings", methods=["GET", "POST"])
def ceilings():
    form = CeilingForm()
    if form.validate_on_submit():
        ceiling = None
        if form.ceiling_id.data:
            if not form.ceiling_id.data.isdigit():
                abort(404)
            ceiling = _get_or_404(AidCeiling, int(form.ceiling_id.data))
        service.save_aid_ceiling(current_user, ceiling, form.data)
        flash(_("Plafon bantuan tersimpan."), "success")
        return redirect(url_for("rab.ceilings"))
    return _form_page("rab/ceilings.html", form=form, rows=service.aid_ceilings(active_only=False))


# ---------------------------------------------------------------- RAB of a case


@bp.get("/cases/<int:case_id>/rab")
def case_rabs(case_id: int):
    """The case page's RAB panel (loaded by htmx); without htmx a page of its own."""
    case = access.get_case_or_404(current_user, case_id)
    context = {
        "case": case,
        "rabs": service.rabs_of_case(case),
        "may_build": access.can_build_rab(current_user, case),
    }
    return render_page_or_fragment("rab/case.html", {"rab-panel": "rab/_case_panel.html"}, **context)


def _designs_with_template(unit_id: int) -> list[Design]:
    with_lines = select(RabTemplateLine.design_id).distinct()
    stmt = (
        select(Design)
        .where(
            Design.active.is_(True),
            or_(Design.unit_id.is_(None), Design.unit_id == unit_id),
            Design.id.in_(with_lines),
        )
        .order_by(Design.code)
    )
    return list(db.session.scalars(stmt))


def _price_list_choices(case) -> list[tuple[int, str]]:
    lists = db.session.scalars(
        access.price_lists_for_case(current_user, case).order_by(PriceList.year.desc(), PriceList.name)
    )
    return [(pl.id, f"{pl.name} — {regions.name_of(pl.regency_code)} {pl.year}") for pl in lists]


@bp.route("/cases/<int:case_id>/rab/new", methods=["GET", "POST"])
def new_rab(case_id: int):
    case = access.get_case_or_404(current_user, case_id)
    if not access.can_build_rab(current_user, case):
        abort(404)
    form = NewRabForm()
    form.price_list_id.choices = _price_list_choices(case)
    designs = _designs_with_template(case.unit_id)
    form.design_id.choices = [(0, _("— tanpa templat —"))] + [(d.id, f"{d.code} · {d.name}") for d in designs]
    if request.method == "GET":
        default = service.default_price_list(case)
        form.price_list_id.data = default.id if default else None
    if form.validate_on_submit():
        pl = _get_or_404(PriceList, form.price_list_id.data, unit_id=case.unit_id)
        design_id = form.design_id.data or None
        if design_id and design_id not in {d.id for d in designs}:
            abort(404)
        rab = service.create_rab(
            current_user, case, price_list=pl, design_id=design_id, title=form.title.data
        )
        flash(_("RAB versi %(v)s dibuat.", v=rab.version), "success")
        return _to_rab(rab.id)
    return _form_page("rab/new.html", form=form, case=case, has_lists=bool(form.price_list_id.choices))


def _detail_context(rab, **extra):
    totals = service.rab_totals(rab)
    may_edit = access.can_edit_rab(current_user, rab)
    context = {
        "rab": rab,
        "case": rab.case,
        "groups": service.grouped_lines(rab),
        "totals": totals,
        "terbilang": arithmetic.terbilang_rupiah(totals.total),
        "missing": {ln.id: service.missing_prices(ln) for ln in rab.lines},
        "may_edit": may_edit,
        "may_version": access.can_build_rab(current_user, rab.case),
        "may_print": access.can_print_rab(current_user, rab),
        "show_staff": access.can_see_staff_names(current_user),
        "example_codes": set(
            db.session.scalars(
                select(WorkItem.code).where(
                    WorkItem.is_example.is_(True), WorkItem.code.in_([ln.code for ln in rab.lines])
                )
            )
        ),
    }
    if may_edit:
        settings = SettingsForm(formdata=None)
        settings.price_list_id.choices = _price_list_choices(rab.case)
        settings.ceiling_id.choices = [(0, _("— tanpa pembanding —"))] + [
            (c.id, f"{c.name} — Rp {int(c.amount):,}".replace(",", ".")) for c in service.aid_ceilings()
        ]
        settings.title.data = rab.title
        settings.price_list_id.data = rab.price_list_id
        settings.overhead_pct.data = rab.overhead_pct
        settings.smkk_amount.data = int(rab.smkk_amount or 0)
        settings.ceiling_id.data = next(
            (c.id for c in service.aid_ceilings() if c.name == rab.aid_ceiling_name), 0
        )
        add = AddLinesForm(formdata=None)
        add.design_id.choices = [(0, _("— pilih desain —"))] + [
            (d.id, f"{d.code} · {d.name}") for d in _designs_with_template(rab.unit_id)
        ]
        context |= {"settings_form": settings, "add_form": add}
    return context | extra


@bp.get("/rab/<int:rab_id>")
def detail(rab_id: int):
    rab = access.get_rab_or_404(current_user, rab_id)
    q = request.args.get("q", "")[:100]
    results = service.search_work_items(q, limit=30) if q and access.can_edit_rab(current_user, rab) else []
    context = _detail_context(rab, q=q, results=results)
    return render_page_or_fragment(
        "rab/detail.html", {"search-results": "rab/_search_results.html"}, **context
    )


@bp.post("/rab/<int:rab_id>/lines")
def add_lines(rab_id: int):
    rab = access.get_rab_or_404(current_user, rab_id, action="edit")
    form = AddLinesForm()
    form.design_id.choices = [(0, "")] + [(d.id, d.code) for d in _designs_with_template(rab.unit_id)]
    if not form.validate_on_submit():
        flash(_("Pilihan tidak sah."), "error")
        return _to_rab(rab.id)
    if form.design_id.data:
        added = service.add_template(current_user, rab, form.design_id.data)
        flash(_("%(n)s pekerjaan dari templat ditambahkan.", n=added), "success")
    else:
        ids = [int(v) for v in request.form.getlist("work_item_id") if v.isdigit()]
        items = (
            list(db.session.scalars(select(WorkItem).where(WorkItem.id.in_(ids), WorkItem.active.is_(True))))
            if ids
            else []
        )
        if items:
            service.add_work_items(current_user, rab, items)
            flash(_("%(n)s pekerjaan ditambahkan; isi volumenya.", n=len(items)), "success")
        else:
            flash(_("Pilih pekerjaan yang akan ditambahkan."), "error")
    return _to_rab(rab.id, "#rab-lines")


@bp.route("/rab/<int:rab_id>/lines/<int:line_id>", methods=["GET", "POST"])
def edit_line(rab_id: int, line_id: int):
    rab = access.get_rab_or_404(current_user, rab_id, action="edit")
    line = _get_or_404(RabLine, line_id, rab_id=rab.id)
    form = LineForm(obj=line if request.method == "GET" else None)
    if request.method == "POST" and request.form.get("action") == "delete":
        service.delete_line(current_user, rab, line)
        flash(_("Baris dihapus."), "success")
        return _to_rab(rab.id, "#rab-lines")
    error = None
    if form.validate_on_submit():
        volume, note = form.volume.data, form.volume_note.data
        if form.shape.data:
            if (
                form.length.data is None
                or form.width.data is None
                or (form.shape.data == "box" and form.height.data is None)
            ):
                error = _("Isi ukuran untuk bantu hitung.")
            else:
                try:
                    volume, formula = service.helper_volume(
                        form.shape.data,
                        form.length.data,
                        form.width.data,
                        form.height.data,
                        form.openings.data,
                    )
                except service.RabError as exc:
                    error = str(exc)
                else:
                    note = formula
        if error is None:
            service.update_line(
                current_user, rab, line, volume=volume, volume_note=note, by_household=form.by_household.data
            )
            flash(_("Baris %(code)s tersimpan.", code=line.code), "success")
            return _to_rab(rab.id, f"#line-{line.id}")
    return _form_page(
        "rab/line_form.html", form=form, rab=rab, line=line, error=error, parts=service.line_parts(line)
    )


@bp.route("/rab/<int:rab_id>/settings", methods=["GET", "POST"])
def settings(rab_id: int):
    rab = access.get_rab_or_404(current_user, rab_id, action="edit")
    if request.method == "GET":
        return _to_rab(rab.id, "#rab-settings")
    form = SettingsForm()
    form.price_list_id.choices = _price_list_choices(rab.case)
    form.ceiling_id.choices = [(0, "")] + [(c.id, c.name) for c in service.aid_ceilings()]
    if form.validate_on_submit():
        pl = db.session.get(PriceList, form.price_list_id.data)
        ceiling = db.session.get(AidCeiling, form.ceiling_id.data) if form.ceiling_id.data else None
        try:
            service.update_settings(
                current_user,
                rab,
                price_list=pl,
                overhead_pct=form.overhead_pct.data,
                smkk_amount=form.smkk_amount.data,
                ceiling=ceiling,
                title=form.title.data,
            )
        except service.RabError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(_("Pengaturan RAB tersimpan."), "success")
        return _to_rab(rab.id)
    context = _detail_context(rab, q="", results=[])
    context["settings_form"] = form
    return render_template("rab/detail.html", **context), 422


@bp.post("/rab/<int:rab_id>/hand-over")
def hand_over(rab_id: int):
    rab = access.get_rab_or_404(current_user, rab_id, action="edit")
    try:
        service.hand_over(current_user, rab)
    except service.RabError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(_("RAB diserahkan dan tercatat di linimasa kasus."), "success")
    return _to_rab(rab.id)


@bp.post("/rab/<int:rab_id>/new-version")
def new_version(rab_id: int):
    rab = access.get_rab_or_404(current_user, rab_id, action="version")
    copy = service.new_version(current_user, rab)
    flash(_("RAB versi %(v)s dibuat dari versi %(old)s.", v=copy.version, old=rab.version), "success")
    return _to_rab(copy.id)


@bp.get("/rab/<int:rab_id>/print")
def print_rab(rab_id: int):
    rab = access.get_rab_or_404(current_user, rab_id, action="print")
    context = _detail_context(rab)
    return render_template("rab/print.html", unit=rab.unit, printing=True, **context)


@bp.get("/rab/<int:rab_id>/xlsx")
def export_xlsx(rab_id: int):
    rab = access.get_rab_or_404(current_user, rab_id, action="print")
    book = rab_workbook(rab, service.grouped_lines(rab), service.rab_totals(rab))
    name = f"RAB-{rab.case.number}-v{rab.version}.xlsx"
    return send_file(
        book.spooled(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=name,
    )


@bp.app_template_filter("vol")
def vol_filter(value):
    from krs.fields import format_indonesian_number

    return format_indonesian_number(value) if value is not None else "–"


@bp.app_template_filter("rab_status_label")
def rab_status_label(code):
    from krs.models import RabStatus

    return RabStatus(code).label if RabStatus.has(code) else (code or "–")
