"""Service levels: how many working days a case has for its first response and its resolution,
the due dates they give, a case's SLA state ("due soon", overdue ...), and the admin-edited
settings that override the coded defaults. One home, read by cases (due dates, the list filter)
and reports (exports, the settings page).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import and_, select

from krs import audit
from krs.extensions import db
from krs.models import OPEN_STATUSES, Case, CaseStatus, ServiceLevel, ServiceType, Unit, User
from krs.workdays import add_working_days, local_date

# Default service levels in working days (issue 4 makes them admin-editable reference data).
FIRST_RESPONSE_DAYS = 2
RESOLUTION_DAYS = {
    ServiceType.PROGRAM_INFO: 5,
    ServiceType.HOUSE_DESIGN: 15,
    ServiceType.COST_ESTIMATE: 10,
    ServiceType.CONSTRUCTION: 10,
    ServiceType.PERMITS: 20,
    ServiceType.FINANCING: 10,
    ServiceType.OTHER: 10,
}

SLA_STATES = ("on_time", "due_soon", "overdue")
DUE_SOON_DAYS = 2  # calendar days before the resolution due date


# ---------------------------------------------------------------- days and due dates


def defaults() -> dict[str, tuple[int, int]]:
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


def due_dates(unit: Unit, services: list[str], opened: datetime) -> tuple[date, date]:
    """(first response due, resolution due) in the unit's own calendar, from the edited levels."""
    start = local_date(opened, unit.timezone)
    first_days, days = days_for(services)
    return add_working_days(start, first_days), add_working_days(start, days)


# ---------------------------------------------------------------- SLA state


def sla_state(case: Case, today: date) -> str:
    """on_time | due_soon | overdue | done, against the resolution due date."""
    return sla_state_of(case.status, case.resolution_due, today)


def sla_state_of(status: str, resolution_due: date | None, today: date) -> str:
    """`sla_state` from the two columns it reads (exports stream plain rows, not Case objects)."""
    if status == CaseStatus.CLOSED or resolution_due is None:
        return "done"
    if resolution_due < today:
        return "overdue"
    if (resolution_due - today).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "on_time"


def sla_clause(state: str, today: date):
    """WHERE clause for open cases in one SLA state (mirrors sla_state)."""
    is_open = Case.status.in_(OPEN_STATUSES)
    soon = today + timedelta(days=DUE_SOON_DAYS)
    if state == "overdue":
        return and_(is_open, Case.resolution_due < today)
    if state == "due_soon":
        return and_(is_open, Case.resolution_due >= today, Case.resolution_due <= soon)
    return and_(is_open, Case.resolution_due > soon)


# ---------------------------------------------------------------- settings (admin)


def level_rows() -> list[tuple[str, int, int]]:
    """(service, first-response days, resolution days) for every service type."""
    stored = {r.service: r for r in db.session.scalars(select(ServiceLevel))}
    out = []
    for service, (first, resolution) in defaults().items():
        row = stored.get(service)
        out.append(
            (service, row.first_response_days if row else first, row.resolution_days if row else resolution)
        )
    return out


def set_service_level(actor: User, service: str, first_days: int, resolution_days: int) -> ServiceLevel:
    row = db.session.get(ServiceLevel, service)
    before = None
    if row is None:
        row = ServiceLevel(service=service)
        db.session.add(row)
    else:
        before = {"first_response_days": row.first_response_days, "resolution_days": row.resolution_days}
    row.first_response_days = first_days
    row.resolution_days = resolution_days
    db.session.flush()
    audit.record(
        actor,
        "service_level.set",
        "service_level",
        None,
        before,
        {"service": service, "first_response_days": first_days, "resolution_days": resolution_days},
    )
    db.session.commit()
    return row
