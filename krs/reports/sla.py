"""Service levels as the case desk reads them: the admin-edited table, else the coded defaults."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from krs.extensions import db
from krs.models import ServiceLevel, ServiceType

SLA_STATES = ("on_time", "due_soon", "overdue")
DUE_SOON_DAYS = 2  # calendar days before the resolution due date (as krs.cases.service.sla_state)


def defaults() -> dict[str, tuple[int, int]]:
    from krs.cases.service import FIRST_RESPONSE_DAYS, RESOLUTION_DAYS

    return {str(s): (FIRST_RESPONSE_DAYS, RESOLUTION_DAYS.get(s, 10)) for s in ServiceType}


def service_levels() -> dict[str, tuple[int, int]]:
    """service type -> (first-response working days, resolution working days)."""
    levels = defaults()
    for row in db.session.scalars(select(ServiceLevel)):
        levels[row.service] = (row.first_response_days, row.resolution_days)
    return levels


def days_for(services: list[str]) -> tuple[int, int]:
    """A case with several services: the strictest first response, the most generous resolution."""
    levels = service_levels()
    chosen = [levels.get(str(s), levels[ServiceType.OTHER]) for s in services] or [levels[ServiceType.OTHER]]
    return min(c[0] for c in chosen), max(c[1] for c in chosen)


def sla_clause(state: str, today: date):
    """WHERE clause for open cases in one SLA state (mirrors krs.cases.service.sla_state)."""
    from datetime import timedelta

    from sqlalchemy import and_

    from krs.models import OPEN_STATUSES, Case

    is_open = Case.status.in_(OPEN_STATUSES)
    soon = today + timedelta(days=DUE_SOON_DAYS)
    if state == "overdue":
        return and_(is_open, Case.resolution_due < today)
    if state == "due_soon":
        return and_(is_open, Case.resolution_due >= today, Case.resolution_due <= soon)
    return and_(is_open, Case.resolution_due > soon)
