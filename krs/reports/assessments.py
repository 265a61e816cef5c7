"""Evaluation of the livability assessments and programme pre-checks (issue 19, part 4, h19a):
per office and period (a year on the evaluation) — households assessed, the share not livable,
pre-checks by programme and result. The dashboard tile "assessments" and a sheet of the
evaluation XLSX read these figures; both pass the units the user may see (krs.access).

A household is counted once per office: its latest assessment in the period decides whether it
is counted as not livable (a re-assessment after works replaces the earlier verdict)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from krs.extensions import db
from krs.models import Assessment, Case, PreCheck, PreCheckResult, Unit, Verdict
from krs.prepared import prepared


@dataclass
class UnitAssessmentFigures:
    unit: Unit
    households_assessed: int = 0
    not_livable: int = 0
    reassessed: int = 0
    prechecks: dict = field(default_factory=dict)  # programme -> {result: n}

    @property
    def not_livable_pct(self) -> float | None:
        if not self.households_assessed:
            return None
        return round(100 * self.not_livable / self.households_assessed, 1)

    @property
    def prechecks_total(self) -> int:
        return sum(sum(r.values()) for r in self.prechecks.values())


@dataclass
class AssessmentFigures:
    rows: list[UnitAssessmentFigures]
    total: UnitAssessmentFigures
    programmes: list[tuple[str, str]]  # (code, label) of the programmes with pre-checks


def programme_labels() -> dict[str, str]:
    return {code: label for code, label in current_app.config["KRS_REFERRAL_PROGRAMMES"]}


@prepared
def _latest_assessments():
    """The latest assessment per household (applicant) and office in the period: its verdict and
    how many the household had."""
    latest = (
        select(
            Assessment.unit_id,
            Case.applicant_id,
            func.max(Assessment.id).label("last_id"),
            func.count(Assessment.id).label("n"),
        )
        .join(Case, Assessment.case_id == Case.id)
        .where(
            Assessment.unit_id.in_(bindparam("ids", expanding=True)),
            Assessment.assessed_on.between(bindparam("start"), bindparam("end")),
        )
        .group_by(Assessment.unit_id, Case.applicant_id)
        .subquery()
    )
    return select(latest.c.unit_id, Assessment.verdict, latest.c.n).join(
        Assessment, Assessment.id == latest.c.last_id
    )


@prepared
def _prechecks():
    return (
        select(PreCheck.unit_id, PreCheck.programme, PreCheck.result, func.count())
        .where(
            PreCheck.unit_id.in_(bindparam("ids", expanding=True)),
            PreCheck.checked_on.between(bindparam("start"), bindparam("end")),
        )
        .group_by(PreCheck.unit_id, PreCheck.programme, PreCheck.result)
    )


def figures(units: list[Unit], start: date, end: date) -> AssessmentFigures:
    """Three grouped queries whatever the number of offices."""
    by_unit = {u.id: UnitAssessmentFigures(u) for u in units}
    total = UnitAssessmentFigures(unit=None)
    ids = list(by_unit)
    if ids:
        values = {"ids": ids, "start": start, "end": end}
        for unit_id, verdict, n in db.session.execute(_latest_assessments(), values):
            row = by_unit[unit_id]
            row.households_assessed += 1
            row.not_livable += verdict == Verdict.NOT_LIVABLE
            row.reassessed += n > 1
        for unit_id, programme, result, n in db.session.execute(_prechecks(), values):
            by_unit[unit_id].prechecks.setdefault(programme, {})[result] = n
    for row in by_unit.values():
        total.households_assessed += row.households_assessed
        total.not_livable += row.not_livable
        total.reassessed += row.reassessed
        for programme, results in row.prechecks.items():
            into = total.prechecks.setdefault(programme, {})
            for result, n in results.items():
                into[result] = into.get(result, 0) + n
    labels = programme_labels()
    order = list(labels)
    codes = sorted(total.prechecks, key=lambda c: (order.index(c) if c in order else len(order), c))
    return AssessmentFigures(list(by_unit.values()), total, [(c, labels.get(c, c)) for c in codes])


def results() -> list[PreCheckResult]:
    return list(PreCheckResult)


def write_evaluation_sheet(ws, units: list[Unit], start: date, end: date) -> None:
    """The evaluation XLSX's sheet: one row per office, then the pre-checks by programme and result."""
    figs = figures(units, start, end)
    ws.table_header(
        [
            _("Unit"),
            _("Rumah tangga dinilai (RTLH)"),
            _("Tidak layak huni"),
            _("Tidak layak huni (%)"),
            _("Dinilai ulang"),
            _("Pra-periksa"),
            *[f"{label}: {r.label}" for _code, label in figs.programmes for r in PreCheckResult],
        ]
    )
    for row in [*figs.rows, figs.total]:
        ws.append(
            [
                row.unit.name if row.unit is not None else _("Semua unit terpilih"),
                row.households_assessed,
                row.not_livable,
                row.not_livable_pct,
                row.reassessed,
                row.prechecks_total,
                *[
                    row.prechecks.get(code, {}).get(r.value, 0)
                    for code, _label in figs.programmes
                    for r in PreCheckResult
                ],
            ]
        )
