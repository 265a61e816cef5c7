"""The job worker's entry point: `huey_consumer worker.huey` (krs/jobs.py; `make run` starts it).

One queue for all background work: large exports (krs/reports), the backlog import's dry run and
import (krs/imports), and the periodic tasks — the daily digest every hour for the offices whose
06:00 has come (krs/notifications/tasks.py) and the cleanup of old export files. Creating the app
imports every feature, which registers its tasks on the shared huey instance.

`KRS_CONFIG` names the configuration (default `config.Config`; production:
`config.ProductionConfig`, the same as gunicorn's).
"""

import os

from krs import create_app
from krs.jobs import huey

app = create_app(os.environ.get("KRS_CONFIG") or "config.Config")

__all__ = ["app", "huey"]
