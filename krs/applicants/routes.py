"""An applicant's history: every case of theirs in the units the viewer may see."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from krs import access, regions, service_levels
from krs.applicants import service
from krs.extensions import db
from krs.htmx_views import render_page_or_fragment
from krs.models import ApplicantKind, Case
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
    )
