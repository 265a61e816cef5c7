"""Unit prices, AHSP work items and cost estimates (RAB) of a case (issue 18, DESIGN.md §3).

- A PriceList holds the base prices of one regency and year (materials, wages, equipment), each
  with its source; it belongs to an office (scoped like cases).
- A WorkItem (Permen PUPR 8/2023 structure) has a unit and the coefficients of the resources it
  uses; a coefficient names its resource by `resource_code`, matched to PriceItem.code.
- A design's RAB template is a list of (work item code, volume) lines (RabTemplateLine).
- An AidCeiling is an aid programme's amount per house (admin data, never in code).
- A Rab belongs to a case, is versioned (draft → handed over) and keeps its own prices: each line
  stores its unit price and the breakdown it came from, so a later price change never alters it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from krs.extensions import db
from krs.models.base import LabelledEnum, utcnow


class ResourceKind(LabelledEnum):
    MATERIAL = "material"
    LABOUR = "labour"
    EQUIPMENT = "equipment"

    @classmethod
    def _labels(cls):
        return {"material": _l("Bahan"), "labour": _l("Upah tenaga kerja"), "equipment": _l("Peralatan")}


class RabStatus(LabelledEnum):
    DRAFT = "draft"
    HANDED_OVER = "handed_over"

    @classmethod
    def _labels(cls):
        return {"draft": _l("Draf"), "handed_over": _l("Diserahkan")}


class AidCeiling(db.Model):
    """An aid programme's ceiling per house (admin data, dated, with its source), e.g. BSPS
    peningkatan kualitas Rp 20 jt: a RAB compares its total with one and keeps a copy of it."""

    __tablename__ = "aid_ceiling"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Numeric(15, 2))
    valid_from: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PriceList(db.Model):
    __tablename__ = "price_list"
    __table_args__ = (UniqueConstraint("unit_id", "regency_code", "year", "name", name="uq_price_list"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)  # the office that keeps it
    regency_code: Mapped[str] = mapped_column(String(13), index=True)  # Kemendagri code, e.g. "32.04"
    year: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text, default="")  # HSPK/SSH of the regency, shop survey, ...
    source_date: Mapped[date | None] = mapped_column(Date)
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("price_list.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    items: Mapped[list[PriceItem]] = relationship(
        back_populates="price_list", cascade="all, delete-orphan", order_by="PriceItem.code"
    )
    unit = relationship("Unit")


class PriceItem(db.Model):
    __tablename__ = "price_item"
    __table_args__ = (UniqueConstraint("price_list_id", "code", name="uq_price_item_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_list.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(30))  # matched by WorkItemCoefficient.resource_code
    kind: Mapped[str] = mapped_column(String(20), default=ResourceKind.MATERIAL)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))  # "zak", "m3", "OH" (orang-hari), ...
    price: Mapped[Decimal] = mapped_column(Numeric(15, 2))
    source: Mapped[str] = mapped_column(String(300), default="")

    price_list: Mapped[PriceList] = relationship(back_populates="items")


class WorkItem(db.Model):
    __tablename__ = "work_item"
    __table_args__ = (UniqueConstraint("code", name="uq_work_item_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30))
    group: Mapped[str] = mapped_column(String(40))  # preparation, foundation, sloof, columns, ...
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(20))  # m2, m3, m1, bh, titik, ls
    source: Mapped[str] = mapped_column(Text, default="")  # e.g. "Permen PUPR 8/2023 Lamp. IV, A.2.2.1.9"
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)  # source not confirmed: to be checked
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    coefficients: Mapped[list[WorkItemCoefficient]] = relationship(
        back_populates="work_item", cascade="all, delete-orphan", order_by="WorkItemCoefficient.id"
    )


class WorkItemCoefficient(db.Model):
    __tablename__ = "work_item_coefficient"
    id: Mapped[int] = mapped_column(primary_key=True)
    work_item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id", ondelete="CASCADE"), index=True)
    resource_code: Mapped[str] = mapped_column(String(30))
    resource_kind: Mapped[str] = mapped_column(String(20), default=ResourceKind.MATERIAL)
    resource_name: Mapped[str] = mapped_column(String(200))
    resource_unit: Mapped[str] = mapped_column(String(20))
    coefficient: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    source: Mapped[str] = mapped_column(String(300), default="")

    work_item: Mapped[WorkItem] = relationship(back_populates="coefficients")


class RabTemplateLine(db.Model):
    """One line of the RAB a design comes with: a work item (by code) and its volume."""

    __tablename__ = "rab_template_line"
    id: Mapped[int] = mapped_column(primary_key=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("design.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    work_item_code: Mapped[str] = mapped_column(String(30))
    volume: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    note: Mapped[str] = mapped_column(String(300), default="")


class Rab(db.Model):
    __tablename__ = "rab"
    __table_args__ = (UniqueConstraint("case_id", "version", name="uq_rab_case_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default=RabStatus.DRAFT, index=True)
    price_list_id: Mapped[int | None] = mapped_column(ForeignKey("price_list.id", ondelete="SET NULL"))
    design_id: Mapped[int | None] = mapped_column(ForeignKey("design.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200), default="")
    overhead_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=0)
    smkk_amount: Mapped[Decimal] = mapped_column(Numeric(15, 2), default=0)
    total: Mapped[Decimal] = mapped_column(Numeric(15, 2), default=0)  # kept by the service
    household_amount: Mapped[Decimal] = mapped_column(Numeric(15, 2), default=0)
    aid_ceiling: Mapped[Decimal | None] = mapped_column(Numeric(15, 2))
    aid_ceiling_name: Mapped[str] = mapped_column(String(200), default="")  # frozen with the amount
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    handed_over_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    handed_over_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    __mapper_args__ = {"version_id_col": lock_version}

    lines: Mapped[list[RabLine]] = relationship(
        back_populates="rab", cascade="all, delete-orphan", order_by="RabLine.position"
    )
    case = relationship("Case")
    unit = relationship("Unit")
    price_list = relationship("PriceList")
    design = relationship("Design")
    created_by = relationship("User", foreign_keys=[created_by_id])
    handed_over_by = relationship("User", foreign_keys=[handed_over_by_id])

    @property
    def is_draft(self) -> bool:
        return self.status == RabStatus.DRAFT


class RabLine(db.Model):
    __tablename__ = "rab_line"
    id: Mapped[int] = mapped_column(primary_key=True)
    rab_id: Mapped[int] = mapped_column(ForeignKey("rab.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    work_item_id: Mapped[int | None] = mapped_column(ForeignKey("work_item.id", ondelete="SET NULL"))
    group: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(20))
    volume: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    volume_note: Mapped[str] = mapped_column(String(300), default="")  # e.g. "2 × (6 + 6) × 3 − 4,2"
    unit_price: Mapped[Decimal] = mapped_column(Numeric(15, 2))  # frozen: Σ coefficient × base price
    amount: Mapped[Decimal] = mapped_column(Numeric(15, 2))
    by_household: Mapped[bool] = mapped_column(Boolean, default=False)  # own materials / mutual help
    breakdown: Mapped[str] = mapped_column(Text, default="")  # JSON of the coefficients × prices used

    rab: Mapped[Rab] = relationship(back_populates="lines")
