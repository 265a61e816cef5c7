"""krs/reports/rab.py: RABs handed over per office and month, their value, the items used most."""

from datetime import date
from decimal import Decimal as D

from sqlalchemy import select

from krs.extensions import db
from krs.models import Role, WorkItem
from krs.rab import service
from krs.rab.starter import load_starter_set
from krs.reports.rab import rab_figures
from krs.reports.service import Period
from tests.unit.test_rab_service import make_price_list


def test_figures_count_handed_over_only_per_office(units, make_user, make_case):
    load_starter_set()
    db.session.commit()
    items = {w.code: w for w in db.session.scalars(select(WorkItem))}
    made = []
    lists = {key: make_price_list(units[key]) for key in ("jawa2", "jawa3")}
    for key in ("jawa2", "jawa2", "jawa3"):
        unit = units[key]
        pl = lists[key]
        actor = make_user(Role.STAFF, unit)
        rab = service.create_rab(actor, make_case(unit=unit), price_list=pl)
        service.add_work_items(
            actor, rab, [items["F.01"], items["W.01"]] if key == "jawa2" else [items["F.01"]]
        )
        for line in rab.lines:
            service.update_line(actor, rab, line, volume=D(2), volume_note="", by_household=False)
        made.append(rab)
    for rab in made[:2]:
        service.hand_over(rab.created_by, rab)
    draft_value = made[2].total
    period = Period(date(2020, 1, 1), date(2030, 12, 31))
    both = rab_figures([units["jawa2"], units["jawa3"]], period)
    assert both.count == 2 and both.value == made[0].total + made[1].total
    assert both.top_items[0][:3] == ("F.01", items["F.01"].name, 2)
    assert sum(c for c, _v in both.per_unit_month.values()) == 2
    only3 = rab_figures([units["jawa3"]], period)
    assert only3.count == 0 and draft_value > 0  # the draft is not counted
