"""In-app notifications. Importing the package connects its signal receivers (krs.signals)."""

from krs.notifications import receivers  # noqa: F401
