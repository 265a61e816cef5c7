"""Construction accompaniment (issue 19 part 3): stage order, progress rules, the next visit's due
date and overdue in working days, the checklist summary, Event + AuditLog in one transaction under
the case lock, and the evaluation figures (krs/reports/accompaniment.py)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from krs.accompaniment import service
from krs.extensions import db
from krs.models import (
    Accompaniment,
    AccompanimentCheck,
    AuditLog,
    CaseStatus,
    CheckMark,
    Event,
    EventKind,
)
from krs.reports import accompaniment as evaluation
from krs.reports.service import Period
from krs.workdays import add_working_days

TODAY = date(2026, 11, 27)  # a Friday


@pytest.fixture
def ref():
    service.ensure_defaults()
    return service.stages(), service.check_items()


@pytest.fixture
def case(make_case):
    return make_case(status=CaseStatus.IN_PROGRESS)


def _staff(case):
    return case.created_by


def _marks(items, mark="sesuai", **special):
    out = {i.id: mark for i in items}
    for item in items:
        if item.code in special:
            out[item.id] = special[item.code]
    return out


def _data(stage, items, day, progress=None, **kw):
    return service.VisitData(
        stage=stage,
        visit_date=day,
        officer=kw.pop("officer", None),
        progress_percent=stage.percent if progress is None else progress,
        advice=kw.pop("advice", "Rapatkan begel."),
        marks=kw.pop("marks", None) or _marks(items),
    )


def _start(case, day=TODAY - timedelta(days=40)):
    return service.start_accompaniment(_staff(case), case, day, "renovate", TODAY, case.version)


def _visit(case, acc, stage, items, day, progress=None, **kw):
    data = _data(stage, items, day, progress, **kw)
    data.officer = data.officer or _staff(case)
    return service.record_visit(_staff(case), acc, data, TODAY, None)


# ---------------------------------------------------------------- stage order


def test_default_stages_are_ordered_0_30_50_100(ref):
    stages, items = ref
    assert [s.percent for s in stages] == [0, 30, 50, 100]
    assert {i.code for i in items} >= {
        "beton",
        "sloof",
        "kolom",
        "ring-balok",
        "sengkang",
        "angkur",
        "kuda-kuda",
    }
    assert all(i.source for i in items)


def test_next_stage_follows_the_order_and_skipping_forward_is_allowed(ref):
    stages, _items = ref
    assert service.next_stage([], stages) == stages[0]
    assert service.next_stage([stages[0]], stages) == stages[1]
    assert service.next_stage([stages[3]], stages) is None
    assert service.stages_open_to_record([stages[1]], stages) == stages[2:]


def test_a_stage_before_the_last_recorded_or_twice_is_refused(ref, case):
    stages, items = ref
    acc = _start(case)
    _visit(case, acc, stages[0], items, TODAY - timedelta(days=30))
    _visit(case, acc, stages[2], items, TODAY - timedelta(days=20))  # skipping 30 % is allowed
    recorded = service.visits_of(acc)
    earlier = service.visit_problems(acc, recorded, _data(stages[1], items, TODAY), items, TODAY)
    assert any("berurutan" in p for p in earlier)
    twice = service.visit_problems(acc, recorded, _data(stages[2], items, TODAY), items, TODAY)
    assert any("sudah tercatat" in p for p in twice)


# ---------------------------------------------------------------- progress and dates


def test_progress_rules(ref, case):
    stages, items = ref
    acc = _start(case)
    _visit(case, acc, stages[1], items, TODAY - timedelta(days=10), progress=35)
    recorded = service.visits_of(acc)

    def problems(stage, progress, day=TODAY):
        return service.visit_problems(acc, recorded, _data(stage, items, day, progress), items, TODAY)

    assert problems(stages[2], 35) == []  # the same progress as before is fine
    assert any("turun" in p for p in problems(stages[2], 30))
    assert any("0 sampai 100" in p for p in problems(stages[2], 101))
    assert any("100 %" in p for p in problems(stages[3], 99))
    assert problems(stages[3], 100) == []
    assert any("masa depan" in p for p in problems(stages[2], 50, TODAY + timedelta(days=1)))
    assert any("sebelum kunjungan" in p for p in problems(stages[2], 50, TODAY - timedelta(days=11)))
    assert any("dimulai" in p for p in problems(stages[2], 50, TODAY - timedelta(days=41)))


def test_every_checklist_item_must_be_marked(ref, case):
    stages, items = ref
    acc = _start(case)
    marks = _marks(items)
    del marks[items[0].id]
    data = _data(stages[0], items, TODAY, marks=marks)
    found = service.visit_problems(acc, [], data, items, TODAY)
    assert any(items[0].name in p for p in found)


# ---------------------------------------------------------------- due dates in working days


def test_next_visit_due_in_working_days_and_overdue(ref, case):
    stages, items = ref
    start = date(2026, 11, 20)  # a Friday
    acc = _start(case, start)
    # the 0 % visit: 5 working days after the start, across a weekend
    assert acc.next_visit_due == add_working_days(start, 5) == date(2026, 11, 27)
    visit = _visit(case, acc, stages[0], items, date(2026, 11, 23))
    assert visit.next_visit_due == acc.next_visit_due == add_working_days(date(2026, 11, 23), 20)
    assert not service.is_overdue(acc, acc.next_visit_due)  # due today: not yet late
    day_after = acc.next_visit_due + timedelta(days=1)
    assert service.is_overdue(acc, day_after)
    later = add_working_days(acc.next_visit_due, 3)
    assert service.working_days_late(acc, later) == 3


def test_the_100_percent_stage_completes_and_nothing_is_due(ref, case):
    stages, items = ref
    acc = _start(case)
    for i, stage in enumerate(stages):
        _visit(case, acc, stage, items, TODAY - timedelta(days=30 - 5 * i))
    db.session.refresh(acc)
    assert acc.completed_on == TODAY - timedelta(days=15)
    assert acc.next_visit_due is None and acc.progress_percent == 100
    assert not service.is_overdue(acc, TODAY + timedelta(days=400))


def test_overdue_visits_of_the_worklist(ref, case, make_case, units):
    stages, items = ref
    acc = _start(case, TODAY - timedelta(days=60))
    _visit(case, acc, stages[0], items, TODAY - timedelta(days=55))
    fresh = make_case(status=CaseStatus.IN_PROGRESS)
    _start(fresh, TODAY)  # due in 5 working days
    other = make_case(unit=units["jawa3"], status=CaseStatus.IN_PROGRESS)
    other_acc = _start(other, TODAY - timedelta(days=60))
    assert other_acc.next_visit_due < TODAY
    rows = service.overdue_visits(_staff(case), TODAY)
    assert [r.case.id for r in rows] == [case.id]  # not the other office's, not the fresh one
    assert rows[0].stage == stages[1] and rows[0].days_late > 0


# ---------------------------------------------------------------- checklist summary


def test_checklist_summary_counts_every_mark():
    checks = [AccompanimentCheck(mark=m) for m in ("sesuai", "sesuai", "tidak_sesuai", "tidak_terlihat")]
    assert service.checklist_summary(checks) == {"sesuai": 2, "tidak_sesuai": 1, "tidak_terlihat": 1}
    assert service.checklist_summary([]) == {m.value: 0 for m in CheckMark}


# ---------------------------------------------------------------- timeline, audit, lock


def test_start_and_visit_write_event_and_audit_and_bump_the_version(ref, case):
    stages, items = ref
    v0 = case.version
    acc = _start(case)
    assert case.version == v0 + 1
    marks = _marks(items, sengkang="tidak_sesuai", angkur="tidak_terlihat")
    visit = _visit(case, acc, stages[0], items, TODAY - timedelta(days=3), marks=marks)
    assert case.version == v0 + 2
    event = db.session.get(Event, visit.event_id)
    assert event.kind == EventKind.FIELD_VISIT and event.case_id == case.id
    assert "1 tidak sesuai anjuran" in event.body and "Rapatkan begel" in event.body
    assert event.next_action_date == visit.next_visit_due
    actions = db.session.scalars(
        select(AuditLog.action).where(AuditLog.entity == "accompaniment", AuditLog.entity_id == acc.id)
    ).all()
    assert actions == ["accompaniment.start", "accompaniment.visit"]
    assert {c.item.code: c.mark for c in visit.checks}["sengkang"] == "tidak_sesuai"


def test_a_stale_version_is_a_conflict_and_nothing_is_written(ref, case):
    with pytest.raises(service.ConflictError):
        service.start_accompaniment(_staff(case), case, TODAY, "build", TODAY, case.version - 1)
    db.session.rollback()
    assert db.session.scalar(select(Accompaniment.id)) is None


def test_a_closed_case_cannot_be_accompanied(ref, make_case):
    closed = make_case(status=CaseStatus.CLOSED)
    with pytest.raises(service.AccompanimentError):
        service.start_accompaniment(_staff(closed), closed, TODAY, "build", TODAY, None)


def test_starting_twice_is_refused(ref, case):
    _start(case)
    with pytest.raises(service.AccompanimentError):
        service.start_accompaniment(_staff(case), case, TODAY, "build", TODAY, None)


# ---------------------------------------------------------------- evaluation


def test_evaluation_counts_households_and_items_not_as_advised(ref, case, make_case, units):
    stages, items = ref
    acc = _start(case, date(2026, 3, 2))
    for i, stage in enumerate(stages):
        marks = _marks(items, sengkang="tidak_sesuai", kolom="tidak_sesuai" if i == 1 else "sesuai")
        _visit(case, acc, stage, items, date(2026, 3, 10) + timedelta(days=20 * i), marks=marks)
    second = make_case(status=CaseStatus.IN_PROGRESS)
    acc2 = _start(second, date(2026, 5, 4))
    _visit(second, acc2, stages[0], items, date(2026, 5, 6), marks=_marks(items, "tidak_terlihat"))
    other = make_case(unit=units["jawa3"], status=CaseStatus.IN_PROGRESS)
    _start(other, date(2026, 6, 1))

    figs = evaluation.figures([units["jawa2"], units["jawa3"]], Period(date(2026, 1, 1), date(2026, 11, 27)))
    by_unit = {u.name: u for u in figs.units}
    assert (by_unit[units["jawa2"].name].accompanied, by_unit[units["jawa2"].name].completed) == (2, 1)
    assert by_unit[units["jawa2"].name].completed_pct == 50.0
    assert (by_unit[units["jawa3"].name].accompanied, by_unit[units["jawa3"].name].completed) == (1, 0)
    top = figs.items[0]
    assert top.name == "Begel / sengkang" and top.not_as_advised == 4 and top.seen == 4
    assert figs.items[1].name == "Ukuran kolom" and figs.items[1].not_as_advised == 1
    # a period before any visit: nobody, no items
    empty = evaluation.figures([units["jawa2"]], Period(date(2025, 1, 1), date(2025, 12, 31)))
    assert empty.accompanied == 0 and empty.items == []


def test_the_demo_accompanies_households_one_finished_one_overdue():
    from krs.demo import seed_demo
    from krs.workdays import today_in

    seed_demo(n_cases=40)
    rows = list(db.session.scalars(select(Accompaniment)))
    assert len(rows) >= 5
    assert any(a.completed_on is not None and a.progress_percent == 100 for a in rows)
    assert any(service.is_overdue(a, today_in(a.unit.timezone)) for a in rows)
    assert len({a.progress_percent for a in rows}) >= 3  # households at various stages
