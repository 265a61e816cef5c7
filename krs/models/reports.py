"""Reference data of the evaluation: service levels per service type and yearly targets per unit."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from krs.extensions import db
from krs.models.base import utcnow
from krs.models.people import Unit


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


# The dashboard totals kept by krs/reports/stats.py (unit, local day or month, metric, key) -> n
class StatDay(db.Model):
    __tablename__ = "stat_day"
    __table_args__ = (Index("ix_stat_day_metric", "metric", "unit_id", "day", "key", "n"),)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    metric: Mapped[str] = mapped_column(String(12), primary_key=True)
    key: Mapped[str] = mapped_column(String(30), primary_key=True, default="")
    n: Mapped[int] = mapped_column(Integer, default=0)


class StatMonth(db.Model):
    __tablename__ = "stat_month"
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the first of the month
    metric: Mapped[str] = mapped_column(String(12), primary_key=True)
    key: Mapped[str] = mapped_column(String(30), primary_key=True, default="")
    n: Mapped[int] = mapped_column(Integer, default=0)
