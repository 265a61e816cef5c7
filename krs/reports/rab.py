"""Report figures of issue 18's cost estimates (h18b): RABs handed over per office and month,
their total value, and the work items used most. Kept apart from the case figures (service.py)
and from the designs' figures (krs/reports/designs.py). Every handed-over version counts (a
household given a corrected RAB got two); a month is the office's own calendar month."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select

from krs.extensions import db
from krs.models import Rab, RabLine, RabStatus


@dataclass
class RabFigures:
    count: int = 0
    value: Decimal = Decimal(0)
    household: Decimal = Decimal(0)
    # (unit id, "YYYY-MM") -> [count, value]
    per_unit_month: dict = field(default_factory=lambda: defaultdict(lambda: [0, Decimal(0)]))
    top_items: list = field(default_factory=list)  # (code, name, RABs using it, lines)


def rab_figures(units, period, top: int = 10) -> RabFigures:
    """Handed-over RABs of `units` in `period` (a krs.reports.service.Period)."""
    result = RabFigures()
    ids = []
    for unit in units:
        lo, hi = period.bounds(unit.timezone)
        rows = db.session.execute(
            select(Rab.id, Rab.handed_over_at, Rab.total, Rab.household_amount).where(
                Rab.unit_id == unit.id,
                Rab.status == RabStatus.HANDED_OVER,
                Rab.handed_over_at >= lo,
                Rab.handed_over_at < hi,
            )
        ).all()
        zone = ZoneInfo(unit.timezone)
        for rab_id, at, total, household in rows:
            ids.append(rab_id)
            result.count += 1
            result.value += total or 0
            result.household += household or 0
            month = at.astimezone(zone).strftime("%Y-%m") if at.tzinfo else at.strftime("%Y-%m")
            cell = result.per_unit_month[(unit.id, month)]
            cell[0] += 1
            cell[1] += total or 0
    if ids:
        result.top_items = [
            tuple(r)
            for r in db.session.execute(
                select(
                    RabLine.code,
                    func.min(RabLine.name),
                    func.count(func.distinct(RabLine.rab_id)),
                    func.count(),
                )
                .where(RabLine.rab_id.in_(ids))
                .group_by(RabLine.code)
                .order_by(func.count(func.distinct(RabLine.rab_id)).desc(), RabLine.code)
                .limit(top)
            )
        ]
    return result


def write_evaluation_sheets(new_sheet, units, period) -> None:
    """The RAB sheets of the evaluation XLSX; `new_sheet(title)` gives a sheet of the book."""
    figures = rab_figures(units, period)
    names = {u.id: u.name for u in units}
    ws = new_sheet(_("RAB diserahkan"))
    ws.table_header([_("Unit"), _("Bulan"), _("RAB diserahkan"), _("Nilai RAB (Rp)")])
    for (unit_id, month), (count, value) in sorted(
        figures.per_unit_month.items(), key=lambda kv: (names.get(kv[0][0], ""), kv[0][1])
    ):
        ws.append([names.get(unit_id, ""), month, count, int(value)])
    ws = new_sheet(_("Pekerjaan RAB terbanyak"))
    ws.table_header([_("Kode"), _("Uraian pekerjaan"), _("Dipakai di RAB"), _("Baris")])
    for code, name, rabs, lines in figures.top_items:
        ws.append([code, name, rabs, lines])
