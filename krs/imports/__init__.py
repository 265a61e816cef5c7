"""Importing an office's backlog from Excel (/imports, issue 16 part 4): upload, map columns, dry
run, confirm, progress, undo. Importing the package registers its two jobs with the queue."""

from krs.imports import service  # noqa: F401  (jobs.register of the dry run and the import)
