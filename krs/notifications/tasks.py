"""The notifications' periodic task on the shared queue (krs.jobs): the daily digest.

Registered by this feature on the one huey instance (krs.jobs sits below the features and never
imports them); the worker (`huey_consumer worker.huey`) runs it. Every hour on the hour: each office
whose local time has passed 06:00 gets its digests of the day, once per person and day
(`send_due_digests`, DigestSent), so WIB, WITA and WIT offices each get theirs at their own 06:00.
"""

from __future__ import annotations

from huey import crontab

from krs import jobs
from krs.notifications.digest import send_due_digests


@jobs.periodic(crontab(minute="0"))
def daily_digest() -> None:
    send_due_digests()
