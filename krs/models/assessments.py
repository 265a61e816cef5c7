"""Livability assessments (RTLH) and programme pre-checks (issue 19, parts 1 and 2).

The rules are admin reference data, never code: an `RtlhCriteria` row is one published version of
the verdict rule (with its source and the date it applies from); an assessment keeps the version
it was judged by, so a later version never changes an earlier verdict. A `ProgrammeCriterion` is
one published condition of a programme (BSPS and the others of REFERENCE.md) with its validity
dates; a `PreCheck` keeps what each condition answered, as text, the day it was made.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from krs.extensions import db
from krs.models.base import LabelledEnum, utcnow
from krs.models.cases import Attachment, Case
from krs.models.people import Unit, User


class Rating(LabelledEnum):
    """The damage scale of the regency survey forms (light < 25 %, moderate 25-50 %, heavy > 50 %)."""

    GOOD = "baik"
    LIGHT = "rusak_ringan"
    MODERATE = "rusak_sedang"
    HEAVY = "rusak_berat"

    @classmethod
    def _labels(cls):
        return {
            "baik": _l("Baik"),
            "rusak_ringan": _l("Rusak ringan (< 25 %)"),
            "rusak_sedang": _l("Rusak sedang (25–50 %)"),
            "rusak_berat": _l("Rusak berat (> 50 %)"),
        }

    @classmethod
    def rank(cls, value: str | None) -> int:
        order = [m.value for m in cls]
        return order.index(value) if value in order else -1


class Component(LabelledEnum):
    FOUNDATION = "foundation"
    SLOOF = "sloof"
    COLUMNS = "columns"
    RING_BEAM = "ring_beam"
    ROOF_FRAME = "roof_frame"
    FLOOR = "floor"
    WALLS = "walls"
    FRAMES = "frames"
    ROOF_COVER = "roof_cover"

    @classmethod
    def _labels(cls):
        return {
            "foundation": _l("Pondasi"),
            "sloof": _l("Sloof"),
            "columns": _l("Kolom"),
            "ring_beam": _l("Balok ring"),
            "roof_frame": _l("Rangka atap"),
            "floor": _l("Lantai"),
            "walls": _l("Dinding"),
            "frames": _l("Kusen, pintu dan jendela"),
            "roof_cover": _l("Penutup atap"),
        }

    @classmethod
    def structural(cls) -> list[Component]:
        return [cls.FOUNDATION, cls.SLOOF, cls.COLUMNS, cls.RING_BEAM, cls.ROOF_FRAME]

    @classmethod
    def non_structural(cls) -> list[Component]:
        return [cls.FLOOR, cls.WALLS, cls.FRAMES, cls.ROOF_COVER]


class HealthItem(LabelledEnum):
    VENTILATION = "ventilation"
    LIGHTING = "lighting"
    TOILET_SEPTIC = "toilet_septic"
    DRINKING_WATER = "drinking_water"
    DRAIN = "drain"

    @classmethod
    def _labels(cls):
        return {
            "ventilation": _l("Bukaan ventilasi minimal 5 persen luas lantai"),
            "lighting": _l("Pencahayaan alami minimal 10 persen luas lantai"),
            "toilet_septic": _l("Jamban dengan tangki septik"),
            "drinking_water": _l("Air minum layak"),
            "drain": _l("Saluran pembuangan air limbah"),
        }


class Verdict(LabelledEnum):
    LIVABLE = "layak_huni"
    NOT_LIVABLE = "tidak_layak_huni"

    @classmethod
    def _labels(cls):
        return {"layak_huni": _l("Layak huni"), "tidak_layak_huni": _l("Tidak layak huni (RTLH)")}


class PreCheckResult(LabelledEnum):
    LIKELY = "kemungkinan_memenuhi"
    NOT_MET = "tidak_memenuhi"
    UNKNOWN = "belum_diketahui"

    @classmethod
    def _labels(cls):
        return {
            "kemungkinan_memenuhi": _l("Kemungkinan memenuhi"),
            "tidak_memenuhi": _l("Tidak memenuhi"),
            "belum_diketahui": _l("Belum diketahui"),
        }


class CriterionRule(LabelledEnum):
    """How a programme condition is answered: from the case's data, or by a question at the desk."""

    INCOME_MBR = "income_mbr"
    LAND_OWNED = "land_owned"
    HOUSE_OWNED_LIVED = "house_owned_lived"
    NO_EARLIER_AID = "no_earlier_aid"
    RTLH = "rtlh"
    DESK_YES = "desk_yes"

    @classmethod
    def _labels(cls):
        return {
            "income_mbr": _l("Penghasilan ≤ batas MBR zona (data pemohon)"),
            "land_owned": _l("Tanah milik sendiri dengan bukti sah (data kasus)"),
            "house_owned_lived": _l("Rumah milik sendiri dan ditempati (ditanyakan)"),
            "no_earlier_aid": _l("Belum pernah menerima bantuan serupa (ditanyakan)"),
            "rtlh": _l("Rumah tidak layak huni (penilaian RTLH terakhir)"),
            "desk_yes": _l("Pertanyaan di meja layanan, harus dijawab ya"),
        }


