"""The supervisor's view of the desk: open and overdue cases per person, last activity; bulk assign."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import joinedload

from krs import access, signals
from krs.cases import service
from krs.extensions import db
from krs.models import OPEN_STATUSES, Case, Event, User
from krs.prepared import prepared
from krs.workdays import today_in


@dataclass
class WorkloadRow:
    user: User
    open_cases: int = 0
    overdue: int = 0
    last_activity: datetime | None = None


@prepared
def _open_counts():
    """Each person's open cases and how many of them are past their resolution date."""
    return (
        select(
            Case.assignee_id,
            func.count().label("open_cases"),
            func.sum(sql_case((Case.resolution_due < bindparam("today"), 1), else_=0)).label("overdue"),
        )
        .where(Case.assignee_id.in_(bindparam("ids", expanding=True)), Case.status.in_(OPEN_STATUSES))
        .group_by(Case.assignee_id)
    )


@prepared
def _last_activity():
    """One probe per person at the end of the (author_id, created_at) index (migration 0013), not a
    read of every event each person ever wrote."""
    latest = select(func.max(Event.created_at)).where(Event.author_id == User.id).scalar_subquery()
    return select(User.id, latest).where(User.id.in_(bindparam("ids", expanding=True)))


def workload_for(user: User) -> list[WorkloadRow]:
    """One row per desk person the user oversees; three grouped queries whatever the head count."""
    people = list(
        db.session.scalars(
            access.workload_people(user).options(joinedload(User.unit)).order_by(User.unit_id, User.full_name)
        ).unique()
    )
    if not people:
        return []
    ids = [p.id for p in people]
    today = today_in(user.unit.timezone)
    counts = {row[0]: row for row in db.session.execute(_open_counts(), {"ids": ids, "today": today})}
    last = dict(db.session.execute(_last_activity(), {"ids": ids}).all())
    rows = []
    for person in people:
        c = counts.get(person.id)
        rows.append(
            WorkloadRow(
                user=person,
                open_cases=c[1] if c else 0,
                overdue=int(c[2] or 0) if c else 0,
                last_activity=last.get(person.id),
            )
        )
    return rows


@dataclass
class BulkResult:
    assigned: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (case number or id, reason)


def bulk_assign(actor: User, case_ids: list[int], assignee: User) -> BulkResult:
    """Assign each selected case the actor may assign; each is its own change (event + audit row).
    The assignee is told once for the whole batch (signals.cases_bulk_assigned), not once per case."""
    result = BulkResult()
    if not case_ids:
        result.refused.append(("", str(_l("Centang minimal satu kasus yang akan ditugaskan."))))
        return result
    cases = list(
        db.session.scalars(access.cases_visible_to(actor).where(Case.id.in_(case_ids)).order_by(Case.id))
    )
    found = {c.id for c in cases}
    for missing in sorted(set(case_ids) - found):
        result.refused.append((str(missing), str(_l("Kasus tidak ditemukan."))))
    for case in cases:
        if not access.can_assign_case(actor, case):
            result.refused.append((case.number, str(_l("Anda tidak dapat menugaskan kasus ini."))))
            continue
        try:
            service.assign_case(actor, case, assignee, in_batch=True)
        except service.CaseError as exc:
            db.session.rollback()
            result.refused.append((case.number, str(exc)))
        else:
            result.assigned.append(case)
    if result.assigned:
        signals.cases_bulk_assigned.send(actor, cases=result.assigned, assignee=assignee)
        db.session.commit()
    return result
