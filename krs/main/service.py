"""The home page: what waits for this user today."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, noload

from krs import access, pagination
from krs.extensions import db
from krs.models import OPEN_STATUSES, Case, CaseStatus, User
from krs.workdays import today_in


@dataclass
class Home:
    counts: dict
    closure_queue: list
    overdue: list
    next_actions: list  # open cases whose next action is due (Case.next_action_due <= today)


def home_for(user: User) -> Home:
    today = today_in(user.unit.timezone)
    # only open statuses: an index range over current work, never a count of every closed case
    scoped = access.cases_visible_to(user).where(Case.status.in_(OPEN_STATUSES)).subquery()
    status_counts = dict(
        db.session.execute(select(scoped.c.status, func.count()).group_by(scoped.c.status)).all()
    )
    counts = {
        "open": sum(v for k, v in status_counts.items() if k in OPEN_STATUSES),
        "new": status_counts.get(CaseStatus.NEW, 0),
        "closure_requested": status_counts.get(CaseStatus.CLOSURE_REQUESTED, 0),
        "mine": db.session.scalar(
            select(func.count()).select_from(
                access.cases_visible_to(user)
                .where(Case.assignee_id == user.id, Case.status.in_(OPEN_STATUSES))
                .subquery()
            )
        ),
    }
    # the home lists show neither services nor attachments: do not load them (2 statements each)
    eager = (joinedload(Case.applicant), joinedload(Case.assignee), noload(Case.services))
    overdue_stmt = (
        access.cases_visible_to(user)
        .where(Case.status.in_(OPEN_STATUSES), Case.resolution_due < today)
        .options(*eager)
        .order_by(Case.resolution_due)
    )
    if user.role in ("staff", "intern"):
        overdue_stmt = overdue_stmt.where(Case.assignee_id == user.id)
    # capped like the case list: a national backlog of tens of thousands overdue is read only up
    # to the cap (the tile then says "more than 10.000", the cap) instead of counted row by row
    cap = pagination.COUNT_CAP
    capped = overdue_stmt.with_only_columns(Case.id).order_by(None).limit(cap + 1).subquery()
    counts["overdue"] = db.session.scalar(select(func.count()).select_from(capped))
    counts["overdue_capped"] = counts["overdue"] > cap
    counts["overdue_cap"] = cap
    closure_queue = []
    if user.role in ("admin", "supervisor"):
        closure_queue = list(
            db.session.scalars(
                access.cases_visible_to(user)
                .where(Case.status == CaseStatus.CLOSURE_REQUESTED)
                .options(*eager)
                .order_by(Case.updated_at)
                .limit(10)
            )
        )
    # each open case's latest follow-up's next-action date, maintained on the case (krs.case_lists):
    # an index range (unit or assignee, status, date) instead of walking the follow-up history
    next_stmt = (
        access.cases_visible_to(user)
        .where(Case.status.in_(OPEN_STATUSES), Case.next_action_due <= today)
        .options(joinedload(Case.applicant), noload(Case.services))
        .order_by(Case.next_action_due, Case.id)
        .limit(10)
    )
    if user.role in ("staff", "intern"):
        next_stmt = next_stmt.where(Case.assignee_id == user.id)
    return Home(
        counts=counts,
        closure_queue=closure_queue,
        overdue=list(db.session.scalars(overdue_stmt.limit(10)).unique()),
        next_actions=list(db.session.scalars(next_stmt).unique()),
    )
