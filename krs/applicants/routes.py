"""An applicant's history: every case of theirs in the units the viewer may see."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from krs import access, regions, service_levels
from krs.extensions import db
from krs.models import ApplicantKind, Case
from krs.workdays import today_in

bp = Blueprint("applicants", __name__, url_prefix="/applicants")


@bp.get("/<int:applicant_id>")
def detail(applicant_id: int):
    applicant = access.get_applicant_or_404(current_user, applicant_id)
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
    return render_template(
        "applicants/detail.html",
        applicant=applicant,
        cases=cases,
        today=today_in(current_user.unit.timezone),
        sla_state=service_levels.sla_state,
        region_name=regions.full_name(
            applicant.province_code, applicant.regency_code, applicant.district_code, applicant.village_code
        ),
    )
