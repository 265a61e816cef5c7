"""What the other features' signals (krs.signals) mean for notifications.

Connected when the package is imported (krs/notifications/__init__.py). Each receiver runs in the
sender's transaction: it adds rows to `db.session` and never commits.
"""

from __future__ import annotations

from sqlalchemy import select

from krs import signals
from krs.extensions import db
from krs.models import Case, CaseTransfer, Event, EventKind, NotificationKind, TransferStatus, User
from krs.notifications.service import mark_case_read, notify, supervisors_of


@signals.case_viewed.connect
def on_case_viewed(user: User, case: Case) -> None:
    mark_case_read(user, case.id)


@signals.case_assigned.connect
def on_assigned(actor: User, case: Case, assignee: User) -> None:
    if assignee.id != actor.id:
        notify(assignee.id, NotificationKind.ASSIGNED, case, actor.full_name)


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
