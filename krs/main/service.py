"""The home page: what waits for this user today."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, noload

from krs import access, pagination
from krs.case_lists import is_latest_follow_up
from krs.extensions import db
from krs.models import OPEN_STATUSES, Case, CaseStatus, Event, User
from krs.workdays import today_in


@dataclass
class Home:
    counts: dict
    closure_queue: list
    overdue: list
    next_actions: list


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
    if access.works_own_cases(user):
        overdue_stmt = overdue_stmt.where(Case.assignee_id == user.id)
    # capped like the case list: a national backlog of tens of thousands overdue is read only up
    # to the cap (the tile then says "more than 10.000", the cap) instead of counted row by row
    cap = pagination.COUNT_CAP
    capped = overdue_stmt.with_only_columns(Case.id).order_by(None).limit(cap + 1).subquery()
    counts["overdue"] = db.session.scalar(select(func.count()).select_from(capped))
    counts["overdue_capped"] = counts["overdue"] > cap
    counts["overdue_cap"] = cap
    closure_queue = []
    if access.can_approve_closures(user):
        closure_queue = list(
            db.session.scalars(
                access.cases_visible_to(user)
                .where(Case.status == CaseStatus.CLOSURE_REQUESTED)
                .options(*eager)
                .order_by(Case.updated_at)
                .limit(10)
            )
        )
    scope = access.case_scope_filter(user)
    next_stmt = (
        select(Event)
        .join(Event.case)
        .where(Event.next_action_date.is_not(None), Event.next_action_date <= today)
        .where(is_latest_follow_up())  # only each case's latest follow-up says what is next
        .where(Case.status.in_(OPEN_STATUSES))
        .options(
            joinedload(Event.case).joinedload(Case.applicant),
            joinedload(Event.case).noload(Case.services),
            noload(Event.attachments),
        )
        .order_by(Event.next_action_date)
        .limit(10)
    )
    if scope is not None:
        next_stmt = next_stmt.where(scope)
    if access.works_own_cases(user):
        next_stmt = next_stmt.where(Case.assignee_id == user.id)
    return Home(
        counts=counts,
        closure_queue=closure_queue,
        overdue=list(db.session.scalars(overdue_stmt.limit(10)).unique()),
        next_actions=list(db.session.scalars(next_stmt).unique()),
    )
