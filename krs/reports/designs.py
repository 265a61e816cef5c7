"""Designs handed out (issue 18, part 1): counts by design and by office for the reports page.

The tile is served here (`reports.designs_tile`, registered on the reports blueprint at the end of
krs/reports/routes.py) and loaded by the reports page with htmx like the other tiles. Counts only:
no case, no applicant. The RAB figures live apart in krs/reports/rab.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from krs import access
from krs.extensions import db
from krs.models import Design, DesignHandout, Unit
from krs.reports.service import Period, in_period, parse_period
from krs.workdays import local_date, today_in


@dataclass
class DesignCount:
    design_id: int
    code: str
    name: str
    national: bool
    count: int


def handouts_by_design(units: list[Unit], period: Period) -> list[DesignCount]:
    """Hand-outs in the period by the chosen offices, per design (most used first)."""
    if not units:
        return []
    stmt = (
        select(Design.id, Design.code, Design.name, Design.unit_id, func.count(DesignHandout.id))
        .join(DesignHandout, DesignHandout.design_id == Design.id)
        .join(Unit, Unit.id == DesignHandout.unit_id)
        .where(DesignHandout.unit_id.in_([u.id for u in units]))
        .where(in_period(DesignHandout.handed_at, period, [u.timezone for u in units]))
        .group_by(Design.id, Design.code, Design.name, Design.unit_id)
        .order_by(func.count(DesignHandout.id).desc(), Design.code)
    )
    return [DesignCount(i, c, n, u is None, int(k)) for i, c, n, u, k in db.session.execute(stmt).all()]


def handouts_by_office(units: list[Unit], period: Period) -> list[tuple[Unit, int]]:
    """Hand-outs in the period per office (every chosen office, zero included)."""
    if not units:
        return []
    stmt = (
        select(DesignHandout.unit_id, func.count(DesignHandout.id))
        .join(Unit, Unit.id == DesignHandout.unit_id)
        .where(DesignHandout.unit_id.in_([u.id for u in units]))
        .where(in_period(DesignHandout.handed_at, period, [u.timezone for u in units]))
        .group_by(DesignHandout.unit_id)
    )
    counts = dict(db.session.execute(stmt).all())
    return [(u, int(counts.get(u.id, 0))) for u in units]


def tile():
    """The tile (a fragment for the reports page's htmx, else a page of its own)."""
    units = access.report_units_chosen(current_user, request.args.getlist("unit"))
    today = today_in(current_user.unit.timezone)
    period = parse_period(request.args.get("start"), request.args.get("end"), today)
    by_office = handouts_by_office(units, period)
    context = {
        "by_design": handouts_by_design(units, period),
        "by_office": by_office,
        "total": sum(n for _u, n in by_office),
        "period": period,
    }
    if request.headers.get("HX-Request"):
        return render_template("reports/_designs_tile.html", **context)
    return render_template("reports/designs_tile_page.html", **context)


def write_evaluation_sheet(new_sheet, units: list[Unit], period: Period) -> None:
    """The designs sheet of the evaluation XLSX: hand-outs per office, month (the office's own
    calendar) and design; `new_sheet(title)` gives a sheet of the book."""
    ws = new_sheet(_("Desain diserahkan"))
    ws.table_header([_("Unit"), _("Bulan"), _("Kode desain"), _("Nama desain"), _("Diserahkan")])
    if not units:
        return
    by_id = {u.id: u for u in units}
    stmt = (
        select(DesignHandout.unit_id, DesignHandout.handed_at, Design.code, Design.name)
        .join(Design, Design.id == DesignHandout.design_id)
        .join(Unit, Unit.id == DesignHandout.unit_id)  # in_period reads the office's zone
        .where(DesignHandout.unit_id.in_(list(by_id)))
        .where(in_period(DesignHandout.handed_at, period, [u.timezone for u in units]))
    )
    counts: dict[tuple[str, str, str, str], int] = {}
    for unit_id, handed_at, code, name in db.session.execute(stmt).all():
        unit = by_id[unit_id]
        month = local_date(handed_at, unit.timezone).strftime("%Y-%m")
        key = (unit.name, month, code, name)
        counts[key] = counts.get(key, 0) + 1
    for (unit_name, month, code, name), n in sorted(counts.items()):
        ws.append([unit_name, month, code, name, n])
