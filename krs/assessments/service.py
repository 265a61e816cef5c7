"""Livability assessments (RTLH) and programme pre-checks (issue 19, parts 1 and 2).

Two plain rule functions decide, from admin reference data, never from numbers in code:
- `judge_livability(rules, ratings, floor_area, occupants, health)` → the verdict and every reason
  (each test that failed, or each test passed when the house is livable);
- `evaluate_precheck(criteria, facts, answers)` → *kemungkinan memenuhi* / *tidak memenuhi* /
  *belum diketahui* with one reason per published condition. A pre-check screens; it never awards.

Recording either is a timeline Event and an AuditLog row in one transaction, with the case's
optimistic lock: a form rendered on an older version of the case is a conflict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from krs import access, audit, case_events
from krs.extensions import db
from krs.formats import fmt_rupiah, in_both_languages
from krs.models import (
    Assessment,
    AssessmentPhoto,
    Attachment,
    AttachmentKind,
    Case,
    CaseStatus,
    Component,
    CriterionRule,
    EventKind,
    HealthItem,
    PreCheck,
    PreCheckResult,
    ProgrammeCriterion,
    Rating,
    RtlhCriteria,
    User,
    Verdict,
)


class AssessmentError(Exception):
    """A rule refused the change; the message is for the user."""


class ConflictError(AssessmentError):
    """The case changed since the form was shown."""

    def __init__(self):
        super().__init__(_l("Kasus ini baru saja diubah orang lain. Muat ulang halaman lalu simpan lagi."))


# ================================================================ reference data (shipped defaults)

DEFAULT_RTLH_VERSION = "KRS-2026.1"
DEFAULT_RTLH_SOURCE = (
    "Aturan kantor (dapat diubah admin): Permen PUPR 29/2018 SPM (9 m² per orang); Kuesioner "
    "Pendataan Rumah 2020 Dit. Rumah Swadaya (komponen); kelas kerusakan formulir kabupaten "
    "(ringan < 25 %, sedang 25–50 %, berat > 50 %). Tidak ada bobot resmi yang ditemukan."
)
DEFAULT_RTLH_RULES = {
    "min_area_per_person": "9",
    "structural_fail_from": Rating.MODERATE.value,  # any structural component moderate or worse
    "non_structural_fail_from": None,  # recorded, not deciding (the office may set e.g. rusak_berat)
    "health_required": [HealthItem.TOILET_SEPTIC.value, HealthItem.DRINKING_WATER.value],
}

# MBR limits per zone (Permen PKP 5/2025, in force 22 Apr 2025). Kemendagri codes.
MBR_ZONES = {
    "zones": [
        {
            "zone": 4,
            "label": "Jabodetabek",
            "provinces": ["31"],
            "regencies": ["32.01", "32.71", "32.76", "36.03", "36.71", "36.74", "32.16", "32.75"],
            "unmarried": 12_000_000,
            "married": 14_000_000,
        },
        {
            "zone": 3,
            "label": "Papua",
            "provinces": ["91", "92", "93", "94", "95", "96"],
            "regencies": [],
            "unmarried": 10_500_000,
            "married": 12_000_000,
        },
        {
            "zone": 2,
            "label": "Kalimantan, Sulawesi, Babel, Kepri, Maluku, Malut, Bali",
            "provinces": ["61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "19", "21"]
            + ["81", "82", "51"],
            "regencies": [],
            "unmarried": 9_000_000,
            "married": 11_000_000,
        },
        {
            "zone": 1,
            "label": "Jawa (di luar Jabodetabek), Sumatera, NTT, NTB",
            "provinces": [],
            "regencies": [],
            "unmarried": 8_500_000,
            "married": 10_000_000,
        },
    ]
}
MBR_SOURCE = "Permen PKP 5/2025 (berlaku 22 Apr 2025; diubah Permen PKP 1/2026, perubahan belum dikonfirmasi)"
LAND_PARAMS = {"met": ["shm", "other_title"], "not_met": ["none"]}  # others: to verify

BSPS_SOURCE = "Permen PUPR 7/2022 (dilaporkan 2023); Permen PKP 10/2025 (teks belum dibaca)"
DEFAULT_PROGRAMME_CRITERIA = [
    # programme, rule, question, params, source
    (
        "bsps",
        CriterionRule.INCOME_MBR,
        "Penghasilan rumah tangga dalam batas MBR zona",
        MBR_ZONES,
        MBR_SOURCE,
    ),
    (
        "bsps",
        CriterionRule.HOUSE_OWNED_LIVED,
        "Memiliki dan menempati rumah ini (satu-satunya rumah) ≥ 3 tahun?",
        None,
        BSPS_SOURCE,
    ),
    ("bsps", CriterionRule.LAND_OWNED, "Tanah milik sendiri dengan bukti sah", LAND_PARAMS, BSPS_SOURCE),
    (
        "bsps",
        CriterionRule.NO_EARLIER_AID,
        "Belum menerima BSPS/bantuan serupa dalam 10 tahun terakhir (kecuali pascabencana)?",
        None,
        BSPS_SOURCE,
    ),
    ("bsps", CriterionRule.RTLH, "Rumah tidak layak huni menurut penilaian RTLH", None, BSPS_SOURCE),
    (
        "bsps",
        CriterionRule.DESK_YES,
        "Bersedia membangun swadaya dalam kelompok (KPB) dan menandatangani surat pernyataan?",
        None,
        BSPS_SOURCE,
    ),
    (
        "flpp",
        CriterionRule.INCOME_MBR,
        "Penghasilan rumah tangga dalam batas MBR zona",
        MBR_ZONES,
        MBR_SOURCE,
    ),
    (
        "flpp",
        CriterionRule.DESK_YES,
        "Belum pernah memiliki rumah (rumah pertama)?",
        None,
        "Ketentuan KPR FLPP / KPR Sejahtera (dilaporkan)",
    ),
    (
        "flpp",
        CriterionRule.NO_EARLIER_AID,
        "Belum pernah menerima subsidi perumahan dari pemerintah?",
        None,
        "Ketentuan KPR FLPP / KPR Sejahtera (dilaporkan)",
    ),
    (
        "tapera",
        CriterionRule.INCOME_MBR,
        "Penghasilan rumah tangga dalam batas MBR zona",
        MBR_ZONES,
        MBR_SOURCE,
    ),
    (
        "tapera",
        CriterionRule.DESK_YES,
        "Peserta Tapera (terdaftar di BP Tapera)?",
        None,
        "BP Tapera: KPR, KRR (renovasi), KBR (bangun)",
    ),
    (
        "tapera",
        CriterionRule.LAND_OWNED,
        "Tanah milik sendiri dengan bukti sah (untuk KRR/KBR)",
        LAND_PARAMS,
        "BP Tapera: KRR/KBR",
    ),
    (
        "bp2bt",
        CriterionRule.INCOME_MBR,
        "Penghasilan rumah tangga dalam batas MBR zona",
        MBR_ZONES,
        MBR_SOURCE,
    ),
    (
        "bp2bt",
        CriterionRule.DESK_YES,
        "Memiliki tabungan di bank pelaksana?",
        None,
        "BP2BT (status program belum dikonfirmasi)",
    ),
    (
        "bp2bt",
        CriterionRule.LAND_OWNED,
        "Tanah milik sendiri dengan bukti sah (bangun swadaya)",
        LAND_PARAMS,
        "BP2BT (status program belum dikonfirmasi)",
    ),
]


def ensure_default_criteria(valid_from: date | None = None) -> None:
    """The shipped RTLH rule and programme criteria when the tables are empty. Migration
    0025_assessments inserts the same rows; this puts them back in a database emptied since (the
    tests) when an assessment or pre-check is recorded, and for the demo seed."""
    start = valid_from or date(2025, 4, 22)
    if db.session.scalar(select(RtlhCriteria.id).limit(1)) is None:
        db.session.add(
            RtlhCriteria(
                version=DEFAULT_RTLH_VERSION,
                source=DEFAULT_RTLH_SOURCE,
                valid_from=date(2018, 1, 1),
                rules=dict(DEFAULT_RTLH_RULES),
                note="Aturan bawaan: komponen struktur rusak sedang/berat, luas per orang di bawah minimum, "
                "atau tanpa air minum layak / jamban bertangki septik → tidak layak huni.",
            )
        )
    if db.session.scalar(select(ProgrammeCriterion.id).limit(1)) is None:
        for order, (programme, rule, question, params, source) in enumerate(DEFAULT_PROGRAMME_CRITERIA):
            db.session.add(
                ProgrammeCriterion(
                    programme=programme,
                    rule=rule.value,
                    question=question,
                    params=params,
                    source=source,
                    valid_from=start,
                    sort_order=order,
                )
            )
    db.session.flush()


def criteria_versions() -> list[RtlhCriteria]:
    return list(
        db.session.scalars(
            select(RtlhCriteria).order_by(RtlhCriteria.valid_from.desc(), RtlhCriteria.id.desc())
        )
    )


def criteria_for(day: date) -> RtlhCriteria | None:
    """The version in force on `day`: the latest valid_from on or before it."""
    return db.session.scalars(
        select(RtlhCriteria)
        .where(RtlhCriteria.valid_from <= day)
        .order_by(RtlhCriteria.valid_from.desc(), RtlhCriteria.id.desc())
        .limit(1)
    ).first()


def add_criteria_version(
    actor: User, version: str, source: str, valid_from: date, rules: dict, note: str | None
):
    version = version.strip()
    if db.session.scalar(select(RtlhCriteria.id).where(RtlhCriteria.version == version)) is not None:
        raise AssessmentError(_l("Versi %(v)s sudah ada.", v=version))
    rules = check_rules(rules)
    row = RtlhCriteria(
        version=version,
        source=source.strip(),
        valid_from=valid_from,
        rules=rules,
        note=note,
        created_by_id=actor.id,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor, "rtlh_criteria.create", "rtlh_criteria", row.id, None, {"version": version, "rules": rules}
    )
    db.session.commit()
    return row


def check_rules(rules: dict) -> dict:
    """Validate the numbers and codes of a rule version; raises AssessmentError."""
    try:
        minimum = Decimal(str(rules.get("min_area_per_person")))
    except Exception as exc:  # noqa: BLE001 - any unreadable number
        raise AssessmentError(_l("Luas minimum per orang harus angka.")) from exc
    if not Decimal("1") <= minimum <= Decimal("50"):
        raise AssessmentError(_l("Luas minimum per orang harus antara 1 dan 50 m²."))
    for key in ("structural_fail_from", "non_structural_fail_from"):
        value = rules.get(key) or None
        if value is not None and not Rating.has(value):
            raise AssessmentError(_l("Tingkat kerusakan tidak dikenal: %(v)s", v=value))
        rules[key] = value
    required = [h for h in rules.get("health_required") or [] if HealthItem.has(h)]
    return {
        "min_area_per_person": str(minimum),
        "structural_fail_from": rules["structural_fail_from"],
        "non_structural_fail_from": rules["non_structural_fail_from"],
        "health_required": required,
    }


# ================================================================ the livability rule


def _reason(code: str, decisive: bool, text) -> dict:
    with force_locale("id"):
        return {"code": code, "decisive": decisive, "text": str(text)}


def _fmt(value: Decimal, places: int = 1) -> str:
    return f"{value:.{places}f}".replace(".", ",")


def judge_livability(
    rules: dict, ratings: dict, floor_area_m2: Decimal, occupants: int, health: dict
) -> tuple[str, list[dict]]:
    """The verdict and its reasons. Not livable when any test fails; then each failed test is a
    decisive reason. Livable: the passed tests are the reasons. Area exactly at the minimum passes."""
    failed: list[dict] = []
    passed: list[dict] = []
    # 1. building safety
    for group, components, key in (
        ("structural", Component.structural(), "structural_fail_from"),
        ("non_structural", Component.non_structural(), "non_structural_fail_from"),
    ):
        threshold = rules.get(key)
        if not threshold:
            continue
        bad = [c for c in components if Rating.rank(ratings.get(c.value)) >= Rating.rank(threshold)]
        for c in bad:
            failed.append(
                _reason(
                    f"{group}:{c.value}",
                    True,
                    _l(
                        "%(component)s %(rating)s (batas: %(threshold)s atau lebih buruk → tidak layak).",
                        component=c.lazy_label,
                        rating=Rating(ratings[c.value]).lazy_label,
                        threshold=Rating(threshold).lazy_label,
                    ),
                )
            )
        if not bad:
            passed.append(
                _reason(
                    f"{group}:ok",
                    False,
                    _l(
                        "Tidak ada komponen struktur %(threshold)s atau lebih buruk.",
                        threshold=Rating(threshold).lazy_label,
                    )
                    if group == "structural"
                    else _l(
                        "Tidak ada komponen non-struktur %(threshold)s atau lebih buruk.",
                        threshold=Rating(threshold).lazy_label,
                    ),
                )
            )
    # 2. floor area per occupant (compared exactly: area >= minimum × occupants)
    minimum = Decimal(str(rules.get("min_area_per_person", "9")))
    area = Decimal(str(floor_area_m2))
    per_person = (area / occupants).quantize(Decimal("0.01")) if occupants else area
    if occupants and area < minimum * occupants:
        failed.append(
            _reason(
                "area",
                True,
                _l(
                    "Luas lantai %(per)s m² per orang (%(area)s m² untuk %(n)s orang), "
                    "di bawah minimum %(min)s m² per orang.",
                    per=_fmt(per_person, 2),
                    area=_fmt(area),
                    n=occupants,
                    min=_fmt(minimum),
                ),
            )
        )
    else:
        passed.append(
            _reason(
                "area:ok",
                False,
                _l(
                    "Luas lantai %(per)s m² per orang, memenuhi minimum %(min)s m².",
                    per=_fmt(per_person),
                    min=_fmt(minimum),
                ),
            )
        )
    # 3. occupant health
    missing = [h for h in rules.get("health_required") or [] if not health.get(h)]
    for h in missing:
        failed.append(_reason(f"health:{h}", True, _l("Tidak ada: %(item)s.", item=HealthItem(h).lazy_label)))
    if rules.get("health_required") and not missing:
        passed.append(
            _reason(
                "health:ok",
                False,
                _l(
                    "Syarat kesehatan terpenuhi: %(items)s.",
                    items=", ".join(str(HealthItem(h).lazy_label).lower() for h in rules["health_required"]),
                ),
            )
        )
    if failed:
        return Verdict.NOT_LIVABLE.value, failed
    return Verdict.LIVABLE.value, passed


# ================================================================ recording an assessment


@dataclass
class AssessmentData:
    assessed_on: date
    ratings: dict
    floor_area_m2: Decimal
    occupants: int
    health: dict
    note: str | None = None
    photos: dict = field(default_factory=dict)  # component -> [krs.uploads.StoredFile]


def _check_version(case: Case, expected_version: int | None) -> None:
    if case_events.is_stale(case, expected_version):
        raise ConflictError()


def latest_assessment(case: Case) -> Assessment | None:
    return db.session.scalars(
        select(Assessment)
        .where(Assessment.case_id == case.id)
        .order_by(Assessment.assessed_on.desc(), Assessment.id.desc())
        .limit(1)
    ).first()


ASSESSMENT_FIELDS = [
    "case_id",
    "assessed_on",
    "verdict",
    "criteria_id",
    "previous_id",
    "floor_area_m2",
    "occupants",
]


def record_assessment(
    actor: User, case: Case, data: AssessmentData, expected_version: int | None
) -> Assessment:
    """The assessment, its photos (case attachments), a field-visit event and an audit row."""
    if not access.can_assess_case(actor, case):
        raise AssessmentError(_l("Anda tidak dapat menilai rumah kasus ini."))
    if case.status == CaseStatus.CLOSED:
        raise AssessmentError(_l("Kasus sudah ditutup. Buka kembali kasus untuk menilai rumahnya."))
    _check_version(case, expected_version)
    missing = [c for c in Component if not Rating.has(data.ratings.get(c.value))]
    if missing:
        raise AssessmentError(_l("Nilai semua komponen: %(c)s belum dinilai.", c=missing[0].label))
    if data.occupants < 1 or data.floor_area_m2 <= 0:
        raise AssessmentError(_l("Luas lantai dan jumlah penghuni harus lebih dari nol."))
    ensure_default_criteria()
    criteria = criteria_for(data.assessed_on)
    if criteria is None:
        raise AssessmentError(_l("Belum ada versi kriteria RTLH yang berlaku pada tanggal itu."))
    previous = latest_assessment(case)
    health = {h.value: bool(data.health.get(h.value)) for h in HealthItem}
    ratings = {c.value: data.ratings[c.value] for c in Component}
    verdict, reasons = judge_livability(criteria.rules, ratings, data.floor_area_m2, data.occupants, health)
    body, body_en = in_both_languages(
        _l(
            "Penilaian kelayakan rumah (RTLH, kriteria %(v)s): %(verdict)s.",
            v=criteria.version,
            verdict=Verdict(verdict).lazy_label,
        )
    )
    event = case_events.add_event(actor, case, EventKind.FIELD_VISIT, body=body, data={"body_en": body_en})
    assessment = Assessment(
        case_id=case.id,
        unit_id=case.unit_id,
        criteria_id=criteria.id,
        previous_id=previous.id if previous else None,
        assessed_on=data.assessed_on,
        assessor_id=actor.id,
        ratings=ratings,
        floor_area_m2=data.floor_area_m2,
        occupants=data.occupants,
        health=health,
        verdict=verdict,
        reasons=reasons,
        note=(data.note or "").strip() or None,
    )
    db.session.add(assessment)
    case_events.bump_version(case)  # the assessment is a change to the case
    with case_events.commit_or_conflict(ConflictError):
        assessment.event_id = event.id
        event.data = {"assessment_id": assessment.id, "verdict": verdict, "body_en": body_en}
        for component, stored_files in data.photos.items():
            for stored in stored_files:
                attachment = Attachment(
                    case_id=case.id,
                    event=event,
                    original_name=stored.original_name,
                    stored_name=stored.stored_name,
                    content_type=stored.content_type,
                    size_bytes=stored.size_bytes,
                    uploaded_by_id=actor.id,
                    kind=AttachmentKind.HOUSE,
                )
                db.session.add(attachment)
                db.session.flush()
                db.session.add(
                    AssessmentPhoto(
                        assessment_id=assessment.id, component=component, attachment_id=attachment.id
                    )
                )
        audit.record(
            actor,
            "assessment.create",
            "rtlh_assessment",
            assessment.id,
            None,
            {**audit.snapshot(assessment, ASSESSMENT_FIELDS), "ratings": ratings, "health": health},
        )
    return assessment


def assessments_of_case(user: User, case: Case) -> list[Assessment]:
    stmt = access.assessments_visible_to(user).where(Assessment.case_id == case.id)
    return list(db.session.scalars(stmt.order_by(Assessment.assessed_on.desc(), Assessment.id.desc())))


def comparison(assessment: Assessment) -> list[dict]:
    """Before/after rows for a re-assessment: each component, area per person and health item."""
    before = assessment.previous
    if before is None:
        return []
    rows = []
    for c in Component:
        rows.append(
            {
                "label": c.label,
                "component": c.value,
                "before": Rating(before.ratings.get(c.value)).label
                if Rating.has(before.ratings.get(c.value))
                else "–",
                "after": Rating(assessment.ratings.get(c.value)).label,
                "improved": Rating.rank(assessment.ratings.get(c.value))
                < Rating.rank(before.ratings.get(c.value)),
            }
        )
    return rows


# ================================================================ programme pre-check


@dataclass
class HouseholdFacts:
    """What the case already tells: income, where the household lives, land, latest RTLH verdict."""

    monthly_income: int | None
    province_code: str | None
    regency_code: str | None
    land_status: str | None
    rtlh_verdict: str | None


def facts_of_case(case: Case) -> tuple[HouseholdFacts, Assessment | None]:
    latest = latest_assessment(case)
    applicant = case.applicant
    return (
        HouseholdFacts(
            monthly_income=applicant.monthly_income,
            province_code=applicant.province_code,
            regency_code=applicant.regency_code,
            land_status=case.land_status,
            rtlh_verdict=latest.verdict if latest else None,
        ),
        latest,
    )


def criteria_of_programme(programme: str, day: date) -> list[ProgrammeCriterion]:
    rows = db.session.scalars(
        select(ProgrammeCriterion)
        .where(ProgrammeCriterion.programme == programme)
        .order_by(ProgrammeCriterion.sort_order, ProgrammeCriterion.id)
    )
    return [c for c in rows if c.valid_on(day)]


def programmes_with_criteria(day: date) -> list[str]:
    rows = db.session.scalars(select(ProgrammeCriterion))
    seen: list[str] = []
    for c in rows:
        if c.valid_on(day) and c.programme not in seen:
            seen.append(c.programme)
    return seen


def mbr_zone(params: dict | None, province: str | None, regency: str | None) -> dict | None:
    zones = (params or {}).get("zones") or []
    for z in zones:
        if regency and regency in (z.get("regencies") or []):
            return z
    if not province:
        return None
    for z in zones:
        if province in (z.get("provinces") or []):
            return z
    return next((z for z in zones if not z.get("provinces") and not z.get("regencies")), None)


MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"


def _judge_criterion(c: ProgrammeCriterion, facts: HouseholdFacts, answers: dict) -> tuple[str, object]:
    rule = c.rule
    if rule == CriterionRule.INCOME_MBR:
        if facts.monthly_income is None:
            return UNKNOWN, _l("Penghasilan bulanan belum tercatat pada data pemohon.")
        zone = mbr_zone(c.params, facts.province_code, facts.regency_code)
        if zone is None:
            return UNKNOWN, _l("Provinsi pemohon belum tercatat, zona MBR tidak dapat ditentukan.")
        married = answers.get("married")
        limit_single, limit_married = int(zone["unmarried"]), int(zone["married"])
        zone_text = f"{zone.get('zone')} ({zone.get('label', '')})"
        if married == "yes":
            limit = limit_married
        elif married == "no":
            limit = limit_single
        elif facts.monthly_income <= limit_single:
            limit = limit_single
        elif facts.monthly_income > limit_married:
            limit = limit_married
        else:
            return UNKNOWN, _l(
                "Penghasilan di antara batas belum menikah dan menikah zona %(zone)s: "
                "status perkawinan belum diketahui.",
                zone=zone_text,
            )
        if facts.monthly_income <= limit:
            return MET, _l(
                "Penghasilan dalam batas MBR zona %(zone)s (%(limit)s/bulan).",
                zone=zone_text,
                limit=fmt_rupiah(limit),
            )
        return NOT_MET, _l(
            "Penghasilan di atas batas MBR zona %(zone)s (%(limit)s/bulan).",
            zone=zone_text,
            limit=fmt_rupiah(limit),
        )
    if rule == CriterionRule.LAND_OWNED:
        params = c.params or LAND_PARAMS
        status = facts.land_status
        if status in (params.get("met") or []):
            return MET, _l("Status tanah pada data kasus memenuhi syarat bukti kepemilikan.")
        if status in (params.get("not_met") or []):
            return NOT_MET, _l("Tidak ada bukti kepemilikan tanah pada data kasus.")
        return UNKNOWN, _l("Status tanah belum jelas (belum tercatat atau perlu verifikasi bukti).")
    if rule == CriterionRule.RTLH:
        if facts.rtlh_verdict is None:
            return UNKNOWN, _l("Rumah belum dinilai kelayakannya (RTLH).")
        if facts.rtlh_verdict == Verdict.NOT_LIVABLE:
            return MET, _l("Penilaian RTLH terakhir: tidak layak huni.")
        return NOT_MET, _l("Penilaian RTLH terakhir: layak huni.")
    # questions answered at the desk: "ya" meets the condition
    answer = answers.get(str(c.id))
    if answer == "yes":
        return MET, _l("Dijawab ya di meja layanan.")
    if answer == "no":
        return NOT_MET, _l("Dijawab tidak di meja layanan.")
    return UNKNOWN, _l("Belum dijawab.")


def evaluate_precheck(
    criteria: list[ProgrammeCriterion], facts: HouseholdFacts, answers: dict
) -> tuple[str, list[dict]]:
    """One reason per condition; any condition not met → tidak memenuhi; else any unknown →
    belum diketahui; all met → kemungkinan memenuhi. No valid condition at all → belum diketahui."""
    reasons = []
    for c in criteria:
        outcome, text = _judge_criterion(c, facts, answers)
        with force_locale("id"):
            reasons.append(
                {
                    "criterion_id": c.id,
                    "question": c.question,
                    "outcome": outcome,
                    "text": str(text),
                    "source": c.source,
                }
            )
    outcomes = {r["outcome"] for r in reasons}
    if not reasons:
        return PreCheckResult.UNKNOWN.value, reasons
    if NOT_MET in outcomes:
        return PreCheckResult.NOT_MET.value, reasons
    if UNKNOWN in outcomes:
        return PreCheckResult.UNKNOWN.value, reasons
    return PreCheckResult.LIKELY.value, reasons


def record_precheck(
    actor: User, case: Case, programme: str, answers: dict, day: date, expected_version: int | None
) -> PreCheck:
    if not access.can_assess_case(actor, case):
        raise AssessmentError(_l("Anda tidak dapat membuat pra-periksa untuk kasus ini."))
    _check_version(case, expected_version)
    ensure_default_criteria()
    criteria = criteria_of_programme(programme, day)
    facts, latest = facts_of_case(case)
    result, reasons = evaluate_precheck(criteria, facts, answers)
    precheck = PreCheck(
        case_id=case.id,
        unit_id=case.unit_id,
        programme=programme,
        checked_on=day,
        result=result,
        answers={k: v for k, v in answers.items() if v in ("yes", "no", "unknown")},
        reasons=reasons,
        assessment_id=latest.id if latest else None,
        created_by_id=actor.id,
    )
    db.session.add(precheck)
    body, body_en = in_both_languages(
        _l(
            "Pra-periksa program %(programme)s: %(result)s (bukan keputusan penerima bantuan).",
            programme=programme.upper(),
            result=PreCheckResult(result).lazy_label,
        )
    )
    event = case_events.add_event(actor, case, EventKind.CONSULTATION, body=body)
    case_events.bump_version(case)
    with case_events.commit_or_conflict(ConflictError):
        event.data = {"precheck_id": precheck.id, "result": result, "body_en": body_en}
        audit.record(
            actor,
            "precheck.create",
            "programme_precheck",
            precheck.id,
            None,
            {"case_id": case.id, "programme": programme, "result": result, "answers": precheck.answers},
        )
    return precheck


def prechecks_of_case(user: User, case: Case) -> list[PreCheck]:
    stmt = access.prechecks_visible_to(user).where(PreCheck.case_id == case.id)
    return list(db.session.scalars(stmt.order_by(PreCheck.created_at.desc(), PreCheck.id.desc())))


# ---------------------------------------------------------------- programme criteria (admin)

CRITERION_FIELDS = [
    "programme",
    "question",
    "rule",
    "params",
    "source",
    "valid_from",
    "valid_to",
    "sort_order",
    "active",
]


def programme_criteria() -> list[ProgrammeCriterion]:
    return list(
        db.session.scalars(
            select(ProgrammeCriterion).order_by(
                ProgrammeCriterion.programme, ProgrammeCriterion.sort_order, ProgrammeCriterion.id
            )
        )
    )


def save_programme_criterion(
    actor: User, criterion: ProgrammeCriterion | None, data: dict
) -> ProgrammeCriterion:
    if data.get("valid_to") and data["valid_to"] < data["valid_from"]:
        raise AssessmentError(_l("Tanggal akhir berlaku tidak boleh sebelum tanggal mulai."))
    if not CriterionRule.has(data.get("rule")):
        raise AssessmentError(_l("Pilih cara menjawab kriteria."))
    before = audit.snapshot(criterion, CRITERION_FIELDS) if criterion else None
    if criterion is None:
        criterion = ProgrammeCriterion()
        db.session.add(criterion)
    criterion.programme = data["programme"]
    criterion.question = data["question"].strip()
    criterion.rule = data["rule"]
    criterion.params = data.get("params")
    criterion.source = data["source"].strip()
    criterion.valid_from = data["valid_from"]
    criterion.valid_to = data.get("valid_to")
    criterion.sort_order = data.get("sort_order") or 0
    criterion.active = bool(data.get("active", True))
    db.session.flush()
    audit.record(
        actor,
        "programme_criterion.create" if before is None else "programme_criterion.update",
        "programme_criterion",
        criterion.id,
        before,
        audit.snapshot(criterion, CRITERION_FIELDS),
    )
    db.session.commit()
    return criterion
