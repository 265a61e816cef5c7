"""In-app notifications. Importing the package connects its signal receivers (krs.signals)."""

from krs.notifications import receivers, tasks  # noqa: F401  (tasks: the daily digest on the queue)
