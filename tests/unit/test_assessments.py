"""Issue 19 (h19a): the livability verdict rule and the programme pre-check rule, pinned on
fixtures; recording (event, audit, optimistic lock); criteria versions keep old assessments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from krs.assessments import service
from krs.extensions import db
from krs.models import (
    Assessment,
    AuditLog,
    CaseStatus,
    Event,
    ProgrammeCriterion,
    Role,
    RtlhCriteria,
)

RULES = dict(service.DEFAULT_RTLH_RULES)
GOOD = {
    c: "baik"
    for c in (
        "foundation",
        "sloof",
        "columns",
        "ring_beam",
        "roof_frame",
        "floor",
        "walls",
        "frames",
        "roof_cover",
    )
}
HEALTHY = {
    "ventilation": True,
    "lighting": True,
    "toilet_septic": True,
    "drinking_water": True,
    "drain": True,
}


def judge(ratings=None, area="36", occupants=4, health=None, rules=None):
    return service.judge_livability(
        rules or RULES, {**GOOD, **(ratings or {})}, Decimal(area), occupants, {**HEALTHY, **(health or {})}
    )


# ---------------------------------------------------------------- the verdict rule


def test_all_good_is_livable_with_the_passed_tests_as_reasons():
    verdict, reasons = judge()
    assert verdict == "layak_huni"
    codes = [r["code"] for r in reasons]
    assert codes == ["structural:ok", "area:ok", "health:ok"]
    assert not any(r["decisive"] for r in reasons)
    assert "9,0 m²" in reasons[1]["text"]


@pytest.mark.parametrize("component", ["foundation", "sloof", "columns", "ring_beam", "roof_frame"])
@pytest.mark.parametrize("rating", ["rusak_sedang", "rusak_berat"])
def test_each_structural_component_moderate_or_worse_decides(component, rating):
    verdict, reasons = judge({component: rating})
    assert verdict == "tidak_layak_huni"
    assert [r["code"] for r in reasons] == [f"structural:{component}"]
    assert reasons[0]["decisive"]


def test_light_structural_damage_is_still_livable():
    assert judge({"columns": "rusak_ringan", "foundation": "rusak_ringan"})[0] == "layak_huni"


def test_non_structural_damage_does_not_decide_under_the_shipped_rule_but_does_when_set():
    assert judge({"walls": "rusak_berat", "roof_cover": "rusak_berat"})[0] == "layak_huni"
    rules = {**RULES, "non_structural_fail_from": "rusak_berat"}
    verdict, reasons = judge({"walls": "rusak_berat", "floor": "rusak_sedang"}, rules=rules)
    assert verdict == "tidak_layak_huni"
    assert [r["code"] for r in reasons] == ["non_structural:walls"]


def test_floor_area_exactly_at_the_minimum_passes_and_just_below_fails():
    assert judge(area="36", occupants=4)[0] == "layak_huni"  # exactly 9 m² per person
    verdict, reasons = judge(area="35.9", occupants=4)
    assert verdict == "tidak_layak_huni"
    assert [r["code"] for r in reasons] == ["area"]
    assert "8,98 m² per orang" in reasons[0]["text"] and "minimum 9,0 m²" in reasons[0]["text"]


def test_minimum_area_is_the_version_setting():
    rules = {**RULES, "min_area_per_person": "7.2"}
    assert judge(area="30", occupants=4, rules=rules)[0] == "layak_huni"  # 7.5 ≥ 7.2
    assert judge(area="30", occupants=4)[0] == "tidak_layak_huni"  # 7.5 < 9


@pytest.mark.parametrize("item", ["toilet_septic", "drinking_water"])
def test_each_required_health_item_decides(item):
    verdict, reasons = judge(health={item: False})
    assert verdict == "tidak_layak_huni"
    assert [r["code"] for r in reasons] == [f"health:{item}"]


def test_health_items_not_required_are_recorded_not_deciding():
    assert judge(health={"ventilation": False, "lighting": False, "drain": False})[0] == "layak_huni"


def test_every_failed_test_is_listed():
    verdict, reasons = judge(
        {"columns": "rusak_berat"}, area="20", occupants=5, health={"drinking_water": False}
    )
    assert verdict == "tidak_layak_huni"
    assert [r["code"] for r in reasons] == ["structural:columns", "area", "health:drinking_water"]


def test_check_rules_refuses_nonsense():
    with pytest.raises(service.AssessmentError):
        service.check_rules({**RULES, "min_area_per_person": "0"})
    with pytest.raises(service.AssessmentError):
        service.check_rules({**RULES, "structural_fail_from": "hancur"})


# ---------------------------------------------------------------- recording


def _data(day=date(2026, 11, 20), **kw):
    return service.AssessmentData(
        assessed_on=day,
        ratings=kw.pop("ratings", dict(GOOD)),
        floor_area_m2=kw.pop("area", Decimal("36")),
        occupants=kw.pop("occupants", 4),
        health=kw.pop("health", dict(HEALTHY)),
        **kw,
    )


def test_recording_writes_event_and_audit_and_bumps_the_version(make_user, make_case):
    staff = make_user(Role.STAFF)
    case = make_case(status=CaseStatus.IN_PROGRESS)
    version = case.version
    a = service.record_assessment(staff, case, _data(ratings={**GOOD, "columns": "rusak_berat"}), version)
    assert a.verdict == "tidak_layak_huni" and a.criteria.version == service.DEFAULT_RTLH_VERSION
    event = db.session.get(Event, a.event_id)
    assert event.kind == "field_visit" and event.data["assessment_id"] == a.id
    log = db.session.scalars(select(AuditLog).where(AuditLog.action == "assessment.create")).one()
    assert log.entity_id == a.id and log.after["ratings"]["columns"] == "rusak_berat"
    assert case.version > version
    with pytest.raises(service.ConflictError):
        service.record_assessment(staff, case, _data(), version)  # the form of the older version


def test_reassessment_points_at_the_earlier_one(make_user, make_case):
    staff = make_user(Role.STAFF)
    case = make_case(status=CaseStatus.IN_PROGRESS)
    first = service.record_assessment(staff, case, _data(ratings={**GOOD, "roof_frame": "rusak_berat"}), None)
    second = service.record_assessment(staff, case, _data(day=date(2026, 11, 25)), None)
    assert second.previous_id == first.id and second.verdict == "layak_huni"
    rows = {r["component"]: r for r in service.comparison(second)}
    assert rows["roof_frame"]["improved"] and rows["roof_frame"]["before"].startswith("Rusak berat")


def test_a_new_criteria_version_keeps_old_assessments_on_their_version(make_user, make_case):
    admin = make_user(Role.ADMIN)
    staff = make_user(Role.STAFF)
    case = make_case(status=CaseStatus.IN_PROGRESS)
    old = service.record_assessment(staff, case, _data(area=Decimal("30"), day=date(2026, 11, 1)), None)
    assert old.verdict == "tidak_layak_huni"  # 7.5 m² < 9
    service.add_criteria_version(
        admin,
        "KRS-2026.2",
        "Uji: 7,2 m² per orang",
        date(2026, 11, 10),
        {**RULES, "min_area_per_person": "7.2"},
        None,
    )
    new = service.record_assessment(staff, case, _data(area=Decimal("30"), day=date(2026, 11, 20)), None)
    assert new.verdict == "layak_huni" and new.criteria.version == "KRS-2026.2"
    db.session.expire_all()
    old = db.session.get(Assessment, old.id)
    assert old.verdict == "tidak_layak_huni" and old.criteria.version == service.DEFAULT_RTLH_VERSION
    # an assessment dated before the new version still takes the old one
    back = service.record_assessment(staff, case, _data(area=Decimal("30"), day=date(2026, 11, 5)), None)
    assert back.criteria.version == service.DEFAULT_RTLH_VERSION
    assert db.session.scalar(
        select(RtlhCriteria).where(RtlhCriteria.version == "KRS-2026.2")
    ).min_area_per_person == Decimal("7.2")


def test_interns_assess_only_cases_assigned_to_them(make_user, make_case):
    intern = make_user(Role.INTERN)
    mine = make_case(status=CaseStatus.IN_PROGRESS, assignee=intern)
    other = make_case(status=CaseStatus.IN_PROGRESS)
    assert service.record_assessment(intern, mine, _data(), None).assessor_id == intern.id
    with pytest.raises(service.AssessmentError):
        service.record_assessment(intern, other, _data(), None)


# ---------------------------------------------------------------- the pre-check rule


def facts(**kw):
    base = {
        "monthly_income": 3_000_000,
        "province_code": "32",
        "regency_code": "32.73",
        "land_status": "shm",
        "rtlh_verdict": "tidak_layak_huni",
    }
    return service.HouseholdFacts(**{**base, **kw})


def crit(rule, cid=1, params=None, valid_from=date(2025, 1, 1), valid_to=None):
    return ProgrammeCriterion(
        id=cid,
        programme="bsps",
        question=f"q {rule}",
        rule=rule,
        params=params,
        source="uji",
        valid_from=valid_from,
        valid_to=valid_to,
        active=True,
    )


def bsps():
    return [
        crit("income_mbr", 1, service.MBR_ZONES),
        crit("land_owned", 2, service.LAND_PARAMS),
        crit("rtlh", 3),
        crit("house_owned_lived", 4),
        crit("no_earlier_aid", 5),
    ]


YES = {"4": "yes", "5": "yes"}


def test_all_met_is_likely():
    result, reasons = service.evaluate_precheck(bsps(), facts(), YES)
    assert result == "kemungkinan_memenuhi"
    assert [r["outcome"] for r in reasons] == ["met"] * 5


@pytest.mark.parametrize(
    ("change", "answers", "index"),
    [
        ({"monthly_income": 12_000_000}, YES, 0),
        ({"land_status": "none"}, YES, 1),
        ({"rtlh_verdict": "layak_huni"}, YES, 2),
        ({}, {"4": "no", "5": "yes"}, 3),
        ({}, {"4": "yes", "5": "no"}, 4),
    ],
)
def test_each_condition_not_met_gives_not_met(change, answers, index):
    result, reasons = service.evaluate_precheck(bsps(), facts(**change), answers)
    assert result == "tidak_memenuhi"
    assert [i for i, r in enumerate(reasons) if r["outcome"] == "not_met"] == [index]


@pytest.mark.parametrize(
    ("change", "answers", "index"),
    [
        ({"monthly_income": None}, YES, 0),
        ({"province_code": None, "regency_code": None}, YES, 0),
        ({"land_status": None}, YES, 1),
        ({"land_status": "girik"}, YES, 1),
        ({"rtlh_verdict": None}, YES, 2),
        ({}, {"5": "yes"}, 3),
    ],
)
def test_missing_data_is_unknown(change, answers, index):
    result, reasons = service.evaluate_precheck(bsps(), facts(**change), answers)
    assert result == "belum_diketahui"
    assert [i for i, r in enumerate(reasons) if r["outcome"] == "unknown"] == [index]


def test_not_met_wins_over_unknown():
    result, _ = service.evaluate_precheck(bsps(), facts(monthly_income=None, land_status="none"), YES)
    assert result == "tidak_memenuhi"


def test_income_between_the_limits_needs_the_marital_status():
    between = facts(monthly_income=9_000_000)  # zone 1: 8.5 jt unmarried, 10 jt married
    only_income = [crit("income_mbr", 1, service.MBR_ZONES)]
    assert service.evaluate_precheck(only_income, between, {})[0] == "belum_diketahui"
    assert service.evaluate_precheck(only_income, between, {"married": "yes"})[0] == "kemungkinan_memenuhi"
    assert service.evaluate_precheck(only_income, between, {"married": "no"})[0] == "tidak_memenuhi"
    # exactly at the limit meets it
    assert (
        service.evaluate_precheck(only_income, facts(monthly_income=8_500_000), {})[0]
        == "kemungkinan_memenuhi"
    )


def test_zones_by_regency_and_province():
    z = service.MBR_ZONES
    assert service.mbr_zone(z, "32", "32.75")["zone"] == 4  # Kota Bekasi: Jabodetabek
    assert service.mbr_zone(z, "32", "32.73")["zone"] == 1
    assert service.mbr_zone(z, "51", None)["zone"] == 2
    assert service.mbr_zone(z, "94", None)["zone"] == 3
    assert service.mbr_zone(z, None, None) is None


def test_no_criteria_is_unknown():
    assert service.evaluate_precheck([], facts(), {}) == ("belum_diketahui", [])


def test_validity_dates_choose_the_criteria(make_user, make_case):
    service.ensure_default_criteria(date(2025, 4, 22))
    db.session.add_all(
        [
            ProgrammeCriterion(
                programme="bsps",
                question="lama",
                rule="desk_yes",
                source="s",
                valid_from=date(2020, 1, 1),
                valid_to=date(2024, 12, 31),
            ),
            ProgrammeCriterion(
                programme="bsps", question="nanti", rule="desk_yes", source="s", valid_from=date(2030, 1, 1)
            ),
        ]
    )
    db.session.commit()
    questions = [c.question for c in service.criteria_of_programme("bsps", date(2026, 11, 20))]
    assert "lama" not in questions and "nanti" not in questions and len(questions) == 6
    assert [c.question for c in service.criteria_of_programme("bsps", date(2024, 6, 1))] == ["lama"]


def test_recording_a_precheck_uses_the_case_data_and_the_latest_assessment(make_user, make_case):
    staff = make_user(Role.STAFF)
    case = make_case(status=CaseStatus.IN_PROGRESS, land_status="shm")
    service.record_assessment(staff, case, _data(ratings={**GOOD, "columns": "rusak_berat"}), None)
    service.ensure_default_criteria()
    desk = [
        c
        for c in service.criteria_of_programme("bsps", date(2026, 11, 20))
        if c.rule in ("house_owned_lived", "no_earlier_aid", "desk_yes")
    ]
    answers = {str(c.id): "yes" for c in desk}
    pc = service.record_precheck(staff, case, "bsps", answers, date(2026, 11, 20), case.version)
    assert pc.result == "kemungkinan_memenuhi", pc.reasons
    assert pc.assessment_id is not None
    event = db.session.scalars(
        select(Event).where(Event.case_id == case.id).order_by(Event.id.desc())
    ).first()
    assert event.data["precheck_id"] == pc.id and "bukan keputusan" in event.body
    assert (
        db.session.scalars(select(AuditLog).where(AuditLog.action == "precheck.create")).one().entity_id
        == pc.id
    )
