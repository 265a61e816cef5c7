"""A feature's change to a case: a timeline event, the case's version bumped, one transaction.

Starting an accompaniment, a stage visit, an assessment, a pre-check, a design handed out: each
adds an Event to the case's timeline, bumps the case's version (its optimistic lock,
`Case.version`: the UPDATE of the case carries the version the change was read on), writes an
audit row (krs/audit.py, with what only the feature knows) and commits, all or nothing. A writer
that changed the case first makes the flush or the commit fail (StaleDataError): the change is
rolled back and the feature's own conflict error raised, so the user is asked to reload.

    event = case_events.add_event(actor, case, EventKind.NOTE, body=body)
    case_events.bump_version(case)
    with case_events.commit_or_conflict(ConflictError):
        audit.record(actor, "thing.create", "thing", thing.id, None, {...})  # ids known here

The case desk's own lifecycle (krs/cases/service.py) keeps its helpers: its audit row is always
the case's snapshot, and a follow-up is retried rather than refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.orm.exc import StaleDataError

from krs.extensions import db
from krs.models import Case, Event, User, utcnow


def add_event(actor: User, case: Case, kind: str, occurred_at: datetime | None = None, **fields) -> Event:
    """An event on the case's timeline by `actor`, now unless `occurred_at` says when; added to
    the session (written with the change)."""
    event = Event(
        case=case,
        kind=kind,
        author_id=actor.id,
        occurred_at=utcnow() if occurred_at is None else occurred_at,
        **fields,
    )
    db.session.add(event)
    return event


def is_stale(case: Case, expected_version) -> bool:
    """The form was rendered on another version of the case: a different number, or not a number
    at all (a garbled or hostile hidden field is a conflict to reload, never a 500)."""
    if expected_version is None:
        return False
    try:
        return int(expected_version) != case.version
    except (TypeError, ValueError):
        return True


def bump_version(case: Case, at: datetime | None = None) -> None:
    """The case changed: its UPDATE raises the version, so a form rendered on the older version
    is a conflict. (A change of status bumps it as well.)"""
    case.updated_at = utcnow() if at is None else at


@contextmanager
def commit_or_conflict(conflict: type[Exception]) -> Iterator[None]:
    """Flush the change, run the block (the new rows have their ids: the audit row), commit.
    A concurrent change of the case (StaleDataError at the flush, in the block or at the commit)
    rolls everything back and raises `conflict()`."""
    try:
        db.session.flush()
        yield
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise conflict() from exc
