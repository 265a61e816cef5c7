"""Dashboards, exports and the evaluation. Importing the package connects its signal receivers."""

from krs.reports import receivers  # noqa: F401
