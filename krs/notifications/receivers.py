"""What the other features' signals (krs.signals) mean for notifications.

Connected when the package is imported (krs/notifications/__init__.py). Each receiver runs in the
sender's transaction: it adds rows to `db.session` and never commits.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from krs import signals
from krs.extensions import db
from krs.models import Case, CaseTransfer, Event, EventKind, NotificationKind, TransferStatus, User
from krs.notifications.service import mark_case_read, notify, supervisors_of


@signals.case_viewed.connect
def on_case_viewed(user: User, case: Case) -> None:
    mark_case_read(user, case.id)


@signals.case_assigned.connect
def on_assigned(actor: User, case: Case, assignee: User, in_batch: bool = False) -> None:
    if assignee.id != actor.id and not in_batch:  # a bulk assignment notifies once (below)
        notify(assignee.id, NotificationKind.ASSIGNED, case, actor.full_name)


@signals.cases_bulk_assigned.connect
def on_bulk_assigned(actor: User, cases: list[Case], assignee: User) -> None:
    """One notice per officer for a whole bulk assignment: the count and the case numbers."""
    if assignee.id == actor.id or not cases:
        return
    if len(cases) == 1:
        notify(assignee.id, NotificationKind.ASSIGNED, cases[0], actor.full_name)
        return
    numbers = ", ".join(c.number for c in cases)
    text = _("%(n)s kasus dari %(name)s: %(numbers)s", n=len(cases), name=actor.full_name, numbers=numbers)
    notify(assignee.id, NotificationKind.ASSIGNED_MANY, None, text if len(text) <= 300 else text[:299] + "…")


@signals.closure_requested.connect
def on_closure_requested(actor: User, case: Case) -> None:
    for user_id in supervisors_of(case.unit_id):
        if user_id != actor.id:
            notify(user_id, NotificationKind.CLOSURE_WAITING, case, actor.full_name)


@signals.closure_returned.connect
def on_closure_returned(actor: User, case: Case, comment: str) -> None:
    requester = db.session.scalar(
        select(Event.author_id)
        .where(Event.case_id == case.id, Event.kind == EventKind.CLOSURE_REQUESTED)
        .order_by(Event.id.desc())
        .limit(1)
    )
    for user_id in {case.assignee_id, requester} - {None, actor.id}:
        notify(user_id, NotificationKind.RETURNED, case, comment)


@signals.transfer_requested.connect
def on_transfer_requested(actor: User, transfer: CaseTransfer) -> None:
    for user_id in supervisors_of(transfer.to_unit_id):
        notify(user_id, NotificationKind.TRANSFER_WAITING, transfer.case, transfer.from_unit.name)


@signals.transfer_decided.connect
def on_transfer_decided(actor: User, transfer: CaseTransfer) -> None:
    if transfer.requested_by_id != actor.id:
        notify(transfer.requested_by_id, NotificationKind.TRANSFER_DECIDED, None, _decision_text(transfer))


def _decision_text(transfer: CaseTransfer) -> str:
    return f"{transfer.case.number}: {TransferStatus(transfer.status).label} — {transfer.to_unit.name}"
