"""What the other features' signals (krs.signals) mean for the dashboard totals.

Connected when the package is imported (krs/reports/__init__.py); receivers run in the sender's
transaction and never commit.
"""

from __future__ import annotations

from krs import signals
from krs.extensions import db
from krs.reports import stats


@signals.work_calendar_changed.connect
def rebuild_totals_for_the_new_calendar(_sender, **_kw) -> None:
    """Working-day counts and on-time shares all follow the calendar: count them all again."""
    stats.rebuild(db.session.connection())
