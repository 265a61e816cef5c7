"""Reference data of the evaluation: service levels per service type and yearly targets per unit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from krs.extensions import db
from krs.models import Unit, utcnow


class ServiceLevel(db.Model):
    """Working days allowed for the first response and for resolution, per service type."""

    __tablename__ = "service_level"
    service: Mapped[str] = mapped_column(String(30), primary_key=True)
    first_response_days: Mapped[int] = mapped_column(Integer)
    resolution_days: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class UnitTarget(db.Model):
    """What a unit should reach in a year (set by the Direktorat)."""

    __tablename__ = "unit_target"
    __table_args__ = (UniqueConstraint("unit_id", "year", name="uq_target_unit_year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    year: Mapped[int] = mapped_column(Integer)
    cases_served: Mapped[int] = mapped_column(Integer, default=0)
    within_sla_pct: Mapped[float] = mapped_column(Numeric(5, 2), default=0)  # share closed within SLA, %
    min_ikm: Mapped[float] = mapped_column(Numeric(5, 2), default=0)
    field_visits: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()
