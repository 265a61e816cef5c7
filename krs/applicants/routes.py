"""An applicant's history (every case of theirs in the units the viewer may see), and its
corrections: the edit with a reason, and merging two records of one person (issue 14)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from krs import access, applicant_records, regions, service_levels
from krs.applicants import service
from krs.applicants.forms import ApplicantEditForm, MergeForm, UnmergeForm
from krs.extensions import db
from krs.fields import format_phone
from krs.htmx_views import render_page_or_fragment
from krs.models import Applicant, ApplicantKind, ApplicantMerge, Case, Unit
from krs.workdays import today_in

bp = Blueprint("applicants", __name__, url_prefix="/applicants")


@bp.get("/<int:applicant_id>")
def detail(applicant_id: int):
    return _render_detail(access.get_applicant_or_404(current_user, applicant_id))


@bp.post("/<int:applicant_id>/reveal-nik")
def reveal_nik(applicant_id: int):
    """The full NIK (audited): the NIK slot for htmx, else the page with it shown."""
    applicant = access.get_applicant_or_404(current_user, applicant_id)
    if not access.can_reveal_applicant_nik(current_user, applicant):
        abort(404)
    return _render_detail(applicant, revealed=service.reveal_nik(current_user, applicant))


def _render_detail(applicant, revealed: str | None = None):
    if applicant.kind == ApplicantKind.GROUP:
        # a group's page shows its cases, its outreach sessions and its members
        return redirect(url_for("outreach.group_detail", group_id=applicant.id))
    cases = list(
        db.session.scalars(
            access.cases_of_applicant_visible_to(current_user, applicant)
            .options(joinedload(Case.unit), joinedload(Case.assignee))
            .order_by(Case.created_at.desc())
        ).unique()
    )
    may_merge = access.can_merge_applicants(current_user, applicant_records.office_of(applicant))
    return render_page_or_fragment(
        "applicants/detail.html",
        {f"applicant-nik-{applicant.id}": "applicants/_nik.html"},
        applicant=applicant,
        revealed=revealed,
        may_reveal_nik=access.can_reveal_applicant_nik(current_user, applicant),
        cases=cases,
        today=today_in(current_user.unit.timezone),
        sla_state=service_levels.sla_state,
        region_name=regions.full_name(
            applicant.province_code, applicant.regency_code, applicant.district_code, applicant.village_code
        ),
        merged_into=db.session.get(Applicant, applicant.merged_into_id) if applicant.merged_into_id else None,
        may_edit=access.can_edit_applicant(current_user, applicant) and applicant.merged_into_id is None,
        may_merge=may_merge and applicant.merged_into_id is None,
        merges=applicant_records.merges_of(applicant) if may_merge else [],
        may_unmerge=access.can_unmerge_applicants(current_user),
        unmerge_form=UnmergeForm(formdata=None),
    )


def _edit_form_data(applicant: Applicant) -> dict:
    data = {name: getattr(applicant, name) for name in applicant_records.EDITABLE_FIELDS}
    data["nik"] = ""
    return data


@bp.route("/<int:applicant_id>/edit", methods=["GET", "POST"])
def edit(applicant_id: int):
    """Correct an individual applicant of one's office, with a reason (audited, optimistic lock)."""
    applicant = access.get_editable_applicant_or_404(current_user, applicant_id)
    back_case = request.args.get("case", type=int)
    if request.method == "GET":
        form = ApplicantEditForm(formdata=None, data=_edit_form_data(applicant), version=applicant.version)
    else:
        form = ApplicantEditForm()
    form.set_region_choices()
    error, status = None, 200
    if form.validate_on_submit():
        try:
            changed = applicant_records.edit_applicant(
                current_user, applicant, form.changes(), form.reason.data, form.expected_version()
            )
        except applicant_records.RecordError as exc:
            db.session.rollback()
            error = str(exc)
            status = 409 if isinstance(exc, applicant_records.RecordConflict) else 422
        else:
            flash(_("Data pemohon diperbarui (%(n)s isian).", n=len(changed)), "success")
            if back_case:
                return redirect(url_for("cases.detail", case_id=back_case))
            return redirect(url_for("applicants.detail", applicant_id=applicant.id))
    elif request.method == "POST":
        status = 422
    return render_template(
        "applicants/edit.html",
        applicant=applicant,
        form=form,
        error=error,
        back_case=back_case,
        recorded_nik=access.mask_middle(applicant.nik, 4, 2),
    ), status


# ---------------------------------------------------------------- merging two records


def _office_for_merges() -> Unit:
    """The office whose records are compared: one's own; an admin picks one (`unit`)."""
    if current_user.role == access.ADMIN:
        unit_id = request.args.get("unit", type=int)
        units = access.units_visible_to(current_user)
        chosen = next((u for u in units if u.id == unit_id), None) if unit_id else None
        return chosen or (units[0] if units else abort(404))
    return current_user.unit


