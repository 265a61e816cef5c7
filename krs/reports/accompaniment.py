"""Evaluation of construction accompaniment (issue 19 part 4, the accompaniment half): per office
for a period (the dashboard's, a year by default) — households accompanied and those reaching
100 %, and the checklist items of earthquake-safer details most often *tidak sesuai anjuran*.

- accompanied: households (distinct applicants) whose accompaniment ran during the period
  (started on or before its end, not completed before its start), counted by the office that
  started it;
- reached 100 %: those whose 100 % stage visit falls in the period;
- checklist items: the marks of stage visits dated in the period; the share not as advised is of
  the items seen (sesuai + tidak sesuai), *tidak terlihat* is left out.

The dashboard shows it as the "accompaniment" tile, the evaluation XLSX as one sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, case, func, or_, select

from krs.extensions import db
from krs.models import (
    Accompaniment,
    AccompanimentCheck,
    AccompanimentCheckItem,
    AccompanimentVisit,
    Case,
    CheckMark,
    shown_text,
)
from krs.prepared import prepared


@dataclass
class UnitRow:
    unit_id: int
    name: str
    accompanied: int = 0
    completed: int = 0

    @property
    def completed_pct(self) -> float | None:
        return round(100 * self.completed / self.accompanied, 1) if self.accompanied else None


@dataclass
class ItemRow:
    name: str
    not_as_advised: int
    seen: int

    @property
    def share_pct(self) -> float | None:
        return round(100 * self.not_as_advised / self.seen, 1) if self.seen else None


@dataclass
class AccompanimentFigures:
    units: list[UnitRow] = field(default_factory=list)
    items: list[ItemRow] = field(default_factory=list)

    @property
    def accompanied(self) -> int:
        return sum(u.accompanied for u in self.units)

    @property
    def completed(self) -> int:
        return sum(u.completed for u in self.units)


@prepared
def _accompanied():
    """Households accompanied in the period (a running accompaniment) and those that reached 100 %."""
    start, end = bindparam("start"), bindparam("end")
    finished = case((Accompaniment.completed_on.between(start, end), Case.applicant_id))
    running = and_(
        Accompaniment.unit_id.in_(bindparam("ids", expanding=True)),
        Accompaniment.started_on <= end,
        or_(Accompaniment.completed_on.is_(None), Accompaniment.completed_on >= start),
    )
    return (
        select(
            Accompaniment.unit_id,
            func.count(func.distinct(Case.applicant_id)),
            func.count(func.distinct(finished)),
        )
        .join(Case, Accompaniment.case_id == Case.id)
        .where(running)
        .group_by(Accompaniment.unit_id)
    )


@prepared
def _check_items():
    """Each checklist item of the period's visits: how often not as advised, how often seen."""
    bad = func.sum(case((AccompanimentCheck.mark == CheckMark.NOT_AS_ADVISED.value, 1), else_=0))
    seen = func.sum(case((AccompanimentCheck.mark != CheckMark.NOT_VISIBLE.value, 1), else_=0))
    return (
        select(AccompanimentCheckItem.name, bad, seen)
        .select_from(AccompanimentCheck)
        .join(AccompanimentCheckItem, AccompanimentCheck.item_id == AccompanimentCheckItem.id)
        .join(AccompanimentVisit, AccompanimentCheck.visit_id == AccompanimentVisit.id)
        .join(Accompaniment, AccompanimentVisit.accompaniment_id == Accompaniment.id)
        .where(
            Accompaniment.unit_id.in_(bindparam("ids", expanding=True)),
            AccompanimentVisit.visit_date.between(bindparam("start"), bindparam("end")),
        )
        .group_by(AccompanimentCheckItem.id, AccompanimentCheckItem.name)
        .order_by(bad.desc(), AccompanimentCheckItem.name)
    )


def figures(units, period) -> AccompanimentFigures:
    """The figures for the given offices (already narrowed by krs.access) and period."""
    ids = [u.id for u in units]
    out = AccompanimentFigures(units=[UnitRow(u.id, u.name) for u in units])
    if not ids:
        return out
    by_unit = {row.unit_id: row for row in out.units}
    values = {"ids": ids, "start": period.start, "end": period.end}
    for unit_id, accompanied, completed in db.session.execute(_accompanied(), values):
        by_unit[unit_id].accompanied = accompanied
        by_unit[unit_id].completed = completed
    out.items = [
        ItemRow(shown_text(name), int(b or 0), int(s or 0))
        for name, b, s in db.session.execute(_check_items(), values)
    ]
    return out


def write_sheet(book, units, period, table_sheet) -> None:
    """The evaluation XLSX's sheet (`table_sheet` makes a sheet the way the others are made)."""
    figs = figures(units, period)
    ws = table_sheet(book, _("Pendampingan pembangunan"))
    ws.table_header([_("Unit"), _("Rumah tangga didampingi"), _("Mencapai 100 %"), _("Mencapai 100 % (%)")])
    for row in figs.units:
        ws.append([row.name, row.accompanied, row.completed, row.completed_pct])
    ws.append([])
    ws.append([_("Butir daftar periksa"), _("Tidak sesuai anjuran"), _("Terlihat"), _("Tidak sesuai (%)")])
    for item in figs.items:
        ws.append([item.name, item.not_as_advised, item.seen, item.share_pct])
