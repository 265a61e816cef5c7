"""Demo livability assessments (RTLH) and programme pre-checks (issue 19, h19a): in every office a
few households assessed on a field visit (some livable, some not), one of them assessed again
after the works, and pre-checks for BSPS and FLPP, so the dashboard's figures are not empty."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from krs.assessments import service
from krs.extensions import db
from krs.models import Case, CaseStatus, Component, CriterionRule, HealthItem, Rating, Unit, User
from krs.workdays import today_in

PER_UNIT = 5


def _ratings(rng: random.Random, bad: bool) -> dict:
    ratings = {c.value: rng.choice([Rating.GOOD, Rating.GOOD, Rating.LIGHT]).value for c in Component}
    if bad:
        for c in rng.sample(Component.structural(), k=rng.randint(1, 2)):
            ratings[c.value] = rng.choice([Rating.MODERATE, Rating.HEAVY]).value
        ratings[Component.ROOF_COVER.value] = Rating.HEAVY.value
    return ratings


def _actor(case: Case) -> User:
    if case.assignee is not None and case.assignee.active:
        return case.assignee
    return db.session.scalars(
        select(User)
        .where(User.unit_id == case.unit_id, User.role == "staff", User.active.is_(True))
        .order_by(User.id)
    ).first()


def seed_assessments_demo(rng: random.Random | None = None) -> dict:
    rng = rng or random.Random(2619)
    service.ensure_default_criteria()
    db.session.commit()
    counts = {"assessments": 0, "prechecks": 0}
    units = db.session.scalars(select(Unit).where(Unit.kind != "direktorat").order_by(Unit.id)).all()
    for unit in units:
        today = today_in(unit.timezone)
        year_start = date(today.year, 1, 1)
        cases = db.session.scalars(
            select(Case)
            .where(
                Case.unit_id == unit.id, Case.status == CaseStatus.IN_PROGRESS, Case.assignee_id.is_not(None)
            )
            .order_by(Case.id)
            .limit(PER_UNIT)
        ).all()
        for i, case in enumerate(cases):
            actor = _actor(case)
            if actor is None:
                continue
            bad = i % 5 in (0, 1, 3)  # three of five households not livable
            occupants = case.occupants or case.applicant.household_size or 4
            area = Decimal(str(case.floor_area_m2 or 36))
            if i % 5 == 3:  # crowded: the floor area decides
                area = Decimal(occupants * 6)
                ratings = _ratings(rng, bad=False)
            else:
                ratings = _ratings(rng, bad)
            health = {h.value: True for h in HealthItem}
            if i % 5 == 1:
                health[HealthItem.TOILET_SEPTIC.value] = False
            first_day = max(year_start, today - timedelta(days=rng.randint(40, 200)))
            first = service.record_assessment(
                actor,
                case,
                service.AssessmentData(
                    assessed_on=first_day,
                    ratings=ratings,
                    floor_area_m2=area,
                    occupants=occupants,
                    health=health,
                    note="Kunjungan lapangan (data demo).",
                ),
                None,
            )
            counts["assessments"] += 1
            if i == 0:  # the works are done: assessed again, now livable
                after = {c.value: Rating.GOOD.value for c in Component}
                service.record_assessment(
                    actor,
                    case,
                    service.AssessmentData(
                        assessed_on=min(today, first_day + timedelta(days=35)),
                        ratings=after,
                        floor_area_m2=area,
                        occupants=occupants,
                        health={h.value: True for h in HealthItem},
                        note="Penilaian ulang setelah perbaikan (data demo).",
                    ),
                    None,
                )
                counts["assessments"] += 1
                continue
            for programme in ("bsps", "flpp") if i % 2 else ("bsps",):
                criteria = service.criteria_of_programme(programme, today)
                answers = {
                    str(c.id): rng.choice(["yes", "yes", "yes", "no", "unknown"])
                    for c in criteria
                    if c.rule
                    in (CriterionRule.HOUSE_OWNED_LIVED, CriterionRule.NO_EARLIER_AID, CriterionRule.DESK_YES)
                }
                if first.verdict == "tidak_layak_huni" and i % 5 != 3:
                    answers = dict.fromkeys(answers, "yes")  # a qualifying household to refer
                answers["married"] = rng.choice(["yes", "no"])
                service.record_precheck(actor, case, programme, answers, today, None)
                counts["prechecks"] += 1
    return counts