@bp.get("/duplicates")
def duplicates():
    """Records of the office that may be one person (same NIK or alike names): suggestions only."""
    focus = None
    if request.args.get("applicant"):
        focus = access.get_mergeable_applicant_or_404(current_user, request.args.get("applicant", type=int))
        office = db.session.get(Unit, applicant_records.office_of(focus))
    else:
        office = _office_for_merges()
    if not access.can_merge_applicants(current_user, office.id):
        abort(404)
    candidates = applicant_records.merge_candidates(office.id, focus)
    return render_template(
        "applicants/duplicates.html",
        office=office,
        focus=focus,
        candidates=candidates,
        units=access.units_visible_to(current_user) if current_user.role == access.ADMIN else [],
    )


def _pick_values(a: Applicant, b: Applicant, picks: dict) -> dict:
    return {
        name: getattr(b if picks.get(name) == "b" else a, name) for name in applicant_records.EDITABLE_FIELDS
    }


def _default_picks(a: Applicant, b: Applicant) -> dict:
    return {
        name: "b" if getattr(a, name) in (None, "") and getattr(b, name) not in (None, "") else "a"
        for name in applicant_records.EDITABLE_FIELDS
    }


@bp.route("/merge", methods=["GET", "POST"])
def merge():
    """Two records side by side; the desk chooses the record that stays and each value it keeps."""
    if not (request.args.get("a", type=int) and request.args.get("b", type=int)):
        return redirect(url_for("applicants.duplicates"))  # the pairs to choose from
    a = access.get_mergeable_applicant_or_404(current_user, request.args.get("a", type=int))
    b = access.get_mergeable_applicant_or_404(current_user, request.args.get("b", type=int))
    if a.id == b.id or applicant_records.office_of(a) != applicant_records.office_of(b):
        abort(404)
    form = MergeForm() if request.method == "POST" else MergeForm(formdata=None)
    if request.method == "GET":
        form.version_a.data, form.version_b.data = a.version, b.version
    picks = _default_picks(a, b)
    survivor_key = "a" if a.id < b.id else "b"
    if request.method == "POST":
        picks.update({k: v for k in picks if (v := request.form.get("pick_" + k)) in ("a", "b")})
        if request.form.get("survivor") in ("a", "b"):
            survivor_key = request.form["survivor"]
    error, status = None, 200
    if form.validate_on_submit():
        survivor, other = (a, b) if survivor_key == "a" else (b, a)
        try:
            row = applicant_records.merge_applicants(
                current_user,
                survivor,
                other,
                _pick_values(a, b, picks),
                form.reason.data,
                form.versions(survivor_key == "a"),
            )
        except applicant_records.RecordError as exc:
            db.session.rollback()
            error = str(exc)
            status = 409 if isinstance(exc, applicant_records.RecordConflict) else 422
        else:
            flash(
                _(
                    "Data pemohon digabung: %(n)s kasus dipindahkan ke data yang dipertahankan.",
                    n=len(row.moved_case_ids),
                ),
                "success",
            )
            return redirect(url_for("applicants.detail", applicant_id=survivor.id))
    elif request.method == "POST":
        status = 422
    case_counts = {applicant.id: len(applicant.cases) for applicant in (a, b)}
    return render_template(
        "applicants/merge.html",
        a=a,
        b=b,
        form=form,
        picks=picks,
        survivor_key=survivor_key,
        fields=applicant_records.EDITABLE_FIELDS,
        labels=applicant_records.FIELD_LABELS,
        shown=lambda applicant, name: _shown_value(applicant, name),
        case_counts=case_counts,
        error=error,
    ), status


def _shown_value(applicant: Applicant, name: str) -> str:
    value = getattr(applicant, name)
    if value in (None, ""):
        return "–"
    if name == "nik":
        return access.shown_nik(current_user, applicant)
    if name == "phone":
        return format_phone(access.shown_phone(current_user, applicant))
    if name == "address":
        return access.shown_address(current_user, applicant)
    if name in ("province_code", "regency_code", "district_code", "village_code"):
        return regions.name_of(value) or str(value)
    return str(value)


@bp.post("/merges/<int:merge_id>/unmerge")
def unmerge(merge_id: int):
    """An admin undoes a merge: the moved cases go back to the record they came from."""
    row = db.session.execute(select(ApplicantMerge).where(ApplicantMerge.id == merge_id)).scalar_one_or_none()
    if row is None or not access.can_unmerge_applicants(current_user):
        abort(404)
    access.get_applicant_or_404(current_user, row.survivor_id)
    form = UnmergeForm()
    if not form.validate_on_submit():
        flash(_("Tuliskan alasan pembatalan penggabungan."), "error")
        return redirect(url_for("applicants.detail", applicant_id=row.survivor_id))
    try:
        applicant_records.unmerge(current_user, row, form.reason.data)
    except applicant_records.RecordError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("applicants.detail", applicant_id=row.survivor_id)), 303
    flash(
        _("Penggabungan dibatalkan: %(n)s kasus dikembalikan.", n=len(row.moved_case_ids or [])),
        "success",
    )
    return redirect(url_for("applicants.detail", applicant_id=row.merged_id))
