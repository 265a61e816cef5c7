"""What one feature tells the others: named blinker signals (DESIGN.md §2).

A feature that changes something sends a signal; the features that care connect their receivers
in their own package (`krs/<feature>/receivers.py`, imported by the package's `__init__.py`, so
every app created by `create_app` has them, connected once per process). The sender is the acting
user; everything else is passed by keyword.

Receivers run inside the sender's transaction: they write with the same `db.session` and never
commit (the sender commits, or rolls everything back together).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from blinker import Namespace

_signals = Namespace()

# cases (sender: the acting user)
case_viewed = _signals.signal("case-viewed", doc="A user opened a case page. case=")
case_assigned = _signals.signal(
    "case-assigned",
    doc="case=, assignee=, in_batch= (True inside a bulk assignment); after the case's UPDATE is flushed",
)
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

# bulk assignment (sender: the acting user): once per bulk assignment, after its cases committed,
# so the assignee hears of it once rather than once per case (issue 16)
cases_bulk_assigned = _signals.signal(
    "cases-bulk-assigned", doc="cases= (the cases assigned, committed), assignee="
)


# ---------------------------------------------------------------- the daily digest (issue 16)


@dataclass
class DigestSection:
    """One part of a person's daily digest: a heading and one line of plain text per item.

    Features add their own parts by connecting to `digest_requested` and returning a
    DigestSection (or None, or a list of them); they never import the notifications feature."""

    title: str
    lines: list[str] = field(default_factory=list)
    key: str = ""  # e.g. "referrals", for tests and ordering


# sender: the person whose digest it is (krs.notifications.digest); today= (their office's date).
# Receivers only read (no writes) and return DigestSection | list[DigestSection] | None; they must
# keep to the person's own scope (krs.access), as the digest leaves the app by email or WhatsApp.
cases_loaded = _signals.signal(
    "cases-loaded",
    doc="case_ids= (cases inserted in bulk, bypassing the ORM flush: a backlog import, krs/imports)",
)
digest_requested = _signals.signal("digest-requested", doc="today=; receivers return DigestSection(s)")

# administration (sender: the acting user)
work_calendar_changed = _signals.signal(
    "work-calendar-changed",
    doc="year= (collective leave counted differently; the due dates of that year moved, flushed)",
)
