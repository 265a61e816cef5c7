"""The intern logbook. Importing the package connects its signal receivers (krs.signals)."""

from krs.worklog import receivers  # noqa: F401
