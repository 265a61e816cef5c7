"""What one feature tells the others: named blinker signals (DESIGN.md §2).

A feature that changes something sends a signal; the features that care connect their receivers
in their own package (`krs/<feature>/receivers.py`, imported by the package's `__init__.py`, so
every app created by `create_app` has them, connected once per process). The sender is the acting
user; everything else is passed by keyword.

Receivers run inside the sender's transaction: they write with the same `db.session` and never
commit (the sender commits, or rolls everything back together).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# cases (sender: the acting user)
case_viewed = _signals.signal("case-viewed", doc="A user opened a case page. case=")
case_assigned = _signals.signal("case-assigned", doc="case=, assignee=; after the case's UPDATE is flushed")
follow_up_recorded = _signals.signal("follow-up-recorded", doc="event= (the follow-up, flushed)")
closure_requested = _signals.signal("closure-requested", doc="case=; after the guarded flush")
closure_returned = _signals.signal("closure-returned", doc="case=, comment=; after the guarded flush")
case_closed = _signals.signal("case-closed", doc="case= (closure approved); after the guarded flush")
case_reopened = _signals.signal("case-reopened", doc="case=, reason=; after the guarded flush")
transfer_requested = _signals.signal("transfer-requested", doc="transfer= (pending, flushed)")
transfer_decided = _signals.signal("transfer-decided", doc="transfer= (accepted or rejected)")

# outreach (sender: the acting user)
outreach_session_saved = _signals.signal(
    "outreach-session-saved", doc="session= (created or changed, flushed, staff present set)"
)

# administration (sender: the acting user)
work_calendar_changed = _signals.signal(
    "work-calendar-changed",
    doc="year= (collective leave counted differently; the due dates of that year moved, flushed)",
)