class RtlhCriteria(db.Model):
    """One published version of the livability rule. `rules` holds the numbers and thresholds:

    {"min_area_per_person": "9", "structural_fail_from": "rusak_sedang",
     "non_structural_fail_from": null, "health_required": ["toilet_septic", "drinking_water"]}
    """

    __tablename__ = "rtlh_criteria"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    source: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[date] = mapped_column(Date)
    rules: Mapped[dict] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def min_area_per_person(self) -> Decimal:
        return Decimal(str(self.rules.get("min_area_per_person", "9")))


class Assessment(db.Model):
    """A livability assessment of a case's house on a field visit; `previous_id` points at the
    assessment it repeats after works (shown side by side)."""

    __tablename__ = "rtlh_assessment"
    __table_args__ = (Index("ix_rtlh_assessment_unit_date", "unit_id", "assessed_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))  # the office that assessed
    criteria_id: Mapped[int] = mapped_column(ForeignKey("rtlh_criteria.id"))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("rtlh_assessment.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("case_event.id", ondelete="SET NULL"))
    assessed_on: Mapped[date] = mapped_column(Date)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    ratings: Mapped[dict] = mapped_column(JSON)  # component code -> Rating code
    floor_area_m2: Mapped[Decimal] = mapped_column(Numeric(7, 1))
    occupants: Mapped[int] = mapped_column(Integer)
    health: Mapped[dict] = mapped_column(JSON)  # HealthItem code -> bool
    verdict: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[list] = mapped_column(JSON)  # [{"code", "decisive", "text"}]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    case: Mapped[Case] = relationship()
    unit: Mapped[Unit] = relationship()
    criteria: Mapped[RtlhCriteria] = relationship(lazy="joined")
    assessor: Mapped[User] = relationship()
    previous: Mapped[Assessment | None] = relationship(remote_side=[id])
    photos: Mapped[list[AssessmentPhoto]] = relationship(
        back_populates="assessment", lazy="selectin", order_by="AssessmentPhoto.id"
    )

    @property
    def livable(self) -> bool:
        return self.verdict == Verdict.LIVABLE

    @property
    def area_per_person(self) -> Decimal | None:
        if not self.occupants:
            return None
        return (Decimal(self.floor_area_m2) / self.occupants).quantize(Decimal("0.1"))

    def photos_of(self, component: str) -> list[AssessmentPhoto]:
        return [p for p in self.photos if p.component == component]


class AssessmentPhoto(db.Model):
    """A photo of one component: a case Attachment (access-checked route of the case)."""

    __tablename__ = "rtlh_assessment_photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("rtlh_assessment.id", ondelete="CASCADE"), index=True
    )
    component: Mapped[str] = mapped_column(String(20))
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachment.id", ondelete="CASCADE"))

    assessment: Mapped[Assessment] = relationship(back_populates="photos")
    attachment: Mapped[Attachment] = relationship(lazy="joined")


class ProgrammeCriterion(db.Model):
    """One published condition of a programme, valid from/to (admin reference data). `params`:
    for `income_mbr` the zones with their monthly limits, e.g.
    {"zones": [{"zone": 1, "provinces": [], "regencies": [], "unmarried": 8500000,
    "married": 10000000}, ...]} (the zone with empty lists is the rest of the country)."""

    __tablename__ = "programme_criterion"
    __table_args__ = (Index("ix_programme_criterion_programme", "programme", "valid_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme: Mapped[str] = mapped_column(String(40))  # a code of KRS_REFERRAL_PROGRAMMES
    question: Mapped[str] = mapped_column(String(300))
    rule: Mapped[str] = mapped_column(String(30))
    params: Mapped[dict | None] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def valid_on(self, day: date) -> bool:
        return self.active and self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class PreCheck(db.Model):
    """A desk pre-check of a household against one programme's published criteria. Never an award."""

    __tablename__ = "programme_precheck"
    __table_args__ = (Index("ix_programme_precheck_unit_date", "unit_id", "checked_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    programme: Mapped[str] = mapped_column(String(40))
    checked_on: Mapped[date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(30))
    answers: Mapped[dict] = mapped_column(JSON)  # desk answers: criterion id (str) -> "yes"/"no"/"unknown"
    reasons: Mapped[list] = mapped_column(JSON)  # [{"criterion_id", "question", "outcome", "text", "source"}]
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("rtlh_assessment.id", ondelete="SET NULL"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    case: Mapped[Case] = relationship()
    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User] = relationship()

    @property
    def qualifies(self) -> bool:
        return self.result == PreCheckResult.LIKELY
