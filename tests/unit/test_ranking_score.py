"""The national ranking's composite score (issue 14, point 10): timeliness alone ranked first a unit
with most of its cases still open."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from krs.ikm import IkmResult
from krs.reports import service

PERIOD = service.Period(date(2026, 1, 1), date(2026, 6, 30))


def _report(**by_code) -> service.Report:
    units = [SimpleNamespace(id=i, name=code, code=code) for i, code in enumerate(by_code, start=1)]
    by_unit = {u.id: by_code[u.code] for u in units}
    return service.Report(PERIOD, units, service.Figures(), by_unit)


def _figures(cases_in, closed, on_time, open_now, ikm=None, respondents=0) -> service.Figures:
    return service.Figures(
        cases_in=cases_in,
        cases_closed=closed,
        closed_on_time=on_time,
        backlog={"in_progress": open_now},
        ikm=IkmResult(respondents, ikm=Decimal(ikm) if ikm is not None else None),
    )


# Bali: 70 cases, 49 still open; the 21 it closed were nearly all on time (95.2 %).
# Jawa: a lower on-time share (70 %) but almost no backlog.
BALI = _figures(70, 21, 20, 49)
JAWA = _figures(12, 10, 7, 2)


def test_a_large_backlog_keeps_bali_from_the_top():
    rep = _report(BALI=BALI, JAWA2=JAWA)
    by_sla = service.ranking(rep, None, "within_sla")
    assert by_sla[0]["unit"].code == "BALI"  # what the page showed before
    rows = service.ranking(rep, None)  # the default: the composite score
    assert [r["unit"].code for r in rows] == ["JAWA2", "BALI"]
    bali = rows[1]
    assert bali["open_share"] == 70.0
    # 50 % × 20/21 + 30 % × (1 − 49/70), no IKM: its 20 % is left out and the rest counts in proportion
    assert bali["score"] == round(100 * (0.5 * 20 / 21 + 0.3 * 0.3) / 0.8, 1) == 70.8
    assert rows[0]["score"] == round(100 * (0.5 * 0.7 + 0.3 * 10 / 12) / 0.8, 1) == 75.0


def test_the_score_counts_ikm_when_there_are_respondents():
    f = _figures(10, 10, 10, 0, ikm="80.00", respondents=5)
    assert service.composite_score(f) == 96.0  # 50 + 30 + 20 × 0.8
    assert service.composite_score(service.Figures()) is None  # nothing to score


def test_sorting_by_a_column_and_direction_changes_the_order():
    rep = _report(BALI=BALI, JAWA2=JAWA, JAWA3=_figures(30, 5, 5, 1))
    codes = lambda rows: [r["unit"].code for r in rows]  # noqa: E731
    assert codes(service.ranking(rep, None, "cases_in")) == ["BALI", "JAWA3", "JAWA2"]
    assert codes(service.ranking(rep, None, "cases_in", "asc")) == ["JAWA2", "JAWA3", "BALI"]
    assert codes(service.ranking(rep, None, "backlog")) == ["JAWA3", "JAWA2", "BALI"]  # fewer open first
    rows = service.ranking(rep, None, "backlog", "desc")
    assert codes(rows) == ["BALI", "JAWA2", "JAWA3"] and [r["rank"] for r in rows] == [1, 2, 3]
    assert codes(service.ranking(rep, None, "nonsense")) == codes(service.ranking(rep, None, "score"))
